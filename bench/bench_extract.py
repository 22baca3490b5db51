#!/usr/bin/python3
"""Time lf-extract against GMime and ripmime on the corpus of gen_corpus.py.

Every figure is measured in the same run, after the page cache is warm, as
the median of RUNS runs, and reported as MB/s (1e6 bytes of input per
second) and as a ratio against its peer: these machines are shared and
noisy.  Peers:
  gmime_extract --decode / --sha256   GMime 3 parsing and decoding every
                                      part (bench/gmime_extract.c)
  ripmime                             a tool that writes every part out
Runs that write start from an empty, synced output directory (hyperfine
--prepare).  The previous run's output is moved aside, not removed, and
everything is removed at the end: ext4 without a journal, as here, passes
over inodes freed in the last 60 s (360 s while their inode table block
holds changes not yet written back, as it does again as soon as a new
inode lands in it) when it allocates one, so a run that follows the
removal of the last run's tens of thousands of files is charged for them.
ripmime --mailbox, which writes every file into one directory, took 26 s
and then 65 s in two runs that followed each other that way.
"""
import argparse
import base64
import hashlib
import json
import math
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile

RUNS = 3
MIB = 1024 * 1024
BIG_MIB = 300
BIG_SEED = 300


def ensure_corpus(gen, out, messages):
    """Run gen_corpus.py unless the stamp says this corpus is there."""
    with open(gen, "rb") as f:
        stamp = "%s %s --messages %d\n" % (
            os.path.basename(gen), hashlib.sha256(f.read()).hexdigest(),
            messages)
    path = os.path.join(out, "stamp")
    if os.path.exists(path) and open(path).read() == stamp:
        return
    print("generating the corpus in %s" % out, flush=True)
    subprocess.run(["rm", "-rf", out], check=True)
    subprocess.run(["/usr/bin/python3", gen, "--out", out, "--messages",
                    str(messages)], check=True, stdout=subprocess.DEVNULL)
    with open(path, "w") as f:
        f.write(stamp)


def ensure_big(out):
    """One message with a base64 attachment of BIG_MIB MiB of seeded random
    bytes; returns (path, sha256 of the attachment)."""
    path = os.path.join(out, "big-%dmib-seed%d.eml" % (BIG_MIB, BIG_SEED))
    if os.path.exists(path + ".sha256"):
        return path, open(path + ".sha256").read().strip()
    rng = random.Random(BIG_SEED)
    digest = hashlib.sha256()
    with open(path + ".tmp", "wb") as f:
        f.write(b"From: bench@example.org\nTo: bench@example.net\n"
                b"Subject: one large attachment\nMIME-Version: 1.0\n"
                b"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
                b"--b\nContent-Type: text/plain\n\nsee attached\n\n"
                b"--b\nContent-Type: application/octet-stream\n"
                b"Content-Transfer-Encoding: base64\n"
                b"Content-Disposition: attachment; filename=\"big.bin\"\n\n")
        chunk = 57 * 16384  # whole 76-column base64 lines
        left = BIG_MIB * MIB
        while left:
            data = rng.randbytes(min(chunk, left))
            digest.update(data)
            f.write(base64.encodebytes(data))
            left -= len(data)
        f.write(b"\n--b--\n")
    os.replace(path + ".tmp", path)
    with open(path + ".sha256", "w") as f:
        f.write(digest.hexdigest() + "\n")
    return path, digest.hexdigest()


def warm(paths):
    for p in paths:
        subprocess.run("find '%s' -type f -exec cat {} + >/dev/null" % p,
                       shell=True, check=True)


def time_cmd(cmd, prepare=None):
    """Median wall time of RUNS runs (hyperfine, no shell; its output goes
    to /dev/null).  prepare runs before each run, untimed."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = ["hyperfine", "-N", "--style", "none", "--runs", str(RUNS),
                "--export-json", out.name]
        if prepare:
            args += ["--prepare", prepare]
        subprocess.run(args + [cmd], check=True, stdout=subprocess.DEVNULL)
        res = json.load(open(out.name))["results"][0]
    return statistics.median(res["times"])


def fresh(path, mkdir=False):
    """A --prepare command: move path into a new directory beside it (see
    above for why not remove it), maybe recreate it, flush writes of the
    previous run so that they are not charged to the next."""
    q = shlex.quote(path)
    aside = shlex.quote(os.path.join(os.path.dirname(path), "aside"))
    s = ("if [ -e %s ]; then mkdir -p %s && "
         "mv %s \"$(mktemp -d %s/run.XXXXXX)\"; fi" % (q, aside, q, aside))
    if mkdir:
        s += " && mkdir %s" % q
    return "sh -c %s" % shlex.quote(s + " && sync")


def peak_rss_mib(cmd):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c",
                        cmd + " >/dev/null"], stderr=subprocess.PIPE,
                       check=True, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0


def sha256s(obj, into):
    """Every "sha256" value anywhere in a JSON report."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "sha256" and isinstance(v, str):
                into.add(v)
            else:
                sha256s(v, into)
    elif isinstance(obj, list):
        for v in obj:
            sha256s(v, into)


