/*
 * Unit tests: lf_mbox, the streaming mbox splitter.
 *
 * Every crafted mbox is split whole and in pieces of 1, 2, 3, 5, 7, 64
 * and 4099 bytes, and every way must give the same messages, offsets,
 * anomalies and variant.  The corpus test reads the real mbox files of
 * ../shared/corpora/mail (never copied here) and compares each message
 * with the split files next to them and with MimeKit's offsets.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "failalloc.h"
#include "lf/mbox.h"
#include "corpora.h"

struct msg {
	uint64_t off;
	uint64_t end;
	char *from;
	size_t from_len;
	uint8_t *data;
	size_t len;
	size_t cap;
};

struct anom {
	const char *code;
	enum lf_severity sev;
	uint64_t off;
};

struct result {
	struct msg *msgs;
	size_t n;
	struct anom *anoms;
	size_t nanoms;
	enum lf_mbox_format seen;
	bool open;      /* between begin and end */
	int stop_after; /* begin returns 99 for this message (1-based) */
	int rc;         /* last non-zero feed or finish result */
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	assert_non_null(q);
	return q;
}

static int
on_begin(void *arg, uint64_t off, const uint8_t *line, size_t n)
{
	struct result *r = arg;
	struct msg *m;

	assert_false(r->open);
	r->msgs = xrealloc(r->msgs, (r->n + 1) * sizeof(*r->msgs));
	m = &r->msgs[r->n++];
	memset(m, 0, sizeof(*m));
	m->off = off;
	m->from = xrealloc(NULL, n + 1);
	memcpy(m->from, line, n);
	m->from[n] = '\0';
	m->from_len = n;
	r->open = true;
	if (r->stop_after > 0 && (int)r->n == r->stop_after)
		return 99;
	return 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	struct result *r = arg;
	struct msg *m;

	assert_true(r->open);
	assert_true(n > 0);
	m = &r->msgs[r->n - 1];
	if (m->len + n > m->cap) {
		/* Geometric growth: pieces may be one byte each. */
		m->cap = 2 * (m->len + n);
		m->data = xrealloc(m->data, m->cap);
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
	return 0;
}

static int
on_end(void *arg, uint64_t end)
{
	struct result *r = arg;

	assert_true(r->open);
	r->msgs[r->n - 1].end = end;
	r->open = false;
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct result *r = arg;

	r->anoms = xrealloc(r->anoms, (r->nanoms + 1) * sizeof(*r->anoms));
	r->anoms[r->nanoms].code = a->code;
	r->anoms[r->nanoms].sev = a->severity;
	r->anoms[r->nanoms].off = a->offset;
	r->nanoms++;
}

static void
result_free(struct result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->msgs[i].from);
		free(r->msgs[i].data);
	}
	free(r->msgs);
	free(r->anoms);
	memset(r, 0, sizeof(*r));
}

static const struct lf_mbox_handler handler = {on_begin, on_data, on_end};

/* Split p[0..n) fed in pieces of chunk bytes (0: whole). */
static void
run(const void *p, size_t n, enum lf_mbox_format fmt, size_t chunk,
    struct result *r)
{
	const uint8_t *b = p;
	struct lf_mbox *m;
	size_t i, k;
	int rc;

	memset(r, 0, sizeof(*r));
	assert_int_equal(lf_mbox_new(fmt, &handler, r, on_anomaly, r, &m, NULL),
	    LF_OK);
	if (chunk == 0)
		chunk = n > 0 ? n : 1;
	for (i = 0; i < n; i += k) {
		k = n - i < chunk ? n - i : chunk;
		if ((rc = lf_mbox_feed(m, b + i, k)) != LF_OK) {
			r->rc = rc;
			break;
		}
	}
	if (r->rc == 0)
		r->rc = lf_mbox_finish(m);
	assert_false(r->open);
	r->seen = lf_mbox_format_seen(m);
	lf_mbox_free(m);
}

static void
assert_same(const struct result *a, const struct result *b, size_t chunk)
{
	size_t i;

	if (a->n != b->n)
		fail_msg("chunk %zu: %zu messages, whole: %zu", chunk, b->n,
		    a->n);
	for (i = 0; i < a->n; i++) {
		const struct msg *x = &a->msgs[i], *y = &b->msgs[i];

		if (x->off != y->off || x->end != y->end || x->len != y->len ||
		    x->from_len != y->from_len ||
		    memcmp(x->from, y->from, x->from_len) != 0 ||
		    (x->len > 0 && memcmp(x->data, y->data, x->len) != 0))
			fail_msg("chunk %zu: message %zu differs", chunk,
			    i + 1);
	}
	if (a->nanoms != b->nanoms)
		fail_msg("chunk %zu: %zu anomalies, whole: %zu", chunk,
		    b->nanoms, a->nanoms);
	for (i = 0; i < a->nanoms; i++)
		if (strcmp(a->anoms[i].code, b->anoms[i].code) != 0 ||
		    a->anoms[i].off != b->anoms[i].off)
			fail_msg("chunk %zu: anomaly %zu differs", chunk, i);
	assert_int_equal(a->seen, b->seen);
	assert_int_equal(a->rc, b->rc);
}

/* Split whole, then in every piece size; all must agree. */
static void
split(const void *p, size_t n, enum lf_mbox_format fmt, struct result *r)
{
	static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 4099};
	struct result other;
	size_t i;

	run(p, n, fmt, 0, r);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		run(p, n, fmt, chunks[i], &other);
		assert_same(r, &other, chunks[i]);
		result_free(&other);
	}
}

