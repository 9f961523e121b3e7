#!/usr/bin/env python3
"""Host tests for tools/trace.py, the decoder of Dakota's performance traces.

Run as a script; the exit status is the result. The logs are built here the
way kernel/trace/trace.c prints them, or read from the sample logs beside
this file (`test_trace.py --write-samples` rewrites those from the same
generators).
"""

import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, os.pardir, os.pardir, "tools", "trace.py")

spec = importlib.util.spec_from_file_location("dakota_trace", TOOL)
trace = importlib.util.module_from_spec(spec)
spec.loader.exec_module(trace)

SWITCH, WAKE, BLOCK, CREATE, EXIT, SYS_IN, SYS_OUT, IRQ, IDLE_IN, IDLE_OUT, RQ_WAIT, NAME = \
    range(1, 13)
MASK64 = (1 << 64) - 1
HZ = 10_000_000


def tid(pid, t):
    return pid << 16 | t


def record_line(hart, seq, time, type_, a=0, b=0, check=None):
    if check is None:
        check = (hart + seq + time + type_ + a + b) & MASK64
    return "#TR %x %x %x %x %x %x %x" % (hart, seq, time, type_, a, b, check)


class TraceLog:
    """A dump as the kernel prints it: #TRB, each hart's records and #TRE,
    then the process names."""

    def __init__(self, harts=1, hz=HZ, capacity=16384):
        self.harts, self.hz, self.capacity = harts, hz, capacity
        self.events = {h: [] for h in range(harts)}
        self.dropped = {h: 0 for h in range(harts)}
        self.names = {}

    def ev(self, hart, time, type_, a=0, b=0):
        self.events[hart].append((time, type_, a, b))
        return self

    def lines(self):
        out = ["#TRB harts=%d hz=%d records=%d" % (self.harts, self.hz, self.capacity)]
        for h in range(self.harts):
            for seq, e in enumerate(self.events[h]):
                out.append(record_line(h, seq, *e))
            out.append("#TRE hart=%d recorded=%d dropped=%d"
                       % (h, len(self.events[h]), self.dropped[h]))
        for pid, name in sorted(self.names.items()):
            out.append("#TRN %d %s" % (pid, name))
        return out

    def text(self, eol="\n"):
        return eol.join(self.lines()) + eol


A, B, C = tid(1, 1), tid(1, 2), tid(2, 1)


def small_trace():
    """One hart, 200 us of wall time, 100 us of it running threads:

        1:1 runs 1000-1500 (write: 20 us; blocks in semaphore_down),
        idle 1600-1800, woken by the timer at 1800, runs 1900-2200 (wakes 1:2
        and 2:1, then is preempted), 1:2 runs 2400-2500 and exits,
        2:1 runs 2900 to the end (3000). Wake-to-run: 100, 400, 800 ticks.
    """
    log = TraceLog(harts=1)
    for e in [(1000, SWITCH, 0, A), (1100, SYS_IN, 64), (1300, SYS_OUT, 64, 5),
              (1400, SYS_IN, 1022), (1500, BLOCK, A), (1500, SWITCH, A, 0),
              (1600, IDLE_IN), (1800, IDLE_OUT), (1800, IRQ, 5), (1800, WAKE, A, 0),
              (1900, SWITCH, 0, A), (1950, SYS_OUT, 1022, 0), (2000, WAKE, B, A),
              (2100, WAKE, C, A), (2200, SWITCH, A, 0), (2200, RQ_WAIT, 30),
              (2400, SWITCH, 0, B), (2500, EXIT, B, 0), (2500, SWITCH, B, 0),
              (2900, SWITCH, 0, C), (3000, SYS_IN, 1110)]:
        log.ev(0, *e)
    log.names = {1: "init", 2: "worker"}
    return log


def simulate(harts=4, seed=7, until=40000, threads=None):
    """A consistent schedule on `harts` harts: threads run 50-400 ticks, then
    block or are preempted; running threads wake blocked ones, and an idle
    hart wakes one from a timer interrupt. Records after `until` are cut, as
    when tracing stops. Returns (TraceLog, runs) with runs = [(hart, tid,
    start, end)] as simulated."""
    rng = random.Random(seed)
    threads = threads or [tid(1, 1), tid(1, 2), tid(1, 3), tid(2, 1), tid(2, 2), tid(3, 1)]
    log = TraceLog(harts=harts)
    log.names = {1: "init", 2: "worker", 3: "spin"}
    ready = [(t, 1000) for t in threads]           # (thread, ready since)
    blocked = []                                   # (thread, blocked since)
    clock = {h: 1000 + 3 * h for h in range(harts)}
    runs = []
    pending = {}                                   # thread -> syscall number

    def wake_one(at):
        for i, (t, since) in enumerate(blocked):
            if since <= at:
                del blocked[i]
                return t
        return None

    while min(clock.values()) < until:
        h = min(clock, key=lambda k: (clock[k], k))
        t = clock[h]
        if ready and ready[0][1] <= t:
            th, _ = ready.pop(0)
            log.ev(h, t, SWITCH, 0, th)
            if th in pending:
                log.ev(h, t + 2, SYS_OUT, pending.pop(th), 0)
            run = rng.randint(50, 400)
            end = t + run
            if rng.random() < 0.5:
                at = t + run // 2
                w = wake_one(at)
                if w is not None:
                    log.ev(h, at, WAKE, w, th)
                    ready.append((w, at))
            if rng.random() < 0.4:
                nr = rng.choice([1022, 1032, 101])
                log.ev(h, end - 4, SYS_IN, nr)
                log.ev(h, end - 2, BLOCK, th)
                pending[th] = nr
                blocked.append((th, end))
            else:
                if rng.random() < 0.3:
                    log.ev(h, end - 6, SYS_IN, 64)
                    log.ev(h, end - 3, SYS_OUT, 64, 10)
                ready.append((th, end))
            log.ev(h, end, SWITCH, th, 0)
            runs.append((h, th, t, end))
            lock_wait = rng.randint(0, 3)
            if lock_wait:
                log.ev(h, end + 1 + lock_wait, RQ_WAIT, lock_wait)
            clock[h] = end + rng.randint(5, 20)
        else:
            log.ev(h, t, IDLE_IN)
            wake = ready[0][1] if ready else t + 300
            wake = max(wake, t + 10)
            log.ev(h, wake, IDLE_OUT)
            log.ev(h, wake, IRQ, 5)
            if not ready:
                w = wake_one(wake)
                if w is not None:
                    log.ev(h, wake, WAKE, w, 0)
                    ready.append((w, wake))
            clock[h] = wake + 5
    for h in range(harts):
        log.events[h] = [e for e in log.events[h] if e[0] <= until]
    return log, runs


