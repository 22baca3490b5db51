/*
 * Unit tests: lf_upload, the upload profiles.
 *
 * The profiles shipped in profiles/upload load by name and say what the
 * product promises (symantec-ess: 500,000,000 bytes, AES zips with
 * "infected"; virustotal: 650 MB; strong: CMS required).  A profile with
 * a key missing, misspelt or unknown, a wrong type or value, or a name
 * other than its file's is refused: a profile decides how strongly a live
 * sample is sealed, so nothing falls back to a default.  Eligibility
 * checks the sealed size against the limit, at and past it, and CMS
 * against what the profile asks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lf/upload.h"

static const char good[] =
    "{\"format\": \"lf-upload-profile\", \"format_version\": 1,"
    " \"name\": \"test-1\", \"destination\": \"a test\","
    " \"sample_limit\": 1000,"
    " \"seal\": {\"method\": \"zip-zipcrypto\", \"password\": \"pw 1\"},"
    " \"cms\": \"optional\"}";

static int
parse(const char *json, struct lf_upload_profile **p, struct lf_error *err)
{
	return lf_upload_parse((const uint8_t *)json, strlen(json), p, err);
}

static void
test_parse_good(void **state)
{
	struct lf_upload_profile *p;
	struct lf_error err;

	(void)state;
	assert_int_equal(parse(good, &p, &err), LF_OK);
	assert_string_equal(p->name, "test-1");
	assert_string_equal(p->destination, "a test");
	assert_string_equal(p->password, "pw 1");
	assert_int_equal(p->sample_limit, 1000);
	assert_int_equal(p->seal, LF_UPLOAD_ZIP_ZIPCRYPTO);
	assert_int_equal(p->cms, LF_UPLOAD_CMS_OPTIONAL);
	assert_string_equal(lf_upload_seal_name(p->seal), "zip-zipcrypto");
	assert_string_equal(lf_upload_cms_name(p->cms), "optional");
	lf_upload_free(p);
	lf_upload_free(NULL);
}

/* good with from replaced by to: refused, saying want. */
static void
refused(const char *from, const char *to, const char *want)
{
	struct lf_upload_profile *p = NULL;
	struct lf_error err;
	char doc[2048];
	const char *at = strstr(good, from);

	assert_non_null(at);
	(void)snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - good), good, to,
	    at + strlen(from));
	if (parse(doc, &p, &err) != LF_E_FORMAT)
		fail_msg("accepted: %s", doc);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s' does not say '%s' (%s)", err.msg, want, doc);
	assert_null(p);
}

static void
test_parse_refuses(void **state)
{
	(void)state;
	refused("lf-upload-profile", "lf-gateway-profile", "\"format\"");
	refused("\"format_version\": 1", "\"format_version\": 2",
	    "format_version");
	refused("\"format_version\": 1", "\"format_version\": \"1\"",
	    "format_version");
	refused("test-1", "Test_1", "\"name\"");
	refused("test-1", "", "\"name\"");
	refused("\"a test\"", "\"\"", "destination");
	refused("1000", "0", "sample_limit");
	refused("1000", "-5", "sample_limit");
	refused("1000", "1e9", "sample_limit");
	refused("zip-zipcrypto", "zip-none", "seal.method");
	refused("\"pw 1\"", "\"\"", "seal.password");
	refused("\"pw 1\"", "\"caf\\u00e9\"", "seal.password");
	refused("\"optional\"", "\"maybe\"", "\"cms\"");
	/* A misspelt key, an extra one, and one missing. */
	refused("\"cms\"", "\"cmss\"", "unknown key \"cmss\"");
	refused("\"password\": \"pw 1\"",
	    "\"password\": \"pw 1\", \"level\": 0",
	    "unknown key \"seal.level\"");
	refused(", \"cms\": \"optional\"", "", "\"cms\"");
	refused("\"destination\": \"a test\",",
	    "\"destination\": \"a\", \"destination\": \"b\",", "duplicate");
	refused("{\"format\"", "[{\"format\"", "");
}

