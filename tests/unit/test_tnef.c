/*
 * Unit tests: lf_tnef_read, TNEF streams into container events.
 *
 * The corpus tests read the TNEF files of ../shared/corpora/mail (never
 * copied here): MimeKit's test data, whose expected attachment lists and
 * extracted files we must match, and the tnef tool's, whose lists and
 * verbose dumps we must agree with.  Where we differ from MimeKit the
 * test says why.  Crafted streams cover damage: every truncation of a
 * real file, impossible lengths and counts, wrong checksums, nesting
 * past the limit, attributes out of order, allocation failures.
 */
#include <dirent.h>
#include <endian.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "failalloc.h"
#include "lf/limits.h"
#include "lf/tnef.h"
#include "corpora.h"

/* What the reader reported. */
struct ent {
	enum lf_entry_kind kind;
	char path[LF_ENTRY_PATH_MAX];
	char parent[LF_ENTRY_PATH_MAX]; /* "" for the message */
	const char *role;
	char *name; /* NULL if none */
	char *mime;
	uint8_t *data;
	size_t len, cap;
	uint64_t declared;
	bool closed;
};

struct prop {
	char path[LF_ENTRY_PATH_MAX];
	char name[32];
	char *value;
};

struct res {
	struct ent *e;
	size_t ne;
	struct prop *p;
	size_t np;
	char codes[64][32];
	uint64_t offs[64];
	size_t na;
	size_t open; /* entries begun and not ended */
	const struct lf_entry *stack[256];
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	assert_non_null(q);
	return q;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *c = xrealloc(NULL, n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

static struct ent *
find_open(struct res *r, const struct lf_entry *e)
{
	size_t i;

	for (i = r->ne; i > 0; i--)
		if (!r->e[i - 1].closed &&
		    strcmp(r->e[i - 1].path, e->path) == 0)
			return &r->e[i - 1];
	fail_msg("no open entry %s", e->path);
	return NULL;
}

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct res *r = arg;
	struct ent *x;
	size_t i;

	/* The parent is the innermost open message. */
	if (r->open == 0)
		assert_null(e->parent);
	else
		assert_ptr_equal(e->parent, r->stack[r->open - 1]);
	for (i = 0; i < r->ne; i++)
		assert_string_not_equal(r->e[i].path, e->path);
	assert_true(e->role != NULL);
	r->e = xrealloc(r->e, (r->ne + 1) * sizeof(*r->e));
	x = &r->e[r->ne++];
	memset(x, 0, sizeof(*x));
	x->kind = e->kind;
	snprintf(x->path, sizeof(x->path), "%s", e->path);
	if (e->parent != NULL)
		snprintf(x->parent, sizeof(x->parent), "%s", e->parent->path);
	x->role = e->role;
	if (e->name != NULL)
		x->name = xstrndup(e->name, e->name_len);
	if (e->mime_type != NULL)
		x->mime = xstrndup(e->mime_type, strlen(e->mime_type));
	x->declared = e->declared_size;
	if (e->kind == LF_ENTRY_MESSAGE) {
		assert_true(r->open < 256);
		r->stack[r->open++] = e;
	}
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct res *r = arg;
	struct ent *x = find_open(r, e);

	assert_true(n > 0 && n <= 64 * 1024);
	if (x->len + n > x->cap) {
		x->cap = 2 * (x->len + n);
		x->data = xrealloc(x->data, x->cap);
	}
	memcpy(x->data + x->len, p, n);
	x->len += n;
	return 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct res *r = arg;
	struct ent *x = find_open(r, e);

	x->closed = true;
	if (e->kind == LF_ENTRY_MESSAGE) {
		assert_true(r->open > 0);
		assert_ptr_equal(r->stack[r->open - 1], e);
		r->open--;
	}
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct res *r = arg;
	struct prop *p;

	r->p = xrealloc(r->p, (r->np + 1) * sizeof(*r->p));
	p = &r->p[r->np++];
	snprintf(p->path, sizeof(p->path), "%s", e != NULL ? e->path : "");
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->value = xstrndup(value, n);
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	struct res *r = arg;

	(void)e;
	if (r->na < 64) {
		snprintf(r->codes[r->na], sizeof(r->codes[0]), "%s", a->code);
		r->offs[r->na] = a->offset;
		r->na++;
	}
}

static const struct lf_container_events events = {on_begin, on_data, on_end,
    on_property, on_anomaly};

static void
res_free(struct res *r)
{
	size_t i;

	for (i = 0; i < r->ne; i++) {
		free(r->e[i].name);
		free(r->e[i].mime);
		free(r->e[i].data);
	}
	for (i = 0; i < r->np; i++)
		free(r->p[i].value);
	free(r->e);
	free(r->p);
	memset(r, 0, sizeof(*r));
}

static int
read_mem(const uint8_t *p, size_t n, const struct lf_limits *l, struct res *r)
{
	struct lf_source src;
	struct lf_limits def;
	struct lf_error err;
	int rc;

	if (l == NULL) {
		lf_limits_default(&def);
		l = &def;
	}
	memset(r, 0, sizeof(*r));
	lf_source_memory(&src, p, n);
	rc = lf_tnef_read(&src, l, &events, r, &err);
	if (rc == LF_OK) {
		size_t i;

		assert_int_equal(r->open, 0);
		for (i = 0; i < r->ne; i++)
			assert_true(r->e[i].closed);
	}
	return rc;
}

static bool
has_anomaly(const struct res *r, const char *code)
{
	size_t i;

	for (i = 0; i < r->na; i++)
		if (strcmp(r->codes[i], code) == 0)
			return true;
	return false;
}

static const char *
prop_value(const struct res *r, const char *path, const char *name, int nth)
{
	size_t i;

	for (i = 0; i < r->np; i++)
		if (strcmp(r->p[i].path, path) == 0 &&
		    strcmp(r->p[i].name, name) == 0 && nth-- == 0)
			return r->p[i].value;
	return NULL;
}

static const struct ent *
entry(const struct res *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->ne; i++)
		if (strcmp(r->e[i].path, path) == 0)
			return &r->e[i];
	return NULL;
}

