"""The text summary: integrity, per-hart and per-thread tables, latencies,
system calls."""

from .events import printable, ranges


def summary(an, dump_count=1):
    d = an.dump
    out = ["Dakota trace summary: dump %d of %d (log line %d)" % (d.index, dump_count, d.line)]
    hz_note = "" if d.hz else " (assumed: #TRB missing or damaged)"
    out.append("  %d harts, %d Hz%s, %d records; wall time %s ms"
               % (len(an.harts), an.hz, hz_note, d.record_count(), _ms(an, an.wall)))
    for section in (_integrity, _hart_table, _thread_table, _latency_table, _syscall_table):
        out.append("")
        out += section(an)
    return "\n".join(out) + "\n"


def integrity_lines(an):
    """One line for the SVG's footer; '!' first when anything is wrong."""
    d = an.dump
    bad = d.corrupt or d.total_missing() or d.total_dropped() or d.cut_off()
    line = ("corrupt records: %d, missing: %d, dropped: %d%s"
            % (d.corrupt, d.total_missing(), d.total_dropped(),
               ", dump cut off" if d.cut_off() else ""))
    return ["! " + line if bad else line]


def _us(an, ticks):
    return "%.1f" % an.ticks_us(ticks)


def _ms(an, ticks):
    return "%.3f" % (an.ticks_us(ticks) / 1000)


def _integrity(an):
    d = an.dump
    out = ["Integrity", "  corrupt records: %d" % d.corrupt]
    for line, reason, text in d.samples:
        out.append("    line %d: %s: %s" % (line, reason, printable(text)))
    per_hart = lambda f: ", ".join("hart %d: %d" % (h, f(h)) for h in an.harts)
    out.append("  missing records: %d (%s)" % (d.total_missing(), per_hart(d.missing)))
    out.append("  dropped records (buffer full): %d (%s)"
               % (d.total_dropped(), per_hart(d.dropped)))
    if d.cut_off():
        parts = []
        if d.unended():
            parts.append("no #TRE for hart %s" % ", ".join(map(str, d.unended())))
        if d.absent_harts():
            parts.append("%d of %d harts never appeared" % (d.absent_harts(), d.harts))
        out.append("  dump complete: NO, cut off (%s)" % "; ".join(parts))
    else:
        out.append("  dump complete: yes")
    out += ["  note: " + note for note in an.warnings]
    out += ["  INVARIANT: " + v for v in an.timeline]
    return out


def _hart_table(an):
    out = ["%-8s %10s %10s %10s %7s %10s %6s %8s %11s %10s"
           % ("Harts", "busy ms", "idle ms", "sched ms", "util", "switch-in", "irqs",
              "rq waits", "rq wait us", "rq max us")]
    harts = list(an.harts.values())
    for hs in harts:
        note = "  (timeline ends early: %s)" % hs.ends_early if hs.ends_early else ""
        out.append("%-8s %10s %10s %10s %6.1f%% %10d %6d %8d %11s %10s%s"
                   % ("hart %d" % hs.hart, _ms(an, hs.busy), _ms(an, hs.idle),
                      _ms(an, hs.sched), an.utilisation(hs.hart), hs.switch_ins,
                      sum(hs.irqs.values()), hs.rq_waits, _us(an, hs.rq_wait_total),
                      _us(an, hs.rq_wait_max), note))
    total = lambda f: sum(f(hs) for hs in harts)
    busy, wall = total(lambda hs: hs.busy), total(lambda hs: hs.wall)
    out.append("%-8s %10s %10s %10s %6.1f%% %10d %6d %8d %11s"
               % ("all", _ms(an, busy), _ms(an, total(lambda hs: hs.idle)),
                  _ms(an, total(lambda hs: hs.sched)),
                  100.0 * busy / wall if wall else 0.0,
                  total(lambda hs: hs.switch_ins),
                  total(lambda hs: sum(hs.irqs.values())),
                  total(lambda hs: hs.rq_waits),
                  _us(an, total(lambda hs: hs.rq_wait_total))))
    return out


def _thread_table(an):
    out = ["%-24s %10s %10s %6s %-10s %s" % ("Threads", "run ms", "switch-in", "wakes",
                                            "harts", "state at end")]
    for ts in sorted(an.threads.values(), key=lambda ts: (-ts.run, ts.tid)):
        state = ts.state
        if ts.exit_code is not None:
            state += " (%d)" % ts.exit_code
        out.append("%-24s %10s %10d %6d %-10s %s"
                   % (an.thread_title(ts.tid)[:24], _ms(an, ts.run), len(ts.switch_ins),
                      len(ts.wakes), ranges(ts.harts) or "-", state))
    return out


def _latency_table(an):
    out = ["%-24s %6s %10s %10s %10s" % ("Latency", "n", "p50 us", "p99 us", "max us")]
    for label, values in (("wake-to-run", [x[0] for x in an.wake_latency]),
                          ("preempt-to-run", an.preempt_latency),
                          ("create-to-run", an.create_latency)):
        st = an.latency_stats(values)
        if st:
            out.append("%-24s %6d %10s %10s %10s"
                       % (label, st[0], _us(an, st[1]), _us(an, st[2]), _us(an, st[3])))
        else:
            out.append("%-24s %6d %10s %10s %10s" % (label, 0, "-", "-", "-"))
    pending = sum(len(ts.wakes) for ts in an.threads.values()) - len(an.wake_latency)
    if pending:
        out.append("  (%d wake(s) not followed by a run before the end)" % pending)
    return out


def _syscall_table(an):
    out = ["%-24s %6s %6s %6s %10s %10s" % ("Syscalls", "count", "done", "errors",
                                            "mean us", "max us")]
    for nr in sorted(an.syscalls):
        s = an.syscalls[nr]
        if s.latencies:
            mean = _us(an, sum(s.latencies) / len(s.latencies))
            mx = _us(an, max(s.latencies))
        else:
            mean = mx = "-"
        out.append("%-24s %6d %6d %6d %10s %10s"
                   % ("%d %s" % (nr, an.syscall_name(nr)), s.count, len(s.latencies),
                      s.errors, mean, mx))
    if not an.syscalls:
        out.append("  (none)")
    return out
