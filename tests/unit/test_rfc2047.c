/*
 * Unit tests: lf_rfc2047 (encoded words, charsets to UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/rfc2047.h"
#include "lf/text.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1
#define FFFD "\xef\xbf\xbd"

struct seen {
	int n;
	struct {
		const char *code;
		enum lf_severity severity;
		uint64_t offset;
	} a[64];
};

static void
record(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;

	assert_non_null(a->code);
	if (s->n < 64) {
		s->a[s->n].code = a->code;
		s->a[s->n].severity = a->severity;
		s->a[s->n].offset = a->offset;
	}
	s->n++;
}

/* Index of the first anomaly with code, or -1. */
static int
find(const struct seen *s, const char *code)
{
	int i;

	for (i = 0; i < s->n && i < 64; i++) {
		if (strcmp(s->a[i].code, code) == 0)
			return i;
	}
	return -1;
}

/* Decode in, compare with want (wantlen bytes); anomalies into *s. */
static void
decode_as(const uint8_t *in, size_t n, const char *fallback, const char *want,
    size_t wantlen, struct seen *s)
{
	struct lf_buf b;

	memset(s, 0, sizeof(*s));
	lf_buf_init(&b, 1 << 16);
	assert_int_equal(lf_rfc2047_decode(in, n, fallback, &b, record, s,
	                     NULL),
	    LF_OK);
	assert_true(lf_utf8_valid(b.data, b.len));
	if (b.len != wantlen || (wantlen > 0 && memcmp(b.data, want, wantlen)))
		fail_msg("decoded \"%.*s\", want \"%s\"", (int)b.len,
		    b.data != NULL ? (const char *)b.data : "", want);
	lf_buf_release(&b);
}

#define DECODE(in, want, s) decode_as(S(in), NULL, want, sizeof(want) - 1, s)

/* Decodes with no anomaly at all. */
#define CLEAN(in, want)                    \
	do {                               \
		struct seen s_;            \
		DECODE(in, want, &s_);     \
		assert_int_equal(s_.n, 0); \
	} while (0)

/* RFC 2047 section 8, every example with its stated display form. */
static void
rfc2047_section8_examples(void **state)
{
	(void)state;
	CLEAN("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>",
	    "Keith Moore <moore@cs.utk.edu>");
	CLEAN("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
	    "Keld J\xc3\xb8rn Simonsen <keld@dkuug.dk>");
	CLEAN("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
	    "Andr\xc3\xa9 Pirard <PIRARD@vm1.ulg.ac.be>");
	CLEAN("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	      "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
	    "If you can read this you understand the example.");
	CLEAN("=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>",
	    "Olle J\xc3\xa4rnefors <ojarnef@admin.kth.se>");
	CLEAN("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?= <paf@nada.kth.se>",
	    "Patrik F\xc3\xa4ltstr\xc3\xb6m <paf@nada.kth.se>");
	CLEAN("Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
	      "    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
	    "Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
	    "    (\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 "
	    "\xd7\x99\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0)");
	/* The table of white space between words. */
	CLEAN("(=?ISO-8859-1?Q?a?=)", "(a)");
	CLEAN("(=?ISO-8859-1?Q?a?= b)", "(a b)");
	CLEAN("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)");
	CLEAN("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)");
	CLEAN("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)");
	CLEAN("(=?ISO-8859-1?Q?a_b?=)", "(a b)");
	CLEAN("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)");
}

/* RFC 2231 section 5: a language after the charset. */
static void
rfc2231_language(void **state)
{
	(void)state;
	CLEAN("=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore");
	CLEAN("=?utf-8*ja-JP?B?5pel5pys6Kqe?=",
	    "\xe6\x97\xa5\xe6\x9c\xac"
	    "\xe8\xaa\x9e");
}

#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"

static void
japanese_split_across_words(void **state)
{
	(void)state;
	/* Thunderbird's subject (mimekit's japanese test message). */
	CLEAN(
	    "=?ISO-2022-JP?B?GyRCRnxLXDhsJWEhPCVrJUYlOSVIGyhCICh0ZXN0aW5nIEph?"
	    "=\r\n =?ISO-2022-JP?B?cGFuZXNlIGVtYWlscyk=?=",
	    NIHONGO "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x86\xe3\x82"
	            "\xb9\xe3\x83\x88 (testing Japanese emails)");
	/* ISO-2022-JP cut inside the first character and after the
	 * second: "ESC $ B F" / "| K \" / "8 l ESC ( B". */
	CLEAN("=?iso-2022-jp?B?GyRCRg==?= =?ISO-2022-JP?B?fEtc?=\r\n"
	      "\t=?iso-2022-jp?B?OGwbKEI=?=",
	    NIHONGO);
	/* Shift_JIS cut after a lead byte, B then Q, two spellings of the
	 * same charset. */
	CLEAN("=?shift_jis?B?k/qW?= =?x-sjis?Q?=7B=8C=EA?=", NIHONGO);
	/* CP932 rows that strict Shift_JIS lacks (circled digit one). */
	CLEAN("=?Shift_JIS?B?h0A=?=", "\xe2\x91\xa0");
	/* Half-width katakana in ISO-2022-JP (ESC ( I), as CP50221 sends. */
	CLEAN("=?ISO-2022-JP?B?GyhJMRsoQg==?=", "\xef\xbd\xb1");
}

