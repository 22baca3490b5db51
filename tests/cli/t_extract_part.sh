#!/bin/sh
# lf-extract -p PATH gives the decoded bytes of any object the report
# names, at any depth: MIME parts, archive entries inside archives inside
# the message (a zip in a 7z, an encrypted zip opened with the password
# the message gives), the attachments of an Outlook .msg.  For every
# object of every report here, the bytes -p writes must have the SHA-256
# the report gives; a path the report does not have is an error.
. "$LF_TOP/tests/cli/lib.sh"

command -v 7zz >/dev/null || fail "7zz is not installed (make deps)"
C=$(corpora)

mkdir src
printf 'first document\n' >src/a.txt
head -c 5000 /dev/urandom >src/b.bin
(cd src && zip -q ../inner.zip a.txt b.bin)
(cd src && 7zz a -bso0 -bsp0 ../outer.7z ../inner.zip a.txt)
(cd src && zip -q -P 1234 ../locked.zip b.bin)
python3 - <<'EOT'
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "a@example.com"
m["To"] = "b@example.com"
m["Subject"] = "documents"
m.set_content("The archive is locked. Password: 1234\n")
for name, sub in (("outer.7z", "x-7z-compressed"), ("locked.zip", "zip")):
    m.add_attachment(open(name, "rb").read(), maintype="application",
                     subtype=sub, filename=name)
open("m.eml", "wb").write(bytes(m))
EOT

# check_all INPUT: every object of INPUT's report through -p.
check_all() {
	lf-extract --no-store --json "$1" >report.json
	python3 - "$1" report.json <<'EOT' >paths
import json, sys
for r in json.load(open(sys.argv[2])):
    for p in r["parts"]:
        if "object" in p:
            print(p["object"]["sha256"], p["path"])
EOT
	[ -s paths ] || fail "$1: no objects"
	while read -r sha path; do
		run 0 lf-extract -p "$path" "$1"
		got=$(sha256sum <"$T/out" | cut -d' ' -f1)
		[ "$got" = "$sha" ] || fail "$1: -p $path: $got, report $sha"
	done <paths
}

check_all m.eml
# The entries deep down are among them.
grep -q ' 2>2>2$' paths || fail "no zip entry in the 7z: $(cat paths)"
grep -q ' 3>1$' paths || fail "no entry of the locked zip: $(cat paths)"
run 0 lf-extract -p '2>2>2' m.eml
cmp "$T/out" src/b.bin || fail "-p 2>2>2 is not b.bin"
run 0 lf-extract -p '3>1' m.eml
cmp "$T/out" src/b.bin || fail "-p 3>1 is not b.bin"

for msg in "$C"/mail/msg-extractor/aux/*.msg; do
	check_all "$msg"
done

# Paths the report does not have.
run 3 lf-extract -p '2>9' m.eml
grep -q "no part 2>9" err || fail "unknown entry: $(cat err)"
[ ! -s "$T/out" ] || fail "unknown entry: bytes written"
run 3 lf-extract -p 7 m.eml
run 2 lf-extract -p 1 m.eml m.eml