static void
expect_msg(const struct result *r, size_t i, uint64_t off, uint64_t end,
    const char *from, const char *data)
{
	const struct msg *m;

	if (i >= r->n)
		fail_msg("message %zu missing (%zu found)", i + 1, r->n);
	m = &r->msgs[i];
	assert_int_equal(m->off, off);
	assert_int_equal(m->end, end);
	assert_string_equal(m->from, from);
	if (m->len != strlen(data) ||
	    (m->len > 0 && memcmp(m->data, data, m->len) != 0))
		fail_msg("message %zu: got \"%.*s\", want \"%s\"", i + 1,
		    (int)m->len, m->data != NULL ? (char *)m->data : "", data);
}

static size_t
count_anomaly(const struct result *r, const char *code)
{
	size_t i, k = 0;

	for (i = 0; i < r->nanoms; i++)
		if (strcmp(r->anoms[i].code, code) == 0)
			k++;
	return k;
}

#define S(lit) lit, sizeof(lit) - 1

/* mboxo: two messages, one blank line stripped, ">From " unquoted. */
static void
mboxo_basic(void **state)
{
	static const char in[] =
	    "From alice@example.org Mon Jan  1 00:00:00 2024\n"
	    "Subject: one\n"
	    "\n"
	    "body\n"
	    ">From the start\n"
	    "\n"
	    "\n"
	    "From bob@example.org Tue Jan  2 10:11:12 2024\n"
	    "Subject: two\n"
	    "\n"
	    "x\n"
	    "\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	/* Of the two blank lines only the last is the mbox's. */
	expect_msg(&r, 0, 0, 84,
	    "From alice@example.org Mon Jan  1 00:00:00 2024",
	    "Subject: one\n\nbody\nFrom the start\n\n");
	expect_msg(&r, 1, 85, 147,
	    "From bob@example.org Tue Jan  2 10:11:12 2024",
	    "Subject: two\n\nx\n");
	assert_int_equal(r.nanoms, 0);
	assert_int_equal(r.seen, LF_MBOX_O);
	assert_int_equal(r.rc, LF_OK);
	result_free(&r);
}

/* mboxrd: ">>From " loses one '>'; mboxo reads it as it is. */
static void
mboxrd_quoting(void **state)
{
	static const char in[] = "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n"
	                         "\n"
	                         ">From a\n"
	                         ">>From b\n"
	                         ">>>From c\n"
	                         ">From\n"
	                         ">>Fro\n"
	                         "> From d\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_RD, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(in) - 1,
	    "From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
	    "\nFrom a\n>From b\n>>From c\n>From\n>>Fro\n> From d\n");
	assert_int_equal(r.seen, LF_MBOX_RD);
	result_free(&r);

	split(S(in), LF_MBOX_AUTO, &r);
	expect_msg(&r, 0, 0, sizeof(in) - 1,
	    "From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
	    "\nFrom a\n>From b\n>>From c\n>From\n>>Fro\n> From d\n");
	assert_int_equal(r.seen, LF_MBOX_RD);
	result_free(&r);

	split(S(in), LF_MBOX_O, &r);
	expect_msg(&r, 0, 0, sizeof(in) - 1,
	    "From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
	    "\nFrom a\n>>From b\n>>>From c\n>From\n>>Fro\n> From d\n");
	assert_int_equal(r.seen, LF_MBOX_RD); /* what it saw, not read */
	result_free(&r);
}

/* A long run of '>' is counted, not kept, and still unquoted. */
static void
mboxrd_long_quote(void **state)
{
	static const char head[] = "From a Mon Jan  1 00:00:00 2024\n\n";
	size_t n = sizeof(head) - 1 + 10000 + 7, i;
	uint8_t *in = xrealloc(NULL, n);
	struct result r;

	(void)state;
	memcpy(in, head, sizeof(head) - 1);
	memset(in + sizeof(head) - 1, '>', 10000);
	memcpy(in + n - 7, "From x\n", 7);
	split(in, n, LF_MBOX_RD, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.msgs[0].len, 1 + 9999 + 7);
	for (i = 1; i < 10000; i++)
		assert_int_equal(r.msgs[0].data[i], '>');
	assert_memory_equal(r.msgs[0].data + 10000, "From x\n", 7);
	result_free(&r);
	free(in);
}

/*
 * mboxcl: the body is taken by its Content-Length, so a From_ line after
 * a blank line inside it is content; ">From " is unquoted as in mboxo.
 */
static void
mboxcl_length(void **state)
{
	static const char in[] = "From a@example.org Mon Jan  1 00:00:00 2024\n"
	                         "Content-Length: 58\n"
	                         "\n"
	                         "line\n"
	                         "\n"
	                         "From b@example.org Mon Jan  1 00:00:00 2024\n"
	                         ">From q\n"
	                         "\n"
	                         "From c@example.org Mon Jan  1 00:00:00 2024\n"
	                         "Subject: c\n"
	                         "\n"
	                         "c\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_CL, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 0, 0, 122, "From a@example.org Mon Jan  1 00:00:00 2024",
	    "Content-Length: 58\n\nline\n\n"
	    "From b@example.org Mon Jan  1 00:00:00 2024\nFrom q\n");
	expect_msg(&r, 1, 123, sizeof(in) - 1,
	    "From c@example.org Mon Jan  1 00:00:00 2024", "Subject: c\n\nc\n");
	assert_int_equal(count_anomaly(&r, "mbox.separator-in-body"), 1);
	assert_int_equal(r.seen, LF_MBOX_CL);
	result_free(&r);
}

