/*
 * Unit tests: lf_authres (Authentication-Results and
 * ARC-Authentication-Results values).
 *
 * The Authentication-Results fields of ../shared/corpora/headers are read
 * there at run time (never copied here), split by lf_hblock.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpora.h"
#include "failalloc.h"
#include "lf/authres.h"
#include "lf/hblock.h"
#include "lf/text.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

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

static void
want_anomaly(const struct seen *s, const char *code, enum lf_severity sev,
    uint64_t off)
{
	enum lf_severity got_sev = LF_SEV_INFO;
	uint64_t got_off = 0;

	first(s, code, &got_sev, &got_off);
	if (got_sev != sev || got_off != off)
		fail_msg("%s: severity %d at %llu, want %d at %llu", code,
		    (int)got_sev, (unsigned long long)got_off, (int)sev,
		    (unsigned long long)off);
}

static bool
lower_name(const char *s, bool may_be_empty)
{
	if (*s == '\0')
		return may_be_empty;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		        *s == '-' || *s == '_'))
			return false;
	}
	return true;
}

static void
check_str(const struct lf_authres *ar, const char *s)
{
	const char *lo = (const char *)ar->strings.data;
	const char *hi = lo + ar->strings.len;

	assert_non_null(lo);
	assert_true(s >= lo && s < hi);
	assert_true(strlen(s) < (size_t)(hi - s));
	assert_true(lf_utf8_valid((const uint8_t *)s, strlen(s)));
}

/* Every invariant the fuzzer checks too; n is the input's length. */
static void
check_ar(const struct lf_authres *ar, size_t n)
{
	size_t i, k, total = 0;

	if (ar->authserv_id != NULL)
		check_str(ar, ar->authserv_id);
	assert_true(ar->nresults <= LF_AUTHRES_MAX_RESULTS);
	assert_true((ar->nresults > 0) == (ar->results != NULL));
	assert_true((ar->nprops > 0) == (ar->props != NULL));
	assert_true(
	    ar->authserv_id != NULL || ar->no_result || ar->nresults > 0);
	for (i = 0; i < ar->nresults; i++) {
		const struct lf_authres_result *r = &ar->results[i];

		check_str(ar, r->method);
		assert_true(lower_name(r->method, false));
		check_str(ar, r->result);
		assert_true(lower_name(r->result, true));
		if (r->reason != NULL)
			check_str(ar, r->reason);
		if (r->comment != NULL) {
			check_str(ar, r->comment);
			assert_true(r->comment[0] != '\0');
		}
		assert_true(r->offset < n);
		assert_true(r->length <= n - r->offset);
		assert_true(r->length > 0);
		assert_true(r->nprops <= LF_AUTHRES_MAX_PROPS);
		assert_true((r->nprops > 0) == (r->props != NULL));
		if (r->nprops > 0)
			assert_true(r->props >= ar->props &&
			    r->props + r->nprops <= ar->props + ar->nprops);
		total += r->nprops;
		for (k = 0; k < r->nprops; k++) {
			const struct lf_authres_prop *pr = &r->props[k];

			check_str(ar, pr->ptype);
			assert_true(lower_name(pr->ptype, true));
			check_str(ar, pr->property);
			assert_true(lower_name(pr->property, false));
			check_str(ar, pr->value);
			assert_true(pr->offset >= r->offset &&
			    pr->offset < r->offset + r->length);
		}
	}
	assert_int_equal(total, ar->nprops);
}

static struct lf_authres *
parse(const uint8_t *p, size_t n, bool arc, struct seen *s)
{
	struct lf_authres *ar = NULL;
	struct lf_error e;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = (arc ? lf_authres_parse_arc : lf_authres_parse)(p, n, &ar, record,
	    s, &e);
	if (rc != LF_OK)
		fail_msg("parse: %d %s", rc, e.msg);
	check_ar(ar, n);
	return ar;
}

#define AR(in, s) parse(S(in), false, s)
#define ARC(in, s) parse(S(in), true, s)

static void
want_str(const char *what, const char *got, const char *want)
{
	if (got == NULL && want == NULL)
		return;
	if (got == NULL || want == NULL || strcmp(got, want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", what,
		    got != NULL ? got : "(null)",
		    want != NULL ? want : "(null)");
}

static void
want_result(const struct lf_authres *ar, size_t i, const char *method,
    unsigned version, const char *result, const char *reason,
    const char *comment, size_t nprops)
{
	const struct lf_authres_result *r;

	if (i >= ar->nresults)
		fail_msg("no result %zu (%zu results)", i, ar->nresults);
	r = &ar->results[i];
	want_str("method", r->method, method);
	assert_int_equal(r->method_version, version);
	want_str("result", r->result, result);
	want_str("reason", r->reason, reason);
	want_str("comment", r->comment, comment);
	if (r->nprops != nprops)
		fail_msg("%s: %zu properties, want %zu", method, r->nprops,
		    nprops);
}

static void
want_prop(const struct lf_authres *ar, size_t i, size_t k, const char *ptype,
    const char *property, const char *value, bool quoted)
{
	const struct lf_authres_prop *pr;

	assert_true(i < ar->nresults);
	assert_true(k < ar->results[i].nprops);
	pr = &ar->results[i].props[k];
	want_str("ptype", pr->ptype, ptype);
	want_str("property", pr->property, property);
	want_str("value", pr->value, value);
	assert_int_equal(pr->quoted, quoted);
}

/* The evidence of result i, as it sits in the input. */
static void
want_evidence(const uint8_t *in, const struct lf_authres *ar, size_t i,
    const char *text)
{
	const struct lf_authres_result *r = &ar->results[i];

	if (r->length != strlen(text) ||
	    memcmp(in + r->offset, text, r->length) != 0)
		fail_msg("evidence \"%.*s\", want \"%s\"", (int)r->length,
		    (const char *)in + r->offset, text);
}

/* B.1 is a message without the field: nothing to read. */

static void
rfc8601_b2_no_authentication(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" example.org 1; none", &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "example.org");
	assert_int_equal(ar->version, 1);
	assert_true(ar->no_result);
	assert_int_equal(ar->nresults, 0);
	assert_int_equal(ar->arc_instance, 0);
	lf_authres_free(ar);
}

