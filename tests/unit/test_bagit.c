/*
 * Unit tests: lf_bagit, the BagIt validator and writer.
 *
 * Bags are built here in memory and fed file by file, in the order a
 * directory gives them (tag files first) and in the order a sorted tar
 * stream does (payload before the manifests): the verdict must not depend
 * on it.  The parser's edge cases and hostile tag files (a 100 MB line, a
 * million lines, NUL bytes, invalid UTF-8, a tag manifest listing itself)
 * must give a finding or a clean error, never a crash; allocation failures
 * are swept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "failalloc.h"
#include "lf/bagit.h"
#include "lf/text.h"

#define BAGIT_10 "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
#define BAGIT_097 "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"

struct file {
	const char *path;
	const char *data;
	size_t len; /* 0: strlen(data) */
};

static int
feed_one(struct lf_bagit *v, const struct file *f, struct lf_error *err)
{
	size_t len = f->len != 0 ? f->len : strlen(f->data);
	struct lf_bagit_hash *h;
	struct lf_bagit_digests d;
	int rc;

	if (lf_bagit_is_parsed_tag(f->path, strlen(f->path)))
		return lf_bagit_tag(v, f->path, strlen(f->path),
		    (const uint8_t *)f->data, len, err);
	if ((rc = lf_bagit_hash_new(LF_BAGIT_ALL, &h, err)) != LF_OK)
		return rc;
	if ((rc = lf_bagit_hash_update(h, f->data, len, err)) == LF_OK)
		rc = lf_bagit_hash_final(h, &d, err);
	lf_bagit_hash_free(h);
	if (rc == LF_OK)
		rc = lf_bagit_file(v, f->path, strlen(f->path), &d, err);
	return rc;
}

/* Feed n files in order (reversed when backwards), then finish. */
static int
feed(const struct lf_limits *l, const struct file *files, size_t n,
    bool backwards, struct lf_bagit **out)
{
	struct lf_bagit *v;
	struct lf_error err;
	size_t i;
	int rc;

	if ((rc = lf_bagit_new(l, &v, &err)) != LF_OK)
		return rc;
	lf_bagit_dir(v, "data", 4);
	for (i = 0; i < n; i++) {
		rc = feed_one(v, &files[backwards ? n - 1 - i : i], &err);
		if (rc != LF_OK) {
			lf_bagit_free(v);
			return rc;
		}
	}
	if ((rc = lf_bagit_finish(v, &err)) != LF_OK) {
		lf_bagit_free(v);
		return rc;
	}
	*out = v;
	return LF_OK;
}

static struct lf_bagit *
check(const struct file *files, size_t n)
{
	struct lf_bagit *v = NULL;

	assert_int_equal(feed(NULL, files, n, false, &v), LF_OK);
	return v;
}

/* A finding of sev and code whose message holds text, at file:line. */
static bool
has(const struct lf_bagit *v, enum lf_bagit_severity sev, const char *code,
    const char *file, uint64_t line, const char *text)
{
	const struct lf_bagit_finding *f;
	size_t n, i;

	f = lf_bagit_findings(v, &n);
	for (i = 0; i < n; i++)
		if (f[i].severity == sev && strcmp(f[i].code, code) == 0 &&
		    (file == NULL || strcmp(f[i].file, file) == 0) &&
		    (line == 0 || f[i].line == line) &&
		    (text == NULL || strstr(f[i].message, text) != NULL))
			return true;
	for (i = 0; i < n; i++)
		print_message("finding: %s %s %s:%llu %s\n",
		    f[i].severity == LF_BAGIT_INVALID ? "invalid" : "warning",
		    f[i].code, f[i].file, (unsigned long long)f[i].line,
		    f[i].message);
	return false;
}

/* The hex SHA-256 of text, in one of two static buffers. */
static const char *
sha256_of(const char *text, size_t len)
{
	static char buf[4][65];
	static int k;
	struct lf_bagit_hash *h;
	struct lf_bagit_digests d;

	k = (k + 1) % 4;
	assert_int_equal(lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256), &h,
	                     NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_hash_update(h, text, len, NULL), LF_OK);
	assert_int_equal(lf_bagit_hash_final(h, &d, NULL), LF_OK);
	lf_bagit_hash_free(h);
	lf_hex(buf[k], d.d[LF_BAGIT_SHA256], 32);
	return buf[k];
}

#define HELLO_SHA256 \
	"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define HELLO_MD5 "b1946ac92492d2347c6235b4d2611184"

static void
valid_in_either_order(void **state)
{
	const struct file bag[] = {
	    {"bag-info.txt", "Payload-Oxum: 6.1\n", 0},
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n", 0},
	};
	struct lf_bagit *v;
	struct lf_bagit_summary s;

	(void)state;
	/* Sorted (a tar stream) and backwards: the same verdict. */
	assert_int_equal(feed(NULL, bag, 4, false, &v), LF_OK);
	assert_true(lf_bagit_valid(v));
	assert_int_equal(lf_bagit_count(v, LF_BAGIT_WARNING), 0);
	lf_bagit_get_summary(v, &s);
	assert_string_equal(s.version, "1.0");
	assert_int_equal(s.payload_files, 1);
	assert_int_equal(s.payload_bytes, 6);
	assert_int_equal(s.payload_algs, LF_BAGIT_BIT(LF_BAGIT_SHA256));
	lf_bagit_free(v);
	assert_int_equal(feed(NULL, bag, 4, true, &v), LF_OK);
	assert_true(lf_bagit_valid(v));
	lf_bagit_free(v);
}

static void
mismatch_in_either_order(void **state)
{
	const struct file bag[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hellO\n", 0},
	    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n", 0},
	};
	struct lf_bagit *v;
	int back;

	(void)state;
	for (back = 0; back < 2; back++) {
		assert_int_equal(feed(NULL, bag, 3, back, &v), LF_OK);
		assert_false(lf_bagit_valid(v));
		assert_true(has(v, LF_BAGIT_INVALID, "payload.mismatch",
		    "manifest-sha256.txt", 1, "data/hello.txt: sha256"));
		lf_bagit_free(v);
	}
}

