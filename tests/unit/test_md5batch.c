/*
 * Unit tests: lf_md5_batch.  Objects of all lengths, fed in pieces of all
 * sizes, interleaved, some dropped, through a batch small enough to flush
 * by itself many times: each closed object's digest comes back once, equal
 * to OpenSSL's MD5 of its bytes, and dropped ones never.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "failalloc.h"
#include "lf/md5batch.h"

#define NOBJ 300
#define SPACE (64 * 1024)

struct obj {
	uint8_t *data;
	size_t len, fed;
	struct lf_md5_object *m;
	bool open, closed, dropped;
	int calls;
	uint8_t got[16];
};

static void
done(void *arg, const uint8_t md5[16])
{
	struct obj *o = arg;

	o->calls++;
	memcpy(o->got, md5, 16);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
check(const struct obj *o)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	unsigned n;

	if (o->dropped) {
		assert_int_equal(o->calls, 0);
		return;
	}
	assert_int_equal(o->calls, 1);
	assert_int_equal(EVP_Digest(o->data, o->len, want, &n, EVP_md5(), NULL),
	    1);
	assert_memory_equal(o->got, want, 16);
}

static void
interleaved_objects(void **state)
{
	static struct obj objs[NOBJ];
	struct lf_md5_batch *b;
	struct lf_error err;
	uint32_t s = 12345;
	size_t i, k, live = 0, next = 0;

	(void)state;
	assert_int_equal(lf_md5_batch_new(SPACE, &b, &err), LF_OK);
	memset(objs, 0, sizeof(objs));
	for (i = 0; i < NOBJ; i++) {
		/* Empty, a block or two, and larger than the space itself. */
		uint32_t r = rnd(&s) % 10;
		objs[i].len = r == 0 ? 0 :
		    r < 7            ? rnd(&s) % 3000 :
		    r < 9            ? rnd(&s) % 40000 :
		                       SPACE * 3 + rnd(&s) % 1000;
		assert_non_null(objs[i].data = malloc(objs[i].len + 1));
		for (k = 0; k < objs[i].len; k++)
			objs[i].data[k] = (uint8_t)rnd(&s);
	}
	/* Up to 8 objects open at once, fed in turn. */
	while (next < NOBJ || live > 0) {
		if (next < NOBJ && live < 8) {
			struct obj *o = &objs[next++];
			assert_int_equal(lf_md5_batch_open(b, &o->m, &err),
			    LF_OK);
			o->open = true;
			live++;
			continue;
		}
		for (i = 0; i < next; i++) {
			struct obj *o = &objs[i];
			size_t piece;
			if (!o->open)
				continue;
			piece = rnd(&s) % 5000;
			if (piece > o->len - o->fed)
				piece = o->len - o->fed;
			lf_md5_batch_add(b, o->m, o->data + o->fed, piece);
			o->fed += piece;
			if (o->fed < o->len)
				continue;
			o->open = false;
			live--;
			if (i % 13 == 5) {
				o->dropped = true;
				lf_md5_batch_drop(b, o->m);
			} else {
				o->closed = true;
				lf_md5_batch_close(b, o->m, done, o);
			}
			if (rnd(&s) % 17 == 0)
				lf_md5_batch_flush(b);
		}
	}
	lf_md5_batch_flush(b);
	assert_false(lf_md5_batch_waiting(b));
	for (i = 0; i < NOBJ; i++) {
		check(&objs[i]);
		free(objs[i].data);
	}
	lf_md5_batch_free(b);
}

static void
waiting_until_flushed(void **state)
{
	struct lf_md5_batch *b;
	struct lf_md5_object *m, *open;
	struct lf_error err;
	struct obj o = {(uint8_t *)"abc", 3, 3, NULL, false, true, false, 0,
	    {0}};

	(void)state;
	assert_int_equal(lf_md5_batch_new(SPACE, &b, &err), LF_OK);
	assert_false(lf_md5_batch_waiting(b));
	assert_int_equal(lf_md5_batch_open(b, &open, &err), LF_OK);
	lf_md5_batch_add(b, open, (const uint8_t *)"x", 1);
	assert_int_equal(lf_md5_batch_open(b, &m, &err), LF_OK);
	lf_md5_batch_add(b, m, o.data, 3);
	assert_false(lf_md5_batch_waiting(b)); /* open objects do not count */
	lf_md5_batch_close(b, m, done, &o);
	assert_true(lf_md5_batch_waiting(b));
	assert_int_equal(o.calls, 0);
	lf_md5_batch_flush(b);
	assert_false(lf_md5_batch_waiting(b));
	check(&o);
	/* An object still open when the batch goes is freed with it. */
	lf_md5_batch_free(b);
}

static void
bad_size_and_no_memory(void **state)
{
	struct lf_md5_batch *b = NULL;
	struct lf_md5_object *m = NULL;
	struct lf_error err;
	long k;
	int rc;

	(void)state;
	assert_int_equal(lf_md5_batch_new(1024, &b, &err), LF_E_INVAL);
	assert_null(b);
	for (k = 0; k < 10; k++) {
		failalloc_after(k);
		rc = lf_md5_batch_new(SPACE, &b, &err);
		failalloc_off();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		if (rc == LF_OK)
			break;
		assert_int_equal(err.code, LF_E_NOMEM);
	}
	assert_int_equal(rc, LF_OK);
	failalloc_after(0);
	rc = lf_md5_batch_open(b, &m, &err);
	failalloc_off();
	assert_int_equal(rc, LF_E_NOMEM);
	lf_md5_batch_free(b);
	lf_md5_batch_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(interleaved_objects),
	    cmocka_unit_test(waiting_until_flushed),
	    cmocka_unit_test(bad_size_and_no_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
