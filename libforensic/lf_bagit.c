/*
 * lf_bagit.c: the BagIt validator (RFC 8493 and the drafts 0.93 to 0.97
 * before it): tag files parsed, one record per path, the verdict at the
 * end.
 *
 * Records, their paths and their digests live in blocks that never move
 * and are charged against limits.bag_index_bytes, so that a bag of
 * millions of entries is refused with a clear error instead of taking the
 * machine.  Nothing is compared before lf_bagit_finish: the files and the
 * manifests that list them may come in any order.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicase.h>
#include <uninorm.h>

#include "lf/bagit.h"
#include "lf/text.h"
#include "lf_bagit_impl.h"

/* Algorithms. */

static const struct {
	const char *name;
	size_t len;
} algs[LF_BAGIT_NALGS] = {
    {"md5", 16},
    {"sha1", 20},
    {"sha224", 28},
    {"sha256", 32},
    {"sha384", 48},
    {"sha512", 64},
};

const char *
lf_bagit_alg_name(enum lf_bagit_alg alg)
{
	return (unsigned)alg < LF_BAGIT_NALGS ? algs[alg].name : "?";
}

size_t
lf_bagit_alg_len(enum lf_bagit_alg alg)
{
	return (unsigned)alg < LF_BAGIT_NALGS ? algs[alg].len : 0;
}

int
lf_bagit_alg_from_name(const char *name, size_t n)
{
	int a;

	for (a = 0; a < LF_BAGIT_NALGS; a++)
		if (strlen(algs[a].name) == n &&
		    memcmp(algs[a].name, name, n) == 0)
			return a;
	return -1;
}

/* Memory. */

/*
 * Findings fail only for want of memory: name that in err, which other
 * errors (LF_E_LIMIT) have filled already.
 */
int
lf_bagit_seterr(struct lf_error *err, int rc)
{
	if (rc == LF_E_NOMEM)
		(void)lf_error_set(err, rc, "out of memory");
	return rc;
}

int
lf_bagit_charge(struct lf_bagit *v, size_t n, struct lf_error *err)
{
	if (n > v->limits.bag_index_bytes ||
	    v->mem > v->limits.bag_index_bytes - n)
		return lf_error_set(err, LF_E_LIMIT,
		    "the bag's index would pass %llu bytes (limit "
		    "bag-index-bytes): too many files or manifest lines",
		    (unsigned long long)v->limits.bag_index_bytes);
	v->mem += n;
	return LF_OK;
}

static void *
block_alloc(struct lf_bagit *v, size_t n, int *rcp, struct lf_error *err)
{
	struct block *b = v->blocks;
	size_t size;
	void *p;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->size - b->used < n) {
		size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		if ((*rcp = lf_bagit_charge(v, sizeof(*b) + size, err)) !=
		    LF_OK)
			return NULL;
		if ((b = malloc(sizeof(*b) + size)) == NULL) {
			v->mem -= sizeof(*b) + size;
			*rcp = lf_error_set(err, LF_E_NOMEM, "out of memory");
			return NULL;
		}
		b->size = size;
		b->used = 0;
		b->next = v->blocks;
		v->blocks = b;
	}
	p = b->mem + b->used;
	b->used += n;
	return p;
}

/* Findings. */

int
lf_bagit_finding(struct lf_bagit *v, enum lf_bagit_severity sev,
    const char *code, const char *file, uint64_t line, const char *fmt, ...)
{
	struct lf_bagit_finding *f;
	va_list ap;
	char buf[1024];
	int len;

	v->count[sev]++;
	if (v->nf >= LF_BAGIT_FINDINGS_MAX)
		return LF_OK;
	if (v->f == NULL &&
	    (v->f = calloc(LF_BAGIT_FINDINGS_MAX, sizeof(*v->f))) == NULL)
		return LF_E_NOMEM;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		buf[0] = '\0';
	f = &v->f[v->nf];
	f->severity = sev;
	f->code = code;
	f->line = line;
	f->file_len = strlen(file);
	f->file = strdup(file);
	f->message = strdup(buf);
	if (f->file == NULL || f->message == NULL) {
		free(f->file);
		free(f->message);
		return LF_E_NOMEM;
	}
	v->nf++;
	return LF_OK;
}

