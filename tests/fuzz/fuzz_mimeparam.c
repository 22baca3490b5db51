/*
 * tests/fuzz/fuzz_mimeparam.c: Content-Type and Content-Disposition values
 * from hostile bytes.
 *
 * Properties: any bytes parse, as either field; every value is valid
 * UTF-8; raw and value lie inside the arena and end with a NUL; names,
 * type, charset and language are C strings that fit; the limits hold; and
 * every anomaly has a code and an offset inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/mimeparam.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_anomaly(void *arg, const struct lf_anomaly *a)
{
	size_t size = *(const size_t *)arg;

	if (a->code == NULL || strchr(a->code, '.') == NULL || a->offset > size)
		abort();
}

static bool
inside(const struct lf_buf *arena, const uint8_t *p, size_t len)
{
	return arena->data != NULL && p >= arena->data &&
	    len < arena->len + 1 && (size_t)(p - arena->data) < arena->len &&
	    len < arena->len - (size_t)(p - arena->data) && p[len] == '\0';
}

static void
check(const struct lf_mime_field *f, const struct lf_limits *l)
{
	const struct lf_mime_param *p;
	size_t i;

	if (memchr(f->type, 0, sizeof(f->type)) == NULL ||
	    memchr(f->subtype, 0, sizeof(f->subtype)) == NULL ||
	    f->nparams > l->mime_params || f->arena.len > l->header_bytes ||
	    (f->nparams > 0) != (f->params != NULL))
		abort();
	for (i = 0; i < f->nparams; i++) {
		p = &f->params[i];
		if (memchr(p->name, 0, sizeof(p->name)) == NULL ||
		    memchr(p->charset, 0, sizeof(p->charset)) == NULL ||
		    memchr(p->language, 0, sizeof(p->language)) == NULL ||
		    !inside(&f->arena, p->raw, p->raw_len) ||
		    !inside(&f->arena, p->value, p->value_len) ||
		    !lf_utf8_valid(p->value, p->value_len) ||
		    lf_mime_field_param(f, p->name) == NULL)
			abort();
	}
}

static void
run(const uint8_t *data, size_t size, bool ct, const struct lf_limits *l)
{
	struct lf_mime_field f;

	if (lf_mime_field_parse(data, size, ct, l, &f, check_anomaly, &size,
	        NULL) != LF_OK)
		abort();
	check(&f, l);
	lf_mime_field_release(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_limits l;

	lf_limits_default(&l);
	run(data, size, true, &l);
	run(data, size, false, &l);
	/* Tight limits, so that the fuzzer reaches them. */
	l.mime_params = 4;
	l.header_bytes = 1024;
	run(data, size, true, &l);
	return 0;
}
