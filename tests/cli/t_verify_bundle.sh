#!/bin/sh
# lf-verify on a bundle's tar: the container read strictly, the bag from
# the stream, and the Ed25519 signature over tagmanifest-sha512.txt
# against a key given (--pubkey) or pinned (--fingerprint).  The bundle is
# made here the way docs/bundle-format.md lays it out: a bag by lf_bagit's
# writer, the signature by lf_sign, a sorted pax tar by GNU tar; stock
# tools (tar, sha512sum, openssl) verify the same bundle.  Then each
# tampering gives its verdict: a changed sample, tag manifest or
# signature, a file added or taken away, a truncated tar, bytes after its
# end, the key replaced.
. "$LF_TOP/tests/cli/lib.sh"

BAGW=$LF_BUILD/tests/bag_write
SIGN=$LF_BUILD/tests/sign_tool
ID=lfb-20261128T120000Z-0123456789abcdef

# bundle DIR OUT: sign DIR's tag manifest with k.key and tar it as OUT.
bundle() {
	mkdir -p "$1/signatures"
	"$SIGN" raw k.key "$1/tagmanifest-sha512.txt" \
	    "$1/signatures/tagmanifest-sha512.txt.sig"
	cp k.pub "$1/signatures/signer.pub.pem"
	(cd "$(dirname "$1")" && tar --format=pax --sort=name --owner=0 \
	    --group=0 --numeric-owner --mtime=@1764331200 -cf "$T/$2" \
	    "$(basename "$1")")
}

# mkmanifest BAG SHA256 SIZE SIGNER: data/manifest.json for one sample,
# sealed with AES and "infected", eligible.
mkmanifest() {
	python3 - "$@" <<'EOT'
import hashlib, json, os, sys
bag, sha, size, signer = sys.argv[1:5]
f = "data/samples/%s.zip" % sha
sealed = open(os.path.join(bag, f), "rb").read()
print(json.dumps({
    "format": "lf-manifest", "format_version": 1,
    "bundle": {"id": os.path.basename(bag), "time": "2026-11-28T12:00:00Z",
               "count": {"n": 1, "total": 1}, "group": None},
    "profile": {"name": "symantec-ess", "sample_limit": 500000000,
                "seal": "zip-aes256", "cms": "optional"},
    "signer": {"fingerprint": signer},
    "custody": {"log_head_sha256": None},
    "messages": [],
    "samples": [{"object": {"sha256": sha, "size": int(size)},
                 "found": [], "eligible": True, "reason": None,
                 "sealed": {"file": f, "size": len(sealed),
                            "sha256": hashlib.sha256(sealed).hexdigest(),
                            "method": "zip-aes256", "password": "infected",
                            "entry": sha, "cms_recipients": []}}]}))
EOT
}

lf-keygen -o k >/dev/null
lf-keygen -o other >/dev/null
fpr=$(lf-keygen -f k.pub)
mkdir -p src/$ID/data/samples
head -c 200000 /dev/urandom >sample.bin
S=$(sha256sum <sample.bin | cut -c1-64)
"$LF_BUILD/tests/seal_tool" seal aes "$S" 1764331200 \
    000102030405060708090a0b0c0d0e0f "$S" 200000 <sample.bin \
    >src/$ID/data/samples/$S.zip
mkmanifest src/$ID "$S" 200000 "$fpr" >src/$ID/data/manifest.json
"$BAGW" src/$ID Source-Organization=Example "External-Identifier=case 1"
bundle src/$ID b.tar

# Pinned, it is valid; unpinned, sound but unverified.
run 0 lf-verify --pubkey k.pub b.tar
contains out "signature good: signed by $fpr"
run 0 lf-verify --fingerprint "$fpr" b.tar
run 0 lf-verify --no-signature b.tar
contains out "signature not checked"
run 1 lf-verify b.tar
contains out "b.tar: unverified: signature unknown-key"
run 1 lf-verify --json b.tar
validate verify.schema.json out
contains out '"verdict":"unverified"'
run 0 lf-verify --json --fingerprint "$fpr" b.tar
validate verify.schema.json out
contains out '"source":"tar","verdict":"valid","signature":"good"'
# Another key given or pinned: bad, or not the pinned key.
run 1 lf-verify --pubkey other.pub b.tar
contains out "b.tar: invalid: signature bad"
run 1 lf-verify --fingerprint "$(lf-keygen -f other.pub)" b.tar
contains out "unverified: signature unknown-key: the key is not the pinned one"

