// SPDX-License-Identifier: Apache-2.0
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE
#include "pseudo_terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int zz_open_pseudo_terminal(char *path, size_t path_length, int rows, int columns) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return -1;
    if (grantpt(master) != 0 || unlockpt(master) != 0) {
        int saved = errno;
        close(master);
        errno = saved;
        return -1;
    }
    const char *name = ptsname(master);
    if (name == NULL || strlen(name) + 1 > path_length) {
        close(master);
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, name, strlen(name) + 1);
    if (rows > 0 && columns > 0) {
        struct winsize size = {0};
        size.ws_row = (unsigned short)rows;
        size.ws_col = (unsigned short)columns;
        ioctl(master, TIOCSWINSZ, &size);
    }
    return master;
}

static speed_t speed_for(int baud) {
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    default: return 0;
    }
}

int zz_make_raw(int fd, int baud) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    cfmakeraw(&t);
    t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (baud > 0) {
        speed_t speed = speed_for(baud);
        if (speed == 0) { errno = EINVAL; return -1; }
        cfsetispeed(&t, speed);
        cfsetospeed(&t, speed);
    }
    return tcsetattr(fd, TCSANOW, &t);
}
