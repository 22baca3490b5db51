/*
 * Unit tests: lf_mimeparam (Content-Type and Content-Disposition values).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/mimeparam.h"
#include "lf/text.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1
#define FFFD "\xef\xbf\xbd"
#define NIHONGO "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"

struct seen {
	int n;
	struct {
		const char *code;
		enum lf_severity severity;
		uint64_t offset;
	} a[64];
};

static void
record(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->a[s->n].code = a->code;
		s->a[s->n].severity = a->severity;
		s->a[s->n].offset = a->offset;
	}
	s->n++;
}

static int
count(const struct seen *s, const char *code)
{
	int i, k = 0;

	for (i = 0; i < s->n && i < 64; i++)
		k += strcmp(s->a[i].code, code) == 0;
	return k;
}

/* The severity and offset of the first anomaly with code; fails without. */
static void
first(const struct seen *s, const char *code, enum lf_severity *sev,
    uint64_t *off)
{
	int i;

	for (i = 0; i < s->n && i < 64; i++) {
		if (strcmp(s->a[i].code, code) == 0) {
			*sev = s->a[i].severity;
			*off = s->a[i].offset;
			return;
		}
	}
	fail_msg("no anomaly %s", code);
}

static struct lf_limits lim;

static int
setup(void **state)
{
	(void)state;
	lf_limits_default(&lim);
	lim.header_bytes = 1 << 20;
	lim.mime_params = 64;
	return 0;
}

/* Every invariant the fuzzer checks too. */
static void
check_field(const struct lf_mime_field *f)
{
	const uint8_t *lo = f->arena.data, *hi = lo + f->arena.len;
	size_t i;

	assert_true(strlen(f->type) < sizeof(f->type));
	for (i = 0; i < f->nparams; i++) {
		const struct lf_mime_param *p = &f->params[i];
		assert_true(p->raw >= lo && p->raw + p->raw_len < hi);
		assert_true(p->value >= lo && p->value + p->value_len < hi);
		assert_int_equal(p->raw[p->raw_len], 0);
		assert_int_equal(p->value[p->value_len], 0);
		assert_true(lf_utf8_valid(p->value, p->value_len));
		assert_true(strlen(p->name) < sizeof(p->name));
	}
	assert_true(f->arena.len <= lim.header_bytes);
}

static void
parse(const uint8_t *p, size_t n, bool ct, struct lf_mime_field *f,
    struct seen *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(lf_mime_field_parse(p, n, ct, &lim, f, record, s,
	                     NULL),
	    LF_OK);
	check_field(f);
}

#define CT(in, f, s) parse(S(in), true, f, s)
#define CD(in, f, s) parse(S(in), false, f, s)

static void
want_param(const struct lf_mime_field *f, const char *name, const char *raw,
    size_t raw_len, const char *value, size_t value_len)
{
	const struct lf_mime_param *p = lf_mime_field_param(f, name);

	if (p == NULL)
		fail_msg("no parameter %s", name);
	if (p->raw_len != raw_len || memcmp(p->raw, raw, raw_len) != 0)
		fail_msg("%s: raw \"%.*s\", want \"%s\"", name, (int)p->raw_len,
		    p->raw, raw);
	if (p->value_len != value_len ||
	    memcmp(p->value, value, value_len) != 0)
		fail_msg("%s: value \"%.*s\", want \"%s\"", name,
		    (int)p->value_len, p->value, value);
}

#define WANT(f, name, raw, value) \
	want_param(f, name, raw, sizeof(raw) - 1, value, sizeof(value) - 1)

