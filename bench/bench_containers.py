#!/usr/bin/python3
"""Time lf-extract on messages whose attachments are zips, against the same
messages with plain attachments.

From the first MESSAGES messages of gen_corpus.py's mbox it writes two
mboxes: plain.mbox (the messages as they are) and zips.mbox (every second
attachment replaced by a deflated zip holding it, and every fifth of those
zips put inside another zip).  It runs lf-extract -o STORE on both, in the
same run, and prints the throughput of each, per byte of the plain mbox
(the same messages and the same attachments), their ratio, peak memory,
and checks that every attachment of the plain mbox is found, by SHA-256,
in the report of the zipped one.
"""
import argparse
import email
import email.encoders
import email.generator
import email.policy
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_extract import fresh, peak_rss_mib, time_cmd, warm  # noqa: E402

MESSAGES = 5000


def messages(mbox, limit):
    """The first limit messages of an mbox, as bytes without From_ lines."""
    cur = None
    n = 0
    with open(mbox, "rb") as f:
        for line in f:
            if line.startswith(b"From "):
                if cur is not None:
                    yield b"".join(cur)
                    n += 1
                    if n == limit:
                        return
                cur = []
            elif cur is not None:
                cur.append(line)
    if cur is not None and n < limit:
        yield b"".join(cur)


def zipped(name, data, nested):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name or "attachment.bin", data)
    if nested:
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr((name or "attachment") + ".zip", buf.getvalue())
        return outer.getvalue()
    return buf.getvalue()


def rewrite(raw, counter):
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.is_multipart() or part.get_filename() is None:
            continue
        counter[0] += 1
        if counter[0] % 2:
            continue
        data = part.get_payload(decode=True) or b""
        counter[1] += 1
        z = zipped(part.get_filename(), data, counter[1] % 5 == 0)
        for h in ("Content-Transfer-Encoding", "Content-Type"):
            del part[h]
        part["Content-Type"] = "application/zip"
        part.set_param("name", (part.get_filename() or "a") + ".zip")
        part.set_payload(z)
        email.encoders.encode_base64(part)
    out = io.BytesIO()
    email.generator.BytesGenerator(out, mangle_from_=True,
                                   maxheaderlen=0).flatten(msg)
    return out.getvalue()


def build(src, out_dir, limit):
    plain = os.path.join(out_dir, "plain.mbox")
    zips = os.path.join(out_dir, "zips.mbox")
    stamp = os.path.join(out_dir, "stamp-%d" % limit)
    if os.path.exists(stamp):
        return plain, zips
    counter = [0, 0]
    with open(plain, "wb") as p, open(zips, "wb") as z:
        for raw in messages(src, limit):
            p.write(b"From bench@example.org Mon Jan  1 00:00:00 2024\n")
            p.write(raw if raw.endswith(b"\n") else raw + b"\n")
            p.write(b"\n")
            z.write(b"From bench@example.org Mon Jan  1 00:00:00 2024\n")
            z.write(rewrite(raw, counter))
            z.write(b"\n")
    open(stamp, "w").write("%d attachments, %d zipped\n" % tuple(counter))
    return plain, zips


def shas(lf, mbox, keep_entries):
    p = subprocess.run([lf, "-q", "--no-store", "--no-type", "--jsonl", mbox],
                       stdout=subprocess.PIPE, check=True)
    found = set()
    for line in p.stdout.splitlines():
        r = json.loads(line)
        for part in r["parts"]:
            # An attached message is rewritten too (its attachments are
            # zipped): those attachments are what is compared.
            if part["kind"] == "message" and not keep_entries:
                continue
            if "object" in part and (part.get("attachment") or keep_entries):
                found.add(part["object"]["sha256"])
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--mbox", required=True, help="gen_corpus.py's mbox")
    ap.add_argument("--out", required=True)
    ap.add_argument("--messages", type=int, default=MESSAGES)
    a = ap.parse_args()
    lf = os.path.join(a.bin, "lf-extract")
    os.makedirs(a.out, exist_ok=True)
    plain, zips = build(a.mbox, a.out, a.messages)
    warm([plain, zips])
    want = shas(lf, plain, False)
    got = shas(lf, zips, True)
    missing = len(want - got)
    print("containers: %d attachments in %d messages; %d not found in the "
          "zipped mbox" % (len(want), a.messages, missing))
    store = os.path.join(a.out, "store")
    size = os.path.getsize(plain)
    t_plain = time_cmd("%s -q -o %s %s" % (lf, store, plain), fresh(store))
    t_zips = time_cmd("%s -q -o %s %s" % (lf, store, zips), fresh(store))
    rss = peak_rss_mib("rm -rf %s && %s -q -o %s %s" % (store, lf, store,
                                                        zips))
    print("  plain      %7.0f MB/s" % (size / t_plain / 1e6))
    print("  zips       %7.0f MB/s  (per byte of the plain messages)"
          % (size / t_zips / 1e6))
    ratio = t_zips / t_plain
    print("  zips take %.2fx the time of plain (floor: within 2x): %s"
          % (ratio, "PASS" if ratio <= 2.0 else "FAIL"))
    print("  peak RSS on the zips: %.1f MiB (floor: 64 MiB): %s"
          % (rss, "PASS" if rss < 64 else "FAIL"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