static void
bagit_txt_exactly(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		bool valid;
		const char *why;
	} cases[] = {
	    {BAGIT_10, 0, true, NULL},
	    {"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8", 0,
	        true, NULL},
	    {"BagIt-Version: 1.0\rTag-File-Character-Encoding: UTF-8\r", 0,
	        true, NULL},
	    {"\xef\xbb\xbf" BAGIT_10, 0, false, "byte order mark"},
	    {"BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "whitespace between"},
	    {"BagIt-Version:1.0\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "expected 'BagIt-Version: '"},
	    {"BagIt-Version:  1.0\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "expected 'BagIt-Version: '"},
	    {"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "whitespace after"},
	    {"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "not of the form M.N"},
	    {"BagIt-Version: 1\nTag-File-Character-Encoding: UTF-8\n", 0, false,
	        "not of the form M.N"},
	    {"bagit-version: 1.0\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "expected the label"},
	    {"BagIt-Version: 1.0\n", 0, false, "no Tag-File-Character"},
	    {"", 0, false, "empty"},
	    {BAGIT_10 "Extra: x\n", 0, false, "more than its two lines"},
	    {"BagIt-Version: 1.0\n\nTag-File-Character-Encoding: UTF-8\n", 0,
	        false, "expected 'Tag-File-Character-Encoding"},
	    {"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n", 0,
	        false, "expected the label 'BagIt-Version'"},
	    {"BagIt-Version: 1.0\nTag-File-Character-Encoding: U/TF8\n", 0,
	        false, "not a character set name"},
	    {"BagIt-Version: 1.0\0\nTag-File-Character-Encoding: UTF-8\n", 55,
	        false, "not UTF-8 text"},
	    {"BagIt-Version: 1.0\nTag-File-Character-Encoding: \xff\n", 0,
	        false, "not UTF-8 text"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct file bag[] = {
		    {"bagit.txt", cases[i].text, cases[i].len},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n",
		        0},
		};
		struct lf_bagit *v;
		assert_int_equal(feed(NULL, bag, 3, false, &v), LF_OK);
		if (lf_bagit_valid(v) != cases[i].valid)
			fail_msg("case %zu: valid is %d", i, lf_bagit_valid(v));
		if (cases[i].why != NULL) {
			const struct lf_bagit_finding *f;
			size_t n, k;
			bool found = false;
			f = lf_bagit_findings(v, &n);
			for (k = 0; k < n; k++)
				found |= strcmp(f[k].file, "bagit.txt") == 0 &&
				    strstr(f[k].message, cases[i].why) != NULL;
			if (!found)
				fail_msg("case %zu: no finding '%s'", i,
				    cases[i].why);
		}
		lf_bagit_free(v);
	}
}

static void
unknown_version_warns(void **state)
{
	const struct file bag[] = {
	    {"bagit.txt",
	        "BagIt-Version: 1.1\nTag-File-Character-Encoding: "
	        "UTF-8\n",
	        0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n", 0},
	};
	struct lf_bagit *v = check(bag, 3);

	(void)state;
	assert_true(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_WARNING, "bagit.version", "bagit.txt", 1,
	    "1.1 is not one"));
	lf_bagit_free(v);
}

static void
manifest_lines(void **state)
{
	/* Line ends of all kinds, blank lines, a tab, upper-case hex. */
	char m[512];
	struct lf_bagit *v;

	(void)state;
	(void)snprintf(m, sizeof(m),
	    "%s  data/a\r\n\r\n%s\tdata/b\r%s data/c\n\n", sha256_of("a", 1),
	    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	    sha256_of("c", 1));
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/a", "a", 0},
		    {"data/b", "", 0},
		    {"data/c", "c", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		struct lf_bagit_hash *h;
		struct lf_bagit_digests d;
		struct lf_error err;
		assert_int_equal(lf_bagit_new(NULL, &v, NULL), LF_OK);
		lf_bagit_dir(v, "data", 4);
		assert_int_equal(lf_bagit_tag(v, "bagit.txt", 9,
		                     (const uint8_t *)BAGIT_10,
		                     strlen(BAGIT_10), &err),
		    LF_OK);
		assert_int_equal(feed_one(v, &bag[1], &err), LF_OK);
		/* the empty file */
		assert_int_equal(lf_bagit_hash_new(LF_BAGIT_ALL, &h, NULL),
		    LF_OK);
		assert_int_equal(lf_bagit_hash_final(h, &d, NULL), LF_OK);
		lf_bagit_hash_free(h);
		assert_int_equal(lf_bagit_file(v, "data/b", 6, &d, &err),
		    LF_OK);
		assert_int_equal(feed_one(v, &bag[3], &err), LF_OK);
		assert_int_equal(feed_one(v, &bag[4], &err), LF_OK);
		assert_int_equal(lf_bagit_finish(v, &err), LF_OK);
		assert_true(lf_bagit_valid(v));
		assert_int_equal(lf_bagit_count(v, LF_BAGIT_WARNING), 0);
		lf_bagit_free(v);
	}
}

static void
percent_encoding(void **state)
{
	char m[512];
	const char nl[] = "data/new\nline%";

	(void)state;
	/* %0A %0D %25 decode; %7E stays as it is. */
	(void)snprintf(m, sizeof(m),
	    "%s  data/new%%0aline%%25\n%s  data/%%7Ex\n", sha256_of("x", 1),
	    sha256_of("y", 1));
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {nl, "x", 0},
		    {"data/%7Ex", "y", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		struct lf_bagit *v;
		assert_int_equal(feed(NULL, bag, 4, false, &v), LF_OK);
		assert_true(lf_bagit_valid(v));
		lf_bagit_free(v);
	}
}

static void
paths_outside_the_bag(void **state)
{
	static const char *const bad[] = {"/etc/passwd", "~/x", "~root/x",
	    "data/../../x", "../x", "/data/../x", "data/./x", "data//x",
	    "data/x/"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char m[512];
		struct lf_bagit *v;
		(void)snprintf(m, sizeof(m), "%s  data/hello.txt\n%s  %s\n",
		    HELLO_SHA256, HELLO_SHA256, bad[i]);
		{
			const struct file bag[] = {
			    {"bagit.txt", BAGIT_10, 0},
			    {"data/hello.txt", "hello\n", 0},
			    {"manifest-sha256.txt", m, 0},
			};
			assert_int_equal(feed(NULL, bag, 3, false, &v), LF_OK);
		}
		assert_false(lf_bagit_valid(v));
		assert_true(has(v, LF_BAGIT_INVALID,
		    i < 6 ? "path.outside" : "path.invalid",
		    "manifest-sha256.txt", 2, bad[i]));
		lf_bagit_free(v);
	}
}

static void
warnings_of_the_suite(void **state)
{
	const struct file bag[] = {
	    {"bagit.txt", BAGIT_097, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-md5.txt",
	        HELLO_MD5 " *data/hello.txt\n" HELLO_MD5 "  ./data/hello.txt\n",
	        0},
	};
	struct lf_bagit *v = check(bag, 3);

	(void)state;
	assert_true(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_WARNING, "manifest.star",
	    "manifest-md5.txt", 1, NULL));
	assert_true(has(v, LF_BAGIT_WARNING, "path.dot-slash",
	    "manifest-md5.txt", 2, NULL));
	/* In 0.97 the same line twice is a warning. */
	assert_true(has(v, LF_BAGIT_WARNING, "manifest.duplicate",
	    "manifest-md5.txt", 2, "with the same checksum"));
	lf_bagit_free(v);
}

static void
duplicates_by_version(void **state)
{
	const struct file same10[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-sha256.txt",
	        HELLO_SHA256 "  data/hello.txt\n" HELLO_SHA256
	                     "  data/hello.txt\n",
	        0},
	};
	const struct file differ097[] = {
	    {"bagit.txt", BAGIT_097, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-sha256.txt",
	        HELLO_SHA256 "  data/hello.txt\n"
	                     "0000000000000000000000000000000000000000000000000"
	                     "000000000000000  data/hello.txt\n",
	        0},
	};
	struct lf_bagit *v;

	(void)state;
	v = check(same10, 3);
	assert_true(has(v, LF_BAGIT_INVALID, "manifest.duplicate",
	    "manifest-sha256.txt", 2, "listed again (line 1)"));
	lf_bagit_free(v);
	v = check(differ097, 3);
	assert_true(has(v, LF_BAGIT_INVALID, "manifest.duplicate",
	    "manifest-sha256.txt", 2, "with another checksum"));
	lf_bagit_free(v);
}

static void
case_and_normalization_twins(void **state)
{
	/* NFD "Nu\u0301n\u0303ez" listed, NFC "N\u00fa\u00f1ez" present. */
	char m[512];
	struct lf_bagit *v;

	(void)state;
	(void)snprintf(m, sizeof(m),
	    "%s  data/Nu\xcc\x81n\xcc\x83"
	    "ez\n%s  data/N\xc3\xba\xc3\xb1"
	    "ez\n%s  data/HELLO.txt\n%s  data/hello.txt\n",
	    sha256_of("n", 1), sha256_of("n", 1), HELLO_SHA256, HELLO_SHA256);
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_097, 0},
		    {"data/N\xc3\xba\xc3\xb1"
		     "ez",
		        "n", 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		v = check(bag, 4);
	}
	assert_true(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_WARNING, "path.normalization", NULL, 0,
	    "Unicode normalization"));
	assert_true(
	    has(v, LF_BAGIT_WARNING, "path.case", NULL, 0, "only in case"));
	lf_bagit_free(v);

	/* A twin whose checksum differs covers nothing. */
	(void)snprintf(m, sizeof(m), "%s  data/HELLO.txt\n%s  data/hello.txt\n",
	    sha256_of("other", 5), HELLO_SHA256);
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_097, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		v = check(bag, 3);
	}
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "payload.missing",
	    "manifest-sha256.txt", 1, "data/HELLO.txt"));
	lf_bagit_free(v);
}