static void
rfc2045_basics(void **state)
{
	struct lf_mime_field f;
	struct seen s;

	(void)state;
	CT("text/plain; charset=us-ascii (Plain text)", &f, &s);
	assert_int_equal(s.n, 0);
	assert_string_equal(f.type, "text");
	assert_string_equal(f.subtype, "plain");
	assert_int_equal(f.nparams, 1);
	WANT(&f, "charset", "us-ascii", "us-ascii");
	assert_false(f.params[0].extended);
	assert_string_equal(f.params[0].charset, "");
	lf_mime_field_release(&f);

	CT("Multipart/Mixed; BOUNDARY=\"----=_Part_0_1.2\"", &f, &s);
	assert_int_equal(s.n, 0);
	assert_string_equal(f.type, "multipart");
	assert_string_equal(f.subtype, "mixed");
	WANT(&f, "boundary", "----=_Part_0_1.2", "----=_Part_0_1.2");
	assert_null(lf_mime_field_param(&f, "BOUNDARY"));
	assert_null(lf_mime_field_param(&f, "charset"));
	assert_null(lf_mime_field_param(NULL, "charset"));
	lf_mime_field_release(&f);

	CD("Attachment; filename=report.pdf; size=1234;", &f, &s);
	assert_int_equal(s.n, 0);
	assert_string_equal(f.type, "attachment");
	assert_string_equal(f.subtype, "");
	assert_int_equal(f.nparams, 2);
	assert_string_equal(f.params[0].name, "filename");
	assert_string_equal(f.params[1].name, "size");
	lf_mime_field_release(&f);
	lf_mime_field_release(&f);

	CT("", &f, &s);
	assert_int_equal(count(&s, "param.missing-type"), 1);
	assert_string_equal(f.type, "");
	assert_int_equal(f.nparams, 0);
	lf_mime_field_release(&f);
}

