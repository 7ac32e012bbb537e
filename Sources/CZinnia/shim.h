// SPDX-License-Identifier: Apache-2.0
// Zinnia's C API (Debian libzinnia-dev): online handwriting recognition (SVM).
//
// Opened with dlopen when a visit first needs handwriting, not linked: the kiosk's start
// and its attract screen then carry neither the library nor what it loads.
#include <dlfcn.h>
#include <zinnia.h>

typedef struct {
    __typeof__(&zinnia_recognizer_new) recognizer_new;
    __typeof__(&zinnia_recognizer_open) recognizer_open;
    __typeof__(&zinnia_recognizer_strerror) recognizer_strerror;
    __typeof__(&zinnia_recognizer_destroy) recognizer_destroy;
    __typeof__(&zinnia_recognizer_size) recognizer_size;
    __typeof__(&zinnia_recognizer_classify) recognizer_classify;
    __typeof__(&zinnia_character_new) character_new;
    __typeof__(&zinnia_character_destroy) character_destroy;
    __typeof__(&zinnia_character_set_width) character_set_width;
    __typeof__(&zinnia_character_set_height) character_set_height;
    __typeof__(&zinnia_character_add) character_add;
    __typeof__(&zinnia_result_destroy) result_destroy;
    __typeof__(&zinnia_result_size) result_size;
    __typeof__(&zinnia_result_value) result_value;
} zz_zinnia;

/// Opens `library` and finds every function above; NULL when done, else what failed.
static inline const char *zz_zinnia_load(const char *library, zz_zinnia *api) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return dlerror();
#define ZZ_FIND(field, symbol) \
    if (!(api->field = (__typeof__(api->field))dlsym(handle, #symbol))) return "a function is missing: " #symbol;
    ZZ_FIND(recognizer_new, zinnia_recognizer_new)
    ZZ_FIND(recognizer_open, zinnia_recognizer_open)
    ZZ_FIND(recognizer_strerror, zinnia_recognizer_strerror)
    ZZ_FIND(recognizer_destroy, zinnia_recognizer_destroy)
    ZZ_FIND(recognizer_size, zinnia_recognizer_size)
    ZZ_FIND(recognizer_classify, zinnia_recognizer_classify)
    ZZ_FIND(character_new, zinnia_character_new)
    ZZ_FIND(character_destroy, zinnia_character_destroy)
    ZZ_FIND(character_set_width, zinnia_character_set_width)
    ZZ_FIND(character_set_height, zinnia_character_set_height)
    ZZ_FIND(character_add, zinnia_character_add)
    ZZ_FIND(result_destroy, zinnia_result_destroy)
    ZZ_FIND(result_size, zinnia_result_size)
    ZZ_FIND(result_value, zinnia_result_value)
#undef ZZ_FIND
    return 0;
}
