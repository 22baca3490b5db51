# lf-headers on the header samples of the shared corpora (their "#" notes
# taken away) and on forgeries made here: the trust boundary and the
# delivery address each sample's notes give, Authentication-Results
# believed only from a trusted authserv-id above the boundary, the
# originator fields counted, exit statuses, and every report valid
# against schemas/headers.schema.json.
. "$LF_TOP/tests/cli/lib.sh"

H=$(corpora)/headers
for f in "$H"/*.hdr; do
	grep -v '^#' "$f" >"$(basename "$f" .hdr).eml"
done

# field REPORT PYTHON-EXPRESSION [ARG...]: a value of the (first) JSON
# report; the expression reads any further arguments as sys.argv[3:].
field() {
	python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readline())
print(eval(sys.argv[2]))
' "$@"
}

# check_border EML IP HOPS VERDICT MTA...: each Symantec sample, with the
# servers its notes name as the recipient's own: the border took the
# message from MessageLabs at IP, HOPS hops down, and the verdict on
# symantec-ess (profiles/gateway) is VERDICT.
check_border() {
	eml=$1
	ip=$2
	hops=$3
	verdict=$4
	shift 4
	args=""
	for m in "$@"; do
		args="$args --trusted-mta $m"
	done
	# shellcheck disable=SC2086
	run 0 lf-headers --jsonl $args "$eml"
	validate headers.schema.json out
	[ "$(field out 'r["trust"]["delivery_ip"]')" = "$ip" ] ||
	    fail "$eml: delivered from $(field out 'r["trust"]["delivery_ip"]'), want $ip"
	[ "$(field out 'r["trust"]["trusted_hops"]')" -eq "$hops" ] ||
	    fail "$eml: $(field out 'r["trust"]["trusted_hops"]') trusted hops"
	got=$(field out '[g["verdict"] for g in r["gateways"] if g["name"] == "symantec-ess"][0]')
	[ "$got" = "$verdict" ] || fail "$eml: symantec-ess $got, want $verdict"
}
check_border symantec-ess-inbound-xen-2019.eml 195.245.230.169 3 \
    transited mail.lfdr.de lists.xenproject.org
check_border symantec-ess-inbound-xen-2019.full.eml 195.245.230.169 3 \
    transited mail.lfdr.de '*.xenproject.org'
check_border symantec-ess-outbound-fujitsu-2021.eml 195.245.230.17 3 \
    transited mail.lfdr.de picard.linux.it in-2.smtp.seeweb.it
check_border symantec-ess-outbound-semtech-2025.eml 67.219.250.1 1 \
    transited smtp.subspace.kernel.org
# 2004: the profile holds no range published for MessageLabs then, so the
# address cannot settle it; the border heard the client call itself
# mail45.messagelabs.com, which is a claim, not a proof.
check_border symantec-ess-old-2004.eml 140.174.2.179 1 unknown \
    vger.kernel.org
contains out '"id":"gateway.address-unknown"'
# The others do not claim Symantec: no trace of it, and never
# "transited" (a block without Received fields leaves every gateway
# "unknown": no border recorded a delivery).
for eml in barracuda-2020.eml google-mx-2019.eml ironport-cisco-2020.eml \
    m365-eop-inbound-2017.eml mimecast-redhat-2022.eml \
    proofpoint-outbound-ibm-2023.eml sophos-2024-2025.eml \
    trendmicro-2022-2023.eml; do
	run 0 lf-headers --jsonl "$eml"
	got=$(field out '[(g["verdict"], g.get("trace_fields", []), g.get("trace_hops", [])) for g in r["gateways"] if g["name"] == "symantec-ess"][0]')
	case $got in
	"('not-transited', [], [])" | "('unknown', [], [])") ;;
	*) fail "$eml: symantec-ess $got" ;;
	esac
done
run 0 lf-headers --jsonl --trusted-mta mail.lfdr.de \
    --trusted-mta lists.xenproject.org symantec-ess-inbound-xen-2019.eml
[ "$(field out '[g["name"] for g in r["gateways"] if g["verdict"] == "transited"]')" = "['symantec-ess']" ] ||
    fail "xen: $(field out 'r["gateways"]')"
[ "$(field out '[g["range"]["cidr"] for g in r["gateways"] if g.get("range")]')" = "['195.245.230.0/23']" ] ||
    fail "xen: the range"

# Genuine Symantec hops and headers copied under the sender's own
# delivery: the border took it from 203.0.113.66, not from MessageLabs.
{
	printf 'Received: from attacker.example (attacker.example [203.0.113.66])\n'
	printf '\tby mx.example.net (Postfix) with ESMTP id 9F1;\n'
	printf '\tTue, 21 May 2019 10:31:30 +0000\n'
	sed -n '/^Received: from \[46.226.53.52\]/,$p' symantec-ess-inbound-xen-2019.eml
} >replayed.eml
run 0 lf-headers --jsonl --trusted-mta mx.example.net replayed.eml
validate headers.schema.json out
got=$(field out '[g["verdict"] for g in r["gateways"] if g["name"] == "symantec-ess"][0]')
[ "$got" = not-transited ] || fail "replayed: symantec-ess $got"
[ "$(field out '[f["field"] for f in r["findings"] if f["id"] == "gateway.forged-hops"]')" = "[1]" ] ||
    fail "replayed: $(field out 'r["findings"]')"
run 1 lf-headers --fail-on high --trusted-mta mx.example.net replayed.eml
contains out "gateway symantec-ess: not-transited"

# No server named: the topmost hop only, and a finding says so.
run 0 lf-headers --jsonl google-mx-2019.eml
[ "$(field out 'r["trust"]["named"]')" = False ] || fail "named"
contains out '"id":"trust.unnamed"'
# The same servers from a configuration file.
printf '# ours\ntrusted-mta mail.lfdr.de\n  trusted-mta\tlists.xenproject.org  \n' >conf
run 0 lf-headers --jsonl --config conf symantec-ess-inbound-xen-2019.eml
[ "$(field out 'r["trust"]["delivery_ip"]')" = 195.245.230.169 ] ||
    fail "--config: $(field out 'r["trust"]')"
printf 'trusted-server x\n' >bad.conf
run 2 lf-headers --config bad.conf symantec-ess-inbound-xen-2019.eml
contains err "unknown setting"

# Every sample reads, as one JSON array, valid against the schema.
run 0 lf-headers --json ./*.eml
python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    print(json.dumps(r))
' out >lines
validate headers.schema.json lines
reports=$(wc -l <lines)
samples=$(ls ./*.eml | wc -l)
[ "$reports" -eq "$samples" ] || fail "--json: $reports reports, $samples samples"

# A forgery: the sender planted an Authentication-Results in the name of
# the recipient's own server, and a second From above the real one.
cat >forged.eml <<'MSG'
Received: from attacker.example (attacker.example [203.0.113.66])
	by mx.example.net (Postfix) with ESMTP id 4AB;
	Mon, 1 Jan 2024 10:00:05 +0000
Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=bank.example
From: "Bank" <security@bank.example>
Received: from bank.example (mail.bank.example [198.51.100.7])
	by relay.bank.example with ESMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000
From: someone@attacker.example
Date: Mon, 1 Jan 2024 09:59:00 +0000
Subject: urgent
Message-ID: <1@attacker.example>

body
MSG
run 0 lf-headers --jsonl --trusted-mta mx.example.net \
    --trusted-authserv mx.example.net forged.eml
validate headers.schema.json out
[ "$(field out 'r["trust"]["delivery_ip"]')" = 203.0.113.66 ] ||
    fail "forged: delivery $(field out 'r["trust"]["delivery_ip"]')"
[ "$(field out 'r["authentication"][0]["trusted"]')" = False ] ||
    fail "a planted Authentication-Results was believed"
[ "$(field out '[f["field"] for f in r["findings"] if f["id"] == "authres.forged"]')" = "[1]" ] ||
    fail "authres.forged: $(field out 'r["findings"]')"
[ "$(field out '[f["field"] for f in r["findings"] if f["id"] == "header.duplicate-from"]')" = "[4]" ] ||
    fail "header.duplicate-from: $(field out 'r["findings"]')"
[ "$(field out 'r["originator"]["From"]')" -eq 2 ] || fail "From count"
contains out '"evidence":"From: someone@attacker.example"'
run 1 lf-headers --fail-on high --trusted-mta mx.example.net \
    --trusted-authserv mx.example.net forged.eml
contains out "authres.forged"
contains out "delivered from 203.0.113.66"

# The recipient's own server wrote it, above the boundary: believed.
{
	printf 'Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=bank.example\n'
	cat forged.eml
} >genuine.eml
run 0 lf-headers --jsonl --trusted-mta mx.example.net \
    --trusted-authserv MX.example.net genuine.eml
[ "$(field out '[a["trusted"] for a in r["authentication"]]')" = "[True, False]" ] ||
    fail "trust of the two results: $(field out 'r["authentication"]')"
[ "$(field out 'r["authentication"][0]["results"][0]["result"]')" = fail ] ||
    fail "result"

# Inputs: an mbox of two messages, standard input; usage and read errors.
{
	printf 'From a@example.org Mon Jan  1 00:00:00 2024\n'
	cat forged.eml
	printf '\nFrom b@example.org Mon Jan  1 00:00:00 2024\n'
	cat genuine.eml
} >box.mbox
run 0 lf-headers --jsonl box.mbox
[ "$(wc -l <out)" -eq 2 ] || fail "mbox: $(wc -l <out) reports"
contains out '"mbox_offset":0'
run 0 lf-headers --jsonl - <forged.eml
contains out '"source":"-"'
run 2 lf-headers --fail-on severe forged.eml
run 2 lf-headers
run 3 lf-headers missing.eml
contains err "'missing.eml'"

# DKIM and ARC with --dkim-keys: every row of the corpus's expected.tsv,
# against dkimpy's answer (PASS: pass or pass-weak; FAIL: any other
# verdict; NONE: no signature), except where the RFC says otherwise:
# t-plain-from.eml passes, since the signed From is the bottom one and is
# intact (RFC 6376 5.4.2; dkimpy adds a From to h= on its own), and a
# finding says the header holds two From fields.
D=$(corpora)/dkim
grep -v '^#' "$D/expected.tsv" | while IFS='	' read -r file keys expect _; do
	[ -n "$file" ] || continue
	run 0 lf-headers --jsonl --dkim-keys "$D/$keys" "$D/$file"
	validate headers.schema.json out
	got=$(field out '",".join("PASS" if d["verdict"] in ("pass", "pass-weak") else "FAIL" for d in r["dkim"]) or "NONE"')
	case $file in
	*/t-plain-from.eml)
		expect=PASS
		contains out '"id":"header.duplicate-from"'
		;;
	esac
	[ "$got" = "$expect" ] || fail "$file with $keys: $got, want $expect"
