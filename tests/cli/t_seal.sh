#!/bin/sh
# The sealed zip (lf_seal) and its CMS layer (lf_sealcms) against the
# real tools on the other side: 7-Zip extracts and tests what we seal
# (AES-256 and ZipCrypto), Info-ZIP unzip and Python's zipfile extract
# the ZipCrypto one, zipinfo shows one stored entry with the AE-2 field;
# the same input gives the same bytes, through pipes too, and the size
# announced beforehand is the size written.  What 7-Zip, bsdtar and zip seal
# we open; what we refuse (compressed, two entries, a wrong password, a
# changed byte) 7-Zip refuses too.  openssl cms decrypts our CMS layer
# for an RSA and an EC recipient, we decrypt openssl's, and a changed
# byte makes both fail.
. "$LF_TOP/tests/cli/lib.sh"

TOOL=$LF_BUILD/tests/seal_tool
SZ=$(command -v 7zz || command -v 7z) || fail "7-Zip is not installed (make deps)"
for t in zip unzip zipinfo bsdtar openssl; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done
SECRET=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
EPOCH=1700000000

# A sample of 3 MiB and 17 bytes: several chunks, an odd tail.
head -c 3145745 /dev/urandom >sample
SHA=$(sha256sum sample | cut -d' ' -f1)
SIZE=$(stat -c %s sample)

seal() { # METHOD [PASSWORD] < content > zip
	m=$1
	shift
	"$TOOL" seal "$m" "$SHA" $EPOCH $SECRET "$SHA" "$SIZE" "$@"
}

for m in aes zipcrypto; do
	# Through pipes both ways.
	cat sample | seal $m | cat >$m.zip
	seal $m <sample >$m.again.zip
	cmp $m.zip $m.again.zip || fail "$m: two runs gave different bytes"
	[ "$(stat -c %s $m.zip)" = "$("$TOOL" size $m "$SHA" "$SIZE")" ] ||
		fail "$m: the size announced is not the size written"

	run 0 "$SZ" t -pinfected $m.zip
	contains out "Everything is Ok"
	rm -rf x
	run 0 "$SZ" x -pinfected -ox $m.zip
	[ "$(ls x)" = "$SHA" ] || fail "$m: 7-Zip extracted $(ls x)"
	cmp sample "x/$SHA" || fail "$m: 7-Zip extracted other bytes"
	run 0 "$SZ" l -slt $m.zip
	[ "$(grep -c '^Path = ' out)" -eq 2 ] || fail "$m: not one entry"
	run 2 "$SZ" t -pwrong $m.zip

	# Our reader, from a pipe.
	cat $m.zip | "$TOOL" unseal "$SHA" >back 2>err ||
		fail "$m: unseal: $(cat err)"
	cmp sample back || fail "$m: unseal gave other bytes"
done

# 7-Zip's view of the two.
"$SZ" l -slt aes.zip >slt
contains slt "Method = AES-256 Store"
contains slt "Characteristics = WzAES : Encrypt"
"$SZ" l -slt zipcrypto.zip >slt
contains slt "Method = ZipCrypto Store"
contains slt "Characteristics = Encrypt Descriptor"

# zipinfo: one stored entry with the AE-2 field (AES), or stored with
# the data descriptor (ZipCrypto).
zipinfo -v aes.zip >zi
contains zi "central directory contains 1 entry"
contains zi "compression method:                             unknown (99)"
contains zi "minimum software version required to extract:   5.1"
contains zi "A subfield with ID 0x9901"
contains zi "02 00 41 45 03 00 00."
contains zi "file last modified on (DOS date/time):          2023 Nov 14 22:13:20"
contains zi "Unix file attributes (100644 octal):            -rw-r--r--"
lacks zi "UT extra field"
zipinfo -v zipcrypto.zip >zi
contains zi "central directory contains 1 entry"
contains zi "compression method:                             none (stored)"
contains zi "extended local header:                          yes"
contains zi "file security status:                           encrypted"

# Info-ZIP unzip and Python's zipfile open ZipCrypto (not AES).
rm -rf u
run 0 unzip -P infected -d u zipcrypto.zip
cmp sample "u/$SHA" || fail "unzip extracted other bytes"
run 0 unzip -t -P infected zipcrypto.zip
/usr/bin/python3 - zipcrypto.zip sample "$SHA" <<'EOT' || fail "zipfile"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    (i,) = z.infolist()
    assert i.filename == sys.argv[3] and i.compress_type == 0
    assert i.flag_bits == 0x9 and i.date_time == (2023, 11, 14, 22, 13, 20)
    assert z.read(i, pwd=b"infected") == open(sys.argv[2], "rb").read()
    try:
        z.read(i, pwd=b"wrong")
        raise SystemExit("a wrong password was taken")
    except RuntimeError:
        pass
EOT

# Another password.
seal aes "s3cret pass" <sample >pw.zip
run 0 "$SZ" t "-ps3cret pass" pw.zip
run 0 "$TOOL" unseal "$SHA" "s3cret pass" <pw.zip
run 1 "$TOOL" unseal "$SHA" <pw.zip
contains err "unseal: password:"

