#!/bin/sh
# make bench: lf-hash against hashdeep, sha256sum and the ideal computed
# from `openssl speed -multi 2`, then lf-extract against GMime and ripmime,
# in one run.  Not a test: it prints ratios.
#   bench/run.sh BUILD [hash|extract|containers]   (default all three)
# BENCH_DIR overrides where the corpora go; GEN_CORPUS names the message
# corpus generator.
set -eu
build=${1:-build}
what=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
data=${BENCH_DIR:-$build/bench-data}
if [ "$what" != extract ]; then
	/usr/bin/python3 "$top/bench/gen_files.py" --out "$data"
	/usr/bin/python3 "$top/bench/bench.py" --bin "$build/bin" --data "$data"
fi
[ "$what" = hash ] && exit 0
gen=${GEN_CORPUS:-$top/../shared/bench/gen_corpus.py}
[ -f "$gen" ] || gen=/work/shared/bench/gen_corpus.py
if [ "$what" != containers ]; then
	echo
	/usr/bin/python3 "$top/bench/bench_extract.py" --bin "$build/bin" \
	    --gmime "$build/bench/gmime_extract" --data "$data/extract" \
	    --gen "$gen"
fi
[ "$what" = extract ] && exit 0
echo
[ -f "$data/extract/corpus.mbox" ] ||
    /usr/bin/python3 "$top/bench/bench_extract.py" --bin "$build/bin" \
	--gmime "$build/bench/gmime_extract" --data "$data/extract" \
	--gen "$gen" --corpus-only
exec /usr/bin/python3 "$top/bench/bench_containers.py" --bin "$build/bin" \
    --mbox "$data/extract/corpus.mbox" --out "$data/containers"
