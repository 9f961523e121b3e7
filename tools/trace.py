#!/usr/bin/env python3
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

The kernel (kernel/trace/trace.c) prints each dump as text lines mixed with
ordinary console output; a marker may follow other text on the same line:

    #TRB harts=N hz=HZ records=R          start of a dump (decimal fields)
    #TR hart seq time type a b check      one record, lowercase hex fields;
                                          seq counts 0, 1, 2... per hart and
                                          check = (hart+seq+time+type+a+b) mod 2**64
    #TRF hart=H recorded=N dropped=D      hart H drained its buffer while
                                          tracing ran (decimal running totals)
    #TRE hart=H recorded=N dropped=D      end of hart H's records (decimal)
    #TRN pid name                         a process name (decimal pid)

#TRB is printed when tracing starts. A hart drains its buffer whenever it
fills, so one dump may hold several runs of #TR lines per hart, each ended
by #TRF, interleaved with other harts' runs and console output; seq keeps
counting across them. In #TRF and #TRE, recorded is the next seq and
dropped the records that found the buffer full so far: those dropped since
the previous #TRF fell between seq recorded-1 and recorded, and leave a
"no data" hole in that hart's timeline (after the last #TRF: the timeline
ends early).

A marker segment that does not parse, or whose check fails, is a corrupt
record; a sequence number that skips ahead leaves missing records; one that
goes back is corrupt. Decoding resumes at the next marker. A hart without
#TRE means the dump was cut off.

How the timeline is built: a hart runs thread X from SWITCH(0, X) to
SWITCH(X, 0), is idle from IDLE_ENTER to IDLE_EXIT, and is in the scheduler
("sched") otherwise. A hart whose first SWITCH is a switch-out was running
that thread when tracing started. The trace's wall time runs from its
earliest record to its latest; a thread still running at the end runs until
then, except on a hart whose records stop early (dropped or cut off), whose
timeline ends at its own last record. Records dropped mid-dump leave a hole
from the last record before them to the first after; the hole counts as
neither busy nor idle nor wall time, and the hart's state after it is read
from its next records as at the start. Busy time is time running threads;
utilisation is busy time over the hart's wall time. Wake-to-run latency is
the time from WAKE to the woken thread's next switch-in; percentiles are
nearest-rank. Syscall latency runs from SYSCALL_ENTER to the same thread's
SYSCALL_EXIT (blocking included).
"""

import argparse
import bisect
import colorsys
import heapq
import json
import math
import os
import re
import sys
from xml.sax.saxutils import escape as xml_escape

# enum trace_event_type in kernel/trace/trace.h
SWITCH, WAKE, BLOCK, CREATE, EXIT, SYSCALL_ENTER, SYSCALL_EXIT, IRQ, \
    IDLE_ENTER, IDLE_EXIT, RQ_WAIT, NAME = range(1, 13)
EVENT_NAMES = {
    SWITCH: "switch", WAKE: "wake", BLOCK: "block", CREATE: "create",
    EXIT: "exit", SYSCALL_ENTER: "syscall-enter", SYSCALL_EXIT: "syscall-exit",
    IRQ: "irq", IDLE_ENTER: "idle-enter", IDLE_EXIT: "idle-exit",
    RQ_WAIT: "rq-wait", NAME: "name",
}
IRQ_CAUSES = {1: "ipi", 5: "timer", 9: "external"}

DEFAULT_HZ = 10_000_000          # QEMU virt's `time`
MASK64 = (1 << 64) - 1
ERRNO_MAX = 4095                 # results in [-4095, -1] are errors

# include/dakota/syscall.h; refreshed from the header when it is present.
SYSCALL_NAMES = {
    57: "close", 59: "pipe2", 63: "read", 64: "write", 93: "exit",
    94: "exit_group", 101: "nanosleep", 113: "clock_gettime",
    124: "sched_yield", 129: "kill", 146: "setuid", 172: "getpid",
    173: "getppid", 174: "getuid", 214: "brk", 215: "munmap", 220: "clone",
    221: "execve", 222: "mmap", 260: "wait4", 1000: "thread_create",
    1001: "gettid", 1002: "waittid", 1003: "thread_join", 1010: "mutex_create",
    1011: "mutex_lock", 1012: "mutex_unlock", 1020: "semaphore_create",
    1021: "semaphore_up", 1022: "semaphore_down", 1030: "condvar_create",
    1031: "condvar_signal", 1032: "condvar_wait", 1100: "thread_list",
    1101: "kstat", 1102: "programs", 1110: "trace_ctl", 1111: "poweroff",
}


def load_syscall_names():
    names = dict(SYSCALL_NAMES)
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          os.pardir, "include", "dakota", "syscall.h")
    try:
        with open(header, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return names
    for m in re.finditer(r"^#define\s+SYS_(\w+)\s+(\d+)\b", text, re.M):
        names[int(m.group(2))] = m.group(1)
    return names


def thread_label(tid):
    return "%d:%d" % (tid >> 16, tid & 0xffff)


def ranges(numbers):
    """[0, 1, 2, 5] -> "0-2,5"."""
    out = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in out)


def printable(text):
    """Names come from the log: keep them to printable characters."""
    return "".join(c if c.isprintable() else "?" for c in text)


# ---------------------------------------------------------------------------
# Framing: find dumps and records in a console log.

MARKER = re.compile(r"#TR([BEFN]?)(?=[ \t]|$)")
HEX_FIELD = re.compile(r"[0-9a-f]{1,16}\Z")
TRB_BODY = re.compile(r"harts=(\d+)[ \t]+hz=(\d+)[ \t]+records=(\d+)\Z")
TRE_BODY = re.compile(r"hart=(\d+)[ \t]+recorded=(\d+)[ \t]+dropped=(\d+)\Z")
TRN_BODY = re.compile(r"(\d+)(?:[ \t]+(.*))?\Z")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
MAX_SAMPLES = 5


class Record:
    __slots__ = ("hart", "seq", "time", "type", "a", "b", "line")

    def __init__(self, hart, seq, time, type_, a, b, line):
        self.hart, self.seq, self.time, self.type = hart, seq, time, type_
        self.a, self.b, self.line = a, b, line

    def __repr__(self):
        return "Record(hart=%d seq=%d time=%d %s a=%#x b=%#x)" % (
            self.hart, self.seq, self.time,
            EVENT_NAMES.get(self.type, str(self.type)), self.a, self.b)


class Dump:
    """One dump: the records between a #TRB and the next, per hart, in order."""

    def __init__(self, index, line, header):
        self.index = index           # 1-based position in the log
        self.line = line             # log line where it starts
        self.header = header         # "ok", "corrupt" or "missing"
        self.harts = None            # from #TRB
        self.hz = None
        self.capacity = None         # records per hart buffer
        self.records = {}            # hart -> [Record], seq increasing
        self.next_seq = {}           # hart -> seq expected next
        self.gaps = {}               # hart -> [(first, last)] missing seqs
        self.ends = {}               # hart -> (recorded, dropped) from #TRE
        self.drops_seen = {}         # hart -> dropped total at its last #TRF
        self.holes = {}              # hart -> {seq: records dropped before it}
        self.pnames = {}             # pid -> process name
        self.corrupt = 0
        self.samples = []            # (line, reason, text) of the first few
        self.notes = []              # other framing anomalies

    def bad(self, line, reason, text):
        self.corrupt += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append((line, reason, text[:100]))

    def add(self, r):
        expect = self.next_seq.get(r.hart, 0)
        if r.seq < expect:
            self.bad(r.line, "hart %d seq %d after %d" % (r.hart, r.seq, expect - 1),
                     "#TR %x %x ..." % (r.hart, r.seq))
            return
        if r.seq > expect:
            self.gaps.setdefault(r.hart, []).append((expect, r.seq - 1))
        self.records.setdefault(r.hart, []).append(r)
        self.next_seq[r.hart] = r.seq + 1

    def _caught_up(self, line, hart, recorded, what):
        """A #TRF or #TRE says `recorded` records came before it."""
        expect = self.next_seq.get(hart, 0)
        if recorded > expect:
            self.gaps.setdefault(hart, []).append((expect, recorded - 1))
            self.next_seq[hart] = recorded
        elif recorded < expect:
            self.notes.append("line %d: hart %d %s says %d recorded, saw seq up to %d"
                              % (line, hart, what, recorded, expect - 1))

    def flush(self, line, hart, recorded, dropped):
        self._caught_up(line, hart, recorded, "#TRF")
        new = dropped - self.drops_seen.get(hart, 0)
        if new > 0:
            holes = self.holes.setdefault(hart, {})
            holes[recorded] = holes.get(recorded, 0) + new
        if new >= 0:
            self.drops_seen[hart] = dropped
        else:
            self.notes.append("line %d: hart %d #TRF dropped count went back" % (line, hart))

    def end(self, line, hart, recorded, dropped):
        if hart in self.ends:
            self.notes.append("line %d: second #TRE for hart %d" % (line, hart))
        self.ends[hart] = (recorded, dropped)
        expect = self.next_seq.get(hart, 0)
        if recorded > expect:
            self.gaps.setdefault(hart, []).append((expect, recorded - 1))
            self.next_seq[hart] = recorded
        elif recorded < expect:
            self.notes.append("line %d: hart %d #TRE says %d recorded, saw seq up to %d"
                              % (line, hart, recorded, expect - 1))

    def missing(self, hart):
        return sum(last - first + 1 for first, last in self.gaps.get(hart, []))

    def total_missing(self):
        return sum(self.missing(h) for h in self.gaps)

    def dropped(self, hart):
        """Records that found hart's buffer full, anywhere in the dump."""
        return max(self.ends.get(hart, (0, 0))[1], self.drops_seen.get(hart, 0))

    def dropped_at_end(self, hart):
        """Those dropped after the hart's last drain: its timeline ends early."""
        return max(0, self.ends.get(hart, (0, 0))[1] - self.drops_seen.get(hart, 0))

    def total_dropped(self):
        return sum(self.dropped(h) for h in set(self.ends) | set(self.drops_seen))

    def record_count(self):
        return sum(len(rs) for rs in self.records.values())

    def unended(self):
        """Harts whose #TRE never came: the dump was cut off (or it was lost)."""
        harts = set(self.records) - set(self.ends)
        return sorted(harts)

    def absent_harts(self):
        """How many harts #TRB announced that the dump never mentioned."""
        if self.harts is None:
            return 0
        return max(0, self.harts - len(set(self.records) | set(self.ends)))

    def cut_off(self):
        return bool(self.unended()) or self.absent_harts() > 0


