# The inputs a command line names: a message, standard input, a directory,
# a Maildir (cur/ and new/, never the unfinished tmp/), an mbox (with a
# byte order mark first, as some programs write it).  Each message gives
# one report, with its source and, in an mbox, its offset.
. "$LF_TOP/tests/cli/lib.sh"

msg() {
	printf 'From: a@example.org\nSubject: %s\n\nbody %s\n' "$1" "$1"
}

mkdir -p md/cur md/new md/tmp dir/sub
msg cur >md/cur/1.host:2,S
msg new >md/new/2.host
msg tmp >md/tmp/3.host
msg one >dir/a.eml
msg two >dir/sub/b.eml
{
	printf '\357\273\277'
	printf 'From a@example.org Mon Jan  1 00:00:00 2024\n'
	msg first
	echo
	printf 'From b@example.org Mon Jan  1 00:00:01 2024\n'
	msg second
} >box.mbox

subjects() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(r["source"], r.get("mbox_offset", "-"), r["subject"]["raw"])
' "$1" | sort
}

run 0 lf-extract --no-store --jsonl md
subjects out >got
printf 'md/cur/1.host:2,S - cur\nmd/new/2.host - new\n' >want
same got want

run 0 lf-extract --no-store --jsonl dir
subjects out >got
printf 'dir/a.eml - one\ndir/sub/b.eml - two\n' >want
same got want

run 0 lf-extract --no-store --jsonl box.mbox
subjects out >got
second=$(($(head -n 5 box.mbox | wc -c) + 1))
printf 'box.mbox 3 first\nbox.mbox %s second\n' "$second" >want
same got want

msg stdin | run 0 lf-extract --no-store --jsonl -
subjects out >got
printf -- '- - stdin\n' >want
same got want

run 3 lf-extract --no-store --jsonl missing.eml dir/a.eml
contains err "'missing.eml'"
subjects out >got
printf 'dir/a.eml - one\n' >want
same got want
