/*
 * tests/fuzz/fuzz_msg.c: compound files and .msg reading on hostile
 * bytes.
 *
 * Properties: lf_msg_read returns LF_OK or LF_E_FORMAT; begin and end
 * nest, data goes only to the innermost open entry, each entry's parent
 * is the entry open around it, properties belong to the message open at
 * the time; property values and entry names are valid UTF-8 and paths
 * printable ASCII; no stream gives more bytes than it declares.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/cfb.h"
#include "lf/msg.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK 64

struct rec {
	const struct lf_entry *open[STACK];
	int n;
	uint64_t bytes;
};

static void
check_path(const char *p)
{
	if (*p == '\0')
		abort();
	for (; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e)
			abort();
}

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;

	if (r->n >= STACK)
		abort();
	if (e->parent != (r->n > 0 ? r->open[r->n - 1] : NULL))
		abort();
	check_path(e->path);
	if (e->name != NULL &&
	    !lf_utf8_valid((const uint8_t *)e->name, e->name_len))
		abort();
	if (e->role == NULL)
		abort();
	r->open[r->n++] = e;
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct rec *r = arg;

	if (r->n == 0 || r->open[r->n - 1] != e || n == 0 ||
	    e->kind == LF_ENTRY_MESSAGE)
		abort();
	(void)p;
	r->bytes += n;
	return 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;

	if (r->n == 0 || r->open[r->n - 1] != e)
		abort();
	r->n--;
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct rec *r = arg;

	if (e != (r->n > 0 ? r->open[r->n - 1] : NULL))
		abort();
	if (e != NULL && e->kind != LF_ENTRY_MESSAGE)
		abort();
	if (name == NULL || !lf_utf8_valid((const uint8_t *)value, n))
		abort();
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	(void)arg;
	(void)e;
	if (a->code == NULL || strncmp(a->code, "cfb.", 4) != 0) {
		if (a->code == NULL ||
		    (strncmp(a->code, "msg.", 4) != 0 &&
		        strncmp(a->code, "rtf.", 4) != 0))
			abort();
	}
}

struct count {
	uint64_t n;
};

static int
counted(void *arg, const uint8_t *p, size_t n)
{
	struct count *c = arg;

	(void)p;
	c->n += n;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lf_container_events ev = {on_begin, on_data, on_end,
	    on_property, on_anomaly};
	struct lf_limits l;
	struct lf_source src;
	struct lf_cfb *c;
	struct rec r;
	uint32_t i;
	int rc;

	lf_limits_default(&l);
	l.container_total = 1024 * 1024;
	l.header_bytes = 64 * 1024;
	lf_source_memory(&src, data, size);
	memset(&r, 0, sizeof(r));
	rc = lf_msg_read(&src, &l, &ev, &r, NULL);
	if ((rc != LF_OK && rc != LF_E_FORMAT) || r.n != 0)
		abort();
	if (lf_cfb_open(&src, &l, NULL, NULL, &c, NULL) != LF_OK)
		return 0;
	for (i = 0; i < lf_cfb_count(c); i++) {
		const struct lf_cfb_entry *e = lf_cfb_entry(c, i);
		struct count k = {0};

		if (e->type != LF_CFB_STREAM)
			continue;
		if (lf_cfb_read(c, i, UINT64_MAX, counted, &k, NULL) != LF_OK ||
		    k.n > e->size)
			abort();
	}
	lf_cfb_free(c);
	return 0;
}
