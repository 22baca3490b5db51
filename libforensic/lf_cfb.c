/*
 * lf_cfb.c: compound files (MS-CFB) read by offset.
 *
 * Why it is built this way:
 *
 * - The FAT is kept only for sectors that exist in the source: an entry
 *   for a sector past the end could only lead out of the file.  So it
 *   holds at most one uint32_t per real sector, whatever the header says
 *   about the number of FAT sectors.  The mini FAT is kept the same way
 *   for the mini sectors the mini stream really has, and the mini stream
 *   is never loaded: the list of its sectors maps a mini sector to a
 *   place in the file.
 *
 * - Loops are found with a stamp per sector: each walk takes a new
 *   generation number, and a sector already stamped with it is a cycle.
 *   Every walk is also bounded by the number of sectors.
 *
 * - The directory's red-black trees are walked once at open, in order,
 *   with an explicit stack and a visited mark per entry, so that each
 *   entry gets one parent and a list of siblings.  An entry reached a
 *   second time (a child pointing back, two storages sharing a subtree)
 *   is reported and dropped, which also keeps readers above from seeing
 *   the same storage under two parents and expanding it again and again.
 *
 * - A version 3 file may leave garbage in the high 32 bits of a stream
 *   size (MS-CFB 2.6.3): they are ignored, with an anomaly.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/cfb.h"
#include "lf_bytes.h"

#define HEADER_SIZE 512
#define DIR_ENTRY_SIZE 128
#define HEADER_DIFAT 109
#define MINI_SECTOR 64
#define MINI_CUTOFF 4096

#define MAXREGSECT 0xFFFFFFFAu
#define DIFSECT 0xFFFFFFFCu
#define FATSECT 0xFFFFFFFDu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu

static const uint8_t signature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A,
    0xE1};

struct lf_cfb {
	const struct lf_source *src;
	lf_anomaly_fn anomaly;
	void *anomaly_arg;
	int version;
	uint32_t ssz;    /* sector size */
	uint32_t nsec;   /* sectors present in the source, in full or part */
	uint32_t *fat;   /* nsec entries */
	uint32_t *stamp; /* nsec stamps for cycle detection */
	uint32_t gen;
	uint32_t *minisec; /* the mini stream's sectors, in order */
	uint32_t nminisec;
	uint32_t *minifat; /* nmini entries */
	uint32_t *ministamp;
	uint32_t nmini; /* mini sectors the mini stream really has */
	uint32_t minigen;
	uint8_t *sector; /* one sector of scratch */
	struct lf_cfb_entry *dir;
	uint32_t ndir;
	uint32_t max_entries;
};

static void
report(struct lf_cfb *c, const char *code, enum lf_severity sev, uint64_t off,
    const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (c->anomaly != NULL)
		c->anomaly(c->anomaly_arg, &a);
}

static uint64_t
sector_offset(const struct lf_cfb *c, uint32_t s)
{
	return ((uint64_t)s + 1) * c->ssz;
}

/*
 * Read up to n bytes of sector s at offset within it: the number of bytes
 * that exist is stored in *got (fewer at the end of a truncated file).
 * The bytes are in c->sector, or point into memory for a memory source.
 */
static int
read_sector(struct lf_cfb *c, uint32_t s, uint32_t within, size_t n,
    const uint8_t **p, size_t *got, struct lf_error *err)
{
	uint64_t off = sector_offset(c, s) + within;
	uint64_t avail;
	int rc;

	if (off >= c->src->size) {
		*got = 0;
		return LF_OK;
	}
	avail = c->src->size - off;
	if (n > avail)
		n = (size_t)avail;
	if (c->src->mem != NULL) {
		*p = c->src->mem + off;
	} else {
		if ((rc = lf_source_read(c->src, off, c->sector, n, err)) !=
		    LF_OK)
			return rc;
		*p = c->sector;
	}
	*got = n;
	return LF_OK;
}