/* Corpora ------------------------------------------------------------ */

/* The whole file, or NULL when it does not exist. */
static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long k;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	k = ftell(f);
	assert_true(k >= 0);
	rewind(f);
	b = xrealloc(NULL, (size_t)k + 1);
	assert_int_equal(fread(b, 1, (size_t)k, f), (size_t)k);
	fclose(f);
	*n = (size_t)k;
	return b;
}

static uint8_t *
corpus_file(const char *sub, const char *name, size_t *n)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/mail/%s/aux/%s", corpora_dir(), sub,
	    name);
	return slurp(path, n);
}

/* Lines of a .list file, in lines[], count returned. */
static size_t
list_lines(char *text, size_t n, char *lines[], size_t max)
{
	size_t count = 0, i, start = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && text[i] != '\n')
			continue;
		text[i] = '\0';
		if (i > start && count < max)
			lines[count++] = text + start;
		start = i + 1;
	}
	return count;
}

/* b without its CRs, into out (b's size at most): git's eol=lf. */
static size_t
strip_cr(const uint8_t *b, size_t n, uint8_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!(b[i] == '\r' && i + 1 < n && b[i + 1] == '\n'))
			out[k++] = b[i];
	return k;
}

static bool
same_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	uint8_t ha[SHA256_DIGEST_LENGTH], hb[SHA256_DIGEST_LENGTH];

	SHA256(a, an, ha);
	SHA256(b, bn, hb);
	return memcmp(ha, hb, sizeof(ha)) == 0;
}

/*
 * Whether entry x holds the bytes MimeKit wrote.  Two differences are
 * not ours: MimeKit's test files are git blobs normalised to LF line
 * ends, so text compares without CRs; and MimeKit writes a MAPI object
 * attachment (PT_OBJECT) with the 16-byte interface id that starts the
 * value (MS-OXTNEF 2.1.3.4), where we report what follows it, the
 * object itself (a compound file, a TNEF stream) that other programs
 * open.
 */
static bool
matches_mimekit(const struct ent *x, const uint8_t *f, size_t fn)
{
	uint8_t *t;
	size_t tn;
	bool ok;

	if (same_bytes(x->data, x->len, f, fn))
		return true;
	if (fn == x->len + 16 && same_bytes(x->data, x->len, f + 16, x->len))
		return true;
	if (memchr(f, '\r', fn) != NULL)
		return false;
	t = xrealloc(NULL, x->len);
	tn = strip_cr(x->data, x->len, t);
	ok = same_bytes(t, tn, f, fn);
	free(t);
	return ok;
}

/* MimeKit writes the text that attAttachData holds for an attached
 * message, for mail systems without MAPI; we report the message. */
static bool
is_mapi_placeholder(const uint8_t *f, size_t fn)
{
	static const char s[] = "This attachment is a MAPI 1.0 embedded "
	                        "message and is not supported";

	return fn >= sizeof(s) - 1 && memcmp(f, s, sizeof(s) - 1) == 0;
}

/*
 * MimeKit's test data: for each <name>.tnef, the names of <name>.list
 * ("body.rtf", "body.html" for the bodies) are what we report at the
 * top of the message, and every extracted file <name>__<file> is, byte
 * for byte, an entry we report: message.rtf and message.html are the
 * bodies, message.txt the plain one.
 */
