/*
 * lf_vendormail.c: a vendor's reply to a sample submission.
 *
 * The mail goes through the library's MIME parser: the top-level Subject
 * and Date are kept, and the decoded bytes of the first text/plain leaf
 * that is not an attachment.  Then the forms of lf/vendormail.h are
 * matched on the subject and the body's lines.  A mail that matches no
 * form, or more than one, is refused: a wrong custody record is worse
 * than none.  Every tracking number the mail gives, wherever it gives it,
 * must be the same one.
 *
 * The "Files Submitted" table of the closed form is written with tabs by
 * some mailers and with runs of spaces by others, and the file name may
 * hold spaces.  So a row is read from both ends: the number at the start,
 * the MD5 (the first 32-hex word followed by a known determination) in
 * the middle, and after the determination the detection and an optional
 * trailing definition sequence number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/buf.h"
#include "lf/date.h"
#include "lf/limits.h"
#include "lf/mime.h"
#include "lf/rfc2047.h"
#include "lf/vendormail.h"

#define HEADER_MAX (64u * 1024)

static const char *const determinations[] = {
    "Not Malicious",
    "Data File",
    "Threat artifact",
    "New Threat",
    "Already Detected",
};

struct span {
	const char *p;
	size_t n;
};

struct collect {
	struct lf_buf subject; /* raw, unfolded */
	struct lf_buf date;    /* raw, unfolded */
	bool has_subject, has_date;
	struct lf_buf body;
	bool in_text, text_done;
	char text_path[LF_MIME_PATH_MAX];
	struct lf_error *err;
	int rc;
};

struct state {
	struct lf_vendormail m;
	size_t cap;
	struct lf_error *err;
};

const char *
lf_vendormail_form_name(enum lf_vendormail_form f)
{
	switch (f) {
	case LF_VENDORMAIL_SYM_FP_RECEIPT:
		return "symantec-fp-receipt";
	case LF_VENDORMAIL_SYM_FP_CLOSURE:
		return "symantec-fp-closure";
	case LF_VENDORMAIL_SYM_SRA_TRACKING:
		return "symantec-sra-tracking";
	case LF_VENDORMAIL_SYM_SRA_CLOSED:
		return "symantec-sra-closed";
	}
	return NULL;
}

const char *
lf_vendormail_kind_name(enum lf_vendormail_kind k)
{
	switch (k) {
	case LF_VENDORMAIL_RECEIPT:
		return "receipt";
	case LF_VENDORMAIL_RESULT:
		return "result";
	}
	return NULL;
}

/* Append a header value without its line breaks (RFC 5322 unfolding). */
static int
unfold(struct lf_buf *b, const uint8_t *v, size_t n, struct lf_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (v[i] == '\r' || v[i] == '\n')
			continue;
		if ((rc = lf_buf_putc(b, v[i], err)) != LF_OK)
			return rc;
	}
	return LF_OK;
}

static int
on_header(void *arg, const struct lf_mime_part *part, const uint8_t *name,
    size_t name_len, const uint8_t *value, size_t value_len, uint64_t offset)
{
	struct collect *c = arg;

	(void)offset;
	if (part->parent != NULL)
		return 0;
	if (name_len == 7 &&
	    strncasecmp((const char *)name, "Subject", 7) == 0) {
		if (c->has_subject)
			return 0;
		c->has_subject = true;
		c->rc = unfold(&c->subject, value, value_len, c->err);
	} else if (name_len == 4 &&
	    strncasecmp((const char *)name, "Date", 4) == 0) {
		if (c->has_date)
			return 0;
		c->has_date = true;
		c->rc = unfold(&c->date, value, value_len, c->err);
	}
	return c->rc;
}

static int
on_begin(void *arg, const struct lf_mime_part *part)
{
	struct collect *c = arg;

	if (c->text_done || c->in_text || part->kind != LF_MIME_LEAF)
		return 0;
	if (strcmp(part->type.type, "text") != 0 ||
	    strcmp(part->type.subtype, "plain") != 0 ||
	    strcmp(part->disposition.type, "attachment") == 0)
		return 0;
	c->in_text = true;
	snprintf(c->text_path, sizeof(c->text_path), "%s", part->path);
	return 0;
}

