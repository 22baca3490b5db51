/*
 * Unit tests: lf_custodyview (a verified custody log as an account per
 * bundle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "lf/custodyview.h"
#include "lf/text.h"

/* RFC 8032 section 7.1, test 1. */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

#define S1 "1111111111111111111111111111111111111111111111111111111111111111"
#define S2 "2222222222222222222222222222222222222222222222222222222222222222"
#define S3 "3333333333333333333333333333333333333333333333333333333333333333"
#define MAIL                                                              \
	"\"vendor_mail\":{\"sha256\":\"" S3 "\",\"form\":\"symantec-sra-" \
	"tracking\",\"date\":\"2026-11-04T09:00:00Z\"}"
#define RECEIPT                                                               \
	"{" MAIL ",\"tracking\":\"31415926\",\"files\":[{\"name\":\"a\\u001b" \
	"[31m.exe\",\"md5\":\"0cc175b9c0f1b6a831c399e269772661\",\"sha256\":" \
	"\"" S1 "\"},{\"name\":null,\"md5\":null,\"sha256\":null},7]}"
#define RESULT                                                              \
	"{" MAIL ",\"tracking\":\"31415926\",\"file\":{\"name\":\"a.exe\"," \
	"\"md5\":\"0cc175b9c0f1b6a831c399e269772661\",\"sha256\":\"" S1     \
	"\"},\"determination\":\"New Threat\",\"detection\":"               \
	"\"Trojan.Gen.2\",\"name_truncated\":true}"
/* No bundle: found by the tracking number of B1's receipt. */
#define RESULT_BY_TRACKING                                   \
	"{" MAIL ",\"tracking\":\"31415926\",\"file\":null," \
	"\"determination\":\"Clean\",\"detection\":null}"
/* No bundle and a number no receipt gave: tied to no bundle. */
#define RESULT_UNLINKED                                                   \
	"{" MAIL ",\"tracking\":\"999\",\"file\":null,\"determination\":" \
	"null,\"detection\":null}"

static uint8_t s1[32], s2[32];

static struct lf_sigkey *
rfc(void)
{
	struct lf_sigkey *k;

	assert_int_equal(lf_sigkey_load_private((const uint8_t *)rfc_key,
	                     strlen(rfc_key), NULL, NULL, &k, NULL),
	    LF_OK);
	return k;
}

static struct lf_custody_event
event(enum lf_custody_action a, int64_t t, const char *bundle,
    const uint8_t (*objects)[32], size_t n, const char *reason)
{
	struct lf_custody_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 1;
	ev.time = t;
	ev.actor = "Ann Example";
	ev.action = a;
	ev.objects = objects;
	ev.nobjects = n;
	ev.bundle = bundle;
	ev.tool_name = "lf-custody";
	ev.tool_version = "0.1.0";
	ev.reason = reason;
	return ev;
}

/* The events of a case: two bundles, B1 submitted with results, B2 only
 * packed. */
static void
case_events(struct lf_custody_event *ev, size_t *n)
{
	static uint8_t both[2][32], one[1][32], other[1][32];

	(void)lf_hex_decode(S1, 64, s1, 32);
	(void)lf_hex_decode(S2, 64, s2, 32);
	memcpy(both[0], s1, 32);
	memcpy(both[1], s2, 32);
	memcpy(one[0], s1, 32);
	memcpy(other[0], s2, 32);
	*n = 0;
	ev[(*n)++] = event(LF_CUSTODY_ACQUIRED, 1000, NULL,
	    (const uint8_t(*)[32])both, 2, "from the gateway");
	ev[(*n)++] = event(LF_CUSTODY_PACKED, 2000, "B1",
	    (const uint8_t(*)[32])both, 2, NULL);
	ev[(*n)++] = event(LF_CUSTODY_PACKED, 2100, "B1",
	    (const uint8_t(*)[32])one, 1, "again");
	ev[(*n)++] = event(LF_CUSTODY_VERIFIED, 2500, "B1", NULL, 0, NULL);
	ev[(*n)++] =
	    event(LF_CUSTODY_SUBMITTED, 3000, "B1", NULL, 0, "vendor portal");
	ev[(*n)++] = event(LF_CUSTODY_RECEIPT, 3100, "B1",
	    (const uint8_t(*)[32])one, 1, RECEIPT);
	ev[(*n)++] = event(LF_CUSTODY_RESULT, 4000, "B1",
	    (const uint8_t(*)[32])one, 1, RESULT);
	ev[(*n)++] =
	    event(LF_CUSTODY_RESULT, 4100, NULL, NULL, 0, RESULT_BY_TRACKING);
	ev[(*n)++] = event(LF_CUSTODY_RESULT, 4200, "B1", NULL, 0,
	    "Tracking #31415926: clean, by phone");
	ev[(*n)++] = event(LF_CUSTODY_RESULT, 4300, NULL,
	    (const uint8_t(*)[32])one, 1, RESULT_UNLINKED);
	ev[(*n)++] = event(LF_CUSTODY_RECEIPT, 4400, "B1", NULL, 0,
	    "{\"vendor_mail\":{},\"tracking\":\"12a\"}");
	ev[(*n)++] = event(LF_CUSTODY_PACKED, 5000, "B2",
	    (const uint8_t(*)[32])one, 1, NULL);
	/* a result for a sample B2 was not packed with: one of B2's now */
	ev[(*n)++] = event(LF_CUSTODY_RESULT, 5100, "B2",
	    (const uint8_t(*)[32])other, 1, RESULT);
	/* submitted, never packed in this log: the samples it names */
	ev[(*n)++] = event(LF_CUSTODY_SUBMITTED, 6000, "B3",
	    (const uint8_t(*)[32])both, 2, NULL);
}

