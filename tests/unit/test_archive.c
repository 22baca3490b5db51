/*
 * Unit tests: lf_archive_read on archives written here by libarchive's
 * writer (pax tar, zip deflated, zip with ZipCrypto): members in order
 * with their names and bytes, directories without objects, passwords
 * tried in order and the one that opened each member named, members
 * no password opens described with the CRC-32 and size their zip
 * records declare, the entry limit, a stop from an event, and every
 * truncation of a zip read without harm.  LHA archives written here:
 * names that are not in the locale's charset come out as the archive's bytes, with the members
 * after them.  A cab whose data libarchive fails for good: reading stops
 * there (it used to crash in libarchive's cab reader).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "lf/archive.h"

struct member {
	char path[LF_ENTRY_PATH_MAX], name[128], password[64];
	uint8_t name_raw[128];
	size_t name_raw_len;
	size_t size;
	uint8_t data[256];
	bool no_data;
	int ended;
	enum lf_entry_crc crc;
	uint32_t crc32;
	uint64_t csize; /* UINT64_MAX: none */
};

struct rec {
	struct member m[16];
	size_t n;
	char format[128];
	char codes[512];
	int stop_at_data; /* return this from the first data event */
	int asked;        /* times the passwords were asked for */
};

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;
	struct member *m;

	assert_true(r->n < 16);
	m = &r->m[r->n++];
	memset(m, 0, sizeof(*m));
	(void)snprintf(m->path, sizeof(m->path), "%s", e->path);
	if (e->name != NULL)
		(void)snprintf(m->name, sizeof(m->name), "%.*s",
		    (int)e->name_len, e->name);
	m->no_data = e->no_data;
	m->name_raw_len = e->name_raw_len;
	if (e->name_raw != NULL && e->name_raw_len <= sizeof(m->name_raw))
		memcpy(m->name_raw, e->name_raw, e->name_raw_len);
	m->crc = e->crc;
	m->crc32 = e->crc32;
	m->csize = e->has_compressed_size ? e->compressed_size : UINT64_MAX;
	assert_string_equal(e->role, "member");
	assert_int_equal(e->kind, LF_ENTRY_FILE);
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct rec *r = arg;
	struct member *m = &r->m[r->n - 1];

	assert_string_equal(e->path, m->path);
	assert_false(m->no_data);
	if (r->stop_at_data != 0)
		return r->stop_at_data;
	if (m->size + n <= sizeof(m->data))
		memcpy(m->data + m->size, p, n);
	m->size += n;
	return 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;

	assert_string_equal(e->path, r->m[r->n - 1].path);
	r->m[r->n - 1].ended++;
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct rec *r = arg;

	if (e == NULL && strcmp(name, "format") == 0)
		(void)snprintf(r->format, sizeof(r->format), "%.*s", (int)n,
		    value);
	else if (e != NULL && strcmp(name, "password") == 0)
		(void)snprintf(r->m[r->n - 1].password,
		    sizeof(r->m[0].password), "%.*s", (int)n, value);
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	struct rec *r = arg;
	size_t len = strlen(r->codes);

	(void)e;
	(void)snprintf(r->codes + len, sizeof(r->codes) - len, "%s%s",
	    len > 0 ? " " : "", a->code);
}

static const struct lf_container_events events = {on_begin, on_data, on_end,
    on_property, on_anomaly};

/* An archive in memory: format/filter/options, then the members. */
static uint8_t *
make(int format, const char *options, const char *password, size_t *n)
{
	static const struct {
		const char *path;
		const char *data; /* NULL: a directory */
	} members[] = {{"a.txt", "hello\n"}, {"docs", NULL},
	    {"docs/b.bin", "MZ\x90 binary"}};
	size_t cap = 1 << 20, used = 0, i;
	uint8_t *buf = malloc(cap);
	struct archive *a = archive_write_new();
	struct archive_entry *e;

	assert_non_null(buf);
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	if (options != NULL)
		assert_int_equal(archive_write_set_options(a, options),
		    ARCHIVE_OK);
	if (password != NULL)
		assert_int_equal(archive_write_set_passphrase(a, password),
		    ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used),
	    ARCHIVE_OK);
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, members[i].path);
		archive_entry_set_mtime(e, 1000000000, 0);
		if (members[i].data == NULL) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e,
			    (la_int64_t)strlen(members[i].data));
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (members[i].data != NULL)
			assert_int_equal(archive_write_data(a, members[i].data,
			                     strlen(members[i].data)),
			    (la_ssize_t)strlen(members[i].data));
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*n = used;
	return buf;
}

