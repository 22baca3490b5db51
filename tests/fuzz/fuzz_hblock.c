/*
 * tests/fuzz/fuzz_hblock.c: the header block splitter on hostile bytes.
 *
 * Properties: the fields' raw spans, end to end, are the start of the
 * input; each name and value lies inside its field; the body starts past
 * the last field, or at the end when the block has no empty line.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lf/hblock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
inside(const struct lf_hfield *f, const uint8_t *p, size_t n)
{
	return p >= f->raw && n <= f->raw_len &&
	    (size_t)(p - f->raw) <= f->raw_len - n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_hblock b;
	size_t i, at = 0;

	if (lf_hblock_parse(data, size, 64, &b, NULL, NULL, NULL) != LF_OK)
		return 0;
	if (b.count > 65)
		abort();
	for (i = 0; i < b.count; i++) {
		const struct lf_hfield *f = &b.fields[i];
		if (f->offset != at || f->raw != data + at || f->raw_len == 0)
			abort();
		if (!inside(f, f->name, f->name_len) ||
		    !inside(f, f->value, f->value_len))
			abort();
		at += f->raw_len;
	}
	if (b.complete ? b.body_offset <= at || b.body_offset > size :
	                 at != size || b.body_offset != size)
		abort();
	lf_hblock_release(&b);
	return 0;
}
