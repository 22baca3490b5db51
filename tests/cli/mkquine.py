#!/usr/bin/python3
"""Write a zip quine: a zip archive whose one member, deflated, is the
archive itself, byte for byte (Russ Cox, "Zip Files All The Way Down",
2010).

usage: mkquine.py OUT

DEFLATE is a Lempel-Ziv program of two instructions: a stored block
prints the bytes that follow it ("literal"), and a copy of l bytes from d
bytes back repeats output ("repeat").  A program whose output is its own
text with a prefix P before and a suffix S after, for any P and S, is
built here from units of the same size (U bytes), P and S padded to whole
units: "L n" prints the next n units, "R n" repeats the last n units.
The program (after Cox's, for units rather than his 5-byte opcodes):

    L p+1  P L p+1          R p+1          L 1  R p+1      L 1  L 1
    L 4  R p+1 L 1 L 1 L 4  R 4            L 4  R 4 L 4 R 4 L 4  R 4
    L 4  L 0 L 0 L 0 L 0    L 0 L 0 L 0 L 0  R 4
    L 4  R 4 L 4 R 4 L 4    R 4            L 4  L 0 L 0 R 2 L s+1  R 2
    L s+1  R* s+1 S         R* s+1

whose output is P, the program, S (checked here by running it on
symbols before any byte is written).  R* is the last instruction, with
the final-block bit.  A unit is U = 10 bytes: "L n" an empty stored
block and the header of one of n*U bytes (5 bytes each); "R n" fixed
Huffman blocks whose copies (of n*U bytes from n*U back, in one or more
pieces) and empty blocks take exactly 80 bits, so that every unit ends
on a byte.

P is the local file header and the member's name, S the central
directory record and the end record with a comment of the length that
makes each a whole number of units.  The member's CRC-32 is the CRC-32
of the whole archive, which holds it in four places (both headers, once
in the archive's own bytes and once in their copy inside the deflated
data): CRC-32 is affine over GF(2), so the value that is its own CRC is
the solution of 32 linear equations, found by Gaussian elimination.

The result is checked here: Python's zipfile, given the archive, must
read the member back as the archive's own bytes, CRC-32 included.
"""
import functools
import io
import struct
import sys
import zipfile
import zlib

U = 10  # bytes in a unit
NAME = b"quinez.zip"  # 30 + 10: the local header is 4 units
COMMENT = b"qq"  # 46 + 10 + 22 + 2: the suffix is 8 units
TIME, DATE = 0x6000, 0x5A2E


def program(p, s):
    """The instructions as symbols: ("L", n), ("R", n), ("Rf", n) the
    last, ("P", i) and ("S", i) the units of P and S."""
    L = lambda n: ("L", n)  # noqa: E731
    R = lambda n: ("R", n)  # noqa: E731
    P = [("P", i) for i in range(p)]
    S = [("S", i) for i in range(s)]
    return P, S, ([L(p + 1)] + P + [
        L(p + 1), R(p + 1), L(1), R(p + 1), L(1), L(1),
        L(4), R(p + 1), L(1), L(1), L(4), R(4),
        L(4), R(4), L(4), R(4), L(4), R(4),
        L(4), L(0), L(0), L(0), L(0),
        L(0), L(0), L(0), L(0), R(4),
        L(4), R(4), L(4), R(4), L(4), R(4),
        L(4), L(0), L(0), R(2), L(s + 1), R(2),
        L(s + 1), ("Rf", s + 1)] + S + [("Rf", s + 1)])


def run(code):
    out, i = [], 0
    while i < len(code):
        kind, n = code[i]
        if kind == "L":
            out += code[i + 1:i + 1 + n]
            i += 1 + n
        elif kind in ("R", "Rf"):
            out += out[-n:]
            i += 1
        else:
            raise ValueError("data executed as an instruction")
    return out


# ---- DEFLATE, bit by bit (RFC 1951) ----

class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, n):  # n bits, least significant first
        self.bits += [(value >> k) & 1 for k in range(n)]

    def huff(self, code, n):  # a Huffman code, most significant first
        self.bits += [(code >> (n - 1 - k)) & 1 for k in range(n)]

    def bytes(self):
        assert len(self.bits) % 8 == 0
        return bytes(sum(b << k for k, b in enumerate(self.bits[i:i + 8]))
                     for i in range(0, len(self.bits), 8))


LENGTHS = [(257 + i, base, extra) for i, (base, extra) in enumerate(
    [(3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0),
     (11, 1), (13, 1), (15, 1), (17, 1), (19, 2), (23, 2), (27, 2), (31, 2),
     (35, 3), (43, 3), (51, 3), (59, 3), (67, 4), (83, 4), (99, 4),
     (115, 4), (131, 5), (163, 5), (195, 5), (227, 5)])] + [(285, 258, 0)]
