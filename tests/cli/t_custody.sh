# lf-custody: events appended and verified; every kind of tampering
# (an edited byte, a deleted, swapped, cut or spliced line, a line signed
# by another key, a changed sequence number) named at its line with its
# reason; the chain checked with sha256sum and the signatures with openssl,
# as docs/custody-log.md says; eight appenders at once.
. "$LF_TOP/tests/cli/lib.sh"

lf-keygen -o a >a.fpr
lf-keygen -o b >b.fpr
o1=$(printf 'one' | sha256sum | cut -c1-64)
o2=$(printf 'two' | sha256sum | cut -c1-64)

run 0 lf-custody -l case.log append -k a.key --actor 'Ann Example' \
    --action acquired --object "$o1" --object "$o2" --bundle case42-1 \
    --reason 'mail from the gateway quarantine' --tool lf-extract \
    --tool-version 0.1.0
[ "$(cut -d' ' -f1 out)" = 1 ] || fail "first append: $(cat out)"
[ "$(cut -d' ' -f2 out)" = "$(sed -n 1p case.log | sha256sum | cut -c1-64)" ] ||
	fail "the printed head is not the line's SHA-256: $(cat out)"
[ ! -s err ] || fail "stderr: $(cat err)"
run 0 lf-custody -l case.log append -k a.key --action analysed \
    --reason "$(printf 'two lines\nand a "quote"')"
run 0 lf-custody -l case.log append -k a.key --action packed \
    --object "$(echo "$o1" | tr a-f A-F)" --reason 'r 3'
run 0 lf-custody -l case.log append -k a.key --action note --reason 'r 4'
[ "$(cat out | cut -d' ' -f1)" = 4 ] || fail "fourth append: $(cat out)"
[ "$(wc -l <case.log)" -eq 4 ] || fail "lines: $(wc -l <case.log)"
validate custody-event.schema.json case.log
# The members, as given.
[ "$(sed -n 1p case.log | jq -r '[.seq,.actor,.action,.objects[1],.bundle,.tool.name,.tool.version]|join(" ")')" = \
    "1 Ann Example acquired $o2 case42-1 lf-extract 0.1.0" ] ||
	fail "line 1: $(sed -n 1p case.log)"
[ "$(sed -n 2p case.log | jq -r .reason)" = "$(printf 'two lines\nand a "quote"')" ] ||
	fail "line 2's reason"
[ "$(sed -n 2p case.log | jq -r '.tool.name + " " + (.bundle|tostring)')" = \
    "lf-custody null" ] || fail "line 2's defaults"
[ "$(sed -n 3p case.log | jq -r '.objects[0]')" = "$o1" ] ||
	fail "an upper-case --object is kept in lowercase"
sed -n 1p case.log | jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' >/dev/null ||
	fail "time: $(sed -n 1p case.log | jq -r .time)"
# The time is the time, the offset the local zone's.
run 0 env SOURCE_DATE_EPOCH=1700000000 TZ=Asia/Kolkata \
    lf-custody -l tz.log append -k a.key --action note
[ "$(jq -r '.time + " " + .local_offset' tz.log)" = \
    "2023-11-14T22:13:20Z +05:30" ] || fail "time and offset: $(cat tz.log)"

run 0 lf-custody -l case.log verify --pubkey a.pub
[ "$(cat out)" = "case.log: 4 events, chain and signatures good, head $(sed -n 4p case.log | sha256sum | cut -c1-64)" ] ||
	fail "verify: $(cat out)"
run 0 lf-custody -l case.log verify --fingerprint "$(cat a.fpr)"
run 0 lf-custody -l case.log verify --json --pubkey a.minisign.pub
validate custody-verify.schema.json out
[ "$(jq -r '[.good,.events,.head]|map(tostring)|join(" ")' out)" = \
    "true 4 $(sed -n 4p case.log | sha256sum | cut -c1-64)" ] ||
	fail "verify --json: $(cat out)"
run 0 lf-custody -q -l case.log verify --pubkey a.pub
[ ! -s out ] || fail "-q printed: $(cat out)"

# With stock tools only: each "prev" is sha256sum of the line before
# (with its line end), and each signature verifies with openssl over the
# line without its "sig" member and without its line end.
[ "$(sed -n 1p case.log | jq -r .prev)" = \
    0000000000000000000000000000000000000000000000000000000000000000 ] ||
	fail "the first prev is not 64 zeros"