struct pwlist {
	const char *const *pw;
	size_t n;
	int asked;
};

static const char *const *
give(void *arg, size_t *n)
{
	struct pwlist *l = arg;

	l->asked++;
	*n = l->n;
	return l->pw;
}

static int
read_it(const uint8_t *p, size_t n, const char *const *pw, size_t npw,
    uint64_t max_entries, struct rec *r)
{
	struct pwlist list = {pw, npw, 0};
	struct lf_source src;
	struct lf_limits l;
	int rc;

	lf_limits_default(&l);
	l.container_entries = max_entries;
	lf_source_memory(&src, p, n);
	rc = lf_archive_read(&src, &l, give, &list, &events, r, NULL);
	/* Passwords are asked for only when a member is encrypted. */
	r->asked = list.asked;
	return rc;
}

static void
check_members(const struct rec *r, const char *password)
{
	assert_int_equal(r->n, 3);
	assert_string_equal(r->m[0].path, "1");
	assert_string_equal(r->m[0].name, "a.txt");
	assert_int_equal(r->m[0].size, 6);
	assert_memory_equal(r->m[0].data, "hello\n", 6);
	assert_string_equal(r->m[1].name, "docs/");
	assert_true(r->m[1].no_data);
	assert_string_equal(r->m[2].name, "docs/b.bin");
	assert_memory_equal(r->m[2].data, "MZ\x90 binary", 10);
	assert_string_equal(r->m[0].password, password);
	assert_string_equal(r->m[2].password, password);
	for (size_t i = 0; i < r->n; i++)
		assert_int_equal(r->m[i].ended, 1);
}

static void
tar_and_zip(void **state)
{
	struct rec r;
	uint8_t *p;
	size_t n;

	(void)state;
	memset(&r, 0, sizeof(r));
	p = make(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, NULL, NULL, &n);
	assert_int_equal(read_it(p, n, NULL, 0, 100, &r), LF_OK);
	check_members(&r, "");
	assert_non_null(strstr(r.format, "tar"));
	free(p);

	memset(&r, 0, sizeof(r));
	p = make(ARCHIVE_FORMAT_ZIP, "zip:compression=deflate", NULL, &n);
	assert_int_equal(read_it(p, n, NULL, 0, 100, &r), LF_OK);
	check_members(&r, "");
	assert_string_equal(r.codes, "");
	assert_int_equal(r.asked, 0);
	free(p);
}

static void
passwords(void **state)
{
	static const char *const wrong[] = {"a", "b", "c"};
	static const char *const some[] = {"nope", "Zebra#42", "later"};
	struct rec r;
	uint8_t *p;
	size_t n;

	(void)state;
	p = make(ARCHIVE_FORMAT_ZIP, "zip:encryption=zipcrypt", "Zebra#42", &n);
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, some, 3, 100, &r), LF_OK);
	/* Members that need no password come first, then those opened. */
	assert_int_equal(r.n, 3);
	assert_string_equal(r.m[0].name, "docs/");
	assert_string_equal(r.m[1].name, "a.txt");
	assert_string_equal(r.m[1].password, "Zebra#42");
	assert_memory_equal(r.m[1].data, "hello\n", 6);
	assert_string_equal(r.m[2].password, "Zebra#42");
	assert_string_equal(r.codes, "");
	assert_int_equal(r.asked, 1);
	/* None fits: described, no data, an anomaly each; the CRC-32 of
	 * the content (zipinfo's for the same bytes) from the directory. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, wrong, 3, 100, &r), LF_OK);
	assert_int_equal(r.n, 3);
	assert_true(r.m[1].no_data && r.m[2].no_data);
	assert_string_equal(r.codes, "archive.encrypted archive.encrypted");
	assert_int_equal(r.m[0].crc, LF_ENTRY_CRC_NONE);
	assert_int_equal(r.m[0].csize, UINT64_MAX);
	assert_string_equal(r.m[1].name, "a.txt");
	assert_int_equal(r.m[1].crc, LF_ENTRY_CRC_DECLARED);
	assert_int_equal(r.m[1].crc32, 0x363a3020);
	assert_string_equal(r.m[2].name, "docs/b.bin");
	assert_int_equal(r.m[2].crc, LF_ENTRY_CRC_DECLARED);
	assert_int_equal(r.m[2].crc32, 0xf8adea45);
	/* The 12 bytes of the ZipCrypto header, and the data. */
	assert_true(r.m[1].csize > 12 && r.m[1].csize < 40);
	assert_true(r.m[2].csize > 12 && r.m[2].csize < 40);
	free(p);
}