/* mboxcl2: nothing is unquoted, "From " lines in the body stay. */
static void
mboxcl2_length(void **state)
{
	static const char in[] = "From a@example.org Mon Jan  1 00:00:00 2024\n"
	                         "Content-Length: 65\n"
	                         "\n"
	                         "\n"
	                         "From b@example.org Mon Jan  1 00:00:00 2024\n"
	                         ">From q\n"
	                         "From r\n"
	                         "last\n"
	                         "\n"
	                         "From c@example.org Mon Jan  1 00:00:00 2024\n"
	                         "Content-Length: 2\n"
	                         "\n"
	                         "c\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_CL2, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 0, 0, 129, "From a@example.org Mon Jan  1 00:00:00 2024",
	    "Content-Length: 65\n\n\n"
	    "From b@example.org Mon Jan  1 00:00:00 2024\n>From q\nFrom r\n"
	    "last\n");
	expect_msg(&r, 1, 130, sizeof(in) - 1,
	    "From c@example.org Mon Jan  1 00:00:00 2024",
	    "Content-Length: 2\n\nc\n");
	assert_int_equal(count_anomaly(&r, "mbox.unquoted-from"), 0);
	assert_int_equal(count_anomaly(&r, "mbox.content-length-mismatch"), 0);
	/* ">From q" was seen: by the header's rule that makes it mboxcl. */
	assert_int_equal(r.seen, LF_MBOX_CL);
	result_free(&r);
}

/*
 * AUTO trusts a length over a separator only once an earlier length in
 * the file has proven right; before that the separator wins.
 */