static void
every_manifest_lists_every_file(void **state)
{
	const struct file bag[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"data/extra", "x", 0},
	    {"manifest-md5.txt", HELLO_MD5 "  data/hello.txt\n", 0},
	    {"manifest-sha256.txt",
	        HELLO_SHA256
	        "  data/hello.txt\n"
	        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02"
	        "258717921a4881  data/extra\n",
	        0},
	};
	struct lf_bagit *v = check(bag, 5);

	(void)state;
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "payload.unlisted", "data/extra",
	    0, "manifest-md5.txt does not list"));
	lf_bagit_free(v);
}

static void
tag_manifests(void **state)
{
	char tm[512];
	struct lf_bagit *v;
	const char *mf = HELLO_SHA256 "  data/hello.txt\n";

	(void)state;
	(void)snprintf(tm, sizeof(tm),
	    "%s  bagit.txt\n%s  manifest-sha256.txt\n%s  missing.txt\n%s  "
	    "tagmanifest-sha256.txt\n",
	    sha256_of(BAGIT_10, strlen(BAGIT_10)), sha256_of(mf, strlen(mf)),
	    HELLO_SHA256, HELLO_SHA256);
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", mf, 0},
		    {"tagmanifest-sha256.txt", tm, 0},
		};
		v = check(bag, 4);
	}
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "tag.missing",
	    "tagmanifest-sha256.txt", 3, "missing.txt"));
	assert_true(has(v, LF_BAGIT_INVALID, "manifest.self",
	    "tagmanifest-sha256.txt", 4, "cannot list itself"));
	assert_int_equal(lf_bagit_count(v, LF_BAGIT_INVALID), 2);
	lf_bagit_free(v);
}

