/*
 * Unit tests: lf_arc (ARC chain validation, RFC 8617).
 *
 * The corpus messages sealed by dkimpy (shared/corpora/dkim/lab-generated)
 * and chains of one to three sets sealed here by dkimpy's arc_sign (Debian
 * python3-dkim, python3-authres) with a key openssl makes here; then the
 * chains broken on purpose: a field changed, a set removed, a set
 * doubled, an instance out of range, a cv= out of place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpora.h"
#include "failalloc.h"
#include "lf/arc.h"
#include "lf/dkimkeys.h"
#include "tmptree.h"

struct seen {
	char codes[1024];
};

static void
collect(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	snprintf(s->codes + len, sizeof(s->codes) - len, "%s ", a->code);
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
		if ((got = fread(p + len, 1, cap - len, f)) == 0)
			break;
		len += got;
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

struct arc_run {
	struct lf_hblock hb;
	struct lf_arc_report rep;
	struct seen seen;
};

static void
arc_run(const uint8_t *msg, size_t n, const uint8_t *keys, size_t kn,
    struct arc_run *out)
{
	struct lf_dkimkeys *ks;
	struct lf_dkim_options o;
	struct lf_arc_verify *v;
	struct lf_error err;
	size_t off;

	memset(out, 0, sizeof(*out));
	assert_int_equal(lf_dkimkeys_parse(keys, kn, 100, &ks, NULL, NULL,
	                     NULL),
	    LF_OK);
	lf_dkim_options_default(&o);
	o.key = lf_dkimkeys_lookup;
	o.key_arg = ks;
	assert_int_equal(lf_hblock_parse(msg, n, 1000, &out->hb, NULL, NULL,
	                     NULL),
	    LF_OK);
	if (lf_arc_verify_new(&out->hb, &o, collect, &out->seen, &v, &err) !=
	    LF_OK)
		fail_msg("arc new: %s", err.msg);
	for (off = out->hb.body_offset; off < n; off += 5)
		assert_int_equal(lf_arc_verify_body(v, msg + off,
		                     n - off < 5 ? n - off : 5, NULL),
		    LF_OK);
	if (lf_arc_verify_finish(v, &out->rep, &err) != LF_OK)
		fail_msg("arc finish: %s", err.msg);
	assert_int_equal(lf_arc_verify_finish(v, &out->rep, NULL), LF_E_INVAL);
	lf_arc_verify_free(v);
	lf_dkimkeys_free(ks);
}

static void
arc_release(struct arc_run *r)
{
	lf_arc_report_release(&r->rep);
	lf_hblock_release(&r->hb);
}

static void
want_cv(const struct arc_run *r, enum lf_arc_cv cv, const char *reason)
{
	if (r->rep.cv != cv ||
	    (reason != NULL &&
	        (r->rep.reason == NULL ||
	            strstr(r->rep.reason, reason) == NULL)))
		fail_msg("cv=%s (%s), want cv=%s (%s)",
		    lf_arc_cv_name(r->rep.cv),
		    r->rep.reason != NULL ? r->rep.reason : "-",
		    lf_arc_cv_name(cv), reason != NULL ? reason : "-");
}

/* The corpus: arc-api.eml passes, t-arc.eml (Subject changed after
 * sealing) fails on its message signature, as dkimpy says; arc-cli.eml,
 * from dkimpy's arcsign command (mixed line ends), fails on its seal, as
 * dkimpy says too. */
