#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the USB-HID QR scanner test guest (see qr-hid-vm.sh).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in evdev uinput; do insmod /modules/$m.ko || echo "GUEST: insmod $m failed"; done
export ZIZHU_SHARE=/zizhu HOME=/tmp LANG=C.UTF-8 ZIZHU_HOME=/tmp/zizhu
stamp() { echo "GUEST: [$(cut -d' ' -f1 /proc/uptime)] $*"; }
wait_for() { for i in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# The scanner: a uinput keyboard named like a real one, typing a key per 8 ms as a USB HID
# scanner does.
/zizhu/zizhu qr sim --uinput "Zizhu QR Scanner (HID)" --control /tmp/qrc > /tmp/sim.log 2>&1 &
wait_for /tmp/sim.log keyboard: || stamp "the virtual scanner did not start: $(cat /tmp/sim.log)"
node=$(sed -n 's/^keyboard: \([^ ]*\).*/\1/p' /tmp/sim.log)
stamp "virtual scanner on $node"

# The kiosk's side: the scanner grabbed, two codes.
(/zizhu/zizhu qr listen --profile hid --json --count 2 --seconds 120 --verify-demo 2>&1; echo "{\"event\":\"exit\",\"status\":\"$?\"}") \
    | tee /tmp/listen.log | while read -r line; do echo "QR: $line"; done &
wait_for /tmp/listen.log '"listening"' || stamp "the listener did not start"
# Another program cannot have it while the kiosk does, and reading the node directly sees nothing.
/zizhu/zizhu qr listen --profile hid --json --seconds 2 2>&1 | while read -r line; do echo "QR2: $line"; done
(timeout 4 cat "$node" > /tmp/leak.bin 2>/dev/null) &
sleep 0.5
echo "demo 1" > /tmp/qrc
# One scan after the other, as a citizen would (the first verification loads the time zone,
# slow under emulation).
wait_for /tmp/listen.log '"identified"' || stamp "the first code was not verified"
echo "scan Hello-World_42!?" > /tmp/qrc
wait_for /tmp/listen.log '"exit"' || stamp "the listener did not finish"
sleep 4
stamp "bytes read past the grab: $(wc -c < /tmp/leak.bin)"
echo "LEAK: $(wc -c < /tmp/leak.bin)"

# Unplugged while listening.
(/zizhu/zizhu qr listen --profile hid --json --seconds 60 2>&1; echo "{\"event\":\"exit\",\"status\":\"$?\"}") \
    | tee /tmp/unplug.log | while read -r line; do echo "QR3: $line"; done &
wait_for /tmp/unplug.log '"listening"' || stamp "the second listener did not start"
echo "unplug" > /tmp/qrc
wait_for /tmp/unplug.log '"exit"' || stamp "the unplug went unnoticed"
sed 's/^/SIMULATOR: /' /tmp/sim.log
echo "ZIZHU-VM-DONE"
poweroff -f
