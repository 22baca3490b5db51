# Signatures made with the library (tests/sign_tool) verified by the stock
# tools: openssl pkeyutl (raw), minisign (both forms, with -x too),
# signify-openbsd (the legacy form); and theirs verified by the library.
# The time-stamp query parses with openssl ts, equals openssl's own but
# for the nonce, and a test time-stamping authority made with openssl
# answers it with a reply that openssl ts -verify accepts.
. "$LF_TOP/tests/cli/lib.sh"

ST=$LF_BUILD/tests/sign_tool
for t in minisign signify-openbsd; do
	command -v $t >/dev/null || fail "$t is not installed (make deps)"
done

lf-keygen -o signer >fpr
printf 'Payload-Oxum: 115.1\nBag-Count: 1 of 1\n' >tagmanifest
cp tagmanifest altered
printf 'x' | dd of=altered bs=1 seek=5 conv=notrunc 2>/dev/null

# Raw: openssl verifies ours, and refuses it for a changed file.
"$ST" raw signer.key tagmanifest tm.sig
[ "$(stat -c %s tm.sig)" -eq 64 ] || fail "raw signature size"
run 0 openssl pkeyutl -verify -pubin -inkey signer.pub -rawin \
    -in tagmanifest -sigfile tm.sig
contains out "Signature Verified Successfully"
run 1 openssl pkeyutl -verify -pubin -inkey signer.pub -rawin \
    -in altered -sigfile tm.sig
# Ed25519 is deterministic: openssl's signature is the same bytes.
openssl pkeyutl -sign -inkey signer.key -rawin -in tagmanifest -out o.sig
same o.sig tm.sig
run 0 "$ST" verify signer.pub tagmanifest o.sig "$(cat fpr)"
contains out "good"
# Against another key, a flipped byte, truncated, oversized, a pin that
# is not the key's: each its verdict.
lf-keygen -o other >/dev/null
run 1 "$ST" verify other.pub tagmanifest tm.sig
contains out "bad: the signature does not match"
run 1 "$ST" verify signer.pub altered tm.sig
contains out "bad:"
cp tm.sig flipped.sig
printf '\001' | dd of=flipped.sig bs=1 seek=17 conv=notrunc 2>/dev/null
run 1 "$ST" verify signer.pub tagmanifest flipped.sig
contains out "bad:"
head -c 63 tm.sig >short.sig
run 1 "$ST" verify signer.pub tagmanifest short.sig
contains out "malformed: the signature is 63 bytes, not 64 (truncated)"
{ cat tm.sig; echo; } >long.sig
run 1 "$ST" verify signer.pub tagmanifest long.sig
contains out "oversized"
run 1 "$ST" verify other.pub tagmanifest tm.sig "$(cat fpr)"
contains out "wrong-key"

# minisign form, prehashed "ED": minisign verifies it, -x and -H too.
"$ST" minisig signer.key tagmanifest tagmanifest.minisig
sed -n 2p tagmanifest.minisig | base64 -d | head -c 2 | grep -qx ED ||
	fail "not ED: $(cat tagmanifest.minisig)"
run 0 minisign -Vm tagmanifest -p signer.minisign.pub
contains out "Signature and comment signature verified"
contains out "Trusted comment: timestamp:1700000000"
cp tagmanifest.minisig elsewhere.minisig
run 0 minisign -V -H -m tagmanifest -x elsewhere.minisig \
    -p signer.minisign.pub
run 1 minisign -Vm altered -x tagmanifest.minisig -p signer.minisign.pub
contains err "Signature verification failed"
run 1 minisign -Vm tagmanifest -p other.minisign.pub
# The library agrees, and says why when it does not.
run 0 "$ST" verify-minisig signer.minisign.pub tagmanifest \
    tagmanifest.minisig "$(cat fpr)"
contains out "prehashed"
run 1 "$ST" verify-minisig other.minisign.pub tagmanifest \
    tagmanifest.minisig
contains out "wrong-key: the signature's key id is"
sed 's/timestamp:1700000000/timestamp:1700000001/' tagmanifest.minisig \
    >comment.minisig
run 1 minisign -Vm tagmanifest -x comment.minisig -p signer.minisign.pub
contains err "Comment signature verification failed"
run 1 "$ST" verify-minisig signer.pub tagmanifest comment.minisig
contains out "bad-comment"
head -n 3 tagmanifest.minisig >cut.minisig
run 1 "$ST" verify-minisig signer.pub tagmanifest cut.minisig
contains out "malformed"

# The legacy "Ed" form: minisign verifies it, and so does signify, with
# the same public key file.
"$ST" minisig signer.key tagmanifest legacy.minisig -l
sed -n 2p legacy.minisig | base64 -d | head -c 2 | grep -qx Ed ||
	fail "not Ed"
