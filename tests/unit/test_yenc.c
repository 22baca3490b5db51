/*
 * Unit tests: the yEnc decoder, through the public lf_decoder API.
 *
 * The encoded lines of the two vectors come from Debian's python3-yenc
 * (yenc.Encoder, 0.4.0), the CRC-32 values from zlib.crc32(); the header
 * and trailer lines were written around them by hand, as in the draft:
 *
 *   data = bytes(range(256)) + b"yEnc test\r\n=.\x00"
 *   e = yenc.Encoder(); e.feed(data); e.terminate(); e.getEncoded()
 *
 * The decoded bytes are checked against the original bytes, made here
 * independently of any encoder.
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

/* A single part: every byte value, then the critical ones again. */
static const char single[] =
    "=ybegin line=128 size=270 name=all bytes.bin\r\n"
    "*+,-./0123456789:;<=}>\?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdef"
    "ghijklmnopqrstuvwxyz{|}~\177\200\201\202\203\204\205\206\207\210"
    "\211\212\213\214\215\216\217\220\221\222\223\224\225\226\227\230"
    "\231\232\233\234\235\236\237\240\241\242\243\244\245\246\247\250"
    "\r\n"
    "\251\252\253\254\255\256\257\260\261\262\263\264\265\266\267\270"
    "\271\272\273\274\275\276\277\300\301\302\303\304\305\306\307\310"
    "\311\312\313\314\315\316\317\320\321\322\323\324\325\326\327\330"
    "\331\332\333\334\335\336\337\340\341\342\343\344\345\346\347\350"
    "\351\352\353\354\355\356\357\360\361\362\363\364\365\366\367\370"
    "\371\372\373\374\375\376\377=@\001\002\003\004\005\006\007\010"
    "\011=J\013\014=M\016\017\020\021\022\023\024\025\026\027\030\031"
    "\032\033\034\035\036\037 !\"#$%\r\n"
    "&'()\243o\230\215J\236\217\235\23674gX*\r\n"
    "=yend size=270 crc32=736a75e8\r\n";

/*
 * Part 2 of 2 of a 600-byte file whose byte i is (7 i + 3) mod 256: bytes
 * 301 to 600.  pcrc32= is the part's CRC-32, crc32= the whole file's.
 */
static const char part2[] =
    "=ybegin part=2 total=2 line=128 size=600 name=multi part.bin\r\n"
    "=ypart begin=301 end=600\r\n"
    "ahov}\204\213\222\231\240\247\256\265\274\303\312\321\330\337"
    "\346\355\364\373\002\011\020\027\036%,3:AHOV]dkry\200\207\216"
    "\225\234\243\252\261\270\277\306\315\324\333\342\351\360\367\376"
    "\005\014\023\032!(/6=}DKRY`gnu|\203\212\221\230\237\246\255\264"
    "\273\302\311\320\327\336\345\354\363\372\001\010\017\026\035$+29"
    "@GNU\\cjqx\177\206\215\224\233\242\251\260\267\276\305\314\323\r\n"
    "\332\341\350\357\366\375\004\013\022\031 '.5<CJQX_fmt{\202\211"
    "\220\227\236\245\254\263\272\301\310\317\326\335\344\353\362\371"
    "=@\007\016\025\034#*18\?FMT[bipw~\205\214\223\232\241\250\257"
    "\266\275\304\313\322\331\340\347\356\365\374\003=J\021\030\037&-"
    "4;BIPW^elsz\201\210\217\226\235\244\253\262\271\300\307\316\325"
    "\334\343\352\361\370\377\006=M\024\033\")07>\r\n"
    "ELSZahov}\204\213\222\231\240\247\256\265\274\303\312\321\330"
    "\337\346\355\364\373\002\011\020\027\036%,3:AHOV]dkry\200\207"
    "\216\r\n"
    "=yend size=300 part=2 pcrc32=ce4b4510 crc32=bbe38aa9\r\n";

struct capture {
	uint8_t *out;
	size_t len, cap;
	unsigned bad_stream; /* output on a stream other than MAIN */
	int stop;            /* returned by out, when non-zero */
	const char *codes[MAX_ANOMALIES]; /* the first ones */
	enum lf_severity sev[MAX_ANOMALIES];
	uint64_t offs[MAX_ANOMALIES];
	size_t nanom; /* all of them */
	struct lf_decoder_info info;
};

