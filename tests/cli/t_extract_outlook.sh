# Outlook .msg and TNEF (winmail.dat), given as the message itself or
# attached to one: their attachments and bodies come out as entries with
# the bytes the reference tools extracted (msg-extractor's outputs,
# MimeKit's), and an Outlook message's own sender, subject and date become
# the report's.
. "$LF_TOP/tests/cli/lib.sh"

corpora=${LF_CORPORA:-$LF_TOP/../shared/corpora}
[ -d "$corpora" ] || corpora=/work/shared/corpora
msgdir=$corpora/mail/msg-extractor/aux
tnefdir=$corpora/mail/mimekit-tnef/aux
[ -f "$msgdir/unicode.msg" ] || fail "no corpus at $corpora"

sha() { sha256sum <"$1" | cut -c1-64; }

# entry REPORT NAME FILE: an entry named NAME holds the bytes of FILE.
entry() {
	python3 - "$1" "$2" "$(sha "$3")" <<'PY' || fail "$1: no entry $2 holding $3"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
ok = any(p.get("name", {}).get("decoded") == sys.argv[2] and
         p.get("object", {}).get("sha256") == sys.argv[3]
         for p in r["parts"])
sys.exit(0 if ok else 1)
PY
}

# The .msg itself.
cp "$msgdir/unicode.msg" .
run 0 lf-extract -o store --jsonl unicode.msg
validate extract.schema.json out
cp out msg.json
entry msg.json "import OleFileIO.tif" \
    "$msgdir/expected-outputs__2013-11-18_0026 Test for TIF files__import OleFileIO.tif"
entry msg.json "raised value error.tif" \
    "$msgdir/expected-outputs__2013-11-18_0026 Test for TIF files__raised value error.tif"
python3 - msg.json <<'PY' || fail "the .msg's fields: $(cat msg.json)"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["from"]["decoded"] == "Brian Zhou <brizhou@gmail.com>", r["from"]
assert r["subject"]["decoded"] == "Test for TIF files", r["subject"]
assert r["date"]["utc"] == "2013-11-18T08:26:24Z", r["date"]
p1 = r["parts"][0]
assert p1["container"]["format"] == "outlook-msg", p1
kinds = {p["path"]: p["kind"] for p in r["parts"]}
assert kinds["1>body/plain"] == "body" and kinds["1>attach/1"] == "entry"
assert r["anomalies"] == [], r["anomalies"]
PY
h=$(sha "$msgdir/expected-outputs__2013-11-18_0026 Test for TIF files__raised value error.tif")
[ -f "store/objects/$(echo "$h" | cut -c1-2)/$h" ] || fail "the .tif is not in the store"

# Attached to a message, in base64: the same entries, one level down.
python3 - unicode.msg >m.eml <<'PY'
import base64, sys
data = base64.encodebytes(open(sys.argv[1], "rb").read()).decode()
sys.stdout.write("From: a@example.org\nSubject: fwd\nMIME-Version: 1.0\n"
                 "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
                 "Content-Type: text/plain\n\nsee attached\n--B\n"
                 "Content-Type: application/vnd.ms-outlook; name=x.msg\n"
                 "Content-Transfer-Encoding: base64\n\n" + data + "--B--\n")
PY
run 0 lf-extract --no-store --jsonl m.eml
entry out "raised value error.tif" \
    "$msgdir/expected-outputs__2013-11-18_0026 Test for TIF files__raised value error.tif"
contains out '"path":"2>attach/2"'

# TNEF: as the message, and attached as winmail.dat.
cp "$tnefdir/attachments.tnef" .
run 0 lf-extract --no-store --jsonl attachments.tnef
validate extract.schema.json out
entry out zappa_av1.jpg "$tnefdir/attachments__zappa_av1.jpg"
python3 - attachments.tnef >w.eml <<'PY'
import base64, sys
data = base64.encodebytes(open(sys.argv[1], "rb").read()).decode()
sys.stdout.write("From: a@example.org\nSubject: rich text\nMIME-Version: 1.0\n"
                 "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
                 "Content-Type: text/plain\n\nsee attached\n--B\n"
                 "Content-Type: application/ms-tnef; name=winmail.dat\n"
                 "Content-Transfer-Encoding: base64\n\n" + data + "--B--\n")
PY
run 0 lf-extract --no-store --jsonl w.eml
entry out zappa_av1.jpg "$tnefdir/attachments__zappa_av1.jpg"
contains out '"format":"tnef"'

# An Excel or Word file is a compound file too, but no message: no
# container in the report.
python3 - >doc.bin <<'PY'
import sys
# A minimal compound file: header, one FAT sector, one directory sector
# holding only the root.
import struct
hdr = bytearray(512)
hdr[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
struct.pack_into("<HHHHH", hdr, 24, 0x3e, 3, 0xfffe, 9, 6)
struct.pack_into("<IIIIIIII", hdr, 40, 0, 1, 1, 0, 0x1000, 0xfffffffe, 0, 0xfffffffe)
struct.pack_into("<I", hdr, 72, 0)
for i in range(109):
    struct.pack_into("<I", hdr, 76 + 4 * i, 0 if i == 0 else 0xffffffff)
fat = bytearray(b"\xff" * 512)
struct.pack_into("<II", fat, 0, 0xfffffffd, 0xfffffffe)
d = bytearray(512)
name = "Root Entry".encode("utf-16le") + b"\0\0"
d[0:len(name)] = name
struct.pack_into("<HBB", d, 64, len(name), 5, 1)
struct.pack_into("<III", d, 68, 0xffffffff, 0xffffffff, 0xffffffff)
struct.pack_into("<I", d, 116, 0xfffffffe)
for k in range(1, 4):
    struct.pack_into("<III", d, 128 * k + 68, 0xffffffff, 0xffffffff, 0xffffffff)
sys.stdout.buffer.write(hdr + fat + d)
PY
run 0 lf-extract --no-store --jsonl doc.bin
lacks out '"container"'
