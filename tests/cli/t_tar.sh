#!/bin/sh
# The bundle's tar container (lf_tar) against GNU tar, bsdtar and
# Python's tarfile: what we write they list with owner 0:0, the fixed
# modes and the given time, and extract byte for byte; the same input
# gives the same bytes, to a file or through a pipe.  What they write
# the strict reader takes when it is a sorted pax or ustar archive, and
# refuses with its reason otherwise (GNU format, a symlink, a name that
# climbs out, data appended after the end).
. "$LF_TOP/tests/cli/lib.sh"

TOOL=$LF_BUILD/tests/tar_tool
command -v bsdtar >/dev/null || fail "bsdtar is not installed (make deps)"

mkdir src
cd src
printf 'BagIt-Version: 1.0\n' >bagit.txt
mkdir data
head -c 300000 /dev/urandom >data/sample.zip
: >data/empty
# A name of 100 bytes and more needs a pax header.
long=data/$(printf 'x%.0s' $(seq 1 120))
printf 'long\n' >"$long"
set -- bagit.txt data data/empty data/sample.zip "$long"
"$TOOL" write "$T/a.tar" 1700000000 bundle-1 "$@"
"$TOOL" write "$T/b.tar" 1700000000 bundle-1 "$@"
cd "$T"
cmp a.tar b.tar || fail "two runs gave different bytes"
[ $(($(stat -c %s a.tar) % 512)) -eq 0 ] || fail "not whole blocks"

tar --numeric-owner -tvf a.tar >list
grep -q '^drwxr-xr-x 0/0 .* 2023-11-14 22:13 bundle-1/$' list ||
	fail "GNU tar: top directory: $(cat list)"
grep -q '^-rw-r--r-- 0/0 *300000 2023-11-14 22:13 bundle-1/data/sample.zip$' \
	list || fail "GNU tar: sample: $(cat list)"
[ "$(wc -l <list)" -eq 6 ] || fail "GNU tar lists $(wc -l <list) entries"
mkdir x
tar -C x -xf a.tar
for f in bagit.txt data/empty data/sample.zip "$long"; do
	cmp "src/$f" "x/bundle-1/$f" || fail "GNU tar extracted $f wrong"
done
bsdtar -tf a.tar >blist
diff -u blist - <<EOT || fail "bsdtar lists otherwise"
bundle-1/
bundle-1/bagit.txt
bundle-1/data/
bundle-1/data/empty
bundle-1/data/sample.zip
bundle-1/$long
EOT
python3 - a.tar <<'EOT' || fail "Python's tarfile disagrees"
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    m = t.getmembers()
    assert [x.uid for x in m] == [0] * 6 and {x.uname for x in m} == {""}
    assert {x.mtime for x in m} == {1700000000}
    assert m[4].size == 300000 and m[4].mode == 0o644 and m[0].mode == 0o755
EOT

# Through a pipe, the same bytes: the last block is never padded.
(cd src && "$TOOL" write - 1700000000 bundle-1 "$@") | cat >c.tar
cmp a.tar c.tar || fail "through a pipe the bytes differ"

run 0 "$TOOL" list a.tar
grep -q "^f 300000 bundle-1/data/sample.zip$" out || fail "list: $(cat out)"

# Others' archives: a sorted pax or ustar one is taken.
(cd x && tar --format=pax --sort=name -cf ../gnu-pax.tar bundle-1)
run 0 "$TOOL" list gnu-pax.tar
# (ustar cannot hold the long name)
(cd x && tar --format=ustar --sort=name --exclude='xxxx*' \
	-cf ../gnu-ustar.tar bundle-1)
run 0 "$TOOL" list gnu-ustar.tar
# GNU tar's own format, unsorted names, a symlink, a climbing name and
# bytes after the end are refused, each for its reason.
(cd x && tar --format=gnu --sort=name -cf ../gnu.tar bundle-1)
run 1 "$TOOL" list gnu.tar
grep -q "not a pax or ustar archive" err || fail "gnu: $(cat err)"
(cd x && bsdtar --format=pax -cf ../unsorted.tar bundle-1/data/sample.zip \
	bundle-1/bagit.txt)
run 1 "$TOOL" list unsorted.tar
grep -q "out of order" err || fail "unsorted: $(cat err)"
ln -s /etc/passwd x/bundle-1/link
(cd x && tar --format=pax --sort=name -cf ../link.tar bundle-1)
run 1 "$TOOL" list link.tar
grep -q "neither a file nor a directory" err || fail "link: $(cat err)"
rm x/bundle-1/link
(cd x && bsdtar --format=pax -cf ../climb.tar -s ',^,bundle-1/../,' \
	bundle-1/bagit.txt)
run 1 "$TOOL" list climb.tar
grep -q "not a relative name" err || fail "climb: $(cat err)"
cp a.tar tail.tar
printf 'hidden' >>tail.tar
run 1 "$TOOL" list tail.tar
grep -q "after the end" err || fail "tail: $(cat err)"
head -c 5000 a.tar >cut.tar
run 1 "$TOOL" list cut.tar
