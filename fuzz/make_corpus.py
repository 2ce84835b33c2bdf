#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/corpus/NAME/.

Usage: fuzz/make_corpus.py   (from anywhere; rewrites the seed files it owns, all named seed-*)

Every seed is made here, from nothing: the key logs' secrets are SHA-256 hashes of fixed
strings, the core files are assembled field by field, the /proc texts follow the kernel's
formats with invented addresses and names. For each parser: a few valid inputs that reach
its features, and invalid ones that stop at each of its checks. Files the fuzzers found
(crash reproducers, named crash-*, leak-*, timeout-*) are left alone.
"""

import hashlib
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, "seed-" + name), "wb") as f:
        f.write(data)


def fake_bytes(label, n):
    """n bytes that look random, the same every run."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (label, counter)).encode()).digest()
        counter += 1
    return out[:n]


# ---- key_log: NSS key log lines "LABEL CLIENT_RANDOM SECRET" ----

TLS13_LABELS = [
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EARLY_EXPORTER_SECRET",
    "EXPORTER_SECRET",
]


def key_log_line(label, connection, secret_size):
    client_random = fake_bytes("random/%s" % connection, 32).hex()
    secret = fake_bytes("secret/%s/%s" % (connection, label), secret_size).hex()
    return "%s %s %s\n" % (label, client_random, secret)


def key_logs():
    write("key_log", "tls13_sha256", "".join(key_log_line(l, "a", 32) for l in TLS13_LABELS))
    write("key_log", "tls13_sha384", "".join(key_log_line(l, "b", 48) for l in TLS13_LABELS))
    write("key_log", "tls12", key_log_line("CLIENT_RANDOM", "c", 48))
    # secretmode's extension: the server random completes a TLS 1.2 connection's line.
    write("key_log", "tls12_server_random",
          key_log_line("SECRETMODE_SERVER_RANDOM", "g", 32) + key_log_line("CLIENT_RANDOM", "g", 48))
    # Comments, blank lines, CRLF, tabs and runs of spaces, a line repeated (as both peers log).
    line = key_log_line("SERVER_TRAFFIC_SECRET_0", "d", 32)
    mixed = ("# SSL/TLS secrets log file\n\n" + line.replace(" ", "\t  ", 1) +
             line.replace("\n", "\r\n") + "   \n  # indented comment\n" + line.rstrip("\n"))
    write("key_log", "comments_crlf_repeats", mixed)
    label, client_random, secret = key_log_line("CLIENT_RANDOM", "e", 48).split()
    write("key_log", "uppercase_hex", "%s %s %s\n" % (label, client_random.upper(), secret.upper()))
    write("key_log", "empty", "")
    good = key_log_line("CLIENT_TRAFFIC_SECRET_0", "f", 32)
    label, client_random, secret = good.split()
    write("key_log", "bad_field_count", "%s %s\n" % (label, client_random))
    write("key_log", "bad_extra_field", "%s %s %s extra\n" % (label, client_random, secret))
    write("key_log", "bad_label", "SERVER_TRAFFIC_SECRET_1 %s %s\n" % (client_random, secret))
    write("key_log", "bad_odd_hex", "%s %s %s\n" % (label, client_random, secret[:-1]))
    write("key_log", "bad_hex_digit", "%s %s %sg\n" % (label, client_random, secret[:-1]))
    write("key_log", "bad_random_size", "%s %s %s\n" % (label, client_random[:62], secret))
    write("key_log", "bad_secret_size", "%s %s %s\n" % (label, client_random, secret[:40]))
    write("key_log", "bad_master_size", "CLIENT_RANDOM %s %s\n" % (client_random, secret))
    write("key_log", "bad_second_line", good + "garbage\n")
    write("key_log", "binary", bytes(range(256)))


# ---- core_file: ELF64 little-endian x86-64 core files ----

PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W, PF_R = 1, 2, 4
NT_PRSTATUS, NT_FPREGSET, NT_PRPSINFO = 1, 2, 3
NT_X86_XSTATE = 0x202
NT_FILE = 0x46494C45