done
# l= with text appended: the signature passes, the unsigned bytes counted.
run 0 lf-headers --jsonl --dkim-keys "$D/lab-generated/keys.txt" \
    "$D/lab-generated/t-l-append.eml"
[ "$(field out 'r["dkim"][0]["body_unsigned"] > 0 and "unsigned-body" in r["dkim"][0]["flags"]')" = True ] ||
    fail "l=: $(field out 'r["dkim"]')"
# ARC: a chain sealed by dkimpy's API passes; with the Subject changed, not.
run 0 lf-headers --jsonl --dkim-keys "$D/lab-generated/keys.txt" \
    "$D/lab-generated/arc-api.eml"
[ "$(field out 'r["arc"]["cv"]')" = pass ] || fail "arc-api: $(field out 'r["arc"]')"
run 0 lf-headers --jsonl --dkim-keys "$D/lab-generated/keys.txt" \
    "$D/lab-generated/t-arc.eml"
[ "$(field out 'r["arc"]["cv"]')" = fail ] || fail "t-arc: $(field out 'r["arc"]')"
# The same message fed from an mbox, split anywhere by the reader.
{
	printf 'From a@example.org Mon Jan  1 00:00:00 2024\n'
	cat "$D/lab-generated/s-both.eml"
} >signed.mbox
run 0 lf-headers --jsonl --dkim-keys "$D/lab-generated/keys.txt" signed.mbox
[ "$(field out '[d["verdict"] for d in r["dkim"]]')" = "['pass', 'pass']" ] ||
    fail "mbox: $(field out 'r["dkim"]')"
