#!/usr/bin/python3
"""Write a RAR 4.x or RAR 5.0 archive of stored (uncompressed) members.

usage: mkrar.py -4|-5 [-c COMMENT] [-p PASSWORD [-t] | -hp PASSWORD]
                 OUT PATH...

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

-p encrypts each member's bytes with PASSWORD, as RAR 3 and later do:
RAR 4 with AES-128 in CBC mode, the key and IV from the password and an
8-byte salt kept in the file header (flag 0x400) by RAR 3's SHA-1 string
to key (rarfile's rar3_s2k), the CRC-32 that of the plain bytes; RAR 5
with AES-256 in CBC mode, the key from PBKDF2-HMAC-SHA256 over a 16-byte
salt, with a file encryption record (extra record type 1) holding salt,
IV and the password check value, and the plain CRC-32, or with -t the
"tweaked" one (flag 0x0002: the CRC-32 through HMAC-SHA256 keyed by the
PBKDF2 value 16 rounds further on, as RAR 5 writes it by default).  The
bytes are padded with zeros to the AES block.  -hp encrypts the headers
too (rar -hp): RAR 4 flags the archive header (0x0080) and writes each
later header as an 8-byte salt and the header encrypted; RAR 5 puts an
archive encryption header (type 4) after the signature and writes each
later header as a 16-byte IV and the header encrypted.  Salts and IVs
come from the names, so that the same input gives the same bytes.
"""
import hashlib
import hmac
import os
import struct
import sys
import zlib

try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, \
        modes
except ImportError:  # only -p and -hp need it
    Cipher = None

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


