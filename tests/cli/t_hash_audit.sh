# --audit reads sha256sum, md5sum, hashdeep and its own lists, and reports
# matched, changed, moved, partial, new and missing as hashdeep's audit
# does; exit 0 only on a full match.
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p tree/d
for f in one two three four; do printf '%s\n' $f >tree/d/$f; done
printf 'odd\n' >"tree/d/$(printf 'odd\nname')"
sorted_files tree | xargs -0 sha256sum >known.sha256
sorted_files tree | xargs -0 md5sum >known.md5
sha256sum --tag tree/d/one >known.tag

run 0 lf-hash -a known.sha256 -r tree
contains out "lf-hash: audit passed"
contains out "Files matched: 5"
run 0 lf-hash -a known.md5 -r tree
run 0 lf-hash -a known.md5 -a known.sha256 -r tree
run 0 lf-hash -v -a known.tag tree/d/one
contains out "matched: tree/d/one"

# Change one, move one, add one, remove one.
printf 'changed\n' >tree/d/one
mv tree/d/two tree/d/two.moved
printf 'new\n' >tree/d/new
rm tree/d/three
run 1 lf-hash -a known.sha256 -r tree
contains out "changed: tree/d/one"
contains out "moved: tree/d/two.moved (known as tree/d/two)"
contains out "new: tree/d/new"
contains out "missing: tree/d/three"
contains out "lf-hash: audit failed"
contains out "Files matched: 2"
contains out "Files changed: 1"
contains out "Files moved: 1"
contains out "New files found: 1"
contains out "Known files not found: 1"

# The same as JSON Lines, valid against the schema.
run 1 lf-hash --json -a known.sha256 -r tree
validate audit.schema.json out
contains out '"status":"moved","name":"tree/d/two.moved"'
contains out '"known":{"name":"tree/d/two","source":"known.sha256","line":5}'
contains out '"status":"missing","name":"tree/d/three"'
contains out '"format":"lf-audit-summary"'
contains out '"passed":false,"matched":2,"moved":1,"changed":1,"partial":0,"new":1,"missing":1'

# A list whose MD5 agrees and SHA-256 does not: partial (collision).
printf 'four\n' >f
good_md5=$(md5sum <f | cut -d' ' -f1)
printf '%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha256,filename\n' >bad.hd
printf '5,%s,%064d,f\n' "$good_md5" 0 >>bad.hd
run 1 lf-hash -a bad.hd f
contains out "partial: f (md5 agree, sha256 differ)"

# Malformed lines are reported with their line number and skipped.
printf 'garbage\n%s  f\n' "$(sha256sum <f | cut -d' ' -f1)" >mixed
run 0 lf-hash -a mixed f
contains err "lf-hash: mixed:1: not a checksum line, line skipped"

# An unreadable or empty list is an operational failure.
run 3 lf-hash -a nosuch f
contains err "lf-hash: cannot open 'nosuch': No such file or directory"
: >empty
run 3 lf-hash -a empty f
contains err "no known hashes"
