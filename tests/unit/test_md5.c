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

/*
 * Streams of uneven lengths, fed in uneven rounds, for every count from 1
 * to the most: returns 0 when each equals OpenSSL's MD5 of it.
 */
static int
check_many_streams(void)
{
	enum { SPAN = 300000 };
	uint8_t *data = malloc((size_t)LF_MD5_MAX_STREAMS * SPAN);
	struct lf_md5 m[LF_MD5_MAX_STREAMS], *mp[LF_MD5_MAX_STREAMS];
	const uint8_t *ps[LF_MD5_MAX_STREAMS];
	size_t ns[LF_MD5_MAX_STREAMS], fed[LF_MD5_MAX_STREAMS];
	uint8_t got[16], want[16];
	size_t count, i;
	uint32_t x = 7;
	unsigned int len;
	int round, bad = 0;

	if (data == NULL)
		return 1;
	lcg_bytes(data, (size_t)LF_MD5_MAX_STREAMS * SPAN);
	for (count = 1; count <= LF_MD5_MAX_STREAMS; count++) {
		for (i = 0; i < count; i++) {
			lf_md5_init(&m[i]);
			mp[i] = &m[i];
			fed[i] = 0;
		}
		for (round = 0; round < 5; round++) {
			for (i = 0; i < count; i++) {
				x = x * 1103515245u + 12345u;
				/* Sometimes nothing, sometimes under a block. */
				ns[i] = (x >> 8) % (round % 2 ? 100 : 50000);
				ps[i] = data + i * SPAN + fed[i];
				fed[i] += ns[i];
			}
			lf_md5_update_many(mp, ps, ns, count);
		}
		for (i = 0; i < count; i++) {
			lf_md5_final(&m[i], got);
			if (EVP_Digest(data + i * SPAN, fed[i], want, &len,
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
