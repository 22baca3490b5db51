/*
 * tests/fuzz/fuzz_jsonw.c: the JSON writer on hostile strings.
 *
 * Properties: the document written from any bytes (as a key, a string,
 * and the halves of the input) is valid JSON to jansson, and a string
 * that was valid UTF-8 without NUL reads back byte for byte.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/jsonw.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_buf b;
	struct lf_jsonw w;
	json_t *j;
	const char *s;

	lf_buf_init(&b, 64 * size + 256);
	lf_jsonw_init(&w, &b);
	lf_jsonw_object(&w);
	lf_jsonw_keyn(&w, data, size);
	lf_jsonw_array(&w);
	lf_jsonw_string(&w, data, size);
	lf_jsonw_string(&w, data, size / 2);
	lf_jsonw_int(&w, (int64_t)size);
	lf_jsonw_end(&w);
	lf_jsonw_end(&w);
	if (lf_jsonw_finish(&w, NULL) != LF_OK)
		abort();
	if ((j = json_loadb((const char *)b.data, b.len, 0, NULL)) == NULL)
		abort();
	s = json_string_value(
	    json_array_get(json_object_iter_value(json_object_iter(j)), 0));
	if (s == NULL)
		abort();
	if (lf_utf8_valid(data, size) && memchr(data, '\0', size) == NULL &&
	    (strlen(s) != size || memcmp(s, data, size) != 0))
		abort();
	json_decref(j);
	lf_buf_release(&b);
	return 0;
}
