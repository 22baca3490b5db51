# The store: which objects get a file, and how.  The raw message, every
# attachment and every content libmagic does not call text get one; the
# text of a message does not (it is in the stored message, and -p gives it
# back).  An object already stored is never written again, a large one is
# complete under its name, and nothing is left in tmp/.
. "$LF_TOP/tests/cli/lib.sh"

# 100 KiB of seeded bytes: more than a writer keeps in memory.
python3 - <<'PY'
import base64, random
big = random.Random(7).randbytes(100 * 1024)
gz = bytes.fromhex("1f8b08000000000000034b4c4a0600c241243503000000")
open("big.bin", "wb").write(big)
open("gz.bin", "wb").write(gz)
def b64(b):
    return base64.encodebytes(b).decode()
open("m.eml", "w").write(
    "From: a@example.org\nTo: b@example.org\nSubject: store\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain\n\nthe body, as text\n"
    "--b\nContent-Type: text/html\n\n<html><body>the body</body></html>\n"
    "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
    + b64(gz) +
    "--b\nContent-Type: text/plain; name=notes.txt\n"
    "Content-Disposition: attachment\n\nattached text\n"
    "--b\nContent-Type: application/octet-stream; name=big.bin\n"
    "Content-Transfer-Encoding: base64\n\n" + b64(big) + "--b--\n")
PY

stored_paths() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("message", r["message"].get("stored"))
for p in r["parts"]:
    if "object" in p:
        print(p["path"], p.get("stored"))
PY
}

# check_store DIR: what lf-extract -o DIR made of m.eml (report in out).
check_store() {
	stored_paths out >paths
	grep -q '^1 None$' paths || fail "the text body got a file: $(cat paths)"
	grep -q '^2 None$' paths || fail "the HTML body got a file: $(cat paths)"
	# 3>1: what the gzip part holds, an entry of it.
	for part in message 3 "3>1" 4 5; do
		grep -q "^$part objects/" paths ||
		    fail "part $part has no file: $(cat paths)"
	done
	[ "$(find "$1/objects" -type f | wc -l)" -eq 5 ] ||
	    fail "expected 5 files: $(find "$1/objects" -type f)"
	# Each file is its content's SHA-256, read-only, complete.
	for f in $(find "$1/objects" -type f); do
		[ "$(sha256sum <"$f" | cut -c1-64)" = "${f##*/}" ] ||
		    fail "$f does not hold its name's content"
		[ "$(stat -c %a "$f")" = 400 ] || fail "$f is not mode 0400"
	done
	big=$(sha256sum <big.bin | cut -c1-64)
	same "$1/objects/$(echo "$big" | cut -c1-2)/$big" big.bin
	gz=$(sha256sum <gz.bin | cut -c1-64)
	same "$1/objects/$(echo "$gz" | cut -c1-2)/$gz" gz.bin
	printf abc >abc
	abc=$(sha256sum <abc | cut -c1-64)
	same "$1/objects/$(echo "$abc" | cut -c1-2)/$abc" abc
	[ -z "$(ls "$1/tmp")" ] || fail "left in tmp/: $(ls "$1/tmp")"
}

# Files made unnamed and linked into place, and (where a filesystem cannot
# do that) named in tmp/ and renamed into place.
LF_STORE_NAMED=1 run 0 lf-extract -o named --jsonl m.eml
check_store named
run 0 lf-extract -o q --jsonl m.eml
check_store q

# The plain text of a message is typed by libmagic's built-in tests alone
# and says so; the HTML body, the text part that is not text, and the
# attachments get libmagic's full answer.
python3 - out <<'PY'
import json, sys
parts = {p["path"]: p["object"]["magic"] for p in json.loads(open(sys.argv[1]).readline())["parts"] if "object" in p}
assert parts["1"].get("database") is False, parts["1"]
assert parts["1"]["mime"] == "text/plain", parts["1"]
for path in "2", "3", "4", "5":
    assert "database" not in parts[path], (path, parts[path])
assert parts["2"]["mime"] == "text/html", parts["2"]
assert parts["3"]["mime"] == "application/gzip", parts["3"]
PY

# The text body is hashed all the same, and -p gives its bytes back.
lf-extract -q --no-store --no-type --jsonl m.eml >r.json
run 0 lf-extract -p 1 m.eml
[ "$(sha256sum <out | cut -c1-64)" = "$(python3 -c '
import json; print(json.load(open("r.json"))["parts"][0]["object"]["sha256"])')" ] ||
    fail "-p 1 does not give the bytes the report hashed"

# Again into the same store: nothing is written again or replaced.
find q/objects -type f -printf '%i %T@ %p\n' | sort >before
run 0 lf-extract -o q --jsonl m.eml
find q/objects -type f -printf '%i %T@ %p\n' | sort >after
same before after

# Without libmagic no content is known not to be text, but a container is
# known by its first bytes: the gzip declared as text gets its file, as
# what it holds does.
run 0 lf-extract -o q2 --no-type --jsonl m.eml
stored_paths out >paths
grep -q '^3 objects/' paths ||
    fail "--no-type: the gzip part got no file: $(cat paths)"
[ "$(find q2/objects -type f | wc -l)" -eq 5 ] ||
    fail "--no-type: expected 5 files: $(find q2/objects -type f)"
printf 'message\n1\n2\n4\n' >plain
mkdir -p q3
run 0 lf-extract -o q3 --no-type --jsonl --limit container-depth=0 m.eml
stored_paths out >paths
grep -q '^3 objects/' paths ||
    fail "container-depth=0: the gzip part got no file: $(cat paths)"
if grep -q '^3>1' paths; then
	fail "container-depth=0: the gzip was opened: $(cat paths)"
fi
validate extract.schema.json out
