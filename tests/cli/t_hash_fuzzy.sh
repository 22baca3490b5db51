# ssdeep and TLSH equal what Debian's ssdeep and tlsh tools compute on the
# same files (tlsh prints the 70 digits without "T1").
. "$LF_TOP/tests/cli/lib.sh"

i=0
for size in 256 257 1000 4096 65536 300000 1048576 3000001; do
	head -c $size /dev/urandom >r$i.bin
	i=$((i + 1))
done
# Text-like and repetitive content too.
seq 1 20000 >seq.txt
cp /bin/ls ls.bin
for f in *.bin seq.txt; do
	run 0 lf-hash -c ssdeep "$f"
	ours=$(cut -d' ' -f1 out)
	theirs=$(ssdeep -s -b "$f" | tail -n 1 | cut -d, -f1)
	[ "$ours" = "$theirs" ] || fail "ssdeep $f: $ours != $theirs"
	run 0 lf-hash -c tlsh "$f"
	ours=$(cut -d' ' -f1 out)
	theirs=$(tlsh -f "$f" | cut -f1)
	[ "$ours" = "T1$theirs" ] || fail "tlsh $f: $ours != T1$theirs"
done

# Where TLSH's length code steps up (one byte either side of each of
# these boundaries), the float arithmetic of the reference must be matched.
head -c 1100000 /dev/urandom >pool
for n in 292 438 657 855 1111 3172 3476 9917 50122 97673 253338 1058253; do
	for m in $((n - 1)) $n; do
		head -c $m pool >len$m
		run 0 lf-hash -c tlsh len$m
		theirs=$(tlsh -f len$m | cut -f1)
		[ "$(cut -d' ' -f1 out)" = "T1$theirs" ] || fail "tlsh at $m bytes"
	done
done

# Under 50 bytes TLSH is not defined: "-" in text, null in JSON.
printf 'short' >short
run 0 lf-hash -c tlsh short
contains out "-  short"
run 0 lf-hash --json -c tlsh short
contains out '"tlsh":null'