/* RFC 2231 section 3: continuations. */
static void
rfc2231_section3(void **state)
{
	struct lf_mime_field f;
	struct seen s;

	(void)state;
	CT("message/external-body; access-type=URL;\r\n"
	   "         URL*0=\"ftp://\";\r\n"
	   "         URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/"
	   "bulk-mailer.tar\"",
	    &f, &s);
	assert_int_equal(s.n, 0);
	assert_string_equal(f.subtype, "external-body");
	assert_int_equal(f.nparams, 2);
	WANT(&f, "url",
	    "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar",
	    "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
	assert_true(lf_mime_field_param(&f, "url")->extended);
	assert_string_equal(lf_mime_field_param(&f, "url")->charset, "");
	lf_mime_field_release(&f);
}

/* RFC 2231 section 4: charset and language. */
static void
rfc2231_section4(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	const struct lf_mime_param *p;

	(void)state;
	CT("application/x-stuff;\r\n"
	   "    title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
	    &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "title", "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
	    "This is ***fun***");
	p = lf_mime_field_param(&f, "title");
	assert_true(p->extended);
	assert_string_equal(p->charset, "us-ascii");
	assert_string_equal(p->language, "en-us");
	lf_mime_field_release(&f);
}

/* RFC 2231 section 4.1: both, with an unencoded last section. */
static void
rfc2231_section4_1(void **state)
{
	struct lf_mime_field f;
	struct seen s;

	(void)state;
	/* As printed in the RFC: without semicolons (erratum 590). */
	CT("application/x-stuff\r\n"
	   "    title*0*=us-ascii'en'This%20is%20even%20more%20\r\n"
	   "    title*1*=%2A%2A%2Afun%2A%2A%2A%20\r\n"
	   "    title*2=\"isn't it!\"",
	    &f, &s);
	assert_int_equal(count(&s, "param.missing-semicolon"), 3);
	assert_int_equal(s.n, 3);
	WANT(&f, "title",
	    "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20"
	    "isn't it!",
	    "This is even more ***fun*** isn't it!");
	assert_string_equal(f.params[0].language, "en");
	lf_mime_field_release(&f);
	CT("application/x-stuff;\r\n"
	   "    title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
	   "    title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n"
	   "    title*2=\"isn't it!\"",
	    &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "title",
	    "us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun%2A%2A%2A%20"
	    "isn't it!",
	    "This is even more ***fun*** isn't it!");
	lf_mime_field_release(&f);
}

static void
rfc2231_charsets(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;

	(void)state;
	/* A character split across sections, in any order. */
	CD("attachment; filename*1*=%E6%9C%AC%E8; filename*0*=UTF-8''%E6%97%A5;"
	   " filename*2*=%AA%9E.txt",
	    &f, &s);
	assert_int_equal(s.n, 1);
	first(&s, "param.continuation-order", &sev, &off);
	assert_int_equal(sev, LF_SEV_LOW);
	WANT(&f, "filename", "UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt",
	    NIHONGO ".txt");
	lf_mime_field_release(&f);
	/* ISO-2022-JP (stateful) and Shift_JIS cut mid-character. */
	CD("attachment; filename*0*=iso-2022-jp'ja'%1B%24BF; "
	   "filename*1*=%7CK%5C8l%1B%28B.doc",
	    &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "iso-2022-jp'ja'%1B%24BF%7CK%5C8l%1B%28B.doc",
	    NIHONGO ".doc");
	assert_string_equal(f.params[0].charset, "iso-2022-jp");
	assert_string_equal(f.params[0].language, "ja");
	lf_mime_field_release(&f);
	CD("attachment; filename*0*=shift_jis''%93%FA%96; "
	   "filename*1*=%7B%8C%EA",
	    &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "shift_jis''%93%FA%96%7B%8C%EA", NIHONGO);
	lf_mime_field_release(&f);
	CD("attachment; filename*=iso-8859-1'fr'r%E9sum%E9.doc", &f, &s);
	WANT(&f, "filename", "iso-8859-1'fr'r%E9sum%E9.doc",
	    "r\xc3\xa9sum\xc3\xa9.doc");
	lf_mime_field_release(&f);
	/* Unknown charset: ASCII shown, the rest U+FFFD. */
	CD("attachment; filename*=x-klingon''a%E9b", &f, &s);
	assert_int_equal(count(&s, "charset.unknown"), 1);
	WANT(&f, "filename", "x-klingon''a%E9b", "a" FFFD "b");
	assert_string_equal(f.params[0].charset, "x-klingon");
	lf_mime_field_release(&f);
	/* Bytes invalid in the charset. */
	CD("attachment; filename*=utf-8''a%FFb", &f, &s);
	assert_int_equal(count(&s, "charset.invalid-bytes"), 1);
	WANT(&f, "filename", "utf-8''a%FFb", "a" FFFD "b");
	lf_mime_field_release(&f);
	/* No charset: UTF-8 if it is, else ISO-8859-1. */
	CD("attachment; filename*=''caf%C3%A9", &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "''caf%C3%A9", "caf\xc3\xa9");
	lf_mime_field_release(&f);
	CD("attachment; filename*=''caf%E9", &f, &s);
	assert_int_equal(count(&s, "param.raw-8bit"), 1);
	WANT(&f, "filename", "''caf%E9", "caf\xc3\xa9");
	lf_mime_field_release(&f);
	/* Malformed extended values. */
	CD("attachment; filename*=caf%E9%G1%", &f, &s);
	assert_int_equal(count(&s, "param.bad-extended"), 1);
	assert_int_equal(count(&s, "param.bad-percent"), 1);
	WANT(&f, "filename", "caf%E9%G1%", "caf\xc3\xa9%G1%");
	lf_mime_field_release(&f);
	CD("attachment; filename*=\"utf-8''a%20b\"", &f, &s);
	assert_int_equal(count(&s, "param.quoted-extended"), 1);
	WANT(&f, "filename", "utf-8''a%20b", "a b");
	lf_mime_field_release(&f);
}

static void
rfc2047_in_params(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;

	(void)state;
	CD("attachment; filename=\"=?UTF-8?B?5pel5pys6Kqe?= .pdf\"", &f, &s);
	assert_int_equal(s.n, 1);
	first(&s, "param.rfc2047-in-param", &sev, &off);
	assert_int_equal(sev, LF_SEV_INFO);
	assert_int_equal(off, 22);
	WANT(&f, "filename", "=?UTF-8?B?5pel5pys6Kqe?= .pdf", NIHONGO " .pdf");
	lf_mime_field_release(&f);
	/* Glued to the extension, as Outlook sends it: also reported by
	 * the decoder, at its place in the field. */
	CT("application/pdf; name=\"=?iso-8859-1?Q?r=E9sum=E9?=.pdf\"", &f, &s);
	first(&s, "rfc2047.not-delimited", &sev, &off);
	assert_int_equal(off, 23);
	assert_int_equal(count(&s, "param.rfc2047-in-param"), 1);
	WANT(&f, "name", "=?iso-8859-1?Q?r=E9sum=E9?=.pdf",
	    "r\xc3\xa9sum\xc3\xa9.pdf");
	lf_mime_field_release(&f);
	/* Encoded words cut across RFC 2231 sections that are not
	 * encoded: joined first, then decoded. */
	CD("attachment; filename*0=\"=?UTF-8?B?5pel\"; "
	   "filename*1=\"5pys6Kqe?=\"",
	    &f, &s);
	WANT(&f, "filename", "=?UTF-8?B?5pel5pys6Kqe?=", NIHONGO);
	assert_true(f.params[0].extended);
	lf_mime_field_release(&f);
	/* An encoded word left in an RFC 2231 encoded value is data. */
	CD("attachment; filename*=utf-8''=?utf-8?q?x?=", &f, &s);
	WANT(&f, "filename", "utf-8''=?utf-8?q?x?=", "=?utf-8?q?x?=");
	assert_int_equal(count(&s, "param.rfc2047-in-param"), 0);
	lf_mime_field_release(&f);
}

static void
hostile_names(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;
	char *in;
	size_t i, n;

	(void)state;
	/* A 4 KiB name, quoted. */
	in = malloc(4800);
	assert_non_null(in);
	n = (size_t)snprintf(in, 4800, "attachment; filename=\"");
	for (i = 0; i < 4096; i++)
		in[n++] = (char)('a' + i % 26);
	memcpy(in + n, ".pdf\"", 5);
	n += 5;
	parse((const uint8_t *)in, n, false, &f, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(f.params[0].value_len, 4100);
	assert_memory_equal(f.params[0].value, in + 22, 4100);
	assert_memory_equal(f.params[0].raw, in + 22, 4100);
	lf_mime_field_release(&f);
	/* The same in 32 RFC 2231 sections of 128 bytes. */
	n = (size_t)snprintf(in, 4800, "attachment");
	for (i = 0; i < 32; i++) {
		n += (size_t)snprintf(in + n, 4800 - n, ";f*%zu=", i);
		memset(in + n, 'x', 128);
		n += 128;
	}
	parse((const uint8_t *)in, n, false, &f, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(f.nparams, 1);
	assert_int_equal(f.params[0].value_len, 4096);
	lf_mime_field_release(&f);
	free(in);

	/* Right-to-left override: kept exactly, encoded either way. */
	CD("attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe", &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "utf-8''invoice%E2%80%AEfdp.exe",
	    "invoice\xe2\x80\xae"
	    "fdp.exe");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"invoice\xe2\x80\xae"
	   "fdp.exe\"",
	    &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename",
	    "invoice\xe2\x80\xae"
	    "fdp.exe",
	    "invoice\xe2\x80\xae"
	    "fdp.exe");
	lf_mime_field_release(&f);

	/* Paths are kept as written: this module never makes paths. */
	CD("attachment; filename=\"../../etc/passwd\"", &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "../../etc/passwd", "../../etc/passwd");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"..\\\\..\\\\boot.ini\"", &f, &s);
	WANT(&f, "filename", "..\\..\\boot.ini", "..\\..\\boot.ini");
	lf_mime_field_release(&f);
	CD("attachment; filename=/etc/passwd", &f, &s);
	assert_int_equal(count(&s, "param.unquoted-tspecials"), 1);
	WANT(&f, "filename", "/etc/passwd", "/etc/passwd");
	lf_mime_field_release(&f);

	/* NUL bytes: %00, an encoded word, and a raw one. */
	CD("attachment; filename*=utf-8''evil.pdf%00.exe", &f, &s);
	first(&s, "param.nul", &sev, &off);
	assert_int_equal(sev, LF_SEV_HIGH);
	assert_int_equal(off, 22);
	WANT(&f, "filename", "utf-8''evil.pdf%00.exe", "evil.pdf\0.exe");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"=?utf-8?q?evil.pdf=00.exe?=\"", &f, &s);
	assert_int_equal(count(&s, "param.nul"), 1);
	WANT(&f, "filename", "=?utf-8?q?evil.pdf=00.exe?=", "evil.pdf\0.exe");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"evil.pdf\0.exe\"", &f, &s);
	assert_int_equal(count(&s, "param.nul"), 1);
	WANT(&f, "filename", "evil.pdf\0.exe", "evil.pdf\0.exe");
	lf_mime_field_release(&f);
}