/* A path for a message: a bounded, NUL-free copy (the tool escapes it). */
const char *
lf_bagit_shown(const char *p, size_t n, char *buf, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 4 < cap; i++)
		buf[k++] = p[i] == '\0' ? '?' : p[i];
	if (i < n) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k] = '\0';
	return buf;
}

/* Records. */

static uint64_t
path_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
	return h;
}

static int
table_grow(struct lf_bagit *v, struct lf_error *err)
{
	size_t cap = v->slot == NULL ? 1024 : (v->mask + 1) * 2, i;
	uint32_t *s;
	int rc;

	if ((rc = lf_bagit_charge(v, cap * sizeof(*s), err)) != LF_OK)
		return rc;
	if ((s = calloc(cap, sizeof(*s))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	for (i = 0; i < v->nrecs; i++) {
		size_t k =
		    path_hash(v->recs[i].path, v->recs[i].len) & (cap - 1);
		while (s[k] != 0)
			k = (k + 1) & (cap - 1);
		s[k] = (uint32_t)(i + 1);
	}
	if (v->slot != NULL)
		v->mem -= (v->mask + 1) * sizeof(*s);
	free(v->slot);
	v->slot = s;
	v->mask = cap - 1;
	return LF_OK;
}

static struct rec *
rec_find(const struct lf_bagit *v, const char *p, size_t n)
{
	size_t k;

	if (v->slot == NULL)
		return NULL;
	for (k = path_hash(p, n) & v->mask; v->slot[k] != 0;
	     k = (k + 1) & v->mask) {
		struct rec *r = &v->recs[v->slot[k] - 1];
		if (r->len == n && memcmp(r->path, p, n) == 0)
			return r;
	}
	return NULL;
}

int
lf_bagit_rec_get(struct lf_bagit *v, const char *p, size_t n, struct rec **out,
    struct lf_error *err)
{
	struct rec *r;
	size_t k;
	char *copy;
	int rc;

	if ((r = rec_find(v, p, n)) != NULL) {
		*out = r;
		return LF_OK;
	}
	if (v->nrecs >= UINT32_MAX - 1)
		return lf_error_set(err, LF_E_LIMIT, "too many paths");
	if (v->slot == NULL || (v->nrecs + 1) * 2 > v->mask + 1)
		if ((rc = table_grow(v, err)) != LF_OK)
			return rc;
	if (v->nrecs == v->caprecs) {
		size_t cap = v->caprecs == 0 ? 256 : v->caprecs * 2;
		struct rec *nr;
		if ((rc = lf_bagit_charge(v, (cap - v->caprecs) * sizeof(*nr),
		         err)) != LF_OK)
			return rc;
		if ((nr = reallocarray(v->recs, cap, sizeof(*nr))) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "out of memory");
		v->recs = nr;
		v->caprecs = cap;
	}
	if ((copy = block_alloc(v, n + 1, &rc, err)) == NULL)
		return rc;
	memcpy(copy, p, n);
	copy[n] = '\0';
	r = &v->recs[v->nrecs];
	memset(r, 0, sizeof(*r));
	r->path = copy;
	r->len = (uint32_t)n;
	for (k = path_hash(p, n) & v->mask; v->slot[k] != 0;
	     k = (k + 1) & v->mask)
		;
	v->slot[k] = (uint32_t)(++v->nrecs);
	*out = r;
	return LF_OK;
}

int
lf_bagit_add_digest(struct lf_bagit *v, struct rec *r, enum dkind kind, int alg,
    uint32_t line, const uint8_t *d, struct lf_error *err)
{
	struct dnode *x, **tail;
	size_t len = algs[alg].len;
	int rc;

	if ((x = block_alloc(v, sizeof(*x) + len, &rc, err)) == NULL)
		return rc;
	x->kind = (uint8_t)kind;
	x->alg = (uint8_t)alg;
	x->line = line;
	memcpy(x->d, d, len);
	x->next = NULL;
	/* In the order given, so that findings follow the manifests. */
	for (tail = &r->dig; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = x;
	return LF_OK;
}

struct dnode *
lf_bagit_find_digest(const struct rec *r, enum dkind kind, int alg)
{
	struct dnode *x;

	for (x = r->dig; x != NULL; x = x->next)
		if (x->kind == kind && x->alg == alg)
			return x;
	return NULL;
}

bool
lf_bagit_is_payload(const char *p, size_t n)
{
	return n > 5 && memcmp(p, "data/", 5) == 0;
}

/* Tag files. */

/* 0 bagit.txt, 1 bag-info.txt, 2 fetch.txt, 3+a manifest, 9+a tag. */
int
lf_bagit_parsed_kind(const char *p, size_t n)
{
	int a;

	if (n == 9 && memcmp(p, "bagit.txt", 9) == 0)
		return 0;
	if (n == 12 && memcmp(p, "bag-info.txt", 12) == 0)
		return 1;
	if (n == 9 && memcmp(p, "fetch.txt", 9) == 0)
		return 2;
	if (n > 13 && memcmp(p, "manifest-", 9) == 0 &&
	    memcmp(p + n - 4, ".txt", 4) == 0 &&
	    (a = lf_bagit_alg_from_name(p + 9, n - 13)) >= 0)
		return 3 + a;
	if (n > 16 && memcmp(p, "tagmanifest-", 12) == 0 &&
	    memcmp(p + n - 4, ".txt", 4) == 0 &&
	    (a = lf_bagit_alg_from_name(p + 12, n - 16)) >= 0)
		return 3 + LF_BAGIT_NALGS + a;
	return -1;
}

bool
lf_bagit_is_parsed_tag(const char *path, size_t n)
{
	return lf_bagit_parsed_kind(path, n) >= 0;
}

static int
run_pending(struct lf_bagit *v, struct lf_error *err)
{
	size_t i;
	int rc = LF_OK;

	for (i = 0; i < v->npend; i++) {
		if (rc == LF_OK)
			rc = lf_bagit_parse_tag(v, v->pend[i].path,
			    v->pend[i].data, v->pend[i].n, err);
		v->mem -= v->pend[i].n;
		free(v->pend[i].path);
		free(v->pend[i].data);
	}
	v->npend = 0;
	return rc;
}

int
lf_bagit_new(const struct lf_limits *limits, struct lf_bagit **out,
    struct lf_error *err)
{
	struct lf_bagit *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	if (limits != NULL)
		v->limits = *limits;
	else
		lf_limits_default(&v->limits);
	v->v1 = true;
	*out = v;
	return LF_OK;
}

void
lf_bagit_free(struct lf_bagit *v)
{
	struct block *b, *next;
	size_t i;

	if (v == NULL)
		return;
	for (b = v->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	for (i = 0; i < v->npend; i++) {
		free(v->pend[i].path);
		free(v->pend[i].data);
	}
	for (i = 0; i < v->nf; i++) {
		free(v->f[i].file);
		free(v->f[i].message);
	}
	free(v->f);
	free(v->recs);
	free(v->slot);
	free(v);
}

static int
actual_digests(struct lf_bagit *v, struct rec *r,
    const struct lf_bagit_digests *d, struct lf_error *err)
{
	int a, rc;

	r->flags |= R_DISK;
	r->size = d->size;
	for (a = 0; a < LF_BAGIT_NALGS; a++)
		if ((d->algs & LF_BAGIT_BIT(a)) != 0 &&
		    (rc = lf_bagit_add_digest(v, r, K_ACTUAL, a, 0, d->d[a],
		         err)) != LF_OK)
			return rc;
	return LF_OK;
}

int
lf_bagit_tag(struct lf_bagit *v, const char *path, size_t n,
    const uint8_t *data, size_t size, struct lf_error *err)
{
	struct lf_bagit_hash *h;
	struct lf_bagit_digests d;
	struct rec *r;
	int kind = lf_bagit_parsed_kind(path, n), rc;

	if (kind < 0 || v->finished)
		return lf_error_set(err, LF_E_INVAL,
		    "%.*s: not a tag file the validator reads",
		    (int)(n > 64 ? 64 : n), path);
	if (size > v->limits.bag_tag_bytes)
		return lf_error_set(err, LF_E_LIMIT,
		    "%s: %zu bytes, more than %llu (limit bag-tag-bytes)", path,
		    size, (unsigned long long)v->limits.bag_tag_bytes);
	if ((r = rec_find(v, path, n)) != NULL && (r->flags & R_DISK) != 0)
		return lf_error_set(err, LF_E_INVAL, "%s: given twice", path);
	if ((rc = lf_bagit_rec_get(v, path, n, &r, err)) != LF_OK)
		return rc;
	if ((rc = lf_bagit_hash_new(LF_BAGIT_ALL, &h, err)) != LF_OK)
		return rc;
	if ((rc = lf_bagit_hash_update(h, data, size, err)) == LF_OK)
		rc = lf_bagit_hash_final(h, &d, err);
	lf_bagit_hash_free(h);
	if (rc != LF_OK || (rc = actual_digests(v, r, &d, err)) != LF_OK)
		return rc;
	r->flags |= R_PARSED;
	if (kind >= 3 && kind < 3 + LF_BAGIT_NALGS)
		v->payload_algs |= LF_BAGIT_BIT(kind - 3);
	else if (kind >= 3)
		v->tag_algs |= LF_BAGIT_BIT(kind - 3 - LF_BAGIT_NALGS);
	if (kind == 0) {
		v->seen_bagit = true;
		if ((rc = lf_bagit_parse_bagit_txt(v, data, size)) != LF_OK)
			return lf_bagit_seterr(err, rc);
		return run_pending(v, err);
	}
	if (v->seen_bagit)
		return lf_bagit_parse_tag(v, r->path, data, size, err);
	/*
	 * Before bagit.txt the encoding is unknown: keep the bytes.  At most
	 * NPARSED - 1 files wait here, each parsed name being taken once.
	 */
	if ((rc = lf_bagit_charge(v, size, err)) != LF_OK)
		return rc;
	v->pend[v->npend].n = size;
	v->pend[v->npend].path = strdup(r->path);
	v->pend[v->npend].data = malloc(size > 0 ? size : 1);
	if (v->pend[v->npend].path == NULL || v->pend[v->npend].data == NULL) {
		free(v->pend[v->npend].path);
		free(v->pend[v->npend].data);
		v->mem -= size;
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	if (size > 0)
		memcpy(v->pend[v->npend].data, data, size);
	v->npend++;
	return LF_OK;
}

unsigned
lf_bagit_algs(const struct lf_bagit *v)
{
	return v->payload_algs | v->tag_algs;
}

int
lf_bagit_file(struct lf_bagit *v, const char *path, size_t n,
    const struct lf_bagit_digests *d, struct lf_error *err)
{
	struct rec *r;
	char sh[128];
	int rc;

	if (lf_bagit_parsed_kind(path, n) >= 0 || v->finished)
		return lf_error_set(err, LF_E_INVAL,
		    "%s: a tag file the validator reads whole",
		    lf_bagit_shown(path, n, sh, sizeof(sh)));
	if ((r = rec_find(v, path, n)) != NULL && (r->flags & R_DISK) != 0)
		return lf_error_set(err, LF_E_INVAL, "%s: given twice",
		    lf_bagit_shown(path, n, sh, sizeof(sh)));
	if ((rc = lf_bagit_rec_get(v, path, n, &r, err)) != LF_OK)
		return rc;
	if ((rc = actual_digests(v, r, d, err)) != LF_OK)
		return rc;
	/* manifest-foo.txt: a manifest, of an algorithm not known here. */
	if (memchr(path, '/', n) == NULL && n > 4 &&
	    memcmp(path + n - 4, ".txt", 4) == 0 &&
	    ((n > 13 && memcmp(path, "manifest-", 9) == 0) ||
	        (n > 16 && memcmp(path, "tagmanifest-", 12) == 0)) &&
	    (rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
	         "manifest.unknown-algorithm", r->path, 0,
	         "a manifest of an algorithm this validator does not know "
	         "(RFC 8493 2.4): not checked")) != LF_OK)
		return lf_bagit_seterr(err, rc);
	return LF_OK;
}

void
lf_bagit_dir(struct lf_bagit *v, const char *path, size_t n)
{
	if (n == 4 && memcmp(path, "data", 4) == 0)
		v->data_dir = true;
}

int
lf_bagit_note(struct lf_bagit *v, enum lf_bagit_severity sev, const char *code,
    const char *file, size_t n, const char *message, struct lf_error *err)
{
	char sh[PATH_MAX_BYTES + 8];

	if (lf_bagit_finding(v, sev, code,
	        lf_bagit_shown(file, n, sh, sizeof(sh)), 0, "%s",
	        message) != LF_OK)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	return LF_OK;
}

/* The verdict. */

struct twin_key {
	uint64_t hash;
	uint32_t rec;
	uint8_t kind; /* 1 case only, 2 normalization, 3 both */
};

static int
twin_cmp(const void *a, const void *b)
{
	const struct twin_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* The case-folded NFC form of a payload path; NULL when not UTF-8. */
static uint8_t *
fold(const struct rec *r, size_t *len)
{
	return u8_casefold((const uint8_t *)r->path, r->len, NULL, UNINORM_NFC,
	    NULL, len);
}

static bool
listed_payload(const struct rec *r)
{
	const struct dnode *x;

	for (x = r->dig; x != NULL; x = x->next)
		if (x->kind == K_PAYLOAD)
			return true;
	return false;
}

/* Absent r is taken for present t when every checksum r has matches t. */
static bool
twin_covers(const struct rec *r, const struct rec *t)
{
	const struct dnode *x, *y;

	if ((t->flags & R_DISK) == 0)
		return false;
	for (x = r->dig; x != NULL; x = x->next) {
		if (x->kind != K_PAYLOAD)
			continue;
		y = lf_bagit_find_digest(t, K_ACTUAL, x->alg);
		if (y == NULL || memcmp(x->d, y->d, algs[x->alg].len) != 0)
			return false;
	}
	return true;
}

/*
 * Paths that differ only in case or Unicode normalization name one file
 * on many file systems: say so, and let an absent one be covered by its
 * present twin when their checksums agree.
 */
static int
check_twins(struct lf_bagit *v, struct lf_error *err)
{
	struct twin_key *k;
	size_t i, j, n = 0;
	int rc = LF_OK;

	for (i = 0; i < v->nrecs; i++)
		if (lf_bagit_is_payload(v->recs[i].path, v->recs[i].len) &&
		    (listed_payload(&v->recs[i]) ||
		        (v->recs[i].flags & R_DISK) != 0))
			n++;
	if (n < 2)
		return LF_OK;
	if ((rc = lf_bagit_charge(v, n * sizeof(*k), err)) != LF_OK)
		return rc;
	if ((k = calloc(n, sizeof(*k))) == NULL) {
		v->mem -= n * sizeof(*k);
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	for (n = 0, i = 0; i < v->nrecs; i++) {
		struct rec *r = &v->recs[i];
		uint8_t *f;
		size_t fl;
		if (!lf_bagit_is_payload(r->path, r->len) ||
		    !(listed_payload(r) || (r->flags & R_DISK) != 0))
			continue;
		if ((f = fold(r, &fl)) != NULL) {
			k[n].hash = path_hash((const char *)f, fl);
			free(f);
		} else {
			k[n].hash = path_hash(r->path, r->len);
		}
		k[n++].rec = (uint32_t)i;
	}
	qsort(k, n, sizeof(*k), twin_cmp);
	for (i = 0; i < n && rc == LF_OK; i = j) {
		for (j = i + 1; j < n && k[j].hash == k[i].hash; j++)
			;
		if (j - i < 2)
			continue;
		for (size_t a = i; a < j && rc == LF_OK; a++) {
			for (size_t b = a + 1; b < j && rc == LF_OK; b++) {
				struct rec *x = &v->recs[k[a].rec];
				struct rec *y = &v->recs[k[b].rec];
				uint8_t *fx, *fy, *nx, *ny;
				size_t lx, ly, mx, my;
				bool same, norm;
				char s1[128], s2[128];
				fx = fold(x, &lx);
				fy = fold(y, &ly);
				same = fx != NULL && fy != NULL && lx == ly &&
				    memcmp(fx, fy, lx) == 0;
				free(fx);
				free(fy);
				if (!same)
					continue;
				nx = u8_normalize(UNINORM_NFC,
				    (const uint8_t *)x->path, x->len, NULL,
				    &mx);
				ny = u8_normalize(UNINORM_NFC,
				    (const uint8_t *)y->path, y->len, NULL,
				    &my);
				norm = nx != NULL && ny != NULL && mx == my &&
				    memcmp(nx, ny, mx) == 0;
				free(nx);
				free(ny);
				rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
				    norm ? "path.normalization" : "path.case",
				    x->path, 0,
				    "%s and %s differ only in %s: one file on "
				    "many file systems",
				    lf_bagit_shown(x->path, x->len, s1,
				        sizeof(s1)),
				    lf_bagit_shown(y->path, y->len, s2,
				        sizeof(s2)),
				    norm ? "Unicode normalization" : "case");
				if ((x->flags & R_DISK) == 0 &&
				    twin_covers(x, y))
					x->flags |= R_TWIN_OK;
				if ((y->flags & R_DISK) == 0 &&
				    twin_covers(y, x))
					y->flags |= R_TWIN_OK;
			}
		}
	}
	free(k);
	v->mem -= n * sizeof(*k);
	return rc == LF_OK ? LF_OK : lf_bagit_seterr(err, rc);
}

static bool
is_system_file(const char *p, size_t n)
{
	const char *base = memrchr(p, '/', n);
	size_t bl;

	base = base == NULL ? p : base + 1;
	bl = n - (size_t)(base - p);
	return (bl == 9 && memcmp(base, ".DS_Store", 9) == 0) ||
	    (bl == 9 && strncasecmp(base, "Thumbs.db", 9) == 0) ||
	    (bl == 11 && strncasecmp(base, "desktop.ini", 11) == 0) ||
	    (bl > 2 && memcmp(base, "._", 2) == 0);
}

static void
manifest_name(char *buf, size_t cap, enum dkind kind, int alg)
{
	(void)snprintf(buf, cap, "%smanifest-%s.txt",
	    kind == K_TAG ? "tag" : "", algs[alg].name);
}

static int
check_present(struct lf_bagit *v, struct rec *r, bool payload)
{
	struct dnode *x, *y;
	char mf[32], sh[128], h1[2 * LF_BAGIT_DIGEST_MAX + 1],
	    h2[2 * LF_BAGIT_DIGEST_MAX + 1];
	unsigned listed = 0, missing;
	int a, rc = LF_OK;

	for (x = r->dig; x != NULL && rc == LF_OK; x = x->next) {
		if (x->kind == K_ACTUAL)
			continue;
		if (x->kind == K_PAYLOAD)
			listed |= LF_BAGIT_BIT(x->alg);
		manifest_name(mf, sizeof(mf), (enum dkind)x->kind, x->alg);
		if ((y = lf_bagit_find_digest(r, K_ACTUAL, x->alg)) == NULL) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "digest.not-computed", mf, x->line,
			    "%s: the %s checksum was not computed",
			    lf_bagit_shown(r->path, r->len, sh, sizeof(sh)),
			    algs[x->alg].name);
			continue;
		}
		if (memcmp(x->d, y->d, algs[x->alg].len) == 0)
			continue;
		lf_hex(h1, x->d, algs[x->alg].len);
		lf_hex(h2, y->d, algs[x->alg].len);
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
		    x->kind == K_TAG ? "tag.mismatch" : "payload.mismatch", mf,
		    x->line, "%s: %s checksum differs: listed %s, file has %s",
		    lf_bagit_shown(r->path, r->len, sh, sizeof(sh)),
		    algs[x->alg].name, h1, h2);
	}
	if (!payload || rc != LF_OK)
		return rc;
	v->payload_files++;
	v->payload_bytes += r->size;
	if (is_system_file(r->path, r->len) &&
	    (rc = lf_bagit_finding(v, LF_BAGIT_WARNING, "payload.system-file",
	         r->path, 0,
	         "a file an operating system keeps for itself, not "
	         "evidence")) != LF_OK)
		return rc;
	missing = v->payload_algs & ~listed;
	if (missing == v->payload_algs && missing != 0)
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "payload.unlisted",
		    r->path, 0, "a payload file no manifest lists");
	for (a = 0; a < LF_BAGIT_NALGS && rc == LF_OK; a++) {
		if ((missing & LF_BAGIT_BIT(a)) == 0)
			continue;
		manifest_name(mf, sizeof(mf), K_PAYLOAD, a);
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "payload.unlisted",
		    r->path, 0,
		    "a payload file %s does not list (every manifest must "
		    "list every payload file)",
		    mf);
	}
	return rc;
}