static void
rfc8601_b3_spf(void **state)
{
	static const char in[] = " example.com;\r\n"
	                         "          spf=pass smtp.mailfrom=example.net";
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(in, &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "example.com");
	assert_int_equal(ar->version, 0);
	assert_false(ar->no_result);
	assert_int_equal(ar->nresults, 1);
	want_result(ar, 0, "spf", 0, "pass", NULL, NULL, 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "example.net", false);
	assert_true(ar->results[0].method_registered);
	assert_true(ar->results[0].result_registered);
	assert_true(ar->results[0].props[0].registered);
	assert_int_equal(ar->results[0].offset, 25);
	want_evidence((const uint8_t *)in, ar, 0,
	    "spf=pass smtp.mailfrom=example.net");
	assert_int_equal(ar->results[0].props[0].offset, 34);
	lf_authres_free(ar);
}

static void
rfc8601_b4_single_mta(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(
	    " example.com;\r\n"
	    "          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
	    "          spf=pass smtp.mailfrom=example.net",
	    &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "example.com");
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "auth", 0, "pass", NULL, "cram-md5", 1);
	want_prop(ar, 0, 0, "smtp", "auth", "sender@example.net", false);
	want_result(ar, 1, "spf", 0, "pass", NULL, NULL, 1);
	want_prop(ar, 1, 0, "smtp", "mailfrom", "example.net", false);
	lf_authres_free(ar);

	ar = AR(" example.com; iprev=pass\r\n"
	        "          policy.iprev=192.0.2.200",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 1);
	want_result(ar, 0, "iprev", 0, "pass", NULL, NULL, 1);
	want_prop(ar, 0, 0, "policy", "iprev", "192.0.2.200", false);
	assert_non_null(lf_authres_prop(&ar->results[0], "policy", "iprev"));
	lf_authres_free(ar);
}

static void
rfc8601_b5_different_mtas(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" example.com;\r\n"
	        "          dkim=pass (good signature) header.d=example.com",
	    &s);
	assert_int_equal(s.n, 0);
	want_result(ar, 0, "dkim", 0, "pass", NULL, "good signature", 1);
	want_prop(ar, 0, 0, "header", "d", "example.com", false);
	lf_authres_free(ar);

	ar = AR(
	    " example.com;\r\n"
	    "          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n"
	    "          spf=fail smtp.mailfrom=example.com",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "auth", 0, "pass", NULL, "cram-md5", 1);
	want_prop(ar, 0, 0, "smtp", "auth", "sender@example.com", false);
	want_result(ar, 1, "spf", 0, "fail", NULL, NULL, 1);
	want_prop(ar, 1, 0, "smtp", "mailfrom", "example.com", false);
	lf_authres_free(ar);
}

static void
rfc8601_b6_multi_tiered(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" example.com;\r\n"
	        "      dkim=pass reason=\"good signature\"\r\n"
	        "        header.i=@mail-router.example.net;\r\n"
	        "      dkim=fail reason=\"bad signature\"\r\n"
	        "        header.i=@newyork.example.com",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "dkim", 0, "pass", "good signature", NULL, 1);
	assert_true(ar->results[0].reason_quoted);
	want_prop(ar, 0, 0, "header", "i", "@mail-router.example.net", false);
	want_result(ar, 1, "dkim", 0, "fail", "bad signature", NULL, 1);
	want_prop(ar, 1, 0, "header", "i", "@newyork.example.com", false);
	lf_authres_free(ar);

	ar =
	    AR(" example.net;\r\n"
	       "      dkim=pass (good signature) header.i=@newyork.example.com",
	        &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "example.net");
	want_result(ar, 0, "dkim", 0, "pass", NULL, "good signature", 1);
	want_prop(ar, 0, 0, "header", "i", "@newyork.example.com", false);
	lf_authres_free(ar);
}

static void
rfc8601_b7_comment_heavy(void **state)
{
	static const char in[] =
	    " foo.example.net (foobar) 1 (baz);\r\n"
	    "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
	    "      policy (A dot can go here) . (like that) expired\r\n"
	    "      (this surprised me) = (as I wasn't expecting it) "
	    "1362471462";
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(in, &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "foo.example.net");
	assert_int_equal(ar->version, 1);
	assert_int_equal(ar->nresults, 1);
	want_result(ar, 0, "dkim", 1, "fail", NULL, NULL, 1);
	want_prop(ar, 0, 0, "policy", "expired", "1362471462", false);
	assert_int_equal(ar->results[0].offset, 40);
	assert_int_equal(ar->results[0].offset + ar->results[0].length,
	    sizeof(in) - 1);
	lf_authres_free(ar);
}

/* The RFC 7601 and RFC 7001 forms of B.4 and B.5, with Sender ID. */
static void
rfc7601_history(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" example.com;\r\n"
	        "          sender-id=pass header.from=example.net",
	    &s);
	assert_int_equal(s.n, 0);
	want_result(ar, 0, "sender-id", 0, "pass", NULL, NULL, 1);
	want_prop(ar, 0, 0, "header", "from", "example.net", false);
	lf_authres_free(ar);
	ar = AR(" example.com;\r\n"
	        "          sender-id=fail header.from=example.com;\r\n"
	        "          dkim=pass (good signature) header.d=example.com",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "sender-id", 0, "fail", NULL, NULL, 1);
	want_result(ar, 1, "dkim", 0, "pass", NULL, "good signature", 1);
	lf_authres_free(ar);
	/* RFC 5451's "hardfail", registered then deprecated. */
	ar = AR(" example.com; spf=hardfail smtp.mailfrom=example.com", &s);
	assert_int_equal(s.n, 0);
	assert_true(ar->results[0].result_registered);
	lf_authres_free(ar);
}

/*
 * Exchange Online: no authserv-id, the recipient's domain as a bare word
 * after some results, "action=", "compauth", "bestguesspass".  As
 * received by hotmail.com in 2017 (public GitHub notification mail), and
 * as Microsoft's documentation on composite authentication shows it.
 */
