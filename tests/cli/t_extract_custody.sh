#!/bin/sh
# lf-extract --custody: the messages taken apart are one "extracted" event
# in the case's custody log, naming each message's SHA-256 in the order of
# the reports and where their objects went, signed with the custody key;
# without a key nothing is done at all.
. "$LF_TOP/tests/cli/lib.sh"

S=$LF_TOP/tests/data/samples
lf-keygen -o k >/dev/null

run 0 lf-extract -o q --jsonl --custody case.log --custody-key k.key "$S"
cp "$T/out" reports.jsonl
run 0 lf-custody -l case.log verify --pubkey k.pub
contains out "case.log: 1 event,"
python3 - case.log reports.jsonl <<'EOT' || fail "the extracted event"
import json, sys
ev = json.loads(open(sys.argv[1]).readline())
want = [json.loads(l)["message"]["sha256"] for l in open(sys.argv[2])]
assert ev["action"] == "extracted" and ev["tool"]["name"] == "lf-extract", ev
assert ev["objects"] == want, (ev["objects"], want)
assert ev["reason"] == "3 messages taken apart into the store 'q'", ev
EOT

LF_CUSTODY=case.log LF_CUSTODY_KEY=k.key run 0 lf-extract --no-store \
    "$S"/invoice-1.eml
tail -n 1 case.log |
    grep -q '"reason":"1 message taken apart, nothing stored"' ||
	fail "--no-store: $(tail -n 1 case.log)"

run 2 lf-extract -o q2 --custody case.log "$S"/invoice-1.eml
contains err "give --custody-key KEY or set LF_CUSTODY_KEY"
[ ! -e q2 ] || fail "a store was made without a key to record it"
[ "$(wc -l <case.log)" -eq 2 ] || fail "case.log: $(cat case.log)"

# A log that does not end in a whole event is refused before any work.
head -c -1 case.log >cut.log
run 3 lf-extract -o q3 --custody cut.log --custody-key k.key "$S"
contains err "custody log 'cut.log'"
[ ! -e q3 ] || fail "a store was made for a log that cannot record it"
