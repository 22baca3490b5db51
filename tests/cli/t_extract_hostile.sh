# lf-extract on hostile messages, generated here at test time (nothing big
# is committed): names that are paths, devices, control characters and
# bidi overrides, given by filename=, name=, RFC 2231 and RFC 2047;
# 10,000-deep nesting of multiparts and of message/rfc822; 100,001 parts;
# a 10 MiB header line; a boundary that never closes; NUL bytes; broken
# base64 and quoted-printable.
#
# Each runs as `lf-extract -o store --jsonl` in an empty directory of its
# own, under `ulimit -v 262144` (256 MiB; not under a sanitizer, whose
# shadow memory needs more address space) and `timeout 60`, and then:
# - the exit status is 0: hostile evidence is not an error;
# - the directory holds the store and nothing else, and the store holds
#   objects/<2 hex>/<64 hex> files only, mode 0400, each its own SHA-256,
#   and an empty tmp/; nothing appeared elsewhere in the test's directory;
# - the raw message is stored, byte for byte;
# - the report is one valid JSON document (against the schema when it is
#   small enough to validate quickly) with the expected anomaly codes;
# - every hostile name is in some part's name.decoded, as text.
. "$LF_TOP/tests/cli/lib.sh"

mkdir in
python3 - in <<'PY'
import base64, json, os, sys

d = sys.argv[1]


def write(name, data, names=None):
    with open(os.path.join(d, name + ".eml"), "wb") as f:
        f.write(data)
    if names is not None:
        with open(os.path.join(d, name + ".names"), "w") as f:
            json.dump(names, f)


def b2047(s):
    return b"=?UTF-8?B?" + base64.b64encode(s.encode()) + b"?="


long_name = "A" * 4096 + ".exe"
# (header fields of the part, the decoded name they give)
cases = [
    (b'Content-Disposition: attachment; filename="../../etc/passwd"',
     "../../etc/passwd"),
    (b'Content-Type: application/octet-stream; name="/abs/path"',
     "/abs/path"),
    (b'Content-Disposition: attachment; filename="C:\\\\x"', "C:\\x"),
    (b"Content-Disposition: attachment; filename=CON", "CON"),
    (b"Content-Disposition: attachment; filename*=UTF-8''NUL.txt",
     "NUL.txt"),
    (b'Content-Disposition: attachment; filename="' + long_name.encode() +
     b'"', long_name),
    (b"Content-Disposition: attachment;\r\n"
     b" filename*=UTF-8''a%01b%1B%5B31mc%0Ad%7F.txt",
     "a\x01b\x1b[31mc\nd\x7f.txt"),
    (b'Content-Type: application/octet-stream; name="' +
     b2047("invoice\u202efdp.exe") + b'"', "invoice\u202efdp.exe"),
    (b'Content-Disposition: attachment; filename="=?UTF-8?Q?..=2F..=2F'
     b'etc=2Fshadow?="', "../../etc/shadow"),
    (b'Content-Disposition: attachment; filename*0="/abs/";\r\n'
     b' filename*1="cont\\\\..\\\\x.txt"', "/abs/cont\\..\\x.txt"),
    (b"Content-Disposition: attachment; filename*=UTF-8''%E2%80%AEgpj.scr",
     "\u202egpj.scr"),
]
m = b"From: a@example.org\r\nSubject: names\r\n"
m += b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
for i, (field, _) in enumerate(cases):
    m += b"--B\r\n" + field + b"\r\n\r\npayload %d\r\n" % i
m += b"--B--\r\n"
write("names", m, [n for _, n in cases])

# Boundaries of one length: none is a prefix of another.
m = b"".join(b"Content-Type: multipart/mixed; boundary=b%05d\r\n\r\n"
             b"--b%05d\r\n" % (i, i) for i in range(10000))
m += b"\r\nleaf\r\n"
m += b"".join(b"--b%05d--\r\n" % i for i in reversed(range(10000)))
write("deep", m)

