/*
 * lf_rardir.c: a RAR archive's headers, walked without the members.
 *
 * Why it is built this way:
 *
 * - RAR 4.x is "RAR version 4.x - Technical information" (technote.txt):
 *   7-byte block headers (HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE),
 *   with ADD_SIZE (for a file header, PACK_SIZE and HIGH_PACK_SIZE) bytes
 *   after them when flag 0x8000 says so.  RAR 5.0 is "RAR 5.0 archive
 *   format" (technote.htm): CRC-32, the header's size as a vint, the
 *   header, and the data area its flags declare.  Each step goes past a
 *   header of at least 7 bytes, so the walk ends; a size that runs past
 *   the source stops it.
 *
 * - A header is read into one scratch buffer (RAR 4 headers are at most
 *   64 KiB, RAR 5 ones 2 MiB by the format), and only the fields needed
 *   here are kept; names go into one arena of at most NAMES_MAX bytes,
 *   past which they are dropped (matching then fails, which callers take
 *   as "not known").
 *
 * - RAR 4's Unicode names (flag 0x200) are the 8-bit name, a NUL, and
 *   the UTF-16 name encoded against it (unrar's EncodeFileName): decoded
 *   here, as libarchive decodes them, so that names compare.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lf/rardir.h"
#include "lf_bytes.h"

#define NAMES_MAX (16u * 1024 * 1024)
#define RAR5_HEADER_MAX (2u * 1024 * 1024)

static const uint8_t sig4[7] = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x00};
static const uint8_t sig5[8] = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00};

struct lf_rardir {
	const struct lf_source *src;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	size_t max;
	struct lf_rardir_info info;
	struct lf_rardir_entry *recs;
	size_t nrecs, cap;
	size_t names_len; /* bytes of names kept */
	uint8_t *scratch;
	size_t scratch_cap;
};

