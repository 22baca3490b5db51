/*
 * tests/fuzz/fuzz_mime.c: the streaming MIME parser on hostile bytes.
 *
 * Input: byte 0 seeds the sizes of the pieces the message is fed in,
 * byte 1 picks the limits (the defaults, or tight ones the fuzzer can
 * reach), the rest is the message.
 *
 * Properties, checked as events arrive and at the end:
 * - every part that begins ends, before finish returns; a part ends only
 *   when every part begun inside it has ended; its parent is the
 *   innermost open part, its depth one more than the parent's;
 * - paths are well formed ("", "1.2", "2:preamble", "1:uuencode:1"...)
 *   and no two open parts share one;
 * - data reach only open parts that have content (never a multipart);
 * - in the message's own offsets (not below a decoded or embedded part):
 *   offset <= body_offset <= end_offset <= the bytes fed so far; a part
 *   lies inside its parent; content without a transfer encoding (leaves,
 *   preamble, epilogue, the raw bytes of an attached message) is exactly
 *   the bytes from body_offset to end_offset; and such content at the top
 *   level never adds up to more than the message;
 * - the events (with each part's content gathered whole, and anomalies
 *   as a set) are the same whether the message is fed whole, in pieces,
 *   or a byte at a time;
 * - the parser returns LF_OK (the handler never stops it).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fpart {
	char path[LF_MIME_PATH_MAX];
	enum lf_mime_kind kind;
	enum lf_codec codec;
	unsigned depth;
	uint64_t offset, body_offset;
	bool message_space; /* offsets count the message's bytes */
	uint8_t *data;
	size_t len;
};

struct frec {
	uint8_t *t; /* transcript */
	size_t tn, tcap;
	char **anoms; /* "path\ncode\noffset", compared as a sorted set */
	size_t nanoms, acap;
	struct fpart *open;
	size_t nopen, ocap;
	uint64_t fed;
	uint64_t top_content; /* identity content at the top level */
	bool top_begun;
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		abort();
	return q;
}

static void
put(struct frec *r, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (r->tn + n > r->tcap) {
		r->tcap = (r->tn + n) * 2;
		r->t = xrealloc(r->t, r->tcap);
	}
	memcpy(r->t + r->tn, p, n);
	r->tn += n;
}

static void
put_bytes(struct frec *r, const void *p, size_t n)
{
	put(r, &n, sizeof(n));
	put(r, p, n);
}