class Log:
    """Every dump in a console log, plus marker lines outside any dump."""

    def __init__(self):
        self.dumps = []
        self.stray = 0               # garbled marker segments before any dump
        self.stray_samples = []
        self.lines = 0

    def _new_dump(self, line, header):
        d = Dump(len(self.dumps) + 1, line, header)
        self.dumps.append(d)
        return d

    def _bad(self, dump, line, reason, text):
        if dump is not None:
            dump.bad(line, reason, text)
        else:
            self.stray += 1
            if len(self.stray_samples) < MAX_SAMPLES:
                self.stray_samples.append((line, reason, text[:100]))

    def feed(self, text):
        dump = self.dumps[-1] if self.dumps else None
        for lineno, line in enumerate(LINE_BREAK.split(text), self.lines + 1):
            marks = list(MARKER.finditer(line))
            for i, m in enumerate(marks):
                stop = marks[i + 1].start() if i + 1 < len(marks) else len(line)
                body = line[m.end():stop].strip(" \t")
                dump = self._segment(dump, lineno, m.group(1), body,
                                     line[m.start():stop])
        self.lines = lineno
        return self

    def _segment(self, dump, lineno, kind, body, text):
        if kind == "B":
            m = TRB_BODY.match(body)
            dump = self._new_dump(lineno, "ok" if m else "corrupt")
            if m:
                dump.harts, dump.hz, dump.capacity = (int(g) for g in m.groups())
                if dump.hz == 0:
                    dump.hz = None
                    dump.notes.append("line %d: hz=0 in #TRB" % lineno)
            else:
                dump.bad(lineno, "bad #TRB", text)
            return dump
        if kind == "E":
            m = TRE_BODY.match(body)
            if m and dump is not None:
                dump.end(lineno, *(int(g) for g in m.groups()))
            else:
                self._bad(dump, lineno, "bad #TRE", text)
            return dump
        if kind == "F":
            m = TRE_BODY.match(body)
            if not m:
                self._bad(dump, lineno, "bad #TRF", text)
                return dump
            hart, recorded, dropped = (int(g) for g in m.groups())
            if dump is None or hart in dump.ends:
                dump = self._new_dump(lineno, "missing")
            dump.flush(lineno, hart, recorded, dropped)
            return dump
        if kind == "N":
            m = TRN_BODY.match(body)
            if m and dump is not None:
                dump.pnames[int(m.group(1))] = printable(m.group(2) or "")
            else:
                self._bad(dump, lineno, "bad #TRN", text)
            return dump
        fields = body.split()
        if len(fields) != 7 or not all(HEX_FIELD.match(f) for f in fields):
            self._bad(dump, lineno, "unparsable record", text)
            return dump
        hart, seq, time, type_, a, b, check = (int(f, 16) for f in fields)
        if (hart + seq + time + type_ + a + b) & MASK64 != check:
            self._bad(dump, lineno, "bad check", text)
            return dump
        r = Record(hart, seq, time, type_, a, b, lineno)
        # A record for a hart whose dump part already ended, or a hart that
        # starts over at seq 0, begins a dump whose #TRB was lost.
        if dump is None or hart in dump.ends or (
                seq == 0 and dump.next_seq.get(hart, 0) > 0):
            dump = self._new_dump(lineno, "missing")
        dump.add(r)
        return dump


def parse_log(text):
    return Log().feed(text)


def read_log(path):
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------
# Analysis: per-hart timelines, per-thread accounting, latencies, invariants.

RUN, IDLE, SCHED, NODATA = "run", "idle", "sched", "nodata"


