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
mode=$(sed -n 's/.*zizhu\.mode=\([a-z-]*\).*/\1/p' /proc/cmdline)
port=$(sed -n 's/.*zizhu\.port=\([0-9]*\).*/\1/p' /proc/cmdline)
finish() {
    sync
    umount /data
    echo ZIZHU-VM-DONE
    poweroff -f
}
export ZIZHU_SHARE=/zizhu HOME=/tmp LANG=C.UTF-8 ZIZHU_HOME=/data/kiosk DM_DISABLE_UDEV=1
device=/dev/vda
if [ "$mode" = failing ]; then
    sectors=$(blockdev --getsz /dev/vda)
    /zizhu/dmsetup create kiosk --noudevsync --table "0 $sectors linear /dev/vda 0" || echo "GUEST: dmsetup create failed"
    device=/dev/mapper/kiosk
fi
# Mounting replays the journal after a cut, as the machine's own boot would.
mount -t ext4 -o data=ordered "$device" /data || { echo "GUEST: cannot mount the disk"; echo ZIZHU-VM-DONE; poweroff -f; }

case "$mode" in
central|central-list)
    central="--database sqlite:///data/central/central.sqlite --platform-key /data/central/platform-seal.key"
    echo "STATS $(/zizhu/zizhu-central stats --json $central 2>&1 | tr -d '\n')"
    [ "$mode" = central-list ] && finish
    ip link set lo up
    ip link set eth0 up
    ip addr add 10.0.2.15/24 dev eth0
    /zizhu/zizhu-central serve --host 0.0.0.0 --port "$port" --staff-port 0 $central --proof-key /data/central/proof.key \
        --rules /zizhu/Kiosk/catalogue > /tmp/central.log 2>&1 &
    server=$!
    for i in $(seq 600); do grep -q "listening on" /tmp/central.log && break; sleep 0.1; done
    grep -q "listening on" /tmp/central.log || echo "GUEST: the platform did not start: $(cat /tmp/central.log)"
    echo READY
    wait $server
    echo "GUEST: the platform stopped (status $?): $(tail -c 3000 /tmp/central.log)"
    while true; do sleep 60; done
    ;;
esac

list_held() {
    /zizhu/zizhu queue list > /tmp/held 2>/tmp/held.err || echo "GUEST: queue list failed: $(cat /tmp/held.err)"
    while IFS="$(printf '\t')" read -r sequence number kind state rest; do echo "HELD $sequence $number $state"; done < /tmp/held
    echo "INTEGRITY $(/zizhu/zizhu queue check 2>&1 | tr '\n' ' ')"
}
submit_once() {
    out=$(/zizhu/zizhu submit --sample --receipt never 2>/tmp/submit.err)
    status=$?
    case "$out" in
        已受理*) set -- $out; echo "ACK $3 $7" ;;
        *) echo "REFUSED $status $(head -c 300 /tmp/submit.err | tr '\n' ' ')" ;;
    esac
}
table() {
    # --noflush: a device that fails cannot be flushed on the way out.
    /zizhu/dmsetup suspend --noudevsync --noflush --nolockfs kiosk && /zizhu/dmsetup reload --noudevsync kiosk --table "$1" \
        && /zizhu/dmsetup resume --noudevsync kiosk || echo "GUEST: dmsetup could not switch to: $1"
    echo "FAULT $1"
}
if [ "$mode" = failing ]; then
    echo READY
    for i in 1 2 3; do submit_once; done
    # Writes fail one second in two (reads still work): each submit is accepted or refused,
    # never half. ext4 gives up on its journal at the first failed write and goes read-only.
    table "0 $sectors flakey /dev/vda 0 1 1 1 error_writes"
    for i in 1 2 3 4; do submit_once; done
    # Then every read and write fails.
    table "0 $sectors error"
    for i in 1 2; do submit_once; done
    echo "CHECK $(/zizhu/zizhu queue check 2>&1 | tr '\n' ' ')"
    echo "DIAGNOSE $(/zizhu/zizhu diagnose --timeout 1 2>&1 | grep -iE 'outbox|待上传' | tr '\n' ' ')"
    # The disk replaced by a healthy one holding the same blocks: mounted again, the
    # journal replayed, and what it holds listed.
    umount -l /data
    table "0 $sectors linear /dev/vda 0"
    mount -t ext4 -o data=ordered /dev/mapper/kiosk /data || echo "GUEST: cannot mount the disk again"
    list_held
    finish
fi

# The kiosk. The control: files the last boot wrote without fsync. Those written in the
# seconds before the cut must be gone or empty, or the cut was not a power cut.
for f in /data/control-*; do
    [ -e "$f" ] || continue
    n=${f#/data/control-}
    [ "$(cat "$f")" = "control $n" ] && echo "CONTROLKEPT $n"
    rm -f "$f"
done
sync
# What survived: every entry, and SQLite's own check of the database.
list_held
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
finish
