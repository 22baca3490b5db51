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
into a quarantine store with lf-extract, hashed, compared and audited with
lf-hash, their headers read with lf-headers, and packed for the vendor into
a signed, sealed bundle with lf-pack, which lf-verify checks.
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

echo
echo "7. The headers: who delivered each message to our border (name it),"
echo "   and what the sender's fields claim."
show lf-headers --trusted-mta mx.example.com samples/payroll-update.eml

echo
echo "8. A signing key made on the fly, and a sealed bundle for the vendor:"
echo "   each sample in a zip with the password 'infected', the messages"
echo "   too, in a signed BagIt bag in one tar."
show lf-keygen -o demo-signer
mkdir bundles
show lf-pack -k demo-signer.key -o bundles --case DEMO-1 \
    --examiner "Demo Analyst" samples
bundle=$(ls bundles/*.tar)

echo
echo "9. The bundle checked offline, against the signer's fingerprint given"
echo "   out of band, as the vendor or an uploader would."
show lf-verify --fingerprint "$(lf-keygen -f demo-signer.pub)" "$bundle"