static void
test_mimekit_corpus(void **state)
{
	char dirpath[2048], *lines[64], *list;
	struct dirent *de;
	struct res r;
	size_t n, ln, nlines, i, j, files = 0, tnefs = 0;
	uint8_t *b, *f;
	DIR *d;

	(void)state;
	snprintf(dirpath, sizeof(dirpath), "%s/mail/mimekit-tnef/aux",
	    corpora_dir());
	assert_non_null(d = opendir(dirpath));
	while ((de = readdir(d)) != NULL) {
		char stem[256], fname[512];
		const char *dot = strstr(de->d_name, ".tnef");
		bool used[64] = {false};

		if (dot == NULL || dot[5] != '\0')
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(dot - de->d_name),
		    de->d_name);
		assert_non_null(
		    b = corpus_file("mimekit-tnef", de->d_name, &n));
		assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
		tnefs++;

		snprintf(fname, sizeof(fname), "%s.list", stem);
		assert_non_null(
		    list = (char *)corpus_file("mimekit-tnef", fname, &ln));
		nlines = list_lines(list, ln, lines, 64);
		for (i = 0; i < nlines; i++) {
			if (strcmp(lines[i], "body.rtf") == 0) {
				assert_non_null(entry(&r, "body/rtf"));
				continue;
			}
			if (strcmp(lines[i], "body.html") == 0) {
				assert_non_null(entry(&r, "body/html"));
				continue;
			}
			/*
			 * Christmas: MimeKit lists each attached message
			 * twice, its placeholder text and the message.
			 */
			for (j = 0; j < r.ne; j++) {
				if (!used[j] && r.e[j].parent[0] == '\0' &&
				    r.e[j].kind != LF_ENTRY_BODY &&
				    r.e[j].name != NULL &&
				    strcmp(r.e[j].name, lines[i]) == 0)
					break;
			}
			if (j == r.ne && strcmp(stem, "christmas") == 0 &&
			    strcmp(lines[i], "Untitled Attachment") == 0)
				continue;
			if (j == r.ne)
				fail_msg("%s: '%s' listed, not reported", stem,
				    lines[i]);
			used[j] = true;
		}
		/*
		 * Every attachment we report at the top is listed, but in
		 * long-filename and missing-filenames, whose lists name the
		 * body only while MimeKit's own extracted files (and the
		 * tnef tool) hold the attachments too.
		 */
		if (strcmp(stem, "long-filename") != 0 &&
		    strcmp(stem, "missing-filenames") != 0) {
			for (j = 0; j < r.ne; j++)
				if (r.e[j].parent[0] == '\0' &&
				    r.e[j].kind != LF_ENTRY_BODY && !used[j])
					fail_msg("%s: %s not listed", stem,
					    r.e[j].path);
		}

		/* The extracted files. */
		{
			DIR *d2;
			struct dirent *de2;
			size_t sl = strlen(stem);

			assert_non_null(d2 = opendir(dirpath));
			while ((de2 = readdir(d2)) != NULL) {
				size_t fnl;

				if (strncmp(de2->d_name, stem, sl) != 0 ||
				    strncmp(de2->d_name + sl, "__", 2) != 0)
					continue;
				assert_non_null(f = corpus_file("mimekit-tnef",
				                    de2->d_name, &fnl));
				files++;
				if (is_mapi_placeholder(f, fnl)) {
					free(f);
					continue;
				}
				for (j = 0; j < r.ne; j++)
					if (matches_mimekit(&r.e[j], f, fnl))
						break;
				if (j == r.ne)
					fail_msg("%s: no entry holds %s", stem,
					    de2->d_name);
				free(f);
			}
			closedir(d2);
		}
		free(list);
		free(b);
		res_free(&r);
	}
	closedir(d);
	assert_true(tnefs >= 19);
	assert_true(files >= 45);
}

/*
 * The tnef tool's test data: datafiles__<name>.list names what `tnef
 * --save-body` writes, attachments and "<name>-body.rtf|html".  Those
 * of long-filename and missing-filenames name the body only, though
 * tnef writes their attachments too (`tnef -t` lists them): those
 * attachments are checked in t_tnef_tool.sh against the tool itself.
 */
static void
test_tnef_corpus(void **state)
{
	char dirpath[2048], *lines[64], *list;
	struct dirent *de;
	struct res r;
	size_t n, ln, nlines, i, j, tnefs = 0;
	uint8_t *b;
	DIR *d;

	(void)state;
	snprintf(dirpath, sizeof(dirpath), "%s/mail/tnef/aux", corpora_dir());
	assert_non_null(d = opendir(dirpath));
	while ((de = readdir(d)) != NULL) {
		char stem[256], fname[512];
		const char *dot = strstr(de->d_name, ".tnef");
		bool partial;

		if (dot == NULL || dot[5] != '\0')
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(dot - de->d_name),
		    de->d_name);
		assert_non_null(b = corpus_file("tnef", de->d_name, &n));
		assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
		tnefs++;
		snprintf(fname, sizeof(fname), "%s.list", stem);
		assert_non_null(list = (char *)corpus_file("tnef", fname, &ln));
		nlines = list_lines(list, ln, lines, 64);
		partial = strstr(stem, "long-filename") != NULL ||
		    strstr(stem, "missing-filenames") != NULL;
		for (i = 0; i < nlines; i++) {
			size_t ll = strlen(lines[i]);

			if (ll > 9 &&
			    strcmp(lines[i] + ll - 9, "-body.rtf") == 0) {
				assert_non_null(entry(&r, "body/rtf"));
				continue;
			}
			if (ll > 10 &&
			    strcmp(lines[i] + ll - 10, "-body.html") == 0) {
				assert_non_null(entry(&r, "body/html"));
				continue;
			}
			for (j = 0; j < r.ne; j++)
				if (r.e[j].kind == LF_ENTRY_FILE &&
				    r.e[j].name != NULL &&
				    strcmp(r.e[j].name, lines[i]) == 0)
					break;
			if (j == r.ne)
				fail_msg("%s: '%s' listed, not reported", stem,
				    lines[i]);
		}
		for (j = 0; j < r.ne && !partial; j++) {
			if (r.e[j].kind != LF_ENTRY_FILE)
				continue;
			for (i = 0; i < nlines; i++)
				if (r.e[j].name != NULL &&
				    strcmp(r.e[j].name, lines[i]) == 0)
					break;
			if (i == nlines)
				fail_msg("%s: %s not listed", stem,
				    r.e[j].path);
		}
		free(list);
		free(b);
		res_free(&r);
	}
	closedir(d);
	assert_true(tnefs >= 15);
}