static void
corpus(void **state)
{
	static const struct {
		const char *file;
		enum lf_arc_cv cv;
		const char *reason;
		enum lf_dkim_verdict ams, seal;
	} cases[] = {
	    {"lab-generated/arc-api.eml", LF_ARC_PASS, NULL, LF_DKIM_PASS,
	        LF_DKIM_PASS},
	    {"lab-generated/t-arc.eml", LF_ARC_FAIL, "Message-Signature",
	        LF_DKIM_FAIL_SIGNATURE, LF_DKIM_PASS},
	    {"lab-generated/arc-cli.eml", LF_ARC_FAIL, "ARC-Seal", LF_DKIM_PASS,
	        LF_DKIM_FAIL_SIGNATURE},
	    {"lab-generated/s-both.eml", LF_ARC_NONE, NULL, 0, 0},
	};
	size_t i, mn, kn;
	uint8_t *keys = corpus_file("lab-generated/keys.txt", &kn);
	struct arc_run r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *msg = corpus_file(cases[i].file, &mn);

		arc_run(msg, mn, keys, kn, &r);
		want_cv(&r, cases[i].cv, cases[i].reason);
		if (cases[i].cv != LF_ARC_NONE) {
			assert_int_equal(r.rep.nsets, 1);
			assert_int_equal(r.rep.sets[0].instance, 1);
			assert_int_equal(r.rep.sets[0].cv, LF_ARC_NONE);
			assert_int_equal(r.rep.sets[0].ams_verdict,
			    cases[i].ams);
			assert_int_equal(r.rep.sets[0].seal_verdict,
			    cases[i].seal);
			assert_memory_equal(r.rep.sets[0].seal_d.p,
			    "lab.example", 11);
		} else {
			assert_int_equal(r.rep.nsets, 0);
			assert_null(r.rep.sets);
		}
		arc_release(&r);
		free(msg);
	}
	free(keys);
}

static char tmpdir[] = "/tmp/lf-arc-XXXXXX";
static uint8_t *keyfile;
static size_t keyfile_len;

static const char seal_script[] =
    "import sys, dkim\n"
    "msg = open(sys.argv[1], 'rb').read()\n"
    "key = open(sys.argv[2], 'rb').read()\n"
    "for i in range(1, int(sys.argv[3]) + 1):\n"
    "    msg = (b'Authentication-Results: mx%d.example.org; dkim=pass '\n"
    "        b'header.d=example.org%s\\r\\n' % (i, b'; arc=pass' if i > 1\n"
    "        else b'')) + msg\n"
    "    msg = b''.join(dkim.arc_sign(msg, b'arc', b'example.org', key,\n"
    "        b'mx%d.example.org' % i, timestamp=1700000000 + i)) + msg\n"
    "sys.stdout.buffer.write(msg)\n";

static const char message[] = "From: Alice <alice@example.org>\r\n"
                              "To: list@example.net\r\n"
                              "Subject: sealed\r\n"
                              "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
                              "\r\n"
                              "Forwarded  through a list.\r\n";

static int
setup(void **state)
{
	char cmd[2048], path[1100];
	FILE *f;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd),
	    "cd %s && openssl genpkey -algorithm RSA -pkeyopt "
	    "rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null && "
	    "printf 'arc._domainkey.example.org v=DKIM1; k=rsa; p=%%s\\n' "
	    "\"$(openssl pkey -in rsa.pem -pubout -outform DER | base64 -w0)\""
	    " >keys.txt",
	    tmpdir);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/keys.txt", tmpdir);
	keyfile = slurp(path, &keyfile_len);
	snprintf(path, sizeof(path), "%s/msg.eml", tmpdir);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fputs(message, f);
	fclose(f);
	setenv("LF_ARC_SEAL_SCRIPT", seal_script, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(keyfile);
	return remove_tree(tmpdir);
}

/* The message sealed sets times by dkimpy; *n its length. */
static char *
sealed(int sets, size_t *n)
{
	char cmd[2048];
	char *p = NULL;
	size_t cap = 0, len = 0, got;
	FILE *f;
	const char *py = access("/usr/bin/python3", X_OK) == 0 ?
	    "/usr/bin/python3" :
	    "python3";

	snprintf(cmd, sizeof(cmd),
	    "%s -c \"$LF_ARC_SEAL_SCRIPT\" '%s/msg.eml' '%s/rsa.pem' %d", py,
	    tmpdir, tmpdir, sets);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run %s", cmd);
	for (;;) {
		if (len + 1 >= cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			p = realloc(p, cap);
			assert_non_null(p);
		}
		if ((got = fread(p + len, 1, cap - len - 1, f)) == 0)
			break;
		len += got;
	}
	if (pclose(f) != 0 || len == 0)
		fail_msg("dkimpy arc_sign failed (are python3-dkim and "
		         "python3-authres installed?)");
	p[len] = '\0';
	*n = len;
	return p;
}