class Segment:
    __slots__ = ("hart", "start", "end", "kind", "thread", "began", "ended", "why")

    def __init__(self, hart, start, kind, thread, began):
        self.hart, self.start, self.kind, self.thread = hart, start, kind, thread
        self.began = began           # "switch", "trace start", ...
        self.end = start
        self.ended = None            # "blocked", "exited", "preempted", ...
        self.why = None              # BLOCK or EXIT seen while it ran

    @property
    def dur(self):
        return self.end - self.start


class HartStats:
    def __init__(self, hart):
        self.hart = hart
        self.records = 0
        self.end = 0                 # where this hart's timeline stops
        self.ends_early = None       # why it stops before the trace's end
        self.busy = self.idle = 0
        self.switch_ins = 0
        self.irqs = {}               # cause -> count
        self.rq_waits = 0
        self.rq_wait_total = 0
        self.rq_wait_max = 0
        self.wall = 0                # excludes holes left by dropped records
        self.nodata = 0              # time in those holes

    @property
    def sched(self):
        return max(0, self.wall - self.busy - self.idle)


class ThreadStats:
    def __init__(self, tid):
        self.tid = tid
        self.run = 0
        self.switch_ins = []         # times
        self.harts = set()
        self.wakes = []              # (time, hart, waker)
        self.preempted = []          # switch-out times when it stayed ready
        self.created = None          # (time, hart, creator)
        self.exit_code = None
        self.state = "?"             # at the end of the trace


class SyscallStats:
    def __init__(self, nr):
        self.nr = nr
        self.count = 0               # entries
        self.latencies = []          # completed calls
        self.errors = 0


def percentile(sorted_values, p):
    """Nearest-rank: the smallest value with at least p% of values <= it."""
    k = max(1, math.ceil(p * len(sorted_values) / 100))
    return sorted_values[k - 1]


def signed64(v):
    return v - (1 << 64) if v >> 63 else v


