/*
 * lf/7zdir.h: a 7z archive's header, read from a struct lf_source: what
 * it declares of each file (name, size, CRC-32, attributes, whether it is
 * a directory or empty, the block it is packed in and that block's
 * size), which is how a member nothing can open is still described.
 *
 * The signature header is read at the start of the source, then the
 * header it points to: a plain header (kHeader), or a packed one
 * (kEncodedHeader) that is decoded here when it is stored, LZMA or LZMA2
 * and not encrypted.  A header packed with 7-Zip's AES (7z -mhe=on) hides
 * every name and size: that is said, and nothing more can be read.  No
 * member's data is ever read.
 *
 * The header is held in memory, at most LF_7ZDIR_HEADER_MAX bytes, and a
 * packed one is decoded only as far as its bytes really go, at most
 * container_ratio times its packed size past the first MiB.  Every count
 * is checked against the bytes that must hold it, and at most
 * container_entries files, blocks and streams are kept: nothing is
 * allocated in proportion to a count or size the archive declares.
 *
 * Anomaly codes (offsets are in the source):
 *   7z.signature-bad       medium  the signature header's CRC is wrong,
 *                                  or its version is not 0.x
 *   7z.header-missing      medium  the header is not where the signature
 *                                  header puts it (past the end: a cut
 *                                  archive)
 *   7z.header-crc          medium  the header's CRC-32 (or, for a packed
 *                                  one, its decoded bytes' CRC-32) is not
 *                                  the one declared
 *   7z.header-encrypted    medium  the header is packed with 7-Zip's AES:
 *                                  no name, size or CRC can be read
 *                                  without the password
 *   7z.header-unsupported  low     the header is packed by a method read
 *                                  here (anything but stored, LZMA,
 *                                  LZMA2, 7-Zip AES), or keeps a property
 *                                  in an external stream
 *   7z.header-bad          medium  the header does not hold together: a
 *                                  count or size past the bytes that hold
 *                                  it, an unknown property, streams and
 *                                  files that do not add up, a packed
 *                                  header that does not decode; what was
 *                                  read before stays
 *   7z.name-bad            low     a name is not valid UTF-16 (unpaired
 *                                  surrogates, shown as U+FFFD)
 *   container.ratio        high    a packed header declares more bytes
 *                                  than container-ratio allows
 *   container.too-many-entries medium  more files, blocks or streams than
 *                                  container_entries: the rest are not
 *                                  described
 */
#ifndef LF_7ZDIR_H
#define LF_7ZDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

#define LF_7ZDIR_SIGNATURE_SIZE 32
#define LF_7ZDIR_HEADER_MAX (64u * 1024 * 1024) /* bytes of header held */
#define LF_7ZDIR_NONE SIZE_MAX                  /* no file */
#define LF_7ZDIR_NO_BLOCK UINT64_MAX            /* no block: no data */

struct lf_7zdir_entry {
	/* Its name as UTF-16LE (the archive's bytes, no terminator) and as
	 * UTF-8 (unpaired surrogates as U+FFFD), borrowed until
	 * lf_7zdir_free; both NULL when the header gives no names. */
	const uint8_t *name_utf16;
	size_t name_utf16_len;
	const char *name;
	size_t name_len;
	bool has_data;  /* a stream of its own (not an empty stream) */
	bool directory; /* an empty stream not marked an empty file */
	bool anti;      /* an anti-item (deletes a file on update) */
	bool has_attributes;
	uint32_t attributes; /* Windows attributes, high 16 bits POSIX mode
				when bit 15 is set */
	bool has_crc;
	uint32_t crc32; /* of its content, as declared */
	uint64_t size;  /* of its content, as declared; 0 without data */
	/* The block (7-Zip's "folder") its data is in, LF_7ZDIR_NO_BLOCK
	 * when it has none or the streams were not read; how many files
	 * that block holds (more than 1: a solid block); the bytes the
	 * block takes in the archive; whether it is packed with 7-Zip's
	 * AES. */
	uint64_t block;
	uint64_t block_files;
	uint64_t block_packed_size;
	bool encrypted;
};

struct lf_7zdir_info {
	uint8_t version_major, version_minor;
	uint64_t header_offset;   /* of the next header in the source */
	uint64_t header_size;     /* as declared */
	bool header_packed;       /* kEncodedHeader */
	bool header_encrypted;    /* packed with 7-Zip's AES: not read */
	uint64_t header_unpacked; /* bytes of header read (decoded when
				     packed) */
	uint64_t declared_files;  /* as the header declares */
	uint64_t blocks;          /* blocks ("folders") declared */
	uint64_t pack_streams;    /* packed streams declared */
	size_t entries;           /* files described */
	bool limited;             /* container_entries stopped the reading */
};

struct lf_7zdir;

/*
 * lf_7zdir_open: read the signature header at the start of src and the
 * header it points to.  src must outlive the handle (names may point
 * into its memory).  Anomalies go
 * to anomaly(anomaly_arg, a) (may be NULL) during the call.  Returns
 * LF_OK and a new handle in *out (free it with lf_7zdir_free), which may
 * describe no file when the header cannot be read (anomalies say why);
 * LF_E_FORMAT when src does not start with a 7z signature header;
 * LF_E_NOMEM or LF_E_IO.  *out is untouched on error.
 */
int lf_7zdir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_7zdir **out,
    struct lf_error *err);

/*
 * lf_7zdir_free: release the handle.  NULL does nothing.
 */
void lf_7zdir_free(struct lf_7zdir *d);

/*
 * lf_7zdir_info: what the signature header and the header declare and
 * what was read, borrowed until lf_7zdir_free.
 */
const struct lf_7zdir_info *lf_7zdir_info(const struct lf_7zdir *d);

/*
 * lf_7zdir_entry: file i (from 0, in header order), borrowed until
 * lf_7zdir_free, or NULL when i is out of range.
 */
const struct lf_7zdir_entry *lf_7zdir_entry(const struct lf_7zdir *d, size_t i);

/*
 * lf_7zdir_match: the file a reader such as libarchive names name (n
 * bytes of UTF-8): the next file in header order after the last one
 * matched if that is its name, else the first file not matched before
 * whose name it is.  The file is marked matched.  Returns its index, or
 * LF_7ZDIR_NONE when none is left.
 */
size_t lf_7zdir_match(struct lf_7zdir *d, const uint8_t *name, size_t n);

/*
 * lf_7zdir_match_next: the first file not matched before, in header
 * order, after the last one matched: the file of a member a reader gives
 * no name for.  The file is marked matched.  Returns its index, or
 * LF_7ZDIR_NONE when none is left.
 */
size_t lf_7zdir_match_next(struct lf_7zdir *d);

#endif
