// SPDX-License-Identifier: Apache-2.0
#include "terminal_safety.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_termios;
static int saved_valid = 0;
static int saved_fd_in = -1;
static int saved_fd_out = -1;
static char restore_buffer[512];
static size_t restore_length = 0;
static volatile sig_atomic_t termination = 0;
static volatile sig_atomic_t resized = 0;
static int wake_pipe[2] = {-1, -1};
static atomic_int restored = 0;

static void write_all(int fd, const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += n;
        length -= (size_t)n;
    }
}

void zz_safety_restore(void) {
    if (atomic_exchange(&restored, 1)) return;
    if (saved_fd_out >= 0 && restore_length > 0) write_all(saved_fd_out, restore_buffer, restore_length);
    if (saved_valid) tcsetattr(saved_fd_in, TCSANOW, &saved_termios);
}

static void on_crash(int sig) {
    int saved_errno = errno;
    zz_safety_restore();
    signal(sig, SIG_DFL);
    errno = saved_errno;
    raise(sig);
}

static void on_terminate(int sig) {
    (void)sig;
    int saved_errno = errno;
    termination = 1;
    if (wake_pipe[1] >= 0) {
        char byte = 'T';
        (void)!write(wake_pipe[1], &byte, 1);
    }
    errno = saved_errno;
}

static void on_resize(int sig) {
    (void)sig;
    int saved_errno = errno;
    resized = 1;
    if (wake_pipe[1] >= 0) {
        char byte = 'R';
        (void)!write(wake_pipe[1], &byte, 1);
    }
    errno = saved_errno;
}

static int install(int sig, void (*handler)(int), int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    return sigaction(sig, &action, NULL);
}

int zz_safety_install(int fd_in, int fd_out, const char *restore_sequence, int citizen_mode) {
    saved_fd_in = fd_in;
    saved_fd_out = fd_out;
    if (tcgetattr(fd_in, &saved_termios) == 0) saved_valid = 1;
    restore_length = 0;
    if (restore_sequence) {
        size_t n = strlen(restore_sequence);
        if (n >= sizeof restore_buffer) n = sizeof restore_buffer - 1;
        memcpy(restore_buffer, restore_sequence, n);
        restore_length = n;
    }
    atomic_store(&restored, 0);
    if (wake_pipe[0] < 0) {
        if (pipe(wake_pipe) != 0) return -1;
        for (int i = 0; i < 2; i++) {
            fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
            fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
        }
    }
    /* No SA_RESTART: a blocking poll() must return so the loop sees the flag. */
    if (install(SIGTERM, on_terminate, 0) != 0) return -1;
    if (install(SIGHUP, on_terminate, 0) != 0) return -1;
    if (install(SIGWINCH, on_resize, SA_RESTART) != 0) return -1;
    const int crashes[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof crashes / sizeof crashes[0]; i++) {
        if (install(crashes[i], on_crash, SA_RESETHAND | SA_NODEFER) != 0) return -1;
    }
    if (citizen_mode) {
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    }
    return 0;
}

int zz_safety_termination_requested(void) { return termination != 0; }

int zz_safety_take_resize(void) {
    if (!resized) return 0;
    resized = 0;
    return 1;
}

int zz_safety_wake_fd(void) { return wake_pipe[0]; }

void zz_safety_wake(void) {
    if (wake_pipe[1] >= 0) {
        char byte = 'W';
        (void)!write(wake_pipe[1], &byte, 1);
    }
}

void zz_safety_drain_wake(void) {
    if (wake_pipe[0] < 0) return;
    char buffer[64];
    while (read(wake_pipe[0], buffer, sizeof buffer) > 0) {}
}
