#!/bin/sh
# The upload profiles shipped in profiles/upload are valid against
# schemas/upload-profile.schema.json (python3-jsonschema), and the schema
# is strict the way lf_upload is: a key missing or unknown fails it.
. "$LF_TOP/tests/cli/lib.sh"

V="python3 $LF_TOP/tests/cli/validate_json.py $LF_TOP/schemas/upload-profile.schema.json"
n=0
for f in "$LF_TOP"/profiles/upload/*.json; do
	# One document a line, as validate_json.py reads.
	python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
	    "$f" >one.json
	$V one.json 2>/dev/null || fail "$f is not valid"
	name=$(basename "$f" .json)
	grep -q "\"name\": \"$name\"" one.json || fail "$f is not called $name"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n upload profiles"
sed 's/"cms": "[a-z]*"/"cmss": "none"/' one.json >bad.json
if $V bad.json >/dev/null 2>&1; then
	fail "the schema takes a misspelt key"
fi