static void
exchange_online(void **state)
{
	static const char in[] =
	    " spf=pass (sender IP is 192.30.252.194)\r\n"
	    " smtp.mailfrom=github.com; hotmail.com; dkim=test (signature was "
	    "verified)\r\n"
	    " header.d=github.com;hotmail.com; dmarc=pass action=none\r\n"
	    " header.from=github.com;";
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(in, &s);
	assert_null(ar->authserv_id);
	assert_int_equal(ar->version, 0);
	want_anomaly(&s, "authres.no-authserv-id", LF_SEV_LOW, 1);
	assert_int_equal(count(&s, "authres.stray-token"), 2);
	want_anomaly(&s, "authres.stray-token", LF_SEV_LOW, 68);
	want_anomaly(&s, "authres.unregistered-result", LF_SEV_LOW, 86);
	want_anomaly(&s, "authres.bare-property", LF_SEV_LOW, 162);
	want_anomaly(&s, "authres.extra-semicolon", LF_SEV_LOW, 198);
	assert_int_equal(s.n, 6);
	assert_int_equal(count(&s, "authres.syntax"), 0);
	assert_int_equal(ar->nresults, 3);
	want_result(ar, 0, "spf", 0, "pass", NULL,
	    "sender IP is 192.30.252.194", 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "github.com", false);
	want_evidence((const uint8_t *)in, ar, 0,
	    "spf=pass (sender IP is 192.30.252.194)\r\n"
	    " smtp.mailfrom=github.com");
	want_result(ar, 1, "dkim", 0, "test", NULL, "signature was verified",
	    1);
	assert_true(ar->results[1].method_registered);
	assert_false(ar->results[1].result_registered);
	want_prop(ar, 1, 0, "header", "d", "github.com", false);
	want_result(ar, 2, "dmarc", 0, "pass", NULL, NULL, 2);
	want_prop(ar, 2, 0, "", "action", "none", false);
	assert_false(ar->results[2].props[0].registered);
	want_prop(ar, 2, 1, "header", "from", "github.com", false);
	assert_non_null(lf_authres_prop(&ar->results[2], "", "action"));
	assert_ptr_equal(lf_authres_prop(&ar->results[2], "header", "from"),
	    &ar->results[2].props[1]);
	assert_null(lf_authres_prop(&ar->results[2], "header", "d"));
	lf_authres_free(ar);

	ar = AR(" spf=pass (sender IP is 10.2.3.4)\r\n"
	        "  smtp.mailfrom=fabrikam.com; contoso.com; dkim=none\r\n"
	        "  (message not signed) header.d=none; contoso.com; "
	        "dmarc=bestguesspass\r\n"
	        "  action=none header.from=fabrikam.com; compauth=pass "
	        "reason=109",
	    &s);
	assert_int_equal(count(&s, "authres.syntax"), 0);
	assert_int_equal(count(&s, "authres.unregistered-method"), 1);
	assert_int_equal(count(&s, "authres.unregistered-result"), 1);
	assert_int_equal(ar->nresults, 4);
	want_result(ar, 1, "dkim", 0, "none", NULL, "message not signed", 1);
	want_prop(ar, 1, 0, "header", "d", "none", false);
	want_result(ar, 2, "dmarc", 0, "bestguesspass", NULL, NULL, 2);
	want_result(ar, 3, "compauth", 0, "pass", "109", NULL, 0);
	assert_false(ar->results[3].method_registered);
	assert_false(ar->results[3].result_registered);
	assert_false(ar->results[3].reason_quoted);
	lf_authres_free(ar);

	/* ARC as Exchange writes it, with a version. */
	ar = ARC(" i=1; mx.microsoft.com 1; spf=pass\r\n"
	         " smtp.mailfrom=semtech.com; dmarc=pass action=none "
	         "header.from=semtech.com;\r\n"
	         " dkim=pass header.d=semtech.com; arc=none",
	    &s);
	assert_int_equal(ar->arc_instance, 1);
	want_str("authserv-id", ar->authserv_id, "mx.microsoft.com");
	assert_int_equal(ar->version, 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(count(&s, "authres.bare-property"), 1);
	assert_int_equal(ar->nresults, 4);
	want_result(ar, 3, "arc", 0, "none", NULL, NULL, 0);
	lf_authres_free(ar);
}

/*
 * Proofpoint (ppops.net): the corpus holds none of its
 * Authentication-Results fields, so these are as Proofpoint wrote them
 * in mail archived on public lists (kernel.org, 2017 and 2019).
 */
static void
proofpoint(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" ppops.net;\r\n"
	        "        spf=softfail smtp.mailfrom=newren@gmail.com",
	    &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "ppops.net");
	want_result(ar, 0, "spf", 0, "softfail", NULL, NULL, 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "newren@gmail.com", false);
	lf_authres_free(ar);
	ar = AR(" ppops.net;\n\tspf=none smtp.mailfrom=ckeepax@opensource."
	        "cirrus.com",
	    &s);
	assert_int_equal(s.n, 0);
	want_result(ar, 0, "spf", 0, "none", NULL, NULL, 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "ckeepax@opensource.cirrus.com",
	    false);
	lf_authres_free(ar);
}

/* The fields of one corpus file, each checked; returns how many. */
static int
corpus_file(const char *path, const char *want_file, const char *want_name,
    void (*exact)(const uint8_t *, const struct lf_authres *,
        const struct seen *))
{
	struct lf_hblock b;
	struct lf_authres *ar;
	struct seen s;
	uint8_t *buf;
	size_t i, len;
	long sz;
	int k = 0;
	bool arc, matched = false;
	FILE *f;

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz >= 0);
	rewind(f);
	len = (size_t)sz;
	buf = malloc(len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, len, f), len);
	fclose(f);
	/* "# ..." notes in the files split as fields of their own. */
	assert_int_equal(lf_hblock_parse(buf, len, 10000, &b, NULL, NULL, NULL),
	    LF_OK);
	for (i = 0; i < b.count; i++) {
		const struct lf_hfield *fl = &b.fields[i];

		arc = lf_hfield_is(fl, "ARC-Authentication-Results");
		if (!arc && !lf_hfield_is(fl, "Authentication-Results"))
			continue;
		ar = parse(fl->value, fl->value_len, arc, &s);
		if (count(&s, "authres.syntax") != 0)
			fail_msg("%s: authres.syntax at %llu", path,
			    (unsigned long long)s.a[0].offset);
		assert_int_equal(count(&s, "authres.not-utf8"), 0);
		assert_non_null(ar->authserv_id);
		assert_true(ar->nresults > 0);
		if (want_file != NULL && strstr(path, want_file) != NULL &&
		    lf_hfield_is(fl, want_name)) {
			exact(fl->value, ar, &s);
			matched = true;
		}
		lf_authres_free(ar);
		k++;
	}
	lf_hblock_release(&b);
	free(buf);
	if (want_file != NULL && strstr(path, want_file) != NULL)
		assert_true(matched);
	return k;
}