static int
check_absent(struct lf_bagit *v, struct rec *r)
{
	struct dnode *x, *first = NULL;
	char mf[32], sh[128];

	for (x = r->dig; x != NULL && first == NULL; x = x->next)
		if (x->kind != K_ACTUAL)
			first = x;
	if (first == NULL || (r->flags & R_TWIN_OK) != 0)
		return LF_OK;
	if (first->kind == K_PAYLOAD && (r->flags & R_FETCH) != 0) {
		v->fetch_missing++;
		return LF_OK;
	}
	manifest_name(mf, sizeof(mf), (enum dkind)first->kind, first->alg);
	return lf_bagit_finding(v, LF_BAGIT_INVALID,
	    first->kind == K_TAG ? "tag.missing" : "payload.missing", mf,
	    first->line, "%s: listed, but not in the bag",
	    lf_bagit_shown(r->path, r->len, sh, sizeof(sh)));
}

static int
check_fetch(struct lf_bagit *v, const struct rec *r)
{
	char mf[32], sh[128];
	int a, rc = LF_OK;

	for (a = 0; a < LF_BAGIT_NALGS && rc == LF_OK; a++) {
		if ((v->payload_algs & LF_BAGIT_BIT(a)) == 0 ||
		    lf_bagit_find_digest(r, K_PAYLOAD, a) != NULL)
			continue;
		manifest_name(mf, sizeof(mf), K_PAYLOAD, a);
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "fetch.unlisted",
		    "fetch.txt", r->fetch_line,
		    "%s: fetch.txt names a file %s does not list",
		    lf_bagit_shown(r->path, r->len, sh, sizeof(sh)), mf);
	}
	return rc;
}