static void
utf8_split_across_b_and_q(void **state)
{
	struct seen s;

	(void)state;
	CLEAN("=?utf-8?B?Y2Fmww==?= =?UTF-8?Q?=A9?=", "caf\xc3\xa9");
	CLEAN("=?UTF-8?B?5pel5g==?=\r\n =?utf8?q?=9C=AC=E8=AA=9E?=", NIHONGO);
	/* A different charset is not joined: the cut character is lost,
	 * visibly. */
	DECODE("=?utf-8?B?Y2Fmww==?= =?iso-8859-1?Q?x?=", "caf" FFFD "x", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "charset.invalid-bytes");
	assert_int_equal(s.a[0].offset, 0);
	/* Nor across text that is not white space. */
	DECODE("=?utf-8?B?Y2Fmww==?=-=?UTF-8?Q?=A9?=", "caf" FFFD "-" FFFD, &s);
	assert_true(find(&s, "charset.invalid-bytes") >= 0);
}

static void
converter_state_is_reset(void **state)
{
	(void)state;
	/* The first word ends in JIS X 0208 mode; the second (same
	 * charset, not adjacent) must start in ASCII again. */
	CLEAN("=?iso-2022-jp?B?GyRCRnw=?= and =?iso-2022-jp?B?S1w4bA==?=",
	    "\xe6\x97\xa5 and K\\8l");
}

