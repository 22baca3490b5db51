/*
 * lf_date.c: RFC 5322 dates, the obsolete forms of its section 4.3 and the
 * junk real mail carries (asctime, ISO 8601, "+01:00").
 *
 * The UTC value is computed with our own days-from-civil arithmetic
 * (proleptic Gregorian calendar): timegm and mktime depend on the process
 * time zone and locale, and a library must not.
 *
 * A leap second (":60") is accepted anywhere and counted as one second
 * past :59, so that "23:59:60" gives the same utc as the next day's
 * "00:00:00".  Fractions of a second in the ISO form are dropped.
 *
 * "obsolete" follows RFC 5322 itself: a comment or folding white space at
 * the end of the date, a one-digit day and a missing ":SS" are current
 * syntax, not obsolete; comments elsewhere, two- and three-digit years,
 * named and missing zones, white space around ':' or before ',' are.
 */
#include <stdio.h>
#include <string.h>

#include "lf/date.h"

struct cur {
	const uint8_t *p;
	size_t n;
	size_t i;
	bool obsolete;
};

struct fields {
	int64_t year;
	int month; /* 1-12 */
	int day;
	int hour;
	int minute;
	int second;
	int wday; /* 0 = Sunday, -1 when not given */
	int offset;
	bool zone_unknown;
};

static const char *const month_names[12] = {"january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october",
    "november", "december"};

static const char *const day_names[7] = {"sunday", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday"};

static bool
is_alpha(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* Does the word p[0..n) equal s, ignoring case? */
static bool
word_is(const uint8_t *p, size_t n, const char *s)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != (uint8_t)s[i])
			return false;
	return true;
}

/*
 * Index of the month or day named by the word, either as its three-letter
 * abbreviation (current syntax) or spelt out (junk, *full set), or -1.
 */
static int
name_index(const uint8_t *p, size_t n, const char *const *names, int count,
    bool *full)
{
	int k;

	for (k = 0; k < count; k++) {
		if (n == 3 && lower(p[0]) == (uint8_t)names[k][0] &&
		    lower(p[1]) == (uint8_t)names[k][1] &&
		    lower(p[2]) == (uint8_t)names[k][2]) {
			*full = false;
			return k;
		}
		if (n > 3 && word_is(p, n, names[k])) {
			*full = true;
			return k;
		}
	}
	return -1;
}

/*
 * Skip CFWS: white space, folding (CRLF or a bare LF followed by white
 * space, or a line end that ends the input) and comments, nested, with
 * quoted pairs.  Returns false for a broken comment or a line end that
 * does not fold.  *comment tells whether a comment was skipped.
 */
static bool
skip_cfws(struct cur *c, bool *comment)
{
	size_t depth = 0, j;

	*comment = false;
	while (c->i < c->n) {
		uint8_t ch = c->p[c->i];

		if (ch == '\r' || ch == '\n') {
			j = c->i + 1;
			if (ch == '\r' && j < c->n && c->p[j] == '\n')
				j++;
			if (j < c->n && c->p[j] != ' ' && c->p[j] != '\t')
				return false;
			c->i = j;
			continue;
		}
		if (depth > 0) {
			if (ch == '\\' && c->i + 1 < c->n)
				c->i++;
			else if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			c->i++;
			continue;
		}
		if (ch == ' ' || ch == '\t') {
			c->i++;
		} else if (ch == '(') {
			*comment = true;
			depth = 1;
			c->i++;
		} else {
			break;
		}
	}
	return depth == 0;
}

/* Skip CFWS where a comment is obsolete.  Returns whether any was there. */
static bool
skip_obs(struct cur *c, bool *bad)
{
	size_t start = c->i;
	bool comment;

	if (!skip_cfws(c, &comment))
		*bad = true;
	if (comment)
		c->obsolete = true;
	return c->i > start;
}

/* A run of letters at the cursor; returns its length (0 for none). */
static size_t
take_word(struct cur *c, const uint8_t **w)
{
	size_t start = c->i;

	while (c->i < c->n && is_alpha(c->p[c->i]))
		c->i++;
	*w = c->p + start;
	return c->i - start;
}

