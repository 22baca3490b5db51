/*
 * lf_arc.c: ARC chain validation (RFC 8617 5.2) on top of the DKIM
 * verifier.
 *
 * The ARC-Message-Signatures are DKIM signatures under another name: a
 * DKIM verifier of that kind hashes their bodies in the same pass.  The
 * seals are checked at the end: each signs, with relaxed
 * canonicalization, the ARC fields of sets 1 to i in increasing order,
 * each set as ARC-Authentication-Results, ARC-Message-Signature,
 * ARC-Seal, the seal itself last with its b= emptied and no line end.
 * Sets are found by their i= values, not by position in the header.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lf/arc.h"
#include "lf_dkim_impl.h"

#define MAX_FIELDS (3 * LF_ARC_MAX_SETS)

enum arc_kind { AAR, AMS, SEAL, NKINDS };

static const char *const kind_names[NKINDS] = {"ARC-Authentication-Results",
    "ARC-Message-Signature", "ARC-Seal"};

struct arc_field {
	size_t index; /* in the hblock */
	enum arc_kind kind;
	unsigned instance;       /* 0: none valid */
	struct lf_dkim_sig seal; /* parsed, for a seal */
	bool parsed;
};

struct lf_arc_verify {
	const struct lf_hblock *hb;
	struct lf_dkim_options o; /* max_sigs raised to a chain's length */
	lf_anomaly_fn anomaly;
	void *arg;
	struct lf_dkim_verify *ams;
	bool done;
};

static void
note(struct lf_arc_verify *v, const char *code, uint64_t off,
    const char *detail)
{
	struct lf_anomaly a = {code, LF_SEV_MEDIUM, off, detail};

	if (v->anomaly != NULL)
		v->anomaly(v->arg, &a);
}

const char *
lf_arc_cv_name(enum lf_arc_cv cv)
{
	return cv == LF_ARC_PASS ? "pass" : cv == LF_ARC_FAIL ? "fail" : "none";
}

int
lf_arc_verify_new(const struct lf_hblock *hb, const struct lf_dkim_options *o,
    lf_anomaly_fn anomaly, void *arg, struct lf_arc_verify **out,
    struct lf_error *err)
{
	struct lf_arc_verify *v;
	int rc;

	if (hb == NULL || o == NULL || out == NULL)
		return lf_error_set(err, LF_E_INVAL, "arc: bad call");
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "arc");
	v->hb = hb;
	v->o = *o;
	v->o.max_sigs = LF_ARC_MAX_SETS;
	v->anomaly = anomaly;
	v->arg = arg;
	rc = lf_dkim_verify_new_kind(hb, &v->o, LF_DKIM_KIND_AMS, NULL, NULL,
	    &v->ams, err);
	if (rc != LF_OK) {
		free(v);
		return rc;
	}
	*out = v;
	return LF_OK;
}

int
lf_arc_verify_body(struct lf_arc_verify *v, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	if (v == NULL || v->done)
		return lf_error_set(err, LF_E_INVAL, "arc: bad call");
	return lf_dkim_verify_body(v->ams, p, n, err);
}

/* ---- The fields ---- */

static bool
real_field(const struct lf_hfield *f)
{
	return f->value > f->name + f->name_len;
}

