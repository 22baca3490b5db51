# docs/custody-log.md: its console examples (a log written with the
# RFC 8032 test key, then checked with sha256sum, jq, xxd and openssl)
# print exactly what the page says.
. "$LF_TOP/tests/cli/lib.sh"

/usr/bin/python3 "$LF_TOP/tests/cli/man_examples.py" \
    "$LF_TOP/docs/custody-log.md" "$LF_TOP/tests/data/examples" "$LF_BUILD" ||
	fail "examples of docs/custody-log.md"
