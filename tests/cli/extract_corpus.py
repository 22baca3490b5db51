#!/usr/bin/python3
"""lf-extract against the public corpora and what other parsers found there.

  extract_corpus.py LF_EXTRACT CORPORA

For every message in CORPORA/mail/*/expected.jsonl (two reference parsers,
Python's email and Node's mailparser, one line each):
  - where both list the same attachments, lf-extract finds every one of
    them, with the same SHA-256;
  - where they differ, DISAGREE below says which answer lf-extract gives
    ("python", "node" or "both": it finds all of one's, or both's) and why;
    a disagreement missing from the table, or one that no longer holds,
    fails the test, so the table stays true.
Then every decoded body mime4j expects (aux/*_decoded_*.txt|bin named in
aux/*_decoded.xml) is one of lf-extract's objects, byte for byte, except
for MIME4J below, where the answer differs on purpose and the test checks
lf-extract's own answer instead.
Messages named "mbox/NAME#N" are the Nth message of that mbox.
"""
import collections
import hashlib
import json
import os
import re
import subprocess
import sys

ATTACHED = ("an attached message (RFC 2046 5.2.1) is an object of its own, "
            "its raw bytes, as Node reports it, and it is taken apart into "
            "its parts, as Python does")
CLOSE_MISSING = ("a multipart without its close delimiter still has the "
                 "parts its delimiters open (RFC 2046 5.1.1); Python keeps "
                 "the whole body as one blob instead")
NO_DELIMITER = ("a multipart whose boundary never starts a line has no "
                "parts, only a preamble (RFC 2046 5.1.1): kept as its "
                "preamble object, not an attachment; Python calls the body "
                "an attachment")
NO_BOUNDARY = ("a multipart without a boundary parameter cannot be split "
               "(RFC 2046 5.1.1 requires it): its body is kept whole as one "
               "attachment, as Python does; Node drops it")
PREFIX = ("RFC 2046 5.1.1: a line that starts with the boundary is a "
          "delimiter, whatever follows on it; Python requires the exact "
          "line and keeps the whole multipart as a blob")
PARTIAL = ("a message/partial fragment (RFC 2046 5.2.2) is kept whole as "
           "one object, as Node does; Python decodes the fragment as if it "
           "were complete, which gives a truncated file")
AFTER_CLOSE = ("parts after the close delimiter, and parts a damaged "
               "delimiter opens, are parsed (with anomalies): hiding an "
               "attachment from one reader that way is an evasion")
BAD_TYPE = ("a part whose Content-Type is missing or malformed gets the "
            "RFC 2045 5.2 default for its content (text/plain) but counts "
            "as an attachment, as Node shows it")
BASE64_JUNK = ("RFC 2045 6.8: characters outside the base64 alphabet are "
               "ignored and decoding goes on, as Python does; Node stops at "
               "the first one")
SUFFIX = ("the text after a delimiter on its line is not content "
          "(RFC 2046 5.1.1 prefix rule), as Python reads it; Node keeps it "
          "in the part")
MBOX_END = ("the file starts with a From_ line, so it is read as an mbox "
            "(RFC 4155): the empty line that ends its last message is the "
            "separator, not content; Python keeps it")
EMPTY = ("an empty multipart has no parts; Python reports its empty body "
         "as an attachment")
SMIME = ("an application/pkcs7-mime object is an attachment, and the "
         "message it signs is taken apart too (RFC 8551 3.2)")

