/*
 * lf_archive.c: archive members through libarchive.
 *
 * libarchive reads from our source through callbacks (read, skip, seek:
 * the zip reader then uses the central directory).  Members are reported
 * as they are read.  Encrypted members wait: a password is only known to
 * be right once a member's data has been read to the end and its check
 * (CRC, AES authentication) passed, and the data must not be reported
 * before then.  So after the first pass, each candidate password gets a
 * pass of its own that only reads the waiting members and keeps those it
 * opens, and each password that opened some gets one more pass that
 * reports them.  Passes are bounded by the number of passwords, not of
 * members.
 *
 * libarchive gives no member's CRC-32.  For a zip with members no
 * password opened, the central directory is read as well (lf/zipdir.h)
 * and each such member is described with what its record declares; for
 * a 7z, its header (lf/7zdir.h).  A 7z whose header is encrypted cannot
 * be listed at all: its header reader says so instead of libarchive.
 *
 * libarchive decrypts no RAR, yet reads a stored RAR member's encrypted
 * bytes as if they were its content (RAR 5: without a word; RAR 4: with
 * any password).  So a RAR's headers are read too (lf/rardir.h), no
 * password is tried, and a member whose header says its data is
 * encrypted, or that cannot be told from its header in an archive that
 * has encrypted members, is not opened; its header describes it.
 *
 * LHA says nothing of the charset of its names: they are the bytes of the
 * system that wrote them, Shift-JIS most often.  libarchive turns every
 * name into the locale's wide form, and fails the archive at the first
 * that will not go (the members after it with it).  Then the first pass
 * starts again past the members it has reported, with the names taken as
 * ISO-8859-1, one wide character a byte, which always goes in a UTF-8
 * locale; the bytes are the name, as the archive has it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "lf/7zdir.h"
#include "lf/archive.h"
#include "lf/rardir.h"
#include "lf/text.h"
#include "lf/zipdir.h"

#define READ_SIZE (64 * 1024)

struct feed {
	const struct lf_source *src;
	uint64_t pos;
	uint8_t buf[READ_SIZE];
};

struct run {
	const struct lf_source *src;
	const struct lf_limits *lim;
	const struct lf_container_events *ev;
	void *arg;
	struct lf_error *err;
	struct feed feed;
	uint8_t data[READ_SIZE];
	char wname[4 * 4096 + 1]; /* a name converted from wide form */
	/* Encrypted members not yet opened, by index; and the password
	 * that opened each (NULL: none yet).  Grown as members are met, up
	 * to max_members. */
	bool *waiting;
	const char **opened_by;
	bool unsupported; /* libarchive said it cannot decrypt the format */
	bool broken;      /* ARCHIVE_FATAL from the data: see one_pass */
	size_t nmembers, cap, max_members;
	size_t done;         /* members the first pass has dealt with */
	bool names_as_bytes; /* LHA names read as ISO-8859-1 (see above) */
	bool again;          /* the first pass is to start again */
	bool format_reported;
	bool too_many; /* container.too-many-entries was reported */
	/* A zip's central directory, once a member none opened needs it. */
	struct lf_zipdir *zipdir;
	bool zipdir_tried;
	/* A 7z's header, a RAR's headers, likewise. */
	struct lf_7zdir *sevenzip;
	bool sevenzip_tried;
	struct lf_rardir *rardir;
	bool rardir_tried;
	bool is_rar; /* no password is tried */
};

static la_ssize_t
feed_read(struct archive *a, void *arg, const void **out)
{
	struct feed *f = arg;
	struct lf_error err;
	size_t n = f->src->size - f->pos < READ_SIZE ?
	    (size_t)(f->src->size - f->pos) :
	    READ_SIZE;

	if (n == 0)
		return 0;
	if (lf_source_read(f->src, f->pos, f->buf, n, &err) != LF_OK) {
		archive_set_error(a, EIO, "%s", err.msg);
		return -1;
	}
	f->pos += n;
	*out = f->buf;
	return (la_ssize_t)n;
}

