/*
 * Unit tests: the BinHex 4.0 decoder, through the public lf_decoder API.
 *
 * The two known vectors were written by independent encoders, and their
 * decoded bytes are checked against originals made here:
 *   - notes_hqx: Perl's Convert::BinHex 1.125 (Debian libconvert-binhex-
 *     perl), with a data and a resource fork:
 *       $h = Convert::BinHex->new; $h->filename("notes.txt");
 *       $h->type("TEXT"); $h->creator("ttxt");
 *       $h->data(Data => "Hello from BinHex\r\x90\x00\xff\x90\x90 end");
 *       $h->resource(Data => "RSRC\x90\x90xyz\x00\x01");
 *       $h->encode(\*STDOUT);
 *   - runs_hqx: macutils 2.0b3 binhex(1) (`binhex -d -t BINA -c lfts
 *     runs.dat'), which compresses runs, and writes its own marker line.
 * macutils' hexbin(1) decodes both to the same forks, and Python's
 * binascii.crc_hqx() gives the CRCs they carry.
 *
 * Damaged inputs are made by a small encoder here, whose CRC is the
 * original bit-by-bit BinHex algorithm, not the decoder's table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/codec.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1
#define MAX_ANOMALIES 64

static const char notes_hqx[] =
    "(This file must be converted with BinHex 4.0)\n"
    ":#@j[G'9c,R4iG!\"849K8G(4iG!!!!!!!'`!!!!ZS`%KPE'a[)'CbEfdJ3QPZ5'9\n"
    "i$C!!!2q3!*!!)'9ZC-!Y8P053j!!N!\"iHAS!!H'D:\n";

static const uint8_t notes_data[] =
    "Hello from BinHex\r\x90\x00\xff\x90\x90 end";
static const uint8_t notes_rsrc[] = "RSRC\x90\x90xyz\x00\x01";

static const char runs_hqx[] =
    "(This file must be converted; you knew that already.)\n"
    "\n"
    ":#(*eER-ZC'&d!%**6N&XCR4c!!!!!!)j!!!!!+qk8P911J#3r`#3,C!!N!#3!*!\n"
    "!N!\"KBQ-!!3)$\"!8'\"`J*#JX-$3i2%\"%5%a39&KFB'4SE(\"dH(b!K)L-N*5BR+#N\n"
    "U+b`Y,Lm`-6)c0$8f0cJj1MXm26ir3%&#3d4&4NG)58T,6%e16e\"48P0899CA@&P\n"
    "D@eaGAPpJB@*MC'9QCfKTDQYXE@j[F(&bFh4eGRGiHATlI(eqIi#\"JS1%KBD(L)Q\n"
    "+Lib0MSq3!*'5Nj59PTHBQCUER*fHRk#KSU1NTDDRU+QUUkbYVUq`XE+cY,@fYlL\n"
    "jZVZm[Ekr`-(#`m6&aXI)bFV,c-h1cp$4dY28eGEAf0RDfpcGhYrJiH,Mj1AQjqM\n"
    "TkZ[XlHl[m2(bmr6ep[IiqIVlr2hqr`VH53!!:\n";

/* "RUN:", 300 zeros, five 0x90, "abc", every byte value, "\n". */
#define RUNS_LEN 569

static void
runs_data(uint8_t want[RUNS_LEN])
{
	int i;

	memcpy(want, "RUN:", 4);
	memset(want + 4, 0, 300);
	memset(want + 304, 0x90, 5);
	memcpy(want + 309, "abc", 3);
	for (i = 0; i < 256; i++)
		want[312 + i] = (uint8_t)i;
	want[568] = '\n';
}

struct capture {
	uint8_t *out[2]; /* LF_CODEC_MAIN, LF_CODEC_RESOURCE */
	size_t len[2], cap[2];
	unsigned bad_stream;
	int stop;                         /* returned by out, when non-zero */
	const char *codes[MAX_ANOMALIES]; /* the first ones */
	enum lf_severity sev[MAX_ANOMALIES];
	uint64_t offs[MAX_ANOMALIES];
	const char *details[MAX_ANOMALIES];
	size_t nanom; /* all of them */
	struct lf_decoder_info info;
};

