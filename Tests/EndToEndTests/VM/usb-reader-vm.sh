#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a QEMU guest (software emulation: this machine kind has no usable KVM and no USB
# in its kernel) in which a configfs USB gadget plays an ID card reader — VID:PID
# 0400:C35A, a vendor-class interface with one bulk IN/OUT pair — whose device side,
# /dev/ttyGS0, is served by `zizhu reader sim`. In the same guest `zizhu reader read`
# reads two cards through libusb, with the reader unplugged and plugged back in between.
# Prints the guest console; lines starting "READER: " are the reader's JSON events.
#
# Usage: usb-reader-vm.sh ZIZHU_BINARY REPOSITORY WORK_DIR
# The kernel and its modules come from kernel.sh (cached).
set -euo pipefail
zizhu=$1
repo=$2
work=$3
modules="usb-common usbcore udc-core configfs libcomposite u_serial usb_f_serial dummy_hcd"
kernel=$("$(dirname "$0")/kernel.sh" "$work" $modules)

# The guest's root: busybox, the modules, zizhu with every library it links, the
# reader profiles and a file of fake citizens.
root=$work/root
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules,zizhu/Devices}
cp /bin/busybox "$root/bin/busybox"
for m in $modules; do cp "$kernel/$m.ko" "$root/modules/"; done
cp "$zizhu" "$root/zizhu/zizhu"
strip -o "$root/zizhu/zizhu" "$zizhu" 2>/dev/null || true
ldd "$zizhu" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
    cp --parents -L "$lib" "$root/"
done
cp -r "$repo/Devices/readers" "$root/zizhu/Devices/"
grep -v -e '^auto:' -e 'place_after_polls' -e 'remove_after_polls' "$repo/Devices/simulator/demo-cards.yaml" > "$root/zizhu/cards.yaml"
[ -d /usr/lib/locale/C.utf8 ] && cp -r --parents /usr/lib/locale/C.utf8 "$root/"
cp "$(dirname "$0")/guest-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd.cpio"

exec qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
    -kernel "$kernel/vmlinuz" -initrd "$work/initrd.cpio" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init"