/* Offsets of the central directory records of a zip made by make(). */
static size_t
record_of(const uint8_t *p, size_t n, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i + 46 + len <= n; i++)
		if (memcmp(p + i, "PK\1\2", 4) == 0 &&
		    memcmp(p + i + 46, name, len) == 0)
			return i;
	fail_msg("no record for %s", name);
	return 0;
}

static void
unopened_zip_records(void **state)
{
	static const char *const wrong[] = {"a"};
	struct rec r;
	uint8_t *p;
	size_t n, k;

	(void)state;
	/* WinZip AES: small members are AE-2, which stores no CRC-32. */
	p = make(ARCHIVE_FORMAT_ZIP, "zip:encryption=aes256", "Zebra#42", &n);
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, wrong, 1, 100, &r), LF_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.m[1].name, "a.txt");
	assert_true(r.m[1].no_data);
	assert_int_equal(r.m[1].crc, LF_ENTRY_CRC_NOT_STORED);
	assert_int_equal(r.m[2].crc, LF_ENTRY_CRC_NOT_STORED);
	/* Salt (16), verifier (2), data, authentication code (10). */
	assert_true(r.m[1].csize >= 28 + 6 && r.m[1].csize < 60);
	free(p);

	/* The directory names a.txt otherwise than its local header: no
	 * record, and an anomaly that says so. */
	p = make(ARCHIVE_FORMAT_ZIP, "zip:encryption=zipcrypt", "Zebra#42", &n);
	k = record_of(p, n, "a.txt");
	p[k + 46] = 'z';
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, wrong, 1, 100, &r), LF_OK);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.m[1].name, "a.txt");
	assert_int_equal(r.m[1].crc, LF_ENTRY_CRC_NONE);
	assert_int_equal(r.m[1].csize, UINT64_MAX);
	assert_int_equal(r.m[2].crc, LF_ENTRY_CRC_DECLARED);
	assert_string_equal(r.codes,
	    "zip.not-in-directory archive.encrypted archive.encrypted");
	/* The directory wiped out: libarchive reads the local headers, and
	 * the members are described without a CRC-32. */
	k = record_of(p, n, "docs/b.bin");
	memset(p + k, 0, n - k);
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, wrong, 1, 100, &r), LF_OK);
	assert_true(r.n >= 2);
	assert_string_equal(r.m[1].name, "a.txt");
	assert_true(r.m[1].no_data);
	assert_int_equal(r.m[1].crc, LF_ENTRY_CRC_NONE);
	assert_non_null(strstr(r.codes, "zip.directory-missing"));
	assert_null(strstr(r.codes, "zip.not-in-directory"));
	free(p);
}

/*
 * A name libarchive cannot convert to the locale's charset (not UTF-8,
 * though flagged so) makes it warn: the members after it, none opened,
 * are reported all the same.
 */
