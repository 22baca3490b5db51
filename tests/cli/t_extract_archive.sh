# Archives made by the real tools (Info-ZIP zip, 7-Zip, bsdtar, GNU cpio
# and ar, gzip, bzip2, xz, zstd, lz4) inside messages: every member comes
# out with its name and the SHA-256 of the file the tool was given, in the
# store too; nested archives open to their depth; encrypted ones open with
# the password the message gives, a usual one, or --password-list, and
# say which; those nothing opens are reported, not lost, with the CRC-32
# and size their zip records declare (as 7-Zip and zipinfo list them).
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p src/docs
printf 'hello world\n' >src/a.txt
printf 'MZ\220\000this is not a real program' >src/docs/evil.exe
head -c 300000 /dev/urandom >src/docs/random.bin
printf 'caf\303\251\n' >"src/docs/caf$(printf '\303\251').txt"
# The tools need a UTF-8 locale for the non-ASCII name.
(
	export LC_ALL=C.UTF-8
	cd src
	zip -q -r ../deflate.zip a.txt docs
	zip -q -0 -r ../stored.zip a.txt docs
	zip -q -P 's3cret!42' ../zipcrypto.zip a.txt docs/evil.exe
	7zz a -bso0 -bsp0 -tzip -mem=AES256 -pinfected ../aes.zip a.txt docs/evil.exe
	# Passwords no one offers: Zip64 end records, WinZip AES AE-2 (7-Zip)
	# and AE-1 (libarchive, for a member of 20 bytes or more).
	zip -q -fz -P 'n0t-0ffered' ../zip64crypto.zip a.txt docs/evil.exe docs/random.bin
	7zz a -bso0 -bsp0 -tzip -mem=AES256 -p'n0t-0ffered' ../aes-hidden.zip a.txt docs/evil.exe
	bsdtar --format zip --options zip:encryption=aes256 \
	    --passphrase 'n0t-0ffered' -cf ../aes-ae1.zip a.txt docs/random.bin
	7zz a -bso0 -bsp0 ../plain.7z a.txt docs
	7zz a -bso0 -bsp0 -pinfected ../aes.7z a.txt
	bsdtar -czf ../tar.tgz a.txt docs
	bsdtar -cjf ../tar.tbz2 a.txt docs
	bsdtar -cJf ../tar.txz a.txt docs
	bsdtar --zstd -cf ../tar.tzst a.txt docs
	bsdtar --format=iso9660 -cf ../image.iso a.txt docs
	bsdtar --format=7zip -cf ../bsd.7z a.txt docs
	find a.txt docs | cpio -o -H newc --quiet >../newc.cpio
	ar qc ../lib.a a.txt docs/evil.exe
)
gzip -c src/docs/random.bin >random.bin.gz
lz4 -q -c src/docs/random.bin >random.bin.lz4
# An archive in a zip in a tar.gz: three levels.
mkdir nest && cp deflate.zip nest/inner.zip
(cd nest && zip -q middle.zip inner.zip && bsdtar -czf ../outer.tgz middle.zip)

# message FILE BODY > EML: FILE attached in base64 after a text BODY.
message() {
	python3 - "$1" "$2" <<'PY'
import base64, os, sys
name, body = sys.argv[1], sys.argv[2]
data = base64.encodebytes(open(name, "rb").read()).decode()
sys.stdout.write(
    "From: a@example.org\nTo: b@example.org\nSubject: " + name + "\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
    "--B\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n"
    "--B\nContent-Type: application/octet-stream; name=\"" +
    os.path.basename(name) + "\"\nContent-Transfer-Encoding: base64\n\n" +
    data + "--B--\n")
PY
}

# members REPORT: "path<TAB>name<TAB>sha256<TAB>password" for each entry.
members() {
	python3 - "$1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
for p in r["parts"]:
    if p["kind"] != "entry":
        continue
    name = p.get("name", {}).get("decoded", "")
    sha = p.get("object", {}).get("sha256", "-")
    pw = p.get("properties", {}).get("password", "-")
    print("\t".join([p["path"], name, sha, pw]))
PY
}

