/*
 * tests/fuzz/fuzz_codec.c: every decoder gives the same bytes, anomalies
 * and framing details however its input is cut, and stops when told to.
 *
 * The input: byte 0 picks the codec (identity, base64, quoted-printable,
 * uuencode, yEnc, BinHex: modulo 6), the rest is the encoded text.  It is
 * decoded whole, a byte at a time, and in pieces whose lengths come from
 * a generator seeded by the input; then once more with an output function
 * that asks to stop part way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCODECS 6
#define KEEP 4096 /* output bytes kept to compare; the rest is hashed */

struct result {
	uint64_t len[2];
	uint64_t hash[2]; /* FNV-1a of each stream */
	uint8_t head[2][KEEP];
	uint64_t nanom;
	uint64_t anom_hash; /* of each code, severity and offset */
	struct lf_decoder_info info;
	uint64_t stop_after; /* out stops once this many bytes came */
	bool stopped;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct result *r = arg;
	size_t keep;

	if (stream > LF_CODEC_RESOURCE || n == 0 || r->stopped)
		abort();
	if (r->len[stream] < KEEP) {
		keep = KEEP - r->len[stream] < n ? KEEP - r->len[stream] : n;
		memcpy(r->head[stream] + r->len[stream], p, keep);
	}
	r->hash[stream] = fnv(r->hash[stream], p, n);
	r->len[stream] += n;
	if (r->stop_after > 0 && r->len[0] + r->len[1] >= r->stop_after) {
		r->stopped = true;
		return 99;
	}
	return 0;
}

static void
anomaly(void *arg, const struct lf_anomaly *a)
{
	struct result *r = arg;
	uint64_t off = a->offset;
	uint8_t sev = (uint8_t)a->severity;

	if (a->code == NULL)
		abort();
	r->anom_hash = fnv(r->anom_hash, a->code, strlen(a->code) + 1);
	r->anom_hash = fnv(r->anom_hash, &sev, 1);
	r->anom_hash = fnv(r->anom_hash, &off, sizeof(off));
	r->nanom++;
}

/*
 * Decode in pieces: piece 0 means whole, 1 a byte at a time, otherwise
 * lengths drawn from seed.  Returns what feed or finish returned last.
 */
static int
run(enum lf_codec codec, const uint8_t *p, size_t n, size_t piece,
    uint64_t seed, struct result *r)
{
	struct lf_decoder *d;
	size_t i = 0, k;
	int rc = 0, fin;

	memset(r->len, 0, sizeof(r->len));
	r->hash[0] = r->hash[1] = 0xcbf29ce484222325ULL;
	r->nanom = 0;
	r->anom_hash = 0xcbf29ce484222325ULL;
	r->stopped = false;
	if (lf_decoder_new(codec, out, r, anomaly, r, &d, NULL) != 0)
		abort();
	while (i < n) {
		if (piece == 0) {
			k = n;
		} else if (piece == 1) {
			k = 1;
		} else {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			/* Mostly short pieces, some long. */
			k = seed % 8 == 0 ? 1 + seed % 4096 :
			                    1 + (seed >> 8) % 17;
		}
		if (k > n - i)
			k = n - i;
		rc = lf_decoder_feed(d, p + i, k);
		i += k;
		if (rc != 0)
			break;
	}
	/* After a stop, finish gives the same value back. */
	fin = lf_decoder_finish(d);
	if (rc != 0 && fin != rc)
		abort();
	rc = fin;
	r->info = *lf_decoder_info(d);
	lf_decoder_free(d);
	return rc;
}

static void
same(const struct result *a, const struct result *b)
{
	const struct lf_decoder_info *x = &a->info, *y = &b->info;
	int s;

	for (s = 0; s < 2; s++) {
		if (a->len[s] != b->len[s] || a->hash[s] != b->hash[s] ||
		    memcmp(a->head[s], b->head[s],
		        a->len[s] < KEEP ? a->len[s] : KEEP) != 0)
			abort();
	}
	if (a->nanom != b->nanom || a->anom_hash != b->anom_hash)
		abort();
	if (x->has_name != y->has_name || x->name_len != y->name_len ||
	    x->name_len > sizeof(x->name) ||
	    memcmp(x->name, y->name, x->name_len) != 0 ||
	    x->has_mode != y->has_mode || x->mode != y->mode ||
	    x->has_size != y->has_size || x->size != y->size ||
	    x->has_crc != y->has_crc || x->crc_ok != y->crc_ok ||
	    x->complete != y->complete ||
	    memcmp(x->mac_type, y->mac_type, 4) != 0 ||
	    memcmp(x->mac_creator, y->mac_creator, 4) != 0 ||
	    x->resource_size != y->resource_size)
		abort();
	if (x->crc_ok && !x->has_crc)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result whole, other;
	enum lf_codec codec;
	uint64_t seed;
	int rc;

	if (size < 1)
		return 0;
	codec = (enum lf_codec)(data[0] % NCODECS);
	data++;
	size--;
	seed = fnv(0xcbf29ce484222325ULL, data, size) | 1;

	whole.stop_after = other.stop_after = 0;
	if (run(codec, data, size, 0, 0, &whole) != 0)
		abort();
	if (size <= 16384) {
		if (run(codec, data, size, 1, 0, &other) != 0)
			abort();
		same(&whole, &other);
	}
	if (run(codec, data, size, 2, seed, &other) != 0)
		abort();
	same(&whole, &other);

	/* Stop part way: the value comes back, and nothing more is sent. */
	if (whole.len[0] + whole.len[1] > 0) {
		other.stop_after = 1 + seed % (whole.len[0] + whole.len[1]);
		rc = run(codec, data, size, 2, seed, &other);
		if (rc != 99 || !other.stopped)
			abort();
	}
	return 0;
}