static int
cap_out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct capture *c = arg;

	if (stream != LF_CODEC_MAIN)
		c->bad_stream++;
	assert_true(n > 0);
	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2;
		c->out = realloc(c->out, c->cap);
		assert_non_null(c->out);
	}
	memcpy(c->out + c->len, p, n);
	c->len += n;
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
	assert_int_equal(lf_decoder_new(LF_CODEC_YENC, cap_out, c, cap_anomaly,
	                     c, &d, NULL),
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
	free(c->out);
	c->out = NULL;
}

/* How many times code was reported. */
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

static void
single_data(uint8_t want[270])
{
	int i;

	for (i = 0; i < 256; i++)
		want[i] = (uint8_t)i;
	memcpy(want + 256, "yEnc test\r\n=.\0", 14);
}

static void
part2_data(uint8_t want[300])
{
	int i;

	for (i = 0; i < 300; i++)
		want[i] = (uint8_t)((300 + i) * 7 + 3);
}

static void
decodes_known_single_part(void **state)
{
	struct capture c;
	uint8_t want[270];

	(void)state;
	single_data(want);
	decode(&c, S(single), 0);
	assert_int_equal(c.nanom, 0);
	assert_int_equal(c.len, 270);
	assert_memory_equal(c.out, want, 270);
	assert_true(c.info.has_name);
	assert_int_equal(c.info.name_len, 13);
	assert_memory_equal(c.info.name, "all bytes.bin", 13);
	assert_true(c.info.has_size);
	assert_int_equal(c.info.size, 270);
	assert_true(c.info.has_crc);
	assert_true(c.info.crc_ok);
	assert_true(c.info.complete);
	assert_false(c.info.has_mode);
	release(&c);
}

static void
decodes_known_part(void **state)
{
	struct capture c;
	uint8_t want[300];

	(void)state;
	part2_data(want);
	decode(&c, S(part2), 0);
	assert_int_equal(c.nanom, 0);
	assert_int_equal(c.len, 300);
	assert_memory_equal(c.out, want, 300);
	assert_memory_equal(c.info.name, "multi part.bin", 14);
	assert_int_equal(c.info.size, 600); /* the whole file's */
	assert_true(c.info.has_crc);        /* pcrc32= */
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
	assert_int_equal(a->has_crc, b->has_crc);
	assert_int_equal(a->crc_ok, b->crc_ok);
	assert_int_equal(a->complete, b->complete);
}

/* The same bytes and anomalies however the input is cut. */
static void
check_splits(const uint8_t *p, size_t n)
{
	static const size_t pieces[] = {1, 2, 3, 7, 64, 129, 4096};
	struct capture whole, c;
	size_t i, k;

	decode(&whole, p, n, 0);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		decode(&c, p, n, pieces[i]);
		assert_int_equal(c.len, whole.len);
		if (c.len > 0)
			assert_memory_equal(c.out, whole.out, c.len);
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
	static const char damaged[] = "junk\r\n"
	                              "=ybegin size=5 name=x\r\n"
	                              "ab=\r\n"
	                              "=ycrazy\r\n"
	                              "=}=}=\n"
	                              "=yend size=9 crc32=0\r\n"
	                              "trailer";

	(void)state;
	check_splits(S(single));
	check_splits(S(part2));
	check_splits(S(damaged));
}

/* single with its =yend line replaced by line. */
static size_t
with_end(uint8_t *buf, size_t size, const char *line)
{
	const char *end = strstr(single, "=yend");
	size_t head = (size_t)(end - single), n = strlen(line);

	assert_true(head + n <= size);
	memcpy(buf, single, head);
	memcpy(buf + head, line, n);
	return head + n;
}

static void
bad_crc(void **state)
{
	struct capture c;
	uint8_t buf[512], want[270];
	size_t n;

	(void)state;
	single_data(want);
	n = with_end(buf, sizeof(buf), "=yend size=270 crc32=736A75E9\r\n");
	decode(&c, buf, n, 0);
	expect_only(&c, "yenc.bad-crc");
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_int_equal(c.offs[0], n - 31); /* the =yend line */
	assert_true(c.info.has_crc);
	assert_false(c.info.crc_ok);
	assert_true(c.info.complete);
	assert_int_equal(c.len, 270);
	assert_memory_equal(c.out, want, 270);
	release(&c);

	/* Upper case is read as well. */
	n = with_end(buf, sizeof(buf), "=yend size=270 crc32=736A75E8\r\n");
	decode(&c, buf, n, 0);
	expect_only(&c, NULL);
	assert_true(c.info.crc_ok);
	release(&c);

	/* A CRC that is not hex: not checked. */
	n = with_end(buf, sizeof(buf), "=yend size=270 crc32=xyz\r\n");
	decode(&c, buf, n, 0);
	expect_only(&c, "yenc.bad-header");
	assert_false(c.info.has_crc);
	assert_false(c.info.crc_ok);
	release(&c);
}

