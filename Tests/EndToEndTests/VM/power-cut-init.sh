#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the power-cut guest (see power-cut-vm.sh).
# The first line on the console: the test tells a boot the emulator stalled before any of
# this ran (it powers on again) from one that stopped in here (a finding).
echo GUEST-INIT
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
if [ "$mode" = unreadable ]; then
    # The disk with a few bad sectors (zizhu.bad=START+COUNT,…): reads of them fail (EIO),
    # everything else reads and writes as usual.
    sectors=$(blockdev --getsz /dev/vda)
    bad=$(sed -n 's/.*zizhu\.bad=\([0-9+,]*\).*/\1/p' /proc/cmdline)
    position=0
    : > /tmp/table
    for segment in $(echo "$bad" | tr ',' ' '); do
        start=${segment%+*}
        count=${segment#*+}
        [ "$start" -gt "$position" ] && echo "$position $((start - position)) linear /dev/vda $position" >> /tmp/table
        echo "$start $count error" >> /tmp/table
        position=$((start + count))
    done
    echo "$position $((sectors - position)) linear /dev/vda $position" >> /tmp/table
    /zizhu/dmsetup create kiosk --noudevsync < /tmp/table || echo "GUEST: dmsetup create failed: $(cat /tmp/table)"
    echo "BADSECTORS $bad"
    device=/dev/mapper/kiosk
fi
# Mounting replays the journal after a cut, as the machine's own boot would.
mount -t ext4 -o data=ordered "$device" /data || { echo "GUEST: cannot mount the disk"; echo ZIZHU-VM-DONE; poweroff -f; }

if [ "$mode" = unreadable ]; then
    # The platform on the guest's loopback, where the kiosk's enrolment points; one sync.
    ip link set lo up
    central="--database sqlite:///data/central/central.sqlite --platform-key /data/central/platform-seal.key"
    /zizhu/zizhu-central serve --host 127.0.0.1 --port "$port" --staff-port 0 $central --proof-key /data/central/proof.key \
        > /tmp/central.log 2>&1 &
    for i in $(seq 600); do grep -qs "listening on" /tmp/central.log && break; sleep 0.1; done
    grep -qs "listening on" /tmp/central.log || echo "GUEST: the platform did not start: $(cat /tmp/central.log)"
    echo READY
    out=$(/zizhu/zizhu sync --now 2>&1)
    echo "SYNC $? $(echo "$out" | tail -n 3 | tr '\n' ' ')"
    echo "CHECK $(/zizhu/zizhu queue check 2>&1 | tr '\n' ' ')"
    echo "STATS $(/zizhu/zizhu-central stats --json $central 2>&1 | tr -d '\n')"
    finish
fi

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

if [ "$mode" = update ]; then
    # Catalogue updates and enrolments, with the platform on the same disk (it loses power
    # too), serving on the guest's loopback. /data/published holds versions v1, v2, … of the
    # catalogue, each signed by the operator, and the operator's public key.
    ip link set lo up
    home=/data/kiosk
    published=/data/published
    central="--database sqlite:///data/central/central.sqlite --platform-key /data/central/platform-seal.key"
    # What the cut left: the catalogue (one published version whole, or the shipped one)...
    number=$(sed -n 's/.*"number":\([0-9]*\).*/\1/p' $home/catalogue/.signature.json 2>/dev/null)
    # (stdin from /dev/null: with no catalogue files, cat would wait on the console forever)
    digest=$(cat $(ls $home/catalogue/*.yaml | sort) < /dev/null | sha256sum | cut -c1-64)
    files=$(ls $home/catalogue/*.yaml | wc -l)
    /zizhu/zizhu catalogue check $home/catalogue > /tmp/check.out 2>&1
    checked=$?
    echo "CATALOGUE ${number:-shipped} $digest $files $checked"
    # ...and the enrolment, whole or absent.
    enrolled=none
    [ -e $home/enrolment.json ] && enrolled=$(sed -n 's/.*"kioskID":"\([^"]*\)".*/\1/p' $home/enrolment.json)
    echo "ENROLMENT ${enrolled:-unreadable} $(wc -c 2>/dev/null < $home/enrolment.json || echo 0)"
    # The platform publishes the version after the installed one.
    next=$(( ${number:-0} + 1 ))
    [ -d $published/v$next ] || next=$(ls $published | sed -n 's/^v//p' | sort -n | tail -1)
    ln -sfn v$next $published/current
    /zizhu/zizhu-central serve --host 127.0.0.1 --port 8080 --staff-port 0 $central --proof-key /data/central/proof.key \
        --catalogue $published/current --catalogue-public-key "$(cat $published/public-key)" > /tmp/central.log 2>&1 &
    for i in $(seq 600); do grep -qs "listening on" /tmp/central.log && break; sleep 0.1; done
    grep -qs "listening on" /tmp/central.log || echo "GUEST: the platform did not start: $(cat /tmp/central.log)"
    # The enrolment proven by a signed request: the platform's catalogue fetched with it into
    # a scratch copy (exit 0: the platform knew the kiosk and its secret).
    if [ "$enrolled" != none ]; then
        cp -r $home/catalogue /tmp/probe
        out=$(/zizhu/zizhu catalogue update --path /tmp/probe 2>&1)
        echo "PROBE $? $(echo "$out" | head -c 300 | tr '\n' ' ')"
    fi
    echo "INTEGRITY $(/zizhu/zizhu-central stats --json $central > /dev/null 2>&1 && echo ok || echo failed)"
    echo READY
    # Then, until the power goes: enrol again (a new kiosk id, a new token) and take the
    # next catalogue version, printing each step as it starts and as it is done.
    while true; do
        ln -sfn v$next $published/current
        id=pc-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
        sed "s/^  id: .*/  id: $id/" /zizhu/Kiosk/kiosk.yaml > /zizhu/Kiosk/kiosk-$id.yaml
        token=$(/zizhu/zizhu-central token create $central 2>&1 | awk '{ print $NF }')
        echo "ENROLLING $id"
        out=$(/zizhu/zizhu enroll --config /zizhu/Kiosk/kiosk-$id.yaml --central http://127.0.0.1:8080 --token "$token" 2>&1) \
            && echo "ENROLLED $id" || echo "GUEST: enrolment failed: $out"
        echo "UPDATING $next"
        out=$(/zizhu/zizhu catalogue update --path $home/catalogue 2>&1)
        case "$out" in
            *" installed in "*) echo "INSTALLED $next" ;;
            *) echo "GUEST: update $next: $(echo "$out" | head -c 300 | tr '\n' ' ')" ;;
        esac
        [ -d $published/v$((next + 1)) ] && next=$((next + 1))
    done
fi

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
