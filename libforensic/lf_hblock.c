/*
 * lf_hblock.c: a header block split into fields, every byte kept.
 *
 * One pass over the lines.  A field is a span of the buffer: its raw
 * bytes grow line by line while folded lines follow, so the split never
 * copies and the fields' raw spans, laid end to end, are the block.
 */
#include <stdlib.h>
#include <string.h>

#include "lf/hblock.h"

static void
note(lf_anomaly_fn anomaly, void *arg, const char *code, enum lf_severity sev,
    size_t offset, const char *detail)
{
	struct lf_anomaly a = {code, sev, offset, detail};

	if (anomaly != NULL)
		anomaly(arg, &a);
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Append an empty field at p + off; NULL when out of memory. */
static struct lf_hfield *
add(struct lf_hblock *b, size_t *cap, const uint8_t *p, size_t off)
{
	struct lf_hfield *f;

	if (b->count == *cap) {
		size_t ncap = *cap == 0 ? 32 : *cap * 2;
		f = reallocarray(b->fields, ncap, sizeof(*f));
		if (f == NULL)
			return NULL;
		b->fields = f;
		*cap = ncap;
	}
	f = &b->fields[b->count++];
	memset(f, 0, sizeof(*f));
	f->raw = p + off;
	f->offset = off;
	f->name = p + off;
	f->value = p + off;
	return f;
}

/* Give field f its name and value from its first line [s, e). */
static void
split_first_line(struct lf_hfield *f, const uint8_t *s, const uint8_t *e,
    size_t off, lf_anomaly_fn anomaly, void *arg)
{
	const uint8_t *colon = memchr(s, ':', (size_t)(e - s));
	size_t name_len;

	if (colon == NULL) {
		note(anomaly, arg, "header.no-colon", LF_SEV_MEDIUM, off,
		    "a header line without a colon");
		f->name_len = (size_t)(e - s);
		f->value = e;
		return;
	}
	name_len = (size_t)(colon - s);
	while (name_len > 0 && blank(s[name_len - 1]))
		name_len--;
	if (name_len != (size_t)(colon - s))
		note(anomaly, arg, "header.space-before-colon", LF_SEV_LOW, off,
		    "blanks between a field name and its colon");
	f->name_len = name_len;
	f->value = colon + 1;
}

int
lf_hblock_parse(const uint8_t *p, size_t n, size_t max_fields,
    struct lf_hblock *out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err)
{
	struct lf_hblock b = {NULL, 0, n, false};
	struct lf_hfield *f = NULL;
	size_t cap = 0, off = 0;
	bool rest = false; /* past max_fields: one field takes the rest */

	if (out == NULL || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "header block: bad call");
	while (off < n) {
		const uint8_t *s = p + off;
		const uint8_t *nl = memchr(s, '\n', n - off);
		size_t next = nl != NULL ? (size_t)(nl - p) + 1 : n;
		const uint8_t *e = nl != NULL ? nl : p + n; /* content end */

		if (e > s && e[-1] == '\r' && nl != NULL)
			e--;
		if (e == s && nl != NULL) { /* the empty line */
			b.complete = true;
			b.body_offset = next;
			break;
		}
		if (f != NULL && (blank(*s) || rest)) {
			f->raw_len = next - f->offset;
			f->value_len = (size_t)(e - f->value);
		} else {
			if ((f = add(&b, &cap, p, off)) == NULL) {
				free(b.fields);
				return lf_error_set(err, LF_E_NOMEM,
				    "header block");
			}
			if (b.count > max_fields) {
				note(anomaly, arg, "header.too-many-fields",
				    LF_SEV_MEDIUM, off,
				    "more header fields than the limit");
				rest = true;
			} else if (blank(*s)) {
				note(anomaly, arg, "header.leading-fold",
				    LF_SEV_MEDIUM, off,
				    "the header block starts with a folded "
				    "line");
			} else {
				split_first_line(f, s, e, off, anomaly, arg);
			}
			f->raw_len = next - off;
			f->value_len = (size_t)(e - f->value);
		}
		off = next;
	}
	*out = b;
	return LF_OK;
}

void
lf_hblock_release(struct lf_hblock *b)
{
	if (b == NULL)
		return;
	free(b->fields);
	memset(b, 0, sizeof(*b));
}

bool
lf_hfield_is(const struct lf_hfield *f, const char *name)
{
	size_t n = strlen(name);

	return f->name_len == n &&
	    strncasecmp((const char *)f->name, name, n) == 0;
}

size_t
lf_hblock_count(const struct lf_hblock *b, const char *name)
{
	size_t i, k = 0;

	for (i = 0; i < b->count; i++)
		k += lf_hfield_is(&b->fields[i], name);
	return k;
}