class Analysis:
    def __init__(self, dump, syscall_names=None):
        self.dump = dump
        self.hz = dump.hz or DEFAULT_HZ
        self.syscall_names = syscall_names or SYSCALL_NAMES
        self.integrity = []          # corrupt, missing, cut off
        self.timeline = []           # switch matching, overlaps, sums
        self.warnings = []
        self.segments = []           # in the order they closed
        self.wakes = []              # (time, hart, woken, waker)
        self.instants = []           # (time, hart, name, args) for the JSON
        self.syscall_spans = []      # (hart, start, end, nr, result, part)
        self.threads = {}
        self.syscalls = {}
        self.thread_names = {}       # tid -> name from NAME records
        self.unknown_types = 0
        self.harts = {}
        self.t0 = self.t_end = 0
        self.wake_latency = []       # (latency, wake time, wake hart, tid, run start)
        self.preempt_latency = []    # switch-out while ready -> next switch-in
        self.create_latency = []     # CREATE -> first switch-in
        self._run()

    # -- naming

    def thread_name(self, tid):
        name = self.thread_names.get(tid)
        if name is None:
            name = self.dump.pnames.get(tid >> 16, "")
        return name

    def thread_title(self, tid):
        name = self.thread_name(tid)
        return thread_label(tid) + (" " + name if name else "")

    def syscall_name(self, nr):
        return self.syscall_names.get(nr, "sys_%d" % nr)

    def ticks_us(self, ticks):
        return ticks * 1e6 / self.hz

    def thread(self, tid):
        t = self.threads.get(tid)
        if t is None:
            t = self.threads[tid] = ThreadStats(tid)
        return t

    def violation(self, text, integrity=False):
        (self.integrity if integrity else self.timeline).append(text)

    def switch_violation(self, h, text):
        if h in self.dump.gaps:
            text += " (records are missing on hart %d)" % h
        self.violation("hart %d: %s" % (h, text))

    @property
    def violations(self):
        """Everything `check` fails on: damaged or incomplete data first."""
        return self.integrity + self.timeline

    def at(self, t):
        return "t=%.1fus" % self.ticks_us(t - self.t0)

    # -- the pass over the records

    def _run(self):
        d = self.dump
        hart_ids = set(d.records) | set(d.ends)
        for h in range(d.harts or 0):
            if len(hart_ids) >= d.harts:
                break
            hart_ids.add(h)             # announced by #TRB, never seen
        for h in sorted(hart_ids):
            self.harts[h] = HartStats(h)
        times = [r.time for rs in d.records.values() for r in rs]
        if not times:
            self._totals()
            return
        self.t0, self.t_end = min(times), max(times)
        for h, hs in self.harts.items():
            recs = d.records.get(h, [])
            hs.records = len(recs)
            hs.end = self.t_end
            for prev, r in zip(recs, recs[1:]):
                if r.time < prev.time:
                    self.violation("hart %d: time goes back at seq %d (log line %d)"
                                   % (h, r.seq, r.line))
            if recs and d.dropped_at_end(h):
                hs.ends_early = "%d records dropped" % d.dropped_at_end(h)
            elif recs and h not in d.ends:
                hs.ends_early = "dump cut off"
            elif not recs and h not in d.ends:
                hs.ends_early = "no records: dump cut off"
            if hs.ends_early:
                hs.end = max((r.time for r in recs), default=self.t0)
            hs.wall = hs.end - self.t0

        self.state = {}
        self.pending_sys = {}        # tid -> (nr, enter time)
        self.sys_part = {}           # hart -> (tid, nr, start, part) open span
        self.name_open = {}          # tid -> NAME chunks still to come
        for h, hs in self.harts.items():
            kind, tid = self._initial(d.records.get(h, []))
            self.state[h] = Segment(h, self.t0, kind, tid,
                                    "trace start" if kind == RUN else "")
            if kind == RUN:
                self.thread(tid).harts.add(h)

        streams = [[((r.time, r.hart, r.seq), r) for r in d.records[h]]
                   for h in sorted(d.records)]
        self.last_time = {}          # hart -> time of its latest record
        self.hole_index = {h: {r.seq: i for i, r in enumerate(d.records[h])
                               if r.seq in d.holes.get(h, {})} for h in d.records}
        for _, r in heapq.merge(*streams):
            if r.seq in self.hole_index.get(r.hart, {}):
                self._hole(r)
            self._event(r)
            self.last_time[r.hart] = r.time
        for h, hs in self.harts.items():
            self._close(h, hs.end, "still running" if not hs.ends_early else "no data")
            self._end_syscall_part(h, hs.end, None)
        self._totals()

    def _initial(self, recs):
        """What the hart was doing when tracing started, from its first
        record that tells."""
        for r in recs:
            if r.type == SWITCH:
                return (RUN, r.a) if r.a else (SCHED, None)
            if r.type == IDLE_EXIT:
                return IDLE, None
            if r.type == IDLE_ENTER:
                return SCHED, None
            if r.type in (BLOCK, EXIT) and r.a:
                return RUN, r.a
            if r.type in (CREATE, WAKE) and r.b:
                return RUN, r.b
        return SCHED, None

    def _hole(self, r):
        """Records were dropped just before r: what the hart did since its
        previous record is unknown; after r, read it afresh."""
        h = r.hart
        start = self.last_time.get(h, self.t0)
        lost = self.dump.holes[h][r.seq]
        self._close(h, start, "records dropped")
        self._open(h, start, NODATA, began="%d records dropped" % lost)
        self._close(h, r.time, "")
        recs = self.dump.records[h][self.hole_index[h][r.seq]:]
        kind, tid = self._initial(recs)
        self._open(h, r.time, kind, tid, "records dropped")
        if kind == RUN:
            self.thread(tid).harts.add(h)

    def _open(self, h, t, kind, tid=None, began="switch"):
        self.state[h] = Segment(h, t, kind, tid, began)

    def _close(self, h, t, ended):
        seg = self.state[h]
        seg.end = max(t, seg.start)
        seg.ended = ended
        self.segments.append(seg)
        hs = self.harts[h]
        if seg.kind == RUN:
            hs.busy += seg.dur
            self.thread(seg.thread).run += seg.dur
            self._end_syscall_part(h, seg.end, None)
        elif seg.kind == IDLE:
            hs.idle += seg.dur
        elif seg.kind == NODATA:
            hs.wall -= seg.dur
            hs.nodata += seg.dur
        return seg

    def _current(self, h):
        seg = self.state[h]
        return seg.thread if seg.kind == RUN else None

    def _start_syscall_part(self, h, tid, t):
        p = self.pending_sys.get(tid)
        if p is not None:
            self.sys_part[h] = (tid, p[0], t, "continued")

    def _end_syscall_part(self, h, t, result):
        part = self.sys_part.pop(h, None)
        if part is not None:
            tid, nr, start, how = part
            self.syscall_spans.append((h, start, t, nr, result, how))

    def _event(self, r):
        h, t = r.hart, r.time
        seg = self.state[h]
        cur = self._current(h)
        if r.type == SWITCH:
            if r.a:
                if seg.kind == RUN and seg.thread == r.a:
                    pass
                elif seg.kind == RUN:
                    self.switch_violation(h, "%s switched out at %s while %s was running"
                                          % (thread_label(r.a), self.at(t),
                                             thread_label(seg.thread)))
                else:
                    self.switch_violation(h, "%s switched out at %s without a switch-in"
                                          % (thread_label(r.a), self.at(t)))
                if seg.kind == RUN:
                    ended = seg.why or "preempted"
                    self._close(h, t, ended)
                    ts = self.thread(seg.thread)
                    ts.state = {"preempted": "ready"}.get(ended, ended)
                    if ended == "preempted":
                        ts.preempted.append(t)
                else:
                    self._close(h, t, "")
                self._open(h, t, SCHED)
            if r.b:
                seg = self.state[h]
                if seg.kind == RUN:
                    self.switch_violation(h, "%s switched in at %s while %s was running "
                                          "(no switch-out)" % (thread_label(r.b), self.at(t),
                                                               thread_label(seg.thread)))
                    self._close(h, t, "lost")
                elif seg.kind == IDLE:
                    self.warnings.append("hart %d: switch-in at %s while idle"
                                         % (h, self.at(t)))
                    self._close(h, t, "")
                else:
                    self._close(h, t, "")
                self._open(h, t, RUN, r.b)
                ts = self.thread(r.b)
                ts.switch_ins.append(t)
                ts.harts.add(h)
                ts.state = "running"
                self.harts[h].switch_ins += 1
                self._start_syscall_part(h, r.b, t)
            if not r.a and not r.b:
                self.warnings.append("hart %d: switch with no threads at %s" % (h, self.at(t)))
        elif r.type == IDLE_ENTER:
            if seg.kind == RUN:
                self.warnings.append("hart %d: idle at %s while %s was running"
                                     % (h, self.at(t), thread_label(seg.thread)))
            self._close(h, t, "lost" if seg.kind == RUN else "")
            self._open(h, t, IDLE)
        elif r.type == IDLE_EXIT:
            if seg.kind == IDLE:
                self._close(h, t, "")
                self._open(h, t, SCHED)
            else:
                self.warnings.append("hart %d: idle exit at %s without idle enter"
                                     % (h, self.at(t)))
        elif r.type == WAKE:
            self.wakes.append((t, h, r.a, r.b))
            self.thread(r.a).wakes.append((t, h, r.b))
            self.thread(r.a).state = "ready"
        elif r.type == BLOCK:
            self._mark_leaving(h, r.a, "blocked", t)
        elif r.type == EXIT:
            self._mark_leaving(h, r.a, "exited", t)
            self.thread(r.a).exit_code = signed64(r.b)
            self.instants.append((t, h, "exit " + thread_label(r.a),
                                  {"thread": thread_label(r.a), "code": signed64(r.b)}))
        elif r.type == CREATE:
            ts = self.thread(r.a)
            ts.created = (t, h, r.b)
            ts.state = "ready"
            self.instants.append((t, h, "create " + thread_label(r.a),
                                  {"thread": thread_label(r.a),
                                   "creator": thread_label(r.b)}))
        elif r.type == SYSCALL_ENTER:
            s = self.syscalls.setdefault(r.a, SyscallStats(r.a))
            s.count += 1
            key = cur if cur is not None else ("hart", h)
            self.pending_sys[key] = (r.a, t)
            self._end_syscall_part(h, t, None)
            if cur is not None:
                self.sys_part[h] = (cur, r.a, t, "")
        elif r.type == SYSCALL_EXIT:
            key = cur if cur is not None else ("hart", h)
            p = self.pending_sys.pop(key, None)
            s = self.syscalls.setdefault(r.a, SyscallStats(r.a))
            if p is not None and p[0] == r.a:
                s.latencies.append(t - p[1])
                if r.b > MASK64 - ERRNO_MAX:
                    s.errors += 1
            part = self.sys_part.get(h)
            if part is not None and part[1] == r.a:
                self._end_syscall_part(h, t, signed64(r.b))
        elif r.type == IRQ:
            hs = self.harts[h]
            hs.irqs[r.a] = hs.irqs.get(r.a, 0) + 1
            self.instants.append((t, h, "irq " + IRQ_CAUSES.get(r.a, str(r.a)),
                                  {"cause": r.a}))
        elif r.type == RQ_WAIT:
            hs = self.harts[h]
            hs.rq_waits += 1
            hs.rq_wait_total += r.a
            hs.rq_wait_max = max(hs.rq_wait_max, r.a)
            self.instants.append((t, h, "rq lock wait",
                                  {"us": round(self.ticks_us(r.a), 3)}))
        elif r.type == NAME:
            chunk = r.b.to_bytes(8, "little")
            text = printable(chunk.split(b"\0")[0].decode("latin-1"))
            if self.name_open.get(r.a):
                self.thread_names[r.a] += text
            else:
                self.thread_names[r.a] = text
            self.name_open[r.a] = b"\0" not in chunk
        else:
            self.unknown_types += 1

    def _mark_leaving(self, h, tid, why, t):
        seg = self.state[h]
        if seg.kind == RUN and seg.thread == tid:
            seg.why = why
        else:
            self.warnings.append("hart %d: %s of %s at %s, which was not running there"
                                 % (h, why, thread_label(tid), self.at(t)))
        self.thread(tid).state = why

    # -- derived numbers and invariants

    def _totals(self):
        d = self.dump
        for seg in self.segments:
            if seg.kind == RUN and seg.ended == "still running":
                self.thread(seg.thread).state = "running"
        # Latencies: from each event to the thread's first switch-in at or
        # after it. Only the first wake before a given switch-in counts.
        for tid, ts in self.threads.items():
            ins = ts.switch_ins
            used = set()
            for tw, hw, _ in sorted(ts.wakes):
                i = bisect.bisect_left(ins, tw)
                if i < len(ins) and i not in used:
                    used.add(i)
                    self.wake_latency.append((ins[i] - tw, tw, hw, tid, ins[i]))
            for tp in ts.preempted:
                i = bisect.bisect_left(ins, tp)
                if i < len(ins):
                    self.preempt_latency.append(ins[i] - tp)
            if ts.created:
                i = bisect.bisect_left(ins, ts.created[0])
                if i < len(ins):
                    self.create_latency.append(ins[i] - ts.created[0])
        self.wake_latency.sort(key=lambda w: (w[1], w[2]))

        # Invariants.
        if d.corrupt:
            self.violation("%d corrupt record line(s)" % d.corrupt, True)
        for h in sorted(d.gaps):
            ranges = ", ".join("%d" % a if a == b else "%d-%d" % (a, b)
                               for a, b in d.gaps[h][:8])
            self.violation("hart %d: %d missing record(s) (seq %s)"
                           % (h, d.missing(h), ranges), True)
        if d.unended():
            self.violation("dump cut off: no #TRE for hart(s) %s"
                           % ", ".join(map(str, d.unended())), True)
        if d.absent_harts():
            self.violation("dump cut off: #TRB announced %d harts, %d never appeared"
                           % (d.harts, d.absent_harts()), True)
        if d.header == "missing":
            self.warnings.append("no #TRB header before log line %d" % d.line)
        for h, hs in self.harts.items():
            if hs.busy > hs.wall:
                self.violation("hart %d: busy %d ticks exceeds wall time %d"
                               % (h, hs.busy, hs.wall))
            holes = d.holes.get(h, {})
            if holes:
                self.warnings.append("hart %d: %d record(s) dropped (buffer full) before "
                                     "%d drain(s); %.1f us of its timeline has no data"
                                     % (h, sum(holes.values()), len(holes),
                                        self.ticks_us(hs.nodata)))
            if hs.ends_early and d.dropped_at_end(h):
                self.warnings.append("hart %d: %d record(s) dropped (buffer full); "
                                     "its timeline ends at %s"
                                     % (h, d.dropped_at_end(h), self.at(hs.end)))
        busy = sum(hs.busy for hs in self.harts.values())
        run = sum(ts.run for ts in self.threads.values())
        if busy != run:
            self.violation("thread run times sum to %d ticks, hart busy times to %d"
                           % (run, busy))
        by_thread = {}
        for seg in self.segments:
            if seg.kind == RUN:
                by_thread.setdefault(seg.thread, []).append(seg)
        overlaps = 0
        for tid, segs in sorted(by_thread.items()):
            segs.sort(key=lambda s: (s.start, s.end))
            last = None
            for s in segs:
                if last is not None and s.start < last.end:
                    overlaps += 1
                    if overlaps <= MAX_SAMPLES:
                        self.violation("%s runs on hart %d (%s) and hart %d (%s..%s) "
                                       "at once" % (thread_label(tid), s.hart,
                                                    self.at(s.start), last.hart,
                                                    self.at(last.start), self.at(last.end)))
                if last is None or s.end > last.end:
                    last = s
        if overlaps > MAX_SAMPLES:
            self.violation("... %d more overlapping runs" % (overlaps - MAX_SAMPLES))
        for note in d.notes:
            self.warnings.append(note)
        if self.unknown_types:
            self.warnings.append("%d record(s) of unknown type" % self.unknown_types)

    # -- convenience for reports and tests

    @property
    def wall(self):
        return self.t_end - self.t0

    def utilisation(self, hart):
        hs = self.harts[hart]
        return 100.0 * hs.busy / hs.wall if hs.wall else 0.0

    def latency_stats(self, values):
        """(n, p50, p99, max) in ticks, or None without values."""
        if not values:
            return None
        v = sorted(values)
        return len(v), percentile(v, 50), percentile(v, 99), v[-1]