static int
on_data(void *arg, const struct lf_mime_part *part, const uint8_t *p, size_t n)
{
	struct collect *c = arg;

	if (!c->in_text || part->kind != LF_MIME_LEAF ||
	    strcmp(part->path, c->text_path) != 0)
		return 0;
	c->rc = lf_buf_append(&c->body, p, n, c->err);
	return c->rc;
}

static int
on_end(void *arg, const struct lf_mime_part *part)
{
	struct collect *c = arg;

	if (c->in_text && part->kind == LF_MIME_LEAF &&
	    strcmp(part->path, c->text_path) == 0) {
		c->in_text = false;
		c->text_done = true;
	}
	return 0;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' ||
	    ch == '\v';
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static struct span
trim(struct span s)
{
	while (s.n > 0 && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Does s start with the literal lit, in any case? */
static bool
starts(struct span s, const char *lit)
{
	size_t l = strlen(lit);

	return s.n >= l && strncasecmp(s.p, lit, l) == 0;
}

/* Where lit first occurs in s, in any case, or SIZE_MAX. */
static size_t
find(struct span s, const char *lit)
{
	size_t l = strlen(lit), i;

	if (l > s.n)
		return SIZE_MAX;
	for (i = 0; i <= s.n - l; i++)
		if (strncasecmp(s.p + i, lit, l) == 0)
			return i;
	return SIZE_MAX;
}

static struct span
after(struct span s, size_t k)
{
	s.p += k;
	s.n -= k;
	return s;
}

/* Decode exactly 2 * len hex digits. */
static bool
hex_decode(struct span s, uint8_t *out, size_t len)
{
	size_t i;
	int hi, lo;

	if (s.n != 2 * len)
		return false;
	for (i = 0; i < len; i++) {
		hi = hexval(s.p[2 * i]);
		lo = hexval(s.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Record a tracking number found in where; every one must agree. */
static int
tracking(struct state *st, struct span digits, const char *where)
{
	if (digits.n == 0)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "%s: no tracking number", where);
	if (digits.n > LF_VENDORMAIL_TRACKING_MAX)
		return lf_error_set(st->err, LF_E_LIMIT,
		    "%s: tracking number of %zu digits (at most %d)", where,
		    digits.n, LF_VENDORMAIL_TRACKING_MAX);
	if (st->m.tracking[0] == '\0') {
		memcpy(st->m.tracking, digits.p, digits.n);
		st->m.tracking[digits.n] = '\0';
		return LF_OK;
	}
	if (strlen(st->m.tracking) != digits.n ||
	    memcmp(st->m.tracking, digits.p, digits.n) != 0)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "%s: tracking number %.*s differs from %s", where,
		    (int)digits.n, digits.p, st->m.tracking);
	return LF_OK;
}

static struct span
digits_at(struct span s)
{
	struct span d = {s.p, 0};

	while (d.n < s.n && is_digit(s.p[d.n]))
		d.n++;
	return d;
}

static int
copy_text(struct state *st, char *dst, struct span s, const char *what)
{
	s = trim(s);
	if (s.n > LF_VENDORMAIL_TEXT_MAX)
		return lf_error_set(st->err, LF_E_LIMIT,
		    "%s of %zu bytes (at most %d)", what, s.n,
		    LF_VENDORMAIL_TEXT_MAX);
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
	return LF_OK;
}

static int
new_file(struct state *st, struct lf_vendormail_file **f)
{
	struct lf_vendormail_file *nf;
	size_t ncap;

	if (st->m.nfiles >= LF_VENDORMAIL_FILES_MAX)
		return lf_error_set(st->err, LF_E_LIMIT,
		    "more than %d files listed", LF_VENDORMAIL_FILES_MAX);
	if (st->m.nfiles == st->cap) {
		ncap = st->cap == 0 ? 4 : st->cap * 2;
		if (ncap > LF_VENDORMAIL_FILES_MAX)
			ncap = LF_VENDORMAIL_FILES_MAX;
		nf = realloc(st->m.files, ncap * sizeof(*nf));
		if (nf == NULL)
			return lf_error_set(st->err, LF_E_NOMEM,
			    "vendor mail: out of memory");
		st->m.files = nf;
		st->cap = ncap;
	}
	*f = &st->m.files[st->m.nfiles++];
	memset(*f, 0, sizeof(**f));
	return LF_OK;
}

/* The next line of *rest (LF ended, CR dropped by trim later). */
static bool
next_line(struct span *rest, struct span *line)
{
	const char *nl;

	if (rest->n == 0)
		return false;
	nl = memchr(rest->p, '\n', rest->n);
	line->p = rest->p;
	line->n = nl == NULL ? rest->n : (size_t)(nl - rest->p);
	*rest = after(*rest, nl == NULL ? rest->n : line->n + 1);
	return true;
}

static const char *
known_determination(struct span s, size_t *len)
{
	size_t i, l;

	for (i = 0; i < sizeof(determinations) / sizeof(determinations[0]);
	     i++) {
		l = strlen(determinations[i]);
		if (starts(s, determinations[i]) &&
		    (s.n == l || is_blank(s.p[l]))) {
			*len = l;
			return determinations[i];
		}
	}
	return NULL;
}

/* One row of the "Files Submitted" table, s trimmed, starting by digits. */
static int
table_row(struct state *st, struct span s, unsigned rowno)
{
	struct lf_vendormail_file *f;
	struct span num = digits_at(s), rest, name, word, det, tail, last;
	const char *d = NULL;
	size_t i, dl = 0, k;
	int rc;

	if (num.n == 0 || num.n > 2 || num.n == s.n || !is_blank(s.p[num.n]))
		return lf_error_set(st->err, LF_E_FORMAT,
		    "Files Submitted row %u: no row number", rowno);
	rest = trim(after(s, num.n));
	/* The MD5: a 32-hex word, followed by a known determination. */
	for (i = 0; i + 32 <= rest.n; i++) {
		if (i > 0 && !is_blank(rest.p[i - 1]))
			continue;
		word.p = rest.p + i;
		word.n = 32;
		for (k = 0; k < 32 && hexval(word.p[k]) >= 0; k++)
			;
		if (k < 32 || (i + 32 < rest.n && !is_blank(rest.p[i + 32])))
			continue;
		det = trim(after(rest, i + 32));
		if ((d = known_determination(det, &dl)) != NULL)
			break;
	}
	if (d == NULL)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "Files Submitted row %u: no MD5 followed by a known "
		    "determination",
		    rowno);
	name.p = rest.p;
	name.n = i;
	name = trim(name);
	if (name.n == 0)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "Files Submitted row %u: no file name", rowno);
	if ((rc = new_file(st, &f)) != LF_OK)
		return rc;
	if ((rc = copy_text(st, f->name, name, "file name")) != LF_OK)
		return rc;
	f->has_md5 = hex_decode(word, f->md5, 16);
	snprintf(f->determination, sizeof(f->determination), "%s", d);
	tail = trim(after(det, dl));
	/* An optional trailing RR sequence number after the detection. */
	last = tail;
	for (k = tail.n; k > 0 && !is_blank(tail.p[k - 1]); k--)
		;
	if (k > 0) {
		last = after(tail, k);
		for (i = 0; i < last.n &&
		     (is_digit(last.p[i]) || last.p[i] == '.' ||
		         last.p[i] == '-');
		     i++)
			;
		/* A sequence number, or an "N/A" one: that only after a tab,
		 * which is a column for sure where a space might be part of
		 * the detection's name. */
		if ((i == last.n && last.n > 0 && is_digit(last.p[0])) ||
		    (tail.p[k - 1] == '\t' && last.n == 3 &&
		        strncasecmp(last.p, "N/A", 3) == 0)) {
			tail.n = k;
			tail = trim(tail);
		}
	}
	if (tail.n == 0)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "Files Submitted row %u: no detection (or N/A)", rowno);
	if (tail.n == 3 && strncasecmp(tail.p, "N/A", 3) == 0)
		return LF_OK;
	return copy_text(st, f->detection, tail, "detection");
}

/* The "Files Submitted" table, from the line after its title. */
static int
sra_table(struct state *st, struct span rest)
{
	struct span line, t;
	unsigned rowno = 0;
	int rc;

	while (next_line(&rest, &line)) {
		t = trim(line);
		if (starts(t, "Developer Notes"))
			return st->m.nfiles == 0 ?
			    lf_error_set(st->err, LF_E_FORMAT,
			        "Files Submitted table lists no file") :
			    LF_OK;
		if (t.n == 0)
			continue;
		if (!is_digit(t.p[0])) {
			/* The column titles. */
			if (rowno == 0 &&
			    (starts(t, "#") ||
			        find(t, "File name") != SIZE_MAX))
				continue;
			return lf_error_set(st->err, LF_E_FORMAT,
			    "Files Submitted row %u: not a table row",
			    rowno + 1);
		}
		if ((rc = table_row(st, t, ++rowno)) != LF_OK)
			return rc;
	}
	return lf_error_set(st->err, LF_E_FORMAT,
	    "Files Submitted table cut short (no Developer Notes line)");
}

/* "YYYY-MM-DD HH:MM:SS" somewhere in s, read as UTC. */
static bool
body_date(struct span s, int64_t *out)
{
	size_t i;
	const char *q;
	int v[6], k;
	static const int at[6] = {0, 5, 8, 11, 14, 17};
	static const int len[6] = {4, 2, 2, 2, 2, 2};
	int j;

	for (i = 0; i + 19 <= s.n; i++) {
		q = s.p + i;
		if (q[4] != '-' || q[7] != '-' || q[10] != ' ' ||
		    q[13] != ':' || q[16] != ':')
			continue;
		for (k = 0; k < 6; k++) {
			v[k] = 0;
			for (j = 0; j < len[k]; j++) {
				if (!is_digit(q[at[k] + j]))
					break;
				v[k] = v[k] * 10 + (q[at[k] + j] - '0');
			}
			if (j < len[k])
				break;
		}
		if (k < 6 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
		    v[3] > 23 || v[4] > 59 || v[5] > 60)
			continue;
		*out = lf_date_days_from_civil(v[0], v[1], v[2]) * 86400 +
		    v[3] * 3600 + v[4] * 60 + v[5];
		return true;
	}
	return false;
}

static int
sra(struct state *st, struct span subject, struct span body, bool closed)
{
	struct span rest = body, line, t;
	size_t k;
	bool table = false, submitter = false, subdate = false;
	int rc;

	k = find(subject, "(Tracking #");
	if (k == SIZE_MAX)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "subject: no \"(Tracking #N)\"");
	t = digits_at(after(subject, k + 11));
	if (t.n == 0 || k + 11 + t.n >= subject.n || t.p[t.n] != ')')
		return lf_error_set(st->err, LF_E_FORMAT,
		    "subject: no tracking number in \"(Tracking #N)\"");
	if ((rc = tracking(st, t, "subject")) != LF_OK)
		return rc;
	while (next_line(&rest, &line)) {
		t = trim(line);
		if (starts(t, "Submission Date")) {
			subdate = true;
			if (!st->m.has_date && body_date(t, &st->m.date))
				st->m.has_date = true;
		} else if (starts(t, "Submitter")) {
			submitter = true;
		} else if (starts(t, "Files Submitted")) {
			table = true;
			if ((rc = sra_table(st, rest)) != LF_OK)
				return rc;
			break;
		}
		/* "Tracking #N" in the text, "Tracking # N" on the date line */
		if ((k = find(t, "Tracking #")) != SIZE_MAX &&
		    digits_at(trim(after(t, k + 10))).n > 0 &&
		    (rc = tracking(st, digits_at(trim(after(t, k + 10))),
		         "body")) != LF_OK)
			return rc;
	}
	if (closed && (!table || !submitter || !subdate))
		return lf_error_set(st->err, LF_E_FORMAT,
		    "[CLOSED] mail without %s",
		    !subdate       ? "a Submission Date line" :
		        !submitter ? "a Submitter line" :
		                     "a Files Submitted table");
	return LF_OK;
}

