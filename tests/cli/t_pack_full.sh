#!/bin/sh
# lf-pack on a disk that fills up: writes under the output directory fail
# with ENOSPC after a given number of bytes (tests/preload/enospc.c), so
# the disk fills while the messages are taken apart, while the samples
# are sealed, and while the bundle's tar is written.  Each time lf-pack
# says so and exits 3, nothing is left under a final name nor in a
# temporary one, and the bundle already in the directory is untouched.
# Killed (SIGKILL) at the same points, it leaves nothing under a final
# name either, and the bundle already there untouched.
. "$LF_TOP/tests/cli/lib.sh"

SHIM=$LF_BUILD/tests/enospc.so
[ -f "$SHIM" ] || fail "$SHIM is not built (make cli)"
SOURCE_DATE_EPOCH=1764331200
export SOURCE_DATE_EPOCH
S=$LF_TOP/tests/data/samples

lf-keygen -o k >/dev/null
mkdir full
run 0 lf-pack -k k.key -o full "$S"/invoice-2.eml
old=$(basename "$(cat "$T/out")")
sha256sum "full/$old" >old.sum
mkdir probe
run 0 lf-pack -k k.key -o probe "$S"/invoice-1.eml "$S"/payroll-update.eml
size=$(wc -c <"$(cat "$T/out")")

# An ASan build checks that its runtime comes first; the shim is plain C.
ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS
for after in 0 1000 3000 6000 $((size / 2)) "$size"; do
	LD_PRELOAD=$SHIM LF_ENOSPC_DIR=$T/full LF_ENOSPC_AFTER=$after \
	    run 3 lf-pack -k k.key -o full "$S"/invoice-1.eml \
	    "$S"/payroll-update.eml
	contains err "No space left on device"
	[ "$(ls -A full)" = "$old" ] ||
		fail "after $after bytes the directory holds: $(ls -A full)"
	sha256sum --quiet -c old.sum || fail "the earlier bundle changed"
done
for after in 0 3000 $((size / 2)) "$size"; do
	LD_PRELOAD=$SHIM LF_ENOSPC_DIR=$T/full LF_ENOSPC_AFTER=$after \
	    LF_ENOSPC_KILL=1 run 137 sh -c 'exec "$@"' lf-pack lf-pack \
	    -k k.key -o full "$S"/invoice-1.eml "$S"/payroll-update.eml
	for f in full/*; do
		case $f in
		full/.*) ;; # the dead run's workspace or temporary tar
		"full/$old") ;;
		*) fail "killed after $after bytes, it left $f" ;;
		esac
	done
	sha256sum --quiet -c old.sum || fail "the earlier bundle changed"
done
rm -rf full/.lf-pack-* full/.lfb-*
# With room enough, the same command packs.
LD_PRELOAD=$SHIM LF_ENOSPC_DIR=$T/full LF_ENOSPC_AFTER=$((size * 100)) \
    run 0 lf-pack -k k.key -o full "$S"/invoice-1.eml "$S"/payroll-update.eml
run 0 lf-verify --pubkey k.pub "$(cat "$T/out")"