# ---------------------------------------------------------------------------
# The text summary.

def summary(an, dump_count=1):
    d = an.dump
    us = lambda ticks: "%.1f" % an.ticks_us(ticks)
    ms = lambda ticks: "%.3f" % (an.ticks_us(ticks) / 1000)
    out = []
    w = out.append
    w("Dakota trace summary: dump %d of %d (log line %d)" % (d.index, dump_count, d.line))
    hz_note = "" if d.hz else " (assumed: #TRB missing or damaged)"
    w("  %d harts, %d Hz%s, %d records; wall time %s ms"
      % (len(an.harts), an.hz, hz_note, d.record_count(), ms(an.wall)))
    w("")
    w("Integrity")
    w("  corrupt records: %d" % d.corrupt)
    for line, reason, text in d.samples:
        w("    line %d: %s: %s" % (line, reason, printable(text)))
    per_hart = lambda f: ", ".join("hart %d: %d" % (h, f(h)) for h in an.harts)
    w("  missing records: %d (%s)" % (d.total_missing(), per_hart(d.missing)))
    w("  dropped records (buffer full): %d (%s)" % (d.total_dropped(), per_hart(d.dropped)))
    if d.cut_off():
        parts = []
        if d.unended():
            parts.append("no #TRE for hart %s" % ", ".join(map(str, d.unended())))
        if d.absent_harts():
            parts.append("%d of %d harts never appeared" % (d.absent_harts(), d.harts))
        w("  dump complete: NO, cut off (%s)" % "; ".join(parts))
    else:
        w("  dump complete: yes")
    for note in an.warnings:
        w("  note: " + note)
    for v in an.timeline:
        w("  INVARIANT: " + v)
    w("")
    w("%-8s %10s %10s %10s %7s %10s %6s %8s %11s %10s"
      % ("Harts", "busy ms", "idle ms", "sched ms", "util", "switch-in", "irqs",
         "rq waits", "rq wait us", "rq max us"))
    for h, hs in an.harts.items():
        note = "  (timeline ends early: %s)" % hs.ends_early if hs.ends_early else ""
        w("%-8s %10s %10s %10s %6.1f%% %10d %6d %8d %11s %10s%s"
          % ("hart %d" % h, ms(hs.busy), ms(hs.idle), ms(hs.sched), an.utilisation(h),
             hs.switch_ins, sum(hs.irqs.values()), hs.rq_waits, us(hs.rq_wait_total),
             us(hs.rq_wait_max), note))
    total_busy = sum(hs.busy for hs in an.harts.values())
    total_wall = sum(hs.wall for hs in an.harts.values())
    w("%-8s %10s %10s %10s %6.1f%% %10d %6d %8d %11s"
      % ("all", ms(total_busy), ms(sum(hs.idle for hs in an.harts.values())),
         ms(sum(hs.sched for hs in an.harts.values())),
         100.0 * total_busy / total_wall if total_wall else 0.0,
         sum(hs.switch_ins for hs in an.harts.values()),
         sum(sum(hs.irqs.values()) for hs in an.harts.values()),
         sum(hs.rq_waits for hs in an.harts.values()),
         us(sum(hs.rq_wait_total for hs in an.harts.values()))))
    w("")
    w("%-24s %10s %10s %6s %-10s %s" % ("Threads", "run ms", "switch-in", "wakes",
                                       "harts", "state at end"))
    order = sorted(an.threads.values(), key=lambda ts: (-ts.run, ts.tid))
    for ts in order:
        state = ts.state
        if ts.exit_code is not None:
            state += " (%d)" % ts.exit_code
        w("%-24s %10s %10d %6d %-10s %s"
          % (an.thread_title(ts.tid)[:24], ms(ts.run), len(ts.switch_ins), len(ts.wakes),
             ranges(ts.harts) or "-", state))
    w("")
    w("%-24s %6s %10s %10s %10s" % ("Latency", "n", "p50 us", "p99 us", "max us"))
    for label, values in (("wake-to-run", [x[0] for x in an.wake_latency]),
                          ("preempt-to-run", an.preempt_latency),
                          ("create-to-run", an.create_latency)):
        st = an.latency_stats(values)
        if st:
            w("%-24s %6d %10s %10s %10s" % (label, st[0], us(st[1]), us(st[2]), us(st[3])))
        else:
            w("%-24s %6d %10s %10s %10s" % (label, 0, "-", "-", "-"))
    pending = sum(len(ts.wakes) for ts in an.threads.values()) - len(an.wake_latency)
    if pending:
        w("  (%d wake(s) not followed by a run before the end)" % pending)
    w("")
    w("%-24s %6s %6s %6s %10s %10s" % ("Syscalls", "count", "done", "errors",
                                       "mean us", "max us"))
    for nr in sorted(an.syscalls):
        s = an.syscalls[nr]
        if s.latencies:
            mean = us(sum(s.latencies) / len(s.latencies))
            mx = us(max(s.latencies))
        else:
            mean = mx = "-"
        w("%-24s %6d %6d %6d %10s %10s" % ("%d %s" % (nr, an.syscall_name(nr)), s.count,
                                           len(s.latencies), s.errors, mean, mx))
    if not an.syscalls:
        w("  (none)")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Chrome Trace Event format (JSON), for Perfetto and chrome://tracing.

