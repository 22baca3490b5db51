#!/usr/bin/python3
"""Write a RAR 4.x or RAR 5.0 archive of stored (uncompressed) members.

usage: mkrar.py -4|-5 [-c COMMENT] OUT PATH...

Run from the directory that holds the PATHs, as with zip: each PATH is
stored under its relative name; a directory gets a member of its own and
its contents follow, in byte order.  -c keeps COMMENT as the archive's
comment, stored in a service header named "CMT" as RAR 3 and later write
it (type 0x7a in RAR 4, type 3 in RAR 5).  No free tool writes RAR, so
the tests make their archives here and check them with independent
readers (unar, python3-rarfile) before giving them to lf-extract.

RAR 4.x follows "RAR version 4.x - Technical information" (technote.txt,
shipped with RAR 4): a marker block "Rar!\\x1a\\x07\\x00", an archive
header (type 0x73), a file header (type 0x74) per member followed by its
bytes, and an end of archive header (type 0x7b).  Each header starts with
HEAD_CRC, the low 16 bits of the CRC-32 of the header from HEAD_TYPE on.
Members are stored (METHOD 0x30) as WinRAR writes them on Windows: host
OS Win32, DOS attributes, the extended time (flag 0x1000), "\\" between
path components, and a name that is not ASCII in the encoded Unicode form
(flag 0x200: an 8-bit name, a NUL, then the UTF-16 name, here every
character in the form "2", two bytes).

RAR 5.0 follows "RAR 5.0 archive format" (technote.htm on rarlab.com): the
signature "Rar!\\x1a\\x07\\x01\\x00", a main archive header (type 1), a file
header (type 2) per member followed by its bytes, and an end of archive
header (type 5).  Each header is CRC-32 (of the rest of the header), then
its size and fields as vints (7 bits a byte, low first).  Members are
stored (compression method 0), host OS Windows, UTF-8 names with "/",
with their CRC-32 and modification time.
"""
import os
import struct
import sys
import zlib

DOS_TIME = 0x5A2E6000  # 2025-01-14 12:00:00 in MS-DOS form
UNIX_TIME = 1736856000  # the same, in seconds since 1970
ATTR_FILE, ATTR_DIR = 0x20, 0x10


def members(paths):
    """(name, data or None for a directory) for each PATH, recursively."""
    out = []
    for p in paths:
        p = os.path.normpath(p)
        if os.path.isdir(p):
            out.append((p, None))
            sub = sorted(os.listdir(p), key=os.fsencode)
            out.extend(members([os.path.join(p, s) for s in sub]))
        else:
            with open(p, "rb") as f:
                out.append((p, f.read()))
    return out


# ---- RAR 4.x ----

def rar4_header(htype, flags, body):
    """A RAR 4 block header: HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE."""
    rest = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
    return struct.pack("<H", zlib.crc32(rest) & 0xFFFF) + rest


def rar4_name(name):
    """The FILE_NAME field and whether it needs flag 0x200 (Unicode)."""
    wname = name.replace("/", "\\")
    try:
        return wname.encode("ascii"), False
    except UnicodeEncodeError:
        pass
    plain = wname.encode("cp1252", errors="replace")
    utf16 = wname.encode("utf-16-le")
    enc = bytearray([0])  # the high byte, unused by form 2
    units = [utf16[i:i + 2] for i in range(0, len(utf16), 2)]
    for i in range(0, len(units), 4):
        enc.append(0xAA)  # four characters in form 2
        for u in units[i:i + 4]:
            enc += u
    return plain + b"\0" + bytes(enc), True


def rar4_file(htype, flags, name, data, attr):
    """A file header (0x74) or a RAR 3 service header (0x7a) and its
    bytes, stored, with the extended time WinRAR 3 and later write
    (0x1000: the modification time's flags, 0xB000, and 3 bytes of it
    below a second)."""
    flags |= 0x8000 | 0x1000  # LONG_BLOCK: PACK_SIZE bytes follow
    body = struct.pack("<IIBIIBBHI", len(data), len(data), 2,
                       zlib.crc32(data), DOS_TIME, 29, 0x30, len(name),
                       attr)
    ext_time = struct.pack("<H", 0xB000) + b"\0\0\0"
    return rar4_header(htype, flags, body + name + ext_time) + data


def rar4(items, comment):
    out = bytearray(b"Rar!\x1a\x07\x00")
    out += rar4_header(0x73, 0, struct.pack("<HI", 0, 0))
    if comment is not None:
        # RAR 3 and later keep the comment in a service header "CMT"
        out += rar4_file(0x7A, 0, b"CMT", comment, 0)
    for name, data in items:
        fname, unicode = rar4_name(name)
        flags = 0x0200 if unicode else 0
        if data is None:
            flags |= 0x00E0  # the "dictionary" bits of a directory
            out += rar4_file(0x74, flags, fname, b"", ATTR_DIR)
        else:
            out += rar4_file(0x74, flags, fname, data, ATTR_FILE)
    out += rar4_header(0x7B, 0x4000, b"")
    return bytes(out)


# ---- RAR 5.0 ----

def vint(n):
    b = bytearray()
    while True:
        if n < 0x80:
            b.append(n)
            return bytes(b)
        b.append(0x80 | (n & 0x7F))
        n >>= 7


def rar5_header(fields):
    """CRC-32, size, then the fields (type, flags, ...) as given."""
    size = vint(len(fields))
    return struct.pack("<I", zlib.crc32(size + fields)) + size + fields


def rar5_file(htype, name, data):
    """A file header (type 2) or a service header (type 3, data not None)
    and its bytes, stored; data None is a directory."""
    is_dir = data is None
    data = b"" if is_dir else data
    fname = name.encode("utf-8")
    file_flags = 0x0002 | (0x0001 if is_dir else 0x0004)
    # header flags: a data area, even of 0 bytes (libarchive wants one
    # in every file header)
    fields = (vint(htype) + vint(0x0002) + vint(len(data)) +
              vint(file_flags) + vint(len(data)) +
              vint(ATTR_DIR if is_dir else ATTR_FILE) +
              struct.pack("<I", UNIX_TIME))
    if not is_dir:
        fields += struct.pack("<I", zlib.crc32(data))
    # compression: version 0, method 0 (store), dictionary 0; host OS 0
    # (Windows)
    fields += vint(0) + vint(0) + vint(len(fname)) + fname
    return rar5_header(fields) + data


def rar5(items, comment):
    out = bytearray(b"Rar!\x1a\x07\x01\x00")
    out += rar5_header(vint(1) + vint(0) + vint(0))  # main, no flags
    if comment is not None:
        out += rar5_file(3, "CMT", comment)
    for name, data in items:
        out += rar5_file(2, name, data)
    out += rar5_header(vint(5) + vint(0) + vint(0))  # end of archive
    return bytes(out)


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("-4", "-5"):
        print(__doc__, file=sys.stderr)
        return 2
    version = args.pop(0)
    comment = None
    if len(args) >= 2 and args[0] == "-c":
        comment = args[1].encode("utf-8")
        del args[:2]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    items = members(args[1:])
    data = rar4(items, comment) if version == "-4" else \
        rar5(items, comment)
    with open(args[0], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
