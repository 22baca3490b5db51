#!/bin/sh
# lf-verify's bundle checks beyond the bag (docs/bundle-format.md, section
# 6, steps 5 to 7) on bundles lf-pack wrote: data/manifest.json held
# against the bag, --deep opening every sealed zip in memory, --profile
# judging each sample called eligible.  Then bundles whose bag and
# signature are sound but whose manifest lies (what a packer holding the
# key, or a bug, could make), re-bagged and re-signed here: each lie is
# named by its code and file.
. "$LF_TOP/tests/cli/lib.sh"

command -v 7zz >/dev/null || fail "7zz is not installed (make deps)"
SOURCE_DATE_EPOCH=1764331200
export SOURCE_DATE_EPOCH
S=$LF_TOP/tests/data/samples
BAGW=$LF_BUILD/tests/bag_write
SIGN=$LF_BUILD/tests/sign_tool

lf-keygen -o k >/dev/null
mkdir bundles
run 0 lf-pack -k k.key -o bundles "$S"/invoice-1.eml "$S"/payroll-update.eml
b=$(cat "$T/out")
id=$(basename "$b" .tar)
mkdir x
tar -C x -xf "$b"
nsamples=$(ls x/$id/data/samples | wc -l)
nsealed=$((nsamples + $(ls x/$id/data/messages | wc -l)))
[ "$nsamples" -eq 1 ] || fail "$nsamples samples packed, 1 expected"

# The manifest agrees with the bag; every sealed file opens to its name.
run 0 lf-verify --pubkey k.pub "$b"
contains out "manifest: 1 sample (1 eligible), 2 messages"
run 0 lf-verify --pubkey k.pub --deep "$b"
contains out "deep: $nsealed sealed files opened, each entry as listed"
run 0 lf-verify --json --pubkey k.pub --deep --profile symantec-ess "$b"
validate verify.schema.json out
contains out "\"deep\":{\"opened\":$nsealed,\"not_opened\":0}"
contains out '"packed_for":"symantec-ess","profile":"symantec-ess"'
# The extracted bag, as a directory, gets the same checks.
run 0 lf-verify --pubkey k.pub --deep x/$id
contains out "deep: $nsealed sealed files opened"

# Profiles: one that wants CMS, one whose limit the samples pass.
run 1 lf-verify --pubkey k.pub --profile strong "$b"
contains out "marked eligible, but not for profile strong"
sed 's/"name": "symantec-ess"/"name": "tiny"/; s/500000000/300/' \
    "$LF_TOP/profiles/upload/symantec-ess.json" >tiny.json
run 1 lf-verify --pubkey k.pub --profile "$T/tiny.json" "$b"
contains out "is over the tiny limit of 300"
sed 's/"zip-aes256"/"zip-zipcrypto"/' \
    "$LF_TOP/profiles/upload/symantec-ess.json" >zc.json
run 1 lf-verify --pubkey k.pub --profile "$T/zc.json" "$b"
contains out "sealed with zip-aes256; the profile wants zip-zipcrypto"

# With a CMS layer, --deep cannot open the envelopes and says so.
openssl req -x509 -newkey rsa:2048 -nodes -keyout r.key -out r.pem \
    -subj /CN=vendor -days 2 2>/dev/null
mkdir cms
run 0 lf-pack -k k.key -o cms --profile strong --recipient r.pem \
    "$S"/invoice-1.eml
run 0 lf-verify --pubkey k.pub --deep --profile strong "$(cat "$T/out")"
contains out "deep: 0 sealed files opened"
contains out "with a CMS layer not opened"

# lie EXPR: a copy of the bundle whose data/manifest.json is changed by
# the Python statement EXPR over m (the document), re-bagged and re-signed
# with the packer's key, as lie.tar.
lie() {
	rm -rf lie lie.tar
	cp -r x/$id lie
	python3 - lie/data/manifest.json "$1" <<'EOT'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
exec(sys.argv[2])
open(p, "w").write(json.dumps(m, indent=1) + "\n")
EOT
	rebag lie
}