static void
comments_quoting_folding(void **state)
{
	struct lf_mime_field f;
	struct seen s;

	(void)state;
	CD("(lead) attachment (a (nested \\) comment) x) ;\r\n"
	   "\tfilename (c) = (d) \"a \\\"quoted\\\" \\\\ name\" (e);\r\n"
	   " size=(f)12(g)",
	    &f, &s);
	assert_int_equal(s.n, 0);
	assert_string_equal(f.type, "attachment");
	WANT(&f, "filename", "a \"quoted\" \\ name", "a \"quoted\" \\ name");
	WANT(&f, "size", "12", "12");
	lf_mime_field_release(&f);
	/* Folding inside a quoted string is removed, its blank kept. */
	CD("attachment;\r\n filename=\"long\r\n name.txt\"", &f, &s);
	WANT(&f, "filename", "long name.txt", "long name.txt");
	lf_mime_field_release(&f);
	/* Parentheses inside quotes are not comments. */
	CD("attachment; filename=\"a (b).txt\"", &f, &s);
	WANT(&f, "filename", "a (b).txt", "a (b).txt");
	lf_mime_field_release(&f);
	CT("text/plain; charset=utf-8 (unterminated", &f, &s);
	assert_int_equal(count(&s, "param.unterminated-comment"), 1);
	WANT(&f, "charset", "utf-8", "utf-8");
	lf_mime_field_release(&f);
}