def check(lf, gm, mbox, big, big_sha, want):
    """Correctness before speed: both sides must find the attachments."""
    inline = [w for w in want if w["cte"] == "uuencode-inline"]
    p = subprocess.run([gm, "-v", "--sha256", mbox], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, check=True)
    have = set(line.split("\t")[0] for line in p.stdout.splitlines())
    found = sum(w["sha256"] in have for w in want)
    print("gmime_extract --sha256: found %d of %d manifest attachments "
          "(%d are uuencoded inside text, not MIME parts); %s" % (
              found, len(want), len(inline), p.stderr.strip()))

    p = subprocess.Popen([lf, "-q", "--no-store", "--no-type", "--jsonl",
                          "-c", "sha256", mbox], stdout=subprocess.PIPE,
                         text=True)
    have, msgs, atts = set(), 0, 0
    for line in p.stdout:
        rep = json.loads(line)
        msgs += 1
        atts += rep.get("counts", {}).get("attachments", 0)
        sha256s(rep, have)
    rc = p.wait()
    found = sum(w["sha256"] in have for w in want)
    print("lf-extract --jsonl: exit %d, %d messages, %d attachments "
          "counted, found %d of %d manifest attachments" % (
              rc, msgs, atts, found, len(want)))

    p = subprocess.run([lf, "-q", "--no-store", "--no-type", "--jsonl",
                        "-c", "sha256", big], stdout=subprocess.PIPE,
                       text=True)
    have = set()
    for line in p.stdout.splitlines():
        sha256s(json.loads(line), have)
    print("lf-extract on the %d MiB attachment: exit %d, sha256 %s" % (
        BIG_MIB, p.returncode, "matches" if big_sha in have else "MISSING"))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True, help="lf-extract's directory")
    ap.add_argument("--gmime", required=True, help="gmime_extract")
    ap.add_argument("--gen", required=True, help="gen_corpus.py")
    ap.add_argument("--data", required=True)
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--corpus-only", action="store_true",
                    help="make the corpus, time nothing")
    a = ap.parse_args()
    lf = os.path.join(a.bin, "lf-extract")
    gm = a.gmime
    for prog in (lf, gm):
        if not os.access(prog, os.X_OK):
            sys.exit("bench_extract: '%s' missing: run make bench" % prog)
    ensure_corpus(a.gen, a.data, a.messages)
    if a.corpus_only:
        return 0
    big, big_sha = ensure_big(a.data)
    mbox = os.path.join(a.data, "corpus.mbox")
    eml = os.path.join(a.data, "eml")
    want = []
    for line in open(os.path.join(a.data, "manifest.jsonl")):
        want += json.loads(line)["attachments"]
    work = tempfile.mkdtemp(prefix="out-", dir=a.data)
    try:
        return measure(a, lf, gm, mbox, eml, big, big_sha, want, work)
    finally:
        subprocess.run(["rm", "-rf", work], check=True)