static bool
number(const char **s)
{
	const char *p = *s;

	if (*p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	*s = p;
	return true;
}

/* "" or "1.2.3", then per kind ":preamble", ":epilogue", ":yenc:2"... */
static bool
path_ok(const char *p, enum lf_mime_kind kind)
{
	const char *s = p;
	bool numbered = false;

	if (memchr(p, '\0', LF_MIME_PATH_MAX) == NULL)
		return false;
	if (kind == LF_MIME_PREAMBLE || kind == LF_MIME_EPILOGUE) {
		const char *what =
		    kind == LF_MIME_PREAMBLE ? "preamble" : "epilogue";
		if (strcmp(p, what) == 0) /* the top level's */
			return true;
	}
	while (*s != '\0' && *s != ':') {
		if (numbered && *s++ != '.')
			return false;
		if (!number(&s))
			return false;
		numbered = true;
	}
	if (kind == LF_MIME_PREAMBLE || kind == LF_MIME_EPILOGUE)
		return numbered && *s == ':' &&
		    strcmp(s + 1,
		        kind == LF_MIME_PREAMBLE ? "preamble" : "epilogue") ==
		    0;
	if (kind != LF_MIME_EMBEDDED)
		return *s == '\0' && (numbered || kind == LF_MIME_MESSAGE);
	while (*s == ':') {
		s++;
		if (strncmp(s, "uuencode:", 9) == 0)
			s += 9;
		else if (strncmp(s, "yenc:", 5) == 0)
			s += 5;
		else if (strncmp(s, "binhex:", 7) == 0)
			s += 7;
		else
			return false;
		if (!number(&s))
			return false;
	}
	return *s == '\0' && numbered;
}

static struct fpart *
find_open(struct frec *r, const char *path)
{
	size_t i;

	for (i = r->nopen; i-- > 0;) {
		if (strcmp(r->open[i].path, path) == 0)
			return &r->open[i];
	}
	return NULL;
}

static int
on_header(void *arg, const struct lf_mime_part *part, const uint8_t *name,
    size_t name_len, const uint8_t *value, size_t value_len, uint64_t offset)
{
	struct frec *r = arg;

	(void)offset;
	if (memchr(part->path, '\0', LF_MIME_PATH_MAX) == NULL)
		abort();
	put(r, "H", 1);
	put_bytes(r, part->path, strlen(part->path));
	put_bytes(r, name, name_len);
	put_bytes(r, value, value_len);
	put(r, &offset, sizeof(offset));
	return 0;
}

static int
on_begin(void *arg, const struct lf_mime_part *part)
{
	struct frec *r = arg;
	struct fpart *parent = r->nopen > 0 ? &r->open[r->nopen - 1] : NULL;
	struct fpart *p;

	if (!path_ok(part->path, part->kind) ||
	    find_open(r, part->path) != NULL)
		abort();
	if (parent == NULL) {
		if (part->depth != 0 || part->parent != NULL ||
		    part->path[0] != '\0' || r->top_begun)
			abort();
		r->top_begun = true;
	} else {
		if (part->parent == NULL ||
		    strcmp(part->parent->path, parent->path) != 0 ||
		    part->depth != parent->depth + 1 ||
		    parent->kind == LF_MIME_PREAMBLE ||
		    parent->kind == LF_MIME_EPILOGUE ||
		    parent->kind == LF_MIME_EMBEDDED)
			abort();
	}
	if (r->nopen == r->ocap) {
		r->ocap = r->ocap ? 2 * r->ocap : 16;
		r->open = xrealloc(r->open, r->ocap * sizeof(*r->open));
		parent = r->nopen > 0 ? &r->open[r->nopen - 1] : NULL;
	}
	p = &r->open[r->nopen++];
	memset(p, 0, sizeof(*p));
	memcpy(p->path, part->path, sizeof(p->path));
	p->kind = part->kind;
	p->codec = part->codec;
	p->depth = part->depth;
	p->offset = part->offset;
	p->body_offset = part->body_offset;
	/* Below a leaf (a message decoded from it) or inside an embedded
	 * block, offsets count decoded bytes. */
	p->message_space = part->kind != LF_MIME_EMBEDDED &&
	    (parent == NULL ||
	        (parent->message_space && parent->kind != LF_MIME_LEAF));
	if (p->message_space &&
	    (p->offset > p->body_offset || p->body_offset > r->fed ||
	        (parent != NULL && p->offset < parent->offset)))
		abort();
	put(r, "B", 1);
	put_bytes(r, part->path, strlen(part->path));
	put(r, &part->kind, sizeof(part->kind));
	put_bytes(r, part->type.type, strlen(part->type.type));
	put_bytes(r, part->type.subtype, strlen(part->type.subtype));
	put(r, &part->codec, sizeof(part->codec));
	put(r, &part->after_close, sizeof(part->after_close));
	put(r, &part->offset, sizeof(part->offset));
	put(r, &part->body_offset, sizeof(part->body_offset));
	if (part->name_raw != NULL) {
		put_bytes(r, part->name_raw, part->name_raw_len);
		put_bytes(r, part->name, part->name_len);
	}
	return 0;
}

static int
on_data(void *arg, const struct lf_mime_part *part, const uint8_t *d, size_t n)
{
	struct frec *r = arg;
	struct fpart *p = find_open(r, part->path);

	if (p == NULL || p->kind == LF_MIME_MULTIPART || n == 0)
		abort();
	p->data = xrealloc(p->data, p->len + n);
	memcpy(p->data + p->len, d, n);
	p->len += n;
	return 0;
}

static int
on_end(void *arg, const struct lf_mime_part *part)
{
	struct frec *r = arg;
	struct fpart *p, *parent;

	if (r->nopen == 0)
		abort();
	p = &r->open[r->nopen - 1];
	parent = r->nopen > 1 ? &r->open[r->nopen - 2] : NULL;
	if (strcmp(p->path, part->path) != 0)
		abort(); /* not the innermost open part */
	if (p->message_space) {
		uint64_t end = part->end_offset;
		if (end < p->body_offset || end > r->fed ||
		    part->offset != p->offset ||
		    part->body_offset != p->body_offset)
			abort();
		/* Content as written: exactly the bytes it spans. */
		if (p->kind != LF_MIME_MULTIPART && p->depth > 0 &&
		    p->codec == LF_CODEC_IDENTITY &&
		    p->len != end - p->body_offset)
			abort();
		if (p->kind != LF_MIME_MULTIPART &&
		    p->kind != LF_MIME_MESSAGE && p->codec == LF_CODEC_IDENTITY)
			r->top_content += p->len;
		if (parent != NULL && parent->message_space &&
		    parent->kind == LF_MIME_MESSAGE && parent->depth > 0 &&
		    parent->codec == LF_CODEC_IDENTITY &&
		    (p->offset < parent->body_offset ||
		        end > parent->body_offset + parent->len))
			abort(); /* outside the attached message's bytes */
	}
	put(r, "E", 1);
	put_bytes(r, part->path, strlen(part->path));
	put(r, &part->end_offset, sizeof(part->end_offset));
	put_bytes(r, p->data, p->len);
	if (part->decoded != NULL)
		put(r, &part->decoded->complete, sizeof(bool));
	free(p->data);
	r->nopen--;
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_mime_part *part,
    const struct lf_anomaly *a)
{
	struct frec *r = arg;

	char *s;
	size_t n;

	if (a->code == NULL || strchr(a->code, '.') == NULL || part == NULL)
		abort();
	/*
	 * When an anomaly is reported, relative to the events that decoded
	 * bytes cause, may follow the pieces (the base64 decoder reports a
	 * bad character before it hands on the bytes decoded before it in
	 * the same piece; test_mime.c: anomaly_order_split).  Which
	 * anomalies, where, must not.
	 */
	n = strlen(part->path) + strlen(a->code) + 32;
	s = xrealloc(NULL, n);
	(void)snprintf(s, n, "%s\n%s\n%llu", part->path, a->code,
	    (unsigned long long)a->offset);
	if (r->nanoms == r->acap) {
		r->acap = r->acap ? 2 * r->acap : 16;
		r->anoms = xrealloc(r->anoms, r->acap * sizeof(*r->anoms));
	}
	r->anoms[r->nanoms++] = s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The anomalies, sorted, at the end of the transcript. */
static void
put_anomalies(struct frec *r)
{
	size_t i;

	if (r->nanoms > 0)
		qsort(r->anoms, r->nanoms, sizeof(*r->anoms), cmp_str);
	for (i = 0; i < r->nanoms; i++) {
		put(r, "A", 1);
		put_bytes(r, r->anoms[i], strlen(r->anoms[i]));
		free(r->anoms[i]);
	}
	free(r->anoms);
}

static const struct lf_mime_handler handler = {on_header, on_begin, on_data,
    on_end, on_anomaly};

/* mode 0: whole; 1: a byte at a time; 2: pieces sized from seed. */
static void
run(const uint8_t *msg, size_t n, const struct lf_limits *l, int mode,
    uint8_t seed, struct frec *r)
{
	struct lf_mime_parser *mp;
	uint32_t x = 0x9e3779b9u ^ seed;
	size_t i = 0, k;

	memset(r, 0, sizeof(*r));
	if (lf_mime_parser_new(l, &handler, r, &mp, NULL) != LF_OK)
		abort();
	while (i < n) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		k = mode == 0 ? n :
		    mode == 1 ? 1 :
		                1 + x % (seed % 4 ? 13 : 700);
		if (k > n - i)
			k = n - i;
		r->fed += k;
		if (lf_mime_feed(mp, msg + i, k) != LF_OK)
			abort();
		i += k;
	}
	if (lf_mime_finish(mp) != LF_OK || r->nopen != 0 || r->top_content > n)
		abort();
	lf_mime_parser_free(mp);
	free(r->open);
	put_anomalies(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_limits l;
	struct frec a, b;
	const uint8_t *msg;
	size_t n;

	if (size < 2)
		return 0;
	msg = data + 2;
	n = size - 2;
	lf_limits_default(&l);
	if (data[1] & 1) { /* limits the fuzzer can reach */
		l.mime_depth = 1 + data[1] % 5;
		l.mime_parts = 1 + (data[1] >> 3);
		l.header_bytes = 1024;
		l.mime_params = 2;
	}
	run(msg, n, &l, 0, data[0], &a);
	run(msg, n, &l, 2, data[0], &b);
	if (a.tn != b.tn || (a.tn > 0 && memcmp(a.t, b.t, a.tn) != 0))
		abort();
	free(b.t);
	if (n <= 4096) {
		run(msg, n, &l, 1, data[0], &b);
		if (a.tn != b.tn || (a.tn > 0 && memcmp(a.t, b.t, a.tn) != 0))
			abort();
		free(b.t);
	}
	free(a.t);
	return 0;
}
