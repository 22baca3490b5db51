/*
 * tests/fuzz/fuzz_md5.c: MD5 of many streams side by side equals MD5 of
 * each stream alone, however the input cuts the streams into pieces.
 *
 * The input: byte 0 the number of streams (1-40), then for each piece a
 * stream number and a length (two bytes each, modulo), the bytes of the
 * input itself serving as the data.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/md5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSTREAMS 40
#define NPIECES 64

struct plan {
	const uint8_t *data;
	size_t size;
	size_t nstreams;
	size_t npieces;
	size_t stream[NPIECES];
	size_t off[NPIECES];
	size_t len[NPIECES];
	size_t next[NSTREAMS]; /* the next piece to look at, per stream */
};

static bool
plan_piece(void *arg, size_t stream, const uint8_t **p, size_t *n)
{
	struct plan *pl = arg;
	size_t i;

	for (i = pl->next[stream]; i < pl->npieces; i++) {
		if (pl->stream[i] == stream) {
			pl->next[stream] = i + 1;
			*p = pl->data + pl->off[i];
			*n = pl->len[i];
			return true;
		}
	}
	pl->next[stream] = pl->npieces;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_md5 many[NSTREAMS], one[NSTREAMS], *mp[NSTREAMS];
	uint8_t a[16], b[16];
	struct plan pl;
	size_t i, k;

	if (size < 1)
		return 0;
	memset(&pl, 0, sizeof(pl));
	pl.data = data;
	pl.size = size;
	pl.nstreams = 1 + data[0] % NSTREAMS;
	for (k = 1; k + 4 <= size && pl.npieces < NPIECES; k += 4) {
		i = pl.npieces++;
		pl.stream[i] = data[k] % pl.nstreams;
		pl.off[i] = ((size_t)data[k + 1] * 131) % size;
		pl.len[i] = ((size_t)data[k + 2] << 8 | data[k + 3]) %
		    (size - pl.off[i] + 1);
	}
	for (i = 0; i < pl.nstreams; i++) {
		lf_md5_init(&many[i]);
		lf_md5_init(&one[i]);
		mp[i] = &many[i];
	}
	lf_md5_update_streams(mp, pl.nstreams, plan_piece, &pl);
	for (i = 0; i < pl.npieces; i++)
		lf_md5_update(&one[pl.stream[i]], data + pl.off[i], pl.len[i]);
	for (i = 0; i < pl.nstreams; i++) {
		lf_md5_final(&many[i], a);
		lf_md5_final(&one[i], b);
		if (memcmp(a, b, 16) != 0)
			abort();
	}
	return 0;
}
