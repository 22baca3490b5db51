/*
 * Unit tests: compressed RTF (MS-OXRTFCP).  The two worked examples of
 * the specification (section 3.1), an uncompressed ("MELA") stream,
 * streams made here of literals only (long, so the dictionary wraps),
 * and damage: a wrong CRC, every truncation, sizes that disagree, and
 * output cut at the buffer's limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/rtfcp.h"

struct seen {
	char codes[512];
};

static void
note(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	(void)snprintf(s->codes + len, sizeof(s->codes) - len, "%s%s",
	    len > 0 ? " " : "", a->code);
}

/* Decompress into a buffer of at most max bytes. */
static int
run(const uint8_t *in, size_t n, size_t max, struct lf_buf *out, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	lf_buf_init(out, max);
	return lf_rtfcp_decompress(in, n, out, note, s, NULL);
}

static void
assert_text(const struct lf_buf *b, const char *want)
{
	assert_int_equal(b->len, strlen(want));
	assert_memory_equal(b->data, want, b->len);
}

/* MS-OXRTFCP 3.1.1: "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n". */
static const uint8_t hello[] = {0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00,
    0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00,
    0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
    0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64,
    0x7d, 0x0a, 0x80, 0x0f, 0xa0};
static const char hello_text[] =
    "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";

/* MS-OXRTFCP 3.1.2: a reference that overlaps what it writes. */
static const uint8_t wxyz[] = {0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00,
    0x4c, 0x5a, 0x46, 0x75, 0xe2, 0xd4, 0x4b, 0x51, 0x41, 0x00, 0x04, 0x20,
    0x57, 0x58, 0x59, 0x5a, 0x0d, 0x6e, 0x7d, 0x01, 0x0e, 0xb0};
static const char wxyz_text[] = "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}";

static void
specification_examples(void **state)
{
	struct lf_buf b;
	struct seen s;

	(void)state;
	assert_int_equal(run(hello, sizeof(hello), 1 << 20, &b, &s), LF_OK);
	assert_text(&b, hello_text);
	assert_string_equal(s.codes, "");
	lf_buf_release(&b);
	assert_int_equal(run(wxyz, sizeof(wxyz), 1 << 20, &b, &s), LF_OK);
	assert_text(&b, wxyz_text);
	assert_string_equal(s.codes, "");
	lf_buf_release(&b);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0;
	int k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c;
}

/*
 * A compressed stream of text written as literals only, ended by the
 * reference to the write position; *n receives its length.
 */
static uint8_t *
literals(const uint8_t *text, size_t len, size_t *n)
{
	uint8_t *s = malloc(16 + len + len / 8 + 4);
	size_t i = 0, o = 16, wpos = 207;
	unsigned bit = 0;
	size_t control = 0;

	assert_non_null(s);
	for (;;) {
		if (bit == 0) {
			control = o++;
			s[control] = 0;
		}
		if (i == len) {
			s[control] |= (uint8_t)(1u << bit);
			s[o++] = (uint8_t)(wpos >> 4);
			s[o++] = (uint8_t)((wpos & 0x0f) << 4);
			break;
		}
		s[o++] = text[i++];
		wpos = (wpos + 1) % 4096;
		bit = (bit + 1) % 8;
	}
	put32(s, (uint32_t)(o - 4));
	put32(s + 4, (uint32_t)len);
	memcpy(s + 8, "LZFu", 4);
	put32(s + 12, crc(s + 16, o - 16));
	*n = o;
	return s;
}

static void
long_literal_stream(void **state)
{
	size_t len = 100000, n, i;
	uint8_t *text = malloc(len), *s;
	struct lf_buf b;
	struct seen st;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < len; i++)
		text[i] = (uint8_t)(' ' + (i * 7) % 90);
	s = literals(text, len, &n);
	assert_int_equal(run(s, n, 1 << 20, &b, &st), LF_OK);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, text, len);
	assert_string_equal(st.codes, "");
	lf_buf_release(&b);
	/* Cut at the output limit: kept up to it, and said. */
	assert_int_equal(run(s, n, 1000, &b, &st), LF_OK);
	assert_int_equal(b.len, 1000);
	assert_memory_equal(b.data, text, 1000);
	assert_string_equal(st.codes, "rtf.too-large");
	lf_buf_release(&b);
	free(s);
	free(text);
}

static void
uncompressed_stream(void **state)
{
	uint8_t s[16 + 5];
	struct lf_buf b;
	struct seen st;

	(void)state;
	put32(s, sizeof(s) - 4);
	put32(s + 4, 5);
	memcpy(s + 8, "MELA", 4);
	put32(s + 12, 0);
	memcpy(s + 16, "{\\rt}", 5);
	assert_int_equal(run(s, sizeof(s), 100, &b, &st), LF_OK);
	assert_text(&b, "{\\rt}");
	assert_string_equal(st.codes, "");
	lf_buf_release(&b);
	/* Declared longer than it is. */
	put32(s + 4, 500);
	assert_int_equal(run(s, sizeof(s), 100, &b, &st), LF_OK);
	assert_text(&b, "{\\rt}");
	assert_string_equal(st.codes, "rtf.truncated");
	lf_buf_release(&b);
}

static void
damage(void **state)
{
	uint8_t bad[sizeof(hello)];
	struct lf_buf b;
	struct seen st;
	size_t cut;

	(void)state;
	/* A flipped CRC: the text is still there. */
	memcpy(bad, hello, sizeof(bad));
	bad[12] ^= 1;
	assert_int_equal(run(bad, sizeof(bad), 1 << 20, &b, &st), LF_OK);
	assert_text(&b, hello_text);
	assert_string_equal(st.codes, "rtf.bad-crc");
	lf_buf_release(&b);
	/* A wrong declared size. */
	memcpy(bad, hello, sizeof(bad));
	bad[4] = 0x2c;
	assert_int_equal(run(bad, sizeof(bad), 1 << 20, &b, &st), LF_OK);
	assert_text(&b, hello_text);
	assert_string_equal(st.codes, "rtf.size-mismatch");
	lf_buf_release(&b);
	/* Every truncation: a prefix of the text, and anomalies. */
	for (cut = 16; cut < sizeof(hello); cut++) {
		assert_int_equal(run(hello, cut, 1 << 20, &b, &st), LF_OK);
		assert_true(b.len <= strlen(hello_text));
		assert_true(
		    b.len == 0 || memcmp(b.data, hello_text, b.len) == 0);
		assert_non_null(strstr(st.codes, "rtf.truncated"));
		lf_buf_release(&b);
	}
	/* Not compressed RTF at all. */
	assert_int_equal(run(hello, 15, 100, &b, &st), LF_E_FORMAT);
	memcpy(bad, hello, sizeof(bad));
	memcpy(bad + 8, "ABCD", 4);
	assert_int_equal(run(bad, sizeof(bad), 100, &b, &st), LF_E_FORMAT);
	lf_buf_release(&b);
}

static void
out_of_memory(void **state)
{
	struct lf_buf b;
	struct seen st;
	int rc;

	(void)state;
	failalloc_after(0);
	rc = run(hello, sizeof(hello), 1 << 20, &b, &st);
	failalloc_off();
	assert_int_equal(rc, LF_E_NOMEM);
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(specification_examples),
	    cmocka_unit_test(long_literal_stream),
	    cmocka_unit_test(uncompressed_stream),
	    cmocka_unit_test(damage),
	    cmocka_unit_test(out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
