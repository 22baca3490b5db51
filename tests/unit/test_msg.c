/*
 * Unit tests: lf_msg, Outlook .msg files into container events.
 *
 * The corpus's .msg files (../shared/corpora/mail/msg-extractor) are read
 * and their properties, bodies and attachments compared with values taken
 * with Debian's python3-olefile (stream bytes, decoded by hand in Python,
 * SHA-256 by hashlib), and the plain body with msg-extractor's rendering.
 * Crafted files (cfbwriter.h) cover embedded messages, OLE objects, 8-bit
 * code pages, bad strings, depth limits, damage and failed allocations.
 */
#include <dirent.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "cfbwriter.h"
#include "failalloc.h"
#include "lf/limits.h"
#include "lf/msg.h"
#include "corpora.h"

void *__real_realloc(void *p, size_t n);

static void *
xrealloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		abort();
	return q;
}

#define MAXE 64

struct rentry {
	char path[LF_ENTRY_PATH_MAX];
	char parent[LF_ENTRY_PATH_MAX];
	enum lf_entry_kind kind;
	char role[32];
	char name[256];
	bool has_name;
	char name_raw_hex[600];
	char mime[64];
	uint64_t declared;
	uint64_t size;
	char sha256[65];
	uint8_t head[8192]; /* the first bytes */
	size_t headn;
	bool open;
	EVP_MD_CTX *md;
};

struct rec {
	char *t; /* "entry|name|value\n" per property, "A code\n" */
	size_t tn;
	struct rentry *e;
	int ne;
	int depth;
	int max_depth;
	int stop_at; /* begin of this entry (1-based) returns 77 */
	bool light;  /* no digests: OpenSSL allocates through failalloc */
};

static void
tput(struct rec *r, const char *s, size_t n)
{
	r->t = xrealloc(r->t, r->tn + n + 1);
	memcpy(r->t + r->tn, s, n);
	r->tn += n;
	r->t[r->tn] = '\0';
}

static struct rentry *
find_entry(struct rec *r, const char *path)
{
	int i;

	for (i = 0; i < r->ne; i++)
		if (strcmp(r->e[i].path, path) == 0)
			return &r->e[i];
	return NULL;
}

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;
	struct rentry *x;
	size_t i;

	if (r->stop_at > 0 && r->ne + 1 == r->stop_at)
		return 77;
	r->depth++;
	if (r->depth > r->max_depth)
		r->max_depth = r->depth;
	if (r->ne >= MAXE)
		return 0;
	assert_null(find_entry(r, e->path));
	x = &r->e[r->ne++];
	memset(x, 0, sizeof(*x));
	snprintf(x->path, sizeof(x->path), "%s", e->path);
	snprintf(x->parent, sizeof(x->parent), "%s",
	    e->parent != NULL ? e->parent->path : "");
	x->kind = e->kind;
	snprintf(x->role, sizeof(x->role), "%s", e->role);
	if (e->name != NULL) {
		x->has_name = true;
		snprintf(x->name, sizeof(x->name), "%.*s", (int)e->name_len,
		    e->name);
	}
	for (i = 0; i < e->name_raw_len && i < 290; i++)
		snprintf(x->name_raw_hex + 2 * i, 3, "%02x", e->name_raw[i]);
	if (e->mime_type != NULL)
		snprintf(x->mime, sizeof(x->mime), "%s", e->mime_type);
	x->declared = e->declared_size;
	x->open = true;
	if (!r->light) {
		x->md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(x->md, EVP_sha256(), NULL);
	}
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct rec *r = arg;
	struct rentry *x = find_entry(r, e->path);
	size_t k;

	if (x == NULL)
		return 0;
	assert_true(x->open);
	assert_true(n > 0);
	if (x->md != NULL)
		EVP_DigestUpdate(x->md, p, n);
	x->size += n;
	k = sizeof(x->head) - x->headn;
	if (k > n)
		k = n;
	memcpy(x->head + x->headn, p, k);
	x->headn += k;
	return 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;
	struct rentry *x = find_entry(r, e->path);
	unsigned char md[32];
	unsigned int mdlen;
	int i;

	r->depth--;
	if (x == NULL)
		return 0;
	assert_true(x->open);
	x->open = false;
	if (x->md == NULL)
		return 0;
	EVP_DigestFinal_ex(x->md, md, &mdlen);
	EVP_MD_CTX_free(x->md);
	x->md = NULL;
	for (i = 0; i < 32; i++)
		snprintf(x->sha256 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct rec *r = arg;
	const char *p = e != NULL ? e->path : "";

	assert_int_equal(memchr(value, '\0', n), NULL);
	tput(r, p, strlen(p));
	tput(r, "|", 1);
	tput(r, name, strlen(name));
	tput(r, "|", 1);
	tput(r, value, n);
	tput(r, "\n", 1);
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	struct rec *r = arg;

	(void)e;
	tput(r, "A ", 2);
	tput(r, a->code, strlen(a->code));
	tput(r, "\n", 1);
}