static void report(struct lf_rardir *d, const char *code, enum lf_severity sev,
    uint64_t off, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
report(struct lf_rardir *d, const char *code, enum lf_severity sev,
    uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lf_anomaly_vreport(d->anomaly, d->anomaly_arg, code, sev, off, fmt, ap);
	va_end(ap);
}

/* The n bytes at off, valid until the next read; LF_E_FORMAT when they
 * are not all in the source. */
static int
view(struct lf_rardir *d, uint64_t off, size_t n, const uint8_t **p,
    struct lf_error *err)
{
	const struct lf_source *s = d->src;
	uint8_t *b;
	int rc;

	if (off > s->size || n > s->size - off)
		return LF_E_FORMAT;
	if (s->mem != NULL) {
		*p = s->mem + off;
		return LF_OK;
	}
	if (n > d->scratch_cap) {
		if ((b = realloc(d->scratch, n)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "rar headers");
		d->scratch = b;
		d->scratch_cap = n;
	}
	if ((rc = lf_source_read(s, off, d->scratch, n, err)) != LF_OK)
		return rc == LF_E_FORMAT ? LF_E_IO : rc;
	*p = d->scratch;
	return LF_OK;
}

/* ---- names ---- */

static size_t
put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Keep a name: bytes (UTF-8 already, or 8-bit) or n UTF-16 units, with
 * backslashes made slashes when bs.  Dropped (NULL) past NAMES_MAX.
 * The name is the entry's until lf_rardir_free.
 */
static int
keep_name(struct lf_rardir *d, struct lf_rardir_entry *e, const uint8_t *p,
    const uint16_t *u, size_t n, bool bs, struct lf_error *err)
{
	size_t need = u != NULL ? 3 * n + 1 : n + 1, i, k = 0;
	uint32_t c, lo;
	char *out;

	if (need > NAMES_MAX - d->names_len)
		return LF_OK;
	if ((out = malloc(need)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "rar headers");
	for (i = 0; i < n; i++) {
		if (u == NULL) {
			out[k++] = (char)p[i];
		} else {
			c = u[i];
			if (c >= 0xd800 && c <= 0xdbff && i + 1 < n &&
			    (lo = u[i + 1]) >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				i++;
			} else if (c >= 0xd800 && c <= 0xdfff) {
				c = 0xfffd;
			}
			k += put_utf8(out + k, c);
		}
		if (bs && out[k - 1] == '\\')
			out[k - 1] = '/';
	}
	out[k] = '\0';
	e->name = out;
	e->name_len = k;
	d->names_len += k + 1;
	return LF_OK;
}

/*
 * RAR 4's encoded Unicode name: enc (m bytes) against the 8-bit name
 * plain (n bytes), into units (room for max; a run copies from plain,
 * any other form takes a byte of enc, so n + m is always enough).  The
 * number of units; 0 when it is broken.
 */
static size_t
decode_unicode(uint16_t *units, size_t max, const uint8_t *plain, size_t n,
    const uint8_t *enc, size_t m)
{
	size_t pos = 1, out = 0, len, k;
	unsigned flags = 0, bits = 0, t;
	uint8_t high, corr;

	if (m == 0)
		return 0;
	high = enc[0];
	while (pos < m && out < max) {
		if (bits == 0) {
			flags = enc[pos++];
			bits = 8;
			if (pos >= m)
				break;
		}
		bits -= 2;
		t = (flags >> bits) & 3;
		if (t == 0) {
			units[out++] = enc[pos++];
		} else if (t == 1) {
			units[out++] = (uint16_t)(enc[pos++] | high << 8);
		} else if (t == 2) {
			if (m - pos < 2)
				return 0;
			units[out++] = lf_le16(enc + pos);
			pos += 2;
		} else {
			len = enc[pos++];
			if (len & 0x80) {
				if (pos >= m)
					return 0;
				corr = enc[pos++];
				for (k = (len & 0x7f) + 2;
				     k > 0 && out < n && out < max; k--, out++)
					units[out] =
					    (uint16_t)((uint8_t)(plain[out] +
					                   corr) |
					        high << 8);
			} else {
				for (k = len + 2; k > 0 && out < n && out < max;
				     k--, out++)
					units[out] = plain[out];
			}
		}
	}
	return out;
}

/* Room for one more file. */
static int
grow(struct lf_rardir *d, struct lf_error *err)
{
	struct lf_rardir_entry *p;
	size_t ncap;

	if (d->nrecs < d->cap)
		return LF_OK;
	ncap = d->cap > 0 ? d->cap * 2 : 16;
	if (ncap > d->max)
		ncap = d->max;
	if ((p = realloc(d->recs, ncap * sizeof(*p))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "rar headers");
	d->recs = p;
	d->cap = ncap;
	return LF_OK;
}

/* Whether another file may be kept; said once when not. */
static bool
room(struct lf_rardir *d, uint64_t off)
{
	if (d->nrecs < d->max)
		return true;
	if (!d->info.limited)
		report(d, "container.too-many-entries", LF_SEV_MEDIUM, off,
		    "past limit container-entries");
	d->info.limited = true;
	return false;
}

/* ---- RAR 4 ---- */

static int
file4(struct lf_rardir *d, uint64_t off, const uint8_t *h, size_t size,
    uint16_t flags, struct lf_error *err)
{
	struct lf_rardir_entry e;
	size_t fixed = (flags & 0x0100) ? 40 : 32, n, nul, units;
	const uint8_t *name;
	uint16_t *u;
	int rc;

	if (size < fixed || lf_le16(h + 26) > size - fixed) {
		report(d, "rar.header-bad", LF_SEV_MEDIUM, off,
		    "a file header of %zu bytes, its name does not fit", size);
		return LF_E_FORMAT;
	}
	if (!room(d, off))
		return LF_OK;
	memset(&e, 0, sizeof(e));
	e.offset = off;
	e.packed_size = lf_le32(h + 7);
	e.size = lf_le32(h + 11);
	if (flags & 0x0100) {
		e.packed_size |= (uint64_t)lf_le32(h + 32) << 32;
		e.size |= (uint64_t)lf_le32(h + 36) << 32;
	}
	e.directory = (flags & 0x00e0) == 0x00e0;
	e.encrypted = (flags & 0x0004) != 0;
	e.has_crc = !e.directory;
	e.crc32 = lf_le32(h + 16);
	n = lf_le16(h + 26);
	name = h + fixed;
	nul = memchr(name, 0, n) != NULL ?
	    (size_t)((const uint8_t *)memchr(name, 0, n) - name) :
	    n;
	if ((flags & 0x0200) && nul < n) {
		if ((u = malloc((n + 1) * sizeof(*u))) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "rar headers");
		units = decode_unicode(u, n, name, nul, name + nul + 1,
		    n - nul - 1);
		rc = units > 0 ? keep_name(d, &e, NULL, u, units, true, err) :
		                 keep_name(d, &e, name, NULL, nul, true, err);
		free(u);
	} else {
		rc = keep_name(d, &e, name, NULL, n, true, err);
	}
	if (rc != LF_OK || (rc = grow(d, err)) != LF_OK) {
		free((char *)e.name);
		return rc;
	}
	d->recs[d->nrecs++] = e;
	d->info.any_encrypted |= e.encrypted;
	return LF_OK;
}

static int
walk4(struct lf_rardir *d, struct lf_error *err)
{
	uint64_t pos = sizeof(sig4), add;
	const uint8_t *h;
	uint16_t flags;
	size_t size;
	uint8_t type;
	int rc;

	while (pos < d->src->size) {
		if ((rc = view(d, pos, 7, &h, err)) == LF_E_FORMAT)
			break; /* bytes after the last header */
		if (rc != LF_OK)
			return rc;
		type = h[2];
		flags = lf_le16(h + 3);
		size = lf_le16(h + 5);
		if (size < 7 ||
		    (rc = view(d, pos, size, &h, err)) == LF_E_FORMAT) {
			report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
			    "a header of %zu bytes at the end", size);
			return LF_OK;
		}
		if (rc != LF_OK)
			return rc;
		if ((crc32(0, h + 2, (uInt)(size - 2)) & 0xffff) != lf_le16(h))
			report(d, "rar.header-crc", LF_SEV_MEDIUM, pos,
			    "header type 0x%02x: CRC %04x, %04x declared",
			    (unsigned)type,
			    (unsigned)(crc32(0, h + 2, (uInt)(size - 2)) &
			        0xffff),
			    (unsigned)lf_le16(h));
		add = 0;
		if ((flags & 0x8000) || type == 0x74 || type == 0x7a) {
			if (size < 11) {
				report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
				    "a header of %zu bytes without its data "
				    "size",
				    size);
				return LF_OK;
			}
			add = lf_le32(h + 7);
			if ((type == 0x74 || type == 0x7a) &&
			    (flags & 0x0100) && size >= 36)
				add |= (uint64_t)lf_le32(h + 32) << 32;
		}
		if (type == 0x73 && (flags & 0x0080)) {
			d->info.header_encrypted = true;
			report(d, "rar.header-encrypted", LF_SEV_MEDIUM, pos,
			    "the headers are encrypted (rar -hp): no name, "
			    "size or CRC can be read without the password");
			return LF_OK;
		}
		if (type == 0x74 &&
		    (rc = file4(d, pos, h, size, flags, err)) != LF_OK)
			return rc == LF_E_FORMAT ? LF_OK : rc;
		if (type == 0x7b)
			break;
		if (add > d->src->size - pos - size) {
			report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
			    "%llu bytes of data declared, %llu are left",
			    (unsigned long long)add,
			    (unsigned long long)(d->src->size - pos - size));
			break;
		}
		pos += size + add;
	}
	return LF_OK;
}

/* ---- RAR 5 ---- */

/* A vint at *pos of p (n bytes); false when it runs out or past 64 bits. */
static bool
vint(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*pos < n && shift < 64) {
		*v |= (uint64_t)(p[*pos] & 0x7f) << shift;
		if ((p[(*pos)++] & 0x80) == 0)
			return true;
		shift += 7;
	}
	return false;
}