def sim_totals(log, runs):
    """Run time per thread and busy time per hart, clipped to the trace."""
    times = [e[0] for evs in log.events.values() for e in evs]
    t_end = max(times)
    per_thread, per_hart = {}, {}
    for h, th, s, e in runs:
        if s <= t_end:
            d = min(e, t_end) - s
            per_thread[th] = per_thread.get(th, 0) + d
            per_hart[h] = per_hart.get(h, 0) + d
    return per_thread, per_hart, min(times), t_end


def console_noise(lines, seed=3, eol="\n"):
    """Interleave console output, some of it without a trailing newline so
    that the next trace marker follows it on the same line."""
    rng = random.Random(seed)
    out = ["OpenSBI v1.1", "dakota: 4 harts, 128 MiB", "$ bench --threads 6"]
    for line in lines:
        r = rng.random()
        if r < 0.05:
            out.append("worker: iteration %d done" % rng.randint(0, 999))
        elif r < 0.08:
            line = "partial output>" + line
        out.append(line)
    out.append("$ poweroff")
    return eol.join(out) + eol


def analyse(text, dump=None):
    log = trace.parse_log(text)
    d = log.dumps[(dump or len(log.dumps)) - 1]
    return log, trace.Analysis(d)


def run_tool(*args):
    return subprocess.run([sys.executable, TOOL] + list(args), capture_output=True,
                          text=True, timeout=60)


