/*
 * lf_zipdir.c: a zip archive's central directory, read by offset.
 *
 * Why it is built this way:
 *
 * - The end record is the last "PK\5\6" in the tail whose comment fits in
 *   the file; a later one whose comment runs past the end is taken only
 *   when there is no other.  A signature inside the comment could be
 *   taken instead of the real one: the comment check says so then, and
 *   libarchive, which the caller matches against, also takes the last.
 *
 * - Offsets may be off by the bytes put before the archive (a
 *   self-extractor).  The directory is looked for at its declared offset,
 *   then where its declared size puts it, right before the end records, as
 *   libarchive and unzip do.  Nothing else is followed: there are no
 *   pointers to chase, so no loop is possible.
 *
 * - Records are walked while they are there, not while the declared
 *   count or size says so: both are checked afterwards.  Each step
 *   advances by at least a record's fixed part, and never past the end
 *   records.
 *
 * - A record keeps where its name is, not the name: names are up to 64 KiB
 *   and there may be container_entries of them.  It keeps a hash of the
 *   name as libarchive shows it instead, and matching reads the name again
 *   to compare the bytes.  Memory is one small struct per record read,
 *   and, for a file, one scratch buffer the size of the largest record.
 *
 * - libarchive reads members in the order of their local header offsets
 *   (its seekable reader sorts them; its streaming reader meets them in
 *   that order), so records of the same name are matched in that order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/zipdir.h"
#include "lf_bytes.h"

#define EOCD_SIZE 22
#define LOC64_SIZE 20
#define EOCD64_SIZE 56
#define CDH_SIZE 46
#define SCRATCH (CDH_SIZE + 2 * 65535) /* fixed part, name and extra */

#define U16_DEFER 0xFFFFu
#define U32_DEFER 0xFFFFFFFFu

static const uint8_t sig_eocd[4] = {'P', 'K', 5, 6};
static const uint8_t sig_loc64[4] = {'P', 'K', 6, 7};
static const uint8_t sig_eocd64[4] = {'P', 'K', 6, 6};
static const uint8_t sig_cdh[4] = {'P', 'K', 1, 2};

enum which { RAW, UNICODE };

struct rec {
	struct lf_zipdir_entry e;
	uint64_t hash, uhash;  /* of the name and the Unicode Path, as keys */
	uint64_t uname_offset; /* Info-ZIP Unicode Path, when uname_len > 0 */
	size_t uname_len;
	bool matched;
};

/* A name to look a record up by, sorted by hash, kind, then the order
 * libarchive reads members in. */
struct slot {
	uint64_t hash;
	uint64_t local_offset;
	uint32_t rec;
	uint8_t which;
};

struct lf_zipdir {
	const struct lf_source *src;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	uint8_t *scratch; /* SCRATCH bytes, for a file source */
	struct rec *recs;
	size_t nrecs, cap, max;
	struct slot *slots;
	size_t nslots;
	struct slot *order; /* records by local header offset */
	size_t next;        /* in order: none before it is left */
	uint64_t dir_end;   /* where the end records start */
	struct lf_zipdir_info info;
};

static void report(struct lf_zipdir *d, const char *code, enum lf_severity sev,
    uint64_t off, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
report(struct lf_zipdir *d, const char *code, enum lf_severity sev,
    uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lf_anomaly_vreport(d->anomaly, d->anomaly_arg, code, sev, off, fmt, ap);
	va_end(ap);
}

/*
 * The n bytes at off, in memory or read into the scratch buffer (n is at
 * most SCRATCH), valid until the next view.  LF_E_FORMAT, with err
 * untouched, when they are not all in the source.
 */
static int
view(struct lf_zipdir *d, uint64_t off, size_t n, const uint8_t **p,
    struct lf_error *err)
{
	const struct lf_source *s = d->src;
	int rc;

	if (off > s->size || n > s->size - off)
		return LF_E_FORMAT;
	if (s->mem != NULL) {
		*p = s->mem + off;
		return LF_OK;
	}
	if ((rc = lf_source_read(s, off, d->scratch, n, err)) != LF_OK)
		return rc == LF_E_FORMAT ? LF_E_IO : rc;
	*p = d->scratch;
	return LF_OK;
}

/* Whether the 4 bytes at off are sig; an I/O error is returned. */
static int
has_sig(struct lf_zipdir *d, uint64_t off, const uint8_t sig[4], bool *yes,
    struct lf_error *err)
{
	const uint8_t *p;
	int rc = view(d, off, 4, &p, err);

	*yes = rc == LF_OK && memcmp(p, sig, 4) == 0;
	return rc == LF_E_FORMAT ? LF_OK : rc;
}

/* ---- names as libarchive shows them ---- */

/*
 * The name cut at its first NUL; its backslashes are slashes when it has
 * no slash (libarchive's reading of a DOS name).
 */
static size_t
key_len(const uint8_t *p, size_t n)
{
	const uint8_t *nul = memchr(p, 0, n);

	return nul != NULL ? (size_t)(nul - p) : n;
}

static bool
key_dos(const uint8_t *p, size_t n)
{
	return memchr(p, '/', n) == NULL;
}

static uint8_t
key_byte(uint8_t c, bool dos)
{
	return dos && c == '\\' ? '/' : c;
}

static uint64_t
key_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	bool dos;
	size_t i;

	n = key_len(p, n);
	dos = key_dos(p, n);
	for (i = 0; i < n; i++) {
		h ^= key_byte(p[i], dos);
		h *= 0x100000001b3ull;
	}
	return h;
}