/* A run of digits (at most 18 are read into *v); returns its length. */
static size_t
take_number(struct cur *c, int64_t *v)
{
	size_t start = c->i;

	*v = 0;
	while (c->i < c->n && is_digit(c->p[c->i])) {
		if (c->i - start < 18)
			*v = *v * 10 + (c->p[c->i] - '0');
		c->i++;
	}
	return c->i - start;
}

static bool
peek(const struct cur *c, uint8_t ch)
{
	return c->i < c->n && c->p[c->i] == ch;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int64_t
lf_date_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * A zone: "+hhmm", "+hh:mm" (junk), or a name.  Returns false for text
 * that is none of these; a missing zone is the caller's business.
 */
static bool
parse_zone(struct cur *c, struct fields *f)
{
	static const struct {
		const char *name;
		int offset;
	} named[] = {{"ut", 0}, {"gmt", 0}, {"utc", 0}, {"est", -300},
	    {"edt", -240}, {"cst", -360}, {"cdt", -300}, {"mst", -420},
	    {"mdt", -360}, {"pst", -480}, {"pdt", -420}};
	const uint8_t *w;
	int64_t v, mm;
	size_t k, len;
	int sign;

	if (peek(c, '+') || peek(c, '-')) {
		sign = c->p[c->i] == '-' ? -1 : 1;
		c->i++;
		len = take_number(c, &v);
		if (len == 4) {
			mm = v % 100;
			v /= 100;
		} else if (len == 2 && peek(c, ':')) {
			c->i++;
			if (take_number(c, &mm) != 2)
				return false;
			c->obsolete = true;
		} else {
			return false;
		}
		if (mm > 59)
			return false;
		f->offset = sign * (int)(v * 60 + mm);
		f->zone_unknown = sign < 0 && f->offset == 0;
		return true;
	}
	len = take_word(c, &w);
	if (len == 0 || len > 5)
		return false;
	c->obsolete = true;
	f->offset = 0;
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		if (word_is(w, len, named[k].name)) {
			f->offset = named[k].offset;
			f->zone_unknown = false;
			return true;
		}
	}
	/*
	 * Military letters (RFC 822 had their signs backwards) and other
	 * names: RFC 5322 section 4.3 says to read them as "-0000".
	 */
	f->zone_unknown = true;
	return true;
}

/* "HH:MM[:SS]", with obsolete CFWS around the colons. */
static bool
parse_time(struct cur *c, struct fields *f, bool *bad)
{
	size_t len, save;
	bool save_obs;
	int64_t v;

	if ((len = take_number(c, &v)) < 1 || len > 2 || v > 23)
		return false;
	if (len == 1)
		c->obsolete = true; /* "9:14" is not even obsolete syntax */
	f->hour = (int)v;
	if (skip_obs(c, bad))
		c->obsolete = true;
	if (!peek(c, ':'))
		return false;
	c->i++;
	if (skip_obs(c, bad))
		c->obsolete = true;
	if (take_number(c, &v) != 2 || v > 59)
		return false;
	f->minute = (int)v;
	f->second = 0;
	save = c->i;
	save_obs = c->obsolete;
	if (skip_obs(c, bad))
		c->obsolete = true;
	if (!peek(c, ':')) {
		/* No seconds, which is current syntax: put the CFWS back. */
		c->i = save;
		c->obsolete = save_obs;
		return true;
	}
	c->i++;
	if (skip_obs(c, bad))
		c->obsolete = true;
	if (take_number(c, &v) != 2 || v > 60)
		return false;
	f->second = (int)v;
	return true;
}

/* A year of 2 to 4 digits, with the windows of RFC 5322 section 4.3. */
static bool
parse_year(struct cur *c, struct fields *f)
{
	int64_t v;

	switch (take_number(c, &v)) {
	case 2:
		f->year = v < 50 ? 2000 + v : 1900 + v;
		c->obsolete = true;
		return true;
	case 3:
		f->year = 1900 + v;
		c->obsolete = true;
		return true;
	case 4:
		f->year = v;
		return true;
	default:
		return false;
	}
}

