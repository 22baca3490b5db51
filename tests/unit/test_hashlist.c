/*
 * Unit tests: lf_hashlist (known lists and the audit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/hashlist.h"

/* MD5 and SHA-256 of "one\n", "two\n", "three\n". */
#define MD5_ONE "5bbf5a52328e7439ae6e719dfe712200"
#define MD5_TWO "c193497a1a06b2c72230e6146ff47080"
#define MD5_THREE "febe6995bad457991331348f7b9c85fa"
#define SHA256_ONE \
	"2c8b08da5ce60398e1f19af0e5dccc744df274b826abe585eaba68c525434806"
#define SHA256_TWO \
	"27dd8ed44a83ff94d557f9fd0412ed5a8cbca69ea04922d88c01184a07300a5a"

struct warnings {
	int n;
	char last[128];
};

static void
count_warning(void *arg, const char *source, uint64_t line, const char *why)
{
	struct warnings *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s:%llu: %s", source,
	    (unsigned long long)line, why);
}

static struct lf_hashlist *
load(const struct lf_limits *l, const char *text, struct warnings *w,
    int want_rc)
{
	struct lf_hashlist *hl;
	struct lf_reader *r;

	assert_int_equal(lf_hashlist_new(l, &hl, NULL), LF_OK);
	assert_int_equal(lf_reader_from_mem((const uint8_t *)text, strlen(text),
	                     &r, NULL),
	    LF_OK);
	assert_int_equal(lf_hashlist_load(hl, r, "known", count_warning, w,
	                     NULL),
	    want_rc);
	lf_reader_free(r);
	return hl;
}

static void
digest_of(const char *content, struct lf_digest_result *res)
{
	struct lf_digest *d;

	assert_int_equal(lf_digest_new(LF_DIGEST_BIT(LF_MD5) |
	                         LF_DIGEST_BIT(LF_SHA256),
	                     &d, NULL),
	    LF_OK);
	assert_int_equal(lf_digest_update(d, content, strlen(content), NULL),
	    LF_OK);
	assert_int_equal(lf_digest_final(d, res, NULL), LF_OK);
	lf_digest_free(d);
}

static enum lf_audit_status
audit(struct lf_hashlist *hl, const char *name, const char *content,
    struct lf_audit_match *m)
{
	struct lf_digest_result res;

	digest_of(content, &res);
	lf_hashlist_audit(hl, (const uint8_t *)name, strlen(name), &res, m);
	return m->status;
}

static void
coreutils_forms(void **state)
{
	struct lf_limits l;
	struct warnings w = {0};
	struct lf_audit_match m;
	struct lf_hashlist *hl;

	(void)state;
	lf_limits_default(&l);
	hl = load(&l,
	    MD5_ONE "  one\n"
	            "\\" MD5_TWO "  two\\nlines\\\\\n" MD5_THREE " *bin,ary\r\n"
	            "SHA256 (tagged (x)) = " SHA256_ONE "\n"
	            "not a line\n" MD5_ONE "  \n"
	            "\\" MD5_ONE "  bad\\q\n",
	    &w, LF_OK);
	assert_int_equal(lf_hashlist_count(hl), 5);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.last, "known:7: bad escape in name");
	assert_int_equal(lf_hashlist_algs(hl),
	    LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA256));
	assert_int_equal(audit(hl, "one", "one\n", &m), LF_AUDIT_MATCHED);
	assert_int_equal(audit(hl, "two\nlines\\", "two\n", &m),
	    LF_AUDIT_MATCHED);
	assert_int_equal(audit(hl, "bin,ary", "three\n", &m), LF_AUDIT_MATCHED);
	assert_int_equal(audit(hl, "tagged (x)", "one\n", &m),
	    LF_AUDIT_MATCHED);
	assert_int_equal(m.equal, LF_DIGEST_BIT(LF_SHA256));
	lf_hashlist_free(hl);
}

static int
collect_missing(void *arg, const struct lf_known *k)
{
	struct warnings *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%.*s", (int)k->name_len,
	    (const char *)k->name);
	return 0;
}

static void
audit_classifies_like_hashdeep(void **state)
{
	struct lf_limits l;
	struct warnings w = {0}, missing = {0};
	struct lf_audit_match m;
	struct lf_hashlist *hl;

	(void)state;
	lf_limits_default(&l);
	hl = load(&l,
	    "%%%% HASHDEEP-1.0\n"
	    "%%%% size,md5,sha256,filename\n"
	    "## Invoked from: /x\n"
	    "##\n"
	    "4," MD5_ONE "," SHA256_ONE ",dir/one\n"
	    "4," MD5_TWO "," SHA256_TWO ",dir/two, with comma\n"
	    "6," MD5_THREE ",0000000000000000000000000000000000000000000000000"
	    "000000000000000,dir/three\n"
	    "4," MD5_ONE "," SHA256_ONE ",dir/gone\n",
	    &w, LF_OK);
	assert_int_equal(w.n, 0);
	assert_int_equal(lf_hashlist_count(hl), 4);
	assert_int_equal(audit(hl, "dir/one", "one\n", &m), LF_AUDIT_MATCHED);
	assert_int_equal(audit(hl, "dir/one", "changed\n", &m),
	    LF_AUDIT_CHANGED);
	assert_int_equal(audit(hl, "elsewhere", "two\n", &m), LF_AUDIT_MOVED);
	assert_int_equal(m.known->name_len, 19);
	assert_memory_equal(m.known->name, "dir/two, with comma", 19);
	/* MD5 agrees, SHA-256 does not: a collision, or a damaged list. */
	assert_int_equal(audit(hl, "dir/three", "three\n", &m),
	    LF_AUDIT_PARTIAL);
	assert_int_equal(m.equal, LF_DIGEST_BIT(LF_MD5));
	assert_int_equal(m.differ, LF_DIGEST_BIT(LF_SHA256));
	assert_int_equal(audit(hl, "dir/new", "brand new\n", &m), LF_AUDIT_NEW);
	assert_null(m.known);
	/* dir/gone has the same content as dir/one, which was matched
	 * by name: nothing accounted for it. */
	lf_hashlist_foreach_missing(hl, collect_missing, &missing);
	assert_int_equal(missing.n, 1);
	assert_string_equal(missing.last, "dir/gone");
	lf_hashlist_free(hl);
}

