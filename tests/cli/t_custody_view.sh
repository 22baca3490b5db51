# lf-custody status, summary and export: a case's log read back once it
# verifies.  status: awaiting, a result in, OVERDUE as of --now, the exit
# status cron reads, --json valid against its schema, reasons in free text
# tolerated, a tampered log or an untrusted key refused.  summary: hostile
# names escaped, the gateway verdicts of a real bundle with --manifest,
# never a byte of a sample.  export: CASE/UCO JSON-LD read by rdflib and
# queried with SPARQL, the same bytes at every run.
. "$LF_TOP/tests/cli/lib.sh"

lf-keygen -o a >a.fpr
lf-keygen -o b >/dev/null
S=$LF_TOP/tests/data/samples

# A real bundle of the samples, packed into the case's log at
# 2025-11-28T12:00:00Z.
run 0 env SOURCE_DATE_EPOCH=1764331200 lf-pack -k a.key -o . \
    --custody case.log --trusted-mta mx.example.com --case 'CASE-42' \
    --examiner 'Ann Example' "$S/invoice-1.eml" "$S/payroll-update.eml"
tar=$(cat out)
id=$(basename "$tar" .tar)
pdf=65ccc8aff9567871f53dcf98cb79a0edf106c9ecbc49adc9e76716790cb5809e
msg1=05ea136b4b741e289b4fed24303bc95eeae649de9afa575625213d677914965a
grep -q "\"$pdf\"" case.log || fail "the packed event lacks the sample"

# Packed, not submitted: nothing overdue.
run 0 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-11-30T00:00:00Z
contains out "bundle $id: packed 2025-11-28T12:00:00Z by"
contains out "not submitted"
contains out "0 submitted, 0 overdue"

# Submitted at 13:00.
run 0 env SOURCE_DATE_EPOCH=1764334800 lf-custody -l case.log append \
    -k a.key --actor uploader --action submitted --bundle "$id" \
    --reason 'vendor portal'
run 0 lf-custody -l case.log status --fingerprint "$(cat a.fpr)" \
    --now 2025-11-29T12:59:59Z
contains out "bundle $id"
contains out "submitted 2025-11-28T13:00:00Z by uploader: vendor portal"
contains out "sample $pdf: awaiting"
contains out "awaiting a result, due by 2025-11-29T13:00:00Z"
lacks out OVERDUE
# 24 hours after: overdue, and by how long.
run 1 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
contains out "OVERDUE by 2h 30m: no result 24 hours after the first submission (2025-11-28T13:00:00Z)"
contains out "1 submitted, 1 overdue, 0 awaiting"
run 0 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-11-29T15:30:00Z --overdue-hours 48
lacks out OVERDUE
run 1 lf-custody -q -l case.log status --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
[ ! -s out ] || fail "-q printed: $(cat out)"
run 1 lf-custody -l case.log status --json --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
validate custody-status.schema.json out
[ "$(jq -r --arg id "$id" '.bundles[] | select(.id == $id) | [.state, .overdue_seconds, .due] | map(tostring) | join(" ")' out)" = \
    "overdue 9000 2025-11-29T13:00:00Z" ] || fail "status --json: $(cat out)"
[ "$(jq -r .overdue out)" = true ] || fail "overdue: $(cat out)"
# The clock is the default: a submission of 2025 is long overdue.
run 1 lf-custody -l case.log status --pubkey a.pub

# The vendor's receipt and result, as ingest records them; the receipt
# names the file with an ANSI escape, a bidi override and a line feed.
hostile=$(printf 'inv\033[31m\342\200\256fdp\nx.exe')
hostile_json=$(printf '%s' "$hostile" | jq -Rs .)
mail='"vendor_mail":{"sha256":"'$msg1'","form":"symantec-sra-tracking","date":"2025-11-28T14:00:00Z"}'
run 0 env SOURCE_DATE_EPOCH=1764338400 lf-custody -l case.log append \
    -k a.key --actor ingest --action receipt --bundle "$id" \
    --object "$pdf" --reason "{$mail,\"tracking\":\"31415926\",\"files\":[{\"name\":$hostile_json,\"md5\":\"c3667e6a42b89703ce72a6293871e179\",\"sha256\":\"$pdf\"}]}"
run 1 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
contains out "tracking 31415926"
run 0 env SOURCE_DATE_EPOCH=1764345600 lf-custody -l case.log append \
    -k a.key --actor ingest --action result --bundle "$id" \
    --object "$pdf" --reason "{$mail,\"tracking\":\"31415926\",\"file\":{\"name\":$hostile_json,\"md5\":\"c3667e6a42b89703ce72a6293871e179\",\"sha256\":\"$pdf\"},\"determination\":\"New Threat\",\"detection\":\"Trojan.Gen.2\"}"