static bool
key_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	bool ados, bdos;
	size_t i;

	an = key_len(a, an);
	bn = key_len(b, bn);
	if (an != bn)
		return false;
	ados = key_dos(a, an);
	bdos = key_dos(b, bn);
	for (i = 0; i < an; i++)
		if (key_byte(a[i], ados) != key_byte(b[i], bdos))
			return false;
	return true;
}

/* ---- the end records ---- */

/*
 * The end record: its offset in *at and its 22 bytes in eocd.
 * LF_E_FORMAT when the tail holds none.
 */
static int
find_eocd(struct lf_zipdir *d, uint64_t *at, uint8_t eocd[EOCD_SIZE],
    struct lf_error *err)
{
	uint64_t size = d->src->size, start;
	size_t len, i, best = SIZE_MAX, past = SIZE_MAX, after;
	const uint8_t *t;
	int rc;

	if (size < EOCD_SIZE)
		return LF_E_FORMAT;
	len = size < LF_ZIPDIR_TAIL ? (size_t)size : LF_ZIPDIR_TAIL;
	start = size - len;
	if ((rc = view(d, start, len, &t, err)) != LF_OK)
		return rc;
	for (i = len - EOCD_SIZE + 1; i-- > 0;) {
		if (memcmp(t + i, sig_eocd, 4) != 0)
			continue;
		if (lf_le16(t + i + 20) <= len - i - EOCD_SIZE) {
			best = i;
			break;
		}
		if (past == SIZE_MAX)
			past = i;
	}
	if (best == SIZE_MAX)
		best = past;
	if (best == SIZE_MAX)
		return LF_E_FORMAT;
	memcpy(eocd, t + best, EOCD_SIZE);
	*at = start + best;
	after = len - best - EOCD_SIZE;
	if (lf_le16(eocd + 20) != after)
		report(d, "zip.eocd-comment", LF_SEV_LOW, *at,
		    "the comment declares %u bytes, %zu follow the end record",
		    (unsigned)lf_le16(eocd + 20), after);
	return LF_OK;
}

/*
 * The Zip64 end record the locator at loc points to, or right before the
 * locator when bytes before the archive shifted the offsets.  Its values
 * replace the end record's.
 */