static void
check(const char *msg, size_t n, enum lf_arc_cv cv, const char *reason,
    size_t nsets)
{
	struct arc_run r;

	arc_run((const uint8_t *)msg, n, keyfile, keyfile_len, &r);
	want_cv(&r, cv, reason);
	assert_int_equal(r.rep.nsets, nsets);
	arc_release(&r);
}

/* Replace the first occurrence of from by to in m (to no longer). */
static size_t
edit(char *m, size_t n, const char *from, const char *to)
{
	char *at = strstr(m, from);
	size_t fl = strlen(from), tl = strlen(to);

	if (at == NULL)
		fail_msg("no \"%s\" in the message", from);
	assert_true(tl <= fl);
	memcpy(at, to, tl);
	memmove(at + tl, at + fl, n - (size_t)(at - m) - fl + 1);
	return n - fl + tl;
}

static void
chains(void **state)
{
	size_t n, k;
	char *m;
	struct arc_run r;

	(void)state;
	for (k = 1; k <= 3; k++) {
		m = sealed((int)k, &n);
		arc_run((const uint8_t *)m, n, keyfile, keyfile_len, &r);
		want_cv(&r, LF_ARC_PASS, NULL);
		assert_int_equal(r.rep.nsets, k);
		assert_int_equal(r.rep.sets[k - 1].cv,
		    k == 1 ? LF_ARC_NONE : LF_ARC_PASS);
		assert_int_equal(r.rep.sets[k - 1].seal_verdict, LF_DKIM_PASS);
		arc_release(&r);
		free(m);
	}
}

static void
broken_chains(void **state)
{
	size_t n, n2;
	char *m, *copy;

	(void)state;
	m = sealed(2, &n);
	copy = malloc(n + 1);
	assert_non_null(copy);

	/* The body changed: the newest message signature fails. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "Forwarded  through", "Forwarded  thru");
	check(copy, n2, LF_ARC_FAIL, "Message-Signature", 2);

	/* An older ARC-Authentication-Results changed: the seals fail. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "i=1; mx1.example.org", "i=1; mx9.example.org");
	check(copy, n2, LF_ARC_FAIL, "ARC-Seal", 2);

	/* The newest set's AAR gone: incomplete. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "ARC-Authentication-Results: i=2",
	    "X-Old-Results: i=2");
	check(copy, n2, LF_ARC_FAIL, "incomplete", 0);

	/* Two AARs claim i=1. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "ARC-Authentication-Results: i=2",
	    "ARC-Authentication-Results: i=1");
	check(copy, n2, LF_ARC_FAIL, "two ARC fields", 0);

	/* An instance out of range. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "ARC-Authentication-Results: i=2",
	    "ARC-Authentication-Results: i=0");
	check(copy, n2, LF_ARC_FAIL, "valid i=", 0);

	/* The newest seal says cv=fail: the chain is dead whatever else. */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "i=2; cv=pass", "i=2; cv=fail");
	check(copy, n2, LF_ARC_FAIL, "cv=fail", 2);

	/* The first seal says pass instead of none (the seals no longer
	 * verify either; the chain fails on the first reason found). */
	memcpy(copy, m, n + 1);
	n2 = edit(copy, n, "i=1; cv=none", "i=1; cv=pass");
	check(copy, n2, LF_ARC_FAIL, NULL, 2);

	/* The newest message signature lists ARC-Seal in h=. */
	{
		struct arc_run r;

		memcpy(copy, m, n + 1);
		n2 = edit(copy, n, "h=from : to", "h=arc-seal");
		arc_run((const uint8_t *)copy, n2, keyfile, keyfile_len, &r);
		want_cv(&r, LF_ARC_FAIL, "Message-Signature");
		assert_int_equal(r.rep.sets[1].ams_verdict, LF_DKIM_SIG_SYNTAX);
		assert_non_null(strstr(r.rep.sets[1].ams_reason, "ARC-Seal"));
		arc_release(&r);
	}

	/* No key for the seals. */
	{
		struct arc_run r;

		arc_run((const uint8_t *)m, n,
		    (const uint8_t *)"x._domainkey.example.org p=", 27, &r);
		want_cv(&r, LF_ARC_FAIL, NULL);
		assert_int_equal(r.rep.sets[1].seal_verdict, LF_DKIM_NO_KEY);
		assert_int_equal(r.rep.sets[1].ams_verdict, LF_DKIM_NO_KEY);
		arc_release(&r);
	}
	free(copy);
	free(m);
}