run 0 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
contains out "sample $pdf: result"
contains out "New Threat, detection Trojan.Gen.2 (tracking 31415926, 2025-11-28T16:00:00Z)"
contains out "sample $msg1: awaiting"
lacks out OVERDUE
contains out 'file named inv\x1b[31m\xe2\x80\xaefdp\x0ax.exe'
# No raw control byte reaches the terminal.
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" out; then
	fail "status wrote a control byte"
fi
run 0 lf-custody -l case.log status --json --pubkey a.pub \
    --now 2025-11-29T15:30:00Z
validate custody-status.schema.json out
[ "$(jq -r --arg id "$id" --arg s "$pdf" '.bundles[] | select(.id == $id) | .samples[] | select(.sha256 == $s) | [.state, .result.determination, .result.detection, .result.tracking] | join(" ")' out)" = \
    "result New Threat Trojan.Gen.2 31415926" ] || fail "result in --json: $(cat out)"
[ "$(jq -r '.bundles[0].state' out)" = result ] || fail "state: $(cat out)"

# A second bundle, submitted; its result is free text, not the vendor
# form: tolerated, said to be free text, its tracking number unknown.
run 0 env SOURCE_DATE_EPOCH=1764331200 lf-custody -l case.log append \
    -k a.key --action packed --bundle case42-2 --object "$msg1"
run 0 env SOURCE_DATE_EPOCH=1764331200 lf-custody -l case.log append \
    -k a.key --action submitted --bundle case42-2
run 0 env SOURCE_DATE_EPOCH=1764331200 lf-custody -l case.log append \
    -k a.key --action result --bundle case42-2 \
    --reason "$(printf 'phoned: clean\033[2J')"
run 0 env SOURCE_DATE_EPOCH=1764331200 lf-custody -l case.log append \
    -k a.key --action receipt --bundle case42-2 --reason '{"tracking":'
run 0 lf-custody -l case.log status --pubkey a.pub \
    --now 2025-12-30T00:00:00Z
contains out 'result in free text (tracking unknown), 2025-11-28T12:00:00Z: phoned: clean\x1b[2J'
run 0 lf-custody -l case.log status --json --pubkey a.pub \
    --now 2025-12-30T00:00:00Z
validate custody-status.schema.json out
[ "$(jq -r '.bundles[] | select(.id == "case42-2") | .results[0] | [.structured, .tracking] | map(tostring) | join(" ")' out)" = \
    "false null" ] || fail "free text in --json: $(cat out)"

# summary: the text for a support ticket.
run 0 lf-custody -l case.log summary --pubkey a.pub --manifest "$tar"
cp out summary.txt
contains out "Bundle $id"
contains out "packed: 2025-11-28T12:00:00Z UTC by"
contains out "submitted: 2025-11-28T13:00:00Z UTC by uploader"
contains out "tracking numbers: 31415926"
contains out "SHA-256 $pdf"
contains out "MD5 c3667e6a42b89703ce72a6293871e179"
contains out "name in message $msg1 part 2: Invoice_2026-114.pdf"
contains out "name in the vendor's receipt: inv\\x1b[31m\\xe2\\x80\\xaefdp\\x0ax.exe"
contains out "verdict: New Threat, detection Trojan.Gen.2"
contains out "case: CASE-42"
contains out "examiner: Ann Example"
contains out "message $msg1, gateway transit:"
contains out "symantec-ess"
contains out ": not-transited"
contains out "The samples are available, sealed, in bundle $id, on request."
contains out "Bundle case42-2"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177-\377]')" out; then
	fail "summary wrote a control or non-ASCII byte"
fi
# Never a byte of a sample: not the PDF attachment, not its base64.
lf-extract -p 2 "$S/invoice-1.eml" >pdf.bin
grep -q 'An example document for the manual' pdf.bin ||
	fail "the sample is not the one expected"
lacks out 'An example document for the manual'
lacks out '%PDF'
b64=$(base64 -w0 pdf.bin | cut -c1-24)
grep -q "$b64" "$S/invoice-1.eml" || fail "the attachment's base64 is not $b64"
lacks out "$b64"
# Without --manifest: the log's own account.
run 0 lf-custody -l case.log summary --pubkey a.pub
lacks out "gateway transit"
contains out "SHA-256 $pdf"
# A manifest that is not a bundle is an error.
printf 'not a tar' >junk.tar
run 3 lf-custody -l case.log summary --pubkey a.pub --manifest junk.tar
contains err "junk.tar"
head -c 3000 "$tar" >trunc.tar
run 3 lf-custody -l case.log summary --pubkey a.pub --manifest trunc.tar
contains err "'trunc.tar': tar: "
run 3 lf-custody -l case.log summary --pubkey a.pub --manifest missing.tar
contains err "cannot open 'missing.tar'"