static const struct lf_container_events events = {on_begin, on_data, on_end,
    on_property, on_anomaly};

static void
rec_free(struct rec *r)
{
	int i;

	for (i = 0; i < r->ne; i++)
		if (r->e[i].md != NULL)
			EVP_MD_CTX_free(r->e[i].md);
	free(r->t);
	free(r->e);
	memset(r, 0, sizeof(*r));
}

static int
run(const uint8_t *p, size_t n, const struct lf_limits *l, struct rec *r)
{
	struct lf_source src;
	struct lf_limits dl;
	int rc;

	memset(r, 0, sizeof(*r));
	r->e = xrealloc(NULL, MAXE * sizeof(*r->e));
	tput(r, "", 0);
	if (l == NULL) {
		lf_limits_default(&dl);
		l = &dl;
	}
	lf_source_memory(&src, p, n);
	rc = lf_msg_read(&src, l, &events, r, NULL);
	if (getenv("LF_TEST_VERBOSE") != NULL)
		fprintf(stderr, "%s", r->t);
	if (rc == LF_OK)
		assert_int_equal(r->depth, 0);
	return rc;
}

static bool
has_line(const struct rec *r, const char *line)
{
	const char *p = r->t;
	size_t k = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == r->t || p[-1] == '\n') && p[k] == '\n')
			return true;
		p++;
	}
	return false;
}

static void
want(const struct rec *r, const char *line)
{
	if (!has_line(r, line))
		fail_msg("missing \"%s\" in:\n%s", line, r->t);
}

static int
count_lines(const struct rec *r, const char *prefix)
{
	const char *p = r->t;
	int n = 0;

	while ((p = strstr(p, prefix)) != NULL) {
		if (p == r->t || p[-1] == '\n')
			n++;
		p++;
	}
	return n;
}

/* ---- the corpus ---- */

