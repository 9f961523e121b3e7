#!/usr/bin/env python3
"""Arguments and environment through tools/run --env/--init, byte for byte.

    roundtrip.py --build DIR --program EXEC_STACK [--smp N]

Runs `tools/run --add EXEC_STACK --env ... --init exec_stack ARGS...` with
about 40 KiB of arguments and environment (spaces, quotes, backslashes,
shell metacharacters, newlines, UTF-8, empty strings, option-like words)
and compares the counts, sizes and FNV-1a digests exec_stack prints with
the ones computed here. Exit status 0 when all match."""
import argparse
import os
import re
import subprocess
import sys

FNV_START = 0xcbf29ce484222325
NASTY = ["", " ", "a b", "'", '"', "\\", "$HOME", "`id`", "*", "--init", "--env", "-",
         "x=y", "tab\there", "new\nline", "trailing\n", "é日本", "%s%n", ";|&<>()"]


def digest(strings):
    h = FNV_START
    for s in strings:
        for b in s.encode() + b"\0":
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def make_lists():
    args = list(NASTY)
    for k in range(300):
        args.append("".join(chr(32 + (k * 7 + j * 13) % 95) for j in range((k * 37) % 200)))
    envs = ["N%d=%s" % (i, v) for i, v in enumerate(NASTY)]
    for k in range(110):
        envs.append("VAR_%03d=" % k + "".join(chr(33 + (k * 11 + j) % 94) for j in range(150)))
    envs.append("OMP_NUM_THREADS=4")
    return args, envs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--program", required=True)
    ap.add_argument("--smp", default="2")
    opts = ap.parse_args()
    args, envs = make_lists()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    cmd = [os.path.join(root, "tools", "run"), "--smp", opts.smp, "--add", opts.program]
    for e in envs:
        cmd += ["--env", e]
    cmd += ["--init", "exec_stack"] + args
    argv = ["exec_stack"] + args
    envp = ["PATH=/bin"] + envs
    total = sum(len(s.encode()) + 1 for s in argv + envp)
    print(f"# {len(argv)} arguments and {len(envp)} variables, {total} bytes")
    env = dict(os.environ, DAKOTA_BUILD=opts.build)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = proc.stdout.decode("utf-8", "replace")
    found = dict(re.findall(r"^(argc|argv-bytes|argv-digest|envc|envp-bytes|envp-digest|failures) (\S+)$",
                            out, re.M))
    want = {
        "argc": str(len(argv)), "argv-bytes": str(sum(len(s.encode()) + 1 for s in argv)),
        "argv-digest": "%x" % digest(argv), "envc": str(len(envp)),
        "envp-bytes": str(sum(len(s.encode()) + 1 for s in envp)),
        "envp-digest": "%x" % digest(envp), "failures": "0",
    }
    bad = [f"{k}: got {found.get(k)}, want {v}" for k, v in want.items() if found.get(k) != v]
    if total < 40 * 1024:
        bad.append(f"only {total} bytes: the test must pass at least 40 KiB")
    if proc.returncode != 0:
        bad.append(f"tools/run exited with {proc.returncode}")
    for line in bad:
        print("not ok - " + line)
    if bad:
        print(out[-4000:], file=sys.stderr)
        return 1
    print(f"ok - {total} bytes of arguments and environment arrived exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