DISTANCES = [(i, base, extra) for i, (base, extra) in enumerate(
    [(1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (7, 1), (9, 2), (13, 2),
     (17, 3), (25, 3), (33, 4), (49, 4), (65, 5), (97, 5), (129, 6),
     (193, 6), (257, 7), (385, 7), (513, 8), (769, 8)])]


def length_code(n):
    if n == 258:
        return LENGTHS[-1]
    for code, base, extra in reversed(LENGTHS[:-1]):
        if base <= n < base + (1 << extra):
            return code, base, extra
    raise ValueError(n)


def length_bits(n):
    code, _, extra = length_code(n)
    return (7 if code < 280 else 8) + extra


def distance_code(d):
    for code, base, extra in reversed(DISTANCES):
        if base <= d < base + (1 << extra):
            return code, base, extra
    raise ValueError(d)


def pieces(total, d, budget):
    """Lengths (3 to 258 each) adding up to total, whose copies from d
    back take budget bits, or None."""
    dbits = 5 + distance_code(d)[2]

    def go(left, bits, acc):
        if left == 0:
            return acc if bits == 0 else None
        if len(acc) >= 4:
            return None
        for n in range(min(left, 258), 2, -1):
            if left - n in (1, 2):
                continue
            cost = length_bits(n) + dbits
            if cost <= bits:
                r = go(left - n, bits - cost, acc + [n])
                if r is not None:
                    return r
        return None
    return go(total, budget, [])


@functools.lru_cache(maxsize=None)
def repeat_unit(n, final):
    """Copy n*U bytes from n*U back: empty fixed blocks, then one with
    the copies, 8*U bits in all."""
    d = n * U
    for empty in range(0, 8):
        budget = 8 * U - 10 * (empty + 1)
        lens = pieces(d, d, budget)
        if lens is not None:
            break
    else:
        raise ValueError("no encoding of R %d in %d bytes" % (n, U))
    b = Bits()
    for k in range(empty):
        b.put(0, 1)  # not final
        b.put(1, 2)  # fixed Huffman
        b.huff(0, 7)  # end of block (256)
    b.put(1 if final else 0, 1)
    b.put(1, 2)
    for n_ in lens:
        code, base, extra = length_code(n_)
        if code < 280:
            b.huff(code - 256, 7)
        else:
            b.huff(0xC0 + code - 280, 8)
        b.put(n_ - base, extra)
        dcode, dbase, dextra = distance_code(d)
        b.huff(dcode, 5)
        b.put(d - dbase, dextra)
    b.huff(0, 7)
    out = b.bytes()
    assert len(out) == U
    return out


def literal_unit(n):
    """An empty stored block, then the header of one of n*U bytes."""
    size = n * U
    return b"\x00\x00\x00\xff\xff" + b"\x00" + struct.pack(
        "<HH", size, size ^ 0xFFFF)


# ---- the archive ----

def archive(crc, p, s, size_c):
    total = p * U + size_c + s * U
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, TIME, DATE,
                        crc, size_c, total, len(NAME), 0) + NAME
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8,
                          TIME, DATE, crc, size_c, total, len(NAME), 0, 0,
                          0, 0, 0, 0) + NAME
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central),
                      p * U + size_c, len(COMMENT)) + COMMENT
    return local, central + end


def build(crc):
    p = (30 + len(NAME)) // U
    s = (46 + len(NAME) + 22 + len(COMMENT)) // U
    P, S, code = program(p, s)
    assert run(code) == P + code + S, "the program is no quine"
    size_c = len(code) * U
    pre, suf = archive(crc, p, s, size_c)
    assert len(pre) == p * U and len(suf) == s * U
    units = {("P", i): pre[i * U:(i + 1) * U] for i in range(p)}
    units.update({("S", i): suf[i * U:(i + 1) * U] for i in range(s)})
    data = b""
    for u in code:
        if u in units:
            data += units[u]
        elif u[0] == "L":
            data += literal_unit(u[1])
        else:
            data += repeat_unit(u[1], u[0] == "Rf")
    return pre + data + suf


def solve_crc():
    """x such that crc32(build(x)) == x: crc32(build(x)) is
    c0 ^ M x over GF(2), so (M + I) x = c0."""
    c0 = zlib.crc32(build(0))
    cols = [zlib.crc32(build(1 << i)) ^ c0 for i in range(32)]
    # rows of (M + I) | c0, one per output bit
    rows = []
    for bit in range(32):
        r = 0
        for i in range(32):
            if ((cols[i] >> bit) & 1) ^ (1 if i == bit else 0):
                r |= 1 << i
        rows.append([r, (c0 >> bit) & 1])
    x, pivots = 0, []
    for col in range(32):
        for k in range(len(pivots), 32):
            if (rows[k][0] >> col) & 1:
                break
        else:
            continue
        rows[len(pivots)], rows[k] = rows[k], rows[len(pivots)]
        pr = rows[len(pivots)]
        for k in range(32):
            if k != len(pivots) and (rows[k][0] >> col) & 1:
                rows[k][0] ^= pr[0]
                rows[k][1] ^= pr[1]
        pivots.append(col)
    for k, col in enumerate(pivots):
        x |= rows[k][1] << col
    if any(r[0] == 0 and r[1] for r in rows):
        return None
    return x if zlib.crc32(build(x)) == x else None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    crc = solve_crc()
    if crc is None:
        print("mkquine: no CRC-32 is its own here", file=sys.stderr)
        return 1
    data = build(crc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if z.namelist() != [NAME.decode()] or z.read(NAME.decode()) != data:
            print("mkquine: the member is not the archive", file=sys.stderr)
            return 1
    with open(sys.argv[1], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
