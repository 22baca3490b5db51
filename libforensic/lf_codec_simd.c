/*
 * lf_codec_simd.c: the common case of base64 and quoted-printable, 32
 * input bytes at a time where the processor has AVX2.
 *
 * Each function does only the stretch of input with nothing to note: the
 * codecs in lf_codec.c take every byte these leave, so their anomalies
 * and states stay in one place, and where there is no AVX2 these do
 * nothing.  Mail bodies are lines of 76 bytes, so most of a line is done
 * here and its end by the codec.
 *
 * The base64 decoding is Muła and Lemire's ("Faster Base64 Encoding and
 * Decoding Using AVX2 Instructions", ACM TWEB 12(3), 2018): nibble lookups
 * tell the alphabet from everything else and give each character's offset
 * to its 6-bit value; two multiply-adds and two shuffles pack 32 values
 * into 24 bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf_codec_impl.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2"))) static size_t
b64_blocks_avx2(const uint8_t *in, size_t n, uint8_t *out)
{
	/* Per low and high nibble, bit sets whose AND is 0 for A-Za-z0-9+/. */
	const __m256i lut_lo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a,
	    0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13,
	    0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
	const __m256i lut_hi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04,
	    0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	    0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10,
	    0x10, 0x10, 0x10, 0x10, 0x10);
	/* Per high nibble ('/' apart), what to add to get the value. */
	const __m256i lut_roll =
	    _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0,
	        0, 0, 0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i mask_2f = _mm256_set1_epi8(0x2f);
	const __m256i pack =
	    _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1,
	        -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
	size_t done = 0;

	for (; n - done >= 32; done += 32, out += 24) {
		__m256i s = _mm256_loadu_si256(
		    (const __m256i *)(const void *)(in + done));
		__m256i hi_nib =
		    _mm256_and_si256(_mm256_srli_epi32(s, 4), mask_2f);
		__m256i lo_nib = _mm256_and_si256(s, mask_2f);
		__m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nib);
		__m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nib);
		if (!_mm256_testz_si256(lo, hi))
			break;
		__m256i roll = _mm256_shuffle_epi8(lut_roll,
		    _mm256_add_epi8(_mm256_cmpeq_epi8(s, mask_2f), hi_nib));
		s = _mm256_add_epi8(s, roll);
		/* 00aaaaaa 00bbbbbb ... into aaaaaabb bbbbcccc ccdddddd. */
		s = _mm256_maddubs_epi16(s, _mm256_set1_epi32(0x01400140));
		s = _mm256_madd_epi16(s, _mm256_set1_epi32(0x00011000));
		s = _mm256_shuffle_epi8(s, pack);
		s = _mm256_permutevar8x32_epi32(s, lanes);
		_mm256_storeu_si256((__m256i *)(void *)out, s);
	}
	return done;
}

__attribute__((target("avx2"))) static __m256i
qp_blank(__m256i c)
{
	return _mm256_or_si256(_mm256_cmpeq_epi8(c, _mm256_set1_epi8(' ')),
	    _mm256_cmpeq_epi8(c, _mm256_set1_epi8('\t')));
}

/* Bytes that end a literal run: '=', CR, LF, and blanks unless followed. */
__attribute__((target("avx2"))) static __m256i
qp_special(__m256i c)
{
	return _mm256_or_si256(qp_blank(c),
	    _mm256_or_si256(_mm256_cmpeq_epi8(c, _mm256_set1_epi8('=')),
	        _mm256_or_si256(_mm256_cmpeq_epi8(c, _mm256_set1_epi8('\r')),
	            _mm256_cmpeq_epi8(c, _mm256_set1_epi8('\n')))));
}

__attribute__((target("avx2"))) static size_t
qp_run_avx2(const uint8_t *p, size_t n)
{
	size_t done = 0;

	/* 33 bytes readable: a blank's successor is looked at too. */
	for (; n - done >= 33; done += 32) {
		__m256i here = _mm256_loadu_si256(
		    (const __m256i *)(const void *)(p + done));
		__m256i next = _mm256_loadu_si256(
		    (const __m256i *)(const void *)(p + done + 1));
		/* A blank followed by a plain byte is plain. */
		__m256i stop =
		    _mm256_andnot_si256(_mm256_andnot_si256(qp_special(next),
		                            qp_blank(here)),
		        qp_special(here));
		unsigned mask = (unsigned)_mm256_movemask_epi8(stop);
		if (mask != 0)
			return done + (size_t)__builtin_ctz(mask);
	}
	return done;
}

static bool
have_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}
#endif

size_t
lf_b64_blocks(const uint8_t *in, size_t n, uint8_t *out)
{
#if defined(__x86_64__)
	if (have_avx2())
		return b64_blocks_avx2(in, n, out);
#endif
	(void)in;
	(void)n;
	(void)out;
	return 0;
}

size_t
lf_qp_run(const uint8_t *p, size_t n)
{
#if defined(__x86_64__)
	if (have_avx2())
		return qp_run_avx2(p, n);
#endif
	(void)p;
	(void)n;
	return 0;
}
