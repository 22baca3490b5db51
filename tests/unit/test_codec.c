/*
 * Unit tests: the decoder front end, identity, base64, quoted-printable
 * and uuencode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "lf/codec.h"

struct result {
	uint8_t out[70000];
	size_t nout;
	char codes[512]; /* anomaly codes, space separated */
	struct lf_decoder_info info;
};

static int
collect(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct result *r = arg;

	assert_int_equal(stream, LF_CODEC_MAIN);
	assert_true(r->nout + n <= sizeof(r->out));
	memcpy(r->out + r->nout, p, n);
	r->nout += n;
	return 0;
}

static void
note(void *arg, const struct lf_anomaly *a)
{
	struct result *r = arg;
	size_t len = strlen(r->codes);

	snprintf(r->codes + len, sizeof(r->codes) - len, "%s%s",
	    len > 0 ? " " : "", a->code);
}

/* Decode in pieces of `step' bytes (0: all at once). */
static void
decode(enum lf_codec codec, const char *in, size_t n, size_t step,
    struct result *r)
{
	struct lf_decoder *d;
	size_t off, k;

	memset(r, 0, sizeof(*r));
	assert_int_equal(lf_decoder_new(codec, collect, r, note, r, &d, NULL),
	    LF_OK);
	for (off = 0; off < n; off += k) {
		k = step == 0 || n - off < step ? n - off : step;
		assert_int_equal(lf_decoder_feed(d, (const uint8_t *)in + off,
		                     k),
		    LF_OK);
	}
	assert_int_equal(lf_decoder_finish(d), LF_OK);
	r->info = *lf_decoder_info(d);
	lf_decoder_free(d);
}

/* Every split gives the same bytes and anomalies. */
static void
check(enum lf_codec codec, const char *in, size_t n, const char *want,
    size_t want_len, const char *codes)
{
	static const size_t steps[] = {0, 1, 2, 3, 5, 64};
	struct result *r = malloc(sizeof(*r));
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		decode(codec, in, n, steps[i], r);
		assert_int_equal(r->nout, want_len);
		assert_memory_equal(r->out, want, want_len);
		assert_string_equal(r->codes, codes);
	}
	free(r);
}

#define CHECK(codec, in, want, codes) \
	check(codec, in, sizeof(in) - 1, want, sizeof(want) - 1, codes)

static void
base64_vectors(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	CHECK(LF_CODEC_BASE64, "", "", "");
	CHECK(LF_CODEC_BASE64, "Zg==", "f", "");
	CHECK(LF_CODEC_BASE64, "Zm8=", "fo", "");
	CHECK(LF_CODEC_BASE64, "Zm9v", "foo", "");
	CHECK(LF_CODEC_BASE64, "Zm9vYg==", "foob", "");
	CHECK(LF_CODEC_BASE64, "Zm9vYmE=", "fooba", "");
	CHECK(LF_CODEC_BASE64, "Zm9vYmFy", "foobar", "");
	/* Line breaks and blanks anywhere are nothing. */
	CHECK(LF_CODEC_BASE64, "Zm9v\r\nYm Fy\n", "foobar", "");
	CHECK(LF_CODEC_BASE64, "AAEC/f7/", "\x00\x01\x02\xfd\xfe\xff", "");
}

static void
base64_damage(void **state)
{
	(void)state;
	CHECK(LF_CODEC_BASE64, "Zm9vYg", "foob", "base64.missing-padding");
	CHECK(LF_CODEC_BASE64, "Zm9vYmE", "fooba", "base64.missing-padding");
	CHECK(LF_CODEC_BASE64, "Zm9vY", "foo", "base64.truncated");
	CHECK(LF_CODEC_BASE64, "Zm9v!!Ym*Fy", "foobar", "base64.bad-char");
	CHECK(LF_CODEC_BASE64, "Zg==Zm8=", "ffo", "base64.data-after-padding");
	CHECK(LF_CODEC_BASE64, "=Zm9v", "foo", "base64.misplaced-padding");
	CHECK(LF_CODEC_BASE64, "Zg=", "f", "base64.missing-padding");
	CHECK(LF_CODEC_BASE64, "Zg===", "f", "base64.misplaced-padding");
}

