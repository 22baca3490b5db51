/*
 * Unit tests: lf_dkim (tag lists, signatures, key records, verification)
 * and lf_dkimcanon.
 *
 * The corpus rows (shared/corpora/dkim/expected.tsv) are read at test
 * time; each must be in the table below, which says what we answer and,
 * where dkimpy or OpenDKIM answer otherwise, the RFC reason for ours.
 * Interoperability: messages signed here by dkimpy (Debian python3-dkim)
 * with keys openssl makes here, verified by us.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "corpora.h"
#include "failalloc.h"
#include "lf/buf.h"
#include "lf/dkim.h"
#include "lf/dkimkeys.h"
#include "tmptree.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1
#define T(x) (x), sizeof(x) - 1

/* ---- Helpers ---- */

struct seen {
	char codes[2048];
};

static void
collect(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	snprintf(s->codes + len, sizeof(s->codes) - len, "%s ", a->code);
}

static bool
has(const struct seen *s, const char *code)
{
	char want[128];

	snprintf(want, sizeof(want), "%s ", code);
	return strstr(s->codes, want) != NULL;
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	size_t cap = 0, len = 0, got;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			p = realloc(p, cap + 1);
			assert_non_null(p);
		}
		got = fread(p + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	p[len] = 0;
	*n = len;
	return p;
}

static uint8_t *
corpus_file(const char *rel, size_t *n)
{
	char path[2048];

	snprintf(path, sizeof(path), "%s/dkim/%s", corpora_dir(), rel);
	return slurp(path, n);
}

/* A key lookup that answers one record for any name. */
struct onekey {
	const char *txt;
	int lookups;
	char name[600];
};

static int
onekey_lookup(void *arg, const char *name, const uint8_t **txt, size_t *len)
{
	struct onekey *k = arg;

	k->lookups++;
	snprintf(k->name, sizeof(k->name), "%s", name);
	if (k->txt == NULL)
		return 0;
	*txt = (const uint8_t *)k->txt;
	*len = strlen(k->txt);
	return 1;
}

struct verified {
	struct lf_hblock hb;
	struct lf_dkim_report rep;
	struct seen seen;
};

/* Verify msg, the body fed piece bytes at a time. */
static void
verify_with(const uint8_t *msg, size_t n, struct lf_dkim_options *o,
    size_t piece, struct verified *out)
{
	struct lf_dkim_verify *v;
	struct lf_error err;
	size_t off;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_hblock_parse(msg, n, 10000, &out->hb, NULL, NULL,
	                     &err),
	    LF_OK);
	if (lf_dkim_verify_new(&out->hb, o, collect, &out->seen, &v, &err) !=
	    LF_OK)
		fail_msg("verify_new: %s", err.msg);
	for (off = out->hb.body_offset; off < n;) {
		size_t take = n - off < piece ? n - off : piece;

		assert_int_equal(lf_dkim_verify_body(v, msg + off, take, &err),
		    LF_OK);
		off += take;
	}
	if (lf_dkim_verify_finish(v, &out->rep, &err) != LF_OK)
		fail_msg("verify_finish: %s", err.msg);
	assert_int_equal(lf_dkim_verify_finish(v, &out->rep, &err), LF_E_INVAL);
	lf_dkim_verify_free(v);
}

static void
verified_release(struct verified *v)
{
	lf_dkim_report_release(&v->rep);
	lf_hblock_release(&v->hb);
}

/* Verify msg against the key set keys (a file's text). */
static void
verify_keys(const uint8_t *msg, size_t n, const uint8_t *keys, size_t kn,
    struct verified *out)
{
	struct lf_dkim_options o;
	struct lf_dkimkeys *ks;

	assert_int_equal(lf_dkimkeys_parse(keys, kn, 1000, &ks, NULL, NULL,
	                     NULL),
	    LF_OK);
	lf_dkim_options_default(&o);
	o.key = lf_dkimkeys_lookup;
	o.key_arg = ks;
	verify_with(msg, n, &o, 4096, out);
	lf_dkimkeys_free(ks);
}

static void
verify_one_key(const uint8_t *msg, size_t n, struct onekey *k,
    struct verified *out)
{
	struct lf_dkim_options o;

	lf_dkim_options_default(&o);
	o.key = onekey_lookup;
	o.key_arg = k;
	verify_with(msg, n, &o, 4096, out);
}

static void
want_verdict(const struct verified *v, size_t i, enum lf_dkim_verdict want)
{
	const struct lf_dkim_result *r;

	if (i >= v->rep.count)
		fail_msg("no signature %zu (of %zu)", i, v->rep.count);
	r = &v->rep.results[i];
	if (r->verdict != want)
		fail_msg("signature %zu: %s (%s), want %s", i,
		    lf_dkim_verdict_name(r->verdict),
		    r->reason != NULL ? r->reason : "-",
		    lf_dkim_verdict_name(want));
}

/* ---- Tag lists ---- */

static void
tags_grammar(void **state)
{
	struct lf_dkim_taglist t;
	const struct lf_dkim_tag *tag;

	(void)state;
	assert_int_equal(lf_dkim_tags_parse(S(" v=1;\r\n\ta = rsa-sha256 ;"
	                                      "h=From : To;z=a|b=c;x_1=;"),
	                     64, &t, NULL),
	    LF_OK);
	assert_int_equal(t.status, LF_DKIM_TAGS_OK);
	assert_int_equal(t.count, 5);
	tag = lf_dkim_tags_get(&t, "a");
	assert_non_null(tag);
	assert_int_equal(tag->value_len, 10);
	assert_memory_equal(tag->value, "rsa-sha256", 10);
	assert_int_equal(*tag->eq, '=');
	tag = lf_dkim_tags_get(&t, "h");
	assert_int_equal(tag->value_len, 9); /* FWS inside is kept */
	assert_memory_equal(tag->value, "From : To", 9);
	tag = lf_dkim_tags_get(&t, "z");
	assert_int_equal(tag->value_len, 5); /* "=" is a VALCHAR */
	assert_int_equal(lf_dkim_tags_get(&t, "x_1")->value_len, 0);
	assert_null(lf_dkim_tags_get(&t, "A")); /* names are case-sensitive */
	lf_dkim_tags_release(&t);
	lf_dkim_tags_release(&t);

	/* "v=1 a=..." with no ";": one tag whose value has a blank. */
	assert_int_equal(lf_dkim_tags_parse(S("v=1 a=rsa-sha256; d=x"), 64, &t,
	                     NULL),
	    LF_OK);
	assert_int_equal(t.status, LF_DKIM_TAGS_OK);
	assert_int_equal(lf_dkim_tags_get(&t, "v")->value_len, 14);
	assert_null(lf_dkim_tags_get(&t, "a"));
	lf_dkim_tags_release(&t);

	assert_int_equal(lf_dkim_tags_parse(S(""), 64, &t, NULL), LF_OK);
	assert_int_equal(t.status, LF_DKIM_TAGS_OK);
	assert_int_equal(t.count, 0);
	lf_dkim_tags_release(&t);
}

static void
tags_errors(void **state)
{
	static const struct {
		const char *in;
		enum lf_dkim_tags_status status;
		size_t at;
	} cases[] = {
	    {"a=1;a=2", LF_DKIM_TAGS_DUPLICATE, 4},
	    {"a=1;;b=2", LF_DKIM_TAGS_SYNTAX, 4},
	    {"a=1; 1b=2", LF_DKIM_TAGS_SYNTAX, 5},
	    {"a", LF_DKIM_TAGS_SYNTAX, 1},
	    {"a b=1", LF_DKIM_TAGS_SYNTAX, 2},
	    {"=1", LF_DKIM_TAGS_SYNTAX, 0},
	    {"a=x\001y", LF_DKIM_TAGS_SYNTAX, 3},
	    {"a=x\0y", LF_DKIM_TAGS_SYNTAX, 3},
	    {"a=1;b=2;c=3;d=4", LF_DKIM_TAGS_LIMIT, 12},
	};
	struct lf_dkim_taglist t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].in);

		if (i == 7)
			n = 5; /* holds a NUL */
		assert_int_equal(lf_dkim_tags_parse((const uint8_t *)cases[i]
		                                        .in,
		                     n, 3, &t, NULL),
		    LF_OK);
		if (t.status != cases[i].status ||
		    t.error_offset != cases[i].at)
			fail_msg("case %zu: status %d at %zu", i, t.status,
			    t.error_offset);
		assert_true(t.count <= 3);
		lf_dkim_tags_release(&t);
	}
	assert_int_equal(lf_dkim_tags_parse(NULL, 1, 3, &t, NULL), LF_E_INVAL);
	assert_int_equal(lf_dkim_tags_parse(S("a=1"), 3, NULL, NULL),
	    LF_E_INVAL);
}

/* Allocation failure at every step of the tag parser. */
static void
tags_failalloc(void **state)
{
	char in[40 * 8 + 1];
	struct lf_dkim_taglist t = {NULL, 7, LF_DKIM_TAGS_OK, 0};
	struct lf_error err;
	long n;
	int i, rc;

	(void)state;
	in[0] = '\0';
	for (i = 0; i < 40; i++)
		snprintf(in + strlen(in), sizeof(in) - strlen(in), "t%02d=%d;",
		    i, i);
	for (n = 0;; n++) {
		failalloc_after(n);
		rc = lf_dkim_tags_parse((const uint8_t *)in, strlen(in), 64, &t,
		    &err);
		failalloc_off();
		if (rc == LF_OK)
			break;
		assert_int_equal(rc, LF_E_NOMEM);
		assert_int_equal(t.count, 7); /* untouched */
		assert_null(t.tags);
	}
	assert_true(n >= 3); /* 16, 32, 64 */
	assert_int_equal(t.count, 40);
	lf_dkim_tags_release(&t);

	/* The signature and key parsers on top of it. */
	for (n = 0;; n++) {
		struct lf_dkim_sig sig;
		struct lf_dkim_options o;

		lf_dkim_options_default(&o);
		failalloc_after(n);
		rc = lf_dkim_sig_parse(S("v=1; a=rsa-sha256; d=example.com; "
		                         "s=sel; h=from:to; bh=AAAA; b=AAAA"),
		    &o, &sig, &err);
		failalloc_off();
		if (rc == LF_OK) {
			assert_int_equal(sig.status, LF_DKIM_PASS);
			lf_dkim_sig_release(&sig);
			break;
		}
		assert_int_equal(rc, LF_E_NOMEM);
	}
	assert_int_equal(n, 2);
}

