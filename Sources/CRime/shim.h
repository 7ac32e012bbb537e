// SPDX-License-Identifier: Apache-2.0
// librime's C API (Debian librime-dev). Its structs carry their own size, set by the
// RIME_STRUCT macros, which Swift cannot call: these do it.
#include <rime_api.h>

static inline RimeTraits zz_rime_traits(void) { RIME_STRUCT(RimeTraits, traits); return traits; }
static inline RimeContext zz_rime_context(void) { RIME_STRUCT(RimeContext, context); return context; }
static inline RimeCommit zz_rime_commit(void) { RIME_STRUCT(RimeCommit, commit); return commit; }
static inline RimeStatus zz_rime_status(void) { RIME_STRUCT(RimeStatus, status); return status; }
