/*
 * lf_tlsh.c: TLSH, written from the published algorithm (Oliver, Cheng and
 * Chen, "TLSH - A Locality Sensitive Hash", 2013) and checked byte for byte
 * against Debian's tlsh tool.
 *
 * Over a sliding window of 5 bytes, six byte triples (the newest byte with
 * two of the four before it) are hashed with Pearson's 8-bit hash into 256
 * buckets, of which the first 128 count.  The digest is each bucket's
 * quartile (2 bits), the input length on a log scale, the ratios of the
 * quartiles, and a running Pearson checksum.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lf/tlsh.h"

#define MIN_LEN 50            /* TLSH 4; Debian's 3.4.4 requires 256 */
#define MAX_LEN 0xffffffffULL /* the reference counts in 32 bits */
#define EFF_BUCKETS 128
#define CODE_SIZE (EFF_BUCKETS / 4)

/* Pearson's permutation of 0..255 (CACM 33(6), 1990), as TLSH uses it. */
static const uint8_t pearson[256] = {1, 87, 49, 12, 176, 178, 102, 166, 121,
    193, 6, 84, 249, 230, 44, 163, 14, 197, 213, 181, 161, 85, 218, 80, 64, 239,
    24, 226, 236, 142, 38, 200, 110, 177, 104, 103, 141, 253, 255, 50, 77, 101,
    81, 18, 45, 96, 31, 222, 25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20,
    214, 244, 227, 149, 235, 97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127,
    199, 111, 62, 135, 248, 174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17,
    187, 182, 179, 0, 243, 132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91,
    13, 153, 246, 216, 219, 119, 68, 223, 78, 83, 88, 201, 99, 122, 11, 92, 32,
    136, 114, 52, 10, 138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129,
    162, 63, 152, 170, 7, 115, 167, 241, 206, 3, 150, 55, 59, 151, 220, 90, 53,
    23, 131, 125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160,
    37, 123, 118, 73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212, 202, 215, 69,
    229, 27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203,
    233, 40, 186, 147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76,
    140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120,
    51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209};

/*
 * The salts are Pearson hashes of the small primes 0, 2, 3, 5, 7, 11, 13
 * that the algorithm uses: hashing the salt first is the same as starting
 * from pearson[salt].  first[b][k] = pearson[salt_k ^ b] saves one lookup
 * of the four in every mapping; it is built once, on first use.
 */
enum { S_CHECKSUM, S_2, S_3, S_5, S_7, S_11, S_13, NSALTS };
static const uint8_t salt[NSALTS] = {1, 49, 12, 178, 166, 84, 230};

struct first_level {
	uint8_t v[8];
};

static struct first_level first[256];
static pthread_once_t first_once = PTHREAD_ONCE_INIT;

static void
build_first(void)
{
	int b, k;

	for (b = 0; b < 256; b++)
		for (k = 0; k < NSALTS; k++)
			first[b].v[k] = pearson[salt[k] ^ b];
}

static inline uint8_t
map3(uint8_t first_value, uint8_t b, uint8_t c)
{
	return pearson[pearson[first_value ^ b] ^ c];
}

/* The work for one byte c0 with the four bytes before it c1..c4. */
#define TLSH_STEP(t, c0, c1, c2, c3, c4)                                 \
	do {                                                             \
		const uint8_t *f_ = first[c0].v;                         \
		(t)->checksum = map3(f_[S_CHECKSUM], c1, (t)->checksum); \
		(t)->bucket[map3(f_[S_2], c1, c2)]++;                    \
		(t)->bucket[map3(f_[S_3], c1, c3)]++;                    \
		(t)->bucket[map3(f_[S_5], c2, c3)]++;                    \
		(t)->bucket[map3(f_[S_7], c2, c4)]++;                    \
		(t)->bucket[map3(f_[S_11], c1, c4)]++;                   \
		(t)->bucket[map3(f_[S_13], c3, c4)]++;                   \
	} while (0)

void
lf_tlsh_init(struct lf_tlsh *t)
{
	(void)pthread_once(&first_once, build_first);
	memset(t, 0, sizeof(*t));
}

