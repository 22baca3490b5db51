#!/bin/sh
# lf-pack against the other side's real tools: the bundle it writes is a
# tar GNU tar lists and extracts; its manifests pass sha512sum/sha256sum;
# its signature passes openssl pkeyutl and minisign; each sealed sample
# gives back, through 7-Zip and the password, the bytes whose SHA-256 is
# its name; data/manifest.json is valid against its schema; lf-verify
# says valid.  The same inputs, key and time give the same bytes; an
# existing bundle is never replaced; --select and --attachments-only
# choose; a sample over the profile's limit is packed but not eligible;
# with --recipient every sealed file is also a CMS envelope that openssl
# opens; a killed lf-pack leaves nothing under a final name.
. "$LF_TOP/tests/cli/lib.sh"

command -v 7zz >/dev/null || fail "7zz is not installed (make deps)"
command -v minisign >/dev/null || fail "minisign is not installed (make deps)"
SOURCE_DATE_EPOCH=1764331200
export SOURCE_DATE_EPOCH
S=$LF_TOP/tests/data/samples

# field FILE EXPR: EXPR over the JSON document r read from FILE.
field() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
' "$@"
}

lf-keygen -o k >/dev/null
mkdir bundles
run 0 lf-pack -k k.key -o bundles "$S"/invoice-1.eml "$S"/payroll-update.eml
b=$(cat "$T/out")
case $b in
bundles/lfb-20251128T120000Z-*.tar) ;;
*) fail "lf-pack printed '$b'" ;;
esac
[ "$(ls -A bundles)" = "$(basename "$b")" ] || fail "bundles holds: $(ls -A bundles)"
id=$(basename "$b" .tar)

run 0 lf-verify --pubkey k.pub "$b"
contains out "signature good"
mkdir x
tar -C x -xf "$b"
cd "x/$id"
sha512sum --strict --quiet -c tagmanifest-sha512.txt manifest-sha512.txt ||
	fail "sha512sum"
sha256sum --strict --quiet -c tagmanifest-sha256.txt manifest-sha256.txt ||
	fail "sha256sum"
openssl pkeyutl -verify -pubin -inkey "$T/k.pub" -rawin \
    -in tagmanifest-sha512.txt \
    -sigfile signatures/tagmanifest-sha512.txt.sig >/dev/null ||
	fail "openssl pkeyutl"
[ "$(openssl pkey -pubin -in signatures/signer.pub.pem -outform DER |
    openssl dgst -sha256 -r | cut -c1-64)" = "$(lf-keygen -f "$T/k.pub")" ] ||
	fail "the carried key is not the signer's"
minisign -Vm tagmanifest-sha512.txt -x signatures/tagmanifest-sha512.txt.minisig \
    -p signatures/signer.minisign.pub >"$T/mini" || fail "minisign"