# What others seal, we open: 7-Zip, bsdtar (libarchive), Info-ZIP zip.
cp sample s.bin
"$SZ" a -mx0 -mem=AES256 -pinfected 7aes.zip s.bin >/dev/null
"$SZ" a -mx0 -mem=ZipCrypto -pinfected 7zc.zip s.bin >/dev/null
bsdtar --format zip --options zip:compression=store,zip:encryption=aes256 \
	--passphrase infected -cf baes.zip s.bin
bsdtar --format zip --options zip:compression=store,zip:encryption=zipcrypt \
	--passphrase infected -cf bzc.zip s.bin
zip -q -0 -P infected izc.zip s.bin
for z in 7aes 7zc baes bzc izc; do
	"$TOOL" unseal s.bin <$z.zip >back 2>err || fail "$z: $(cat err)"
	cmp sample back || fail "$z: other bytes"
done

# What we refuse, each for its reason; 7-Zip refuses the damage too.
seq 1 200000 >text
"$SZ" a -mx5 -mem=AES256 -pinfected deflated.zip text >/dev/null
run 1 "$TOOL" unseal text <deflated.zip
contains err "unseal: not-stored:"
"$SZ" a -mx0 -mem=AES256 -pinfected two.zip s.bin text >/dev/null
run 1 "$TOOL" unseal s.bin <two.zip
contains err "unseal: entries:"
run 1 "$TOOL" unseal other.eml <aes.zip
contains err "unseal: name:"
for m in aes zipcrypto; do
	cp $m.zip bad.zip
	printf '\125' | dd of=bad.zip bs=1 seek=100000 conv=notrunc 2>/dev/null
	run 2 "$SZ" t -pinfected bad.zip
	run 1 "$TOOL" unseal "$SHA" <bad.zip
	if [ $m = aes ]; then contains err "unseal: auth:"; else
		contains err "unseal: crc:"
	fi
	head -c 2000000 $m.zip >cut.zip
	run 1 "$TOOL" unseal "$SHA" <cut.zip
	contains err "unseal: truncated:"
done

# The CMS layer: two recipients, RSA and EC.
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt \
	-subj /CN=rsa-recipient -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout ec.key -out ec.crt -subj /CN=ec-recipient -days 2 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout no.key -out no.crt -subj /CN=not-a-recipient -days 2 2>/dev/null
seal aes <sample | "$TOOL" cms rsa.crt ec.crt >aes.zip.cms
openssl asn1parse -inform DER -in aes.zip.cms >asn 2>&1 ||
	fail "openssl cannot parse our CMS"
contains asn ":id-smime-ct-authEnvelopedData"
contains asn ":aes-256-gcm"
for k in rsa ec; do
	run 0 openssl cms -decrypt -binary -inform DER -in aes.zip.cms \
		-recip $k.crt -inkey $k.key -out dec.zip
	cmp aes.zip dec.zip || fail "openssl ($k) decrypted other bytes"
	run 0 "$TOOL" uncms $k.key $k.crt "$SHA" <aes.zip.cms
	cmp sample out || fail "uncms ($k) gave other bytes"
done
run 1 "$TOOL" uncms no.key no.crt "$SHA" <aes.zip.cms
contains err "unseal: recipient:"
# The CMS layer is fresh each time (content key, nonce).
seal aes <sample | "$TOOL" cms rsa.crt ec.crt >again.cms
if cmp -s aes.zip.cms again.cms; then fail "two CMS runs were the same"; fi

# openssl's CMS, streamed (BER, pieces) and not (DER, one piece), we open.
for s in -stream ""; do
	openssl cms -encrypt -aes-256-gcm -binary $s -outform DER \
		-in zipcrypto.zip -out o.cms rsa.crt ec.crt
	run 0 "$TOOL" uncms ec.key ec.crt "$SHA" <o.cms
	cmp sample out || fail "uncms of openssl's CMS ($s) gave other bytes"
done

# A changed byte: openssl and we both fail (in the content, in the tag).
L=$(stat -c %s aes.zip.cms)
for at in 1000000 $((L - 10)); do
	cp aes.zip.cms bad.cms
	printf '\125' | dd of=bad.cms bs=1 seek=$at conv=notrunc 2>/dev/null
	cmp -s bad.cms aes.zip.cms && fail "the byte did not change"
	set +e
	openssl cms -decrypt -binary -inform DER -in bad.cms -recip ec.crt \
		-inkey ec.key -out dec.zip 2>/dev/null
	rc=$?
	set -e
	[ $rc -ne 0 ] || fail "openssl took a changed CMS (byte $at)"
	run 1 "$TOOL" uncms ec.key ec.crt "$SHA" <bad.cms
	contains err "unseal: auth:"
done
head -c 1500000 aes.zip.cms >cut.cms
run 1 "$TOOL" uncms ec.key ec.crt "$SHA" <cut.cms
contains err "unseal: truncated:"
