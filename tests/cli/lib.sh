# tests/cli/lib.sh: helpers for the command-line tests (sourced).
#
# Each t_*.sh runs with LF_BUILD (the build directory) and LF_TOP (the
# source tree) set by tests/run.sh, in a fresh temporary directory that is
# removed afterwards.  A test fails by exiting non-zero.
set -eu

: "${LF_BUILD:?run through tests/run.sh}" "${LF_TOP:?}"
BIN=$LF_BUILD/bin
PATH=$BIN:$PATH
# The gateway and upload profiles and the brand list of the source tree,
# wherever the build directory is.
LF_GATEWAY_PROFILES=$LF_TOP/profiles/gateway
LF_BRANDS=$LF_TOP/profiles/brands.json
LF_UPLOAD_PROFILES=$LF_TOP/profiles/upload
export LF_GATEWAY_PROFILES LF_BRANDS LF_UPLOAD_PROFILES
export LC_ALL=C
T=$(mktemp -d "${TMPDIR:-/tmp}/lf-cli.XXXXXX")
chmod 755 "$T"
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# run STATUS CMD...: run, keep stdout in $T/out and stderr in $T/err,
# and check the exit status.
run() {
	want=$1
	shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2
		head -c 2000 "$T/out" >&2
		echo "--- stderr" >&2
		head -c 2000 "$T/err" >&2
		fail "exit status $got, expected $want: $*"
	fi
}

# contains FILE TEXT: FILE has a line containing TEXT (fixed string).
contains() {
	grep -qF -- "$2" "$1" || {
		cat "$1" >&2
		fail "'$1' lacks: $2"
	}
}

lacks() {
	if grep -qF -- "$2" "$1"; then
		cat "$1" >&2
		fail "'$1' should not contain: $2"
	fi
}

same() {
	cmp -s "$1" "$2" || {
		diff "$1" "$2" | head -40 >&2 || true
		fail "'$1' and '$2' differ"
	}
}

# validate SCHEMA FILE: every JSON line of FILE is valid.
validate() {
	/usr/bin/python3 "$LF_TOP/tests/cli/validate_json.py" \
	    "$LF_TOP/schemas/$1" "$2" || fail "$2 is not valid against $1"
}

# awkward_tree DIR: names that break naive tools, and a few sizes.
awkward_tree() {
	d=$1
	mkdir -p "$d/sub dir/deeper"
	printf 'plain\n' >"$d/plain.txt"
	printf 'space\n' >"$d/with space.txt"
	printf 'comma\n' >"$d/a,comma.csv"
	printf 'backslash\n' >"$d/back\\slash"
	printf 'newline\n' >"$d/$(printf 'new\nline')"
	printf 'cr\n' >"$d/$(printf 'carriage\rreturn')"
	printf 'tab\n' >"$d/$(printf 'tab\there')"
	printf 'latin1\n' >"$d/$(printf 'caf\351.txt')"
	printf 'utf8\n' >"$d/$(printf 'caf\303\251.txt')"
	printf 'rlo\n' >"$d/$(printf 'invoice\342\200\256fdp.exe')"
	printf 'dash\n' >"$d/-n"
	printf 'star\n' >"$d/*star"
	printf 'esc\n' >"$d/$(printf 'esc\033[31mred')"
	: >"$d/empty"
	head -c 300000 /dev/urandom >"$d/sub dir/random.bin"
	printf 'deep\n' >"$d/sub dir/deeper/x"
	long=$(printf '%0250d' 0)
	printf 'long\n' >"$d/$long.txt"
}

# sorted_files DIR: NUL-separated regular files in byte order.
sorted_files() {
	find "$1" -type f -print0 | sort -z
}

# corpora: the public test corpora beside the source tree (LF_CORPORA
# overrides).  They are data the tests need: missing is a failure.
corpora() {
	for c in "${LF_CORPORA:-}" "$LF_TOP/../shared/corpora" \
	    /work/shared/corpora; do
		if [ -n "$c" ] && [ -d "$c/mail" ]; then
			echo "$c"
			return 0
		fi
	done
	fail "no test corpora (shared/corpora beside the tree, or LF_CORPORA)"
}
