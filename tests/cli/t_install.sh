# make install puts tools, manual pages, library, headers and
# libforensic.pc under DESTDIR/PREFIX, and a program builds against them
# with pkg-config alone.
. "$LF_TOP/tests/cli/lib.sh"

root=$T/root
make -s -C "$LF_TOP" BUILD="$LF_BUILD" DESTDIR="$root" PREFIX=/opt/lf \
    install >/dev/null
for f in bin/lf-hash share/man/man1/lf-hash.1 include/lf/digest.h \
    lib/libforensic.a lib/libforensic.so.0 lib/pkgconfig/libforensic.pc; do
	[ -e "$root/opt/lf/$f" ] || fail "not installed: $f"
done
run 0 "$root/opt/lf/bin/lf-hash" -c sha256 "$LF_TOP/tests/data/examples/report.pdf"
contains out "65ccc8aff9567871f53dcf98cb79a0edf106c9ecbc49adc9e76716790cb5809e"
# lf-headers finds the gateway profiles installed beside it.
[ -e "$root/opt/lf/share/libforensic/profiles/gateway/symantec-ess.json" ] ||
    fail "not installed: the gateway profiles"
[ -e "$root/opt/lf/share/libforensic/profiles/upload/symantec-ess.json" ] ||
    fail "not installed: the upload profiles"
run 0 env -u LF_GATEWAY_PROFILES "$root/opt/lf/bin/lf-headers" --jsonl \
    "$LF_TOP/tests/data/examples/mail/invoice-1.eml"
contains out '"name":"symantec-ess"'
# lf-pack finds the upload profiles installed beside it.
"$root/opt/lf/bin/lf-keygen" -o ik >/dev/null
mkdir ib
run 0 env -u LF_UPLOAD_PROFILES "$root/opt/lf/bin/lf-pack" -k ik.key -o ib \
    "$LF_TOP/tests/data/examples/mail/invoice-1.eml"
contains out "ib/lfb-"
# ... and lf-headers the brand list.
printf 'From: "PayPal Service" <help@example.net>\n\nb\n' >brand.eml
run 0 env -u LF_BRANDS "$root/opt/lf/bin/lf-headers" --jsonl brand.eml
contains out '"id":"sender.brand-in-name"'

# A sanitizer build's library needs its runtime in the program too.
san=
case $LF_BUILD in
*/sanitize) san=-fsanitize=address,undefined ;;
*/tsan) san=-fsanitize=thread ;;
esac
cat >use.c <<'C'
#include <stdio.h>
#include <lf/digest.h>
int
main(void)
{
	struct lf_digest *d;
	struct lf_digest_result r;
	char t[LF_DIGEST_TEXT_MAX];

	if (lf_digest_new(LF_DIGEST_BIT(LF_MD5), &d, NULL) != LF_OK)
		return 1;
	lf_digest_update(d, "abc", 3, NULL);
	lf_digest_final(d, &r, NULL);
	lf_digest_text(&r, LF_MD5, t);
	puts(t);
	lf_digest_free(d);
	return 0;
}
C
export PKG_CONFIG_PATH="$root/opt/lf/lib/pkgconfig"
# shellcheck disable=SC2046
cc $san $(pkg-config --define-prefix --cflags libforensic) -o use use.c \
    $(pkg-config --define-prefix --libs libforensic) || fail "cannot build"
run 0 env LD_LIBRARY_PATH="$root/opt/lf/lib" ./use
contains out "900150983cd24fb0d6963f7d28e17f72"
