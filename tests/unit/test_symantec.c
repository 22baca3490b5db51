/*
 * Unit tests: lf_symantec (X-Msg-Ref, back-end queue ids,
 * X-Brightmail-Tracker, X-StarScan-Version, X-SpamReason).
 *
 * Every Symantec sample of ../shared/corpora/headers is read at test
 * time; the values asserted are the ones its notes give (X-Msg-Ref and
 * queue id epochs, X-Originating-IP) or that its other fields give (the
 * tower's Received date).  The tracker's decoding is checked against
 * python3's base64 and gzip and protoc --decode_raw.  Hostile input:
 * truncation at every byte, gzip bombs built here with zlib, bad varints,
 * deep nesting, too many fields, allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "corpora.h"
#include "failalloc.h"
#include "lf/buf.h"
#include "lf/hblock.h"
#include "lf/received.h"
#include "lf/symantec.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

struct seen {
	int n;
	char codes[2048];
};

static void
record(void *arg, const struct lf_anomaly *a)
{
	struct seen *s = arg;
	size_t len = strlen(s->codes);

	s->n++;
	snprintf(s->codes + len, sizeof(s->codes) - len, "%s ", a->code);
}

static bool
saw(const struct seen *s, const char *code)
{
	char word[128];

	snprintf(word, sizeof(word), "%s ", code);
	return strstr(s->codes, word) != NULL;
}

static bool
span_is(const struct lf_span *s, const char *want)
{
	return s->p != NULL && s->n == strlen(want) &&
	    memcmp(s->p, want, s->n) == 0;
}

#define SPAN_EQ(s, want)                                                      \
	do {                                                                  \
		if (!span_is(&(s), want))                                     \
			fail_msg("%s: \"%.*s\", want \"%s\"", #s, (int)(s).n, \
			    (s).p != NULL ? (const char *)(s).p : "", want);  \
	} while (0)

/* ---- the samples ---- */

struct sample {
	char text[65536];
	size_t len;
	struct lf_hblock b;
};

static void
load(struct sample *s, const char *file)
{
	s->len = corpora_read_headers(file, s->text, sizeof(s->text));
	assert_true(s->len > 0);
	assert_int_equal(lf_hblock_parse((const uint8_t *)s->text, s->len, 1000,
	                     &s->b, NULL, NULL, NULL),
	    LF_OK);
}

/* The value of the k-th field called name, or fails. */
static const struct lf_hfield *
field(const struct sample *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->b.count; i++)
		if (lf_hfield_is(&s->b.fields[i], name))
			return &s->b.fields[i];
	fail_msg("no %s field", name);
	return NULL;
}

/* The Received hop whose "by" ends with suffix; false when none. */
static bool
hop_by(const struct sample *s, const char *suffix, struct lf_received *r)
{
	size_t i, k = strlen(suffix);

	for (i = 0; i < s->b.count; i++) {
		if (!lf_hfield_is(&s->b.fields[i], "Received"))
			continue;
		assert_int_equal(lf_received_parse(s->b.fields[i].value,
		                     s->b.fields[i].value_len, r, NULL, NULL),
		    LF_OK);
		if (r->by.p != NULL && r->by.n >= k &&
		    memcmp(r->by.p + r->by.n - k, suffix, k) == 0)
			return true;
	}
	return false;
}

/* X-Originating-IP "[a.b.c.d]" without its brackets. */
static void
originating_ip(const struct sample *s, char *out, size_t size)
{
	const struct lf_hfield *f = field(s, "X-Originating-IP");
	size_t i = 0, k = 0;

	while (i < f->value_len && f->value[i] != '[')
		i++;
	for (i++; i < f->value_len && f->value[i] != ']' && k + 1 < size; i++)
		out[k++] = (char)f->value[i];
	out[k] = '\0';
}

struct expect {
	const char *file;
	const char *host;
	long server, tower;
	int64_t epoch; /* X-Msg-Ref */
	const char *rfc3339;
	uint64_t counter;
	bool has_part;
	const char *queue_id; /* the symcld.net hop's id, or NULL */
	int64_t queue_epoch;
	const char *starscan;
	unsigned long parts[3];
	const char *banner0;
};

static const struct expect samples[] = {
    /* Notes: "X-Msg-Ref epoch 1558434686 = 2019-05-21T10:31:26Z; BEMTA
     * id "43/8E-25548-F73D3EC5": ... = 1558434687". */
    {"symantec-ess-inbound-xen-2019.hdr", "server-15.tower-304.messagelabs.com",
        15, 304, 1558434686, "2019-05-21T10:31:26Z", 9296463, true,
        "43/8E-25548-F73D3EC5", 1558434687, "9.31.5", {9, 31, 5}, "-"},
    {"symantec-ess-inbound-xen-2019.full.hdr",
        "server-15.tower-304.messagelabs.com", 15, 304, 1558434686,
        "2019-05-21T10:31:26Z", 9296463, true, "43/8E-25548-F73D3EC5",
        1558434687, "9.31.5", {9, 31, 5}, "-"},
    /* Notes: "X-Msg-Ref without trailing "!n" part, StarScan 5.2.10". */
    {"symantec-ess-old-2004.hdr", "server-20.tower-45.messagelabs.com", 20, 45,
        1094657042, "2004-09-08T15:24:02Z", 5339156, false, NULL, 0, "5.2.10",
        {5, 2, 10}, "-"},
    /* Notes: "BEMTA id "1B/2C-14524-12C71C16": ... = 1640070177 = X-Msg-Ref
     * epoch". */
    {"symantec-ess-outbound-fujitsu-2021.hdr",
        "server-3.tower-585.messagelabs.com", 3, 585, 1640070177,
        "2021-12-21T07:02:57Z", 4228, true, "1B/2C-14524-12C71C16", 1640070177,
        "9.81.7", {9, 81, 7}, "-"},
    /* Notes: "banners=semtech.com in X-StarScan-Version"; no back-end
     * Received field in the excerpt. */
    {"symantec-ess-outbound-semtech-2025.hdr",
        "server-15.tower-945.messagelabs.com", 15, 945, 1750784236,
        "2025-06-24T16:57:16Z", 381834, true, NULL, 0, "9.117.3", {9, 117, 3},
        "semtech.com"},
};

#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static void
msgref_samples(void **state)
{
	static struct sample s;
	struct lf_symantec_msgref m;
	const struct lf_hfield *f;
	struct lf_received r;
	size_t i;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		load(&s, samples[i].file);
		f = field(&s, "X-Msg-Ref");
		assert_int_equal(lf_symantec_msgref(f->value, f->value_len, &m),
		    LF_OK);
		assert_string_equal(m.host, samples[i].host);
		assert_true(m.tower_form);
		assert_int_equal(m.server, samples[i].server);
		assert_int_equal(m.tower, samples[i].tower);
		assert_int_equal(m.epoch, samples[i].epoch);
		assert_string_equal(m.epoch_rfc3339, samples[i].rfc3339);
		assert_int_equal(m.counter, samples[i].counter);
		assert_int_equal(m.has_part, samples[i].has_part);
		if (m.has_part)
			assert_int_equal(m.part, 1);
		/* The tower's own Received field (qmail) is dated the same
		 * second or the next. */
		if (hop_by(&s, samples[i].host, &r)) {
			assert_true(r.has_date);
			assert_in_range(r.date.utc - m.epoch, 0, 1);
		} else {
			assert_string_equal(samples[i].file,
			    "symantec-ess-old-2004.hdr");
		}
		lf_hblock_release(&s.b);
	}
}