def sample(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as f:
        return f.read()


class SmallTraceSummary(unittest.TestCase):
    """Exact numbers for the one-hart trace described in small_trace()."""

    def setUp(self):
        self.log, self.an = analyse(small_trace().text())
        self.text = trace.summary(self.an)

    def test_utilisation_is_busy_over_wall(self):
        hs = self.an.harts[0]
        self.assertEqual(self.an.wall, 2000)
        self.assertEqual(hs.busy, 1000)
        self.assertEqual(hs.idle, 200)
        self.assertEqual(hs.sched, 800)
        self.assertEqual(self.an.utilisation(0), 50.0)
        self.assertRegex(self.text, r"hart 0 +0\.100 +0\.020 +0\.080 +50\.0%")

    def test_thread_run_times_and_switch_ins(self):
        th = self.an.threads
        self.assertEqual((th[A].run, len(th[A].switch_ins)), (800, 2))
        self.assertEqual((th[B].run, len(th[B].switch_ins)), (100, 1))
        self.assertEqual((th[C].run, len(th[C].switch_ins)), (100, 1))
        self.assertEqual(th[B].state, "exited")
        self.assertEqual(th[C].state, "running")
        self.assertRegex(self.text, r"1:1 init +0\.080 +2 +1 0 +ready")
        self.assertRegex(self.text, r"1:2 init +0\.010 +1 +1 0 +exited \(0\)")
        self.assertRegex(self.text, r"2:1 worker +0\.010 +1 +1 0 +running")

    def test_wake_to_run_latency_percentiles(self):
        self.assertEqual(sorted(w[0] for w in self.an.wake_latency), [100, 400, 800])
        self.assertEqual(self.an.latency_stats([100, 400, 800]), (3, 400, 800, 800))
        self.assertRegex(self.text, r"wake-to-run +3 +40\.0 +80\.0 +80\.0")

    def test_syscalls_named_with_count_and_latency(self):
        self.assertRegex(self.text, r"64 write +1 +1 +0 +20\.0 +20\.0")
        self.assertRegex(self.text, r"1022 semaphore_down +1 +1 +0 +55\.0 +55\.0")
        self.assertRegex(self.text, r"1110 trace_ctl +1 +0 +0 +- +-")

    def test_rq_wait_and_irqs_per_hart(self):
        hs = self.an.harts[0]
        self.assertEqual((hs.rq_waits, hs.rq_wait_total, hs.rq_wait_max), (1, 30, 30))
        self.assertEqual(hs.irqs, {5: 1})

    def test_integrity_is_clean(self):
        self.assertIn("corrupt records: 0", self.text)
        self.assertIn("missing records: 0", self.text)
        self.assertIn("dropped records (buffer full): 0", self.text)
        self.assertIn("dump complete: yes", self.text)
        self.assertEqual(self.an.violations, [])


class Framing(unittest.TestCase):

    def test_crlf_and_lf_decode_the_same(self):
        lf = trace.summary(analyse(small_trace().text("\n"))[1])
        crlf = trace.summary(analyse(small_trace().text("\r\n"))[1])
        self.assertEqual(lf, crlf)

    def test_marker_after_other_text_on_the_same_line(self):
        lines = small_trace().lines()
        lines[3] = "user output without newline" + lines[3]
        lines[5] = "$ " + lines[5]
        log, an = analyse("\n".join(lines))
        self.assertEqual(log.dumps[0].corrupt, 0)
        self.assertEqual(log.dumps[0].record_count(), 21)

    def test_bad_checksum_is_corrupt_and_leaves_a_gap(self):
        lines = small_trace().lines()
        lines[5] = record_line(0, 4, 1500, BLOCK, A, 0, check=12345)
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertEqual(d.corrupt, 1)
        self.assertEqual(d.missing(0), 1)
        self.assertEqual(d.record_count(), 20)
        self.assertIn("bad check", d.samples[0][1])
        self.assertTrue(any("corrupt" in v for v in an.violations))

    def test_truncated_line_resynchronises_at_the_next_marker(self):
        lines = small_trace().lines()
        lines[3] = lines[3][:14] + lines[4]     # cut short, next record follows
        del lines[4]
        lines[7] = lines[7][:10]                # cut short, then a newline
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertEqual(d.corrupt, 2)
        self.assertEqual(d.missing(0), 2)
        self.assertEqual(d.gaps[0], [(2, 2), (7, 7)])
        self.assertEqual(d.record_count(), 19)

    def test_sequence_gap_without_corruption(self):
        lines = small_trace().lines()
        del lines[10:13]                        # seq 9, 10, 11 never arrived
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertEqual((d.corrupt, d.missing(0)), (0, 3))
        self.assertIn("missing records: 3 (hart 0: 3)", trace.summary(an))
        self.assertTrue(any("3 missing record(s) (seq 9-11)" in v for v in an.violations))

    def test_lost_records_at_the_end_counted_from_tre(self):
        lines = small_trace().lines()
        del lines[-4:-3]                        # the last record, seq 20
        log, _ = analyse("\n".join(lines))
        self.assertEqual(log.dumps[0].gaps[0], [(20, 20)])

    def test_repeated_sequence_number_is_corrupt(self):
        lines = small_trace().lines()
        lines.insert(4, lines[3])
        log, _ = analyse("\n".join(lines))
        self.assertEqual((log.dumps[0].corrupt, log.dumps[0].total_missing()), (1, 0))

    def test_missing_tre_means_cut_off(self):
        lines = small_trace().lines()[:15]
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertTrue(d.cut_off())
        self.assertEqual(d.unended(), [0])
        self.assertIn("dump complete: NO, cut off (no #TRE for hart 0)", trace.summary(an))
        self.assertTrue(any("cut off" in v for v in an.violations))

    def test_hart_never_printed_means_cut_off(self):
        log = TraceLog(harts=2)
        log.ev(0, 100, SWITCH, 0, A).ev(0, 200, SWITCH, A, 0)
        lines = [ln for ln in log.lines() if "hart=1" not in ln]
        parsed, an = analyse("\n".join(lines))
        self.assertEqual(parsed.dumps[0].absent_harts(), 1)
        self.assertIn("1 of 2 harts never appeared", trace.summary(an))

    def test_garbage_is_ignored_or_counted(self):
        lines = small_trace().lines()
        lines.insert(2, "#TRACE is not a marker \x00\xff")
        lines.insert(3, "#TR zz yy")
        lines.insert(4, "\x1b[2J random bytes \ufffd\ufffd")
        lines.insert(5, "#TR 0 1 2 3 4 5 6 7 8")
        log, _ = analyse("\n".join(lines))
        self.assertEqual(log.dumps[0].corrupt, 2)
        self.assertEqual(log.dumps[0].record_count(), 21)

    def test_uppercase_or_prefixed_hex_is_corrupt(self):
        lines = small_trace().lines()
        lines[1] = lines[1].upper()
        lines[2] = lines[2].replace("#TR 0 1 ", "#TR 0x0 0x1 ")
        log, _ = analyse("\n".join(lines))
        self.assertEqual(log.dumps[0].corrupt, 2)

    def test_dropped_records_reported_not_silent(self):
        log = small_trace()
        log.dropped[0] = 7
        parsed, an = analyse(log.text())
        text = trace.summary(an)
        self.assertIn("dropped records (buffer full): 7 (hart 0: 7)", text)
        self.assertIn("timeline ends early: 7 records dropped", text)
        self.assertEqual(an.violations, [])
        self.assertTrue(any("7 record(s) dropped" in w for w in an.warnings))

    def test_records_without_header_still_decode(self):
        lines = small_trace().lines()[1:]
        log, an = analyse("\n".join(lines))
        self.assertEqual(log.dumps[0].header, "missing")
        self.assertEqual(an.hz, HZ)
        self.assertEqual(an.harts[0].busy, 1000)

    def test_two_dumps_are_kept_apart(self):
        first = small_trace()
        second = TraceLog(harts=1)
        second.ev(0, 5000, SWITCH, 0, A).ev(0, 5400, SWITCH, A, 0).ev(0, 6000, IDLE_IN)
        log = trace.parse_log(first.text() + "console\n" + second.text())
        self.assertEqual(len(log.dumps), 2)
        self.assertEqual(log.dumps[1].record_count(), 3)
        an = trace.Analysis(log.dumps[1])
        self.assertEqual((an.wall, an.harts[0].busy), (1000, 400))

    def test_second_dump_with_lost_header_starts_a_new_dump(self):
        first = small_trace().lines()
        second = TraceLog(harts=1)
        second.ev(0, 5000, SWITCH, 0, A).ev(0, 5400, SWITCH, A, 0)
        log = trace.parse_log("\n".join(first + second.lines()[1:]))
        self.assertEqual([d.record_count() for d in log.dumps], [21, 2])
        self.assertEqual(log.dumps[1].header, "missing")

    def test_dump_without_records(self):
        log = TraceLog(harts=2)
        parsed, an = analyse(log.text())
        self.assertEqual(parsed.dumps[0].record_count(), 0)
        self.assertIn("0 records; wall time 0.000 ms", trace.summary(an))
        self.assertEqual(an.violations, [])
        trace.chrome_trace(an)
        trace.render_svg(an)
        trace.ftrace_text(an)

    def test_process_and_thread_names(self):
        log = small_trace()
        log.ev(0, 3000, NAME, C, int.from_bytes(b"pinger\0\0", "little"))
        _, an = analyse(log.text())
        self.assertEqual(an.thread_title(A), "1:1 init")
        self.assertEqual(an.thread_title(C), "2:1 pinger")


class Timeline(unittest.TestCase):

    def test_thread_running_when_tracing_started(self):
        log = TraceLog(harts=1)
        log.ev(0, 100, SYS_OUT, 1110, 0).ev(0, 300, SWITCH, A, 0).ev(0, 400, IDLE_IN)
        _, an = analyse(log.text())
        self.assertEqual(an.threads[A].run, 200)
        self.assertEqual(len(an.threads[A].switch_ins), 0)
        self.assertEqual(an.violations, [])

    def test_idle_when_tracing_started(self):
        log = TraceLog(harts=1)
        log.ev(0, 100, IRQ, 5).ev(0, 300, IDLE_OUT).ev(0, 350, SWITCH, 0, A).ev(0, 500, IRQ, 5)
        _, an = analyse(log.text())
        hs = an.harts[0]
        self.assertEqual((hs.idle, hs.busy, an.wall), (200, 150, 400))

    def test_preempted_thread_latency(self):
        log = TraceLog(harts=2)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 100, SWITCH, A, 0).ev(0, 100, SWITCH, 0, B)
        log.ev(0, 300, SWITCH, B, 0)
        log.ev(1, 0, IDLE_IN).ev(1, 130, IDLE_OUT).ev(1, 160, SWITCH, 0, A).ev(1, 300, IRQ, 5)
        _, an = analyse(log.text())
        self.assertEqual(an.preempt_latency, [60])
        self.assertEqual(an.violations, [])

    def test_create_to_run_latency(self):
        log = TraceLog(harts=1)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 10, CREATE, B, A).ev(0, 50, SWITCH, A, 0)
        log.ev(0, 70, SWITCH, 0, B).ev(0, 90, SWITCH, B, 0)
        _, an = analyse(log.text())
        self.assertEqual(an.create_latency, [60])

    def test_syscall_across_a_block_and_a_migration(self):
        log = TraceLog(harts=2)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 10, SYS_IN, 1022).ev(0, 20, BLOCK, A)
        log.ev(0, 20, SWITCH, A, 0).ev(0, 50, SWITCH, 0, B).ev(0, 60, WAKE, A, B)
        log.ev(0, 90, SWITCH, B, 0)
        log.ev(1, 0, IDLE_IN).ev(1, 65, IDLE_OUT).ev(1, 70, SWITCH, 0, A)
        log.ev(1, 75, SYS_OUT, 1022, MASK64 - 3).ev(1, 90, SWITCH, A, 0)
        _, an = analyse(log.text())
        s = an.syscalls[1022]
        self.assertEqual((s.count, s.latencies, s.errors), (1, [65], 1))
        self.assertEqual([(w[0], w[4]) for w in an.wake_latency], [(10, 70)])
        spans = sorted((h, a, b, how) for h, a, b, _, _, how in an.syscall_spans)
        self.assertEqual(spans, [(0, 10, 20, ""), (1, 70, 75, "continued")])

    def test_sum_of_thread_run_times_is_total_busy(self):
        tl, runs = simulate()
        per_thread, per_hart, t0, t_end = sim_totals(tl, runs)
        _, an = analyse(tl.text())
        self.assertEqual((an.t0, an.t_end), (t0, t_end))
        self.assertEqual({t: ts.run for t, ts in an.threads.items() if ts.run}, per_thread)
        self.assertEqual({h: hs.busy for h, hs in an.harts.items()}, per_hart)
        self.assertEqual(an.violations, [])


