#!/usr/bin/python3
"""Write the demo messages of tests/data/demo (see README there).

    python3 tests/data/demo/mksamples.py [DIR]    (default: this directory)

Python's standard library only, and deterministic: every date, boundary,
Message-ID and queue id is fixed, so that a second run writes the same
bytes.  The one payload is the EICAR anti-virus test file, which is no
malware: anti-virus programs detect it so that they can be tested.
"""

import base64
import calendar
import email.utils
import gzip
import hashlib
import io
import os
import struct
import sys
import time
import zipfile

# The EICAR test file (68 bytes, no newline), written in two halves so
# that this script is not itself taken for it.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
         b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"
TRACKING = "41872093"


def epoch(y, mo, d, h, mi, s):
    return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))


def rfc5322(t):
    return email.utils.formatdate(t, usegmt=False).replace("-0000", "+0000")


def qmail_date(t):
    # "26 Nov 2026 09:14:06 -0000", as the tower's qmail writes it
    return rfc5322(t).split(", ", 1)[1].replace("+0000", "-0000")


def b64_lines(data):
    return base64.encodebytes(data).decode("ascii")


# ---- Symantec Email Security.cloud's stamps ----------------------------

def pb_varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_key(field, wire):
    return pb_varint(field << 3 | wire)


def pb_bytes(field, data):
    return pb_key(field, 2) + pb_varint(len(data)) + data


def pb_fixed32(field, value):
    return pb_key(field, 5) + struct.pack("<I", value)


def pb_uint(field, value):
    return pb_key(field, 0) + pb_varint(value)


def ipv4(a):
    return bytes(int(x) for x in a.split("."))


def tracker(client_ip, scan_time, scanner_host, scanner_ip, rules_time):
    """An X-Brightmail-Tracker value in the layout the real ones have
    (base64 of gzip of a protocol buffer: the scan record with its
    direction, client address, time, scanner and a rule set).  The
    vendor's RSA signature over it is left out: nobody else can make
    one."""
    record = (pb_bytes(3, b"external") +
              pb_bytes(4, pb_bytes(1, ipv4(client_ip))) +
              pb_fixed32(5, scan_time) +
              pb_bytes(21, scanner_host.encode("ascii")) +
              pb_bytes(22, pb_bytes(1, ipv4(scanner_ip))) +
              pb_bytes(24, pb_uint(1, 2) + pb_bytes(
                  4, pb_fixed32(1, rules_time) + pb_bytes(
                      2, b"bodyhash_rules"))))
    data = pb_uint(1, 3) + pb_bytes(2, record)
    z = gzip.compress(data, compresslevel=9, mtime=0)
    text = base64.b64encode(z).decode("ascii")
    # Folded as the gateway folds it: 61 characters, then 75 a line.
    lines = [text[:61]] + [text[i:i + 75] for i in range(61, len(text), 75)]
    return "\n ".join(lines)


def queue_id(prefix, number, t):
    """A symcld.net back end's queue id: its last 8 hex digits are the
    epoch written backwards, digit by digit."""
    return "%s-%d-%s" % (prefix, number, ("%08X" % t)[::-1])


