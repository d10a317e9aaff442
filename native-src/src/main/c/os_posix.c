/*
 * os_posix.c: jgort_os.h for the POSIX family: Linux (glibc; built and tested on x86_64, cross-compiled
 * for aarch64 by check-linux-aarch64.sh) and macOS (written to Apple's documented calls, never
 * compiled here: see README). pthreads, stacks mapped with mmap, a pthread key destructor as the
 * thread-exit hook. Where the two differ (each difference is one #if below):
 *   - ending:      Linux learns that a thread ended from pthread_tryjoin_np; macOS has no such call,
 *                  so its threads raise a flag as their last act and are joined once it is up;
 *   - stack:       pthread_getattr_np (Linux) / pthread_get_stackaddr_np + _stacksize_np (macOS);
 *   - mmap flags:  MAP_STACK exists on Linux (a hint there) and not on macOS;
 *   - probes:      Linux reads a thread's CPU time from its pthread CPU clock and its run state from
 *                  /proc/self/task/<tid>/stat; macOS has neither a per-thread clock id nor /proc,
 *                  and reads both with Mach's thread_info(THREAD_BASIC_INFO);
 *   - strerror_r:  GNU's returns a char *, XSI's (macOS) an int.
 */
#if defined(__linux__) || defined(__APPLE__)
#if defined(__linux__)
#define _GNU_SOURCE       /* pthread_getattr_np, pthread_tryjoin_np, dladdr, GNU strerror_r */
#else
#define _DARWIN_C_SOURCE  /* MAP_ANON, dladdr, the pthread_*_np calls: hidden by a strict POSIX level */
#endif
#include "jgort_os.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__linux__)
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#else
#include <mach/mach.h>
#endif

/* MAP_STACK: Linux (a no-op hint there, as glibc passes it for its own stacks), the BSDs; not macOS. */
#if defined(MAP_STACK)
#define JGORT_MAP_STACK MAP_STACK
#else
#define JGORT_MAP_STACK 0
#endif
/* MAP_ANON is the BSD spelling; macOS before 10.11 has no MAP_ANONYMOUS. */
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif

struct jgort_os_thread {
    pthread_t tid;
    void *map;      /* runtime-allocated: the whole mapping, guard page first; NULL when OS-provided */
    size_t map_len;
    void *(*fn)(void *);
    void *arg;
    atomic_int done; /* macOS: set by the thread as its last act; it is then joined at once */
};

static void *run_thread(void *p) {
    jgort_os_thread *t = p;
    t->fn(t->arg);
    atomic_store(&t->done, 1);
    return NULL;
}

/*
 * Go reuses the stacks of exited Ms; so does this: the runtime-allocated mappings of reaped threads
 * (guard page still in place) wait here for the next thread that asks for the same size. At most
 * STACK_CACHE_SLOTS are kept (a full cache unmaps its oldest-placed entry), for the life of the
 * process, like Go's stack pool. Guarded by stack_cache_mu.
 */
#define STACK_CACHE_SLOTS 4
static pthread_mutex_t stack_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    void *map;
    size_t len;
} stack_cache[STACK_CACHE_SLOTS];
static int stack_cache_victim; /* the slot a full cache gives up next, round robin */

/* A cached mapping of exactly `len` bytes, or NULL. */
static void *stack_cache_get(size_t len) {
    void *map = NULL;
    pthread_mutex_lock(&stack_cache_mu);
    for (int i = 0; i < STACK_CACHE_SLOTS; i++) {
        if (stack_cache[i].map != NULL && stack_cache[i].len == len) {
            map = stack_cache[i].map;
            stack_cache[i].map = NULL;
            break;
        }
    }
    pthread_mutex_unlock(&stack_cache_mu);
    return map;
}