static void
queue_samples(void **state)
{
	static struct sample s;
	struct lf_symantec_queueid q;
	struct lf_received r;
	int64_t epoch;
	size_t i;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		load(&s, samples[i].file);
		if (samples[i].queue_id == NULL) {
			assert_false(hop_by(&s, "symcld.net", &r));
			lf_hblock_release(&s.b);
			continue;
		}
		assert_true(hop_by(&s, "symcld.net", &r));
		assert_int_equal(r.id.n, strlen(samples[i].queue_id));
		assert_memory_equal(r.id.p, samples[i].queue_id, r.id.n);
		assert_int_equal(lf_symantec_queue_epoch(r.id.p, r.id.n,
		                     &epoch),
		    LF_OK);
		assert_int_equal(epoch, samples[i].queue_epoch);
		/* The back end's own Received date says the same. */
		assert_true(r.has_date);
		assert_int_equal(r.date.utc, epoch);
		assert_int_equal(lf_symantec_queueid(r.id.p, r.id.n, &q),
		    LF_OK);
		assert_int_equal(q.form, '/');
		lf_hblock_release(&s.b);
	}
	assert_int_equal(lf_symantec_queueid(S("43/8E-25548-F73D3EC5"), &q),
	    LF_OK);
	assert_int_equal(q.prefix[0], 0x43);
	assert_int_equal(q.prefix[1], 0x8e);
	assert_int_equal(q.number, 25548);
	assert_int_equal(q.stamp, 0xF73D3EC5u);
	assert_int_equal(q.epoch, 0x5CE3D37F);
}

static void
queue_forms(void **state)
{
	static const char *const bad[] = {"", " ", "43/8E-25548-F73D3EC",
	    "43/8E-25548-F73D3EC5A", "43/8E-25548-F73D3EG5",
	    "43/8E.25548.F73D3EC5", "43.8E-25548-F73D3EC5",
	    "4/38E-25548-F73D3EC5", "43/8E--F73D3EC5",
	    "43/8E-12345678-F73D3EC5", "43/8E-2554x-F73D3EC5",
	    "43/8E-25548-F73D3EC5;", "X3/8E-25548-F73D3EC5",
	    "43/8E-25548-F73D 3EC5", "43/8E 25548-F73D3EC5"};
	struct lf_symantec_queueid q;
	int64_t epoch = 7;
	size_t i;

	(void)state;
	/* The Messaging Gateway's form, as a 2014 public hop wrote it. */
	assert_int_equal(lf_symantec_queueid(S("5D.EA.15519.044BD135"), &q),
	    LF_OK);
	assert_int_equal(q.form, '.');
	assert_int_equal(q.epoch, 1394455616);
	assert_int_equal(q.number, 15519);
	/* Lower case, blanks around, a short number. */
	assert_int_equal(lf_symantec_queue_epoch(S(" 43/8e-1-f73d3ec5\r\n"),
	                     &epoch),
	    LF_OK);
	assert_int_equal(epoch, 1558434687);
	assert_int_equal(lf_symantec_queue_epoch(S("00/00-0-FFFFFFFF"), &epoch),
	    LF_OK);
	assert_int_equal(epoch, 0xFFFFFFFF);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		epoch = 7;
		if (lf_symantec_queue_epoch((const uint8_t *)bad[i],
		        strlen(bad[i]), &epoch) != LF_E_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(epoch, 7);
	}
	assert_int_equal(lf_symantec_queue_epoch(NULL, 0, NULL), LF_E_INVAL);
	assert_int_equal(lf_symantec_queueid(S("x"), NULL), LF_E_INVAL);
}

static void
msgref_forms(void **state)
{
	static const char *const bad[] = {"", "  ", "!", "!1!2", "host!!1",
	    "host!1!", "host!1", "host!123!", "host!1!2!3!4", "host!1!2!",
	    "ho st!1!2", "host!1234567890123!1", "host!12a!1", "host!1!2x",
	    "host!1\r\n !2", "host!-1!2", "host!1!20000000000000000000",
	    "h\xc3\xa9st!1!2", "host!1!2!\0"};
	struct lf_symantec_msgref m;
	char host[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0xa5, sizeof(m));
		if (lf_symantec_msgref((const uint8_t *)bad[i],
		        strlen(bad[i]) + (i == 18), &m) != LF_E_FORMAT)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(m.counter, 0xa5a5a5a5a5a5a5a5ull);
	}
	assert_int_equal(lf_symantec_msgref(S("\tmail.example.com!0!0 \r\n"),
	                     &m),
	    LF_OK);
	assert_string_equal(m.host, "mail.example.com");
	assert_false(m.tower_form);
	assert_int_equal(m.server, -1);
	assert_int_equal(m.tower, -1);
	assert_string_equal(m.epoch_rfc3339, "1970-01-01T00:00:00Z");
	assert_false(m.has_part);
	assert_int_equal(lf_symantec_msgref(
	                     S("SERVER-1.TOWER-2.MessageLabs.COM!999999999999!"
	                       "9999999999999999999!0000000000000000001"),
	                     &m),
	    LF_OK);
	assert_true(m.tower_form);
	assert_int_equal(m.server, 1);
	assert_int_equal(m.tower, 2);
	assert_int_equal(m.epoch, 999999999999);
	assert_int_equal(m.counter, 9999999999999999999ull);
	assert_int_equal(m.part, 1);
	/* Near misses of the tower form are hosts like any other. */
	assert_int_equal(lf_symantec_msgref(S("server-1.tower-.messagelabs.com"
	                                      "!1!2"),
	                     &m),
	    LF_OK);
	assert_false(m.tower_form);
	assert_int_equal(lf_symantec_msgref(S("server-1.tower-2.messagelabs."
	                                      "com.evil!1!2"),
	                     &m),
	    LF_OK);
	assert_false(m.tower_form);
	/* 255 host bytes fit, 256 do not. */
	memset(host, 'a', sizeof(host));
	memcpy(host + 255, "!1!2", 4);
	assert_int_equal(lf_symantec_msgref((const uint8_t *)host, 259, &m),
	    LF_OK);
	assert_int_equal(strlen(m.host), 255);
	memset(host, 'a', sizeof(host));
	memcpy(host + 256, "!1!2", 4);
	assert_int_equal(lf_symantec_msgref((const uint8_t *)host, 260, &m),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_msgref(NULL, 0, NULL), LF_E_INVAL);
}