class Check(unittest.TestCase):

    def violations(self, log_text):
        v, _, _ = trace.check_log(trace.parse_log(log_text))
        return v

    def test_consistent_traces_pass(self):
        self.assertEqual(self.violations(small_trace().text()), [])
        for harts in (1, 4):
            tl, _ = simulate(harts=harts, seed=harts)
            self.assertEqual(self.violations(tl.text()), [])

    def test_switch_in_without_switch_out(self):
        log = TraceLog(harts=1)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 50, SWITCH, 0, B).ev(0, 90, SWITCH, B, 0)
        v = self.violations(log.text())
        self.assertEqual(len(v), 1)
        self.assertIn("1:2 switched in at t=5.0us while 1:1 was running", v[0])

    def test_switch_out_without_switch_in(self):
        log = TraceLog(harts=1)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 50, SWITCH, A, 0).ev(0, 90, SWITCH, B, 0)
        v = self.violations(log.text())
        self.assertEqual(len(v), 1)
        self.assertIn("1:2 switched out at t=9.0us without a switch-in", v[0])

    def test_thread_on_two_harts_at_once(self):
        log = TraceLog(harts=2)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 100, SWITCH, A, 0)
        log.ev(1, 50, SWITCH, 0, A).ev(1, 150, SWITCH, A, 0)
        v = self.violations(log.text())
        self.assertEqual(len(v), 1)
        self.assertIn("1:1 runs on hart 1", v[0])

    def test_still_running_at_the_end_is_fine(self):
        log = TraceLog(harts=1)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 100, SYS_IN, 1110)
        self.assertEqual(self.violations(log.text()), [])

    def test_corruption_fails_the_check(self):
        lines = small_trace().lines()
        lines[4] = lines[4][:-1] + ("0" if lines[4][-1] != "0" else "1")
        v = self.violations("\n".join(lines))
        self.assertEqual(v, ["1 corrupt record line(s)",
                             "hart 0: 1 missing record(s) (seq 3)"])

    def test_garbled_marker_outside_any_dump_fails(self):
        v = self.violations("boot\n#TR 0 1 2\n" + small_trace().text())
        self.assertEqual(v, ["1 garbled trace marker line(s) outside any dump "
                             "(first at log line 2)"])

    def test_time_going_back_fails(self):
        log = TraceLog(harts=1)
        log.ev(0, 100, SWITCH, 0, A).ev(0, 90, SWITCH, A, 0)
        v = self.violations(log.text())
        self.assertTrue(any("time goes back" in x for x in v))