# Without keys nothing is verified.
run 0 lf-headers --jsonl "$D/lab-generated/s-both.eml"
[ "$(field out 'r["dkim"]')" = None ] || fail "no keys: $(field out 'r["dkim"]')"
run 3 lf-headers --dkim-keys missing.txt "$D/lab-generated/s-both.eml"

# The sender: organizational domains from Debian's Public Suffix List,
# a display name that shows another organization's address (here in an
# encoded word), a reply going elsewhere, a punycode domain, a Message-ID
# that is not <left@right>; the punycode domain reads "pаypal" with a
# Cyrillic "а", so it mixes scripts too, and the name says PayPal.
dn=$(printf 'service@paypal.com' | base64)
cat >imp.eml <<MSG
From: =?utf-8?B?$dn?= <alerts@xn--pypal-4ve.example>
Reply-To: "Help" <help@collect.attacker.example>
Sender: bounce@mail.xn--pypal-4ve.example
Return-Path: <>
Message-ID: no-brackets@here
Subject: account

body
MSG
run 0 lf-headers --jsonl imp.eml
validate headers.schema.json out
ids=$(field out '" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith(("sender.", "header.message"))))')
[ "$ids" = "header.message-id-syntax sender.brand-in-name sender.display-name-address sender.mixed-script sender.punycode-domain sender.reply-to-elsewhere" ] ||
    fail "impersonation: $ids"