static int
cap_out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct capture *c = arg;

	assert_true(n > 0);
	if (stream > LF_CODEC_RESOURCE) {
		c->bad_stream++;
		return c->stop;
	}
	if (c->len[stream] + n > c->cap[stream]) {
		c->cap[stream] = (c->len[stream] + n) * 2;
		c->out[stream] = realloc(c->out[stream], c->cap[stream]);
		assert_non_null(c->out[stream]);
	}
	memcpy(c->out[stream] + c->len[stream], p, n);
	c->len[stream] += n;
	return c->stop;
}

static void
cap_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct capture *c = arg;

	assert_non_null(a->code);
	if (c->nanom < MAX_ANOMALIES) {
		c->codes[c->nanom] = a->code;
		c->sev[c->nanom] = a->severity;
		c->offs[c->nanom] = a->offset;
		c->details[c->nanom] = a->detail;
	}
	c->nanom++;
}

/* Decode n bytes at p fed `piece' bytes at a time (0: all at once). */
static void
decode(struct capture *c, const uint8_t *p, size_t n, size_t piece)
{
	struct lf_decoder *d;
	size_t i, k;

	memset(c, 0, sizeof(*c));
	assert_int_equal(lf_decoder_new(LF_CODEC_BINHEX, cap_out, c,
	                     cap_anomaly, c, &d, NULL),
	    LF_OK);
	if (piece == 0)
		piece = n > 0 ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < piece ? n - i : piece;
		assert_int_equal(lf_decoder_feed(d, p + i, k), LF_OK);
	}
	assert_int_equal(lf_decoder_finish(d), LF_OK);
	c->info = *lf_decoder_info(d);
	lf_decoder_free(d);
	assert_int_equal(c->bad_stream, 0);
}

static void
release(struct capture *c)
{
	free(c->out[0]);
	free(c->out[1]);
	c->out[0] = c->out[1] = NULL;
}

static size_t
count(const struct capture *c, const char *code)
{
	size_t i, k = 0;

	assert_true(c->nanom <= MAX_ANOMALIES);
	for (i = 0; i < c->nanom; i++)
		k += strcmp(c->codes[i], code) == 0;
	return k;
}

static void
expect_only(const struct capture *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->nanom && i < MAX_ANOMALIES; i++) {
		if (code == NULL || strcmp(c->codes[i], code) != 0)
			fail_msg("unexpected anomaly %s", c->codes[i]);
	}
	assert_int_equal(c->nanom, code != NULL ? 1 : 0);
}

/*
 * A small encoder for damaged inputs.  The CRC is BinHex's own: each bit
 * shifted into a 16-bit register, 0x1021 added when one falls out, two
 * zero bytes at the end.
 */
struct hqx {
	uint8_t bin[2048]; /* run-length encoded */
	size_t nbin;
	uint16_t crc;
	char text[4096];
	size_t ntext;
};

static void
crc_shift(uint16_t *crc, uint8_t c)
{
	int k;

	for (k = 7; k >= 0; k--) {
		bool top = (*crc & 0x8000) != 0;
		*crc = (uint16_t)(*crc << 1 | (c >> k & 1));
		if (top)
			*crc ^= 0x1021;
	}
}

/* Raw bytes of the run-length layer (runs and all). */
static void
put_rle(struct hqx *h, const void *p, size_t n)
{
	assert_true(n <= sizeof(h->bin) - h->nbin);
	memcpy(h->bin + h->nbin, p, n);
	h->nbin += n;
}

/* File bytes: counted in the CRC, 0x90 written as 0x90 0x00. */
static void
put(struct hqx *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		crc_shift(&h->crc, b[i]);
		put_rle(h, &b[i], 1);
		if (b[i] == 0x90)
			put_rle(h, "", 1);
	}
}

static void
put_be32(struct hqx *h, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v};

	put(h, b, 4);
}

static void
hqx_reset(struct hqx *h)
{
	memset(h, 0, sizeof(*h));
}

/* The CRC of what was put since the last one, plus delta, and a reset. */
static void
put_crc(struct hqx *h, uint16_t delta)
{
	uint8_t b[2];

	crc_shift(&h->crc, 0);
	crc_shift(&h->crc, 0);
	h->crc ^= delta;
	b[0] = (uint8_t)(h->crc >> 8);
	b[1] = (uint8_t)h->crc;
	put(h, b, 2);
	h->crc = 0;
}

