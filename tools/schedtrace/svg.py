"""The SVG timeline: one row per hart, each run a bar in its thread's colour,
idle hatched grey, holes without data hatched red; a time axis, a legend of
threads by run time, and a footer that says whether the data is complete."""

import colorsys
import math
from xml.sax.saxutils import escape as xml_escape

from .analysis import IDLE, NODATA, SCHED
from .events import thread_label
from .summary import integrity_lines

# Distinct colours for the first few threads, in the order of thread_colour's
# numbering: (1:1), (2:1), (1:2), (3:1), (2:2), (1:3), ...
PALETTE = ("#3b75af", "#e8832a", "#3a9a4a", "#c8403a", "#8c62b8", "#8c5a46",
           "#d966b0", "#17a2b8", "#a8a22a", "#2f4b7c", "#e0a526", "#6ab04c")

WIDTH, LEFT, RIGHT, TOP = 1200, 110, 20, 56
PLOT_W = WIDTH - LEFT - RIGHT
ROW_H, ROW_GAP = 26, 10
LEGEND_COLS = 3

PATTERNS = (
    '<defs><pattern id="idle" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#a8a8a8" stroke-width="2"/></pattern>'
    '<pattern id="nodata" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(-45)"><rect width="8" height="8" fill="#fff4f4"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#e8a0a0" stroke-width="1"/></pattern>'
    '</defs>')


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
    pic = _Picture(an)
    pic.header(dump_count)
    pic.axis()
    for i, h in enumerate(pic.harts):
        pic.hart_row(TOP + i * (ROW_H + ROW_GAP), h)
    pic.legend()
    pic.footer()
    pic.w('</svg>')
    return "\n".join(pic.out) + "\n"


