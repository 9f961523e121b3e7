#!/usr/bin/env python3
"""Decode Dakota performance traces captured from the serial console.

The command line of the trace tools in tools/schedtrace/ (see its modules:
framing, analysis, summary, perfetto, svg, ftrace, cli); `trace.py --help`.
Importing this file gives the package's functions, as the host tests do.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from schedtrace import *  # noqa: E402,F401,F403  (re-exported for the tests)
from schedtrace.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