static void
check_case(const struct lf_custodyview *v)
{
	const struct lf_custodyview_bundle *b, *b1;
	const struct lf_custodyview_result *r;
	struct lf_custodyview_counts c;
	size_t n;

	lf_custodyview_counts(v, &c);
	assert_int_equal(c.events, 14);
	assert_int_equal(c.actions[LF_CUSTODY_PACKED], 3);
	assert_int_equal(c.actions[LF_CUSTODY_RESULT], 5);
	assert_int_equal(c.bundles, 3);
	assert_int_equal(c.free_text, 2);
	assert_int_equal(c.unlinked, 1);

	b = lf_custodyview_bundles(v, &n);
	assert_int_equal(n, 3);
	assert_false(b[2].packed);
	assert_int_equal(b[2].nsubmitted, 1);
	assert_int_equal(b[2].nsamples, 2);
	assert_memory_equal(b[2].samples[1].sha256, s2, 32);
	b1 = lf_custodyview_find(v, "B1");
	assert_ptr_equal(b1, &b[0]);
	assert_ptr_equal(lf_custodyview_find(v, "B2"), &b[1]);
	assert_null(lf_custodyview_find(v, "B4"));
	assert_true(b1->packed);
	assert_int_equal(b1->packed_time, 2000);
	assert_string_equal(b1->packed_actor, "Ann Example");
	/* each sample once, in log order */
	assert_int_equal(b1->nsamples, 2);
	assert_memory_equal(b1->samples[0].sha256, s1, 32);
	assert_memory_equal(b1->samples[1].sha256, s2, 32);
	/* the last result of S1 is the one of line 7; S2 has none */
	assert_int_equal(b1->samples[0].last_result, 0);
	assert_int_equal(b1->samples[1].last_result, LF_CUSTODYVIEW_NONE);
	assert_int_equal(b[2].samples[0].last_result, LF_CUSTODYVIEW_NONE);
	assert_int_equal(b1->nverified, 1);
	assert_int_equal(b1->verified[0].time, 2500);
	assert_int_equal(b1->nsubmitted, 1);
	assert_int_equal(b1->submitted[0].time, 3000);
	assert_string_equal(b1->submitted[0].reason, "vendor portal");
	assert_int_equal(b1->nreceipts, 2);
	assert_int_equal(b1->ntracking, 1);
	assert_string_equal(b1->tracking[0], "31415926");
	/* the number 7 in the list is no file */
	assert_int_equal(b1->nfiles, 2);
	assert_string_equal(b1->files[0].name, "a\033[31m.exe");
	assert_string_equal(b1->files[0].sha256, S1);
	assert_null(b1->files[1].name);
	/* the receipt in another form counts as free text */
	assert_int_equal(b1->free_text, 2);

	assert_int_equal(b1->nresults, 3);
	r = &b1->results[0];
	assert_true(r->structured && r->has_sample);
	assert_memory_equal(r->sample, s1, 32);
	assert_string_equal(r->tracking, "31415926");
	assert_string_equal(r->determination, "New Threat");
	assert_string_equal(r->detection, "Trojan.Gen.2");
	assert_string_equal(r->file.name, "a.exe");
	assert_string_equal(r->file.md5, "0cc175b9c0f1b6a831c399e269772661");
	assert_string_equal(r->mail_date, "2026-11-04T09:00:00Z");
	assert_true(r->name_truncated);
	assert_int_equal(r->time, 4000);
	r = &b1->results[1];
	assert_true(r->structured);
	assert_false(r->has_sample);
	assert_string_equal(r->determination, "Clean");
	assert_null(r->detection);
	assert_null(r->file.name);
	r = &b1->results[2];
	assert_false(r->structured);
	assert_null(r->tracking);
	assert_string_equal(r->text, "Tracking #31415926: clean, by phone");

	assert_true(b[1].packed);
	assert_int_equal(b[1].nsubmitted, 0);
	assert_int_equal(b[1].nresults, 1);
	assert_int_equal(b[1].nsamples, 2);
	assert_memory_equal(b[1].samples[1].sha256, s2, 32);
	assert_int_equal(b[1].samples[0].last_result, LF_CUSTODYVIEW_NONE);
	assert_int_equal(b[1].samples[1].last_result, 0);
	assert_string_equal(b[1].results[0].determination, "New Threat");

	r = lf_custodyview_unlinked(v, &n);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].tracking, "999");
	assert_true(r[0].has_sample);
}