/* MessageLabs (Symantec Email Security.cloud), inbound, 2019. */
static void
exact_messagelabs(const uint8_t *v, const struct lf_authres *ar,
    const struct seen *s)
{
	assert_int_equal(s->n, 0);
	want_str("authserv-id", ar->authserv_id, "mx.messagelabs.com");
	assert_int_equal(ar->nresults, 3);
	want_result(ar, 0, "spf", 0, "pass", NULL,
	    "server-15.tower-304.messagelabs.com: domain of redhat.com "
	    "designates 209.85.167.44 as permitted sender",
	    1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "redhat.com", false);
	assert_int_equal(ar->results[0].offset, 21);
	assert_memory_equal(v + 21, "spf=pass", 8);
	assert_memory_equal(v + 21 + ar->results[0].length - 24,
	    "smtp.mailfrom=redhat.com", 24);
	want_result(ar, 1, "dkim", 0, "none", NULL, "message not signed", 0);
	assert_memory_equal(v + ar->results[1].offset + ar->results[1].length -
	        20,
	    "(message not signed)", 20);
	want_result(ar, 2, "dmarc", 0, "pass", NULL,
	    "p=none sp=none adkim=r aspf=r", 1);
	want_prop(ar, 2, 0, "header", "from", "redhat.com", false);
}

/* Google's mx.google.com, 2019. */
static void
exact_google(const uint8_t *v, const struct lf_authres *ar,
    const struct seen *s)
{
	(void)v;
	assert_int_equal(s->n, 0);
	want_str("authserv-id", ar->authserv_id, "mx.google.com");
	assert_int_equal(ar->nresults, 3);
	want_result(ar, 0, "dkim", 0, "pass", NULL, NULL, 3);
	want_prop(ar, 0, 0, "header", "i", "@gmail.com", false);
	want_prop(ar, 0, 1, "header", "s", "20161025", false);
	want_prop(ar, 0, 2, "header", "b", "EOkHN4OY", false);
	want_result(ar, 1, "spf", 0, "pass", NULL,
	    "google.com: domain of minchan.kim@gmail.com designates "
	    "209.85.220.65 as permitted sender",
	    1);
	want_prop(ar, 1, 0, "smtp", "mailfrom", "minchan.kim@gmail.com", false);
	want_result(ar, 2, "dmarc", 0, "fail", NULL, "p=NONE sp=NONE dis=NONE",
	    1);
	want_prop(ar, 2, 0, "header", "from", "kernel.org", false);
}

/* kernel.org's verifier: two DKIM results, quoted values, a reason. */
static void
exact_kernel(const uint8_t *v, const struct lf_authres *ar,
    const struct seen *s)
{
	(void)v;
	assert_int_equal(s->n, 0);
	want_str("authserv-id", ar->authserv_id, "smtp.subspace.kernel.org");
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "dkim", 0, "pass", NULL, "2048-bit key", 3);
	want_prop(ar, 0, 2, "header", "b", "EYZYpCw2", true);
	want_result(ar, 1, "dkim", 0, "fail", "signature verification failed",
	    "1024-bit key", 3);
	assert_true(ar->results[1].reason_quoted);
	want_prop(ar, 1, 0, "header", "d", "SemtechCorp.onmicrosoft.com",
	    false);
	want_prop(ar, 1, 1, "header", "i", "@SemtechCorp.onmicrosoft.com",
	    false);
}

static void
corpora_headers(void **state)
{
	static const struct {
		const char *file, *field;
		void (*exact)(const uint8_t *, const struct lf_authres *,
		    const struct seen *);
	} want[] = {
	    {"symantec-ess-inbound-xen-2019.full.hdr", "Authentication-Results",
	        exact_messagelabs},
	    {"google-mx-2019.hdr", "Authentication-Results", exact_google},
	    {"google-mx-2019.hdr", "ARC-Authentication-Results", exact_google},
	    {"symantec-ess-outbound-semtech-2025.hdr", "Authentication-Results",
	        exact_kernel},
	};
	char dir[1100], path[2048];
	struct dirent *de;
	size_t w;
	int total = 0, files = 0;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/headers", corpora_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 4, ".hdr") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		files++;
		total += corpus_file(path, NULL, NULL, NULL);
	}
	closedir(d);
	assert_true(files >= 10);
	/* Both Google fields, both Symantec inbound copies, kernel.org's
	 * and Exchange's ARC field from the outbound one. */
	assert_true(total >= 6);
	for (w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
		snprintf(path, sizeof(path), "%s/%s", dir, want[w].file);
		assert_true(corpus_file(path, want[w].file, want[w].field,
		                want[w].exact) > 0);
	}
}

static void
comments_and_quotes(void **state)
{
	static const char in[] =
	    " (lead) mx.example (a (nested) one);\r\n"
	    "  dkim=pass (a \\) paren, (nested (twice)) and\r\n"
	    "   \\\\ a backslash) (second) reason=\"x; y \\\"z\\\"\" "
	    "(after reason) header.d=example.com (after property);\r\n"
	    "  spf=fail smtp.mailfrom=\"john;smith\"@example.com";
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(in, &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "mx.example");
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "dkim", 0, "pass", "x; y \"z\"",
	    "a ) paren, (nested (twice)) and \\ a backslash second after "
	    "reason",
	    1);
	assert_true(ar->results[0].reason_quoted);
	want_prop(ar, 0, 0, "header", "d", "example.com", false);
	want_result(ar, 1, "spf", 0, "fail", NULL, NULL, 1);
	want_prop(ar, 1, 0, "smtp", "mailfrom", "john;smith@example.com", true);
	lf_authres_free(ar);

	/* A quoted value with ";" inside, and folding in it. */
	ar =
	    AR(" mx.example; dkim=pass header.d=\"a;b\r\n c\" header.s=s1", &s);
	assert_int_equal(s.n, 0);
	want_prop(ar, 0, 0, "header", "d", "a;b c", true);
	want_prop(ar, 0, 1, "header", "s", "s1", false);
	lf_authres_free(ar);

	/* A quoted authserv-id, in UTF-8 (RFC 8616). */
	ar = AR(" \"\xc3\xa9xampl\xc3\xa9.org\"; none", &s);
	assert_int_equal(s.n, 0);
	want_str("authserv-id", ar->authserv_id, "\xc3\xa9xampl\xc3\xa9.org");
	assert_true(ar->no_result);
	lf_authres_free(ar);

	/* Blanks and folding around a comment's text are not its text. */
	ar = AR(" mx.example; spf=pass (\r\n   sender IP\r\n\t is  x  ) "
	        "(\ty\t) smtp.mailfrom=a.example",
	    &s);
	want_result(ar, 0, "spf", 0, "pass", NULL, "sender IP is  x y", 1);
	lf_authres_free(ar);

	/* Empty comments are no comment. */
	ar =
	    AR(" mx.example; spf=pass () ( \r\n ) smtp.mailfrom=a.example", &s);
	want_result(ar, 0, "spf", 0, "pass", NULL, NULL, 1);
	lf_authres_free(ar);
}

