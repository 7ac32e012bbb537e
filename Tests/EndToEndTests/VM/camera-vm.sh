#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots a QEMU guest (software emulation: this machine kind loads no kernel modules) with the
# kernel's `vivid` driver as a V4L2 document camera, in which `zizhu scanner list` finds it
# and `zizhu scanner scan` takes a page from it by memory-mapped streaming. Prints the guest
# console; lines starting "CAMERA: " are the commands' JSON.
#
# Usage: camera-vm.sh ZIZHU_BINARY REPOSITORY WORK_DIR
set -euo pipefail
zizhu=$1
repo=$2
work=$3
# vivid and what it needs, dependencies first.
modules="mc videodev videobuf2-common videobuf2-v4l2 videobuf2-memops videobuf2-vmalloc videobuf2-dma-contig v4l2-dv-timings v4l2-tpg rc-core cec vivid"
kernel=$("$(dirname "$0")/kernel.sh" "$work" $modules)

. "$(dirname "$0")/guest-root.sh"
root=$work/root
guest_root "$root" "$zizhu" "$kernel" $modules
mkdir -p "$root/zizhu/Devices/scanners"
cp "$repo"/Devices/scanners/*.yaml "$root/zizhu/Devices/scanners/"
# The guest's camera: vivid's capture node at 1280×720, three frames to settle.
cat > "$root/zizhu/Devices/scanners/vivid.yaml" <<'PROFILE'
name: {zh: 测试高拍仪（vivid）, en: Test document camera (vivid)}
camera: {device: /dev/video0, width: 1280, height: 720, settle_frames: 3}
PROFILE
cat > "$root/zizhu/Devices/scanners/absent.yaml" <<'PROFILE'
name: {zh: 未连接的高拍仪, en: A camera not plugged in}
camera: {device: /dev/video7, width: 1280, height: 720}
PROFILE
echo "$modules" > "$root/modules/order"
guest_boot "$root" "$(dirname "$0")/camera-init.sh" "$kernel" "$work"
