// SPDX-License-Identifier: Apache-2.0
// librime's C API (Debian librime-dev). Its structs carry their own size, set by the
// RIME_STRUCT macros, which Swift cannot call: these do it.
//
// Opened with dlopen when a visit first needs pinyin, not linked: librime brings a dozen
// libraries (boost, glog, leveldb, marisa, OpenCC, yaml-cpp, ICU), which the kiosk's start
// and its attract screen then do without. Its whole API is one table of functions.
#include <dlfcn.h>
#include <rime_api.h>

/// Opens `library` and asks it for its API; NULL with `*problem` set when it cannot.
static inline RimeApi *zz_rime_load(const char *library, const char **problem) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) { *problem = dlerror(); return 0; }
    __typeof__(&rime_get_api) get_api = (__typeof__(get_api))dlsym(handle, "rime_get_api");
    if (!get_api) { *problem = "a function is missing: rime_get_api"; return 0; }
    RimeApi *api = get_api();
    if (!api) *problem = "rime_get_api returned nothing";
    return api;
}

static inline RimeTraits zz_rime_traits(void) { RIME_STRUCT(RimeTraits, traits); return traits; }
static inline RimeContext zz_rime_context(void) { RIME_STRUCT(RimeContext, context); return context; }
static inline RimeCommit zz_rime_commit(void) { RIME_STRUCT(RimeCommit, commit); return commit; }
static inline RimeStatus zz_rime_status(void) { RIME_STRUCT(RimeStatus, status); return status; }
