"""Framing: find dumps and records in a console log.

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
"""

import re
import sys

from .events import EVENT_NAMES, MASK64, printable

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
        self._caught_up(line, hart, recorded, "#TRE")

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
        """One marker and its body; returns the dump that follows it."""
        handler = {"B": self._header, "E": self._end, "F": self._flush,
                   "N": self._name}.get(kind, self._record)
        return handler(dump, lineno, body, text)

    def _header(self, dump, lineno, body, text):
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

    def _end(self, dump, lineno, body, text):
        m = TRE_BODY.match(body)
        if m and dump is not None:
            dump.end(lineno, *(int(g) for g in m.groups()))
        else:
            self._bad(dump, lineno, "bad #TRE", text)
        return dump

    def _flush(self, dump, lineno, body, text):
        m = TRE_BODY.match(body)
        if not m:
            self._bad(dump, lineno, "bad #TRF", text)
            return dump
        hart, recorded, dropped = (int(g) for g in m.groups())
        if dump is None or hart in dump.ends:
            dump = self._new_dump(lineno, "missing")
        dump.flush(lineno, hart, recorded, dropped)
        return dump

    def _name(self, dump, lineno, body, text):
        m = TRN_BODY.match(body)
        if m and dump is not None:
            dump.pnames[int(m.group(1))] = printable(m.group(2) or "")
        else:
            self._bad(dump, lineno, "bad #TRN", text)
        return dump

    def _record(self, dump, lineno, body, text):
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