for i in 2 3 4; do
	[ "$(sed -n "${i}p" case.log | jq -r .prev)" = \
	    "$(sed -n "$((i - 1))p" case.log | sha256sum | cut -c1-64)" ] ||
		fail "line $i: prev is not sha256sum of line $((i - 1))"
done
for i in 1 2 3 4; do
	sed -n "${i}p" case.log | sed 's/,"sig":"[0-9a-f]*"}$/}/' |
	    head -c -1 >signed
	sed -n "${i}p" case.log | jq -r .sig | xxd -r -p >sig
	[ "$(wc -c <sig)" -eq 64 ] || fail "line $i: signature length"
	openssl pkeyutl -verify -pubin -inkey a.pub -rawin -in signed \
	    -sigfile sig >ossl || fail "line $i: openssl rejects the signature"
	contains ossl "Signature Verified Successfully"
	# ... and not with the other key, nor over changed bytes.
	if openssl pkeyutl -verify -pubin -inkey b.pub -rawin -in signed \
	    -sigfile sig >/dev/null 2>&1; then
		fail "line $i: verifies with another key"
	fi
	printf ' ' >>signed
	if openssl pkeyutl -verify -pubin -inkey a.pub -rawin -in signed \
	    -sigfile sig >/dev/null 2>&1; then
		fail "line $i: verifies over other bytes"
	fi
done
# The key in the line is the signer's: its fingerprint as openssl
# computes it from the DER SubjectPublicKeyInfo.
[ "$( (printf '302a300506032b6570032100'; sed -n 1p case.log | jq -j .key) |
    xxd -r -p | openssl dgst -sha256 -r | cut -c1-64)" = "$(cat a.fpr)" ] ||
	fail "the key in the line is not a.pub"

# bad LOG LINE PROBLEM REASON: verify fails at that line, for that reason.
bad() {
	run 1 lf-custody -l "$1" verify --pubkey a.pub
	[ "$(cat out)" = "$1: line $2: $3: $4" ] ||
		fail "$1: expected 'line $2: $3: $4', got: $(cat out)"
	run 1 lf-custody -l "$1" verify --json --pubkey a.pub
	validate custody-verify.schema.json out
	[ "$(jq -r '[.good,.line,.problem,.events]|map(tostring)|join(" ")' out)" = \
	    "false $2 $3 $(($2 - 1))" ] || fail "$1 --json: $(cat out)"
}
sig_bad="the signature does not verify (the line was changed)"

# An edited byte: in the reason, in the signature, in the chain.
sed '2s/two lines/two linez/' case.log >edit.log
bad edit.log 2 bad-signature "$sig_bad"
sed '3s/"sig":"0/"sig":"X/; 3s/"sig":"[1-9a-f]/"sig":"0/; 3s/"sig":"X/"sig":"1/' \
    case.log >editsig.log
cmp -s case.log editsig.log && fail "the signature was not changed"
bad editsig.log 3 bad-signature "$sig_bad"
sed '4s/"prev":"./"prev":"f/' case.log >editprev.log
cmp -s case.log editprev.log && sed '4s/"prev":"./"prev":"e/' case.log >editprev.log
bad editprev.log 4 bad-signature "$sig_bad"
# A changed sequence number.
sed '3s/"seq":3,/"seq":30,/' case.log >seq.log
bad seq.log 3 bad-signature "$sig_bad"
# A deleted line, two lines swapped, a line repeated.
sed 2d case.log >del.log
bad del.log 2 sequence \
    "sequence number 3 where 2 was expected (a line is missing, repeated or out of order)"
for i in 1 3 2 4; do sed -n "${i}p" case.log; done >swap.log
bad swap.log 2 sequence \
    "sequence number 3 where 2 was expected (a line is missing, repeated or out of order)"
for i in 1 2 3 3 4; do sed -n "${i}p" case.log; done >dup.log
bad dup.log 4 sequence \
    "sequence number 3 where 4 was expected (a line is missing, repeated or out of order)"
# The first line deleted: the new first line's number is 2.
sed 1d case.log >del1.log
bad del1.log 1 sequence \
    "sequence number 2 where 1 was expected (a line is missing, repeated or out of order)"
# The last line cut short, or only its line end.
head -c -20 case.log >cut.log
bad cut.log 4 no-line-end "the line has no line end (the log was cut off)"
head -c -1 case.log >nolf.log
bad nolf.log 4 no-line-end "the line has no line end (the log was cut off)"
# A line signed by another key, appended by someone holding it.
cp case.log other.log
run 0 lf-custody -l other.log append -k b.key --action note --reason forged
bad other.log 5 untrusted-key \
    "signed by a key that is not trusted (fingerprint $(cat b.fpr))"
