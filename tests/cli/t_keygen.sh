# lf-keygen: the three files with their modes, never a file replaced, the
# fingerprint as openssl computes it, the private key as openssl reads it
# (with its passphrase when encrypted, and not without), and keys that
# openssl and minisign made read back with the same fingerprint.
. "$LF_TOP/tests/cli/lib.sh"

umask 022

# openssl's fingerprint of a PEM public key.
ossl_fpr() {
	openssl pkey -pubin -in "$1" -outform DER | openssl dgst -sha256 -r |
	    cut -d' ' -f1
}

run 0 lf-keygen -o case42
[ "$(wc -l <out)" -eq 1 ] || fail "stdout is not one line: $(cat out)"
grep -qE '^[0-9a-f]{64}$' out || fail "not a fingerprint: $(cat out)"
[ ! -s err ] || fail "stderr not empty: $(cat err)"
fpr=$(cat out)
[ "$fpr" = "$(ossl_fpr case42.pub)" ] ||
	fail "fingerprint $fpr, openssl says $(ossl_fpr case42.pub)"
[ "$(stat -c %a case42.key)" = 600 ] || fail "case42.key mode"
[ "$(stat -c %a case42.pub)" = 644 ] || fail "case42.pub mode"
[ "$(stat -c %a case42.minisign.pub)" = 644 ] || fail "minisign.pub mode"
[ "$(ls -A | grep -c case42)" -eq 3 ] || fail "files: $(ls -A)"

# openssl reads the private key, unencrypted, and finds the same public
# key in it.
openssl pkey -in case42.key -passin pass: -pubout -out derived.pub ||
	fail "openssl cannot read case42.key"
same derived.pub case42.pub
head -1 case42.key | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
	fail "not PKCS#8: $(head -1 case42.key)"

# The minisign public key: "Ed", the key id (the fingerprint's first 8
# bytes), the key; its comment shows the id as minisign does.
id=$(echo "$fpr" | cut -c1-16)
sed -n 2p case42.minisign.pub | base64 -d | od -An -tx1 -v | tr -d ' \n' \
    >mbin
[ "$(cut -c1-4 mbin)" = 4564 ] || fail "not Ed: $(cat mbin)"
[ "$(cut -c5-20 mbin)" = "$id" ] || fail "key id $(cut -c5-20 mbin) not $id"
openssl pkey -pubin -in case42.pub -outform DER | tail -c 32 |
    od -An -tx1 -v | tr -d ' \n' >raw
[ "$(cut -c21- mbin)" = "$(cat raw)" ] || fail "minisign key differs"
le=$(echo "$id" | sed 's/../& /g' | awk '{for(i=8;i>0;i--)printf "%s",$i}' |
    tr a-f A-F)
sed -n 1p case42.minisign.pub |
    grep -qx "untrusted comment: minisign public key $le" ||
	fail "comment: $(sed -n 1p case42.minisign.pub)"

# -f on each of the three, and -v names the key id.
for f in case42.key case42.pub case42.minisign.pub; do
	run 0 lf-keygen -f "$f"
	[ "$(cat out)" = "$fpr" ] || fail "-f $f: $(cat out)"
done
run 0 lf-keygen -v -f case42.pub
contains err "minisign key id: $le"

# Never replace: every file byte-identical after a refused second run.
for f in case42.key case42.pub case42.minisign.pub; do cp -p "$f" "$f.orig"; done
run 3 lf-keygen -o case42
contains err "lf-keygen: 'case42.pub' exists: nothing was written"
[ ! -s out ] || fail "printed a fingerprint: $(cat out)"
for f in case42.key case42.pub case42.minisign.pub; do same "$f.orig" "$f"; done
# Only the private key's name taken, by a dangling link: the public
# files made first are taken back, the link is left alone.
ln -s "$T/nowhere" lost.key
run 3 lf-keygen -o lost
contains err "'lost.key' exists"
[ "$(ls -A | grep -c '^lost')" -eq 1 ] || fail "left: $(ls -A)"
[ "$(readlink lost.key)" = "$T/nowhere" ] || fail "link changed"
[ ! -e "$T/nowhere" ] || fail "wrote through the link"
# No leftovers of any kind.
ls -A | grep -q '^\.' && fail "hidden files left: $(ls -A)"
# A directory part, and one that does not exist.
mkdir keys
run 0 lf-keygen -o keys/examiner
[ -f keys/examiner.key ] && [ -f keys/examiner.minisign.pub ] ||
	fail "keys/: $(ls keys)"
run 3 lf-keygen -o missing/examiner
contains err "missing/examiner"

# Encrypted with a passphrase from a file: openssl reads it with the
# passphrase, and not without or with another.
printf 'pass phrase\n' >pp
run 0 lf-keygen -o sealed --passphrase-file pp
efpr=$(cat out)
head -1 sealed.key | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' ||
	fail "not encrypted: $(head -1 sealed.key)"
openssl asn1parse -in sealed.key >asn
contains asn ":scrypt"
contains asn ":aes-256-cbc"
grep -q 'INTEGER *:4000$' asn || fail "scrypt N is not 16384: $(cat asn)"
openssl pkey -in sealed.key -passin file:pp -pubout -out sealed.derived ||
	fail "openssl cannot decrypt sealed.key"
same sealed.derived sealed.pub
if openssl pkey -in sealed.key -passin pass:wrong -noout 2>/dev/null; then
	fail "openssl read sealed.key with a wrong passphrase"
