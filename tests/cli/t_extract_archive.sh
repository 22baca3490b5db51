# Archives made by the real tools (Info-ZIP zip, 7-Zip, bsdtar, GNU cpio
# and ar, gzip, bzip2, xz, zstd, lz4) inside messages: every member comes
# out with its name and the SHA-256 of the file the tool was given, in the
# store too; nested archives open to their depth; encrypted ones open with
# the password the message gives, a usual one, or --password-list, and
# say which; those nothing opens are reported, not lost.
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
