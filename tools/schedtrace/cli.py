"""Decode Dakota performance traces captured from the serial console.

    trace.py decode LOG OUT [--dump N]    OUT.json (Chrome/Perfetto), OUT.svg
                                          (timeline), OUT.txt (summary, also
                                          printed on stdout)
    trace.py check LOG [--dump N]         verify invariants: exit 1 and say
                                          why on any violation, else 0
    trace.py ftrace LOG OUT.txt [--dump N]  Linux ftrace text (sched_switch,
                                          sched_waking, cpu_idle, syscalls as
                                          tracing_mark_write), opens in Perfetto

LOG is a captured serial log ('-' reads stdin). OUT may end in .json, .svg or
.txt; that suffix is dropped. --dump N picks the Nth dump (1-based) when the
log holds several; decode and ftrace take the last by default, check checks
them all. decode and ftrace exit 1 only when the log holds no trace at all.

The wire format is described in framing.py, how the timeline is built in
analysis.py.
"""

import argparse
import os
import sys

from .analysis import Analysis
from .events import load_syscall_names, printable
from .framing import parse_log, read_log
from .ftrace import ftrace_text
from .perfetto import chrome_trace
from .summary import summary
from .svg import render_svg

def pick_dumps(log, which, path):
    if not log.dumps:
        sys.exit("trace: no trace dump (#TRB/#TR lines) in %s" % path)
    if which is None:
        return None
    if not 1 <= which <= len(log.dumps):
        sys.exit("trace: %s holds %d dump(s); no dump %d" % (path, len(log.dumps), which))
    return log.dumps[which - 1]


def out_base(path):
    root, ext = os.path.splitext(path)
    return root if ext in (".json", ".svg", ".txt") else path


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def cmd_decode(args):
    log = parse_log(read_log(args.log))
    dump = pick_dumps(log, args.dump, args.log) or log.dumps[-1]
    an = Analysis(dump, load_syscall_names())
    n = len(log.dumps)
    text = summary(an, n)
    if log.stray:
        text += "\n%d garbled trace marker line(s) outside any dump\n" % log.stray
        for line, reason, sample in log.stray_samples:
            text += "    line %d: %s: %s\n" % (line, reason, printable(sample))
    base = out_base(args.out)
    write(base + ".json", chrome_trace(an))
    write(base + ".svg", render_svg(an, n))
    write(base + ".txt", text)
    sys.stdout.write(text)
    if n > 1 and args.dump is None:
        print("trace: %s holds %d dumps; decoded the last (choose with --dump N)"
              % (args.log, n), file=sys.stderr)
    print("trace: wrote %s.json, %s.svg, %s.txt" % (base, base, base), file=sys.stderr)
    return 0


def check_log(log, which=None, syscall_names=None):
    """(violations, warnings, dumps checked) for the chosen dump, or all."""
    dumps = [log.dumps[which - 1]] if which else log.dumps
    violations, warnings = [], []
    if log.stray:
        line = log.stray_samples[0][0]
        violations.append("%d garbled trace marker line(s) outside any dump (first at "
                          "log line %d)" % (log.stray, line))
    for d in dumps:
        an = Analysis(d, syscall_names)
        prefix = "dump %d: " % d.index if len(log.dumps) > 1 else ""
        violations += [prefix + v for v in an.violations]
        warnings += [prefix + v for v in an.warnings]
    return violations, warnings, dumps


def cmd_check(args):
    log = parse_log(read_log(args.log))
    pick_dumps(log, args.dump, args.log)
    violations, warnings, dumps = check_log(log, args.dump)
    for wn in warnings:
        print("trace check: warning: " + wn, file=sys.stderr)
    if violations:
        for v in violations:
            print("trace check: " + v, file=sys.stderr)
        print("trace check: FAILED: %d violation(s) in %s" % (len(violations), args.log),
              file=sys.stderr)
        return 1
    records = sum(d.record_count() for d in dumps)
    print("trace check: OK: %d dump(s), %d records, no violations" % (len(dumps), records))
    return 0


def cmd_ftrace(args):
    log = parse_log(read_log(args.log))
    dump = pick_dumps(log, args.dump, args.log) or log.dumps[-1]
    an = Analysis(dump, load_syscall_names())
    write(args.out, ftrace_text(an))
    print("trace: wrote %s" % args.out, file=sys.stderr)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="trace.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("decode", help="write OUT.json, OUT.svg, OUT.txt; print the summary")
    p.add_argument("log")
    p.add_argument("out")
    p.add_argument("--dump", type=int, metavar="N", help="the Nth dump (default: the last)")
    p.set_defaults(func=cmd_decode)
    p = sub.add_parser("check", help="verify the trace's invariants (exit 1 on a violation)")
    p.add_argument("log")
    p.add_argument("--dump", type=int, metavar="N", help="only the Nth dump (default: all)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("ftrace", help="write Linux ftrace text (opens in Perfetto)")
    p.add_argument("log")
    p.add_argument("out")
    p.add_argument("--dump", type=int, metavar="N", help="the Nth dump (default: the last)")
    p.set_defaults(func=cmd_ftrace)
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except OSError as e:
        print("trace: %s" % e, file=sys.stderr)
        return 1

