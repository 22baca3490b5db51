#!/usr/bin/env python3
"""Deterministic file corpora for the lf-hash benchmark.

  large/  4 files of 512 MiB (2 GiB in all)
  small/  20,000 files of 1 KiB to 1 MiB, sizes log-uniform, in 200
          directories of 100 (about 3 GB in all)

Content comes from a 64 MiB pool produced by AES-256-CTR over zeros with a
fixed key (openssl), sliced at seeded offsets: random-looking, and the same
bytes on every run.  An existing corpus with the right manifest is kept.
"""
import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys

MIB = 1024 * 1024
POOL = 64 * MIB


def pool_bytes():
    out = subprocess.run(
        ["openssl", "enc", "-aes-256-ctr", "-nosalt", "-K", "11" * 32,
         "-iv", "22" * 16],
        input=b"\0" * POOL, stdout=subprocess.PIPE, check=True).stdout
    return out


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def make_large(root, pool, rng):
    d = os.path.join(root, "large")
    os.makedirs(d, exist_ok=True)
    for i in range(4):
        path = os.path.join(d, "file%d.bin" % i)
        with open(path + ".tmp", "wb") as f:
            for _ in range(512 * MIB // (8 * MIB)):
                off = rng.randrange(0, POOL - 8 * MIB)
                f.write(pool[off:off + 8 * MIB])
        os.replace(path + ".tmp", path)


def make_small(root, pool, rng, count):
    d = os.path.join(root, "small")
    total = 0
    for i in range(count):
        sub = os.path.join(d, "d%03d" % (i // 100))
        os.makedirs(sub, exist_ok=True)
        size = int(math.exp(rng.uniform(math.log(1024), math.log(MIB))))
        off = rng.randrange(0, POOL - size)
        write(os.path.join(sub, "f%05d.bin" % i), pool[off:off + size])
        total += size
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--small-files", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    manifest = os.path.join(a.out, "corpus.json")
    want = {"seed": a.seed, "small_files": a.small_files, "version": 1}
    try:
        with open(manifest) as f:
            if json.load(f) == want:
                return
    except (OSError, ValueError):
        pass
    os.makedirs(a.out, exist_ok=True)
    pool = pool_bytes()
    rng = random.Random(a.seed)
    print("bench: writing the large corpus (2 GiB)", file=sys.stderr)
    make_large(a.out, pool, rng)
    print("bench: writing the small corpus (%d files)" % a.small_files,
          file=sys.stderr)
    make_small(a.out, pool, rng, a.small_files)
    with open(manifest, "w") as f:
        json.dump(want, f)


if __name__ == "__main__":
    main()