/* Every prefix of a valid X-Msg-Ref, each in a buffer of its own size. */
static void
msgref_truncated(void **state)
{
	static const char full[] =
	    "server-15.tower-304.messagelabs.com!1558434686!9296463!1";
	size_t n = sizeof(full) - 1, k, counter_at, bang3;
	struct lf_symantec_msgref m;
	uint8_t *p;
	uint64_t want;
	int rc;

	(void)state;
	counter_at = strlen("server-15.tower-304.messagelabs.com!1558434686!");
	bang3 = counter_at + 7;
	for (k = 0; k <= n; k++) {
		p = malloc(k + 1);
		assert_non_null(p);
		memcpy(p, full, k);
		rc = lf_symantec_msgref(p + 1 - 1, k, &m);
		if (k <= counter_at || k == bang3 + 1) {
			assert_int_equal(rc, LF_E_FORMAT);
		} else {
			assert_int_equal(rc, LF_OK);
			assert_int_equal(m.epoch, 1558434686);
			want = 0;
			for (size_t j = counter_at; j < k && j < bang3; j++)
				want = want * 10 + (uint64_t)(full[j] - '0');
			assert_int_equal(m.counter, want);
			assert_int_equal(m.has_part, k == n);
		}
		free(p);
	}
}

static void
starscan_samples(void **state)
{
	static struct sample s;
	struct lf_symantec_starscan st;
	const struct lf_hfield *f;
	size_t i, k;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		load(&s, samples[i].file);
		f = field(&s, "X-StarScan-Version");
		assert_int_equal(lf_symantec_starscan(f->value, f->value_len,
		                     &st),
		    LF_OK);
		assert_string_equal(st.version, samples[i].starscan);
		assert_int_equal(st.nparts, 3);
		for (k = 0; k < 3; k++)
			assert_int_equal(st.part[k], samples[i].parts[k]);
		assert_true(st.has_banners);
		assert_int_equal(st.nbanners, 3);
		SPAN_EQ(st.banners[0], samples[i].banner0);
		SPAN_EQ(st.banners[1], "-");
		SPAN_EQ(st.banners[2], "-");
		lf_hblock_release(&s.b);
	}
	/* The variants file's older form. */
	assert_int_equal(lf_symantec_starscan(S(" 6.4.3; banners=-,-"), &st),
	    LF_OK);
	assert_string_equal(st.version, "6.4.3");
	assert_int_equal(st.nbanners, 2);
	assert_int_equal(lf_symantec_starscan(S("10.2"), &st), LF_OK);
	assert_false(st.has_banners);
	assert_int_equal(st.nparts, 2);
	assert_int_equal(lf_symantec_starscan(S("1.2.3.4;banners=,a,,b,c,d,e,"
	                                        "f,g,h"),
	                     &st),
	    LF_OK);
	assert_int_equal(st.nparts, 4);
	assert_int_equal(st.nbanners, LF_SYMANTEC_BANNERS_MAX);
	assert_true(st.banners_cut);
	SPAN_EQ(st.banners[1], "a");
	assert_int_equal(st.banners[0].n, 0);
	assert_int_equal(lf_symantec_starscan(S("999999999.999999999."
	                                        "999999999.999999999"),
	                     &st),
	    LF_OK);
	assert_int_equal(strlen(st.version), 39);
	assert_int_equal(lf_symantec_starscan(S("9"), &st), LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("9.x"), &st), LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("9.31.5;"), &st), LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("9.31.5; banner=-"), &st),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("1.2.3.4.5"), &st),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("1.1234567890"), &st),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S("9.31.5 banners=-"), &st),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_starscan(S(""), &st), LF_E_FORMAT);
}