/* "The tracking number for your submission is: N" */
static int
fp_receipt(struct state *st, struct span subject, struct span body)
{
	static const char key[] = "The tracking number for your submission is:";
	struct lf_vendormail_file *f;
	struct span rest = body, line, t;
	size_t k;
	int rc;

	while (next_line(&rest, &line)) {
		t = trim(line);
		if ((k = find(t, key)) != SIZE_MAX) {
			if ((rc = tracking(st,
			         digits_at(trim(after(t, k + sizeof(key) - 1))),
			         "body")) != LF_OK)
				return rc;
		} else if (starts(t, "File being uploaded") &&
		    (k = find(t, "=")) != SIZE_MAX) {
			if ((rc = new_file(st, &f)) != LF_OK ||
			    (rc = copy_text(st, f->name, after(t, k + 1),
			         "file name")) != LF_OK)
				return rc;
			if (f->name[0] == '\0')
				st->m.nfiles--;
		}
	}
	/* "[No Reply] False Positive submission (N)" */
	t = trim(subject);
	if (t.n > 2 && t.p[t.n - 1] == ')' &&
	    (k = find(t, "submission (")) != SIZE_MAX &&
	    k + 12 + digits_at(after(t, k + 12)).n == t.n - 1)
		return tracking(st, digits_at(after(t, k + 12)), "subject");
	return LF_OK;
}