/*
 * After the zone: a bare zone name some mailers add ("+0100 CET"), then
 * CFWS, which is current syntax, to the end.
 */
static bool
parse_end(struct cur *c)
{
	const uint8_t *w;
	bool comment;

	if (!skip_cfws(c, &comment))
		return false;
	if (c->i < c->n && is_alpha(c->p[c->i])) {
		if (take_word(c, &w) > 5)
			return false;
		c->obsolete = true;
		if (!skip_cfws(c, &comment))
			return false;
	}
	return c->i == c->n;
}

/* An optional zone, then the end. */
static bool
parse_zone_and_end(struct cur *c, struct fields *f)
{
	size_t start = c->i;
	bool comment;

	if (!skip_cfws(c, &comment))
		return false;
	if (c->i == c->n) {
		c->obsolete = true; /* no zone: obsolete, and unknown */
		f->offset = 0;
		f->zone_unknown = true;
		return true;
	}
	if (comment || c->i == start)
		c->obsolete = true; /* "09:14 (x) +0100", "09:14+0100" */
	if (!parse_zone(c, f))
		return false;
	return parse_end(c);
}

/* "2026-11-03T09:14:22.5+01:00"; the cursor is on the year. */
static bool
parse_iso(struct cur *c, struct fields *f)
{
	int64_t v, mm;
	bool comment;
	size_t len;
	int sign;

	c->obsolete = true;
	if (take_number(c, &v) != 4 || !peek(c, '-'))
		return false;
	f->year = v;
	c->i++;
	if (take_number(c, &v) != 2 || v < 1 || v > 12 || !peek(c, '-'))
		return false;
	f->month = (int)v;
	c->i++;
	if (take_number(c, &v) != 2)
		return false;
	f->day = (int)v;
	if (!(peek(c, 'T') || peek(c, 't') || peek(c, ' ')))
		return false;
	c->i++;
	if (take_number(c, &v) != 2 || v > 23 || !peek(c, ':'))
		return false;
	f->hour = (int)v;
	c->i++;
	if (take_number(c, &v) != 2 || v > 59)
		return false;
	f->minute = (int)v;
	f->second = 0;
	if (peek(c, ':')) {
		c->i++;
		if (take_number(c, &v) != 2 || v > 60)
			return false;
		f->second = (int)v;
		if (peek(c, '.') || peek(c, ',')) {
			c->i++;
			if (take_number(c, &v) == 0)
				return false;
		}
	}
	f->offset = 0;
	f->zone_unknown = false;
	if (peek(c, 'Z') || peek(c, 'z')) {
		c->i++;
	} else if (peek(c, '+') || peek(c, '-')) {
		sign = c->p[c->i] == '-' ? -1 : 1;
		c->i++;
		len = take_number(c, &v);
		mm = 0;
		if (len == 4) {
			mm = v % 100;
			v /= 100;
		} else if (len != 2) {
			return false;
		} else if (peek(c, ':')) {
			c->i++;
			if (take_number(c, &mm) != 2)
				return false;
		}
		if (v > 23 || mm > 59)
			return false;
		f->offset = sign * (int)(v * 60 + mm);
		f->zone_unknown = sign < 0 && f->offset == 0;
	} else {
		f->zone_unknown = true;
	}
	if (!skip_cfws(c, &comment))
		return false;
	return c->i == c->n;
}

/*
 * asctime and its date(1) cousin: "Nov  3 09:14:22 [zone] 2026 [zone]";
 * the cursor is after the month.  Without a zone the zone is unknown.
 */
static bool
parse_asctime(struct cur *c, struct fields *f, bool *bad)
{
	bool zone = false, comment;
	int64_t v;
	size_t len;

	c->obsolete = true;
	if (!skip_obs(c, bad))
		return false;
	if ((len = take_number(c, &v)) < 1 || len > 2)
		return false;
	f->day = (int)v;
	if (!skip_obs(c, bad) || !parse_time(c, f, bad) || !skip_obs(c, bad))
		return false;
	f->offset = 0;
	f->zone_unknown = true;
	if (c->i < c->n &&
	    (is_alpha(c->p[c->i]) || peek(c, '+') || peek(c, '-'))) {
		if (!parse_zone(c, f) || !skip_obs(c, bad))
			return false;
		zone = true;
	}
	if (take_number(c, &v) != 4)
		return false;
	f->year = v;
	if (!zone)
		return parse_zone_and_end(c, f);
	if (!skip_cfws(c, &comment))
		return false;
	return c->i == c->n;
}