class Exports(unittest.TestCase):

    def setUp(self):
        tl, _ = simulate(harts=4, seed=11, until=20000)
        self.log, self.an = analyse(tl.text())

    def test_chrome_json_tracks_slices_and_flows(self):
        doc = json.loads(trace.chrome_trace(self.an))
        evs = doc["traceEvents"]
        names = {(e["pid"], e.get("tid")): e["args"]["name"] for e in evs
                 if e["ph"] == "M" and e["name"] in ("thread_name", "process_name")}
        self.assertEqual(names[(1, None)], "harts")
        self.assertEqual(sorted(v for (p, t), v in names.items() if p == 1 and t),
                         ["hart 0", "hart 1", "hart 2", "hart 3"])
        runs = [e for e in evs if e["ph"] == "X" and e["pid"] == 1 and e["cat"] == "run"]
        self.assertTrue(runs)
        self.assertTrue(all(re.match(r"\d+:\d+ \w+", e["name"]) for e in runs))
        self.assertTrue(any(e["name"] == "idle" for e in evs if e["ph"] == "X"))
        total = sum(e["dur"] for e in runs)
        busy = sum(hs.busy for hs in self.an.harts.values())
        self.assertAlmostEqual(total, busy / 10, places=3)     # microseconds
        starts = {e["id"]: e for e in evs if e["ph"] == "s"}
        ends = {e["id"]: e for e in evs if e["ph"] == "f"}
        self.assertTrue(starts)
        self.assertEqual(set(starts), set(ends))
        for i, f in ends.items():
            self.assertGreaterEqual(f["ts"], starts[i]["ts"])
            self.assertTrue(any(r["tid"] == f["tid"] and r["ts"] == f["ts"] for r in runs))

    def test_json_slices_nest_on_each_hart(self):
        evs = json.loads(trace.chrome_trace(self.an))["traceEvents"]
        for track in {(e["pid"], e["tid"]) for e in evs if e["ph"] == "X"}:
            xs = sorted(((e["ts"], -e["dur"], e["ts"] + e["dur"]) for e in evs
                         if e["ph"] == "X" and (e["pid"], e["tid"]) == track))
            stack = []
            for ts, _, end in xs:
                while stack and stack[-1] <= ts + 1e-6:
                    stack.pop()
                if stack:
                    self.assertLessEqual(end, stack[-1] + 1e-6, track)
                stack.append(end)

    def test_svg_is_self_contained_with_rows_legend_and_axis(self):
        svg = trace.render_svg(self.an)
        root = ET.fromstring(svg)
        self.assertEqual(root.get("width"), "1200")
        self.assertNotIn("href", svg)
        texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        for h in range(4):
            self.assertIn("hart %d" % h, texts)
        self.assertTrue(any(t and t.startswith("1:1 init:") for t in texts))
        self.assertIn("idle (waiting for an interrupt)", texts)
        self.assertTrue(any(t and t.endswith(" us") for t in texts))
        self.assertIn('fill="url(#idle)"', svg)

    def test_thread_colours_are_stable_and_distinct(self):
        self.assertEqual(trace.thread_colour(A), trace.thread_colour(A))
        colours = {trace.thread_colour(tid(p, t)) for p in range(1, 4) for t in range(1, 5)}
        self.assertEqual(len(colours), 12)

    def test_ftrace_lines_as_perfetto_reads_them(self):
        text = trace.ftrace_text(self.an)
        self.assertTrue(text.startswith("# tracer: nop\n"))
        line_re = re.compile(r"-(\d+)\s+\(?\s*(\d+|-+)?\)?\s?\[(\d+)\]\s*"
                             r"[a-zA-Z0-9.]{0,4}\s+(\d+\.\d+):\s+(\S+):")
        switches = 0
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            m = line_re.search(line)
            self.assertIsNotNone(m, line)
            if m.group(5) == "sched_switch":
                switches += 1
                self.assertRegex(line, r"prev_comm=\S+ prev_pid=\d+ prev_prio=120 "
                                       r"prev_state=\S+ ==> next_comm=\S+ next_pid=\d+ "
                                       r"next_prio=120$")
        ins = sum(len(ts.switch_ins) for ts in self.an.threads.values())
        outs = sum(1 for s in self.an.segments if s.kind == "run" and s.ended != "still running")
        self.assertEqual(switches, ins + outs)


