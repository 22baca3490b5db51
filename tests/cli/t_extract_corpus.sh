# lf-extract finds what the reference parsers agree on in the public
# corpora, gives the stated answer where they disagree, and matches
# mime4j's decoded bodies (tests/cli/extract_corpus.py says how).
. "$LF_TOP/tests/cli/lib.sh"

c=$(corpora)
python3 "$LF_TOP/tests/cli/extract_corpus.py" "$BIN/lf-extract" "$c"

# Every report, of every corpus message and mbox, is valid by the schema,
# in --jsonl and in --json.
run 0 lf-extract --no-store --jsonl "$c"/mail/*/messages "$c"/mail/*/mbox
[ "$(wc -l <out)" -gt 300 ] || fail "too few reports: $(wc -l <out)"
/usr/bin/python3 "$LF_TOP/tests/cli/validate_json.py" \
    "$LF_TOP/schemas/extract.schema.json" out
run 0 lf-extract --no-store --no-type --json "$c/mail/gmime/messages"
python3 -c 'import json,sys; r=json.load(open("out")); sys.exit(len(r)!=4)' ||
	fail "--json is not an array of the 3 fragments and their message"