static void
unterminated(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" mx.example; spf=pass (no end; dkim=pass", &s);
	want_anomaly(&s, "authres.unterminated-comment", LF_SEV_MEDIUM, 22);
	assert_int_equal(s.n, 1);
	assert_int_equal(ar->nresults, 1);
	want_result(ar, 0, "spf", 0, "pass", NULL, "no end; dkim=pass", 0);
	lf_authres_free(ar);

	ar = AR(" mx.example; dkim=fail reason=\"no end; spf=pass", &s);
	want_anomaly(&s, "authres.unterminated-quote", LF_SEV_MEDIUM, 30);
	assert_int_equal(s.n, 1);
	want_result(ar, 0, "dkim", 0, "fail", "no end; spf=pass", NULL, 0);
	lf_authres_free(ar);

	/* A quote inside bytes being skipped hides the ";" after it. */
	ar = AR(" mx.example; dkim=pass ]\"; spf=pass", &s);
	assert_int_equal(count(&s, "authres.syntax"), 1);
	assert_int_equal(count(&s, "authres.unterminated-quote"), 1);
	assert_int_equal(ar->nresults, 1);
	lf_authres_free(ar);
}

static void
deep_comments(void **state)
{
	struct lf_authres *ar;
	struct seen s;
	char *in;
	size_t i, n, depth = 100000;

	(void)state;
	in = malloc(2 * depth + 64);
	assert_non_null(in);
	n = (size_t)snprintf(in, 64, " mx.example; spf=pass ");
	for (i = 0; i < depth; i++)
		in[n++] = '(';
	for (i = 0; i < depth; i++)
		in[n++] = ')';
	memcpy(in + n, " smtp.mailfrom=a.example", 24);
	n += 24;
	ar = parse((const uint8_t *)in, n, false, &s);
	want_anomaly(&s, "authres.deep-comment", LF_SEV_MEDIUM,
	    22 + LF_AUTHRES_MAX_DEPTH);
	assert_int_equal(s.n, 1);
	want_result(ar, 0, "spf", 0, "pass", NULL, ar->results[0].comment, 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "a.example", false);
	/* The text of the comment keeps what nests inside it. */
	assert_int_equal(strlen(ar->results[0].comment), 2 * depth - 2);
	lf_authres_free(ar);
	/* Opened and never closed: no stack to exhaust either. */
	ar = parse((const uint8_t *)in, 22 + depth, false, &s);
	assert_int_equal(count(&s, "authres.unterminated-comment"), 1);
	assert_int_equal(count(&s, "authres.deep-comment"), 1);
	want_result(ar, 0, "spf", 0, "pass", NULL, ar->results[0].comment, 0);
	assert_int_equal(strlen(ar->results[0].comment), depth - 1);
	lf_authres_free(ar);
	free(in);
}

static void
several_dkim(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" mx.example;\r\n"
	        "\tdkim=pass header.d=a.example header.s=s1 header.b=abc;\r\n"
	        "\tdkim=pass header.d=b.example header.s=s2 header.b=def;\r\n"
	        "\tdkim=fail (bad sig) header.d=c.example header.s=s3;\r\n"
	        "\tdkim/1=permerror header.d=d.example",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 4);
	assert_int_equal(ar->nprops, 9);
	want_prop(ar, 0, 0, "header", "d", "a.example", false);
	want_prop(ar, 1, 0, "header", "d", "b.example", false);
	want_result(ar, 2, "dkim", 0, "fail", NULL, "bad sig", 2);
	want_result(ar, 3, "dkim", 1, "permerror", NULL, NULL, 1);
	want_prop(ar, 3, 0, "header", "d", "d.example", false);
	lf_authres_free(ar);
}

static void
unregistered_kept(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" mx.example; X-Foo=Maybe Custom.Thing=1 smtp.helo=h.example;"
	        " dmarc=softfail header.from=a.example; bimi=pass "
	        "header.d=a.example header.selector=default; arc=pass "
	        "header.oldest-pass=0 smtp.remote-ip=192.0.2.1; "
	        "dnswl=pass dns.zone=list.dnswl.org policy.ip=127.0.11.1",
	    &s);
	assert_int_equal(s.n, 5);
	want_anomaly(&s, "authres.unregistered-method", LF_SEV_LOW, 13);
	want_anomaly(&s, "authres.unregistered-result", LF_SEV_LOW, 19);
	want_anomaly(&s, "authres.unregistered-ptype", LF_SEV_LOW, 25);
	assert_int_equal(count(&s, "authres.unregistered-method"), 2);
	assert_int_equal(count(&s, "authres.unregistered-result"), 2);
	assert_int_equal(ar->nresults, 5);
	want_result(ar, 0, "x-foo", 0, "maybe", NULL, NULL, 2);
	assert_false(ar->results[0].method_registered);
	assert_false(ar->results[0].result_registered);
	want_prop(ar, 0, 0, "custom", "thing", "1", false);
	assert_false(ar->results[0].props[0].registered);
	assert_true(ar->results[0].props[1].registered);
	want_result(ar, 1, "dmarc", 0, "softfail", NULL, NULL, 1);
	want_result(ar, 2, "bimi", 0, "pass", NULL, NULL, 2);
	want_result(ar, 3, "arc", 0, "pass", NULL, NULL, 2);
	want_prop(ar, 3, 0, "header", "oldest-pass", "0", false);
	assert_true(ar->results[3].result_registered);
	want_result(ar, 4, "dnswl", 0, "pass", NULL, NULL, 2);
	want_prop(ar, 4, 0, "dns", "zone", "list.dnswl.org", false);
	assert_true(ar->results[4].props[0].registered);
	lf_authres_free(ar);

	/* Every registered method, each with a registered result. */
	ar = AR(" mx.example; arc=fail; auth=temperror; dkim=policy;"
	        " dkim-adsp=nxdomain; dkim-atps=pass; dmarc=permerror;"
	        " dnswl=none; domainkeys=neutral; iprev=fail; rrvs=unknown;"
	        " sender-id=softfail; smime=policy; spf=neutral; vbr=pass",
	    &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->nresults, 14);
	lf_authres_free(ar);
	/* Results other methods register are not registered here. */
	ar = AR(" mx.example; iprev=none; arc=neutral; dkim=softfail", &s);
	assert_int_equal(count(&s, "authres.unregistered-result"), 3);
	lf_authres_free(ar);
}

