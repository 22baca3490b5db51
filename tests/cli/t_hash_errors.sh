# Bad input and misuse: clear messages, the documented exit status, and
# the rest of the work still done.
. "$LF_TOP/tests/cli/lib.sh"

printf 'ok\n' >ok
# Usage errors: status 2, a hint on stderr, nothing on stdout.
run 2 lf-hash --no-such-option ok
contains err "Try 'lf-hash --help'."
run 2 lf-hash -c md5,crc32 ok
contains err "unknown algorithm 'crc32'"
run 2 lf-hash --json --hashdeep ok
run 2 lf-hash --limit nosuch=1 ok
run 2 lf-hash -j many ok
[ ! -s out ] || fail "nothing on stdout for a usage error"
run 0 lf-hash --help
contains out "usage: lf-hash"
contains out "walk-depth"
run 0 lf-hash -V
contains out "lf-hash (libforensic) "
contains out "OpenSSL 3."

# A missing file is reported, the others hashed, and the status is 3.
run 3 lf-hash -c sha256 nosuch ok
contains err "lf-hash: 'nosuch': No such file or directory"
contains out "  ok"

# An unreadable file, as a user without the permission.
printf 'secret\n' >secret
chmod 000 secret
if [ "$(id -u)" -eq 0 ]; then
	run 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
	    lf-hash -c md5 secret ok
else
	run 3 lf-hash -c md5 secret ok
fi
contains err "lf-hash: 'secret': Permission denied"
contains out "  ok"
chmod 644 secret

# A read error in the middle of a file: /proc/self/mem cannot be read at
# offset 0, and is a regular file.
run 3 lf-hash -c md5 /proc/self/mem ok
contains err "lf-hash: '/proc/self/mem': read: Input/output error"
contains out "  ok"

# Directories without -r, links without -L, special files: skipped with a
# note, and not an error.
mkdir dir
printf 'in dir\n' >dir/f
ln -s ok link
mkfifo fifo
run 0 timeout 10 lf-hash -c md5 dir link fifo ok
contains err "lf-hash: 'dir': is a directory, not recursing (-r recurses), skipped"
contains err "lf-hash: 'link': symbolic link, not followed (-L follows), skipped"
contains err "lf-hash: 'fifo': not a regular file, skipped"
[ "$(wc -l <out)" -eq 1 ] || fail "only ok is hashed"
run 0 lf-hash -q -c md5 dir link ok
[ ! -s err ] || fail "-q silences the notes"
run 0 lf-hash -L -c md5 link
contains out "  link"
mkdir walk
mv dir link fifo walk/
run 0 timeout 10 lf-hash -r -c md5 walk
contains out "  walk/dir/f"
lacks out "fifo"
lacks out "link"

# Escaped names in messages: nothing raw reaches a terminal.
run 3 lf-hash "$(printf 'no\033[2Jsuch')"
contains err "lf-hash: 'no\\x1B[2Jsuch': No such file or directory"

# A full disk on output is an operational failure.
if [ -w /dev/full ]; then
	run 3 sh -c 'lf-hash ok >/dev/full'
	contains err "cannot write"
fi