/* The header, with delta added to its CRC (0: a good one). */
static void
put_header(struct hqx *h, const char *name, uint32_t dlen, uint32_t rlen,
    uint16_t delta)
{
	uint8_t n = (uint8_t)strlen(name);

	put(h, &n, 1);
	put(h, name, n);
	put(h, "\0APPLaust\0\0", 11); /* version, type, creator, flags */
	put_be32(h, dlen);
	put_be32(h, rlen);
	put_crc(h, delta);
}

/* The text: marker, ':', 64 characters a line, ':'. */
static const uint8_t *
hqx_text(struct hqx *h, size_t *n)
{
	static const char alphabet[] =
	    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
	static const char marker[] =
	    "(This file must be converted with BinHex 4.0)\r\n:";
	size_t i, col = 1;
	uint32_t bits = 0;
	int nbits = 0;

	memcpy(h->text, marker, sizeof(marker) - 1);
	h->ntext = sizeof(marker) - 1;
	for (i = 0; i <= h->nbin; i++) {
		if (i < h->nbin) {
			bits = bits << 8 | h->bin[i];
			nbits += 8;
		} else if (nbits > 0) { /* the last character's zero bits */
			bits <<= 6 - nbits;
			nbits = 6;
		}
		while (nbits >= 6) {
			nbits -= 6;
			h->text[h->ntext++] = alphabet[bits >> nbits & 63];
			if (++col == 64) {
				h->text[h->ntext++] = '\n';
				col = 0;
			}
		}
		assert_true(h->ntext + 8 < sizeof(h->text));
	}
	h->text[h->ntext++] = ':';
	h->text[h->ntext++] = '\n';
	*n = h->ntext;
	return (const uint8_t *)h->text;
}

static void
decodes_convert_binhex(void **state)
{
	struct capture c;

	(void)state;
	decode(&c, S(notes_hqx), 0);
	expect_only(&c, NULL);
	assert_int_equal(c.len[LF_CODEC_MAIN], sizeof(notes_data) - 1);
	assert_memory_equal(c.out[LF_CODEC_MAIN], notes_data,
	    sizeof(notes_data) - 1);
	assert_int_equal(c.len[LF_CODEC_RESOURCE], sizeof(notes_rsrc) - 1);
	assert_memory_equal(c.out[LF_CODEC_RESOURCE], notes_rsrc,
	    sizeof(notes_rsrc) - 1);
	assert_true(c.info.has_name);
	assert_int_equal(c.info.name_len, 9);
	assert_memory_equal(c.info.name, "notes.txt", 9);
	assert_memory_equal(c.info.mac_type, "TEXT", 4);
	assert_memory_equal(c.info.mac_creator, "ttxt", 4);
	assert_true(c.info.has_size);
	assert_int_equal(c.info.size, 27);
	assert_int_equal(c.info.resource_size, 11);
	assert_true(c.info.has_crc);
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	release(&c);
}

static void
decodes_macutils_runs(void **state)
{
	uint8_t want[RUNS_LEN];
	struct capture c;

	(void)state;
	runs_data(want);
	decode(&c, S(runs_hqx), 0);
	expect_only(&c, NULL);
	assert_int_equal(c.len[LF_CODEC_MAIN], RUNS_LEN);
	assert_memory_equal(c.out[LF_CODEC_MAIN], want, RUNS_LEN);
	assert_int_equal(c.len[LF_CODEC_RESOURCE], 0);
	assert_memory_equal(c.info.name, "runs.dat", 8);
	assert_memory_equal(c.info.mac_type, "BINA", 4);
	assert_memory_equal(c.info.mac_creator, "lfts", 4);
	assert_int_equal(c.info.size, RUNS_LEN);
	assert_int_equal(c.info.resource_size, 0);
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	release(&c);
}

