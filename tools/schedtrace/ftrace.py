"""Linux ftrace text (sched_switch, sched_waking, cpu_idle, task_newtask,
sched_process_exit, system calls as tracing_mark_write): Perfetto draws
per-CPU scheduling tracks from it."""

import heapq
import math
import re

from .analysis import RUN
from .events import (CREATE, EXIT, IDLE_ENTER, IDLE_EXIT, IRQ, IRQ_CAUSES, SWITCH,
                     SYSCALL_ENTER, SYSCALL_EXIT, WAKE)

HEADER = ("#",
          "#                                      _-----=> irqs-off",
          "#                                     / _----=> need-resched",
          "#                                    | / _---=> hardirq/softirq",
          "#                                    || / _--=> preempt-depth",
          "#                                    ||| /     delay",
          "#           TASK-PID       TGID  CPU#  ||||   TIMESTAMP  FUNCTION",
          "#              | |           |     |   ||||      |         |")

# How a run ended -> sched_switch's prev_state.
STATE_CODE = {"blocked": "S", "exited": "X", "preempted": "R+"}


def ftrace_text(an):
    d = an.dump
    out = _Ftrace(an)
    streams = [[((r.time, r.hart, r.seq), r) for r in d.records[h]] for h in sorted(d.records)]
    for _, r in heapq.merge(*streams):
        out.record(r)
    head = ["# tracer: nop",
            "#",
            "# Dakota trace dump %d: %d harts, %d Hz, corrupt %d, missing %d, dropped %d%s"
            % (d.index, len(an.harts), an.hz, d.corrupt, d.total_missing(), d.total_dropped(),
               ", cut off" if d.cut_off() else ""),
            "# entries-in-buffer/entries-written: %d/%d   #P:%d"
            % (len(out.lines), len(out.lines), len(an.harts))]
    return "\n".join(head + list(HEADER) + out.lines) + "\n"


class _Ftrace:
    def __init__(self, an):
        self.an = an
        self.lines = []
        hz = an.hz
        self.digits = min(9, max(6, math.ceil(math.log10(hz)))) if hz > 1 else 6
        self.ended = {(s.hart, s.end, s.thread): s.ended
                      for s in an.segments if s.kind == RUN}
        self.current = {}            # hart -> thread running there, 0: none
        for h in an.harts:
            segs = [s for s in an.segments if s.hart == h]
            first = min(segs, key=lambda s: s.start) if segs else None
            self.current[h] = first.thread if first is not None and first.kind == RUN else 0

    def stamp(self, t):
        hz = self.an.hz
        return "%d.%0*d" % (t // hz, self.digits, (t % hz) * 10 ** self.digits // hz)

    def comm(self, tid):
        if not tid:
            return None
        return re.sub(r"[\s=]", "_", self.an.thread_name(tid) or "thread")[:15]

    def emit(self, t, h, tid, event, args):
        if tid:
            name, pid, tgid = self.comm(tid), tid, str(tid >> 16)
        else:
            name, pid, tgid = "<idle>", 0, "-----"
        self.lines.append("%16s-%-7d (%5s) [%03d] .... %s: %s: %s"
                          % (name, pid, tgid, h, self.stamp(t), event, args))

    def switch_args(self, prev, prev_state, nxt, h):
        pc = self.comm(prev) if prev else "swapper/%d" % h
        nc = self.comm(nxt) if nxt else "swapper/%d" % h
        return ("prev_comm=%s prev_pid=%d prev_prio=120 prev_state=%s ==> "
                "next_comm=%s next_pid=%d next_prio=120" % (pc, prev, prev_state, nc, nxt))

    def record(self, r):
        h, t = r.hart, r.time
        cur = self.current.get(h, 0)
        if r.type == SWITCH:
            self.switch(h, t, r.a, r.b)
        elif r.type == WAKE:
            self.emit(t, h, cur, "sched_waking", "comm=%s pid=%d prio=120 target_cpu=%03d"
                      % (self.comm(r.a), r.a, h))
        elif r.type in (IDLE_ENTER, IDLE_EXIT):
            state = 1 if r.type == IDLE_ENTER else 4294967295
            self.emit(t, h, 0, "cpu_idle", "state=%d cpu_id=%d" % (state, h))
        elif r.type == CREATE:
            self.emit(t, h, cur, "task_newtask", "pid=%d comm=%s clone_flags=0 oom_score_adj=0"
                      % (r.a, self.comm(r.a)))
        elif r.type == EXIT:
            self.emit(t, h, cur, "sched_process_exit", "comm=%s pid=%d prio=120"
                      % (self.comm(r.a), r.a))
        elif r.type == SYSCALL_ENTER and cur:
            self.emit(t, h, cur, "tracing_mark_write",
                      "B|%d|%s" % (cur >> 16, self.an.syscall_name(r.a)))
        elif r.type == SYSCALL_EXIT and cur:
            self.emit(t, h, cur, "tracing_mark_write", "E|%d" % (cur >> 16))
        elif r.type == IRQ:
            self.emit(t, h, cur, "irq_handler_entry", "irq=%d name=%s"
                      % (r.a, IRQ_CAUSES.get(r.a, "irq")))

    def switch(self, h, t, prev, nxt):
        if prev:
            how = self.ended.get((h, t, prev), "preempted")
            self.emit(t, h, prev, "sched_switch",
                      self.switch_args(prev, STATE_CODE.get(how, "R"), 0, h))
            self.current[h] = 0
        if nxt:
            self.emit(t, h, 0, "sched_switch", self.switch_args(0, "R", nxt, h))
            self.current[h] = nxt