def measure(a, lf, gm, mbox, eml, big, big_sha, want, work):
    mbox_bytes = os.path.getsize(mbox)
    eml_bytes = sum(e.stat().st_size for e in os.scandir(eml))
    store = os.path.join(work, "store")
    out = os.path.join(work, "out")
    warm([mbox, eml, big])
    check(lf, gm, mbox, big, big_sha, want)
    print(flush=True)

    mbs = {}

    def run(key, cmd, nbytes, prepare=None):
        mbs[key] = nbytes / time_cmd(cmd, prepare) / 1e6
        print("  %-12s %7.0f MB/s  %s" % (key, mbs[key], cmd), flush=True)

    q = shlex.quote
    lfq = "%s -q" % q(lf)
    run("gm-decode", "%s --decode %s" % (q(gm), q(mbox)), mbox_bytes)
    run("gm-sha256", "%s --sha256 %s" % (q(gm), q(mbox)), mbox_bytes)
    run("lf-nostore6", "%s --no-store --no-type -c %s %s" % (
        lfq, "md5,sha1,sha256,sha512,ssdeep,tlsh", q(mbox)), mbox_bytes)
    run("lf-nostore3", "%s --no-store --no-type -c md5,sha1,sha256 %s" % (
        lfq, q(mbox)), mbox_bytes)
    run("gm-write", "%s --write %s %s" % (q(gm), q(out), q(mbox)),
        mbox_bytes, fresh(out))
    run("lf-store", "%s -o %s %s" % (lfq, q(store), q(mbox)), mbox_bytes,
        fresh(store))
    stored = sum(os.path.exists(os.path.join(store, "objects",
                                             w["sha256"][:2], w["sha256"]))
                 for w in want)
    run("rip-mbox", "ripmime --mailbox -i %s -d %s" % (q(mbox), q(out)),
        mbox_bytes, fresh(out, True))
    rip_files = {"mbox": len(os.listdir(out))}
    run("lf-store-eml", "%s -o %s %s" % (lfq, q(store), q(eml)), eml_bytes,
        fresh(store))
    # ripmime -i FILE once per file, each into a directory of its own: in
    # one shared directory every new process looks for a free name by
    # stat()ing textfile0, textfile1, ... from 0, which grows quadratic.
    loop = ('for f in %s/*.eml; do d=%s/${f##*/}; mkdir "$d" && '
            'ripmime -i "$f" -d "$d" || exit 1; done' % (q(eml), q(out)))
    run("rip-eml", "sh -c %s" % q(loop), eml_bytes, fresh(out, True))
    rip_files["eml/ once per file"] = sum(
        len(os.listdir(e.path)) for e in os.scandir(out))
    # ripmime 1.4 also recurses into a directory given to -i by itself.
    run("rip-eml-dir", "ripmime -i %s -d %s" % (q(eml), q(out)), eml_bytes,
        fresh(out, True))
    rip_files["eml/ recursing"] = len(os.listdir(out))

    rss = [("mbox, -o STORE", "%s -o %s %s" % (lfq, q(store), q(mbox)),
            fresh(store)),
           ("mbox, --no-store --no-type",
            "%s --no-store --no-type %s" % (lfq, q(mbox)), None),
           ("%d MiB attachment, -o STORE" % BIG_MIB,
            "%s -o %s %s" % (lfq, q(store), q(big)), fresh(store)),
           ("%d MiB attachment, --no-store" % BIG_MIB,
            "%s --no-store --no-type %s" % (lfq, q(big)), None)]
    peaks = []
    for label, cmd, prep in rss:
        if prep:
            subprocess.run(shlex.split(prep), check=True)
        peaks.append((label, peak_rss_mib(cmd)))

    print("\ncorpus: %d messages, corpus.mbox %.0f MB, eml/ %.0f MB; "
          "median of %d runs, warm cache" % (
              a.messages, mbox_bytes / 1e6, eml_bytes / 1e6, RUNS))
    print("lf-extract -o STORE kept %d of %d manifest attachments" % (
        stored, len(want)))
    print("ripmime wrote %s\n" % ", ".join(
        "%d files from %s" % (n, k) for k, n in rip_files.items()))
    rows = [
        ("mbox", "gmime_extract --decode", "gm-decode", None),
        ("mbox", "gmime_extract --sha256", "gm-sha256", None),
        ("mbox", "lf-extract --no-store --no-type -c md5,sha1,sha256",
         "lf-nostore3", [("gm-decode", 1.0), ("gm-sha256", 2.0)]),
        ("mbox", "  the same, all six digests", "lf-nostore6", None),
        ("mbox", "gmime_extract --write DIR", "gm-write", None),
        ("mbox", "ripmime --mailbox", "rip-mbox", None),
        ("mbox", "lf-extract -o STORE", "lf-store", [("rip-mbox", 3.0)]),
        ("eml/", "ripmime -i FILE -d DIR/FILE (sh)", "rip-eml", None),
        ("eml/", "ripmime -i eml/ (recursing)", "rip-eml-dir", None),
        ("eml/", "lf-extract -o STORE eml/", "lf-store-eml",
         [("rip-eml", 1.0), ("rip-eml-dir", 1.0)]),
    ]
    ok = True
    print("%-6s %-50s %8s  %s" % ("input", "command", "MB/s", "ratios"))
    for inp, label, key, peers in rows:
        notes = []
        for peer, floor in peers or []:
            r = mbs[key] / mbs[peer]
            ok &= r >= floor
            # Truncated, not rounded: 1.996x shows as 1.99x BELOW.
            notes.append("%.2fx %s (floor %.1fx: %s)" % (
                math.floor(r * 100) / 100, peer, floor,
                "PASS" if r >= floor else "BELOW"))
        print("%-6s %-50s %8.0f  %s" % (inp, label, mbs[key],
                                        "; ".join(notes)))
    print()
    for label, mib in peaks:
        ok &= mib < 64
        print("peak RSS, %-34s %6.1f MiB (floor < 64 MiB: %s)" % (
            label, mib, "PASS" if mib < 64 else "BELOW"))
    print("\nall floors met" if ok else "\nsome floors NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
