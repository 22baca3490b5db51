/*
 * lf_dkimkeys.c: key records from a file, for offline DKIM verification.
 *
 * Names and record texts are copied, lowercased names NUL-terminated,
 * into one arena no larger than the file plus a byte per line; records
 * are then sorted by name (file order among equals) for binary search.
 * Offsets, not pointers, are kept while the arena grows.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lf/buf.h"
#include "lf/dkimkeys.h"

#define LINE_MAX_LEN (64 * 1024)

struct rec {
	size_t name, name_len; /* in the arena */
	size_t txt, txt_len;
	size_t line; /* order in the file */
	size_t off;  /* of the line */
};

struct lf_dkimkeys {
	struct rec *recs;
	size_t count;
	struct lf_buf arena;
};

static void
note(lf_anomaly_fn anomaly, void *arg, const char *code, enum lf_severity sev,
    size_t off, const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (anomaly != NULL)
		anomaly(arg, &a);
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Append the quoted strings of s[0..n) joined; false when malformed. */
static bool
unquote(struct lf_buf *a, const uint8_t *s, size_t n, int *rc,
    struct lf_error *err)
{
	size_t i = 0;

	*rc = LF_OK;
	while (i < n) {
		if (blank(s[i])) {
			i++;
			continue;
		}
		if (s[i] != '"')
			return false;
		for (i++; i < n && s[i] != '"'; i++) {
			uint8_t c = s[i];

			if (c == '\\' && i + 1 < n) {
				c = s[++i];
				if (c >= '0' && c <= '9' && i + 2 < n &&
				    s[i + 1] >= '0' && s[i + 1] <= '9' &&
				    s[i + 2] >= '0' && s[i + 2] <= '9') {
					unsigned d = (unsigned)(c - '0') * 100 +
					    (unsigned)(s[i + 1] - '0') * 10 +
					    (unsigned)(s[i + 2] - '0');
					if (d > 255)
						return false;
					c = (uint8_t)d;
					i += 2;
				}
			}
			if ((*rc = lf_buf_putc(a, c, err)) != LF_OK)
				return false;
		}
		if (i == n)
			return false;
		i++;
	}
	return true;
}

static int
by_name(const void *x, const void *y, void *arg)
{
	const struct rec *a = x, *b = y;
	const uint8_t *base = arg;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(base + a->name, base + b->name, n);

	if (c != 0)
		return c;
	if (a->name_len != b->name_len)
		return a->name_len < b->name_len ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* One line [s, e) at off; adds a record to k or skips it. */
static int
line(struct lf_dkimkeys *k, size_t *cap, const uint8_t *s, const uint8_t *e,
    size_t off, lf_anomaly_fn anomaly, void *arg, struct lf_error *err)
{
	struct rec r;
	const uint8_t *q;
	size_t keep = k->arena.len;
	int rc;

	while (s < e && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		e--;
	if (s == e || *s == '#')
		return LF_OK;
	for (q = s; q < e && !blank(*q); q++)
		;
	memset(&r, 0, sizeof(r));
	r.name = k->arena.len;
	r.name_len = (size_t)(q - s);
	if (r.name_len > 1 && s[r.name_len - 1] == '.')
		r.name_len--;
	for (; s < q; s++)
		if ((rc = lf_buf_putc(&k->arena, lower(*s), err)) != LF_OK)
			return rc;
	k->arena.len = r.name + r.name_len;
	if ((rc = lf_buf_putc(&k->arena, 0, err)) != LF_OK)
		return rc;
	while (q < e && blank(*q))
		q++;
	if (q == e) {
		note(anomaly, arg, "dkimkeys.no-text", LF_SEV_LOW, off,
		    "a name without a record");
		k->arena.len = keep;
		return LF_OK;
	}
	r.txt = k->arena.len;
	if (*q == '"') {
		if (!unquote(&k->arena, q, (size_t)(e - q), &rc, err)) {
			k->arena.len = keep;
			if (rc != LF_OK)
				return rc;
			note(anomaly, arg, "dkimkeys.bad-quote", LF_SEV_MEDIUM,
			    off, "a malformed quoted string");
			return LF_OK;
		}
	} else if ((rc = lf_buf_append(&k->arena, q, (size_t)(e - q), err)) !=
	    LF_OK) {
		return rc;
	}
	r.txt_len = k->arena.len - r.txt;
	if ((rc = lf_buf_putc(&k->arena, 0, err)) != LF_OK)
		return rc;
	r.line = k->count;
	r.off = off;
	if (k->count == *cap) {
		size_t ncap = *cap == 0 ? 16 : *cap * 2;
		struct rec *nr = reallocarray(k->recs, ncap, sizeof(*nr));

		if (nr == NULL)
			return lf_error_set(err, LF_E_NOMEM, "dkim keys");
		k->recs = nr;
		*cap = ncap;
	}
	k->recs[k->count++] = r;
	return LF_OK;
}

/* Sort, and keep the first record of each name. */
static void
sort_dedup(struct lf_dkimkeys *k, lf_anomaly_fn anomaly, void *arg)
{
	size_t i, w = 0;

	if (k->count == 0)
		return; /* recs may be NULL: qsort_r must not see it */
	qsort_r(k->recs, k->count, sizeof(*k->recs), by_name, k->arena.data);
	for (i = 0; i < k->count; i++) {
		if (w > 0 && k->recs[w - 1].name_len == k->recs[i].name_len &&
		    memcmp(k->arena.data + k->recs[w - 1].name,
		        k->arena.data + k->recs[i].name,
		        k->recs[i].name_len) == 0) {
			note(anomaly, arg, "dkimkeys.duplicate", LF_SEV_MEDIUM,
			    k->recs[i].off,
			    (const char *)k->arena.data + k->recs[i].name);
			continue;
		}
		k->recs[w++] = k->recs[i];
	}
	k->count = w;
}

int
lf_dkimkeys_parse(const uint8_t *p, size_t n, size_t max_records,
    struct lf_dkimkeys **out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err)
{
	struct lf_dkimkeys *k;
	size_t off = 0, cap = 0;
	int rc = LF_OK;

	if (out == NULL || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "dkim keys: bad call");
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "dkim keys");
	/* Each line grows by at most one byte (two NULs for a newline). */
	lf_buf_init(&k->arena, n < SIZE_MAX / 2 ? 2 * n + 2 : SIZE_MAX);
	while (off < n) {
		const uint8_t *s = p + off;
		const uint8_t *nl = memchr(s, '\n', n - off);
		const uint8_t *e = nl != NULL ? nl : p + n;

		if ((size_t)(e - s) > LINE_MAX_LEN) {
			note(anomaly, arg, "dkimkeys.limit", LF_SEV_MEDIUM, off,
			    "a line over 64 KiB: skipped");
		} else if (k->count >= max_records) {
			note(anomaly, arg, "dkimkeys.limit", LF_SEV_MEDIUM, off,
			    "more records than the limit: the rest skipped");
			break;
		} else if ((rc = line(k, &cap, s, e, off, anomaly, arg, err)) !=
		    LF_OK) {
			lf_dkimkeys_free(k);
			return rc;
		}
		off = (size_t)(e - p) + (nl != NULL);
	}
	sort_dedup(k, anomaly, arg);
	*out = k;
	return LF_OK;
}

size_t
lf_dkimkeys_count(const struct lf_dkimkeys *k)
{
	return k != NULL ? k->count : 0;
}

int
lf_dkimkeys_lookup(void *arg, const char *name, const uint8_t **txt,
    size_t *len)
{
	const struct lf_dkimkeys *k = arg;
	size_t n = strlen(name), lo = 0, hi, i;
	uint8_t want[600];

	if (k == NULL || k->count == 0)
		return 0;
	if (n > 1 && name[n - 1] == '.')
		n--;
	if (n >= sizeof(want))
		return 0;
	for (i = 0; i < n; i++)
		want[i] = lower((uint8_t)name[i]);
	hi = k->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rec *r = &k->recs[mid];
		size_t m = r->name_len < n ? r->name_len : n;
		int c = memcmp(k->arena.data + r->name, want, m);

		if (c == 0 && r->name_len != n)
			c = r->name_len < n ? -1 : 1;
		if (c == 0) {
			*txt = k->arena.data + r->txt;
			*len = r->txt_len;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
lf_dkimkeys_free(struct lf_dkimkeys *k)
{
	if (k == NULL)
		return;
	free(k->recs);
	lf_buf_release(&k->arena);
	free(k);
}
