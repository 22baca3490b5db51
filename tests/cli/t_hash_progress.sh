# The progress line appears on a terminal, and never in a pipe or file.
. "$LF_TOP/tests/cli/lib.sh"

# ssdeep and TLSH run at a few hundred MB/s at best: 100 MB takes long
# enough for the line to be redrawn (every 250 ms) once the total is known.
head -c 100000000 /dev/zero >big
# script(1) gives lf-hash a terminal for stderr; stdout goes to a file.
script -qec "lf-hash -c ssdeep,tlsh big >hash.out" transcript >/dev/null
contains transcript " of 95.37 MiB"
contains transcript "/s"
grep -q "$(printf '\033\\[K')" transcript || fail "the line is not erased"
contains hash.out "  big"
run 0 lf-hash -c ssdeep big
grep -q "$(printf '\r')" err && fail "progress in a pipe"
script -qec "lf-hash -q -c ssdeep big >/dev/null" quiet >/dev/null
lacks quiet " of "
