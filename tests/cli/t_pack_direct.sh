#!/bin/sh
# lf-pack writes a bundle's tar in 4 MiB blocks with direct I/O where the
# filesystem takes it (lf_tarw_direct): a bundle of several blocks and a
# tail is the same bytes whether direct writes are taken, refused by the
# filesystem (tests/preload/nodirect.c: lf-pack goes on through the page
# cache), or cut short by a full disk between blocks (tests/preload/
# enospc.c: nothing under a final name); the other side's tools read it.
. "$LF_TOP/tests/cli/lib.sh"

NODIRECT=$LF_BUILD/tests/nodirect.so
ENOSPC=$LF_BUILD/tests/enospc.so
[ -f "$NODIRECT" ] && [ -f "$ENOSPC" ] || fail "preloads not built (make cli)"
SOURCE_DATE_EPOCH=1764331200
export SOURCE_DATE_EPOCH
ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

# A message with a 9 MiB attachment of seeded bytes: a bundle of two
# whole blocks and a part.
python3 - <<'PY'
import base64, hashlib, random
data = random.Random(6).randbytes(9 * 1024 * 1024 + 1234)
open("want.sha256", "w").write(hashlib.sha256(data).hexdigest() + "\n")
with open("big.eml", "wb") as f:
    f.write(b"From: a@example.org\r\nTo: b@example.net\r\nSubject: big\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: application/octet-stream;"
            b" name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    f.write(base64.encodebytes(data).replace(b"\n", b"\r\n"))
PY
python3 -c 'import os; os.close(os.open("probe", os.O_WRONLY | os.O_CREAT | os.O_DIRECT))' ||
	fail "the test directory takes no O_DIRECT: the test cannot run here"

lf-keygen -o k >/dev/null
mkdir direct refused full
run 0 lf-pack -k k.key -o direct big.eml
b=$(cat "$T/out")
[ "$(wc -c <"$b")" -gt $((8 * 1024 * 1024)) ] || fail "bundle too small"
run 0 lf-verify --pubkey k.pub --deep "$b"
mkdir x && tar -C x -xf "$b"
z=$(ls x/*/data/samples/*.zip)
7zz x -so -pinfected "$z" 2>/dev/null | sha256sum | cut -c1-64 >got.sha256
cmp want.sha256 got.sha256 || fail "7zz gives another sample"

# Direct writes refused: the rest through the page cache, the same bytes.
LD_PRELOAD=$NODIRECT LF_NODIRECT_LOG=$T/refusals \
    run 0 lf-pack -k k.key -o refused big.eml
[ -s refusals ] || fail "no direct write was tried"
cmp "$b" "$(cat "$T/out")" || fail "not the same bytes through the cache"

# The disk full after one block: exit 3, nothing under a final name.
LD_PRELOAD=$ENOSPC LF_ENOSPC_DIR=$T/full \
    LF_ENOSPC_AFTER=$((5 * 1024 * 1024)) run 3 lf-pack -k k.key -o full big.eml
contains err "No space left on device"
[ -z "$(ls -A full)" ] || fail "left behind: $(ls -A full)"