DISAGREE = {
    "cpython-test_email/messages/msg_05.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_06.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_11.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_14.txt": ("both", BAD_TYPE),
    "cpython-test_email/messages/msg_15.txt": ("node", AFTER_CLOSE),
    "cpython-test_email/messages/msg_16.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_17.txt": ("node", CLOSE_MISSING),
    "cpython-test_email/messages/msg_25.txt": ("node", NO_BOUNDARY),
    "cpython-test_email/messages/msg_28.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_31.txt": ("node", CLOSE_MISSING),
    "cpython-test_email/messages/msg_36.txt": ("both", ATTACHED),
    "cpython-test_email/messages/msg_39.txt": ("node", AFTER_CLOSE),
    "cpython-test_email/messages/msg_41.txt": ("both", NO_BOUNDARY),
    "cpython-test_email/messages/msg_42.txt": ("node", ATTACHED),
    "cpython-test_email/messages/msg_46.txt": ("both", ATTACHED),
    "enmime/messages/low-quality__bad-header-wrap.raw":
        ("python", BASE64_JUNK),
    "enmime/messages/mail__epilogue-sample.raw": ("python", SUFFIX),
    "enmime/messages/mail__header-only.raw": ("node", EMPTY),
    "enmime/messages/mail__multipart-wo-boundary.raw": ("both", NO_BOUNDARY),
    "enmime/messages/parts__empty-ctype-bad-content.raw": ("both", BAD_TYPE),
    "gmime/messages/photo-discuss__message-partial.0.eml": ("node", PARTIAL),
    "gmime/messages/photo-discuss__message-partial.1.eml": ("both", PARTIAL),
    "gmime/messages/photo-discuss__message-partial.2.eml": ("both", PARTIAL),
    "mime4j/messages/bad-newlines-multiple-parts-base64.msg":
        ("both", ATTACHED),
    "mime4j/messages/base64encoded-rfc822message-nested.msg":
        ("both", ATTACHED),
    "mime4j/messages/base64encoded-rfc822message.msg": ("both", ATTACHED),
    "mime4j/messages/ending-boundaries.msg": ("node", PREFIX),
    "mime4j/messages/james-utils__src__test__resources__sampleMail.msg":
        ("both", ATTACHED),
    "mime4j/messages/missing-boundary.msg": ("node", NO_DELIMITER),
    "mime4j/messages/missing-inner-boundary.msg": ("node", NO_DELIMITER),
    "mime4j/messages/missing-inner-start-boundary.msg":
        ("node", NO_DELIMITER),
    "mime4j/messages/multipartnestedemptyparts.msg": ("both", ATTACHED),
    "mime4j/messages/multipartnopart.msg": ("node", EMPTY),
    "mime4j-mimetools/messages/badbound.msg": ("node", AFTER_CLOSE),
    "mime4j-mimetools/messages/multi-2gifs-base64.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/multi-digest.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/multi-frag.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/multi-nested.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/multi-nested2.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/multi-nested3.msg": ("both", ATTACHED),
    "mime4j-mimetools/messages/twopart.msg": ("node", MBOX_END),
    "mimekit/mbox/content-length.mbox.txt#1": ("both", ATTACHED),
    "mimekit/mbox/content-length.mbox.txt#3": ("both", ATTACHED),
    "mimekit/mbox/content-length.mbox.txt#16": ("both", SMIME),
    "mimekit/mbox/content-length.mbox.txt#17": ("both", SMIME),
    "mimekit/mbox/content-length.mbox.txt#28": ("both", ATTACHED),
    "mimekit/mbox/issue1189.mbox.txt#2": ("python", BASE64_JUNK),
    "mimekit/mbox/simple.mbox.txt#2": ("node", EMPTY),
    "mimekit/mbox/simple.mbox.txt#3": ("node", EMPTY),
    "gmime/mbox/substring.mbox#2": ("node", EMPTY),
    "gmime/mbox/substring.mbox#3": ("node", EMPTY),
    "mimekit/messages/messages__bounce.txt": ("both", ATTACHED),
    "mimekit/messages/messages__delivery-status-no-blank-line.txt":
        ("both", ATTACHED),
    "mimekit/messages/messages__delivery-status.anonymized.eml":
        ("both", ATTACHED),
    "mimekit/messages/messages__delivery-status.txt": ("both", ATTACHED),
    "mimekit/messages/messages__delivery-status2.txt": ("both", ATTACHED),
    "mimekit/messages/messages__disposition-notification.anonymized.eml":
        ("both", ATTACHED),
    "mimekit/messages/messages__disposition-notification.txt":
        ("both", ATTACHED),
    "mimekit/messages/messages__empty-multipart.txt": ("node", EMPTY),
    "mimekit/messages/messages__feedback-report.txt": ("both", BAD_TYPE),
    "mimekit/messages/messages__missing-subtype.txt": ("both", BAD_TYPE),
    "mimekit/messages/messages__multipart-digest.txt": ("python", MBOX_END),
    "mimekit/messages/messages__rfc2060.txt": ("both", ATTACHED),
    "mimekit/messages/messages__simple-embedded-message.anonymized.eml":
        ("both", ATTACHED),
    "mimekit/messages/messages__simple-embedded-message.eml":
        ("both", ATTACHED),
    "mimekit/messages/messages__startrek.eml": ("both", BAD_TYPE),
    "mimekit/messages/partial__message-partial.0.eml": ("node", PARTIAL),
    "mimekit/messages/partial__message-partial.1.eml": ("both", PARTIAL),
    "mimekit/messages/partial__message-partial.2.eml": ("both", PARTIAL),
    "mimekit/messages/partial__rfc2046.0.eml": ("node", PARTIAL),
    "mimekit/messages/partial__rfc2046.1.eml": ("both", PARTIAL),
}