/* "In relation to submission N." or "[N]", then the files. */
static int
fp_closure(struct state *st, struct span body)
{
	static const char key[] = "In relation to submission";
	struct lf_vendormail_file *f = NULL;
	struct span rest = body, line, t, v, h;
	bool removed = false;
	size_t k;
	int rc;

	while (next_line(&rest, &line)) {
		t = trim(line);
		if (starts(t, key)) {
			v = trim(after(t, sizeof(key) - 1));
			if (v.n > 0 && v.p[0] == '[')
				v = after(v, 1);
			if ((rc = tracking(st, digits_at(v), "body")) != LF_OK)
				return rc;
		} else if (find(t, "will be removed from our products") !=
		    SIZE_MAX) {
			removed = true;
		} else if (starts(t, "Filename:")) {
			if ((rc = new_file(st, &f)) != LF_OK ||
			    (rc = copy_text(st, f->name, after(t, 9),
			         "file name")) != LF_OK)
				return rc;
		} else if (starts(t, "MD5:") || starts(t, "SHA256:")) {
			bool md5 = starts(t, "MD5:");

			h = trim(after(t, md5 ? 4 : 7));
			if (f == NULL || (md5 ? f->has_md5 : f->has_sha256))
				if ((rc = new_file(st, &f)) != LF_OK)
					return rc;
			if (md5 ? !hex_decode(h, f->md5, 16) :
			          !hex_decode(h, f->sha256, 32))
				return lf_error_set(st->err, LF_E_FORMAT,
				    "file %zu: %s is not %d hex digits",
				    st->m.nfiles, md5 ? "MD5" : "SHA256",
				    md5 ? 32 : 64);
			if (md5)
				f->has_md5 = true;
			else
				f->has_sha256 = true;
		} else if (t.n > 35 &&
		    hex_decode((struct span){t.p, 32}, (uint8_t[16]){0}, 16) &&
		    is_blank(t.p[32])) {
			/* "3CDFC521C81F430EC7125F4D87F4437F - ace_fcs.dll" */
			v = trim(after(t, 32));
			if (v.n < 2 || v.p[0] != '-' || !is_blank(v.p[1]))
				continue;
			if ((rc = new_file(st, &f)) != LF_OK ||
			    (rc = copy_text(st, f->name, after(v, 1),
			         "file name")) != LF_OK)
				return rc;
			f->has_md5 =
			    hex_decode((struct span){t.p, 32}, f->md5, 16);
			f = NULL;
		}
	}
	if (!removed)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "false-positive closure without a known determination");
	for (k = 0; k < st->m.nfiles; k++)
		snprintf(st->m.files[k].determination,
		    sizeof(st->m.files[k].determination), "Detection removed");
	if (st->m.nfiles == 0)
		snprintf(st->m.determination, sizeof(st->m.determination),
		    "Detection removed");
	return LF_OK;
}

