/*
 * Unit tests: lf_md5, one stream (RFC 1321 vectors) and many at once
 * (against OpenSSL's MD5 of each stream).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "lf/md5.h"
#include "lf/text.h"
#include "vectors.h"

static void
rfc1321_suite(void **state)
{
	static const char *in[] = {"", "a", "abc", "message digest",
	    "abcdefghijklmnopqrstuvwxyz",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	    "1234567890123456789012345678901234567890123456789012345678901234"
	    "5678901234567890"};
	static const char *want[] = {"d41d8cd98f00b204e9800998ecf8427e",
	    "0cc175b9c0f1b6a831c399e269772661",
	    "900150983cd24fb0d6963f7d28e17f72",
	    "f96b697d7cb7938d525a2f31aaf161d0",
	    "c3fcd3d76192e4007dfb496cca67e13b",
	    "d174ab98d277d9f5a5611c2c9f419d9f",
	    "57edf4a22be3c955ac49da2e2107b67a"};
	struct lf_md5 m;
	uint8_t out[16];
	char hex[33];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		/* Byte by byte too: the partial block must carry over. */
		for (k = 0; k < 2; k++) {
			lf_md5_init(&m);
			if (k == 0) {
				lf_md5_update(&m, in[i], strlen(in[i]));
			} else {
				const char *p;
				for (p = in[i]; *p != '\0'; p++)
					lf_md5_update(&m, p, 1);
			}
			lf_md5_final(&m, out);
			lf_hex(hex, out, 16);
			assert_string_equal(hex, want[i]);
		}
	}
}

#define NSTREAMS 40 /* more streams than vector lanes */
#define SPAN 200000

/* Pieces of random sizes (none, under a block, odd, whole blocks). */
struct source {
	const uint8_t *data;
	size_t fed[NSTREAMS];
	int pieces_left[NSTREAMS];
	uint32_t x;
};

static bool
random_piece(void *arg, size_t stream, const uint8_t **p, size_t *n)
{
	struct source *src = arg;
	size_t room = SPAN - src->fed[stream];

	if (src->pieces_left[stream]-- <= 0)
		return false;
	src->x = src->x * 1103515245u + 12345u;
	switch ((src->x >> 4) % 4) {
	case 0:
		*n = 0;
		break;
	case 1:
		*n = (src->x >> 8) % 64;
		break;
	case 2:
		*n = (src->x >> 8) % 9000;
		break;
	default:
		*n = 64 * ((src->x >> 8) % 300);
		break;
	}
	if (*n > room)
		*n = room;
	*p = src->data + stream * SPAN + src->fed[stream];
	src->fed[stream] += *n;
	return true;
}

/*
 * Every count of streams from 1 to NSTREAMS, fed in rounds of a few pieces
 * each: returns the number of streams whose digest differs from OpenSSL's.
 */
static int
check_many_streams(void)
{
	uint8_t *data = malloc((size_t)NSTREAMS * SPAN);
	struct lf_md5 m[NSTREAMS], *mp[NSTREAMS];
	struct source src;
	uint8_t got[16], want[16];
	unsigned int len;
	size_t count, i;
	int round, bad = 0;

	if (data == NULL)
		return 1;
	lcg_bytes(data, (size_t)NSTREAMS * SPAN);
	src.data = data;
	src.x = 7;
	for (count = 1; count <= NSTREAMS; count += count < 20 ? 1 : 7) {
		for (i = 0; i < count; i++) {
			lf_md5_init(&m[i]);
			mp[i] = &m[i];
			src.fed[i] = 0;
		}
		for (round = 0; round < 4; round++) {
			for (i = 0; i < count; i++)
				src.pieces_left[i] =
				    (int)((src.x >> 3) + i) % 4;
			lf_md5_update_streams(mp, count, random_piece, &src);
		}
		for (i = 0; i < count; i++) {
			lf_md5_final(&m[i], got);
			if (EVP_Digest(data + i * SPAN, src.fed[i], want, &len,
			        EVP_md5(), NULL) != 1 ||
			    memcmp(got, want, 16) != 0)
				bad++;
		}
	}
	free(data);
	return bad;
}

static void
many_streams_equal_one_by_one(void **state)
{
	(void)state;
	assert_int_equal(check_many_streams(), 0);
}

/*
 * Each kernel, in a process of its own (the choice is made once per
 * process): `test_md5 --kernel NAME` checks with LF_MD5_KERNEL=NAME.
 * Kernels the processor lacks fall back to a narrower one.
 */
static void
every_kernel(void **state)
{
	static const char *names[] = {"scalar", "generic", "avx2", "avx512"};
	size_t i;
	pid_t pid;
	int status;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("LF_MD5_KERNEL", names[i], 1);
			execl("/proc/self/exe", "test_md5", "--kernel",
			    names[i], (char *)NULL);
			_exit(127);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

static int
kernel_child(const char *name)
{
	if (check_many_streams() != 0)
		return 1;
	if (strcmp(lf_md5_kernel(), name) != 0 && strcmp(name, "avx512") != 0 &&
	    strcmp(name, "avx2") != 0)
		return 2;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc1321_suite),
	    cmocka_unit_test(many_streams_equal_one_by_one),
	    cmocka_unit_test(every_kernel),
	};

	if (argc == 3 && strcmp(argv[1], "--kernel") == 0)
		return kernel_child(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