static uint32_t
next_stamp(uint32_t *gen, uint32_t *stamp, uint32_t n)
{
	if (++*gen == 0) {
		memset(stamp, 0, (size_t)n * sizeof(*stamp));
		*gen = 1;
	}
	return *gen;
}

/*
 * Follow the FAT chain at start for at most max sectors, storing them in
 * out (which holds max).  Returns the count; anomalies say why it ended
 * early.  what names the chain for the details.
 */
static uint32_t
fat_chain(struct lf_cfb *c, uint32_t start, uint32_t max, uint32_t *out,
    const char *what)
{
	uint32_t s = start, n = 0, g;

	g = next_stamp(&c->gen, c->stamp, c->nsec);
	while (s != ENDOFCHAIN && n < max) {
		if (s >= c->nsec) {
			report(c, "cfb.chain-bad-sector", LF_SEV_MEDIUM, 0,
			    what);
			break;
		}
		if (c->stamp[s] == g) {
			report(c, "cfb.chain-cycle", LF_SEV_HIGH,
			    sector_offset(c, s), what);
			break;
		}
		c->stamp[s] = g;
		out[n++] = s;
		s = c->fat[s];
	}
	return n;
}

static int
read_header(struct lf_cfb *c, const uint8_t *h)
{
	uint16_t major = lf_le16(h + 26), shift = lf_le16(h + 30);

	if (lf_le16(h + 28) != 0xFFFE)
		report(c, "cfb.bad-header", LF_SEV_MEDIUM, 28,
		    "byte order is not 0xFFFE");
	if (major == 3 && shift == 9)
		c->version = 3;
	else if (major == 4 && shift == 12)
		c->version = 4;
	else {
		report(c, "cfb.bad-header", LF_SEV_MEDIUM, 26,
		    "version and sector size disagree or are unknown");
		/* The sector shift says where sectors are; trust it. */
		if (shift == 9 || shift == 12)
			c->version = shift == 9 ? 3 : 4;
		else
			c->version = major == 4 ? 4 : 3;
	}
	c->ssz = c->version == 3 ? 512 : 4096;
	if (lf_le16(h + 32) != 6)
		report(c, "cfb.bad-header", LF_SEV_MEDIUM, 32,
		    "mini sector shift is not 6");
	if (lf_le32(h + 56) != MINI_CUTOFF)
		report(c, "cfb.bad-header", LF_SEV_MEDIUM, 56,
		    "mini stream cutoff is not 4096");
	return LF_OK;
}

/*
 * Put FAT sector number idx (the idx-th of the FAT), sector s, in place.
 */
static int
load_fat_sector(struct lf_cfb *c, uint32_t idx, uint32_t s,
    struct lf_error *err)
{
	uint32_t per = c->ssz / 4, first, i;
	const uint8_t *p;
	size_t got;
	int rc;

	if ((uint64_t)idx * per >= c->nsec)
		return LF_OK; /* it would only describe missing sectors */
	if (s >= c->nsec) {
		report(c, "cfb.fat-bad-sector", LF_SEV_MEDIUM, 0,
		    "FAT sector out of range");
		return LF_OK;
	}
	if ((rc = read_sector(c, s, 0, c->ssz, &p, &got, err)) != LF_OK)
		return rc;
	if (got < c->ssz)
		report(c, "cfb.truncated", LF_SEV_MEDIUM, sector_offset(c, s),
		    "FAT sector");
	first = idx * per;
	for (i = 0; i < got / 4 && first + i < c->nsec; i++)
		c->fat[first + i] = lf_le32(p + 4 * i);
	return LF_OK;
}

