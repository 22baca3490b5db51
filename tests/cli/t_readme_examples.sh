# The console examples of README.md run, with their exact output, on the
# bundled samples.
. "$LF_TOP/tests/cli/lib.sh"

mkdir -p fixture/tests/data/examples
cp -R "$LF_TOP/tests/data/samples" fixture/tests/data/
cp -R "$LF_TOP/tests/data/examples/keys" fixture/tests/data/examples/
/usr/bin/python3 "$LF_TOP/tests/cli/man_examples.py" "$LF_TOP/README.md" \
    fixture "$LF_BUILD" || fail "README examples"