# rebag DIR: DIR's tag files made anew and signed with k.key, as DIR.tar.
rebag() {
	rm -f "$1"/*.txt "$1"/signatures/tagmanifest-sha512.txt.*
	"$BAGW" "$1" Source-Organization=Example >/dev/null
	"$SIGN" raw k.key "$1/tagmanifest-sha512.txt" \
	    "$1/signatures/tagmanifest-sha512.txt.sig"
	tar --format=pax --sort=name --owner=0 --group=0 -cf "$1.tar" \
	    --transform "s,^$1,$id," "$1"
}

first=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["samples"][0]["sealed"]["file"])' \
    x/$id/data/manifest.json)

lie 'm["samples"][0]["sealed"]["sha256"] = "0" * 64'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "lie.tar/$first: not the sealed file data/manifest.json describes"
lie 'm["samples"].pop(0)'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "lie.tar/$first: a payload file data/manifest.json does not name"
lie 'm["samples"].append(dict(m["samples"][0])); m["samples"][-1]["sealed"] = dict(m["samples"][0]["sealed"], file="data/samples/" + "1" * 64 + ".zip", entry="1" * 64); m["samples"][-1]["object"] = dict(m["samples"][0]["object"], sha256="1" * 64)'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "data/samples/1111111111111111111111111111111111111111111111111111111111111111.zip: named by data/manifest.json, not in the bag"
lie 'm["samples"][0]["sealed"]["entry"] = "a.exe"'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "file and entry must be"
lie 'm["bundle"]["id"] = "lfb-20990101T000000Z-0000000000000000"'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "bundle.id is not the bundle's top directory"
lie 'm["signer"]["fingerprint"] = "2" * 64'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "signer.fingerprint is not the key that signed the bundle"
lie 'm["format_version"] = 2'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "not an evidence manifest of format 1"
lie 'm["samples"][0]["eligible"] = False'
run 1 lf-verify --pubkey k.pub lie.tar
contains out "a string when not eligible, null when eligible"
lie 'del m["samples"]'
run 1 lf-verify --json --pubkey k.pub lie.tar
validate verify.schema.json out
contains out '"code":"manifest.schema"'
rm -rf lie && cp -r x/$id lie && printf '{"format": ' >lie/data/manifest.json
rebag lie
run 1 lf-verify --pubkey k.pub lie.tar
contains out "data/manifest.json: not a JSON document"
rm -rf lie && cp -r x/$id lie && rm lie/data/manifest.json
rebag lie
run 1 lf-verify --pubkey k.pub lie.tar
contains out "data/manifest.json: missing"

# --deep: a sealed zip whose entry is not the sample it is named after
# (made by 7-Zip, with the manifest's sizes and digests made to match),
# and a password the zip does not take.
sha=$(basename "$first" .zip)
mkdir evil && printf 'not the sample' >"evil/$sha"
(cd evil && 7zz a -tzip -mx0 -mem=AES256 -pinfected ../evil.zip "$sha" \
    >/dev/null) || fail "7zz"
rm -rf lie && cp -r x/$id lie && cp evil.zip "lie/$first"
python3 - lie/data/manifest.json "$first" <<'EOT'
import hashlib, json, sys
p, f = sys.argv[1:3]
m = json.load(open(p))
z = open("lie/" + f, "rb").read()
s = [s for s in m["samples"] if s["sealed"]["file"] == f][0]
s["sealed"].update(size=len(z), sha256=hashlib.sha256(z).hexdigest())
open(p, "w").write(json.dumps(m, indent=1) + "\n")
EOT
rebag lie
run 0 lf-verify --pubkey k.pub lie.tar
run 1 lf-verify --pubkey k.pub --deep lie.tar
contains out "lie.tar/$first: its entry is not the sample the manifest says"
lie 'm["samples"][0]["sealed"]["password"] = "malware"'
run 0 lf-verify --pubkey k.pub lie.tar
run 1 lf-verify --pubkey k.pub --deep lie.tar
contains out "lie.tar/$first: does not open (password)"

# The verdict recorded in a custody log, signed with the key given
# (--custody-key or LF_CUSTODY_KEY); without a key, nothing is done.
run 0 lf-verify --custody case.log --custody-key k.key --pubkey k.pub \
    --deep "$b"
run 0 lf-custody -l case.log verify --pubkey k.pub
python3 - case.log "$id" <<'EOT' || fail "the verified event"
import json, sys
ev = json.loads(open(sys.argv[1]).readlines()[-1])
assert ev["action"] == "verified" and ev["bundle"] == sys.argv[2], ev
assert ev["tool"]["name"] == "lf-verify", ev
assert ev["reason"].startswith("valid (--deep); signature good"), ev
EOT
LF_CUSTODY=case.log LF_CUSTODY_KEY=k.key run 1 lf-verify --pubkey k.pub \
    --deep lie.tar
[ "$(wc -l <case.log)" -eq 2 ] || fail "case.log: $(cat case.log)"
tail -n 1 case.log |
    grep -q '"reason":"invalid (--deep); signature good' ||
	fail "the invalid verdict: $(tail -n 1 case.log)"
run 2 lf-verify --custody case.log --pubkey k.pub "$b"
contains err "give --custody-key KEY or set LF_CUSTODY_KEY"
[ "$(wc -l <case.log)" -eq 2 ] || fail "an event without a key"

# A log that does not end in a whole event is refused before any work.
head -c -1 case.log >cut.log
run 3 lf-verify --custody cut.log --custody-key k.key --pubkey k.pub "$b"
contains err "custody log 'cut.log'"
[ ! -s out ] || fail "a verdict given for a log that cannot record it"
cmp -s cut.log case.log && fail "cut.log is case.log"
head -c -1 case.log | cmp -s - cut.log || fail "cut.log was changed"