def aes_cbc(key, iv, data):
    """data zero-padded to the AES block, encrypted."""
    data += bytes(-len(data) % 16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def salt_of(what, n):
    return hashlib.sha256(b"salt " + what).digest()[:n]


# ---- RAR 4.x ----

def rar3_s2k(password, salt):
    """RAR 3's string to key: (AES-128 key, IV)."""
    import rarfile
    return rarfile.rar3_s2k(password, salt)

HP = None  # the password of -hp: headers after the archive header


def rar4_header(htype, flags, body, plain=False):
    """A RAR 4 block header: HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE;
    with -hp, encrypted after a salt of its own."""
    rest = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
    head = struct.pack("<H", zlib.crc32(rest) & 0xFFFF) + rest
    if HP is None or plain:
        return head
    salt = salt_of(head, 8)
    key, iv = rar3_s2k(HP, salt)
    return salt + aes_cbc(key, iv, head)


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


def rar4_file(htype, flags, name, data, attr, password=None):
    """A file header (0x74) or a RAR 3 service header (0x7a) and its
    bytes, stored, with the extended time WinRAR 3 and later write
    (0x1000: the modification time's flags, 0xB000, and 3 bytes of it
    below a second); with a password, encrypted after a salt."""
    flags |= 0x8000 | 0x1000  # LONG_BLOCK: PACK_SIZE bytes follow
    packed, salt = data, b""
    if password is not None:
        flags |= 0x0004 | 0x0400  # encrypted, with a salt
        salt = salt_of(name, 8)
        key, iv = rar3_s2k(password, salt)
        packed = aes_cbc(key, iv, data)
    body = struct.pack("<IIBIIBBHI", len(packed), len(data), 2,
                       zlib.crc32(data), DOS_TIME, 29, 0x30, len(name),
                       attr)
    ext_time = struct.pack("<H", 0xB000) + b"\0\0\0"
    return rar4_header(htype, flags, body + name + salt + ext_time) + packed


def rar4(items, comment, password):
    out = bytearray(b"Rar!\x1a\x07\x00")
    out += rar4_header(0x73, 0x0080 if HP is not None else 0,
                       struct.pack("<HI", 0, 0), plain=True)
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
            out += rar4_file(0x74, flags, fname, data, ATTR_FILE, password)
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


KDF_COUNT = 15  # log2 of the PBKDF2 rounds, as RAR 5 writes it


def rar5_keys(password, salt):
    """The AES-256 key, the hash key (16 rounds on) and the password
    check value (32 rounds on, folded to 8 bytes and its checksum)."""
    pw = password.encode("utf-8")
    n = 1 << KDF_COUNT
    key = hashlib.pbkdf2_hmac("sha256", pw, salt, n)
    hash_key = hashlib.pbkdf2_hmac("sha256", pw, salt, n + 16)
    v2 = hashlib.pbkdf2_hmac("sha256", pw, salt, n + 32)
    check = bytearray(8)
    for i, b in enumerate(v2):
        check[i % 8] ^= b
    check = bytes(check)
    return key, hash_key, check + hashlib.sha256(check).digest()[:4]


def rar5_header(fields, extra=b""):
    """CRC-32, size, then the fields (type, flags, ...) as given, the
    flags 0x0001 and the extra area's size added when there is one; with
    -hp, encrypted after an IV of its own."""
    if extra:
        t, pos = fields[0], 1  # type and flags are one byte here
        fields = (fields[:pos] + vint(fields[pos] | 0x0001) +
                  vint(len(extra)) + fields[pos + 1:] + extra)
    size = vint(len(fields))
    head = struct.pack("<I", zlib.crc32(size + fields)) + size + fields
    if HP is None:
        return head
    iv = salt_of(b"iv " + head, 16)
    return iv + aes_cbc(HP_KEY, iv, head)


def rar5_file(htype, name, data, password=None, tweaked=False):
    """A file header (type 2) or a service header (type 3, data not None)
    and its bytes, stored; data None is a directory.  With a password the
    bytes are encrypted and a file encryption record says how."""
    is_dir = data is None
    data = b"" if is_dir else data
    fname = name.encode("utf-8")
    file_flags = 0x0002 | (0x0001 if is_dir else 0x0004)
    crc = zlib.crc32(data)
    packed, extra = data, b""
    if password is not None and not is_dir:
        salt, iv = salt_of(fname, 16), salt_of(b"iv " + fname, 16)
        key, hash_key, check = rar5_keys(password, salt)
        packed = aes_cbc(key, iv, data)
        rec = (vint(1) + vint(0) + vint(0x0001 | (0x0002 if tweaked else 0))
               + bytes([KDF_COUNT]) + salt + iv + check)
        extra = vint(len(rec)) + rec
        if tweaked:
            d = hmac.new(hash_key, struct.pack("<I", crc),
                         "sha256").digest()
            crc = 0
            for i, b in enumerate(d):
                crc ^= b << ((i & 3) * 8)
    # header flags: a data area, even of 0 bytes (libarchive wants one
    # in every file header)
    fields = (vint(htype) + vint(0x0002) + vint(len(packed)) +
              vint(file_flags) + vint(len(data)) +
              vint(ATTR_DIR if is_dir else ATTR_FILE) +
              struct.pack("<I", UNIX_TIME))
    if not is_dir:
        fields += struct.pack("<I", crc)
    # compression: version 0, method 0 (store), dictionary 0; host OS 0
    # (Windows)
    fields += vint(0) + vint(0) + vint(len(fname)) + fname
    return rar5_header(fields, extra) + packed


def rar5(items, comment, password, tweaked):
    global HP_KEY
    out = bytearray(b"Rar!\x1a\x07\x01\x00")
    if HP is not None:
        salt = salt_of(b"headers", 16)
        HP_KEY, _, check = rar5_keys(HP, salt)
        fields = (vint(4) + vint(0) + vint(0) + vint(0x0001) +
                  bytes([KDF_COUNT]) + salt + check)
        size = vint(len(fields))
        out += struct.pack("<I", zlib.crc32(size + fields)) + size + fields
    out += rar5_header(vint(1) + vint(0) + vint(0))  # main, no flags
    if comment is not None:
        out += rar5_file(3, "CMT", comment)
    for name, data in items:
        out += rar5_file(2, name, data, password, tweaked)
    out += rar5_header(vint(5) + vint(0) + vint(0))  # end of archive
    return bytes(out)


def main():
    args = sys.argv[1:]
    if not args or args[0] not in ("-4", "-5"):
        print(__doc__, file=sys.stderr)
        return 2
    global HP
    version = args.pop(0)
    comment = password = None
    tweaked = False
    while len(args) >= 2 and args[0] in ("-c", "-p", "-t", "-hp"):
        if args[0] == "-t":
            tweaked = True
            del args[:1]
            continue
        if args[0] == "-c":
            comment = args[1].encode("utf-8")
        elif args[0] == "-p":
            password = args[1]
        else:
            HP = password = args[1]
        del args[:2]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    items = members(args[1:])
    data = rar4(items, comment, password) if version == "-4" else \
        rar5(items, comment, password, tweaked)
    with open(args[0], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
