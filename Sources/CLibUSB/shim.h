// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CLIBUSB_SHIM_H
#define ZIZHU_CLIBUSB_SHIM_H
#include <libusb.h>

/* libusb_set_option is C-variadic, which Swift cannot call: wrap the forms we use. */
static inline int zz_libusb_set_log_level(libusb_context *ctx, int level) {
    return libusb_set_option(ctx, LIBUSB_OPTION_LOG_LEVEL, level);
}
#endif