static void
from_events(void **state)
{
	struct lf_custody_event ev[16];
	struct lf_custodyview *v;
	size_t i, n;

	(void)state;
	case_events(ev, &n);
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(lf_custodyview_add_event(v, &ev[i], NULL),
		    LF_OK);
	check_case(v);
	lf_custodyview_free(v);
	lf_custodyview_free(NULL);
}

static void
from_file(void **state)
{
	struct lf_custody_event ev[16];
	struct lf_custody_verifier *vf;
	struct lf_custody_verdict vd;
	struct lf_custodyview *v;
	struct lf_sigkey *k = rfc();
	struct lf_error err;
	char dir[] = "/tmp/lf-test-custodyview.XXXXXX", path[64];
	size_t i, n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/case.log", dir);
	case_events(ev, &n);
	for (i = 0; i < n; i++)
		assert_int_equal(lf_custody_append(path, &ev[i], k, NULL, &err),
		    LF_OK);
	assert_int_equal(lf_custody_verifier_new(&vf, NULL), LF_OK);
	assert_int_equal(lf_custody_verifier_trust_key(vf, k, NULL), LF_OK);
	assert_int_equal(lf_custody_verify_file(path, vf, &vd, NULL), LF_OK);
	assert_int_equal(vd.problem, LF_CUSTODY_GOOD);
	assert_int_equal(vd.events, n);
	lf_custody_verifier_free(vf);

	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	assert_int_equal(lf_custodyview_read_file(v, path, vd.events, &err),
	    LF_OK);
	check_case(v);
	lf_custodyview_free(v);

	/* Fewer lines than verified: the log changed. */
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	assert_int_equal(lf_custodyview_read_file(v, path, n + 1, &err),
	    LF_E_CHANGED);
	lf_custodyview_free(v);
	/* Only the lines verified are read. */
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	assert_int_equal(lf_custodyview_read_file(v, path, 2, &err), LF_OK);
	{
		struct lf_custodyview_counts c;
		lf_custodyview_counts(v, &c);
		assert_int_equal(c.events, 2);
		assert_int_equal(c.bundles, 1);
	}
	lf_custodyview_free(v);

	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	(void)snprintf(path, sizeof(path), "%s/missing.log", dir);
	assert_int_equal(lf_custodyview_read_file(v, path, 1, &err), LF_E_IO);
	lf_custodyview_free(v);
	(void)snprintf(path, sizeof(path), "%s/case.log", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	lf_sigkey_free(k);
}

static void
bad_lines(void **state)
{
	static const char junk[] = "{\"format\":\"lf-custody-event\"}";
	struct lf_custodyview *v;
	struct lf_custody_event ev;
	struct lf_error err;
	char longid[LF_CUSTODY_BUNDLE_MAX + 2];

	(void)state;
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	assert_int_equal(lf_custodyview_add_line(v, (const uint8_t *)junk,
	                     strlen(junk), &err),
	    LF_E_FORMAT);
	assert_int_equal(lf_custodyview_add_line(v, NULL, 0, &err),
	    LF_E_FORMAT);
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ev = event(LF_CUSTODY_PACKED, 1, longid, NULL, 0, NULL);
	assert_int_equal(lf_custodyview_add_event(v, &ev, &err), LF_E_INVAL);
	ev = event(LF_CUSTODY_PACKED, 1, "b", NULL, 0, NULL);
	ev.action = (enum lf_custody_action)LF_CUSTODY_ACTIONS;
	assert_int_equal(lf_custodyview_add_event(v, &ev, &err), LF_E_INVAL);
	/* reasons that are not the vendor form, each free text */
	{
		static const char *const reasons[] = {"", "[]", "{}", "null",
		    "{\"vendor_mail\":1,\"tracking\":\"1\"}",
		    "{\"vendor_mail\":{},\"tracking\":1}",
		    "{\"vendor_mail\":{},\"tracking\":\"\"}",
		    "{\"vendor_mail\":{},\"tracking\":\"1\",\"tracking\":\"2\"}",
		    "{\"vendor_mail\":{},\"tracking\":\"1111111111111111111111"
		    "111111111111111111111111111111111111111111111\"}",
		    "{\"vendor_mail\":{},\"tracking\":\"1\"", "\xff\xfe"};
		struct lf_custodyview_counts c;
		size_t i;

		for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
			ev = event(LF_CUSTODY_RESULT, 1, "b", NULL, 0,
			    reasons[i]);
			assert_int_equal(lf_custodyview_add_event(v, &ev, &err),
			    LF_OK);
		}
		lf_custodyview_counts(v, &c);
		assert_int_equal(c.free_text,
		    sizeof(reasons) / sizeof(reasons[0]));
		assert_int_equal(lf_custodyview_find(v, "b")->ntracking, 0);
	}
	lf_custodyview_free(v);
}