static void
duplicates(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;

	(void)state;
	/* enmime's mime-duplicate-param, with different values. */
	CT("application/pdf; name=\"Invoice.pdf\"; name=\"Invoice.exe\"", &f,
	    &s);
	assert_int_equal(s.n, 1);
	first(&s, "param.duplicate", &sev, &off);
	assert_int_equal(sev, LF_SEV_MEDIUM);
	assert_int_equal(off, 43);
	assert_int_equal(f.nparams, 1);
	WANT(&f, "name", "Invoice.pdf", "Invoice.pdf");
	lf_mime_field_release(&f);
	CD("attachment; FILENAME=a; filename=b; Filename=c", &f, &s);
	assert_int_equal(count(&s, "param.duplicate"), 2);
	WANT(&f, "filename", "a", "a");
	lf_mime_field_release(&f);
	CD("attachment; f*0=a; f*1=b; f*1=X; f*2=c", &f, &s);
	assert_int_equal(count(&s, "param.duplicate"), 1);
	WANT(&f, "f", "abc", "abc");
	lf_mime_field_release(&f);
	CD("attachment; f*=utf-8''one; f*=utf-8''two", &f, &s);
	assert_int_equal(count(&s, "param.duplicate"), 1);
	WANT(&f, "f", "utf-8''one", "one");
	lf_mime_field_release(&f);
	CD("attachment; f*0=a; f*=utf-8''b", &f, &s);
	assert_int_equal(count(&s, "param.duplicate"), 1);
	WANT(&f, "f", "a", "a");
	lf_mime_field_release(&f);
	/* Both forms: RFC 2231 counts; medium when they differ. */
	CD("attachment; filename=\"report.pdf\"; "
	   "filename*=utf-8''report.pdf.exe",
	    &f, &s);
	first(&s, "param.plain-and-extended", &sev, &off);
	assert_int_equal(sev, LF_SEV_MEDIUM);
	WANT(&f, "filename", "utf-8''report.pdf.exe", "report.pdf.exe");
	lf_mime_field_release(&f);
	CD("attachment; filename*=utf-8''a.txt; filename=a.txt", &f, &s);
	first(&s, "param.plain-and-extended", &sev, &off);
	assert_int_equal(sev, LF_SEV_INFO);
	assert_int_equal(f.nparams, 1);
	lf_mime_field_release(&f);
}