fi
if openssl pkey -in sealed.key -noout </dev/null 2>/dev/null; then
	fail "openssl read sealed.key with no passphrase"
fi
[ "$(stat -c %a sealed.key)" = 600 ] || fail "sealed.key mode"

# -f with the passphrase: from a file, standard input, the environment.
run 0 lf-keygen -f sealed.key --passphrase-file pp
[ "$(cat out)" = "$efpr" ] || fail "-f sealed.key: $(cat out)"
printf 'pass phrase\r\n' | lf-keygen -f sealed.key --passphrase-file - >out2
[ "$(cat out2)" = "$efpr" ] || fail "passphrase on stdin (CRLF)"
run 0 env LF_PP='pass phrase' lf-keygen -f sealed.key --passphrase-env LF_PP
[ "$(cat out)" = "$efpr" ] || fail "--passphrase-env: $(cat out)"
run 3 lf-keygen -f sealed.key
contains err "encrypted"
run 3 env LF_PP='pass phrasE' lf-keygen -f sealed.key --passphrase-env LF_PP
contains err "wrong passphrase"
run 3 lf-keygen -f sealed.key --passphrase-env LF_UNSET_VARIABLE
contains err "'LF_UNSET_VARIABLE' is not set"
: >empty
run 3 lf-keygen -o x --passphrase-file empty
contains err "the passphrase is empty"
[ ! -e x.key ] || fail "made a key with an empty passphrase"
# The longest passphrase is the longest openssl -passin reads.
head -c 1024 /dev/zero | tr '\0' p >long
run 3 lf-keygen -o x --passphrase-file long
contains err "longer than 1023 bytes"
[ ! -e x.key ] || fail "made a key with a too long passphrase"
head -c 1023 /dev/zero | tr '\0' p >long
run 0 lf-keygen -o x --passphrase-file long
openssl pkey -in x.key -passin file:long -noout || fail "1023-byte passphrase"
# The environment variable for -o too.
run 0 env LF_PP=other lf-keygen -o sealed2 --passphrase-env LF_PP
openssl pkey -in sealed2.key -passin pass:other -noout || fail "sealed2"

# Keys others made: openssl (plain, and encrypted with its own PBKDF2
# defaults), and minisign.
openssl genpkey -algorithm ed25519 -out o.key
openssl pkey -in o.key -pubout -out o.pub
run 0 lf-keygen -f o.key
[ "$(cat out)" = "$(ossl_fpr o.pub)" ] || fail "openssl's key: $(cat out)"
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:secret -out oe.key
openssl pkey -in oe.key -passin pass:secret -pubout -out oe.pub
run 0 env P=secret lf-keygen -f oe.key --passphrase-env P
[ "$(cat out)" = "$(ossl_fpr oe.pub)" ] || fail "openssl's encrypted key"
minisign -G -W -p ms.pub -s ms.key >/dev/null
run 0 lf-keygen -f ms.pub
grep -qE '^[0-9a-f]{64}$' out || fail "minisign's key: $(cat out)"
# ... which is the fingerprint of the same key in PEM form.
{
	printf 'MCowBQYDK2VwAyEA' | base64 -d # the DER SPKI header
	sed -n 2p ms.pub | base64 -d | tail -c 32
} >ms.der
[ "$(cat out)" = "$(openssl dgst -sha256 -r ms.der | cut -d' ' -f1)" ] ||
	fail "minisign key fingerprint"

# --json, against its schema: the same fingerprint, the key id, the
# files, and names that are not UTF-8 kept exactly in hex.
run 0 lf-keygen -f case42.key --json
validate key.schema.json out
contains out "\"fingerprint\":\"$fpr\""
contains out "\"minisign_key_id\":\"$le\""
contains out '"private":true,"encrypted":false,"source":"case42.key"'
run 0 lf-keygen -f sealed.key --json --passphrase-file pp
validate key.schema.json out
contains out '"private":true,"encrypted":true'
run 0 lf-keygen -f case42.minisign.pub --json
validate key.schema.json out
contains out '"private":false,"source"'
lacks out '"encrypted"'
raw=$(openssl pkey -pubin -in case42.pub -outform DER | tail -c 32 |
    od -An -tx1 -v | tr -d ' \n')
contains out "\"public_key\":\"$raw\""
run 0 lf-keygen -o "$(printf 'caf\351')" --json
validate key.schema.json out
contains out '"private_key_hex":"636166e92e6b6579"'
contains out '"encrypted":false,"files":{'
[ -f "$(printf 'caf\351.minisign.pub')" ] || fail "non-UTF-8 name"

# What is not an Ed25519 key file.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
run 3 lf-keygen -f ec.key
contains err "not an Ed25519 key"
printf 'hello\n' >hello
run 3 lf-keygen -f hello
contains err "'hello': no PEM block"
run 3 lf-keygen -f nonexistent
contains err "cannot open 'nonexistent'"
mkfifo fifo
run 3 lf-keygen -f fifo
contains err "not a file"
head -c 70000 /dev/zero >big
run 3 lf-keygen -f big
contains err "larger than"

# Usage.
run 2 lf-keygen
contains err "give one of -o NAME and -f KEYFILE"
run 2 lf-keygen -o a -f b
run 2 lf-keygen -o a --passphrase-file pp --passphrase-env X
run 2 lf-keygen -o a extra
run 2 lf-keygen --bogus
run 0 lf-keygen -h
contains out "usage: lf-keygen -o NAME"
run 0 lf-keygen -V
contains out "lf-keygen (libforensic)"