[ "$(field out 'r["sender"]["from"]["display_name"]')" = service@paypal.com ] ||
    fail "display name: $(field out 'r["sender"]')"
[ "$(field out 'r["sender"]["sender"]["org_domain"]')" = xn--pypal-4ve.example ] ||
    fail "org domain: $(field out 'r["sender"]')"
# A display name that borrows a brand (profiles/brands.json): from
# elsewhere it is a finding naming both; from the brand's own domain, one
# below it or its country site, none.  --brands takes another list, and a
# list that cannot be read is an error.
printf 'From: "Microsoft 365 Security" <alerts@account-verify.example>\n\nb\n' >brand.eml
run 0 lf-headers --jsonl brand.eml
contains out '"id":"sender.brand-in-name"'
contains out "the display name says Microsoft, but the address is at account-verify.example"
for from in '"Microsoft" <no-reply@microsoft.com>' \
    '"Microsoft account team" <account-security-noreply@accountprotection.microsoft.com>' \
    '"PayPal" <service@paypal.de>' '"DocuSign NA3 System" <dse_NA3@docusign.net>' \
    '"Amazonas Tours" <info@tours.example>'; do
	printf 'From: %s\n\nb\n' "$from" >own.eml
	run 0 lf-headers --jsonl own.eml
	lacks out '"id":"sender.brand-in-name"'
done
cat >mine.json <<'EOT'
{"format": "lf-brands", "format_version": 1, "brands": [
 {"name": "Example Bank", "words": ["example bank"], "domains": ["bank.example"], "source": "test"}]}
EOT
printf 'From: "EXAMPLE-BANK alerts" <x@phish.example>\n\nb\n' >mine.eml
run 0 lf-headers --jsonl --brands mine.json mine.eml
contains out 'says Example Bank'
run 0 lf-headers --jsonl --brands mine.json brand.eml
lacks out '"id":"sender.brand-in-name"'
printf '{"format": "lf-brands"}' >bad.json
run 3 lf-headers --brands bad.json brand.eml
contains err "bad.json"

# One organization under a multi-label public suffix: no finding.
printf 'From: "News" <news@mail.bbc.co.uk>\nReply-To: desk@bbc.co.uk\nMessage-ID: <1@bbc.co.uk>\n\nb\n' >same.eml
run 0 lf-headers --jsonl same.eml
lacks out '"id":"sender.'
[ "$(field out 'r["sender"]["from"]["org_domain"]')" = bbc.co.uk ] ||
    fail "bbc: $(field out 'r["sender"]')"

# Symantec's own stamps, checked against each other and the chain: on the
# xen sample every comparison holds (values from the sample's notes); with
# X-Originating-IP edited, it no longer matches the tower hop or the
# address inside X-Brightmail-Tracker.
run 0 lf-headers --jsonl --trusted-mta mail.lfdr.de \
    --trusted-mta lists.xenproject.org symantec-ess-inbound-xen-2019.full.eml