class Samples(unittest.TestCase):
    """The logs kept beside this file, as a captured console would hold them."""

    def test_one_hart_sample(self):
        log, an = analyse(sample("sample-1hart.log"))
        self.assertEqual(len(log.dumps), 1)
        text = trace.summary(an)
        self.assertRegex(text, r"hart 0 +0\.100 +0\.020 +0\.080 +50\.0%")
        self.assertRegex(text, r"wake-to-run +3 +40\.0 +80\.0 +80\.0")
        self.assertEqual(an.violations, [])

    def test_four_hart_sample(self):
        log, an = analyse(sample("sample-4harts.log"))
        tl, runs = simulate(harts=4, seed=42, until=30000)
        per_thread, per_hart, _, _ = sim_totals(tl, runs)
        self.assertEqual(log.dumps[0].corrupt, 0)
        self.assertEqual(len(an.harts), 4)
        self.assertEqual({h: hs.busy for h, hs in an.harts.items()}, per_hart)
        self.assertEqual(an.violations, [])

    def test_drained_sample(self):
        """Four harts draining every 50 records; hart 1 dropped 4 records
        (events 146-149) before its third drain: a hole before seq 146."""
        log, an = analyse(sample("sample-drains.log"))
        d = log.dumps[0]
        self.assertEqual(len(log.dumps), 1)
        self.assertEqual((d.corrupt, d.total_missing(), d.total_dropped()), (0, 0, 4))
        self.assertEqual(d.holes, {1: {146: 4}})
        self.assertEqual(an.violations, [])
        self.assertIn("dump complete: yes", trace.summary(an))

    def test_damaged_sample(self):
        log, an = analyse(sample("sample-damaged.log"))
        d = log.dumps[0]
        self.assertEqual(d.corrupt, 3)
        self.assertEqual({h: d.missing(h) for h in range(4)}, {0: 1, 1: 1, 2: 2, 3: 0})
        self.assertEqual(d.unended(), [3])
        text = trace.summary(an)
        self.assertIn("corrupt records: 3", text)
        self.assertIn("missing records: 4 (hart 0: 1, hart 1: 1, hart 2: 2, hart 3: 0)", text)
        self.assertIn("dump complete: NO, cut off (no #TRE for hart 3)", text)


def session_lines(log, cuts, dropped=None, noise=True):
    """The log as a session with mid-run drains prints it: #TRB first; hart
    h drains before each event index in cuts[h] (a run of #TR lines ended by
    #TRF), the harts' runs interleaved round-robin with console output; the
    events whose indices are in dropped[h] found the buffer full (no line,
    no seq); then the last runs with #TRE, and the names."""
    dropped = dropped or {}
    out = ["#TRB harts=%d hz=%d records=%d" % (log.harts, log.hz, log.capacity)]
    blocks, tails = {}, {}
    for h in range(log.harts):
        seq, lost, block = 0, 0, []
        blocks[h] = []
        for i, e in enumerate(log.events[h]):
            if i in cuts.get(h, ()):
                block.append("#TRF hart=%d recorded=%d dropped=%d" % (h, seq, lost))
                blocks[h].append(block)
                block = []
            if i in dropped.get(h, ()):
                lost += 1
                continue
            block.append(record_line(h, seq, *e))
            seq += 1
        block.append("#TRE hart=%d recorded=%d dropped=%d" % (h, seq, lost + log.dropped[h]))
        tails[h] = block
    n = 0
    while any(blocks.values()):
        for h in range(log.harts):
            if blocks[h]:
                out += blocks[h].pop(0)
                if noise:
                    n += 1
                    out.append("worker: output between drains %d" % n)
    for h in range(log.harts):
        out += tails[h]
    out += ["#TRN %d %s" % (pid, name) for pid, name in sorted(log.names.items())]
    return out


class ExactOutputs(unittest.TestCase):
    """Every output of the one-hart sample, byte for byte, as the tool wrote
    it when it was one file: a refactoring of the package must keep them.
    A deliberate change of an output rewrites these files (expected/)."""

    def outputs(self):
        an = trace.Analysis(trace.parse_log(sample("sample-1hart.log")).dumps[-1],
                            trace.load_syscall_names())
        return {"txt": trace.summary(an), "json": trace.chrome_trace(an),
                "svg": trace.render_svg(an), "ftrace.txt": trace.ftrace_text(an)}

    def test_each_output_is_unchanged(self):
        for ext, text in self.outputs().items():
            with self.subTest(output=ext):
                path = os.path.join(HERE, "expected", "sample-1hart." + ext)
                with open(path, encoding="utf-8") as f:
                    self.assertEqual(text, f.read())