sha() { sha256sum <"$1" | cut -c1-64; }

# has_member REPORT NAME FILE [PASSWORD]: an entry named NAME holds FILE.
has_member() {
	members "$1" >m.txt
	awk -F '\t' -v n="$2" -v h="$(sha "$3")" -v p="${4:--}" \
	    '$2 == n && $3 == h && $4 == p { found = 1 }
	     END { exit !found }' m.txt || {
		cat m.txt >&2
		fail "$1: no member $2 with the bytes of $3 (password ${4:--})"
	}
}

for a in deflate.zip stored.zip plain.7z tar.tgz tar.tbz2 tar.txz \
    tar.tzst image.iso bsd.7z newc.cpio; do
	message "$a" "see attached" >"$a.eml"
	run 0 lf-extract -o store --jsonl "$a.eml"
	cp out "$a.json"
	validate extract.schema.json "$a.json"
	has_member "$a.json" a.txt src/a.txt
	has_member "$a.json" docs/evil.exe src/docs/evil.exe
	has_member "$a.json" docs/random.bin src/docs/random.bin
	has_member "$a.json" "docs/caf$(printf '\303\251').txt" \
	    "src/docs/caf$(printf '\303\251').txt"
done
# ar keeps base names only.
message lib.a "see attached" >lib.a.eml
run 0 lf-extract --no-store --jsonl lib.a.eml
has_member out a.txt src/a.txt
has_member out evil.exe src/docs/evil.exe
# A compressed file that is no archive is one member, named as gzip's
# header names it, else "data".
message random.bin.gz "see attached" >gz.eml
run 0 lf-extract --no-store --jsonl gz.eml
has_member out random.bin src/docs/random.bin
message random.bin.lz4 "see attached" >lz4.eml
run 0 lf-extract --no-store --jsonl lz4.eml
has_member out data src/docs/random.bin

# Without libmagic the window that tells a container is smaller than the
# zip: what follows it must be kept all the same.
run 0 lf-extract --no-store --no-type --jsonl deflate.zip.eml
has_member out docs/random.bin src/docs/random.bin
lacks out '"code":"archive'
# An ISO 9660 image is known only 32 KiB in: told without libmagic too.
run 0 lf-extract --no-store --no-type --jsonl image.iso.eml
has_member out docs/random.bin src/docs/random.bin

# Each member is in the store under its SHA-256.
for f in src/a.txt src/docs/evil.exe src/docs/random.bin; do
	h=$(sha "$f")
	same "store/objects/$(echo "$h" | cut -c1-2)/$h" "$f"
done
# The readable summary says what the archive holds.
run 0 lf-extract --no-store deflate.zip.eml
contains out "holds: "
contains out "2>2"

# Passwords: from the message's text, the usual ones, a list.
message zipcrypto.zip "Hello, the password is: s3cret!42 (case sensitive)." \
    >zc.eml
run 0 lf-extract --no-store --jsonl zc.eml
has_member out a.txt src/a.txt 's3cret!42'
has_member out docs/evil.exe src/docs/evil.exe 's3cret!42'
message zipcrypto.zip "パスワード：s3cret!42" >zc-ja.eml
run 0 lf-extract --no-store --jsonl zc-ja.eml
has_member out a.txt src/a.txt 's3cret!42'
message zipcrypto.zip "no password in this text" >zc-none.eml
run 0 lf-extract --no-store --jsonl zc-none.eml
members out >m.txt
grep -q "a.txt	-	-" m.txt || fail "an unopened member lost its record: $(cat m.txt)"
contains out "\"code\":\"archive.encrypted\""
printf 'wrong\ns3cret!42\n' >pw.txt
run 0 lf-extract --no-store --jsonl --password-list pw.txt zc-none.eml
has_member out a.txt src/a.txt 's3cret!42'
message aes.zip "see attached" >aes.eml
run 0 lf-extract --no-store --jsonl aes.eml
has_member out a.txt src/a.txt infected
has_member out docs/evil.exe src/docs/evil.exe infected
# 7-Zip's own AES: libarchive cannot decrypt it; the member is reported.
message aes.7z "password: infected" >aes7.eml
run 0 lf-extract --no-store --jsonl aes7.eml
members out >m.txt
grep -q "a.txt	-	-" m.txt || fail "7z AES member lost: $(cat m.txt)"
contains out "cannot decrypt"