static int
load_fat(struct lf_cfb *c, const uint8_t *h, struct lf_error *err)
{
	uint32_t per = c->ssz / 4, needed, idx, i, s, ndifat, steps, g;
	uint8_t *difat = NULL;
	const uint8_t *p;
	size_t got;
	int rc = LF_OK;

	needed = (uint32_t)(((uint64_t)c->nsec + per - 1) / per);
	for (idx = 0; idx < HEADER_DIFAT && idx < needed; idx++) {
		s = lf_le32(h + 76 + 4 * idx);
		if (s == FREESECT || s == ENDOFCHAIN)
			break;
		if ((rc = load_fat_sector(c, idx, s, err)) != LF_OK)
			return rc;
	}
	if (idx < HEADER_DIFAT)
		return LF_OK;
	/* The DIFAT chain: each sector has per - 1 entries and a link. */
	if ((difat = malloc(c->ssz)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cfb: DIFAT");
	s = lf_le32(h + 68);
	ndifat = lf_le32(h + 72);
	g = next_stamp(&c->gen, c->stamp, c->nsec);
	for (steps = 0; idx < needed && s != ENDOFCHAIN && s != FREESECT;
	     steps++) {
		if (s >= c->nsec) {
			report(c, "cfb.fat-bad-sector", LF_SEV_MEDIUM, 68,
			    "DIFAT sector out of range");
			break;
		}
		if (c->stamp[s] == g) {
			report(c, "cfb.difat-cycle", LF_SEV_MEDIUM,
			    sector_offset(c, s), NULL);
			break;
		}
		c->stamp[s] = g;
		if ((rc = read_sector(c, s, 0, c->ssz, &p, &got, err)) != LF_OK)
			goto out;
		if (got < c->ssz) {
			report(c, "cfb.truncated", LF_SEV_MEDIUM,
			    sector_offset(c, s), "DIFAT sector");
			break;
		}
		/* Kept apart: loading a FAT sector reuses the scratch. */
		memcpy(difat, p, c->ssz);
		for (i = 0; i < per - 1 && idx < needed; i++, idx++) {
			uint32_t fs = lf_le32(difat + 4 * i);

			if (fs == FREESECT || fs == ENDOFCHAIN)
				goto out;
			if ((rc = load_fat_sector(c, idx, fs, err)) != LF_OK)
				goto out;
		}
		s = lf_le32(difat + 4 * (per - 1));
	}
	if (steps > ndifat)
		report(c, "cfb.bad-header", LF_SEV_LOW, 72,
		    "more DIFAT sectors than declared");
out:
	free(difat);
	return rc;
}

static int
load_minifat(struct lf_cfb *c, const uint8_t *h, uint32_t start, uint64_t size,
    struct lf_error *err)
{
	uint32_t *chain = NULL, n, i, j, per = c->ssz / 4;
	uint64_t maxsec;
	const uint8_t *p;
	size_t got;
	int rc = LF_OK;

	/* The mini stream: the root entry's chain. */
	maxsec = (size + c->ssz - 1) / c->ssz;
	if (maxsec > c->nsec) {
		report(c, "cfb.size-past-end", LF_SEV_MEDIUM, 0,
		    "mini stream larger than the file");
		maxsec = c->nsec;
	}
	if (maxsec == 0)
		return LF_OK;
	if ((c->minisec = calloc((size_t)maxsec, sizeof(uint32_t))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cfb: mini stream");
	c->nminisec =
	    fat_chain(c, start, (uint32_t)maxsec, c->minisec, "mini stream");
	if (c->nminisec < maxsec)
		report(c, "cfb.chain-short", LF_SEV_MEDIUM, 0,
		    "mini stream shorter than the root entry says");
	c->nmini = (uint32_t)((uint64_t)c->nminisec * c->ssz / MINI_SECTOR);
	if ((uint64_t)c->nmini * MINI_SECTOR > size)
		c->nmini = (uint32_t)((size + MINI_SECTOR - 1) / MINI_SECTOR);
	if (c->nmini == 0)
		return LF_OK;
	c->minifat = malloc((size_t)c->nmini * sizeof(uint32_t));
	c->ministamp = calloc((size_t)c->nmini, sizeof(uint32_t));
	n = (uint32_t)(((uint64_t)c->nmini + per - 1) / per);
	chain = calloc(n, sizeof(uint32_t));
	if (c->minifat == NULL || c->ministamp == NULL || chain == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "cfb: mini FAT");
		goto out;
	}
	for (i = 0; i < c->nmini; i++)
		c->minifat[i] = FREESECT;
	n = fat_chain(c, lf_le32(h + 60), n, chain, "mini FAT");
	for (i = 0; i < n; i++) {
		if ((rc = read_sector(c, chain[i], 0, c->ssz, &p, &got, err)) !=
		    LF_OK)
			goto out;
		for (j = 0; j < got / 4 && (uint64_t)i * per + j < c->nmini;
		     j++)
			c->minifat[i * per + j] = lf_le32(p + 4 * j);
	}
out:
	free(chain);
	return rc;
}

static void
decode_name(struct lf_cfb *c, struct lf_cfb_entry *e, const uint8_t *p,
    uint64_t off)
{
	uint16_t len = lf_le16(p + 64);
	size_t i, o = 0;

	if (len > 64 || len % 2 != 0) {
		report(c, "cfb.dir-bad-entry", LF_SEV_LOW, off + 64,
		    "bad name length");
		len = len > 64 ? 64 : len & ~1u;
	}
	/* The length counts the terminating NUL. */
	if (len >= 2 && lf_le16(p + len - 2) == 0)
		len -= 2;
	memcpy(e->name_raw, p, len);
	e->name_raw_len = len;
	for (i = 0; i + 1 < len; i += 2) {
		uint32_t u = lf_le16(p + i);

		/* Names are UCS-2: a surrogate is shown as U+FFFD. */
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD;
		if (u < 0x80) {
			e->name[o++] = (char)u;
		} else if (u < 0x800) {
			e->name[o++] = (char)(0xC0 | u >> 6);
			e->name[o++] = (char)(0x80 | (u & 0x3F));
		} else {
			e->name[o++] = (char)(0xE0 | u >> 12);
			e->name[o++] = (char)(0x80 | (u >> 6 & 0x3F));
			e->name[o++] = (char)(0x80 | (u & 0x3F));
		}
	}
	e->name[o] = '\0';
}

static int
load_dir(struct lf_cfb *c, const uint8_t *h, uint32_t **left, uint32_t **right,
    uint32_t **child, struct lf_error *err)
{
	uint32_t *chain, n, i, j, per = c->ssz / DIR_ENTRY_SIZE, max;
	const uint8_t *p;
	size_t got;
	int rc = LF_OK;

	if ((chain = calloc(c->nsec, sizeof(uint32_t))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cfb: directory");
	n = fat_chain(c, lf_le32(h + 48), c->nsec, chain, "directory");
	max =
	    (uint32_t)((uint64_t)n * per > c->max_entries ? c->max_entries :
	                                                    (uint64_t)n * per);
	if ((uint64_t)n * per > c->max_entries)
		report(c, "cfb.too-many-entries", LF_SEV_MEDIUM, 0, NULL);
	c->dir = calloc(max == 0 ? 1 : max, sizeof(*c->dir));
	*left = malloc((max == 0 ? 1 : max) * sizeof(uint32_t));
	*right = malloc((max == 0 ? 1 : max) * sizeof(uint32_t));
	*child = malloc((max == 0 ? 1 : max) * sizeof(uint32_t));
	if (c->dir == NULL || *left == NULL || *right == NULL ||
	    *child == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "cfb: directory");
		goto out;
	}
	for (i = 0; i < n && c->ndir < max; i++) {
		if ((rc = read_sector(c, chain[i], 0, c->ssz, &p, &got, err)) !=
		    LF_OK)
			goto out;
		if (got < c->ssz)
			report(c, "cfb.truncated", LF_SEV_MEDIUM,
			    sector_offset(c, chain[i]), "directory sector");
		for (j = 0; j < got / DIR_ENTRY_SIZE && c->ndir < max; j++) {
			const uint8_t *d = p + j * DIR_ENTRY_SIZE;
			uint64_t off = sector_offset(c, chain[i]) +
			    (uint64_t)j * DIR_ENTRY_SIZE;
			struct lf_cfb_entry *e = &c->dir[c->ndir];
			uint32_t k = c->ndir++;

			e->id = k;
			switch (d[66]) {
			case LF_CFB_EMPTY:
			case LF_CFB_STORAGE:
			case LF_CFB_STREAM:
			case LF_CFB_ROOT:
				e->type = (enum lf_cfb_type)d[66];
				break;
			default:
				report(c, "cfb.dir-bad-entry", LF_SEV_LOW,
				    off + 66, "unknown entry type");
				e->type = LF_CFB_EMPTY;
			}
			if (e->type != LF_CFB_EMPTY)
				decode_name(c, e, d, off);
			(*left)[k] = lf_le32(d + 68);
			(*right)[k] = lf_le32(d + 72);
			(*child)[k] = lf_le32(d + 76);
			e->start = lf_le32(d + 116);
			e->size = lf_le32(d + 120);
			if (lf_le32(d + 124) != 0) {
				if (c->version == 3)
					report(c, "cfb.size-high-bits",
					    LF_SEV_LOW, off + 124, e->name);
				else
					e->size |= (uint64_t)lf_le32(d + 124)
					    << 32;
			}
			e->parent = LF_CFB_NOENTRY;
			e->first_child = LF_CFB_NOENTRY;
			e->next_sibling = LF_CFB_NOENTRY;
		}
	}
out:
	free(chain);
	return rc;
}

/*
 * Give each entry reached from the root its parent and its place among
 * its siblings.  Storages wait in a queue (each is queued once, being
 * marked), and each storage's tree is walked in order with a stack that
 * cannot outgrow the directory.
 */
static int
link_dir(struct lf_cfb *c, const uint32_t *left, const uint32_t *right,
    const uint32_t *child, struct lf_error *err)
{
	uint32_t *queue, *stack, qh = 0, qt = 0, sp, cur, s, e, last;
	uint8_t *seen;
	int rc = LF_OK;

	queue = malloc((size_t)c->ndir * sizeof(uint32_t));
	stack = malloc((size_t)c->ndir * sizeof(uint32_t));
	seen = calloc(c->ndir, 1);
	if (queue == NULL || stack == NULL || seen == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "cfb: directory");
		goto out;
	}
	seen[0] = 1;
	queue[qt++] = 0;
	while (qh < qt) {
		s = queue[qh++];
		last = LF_CFB_NOENTRY;
		sp = 0;
		cur = child[s];
		for (;;) {
			while (cur != LF_CFB_NOENTRY) {
				if (cur >= c->ndir ||
				    c->dir[cur].type == LF_CFB_EMPTY) {
					report(c, "cfb.dir-bad-link",
					    LF_SEV_MEDIUM, 0, c->dir[s].name);
					break;
				}
				if (seen[cur]) {
					report(c, "cfb.dir-cycle", LF_SEV_HIGH,
					    0, c->dir[cur].name);
					break;
				}
				if (sp >= LF_CFB_TREE_DEPTH) {
					report(c, "cfb.dir-too-deep",
					    LF_SEV_MEDIUM, 0, c->dir[s].name);
					break;
				}
				seen[cur] = 1;
				stack[sp++] = cur;
				cur = left[cur];
			}
			if (sp == 0)
				break;
			e = stack[--sp];
			c->dir[e].parent = s;
			if (last == LF_CFB_NOENTRY)
				c->dir[s].first_child = e;
			else
				c->dir[last].next_sibling = e;
			last = e;
			if (c->dir[e].type == LF_CFB_STORAGE ||
			    c->dir[e].type == LF_CFB_ROOT)
				queue[qt++] = e;
			cur = right[e];
		}
	}
out:
	free(queue);
	free(stack);
	free(seen);
	return rc;
}

int
lf_cfb_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_cfb **out,
    struct lf_error *err)
{
	struct lf_cfb *c;
	uint8_t h[HEADER_SIZE];
	uint32_t *left = NULL, *right = NULL, *child = NULL, i;
	uint64_t nsec;
	int rc;

	if (src->size < HEADER_SIZE)
		return lf_error_set(err, LF_E_FORMAT,
		    "cfb: shorter than a header");
	if ((rc = lf_source_read(src, 0, h, sizeof(h), err)) != LF_OK)
		return rc;
	if (memcmp(h, signature, sizeof(signature)) != 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "cfb: not a compound file");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "cfb");
	c->src = src;
	c->anomaly = anomaly;
	c->anomaly_arg = anomaly_arg;
	c->max_entries = l->container_entries > UINT32_MAX - 1 ?
	    UINT32_MAX - 1 :
	    (uint32_t)l->container_entries;
	read_header(c, h);
	/* Sector 0 starts after the header sector; a partial last one
	 * counts, its missing bytes being reported when read. */
	nsec = src->size <= c->ssz ? 0 : (src->size - 1) / c->ssz;
	if (nsec > MAXREGSECT)
		nsec = MAXREGSECT;
	c->nsec = (uint32_t)nsec;
	if ((src->size - c->ssz) % c->ssz != 0 && src->size > c->ssz)
		report(c, "cfb.truncated", LF_SEV_LOW, src->size,
		    "the last sector is partial");
	c->fat = malloc((c->nsec == 0 ? 1 : c->nsec) * sizeof(uint32_t));
	c->stamp = calloc(c->nsec == 0 ? 1 : c->nsec, sizeof(uint32_t));
	c->sector = malloc(c->ssz);
	if (c->fat == NULL || c->stamp == NULL || c->sector == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "cfb: FAT");
		goto fail;
	}
	for (i = 0; i < c->nsec; i++)
		c->fat[i] = FREESECT;
	if ((rc = load_fat(c, h, err)) != LF_OK)
		goto fail;
	if ((rc = load_dir(c, h, &left, &right, &child, err)) != LF_OK)
		goto fail;
	if (c->ndir == 0) {
		report(c, "cfb.chain-bad-sector", LF_SEV_MEDIUM, 48,
		    "no directory");
	} else {
		if (c->dir[0].type != LF_CFB_ROOT) {
			report(c, "cfb.dir-bad-entry", LF_SEV_MEDIUM,
			    sector_offset(c, 0), "entry 0 is not the root");
			c->dir[0].type = LF_CFB_ROOT;
		}
		if ((rc = link_dir(c, left, right, child, err)) != LF_OK)
			goto fail;
		if ((rc = load_minifat(c, h, c->dir[0].start, c->dir[0].size,
		         err)) != LF_OK)
			goto fail;
	}
	free(left);
	free(right);
	free(child);
	*out = c;
	return LF_OK;
fail:
	free(left);
	free(right);
	free(child);
	lf_cfb_free(c);
	return rc;
}

