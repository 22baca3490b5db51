/*
 * lf_magic.c: libmagic, one handle per thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <magic.h>

#include "lf/magic.h"

struct lf_magic {
	magic_t desc; /* libmagic gives one answer per flag set, so two */
	magic_t mime;
};

void
lf_magic_free(struct lf_magic *m)
{
	if (m == NULL)
		return;
	if (m->desc != NULL)
		magic_close(m->desc);
	if (m->mime != NULL)
		magic_close(m->mime);
	free(m);
}

static int
open_loaded(int flags, magic_t *out, struct lf_error *err)
{
	magic_t h;
	int rc;

	if ((h = magic_open(flags)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "libmagic: cannot open");
	if (magic_load(h, NULL) != 0) {
		const char *why = magic_error(h);
		rc = lf_error_set(err, LF_E_IO,
		    "libmagic: cannot load database: %s",
		    why != NULL ? why : "unknown error");
		magic_close(h);
		return rc;
	}
	*out = h;
	return LF_OK;
}

int
lf_magic_new(struct lf_magic **out, struct lf_error *err)
{
	struct lf_magic *m;
	int rc;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "libmagic");
	/*
	 * MAGIC_NO_CHECK_COMPRESS: never decompress inside libmagic; it runs
	 * on untrusted bytes and archives are opened elsewhere, with limits.
	 */
	if ((rc = open_loaded(MAGIC_NO_CHECK_COMPRESS, &m->desc, err)) !=
	        LF_OK ||
	    (rc = open_loaded(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS,
	         &m->mime, err)) != LF_OK) {
		lf_magic_free(m);
		return rc;
	}
	*out = m;
	return LF_OK;
}

static void
copy_text(char *dst, const char *src)
{
	(void)snprintf(dst, LF_MAGIC_TEXT_MAX, "%s", src);
}

int
lf_magic_buffer(struct lf_magic *m, const uint8_t *p, size_t n,
    struct lf_magic_result *res, struct lf_error *err)
{
	const char *d = magic_buffer(m->desc, p, n);
	const char *t = magic_buffer(m->mime, p, n);

	copy_text(res->description, d != NULL ? d : "unknown");
	copy_text(res->mime, t != NULL ? t : "application/octet-stream");
	if (d == NULL || t == NULL)
		return lf_error_set(err, LF_E_FORMAT, "libmagic: %s",
		    magic_error(d == NULL ? m->desc : m->mime));
	return LF_OK;
}