static int
weekday_of(int64_t days)
{
	int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

static bool
parse_all(struct cur *c, struct fields *f)
{
	const uint8_t *w;
	int64_t v;
	size_t len, save;
	bool bad = false, full, comment;
	int k;

	f->wday = -1;
	if (!skip_cfws(c, &comment))
		return false;
	if (comment)
		c->obsolete = true;
	if (c->i == c->n)
		return false;
	/* ISO 8601: four digits and a '-'. */
	save = c->i;
	if (take_number(c, &v) == 4 && peek(c, '-')) {
		c->i = save;
		return parse_iso(c, f);
	}
	c->i = save;

	if (is_alpha(c->p[c->i])) {
		len = take_word(c, &w);
		if ((k = name_index(w, len, day_names, 7, &full)) >= 0) {
			f->wday = k;
			if (full)
				c->obsolete = true;
			if (skip_obs(c, &bad))
				c->obsolete = true; /* "Tue ," */
			if (peek(c, ',')) {
				c->i++;
			} else {
				c->obsolete = true; /* "Tue 3 Nov", asctime */
			}
			(void)skip_obs(c, &bad);
			if (bad || c->i == c->n)
				return false;
			if (is_alpha(c->p[c->i]))
				len = take_word(c, &w);
			else
				len = 0;
		}
		if (len > 0) {
			/* A month first: the asctime form. */
			if ((k = name_index(w, len, month_names, 12, &full)) <
			    0)
				return false;
			f->month = k + 1;
			return parse_asctime(c, f, &bad) && !bad;
		}
	}

	/* RFC 5322: day month year time zone. */
	if ((len = take_number(c, &v)) < 1 || len > 2)
		return false;
	f->day = (int)v;
	if (peek(c, '-')) {
		c->i++; /* RFC 850 "03-Nov-26" */
		c->obsolete = true;
	} else if (!skip_obs(c, &bad)) {
		return false;
	}
	len = take_word(c, &w);
	if ((k = name_index(w, len, month_names, 12, &full)) < 0)
		return false;
	if (full)
		c->obsolete = true;
	f->month = k + 1;
	if (peek(c, '-')) {
		c->i++;
		c->obsolete = true;
	} else if (!skip_obs(c, &bad)) {
		return false;
	}
	if (!parse_year(c, f))
		return false;
	if (!skip_obs(c, &bad))
		return false;
	if (!parse_time(c, f, &bad))
		return false;
	return parse_zone_and_end(c, f) && !bad;
}

int
lf_date_parse(const uint8_t *p, size_t n, struct lf_date *out,
    bool *weekday_mismatch)
{
	struct cur c = {p, n, 0, false};
	struct fields f;
	int64_t days;

	memset(&f, 0, sizeof(f));
	if (p == NULL || !parse_all(&c, &f))
		return LF_E_FORMAT;
	if (f.year < 0 || f.year > 9999 || f.month < 1 || f.month > 12 ||
	    f.day < 1 || f.day > days_in_month(f.year, f.month))
		return LF_E_FORMAT;
	days = lf_date_days_from_civil(f.year, f.month, f.day);
	out->utc = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
	    (int64_t)f.offset * 60;
	out->offset = f.offset;
	out->zone_unknown = f.zone_unknown;
	out->obsolete = c.obsolete;
	if (weekday_mismatch != NULL)
		*weekday_mismatch = f.wday >= 0 && f.wday != weekday_of(days);
	return LF_OK;
}

void
lf_date_rfc3339(int64_t utc, char out[32])
{
	int64_t days = utc / 86400, secs = utc % 86400, y;
	int m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	(void)snprintf(out, 32, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
	    (long long)y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
	    (int)(secs % 60));
}