write("deepmsg", b"Content-Type: message/rfc822\r\n\r\n" * 10000 +
      b"Subject: bottom\r\n\r\nleaf\r\n")

m = b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
m += b"".join(b"--B\r\n\r\n%d\r\n" % i for i in range(1, 100002))
write("many", m + b"--B--\r\n")

write("hdr", b"Subject: " + b"A" * (10 << 20) + b"\r\nX: y\r\n\r\nbody\r\n")

write("never", b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
      b"--B\r\n\r\n" + b"--C is not the boundary\r\n" * 200000)

write("nul", b"Subject: a\x00b\r\nContent-Type: multipart/mixed; "
      b"boundary=B\r\n\r\n--B\r\nContent-Type: application/octet-stream;"
      b" name=\"n\x00l.bin\"\r\n\r\n\x00\x01\x00\xff\x00\r\n--B--\r\n",
      ["n\x00l.bin"])

write("badenc", b"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
      b"--B\r\nContent-Type: application/octet-stream\r\n"
      b"Content-Transfer-Encoding: base64\r\n\r\nQUJD*REVG\r\n!!!\r\n"
      b"--B\r\nContent-Type: text/plain\r\n"
      b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      b"a=ZZb=\r\nc=4\r\n--B--\r\n")
PY

if grep -qa -e __asan_init -e __tsan_init "$BIN/lf-extract"; then
	limit=""
else
	limit="ulimit -v 262144"
fi

# extract NAME [OPTION...]: run lf-extract on in/NAME.eml in w.NAME/.
extract() {
	name=$1
	shift
	mkdir "w.$name"
	set +e
	(
		cd "w.$name" && $limit &&
		    exec timeout 60 lf-extract -o store --jsonl "$@" \
			"$T/in/$name.eml"
	) >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" -ne 0 ]; then
		head -c 2000 "$T/err" >&2
		fail "$name: exit status $got, expected 0"
	fi
}

# check NAME CODE...: the store, the report and the names, as above.
check() {
	python3 - "$T" "$@" <<'PY' || fail "$1: see above"
import hashlib, json, os, re, stat, sys

top, name, codes = sys.argv[1], sys.argv[2], sys.argv[3:]
w = os.path.join(top, "w." + name)
msg = open(os.path.join(top, "in", name + ".eml"), "rb").read()
bad = []

# Only the store in the directory; only objects in the store.
objects = {}
for root, dirs, files in os.walk(w):
    rel = os.path.relpath(root, w)
    for e in dirs + files:
        p = os.path.join(root, e)
        r = os.path.normpath(os.path.join(rel, e))
        st = os.lstat(p)
        if stat.S_ISDIR(st.st_mode):
            if not re.fullmatch(r"store(/objects(/[0-9a-f]{2})?|/tmp)?", r):
                bad.append("unexpected directory " + repr(r))
            continue
        m = re.fullmatch(r"store/objects/([0-9a-f]{2})/([0-9a-f]{64})", r)
        if not stat.S_ISREG(st.st_mode) or not m:
            bad.append("unexpected entry " + repr(r))
            continue
        if m.group(2)[:2] != m.group(1):
            bad.append("object in the wrong directory: " + r)
        if stat.S_IMODE(st.st_mode) != 0o400:
            bad.append("%s: mode %o" % (r, stat.S_IMODE(st.st_mode)))
        data = open(p, "rb").read()
        if hashlib.sha256(data).hexdigest() != m.group(2):
            bad.append(r + ": not its SHA-256")
        objects[m.group(2)] = data
tmp = os.path.join(w, "store", "tmp")
if os.path.isdir(tmp) and os.listdir(tmp):
    bad.append("left in tmp/: %r" % os.listdir(tmp)[:5])

lines = open(os.path.join(top, "out"), "rb").read().splitlines()
if len(lines) != 1:
    sys.exit("%s: %d report lines, expected 1" % (name, len(lines)))
r = json.loads(lines[0])
sha = hashlib.sha256(msg).hexdigest()
if r["message"]["sha256"] != sha or r["message"]["size"] != len(msg):
    bad.append("the report's message is not the input")
if r["message"].get("stored") != "objects/%s/%s" % (sha[:2], sha):
    bad.append("message stored as %r" % r["message"].get("stored"))
if objects.get(sha) != msg:
    bad.append("the raw message is not in the store")
for p in r["parts"]:
    if "stored" in p:
        h = p["stored"].rsplit("/", 1)[1]
        if h not in objects or p["object"]["sha256"] != h:
            bad.append("part %s: stored %s is not there" % (p["path"], h))
got = {a["code"] for a in r["anomalies"]}
for c in codes:
    if c not in got:
        bad.append("no anomaly %s (got %s)" % (c, sorted(got)[:20]))

names_file = os.path.join(top, "in", name + ".names")
if os.path.exists(names_file):
    decoded = [p["name"]["decoded"] for p in r["parts"] if "name" in p]
    for n in json.load(open(names_file)):
        if n not in decoded:
            bad.append("name %r not in the report" % n[:60])
for b in bad[:20]:
    print("%s: %s" % (name, b), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
	# Nothing was written beside the work directories.
	for e in "$T"/* "$T"/.[!.]* "$T"/..?*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		case ${e##*/} in
		in | out | err | want | w.*) ;;
		*) fail "$1: written outside the store: ${e##*/}" ;;
		esac
	done
}

