#!/usr/bin/env python3
"""Broken and odd ELF files made from a good static program, for exec's
refusal paths (tests/exec/meson.build):

    badelf.py GOOD OUTDIR

GOOD must be exec_stack: ELF64, five program headers, text LOAD in [1],
data LOAD in [2], NOTE in [3], GNU_STACK in [4]. Each output is GOOD with
one defect; the kernel must refuse the bad_* ones with ENOEXEC (and say
why on the console) and run the others:

  bad_trunc_ehdr   the first 40 bytes only: shorter than an ELF header
  bad_trunc_phdrs  cut inside the program headers
  bad_phnum        e_phnum 65535: program headers run past the file
  bad_phoff        e_phoff near 2^64 (an offset + size that wraps)
  bad_seg_filesz   the text segment's file size one byte past the file's end
  bad_seg_offset   the data segment's file offset near 2^64
  bad_seg_memsz    a file size above the memory size
  bad_seg_wrap     the data segment ends past 2^64
  bad_seg_low      the text segment at address 0, below the program area:
                   refused after the image was partly built
  ok_overlap       two more LOAD segments (in place of NOTE and GNU_STACK):
                   a copy of the text segment and a piece inside it, both
                   with the same bytes at the same addresses: runs as GOOD
  bad_entry        e_entry at 0x1000, where nothing is mapped: the exec
                   succeeds and the program dies of SIGSEGV

Python standard library only."""

import os
import struct
import sys

PT_LOAD = 1
PHDR = struct.Struct("<IIQQQQQQ")   # type flags offset vaddr paddr filesz memsz align


def phdr(blob, i):
    phoff = struct.unpack_from("<Q", blob, 32)[0]
    return list(PHDR.unpack_from(blob, phoff + i * PHDR.size)), phoff + i * PHDR.size


def set_phdr(blob, i, fields):
    _, at = phdr(blob, i)
    PHDR.pack_into(blob, at, *fields)


def with_field(blob, i, name, value):
    names = ["type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align"]
    out = bytearray(blob)
    f, _ = phdr(out, i)
    f[names.index(name)] = value
    set_phdr(out, i, f)
    return out


def variants(good):
    text, _ = phdr(good, 1)
    assert text[0] == PT_LOAD and phdr(good, 2)[0][0] == PT_LOAD, "GOOD is not exec_stack"
    v = {}
    v["bad_trunc_ehdr"] = good[:40]
    v["bad_trunc_phdrs"] = good[:64 + PHDR.size + 20]
    v["bad_phnum"] = bytearray(good)
    struct.pack_into("<H", v["bad_phnum"], 56, 0xFFFF)
    v["bad_phoff"] = bytearray(good)
    struct.pack_into("<Q", v["bad_phoff"], 32, 2**64 - 16)
    filesz = len(good) - text[2] + 1
    v["bad_seg_filesz"] = with_field(with_field(good, 1, "filesz", filesz), 1, "memsz", filesz)
    v["bad_seg_offset"] = with_field(good, 2, "offset", 2**64 - 4096)
    v["bad_seg_memsz"] = with_field(good, 2, "memsz", phdr(good, 2)[0][5] - 1)
    v["bad_seg_wrap"] = with_field(with_field(good, 2, "vaddr", 2**64 - 8192), 2, "memsz", 0x3000)
    v["bad_seg_low"] = with_field(good, 1, "vaddr", 0)
    ok = bytearray(good)
    set_phdr(ok, 3, text)
    inner = list(text)
    inner[2] += 0x100
    inner[3] += 0x100
    inner[4] += 0x100
    inner[5] = inner[6] = 0x200
    set_phdr(ok, 4, inner)
    v["ok_overlap"] = ok
    v["bad_entry"] = bytearray(good)
    struct.pack_into("<Q", v["bad_entry"], 24, 0x1000)
    return v


def main():
    good_path, outdir = sys.argv[1:3]
    with open(good_path, "rb") as f:
        good = f.read()
    for name, blob in variants(good).items():
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(bytes(blob))
        os.chmod(path, 0o755)
    return 0


if __name__ == "__main__":
    sys.exit(main())