/* ---- Signatures ---- */

struct sigcase {
	const char *value;
	enum lf_dkim_verdict status;
	const char *reason; /* a word of the reason */
};

static void
sig_form(void **state)
{
#define BASE "v=1; a=rsa-sha256; s=sel; bh=AAAA; b=AAAA; "
	static const struct sigcase cases[] = {
	    {BASE "d=example.com; h=from", LF_DKIM_PASS, NULL},
	    {BASE "d=Ex-1.example.COM; h=To : FROM:x", LF_DKIM_PASS, NULL},
	    {"a=rsa-sha256; s=sel; bh=AAAA; b=AAAA; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "no v="},
	    {"v=2; a=rsa-sha256; s=sel; bh=AAAA; b=AAAA; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "v= is not 1"},
	    {"v=1; s=sel; bh=AAAA; b=AAAA; d=e.com; h=from", LF_DKIM_SIG_SYNTAX,
	        "required"},
	    {"v=1; a=rsa-sha512; s=sel; bh=AAAA; b=AAAA; d=e.com; h=from",
	        LF_DKIM_UNSUPPORTED, "a="},
	    {BASE "d=e.com; h=from; c=relaxed/fancy", LF_DKIM_UNSUPPORTED,
	        "c="},
	    {BASE "d=e.com; h=from; c=relaxed", LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; q=dns/txt:other", LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; q=http", LF_DKIM_UNSUPPORTED, "q="},
	    /* dkimpy's test.message.baddomain: a comment in d= */
	    {BASE "d=legitimate.com(.attacker.com; h=from", LF_DKIM_SIG_SYNTAX,
	        "d="},
	    {BASE "d=e..com; h=from", LF_DKIM_SIG_SYNTAX, "d="},
	    {BASE "d=-e.com; h=from", LF_DKIM_SIG_SYNTAX, "d="},
	    {BASE "d=e.com.; h=from", LF_DKIM_SIG_SYNTAX, "d="},
	    {BASE "d=\xc3\xa9.com; h=from", LF_DKIM_SIG_SYNTAX, "d="},
	    {"v=1; a=rsa-sha256; s=a/b; bh=AAAA; b=AAAA; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "s="},
	    {BASE "d=e.com; h=to:subject", LF_DKIM_SIG_SYNTAX, "From"},
	    {BASE "d=e.com; h=from::to", LF_DKIM_SIG_SYNTAX, "empty"},
	    {BASE "d=e.com; h=from; l=12a", LF_DKIM_SIG_SYNTAX, "l="},
	    {BASE "d=e.com; h=from; t=-1", LF_DKIM_SIG_SYNTAX, "t="},
	    {BASE "d=e.com; h=from; x=1234567890123", LF_DKIM_SIG_SYNTAX, "x="},
	    {BASE "d=e.com; h=from; t=100; x=100", LF_DKIM_SIG_SYNTAX, "after"},
	    {BASE "d=e.com; h=from; t=100; x=101", LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; i=user@mail.e.com", LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; i=@E.COM", LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; i=user@n\xc3\xb6t.com", LF_DKIM_SIG_SYNTAX,
	        "i="},
	    {BASE "d=e.com; h=from; i=user@bad_x.e.com", LF_DKIM_SIG_SYNTAX,
	        "i="},
	    {BASE "d=e.com; h=from; i=user@xe.com", LF_DKIM_IDENTITY_MISMATCH,
	        "i="},
	    {BASE "d=e.com; h=from; i=user.e.com", LF_DKIM_SIG_SYNTAX, "@"},
	    {"v=1; a=rsa-sha256; s=sel; bh=AAAA; b=AA=A; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "b="},
	    {"v=1; a=rsa-sha256; s=sel; bh=AAA; b=AAAA; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "bh="},
	    {"v=1; a=rsa-sha256; s=sel; bh=AAAA; b=AA==AA==; d=e.com; h=from",
	        LF_DKIM_SIG_SYNTAX, "padding"},
	    {"v=1; a=rsa-sha256; s=sel; bh=AAAA; b=A A\r\n\tA A; d=e.com; "
	     "h=from",
	        LF_DKIM_PASS, NULL},
	    {BASE "d=e.com; h=from; d=f.com", LF_DKIM_SIG_SYNTAX, "twice"},
	    {BASE "d=e.com; h=from; q", LF_DKIM_SIG_SYNTAX, "tag-list"},
	};
#undef BASE
	struct lf_dkim_options o;
	struct lf_dkim_sig sig;
	size_t i;

	(void)state;
	lf_dkim_options_default(&o);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sigcase *c = &cases[i];

		assert_int_equal(lf_dkim_sig_parse((const uint8_t *)c->value,
		                     strlen(c->value), &o, &sig, NULL),
		    LF_OK);
		if (sig.status != c->status ||
		    (c->reason != NULL &&
		        (sig.reason == NULL ||
		            strstr(sig.reason, c->reason) == NULL)) ||
		    (c->reason == NULL && sig.reason != NULL))
			fail_msg("case %zu (%s): %s (%s)", i, c->value,
			    lf_dkim_verdict_name(sig.status),
			    sig.reason != NULL ? sig.reason : "-");
		lf_dkim_sig_release(&sig);
	}
}

static void
sig_values(void **state)
{
	static const char v[] = "v=1; a=ed25519-sha256; c=relaxed/simple;\r\n"
	                        " d=example.net; s=brisbane; i=joe@"
	                        "football.example.com;\r\n"
	                        " h=from : to :\r\n subject; t=1528637909; "
	                        "x=1528637910; l=18446744073709551616000;\r\n"
	                        " bh=AAECAw==; b=/w==";
	struct lf_dkim_options o;
	struct lf_dkim_sig sig;

	(void)state;
	lf_dkim_options_default(&o);
	assert_int_equal(lf_dkim_sig_parse(S(v), &o, &sig, NULL), LF_OK);
	/* i= under another domain than d=: the rest is still read. */
	assert_int_equal(sig.status, LF_DKIM_IDENTITY_MISMATCH);
	assert_int_equal(sig.alg, LF_DKIM_ED25519_SHA256);
	assert_int_equal(sig.hcanon, LF_DKIM_RELAXED);
	assert_int_equal(sig.bcanon, LF_DKIM_SIMPLE);
	assert_int_equal(sig.nh, 3);
	assert_int_equal(sig.hnames[2].n, 7);
	assert_memory_equal(sig.hnames[2].p, "subject", 7);
	assert_int_equal(sig.h.n, strlen("from : to :\r\n subject"));
	assert_true(sig.has_time && sig.time == 1528637909);
	assert_true(sig.has_expire && sig.expire == 1528637910);
	assert_true(sig.has_length && sig.length == UINT64_MAX);
	assert_int_equal(sig.bh_len, 4);
	assert_memory_equal(sig.bh_raw, "\0\1\2\3", 4);
	assert_int_equal(sig.sig_len, 1);
	assert_int_equal(sig.sig[0], 0xff);
	assert_memory_equal(sig.d.p, "example.net", sig.d.n);
	lf_dkim_sig_release(&sig);
}

static void
sig_limits(void **state)
{
	struct lf_dkim_options o;
	struct lf_dkim_sig sig;
	char buf[4096];
	int i;

	(void)state;
	lf_dkim_options_default(&o);
	o.max_h = 3;
	assert_int_equal(lf_dkim_sig_parse(S("v=1; a=rsa-sha256; s=s; d=e.com;"
	                                     " bh=AAAA; b=AAAA; h=from:a:b:c"),
	                     &o, &sig, NULL),
	    LF_OK);
	assert_int_equal(sig.status, LF_DKIM_LIMIT);
	assert_null(sig.hnames);
	lf_dkim_sig_release(&sig);

	o.max_tags = 4;
	assert_int_equal(lf_dkim_sig_parse(S("v=1; a=rsa-sha256; s=s; d=e.com;"
	                                     " bh=AAAA; b=AAAA; h=from"),
	                     &o, &sig, NULL),
	    LF_OK);
	assert_int_equal(sig.status, LF_DKIM_LIMIT);
	lf_dkim_sig_release(&sig);

	/* b= past an 8192-bit signature: refused, nothing allocated. */
	lf_dkim_options_default(&o);
	snprintf(buf, sizeof(buf),
	    "v=1; a=rsa-sha256; s=s; d=e.com; h=from;"
	    " bh=AAAA; b=");
	for (i = 0; i < 344; i++) /* 1032 bytes */
		memcpy(buf + strlen(buf), "AAAA", 5);
	assert_int_equal(lf_dkim_sig_parse((const uint8_t *)buf, strlen(buf),
	                     &o, &sig, NULL),
	    LF_OK);
	assert_int_equal(sig.status, LF_DKIM_LIMIT);
	lf_dkim_sig_release(&sig);
	assert_int_equal(lf_dkim_sig_parse(S("v=1"), NULL, &sig, NULL),
	    LF_E_INVAL);
}

/* ---- Key records ---- */

static void
key_corpus_records(void **state)
{
	static const struct {
		const char *file;
		enum lf_dkim_verdict status;
		enum lf_dkim_keytype type;
		unsigned bits;
	} files[] = {
	    {"dkimpy/test.txt", LF_DKIM_PASS, LF_DKIM_KEY_RSA, 1024},
	    {"dkimpy/test2.txt", LF_DKIM_PASS, LF_DKIM_KEY_RSA, 1024},
	    /* k=ed25519-sha256 is not a key type: the record stands, the
	     * type is unknown, and no a= can use it. */
	    {"dkimpy/badk.txt", LF_DKIM_PASS, LF_DKIM_KEY_UNKNOWN, 0},
	    /* "v=DKIM1:" is not DKIM1: RFC 6376 3.6.1 discards it. */
	    {"dkimpy/badversion.txt", LF_DKIM_KEY_SYNTAX, LF_DKIM_KEY_RSA, 0},
	    /* A key cut short. */
	    {"dkimpy/test_bad.txt", LF_DKIM_KEY_SYNTAX, LF_DKIM_KEY_RSA, 0},
	    /* SubjectPublicKeyInfo and PKCS#1 RSAPublicKey, as dkimpy. */
	    {"dkimpy/1024_testkey_wo_markers.pub.txt", LF_DKIM_PASS,
	        LF_DKIM_KEY_RSA, 1024},
	    {"dkimpy/1024_testkey_wo_markers.pub.rsa.txt", LF_DKIM_PASS,
	        LF_DKIM_KEY_RSA, 1024},
	    {"dkimpy/2048_testkey_wo_markers.pub.txt", LF_DKIM_PASS,
	        LF_DKIM_KEY_RSA, 2048},
	    {"dkimpy/2048_testkey_wo_markers.pub.rsa.txt", LF_DKIM_PASS,
	        LF_DKIM_KEY_RSA, 2048},
	    {"dkimpy/2048_testkey_PKCS8.key.pub.txt", LF_DKIM_PASS,
	        LF_DKIM_KEY_RSA, 2048},
	    {"dkimpy/ed25519test.dns", LF_DKIM_PASS, LF_DKIM_KEY_ED25519, 256},
	    {"dkimpy/eximtest.dns", LF_DKIM_PASS, LF_DKIM_KEY_ED25519, 256},
	};
	struct lf_dkim_key k;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint8_t *p = corpus_file(files[i].file, &n);

		while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		assert_int_equal(lf_dkim_key_parse(p, n, &k, NULL), LF_OK);
		if (k.status != files[i].status || k.type != files[i].type ||
		    k.bits != files[i].bits)
			fail_msg("%s: %s (%s) type %d bits %u", files[i].file,
			    lf_dkim_verdict_name(k.status),
			    k.reason != NULL ? k.reason : "-", k.type, k.bits);
		assert_true((k.pkey != NULL) == (k.bits > 0));
		lf_dkim_key_release(&k);
		free(p);
	}
}

static void
key_records(void **state)
{
	static const struct {
		const char *txt;
		enum lf_dkim_verdict status;
	} cases[] = {
	    {"v=DKIM1; p=", LF_DKIM_KEY_REVOKED},
	    {"k=rsa; t=y; p=", LF_DKIM_KEY_REVOKED},
	    {"v=DKIM1; k=rsa", LF_DKIM_KEY_SYNTAX},
	    {"k=rsa; v=DKIM1; p=", LF_DKIM_KEY_SYNTAX}, /* v= not first */
	    {"v=DKIM1; p=!!!!", LF_DKIM_KEY_SYNTAX},
	    {"v=DKIM1; p=AAAA", LF_DKIM_KEY_SYNTAX},
	    {"v=DKIM1; k=ed25519; p=AAAA", LF_DKIM_KEY_SYNTAX},
	    {"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPc"
	     "HURo=",
	        LF_DKIM_PASS},
	    {"v=DKIM1; p=a; p=b", LF_DKIM_KEY_SYNTAX},
	    /* dkimpy's dnsfunc6: a corrupted key */
	    {"k=rsa; p=MFwwDQYJKoZIhvNAQEBBQADSwAwSAJBANmBe10IgY+u7h3enWTukk"
	     "qtUD5PR52Tb/mPfjC0QJTocVBq6Za/PlzfV+Py92VaCak19F4WrbVTK5Gg5tW2"
	     "20MCAwEAAQ==",
	        LF_DKIM_KEY_SYNTAX},
	    /* An Ed25519 SubjectPublicKeyInfo where k=rsa says RSA. */
	    {"k=rsa; p=MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIa"
	     "aPcHURo=",
	        LF_DKIM_KEY_SYNTAX},
	};
	struct lf_dkim_key k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(lf_dkim_key_parse((const uint8_t *)cases[i]
		                                       .txt,
		                     strlen(cases[i].txt), &k, NULL),
		    LF_OK);
		if (k.status != cases[i].status)
			fail_msg("case %zu: %s (%s)", i,
			    lf_dkim_verdict_name(k.status),
			    k.reason != NULL ? k.reason : "-");
		lf_dkim_key_release(&k);
	}
	assert_int_equal(lf_dkim_key_parse(S("v=DKIM1; h=sha1 : SHA256:md5; "
	                                     "s=email:*; t=y:s:x; k=ed25519; "
	                                     "p="),
	                     &k, NULL),
	    LF_OK);
	assert_int_equal(k.hashes, LF_DKIM_HASH_SHA1 | LF_DKIM_HASH_SHA256);
	assert_true(k.email && k.testing && k.strict);
	assert_int_equal(k.type, LF_DKIM_KEY_ED25519);
	lf_dkim_key_release(&k);
	assert_int_equal(lf_dkim_key_parse(S("h=md5; s=tlsrpt; p="), &k, NULL),
	    LF_OK);
	assert_int_equal(k.hashes, 0);
	assert_false(k.email || k.testing || k.strict);
	lf_dkim_key_release(&k);
	assert_int_equal(lf_dkim_key_parse(S("p="), NULL, NULL), LF_E_INVAL);
	lf_dkim_key_release(NULL);
}

/* ---- Canonicalization ---- */

static int
buf_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return lf_buf_append(arg, p, n, err);
}

static void
canon_body(const char *in, size_t n, enum lf_dkim_canon c, size_t piece,
    struct lf_buf *out)
{
	struct lf_dkim_body b;
	size_t off;

	lf_buf_reset(out);
	lf_dkim_body_init(&b, c, buf_sink, out);
	for (off = 0; off < n; off += piece)
		assert_int_equal(lf_dkim_body_update(&b,
		                     (const uint8_t *)in + off,
		                     n - off < piece ? n - off : piece, NULL),
		    LF_OK);
	assert_int_equal(lf_dkim_body_final(&b, NULL), LF_OK);
	assert_int_equal(b.out, out->len);
}

/* The body in every piece size, and with its CRLFs as bare LFs. */
static void
check_body(const char *in, enum lf_dkim_canon c, const char *want,
    size_t want_len)
{
	struct lf_buf out, lf;
	size_t piece, i, n = strlen(in);

	lf_buf_init(&out, 1 << 20);
	lf_buf_init(&lf, 1 << 20);
	for (piece = 1; piece <= n + 1; piece++) {
		canon_body(in, n, c, piece, &out);
		if (out.len != want_len ||
		    (want_len > 0 && memcmp(out.data, want, want_len) != 0))
			fail_msg("body \"%s\" piece %zu: got \"%.*s\"", in,
			    piece, (int)out.len, out.data);
	}
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' && in[i + 1] != '\n')
			goto out; /* a lone CR: no LF form means the same */
		if (in[i] != '\r')
			assert_int_equal(lf_buf_putc(&lf, (uint8_t)in[i], NULL),
			    LF_OK);
	}
	canon_body(lf.len > 0 ? (const char *)lf.data : "", lf.len, c, 3, &out);
	if (out.len != want_len ||
	    (want_len > 0 && memcmp(out.data, want, want_len) != 0))
		fail_msg("LF body of \"%s\": got \"%.*s\"", in, (int)out.len,
		    out.data);
out:
	lf_buf_release(&out);
	lf_buf_release(&lf);
}

