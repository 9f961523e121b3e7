"""Dakota's scheduler-trace tools: decode the #TR lines a traced boot prints
on the console (framing), rebuild what every hart did (analysis), and write
it out as a text summary, Perfetto JSON, an SVG timeline or Linux ftrace
text. tools/trace.py is the command line (cli)."""

from .analysis import IDLE, NODATA, RUN, SCHED, Analysis
from .cli import check_log, main
from .events import load_syscall_names, thread_label
from .framing import Log, parse_log, read_log
from .ftrace import ftrace_text
from .perfetto import chrome_trace
from .summary import integrity_lines, summary
from .svg import render_svg, thread_colour