# mboxes whose messages the reference split files cut elsewhere: how many
# messages lf-extract finds, and why.  Their messages are not compared one
# by one; none of them has an attachment for either parser, nor for us.
MBOX_SPLITS = {
    "cpython-test_email/mbox/mailbox_01.mbox":
        (1, "\"From time to time\" is prose, not a From_ line (RFC 4155 "
            "wants a date; mutt agrees): it stays in the message"),
    "mimekit/mbox/unmunged.mbox.txt":
        (2, "\"From Russia with love\", left unquoted by Thunderbird, "
            "stays in the message; the split files cut there"),
}

NO_COLON = ("a header line without a colon ends the header block and "
            "starts the body (RFC 5322 has no rule for it; Python does the "
            "same): mime4j drops such lines, or the body, and bytes vanish")
# mime4j file -> (reason, what lf-extract gives instead): ("body-from",
# TEXT): part 1 is the message from the line starting with TEXT to its
# end; ("sha256", PATH, HEX): part PATH has that SHA-256 (Python's and
# Node's answer); ("strip-eol", PATH): part PATH is mime4j's bytes without
# the last line end.
MIME4J = {
    "basic-plain-with-bad-header-separator_decoded_1.txt":
        (NO_COLON, ("body-from", b"This is a very simple message")),
    "malformedHeader-nocrlfcrlf_decoded_1.txt":
        (NO_COLON, ("body-from", b"This is an invalid header")),
    "malformedHeaderStartsBody-nocrlfcrlf_decoded_1.txt":
        (NO_COLON, ("body-from", b"This is an invalid header")),
    "malformedHeader-noheader_decoded_1.txt":
        (NO_COLON, ("body-from", b"This is a simple message")),
    "malformedHeaderStartsBody-noheader_decoded_1.txt":
        (NO_COLON, ("body-from", b"This is a simple message")),
    "hdr-fakeout_decoded_1.txt":
        (NO_COLON, ("body-from", b"The header is not properly")),
    "multi-frag_decoded_1_3_2.bin":
        (BASE64_JUNK, ("sha256", "3.2", "ed8afe071e9afc9f0e91524143a4a966"
                       "c8cfb4ad7ef35e2e54874ce7a56dd46f")),
    "frag_decoded_1_2_1_2_1_2_1_2.bin":
        (BASE64_JUNK, ("sha256", "2.2.2.2", "f9baf5bdd47fbe38e8d3cbeab0c1ef40"
                       "0daeba1efd5a9cbd0cbcb77069038ba8")),
    "jt-0498_decoded_1_2_1.txt": (MBOX_END, ("strip-eol", "2.1")),
}


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def run_extract(lfx, paths):
    """Reports by (relative) name: files, and mbox/NAME#N."""
    out = subprocess.run([lfx, "--no-store", "--no-type", "--jsonl"] + paths,
                         stdout=subprocess.PIPE, check=False)
    if out.returncode not in (0, 1):
        sys.exit("lf-extract failed (%d) on %s" % (out.returncode, paths))
    by_source = collections.defaultdict(list)
    for line in out.stdout.decode().splitlines():
        r = json.loads(line)
        by_source[r["source"]].append(r)
    return by_source


def objects(report):
    return [p for p in report["parts"] if p.get("object")]


def attachments(report):
    return collections.Counter(p["object"]["sha256"]
                               for p in objects(report) if p["attachment"])