static void
qp_vectors(void **state)
{
	(void)state;
	CHECK(LF_CODEC_QP, "caf=C3=A9", "caf\xc3\xa9", "");
	CHECK(LF_CODEC_QP, "caf=c3=a9", "caf\xc3\xa9", "");
	/* Soft breaks, with CRLF, LF, and blanks after the "=". */
	CHECK(LF_CODEC_QP, "long=\r\nline=\nend= \t\r\nx", "longlineendx", "");
	/* Hard line breaks decode as CRLF; trailing blanks go. */
	CHECK(LF_CODEC_QP, "a  \r\nb\t\nc", "a\r\nb\r\nc",
	    "qp.trailing-blanks");
	CHECK(LF_CODEC_QP, "a b\tc", "a b\tc", "");
	/* A bare CR is data. */
	CHECK(LF_CODEC_QP, "a\rb\r", "a\rb\r", "");
	/* "=" at the very end is a soft break. */
	CHECK(LF_CODEC_QP, "end=", "end", "");
}

static void
qp_damage(void **state)
{
	(void)state;
	CHECK(LF_CODEC_QP, "50=%", "50=%", "qp.bad-escape");
	CHECK(LF_CODEC_QP, "=G1=4", "=G1=4", "qp.bad-escape");
	CHECK(LF_CODEC_QP, "a=  b", "a=  b", "qp.bad-escape");
	CHECK(LF_CODEC_QP, "x=4\ny", "x=4\r\ny", "qp.bad-escape");
}

static void
identity_and_names(void **state)
{
	bool known;

	(void)state;
	CHECK(LF_CODEC_IDENTITY, "as\0is\r\n", "as\0is\r\n", "");
	assert_int_equal(lf_codec_from_cte((const uint8_t *)" Base64\r\n", 9,
	                     &known),
	    LF_CODEC_BASE64);
	assert_true(known);
	assert_int_equal(lf_codec_from_cte((const uint8_t *)"x-uue", 5, &known),
	    LF_CODEC_UUENCODE);
	assert_int_equal(lf_codec_from_cte((const uint8_t *)"base64 ", 7,
	                     &known),
	    LF_CODEC_BASE64);
	assert_true(known);
	assert_int_equal(lf_codec_from_cte((const uint8_t *)"base-64", 7,
	                     &known),
	    LF_CODEC_IDENTITY);
	assert_false(known);
	assert_string_equal(lf_codec_name(LF_CODEC_QP), "quoted-printable");
}

/* uuencode of "hello world, this is a uuencode test with more than 45
 * bytes of data!!\n" by Python's binascii.b2a_uu (spaces, not '`'). */
#define UU_TEXT                                                            \
	"hello world, this is a uuencode test with more than 45 bytes of " \
	"data!!\n"
#define UU_LINE1 \
	"M:&5L;&\\@=V]R;&0L('1H:7,@:7,@82!U=65N8V]D92!T97-T('=I=&@@;6]R\n"
#define UU_LINE2 ":92!T:&%N(#0U(&)Y=&5S(&]F(&1A=&$A(0H \n"

static void
uuencode_blocks(void **state)
{
	struct result *r = malloc(sizeof(*r));

	(void)state;
	CHECK(LF_CODEC_UUENCODE,
	    "begin 644 in.txt\n" UU_LINE1 UU_LINE2 "`\nend\n", UU_TEXT, "");
	decode(LF_CODEC_UUENCODE,
	    "begin 644 in.txt\r\n" UU_LINE1 UU_LINE2 "`\nend\n",
	    strlen("begin 644 in.txt\r\n" UU_LINE1 UU_LINE2 "`\nend\n"), 0, r);
	assert_true(r->info.has_name);
	assert_int_equal(r->info.name_len, 6);
	assert_memory_equal(r->info.name, "in.txt", 6);
	assert_true(r->info.has_mode);
	assert_int_equal(r->info.mode, 0644);
	assert_true(r->info.complete);
	/* Trailing spaces stripped by a mailer: the missing characters
	 * were zeros, and the data is whole. */
	CHECK(LF_CODEC_UUENCODE,
	    "begin 644 x\n" UU_LINE1 ":92!T:&%N(#0U(&)Y=&5S(&]F(&1A=&$A(0H\n"
	    "`\nend\n",
	    UU_TEXT, "uu.short-line");
	/* Text around the block, a missing end, no block at all. */
	CHECK(LF_CODEC_UUENCODE,
	    "see below\nbegin 600 y\n" UU_LINE2 "end\ntrailer\n",
	    "e than 45 bytes of data!!\n", "uu.text-before uu.text-after");
	CHECK(LF_CODEC_UUENCODE, "begin 644 z\n" UU_LINE2,
	    "e than 45 bytes "
	    "of data!!\n",
	    "uu.no-end");
	CHECK(LF_CODEC_UUENCODE, "nothing here\n", "",
	    "uu.text-before uu.no-begin");
	free(r);
}

