#!/usr/bin/python3
"""Write an LHA (LZH) archive with level 0, 1 or 2 headers.

usage: mklha.py -0|-1|-2 [-5] OUT PATH...

Run from the directory that holds the PATHs, as with zip: each PATH is
stored under its relative name, as the file system's bytes (LHA says
nothing of their charset); a directory gets a member of its own
(-lhd-, levels 1 and 2 only) and its contents follow, in byte order.
Members are stored (-lh0-), or with -5 compressed as -lh5- streams of
literals only (see below); an empty file is always -lh0-.  Debian's only
LHA writer needs Java, so the tests make their archives here and check
them with an independent reader (lhasa) before giving them to lf-extract.

The headers follow the header description of LHa for UNIX (Koji Arai's
header.doc, "LHa for UNIX with autoconf"), which libarchive and lhasa
also follow:

  level 0: size (1 byte: the header's length less 2), checksum (1: sum of
    the bytes after these two), method "-lh0-", compressed and original
    size (4 each, little-endian), MS-DOS time (4), attribute (1), level
    (1), name length (1), name (path with "\\"), CRC-16 of the data (2).
  level 1: as level 0 up to the CRC, whose "compressed size" counts the
    extended headers too, then OS id (1) and the size of the first
    extended header (2, counted in the checksum); attribute 0x20; the
    name holds no path: a directory extended header (type 0x02, 0xFF
    between and after components) holds it.
  level 2: total header size (2), method, sizes, Unix time (4), 0x20,
    level, CRC-16 of the data, OS id, size of the first extended header;
    extended headers: common (0x00, a CRC-16 of the whole header taken
    with that field zero), file name (0x01), directory (0x02).  A header
    whose size would end in a 0 byte gets one byte of padding, as LHa
    for UNIX does, so that it cannot read as the end mark.
  Each extended header is its type (1), its data and the size of the
  next one (2); its own size counts all three.  A 0 byte ends the
  archive.  CRC-16 is the ARC one (reflected 0x8005, initial 0).

-lh5- follows Haruhiko Okumura's ar002 (decode.c, huf.c), the decoder LHA
2.x uses: each block is its number of codes (16 bits), the "pt" table
that encodes the code lengths (5-bit count), the literal/length table
(9-bit count) and the offset table (4-bit count), then the codes, all
bits most significant first.  A count of 0 means a table of a single
symbol, given next, that takes no bits.  The blocks written here use
that form for the pt table (symbol 10: length 8) and the offset table,
and give all 256 literals length 8, so that each byte is coded as itself;
there are no matches.  That is a valid stream every decoder has to read,
not a compressor.
"""
import os
import struct
import sys

DOS_TIME = 0x5A2E6000  # 2025-01-14 12:00:00 in MS-DOS form
UNIX_TIME = 1736856000

CRC16_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0xA001 if _c & 1 else _c >> 1
    CRC16_TABLE.append(_c)


def crc16(data, crc=0):
    for b in data:
        crc = (crc >> 8) ^ CRC16_TABLE[(crc ^ b) & 0xFF]
    return crc


def members(paths):
    """(name, data or None for a directory) for each PATH, recursively;
    names are the file system's bytes."""
    out = []
    for p in paths:
        p = os.path.normpath(os.fsencode(p))
        if os.path.isdir(p):
            out.append((p, None))
            out.extend(members([os.path.join(p, s)
                                for s in sorted(os.listdir(p))]))
        else:
            with open(p, "rb") as f:
                out.append((p, f.read()))
    return out


class Bits:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, width):
        self.acc = (self.acc << width) | value
        self.n += width
        while self.n >= 8:
            self.n -= 8
            self.out.append((self.acc >> self.n) & 0xFF)
        self.acc &= (1 << self.n) - 1

    def bytes(self):
        if self.n:
            self.put(0, 8 - self.n)
        return bytes(self.out)


def lh5(data):
    bits = Bits()
    for i in range(0, len(data), 0xFFFF):
        block = data[i:i + 0xFFFF]
        bits.put(len(block), 16)
        bits.put(0, 5)      # pt table: a single symbol...
        bits.put(10, 5)     # ...10, that is a code length of 8
        bits.put(256, 9)    # 256 code lengths, each taking no bits
        bits.put(0, 4)      # offset table: a single symbol...
        bits.put(0, 4)      # ...0, never used
        for b in block:
            bits.put(b, 8)  # literal b has the 8-bit code b
    return bits.bytes()


def ext_area(exts):
    """(size of the first extended header, the headers themselves)."""
    sizes = [1 + len(d) + 2 for _, d in exts]
    body = bytearray()
    for k, (htype, data) in enumerate(exts):
        nxt = sizes[k + 1] if k + 1 < len(sizes) else 0
        body += bytes([htype]) + data + struct.pack("<H", nxt)
    return (sizes[0] if sizes else 0), bytes(body)


def header(level, name, data, compress):
    is_dir = data is None
    data = b"" if is_dir else data
    if is_dir:
        method, packed = b"-lhd-", b""
    elif compress and data:
        method, packed = b"-lh5-", lh5(data)
    else:
        method, packed = b"-lh0-", data
    crc = crc16(data)
    parts = name.split(b"/")
    dirs, base = parts[:-1], parts[-1]
    if is_dir:
        dirs, base = parts, b""
    if level == 0:
        fname = name.replace(b"/", b"\\")
        h = (method + struct.pack("<IIIBBB", len(packed), len(data),
                                  DOS_TIME, 0x20, 0, len(fname)) +
             fname + struct.pack("<H", crc))
        return bytes([len(h), sum(h) & 0xFF]) + h + packed
    exts = []
    if level == 2:
        exts.append((0x00, b"\0\0"))  # the header's CRC, set below
        exts.append((0x01, base))
    if dirs:
        exts.append((0x02, b"".join(d + b"\xff" for d in dirs)))
    first, area = ext_area(exts)
    if level == 1:
        fname = base
        h = (method + struct.pack("<IIIBBB", len(area) + len(packed),
                                  len(data), DOS_TIME, 0x20, 1,
                                  len(fname)) +
             fname + struct.pack("<HBH", crc, ord("M"), first))
        return bytes([len(h), sum(h) & 0xFF]) + h + area + packed
    size = 26 + len(area)
    pad = b"\0" if size & 0xFF == 0 else b""
    size += len(pad)
    h = bytearray(struct.pack("<H", size) + method +
                  struct.pack("<IIIBBHBH", len(packed), len(data),
                              UNIX_TIME, 0x20, 2, crc, ord("U"), first) +
                  area + pad)
    # the common header is first: type at 26, its CRC at 27
    struct.pack_into("<H", h, 27, crc16(h))
    return bytes(h) + packed


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("-0", "-1", "-2"):
        print(__doc__, file=sys.stderr)
        return 2
    level = int(args.pop(0)[1])
    compress = bool(args) and args[0] == "-5"
    if compress:
        args.pop(0)
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = bytearray()
    for name, data in members(args[1:]):
        if data is None and level == 0:
            continue  # level 0 has no directory members
        out += header(level, name, data, compress)
    out += b"\0"
    with open(args[0], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
