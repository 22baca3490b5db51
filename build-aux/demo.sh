#!/bin/sh
# make demo: the main job on the bundled sample messages, explained.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/lf-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/samples"
cp "$top"/tests/data/samples/*.eml "$work/samples/"
cd "$work"
PATH=$build/bin:$PATH

show() {
	printf '\n$ %s\n' "$*"
	"$@"
}

cat <<'TXT'
libforensic demo: three suspect messages (tests/data/samples), hashed,
typed, compared and audited with lf-hash.
TXT

echo
echo "1. The object record of each message: size, digest, real type."
show lf-hash --type -c sha256 -r samples

echo
echo "2. The two invoice lures differ (other recipient, other time), so"
echo "   their SHA-256 differ; their fuzzy hashes show one campaign."
show lf-hash -c tlsh,ssdeep -r samples

echo
echo "3. A list in sha256sum's own format, checked by sha256sum."
lf-hash -c sha256 -r samples >known.sha256
show sha256sum -c known.sha256

echo
echo "4. An audit against that list after one message is altered."
printf 'X-Tampered: yes\n' >>samples/payroll-update.eml
set +e
show lf-hash -a known.sha256 -r samples
status=$?
set -e
echo "(exit status $status: the audit found a difference)"

echo
echo "5. For machines: one JSON document per message."
show lf-hash --json -c sha256,tlsh samples/invoice-1.eml