grep -q "bundle:$id" "$T/mini" || fail "trusted comment: $(cat "$T/mini")"
openssl ts -query -in signatures/tagmanifest-sha512.txt.tsq -text >"$T/tsq"
grep -q "Hash Algorithm: sha512" "$T/tsq" || fail "tsq: $(cat "$T/tsq")"
n=0
for z in data/samples/*.zip data/messages/*.zip; do
	want=$(basename "$z" .zip)
	want=${want%.eml}
	got=$(7zz x -so -pinfected "$z" 2>/dev/null | sha256sum | cut -c1-64)
	[ "$got" = "$want" ] || fail "7zz: $z gives $got"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n sealed files"
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
    data/manifest.json >"$T/manifest.json"
cd "$T"
validate manifest.schema.json manifest.json
# The PDF attachment of invoice-1 is there, found where the report says.
field manifest.json '[(f["path"], f["name"]) for s in r["samples"] for f in s["found"] if s["object"]["sha256"].startswith("65ccc8af")]' >found
grep -q "('2', 'Invoice_2026-114.pdf')" found || fail "found: $(cat found)"

# The same again: the same bytes; and never over an existing bundle.
mkdir again
run 0 lf-pack -k k.key -o again "$S"/invoice-1.eml "$S"/payroll-update.eml
cmp "$b" "again/$id.tar" || fail "not reproducible"
cp "$b" before.tar
run 3 lf-pack -k k.key -o bundles "$S"/invoice-1.eml "$S"/payroll-update.eml
contains err "File exists"
cmp "$b" before.tar || fail "the bundle was changed"
[ "$(ls -A bundles)" = "$id.tar" ] || fail "left behind: $(ls -A bundles)"

# Choosing: one SHA-256, or the attachments only.
mkdir sel
echo 65ccc8aff9567871f53dcf98cb79a0edf106c9ecbc49adc9e76716790cb5809e >sel.txt
run 0 lf-pack -k k.key -o sel --select sel.txt "$S"/invoice-1.eml
tar -tf "$(cat "$T/out")" | grep -c 'data/samples/.' >count
[ "$(cat count)" = 1 ] || fail "--select packed $(cat count) samples"
echo 'not a hash' >badsel.txt
run 3 lf-pack -k k.key -o sel --select badsel.txt "$S"/invoice-1.eml
contains err "is not a SHA-256"

# A sample larger than the profile allows: packed, not eligible.
sed 's/"name": "symantec-ess"/"name": "tiny"/; s/500000000/300/' \
    "$LF_TOP/profiles/upload/symantec-ess.json" >tiny.json
mkdir tiny
run 0 lf-pack -k k.key -o tiny --profile "$T/tiny.json" \
    --bundle-size 1000000 "$S"/invoice-1.eml
tar -xOf "$(cat "$T/out")" --wildcards '*/data/manifest.json' >tm.json
field tm.json '[(s["eligible"], s["reason"]) for s in r["samples"]]' >elig
grep -q "(False, 'sealed size .* bytes is over the tiny limit of 300')" elig ||
	fail "eligibility: $(cat elig)"

# Too much for one bundle: several, each a complete bag no larger than
# --bundle-size, sharing one group id and counted "N of T"; together they
# hold what one bundle would.  By default the profile's sample limit is
# the bundle size: the tiny profile splits too.
python3 - <<'EOT'
import os
for i in range(4):
    body = os.urandom(30000)
    with open("big-%d.eml" % i, "w") as f:
        f.write("From: a@example.org\nSubject: %d\nMIME-Version: 1.0\n"
                "Content-Type: application/octet-stream\n"
                "Content-Transfer-Encoding: base64\n\n" % i)
        import base64
        f.write(base64.encodebytes(body).decode())
