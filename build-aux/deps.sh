#!/bin/sh
# Install the Debian packages the build, the tests and the benchmarks use,
# when they are missing.  Idempotent: with everything present it installs
# nothing and needs no root.
set -eu

PACKAGES="
gcc make pkg-config
libarchive-dev libssl-dev libmagic-dev zlib1g-dev libjansson-dev
libfuzzy-dev libcmocka-dev libidn2-dev idn2 libunistring-dev liblzma-dev
protobuf-compiler
coreutils openssl file python3 python3-jsonschema python3-olefile
python3-dkim python3-authres python3-rdflib publicsuffix
hashdeep ssdeep tlsh-tools mandoc
clang libclang-rt-14-dev clang-format cppcheck
hyperfine time
libgmime-3.0-dev libglib2.0-dev ripmime
zip unzip 7zip libarchive-tools cpio bzip2 xz-utils zstd lz4
gcab lhasa unar python3-rarfile
tnef
minisign signify-openbsd
jq xxd
"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; install the equivalents of:" \
	    $PACKAGES >&2
	exit 0
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
