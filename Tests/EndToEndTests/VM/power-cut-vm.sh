#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a QEMU guest (software emulation) whose kiosk home lives on an ext4 file system on
# a virtio disk, DISK (a raw image). Writes reach the image only when the guest kernel
# writes them back: whatever the kiosk did not fsync is still in the guest's page cache,
# and is gone when the caller kills QEMU (SIGKILL: the power cut). `cache=none` also keeps
# the host's page cache out of the way (O_DIRECT), as a disk's would be.
#
# MODE submit: list what the outbox holds after the (re)boot, then `zizhu submit` in a
#              loop, printing "ACK <受理编号> <sequence>" for each 已受理, until killed.
# MODE list:   list what the outbox holds, unmount cleanly and power off.
# Console lines: "HELD <sequence> <受理编号> <state>", "INTEGRITY <result>", "READY",
# "ACK …", "ZIZHU-VM-DONE"; and the control, a file written every second without fsync
# ("CONTROL <n>") and, after the next boot, those still intact ("CONTROLKEPT <n>").
#
# Usage: power-cut-vm.sh ZIZHU_BINARY REPOSITORY WORK_DIR DISK MODE
set -euo pipefail
zizhu=$1
repo=$2
work=$3
disk=$4
mode=$5
here=$(dirname "$0")
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk crc16 crc32c_generic mbcache jbd2 ext4"

# The guest's root is built once per work folder and reused by every boot.
if [ ! -f "$work/initrd.cpio" ]; then
    kernel=$("$here/kernel.sh" "$work" $modules)
    root=$work/root
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,data,modules,zizhu}
    cp /bin/busybox "$root/bin/busybox"
    for m in $modules; do cp "$kernel/$m.ko" "$root/modules/"; done
    echo "$modules" > "$root/modules/order"
    cp "$kernel/vmlinuz" "$work/vmlinuz"
    strip -o "$root/zizhu/zizhu" "$zizhu" 2>/dev/null || cp "$zizhu" "$root/zizhu/zizhu"
    ldd "$zizhu" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
        cp --parents -L "$lib" "$root/"
    done
    # What `zizhu submit` reads: the kiosk config and catalogue, the string tables.
    cp -r "$repo/Kiosk" "$repo/Assets" "$root/zizhu/"
    [ -d /usr/lib/locale/C.utf8 ] && cp -r --parents /usr/lib/locale/C.utf8 "$root/"
    cp "$here/power-cut-init.sh" "$root/init"
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd.cpio.tmp"
    mv "$work/initrd.cpio.tmp" "$work/initrd.cpio"
fi

exec qemu-system-x86_64 -accel tcg -m 768 -smp 1 -nographic -no-reboot \
    -kernel "$work/vmlinuz" -initrd "$work/initrd.cpio" \
    -drive "file=$disk,if=virtio,format=raw,cache=none,aio=threads" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init zizhu.mode=$mode"