EOT
mkdir one many
run 0 lf-pack -k k.key -o one big-*.eml
run 0 lf-pack -k k.key -o many --bundle-size 200000 big-*.eml
[ "$(wc -l <"$T/out")" -ge 2 ] || fail "one bundle: $(cat "$T/out")"
python3 - "$T/out" one/*.tar <<'EOT' || fail "the bundles of a group"
import json, sys, tarfile
def read(path):
    t = tarfile.open(path)
    m = json.load(t.extractfile([n for n in t.getnames()
                                 if n.endswith("/data/manifest.json")][0]))
    info = t.extractfile([n for n in t.getnames()
                          if n.endswith("/bag-info.txt")][0]).read().decode()
    return m, dict(l.split(": ", 1) for l in info.splitlines())
paths = open(sys.argv[1]).read().split()
one, _ = read(sys.argv[2])
groups, seen = set(), []
for k, p in enumerate(paths, 1):
    assert len(open(p, "rb").read()) <= 200000, p
    m, info = read(p)
    assert m["bundle"]["count"] == {"n": k, "total": len(paths)}, m["bundle"]
    assert info["Bag-Count"] == "%d of %d" % (k, len(paths)), info
    assert info["Bag-Group-Identifier"] == m["bundle"]["group"], info
    groups.add(m["bundle"]["group"])
    seen += [s["object"]["sha256"] for s in m["samples"]]
    seen += [s["sha256"] for s in m["messages"]]
assert len(groups) == 1 and list(groups)[0].startswith("lfg-"), groups
want = [s["object"]["sha256"] for s in one["samples"]] + \
       [s["sha256"] for s in one["messages"]]
assert sorted(seen) == sorted(want), (seen, want)
assert one["bundle"]["group"] is None and one["bundle"]["count"]["total"] == 1
EOT
for part in $(cat "$T/out"); do
	run 0 lf-verify --deep --pubkey k.pub "$part"
done
mkdir tinydefault
run 0 lf-pack -k k.key -o tinydefault --profile "$T/tiny.json" \
    "$S"/invoice-1.eml
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "tiny: $(cat "$T/out")"
run 2 lf-pack -k k.key -o many --bundle-size 0 big-0.eml
run 2 lf-pack -k k.key -o many --bundle-size 12x big-0.eml

# From a store lf-extract filled, and its reports (--jsonl or --json):
# the same bundle, byte for byte, as from the messages.  A store object
# changed since is refused, and nothing is written.
A=md5,sha1,sha256,sha512,ssdeep,tlsh
lf-extract -o st -c $A --jsonl "$S"/invoice-1.eml "$S"/payroll-update.eml \
    >r.jsonl || fail "lf-extract --jsonl"
lf-extract -o st -c $A --json "$S"/invoice-1.eml "$S"/payroll-update.eml \
    >r.json || fail "lf-extract --json"
for r in r.jsonl r.json; do
	rm -rf fromstore && mkdir fromstore
	run 0 lf-pack -k k.key -o fromstore --store st "$r"
	cmp "$(cat "$T/out")" "$b" || fail "--store $r: not the same bundle"
done
lf-extract -o st2 --no-store --jsonl "$S"/invoice-1.eml >nostore.jsonl
run 3 lf-pack -k k.key -o fromstore --store st nostore.jsonl
contains err "the message is not in the store"
printf '{"format": "lf-extract",\n' >bad.jsonl
run 3 lf-pack -k k.key -o fromstore --store st bad.jsonl
contains err "'bad.jsonl' line 1: not a report"
obj=$(find st/objects -type f | sort | tail -n 1)
chmod u+w "$obj" && printf 'X' | dd of="$obj" bs=1 seek=10 conv=notrunc \
    2>/dev/null
rm -rf fromstore && mkdir fromstore
run 3 lf-pack -k k.key -o fromstore --store st r.jsonl
contains err "sealing: "
[ -z "$(ls -A fromstore)" ] || fail "fromstore holds: $(ls -A fromstore)"

# The header verdicts: the Symantec sample of the corpora, with the
# servers its notes name as the recipient's own, transited MessageLabs;
# its genuine Symantec hops copied under another delivery did not.
grep -v '^#' "$(corpora)/headers/symantec-ess-inbound-xen-2019.hdr" >xen.eml
{
	printf 'Received: from attacker.example (attacker.example [203.0.113.66])\n'
	printf '\tby mx.example.net (Postfix) with ESMTP id 9F1;\n'
	printf '\tTue, 21 May 2019 10:31:30 +0000\n'
	sed -n '/^Received: from \[46.226.53.52\]/,$p' xen.eml
} >replayed.eml
mkdir gw
run 0 lf-pack -k k.key -o gw --trusted-mta mail.lfdr.de \
    --trusted-mta lists.xenproject.org --trusted-mta mx.example.net \
    xen.eml replayed.eml
tar -xOf "$(cat "$T/out")" --wildcards '*/data/manifest.json' |
    python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))' \
    >gw.json
validate manifest.schema.json gw.json
python3 - gw.json xen.eml replayed.eml <<'EOT' || fail "the gateway verdicts"
import hashlib, json, sys
m = json.load(open(sys.argv[1]))
def verdict(path):
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    msg = [x for x in m["messages"] if x["sha256"] == sha][0]
    return [g["verdict"] for g in msg["gateways"]
            if g["gateway"] == "symantec-ess"][0]
assert verdict(sys.argv[2]) == "transited", verdict(sys.argv[2])
assert verdict(sys.argv[3]) == "not-transited", verdict(sys.argv[3])
EOT