static la_int64_t
feed_skip(struct archive *a, void *arg, la_int64_t request)
{
	struct feed *f = arg;
	uint64_t left = f->src->size - f->pos;
	uint64_t n = request < 0 ? 0 : (uint64_t)request;

	(void)a;
	if (n > left)
		n = left;
	f->pos += n;
	return (la_int64_t)n;
}

static la_int64_t
feed_seek(struct archive *a, void *arg, la_int64_t offset, int whence)
{
	struct feed *f = arg;
	int64_t base = whence == SEEK_SET ? 0 :
	    whence == SEEK_CUR            ? (int64_t)f->pos :
	                                    (int64_t)f->src->size;

	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0 ||
	    (uint64_t)(base + offset) > f->src->size) {
		archive_set_error(a, EINVAL, "seek outside the archive");
		return ARCHIVE_FATAL;
	}
	f->pos = (uint64_t)(base + offset);
	return (la_int64_t)f->pos;
}

static void
anomaly(struct run *r, const struct lf_entry *e, const char *code,
    enum lf_severity sev, const char *detail)
{
	struct lf_anomaly a = {code, sev, r->feed.pos, detail};

	if (r->ev->anomaly != NULL)
		r->ev->anomaly(r->arg, e, &a);
}

/* A reader over the source with every format and filter, and password. */
static int
open_archive(struct run *r, const char *password, struct archive **out)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return lf_error_set(r->err, LF_E_NOMEM, "archive");
	r->feed.src = r->src;
	r->feed.pos = 0;
	r->broken = false;
	if (archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_all(a) != ARCHIVE_OK ||
	    /* Last resort: a compressed file that is not an archive. */
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    (password != NULL &&
	        archive_read_add_passphrase(a, password) != ARCHIVE_OK) ||
	    (r->names_as_bytes &&
	        archive_read_set_format_option(a, "lha", "hdrcharset",
	            "ISO-8859-1") != ARCHIVE_OK) ||
	    archive_read_set_read_callback(a, feed_read) != ARCHIVE_OK ||
	    archive_read_set_skip_callback(a, feed_skip) != ARCHIVE_OK ||
	    archive_read_set_seek_callback(a, feed_seek) != ARCHIVE_OK ||
	    archive_read_set_callback_data(a, &r->feed) != ARCHIVE_OK) {
		archive_read_free(a);
		return lf_error_set(r->err, LF_E_NOMEM, "archive");
	}
	if (archive_read_open1(a) != ARCHIVE_OK) {
		lf_error_set(r->err, LF_E_FORMAT, "archive: %s",
		    archive_error_string(a) != NULL ? archive_error_string(a) :
		                                      "not an archive");
		archive_read_free(a);
		return LF_E_FORMAT;
	}
	*out = a;
	return LF_OK;
}

/*
 * The name from its wide form, as UTF-8 into buf: libarchive gives 7z's
 * UTF-16 names in no narrow form when the locale's charset cannot hold
 * them (the "C" locale).  NULL if there is none.
 */
