#!/usr/bin/python3
"""Time lf-hash against its peers on the corpora of gen_files.py.

Every figure is measured in the same run, after the page cache is warm,
and reported as a ratio: these machines are shared and noisy.  The ideal
is what OpenSSL's own digest loops reach on all cores (`openssl speed
-multi N -bytes 16384`) for the chosen digests: 1 / sum(1 / speed).
"""
import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

RUNS = 5


def warm(paths):
    for p in paths:
        subprocess.run("find '%s' -type f -exec cat {} + >/dev/null" % p,
                       shell=True, check=True)


def corpus_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def time_cmd(cmd):
    """Median wall time of RUNS runs (hyperfine), after one warm-up."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "1",
                        "--runs", str(RUNS), "--export-json", out.name, cmd],
                       check=True, stdout=subprocess.DEVNULL)
        res = json.load(open(out.name))["results"][0]
    return statistics.median(res["times"])


def peak_rss_mib(cmd):
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "sh", "-c",
                        cmd + " >/dev/null"], stderr=subprocess.PIPE,
                       check=True, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024.0


def openssl_speed(algs, procs):
    """MB/s (1e6 bytes) per algorithm, all processes together."""
    p = subprocess.run(["openssl", "speed", "-multi", str(procs), "-seconds",
                        "3", "-bytes", "16384"] + algs,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True, check=True)
    speed = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^(md5|sha1|sha256|sha512)\s+([0-9.]+)k\s*$", line)
        if m:
            speed[m.group(1)] = float(m.group(2)) * 1000 / 1e6
    return speed


def ideal(speed, algs):
    return 1.0 / sum(1.0 / speed[a] for a in algs)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    lf = os.path.join(a.bin, "lf-hash")
    large = os.path.join(a.data, "large")
    small = os.path.join(a.data, "small")
    nproc = os.cpu_count() or 1
    warm([large, small])
    speed = openssl_speed(["md5", "sha1", "sha256"], nproc)
    three = ["md5", "sha1", "sha256"]
    results = []

    def row(corpus, path, label, cmd, nbytes, peer=None, floor=None,
            ideal_mbs=None, ideal_floor=None):
        secs = time_cmd(cmd)
        mbs = nbytes / secs / 1e6
        results.append((corpus, label, mbs, peer, floor, ideal_mbs,
                        ideal_floor))
        return mbs

    lines = []
    for corpus, path in (("large: 4 x 512 MiB", large),
                         ("small: 20,000 x 1 KiB-1 MiB", small)):
        nbytes = corpus_bytes(path)
        files = sorted(glob.glob(os.path.join(path, "*")))
        hd = row(corpus, path, "hashdeep -c md5,sha1,sha256",
                 "hashdeep -c md5,sha1,sha256 -r %s" % path, nbytes)
        row(corpus, path, "lf-hash -c md5,sha1,sha256",
            "%s -q -c md5,sha1,sha256 -r %s" % (lf, path), nbytes,
            peer=("hashdeep", hd), floor=2.5,
            ideal_mbs=ideal(speed, three), ideal_floor=0.90)
        if path == large:
            s256 = row(corpus, path, "sha256sum",
                       "sha256sum %s" % " ".join(files), nbytes)
            row(corpus, path, "lf-hash -c sha256",
                "%s -q -c sha256 -r %s" % (lf, path), nbytes,
                peer=("sha256sum", s256), floor=3.0)
            one = files[0]
            row("one file of 512 MiB", one, "lf-hash -c md5,sha1,sha256",
                "%s -q -c md5,sha1,sha256 %s" % (lf, one),
                os.path.getsize(one), ideal_mbs=ideal(speed, three))

    print("openssl speed -multi %d (MB/s): %s" % (nproc, ", ".join(
        "%s %.0f" % (k, v) for k, v in sorted(speed.items()))))
    print("ideal for md5+sha1+sha256 on %d cores: %.0f MB/s\n" % (
        nproc, ideal(speed, three)))
    print("%-28s %-30s %8s  %s" % ("corpus", "command", "MB/s", "ratios"))
    ok = True
    for corpus, label, mbs, peer, floor, ideal_mbs, ideal_floor in results:
        notes = []
        if peer:
            r = mbs / peer[1]
            met = r >= floor
            ok &= met
            notes.append("%.2fx %s (floor %.1fx%s)" % (
                r, peer[0], floor, "" if met else ", NOT MET"))
        if ideal_mbs:
            r = mbs / ideal_mbs
            txt = "%.0f%% of ideal" % (100 * r)
            if ideal_floor:
                met = r >= ideal_floor
                ok &= met
                txt += " (floor %.0f%%%s)" % (100 * ideal_floor,
                                             "" if met else ", NOT MET")
            notes.append(txt)
        print("%-28s %-30s %8.0f  %s" % (corpus, label, mbs,
                                          "; ".join(notes)))
    print()
    for label, cmd in (
            ("large, md5,sha1,sha256", "%s -q -c md5,sha1,sha256 -r %s" % (
                lf, large)),
            ("small, all six and --type",
             "%s -q --type -c md5,sha1,sha256,sha512,ssdeep,tlsh -r %s" % (
                 lf, small))):
        rss = peak_rss_mib(cmd)
        met = rss < 32
        ok &= met
        print("peak memory, %-28s %6.1f MiB (floor < 32 MiB%s)" % (
            label, rss, "" if met else ", NOT MET"))
    print("\nall floors met" if ok else "\nsome floors NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