# A custody log: each bundle's packing is an event signed with the
# bundle's key, naming its samples and messages; the manifest records the
# log's head as it was before (null for a log begun by this packing).
mkdir cust
run 0 lf-pack -k k.key -o cust --custody case.log "$S"/invoice-1.eml
b1=$(cat "$T/out")
run 0 lf-custody -l case.log verify --pubkey k.pub
contains out "case.log: 1 event,"
tar -xOf "$b1" --wildcards '*/data/manifest.json' >c1.json
field c1.json 'r["custody"]["log_head_sha256"]' >head1
[ "$(cat head1)" = None ] || fail "head of a new log: $(cat head1)"
python3 - case.log c1.json "$(basename "$b1" .tar)" <<'EOT' || fail "packed event"
import json, sys
ev = json.loads(open(sys.argv[1]).readline())
m = json.load(open(sys.argv[2]))
want = sorted([s["object"]["sha256"] for s in m["samples"]] +
              [s["sha256"] for s in m["messages"]])
assert ev["action"] == "packed" and ev["bundle"] == sys.argv[3], ev
assert sorted(ev["objects"]) == want, (ev["objects"], want)
EOT
rm -rf cust && mkdir cust
LF_CUSTODY=case.log run 0 lf-pack -k k.key -o cust "$S"/invoice-2.eml
tar -xOf "$(cat "$T/out")" --wildcards '*/data/manifest.json' >c2.json
[ "$(field c2.json 'r["custody"]["log_head_sha256"]')" = \
    "$(head -n 1 case.log | sha256sum | cut -c1-64)" ] ||
	fail "the manifest's custody head is not the log's last line"
run 0 lf-custody -l case.log verify --pubkey k.pub
contains out "case.log: 2 events"
# A log whose last line is cut off is refused before anything is packed.
printf '{"format":' >>case.log
rm -rf cust && mkdir cust
run 3 lf-pack -k k.key -o cust --custody case.log "$S"/invoice-2.eml
contains err "custody log 'case.log'"
[ -z "$(ls -A cust)" ] || fail "cust holds: $(ls -A cust)"

# CMS to a recipient: openssl opens the envelope, 7-Zip the zip inside.
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out r.pem \
    -days 2 -subj /CN=vendor >/dev/null 2>&1
mkdir cms
run 0 lf-pack -k k.key -o cms --profile strong --recipient r.pem \
    "$S"/invoice-1.eml
c=$(cat "$T/out")
run 0 lf-verify --pubkey k.pub "$c"
mkdir cx
tar -C cx -xf "$c"
z=$(ls cx/*/data/samples/*.zip.cms | head -n 1)
openssl cms -decrypt -inform DER -in "$z" -recip r.pem -inkey r.key \
    -out inner.zip || fail "openssl cms -decrypt"
want=$(basename "$z" .zip.cms)
[ "$(7zz x -so -pinfected inner.zip 2>/dev/null | sha256sum | cut -c1-64)" = "$want" ] ||
	fail "CMS: the sample is not inside"
run 2 lf-pack -k k.key -o cms --profile strong "$S"/invoice-1.eml
contains err "requires --recipient"

# Killed part way (a file size limit: SIGXFSZ as it writes the store),
# or stopped by a write that fails (the same limit, the signal ignored):
# nothing under a final name either way.
mkdir big killed stopped
head -c 30000000 /dev/zero | base64 >big/data.b64
{
	printf 'From: a@example.com\nSubject: big\nMIME-Version: 1.0\n'
	printf 'Content-Type: application/octet-stream; name=big.bin\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	cat big/data.b64
} >big.eml
set +e
(ulimit -f 20000 && exec lf-pack -k k.key -o killed big.eml) >/dev/null 2>&1
st=$?
(trap '' XFSZ && ulimit -f 20000 && exec lf-pack -k k.key -o stopped big.eml) \
    >/dev/null 2>"$T/err"
st2=$?
set -e
[ "$st" -gt 128 ] || fail "lf-pack was not killed (status $st)"
[ "$st2" -eq 3 ] || fail "a failed write gave status $st2"
contains err "File too large"
for f in killed/* killed/.[!.]* stopped/* stopped/.[!.]*; do
	case $f in
	*.tar) fail "a final name after a crash: $f" ;;
	esac
done
# A failure cleans up after itself; only a kill leaves the workspace.
[ -z "$(ls -A stopped)" ] || fail "a failure left: $(ls -A stopped)"
