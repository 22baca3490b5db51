# lf-custody ingest: vendor reply mails (the forms of
# ../shared/corpora/headers/symantec-response-emails.txt) recorded in a
# custody log that lf-pack began: receipt and result events, linked to a
# bundle by --bundle, by the tracking number, by a SHA-256 lf-pack
# recorded and by an MD5 through the bundle's manifest; each reason
# compared with jq to the values expected (MD5s from md5sum of the real
# sample) and validated against its schema; a mail ingested twice adds
# nothing; unknown and mangled mails refused while the good ones go in;
# a log that does not verify refused; the log still verifies after.
. "$LF_TOP/tests/cli/lib.sh"

SOURCE_DATE_EPOCH=1764331200
export SOURCE_DATE_EPOCH
S=$LF_TOP/tests/data/samples

lf-keygen -o k >/dev/null # the bundle signing key
lf-keygen -o c >/dev/null # the custody key of whoever ingests

# The sample: the PDF attached to invoice-1.eml (and to invoice-2.eml).
lf-extract --no-store -p 2 "$S/invoice-1.eml" >invoice.pdf
sha=$(sha256sum <invoice.pdf | cut -c1-64)
md5=$(md5sum <invoice.pdf | cut -c1-32)
MD5=$(echo "$md5" | tr a-f A-F)

mkdir a bb
run 0 lf-pack -k k.key -o a --custody case.log "$S/invoice-1.eml"
A=$(cat out)
bundle_a=$(basename "$A" .tar)
jq -e --arg s "$sha" '.objects | index($s)' case.log >/dev/null ||
	fail "lf-pack did not record the sample $sha"

mail() { # mail FILE SUBJECT: headers, then the body from stdin
	{
		printf 'From: falsepositives@symantec.com\r\n'
		printf 'Date: Tue, 10 Nov 2015 15:08:00 -0500\r\n'
		printf 'Subject: %s\r\n' "$2"
		printf 'MIME-Version: 1.0\r\n'
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
		sed 's/$/\r/'
	} >"$1"
}
reasons() { # the reasons of the events from line $1 on
	tail -n +"$1" case.log | jq -c '.reason | fromjson'
}
msha() { sha256sum <"$1" | cut -c1-64; }
lines() { wc -l <case.log | tr -d ' '; }

# A "[TRACKING]" receipt linked by --bundle.
mail tracking.eml \
    '[TRACKING]: Symantec Security Response Automation (Tracking #41234567)' <<'X'
Symantec Security Response Automation

Your submission has been received.  Tracking #41234567.
X
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
    --bundle "$bundle_a" tracking.eml
[ "$(cat out)" = "tracking.eml: receipt, tracking 41234567, bundle $bundle_a, 0 samples linked" ] ||
	fail "receipt line: $(cat out)"
[ "$(lines)" = 2 ] || fail "lines after the receipt: $(lines)"
[ "$(tail -n 1 case.log | jq -c '[.action,.bundle,.objects,.tool.name]')" = \
    "[\"receipt\",\"$bundle_a\",[],\"lf-custody\"]" ] ||
	fail "receipt event: $(tail -n 1 case.log)"
[ "$(reasons 2)" = "{\"vendor_mail\":{\"sha256\":\"$(msha tracking.eml)\",\"form\":\"symantec-sra-tracking\",\"date\":\"2015-11-10T20:08:00Z\"},\"tracking\":\"41234567\",\"files\":[]}" ] ||
	fail "receipt reason: $(reasons 2)"

# The "[CLOSED]" result, tabs and spaces mixed, linked by its tracking
# number; its first file's SHA-256 found through the manifest.
printf 'Symantec Security Response Automation\n\nSubmission Date 2015-11-12 10:11:12 Tracking\nSubmitter\tXXX@XXX.XXX\n\nFiles Submitted\n#\tFile name\tMD5\tDetermination\tDetection name\tRR Seq\n1\tinvoice 1.pdf\t%s\tNot Malicious\tN/A\t\n2  other.dll   3cdfc521c81f430ec7125f4d87f4437f  New Threat  Trojan.Gen.2 201511120012\nDeveloper Notes\n' "$MD5" |
	mail closed.eml \
	'[CLOSED]: Symantec Security Response Automation (Tracking #41234567)'
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub --manifest "$A" \
    closed.eml
[ "$(cat out)" = "closed.eml: result, tracking 41234567, 2 files: invoice 1.pdf Not Malicious; other.dll New Threat" ] ||
	fail "result line: $(cat out)"
[ "$(lines)" = 4 ] || fail "lines after the result: $(lines)"
[ "$(sed -n 3p case.log | jq -c '[.action,.bundle,.objects]')" = \
    "[\"result\",\"$bundle_a\",[\"$sha\"]]" ] || fail "result 1: $(sed -n 3p case.log)"
[ "$(sed -n 4p case.log | jq -c '[.action,.bundle,.objects]')" = \
    "[\"result\",\"$bundle_a\",[]]" ] || fail "result 2: $(sed -n 4p case.log)"