/* A file header's fields after its type and flags, from q in h. */
static int
file5(struct lf_rardir *d, uint64_t off, const uint8_t *h, size_t n, size_t q,
    uint64_t hflags, uint64_t extra, uint64_t data, struct lf_error *err)
{
	struct lf_rardir_entry e;
	uint64_t fflags, size, attr, comp, host, nlen, rlen, rtype, ever,
	    eflags;
	size_t x, r;
	int rc;

	memset(&e, 0, sizeof(e));
	e.offset = off;
	e.packed_size = data;
	if (!vint(h, n, &q, &fflags) || !vint(h, n, &q, &size) ||
	    !vint(h, n, &q, &attr))
		goto bad;
	if ((fflags & 0x0002) && (q += 4) > n)
		goto bad;
	if (fflags & 0x0004) {
		if (n - q < 4)
			goto bad;
		e.has_crc = true;
		e.crc32 = lf_le32(h + q);
		q += 4;
	}
	if (!vint(h, n, &q, &comp) || !vint(h, n, &q, &host) ||
	    !vint(h, n, &q, &nlen) || nlen > n - q)
		goto bad;
	e.directory = (fflags & 0x0001) != 0;
	e.size = (fflags & 0x0008) ? UINT64_MAX : size;
	/* The extra area: the header's last extra bytes. */
	if ((hflags & 0x0001) && extra <= n - q - nlen) {
		for (x = n - (size_t)extra; x < n; x = r + (size_t)rlen) {
			if (!vint(h, n, &x, &rlen) || rlen > n - x)
				goto bad;
			r = x;
			if (!vint(h, r + (size_t)rlen, &x, &rtype))
				goto bad;
			if (rtype != 1)
				continue;
			e.encrypted = true;
			if (vint(h, r + (size_t)rlen, &x, &ever) &&
			    vint(h, r + (size_t)rlen, &x, &eflags) &&
			    (eflags & 0x0002))
				e.has_crc = false; /* tweaked */
		}
	} else if (hflags & 0x0001) {
		goto bad;
	}
	if (!room(d, off))
		return LF_OK;
	if ((rc = keep_name(d, &e, h + q, NULL, (size_t)nlen, false, err)) !=
	    LF_OK)
		return rc;
	if ((rc = grow(d, err)) != LF_OK) {
		free((char *)e.name);
		return rc;
	}
	d->recs[d->nrecs++] = e;
	d->info.any_encrypted |= e.encrypted;
	return LF_OK;
bad:
	report(d, "rar.header-bad", LF_SEV_MEDIUM, off,
	    "a file header whose fields run past its end");
	return LF_E_FORMAT;
}