static uint8_t *
slurp(const char *name, size_t *n)
{
	char path[2048];
	uint8_t *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/mail/msg-extractor/aux/%s",
	    corpora_dir(), name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open corpus file %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = xrealloc(NULL, (size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/*
 * Expected values: python3-olefile's stream bytes, decoded in Python
 * (UTF-16LE, FILETIME), hashed with hashlib.
 */
static void
check_unicode(const char *file)
{
	struct rec r;
	struct rentry *a;
	uint8_t *buf;
	size_t n;

	buf = slurp(file, &n);
	assert_int_equal(run(buf, n, NULL, &r), LF_OK);
	assert_int_equal(count_lines(&r, "A "), 0);
	want(&r, "|subject|Test for TIF files");
	want(&r, "|from|Brian Zhou <brizhou@gmail.com>");
	want(&r, "|to|brianzhou@me.com");
	want(&r, "|cc|Brian Zhou <brizhou@gmail.com>");
	want(&r, "|date|2013-11-18T08:26:24Z");
	want(&r, "|delivery-date|2013-11-18T08:26:29Z");
	want(&r,
	    "|message-id|<CADtJ4eNjQSkGcBtVteCiTF+YFG89+AcHxK3QZ=-"
	    "Mt48xygkvdQ@mail.gmail.com>");
	want(&r, "|message-class|IPM.Note");
	assert_int_equal(count_lines(&r, "|to|"), 1);
	assert_int_equal(count_lines(&r, "|cc|"), 1);
	assert_non_null(strstr(r.t, "|transport-headers|"));
	a = find_entry(&r, "attach/1");
	assert_non_null(a);
	assert_int_equal(a->kind, LF_ENTRY_FILE);
	assert_string_equal(a->role, "attachment");
	assert_string_equal(a->name, "import OleFileIO.tif");
	/* "import..." in UTF-16LE, as stored. */
	assert_memory_equal(a->name_raw_hex, "69006d0070006f0072007400", 24);
	assert_string_equal(a->mime, "image/tiff");
	assert_int_equal(a->size, 969674);
	assert_int_equal(a->declared, 969674);
	assert_string_equal(a->sha256,
	    "6f36cb718943751db9dc4c9df624c4390d8a1"
	    "3674127b7e919f419061e856dfa");
	assert_string_equal(a->parent, "");
	a = find_entry(&r, "attach/2");
	assert_non_null(a);
	assert_string_equal(a->name, "raised value error.tif");
	assert_int_equal(a->size, 1033142);
	assert_string_equal(a->sha256,
	    "3b43fdeca80da38c80e918e8f21cbd6fc925d"
	    "ac994f3922c7893fc6c1326fb92");
	a = find_entry(&r, "body/plain");
	assert_non_null(a);
	assert_int_equal(a->kind, LF_ENTRY_BODY);
	assert_string_equal(a->role, "body.plain");
	assert_int_equal(a->size, 119);
	assert_string_equal(a->sha256,
	    "0aae32bbd5c1c140c6d3975d6b65e230c2c05"
	    "ce5e59ea0bf8ab9fe8c32061f1c");
	a = find_entry(&r, "body/rtf");
	assert_non_null(a);
	assert_string_equal(a->role, "body.rtf");
	assert_true(a->headn > 5);
	assert_memory_equal(a->head, "{\\rtf", 5);
	assert_null(find_entry(&r, "attach/3"));
	rec_free(&r);
	free(buf);
}

static void
corpus_unicode(void **state)
{
	(void)state;
	check_unicode("unicode.msg");
	check_unicode("export-results__unicode.msg");
}

/* The same file read with pread(2) rather than from memory. */
static void
corpus_file_source(void **state)
{
	char path[2048];
	struct lf_source src;
	struct lf_limits l;
	struct rec r;
	struct rentry *a;
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/mail/msg-extractor/aux/unicode.msg",
	    corpora_dir());
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fstat(fileno(f), &st), 0);
	lf_source_file(&src, fileno(f), (uint64_t)st.st_size);
	lf_limits_default(&l);
	memset(&r, 0, sizeof(r));
	r.e = xrealloc(NULL, MAXE * sizeof(*r.e));
	tput(&r, "", 0);
	assert_int_equal(lf_msg_read(&src, &l, &events, &r, NULL), LF_OK);
	fclose(f);
	want(&r, "|subject|Test for TIF files");
	a = find_entry(&r, "attach/2");
	assert_non_null(a);
	assert_int_equal(a->size, 1033142);
	assert_string_equal(a->sha256,
	    "3b43fdeca80da38c80e918e8f21cbd6fc925d"
	    "ac994f3922c7893fc6c1326fb92");
	rec_free(&r);
}

/* Lines of text without the empty ones, \r dropped. */
static size_t
squeeze(const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\r')
			continue;
		if (in[i] == '\n' && (o == 0 || out[o - 1] == '\n'))
			continue;
		out[o++] = in[i];
	}
	while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' '))
		o--;
	return o;
}