static void
test_load(void **state)
{
	char dir[] = "/tmp/test_upload.XXXXXX", path[256];
	struct lf_upload_profile *p = NULL;
	struct lf_error err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/test-1.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(good, f);
	fclose(f);
	assert_int_equal(lf_upload_load(dir, "test-1", &p, &err), LF_OK);
	assert_int_equal(p->sample_limit, 1000);
	lf_upload_free(p);
	/* By path: a name with a "/". */
	assert_int_equal(lf_upload_load("/nonexistent", path, &p, &err), LF_OK);
	lf_upload_free(p);
	/* A file whose profile calls itself otherwise. */
	(void)snprintf(path, sizeof(path), "%s/other.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(good, f);
	fclose(f);
	assert_int_equal(lf_upload_load(dir, "other", &p, &err), LF_E_FORMAT);
	assert_non_null(strstr(err.msg, "calls itself"));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(lf_upload_load(dir, "other", &p, &err), LF_E_IO);
	assert_int_equal(lf_upload_load(dir, "Bad_Name", &p, &err), LF_E_INVAL);
	assert_int_equal(lf_upload_load(dir, "", &p, &err), LF_E_INVAL);
	/* Larger than a profile may be. */
	(void)snprintf(path, sizeof(path), "%s/big.json", dir);
	assert_non_null(f = fopen(path, "w"));
	for (int i = 0; i < LF_UPLOAD_FILE_MAX + 10; i++)
		fputc(' ', f);
	fclose(f);
	assert_int_equal(lf_upload_load(dir, "big", &p, &err), LF_E_FORMAT);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(path, sizeof(path), "%s/test-1.json", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_shipped(void **state)
{
	struct lf_upload_profile *p;
	struct lf_error err;
	const char *top = getenv("LF_TOP");
	char dir[4096];

	(void)state;
	/* tests/run.sh sets LF_TOP; run by hand, from the source tree. */
	(void)snprintf(dir, sizeof(dir), "%s/profiles/upload",
	    top != NULL ? top : ".");
	assert_int_equal(lf_upload_load(dir, "symantec-ess", &p, &err), LF_OK);
	assert_int_equal(p->sample_limit, 500000000);
	assert_int_equal(p->seal, LF_UPLOAD_ZIP_AES256);
	assert_string_equal(p->password, "infected");
	assert_int_equal(p->cms, LF_UPLOAD_CMS_OPTIONAL);
	lf_upload_free(p);
	assert_int_equal(lf_upload_load(dir, "virustotal", &p, &err), LF_OK);
	assert_int_equal(p->sample_limit, 650000000);
	lf_upload_free(p);
	assert_int_equal(lf_upload_load(dir, "strong", &p, &err), LF_OK);
	assert_int_equal(p->cms, LF_UPLOAD_CMS_REQUIRED);
	lf_upload_free(p);
}

static void
test_eligible(void **state)
{
	struct lf_upload_profile *p;
	struct lf_error err;
	char why[LF_UPLOAD_REASON_MAX];

	(void)state;
	assert_int_equal(parse(good, &p, &err), LF_OK);
	assert_true(lf_upload_eligible(p, 1000, false, why));
	assert_string_equal(why, "");
	assert_true(lf_upload_eligible(p, 1000, true, why));
	assert_false(lf_upload_eligible(p, 1001, false, why));
	assert_string_equal(why,
	    "sealed size 1001 bytes is over the test-1 "
	    "limit of 1000");
	p->cms = LF_UPLOAD_CMS_REQUIRED;
	assert_false(lf_upload_eligible(p, 10, false, why));
	assert_non_null(strstr(why, "requires"));
	assert_true(lf_upload_eligible(p, 10, true, why));
	p->cms = LF_UPLOAD_CMS_NONE;
	assert_false(lf_upload_eligible(p, 10, true, why));
	assert_true(lf_upload_eligible(p, 10, false, why));
	lf_upload_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_shipped),
	    cmocka_unit_test(test_eligible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