static int
walk5(struct lf_rardir *d, struct lf_error *err)
{
	uint64_t pos = sizeof(sig5), hsize, type, hflags, extra, data;
	const uint8_t *h;
	size_t q, len, n;
	int rc;

	while (pos < d->src->size) {
		len = d->src->size - pos < 4 + 3 ?
		    (size_t)(d->src->size - pos) :
		    4 + 3;
		if ((rc = view(d, pos, len, &h, err)) != LF_OK)
			return rc;
		q = 4;
		if (!vint(h, len, &q, &hsize) || hsize == 0 ||
		    hsize > RAR5_HEADER_MAX || hsize > d->src->size - pos - q) {
			report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
			    "a header whose size runs past the end");
			return LF_OK;
		}
		n = q + (size_t)hsize;
		if ((rc = view(d, pos, n, &h, err)) != LF_OK)
			return rc;
		if (crc32(0, h + 4, (uInt)(n - 4)) != lf_le32(h))
			report(d, "rar.header-crc", LF_SEV_MEDIUM, pos,
			    "header CRC-32 %08x, %08x declared",
			    (unsigned)crc32(0, h + 4, (uInt)(n - 4)),
			    (unsigned)lf_le32(h));
		extra = data = 0;
		if (!vint(h, n, &q, &type) || !vint(h, n, &q, &hflags) ||
		    ((hflags & 0x0001) && !vint(h, n, &q, &extra)) ||
		    ((hflags & 0x0002) && !vint(h, n, &q, &data)) ||
		    extra > n - q) {
			report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
			    "a header whose fields run past its end");
			return LF_OK;
		}
		if (type == 4) {
			d->info.header_encrypted = true;
			report(d, "rar.header-encrypted", LF_SEV_MEDIUM, pos,
			    "the headers are encrypted (rar -hp): no name, "
			    "size or CRC can be read without the password");
			return LF_OK;
		}
		if (type == 2 &&
		    (rc = file5(d, pos, h, n, q, hflags, extra, data, err)) !=
		        LF_OK)
			return rc == LF_E_FORMAT ? LF_OK : rc;
		if (type == 5)
			break;
		if (data > d->src->size - pos - n) {
			report(d, "rar.header-bad", LF_SEV_MEDIUM, pos,
			    "%llu bytes of data declared, %llu are left",
			    (unsigned long long)data,
			    (unsigned long long)(d->src->size - pos - n));
			break;
		}
		pos += n + data;
	}
	return LF_OK;
}