static void
bundle_limit(void **state)
{
	struct lf_custodyview *v;
	struct lf_custody_event ev;
	struct lf_error err;
	char id[32];
	int i, rc = LF_OK;

	(void)state;
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	for (i = 0; i <= LF_CUSTODYVIEW_BUNDLES_MAX && rc == LF_OK; i++) {
		(void)snprintf(id, sizeof(id), "bundle-%d", i);
		ev = event(LF_CUSTODY_SUBMITTED, 1, id, NULL, 0, NULL);
		rc = lf_custodyview_add_event(v, &ev, &err);
	}
	assert_int_equal(rc, LF_E_LIMIT);
	assert_int_equal(i, LF_CUSTODYVIEW_BUNDLES_MAX + 1);
	assert_non_null(strstr(err.msg, "bundles"));
	/* a bundle already known is still accounted for */
	ev = event(LF_CUSTODY_SUBMITTED, 2, "bundle-7", NULL, 0, NULL);
	assert_int_equal(lf_custodyview_add_event(v, &ev, &err), LF_OK);
	assert_int_equal(lf_custodyview_find(v, "bundle-7")->nsubmitted, 2);
	lf_custodyview_free(v);
}

static void
per_bundle_limit(void **state)
{
	struct lf_custodyview *v;
	struct lf_custody_event ev;
	struct lf_error err;
	int i, rc = LF_OK;

	(void)state;
	assert_int_equal(lf_custodyview_new(&v, NULL), LF_OK);
	for (i = 0; i <= LF_CUSTODYVIEW_PER_BUNDLE_MAX && rc == LF_OK; i++) {
		ev = event(LF_CUSTODY_VERIFIED, i, "b", NULL, 0, NULL);
		rc = lf_custodyview_add_event(v, &ev, &err);
	}
	assert_int_equal(rc, LF_E_LIMIT);
	assert_int_equal(i, LF_CUSTODYVIEW_PER_BUNDLE_MAX + 1);
	assert_int_equal(lf_custodyview_find(v, "b")->nverified,
	    LF_CUSTODYVIEW_PER_BUNDLE_MAX);
	lf_custodyview_free(v);
}

static void
failing_allocations(void **state)
{
	struct lf_custody_event ev[16];
	struct lf_custodyview *v;
	size_t n, j;
	long i;
	int rc;

	(void)state;
	case_events(ev, &n);
	for (i = 0;; i++) {
		v = NULL;
		failalloc_after(i);
		rc = lf_custodyview_new(&v, NULL);
		for (j = 0; rc == LF_OK && j < n; j++)
			rc = lf_custodyview_add_event(v, &ev[j], NULL);
		failalloc_off();
		if (rc == LF_OK) {
			check_case(v);
			lf_custodyview_free(v);
			break;
		}
		assert_int_equal(rc, LF_E_NOMEM);
		lf_custodyview_free(v);
		assert_true(i < 100000);
	}
	assert_true(i > 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(from_events),
	    cmocka_unit_test(from_file),
	    cmocka_unit_test(bad_lines),
	    cmocka_unit_test(bundle_limit),
	    cmocka_unit_test(per_bundle_limit),
	    cmocka_unit_test(failing_allocations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
