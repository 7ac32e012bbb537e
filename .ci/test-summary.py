#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Counts test results from swift test's xUnit files and prints 'N passed, N failed'.

Swift Testing's own closing line counts issues rather than tests, and XCTest prints its
own summary too; this gives CI one plain line. Fails when no test ran at all.
"""
import glob
import os
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
if passed + failed == 0:
    print("no test ran (no results in %s)" % folder, file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