static void
size_mismatch(void **state)
{
	struct capture c;
	uint8_t buf[512];
	size_t n;

	(void)state;
	n = with_end(buf, sizeof(buf), "=yend size=271 crc32=736a75e8\r\n");
	decode(&c, buf, n, 0);
	expect_only(&c, "yenc.size-mismatch");
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_true(c.info.crc_ok);
	release(&c);

	/* =ybegin says 300, =yend agrees with the data. */
	memcpy(buf, single, sizeof(single) - 1);
	memcpy(buf + 22, "300", 3);
	decode(&c, buf, sizeof(single) - 1, 0);
	expect_only(&c, "yenc.size-mismatch");
	assert_int_equal(c.info.size, 300);
	release(&c);
}

static void
missing_end(void **state)
{
	struct capture c;
	uint8_t want[270];
	size_t n = (size_t)(strstr(single, "=yend") - single);

	(void)state;
	single_data(want);
	decode(&c, (const uint8_t *)single, n, 0);
	expect_only(&c, "yenc.no-end");
	assert_int_equal(c.sev[0], LF_SEV_LOW);
	assert_int_equal(c.offs[0], n);
	assert_false(c.info.complete);
	assert_false(c.info.has_crc);
	assert_int_equal(c.len, 270);
	assert_memory_equal(c.out, want, 270);
	release(&c);

	/* Cut in the middle of the data: the size tells it too. */
	decode(&c, (const uint8_t *)single, 100, 0);
	assert_int_equal(c.nanom, 2);
	assert_int_equal(count(&c, "yenc.no-end"), 1);
	assert_int_equal(count(&c, "yenc.size-mismatch"), 1);
	assert_memory_equal(c.out, want, c.len);
	release(&c);

	/* Cut in the =yend line itself: it is read as far as it goes. */
	decode(&c, (const uint8_t *)single, sizeof(single) - 6, 0);
	expect_only(&c, "yenc.bad-crc");
	assert_true(c.info.complete);
	release(&c);
}

static void
trailing_escape(void **state)
{
	static const char in[] = "=ybegin size=4 name=e\r\n"
	                         "\213\214=\r\n"
	                         "\215\216\r\n"
	                         "=yend size=4\r\n";
	static const char twice[] = "=ybegin size=2 name=e\r\n"
	                            "\213=\r\n"
	                            "\214=\n"
	                            "=yend size=2\r\n";
	static const char at_end[] = "=ybegin size=1 name=e\r\n"
	                             "\213=";
	static const char at_bol[] = "=ybegin size=1 name=e\r\n"
	                             "=\r\n"
	                             "\213\r\n"
	                             "=yend size=1\r\n";
	struct capture c;

	(void)state;
	decode(&c, S(in), 0);
	expect_only(&c, "yenc.trailing-escape");
	assert_int_equal(c.offs[0], 25); /* the '=' */
	assert_int_equal(c.len, 4);
	assert_memory_equal(c.out, "abcd", 4);
	assert_true(c.info.complete);
	assert_false(c.info.has_crc);
	release(&c);

	/* Reported once. */
	decode(&c, S(twice), 0);
	expect_only(&c, "yenc.trailing-escape");
	assert_memory_equal(c.out, "ab", 2);
	release(&c);

	decode(&c, S(at_end), 1);
	assert_int_equal(count(&c, "yenc.trailing-escape"), 1);
	assert_int_equal(count(&c, "yenc.no-end"), 1);
	assert_int_equal(c.len, 1);
	assert_memory_equal(c.out, "a", 1);
	release(&c);

	decode(&c, S(at_bol), 0);
	expect_only(&c, "yenc.trailing-escape");
	assert_int_equal(c.offs[0], 23);
	assert_memory_equal(c.out, "a", 1);
	release(&c);
}

