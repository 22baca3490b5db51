/*
 * lf/date.h: dates in mail headers (RFC 5322 section 3.3, with the
 * obsolete forms of section 4.3 that real mail still carries).
 */
#ifndef LF_DATE_H
#define LF_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

struct lf_date {
	int64_t utc;       /* seconds since 1970-01-01T00:00:00Z */
	int offset;        /* the zone as written, in minutes east of UTC */
	bool zone_unknown; /* "-0000", or an obsolete zone RFC 5322 says to
			      read as unknown (military letters); utc then
			      takes the time as UTC */
	bool obsolete;     /* an obsolete form was read (two-digit year,
			      named zone, comments, missing seconds ...) */
};

/*
 * lf_date_parse: parse the n bytes at p, e.g. "Tue, 3 Nov 2026 09:14:22
 * +0100 (CET)".  The day of the week is optional and, when present, not
 * checked against the date (a mismatch is reported through *mismatch when
 * not NULL).  Returns LF_OK and fills *out, or LF_E_FORMAT (out untouched)
 * for text that is not a date.
 */
int lf_date_parse(const uint8_t *p, size_t n, struct lf_date *out,
    bool *weekday_mismatch);

/*
 * lf_date_days_from_civil: days since 1970-01-01 of the proleptic
 * Gregorian date y-m-d (m 1 to 12, d 1 to 31; H. Hinnant's
 * days_from_civil), exact for any year an int64_t day count can hold.
 */
int64_t lf_date_days_from_civil(int64_t y, int m, int d);

/*
 * lf_date_rfc3339: write "2026-11-03T08:14:22Z" (utc) and a NUL into out.
 */
void lf_date_rfc3339(int64_t utc, char out[32]);

#endif
