#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the power-cut guest (see power-cut-vm.sh).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in $(cat /modules/order); do
    insmod /modules/$m.ko || echo "GUEST: insmod $m failed"
done
for i in $(seq 100); do [ -b /dev/vda ] && break; sleep 0.1; done
mode=$(sed -n 's/.*zizhu\.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
# Mounting replays the journal after a cut, as the kiosk's own boot would.
mount -t ext4 -o data=ordered /dev/vda /data || { echo "GUEST: cannot mount the kiosk disk"; echo ZIZHU-VM-DONE; poweroff -f; }
export ZIZHU_SHARE=/zizhu HOME=/tmp LANG=C.UTF-8 ZIZHU_HOME=/data/kiosk
# The control: files the last boot wrote without fsync. Those written in the seconds before
# the cut must be gone or empty, or the cut was not a power cut.
for f in /data/control-*; do
    [ -e "$f" ] || continue
    n=${f#/data/control-}
    [ "$(cat "$f")" = "control $n" ] && echo "CONTROLKEPT $n"
    rm -f "$f"
done
sync
# What survived: every entry, and SQLite's own check of the database.
/zizhu/zizhu queue list > /tmp/held 2>/tmp/held.err || echo "GUEST: queue list failed: $(cat /tmp/held.err)"
while IFS="$(printf '\t')" read -r sequence number kind state rest; do echo "HELD $sequence $number $state"; done < /tmp/held
echo "INTEGRITY $(/zizhu/zizhu queue check 2>&1 | tr '\n' ' ')"
echo READY
if [ "$mode" = submit ]; then
    (i=0; while true; do i=$((i + 1)); echo "control $i" > /data/control-$i; echo "CONTROL $i"; sleep 1; done) &
    while true; do
        out=$(/zizhu/zizhu submit --sample --receipt never 2>&1)
        case "$out" in
            已受理*) set -- $out; echo "ACK $3 $7" ;;
            *) echo "GUEST: submit failed: $out" ;;
        esac
    done
fi
sync
umount /data
echo ZIZHU-VM-DONE
poweroff -f