checks=$(field out '" ".join(c["check"] + "=" + c["result"] for g in r["gateways"] if g["name"] == "symantec-ess" for c in g["checks"])')
[ "$checks" = "msgref=info msgref-tower-hop=pass msgref-vs-tower-hop=pass msgref-vs-receipt=pass originating-ip-vs-tower-hop=pass queue-id-vs-hop=pass tracker=info tracker-client-ip=pass tracker-time-vs-msgref=pass starscan-version=info starscan-version-date=pass direction=info stamp-order=pass" ] ||
    fail "xen checks: $checks"
contains out 'not verifiable here'
lacks out '"id":"gateway.stamps-disagree"'
sed 's/^X-Originating-IP: .*/X-Originating-IP: [198.51.100.9]/' \
    symantec-ess-inbound-xen-2019.full.eml >edited.eml
run 0 lf-headers --jsonl --trusted-mta mail.lfdr.de \
    --trusted-mta lists.xenproject.org edited.eml
checks=$(field out '" ".join(c["check"] + "=" + c["result"] for g in r["gateways"] if g["name"] == "symantec-ess" for c in g["checks"] if c["result"] == "fail")')
[ "$checks" = "originating-ip-vs-tower-hop=fail tracker-client-ip=fail" ] ||
    fail "edited: $checks"
contains out '"id":"gateway.stamps-disagree"'

# StarScan's version against the X-Msg-Ref day, by the profile's dated
# sightings: 9.117.3 (seen in 2025) on a message of May 2019, when 9.43.9
# was still in use in August, is a stamp from a later message; 9.31.5 on
# a message of 2025, two years after 9.104.1 was in use, one from an
# earlier message.  The genuine samples agree.
symantec_fails() {
	run 0 lf-headers --jsonl "$@"
	field out '" ".join(c["check"] + "=" + c["result"] for g in r["gateways"] if g["name"] == "symantec-ess" for c in g["checks"] if c["result"] == "fail")'
}
sed 's/^X-StarScan-Version: 9.31.5;/X-StarScan-Version: 9.117.3;/' \
    symantec-ess-inbound-xen-2019.full.eml >newer.eml
[ "$(symantec_fails newer.eml)" = "starscan-version-date=fail" ] ||
    fail "newer StarScan: $(cat out)"
contains out 'StarScan 9.117.3 on 2019-05-21, but 9.43.9 was still in use on 2019-08-22'
contains out '"id":"gateway.stamps-disagree"'
sed 's/^X-StarScan-Version: 9.117.3;/X-StarScan-Version: 9.31.5;/' \
    symantec-ess-outbound-semtech-2025.eml >older.eml
[ "$(symantec_fails older.eml)" = "starscan-version-date=fail" ] ||
    fail "older StarScan: $(cat out)"
contains out 'but 9.104.1 was in use by 2023-03-20'
for f in symantec-ess-*.eml; do
	case $(symantec_fails "$f") in
	*starscan-version-date=fail* | *stamp-order=fail*) fail "$f: $(cat out)" ;;
	esac
done
# The stamps are one block below a Symantec hop: a field slipped in
# among them, or the block moved to the top, above every hop, fails.
sed 's/^X-Msg-Ref: \(.*\)/X-Msg-Ref: \1\nX-Injected: yes/' \
    symantec-ess-inbound-xen-2019.full.eml >among.eml
[ "$(symantec_fails among.eml)" = "stamp-order=fail" ] ||
    fail "a field among the stamps: $(cat out)"
contains out 'X-Injected (field'
{
	grep -E '^X-(Brightmail-Tracker|Env-Sender|Msg-Ref|Originating-IP|SpamReason|StarScan-Received|StarScan-Version|VirusChecked):' \
	    symantec-ess-inbound-xen-2019.eml
	grep -v -E '^X-(Brightmail-Tracker|Env-Sender|Msg-Ref|Originating-IP|SpamReason|StarScan-Received|StarScan-Version|VirusChecked):' \
	    symantec-ess-inbound-xen-2019.eml
} >moved.eml
symantec_fails moved.eml >/dev/null
contains out 'no Received hop above the stamps'

