#!/bin/sh
# make bench: lf-hash against hashdeep, sha256sum and the ideal computed
# from `openssl speed -multi 2`; lf-extract against GMime and ripmime, and
# on zipped attachments; lf-headers on one core; lf-pack and lf-verify
# against 7-Zip and coreutils.  Not a test: it prints
# ratios, every peer measured in the same run.
#   bench/run.sh BUILD [all|hash|extract|containers|headers|pack]
# BENCH_DIR overrides where the corpora go; GEN_CORPUS names the message
# corpus generator.
set -eu
build=${1:-build}
what=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
data=${BENCH_DIR:-$build/bench-data}
gen=${GEN_CORPUS:-$top/../shared/bench/gen_corpus.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen_corpus.py

case $what in
all | hash | extract | containers | headers | pack) ;;
*)
	echo "usage: bench/run.sh BUILD [all|hash|extract|containers|headers|pack]" >&2
	exit 2
	;;
esac

extract() {
	/usr/bin/python3 "$top/bench/bench_extract.py" --bin "$build/bin" \
	    --gmime "$build/bench/gmime_extract" --data "$data/extract" \
	    --gen "$gen" "$@"
}

if [ "$what" = all ] || [ "$what" = hash ]; then
	/usr/bin/python3 "$top/bench/gen_files.py" --out "$data"
	/usr/bin/python3 "$top/bench/bench.py" --bin "$build/bin" --data "$data"
	echo
fi
if [ "$what" = all ] || [ "$what" = extract ]; then
	extract
	echo
fi
# The message corpus, when the extract half did not make it.
case $what in
all | containers | headers)
	[ -f "$data/extract/corpus.mbox" ] || extract --corpus-only
	;;
esac
if [ "$what" = all ] || [ "$what" = containers ]; then
	/usr/bin/python3 "$top/bench/bench_containers.py" --bin "$build/bin" \
	    --mbox "$data/extract/corpus.mbox" --out "$data/containers"
	echo
fi
if [ "$what" = all ] || [ "$what" = headers ]; then
	/usr/bin/python3 "$top/bench/bench_headers.py" --bin "$build/bin" \
	    --mbox "$data/extract/corpus.mbox"
fi
if [ "$what" = all ] || [ "$what" = pack ]; then
	echo
	/usr/bin/python3 "$top/bench/bench_pack.py" --bin "$build/bin" \
	    --data "$data/pack"
fi
