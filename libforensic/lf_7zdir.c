/*
 * lf_7zdir.c: a 7z archive's header, read without its members.
 *
 * Why it is built this way:
 *
 * - The format is 7-Zip's doc/7zFormat.txt, read as 7-Zip's own reader
 *   (7zIn.cpp) reads it: the same defaults (one stream a block when the
 *   header gives no count, CRCs from the block when a block holds one
 *   file), the same one level of packed header, unknown file properties
 *   skipped by their size.  What 7-Zip rejects as incorrect is an
 *   anomaly here, and what was read before it stays.
 *
 * - Every count is checked, before anything is allocated for it, against
 *   the header bytes that must hold it (a number takes a byte at least)
 *   and against container_entries.  The header itself is the only thing
 *   held whole, and its size is bounded: a plain one by the bytes present,
 *   a packed one by container_ratio and LF_7ZDIR_HEADER_MAX, and decoded
 *   only as far as its packed bytes really go.  The LZMA dictionary is
 *   never larger than the header it decodes.
 *
 * - Parsing goes through a cursor that reads zeros once it has run out
 *   and marks the header bad, so that each step need only check one flag;
 *   the first reason is the one reported.
 *
 * - Files are matched to a reader's members in header order, which is the
 *   order libarchive gives them in, by their names in UTF-8; a hash index
 *   finds a name out of order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>
#include <zlib.h>

#include "lf/7zdir.h"
#include "lf_bytes.h"

#define MIB (1024 * 1024)
#define MAX_CODERS 64  /* in one block, as 7-Zip allows */
#define MAX_STREAMS 64 /* in or out streams of one block */
#define MAX_ID 15      /* bytes of a method id */

enum {
	ID_END = 0x00,
	ID_HEADER = 0x01,
	ID_ARCHIVE_PROPERTIES = 0x02,
	ID_ADDITIONAL_STREAMS = 0x03,
	ID_MAIN_STREAMS = 0x04,
	ID_FILES = 0x05,
	ID_PACK_INFO = 0x06,
	ID_UNPACK_INFO = 0x07,
	ID_SUBSTREAMS = 0x08,
	ID_SIZE = 0x09,
	ID_CRC = 0x0a,
	ID_FOLDER = 0x0b,
	ID_UNPACK_SIZE = 0x0c,
	ID_NUM_UNPACK_STREAM = 0x0d,
	ID_EMPTY_STREAM = 0x0e,
	ID_EMPTY_FILE = 0x0f,
	ID_ANTI = 0x10,
	ID_NAME = 0x11,
	ID_WIN_ATTRIBUTES = 0x15,
	ID_ENCODED_HEADER = 0x17,
};

static const uint8_t signature[6] = {'7', 'z', 0xbc, 0xaf, 0x27, 0x1c};
static const uint8_t m_copy[] = {0x00};
static const uint8_t m_lzma[] = {0x03, 0x01, 0x01};
static const uint8_t m_lzma2[] = {0x21};
static const uint8_t m_aes[] = {0x06, 0xf1, 0x07, 0x01};

struct coder {
	uint8_t id[MAX_ID];
	size_t id_len;
	const uint8_t *props; /* in the header being read */
	size_t props_len;
};

/* A block (7-Zip's "folder"): coders, packed streams, one output. */
struct block {
	uint64_t first_pack; /* its first packed stream */
	uint32_t npacked;
	uint32_t nout;     /* out streams: as many unpacked sizes */
	uint32_t main_out; /* the out stream no bind pair takes */
	uint32_t ncoders;
	struct coder first; /* its first coder */
	bool encrypted;     /* a 7-Zip AES coder */
	uint64_t unpack_size;
	uint64_t packed_size; /* UINT64_MAX when not known */
	bool has_crc;
	uint32_t crc;
	uint64_t nfiles; /* streams it unpacks to */
};

/* A stream a block unpacks to: one file's data. */
struct sub {
	uint64_t block;
	uint64_t size;
	bool has_crc;
	uint32_t crc;
};

struct streams {
	uint64_t pack_pos;
	uint64_t npack;
	uint64_t *pack_sizes; /* npack of them */
	size_t nblocks;
	struct block *blocks;
	size_t nsubs; /* kept, at most max */
	uint64_t total_subs;
	struct sub *subs;
	bool has_unpack, has_subs;
};

struct rec {
	struct lf_7zdir_entry e;
	uint64_t hash;
	bool matched;
};

struct slot {
	uint64_t hash;
	size_t rec;
};

struct lf_7zdir {
	const struct lf_source *src;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	uint64_t ratio;
	size_t max; /* files, blocks and streams kept */
	struct lf_7zdir_info info;
	uint8_t *header; /* owned copy, or NULL when in the source's memory */
	uint8_t *decoded;
	char *names; /* UTF-8 names, NUL-terminated */
	struct streams main;
	struct rec *recs;
	size_t nrecs;
	struct slot *slots;
	size_t next;    /* after the last file matched */
	uint64_t where; /* source offset of what is being read */
	bool bad;
	bool too_many;
	char why[160];
};

/* A cursor over header bytes; reading past its end marks the header bad
 * and gives zeros. */
struct cur {
	struct lf_7zdir *d;
	const uint8_t *p;
	size_t n, pos;
};