static void
unknown_lines(void **state)
{
	static const char in[] = "=ybegin size=2 name=u\r\n"
	                         "=ycomment hidden\r\n"
	                         "=yendless\r\n"
	                         "\213\r\n"
	                         "=ybegin size=9 name=other\r\n"
	                         "=ypart begin=1 end=1\r\n"
	                         "\214\r\n"
	                         "=yend size=2\r\n";
	struct capture c;

	(void)state;
	decode(&c, S(in), 0);
	assert_int_equal(count(&c, "yenc.unknown-line"), 4);
	assert_int_equal(c.nanom, 4);
	assert_int_equal(c.offs[0], 23);
	assert_int_equal(c.sev[0], LF_SEV_MEDIUM);
	assert_int_equal(c.len, 2);
	assert_memory_equal(c.out, "ab", 2);
	assert_memory_equal(c.info.name, "u", 1);
	assert_int_equal(c.info.size, 2);
	release(&c);
}

static void
text_around_the_block(void **state)
{
	static const char blank[] = "\r\n  \t\r\n\n"
	                            "=ybegin size=1 name=t\r\n"
	                            "\213\r\n"
	                            "=yend size=1\r\n"
	                            "\r\n \r\n";
	static const char text[] = "Here it is:\r\n"
	                           "=ybegin size=1 name=t\r\n"
	                           "\213\r\n"
	                           "=yend size=1\r\n"
	                           "-- \r\nsig\r\n"
	                           "=ybegin size=1 name=hidden\r\n"
	                           "\214\r\n"
	                           "=yend size=1\r\n";
	struct capture c;

	(void)state;
	decode(&c, S(blank), 0);
	expect_only(&c, NULL);
	assert_memory_equal(c.out, "a", 1);
	release(&c);

	decode(&c, S(text), 0);
	assert_int_equal(c.nanom, 3);
	assert_string_equal(c.codes[0], "yenc.text-before");
	assert_int_equal(c.sev[0], LF_SEV_INFO);
	assert_int_equal(c.offs[0], 0);
	assert_string_equal(c.codes[1], "yenc.text-after");
	assert_int_equal(c.offs[1], 53);
	assert_string_equal(c.codes[2], "yenc.second-block");
	assert_int_equal(c.sev[2], LF_SEV_MEDIUM);
	/* Only the first block is decoded. */
	assert_int_equal(c.len, 1);
	assert_memory_equal(c.out, "a", 1);
	assert_memory_equal(c.info.name, "t", 1);
	release(&c);
}

static void
no_begin(void **state)
{
	struct capture c;

	(void)state;
	decode(&c, S("just text\r\n=yend size=0\r\n"), 0);
	assert_int_equal(c.nanom, 2);
	assert_string_equal(c.codes[0], "yenc.text-before");
	assert_string_equal(c.codes[1], "yenc.no-begin");
	assert_int_equal(c.sev[1], LF_SEV_LOW);
	assert_int_equal(c.len, 0);
	assert_false(c.info.has_name);
	assert_false(c.info.complete);
	release(&c);

	decode(&c, (const uint8_t *)"", 0, 0);
	expect_only(&c, "yenc.no-begin");
	release(&c);
}

static void
bad_headers(void **state)
{
	static const char no_size[] = "=ybegin name=n\r\n"
	                              "\213\r\n"
	                              "=yend size=1\r\n";
	static const char bad_num[] = "=ybegin size=1x name=n\r\n"
	                              "\213\r\n"
	                              "=yend\r\n";
	static const char no_ypart[] = "=ybegin part=1 size=1 name=n\r\n"
	                               "\213\r\n"
	                               "=yend size=1\r\n";
	static const char bad_range[] = "=ybegin part=1 size=10 name=n\r\n"
	                                "=ypart begin=5 end=11\r\n"
	                                "\213\r\n"
	                                "=yend size=1\r\n";
	static const char huge[] =
	    "=ybegin size=99999999999999999999999 name=n\r\n"
	    "=yend size=18446744073709551615\r\n";
	struct capture c;

	(void)state;
	decode(&c, S(no_size), 0);
	expect_only(&c, "yenc.bad-header");
	assert_false(c.info.has_size);
	assert_true(c.info.has_name);
	release(&c);

	decode(&c, S(bad_num), 0);
	assert_int_equal(count(&c, "yenc.bad-header"), 2);
	assert_int_equal(c.nanom, 2);
	assert_false(c.info.has_size);
	assert_true(c.info.complete);
	release(&c);

	decode(&c, S(no_ypart), 0);
	expect_only(&c, "yenc.bad-header");
	assert_int_equal(c.offs[0], 30); /* the first data line */
	release(&c);

	decode(&c, S(bad_range), 0);
	expect_only(&c, "yenc.bad-header");
	assert_memory_equal(c.out, "a", 1);
	release(&c);

	decode(&c, S(huge), 0);
	assert_int_equal(count(&c, "yenc.bad-header"), 1);
	assert_int_equal(count(&c, "yenc.size-mismatch"), 1);
	assert_int_equal(c.nanom, 2);
	assert_false(c.info.has_size);
	release(&c);
}

