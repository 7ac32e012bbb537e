// SPDX-License-Identifier: Apache-2.0
#ifndef ZIZHU_DURABLE_FILES_H
#define ZIZHU_DURABLE_FILES_H

/// Swaps two paths in one step (renameat2 with RENAME_EXCHANGE): at every moment each
/// name is one of the two trees, whole. Returns 0, or -1 with errno set (EINVAL where the
/// file system cannot exchange).
int zizhu_rename_exchange(const char *first, const char *second);

#endif
