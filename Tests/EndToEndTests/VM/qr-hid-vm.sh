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

. "$(dirname "$0")/guest-root.sh"
root=$work/root
guest_root "$root" "$zizhu" "$kernel" $modules
mkdir -p "$root/zizhu/Devices/simulator"
cp -r "$repo/Devices/qr" "$root/zizhu/Devices/"
cp "$repo/Devices/simulator/demo-identity-codes.yaml" "$root/zizhu/Devices/simulator/"
guest_boot "$root" "$(dirname "$0")/qr-hid-init.sh" "$kernel" "$work"
