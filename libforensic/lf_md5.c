/*
 * lf_md5.c: MD5 from RFC 1321, scalar and multi-stream.
 *
 * The multi-stream kernels are the scalar rounds written once over GCC
 * vector types, compiled for AVX-512 (16 lanes), AVX2 (8 lanes) and plain
 * 128-bit vectors (4 lanes), and chosen at run time.  Lanes without a
 * stream read a block of zeros and their state is thrown away.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define HAVE_KERNELS 1
#endif

#include "lf/md5.h"

#define ROTL(x, s) (((x) << (s)) | ((x) >> (32 - (s))))
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))
#define STEP(f, a, b, c, d, M, k, t, s)                 \
	do {                                            \
		(a) += f((b), (c), (d)) + (M)[k] + (t); \
		(a) = ROTL((a), (s)) + (b);             \
	} while (0)

/*
 * The 64 steps on state a, b, c, d with message words M[0..15], for
 * scalars and vectors alike.  The constants are RFC 1321's T[1..64].
 */
#define MD5_ROUNDS_WITH(STEP, a, b, c, d, M)                \
	do {                                                \
		STEP(F, a, b, c, d, M, 0, 0xd76aa478, 7);   \
		STEP(F, d, a, b, c, M, 1, 0xe8c7b756, 12);  \
		STEP(F, c, d, a, b, M, 2, 0x242070db, 17);  \
		STEP(F, b, c, d, a, M, 3, 0xc1bdceee, 22);  \
		STEP(F, a, b, c, d, M, 4, 0xf57c0faf, 7);   \
		STEP(F, d, a, b, c, M, 5, 0x4787c62a, 12);  \
		STEP(F, c, d, a, b, M, 6, 0xa8304613, 17);  \
		STEP(F, b, c, d, a, M, 7, 0xfd469501, 22);  \
		STEP(F, a, b, c, d, M, 8, 0x698098d8, 7);   \
		STEP(F, d, a, b, c, M, 9, 0x8b44f7af, 12);  \
		STEP(F, c, d, a, b, M, 10, 0xffff5bb1, 17); \
		STEP(F, b, c, d, a, M, 11, 0x895cd7be, 22); \
		STEP(F, a, b, c, d, M, 12, 0x6b901122, 7);  \
		STEP(F, d, a, b, c, M, 13, 0xfd987193, 12); \
		STEP(F, c, d, a, b, M, 14, 0xa679438e, 17); \
		STEP(F, b, c, d, a, M, 15, 0x49b40821, 22); \
		STEP(G, a, b, c, d, M, 1, 0xf61e2562, 5);   \
		STEP(G, d, a, b, c, M, 6, 0xc040b340, 9);   \
		STEP(G, c, d, a, b, M, 11, 0x265e5a51, 14); \
		STEP(G, b, c, d, a, M, 0, 0xe9b6c7aa, 20);  \
		STEP(G, a, b, c, d, M, 5, 0xd62f105d, 5);   \
		STEP(G, d, a, b, c, M, 10, 0x02441453, 9);  \
		STEP(G, c, d, a, b, M, 15, 0xd8a1e681, 14); \
		STEP(G, b, c, d, a, M, 4, 0xe7d3fbc8, 20);  \
		STEP(G, a, b, c, d, M, 9, 0x21e1cde6, 5);   \
		STEP(G, d, a, b, c, M, 14, 0xc33707d6, 9);  \
		STEP(G, c, d, a, b, M, 3, 0xf4d50d87, 14);  \
		STEP(G, b, c, d, a, M, 8, 0x455a14ed, 20);  \
		STEP(G, a, b, c, d, M, 13, 0xa9e3e905, 5);  \
		STEP(G, d, a, b, c, M, 2, 0xfcefa3f8, 9);   \
		STEP(G, c, d, a, b, M, 7, 0x676f02d9, 14);  \
		STEP(G, b, c, d, a, M, 12, 0x8d2a4c8a, 20); \
		STEP(H, a, b, c, d, M, 5, 0xfffa3942, 4);   \
		STEP(H, d, a, b, c, M, 8, 0x8771f681, 11);  \
		STEP(H, c, d, a, b, M, 11, 0x6d9d6122, 16); \
		STEP(H, b, c, d, a, M, 14, 0xfde5380c, 23); \
		STEP(H, a, b, c, d, M, 1, 0xa4beea44, 4);   \
		STEP(H, d, a, b, c, M, 4, 0x4bdecfa9, 11);  \
		STEP(H, c, d, a, b, M, 7, 0xf6bb4b60, 16);  \
		STEP(H, b, c, d, a, M, 10, 0xbebfbc70, 23); \
		STEP(H, a, b, c, d, M, 13, 0x289b7ec6, 4);  \
		STEP(H, d, a, b, c, M, 0, 0xeaa127fa, 11);  \
		STEP(H, c, d, a, b, M, 3, 0xd4ef3085, 16);  \
		STEP(H, b, c, d, a, M, 6, 0x04881d05, 23);  \
		STEP(H, a, b, c, d, M, 9, 0xd9d4d039, 4);   \
		STEP(H, d, a, b, c, M, 12, 0xe6db99e5, 11); \
		STEP(H, c, d, a, b, M, 15, 0x1fa27cf8, 16); \
		STEP(H, b, c, d, a, M, 2, 0xc4ac5665, 23);  \
		STEP(I, a, b, c, d, M, 0, 0xf4292244, 6);   \
		STEP(I, d, a, b, c, M, 7, 0x432aff97, 10);  \
		STEP(I, c, d, a, b, M, 14, 0xab9423a7, 15); \
		STEP(I, b, c, d, a, M, 5, 0xfc93a039, 21);  \
		STEP(I, a, b, c, d, M, 12, 0x655b59c3, 6);  \
		STEP(I, d, a, b, c, M, 3, 0x8f0ccc92, 10);  \
		STEP(I, c, d, a, b, M, 10, 0xffeff47d, 15); \
		STEP(I, b, c, d, a, M, 1, 0x85845dd1, 21);  \
		STEP(I, a, b, c, d, M, 8, 0x6fa87e4f, 6);   \
		STEP(I, d, a, b, c, M, 15, 0xfe2ce6e0, 10); \
		STEP(I, c, d, a, b, M, 6, 0xa3014314, 15);  \
		STEP(I, b, c, d, a, M, 13, 0x4e0811a1, 21); \
		STEP(I, a, b, c, d, M, 4, 0xf7537e82, 6);   \
		STEP(I, d, a, b, c, M, 11, 0xbd3af235, 10); \
		STEP(I, c, d, a, b, M, 2, 0x2ad7d2bb, 15);  \
		STEP(I, b, c, d, a, M, 9, 0xeb86d391, 21);  \
	} while (0)