class _Picture:
    """The geometry of one picture, and the SVG lines written so far."""

    def __init__(self, an):
        self.an = an
        self.out = []
        self.harts = list(an.harts)
        self.wall = max(an.wall, 1)
        self.wall_us = an.ticks_us(self.wall)
        self.axis_y = TOP + len(self.harts) * (ROW_H + ROW_GAP) + 2
        threads = sorted(an.threads.values(), key=lambda ts: (-ts.run, ts.tid))
        self.shown = [ts for ts in threads if ts.run > 0 or ts.switch_ins]
        self.legend_top = self.axis_y + 44
        legend_rows = (len(self.shown) + 3 + LEGEND_COLS - 1) // LEGEND_COLS
        self.footer_top = self.legend_top + legend_rows * 18 + 14
        self.problems = integrity_lines(an)
        self.height = self.footer_top + 16 * max(1, len(self.problems)) + 10

    def w(self, line):
        self.out.append(line)

    def x(self, t):
        return LEFT + (t - self.an.t0) * PLOT_W / self.wall

    def header(self, dump_count):
        an, height = self.an, self.height
        self.w('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
               'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
               % (WIDTH, height, WIDTH, height))
        self.w(PATTERNS)
        self.w('<rect width="100%" height="100%" fill="white"/>')
        n = len(self.harts)
        title = "Dakota trace: %d hart%s, %.3f ms" % (n, "" if n == 1 else "s",
                                                      self.wall_us / 1000)
        if dump_count > 1:
            title += " (dump %d of %d)" % (an.dump.index, dump_count)
        self.w('<text x="%d" y="24" font-size="16" font-weight="bold">%s</text>'
               % (LEFT, xml_escape(title)))
        self.w('<text x="%d" y="42" fill="#555">busy: coloured by thread; idle: grey '
               'hatched; scheduler: light background</text>' % LEFT)

    def axis(self):
        wall_us, axis_y = self.wall_us, self.axis_y
        step = nice_step(wall_us)
        tick = 0.0
        while tick <= wall_us + 1e-9:
            tx = LEFT + tick / wall_us * PLOT_W if wall_us else LEFT
            self.w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                   % (tx, TOP - 6, tx, axis_y + 4))
            self.w('<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>'
                   % (tx, axis_y + 18, time_label(tick, step)))
            tick += step
        self.w('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>'
               % (LEFT, axis_y, LEFT + PLOT_W, axis_y))
        self.w('<text x="%d" y="%d" text-anchor="end" fill="#333">time</text>'
               % (LEFT - 30, axis_y + 18))

    def hart_row(self, y, h):
        an, hs = self.an, self.an.harts[h]
        self.w('<text x="%d" y="%d" text-anchor="end" font-weight="bold">hart %d</text>'
               % (LEFT - 8, y + 12, h))
        self.w('<text x="%d" y="%d" text-anchor="end" fill="#555" font-size="10">'
               '%.1f%% busy</text>' % (LEFT - 8, y + 24, an.utilisation(h)))
        self.w('<rect x="%d" y="%d" width="%d" height="%d" fill="#f6f6f6" stroke="#ccc"/>'
               % (LEFT, y, PLOT_W, ROW_H))
        if hs.end < an.t_end:
            self.w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#nodata)">'
                   '<title>no data: %s</title></rect>'
                   % (self.x(hs.end), y, self.x(an.t_end) - self.x(hs.end), ROW_H,
                      xml_escape(hs.ends_early or "")))
        segs = [s for s in an.segments if s.hart == h]
        for seg in sorted(segs, key=lambda s: s.start):
            if seg.kind != SCHED and seg.dur > 0:
                self.segment(y, h, seg)

    def segment(self, y, h, seg):
        an = self.an
        x0, x1 = self.x(seg.start), self.x(seg.end)
        span = "%.1f-%.1f us (%.1f us)" % (an.ticks_us(seg.start - an.t0),
                                           an.ticks_us(seg.end - an.t0),
                                           an.ticks_us(seg.dur))
        if seg.kind == IDLE:
            self.w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#idle)">'
                   '<title>idle %s</title></rect>' % (x0, y, max(x1 - x0, 0.3), ROW_H, span))
        elif seg.kind == NODATA:
            self.w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="url(#nodata)">'
                   '<title>no data %s: %s</title></rect>'
                   % (x0, y, max(x1 - x0, 0.3), ROW_H, span, xml_escape(seg.began)))
        elif x1 - x0 < 1:                # too thin to point at: no tooltip
            self.w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"/>'
                   % (x0, y, max(x1 - x0, 0.5), ROW_H, thread_colour(seg.thread)))
        else:
            self.run_bar(y, h, seg, x0, x1, span)

    def run_bar(self, y, h, seg, x0, x1, span):
        label = self.an.thread_title(seg.thread)
        self.w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s">'
               '<title>%s on hart %d: %s%s</title></rect>'
               % (x0, y, x1 - x0, ROW_H, thread_colour(seg.thread),
                  xml_escape(label), h, span, ", " + seg.ended if seg.ended else ""))
        text = thread_label(seg.thread)
        if x1 - x0 > 7 * len(text) + 6:
            self.w('<text x="%.2f" y="%d" fill="white" font-size="11" '
                   'pointer-events="none">%s</text>' % (x0 + 3, y + 17, xml_escape(text)))

    def legend(self):
        """Threads by run time, then the background kinds."""
        an = self.an
        col_w = (WIDTH - LEFT - RIGHT) // LEGEND_COLS
        entries = [(thread_colour(ts.tid), "%s: %.3f ms, %d run%s"
                    % (an.thread_title(ts.tid), an.ticks_us(ts.run) / 1000,
                       len(ts.switch_ins), "" if len(ts.switch_ins) == 1 else "s"))
                   for ts in self.shown]
        entries += [("url(#idle)", "idle (waiting for an interrupt)"),
                    ("#f6f6f6", "scheduler / switching"),
                    ("url(#nodata)", "no data (records dropped or dump cut off)")]
        self.w('<text x="%d" y="%d" font-weight="bold">threads</text>'
               % (LEFT - 8 - 60, self.legend_top + 11))
        for i, (fill, text) in enumerate(entries):
            cx = LEFT + (i % LEGEND_COLS) * col_w
            cy = self.legend_top + (i // LEGEND_COLS) * 18
            self.w('<rect x="%d" y="%d" width="14" height="12" fill="%s" stroke="#999"/>'
                   % (cx, cy, fill))
            self.w('<text x="%d" y="%d">%s</text>' % (cx + 20, cy + 11, xml_escape(text[:48])))

    def footer(self):
        for i, line in enumerate(self.problems):
            colour = "#b00" if line.startswith("!") else "#555"
            self.w('<text x="%d" y="%d" fill="%s">%s</text>'
                   % (LEFT, self.footer_top + 12 + 16 * i, colour,
                      xml_escape(line.lstrip("! "))))
