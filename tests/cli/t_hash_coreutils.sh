# lf-hash with one algorithm writes exactly what md5sum, sha1sum, sha256sum
# and sha512sum write, awkward names included, and they check it.
. "$LF_TOP/tests/cli/lib.sh"

awkward_tree tree
for alg in md5 sha1 sha256 sha512; do
	sorted_files tree | xargs -0 "${alg}sum" >theirs.$alg
	sorted_files tree | xargs -0 lf-hash -c $alg >ours.$alg
	same theirs.$alg ours.$alg
	run 0 "${alg}sum" -c --strict ours.$alg
	# -r walks in the same order as find | sort.
	run 0 lf-hash -r -c $alg tree
	same theirs.$alg out
done

# The escaped form really is there for the newline and backslash names.
grep -q '^\\[0-9a-f]*  tree/new\\nline$' ours.sha256 || fail "newline name"
grep -q '^\\[0-9a-f]*  tree/back\\\\slash$' ours.sha256 || fail "backslash"

# Standard input, with no operand and with "-".
printf 'abc' >abc
run 0 sh -c 'printf abc | lf-hash -c sha256'
printf '%s  -\n' "$(sha256sum <abc | cut -d' ' -f1)" >want
same want out
run 0 sh -c 'lf-hash -c md5 - <abc'
md5sum <abc >want
same want out
