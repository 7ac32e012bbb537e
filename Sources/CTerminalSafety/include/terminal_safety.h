// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_TERMINAL_SAFETY_H
#define ZIZHU_TERMINAL_SAFETY_H
/*
 * Async-signal-safe terminal hygiene for the kiosk.
 *
 * Signal handlers must only call async-signal-safe functions; that is easiest to
 * guarantee in C. At start-up the kiosk saves the terminal's termios and the
 * terminfo strings that undo full-screen mode; on a crash signal the handler writes
 * them back and re-raises the signal, so the terminal is never left in raw mode.
 * SIGTERM and SIGHUP only set a flag and wake the event loop through a self-pipe.
 */

/* Saves termios of `fd_in` and installs the handlers. `restore_sequence` is written to
   `fd_out` when restoring (e.g. rmcup + cnorm + sgr0 + mouse off). In citizen mode
   SIGINT, SIGQUIT and SIGTSTP are ignored. Returns 0, or -1 with errno set. */
int zz_safety_install(int fd_in, int fd_out, const char *restore_sequence, int citizen_mode);

/* Writes the saved termios and restore sequence back (idempotent; safe from handlers). */
void zz_safety_restore(void);

/* Non-zero once SIGTERM or SIGHUP arrived. */
int zz_safety_termination_requested(void);

/* The read end of the self-pipe: readable after a termination signal or zz_safety_wake(). */
int zz_safety_wake_fd(void);

/* Wakes the event loop (e.g. when a device reports from another thread). */
void zz_safety_wake(void);

/* Non-zero (once) when SIGWINCH arrived since the last call. The kiosk handles SIGWINCH
   itself rather than leaving it to ncurses: a signal may be delivered to any thread, so
   only the self-pipe reliably wakes the main thread's poll(). */
int zz_safety_take_resize(void);

/* Drains the self-pipe after the loop woke up. */
void zz_safety_drain_wake(void);
#endif
