// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_PSEUDO_TERMINAL_H
#define ZIZHU_PSEUDO_TERMINAL_H
#include <stddef.h>

/* Opens a pseudo-terminal master (non-blocking off, close-on-exec) of the given size and
   writes the slave's path into `path`. Returns the master fd, or -1 with errno set.
   glibc only declares posix_openpt/grantpt/unlockpt/ptsname under _XOPEN_SOURCE, which
   Swift's Glibc module is not built with, so this lives in C. */
int zz_open_pseudo_terminal(char *path, size_t path_length, int rows, int columns);

/* Puts a terminal fd in raw mode at the given baud rate (8N1, no flow control). */
int zz_make_raw(int fd, int baud);
#endif