static void
canon_header_block(const char *block, enum lf_dkim_canon c, struct lf_buf *out)
{
	struct lf_hblock hb;
	size_t i;

	assert_int_equal(lf_hblock_parse((const uint8_t *)block, strlen(block),
	                     100, &hb, NULL, NULL, NULL),
	    LF_OK);
	lf_buf_reset(out);
	for (i = 0; i < hb.count; i++)
		assert_int_equal(lf_dkim_canon_header(&hb.fields[i], c, true,
		                     NULL, 0, buf_sink, out, NULL),
		    LF_OK);
	lf_hblock_release(&hb);
}

/* canonicalization/rfc6376-canon-vectors.json, read at test time. */
static void
canon_vectors(void **state)
{
	char path[2048], block[4096];
	json_t *root, *ex, *hdrs, *edge, *v;
	json_error_t jerr;
	struct lf_buf out;
	size_t i, lfn;
	char lfblock[4096];

	(void)state;
	snprintf(path, sizeof(path),
	    "%s/dkim/canonicalization/rfc6376-canon-vectors.json",
	    corpora_dir());
	if ((root = json_load_file(path, 0, &jerr)) == NULL)
		fail_msg("%s: %s", path, jerr.text);
	lf_buf_init(&out, 1 << 20);
	ex = json_object_get(root, "rfc_example");
	hdrs = json_object_get(ex, "headers");
	block[0] = '\0';
	json_array_foreach(hdrs, i, v)
	    snprintf(block + strlen(block), sizeof(block) - strlen(block),
	        "%s:%s", json_string_value(json_array_get(v, 0)),
	        json_string_value(json_array_get(v, 1)));
	assert_true(strlen(block) > 10);
	v = json_object_get(ex, "expected");
	canon_header_block(block, LF_DKIM_RELAXED, &out);
	assert_int_equal(out.len,
	    strlen(json_string_value(json_object_get(v, "relaxed_headers"))));
	assert_memory_equal(out.data,
	    json_string_value(json_object_get(v, "relaxed_headers")), out.len);
	canon_header_block(block, LF_DKIM_SIMPLE, &out);
	assert_string_equal((const char *)out.data,
	    json_string_value(json_object_get(v, "simple_headers")));
	/* The same block stored with bare LFs. */
	for (i = 0, lfn = 0; block[i] != '\0'; i++)
		if (!(block[i] == '\r' && block[i + 1] == '\n'))
			lfblock[lfn++] = block[i];
	lfblock[lfn] = '\0';
	canon_header_block(lfblock, LF_DKIM_RELAXED, &out);
	assert_string_equal((const char *)out.data,
	    json_string_value(json_object_get(v, "relaxed_headers")));
	canon_header_block(lfblock, LF_DKIM_SIMPLE, &out);
	assert_string_equal((const char *)out.data,
	    json_string_value(json_object_get(v, "simple_headers")));
	check_body(json_string_value(json_object_get(ex, "body")),
	    LF_DKIM_RELAXED,
	    json_string_value(json_object_get(v, "relaxed_body")),
	    strlen(json_string_value(json_object_get(v, "relaxed_body"))));
	check_body(json_string_value(json_object_get(ex, "body")),
	    LF_DKIM_SIMPLE,
	    json_string_value(json_object_get(v, "simple_body")),
	    strlen(json_string_value(json_object_get(v, "simple_body"))));
	edge = json_object_get(root, "body_edge_cases");
	assert_true(json_array_size(edge) >= 7);
	json_array_foreach(edge, i, v)
	{
		const char *want =
		    json_string_value(json_object_get(v, "expected"));
		const char *canon =
		    json_string_value(json_object_get(v, "canon"));

		check_body(json_string_value(json_object_get(v, "input")),
		    strcmp(canon, "relaxed") == 0 ? LF_DKIM_RELAXED :
		                                    LF_DKIM_SIMPLE,
		    want, strlen(want));
	}
	json_decref(root);
	lf_buf_release(&out);
}

