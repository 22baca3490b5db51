# RAR 4, RAR 5, cab and LHA archives inside messages: every member comes
# out with its name (the archive's bytes) and the SHA-256 of the file it
# was made from, with --no-type too; directories are entries without an
# object; nothing else is reported.
#
# gcab writes the cabs (stored and MSZIP).  No free tool writes RAR, and
# Debian's only LHA writer needs Java: mkrar.py and mklha.py write those
# here, and before lf-extract sees one, independent readers check it:
# unar (names, bytes, data CRCs) and python3-rarfile (also the header
# CRCs) for RAR, lhasa (names, bytes, data CRCs) for LHA.
. "$LF_TOP/tests/cli/lib.sh"

mkrar() { /usr/bin/python3 "$LF_TOP/tests/cli/mkrar.py" "$@"; }
mklha() { /usr/bin/python3 "$LF_TOP/tests/cli/mklha.py" "$@"; }

mkdir -p src/docs/empty
printf 'hello world\n' >src/a.txt
printf 'MZ\220\000this is not a real program' >src/docs/evil.exe
head -c 300000 /dev/urandom >src/docs/random.bin
printf 'caf\303\251\n' >"src/docs/caf$(printf '\303\251').txt"
: >src/docs/zero

# message FILE BODY > EML: FILE attached in base64 after a text BODY.
message() {
	python3 - "$1" "$2" <<'PY'
import base64, os, sys
name, body = sys.argv[1], sys.argv[2]
data = base64.encodebytes(open(name, "rb").read()).decode()
sys.stdout.write(
    "From: a@example.org\nTo: b@example.org\nSubject: " + name + "\n"
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
    "--B\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n"
    "--B\nContent-Type: application/octet-stream; name=\"" +
    os.path.basename(name) + "\"\nContent-Transfer-Encoding: base64\n\n" +
    data + "--B--\n")
PY
}