# export --case-uco: JSON-LD that rdflib reads; one InvestigativeAction
# per event with its time; every object's SHA-256 a hashValue.
run 0 lf-custody -l case.log export --case-uco --pubkey a.pub
cp out export1.jsonld
run 0 lf-custody -l case.log export --case-uco --fingerprint "$(cat a.fpr)"
same export1.jsonld out
jq -r '[.seq, .time] | @tsv' case.log >want_times
jq -r '.objects[]' case.log | sort -u >want_hashes
/usr/bin/python3 - export1.jsonld want_times want_hashes <<'PY' || fail "export: rdflib checks"
import sys
import rdflib

g = rdflib.Graph().parse(data=open(sys.argv[1]).read(), format="json-ld")
pre = """PREFIX ci: <https://ontology.caseontology.org/case/investigation/>
PREFIX ua: <https://ontology.unifiedcyberontology.org/uco/action/>
PREFIX uc: <https://ontology.unifiedcyberontology.org/uco/core/>
PREFIX uo: <https://ontology.unifiedcyberontology.org/uco/observable/>
PREFIX ut: <https://ontology.unifiedcyberontology.org/uco/types/>
PREFIX ui: <https://ontology.unifiedcyberontology.org/uco/identity/>
PREFIX ul: <https://ontology.unifiedcyberontology.org/uco/tool/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
want = {}
for line in open(sys.argv[2]):
    seq, t = line.split()
    want["urn:lf-custody:kb:action-" + seq] = t.replace("Z", "+00:00")
got = {}
for a, t in g.query(pre + """SELECT ?a ?t WHERE {
    ?a a ci:InvestigativeAction ; ua:startTime ?t ;
       ua:performer ?p ; ua:instrument ?i .
    ?p a ui:Identity . ?i a ul:Tool ; uc:name ?n ; ul:version ?v .
    FILTER(datatype(?t) = xsd:dateTime) }"""):
    assert str(a) not in got, "two times for %s" % a
    got[str(a)] = str(t)
assert got == want, (got, want)
n = len(list(g.query(pre + "SELECT DISTINCT ?a WHERE { ?a a ci:InvestigativeAction }")))
assert n == len(want), n
hashes = {str(v) for (v,) in g.query(pre + """SELECT ?v WHERE {
    ?o a uo:ObservableObject ; uc:hasFacet ?f .
    ?f a uo:ContentDataFacet ; uo:hash ?h .
    ?h a ut:Hash ; ut:hashMethod "SHA256"^^<https://ontology.unifiedcyberontology.org/uco/vocabulary/HashNameVocab> ;
       ut:hashValue ?v . FILTER(datatype(?v) = xsd:hexBinary) }""")}
want_hashes = {l.strip() for l in open(sys.argv[3])}
assert want_hashes <= hashes, want_hashes - hashes
assert len(want_hashes) == 3, want_hashes
# the packed event's result: a provenance record holding the bundle
rows = list(g.query(pre + """SELECT ?r WHERE {
    ?a a ci:InvestigativeAction ; uc:name "packed" ; ua:result ?r .
    ?r a ci:ProvenanceRecord ; uc:object ?o . ?o uc:name ?b }"""))
assert rows, "no packed provenance record"
PY
# Stable identifiers: re-exported, the same bytes; with a line more, the
# earlier nodes unchanged.
grep -q '"@id":"kb:action-1"' export1.jsonld || fail "no kb:action-1"
grep -q "\"@id\":\"kb:object-$pdf\"" export1.jsonld || fail "no kb:object-<sha256>"

# A tampered log: every verb refuses, naming the line.
n=$(grep -n -m1 '"actor":"uploader"' case.log | cut -d: -f1)
sed "${n}s/uploader/attacker/" case.log >tampered.log
for verb in status summary "export --case-uco"; do
	# shellcheck disable=SC2086
	run 1 lf-custody -l tampered.log $verb --pubkey a.pub
	contains err "tampered.log: line $n: bad-signature"
	[ ! -s out ] || fail "$verb printed from a tampered log: $(cat out)"
done
# ... and one signed by a key not trusted.
run 1 lf-custody -l case.log status --pubkey b.pub
contains err "line 1: untrusted-key"
head -n 2 case.log >cut.log
head -c 100 case.log >>cut.log
run 1 lf-custody -l cut.log summary --pubkey a.pub
contains err "line 3: no-line-end"
run 3 lf-custody -l nosuch.log status --pubkey a.pub

# Usage.
run 2 lf-custody -l case.log status
contains err "status: no trusted key"
run 2 lf-custody -l case.log status --pubkey a.pub --now yesterday
run 2 lf-custody -l case.log status --pubkey a.pub --now 2025-13-01T00:00:00Z
run 2 lf-custody -l case.log status --pubkey a.pub --overdue-hours -1
run 2 lf-custody -l case.log status --pubkey a.pub --manifest "$tar"
run 2 lf-custody -l case.log summary --pubkey a.pub --json
run 2 lf-custody -l case.log export --pubkey a.pub
run 2 lf-custody -l case.log verify --pubkey a.pub --now 2025-11-29T00:00:00Z
run 2 lf-custody -l case.log status -k a.key --pubkey a.pub
exit 0
