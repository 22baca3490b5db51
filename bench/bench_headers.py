#!/usr/bin/python3
"""Time lf-headers on gen_corpus.py's mbox, on one core.

The floor: header analysis of the corpus's 20,000 messages at 50,000
messages per second or more on one core (no DKIM verification).  lf-headers
is single-threaded; it runs pinned to one processor (taskset) all the same.
For scale, the same run times what an analyst would otherwise script:
Python's mailbox with email's BytesHeaderParser (headers only), and prints
the ratio.  Both are checked to find every message first.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_extract import peak_rss_mib, time_cmd  # noqa: E402

FLOOR = 50000  # messages per second, one core

PEER = r"""
import email.parser, email.policy, mailbox, sys
p = email.parser.BytesHeaderParser(policy=email.policy.default)
n = 0
box = mailbox.mbox(sys.argv[1], create=False)
for key in box.iterkeys():
    h = p.parsebytes(box.get_bytes(key))
    h.get_all("Received")
    n += 1
print(n)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--mbox", required=True)
    a = ap.parse_args()
    lf = os.path.join(a.bin, "lf-headers")
    mbox = a.mbox

    out = subprocess.run([lf, "--jsonl", mbox], check=True,
                         stdout=subprocess.PIPE).stdout.splitlines()
    n = len(out)
    for line in out[:1]:
        json.loads(line)
    peer = subprocess.run(["/usr/bin/python3", "-c", PEER, mbox],
                          check=True, stdout=subprocess.PIPE, text=True)
    if int(peer.stdout) != n:
        sys.exit("bench: lf-headers read %d messages, Python %s"
                 % (n, peer.stdout.strip()))
    print("headers: %d messages, %d MB" % (n, os.path.getsize(mbox) / 1e6),
          flush=True)
    cmd = "taskset -c 0 %s --jsonl --trusted-mta mx.example.com %s" % (lf, mbox)
    t_lf = time_cmd(cmd)
    t_py = time_cmd("taskset -c 0 /usr/bin/python3 -c '%s' %s"
                    % (PEER.replace("'", "\""), mbox))
    rate = n / t_lf
    print("  lf-headers --jsonl (one core)      %8.0f messages/s  %s"
          % (rate, cmd))
    print("  python3 email BytesHeaderParser    %8.0f messages/s"
          % (n / t_py))
    print("  lf-headers is %.1fx Python; floor %d messages/s: %s"
          % (t_py / t_lf, FLOOR, "PASS" if rate >= FLOOR else "BELOW"))
    print("  peak RSS: %.1f MiB" % peak_rss_mib("%s --jsonl %s" % (lf, mbox)))


if __name__ == "__main__":
    main()