static void
check_strange(const char *file)
{
	static char ours[8192], theirs[8192];
	struct rec r;
	struct rentry *a;
	uint8_t *buf, *exp;
	size_t n, en, ol, tl;
	const char *body;

	buf = slurp(file, &n);
	assert_int_equal(run(buf, n, NULL, &r), LF_OK);
	assert_int_equal(count_lines(&r, "A "), 0);
	want(&r, "|subject|MSG Test File");
	want(&r, "|to|time2talk@online-convert.com");
	want(&r, "|message-class|IPM.Note");
	/* No submit or delivery time: only creation and modification. */
	assert_int_equal(count_lines(&r, "|date|"), 0);
	assert_int_equal(count_lines(&r, "|from|"), 0);
	a = find_entry(&r, "body/plain");
	assert_non_null(a);
	assert_int_equal(a->size, 2711);
	assert_string_equal(a->sha256,
	    "663a3268118c3cd710ebd73c79a59a9026308"
	    "eec4a01a0ecb6cdc7f2004630ff");
	/* msg-extractor's rendering of the same message has the same text,
	 * its line ends doubled. */
	exp = slurp("expected-outputs__2016-02-23_0657 MSG Test "
	            "File__message.text",
	    &en);
	exp[en] = '\0';
	body = strstr((char *)exp, "-----------------");
	assert_non_null(body);
	body += strlen("-----------------");
	ol = squeeze((const char *)a->head, a->headn, ours);
	tl = squeeze(body, en - (size_t)(body - (char *)exp), theirs);
	assert_int_equal(ol, tl);
	assert_memory_equal(ours, theirs, ol);
	a = find_entry(&r, "body/rtf");
	assert_non_null(a);
	assert_memory_equal(a->head, "{\\rtf1", 6);
	assert_null(find_entry(&r, "attach/1"));
	free(exp);
	rec_free(&r);
	free(buf);
}

static void
corpus_strange_date(void **state)
{
	(void)state;
	check_strange("strangeDate.msg");
	check_strange("export-results__strangeDate.msg");
}

/* ---- crafted messages ---- */

struct pbuf {
	uint8_t b[16 * 32 + 32];
	size_t n;
};

static void
prop_init(struct pbuf *p, size_t header)
{
	memset(p, 0, sizeof(*p));
	p->n = header;
}

static void
prop_add(struct pbuf *p, uint32_t tag, uint64_t v)
{
	cw_put32(p->b + p->n, tag);
	cw_put32(p->b + p->n + 4, 2);
	cw_put32(p->b + p->n + 8, (uint32_t)v);
	cw_put32(p->b + p->n + 12, (uint32_t)(v >> 32));
	p->n += 16;
}

/* UTF-16LE of ASCII s with its NUL, in static storage (slot 0..511). */
static const uint8_t *
u16(int slot, const char *s, size_t *n)
{
	static uint8_t store[512][256];
	size_t i, k = strlen(s);

	memset(store[slot], 0, sizeof(store[slot]));
	for (i = 0; i < k; i++)
		store[slot][2 * i] = (uint8_t)s[i];
	*n = 2 * k + 2;
	return store[slot];
}

static uint32_t
add_u16(struct cw *w, uint32_t parent, const char *name, int slot,
    const char *s)
{
	size_t n;
	const uint8_t *p = u16(slot, s, &n);

	return cw_add(w, parent, name, 2, p, n);
}

static struct pbuf props_store[512];
static char names_store[64][32];
static uint8_t att_data[5000];

/*
 * A message storage with a subject and a plain body, and an attachment
 * by value; nested levels more: an embedded message in attach/2.
 */