class Transit:
    """One message's way through Symantec Email Security.cloud to
    mx.example.com: the tower takes it at t0 from the sender's relay, the
    back end passes it on a second later, the border takes it from the
    delivery host a second after that."""

    def __init__(self, t0, client, client_ip, tower, counter, backend,
                 backend_from, qprefix, qnumber, delivery, delivery_ip,
                 scanner, scanner_ip, border_id, rcpt, env_sender,
                 qmail_pid, border_from=None):
        self.__dict__.update(locals())
        del self.__dict__["self"]

    def fields(self):
        t0 = self.t0
        border_from = self.border_from or (
            "%s (%s [%s])" % (self.delivery, self.delivery, self.delivery_ip))
        return [
            ("Received", "from %s\n\tby mx.example.com (Postfix) with ESMTPS"
             " id %s\n\tfor <%s>; %s" % (border_from, self.border_id,
                                         self.rcpt, rfc5322(t0 + 2))),
            ("Received", "from [%s] (using TLSv1.2 with cipher\n"
             " DHE-RSA-AES256-GCM-SHA384 (256 bits))\n by %s id %s;\n %s"
             % (self.backend_from, self.backend,
                queue_id(self.qprefix, self.qnumber, t0 + 1),
                rfc5322(t0 + 1))),
            ("X-Brightmail-Tracker", tracker(self.client_ip, t0 + 1,
                                             self.scanner, self.scanner_ip,
                                             t0 - 3600)),
            ("X-Env-Sender", self.env_sender),
            ("X-Msg-Ref", "%s!%d!%d!1" % (self.tower, t0, self.counter)),
            ("X-Originating-IP", "[%s]" % self.client_ip),
            ("X-SpamReason", "No, hits=0.0 required=7.0 tests=newsletters: "),
            ("X-StarScan-Received", ""),
            ("X-StarScan-Version", "9.117.3; banners=-,-,-"),
            ("X-VirusChecked", "Checked"),
            ("Received", "(qmail %d invoked from network); %s"
             % (self.qmail_pid, qmail_date(t0))),
            ("Received", "from %s (HELO %s) (%s)\n  by %s with"
             " ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP; %s"
             % (self.client, self.client, self.client_ip, self.tower,
                qmail_date(t0))),
        ]


def header_text(fields, eol="\n"):
    out = []
    for name, value in fields:
        line = "%s: %s" % (name, value) if value else "%s:" % name
        out.append(line.replace("\n", eol))
    return eol.join(out) + eol


# ---- messages -----------------------------------------------------------

SENDER_RELAY = "mail.supplier-payments.example"
SENDER_IP = "198.51.100.7"
FROM = '"Supplier Billing" <billing@supplier-payments.example>'


def sender_hop(t):
    return ("Received", "from billing-pc.supplier-payments.example"
            " (billing-pc.supplier-payments.example [192.168.10.23])\n"
            "\tby %s (Postfix) with ESMTPSA id 7C2D41E0F\n"
            "\tfor <accounts@example.com>; %s"
            % (SENDER_RELAY, rfc5322(t)))


