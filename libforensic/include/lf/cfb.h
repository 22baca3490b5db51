/*
 * lf/cfb.h: Microsoft compound files (MS-CFB), the container of Outlook
 * .msg files and of OLE objects, read by offset from a struct lf_source.
 *
 * Opening reads the header, the FAT (through the DIFAT), the mini FAT and
 * the directory, and gives every directory entry reachable from the root
 * exactly one parent storage.  Streams are then read in chunks by
 * following their sector chains.  What is malformed (a chain that loops,
 * leaves the file or ends early, a directory entry linked twice, a size
 * past the end of the file) is reported as an anomaly with a "cfb." code
 * and reading goes on with what can be trusted.  Memory is bounded by the
 * real size of the source and by container_entries, never by a size the
 * file declares.
 *
 * Anomaly codes:
 *   cfb.bad-header        medium  version, byte order, sector shift, mini
 *                                 sector shift or cutoff not as MS-CFB says
 *   cfb.truncated         medium  a sector or the file ends early
 *   cfb.fat-bad-sector    medium  a FAT or DIFAT sector number out of range
 *   cfb.difat-cycle       medium  the DIFAT chain loops
 *   cfb.chain-cycle       high    a sector chain loops
 *   cfb.chain-bad-sector  medium  a chain leads out of the file or into a
 *                                 free or special sector
 *   cfb.chain-short       medium  a chain ends before the stream's size
 *   cfb.chain-long        low     a chain goes on past the stream's size
 *   cfb.size-past-end     medium  a stream declares more bytes than the
 *                                 file holds
 *   cfb.size-high-bits    low     a version 3 size with high bits set
 *                                 (ignored, as MS-CFB says)
 *   cfb.too-many-entries  medium  more directory entries than
 *                                 container_entries: the rest are ignored
 *   cfb.dir-bad-link      medium  a directory link out of range or to an
 *                                 unused entry
 *   cfb.dir-cycle         high    a directory entry reached twice
 *   cfb.dir-bad-entry     low     a bad name length or entry type
 *   cfb.dir-too-deep      medium  a directory tree deeper than
 *                                 LF_CFB_TREE_DEPTH
 */
#ifndef LF_CFB_H
#define LF_CFB_H

#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

#define LF_CFB_NOENTRY 0xFFFFFFFFu /* no entry (NOSTREAM) */
#define LF_CFB_TREE_DEPTH 4096     /* levels of one storage's tree */

enum lf_cfb_type {
	LF_CFB_EMPTY = 0,
	LF_CFB_STORAGE = 1,
	LF_CFB_STREAM = 2,
	LF_CFB_ROOT = 5,
};

struct lf_cfb_entry {
	uint32_t id;           /* index in the directory */
	enum lf_cfb_type type; /* as stored; unknown types read as EMPTY */
	uint8_t name_raw[64];  /* UTF-16LE, without the terminating NUL */
	size_t name_raw_len;
	char name[193];        /* UTF-8, NUL-terminated; U+FFFD for bad units */
	uint32_t start;        /* first sector */
	uint64_t size;         /* declared size in bytes */
	uint32_t parent;       /* storage it is in; LF_CFB_NOENTRY for the root
				  and for entries no storage reaches */
	uint32_t first_child;  /* of a storage, in directory order */
	uint32_t next_sibling; /* in the parent, in directory order */
};

struct lf_cfb;

/*
 * Receives a stream's bytes in order, borrowed for the call.  A non-zero
 * return stops the reading, which returns that value.
 */
typedef int (*lf_cfb_data_fn)(void *arg, const uint8_t *p, size_t n);

/*
 * lf_cfb_open: read the structures of the compound file in src, which
 * must outlive the handle.  Anomalies go to anomaly(anomaly_arg, a) (may
 * be NULL), during the call and during later reads.  Returns LF_OK and a
 * new handle in *out (free it with lf_cfb_free), LF_E_FORMAT when src is
 * not a compound file (no signature, shorter than a header), LF_E_NOMEM,
 * or LF_E_IO; *out is untouched on error.
 */
int lf_cfb_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_cfb **out,
    struct lf_error *err);

/*
 * lf_cfb_free: release the handle.  NULL does nothing.
 */
void lf_cfb_free(struct lf_cfb *c);

/*
 * lf_cfb_count: the number of directory entries read (the root is 0).
 */
uint32_t lf_cfb_count(const struct lf_cfb *c);

/*
 * lf_cfb_entry: directory entry id, borrowed until lf_cfb_free, or NULL
 * when id is out of range.
 */
const struct lf_cfb_entry *lf_cfb_entry(const struct lf_cfb *c, uint32_t id);

/*
 * lf_cfb_find: the child of storage named name (ASCII letters compared
 * without case, as MS-CFB does), or LF_CFB_NOENTRY.
 */
uint32_t
lf_cfb_find(const struct lf_cfb *c, uint32_t storage, const char *name);

/*
 * lf_cfb_read: the bytes of stream id, at most max of them, passed to fn
 * in chunks of at most one sector.  A chain that breaks stops the stream
 * with an anomaly and LF_OK: what was read is what there is.  Returns
 * LF_OK, LF_E_INVAL (id is not a stream), LF_E_IO, or fn's non-zero
 * return.
 */
int lf_cfb_read(struct lf_cfb *c, uint32_t id, uint64_t max, lf_cfb_data_fn fn,
    void *arg, struct lf_error *err);

#endif