static void
unknown_algorithm_warns(void **state)
{
	const struct file bag[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-blake3.txt", "00  data/hello.txt\n", 0},
	    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n", 0},
	};
	const struct file only[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-blake3.txt", "00  data/hello.txt\n", 0},
	};
	struct lf_bagit *v = check(bag, 4);

	(void)state;
	assert_true(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_WARNING, "manifest.unknown-algorithm",
	    "manifest-blake3.txt", 0, NULL));
	lf_bagit_free(v);
	v = check(only, 3);
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "manifest.none", "", 0, NULL));
	lf_bagit_free(v);
}

static void
manifest_syntax(void **state)
{
	static const char *const lines[] = {
	    "abc  data/hello.txt\n",                /* too short */
	    HELLO_SHA256 "\n",                      /* no path */
	    "zz" HELLO_SHA256 "  data/hello.txt\n", /* not hex */
	    HELLO_SHA256 "  hello.txt\n",           /* outside data/ */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", lines[i], 0},
		};
		struct lf_bagit *v = check(bag, 3);
		assert_false(lf_bagit_valid(v));
		assert_true(has(v, LF_BAGIT_INVALID,
		    i == 3 ? "manifest.outside-payload" : "manifest.syntax",
		    "manifest-sha256.txt", 1, NULL));
		lf_bagit_free(v);
	}
}

static void
nul_and_bad_utf8(void **state)
{
	static const char m1[] = HELLO_SHA256 "  data/hel\0lo.txt\n";
	static const char m2[] = HELLO_SHA256 "  data/caf\xe9.txt\n";
	static const char info[] = "Payload-Oxum: 6.1\nLabel: a\0b\n";
	const struct file bag[] = {
	    {"bagit.txt", BAGIT_10, 0},
	    {"bag-info.txt", info, sizeof(info) - 1},
	    {"data/hello.txt", "hello\n", 0},
	    {"manifest-sha256.txt", m1, sizeof(m1) - 1},
	    {"manifest-sha512.txt", m2, 0},
	};
	struct lf_bagit *v = check(bag, 5);

	(void)state;
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "path.invalid",
	    "manifest-sha256.txt", 1, "NUL"));
	/* The short checksum fails first for sha512: give it a right one. */
	lf_bagit_free(v);
	{
		char m[512];
		char z[129];
		memset(z, '0', 128);
		z[128] = '\0';
		(void)snprintf(m, sizeof(m), "%s  data/caf\xe9.txt\n", z);
		{
			const struct file b2[] = {
			    {"bagit.txt", BAGIT_10, 0},
			    {"bag-info.txt", info, sizeof(info) - 1},
			    {"data/hello.txt", "hello\n", 0},
			    {"manifest-sha512.txt", m, 0},
			};
			v = check(b2, 4);
		}
		assert_true(has(v, LF_BAGIT_INVALID, "encoding.invalid",
		    "manifest-sha512.txt", 1, "not valid UTF-8"));
		assert_true(has(v, LF_BAGIT_INVALID, "encoding.invalid",
		    "bag-info.txt", 2, NULL));
		lf_bagit_free(v);
	}
}