# Outlook .msg: the header block is the transport headers the message was
# saved with (msg-extractor's unicode.msg holds four hops); one saved
# without them gives an empty block; a cut compound file still reads.
A=$(corpora)/mail/msg-extractor/aux
run 0 lf-headers --jsonl --trusted-mta ms06561.mac.com "$A/unicode.msg"
validate headers.schema.json out
[ "$(field out '(r["container"], len(r["hops"]), r["trust"]["delivery_ip"])')" = "('outlook-msg', 4, '17.172.84.240')" ] ||
    fail "unicode.msg: $(field out 'r["trust"]')"
run 0 lf-headers --jsonl "$A/strangeDate.msg"
validate headers.schema.json out
[ "$(field out '(r["container"], r["header"]["fields"])')" = "('outlook-msg', 0)" ] ||
    fail "strangeDate.msg: $(field out 'r["header"]')"
head -c 1500 "$A/unicode.msg" >cut.msg
run 0 lf-headers --jsonl cut.msg
validate headers.schema.json out

# Mimecast: X-MC-Unique is the tail of its relay's queue id.
run 0 lf-headers --jsonl mimecast-redhat-2022.eml
[ "$(field out '[c["result"] for g in r["gateways"] if g["name"] == "mimecast" for c in g["checks"]]')" = "['pass']" ] ||
    fail "mimecast: $(field out 'r["gateways"]')"
sed 's/^X-MC-Unique: .*/X-MC-Unique: AAAAAAAAAA-v14PIxFtcrg-1/' \
    mimecast-redhat-2022.eml >mc-edited.eml
run 0 lf-headers --jsonl mc-edited.eml
[ "$(field out '[c["result"] for g in r["gateways"] if g["name"] == "mimecast" for c in g["checks"]]')" = "['fail']" ] ||
    fail "mimecast edited: $(field out 'r["gateways"]')"
contains out '"id":"gateway.stamps-disagree"'

# A domain that mixes scripts (a Cyrillic "а" in "pаypal"), raw UTF-8 as
# internationalized mail carries it.
printf 'From: "Service" <service@p\320\260ypal.example>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nb\n' >mixed.eml
run 0 lf-headers --jsonl mixed.eml
validate headers.schema.json out
ids=$(field out '" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith("sender.")))')
[ "$ids" = "sender.mixed-script sender.unicode-domain" ] || fail "mixed: $ids"

# The same in punycode: "аpple.com" with a Cyrillic "а", its ASCII form
# computed by Debian's idn2, is read back into Unicode and flagged, the
# detail naming both forms (and the name "Apple" is borrowed).  A plain
# IDN is not; a label that is no valid punycode is a finding of its own.
command -v idn2 >/dev/null || fail "idn2 (Debian package idn2) is needed"
ace=$(printf '\320\260pple.com' | LC_ALL=C.UTF-8 idn2)
case $ace in
xn--*.com) ;;
*) fail "idn2 gave '$ace'" ;;
esac
printf 'From: "Apple" <id@%s>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nb\n' \
    "$ace" >ace.eml
run 0 lf-headers --jsonl ace.eml
validate headers.schema.json out
ids=$(field out '" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith("sender.")))')
[ "$ids" = "sender.brand-in-name sender.mixed-script sender.punycode-domain" ] ||
    fail "ace: $ids"
[ "$(field out '[f["detail"] for f in r["findings"] if f["id"] == "sender.mixed-script"][0] == "the From domain %s reads %s: a word of it mixes Latin, Greek and Cyrillic letters, made to look like another" % (sys.argv[3], "\u0430pple.com")' "$ace")" = True ] ||
    fail "ace detail: $(field out 'r["findings"]')"
printf 'From: <a@%s>\n\nb\n' "$(printf 'm\303\274nchen.example' | LC_ALL=C.UTF-8 idn2)" >idn.eml
run 0 lf-headers --jsonl idn.eml
ids=$(field out '" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith("sender.")))')
[ "$ids" = "sender.punycode-domain" ] || fail "idn: $ids"
printf 'From: <a@xn--zz.example>\n\nb\n' >badpuny.eml
run 0 lf-headers --jsonl badpuny.eml
validate headers.schema.json out
ids=$(field out '" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith("sender.")))')
[ "$ids" = "sender.bad-punycode sender.punycode-domain" ] ||
    fail "bad punycode: $ids"