static void
continuation_faults(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;

	(void)state;
	CD("attachment; name*0=a; name*2=c", &f, &s);
	first(&s, "param.continuation-gap", &sev, &off);
	assert_int_equal(sev, LF_SEV_MEDIUM);
	WANT(&f, "name", "ac", "ac");
	lf_mime_field_release(&f);
	CD("attachment; name*1=b; name*2=c", &f, &s);
	assert_int_equal(count(&s, "param.continuation-gap"), 1);
	WANT(&f, "name", "bc", "bc");
	lf_mime_field_release(&f);
	CD("attachment; name*01=b; name*0=a", &f, &s);
	assert_int_equal(count(&s, "param.bad-section"), 1);
	WANT(&f, "name", "ab", "ab");
	lf_mime_field_release(&f);
	/* Not RFC 2231 suffixes: the name is taken as written. */
	CD("attachment; name*x=a; name*99999=b; *0=c", &f, &s);
	assert_int_equal(count(&s, "param.bad-section"), 3);
	WANT(&f, "name*x", "a", "a");
	WANT(&f, "name*99999", "b", "b");
	WANT(&f, "*0", "c", "c");
	lf_mime_field_release(&f);
}

static void
lenient_like_mailers(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;

	(void)state;
	/* enmime: mime-blank-media-name. */
	CT("application/pdf name=\"\"", &f, &s);
	assert_int_equal(s.n, 1);
	first(&s, "param.missing-semicolon", &sev, &off);
	assert_int_equal(off, 16);
	assert_string_equal(f.subtype, "pdf");
	WANT(&f, "name", "", "");
	lf_mime_field_release(&f);
	/* enmime: malformed-content-type-params. */
	CT("text/html;iso-8859-1", &f, &s);
	assert_int_equal(count(&s, "param.no-value"), 1);
	WANT(&f, "iso-8859-1", "", "");
	lf_mime_field_release(&f);
	CD("attachment; filename=; size=3", &f, &s);
	assert_int_equal(count(&s, "param.empty-value"), 1);
	WANT(&f, "filename", "", "");
	WANT(&f, "size", "3", "3");
	lf_mime_field_release(&f);
	/* enmime: mime-unquoted-tspecials-param. */
	CT("application/pdf; name=Invoice_(302232133150612).pdf", &f, &s);
	assert_int_equal(count(&s, "param.unquoted-tspecials"), 1);
	WANT(&f, "name", "Invoice_(302232133150612).pdf",
	    "Invoice_(302232133150612).pdf");
	lf_mime_field_release(&f);
	CD("inline; filename=my file.pdf ; size=12", &f, &s);
	assert_int_equal(count(&s, "param.unquoted-tspecials"), 1);
	WANT(&f, "filename", "my file.pdf", "my file.pdf");
	WANT(&f, "size", "12", "12");
	lf_mime_field_release(&f);
	/* enmime: mime-bad-8bit-filename (raw UTF-8), and raw Latin-1. */
	CD("attachment;\r\n\tfilename=\xe7\xae\xa1\xe7\x90\x86.doc", &f, &s);
	assert_int_equal(s.n, 0);
	WANT(&f, "filename", "\xe7\xae\xa1\xe7\x90\x86.doc",
	    "\xe7\xae\xa1\xe7\x90\x86.doc");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"r\xe9sum\xe9.doc\"", &f, &s);
	assert_int_equal(count(&s, "rfc2047.raw-8bit"), 1);
	WANT(&f, "filename", "r\xe9sum\xe9.doc", "r\xc3\xa9sum\xc3\xa9.doc");
	lf_mime_field_release(&f);
	/* enmime: missing-closing-param-quote. */
	CT("text/HTML; charset=\"UTF-8Return-Path: bounce@example.com", &f, &s);
	first(&s, "param.unterminated-quote", &sev, &off);
	assert_int_equal(sev, LF_SEV_MEDIUM);
	assert_int_equal(off, 19);
	assert_string_equal(f.subtype, "html");
	WANT(&f, "charset", "UTF-8Return-Path: bounce@example.com",
	    "UTF-8Return-Path: bounce@example.com");
	lf_mime_field_release(&f);
	CD("attachment; filename=\"a.pdf\"junk; size=1", &f, &s);
	assert_int_equal(count(&s, "param.junk-after-value"), 1);
	WANT(&f, "filename", "a.pdf", "a.pdf");
	WANT(&f, "size", "1", "1");
	lf_mime_field_release(&f);
	CD("attachment; \"what\"=x; size=1", &f, &s);
	assert_int_equal(count(&s, "param.bad-name"), 1);
	assert_int_equal(f.nparams, 1);
	lf_mime_field_release(&f);
}

