# Bags made by lf_bagit_write (through tests/bag_write) read the same to
# other tools: coreutils sha256sum -c and sha512sum -c check every manifest
# and tag manifest from the bag's directory, find and wc agree with the
# Payload-Oxum, and bagit-python validates the bag where it is installed.
# The writer's output is the same bytes each time, and a name it cannot
# write safely is refused.
. "$LF_TOP/tests/cli/lib.sh"

W=$LF_BUILD/tests/bag_write

mkdir -p bag/data/sub/deeper "bag/data/with space"
printf 'plain\n' >bag/data/plain.txt
printf 'comma\n' >bag/data/a,comma.csv
printf 'star\n' >"bag/data/*star"
printf 'dash\n' >bag/data/-n
: >bag/data/empty
head -c 300000 /dev/urandom >"bag/data/with space/random.bin"
printf 'deep\n' >bag/data/sub/deeper/x
run 0 "$W" bag "Source-Organization=Example Lab" \
    'External-Description=first line\nPayload-Oxum: 1.1\nBag-Size: 1 TB' \
    "Contact-Name=Ana Núñez"

# bag-info.txt: a value's line breaks continue it; they never make a label.
[ "$(grep -c '^Payload-Oxum:' bag/bag-info.txt)" -eq 1 ] ||
    fail "a value injected a Payload-Oxum line"
[ "$(grep -c '^Bag-Size:' bag/bag-info.txt)" -eq 1 ] ||
    fail "a value injected a Bag-Size line"
contains bag/bag-info.txt "External-Description: first line"
contains bag/bag-info.txt "  Payload-Oxum: 1.1"
contains bag/bag-info.txt "Contact-Name: Ana Núñez"
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >want
same want bag/bagit.txt

# The Payload-Oxum, counted by find and wc.
bytes=$(find bag/data -type f -exec cat {} + | wc -c)
files=$(find bag/data -type f | wc -l)
contains bag/bag-info.txt "Payload-Oxum: $bytes.$files"

# Every manifest, checked by coreutils from the bag's directory.
for a in sha256 sha512; do
	m=manifest-$a.txt
	(cd bag && "${a}sum" --strict -c "$m" >../"$m".out) ||
	    fail "coreutils rejects $m"
	[ "$(grep -c ': OK$' "$m".out)" -eq "$files" ] ||
	    fail "$m does not list the $files payload files"
done
(cd bag && sha256sum --strict -c tagmanifest-sha256.txt) >tag256.out ||
    fail "sha256sum rejects tagmanifest-sha256.txt"
(cd bag && sha512sum --strict -c tagmanifest-sha512.txt) >tag512.out ||
    fail "sha512sum rejects tagmanifest-sha512.txt"
for t in bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt; do
	contains tag256.out "$t: OK"
	contains tag512.out "$t: OK"
done
# Sorted by path, LF line ends.
cut -c67- bag/manifest-sha256.txt >paths
LC_ALL=C sort paths >sorted
same sorted paths
if grep -q "$(printf '\r')" bag/*.txt; then
	fail "a CR in a tag file"
fi

run 0 lf-verify --no-signature bag
contains out "valid BagIt 1.0 bag, $files payload files, $bytes bytes"

# bagit-python, the reference validator, where it is installed (Debian 12
# has no package of it).
if /usr/bin/python3 -c 'import bagit' 2>/dev/null; then
	run 0 /usr/bin/python3 -m bagit --validate bag
else
	echo "skip: bagit-python is not installed (Debian 12 has no" \
	    "python3-bagit package)"
fi

# The same payload gives the same bytes.
cp -R bag again
run 0 "$W" again "Source-Organization=Example Lab" \
    'External-Description=first line\nPayload-Oxum: 1.1\nBag-Size: 1 TB' \
    "Contact-Name=Ana Núñez"
for t in bag-info.txt bagit.txt manifest-sha256.txt manifest-sha512.txt \
    tagmanifest-sha256.txt tagmanifest-sha512.txt; do
	same bag/$t again/$t
done

# A changed payload file: coreutils and lf-verify both say so.
printf 'x' >>bag/data/sub/deeper/x
if (cd bag && sha256sum --quiet -c manifest-sha256.txt >/dev/null 2>&1); then
	fail "sha256sum missed the change"
fi
run 1 lf-verify --no-signature bag
contains out "manifest-sha256.txt:"
contains out "data/sub/deeper/x: sha256 checksum differs"

# Names the writer refuses, each named in the message.
for bad in "caf$(printf '\303\251').txt" 'back\slash' 'per%cent' \
    "$(printf 'new\nline')" 'trailing '; do
	rm -rf r
	mkdir -p r/data
	printf 'x\n' >"r/data/$bad"
	run 1 "$W" r
	contains err "bag_write: path 'data/"
done
# And labels that would break bag-info.txt.
mkdir -p ok/data
printf 'x\n' >ok/data/x
run 1 "$W" ok "Bad:Label=x"
contains err "not printable ASCII without ':'"
run 1 "$W" ok "Payload-Oxum=1.1"
contains err "computed by the writer"
run 1 "$W" ok " Padded=x"
contains err "begins or ends with a space"
