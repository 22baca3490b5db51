/*
 * lf_magic.c: libmagic over one shared, mapped database.
 *
 * Why map it ourselves: magic_load() reads the whole compiled database
 * (8 MB on Debian 12) into every handle, and a handle per thread, two
 * answers each, made typing cost more memory than everything else.
 * magic_load_buffers() uses the caller's memory in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <magic.h>

#include "lf/magic.h"

#define MAX_DBS 8

struct lf_magic_db {
	void *buf[MAX_DBS];
	size_t len[MAX_DBS];
	size_t n;
};

struct lf_magic {
	magic_t h;
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

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "libmagic database");
	list = magic_getpath(NULL, 0);
	for (p = list; p != NULL && *p != '\0'; p = colon + 1) {
		colon = strchr(p, ':');
		(void)map_compiled(db, p,
		    colon != NULL ? (size_t)(colon - p) : strlen(p));
		if (colon == NULL)
			break;
	}
	if (db->n == 0) {
		free(db);
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

int
lf_magic_buffer(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res, struct lf_error *err)
{
	const char *d, *t;

	d = ask(m, FLAGS_DESCRIPTION, p, n);
	(void)snprintf(res->description, sizeof(res->description), "%s",
	    d != NULL ? d : "unknown");
	t = ask(m, FLAGS_MIME, p, n);
	(void)snprintf(res->mime, sizeof(res->mime), "%s",
	    t != NULL ? t : "application/octet-stream");
	if (d == NULL || t == NULL)
		return lf_error_set(err, LF_E_FORMAT, "libmagic: %s",
		    magic_error(m->h) != NULL ? magic_error(m->h) : "failed");
	return LF_OK;
}
