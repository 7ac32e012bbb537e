#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Powers the kiosk image on in QEMU and watches its screen.

    kiosk-image-vm.py IMAGE WORK REFERENCE.png [--restart] [--save-reference]

The image itself is never written: the guest runs on a qcow2 overlay in WORK. QEMU emulates a
UEFI machine (OVMF) with a 1920x1080 virtio-gpu screen, a virtio disk and user networking; the test
reads the screen through the QEMU monitor's screendump and acts inside the guest through the
QEMU guest agent (a virtio port). Prints KEY=VALUE lines:

  home_seconds    power-on until the screen matched the reference rendering
  score           the share of the screen's ink that differs from the reference at that moment
  kiosk_unit      the unit's state once it is active (or at the time limit); ready_seconds when
  restart_*       with --restart: the kiosk killed with SIGKILL inside the guest, NRestarts
                  before and after, and seconds until the home screen was back
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
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
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

    powered_on = time.time()
    qemu = subprocess.Popen([
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
    ], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "qemu.log"), "w"))
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
        write_png(os.path.join(work, "last-screen.png"), *last)
        return 0
    except OSError as error:
        return fail(str(error))
    finally:
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