static void
encodings(void **state)
{
	/* "café" named in ISO-8859-1 and in UTF-16 is the UTF-8 file. */
	char m[512], u16[1024];
	size_t i, n;
	struct lf_bagit *v;
	const char *hex = sha256_of("x", 1);

	(void)state;
	(void)snprintf(m, sizeof(m), "%s  data/caf\xe9\n", hex);
	{
		const struct file bag[] = {
		    {"bagit.txt",
		        "BagIt-Version: 0.97\nTag-File-Character-"
		        "Encoding: ISO-8859-1\n",
		        0},
		    {"data/caf\xc3\xa9", "x", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		v = check(bag, 3);
	}
	assert_true(lf_bagit_valid(v));
	lf_bagit_free(v);

	/* UTF-16 little-endian with its byte order mark. */
	u16[0] = (char)0xff;
	u16[1] = (char)0xfe;
	(void)snprintf(m, sizeof(m), "%s  data/caf", hex);
	for (n = 2, i = 0; m[i] != '\0'; i++) {
		u16[n++] = m[i];
		u16[n++] = 0;
	}
	u16[n++] = (char)0xe9;
	u16[n++] = 0;
	u16[n++] = '\n';
	u16[n++] = 0;
	{
		const struct file bag[] = {
		    {"bagit.txt",
		        "BagIt-Version: 0.97\nTag-File-Character-"
		        "Encoding: UTF-16\n",
		        0},
		    {"data/caf\xc3\xa9", "x", 0},
		    {"manifest-sha256.txt", u16, n},
		};
		v = check(bag, 3);
	}
	assert_true(lf_bagit_valid(v));
	lf_bagit_free(v);

	/* A truncated UTF-16 file, and a character set nobody knows. */
	{
		const struct file bag[] = {
		    {"bagit.txt",
		        "BagIt-Version: 0.97\nTag-File-Character-"
		        "Encoding: UTF-16\n",
		        0},
		    {"data/caf\xc3\xa9", "x", 0},
		    {"manifest-sha256.txt", u16, n - 1},
		};
		v = check(bag, 3);
	}
	assert_true(has(v, LF_BAGIT_INVALID, "encoding.invalid",
	    "manifest-sha256.txt", 0, "not valid UTF-16"));
	lf_bagit_free(v);
	{
		const struct file bag[] = {
		    {"bagit.txt",
		        "BagIt-Version: 0.97\nTag-File-Character-"
		        "Encoding: X-NO-SUCH-SET\n",
		        0},
		    {"data/caf\xc3\xa9", "x", 0},
		    {"manifest-sha256.txt", m, 0},
		};
		v = check(bag, 3);
	}
	assert_true(has(v, LF_BAGIT_INVALID, "bagit.encoding",
	    "manifest-sha256.txt", 0, "X-NO-SUCH-SET"));
	lf_bagit_free(v);
}

static void
bag_info(void **state)
{
	static const struct {
		const char *info;
		bool valid;
		const char *code;
		uint64_t line;
	} cases[] = {
	    {"Payload-Oxum: 6.1\n", true, NULL, 0},
	    {"payload-oxum: 6.1\nExternal-Description: a\n  b\n\tc\n", true,
	        NULL, 0},
	    {"Payload-Oxum: 7.1\n", false, "baginfo.oxum-mismatch", 1},
	    {"Payload-Oxum: 6.2\n", false, "baginfo.oxum-mismatch", 1},
	    {"Payload-Oxum: 6\n", false, "baginfo.oxum", 1},
	    {"Payload-Oxum: 6.1x\n", false, "baginfo.oxum", 1},
	    {"Payload-Oxum: 99999999999999999999999.1\n", false, "baginfo.oxum",
	        1},
	    {"Payload-Oxum: 6.1\nPayload-Oxum: 6.1\n", true, "baginfo.oxum", 2},
	    {"Payload-Oxum: 6.1\nPayload-Oxum: 5.1\n", false, "baginfo.oxum",
	        2},
	    {"  continued\n", false, "baginfo.syntax", 1},
	    {"No colon here\n", false, "baginfo.syntax", 1},
	    {": no label\n", false, "baginfo.syntax", 1},
	    {"Label : spaced\n", true, "baginfo.syntax", 1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct file bag[] = {
		    {"bag-info.txt", cases[i].info, 0},
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n",
		        0},
		};
		struct lf_bagit *v = check(bag, 4);
		if (lf_bagit_valid(v) != cases[i].valid)
			fail_msg("case %zu: valid is %d", i, lf_bagit_valid(v));
		if (cases[i].code != NULL &&
		    !has(v,
		        cases[i].valid ? LF_BAGIT_WARNING : LF_BAGIT_INVALID,
		        cases[i].code, "bag-info.txt", cases[i].line, NULL))
			fail_msg("case %zu: no %s", i, cases[i].code);
		lf_bagit_free(v);
	}
}

static void
fetch(void **state)
{
	struct lf_bagit *v;
	struct lf_bagit_summary s;
	const char *mf =
	    HELLO_SHA256 "  data/hello.txt\n" HELLO_SHA256 "  data/later.txt\n";

	(void)state;
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"fetch.txt",
		        "https://example.org/later.txt 6 data/later.txt\n", 0},
		    {"manifest-sha256.txt", mf, 0},
		};
		v = check(bag, 4);
	}
	assert_true(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_WARNING, "fetch.incomplete", "fetch.txt", 0,
	    "incomplete"));
	lf_bagit_get_summary(v, &s);
	assert_int_equal(s.fetch_missing, 1);
	lf_bagit_free(v);
	{
		const struct file bag[] = {
		    {"bagit.txt", BAGIT_10, 0},
		    {"data/hello.txt", "hello\n", 0},
		    {"fetch.txt",
		        "https://example.org/x - data/other.txt\n"
		        "https://example.org/y - ../../etc/passwd\n"
		        "https://example.org/z data/nolength\n"
		        "https://example.org/w - tagfile.txt\n",
		        0},
		    {"manifest-sha256.txt", HELLO_SHA256 "  data/hello.txt\n",
		        0},
		};
		v = check(bag, 4);
	}
	assert_false(lf_bagit_valid(v));
	assert_true(has(v, LF_BAGIT_INVALID, "fetch.unlisted", "fetch.txt", 1,
	    "data/other.txt"));
	assert_true(
	    has(v, LF_BAGIT_INVALID, "path.outside", "fetch.txt", 2, NULL));
	assert_true(
	    has(v, LF_BAGIT_INVALID, "fetch.syntax", "fetch.txt", 3, NULL));
	assert_true(has(v, LF_BAGIT_INVALID, "fetch.path", "fetch.txt", 4,
	    "outside data/"));
	lf_bagit_free(v);
}