static void
unopened_after_warning(void **state)
{
	static const char *const names[] = {"one.txt", "caf\xc3\xa9.txt",
	    "three.txt"};
	static const char *const wrong[] = {"a"};
	size_t cap = 1 << 16, used, i;
	struct archive_entry *ae;
	struct archive *a;
	struct rec r;
	uint8_t *p;

	(void)state;
	/* The tools read names in C.UTF-8 (as main sets it); written so,
	 * the names are flagged UTF-8. */
	assert_non_null(p = malloc(cap));
	assert_non_null(a = archive_write_new());
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_options(a,
	                     "zip:encryption=zipcrypt"),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_set_passphrase(a, "Zebra#42"),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, p, cap, &used),
	    ARCHIVE_OK);
	for (i = 0; i < 3; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname_utf8(ae, names[i]);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, 6);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, "hello\n", 6), 6);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	for (i = 0; i + 1 < used; i++)
		if (p[i] == 0xc3 && p[i + 1] == 0xa9) {
			p[i] = 0xff;
			p[i + 1] = 0xfe;
		}
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, used, wrong, 1, 100, &r), LF_OK);
	assert_non_null(strstr(r.codes, "archive.warning"));
	assert_int_equal(r.n, 3);
	assert_string_equal(r.m[0].name, "one.txt");
	/* libarchive lost the name: it is the directory's, raw. */
	assert_int_equal(r.m[1].name_raw_len, 9);
	assert_memory_equal(r.m[1].name_raw, "caf\xff\xfe.txt", 9);
	assert_string_equal(r.m[2].name, "three.txt");
	for (i = 0; i < 3; i++) {
		assert_true(r.m[i].no_data);
		assert_int_equal(r.m[i].ended, 1);
		assert_int_equal(r.m[i].crc, LF_ENTRY_CRC_DECLARED);
		assert_int_equal(r.m[i].crc32, 0x363a3020);
	}
	free(p);
}

static void
limits_and_stops(void **state)
{
	struct rec r;
	uint8_t *p, *cut;
	size_t n, k;
	int rc;

	(void)state;
	p = make(ARCHIVE_FORMAT_ZIP, NULL, NULL, &n);
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, NULL, 0, 2, &r), LF_OK);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.codes, "container.too-many-entries");
	memset(&r, 0, sizeof(r));
	r.stop_at_data = 77;
	assert_int_equal(read_it(p, n, NULL, 0, 100, &r), 77);
	/* Every prefix: no crash, members only as far as they go. */
	for (k = 0; k < n; k++) {
		assert_non_null(cut = malloc(k + 1));
		memcpy(cut, p, k);
		memset(&r, 0, sizeof(r));
		rc = read_it(cut, k, NULL, 0, 100, &r);
		assert_true(rc == LF_OK || rc == LF_E_FORMAT);
		assert_true(r.n <= 3);
		free(cut);
	}
	/* Not an archive at all. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it((const uint8_t *)"plain text", 10, NULL, 0,
	                     100, &r),
	    LF_E_FORMAT);
	free(p);
}

/* The LHA CRC-16: reflected 0x8005, from 0. */
static uint16_t
crc16(const uint8_t *p, size_t n)
{
	uint16_t c = 0;

	while (n-- > 0) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c & 1) != 0 ? (uint16_t)(c >> 1 ^ 0xa001) :
			                   (uint16_t)(c >> 1);
	}
	return c;
}

/* Append to p an LHA level 0 header for a stored member, and its bytes. */
static size_t
lha_member(uint8_t *p, const char *name, const char *data)
{
	size_t nl = strlen(name), dl = strlen(data), i;
	uint16_t crc = crc16((const uint8_t *)data, dl);
	uint8_t sum = 0;

	p[0] = (uint8_t)(22 + nl);
	memcpy(p + 2, "-lh0-", 5);
	for (i = 0; i < 4; i++) {
		p[7 + i] = (uint8_t)(dl >> (8 * i));
		p[11 + i] = (uint8_t)(dl >> (8 * i));
	}
	memcpy(p + 15, "\x00\x60\x2e\x5a", 4); /* 2025-01-14 12:00 */
	p[19] = 0x20;
	p[20] = 0;
	p[21] = (uint8_t)nl;
	memcpy(p + 22, name, nl);
	p[22 + nl] = (uint8_t)crc;
	p[23 + nl] = (uint8_t)(crc >> 8);
	for (i = 2; i < 24 + nl; i++)
		sum = (uint8_t)(sum + p[i]);
	p[1] = sum;
	memcpy(p + 24 + nl, data, dl);
	return 24 + nl + dl;
}

