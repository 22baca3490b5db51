# lf-verify's options, exit statuses and messages; hostile bags: links,
# FIFOs, paths out of the bag, tag files past the limit, names that are
# terminal escapes.
. "$LF_TOP/tests/cli/lib.sh"

W=$LF_BUILD/tests/bag_write

mkbag() {
	rm -rf "$1"
	mkdir -p "$1/data"
	printf 'hello\n' >"$1/data/hello.txt"
	"$W" "$1" "Source-Organization=Example Lab" ||
	    fail "bag_write $1"
}

mkbag b
run 0 lf-verify --no-signature b
contains out "b: valid BagIt 1.0 bag, 1 payload file, 6 bytes"
[ ! -s err ] || fail "warnings for a clean bag"
run 0 lf-verify -q --no-signature b
[ ! -s out ] || fail "-q printed a valid bag's line"

# JSON, valid and invalid, checked against the schema.
run 0 lf-verify --json --no-signature b
validate verify.schema.json out
contains out '"verdict":"valid"'
contains out '"payload":{"files":1,"bytes":6,"fetch_missing":0,"algorithms":["sha256","sha512"]}'
printf 'x' >>b/data/hello.txt
run 1 lf-verify --json --no-signature b
validate verify.schema.json out
contains out '"verdict":"invalid"'
contains out '"code":"payload.mismatch","file":"manifest-sha256.txt","line":1'

# Usage errors (2) and what this version does not do (3), said plainly.
run 2 lf-verify
contains err "no bundle or bag given"
run 2 lf-verify --no-signature b b
run 2 lf-verify --no-signature --pubkey k.pub b
contains err "exclude each other"
run 2 lf-verify --bogus b
run 0 lf-verify --help
contains out "--no-signature"
mkbag b
# A bag with no signature is sound but unverified; --pubkey wants a key.
run 1 lf-verify b
contains out "unverified: signature unsigned"
run 3 lf-verify --pubkey k.pub b
contains err "--pubkey 'k.pub'"
run 2 lf-verify --fingerprint 00ff b
# --deep and --profile are bundle checks: not for a plain bag, and a bag
# asked for them without a manifest is no bundle.
run 2 lf-verify --no-signature --profile strong b
contains err "--deep and --profile check a bundle"
run 2 lf-verify --no-signature --deep b
run 1 lf-verify --deep b
contains out "b/data/manifest.json: missing"
run 3 lf-verify --profile no-such-profile b
contains err "--profile: "
printf 'not a tar\n' >bundle.tar
run 1 lf-verify --no-signature bundle.tar
contains out "invalid BagIt bag"
contains out "bundle.tar: tar: "
run 1 lf-verify --json --no-signature bundle.tar
validate verify.schema.json out
contains out '"verdict":"invalid"'
run 3 lf-verify --no-signature nothing-here
contains err "cannot open 'nothing-here'"

# A warning goes to standard error and leaves the exit status alone.
mkbag w
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >w/bagit.txt
sed 's|  data/|  ./data/|' w/manifest-sha256.txt >m && mv m w/manifest-sha256.txt
run 1 lf-verify --no-signature w
contains out "tagmanifest-sha256.txt:3: manifest-sha256.txt: sha256 checksum differs"
contains err "warning: w/manifest-sha256.txt:1: path starts with './'"
rm w/tagmanifest-*.txt
run 0 lf-verify --no-signature w
contains err "warning:"

# A symbolic link in the payload is not followed, even to a file the
# manifest's checksum matches; a FIFO is not opened (no hang).
mkbag l
printf 'hello\n' >outside.txt
rm l/data/hello.txt
ln -s ../../outside.txt l/data/hello.txt
run 1 lf-verify --no-signature l
contains out "l/data/hello.txt: a symbolic link"
mkbag f
mkfifo f/data/pipe
run 1 lf-verify --no-signature f
contains out "f/data/pipe: a special file"
mkbag d
rm -rf d/data
ln -s ../b/data d/data
run 1 lf-verify --no-signature d
contains out "no data/ directory"

# A manifest naming a file out of the bag: invalid, and never read (the
# listed checksum is that of the file outside, which must not matter).
mkbag o
printf 'secret\n' >secret
s=$(sha256sum secret | cut -c1-64)
printf '%s  data/../../secret\n' "$s" >>o/manifest-sha256.txt
rm o/tagmanifest-*.txt
run 1 lf-verify --no-signature o
contains out "o/manifest-sha256.txt:2: data/../../secret: a '..' component, outside the bag"

# A tag file past --limit bag-tag-bytes stops with 3 and names the limit;
# a bag whose index passes bag-index-bytes likewise.
mkbag t
head -c 2000 /dev/zero | tr '\0' a >>t/bag-info.txt
run 3 lf-verify --no-signature --limit bag-tag-bytes=1k t
contains err "more than 1024 (limit bag-tag-bytes)"
mkbag i
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%064d  data/f%d\n", i, i }' \
    >i/manifest-sha256.txt
run 3 lf-verify --no-signature --limit bag-index-bytes=1M i
contains err "(limit bag-index-bytes)"

# A name made of terminal escapes reaches the terminal escaped.
mkbag e
printf 'x\n' >"e/data/$(printf 'esc\033[31mred')"
run 1 lf-verify --no-signature e
contains out 'e/data/esc\x1B[31mred: a payload file no manifest lists'
if grep -q "$(printf '\033')" out err; then
	fail "a raw escape reached the output"
fi