void
lf_tlsh_update(struct lf_tlsh *t, const uint8_t *p, size_t n)
{
	uint8_t *r = t->recent;
	size_t i = 0;

	/* Bytes whose window reaches back into earlier updates. */
	for (; i < n && i < 4; i++) {
		if (t->len + i >= 4)
			TLSH_STEP(t, p[i], r[3], r[2], r[1], r[0]);
		r[0] = r[1];
		r[1] = r[2];
		r[2] = r[3];
		r[3] = p[i];
	}
	for (; i < n; i++)
		TLSH_STEP(t, p[i], p[i - 1], p[i - 2], p[i - 3], p[i - 4]);
	if (n >= 4)
		memcpy(r, p + n - 4, 4);
	t->len += n;
}

/* The length on a log scale: 1.5 up to 656 bytes, 1.3 to 3199, then 1.1. */
static uint8_t
length_code(uint32_t len)
{
	/* As the reference computes it: the log in float, the rest double. */
	double l = (double)logf((float)len);
	int i;

	if (len <= 656)
		i = (int)floor(l / 0.4054651);
	else if (len <= 3199)
		i = (int)floor(l / 0.26236426 - 8.72777);
	else
		i = (int)floor(l / 0.095310180 - 62.5472);
	return (uint8_t)(i & 0xff);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Quartile ratio as the reference computes it, 32-bit wrap included. */
static unsigned
quartile_ratio(uint32_t q, uint32_t q3)
{
	uint32_t scaled = q * 100u;

	return (unsigned)((float)scaled / (float)q3) % 16;
}

static uint8_t
swap_nibbles(uint8_t b)
{
	return (uint8_t)((b << 4) | (b >> 4));
}

bool
lf_tlsh_final(const struct lf_tlsh *t, char out[LF_TLSH_HEXLEN + 1])
{
	static const char hexd[] = "0123456789ABCDEF";
	uint32_t sorted[EFF_BUCKETS], q1, q2, q3, k;
	uint8_t code[CODE_SIZE], bin[3 + CODE_SIZE];
	int i, j, nonzero = 0;

	out[0] = '\0';
	if (t->len < MIN_LEN || t->len > MAX_LEN)
		return false;
	memcpy(sorted, t->bucket, sizeof(sorted));
	qsort(sorted, EFF_BUCKETS, sizeof(sorted[0]), cmp_u32);
	q1 = sorted[EFF_BUCKETS / 4 - 1];
	q2 = sorted[EFF_BUCKETS / 2 - 1];
	q3 = sorted[EFF_BUCKETS - EFF_BUCKETS / 4 - 1];
	if (q3 == 0)
		return false;
	for (i = 0; i < EFF_BUCKETS; i++)
		nonzero += t->bucket[i] > 0;
	if (nonzero <= EFF_BUCKETS / 2)
		return false;
	for (i = 0; i < CODE_SIZE; i++) {
		uint8_t h = 0;
		for (j = 0; j < 4; j++) {
			k = t->bucket[4 * i + j];
			if (q3 < k)
				h |= (uint8_t)(3 << (2 * j));
			else if (q2 < k)
				h |= (uint8_t)(2 << (2 * j));
			else if (q1 < k)
				h |= (uint8_t)(1 << (2 * j));
		}
		code[i] = h;
	}
	bin[0] = swap_nibbles(t->checksum);
	bin[1] = swap_nibbles(length_code((uint32_t)t->len));
	bin[2] =
	    (uint8_t)(quartile_ratio(q1, q3) << 4 | quartile_ratio(q2, q3));
	for (i = 0; i < CODE_SIZE; i++)
		bin[3 + i] = code[CODE_SIZE - 1 - i];
	out[0] = 'T';
	out[1] = '1';
	for (i = 0; i < (int)sizeof(bin); i++) {
		out[2 + 2 * i] = hexd[bin[i] >> 4];
		out[3 + 2 * i] = hexd[bin[i] & 0x0f];
	}
	out[LF_TLSH_HEXLEN] = '\0';
	return true;
}
