#!/bin/sh
# make bench: lf-hash against hashdeep, sha256sum and the ideal computed
# from `openssl speed -multi 2`, in one run.  Not a test: it prints ratios.
#   bench/run.sh BUILD        (BENCH_DIR overrides where the corpus goes)
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
data=${BENCH_DIR:-$build/bench-data}
/usr/bin/python3 "$top/bench/gen_files.py" --out "$data"
exec /usr/bin/python3 "$top/bench/bench.py" --bin "$build/bin" --data "$data"