static void
types(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	enum lf_severity sev;
	uint64_t off;
	char longtype[300];

	(void)state;
	CT("text", &f, &s);
	first(&s, "param.missing-subtype", &sev, &off);
	assert_int_equal(sev, LF_SEV_MEDIUM);
	assert_string_equal(f.type, "text");
	assert_string_equal(f.subtype, "");
	lf_mime_field_release(&f);
	CT("text/; charset=utf-8", &f, &s);
	assert_int_equal(count(&s, "param.missing-subtype"), 1);
	WANT(&f, "charset", "utf-8", "utf-8");
	lf_mime_field_release(&f);
	CT("Text / Plain ; charset=utf-8", &f, &s);
	assert_int_equal(s.n, 1);
	first(&s, "param.space-in-type", &sev, &off);
	assert_int_equal(sev, LF_SEV_INFO);
	assert_string_equal(f.type, "text");
	assert_string_equal(f.subtype, "plain");
	lf_mime_field_release(&f);
	/* enmime: ctype-invalid-characters. */
	CT("text/plain>", &f, &s);
	first(&s, "param.bad-type", &sev, &off);
	assert_int_equal(off, 10);
	assert_string_equal(f.subtype, "plain");
	lf_mime_field_release(&f);
	CT("; charset=utf-8", &f, &s);
	assert_int_equal(count(&s, "param.missing-type"), 1);
	WANT(&f, "charset", "utf-8", "utf-8");
	lf_mime_field_release(&f);
	CD("filename=a.txt", &f, &s);
	assert_int_equal(count(&s, "param.missing-type"), 1);
	assert_string_equal(f.type, "");
	WANT(&f, "filename", "a.txt", "a.txt");
	lf_mime_field_release(&f);
	CD("attachment/x; filename=a.txt", &f, &s);
	assert_int_equal(count(&s, "param.bad-type"), 1);
	assert_string_equal(f.subtype, "");
	lf_mime_field_release(&f);
	memset(longtype, 'a', sizeof(longtype));
	memcpy(longtype + 200, "/b", 2);
	parse((const uint8_t *)longtype, sizeof(longtype), true, &f, &s);
	assert_int_equal(count(&s, "param.long-type"), 1);
	assert_int_equal(strlen(f.type), 127);
	assert_int_equal(strlen(f.subtype), 99);
	lf_mime_field_release(&f);
}

static void
name_is_cut(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	char in[200];
	size_t n;

	(void)state;
	n = (size_t)snprintf(in, sizeof(in), "a; ");
	memset(in + n, 'N', 100);
	n += 100;
	memcpy(in + n, "=v", 2);
	n += 2;
	parse((const uint8_t *)in, n, false, &f, &s);
	assert_int_equal(count(&s, "param.long-name"), 1);
	assert_int_equal(strlen(f.params[0].name), 79);
	assert_int_equal(f.params[0].name[0], 'n');
	lf_mime_field_release(&f);
}