void
lf_cfb_free(struct lf_cfb *c)
{
	if (c == NULL)
		return;
	free(c->fat);
	free(c->stamp);
	free(c->minisec);
	free(c->minifat);
	free(c->ministamp);
	free(c->sector);
	free(c->dir);
	free(c);
}

uint32_t
lf_cfb_count(const struct lf_cfb *c)
{
	return c->ndir;
}

const struct lf_cfb_entry *
lf_cfb_entry(const struct lf_cfb *c, uint32_t id)
{
	return id < c->ndir ? &c->dir[id] : NULL;
}

uint32_t
lf_cfb_find(const struct lf_cfb *c, uint32_t storage, const char *name)
{
	uint32_t e;
	size_t steps = 0;

	if (storage >= c->ndir)
		return LF_CFB_NOENTRY;
	for (e = c->dir[storage].first_child;
	     e != LF_CFB_NOENTRY && steps < c->ndir;
	     e = c->dir[e].next_sibling, steps++)
		if (strcasecmp(c->dir[e].name, name) == 0)
			return e;
	return LF_CFB_NOENTRY;
}

static int
read_mini(struct lf_cfb *c, const struct lf_cfb_entry *e, uint64_t want,
    lf_cfb_data_fn fn, void *arg, struct lf_error *err)
{
	uint32_t m = e->start, g, per = c->ssz / MINI_SECTOR;
	const uint8_t *p;
	size_t got, k;
	int rc;

	g = next_stamp(&c->minigen, c->ministamp, c->nmini);
	while (want > 0) {
		if (m == ENDOFCHAIN) {
			report(c, "cfb.chain-short", LF_SEV_MEDIUM, 0, e->name);
			return LF_OK;
		}
		if (m >= c->nmini) {
			report(c, "cfb.chain-bad-sector", LF_SEV_MEDIUM, 0,
			    e->name);
			return LF_OK;
		}
		if (c->ministamp[m] == g) {
			report(c, "cfb.chain-cycle", LF_SEV_HIGH, 0, e->name);
			return LF_OK;
		}
		c->ministamp[m] = g;
		k = want < MINI_SECTOR ? (size_t)want : MINI_SECTOR;
		if ((rc = read_sector(c, c->minisec[m / per],
		         (m % per) * MINI_SECTOR, k, &p, &got, err)) != LF_OK)
			return rc;
		if (got > 0 && (rc = fn(arg, p, got)) != 0)
			return rc;
		if (got < k) {
			report(c, "cfb.truncated", LF_SEV_MEDIUM, c->src->size,
			    e->name);
			return LF_OK;
		}
		want -= got;
		m = c->minifat[m];
	}
	return LF_OK;
}

