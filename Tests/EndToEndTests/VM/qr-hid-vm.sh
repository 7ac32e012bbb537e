#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a QEMU guest (software emulation: this machine kind has no /dev/uinput and no input
# modules) in which `zizhu qr sim --uinput` plays a USB-HID QR scanner as a uinput virtual
# keyboard, and `zizhu qr listen --profile hid` reads it through libevdev with an exclusive
# grab. Prints the guest console; lines starting "QR: " are the listener's JSON events.
#
# Usage: qr-hid-vm.sh ZIZHU_BINARY REPOSITORY WORK_DIR
set -euo pipefail
zizhu=$1
repo=$2
work=$3
modules="evdev uinput"
kernel=$("$(dirname "$0")/kernel.sh" "$work" $modules)

root=$work/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules,zizhu/Devices/simulator}
cp /bin/busybox "$root/bin/busybox"
for m in $modules; do cp "$kernel/$m.ko" "$root/modules/"; done
strip -o "$root/zizhu/zizhu" "$zizhu" 2>/dev/null || cp "$zizhu" "$root/zizhu/zizhu"
ldd "$zizhu" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
    cp --parents -L "$lib" "$root/"
done
cp -r "$repo/Devices/qr" "$root/zizhu/Devices/"
cp "$repo/Devices/simulator/demo-identity-codes.yaml" "$root/zizhu/Devices/simulator/"
[ -d /usr/lib/locale/C.utf8 ] && cp -r --parents /usr/lib/locale/C.utf8 "$root/"
cp "$(dirname "$0")/qr-hid-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd.cpio"

exec qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
    -kernel "$kernel/vmlinuz" -initrd "$work/initrd.cpio" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init"