static int
recognize(struct state *st, struct span subject, struct span body)
{
	bool sra_tracking = find(subject, "[TRACKING]:") != SIZE_MAX;
	bool sra_closed = find(subject, "[CLOSED]:") != SIZE_MAX;
	bool fp_rec = find(body,
	                  "The tracking number for your submission "
	                  "is:") != SIZE_MAX;
	struct span rest = body, line;
	bool fp_clo = false;
	int forms;

	while (next_line(&rest, &line))
		if (starts(trim(line), "In relation to submission"))
			fp_clo = true;
	forms = sra_tracking + sra_closed + fp_rec + fp_clo;
	if (forms == 0)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "not a known vendor reply");
	if (forms > 1)
		return lf_error_set(st->err, LF_E_FORMAT,
		    "not a known vendor reply: it reads as %d different forms",
		    forms);
	if (sra_tracking || sra_closed) {
		st->m.kind =
		    sra_closed ? LF_VENDORMAIL_RESULT : LF_VENDORMAIL_RECEIPT;
		st->m.form = sra_closed ? LF_VENDORMAIL_SYM_SRA_CLOSED :
		                          LF_VENDORMAIL_SYM_SRA_TRACKING;
		return sra(st, subject, body, sra_closed);
	}
	if (fp_rec) {
		st->m.kind = LF_VENDORMAIL_RECEIPT;
		st->m.form = LF_VENDORMAIL_SYM_FP_RECEIPT;
		return fp_receipt(st, subject, body);
	}
	st->m.kind = LF_VENDORMAIL_RESULT;
	st->m.form = LF_VENDORMAIL_SYM_FP_CLOSURE;
	return fp_closure(st, body);
}

