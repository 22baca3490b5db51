# On the benchmark generator's corpus (a small one), every attachment of
# its manifest is found with its SHA-256, size and decoded name, in the
# mbox and in the .eml directory; and the mbox gives every message back
# byte for byte as the .eml file holds it (mboxrd unquoting).
. "$LF_TOP/tests/cli/lib.sh"

gen=$(corpora)/../bench/gen_corpus.py
[ -f "$gen" ] || fail "no $gen"
python3 "$gen" --out gc --messages 400 --median-kib 4 >/dev/null
run 0 lf-extract --no-store --no-type --jsonl gc/corpus.mbox
mv out mbox.jsonl
run 0 lf-extract --no-store --no-type --jsonl gc/eml
mv out eml.jsonl
python3 "$LF_TOP/tests/cli/extract_manifest.py" gc/manifest.jsonl mbox.jsonl mbox
python3 "$LF_TOP/tests/cli/extract_manifest.py" gc/manifest.jsonl eml.jsonl eml
# The same messages, from the mbox and from the files.
python3 - mbox.jsonl eml.jsonl <<'PY'
import json, sys
a = sorted(json.loads(l)["message"]["sha256"] for l in open(sys.argv[1]))
b = sorted(json.loads(l)["message"]["sha256"] for l in open(sys.argv[2]))
sys.exit(0 if a == b and len(a) == 400 else "mbox and eml messages differ")
PY