/* The i= that starts an ARC-Authentication-Results value ("i=1; ..."). */
static unsigned
aar_instance(const struct lf_hfield *f)
{
	const uint8_t *p = f->value, *e = f->value + f->value_len;
	unsigned v = 0;
	size_t digits = 0;

	while (p < e && strchr(" \t\r\n", *p) != NULL)
		p++;
	if (p == e || *p++ != 'i')
		return 0;
	while (p < e && strchr(" \t\r\n", *p) != NULL)
		p++;
	if (p == e || *p++ != '=')
		return 0;
	while (p < e && strchr(" \t\r\n", *p) != NULL)
		p++;
	for (; p < e && *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		v = v * 10 + (unsigned)(*p - '0');
	while (p < e && strchr(" \t\r\n", *p) != NULL)
		p++;
	if (digits == 0 || p == e || *p != ';' || v < 1 || v > LF_ARC_MAX_SETS)
		return 0;
	return v;
}

static int
arc_kind_of(const struct lf_hfield *f)
{
	int k;

	for (k = 0; k < NKINDS; k++)
		if (real_field(f) && lf_hfield_is(f, kind_names[k]))
			return k;
	return -1;
}

/* How many ARC fields the header has; the offset of the one past the
 * limit in *over, if any. */
static size_t
count_fields(const struct lf_hblock *hb, uint64_t *over)
{
	size_t i, n = 0;

	for (i = 0; i < hb->count; i++)
		if (arc_kind_of(&hb->fields[i]) >= 0 && ++n == MAX_FIELDS + 1)
			*over = hb->fields[i].offset;
	return n;
}

/* The ARC fields of the header, parsed, into fs; *n of them. */
static int
collect(struct lf_arc_verify *v, struct arc_field *fs, size_t *n,
    struct lf_error *err)
{
	const struct lf_hblock *hb = v->hb;
	size_t i;
	int k, rc;

	*n = 0;
	for (i = 0; i < hb->count; i++) {
		struct arc_field *a;

		if ((k = arc_kind_of(&hb->fields[i])) < 0)
			continue;
		a = &fs[*n];
		memset(a, 0, sizeof(*a));
		a->index = i;
		a->kind = (enum arc_kind)k;
		if (k == AAR) {
			a->instance = aar_instance(&hb->fields[i]);
		} else if (k == SEAL) {
			rc = lf_dkim_sig_parse_kind(hb->fields[i].value,
			    hb->fields[i].value_len, &v->o, LF_DKIM_KIND_SEAL,
			    &a->seal, err);
			if (rc != LF_OK)
				return rc;
			a->parsed = true;
			a->instance = a->seal.instance;
		}
		/* An AMS's instance comes from the DKIM verifier's parse. */
		(*n)++;
	}
	return LF_OK;
}

/* ---- Seals ---- */

static int
md_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	if (EVP_DigestUpdate(arg, p, n) != 1)
		return lf_error_set(err, LF_E_CRYPTO, "arc: seal hash");
	return LF_OK;
}