static void
info_equal(const struct lf_decoder_info *a, const struct lf_decoder_info *b)
{
	assert_int_equal(a->has_name, b->has_name);
	assert_int_equal(a->name_len, b->name_len);
	assert_memory_equal(a->name, b->name, a->name_len);
	assert_int_equal(a->has_size, b->has_size);
	assert_int_equal(a->size, b->size);
	assert_int_equal(a->resource_size, b->resource_size);
	assert_memory_equal(a->mac_type, b->mac_type, 4);
	assert_memory_equal(a->mac_creator, b->mac_creator, 4);
	assert_int_equal(a->has_crc, b->has_crc);
	assert_int_equal(a->crc_ok, b->crc_ok);
	assert_int_equal(a->complete, b->complete);
}

/* The same bytes and anomalies however the input is cut. */
static void
check_splits(const uint8_t *p, size_t n)
{
	static const size_t pieces[] = {1, 2, 3, 5, 7, 64, 4096};
	struct capture whole, c;
	size_t i, k, s;

	decode(&whole, p, n, 0);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		decode(&c, p, n, pieces[i]);
		for (s = 0; s < 2; s++) {
			assert_int_equal(c.len[s], whole.len[s]);
			if (c.len[s] > 0)
				assert_memory_equal(c.out[s], whole.out[s],
				    c.len[s]);
		}
		assert_int_equal(c.nanom, whole.nanom);
		for (k = 0; k < c.nanom && k < MAX_ANOMALIES; k++) {
			assert_string_equal(c.codes[k], whole.codes[k]);
			assert_int_equal(c.offs[k], whole.offs[k]);
		}
		info_equal(&c.info, &whole.info);
		release(&c);
	}
	release(&whole);
}

static void
any_split_gives_the_same(void **state)
{
	static const char damaged[] =
	    "text (This file (This file must be converted with BinHex 4.0)\n"
	    ":#@j[G'9c,R4iG!\"849K8G(4iG!!!!!!!'`!!!!ZS`%KPE'a[)'CbEfdJ3QP\n"
	    "Z5'9i$C!!!2q3!*~!)'9ZC-!Y8P053j!!N!\"iH";

	(void)state;
	check_splits(S(notes_hqx));
	check_splits(S(runs_hqx));
	check_splits(S(damaged));
}

static void
bad_chars_are_skipped(void **state)
{
	char buf[sizeof(notes_hqx) + 8];
	struct capture c;
	size_t at = 60;

	(void)state;
	/* 'o', 'g' and '7' are not in the alphabet; the tab is a blank. */
	memcpy(buf, notes_hqx, at);
	memcpy(buf + at, "o\tg7", 4);
	memcpy(buf + at + 4, notes_hqx + at, sizeof(notes_hqx) - at);
	decode(&c, (const uint8_t *)buf, sizeof(notes_hqx) + 3, 0);
	expect_only(&c, "binhex.bad-char");
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_int_equal(c.offs[0], at);
	assert_memory_equal(c.out[LF_CODEC_MAIN], notes_data,
	    sizeof(notes_data) - 1);
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	release(&c);
}

static void
truncated(void **state)
{
	char buf[sizeof(notes_hqx)];
	struct capture c;
	size_t n = 100; /* in the data fork */

	(void)state;
	memcpy(buf, notes_hqx, n);
	buf[n] = ':';
	decode(&c, (const uint8_t *)buf, n + 1, 0);
	expect_only(&c, "binhex.truncated");
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_int_equal(c.offs[0], n);
	assert_string_equal(c.details[0], "in the data fork");
	assert_true(c.len[LF_CODEC_MAIN] > 0);
	assert_true(c.len[LF_CODEC_MAIN] < sizeof(notes_data) - 1);
	assert_memory_equal(c.out[LF_CODEC_MAIN], notes_data,
	    c.len[LF_CODEC_MAIN]);
	assert_int_equal(c.len[LF_CODEC_RESOURCE], 0);
	assert_true(c.info.has_name);
	assert_true(c.info.has_crc); /* the header's */
	assert_false(c.info.crc_ok);
	assert_false(c.info.complete);
	release(&c);

	/* No closing ':' either. */
	decode(&c, (const uint8_t *)buf, n, 0);
	assert_int_equal(c.nanom, 2);
	assert_string_equal(c.codes[0], "binhex.no-end");
	assert_int_equal(c.sev[0], LF_SEV_LOW);
	assert_string_equal(c.codes[1], "binhex.truncated");
	assert_int_equal(c.offs[1], n);
	assert_false(c.info.complete);
	release(&c);

	/* Cut in the header: nothing is known. */
	decode(&c, (const uint8_t *)notes_hqx, 60, 0);
	assert_int_equal(count(&c, "binhex.truncated"), 1);
	assert_false(c.info.has_name);
	assert_false(c.info.has_size);
	assert_false(c.info.has_crc);
	release(&c);

	/* The marker and nothing else. */
	decode(&c, S("(This file must be converted with BinHex 4.0)\n"), 0);
	assert_int_equal(count(&c, "binhex.no-end"), 1);
	assert_int_equal(count(&c, "binhex.truncated"), 1);
	assert_int_equal(c.nanom, 2);
	release(&c);
}