static void
auto_length_trust(void **state)
{
	static const char proven[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                             "Content-Length: 2\n"
	                             "\n"
	                             "a\n"
	                             "\n"
	                             "From b@x Mon Jan  1 00:00:00 2024\n"
	                             "Content-Length: 37\n"
	                             "\n"
	                             "\n"
	                             "From z@x Mon Jan  1 00:00:00 2024\n"
	                             "z\n"
	                             "\n"
	                             "From c@x Mon Jan  1 00:00:00 2024\n"
	                             "\n"
	                             "c\n";
	static const char unproven[] = "From b@x Mon Jan  1 00:00:00 2024\n"
	                               "Content-Length: 38\n"
	                               "\n"
	                               "\n"
	                               "From z@x Mon Jan  1 00:00:00 2024\n"
	                               "z\n";
	struct result r;

	(void)state;
	split(S(proven), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 3);
	expect_msg(&r, 0, 0, 55, "From a@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 2\n\na\n");
	expect_msg(&r, 1, 56, 147, "From b@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 37\n\n\nFrom z@x Mon Jan  1 00:00:00 2024\nz\n");
	expect_msg(&r, 2, 148, sizeof(proven) - 1,
	    "From c@x Mon Jan  1 00:00:00 2024", "\nc\n");
	assert_int_equal(count_anomaly(&r, "mbox.separator-in-body"), 1);
	assert_int_equal(r.seen, LF_MBOX_CL2);
	result_free(&r);

	split(S(unproven), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 0, 0, 54, "From b@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 38\n\n");
	expect_msg(&r, 1, 55, sizeof(unproven) - 1,
	    "From z@x Mon Jan  1 00:00:00 2024", "z\n");
	assert_int_equal(count_anomaly(&r, "mbox.content-length-mismatch"), 1);
	assert_int_equal(r.seen, LF_MBOX_O);
	result_free(&r);
}

/* Lengths that do not line up fall back to the "From " rules. */
static void
length_mismatch(void **state)
{
	static const char short_cl[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                               "Content-Length: 3\n"
	                               "\n"
	                               "abcdef\n"
	                               ">From x\n"
	                               "\n"
	                               "From b@x Mon Jan  1 00:00:00 2024\n"
	                               "\n"
	                               "b\n";
	static const char long_cl[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                              "Content-Length: 500\n"
	                              "\n"
	                              "abc\n"
	                              "\n";
	static const char bad_cl[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                             "Content-Length: 12x\n"
	                             "content-length: 4\n"
	                             "\n"
	                             "abc\n";
	struct result r;

	(void)state;
	split(S(short_cl), LF_MBOX_CL, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 0, 0, 68, "From a@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 3\n\nabcdef\nFrom x\n");
	expect_msg(&r, 1, 69, sizeof(short_cl) - 1,
	    "From b@x Mon Jan  1 00:00:00 2024", "\nb\n");
	assert_int_equal(count_anomaly(&r, "mbox.content-length-mismatch"), 1);
	assert_int_equal(r.seen, LF_MBOX_O);
	result_free(&r);

	split(S(long_cl), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(long_cl) - 2,
	    "From a@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 500\n\nabc\n");
	assert_int_equal(count_anomaly(&r, "mbox.content-length-mismatch"), 1);
	result_free(&r);

	split(S(bad_cl), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(count_anomaly(&r, "mbox.bad-content-length"), 2);
	assert_int_equal(count_anomaly(&r, "mbox.content-length-mismatch"), 0);
	result_free(&r);
}

/*
 * Where a length ends a body without a line end, the line end after it
 * is the mbox's; a "From -" line there is accepted, since the length and
 * the line agree; a length of 0 leaves the body empty.
 */
static void
length_edges(void **state)
{
	static const char in[] = "From - Mon Jan  1 00:00:00 2024\n"
	                         "Content-Length: 3\n"
	                         "\n"
	                         "abc\n"
	                         "From -\n"
	                         "Content-Length: 0\n"
	                         "\n"
	                         "\n"
	                         "From x Mon Jan  1 00:00:00 2024\n"
	                         "Content-Length: 2\n"
	                         "\n"
	                         "ab";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 3);
	expect_msg(&r, 0, 0, 54, "From - Mon Jan  1 00:00:00 2024",
	    "Content-Length: 3\n\nabc");
	expect_msg(&r, 1, 55, 81, "From -", "Content-Length: 0\n\n");
	expect_msg(&r, 2, 82, sizeof(in) - 1, "From x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 2\n\nab");
	assert_int_equal(count_anomaly(&r, "mbox.odd-from-line"), 1);
	assert_int_equal(count_anomaly(&r, "mbox.no-final-newline"), 1);
	assert_int_equal(r.seen, LF_MBOX_CL2);
	result_free(&r);
}

/* CRLF mboxes split the same way and keep their CRLFs. */
static void
crlf_mbox(void **state)
{
	static const char in[] = "From a@x Mon Jan  1 00:00:00 2024\r\n"
	                         "Subject: a\r\n"
	                         "\r\n"
	                         ">From here\r\n"
	                         "\r\n"
	                         "From b@x Mon Jan  1 00:00:00 2024\r\n"
	                         "Content-Length: 9\r\n"
	                         "\r\n"
	                         "From x\r\nb\r\n"
	                         "From c@x Mon Jan  1 00:00:00 2024\r\n"
	                         "\r\n"
	                         "c\r\n"
	                         "\r\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 3);
	expect_msg(&r, 0, 0, 61, "From a@x Mon Jan  1 00:00:00 2024",
	    "Subject: a\r\n\r\nFrom here\r\n");
	expect_msg(&r, 1, 63, 128, "From b@x Mon Jan  1 00:00:00 2024",
	    "Content-Length: 9\r\n\r\nFrom x\r\nb");
	expect_msg(&r, 2, 130, sizeof(in) - 3,
	    "From c@x Mon Jan  1 00:00:00 2024", "\r\nc\r\n");
	result_free(&r);
}

/* Data before the first separator is a message of its own. */
static void
leading_data(void **state)
{
	static const char junk[] = "\n"
	                           "junk\n"
	                           "\n"
	                           "From a@x Mon Jan  1 00:00:00 2024\n"
	                           "\n"
	                           "a\n";
	static const char blanks[] = "\n\r\n\n"
	                             "From a@x Mon Jan  1 00:00:00 2024\n"
	                             "\n"
	                             "a\n";
	static const char only_blanks[] = "\n\n\r\n";
	struct result r;

	(void)state;
	split(S(junk), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 0, 0, 6, "", "\njunk\n");
	expect_msg(&r, 1, 7, sizeof(junk) - 1,
	    "From a@x Mon Jan  1 00:00:00 2024", "\na\n");
	assert_int_equal(count_anomaly(&r, "mbox.leading-data"), 1);
	result_free(&r);

	split(S(blanks), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 4, sizeof(blanks) - 1,
	    "From a@x Mon Jan  1 00:00:00 2024", "\na\n");
	assert_int_equal(count_anomaly(&r, "mbox.leading-data"), 0);
	assert_int_equal(count_anomaly(&r, "mbox.leading-blank-lines"), 1);
	result_free(&r);

	split(S(only_blanks), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(count_anomaly(&r, "mbox.leading-blank-lines"), 1);
	result_free(&r);
}

/* "From " lines that are not separators stay in the message. */
static void
from_lines_that_stay(void **state)
{
	static const char in[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                         "\n"
	                         "text\n"
	                         "From b@x Mon Jan  1 00:00:00 2024\n"
	                         "\n"
	                         "From Russia with love\n"
	                         "\n"
	                         "From c@x Mon Jan  1 00:00\n"
	                         "\n"
	                         "From c@x Mon Jan  1 00:00:00 24\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	/* "From c@x ... 00:00" has no year: not a separator either. */
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(in) - 1,
	    "From a@x Mon Jan  1 00:00:00 2024", in + 34);
	assert_int_equal(count_anomaly(&r, "mbox.separator-without-blank"), 1);
	assert_int_equal(count_anomaly(&r, "mbox.unquoted-from"), 3);
	result_free(&r);
}

/* Separators with a zone, "remote from", a Gmail-style zone. */
static void
separator_forms(void **state)
{
	static const char in[] =
	    "From a@x Mon Jan  1 00:00:00 2024 +0100\n"
	    "\n"
	    "From uucp Sat Mar  5 08:01 1994 remote from kremvax\n"
	    "\n"
	    "From 1844347792267117879@xxx Fri Sep 26 17:18:40 +0000 2025\n"
	    "\n"
	    "From x@y Mon, 1 Jan 2024 00:00:00 +0000\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.msgs[1].from,
	    "From uucp Sat Mar  5 08:01 1994 remote from kremvax");
	assert_int_equal(r.msgs[3].len, 0);
	assert_int_equal(r.nanoms, 0);
	result_free(&r);
}

/* The first line needs no date: nothing else can start an mbox. */
static void
first_line_without_date(void **state)
{
	static const char in[] = "From -\nSubject: a\n\na\n";
	static const char header[] = "From : someone\nSubject: a\n\na\n";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(in) - 1, "From -", "Subject: a\n\na\n");
	assert_int_equal(count_anomaly(&r, "mbox.odd-from-line"), 1);
	result_free(&r);

	/* An obsolete "From :" header is not a From_ line. */
	split(S(header), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(header) - 1, "", header);
	assert_int_equal(count_anomaly(&r, "mbox.leading-data"), 1);
	result_free(&r);
}

/* A last message without a line end is handed on as it is. */
static void
unterminated_and_empty(void **state)
{
	static const char in[] = "From a@x Mon Jan  1 00:00:00 2024\n"
	                         "\n"
	                         "no line end";
	struct result r;

	(void)state;
	split(S(in), LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	expect_msg(&r, 0, 0, sizeof(in) - 1,
	    "From a@x Mon Jan  1 00:00:00 2024", "\nno line end");
	assert_int_equal(count_anomaly(&r, "mbox.no-final-newline"), 1);
	result_free(&r);

	split("", 0, LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.nanoms, 0);
	assert_int_equal(r.seen, LF_MBOX_O);
	assert_int_equal(r.rc, LF_OK);
	result_free(&r);

	/* A separator as the very last, unterminated line. */
	split(S("From a@x Mon Jan  1 00:00:00 2024\n\nx\n\n"
	        "From b@x Mon Jan  1 00:00:00 2024"),
	    LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	expect_msg(&r, 1, 38, 38 + 33, "From b@x Mon Jan  1 00:00:00 2024", "");
	result_free(&r);
}

/* A 10 KiB "From " line is not a separator and is kept whole. */
static void
long_from_line(void **state)
{
	static const char head[] = "From a@x Mon Jan  1 00:00:00 2024\n\nA\n\n";
	static const char tail[] = " Mon Jan  1 00:00:00 2024\nB\n";
	size_t hl = sizeof(head) - 1, tl = sizeof(tail) - 1;
	size_t n = hl + 10240 + tl;
	uint8_t *in = xrealloc(NULL, n);
	struct result r;

	(void)state;
	memcpy(in, head, hl);
	memcpy(in + hl, "From ", 5);
	memset(in + hl + 5, 'x', 10240 - 5);
	memcpy(in + hl + 10240, tail, tl);
	split(in, n, LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.msgs[0].len, n - 34);
	assert_memory_equal(r.msgs[0].data, in + 34, n - 34);
	assert_int_equal(count_anomaly(&r, "mbox.long-from-line"), 1);
	result_free(&r);

	/* 4096 bytes and a CRLF is still a separator. */
	n = hl + 4096 + 2;
	memcpy(in, head, hl);
	memcpy(in + hl, "From a@x Mon Jan  1 00:00:00 2024 ", 34);
	memset(in + hl + 34, 'y', 4096 - 34);
	memcpy(in + hl + 4096, "\r\n", 2);
	split(in, n, LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.msgs[1].from_len, 4096);
	result_free(&r);
	/* One more byte and it is not. */
	n = hl + 4097 + 2;
	in[hl + 4096] = 'y';
	memcpy(in + hl + 4097, "\r\n", 2);
	split(in, n, LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(count_anomaly(&r, "mbox.long-from-line"), 1);
	result_free(&r);
	free(in);
}

/* A handler's non-zero return stops everything and sticks. */
static void
handler_stops(void **state)
{
	static const char in[] = "From a@x Mon Jan  1 00:00:00 2024\n\na\n\n"
	                         "From b@x Mon Jan  1 00:00:00 2024\n\nb\n\n"
	                         "From c@x Mon Jan  1 00:00:00 2024\n\nc\n";
	struct result r;
	struct lf_mbox *m;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.stop_after = 2;
	assert_int_equal(lf_mbox_new(LF_MBOX_AUTO, &handler, &r, NULL, NULL, &m,
	                     NULL),
	    LF_OK);
	assert_int_equal(lf_mbox_feed(m, (const uint8_t *)in, sizeof(in) - 1),
	    99);
	assert_int_equal(r.n, 2);
	assert_int_equal(lf_mbox_feed(m, (const uint8_t *)"x", 1), 99);
	assert_int_equal(lf_mbox_finish(m), 99);
	assert_int_equal(r.n, 2);
	lf_mbox_free(m);
	r.open = false;
	result_free(&r);
}

static void
names_and_errors(void **state)
{
	struct lf_mbox *m = NULL;
	struct lf_error e;
	long k;
	int rc;

	(void)state;
	assert_string_equal(lf_mbox_format_name(LF_MBOX_AUTO), "auto");
	assert_string_equal(lf_mbox_format_name(LF_MBOX_O), "mboxo");
	assert_string_equal(lf_mbox_format_name(LF_MBOX_RD), "mboxrd");
	assert_string_equal(lf_mbox_format_name(LF_MBOX_CL), "mboxcl");
	assert_string_equal(lf_mbox_format_name(LF_MBOX_CL2), "mboxcl2");
	assert_int_equal(lf_mbox_new(LF_MBOX_AUTO, NULL, NULL, NULL, NULL, &m,
	                     &e),
	    LF_E_INVAL);
	for (k = 0; k < 2; k++) {
		failalloc_after(k);
		rc = lf_mbox_new(LF_MBOX_AUTO, &handler, NULL, NULL, NULL, &m,
		    &e);
		failalloc_off();
		if (k == 0) {
			assert_int_equal(rc, LF_E_NOMEM);
			assert_int_equal(e.code, LF_E_NOMEM);
		} else {
			assert_int_equal(rc, LF_OK);
			lf_mbox_free(m);
		}
	}
	lf_mbox_free(NULL);
}

/* ---- the real corpus ---- */

static uint8_t *
slurp(const char *rel, size_t *n)
{
	char path[2048];
	uint8_t *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/mail/%s", corpora_dir(), rel);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open corpus file %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = xrealloc(NULL, (size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* The split file "<dir>/mbox_split/<name>#<k>". */
static uint8_t *
split_file(const char *dir, const char *name, int k, size_t *n)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "%s/mbox_split/%s#%d", dir, name, k);
	return slurp(rel, n);
}

/* LF to CRLF, to test the DOS forms of the corpus. */
static uint8_t *
to_crlf(const uint8_t *p, size_t n, size_t *out)
{
	uint8_t *q = xrealloc(NULL, 2 * n + 1);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			q[k++] = '\r';
		q[k++] = p[i];
	}
	*out = k;
	return q;
}

/*
 * An independent, whole-buffer mboxrd reader of one message: every line
 * ">+From " loses one '>'.  The split files are raw mbox bytes (their
 * reader does not unquote, which mbox(5) and RFC 4155 say a reader does).
 */
static uint8_t *
unquote(const uint8_t *p, size_t n, size_t *out)
{
	uint8_t *q = xrealloc(NULL, n + 1);
	size_t i = 0, k = 0, j;

	while (i < n) {
		j = i;
		while (j < n && p[j] == '>')
			j++;
		if (j > i && n - j >= 5 && memcmp(p + j, "From ", 5) == 0)
			i++;
		while (i < n && p[i] != '\n')
			q[k++] = p[i++];
		if (i < n)
			q[k++] = p[i++];
	}
	*out = k;
	return q;
}

enum relation {
	SAME,     /* the split file, byte for byte */
	PLUS_NL,  /* the split file has one more "\n" at the end */
	UNQUOTED, /* the split file, unquoted */
	RANGE     /* no split file: the mbox bytes from after the From_ line */
};

struct expect {
	uint64_t off;
	uint64_t end;
	int split; /* split file number, 0 for none */
	enum relation rel;
};

static void
check_corpus_file(const char *dir, const char *name, const struct expect *want,
    size_t nwant, bool crlf)
{
	uint8_t *mbox, *s, *t, *conv;
	char rel[512];
	struct result r;
	size_t n, sn, tn, i;

	snprintf(rel, sizeof(rel), "%s/mbox/%s", dir, name);
	mbox = slurp(rel, &n);
	if (crlf) {
		conv = to_crlf(mbox, n, &tn);
		free(mbox);
		mbox = conv;
		n = tn;
	}
	split(mbox, n, LF_MBOX_AUTO, &r);
	if (r.n != nwant)
		fail_msg("%s%s: %zu messages, want %zu", name,
		    crlf ? " (CRLF)" : "", r.n, nwant);
	for (i = 0; i < nwant; i++) {
		const struct msg *m = &r.msgs[i];

		if (m->off != want[i].off || m->end != want[i].end)
			fail_msg("%s message %zu: [%llu, %llu), want "
			         "[%llu, %llu)",
			    name, i + 1, (unsigned long long)m->off,
			    (unsigned long long)m->end,
			    (unsigned long long)want[i].off,
			    (unsigned long long)want[i].end);
		if (want[i].rel == RANGE) {
			size_t start = m->off + m->from_len + (crlf ? 2 : 1);

			if (m->from_len == 0)
				start = 0; /* leading data */
			t = unquote(mbox + start, m->end - start, &tn);
		} else {
			s = split_file(dir, name, want[i].split, &sn);
			if (crlf) {
				conv = to_crlf(s, sn, &tn);
				free(s);
				s = conv;
				sn = tn;
			}
			if (want[i].rel == UNQUOTED) {
				t = unquote(s, sn, &tn);
				free(s);
			} else {
				t = s;
				tn = sn;
				if (want[i].rel == PLUS_NL) {
					assert_true(
					    tn > 0 && t[tn - 1] == '\n');
					tn--;
				}
			}
		}
		if (tn != m->len || (tn > 0 && memcmp(t, m->data, tn) != 0))
			fail_msg("%s message %zu: %zu bytes differ from the "
			         "reference (%zu bytes)",
			    name, i + 1, m->len, tn);
		free(t);
	}
	result_free(&r);
	free(mbox);
}

/*
 * mime4j's mbox.rlug: five messages, all agree byte for byte, in LF and
 * in CRLF form (each message ends with several blank lines: only the one
 * before the next From_ line, and the last one of the file, is the
 * mbox's).
 */
static void
corpus_mime4j(void **state)
{
	static const struct expect want[] = {{0, 3428, 1, SAME},
	    {3429, 5955, 2, SAME}, {5956, 7743, 3, SAME}, {7744, 9957, 4, SAME},
	    {9958, 12291, 5, SAME}};
	static const struct expect want_crlf[] = {{0, 3521, 1, SAME},
	    {3523, 6118, 2, SAME}, {6120, 7957, 3, SAME},
	    {7959, 10236, 4, SAME}, {10238, 12636, 5, SAME}};

	(void)state;
	check_corpus_file("mime4j", "mbox.rlug", want, 5, false);
	check_corpus_file("mime4j", "mbox.rlug", want_crlf, 5, true);
}

/*
 * Writers that leave the date out of the From_ line, where every reader
 * agrees with the split files:
 *
 * gmime substring.mbox = mimekit simple.mbox.txt: "From - " lines (as
 * Netscape and Mozilla write them) with no date and no blank line before
 * them: separators, as GMime and MimeKit read them (mbox.odd-from-line).
 *
 * mimekit issue1189.mbox.txt: "From 1844347792267117879@xxx" after an
 * empty line, a sender and no date: separators.
 */
static void
corpus_dateless(void **state)
{
	static const struct expect substring[] = {{0, 526, 1, SAME},
	    {526, 1029, 2, SAME}, {1029, 1535, 3, SAME}};
	static const struct expect issue1189[] = {{0, 558, 1, SAME},
	    {559, 6445, 2, SAME}, {6446, 7004, 3, SAME}, {7005, 7563, 4, SAME}};
	uint8_t *whole;
	struct result r;
	size_t n;

	(void)state;
	check_corpus_file("gmime", "substring.mbox", substring, 3, false);
	check_corpus_file("mimekit", "simple.mbox.txt", substring, 3, false);
	check_corpus_file("mimekit", "issue1189.mbox.txt", issue1189, 4, false);
	whole = slurp("gmime/mbox/substring.mbox", &n);
	split(whole, n, LF_MBOX_AUTO, &r);
	assert_int_equal(count_anomaly(&r, "mbox.odd-from-line"), 3);
	assert_int_equal(count_anomaly(&r, "mbox.unquoted-from"), 0);
	result_free(&r);
	free(whole);
}

/*
 * Disagreements, each kept as a test of what we do and why:
 *
 * cpython mailbox_01.mbox: the split files cut at "From time to time"
 * (message 2, empty).  That line has no date and more than one word after
 * "From ": by RFC 4155 a From_ line is "From " sender and an asctime
 * date, and mbox(5) readers that check the line (mutt's is_from) do not
 * split there.  We keep it in the one message (mbox.unquoted-from).
 *
 * mimekit unmunged.mbox.txt: starts with a UTF-8 byte order mark, so no
 * line starts the file with "From ": the splitter sees leading data, then
 * the later "From -" separator (lf-extract drops such a mark before it
 * splits).  The split files also cut at "From Russia with love", prose
 * that Thunderbird left unquoted: we keep it in the message.
 */
static void
corpus_disagreements(void **state)
{
	static const struct expect cpython[] = {{0, 147, 0, RANGE}};
	uint8_t *whole, *s;
	struct result r;
	size_t n, sn;

	(void)state;
	check_corpus_file("cpython-test_email", "mailbox_01.mbox", cpython, 1,
	    false);
	whole = slurp("cpython-test_email/mbox/mailbox_01.mbox", &n);
	split(whole, n, LF_MBOX_AUTO, &r);
	s = split_file("cpython-test_email", "mailbox_01.mbox", 1, &sn);
	assert_true(r.msgs[0].len > sn);
	assert_memory_equal(r.msgs[0].data, s, sn);
	assert_memory_equal(r.msgs[0].data + sn, "\nFrom time to time\n",
	    r.msgs[0].len - sn);
	assert_int_equal(count_anomaly(&r, "mbox.unquoted-from"), 1);
	free(s);
	result_free(&r);
	free(whole);

	whole = slurp("mimekit/mbox/unmunged.mbox.txt", &n);
	split(whole, n, LF_MBOX_AUTO, &r);
	assert_int_equal(count_anomaly(&r, "mbox.leading-data"), 1);
	assert_int_equal(r.msgs[0].from_len, 0);
	/* Without the mark: two messages at the "From -" lines; the
	 * unquoted "From Russia with love" lines (where the split files cut)
	 * stay in them. */
	result_free(&r);
	split(whole + 3, n - 3, LF_MBOX_AUTO, &r);
	assert_int_equal(r.n, 2);
	assert_non_null(memmem(r.msgs[1].data, r.msgs[1].len,
	    "\nFrom Russia with love\nYear: 1963\n", 34));
	assert_int_equal(count_anomaly(&r, "mbox.unquoted-from"), 2);
	result_free(&r);
	free(whole);
}

/*
 * mimekit content-length.mbox.txt (Netscape folders with Content-Length).
 * We find the 29 messages MimeKit's offsets and the split files have,
 * and agree with MimeKit's offsets on every one:
 *
 * - Offsets 1889, 8123, 14395: the first message's Content-Length (1213)
 *   does not line up, and the next three "From - " lines (Netscape's
 *   form) follow no blank line: separators all the same
 *   (mbox.content-length-mismatch, mbox.odd-from-line).
 * - Where the Content-Length lines up with the next From_ line and the
 *   body's last line has no line end within the count, the line end
 *   that follows is the mbox's: MimeKit's endOffset says so too, the
 *   split files (whose reader ignores Content-Length) keep it: PLUS_NL.
 * - Messages 13 and 14 carry a ">From " line, unquoted by us and kept
 *   quoted by the split files: UNQUOTED.
 * - 818963 is "From - " without a date after a blank line: taken as a
 *   separator because the previous Content-Length ends exactly there.
 */
static const struct expect content_length[] = {{0, 1889, 1, SAME},
    {1889, 8123, 2, SAME}, {8123, 14395, 3, SAME}, {14395, 22485, 4, SAME},
    {22486, 771037, 5, SAME}, {771038, 818962, 6, SAME},
    {818963, 822461, 7, SAME}, {822462, 825431, 8, SAME},
    {825432, 830015, 9, PLUS_NL}, {830016, 837039, 10, PLUS_NL},
    {837040, 853721, 11, SAME}, {853722, 856576, 12, PLUS_NL},
    {856577, 862354, 13, SAME}, {862355, 867092, 14, SAME},
    {867093, 868863, 15, PLUS_NL}, {868864, 872491, 16, UNQUOTED},
    {872492, 876422, 17, UNQUOTED}, {876423, 883131, 18, SAME},
    {883132, 894462, 19, PLUS_NL}, {894463, 898684, 20, SAME},
    {898685, 899788, 21, PLUS_NL}, {899789, 903918, 22, SAME},
    {903919, 907231, 23, SAME}, {907232, 911299, 24, SAME},
    {911300, 915249, 25, SAME}, {915250, 920885, 26, SAME},
    {920886, 926071, 27, PLUS_NL}, {926072, 928495, 28, SAME},
    {928496, 935272, 29, SAME}};

static void
corpus_content_length(void **state)
{
	(void)state;
	check_corpus_file("mimekit", "content-length.mbox.txt", content_length,
	    29, false);
}

/*
 * MimeKit's offsets (aux/<name>.{unix,dos}-offsets.json: mboxMarkerOffset
 * is the From_ line, endOffset the end of the message): each separator we
 * find is one MimeKit found, and where both find the same next one the
 * ends agree.  The dos form is the file with CRLF line ends; its
 * Content-Length values were not changed, so none lines up there: the
 * separators are found all the same.
 */
static void
check_offsets(const char *stem, bool crlf, size_t want_n)
{
	char rel[512], path[2048];
	uint8_t *mbox, *conv;
	json_error_t jerr;
	struct result r;
	size_t n, cn, i, j, k;
	uint64_t mk_end;
	json_t *js;

	snprintf(rel, sizeof(rel), "mimekit/mbox/%s.mbox.txt", stem);
	mbox = slurp(rel, &n);
	if (crlf) {
		conv = to_crlf(mbox, n, &cn);
		free(mbox);
		mbox = conv;
		n = cn;
	}
	snprintf(path, sizeof(path), "%s/mail/mimekit/aux/%s.%s-offsets.json",
	    corpora_dir(), stem, crlf ? "dos" : "unix");
	if ((js = json_load_file(path, 0, &jerr)) == NULL)
		fail_msg("%s: %s", path, jerr.text);
	split(mbox, n, LF_MBOX_AUTO, &r);
	if (r.n != want_n)
		fail_msg("%s (%s): %zu messages, want %zu", stem,
		    crlf ? "dos" : "unix", r.n, want_n);
	for (i = 0, k = 0; i < r.n; i++) {
		for (j = k; j < json_array_size(js); j++)
			if ((uint64_t)json_integer_value(
			        json_object_get(json_array_get(js, j),
			            "mboxMarkerOffset")) == r.msgs[i].off)
				break;
		if (j == json_array_size(js))
			fail_msg("%s: our separator at %llu is not MimeKit's",
			    stem, (unsigned long long)r.msgs[i].off);
		k = j + 1;
		if (i + 1 < r.n && k < json_array_size(js) &&
		    (uint64_t)json_integer_value(
		        json_object_get(json_array_get(js, k),
		            "mboxMarkerOffset")) != r.msgs[i + 1].off)
			continue; /* we merged MimeKit's next messages */
		if (i + 1 == r.n && k != json_array_size(js))
			continue;
		mk_end = (uint64_t)json_integer_value(
		    json_object_get(json_array_get(js, j), "endOffset"));
		/* Before a separator with no empty line ahead of it, the
		 * last line end is the message's for us (the split files
		 * agree); MimeKit leaves it out. */
		if (r.msgs[i].end != mk_end &&
		    !(i + 1 < r.n && r.msgs[i].end == r.msgs[i + 1].off &&
		        mbox[mk_end] == (crlf ? '\r' : '\n') &&
		        r.msgs[i].end == mk_end + (crlf ? 2 : 1)))
			fail_msg("%s: message at %llu ends at %llu, MimeKit "
			         "says %llu",
			    stem, (unsigned long long)r.msgs[i].off,
			    (unsigned long long)r.msgs[i].end,
			    (unsigned long long)mk_end);
	}
	json_decref(js);
	result_free(&r);
	free(mbox);
}

static void
corpus_mimekit_offsets(void **state)
{
	(void)state;
	check_offsets("content-length", false, 29);
	check_offsets("content-length", true, 29);
	check_offsets("issue1189", false, 4);
	check_offsets("issue1189", true, 4);
}

/* Every mbox of the corpus is covered by a test above. */
static void
corpus_all_files_covered(void **state)
{
	static const char *const known[] =
	    {"cpython-test_email/mailbox_01.mbox", "gmime/substring.mbox",
	        "mime4j/mbox.rlug", "mimekit/content-length.mbox.txt",
	        "mimekit/issue1189.mbox.txt", "mimekit/simple.mbox.txt",
	        "mimekit/unmunged.mbox.txt"};
	static const char *const dirs[] = {"cpython-test_email", "gmime",
	    "mime4j", "mimekit"};
	char path[2048], name[1024];
	struct dirent *de;
	size_t i, k, seen = 0;
	bool found;
	DIR *d;

	(void)state;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/mail/%s/mbox", corpora_dir(),
		    dirs[i]);
		if ((d = opendir(path)) == NULL)
			fail_msg("cannot open %s", path);
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(name, sizeof(name), "%s/%s", dirs[i],
			    de->d_name);
			found = false;
			for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				found |= strcmp(name, known[k]) == 0;
			if (!found)
				fail_msg("corpus mbox %s has no test", name);
			seen++;
		}
		closedir(d);
	}
	assert_int_equal(seen, sizeof(known) / sizeof(known[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mboxo_basic),
	    cmocka_unit_test(mboxrd_quoting),
	    cmocka_unit_test(mboxrd_long_quote),
	    cmocka_unit_test(mboxcl_length),
	    cmocka_unit_test(mboxcl2_length),
	    cmocka_unit_test(auto_length_trust),
	    cmocka_unit_test(length_mismatch),
	    cmocka_unit_test(length_edges),
	    cmocka_unit_test(crlf_mbox),
	    cmocka_unit_test(leading_data),
	    cmocka_unit_test(from_lines_that_stay),
	    cmocka_unit_test(separator_forms),
	    cmocka_unit_test(first_line_without_date),
	    cmocka_unit_test(unterminated_and_empty),
	    cmocka_unit_test(long_from_line),
	    cmocka_unit_test(handler_stops),
	    cmocka_unit_test(names_and_errors),
	    cmocka_unit_test(corpus_mime4j),
	    cmocka_unit_test(corpus_dateless),
	    cmocka_unit_test(corpus_disagreements),
	    cmocka_unit_test(corpus_content_length),
	    cmocka_unit_test(corpus_mimekit_offsets),
	    cmocka_unit_test(corpus_all_files_covered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