run 0 minisign -Vm tagmanifest -x legacy.minisig -p signer.minisign.pub
run 0 signify-openbsd -V -p signer.minisign.pub -x legacy.minisig \
    -m tagmanifest
contains out "Signature Verified"
run 1 signify-openbsd -V -p signer.minisign.pub -x legacy.minisig -m altered
run 1 signify-openbsd -V -p other.minisign.pub -x legacy.minisig \
    -m tagmanifest
# minisign -H refuses the legacy form, as it should.
run 1 minisign -V -H -m tagmanifest -x legacy.minisig -p signer.minisign.pub

# An encrypted key signs the same bytes.
printf 'pp\n' >pp
lf-keygen -o sealed --passphrase-file pp >/dev/null
SIGN_TOOL_PASSPHRASE=pp "$ST" raw sealed.key tagmanifest sealed.sig
run 0 openssl pkeyutl -verify -pubin -inkey sealed.pub -rawin \
    -in tagmanifest -sigfile sealed.sig
run 2 env SIGN_TOOL_PASSPHRASE=wrong "$ST" raw sealed.key tagmanifest w.sig
contains err "wrong passphrase"

# minisign's own signatures (its key id is random: the library needs its
# public key file), both forms.
minisign -G -W -p ms.pub -s ms.key >/dev/null
minisign -S -s ms.key -m tagmanifest -x ms.minisig >/dev/null
minisign -S -l -s ms.key -m tagmanifest -x ms-legacy.minisig >/dev/null
run 0 "$ST" verify-minisig ms.pub tagmanifest ms.minisig
contains out "prehashed"
contains out "trusted comment: timestamp:"
run 0 "$ST" verify-minisig ms.pub tagmanifest ms-legacy.minisig
contains out "legacy"
run 1 "$ST" verify-minisig ms.pub altered ms.minisig
contains out "bad:"
run 1 "$ST" verify-minisig signer.pub tagmanifest ms.minisig
contains out "wrong-key"

# The RFC 3161 query: openssl parses it; it is openssl's own query but
# for the random nonce; the imprint is sha512sum's.
"$ST" tsq tagmanifest tm.tsq
run 0 openssl ts -query -in tm.tsq -text
contains out "Hash Algorithm: sha512"
contains out "Certificate required: yes"
contains out "Nonce: 0x"
grep -v '^Nonce' out >ours.txt
openssl ts -query -data tagmanifest -sha512 -cert -text 2>/dev/null |
    grep -v '^Nonce' >theirs.txt
same theirs.txt ours.txt
sed -n '/Message data:/,/Policy OID/p' out | grep -- ' - ' |
    sed 's/^ *[0-9a-f]* - //; s/   .*//; s/[ -]//g' | tr -d '\n' >imprint
[ "$(cat imprint)" = "$(sha512sum tagmanifest | cut -d' ' -f1)" ] ||
	fail "imprint $(cat imprint)"
# A given nonce lands in the query; two random ones differ.
"$ST" tsq tagmanifest fixed.tsq 0123456789abcdef
openssl ts -query -in fixed.tsq -text 2>/dev/null |
    grep -qx 'Nonce: 0x0123456789ABCDEF' ||
	fail "nonce: $(openssl ts -query -in fixed.tsq -text)"
"$ST" tsq tagmanifest tm2.tsq
cmp -s tm.tsq tm2.tsq && fail "two random nonces were equal"

# Stamped by a test authority, the reply verifies against the query.
cat >tsa.cnf <<'EOF'
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = ./tsaserial
crypto_device = builtin
signer_cert = ./tsa.crt
certs = ./ca.crt
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
printf 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n' >ext
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.crt -subj "/CN=Test CA" -days 2 \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout tsa.key -out tsa.csr -subj "/CN=Test TSA" 2>/dev/null
openssl x509 -req -in tsa.csr -CA ca.crt -CAkey ca.key -set_serial 2 \
    -days 2 -extfile ext -out tsa.crt 2>/dev/null
echo 01 >tsaserial
openssl ts -reply -config tsa.cnf -queryfile tm.tsq -out tm.tsr 2>/dev/null ||
	fail "the test authority refused the query"
run 0 openssl ts -verify -queryfile tm.tsq -in tm.tsr -CAfile ca.crt \
    -untrusted tsa.crt
contains out "Verification: OK"
run 0 openssl ts -verify -data tagmanifest -in tm.tsr -CAfile ca.crt \
    -untrusted tsa.crt
# The reply carries the nonce: another query's reply does not match.
run 1 openssl ts -verify -queryfile tm2.tsq -in tm.tsr -CAfile ca.crt \
    -untrusted tsa.crt

# docs/signatures.md: its examples run, with their exact output.
/usr/bin/python3 "$LF_TOP/tests/cli/man_examples.py" \
    "$LF_TOP/docs/signatures.md" "$LF_TOP/tests/data/examples" "$LF_BUILD" ||
	fail "examples of docs/signatures.md"