/*
 * Properties, against the tnef tool's verbose dumps (baselines__*):
 * "Date Sent <8005> ... Mon 2005/04/25 10:15:35", "Message ID <8009>",
 * "From <8000> ... sender_display_name='Martin Rakhmanoff'".
 */
static void
test_properties(void **state)
{
	struct res r;
	uint8_t *b;
	size_t n;

	(void)state;
	assert_non_null(b = corpus_file("tnef", "datafiles__body.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "date", 0),
	    "2005-04-25T10:15:35Z");
	/* Only one date: PR_CLIENT_SUBMIT_TIME yields to attDateSent. */
	assert_null(prop_value(&r, "", "date", 1));
	assert_string_equal(prop_value(&r, "", "message-id", 0),
	    "0DDA0FCBCC07C14192EE86FC42D15B95");
	assert_string_equal(prop_value(&r, "", "message-id", 1),
	    "<4520F6151DAF2A44BA878BF2F380348E26E5@br-exch-dev1."
	    "brexchange.dolphinsearch.com>");
	assert_string_equal(prop_value(&r, "", "subject", 0), "Bill of Rights");
	assert_string_equal(prop_value(&r, "", "message-class", 0), "IPM.Note");
	/* attRecipTable ("Recipients <9004>" in the tnef tool's dump): one
	 * row, PR_DISPLAY_NAME "3kuser2", PR_RECIPIENT_TYPE 1 (To), an
	 * Exchange address in PR_EMAIL_ADDRESS and the SMTP one in
	 * PR_SMTP_ADDRESS. */
	assert_string_equal(prop_value(&r, "", "to", 0),
	    "3kuser2 <3kuser2@brexchange.dolphinsearch.com>");
	assert_null(prop_value(&r, "", "to", 1));
	assert_null(prop_value(&r, "", "cc", 0));
	assert_false(has_anomaly(&r, "tnef.recipient-type"));
	assert_string_equal(entry(&r, "body/html")->role, "body.html");
	res_free(&r);
	free(b);

	assert_non_null(b = corpus_file("tnef", "datafiles__triples.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "from", 0),
	    "Martin Rakhmanoff <rakhmanoff@sundance.spb.ru>");
	assert_string_equal(prop_value(&r, "", "subject", 0), "Sample Summary");
	assert_string_equal(prop_value(&r, "", "date", 0),
	    "2003-05-23T17:26:17Z");
	/* attBody, CRLF kept, its terminating NUL left out. */
	assert_int_equal(entry(&r, "body/plain")->len, 20);
	assert_memory_equal(entry(&r, "body/plain")->data,
	    "Sample description\r\n", 20);
	res_free(&r);
	free(b);

	/* PT_STRING8 in CP1252: "Bodø-damer på vei!" */
	assert_non_null(b = corpus_file("tnef",
	                    "datafiles__MAPI_ATTACH_DATA_OBJ.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "subject", 0),
	    "Bod\xc3\xb8-damer p\xc3\xa5 vei!");
	res_free(&r);
	free(b);

	/* PT_UNICODE names and subject. */
	assert_non_null(b = corpus_file("tnef",
	                    "datafiles__unicode-mapi-attr-name.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "from", 0),
	    "Marcin Jab\xc5\x82onkowski <M.Jablonkowski@promedica24.pl>");
	assert_string_equal(entry(&r, "attach/2")->mime, "image/png");
	assert_string_equal(entry(&r, "attach/1")->name, "spaconsole2.cfg");
	res_free(&r);
	free(b);
}

/* data-before-name: attAttachData comes before attAttachTitle. */
static void
test_data_before_name(void **state)
{
	const struct ent *x;
	struct res r;
	uint8_t *b;
	size_t n;

	(void)state;
	assert_non_null(
	    b = corpus_file("tnef", "datafiles__data-before-name.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_non_null(x = entry(&r, "attach/3"));
	assert_string_equal(x->name, "boot.ini");
	assert_string_equal(x->role, "attachment");
	assert_int_equal(x->len, 289);
	assert_int_equal(x->declared, 289);
	assert_memory_equal(x->data, "[boot loader]", 13);
	res_free(&r);
	free(b);
}

/* christmas: two attached messages, one holding an attachment. */
static void
test_nested(void **state)
{
	struct lf_limits l;
	const struct ent *x;
	struct res r;
	uint8_t *b;
	size_t n;

	(void)state;
	assert_non_null(b = corpus_file("mimekit-tnef", "christmas.tnef", &n));
	assert_int_equal(read_mem(b, n, NULL, &r), LF_OK);
	assert_non_null(x = entry(&r, "attach/3"));
	assert_int_equal(x->kind, LF_ENTRY_MESSAGE);
	assert_string_equal(x->role, "message");
	assert_int_equal(le32toh(*(const uint32_t *)(const void *)x->data),
	    LF_TNEF_SIGNATURE);
	assert_non_null(x = entry(&r, "attach/3/attach/1"));
	assert_string_equal(x->parent, "attach/3");
	assert_string_equal(x->name,
	    "kitten-playing-with-a-christmas-tree.jpg");
	assert_string_equal(prop_value(&r, "attach/3", "subject", 0),
	    "Christmas Celebration!");
	assert_non_null(entry(&r, "attach/2/body/rtf"));
	assert_false(has_anomaly(&r, "tnef.too-deep"));
	res_free(&r);

	/* Depth 0: the messages are reported, not opened. */
	lf_limits_default(&l);
	l.container_depth = 0;
	assert_int_equal(read_mem(b, n, &l, &r), LF_OK);
	assert_non_null(entry(&r, "attach/3"));
	assert_null(entry(&r, "attach/3/attach/1"));
	assert_null(prop_value(&r, "attach/3", "subject", 0));
	assert_true(has_anomaly(&r, "tnef.too-deep"));
	res_free(&r);
	free(b);
}

/* Crafted streams ---------------------------------------------------- */

struct tb {
	uint8_t *p;
	size_t n, cap;
};

static void
tb_put(struct tb *t, const void *p, size_t n)
{
	if (t->n + n > t->cap) {
		t->cap = 2 * (t->n + n) + 64;
		t->p = xrealloc(t->p, t->cap);
	}
	memcpy(t->p + t->n, p, n);
	t->n += n;
}

static void
tb_u16(struct tb *t, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	tb_put(t, b, 2);
}

static void
tb_u32(struct tb *t, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24)};

	tb_put(t, b, 4);
}

static void
tb_start(struct tb *t)
{
	memset(t, 0, sizeof(*t));
	tb_u32(t, LF_TNEF_SIGNATURE);
	tb_u16(t, 0x0001);
}

/* An attribute with its checksum (plus bias, to make it wrong). */
static void
tb_attr(struct tb *t, uint8_t level, uint32_t id, const void *data, size_t n,
    uint16_t bias)
{
	const uint8_t *d = data;
	uint16_t sum = bias;
	size_t i;

	tb_put(t, &level, 1);
	tb_u32(t, id);
	tb_u32(t, (uint32_t)n);
	tb_put(t, data, n);
	for (i = 0; i < n; i++)
		sum = (uint16_t)(sum + d[i]);
	tb_u16(t, sum);
}

static void
tb_attach(struct tb *t, const char *title, const char *data)
{
	static const uint8_t rend[14] = {1};

	tb_attr(t, 2, 0x00069002, rend, sizeof(rend), 0);
	tb_attr(t, 2, 0x00018010, title, strlen(title) + 1, 0);
	tb_attr(t, 2, 0x0006800f, data, strlen(data), 0);
}

static void
test_bad_signature(void **state)
{
	static const uint8_t junk[] = "not a TNEF stream";
	struct res r;

	(void)state;
	assert_int_equal(read_mem(junk, sizeof(junk), NULL, &r), LF_E_FORMAT);
	assert_int_equal(r.ne, 0);
	assert_int_equal(read_mem(junk, 0, NULL, &r), LF_E_FORMAT);
	res_free(&r);
}

static void
test_simple_and_checksum(void **state)
{
	struct tb t;
	struct res r;

	(void)state;
	tb_start(&t);
	tb_attr(&t, 1, 0x00018004, "Hi \xe9t\xe9", 7, 0); /* CP1252 */
	tb_attach(&t, "a.txt", "alpha");
	tb_attach(&t, "b.txt", "beta");
	tb_attr(&t, 2, 0x0006800f, "x", 1, 0); /* second attAttachData */
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "subject", 0),
	    "Hi \xc3\xa9t\xc3\xa9");
	assert_int_equal(r.ne, 2);
	assert_string_equal(entry(&r, "attach/1")->name, "a.txt");
	assert_memory_equal(entry(&r, "attach/2")->data, "beta", 4);
	assert_true(has_anomaly(&r, "tnef.duplicate"));
	assert_false(has_anomaly(&r, "tnef.bad-checksum"));
	res_free(&r);
	free(t.p);

	/* A wrong checksum is noted; the data is used. */
	tb_start(&t);
	tb_attr(&t, 1, 0x00018004, "Subject", 8, 7);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.bad-checksum"));
	assert_string_equal(prop_value(&r, "", "subject", 0), "Subject");
	res_free(&r);
	free(t.p);
}

/* Lengths past the end, 0xFFFFFFFF among them. */
static void
test_bad_lengths(void **state)
{
	static const uint32_t lens[] = {0xffffffffu, 0x7fffffffu, 100};
	struct tb t;
	struct res r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		tb_start(&t);
		tb_attach(&t, "a.txt", "alpha");
		tb_put(&t, "\x02", 1);
		tb_u32(&t, 0x0006800f);
		tb_u32(&t, lens[i]);
		tb_put(&t, "short", 5);
		assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
		assert_true(has_anomaly(&r, "tnef.truncated"));
		assert_int_equal(r.ne, 1);
		res_free(&r);
		free(t.p);
	}
}

/* attAttachment with the given body (count and properties). */
static void
mapi_attach(struct tb *t, const struct tb *props)
{
	static const uint8_t rend[14] = {1};

	tb_attr(t, 2, 0x00069002, rend, sizeof(rend), 0);
	tb_attr(t, 2, 0x00069005, props->p, props->n, 0);
}

static void
test_mapi_counts(void **state)
{
	static const uint32_t counts[] = {0x80000000u, 0xffffffffu, 3};
	struct tb t, p;
	struct res r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		/* A property count, then one long filename. */
		memset(&p, 0, sizeof(p));
		tb_u32(&p, counts[i]);
		tb_u32(&p, 0x3707001e);
		tb_u32(&p, 1);
		tb_u32(&p, 9);
		tb_put(&p, "long.txt\0\0\0\0", 12);
		tb_start(&t);
		mapi_attach(&t, &p);
		assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
		assert_true(has_anomaly(&r, "tnef.bad-mapi"));
		assert_string_equal(entry(&r, "attach/1")->name, "long.txt");
		res_free(&r);
		free(t.p);
		free(p.p);
	}

	/* A value count of 2^31, a value length past the end. */
	memset(&p, 0, sizeof(p));
	tb_u32(&p, 2);
	tb_u32(&p, 0x3707101e); /* multi-valued string */
	tb_u32(&p, 0x80000000u);
	tb_u32(&p, 0x3704001e);
	tb_u32(&p, 1);
	tb_u32(&p, 0xfffffff0u);
	tb_start(&t);
	mapi_attach(&t, &p);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.bad-mapi"));
	assert_int_equal(r.ne, 1);
	res_free(&r);
	free(t.p);
	free(p.p);

	/* An unknown type, a named property cut short. */
	memset(&p, 0, sizeof(p));
	tb_u32(&p, 2);
	tb_u32(&p, 0x80010003);
	tb_put(&p, "0123456789abcdef", 16);
	tb_start(&t);
	mapi_attach(&t, &p);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.bad-mapi"));
	res_free(&r);
	free(t.p);
	free(p.p);
}

