/*
 * lf/zipdir.h: a zip archive's central directory, read by offset from a
 * struct lf_source: what each record declares of its member (raw name,
 * CRC-32, sizes, flags, method, the WinZip AES extra field), which is how
 * a member nothing can open is still described.
 *
 * Only the tail of the source (the end records, found in the last
 * 65,535 + 22 bytes) and the directory itself are read, never the members.
 * Zip64 end records and extra fields are followed.  The records are kept
 * in directory order, at most container_entries of them, and only as
 * many as the bytes present hold: nothing is allocated in proportion to
 * a count or size the archive declares.  Names stay in the source and are
 * read again when asked for.
 *
 * Anomaly codes (offsets are in the source):
 *   zip.eocd-comment         low     the end record's comment does not end
 *                                    where the file does (bytes after it,
 *                                    or it runs past the end)
 *   zip.zip64-bad            medium  a Zip64 locator without a readable
 *                                    Zip64 end record, or the two end
 *                                    records disagree; the Zip64 values
 *                                    win when there are both
 *   zip.directory-missing    medium  no directory record where the end
 *                                    record puts the directory
 *   zip.directory-moved      low     the directory is not at its declared
 *                                    offset but where its declared size
 *                                    puts it (bytes before the archive: a
 *                                    self-extractor, or a cut)
 *   zip.directory-truncated  medium  a record runs past the directory's
 *                                    end or the file's, or there is no
 *                                    record where the declared count
 *                                    wants one
 *   zip.directory-count      medium  the directory holds another number
 *                                    of records than the end record
 *                                    declares
 *   zip.directory-size       low     the records end elsewhere than the
 *                                    declared directory size says
 *   zip.extra-bad            low     an extra field runs past its record's
 *                                    extra area, a Zip64 field lacks a
 *                                    value its record defers to it, or
 *                                    method 99 has no usable WinZip AES
 *                                    field (0x9901)
 *   zip.name-nul             medium  a name holds a NUL byte: readers that
 *                                    stop there show another name
 *   container.too-many-entries medium  more records than container_entries:
 *                                    the rest are not read
 */
#ifndef LF_ZIPDIR_H
#define LF_ZIPDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

#define LF_ZIPDIR_TAIL (65535 + 22) /* bytes searched for the end record */
#define LF_ZIPDIR_ENCRYPTED 0x0001  /* general purpose bit 0 */
#define LF_ZIPDIR_WINZIP_AES 99     /* compression method */
#define LF_ZIPDIR_NONE SIZE_MAX     /* no record */

enum lf_zipdir_crc {
	LF_ZIPDIR_CRC_STORED,     /* crc32 is the CRC-32 of the content */
	LF_ZIPDIR_CRC_NOT_STORED, /* WinZip AES AE-2: the field is 0 by
				     design, the data is authenticated instead */
	LF_ZIPDIR_CRC_UNKNOWN,    /* method 99 without a usable AES field:
				     whether the field means anything is
				     unknown */
};

struct lf_zipdir_entry {
	uint64_t offset;       /* of its record in the source */
	uint64_t name_offset;  /* of its raw name in the source */
	size_t name_len;       /* bytes, NULs included */
	uint16_t version_made; /* "version made by": high byte the host */
	uint16_t flags;        /* general purpose bits (bit 0: encrypted) */
	uint16_t method;       /* compression method as stored */
	uint32_t crc32;        /* the field as stored */
	enum lf_zipdir_crc crc;
	/* As declared, Zip64 values applied; UINT64_MAX when the record
	 * defers a value to a Zip64 field that does not hold it. */
	uint64_t compressed_size; /* encryption headers included */
	uint64_t uncompressed_size;
	uint64_t local_offset; /* of its local header */
	/* The WinZip AES field (0x9901) when method is 99 and it is usable:
	 * version 1 (AE-1) or 2 (AE-2), strength 1, 2, 3 (AES-128, -192,
	 * -256), the compression method under the encryption; else 0. */
	uint16_t aes_version;
	uint8_t aes_strength;
	uint16_t aes_method;
};

struct lf_zipdir_info {
	uint64_t eocd_offset;      /* of the end of central directory record */
	uint64_t zip64_offset;     /* of the Zip64 end record; UINT64_MAX when
				   none was used */
	uint16_t comment_len;      /* the archive comment's declared length */
	uint64_t declared_entries; /* records the end record(s) declare */
	uint64_t declared_size;    /* of the directory, declared */
	uint64_t declared_offset;  /* of the directory, declared */
	uint64_t offset;           /* where its records were found */
	size_t entries;            /* records read */
	bool limited;              /* container_entries stopped the walk */
};

struct lf_zipdir;

/*
 * lf_zipdir_open: find the end record in the tail of src and read the
 * central directory it points to.  src must outlive the handle.
 * Anomalies go to anomaly(anomaly_arg, a) (may be NULL) during the call.
 * Returns LF_OK and a new handle in *out (free it with lf_zipdir_free),
 * which may hold no records when the directory cannot be found or read
 * (anomalies say why); LF_E_FORMAT when there is no end record at all;
 * LF_E_NOMEM or LF_E_IO.  *out is untouched on error.
 */
int lf_zipdir_open(const struct lf_source *src, const struct lf_limits *l,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_zipdir **out,
    struct lf_error *err);

/*
 * lf_zipdir_free: release the handle.  NULL does nothing.
 */
void lf_zipdir_free(struct lf_zipdir *d);

/*
 * lf_zipdir_info: what the end records declare and what was found,
 * borrowed until lf_zipdir_free.
 */
const struct lf_zipdir_info *lf_zipdir_info(const struct lf_zipdir *d);

/*
 * lf_zipdir_entry: record i (from 0, in directory order), borrowed until
 * lf_zipdir_free, or NULL when i is out of range.
 */
const struct lf_zipdir_entry *
lf_zipdir_entry(const struct lf_zipdir *d, size_t i);

/*
 * lf_zipdir_name: the raw name of record i in *name (*len bytes, NULs
 * included), borrowed until the next call on d.  Returns LF_OK,
 * LF_E_INVAL when i is out of range, or LF_E_IO; *name and *len are
 * untouched on error.
 */
int lf_zipdir_name(struct lf_zipdir *d, size_t i, const uint8_t **name,
    size_t *len, struct lf_error *err);

/*
 * lf_zipdir_match: the record of a member a reader such as libarchive
 * names name (n bytes): the first record not matched before whose raw
 * name is name, as such a reader shows it (cut at its first NUL, and with
 * backslashes made slashes when it has no slash), in the order of their
 * local header offsets, which is the order libarchive reads members in;
 * failing that, the first whose Info-ZIP Unicode Path field (0x7075)
 * is name.  The record is marked matched, so that the next member of
 * the same name gets the next record.  Returns LF_OK with its index in
 * *index, or LF_ZIPDIR_NONE when no record is left; or LF_E_IO (*index
 * untouched).
 */
int lf_zipdir_match(struct lf_zipdir *d, const uint8_t *name, size_t n,
    size_t *index, struct lf_error *err);

/*
 * lf_zipdir_match_next: the first record not matched before, in the
 * order of local header offsets: the record of a member a reader gives
 * no name for (libarchive, for a name it cannot convert), when the
 * members before it were matched.  The record is marked matched.
 * Returns its index, or LF_ZIPDIR_NONE when none is left.
 */
size_t lf_zipdir_match_next(struct lf_zipdir *d);

#endif