static int
stop_at_once(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)stream;
	(void)p;
	(void)n;
	return 77;
}

static void
output_can_stop(void **state)
{
	struct lf_decoder *d;

	(void)state;
	assert_int_equal(lf_decoder_new(LF_CODEC_BASE64, stop_at_once, NULL,
	                     NULL, NULL, &d, NULL),
	    LF_OK);
	assert_int_equal(lf_decoder_feed(d, (const uint8_t *)"Zm9v", 4), 77);
	assert_int_equal(lf_decoder_feed(d, (const uint8_t *)"Zm9v", 4), 77);
	assert_int_equal(lf_decoder_finish(d), 77);
	lf_decoder_free(d);
	assert_int_equal(lf_decoder_new(99, stop_at_once, NULL, NULL, NULL, &d,
	                     NULL),
	    LF_E_INVAL);
	lf_decoder_free(NULL);
}

/*
 * A decoder reset after damaged, unfinished or stopped input decodes the
 * next input as a new one does: the same bytes, anomalies and framing.
 */
static void
reset_is_new(void **state)
{
	static const struct {
		enum lf_codec codec;
		const char *first, *second;
	} cases[] = {
	    {LF_CODEC_BASE64, "Zm9vY", "YWJjZA==\r\n"},
	    {LF_CODEC_BASE64, "QQ==QUJD", "Zm9v!YmFy"},
	    {LF_CODEC_QP, "abc=4", "x=3D1=\r\ny"},
	    {LF_CODEC_UUENCODE, "begin 644 a.txt\n#86)C\n",
	        "begin 600 b.bin\n#86)C\n`\nend\n"},
	};
	struct result fresh, *reused;
	struct lf_decoder *d;
	size_t i;

	(void)state;
	assert_non_null(reused = malloc(sizeof(*reused)));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decode(cases[i].codec, cases[i].second, strlen(cases[i].second),
		    0, &fresh);
		memset(reused, 0, sizeof(*reused));
		assert_int_equal(lf_decoder_new(cases[i].codec, collect, reused,
		                     note, reused, &d, NULL),
		    LF_OK);
		assert_int_equal(lf_decoder_codec(d), cases[i].codec);
		(void)lf_decoder_feed(d, (const uint8_t *)cases[i].first,
		    strlen(cases[i].first));
		lf_decoder_reset(d);
		memset(reused, 0, sizeof(*reused));
		assert_int_equal(lf_decoder_feed(d,
		                     (const uint8_t *)cases[i].second,
		                     strlen(cases[i].second)),
		    LF_OK);
		assert_int_equal(lf_decoder_finish(d), LF_OK);
		reused->info = *lf_decoder_info(d);
		lf_decoder_free(d);
		assert_int_equal(reused->nout, fresh.nout);
		assert_memory_equal(reused->out, fresh.out, fresh.nout);
		assert_string_equal(reused->codes, fresh.codes);
		assert_memory_equal(&reused->info, &fresh.info,
		    sizeof(fresh.info));
	}
	/* A stopped decoder goes again once reset. */
	assert_int_equal(lf_decoder_new(LF_CODEC_BASE64, stop_at_once, NULL,
	                     NULL, NULL, &d, NULL),
	    LF_OK);
	assert_int_equal(lf_decoder_feed(d, (const uint8_t *)"Zm9v", 4), 77);
	lf_decoder_reset(d);
	assert_int_equal(lf_decoder_feed(d, (const uint8_t *)"Zm9", 3), LF_OK);
	lf_decoder_free(d);
	free(reused);
}

