#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A 社会保障卡 for vsmartcard: connects to vpcd (pcscd's virtual reader driver) as a card
being inserted, and answers the kiosk's APDUs as a third-generation card's basics do.

    sscard-vicc.py --port 35963 --card '{"name": "演示用户", ...}' [--remove-after N]

The card's layout is written here, from the card's side (it does not read the kiosk's
profile): DF "sx1.sh.社会保障" with EF05 (发卡机构数据, records 1-7) and EF06 (持卡人基本信息,
records 8-13), every record "tag length value". `--remove-after N` pulls the card out (the
process exits, vpcd sees the card gone) after N APDUs: a citizen taking it back mid-read.
Not emulated: the PSAM authentication real cards demand before EF06 (see
Devices/sscard/gen3.yaml).
"""
import argparse
import hashlib
import json
import os
import sys
import types

# Debian's python3-virtualsmartcard installs outside Python's path, and its crypto helpers
# fall back to the Python 2 module "sha" when PyCrypto is missing; this card needs no crypto.
sys.path.insert(0, "/usr/lib/python3/site-packages/virtualsmartcard")
if "sha" not in sys.modules:
    sha = types.ModuleType("sha")
    sha.new = hashlib.sha1
    sys.modules["sha"] = sha

from virtualsmartcard.VirtualSmartcard import SmartcardOS, VirtualICC  # noqa: E402

APPLICATION = "sx1.sh.社会保障".encode("gbk")
ATR = bytes.fromhex("3B6C00000A0A0A0A53534B5A495A4855")   # historical bytes "SSKZIZHU"
OK = b"\x90\x00"


def bcd(digits):
    return bytes.fromhex(digits)


def padded(data, length):
    return data[:length] + b"\x00" * (length - len(data[:length]))


class SocialSecurityCardOS(SmartcardOS):
    def __init__(self, card, remove_after):
        self.files = {
            0xEF05: {
                1: bytes.fromhex(card["card_identifier"]),
                2: card["card_type"].encode("ascii"),
                3: card["specification_version"].encode("ascii"),
                4: card["issuer_code"].encode("ascii"),
                5: bcd(card["issue_date"]),
                6: bcd(card["expiry_date"]),
                7: card["card_number"].encode("ascii"),
            },
            0xEF06: {
                8: card["social_security_number"].encode("ascii"),
                9: padded(card["name"].encode("gbk"), 30),
                10: card["gender"].encode("ascii"),
                11: bcd(card["nation"]),
                13: bcd(card["birth_date"]),
            },
        }
        self.remove_after = remove_after
        self.commands = 0
        self.reset()

    def getATR(self):
        return ATR

    def reset(self):
        self.application = False
        self.current = None

    def powerUp(self):
        self.reset()

    def execute(self, msg):
        self.commands += 1
        if self.remove_after is not None and self.commands > self.remove_after:
            os._exit(0)   # the card leaves the reader without answering
        if len(msg) < 4:
            return b"\x67\x00"
        ins, p1, p2 = msg[1], msg[2], msg[3]
        body = msg[5:5 + msg[4]] if len(msg) > 5 else b""
        if ins == 0xA4 and p1 == 0x04:
            if body != APPLICATION:
                return b"\x6A\x82"
            self.application, self.current = True, None
            return OK
        if ins == 0xA4 and p1 in (0x00, 0x02):
            fid = int.from_bytes(body, "big") if len(body) == 2 else -1
            if not self.application or fid not in self.files:
                return b"\x6A\x82"
            self.current = fid
            return OK
        if ins == 0xB2:
            if self.current is None:
                return b"\x69\x86"
            if p2 != 0x04:
                return b"\x6A\x86"
            value = self.files[self.current].get(p1)
            if value is None:
                return b"\x6A\x83"
            record = bytes([p1, len(value)]) + value
            le = msg[4] if len(msg) == 5 else None
            if le not in (None, 0) and le != len(record):
                return bytes([0x6C, len(record)])
            return record + OK
        return b"\x6D\x00"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--card", required=True, help="the card's data as JSON")
    parser.add_argument("--remove-after", type=int, default=None)
    args = parser.parse_args()
    card = json.loads(args.card)
    icc = VirtualICC(None, "iso7816", "localhost", args.port)
    icc.os = SocialSecurityCardOS(card, args.remove_after)
    print("inserted", flush=True)
    icc.run()


if __name__ == "__main__":
    main()
