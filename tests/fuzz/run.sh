#!/bin/sh
# Build each libFuzzer harness with clang and run it for a bounded time.
#   tests/fuzz/run.sh OUTDIR SECONDS
# New inputs that grow coverage land in OUTDIR/<name>/; a crash is saved
# to tests/fuzz/corpus/<name>/ as crash-*, to be committed as the
# reproducer that `make check` replays.
set -eu
out=${1:?usage: run.sh OUTDIR SECONDS}
seconds=${2:?}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mkdir -p "$out"
cflags="-g -O1 -std=c11 -D_GNU_SOURCE -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilibforensic/include $(pkg-config --cflags libcrypto jansson libmagic libarchive zlib libidn2 liblzma)"
libs="$(pkg-config --libs libcrypto jansson libmagic libarchive zlib libidn2 liblzma) -lfuzzy -lunistring -lm"
status=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	bin=$out/fuzz_$name
	# shellcheck disable=SC2086
	clang $cflags -o "$bin" "$src" libforensic/lf_*.c $libs
	mkdir -p "$out/$name"
	echo "fuzz: $name for ${seconds}s"
	if ! "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
	    -rss_limit_mb=1024 -artifact_prefix="tests/fuzz/corpus/$name/" \
	    "$out/$name" "tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
		echo "fuzz: $name FAILED, see $out/$name.log" >&2
		tail -n 30 "$out/$name.log" >&2
		status=1
	else
		tail -n 1 "$out/$name.log"
	fi
done
exit $status
