#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the zizhu and zizhu-central packages the way a Debian admin does, in a fresh
# Debian 12 root made by mmdebstrap on this machine (so what makes them work is their own
# Depends, not the build machine's -dev packages), uses them, and purges them.
#   package-install.sh DEBS-FOLDER WORK-FOLDER CENTRAL-PORT STAFF-PORT
# Prints KEY=VALUE lines (the test reads them); the root and its mounts go at exit.
set -uo pipefail
debs=$(cd "$1" && pwd) work=$2 port=$3 staff=$4
root=$work/root
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
say() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n\t' '  ')"; }
cleanup() {
    [ -n "${server:-}" ] && kill -9 "$server" 2>/dev/null
    umount -l "$root/proc" 2>/dev/null
    umount -l "$root/dev" 2>/dev/null
    rm -rf "$root"
}
trap cleanup EXIT
kiosk_deb=$(ls "$debs"/zizhu_*.deb 2>/dev/null | head -1)
central_deb=$(ls "$debs"/zizhu-central_*.deb 2>/dev/null | head -1)
[ -f "$kiosk_deb" ] && [ -f "$central_deb" ] || { say error "no packages in $debs: run 'make deb'"; exit 1; }

# The same archive this machine installs from (Debian 12, its updates and security fixes).
sources=$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
started=$(date +%s)
if ! mmdebstrap --quiet --variant=apt --include=ca-certificates --skip=cleanup/apt/lists bookworm "$root" ${sources:+"$sources"} > "$work/mmdebstrap.log" 2>&1; then
    say error "mmdebstrap failed: $(tail -3 "$work/mmdebstrap.log")"; exit 1
fi
say root_seconds $(( $(date +%s) - started ))
mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" || { say error "cannot mount /proc and /dev in the root"; exit 1; }
in_root() { chroot "$root" "$@"; }

# What the packages need from the archive first, so that what purge must take away is
# exactly what the two packages put there (their dependencies stay, as apt leaves them).
needs=$( { dpkg-deb -f "$kiosk_deb" Depends; echo ,; dpkg-deb -f "$central_deb" Depends; } \
    | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' | grep -v '^$' | sort -u | tr '\n' ' ')
if ! in_root apt-get install -y -q --no-install-recommends $needs > "$work/apt-needs.log" 2>&1; then
    say error "the packages' dependencies did not install: $(tail -3 "$work/apt-needs.log")"; exit 1
fi
snapshot() {
    # Every path but apt's and dpkg's own bookkeeping and the shadow tools' backups of the
    # account files (/etc/shadow- and the like, which adduser and deluser rewrite for any
    # package), with the accounts' contents.
    (cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/lib/apt \
        -o -path ./var/cache -o -path ./var/log -o -path ./run \) -prune -o ! -regex '\./etc/[a-z]*-' -print | sort)
    for f in passwd group shadow gshadow; do echo "etc/$f $(grep -v '^_apt:' "$root/etc/$f" | sort | sha256sum | cut -c1-16)"; done
}
snapshot > "$work/before.txt"

cp "$kiosk_deb" "$central_deb" "$root/tmp/"
started=$(date +%s)
if in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$kiosk_deb")" "/tmp/$(basename "$central_deb")" > "$work/apt-install.log" 2>&1; then
    say installed yes
else
    say installed no; say install_log "$(tail -5 "$work/apt-install.log")"; exit 1
fi
say install_seconds $(( $(date +%s) - started ))
# What the install added, as the same snapshot sees it (so an empty diff after purge means
# something: these paths were there and are gone).
snapshot > "$work/installed.txt"
say seen_installed "$(diff "$work/before.txt" "$work/installed.txt" | grep -E '^> (\./(usr/bin/zizhu|var/lib/zizhu|etc/zizhu|etc/zizhu-central)|etc/passwd .*)$' | sed 's/^> //; s/ .*//' | sort | tr '\n' ' ')"
say status "$(in_root dpkg-query -W -f='${Package}:${Status} ' zizhu zizhu-central)"
say version "$(in_root zizhu --version 2>&1)"
say user "$(in_root getent passwd zizhu | cut -d: -f1,6,7)"
say central_user "$(in_root getent passwd zizhu-central | cut -d: -f1,6,7)"
say state "$(in_root stat -c '%U:%G:%a' /var/lib/zizhu 2>&1)"
say conffiles "$(in_root dpkg-query -W -f='${Conffiles}\n' zizhu zizhu-central | awk 'NF { print $1 }' | tr '\n' ' ')"
say enabled "$(cd "$root/etc/systemd/system" 2>/dev/null && find . -name 'zizhu*' | sort | tr '\n' ' ')"
say man "$(ls "$root/usr/share/man/man1/" | grep zizhu | tr '\n' ' ')"

# The kiosk's self-check as its own user, from the installed files only.
in_root su -s /bin/sh -c 'ZIZHU_HOME=/var/lib/zizhu LANG=C.UTF-8 zizhu diagnose --json' zizhu > "$work/diagnose.json" 2> "$work/diagnose.err"
say diagnose_status $?
say diagnose_stderr "$(head -c 600 "$work/diagnose.err")"
say written_by_kiosk "$(cd "$root" && find var/lib/zizhu -mindepth 1 -maxdepth 1 | sort | tr '\n' ' ')"

# The platform as its own user, on an SQLite file in its state folder; asked from outside.
in_root su -s /bin/sh -c "cd /var/lib/zizhu-central && exec zizhu-central serve --port $port --staff-port $staff \
    --database sqlite:///var/lib/zizhu-central/central.sqlite --platform-key /var/lib/zizhu-central/platform-seal.key \
    --proof-key /var/lib/zizhu-central/proof.key" zizhu-central > "$work/central.out" 2>&1 &
server=$!
for _ in $(seq 1 300); do grep -q '^staff side on ' "$work/central.out" && break; kill -0 $server 2>/dev/null || break; sleep 0.2; done
say central_said "$(head -c 400 "$work/central.out")"
say ready "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ready")"
say openapi "$(curl -s "http://127.0.0.1:$port/openapi.yaml" | head -c 200 | grep -c '^openapi:')"
say signin "$(curl -s "http://127.0.0.1:$staff/dashboard" -o /dev/null -w '%{http_code} %{redirect_url}')"
kill -TERM $server 2>/dev/null; pkill -TERM -f "zizhu-central serve --port $port " 2>/dev/null
for _ in $(seq 1 100); do pgrep -f "zizhu-central serve --port $port " >/dev/null || break; sleep 0.1; done
pkill -KILL -f "zizhu-central serve --port $port " 2>/dev/null
server=

if in_root apt-get purge -y -q zizhu zizhu-central > "$work/apt-purge.log" 2>&1; then say purged yes; else say purged no; fi
say after_purge "$(in_root dpkg-query -W -f='${Package}:${Status} ' zizhu zizhu-central 2>&1)"
snapshot > "$work/after.txt"
say left_behind "$(diff "$work/before.txt" "$work/after.txt" | grep '^[<>]' | head -20 | tr '\n' ' ')"
say done yes