vm="{\"sha256\":\"$(msha closed.eml)\",\"form\":\"symantec-sra-closed\",\"date\":\"2015-11-10T20:08:00Z\"}"
[ "$(reasons 3)" = "{\"vendor_mail\":$vm,\"tracking\":\"41234567\",\"file\":{\"name\":\"invoice 1.pdf\",\"md5\":\"$md5\",\"sha256\":\"$sha\"},\"determination\":\"Not Malicious\",\"detection\":null}
{\"vendor_mail\":$vm,\"tracking\":\"41234567\",\"file\":{\"name\":\"other.dll\",\"md5\":\"3cdfc521c81f430ec7125f4d87f4437f\",\"sha256\":null},\"determination\":\"New Threat\",\"detection\":\"Trojan.Gen.2\"}" ] ||
	fail "result reasons: $(reasons 3)"

# A false-positive receipt nothing links: recorded unlinked, with a warning.
mail fpreceipt.eml '[No Reply] False Positive submission (3876574)' <<'X'
Thank you for contacting Symantec.

The tracking number for your submission is: 3876574, please reference this tracking number in any further correspondence on this issue.

Your submission:
-----
  When did the detection you are reporting occur? = SCANNING
  File being uploaded = red_0.6.0.exe
X
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub fpreceipt.eml
contains err "tracking 3876574: not linked to a bundle; give --bundle"
contains out "fpreceipt.eml: receipt, tracking 3876574, bundle none, 0 samples linked"
[ "$(tail -n 1 case.log | jq -c '[.bundle,(.reason|fromjson|.files)]')" = \
    '[null,[{"name":"red_0.6.0.exe","md5":null,"sha256":null}]]' ] ||
	fail "unlinked receipt: $(tail -n 1 case.log)"

# A closure whose per-file block gives the SHA-256 lf-pack recorded.
mail blocks.eml 'Re: submission' <<X
In relation to submission 4000123.

Upon further analysis and investigation we have verified your submission and, as such, the detection(s) for the following file(s) will be removed from our products:

        Filename: invoice.pdf
        MD5: $MD5
        SHA256: $(echo "$sha" | tr a-f A-F)
        Result:         Whitelisting for above file is under process.
X
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub blocks.eml
[ "$(tail -n 1 case.log | jq -c '[.action,.bundle,.objects,(.reason|fromjson|[.file.md5,.determination,.vendor_mail.form])]')" = \
    "[\"result\",\"$bundle_a\",[\"$sha\"],[\"$md5\",\"Detection removed\",\"symantec-fp-closure\"]]" ] ||
	fail "linked by SHA-256: $(tail -n 1 case.log)"

# A closure listing "MD5 - filename": linked through --manifest only.
mail list.eml 'Re: submission' <<X
In relation to submission [3881126].

Upon further analysis and investigation we have verified your submission and, as such, the detection(s) for the following file(s) will be removed from our products:

    $MD5 - invoice.pdf
X
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub list.eml
n=$(lines)
[ "$(tail -n 1 case.log | jq -c '[.bundle,.objects]')" = '[null,[]]' ] ||
	fail "an MD5 alone is linked: $(tail -n 1 case.log)"
cp case.log nomanifest.log
# (the same mail again is skipped, even with the manifest)
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub --manifest "$A" \
    list.eml
contains out "list.eml: already ingested (mail SHA-256 $(msha list.eml)), skipped"
same case.log nomanifest.log
# a new copy of it (another line end) with the manifest and its JSON
sed 's/\r$//' list.eml >list-lf.eml
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub --manifest "$A" \
    list-lf.eml
[ "$(tail -n 1 case.log | jq -c '[.bundle,.objects,(.reason|fromjson|.file)]')" = \
    "[\"$bundle_a\",[\"$sha\"],{\"name\":\"invoice.pdf\",\"md5\":\"$md5\",\"sha256\":\"$sha\"}]" ] ||
	fail "linked by MD5: $(tail -n 1 case.log)"
mkdir x
tar -C x -xf "$A"
{ cat list-lf.eml; echo; } >list-sp.eml
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
    --manifest "x/$bundle_a/data/manifest.json" list-sp.eml
[ "$(tail -n 1 case.log | jq -r .bundle)" = "$bundle_a" ] ||
	fail "linked by MD5 through manifest.json: $(tail -n 1 case.log)"
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
    tracking.eml closed.eml fpreceipt.eml blocks.eml
[ "$(grep -c 'already ingested' out)" = 4 ] || fail "duplicates: $(cat out)"
n=$(lines)

# Unknown and mangled mails refused; the good one between them goes in.
mail unknown.eml 'Lunch?' <<'X'
Shall we?
X
mail conflict.eml '[No Reply] False Positive submission (3876575)' <<'X'
The tracking number for your submission is: 3876574, please reference it.
X
printf 'Submission Date 2015-11-12 10:11:12 Tracking\nSubmitter x\n\nFiles Submitted\n1\ta.exe\t%s0\tNot Malicious\tN/A\nDeveloper Notes\n' "$md5" |
	mail badmd5.eml '[CLOSED]: Security Response Automation (Tracking #41234567)'
printf 'Submission Date 2015-11-12 10:11:12 Tracking\nSubmitter x\n\nFiles Submitted\n1\ta.exe\t%s\tNot Malicious\tN/A\n' "$md5" |
	mail cut.eml '[CLOSED]: Security Response Automation (Tracking #41234567)'
mail 'bad
name.eml' 'Re: x' <<'X'
In relation to submission .
X
mail good.eml 'Re: submission' <<'X'
In relation to submission 192153.

Upon further analysis and investigation we have verified your submission and as such this detection will be removed from our products.
X
run 1 lf-custody -l case.log ingest -k c.key --pubkey k.pub unknown.eml \
    conflict.eml badmd5.eml good.eml cut.eml 'bad
name.eml'
contains err "'unknown.eml': refused: not a known vendor reply"
contains err "'conflict.eml': refused: subject: tracking number 3876575 differs from 3876574"
contains err "'badmd5.eml': refused: Files Submitted row 1: no MD5"
contains err "'cut.eml': refused: Files Submitted table cut short"
contains err "'bad\\nname.eml': refused: "
contains out "good.eml: result, tracking 192153, 0 files: Detection removed"
[ "$(lines)" = $((n + 1)) ] || fail "only good.eml is appended: $(lines)"
[ "$(tail -n 1 case.log | jq -c '.reason|fromjson|[.file,.determination]')" = \
    '[null,"Detection removed"]' ] || fail "whole closure: $(tail -n 1 case.log)"

# Two bundles for one mail: refused, never one picked.
run 0 lf-pack -k k.key -o bb --custody case.log "$S/invoice-2.eml"
bundle_b=$(basename "$(cat out)" .tar)
[ "$bundle_b" != "$bundle_a" ] || fail "one bundle id for two packs"
sed 's/4000123/4000124/' blocks.eml >blocks2.eml
n=$(lines)
run 1 lf-custody -l case.log ingest -k c.key --pubkey k.pub blocks2.eml
contains err "'blocks2.eml': refused: tracking 4000124: linked to two bundles"
contains err "$bundle_a"
contains err "$bundle_b"
[ "$(lines)" = "$n" ] || fail "a refused mail was appended"
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
    --bundle "$bundle_b" blocks2.eml
[ "$(tail -n 1 case.log | jq -r .bundle)" = "$bundle_b" ] || fail "--bundle first"

# A name too long for the reason is cut, and says so.
long=$(head -c 900 /dev/zero | tr '\0' 'x')
{
	echo 'The tracking number for your submission is: 77.'
	for i in 1 2 3 4 5 6; do echo "  File being uploaded = $i$long"; done
} | mail long.eml 'Re: x'
run 0 lf-custody -l case.log ingest -k c.key --pubkey k.pub long.eml
tail -n 1 case.log | jq -e '.reason | length <= 4096' >/dev/null ||
	fail "reason too long"
[ "$(reasons "$(lines)" | jq -c '[.files[] | .name_truncated, (.name|length < 900)] | unique')" = '[true]' ] ||
	fail "truncated names: $(reasons "$(lines)")"

# Every reason ingest wrote is valid against its schema.
jq -c 'select(.action == "receipt" or .action == "result") | .reason | fromjson' \
    case.log >reasons.jsonl
[ "$(wc -l <reasons.jsonl)" -eq 11 ] || fail "reasons: $(wc -l <reasons.jsonl)"
validate custody-vendor-reason.schema.json reasons.jsonl

# The log still verifies, with both keys.
run 0 lf-custody -l case.log verify --pubkey c.pub --pubkey k.pub
contains out "chain and signatures good"

# A log that does not verify is refused, naming the line; nothing appended.
cp case.log bad.log
sed -i '3s/"result"/"note"/' bad.log
cp bad.log bad.before
sed 's/192153/192154/' good.eml >good2.eml
run 1 lf-custody -l bad.log ingest -k c.key --pubkey k.pub good2.eml
contains err "line 3"
same bad.log bad.before
# without the bundle key trusted, lf-pack's events do not verify
run 1 lf-custody -l case.log ingest -k c.key good2.eml
contains err "line 1"

# Usage and I/O.
run 2 lf-custody -l case.log ingest -k c.key
run 2 lf-custody -l case.log ingest good2.eml
run 2 lf-custody -l case.log verify --manifest "$A" --pubkey c.pub
n=$(lines)
run 3 lf-custody -l case.log ingest -k c.key --pubkey k.pub missing.eml
[ "$(lines)" = "$n" ] || fail "appended for a missing mail"

# A --manifest that cannot be read, or is no bundle's, stops the ingest
# before any mail.
head -c 3000 "$A" >cut.tar
printf 'not a tar at all\n' >junk.tar
printf '{"samples": "none"}\n' >other.json
for m in cut.tar junk.tar missing.tar; do
	run 3 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
	    --manifest "$m" good2.eml
	contains err "$m"
done
run 1 lf-custody -l case.log ingest -k c.key --pubkey k.pub \
    --manifest other.json good2.eml
contains err "'other.json': not a bundle manifest"
[ "$(lines)" = "$n" ] || fail "appended after a bad manifest"
