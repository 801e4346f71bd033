"""Counts test cases in a meson testlog.json and prints "N passed, N failed[, N skipped]".

A TAP test contributes one case per TAP line; cases its plan announced that never ran (the
program crashed) count as failed. A test without TAP output counts as one case.
"""

import json
import re
import sys


def count(entry):
    out = entry.get("stdout") or ""
    result = entry.get("result")
    plan = re.search(r"^1\.\.(\d+)", out, re.M)
    lines = re.findall(r"^(not ok|ok)\b(.*)$", out, re.M)
    if not plan and not lines:
        if result in ("SKIP",):
            return 0, 0, 1
        return (1, 0, 0) if result in ("OK", "EXPECTEDFAIL") else (0, 1, 0)
    passed = failed = skipped = 0
    for status, rest in lines:
        if "# SKIP" in rest.upper():
            skipped += 1
        elif status == "ok":
            passed += 1
        else:
            failed += 1
    if plan:
        missing = int(plan.group(1)) - len(lines)
        failed += max(missing, 0)
    if result not in ("OK", "SKIP", "EXPECTEDFAIL") and failed == 0:
        failed = 1  # the program failed after its last TAP line (a leak report, a crash)
    return passed, failed, skipped


def main(path):
    p = f = s = 0
    with open(path) as fh:
        for line in fh:
            entry = json.loads(line)
            a, b, c = count(entry)
            p, f, s = p + a, f + b, s + c
    text = "%d passed, %d failed" % (p, f)
    if s:
        text += ", %d skipped" % s
    print(text)


if __name__ == "__main__":
    main(sys.argv[1])
