// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CWEBP_SHIM_H
#define ZIZHU_CWEBP_SHIM_H
#include <webp/encode.h>
#include <webp/decode.h>
#endif