static void
canon_more(void **state)
{
	(void)state;
	/* Runs of blanks inside lines, blank-only lines, lone CRs. */
	check_body("a  b\t \tc \r\n \t\r\n\r\nd\r\n\r\n", LF_DKIM_RELAXED,
	    T("a b c\r\n\r\n\r\nd\r\n"));
	check_body(" \t\r\n", LF_DKIM_RELAXED, T(""));
	check_body(" \t\r\n", LF_DKIM_SIMPLE, T(" \t\r\n"));
	check_body("a\rb\r\r\n\r", LF_DKIM_SIMPLE, T("a\rb\r\r\n\r\r\n"));
	check_body("a \r", LF_DKIM_RELAXED, T("a \r\r\n"));
}

static int
md_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	(void)err;
	return EVP_DigestUpdate(arg, p, n) == 1 ? LF_OK : LF_E_CRYPTO;
}

/* canonicalization/empty-body-hashes.txt: the bh= of an empty body. */
static void
canon_empty_body_hashes(void **state)
{
	static const char *const words[2][2] = {{"simple", "relaxed"},
	    {"bh(sha256)=", "bh(sha1)="}};
	size_t n, c, h;
	char *text =
	    (char *)corpus_file("canonicalization/empty-body-hashes.txt", &n);

	(void)state;
	for (c = 0; c < 2; c++) {
		const char *line = strstr(text, words[0][c]);

		assert_non_null(line);
		for (h = 0; h < 2; h++) {
			const char *at = strstr(line, words[1][h]);
			char want[64], got[64];
			uint8_t md[EVP_MAX_MD_SIZE];
			unsigned mdlen;
			struct lf_dkim_body b;
			EVP_MD_CTX *ctx = EVP_MD_CTX_new();

			assert_non_null(at);
			at += strlen(words[1][h]);
			while (*at == ' ')
				at++;
			snprintf(want, sizeof(want), "%.*s",
			    (int)strcspn(at, " \n"), at);
			assert_int_equal(EVP_DigestInit_ex(ctx,
			                     h == 0 ? EVP_sha256() : EVP_sha1(),
			                     NULL),
			    1);
			lf_dkim_body_init(&b, (enum lf_dkim_canon)c, md_sink,
			    ctx);
			assert_int_equal(lf_dkim_body_final(&b, NULL), LF_OK);
			EVP_DigestFinal_ex(ctx, md, &mdlen);
			EVP_EncodeBlock((unsigned char *)got, md, (int)mdlen);
			assert_string_equal(got, want);
			EVP_MD_CTX_free(ctx);
		}
	}
	free(text);
}

static void
canon_cut(void **state)
{
	static const char f[] = "DKIM-Signature: a=1; b= Zm9v\r\n\tYmFy ; "
	                        "c=2\r\n";
	struct lf_hblock hb;
	struct lf_buf out;
	const uint8_t *b;

	(void)state;
	lf_buf_init(&out, 4096);
	assert_int_equal(lf_hblock_parse(S(f), 10, &hb, NULL, NULL, NULL),
	    LF_OK);
	b = (const uint8_t *)strchr(f, 'b') + 2;
	assert_int_equal(lf_dkim_canon_header(&hb.fields[0], LF_DKIM_SIMPLE,
	                     false, b, 12, buf_sink, &out, NULL),
	    LF_OK);
	assert_string_equal((const char *)out.data,
	    "DKIM-Signature: a=1; b= ; c=2");
	lf_buf_reset(&out);
	assert_int_equal(lf_dkim_canon_header(&hb.fields[0], LF_DKIM_RELAXED,
	                     false, b, 12, buf_sink, &out, NULL),
	    LF_OK);
	assert_string_equal((const char *)out.data,
	    "dkim-signature:a=1; b= ; c=2");
	assert_int_equal(lf_dkim_canon_header(&hb.fields[0], LF_DKIM_RELAXED,
	                     false, (const uint8_t *)f, 1, buf_sink, &out,
	                     NULL),
	    LF_E_INVAL);
	lf_hblock_release(&hb);
	lf_buf_release(&out);
}

/* ---- The corpus: expected.tsv ---- */

struct row {
	const char *file, *keys;
	/* Ours, per signature top to bottom: verdict, lenient verdict. */
	enum lf_dkim_verdict verdict[2], lenient[2];
	size_t nsig;
	unsigned flags; /* that every signature must have */
	/* Why we differ from dkimpy / OpenDKIM on a signature, if we do. */
	const char *why_dkimpy, *why_opendkim;
};

#define P LF_DKIM_PASS
#define FB LF_DKIM_FAIL_BODY_HASH
#define FS LF_DKIM_FAIL_SIGNATURE

static const struct row rows[] = {
    {"rfc8463/rfc8463-appendixA3-signed.eml", "rfc8463/keys.txt", {P, P},
        {P, P}, 2, 0, NULL, NULL},
    {"dkimpy/ed25519test2.msg", "dkimpy/keys-exim.txt", {P}, {P}, 1, 0, NULL,
        NULL},
    {"opendkim/t-verify-ss.eml", "opendkim/keys-dkim-only.txt", {P}, {P}, 1,
        LF_DKIM_F_RSA_SHORT, NULL, NULL},
    {"opendkim/t-verify-ss-ar-bad.eml", "opendkim/keys-dkim-only.txt", {P}, {P},
        1, 0, NULL, NULL},
    {"opendkim/t-verify-ss-bad.eml", "opendkim/keys-dkim-only.txt", {FS}, {FS},
        1, 0, NULL, NULL},
    {"opendkim/t-verify-report.eml", "opendkim/keys-dkim-only.txt", {FS}, {FS},
        1, 0, NULL, NULL},
    {"opendkim/t-verify-revoked.eml", "opendkim/keys-dkim-only.txt",
        {LF_DKIM_KEY_REVOKED}, {LF_DKIM_KEY_REVOKED}, 1, LF_DKIM_F_KEY_TESTING,
        NULL, NULL},
    /* The bottom From (RFC 6376 5.4.2) is not the one signed. */
    {"opendkim/t-verify-double-from.eml", "opendkim/keys-dkim-only.txt", {FS},
        {FS}, 1, LF_DKIM_F_FIELD_COUNT | LF_DKIM_F_UNSIGNED_HEADER, NULL, NULL},
    {"opendkim/t-verify-syntax.eml", "opendkim/keys-dkim-only.txt",
        {LF_DKIM_SIG_SYNTAX}, {LF_DKIM_SIG_SYNTAX}, 1, 0, NULL,
        "OpenDKIM reports nothing; RFC 6376 6.1.1: a malformed signature "
        "(v= is \"1 a=rsa-sha256\", no a=) is a PERMFAIL, and we say so"},
    {"opendkim/t-verify-unsigned.eml", "opendkim/keys-dkim-only.txt", {P}, {P},
        0, 0, NULL, NULL},
    {"lab-generated/s-both.eml", "lab-generated/keys.txt", {P, P}, {P, P}, 2, 0,
        NULL, NULL},
    /* b= ends "==RU2Ubw==": bytes after the padding break RFC 6376 3.5's
     * base64string, so the signature is malformed (dkimpy fails it for
     * that very reason, not for rsa-sha1).  Past the junk, the key's
     * h=sha256 does not allow rsa-sha1 (RFC 6376 3.6.1), as OpenDKIM
     * says. */
    {"lab-generated/s-odk.eml", "lab-generated/keys.txt", {LF_DKIM_SIG_SYNTAX},
        {LF_DKIM_KEY_MISMATCH}, 1, LF_DKIM_F_SHA1 | LF_DKIM_F_JUNK, NULL, NULL},
    {"lab-generated/s-odk.eml", "lab-generated/keys-nohash.txt",
        {LF_DKIM_SIG_SYNTAX}, {LF_DKIM_PASS_WEAK}, 1,
        LF_DKIM_F_SHA1 | LF_DKIM_F_JUNK, NULL,
        "OpenDKIM decodes b= up to the padding and passes; RFC 6376 3.5 "
        "allows nothing after it (permerror).  Our lenient verdict, junk "
        "ignored, is OpenDKIM's pass, weak: rsa-sha1 (RFC 8301 3.1)"},
    {"lab-generated/t-body.eml", "lab-generated/keys.txt", {FB, FB}, {FB, FB},
        2, 0, NULL, NULL},
    {"lab-generated/t-ws.eml", "lab-generated/keys.txt", {FB, P}, {FB, P}, 2, 0,
        NULL, NULL},
    {"lab-generated/t-subj.eml", "lab-generated/keys.txt", {FS, FS}, {FS, FS},
        2, 0, NULL, NULL},
    {"lab-generated/t-from.eml", "lab-generated/keys.txt", {FS, FS}, {FS, FS},
        2, LF_DKIM_F_FIELD_COUNT, NULL, NULL},
    {"lab-generated/t-append.eml", "lab-generated/keys.txt", {FB, FB}, {FB, FB},
        2, 0, NULL, NULL},
    {"lab-generated/s-plain.eml", "lab-generated/keys.txt", {P}, {P}, 1, 0,
        NULL, NULL},
    {"lab-generated/t-plain-from.eml", "lab-generated/keys.txt", {P}, {P}, 1,
        LF_DKIM_F_FIELD_COUNT | LF_DKIM_F_UNSIGNED_HEADER,
        "dkimpy adds an extra From to h= (its bug 644046) and fails; RFC "
        "6376 5.4.2 signs the bottom From, which is intact: the signature "
        "passes, and the two From fields (RFC 5322 3.6) and the unsigned "
        "one above are reported as findings",
        NULL},
    {"lab-generated/t-plain-subj.eml", "lab-generated/keys.txt", {P}, {P}, 1,
        LF_DKIM_F_FIELD_COUNT | LF_DKIM_F_UNSIGNED_HEADER, NULL, NULL},
    {"lab-generated/t-over-subj.eml", "lab-generated/keys.txt", {FS}, {FS}, 1,
        LF_DKIM_F_FIELD_COUNT, NULL, NULL},
    {"lab-generated/t-l-append.eml", "lab-generated/keys.txt", {P}, {P}, 1,
        LF_DKIM_F_LENGTH | LF_DKIM_F_UNSIGNED_BODY, NULL, NULL},
};