static void
add_message(struct cw *w, uint32_t st, int level, int levels, int *slot)
{
	struct pbuf *p = &props_store[*slot];
	uint32_t a, o;
	char subj[32];

	prop_init(p, level == 0 ? 32 : 24);
	prop_add(p, 0x00390040, 130000000000000000ULL);
	cw_add(w, st, "__properties_version1.0", 2, p->b, p->n);
	snprintf(subj, sizeof(subj), "level %d", level);
	add_u16(w, st, "__substg1.0_0037001F", (*slot)++, subj);
	add_u16(w, st, "__substg1.0_1000001F", (*slot)++, "hello body");
	a = cw_add(w, st, "__attach_version1.0_#00000000", 1, NULL, 0);
	p = &props_store[(*slot)++];
	prop_init(p, 8);
	prop_add(p, 0x37050003, 1);
	cw_add(w, a, "__properties_version1.0", 2, p->b, p->n);
	add_u16(w, a, "__substg1.0_3707001F", (*slot)++, "data.bin");
	cw_add(w, a, "__substg1.0_37010102", 2, att_data, sizeof(att_data));
	if (level + 1 >= levels)
		return;
	a = cw_add(w, st, "__attach_version1.0_#00000001", 1, NULL, 0);
	p = &props_store[(*slot)++];
	prop_init(p, 8);
	prop_add(p, 0x37050003, 5);
	cw_add(w, a, "__properties_version1.0", 2, p->b, p->n);
	add_u16(w, a, "__substg1.0_3001001F", (*slot)++, "inner message");
	o = cw_add(w, a, "__substg1.0_3701000D", 1, NULL, 0);
	add_message(w, o, level + 1, levels, slot);
}

static void
build_nested(struct cw *w, int levels)
{
	int slot = 0;
	size_t i;

	for (i = 0; i < sizeof(att_data); i++)
		att_data[i] = (uint8_t)(i * 13);
	cw_init(w);
	add_message(w, 0, 0, levels, &slot);
	cw_build(w);
}

static void
crafted_nested(void **state)
{
	struct cw w;
	struct rec r;
	struct rentry *a;

	(void)state;
	build_nested(&w, 3);
	assert_int_equal(run(w.buf, w.len, NULL, &r), LF_OK);
	assert_int_equal(count_lines(&r, "A "), 0);
	want(&r, "|subject|level 0");
	want(&r, "|date|2012-12-14T23:06:40Z");
	want(&r, "attach/2|subject|level 1");
	want(&r, "attach/2/attach/2|subject|level 2");
	a = find_entry(&r, "attach/2/attach/1");
	assert_non_null(a);
	assert_string_equal(a->parent, "attach/2");
	assert_string_equal(a->name, "data.bin");
	assert_int_equal(a->size, sizeof(att_data));
	a = find_entry(&r, "attach/2");
	assert_int_equal(a->kind, LF_ENTRY_MESSAGE);
	assert_string_equal(a->role, "message");
	assert_string_equal(a->name, "inner message");
	a = find_entry(&r, "attach/2/attach/2/body/plain");
	assert_non_null(a);
	assert_int_equal(a->headn, 10);
	assert_memory_equal(a->head, "hello body", 10);
	assert_string_equal(a->parent, "attach/2/attach/2");
	assert_int_equal(r.max_depth, 3);
	rec_free(&r);
	cw_free(&w);
}

static void
depth_limit(void **state)
{
	struct cw w;
	struct rec r;
	struct lf_limits l;

	(void)state;
	build_nested(&w, 4);
	lf_limits_default(&l);
	l.container_depth = 2;
	assert_int_equal(run(w.buf, w.len, &l, &r), LF_OK);
	want(&r, "A msg.too-deep");
	want(&r, "attach/2/attach/2|subject|level 2");
	assert_non_null(find_entry(&r, "attach/2/attach/2/attach/2"));
	assert_null(find_entry(&r, "attach/2/attach/2/attach/2/body/plain"));
	rec_free(&r);
	/* Deeper than entry paths can say, whatever the limit. */
	cw_free(&w);
	build_nested(&w, 60);
	l.container_depth = 100000;
	assert_int_equal(run(w.buf, w.len, &l, &r), LF_OK);
	want(&r, "A msg.too-deep");
	assert_true(r.max_depth < 60);
	rec_free(&r);
	cw_free(&w);
}

static void
stop_on_event(void **state)
{
	struct cw w;
	struct rec r;
	struct lf_source src;
	struct lf_limits l;
	int k;

	(void)state;
	build_nested(&w, 3);
	lf_limits_default(&l);
	for (k = 1; k < 8; k++) {
		memset(&r, 0, sizeof(r));
		r.e = xrealloc(NULL, MAXE * sizeof(*r.e));
		r.stop_at = k;
		lf_source_memory(&src, w.buf, w.len);
		assert_int_equal(lf_msg_read(&src, &l, &events, &r, NULL), 77);
		rec_free(&r);
	}
	cw_free(&w);
}