/* A string property of a recipient row. */
static void
rp_text(struct tb *p, uint32_t tag, const char *v, size_t n)
{
	tb_u32(p, tag);
	tb_u32(p, 1);
	tb_u32(p, (uint32_t)n);
	tb_put(p, v, n);
	while (p->n % 4 != 0)
		tb_put(p, "", 1);
}

static void
rp_long(struct tb *p, uint32_t tag, uint32_t v)
{
	tb_u32(p, tag);
	tb_u32(p, v);
}

/* attRecipTable (MS-OXTNEF 2.1.3.3.14): rows of MAPI properties, as
 * Outlook .msg recipients are reported. */
static void
test_recipients(void **state)
{
	struct lf_limits l;
	struct tb t, p;
	struct res r;

	(void)state;
	memset(&p, 0, sizeof(p));
	tb_u32(&p, 7);
	/* To: Unicode name, an X.500 address and the SMTP one. */
	tb_u32(&p, 4);
	rp_text(&p, 0x3001001f, "A\0n\0n\0a\0\0\0", 10);
	rp_text(&p, 0x3003001e, "/O=EX/CN=ANNA", 14);
	rp_text(&p, 0x39fe001f, "a\0@\0x\0.\0o\0r\0g\0\0\0", 16);
	rp_long(&p, 0x0c150003, 1);
	/* Cc: an 8-bit name in CP1252, only an address of its own type. */
	tb_u32(&p, 3);
	rp_text(&p, 0x3001001e, "Zo\xeb\0", 4);
	rp_text(&p, 0x3003001e, "zoe@example.org", 16);
	rp_long(&p, 0x0c150003, 2);
	/* Bcc, already sent (the high bit): the address alone. */
	tb_u32(&p, 2);
	rp_text(&p, 0x39fe001e, "b@x.org", 8);
	rp_long(&p, 0x0c150003, 0x10000003);
	/* No type: To, said; the name is the address: once. */
	tb_u32(&p, 2);
	rp_text(&p, 0x3001001e, "c@x.org", 8);
	rp_text(&p, 0x39fe001e, "c@x.org", 8);
	/* Type 7: said, not reported. */
	tb_u32(&p, 2);
	rp_text(&p, 0x3001001e, "Odd", 4);
	rp_long(&p, 0x0c150003, 7);
	/* PR_TRANSMITABLE_DISPLAY_NAME when there is no display name; a
	 * named property and a multi-valued one skipped. */
	tb_u32(&p, 4);
	tb_u32(&p, 0x8001001e);
	tb_put(&p, "0123456789abcdef", 16);
	tb_u32(&p, 0);
	tb_u32(&p, 0x8005);
	tb_u32(&p, 1);
	tb_u32(&p, 4);
	tb_put(&p, "xyz", 4);
	rp_text(&p, 0x3a20001e, "Dee", 4);
	tb_u32(&p, 0x3001101e);
	tb_u32(&p, 0);
	rp_long(&p, 0x0c150003, 2);
	/* Nothing but a type: nothing to report. */
	tb_u32(&p, 1);
	rp_long(&p, 0x0c150003, 1);
	tb_start(&t);
	tb_attr(&t, 1, 0x00069004, p.p, p.n, 0);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_string_equal(prop_value(&r, "", "to", 0), "Anna <a@x.org>");
	assert_string_equal(prop_value(&r, "", "cc", 0),
	    "Zo\xc3\xab <zoe@example.org>");
	assert_string_equal(prop_value(&r, "", "bcc", 0), "b@x.org");
	assert_string_equal(prop_value(&r, "", "to", 1), "c@x.org");
	assert_string_equal(prop_value(&r, "", "cc", 1), "Dee");
	assert_null(prop_value(&r, "", "to", 2));
	assert_null(prop_value(&r, "", "cc", 2));
	assert_true(has_anomaly(&r, "tnef.recipient-type"));
	assert_false(has_anomaly(&r, "tnef.bad-mapi"));
	res_free(&r);

	/* container_entries bounds the rows read. */
	lf_limits_default(&l);
	l.container_entries = 2;
	assert_int_equal(read_mem(t.p, t.n, &l, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.too-many-entries"));
	assert_non_null(prop_value(&r, "", "cc", 0));
	assert_null(prop_value(&r, "", "bcc", 0));
	res_free(&r);
	free(t.p);

	/* 2^31 rows in a few bytes; a row cut short keeps what it read. */
	p.n = 0;
	tb_u32(&p, 0x80000000u);
	tb_u32(&p, 2);
	rp_text(&p, 0x3001001e, "Eve", 4);
	tb_start(&t);
	tb_attr(&t, 1, 0x00069004, p.p, p.n, 0);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.bad-mapi"));
	assert_null(prop_value(&r, "", "to", 0));
	res_free(&r);
	free(t.p);
	p.n = 0;
	tb_u32(&p, 1);
	tb_u32(&p, 3);
	rp_text(&p, 0x3001001e, "Eve", 4);
	tb_start(&t);
	tb_attr(&t, 1, 0x00069004, p.p, p.n, 0);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.bad-mapi"));
	assert_string_equal(prop_value(&r, "", "to", 0), "Eve");
	res_free(&r);
	free(t.p);
	free(p.p);
}

/*
 * A message holding a message holding ... depth times, each an
 * attachment with PR_ATTACH_METHOD 5 and PR_ATTACH_DATA_OBJ (PT_OBJECT,
 * IID_IMessage, then the stream).
 */
static void
nest(struct tb *out, unsigned depth)
{
	static const uint8_t iid[16] = {0x07, 0x03, 0x02, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
	struct tb inner, p;

	tb_start(out);
	tb_attr(out, 1, 0x00018004, "s", 2, 0);
	if (depth == 0) {
		tb_attach(out, "leaf.txt", "leaf");
		return;
	}
	nest(&inner, depth - 1);
	memset(&p, 0, sizeof(p));
	tb_u32(&p, 2);
	tb_u32(&p, 0x37050003);
	tb_u32(&p, 5);
	tb_u32(&p, 0x3701000d);
	tb_u32(&p, 1);
	tb_u32(&p, (uint32_t)(16 + inner.n));
	tb_put(&p, iid, 16);
	tb_put(&p, inner.p, inner.n);
	while (p.n % 4 != 0)
		tb_put(&p, "", 1);
	mapi_attach(out, &p);
	free(inner.p);
	free(p.p);
}

static void
test_too_deep(void **state)
{
	struct lf_limits l;
	struct tb t;
	struct res r;
	char path[LF_ENTRY_PATH_MAX];
	unsigned i;

	(void)state;
	nest(&t, 12);
	lf_limits_default(&l);
	l.container_depth = 3;
	assert_int_equal(read_mem(t.p, t.n, &l, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.too-deep"));
	/* attach/1 x3 opened; the fourth reported but not opened. */
	snprintf(path, sizeof(path), "attach/1/attach/1/attach/1/attach/1");
	assert_non_null(entry(&r, path));
	assert_null(entry(&r, "attach/1/attach/1/attach/1/attach/1/attach/1"));
	res_free(&r);

	/* Unlimited depth: the path length bounds it. */
	free(t.p);
	nest(&t, 70);
	l.container_depth = UINT64_MAX;
	assert_int_equal(read_mem(t.p, t.n, &l, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.too-deep"));
	for (i = 0; i < r.ne; i++)
		assert_true(strlen(r.e[i].path) < LF_ENTRY_PATH_MAX);
	res_free(&r);
	free(t.p);
}

/* Attachment attributes before any attAttachRendData, message ones
 * among the attachments, a level byte that is neither. */
static void
test_out_of_order(void **state)
{
	struct tb t;
	struct res r;

	(void)state;
	tb_start(&t);
	tb_attr(&t, 2, 0x0006800f, "orphan", 6, 0);
	tb_attr(&t, 2, 0x00018010, "o.bin", 6, 0);
	tb_attach(&t, "a.txt", "alpha");
	tb_attr(&t, 1, 0x00018004, "late", 5, 0);
	tb_attr(&t, 7, 0x00018010, "odd", 4, 0);
	tb_put(&t, "xyz", 3);
	assert_int_equal(read_mem(t.p, t.n, NULL, &r), LF_OK);
	assert_true(has_anomaly(&r, "tnef.out-of-order"));
	assert_true(has_anomaly(&r, "tnef.bad-level"));
	assert_true(has_anomaly(&r, "tnef.garbage-at-end"));
	assert_string_equal(entry(&r, "attach/1")->name, "o.bin");
	assert_memory_equal(entry(&r, "attach/1")->data, "orphan", 6);
	assert_string_equal(prop_value(&r, "", "subject", 0), "late");
	res_free(&r);
	free(t.p);
}

/* Every truncation of real files: no crash, LF_OK or LF_E_FORMAT. */
static void
test_truncations(void **state)
{
	static const char *const names[] = {"two-files.tnef",
	    "data-before-name.tnef", "multi-name-property.tnef"};
	struct res r;
	uint8_t *b, *c;
	size_t n, i, k;
	int rc;

	(void)state;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		assert_non_null(b = corpus_file("mimekit-tnef", names[k], &n));
		for (i = 0; i < n; i++) {
			/* A copy of exactly i bytes, so reads past are seen. */
			c = xrealloc(NULL, i);
			memcpy(c, b, i);
			rc = read_mem(c, i, NULL, &r);
			assert_true(
			    rc == LF_OK || (rc == LF_E_FORMAT && i < 6));
			res_free(&r);
			free(c);
		}
		free(b);
	}
}

/* Events that allocate nothing, for the allocation failure test. */
static int
count_begin(void *arg, const struct lf_entry *e)
{
	(void)e;
	(*(size_t *)arg)++;
	return 0;
}

static int
count_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)e;
	(void)p;
	(void)n;
	return 0;
}

static int
count_end(void *arg, const struct lf_entry *e)
{
	(void)arg;
	(void)e;
	return 0;
}

/* Allocation failures: LF_E_NOMEM, nothing kept. */
static void
test_nomem(void **state)
{
	static const struct lf_container_events counting = {count_begin,
	    count_data, count_end, NULL, NULL};
	struct mallinfo2 before, after;
	struct lf_source src;
	struct lf_limits l;
	struct lf_error err;
	size_t n, entries;
	uint8_t *b;
	long i;
	int rc;

	(void)state;
	assert_non_null(b = corpus_file("mimekit-tnef", "christmas.tnef", &n));
	lf_limits_default(&l);
	lf_source_memory(&src, b, n);
	/* Once first, so that iconv's modules are loaded and kept. */
	entries = 0;
	assert_int_equal(lf_tnef_read(&src, &l, &counting, &entries, &err),
	    LF_OK);
	assert_int_equal(entries, 9);
	for (i = 0;; i++) {
		before = mallinfo2();
		failalloc_after(i);
		entries = 0;
		rc = lf_tnef_read(&src, &l, &counting, &entries, &err);
		failalloc_off();
		after = mallinfo2();
		assert_true(rc == LF_OK || rc == LF_E_NOMEM);
		assert_int_equal(after.uordblks, before.uordblks);
		if (rc == LF_OK)
			break;
	}
	assert_true(i > 3);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mimekit_corpus),
	    cmocka_unit_test(test_tnef_corpus),
	    cmocka_unit_test(test_properties),
	    cmocka_unit_test(test_data_before_name),
	    cmocka_unit_test(test_nested),
	    cmocka_unit_test(test_bad_signature),
	    cmocka_unit_test(test_simple_and_checksum),
	    cmocka_unit_test(test_bad_lengths),
	    cmocka_unit_test(test_mapi_counts),
	    cmocka_unit_test(test_recipients),
	    cmocka_unit_test(test_too_deep),
	    cmocka_unit_test(test_out_of_order),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