static void
long_lines(void **state)
{
	uint8_t buf[3000];
	struct capture c;
	size_t n = 0;

	(void)state;
	memcpy(buf, "=ybegin size=1 name=", 20);
	n = 20;
	memset(buf + n, 'N', 2000);
	n += 2000;
	memcpy(buf + n, "\r\n\213\r\n=yend size=1\r\n", 19);
	n += 19;
	decode(&c, buf, n, 0);
	assert_int_equal(c.nanom, 2);
	assert_string_equal(c.codes[0], "yenc.long-line");
	assert_string_equal(c.codes[1], "yenc.long-name");
	assert_int_equal(c.info.name_len, 255);
	assert_int_equal(c.info.name[254], 'N');
	assert_true(c.info.complete);
	assert_memory_equal(c.out, "a", 1);
	release(&c);

	/* A long data line is only data. */
	memcpy(buf, "=ybegin size=2000 name=d\r\n", 26);
	memset(buf + 26, 0x8b, 2000);
	memcpy(buf + 2026, "\r\n=yend size=2000\r\n", 19);
	decode(&c, buf, 2045, 0);
	expect_only(&c, NULL);
	assert_int_equal(c.len, 2000);
	assert_int_equal(c.out[1999], 'a');
	release(&c);
}

static void
hostile_bytes_do_no_harm(void **state)
{
	static const char alphabet[] = "=y\r\n=ybegin =yend =ypart a";
	uint8_t buf[4096];
	struct capture c;
	uint32_t x = 1;
	size_t i;
	int round;

	(void)state;
	memcpy(buf, "=ybegin size=1 name=h\n", 22);
	for (round = 0; round < 50; round++) {
		for (i = 22; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			/* Plenty of '=', 'y', line breaks. */
			buf[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
			if ((x >> 8) % 3 == 0)
				buf[i] = (uint8_t)(x >> 20);
		}
		decode(&c, buf, sizeof(buf), 1 + (size_t)round * 13);
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
	c.stop = 42;
	assert_int_equal(lf_decoder_new(LF_CODEC_YENC, cap_out, &c, NULL, NULL,
	                     &d, NULL),
	    LF_OK);
	assert_int_equal(lf_decoder_feed(d, S(single)), 42);
	assert_int_equal(lf_decoder_feed(d, S(single)), 42);
	assert_int_equal(lf_decoder_finish(d), 42);
	lf_decoder_free(d);
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
	assert_int_equal(lf_decoder_new(LF_CODEC_YENC, count_out, &total, NULL,
	                     NULL, &d, NULL),
	    LF_E_NOMEM);
	failalloc_off();
	assert_null(d);
	assert_int_equal(lf_decoder_new(LF_CODEC_YENC, count_out, &total, NULL,
	                     NULL, &d, NULL),
	    LF_OK);
	failalloc_after(0);
	for (i = 0; i < sizeof(single) - 1; i++)
		assert_int_equal(lf_decoder_feed(d, (const uint8_t *)single + i,
		                     1),
		    LF_OK);
	assert_int_equal(lf_decoder_finish(d), LF_OK);
	assert_int_equal(failalloc_count(), 0);
	failalloc_off();
	assert_int_equal(total, 270);
	assert_true(lf_decoder_info(d)->crc_ok);
	lf_decoder_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_known_single_part),
	    cmocka_unit_test(decodes_known_part),
	    cmocka_unit_test(any_split_gives_the_same),
	    cmocka_unit_test(bad_crc),
	    cmocka_unit_test(size_mismatch),
	    cmocka_unit_test(missing_end),
	    cmocka_unit_test(trailing_escape),
	    cmocka_unit_test(unknown_lines),
	    cmocka_unit_test(text_around_the_block),
	    cmocka_unit_test(no_begin),
	    cmocka_unit_test(bad_headers),
	    cmocka_unit_test(long_lines),
	    cmocka_unit_test(hostile_bytes_do_no_harm),
	    cmocka_unit_test(out_can_stop),
	    cmocka_unit_test(allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