static void
crafted_ole_and_codepage(void **state)
{
	static uint8_t native[200];
	struct cw w;
	struct rec r;
	struct rentry *a;
	struct pbuf *p = &props_store[0], *pa = &props_store[1],
	            *pb = &props_store[2];
	uint32_t at, o;
	size_t k = 0;
	static const uint8_t subj8[] = "caf\xe9 \x81!";

	(void)state;
	/* Ole10Native: size, flags, label, path, 4 bytes, temp path, data */
	memset(native, 0, sizeof(native));
	k = 4;
	native[k++] = 2;
	native[k++] = 0;
	memcpy(native + k, "evil.exe", 9);
	k += 9;
	memcpy(native + k, "C:\\evil.exe", 12);
	k += 12;
	native[k + 2] = 3;
	k += 4;
	cw_put32(native + k, 4);
	k += 4;
	memcpy(native + k, "tmp", 4);
	k += 4;
	cw_put32(native + k, 5);
	k += 4;
	memcpy(native + k, "MZ\x90\x00\x03", 5);
	k += 5;
	cw_put32(native, (uint32_t)(k - 4));
	cw_init(&w);
	prop_init(p, 32);
	prop_add(p, 0x3FFD0003, 1252);
	cw_add(&w, 0, "__properties_version1.0", 2, p->b, p->n);
	cw_add(&w, 0, "__substg1.0_0037001E", 2, subj8, sizeof(subj8));
	at = cw_add(&w, 0, "__attach_version1.0_#00000000", 1, NULL, 0);
	prop_init(pa, 8);
	prop_add(pa, 0x37050003, 6);
	cw_add(&w, at, "__properties_version1.0", 2, pa->b, pa->n);
	o = cw_add(&w, at, "__substg1.0_3701000D", 1, NULL, 0);
	cw_add(&w, o, "\001Ole10Native", 2, native, k);
	at = cw_add(&w, 0, "__attach_version1.0_#00000001", 1, NULL, 0);
	prop_init(pb, 8);
	prop_add(pb, 0x37050003, 2);
	cw_add(&w, at, "__properties_version1.0", 2, pb->b, pb->n);
	/* An unpaired surrogate in a name. */
	memcpy(names_store[0],
	    "a\0\x00\xd8"
	    "b\0\0\0",
	    8);
	cw_add(&w, at, "__substg1.0_3704001F", 2, names_store[0], 8);
	cw_build(&w);
	assert_int_equal(run(w.buf, w.len, NULL, &r), LF_OK);
	/* windows-1252 0xE9 is U+00E9; 0x81 is undefined there. */
	want(&r, "|subject|caf\xc3\xa9 \xef\xbf\xbd!");
	want(&r, "A msg.bad-string");
	a = find_entry(&r, "attach/1");
	assert_non_null(a);
	assert_string_equal(a->role, "ole-object");
	assert_string_equal(a->name, "evil.exe");
	assert_int_equal(a->size, 5);
	assert_memory_equal(a->head, "MZ\x90\x00\x03", 5);
	a = find_entry(&r, "attach/2");
	assert_non_null(a);
	assert_false(a->has_name);
	assert_string_equal(a->name_raw_hex, "610000d86200");
	want(&r, "A msg.attach-method");
	rec_free(&r);
	cw_free(&w);
}

/*
 * A value cut at its cap is cut between characters.  The subject's text
 * is kept in header_bytes (here 8,196 bytes): "a" and 5,000 bytes of
 * windows-1252 0xE9 make 10,001 bytes of UTF-8, and the cap falls inside
 * the 4,098th "\xc3\xa9", which is left out whole.
 */
