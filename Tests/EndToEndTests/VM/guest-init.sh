#!/bin/busybox sh
# SPDX-License-Identifier: Apache-2.0
# PID 1 of the USB reader test guest (see usb-reader-vm.sh).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in usb-common usbcore udc-core configfs libcomposite u_serial usb_f_serial dummy_hcd; do
    insmod /modules/$m.ko || echo "GUEST: insmod $m failed"
done
mount -t configfs none /sys/kernel/config
g=/sys/kernel/config/usb_gadget/reader
mkdir -p $g/strings/0x409 $g/configs/c.1 $g/functions/gser.0
echo 0x0400 > $g/idVendor
echo 0xc35a > $g/idProduct
echo "Zizhu emulated SAM reader" > $g/strings/0x409/product
ln -s $g/functions/gser.0 $g/configs/c.1/
udc=$(ls /sys/class/udc | head -1)
echo "$udc" > $g/UDC
for i in $(seq 100); do [ -e /dev/ttyGS0 ] && break; sleep 0.1; done
echo "GUEST: gadget $(cat $g/idVendor):$(cat $g/idProduct) on $udc, tty $(ls /dev/ttyGS0)"

export ZIZHU_SHARE=/zizhu HOME=/tmp LANG=C.UTF-8 ZIZHU_HOME=/tmp/zizhu
/zizhu/zizhu reader sim --cards /zizhu/cards.yaml --device /dev/ttyGS0 --control /tmp/control > /tmp/sim.log 2>&1 &
for i in $(seq 100); do [ -p /tmp/control ] && break; sleep 0.1; done
(/zizhu/zizhu reader read --profile usb-0400-c35a --count 2 --timeout 90 --json 2>&1; echo "{\"event\":\"exit\",\"status\":$?}") | tee /tmp/read.log | while read -r line; do echo "READER: $line"; done &

stamp() { echo "GUEST: [$(cut -d' ' -f1 /proc/uptime)] $*"; }
wait_for() { for i in $(seq 300); do grep -q "$1" /tmp/read.log && return 0; sleep 0.1; done; return 1; }
wait_for '"connected"' || stamp "the reader never connected"
stamp "placing card 1"
echo "place 1" > /tmp/control
wait_for '"card_read"' || stamp "no first card"
stamp "removing card 1"
echo "remove" > /tmp/control
wait_for '"card_removed"' || stamp "removal not seen"
# Pull the plug: unbinding the gadget removes the USB device from the host side.
stamp "unplugging"
echo "" > $g/UDC
wait_for '"disconnected"' || stamp "the unplug went unnoticed"
stamp "plugging back in"
echo "$udc" > $g/UDC
echo "place 2" > /tmp/control
wait_for '"exit"' || stamp "the reader did not finish"
dmesg | grep -i usb | tail -8 | sed 's/^/DMESG: /'
sed 's/^/SIMULATOR: /' /tmp/sim.log
echo "ZIZHU-VM-DONE"
poweroff -f
