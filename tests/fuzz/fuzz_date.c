/*
 * tests/fuzz/fuzz_date.c: the date parser on hostile bytes.
 *
 * Properties: a date that parses has a zone within +-99:59 and, when its
 * instant falls in the years 0000-9999, its RFC 3339 form parses back
 * (through the ISO 8601 form) to the same instant, in UTC.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIRST (-62167219200LL) /* 0000-01-01T00:00:00Z */
#define LAST 253402300799LL    /* 9999-12-31T23:59:59Z */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_date d, back;
	bool mismatch;
	char text[32];

	if (lf_date_parse(data, size, &d, &mismatch) != LF_OK)
		return 0;
	if (d.offset < -5999 || d.offset > 5999)
		abort();
	if (d.zone_unknown && d.offset != 0)
		abort();
	lf_date_rfc3339(d.utc, text);
	if (d.utc < FIRST || d.utc > LAST)
		return 0;
	if (strlen(text) != 20)
		abort();
	if (lf_date_parse((const uint8_t *)text, strlen(text), &back, NULL) !=
	    LF_OK)
		abort();
	if (back.utc != d.utc || back.offset != 0 || back.zone_unknown)
		abort();
	return 0;
}
