#!/bin/sh
# make demo: the whole path, from suspect messages to a verified bundle for
# the gateway's vendor, the vendor's replies followed up, and a custody log
# that proves each step, on the messages of tests/data/demo (the EICAR
# test file, no malware).
#
#   sh build-aux/demo.sh [BUILD]
#
# Everything it makes goes to DEMO_OUT (default: ./demo-out, in the
# directory it is run from, the source tree for `make demo`), which is
# kept; a later run replaces a directory an earlier run made, and refuses
# any other.  The times are fixed (SOURCE_DATE_EPOCH: the afternoon the
# messages arrived, then when each reply was read; status's --now), so
# the bundle's name and the log's times are the same each run; the keys,
# made afresh, are not.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$top/$build ;; esac
out=${DEMO_OUT:-$PWD/demo-out}
case $out in /*) ;; *) out=$PWD/$out ;; esac

if [ -e "$out" ]; then
	if [ ! -f "$out/.lf-demo" ]; then
		echo "demo: '$out' exists and is not a demo's output: not touched" >&2
		exit 2
	fi
	chmod -R u+rwx "$out"
	rm -rf "$out"
fi
mkdir -p "$out"
: >"$out/.lf-demo"
mkdir "$out/messages" "$out/replies" "$out/keys" "$out/bundles"
d=$top/tests/data/demo
cp "$d/eicar.eml" "$d/eicar-zip.eml" "$d/outlook.msg" \
    "$d/forged-gateway.eml" "$out/messages/"
cp "$d/vendor-receipt.eml" "$d/vendor-result.eml" "$out/replies/"
cd "$out"

PATH=$build/bin:$PATH
LF_GATEWAY_PROFILES=$top/profiles/gateway
LF_UPLOAD_PROFILES=$top/profiles/upload
LF_BRANDS=$top/profiles/brands.json
SOURCE_DATE_EPOCH=1795700700 # 2026-11-26T13:45:00Z
export PATH LF_GATEWAY_PROFILES LF_UPLOAD_PROFILES LF_BRANDS SOURCE_DATE_EPOCH

# quote ARG...: the arguments as a shell would read them back.
quote() {
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./=:@%+,-]* | "")
			printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
}

# show CMD...: the command, then what it prints.
show() {
	printf '\n$%s\n' "$(quote "$@")"
	"$@"
}

cat <<'TXT'
libforensic demo: four suspect messages (tests/data/demo) that reached
mx.example.com, our border.  Three carry the EICAR anti-virus test file
(in a mail, in a zip, in an Outlook .msg) and crossed Symantec Email
Security.cloud; the fourth carries that gateway's headers copied from
another message.  The EICAR file does nothing: it stands for malware.
TXT

echo
echo "1. Keys, made here for the demo: the examiner's, which signs the"
echo "   bundle, and the custody key, with which every tool signs its step"
echo "   in the case's log (LF_CUSTODY, LF_CUSTODY_KEY)."
show lf-keygen -o keys/demo
show lf-keygen -o keys/custody
LF_CUSTODY=$out/case.log
LF_CUSTODY_KEY=$out/keys/custody.key
export LF_CUSTODY LF_CUSTODY_KEY

echo
echo "2. Acquired: the messages' SHA-256 recorded before anything reads them."
objects=$(sha256sum messages/* | cut -c1-64 | sed 's/^/--object /' | tr '\n' ' ')
# shellcheck disable=SC2086
show lf-custody -l case.log append -k keys/custody.key --action acquired \
    --reason "exported from the mail server by the demo" $objects

echo
echo "3. Taken apart: every object hashed and typed, into the quarantine"
echo "   store by SHA-256 (read-only); one JSON report per message."
printf '\n$ %s\n' "lf-extract -o quarantine --jsonl messages > reports.jsonl"
lf-extract -o quarantine --jsonl messages >reports.jsonl
echo "What the reports say (reports.jsonl), attachment by attachment:"
jq -r '"  \(.source): \(.subject.decoded // "-")",
    (.parts[] | select(.attachment == true or .kind == "entry")
     | "    \(.path)\t\(.name.decoded // "-")\t\(.object.sha256[0:16])\t\(.object.magic.description // "?")")' \
    reports.jsonl

echo
echo "4. Did each message cross the gateway?  Only what our border wrote is"
echo "   a fact: the address it took the message from, in the gateway's"
echo "   published ranges or not; the gateway's own stamps are checked too."
printf '\n$ %s\n' "lf-headers --trusted-mta mx.example.com messages/* > headers.txt"
lf-headers --trusted-mta mx.example.com messages/* >headers.txt
grep -E '^(messages/|delivered from|gateway symantec-ess|  high )' headers.txt

echo
echo "5. Packed for the vendor: each attachment sealed in a zip with the"
echo "   password 'infected', the messages too, with their verdicts, in a"
echo "   BagIt bag signed with the examiner's key, in one tar."
show lf-pack -k keys/demo.key -o bundles --case DEMO-1 \
    --examiner "Demo Analyst" --trusted-mta mx.example.com \
    --attachments-only messages/eicar.eml messages/eicar-zip.eml \
    messages/outlook.msg messages/forged-gateway.eml
bundle=$(ls bundles/*.tar)
id=$(basename "$bundle" .tar)
fingerprint=$(lf-keygen -f keys/demo.pub)

echo
echo "6. Verified offline against the signer's fingerprint, each sealed"
echo "   file opened in memory, the samples checked against the vendor's"
echo "   upload profile."
show lf-verify --fingerprint "$fingerprint" --deep --profile symantec-ess \
    "$bundle"

echo
echo "7. Submitted: the uploader (not part of this demo) sends the bundle"
echo "   and records it."
show lf-custody -l case.log append -k keys/custody.key --action submitted \
    --actor uploader --bundle "$id" \
    --reason "sent to the vendor's submission portal"

echo
echo "8. The vendor's receipt, read offline: the tracking number, recorded in"
echo "   the log and tied to the bundle.  The log is verified first (the"
echo "   packing was signed with the examiner's key)."
SOURCE_DATE_EPOCH=1795701600 # 2026-11-26T14:00:00Z
show lf-custody -l case.log ingest -k keys/custody.key --pubkey keys/demo.pub \
    --bundle "$id" replies/vendor-receipt.eml

echo
echo "9. The follow-up, as cron would run it: an hour later the result is"
echo "   awaited; had none come a day after the submission, the bundle would"
echo "   be OVERDUE and the exit status 1."
set +e
show lf-custody -l case.log status --pubkey keys/custody.pub \
    --pubkey keys/demo.pub --now 2026-11-26T15:00:00Z
show lf-custody -q -l case.log status --pubkey keys/custody.pub \
    --pubkey keys/demo.pub --now 2026-11-27T14:00:00Z
echo "(exit status $?)"
set -e

echo
echo "10. The vendor's result: each file's determination, linked to the"
echo "    sample through the tracking number and, the vendor naming files by"
echo "    MD5, through the bundle's manifest."
SOURCE_DATE_EPOCH=1795715100 # 2026-11-26T17:45:00Z
show lf-custody -l case.log ingest -k keys/custody.key --pubkey keys/demo.pub \
    --manifest "$bundle" replies/vendor-result.eml
show lf-custody -l case.log status --pubkey keys/custody.pub \
    --pubkey keys/demo.pub --now 2026-11-26T18:00:00Z

echo
echo "11. For the support ticket: hashes, names and verdicts, the gateway"
echo "    evidence from the bundle, never a sample."
show lf-custody -l case.log summary --pubkey keys/custody.pub \
    --pubkey keys/demo.pub --manifest "$bundle"

echo
echo "12. The log checked: every event's signature and the hash chain."
show lf-custody -l case.log verify --pubkey keys/custody.pub \
    --pubkey keys/demo.pub

cat <<TXT

What happened: four messages were acquired and taken apart; three
crossed Symantec Email Security.cloud (transited) and one only claims to
(not-transited: forged hops); their attachments and the messages were
sealed into one bundle, verified and submitted; the vendor's receipt
gave tracking number 41872093 and its result the determination of the
sample.  Each step is a signed event in the case's log.

Everything is kept in $out:
  bundles/$id.tar  the bundle
  case.log         the custody log ($(grep -c . case.log) events)
  reports.jsonl, headers.txt   the reports
  quarantine/      the store: the samples, unsealed
  keys/            the demo's keys
  replies/         the vendor's replies, ingested

Give the vendor the bundle (the uploader sends it) and, by another
channel, the signer's fingerprint $fingerprint.
Never give anyone keys/*.key, quarantine/ or messages/: they are the
private keys and the live samples.  The next demo replaces this directory.
TXT
