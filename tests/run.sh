#!/bin/sh
# Run the test suites against a build directory.
#   tests/run.sh BUILD [unit|fuzz|cli]   (default: all three)
set -u
build=${1:?usage: tests/run.sh BUILD [unit|fuzz|cli]}
only=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
export LF_BUILD="$build" LF_TOP="$top"

pass=0
fail=0
failed=""

run() {
	name=$1
	shift
	log=$build/tests/logs/$name.log
	mkdir -p "$(dirname "$log")"
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'ok    %s\n' "$name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL  %s (log: %s)\n' "$name" "$log"
		tail -n 30 "$log" | sed 's/^/      /'
	fi
}

if [ "$only" = all ] || [ "$only" = unit ]; then
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		run "unit/$(basename "$t")" "$t"
	done
fi

if [ "$only" = all ] || [ "$only" = fuzz ]; then
	for r in "$build"/tests/replay_fuzz_*; do
		[ -x "$r" ] || continue
		name=${r##*/replay_fuzz_}
		run "fuzz-replay/$name" "$r" "$top/tests/fuzz/corpus/$name"
	done
fi

if [ "$only" = all ] || [ "$only" = cli ]; then
	for t in "$top"/tests/cli/t_*.sh; do
		run "cli/$(basename "$t" .sh)" sh "$t"
	done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