HARTS_PID = 1                    # process "harts": one track per hart
THREADS_PID = 2                  # process "threads": one track per thread


def hart_track(h):
    return h + 1                 # tid 0 is the swapper in Perfetto: avoid it


def chrome_trace(an):
    evs = []
    order = [0]

    def us(t):
        return round(an.ticks_us(t - an.t0), 3)

    def dur(a, b):
        return round(an.ticks_us(b - a), 3)

    def add(ev, key):
        order[0] += 1
        evs.append((key + (order[0],), ev))
        return key + (order[0],)

    def meta(pid, tid, name, args):
        ev = {"ph": "M", "pid": pid, "name": name, "args": args}
        if tid is not None:
            ev["tid"] = tid
        evs.append(((-1, 0, 0, len(evs)), ev))

    meta(HARTS_PID, None, "process_name", {"name": "harts"})
    meta(HARTS_PID, None, "process_sort_index", {"sort_index": 0})
    meta(THREADS_PID, None, "process_name", {"name": "threads"})
    meta(THREADS_PID, None, "process_sort_index", {"sort_index": 1})
    for h in an.harts:
        meta(HARTS_PID, hart_track(h), "thread_name", {"name": "hart %d" % h})
        meta(HARTS_PID, hart_track(h), "thread_sort_index", {"sort_index": h})
    for i, tid in enumerate(sorted(an.threads)):
        meta(THREADS_PID, tid, "thread_name", {"name": an.thread_title(tid)})
        meta(THREADS_PID, tid, "thread_sort_index", {"sort_index": i})

    run_keys = {}                # (hart, start, tid) -> sort key of its slice
    for seg in sorted(an.segments, key=lambda s: (s.hart, s.start)):
        if seg.kind == RUN:
            name = an.thread_title(seg.thread)
            args = {"thread": thread_label(seg.thread), "hart": seg.hart,
                    "began": seg.began, "ended": seg.ended}
            cat = "run"
        elif seg.kind == IDLE:
            name, cat, args = "idle", "idle", {"hart": seg.hart}
        elif seg.kind == NODATA:
            name, cat, args = "no data", "nodata", {"hart": seg.hart, "why": seg.began}
        else:
            name, cat, args = "sched", "sched", {"hart": seg.hart}
        if seg.dur == 0 and seg.kind != RUN:
            continue
        ev = {"ph": "X", "pid": HARTS_PID, "tid": hart_track(seg.hart), "ts": us(seg.start),
              "dur": dur(seg.start, seg.end), "name": name, "cat": cat, "args": args}
        key = add(ev, (seg.start, 0, -seg.dur))
        if seg.kind == RUN:
            run_keys[(seg.hart, seg.start, seg.thread)] = key
            add({"ph": "X", "pid": THREADS_PID, "tid": seg.thread, "ts": us(seg.start),
                 "dur": dur(seg.start, seg.end), "name": "hart %d" % seg.hart,
                 "cat": "run", "args": args}, (seg.start, 0, -seg.dur))

    for hart, start, end, nr, result, how in an.syscall_spans:
        args = {"nr": nr}
        if result is not None:
            args["result"] = result
        name = an.syscall_name(nr) + (" (%s)" % how if how else "")
        add({"ph": "X", "pid": HARTS_PID, "tid": hart_track(hart), "ts": us(start),
             "dur": dur(start, end), "name": name, "cat": "syscall", "args": args},
            (start, 0, -(end - start)))

    # A wake is a zero-length slice on the waker's hart (so the flow has a
    # slice to leave from) and a flow to the woken thread's next run.
    run_at = {(w[3], w[1], w[2]): w[4] for w in an.wake_latency}
    run_hart_at = {(s.thread, s.start): s.hart for s in an.segments if s.kind == RUN}
    flow_id = 0
    for t, h, woken, waker in an.wakes:
        args = {"woken": thread_label(woken),
                "waker": thread_label(waker) if waker else "irq/idle"}
        key = add({"ph": "X", "pid": HARTS_PID, "tid": hart_track(h), "ts": us(t),
                   "dur": 0, "name": "wake " + an.thread_title(woken), "cat": "wake",
                   "args": args}, (t, 0, 0))
        ts_run = run_at.get((woken, t, h))
        if ts_run is None:
            continue
        run_hart = run_hart_at.get((woken, ts_run))
        if run_hart is None:
            continue
        flow_id += 1
        evs.append((key[:-1] + (key[-1] + 0.5,),
                    {"ph": "s", "pid": HARTS_PID, "tid": hart_track(h), "ts": us(t),
                     "id": flow_id, "name": "wakeup", "cat": "wakeup"}))
        rkey = run_keys.get((run_hart, ts_run, woken), (ts_run, 0, 0, 0))
        evs.append((rkey[:-1] + (rkey[-1] + 0.5,),
                    {"ph": "f", "bp": "e", "pid": HARTS_PID, "tid": hart_track(run_hart),
                     "ts": us(ts_run), "id": flow_id, "name": "wakeup", "cat": "wakeup"}))

    for t, h, name, args in an.instants:
        add({"ph": "i", "s": "t", "pid": HARTS_PID, "tid": hart_track(h), "ts": us(t),
             "name": name, "cat": name.split()[0], "args": args}, (t, 1, 0))

    evs.sort(key=lambda e: e[0])
    d = an.dump
    other = {"source": "Dakota tools/trace.py", "dump": d.index, "hz": an.hz,
             "start_time": an.t0, "harts": len(an.harts), "records": d.record_count(),
             "corrupt_records": d.corrupt, "missing_records": d.total_missing(),
             "dropped_records": d.total_dropped(), "cut_off": d.cut_off()}
    lines = [json.dumps(ev, separators=(",", ":")) for _, ev in evs]
    return ('{"displayTimeUnit":"ns","otherData":%s,"traceEvents":[\n%s\n]}\n'
            % (json.dumps(other, separators=(",", ":")), ",\n".join(lines)))


