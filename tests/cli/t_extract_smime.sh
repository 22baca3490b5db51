# S/MIME (RFC 8551) made by openssl itself: the message an opaque
# signature wraps is taken apart below the signed object, in DER and in
# indefinite-length BER; an encrypted object is kept whole and said to be
# encrypted; a detached signature leaves the signed parts as they are.
. "$LF_TOP/tests/cli/lib.sh"

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=lf-test -days 2 2>/dev/null
printf 'Content-Type: application/octet-stream; name="payload.bin"\r\n' >inner
printf 'Content-Transfer-Encoding: base64\r\n\r\n' >>inner
head -c 3000 /dev/urandom >payload.bin
base64 payload.bin | sed 's/$/\r/' >>inner
payload=$(sha256sum payload.bin | cut -d' ' -f1)

# part PATH SHA256: the report in out has that part with that content.
part() {
	python3 - "$1" "$2" <<'PY'
import json, sys
path, sha = sys.argv[1:]
r = json.load(open("out"))
got = [p["object"]["sha256"] for p in r["parts"]
       if p["path"] == path and p.get("object")]
sys.exit(0 if got == [sha] else "part %s: %s, not %s" % (path, got, sha))
PY
}

openssl smime -sign -nodetach -in inner -signer cert.pem -inkey key.pem \
    -outform SMIME -out opaque.eml
run 0 lf-extract --no-store --jsonl opaque.eml
contains out '"code":"smime.signed-data"'
part 1.1 "$payload"
contains out '"decoded":"payload.bin"'
# The signed object itself is the DER openssl wrote, base64-decoded.
openssl smime -pk7out -in opaque.eml | openssl pkcs7 -outform DER -out p7.der
part 1 "$(sha256sum p7.der | cut -d' ' -f1)"

# Indefinite lengths (BER), as streaming signers write them.
openssl cms -sign -nodetach -stream -indef -in inner -signer cert.pem \
    -inkey key.pem -outform DER -out indef.der
{
	printf 'Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	base64 indef.der
} >indef.eml
run 0 lf-extract --no-store --jsonl indef.eml
part 1.1 "$payload"

openssl smime -encrypt -in inner -outform SMIME -out enc.eml cert.pem
run 0 lf-extract --no-store --jsonl enc.eml
contains out '"code":"smime.encrypted"'
lacks out '"path":"1.1"'

openssl smime -sign -in inner -signer cert.pem -inkey key.pem -out clear.eml
run 0 lf-extract --no-store --jsonl clear.eml
part 1 "$payload"
contains out '"type":"application/x-pkcs7-signature"'

# Over the smime-bytes limit, the object is kept but not opened.
run 0 lf-extract --no-store --jsonl --limit smime-bytes=100 opaque.eml
contains out '"code":"smime.too-large"'
lacks out '"path":"1.1"'
