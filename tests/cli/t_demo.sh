#!/bin/sh
# make demo (build-aux/demo.sh) with the built tools: it ends well, says
# which messages crossed the gateway and what the vendor's replies said,
# and leaves in DEMO_OUT a bundle lf-verify finds valid and a custody log
# that verifies, holding the steps in order; run again, it replaces its own output, and it never
# touches a directory it did not make.
. "$LF_TOP/tests/cli/lib.sh"

export DEMO_OUT="$T/demo out"
run 0 sh "$LF_TOP/build-aux/demo.sh" "$LF_BUILD"
cp out demo.txt
o=$DEMO_OUT

# The narrated verdicts, message by message.
verdict() {
	awk -v m="messages/$1" '
	    $0 == m { on = 1; next }
	    on && /^gateway symantec-ess: / { print $3; exit }' demo.txt
}
for m in eicar.eml eicar-zip.eml outlook.msg; do
	[ "$(verdict "$m")" = transited: ] || fail "$m: '$(verdict "$m")'"
done
[ "$(verdict forged-gateway.eml)" = not-transited: ] ||
	fail "forged-gateway.eml: '$(verdict forged-gateway.eml)'"
contains demo.txt "high   gateway.forged-hops"
# The account of the attachments: the test file in all three.
[ "$(grep -c "eicar.com	275a021bbfb6489e	EICAR" demo.txt)" -eq 3 ] ||
	fail "the attachments' account"
# The follow-up: awaited, then what cron would see a day later, then
# the vendor's result.
contains demo.txt "1 submitted, 0 overdue, 1 awaiting a result (as of 2026-11-26T15:00:00Z)"
contains demo.txt "(exit status 1)"
contains demo.txt "replies/vendor-result.eml: result, tracking 41872093, 1 file: eicar.com Already Detected"
contains demo.txt "Already Detected, detection EICAR Test String (tracking 41872093"
contains demo.txt "1 submitted, 0 overdue, 0 awaiting a result (as of 2026-11-26T18:00:00Z)"

# The bundle: one, named by the fixed time, valid for the signer.
ls "$o/bundles" >bundles
[ "$(wc -l <bundles)" -eq 1 ] || fail "bundles: $(cat bundles)"
id=$(basename "$(cat bundles)" .tar)
case $id in
lfb-20261126T134500Z-????????????????) ;;
*) fail "bundle $id" ;;
esac
contains demo.txt "bundles/$id.tar  the bundle"
fp=$(lf-keygen -f "$o/keys/demo.pub")
contains demo.txt "the signer's fingerprint $fp"
run 0 lf-verify --fingerprint "$fp" --deep --profile symantec-ess \
    "$o/bundles/$id.tar"
contains out "valid BagIt 1.0 bag"
contains out "signature good: signed by $fp"
contains out "3 samples (3 eligible), 4 messages"
# The manifest holds the verdicts the narration gave.
tar -xOf "$o/bundles/$id.tar" "$id/data/manifest.json" >manifest.json
[ "$(jq -r '[.messages[] | .gateways[] | select(.gateway == "symantec-ess")
    | .verdict] | sort | join(" ")' manifest.json)" = \
    "not-transited transited transited transited" ] ||
	fail "the manifest's verdicts: $(jq -c '[.messages[].gateways]' manifest.json)"

# The log: seven events, in this order, chained and signed.
log=$o/case.log
[ "$(jq -r .action "$log" | tr '\n' ' ')" = \
    "acquired extracted packed verified submitted receipt result " ] ||
	fail "actions: $(jq -r .action "$log" | tr '\n' ' ')"
[ "$(jq -r .seq "$log" | tr '\n' ' ')" = "1 2 3 4 5 6 7 " ] || fail "seq"
[ "$(jq -r '.time' "$log" | tr '\n' ' ')" = "2026-11-26T13:45:00Z \
2026-11-26T13:45:00Z 2026-11-26T13:45:00Z 2026-11-26T13:45:00Z \
2026-11-26T13:45:00Z 2026-11-26T14:00:00Z 2026-11-26T17:45:00Z " ] ||
	fail "times: $(jq -r .time "$log" | tr '\n' ' ')"
[ "$(jq -r 'select(.action == "acquired") | .objects | length' "$log")" -eq 4 ] ||
	fail "acquired: $(jq -c 'select(.action == "acquired")' "$log")"
sha256sum "$o"/messages/* | cut -c1-64 | sort >want
jq -r 'select(.action == "acquired") | .objects[]' "$log" | sort >got
same want got
[ "$(jq -r 'select(.action != "acquired" and .action != "extracted")
    | .bundle' "$log" | sort -u)" = "$id" ] ||
	fail "bundles in the log: $(jq -r .bundle "$log")"
[ "$(jq -r 'select(.action == "submitted") | .actor' "$log")" = uploader ] ||
	fail "the submission's actor"
[ "$(jq -r .tool.name "$log" | tr '\n' ' ')" = \
    "lf-custody lf-extract lf-pack lf-verify lf-custody lf-custody lf-custody " ] ||
	fail "tools: $(jq -r .tool.name "$log" | tr '\n' ' ')"
run 0 lf-custody -l "$log" verify --pubkey "$o/keys/custody.pub" \
    --pubkey "$o/keys/demo.pub"
contains out "7 events, chain and signatures good"
contains demo.txt "case.log: 7 events, chain and signatures good"
# The vendor's verdict, tied to the test file by its MD5 through the
# bundle's manifest.
[ "$(jq -c 'select(.action == "result") | [.objects, (.reason | fromjson
    | [.tracking, .file.md5, .determination, .detection])]' "$log")" = \
    '[["275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"],["41872093","44d88612fea8a8f36de82e1278abb02f","Already Detected","EICAR Test String"]]' ] ||
	fail "the result: $(jq -c 'select(.action == "result")' "$log")"
# Without the examiner's key, the packing event is not trusted.
run 1 lf-custody -l "$log" verify --pubkey "$o/keys/custody.pub"

# The products the account names are there.
for f in reports.jsonl headers.txt replies/vendor-receipt.eml \
    replies/vendor-result.eml keys/demo.key keys/custody.key; do
	[ -s "$o/$f" ] || fail "no $f"
done
[ "$(wc -l <"$o/reports.jsonl")" -eq 4 ] || fail "reports"
[ -f "$o/quarantine/objects/27/275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f" ] ||
	fail "the test file is not in the store"

# Again: its own output is replaced, a new log of seven events.
run 0 sh "$LF_TOP/build-aux/demo.sh" "$LF_BUILD"
[ "$(grep -c . "$o/case.log")" -eq 7 ] || fail "the second run's log"
[ "$(ls "$o/bundles" | wc -l)" -eq 1 ] || fail "the second run's bundles"
# A directory it did not make is left alone.
mkdir mine
echo keep >mine/file
DEMO_OUT=$T/mine
run 2 sh "$LF_TOP/build-aux/demo.sh" "$LF_BUILD"
contains err "is not a demo's output: not touched"
[ "$(cat mine/file)" = keep ] && [ "$(ls mine)" = file ] || fail "mine was touched"
