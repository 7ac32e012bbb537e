// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CLIBEVDEV_SHIM_H
#define ZIZHU_CLIBEVDEV_SHIM_H
#include <libevdev/libevdev.h>
#include <libevdev/libevdev-uinput.h>
#include <linux/input.h>
#include <fcntl.h>

/* The uinput node libevdev opens itself (LIBEVDEV_UINPUT_OPEN_MANAGED is an enum Swift
   imports, but the value is -2 and reads better named here). */
static inline int zz_uinput_managed(void) { return LIBEVDEV_UINPUT_OPEN_MANAGED; }
#endif
