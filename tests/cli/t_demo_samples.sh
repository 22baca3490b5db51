#!/bin/sh
# The demo's messages (tests/data/demo): mksamples.py writes them again
# byte for byte; the compound file of outlook.msg reads back with olefile;
# lf-extract finds the EICAR test file in the mail, in the zip (as an
# archive member) and in the .msg; lf-headers, with mx.example.com as the
# border, says transited for symantec-ess on those three with every
# stamp check passed, and not-transited, with the forged hops named, on
# forged-gateway.eml.
. "$LF_TOP/tests/cli/lib.sh"

D=$LF_TOP/tests/data/demo
EICAR=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f

mkdir again
/usr/bin/python3 "$D/mksamples.py" again
for f in eicar.eml eicar-zip.eml outlook.msg forged-gateway.eml \
    vendor-receipt.eml vendor-result.eml; do
	[ -f "$D/$f" ] || fail "tests/data/demo/$f is missing"
	same "$D/$f" "again/$f"
done
[ "$(ls again | wc -l)" -eq 6 ] || fail "mksamples.py wrote: $(ls again)"

# The test file, as the generator holds it.
/usr/bin/python3 - "$D/mksamples.py" >eicar.com <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
sys.stdout.buffer.write(m.EICAR)
PY
[ "$(sha256sum <eicar.com | cut -c1-64)" = "$EICAR" ] || fail "the EICAR string"
[ "$(md5sum <eicar.com | cut -c1-32)" = 44d88612fea8a8f36de82e1278abb02f ] ||
	fail "the EICAR MD5"
[ "$(wc -c <eicar.com)" -eq 68 ] || fail "the EICAR length"

# The compound file, read by another reader.
/usr/bin/python3 - "$D/outlook.msg" <<'PY' || fail "olefile: outlook.msg"
import hashlib, sys
import olefile
o = olefile.OleFileIO(sys.argv[1])
a = "__attach_version1.0_#00000000/"
data = o.openstream(a + "__substg1.0_37010102").read()
assert hashlib.sha256(data).hexdigest() == \
    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
name = o.openstream(a + "__substg1.0_3707001F").read().decode("utf-16-le")
assert name == "eicar.com\0", name
subject = o.openstream("__substg1.0_0037001F").read().decode("utf-16-le")
assert subject == "Remittance advice 2026-118\0", subject
headers = o.openstream("__substg1.0_007D001F").read().decode("utf-16-le")
assert "by mx.example.com" in headers and "X-Msg-Ref:" in headers
body = o.openstream("__substg1.0_1000001F").read().decode("utf-16-le")
assert body.startswith("Dear Jane,"), body
PY

# has_eicar REPORT PATH NAME: the part at PATH is the test file, so named.
has_eicar() {
	got=$(jq -r --arg p "$2" \
	    '.parts[] | select(.path == $p) | [.object.sha256, .name.decoded] | @tsv' "$1")
	[ "$got" = "$(printf '%s\t%s' "$EICAR" "$3")" ] ||
		fail "$1: part $2 is '$got'"
}
run 0 lf-extract -o store --jsonl "$D/eicar.eml"
validate extract.schema.json out
has_eicar out 2 eicar.com
run 0 lf-extract -o store --jsonl "$D/eicar-zip.eml"
validate extract.schema.json out
has_eicar out '2>1' eicar.com
[ "$(jq -r '.parts[] | select(.path == "2>1") | .kind' out)" = entry ] ||
	fail "eicar-zip.eml: 2>1 is no archive entry"
[ "$(jq -r '.parts[] | select(.path == "2") | .container.entries' out)" = 1 ] ||
	fail "eicar-zip.eml: part 2 is no archive"
run 0 lf-extract -o store --jsonl "$D/outlook.msg"
validate extract.schema.json out
has_eicar out '1>attach/1' eicar.com
[ "$(jq -r '.subject.decoded' out)" = "Remittance advice 2026-118" ] ||
	fail "outlook.msg: subject $(jq -c .subject out)"
