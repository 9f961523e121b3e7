#!/usr/bin/env python3
"""Host test of tools/strace, the decoder of the kernel's system-call trace:
a recorded raw log (two threads of a glibc program, a blocked futex wait, a
record that cut a program's line) must decode to exactly these lines."""
import importlib.machinery
import importlib.util
import io
import sys

RAW = r"""dakota: 2 harts online
#SC> 4 0 4 1 dd 15efb 15668 3f006ffe48 8 0 0 s0="/bin/prog"
#SC< 4 0 4 1 dd 0
#SC> 4 0 4 1 dc 3d0f00 3f00000ff0 3f00001000 3f00001200 3f00001000 0
#SC< 4 0 4 1 dc 6
#SC> 4 0 4 1 62 3f00001000 80 2 0 0 0
#SC> 4 1 6 0 62 3f00002000 81 1 0 0 0
#SC< 4 1 6 0 62 1
#SC< 4 0 4 0 62 0
#SC> 4 1 6 0 83 4 6 b 0 0 0
#SC< 4 1 6 0 83 0
partial line#SC> 4 0 4 1 de 0 10000 0 4022 ffffffffffffffff 0
#SC< 4 0 4 1 de 2000010000
#SC> 4 0 4 1 38 ffffffffffffff9c 3f00003000 80000 0 0 0 s1="/etc/ld.so.\x01\"x\""...
#SC< 4 0 4 1 38 fffffffffffffffe
#SC> 4 0 4 1 4d3 1 2 3 4 5 6
#SC< 4 0 4 1 4d3 fffffffffffffe00
#SC> 4 1 6 0 5d 0 0 0 0 0 0
#SC> 4 0 4 1 3f 0 3f00004000 200 0 0 0
"""

WANT = r"""dakota: 2 harts online
[pid 4 tid 0 hart 1] execve("/bin/prog", 0x15668, 0x3f006ffe48) = 0
[pid 4 tid 0 hart 1] clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x3f00000ff0, 0x3f00001000, 0x3f00001200, 0x3f00001000) = 6
[pid 4 tid 0 hart 1] futex(0x3f00001000, FUTEX_WAIT_PRIVATE, 2, NULL) <unfinished ...>
[pid 4 tid 1 ltid 6 hart 0] futex(0x3f00002000, FUTEX_WAKE_PRIVATE, 1) = 1
[pid 4 tid 0 hart 0] <... futex resumed> = 0
[pid 4 tid 1 ltid 6 hart 0] tgkill(4, 6, SIGSEGV) = 0
partial line
[pid 4 tid 0 hart 1] mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x2000010000
[pid 4 tid 0 hart 1] openat(AT_FDCWD, "/etc/ld.so.\x01\"x\""..., O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
[pid 4 tid 0 hart 1] syscall_1235(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ERESTARTSYS
[pid 4 tid 1 ltid 6 hart 0] exit(0) = ?
[pid 4 tid 0 hart 1] read(0, 0x3f00004000, 512) <unfinished ...>
"""


def main():
    path = sys.argv[1]
    loader = importlib.machinery.SourceFileLoader("strace_decoder", path)
    spec = importlib.util.spec_from_loader("strace_decoder", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    out = io.StringIO()
    dec = mod.Decoder(out)
    for line in RAW.splitlines():
        dec.line(line)
    dec.finish()
    got, want = out.getvalue().splitlines(), WANT.splitlines()
    if got == want:
        print("ok: tools/strace decodes the sample exactly")
        return 0
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "(none)"
        w = want[i] if i < len(want) else "(none)"
        print(("   " if g == w else "!! ") + f"got  {g}\n   want {w}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
