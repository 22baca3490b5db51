/*
 * lf/rardir.h: a RAR archive's headers, RAR 4.x ("Rar!\x1a\x07\x00") and
 * RAR 5.0 ("Rar!\x1a\x07\x01\x00"), read from a struct lf_source: what
 * each file header declares of its member (name, sizes, CRC-32, whether
 * it is a directory and whether its data is encrypted), which is how a
 * member nothing can open is still described, and how a member whose
 * bytes are encrypted is told from one that is not whatever a reader
 * makes of its bytes.
 *
 * Headers are walked from the signature at the start of the source, one
 * after the other, each found from the sizes of the one before; no
 * member's data is read.  A RAR 4 archive whose archive header has flag
 * 0x0080, or a RAR 5 archive with an archive encryption header, has its
 * later headers encrypted (rar -hp): that is said, and nothing more can
 * be read.  At most container_entries file headers are kept, each a
 * small struct and its name; every size is checked against the bytes
 * present before it is used.
 *
 * Anomaly codes (offsets are in the source):
 *   rar.header-encrypted   medium  the headers are encrypted: no name,
 *                                  size or CRC can be read without the
 *                                  password
 *   rar.header-bad         medium  a header runs past the end of the
 *                                  source, or its sizes or fields do not
 *                                  hold together; the walk stops there
 *   rar.header-crc         medium  a header's CRC is not the one declared
 *                                  (it is read all the same)
 *   container.too-many-entries medium  more file headers than
 *                                  container_entries: the rest are not
 *                                  described
 */
#ifndef LF_RARDIR_H
#define LF_RARDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

#define LF_RARDIR_NONE SIZE_MAX

struct lf_rardir_entry {
	uint64_t offset; /* of its header in the source */
	/* Its name in UTF-8, "/" between components (RAR 4's Unicode
	 * names decoded, unpaired surrogates as U+FFFD; RAR 4's 8-bit names
	 * as they are), NUL-terminated, borrowed until lf_rardir_free. */
	const char *name;
	size_t name_len;
	bool directory;
	bool encrypted; /* its data is encrypted */
	bool has_crc;   /* crc32 is the CRC-32 of its content: false when
			   it has none (a directory) or RAR 5 stores it
			   "tweaked" through the key (encrypted, flag 0x0002) */
	uint32_t crc32;
	uint64_t size;        /* unpacked, as declared; UINT64_MAX unknown */
	uint64_t packed_size; /* the bytes its data takes in the archive */
};

struct lf_rardir_info {
	int version;           /* 4 or 5 */
	bool header_encrypted; /* rar -hp: nothing more was read */
	bool any_encrypted;    /* some file's data is encrypted */
	size_t entries;        /* file headers described */
	bool limited;          /* container_entries stopped the walk */
};

struct lf_rardir;

/*
 * lf_rardir_open: walk the headers of the RAR archive src holds.  src is
 * read during the call only.  Anomalies go to anomaly(anomaly_arg, a)
 * (may be NULL) during the call.  Returns LF_OK and a new handle in *out
 * (free it with lf_rardir_free), which may describe no file (anomalies
 * say why); LF_E_FORMAT when src does not start with a RAR 4 or RAR 5
 * signature; LF_E_NOMEM or LF_E_IO.  *out is untouched on error.
 */
int lf_rardir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_rardir **out,
    struct lf_error *err);

/*
 * lf_rardir_free: release the handle.  NULL does nothing.
 */
void lf_rardir_free(struct lf_rardir *d);

/*
 * lf_rardir_info: what was read, borrowed until lf_rardir_free.
 */
const struct lf_rardir_info *lf_rardir_info(const struct lf_rardir *d);

/*
 * lf_rardir_entry: file header i (from 0, in archive order), borrowed
 * until lf_rardir_free, or NULL when i is out of range.
 */
const struct lf_rardir_entry *
lf_rardir_entry(const struct lf_rardir *d, size_t i);

/*
 * lf_rardir_match: file header i when its name is name (n bytes of UTF-8;
 * a reader such as libarchive gives the file headers in archive order,
 * and a directory's name with or without a final "/"), else
 * LF_RARDIR_NONE: then which header the reader's member is cannot be
 * told.
 */
size_t lf_rardir_match(const struct lf_rardir *d, size_t i, const uint8_t *name,
    size_t n);

#endif
