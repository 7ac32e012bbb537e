// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CSANE_SHIM_H
#define ZIZHU_CSANE_SHIM_H
#include <sane/sane.h>
#include <sane/saneopts.h>

/* Option capability bits and info flags are macros Swift does not import. */
static inline int zz_sane_cap_soft_select(void) { return SANE_CAP_SOFT_SELECT; }
static inline int zz_sane_cap_inactive(void) { return SANE_CAP_INACTIVE; }
#endif
