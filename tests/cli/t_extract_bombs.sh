# Decompression bombs made here: a gzip of 2 GiB of one letter, a zip whose
# thousand central-directory entries all point at one deflated stream (the
# overlapping-entry bomb), and a 42.zip-style nesting of zips of sixteen
# copies each.  Each stops at a limit counted on bytes really produced,
# says so, finishes quickly in bounded memory, and the bomb itself is still
# stored and hashed.
. "$LF_TOP/tests/cli/lib.sh"

python3 - <<'PY'
import base64, io, struct, zipfile, zlib

def message(name, data):
    b = base64.encodebytes(data).decode()
    return ("From: a@example.org\nSubject: " + name + "\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=B\n\n--B\n"
            "Content-Type: application/octet-stream; name=" + name + "\n"
            "Content-Transfer-Encoding: base64\n\n" + b + "--B--\n")

# gzip of 2 GiB of "A" (2 GiB of zeros would be an empty tar archive: its
# first block is the end-of-archive mark), written in pieces.
c = zlib.compressobj(9, zlib.DEFLATED, 31)
chunk = b"A" * (1 << 20)
gz = b"".join(c.compress(chunk) for _ in range(2048)) + c.flush()
open("zeros.gz", "wb").write(gz)
open("gz.eml", "w").write(message("zeros.gz", gz))

# Overlapping entries: one local file of 16 MiB of zeros, deflated, and
# 1000 central directory entries that all point at it.
raw = bytes(16 << 20)
d = zlib.compressobj(9, zlib.DEFLATED, -15)
comp = d.compress(raw) + d.flush()
crc = zlib.crc32(raw)
name = b"a"
local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0, crc,
                    len(comp), len(raw), len(name), 0) + name + comp
cd = b""
for i in range(1000):
    n = b"%04d" % i
    cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0,
                      crc, len(comp), len(raw), len(n), 0, 0, 0, 0, 0, 0) + n
end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1000, 1000, len(cd),
                  len(local), 0)
overlap = local + cd + end
open("overlap.zip", "wb").write(overlap)
open("overlap.eml", "w").write(message("overlap.zip", overlap))

# Nesting: level 0 holds 1 MiB of zeros, each level 16 copies of the one
# below, 6 levels: 16^6 MiB, 16 TiB, if it were all opened.
data = bytes(1 << 20)
inner_name = "0.bin"
for level in range(1, 7):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k in range(16):
            z.writestr("%d-%d-%s" % (level, k, inner_name), data)
    data = buf.getvalue()
    inner_name = "%d.zip" % level
open("nest.zip", "wb").write(data)
open("nest.eml", "w").write(message("nest.zip", data))
PY

# bomb NAME: lf-extract in 256 MiB of address space and 120 s at most.
bomb() {
	set +e
	(
		if ! grep -qa -e __asan_init -e __tsan_init "$BIN/lf-extract"; then
			ulimit -v 524288
		fi
		exec timeout 120 lf-extract -o store --jsonl "$@"
	) >out 2>err
	got=$?
	set -e
	[ "$got" -eq 0 ] || {
		cat err >&2
		fail "$*: exit status $got"
	}
	validate extract.schema.json out
}

# stored FILE: the bomb itself is in the store.
stored() {
	h=$(sha256sum <"$1" | cut -c1-64)
	[ -f "store/objects/$(echo "$h" | cut -c1-2)/$h" ] ||
	    fail "$1 is not in the store"
}

# produced: the bytes all entries' objects hold, in the report in out.
produced() {
	python3 -c '
import json, sys
r = json.loads(open("out").readline())
print(sum(p["object"]["size"] for p in r["parts"]
          if p["kind"] == "entry" and "object" in p))'
}

bomb gz.eml
contains out '"code":"container.ratio"'
contains out '"truncated":true'
stored zeros.gz
[ "$(produced)" -le $((200 * $(stat -c %s zeros.gz) + 65536)) ] ||
    fail "the gzip bomb gave $(produced) bytes"

bomb overlap.eml
contains out '"code":"container.ratio"'
stored overlap.zip
[ "$(produced)" -le $((200 * $(stat -c %s overlap.zip) + 65536)) ] ||
    fail "the overlapping bomb gave $(produced) bytes"

bomb nest.eml
stored nest.zip
# Whatever stops it first (the ratio of a level, the depth, the total),
# it stops, and says which.
grep -q -e '"code":"container.ratio"' -e '"code":"container.total"' \
    -e '"code":"container.too-deep"' out ||
    fail "the nested bomb stopped at no limit"
[ "$(produced)" -le $((4096 * 1048576 + 65536)) ] ||
    fail "the nested bomb gave $(produced) bytes"
# With a small total, the total stops it.
bomb --max-total 10M nest.eml
contains out '"code":"container.total"'
[ "$(produced)" -le $((10 * 1048576 + 65536)) ] ||
    fail "--max-total 10M let $(produced) bytes out"
