/*
 * lf_bagitw.c: the tag files of a BagIt 1.0 bag, written deterministically.
 *
 * Everything the output depends on is in the arguments: entries are
 * sorted here (bytewise), line ends are LF, numbers are integers.  Names
 * are refused rather than escaped when a reader could take them two ways:
 * a manifest line must mean the same file to every BagIt validator and to
 * sha256sum -c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/bagit.h"
#include "lf/buf.h"
#include "lf/text.h"

#define TAG_MAX (1024u * 1024 * 1024) /* a cap no real bag comes near */

/* NULL when path is a name the writer accepts, else why not. */
static const char *
bad_path(const char *p)
{
	size_t n = strlen(p), i, start = 0;

	if (n == 0)
		return "an empty path";
	if (n > 4096)
		return "longer than 4096 bytes";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c > 0x7e)
			return "not printable ASCII";
		if (c == '\\' || c == '%')
			return "holds '\\' or '%', which manifest readers "
			       "unescape differently";
	}
	if (p[n - 1] == ' ' || p[n - 1] == '\t')
		return "ends in a space";
	if (p[0] == '/' || p[0] == '~')
		return "not relative to the bag";
	for (i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (i == start)
			return "has an empty component";
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "has a '.' or '..' component";
		start = i + 1;
	}
	return NULL;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct lf_bagit_entry *x =
	    *(const struct lf_bagit_entry *const *)a;
	const struct lf_bagit_entry *y =
	    *(const struct lf_bagit_entry *const *)b;

	return strcmp(x->path, y->path);
}

/* Sorted pointers to n entries, each checked; NULL after an error. */
static const struct lf_bagit_entry **
sorted(const struct lf_bagit_entry *e, size_t n, bool payload, int *rcp,
    struct lf_error *err)
{
	const struct lf_bagit_entry **s;
	const char *why;
	size_t i;

	if ((s = calloc(n > 0 ? n : 1, sizeof(*s))) == NULL) {
		*rcp = lf_error_set(err, LF_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (e[i].path == NULL)
			why = "no path";
		else if ((why = bad_path(e[i].path)) == NULL && payload &&
		    strncmp(e[i].path, "data/", 5) != 0)
			why = "a payload file not under data/";
		else if (why == NULL && !payload &&
		    strncmp(e[i].path, "data/", 5) == 0)
			why = "a tag file under data/";
		if (why != NULL) {
			*rcp =
			    lf_error_set(err, LF_E_INVAL, "path '%.200s': %s",
			        e[i].path != NULL ? e[i].path : "", why);
			free(s);
			return NULL;
		}
		s[i] = &e[i];
	}
	qsort(s, n, sizeof(*s), entry_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(s[i - 1]->path, s[i]->path) == 0) {
			*rcp = lf_error_set(err, LF_E_INVAL,
			    "path '%.200s' given twice", s[i]->path);
			free(s);
			return NULL;
		}
	return s;
}

static int
manifest_line(struct lf_buf *b, const uint8_t *d, size_t len, const char *path,
    struct lf_error *err)
{
	char hex[2 * 64 + 1];

	lf_hex(hex, d, len);
	return lf_buf_printf(b, err, "%s  %s\n", hex, path);
}

/* A label of bag-info.txt: printable ASCII, no colon, no outer blanks. */
static const char *
bad_label(const char *l)
{
	size_t n = strlen(l), i;

	if (n == 0)
		return "empty";
	for (i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20 || (unsigned char)l[i] > 0x7e ||
		    l[i] == ':')
			return "not printable ASCII without ':'";
	if (l[0] == ' ' || l[n - 1] == ' ')
		return "begins or ends with a space";
	if (strcasecmp(l, "Payload-Oxum") == 0 ||
	    strcasecmp(l, "Bag-Size") == 0)
		return "computed by the writer";
	return NULL;
}

/*
 * Write "label: value", each line break of value (CR, LF or CRLF) as LF
 * and two spaces: a continuation line (RFC 8493 2.2.2), never a new label.
 */
static int
info_element(struct lf_buf *b, const char *label, const char *value,
    struct lf_error *err)
{
	const char *why = bad_label(label);
	size_t n = strlen(value), i;
	int rc;

