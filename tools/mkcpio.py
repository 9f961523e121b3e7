#!/usr/bin/env python3
"""Write a newc ("070701") cpio archive for Dakota's initramfs.

    mkcpio.py -o OUT [--base IN.cpio] [--data NAME=PATH]... FILE...

The archive holds a `bin` directory entry and every FILE as `bin/<basename>`
(mode 0100755), then the `TRAILER!!!` entry. With --base, every entry of
IN.cpio except its trailer comes first, in its order; a FILE whose name is
already there replaces that entry in place.

--data NAME=PATH puts the bytes of PATH into the archive as NAME (mode
0100644; a directory entry for each missing parent comes first), replacing
an entry of that name. tools/run uses it for the first program's arguments
and environment: init/argv and init/envp, each a list of NUL-terminated
strings, which the kernel prefers to the command line's init=.

The data of every program (bin/NAME) starts on a 4096-byte boundary of the
archive: its name is followed by as many NULs as that takes (namesize
counts them; newc allows it, since a name ends at its first NUL, and
`cpio -t` lists the names as usual). The kernel then copies program pages
from the archive a word at a time (a segment's file offset and address are
equal modulo the page size, so source and destination are co-aligned);
with data at any 4-byte offset the copy went byte by byte.

The output depends only on the inputs' names, modes and contents: mtimes
are 0, owners 0, inode numbers count up from 1 in archive order. Python
standard library only.
"""

import argparse
import os
import sys

MAGIC = b"070701"
TRAILER = "TRAILER!!!"
HEADER_LEN = 110          # magic + 13 fields of 8 hex digits
DATA_ALIGN = 4096         # where a program's data starts (see above)
S_IFDIR = 0o040000
S_IFREG = 0o100000


class Entry:
    """One archive member. `fields` keeps a base entry's header fields
    (ino and namesize are recomputed when written)."""

    def __init__(self, name, mode, data=b"", nlink=1, mtime=0, uid=0, gid=0,
                 devmajor=0, devminor=0, rdevmajor=0, rdevminor=0):
        self.name = name
        self.mode = mode
        self.data = data
        self.nlink = nlink
        self.mtime = mtime
        self.uid = uid
        self.gid = gid
        self.dev = (devmajor, devminor, rdevmajor, rdevminor)


def pad4(n):
    return (4 - n % 4) % 4


def read_archive(path):
    """Every entry of a newc archive up to (not including) its trailer."""
    with open(path, "rb") as f:
        blob = f.read()
    entries = []
    pos = 0
    while True:
        if pos + HEADER_LEN > len(blob):
            raise SystemExit(f"mkcpio: {path}: truncated archive (no trailer)")
        hdr = blob[pos:pos + HEADER_LEN]
        if hdr[:6] not in (b"070701", b"070702"):
            raise SystemExit(f"mkcpio: {path}: bad magic at offset {pos}")
        try:
            v = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        except ValueError:
            raise SystemExit(f"mkcpio: {path}: bad header at offset {pos}")
        (_ino, mode, uid, gid, nlink, mtime, filesize,
         devmajor, devminor, rdevmajor, rdevminor, namesize, _check) = v
        name_start = pos + HEADER_LEN
        name = blob[name_start:name_start + namesize].rstrip(b"\0").decode("utf-8", "surrogateescape")
        data_start = name_start + namesize
        data_start += pad4(data_start)
        data = blob[data_start:data_start + filesize]
        if len(data) != filesize:
            raise SystemExit(f"mkcpio: {path}: truncated data for {name}")
        pos = data_start + filesize
        pos += pad4(pos)
        if name == TRAILER:
            return entries
        entries.append(Entry(name, mode, data, nlink, mtime, uid, gid,
                             devmajor, devminor, rdevmajor, rdevminor))


def aligned_data(entry):
    """True for the entries whose data starts on a DATA_ALIGN boundary."""
    return entry.name.startswith("bin/") and entry.mode & 0o170000 == S_IFREG and entry.data


def encode(entry, ino, offset=None):
    """The entry's bytes. With offset (where the entry will start in the
    archive), a program's name is padded with NULs so that its data starts
    on a DATA_ALIGN boundary."""
    name = entry.name.encode("utf-8", "surrogateescape") + b"\0"
    if offset is not None and aligned_data(entry):
        name_end = offset + HEADER_LEN + len(name)
        name += b"\0" * (-name_end % DATA_ALIGN)
    fields = [ino, entry.mode, entry.uid, entry.gid, entry.nlink, entry.mtime,
              len(entry.data), *entry.dev, len(name), 0]
    out = bytearray(MAGIC)
    for v in fields:
        out += b"%08X" % v
    out += name
    out += b"\0" * pad4(len(out))
    out += entry.data
    out += b"\0" * pad4(len(out))
    return bytes(out)


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise SystemExit(f"mkcpio: {path}: {e.strerror}")


def put(entries, index, entry):
    """Adds entry, or replaces the entry of the same name in place."""
    if entry.name in index:
        entries[index[entry.name]] = entry
    else:
        index[entry.name] = len(entries)
        entries.append(entry)


def build(base, files, data=()):
    entries = read_archive(base) if base else []
    index = {e.name: i for i, e in enumerate(entries)}
    if "bin" not in index:
        entries.insert(0, Entry("bin", S_IFDIR | 0o755, nlink=2))
        index = {e.name: i for i, e in enumerate(entries)}
    for path in files:
        put(entries, index, Entry("bin/" + os.path.basename(path), S_IFREG | 0o755,
                                  read_file(path)))
    for name, path in data:
        parts = name.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent not in index:
                put(entries, index, Entry(parent, S_IFDIR | 0o755, nlink=2))
        put(entries, index, Entry(name, S_IFREG | 0o644, read_file(path)))
    entries.append(Entry(TRAILER, 0, nlink=1))
    blob = bytearray()
    for ino, e in enumerate(entries, start=1):
        blob += encode(e, 0 if e.name == TRAILER else ino, len(blob))
    return bytes(blob)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a newc cpio initramfs: bin/<basename> for each FILE.")
    ap.add_argument("-o", "--output", required=True, metavar="OUT")
    ap.add_argument("--base", metavar="IN.cpio", help="copy this archive's entries first")
    ap.add_argument("--data", action="append", default=[], metavar="NAME=PATH",
                    help="put the bytes of PATH into the archive as NAME (mode 0644)")
    ap.add_argument("files", nargs="*", metavar="FILE")
    args = ap.parse_args(argv)
    data = []
    for item in args.data:
        name, sep, path = item.partition("=")
        name = name.strip("/")
        if not sep or not name or not path or ".." in name.split("/"):
            ap.error(f"--data {item}: expected NAME=PATH")
        data.append((name, path))
    blob = build(args.base, args.files, data)
    # Write then rename, so a reader never sees half an archive.
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
