package dev.jgort.jni;

import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM's count of JNI global references, as its thread dump reports it ("JNI global refs: N"),
 * read through the DiagnosticCommand MBean (jcmd's {@code Thread.print}). Leak tests compare it before
 * and after many cycles.
 */
final class JniGlobalRefs {
    private static final Pattern COUNT = Pattern.compile("JNI global refs: (\\d+)");

    private JniGlobalRefs() {}

    static int count() throws JMException {
        String dump = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Matcher m = COUNT.matcher(dump);
        if (!m.find()) throw new IllegalStateException("the thread dump has no \"JNI global refs\" line");
        return Integer.parseInt(m.group(1));
    }
}
