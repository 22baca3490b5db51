/*
 * Unit tests: lf_text (UTF-8, hex, visible escaping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lf/text.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static void
utf8_accepts_well_formed(void **state)
{
	uint32_t cp;

	(void)state;
	assert_true(lf_utf8_valid(S("")));
	assert_true(lf_utf8_valid(S("plain ascii")));
	assert_true(lf_utf8_valid(S("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac")));
	assert_true(lf_utf8_valid(S("\xf0\x9f\x98\x80")));
	assert_true(lf_utf8_valid(S("\xf4\x8f\xbf\xbf"))); /* U+10FFFF */
	assert_true(lf_utf8_valid(S("nul\0inside")));
	assert_int_equal(lf_utf8_decode(S("\xe2\x80\xae"), &cp), 3);
	assert_int_equal(cp, 0x202e);
}

static void
utf8_rejects_malformed(void **state)
{
	uint32_t cp;

	(void)state;
	assert_false(lf_utf8_valid(S("\xff")));
	assert_false(lf_utf8_valid(S("\x80")));         /* lone continuation */
	assert_false(lf_utf8_valid(S("\xc0\xaf")));     /* overlong '/' */
	assert_false(lf_utf8_valid(S("\xe0\x80\xaf"))); /* overlong */
	assert_false(lf_utf8_valid(S("\xf0\x80\x80\xaf"))); /* overlong */
	assert_false(lf_utf8_valid(S("\xed\xa0\x80")));     /* surrogate */
	assert_false(lf_utf8_valid(S("\xf4\x90\x80\x80"))); /* > U+10FFFF */
	assert_false(lf_utf8_valid(S("\xe6\x97")));         /* truncated */
	assert_false(lf_utf8_valid(S("ok\xc3")));
	assert_int_equal(lf_utf8_decode(S("\xc3("), &cp), 0);
	assert_int_equal(lf_utf8_decode((const uint8_t *)"", 0, &cp), 0);
}

static void
hex_round_trip(void **state)
{
	uint8_t all[256], back[256];
	char hex[513];
	int i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	lf_hex(hex, all, sizeof(all));
	assert_int_equal(strlen(hex), 512);
	assert_memory_equal(hex, "000102", 6);
	assert_string_equal(hex + 506, "fdfeff");
	assert_int_equal(lf_hex_decode(hex, 512, back, sizeof(back)), 256);
	assert_memory_equal(all, back, 256);
	assert_int_equal(lf_hex_decode("ABcd", 4, back, 2), 2);
	assert_int_equal(back[0], 0xab);
	assert_int_equal(back[1], 0xcd);
	assert_int_equal(lf_hex_decode("abc", 3, back, 2), -1);
	assert_int_equal(lf_hex_decode("zz", 2, back, 2), -1);
	assert_int_equal(lf_hex_decode("aabbcc", 6, back, 2), -1);
}

static void
check_escape(const char *in, size_t n, unsigned flags, const char *want)
{
	struct lf_buf b;

	lf_buf_init(&b, 4096);
	assert_int_equal(lf_escape_visible(&b, (const uint8_t *)in, n, flags,
	                     NULL),
	    LF_OK);
	assert_non_null(b.data);
	assert_string_equal((char *)b.data, want);
	if (flags == 0)
		assert_int_equal(lf_escape_needed((const uint8_t *)in, n),
		    strcmp(in, want) != 0 || strlen(in) != n);
	lf_buf_release(&b);
}

static void
escape_makes_everything_visible(void **state)
{
	(void)state;
	check_escape("report.pdf", 10, 0, "report.pdf");
	check_escape("caf\xc3\xa9.txt", 9, 0, "caf\xc3\xa9.txt");
	check_escape("a\nb\rc\td", 7, 0, "a\\nb\\rc\\td");
	check_escape("back\\slash", 10, 0, "back\\\\slash");
	check_escape("back\\slash", 10, LF_ESC_KEEP_BACKSLASH, "back\\slash");
	check_escape("esc\x1b[31m", 8, 0, "esc\\x1B[31m");
	check_escape("nul\0x", 5, 0, "nul\\x00x");
	check_escape("bad\xff\xfe", 5, 0, "bad\\xFF\\xFE");
	check_escape("del\x7f", 4, 0, "del\\x7F");
	/* "invoice\u202Efdp.exe": the right-to-left override that hides
	 * an .exe behind a .pdf-looking name. */
	check_escape("invoice\xe2\x80\xae"
	             "fdp.exe",
	    17, 0, "invoice\\u{202E}fdp.exe");
	check_escape("zero\xe2\x80\x8bwidth", 12, 0, "zero\\u{200B}width");
	check_escape("c1\xc2\x85", 4, 0, "c1\\u{0085}");
	check_escape("bom\xef\xbb\xbf", 6, 0, "bom\\u{FEFF}");
	check_escape("tag\xf3\xa0\x80\x81", 7, 0, "tag\\u{E0001}");
}

static void
deceptive_set(void **state)
{
	(void)state;
	assert_true(lf_char_is_deceptive(0x202e));
	assert_true(lf_char_is_deceptive(0x2066));
	assert_true(lf_char_is_deceptive(0x200d));
	assert_true(lf_char_is_deceptive(0x2028));
	assert_false(lf_char_is_deceptive('a'));
	assert_false(lf_char_is_deceptive(0xe9));
	assert_false(lf_char_is_deceptive(0x65e5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_accepts_well_formed),
	    cmocka_unit_test(utf8_rejects_malformed),
	    cmocka_unit_test(hex_round_trip),
	    cmocka_unit_test(escape_makes_everything_visible),
	    cmocka_unit_test(deceptive_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
