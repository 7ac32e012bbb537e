// SPDX-License-Identifier: Apache-2.0
// Zinnia's C API (Debian libzinnia-dev): online handwriting recognition (SVM).
#include <zinnia.h>