#undef P
#undef FB
#undef FS

static const struct row *
find_row(const char *file, const char *keys)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].file, file) == 0 &&
		    strcmp(rows[i].keys, keys) == 0)
			return &rows[i];
	return NULL;
}

/* Whether the tool's word for signature i ("PASS,FAIL", "pass") is a
 * pass; -1 when it gives none. */
static int
tool_says(const char *col, size_t i)
{
	const char *p = col;

	while (i-- > 0) {
		p = strchr(p, ',');
		if (p == NULL)
			return -1;
		p++;
	}
	if (strncasecmp(p, "pass", 4) == 0)
		return 1;
	if (strncasecmp(p, "fail", 4) == 0)
		return 0;
	return -1;
}

static void
check_row(const struct row *row, const char *dkimpy, const char *opendkim,
    size_t piece)
{
	size_t mn, kn, i;
	uint8_t *msg = corpus_file(row->file, &mn);
	uint8_t *keys = corpus_file(row->keys, &kn);
	struct lf_dkim_options o;
	struct lf_dkimkeys *ks;
	struct verified v;
	bool differs_dkimpy = false, differs_opendkim = false;

	assert_int_equal(lf_dkimkeys_parse(keys, kn, 1000, &ks, NULL, NULL,
	                     NULL),
	    LF_OK);
	lf_dkim_options_default(&o);
	o.key = lf_dkimkeys_lookup;
	o.key_arg = ks;
	verify_with(msg, mn, &o, piece, &v);
	if (v.rep.count != row->nsig)
		fail_msg("%s: %zu signatures, want %zu", row->file, v.rep.count,
		    row->nsig);
	for (i = 0; i < row->nsig; i++) {
		const struct lf_dkim_result *r = &v.rep.results[i];
		int ours = r->verdict == LF_DKIM_PASS ||
		    r->verdict == LF_DKIM_PASS_WEAK;

		if (r->verdict != row->verdict[i] ||
		    r->lenient != row->lenient[i])
			fail_msg("%s with %s, signature %zu: %s/%s (%s), want "
			         "%s/%s",
			    row->file, row->keys, i,
			    lf_dkim_verdict_name(r->verdict),
			    lf_dkim_verdict_name(r->lenient),
			    r->reason != NULL ? r->reason : "-",
			    lf_dkim_verdict_name(row->verdict[i]),
			    lf_dkim_verdict_name(row->lenient[i]));
		if ((r->flags & row->flags) != row->flags)
			fail_msg("%s: flags %#x, want %#x among them",
			    row->file, r->flags, row->flags);
		differs_dkimpy |= tool_says(dkimpy, i) != ours;
		differs_opendkim |= tool_says(opendkim, i) != ours;
	}
	/* A difference from a tool must be explained, and only then. */
	if (row->nsig > 0) {
		if (differs_dkimpy != (row->why_dkimpy != NULL))
			fail_msg("%s: dkimpy says %s; explained: %s", row->file,
			    dkimpy, row->why_dkimpy);
		if (differs_opendkim != (row->why_opendkim != NULL))
			fail_msg("%s: OpenDKIM says %s; explained: %s",
			    row->file, opendkim, row->why_opendkim);
	} else {
		assert_string_equal(dkimpy, "NONE");
	}
	verified_release(&v);
	lf_dkimkeys_free(ks);
	free(msg);
	free(keys);
}

static void
corpus_expected(void **state)
{
	char path[2048], line[4096];
	FILE *f;
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/dkim/expected.tsv", corpora_dir());
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *col[5], *p = line;
		const struct row *row;
		int k;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 5; k++) {
			col[k] = p;
			p = strchr(p, '\t');
			if (p == NULL && k < 4)
				fail_msg("expected.tsv: short row %s", line);
			if (p != NULL)
				*p++ = '\0';
		}
		if ((row = find_row(col[0], col[1])) == NULL)
			fail_msg("expected.tsv row %s %s is not in the test",
			    col[0], col[1]);
		check_row(row, col[2], col[3], 4096);
		check_row(row, col[2], col[3], 1);
		n++;
	}
	fclose(f);
	assert_int_equal(n, (int)(sizeof(rows) / sizeof(rows[0])));
}

/* Findings on the corpus beyond the verdicts. */
static void
corpus_findings(void **state)
{
	size_t mn, kn;
	uint8_t *msg, *keys;
	struct verified v;
	const struct lf_dkim_result *r;

	(void)state;
	/* RFC 8463 A.3: h= oversigns From, Subject and Date, not To. */
	msg = corpus_file("rfc8463/rfc8463-appendixA3-signed.eml", &mn);
	keys = corpus_file("rfc8463/keys.txt", &kn);
	verify_keys(msg, mn, keys, kn, &v);
	r = &v.rep.results[0];
	assert_int_equal(r->key_type, LF_DKIM_KEY_ED25519);
	assert_int_equal(r->sig.alg, LF_DKIM_ED25519_SHA256);
	assert_string_equal(r->hdr[0].name, "From");
	assert_int_equal(r->hdr[0].present, 1);
	assert_int_equal(r->hdr[0].listed, 2);
	assert_true(r->hdr[0].oversigned);
	assert_true(r->hdr[1].oversigned && r->hdr[2].oversigned);
	assert_false(r->hdr[3].oversigned);
	assert_int_equal(r->hdr[3].listed, 1);
	assert_int_equal(r->flags & LF_DKIM_F_UNSIGNED_HEADER, 0);
	assert_int_equal(r->flags & LF_DKIM_F_NO_TIME, LF_DKIM_F_NO_TIME);
	assert_int_equal(r->body, LF_DKIM_CHECK_OK);
	assert_int_equal(r->header, LF_DKIM_CHECK_OK);
	r = &v.rep.results[1];
	assert_int_equal(r->key_bits, 1024);
	assert_true(r->flags & LF_DKIM_F_RSA_SHORT);
	assert_true(has(&v.seen, "dkim.rsa-short-key"));
	verified_release(&v);
	free(msg);
	free(keys);

	keys = corpus_file("lab-generated/keys.txt", &kn);
	/* l=50 and 36 canonical bytes appended past it. */
	msg = corpus_file("lab-generated/t-l-append.eml", &mn);
	verify_keys(msg, mn, keys, kn, &v);
	r = &v.rep.results[0];
	assert_int_equal(r->sig.length, 50);
	assert_int_equal(r->body_len, 86);
	assert_int_equal(r->body_unsigned, 36);
	assert_true(has(&v.seen, "dkim.unsigned-body"));
	assert_true(has(&v.seen, "dkim.body-length"));
	verified_release(&v);
	free(msg);

	/* The prepended From: signature passes, the count check fires. */
	msg = corpus_file("lab-generated/t-plain-from.eml", &mn);
	verify_keys(msg, mn, keys, kn, &v);
	r = &v.rep.results[0];
	assert_int_equal(r->hdr[0].present, 2);
	assert_int_equal(r->hdr[0].listed, 1);
	assert_int_equal(r->hdr[0].unsigned_count, 1);
	assert_false(r->hdr[0].oversigned);
	assert_true(has(&v.seen, "dkim.field-count"));
	assert_true(has(&v.seen, "dkim.unsigned-header"));
	verified_release(&v);
	free(msg);

	/* A changed body: the header signature still verifies. */
	msg = corpus_file("lab-generated/t-body.eml", &mn);
	verify_keys(msg, mn, keys, kn, &v);
	assert_int_equal(v.rep.results[0].body, LF_DKIM_CHECK_BAD);
	assert_int_equal(v.rep.results[0].header, LF_DKIM_CHECK_OK);
	verified_release(&v);
	free(msg);

	/* No key for the selector. */
	msg = corpus_file("lab-generated/s-both.eml", &mn);
	verify_keys(msg, mn, (const uint8_t *)"x._domainkey.lab.example p=", 27,
	    &v);
	want_verdict(&v, 0, LF_DKIM_NO_KEY);
	want_verdict(&v, 1, LF_DKIM_NO_KEY);
	assert_int_equal(v.rep.results[0].body, LF_DKIM_CHECK_OK);
	assert_int_equal(v.rep.results[0].header, LF_DKIM_NOT_CHECKED);
	verified_release(&v);
	free(msg);
	free(keys);
}