int
lf_cfb_read(struct lf_cfb *c, uint32_t id, uint64_t max, lf_cfb_data_fn fn,
    void *arg, struct lf_error *err)
{
	const struct lf_cfb_entry *e;
	uint64_t want;
	uint32_t s, g;
	const uint8_t *p;
	size_t got, k;
	int rc;

	if (id >= c->ndir || c->dir[id].type != LF_CFB_STREAM)
		return lf_error_set(err, LF_E_INVAL,
		    "cfb: entry %lu: not a "
		    "stream",
		    (unsigned long)id);
	e = &c->dir[id];
	if (e->size > c->src->size)
		report(c, "cfb.size-past-end", LF_SEV_MEDIUM, 0, e->name);
	want = e->size < max ? e->size : max;
	if (e->size < MINI_CUTOFF)
		return read_mini(c, e, want, fn, arg, err);
	s = e->start;
	g = next_stamp(&c->gen, c->stamp, c->nsec);
	while (want > 0) {
		if (s == ENDOFCHAIN) {
			report(c, "cfb.chain-short", LF_SEV_MEDIUM, 0, e->name);
			return LF_OK;
		}
		if (s >= c->nsec) {
			report(c, "cfb.chain-bad-sector", LF_SEV_MEDIUM, 0,
			    e->name);
			return LF_OK;
		}
		if (c->stamp[s] == g) {
			report(c, "cfb.chain-cycle", LF_SEV_HIGH,
			    sector_offset(c, s), e->name);
			return LF_OK;
		}
		c->stamp[s] = g;
		k = want < c->ssz ? (size_t)want : c->ssz;
		if ((rc = read_sector(c, s, 0, k, &p, &got, err)) != LF_OK)
			return rc;
		if (got > 0 && (rc = fn(arg, p, got)) != 0)
			return rc;
		if (got < k) {
			report(c, "cfb.truncated", LF_SEV_MEDIUM, c->src->size,
			    e->name);
			return LF_OK;
		}
		want -= got;
		s = c->fat[s];
	}
	if (e->size <= max && s != ENDOFCHAIN)
		report(c, "cfb.chain-long", LF_SEV_LOW, 0, e->name);
	return LF_OK;
}
