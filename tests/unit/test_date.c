/*
 * Unit tests: lf_date.
 *
 * Expected UTC values were computed apart from the code under test, with
 * Python's calendar.timegm and checked against `date -u -d ... +%s`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lf/date.h"

struct vec {
	const char *text;
	int64_t utc;
	int offset;
	bool unknown;
	bool obsolete;
};

static void
check(const struct vec *v)
{
	struct lf_date d;
	bool mismatch = true;
	int rc;

	rc = lf_date_parse((const uint8_t *)v->text, strlen(v->text), &d,
	    &mismatch);
	if (rc != LF_OK)
		fail_msg("\"%s\": rejected", v->text);
	if (d.utc != v->utc || d.offset != v->offset ||
	    d.zone_unknown != v->unknown || d.obsolete != v->obsolete)
		fail_msg("\"%s\": utc %lld offset %d unknown %d obsolete %d, "
		         "want %lld %d %d %d",
		    v->text, (long long)d.utc, d.offset, d.zone_unknown,
		    d.obsolete, (long long)v->utc, v->offset, v->unknown,
		    v->obsolete);
	assert_false(mismatch);
}

static void
check_all(const struct vec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check(&v[i]);
}

/* RFC 5322 appendix A. */
static void
rfc5322_appendix_a(void **state)
{
	static const struct vec v[] = {
	    /* A.1.1, A.1.2, A.1.3 */
	    {"Fri, 21 Nov 1997 09:55:06 -0600", 880127706, -360, false, false},
	    {"Tue, 1 Jul 2003 10:52:37 +0200", 1057049557, 120, false, false},
	    {"Thu, 13 Feb 1969 23:32:54 -0330", -27723426, -210, false, false},
	    /* A.5: folding white space and a trailing comment */
	    {"Thu,\r\n      13\r\n        Feb\r\n          1969\r\n"
	     "      23:32\r\n               -0330 (Newfoundland Time)",
	        -27723480, -210, false, false},
	    /* A.6.2: obsolete year and zone */
	    {"21 Nov 97 09:55:06 GMT", 880106106, 0, false, true},
	    /* A.6.3: obsolete white space and comments */
	    {"Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 880127706, -360,
	        false, true},
	};

	(void)state;
	check_all(v, sizeof(v) / sizeof(v[0]));
}

/* What real mail carries. */
static void
real_world_forms(void **state)
{
	static const struct vec v[] = {
	    {"Tue, 3 Nov 2026 09:14:22 +0100 (CET)", 1793693662, 60, false,
	        false},
	    {"3 Nov 26 9:14 GMT", 1793697240, 0, false, true},
	    {"Tue,  3 Nov 2026 09:14:22 +0100", 1793693662, 60, false, false},
	    {"Tue, 03 Nov 2026 09:14:22 +01:00", 1793693662, 60, false, true},
	    {"Tue Nov  3 09:14:22 2026", 1793697262, 0, true, true},
	    {"2026-11-03T09:14:22+01:00", 1793693662, 60, false, true},
	    {"2026-11-03T08:14:22Z", 1793693662, 0, false, true},
	    {"2026-11-03 09:14:22.123+0100", 1793693662, 60, false, true},
	    {"2026-11-03T09:14:22", 1793697262, 0, true, true},
	    {"  tue, 3 nov 2026 09:14:22 +0100  ", 1793693662, 60, false,
	        false},
	    {"Tue, 3 Nov 2026 09:14 +0100", 1793693640, 60, false, false},
	    {"Tue, 3 Nov 2026 09:14:22", 1793697262, 0, true, true},
	    {"Tue, 3 Nov 2026 09:14:22 -0000", 1793697262, 0, true, false},
	    {"Tue, 3 Nov 2026 09:14:22 +0000", 1793697262, 0, false, false},
	    {"(x) Tue, 3 Nov 2026 09:14:22 +0100", 1793693662, 60, false, true},
	    {"Tue, 3 Nov 2026 09:14:22 +0100 ((nested) (CET) \\) )", 1793693662,
	        60, false, false},
	    {"Tue, 3 Nov 2026 09:14:22 +0100 CET", 1793693662, 60, false, true},
	    {"Tuesday, 03-Nov-26 09:14:22 GMT", 1793697262, 0, false, true},
	    {"Tue Nov  3 09:14:22 CET 2026", 1793697262, 0, true, true},
	    {"Tue Nov  3 09:14:22 2026 +0100", 1793693662, 60, false, true},
	    {"Tue, 3 November 2026 09:14:22 +0100", 1793693662, 60, false,
	        true},
	    {"Tue, 3 Nov 2026 09:14:22+0100", 1793693662, 60, false, true},
	    {"Tue, 3 Nov 2026 09:14:22 +9959", 1793337322, 5999, false, false},
	};

	(void)state;
	check_all(v, sizeof(v) / sizeof(v[0]));
}