static void
missing_end(void **state)
{
	struct capture c;
	size_t n = sizeof(notes_hqx) - 3; /* without ":\n" */

	(void)state;
	assert_int_equal(notes_hqx[n], ':');
	decode(&c, (const uint8_t *)notes_hqx, n, 0);
	expect_only(&c, "binhex.no-end");
	assert_int_equal(c.offs[0], n);
	assert_memory_equal(c.out[LF_CODEC_RESOURCE], notes_rsrc,
	    sizeof(notes_rsrc) - 1);
	assert_true(c.info.crc_ok);
	assert_false(c.info.complete);
	release(&c);
}

static void
bad_crcs(void **state)
{
	static const char *const what[] = {"header", "data fork",
	    "resource fork"};
	const uint8_t *t;
	struct hqx h;
	struct capture c;
	size_t n;
	int which;

	(void)state;
	/* The encoder agrees with the real ones. */
	hqx_reset(&h);
	put_header(&h, "x", 3, 2, 0);
	put(&h, "abc", 3);
	put_crc(&h, 0);
	put(&h, "\x90z", 2);
	put_crc(&h, 0);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, NULL);
	assert_true(c.info.crc_ok);
	assert_memory_equal(c.out[LF_CODEC_MAIN], "abc", 3);
	assert_memory_equal(c.out[LF_CODEC_RESOURCE], "\x90z", 2);
	release(&c);

	for (which = 0; which < 3; which++) {
		hqx_reset(&h);
		put_header(&h, "x", 3, 2, which == 0 ? 1 : 0);
		put(&h, "abc", 3);
		put_crc(&h, which == 1 ? 0x8000 : 0);
		put(&h, "\x90z", 2);
		put_crc(&h, which == 2 ? 0x0100 : 0);
		t = hqx_text(&h, &n);
		decode(&c, t, n, 0);
		expect_only(&c, "binhex.bad-crc");
		assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
		assert_string_equal(c.details[0], what[which]);
		assert_true(c.info.has_crc);
		assert_false(c.info.crc_ok);
		assert_true(c.info.complete);
		/* The bytes are passed on all the same. */
		assert_memory_equal(c.out[LF_CODEC_MAIN], "abc", 3);
		assert_memory_equal(c.out[LF_CODEC_RESOURCE], "\x90z", 2);
		release(&c);
	}
}

static void
huge_declared_lengths(void **state)
{
	const uint8_t *t;
	struct hqx h;
	struct capture c;
	size_t n;

	(void)state;
	hqx_reset(&h);
	put_header(&h, "big", 0xffffffff, 0xffffffff, 0);
	put(&h, "0123456789", 10);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 1);
	expect_only(&c, "binhex.truncated");
	assert_string_equal(c.details[0], "in the data fork");
	assert_int_equal(c.len[LF_CODEC_MAIN], 10);
	assert_memory_equal(c.out[LF_CODEC_MAIN], "0123456789", 10);
	assert_true(c.info.has_size);
	assert_int_equal(c.info.size, 0xffffffff);
	assert_int_equal(c.info.resource_size, 0xffffffff);
	assert_false(c.info.complete);
	release(&c);
}

static void
longest_name(void **state)
{
	const uint8_t *t;
	struct hqx h;
	struct capture c;
	char name[256];
	size_t n;

	(void)state;
	memset(name, 'n', 255);
	name[255] = '\0';
	hqx_reset(&h);
	put_header(&h, name, 0, 0, 0);
	put_crc(&h, 0);
	put_crc(&h, 0);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, NULL);
	assert_int_equal(c.info.name_len, 255);
	assert_int_equal(c.info.name[254], 'n');
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	assert_int_equal(c.len[0] + c.len[1], 0);
	release(&c);
}

