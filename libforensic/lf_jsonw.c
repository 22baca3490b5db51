/*
 * lf_jsonw.c: a JSON writer into a bounded buffer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lf/jsonw.h"
#include "lf/text.h"

void
lf_jsonw_init(struct lf_jsonw *w, struct lf_buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

static void
put(struct lf_jsonw *w, const void *p, size_t n)
{
	if (w->rc == LF_OK && n > 0)
		w->rc = lf_buf_append(w->out, p, n, NULL);
}

/* Before a value: the comma that parts it from the one before. */
static void
value(struct lf_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		put(w, ",", 1);
	w->first[w->depth] = false;
}

static void
begin(struct lf_jsonw *w, char open, char close)
{
	value(w);
	put(w, &open, 1);
	if (w->depth + 1 == LF_JSONW_DEPTH) {
		if (w->rc == LF_OK)
			w->rc = LF_E_LIMIT;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->close[w->depth] = close;
}

void
lf_jsonw_object(struct lf_jsonw *w)
{
	begin(w, '{', '}');
}

void
lf_jsonw_array(struct lf_jsonw *w)
{
	begin(w, '[', ']');
}

void
lf_jsonw_end(struct lf_jsonw *w)
{
	if (w->depth == 0 || w->after_key) {
		if (w->rc == LF_OK)
			w->rc = LF_E_INVAL;
		return;
	}
	put(w, &w->close[w->depth], 1);
	w->depth--;
}

/* p[0..n) is valid UTF-8: JSON's escapes only. */
static void
escaped(struct lf_jsonw *w, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		char e[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t k = 2;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, p + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\')
			e[1] = (char)c;
		else if (c == '\n')
			e[1] = 'n';
		else if (c == '\r')
			e[1] = 'r';
		else if (c == '\t')
			e[1] = 't';
		else {
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			k = 6;
		}
		put(w, e, k);
	}
	put(w, p + run, n - run);
}

/* A string, quoted; bytes that are not UTF-8 made visible first. */
static void
quoted(struct lf_jsonw *w, const void *p, size_t n)
{
	struct lf_buf visible;

	put(w, "\"", 1);
	if (n == 0 || (lf_utf8_valid(p, n) && memchr(p, '\0', n) == NULL)) {
		escaped(w, p, n);
	} else {
		lf_buf_init(&visible, 8 * n + 16);
		if (lf_escape_visible(&visible, p, n, 0, NULL) != LF_OK) {
			if (w->rc == LF_OK)
				w->rc = LF_E_NOMEM;
		} else {
			escaped(w, visible.data, visible.len);
		}
		lf_buf_release(&visible);
	}
	put(w, "\"", 1);
}

void
lf_jsonw_string(struct lf_jsonw *w, const void *p, size_t n)
{
	value(w);
	quoted(w, p, n);
}

void
lf_jsonw_keyn(struct lf_jsonw *w, const void *p, size_t n)
{
	if (w->after_key && w->rc == LF_OK)
		w->rc = LF_E_INVAL;
	value(w);
	quoted(w, p, n);
	put(w, ":", 1);
	w->after_key = true;
}

void
lf_jsonw_cstr(struct lf_jsonw *w, const char *s)
{
	if (s == NULL)
		lf_jsonw_null(w);
	else
		lf_jsonw_string(w, s, strlen(s));
}

void
lf_jsonw_key(struct lf_jsonw *w, const char *key)
{
	if (w->after_key && w->rc == LF_OK)
		w->rc = LF_E_INVAL;
	value(w);
	put(w, "\"", 1);
	put(w, key, strlen(key));
	put(w, "\":", 2);
	w->after_key = true;
}

void
lf_jsonw_int(struct lf_jsonw *w, int64_t v)
{
	char t[24];
	int k = snprintf(t, sizeof(t), "%" PRId64, v);

	value(w);
	put(w, t, (size_t)k);
}

void
lf_jsonw_bool(struct lf_jsonw *w, bool v)
{
	value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
lf_jsonw_null(struct lf_jsonw *w)
{
	value(w);
	put(w, "null", 4);
}

void
lf_jsonw_raw(struct lf_jsonw *w, const void *p, size_t n)
{
	value(w);
	put(w, p, n);
}

int
lf_jsonw_finish(const struct lf_jsonw *w, struct lf_error *err)
{
	if (w->rc == LF_OK && (w->depth != 0 || w->after_key))
		return lf_error_set(err, LF_E_INVAL, "json: not closed");
	if (w->rc != LF_OK)
		return lf_error_set(err, w->rc, "json: %s",
		    w->rc == LF_E_LIMIT     ? "past its limit" :
		        w->rc == LF_E_INVAL ? "written out of order" :
		                              "out of memory");
	return LF_OK;
}
