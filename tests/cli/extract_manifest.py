#!/usr/bin/python3
"""Every attachment of a gen_corpus.py manifest, found by lf-extract.

  extract_manifest.py MANIFEST REPORTS.jsonl mbox|eml

For each message of the manifest, the report of the same message (by its
mbox offset, or by its .eml file) has the same size, and among its
attachments each of the manifest's: same SHA-256, same size, and the same
decoded file name (plain, RFC 2047 and RFC 2231 forms all decode to it).
"""
import collections
import json
import os
import sys


def main():
    manifest, reports, mode = sys.argv[1:4]
    ours = {}
    for line in open(reports, encoding="utf-8"):
        r = json.loads(line)
        key = r["mbox_offset"] if mode == "mbox" else \
            os.path.basename(r["source"])
        ours[key] = r
    failures = 0
    messages = attachments = 0
    for line in open(manifest, encoding="utf-8"):
        m = json.loads(line)
        key = m["mbox_offset"] if mode == "mbox" else \
            os.path.basename(m["eml"])
        r = ours.get(key)
        messages += 1
        if r is None:
            print("FAIL: message %d: no report" % m["i"])
            failures += 1
            continue
        if r["message"]["size"] != m["bytes"]:
            print("FAIL: message %d: size %d, not %d" %
                  (m["i"], r["message"]["size"], m["bytes"]))
            failures += 1
        found = collections.Counter(
            (p["object"]["sha256"], p["object"]["size"],
             p.get("name", {}).get("decoded"))
            for p in r["parts"] if p["attachment"] and p.get("object"))
        for a in m["attachments"]:
            attachments += 1
            want = (a["sha256"], a["size"], a["filename"])
            if found[want] > 0:
                found[want] -= 1
                continue
            print("FAIL: message %d: %s (%s, %s) not found" %
                  (m["i"], a["filename"], a["fname_style"], a["cte"]))
            failures += 1
    print("%s: %d messages, %d attachments, %d failures" %
          (mode, messages, attachments, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