static void
versions(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" authserv.example 1; spf=pass smtp.mailfrom=a.example", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->version, 1);
	want_result(ar, 0, "spf", 0, "pass", NULL, NULL, 1);
	lf_authres_free(ar);
	ar = AR(" authserv.example 2; spf=pass", &s);
	want_anomaly(&s, "authres.unknown-version", LF_SEV_MEDIUM, 18);
	assert_int_equal(ar->version, 2);
	lf_authres_free(ar);
	ar = AR(" a.example 99999999999999999999; DKIM / 7 = PASS", &s);
	assert_int_equal(count(&s, "authres.unknown-version"), 2);
	assert_int_equal(ar->version, 4294967295u);
	want_result(ar, 0, "dkim", 7, "pass", NULL, NULL, 0);
	lf_authres_free(ar);
	ar = AR(" a.example; dkim/=pass; spf=pass", &s);
	assert_int_equal(count(&s, "authres.syntax"), 1);
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "dkim", 0, "", NULL, NULL, 0);
	want_result(ar, 1, "spf", 0, "pass", NULL, NULL, 0);
	lf_authres_free(ar);
}

static void
separators(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = AR(" mx.example;; spf=pass;;dkim=none; ;", &s);
	assert_int_equal(count(&s, "authres.extra-semicolon"), 3);
	want_anomaly(&s, "authres.extra-semicolon", LF_SEV_LOW, 12);
	assert_int_equal(s.n, 3);
	assert_int_equal(ar->nresults, 2);
	lf_authres_free(ar);
	/* Results without ";" between them. */
	ar = AR(" mx.example spf=pass smtp.mailfrom=a.example dkim=pass "
	        "header.d=a.example dkim/1=fail header.d=b.example",
	    &s);
	assert_int_equal(count(&s, "authres.missing-semicolon"), 3);
	want_anomaly(&s, "authres.missing-semicolon", LF_SEV_MEDIUM, 12);
	assert_int_equal(s.n, 3);
	assert_int_equal(ar->nresults, 3);
	want_result(ar, 0, "spf", 0, "pass", NULL, NULL, 1);
	want_result(ar, 1, "dkim", 0, "pass", NULL, NULL, 1);
	want_result(ar, 2, "dkim", 1, "fail", NULL, NULL, 1);
	want_evidence((const uint8_t *)" mx.example spf=pass "
	                               "smtp.mailfrom=a.example dkim=pass",
	    ar, 0, "spf=pass smtp.mailfrom=a.example");
	lf_authres_free(ar);
	/* "none" with results. */
	ar = AR(" mx.example; none; spf=pass", &s);
	want_anomaly(&s, "authres.none-with-results", LF_SEV_MEDIUM, 19);
	assert_int_equal(s.n, 1);
	assert_true(ar->no_result);
	assert_int_equal(ar->nresults, 1);
	lf_authres_free(ar);
	ar = AR(" mx.example; spf=pass; NONE; none", &s);
	assert_int_equal(count(&s, "authres.none-with-results"), 1);
	assert_int_equal(count(&s, "authres.stray-token"), 1);
	assert_true(ar->no_result);
	lf_authres_free(ar);
	/* An authserv-id alone. */
	ar = AR(" mx.example", &s);
	want_anomaly(&s, "authres.no-results", LF_SEV_LOW, 11);
	assert_int_equal(s.n, 1);
	assert_int_equal(ar->nresults, 0);
	lf_authres_free(ar);
	ar = AR(" mx.example;", &s);
	assert_int_equal(count(&s, "authres.no-results"), 1);
	assert_int_equal(s.n, 1);
	lf_authres_free(ar);
	/* No authserv-id, ";" first. */
	ar = AR("; spf=pass", &s);
	want_anomaly(&s, "authres.no-authserv-id", LF_SEV_LOW, 0);
	assert_null(ar->authserv_id);
	assert_int_equal(ar->nresults, 1);
	lf_authres_free(ar);
}

static void
values(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	/* Base64 and IPv6 unquoted: kept as written. */
	ar = AR(" mx.example; dkim=pass header.b=gfT/i2HB header.a=rsa-sha256;"
	        " arc=pass smtp.remote-ip=2001:db8::1",
	    &s);
	assert_int_equal(count(&s, "authres.bad-value"), 2);
	want_anomaly(&s, "authres.bad-value", LF_SEV_LOW, 32);
	assert_int_equal(s.n, 2);
	want_prop(ar, 0, 0, "header", "b", "gfT/i2HB", false);
	want_prop(ar, 1, 0, "smtp", "remote-ip", "2001:db8::1", false);
	lf_authres_free(ar);
	/* Addresses and domains in UTF-8 are values (RFC 8616). */
	ar = AR(" mx.example; dkim=pass header.i=\xe4\xba\x8c\xe3\x83\x8e"
	        "\xe5\xae\xae@\xe9\xbb\x92\xe5\xb7\x9d.\xe6\x97\xa5\xe6\x9c\xac"
	        " header.d=Blo\xc3\x9f.de",
	    &s);
	assert_int_equal(s.n, 0);
	want_prop(ar, 0, 0, "header", "i",
	    "\xe4\xba\x8c\xe3\x83\x8e\xe5\xae\xae@\xe9\xbb\x92\xe5\xb7\x9d."
	    "\xe6\x97\xa5\xe6\x9c\xac",
	    false);
	lf_authres_free(ar);
	/* Empty values. */
	ar = AR(" mx.example; spf=pass smtp.mailfrom= smtp.helo=\"\"", &s);
	want_anomaly(&s, "authres.empty-value", LF_SEV_LOW, 36);
	assert_int_equal(s.n, 1);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "", false);
	want_prop(ar, 0, 1, "smtp", "helo", "", true);
	lf_authres_free(ar);
	/* Not UTF-8, or NUL: escaped visibly. */
	ar = AR(" mx.example; spf=pass (caf\xe9) smtp.mailfrom=\"a\\\\\xff\" "
	        "smtp.helo=\"x\0y\"",
	    &s);
	assert_int_equal(count(&s, "authres.not-utf8"), 2);
	want_anomaly(&s, "authres.nul", LF_SEV_HIGH, 60);
	want_result(ar, 0, "spf", 0, "pass", NULL, "caf\\xE9", 2);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "a\\\\\\xFF", true);
	want_prop(ar, 0, 1, "smtp", "helo", "x\\x00y", true);
	lf_authres_free(ar);
	/* Reasons out of place. */
	ar = AR(" mx.example; dkim=fail header.d=a.example reason=\"late\" "
	        "reason=again",
	    &s);
	want_anomaly(&s, "authres.misplaced-reason", LF_SEV_LOW, 42);
	want_anomaly(&s, "authres.duplicate-reason", LF_SEV_LOW, 56);
	want_result(ar, 0, "dkim", 0, "fail", "late", NULL, 2);
	want_prop(ar, 0, 1, "", "reason", "again", false);
	lf_authres_free(ar);
}

