// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CCUPS_SHIM_H
#define ZIZHU_CCUPS_SHIM_H
#include <cups/cups.h>
#include <cups/ipp.h>

/* Version macros are floating-point/complex and not imported as constants. */
static inline int zz_cups_version_major(void) { return CUPS_VERSION_MAJOR; }
static inline int zz_cups_version_minor(void) { return CUPS_VERSION_MINOR; }
static inline int zz_cups_version_patch(void) { return CUPS_VERSION_PATCH; }
#endif
