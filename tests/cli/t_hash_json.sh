# --json lines follow schemas/object.schema.json, and every name, however
# awkward, survives a round trip through --json and --audit exactly.
. "$LF_TOP/tests/cli/lib.sh"

awkward_tree tree
run 0 lf-hash --json --type -c md5,sha1,sha256,sha512,ssdeep,tlsh -r tree
cp out all.jsonl
validate object.schema.json all.jsonl
[ "$(wc -l <all.jsonl)" -eq "$(find tree -type f -printf x | wc -c)" ] ||
	fail "one line per file"
# The Latin-1 name is not UTF-8: readable form plus exact hex.
contains all.jsonl "$(printf '"name":"tree/caf\357\277\275.txt","name_hex":"747265652f636166e92e747874"')"
contains all.jsonl '"name":"tree/new\nline"'
contains all.jsonl '"mime":"application/x-empty"'

# Round trip: audit the tree against its own JSON Lines.
run 0 lf-hash -a all.jsonl -r tree
contains out "audit passed"
contains out "Files matched: 17"

# Each line's digests equal the coreutils tools' on the exact file.
/usr/bin/python3 - all.jsonl <<'PY'
import hashlib, json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    d = json.loads(line)
    name = bytes.fromhex(d["name_hex"]) if "name_hex" in d else d["name"].encode()
    data = open(name, "rb").read()
    assert d["size"] == len(data), name
    for alg in ("md5", "sha1", "sha256", "sha512"):
        assert d[alg] == hashlib.new(alg, data).hexdigest(), (name, alg)
    n += 1
assert n == 17, n
PY

# stdin is named "-".
run 0 sh -c 'printf hello | lf-hash --json -c sha1'
validate object.schema.json out
contains out '"name":"-","size":5,"sha1":"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"'