def eml(top_fields, t, msgid, subject, text, attachment, boundary):
    name, ctype, data = attachment
    fields = top_fields + [
        sender_hop(t - 2),
        ("From", FROM),
        ("To", "<accounts@example.com>"),
        ("Subject", subject),
        ("Date", rfc5322(t - 3)),
        ("Message-ID", msgid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/mixed; boundary="%s"' % boundary),
    ]
    body = ("This is a multi-part message in MIME format.\n\n"
            "--%s\n"
            "Content-Type: text/plain; charset=us-ascii\n"
            "Content-Transfer-Encoding: 7bit\n\n%s\n"
            "--%s\n"
            'Content-Type: %s; name="%s"\n'
            'Content-Disposition: attachment; filename="%s"\n'
            "Content-Transfer-Encoding: base64\n\n%s\n"
            "--%s--\n" % (boundary, text, boundary, ctype, name, name,
                          b64_lines(data), boundary))
    return (header_text(fields) + "\n" + body).encode("ascii")


def eicar_zip():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("eicar.com", date_time=(2026, 11, 26, 8, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3
        info.external_attr = 0o100644 << 16
        z.writestr(info, EICAR)
    return b.getvalue()


BODY = ("Dear customer,\n\n"
        "Invoice 2026-118 is attached. Please pay today to avoid a late\n"
        "fee.\n\n"
        "Kind regards,\n"
        "Supplier Billing\n")

T_EICAR = epoch(2026, 11, 26, 9, 14, 6)
T_ZIP = epoch(2026, 11, 26, 9, 21, 40)
T_MSG = epoch(2026, 11, 26, 9, 37, 12)
T_FORGED = epoch(2026, 11, 26, 10, 2, 51)

TRANSIT_EICAR = Transit(
    T_EICAR, SENDER_RELAY, SENDER_IP,
    "server-7.tower-731.messagelabs.com", 148213,
    "server-2.bemta.az-b.eu-west-1.aws.symcld.net", "46.226.52.101",
    "5A/31", 11893, "mail2.bemta37.messagelabs.com", "85.158.142.98",
    "brightmail-100-112-7-41.az-b.eu-west-1.aws.symcld.net", "100.112.7.41",
    "4XQk2m0Lz1", "accounts@example.com", "billing@supplier-payments.example",
    20418)


def make_eicar():
    return eml(TRANSIT_EICAR.fields(), T_EICAR,
               "<20261126091403.5012@mail.supplier-payments.example>",
               "Invoice 2026-118", BODY,
               ("eicar.com", "application/octet-stream", EICAR),
               "=_demo_eicar_1")


def make_eicar_zip():
    t = Transit(
        T_ZIP, SENDER_RELAY, SENDER_IP,
        "server-11.tower-731.messagelabs.com", 151077,
        "server-5.bemta.az-b.eu-west-1.aws.symcld.net", "46.226.52.140",
        "C2/07", 12114, "mail1.bemta37.messagelabs.com", "85.158.142.97",
        "brightmail-100-112-7-58.az-b.eu-west-1.aws.symcld.net",
        "100.112.7.58", "4XQkCN3Tb7", "accounts@example.com",
        "billing@supplier-payments.example", 23960)
    return eml(t.fields(), T_ZIP,
               "<20261126092137.5047@mail.supplier-payments.example>",
               "Invoice 2026-118 (archive)", BODY.replace(
                   "is attached", "is attached as a zip"),
               ("invoice-2026-118.zip", "application/zip", eicar_zip()),
               "=_demo_eicar_2")


def make_forged():
    """Real-looking gateway stamps and hops, copied from a message that
    did cross the gateway, under a delivery from an address that is none
    of Symantec's: the border took it from 203.0.113.66."""
    t = T_FORGED
    fields = TRANSIT_EICAR.fields()[1:]  # the copied part, as it was
    fields.insert(0, ("Received", "from mail.supplier-payments.example"
                      " (mail.supplier-payments.example [203.0.113.66])\n"
                      "\tby mx.example.com (Postfix) with ESMTPS id"
                      " 4XQlH05wZr\n\tfor <accounts@example.com>; %s"
                      % rfc5322(t)))
    body_fields = fields + [
        ("From", FROM),
        ("To", "<accounts@example.com>"),
        ("Subject", "Invoice 2026-118 - reminder"),
        ("Date", rfc5322(t - 2)),
        ("Message-ID",
         "<20261126100249.5188@mail.supplier-payments.example>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ]
    text = ("Dear customer,\n\n"
            "This is a reminder: invoice 2026-118 sent this morning is\n"
            "still unpaid.\n\n"
            "Kind regards,\n"
            "Supplier Billing\n")
    return (header_text(body_fields) + "\n" + text).encode("ascii")


# ---- the vendor's replies ----------------------------------------------

T_RECEIPT = epoch(2026, 11, 26, 13, 48, 19)
T_RESULT = epoch(2026, 11, 26, 17, 32, 5)
SUBMITTED = epoch(2026, 11, 26, 13, 47, 2)
VENDOR = ('"Symantec Security Response Automation"'
          " <sr-automation@symantec.com>")


def vendor_mail(t, msgid, subject, text):
    fields = [
        ("From", VENDOR),
        ("To", "<soc@example.com>"),
        ("Subject", subject),
        ("Date", rfc5322(t)),
        ("Message-ID", msgid),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=us-ascii"),
        ("Content-Transfer-Encoding", "7bit"),
    ]
    return (header_text(fields) + "\n" + text).encode("ascii")


def make_receipt():
    text = ("Thank you for contacting Symantec.\n\n"
            "Your submission has been received and will be reviewed.\n\n"
            "Tracking # %s\n\n"
            "Please reference this tracking number in any further"
            " correspondence\non this issue.\n" % TRACKING)
    return vendor_mail(
        T_RECEIPT, "<sra.%s.receipt@symantec.com>" % TRACKING,
        "[TRACKING]: Symantec Security Response Automation (Tracking #%s)"
        % TRACKING, text)


def make_result():
    when = "%04d-%02d-%02d %02d:%02d:%02d" % time.gmtime(SUBMITTED)[:6]
    row = "\t".join(["1", "eicar.com", EICAR_MD5.upper(), "Already Detected",
                     "EICAR Test String", "N/A"])
    text = ("Symantec Security Response Automation\n\n"
            "Submission Date %s Tracking #%s\n"
            "Submitter soc@example.com\n\n"
            "Files Submitted\n"
            "#\tFile name\tMD5\tDetermination\tDetection name\tRR Seq\n"
            "%s\n"
            "Developer Notes\n"
            "The file is detected by the current definitions.\n"
            % (when, TRACKING, row))
    return vendor_mail(
        T_RESULT, "<sra.%s.closed@symantec.com>" % TRACKING,
        "[CLOSED]: Symantec Security Response Automation (Tracking #%s)"
        % TRACKING, text)


# ---- an Outlook .msg: a compound file (MS-CFB) of MAPI properties ------

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = (0xFFFFFFFF, 0xFFFFFFFE,
                                           0xFFFFFFFD, 0xFFFFFFFF)


class Node:
    def __init__(self, name, data=None):
        self.name = name
        self.data = data  # bytes for a stream, None for a storage
        self.children = []

    def add(self, node):
        self.children.append(node)
        return node


def cfb_key(node):
    # MS-CFB 2.6.4: shorter names first, then by upper-cased code units.
    return (len(node.name), node.name.upper())


def cfb(root):
    """The compound file (version 3, 512-byte sectors) holding the tree
    under root: streams under 4096 bytes in the mini stream, the others
    in sectors of their own; each storage's children a balanced binary
    tree, every node black."""
    entries = []

    def number(node):
        node.id = len(entries)
        entries.append(node)
        for c in node.children:
            number(c)
    number(root)

    def tree(nodes):
        if not nodes:
            return NOSTREAM
        m = len(nodes) // 2
        nodes[m].left = tree(nodes[:m])
        nodes[m].right = tree(nodes[m + 1:])
        return nodes[m].id
    for e in entries:
        e.left = e.right = NOSTREAM
    for e in entries:
        e.child = tree(sorted(e.children, key=cfb_key)) \
            if e.data is None else NOSTREAM

    mini = bytearray()
    minifat = []
    big = []
    for e in entries:
        if e.data is None or e is root:
            continue
        if len(e.data) == 0:
            e.start = ENDOFCHAIN
        elif len(e.data) < CUTOFF:
            e.start = len(mini) // MINI
            n = -(-len(e.data) // MINI)
            minifat += [e.start + k + 1 for k in range(n - 1)] + [ENDOFCHAIN]
            mini += e.data + b"\0" * (n * MINI - len(e.data))
        else:
            big.append(e)

    def sectors(n):
        return -(-n // SECTOR)
    ndir = sectors(len(entries) * 128)
    nminifat = sectors(len(minifat) * 4)
    nmini = sectors(len(mini))
    nbig = sum(sectors(len(e.data)) for e in big)
    nfat = 1
    while nfat * (SECTOR // 4) < nfat + ndir + nminifat + nmini + nbig:
        nfat += 1
    assert nfat <= 109, "no DIFAT sectors in this writer"

    fat = [FATSECT] * nfat
    body = bytearray()

    def chain(data, count):
        start = nfat + len(body) // SECTOR
        for k in range(count):
            fat.append(start + k + 1 if k < count - 1 else ENDOFCHAIN)
        body.extend(data + b"\0" * (count * SECTOR - len(data)))
        return start

    dir_start_pos = len(body)
    dir_start = chain(b"\0" * (ndir * SECTOR), ndir)
    minifat_start = chain(b"".join(struct.pack("<I", v) for v in minifat) +
                          b"\xff" * (nminifat * SECTOR - 4 * len(minifat)),
                          nminifat) if nminifat else ENDOFCHAIN
    root.start = chain(bytes(mini), nmini) if nmini else ENDOFCHAIN
    root.size = len(mini)
    for e in big:
        e.start = chain(e.data, sectors(len(e.data)))
    fat += [FREESECT] * (nfat * (SECTOR // 4) - len(fat))

    d = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le") + b"\0\0"
        assert len(name) <= 64, e.name
        kind = 5 if e is root else (1 if e.data is None else 2)
        size = root.size if e is root else (
            0 if e.data is None else len(e.data))
        start = e.start if e is root or e.data is not None else 0
        d += (name + b"\0" * (64 - len(name)) +
              struct.pack("<HBBIII", len(name), kind, 1, e.left, e.right,
                          e.child) +
              b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16 +
              struct.pack("<IQ", start, size))
    while len(d) % SECTOR:
        d += (b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM,
                                       NOSTREAM, NOSTREAM) +
              b"\0" * 48)
    body[dir_start_pos:dir_start_pos + len(d)] = d

    header = bytearray(SECTOR)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, nfat, dir_start, 0,
                     CUTOFF, minifat_start, nminifat, ENDOFCHAIN, 0)
    for k in range(109):
        struct.pack_into("<I", header, 76 + 4 * k,
                         k if k < nfat else FREESECT)
    fatbytes = b"".join(struct.pack("<I", v) for v in fat)
    return bytes(header) + fatbytes + bytes(body)


PT_LONG, PT_BOOLEAN, PT_SYSTIME = 0x0003, 0x000B, 0x0040
PT_UNICODE, PT_BINARY = 0x001F, 0x0102


def filetime(t):
    return (t + 11644473600) * 10000000


class Props:
    """A storage's properties: fixed ones in __properties_version1.0,
    strings and binaries as __substg1.0_ streams beside it."""

    def __init__(self, node, header):
        self.node = node
        self.header = header
        self.rows = []

    def fixed(self, tag, ptype, value):
        v = (struct.pack("<I", value) + b"\0" * 4 if ptype in (
            PT_LONG, PT_BOOLEAN) else struct.pack("<Q", value))
        self.rows.append((tag << 16 | ptype, v))

    def stream(self, tag, ptype, data):
        if ptype == PT_UNICODE:
            data = data.encode("utf-16-le") + b"\0\0"
        self.node.add(Node("__substg1.0_%04X%04X" % (tag, ptype), data))
        self.rows.append((tag << 16 | ptype,
                          struct.pack("<II", len(data), 0)))

    def done(self):
        rows = b"".join(struct.pack("<II", tag, 6) + v
                        for tag, v in sorted(self.rows))
        self.node.add(Node("__properties_version1.0", self.header + rows))


def make_msg():
    t = T_MSG
    transit = Transit(
        t, SENDER_RELAY, SENDER_IP,
        "server-3.tower-731.messagelabs.com", 153902,
        "server-2.bemta.az-b.eu-west-1.aws.symcld.net", "46.226.52.101",
        "9E/44", 12378, "mail2.bemta37.messagelabs.com", "85.158.142.98",
        "brightmail-100-112-7-41.az-b.eu-west-1.aws.symcld.net",
        "100.112.7.41", "4XQkZ81Hc3", "j.doe@example.com",
        "billing@supplier-payments.example", 27751)
    subject = "Remittance advice 2026-118"
    msgid = "<20261126093709.5101@mail.supplier-payments.example>"
    headers = header_text(transit.fields() + [
        sender_hop(t - 2),
        ("From", FROM),
        ("To", "Jane Doe <j.doe@example.com>"),
        ("Subject", subject),
        ("Date", rfc5322(t - 3)),
        ("Message-ID", msgid),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/mixed; boundary="=_demo_msg_3"'),
    ], eol="\r\n")
    text = ("Dear Jane,\r\n\r\n"
            "Please find our remittance advice attached.\r\n\r\n"
            "Kind regards,\r\n"
            "Supplier Billing\r\n")

    root = Node("Root Entry")
    nameid = root.add(Node("__nameid_version1.0"))
    for tag in ("00020102", "00030102", "00040102"):
        nameid.add(Node("__substg1.0_" + tag, b""))
    p = Props(root, struct.pack("<8xIIII8x", 1, 1, 1, 1))
    p.stream(0x001A, PT_UNICODE, "IPM.Note")
    p.stream(0x0037, PT_UNICODE, subject)
    p.stream(0x0E1D, PT_UNICODE, subject)
    p.stream(0x0C1A, PT_UNICODE, "Supplier Billing")
    p.stream(0x0C1E, PT_UNICODE, "SMTP")
    p.stream(0x0C1F, PT_UNICODE, "billing@supplier-payments.example")
    p.stream(0x5D01, PT_UNICODE, "billing@supplier-payments.example")
    p.stream(0x0042, PT_UNICODE, "Supplier Billing")
    p.stream(0x0E04, PT_UNICODE, "Jane Doe")
    p.stream(0x1000, PT_UNICODE, text)
    p.stream(0x1035, PT_UNICODE, msgid)
    p.stream(0x007D, PT_UNICODE, headers)
    p.fixed(0x0039, PT_SYSTIME, filetime(t - 3))
    p.fixed(0x0E06, PT_SYSTIME, filetime(t + 2))
    p.fixed(0x0E07, PT_LONG, 0x11)  # read, has attachments
    p.fixed(0x0E1B, PT_BOOLEAN, 1)  # has attachments
    p.fixed(0x3FDE, PT_LONG, 20127)  # us-ascii

    r = root.add(Node("__recip_version1.0_#00000000"))
    rp = Props(r, b"\0" * 8)
    rp.fixed(0x0C15, PT_LONG, 1)  # To
    rp.fixed(0x3000, PT_LONG, 0)  # row id
    rp.stream(0x3001, PT_UNICODE, "Jane Doe")
    rp.stream(0x3002, PT_UNICODE, "SMTP")
    rp.stream(0x3003, PT_UNICODE, "j.doe@example.com")
    rp.stream(0x39FE, PT_UNICODE, "j.doe@example.com")
    rp.done()

    a = root.add(Node("__attach_version1.0_#00000000"))
    ap = Props(a, b"\0" * 8)
    ap.fixed(0x0E20, PT_LONG, len(EICAR))  # size
    ap.fixed(0x3705, PT_LONG, 1)  # ATTACH_BY_VALUE
    ap.fixed(0x370B, PT_LONG, 0xFFFFFFFF)  # rendering position
    ap.fixed(0x0E21, PT_LONG, 0)  # attach number
    ap.stream(0x3701, PT_BINARY, EICAR)
    ap.stream(0x3001, PT_UNICODE, "eicar.com")
    ap.stream(0x3703, PT_UNICODE, ".com")
    ap.stream(0x3704, PT_UNICODE, "eicar.com")
    ap.stream(0x3707, PT_UNICODE, "eicar.com")
    ap.stream(0x370E, PT_UNICODE, "application/octet-stream")
    ap.done()
    p.done()
    return cfb(root)


FILES = [
    ("eicar.eml", make_eicar),
    ("eicar-zip.eml", make_eicar_zip),
    ("outlook.msg", make_msg),
    ("forged-gateway.eml", make_forged),
    ("vendor-receipt.eml", make_receipt),
    ("vendor-result.eml", make_result),
]


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    assert len(EICAR) == 68
    assert hashlib.sha256(EICAR).hexdigest() == EICAR_SHA256
    assert hashlib.md5(EICAR).hexdigest() == EICAR_MD5
    os.makedirs(out, exist_ok=True)
    for name, make in FILES:
        with open(os.path.join(out, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main(sys.argv)