/* ---- dkimpy's test data ---- */

static void
dkimpy_records(void **state)
{
	static const struct {
		const char *file;
		enum lf_dkim_verdict verdict;
	} recs[] = {
	    {"dkimpy/test.txt", LF_DKIM_PASS},
	    {"dkimpy/test2.txt", LF_DKIM_PASS}, /* no k=: rsa */
	    {"dkimpy/badk.txt", LF_DKIM_KEY_MISMATCH},
	    {"dkimpy/badversion.txt", LF_DKIM_KEY_SYNTAX},
	    {"dkimpy/test_bad.txt", LF_DKIM_KEY_SYNTAX},
	    /* s=tlsrpt: not for email (RFC 6376 3.6.1 s=, RFC 8460). */
	    {"dkimpy/test_tlsrpt.txt", LF_DKIM_KEY_MISMATCH},
	};
	size_t mn, kn, i;
	uint8_t *msg = corpus_file("dkimpy/rfc6376.signed.rsa.msg", &mn);
	struct verified v;
	struct onekey k;

	(void)state;
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		char *txt = (char *)corpus_file(recs[i].file, &kn);

		txt[strcspn(txt, "\r\n")] = '\0';
		memset(&k, 0, sizeof(k));
		k.txt = txt;
		verify_one_key(msg, mn, &k, &v);
		assert_string_equal(k.name,
		    "test._domainkey.football."
		    "example.com");
		want_verdict(&v, 0, recs[i].verdict);
		verified_release(&v);
		free(txt);
	}
	/* dkimpy's dnsfunc5: a 512-bit key (RFC 8301 3.2: under 1024). */
	memset(&k, 0, sizeof(k));
	k.txt = "k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANmBe10IgY+u7h3enWT"
	        "ukkqtUD5PR52Tb/mPfjC0QJTocVBq6Za/PlzfV+Py92VaCak19F4WrbVTK5"
	        "Gg5tW220MCAwEAAQ==";
	verify_one_key(msg, mn, &k, &v);
	want_verdict(&v, 0, LF_DKIM_KEY_TOO_SMALL);
	assert_int_equal(v.rep.results[0].key_bits, 512);
	verified_release(&v);
	/* An RSA record for an ed25519 signature and back. */
	free(msg);
	msg = corpus_file("dkimpy/rfc6376.signed.msg", &mn);
	k.txt = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaP"
	        "cHURo=";
	verify_one_key(msg, mn, &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	want_verdict(&v, 1, LF_DKIM_KEY_MISMATCH);
	verified_release(&v);
	free(msg);
}

/* test.message.baddomain: d=legitimate.com(.attacker.com must fail, and
 * no key may be looked up under attacker.com. */
static void
dkimpy_baddomain(void **state)
{
	size_t mn, kn;
	uint8_t *msg = corpus_file("dkimpy/test.message.baddomain", &mn);
	char *txt = (char *)corpus_file("dkimpy/test.txt", &kn);
	struct verified v;
	struct onekey k;

	(void)state;
	txt[strcspn(txt, "\r\n")] = '\0';
	memset(&k, 0, sizeof(k));
	k.txt = txt;
	verify_one_key(msg, mn, &k, &v);
	want_verdict(&v, 0, LF_DKIM_SIG_SYNTAX);
	assert_non_null(strstr(v.rep.results[0].reason, "d="));
	assert_int_equal(k.lookups, 0);
	verified_release(&v);
	free(msg);
	free(txt);
}

/* ---- Signed here by dkimpy ---- */

static char tmpdir[] = "/tmp/lf-dkim-XXXXXX";

static const char sign_script[] =
    "import sys, base64, dkim\n"
    "from dkim.canonicalization import CanonicalizationPolicy\n"
    "msg = open(sys.argv[1], 'rb').read()\n"
    "key = open(sys.argv[2], 'rb').read().strip()\n"
    "sel, dom, alg, c = [a.encode() for a in sys.argv[3:7]]\n"
    "t, x, length = sys.argv[7], sys.argv[8], sys.argv[9] == '1'\n"
    "if t == '-':\n"
    "    sig = dkim.sign(msg, sel, dom, key, signature_algorithm=alg,\n"
    "        canonicalize=tuple(c.split(b'/')), length=length)\n"
    "else:\n"
    "    d = dkim.DKIM(msg, signature_algorithm=alg)\n"
    "    if alg == b'ed25519-sha256':\n"
    "        import nacl.signing, nacl.encoding\n"
    "        pk = nacl.signing.SigningKey(key,\n"
    "            encoder=nacl.encoding.Base64Encoder)\n"
    "    else:\n"
    "        pk = dkim.crypto.parse_pem_private_key(key)\n"
    "    pol = CanonicalizationPolicy.from_c_value(c)\n"
    "    inc = tuple(h.lower() for h in d.default_sign_headers())\n"
    "    d.hasher = dkim.HASH_ALGORITHMS[alg]\n"
    "    bh = base64.b64encode(d.hasher(pol.canonicalize_body(d.body))\n"
    "        .digest())\n"
    "    f = [(b'v', b'1'), (b'a', alg), (b'c', c), (b'd', dom),\n"
    "        (b's', sel), (b't', t.encode()), (b'x', x.encode()),\n"
    "        (b'h', b' : '.join(inc)), (b'bh', bh), (b'b', b'0' * 60)]\n"
    "    sig = b'DKIM-Signature: ' + d.gen_header(f, inc, pol,\n"
    "        b'DKIM-Signature', pk)\n"
    "sys.stdout.buffer.write(sig + msg)\n";

static const char test_message[] = "From: Alice <alice@example.org>\r\n"
                                   "To: Bob <bob@example.net>\r\n"
                                   "Subject: interop  test\r\n"
                                   "  folded\r\n"
                                   "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
                                   "Message-ID: <interop@example.org>\r\n"
                                   "\r\n"
                                   "Hello,  with   blanks \t\r\n"
                                   "\r\n"
                                   "and trailing empty lines.\r\n"
                                   "\r\n"
                                   "\r\n";

static const char *
python(void)
{
	/* Debian's dkim is in the system Python, not in any other one
	 * that may come first on PATH. */
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" :
	                                               "python3";
}

static int
interop_setup(void **state)
{
	char cmd[4096];
	FILE *f;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd),
	    "cd %s && openssl genpkey -algorithm RSA -pkeyopt "
	    "rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null && "
	    "openssl pkey -in rsa.pem -pubout -outform DER | base64 -w0 "
	    ">rsa.p && "
	    "openssl rsa -in rsa.pem -RSAPublicKey_out -outform DER "
	    "2>/dev/null | base64 -w0 >rsa1.p && "
	    "openssl genpkey -algorithm ED25519 -out ed.pem && "
	    "openssl pkey -in ed.pem -outform DER | tail -c 32 | base64 -w0 "
	    ">ed.seed && "
	    "openssl pkey -in ed.pem -pubout -outform DER | tail -c 32 | "
	    "base64 -w0 >ed.p",
	    tmpdir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/msg.eml", tmpdir);
	if ((f = fopen(cmd, "wb")) == NULL)
		return -1;
	fputs(test_message, f);
	fclose(f);
	setenv("LF_DKIM_SIGN_SCRIPT", sign_script, 1);
	return 0;
}

static int
interop_teardown(void **state)
{
	(void)state;
	return remove_tree(tmpdir);
}

/* A message signed by dkimpy; *n its length. */
static uint8_t *
dkimpy_sign(const char *msgfile, const char *keyfile, const char *alg,
    const char *canon, const char *t, const char *x, bool length, size_t *n)
{
	char cmd[4096];
	uint8_t *p = NULL;
	size_t cap = 0, len = 0, got;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
	    "%s -c \"$LF_DKIM_SIGN_SCRIPT\" '%s' '%s' sel example.org %s %s "
	    "%s %s %d",
	    python(), msgfile, keyfile, alg, canon, t, x, length);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run %s", cmd);
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			p = realloc(p, cap);
			assert_non_null(p);
		}
		if ((got = fread(p + len, 1, cap - len, f)) == 0)
			break;
		len += got;
	}
	if (pclose(f) != 0 || len == 0)
		fail_msg("dkimpy signing failed (is python3-dkim installed?): "
		         "%s",
		    cmd);
	*n = len;
	return p;
}

static char *
key_record(const char *type, const char *pfile)
{
	char path[1200], *rec;
	size_t n;
	uint8_t *p;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, pfile);
	p = slurp(path, &n);
	rec = malloc(n + 64);
	assert_non_null(rec);
	snprintf(rec, n + 64, "v=DKIM1; k=%s; p=%s", type, (char *)p);
	free(p);
	return rec;
}

/* The message with every CRLF made a bare LF, as stored mail has it. */
static size_t
to_lf(uint8_t *p, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
			p[w++] = p[i];
	return w;
}