static void
api_misuse(void **state)
{
	struct lf_bagit *v;
	struct lf_bagit_digests d;
	struct lf_error err;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(lf_bagit_new(NULL, &v, NULL), LF_OK);
	assert_int_equal(lf_bagit_file(v, "bagit.txt", 9, &d, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_bagit_tag(v, "data/x", 6, (const uint8_t *)"", 0,
	                     &err),
	    LF_E_INVAL);
	assert_int_equal(lf_bagit_file(v, "data/x", 6, &d, &err), LF_OK);
	assert_int_equal(lf_bagit_file(v, "data/x", 6, &d, &err), LF_E_INVAL);
	assert_int_equal(lf_bagit_finish(v, &err), LF_OK);
	assert_false(lf_bagit_valid(v));
	assert_true(
	    has(v, LF_BAGIT_INVALID, "bagit.missing", "bagit.txt", 0, NULL));
	assert_int_equal(lf_bagit_finish(v, &err), LF_E_INVAL);
	lf_bagit_free(v);
	lf_bagit_free(NULL);
	lf_bagit_hash_free(NULL);
}

/* A manifest line of 100 MB: refused past the tag limit, a finding under
   a raised one. */
static void
hundred_megabyte_line(void **state)
{
	size_t n = 100u * 1024 * 1024;
	char *m = malloc(n + 1);
	struct lf_limits l;
	struct lf_bagit *v;
	struct lf_error err;

	(void)state;
	assert_non_null(m);
	memcpy(m, HELLO_SHA256 "  data/", 71);
	memset(m + 71, 'a', n - 72);
	m[n - 1] = '\n';
	m[n] = '\0';
	lf_limits_default(&l);
	assert_int_equal(lf_bagit_new(&l, &v, NULL), LF_OK);
	assert_int_equal(lf_bagit_tag(v, "bagit.txt", 9,
	                     (const uint8_t *)BAGIT_10, strlen(BAGIT_10), NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_tag(v, "manifest-sha256.txt", 19,
	                     (const uint8_t *)m, n, &err),
	    LF_E_LIMIT);
	assert_non_null(strstr(err.msg, "bag-tag-bytes"));
	lf_bagit_free(v);

	l.bag_tag_bytes = 128u * 1024 * 1024;
	assert_int_equal(lf_bagit_new(&l, &v, NULL), LF_OK);
	assert_int_equal(lf_bagit_tag(v, "bagit.txt", 9,
	                     (const uint8_t *)BAGIT_10, strlen(BAGIT_10), NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_tag(v, "manifest-sha256.txt", 19,
	                     (const uint8_t *)m, n, &err),
	    LF_OK);
	assert_int_equal(lf_bagit_finish(v, &err), LF_OK);
	assert_true(has(v, LF_BAGIT_INVALID, "path.invalid",
	    "manifest-sha256.txt", 1, "longer than 4096"));
	lf_bagit_free(v);
	free(m);
}

/* A million manifest lines: held within the index limit, or refused by
   it, each missing file counted though only the first findings kept. */
static void
million_lines(void **state)
{
	size_t lines = 1000000, n = 0, i;
	char *m = malloc(lines * 48 + 1);
	struct lf_limits l;
	struct lf_bagit *v;
	struct lf_error err;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < lines; i++)
		n += (size_t)sprintf(m + n, "%032zx  data/f%07zu\n", i, i);
	assert_int_equal(n, lines * 48);
	lf_limits_default(&l);
	assert_int_equal(lf_bagit_new(&l, &v, NULL), LF_OK);
	lf_bagit_dir(v, "data", 4);
	assert_int_equal(lf_bagit_tag(v, "bagit.txt", 9,
	                     (const uint8_t *)BAGIT_10, strlen(BAGIT_10), NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_tag(v, "manifest-md5.txt", 16,
	                     (const uint8_t *)m, n, &err),
	    LF_OK);
	assert_int_equal(lf_bagit_finish(v, &err), LF_OK);
	assert_int_equal(lf_bagit_count(v, LF_BAGIT_INVALID), lines);
	(void)lf_bagit_findings(v, &i);
	assert_int_equal(i, LF_BAGIT_FINDINGS_MAX);
	lf_bagit_free(v);

	l.bag_index_bytes = 8u * 1024 * 1024;
	assert_int_equal(lf_bagit_new(&l, &v, NULL), LF_OK);
	assert_int_equal(lf_bagit_tag(v, "bagit.txt", 9,
	                     (const uint8_t *)BAGIT_10, strlen(BAGIT_10), NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_tag(v, "manifest-md5.txt", 16,
	                     (const uint8_t *)m, n, &err),
	    LF_E_LIMIT);
	assert_non_null(strstr(err.msg, "bag-index-bytes"));
	lf_bagit_free(v);
	free(m);
}

static void
allocation_failures(void **state)
{
	const struct file bag[] = {
	    {"bag-info.txt", "Payload-Oxum: 6.1\n", 0},
	    {"bagit.txt",
	        "BagIt-Version: 0.97\nTag-File-Character-Encoding: "
	        "ISO-8859-1\n",
	        0},
	    {"data/hello.txt", "hello\n", 0},
	    {"data/HELLO.txt", "hello\n", 0},
	    {"fetch.txt", "https://example.org/x - data/x\n", 0},
	    {"manifest-sha256.txt",
	        HELLO_SHA256 "  data/hello.txt\n" HELLO_SHA256
	                     "  data/HELLO.txt\n" HELLO_SHA256 "  data/x\n",
	        0},
	};
	struct lf_bagit *v;
	long k;
	int rc;

	(void)state;
	for (k = 0; k < 400; k++) {
		failalloc_after(k);
		rc = feed(NULL, bag, 6, false, &v);
		failalloc_off();
		if (rc == LF_OK) {
			lf_bagit_free(v);
			if (k > 40)
				break;
			continue;
		}
		assert_int_equal(rc, LF_E_NOMEM);
	}
	assert_true(k < 400);
	assert_int_equal(feed(NULL, bag, 6, false, &v), LF_OK);
	assert_true(lf_bagit_valid(v));
	lf_bagit_free(v);
}

/* The writer. */

static struct lf_bagit_entry
entry(const char *path, const char *content)
{
	struct lf_bagit_entry e;
	struct lf_bagit_hash *h;
	struct lf_bagit_digests d;

	memset(&e, 0, sizeof(e));
	e.path = path;
	assert_int_equal(lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	                         LF_BAGIT_BIT(LF_BAGIT_SHA512),
	                     &h, NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_hash_update(h, content, strlen(content),
	                     NULL),
	    LF_OK);
	assert_int_equal(lf_bagit_hash_final(h, &d, NULL), LF_OK);
	lf_bagit_hash_free(h);
	e.size = d.size;
	memcpy(e.sha256, d.d[LF_BAGIT_SHA256], 32);
	memcpy(e.sha512, d.d[LF_BAGIT_SHA512], 64);
	return e;
}

static const struct lf_bagit_out_file *
out_file(const struct lf_bagit_out *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->files[i].name, name) == 0)
			return &o->files[i];
	fail_msg("no %s", name);
	return NULL;
}

static void
writer_round_trip(void **state)
{
	struct lf_bagit_entry p[3], x[1];
	const struct lf_bagit_info info[] = {
	    {"Source-Organization", "Example Lab"},
	    {"External-Description", "one\r\ntwo\nPayload-Oxum: 1.1\rthree"},
	};
	struct lf_bagit_out o, o2;
	struct lf_bagit *v;
	struct lf_bagit_digests d;
	const struct lf_bagit_out_file *f;
	size_t i;

	(void)state;
	/* Given out of order: written sorted. */
	p[0] = entry("data/b", "bee\n");
	p[1] = entry("data/a b", "ay\n");
	p[2] = entry("data/sub/c", "");
	x[0] = entry("signer.txt", "me\n");
	assert_int_equal(lf_bagit_write(p, 3, info, 2, x, 1, &o, NULL), LF_OK);
	assert_int_equal(o.n, 6);
	for (i = 1; i < o.n; i++)
		assert_true(strcmp(o.files[i - 1].name, o.files[i].name) < 0);
	f = out_file(&o, "bagit.txt");
	assert_int_equal(f->len, strlen(BAGIT_10));
	assert_memory_equal(f->data, BAGIT_10, f->len);
	f = out_file(&o, "bag-info.txt");
	{
		const char want[] = "Source-Organization: Example Lab\n"
		                    "External-Description: one\n  two\n"
		                    "  Payload-Oxum: 1.1\n  three\n"
		                    "Bag-Size: 7 bytes\nPayload-Oxum: 7.3\n";
		assert_int_equal(f->len, sizeof(want) - 1);
		assert_memory_equal(f->data, want, f->len);
	}
	f = out_file(&o, "manifest-sha256.txt");
	{
		char want[512];
		(void)snprintf(want, sizeof(want),
		    "%s  data/a b\n%s  data/b\n%s  data/sub/c\n",
		    sha256_of("ay\n", 3), sha256_of("bee\n", 4),
		    sha256_of("", 0));
		assert_int_equal(f->len, strlen(want));
		assert_memory_equal(f->data, want, f->len);
	}
	f = out_file(&o, "tagmanifest-sha256.txt");
	assert_non_null(memmem(f->data, f->len, "  signer.txt\n", 13));
	assert_null(memmem(f->data, f->len, "tagmanifest", 11));

	/* The same input, the same bytes. */
	assert_int_equal(lf_bagit_write(p, 3, info, 2, x, 1, &o2, NULL), LF_OK);
	for (i = 0; i < o.n; i++) {
		assert_int_equal(o.files[i].len, o2.files[i].len);
		assert_memory_equal(o.files[i].data, o2.files[i].data,
		    o.files[i].len);
	}
	lf_bagit_out_release(&o2);

	/* And the validator takes it, tag manifests and all. */
	assert_int_equal(lf_bagit_new(NULL, &v, NULL), LF_OK);
	lf_bagit_dir(v, "data", 4);
	for (i = 0; i < o.n; i++)
		assert_int_equal(lf_bagit_tag(v, o.files[i].name,
		                     strlen(o.files[i].name), o.files[i].data,
		                     o.files[i].len, NULL),
		    LF_OK);
	for (i = 0; i < 3; i++) {
		memset(&d, 0, sizeof(d));
		d.algs = LF_BAGIT_BIT(LF_BAGIT_SHA256) |
		    LF_BAGIT_BIT(LF_BAGIT_SHA512);
		d.size = p[i].size;
		memcpy(d.d[LF_BAGIT_SHA256], p[i].sha256, 32);
		memcpy(d.d[LF_BAGIT_SHA512], p[i].sha512, 64);
		assert_int_equal(lf_bagit_file(v, p[i].path, strlen(p[i].path),
		                     &d, NULL),
		    LF_OK);
	}
	memset(&d, 0, sizeof(d));
	d.algs = LF_BAGIT_BIT(LF_BAGIT_SHA256) | LF_BAGIT_BIT(LF_BAGIT_SHA512);
	d.size = x[0].size;
	memcpy(d.d[LF_BAGIT_SHA256], x[0].sha256, 32);
	memcpy(d.d[LF_BAGIT_SHA512], x[0].sha512, 64);
	assert_int_equal(lf_bagit_file(v, "signer.txt", 10, &d, NULL), LF_OK);
	assert_int_equal(lf_bagit_finish(v, NULL), LF_OK);
	assert_true(lf_bagit_valid(v));
	assert_int_equal(lf_bagit_count(v, LF_BAGIT_WARNING), 0);
	lf_bagit_free(v);
	lf_bagit_out_release(&o);
}

static void
writer_refuses(void **state)
{
	static const char *const bad[] = {"data/caf\xc3\xa9", "data/a\\b",
	    "data/100%", "data/new\nline", "data/end ", "data/../x", "data//x",
	    "data/./x", "/data/x", "nodata/x", "data/"};
	const struct lf_bagit_info badinfo[][1] = {
	    {{"Has:Colon", "x"}},
	    {{"Payload-Oxum", "1.1"}},
	    {{"bag-size", "1"}},
	    {{" Padded", "x"}},
	    {{"New\nLine", "x"}},
	    {{"Ctl", "a\x01"}},
	    {{"Utf", "\xff"}},
	};
	struct lf_bagit_entry p[2];
	struct lf_bagit_out o;
	struct lf_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p[0] = entry(bad[i], "x");
		assert_int_equal(lf_bagit_write(p, 1, NULL, 0, NULL, 0, &o,
		                     &err),
		    LF_E_INVAL);
		assert_non_null(strstr(err.msg, "path '"));
	}
	p[0] = entry("data/x", "x");
	p[1] = entry("data/x", "y");
	assert_int_equal(lf_bagit_write(p, 2, NULL, 0, NULL, 0, &o, &err),
	    LF_E_INVAL);
	assert_non_null(strstr(err.msg, "given twice"));
	for (i = 0; i < sizeof(badinfo) / sizeof(badinfo[0]); i++)
		assert_int_equal(lf_bagit_write(p, 1, badinfo[i], 1, NULL, 0,
		                     &o, &err),
		    LF_E_INVAL);
	p[1] = entry("bagit.txt", "x");
	assert_int_equal(lf_bagit_write(p, 1, NULL, 0, &p[1], 1, &o, &err),
	    LF_E_INVAL);
	p[1] = entry("data/y", "x");
	assert_int_equal(lf_bagit_write(p, 1, NULL, 0, &p[1], 1, &o, &err),
	    LF_E_INVAL);
}

static void
writer_bag_size(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
	    {0, "0 bytes"},
	    {999, "999 bytes"},
	    {1000, "1.0 kB"},
	    {1049, "1.0 kB"},
	    {1050, "1.1 kB"},
	    {999949, "999.9 kB"},
	    {999950, "1.0 MB"},
	    {2000000000, "2.0 GB"},
	};
	struct lf_bagit_entry p;
	struct lf_bagit_out o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];
		const struct lf_bagit_out_file *f;
		p = entry("data/x", "x");
		p.size = cases[i].bytes;
		assert_int_equal(lf_bagit_write(&p, 1, NULL, 0, NULL, 0, &o,
		                     NULL),
		    LF_OK);
		f = out_file(&o, "bag-info.txt");
		(void)snprintf(want, sizeof(want), "Bag-Size: %s\n",
		    cases[i].text);
		if (memmem(f->data, f->len, want, strlen(want)) == NULL)
			fail_msg("%llu: %.*s",
			    (unsigned long long)cases[i].bytes, (int)f->len,
			    (const char *)f->data);
		lf_bagit_out_release(&o);
	}
}