run 0 lf-custody -l other.log verify --pubkey a.pub --pubkey b.pub
contains out "5 events, chain and signatures good"
run 0 lf-custody -l other.log verify --pubkey a.pub --fingerprint "$(cat b.fpr)"
# A good line of another log by the same key, spliced in at its number.
for i in 1 2 3; do
	lf-custody -l splice.log append -k a.key --action note \
	    --reason "other $i" >/dev/null
done
sed -n '1p;2p' case.log >spliced.log
sed -n 3p splice.log >>spliced.log
sed -n 4p case.log >>spliced.log
bad spliced.log 3 chain \
    '"prev" is not the SHA-256 of line 2 (a line before it was changed or replaced)'
# A first line whose prev is not zeros: the log's start cut off and a line
# made to begin anew needs the key; the second log's lines 2-3 alone fail.
sed -n '2,3p' splice.log >tail.log
bad tail.log 1 sequence \
    "sequence number 2 where 1 was expected (a line is missing, repeated or out of order)"
# The same line in another form: a space, a CR, a member moved, a member
# twice, another escape of the same string.
sed '2s/,"seq"/, "seq"/' case.log >space.log
bad space.log 2 malformed "not in the fixed form (from byte 49)"
sed '2s/$/\r/' case.log >crlf.log
bad crlf.log 2 malformed "not in the fixed form (from byte $(($(sed -n 2p case.log | wc -c))))"
sed -n 3p case.log | jq -c '{seq} + .' >moved
sed '3d' case.log | sed "2r moved" >moved.log
bad moved.log 3 malformed "not in the fixed form (from byte 3)"
sed '2s/"seq":2,/"seq":2,"seq":2,/' case.log >twice.log
bad twice.log 2 malformed 'not JSON: duplicate object key near '"'"'"seq"'"'"' at byte 61'
sed '3s/"reason":"r 3"/"reason":"\\u0072 3"/' case.log >escape.log
pre=$(sed -n 3p case.log | sed 's/"reason":"r 3".*//' | tr -d '\n' | wc -c)
bad escape.log 3 malformed "not in the fixed form (from byte $((pre + 11)))"
# Not an event at all.
sed '2s/.*/not json/' case.log >junk.log
run 1 lf-custody -l junk.log verify --pubkey a.pub
contains out "junk.log: line 2: malformed: not JSON:"
sed '2s/.*//' case.log >blank.log
bad blank.log 2 malformed "an empty line"
sed '3s/"action":"packed"/"action":"deleted"/' case.log >action.log
bad action.log 3 malformed '"action": not one of the actions'
sed '3s/"time":"[^"]*"/"time":"2026-02-30T10:00:00Z"/' case.log >time.log
bad time.log 3 malformed '"time": not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)'
sed '3s/"local_offset":"[^"]*"/"local_offset":"+24:00"/' case.log >off.log
bad off.log 3 malformed '"local_offset": not +HH:MM or -HH:MM'
sed '3s/"bundle":null,/"bundle":null,"extra":1,/' case.log >extra.log
bad extra.log 3 malformed 'an unknown member "extra"'
# A line longer than the cap, and a file of one endless line: memory
# stays bounded and the line is named.
{ sed -n 1p case.log; head -c 70000 /dev/zero | tr '\0' x; echo; } >long.log
bad long.log 2 too-long "longer than 65536 bytes"
head -c 20000000 /dev/zero >zeros.log
bad zeros.log 1 too-long "longer than 65536 bytes"
# Binary junk, an empty log, no log.
head -c 3000 /dev/urandom >random.log
run 1 lf-custody -l random.log verify --pubkey a.pub
grep -qE '^random.log: line 1: (malformed|too-long|no-line-end): ' out ||
	fail "random bytes: $(cat out)"
: >empty.log
bad empty.log 1 empty "the log holds no event"
run 3 lf-custody -l missing.log verify --pubkey a.pub
contains err "lf-custody: cannot open 'missing.log': No such file or directory"
mkfifo fifo.log
run 3 lf-custody -l fifo.log verify --pubkey a.pub
contains err "not a regular file"

