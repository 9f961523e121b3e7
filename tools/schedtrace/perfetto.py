"""Chrome Trace Event format (JSON), for Perfetto and chrome://tracing: one
track per hart (runs, idle, scheduler, system calls, wakeups with flow
arrows to the run they cause) and one per thread."""

import json

from .analysis import IDLE, NODATA, RUN
from .events import thread_label

HARTS_PID = 1                    # process "harts": one track per hart
THREADS_PID = 2                  # process "threads": one track per thread


def hart_track(h):
    return h + 1                 # tid 0 is the swapper in Perfetto: avoid it


class _Events:
    """Events with sort keys (time, class, -duration, insertion order): the
    JSON lists them in that order, metadata first."""

    def __init__(self, an):
        self.an = an
        self.evs = []
        self.count = 0

    def us(self, t):
        return round(self.an.ticks_us(t - self.an.t0), 3)

    def dur(self, a, b):
        return round(self.an.ticks_us(b - a), 3)

    def add(self, ev, key):
        self.count += 1
        self.evs.append((key + (self.count,), ev))
        return key + (self.count,)

    def after(self, key, ev):
        """ev sorts just after the event with sort key `key`."""
        self.evs.append((key[:-1] + (key[-1] + 0.5,), ev))

    def meta(self, pid, tid, name, args):
        ev = {"ph": "M", "pid": pid, "name": name, "args": args}
        if tid is not None:
            ev["tid"] = tid
        self.evs.append(((-1, 0, 0, len(self.evs)), ev))

    def json_lines(self):
        self.evs.sort(key=lambda e: e[0])
        return [json.dumps(ev, separators=(",", ":")) for _, ev in self.evs]


def chrome_trace(an):
    out = _Events(an)
    _metadata(out, an)
    run_keys = _segments(out, an)
    _syscalls(out, an)
    _wakes(out, an, run_keys)
    for t, h, name, args in an.instants:
        out.add({"ph": "i", "s": "t", "pid": HARTS_PID, "tid": hart_track(h), "ts": out.us(t),
                 "name": name, "cat": name.split()[0], "args": args}, (t, 1, 0))
    d = an.dump
    other = {"source": "Dakota tools/trace.py", "dump": d.index, "hz": an.hz,
             "start_time": an.t0, "harts": len(an.harts), "records": d.record_count(),
             "corrupt_records": d.corrupt, "missing_records": d.total_missing(),
             "dropped_records": d.total_dropped(), "cut_off": d.cut_off()}
    return ('{"displayTimeUnit":"ns","otherData":%s,"traceEvents":[\n%s\n]}\n'
            % (json.dumps(other, separators=(",", ":")), ",\n".join(out.json_lines())))


def _metadata(out, an):
    out.meta(HARTS_PID, None, "process_name", {"name": "harts"})
    out.meta(HARTS_PID, None, "process_sort_index", {"sort_index": 0})
    out.meta(THREADS_PID, None, "process_name", {"name": "threads"})
    out.meta(THREADS_PID, None, "process_sort_index", {"sort_index": 1})
    for h in an.harts:
        out.meta(HARTS_PID, hart_track(h), "thread_name", {"name": "hart %d" % h})
        out.meta(HARTS_PID, hart_track(h), "thread_sort_index", {"sort_index": h})
    for i, tid in enumerate(sorted(an.threads)):
        out.meta(THREADS_PID, tid, "thread_name", {"name": an.thread_title(tid)})
        out.meta(THREADS_PID, tid, "thread_sort_index", {"sort_index": i})


def _segment_look(an, seg):
    """(name, category, args) of a timeline segment's slice."""
    if seg.kind == RUN:
        return an.thread_title(seg.thread), "run", {
            "thread": thread_label(seg.thread), "hart": seg.hart,
            "began": seg.began, "ended": seg.ended}
    if seg.kind == IDLE:
        return "idle", "idle", {"hart": seg.hart}
    if seg.kind == NODATA:
        return "no data", "nodata", {"hart": seg.hart, "why": seg.began}
    return "sched", "sched", {"hart": seg.hart}


def _segments(out, an):
    """Slices for every segment; returns {(hart, start, tid): sort key} of runs."""
    run_keys = {}
    for seg in sorted(an.segments, key=lambda s: (s.hart, s.start)):
        name, cat, args = _segment_look(an, seg)
        if seg.dur == 0 and seg.kind != RUN:
            continue
        ts, dur = out.us(seg.start), out.dur(seg.start, seg.end)
        key = out.add({"ph": "X", "pid": HARTS_PID, "tid": hart_track(seg.hart), "ts": ts,
                       "dur": dur, "name": name, "cat": cat, "args": args},
                      (seg.start, 0, -seg.dur))
        if seg.kind == RUN:
            run_keys[(seg.hart, seg.start, seg.thread)] = key
            out.add({"ph": "X", "pid": THREADS_PID, "tid": seg.thread, "ts": ts,
                     "dur": dur, "name": "hart %d" % seg.hart, "cat": "run", "args": args},
                    (seg.start, 0, -seg.dur))
    return run_keys


def _syscalls(out, an):
    for hart, start, end, nr, result, how in an.syscall_spans:
        args = {"nr": nr}
        if result is not None:
            args["result"] = result
        name = an.syscall_name(nr) + (" (%s)" % how if how else "")
        out.add({"ph": "X", "pid": HARTS_PID, "tid": hart_track(hart), "ts": out.us(start),
                 "dur": out.dur(start, end), "name": name, "cat": "syscall", "args": args},
                (start, 0, -(end - start)))


def _wakes(out, an, run_keys):
    """A wake is a zero-length slice on the waker's hart (so the flow has a
    slice to leave from) and a flow to the woken thread's next run."""
    run_at = {(w[3], w[1], w[2]): w[4] for w in an.wake_latency}
    run_hart_at = {(s.thread, s.start): s.hart for s in an.segments if s.kind == RUN}
    flow_id = 0
    for t, h, woken, waker in an.wakes:
        args = {"woken": thread_label(woken),
                "waker": thread_label(waker) if waker else "irq/idle"}
        key = out.add({"ph": "X", "pid": HARTS_PID, "tid": hart_track(h), "ts": out.us(t),
                       "dur": 0, "name": "wake " + an.thread_title(woken), "cat": "wake",
                       "args": args}, (t, 0, 0))
        ts_run = run_at.get((woken, t, h))
        run_hart = run_hart_at.get((woken, ts_run)) if ts_run is not None else None
        if run_hart is None:
            continue
        flow_id += 1
        out.after(key, {"ph": "s", "pid": HARTS_PID, "tid": hart_track(h), "ts": out.us(t),
                        "id": flow_id, "name": "wakeup", "cat": "wakeup"})
        rkey = run_keys.get((run_hart, ts_run, woken), (ts_run, 0, 0, 0))
        out.after(rkey, {"ph": "f", "bp": "e", "pid": HARTS_PID,
                         "tid": hart_track(run_hart), "ts": out.us(ts_run), "id": flow_id,
                         "name": "wakeup", "cat": "wakeup"})
