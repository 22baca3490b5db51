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
libforensic demo: three suspect messages (tests/data/samples) taken apart
into a quarantine store with lf-extract, then hashed, compared and audited
with lf-hash.
TXT

echo
echo "1. Every object of every message hashed and typed, and what an analyst"
echo "   should look at; messages and attachments into the store by SHA-256."
show lf-extract -o quarantine samples

echo
echo "2. The store: read-only files named by hash; the raw messages too."
show find quarantine/objects -type f -printf '%m %s %p\n'

echo
echo "3. The attachment that arrived twice is stored once; its bytes, as"
echo "   the report named them:"
show lf-extract --no-store -p 2 samples/invoice-1.eml

echo
echo "4. The two invoice lures differ (other recipient, other time), so"
echo "   their SHA-256 differ; their fuzzy hashes show one campaign."
show lf-hash -c tlsh,ssdeep -r samples

echo
echo "5. A list in sha256sum's own format, checked by sha256sum, and an"
echo "   audit against it after one message is altered."
lf-hash -c sha256 -r samples >known.sha256
show sha256sum -c known.sha256
printf 'X-Tampered: yes\n' >>samples/payroll-update.eml
set +e
show lf-hash -a known.sha256 -r samples
status=$?
set -e
echo "(exit status $status: the audit found a difference)"

echo
echo "6. For machines: one JSON document per message."
show lf-extract --no-store --jsonl samples/invoice-2.eml