#define MD5_ROUNDS(a, b, c, d, M) MD5_ROUNDS_WITH(STEP, a, b, c, d, M)

/*
 * Two streams in one instruction stream: the steps of each wait on each
 * other, but not on the other stream's, so the processor runs both at
 * once.  Faster than vectors with only two lanes filled.
 */
#define STEP_PAIR(f, a, b, c, d, M, k, t, s)                    \
	do {                                                    \
		STEP(f, a##0, b##0, c##0, d##0, M##0, k, t, s); \
		STEP(f, a##1, b##1, c##1, d##1, M##1, k, t, s); \
	} while (0)

static inline uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
compress(uint32_t h[4], const uint8_t *p, size_t nblocks)
{
	uint32_t a, b, c, d, M[16];
	int k;

	while (nblocks-- > 0) {
		for (k = 0; k < 16; k++)
			M[k] = le32(p + 4 * k);
		a = h[0];
		b = h[1];
		c = h[2];
		d = h[3];
		MD5_ROUNDS(a, b, c, d, M);
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		p += 64;
	}
}

static void
compress_pair(uint32_t h0[4], uint32_t h1[4], const uint8_t *p0,
    const uint8_t *p1, size_t nblocks)
{
	uint32_t a0, b0, c0, d0, a1, b1, c1, d1, M0[16], M1[16];
	int k;

	while (nblocks-- > 0) {
		for (k = 0; k < 16; k++) {
			M0[k] = le32(p0 + 4 * k);
			M1[k] = le32(p1 + 4 * k);
		}
		a0 = h0[0], b0 = h0[1], c0 = h0[2], d0 = h0[3];
		a1 = h1[0], b1 = h1[1], c1 = h1[2], d1 = h1[3];
		MD5_ROUNDS_WITH(STEP_PAIR, a, b, c, d, M);
		h0[0] += a0, h0[1] += b0, h0[2] += c0, h0[3] += d0;
		h1[0] += a1, h1[1] += b1, h1[2] += c1, h1[3] += d1;
		p0 += 64;
		p1 += 64;
	}
}

#ifdef HAVE_KERNELS
/*
 * A kernel: nblocks blocks of each of its streams side by side, with the
 * state transposed (st[word][lane]) and stream `lane' at p[lane].  Each
 * takes a lane's block as a row of 16 words and transposes the rows, so
 * that M[k] holds word k of every lane: a few shuffles instead of 16 loads
 * per lane.
 */
#define ZERO_BLOCKS 256 /* blocks a kernel call may read from `zeros' */
static const uint8_t zeros[64 * ZERO_BLOCKS];

#define KERNEL_BODY(vec, load_words)                   \
	do {                                           \
		vec a, b, c, d, aa, bb, cc, dd, M[16]; \
		size_t blk;                            \
		memcpy(&a, st[0], sizeof(a));          \
		memcpy(&b, st[1], sizeof(b));          \
		memcpy(&c, st[2], sizeof(c));          \
		memcpy(&d, st[3], sizeof(d));          \
		for (blk = 0; blk < nblocks; blk++) {  \
			load_words(M, p, 64 * blk);    \
			aa = a;                        \
			bb = b;                        \
			cc = c;                        \
			dd = d;                        \
			MD5_ROUNDS(a, b, c, d, M);     \
			a += aa;                       \
			b += bb;                       \
			c += cc;                       \
			d += dd;                       \
		}                                      \
		memcpy(st[0], &a, sizeof(a));          \
		memcpy(st[1], &b, sizeof(b));          \
		memcpy(st[2], &c, sizeof(c));          \
		memcpy(st[3], &d, sizeof(d));          \
	} while (0)

typedef uint32_t v16u __attribute__((vector_size(64)));
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef uint32_t v4u __attribute__((vector_size(16)));

/* 16 lanes: one 64-byte row per lane, a 16 x 16 transpose. */
__attribute__((target("avx512f"))) static inline void
words_avx512(v16u M[16], const uint8_t *const p[], size_t off)
{
	__m512i r[16], t[16];
	int i;

	for (i = 0; i < 16; i++)
		r[i] = _mm512_loadu_si512((const void *)(p[i] + off));
	for (i = 0; i < 8; i++) {
		t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	for (i = 0; i < 4; i++) {
		r[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
		r[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
		r[4 * i + 2] =
		    _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
		r[4 * i + 3] =
		    _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
	}
	for (i = 0; i < 4; i++) {
		t[i] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0x88);
		t[i + 4] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0xdd);
		t[i + 8] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0x88);
		t[i + 12] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0xdd);
	}
	for (i = 0; i < 4; i++) {
		r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
		r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
		r[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
		r[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
	}
	for (i = 0; i < 16; i++)
		M[i] = (v16u)r[i];
}

/* 8 lanes: two 32-byte rows per lane, two 8 x 8 transposes. */
__attribute__((target("avx2"))) static inline void
transpose8(__m256i r[8])
{
	__m256i t[8], u[8];
	int i;

	for (i = 0; i < 4; i++) {
		t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	for (i = 0; i < 2; i++) {
		u[4 * i] = _mm256_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
		u[4 * i + 1] = _mm256_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
		u[4 * i + 2] =
		    _mm256_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
		u[4 * i + 3] =
		    _mm256_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
	}
	for (i = 0; i < 4; i++) {
		r[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
		r[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
	}
}

__attribute__((target("avx2"))) static inline void
words_avx2(v8u M[16], const uint8_t *const p[], size_t off)
{
	__m256i lo[8], hi[8];
	int i;

	for (i = 0; i < 8; i++) {
		lo[i] = _mm256_loadu_si256((const void *)(p[i] + off));
		hi[i] = _mm256_loadu_si256((const void *)(p[i] + off + 32));
	}
	transpose8(lo);
	transpose8(hi);
	for (i = 0; i < 8; i++) {
		M[i] = (v8u)lo[i];
		M[i + 8] = (v8u)hi[i];
	}
}

/* 4 lanes, baseline x86-64 (SSE2): four 4 x 4 transposes. */
static inline void
words_generic(v4u M[16], const uint8_t *const p[], size_t off)
{
	__m128i r[4], t[4];
	int q, i;

	for (q = 0; q < 4; q++) {
		for (i = 0; i < 4; i++)
			r[i] = _mm_loadu_si128(
			    (const void *)(p[i] + off + 16 * q));
		t[0] = _mm_unpacklo_epi32(r[0], r[1]);
		t[1] = _mm_unpackhi_epi32(r[0], r[1]);
		t[2] = _mm_unpacklo_epi32(r[2], r[3]);
		t[3] = _mm_unpackhi_epi32(r[2], r[3]);
		M[4 * q] = (v4u)_mm_unpacklo_epi64(t[0], t[2]);
		M[4 * q + 1] = (v4u)_mm_unpackhi_epi64(t[0], t[2]);
		M[4 * q + 2] = (v4u)_mm_unpacklo_epi64(t[1], t[3]);
		M[4 * q + 3] = (v4u)_mm_unpackhi_epi64(t[1], t[3]);
	}
}

__attribute__((target("avx512f"))) static void
kernel_avx512(uint32_t st[4][LF_MD5_LANES], const uint8_t *const p[],
    size_t nblocks)
{
	KERNEL_BODY(v16u, words_avx512);
}

__attribute__((target("avx2"))) static void
kernel_avx2(uint32_t st[4][LF_MD5_LANES], const uint8_t *const p[],
    size_t nblocks)
{
	KERNEL_BODY(v8u, words_avx2);
}

static void
kernel_generic(uint32_t st[4][LF_MD5_LANES], const uint8_t *const p[],
    size_t nblocks)
{
	KERNEL_BODY(v4u, words_generic);
}

struct kernel {
	const char *name;
	size_t lanes;
	void (*run)(uint32_t st[4][LF_MD5_LANES], const uint8_t *const p[],
	    size_t nblocks);
};

static const struct kernel kernels[] = {
    {"avx512", 16, kernel_avx512},
    {"avx2", 8, kernel_avx2},
    {"generic", 4, kernel_generic},
};

#else
struct kernel {
	const char *name;
	size_t lanes;
	void (*run)(uint32_t st[4][LF_MD5_LANES], const uint8_t *const p[],
	    size_t nblocks);
};
#endif

static const struct kernel *wide; /* the widest the processor runs */
static pthread_once_t pick_once = PTHREAD_ONCE_INIT;

static void
pick_kernels(void)
{
#ifdef HAVE_KERNELS
	/* LF_MD5_KERNEL caps the choice, to test and time each kernel. */
	const char *cap = getenv("LF_MD5_KERNEL");
	size_t i;

	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f"))
		wide = &kernels[0];
	else if (__builtin_cpu_supports("avx2"))
		wide = &kernels[1];
	else
		wide = &kernels[2];
	if (cap != NULL && strcmp(cap, "scalar") == 0)
		wide = NULL;
	for (i = 0; cap != NULL && wide != NULL &&
	     i < sizeof(kernels) / sizeof(kernels[0]);
	     i++) {
		if (strcmp(cap, kernels[i].name) == 0 &&
		    kernels[i].lanes < wide->lanes)
			wide = &kernels[i];
	}
#endif
}

const char *
lf_md5_kernel(void)
{
	(void)pthread_once(&pick_once, pick_kernels);
	return wide != NULL ? wide->name : "scalar";
}

void
lf_md5_init(struct lf_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->len = 0;
	m->nbuf = 0;
}

/*
 * Move bytes from *p into the partial block until it is full (then digest
 * it) or *n runs out.  The length is counted by the callers.
 */
static void
fill_buffer(struct lf_md5 *m, const uint8_t **p, size_t *n)
{
	size_t take = 64 - m->nbuf < *n ? 64 - m->nbuf : *n;

	memcpy(m->buf + m->nbuf, *p, take);
	m->nbuf += (unsigned)take;
	*p += take;
	*n -= take;
	if (m->nbuf == 64) {
		compress(m->h, m->buf, 1);
		m->nbuf = 0;
	}
}

void
lf_md5_update(struct lf_md5 *m, const void *data, size_t n)
{
	const uint8_t *p = data;

	m->len += n;
	if (m->nbuf > 0)
		fill_buffer(m, &p, &n);
	if (m->nbuf == 0) {
		compress(m->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n > 0)
		fill_buffer(m, &p, &n);
}

/* A stream being fed: its state and what is left of its current piece. */
struct stream {
	struct lf_md5 *m;
	size_t id; /* the caller's index */
	const uint8_t *p;
	size_t n;
};

struct feeder {
	lf_md5_piece_fn piece;
	void *arg;
};

/*
 * Get s ready for whole blocks: take pieces from the caller until the
 * current one holds a block and no partial block is pending.  Returns
 * false when the stream has no more; its last bytes wait in its buffer.
 */
static bool
ready(struct stream *s, const struct feeder *f)
{
	for (;;) {
		if (s->n > 0 && (s->m->nbuf > 0 || s->n < 64)) {
			fill_buffer(s->m, &s->p, &s->n);
			continue;
		}
		if (s->n >= 64)
			return true;
		if (!f->piece(f->arg, s->id, &s->p, &s->n))
			return false;
		s->m->len += s->n;
	}
}

static size_t
blocks_of(const struct stream *s)
{
	return s->n / 64;
}

static void
advance(struct stream *s, size_t blocks)
{
	s->p += 64 * blocks;
	s->n -= 64 * blocks;
}

#ifdef HAVE_KERNELS
/* One kernel call over every lane, for as many blocks as all of them have. */
static void
run_kernel(const struct kernel *k, struct stream *lane, size_t nlane)
{
	uint32_t st[4][LF_MD5_LANES];
	const uint8_t *p[LF_MD5_LANES];
	size_t i, w, step = ZERO_BLOCKS;

	for (i = 0; i < nlane; i++) {
		if (blocks_of(&lane[i]) < step)
			step = blocks_of(&lane[i]);
	}
	for (i = 0; i < k->lanes; i++) {
		for (w = 0; w < 4; w++)
			st[w][i] = i < nlane ? lane[i].m->h[w] : 0;
		p[i] = i < nlane ? lane[i].p : zeros;
	}
	k->run(st, p, step);
	for (i = 0; i < nlane; i++) {
		for (w = 0; w < 4; w++)
			lane[i].m->h[w] = st[w][i];
		advance(&lane[i], step);
	}
}
#endif

/* Up to four lanes: interleaved scalar code beats half-empty vectors. */
static void
run_pairs(struct stream *lane, size_t nlane)
{
	size_t i, n;

	for (i = 0; i + 1 < nlane; i += 2) {
		n = blocks_of(&lane[i]) < blocks_of(&lane[i + 1]) ?
		    blocks_of(&lane[i]) :
		    blocks_of(&lane[i + 1]);
		compress_pair(lane[i].m->h, lane[i + 1].m->h, lane[i].p,
		    lane[i + 1].p, n);
		advance(&lane[i], n);
		advance(&lane[i + 1], n);
	}
	if (i < nlane) {
		n = blocks_of(&lane[i]);
		compress(lane[i].m->h, lane[i].p, n);
		advance(&lane[i], n);
	}
}

void
lf_md5_update_streams(struct lf_md5 *const ms[], size_t count,
    lf_md5_piece_fn piece, void *arg)
{
	struct feeder f = {piece, arg};
	struct stream lane[LF_MD5_LANES];
	size_t nlane = 0, next = 0, width = 2, i;

	(void)pthread_once(&pick_once, pick_kernels);
#ifdef HAVE_KERNELS
	if (wide != NULL)
		width = wide->lanes;
#endif
	for (;;) {
		/* A lane whose stream ended takes the next stream. */
		while (nlane < width && next < count) {
			lane[nlane].m = ms[next];
			lane[nlane].id = next;
			lane[nlane].n = 0;
			next++;
			if (ready(&lane[nlane], &f))
				nlane++;
		}
		if (nlane == 0)
			return;
#ifdef HAVE_KERNELS
		if (nlane > 4 && wide != NULL)
			run_kernel(wide, lane, nlane);
		else
#endif
			run_pairs(lane, nlane);
		for (i = 0; i < nlane;) {
			if (blocks_of(&lane[i]) > 0 || ready(&lane[i], &f))
				i++;
			else
				lane[i] = lane[--nlane];
		}
	}
}

void
lf_md5_final(struct lf_md5 *m, uint8_t out[16])
{
	uint64_t bits = m->len * 8;
	int i;

	m->buf[m->nbuf++] = 0x80;
	if (m->nbuf > 56) {
		memset(m->buf + m->nbuf, 0, 64 - m->nbuf);
		compress(m->h, m->buf, 1);
		m->nbuf = 0;
	}
	memset(m->buf + m->nbuf, 0, 56 - m->nbuf);
	for (i = 0; i < 8; i++)
		m->buf[56 + i] = (uint8_t)(bits >> (8 * i));
	compress(m->h, m->buf, 1);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(m->h[i / 4] >> (8 * (i % 4)));
}