/* More ARC fields than 50 sets can hold: not checked, and said so. */
static void
too_many_fields(void **state)
{
	static const char f[] = "ARC-Seal: i=1; cv=none; a=rsa-sha256; "
	                        "d=e.com; s=s; b=AAAA\r\n";
	static const char tail[] = "From: a@e.com\r\n\r\nbody\r\n";
	size_t n = 151 * (sizeof(f) - 1) + sizeof(tail);
	char *m = malloc(n);
	struct arc_run r;
	int i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < 151; i++)
		memcpy(m + (size_t)i * (sizeof(f) - 1), f, sizeof(f) - 1);
	memcpy(m + 151 * (sizeof(f) - 1), tail, sizeof(tail));
	arc_run((const uint8_t *)m, n - 1, keyfile, keyfile_len, &r);
	want_cv(&r, LF_ARC_FAIL, "limit");
	assert_non_null(strstr(r.seen.codes, "arc.limit"));
	arc_release(&r);
	free(m);
}

static void
failalloc(void **state)
{
	size_t n;
	char *m = sealed(2, &n);
	struct lf_dkimkeys *ks;
	struct lf_dkim_options o;
	struct lf_hblock hb;
	long k;
	int rc;

	(void)state;
	assert_int_equal(lf_dkimkeys_parse(keyfile, keyfile_len, 10, &ks, NULL,
	                     NULL, NULL),
	    LF_OK);
	lf_dkim_options_default(&o);
	o.key = lf_dkimkeys_lookup;
	o.key_arg = ks;
	assert_int_equal(lf_hblock_parse((const uint8_t *)m, n, 100, &hb, NULL,
	                     NULL, NULL),
	    LF_OK);
	for (k = 0;; k++) {
		struct lf_arc_verify *v = NULL;
		struct lf_arc_report rep = {LF_ARC_NONE, NULL, 77, NULL, 0};

		failalloc_after(k);
		rc = lf_arc_verify_new(&hb, &o, NULL, NULL, &v, NULL);
		if (rc == LF_OK)
			rc = lf_arc_verify_body(v,
			    (const uint8_t *)m + hb.body_offset,
			    n - hb.body_offset, NULL);
		if (rc == LF_OK)
			rc = lf_arc_verify_finish(v, &rep, NULL);
		failalloc_off();
		lf_arc_verify_free(v);
		if (rc == LF_OK) {
			assert_int_equal(rep.cv, LF_ARC_PASS);
			lf_arc_report_release(&rep);
			break;
		}
		assert_true(rc == LF_E_NOMEM || rc == LF_E_CRYPTO);
		assert_int_equal(rep.failed, 77);
		assert_true(k < 10000);
	}
	assert_true(k > 3);
	lf_hblock_release(&hb);
	lf_dkimkeys_free(ks);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(corpus),
	    cmocka_unit_test(chains),
	    cmocka_unit_test(broken_chains),
	    cmocka_unit_test(too_many_fields),
	    cmocka_unit_test(failalloc),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
