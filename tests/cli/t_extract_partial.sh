# message/partial (RFC 2046 5.2.2): once every fragment has been read, in
# any order and from any input, the message they make is reassembled and
# taken apart; it equals, byte for byte, what GMime reassembles.  With
# --no-store the fragments are kept aside meanwhile, and nothing is left
# behind.
. "$LF_TOP/tests/cli/lib.sh"

c=$(corpora)/mail/gmime
whole=$(sha256sum "$c/aux/partial__output__photo-discuss" | cut -d' ' -f1)
p=$c/messages/photo-discuss__message-partial

check() {
	python3 - "$whole" out <<'PY'
import json, sys
want, path = sys.argv[1:]
rs = [json.loads(l) for l in open(path)]
whole = [r for r in rs if "reassembled" in r]
assert len(rs) == 4 and len(whole) == 1, (len(rs), len(whole))
r = whole[0]
assert r["message"]["sha256"] == want, r["message"]
assert len(r["reassembled"]) == 3
names = [p.get("name", {}).get("decoded") for p in r["parts"]]
assert "earrings.jpg" in names, names
PY
}

mkdir tmp
TMPDIR=$T/tmp run 0 lf-extract --no-store --no-type --jsonl "$p.2.eml" \
    "$p.0.eml" "$p.1.eml"
check
[ -z "$(ls tmp)" ] || fail "fragments left in TMPDIR: $(ls tmp)"

run 0 lf-extract -o q --no-type --jsonl "$p.1.eml" "$p.2.eml" "$p.0.eml"
check
# The reassembled message is in the store too.
same q/objects/$(echo "$whole" | cut -c1-2)/"$whole" \
    "$c/aux/partial__output__photo-discuss"

# Two fragments of three: nothing is reassembled.
run 0 lf-extract --no-store --no-type --jsonl "$p.0.eml" "$p.2.eml"
lacks out '"reassembled"'
