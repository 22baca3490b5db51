/*
 * lf_magic.c: libmagic over one shared, mapped database.
 *
 * Why map it ourselves: magic_load() reads the whole compiled database
 * (8 MB on Debian 12) into every handle, and a handle per thread, two
 * answers each, made typing cost more memory than everything else.
 * magic_load_buffers() uses the caller's memory in place.
 *
 * Typing, not hashing, sets the pace of a whole extraction (0.2-2 ms per
 * call whatever the size), so the database also remembers the types of
 * recent contents for every thread, and lf_magic_buffer asks the full
 * question once where it can (see there).  By perf, most of a call is
 * soft magic stepping through the database's entries (about 22,000 in
 * Debian 12's, 376 bytes each) when their first test fails, and text
 * goes through it twice (the binary tests, then the text tests); its
 * regular expressions are a few percent.  Mapping the database on huge
 * pages made no difference.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>

#include "lf/magic.h"

#define MAX_DBS 8
#define CACHE_SLOTS 8192 /* recent distinct contents, about 4.5 MiB */
#define CACHE_PROBES 8

struct cache_slot {
	bool used;
	uint64_t size;
	uint8_t key[32];
	struct lf_magic_result magic;
};

struct lf_magic_db {
	void *buf[MAX_DBS];
	size_t len[MAX_DBS];
	size_t n;
	pthread_mutex_t cache_mu;
	struct cache_slot *cache; /* CACHE_SLOTS, open addressing */
};

struct lf_magic {
	magic_t h;
	struct lf_magic_db *db;
};

/*
 * Never decompress inside libmagic: it runs on untrusted bytes, and
 * archives are opened elsewhere, with limits.
 */
#define FLAGS_DESCRIPTION MAGIC_NO_CHECK_COMPRESS
#define FLAGS_MIME (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS)

void
lf_magic_db_close(struct lf_magic_db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < db->n; i++)
		(void)munmap(db->buf[i], db->len[i]);
	pthread_mutex_destroy(&db->cache_mu);
	free(db->cache);
	free(db);
}

/* Map NAME.mgc; 0 when done, -1 when it is not there or not mappable. */
static int
map_compiled(struct lf_magic_db *db, const char *name, size_t nlen)
{
	char path[4096];
	struct stat st;
	void *p;
	int fd;

	if (db->n == MAX_DBS ||
	    snprintf(path, sizeof(path), "%.*s.mgc", (int)nlen, name) >=
	        (int)sizeof(path))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		(void)close(fd);
		return -1;
	}
	/* Private and writable: libmagic may byte-swap a foreign file. */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE,
	    fd, 0);
	(void)close(fd);
	if (p == MAP_FAILED)
		return -1;
	db->buf[db->n] = p;
	db->len[db->n] = (size_t)st.st_size;
	db->n++;
	return 0;
}

int
lf_magic_db_open(struct lf_magic_db **out, struct lf_error *err)
{
	struct lf_magic_db *db;
	const char *list, *p, *colon;

	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->cache = calloc(CACHE_SLOTS, sizeof(*db->cache))) == NULL) {
		free(db);
		return lf_error_set(err, LF_E_NOMEM, "libmagic database");
	}
	pthread_mutex_init(&db->cache_mu, NULL);
	list = magic_getpath(NULL, 0);
	for (p = list; p != NULL && *p != '\0'; p = colon + 1) {
		colon = strchr(p, ':');
		(void)map_compiled(db, p,
		    colon != NULL ? (size_t)(colon - p) : strlen(p));
		if (colon == NULL)
			break;
	}
	if (db->n == 0) {
		lf_magic_db_close(db);
		return lf_error_set(err, LF_E_IO,
		    "libmagic: no compiled database (.mgc) in '%s'",
		    list != NULL ? list : "");
	}
	*out = db;
	return LF_OK;
}

int
lf_magic_new(struct lf_magic_db *db, struct lf_magic **out,
    struct lf_error *err)
{
	struct lf_magic *m;
	const char *why;
	int rc;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "libmagic");
	if ((m->h = magic_open(FLAGS_DESCRIPTION)) == NULL) {
		free(m);
		return lf_error_set(err, LF_E_NOMEM, "libmagic: cannot open");
	}
	m->db = db;
	if (magic_load_buffers(m->h, db->buf, db->len, db->n) != 0) {
		why = magic_error(m->h);
		rc = lf_error_set(err, LF_E_FORMAT, "libmagic: database: %s",
		    why != NULL ? why : "rejected");
		lf_magic_free(m);
		return rc;
	}
	*out = m;
	return LF_OK;
}

void
lf_magic_free(struct lf_magic *m)
{
	if (m == NULL)
		return;
	if (m->h != NULL)
		magic_close(m->h);
	free(m);
}

/* One answer: libmagic's text under flags, or NULL. */
static const char *
ask(struct lf_magic *m, int flags, const uint8_t *p, size_t n)
{
	if (magic_setflags(m->h, flags) != 0)
		return NULL;
	return magic_buffer(m->h, p, n);
}

/*
 * Two questions, the description and the MIME type, each a full pass.  But
 * when the description with soft magic (the database) equals the one
 * without it (a cheap pass over the built-in tests), the database matched
 * nothing, so it gives no MIME type either and the cheap pass's MIME type
 * is the answer.  That is the common case, plain text and unknown data,
 * and saves one full pass in two.  tests/unit/test_magic.c checks the
 * shortcut against both full passes on every file it is given.
 */
