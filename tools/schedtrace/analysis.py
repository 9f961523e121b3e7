"""Analysis: per-hart timelines, per-thread accounting, latencies and the
invariants a trace must hold.

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

import bisect
import heapq
import math

from .events import (BLOCK, CREATE, DEFAULT_HZ, ERRNO_MAX, EXIT, IDLE_ENTER, IDLE_EXIT,
                     IRQ, IRQ_CAUSES, MASK64, NAME, RQ_WAIT, SWITCH, SYSCALL_ENTER,
                     SYSCALL_EXIT, SYSCALL_NAMES, WAKE, printable, thread_label)
from .framing import MAX_SAMPLES

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
        self._set_up_harts()
        times = [r.time for rs in d.records.values() for r in rs]
        if not times:
            self._totals()
            return
        self.t0, self.t_end = min(times), max(times)
        for h, hs in self.harts.items():
            self._hart_bounds(h, hs, d.records.get(h, []))
        self._replay()
        self._totals()

    def _set_up_harts(self):
        """Every hart seen in the dump, plus those #TRB announced but never seen."""
        d = self.dump
        hart_ids = set(d.records) | set(d.ends)
        for h in range(d.harts or 0):
            if len(hart_ids) >= d.harts:
                break
            hart_ids.add(h)
        for h in sorted(hart_ids):
            self.harts[h] = HartStats(h)

    def _hart_bounds(self, h, hs, recs):
        """Where hart h's timeline ends, and why if before the trace's end."""
        d = self.dump
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

    def _replay(self):
        """Every record of every hart in time order, through _event."""
        d = self.dump
        self.state = {}
        self.pending_sys = {}        # tid -> (nr, enter time)
        self.sys_part = {}           # hart -> (tid, nr, start, part) open span
        self.name_open = {}          # tid -> NAME chunks still to come
        for h in self.harts:
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
        handler = self.HANDLERS.get(r.type)
        if handler is None:
            self.unknown_types += 1
        else:
            handler(self, r)

    def _switch(self, r):
        if r.a:
            self._switch_out(r.hart, r.time, r.a)
        if r.b:
            self._switch_in(r.hart, r.time, r.b)
        if not r.a and not r.b:
            self.warnings.append("hart %d: switch with no threads at %s"
                                 % (r.hart, self.at(r.time)))

    def _switch_out(self, h, t, tid):
        seg = self.state[h]
        if seg.kind == RUN and seg.thread != tid:
            self.switch_violation(h, "%s switched out at %s while %s was running"
                                  % (thread_label(tid), self.at(t),
                                     thread_label(seg.thread)))
        elif seg.kind != RUN:
            self.switch_violation(h, "%s switched out at %s without a switch-in"
                                  % (thread_label(tid), self.at(t)))
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

    def _switch_in(self, h, t, tid):
        seg = self.state[h]
        if seg.kind == RUN:
            self.switch_violation(h, "%s switched in at %s while %s was running "
                                  "(no switch-out)" % (thread_label(tid), self.at(t),
                                                       thread_label(seg.thread)))
            self._close(h, t, "lost")
        elif seg.kind == IDLE:
            self.warnings.append("hart %d: switch-in at %s while idle" % (h, self.at(t)))
            self._close(h, t, "")
        else:
            self._close(h, t, "")
        self._open(h, t, RUN, tid)
        ts = self.thread(tid)
        ts.switch_ins.append(t)
        ts.harts.add(h)
        ts.state = "running"
        self.harts[h].switch_ins += 1
        self._start_syscall_part(h, tid, t)

    def _idle_enter(self, r):
        h, t, seg = r.hart, r.time, self.state[r.hart]
        if seg.kind == RUN:
            self.warnings.append("hart %d: idle at %s while %s was running"
                                 % (h, self.at(t), thread_label(seg.thread)))
        self._close(h, t, "lost" if seg.kind == RUN else "")
        self._open(h, t, IDLE)

    def _idle_exit(self, r):
        h, t = r.hart, r.time
        if self.state[h].kind == IDLE:
            self._close(h, t, "")
            self._open(h, t, SCHED)
        else:
            self.warnings.append("hart %d: idle exit at %s without idle enter"
                                 % (h, self.at(t)))

    def _wake(self, r):
        self.wakes.append((r.time, r.hart, r.a, r.b))
        self.thread(r.a).wakes.append((r.time, r.hart, r.b))
        self.thread(r.a).state = "ready"

    def _block(self, r):
        self._mark_leaving(r.hart, r.a, "blocked", r.time)

    def _exit(self, r):
        self._mark_leaving(r.hart, r.a, "exited", r.time)
        self.thread(r.a).exit_code = signed64(r.b)
        self.instants.append((r.time, r.hart, "exit " + thread_label(r.a),
                              {"thread": thread_label(r.a), "code": signed64(r.b)}))

    def _create(self, r):
        ts = self.thread(r.a)
        ts.created = (r.time, r.hart, r.b)
        ts.state = "ready"
        self.instants.append((r.time, r.hart, "create " + thread_label(r.a),
                              {"thread": thread_label(r.a),
                               "creator": thread_label(r.b)}))

    def _syscall_key(self, h):
        """Whose call is open on hart h: its thread, or the hart itself."""
        cur = self._current(h)
        return cur if cur is not None else ("hart", h)

    def _syscall_enter(self, r):
        h, t = r.hart, r.time
        s = self.syscalls.setdefault(r.a, SyscallStats(r.a))
        s.count += 1
        self.pending_sys[self._syscall_key(h)] = (r.a, t)
        self._end_syscall_part(h, t, None)
        cur = self._current(h)
        if cur is not None:
            self.sys_part[h] = (cur, r.a, t, "")

    def _syscall_exit(self, r):
        h, t = r.hart, r.time
        p = self.pending_sys.pop(self._syscall_key(h), None)
        s = self.syscalls.setdefault(r.a, SyscallStats(r.a))
        if p is not None and p[0] == r.a:
            s.latencies.append(t - p[1])
            if r.b > MASK64 - ERRNO_MAX:
                s.errors += 1
        part = self.sys_part.get(h)
        if part is not None and part[1] == r.a:
            self._end_syscall_part(h, t, signed64(r.b))

    def _irq(self, r):
        hs = self.harts[r.hart]
        hs.irqs[r.a] = hs.irqs.get(r.a, 0) + 1
        self.instants.append((r.time, r.hart, "irq " + IRQ_CAUSES.get(r.a, str(r.a)),
                              {"cause": r.a}))

    def _rq_wait(self, r):
        hs = self.harts[r.hart]
        hs.rq_waits += 1
        hs.rq_wait_total += r.a
        hs.rq_wait_max = max(hs.rq_wait_max, r.a)
        self.instants.append((r.time, r.hart, "rq lock wait",
                              {"us": round(self.ticks_us(r.a), 3)}))

    def _name(self, r):
        """A thread's name arrives 8 bytes a record, NUL-terminated."""
        chunk = r.b.to_bytes(8, "little")
        text = printable(chunk.split(b"\0")[0].decode("latin-1"))
        if self.name_open.get(r.a):
            self.thread_names[r.a] += text
        else:
            self.thread_names[r.a] = text
        self.name_open[r.a] = b"\0" not in chunk

    HANDLERS = {
        SWITCH: _switch, IDLE_ENTER: _idle_enter, IDLE_EXIT: _idle_exit,
        WAKE: _wake, BLOCK: _block, EXIT: _exit, CREATE: _create,
        SYSCALL_ENTER: _syscall_enter, SYSCALL_EXIT: _syscall_exit,
        IRQ: _irq, RQ_WAIT: _rq_wait, NAME: _name,
    }

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
        for seg in self.segments:
            if seg.kind == RUN and seg.ended == "still running":
                self.thread(seg.thread).state = "running"
        self._latencies()
        self._check_dump()
        self._check_harts()
        self._check_run_sums()
        self._check_overlaps()
        for note in self.dump.notes:
            self.warnings.append(note)
        if self.unknown_types:
            self.warnings.append("%d record(s) of unknown type" % self.unknown_types)

    def _latencies(self):
        """From each event to the thread's first switch-in at or after it.
        Only the first wake before a given switch-in counts."""
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

    def _check_dump(self):
        """Damaged or incomplete data: integrity violations."""
        d = self.dump
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

    def _check_harts(self):
        d = self.dump
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

    def _check_run_sums(self):
        busy = sum(hs.busy for hs in self.harts.values())
        run = sum(ts.run for ts in self.threads.values())
        if busy != run:
            self.violation("thread run times sum to %d ticks, hart busy times to %d"
                           % (run, busy))

    def _check_overlaps(self):
        """A thread never runs on two harts at once."""
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