static void report(struct lf_7zdir *d, const char *code, enum lf_severity sev,
    uint64_t off, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void bad(struct lf_7zdir *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
report(struct lf_7zdir *d, const char *code, enum lf_severity sev, uint64_t off,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lf_anomaly_vreport(d->anomaly, d->anomaly_arg, code, sev, off, fmt, ap);
	va_end(ap);
}

/* The header does not hold together: the first reason is kept. */
static void
bad(struct lf_7zdir *d, const char *fmt, ...)
{
	va_list ap;

	if (d->bad)
		return;
	d->bad = true;
	va_start(ap, fmt);
	(void)vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

static void
too_many(struct lf_7zdir *d, const char *what, uint64_t n)
{
	d->info.limited = true;
	if (d->too_many)
		return;
	d->too_many = true;
	report(d, "container.too-many-entries", LF_SEV_MEDIUM, d->where,
	    "%llu %s: past limit container-entries", (unsigned long long)n,
	    what);
}

/* ---- the cursor ---- */

static size_t
left(const struct cur *c)
{
	return c->n - c->pos;
}

static uint8_t
get_byte(struct cur *c)
{
	if (c->pos >= c->n) {
		bad(c->d, "a record runs past the end of the header");
		c->pos = c->n;
		return 0;
	}
	return c->p[c->pos++];
}

/* n bytes, or NULL (and the header bad) when fewer are left. */
static const uint8_t *
get_bytes(struct cur *c, size_t n)
{
	const uint8_t *p;

	if (n > left(c)) {
		bad(c->d, "a record runs past the end of the header");
		c->pos = c->n;
		return NULL;
	}
	p = c->p + c->pos;
	c->pos += n;
	return p;
}

static uint32_t
get_u32(struct cur *c)
{
	const uint8_t *p = get_bytes(c, 4);

	return p != NULL ? lf_le32(p) : 0;
}

/* 7z's variable-length number: the leading 1 bits of the first byte say
 * how many bytes follow, little-endian, above the first byte's rest. */
static uint64_t
get_number(struct cur *c)
{
	uint8_t first = get_byte(c), mask = 0x80;
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		if ((first & mask) == 0)
			return v | (uint64_t)(first & (mask - 1)) << (8 * i);
		v |= (uint64_t)get_byte(c) << (8 * i);
		mask >>= 1;
	}
	return v;
}

/* A count of things that take at least per bytes each in what is left. */
static uint64_t
get_count(struct cur *c, size_t per, const char *what)
{
	uint64_t n = get_number(c);

	if (!c->d->bad && n > left(c) / per) {
		bad(c->d, "%llu %s, in %zu bytes of header",
		    (unsigned long long)n, what, left(c));
		return 0;
	}
	return n;
}

/* A property's data: a cursor over its size bytes, skipped in c. */
static struct cur
get_data(struct cur *c)
{
	struct cur s = {c->d, NULL, 0, 0};
	uint64_t n = get_number(c);

	if (c->d->bad)
		return s;
	if (n > left(c)) {
		bad(c->d, "a property of %llu bytes, %zu are left",
		    (unsigned long long)n, left(c));
		return s;
	}
	s.p = get_bytes(c, (size_t)n);
	s.n = (size_t)n;
	return s;
}

/* A vector of n bits, first bit the high one; NULL when the header is
 * bad.  With all, a leading byte may say that all are set: *all then. */
static const uint8_t *
get_bits(struct cur *c, uint64_t n, bool with_all, bool *all)
{
	*all = false;
	if (with_all && get_byte(c) != 0) {
		*all = true;
		return NULL;
	}
	if (n > (uint64_t)left(c) * 8) {
		bad(c->d, "a vector of %llu bits, in %zu bytes",
		    (unsigned long long)n, left(c));
		return NULL;
	}
	return get_bytes(c, (size_t)((n + 7) / 8));
}

static bool
bit(const uint8_t *v, bool all, uint64_t i)
{
	return all || (v != NULL && (v[i / 8] & (0x80 >> (i % 8))) != 0);
}

/* ---- streams: packed streams, blocks, the files' streams ---- */

static void
streams_release(struct streams *s)
{
	free(s->pack_sizes);
	free(s->blocks);
	free(s->subs);
	memset(s, 0, sizeof(*s));
}

static int
read_pack_info(struct cur *c, struct streams *s, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	bool all;
	uint64_t i, id;

	s->pack_pos = get_number(c);
	s->npack = get_count(c, 1, "packed streams");
	if (d->bad)
		return LF_OK;
	if (s->npack > (uint64_t)d->max * MAX_STREAMS) {
		too_many(d, "packed streams", s->npack);
		d->bad = true; /* said: no more is read */
		return LF_OK;
	}
	while (!d->bad && (id = get_number(c)) != ID_END) {
		if (id == ID_SIZE && s->pack_sizes == NULL) {
			s->pack_sizes = calloc(s->npack + 1, sizeof(uint64_t));
			if (s->pack_sizes == NULL)
				return lf_error_set(err, LF_E_NOMEM,
				    "7z header");
			for (i = 0; i < s->npack; i++)
				s->pack_sizes[i] = get_number(c);
		} else if (id == ID_CRC) {
			/* The packed streams' CRCs: nothing to describe. */
			const uint8_t *v = get_bits(c, s->npack, true, &all);
			for (i = 0; i < s->npack && !d->bad; i++)
				if (bit(v, all, i))
					(void)get_u32(c);
		} else {
			(void)get_data(c);
		}
	}
	if (!d->bad && s->pack_sizes == NULL)
		bad(d, "packed streams without sizes");
	return LF_OK;
}

static bool
same_id(const struct coder *k, const uint8_t *id, size_t n)
{
	return k->id_len == n && memcmp(k->id, id, n) == 0;
}

/* One block's coders, bind pairs and packed streams. */
static void
read_block(struct cur *c, struct block *b)
{
	struct lf_7zdir *d = c->d;
	uint64_t ncoders, nin = 0, nout = 0, nbind, npacked, i, k, in, out;
	bool bound[MAX_STREAMS];
	struct coder k0;
	const uint8_t *p;
	uint8_t flags;

	memset(b, 0, sizeof(*b));
	ncoders = get_number(c);
	if (!d->bad && (ncoders == 0 || ncoders > MAX_CODERS)) {
		bad(d, "a block of %llu coders", (unsigned long long)ncoders);
		return;
	}
	for (i = 0; i < ncoders && !d->bad; i++) {
		memset(&k0, 0, sizeof(k0));
		flags = get_byte(c);
		if ((flags & 0xc0) != 0) {
			bad(d, "a coder with alternative methods (0x%02x)",
			    (unsigned)flags);
			return;
		}
		k0.id_len = flags & 0x0f;
		if ((p = get_bytes(c, k0.id_len)) != NULL)
			memcpy(k0.id, p, k0.id_len);
		in = out = 1;
		if (flags & 0x10) {
			in = get_number(c);
			out = get_number(c);
		}
		if (flags & 0x20) {
			struct cur props = get_data(c);
			k0.props = props.p;
			k0.props_len = props.n;
		}
		if (in > MAX_STREAMS || out > MAX_STREAMS ||
		    nin + in > MAX_STREAMS || nout + out > MAX_STREAMS) {
			bad(d, "a block of more than %d streams", MAX_STREAMS);
			return;
		}
		nin += in;
		nout += out;
		if (same_id(&k0, m_aes, sizeof(m_aes)))
			b->encrypted = true;
		if (i == 0)
			b->first = k0;
	}
	if (d->bad)
		return;
	if (nout == 0) {
		bad(d, "a block with no output");
		return;
	}
	b->ncoders = (uint32_t)ncoders;
	b->nout = (uint32_t)nout;
	nbind = nout - 1;
	memset(bound, 0, sizeof(bound));
	if (nbind > nin) {
		bad(d, "a block binds more streams than it has");
		return;
	}
	for (i = 0; i < nbind && !d->bad; i++) {
		in = get_number(c);
		out = get_number(c);
		if (in >= nin || out >= nout || bound[out]) {
			bad(d, "a bind pair out of range");
			return;
		}
		bound[out] = true;
	}
	for (k = 0; k < nout && bound[k]; k++)
		;
	b->main_out = (uint32_t)k;
	npacked = nin - nbind;
	if (npacked > 1)
		for (i = 0; i < npacked && !d->bad; i++)
			if (get_number(c) >= nin)
				bad(d, "a packed stream out of range");
	b->npacked = (uint32_t)npacked;
}

static int
read_unpack_info(struct cur *c, struct streams *s, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	uint64_t n, i, k, id, pack;
	const uint8_t *v;
	bool all;

	if (get_number(c) != ID_FOLDER && !d->bad) {
		bad(d, "no blocks where the header announces them");
		return LF_OK;
	}
	n = get_count(c, 2, "blocks");
	if (d->bad)
		return LF_OK;
	if (n > d->max) {
		too_many(d, "blocks", n);
		d->bad = true; /* said: no more is read */
		return LF_OK;
	}
	if (get_byte(c) != 0 && !d->bad) {
		report(d, "7z.header-unsupported", LF_SEV_LOW, d->where,
		    "the blocks are in an external stream");
		bad(d, "blocks in an external stream");
		return LF_OK;
	}
	if ((s->blocks = calloc(n + 1, sizeof(*s->blocks))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	s->nblocks = (size_t)n;
	for (pack = 0, i = 0; i < n && !d->bad; i++) {
		read_block(c, &s->blocks[i]);
		s->blocks[i].first_pack = pack;
		pack += s->blocks[i].npacked;
		s->blocks[i].nfiles = 1;
		s->blocks[i].packed_size = UINT64_MAX;
	}
	if (d->bad)
		return LF_OK;
	if (s->pack_sizes != NULL && pack > s->npack) {
		bad(d, "the blocks take %llu packed streams, %llu are declared",
		    (unsigned long long)pack, (unsigned long long)s->npack);
		return LF_OK;
	}
	for (i = 0; i < n && s->pack_sizes != NULL; i++) {
		struct block *b = &s->blocks[i];
		uint64_t sum = 0, one;
		for (k = 0; k < b->npacked; k++) {
			one = s->pack_sizes[b->first_pack + k];
			if (sum + one < sum)
				break;
			sum += one;
		}
		if (k == b->npacked)
			b->packed_size = sum;
	}
	if (get_number(c) != ID_UNPACK_SIZE && !d->bad) {
		bad(d, "no unpacked sizes after the blocks");
		return LF_OK;
	}
	for (i = 0; i < n && !d->bad; i++)
		for (k = 0; k < s->blocks[i].nout; k++) {
			uint64_t size = get_number(c);
			if (k == s->blocks[i].main_out)
				s->blocks[i].unpack_size = size;
		}
	while (!d->bad && (id = get_number(c)) != ID_END) {
		if (id == ID_CRC) {
			v = get_bits(c, n, true, &all);
			for (i = 0; i < n && !d->bad; i++) {
				if (!bit(v, all, i))
					continue;
				s->blocks[i].has_crc = true;
				s->blocks[i].crc = get_u32(c);
			}
		} else {
			(void)get_data(c);
		}
	}
	s->has_unpack = !d->bad;
	return LF_OK;
}

/* The streams each block unpacks to, their sizes and CRCs. */
static int
read_substreams(struct cur *c, struct streams *s, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	uint64_t i, j, id, total = 0, sizes = 0, ndigests = 0, k;
	size_t at;
	const uint8_t *v;
	bool all;

	id = get_number(c);
	if (id == ID_NUM_UNPACK_STREAM) {
		for (i = 0; i < s->nblocks && !d->bad; i++) {
			s->blocks[i].nfiles = get_number(c);
			if (s->blocks[i].nfiles > 1)
				sizes += s->blocks[i].nfiles - 1;
			if (sizes > left(c))
				bad(d, "%llu streams in %zu bytes of header",
				    (unsigned long long)sizes, left(c));
		}
		id = get_number(c);
	}
	if (d->bad)
		return LF_OK;
	for (i = 0; i < s->nblocks; i++)
		total += s->blocks[i].nfiles;
	s->total_subs = total;
	if (sizes > 0 && id != ID_SIZE) {
		bad(d, "solid blocks without their streams' sizes");
		return LF_OK;
	}
	at = total < d->max ? (size_t)total : d->max;
	if (total > d->max)
		too_many(d, "streams", total);
	if ((s->subs = calloc(at + 1, sizeof(*s->subs))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	s->nsubs = at;
	/* Sizes: each but the last of a block, which takes what is left. */
	for (k = 0, i = 0; i < s->nblocks && !d->bad; i++) {
		struct block *b = &s->blocks[i];
		uint64_t sum = 0, one;
		if (b->nfiles == 0)
			continue;
		for (j = 0; j + 1 < b->nfiles && !d->bad; j++, k++) {
			one = id == ID_SIZE ? get_number(c) : 0;
			if (sum + one < sum || sum + one > b->unpack_size)
				bad(d,
				    "block %llu: its streams are larger "
				    "than it is",
				    (unsigned long long)i);
			sum += one;
			if (k < at)
				s->subs[k] = (struct sub){i, one, false, 0};
		}
		if (k < at)
			s->subs[k] = (struct sub){i, b->unpack_size - sum,
			    b->nfiles == 1 && b->has_crc, b->crc};
		k++;
		if (b->nfiles != 1 || !b->has_crc)
			ndigests += b->nfiles;
	}
	if (id == ID_SIZE)
		id = get_number(c);
	for (; !d->bad && id != ID_END; id = get_number(c)) {
		if (id != ID_CRC) {
			(void)get_data(c);
			continue;
		}
		v = get_bits(c, ndigests, true, &all);
		for (k = 0, j = 0, i = 0; i < s->nblocks && !d->bad; i++) {
			struct block *b = &s->blocks[i];
			uint64_t f;
			if (b->nfiles == 1 && b->has_crc) {
				k++;
				continue;
			}
			for (f = 0; f < b->nfiles && !d->bad; f++, k++) {
				if (!bit(v, all, j++))
					continue;
				uint32_t crc = get_u32(c);
				if (k < at) {
					s->subs[k].has_crc = true;
					s->subs[k].crc = crc;
				}
			}
		}
	}
	s->has_subs = !d->bad;
	return LF_OK;
}

/* Without SubStreamsInfo, each block is one file's stream. */
static int
default_substreams(struct lf_7zdir *d, struct streams *s, struct lf_error *err)
{
	size_t i, at = s->nblocks < d->max ? s->nblocks : d->max;

	if ((s->subs = calloc(at + 1, sizeof(*s->subs))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	for (i = 0; i < at; i++)
		s->subs[i] = (struct sub){i, s->blocks[i].unpack_size,
		    s->blocks[i].has_crc, s->blocks[i].crc};
	s->nsubs = at;
	s->total_subs = s->nblocks;
	return LF_OK;
}

static int
read_streams(struct cur *c, struct streams *s, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	uint64_t id = get_number(c);
	int rc;

	if (id == ID_PACK_INFO) {
		if ((rc = read_pack_info(c, s, err)) != LF_OK)
			return rc;
		id = get_number(c);
	}
	if (id == ID_UNPACK_INFO && !d->bad) {
		if ((rc = read_unpack_info(c, s, err)) != LF_OK)
			return rc;
		id = get_number(c);
	}
	if (id == ID_SUBSTREAMS && !d->bad) {
		if (s->blocks == NULL) {
			bad(d, "streams without blocks");
			return LF_OK;
		}
		if ((rc = read_substreams(c, s, err)) != LF_OK)
			return rc;
		id = get_number(c);
	} else if (s->blocks != NULL && !d->bad &&
	    (rc = default_substreams(d, s, err)) != LF_OK) {
		return rc;
	}
	if (id != ID_END && !d->bad)
		bad(d, "property 0x%02llx where streams end",
		    (unsigned long long)id);
	return LF_OK;
}

/* ---- files ---- */

/* UTF-16LE to UTF-8, unpaired surrogates as U+FFFD (*bad_name then);
 * out has room for 3 bytes per unit. */
static size_t
utf16_to_utf8(const uint8_t *p, size_t units, char *out, bool *bad_name)
{
	size_t i, n = 0;
	uint32_t c, lo;

	for (i = 0; i < units; i++) {
		c = lf_le16(p + 2 * i);
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < units &&
		    (lo = lf_le16(p + 2 * i + 2)) >= 0xdc00 && lo <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
			*bad_name = true;
		}
		if (c < 0x80) {
			out[n++] = (char)c;
		} else if (c < 0x800) {
			out[n++] = (char)(0xc0 | c >> 6);
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[n++] = (char)(0xe0 | c >> 12);
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | c >> 18);
			out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	return n;
}

static uint64_t
name_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The names: numfiles of them, each ending in a 16-bit NUL, filling the
 * property; those of the files kept are converted. */
static int
read_names(struct cur *c, uint64_t nfiles, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	size_t at = 0, units, out = 0;
	uint64_t i;
	bool bad_name = false;

	if (get_byte(c) != 0) {
		report(d, "7z.header-unsupported", LF_SEV_LOW, d->where,
		    "the names are in an external stream");
		return LF_OK;
	}
	if (d->names != NULL) {
		bad(d, "names given twice");
		return LF_OK;
	}
	if (left(c) / 2 > (SIZE_MAX - 1) / 3 / 2 ||
	    (d->names = malloc(left(c) / 2 * 3 + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	for (i = 0; i < nfiles && !d->bad; i++) {
		for (units = 0;; units++) {
			if (left(c) - at < 2 * units + 2) {
				bad(d, "name %llu has no end",
				    (unsigned long long)i + 1);
				return LF_OK;
			}
			if (lf_le16(c->p + c->pos + at + 2 * units) == 0)
				break;
		}
		if (i < d->nrecs) {
			struct lf_7zdir_entry *e = &d->recs[i].e;
			e->name_utf16 = c->p + c->pos + at;
			e->name_utf16_len = 2 * units;
			e->name = d->names + out;
			e->name_len = utf16_to_utf8(e->name_utf16, units,
			    d->names + out, &bad_name);
			d->names[out + e->name_len] = '\0';
			out += e->name_len + 1;
			d->recs[i].hash =
			    name_hash((const uint8_t *)e->name, e->name_len);
			if (bad_name)
				report(d, "7z.name-bad", LF_SEV_LOW, d->where,
				    "name %llu is not valid UTF-16",
				    (unsigned long long)i + 1);
			bad_name = false;
		}
		at += 2 * units + 2;
	}
	if (!d->bad && at != left(c))
		bad(d, "%zu bytes after the names", left(c) - at);
	return LF_OK;
}

static void
read_attributes(struct cur *c, uint64_t nfiles)
{
	struct lf_7zdir *d = c->d;
	const uint8_t *v;
	uint64_t i;
	uint32_t a;
	bool all;

	v = get_bits(c, nfiles, true, &all);
	if (get_byte(c) != 0 && !d->bad) {
		report(d, "7z.header-unsupported", LF_SEV_LOW, d->where,
		    "the attributes are in an external stream");
		return;
	}
	for (i = 0; i < nfiles && !d->bad; i++) {
		if (!bit(v, all, i))
			continue;
		a = get_u32(c);
		if (i < d->nrecs && !d->bad) {
			d->recs[i].e.has_attributes = true;
			d->recs[i].e.attributes = a;
		}
	}
}

/* Each file with data takes the next stream, in order. */
static void
assign_streams(struct lf_7zdir *d, uint64_t nfiles, uint64_t nempty,
    const uint8_t *empty, const uint8_t *empty_file, const uint8_t *anti)
{
	const struct streams *s = &d->main;
	uint64_t with_data = 0, e = 0;
	struct lf_7zdir_entry *r;
	size_t i;

	for (i = 0; i < d->nrecs; i++) {
		r = &d->recs[i].e;
		if (bit(empty, false, i)) {
			r->directory = !bit(empty_file, false, e);
			r->anti = bit(anti, false, e);
			e++;
			continue;
		}
		r->has_data = true;
		if (with_data < s->nsubs) {
			const struct sub *u = &s->subs[with_data];
			const struct block *b = &s->blocks[u->block];
			r->size = u->size;
			r->has_crc = u->has_crc;
			r->crc32 = u->crc;
			r->block = u->block;
			r->block_files = b->nfiles;
			r->block_packed_size = b->packed_size;
			r->encrypted = b->encrypted;
		}
		with_data++;
	}
	if (!d->bad && nfiles - nempty != s->total_subs)
		bad(d, "%llu files have data, the blocks hold %llu streams",
		    (unsigned long long)(nfiles - nempty),
		    (unsigned long long)s->total_subs);
}

static int
read_files(struct cur *c, struct lf_error *err)
{
	struct lf_7zdir *d = c->d;
	const uint8_t *empty = NULL, *empty_file = NULL, *anti = NULL;
	uint64_t nfiles, nempty = 0, i, id;
	struct cur p;
	bool all;
	size_t keep;
	int rc;

	nfiles = get_number(c);
	if (d->bad)
		return LF_OK;
	d->info.declared_files = nfiles;
	keep = nfiles < d->max ? (size_t)nfiles : d->max;
	if (nfiles > d->max)
		too_many(d, "files", nfiles);
	if ((d->recs = calloc(keep + 1, sizeof(*d->recs))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	d->nrecs = keep;
	for (i = 0; i < keep; i++) {
		d->recs[i].e.block = LF_7ZDIR_NO_BLOCK;
		d->recs[i].e.block_packed_size = UINT64_MAX;
	}
	while (!d->bad && (id = get_number(c)) != ID_END) {
		p = get_data(c);
		if (d->bad)
			break;
		switch (id) {
		case ID_EMPTY_STREAM:
			empty = get_bits(&p, nfiles, false, &all);
			for (nempty = 0, i = 0; empty != NULL && i < nfiles;
			     i++)
				nempty += bit(empty, false, i);
			empty_file = anti = NULL;
			break;
		case ID_EMPTY_FILE:
			empty_file = get_bits(&p, nempty, false, &all);
			break;
		case ID_ANTI:
			anti = get_bits(&p, nempty, false, &all);
			break;
		case ID_NAME:
			if ((rc = read_names(&p, nfiles, err)) != LF_OK)
				return rc;
			break;
		case ID_WIN_ATTRIBUTES:
			read_attributes(&p, nfiles);
			break;
		default: /* times, start positions, padding: skipped */
			break;
		}
	}
	d->info.entries = d->nrecs;
	assign_streams(d, nfiles, nempty, empty, empty_file, anti);
	return LF_OK;
}

/* ---- the header ---- */

static int
read_header(struct lf_7zdir *d, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct cur c = {d, p, n, 0};
	struct streams extra;
	uint64_t id;
	int rc = LF_OK;

	memset(&extra, 0, sizeof(extra));
	if (get_number(&c) != ID_HEADER) {
		bad(d, "no header where the archive puts it");
		return LF_OK;
	}
	id = get_number(&c);
	if (id == ID_ARCHIVE_PROPERTIES) {
		while (!d->bad && get_number(&c) != ID_END)
			(void)get_data(&c);
		id = get_number(&c);
	}
	if (id == ID_ADDITIONAL_STREAMS && !d->bad) {
		rc = read_streams(&c, &extra, err);
		streams_release(&extra);
		if (rc != LF_OK)
			return rc;
		id = get_number(&c);
	}
	if (id == ID_MAIN_STREAMS && !d->bad) {
		if ((rc = read_streams(&c, &d->main, err)) != LF_OK)
			return rc;
		d->info.blocks = d->main.nblocks;
		d->info.pack_streams = d->main.npack;
		id = get_number(&c);
	}
	if (id == ID_FILES && !d->bad) {
		if ((rc = read_files(&c, err)) != LF_OK)
			return rc;
		id = get_number(&c);
	}
	if (id != ID_END && !d->bad)
		bad(d, "property 0x%02llx where the header ends",
		    (unsigned long long)id);
	return LF_OK;
}

/* Decode a packed header of out_len bytes from in (in_len bytes), with
 * the block's one coder; NULL in *out when it cannot be (said why). */
static int
decode(struct lf_7zdir *d, const struct block *b, const uint8_t *in,
    size_t in_len, size_t out_len, uint8_t **out, struct lf_error *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma *opt;
	lzma_filter f[2];
	lzma_ret r;
	uint8_t *buf = NULL, *nbuf;
	size_t cap;
	int rc = LF_OK;

	*out = NULL;
	if (same_id(&b->first, m_copy, sizeof(m_copy))) {
		if (in_len < out_len) {
			bad(d, "a stored header of %zu bytes in %zu", out_len,
			    in_len);
			return LF_OK;
		}
		if ((buf = malloc(out_len + 1)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "7z header");
		memcpy(buf, in, out_len);
		*out = buf;
		return LF_OK;
	}
	memset(f, 0, sizeof(f));
	f[0].id = same_id(&b->first, m_lzma, sizeof(m_lzma)) ?
	    LZMA_FILTER_LZMA1 :
	    LZMA_FILTER_LZMA2;
	f[1].id = LZMA_VLI_UNKNOWN;
	if (lzma_properties_decode(&f[0], NULL, b->first.props,
	        b->first.props_len) != LZMA_OK) {
		bad(d, "the packed header's LZMA properties are invalid");
		return LF_OK;
	}
	/* No dictionary need be larger than all there is to decode. */
	opt = f[0].options;
	if (opt->dict_size > out_len)
		opt->dict_size = out_len < 4096 ? 4096 : (uint32_t)out_len;
	r = lzma_raw_decoder(&s, f);
	free(f[0].options);
	if (r == LZMA_MEM_ERROR)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	if (r != LZMA_OK) {
		bad(d, "the packed header cannot be decoded (%d)", (int)r);
		return LF_OK;
	}
	cap = out_len < 65536 ? out_len : 65536;
	if ((buf = malloc(cap + 1)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "7z header");
		goto done;
	}
	s.next_in = in;
	s.avail_in = in_len;
	for (;;) {
		s.next_out = buf + s.total_out;
		s.avail_out = cap - (size_t)s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
		if (s.total_out == out_len)
			break;
		if (r == LZMA_MEM_ERROR) {
			rc = lf_error_set(err, LF_E_NOMEM, "7z header");
			goto done;
		}
		if (r != LZMA_OK) {
			bad(d,
			    "the packed header decodes to %llu bytes of "
			    "%zu",
			    (unsigned long long)s.total_out, out_len);
			goto done;
		}
		if (s.avail_out == 0) {
			cap = cap > out_len / 2 ? out_len : cap * 2;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				rc = lf_error_set(err, LF_E_NOMEM, "7z header");
				goto done;
			}
			buf = nbuf;
		}
	}
	*out = buf;
	buf = NULL;
done:
	lzma_end(&s);
	free(buf);
	return rc;
}

/* A packed header: its streams, then the one block they hold decoded. */
static int
read_encoded(struct lf_7zdir *d, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct cur c = {d, p, n, 0};
	struct streams s;
	const struct block *b;
	uint64_t off, size = d->src->size, limit;
	uint8_t *packed = NULL;
	const uint8_t *in;
	char id[2 * MAX_ID + 1];
	size_t k;
	int rc;

	memset(&s, 0, sizeof(s));
	(void)get_number(&c); /* kEncodedHeader */
	if ((rc = read_streams(&c, &s, err)) != LF_OK)
		goto out;
	if (d->bad)
		goto out;
	if (s.nblocks != 1 || s.pack_sizes == NULL) {
		bad(d, "a packed header in %zu blocks", s.nblocks);
		goto out;
	}
	b = &s.blocks[0];
	if (b->encrypted) {
		d->info.header_encrypted = true;
		report(d, "7z.header-encrypted", LF_SEV_MEDIUM,
		    d->info.header_offset,
		    "the header is encrypted (7-Zip AES): no name, size or "
		    "CRC can be read without the password");
		goto out;
	}
	if (b->ncoders != 1 || b->npacked != 1 ||
	    !(same_id(&b->first, m_copy, sizeof(m_copy)) ||
	        same_id(&b->first, m_lzma, sizeof(m_lzma)) ||
	        same_id(&b->first, m_lzma2, sizeof(m_lzma2)))) {
		for (k = 0; k < b->first.id_len; k++)
			(void)snprintf(id + 2 * k, 3, "%02x", b->first.id[k]);
		id[2 * k] = '\0';
		report(d, "7z.header-unsupported", LF_SEV_LOW,
		    d->info.header_offset,
		    "the header is packed by %u coders, the first method %s",
		    (unsigned)b->ncoders, id);
		goto out;
	}
	off = LF_7ZDIR_SIGNATURE_SIZE + s.pack_pos;
	if (s.pack_pos > size || off > size || b->packed_size > size - off) {
		report(d, "7z.header-missing", LF_SEV_MEDIUM,
		    d->info.header_offset,
		    "the packed header (%llu bytes at %llu) runs past the end",
		    (unsigned long long)b->packed_size,
		    (unsigned long long)s.pack_pos);
		goto out;
	}
	d->where = off;
	if (b->unpack_size == 0 || b->unpack_size > LF_7ZDIR_HEADER_MAX ||
	    b->packed_size > LF_7ZDIR_HEADER_MAX) {
		bad(d, "a packed header of %llu bytes from %llu",
		    (unsigned long long)b->unpack_size,
		    (unsigned long long)b->packed_size);
		goto out;
	}
	limit = MIB + b->packed_size * d->ratio;
	if (b->unpack_size > limit) {
		report(d, "container.ratio", LF_SEV_HIGH, off,
		    "the packed header declares %llu bytes from %llu: past "
		    "limit container-ratio, not read",
		    (unsigned long long)b->unpack_size,
		    (unsigned long long)b->packed_size);
		goto out;
	}
	if (d->src->mem != NULL) {
		in = d->src->mem + off;
	} else {
		if ((packed = malloc((size_t)b->packed_size + 1)) == NULL) {
			rc = lf_error_set(err, LF_E_NOMEM, "7z header");
			goto out;
		}
		rc = lf_source_read(d->src, off, packed, (size_t)b->packed_size,
		    err);
		if (rc != LF_OK) {
			rc = rc == LF_E_FORMAT ? LF_E_IO : rc;
			goto out;
		}
		in = packed;
	}
	if ((rc = decode(d, b, in, (size_t)b->packed_size,
	         (size_t)b->unpack_size, &d->decoded, err)) != LF_OK ||
	    d->decoded == NULL)
		goto out;
	d->info.header_unpacked = b->unpack_size;
	if (b->has_crc && crc32(0, d->decoded, (uInt)b->unpack_size) != b->crc)
		report(d, "7z.header-crc", LF_SEV_MEDIUM, off,
		    "the decoded header's CRC-32 is not %08x",
		    (unsigned)b->crc);
	if (d->decoded[0] == ID_ENCODED_HEADER)
		bad(d, "a packed header packed again");
	else
		rc = read_header(d, d->decoded, (size_t)b->unpack_size, err);
out:
	free(packed);
	streams_release(&s);
	return rc;
}

static int
read_all(struct lf_7zdir *d, struct lf_error *err)
{
	const struct lf_source *src = d->src;
	struct lf_7zdir_info *in = &d->info;
	uint8_t sh[LF_7ZDIR_SIGNATURE_SIZE];
	uint64_t next_off, next_size;
	uint32_t next_crc;
	const uint8_t *h;
	int rc;

	if ((rc = lf_source_read(src, 0, sh, sizeof(sh), err)) != LF_OK)
		return rc;
	in->version_major = sh[6];
	in->version_minor = sh[7];
	if (in->version_major != 0 || crc32(0, sh + 12, 20) != lf_le32(sh + 8))
		report(d, "7z.signature-bad", LF_SEV_MEDIUM, 0,
		    "version %u.%u, start header CRC-32 %08x (%08x declared)",
		    (unsigned)sh[6], (unsigned)sh[7],
		    (unsigned)crc32(0, sh + 12, 20), (unsigned)lf_le32(sh + 8));
	next_off = lf_le64(sh + 12);
	next_size = lf_le64(sh + 20);
	next_crc = lf_le32(sh + 28);
	in->header_size = next_size;
	in->header_offset = next_off <= UINT64_MAX - LF_7ZDIR_SIGNATURE_SIZE ?
	    LF_7ZDIR_SIGNATURE_SIZE + next_off :
	    UINT64_MAX;
	d->where = in->header_offset;
	if (next_size == 0)
		return LF_OK; /* an empty archive */
	if (in->header_offset > src->size ||
	    next_size > src->size - in->header_offset) {
		report(d, "7z.header-missing", LF_SEV_MEDIUM, 0,
		    "the header (%llu bytes at %llu) is past the end (%llu)",
		    (unsigned long long)next_size,
		    (unsigned long long)in->header_offset,
		    (unsigned long long)src->size);
		return LF_OK;
	}
	if (next_size > LF_7ZDIR_HEADER_MAX) {
		report(d, "7z.header-bad", LF_SEV_MEDIUM, in->header_offset,
		    "a header of %llu bytes: not read",
		    (unsigned long long)next_size);
		return LF_OK;
	}
	if (src->mem != NULL) {
		h = src->mem + in->header_offset;
	} else {
		if ((d->header = malloc((size_t)next_size)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "7z header");
		if ((rc = lf_source_read(src, in->header_offset, d->header,
		         (size_t)next_size, err)) != LF_OK)
			return rc == LF_E_FORMAT ? LF_E_IO : rc;
		h = d->header;
	}
	if (crc32(0, h, (uInt)next_size) != next_crc)
		report(d, "7z.header-crc", LF_SEV_MEDIUM, in->header_offset,
		    "the header's CRC-32 is %08x, %08x declared",
		    (unsigned)crc32(0, h, (uInt)next_size), (unsigned)next_crc);
	in->header_unpacked = next_size;
	if (h[0] == ID_ENCODED_HEADER) {
		in->header_packed = true;
		in->header_unpacked = 0;
		return read_encoded(d, h, (size_t)next_size, err);
	}
	return read_header(d, h, (size_t)next_size, err);
}

/* ---- lookup ---- */

static int
slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static int
index_names(struct lf_7zdir *d, struct lf_error *err)
{
	size_t i;

	if (d->nrecs == 0)
		return LF_OK;
	if ((d->slots = calloc(d->nrecs, sizeof(*d->slots))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	for (i = 0; i < d->nrecs; i++) {
		d->slots[i].hash = d->recs[i].hash;
		d->slots[i].rec = i;
	}
	qsort(d->slots, d->nrecs, sizeof(*d->slots), slot_cmp);
	return LF_OK;
}

static bool
name_is(const struct rec *r, const uint8_t *name, size_t n)
{
	return r->e.name != NULL && r->e.name_len == n &&
	    memcmp(r->e.name, name, n) == 0;
}

static size_t
take(struct lf_7zdir *d, size_t i)
{
	d->recs[i].matched = true;
	d->next = i + 1;
	return i;
}

size_t
lf_7zdir_match(struct lf_7zdir *d, const uint8_t *name, size_t n)
{
	uint64_t h = name_hash(name, n);
	size_t lo = 0, hi = d->nrecs, k;

	if (d->next < d->nrecs && !d->recs[d->next].matched &&
	    name_is(&d->recs[d->next], name, n))
		return take(d, d->next);
	while (lo < hi) {
		k = lo + (hi - lo) / 2;
		if (d->slots[k].hash < h)
			lo = k + 1;
		else
			hi = k;
	}
	for (k = lo; k < d->nrecs && d->slots[k].hash == h; k++)
		if (!d->recs[d->slots[k].rec].matched &&
		    name_is(&d->recs[d->slots[k].rec], name, n))
			return take(d, d->slots[k].rec);
	return LF_7ZDIR_NONE;
}

size_t
lf_7zdir_match_next(struct lf_7zdir *d)
{
	size_t i;

	for (i = d->next; i < d->nrecs; i++)
		if (!d->recs[i].matched)
			return take(d, i);
	return LF_7ZDIR_NONE;
}

/* ---- the handle ---- */

int
lf_7zdir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_7zdir **out,
    struct lf_error *err)
{
	struct lf_7zdir *d;
	uint8_t sig[sizeof(signature)];
	int rc;

	if (src->size < LF_7ZDIR_SIGNATURE_SIZE)
		return lf_error_set(err, LF_E_FORMAT,
		    "7z header: shorter than a signature header");
	if ((rc = lf_source_read(src, 0, sig, sizeof(sig), err)) != LF_OK)
		return rc == LF_E_FORMAT ? LF_E_IO : rc;
	if (memcmp(sig, signature, sizeof(sig)) != 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "7z header: no 7z signature");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "7z header");
	d->src = src;
	d->anomaly = anomaly;
	d->anomaly_arg = anomaly_arg;
	d->ratio = l->container_ratio < LF_7ZDIR_HEADER_MAX ?
	    l->container_ratio :
	    LF_7ZDIR_HEADER_MAX;
	d->max = l->container_entries < UINT32_MAX ?
	    (size_t)l->container_entries :
	    UINT32_MAX;
	if ((rc = read_all(d, err)) != LF_OK)
		goto fail;
	if (d->bad && d->why[0] != '\0')
		report(d, "7z.header-bad", LF_SEV_MEDIUM, d->where, "%s",
		    d->why);
	if ((rc = index_names(d, err)) != LF_OK)
		goto fail;
	*out = d;
	return LF_OK;
fail:
	lf_7zdir_free(d);
	return rc;
}

void
lf_7zdir_free(struct lf_7zdir *d)
{
	if (d == NULL)
		return;
	free(d->header);
	free(d->decoded);
	free(d->names);
	streams_release(&d->main);
	free(d->recs);
	free(d->slots);
	free(d);
}

const struct lf_7zdir_info *
lf_7zdir_info(const struct lf_7zdir *d)
{
	return &d->info;
}

const struct lf_7zdir_entry *
lf_7zdir_entry(const struct lf_7zdir *d, size_t i)
{
	return i < d->nrecs ? &d->recs[i].e : NULL;
}