# The needles core_file_fuzzer.cc searches for.
IV = b"FUZZ-IV-0123"
KEY = b"KEYSCAN-FUZZ-KEY"
SECRET = b"KEYSCAN-FUZZ-SECRET-0123456789ab"


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def note(name, note_type, desc):
    name = name + b"\0"
    return struct.pack("<III", len(name), len(desc), note_type) + pad4(name) + pad4(desc)


def prstatus(tid, rsp, extra=b""):
    """struct elf_prstatus (336 bytes): pr_pid at 32, user_regs_struct at 112 (rsp is 19th)."""
    desc = bytearray(336)
    struct.pack_into("<I", desc, 32, tid)
    struct.pack_into("<Q", desc, 112 + 19 * 8, rsp)
    desc[112:112 + len(extra)] = extra  # r15, r14, ...: a key left in registers
    return note(b"CORE", NT_PRSTATUS, bytes(desc))


def prpsinfo(pid):
    desc = bytearray(136)
    struct.pack_into("<I", desc, 24, pid)
    return note(b"CORE", NT_PRPSINFO, bytes(desc))


def fpregset():
    desc = bytearray(512)
    desc[160 + 16 * 5:160 + 16 * 5 + 16] = KEY  # xmm5
    return note(b"CORE", NT_FPREGSET, bytes(desc))


def xstate(size=2688, xstate_bv=0xE7):
    """An XSAVE area in the standard layout; ymm3 holds SECRET split in its two halves."""
    desc = bytearray(size)
    desc[160 + 16 * 3:160 + 16 * 4] = SECRET[:16]  # xmm3
    struct.pack_into("<Q", desc, 512, xstate_bv)
    if size >= 576 + 256:
        desc[576 + 16 * 3:576 + 16 * 4] = SECRET[16:]  # ymm3 bits 128-255
    if size >= 1664 + 1024:
        desc[1664:1664 + 16] = KEY  # zmm16
    return note(b"LINUX", NT_X86_XSTATE, bytes(desc))


def nt_file(entries, page_size=4096):
    desc = struct.pack("<QQ", len(entries), page_size)
    for start, end, _ in entries:
        desc += struct.pack("<QQQ", start, end, 0)
    for _, _, path in entries:
        desc += path + b"\0"
    return note(b"CORE", NT_FILE, desc)


def core(notes, segments, machine=62, e_type=4, phnum=None, shdr_count=None):
    """segments: (vaddr, memsz, flags, bytes dumped); notes: the PT_NOTE's contents."""
    phdrs_count = (1 if notes else 0) + len(segments)
    phoff = 64
    data_at = phoff + 56 * phdrs_count
    phdrs = b""
    body = b""
    if notes:
        phdrs += struct.pack("<IIQQQQQQ", PT_NOTE, 0, data_at, 0, 0, len(notes), 0, 4)
        body += notes
    for vaddr, memsz, flags, dumped in segments:
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, flags, data_at + len(body), vaddr, 0,
                             len(dumped), memsz, 4096)
        body += dumped
    shoff = 0
    shdrs = b""
    if shdr_count is not None:  # PN_XNUM: the real count in section header 0's sh_info
        shoff = data_at + len(body)
        shdrs = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, shdr_count, 0, 0)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header = ident + struct.pack("<HHIQQQIHHHHHH", e_type, machine, 1, 0, phoff, shoff, 0, 64, 56,
                                 phdrs_count if phnum is None else phnum,
                                 64 if shdrs else 0, 1 if shdrs else 0, 0)
    return header + phdrs + body + shdrs


def with_needle(size, offset, needle, label):
    data = bytearray(fake_bytes(label, size))
    data[offset:offset + len(needle)] = needle
    return bytes(data)


