/*
 * os_windows.c: jgort_os.h on Windows. Windows allocates every thread's stack itself, so allocm
 * chooses OS-provided stacks there (as Go's does) and a runtime-allocated one is refused.
 *
 * Compile-checked with mingw-w64 on Linux; not run here (see README).
 */
#if defined(_WIN32)
#include "jgort_os.h"

#include <errno.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

struct jgort_os_thread {
    HANDLE handle;
};

struct jgort_os_event {
    HANDLE handle;
};

typedef struct trampoline {
    void *(*fn)(void *);
    void *arg;
} trampoline;

static unsigned __stdcall run_trampoline(void *p) {
    trampoline t = *(trampoline *) p;
    free(p);
    t.fn(t.arg);
    return 0;
}

int jgort_os_page_size(size_t *out) {
    SYSTEM_INFO si;
    GetSystemInfo(&si); /* cannot fail; dwPageSize, not the 64 KiB dwAllocationGranularity */
    *out = (size_t) si.dwPageSize;
    return 0;
}

int jgort_os_thread_start(jgort_os_thread **out, int runtime_stack, size_t size, void *(*fn)(void *), void *arg) {
    if (runtime_stack) return ENOTSUP; /* CreateThread cannot run on a stack the caller maps */
    jgort_os_thread *t = calloc(1, sizeof *t);
    trampoline *tr = malloc(sizeof *tr);
    if (t == NULL || tr == NULL) {
        free(t);
        free(tr);
        return ENOMEM;
    }
    tr->fn = fn;
    tr->arg = arg;
    uintptr_t h = _beginthreadex(NULL, (unsigned) size, run_trampoline, tr, size != 0 ? STACK_SIZE_PARAM_IS_A_RESERVATION : 0, NULL);
    if (h == 0) {
        int err = errno != 0 ? errno : EAGAIN;
        free(t);
        free(tr);
        return err;
    }
    t->handle = (HANDLE) h;
    *out = t;
    return 0;
}

int jgort_os_thread_reap(jgort_os_thread *t) {
    DWORD r = WaitForSingleObject(t->handle, 0);
    if (r == WAIT_TIMEOUT) return EBUSY;
    if (r != WAIT_OBJECT_0) return EINVAL;
    CloseHandle(t->handle);
    free(t);
    return 0;
}

void jgort_os_thread_set_name(const char *name) {
    /* SetThreadDescription exists from Windows 10 1607 on: looked up, so older systems still load us. */
    typedef HRESULT (WINAPI *set_description_fn)(HANDLE, PCWSTR);
    HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
    set_description_fn set = k32 != NULL ? (set_description_fn) (void (*)(void)) GetProcAddress(k32, "SetThreadDescription") : NULL;
    wchar_t wide[64];
    if (set == NULL || MultiByteToWideChar(CP_UTF8, 0, name, -1, wide, 64) == 0) return;
    set(GetCurrentThread(), wide);
}

void jgort_os_yield(void) {
    SwitchToThread();
}

int jgort_os_stack_bounds(uintptr_t *lo, uintptr_t *hi) {
    ULONG_PTR low, high;
    GetCurrentThreadStackLimits(&low, &high); /* Windows 8 and later */
    *lo = (uintptr_t) low;
    *hi = (uintptr_t) high;
    return 0;
}

int jgort_os_event_new(jgort_os_event **out) {
    jgort_os_event *e = calloc(1, sizeof *e);
    if (e == NULL) return ENOMEM;
    e->handle = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (e->handle == NULL) {
        free(e);
        return ENOMEM;
    }
    *out = e;
    return 0;
}

void jgort_os_event_signal(jgort_os_event *e) {
    SetEvent(e->handle);
}

void jgort_os_event_wait(jgort_os_event *e) {
    WaitForSingleObject(e->handle, INFINITE);
}

void jgort_os_event_free(jgort_os_event *e) {
    CloseHandle(e->handle);
    free(e);
}

/* Fiber-local storage with a callback: Windows runs it when the thread exits (Go uses the same on Windows). */
static INIT_ONCE exit_once = INIT_ONCE_STATIC_INIT;
static DWORD exit_fls = FLS_OUT_OF_INDEXES;
static void (*volatile exit_fn)(void); /* the same function on every thread */

static void WINAPI run_exit_fn(void *value) {
    if (value != NULL && exit_fn != NULL) exit_fn();
}

static BOOL CALLBACK make_exit_fls(PINIT_ONCE once, void *param, void **context) {
    (void) once;
    (void) param;
    (void) context;
    exit_fls = FlsAlloc(run_exit_fn);
    return TRUE;
}

int jgort_os_on_thread_exit(void (*fn)(void)) {
    exit_fn = fn;
    InitOnceExecuteOnce(&exit_once, make_exit_fls, NULL, NULL);
    if (exit_fls == FLS_OUT_OF_INDEXES) return ENOMEM;
    if (FlsGetValue(exit_fls) != NULL) return 0;
    return FlsSetValue(exit_fls, (void *) 1) ? 0 : EINVAL;
}

int jgort_os_library_symbol(const void *addr_in_library, const char *name, void **out) {
    HMODULE mod;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR) addr_in_library, &mod)) {
        return ENOENT;
    }
    FARPROC sym = GetProcAddress(mod, name);
    if (sym == NULL) return ENOENT;
    *out = (void *) sym;
    return 0;
}

struct jgort_os_thread_probe {
    HANDLE thread; /* a real handle on the thread (GetCurrentThread's is a pseudo-handle) */
};

int jgort_os_thread_probe_self(jgort_os_thread_probe **out) {
    jgort_os_thread_probe *p = calloc(1, sizeof *p);
    if (p == NULL) return ENOMEM;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &p->thread,
                         THREAD_QUERY_LIMITED_INFORMATION, FALSE, 0)) {
        free(p);
        return EINVAL;
    }
    *out = p;
    return 0;
}

int jgort_os_thread_probe_cpu(const jgort_os_thread_probe *p, int64_t *nanos) {
    FILETIME created, exited, kernel, user;
    if (!GetThreadTimes(p->thread, &created, &exited, &kernel, &user)) return EINVAL;
    ULARGE_INTEGER k = {{kernel.dwLowDateTime, kernel.dwHighDateTime}};
    ULARGE_INTEGER u = {{user.dwLowDateTime, user.dwHighDateTime}};
    *nanos = (int64_t) (k.QuadPart + u.QuadPart) * 100; /* 100 ns units */
    return 0;
}

int jgort_os_thread_probe_state(jgort_os_thread_probe *p) {
    (void) p;
    return JGORT_OS_THREAD_UNKNOWN; /* no cheap per-thread run state on Windows: the CPU time decides */
}

void jgort_os_thread_probe_free(jgort_os_thread_probe *p) {
    CloseHandle(p->thread);
    free(p);
}

const char *jgort_os_strerror(int err, char *buf, size_t len) {
    if (strerror_s(buf, len, err) != 0) return "unknown error";
    return buf;
}

#endif /* _WIN32 */
