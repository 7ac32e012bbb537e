#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Debian's current kernel for the test guests, unpacked once: prints a folder holding
# `vmlinuz` and `MODULE.ko` for every module named (uncompressed; load them in the order
# given, dependencies first). The folder is cached in $ZIZHU_VM_CACHE (default
# /var/cache/zizhu-vm, else ~/.cache/zizhu-vm), keyed by the kernel version; a module not
# cached yet unpacks the package again.
#
# Usage: kernel.sh WORK_DIR MODULE...
set -euo pipefail
work=$1
shift
cache=${ZIZHU_VM_CACHE:-/var/cache/zizhu-vm}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache=$HOME/.cache/zizhu-vm
mkdir -p "$cache" "$work"

# The kernel Debian's linux-image-amd64 points at.
find_kernel() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { sub("linux-image-", "", $2); print $2; exit }'; }
version=$(find_kernel)
if [ -z "$version" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true   # a fresh machine may have no package lists yet
    version=$(find_kernel)
fi
[ -n "$version" ] || { echo "cannot find Debian's current kernel package (apt-get update?)" >&2; exit 2; }
kernel=$cache/$version
# Guests started side by side unpack one at a time.
exec 9>"$cache/.lock"
flock 9
missing=0
[ -f "$kernel/vmlinuz" ] || missing=1
for m in "$@"; do [ -f "$kernel/$m.ko" ] || missing=1; done
if [ "$missing" -eq 1 ]; then
    unpack=$(mktemp -d "$work/kernel.XXXX")
    (cd "$unpack" && apt-get download "linux-image-$version" >/dev/null 2>&1) || { echo "cannot download linux-image-$version" >&2; exit 2; }
    dpkg-deb -x "$unpack"/linux-image-*.deb "$unpack/root"
    mkdir -p "$kernel.new"
    [ -d "$kernel" ] && cp "$kernel"/* "$kernel.new/" 2>/dev/null || true
    cp "$unpack/root/boot/vmlinuz-$version" "$kernel.new/vmlinuz"
    for m in "$@"; do
        found=$(find "$unpack/root/lib/modules" -name "$m.ko*" | head -1)
        [ -n "$found" ] || { echo "module $m not in linux-image-$version" >&2; exit 2; }
        case "$found" in
            *.xz) xz -dc "$found" > "$kernel.new/$m.ko" ;;
            *.zst) zstd -dqc "$found" > "$kernel.new/$m.ko" ;;
            *) cp "$found" "$kernel.new/$m.ko" ;;
        esac
    done
    rm -rf "$kernel" && mv "$kernel.new" "$kernel"
    rm -rf "$unpack"
fi
echo "$kernel"