static void
interop_dkimpy(void **state)
{
	static const char *const canons[] = {"relaxed/relaxed", "simple/simple",
	    "relaxed/simple", "simple/relaxed"};
	char msgfile[1200], keyfile[1200];
	size_t c, a, n;
	struct verified v;

	(void)state;
	snprintf(msgfile, sizeof(msgfile), "%s/msg.eml", tmpdir);
	for (a = 0; a < 2; a++) {
		const char *alg = a == 0 ? "rsa-sha256" : "ed25519-sha256";
		char *rec = a == 0 ? key_record("rsa", "rsa.p") :
		                     key_record("ed25519", "ed.p");
		struct onekey k = {rec, 0, ""};

		snprintf(keyfile, sizeof(keyfile), "%s/%s", tmpdir,
		    a == 0 ? "rsa.pem" : "ed.seed");
		for (c = 0; c < 4; c++) {
			uint8_t *m = dkimpy_sign(msgfile, keyfile, alg,
			    canons[c], "-", "-", false, &n);

			verify_one_key(m, n, &k, &v);
			assert_int_equal(v.rep.count, 1);
			want_verdict(&v, 0, LF_DKIM_PASS);
			assert_string_equal(k.name,
			    "sel._domainkey.example.org");
			assert_int_equal(v.rep.results[0].key_bits,
			    a == 0 ? 2048 : 256);
			assert_int_equal(v.rep.results[0].flags &
			        ~(unsigned)LF_DKIM_F_NO_TIME,
			    0);
			verified_release(&v);
			/* Stored with bare LFs: still verifies. */
			n = to_lf(m, n);
			verify_one_key(m, n, &k, &v);
			want_verdict(&v, 0, LF_DKIM_PASS);
			verified_release(&v);
			/* One byte changed in the body. */
			m[n - 5] ^= 1;
			verify_one_key(m, n, &k, &v);
			want_verdict(&v, 0, LF_DKIM_FAIL_BODY_HASH);
			assert_int_equal(v.rep.results[0].header,
			    LF_DKIM_CHECK_OK);
			verified_release(&v);
			free(m);
		}
		free(rec);
	}
}

/* The RSA key as PKCS#1 RSAPublicKey, which dkimpy also accepts. */
static void
interop_pkcs1(void **state)
{
	char msgfile[1200], keyfile[1200];
	char *rec = key_record("rsa", "rsa1.p");
	struct onekey k = {rec, 0, ""};
	struct verified v;
	uint8_t *m;
	size_t n;

	(void)state;
	snprintf(msgfile, sizeof(msgfile), "%s/msg.eml", tmpdir);
	snprintf(keyfile, sizeof(keyfile), "%s/rsa.pem", tmpdir);
	m = dkimpy_sign(msgfile, keyfile, "rsa-sha256", "relaxed/simple", "-",
	    "-", false, &n);
	verify_one_key(m, n, &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	verified_release(&v);
	/* rsa-sha1 verifies, weak (RFC 8301 3.1). */
	free(m);
	m = dkimpy_sign(msgfile, keyfile, "rsa-sha1", "relaxed/simple", "-",
	    "-", false, &n);
	verify_one_key(m, n, &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS_WEAK);
	assert_true(v.rep.results[0].flags & LF_DKIM_F_SHA1);
	assert_true(has(&v.seen, "dkim.rsa-sha1"));
	verified_release(&v);
	free(m);
	free(rec);
}

/* dkimpy's own RSA test keys, PKCS#1 and PKCS#8 private keys, and their
 * public halves as SubjectPublicKeyInfo and RSAPublicKey. */
static void
interop_dkimpy_keys(void **state)
{
	static const struct {
		const char *priv, *pub;
		unsigned bits;
	} keys[] = {
	    {"1024_testkey.key", "1024_testkey_wo_markers.pub.txt", 1024},
	    {"1024_testkey.key", "1024_testkey_wo_markers.pub.rsa.txt", 1024},
	    {"2048_testkey.key", "2048_testkey_wo_markers.pub.txt", 2048},
	    {"2048_testkey.key", "2048_testkey_wo_markers.pub.rsa.txt", 2048},
	    {"2048_testkey_PKCS8.key", "2048_testkey_PKCS8.key.pub.txt", 2048},
	};
	char msgfile[1200], keyfile[2048], pubfile[256];
	struct verified v;
	size_t i, n, kn;

	(void)state;
	snprintf(msgfile, sizeof(msgfile), "%s/msg.eml", tmpdir);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *txt;
		struct onekey k;
		uint8_t *m;

		snprintf(keyfile, sizeof(keyfile), "%s/dkim/dkimpy/%s",
		    corpora_dir(), keys[i].priv);
		snprintf(pubfile, sizeof(pubfile), "dkimpy/%s", keys[i].pub);
		txt = (char *)corpus_file(pubfile, &kn);
		txt[strcspn(txt, "\r\n")] = '\0';
		memset(&k, 0, sizeof(k));
		k.txt = txt;
		m = dkimpy_sign(msgfile, keyfile, "rsa-sha256", "simple/simple",
		    "-", "-", false, &n);
		verify_one_key(m, n, &k, &v);
		want_verdict(&v, 0, LF_DKIM_PASS);
		assert_int_equal(v.rep.results[0].key_bits, keys[i].bits);
		verified_release(&v);
		free(m);
		free(txt);
	}
}