# Append never writes after a damaged last line, nor as another key.
cp cut.log cut2.log
run 3 lf-custody -l cut2.log append -k a.key --action note
contains err "the last line has no line end"
same cut.log cut2.log
cp space.log space2.log
sed -n '1p;2p' space.log >space2.log
run 3 lf-custody -l space2.log append -k a.key --action note
contains err "the last line: not in the fixed form"
run 3 lf-custody -l long.log append -k a.key --action note
contains err "the last line is longer than 65536 bytes"
run 3 lf-custody -l case.log append -k a.pub --action note
[ "$(wc -l <case.log)" -eq 4 ] || fail "appended without a private key"
run 3 lf-custody -l fifo.log append -k a.key --action note
contains err "not a regular file"
ln -s case.log link.log
run 3 lf-custody -l link.log append -k a.key --action note
contains err "cannot open 'link.log'"
env PP=secret lf-keygen -o enc --passphrase-env PP >/dev/null
run 3 lf-custody -l case.log append -k enc.key --action note
contains err "not encrypted"

# Usage errors, and the commands of a later version.
run 2 lf-custody append -k a.key --action note
contains err "no log: -l LOG"
run 2 lf-custody -l x.log append -k a.key --action deleted
contains err "--action: 'deleted' is not one of the actions"
run 2 lf-custody -l x.log append -k a.key --action note --object abc
contains err "--object: 'abc' is not a SHA-256 in hex"
run 2 lf-custody -l x.log append -k a.key --action note --tool lf-x
run 2 lf-custody -l x.log append -k a.key --action note --actor ''
contains err "actor: empty"
run 2 lf-custody -l x.log append -k a.key --action note \
    --reason "$(head -c 4097 /dev/zero | tr '\0' r)"
contains err "reason: longer than 4096 bytes"
run 2 lf-custody -l x.log append -k a.key --action note \
    --actor "$(printf 'a\001b')"
contains err "actor: holds a control character"
run 2 lf-custody -l x.log append -k a.key --action note \
    --bundle "$(printf 'caf\351')"
contains err "bundle: not valid UTF-8"
[ ! -e x.log ] || fail "x.log was created by a refused append"
run 2 lf-custody -l case.log verify
contains err "verify: no trusted key"
run 2 lf-custody -l case.log verify --fingerprint 1234
run 2 lf-custody -l case.log verify --pubkey a.pub -k a.key
run 2 lf-custody -l case.log frobnicate
run 2 lf-custody -l case.log
run 2 lf-custody -l case.log ingest
contains err "ingest: no signing key"
for verb in status summary export; do
	run 2 lf-custody -l case.log "$verb"
	contains err "lf-custody: $verb: "
done
run 0 lf-custody --help
contains out "usage: lf-custody -l LOG append"

# Eight processes appending 50 events each at once: 400 lines, numbered
# 1 to 400, each whole, each event once, one unbroken chain.
for w in 1 2 3 4 5 6 7 8; do
	(
		i=1
		while [ "$i" -le 50 ]; do
			lf-custody -q -l busy.log append -k a.key --action note \
			    --reason "writer $w event $i" || exit 1
			i=$((i + 1))
		done
	) &
	pids="${pids:-} $!"
done
status=0
for p in $pids; do
	wait "$p" || status=1
done
[ "$status" -eq 0 ] || fail "an appender failed"
[ "$(wc -l <busy.log)" -eq 400 ] || fail "busy.log: $(wc -l <busy.log) lines"
run 0 lf-custody -l busy.log verify --pubkey a.pub
contains out "busy.log: 400 events, chain and signatures good"
jq -r .seq busy.log >seqs
seq 1 400 >want
same want seqs
jq -r .reason busy.log | sort >reasons
for w in 1 2 3 4 5 6 7 8; do
	i=1
	while [ "$i" -le 50 ]; do
		echo "writer $w event $i"
		i=$((i + 1))
	done
done | sort >want
same want reasons
validate custody-event.schema.json busy.log
# Each writer's own events are in its order.
for w in 1 8; do
	jq -r "select(.reason | startswith(\"writer $w \")) | .reason" busy.log |
	    sed 's/.* //' >mine
	seq 1 50 >want
	same want mine
done

# -v names the keys.
run 0 lf-custody -v -l v.log append -k a.key --action note
contains err "lf-custody: event 1 signed by the key $(cat a.fpr)"
run 0 lf-custody -v -l v.log verify --pubkey a.pub --fingerprint "$(cat b.fpr)"
contains err "lf-custody: trusting the key $(cat a.fpr) (a.pub)"
contains err "lf-custody: trusting the key $(cat b.fpr)"
