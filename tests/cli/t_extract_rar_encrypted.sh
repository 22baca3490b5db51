# RAR 4 and RAR 5 archives with encrypted members, inside messages.
# libarchive decrypts no RAR, but reads a stored member's encrypted bytes
# as its content (RAR 5 silently, RAR 4 with any password): lf-extract
# reads the file headers itself, opens no encrypted member, and reports
# each with the CRC-32 and sizes its header declares, as python3-rarfile
# lists them and as zlib computes them from the files; a RAR 5 CRC that
# is "tweaked" through the key is not a CRC of the content, and is not
# reported.  With the headers encrypted too (rar -hp) nothing can be
# listed, and the report says so.
#
# No free tool writes RAR: mkrar.py writes these, and independent readers
# check them first.  python3-rarfile (strict: every header CRC) decrypts
# the encrypted headers and lists every archive with the password; unar
# decrypts the RAR 5 members and checks their CRCs, tweaked ones too.
# unar derives another RAR 3 key than rarfile does from the same password
# and salt, and can neither decrypt the RAR 4 members nor parse RAR 4
# encrypted headers written here: RAR 4 data is checked by no one, which
# does not matter here, since nothing decrypts it.
. "$LF_TOP/tests/cli/lib.sh"

mkrar() { /usr/bin/python3 "$LF_TOP/tests/cli/mkrar.py" "$@"; }

mkdir -p src/docs/empty
printf 'hello world\n' >src/a.txt
printf 'MZ\220\000this is not a real program' >src/docs/evil.exe
head -c 30000 /dev/urandom >src/docs/random.bin
printf 'caf\303\251\n' >"src/docs/caf$(printf '\303\251').txt"
# Not "x4.rar" and "x5.rar": unar takes those for volumes of one set.
(
	cd src
	mkrar -4 -p secret ../pfour.rar a.txt docs
	mkrar -5 -p secret ../pfive.rar a.txt docs
	mkrar -5 -p secret -t ../tfive.rar a.txt docs
	mkrar -4 -hp secret ../hfour.rar a.txt docs
	mkrar -5 -hp secret ../hfive.rar a.txt docs
)

# rarfile ARCHIVE: "name<TAB>size<TAB>crc32<TAB>packed" for each encrypted
# member, from python3-rarfile given the password ("absent" for a CRC that
# is tweaked).
rarfile() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
import rarfile
with rarfile.RarFile(sys.argv[1], errors="strict") as r:
    r.setpassword("secret")
    for i in r.infolist():
        if i.isdir() or not i.needs_password():
            continue
        enc = getattr(i, "file_encryption", None)
        tweaked = enc is not None and enc[1] & 2
        crc = "absent" if tweaked else "%08x" % i.CRC
        print("\t".join([i.filename, str(i.file_size), crc,
                         str(i.compress_size)]))
PY
}

# declared REPORT: the same from lf-extract's report, for each entry
# with the anomaly archive.encrypted.
declared() {
	python3 - "$1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
enc = {a["part"] for a in r["anomalies"] if a["code"] == "archive.encrypted"}
for p in r["parts"]:
    if p["path"] in enc:
        print("\t".join([p["name"]["decoded"],
                         str(p.get("declared_size", "absent")),
                         str(p.get("crc32", "absent")),
                         str(p.get("compressed_size", "absent"))]))
PY
}

# computed: "name<TAB>size<TAB>crc32" of the files, with zlib.
computed() {
	python3 - <<'PY'
import os, zlib
for top, dirs, files in os.walk("src"):
    for f in files:
        p = os.path.join(top, f)
        data = open(p, "rb").read()
        print("%s\t%d\t%08x" % (os.path.relpath(p, "src"), len(data),
                                zlib.crc32(data)))
PY
}

# message FILE TEXT > EML
message() {
	python3 - "$1" "$2" <<'PY'
import base64, os, sys
name, text = sys.argv[1], sys.argv[2]
data = base64.encodebytes(open(name, "rb").read()).decode()
sys.stdout.write(
    "From: a@example.org\nTo: b@example.org\nSubject: " + name + "\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
    "--B\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n"
    "--B\nContent-Type: application/octet-stream; name=\"" +
    os.path.basename(name) + "\"\nContent-Transfer-Encoding: base64\n\n" +
    data + "--B--\n")
PY
}

# The other side first.
for a in pfive.rar tfive.rar hfive.rar; do
	run 0 lsar -p secret -t "$a"
	contains out "6 passed, 0 failed."
done
for a in pfour.rar pfive.rar tfive.rar hfour.rar hfive.rar; do
	rarfile "$a" | sort >"$a.want" || fail "rarfile cannot list $a"
	[ "$(wc -l <"$a.want")" -eq 4 ] || fail "$a: rarfile lists $(cat "$a.want")"
done
computed | sort >computed.txt
for a in pfour.rar pfive.rar hfour.rar hfive.rar; do
	cut -f1-3 "$a.want" >want3.txt
	same want3.txt computed.txt
done

# Even with the password in the text: nothing is opened, nothing claims a
# password, no encrypted bytes come out as a member.
for a in pfour.rar pfive.rar tfive.rar; do
	message "$a" "The password is: secret" >"$a.eml"
	run 0 lf-extract -o store --jsonl "$a.eml"
	cp out "$a.json"
	validate extract.schema.json "$a.json"
	contains "$a.json" '"code":"archive.encrypted"'
	contains "$a.json" "cannot decrypt"
	lacks "$a.json" '"password"'
	lacks "$a.json" '"code":"rar.'
	declared "$a.json" | sort >got.txt
	same got.txt "$a.want"
	python3 - "$a.json" <<'PY' || fail "$a: an encrypted member has an object"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
objs = [p["path"] for p in r["parts"]
        if p["kind"] == "entry" and "object" in p]
assert objs == [], objs
PY
	# The store holds the archive, and none of its members' contents.
	for f in src/a.txt src/docs/evil.exe src/docs/random.bin; do
		h=$(sha256sum <"$f" | cut -c1-64)
		[ ! -e "store/objects/$(echo "$h" | cut -c1-2)/$h" ] ||
		    fail "$a: $f in the store"
	done
done
contains pfour.rar.json '"format":"RAR"'
contains pfive.rar.json '"format":"RAR5"'
lacks tfive.rar.json '"crc32"'

# rar -hp: nothing can be listed; the archive is kept and hashed.
for a in hfour.rar hfive.rar; do
	message "$a" "no password here" >"$a.eml"
	run 0 lf-extract -o store --jsonl "$a.eml"
	validate extract.schema.json out
	contains out '"code":"rar.header-encrypted"'
	contains out '"entries":0'
	lacks out '"code":"archive.damaged"'
	lacks out '"kind":"entry"'
	h=$(sha256sum <"$a" | cut -c1-64)
	same "store/objects/$(echo "$h" | cut -c1-2)/$h" "$a"
done