/* RFC 5322 section 4.3 zones; military letters and others are unknown. */
static void
named_zones(void **state)
{
	static const struct vec v[] = {
	    {"3 Nov 2026 09:14:22 UT", 1793697262, 0, false, true},
	    {"3 Nov 2026 09:14:22 GMT", 1793697262, 0, false, true},
	    {"3 Nov 2026 09:14:22 EST", 1793715262, -300, false, true},
	    {"3 Nov 2026 09:14:22 EDT", 1793711662, -240, false, true},
	    {"3 Nov 2026 09:14:22 CST", 1793718862, -360, false, true},
	    {"3 Nov 2026 09:14:22 CDT", 1793715262, -300, false, true},
	    {"3 Nov 2026 09:14:22 MST", 1793722462, -420, false, true},
	    {"3 Nov 2026 09:14:22 MDT", 1793718862, -360, false, true},
	    {"3 Nov 2026 09:14:22 PST", 1793726062, -480, false, true},
	    {"3 Nov 2026 09:14:22 pdt", 1793722462, -420, false, true},
	    {"3 Nov 2026 09:14:22 Z", 1793697262, 0, true, true},
	    {"3 Nov 2026 09:14:22 A", 1793697262, 0, true, true},
	    {"3 Nov 2026 09:14:22 m", 1793697262, 0, true, true},
	    {"3 Nov 2026 09:14:22 Y", 1793697262, 0, true, true},
	    {"3 Nov 2026 09:14:22 CET", 1793697262, 0, true, true},
	};

	(void)state;
	check_all(v, sizeof(v) / sizeof(v[0]));
}

/* Year windows, leap years, leap seconds and the ends of the range. */
static void
years_and_edges(void **state)
{
	static const struct vec v[] = {
	    {"1 Jan 1900 00:00:00 +0000", -2208988800, 0, false, false},
	    {"31 Dec 1899 23:59:59 +0000", -2208988801, 0, false, false},
	    {"1 Jan 00 00:00:00 +0000", 946684800, 0, false, true},
	    {"31 Dec 99 00:00:00 +0000", 946598400, 0, false, true},
	    {"31 Dec 49 23:59:59 +0000", 2524607999, 0, false, true},
	    {"1 Jan 50 00:00:00 +0000", -631152000, 0, false, true},
	    {"3 Nov 049 09:14 +0000", -636216360, 0, false, true},
	    {"3 Nov 126 09:14 +0000", 1793697240, 0, false, true},
	    {"29 Feb 2000 12:00:00 +0000", 951825600, 0, false, false},
	    {"Sat, 31 Dec 2016 23:59:60 +0000", 1483228800, 0, false, false},
	    {"1 Jan 0001 00:00:00 +0000", -62135596800, 0, false, false},
	    {"1 Jan 0000 00:00:00 +0000", -62167219200, 0, false, false},
	    {"31 Dec 9999 23:59:59 +0000", 253402300799, 0, false, false},
	};

	(void)state;
	check_all(v, sizeof(v) / sizeof(v[0]));
}

static void
rejects_garbage(void **state)
{
	static const char *const bad[] = {
	    "",
	    "   ",
	    "(only a comment)",
	    "garbage",
	    "Tue, 30 Feb 2026 09:14:22 +0100",
	    "Tue, 29 Feb 2026 09:14:22 +0100",
	    "29 Feb 1900 00:00:00 +0000",
	    "31 Apr 2026 00:00:00 +0000",
	    "0 Nov 2026 09:14:22 +0100",
	    "32 Jan 2026 09:14:22 +0100",
	    "Tue, 3 Foo 2026 09:14:22 +0100",
	    "Tue, 3 Nov 2026 25:14:22 +0100",
	    "Tue, 3 Nov 2026 24:00:00 +0100",
	    "Tue, 3 Nov 2026 09:60:22 +0100",
	    "Tue, 3 Nov 2026 09:14:61 +0100",
	    "Tue, 3 Nov 2026 09:14:2 +0100",
	    "Tue, 3 Nov 2026 09 +0100",
	    "Tue, 3 Nov 2026",
	    "Tue, 3 Nov 2026 09:14:22 +0160",
	    "Tue, 3 Nov 2026 09:14:22 +010",
	    "Tue, 3 Nov 2026 09:14:22 +0100 (CET",
	    "Tue, 3 Nov 2026 09:14:22 +0100 junk junk",
	    "Tue, 3 Nov 2026 09:14:22 +0100 Europe",
	    "Tue, 3 Nov 2026 09:14:22 +0100\r\nX: y",
	    "Tue, 3 Nov 7 09:14:22 +0100",
	    "Tue, 3 Nov 20260 09:14:22 +0100",
	    "Tue, 123 Nov 2026 09:14:22 +0100",
	    "Foo, 3 Nov 2026 09:14:22 +0100",
	    "Tue, Nov 2026 09:14:22 +0100",
	    "2026-13-03T09:14:22Z",
	    "2026-11-31T09:14:22Z",
	    "2026-11-03T09:14:22+25:00",
	    "2026-11-03",
	    "2026-11-03T09:14:22Zjunk",
	};
	struct lf_date d, before;
	bool mismatch = true;
	size_t i;

	(void)state;
	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = before;
		if (lf_date_parse((const uint8_t *)bad[i], strlen(bad[i]), &d,
		        &mismatch) != LF_E_FORMAT)
			fail_msg("\"%s\": accepted", bad[i]);
		/* Out-parameters are written only on success. */
		assert_memory_equal(&d, &before, sizeof(d));
		assert_true(mismatch);
	}
	assert_int_equal(lf_date_parse(NULL, 0, &d, NULL), LF_E_FORMAT);
}

