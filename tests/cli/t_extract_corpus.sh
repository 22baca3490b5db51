# lf-extract finds what the reference parsers agree on in the public
# corpora, gives the stated answer where they disagree, and matches
# mime4j's decoded bodies (tests/cli/extract_corpus.py says how).
. "$LF_TOP/tests/cli/lib.sh"

c=$(corpora)
python3 "$LF_TOP/tests/cli/extract_corpus.py" "$BIN/lf-extract" "$c"