/* ---- the handle ---- */

int
lf_rardir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_rardir **out,
    struct lf_error *err)
{
	struct lf_rardir *d;
	uint8_t sig[8];
	int rc, version;

	if (src->size < sizeof(sig4))
		return lf_error_set(err, LF_E_FORMAT, "rar headers: too short");
	if ((rc = lf_source_read(src, 0, sig,
	         src->size < sizeof(sig) ? sizeof(sig4) : sizeof(sig), err)) !=
	    LF_OK)
		return rc == LF_E_FORMAT ? LF_E_IO : rc;
	if (memcmp(sig, sig4, sizeof(sig4)) == 0)
		version = 4;
	else if (src->size >= sizeof(sig5) && memcmp(sig, sig5, 8) == 0)
		version = 5;
	else
		return lf_error_set(err, LF_E_FORMAT,
		    "rar headers: no RAR signature");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "rar headers");
	d->src = src;
	d->anomaly = anomaly;
	d->anomaly_arg = anomaly_arg;
	d->info.version = version;
	d->max = l->container_entries < UINT32_MAX ?
	    (size_t)l->container_entries :
	    UINT32_MAX;
	if ((rc = version == 4 ? walk4(d, err) : walk5(d, err)) != LF_OK)
		goto fail;
	d->info.entries = d->nrecs;
	free(d->scratch);
	d->scratch = NULL;
	d->src = NULL; /* not read after this call */
	*out = d;
	return LF_OK;
fail:
	lf_rardir_free(d);
	return rc;
}

void
lf_rardir_free(struct lf_rardir *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nrecs; i++)
		free((char *)d->recs[i].name);
	free(d->recs);
	free(d->scratch);
	free(d);
}

const struct lf_rardir_info *
lf_rardir_info(const struct lf_rardir *d)
{
	return &d->info;
}

const struct lf_rardir_entry *
lf_rardir_entry(const struct lf_rardir *d, size_t i)
{
	return i < d->nrecs ? &d->recs[i] : NULL;
}

size_t
lf_rardir_match(const struct lf_rardir *d, size_t i, const uint8_t *name,
    size_t n)
{
	const struct lf_rardir_entry *e = lf_rardir_entry(d, i);

	if (e == NULL || e->name == NULL)
		return LF_RARDIR_NONE;
	if (e->name_len == n && memcmp(e->name, name, n) == 0)
		return i;
	/* A directory's name as libarchive gives it, with a slash. */
	if (e->directory && n > 1 && name[n - 1] == '/' &&
	    e->name_len == n - 1 && memcmp(e->name, name, n - 1) == 0)
		return i;
	return LF_RARDIR_NONE;
}