def core_files():
    code = (0x400000, 0x100, PF_R | PF_X, with_needle(0x100, 0x40, IV, "code"))
    heap = (0x600000, 0x100, PF_R | PF_W, with_needle(0x100, 0x10, KEY, "heap"))
    # Two adjacent stack segments with SECRET across their boundary.
    stack_low = (0x7FFD0000, 0x100, PF_R | PF_W, with_needle(0x100, 0x100 - 12, SECRET[:12], "s1"))
    stack_high = (0x7FFD0100, 0x100, PF_R | PF_W, SECRET[12:] + fake_bytes("s2", 0x100 - 20))
    thread_stack = (0x7F000000, 0x80, PF_R | PF_W, with_needle(0x80, 0x20, IV, "t"))
    not_dumped = (0x7E000000, 0x10000, PF_R | PF_W, b"")  # MADV_DONTDUMP memory
    notes = (prpsinfo(4242) + prstatus(4242, 0x7FFD0080, extra=KEY) + fpregset() + xstate() +
             prstatus(4243, 0x7F000040) + xstate(576) +
             nt_file([(0x400000, 0x400100, b"/usr/bin/fuzzed"),
                      (0x500000, 0x501000, b"/tmp/a file with spaces")]))
    segments = [code, heap, stack_low, stack_high, thread_stack, not_dumped]
    write("core_file", "full", core(notes, segments))
    write("core_file", "minimal", core(b"", [heap]))
    write("core_file", "no_prpsinfo_avx_only",
          core(prstatus(7, 0x600020) + xstate(1152, 0x07), [heap, code]))
    write("core_file", "pn_xnum", core(prstatus(9, 0x600010), [heap], phnum=0xFFFF, shdr_count=2))
    write("core_file", "aarch64", core(prstatus(11, 0) + xstate(), [heap], machine=183))
    # Not the kernel's: segments that overlap, with different bytes for the same addresses.
    shifted = (0x7FFD0001, 0x100, PF_R | PF_W, with_needle(0x100, 0x20, KEY, "shifted"))
    write("core_file", "overlapping_segments", core(prstatus(12, 0x7FFD0010), [stack_low, shifted]))
    # Invalid: one per check of the reader.
    full = core(notes, segments)
    write("core_file", "bad_empty", b"")
    write("core_file", "bad_not_elf", b"\x7fELG" + full[4:64])
    write("core_file", "bad_elf32", full[:4] + b"\x01" + full[5:])
    write("core_file", "bad_big_endian", full[:5] + b"\x02" + full[6:])
    write("core_file", "bad_header_truncated", full[:40])
    write("core_file", "bad_executable", core(b"", [heap], e_type=2))
    write("core_file", "bad_phdrs_truncated", full[:64 + 56 * 3 + 10])
    write("core_file", "bad_phentsize", full[:54] + struct.pack("<H", 32) + full[56:])
    write("core_file", "bad_segment_truncated", full[:-100])
    write("core_file", "bad_no_load", core(prstatus(1, 0), []))
    write("core_file", "bad_filesz_above_memsz", core(b"", [(0x600000, 0x10, PF_R, b"x" * 0x20)]))
    bad_note = bytearray(note(b"CORE", NT_PRSTATUS, bytes(336)))
    struct.pack_into("<I", bad_note, 4, 4096)  # n_descsz past the segment
    write("core_file", "bad_note_past_segment", core(bytes(bad_note), [heap]))
    write("core_file", "bad_prstatus_small", core(note(b"CORE", NT_PRSTATUS, bytes(100)), [heap]))
    bad_file = bytearray(nt_file([(0x400000, 0x400100, b"/usr/bin/fuzzed")]))
    struct.pack_into("<Q", bad_file, 12 + 8, 1000)  # count
    write("core_file", "bad_nt_file_count", core(bytes(bad_file), [heap]))
    unterminated = nt_file([(0x400000, 0x400100, b"/x")])
    write("core_file", "bad_nt_file_unterminated",
          core(unterminated[:-4] + b"/xyz", [heap]))
    write("core_file", "bad_xnum_no_section_header", core(b"", [heap], phnum=0xFFFF))


# ---- proc_maps and smaps_vm_flags: /proc/PID/maps and /proc/PID/smaps ----