static int
read_zip64(struct lf_zipdir *d, uint64_t loc, struct lf_error *err)
{
	struct lf_zipdir_info *in = &d->info;
	uint64_t cand[2], at = UINT64_MAX, n, size, off;
	const uint8_t *p;
	size_t k;
	bool yes;
	int rc;

	if ((rc = view(d, loc, LOC64_SIZE, &p, err)) != LF_OK)
		return rc;
	cand[0] = lf_le64(p + 8);
	cand[1] = loc >= EOCD64_SIZE ? loc - EOCD64_SIZE : UINT64_MAX;
	for (k = 0; k < 2 && at == UINT64_MAX; k++) {
		if (cand[k] == UINT64_MAX || loc < EOCD64_SIZE ||
		    cand[k] > loc - EOCD64_SIZE)
			continue;
		if ((rc = has_sig(d, cand[k], sig_eocd64, &yes, err)) != LF_OK)
			return rc;
		if (yes)
			at = cand[k];
	}
	if (at == UINT64_MAX) {
		report(d, "zip.zip64-bad", LF_SEV_MEDIUM, loc,
		    "the Zip64 locator points to no Zip64 end record "
		    "(offset %llu)",
		    (unsigned long long)cand[0]);
		return LF_OK;
	}
	if ((rc = view(d, at, EOCD64_SIZE, &p, err)) != LF_OK)
		return rc;
	if (lf_le64(p + 4) < EOCD64_SIZE - 12 || lf_le64(p + 4) > loc - at - 12)
		report(d, "zip.zip64-bad", LF_SEV_MEDIUM, at,
		    "the Zip64 end record declares %llu bytes, %llu are there",
		    (unsigned long long)lf_le64(p + 4),
		    (unsigned long long)(loc - at - 12));
	n = lf_le64(p + 32);
	size = lf_le64(p + 40);
	off = lf_le64(p + 48);
	if ((in->declared_entries != U16_DEFER && in->declared_entries != n) ||
	    (in->declared_size != U32_DEFER && in->declared_size != size) ||
	    (in->declared_offset != U32_DEFER && in->declared_offset != off))
		report(d, "zip.zip64-bad", LF_SEV_MEDIUM, at,
		    "the end records disagree: %llu records, %llu bytes at "
		    "%llu (Zip64) against %llu, %llu at %llu",
		    (unsigned long long)n, (unsigned long long)size,
		    (unsigned long long)off,
		    (unsigned long long)in->declared_entries,
		    (unsigned long long)in->declared_size,
		    (unsigned long long)in->declared_offset);
	in->declared_entries = n;
	in->declared_size = size;
	in->declared_offset = off;
	in->zip64_offset = at;
	d->dir_end = at;
	return LF_OK;
}

/* ---- records ---- */

/* The extra fields of record r: Zip64 values, WinZip AES, Unicode Path.
 * x is the extra area (m bytes), at offset x_off in the source. */
static void
parse_extra(struct lf_zipdir *d, struct rec *r, const uint8_t *x, size_t m,
    uint64_t x_off)
{
	struct lf_zipdir_entry *e = &r->e;
	bool need_u = e->uncompressed_size == U32_DEFER;
	bool need_c = e->compressed_size == U32_DEFER;
	bool need_l = e->local_offset == U32_DEFER;
	bool z64 = false, aes = false;
	size_t q = 0, len, k;
	const uint8_t *b;
	uint16_t id;

	while (m - q >= 4) {
		id = lf_le16(x + q);
		len = lf_le16(x + q + 2);
		if (len > m - q - 4) {
			report(d, "zip.extra-bad", LF_SEV_LOW, e->offset,
			    "extra field 0x%04x runs past the extra area",
			    (unsigned)id);
			break;
		}
		b = x + q + 4;
		if (id == 0x0001 && !z64) {
			/* Only the values the record defers, in this order. */
			z64 = true;
			k = 0;
			if (need_u && len - k >= 8) {
				e->uncompressed_size = lf_le64(b + k);
				k += 8;
				need_u = false;
			}
			if (need_c && len - k >= 8) {
				e->compressed_size = lf_le64(b + k);
				k += 8;
				need_c = false;
			}
			if (need_l && len - k >= 8) {
				e->local_offset = lf_le64(b + k);
				need_l = false;
			}
		} else if (id == 0x9901 && !aes) {
			aes = true;
			if (len >= 7 && b[2] == 'A' && b[3] == 'E') {
				e->aes_version = lf_le16(b);
				e->aes_strength = b[4];
				e->aes_method = lf_le16(b + 5);
			}
		} else if (id == 0x7075 && r->uname_len == 0 && len > 5 &&
		    b[0] == 1) {
			r->uname_offset = x_off + q + 4 + 5;
			r->uname_len = len - 5;
			r->uhash = key_hash(b + 5, len - 5);
		}
		q += 4 + len;
	}
	if (need_u || need_c || need_l) {
		report(d, "zip.extra-bad", LF_SEV_LOW, e->offset,
		    "a value deferred to Zip64 is not in a Zip64 field");
		if (need_u)
			e->uncompressed_size = UINT64_MAX;
		if (need_c)
			e->compressed_size = UINT64_MAX;
	}
	if (e->method != LF_ZIPDIR_WINZIP_AES) {
		e->aes_version = 0;
		e->aes_strength = 0;
		e->aes_method = 0;
		e->crc = LF_ZIPDIR_CRC_STORED;
	} else if (e->aes_version == 1 || e->aes_version == 2) {
		e->crc = e->aes_version == 1 ? LF_ZIPDIR_CRC_STORED :
		                               LF_ZIPDIR_CRC_NOT_STORED;
	} else {
		report(d, "zip.extra-bad", LF_SEV_LOW, e->offset,
		    "method 99 (WinZip AES) without a usable AES field");
		e->aes_version = 0;
		e->aes_strength = 0;
		e->aes_method = 0;
		e->crc = LF_ZIPDIR_CRC_UNKNOWN;
	}
}