static void
limits_hold(void **state)
{
	struct lf_mime_field f;
	struct seen s;
	char in[1200];
	size_t i, n;

	(void)state;
	lim.mime_params = 3;
	CD("attachment; a=1; b=2; c=3; d=4; e=5", &f, &s);
	assert_int_equal(count(&s, "param.limit-count"), 1);
	assert_int_equal(f.nparams, 3);
	assert_string_equal(f.params[2].name, "c");
	lf_mime_field_release(&f);
	/* Sections count as parameters. */
	CD("attachment; f*0=a; f*1=b; f*2=c; f*3=d", &f, &s);
	assert_int_equal(count(&s, "param.limit-count"), 1);
	WANT(&f, "f", "abc", "abc");
	lf_mime_field_release(&f);
	lim.mime_params = 64;

	/* Each parameter keeps raw and value, each with a NUL. */
	lim.header_bytes = 1024;
	n = (size_t)snprintf(in, sizeof(in), "attachment");
	for (i = 0; i < 3; i++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "; p%zu=", i);
		memset(in + n, 'a' + (int)i, 300);
		n += 300;
	}
	parse((const uint8_t *)in, n, false, &f, &s);
	assert_int_equal(count(&s, "param.limit-bytes"), 1);
	assert_int_equal(f.nparams, 1);
	assert_int_equal(f.params[0].value_len, 300);
	assert_true(f.arena.len <= 1024);
	lf_mime_field_release(&f);
	/* Decoding may grow a value (U+FFFD is three bytes a byte). */
	n = (size_t)snprintf(in, sizeof(in), "a; f*=utf-8''");
	for (i = 0; i < 200; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%%FF");
	parse((const uint8_t *)in, n, false, &f, &s);
	assert_int_equal(count(&s, "param.limit-bytes"), 1);
	assert_int_equal(f.nparams, 0);
	assert_int_equal(f.arena.len, 0);
	lf_mime_field_release(&f);
	lim.header_bytes = 1 << 20;
}

static void
reparse_after_release(void **state)
{
	struct lf_mime_field f;
	struct seen s;

	(void)state;
	CD("attachment; filename=a", &f, &s);
	lf_mime_field_release(&f);
	assert_null(f.params);
	assert_int_equal(f.nparams, 0);
	CT("text/plain; charset=utf-8", &f, &s);
	WANT(&f, "charset", "utf-8", "utf-8");
	lf_mime_field_release(&f);
	/* NULL limits mean the defaults. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(lf_mime_field_parse(S("text/plain; a=b"), true, NULL,
	                     &f, NULL, NULL, NULL),
	    LF_OK);
	WANT(&f, "a", "b", "b");
	lf_mime_field_release(&f);
}

static void
allocation_failures(void **state)
{
	static const char in[] =
	    "application/octet-stream (x); name=\"=?utf-8?q?a=C3?= "
	    "=?utf-8?b?qQ==?=\"; filename*1*=%E6%9C%AC%E8%AA%9E; "
	    "filename*0*=utf-8''%E6%97%A5; filename=\"r\xe9sum\xe9\"; x=1";
	struct lf_mime_field f;
	struct lf_error e;
	long n;
	int rc;

	(void)state;
	memset(&f, 0xa5, sizeof(f));
	for (n = 0;; n++) {
		failalloc_after(n);
		rc = lf_mime_field_parse(S(in), true, &lim, &f, NULL, NULL, &e);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		assert_int_equal(e.code, LF_E_NOMEM);
		/* Written only on success. */
		assert_int_equal(f.nparams, (size_t)0xa5a5a5a5a5a5a5a5ULL);
		assert_true(n < 200);
	}
	assert_true(n > 3);
	check_field(&f);
	assert_int_equal(f.nparams, 3);
	WANT(&f, "name", "=?utf-8?q?a=C3?= =?utf-8?b?qQ==?=", "a\xc3\xa9");
	WANT(&f, "filename", "utf-8''%E6%97%A5%E6%9C%AC%E8%AA%9E", NIHONGO);
	lf_mime_field_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc2045_basics),
	    cmocka_unit_test(rfc2231_section3),
	    cmocka_unit_test(rfc2231_section4),
	    cmocka_unit_test(rfc2231_section4_1),
	    cmocka_unit_test(rfc2231_charsets),
	    cmocka_unit_test(rfc2047_in_params),
	    cmocka_unit_test(hostile_names),
	    cmocka_unit_test(comments_quoting_folding),
	    cmocka_unit_test(duplicates),
	    cmocka_unit_test(continuation_faults),
	    cmocka_unit_test(lenient_like_mailers),
	    cmocka_unit_test(types),
	    cmocka_unit_test(name_is_cut),
	    cmocka_unit_test(limits_hold),
	    cmocka_unit_test(reparse_after_release),
	    cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