static const char *
wide_name(struct archive_entry *ae, char *buf, size_t cap)
{
	const wchar_t *w = archive_entry_pathname_w(ae);
	size_t n = 0;
	uint32_t c;

	if (w == NULL)
		return NULL;
	for (; *w != L'\0'; w++) {
		c = (uint32_t)*w;
		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			c = 0xfffd;
		if (n + 5 > cap)
			return NULL;
		if (c < 0x80) {
			buf[n++] = (char)c;
		} else if (c < 0x800) {
			buf[n++] = (char)(0xc0 | c >> 6);
			buf[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			buf[n++] = (char)(0xe0 | c >> 12);
			buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			buf[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			buf[n++] = (char)(0xf0 | c >> 18);
			buf[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			buf[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			buf[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	buf[n] = '\0';
	return buf;
}

/*
 * The name's bytes, when libarchive read it as ISO-8859-1, into buf; NULL
 * if there is none or it does not fit.  *decoded tells that a character
 * is past U+00FF: the archive gave its charset (an LHA code page header),
 * libarchive decoded the name, and it is not bytes.
 */
static const char *
byte_name(struct archive_entry *ae, char *buf, size_t cap, bool *decoded)
{
	const wchar_t *w = archive_entry_pathname_w(ae);
	size_t n = 0;

	*decoded = false;
	if (w == NULL)
		return NULL;
	for (; *w != L'\0'; w++) {
		if ((uint32_t)*w > 0xff) {
			*decoded = true;
			return NULL;
		}
		if (n + 1 >= cap)
			return NULL;
		buf[n++] = (char)(uint8_t)*w;
	}
	buf[n] = '\0';
	return buf;
}

/* Fill e with member number i (from 1) of the current header; r->wname
 * holds a name converted here. */
static void
describe(struct run *r, struct archive_entry *ae, size_t i, struct lf_entry *e)
{
	const char *raw = NULL, *utf8 = NULL;
	bool decoded = true;

	if (r->names_as_bytes)
		raw = byte_name(ae, r->wname, sizeof(r->wname), &decoded);
	if (decoded) {
		raw = archive_entry_pathname(ae);
		utf8 = archive_entry_pathname_utf8(ae);
		if (raw == NULL && utf8 == NULL)
			utf8 = wide_name(ae, r->wname, sizeof(r->wname));
	}

	memset(e, 0, sizeof(*e));
	/* A name libarchive cannot give in the locale's charset (UTF-16 in
	 * 7z, say) it may still give in UTF-8. */
	if (raw == NULL)
		raw = utf8;
	e->kind = LF_ENTRY_FILE;
	(void)snprintf(e->path, sizeof(e->path), "%zu", i);
	e->role = "member";
	if (raw != NULL) {
		e->name_raw = (const uint8_t *)raw;
		e->name_raw_len = strlen(raw);
	}
	if (utf8 == NULL && raw != NULL &&
	    lf_utf8_valid((const uint8_t *)raw, strlen(raw)))
		utf8 = raw;
	if (utf8 != NULL) {
		e->name = utf8;
		e->name_len = strlen(utf8);
	}
	e->declared_size = archive_entry_size_is_set(ae) ?
	    (uint64_t)archive_entry_size(ae) :
	    UINT64_MAX;
}

/*
 * Read the current member's data to the end, to events when report is
 * set (else only to check it reads).  Returns LF_OK and *ok whether it
 * read without error, or an event's stop value.
 */
static int
read_data(struct run *r, struct archive *a, const struct lf_entry *e,
    bool report, bool *ok)
{
	la_ssize_t n;
	int rc;

	*ok = false;
	for (;;) {
		n = archive_read_data(a, r->data, sizeof(r->data));
		if (n == 0)
			break;
		if (n < 0) {
			const char *why = archive_error_string(a);
			if (report)
				anomaly(r, e, "archive.bad-data", LF_SEV_MEDIUM,
				    why);
			if (why != NULL && strstr(why, "not supported") != NULL)
				r->unsupported = true;
			if (n <= ARCHIVE_FATAL)
				r->broken = true;
			return LF_OK;
		}
		if (report && r->ev->data != NULL &&
		    (rc = r->ev->data(r->arg, e, r->data, (size_t)n)) != 0)
			return rc;
	}
	*ok = true;
	return LF_OK;
}

static bool
has_data(struct archive_entry *ae)
{
	return archive_entry_filetype(ae) == AE_IFREG ||
	    archive_entry_filetype(ae) == 0;
}

/*
 * What zip record k declares of a member not opened, and its raw name
 * when libarchive gives none (one it cannot convert to the locale's
 * charset), borrowed until the next call on the directory.
 */
static void
declare(struct run *r, struct lf_entry *e, size_t k)
{
	const struct lf_zipdir_entry *z = lf_zipdir_entry(r->zipdir, k);
	const uint8_t *name;
	size_t n;

	if (e->name_raw == NULL &&
	    lf_zipdir_name(r->zipdir, k, &name, &n, NULL) == LF_OK) {
		e->name_raw = name;
		e->name_raw_len = n;
		if (lf_utf8_valid(name, n)) {
			e->name = (const char *)name;
			e->name_len = n;
		}
	}
	if (z->crc == LF_ZIPDIR_CRC_STORED) {
		e->crc = LF_ENTRY_CRC_DECLARED;
		e->crc32 = z->crc32;
	} else if (z->crc == LF_ZIPDIR_CRC_NOT_STORED) {
		e->crc = LF_ENTRY_CRC_NOT_STORED;
	}
	if (z->compressed_size != UINT64_MAX) {
		e->has_compressed_size = true;
		e->compressed_size = z->compressed_size;
	}
	if (e->declared_size == UINT64_MAX && z->uncompressed_size <= INT64_MAX)
		e->declared_size = z->uncompressed_size;
}

/* What 7z file k declares of a member not opened. */
static void
declare_7z(struct run *r, struct lf_entry *e, size_t k)
{
	const struct lf_7zdir_entry *f = lf_7zdir_entry(r->sevenzip, k);

	if (e->name_raw == NULL && f->name != NULL) {
		e->name_raw = (const uint8_t *)f->name;
		e->name_raw_len = f->name_len;
		e->name = f->name;
		e->name_len = f->name_len;
	}
	if (f->has_crc) {
		e->crc = LF_ENTRY_CRC_DECLARED;
		e->crc32 = f->crc32;
	}
	/* A block of several files (solid) gives none of them a size. */
	if (f->block_files == 1 && f->block_packed_size != UINT64_MAX) {
		e->has_compressed_size = true;
		e->compressed_size = f->block_packed_size;
	}
	if (e->declared_size == UINT64_MAX && f->size <= INT64_MAX)
		e->declared_size = f->size;
}

/* What RAR file header k declares of a member not opened. */
static void
declare_rar(struct run *r, struct lf_entry *e, size_t k)
{
	const struct lf_rardir_entry *f = lf_rardir_entry(r->rardir, k);

	if (e->name_raw == NULL && f->name != NULL) {
		e->name_raw = (const uint8_t *)f->name;
		e->name_raw_len = f->name_len;
		e->name = f->name;
		e->name_len = f->name_len;
	}
	if (f->has_crc) {
		e->crc = LF_ENTRY_CRC_DECLARED;
		e->crc32 = f->crc32;
	}
	e->has_compressed_size = true;
	e->compressed_size = f->packed_size;
	if (e->declared_size == UINT64_MAX && f->size <= INT64_MAX)
		e->declared_size = f->size;
}

/*
 * Report one member: begin, its data or why none, its password, end.
 * zk is its zip record, 7z file or RAR file header, for a member not
 * opened (LF_ZIPDIR_NONE: none).
 */
static int
report_member(struct run *r, struct archive *a, struct archive_entry *ae,
    size_t i, const char *password, size_t zk)
{
	struct lf_entry e;
	bool ok;
	int rc;

	describe(r, ae, i, &e);
	/* Directories and links have no bytes: no object either. */
	e.no_data = a == NULL || !has_data(ae);
	if (e.no_data && zk != LF_ZIPDIR_NONE && r->zipdir != NULL)
		declare(r, &e, zk);
	else if (e.no_data && zk != LF_7ZDIR_NONE && r->sevenzip != NULL)
		declare_7z(r, &e, zk);
	else if (e.no_data && zk != LF_RARDIR_NONE && r->rardir != NULL)
		declare_rar(r, &e, zk);
	if (r->ev->begin != NULL && (rc = r->ev->begin(r->arg, &e)) != 0)
		return rc;
	if (a == NULL && zk == LF_ZIPDIR_NONE && r->zipdir != NULL &&
	    !lf_zipdir_info(r->zipdir)->limited)
		anomaly(r, &e, "zip.not-in-directory", LF_SEV_MEDIUM,
		    "no central directory record names this member: its "
		    "local header and the directory disagree");
	if (password != NULL && r->ev->property != NULL &&
	    (rc = r->ev->property(r->arg, &e, "password", password,
	         strlen(password))) != 0)
		return rc;
	if (a != NULL && has_data(ae) &&
	    (rc = read_data(r, a, &e, true, &ok)) != 0)
		return rc;
	if (a == NULL)
		anomaly(r, &e, "archive.encrypted", LF_SEV_MEDIUM,
		    r->unsupported ?
		        "encrypted in a way libarchive cannot decrypt "
		        "(7-Zip AES, RAR): kept, not opened" :
		        "encrypted, and no candidate password opens it");
	if (r->ev->end != NULL && (rc = r->ev->end(r->arg, &e)) != 0)
		return rc;
	return LF_OK;
}

static int
report_format(struct run *r, struct archive *a)
{
	const char *name = archive_format_name(a);
	int rc = 0;

	if (r->format_reported || name == NULL || r->ev->property == NULL)
		return LF_OK;
	r->format_reported = true;
	if ((rc = r->ev->property(r->arg, NULL, "format", name,
	         strlen(name))) != 0)
		return rc;
	return LF_OK;
}

/* The first pass meets member i (from 1): room to note it. */
static int
note_member(struct run *r, size_t i)
{
	size_t ncap;
	bool *w;
	const char **o;

	if (i > r->cap) {
		ncap = r->cap > 0 ? r->cap * 2 : 64;
		if (ncap > r->max_members)
			ncap = r->max_members;
		if ((w = realloc(r->waiting, ncap * sizeof(*w))) == NULL)
			return lf_error_set(r->err, LF_E_NOMEM, "archive");
		r->waiting = w;
		if ((o = realloc(r->opened_by, ncap * sizeof(*o))) == NULL)
			return lf_error_set(r->err, LF_E_NOMEM, "archive");
		r->opened_by = o;
		memset(w + r->cap, 0, (ncap - r->cap) * sizeof(*w));
		memset(o + r->cap, 0, (ncap - r->cap) * sizeof(*o));
		r->cap = ncap;
	}
	r->nmembers = i;
	return LF_OK;
}

enum pass { FIRST, TRY, REPORT };

static int encrypted_header(struct run *r, struct archive *a);
static int rar_headers(struct run *r, struct archive *a);
static bool rar_encrypted(struct run *r, struct archive_entry *ae, size_t i);

/*
 * One pass over the archive.  FIRST reports the members that need no
 * password and notes the others as waiting; TRY reads the waiting ones
 * with password and notes those it opens; REPORT reports the members
 * that password opened.
 */
static int
one_pass(struct run *r, enum pass pass, const char *password)
{
	struct archive *a;
	struct archive_entry *ae;
	struct lf_entry e;
	size_t i = 0;
	bool ok;
	int rc, h;

	if ((rc = open_archive(r, password, &a)) != LF_OK)
		return rc;
	for (;;) {
		/*
		 * After ARCHIVE_FATAL libarchive allows archive_read_free
		 * only: the next header would skip the rest of the member
		 * on state the error left half set (the cab reader then
		 * checksums a block it never kept, through NULL).
		 */
		if (r->broken) {
			if (pass == FIRST)
				anomaly(r, NULL, "archive.damaged",
				    LF_SEV_MEDIUM,
				    "no member can be read past one whose data "
				    "is damaged");
			break;
		}
		h = archive_read_next_header(a, &ae);
		if (h == ARCHIVE_EOF)
			break;
		if (h == ARCHIVE_FATAL && pass == FIRST && !r->names_as_bytes &&
		    archive_format(a) == ARCHIVE_FORMAT_LHA) {
			r->names_as_bytes = r->again = true;
			break;
		}
		if (h == ARCHIVE_FATAL && pass == FIRST && i == 0 &&
		    (rc = encrypted_header(r, a)) != LF_OK)
			break;
		if (h == ARCHIVE_FATAL) {
			if (pass == FIRST &&
			    !(r->sevenzip != NULL &&
			        lf_7zdir_info(r->sevenzip)->header_encrypted) &&
			    !(r->rardir != NULL &&
			        lf_rardir_info(r->rardir)->header_encrypted))
				anomaly(r, NULL, "archive.damaged",
				    LF_SEV_MEDIUM, archive_error_string(a));
			break;
		}
		/* The raw reader takes anything: only a compressed file that
		 * is no archive is one of ours. */
		if (pass == FIRST && i == 0 &&
		    archive_format(a) == ARCHIVE_FORMAT_RAW &&
		    archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
			rc = lf_error_set(r->err, LF_E_FORMAT,
			    "archive: not an archive");
			break;
		}
		if (pass == FIRST && (rc = report_format(r, a)) != LF_OK)
			break;
		if (i == r->max_members) {
			if (pass == FIRST) {
				anomaly(r, NULL, "container.too-many-entries",
				    LF_SEV_MEDIUM,
				    "past limit container-entries");
				r->too_many = true;
			}
			break;
		}
		i++;
		if (pass == FIRST && (rc = note_member(r, i)) != LF_OK)
			break;
		if (pass == FIRST && i <= r->done)
			continue; /* dealt with before the pass started again */
		if (pass != FIRST && i > r->nmembers)
			break; /* the first pass saw no more */
		if (pass == FIRST) {
			if (h == ARCHIVE_WARN)
				anomaly(r, NULL, "archive.warning", LF_SEV_LOW,
				    archive_error_string(a));
			r->done = i;
			if ((rc = rar_headers(r, a)) != LF_OK)
				break;
			if (has_data(ae) &&
			    (archive_entry_is_encrypted(ae) ||
			        rar_encrypted(r, ae, i))) {
				r->waiting[i - 1] = true;
				continue;
			}
			if ((rc = report_member(r, a, ae, i, NULL,
			         LF_ZIPDIR_NONE)) != LF_OK)
				break;
		} else if (pass == TRY && r->waiting[i - 1]) {
			describe(r, ae, i, &e);
			if ((rc = read_data(r, a, &e, false, &ok)) != LF_OK)
				break;
			if (ok) {
				r->waiting[i - 1] = false;
				r->opened_by[i - 1] = password;
			}
		} else if (pass == REPORT && r->opened_by[i - 1] == password) {
			if ((rc = report_member(r, a, ae, i, password,
			         LF_ZIPDIR_NONE)) != LF_OK)
				break;
		}
	}
	archive_read_free(a);
	return rc;
}

static void
dir_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct run *r = arg;

	/* libarchive's walk met the same limit first. */
	if (r->too_many && strcmp(a->code, "container.too-many-entries") == 0)
		return;
	if (r->ev->anomaly != NULL)
		r->ev->anomaly(r->arg, NULL, a);
}

/* Read the central directory of the zip a is reading, once. */
static int
zip_directory(struct run *r, struct archive *a)
{
	struct lf_error zerr;
	struct lf_anomaly an;
	int rc;

	if (r->zipdir_tried ||
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
	        ARCHIVE_FORMAT_ZIP)
		return LF_OK;
	r->zipdir_tried = true;
	rc = lf_zipdir_open(r->src, r->lim, dir_anomaly, r, &r->zipdir, &zerr);
	if (rc == LF_E_NOMEM)
		return lf_error_set(r->err, LF_E_NOMEM, "archive: %s",
		    zerr.msg);
	if (rc != LF_OK && r->ev->anomaly != NULL) {
		an.code = "zip.directory-missing";
		an.severity = LF_SEV_MEDIUM;
		an.offset = r->src->size > LF_ZIPDIR_TAIL ?
		    r->src->size - LF_ZIPDIR_TAIL :
		    0;
		an.detail = zerr.msg;
		r->ev->anomaly(r->arg, NULL, &an);
	}
	return LF_OK;
}

/* Read the header of the 7z a is reading, once. */
static int
sevenzip_header(struct run *r, struct archive *a)
{
	struct lf_error zerr;
	int rc;

	if (r->sevenzip_tried ||
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
	        ARCHIVE_FORMAT_7ZIP)
		return LF_OK;
	r->sevenzip_tried = true;
	rc = lf_7zdir_open(r->src, r->lim, dir_anomaly, r, &r->sevenzip, &zerr);
	if (rc == LF_E_NOMEM || rc == LF_E_IO)
		return lf_error_set(r->err, rc, "archive: %s", zerr.msg);
	return LF_OK; /* LF_E_FORMAT: not at the start (a self-extractor) */
}

/* Read the headers of the RAR a is reading, once. */
static int
rar_headers(struct run *r, struct archive *a)
{
	struct lf_error zerr;
	int rc, f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;

	if (r->rardir_tried ||
	    (f != ARCHIVE_FORMAT_RAR && f != ARCHIVE_FORMAT_RAR_V5))
		return LF_OK;
	r->rardir_tried = r->is_rar = true;
	r->unsupported = true;
	rc = lf_rardir_open(r->src, r->lim, dir_anomaly, r, &r->rardir, &zerr);
	if (rc == LF_E_NOMEM || rc == LF_E_IO)
		return lf_error_set(r->err, rc, "archive: %s", zerr.msg);
	return LF_OK; /* LF_E_FORMAT: not at the start (a self-extractor) */
}

/*
 * Whether RAR member i is encrypted by its file header; when the header
 * cannot be told (its name is not the member's), whether the archive
 * has encrypted members at all, to be safe.
 */
static bool
rar_encrypted(struct run *r, struct archive_entry *ae, size_t i)
{
	const struct lf_rardir_info *in;
	struct lf_entry e;
	size_t k;

	if (r->rardir == NULL)
		return false;
	in = lf_rardir_info(r->rardir);
	describe(r, ae, i, &e);
	k = e.name == NULL ? LF_RARDIR_NONE :
	                     lf_rardir_match(r->rardir, i - 1,
	                         (const uint8_t *)e.name, e.name_len);
	if (k == LF_RARDIR_NONE)
		return in->any_encrypted;
	return lf_rardir_entry(r->rardir, k)->encrypted;
}

/*
 * A 7z or RAR libarchive cannot list: its headers may be encrypted,
 * which its header reader says (and then its format is known).
 */
static int
encrypted_header(struct run *r, struct archive *a)
{
	int rc;

	if ((rc = sevenzip_header(r, a)) != LF_OK ||
	    (rc = rar_headers(r, a)) != LF_OK)
		return rc;
	if ((r->sevenzip != NULL &&
	        lf_7zdir_info(r->sevenzip)->header_encrypted) ||
	    (r->rardir != NULL && lf_rardir_info(r->rardir)->header_encrypted))
		return report_format(r, a);
	return LF_OK;
}

/* The RAR file header of the current member, number i. */
static size_t
rar_record(struct run *r, struct archive_entry *ae, size_t i)
{
	struct lf_entry e;

	describe(r, ae, i, &e);
	return e.name == NULL ? LF_RARDIR_NONE :
	                        lf_rardir_match(r->rardir, i - 1,
	                            (const uint8_t *)e.name, e.name_len);
}

/*
 * The 7z file of the current member, number i: the next in header order
 * when its name is the next's, else the first left of its name, else
 * (no name) the next left.
 */
static size_t
sevenzip_record(struct run *r, struct archive_entry *ae, size_t i)
{
	struct lf_entry e;
	size_t n;

	describe(r, ae, i, &e);
	if (e.name == NULL)
		return lf_7zdir_match_next(r->sevenzip);
	/* libarchive ends a directory's name with a slash, 7z does not. */
	n = e.name_len;
	if (n > 1 && e.name[n - 1] == '/')
		n--;
	return lf_7zdir_match(r->sevenzip, (const uint8_t *)e.name, n);
}

/*
 * The zip record of the current member, number i: every member of the
 * pass is matched, in order, so that members of the same name get their
 * records in turn, and one libarchive gives no name for gets the next
 * record left in local header order.  LF_ZIPDIR_NONE when there is
 * none.  A directory that can no longer be read is dropped, with an
 * anomaly.
 */
static size_t
zip_record(struct run *r, struct archive_entry *ae, size_t i)
{
	struct lf_error zerr;
	struct lf_entry e;
	size_t k;

	describe(r, ae, i, &e);
	if (e.name_raw == NULL)
		return lf_zipdir_match_next(r->zipdir);
	if (lf_zipdir_match(r->zipdir, e.name_raw, e.name_raw_len, &k, &zerr) !=
	    LF_OK) {
		anomaly(r, NULL, "zip.directory-missing", LF_SEV_MEDIUM,
		    zerr.msg);
		lf_zipdir_free(r->zipdir);
		r->zipdir = NULL;
		return LF_ZIPDIR_NONE;
	}
	return k;
}

/*
 * Report the members no password opened, from one more pass.  A header
 * libarchive warns about (a name it cannot convert) is a member, as in
 * the first pass: only the end or a fatal error stops the pass.
 */
static int
report_unopened(struct run *r)
{
	struct archive *a;
	struct archive_entry *ae;
	size_t i = 0, zk;
	int rc, h;

	if ((rc = open_archive(r, NULL, &a)) != LF_OK)
		return rc;
	while (i < r->nmembers &&
	    (h = archive_read_next_header(a, &ae)) != ARCHIVE_EOF &&
	    h != ARCHIVE_FATAL) {
		if ((rc = zip_directory(r, a)) != LF_OK ||
		    (rc = sevenzip_header(r, a)) != LF_OK)
			break;
		zk = r->zipdir != NULL  ? zip_record(r, ae, i + 1) :
		    r->sevenzip != NULL ? sevenzip_record(r, ae, i + 1) :
		    r->rardir != NULL   ? rar_record(r, ae, i + 1) :
		                          LF_ZIPDIR_NONE;
		if (r->waiting[i++] &&
		    (rc = report_member(r, NULL, ae, i, NULL, zk)) != LF_OK)
			break;
	}
	archive_read_free(a);
	return rc;
}

int
lf_archive_read(const struct lf_source *src, const struct lf_limits *l,
    lf_archive_passwords_fn pwfn, void *pw_arg,
    const struct lf_container_events *ev, void *arg, struct lf_error *err)
{
	const char *const *passwords = NULL;
	size_t npasswords = 0, i, k;
	struct run *r;
	bool any;
	int rc;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "archive");
	r->src = src;
	r->lim = l;
	r->ev = ev;
	r->arg = arg;
	r->err = err;
	r->max_members = l->container_entries < SIZE_MAX / sizeof(char *) ?
	    (size_t)l->container_entries :
	    SIZE_MAX / sizeof(char *);
	/* Twice at most: only LHA names read as bytes start it again. */
	while ((rc = one_pass(r, FIRST, NULL)) == LF_OK && r->again)
		r->again = false;
	if (rc != LF_OK)
		goto out;
	for (any = false, i = 0; i < r->nmembers && !any; i++)
		any = r->waiting[i];
	/* libarchive decrypts no RAR: a password would "open" its members
	 * to their encrypted bytes. */
	if (any && pwfn != NULL && !r->is_rar)
		passwords = pwfn(pw_arg, &npasswords);
	for (k = 0; passwords != NULL && k < npasswords; k++) {
		for (any = false, i = 0; i < r->nmembers && !any; i++)
			any = r->waiting[i];
		if (!any)
			break;
		if ((rc = one_pass(r, TRY, passwords[k])) != LF_OK)
			goto out;
		for (any = false, i = 0; i < r->nmembers && !any; i++)
			any = r->opened_by[i] == passwords[k];
		if (any && (rc = one_pass(r, REPORT, passwords[k])) != LF_OK)
			goto out;
	}
	for (any = false, i = 0; i < r->nmembers && !any; i++)
		any = r->waiting[i];
	if (any)
		rc = report_unopened(r);
out:
	lf_zipdir_free(r->zipdir);
	lf_7zdir_free(r->sevenzip);
	lf_rardir_free(r->rardir);
	free(r->waiting);
	free(r->opened_by);
	free(r);
	return rc;
}
