// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_CQRENCODE_SHIM_H
#define ZIZHU_CQRENCODE_SHIM_H
/* libqrencode: QR codes as module matrices, for printers without native QR (GS v 0). */
#include <qrencode.h>
#endif