# expect REPORT ROOT dirs|nodirs: the archive's entries are exactly the
# files below ROOT, each named by its path's bytes with the file's SHA-256
# (and decoded to the same name when that is UTF-8), and with "dirs" its
# directories, as entries without an object.
expect() {
	python3 - "$@" <<'PY' || fail "$1: the members are not those of $2"
import hashlib, json, os, sys
report, root, dirs = sys.argv[1], os.fsencode(sys.argv[2]), sys.argv[3]
want = {}
for top, subdirs, files in os.walk(root):
    for d in subdirs:
        if dirs == "dirs":
            want[os.path.relpath(os.path.join(top, d), root)] = None
    for f in files:
        p = os.path.join(top, f)
        want[os.path.relpath(p, root)] = \
            hashlib.sha256(open(p, "rb").read()).hexdigest()
r = json.loads(open(report, encoding="utf-8").readline())
got, bad = {}, []
for p in r["parts"]:
    if p["kind"] != "entry":
        continue
    n = p.get("name", {})
    raw = bytes.fromhex(n["raw_hex"]) if "raw_hex" in n else \
        n.get("raw", "").encode("utf-8")
    if "decoded" in n and n["decoded"].encode("utf-8") != raw:
        bad.append("%s: decoded %r, raw %r" % (p["path"], n["decoded"], raw))
    if p.get("truncated"):
        bad.append("%s: truncated" % p["path"])
    key = raw.rstrip(b"/")
    if key in got:
        bad.append("%s: %r twice" % (p["path"], raw))
    got[key] = p["object"]["sha256"] if "object" in p else None
for name in sorted(set(want) | set(got)):
    if want.get(name, "absent") != got.get(name, "absent"):
        bad.append("%r: expected %s, got %s" %
                   (name, want.get(name, "absent"), got.get(name, "absent")))
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# extract NAME ROOT dirs|nodirs: NAME wrapped in a message gives ROOT's
# members, without anomalies from its reader, with and without libmagic.
extract() {
	message "$1" "see attached" >"$1.eml"
	run 0 lf-extract --no-store --jsonl "$1.eml"
	validate extract.schema.json out
	expect out "$2" "$3"
	lacks out '"code":"archive.'
	lacks out '"code":"container.'
	run 0 lf-extract --no-store --no-type --jsonl "$1.eml"
	expect out "$2" "$3"
}

# ---- cab: gcab, stored and MSZIP; it keeps no directories ----
(
	cd src
	set -- a.txt docs/evil.exe docs/random.bin \
	    "docs/caf$(printf '\303\251').txt" docs/zero
	gcab -c ../stored.cab "$@"
	gcab -c -z ../mszip.cab "$@"
)
for a in stored.cab mszip.cab; do
	extract "$a" src nodirs
done
contains out '"format":"CAB 1.3 (MSZIP)"'

# ---- RAR 4 and RAR 5, stored, with an archive comment ----
# check_rar ARCHIVE: unar lists the members (testing each CRC) and
# extracts the tree of src; python3-rarfile, strict, checks every header
# CRC and reads the same names and bytes.
check_rar() {
	run 0 lsar -t "$1"
	contains out "7 passed, 0 failed."
	rm -rf unar.out && mkdir unar.out
	run 0 unar -q -D -o unar.out "$1"
	diff -r unar.out src >/dev/null || fail "$1: unar extracts another tree"
	/usr/bin/python3 - "$1" <<'PY' || fail "$1: rarfile disagrees"
import hashlib, os, sys
import rarfile
with rarfile.RarFile(sys.argv[1], errors="strict") as r:
    if r.comment != "a comment":
        sys.exit("comment %r" % r.comment)
    n = 0
    for i in r.infolist():
        p = os.path.join("src", i.filename)
        if i.isdir() != os.path.isdir(p):
            sys.exit("%s: directory or not" % i.filename)
        if not i.isdir() and r.read(i) != open(p, "rb").read():
            sys.exit("%s: other bytes" % i.filename)
        n += 1
    if n != 7:
        sys.exit("%d members" % n)
PY
}
# Not "x4.rar" and "x5.rar": unar takes those for two volumes of one set.
(cd src && mkrar -4 -c "a comment" ../four.rar a.txt docs &&
    mkrar -5 -c "a comment" ../five.rar a.txt docs)
for a in four.rar five.rar; do
	check_rar "$a"
	extract "$a" src dirs
done
contains out '"format":"RAR5"'
message four.rar "see attached" >four.rar.eml
run 0 lf-extract --no-store --jsonl four.rar.eml
contains out '"format":"RAR"'
# Each member is in the store under its SHA-256.
run 0 lf-extract -o store --jsonl five.rar.eml
for f in src/a.txt src/docs/evil.exe src/docs/random.bin; do
	h=$(sha256sum <"$f" | cut -c1-64)
	same "store/objects/$(echo "$h" | cut -c1-2)/$h" "$f"
done

# ---- LHA: levels 0, 1 and 2, -lh0- and -lh5- ----
# check_lha ARCHIVE ROOT FILES: lhasa tests every member's CRC and
# extracts ROOT's tree (level 0 holds no directories: no empty one).
check_lha() {
	run 0 lhasa t "$1"
	lacks out "CRC error"
	n=$(grep -c -e '- Tested' out || true)
	[ "$n" -eq "$3" ] || fail "$1: lhasa tests $n members, not $3"
	rm -rf lhasa.out && mkdir lhasa.out
	(cd lhasa.out && lhasa xq "../$1") || fail "$1: lhasa cannot extract"
	case $1 in
	*0.lzh) diff -r -x empty lhasa.out "$2" >/dev/null ;;
	*) diff -r lhasa.out "$2" >/dev/null ;;
	esac || fail "$1: lhasa extracts another tree than $2"
}
for level in 0 1 2; do
	(cd src && mklha -$level ../stored$level.lzh a.txt docs &&
	    mklha -$level -5 ../lh5-$level.lzh a.txt docs)
	dirs=dirs
	[ "$level" -ne 0 ] || dirs=nodirs
	for a in stored$level.lzh lh5-$level.lzh; do
		check_lha "$a" src 5
		extract "$a" src $dirs
	done
	contains out '"format":"lha -lh5-"'
done

# LHA names are the bytes of the system that wrote them, Shift-JIS most
# often, Latin-1 sometimes.  libarchive fails an archive at the first such
# name it cannot turn into the locale's wide form: they come out as the
# archive's bytes all the same, with the members that follow.
sj=$(printf '\216\221\227\277') # "資料" in Shift-JIS
mkdir -p "names/$sj"
printf 'latin-1 name\n' >"names/$(printf 'caf\351.txt')"
printf 'ascii name\n' >names/d.txt
printf 'MZ not a program\n' >"names/$(printf '\220\277\213\201\217\221').exe"
printf 'memo\n' >"names/$sj/memo.txt"
for level in 0 1 2; do
	(cd names && mklha -$level ../names$level.lzh ./*)
	check_lha names$level.lzh names 4
	dirs=dirs
	[ "$level" -ne 0 ] || dirs=nodirs
	extract names$level.lzh names $dirs
done