# Stock tools agree on the same bundle.
mkdir x
tar -C x -xf b.tar
(cd x/$ID && sha512sum --strict --quiet -c tagmanifest-sha512.txt &&
    sha512sum --strict --quiet -c manifest-sha512.txt &&
    sha256sum --strict --quiet -c manifest-sha256.txt) ||
	fail "sha*sum do not verify the bundle"
openssl pkeyutl -verify -pubin -inkey k.pub -rawin \
    -in x/$ID/tagmanifest-sha512.txt \
    -sigfile x/$ID/signatures/tagmanifest-sha512.txt.sig >/dev/null ||
	fail "openssl does not verify the signature"

# flip FILE OFFSET: the byte at OFFSET changed.
flip() {
	python3 - "$1" "$2" <<'EOT'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[off] ^= 0x20
open(p, "wb").write(bytes(b))
EOT
}
# offset TAR MEMBER: where MEMBER's data starts in TAR.
offset() {
	python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1])
print(t.getmember(sys.argv[2]).offset_data)' "$1" "$2"
}

cp b.tar t1.tar
flip t1.tar $(($(offset t1.tar $ID/data/samples/$S.zip) + 1000))
run 1 lf-verify --pubkey k.pub t1.tar
contains out "t1.tar/manifest-sha256.txt:"
contains out "data/samples/$S.zip"
cp b.tar t2.tar
flip t2.tar "$(offset t2.tar $ID/tagmanifest-sha512.txt)"
run 1 lf-verify --pubkey k.pub t2.tar
contains out "signature bad"
cp b.tar t3.tar
flip t3.tar "$(offset t3.tar $ID/signatures/tagmanifest-sha512.txt.sig)"
run 1 lf-verify --pubkey k.pub t3.tar
contains out "signature bad"

# A sample added, or taken away, after signing.
cp -r x/$ID add
printf 'planted' >add/data/samples/b.zip
(tar --format=pax --sort=name --owner=0 --group=0 -cf t4.tar \
    --transform "s,^add,$ID," add)
run 1 lf-verify --pubkey k.pub t4.tar
contains out "data/samples/b.zip"
cp -r x/$ID gone
rm gone/data/samples/$S.zip
(tar --format=pax --sort=name --owner=0 --group=0 -cf t5.tar \
    --transform "s,^gone,$ID," gone)
run 1 lf-verify --pubkey k.pub t5.tar
contains out "data/samples/$S.zip"
# A sample renamed after signing: gone under its name, unlisted under
# the new one.
cp -r x/$ID renamed
mv renamed/data/samples/$S.zip renamed/data/samples/invoice.pdf.zip
(tar --format=pax --sort=name --owner=0 --group=0 -cf t10.tar \
    --transform "s,^renamed,$ID," renamed)
run 1 lf-verify --pubkey k.pub t10.tar
contains out "t10.tar/data/samples/invoice.pdf.zip: a payload file data/manifest.json does not name"
contains out "t10.tar/data/samples/$S.zip: named by data/manifest.json, not in the bag"
# The signature and key taken away: unsigned.
cp -r x/$ID nosig
rm -r nosig/signatures
(tar --format=pax --sort=name --owner=0 --group=0 -cf t6.tar \
    --transform "s,^nosig,$ID," nosig)
run 1 lf-verify --pubkey k.pub t6.tar
contains out "unverified: signature unsigned"
# Re-signed with another key and that key put in: only a pin catches it.
cp -r x/$ID resigned
rm resigned/signatures/tagmanifest-sha512.txt.sig
"$SIGN" raw other.key resigned/tagmanifest-sha512.txt \
    resigned/signatures/tagmanifest-sha512.txt.sig
cp other.pub resigned/signatures/signer.pub.pem
(tar --format=pax --sort=name --owner=0 --group=0 -cf t7.tar \
    --transform "s,^resigned,$ID," resigned)
run 1 lf-verify --fingerprint "$fpr" t7.tar
contains out "unknown-key"
run 1 lf-verify --pubkey k.pub t7.tar
contains out "signature bad"

# The container: cut short, or with bytes after its end.
head -c 3000 b.tar >t8.tar
run 1 lf-verify --pubkey k.pub t8.tar
contains out "tar: "
cp b.tar t9.tar
printf 'hidden' >>t9.tar
run 1 lf-verify --pubkey k.pub t9.tar
contains out "data after the end of the archive"
