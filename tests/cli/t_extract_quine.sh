# A zip quine (Russ Cox's construction, "Zip Files All The Way Down"): a
# zip whose one member is the zip itself.  mkquine.py writes it here, and
# the real tools on the other side agree that it is one: unzip -p, bsdtar
# and 7-Zip all give back bytes with the archive's own SHA-256.
# lf-extract stores and hashes it, records the member (an object with the
# same SHA-256), says container.recursive and does not open it again; in
# bounded memory and time.
. "$LF_TOP/tests/cli/lib.sh"

/usr/bin/python3 "$LF_TOP/tests/cli/mkquine.py" quine.zip ||
    fail "mkquine.py cannot write the quine"
h=$(sha256sum <quine.zip | cut -c1-64)
[ "$(unzip -p quine.zip | sha256sum | cut -c1-64)" = "$h" ] ||
    fail "unzip -p does not give the archive back"
[ "$(bsdtar -xOf quine.zip | sha256sum | cut -c1-64)" = "$h" ] ||
    fail "bsdtar does not give the archive back"
[ "$(7zz x -so quine.zip 2>/dev/null | sha256sum | cut -c1-64)" = "$h" ] ||
    fail "7zz does not give the archive back"
run 0 unzip -t quine.zip
contains out "No errors detected"

python3 - <<'PY'
import base64
data = base64.encodebytes(open("quine.zip", "rb").read()).decode()
open("quine.eml", "w").write(
    "From: a@example.org\nSubject: quine\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
    "Content-Type: application/zip; name=quine.zip\n"
    "Content-Transfer-Encoding: base64\n\n" + data + "--B--\n")
PY

# In 512 MiB of address space and 120 s at most.
set +e
(
	if ! grep -qa -e __asan_init -e __tsan_init "$BIN/lf-extract"; then
		ulimit -v 524288
	fi
	exec timeout 120 lf-extract -o store --jsonl quine.eml
) >out 2>err
got=$?
set -e
[ "$got" -eq 0 ] || {
	cat err >&2
	fail "lf-extract on the quine: exit status $got"
}
validate extract.schema.json out

# The archive is in the store under its SHA-256.
same "store/objects/$(echo "$h" | cut -c1-2)/$h" quine.zip
python3 - "$h" <<'PY' || fail "the quine's report"
import json, sys
h = sys.argv[1]
r = json.loads(open("out").readline())
parts = {p["path"]: p for p in r["parts"]}
# The attachment: the archive, opened, one entry.
assert parts["1"]["object"]["sha256"] == h, parts["1"]
assert parts["1"]["container"]["entries"] == 1, parts["1"]["container"]
# Its member: the archive again, named, hashed, and not opened.
m = parts["1>1"]
assert m["name"]["decoded"] == "quinez.zip", m["name"]
assert m["object"]["sha256"] == h, m["object"]
assert m["object"]["size"] == parts["1"]["object"]["size"]
assert not any(p.startswith("1>1>") for p in parts), sorted(parts)
codes = [(a["code"], a["part"]) for a in r["anomalies"]]
assert ("container.recursive", "1>1") in codes, codes
assert not any(c.startswith("container.") and c != "container.recursive"
               for c, _ in codes), codes
PY
