"""What a trace record means: event types, interrupt causes, system-call
names, and the small formatting helpers every output shares."""

import os
import re

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
                          os.pardir, os.pardir, "include", "dakota", "syscall.h")
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