/* l=: text appended past it still passes, and is counted. */
static void
interop_length(void **state)
{
	char msgfile[1200], keyfile[1200];
	char *rec = key_record("ed25519", "ed.p");
	struct onekey k = {rec, 0, ""};
	struct verified v;
	uint8_t *m;
	size_t n;

	(void)state;
	snprintf(msgfile, sizeof(msgfile), "%s/msg.eml", tmpdir);
	snprintf(keyfile, sizeof(keyfile), "%s/ed.seed", tmpdir);
	m = dkimpy_sign(msgfile, keyfile, "ed25519-sha256", "relaxed/relaxed",
	    "-", "-", true, &n);
	verify_one_key(m, n, &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	assert_true(v.rep.results[0].flags & LF_DKIM_F_LENGTH);
	assert_int_equal(v.rep.results[0].body_unsigned, 0);
	assert_int_equal(v.rep.results[0].body_len,
	    v.rep.results[0].sig.length);
	verified_release(&v);
	m = realloc(m, n + 32);
	assert_non_null(m);
	memcpy(m + n, "Click here\r\n", 12);
	verify_one_key(m, n + 12, &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	/* The two empty lines that ended the body are no longer trailing:
	 * 4 canonical bytes more, and the 12 added. */
	assert_int_equal(v.rep.results[0].body_unsigned, 16);
	assert_true(v.rep.results[0].flags & LF_DKIM_F_UNSIGNED_BODY);
	verified_release(&v);
	free(m);
	free(rec);
}

/* x= and t= judged at the time passed, never the wall clock. */
static void
interop_time(void **state)
{
	char msgfile[1200], keyfile[1200];
	char *rec = key_record("rsa", "rsa.p");
	struct onekey k = {rec, 0, ""};
	struct lf_dkim_options o;
	struct verified v;
	uint8_t *m;
	size_t n;

	(void)state;
	snprintf(msgfile, sizeof(msgfile), "%s/msg.eml", tmpdir);
	snprintf(keyfile, sizeof(keyfile), "%s/rsa.pem", tmpdir);
	/* Signed 2001-09-09 01:46:40, expiring a day later. */
	m = dkimpy_sign(msgfile, keyfile, "rsa-sha256", "relaxed/relaxed",
	    "1000000000", "1000086400", false, &n);
	lf_dkim_options_default(&o);
	o.key = onekey_lookup;
	o.key_arg = &k;
	o.has_time = true;
	o.clock_skew = 0;

	o.time = 1000050000; /* before expiry */
	verify_with(m, n, &o, 100, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	assert_int_equal(v.rep.results[0].flags &
	        (LF_DKIM_F_EXPIRED | LF_DKIM_F_NO_TIME),
	    0);
	verified_release(&v);

	o.time = 1000086401; /* after */
	verify_with(m, n, &o, 100, &v);
	want_verdict(&v, 0, LF_DKIM_EXPIRED);
	assert_true(v.rep.results[0].flags & LF_DKIM_F_EXPIRED);
	assert_int_equal(v.rep.results[0].header, LF_DKIM_CHECK_OK);
	verified_release(&v);

	o.clock_skew = 300; /* within the skew */
	verify_with(m, n, &o, 100, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	verified_release(&v);

	o.time = 999990000; /* before t=, past the skew */
	verify_with(m, n, &o, 100, &v);
	want_verdict(&v, 0, LF_DKIM_FUTURE);
	verified_release(&v);

	o.has_time = false; /* not judged, and said so */
	verify_with(m, n, &o, 100, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	assert_true(v.rep.results[0].flags & LF_DKIM_F_NO_TIME);
	verified_release(&v);
	free(m);
	free(rec);
}

/*
 * Signed here with the openssl command over data written out by hand
 * from RFC 6376 3.7: b= in the middle of the field, blanks around its
 * value, which is deleted "including all surrounding whitespace".
 */
static void
interop_openssl_b_cut(void **state)
{
	static const char body[] = "body  \r\n\r\n";
	char path[1200], cmd[4096], bh[64], b64[1024], head[600];
	char *msg;
	uint8_t md[32], *sig;
	size_t n;
	FILE *f;
	char *rec = key_record("rsa", "rsa.p");
	struct onekey k = {rec, 0, ""};
	struct verified v;

	(void)state;
	/* The relaxed body is "body\r\n". */
	EVP_Digest("body\r\n", 6, md, NULL, EVP_sha256(), NULL);
	EVP_EncodeBlock((unsigned char *)bh, md, 32);
	snprintf(head, sizeof(head),
	    "from:a@example.org\r\n"
	    "dkim-signature:v=1; a=rsa-sha256; c=relaxed/relaxed; "
	    "d=example.org; s=sel; b=; h=from; bh=%s",
	    bh);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	assert_non_null(f = fopen(path, "wb"));
	fputs(head, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "openssl dgst -sha256 -sign %s/rsa.pem -out %s/sig %s", tmpdir,
	    tmpdir, path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/sig", tmpdir);
	sig = slurp(path, &n);
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)n);
	free(sig);
	msg = malloc(4096);
	assert_non_null(msg);
	snprintf(msg, 4096,
	    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
	    "d=example.org; s=sel;\r\n b= %s ;\r\n h=from; bh=%s\r\n"
	    "From: a@example.org\r\n\r\n%s",
	    b64, bh, body);
	verify_one_key((const uint8_t *)msg, strlen(msg), &k, &v);
	want_verdict(&v, 0, LF_DKIM_PASS);
	verified_release(&v);
	free(msg);
	free(rec);
}

/* ---- Hostile headers ---- */

static void
too_many_signatures(void **state)
{
	static const char sig[] = "DKIM-Signature: v=1; a=rsa-sha256; "
	                          "d=e.com; s=s; h=from; bh=AAAA; b=AAAA\r\n";
	static const char tail[] = "From: a@e.com\r\n\r\nbody\r\n";
	char *m = malloc(sizeof(sig) * 40 + sizeof(tail));
	struct onekey k = {NULL, 0, ""};
	struct verified v;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 40; i++)
		memcpy(m + i * (sizeof(sig) - 1), sig, sizeof(sig) - 1);
	memcpy(m + 40 * (sizeof(sig) - 1), tail, sizeof(tail));
	verify_one_key((const uint8_t *)m, strlen(m), &k, &v);
	assert_int_equal(v.rep.count, 16);
	assert_int_equal(v.rep.signatures, 40);
	assert_int_equal(k.lookups, 16);
	want_verdict(&v, 15, LF_DKIM_NO_KEY);
	assert_true(has(&v.seen, "dkim.too-many-signatures"));
	verified_release(&v);
	free(m);
}

/* Names in h= that no field has sign as nothing; a line without a colon
 * is no field; the signature never selects itself. */
static void
header_selection(void **state)
{
	static const char block[] = "From\r\n"
	                            "From: a@e.com\r\n"
	                            "DKIM-Signature: v=1; a=rsa-sha256; "
	                            "d=e.com; s=s; c=relaxed;\r\n"
	                            " h=from:from:x-none:dkim-signature; "
	                            "bh=AAAA; b=AAAA\r\n"
	                            "\r\n";
	struct onekey k = {"v=DKIM1; p=", 0, ""};
	struct verified v;
	const struct lf_dkim_result *r;

	(void)state;
	verify_one_key(S(block), &k, &v);
	want_verdict(&v, 0, LF_DKIM_KEY_REVOKED);
	r = &v.rep.results[0];
	assert_int_equal(r->hdr[0].present, 1);
	assert_int_equal(r->hdr[0].listed, 2);
	assert_true(r->hdr[0].oversigned);
	assert_int_equal(r->hdr[1].present, 0);
	assert_false(r->hdr[1].oversigned);
	/* c=relaxed is relaxed/simple: the empty body is one CRLF. */
	assert_int_equal(r->body, LF_DKIM_CHECK_BAD);
	assert_int_equal(r->body_len, 2); /* simple: CRLF */
	verified_release(&v);
}

static void
verify_failalloc(void **state)
{
	size_t mn, kn;
	uint8_t *msg = corpus_file("lab-generated/s-both.eml", &mn);
	uint8_t *keys = corpus_file("lab-generated/keys.txt", &kn);
	struct lf_dkimkeys *ks;
	struct lf_dkim_options o;
	struct lf_hblock hb;
	struct lf_error err;
	long n;
	int rc;

	(void)state;
	assert_int_equal(lf_hblock_parse(msg, mn, 100, &hb, NULL, NULL, NULL),
	    LF_OK);
	for (n = 0;; n++) {
		struct lf_dkim_verify *v = NULL;
		struct lf_dkim_report rep = {NULL, 99, 0};

		ks = NULL;
		failalloc_after(n);
		rc = lf_dkimkeys_parse(keys, kn, 100, &ks, NULL, NULL, &err);
		if (rc == LF_OK) {
			lf_dkim_options_default(&o);
			o.key = lf_dkimkeys_lookup;
			o.key_arg = ks;
			rc = lf_dkim_verify_new(&hb, &o, NULL, NULL, &v, &err);
		}
		if (rc == LF_OK)
			rc = lf_dkim_verify_body(v, msg + hb.body_offset,
			    mn - hb.body_offset, &err);
		if (rc == LF_OK)
			rc = lf_dkim_verify_finish(v, &rep, &err);
		failalloc_off();
		lf_dkim_verify_free(v);
		lf_dkimkeys_free(ks);
		if (rc == LF_OK) {
			assert_int_equal(rep.count, 2);
			assert_int_equal(rep.results[1].verdict, LF_DKIM_PASS);
			lf_dkim_report_release(&rep);
			break;
		}
		/* OpenSSL reports its own allocation failures as its own. */
		assert_true(rc == LF_E_NOMEM || rc == LF_E_CRYPTO);
		assert_int_equal(rep.count, 99);
		assert_true(n < 100000);
	}
	lf_hblock_release(&hb);
	free(msg);
	free(keys);
}

/* ---- The key file ---- */

static void
keyfile_forms(void **state)
{
	static const char file[] =
	    "# comment\n"
	    "\n"
	    "a._domainkey.Example.COM.  v=DKIM1; k=rsa; p=AB \r\n"
	    "b._domainkey.example.com\t\"v=DKIM1; k=ed25519; \" \"p=CD\\\"\\059"
	    "\"\n"
	    "a._domainkey.example.com second\n"
	    "lonely._domainkey.example.com\n"
	    "c._domainkey.example.com \"unterminated\n"
	    "d._domainkey.example.com \"a\" junk";
	struct lf_dkimkeys *k;
	struct seen s;
	const uint8_t *txt;
	size_t len;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(lf_dkimkeys_parse(S(file), 100, &k, collect, &s, NULL),
	    LF_OK);
	assert_int_equal(lf_dkimkeys_count(k), 2);
	assert_int_equal(lf_dkimkeys_lookup(k, "A._DOMAINKEY.example.com", &txt,
	                     &len),
	    1);
	assert_int_equal(len, strlen("v=DKIM1; k=rsa; p=AB"));
	assert_memory_equal(txt, "v=DKIM1; k=rsa; p=AB", len);
	assert_int_equal(lf_dkimkeys_lookup(k, "b._domainkey.example.com.",
	                     &txt, &len),
	    1);
	assert_int_equal(len, strlen("v=DKIM1; k=ed25519; p=CD\";"));
	assert_memory_equal(txt, "v=DKIM1; k=ed25519; p=CD\";", len);
	assert_int_equal(lf_dkimkeys_lookup(k, "c._domainkey.example.com", &txt,
	                     &len),
	    0);
	assert_int_equal(lf_dkimkeys_lookup(k, "example.com", &txt, &len), 0);
	assert_true(has(&s, "dkimkeys.duplicate"));
	assert_true(has(&s, "dkimkeys.no-text"));
	assert_true(has(&s, "dkimkeys.bad-quote"));
	lf_dkimkeys_free(k);

	memset(&s, 0, sizeof(s));
	assert_int_equal(lf_dkimkeys_parse(S(file), 1, &k, collect, &s, NULL),
	    LF_OK);
	assert_int_equal(lf_dkimkeys_count(k), 1);
	assert_true(has(&s, "dkimkeys.limit"));
	lf_dkimkeys_free(k);
	assert_int_equal(lf_dkimkeys_parse(S(""), 1, &k, NULL, NULL, NULL),
	    LF_OK);
	assert_int_equal(lf_dkimkeys_lookup(k, "x", &txt, &len), 0);
	lf_dkimkeys_free(k);
	lf_dkimkeys_free(NULL);
	assert_int_equal(lf_dkimkeys_parse(NULL, 1, 1, &k, NULL, NULL, NULL),
	    LF_E_INVAL);
}

/* Every key file of the corpus reads, OpenDKIM's odd lines included. */
static void
keyfile_corpus(void **state)
{
	static const struct {
		const char *file;
		size_t count;
	} files[] = {
	    {"rfc8463/keys.txt", 2},
	    {"dkimpy/keys-exim.txt", 1},
	    {"opendkim/keys-dkim-only.txt", 3},
	    {"opendkim/pubkeys.txt", 7},
	    {"lab-generated/keys.txt", 3},
	    {"lab-generated/keys-nohash.txt", 3},
	};
	struct lf_dkimkeys *k;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		uint8_t *p = corpus_file(files[i].file, &n);

		assert_int_equal(lf_dkimkeys_parse(p, n, 100, &k, NULL, NULL,
		                     NULL),
		    LF_OK);
		free(p); /* the key set holds its own copy */
		if (lf_dkimkeys_count(k) != files[i].count)
			fail_msg("%s: %zu records", files[i].file,
			    lf_dkimkeys_count(k));
		lf_dkimkeys_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tags_grammar),
	    cmocka_unit_test(tags_errors),
	    cmocka_unit_test(tags_failalloc),
	    cmocka_unit_test(sig_form),
	    cmocka_unit_test(sig_values),
	    cmocka_unit_test(sig_limits),
	    cmocka_unit_test(key_corpus_records),
	    cmocka_unit_test(key_records),
	    cmocka_unit_test(canon_vectors),
	    cmocka_unit_test(canon_more),
	    cmocka_unit_test(canon_empty_body_hashes),
	    cmocka_unit_test(canon_cut),
	    cmocka_unit_test(corpus_expected),
	    cmocka_unit_test(corpus_findings),
	    cmocka_unit_test(dkimpy_records),
	    cmocka_unit_test(dkimpy_baddomain),
	    cmocka_unit_test(interop_dkimpy),
	    cmocka_unit_test(interop_pkcs1),
	    cmocka_unit_test(interop_dkimpy_keys),
	    cmocka_unit_test(interop_length),
	    cmocka_unit_test(interop_time),
	    cmocka_unit_test(interop_openssl_b_cut),
	    cmocka_unit_test(too_many_signatures),
	    cmocka_unit_test(header_selection),
	    cmocka_unit_test(verify_failalloc),
	    cmocka_unit_test(keyfile_forms),
	    cmocka_unit_test(keyfile_corpus),
	};

	return cmocka_run_group_tests(tests, interop_setup, interop_teardown);
}