/* Keeps a reaped thread's mapping for reuse; a full cache unmaps an older one to make room. */
static void stack_cache_put(void *map, size_t len) {
    void *old = NULL;
    size_t old_len = 0;
    pthread_mutex_lock(&stack_cache_mu);
    int slot = -1;
    for (int i = 0; i < STACK_CACHE_SLOTS && slot < 0; i++) {
        if (stack_cache[i].map == NULL) slot = i;
    }
    if (slot < 0) {
        slot = stack_cache_victim;
        stack_cache_victim = (stack_cache_victim + 1) % STACK_CACHE_SLOTS;
        old = stack_cache[slot].map;
        old_len = stack_cache[slot].len;
    }
    stack_cache[slot].map = map;
    stack_cache[slot].len = len;
    pthread_mutex_unlock(&stack_cache_mu);
    if (old != NULL) munmap(old, old_len);
}

struct jgort_os_event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int set;
};

int jgort_os_page_size(size_t *out) {
    long page = sysconf(_SC_PAGESIZE); /* Go reads the same from the auxv (AT_PAGESZ) on Linux */
    if (page <= 0) return errno != 0 ? errno : EINVAL;
    *out = (size_t) page;
    return 0;
}

/*
 * [guard page | stack of `size` bytes] for t, set on attr: a stack overflow hits the guard, not other
 * memory. glibc adds no guard of its own to a stack it is given, and keeps its thread control block
 * and static TLS at the top of it; macOS wants the address and size page-aligned, as they are.
 */
static int map_stack(jgort_os_thread *t, pthread_attr_t *attr, size_t size) {
    size_t page;
    int err = jgort_os_page_size(&page);
    if (err != 0) return err;
    size = (size + page - 1) / page * page;
    size_t len = size + page;
    void *map = stack_cache_get(len);
    if (map == NULL) {
        map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | JGORT_MAP_STACK, -1, 0);
        if (map == MAP_FAILED) return errno;
        if (mprotect(map, page, PROT_NONE) != 0) {
            err = errno;
            munmap(map, len);
            return err;
        }
    }
    if ((err = pthread_attr_setstack(attr, (char *) map + page, size)) != 0) {
        stack_cache_put(map, len);
        return err;
    }
    t->map = map;
    t->map_len = len;
    return 0;
}

int jgort_os_thread_start(jgort_os_thread **out, int runtime_stack, size_t size, void *(*fn)(void *), void *arg) {
    jgort_os_thread *t = calloc(1, sizeof *t);
    if (t == NULL) return ENOMEM;
    pthread_attr_t attr;
    int err = pthread_attr_init(&attr);
    if (err != 0) {
        free(t);
        return err;
    }
    if (runtime_stack) {
        err = map_stack(t, &attr, size);
    } else if (size != 0) {
        err = pthread_attr_setstacksize(&attr, size);
    }
    t->fn = fn;
    t->arg = arg;
    if (err == 0) err = pthread_create(&t->tid, &attr, run_thread, t);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        if (t->map != NULL) stack_cache_put(t->map, t->map_len);
        free(t);
        return err;
    }
    *out = t;
    return 0;
}

int jgort_os_thread_reap(jgort_os_thread *t) {
#if defined(__linux__)
    int err = pthread_tryjoin_np(t->tid, NULL);
    if (err != 0) return err; /* EBUSY while it runs */
#else
    if (!atomic_load(&t->done)) return EBUSY;
    int err = pthread_join(t->tid, NULL); /* returns at once: the thread is past its last act */
    if (err != 0) return err;
#endif
    if (t->map != NULL) stack_cache_put(t->map, t->map_len);
    free(t);
    return 0;
}

void jgort_os_thread_set_name(const char *name) {
#if defined(__APPLE__)
    pthread_setname_np(name); /* the calling thread only; up to 63 bytes */
#else
    char cut[16];             /* Linux keeps 15 bytes and refuses longer names */
    snprintf(cut, sizeof cut, "%s", name);
    pthread_setname_np(pthread_self(), cut);
#endif
}

