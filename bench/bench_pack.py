#!/usr/bin/python3
"""Time lf-pack and lf-verify against the stock tools doing the same job.

The samples: --mib MiB (1 GiB by default) of seeded random bytes, a few
large (LARGE of a fifth of the whole each, 4 x 205 MiB for 1 GiB) and many
small (the rest in 1 MiB files), each the attachment of its own message.  lf-extract takes the messages apart into a
quarantine store once (untimed); then, in the same run:

  pack    lf-pack --store STORE REPORTS (one bundle), against the stock
          way of sealing the same files (every sample and every message
          the store holds): `7zz a -tzip -mx0 -mem=AES256 -pinfected` per
          file, then sha256sum and sha512sum over the sealed files;
  verify  lf-verify on the bundle (its tar, and its bag extracted),
          against `sha512sum -c` plus `sha256sum -c` of the bag's
          manifests and tag manifests, in the extracted bag.

It prints wall times (medians of RUNS, hyperfine), the ratios, and the
peak memory of lf-pack and lf-verify.  Before timing it checks that the
bundle verifies, and that 7-Zip gives back a sample from it.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_extract  # noqa: E402
from bench_extract import fresh, peak_rss_mib, time_cmd, warm  # noqa: E402

LARGE = 4
DIGESTS = "md5,sha1,sha256,sha512,ssdeep,tlsh"
EPOCH = "1764331200"


def sizes(mib):
    large = mib // 5
    return [large << 20] * LARGE + [1 << 20] * (mib - LARGE * large)


def make_messages(out, mib):
    """One message per sample, written once (a stamp says so)."""
    stamp = os.path.join(out, "messages-%d.stamp" % mib)
    if os.path.exists(stamp):
        return
    msgs = os.path.join(out, "messages")
    rnd = random.Random(20261128)
    subprocess.run(["rm", "-rf", msgs, os.path.join(out, "store.stamp")],
                   check=True)
    os.makedirs(msgs)
    for i, n in enumerate(sizes(mib)):
        data = rnd.randbytes(n)
        with open(os.path.join(msgs, "%04d.eml" % i), "wb") as f:
            f.write(b"From: sender@example.org\r\nTo: soc@example.net\r\n"
                    b"Subject: sample %d\r\nMIME-Version: 1.0\r\n"
                    b"Content-Type: application/octet-stream; "
                    b"name=\"s%d.bin\"\r\n"
                    b"Content-Transfer-Encoding: base64\r\n\r\n" % (i, i))
            f.write(base64.encodebytes(data).replace(b"\n", b"\r\n"))
    open(stamp, "w").close()


def make_store(bins, out):
    """The store and its reports, by lf-extract with every digest."""
    store = os.path.join(out, "store")
    reports = os.path.join(out, "reports.jsonl")
    stamp = os.path.join(out, "store.stamp")
    if os.path.exists(stamp):
        return store, reports
    subprocess.run(["rm", "-rf", store], check=True)
    with open(reports, "wb") as f:
        subprocess.run([os.path.join(bins, "lf-extract"), "-o", store, "-c",
                        DIGESTS, "--jsonl", os.path.join(out, "messages")],
                       stdout=f, check=True)
    open(stamp, "w").close()
    return store, reports


def stored_files(store):
    files = []
    for root, _, names in os.walk(os.path.join(store, "objects")):
        files += [os.path.join(root, n) for n in names]
    return sorted(files)


def stock_pack_script(files, out):
    """The stock tools sealing the same files: a shell script."""
    lines = ["set -e", "cd %s" % shlex.quote(out)]
    for p in files:
        name = os.path.basename(p)
        lines.append("7zz a -tzip -mx0 -mem=AES256 -pinfected -bso0 -bsp0 "
                     "%s.zip %s" % (name, shlex.quote(p)))
    lines.append("sha256sum -- *.zip >manifest-sha256.txt")
    lines.append("sha512sum -- *.zip >manifest-sha512.txt")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mib", type=int, default=1024)
    a = ap.parse_args()
    a.data = os.path.abspath(a.data)
    bench_extract.RUNS = a.runs
    os.makedirs(a.data, exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    os.environ.update(env)
    make_messages(a.data, a.mib)
    store, reports = make_store(a.bin, a.data)
    files = stored_files(store)
    total = sum(os.path.getsize(p) for p in files)
    key = os.path.join(a.data, "bench")
    if not os.path.exists(key + ".key"):
        subprocess.run([os.path.join(a.bin, "lf-keygen"), "-o", key],
                       check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(a.data, "bundles")
    pack = ("%s -q -k %s.key -o %s --bundle-size 100000000000 --store %s %s"
            % (os.path.join(a.bin, "lf-pack"), shlex.quote(key),
               shlex.quote(out), shlex.quote(store), shlex.quote(reports)))
    script = os.path.join(a.data, "stock-pack.sh")
    stock_out = os.path.join(a.data, "stock")
    with open(script, "w") as f:
        f.write(stock_pack_script(files, stock_out))

    # Correctness first: the bundle verifies, 7-Zip opens a sample.
    subprocess.run(fresh(out, True), shell=True, check=True)
    bundle = subprocess.run(pack, shell=True, check=True, text=True,
                            stdout=subprocess.PIPE).stdout.split()[0]
    bag = os.path.join(a.data, "bag")
    subprocess.run("rm -rf %s && mkdir %s && tar -C %s -xf %s" % (
        bag, bag, bag, bundle), shell=True, check=True)
    bagdir = os.path.join(bag, os.path.basename(bundle)[:-4])
    verify = "%s -q --pubkey %s.pub %s" % (
        os.path.join(a.bin, "lf-verify"), shlex.quote(key),
        shlex.quote(bundle))
    verify_dir = "%s -q --pubkey %s.pub %s" % (
        os.path.join(a.bin, "lf-verify"), shlex.quote(key),
        shlex.quote(bagdir))
    subprocess.run(verify, shell=True, check=True)
    m = json.load(open(os.path.join(bagdir, "data", "manifest.json")))
    first = m["samples"][0]
    got = subprocess.run(["7zz", "x", "-so", "-pinfected",
                          os.path.join(bagdir, first["sealed"]["file"])],
                         check=True, stdout=subprocess.PIPE).stdout
    assert hashlib.sha256(got).hexdigest() == first["object"]["sha256"]
    stock_verify = ("sh -c %s" % shlex.quote(
        "cd %s && sha512sum --quiet -c tagmanifest-sha512.txt "
        "manifest-sha512.txt && sha256sum --quiet -c tagmanifest-sha256.txt "
        "manifest-sha256.txt" % shlex.quote(bagdir)))
    subprocess.run(stock_verify, shell=True, check=True)

    print("pack: %d files sealed (%d samples, %d messages), %.0f MB"
          % (len(files), len(m["samples"]), len(m["messages"]), total / 1e6))
    warm([store])
    t_stock = time_cmd("sh %s" % shlex.quote(script),
                       prepare=fresh(stock_out, True))
    t_pack = time_cmd(pack, prepare=fresh(out, True))
    print("  stock (7zz per file, sha256sum, sha512sum)  %6.2f s  %5.0f MB/s"
          % (t_stock, total / 1e6 / t_stock))
    print("  lf-pack --store                             %6.2f s  %5.0f MB/s"
          "  %.2fx (floor 1.5x)" % (t_pack, total / 1e6 / t_pack,
                                    t_stock / t_pack))
    subprocess.run(fresh(out, True), shell=True, check=True)
    print("  lf-pack peak RSS %.1f MiB (floor 64)" % peak_rss_mib(pack))

    size = os.path.getsize(bundle)
    print("verify: bundle of %.0f MB" % (size / 1e6))
    subprocess.run(fresh(out, True), shell=True, check=True)
    subprocess.run(pack, shell=True, check=True, stdout=subprocess.DEVNULL)
    warm([out, bagdir])
    t_sums = time_cmd(stock_verify)
    t_tar = time_cmd(verify)
    t_dir = time_cmd(verify_dir)
    print("  sha512sum -c + sha256sum -c (bag)           %6.2f s  %5.0f MB/s"
          % (t_sums, size / 1e6 / t_sums))
    print("  lf-verify BUNDLE.tar                        %6.2f s  %5.0f MB/s"
          "  %.2fx (floor 3x)" % (t_tar, size / 1e6 / t_tar, t_sums / t_tar))
    print("  lf-verify BAG-DIR                           %6.2f s  %5.0f MB/s"
          "  %.2fx" % (t_dir, size / 1e6 / t_dir, t_sums / t_dir))
    print("  lf-verify peak RSS %.1f MiB (floor 64)" % peak_rss_mib(verify))


if __name__ == "__main__":
    main()