/* A NUL is a byte like any other: not a terminator. */
static void
nul_is_data(void **state)
{
	static const char text[] = "Tue, 3 Nov 2026 09:14:22 +0100\0 junk";
	struct lf_date d;

	(void)state;
	assert_int_equal(lf_date_parse((const uint8_t *)text, sizeof(text) - 1,
	                     &d, NULL),
	    LF_E_FORMAT);
	assert_int_equal(lf_date_parse((const uint8_t *)text, 30, &d, NULL),
	    LF_OK);
	assert_int_equal(d.utc, 1793693662);
}

static void
weekday_checked(void **state)
{
	static const char *const wrong[] = {
	    "Mon, 3 Nov 2026 09:14:22 +0100",
	    "Wednesday, 3 Nov 2026 09:14:22 +0100",
	    "Sun Nov  3 09:14:22 2026",
	};
	struct lf_date d;
	bool mismatch;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		mismatch = false;
		assert_int_equal(lf_date_parse((const uint8_t *)wrong[i],
		                     strlen(wrong[i]), &d, &mismatch),
		    LF_OK);
		assert_true(mismatch);
		assert_int_equal(d.utc % 60, 22);
	}
	/* The day of the date as written, not of the UTC instant. */
	mismatch = true;
	assert_int_equal(lf_date_parse((const uint8_t *)"Tue, 3 Nov 2026 "
	                                                "00:30:00 +0100",
	                     30, &d, &mismatch),
	    LF_OK);
	assert_false(mismatch);
	/* No day of the week: nothing to mismatch; NULL is allowed. */
	mismatch = true;
	assert_int_equal(lf_date_parse((const uint8_t *)"3 Nov 2026 09:14 GMT",
	                     20, &d, &mismatch),
	    LF_OK);
	assert_false(mismatch);
	assert_int_equal(lf_date_parse((const uint8_t *)"Mon, 3 Nov 2026 "
	                                                "09:14 GMT",
	                     25, &d, NULL),
	    LF_OK);
}

static void
rfc3339_output(void **state)
{
	static const struct {
		int64_t utc;
		const char *text;
	} v[] = {
	    {0, "1970-01-01T00:00:00Z"},
	    {-1, "1969-12-31T23:59:59Z"},
	    {1793693662, "2026-11-03T08:14:22Z"},
	    {951825600, "2000-02-29T12:00:00Z"},
	    {-62167219200, "0000-01-01T00:00:00Z"},
	    {253402300799, "9999-12-31T23:59:59Z"},
	};
	struct lf_date d;
	char out[32];
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		lf_date_rfc3339(v[i].utc, out);
		assert_string_equal(out, v[i].text);
	}
	/* Extremes do not overflow the buffer. */
	lf_date_rfc3339(INT64_MIN, out);
	assert_true(strlen(out) < sizeof(out));
	lf_date_rfc3339(INT64_MAX, out);
	assert_true(strlen(out) < sizeof(out));
	/* Round trip over 0000-9999, every 1234567 seconds or so. */
	for (t = -62167219200; t <= 253402300799; t += 1234567891) {
		lf_date_rfc3339(t, out);
		assert_int_equal(lf_date_parse((const uint8_t *)out,
		                     strlen(out), &d, NULL),
		    LF_OK);
		assert_int_equal(d.utc, t);
		assert_false(d.zone_unknown);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc5322_appendix_a),
	    cmocka_unit_test(real_world_forms),
	    cmocka_unit_test(named_zones),
	    cmocka_unit_test(years_and_edges),
	    cmocka_unit_test(rejects_garbage),
	    cmocka_unit_test(nul_is_data),
	    cmocka_unit_test(weekday_checked),
	    cmocka_unit_test(rfc3339_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
