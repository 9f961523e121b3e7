#!/usr/bin/env python3
"""Every Linux system call Dakota implements is documented.

Reads kernel/syscall/calls.def (the handlers) and include/dakota/syscall.h
(their numbers) and fails, naming them, when a call below 1000 (a Linux
number) does not appear in docs/linux-abi.md. Prints TAP."""

import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir)


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def main():
    numbers = {m.group(1): int(m.group(2)) for m in
               re.finditer(r"^#define SYS_(\w+)\s+(\d+)", read("include", "dakota", "syscall.h"), re.M)}
    calls = re.findall(r"X\((\w+)\)", read("kernel", "syscall", "calls.def"))
    doc = read("docs", "linux-abi.md")
    linux = [c for c in calls if numbers.get(c, 1000) < 1000]
    # gettid's Linux number is named SYS_linux_gettid (1001 keeps SYS_gettid).
    name = {"linux_gettid": "gettid"}
    missing = [c for c in linux if not re.search(r"\b%s\b" % name.get(c, c), doc)]
    print("TAP version 13")
    print("%s 1 - %d Linux calls implemented, each in docs/linux-abi.md"
          % ("not ok" if missing else "ok", len(linux)))
    for c in missing:
        print("# missing: %s (%d)" % (c, numbers[c]))
    unknown = [c for c in calls if c not in numbers]
    print("%s 2 - every handler has a number in include/dakota/syscall.h"
          % ("not ok" if unknown else "ok"))
    for c in unknown:
        print("# no number: %s" % c)
    print("1..2")
    return 1 if missing or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
