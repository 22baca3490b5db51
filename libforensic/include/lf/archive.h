/*
 * lf/archive.h: the members of an archive, through libarchive, reported
 * as container entries (lf/container.h).
 *
 * Every format and filter libarchive reads: zip (stored, deflated,
 * ZipCrypto and WinZip AES), 7z, rar and rar5, tar, cpio, ar, cab,
 * iso9660, lha, and gzip, bzip2, xz, zstd, lz4 (a compressed file that is
 * not an archive is one member, "data").  Members are FILE entries with
 * paths "1", "2", ... in archive order, role "member"; a directory, link
 * or device member is reported with no data.  Encrypted members are tried
 * with each candidate password in turn; the one that opened a member is
 * its "password" property, and a member none opens is still reported
 * (name, declared size) with the anomaly "archive.encrypted"; for a zip,
 * with the CRC-32 and compressed size its central directory record
 * declares as well (lf/zipdir.h, whose anomalies are the container's),
 * or the anomaly "zip.not-in-directory" when no record names it
 * ("zip.directory-missing" when there is no end record to find the
 * directory by).
 */
#ifndef LF_ARCHIVE_H
#define LF_ARCHIVE_H

#include <stddef.h>

#include "lf/container.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/source.h"

/*
 * The candidate passwords, asked for only once an encrypted member is
 * met (finding them can cost more than the archive): set *n and return
 * them, valid until lf_archive_read returns, or NULL for none.
 */
typedef const char *const *(*lf_archive_passwords_fn)(void *arg, size_t *n);

/*
 * lf_archive_read: report the members of the archive in src.  The
 * passwords passwords(pw_arg) gives (may be NULL) are tried in order.
 * The archive's format is the container property "format".  Returns
 * LF_OK (damage on the way is anomalies), LF_E_FORMAT when libarchive
 * cannot read it at all, LF_E_NOMEM, or the non-zero value an event
 * returned.
 */
int lf_archive_read(const struct lf_source *src, const struct lf_limits *l,
    lf_archive_passwords_fn passwords, void *pw_arg,
    const struct lf_container_events *ev, void *arg, struct lf_error *err);

#endif