int
lf_vendormail_parse(const uint8_t *p, size_t n, struct lf_vendormail *out,
    struct lf_error *err)
{
	static const struct lf_mime_handler handler = {
	    .header = on_header,
	    .begin = on_begin,
	    .data = on_data,
	    .end = on_end,
	};
	struct collect c;
	struct state st;
	struct lf_limits limits;
	struct lf_mime_parser *mp = NULL;
	struct lf_buf subj;
	struct lf_date d;
	const uint8_t *nul;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	st.err = err;
	c.err = err;
	lf_buf_init(&c.subject, HEADER_MAX);
	lf_buf_init(&c.date, HEADER_MAX);
	lf_buf_init(&c.body, LF_VENDORMAIL_SIZE_MAX);
	lf_buf_init(&subj, 4 * HEADER_MAX);
	if (p == NULL && n > 0) {
		rc = lf_error_set(err, LF_E_INVAL, "vendor mail: no data");
		goto out;
	}
	if (n > LF_VENDORMAIL_SIZE_MAX) {
		rc = lf_error_set(err, LF_E_LIMIT,
		    "vendor mail of %zu bytes (at most %u)", n,
		    LF_VENDORMAIL_SIZE_MAX);
		goto out;
	}
	if (n > 0 && (nul = memchr(p, '\0', n)) != NULL) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "not a known vendor reply: a NUL byte at offset %zu",
		    (size_t)(nul - p));
		goto out;
	}
	lf_limits_default(&limits);
	if ((rc = lf_mime_parser_new(&limits, &handler, &c, &mp, err)) != LF_OK)
		goto out;
	if ((rc = lf_mime_feed(mp, p, n)) != LF_OK ||
	    (rc = lf_mime_finish(mp)) != LF_OK) {
		if (rc > 0)
			rc = c.rc;
		if (rc == LF_E_NOMEM && c.rc == LF_OK)
			lf_error_set(err, rc, "vendor mail: out of memory");
		goto out;
	}
	if (!c.has_subject && c.body.len == 0) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "not a known vendor reply: no subject and no text");
		goto out;
	}
	if (c.body.len > 0 && memchr(c.body.data, '\0', c.body.len) != NULL) {
		rc = lf_error_set(err, LF_E_FORMAT,
		    "not a known vendor reply: a NUL byte in the text");
		goto out;
	}
	if ((rc = lf_rfc2047_decode(c.subject.data, c.subject.len, NULL, &subj,
	         NULL, NULL, err)) != LF_OK)
		goto out;
	if (c.has_date &&
	    lf_date_parse(c.date.data, c.date.len, &d, NULL) == LF_OK) {
		st.m.has_date = true;
		st.m.date = d.utc;
	}
	rc = recognize(&st, (struct span){(const char *)subj.data, subj.len},
	    (struct span){(const char *)c.body.data, c.body.len});
	if (rc == LF_OK && st.m.tracking[0] == '\0')
		rc = lf_error_set(err, LF_E_FORMAT, "%s: no tracking number",
		    lf_vendormail_form_name(st.m.form));
	if (rc != LF_OK)
		goto out;
	if (st.m.nfiles == 0) {
		free(st.m.files);
		st.m.files = NULL;
	}
	*out = st.m;
	st.m.files = NULL;
out:
	free(st.m.files);
	lf_mime_parser_free(mp);
	lf_buf_release(&c.subject);
	lf_buf_release(&c.date);
	lf_buf_release(&c.body);
	lf_buf_release(&subj);
	return rc;
}

void
lf_vendormail_release(struct lf_vendormail *m)
{
	if (m == NULL)
		return;
	free(m->files);
	m->files = NULL;
	m->nfiles = 0;
}
