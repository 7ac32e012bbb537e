#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Powers the kiosk image on in QEMU and watches its screen.

    kiosk-image-vm.py IMAGE WORK REFERENCE.png [--restart] [--long --deb ZIZHU.deb [--setup zizhu-setup.yaml]
                      [--printer-port PORT] [--reader-sim ZIZHU CARDS.yaml]] [--save-reference]

The image itself is never written: the guest runs on a qcow2 overlay in WORK. QEMU emulates a
UEFI machine (OVMF) with a 1920x1080 virtio-gpu screen, a virtio disk and user networking; the test
reads the screen through the QEMU monitor's screendump and acts inside the guest through the
QEMU guest agent (a virtio port). Prints KEY=VALUE lines:

  home_seconds    power-on until the screen matched the reference rendering
  score           the share of the screen's ink that differs from the reference at that moment
  kiosk_unit      the unit's state once it is active (or at the time limit); ready_seconds when
  restart_*       with --restart: the kiosk killed with SIGKILL inside the guest, NRestarts
                  before and after, and seconds until the home screen was back
  touch_*         with --printer-port: the guest's CUPS queue pointed at the printer simulator on
                  this machine (port PORT, reached at 10.0.2.2); the kiosk's terminal size is
                  written to WORK/terminal-size ("ROWS COLS"), and the screen is touched through
                  a virtio tablet at each point WORK/touch-points gives ("X Y" in pixels, one per
                  line, written by the test); then the kiosk's outbox' queue tickets
  card_*          with --reader-sim: a second serial port of the guest (its /dev/ttyS1) is a
                  pseudo-terminal here, where `ZIZHU reader sim --device` serves the fake
                  citizens of CARDS.yaml; the kiosk is configured for a serial reader on ttyS1,
                  查询进度 and 读身份证 are touched, a card is placed, and the kiosk's log line
                  for the card it read is reported
  watchdog_*      with --long: zizhu stopped with SIGSTOP (a hang); seconds until systemd
                  counted a restart, the journal's watchdog lines, seconds until the home screen
  update_*        with --long: the package in --deb installed again with dpkg while the kiosk
                  idles; dpkg's status, NRestarts before and after, the kiosk's log line, seconds
                  until the home screen was back
  setup_*         with --setup: the technician's file put on the image's boot partition (as a
                  technician does after writing the image); after the first boot the set-up
                  unit's result, the result file it left, whether the file is still there, the
                  kiosk id it keeps and who owns the enrolment
  outbox_*        with --long: applications put in the kiosk's outbox (`zizhu submit --sample`),
                  the outbox listed before the power cut and after the next boot (an enrolled
                  kiosk's: once every entry is confirmed by the platform, or after 240 s)
  powercut_*      with --long: QEMU killed (the power cut) and the machine powered on again;
                  seconds from power-on to the home screen
  error           what went wrong; the last screendump is kept as WORK/last-screen.png

--save-reference: waits until the kiosk unit is active and the screen has stopped changing,
and writes the screen to REFERENCE.png (for a deliberate change of the home screen).
"""
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
import zlib

BOOT_LIMIT = int(os.environ.get("ZIZHU_IMAGE_BOOT_LIMIT", "420"))
# A pixel differs when its channels differ by more than this in sum (anti-aliasing and
# dithering differ by a few levels between renderings of the same screen).
PIXEL_TOLERANCE = 60
# The screen matches when less than this share of its ink differs (a clock that moved on, a
# status word): a black screen, a login prompt or a different page differs in much of it
# (measured: a black screen 0.99, the home screen moved up by one row of text 0.98).
MATCH_LIMIT = 0.06


def say(key, value):
    print(f"{key}={str(value).replace(chr(10), ' ')}", flush=True)


# --- images: P6 from QEMU, PNG for the reference (8-bit RGB, written and read here) ---------

def read_ppm(path):
    with open(path, "rb") as handle:
        data = handle.read()
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 image")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1:position + 1 + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ValueError(f"{path}: short pixel data")
    return width, height, pixels


def write_png(path, width, height, pixels):
    rows = b"".join(b"\x00" + pixels[y * width * 3:(y + 1) * width * 3] for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(path + ".part", "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
    os.replace(path + ".part", path)


def read_png(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    position, compressed, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"{path}: only 8-bit RGB or RGBA, not interlaced")
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(compressed), width * channels
    out, previous = bytearray(), bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        out += line if channels == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
        previous = line
    return width, height, bytes(out)


def difference(shot, reference):
    """The share of ink (pixels that are not the background in either image) that differs."""
    (width, height, a), (w2, h2, b) = shot, reference
    if (width, height) != (w2, h2):
        return 1.0
    # The reference's background: its commonest colour (sampled), not the top bar's.
    counts = {}
    for i in range(0, len(b) - 2, 3 * 97):
        counts[b[i:i + 3]] = counts.get(b[i:i + 3], 0) + 1
    background, stride = max(counts, key=counts.get), width * 3
    blank = background * width
    ink = differing = 0
    for y in range(height):
        row_a, row_b = a[y * stride:(y + 1) * stride], b[y * stride:(y + 1) * stride]
        if row_a == row_b:
            if row_b != blank:
                ink += sum(1 for i in range(0, stride, 3) if row_b[i:i + 3] != background)
            continue
        for i in range(0, stride, 3):
            pa, pb = row_a[i:i + 3], row_b[i:i + 3]
            if pa == pb:
                if pa != background:
                    ink += 1
                continue
            ink += 1
            if abs(pa[0] - pb[0]) + abs(pa[1] - pb[1]) + abs(pa[2] - pb[2]) > PIXEL_TOLERANCE:
                differing += 1
    return differing / ink if ink else 1.0


# --- QEMU's monitor (HMP) and the guest agent, over their unix sockets ----------------------

class Monitor:
    def __init__(self, path):
        self.path = path

    def command(self, line, timeout=30):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(self.path)
            self._until_prompt(connection)
            connection.sendall(line.encode() + b"\n")
            return self._until_prompt(connection)

    @staticmethod
    def _until_prompt(connection):
        received = b""
        while not received.endswith(b"(qemu) "):
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        return received.decode(errors="replace")


class Agent:
    """The QEMU guest agent: runs a command inside the guest and returns its exit status and output."""

    def __init__(self, path):
        self.path = path
        self._pending = b""

    def _call(self, connection, message, accept):
        """Sends message and returns the first reply accept() takes: the agent answers every
        request in order, and replies to an earlier client's requests (sent while the agent
        was not yet running, then read by it) may come first."""
        connection.sendall(json.dumps(message).encode() + b"\n")
        while True:
            while b"\n" not in self._pending:
                chunk = connection.recv(65536)
                if not chunk:
                    raise OSError("guest agent closed the connection")
                self._pending += chunk
            line, self._pending = self._pending.split(b"\n", 1)
            line = line.replace(b"\xff", b"").strip()
            if not line:
                continue
            try:
                reply = json.loads(line)
            except ValueError:
                continue
            if "error" in reply and accept(None):
                raise OSError(f"guest agent: {reply['error']}")
            if isinstance(reply, dict) and accept(reply.get("return")):
                return reply["return"]

    def run(self, command, timeout=60):
        self._pending = b""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(self.path)
            token = int(time.time() * 1000) % 2_000_000_000
            connection.sendall(b"\xff")
            self._call(connection, {"execute": "guest-sync-delimited", "arguments": {"id": token}}, lambda r: r == token)
            started = self._call(connection, {"execute": "guest-exec", "arguments": {
                "path": "/bin/sh", "arg": ["-c", command], "capture-output": True}},
                lambda r: r is None or (isinstance(r, dict) and "pid" in r))
            pid = started["pid"]
            deadline = time.time() + timeout
            while time.time() < deadline:
                status = self._call(connection, {"execute": "guest-exec-status", "arguments": {"pid": pid}},
                                    lambda r: r is None or (isinstance(r, dict) and "exited" in r))
                if status.get("exited"):
                    output = base64.b64decode(status.get("out-data", "")).decode(errors="replace")
                    return status.get("exitcode", -1), output
                time.sleep(0.2)
            raise OSError(f"{command}: still running after {timeout} s")

    def ready(self):
        try:
            return self.run("true", timeout=5)[0] == 0
        except OSError:
            return False


# --- the run ---------------------------------------------------------------------------------

def main():
    valued = {"--deb", "--setup", "--printer-port", "--reader-sim"}
    arguments = [a for i, a in enumerate(sys.argv[1:], 1) if not a.startswith("--") and sys.argv[i - 1] not in valued
                 and not (i >= 2 and sys.argv[i - 2] == "--reader-sim")]
    if len(arguments) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    image, work, reference_path = arguments
    restart = "--restart" in sys.argv
    save_reference = "--save-reference" in sys.argv
    os.makedirs(work, exist_ok=True)
    overlay = os.path.join(work, "kiosk.qcow2")
    monitor_path, agent_path = os.path.join(work, "monitor.sock"), os.path.join(work, "agent.sock")
    serial, shot = os.path.join(work, "serial.log"), os.path.join(work, "screen.ppm")
    for path in (overlay, monitor_path, agent_path):
        if os.path.exists(path):
            os.unlink(path)
    setup = sys.argv[sys.argv.index("--setup") + 1] if "--setup" in sys.argv[:-1] else None
    if setup:
        # The technician's file on the boot partition (FAT, 1 MiB into the disk) of a copy of
        # the image, as a technician puts it there from a laptop after writing the image.
        copy = os.path.join(work, "kiosk.raw")
        subprocess.run(["cp", "--sparse=always", image, copy], check=True)
        subprocess.run(["mcopy", "-o", "-i", f"{copy}@@1M", setup, "::zizhu-setup.yaml"], check=True,
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
        image = copy
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", os.path.abspath(image), overlay], check=True)
    firmware = next((p for p in ("/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF_CODE.fd") if os.path.exists(p)), None)
    if firmware is None:
        say("error", "no UEFI firmware for QEMU (Debian's ovmf package)")
        return 1
    reference = None
    if not save_reference:
        try:
            reference = read_png(reference_path)
        except (OSError, ValueError) as error:
            say("error", f"cannot read the reference screen: {error}")
            return 1

    long_run = "--long" in sys.argv
    deb = sys.argv[sys.argv.index("--deb") + 1] if "--deb" in sys.argv[:-1] else None
    extra_drive = []
    if long_run:
        if not deb or not os.path.isfile(deb):
            say("error", "--long needs --deb with the zizhu package to install again")
            return 2
        # The package on a small read-only disk of its own, as a technician's USB stick.
        stick, folder = os.path.join(work, "update.img"), os.path.join(work, "update")
        os.makedirs(folder, exist_ok=True)
        subprocess.run(["cp", deb, os.path.join(folder, "zizhu.deb")], check=True)
        if os.path.exists(stick):
            os.unlink(stick)
        subprocess.run(["mke2fs", "-q", "-t", "ext4", "-L", "update", "-d", folder, stick, "128M"], check=True)
        extra_drive = ["-drive", f"file={stick},if=virtio,format=raw,readonly=on"]
    printer_port = sys.argv[sys.argv.index("--printer-port") + 1] if "--printer-port" in sys.argv[:-1] else None
    qmp_path = os.path.join(work, "qmp.sock")
    reader_sim = None
    if "--reader-sim" in sys.argv[:-2]:
        at = sys.argv.index("--reader-sim")
        reader_sim = (sys.argv[at + 1], sys.argv[at + 2])
        extra_drive += ["-serial", "pty"]
    simulator = None
    if printer_port:
        # A touch screen: an absolute pointer the guest's libinput and cage take as one.
        extra_drive += ["-device", "virtio-tablet-pci", "-qmp", f"unix:{qmp_path},server=on,wait=off"]

    def power_on():
        for path in (monitor_path, agent_path):
            if os.path.exists(path):
                os.unlink(path)
        return subprocess.Popen(qemu_command, stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "qemu.log"), "a"))

    qemu_command = [
        "qemu-system-x86_64", "-accel", "tcg", "-m", "1536", "-smp", "1", "-bios", firmware,
        "-drive", f"file={overlay},if=virtio,format=qcow2",
        # A 1920x1080 panel, the size kiosks have; virtio-gpu, since wlroots needs a DRM driver
        # that imports buffers (PRIME), which QEMU's standard VGA (bochs) does not.
        "-vga", "none", "-device", "virtio-vga,xres=1920,yres=1080", "-display", "none",
        "-monitor", f"unix:{monitor_path},server=on,wait=off",
        "-serial", f"file:{serial}",
        "-chardev", f"socket,path={agent_path},server=on,wait=off,id=agent",
        "-device", "virtio-serial", "-device", "virtserialport,chardev=agent,name=org.qemu.guest_agent.0",
        "-nic", "user,model=virtio-net-pci", "-no-reboot",
    ] + extra_drive
    powered_on = time.time()
    qemu = power_on()
    monitor, agent = Monitor(monitor_path), Agent(agent_path)
    last = None

    def screen():
        nonlocal last
        monitor.command(f"screendump {shot}")
        last = read_ppm(shot)
        return last

    def wait_for_home(limit, since):
        score = 1.0
        while time.time() - since < limit:
            if qemu.poll() is not None:
                raise OSError(f"QEMU exited {qemu.returncode}")
            try:
                score = difference(screen(), reference)
            except (OSError, ValueError):
                time.sleep(1)
                continue
            if score <= MATCH_LIMIT:
                return time.time() - since, score
            time.sleep(2)
        return None, score

    def restarts():
        status, text = agent.run("systemctl show -p NRestarts --value zizhu-kiosk")
        return int(text.strip()) if status == 0 and text.strip().isdigit() else -1

    def wait_for_restart(before, limit):
        started = time.time()
        while time.time() - started < limit:
            try:
                if restarts() > before:
                    return time.time() - started
            except OSError:
                pass
            time.sleep(1)
        return None

    def restarted_and_home(label, before, since, limit, what):
        """Says LABEL_restart_seconds (until systemd counted a restart) and LABEL_home_seconds
        (from `since` until the home screen was back); False (and the failure said) without it."""
        waited = wait_for_restart(before, limit)
        say(f"{label}_restart_seconds", "never" if waited is None else f"{waited:.1f}")
        seconds, score = wait_for_home(180, since)
        if seconds is None:
            fail(f"no home screen 180 s after {what} (last difference {score:.3f})")
            return False
        say(f"{label}_home_seconds", f"{seconds:.1f}")
        return True

    def kiosk(command):
        """A zizhu command as the kiosk's user, on the kiosk's own state."""
        return agent.run(f"runuser -u zizhu -- env ZIZHU_HOME=/var/lib/zizhu ZIZHU_SHARE=/usr/share/zizhu LANG=C.UTF-8 "
                         f"/usr/bin/zizhu {command} 2>&1", timeout=120)

    def queued():
        status, text = kiosk("queue list")
        return sorted(line.split("\t")[1] for line in text.splitlines()
                      if line.count("\t") >= 2 and line.split("\t")[2] == "submission") if status == 0 else None

    def touch(x, y):
        """A tap at pixel (x, y) of the 1920x1080 screen, through QMP's input-send-event (its
        absolute axes run 0..0x7fff across the screen)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(10)
            connection.connect(qmp_path)
            reader = connection.makefile("rb")
            reader.readline()   # the greeting

            def call(command, arguments=None):
                message = {"execute": command}
                if arguments is not None:
                    message["arguments"] = arguments
                connection.sendall(json.dumps(message).encode() + b"\n")
                while True:
                    reply = json.loads(reader.readline())
                    if "return" in reply or "error" in reply:
                        if "error" in reply:
                            raise OSError(f"QMP {command}: {reply['error']}")
                        return reply["return"]

            call("qmp_capabilities")

            def at(px, py):
                return [{"type": "abs", "data": {"axis": "x", "value": int(px * 0x7FFF / 1920)}},
                        {"type": "abs", "data": {"axis": "y", "value": int(py * 0x7FFF / 1080)}}]

            # As a finger comes down: the pointer arrives (foot takes a press only where the
            # pointer has entered and moved; a press at an unchanged position came as a stray
            # press whose release foot dropped), presses, rolls a pixel, lifts.
            for event in (at(x - 3, y - 3), at(x, y), [{"type": "btn", "data": {"down": True, "button": "left"}}],
                          at(x + 1, y), [{"type": "btn", "data": {"down": False, "button": "left"}}]):
                call("input-send-event", {"events": event})
                time.sleep(0.3)

    def touch_named(*names):
        """Touches the named points of WORK/touch-points in turn (NAME X Y lines), 4 s apart;
        returns the first name it has no point for."""
        with open(os.path.join(work, "touch-points")) as handle:
            points = {line.split()[0]: (float(line.split()[1]), float(line.split()[2])) for line in handle if len(line.split()) == 3}
        for name in names:
            if name not in points:
                return name
            touch(*points[name])
            time.sleep(4)
        return None

    def touch_ticket():
        status, text = agent.run(f"lpadmin -p zizhu-receipt -E -v escposnet://10.0.2.2:{printer_port}/ "
                                 f"-o printer-error-policy=stop-printer 2>&1; echo $?")
        say("touch_queue", text.strip().splitlines()[-1] if text.strip() else f"no answer ({status})")
        # Rows, columns and the pixels they cover (foot fills in TIOCGWINSZ's pixel size).
        status, size = agent.run("python3 -c 'import fcntl, struct, termios, sys; "
                                 "print(*struct.unpack(\"4H\", fcntl.ioctl(open(sys.argv[1]), termios.TIOCGWINSZ, bytes(8))))' "
                                 "/proc/$(pgrep -x zizhu | head -1)/fd/0")
        if status != 0 or len(size.split()) != 4:
            return fail(f"cannot read the kiosk terminal's size: {size.strip()}")
        with open(os.path.join(work, "terminal-size.part"), "w") as handle:
            handle.write(size.strip() + "\n")
        os.replace(os.path.join(work, "terminal-size.part"), os.path.join(work, "terminal-size"))
        say("touch_terminal", size.strip())
        points_path, asked = os.path.join(work, "touch-points"), time.time()
        while not os.path.exists(points_path):
            if time.time() - asked > 120:
                return fail("no touch points from the test")
            time.sleep(0.5)
        missing = touch_named("ticket", "queue")
        if missing:
            return fail(f"no touch point for {missing}")
        started, tickets = time.time(), []
        while time.time() - started < 90:
            status, text = kiosk("queue list")
            tickets = [line.split("\t")[1] for line in text.splitlines() if "\tticket\t" in line]
            if tickets:
                break
            time.sleep(2)
        say("touch_tickets", ",".join(tickets) if tickets else "none")
        say("touch_printer", agent.run("lpstat -W completed -o zizhu-receipt | wc -l")[1].strip())
        return 0

    def card_read():
        nonlocal simulator
        chardevs = monitor.command("info chardev")
        device = next((line.split("pty:")[1].strip() for line in chardevs.splitlines() if line.startswith("serial1") and "pty:" in line), None)
        if device is None:
            return fail(f"no pseudo-terminal for the guest's second serial port: {chardevs.strip()}")
        control = os.path.join(work, "reader.fifo")
        simulator = subprocess.Popen([reader_sim[0], "reader", "sim", "--cards", reader_sim[1], "--device", device, "--control", control],
                                     stdout=open(os.path.join(work, "reader-sim.log"), "w"), stderr=subprocess.STDOUT)
        # The kiosk's reader: a serial one on ttyS1 (the operator's file, as a technician edits it).
        status, text = agent.run("sed -i 's|^  profile: usb-0400-c35a$|  profile: serial\\n  port: /dev/ttyS1|' /etc/zizhu/kiosk.yaml "
                                 "&& grep -A2 '^reader:' /etc/zizhu/kiosk.yaml | tr '\\n' ' ' && systemctl restart zizhu-kiosk")
        say("card_config", text.strip())
        restarted = time.time()
        seconds, score = wait_for_home(180, restarted)
        if seconds is None:
            return fail(f"no home screen after the kiosk was given the serial reader (last difference {score:.3f})")
        while agent.run("systemctl is-active zizhu-kiosk")[1].strip() != "active" and time.time() - restarted < 180:
            time.sleep(1)
        missing = touch_named("progress", "card")
        if missing:
            return fail(f"no touch point for {missing}")
        while not os.path.exists(control) and time.time() - restarted < 240:
            time.sleep(0.2)
        with open(control, "w") as fifo:
            fifo.write("place 1\n")
        placed, line = time.time(), ""
        while time.time() - placed < 90:
            status, text = agent.run("grep 'ID card read' /var/lib/zizhu/logs/zizhu.log | tail -1")
            if text.strip():
                line = text.strip()
                break
            time.sleep(2)
        say("card_read", line.split("ID card read: ")[-1] if line else "none")
        # The visits started the input methods from the packages the image installs.
        say("input_ready", agent.run("grep -c 'input ready' /var/lib/zizhu/logs/zizhu.log")[1].strip())
        say("input_unavailable", agent.run("grep -c 'input unavailable' /var/lib/zizhu/logs/zizhu.log")[1].strip())
        say("card_reader", agent.run("grep -o '\"reader\"[^}]*' /var/lib/zizhu/run/kiosk.json | head -1")[1].strip()[:200])
        with open(control, "w") as fifo:
            fifo.write("remove\n")
        return 0

    def long_checks():
        nonlocal qemu
        if setup:
            say("setup_unit", agent.run("systemctl show -p Result,ActiveState --value zizhu-setup | tr '\\n' ' '")[1].strip())
            say("setup_result", agent.run("sed -n 3p /boot/efi/zizhu-setup-result.txt")[1].strip())
            say("setup_file_left", "yes" if agent.run("test -e /boot/efi/zizhu-setup.yaml")[0] == 0 else "no")
            say("setup_kiosk_id", agent.run("sed -n 's/^kiosk_id: \"\\(.*\\)\"$/\\1/p' /var/lib/zizhu/site.yaml")[1].strip())
            say("setup_owner", agent.run("stat -c %U /var/lib/zizhu/enrolment.json /var/lib/zizhu/site.yaml | sort -u | tr '\\n' ' '")[1].strip())
        if printer_port:
            outcome = touch_ticket()
            if outcome:
                return outcome
            # Home again before the next check (the ticket screen times out by itself too).
            wait_for_home(120, time.time())
        if reader_sim:
            outcome = card_read()
            if outcome:
                return outcome
            wait_for_home(120, time.time())
        # A hang: zizhu stopped, so its loop sends no WATCHDOG=1; systemd's watchdog (30 s)
        # must end the session and start it again.
        before = restarts()
        status, _ = agent.run("pkill -STOP -x zizhu")
        stopped = time.time()
        say("watchdog_stopped", "yes" if status == 0 else f"pkill exited {status}")
        if not restarted_and_home("watchdog", before, stopped, 180, "SIGSTOP"):
            return 1
        say("watchdog_journal", agent.run("journalctl -u zizhu-kiosk -o cat | grep -c 'Watchdog timeout'")[1].strip())

        # A package update while the kiosk idles on its home screen: dpkg puts a new
        # /usr/bin/zizhu in place and the kiosk restarts into it at this session boundary.
        wait_for_home(60, time.time())
        before = restarts()
        installing = time.time()
        status, text = agent.run("mkdir -p /mnt/update && mount -o ro /dev/disk/by-label/update /mnt/update "
                                 "&& dpkg -i /mnt/update/zizhu.deb > /tmp/dpkg.log 2>&1; echo $?", timeout=300)
        say("update_dpkg", text.strip().splitlines()[-1] if text.strip() else f"no answer ({status})")
        say("update_dpkg_seconds", f"{time.time() - installing:.1f}")
        if not restarted_and_home("update", before, installing, 120, "the update"):
            return 1
        say("update_logged", agent.run("grep -c 'restarting into it at this session boundary' /var/lib/zizhu/logs/zizhu.log")[1].strip())

        # Applications in the outbox (the kiosk has no platform here, so they wait in it),
        # then the power cut: QEMU killed, the disk as it was, and power on again.
        for _ in range(3):
            status, text = kiosk("submit --sample --receipt never")
            if status != 0:
                return fail(f"zizhu submit failed: {text.strip()[-300:]}")
        listed = queued()
        say("outbox_before", "unreadable" if listed is None else ",".join(listed))
        qemu.kill()
        qemu.wait()
        say("powercut", "QEMU killed")
        powered = time.time()
        qemu = power_on()
        while not os.path.exists(monitor_path):
            time.sleep(0.1)
        seconds, score = wait_for_home(BOOT_LIMIT, powered)
        if seconds is None:
            return fail(f"no home screen {BOOT_LIMIT} s after the power came back (last difference {score:.3f})")
        say("powercut_home_seconds", f"{seconds:.1f}")
        while not agent.ready():
            if time.time() - powered > BOOT_LIMIT:
                return fail("the guest agent never answered after the power cut")
            time.sleep(1)
        after = queued()
        if setup:
            # Enrolled: what was queued goes to the platform once the kiosk is back.
            back = time.time()
            while time.time() - back < 240:
                status, text = kiosk("queue list")
                states = [line.split("\t")[3] for line in text.splitlines()
                          if line.count("\t") >= 3 and line.split("\t")[2] == "submission"] if status == 0 else []
                if states and all(state == "confirmed" for state in states):
                    break
                time.sleep(5)
            say("outbox_states", ",".join(states) if states else "none")
        say("outbox_after", "unreadable" if after is None else ",".join(after))
        return 0

    def fail(message):
        say("error", message)
        if last:
            write_png(os.path.join(work, "last-screen.png"), *last)
        try:
            with open(serial, errors="replace") as handle:
                say("serial_tail", " | ".join(handle.read().splitlines()[-15:]))
        except OSError:
            pass
        return 1

    try:
        while not os.path.exists(monitor_path):
            time.sleep(0.1)
        if save_reference:
            deadline = powered_on + BOOT_LIMIT
            while time.time() < deadline and not (agent.ready() and agent.run("systemctl is-active zizhu-kiosk")[0] == 0):
                time.sleep(2)
            previous, still = None, 0
            while time.time() < deadline and still < 10:
                current = screen()
                still = still + 1 if previous and difference(current, previous) <= 0.001 else 0
                previous = current
                time.sleep(1)
            if previous is None or still < 10:
                return fail("the kiosk never came up with a still screen to save")
            write_png(reference_path, *previous)
            say("saved", reference_path)
            return 0

        seconds, score = wait_for_home(BOOT_LIMIT, powered_on)
        if seconds is None:
            return fail(f"no home screen {BOOT_LIMIT} s after power-on (last difference {score:.3f})")
        say("home_seconds", f"{seconds:.1f}")
        say("score", f"{score:.4f}")
        while not agent.ready():
            if time.time() - powered_on > BOOT_LIMIT:
                return fail("the guest agent never answered")
            time.sleep(1)
        # The attract screen is drawn first; READY=1 follows once the rest has opened (the
        # outbox, the input methods), which takes a while longer on a loaded machine.
        while True:
            state = agent.run("systemctl is-active zizhu-kiosk")[1].strip()
            if state == "active" or time.time() - powered_on > BOOT_LIMIT:
                break
            time.sleep(1)
        say("kiosk_unit", state)
        say("ready_seconds", f"{time.time() - powered_on:.1f}")
        say("tty1_getty", agent.run("systemctl is-active getty@tty1")[1].strip())
        say("session", agent.run("ps -o user=,tty= -C cage | head -1")[1].strip())
        say("kiosk_cgroup", agent.run("cat /proc/$(pgrep -x zizhu | head -1)/cgroup")[1].strip())
        if restart:
            status, before = agent.run("systemctl show -p NRestarts --value zizhu-kiosk")
            status, _ = agent.run("pkill -KILL -x zizhu")
            killed = time.time()
            say("restart_killed", "yes" if status == 0 else f"pkill exited {status}")
            # The screen leaves the home screen (the session ends) before it comes back.
            gone = None
            while time.time() - killed < 60:
                if difference(screen(), reference) > MATCH_LIMIT:
                    gone = time.time() - killed
                    break
                time.sleep(0.5)
            say("restart_screen_left_home", "never" if gone is None else f"{gone:.1f}")
            seconds, score = wait_for_home(180, killed)
            if seconds is None:
                return fail(f"no home screen 180 s after kill -9 (last difference {score:.3f})")
            status, after = agent.run("systemctl show -p NRestarts --value zizhu-kiosk")
            say("restart_nrestarts", f"{before.strip()}->{after.strip()}")
            say("restart_seconds", f"{seconds:.1f}")
        if long_run:
            outcome = long_checks()
            if outcome:
                return outcome
        write_png(os.path.join(work, "last-screen.png"), *last)
        return 0
    except OSError as error:
        return fail(str(error))
    finally:
        if simulator:
            simulator.terminate()
        try:
            monitor.command("quit", timeout=5)
        except OSError:
            pass
        try:
            qemu.wait(timeout=15)
        except subprocess.TimeoutExpired:
            qemu.kill()
            qemu.wait()


if __name__ == "__main__":
    sys.exit(main())