class MultiDrain(unittest.TestCase):
    """A hart drains its buffer each time it fills: several #TR runs per
    hart, ended by #TRF, seq carrying on across them."""

    def setUp(self):
        self.tl, self.runs = simulate(harts=4, seed=21, until=30000)
        self.cuts = {h: set(range(40, len(self.tl.events[h]), 40)) for h in range(4)}

    def test_drained_session_decodes_like_one_dump(self):
        lines = session_lines(self.tl, self.cuts)
        self.assertGreater(sum(ln.startswith("#TRF") for ln in lines), 8)
        log, an = analyse("\n".join(lines))
        self.assertEqual(len(log.dumps), 1)
        _, whole = analyse(self.tl.text())
        self.assertEqual(trace.summary(an), trace.summary(whole))
        per_thread, per_hart, _, _ = sim_totals(self.tl, self.runs)
        self.assertEqual({h: hs.busy for h, hs in an.harts.items()}, per_hart)
        self.assertEqual(an.violations, [])

    def test_lost_line_inside_an_early_drain_is_a_gap(self):
        lines = session_lines(self.tl, self.cuts)
        victim = record_line(2, 45, *self.tl.events[2][45])
        lines.remove(victim)
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertEqual(d.gaps, {2: [(45, 45)]})
        self.assertIn("hart 2: 1 missing record(s) (seq 45)", an.violations)

    def test_lost_lines_at_the_end_of_a_drain_are_counted_from_trf(self):
        lines = session_lines(self.tl, self.cuts)
        for s in (78, 79):
            lines.remove(record_line(1, s, *self.tl.events[1][s]))
        upto = lines.index("#TRF hart=1 recorded=80 dropped=0") + 1
        log, _ = analyse("\n".join(lines[:upto]))
        self.assertEqual(log.dumps[0].gaps, {1: [(78, 79)]})

    def test_a_lost_trf_line_loses_nothing(self):
        lines = session_lines(self.tl, self.cuts)
        lines.remove("#TRF hart=1 recorded=120 dropped=0")
        log, an = analyse("\n".join(lines))
        self.assertEqual((log.dumps[0].gaps, an.violations), ({}, []))

    def test_garbage_inside_a_drain_resynchronises(self):
        lines = session_lines(self.tl, self.cuts)
        i = lines.index(record_line(0, 50, *self.tl.events[0][50]))
        lines[i] = lines[i][:12] + "\x00\ufffd noise"
        lines.insert(i + 3, "#TRF hart=zz")
        log, an = analyse("\n".join(lines))
        d = log.dumps[0]
        self.assertEqual((d.corrupt, d.gaps), (2, {0: [(50, 50)]}))
        self.assertFalse(d.cut_off())

    def test_cut_off_after_some_drains(self):
        lines = session_lines(self.tl, self.cuts)
        cut = lines.index("#TRE hart=0 recorded=%d dropped=0" % len(self.tl.events[0]))
        log, an = analyse("\n".join(lines[:cut - 5]))
        d = log.dumps[0]
        self.assertTrue(d.cut_off())
        self.assertEqual(d.unended(), [0, 1, 2, 3])
        self.assertTrue(any("cut off" in v for v in an.violations))

    def test_records_dropped_before_a_drain_leave_a_hole(self):
        log = small_trace()
        # Events 7-9 (idle exit, timer irq, wake of 1:1 at 1800) found the
        # buffer full; the hart drained before event 10 (1900: 1:1 in).
        lines = session_lines(log, {0: {10}}, {0: {7, 8, 9}}, noise=False)
        self.assertIn("#TRF hart=0 recorded=7 dropped=3", lines)
        parsed, an = analyse("\n".join(lines))
        d = parsed.dumps[0]
        self.assertEqual((d.total_dropped(), d.dropped_at_end(0), d.total_missing()), (3, 0, 0))
        hs = an.harts[0]
        self.assertEqual((hs.busy, hs.idle, hs.nodata, hs.wall), (1000, 0, 300, 1700))
        self.assertIsNone(hs.ends_early)
        self.assertEqual(sorted(w[0] for w in an.wake_latency), [400, 800])
        self.assertEqual(an.violations, [])
        text = trace.summary(an)
        self.assertIn("dropped records (buffer full): 3 (hart 0: 3)", text)
        self.assertIn("3 record(s) dropped (buffer full) before 1 drain(s); 30.0 us", text)
        holes = [s for s in an.segments if s.kind == trace.NODATA]
        self.assertEqual([(s.start, s.end) for s in holes], [(1600, 1900)])
        self.assertIn("no data", trace.render_svg(an))
        doc = json.loads(trace.chrome_trace(an))
        self.assertTrue(any(e.get("cat") == "nodata" for e in doc["traceEvents"]))

    def test_hole_while_a_thread_ran(self):
        log = TraceLog(harts=1)
        log.ev(0, 0, SWITCH, 0, A).ev(0, 10, SYS_IN, 64).ev(0, 20, SYS_OUT, 64, 1)
        log.ev(0, 30, SYS_IN, 64).ev(0, 40, SYS_OUT, 64, 1).ev(0, 50, SWITCH, A, 0)
        log.ev(0, 60, SWITCH, 0, B).ev(0, 90, SWITCH, B, 0)
        lines = session_lines(log, {0: {4}}, {0: {2, 3}}, noise=False)
        _, an = analyse("\n".join(lines))
        self.assertEqual(an.threads[A].run, 10 + 10)    # 0-10, then 40-50
        self.assertEqual(an.threads[B].run, 30)
        self.assertEqual(an.harts[0].nodata, 30)
        self.assertEqual(an.violations, [])

    def test_drops_after_the_last_drain_end_the_timeline(self):
        log = small_trace()
        lines = session_lines(log, {0: {7}}, {0: {18, 19, 20}}, noise=False)
        self.assertIn("#TRE hart=0 recorded=18 dropped=3", lines)
        parsed, an = analyse("\n".join(lines))
        self.assertEqual(parsed.dumps[0].dropped_at_end(0), 3)
        self.assertEqual(an.harts[0].ends_early, "3 records dropped")
        self.assertEqual(an.harts[0].nodata, 0)

    def test_old_decoders_ignore_trf(self):
        self.assertIsNone(re.match(r"#TR([BEN]?)(?=[ \t]|$)", "#TRF hart=0 recorded=1 dropped=0"))