abs_before=$([ -e /abs ] && echo yes || echo no)

extract names
validate extract.schema.json out
check names
[ "$abs_before" = yes ] || [ ! -e /abs ] || fail "/abs was created"
# Each part's decoded bytes, by its number.
run 0 lf-extract -p 1 "$T/in/names.eml"
printf 'payload 0' >want
same out want
run 0 lf-extract -p 11 "$T/in/names.eml"
printf 'payload 10' >want
same out want
# The text report escapes what a terminal would obey.
run 0 lf-extract --no-store --no-type "$T/in/names.eml"
python3 - out <<'PY' || fail "names: control or bidi characters on stdout"
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(any(c in d for c in (b"\x01", b"\x1b", b"\x7f",
                              "\u202e".encode())))
PY
contains out 'invoice\u{202E}fdp.exe'
contains out 'a\x01b\x1B[31mc\nd\x7F.txt'

extract deep
validate extract.schema.json out
check deep mime.too-deep

extract deepmsg
validate extract.schema.json out
check deepmsg mime.too-deep

extract hdr
validate extract.schema.json out
check hdr header.too-long
run 0 lf-extract -p 1 "$T/in/hdr.eml"
printf 'body\r\n' >want
same out want

extract never
validate extract.schema.json out
check never mime.missing-close-boundary

extract nul
validate extract.schema.json out
check nul header.nul
run 0 lf-extract -p 1 "$T/in/nul.eml"
printf '\000\001\000\377\000' >want
same out want

# RFC 2045 6.8: characters outside the alphabet are ignored; 6.7: "=ZZ"
# is kept as it is, "=" at the end of a line is a soft break.
extract badenc
validate extract.schema.json out
check badenc base64.bad-char qp.bad-escape
run 0 lf-extract -p 1 "$T/in/badenc.eml"
printf 'ABCDEF' >want
same out want
run 0 lf-extract -p 2 "$T/in/badenc.eml"
printf 'a=ZZbc=4' >want
same out want

# 100,001 parts: past mime-parts (10,000), the last one allowed keeps the
# rest, and memory stays bounded (the report holds 10,000).  Without libmagic,
# which is not what this is about, to stay well inside the timeout.  The
# report is too big to validate against the schema quickly.
extract many --no-type
check many mime.too-many-parts
python3 - out <<'PY' || fail "many: the parts"
import json, sys
r = json.loads(open(sys.argv[1], "rb").read())
paths = [p["path"] for p in r["parts"]]
assert len(paths) == 10000, len(paths)
assert paths[0] == "1" and paths[-1] == "10000", (paths[0], paths[-1])
PY