/* Room for one more record. */
static int
grow(struct lf_zipdir *d, struct lf_error *err)
{
	size_t ncap;
	struct rec *p;

	if (d->nrecs < d->cap)
		return LF_OK;
	ncap = d->cap > 0 ? d->cap * 2 : 16;
	if (ncap > d->max || ncap < d->cap)
		ncap = d->max;
	if ((p = realloc(d->recs, ncap * sizeof(*p))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "zip directory");
	d->recs = p;
	d->cap = ncap;
	return LF_OK;
}

/*
 * The record at pos, if there is a whole one before the end records: its
 * size in *used, 0 when the walk ends here (why is reported).
 */
static int
read_record(struct lf_zipdir *d, uint64_t pos, uint64_t *used,
    struct lf_error *err)
{
	struct lf_zipdir_info *in = &d->info;
	const uint8_t *p;
	struct rec r;
	size_t n, m, k;
	bool yes;
	int rc;

	*used = 0;
	if (d->dir_end - pos < 4)
		goto end;
	if ((rc = has_sig(d, pos, sig_cdh, &yes, err)) != LF_OK)
		return rc;
	if (!yes)
		goto end;
	if (d->dir_end - pos < CDH_SIZE) {
		report(d, "zip.directory-truncated", LF_SEV_MEDIUM, pos,
		    "record %zu runs past the directory's end", d->nrecs + 1);
		return LF_E_FORMAT;
	}
	if ((rc = view(d, pos, CDH_SIZE, &p, err)) != LF_OK)
		return rc;
	n = lf_le16(p + 28);
	m = lf_le16(p + 30);
	k = lf_le16(p + 32);
	if (CDH_SIZE + n + m + k > d->dir_end - pos) {
		report(d, "zip.directory-truncated", LF_SEV_MEDIUM, pos,
		    "record %zu runs past the directory's end", d->nrecs + 1);
		return LF_E_FORMAT;
	}
	if (d->nrecs == d->max) {
		report(d, "container.too-many-entries", LF_SEV_MEDIUM, pos,
		    "past limit container-entries");
		in->limited = true;
		return LF_OK;
	}
	memset(&r, 0, sizeof(r));
	r.e.offset = pos;
	r.e.version_made = lf_le16(p + 4);
	r.e.flags = lf_le16(p + 8);
	r.e.method = lf_le16(p + 10);
	r.e.crc32 = lf_le32(p + 16);
	r.e.compressed_size = lf_le32(p + 20);
	r.e.uncompressed_size = lf_le32(p + 24);
	r.e.local_offset = lf_le32(p + 42);
	r.e.name_offset = pos + CDH_SIZE;
	r.e.name_len = n;
	if ((rc = view(d, pos + CDH_SIZE, n + m, &p, err)) != LF_OK)
		return rc;
	if (memchr(p, 0, n) != NULL)
		report(d, "zip.name-nul", LF_SEV_MEDIUM, pos,
		    "record %zu: a name with a NUL byte at %zu of %zu",
		    d->nrecs + 1,
		    (size_t)((const uint8_t *)memchr(p, 0, n) - p), n);
	r.hash = key_hash(p, n);
	parse_extra(d, &r, p + n, m, pos + CDH_SIZE + n);
	if ((rc = grow(d, err)) != LF_OK)
		return rc;
	d->recs[d->nrecs++] = r;
	*used = CDH_SIZE + n + m + k;
	return LF_OK;
end:
	if (d->nrecs < in->declared_entries) {
		report(d, "zip.directory-truncated", LF_SEV_MEDIUM, pos,
		    "no record %zu of %llu", d->nrecs + 1,
		    (unsigned long long)in->declared_entries);
		return LF_E_FORMAT;
	}
	return LF_OK;
}

/* Where the records start: as declared, or right before the end
 * records.  UINT64_MAX when at neither. */
static int
find_directory(struct lf_zipdir *d, uint64_t *start, struct lf_error *err)
{
	struct lf_zipdir_info *in = &d->info;
	uint64_t alt;
	bool yes;
	int rc;

	*start = UINT64_MAX;
	if (in->declared_offset < d->dir_end) {
		if ((rc = has_sig(d, in->declared_offset, sig_cdh, &yes,
		         err)) != LF_OK)
			return rc;
		if (yes) {
			*start = in->declared_offset;
			return LF_OK;
		}
	}
	if (in->declared_size <= d->dir_end) {
		alt = d->dir_end - in->declared_size;
		if ((rc = has_sig(d, alt, sig_cdh, &yes, err)) != LF_OK)
			return rc;
		if (yes) {
			report(d, "zip.directory-moved", LF_SEV_LOW, alt,
			    "the directory is at %llu, not at %llu as declared",
			    (unsigned long long)alt,
			    (unsigned long long)in->declared_offset);
			*start = alt;
			return LF_OK;
		}
	}
	if (in->declared_entries > 0 || in->declared_size > 0)
		report(d, "zip.directory-missing", LF_SEV_MEDIUM,
		    in->declared_offset,
		    "no directory record at %llu, nor right before the end "
		    "records",
		    (unsigned long long)in->declared_offset);
	return LF_OK;
}

static int
walk(struct lf_zipdir *d, struct lf_error *err)
{
	struct lf_zipdir_info *in = &d->info;
	uint64_t start, pos, used;
	bool cut = false;
	int rc;

	if ((rc = find_directory(d, &start, err)) != LF_OK)
		return rc;
	if (start == UINT64_MAX)
		return LF_OK;
	in->offset = start;
	for (pos = start;; pos += used) {
		rc = read_record(d, pos, &used, err);
		if (rc == LF_E_FORMAT)
			cut = true;
		else if (rc != LF_OK)
			return rc;
		if (rc != LF_OK || used == 0)
			break;
	}
	in->entries = d->nrecs;
	if (cut || in->limited)
		return LF_OK;
	if (d->nrecs != in->declared_entries)
		report(d, "zip.directory-count", LF_SEV_MEDIUM, in->eocd_offset,
		    "the end record declares %llu records, the directory "
		    "holds %zu",
		    (unsigned long long)in->declared_entries, d->nrecs);
	else if (pos - start != in->declared_size)
		report(d, "zip.directory-size", LF_SEV_LOW, in->eocd_offset,
		    "the directory declares %llu bytes, its records take %llu",
		    (unsigned long long)in->declared_size,
		    (unsigned long long)(pos - start));
	return LF_OK;
}

/* ---- lookup ---- */

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->which != y->which)
		return x->which < y->which ? -1 : 1;
	if (x->local_offset != y->local_offset)
		return x->local_offset < y->local_offset ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static int