	if (why != NULL)
		return lf_error_set(err, LF_E_INVAL,
		    "bag-info label '%.100s': %s", label, why);
	if (!lf_utf8_valid((const uint8_t *)value, n))
		return lf_error_set(err, LF_E_INVAL,
		    "bag-info %s: the value is not UTF-8", label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return lf_error_set(err, LF_E_INVAL,
			    "bag-info %s: a control character in the value",
			    label);
	}
	if ((rc = lf_buf_printf(b, err, "%s: ", label)) != LF_OK)
		return rc;
	for (i = 0; i < n && rc == LF_OK; i++) {
		if (value[i] == '\r' || value[i] == '\n') {
			if (value[i] == '\r' && value[i + 1] == '\n')
				i++;
			rc = lf_buf_append(b, "\n  ", 3, err);
		} else {
			rc = lf_buf_putc(b, (uint8_t)value[i], err);
		}
	}
	return rc == LF_OK ? lf_buf_putc(b, '\n', err) : rc;
}

/* "123 bytes", "1.5 kB", "2.0 GB": decimal units, rounded, no floats. */
static void
bag_size(uint64_t n, char *out, size_t cap)
{
	static const char *const unit[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
	uint64_t scale = 1000;
	size_t u = 0;

	if (n < 1000) {
		(void)snprintf(out, cap, "%llu bytes", (unsigned long long)n);
		return;
	}
	while (u + 1 < sizeof(unit) / sizeof(unit[0]) && n / scale >= 1000) {
		scale *= 1000;
		u++;
	}
	/* tenths, rounded half up, computed without overflow */
	{
		uint64_t whole = n / scale, rest = n % scale;
		uint64_t tenths = rest / (scale / 10);
		uint64_t r = rest % (scale / 10);
		if (r >= scale / 20)
			tenths++;
		if (tenths == 10) {
			whole++;
			tenths = 0;
		}
		if (whole == 1000 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
			whole = 1; /* 999.95 kB is 1.0 MB */
			u++;
		}
		(void)snprintf(out, cap, "%llu.%llu %s",
		    (unsigned long long)whole, (unsigned long long)tenths,
		    unit[u]);
	}
}

static int
put_file(struct lf_bagit_out *o, const char *name, struct lf_buf *b)
{
	struct lf_bagit_out_file *f = &o->files[o->n++];

	(void)snprintf(f->name, sizeof(f->name), "%s", name);
	f->len = b->len;
	f->data = lf_buf_steal(b, NULL);
	if (f->data == NULL && (f->data = malloc(1)) == NULL)
		return LF_E_NOMEM;
	return LF_OK;
}

struct tagline {
	const char *path;
	const uint8_t *d[2]; /* sha256, sha512 */
};

static int
tagline_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tagline *)a)->path,
	    ((const struct tagline *)b)->path);
}

int
lf_bagit_write(const struct lf_bagit_entry *payload, size_t npayload,
    const struct lf_bagit_info *info, size_t ninfo,
    const struct lf_bagit_entry *extra, size_t nextra, struct lf_bagit_out *out,
    struct lf_error *err)
{
	static const int mf_alg[2] = {LF_BAGIT_SHA256, LF_BAGIT_SHA512};
	const struct lf_bagit_entry **ps = NULL, **xs = NULL;
	struct lf_bagit_digests dig[4]; /* bag-info, bagit, manifests */
	struct lf_bagit_out o;
	struct lf_bagit_hash *h = NULL;
	struct tagline *tl = NULL;
	struct lf_buf b;
	uint64_t bytes = 0;
	char size_text[32];
	size_t i, k, ntl;
	int rc = LF_OK;

