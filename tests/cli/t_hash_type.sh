# --type names the real type as file(1) does, from the same libmagic.
. "$LF_TOP/tests/cli/lib.sh"

printf '%%PDF-1.4\n1 0 obj\n<< >>\nendobj\n' >doc.pdf
printf 'plain text\n' >notes.txt
printf '<html><body>hi</body></html>\n' >page.html
cp /bin/true prog
printf 'abc' | gzip -n >data.gz
: >empty
# A PDF named as a picture: the type comes from the bytes.
cp doc.pdf photo.jpg
for f in doc.pdf notes.txt page.html data.gz photo.jpg; do
	run 0 lf-hash --json --type -c sha256 "$f"
	validate object.schema.json out
	want=$(file -b --mime-type "$f")
	contains out "\"mime\":\"$want\""
done
# Bytes alone, not the file: libmagic says application/x-empty where
# file(1), which looks at the inode, says inode/x-empty.
run 0 lf-hash --json --type -c sha256 empty
contains out '"mime":"application/x-empty"'
# libmagic on bytes alone cannot read ELF program headers the way file(1)
# does with the descriptor: the type is ELF all the same.
run 0 lf-hash --json --type -c sha256 prog
contains out '"description":"ELF 64-bit LSB'
run 0 lf-hash --type -c md5 photo.jpg
contains out "application/pdf"
contains out "photo.jpg  (PDF document, version 1.4"

# Standard input typed from where it stands, not from the start of the
# file behind it.
{ seq 1 1000; cat doc.pdf; } >mixed
skip=$(seq 1 1000 | wc -c)
run 0 sh -c "{ head -c $skip >/dev/null; lf-hash --json --type -c sha256; } <mixed"
contains out '"mime":"application/pdf"'
contains out "\"sha256\":\"$(sha256sum <doc.pdf | cut -d' ' -f1)\""