index_names(struct lf_zipdir *d, struct lf_error *err)
{
	struct slot *s;
	size_t i;

	if (d->nrecs == 0)
		return LF_OK;
	if ((d->slots = calloc(d->nrecs, 2 * sizeof(*d->slots))) == NULL ||
	    (d->order = calloc(d->nrecs, sizeof(*d->order))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "zip directory");
	for (i = 0; i < d->nrecs; i++) {
		s = &d->slots[d->nslots++];
		s->hash = d->recs[i].hash;
		s->local_offset = d->recs[i].e.local_offset;
		s->rec = (uint32_t)i;
		s->which = RAW;
		if (d->recs[i].uname_len == 0)
			continue;
		s = &d->slots[d->nslots++];
		s->hash = d->recs[i].uhash;
		s->local_offset = d->recs[i].e.local_offset;
		s->rec = (uint32_t)i;
		s->which = UNICODE;
	}
	for (i = 0; i < d->nrecs; i++) {
		d->order[i].local_offset = d->recs[i].e.local_offset;
		d->order[i].rec = (uint32_t)i;
	}
	qsort(d->slots, d->nslots, sizeof(*d->slots), slot_cmp);
	qsort(d->order, d->nrecs, sizeof(*d->order), slot_cmp);
	return LF_OK;
}

int
lf_zipdir_match(struct lf_zipdir *d, const uint8_t *name, size_t n,
    size_t *index, struct lf_error *err)
{
	uint64_t h = key_hash(name, n), off;
	size_t lo = 0, hi = d->nslots, k, len;
	const struct slot *s;
	const uint8_t *p;
	struct rec *r;
	int which, rc;

	while (lo < hi) {
		k = lo + (hi - lo) / 2;
		if (d->slots[k].hash < h)
			lo = k + 1;
		else
			hi = k;
	}
	for (which = RAW; which <= UNICODE; which++) {
		for (k = lo; k < d->nslots && d->slots[k].hash == h; k++) {
			s = &d->slots[k];
			r = &d->recs[s->rec];
			if (s->which != which || r->matched)
				continue;
			off = which == RAW ? r->e.name_offset : r->uname_offset;
			len = which == RAW ? r->e.name_len : r->uname_len;
			if ((rc = view(d, off, len, &p, err)) == LF_E_FORMAT)
				return lf_error_set(err, LF_E_IO,
				    "zip directory: the source shrank");
			if (rc != LF_OK)
				return rc;
			if (!key_equal(p, len, name, n))
				continue;
			r->matched = true;
			*index = s->rec;
			return LF_OK;
		}
	}
	*index = LF_ZIPDIR_NONE;
	return LF_OK;
}

size_t
lf_zipdir_match_next(struct lf_zipdir *d)
{
	struct rec *r;

	for (; d->next < d->nrecs; d->next++) {
		r = &d->recs[d->order[d->next].rec];
		if (!r->matched) {
			r->matched = true;
			return d->order[d->next++].rec;
		}
	}
	return LF_ZIPDIR_NONE;
}

/* ---- the handle ---- */

int
lf_zipdir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_zipdir **out,
    struct lf_error *err)
{
	struct lf_zipdir *d;
	uint8_t eocd[EOCD_SIZE];
	uint64_t at;
	bool yes;
	int rc;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "zip directory");
	d->src = src;
	d->anomaly = anomaly;
	d->anomaly_arg = anomaly_arg;
	d->max = l->container_entries < UINT32_MAX ?
	    (size_t)l->container_entries :
	    UINT32_MAX;
	if (d->max > SIZE_MAX / sizeof(struct rec) / 2)
		d->max = SIZE_MAX / sizeof(struct rec) / 2;
	if (src->mem == NULL && (d->scratch = malloc(SCRATCH)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "zip directory");
		goto fail;
	}
	if ((rc = find_eocd(d, &at, eocd, err)) != LF_OK) {
		if (rc == LF_E_FORMAT)
			(void)lf_error_set(err, LF_E_FORMAT,
			    "zip directory: no end record in the last %u bytes",
			    (unsigned)LF_ZIPDIR_TAIL);
		goto fail;
	}
	d->info.eocd_offset = at;
	d->info.zip64_offset = UINT64_MAX;
	d->info.comment_len = lf_le16(eocd + 20);
	d->info.declared_entries = lf_le16(eocd + 10);
	d->info.declared_size = lf_le32(eocd + 12);
	d->info.declared_offset = lf_le32(eocd + 16);
	d->info.offset = UINT64_MAX;
	d->dir_end = at;
	if (at >= LOC64_SIZE) {
		if ((rc = has_sig(d, at - LOC64_SIZE, sig_loc64, &yes, err)) !=
		    LF_OK)
			goto fail;
		if (yes) {
			d->dir_end = at - LOC64_SIZE;
			if ((rc = read_zip64(d, at - LOC64_SIZE, err)) != LF_OK)
				goto fail;
		}
	}
	if ((rc = walk(d, err)) != LF_OK || (rc = index_names(d, err)) != LF_OK)
		goto fail;
	*out = d;
	return LF_OK;
fail:
	lf_zipdir_free(d);
	return rc;
}

void
lf_zipdir_free(struct lf_zipdir *d)
{
	if (d == NULL)
		return;
	free(d->scratch);
	free(d->recs);
	free(d->slots);
	free(d->order);
	free(d);
}

const struct lf_zipdir_info *
lf_zipdir_info(const struct lf_zipdir *d)
{
	return &d->info;
}

const struct lf_zipdir_entry *
lf_zipdir_entry(const struct lf_zipdir *d, size_t i)
{
	return i < d->nrecs ? &d->recs[i].e : NULL;
}

int
lf_zipdir_name(struct lf_zipdir *d, size_t i, const uint8_t **name, size_t *len,
    struct lf_error *err)
{
	const uint8_t *p;
	int rc;

	if (i >= d->nrecs)
		return lf_error_set(err, LF_E_INVAL,
		    "zip directory: record %zu", i);
	rc = view(d, d->recs[i].e.name_offset, d->recs[i].e.name_len, &p, err);
	if (rc != LF_OK)
		return rc == LF_E_FORMAT ?
		    lf_error_set(err, LF_E_IO, "zip directory: source shrank") :
		    rc;
	*name = p;
	*len = d->recs[i].e.name_len;
	return LF_OK;
}