# ---------------------------------------------------------------------------
# SVG timeline.

# Distinct colours for the first few threads, in the order of thread_colour's
# numbering: (1:1), (2:1), (1:2), (3:1), (2:2), (1:3), ...
PALETTE = ("#3b75af", "#e8832a", "#3a9a4a", "#c8403a", "#8c62b8", "#8c5a46",
           "#d966b0", "#17a2b8", "#a8a22a", "#2f4b7c", "#e0a526", "#6ab04c")


def thread_colour(tid):
    """The same thread gets the same colour in every picture. (pid, tid) pairs
    are numbered along diagonals (Cantor pairing), so the few threads of a
    typical trace get the first, hand-picked colours; later numbers step
    round the colour wheel by the golden ratio."""
    a, b = max((tid >> 16) - 1, 0), max((tid & 0xffff) - 1, 0)
    k = (a + b) * (a + b + 1) // 2 + b
    if k < len(PALETTE):
        return PALETTE[k]
    hue = (0.12 + k * 0.618034) % 1.0
    light = (0.45, 0.58, 0.38)[k % 3]
    r, g, bl = colorsys.hls_to_rgb(hue, light, 0.62)
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(bl * 255))


def nice_step(span, target=10):
    raw = span / target if span > 0 else 1
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def time_label(us_value, step_us):
    if step_us >= 1e6:
        return "%g s" % round(us_value / 1e6, 6)
    if step_us >= 1e3:
        return "%g ms" % round(us_value / 1e3, 6)
    return "%g us" % round(us_value, 6)