void jgort_os_yield(void) {
    sched_yield();
}

int jgort_os_stack_bounds(uintptr_t *lo, uintptr_t *hi) {
#if defined(__APPLE__)
    pthread_t self = pthread_self();
    *hi = (uintptr_t) pthread_get_stackaddr_np(self); /* the top: stacks grow down */
    *lo = *hi - pthread_get_stacksize_np(self);
    return 0;
#else
    pthread_attr_t attr;
    int err = pthread_getattr_np(pthread_self(), &attr);
    if (err != 0) return err;
    void *addr;
    size_t size;
    err = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    if (err != 0) return err;
    *lo = (uintptr_t) addr;
    *hi = (uintptr_t) addr + size;
    return 0;
#endif
}

int jgort_os_event_new(jgort_os_event **out) {
    jgort_os_event *e = calloc(1, sizeof *e);
    if (e == NULL) return ENOMEM;
    int err = pthread_mutex_init(&e->mu, NULL);
    if (err != 0) {
        free(e);
        return err;
    }
    err = pthread_cond_init(&e->cv, NULL);
    if (err != 0) {
        pthread_mutex_destroy(&e->mu);
        free(e);
        return err;
    }
    *out = e;
    return 0;
}

void jgort_os_event_signal(jgort_os_event *e) {
    pthread_mutex_lock(&e->mu);
    e->set = 1;
    pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

void jgort_os_event_wait(jgort_os_event *e) {
    pthread_mutex_lock(&e->mu);
    while (!e->set) pthread_cond_wait(&e->cv, &e->mu);
    pthread_mutex_unlock(&e->mu);
}

void jgort_os_event_free(jgort_os_event *e) {
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static void (*_Atomic exit_fn)(void);
static int exit_key_err;

static void run_exit_fn(void *value) {
    (void) value;
    exit_fn();
}

static void make_exit_key(void) {
    exit_key_err = pthread_key_create(&exit_key, run_exit_fn);
}

int jgort_os_on_thread_exit(void (*fn)(void)) {
    exit_fn = fn;
    pthread_once(&exit_key_once, make_exit_key);
    if (exit_key_err != 0) return exit_key_err;
    if (pthread_getspecific(exit_key) != NULL) return 0;
    /* Any non-NULL value: glibc runs the destructor of a key whose value is non-NULL at thread exit. */
    return pthread_setspecific(exit_key, (void *) 1);
}

int jgort_os_library_symbol(const void *addr_in_library, const char *name, void **out) {
    Dl_info info;
    if (dladdr(addr_in_library, &info) == 0 || info.dli_fname == NULL) return ENOENT;
    /* RTLD_NOLOAD: a handle on the library already loaded (libjvm may be loaded RTLD_LOCAL, so
     * RTLD_DEFAULT would not always see its symbols); nothing new is loaded. */
    void *lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (lib == NULL) return ENOENT;
    void *sym = dlsym(lib, name);
    dlclose(lib); /* drops the reference RTLD_NOLOAD added; the library stays loaded */
    if (sym == NULL) return ENOENT;
    *out = sym;
    return 0;
}

struct jgort_os_thread_probe {
#if defined(__APPLE__)
    mach_port_t thread; /* macOS has no per-thread CPU clockid: thread_info reads time and run state */
#else
    clockid_t clock;
    pid_t tid;
    /* /proc/self/task/<tid>/stat: opened by the first state query and kept open (a pread is ~3 us;
     * the open ~15 us for a new thread, measured, which every M start and every fresh callback
     * thread paid when it was opened here at once, though most threads are never asked).
     * STAT_NOT_OPENED until then, -1 if the open failed; set once, by CAS. */
    _Atomic int stat_fd;
#endif
};

#if !defined(__APPLE__)
#define STAT_NOT_OPENED (-2)
#endif

int jgort_os_thread_probe_self(jgort_os_thread_probe **out) {
    jgort_os_thread_probe *p = calloc(1, sizeof *p);
    if (p == NULL) return ENOMEM;
#if defined(__APPLE__)
    p->thread = pthread_mach_thread_np(pthread_self());
#else
    int err = pthread_getcpuclockid(pthread_self(), &p->clock);
    if (err != 0) {
        free(p);
        return err;
    }
    p->tid = (pid_t) syscall(SYS_gettid);
    atomic_init(&p->stat_fd, STAT_NOT_OPENED);
#endif
    *out = p;
    return 0;
}

int jgort_os_thread_probe_cpu(const jgort_os_thread_probe *p, int64_t *nanos) {
#if defined(__APPLE__)
    thread_basic_info_data_t info;
    mach_msg_type_number_t n = THREAD_BASIC_INFO_COUNT;
    if (thread_info(p->thread, THREAD_BASIC_INFO, (thread_info_t) &info, &n) != KERN_SUCCESS) return EINVAL;
    *nanos = ((int64_t) info.user_time.seconds + info.system_time.seconds) * 1000000000LL
             + ((int64_t) info.user_time.microseconds + info.system_time.microseconds) * 1000LL;
    return 0;
#else
    struct timespec ts;
    if (clock_gettime(p->clock, &ts) != 0) return errno;
    *nanos = (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
    return 0;
#endif
}

int jgort_os_thread_probe_state(jgort_os_thread_probe *p) {
#if defined(__APPLE__)
    thread_basic_info_data_t info;
    mach_msg_type_number_t n = THREAD_BASIC_INFO_COUNT;
    if (thread_info(p->thread, THREAD_BASIC_INFO, (thread_info_t) &info, &n) != KERN_SUCCESS) return JGORT_OS_THREAD_UNKNOWN;
    switch (info.run_state) {
    case TH_STATE_RUNNING: /* on a core or ready for one: Linux's 'R' */
        return JGORT_OS_THREAD_RUNNABLE;
    case TH_STATE_WAITING:
    case TH_STATE_UNINTERRUPTIBLE:
        return JGORT_OS_THREAD_WAITING;
    default: /* stopped, halted */
        return JGORT_OS_THREAD_UNKNOWN;
    }
#else
    /* "tid (comm) S ...": the state letter follows the last ')' (comm may itself contain one). */
    char buf[512];
    int fd = atomic_load_explicit(&p->stat_fd, memory_order_acquire);
    if (fd == STAT_NOT_OPENED) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long) p->tid);
        int opened = open(path, O_RDONLY | O_CLOEXEC); /* -1: the state stays unknown, the CPU time still works */
        int expected = STAT_NOT_OPENED;
        if (atomic_compare_exchange_strong(&p->stat_fd, &expected, opened)) {
            fd = opened;
        } else { /* another query opened it first */
            if (opened >= 0) close(opened);
            fd = expected;
        }
    }
    if (fd < 0) return JGORT_OS_THREAD_UNKNOWN;
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return JGORT_OS_THREAD_UNKNOWN;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    if (paren == NULL || paren[1] != ' ') return JGORT_OS_THREAD_UNKNOWN;
    return paren[2] == 'R' ? JGORT_OS_THREAD_RUNNABLE : JGORT_OS_THREAD_WAITING;
#endif
}

void jgort_os_thread_probe_free(jgort_os_thread_probe *p) {
#if !defined(__APPLE__)
    int fd = atomic_load(&p->stat_fd);
    if (fd >= 0) close(fd);
#endif
    free(p);
}

const char *jgort_os_strerror(int err, char *buf, size_t len) {
#if defined(__linux__)
    /* GNU strerror_r may return a static string instead of filling buf. */
    return strerror_r(err, buf, len);
#else
    return strerror_r(err, buf, len) == 0 ? buf : "unknown error";
#endif
}

#endif /* __linux__ || __APPLE__ */