static void
spamreason_variants(void **state)
{
	static struct sample s;
	static const char *const want[][3] = {{"newsletters:", NULL, NULL},
	    {"newsletters:", "HTML_50_60", "HTML_MESSAGE"},
	    {"newsletters:", "received_headers: No Received headers", NULL},
	    {"newsletters:", "UNPARSEABLE_RELAY", NULL}};
	static const int64_t hits[] = {0, 100, 0, 0};
	struct lf_symantec_spamreason r;
	size_t i, k, seen = 0;

	(void)state;
	load(&s, "symantec-ess-xspamreason-variants.txt");
	for (i = 0; i < s.b.count; i++) {
		if (!lf_hfield_is(&s.b.fields[i], "X-SpamReason"))
			continue;
		assert_true(seen < 4);
		assert_int_equal(lf_symantec_spamreason(s.b.fields[i].value,
		                     s.b.fields[i].value_len, &r),
		    LF_OK);
		assert_false(r.yes);
		assert_true(r.has_hits && r.has_required);
		assert_int_equal(r.hits, hits[seen]);
		assert_int_equal(r.required, 7000);
		for (k = 0; k < 3 && want[seen][k] != NULL; k++)
			SPAN_EQ(r.tests[k], want[seen][k]);
		assert_int_equal(r.ntests, k);
		seen++;
	}
	assert_int_equal(seen, 4);
	lf_hblock_release(&s.b);
	load(&s, "symantec-ess-inbound-xen-2019.hdr");
	assert_int_equal(lf_symantec_spamreason(field(&s, "X-SpamReason")
	                                            ->value,
	                     field(&s, "X-SpamReason")->value_len, &r),
	    LF_OK);
	assert_int_equal(r.hits, 100);
	assert_int_equal(r.ntests, 3);
	SPAN_EQ(r.tests[2], "HTML_MESSAGE");
	lf_hblock_release(&s.b);

	assert_int_equal(lf_symantec_spamreason(S("YES, hits=-12.3456 "
	                                          "required=+7 tests=A, B"),
	                     &r),
	    LF_OK);
	assert_true(r.yes);
	assert_int_equal(r.hits, -12345);
	assert_int_equal(r.required, 7000);
	assert_int_equal(r.ntests, 2);
	SPAN_EQ(r.tests[1], "B");
	assert_int_equal(lf_symantec_spamreason(S("No,"), &r), LF_OK);
	assert_false(r.has_hits);
	assert_int_equal(lf_symantec_spamreason(S("No, tests="), &r), LF_OK);
	assert_int_equal(r.ntests, 0);
	assert_int_equal(lf_symantec_spamreason(S("No hits=1"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("Maybe, hits=1"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, hits=1."), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, hits=x"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, hits=1x"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, required=7 hits=1"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, score=1"), &r),
	    LF_E_FORMAT);
	assert_int_equal(lf_symantec_spamreason(S("No, hits=1 hits=2"), &r),
	    LF_E_FORMAT);
}

/* ---- trackers ---- */

static struct lf_symantec_tracker zeroed;

static int
decode(const uint8_t *v, size_t n, struct lf_symantec_tracker *t,
    struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return lf_symantec_tracker(v, n, t, record, s, NULL);
}

/* The invariants the fuzzer checks too. */
static void
check_tracker(const struct lf_symantec_tracker *t)
{
	size_t i;

	assert_true(t->len <= LF_SYMANTEC_TRACKER_OUT_MAX);
	assert_true(t->nfields <= LF_SYMANTEC_PB_FIELDS);
	assert_true(t->nrulesets <= LF_SYMANTEC_RULESETS_MAX);
	for (i = 0; i < t->nfields; i++) {
		const struct lf_symantec_pbfield *f = &t->fields[i];
		assert_true(f->depth < LF_SYMANTEC_PB_DEPTH);
		if (f->parent == SIZE_MAX) {
			assert_int_equal(f->depth, 0);
		} else {
			assert_true(f->parent < i);
			assert_true(t->fields[f->parent].message);
			assert_int_equal(f->depth,
			    t->fields[f->parent].depth + 1);
		}
		if (f->wire == LF_PB_BYTES)
			assert_true(f->offset <= t->len &&
			    f->len <= t->len - f->offset);
	}
	assert_non_null(memchr(t->client_ip, 0, sizeof(t->client_ip)));
	assert_non_null(memchr(t->scanner_ip, 0, sizeof(t->scanner_ip)));
}

/* The X-Brightmail-Tracker value, into a buffer of its own size. */
static uint8_t *
tracker_value(const struct sample *s, size_t *n)
{
	const struct lf_hfield *f = field(s, "X-Brightmail-Tracker");
	uint8_t *p = malloc(f->value_len);

	assert_non_null(p);
	memcpy(p, f->value, f->value_len);
	*n = f->value_len;
	return p;
}

static void
tracker_xen_full(void **state)
{
	static struct sample s;
	static const struct {
		const char *name;
		uint32_t stamp, group;
		uint64_t id;
	} sets[] = {{"bodyhash_rules", 1558392717, 24, 2},
	    {"regexfilter_rules", 1558434561, 24, 8},
	    {"spamsig_rules", 1558434603, 24, 12},
	    {"spamhunter_rules", 1558434483, 25, 0}, {"permit_rules", 1, 26, 0},
	    {"intsig_rules", 1558434530, 29, 1},
	    {"statsig_rules", 1558382365, 29, 2}};
	struct lf_symantec_tracker t;
	struct lf_symantec_msgref m;
	const struct lf_hfield *f;
	struct lf_received r;
	char ip[64];
	struct seen seen;
	uint8_t *v;
	size_t n, i;

	(void)state;
	load(&s, "symantec-ess-inbound-xen-2019.full.hdr");
	v = tracker_value(&s, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_int_equal(seen.n, 0);
	check_tracker(&t);
	assert_true(t.gzip_complete);
	assert_true(t.complete);
	assert_int_equal(t.compressed_len, 809);
	assert_int_equal(t.len, 898);
	assert_int_equal(t.nfields, 148);
	assert_true(t.has_version);
	assert_int_equal(t.version, 3);
	assert_int_equal(t.record.n, 623);
	SPAN_EQ(t.direction, "external");
	/* The client address equals X-Originating-IP and the address the
	 * tower recorded of its client. */
	originating_ip(&s, ip, sizeof(ip));
	assert_string_equal(ip, "209.85.167.44");
	assert_string_equal(t.client_ip, ip);
	assert_int_equal(t.client_family, AF_INET);
	assert_true(hop_by(&s, "server-15.tower-304.messagelabs.com", &r));
	assert_string_equal(r.ip, ip);
	/* The scan time: one second after X-Msg-Ref, equal to the queue
	 * id's epoch. */
	f = field(&s, "X-Msg-Ref");
	assert_int_equal(lf_symantec_msgref(f->value, f->value_len, &m), LF_OK);
	assert_true(t.has_time);
	assert_int_equal(t.time, 1558434687);
	assert_in_range(t.time - m.epoch, 0, 5);
	assert_string_equal(t.time_rfc3339, "2019-05-21T10:31:27Z");
	SPAN_EQ(t.action, "inbox");
	SPAN_EQ(t.scanner_host,
	    "brightmail-100-112-203-185.az-c.eu-west-1.aws.symcld.net");
	assert_string_equal(t.scanner_ip, "100.112.203.185");
	assert_int_equal(t.nrulesets, 7);
	for (i = 0; i < 7; i++) {
		SPAN_EQ(t.rulesets[i].name, sets[i].name);
		assert_int_equal(t.rulesets[i].stamp, sets[i].stamp);
		assert_int_equal(t.rulesets[i].group, sets[i].group);
		assert_int_equal(t.rulesets[i].has_id, sets[i].id != 0);
		assert_int_equal(t.rulesets[i].id, sets[i].id);
		/* Published before the scan. */
		assert_true(t.rulesets[i].stamp <= t.time);
	}
	/* The signature is there; nothing here can say it is valid. */
	assert_int_equal(t.signature.n, 256);
	assert_true(t.signature.p == t.data + t.len - 256 - 6 - 5);
	SPAN_EQ(t.sig_digest, "sha1");
	SPAN_EQ(t.sig_algorithm, "rsa");
	lf_symantec_tracker_release(&t);
	assert_memory_equal(&t, &zeroed, sizeof(t));
	lf_symantec_tracker_release(&t);
	lf_symantec_tracker_release(NULL);
	free(v);
	lf_hblock_release(&s.b);
}

/* The samples whose tracker value is cut ("... (truncated)"). */
static void
tracker_cut_samples(void **state)
{
	static struct sample s;
	static const struct {
		const char *file;
		const char *ip; /* "" when none can be read */
		int64_t time;   /* 0 when cut */
	} cut[] = {{"symantec-ess-inbound-xen-2019.hdr", "209.85.167.44",
	               1558434687},
	    {"symantec-ess-outbound-fujitsu-2021.hdr", "62.60.8.148", 0},
	    {"symantec-ess-outbound-semtech-2025.hdr", "", 0}};
	struct lf_symantec_tracker t;
	struct seen seen;
	char ip[64];
	uint8_t *v;
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		load(&s, cut[i].file);
		v = tracker_value(&s, &n);
		assert_int_equal(decode(v, n, &t, &seen), LF_OK);
		check_tracker(&t);
		assert_true(saw(&seen, "symantec.tracker-base64"));
		assert_true(saw(&seen, "symantec.tracker-truncated"));
		assert_false(t.gzip_complete);
		assert_false(t.complete);
		assert_int_equal(t.signature.n, 0);
		assert_string_equal(t.client_ip, cut[i].ip);
		if (cut[i].ip[0] != '\0') {
			originating_ip(&s, ip, sizeof(ip));
			assert_string_equal(t.client_ip, ip);
			assert_int_equal(t.version, 3);
			SPAN_EQ(t.direction, "external");
			/* Two lines reach 2.5; fifty characters do not. */
			assert_int_equal(t.has_time, cut[i].time != 0);
			assert_int_equal(t.time, cut[i].time);
		} else {
			assert_int_equal(t.len, 0);
			assert_int_equal(t.nfields, 0);
		}
		lf_symantec_tracker_release(&t);
		free(v);
		lf_hblock_release(&s.b);
	}
}

/* ---- protoc --decode_raw ---- */

static void
escape(struct lf_buf *o, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '\n':
			lf_buf_printf(o, NULL, "\\n");
			break;
		case '\r':
			lf_buf_printf(o, NULL, "\\r");
			break;
		case '\t':
			lf_buf_printf(o, NULL, "\\t");
			break;
		case '"':
		case '\'':
		case '\\':
			lf_buf_printf(o, NULL, "\\%c", p[i]);
			break;
		default:
			if (p[i] < 0x20 || p[i] >= 0x7f)
				lf_buf_printf(o, NULL, "\\%03o", p[i]);
			else
				lf_buf_putc(o, p[i], NULL);
		}
	}
}

/* The fields as protoc --decode_raw prints them. */
static void
render(const struct lf_symantec_tracker *t, struct lf_buf *o)
{
	size_t i, d;

	for (i = 0; i < t->nfields; i++) {
		const struct lf_symantec_pbfield *f = &t->fields[i];
		for (d = 0; d < f->depth; d++)
			lf_buf_printf(o, NULL, "  ");
		if (f->message) {
			lf_buf_printf(o, NULL, "%u {\n", f->number);
		} else if (f->wire == LF_PB_VARINT) {
			lf_buf_printf(o, NULL, "%u: %llu\n", f->number,
			    (unsigned long long)f->value);
		} else if (f->wire == LF_PB_FIXED32) {
			lf_buf_printf(o, NULL, "%u: 0x%08llx\n", f->number,
			    (unsigned long long)f->value);
		} else if (f->wire == LF_PB_FIXED64) {
			lf_buf_printf(o, NULL, "%u: 0x%016llx\n", f->number,
			    (unsigned long long)f->value);
		} else {
			lf_buf_printf(o, NULL, "%u: \"", f->number);
			escape(o, t->data + f->offset, f->len);
			lf_buf_printf(o, NULL, "\"\n");
		}
		/* Close the messages this field was the last of. */
		d = f->depth;
		while (d > 0 &&
		    (i + 1 == t->nfields || t->fields[i + 1].depth < d)) {
			d--;
			for (size_t k = 0; k < d; k++)
				lf_buf_printf(o, NULL, "  ");
			lf_buf_printf(o, NULL, "}\n");
			if (i + 1 < t->nfields && t->fields[i + 1].depth == d)
				break;
		}
	}
}

static const char decode_script[] =
    "import base64, gzip, re, sys\n"
    "v = re.sub(rb'\\s', b'', open(sys.argv[1], 'rb').read())\n"
    "sys.stdout.buffer.write(gzip.decompress(base64.b64decode(v)))\n";

/* python3 (base64, gzip) | protoc --decode_raw over value v. */
static void
protoc_decode(const uint8_t *v, size_t n, struct lf_buf *o)
{
	char path[] = "/tmp/lf-symantec-XXXXXX", cmd[512], line[4096];
	FILE *f;
	int fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, v, n), (ssize_t)n);
	close(fd);
	setenv("LF_TRACKER_SCRIPT", decode_script, 1);
	snprintf(cmd, sizeof(cmd),
	    "python3 -c \"$LF_TRACKER_SCRIPT\" '%s' | protoc --decode_raw",
	    path);
	if ((f = popen(cmd, "r")) == NULL)
		fail_msg("cannot run python3 and protoc");
	while (fgets(line, sizeof(line), f) != NULL)
		assert_int_equal(lf_buf_append(o, line, strlen(line), NULL),
		    LF_OK);
	if (pclose(f) != 0)
		fail_msg("python3 or protoc failed (is protobuf-compiler "
		         "installed?)");
	unlink(path);
}