def render_svg(an, dump_count=1):
    d = an.dump
    width = 1200
    left, right = 110, 20
    plot_w = width - left - right
    top = 56
    row_h, row_gap = 26, 10
    harts = list(an.harts)
    wall = max(an.wall, 1)
    wall_us = an.ticks_us(wall)

    def x(t):
        return left + (t - an.t0) * plot_w / wall

    o = []
    w = o.append
    rows_bottom = top + len(harts) * (row_h + row_gap)
    axis_y = rows_bottom + 2
    threads = sorted(an.threads.values(), key=lambda ts: (-ts.run, ts.tid))
    shown = [ts for ts in threads if ts.run > 0 or ts.switch_ins]
    cols = 3
    legend_top = axis_y + 44
    legend_rows = (len(shown) + 3 + cols - 1) // cols
    footer_top = legend_top + legend_rows * 18 + 14
    problems = integrity_lines(an)
    height = footer_top + 16 * max(1, len(problems)) + 10

    w('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
      'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
      % (width, height, width, height))
    w('<defs><pattern id="idle" width="6" height="6" patternUnits="userSpaceOnUse" '
      'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/>'
      '<line x1="0" y1="0" x2="0" y2="6" stroke="#a8a8a8" stroke-width="2"/></pattern>'
      '<pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
      'patternTransform="rotate(-45)"><rect width="8" height="8" fill="#fff4f4"/>'
      '<line x1="0" y1="0" x2="0" y2="8" stroke="#e8a0a0" stroke-width="1"/></pattern>'
      '</defs>')
    w('<rect width="100%" height="100%" fill="white"/>')
    title = "Dakota trace: %d hart%s, %.3f ms" % (len(harts), "" if len(harts) == 1 else "s",
                                                  wall_us / 1000)
    if dump_count > 1:
        title += " (dump %d of %d)" % (d.index, dump_count)
    w('<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>'
      % (left, xml_escape(title)))
    w('<text x="%d" y="42" fill="#555">busy: coloured by thread; idle: grey hatched; '
      'scheduler: light background</text>' % left)

    step = nice_step(wall_us)
    tick = 0.0
    while tick <= wall_us + 1e-9:
        tx = left + tick / wall_us * plot_w if wall_us else left
        w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
          % (tx, top - 6, tx, axis_y + 4))
        w('<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>'
          % (tx, axis_y + 18, time_label(tick, step)))
        tick += step
    w('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>'
      % (left, axis_y, left + plot_w, axis_y))
    w('<text x="%d" y="%d" text-anchor="end" fill="#333">time</text>'
      % (left - 30, axis_y + 18))

    by_hart = {h: [] for h in harts}
    for seg in an.segments:
        by_hart[seg.hart].append(seg)
    for i, h in enumerate(harts):
        y = top + i * (row_h + row_gap)
        hs = an.harts[h]
        w('<text x="%d" y="%d" text-anchor="end" font-weight="bold">hart %d</text>'
          % (left - 8, y + 12, h))
        w('<text x="%d" y="%d" text-anchor="end" fill="#555" font-size="10">%.1f%% busy</text>'
          % (left - 8, y + 24, an.utilisation(h)))
        w('<rect x="%d" y="%d" width="%d" height="%d" fill="#f6f6f6" stroke="#ccc"/>'
          % (left, y, plot_w, row_h))
        if hs.end < an.t_end:
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#nodata)">'
              '<title>no data: %s</title></rect>'
              % (x(hs.end), y, x(an.t_end) - x(hs.end), row_h, xml_escape(hs.ends_early or "")))
        for seg in sorted(by_hart[h], key=lambda s: s.start):
            if seg.kind == SCHED or seg.dur <= 0:
                continue
            x0, x1 = x(seg.start), x(seg.end)
            span = "%.1f-%.1f us (%.1f us)" % (an.ticks_us(seg.start - an.t0),
                                               an.ticks_us(seg.end - an.t0),
                                               an.ticks_us(seg.dur))
            if seg.kind == IDLE:
                w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#idle)">'
                  '<title>idle %s</title></rect>' % (x0, y, max(x1 - x0, 0.3), row_h, span))
                continue
            if seg.kind == NODATA:
                w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#nodata)">'
                  '<title>no data %s: %s</title></rect>'
                  % (x0, y, max(x1 - x0, 0.3), row_h, span, xml_escape(seg.began)))
                continue
            if x1 - x0 < 1:              # too thin to point at: no tooltip
                w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"/>'
                  % (x0, y, max(x1 - x0, 0.5), row_h, thread_colour(seg.thread)))
                continue
            label = an.thread_title(seg.thread)
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s">'
              '<title>%s on hart %d: %s%s</title></rect>'
              % (x0, y, x1 - x0, row_h, thread_colour(seg.thread),
                 xml_escape(label), h, span,
                 ", " + seg.ended if seg.ended else ""))
            text = thread_label(seg.thread)
            if x1 - x0 > 7 * len(text) + 6:
                w('<text x="%.2f" y="%d" fill="white" font-size="11" '
                  'pointer-events="none">%s</text>' % (x0 + 3, y + 17, xml_escape(text)))

    # Legend: threads by run time, then the background kinds.
    col_w = (width - left - right) // cols
    entries = [(thread_colour(ts.tid), "%s: %.3f ms, %d run%s"
                % (an.thread_title(ts.tid), an.ticks_us(ts.run) / 1000, len(ts.switch_ins),
                   "" if len(ts.switch_ins) == 1 else "s")) for ts in shown]
    entries += [("url(#idle)", "idle (waiting for an interrupt)"),
                ("#f6f6f6", "scheduler / switching"),
                ("url(#nodata)", "no data (records dropped or dump cut off)")]
    w('<text x="%d" y="%d" font-weight="bold">threads</text>' % (left - 8 - 60, legend_top + 11))
    for i, (fill, text) in enumerate(entries):
        cx = left + (i % cols) * col_w
        cy = legend_top + (i // cols) * 18
        w('<rect x="%d" y="%d" width="14" height="12" fill="%s" stroke="#999"/>'
          % (cx, cy, fill))
        w('<text x="%d" y="%d">%s</text>' % (cx + 20, cy + 11, xml_escape(text[:48])))
    for i, line in enumerate(problems):
        colour = "#b00" if line.startswith("!") else "#555"
        w('<text x="%d" y="%d" fill="%s">%s</text>'
          % (left, footer_top + 12 + 16 * i, colour, xml_escape(line.lstrip("! "))))
    w('</svg>')
    return "\n".join(o) + "\n"


def integrity_lines(an):
    d = an.dump
    bad = d.corrupt or d.total_missing() or d.total_dropped() or d.cut_off()
    line = ("corrupt records: %d, missing: %d, dropped: %d%s"
            % (d.corrupt, d.total_missing(), d.total_dropped(),
               ", dump cut off" if d.cut_off() else ""))
    return ["! " + line if bad else line]


# ---------------------------------------------------------------------------
# Linux ftrace text: Perfetto draws per-CPU scheduling tracks from it.

def ftrace_text(an):
    d = an.dump
    hz = an.hz
    digits = min(9, max(6, math.ceil(math.log10(hz)))) if hz > 1 else 6

    def stamp(t):
        return "%d.%0*d" % (t // hz, digits, (t % hz) * 10 ** digits // hz)

    def comm(tid):
        if not tid:
            return None
        name = an.thread_name(tid) or "thread"
        name = re.sub(r"[\s=]", "_", name)[:15]
        return name

    def task(tid, h):
        if not tid:
            return "<idle>", 0, "-----"
        return comm(tid), tid, str(tid >> 16)

    lines = []

    def emit(t, h, tid, event, args):
        name, pid, tgid = task(tid, h)
        lines.append("%16s-%-7d (%5s) [%03d] .... %s: %s: %s"
                     % (name, pid, tgid, h, stamp(t), event, args))

    def switch_args(prev, prev_state, nxt, h):
        pc = comm(prev) if prev else "swapper/%d" % h
        nc = comm(nxt) if nxt else "swapper/%d" % h
        return ("prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%s ==> "
                "next_comm=%s next_pid=%d next_prio=120" % (pc, prev, prev_state, nc, nxt))

    ended = {}                       # (hart, end, tid) -> how the run ended
    for seg in an.segments:
        if seg.kind == RUN:
            ended[(seg.hart, seg.end, seg.thread)] = seg.ended
    state_code = {"blocked": "S", "exited": "X", "preempted": "R+"}
    current = {}
    for h in an.harts:
        seg0 = [s for s in an.segments if s.hart == h]
        first = min(seg0, key=lambda s: s.start) if seg0 else None
        current[h] = first.thread if first is not None and first.kind == RUN else 0
    streams = [[((r.time, r.hart, r.seq), r) for r in d.records[h]] for h in sorted(d.records)]
    for _, r in heapq.merge(*streams):
        h, t = r.hart, r.time
        cur = current.get(h, 0)
        if r.type == SWITCH:
            if r.a:
                how = ended.get((h, t, r.a), "preempted")
                emit(t, h, r.a, "sched_switch",
                     switch_args(r.a, state_code.get(how, "R"), 0, h))
                current[h] = 0
            if r.b:
                emit(t, h, 0, "sched_switch", switch_args(0, "R", r.b, h))
                current[h] = r.b
        elif r.type == WAKE:
            emit(t, h, cur, "sched_waking", "comm=%s pid=%d prio=120 target_cpu=%03d"
                 % (comm(r.a), r.a, h))
        elif r.type == IDLE_ENTER:
            emit(t, h, 0, "cpu_idle", "state=1 cpu_id=%d" % h)
        elif r.type == IDLE_EXIT:
            emit(t, h, 0, "cpu_idle", "state=4294967295 cpu_id=%d" % h)
        elif r.type == CREATE:
            emit(t, h, cur, "task_newtask", "pid=%d comm=%s clone_flags=0 oom_score_adj=0"
                 % (r.a, comm(r.a)))
        elif r.type == EXIT:
            emit(t, h, cur, "sched_process_exit", "comm=%s pid=%d prio=120"
                 % (comm(r.a), r.a))
        elif r.type == SYSCALL_ENTER and cur:
            emit(t, h, cur, "tracing_mark_write", "B|%d|%s" % (cur >> 16, an.syscall_name(r.a)))
        elif r.type == SYSCALL_EXIT and cur:
            emit(t, h, cur, "tracing_mark_write", "E|%d" % (cur >> 16))
        elif r.type == IRQ:
            emit(t, h, cur, "irq_handler_entry", "irq=%d name=%s"
                 % (r.a, IRQ_CAUSES.get(r.a, "irq")))
    head = ["# tracer: nop",
            "#",
            "# Dakota trace dump %d: %d harts, %d Hz, corrupt %d, missing %d, dropped %d%s"
            % (d.index, len(an.harts), hz, d.corrupt, d.total_missing(), d.total_dropped(),
               ", cut off" if d.cut_off() else ""),
            "# entries-in-buffer/entries-written: %d/%d   #P:%d"
            % (len(lines), len(lines), len(an.harts)),
            "#",
            "#                                      _-----=> irqs-off",
            "#                                     / _----=> need-resched",
            "#                                    | / _---=> hardirq/softirq",
            "#                                    || / _--=> preempt-depth",
            "#                                    ||| /     delay",
            "#           TASK-PID       TGID  CPU#  ||||   TIMESTAMP  FUNCTION",
            "#              | |           |     |   ||||      |         |"]
    return "\n".join(head + lines) + "\n"


# ---------------------------------------------------------------------------
# Command line.

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


if __name__ == "__main__":
    sys.exit(main())
