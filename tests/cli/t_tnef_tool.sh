#!/bin/sh
# lf_tnef_read against the tnef tool (Debian's tnef, the same as the
# corpus mail/tnef comes from): on every TNEF file of the corpora, each
# file tnef writes must be an entry we report under the same name with
# the same bytes, and each name we report must be one tnef writes.
#
# One difference is by choice: an attachment stored as a MAPI object
# (PT_OBJECT: OLE objects, attached messages) starts with the object's
# 16-byte interface id (MS-OXTNEF 2.1.3.4).  tnef writes it with the
# data; we report the data after it, which is the object itself (a
# compound file, a TNEF stream) as other programs open it.
. "$LF_TOP/tests/cli/lib.sh"

DUMP=$LF_BUILD/tests/tnef_dump
command -v tnef >/dev/null || fail "tnef is not installed (make deps)"
C=$(corpora)

files=0
compared=0
for f in "$C"/mail/tnef/aux/*.tnef "$C"/mail/mimekit-tnef/aux/*.tnef; do
	[ -f "$f" ] || fail "no TNEF files under $C/mail"
	files=$((files + 1))
	rm -rf "$T/x"
	mkdir "$T/x"
	# tnef fails on some damaged files (an assertion on panic.tnef,
	# "garbage at end of file"): what it wrote before is still compared.
	set +e
	tnef -C "$T/x" --overwrite "$f" >/dev/null 2>&1
	tstatus=$?
	set -e
	run 0 "$DUMP" "$f"
	awk -F '\t' '$1 == "E" && ($2 == "file" || $2 == "message") {
	    print $8 "\t" $6 }' "$T/out" >"$T/ours"
	for g in "$T"/x/*; do
		[ -f "$g" ] || continue
		name=$(basename "$g")
		h=$(sha256sum <"$g" | cut -c1-64)
		h16=$(tail -c +17 "$g" | sha256sum | cut -c1-64)
		if ! grep -qF -x "$(printf '%s\t%s' "$name" "$h")" "$T/ours" &&
		    ! grep -qF -x "$(printf '%s\t%s' "$name" "$h16")" \
		    "$T/ours"; then
			cat "$T/ours" >&2
			fail "$f: tnef wrote '$name' ($h), we report no such entry"
		fi
		compared=$((compared + 1))
	done
	if [ "$tstatus" -le 1 ]; then
		cut -f1 "$T/ours" | while IFS= read -r name; do
			[ "$name" = - ] && continue
			[ -f "$T/x/$name" ] ||
			    fail "$f: we report '$name', tnef does not write it"
		done
	fi
done
[ "$files" -ge 30 ] || fail "only $files TNEF files in the corpora"
[ "$compared" -ge 30 ] || fail "only $compared files compared"
echo "ok: $files TNEF files, $compared extracted files compared with tnef"