[ "$(jq -r '.from.decoded' out)" = \
    "Supplier Billing <billing@supplier-payments.example>" ] ||
	fail "outlook.msg: from $(jq -c .from out)"
[ "$(jq -r '.parts[] | select(.path == "1>body/plain") | .kind' out)" = body ] ||
	fail "outlook.msg: no plain-text body"
[ "$(jq -c '.anomalies' out)" = "[]" ] || fail "outlook.msg: $(jq -c .anomalies out)"
# Stored once, by its hash, read-only.
[ -f "store/objects/27/$EICAR" ] || fail "the test file is not in the store"
[ ! -w "store/objects/27/$EICAR" ] || [ "$(id -u)" -eq 0 ] ||
	fail "the stored test file is writable"

# symantec FILE: the symantec-ess verdict of FILE's first report, with
# the results of its stamp checks, "verdict fail-count".
symantec() {
	jq -r '.gateways[] | select(.name == "symantec-ess") |
	    "\(.verdict) \([.checks[]? | select(.result == "fail")] | length)"' "$1"
}
for f in eicar.eml eicar-zip.eml outlook.msg; do
	run 0 lf-headers --trusted-mta mx.example.com --jsonl "$D/$f"
	validate headers.schema.json out
	[ "$(symantec out)" = "transited 0" ] || fail "$f: symantec-ess $(symantec out)"
	[ "$(jq -r '.gateways[] | select(.name == "symantec-ess") | .range.cidr' out)" = \
	    85.158.136.0/21 ] || fail "$f: range $(jq -c .gateways out)"
	[ "$(jq '[.gateways[] | select(.name == "symantec-ess") | .checks[] |
	    select(.result == "pass")] | length' out)" -ge 9 ] ||
		fail "$f: too few stamp checks passed: $(jq -c .gateways out)"
	[ "$(jq -r '.trust.trusted_hops' out)" = 1 ] || fail "$f: trusted hops"
	lacks out gateway.forged-hops
done
run 0 lf-headers --trusted-mta mx.example.com --jsonl "$D/forged-gateway.eml"
validate headers.schema.json out
[ "$(jq -r '.gateways[] | select(.name == "symantec-ess") | .verdict' out)" = \
    not-transited ] || fail "forged: $(jq -c .gateways out)"
[ "$(jq -r '.trust.delivery_ip' out)" = 203.0.113.66 ] || fail "forged: delivery"
[ "$(jq -c '[.findings[] | select(.id == "gateway.forged-hops") | .field]' out)" = \
    "[1]" ] || fail "forged: $(jq -c .findings out)"
# No other gateway is said to have been crossed by any of them.
run 0 lf-headers --trusted-mta mx.example.com --jsonl "$D/eicar.eml" \
    "$D/eicar-zip.eml" "$D/outlook.msg" "$D/forged-gateway.eml"
[ "$(jq -r '.gateways[] | select(.verdict == "transited") | .name' out | sort | uniq -c |
    awk '{print $1, $2}')" = "3 symantec-ess" ] ||
	fail "transited: $(jq -c '[.gateways[] | select(.verdict == "transited") | .name]' out)"

# The vendor's replies: the forms lf-custody's ingest is to read.
contains "$D/vendor-receipt.eml" \
    "Subject: [TRACKING]: Symantec Security Response Automation (Tracking #41872093)"
contains "$D/vendor-result.eml" \
    "Subject: [CLOSED]: Symantec Security Response Automation (Tracking #41872093)"
grep -q '^Submission Date .* Tracking' "$D/vendor-result.eml" ||
	fail "no Submission Date line"
grep -q '^Submitter ' "$D/vendor-result.eml" || fail "no Submitter line"
printf '1\teicar.com\t44D88612FEA8A8F36DE82E1278ABB02F\tAlready Detected\tEICAR Test String\tN/A\n' >row
sed -n '/^Files Submitted$/,/^Developer Notes$/p' "$D/vendor-result.eml" >table
grep -qxF -f row table || fail "the result's table: $(cat table)"
tail -n 1 table | grep -qx 'Developer Notes' || fail "the table's end"
