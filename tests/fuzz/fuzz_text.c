/*
 * tests/fuzz/fuzz_text.c: names from hostile bytes.
 *
 * Properties: the visible escape of any bytes is valid UTF-8 without
 * control characters, and any bytes survive a round trip through the JSON
 * name form exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/json.h"
#include "lf/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_buf esc, back;
	json_t *obj, *again;
	char *text;
	size_t i;

	lf_buf_init(&esc, 16 * size + 16);
	if (lf_escape_visible(&esc, data, size, 0, NULL) != LF_OK)
		abort();
	if (!lf_utf8_valid(esc.data, esc.len))
		abort();
	for (i = 0; i < esc.len; i++) {
		if (esc.data[i] < 0x20 || esc.data[i] == 0x7f)
			abort();
	}
	if (lf_escape_needed(data, size) !=
	    (esc.len != size ||
	        (size > 0 && memcmp(esc.data, data, size) != 0)))
		abort();
	lf_buf_release(&esc);

	if ((obj = json_object()) == NULL)
		return 0;
	if (lf_json_set_name(obj, "name", data, size, NULL) == LF_OK &&
	    (text = json_dumps(obj, JSON_COMPACT)) != NULL) {
		again = json_loads(text, JSON_ALLOW_NUL, NULL);
		lf_buf_init(&back, size + 1);
		if (again == NULL ||
		    lf_json_get_name(again, "name", &back, NULL) != LF_OK ||
		    back.len != size ||
		    (size > 0 && memcmp(back.data, data, size) != 0))
			abort();
		lf_buf_release(&back);
		json_decref(again);
		free(text);
	}
	json_decref(obj);
	return 0;
}