static void
writer_allocation_failures(void **state)
{
	struct lf_bagit_entry p[2];
	const struct lf_bagit_info info[] = {{"A", "b\nc"}};
	struct lf_bagit_out o;
	long k;
	int rc;

	(void)state;
	p[0] = entry("data/x", "x");
	p[1] = entry("data/y", "y");
	for (k = 0; k < 200; k++) {
		failalloc_after(k);
		rc = lf_bagit_write(p, 2, info, 1, NULL, 0, &o, NULL);
		failalloc_off();
		if (rc == LF_OK) {
			lf_bagit_out_release(&o);
			break;
		}
		assert_true(rc == LF_E_NOMEM || rc == LF_E_CRYPTO);
	}
	assert_true(k < 200);
}

/*
 * Digests in pieces of every size, small (hashed on one thread) and
 * large (SHA-512 on the helper thread, over its copy, split past its
 * buffer), equal those of the whole, file after file on one context.
 */
static void
hash_in_pieces_equals_whole(void **state)
{
	static const size_t pieces[] = {1, 4096, 65535, 65536, 300000, 1048576,
	    1048577, 2500000};
	const size_t total = 4 * 1024 * 1024;
	unsigned algs = LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	    LF_BAGIT_BIT(LF_BAGIT_SHA512) | LF_BAGIT_BIT(LF_BAGIT_MD5);
	uint8_t *data = malloc(total), want[3][64];
	struct lf_bagit_digests d;
	struct lf_bagit_hash *h;
	struct lf_error err;
	size_t i, k, off;

	(void)state;
	assert_non_null(data);
	for (i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	(void)EVP_Digest(data, total, want[0], NULL, EVP_sha256(), NULL);
	(void)EVP_Digest(data, total, want[1], NULL, EVP_sha512(), NULL);
	(void)EVP_Digest(data, total, want[2], NULL, EVP_md5(), NULL);
	assert_int_equal(lf_bagit_hash_new(algs, &h, &err), LF_OK);
	for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
		for (off = 0; off < total; off += pieces[k])
			assert_int_equal(lf_bagit_hash_update(h, data + off,
			                     total - off < pieces[k] ?
			                         total - off :
			                         pieces[k],
			                     &err),
			    LF_OK);
		assert_int_equal(lf_bagit_hash_final(h, &d, &err), LF_OK);
		assert_int_equal(d.size, total);
		assert_memory_equal(d.d[LF_BAGIT_SHA256], want[0], 32);
		assert_memory_equal(d.d[LF_BAGIT_SHA512], want[1], 64);
		assert_memory_equal(d.d[LF_BAGIT_MD5], want[2], 16);
	}
	lf_bagit_hash_free(h);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hash_in_pieces_equals_whole),
	    cmocka_unit_test(valid_in_either_order),
	    cmocka_unit_test(mismatch_in_either_order),
	    cmocka_unit_test(bagit_txt_exactly),
	    cmocka_unit_test(unknown_version_warns),
	    cmocka_unit_test(manifest_lines),
	    cmocka_unit_test(percent_encoding),
	    cmocka_unit_test(paths_outside_the_bag),
	    cmocka_unit_test(warnings_of_the_suite),
	    cmocka_unit_test(duplicates_by_version),
	    cmocka_unit_test(case_and_normalization_twins),
	    cmocka_unit_test(every_manifest_lists_every_file),
	    cmocka_unit_test(tag_manifests),
	    cmocka_unit_test(unknown_algorithm_warns),
	    cmocka_unit_test(manifest_syntax),
	    cmocka_unit_test(nul_and_bad_utf8),
	    cmocka_unit_test(encodings),
	    cmocka_unit_test(bag_info),
	    cmocka_unit_test(fetch),
	    cmocka_unit_test(api_misuse),
	    cmocka_unit_test(hundred_megabyte_line),
	    cmocka_unit_test(million_lines),
	    cmocka_unit_test(allocation_failures),
	    cmocka_unit_test(writer_round_trip),
	    cmocka_unit_test(writer_refuses),
	    cmocka_unit_test(writer_bag_size),
	    cmocka_unit_test(writer_allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