static void
malformed_words_stay_literal(void **state)
{
	struct seen s;

	(void)state;
	DECODE("a =?utf-8?b?Q!Q?= b", "a =?utf-8?b?Q!Q?= b", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.bad-base64");
	assert_int_equal(s.a[0].severity, LF_SEV_MEDIUM);
	assert_int_equal(s.a[0].offset, 2);
	DECODE("=?utf-8?b?QUJD=QUJD?=", "=?utf-8?b?QUJD=QUJD?=", &s);
	assert_int_equal(find(&s, "rfc2047.bad-base64"), 0);
	DECODE("=?utf-8?b?Q?=", "=?utf-8?b?Q?=", &s);
	assert_int_equal(find(&s, "rfc2047.bad-base64"), 0);
	DECODE("x =?utf-8?q?abc", "x =?utf-8?q?abc", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.unterminated");
	assert_int_equal(s.a[0].offset, 2);
	DECODE("=?utf-8?q?a?b?=", "=?utf-8?q?a?b?=", &s);
	assert_int_equal(find(&s, "rfc2047.unterminated"), 0);
	DECODE("=?utf-8?q?caf\xc3\xa9?=", "=?utf-8?q?caf\xc3\xa9?=", &s);
	assert_int_equal(find(&s, "rfc2047.unterminated"), 0);
	DECODE("=?utf-8?x?abc?=", "=?utf-8?x?abc?=", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.bad-encoding");
	/* enmime's "=?UTF-8? Q?...": a blank where the encoding goes. */
	DECODE("=?UTF-8? Q?abc?=", "=?UTF-8? Q?abc?=", &s);
	assert_string_equal(s.a[0].code, "rfc2047.bad-encoding");
	/* Not an encoded word at all: no anomaly. */
	CLEAN("a=?b", "a=?b");
	CLEAN("=??q?abc?=", "=??q?abc?=");
	CLEAN("=?", "=?");
	/* White space next to a malformed word is kept. */
	DECODE("=?utf-8?q?a?= =?utf-8?b?!?= =?utf-8?q?b?=", "a =?utf-8?b?!?= b",
	    &s);
	assert_int_equal(s.n, 1);
}

static void
lenient_decoding_is_reported(void **state)
{
	struct seen s;

	(void)state;
	DECODE("=?utf-8?b?QUI?=", "AB", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.base64-padding");
	assert_int_equal(s.a[0].severity, LF_SEV_LOW);
	DECODE("=?utf-8?q?a=ZZb=?=", "a=ZZb=", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.bad-q-escape");
	DECODE("=?utf-8?q?a=e9?=", "a" FFFD, &s);
	assert_string_equal(s.a[0].code, "charset.invalid-bytes");
	DECODE("=?iso-8859-1?q?hello world?=", "hello world", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.space-in-word");
	DECODE("=?utf-8?q?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	       "aaaaaaaaaaaaaaa?=",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "a",
	    &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.long-word");
	assert_int_equal(s.a[0].severity, LF_SEV_INFO);
}

static void
glued_and_quoted_words(void **state)
{
	struct seen s;

	(void)state;
	DECODE("Re:=?utf-8?q?x?=", "Re:x", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.not-delimited");
	assert_int_equal(s.a[0].severity, LF_SEV_MEDIUM);
	assert_int_equal(s.a[0].offset, 3);
	DECODE("=?utf-8?q?x?=.pdf", "x.pdf", &s);
	assert_string_equal(s.a[0].code, "rfc2047.not-delimited");
	/* Two words glued to each other are adjacent, not glued. */
	CLEAN("=?utf-8?q?a?==?utf-8?q?b?=", "ab");
	DECODE("\"=?utf-8?q?J=C3=B6rg?= Doe\" <j@example.com>",
	    "\"J\xc3\xb6rg Doe\" <j@example.com>", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.in-quoted-string");
	assert_int_equal(s.a[0].offset, 1);
	/* An escaped quote does not end the quoted string. */
	DECODE("\"a\\\" =?utf-8?q?b?=\"", "\"a\\\" b\"", &s);
	assert_int_equal(find(&s, "rfc2047.in-quoted-string"), 0);
	/* After the closing quote the word is outside again. */
	CLEAN("\"a\" =?utf-8?q?b?=", "\"a\" b");
}

static void
unknown_charset(void **state)
{
	struct seen s;

	(void)state;
	DECODE("=?x-unknown?q?abc=E9?= d", "abc" FFFD " d", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "charset.unknown");
	assert_int_equal(s.a[0].severity, LF_SEV_MEDIUM);
	/* Text under an unknown label that is UTF-8 stays. */
	DECODE("=?unknown-8bit?b?Y2Fmw6k=?=", "caf\xc3\xa9", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "charset.unknown");
	/* A name that cannot be a charset: the text is still shown. */
	DECODE("=?utf-8!x?q?a=FF?=", "a" FFFD, &s);
	assert_string_equal(s.a[0].code, "charset.unknown");
	/* iconv's syntax ("//", paths) is not a token: not a word. */
	CLEAN("=?UTF-8//IGNORE?q?a=FF?=", "=?UTF-8//IGNORE?q?a=FF?=");
	CLEAN("=?../../tmp/x?q?a?=", "=?../../tmp/x?q?a?=");
}

static void
raw_8bit_outside_words(void **state)
{
	struct lf_buf b;
	struct seen s;

	(void)state;
	CLEAN("caf\xc3\xa9 =?utf-8?q?ok?=", "caf\xc3\xa9 ok");
	DECODE("caf\xe9 =?utf-8?q?ok?=", "caf\xc3\xa9 ok", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.raw-8bit");
	assert_int_equal(s.a[0].offset, 3);
	decode_as(S("\x93quoted\x94"), "windows-1252",
	    "\xe2\x80\x9cquoted\xe2\x80\x9d", 12, &s);
	assert_string_equal(s.a[0].code, "rfc2047.raw-8bit");
	decode_as(S("a\xff"), "no-such-charset", "a" FFFD, 4, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.a[1].code, "charset.unknown");
	/* Empty input appends nothing. */
	lf_buf_init(&b, 16);
	assert_int_equal(lf_rfc2047_decode(NULL, 0, NULL, &b, NULL, NULL, NULL),
	    LF_OK);
	assert_int_equal(b.len, 0);
	lf_buf_release(&b);
}

static void
control_characters(void **state)
{
	struct seen s;

	(void)state;
	decode_as(S("=?utf-8?q?evil=00.exe?="), NULL, "evil\0.exe", 9, &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.a[0].code, "rfc2047.control-char");
	DECODE("=?utf-8?q?a=0D=0ABcc:_x?=", "a\r\nBcc: x", &s);
	assert_string_equal(s.a[0].code, "rfc2047.control-char");
	DECODE("=?iso-8859-1?q?=85?=", "\xc2\x85", &s);
	assert_string_equal(s.a[0].code, "rfc2047.control-char");
	CLEAN("=?utf-8?q?tab=09ok?=", "tab\tok");
	/* U+202E is not a control character; decoded exactly. */
	CLEAN("=?utf-8?q?invoice=E2=80=AEfdp.exe?=",
	    "invoice\xe2\x80\xae"
	    "fdp.exe");
}

static void
convert(const char *charset, const uint8_t *p, size_t n, const char *want,
    size_t wantlen, size_t want_replaced)
{
	struct lf_buf b;
	size_t replaced = 99;

	lf_buf_init(&b, 4096);
	assert_int_equal(lf_charset_to_utf8(charset, p, n, &b, &replaced, NULL),
	    LF_OK);
	assert_true(lf_utf8_valid(b.data, b.len));
	if (b.len != wantlen ||
	    (wantlen > 0 && memcmp(b.data, want, wantlen) != 0))
		fail_msg("%s: got \"%.*s\", want \"%s\"", charset, (int)b.len,
		    b.data != NULL ? (const char *)b.data : "", want);
	assert_int_equal(replaced, want_replaced);
	lf_buf_release(&b);
}

#define CONVERT(cs, in, want, nrep) \
	convert(cs, S(in), want, sizeof(want) - 1, nrep)

static void
charset_aliases(void **state)
{
	(void)state;
	CONVERT("utf8", "caf\xc3\xa9", "caf\xc3\xa9", 0);
	CONVERT("UTF-8", "caf\xc3\xa9", "caf\xc3\xa9", 0);
	CONVERT("latin1", "caf\xe9", "caf\xc3\xa9", 0);
	CONVERT("ISO-8859-1", "caf\xe9", "caf\xc3\xa9", 0);
	CONVERT("us-ascii", "plain", "plain", 0);
	CONVERT("unicode-1-1-utf-7", "+ZeVnLIqe-", NIHONGO, 0);
	CONVERT("UTF-7", "+ZeVnLIqe-", NIHONGO, 0);
	CONVERT("x-sjis", "\x93\xfa\x96\x7b\x8c\xea", NIHONGO, 0);
	CONVERT("ks_c_5601-1987", "\xc7\xd1\xb1\xb9",
	    "\xed\x95\x9c\xea\xb5\xad", 0);
	CONVERT("gb2312", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87", 0);
	CONVERT("GBK", "\xd6\xd0\xce\xc4", "\xe4\xb8\xad\xe6\x96\x87", 0);
	CONVERT("iso-8859-8-i", "\xe0", "\xd7\x90", 0);
	CONVERT("windows-874", "\xa1", "\xe0\xb8\x81", 0);
	CONVERT("cp-850", "\x82", "\xc3\xa9", 0);
	CONVERT("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0);
	CONVERT(" Windows-1252 ", "\x80", "\xe2\x82\xac", 0);
	/* Stateful: a single conversion keeps its shift state. */
	CONVERT("ISO-2022-JP", "\x1b$BF|K\\8l\x1b(B", NIHONGO, 0);
}

static void
charset_bad_bytes(void **state)
{
	(void)state;
	/* Lone continuation, overlong, surrogate, truncated: one U+FFFD a
	 * byte. */
	CONVERT("utf-8",
	    "a\x80"
	    "b",
	    "a" FFFD "b", 1);
	CONVERT("utf-8", "\xc0\xaf", FFFD FFFD, 2);
	CONVERT("utf-8", "\xed\xa0\x80", FFFD FFFD FFFD, 3);
	CONVERT("utf-8", "ok\xe6\x97", "ok" FFFD FFFD, 2);
	CONVERT("us-ascii", "caf\xe9", "caf" FFFD, 1);
	CONVERT("shift_jis", "\x93\xfa\x96", "\xe6\x97\xa5" FFFD, 1);
	CONVERT("windows-1252",
	    "a\x81"
	    "b",
	    "a" FFFD "b", 1);
	CONVERT("ISO-2022-JP", "\x1b$BF", FFFD, 1);
	CONVERT("utf-8", "nul\0ok", "nul\0ok", 0);
	convert("utf-8", NULL, 0, "", 0, 0);
}

static void
charset_unknown_is_notsup(void **state)
{
	struct lf_buf b;
	struct lf_error e;
	size_t replaced = 7;

	(void)state;
	lf_buf_init(&b, 64);
	assert_int_equal(lf_buf_append(&b, "keep", 4, NULL), LF_OK);
	assert_int_equal(lf_charset_to_utf8("x-no-such-charset", S("abc"), &b,
	                     &replaced, &e),
	    LF_E_NOTSUP);
	assert_int_equal(e.code, LF_E_NOTSUP);
	assert_non_null(strstr(e.msg, "X-NO-SUCH-CHARSET"));
	assert_int_equal(replaced, 7);
	assert_int_equal(b.len, 4);
	assert_int_equal(lf_charset_to_utf8("UTF-8//IGNORE", S("abc"), &b, NULL,
	                     NULL),
	    LF_E_NOTSUP);
	assert_int_equal(lf_charset_to_utf8("", S("abc"), &b, NULL, NULL),
	    LF_E_NOTSUP);
	assert_int_equal(lf_charset_to_utf8(NULL, S("abc"), &b, NULL, NULL),
	    LF_E_NOTSUP);
	assert_int_equal(lf_charset_to_utf8("/etc/passwd", S("abc"), &b, NULL,
	                     NULL),
	    LF_E_NOTSUP);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "keep", 4);
	lf_buf_release(&b);
}

static void
output_is_bounded(void **state)
{
	struct lf_buf b;
	struct lf_error e;
	static const char in[] = "=?utf-8?q?0123456789?= tail";

	(void)state;
	lf_buf_init(&b, 8);
	assert_int_equal(lf_rfc2047_decode(S(in), NULL, &b, NULL, NULL, &e),
	    LF_E_LIMIT);
	assert_int_equal(e.code, LF_E_LIMIT);
	assert_true(b.len <= 8);
	lf_buf_release(&b);
	lf_buf_init(&b, 4);
	assert_int_equal(lf_charset_to_utf8("latin1", S("\xe9\xe9\xe9"), &b,
	                     NULL, &e),
	    LF_E_LIMIT);
	assert_true(b.len <= 4);
	lf_buf_release(&b);
	/* Conversion in pieces: much more output than one iconv chunk. */
	{
		static uint8_t big[3000];
		struct lf_buf o;
		size_t i;

		memset(big, 0xe9, sizeof(big));
		lf_buf_init(&o, 6000);
		assert_int_equal(lf_charset_to_utf8("iso-8859-15", big,
		                     sizeof(big), &o, NULL, NULL),
		    LF_OK);
		assert_int_equal(o.len, 6000);
		for (i = 0; i < o.len; i += 2)
			assert_memory_equal(o.data + i, "\xc3\xa9", 2);
		lf_buf_release(&o);
	}
}

static void
allocation_failures(void **state)
{
	static const char in[] =
	    "Re: \xe9t\xe9 =?ISO-2022-JP?B?GyRCRg==?= =?ISO-2022-JP?B?fEtc?= "
	    "=?iso-2022-jp?B?OGwbKEI=?= =?x-foo?q?a?= (=?utf-8?q?=C3?="
	    "=?utf-8?b?qQ==?=)";
	struct lf_buf b;
	struct lf_error e;
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		lf_buf_init(&b, 4096);
		failalloc_after(n);
		rc = lf_rfc2047_decode(S(in), NULL, &b, NULL, NULL, &e);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		assert_int_equal(e.code, LF_E_NOMEM);
		lf_buf_release(&b);
		assert_true(n < 100);
	}
	assert_true(n > 0);
	assert_string_equal((char *)b.data,
	    "Re: \xc3\xa9t\xc3\xa9 " NIHONGO "a (\xc3\xa9)");
	lf_buf_release(&b);
	for (n = 0;; n++) {
		lf_buf_init(&b, 4096);
		failalloc_after(n);
		rc = lf_charset_to_utf8("cp932", S("\x93\xfa\x96\x7b"), &b,
		    NULL, &e);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		lf_buf_release(&b);
		assert_true(n < 100);
	}
	assert_string_equal((char *)b.data, "\xe6\x97\xa5\xe6\x9c\xac");
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc2047_section8_examples),
	    cmocka_unit_test(rfc2231_language),
	    cmocka_unit_test(japanese_split_across_words),
	    cmocka_unit_test(utf8_split_across_b_and_q),
	    cmocka_unit_test(converter_state_is_reset),
	    cmocka_unit_test(malformed_words_stay_literal),
	    cmocka_unit_test(lenient_decoding_is_reported),
	    cmocka_unit_test(glued_and_quoted_words),
	    cmocka_unit_test(unknown_charset),
	    cmocka_unit_test(raw_8bit_outside_words),
	    cmocka_unit_test(control_characters),
	    cmocka_unit_test(charset_aliases),
	    cmocka_unit_test(charset_bad_bytes),
	    cmocka_unit_test(charset_unknown_is_notsup),
	    cmocka_unit_test(output_is_bounded),
	    cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