static void
garbage(void **state)
{
	static const struct {
		const char *in;
		size_t n;
	} bad[] = {
	    {"", 0},
	    {" \r\n\t ", 5},
	    {" (only a comment)", 17},
	    {"@@@", 3},
	    {"\x80\xff", 2},
	    {";;;", 3},
	    {"=pass", 5},
	    {"\0\0\0", 3},
	};
	struct lf_authres *ar, sentinel;
	struct lf_error e;
	struct seen s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ar = &sentinel;
		memset(&s, 0, sizeof(s));
		memset(&e, 0, sizeof(e));
		assert_int_equal(lf_authres_parse((const uint8_t *)bad[i].in,
		                     bad[i].n, &ar, record, &s, &e),
		    LF_E_FORMAT);
		assert_ptr_equal(ar, &sentinel);
		assert_int_equal(e.code, LF_E_FORMAT);
		assert_non_null(strstr(e.msg, "authentication-results"));
	}
	/* Garbage after something readable is skipped, the rest kept. */
	ar = AR(" mx.example; <<>>; spf=pass; dkim=pass =x; dmarc=\x01", &s);
	assert_int_equal(count(&s, "authres.syntax"), 3);
	want_anomaly(&s, "authres.syntax", LF_SEV_MEDIUM, 13);
	assert_int_equal(ar->nresults, 3);
	want_result(ar, 1, "dkim", 0, "pass", NULL, NULL, 0);
	want_result(ar, 2, "dmarc", 0, "", NULL, NULL, 0);
	lf_authres_free(ar);
	ar = AR(" mx.example junk; spf=pass", &s);
	want_anomaly(&s, "authres.syntax", LF_SEV_MEDIUM, 12);
	assert_int_equal(s.n, 1);
	want_str("authserv-id", ar->authserv_id, "mx.example");
	assert_int_equal(ar->nresults, 1);
	lf_authres_free(ar);
	/* A bad authserv-id is dropped, what follows is kept. */
	ar = AR(" <mx>; spf=pass", &s);
	want_anomaly(&s, "authres.syntax", LF_SEV_MEDIUM, 1);
	assert_null(ar->authserv_id);
	assert_int_equal(ar->nresults, 1);
	lf_authres_free(ar);
}

