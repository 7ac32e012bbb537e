#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a QEMU guest (software emulation) whose data lives on an ext4 file system on a
# virtio disk, DISK (a raw image). Writes reach the image only when the guest kernel writes
# them back: whatever a program did not fsync is still in the guest's page cache, and is
# gone when the caller kills QEMU (SIGKILL: the power cut). `cache=none` also keeps the
# host's page cache out of the way (O_DIRECT), as a disk's would be.
#
# MODE submit:  the kiosk (/data/kiosk): list what the outbox holds after the (re)boot, then
#               `zizhu submit` in a loop, printing "ACK <受理编号> <sequence>" for each 已受理,
#               until killed.
# MODE list:    list what the outbox holds, unmount cleanly and power off.
# MODE central: the platform (/data/central, SQLite): print its counts, then serve the kiosk
#               API on port ZIZHU_VM_PORT, forwarded from 127.0.0.1:ZIZHU_VM_PORT here, until
#               killed.
# MODE central-list: print the platform's counts, unmount cleanly and power off.
# MODE failing: the kiosk's file system on a device-mapper device over the disk; a few
#               submits, then the device turned into one that fails every I/O (`error`),
#               then one that fails writes one second in two (`flakey`): each submit prints
#               "ACK …" or "REFUSED <status> <message>"; "CHECK …" and "DIAGNOSE …" say what
#               `zizhu queue check` and `zizhu diagnose` make of it; then the healthy device
#               back, the file system mounted again and what it holds listed.
# MODE update: the kiosk (/data/kiosk) and the platform (/data/central, SQLite, on the
#               guest's loopback) on the same disk, the catalogue versions the operator
#               signed in /data/published (v1, v2, …, public-key): print what the last cut
#               left ("CATALOGUE <number|shipped> <sha256 of the *.yaml> <files> <check
#               status>", "ENROLMENT <kiosk id|none|unreadable> <bytes>", "PROBE <status>"
#               of a signed fetch with that enrolment), then enrol again and take the next
#               version in a loop ("ENROLLING <id>", "ENROLLED <id>", "UPDATING <n>",
#               "INSTALLED <n>") until killed.
# MODE unreadable: the kiosk's file system on a device-mapper device over the disk whose
#               sectors ZIZHU_VM_BAD (START+COUNT,…) fail every read; the platform
#               (/data/central) on the guest's loopback port ZIZHU_VM_PORT, where the kiosk
#               is enrolled; one `zizhu sync --now` ("SYNC <status> <what it said>"), then
#               "CHECK …" (`zizhu queue check`) and "STATS <json>" (the platform's counts).
# Console lines: "HELD <sequence> <受理编号> <state>", "INTEGRITY <result>", "STATS <json>",
# "READY", "ACK …", "ZIZHU-VM-DONE"; and the control, a file written every second without
# fsync ("CONTROL <n>") and, after the next boot, those still intact ("CONTROLKEPT <n>").
#
# Usage: power-cut-vm.sh REPOSITORY WORK_DIR DISK MODE BINARY...
# The BINARYs (zizhu, zizhu-central) are copied into the guest's /zizhu with their libraries.
set -euo pipefail
repo=$1
work=$2
disk=$3
mode=$4
shift 4
here=$(dirname "$0")
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk crc16 crc32c_generic mbcache jbd2 ext4
         failover net_failover virtio_net dm-mod dm-flakey"

# The guest's root is built once per work folder and reused by every boot.
if [ ! -f "$work/initrd.cpio" ]; then
    kernel=$("$here/kernel.sh" "$work" $modules)
    root=$work/root
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,data,modules,zizhu}
    cp /bin/busybox "$root/bin/busybox"
    for m in $modules; do cp "$kernel/$m.ko" "$root/modules/"; done
    echo $modules > "$root/modules/order"
    cp "$kernel/vmlinuz" "$work/vmlinuz"
    # dmsetup puts a device-mapper target under the file system for the failing-disk mode.
    for binary in "$@" /usr/sbin/dmsetup; do
        strip -o "$root/zizhu/$(basename "$binary")" "$binary" 2>/dev/null || cp "$binary" "$root/zizhu/"
        ldd "$binary" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
            cp --parents -L "$lib" "$root/"
        done
    done
    # Resource bundles the binaries look for beside themselves (the platform's pages).
    for bundle in "$(dirname "$1")"/*.resources; do
        [ -d "$bundle" ] && cp -r "$bundle" "$root/zizhu/"
    done
    # What the programs read: the kiosk config and catalogue (also the platform's rules),
    # the string tables.
    cp -r "$repo/Kiosk" "$repo/Assets" "$root/zizhu/"
    [ -d /usr/lib/locale/C.utf8 ] && cp -r --parents /usr/lib/locale/C.utf8 "$root/"
    cp "$here/power-cut-init.sh" "$root/init"
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd.cpio.tmp"
    mv "$work/initrd.cpio.tmp" "$work/initrd.cpio"
fi

port=${ZIZHU_VM_PORT:-0}
network=(-nic none)
if [ "$port" != 0 ] && [ "$mode" != unreadable ]; then
    network=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:$port" -device virtio-net-pci,netdev=n0)
fi
exec qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
    -kernel "$work/vmlinuz" -initrd "$work/initrd.cpio" \
    -drive "file=$disk,if=virtio,format=raw,cache=none,aio=threads" "${network[@]}" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init zizhu.mode=$mode zizhu.port=$port zizhu.bad=${ZIZHU_VM_BAD:-}"