static void
compare_with_protoc(const uint8_t *v, size_t n)
{
	struct lf_symantec_tracker t;
	struct lf_buf ours, theirs;
	struct seen seen;

	lf_buf_init(&ours, 1 << 22);
	lf_buf_init(&theirs, 1 << 22);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(t.complete);
	render(&t, &ours);
	protoc_decode(v, n, &theirs);
	assert_true(theirs.len > 0);
	if (ours.len != theirs.len ||
	    memcmp(ours.data, theirs.data, ours.len) != 0)
		fail_msg("ours:\n%s\nprotoc:\n%s", ours.data, theirs.data);
	lf_symantec_tracker_release(&t);
	lf_buf_release(&ours);
	lf_buf_release(&theirs);
}

/* ---- building trackers ---- */

struct pbw {
	uint8_t b[1 << 20];
	size_t n;
};

static void
put_varint(struct pbw *w, uint64_t x)
{
	do {
		assert_true(w->n < sizeof(w->b));
		w->b[w->n++] = (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
		x >>= 7;
	} while (x != 0);
}

static void
put_key(struct pbw *w, uint32_t number, unsigned type)
{
	put_varint(w, (uint64_t)number << 3 | type);
}

static void
put_bytes(struct pbw *w, uint32_t number, const void *p, size_t n)
{
	put_key(w, number, LF_PB_BYTES);
	put_varint(w, n);
	assert_true(n <= sizeof(w->b) - w->n);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
put_fixed32(struct pbw *w, uint32_t number, uint32_t x)
{
	put_key(w, number, LF_PB_FIXED32);
	for (int i = 0; i < 4; i++)
		w->b[w->n++] = (uint8_t)(x >> (8 * i));
}

static void
put_fixed64(struct pbw *w, uint32_t number, uint64_t x)
{
	put_key(w, number, LF_PB_FIXED64);
	for (int i = 0; i < 8; i++)
		w->b[w->n++] = (uint8_t)(x >> (8 * i));
}

static void
put_msg(struct pbw *w, uint32_t number, const struct pbw *m)
{
	put_bytes(w, number, m->b, m->n);
}

static void
put_string(struct pbw *w, uint32_t number, const char *s)
{
	put_bytes(w, number, s, strlen(s));
}

/* p[0..n) as a gzip stream at level; a new buffer. */
static uint8_t *
gzip_of(const uint8_t *p, size_t n, int level, size_t *zn)
{
	size_t cap = compressBound((uLong)n) + 64;
	uint8_t *z = malloc(cap);
	z_stream s;

	assert_non_null(z);
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, 16 + MAX_WBITS, 8,
	                     Z_DEFAULT_STRATEGY),
	    Z_OK);
	s.next_in = (Bytef *)(uintptr_t)p;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*zn = s.total_out;
	deflateEnd(&s);
	return z;
}

/* base64, folded every 72 characters as the gateway folds; a new buffer
 * of exactly the value's size. */
static uint8_t *
base64_of(const uint8_t *z, size_t zn, size_t *outlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t chars = (zn + 2) / 3 * 4, i, k = 0, col = 0;
	uint8_t *v = malloc(chars + chars / 72 * 3 + 1);
	uint32_t x;

	assert_non_null(v);
	for (i = 0; i < zn; i += 3) {
		x = (uint32_t)z[i] << 16;
		if (i + 1 < zn)
			x |= (uint32_t)z[i + 1] << 8;
		if (i + 2 < zn)
			x |= z[i + 2];
		v[k++] = (uint8_t)b64[x >> 18];
		v[k++] = (uint8_t)b64[x >> 12 & 63];
		v[k++] = i + 1 < zn ? (uint8_t)b64[x >> 6 & 63] : '=';
		v[k++] = i + 2 < zn ? (uint8_t)b64[x & 63] : '=';
		if ((col += 4) == 72 && i + 3 < zn) {
			memcpy(v + k, "\r\n ", 3);
			k += 3;
			col = 0;
		}
	}
	*outlen = k;
	return v;
}

/* A tracker value of protocol buffer bytes p[0..n); a new buffer. */
static uint8_t *
tracker_of(const uint8_t *p, size_t n, int level, size_t *outlen)
{
	size_t zn;
	uint8_t *z = gzip_of(p, n, level, &zn), *v;

	v = base64_of(z, zn, outlen);
	free(z);
	return v;
}

