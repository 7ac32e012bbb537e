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
. "$(dirname "$0")/guest-root.sh"
root=$work/root
guest_root "$root" "$zizhu" "$kernel" $modules
cp -r "$repo/Devices/readers" "$root/zizhu/Devices/"
grep -v -e '^auto:' -e 'place_after_polls' -e 'remove_after_polls' "$repo/Devices/simulator/demo-cards.yaml" > "$root/zizhu/cards.yaml"
guest_boot "$root" "$(dirname "$0")/guest-init.sh" "$kernel" "$work"