static void
wrong_size_is_partial(void **state)
{
	struct lf_limits l;
	struct warnings w = {0};
	struct lf_audit_match m;
	struct lf_hashlist *hl;

	(void)state;
	lf_limits_default(&l);
	hl = load(&l,
	    "%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n"
	    "99," MD5_ONE ",one\n",
	    &w, LF_OK);
	assert_int_equal(audit(hl, "one", "one\n", &m), LF_AUDIT_PARTIAL);
	assert_true(m.size_differs);
	lf_hashlist_free(hl);
}

static void
json_lines_keep_names_exactly(void **state)
{
	struct lf_limits l;
	struct warnings w = {0};
	struct lf_audit_match m;
	struct lf_hashlist *hl;
	struct lf_digest_result res;

	(void)state;
	lf_limits_default(&l);
	hl = load(&l,
	    "{\"name\":\"a\\u0000b\",\"size\":4,\"md5\":\"" MD5_ONE "\"}\n"
	    "{\"name\":\"bad\\ufffd\",\"name_hex\":\"626164ff\",\"md5\":\"" MD5_TWO
	    "\",\"tlsh\":null}\n"
	    "{\"name\":\"x\"}\n"
	    "[1]\n",
	    &w, LF_OK);
	assert_int_equal(lf_hashlist_count(hl), 2);
	assert_int_equal(w.n, 2);
	digest_of("one\n", &res);
	lf_hashlist_audit(hl, (const uint8_t *)"a\0b", 3, &res, &m);
	assert_int_equal(m.status, LF_AUDIT_MATCHED);
	digest_of("two\n", &res);
	lf_hashlist_audit(hl, (const uint8_t *)"bad\xff", 4, &res, &m);
	assert_int_equal(m.status, LF_AUDIT_MATCHED);
	lf_hashlist_free(hl);
}

static void
limits_hold(void **state)
{
	struct lf_limits l;
	struct warnings w = {0};
	struct lf_hashlist *hl;
	char line[600];

	(void)state;
	lf_limits_default(&l);
	l.list_entries = 2;
	hl = load(&l, MD5_ONE "  a\n" MD5_ONE "  b\n" MD5_ONE "  c\n", &w,
	    LF_E_LIMIT);
	assert_int_equal(lf_hashlist_count(hl), 2);
	lf_hashlist_free(hl);
	lf_limits_default(&l);
	l.list_line = 256;
	memset(line, 'n', sizeof(line));
	memcpy(line, MD5_ONE "  ", 34);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	hl = load(&l, line, &w, LF_OK);
	assert_int_equal(lf_hashlist_count(hl), 0);
	assert_int_equal(w.n, 1);
	lf_hashlist_free(hl);
}

static void
writers(void **state)
{
	struct lf_digest_result res;
	struct lf_buf b;
	struct lf_error e;
	char *argv[] = {"lf-hash", "--hashdeep", "x"};

	(void)state;
	lf_buf_init(&b, 4096);
	assert_int_equal(lf_hashlist_coreutils_line(&b, "ab",
	                     (const uint8_t *)"plain", 5, NULL),
	    LF_OK);
	assert_int_equal(lf_hashlist_coreutils_line(&b, "cd",
	                     (const uint8_t *)"a\nb\\c\rd", 7, NULL),
	    LF_OK);
	assert_string_equal((char *)b.data,
	    "ab  plain\n\\cd  a\\nb\\\\c\\rd\n");
	lf_buf_reset(&b);
	assert_int_equal(lf_hashlist_hashdeep_header(&b,
	                     LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA256),
	                     "/cwd", 3, argv, NULL),
	    LF_OK);
	assert_string_equal((char *)b.data,
	    "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n"
	    "## Invoked from: /cwd\n## $ lf-hash --hashdeep x\n##\n");
	assert_int_equal(lf_hashlist_hashdeep_header(&b,
	                     LF_DIGEST_BIT(LF_SHA512), "/", 0, argv, &e),
	    LF_E_INVAL);
	lf_buf_reset(&b);
	digest_of("one\n", &res);
	assert_int_equal(lf_hashlist_hashdeep_line(&b,
	                     LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA256),
	                     &res, (const uint8_t *)"a,b", 3, NULL),
	    LF_OK);
	assert_string_equal((char *)b.data,
	    "4," MD5_ONE "," SHA256_ONE ",a,b\n");
	assert_int_equal(lf_hashlist_hashdeep_line(&b, LF_DIGEST_BIT(LF_MD5),
	                     &res, (const uint8_t *)"a\nb", 3, &e),
	    LF_E_FORMAT);
	assert_int_equal(b.len, strlen("4," MD5_ONE "," SHA256_ONE ",a,b\n"));
	lf_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(coreutils_forms),
	    cmocka_unit_test(audit_classifies_like_hashdeep),
	    cmocka_unit_test(wrong_size_is_partial),
	    cmocka_unit_test(json_lines_keep_names_exactly),
	    cmocka_unit_test(limits_hold),
	    cmocka_unit_test(writers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