class CommandLine(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name, text=None):
        p = os.path.join(self.dir, name)
        if text is not None:
            with open(p, "w", newline="") as f:
                f.write(text)
        return p

    def test_decode_writes_three_files_and_prints_the_summary(self):
        log = self.path("serial.log", console_noise(small_trace().lines(), eol="\r\n"))
        r = run_tool("decode", log, self.path("out.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("50.0%", r.stdout)
        with open(self.path("out.txt")) as f:
            self.assertEqual(f.read(), r.stdout)
        with open(self.path("out.json")) as f:
            json.load(f)
        ET.parse(self.path("out.svg"))

    def test_check_exit_status(self):
        good = self.path("good.log", small_trace().text())
        r = run_tool("check", good)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("trace check: OK", r.stdout)
        lines = small_trace().lines()[:-6]
        bad = self.path("bad.log", "\n".join(lines) + "\n")
        r = run_tool("check", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn("dump cut off", r.stderr)

    def test_ftrace_export(self):
        log = self.path("serial.log", small_trace().text())
        r = run_tool("ftrace", log, self.path("sched.txt"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.path("sched.txt")) as f:
            self.assertIn("sched_switch: prev_comm=swapper/0 prev_pid=0", f.read())

    def test_log_without_a_trace(self):
        log = self.path("plain.log", "just console output\n#TRACE nothing\n")
        r = run_tool("decode", log, self.path("x"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("no trace dump", r.stderr)
        self.assertEqual(run_tool("check", log).returncode, 1)

    def test_dump_choice(self):
        second = TraceLog(harts=1)
        second.ev(0, 5000, SWITCH, 0, A).ev(0, 5400, SWITCH, A, 0).ev(0, 6000, IDLE_IN)
        log = self.path("two.log", small_trace().text() + second.text())
        r = run_tool("decode", "--dump", "1", log, self.path("first"))
        self.assertIn("dump 1 of 2", r.stdout)
        r = run_tool("decode", log, self.path("last"))
        self.assertIn("dump 2 of 2", r.stdout)
        self.assertIn("40.0%", r.stdout)
        self.assertEqual(run_tool("check", "--dump", "3", log).returncode, 1)


def write_samples():
    with open(os.path.join(HERE, "sample-1hart.log"), "w", newline="") as f:
        f.write(console_noise(small_trace().lines(), seed=1, eol="\r\n"))
    tl, _ = simulate(harts=4, seed=42, until=30000)
    with open(os.path.join(HERE, "sample-4harts.log"), "w", newline="") as f:
        f.write(console_noise(tl.lines(), seed=2))
    tl, _ = simulate(harts=4, seed=9, until=30000)
    cuts = {h: set(range(50, len(tl.events[h]), 50)) for h in range(4)}
    lines = session_lines(tl, cuts, {1: {146, 147, 148, 149}})
    with open(os.path.join(HERE, "sample-drains.log"), "w", newline="") as f:
        f.write(console_noise(lines, seed=6))
    # Damage: hart 0 seq 5 bad check; hart 1 seq 9 cut short; hart 2 seq 3
    # lost and seq 4 garbled; hart 3 cut off before its #TRE.
    tl, _ = simulate(harts=4, seed=5, until=8000)
    lines = tl.lines()
    out = []
    for line in lines:
        m = re.match(r"#TR ([0-9a-f]+) ([0-9a-f]+) ", line)
        key = (int(m.group(1), 16), int(m.group(2), 16)) if m else None
        if key == (0, 5):
            line = line[:-1] + ("1" if line[-1] != "1" else "2")
        elif key == (1, 9):
            line = line[:16]
        elif key == (2, 3):
            continue
        elif key == (2, 4):
            line = line[:8] + "zz" + line[10:]
        elif line.startswith("#TRE hart=3"):
            break
        out.append(line)
    with open(os.path.join(HERE, "sample-damaged.log"), "w", newline="") as f:
        f.write(console_noise(out, seed=4))


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-samples"]:
        write_samples()
        sys.exit(0)
    unittest.main()
