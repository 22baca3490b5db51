# --hashdeep writes HASHDEEP-1.0 that hashdeep's own audit accepts, and
# lf-hash audits against lists hashdeep writes.
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p tree/sub
printf 'one\n' >tree/one
printf 'two\n' >"tree/two, with commas, here"
printf 'three\n' >tree/sub/three
head -c 2000000 /dev/urandom >tree/sub/big.bin
printf 'utf8\n' >"tree/$(printf 'caf\303\251')"

run 0 lf-hash --hashdeep -r tree
cp out known.hashdeep
head -n 2 known.hashdeep >header
printf '%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,sha256,filename\n' >want
same want header
run 0 hashdeep -l -a -k known.hashdeep -r tree
contains out "Audit passed"
run 0 lf-hash --hashdeep -c md5,sha256 -r tree
cp out known2.hashdeep
run 0 hashdeep -l -a -k known2.hashdeep -r tree
contains out "Audit passed"

# A changed file fails hashdeep's audit of our list.
printf 'changed\n' >tree/one
run 1 hashdeep -l -a -k known.hashdeep -r tree
contains out "Audit failed"
printf 'one\n' >tree/one

# The other way: hashdeep's list, our audit.
hashdeep -c md5,sha1,sha256 -l -r tree >theirs.hashdeep
run 0 lf-hash -a theirs.hashdeep -r tree
contains out "audit passed"

# Names the format cannot hold are refused, not mangled.
printf 'x\n' >"tree/$(printf 'new\nline')"
run 3 lf-hash --hashdeep -r tree
contains err "cannot be written in HASHDEEP-1.0"
[ "$(grep -c ',tree/' out)" -eq 5 ] || fail "other files must still be listed"

# What HASHDEEP-1.0 cannot carry is a usage error.
run 2 lf-hash --hashdeep -c sha512 tree/one
run 2 lf-hash --hashdeep --type tree/one