static void
lha_names(void **state)
{
	uint8_t p[512], *cut;
	size_t n = 0, k;
	struct rec r;
	int rc;

	(void)state;
	/* Latin-1, then Shift-JIS ("shiryou" in kanji), then ASCII. */
	n += lha_member(p + n, "caf\xe9.txt", "latin-1\n");
	n += lha_member(p + n, "\x8e\x91\x97\xbf\\a.txt", "sjis\n");
	n += lha_member(p + n, "d.txt", "ascii\n");
	p[n++] = 0;
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, NULL, 0, 100, &r), LF_OK);
	assert_string_equal(r.codes, "");
	assert_int_equal(r.n, 3);
	assert_int_equal(r.m[0].name_raw_len, 8);
	assert_memory_equal(r.m[0].name_raw, "caf\xe9.txt", 8);
	assert_string_equal(r.m[0].name, ""); /* no decoded name */
	assert_memory_equal(r.m[0].data, "latin-1\n", 8);
	/* Level 0 paths have "\\"; libarchive gives "/". */
	assert_int_equal(r.m[1].name_raw_len, 10);
	assert_memory_equal(r.m[1].name_raw, "\x8e\x91\x97\xbf/a.txt", 10);
	assert_memory_equal(r.m[1].data, "sjis\n", 5);
	assert_string_equal(r.m[2].path, "3");
	assert_string_equal(r.m[2].name, "d.txt");
	assert_memory_equal(r.m[2].data, "ascii\n", 6);
	for (k = 0; k < r.n; k++)
		assert_int_equal(r.m[k].ended, 1);
	/* Every prefix: each member once at most, in order, and the damage
	 * said once (the pass that starts again does not say it twice). */
	for (k = 0; k < n; k++) {
		const char *d;

		assert_non_null(cut = malloc(k + 1));
		memcpy(cut, p, k);
		memset(&r, 0, sizeof(r));
		rc = read_it(cut, k, NULL, 0, 100, &r);
		assert_true(rc == LF_OK || rc == LF_E_FORMAT);
		assert_true(r.n <= 3);
		for (size_t i = 0; i < r.n; i++) {
			char want[24];

			(void)snprintf(want, sizeof(want), "%zu", i + 1);
			assert_string_equal(r.m[i].path, want);
		}
		d = strstr(r.codes, "archive.damaged");
		assert_true(
		    d == NULL || strstr(d + 1, "archive.damaged") == NULL);
		free(cut);
	}
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
cab_fatal_data(void **state)
{
	uint8_t p[128];
	size_t n = 0;
	struct rec r;

	(void)state;
	memset(p, 0, sizeof(p));
	/* CFHEADER: two files, one folder, the files at 44. */
	memcpy(p, "MSCF", 4);
	put16(p + 24, 0x0103);
	put16(p + 26, 1);
	put16(p + 28, 2);
	put32(p + 16, 44);
	/* CFFOLDER: its data at 88, in two blocks, stored. */
	put32(p + 36, 88);
	put16(p + 40, 2);
	/* CFFILEs: "a.txt" (6 bytes) and "b.txt" (5), in folder 0. */
	put32(p + 44, 6);
	put16(p + 58, 0x20);
	memcpy(p + 60, "a.txt", 6);
	put32(p + 66, 5);
	put32(p + 70, 6);
	put16(p + 80, 0x20);
	memcpy(p + 82, "b.txt", 6);
	/* A first CFDATA of 11 bytes, with a checksum: not the last of its
	 * folder, it should hold 32 KiB, and libarchive fails it. */
	n = 88;
	put32(p + n, 0x12345678);
	put16(p + n + 4, 11);
	put16(p + n + 6, 11);
	memcpy(p + n + 8, "hello\nworld", 11);
	n += 19;
	put32(p + 8, (uint32_t)n);
	memset(&r, 0, sizeof(r));
	assert_int_equal(read_it(p, n, NULL, 0, 100, &r), LF_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.m[0].name, "a.txt");
	assert_int_equal(r.m[0].size, 0);
	assert_int_equal(r.m[0].ended, 1);
	assert_string_equal(r.codes, "archive.bad-data archive.damaged");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tar_and_zip),
	    cmocka_unit_test(passwords),
	    cmocka_unit_test(unopened_zip_records),
	    cmocka_unit_test(unopened_after_warning),
	    cmocka_unit_test(limits_and_stops),
	    cmocka_unit_test(lha_names),
	    cmocka_unit_test(cab_fatal_data),
	};

	/* As the tools do: names in UTF-8. */
	(void)setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
