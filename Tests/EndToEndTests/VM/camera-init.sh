#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the document camera test guest (see camera-vm.sh).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in $(cat /modules/order); do
    case "$m" in
        # One capture node only (no output, radio, SDR or touch nodes).
        vivid) insmod /modules/$m.ko n_devs=1 node_types=0x1 || echo "GUEST: insmod $m failed" ;;
        *) insmod /modules/$m.ko || echo "GUEST: insmod $m failed" ;;
    esac
done
export ZIZHU_SHARE=/zizhu HOME=/tmp LANG=C.UTF-8 ZIZHU_HOME=/tmp/zizhu
for i in $(seq 100); do [ -e /dev/video0 ] && break; sleep 0.1; done
echo "GUEST: $(ls /dev/video* 2>&1)"

# The camera as a technician lists it, a page taken from it, and a camera not plugged in.
echo "CAMERA: $(/zizhu/zizhu scanner list --json 2>&1 | tr -d '\n')"
out=$(/zizhu/zizhu scanner scan --profile vivid --json --output /tmp/page.webp 2>&1)
status=$?
echo "CAMERA: $(echo "$out" | tail -n 1)"
echo "CAMERA-STATUS: $status"
echo "WEBP: $(head -c 4 /tmp/page.webp 2>/dev/null) $(wc -c < /tmp/page.webp 2>/dev/null)"
/zizhu/zizhu scanner scan --profile vivid --preview 2>&1 | sed 's/^/PREVIEW: /'
out=$(/zizhu/zizhu scanner scan --profile absent --json 2>&1)
status=$?
echo "ABSENT: $status $(echo "$out" | tail -n 1)"
echo "ZIZHU-VM-DONE"
poweroff -f