static void
long_value_cut_whole(void **state)
{
	static uint8_t subj8[5001];
	struct cw w;
	struct rec r;
	struct lf_limits l;
	struct pbuf *p = &props_store[0];
	const char *v, *end;
	size_t i;

	(void)state;
	subj8[0] = 'a';
	memset(subj8 + 1, 0xE9, sizeof(subj8) - 1);
	cw_init(&w);
	prop_init(p, 32);
	prop_add(p, 0x3FFD0003, 1252);
	cw_add(&w, 0, "__properties_version1.0", 2, p->b, p->n);
	cw_add(&w, 0, "__substg1.0_0037001E", 2, subj8, sizeof(subj8));
	cw_build(&w);
	lf_limits_default(&l);
	l.header_bytes = 8196;
	assert_int_equal(run(w.buf, w.len, &l, &r), LF_OK);
	want(&r, "A msg.value-too-large");
	assert_non_null(v = strstr(r.t, "|subject|a"));
	v += strlen("|subject|a");
	assert_non_null(end = strchr(v, '\n'));
	assert_int_equal(end - v, 2 * 4097);
	for (i = 0; i < 2 * 4097; i += 2)
		assert_memory_equal(v + i, "\xc3\xa9", 2);
	rec_free(&r);
	cw_free(&w);
}

static void
hostile(void **state)
{
	struct cw w;
	struct rec r;
	size_t cut;
	int rc;

	(void)state;
	build_nested(&w, 3);
	for (cut = 0; cut <= w.len; cut += 512) {
		rc = run(w.buf, cut, NULL, &r);
		assert_true(rc == LF_OK || (cut < 512 && rc == LF_E_FORMAT));
		rec_free(&r);
	}
	/* A FAT loop in the attachment's data, a huge declared size. */
	cw_set_fat(&w, w.e[7].start + 2, w.e[7].start);
	cw_put32(cw_dirent(&w, 3) + 120, 0xFFFFFFFFu);
	assert_int_equal(run(w.buf, w.len, NULL, &r), LF_OK);
	want(&r, "A cfb.chain-cycle");
	want(&r, "A cfb.size-past-end");
	rec_free(&r);
	/* Not a compound file. */
	assert_int_equal(run((const uint8_t *)"From: x\r\n\r\nhi", 13, NULL,
	                     &r),
	    LF_E_FORMAT);
	rec_free(&r);
	cw_free(&w);
}

static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
nomem(void **state)
{
	struct cw w;
	struct lf_limits l;
	struct lf_source src;
	long k;
	int rc = LF_E_NOMEM;

	(void)state;
	build_nested(&w, 3);
	lf_limits_default(&l);
	lf_source_memory(&src, w.buf, w.len);
	for (k = 0; k < 2000 && rc != LF_OK; k++) {
		struct rec r;
		size_t before;

		assert_int_equal(run(w.buf, w.len, &l, &r), LF_OK);
		rec_free(&r);
		memset(&r, 0, sizeof(r));
		r.e = xrealloc(NULL, MAXE * sizeof(*r.e));
		r.light = true;
		tput(&r, "", 0);
		before = heap_in_use();
		failalloc_after(k);
		rc = lf_msg_read(&src, &l, &events, &r, NULL);
		failalloc_off();
		rec_free(&r);
		if (rc != LF_OK && rc != LF_E_NOMEM)
			fail_msg("k=%ld: rc %d", k, rc);
		if (heap_in_use() > before)
			fail_msg("k=%ld: %zu bytes leaked", k,
			    heap_in_use() - before);
	}
	assert_int_equal(rc, LF_OK);
	assert_true(k > 10);
	cw_free(&w);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(corpus_unicode),
	    cmocka_unit_test(corpus_strange_date),
	    cmocka_unit_test(corpus_file_source),
	    cmocka_unit_test(crafted_nested),
	    cmocka_unit_test(depth_limit),
	    cmocka_unit_test(stop_on_event),
	    cmocka_unit_test(crafted_ole_and_codepage),
	    cmocka_unit_test(long_value_cut_whole),
	    cmocka_unit_test(hostile),
	    cmocka_unit_test(nomem),
	};

	(void)argc;
	/* glibc's thread cache and fast bins would count freed blocks as in
	 * use: the leak check needs them off. */
	if (getenv("GLIBC_TUNABLES") == NULL) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
		execv("/proc/self/exe", argv);
	}
	mallopt(M_MXFAST, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