static void
arc_instance(void **state)
{
	struct lf_authres *ar;
	struct seen s;

	(void)state;
	ar = ARC(" I (one) = 7 ; mx.example; spf=pass", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(ar->arc_instance, 7);
	want_str("authserv-id", ar->authserv_id, "mx.example");
	lf_authres_free(ar);
	ar = ARC(" i=51; mx.example; spf=pass", &s);
	want_anomaly(&s, "authres.arc-instance", LF_SEV_MEDIUM, 3);
	assert_int_equal(ar->arc_instance, 51);
	lf_authres_free(ar);
	/* Without "i=N;": read as an Authentication-Results value. */
	ar = ARC(" mx.example; spf=pass", &s);
	want_anomaly(&s, "authres.arc-instance", LF_SEV_MEDIUM, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(ar->arc_instance, 0);
	want_str("authserv-id", ar->authserv_id, "mx.example");
	lf_authres_free(ar);
	ar = ARC(" i=x; mx.example; spf=pass", &s);
	assert_int_equal(count(&s, "authres.arc-instance"), 1);
	assert_int_equal(ar->arc_instance, 0);
	assert_null(ar->authserv_id);
	want_result(ar, 0, "i", 0, "x", NULL, NULL, 0);
	lf_authres_free(ar);
	/* Outside ARC, "i=1" is a result like any other. */
	ar = AR(" i=1; mx.example; spf=pass", &s);
	assert_int_equal(ar->arc_instance, 0);
	assert_null(ar->authserv_id);
	assert_int_equal(ar->nresults, 2);
	want_result(ar, 0, "i", 0, "1", NULL, NULL, 0);
	lf_authres_free(ar);
}

static void
limits_hold(void **state)
{
	struct lf_authres *ar;
	struct seen s;
	char *in;
	size_t i, n, cap = 64 * 1024;

	(void)state;
	in = malloc(cap);
	assert_non_null(in);
	n = (size_t)snprintf(in, cap, " mx.example");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(in + n, cap - n,
		    "; dkim=pass header.d=d%zu", i);
	ar = parse((const uint8_t *)in, n, false, &s);
	assert_int_equal(count(&s, "authres.too-many-results"), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(ar->nresults, LF_AUTHRES_MAX_RESULTS);
	want_prop(ar, 255, 0, "header", "d", "d255", false);
	lf_authres_free(ar);

	n = (size_t)snprintf(in, cap, " mx.example; dkim=pass");
	for (i = 0; i < 100; i++)
		n +=
		    (size_t)snprintf(in + n, cap - n, " header.x%zu=%zu", i, i);
	n += (size_t)snprintf(in + n, cap - n, "; spf=pass smtp.helo=h");
	ar = parse((const uint8_t *)in, n, false, &s);
	assert_int_equal(count(&s, "authres.too-many-properties"), 1);
	assert_int_equal(ar->results[0].nprops, LF_AUTHRES_MAX_PROPS);
	want_prop(ar, 0, 63, "header", "x63", "63", false);
	want_result(ar, 1, "spf", 0, "pass", NULL, NULL, 1);
	lf_authres_free(ar);

	/* Both limits at once. */
	n = (size_t)snprintf(in, cap, " m");
	for (i = 0; i < 300 && n + 400 < cap; i++) {
		size_t k;

		n += (size_t)snprintf(in + n, cap - n, ";a=b");
		for (k = 0; k < 70; k++)
			n += (size_t)snprintf(in + n, cap - n, " c=d");
	}
	ar = parse((const uint8_t *)in, n, false, &s);
	assert_true(ar->nresults > 100);
	assert_int_equal(ar->results[0].nprops, LF_AUTHRES_MAX_PROPS);
	lf_authres_free(ar);
	free(in);
}

/* Every prefix of a field, in a buffer of exactly that size. */
static void
truncated_everywhere(void **state)
{
	static const char in[] =
	    " i=1; \"foo.example.net\" (foobar) 1 (baz);\r\n"
	    "    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
	    "      policy (A dot can go here) . (like that) expired\r\n"
	    "      (this surprised me) = (as I wasn't expecting it) 1362471462;"
	    " spf=pass (sender IP is 192.0.2.1 (\\) nested)) "
	    "smtp.mailfrom=\"a b\"@example.com; hotmail.com;"
	    " dmarc=bestguesspass action=none header.from=x.example;"
	    " dkim=fail reason=\"bad; sig\" header.i=@x.example "
	    "header.b=gfT/i2HB; none;";
	struct lf_authres *ar;
	struct lf_error e;
	uint8_t *buf;
	size_t k, oks = 0;
	int rc, arc;

	(void)state;
	for (arc = 0; arc < 2; arc++) {
		for (k = 0; k < sizeof(in); k++) {
			buf = malloc(k > 0 ? k : 1);
			assert_non_null(buf);
			memcpy(buf, in, k);
			rc =
			    (arc ? lf_authres_parse_arc : lf_authres_parse)(buf,
			        k, &ar, NULL, NULL, &e);
			if (rc == LF_OK) {
				check_ar(ar, k);
				lf_authres_free(ar);
				oks++;
			} else {
				assert_int_equal(rc, LF_E_FORMAT);
			}
			free(buf);
		}
	}
	assert_true(oks > sizeof(in));
}

static void
allocation_failures(void **state)
{
	static const char in[] =
	    " \"mx.example\" 1; spf=pass (sender IP (\\) is) 192.0.2.1) "
	    "smtp.mailfrom=\"a\\\\b\"@example.com; hotmail.com;"
	    " dkim=fail reason=\"caf\xe9\" header.d=a header.d=b header.d=c "
	    "header.d=d header.d=e header.d=f header.d=g header.d=h header.d=i;"
	    " a=b; c=d; e=f; g=h; i=j; k=l; m=n; o=p; q=r";
	struct lf_authres *ar, sentinel;
	struct lf_error e;
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		ar = &sentinel;
		failalloc_after(n);
		rc = lf_authres_parse(S(in), &ar, NULL, NULL, &e);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		assert_int_equal(e.code, LF_E_NOMEM);
		/* Written only on success. */
		assert_ptr_equal(ar, &sentinel);
		assert_true(n < 500);
	}
	assert_true(n > 5);
	check_ar(ar, sizeof(in) - 1);
	assert_int_equal(ar->nresults, 11);
	want_result(ar, 1, "dkim", 0, "fail", "caf\\xE9", NULL, 9);
	want_prop(ar, 0, 0, "smtp", "mailfrom", "a\\b@example.com", true);
	lf_authres_free(ar);
}

static void
api_misuse(void **state)
{
	struct lf_authres *ar = NULL;
	struct lf_error e;

	(void)state;
	lf_authres_free(NULL);
	assert_int_equal(lf_authres_parse(S(" a; none"), NULL, NULL, NULL, &e),
	    LF_E_INVAL);
	assert_int_equal(e.code, LF_E_INVAL);
	assert_int_equal(lf_authres_parse(NULL, 3, &ar, NULL, NULL, NULL),
	    LF_E_INVAL);
	assert_null(ar);
	assert_int_equal(lf_authres_parse(NULL, SIZE_MAX, &ar, NULL, NULL,
	                     NULL),
	    LF_E_INVAL);
	assert_int_equal(lf_authres_parse((const uint8_t *)"x", SIZE_MAX, &ar,
	                     NULL, NULL, &e),
	    LF_E_INVAL);
	assert_null(ar);
	/* No anomaly callback, no error record. */
	assert_int_equal(lf_authres_parse(S(" a; spf=pass"), &ar, NULL, NULL,
	                     NULL),
	    LF_OK);
	assert_null(lf_authres_prop(NULL, "smtp", "mailfrom"));
	assert_null(lf_authres_prop(&ar->results[0], NULL, "mailfrom"));
	assert_null(lf_authres_prop(&ar->results[0], "smtp", "mailfrom"));
	lf_authres_free(ar);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc8601_b2_no_authentication),
	    cmocka_unit_test(rfc8601_b3_spf),
	    cmocka_unit_test(rfc8601_b4_single_mta),
	    cmocka_unit_test(rfc8601_b5_different_mtas),
	    cmocka_unit_test(rfc8601_b6_multi_tiered),
	    cmocka_unit_test(rfc8601_b7_comment_heavy),
	    cmocka_unit_test(rfc7601_history),
	    cmocka_unit_test(exchange_online),
	    cmocka_unit_test(proofpoint),
	    cmocka_unit_test(corpora_headers),
	    cmocka_unit_test(comments_and_quotes),
	    cmocka_unit_test(unterminated),
	    cmocka_unit_test(deep_comments),
	    cmocka_unit_test(several_dkim),
	    cmocka_unit_test(unregistered_kept),
	    cmocka_unit_test(versions),
	    cmocka_unit_test(separators),
	    cmocka_unit_test(values),
	    cmocka_unit_test(garbage),
	    cmocka_unit_test(arc_instance),
	    cmocka_unit_test(limits_hold),
	    cmocka_unit_test(truncated_everywhere),
	    cmocka_unit_test(allocation_failures),
	    cmocka_unit_test(api_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