static int
seal_hash(struct lf_arc_verify *v, const struct lf_arc_set *sets,
    const struct lf_dkim_sig *s, unsigned inst, uint8_t *digest, unsigned *dlen,
    struct lf_error *err)
{
	const struct lf_hfield *fields = v->hb->fields;
	const struct lf_hfield *self = &fields[sets[inst - 1].seal];
	const uint8_t *cut;
	size_t cut_len;
	EVP_MD_CTX *ctx;
	unsigned j;
	int rc = LF_OK;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, lf_dkim_alg_md(s->alg), NULL) != 1) {
		rc = lf_error_set(err, LF_E_CRYPTO, "arc: seal hash");
		goto out;
	}
	for (j = 1; j <= inst && rc == LF_OK; j++) {
		const struct lf_arc_set *set = &sets[j - 1];

		rc = lf_dkim_canon_header(&fields[set->aar], LF_DKIM_RELAXED,
		    true, NULL, 0, md_sink, ctx, err);
		if (rc == LF_OK)
			rc = lf_dkim_canon_header(&fields[set->ams],
			    LF_DKIM_RELAXED, true, NULL, 0, md_sink, ctx, err);
		if (rc == LF_OK && j < inst)
			rc = lf_dkim_canon_header(&fields[set->seal],
			    LF_DKIM_RELAXED, true, NULL, 0, md_sink, ctx, err);
	}
	lf_dkim_b_cut(self, s, &cut, &cut_len);
	if (rc == LF_OK)
		rc = lf_dkim_canon_header(self, LF_DKIM_RELAXED, false, cut,
		    cut_len, md_sink, ctx, err);
	if (rc == LF_OK && EVP_DigestFinal_ex(ctx, digest, dlen) != 1)
		rc = lf_error_set(err, LF_E_CRYPTO, "arc: seal hash");
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Judge the seal of set inst into sets[inst - 1]. */
static int
seal_verify(struct lf_arc_verify *v, struct lf_arc_set *sets,
    const struct lf_dkim_sig *s, unsigned inst, struct lf_error *err)
{
	struct lf_arc_set *set = &sets[inst - 1];
	struct lf_dkim_key key;
	uint8_t digest[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;
	bool have = false;
	int rc = LF_OK;

	set->seal_verdict = s->status;
	set->seal_reason = s->reason;
	if (s->status != LF_DKIM_PASS)
		return LF_OK;
	if (s->alg == LF_DKIM_RSA_SHA1) {
		set->seal_verdict = LF_DKIM_UNSUPPORTED;
		set->seal_reason = "rsa-sha1 in ARC (RFC 8301)";
		return LF_OK;
	}
	memset(&key, 0, sizeof(key));
	rc = lf_dkim_key_for(&v->o, s, &key, &have, &set->seal_verdict,
	    &set->seal_reason, err);
	if (rc != LF_OK || set->seal_verdict != LF_DKIM_PASS)
		goto out;
	if ((rc = seal_hash(v, sets, s, inst, digest, &dlen, err)) != LF_OK)
		goto out;
	if (!lf_dkim_verify_digest(key.pkey, s->alg, s->sig, s->sig_len, digest,
	        dlen)) {
		set->seal_verdict = LF_DKIM_FAIL_SIGNATURE;
		set->seal_reason = "the seal does not verify";
	}
out:
	if (have)
		lf_dkim_key_release(&key);
	return rc;
}

/* ---- The chain ---- */

struct chain {
	struct lf_arc_report rep;
	bool decided;
};

static void
chain_fail(struct chain *c, const char *reason, unsigned inst)
{
	if (c->decided)
		return;
	c->decided = true;
	c->rep.cv = LF_ARC_FAIL;
	c->rep.reason = reason;
	c->rep.failed = inst;
}

static enum lf_arc_cv
parse_cv(const struct lf_dkim_str *cv, bool *ok)
{
	*ok = true;
	if (cv->n == 4 && strncasecmp((const char *)cv->p, "none", 4) == 0)
		return LF_ARC_NONE;
	if (cv->n == 4 && strncasecmp((const char *)cv->p, "pass", 4) == 0)
		return LF_ARC_PASS;
	*ok = cv->n == 4 && strncasecmp((const char *)cv->p, "fail", 4) == 0;
	return LF_ARC_FAIL;
}

/* Place each field in its set; false when the sets are not complete. */
static bool
build_sets(struct lf_arc_verify *v, struct arc_field *fs, size_t n,
    const struct lf_dkim_report *ams, struct chain *c, unsigned *max)
{
	struct lf_arc_set *sets = c->rep.sets;
	size_t i, k;
	unsigned inst;

	for (i = 0; i < n; i++) {
		struct lf_arc_set *set;
		size_t *slot;

		if (fs[i].kind == AMS) {
			for (k = 0; k < ams->count; k++)
				if (ams->results[k].field == fs[i].index)
					fs[i].instance =
					    ams->results[k].sig.instance;
		}
		inst = fs[i].instance;
		if (inst == 0) {
			note(v, "arc.bad-instance",
			    v->hb->fields[fs[i].index].offset,
			    kind_names[fs[i].kind]);
			chain_fail(c, "an ARC field without a valid i=", 0);
			return false;
		}
		if (inst > *max)
			*max = inst;
		set = &sets[inst - 1];
		set->instance = inst;
		slot = fs[i].kind == AAR ? &set->aar :
		    fs[i].kind == AMS    ? &set->ams :
		                           &set->seal;
		if (*slot != SIZE_MAX) {
			chain_fail(c, "two ARC fields of one kind in a set",
			    inst);
			return false;
		}
		*slot = fs[i].index;
	}
	for (inst = 1; inst <= *max; inst++) {
		const struct lf_arc_set *set = &sets[inst - 1];

		if (set->aar == SIZE_MAX || set->ams == SIZE_MAX ||
		    set->seal == SIZE_MAX) {
			chain_fail(c, "an ARC set is missing or incomplete",
			    inst);
			return false;
		}
	}
	return true;
}

/* Validate the complete sets 1 to max. */
static int
validate(struct lf_arc_verify *v, struct arc_field *fs, size_t n,
    const struct lf_dkim_report *ams, struct chain *c, unsigned max,
    struct lf_error *err)
{
	struct lf_arc_set *sets = c->rep.sets;
	const struct lf_dkim_sig *seal[LF_ARC_MAX_SETS];
	unsigned inst;
	size_t i, k;
	bool ok;
	int rc;

	for (i = 0; i < n; i++) {
		struct lf_arc_set *set = &sets[fs[i].instance - 1];

		if (fs[i].kind == SEAL) {
			seal[fs[i].instance - 1] = &fs[i].seal;
			set->seal_d = fs[i].seal.d;
			set->seal_s = fs[i].seal.s;
			set->cv = parse_cv(&fs[i].seal.cv, &ok);
			if (!ok)
				chain_fail(c,
				    "a seal's cv= is not none, pass "
				    "or fail",
				    fs[i].instance);
		}
		for (k = 0; fs[i].kind == AMS && k < ams->count; k++) {
			const struct lf_dkim_result *r = &ams->results[k];

			if (r->field != fs[i].index)
				continue;
			set->ams_verdict = r->verdict;
			set->ams_reason = r->reason;
			set->ams_d = r->sig.d;
			set->ams_s = r->sig.s;
		}
	}
	for (inst = max; inst >= 1; inst--)
		if ((rc = seal_verify(v, sets, seal[inst - 1], inst, err)) !=
		    LF_OK)
			return rc;
	if (sets[max - 1].cv == LF_ARC_FAIL)
		chain_fail(c, "the newest seal says cv=fail", max);
	if (sets[max - 1].ams_verdict != LF_DKIM_PASS)
		chain_fail(c,
		    "the newest ARC-Message-Signature does not "
		    "verify",
		    max);
	for (inst = max; inst >= 1; inst--) {
		if (sets[inst - 1].seal_verdict != LF_DKIM_PASS)
			chain_fail(c, "an ARC-Seal does not verify", inst);
		if ((inst == 1) != (sets[inst - 1].cv == LF_ARC_NONE) ||
		    sets[inst - 1].cv == LF_ARC_FAIL)
			chain_fail(c,
			    "a seal's cv= is not what its place "
			    "requires (none first, then pass)",
			    inst);
	}
	if (!c->decided)
		c->rep.cv = LF_ARC_PASS;
	return LF_OK;
}

int
lf_arc_verify_finish(struct lf_arc_verify *v, struct lf_arc_report *out,
    struct lf_error *err)
{
	struct arc_field *fs = NULL;
	struct lf_dkim_report ams = {NULL, 0, 0};
	struct chain c;
	size_t n = 0, i, count;
	uint64_t over = 0;
	unsigned max = 0;
	int rc;

	if (v == NULL || out == NULL || v->done)
		return lf_error_set(err, LF_E_INVAL, "arc: bad call");
	v->done = true;
	memset(&c, 0, sizeof(c));
	if ((rc = lf_dkim_verify_finish(v->ams, &ams, err)) != LF_OK)
		return rc;
	count = count_fields(v->hb, &over);
	if (count > MAX_FIELDS) {
		note(v, "arc.limit", over, "more ARC fields than 50 sets hold");
		chain_fail(&c, "more ARC fields than the limit", 0);
		goto done;
	}
	if (count > 0 && (fs = calloc(count, sizeof(*fs))) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "arc");
		goto out;
	}
	if ((rc = collect(v, fs, &n, err)) != LF_OK)
		goto out;
	if (n > 0) {
		c.rep.sets = calloc(LF_ARC_MAX_SETS, sizeof(*c.rep.sets));
		if (c.rep.sets == NULL) {
			rc = lf_error_set(err, LF_E_NOMEM, "arc");
			goto out;
		}
		for (i = 0; i < LF_ARC_MAX_SETS; i++)
			c.rep.sets[i].aar = c.rep.sets[i].ams =
			    c.rep.sets[i].seal = SIZE_MAX;
		if (build_sets(v, fs, n, &ams, &c, &max)) {
			c.rep.nsets = max;
			rc = validate(v, fs, n, &ams, &c, max, err);
			if (rc != LF_OK)
				goto out;
		} else {
			free(c.rep.sets);
			c.rep.sets = NULL;
		}
	}
done:
	*out = c.rep;
	c.rep.sets = NULL;
out:
	for (i = 0; fs != NULL && i < n; i++)
		if (fs[i].parsed)
			lf_dkim_sig_release(&fs[i].seal);
	free(fs);
	free(c.rep.sets);
	lf_dkim_report_release(&ams);
	return rc;
}

void
lf_arc_verify_free(struct lf_arc_verify *v)
{
	if (v == NULL)
		return;
	lf_dkim_verify_free(v->ams);
	free(v);
}

void
lf_arc_report_release(struct lf_arc_report *r)
{
	if (r == NULL)
		return;
	free(r->sets);
	memset(r, 0, sizeof(*r));
}