/* A tracker of the layout found on the samples, with made-up values. */
static void
synthetic(struct pbw *top, bool ipv6)
{
	static const uint8_t ip4[] = {192, 0, 2, 7},
	                     scanner[] = {198, 51, 100, 9},
	                     ip6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0,
	                         0, 0, 0, 0, 0, 1};
	static struct pbw rec, addr, sub, set;
	uint8_t sig[128];

	memset(sig, 0x5a, sizeof(sig));
	rec.n = addr.n = sub.n = set.n = top->n = 0;
	put_string(&rec, 3, "external");
	put_bytes(&addr, 1, ipv6 ? ip6 : ip4, ipv6 ? 16 : 4);
	put_msg(&rec, 4, &addr);
	put_fixed32(&rec, 5, 1700000000);
	put_key(&rec, 6, LF_PB_VARINT);
	put_varint(&rec, UINT64_MAX);
	put_fixed64(&rec, 7, 0x0123456789abcdefull);
	put_string(&rec, 11, "inbox\n\"q\"\\\x01\xff");
	put_string(&rec, 21, "scanner.example.net");
	addr.n = 0;
	put_bytes(&addr, 1, scanner, 4);
	put_msg(&rec, 22, &addr);
	put_fixed32(&set, 1, 1699999000);
	put_string(&set, 2, "spamsig_rules");
	put_key(&sub, 1, LF_PB_VARINT);
	put_varint(&sub, 12);
	put_msg(&sub, 4, &set);
	put_msg(&rec, 24, &sub);
	put_key(top, 1, LF_PB_VARINT);
	put_varint(top, 3);
	put_msg(top, 2, &rec);
	put_bytes(top, 3, sig, sizeof(sig));
	put_string(top, 4, "sha256");
	put_string(top, 5, "rsa");
}

static void
tracker_against_protoc(void **state)
{
	static struct sample s;
	static struct pbw w;
	uint8_t *v;
	size_t n;

	(void)state;
	load(&s, "symantec-ess-inbound-xen-2019.full.hdr");
	v = tracker_value(&s, &n);
	compare_with_protoc(v, n);
	free(v);
	lf_hblock_release(&s.b);
	synthetic(&w, false);
	v = tracker_of(w.b, w.n, 9, &n);
	compare_with_protoc(v, n);
	free(v);
}

