# SPDX-License-Identifier: Apache-2.0
# Sourced by the test guests' scripts: the root every guest starts from, and its boot.
#
# guest_root ROOT ZIZHU KERNEL_DIR MODULE...: busybox, the modules (from kernel.sh's folder),
# zizhu (stripped) with every library it links, and the C.UTF-8 locale.
guest_root() {
    local root=$1 zizhu=$2 kernel=$3
    shift 3
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,modules,zizhu/Devices}
    cp /bin/busybox "$root/bin/busybox"
    for m in "$@"; do cp "$kernel/$m.ko" "$root/modules/"; done
    strip -o "$root/zizhu/zizhu" "$zizhu" 2>/dev/null || cp "$zizhu" "$root/zizhu/zizhu"
    ldd "$zizhu" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | sort -u | while read -r lib; do
        cp --parents -L "$lib" "$root/"
    done
    [ -d /usr/lib/locale/C.utf8 ] && cp -r --parents /usr/lib/locale/C.utf8 "$root/"
    return 0
}

# guest_boot ROOT INIT KERNEL_DIR WORK: packs ROOT with INIT as /init and boots it (replaces
# the shell; the guest's console is this process's output).
guest_boot() {
    local root=$1 init=$2 kernel=$3 work=$4
    cp "$init" "$root/init"
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd.cpio"
    exec qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -nographic -no-reboot \
        -kernel "$kernel/vmlinuz" -initrd "$work/initrd.cpio" \
        -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init"
}
