/** The user's program as a module: it requires jgort's API only (runtime-core is found as a service). */
module app {
    requires dev.jgort.api;
}
