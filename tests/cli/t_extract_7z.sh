# 7z archives that 7-Zip encrypts, inside messages: libarchive cannot
# decrypt 7-Zip's AES, so no member opens; each is still reported, with
# the CRC-32 and sizes the archive's header declares, as `7zz l -slt`
# lists them and as zlib computes them from the files themselves.  The
# header is LZMA-packed (7-Zip's default) or plain (-mhc=off), the
# members solid, in blocks of two (-ms=2f) or each alone (-ms=off).  With
# -mhe=on the header itself is encrypted: nothing can be listed, and the
# report says so.
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p src/docs/empty
printf 'hello world\n' >src/a.txt
printf 'MZ\220\000this is not a real program' >src/docs/evil.exe
head -c 300000 /dev/urandom >src/docs/random.bin
head -c 7000 /dev/urandom >src/docs/small.bin
printf 'caf\303\251\n' >"src/docs/caf$(printf '\303\251').txt"
: >src/docs/zero
(
	export LC_ALL=C.UTF-8
	cd src
	7zz a -bso0 -bsp0 -p'n0t-0ffered' ../solid.7z a.txt docs
	7zz a -bso0 -bsp0 -p'n0t-0ffered' -ms=off ../nonsolid.7z a.txt docs
	7zz a -bso0 -bsp0 -p'n0t-0ffered' -ms=2f -mhc=off ../blocks.7z a.txt docs
	7zz a -bso0 -bsp0 -p'n0t-0ffered' -mhe=on ../hidden.7z a.txt docs
)

# message FILE > EML: FILE attached in base64, no password in the text.
message() {
	python3 - "$1" <<'PY'
import base64, os, sys
name = sys.argv[1]
data = base64.encodebytes(open(name, "rb").read()).decode()
sys.stdout.write(
    "From: a@example.org\nTo: b@example.org\nSubject: " + name + "\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
    "--B\nContent-Type: text/plain; charset=utf-8\n\nno password here\n"
    "--B\nContent-Type: application/octet-stream; name=\"" +
    os.path.basename(name) + "\"\nContent-Transfer-Encoding: base64\n\n" +
    data + "--B--\n")
PY
}

# declared REPORT: "name<TAB>size<TAB>crc32<TAB>compressed_size" for each
# entry without an object but a directory ("absent" for a field not
# there).
declared() {
	python3 - "$1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
for p in r["parts"]:
    if p["kind"] == "entry" and "object" not in p and \
            not p["name"]["decoded"].endswith("/"):
        print("\t".join([p["name"]["decoded"],
                         str(p.get("declared_size", "absent")),
                         str(p.get("crc32", "absent")),
                         str(p.get("compressed_size", "absent"))]))
PY
}
# listed ARCHIVE: the same from 7-Zip's listing of its encrypted members:
# the packed size of a block that holds one member is that member's; a
# block of several gives none of them one.
listed() {
	LC_ALL=C.UTF-8 7zz l -slt "$1" | python3 -c '
import collections, sys
blocks = sys.stdin.read().split("----------\n", 1)[1].split("\n\n")
files = []
for b in blocks:
    f = dict(l.split(" = ", 1) for l in b.splitlines() if " = " in l)
    if "Path" in f and f.get("Encrypted") == "+":
        files.append(f)
count = collections.Counter(f["Block"] for f in files)
for f in files:
    packed = f["Packed Size"] if count[f["Block"]] == 1 else "absent"
    print("\t".join([f["Path"], f["Size"], f["CRC"].lower(), packed]))
'
}
# computed: the same from the files, with zlib's CRC-32 (sizes left out).
computed() {
	python3 - <<'PY'
import os, zlib
for top, dirs, files in os.walk("src"):
    for f in files:
        p = os.path.join(top, f)
        data = open(p, "rb").read()
        if data:
            print("%s\t%d\t%08x" % (os.path.relpath(p, "src"), len(data),
                                    zlib.crc32(data)))
PY
}

for a in solid.7z nonsolid.7z blocks.7z; do
	message "$a" >"$a.eml"
	run 0 lf-extract --no-store --jsonl "$a.eml"
	cp out "$a.json"
	validate extract.schema.json "$a.json"
	contains "$a.json" '"format":"7-Zip"'
	contains "$a.json" '"code":"archive.encrypted"'
	lacks "$a.json" '"code":"7z.'
	declared "$a.json" | sort >got.txt
	listed "$a" | sort >want.txt
	[ "$(wc -l <want.txt)" -eq 5 ] || fail "7zz lists $(cat want.txt)"
	same got.txt want.txt
	cut -f1-3 got.txt >got3.txt
	computed | sort >want3.txt
	same got3.txt want3.txt
	# The directories and the empty file are no secret: they are
	# entries, the empty file with an object of no bytes.
	python3 - "$a.json" <<'PY' || fail "$a: directories or empty file"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
e = {p["name"]["decoded"]: p for p in r["parts"] if p["kind"] == "entry"}
assert set(e) >= {"docs/", "docs/empty/", "docs/zero"}, sorted(e)
assert e["docs/zero"]["object"]["size"] == 0
assert "object" not in e["docs/"] and "crc32" not in e["docs/"]
PY
done
# Solid: no member has a size of its own; alone in a block, each has.
grep -q '"compressed_size"' solid.7z.json &&
    fail "a member of a solid block has a compressed size"
[ "$(declared nonsolid.7z.json | grep -vc 'absent$')" -eq 5 ] ||
    fail "non-solid members without their compressed sizes"
declared blocks.7z.json | grep -q -v 'absent$' ||
    fail "-ms=2f: no member alone in its block"

# The readable summary says it too.
crc=$(python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' src/docs/random.bin)
run 0 lf-extract --no-store solid.7z.eml
contains out "not opened: crc32 $crc declared"

# -mhe=on: the names, sizes and CRCs are encrypted with the members.
# 7-Zip itself lists nothing without the password.
if 7zz l -p'' hidden.7z >7zz.out 2>&1; then
	fail "7zz lists an archive with an encrypted header"
fi
LC_ALL=C.UTF-8 7zz l -slt -p'n0t-0ffered' hidden.7z | grep -c '^Path = ' \
    >n.txt
[ "$(cat n.txt)" -eq 9 ] || fail "7zz lists $(cat n.txt) paths in hidden.7z"
message hidden.7z >hidden.eml
run 0 lf-extract -o store --jsonl hidden.eml
validate extract.schema.json out
contains out '"code":"7z.header-encrypted"'
contains out '"format":"7-Zip","entries":0'
lacks out '"code":"archive.damaged"'
lacks out '"kind":"entry"'
# The archive itself is kept and hashed.
h=$(sha256sum <hidden.7z | cut -c1-64)
same "store/objects/$(echo "$h" | cut -c1-2)/$h" hidden.7z

# A 7z cut short: its header is gone; what the libarchive reader says,
# the header reader says more precisely, and nothing crashes.
head -c 200000 solid.7z >cut.7z
message cut.7z >cut.eml
run 0 lf-extract --no-store --jsonl cut.eml
validate extract.schema.json out
contains out '"code":"archive.damaged"'
contains out '"code":"7z.header-missing"'
