/*
 * test_expool: messages through the pool of extraction workers come back
 * in input order, each whole (its SHA-256 is that of the bytes fed, its
 * attachment's MD5, which waits in a worker's batch, that of the part),
 * with 1 to 4 workers, with messages far larger than the pool's buffers,
 * and when the caller feeds a byte at a time.  make sanitize runs this
 * under ThreadSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "lf/digest.h"
#include "lf/expool.h"
#include "lf/text.h"

#define NMSG 40

struct seen {
	size_t n;
	char sources[NMSG][32];
	char sha256[NMSG][65];
	char md5[NMSG][33];
	int failures;
};

static void
emit(void *arg, const char *source, json_t *report, const struct lf_error *err)
{
	struct seen *s = arg;
	json_t *msg = json_object_get(report, "message");
	json_t *part = json_array_get(json_object_get(report, "parts"), 0);
	const char *md5 = json_string_value(
	    json_object_get(json_object_get(part, "object"), "md5"));

	if (report == NULL || s->n == NMSG) {
		(void)err;
		s->failures++;
		return;
	}
	(void)snprintf(s->sources[s->n], sizeof(s->sources[0]), "%s", source);
	(void)snprintf(s->sha256[s->n], sizeof(s->sha256[0]), "%s",
	    json_string_value(json_object_get(msg, "sha256")));
	(void)snprintf(s->md5[s->n], sizeof(s->md5[0]), "%s",
	    md5 != NULL ? md5 : "none");
	s->n++;
}

/* Message i: a multipart with an attachment of a size that varies a lot,
 * every 9th one larger than the pool's buffers together; its MD5 in hex
 * goes to md5. */
static uint8_t *
message(size_t i, size_t *n, char md5[33])
{
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dn;
	size_t body = i % 9 == 0 ? 9u << 20 : (i * 7919) % 200000, k;
	const char *head = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
	                   "--b\r\nContent-Type: application/octet-stream\r\n"
	                   "\r\n";
	const char *tail = "\r\n--b--\r\n";
	size_t hl = strlen(head), tl = strlen(tail);
	uint8_t *m = malloc(hl + body + tl);

	assert_non_null(m);
	memcpy(m, head, hl);
	for (k = 0; k < body; k++)
		m[hl + k] = (uint8_t)('a' + (k * 31 + i) % 26);
	memcpy(m + hl + body, tail, tl);
	*n = hl + body + tl;
	assert_int_equal(EVP_Digest(m + hl, body, digest, &dn, EVP_md5(), NULL),
	    1);
	lf_hex(md5, digest, dn);
	return m;
}

static void
run(unsigned workers, size_t piece)
{
	struct lf_limits limits;
	struct lf_expool_opts o;
	struct lf_expool *pool;
	struct lf_error err;
	struct seen s;
	uint8_t digest[32];
	char want[NMSG][65], want_md5[NMSG][33], name[32];
	size_t i, n, at;
	uint8_t *m;

	memset(&s, 0, sizeof(s));
	lf_limits_default(&limits);
	memset(&o, 0, sizeof(o));
	o.workers = workers;
	o.x.limits = &limits;
	o.x.algs = LF_DIGEST_BIT(LF_MD5);
	o.emit = emit;
	o.arg = &s;
	assert_int_equal(lf_expool_new(&o, &pool, &err), LF_OK);
	for (i = 0; i < NMSG; i++) {
		m = message(i, &n, want_md5[i]);
		SHA256(m, n, digest);
		lf_hex(want[i], digest, 32);
		(void)snprintf(name, sizeof(name), "m%zu", i);
		assert_int_equal(lf_expool_begin(pool, name, LF_NO_OFFSET,
		                     &err),
		    LF_OK);
		for (at = 0; at < n; at += piece)
			assert_int_equal(lf_expool_feed(pool, m + at,
			                     n - at < piece ? n - at : piece),
			    LF_OK);
		lf_expool_end(pool);
		free(m);
		if (piece == 1 && i == 3)
			break; /* a byte at a time: a few are enough */
	}
	lf_expool_drain(pool);
	assert_int_equal(s.failures, 0);
	assert_int_equal(s.n, piece == 1 ? 4 : NMSG);
	for (i = 0; i < s.n; i++) {
		(void)snprintf(name, sizeof(name), "m%zu", i);
		assert_string_equal(s.sources[i], name);
		assert_string_equal(s.sha256[i], want[i]);
		assert_string_equal(s.md5[i], want_md5[i]);
	}
	lf_expool_free(pool);
}

static void
one_worker(void **state)
{
	(void)state;
	run(1, 65536);
}

static void
several_workers(void **state)
{
	(void)state;
	run(2, 100000);
	run(4, 1 << 20);
}

static void
byte_by_byte(void **state)
{
	(void)state;
	run(3, 1);
}

static void
bad_options(void **state)
{
	struct lf_expool_opts o;
	struct lf_expool *pool = NULL;
	struct lf_error err;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(lf_expool_new(&o, &pool, &err), LF_E_INVAL);
	assert_null(pool);
	lf_expool_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_worker),
	    cmocka_unit_test(several_workers),
	    cmocka_unit_test(byte_by_byte),
	    cmocka_unit_test(bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