def check_expected(lfx, mail, failures):
    checked = 0
    for corpus in sorted(os.listdir(mail)):
        exp_path = os.path.join(mail, corpus, "expected.jsonl")
        if not os.path.exists(exp_path):
            continue
        exp = collections.defaultdict(dict)
        for line in open(exp_path, encoding="utf-8"):
            r = json.loads(line)
            who = "python" if r["parser"].startswith("python") else "node"
            exp[r["message"]][who] = r
        files = sorted({m.split("#")[0] for m in exp})
        reports = run_extract(lfx, [os.path.join(mail, corpus, f)
                                    for f in files])
        ours = {}
        for f in files:
            rs = sorted(reports.get(os.path.join(mail, corpus, f), []),
                        key=lambda r: r.get("mbox_offset") or 0)
            if rs:
                ours[f] = rs[0]
            for i, r in enumerate(rs):
                ours["%s#%d" % (f, i + 1)] = r
        for f in files:
            if "%s/%s" % (corpus, f) not in MBOX_SPLITS:
                continue
            want, _ = MBOX_SPLITS["%s/%s" % (corpus, f)]
            rs = reports.get(os.path.join(mail, corpus, f), [])
            if len(rs) != want or any(attachments(r) for r in rs):
                failures.append("%s/%s: %d messages, want %d, none with "
                                "attachments" % (corpus, f, len(rs), want))
        for m, e in sorted(exp.items()):
            if "python" not in e or "node" not in e:
                continue
            key = "%s/%s" % (corpus, m)
            if key.split("#")[0] in MBOX_SPLITS:
                if e["python"]["attachments"] or e["node"]["attachments"]:
                    failures.append("%s: MBOX_SPLITS says no attachments"
                                    % key)
                continue
            sets = {who: collections.Counter(a["sha256"]
                                             for a in e[who]["attachments"])
                    for who in ("python", "node")}
            r = ours.get(m)
            if r is None:
                failures.append("%s: no report" % key)
                continue
            got = attachments(r)
            checked += 1
            if sets["python"] == sets["node"]:
                if key in DISAGREE:
                    failures.append("%s: in DISAGREE, but they agree" % key)
                if sets["python"] - got:
                    failures.append("%s: missing %s" %
                                    (key, sorted(sets["python"] - got)))
                continue
            if key not in DISAGREE:
                failures.append("%s: python and node disagree, and no "
                                "answer is chosen" % key)
                continue
            choice, _ = DISAGREE[key]
            for who in (("python", "node") if choice == "both"
                        else (choice,)):
                if sets[who] - got:
                    failures.append("%s: chose %s, missing %s" %
                                    (key, who, sorted(sets[who] - got)))
            if choice != "both" and not any(
                    sets[w] - got for w in ("python", "node") if w != choice):
                failures.append("%s: finds both answers; say 'both'" % key)
    return checked


def part(report, path):
    for p in objects(report):
        if p["path"] == path:
            return p
    return None


def check_mime4j(lfx, mail, failures):
    checked = 0
    for corpus in ("mime4j", "mime4j-mimetools"):
        aux = os.path.join(mail, corpus, "aux")
        msgs = {os.path.splitext(f)[0].split("__")[-1]: f
                for f in os.listdir(os.path.join(mail, corpus, "messages"))}
        for xml in sorted(os.listdir(aux)):
            if not xml.endswith("_decoded.xml"):
                continue
            stem = xml[:-len("_decoded.xml")]
            names = re.findall(r'name="(%s_decoded_[0-9_]+\.(?:txt|bin))"' %
                               re.escape(stem),
                               open(os.path.join(aux, xml),
                                    encoding="utf-8", errors="replace").read())
            if not names or stem not in msgs:
                continue
            path = os.path.join(mail, corpus, "messages", msgs[stem])
            r = run_extract(lfx, [path])[path][0]
            have = {p["object"]["sha256"] for p in objects(r)}
            for name in names:
                want = open(os.path.join(aux, name), "rb").read()
                checked += 1
                if name not in MIME4J:
                    if sha256(want) not in have:
                        failures.append("%s/%s: not among the objects" %
                                        (corpus, name))
                    continue
                check_mime4j_exception(lfx, path, name, want, r, failures)
    return checked


def check_mime4j_exception(lfx, path, name, want, report, failures):
    _, ours = MIME4J[name]
    raw = open(path, "rb").read()
    if ours[0] == "body-from":
        at = raw.find(ours[1])
        p = part(report, "1")
        ok = at >= 0 and p is not None and \
            p["object"]["sha256"] == sha256(raw[at:])
    elif ours[0] == "sha256":
        p = part(report, ours[1])
        ok = p is not None and p["object"]["sha256"] == ours[2]
    elif ours[0] == "strip-eol":
        p = part(report, ours[1])
        ok = p is not None and want.endswith(b"\r\n") and \
            p["object"]["sha256"] == sha256(want[:-2])
    else:
        ok = False
    if not ok:
        failures.append("%s: not the answer MIME4J states" % name)


def main():
    lfx, corpora = sys.argv[1], sys.argv[2]
    mail = os.path.join(corpora, "mail")
    failures = []
    n = check_expected(lfx, mail, failures)
    k = check_mime4j(lfx, mail, failures)
    for f in failures:
        print("FAIL:", f)
    print("%d messages against expected.jsonl, %d mime4j bodies, "
          "%d failures" % (n, k, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