int
lf_bagit_finish(struct lf_bagit *v, struct lf_error *err)
{
	size_t i;
	int rc = LF_OK;

	if (v->finished)
		return lf_error_set(err, LF_E_INVAL, "finished already");
	v->finished = true;
	if (!v->seen_bagit) {
		if ((rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.missing",
		         "bagit.txt", 0, "no bagit.txt: not a bag")) != LF_OK)
			return lf_bagit_seterr(err, rc);
		if ((rc = run_pending(v, err)) != LF_OK)
			return rc;
	}
	if (!v->data_dir) {
		for (i = 0; i < v->nrecs; i++)
			if (lf_bagit_is_payload(v->recs[i].path,
			        v->recs[i].len) &&
			    (v->recs[i].flags & R_DISK) != 0)
				break;
		if (i == v->nrecs &&
		    (rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "bag.no-data",
		         "data", 0, "no data/ directory")) != LF_OK)
			return lf_bagit_seterr(err, rc);
	}
	if (v->payload_algs == 0 &&
	    (rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "manifest.none", "", 0,
	         "no payload manifest this validator can check")) != LF_OK)
		return lf_bagit_seterr(err, rc);
	if ((rc = check_twins(v, err)) != LF_OK)
		return rc;
	for (i = 0; i < v->nrecs && rc == LF_OK; i++) {
		struct rec *r = &v->recs[i];
		bool payload = lf_bagit_is_payload(r->path, r->len);
		if ((r->flags & R_DISK) != 0)
			rc = check_present(v, r, payload);
		else
			rc = check_absent(v, r);
		if (rc == LF_OK && (r->flags & R_FETCH) != 0)
			rc = check_fetch(v, r);
	}
	if (rc == LF_OK && v->fetch_missing > 0)
		rc = lf_bagit_finding(v, LF_BAGIT_WARNING, "fetch.incomplete",
		    "fetch.txt", 0,
		    "%llu payload file%s still to be fetched: the bag is "
		    "incomplete (valid, but holey)",
		    (unsigned long long)v->fetch_missing,
		    v->fetch_missing == 1 ? " is" : "s are");
	if (rc == LF_OK && v->oxum_set && v->fetch_missing == 0 &&
	    (v->oxum_bytes != v->payload_bytes ||
	        v->oxum_files != v->payload_files))
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
		    "baginfo.oxum-mismatch", "bag-info.txt", v->oxum_line,
		    "Payload-Oxum says %llu.%llu, the payload is %llu.%llu "
		    "(bytes.files)",
		    (unsigned long long)v->oxum_bytes,
		    (unsigned long long)v->oxum_files,
		    (unsigned long long)v->payload_bytes,
		    (unsigned long long)v->payload_files);
	if (rc != LF_OK)
		(void)lf_bagit_seterr(err, rc);
	return rc;
}

bool
lf_bagit_valid(const struct lf_bagit *v)
{
	return v->finished && v->count[LF_BAGIT_INVALID] == 0;
}

const struct lf_bagit_finding *
lf_bagit_findings(const struct lf_bagit *v, size_t *n)
{
	*n = v->nf;
	return v->f;
}

uint64_t
lf_bagit_count(const struct lf_bagit *v, enum lf_bagit_severity sev)
{
	return v->count[sev == LF_BAGIT_INVALID];
}

void
lf_bagit_get_summary(const struct lf_bagit *v, struct lf_bagit_summary *out)
{
	memset(out, 0, sizeof(*out));
	(void)snprintf(out->version, sizeof(out->version), "%s", v->version);
	(void)snprintf(out->encoding, sizeof(out->encoding), "%s", v->encoding);
	out->payload_files = v->payload_files;
	out->payload_bytes = v->payload_bytes;
	out->fetch_missing = v->fetch_missing;
	out->payload_algs = v->payload_algs;
	out->tag_algs = v->tag_algs;
}