# declared REPORT: "name<TAB>crc32<TAB>compressed_size" for each entry
# with no object, "-" for a crc32 that is null (none stored).
declared() {
	python3 - "$1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline())
for p in r["parts"]:
    if p["kind"] == "entry" and "object" not in p:
        crc = p.get("crc32", "absent")
        print("\t".join([p["name"]["decoded"], "-" if crc is None else crc,
                         str(p.get("compressed_size", "absent"))]))
PY
}
# listed ZIP: the same from 7-Zip's listing ("CRC = " empty: none stored).
listed() {
	7zz l -slt "$1" | python3 -c '
import sys
blocks = sys.stdin.read().split("----------\n", 1)[1].split("\n\n")
for b in blocks:
    f = dict(l.split(" = ", 1) for l in b.splitlines() if " = " in l)
    if "Path" in f and f.get("Folder") != "+":
        print("\t".join([f["Path"], f["CRC"].strip().lower() or "-",
                         f["Packed Size"]]))
'
}
# The members nothing opens keep the CRC-32 their records declare.
for z in zipcrypto.zip zip64crypto.zip aes-hidden.zip aes-ae1.zip; do
	message "$z" "no password here" >"$z.eml"
	run 0 lf-extract --no-store --jsonl "$z.eml"
	cp out "$z.json"
	validate extract.schema.json "$z.json"
	declared "$z.json" | sort >got.txt
	listed "$z" | sort >want.txt
	[ -s want.txt ] || fail "7zz listed nothing in $z"
	same got.txt want.txt
done
# Independently of 7-Zip: zipinfo's CRC values, and real ones.
zipinfo -v zipcrypto.zip | awk '/32-bit CRC value/ { print $NF }' |
    sort >want.txt
declared zipcrypto.zip.json | cut -f2 | sort >got.txt
same got.txt want.txt
python3 -c 'import sys, zlib; print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' \
    src/docs/random.bin >want.txt
declared aes-ae1.zip.json | awk -F '\t' '$1 == "docs/random.bin" { print $2 }' \
    >got.txt
same got.txt want.txt
# AE-2 stores no CRC-32: the record says null, never 00000000.
grep -q '"crc32":null' aes-hidden.zip.json || fail "AE-2: no null crc32"
lacks aes-hidden.zip.json '"crc32":"00000000"'
contains aes-hidden.zip.json '"code":"archive.encrypted"'
# The readable summary says it too.
run 0 lf-extract --no-store aes-ae1.zip.eml
contains out "not opened: crc32 $(cat want.txt) declared"
contains out "not opened: no crc32 stored (WinZip AES AE-2)"

# Nesting: tar.gz > zip > zip > members, and the depth limit.
message outer.tgz "see attached" >nest.eml
run 0 lf-extract --no-store --jsonl nest.eml
has_member out a.txt src/a.txt
members out | grep -q '^2>1>1>1	a.txt' ||
    fail "three levels down: $(members out)"
run 0 lf-extract --no-store --jsonl --max-depth 2 nest.eml
contains out "\"code\":\"container.too-deep\""
if members out | grep -q '^2>1>1>1'; then
	fail "--max-depth 2 opened a third level"
fi
run 2 lf-extract --no-store --max-depth x nest.eml
run 2 lf-extract --no-store --password-list missing nest.eml