MAPS = [
    ("55d0c0a00000-55d0c0a21000", "r--p", "00000000", "08:01", "1234567", "/usr/bin/fuzzed"),
    ("55d0c0a21000-55d0c0a90000", "r-xp", "00021000", "08:01", "1234567", "/usr/bin/fuzzed"),
    ("55d0c1b00000-55d0c1b21000", "rw-p", "00000000", "00:00", "0", "[heap]"),
    ("7f0000000000-7f0000021000", "rw-p", "00000000", "00:00", "0", ""),
    ("7f0000021000-7f0004000000", "---p", "00000000", "00:00", "0", ""),
    ("7f0010000000-7f0010100000", "rw-p", "00000000", "00:00", "0", "[anon:arena]"),
    ("7f1000000000-7f1000001000", "rw-s", "00000000", "00:05", "99", "/dev/shm/a b (deleted)"),
    ("7f2000000000-7f2000001000", "rw-s", "00000000", "00:06", "5", "/dev/dri/card0"),
    ("7ffd00000000-7ffd00021000", "rw-p", "00000000", "00:00", "0", "[stack]"),
    ("7ffd000fe000-7ffd00100000", "r--p", "00000000", "00:00", "0", "[vvar]"),
    ("7ffd00100000-7ffd00102000", "r-xp", "00000000", "00:00", "0", "[vdso]"),
    ("ffffffffff600000-ffffffffff601000", "--xp", "00000000", "00:00", "0", "[vsyscall]"),
]


def maps_line(fields):
    addresses, perms, offset, dev, inode, name = fields
    line = "%s %s %s %s %s" % (addresses, perms, offset, dev, inode)
    # The kernel pads to column 73 before a name and leaves a space after an unnamed one.
    return (line.ljust(72) + " " + name if name else line + " ") + "\n"


SMAPS_KEYS = ["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Shared_Clean",
              "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous",
              "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
              "Private_Hugetlb", "Swap", "SwapPss", "Locked"]


def smaps_block(fields, rss_kb, flags):
    text = maps_line(fields)
    for key in SMAPS_KEYS:
        text += "%-16s%8d kB\n" % (key + ":", rss_kb if key in ("Rss", "Pss") else 0)
    text += "THPeligible:    0\n"
    return text + "VmFlags: " + " ".join(flags) + " \n"


def maps_files():
    write("proc_maps", "typical", "".join(maps_line(f) for f in MAPS))
    write("proc_maps", "unsorted", "".join(maps_line(f) for f in reversed(MAPS)))
    write("proc_maps", "no_final_newline", "".join(maps_line(f) for f in MAPS[:3]).rstrip("\n"))
    write("proc_maps", "empty", "")
    write("proc_maps", "bad_hex", "55d0c0a0zzzz-55d0c0a21000 r--p 00000000 08:01 1 /x\n")
    write("proc_maps", "bad_no_dash", "55d0c0a00000 55d0c0a21000 r--p 00000000 08:01 1 /x\n")
    write("proc_maps", "bad_end_below_start", "2000-1000 rw-p 00000000 00:00 0\n")
    write("proc_maps", "bad_perms", "1000-2000 rw 00000000 00:00 0\n")
    write("proc_maps", "bad_overflow", "1000-100000000000000000 rw-p 00000000 00:00 0\n")
    write("proc_maps", "bad_empty_line", maps_line(MAPS[0]) + "\n" + maps_line(MAPS[1]))
    write("proc_maps", "bad_leading_space", " " + maps_line(MAPS[2]))

    anon, arena, stack = MAPS[3], MAPS[5], MAPS[8]
    secret_stack = ("7f3000000000-7f3000100000", "rw-p", "00000000", "00:00", "0", "")
    blocks = [
        smaps_block(MAPS[0], 132, ["rd", "mr", "mw", "me", "sd"]),
        smaps_block(MAPS[2], 64, ["rd", "wr", "mr", "mw", "me", "ac", "sd"]),
        smaps_block(anon, 12, ["rd", "wr", "mr", "mw", "me", "ac", "sd"]),
        smaps_block(arena, 1024, ["rd", "wr", "mr", "mw", "me", "ac", "sd", "dd"]),
        smaps_block(secret_stack, 8, ["rd", "wr", "mr", "mw", "me", "ac", "sd", "dd", "wf"]),
        smaps_block(stack, 132, ["rd", "wr", "mr", "mw", "me", "gd", "ac"]),
        smaps_block(MAPS[9], 0, ["rd", "mr", "pf", "io", "de", "dd", "sd"]),
    ]
    write("smaps_vm_flags", "typical", "".join(blocks))
    write("smaps_vm_flags", "no_vm_flags", maps_line(anon) + "Rss:                 4 kB\n")
    write("smaps_vm_flags", "empty_vm_flags", maps_line(anon) + "VmFlags:\n")
    write("smaps_vm_flags", "keys_before_first_mapping",
          "Rss: 4 kB\nVmFlags: dd wf\n" + maps_line(anon))
    write("smaps_vm_flags", "rss_overflow", maps_line(anon) + "Rss: 99999999999999999999999 kB\n")
    write("smaps_vm_flags", "rss_missing_value", maps_line(anon) + "Rss:\n" + maps_line(stack))
    write("smaps_vm_flags", "anon_named_dontdump", smaps_block(
        ("7f4000000000-7f4000001000", "rw-p", "00000000", "00:00", "0", "[anon:secret]"), 4,
        ["rd", "wr", "dd"]))