static void
excess_data(void **state)
{
	const uint8_t *t;
	struct hqx h;
	struct capture c;
	size_t n;

	(void)state;
	/* Two zero bytes fill the last group: not worth a word. */
	hqx_reset(&h);
	put_header(&h, "e", 1, 0, 0);
	put(&h, "a", 1);
	put_crc(&h, 0);
	put_crc(&h, 0);
	put_rle(&h, "\0\0", 2);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, NULL);
	assert_true(c.info.complete);
	release(&c);

	put_rle(&h, "\0", 1);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, "binhex.excess-data");
	release(&c);

	/* Hidden bytes after the resource fork are not passed on. */
	hqx_reset(&h);
	put_header(&h, "e", 1, 0, 0);
	put(&h, "a", 1);
	put_crc(&h, 0);
	put_crc(&h, 0);
	put(&h, "hidden", 6);
	put_rle(&h, "\x90\xff", 2);
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, "binhex.excess-data");
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_int_equal(c.len[LF_CODEC_MAIN], 1);
	assert_int_equal(c.len[LF_CODEC_RESOURCE], 0);
	assert_true(c.info.complete);
	release(&c);
}

static void
bad_runs(void **state)
{
	const uint8_t *t;
	struct hqx h;
	struct capture c;
	size_t n;

	(void)state;
	hqx_reset(&h);
	put_rle(&h, "\x90\x05", 2); /* a run before any byte */
	put_header(&h, "r", 4, 0, 0);
	/* "a" and a run of 4 in all: "aaaa". */
	crc_shift(&h.crc, 'a');
	crc_shift(&h.crc, 'a');
	crc_shift(&h.crc, 'a');
	crc_shift(&h.crc, 'a');
	put_rle(&h, "a\x90\x04", 3);
	put_crc(&h, 0);
	put_crc(&h, 0);
	put_rle(&h, "\x90", 1); /* and a run with no count */
	t = hqx_text(&h, &n);
	decode(&c, t, n, 0);
	expect_only(&c, "binhex.bad-rle");
	assert_int_equal(c.sev[0], LF_SEV_LOW);
	assert_int_equal(c.offs[0], 50); /* "(This ... 4.0)\r\n:" and 2 */
	assert_int_equal(c.len[LF_CODEC_MAIN], 4);
	assert_memory_equal(c.out[LF_CODEC_MAIN], "aaaa", 4);
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	release(&c);
}

static void
text_around(void **state)
{
	char buf[sizeof(notes_hqx) + 64];
	struct capture c;

	(void)state;
	/* Blank lines before and after say nothing. */
	memcpy(buf, "\r\n \t\n", 5);
	memcpy(buf + 5, notes_hqx, sizeof(notes_hqx) - 1);
	memcpy(buf + 5 + sizeof(notes_hqx) - 1, "\n\n  ", 4);
	decode(&c, (const uint8_t *)buf, sizeof(notes_hqx) + 8, 3);
	expect_only(&c, NULL);
	release(&c);

	memcpy(buf, "Here (it) is:\n", 14);
	memcpy(buf + 14, notes_hqx, sizeof(notes_hqx) - 1);
	memcpy(buf + 14 + sizeof(notes_hqx) - 1, "-- sig", 6);
	decode(&c, (const uint8_t *)buf, sizeof(notes_hqx) + 19, 0);
	assert_int_equal(c.nanom, 2);
	assert_string_equal(c.codes[0], "binhex.text-before");
	assert_int_equal(c.sev[0], LF_SEV_INFO);
	assert_int_equal(c.offs[0], 0);
	assert_string_equal(c.codes[1], "binhex.text-after");
	assert_int_equal(c.offs[1], 14 + sizeof(notes_hqx) - 1);
	assert_true(c.info.complete);
	assert_memory_equal(c.out[LF_CODEC_MAIN], notes_data,
	    sizeof(notes_data) - 1);
	release(&c);

	/* A marker cut short is text too. */
	memcpy(buf, "(This file\n", 11);
	memcpy(buf + 11, notes_hqx, sizeof(notes_hqx) - 1);
	decode(&c, (const uint8_t *)buf, sizeof(notes_hqx) + 10, 1);
	expect_only(&c, "binhex.text-before");
	assert_int_equal(c.offs[0], 0);
	assert_true(c.info.complete);
	release(&c);
}

