// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CSPNG_SHIM_H
#define ZIZHU_CSPNG_SHIM_H
/* libspng: PNG encoding for receipt previews (no setjmp-based error handling, unlike libpng). */
#include <spng.h>
#endif