int
lf_magic_buffer(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res, struct lf_error *err)
{
	const char *d, *t, *bare;

	res->builtin_only = false;
	d = ask(m, FLAGS_DESCRIPTION, p, n);
	(void)snprintf(res->description, sizeof(res->description), "%s",
	    d != NULL ? d : "unknown");
	bare = d != NULL ?
	    ask(m, FLAGS_DESCRIPTION | MAGIC_NO_CHECK_SOFT, p, n) :
	    NULL;
	if (bare != NULL && strcmp(bare, res->description) == 0)
		t = ask(m, FLAGS_MIME | MAGIC_NO_CHECK_SOFT, p, n);
	else
		t = ask(m, FLAGS_MIME, p, n);
	(void)snprintf(res->mime, sizeof(res->mime), "%s",
	    t != NULL ? t : "application/octet-stream");
	if (d == NULL || t == NULL)
		return lf_error_set(err, LF_E_FORMAT, "libmagic: %s",
		    magic_error(m->h) != NULL ? magic_error(m->h) : "failed");
	return LF_OK;
}

/*
 * The database costs in proportion to the text it searches, up to about
 * 16 KiB, and a format written in text (PDF, PostScript, RTF, scripts,
 * XML, HTML) says so in its first lines; this much of it is searched.
 */
#define TEXT_HEAD 256

bool
lf_magic_text(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res)
{
	size_t head = n < TEXT_HEAD ? n : TEXT_HEAD;
	char bare[LF_MAGIC_TEXT_MAX];
	const char *d, *t;

	t = ask(m, FLAGS_MIME | MAGIC_NO_CHECK_SOFT, p, n);
	if (t == NULL || strncmp(t, "text/", 5) != 0)
		return false;
	/* The first lines: does the database know them as a format? */
	if ((d = ask(m, FLAGS_DESCRIPTION | MAGIC_NO_CHECK_SOFT, p, head)) ==
	    NULL)
		return false;
	(void)snprintf(bare, sizeof(bare), "%s", d);
	if ((d = ask(m, FLAGS_DESCRIPTION, p, head)) == NULL ||
	    strcmp(d, bare) != 0)
		return false;
	t = ask(m, FLAGS_MIME | MAGIC_NO_CHECK_SOFT, p, n);
	if (t == NULL)
		return false;
	(void)snprintf(res->mime, sizeof(res->mime), "%s", t);
	if ((d = ask(m, FLAGS_DESCRIPTION | MAGIC_NO_CHECK_SOFT, p, n)) == NULL)
		return false;
	(void)snprintf(res->description, sizeof(res->description), "%s", d);
	res->builtin_only = true;
	return true;
}

/*
 * The identity of a content: its SHA-256 or SHA-512 (at most 32 bytes of
 * it) and its size.  Never MD5 or SHA-1: colliding pairs are easy to make,
 * and one half of a pair would be reported with the other's type.
 */
static const uint8_t *
cache_key(const struct lf_digest_result *d, size_t *klen)
{
	static const enum lf_digest_alg pref[] = {LF_SHA256, LF_SHA512};
	size_t i;

	for (i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
		if (d->algs & LF_DIGEST_BIT(pref[i])) {
			*klen = lf_digest_raw_len(pref[i]);
			if (*klen > 32)
				*klen = 32;
			return lf_digest_raw(d, pref[i]);
		}
	}
	return NULL;
}

/* Locked: the slot holding this content, or where it would go. */
static struct cache_slot *
cache_slot(struct lf_magic_db *db, const uint8_t *key, size_t klen,
    uint64_t size, bool *hit)
{
	struct cache_slot *s;
	uint32_t h;
	size_t i, probe;

	*hit = false;
	memcpy(&h, key, sizeof(h));
	i = h % CACHE_SLOTS;
	for (probe = 0; probe < CACHE_PROBES; probe++) {
		s = &db->cache[(i + probe) % CACHE_SLOTS];
		if (!s->used)
			return s;
		if (s->size == size && memcmp(s->key, key, klen) == 0) {
			*hit = true;
			return s;
		}
	}
	/* All taken: the newest content replaces the first of them. */
	return &db->cache[i];
}

bool
lf_magic_cached(struct lf_magic *m, const struct lf_digest_result *d,
    struct lf_magic_result *res)
{
	const uint8_t *key;
	struct cache_slot *s;
	size_t klen = 0;
	bool hit;

	if ((key = cache_key(d, &klen)) == NULL)
		return false;
	pthread_mutex_lock(&m->db->cache_mu);
	s = cache_slot(m->db, key, klen, d->size, &hit);
	if (hit)
		*res = s->magic;
	pthread_mutex_unlock(&m->db->cache_mu);
	return hit;
}

void
lf_magic_remember(struct lf_magic *m, const struct lf_digest_result *d,
    const struct lf_magic_result *res)
{
	const uint8_t *key;
	struct cache_slot *s;
	size_t klen = 0;
	bool hit;

	if ((key = cache_key(d, &klen)) == NULL)
		return;
	pthread_mutex_lock(&m->db->cache_mu);
	s = cache_slot(m->db, key, klen, d->size, &hit);
	s->used = true;
	s->size = d->size;
	memset(s->key, 0, sizeof(s->key));
	memcpy(s->key, key, klen);
	s->magic = *res;
	pthread_mutex_unlock(&m->db->cache_mu);
}
