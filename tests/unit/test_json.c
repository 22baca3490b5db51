/*
 * Unit tests: lf_json (names kept exactly).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/json.h"
#include "lf/version.h"

static void
round_trip(const uint8_t *p, size_t n, bool want_hex)
{
	json_t *obj = json_object(), *back;
	struct lf_buf out;
	char *text;

	assert_non_null(obj);
	assert_int_equal(lf_json_set_name(obj, "name", p, n, NULL), LF_OK);
	assert_int_equal(json_object_get(obj, "name_hex") != NULL, want_hex);
	/* Through text, as a reader of the JSON Lines would get it. */
	text = json_dumps(obj, JSON_COMPACT);
	assert_non_null(text);
	back = json_loads(text, JSON_ALLOW_NUL, NULL);
	assert_non_null(back);
	lf_buf_init(&out, 1 << 20);
	assert_int_equal(lf_json_get_name(back, "name", &out, NULL), LF_OK);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, p, n);
	lf_buf_release(&out);
	json_decref(back);
	json_decref(obj);
	free(text);
}

static void
names_survive_exactly(void **state)
{
	uint8_t all[256];
	int i;

	(void)state;
	round_trip((const uint8_t *)"plain.txt", 9, false);
	round_trip((const uint8_t *)"a\nb,c\\d", 7, false);
	round_trip((const uint8_t *)"nul\0byte", 8, false);
	round_trip((const uint8_t *)"caf\xc3\xa9", 5, false);
	round_trip((const uint8_t *)"bad\xff", 4, true);
	round_trip((const uint8_t *)"\xc0\xaf", 2, true);
	round_trip((const uint8_t *)"", 0, false);
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)(255 - i);
	round_trip(all, sizeof(all), true);
}

static void
readable_form_replaces_bad_bytes(void **state)
{
	json_t *obj = json_object();

	(void)state;
	assert_int_equal(lf_json_set_name(obj, "name",
	                     (const uint8_t *)"a\xff"
	                                      "b",
	                     3, NULL),
	    LF_OK);
	assert_string_equal(json_string_value(json_object_get(obj, "name")),
	    "a\xef\xbf\xbd"
	    "b");
	assert_string_equal(json_string_value(json_object_get(obj, "name_hex")),
	    "61ff62");
	/* Setting a valid name again drops the stale hex member. */
	assert_int_equal(lf_json_set_name(obj, "name", (const uint8_t *)"ok", 2,
	                     NULL),
	    LF_OK);
	assert_null(json_object_get(obj, "name_hex"));
	json_decref(obj);
}

static void
get_name_rejects_malformed(void **state)
{
	struct lf_buf out;
	json_t *obj;

	(void)state;
	lf_buf_init(&out, 100);
	obj = json_pack("{s:s}", "name_hex", "zz");
	assert_int_equal(lf_json_get_name(obj, "name", &out, NULL),
	    LF_E_FORMAT);
	json_decref(obj);
	obj = json_pack("{s:i}", "name", 3);
	assert_int_equal(lf_json_get_name(obj, "name", &out, NULL),
	    LF_E_FORMAT);
	json_decref(obj);
	obj = json_object();
	assert_int_equal(lf_json_get_name(obj, "name", &out, NULL),
	    LF_E_FORMAT);
	json_decref(obj);
	lf_buf_release(&out);
}

static void
document_header_and_line(void **state)
{
	json_t *doc;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	doc = lf_json_doc_new("lf-object", 1, "lf-test");
	assert_non_null(doc);
	fp = open_memstream(&text, &len);
	assert_int_equal(lf_json_write_line(doc, fp, NULL), LF_OK);
	fclose(fp);
	assert_string_equal(text,
	    "{\"format\":\"lf-object\",\"format_version\":1,"
	    "\"tool\":{\"name\":\"lf-test\",\"version\":\"" LF_VERSION
	    "\"}}\n");
	free(text);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_survive_exactly),
	    cmocka_unit_test(readable_form_replaces_bad_bytes),
	    cmocka_unit_test(get_name_rejects_malformed),
	    cmocka_unit_test(document_header_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