static void
tracker_synthetic(void **state)
{
	static struct pbw w;
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *v;
	size_t n;

	(void)state;
	synthetic(&w, true);
	v = tracker_of(w.b, w.n, 0, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_int_equal(seen.n, 0);
	check_tracker(&t);
	assert_true(t.complete);
	assert_string_equal(t.client_ip, "2001:db8::1");
	assert_int_equal(t.client_family, AF_INET6);
	assert_string_equal(t.scanner_ip, "198.51.100.9");
	assert_int_equal(t.time, 1700000000);
	assert_string_equal(t.time_rfc3339, "2023-11-14T22:13:20Z");
	assert_int_equal(t.nrulesets, 1);
	assert_int_equal(t.rulesets[0].id, 12);
	assert_int_equal(t.signature.n, 128);
	SPAN_EQ(t.sig_digest, "sha256");
	assert_int_equal(t.fields[6].number, 6);
	assert_int_equal(t.fields[6].wire, LF_PB_VARINT);
	assert_int_equal(t.fields[6].value, UINT64_MAX);
	assert_int_equal(t.fields[7].wire, LF_PB_FIXED64);
	assert_int_equal(t.fields[7].value, 0x0123456789abcdefull);
	lf_symantec_tracker_release(&t);
	free(v);
}

/* Cut the xen tracker at every byte of its value. */
static void
tracker_truncated(void **state)
{
	static struct sample s;
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *v, *p;
	size_t n, k, ips = 0;
	int rc;

	(void)state;
	load(&s, "symantec-ess-inbound-xen-2019.full.hdr");
	v = tracker_value(&s, &n);
	for (k = 0; k < n; k++) {
		p = malloc(k + 1);
		assert_non_null(p);
		memcpy(p, v, k);
		rc = decode(p, k, &t, &seen);
		if (rc == LF_E_FORMAT) {
			/* Only before the gzip magic is whole. */
			assert_true(k < 4);
			free(p);
			continue;
		}
		assert_int_equal(rc, LF_OK);
		check_tracker(&t);
		/* Only the padding may go. */
		assert_int_equal(t.complete, k == n - 1);
		if (t.client_ip[0] != '\0') {
			assert_string_equal(t.client_ip, "209.85.167.44");
			ips++;
		}
		if (t.has_time)
			assert_int_equal(t.time, 1558434687);
		if (t.signature.p != NULL)
			assert_int_equal(t.signature.n, 256);
		if (t.scanner_host.p != NULL)
			SPAN_EQ(t.scanner_host,
			    "brightmail-100-112-203-185.az-"
			    "c.eu-west-1.aws.symcld.net");
		lf_symantec_tracker_release(&t);
		free(p);
	}
	/* The address is readable from a short prefix on. */
	assert_true(ips > n - 100);
	free(v);
	lf_hblock_release(&s.b);
}

static void
tracker_not_gzip(void **state)
{
	struct lf_symantec_tracker t;
	struct seen seen;
	struct lf_error err;

	(void)state;
	memset(&t, 0xa5, sizeof(t));
	assert_int_equal(decode(S(""), &t, &seen), LF_E_FORMAT);
	assert_int_equal(decode(S(" \r\n\t"), &t, &seen), LF_E_FORMAT);
	assert_int_equal(decode(S("aGVsbG8="), &t, &seen), LF_E_FORMAT);
	assert_int_equal(decode(S("H4"), &t, &seen), LF_E_FORMAT);
	assert_int_equal(decode(S("=H4sI"), &t, &seen), LF_E_FORMAT);
	assert_true(saw(&seen, "symantec.tracker-base64"));
	assert_int_equal(decode(S("*H4sIAAAA"), &t, &seen), LF_E_FORMAT);
	assert_int_equal(t.len, (size_t)0xa5a5a5a5a5a5a5a5ull);
	assert_int_equal(lf_symantec_tracker(S("x"), NULL, NULL, NULL, &err),
	    LF_E_INVAL);
	assert_int_equal(lf_symantec_tracker(NULL, 1, &t, NULL, NULL, NULL),
	    LF_E_INVAL);
}

static void
tracker_base64_damage(void **state)
{
	static struct pbw w;
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *v, *p;
	size_t n;

	(void)state;
	synthetic(&w, false);
	v = tracker_of(w.b, w.n, 6, &n);
	p = malloc(n + 8);
	assert_non_null(p);
	/* Text after the padding is not read. */
	memcpy(p, v, n);
	assert_int_equal(p[n - 1], '=');
	memcpy(p + n, " AAAA", 5);
	assert_int_equal(decode(p, n + 5, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-base64"));
	assert_true(t.complete);
	lf_symantec_tracker_release(&t);
	free(p);
	free(v);
	/* No padding at all is fine; a lone last character is not.  22
	 * bytes of gzip: 30 characters without the padding, no folding. */
	v = tracker_of((const uint8_t *)"\x08\x03", 2, 9, &n);
	assert_int_equal(n, 32);
	assert_memory_equal(v + 30, "==", 2);
	p = malloc(n + 8);
	assert_non_null(p);
	memcpy(p, v, 30);
	assert_int_equal(decode(p, 30, &t, &seen), LF_OK);
	assert_int_equal(seen.n, 0);
	assert_true(t.complete);
	lf_symantec_tracker_release(&t);
	memcpy(p + 30, "AAA", 3);
	assert_int_equal(decode(p, 31, &t, &seen), LF_OK);
	assert_false(saw(&seen, "symantec.tracker-base64-end"));
	lf_symantec_tracker_release(&t);
	assert_int_equal(decode(p, 33, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-base64-end"));
	assert_true(saw(&seen, "symantec.tracker-trailing"));
	lf_symantec_tracker_release(&t);
	free(p);
	free(v);
	synthetic(&w, false);
	v = tracker_of(w.b, w.n, 6, &n);
	p = malloc(n);
	assert_non_null(p);
	/* A byte base64 cannot hold in the middle. */
	memcpy(p, v, n);
	p[40] = '.';
	assert_int_equal(decode(p, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-base64"));
	assert_true(saw(&seen, "symantec.tracker-truncated"));
	assert_false(t.complete);
	lf_symantec_tracker_release(&t);
	free(p);
	free(v);
}

static void
tracker_gzip_damage(void **state)
{
	static struct pbw w;
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *v;
	size_t n, k;

	(void)state;
	synthetic(&w, false);
	/* Level 0: stored blocks, so the trailer's place is known. */
	v = tracker_of(w.b, w.n, 0, &n);
	/* Change a base64 character of the CRC-32 (the last 8 bytes of
	 * the stream, the last 11 or 12 characters). */
	k = n - 10;
	while (v[k] == '\r' || v[k] == '\n' || v[k] == ' ')
		k--;
	v[k] = v[k] == 'A' ? 'B' : 'A';
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-gzip"));
	assert_false(t.gzip_complete);
	assert_false(t.complete);
	/* The data itself was whole. */
	assert_string_equal(t.client_ip, "192.0.2.7");
	assert_int_equal(t.signature.n, 128);
	lf_symantec_tracker_release(&t);
	free(v);
	/* Damage in the deflate data. */
	v = tracker_of(w.b, w.n, 9, &n);
	v[30] = v[30] == '/' ? '+' : '/';
	v[31] = v[31] == '/' ? '+' : '/';
	v[32] = v[32] == '/' ? '+' : '/';
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	check_tracker(&t);
	assert_false(t.complete);
	assert_true(saw(&seen, "symantec.tracker-gzip") ||
	    saw(&seen, "symantec.tracker-protobuf"));
	lf_symantec_tracker_release(&t);
	free(v);
}

static void
tracker_trailing(void **state)
{
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *z, *two, *v;
	size_t zn, n;

	(void)state;
	/* Two gzip members: the second is reported, not read. */
	z = gzip_of((const uint8_t *)"\x08\x03", 2, 9, &zn);
	two = malloc(2 * zn);
	assert_non_null(two);
	memcpy(two, z, zn);
	memcpy(two + zn, z, zn);
	v = base64_of(two, 2 * zn, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-trailing"));
	assert_true(t.complete);
	assert_int_equal(t.nfields, 1);
	assert_int_equal(t.version, 3);
	lf_symantec_tracker_release(&t);
	free(v);
	free(two);
	free(z);
}

/* zlib-made bombs: the output stops at the limits, and fast. */
static void
tracker_gzip_bomb(void **state)
{
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *zeros, *v;
	size_t n, big = 16u << 20, limit;

	(void)state;
	zeros = calloc(1, big);
	assert_non_null(zeros);
	/* 16 MiB to about 16 KiB: the 64 KiB cap stops it. */
	v = tracker_of(zeros, big, 9, &n);
	assert_true(n < LF_SYMANTEC_TRACKER_IN_MAX);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-limit"));
	assert_int_equal(t.len, LF_SYMANTEC_TRACKER_OUT_MAX);
	assert_false(t.complete);
	/* Zeros are no protocol buffer field (field number 0). */
	assert_true(saw(&seen, "symantec.tracker-protobuf"));
	assert_int_equal(t.nfields, 0);
	lf_symantec_tracker_release(&t);
	free(v);
	/* 1 MiB to about 1 KiB: the ratio stops it first. */
	v = tracker_of(zeros, 1u << 20, 9, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-limit"));
	limit = 4096 + t.compressed_len * LF_SYMANTEC_TRACKER_RATIO;
	assert_true(limit < LF_SYMANTEC_TRACKER_OUT_MAX);
	assert_int_equal(t.len, limit);
	lf_symantec_tracker_release(&t);
	free(v);
	free(zeros);
}

static void
tracker_limits(void **state)
{
	static struct pbw w, inner, outer;
	struct lf_symantec_tracker t;
	struct seen seen;
	uint8_t *v, *big;
	size_t n, i, messages = 0;

	(void)state;
	/* Nesting 100 deep: messages down to the depth cap, then bytes. */
	inner.n = 0;
	put_key(&inner, 1, LF_PB_VARINT);
	put_varint(&inner, 42);
	for (i = 0; i < 100; i++) {
		outer.n = 0;
		put_msg(&outer, 1, &inner);
		inner = outer;
	}
	v = tracker_of(inner.b, inner.n, 9, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	check_tracker(&t);
	assert_true(t.complete);
	assert_int_equal(t.nfields, LF_SYMANTEC_PB_DEPTH);
	for (i = 0; i < t.nfields; i++)
		messages += t.fields[i].message;
	assert_int_equal(messages, LF_SYMANTEC_PB_DEPTH - 1);
	assert_false(t.fields[t.nfields - 1].message);
	assert_int_equal(t.fields[t.nfields - 1].wire, LF_PB_BYTES);
	lf_symantec_tracker_release(&t);
	free(v);
	/* More fields than the limit. */
	w.n = 0;
	for (i = 0; i < 3 * LF_SYMANTEC_PB_FIELDS; i++) {
		put_key(&w, 7, LF_PB_VARINT);
		put_varint(&w, i);
	}
	v = tracker_of(w.b, w.n, 9, &n);
	assert_int_equal(decode(v, n, &t, &seen), LF_OK);
	assert_true(saw(&seen, "symantec.tracker-limit"));
	assert_int_equal(t.nfields, LF_SYMANTEC_PB_FIELDS);
	assert_false(t.complete);
	lf_symantec_tracker_release(&t);
	free(v);
	/* More base64 than the limit. */
	big = malloc(LF_SYMANTEC_TRACKER_IN_MAX + 100);
	assert_non_null(big);
	synthetic(&w, false);
	v = tracker_of(w.b, w.n, 9, &n);
	memcpy(big, v, 8); /* "H4sI" and on: a gzip start */
	memset(big + 8, 'A', LF_SYMANTEC_TRACKER_IN_MAX + 92);
	assert_int_equal(decode(big, LF_SYMANTEC_TRACKER_IN_MAX + 100, &t,
	                     &seen),
	    LF_OK);
	assert_true(saw(&seen, "symantec.tracker-limit"));
	assert_true(t.compressed_len <= LF_SYMANTEC_TRACKER_IN_MAX / 4 * 3);
	lf_symantec_tracker_release(&t);
	free(v);
	free(big);
}

/* A tracker of the given protocol buffer bytes; checks and returns it. */
static void
pb_case(const uint8_t *p, size_t n, struct lf_symantec_tracker *t,
    struct seen *seen)
{
	uint8_t *v;
	size_t vn;

	v = tracker_of(p, n, 6, &vn);
	assert_int_equal(decode(v, vn, t, seen), LF_OK);
	check_tracker(t);
	free(v);
}

static void
tracker_bad_protobuf(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
		size_t nfields;
		const char *code; /* NULL: none */
	} cases[] = {
	    /* A varint of eleven bytes. */
	    {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12, 0,
	        "symantec.tracker-protobuf"},
	    /* A tenth byte above 1: more than 64 bits. */
	    {"\x08\x01\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 13, 1,
	        "symantec.tracker-protobuf"},
	    /* The largest varint there is. */
	    {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, 1, NULL},
	    /* Field number 0; wire types 3, 4, 6, 7. */
	    {"\x08\x01\x00\x01", 4, 1, "symantec.tracker-protobuf"},
	    {"\x0b\x0c", 2, 0, "symantec.tracker-protobuf"},
	    {"\x0c", 1, 0, "symantec.tracker-protobuf"},
	    {"\x0e\x01", 2, 0, "symantec.tracker-protobuf"},
	    {"\x0f\x01", 2, 0, "symantec.tracker-protobuf"},
	    /* A field number past 2^29 - 1. */
	    {"\x80\x80\x80\x80\x10\x01", 6, 0, "symantec.tracker-protobuf"},
	    /* Lengths past the end, up to 2^64 - 1. */
	    {"\x12\x05\x01\x02", 4, 1, "symantec.tracker-protobuf"},
	    {"\x12\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x01", 12, 1,
	        "symantec.tracker-protobuf"},
	    /* A varint, fixed32 and fixed64 cut at the end. */
	    {"\x08\x01\x08\x80", 4, 1, "symantec.tracker-protobuf"},
	    {"\x0d\x01\x02\x03", 4, 0, "symantec.tracker-protobuf"},
	    {"\x09\x01\x02\x03\x04\x05\x06\x07", 8, 0,
	        "symantec.tracker-protobuf"},
	    /* An empty message; an empty bytes field. */
	    {"", 0, 0, NULL},
	    {"\x3a\x00", 2, 1, NULL},
	};
	struct lf_symantec_tracker t;
	struct seen seen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pb_case((const uint8_t *)cases[i].bytes, cases[i].n, &t, &seen);
		if (t.nfields != cases[i].nfields)
			fail_msg("case %zu: %zu fields", i, t.nfields);
		if (cases[i].code != NULL) {
			if (!saw(&seen, cases[i].code))
				fail_msg("case %zu: %s", i, seen.codes);
			assert_false(t.complete);
		} else if (seen.n != 0 || !t.complete) {
			fail_msg("case %zu: %s", i, seen.codes);
		}
		lf_symantec_tracker_release(&t);
	}
	/* A bytes field holding a bad varint stays bytes. */
	pb_case((const uint8_t *)"\x12\x02\x08\x80", 4, &t, &seen);
	assert_int_equal(t.nfields, 1);
	assert_false(t.fields[0].message);
	assert_true(t.complete);
	lf_symantec_tracker_release(&t);
}

static void
tracker_layout_oddities(void **state)
{
	static struct pbw w, rec, addr;
	struct lf_symantec_tracker t;
	struct seen seen;

	(void)state;
	/* An address of 5 bytes, the time twice and as a varint once. */
	w.n = rec.n = addr.n = 0;
	put_bytes(&addr, 1, "\x01\x02\x03\x04\x05", 5);
	put_msg(&rec, 4, &addr);
	put_fixed32(&rec, 5, 100);
	put_fixed32(&rec, 5, 200);
	put_key(&rec, 3, LF_PB_VARINT);
	put_varint(&rec, 1);
	put_msg(&w, 2, &rec);
	pb_case(w.b, w.n, &t, &seen);
	assert_true(saw(&seen, "symantec.tracker-layout"));
	assert_true(saw(&seen, "symantec.tracker-duplicate"));
	assert_string_equal(t.client_ip, "");
	assert_int_equal(t.client_family, 0);
	assert_int_equal(t.time, 100);
	assert_null(t.direction.p);
	lf_symantec_tracker_release(&t);
	/* Field 2 that is no message. */
	w.n = 0;
	put_string(&w, 2, "plain");
	pb_case(w.b, w.n, &t, &seen);
	assert_true(saw(&seen, "symantec.tracker-layout"));
	assert_null(t.record.p);
	assert_false(t.has_version);
	lf_symantec_tracker_release(&t);
}

static void
allocation_failures(void **state)
{
	static struct sample s;
	struct lf_symantec_tracker t;
	struct lf_error err;
	struct seen seen;
	uint8_t *v;
	size_t n;
	long k;
	int rc = LF_E_NOMEM;

	(void)state;
	load(&s, "symantec-ess-inbound-xen-2019.full.hdr");
	v = tracker_value(&s, &n);
	for (k = 0; k < 100 && rc == LF_E_NOMEM; k++) {
		memset(&t, 0xa5, sizeof(t));
		memset(&seen, 0, sizeof(seen));
		failalloc_after(k);
		rc = lf_symantec_tracker(v, n, &t, record, &seen, &err);
		failalloc_off();
		if (rc == LF_E_NOMEM) {
			assert_int_equal(err.code, LF_E_NOMEM);
			assert_int_equal(t.len, (size_t)0xa5a5a5a5a5a5a5a5ull);
		}
	}
	assert_true(k > 3); /* base64, zlib state and window, output, fields */
	assert_int_equal(rc, LF_OK);
	assert_string_equal(t.client_ip, "209.85.167.44");
	lf_symantec_tracker_release(&t);
	free(v);
	lf_hblock_release(&s.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(msgref_samples),
	    cmocka_unit_test(msgref_forms),
	    cmocka_unit_test(msgref_truncated),
	    cmocka_unit_test(queue_samples),
	    cmocka_unit_test(queue_forms),
	    cmocka_unit_test(starscan_samples),
	    cmocka_unit_test(spamreason_variants),
	    cmocka_unit_test(tracker_xen_full),
	    cmocka_unit_test(tracker_cut_samples),
	    cmocka_unit_test(tracker_against_protoc),
	    cmocka_unit_test(tracker_synthetic),
	    cmocka_unit_test(tracker_truncated),
	    cmocka_unit_test(tracker_not_gzip),
	    cmocka_unit_test(tracker_base64_damage),
	    cmocka_unit_test(tracker_gzip_damage),
	    cmocka_unit_test(tracker_trailing),
	    cmocka_unit_test(tracker_gzip_bomb),
	    cmocka_unit_test(tracker_limits),
	    cmocka_unit_test(tracker_bad_protobuf),
	    cmocka_unit_test(tracker_layout_oddities),
	    cmocka_unit_test(allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