	memset(&o, 0, sizeof(o));
	lf_buf_init(&b, TAG_MAX);
	if ((ps = sorted(payload, npayload, true, &rc, err)) == NULL ||
	    (xs = sorted(extra, nextra, false, &rc, err)) == NULL)
		goto out;
	for (i = 0; i < nextra; i++)
		if (lf_bagit_is_parsed_tag(xs[i]->path, strlen(xs[i]->path))) {
			rc = lf_error_set(err, LF_E_INVAL,
			    "path '%s': a tag file the writer makes",
			    xs[i]->path);
			goto out;
		}
	for (i = 0; i < npayload; i++) {
		if (ps[i]->size > UINT64_MAX - bytes) {
			rc = lf_error_set(err, LF_E_INVAL, "payload too large");
			goto out;
		}
		bytes += ps[i]->size;
	}

	/* bag-info.txt: the caller's elements, then the computed ones. */
	for (i = 0; i < ninfo && rc == LF_OK; i++)
		rc =
		    info_element(&b, info[i].label != NULL ? info[i].label : "",
		        info[i].value != NULL ? info[i].value : "", err);
	bag_size(bytes, size_text, sizeof(size_text));
	if (rc == LF_OK)
		rc = lf_buf_printf(&b, err,
		    "Bag-Size: %s\nPayload-Oxum: %llu.%zu\n", size_text,
		    (unsigned long long)bytes, npayload);
	if (rc != LF_OK || (rc = put_file(&o, "bag-info.txt", &b)) != LF_OK)
		goto out;
	if ((rc = lf_buf_printf(&b, err,
	         "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")) !=
	        LF_OK ||
	    (rc = put_file(&o, "bagit.txt", &b)) != LF_OK)
		goto out;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < npayload && rc == LF_OK; i++)
			rc = manifest_line(&b,
			    k == 0 ? ps[i]->sha256 : ps[i]->sha512,
			    k == 0 ? 32 : 64, ps[i]->path, err);
		if (rc != LF_OK ||
		    (rc = put_file(&o,
		         k == 0 ? "manifest-sha256.txt" : "manifest-sha512.txt",
		         &b)) != LF_OK)
			goto out;
	}

	/* The tag manifests: these four files and the caller's extras. */
	if ((rc = lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	             LF_BAGIT_BIT(LF_BAGIT_SHA512),
	         &h, err)) != LF_OK)
		goto out;
	for (i = 0; i < 4 && rc == LF_OK; i++) {
		rc = lf_bagit_hash_update(h, o.files[i].data, o.files[i].len,
		    err);
		if (rc == LF_OK)
			rc = lf_bagit_hash_final(h, &dig[i], err);
	}
	if (rc != LF_OK)
		goto out;
	ntl = 4 + nextra;
	if ((tl = calloc(ntl, sizeof(*tl))) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < 4; i++) {
		tl[i].path = o.files[i].name;
		tl[i].d[0] = dig[i].d[LF_BAGIT_SHA256];
		tl[i].d[1] = dig[i].d[LF_BAGIT_SHA512];
	}
	for (i = 0; i < nextra; i++) {
		tl[4 + i].path = xs[i]->path;
		tl[4 + i].d[0] = xs[i]->sha256;
		tl[4 + i].d[1] = xs[i]->sha512;
	}
	qsort(tl, ntl, sizeof(*tl), tagline_cmp);
	for (k = 0; k < 2; k++) {
		char name[32];
		for (i = 0; i < ntl && rc == LF_OK; i++)
			rc = manifest_line(&b, tl[i].d[k],
			    lf_bagit_alg_len(mf_alg[k]), tl[i].path, err);
		(void)snprintf(name, sizeof(name), "tagmanifest-%s.txt",
		    lf_bagit_alg_name(mf_alg[k]));
		if (rc != LF_OK || (rc = put_file(&o, name, &b)) != LF_OK)
			goto out;
	}
	*out = o;
	memset(&o, 0, sizeof(o));
out:
	if (rc == LF_E_NOMEM)
		(void)lf_error_set(err, rc, "out of memory");
	lf_bagit_out_release(&o);
	lf_buf_release(&b);
	lf_bagit_hash_free(h);
	free(tl);
	free(ps);
	free(xs);
	return rc;
}

void
lf_bagit_out_release(struct lf_bagit_out *out)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		free(out->files[i].data);
	memset(out, 0, sizeof(*out));
}