static void
no_header(void **state)
{
	struct capture c;

	(void)state;
	/* The data without the marker line is not decoded. */
	decode(&c, (const uint8_t *)notes_hqx + 46, sizeof(notes_hqx) - 47, 0);
	expect_only(&c, "binhex.no-header");
	assert_int_equal(c.sev[0], LF_SEV_LOW);
	assert_int_equal(c.len[0] + c.len[1], 0);
	assert_false(c.info.has_name);
	release(&c);

	decode(&c, (const uint8_t *)"", 0, 0);
	expect_only(&c, "binhex.no-header");
	release(&c);
}

static void
hostile_bytes_do_no_harm(void **state)
{
	static const char marker[] = "(This file must be converted\n:";
	uint8_t buf[8192];
	struct capture c;
	uint32_t x = 7;
	size_t i;
	int round;

	(void)state;
	memcpy(buf, marker, sizeof(marker) - 1);
	for (round = 0; round < 40; round++) {
		for (i = sizeof(marker) - 1; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			/* Mostly alphabet, so that the layers below see it. */
			buf[i] = (uint8_t)('!' + (x >> 16) % 82);
			if ((x >> 8) % 97 == 0)
				buf[i] = (uint8_t)(x >> 24);
		}
		decode(&c, buf, sizeof(buf), 1 + (size_t)round * 17);
		release(&c);
	}
}

static void
out_can_stop(void **state)
{
	struct capture c;
	struct lf_decoder *d;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.stop = -7;
	assert_int_equal(lf_decoder_new(LF_CODEC_BINHEX, cap_out, &c, NULL,
	                     NULL, &d, NULL),
	    LF_OK);
	assert_int_equal(lf_decoder_feed(d, S(notes_hqx)), -7);
	assert_int_equal(lf_decoder_finish(d), -7);
	lf_decoder_free(d);
	/* Stopped at the first emit: the data fork only. */
	assert_int_equal(c.len[LF_CODEC_RESOURCE], 0);
	release(&c);
}

static int
count_out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	size_t *total = arg;

	(void)stream;
	(void)p;
	*total += n;
	return 0;
}

/* One allocation, in _new; none while decoding. */
static void
allocation(void **state)
{
	struct lf_decoder *d = NULL;
	size_t total = 0, i;

	(void)state;
	failalloc_after(0);
	assert_int_equal(lf_decoder_new(LF_CODEC_BINHEX, count_out, &total,
	                     NULL, NULL, &d, NULL),
	    LF_E_NOMEM);
	failalloc_off();
	assert_null(d);
	assert_int_equal(lf_decoder_new(LF_CODEC_BINHEX, count_out, &total,
	                     NULL, NULL, &d, NULL),
	    LF_OK);
	failalloc_after(0);
	for (i = 0; i < sizeof(notes_hqx) - 1; i++)
		assert_int_equal(lf_decoder_feed(d,
		                     (const uint8_t *)notes_hqx + i, 1),
		    LF_OK);
	assert_int_equal(lf_decoder_finish(d), LF_OK);
	assert_int_equal(failalloc_count(), 0);
	failalloc_off();
	assert_int_equal(total, 38);
	assert_true(lf_decoder_info(d)->crc_ok);
	lf_decoder_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_convert_binhex),
	    cmocka_unit_test(decodes_macutils_runs),
	    cmocka_unit_test(any_split_gives_the_same),
	    cmocka_unit_test(bad_chars_are_skipped),
	    cmocka_unit_test(truncated),
	    cmocka_unit_test(missing_end),
	    cmocka_unit_test(bad_crcs),
	    cmocka_unit_test(huge_declared_lengths),
	    cmocka_unit_test(longest_name),
	    cmocka_unit_test(excess_data),
	    cmocka_unit_test(bad_runs),
	    cmocka_unit_test(text_around),
	    cmocka_unit_test(no_header),
	    cmocka_unit_test(hostile_bytes_do_no_harm),
	    cmocka_unit_test(out_can_stop),
	    cmocka_unit_test(allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