/*
 * The fast paths (32 bytes at a time, lf_codec_simd.c) against the byte
 * at a time paths: fed one byte at a time a decoder never takes a fast
 * path, fed whole it takes them wherever it can.  Both must give the same
 * bytes and anomalies, for clean input and for input with any byte value
 * put in at any place of a stretch the fast path would take.
 */
static void
same_either_way(enum lf_codec codec, const char *in, size_t n)
{
	struct result *slow = malloc(sizeof(*slow)),
	              *fast = malloc(sizeof(*fast));

	assert_non_null(slow);
	assert_non_null(fast);
	decode(codec, in, n, 1, slow);
	decode(codec, in, n, 0, fast);
	assert_int_equal(fast->nout, slow->nout);
	assert_memory_equal(fast->out, slow->out, slow->nout);
	assert_string_equal(fast->codes, slow->codes);
	free(slow);
	free(fast);
}

/*
 * data in base64 by OpenSSL's encoder: lines of 76 characters ending in
 * CRLF when lines, else one line.
 */
static size_t
b64_encode(const uint8_t *data, size_t n, bool lines, char *out)
{
	size_t i, k, o = 0, step = lines ? 57 : n;

	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		o += (size_t)EVP_EncodeBlock((unsigned char *)out + o, data + i,
		    (int)k);
		if (lines) {
			out[o++] = '\r';
			out[o++] = '\n';
		}
	}
	return o;
}

static void
base64_fast_path(void **state)
{
	static uint8_t data[3000];
	static char text[4200];
	struct result *r = malloc(sizeof(*r));
	size_t i, n, at;
	unsigned v;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7919 >> 3 ^ i);
	/* Clean, in lines and in one line: the data back. */
	n = b64_encode(data, sizeof(data), true, text);
	decode(LF_CODEC_BASE64, text, n, 0, r);
	assert_int_equal(r->nout, sizeof(data));
	assert_memory_equal(r->out, data, sizeof(data));
	assert_string_equal(r->codes, "");
	n = b64_encode(data, sizeof(data), false, text);
	decode(LF_CODEC_BASE64, text, n, 0, r);
	assert_int_equal(r->nout, sizeof(data));
	assert_memory_equal(r->out, data, sizeof(data));
	/* Every byte value at every place of a 96-character stretch. */
	n = b64_encode(data, 150, false, text);
	for (at = 30; at < 30 + 96; at++) {
		for (v = 0; v < 256; v++) {
			char keep = text[at];
			text[at] = (char)v;
			same_either_way(LF_CODEC_BASE64, text, n);
			text[at] = keep;
		}
	}
	free(r);
}

static void
qp_fast_path(void **state)
{
	static const char *const words[] = {"plain", "=3D", "tab\t", " ", "  ",
	    "=\r\n", "\r\n", "caf=C3=A9", "x=", "=4", "\n", "\t ",
	    "longer-words-without-blanks", "\xe9\xff", "a b c d e f", " \r\n"};
	static char text[6000];
	size_t n = 0, at;
	unsigned v, seed = 12345;

	(void)state;
	while (n < sizeof(text) - 64) {
		const char *w;
		seed = seed * 1103515245u + 12345u;
		w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
		/* Mostly plain text, so that the fast path has runs. */
		if ((seed >> 8) % 4 != 0)
			w = "Lorem ipsum dolor sit amet, consectetur ";
		memcpy(text + n, w, strlen(w));
		n += strlen(w);
	}
	same_either_way(LF_CODEC_QP, text, n);
	for (at = 0; at < 70; at++) {
		for (v = 0; v < 256; v++) {
			char keep = text[at];
			text[at] = (char)v;
			same_either_way(LF_CODEC_QP, text, 140);
			text[at] = keep;
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(base64_vectors),
	    cmocka_unit_test(base64_damage),
	    cmocka_unit_test(qp_vectors),
	    cmocka_unit_test(qp_damage),
	    cmocka_unit_test(identity_and_names),
	    cmocka_unit_test(uuencode_blocks),
	    cmocka_unit_test(output_can_stop),
	    cmocka_unit_test(reset_is_new),
	    cmocka_unit_test(base64_fast_path),
	    cmocka_unit_test(qp_fast_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
