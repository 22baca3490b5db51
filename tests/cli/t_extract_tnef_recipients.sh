# TNEF recipients (attRecipTable, MS-OXTNEF 2.1.3.3.14): lf-extract
# reports them as the TNEF container's "to", "cc" and "bcc", "Name
# <address>" as for an Outlook .msg.  The one public sample with a
# recipient table is the tnef project's body.tnef.  The tnef tool (--debug)
# dumps the table's bytes; they are decoded here, property by property,
# and must give what lf-extract reports; and the tool's own baseline of
# the same dump, in the corpus, must be those bytes.
. "$LF_TOP/tests/cli/lib.sh"

dir=$(corpora)/mail/tnef/aux
tnef_file=$dir/datafiles__body.tnef
baseline=$dir/baselines__body.baseline

# The table's bytes as the tnef tool dumps them, and as its baseline has.
dump() {
	sed -n 's/^(MESS) Recipients <9004> .* = //p' "$1" |
	    tr ' ' '\n' | sed -n 's/^0x//p' | tr -d '\n'
}
tnef --debug -t "$tnef_file" >tool.txt 2>&1 || true
dump tool.txt >tool.hex
dump "$baseline" >baseline.hex
[ -s tool.hex ] || fail "the tnef tool dumps no recipient table"
same tool.hex baseline.hex

# expected: each row's type and "Name <address>", from those bytes.
python3 - <<'PY' >want.txt
import struct
b = bytes.fromhex(open("tool.hex").read())
rows, = struct.unpack_from("<I", b, 0)
off = 4
FIXED = {2: 4, 3: 4, 4: 4, 5: 8, 6: 8, 7: 8, 0xA: 4, 0xB: 4, 0x14: 8,
         0x40: 8, 0x48: 16}
for _ in range(rows):
    n, = struct.unpack_from("<I", b, off)
    off += 4
    props = {}
    for _ in range(n):
        ptype, pid = struct.unpack_from("<HH", b, off)
        off += 4
        if pid >= 0x8000:
            raise SystemExit("named property: not in this sample")
        if ptype in FIXED:
            props[pid] = b[off:off + FIXED[ptype]]
            off += FIXED[ptype]
            continue
        count, = struct.unpack_from("<I", b, off)
        off += 4
        for k in range(count):
            size, = struct.unpack_from("<I", b, off)
            off += 4
            v = b[off:off + size]
            off += size + (-size % 4)
            if k == 0:
                props[pid] = v.decode("utf-16-le" if ptype == 0x1F
                                      else "cp1252").rstrip("\0")
    kind = {1: "to", 2: "cc", 3: "bcc"}[
        struct.unpack("<I", props[0x0C15])[0] & 0x0FFFFFFF]
    name = props.get(0x3001, "")
    addr = props.get(0x39FE) or props.get(0x3003, "")
    print("%s\t%s <%s>" % (kind, name, addr))
PY
[ -s want.txt ] || fail "no recipient decoded from the tnef tool's dump"
grep -q '3kuser2@brexchange.dolphinsearch.com' want.txt ||
    fail "the decoded table lacks the SMTP address: $(cat want.txt)"

python3 - "$tnef_file" <<'PY' >body.eml
import base64, sys
data = base64.encodebytes(open(sys.argv[1], "rb").read()).decode()
sys.stdout.write(
    "From: a@example.org\nSubject: winmail\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
    "Content-Type: text/plain\n\nsee attached\n--B\n"
    "Content-Type: application/ms-tnef; name=winmail.dat\n"
    "Content-Transfer-Encoding: base64\n\n" + data + "--B--\n")
PY
run 0 lf-extract --no-store --jsonl body.eml
validate extract.schema.json out
python3 - <<'PY' >got.txt
import json
r = json.loads(open("out").readline())
for p in r["parts"]:
    c = p.get("container")
    if c is None or c["format"] != "tnef":
        continue
    props = c.get("properties", {})
    for kind in ("to", "cc", "bcc"):
        v = props.get(kind, [])
        for x in v if isinstance(v, list) else [v]:
            print("%s\t%s" % (kind, x))
PY
same got.txt want.txt
lacks out '"code":"tnef.'
# The readable summary runs too.
run 0 lf-extract --no-store body.eml
