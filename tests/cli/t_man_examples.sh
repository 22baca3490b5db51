# The EXAMPLES of every manual page run, with their exact output; and
# every page is clean under mandoc -Tlint.
. "$LF_TOP/tests/cli/lib.sh"

for page in "$LF_TOP"/docs/man/*.1; do
	mandoc -Tlint -W warning "$page" || fail "mandoc -Tlint: $page"
	/usr/bin/python3 "$LF_TOP/tests/cli/man_examples.py" "$page" \
	    "$LF_TOP/tests/data/examples" || fail "examples of $page"
done