# ---- syscall_line: /proc/PID/task/TID/syscall ----

def syscall_lines():
    write("syscall_line", "in_syscall",
          "202 0x7f0000001000 0x80 0x1 0x0 0x0 0x0 0x7ffd00001f00 0x7f0000045678\n")
    write("syscall_line", "blocked", "-1 0x7ffd00002000 0x55d0c0a21234\n")
    write("syscall_line", "running", "running\n")
    write("syscall_line", "no_newline", "0 0x3 0x7f 0x10 0x0 0x0 0x0 0x7ffd00003000 0x7f00000abcd")
    write("syscall_line", "bad_zero_sp", "-1 0x0 0x0\n")
    write("syscall_line", "bad_too_many_fields", "1 2 3 4 5 6 7 8 9 10\n")
    write("syscall_line", "bad_not_hex", "-1 zz 0x1\n")
    write("syscall_line", "empty", "")


# ---- secret_config: SECRETMODE_* environment variables ----

def configs():
    write("secret_config", "all_valid",
          "SECRETMODE_STACK_SIZE=2M\nSECRETMODE_SIGNAL_STACK_SIZE=128k\n"
          "SECRETMODE_ARENA_SIZE=1G\nSECRETMODE_MLOCK=0\nSECRETMODE_DONTDUMP=1\n")
    write("secret_config", "bytes_and_bounds",
          "SECRETMODE_STACK_SIZE=16384\nSECRETMODE_SIGNAL_STACK_SIZE=16M\n"
          "SECRETMODE_ARENA_SIZE=1048576M\n")
    write("secret_config", "none", "")
    write("secret_config", "bad_values",
          "SECRETMODE_STACK_SIZE=1T\nSECRETMODE_SIGNAL_STACK_SIZE= 64K\n"
          "SECRETMODE_ARENA_SIZE=99999999999999999999G\nSECRETMODE_MLOCK=yes\n"
          "SECRETMODE_DONTDUMP=\n")
    write("secret_config", "bad_out_of_range",
          "SECRETMODE_STACK_SIZE=15K\nSECRETMODE_SIGNAL_STACK_SIZE=17M\n"
          "SECRETMODE_ARENA_SIZE=63M\nSECRETMODE_MLOCK=2\nSECRETMODE_DONTDUMP=-1\n")
    write("secret_config", "bad_signs_and_bases",
          "SECRETMODE_STACK_SIZE=+1M\nSECRETMODE_ARENA_SIZE=0x4000000000\n"
          "SECRETMODE_SIGNAL_STACK_SIZE=64KB\nSECRETMODE_STACK_SIZE=17179869184G\n")


# ---- shim_levels: SECRETMODE_SHIM_LEVELS ----

def shim_levels():
    for text in ["libssl,libcrypto", "libssl", "libcrypto", "none", "libcrypto,libssl"]:
        write("shim_levels", text.replace(",", "_"), text)
    for name, text in [("bad_empty", ""),
                       ("bad_leading_comma", ",libssl"), ("bad_double_comma", "libssl,,libcrypto"),
                       ("bad_case", "NONE"), ("bad_name", "libsssl"),
                       ("bad_none_and_name", "none,libssl"), ("bad_space", "libssl, libcrypto")]:
        write("shim_levels", name, text)


def main():
    key_logs()
    core_files()
    maps_files()
    syscall_lines()
    configs()
    shim_levels()


if __name__ == "__main__":
    main()
