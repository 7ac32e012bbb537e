#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Counts test results from swift test's xUnit files and prints 'N passed, N failed'.

Swift Testing's own closing line counts issues rather than tests, and XCTest prints its
own summary too; this gives CI one plain line. Fails when no test ran at all.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

folder = sys.argv[1] if len(sys.argv) > 1 else ".build/test-results"
passed = failed = skipped = 0
files = sorted(glob.glob(os.path.join(folder, "*.xml")))
for path in files:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        print(f"unreadable test results {path}: {error}", file=sys.stderr)
        failed += 1
        continue
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
if not files:
    # No xUnit file: the run was stopped (watch-tests' deadline) or crashed. Count what the
    # output says ended, and every test that started and never ended as failed.
    started, ended = set(), {}
    try:
        with open(os.path.join(folder, "output.txt"), encoding="utf-8", errors="replace") as output:
            for line in output:
                match = re.match(r"^◇ Test (\S+?\(.*?\)) started\.", line)
                if match:
                    started.add(match.group(1))
                match = re.match(r"^([✔✘]) Test (\S+?\(.*?\)) (?:with \d+ test cases? )?(passed|failed)", line)
                if match:
                    ended[match.group(2)] = match.group(3)
    except OSError:
        pass
    passed = sum(1 for result in ended.values() if result == "passed")
    failed = sum(1 for result in ended.values() if result == "failed") + len(started - set(ended))
    if started - set(ended):
        print("never finished: " + ", ".join(sorted(started - set(ended))), file=sys.stderr)
    if passed + failed:
        print(f"the run did not write its xUnit results; counted from {folder}/output.txt", file=sys.stderr)
if passed + failed == 0:
    print("no test ran (no results in %s)" % folder, file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
