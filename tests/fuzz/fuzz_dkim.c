/*
 * tests/fuzz/fuzz_dkim.c: DKIM tag lists, signatures, key records, key
 * files, canonicalization and whole verification from hostile bytes.
 *
 * Properties: any bytes parse as each; tags, values and h= names lie
 * inside the input and keep to their grammar; counts and decoded sizes
 * stay under their limits; the body canonicalizer gives the same bytes
 * whatever the split of its input, and its relaxed output has no tab, no
 * space before a line end and no two spaces in a row; a verification of the input
 * as a message against two fixed keys (Ed25519 and RSA, the selectors of
 * the seeds) ends with sane verdicts and counts, and so does ARC chain
 * validation; every anomaly has a code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/arc.h"
#include "lf/buf.h"
#include "lf/dkim.h"
#include "lf/dkimkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_anomaly(void *arg, const struct lf_anomaly *a)
{
	(void)arg;
	if (a->code == NULL || strchr(a->code, '.') == NULL)
		abort();
}

static bool
inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
	return p >= data && (size_t)(p - data) <= size &&
	    n <= size - (size_t)(p - data);
}

static void
tags(const uint8_t *data, size_t size)
{
	struct lf_dkim_taglist t;
	size_t i, j;

	if (lf_dkim_tags_parse(data, size, 8, &t, NULL) != LF_OK)
		abort();
	if (t.count > 8 || t.error_offset > size)
		abort();
	for (i = 0; i < t.count; i++) {
		const struct lf_dkim_tag *g = &t.tags[i];

		if (!inside(data, size, g->name, g->name_len) ||
		    !inside(data, size, g->value, g->value_len) ||
		    g->name_len == 0 || *g->eq != '=' || g->eq < g->name ||
		    g->eq >= g->value)
			abort();
		for (j = 0; j < g->value_len; j++) {
			uint8_t c = g->value[j];

			if (c == ';' || c == 0x7f ||
			    (c < 0x21 && c != ' ' && c != '\t' && c != '\r' &&
			        c != '\n'))
				abort();
		}
		if (lf_dkim_tags_get(&t, "v") != NULL &&
		    lf_dkim_tags_get(&t, "v")->name[0] != 'v')
			abort();
	}
	lf_dkim_tags_release(&t);
}

static void
signature(const uint8_t *data, size_t size)
{
	struct lf_dkim_options o;
	struct lf_dkim_sig s;
	size_t i;

	lf_dkim_options_default(&o);
	o.max_h = 6;
	if (lf_dkim_sig_parse(data, size, &o, &s, NULL) != LF_OK)
		abort();
	if ((unsigned)s.status >= LF_DKIM_NVERDICTS ||
	    (s.status == LF_DKIM_PASS) != (s.reason == NULL) ||
	    s.sig_len > sizeof(s.sig) || s.bh_len > sizeof(s.bh_raw) ||
	    s.nh > o.max_h)
		abort();
	if (s.status == LF_DKIM_PASS &&
	    (s.alg == LF_DKIM_ALG_UNKNOWN || s.nh == 0 || s.d.p == NULL))
		abort();
	for (i = 0; i < s.nh; i++)
		if (!inside(data, size, s.hnames[i].p, s.hnames[i].n) ||
		    s.hnames[i].n == 0)
			abort();
	lf_dkim_sig_release(&s);
}

static void
key(const uint8_t *data, size_t size)
{
	struct lf_dkim_key k;

	if (lf_dkim_key_parse(data, size, &k, NULL) != LF_OK)
		abort();
	if ((k.status == LF_DKIM_PASS) != (k.reason == NULL) ||
	    (k.pkey != NULL) != (k.bits > 0) ||
	    (k.pkey != NULL && k.status != LF_DKIM_PASS))
		abort();
	lf_dkim_key_release(&k);
}

static void
keyfile(const uint8_t *data, size_t size)
{
	struct lf_dkimkeys *k;
	const uint8_t *txt;
	size_t len;

	if (lf_dkimkeys_parse(data, size, 16, &k, check_anomaly, NULL, NULL) !=
	    LF_OK)
		abort();
	if (lf_dkimkeys_count(k) > 16)
		abort();
	if (lf_dkimkeys_lookup(k, "a._domainkey.example.org", &txt, &len) ==
	        1 &&
	    txt[len] != '\0')
		abort();
	lf_dkimkeys_free(k);
}

static int
buf_sink(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	return lf_buf_append(arg, p, n, err);
}

static void
canon_split(const uint8_t *data, size_t size, enum lf_dkim_canon c,
    size_t piece, struct lf_buf *out)
{
	struct lf_dkim_body b;
	size_t off;

	lf_dkim_body_init(&b, c, buf_sink, out);
	for (off = 0; off < size; off += piece)
		if (lf_dkim_body_update(&b, data + off,
		        size - off < piece ? size - off : piece, NULL) != LF_OK)
			abort();
	if (lf_dkim_body_final(&b, NULL) != LF_OK || b.out != out->len)
		abort();
}

static void
canon(const uint8_t *data, size_t size)
{
	struct lf_buf one, many;
	size_t i, piece = size > 0 ? (size_t)data[0] % 7 + 1 : 1;
	int c;

	for (c = 0; c < 2; c++) {
		lf_buf_init(&one, 4 * size + 16);
		lf_buf_init(&many, 4 * size + 16);
		canon_split(data, size, (enum lf_dkim_canon)c, size + 1, &one);
		canon_split(data, size, (enum lf_dkim_canon)c, piece, &many);
		if (one.len != many.len ||
		    (one.len > 0 && memcmp(one.data, many.data, one.len) != 0))
			abort();
		if (c == LF_DKIM_SIMPLE &&
		    (one.len < 2 || memcmp(one.data + one.len - 2, "\r\n", 2)))
			abort();
		/* Relaxed: no tab, no two spaces, no space before CRLF. */
		for (i = 0; c == LF_DKIM_RELAXED && i < one.len; i++)
			if (one.data[i] == '\t' ||
			    (one.data[i] == ' ' && i + 1 < one.len &&
			        (one.data[i + 1] == ' ' ||
			            (one.data[i + 1] == '\r' &&
			                i + 2 < one.len &&
			                one.data[i + 2] == '\n'))))
				abort();
		lf_buf_release(&one);
		lf_buf_release(&many);
	}
}

/* The keys of the seeds (tests/fuzz/corpus/dkim/msg-*). */
static int
lookup(void *arg, const char *name, const uint8_t **txt, size_t *len)
{
	static const char ed[] = "v=DKIM1; k=ed25519; p="
	                         "NiC5Uap0VV8HRVCITaHYyaKoYRvENr73vNUopphd0fU=";
	static const char rsa[] =
	    "v=DKIM1; k=rsa; p="
	    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDk+kNnnYqI6VHvtT1DIa/KPErf"
	    "5g/VBShEiehwfjc8OMEO8Cc87dYO6+MKUMouzANKZolwXSvciWLypLL9ICxxUqcC"
	    "DiCpkCkLPvrDFEE5GPPuDeuUc6H78RnPP3wsBhbVsxrdyWxknv4WMzFRxAxvb/OZ"
	    "CrGdwp+EF1+1+I6bFwIDAQAB";

	(void)arg;
	if (strcmp(name, "ed._domainkey.example.org") == 0) {
		*txt = (const uint8_t *)ed;
		*len = sizeof(ed) - 1;
		return 1;
	}
	if (strcmp(name, "rsa._domainkey.example.org") == 0) {
		*txt = (const uint8_t *)rsa;
		*len = sizeof(rsa) - 1;
		return 1;
	}
	return 0;
}

/* The ARC chain of the same message. */
static void
arc(const uint8_t *data, size_t size, const struct lf_hblock *hb,
    const struct lf_dkim_options *o, size_t piece)
{
	struct lf_arc_verify *v;
	struct lf_arc_report r;
	size_t off, i;

	if (lf_arc_verify_new(hb, o, check_anomaly, NULL, &v, NULL) != LF_OK)
		abort();
	for (off = hb->body_offset; off < size; off += piece)
		if (lf_arc_verify_body(v, data + off,
		        size - off < piece ? size - off : piece, NULL) != LF_OK)
			abort();
	if (lf_arc_verify_finish(v, &r, NULL) != LF_OK)
		abort();
	if (r.nsets > LF_ARC_MAX_SETS || (r.nsets > 0) != (r.sets != NULL) ||
	    (r.cv == LF_ARC_FAIL) != (r.reason != NULL) ||
	    (r.cv == LF_ARC_PASS && r.nsets == 0))
		abort();
	for (i = 0; i < r.nsets; i++)
		if (r.sets[i].instance != i + 1 || r.sets[i].aar >= hb->count ||
		    r.sets[i].ams >= hb->count || r.sets[i].seal >= hb->count ||
		    (r.cv == LF_ARC_PASS &&
		        r.sets[i].seal_verdict != LF_DKIM_PASS))
			abort();
	lf_arc_report_release(&r);
	lf_arc_verify_free(v);
}

static void
verify(const uint8_t *data, size_t size)
{
	struct lf_hblock hb;
	struct lf_dkim_options o;
	struct lf_dkim_verify *v;
	struct lf_dkim_report r;
	size_t off, i, piece = size > 0 ? (size_t)data[size - 1] % 13 + 1 : 1;

	if (lf_hblock_parse(data, size, 200, &hb, check_anomaly, NULL, NULL) !=
	    LF_OK)
		abort();
	lf_dkim_options_default(&o);
	o.max_sigs = 4;
	o.has_time = true;
	o.time = 1800000000;
	o.key = lookup;
	if (lf_dkim_verify_new(&hb, &o, check_anomaly, NULL, &v, NULL) != LF_OK)
		abort();
	for (off = hb.body_offset; off < size; off += piece)
		if (lf_dkim_verify_body(v, data + off,
		        size - off < piece ? size - off : piece, NULL) != LF_OK)
			abort();
	if (lf_dkim_verify_finish(v, &r, NULL) != LF_OK)
		abort();
	if (r.count > o.max_sigs || r.count > r.signatures)
		abort();
	for (i = 0; i < r.count; i++) {
		const struct lf_dkim_result *x = &r.results[i];

		if ((unsigned)x->verdict >= LF_DKIM_NVERDICTS ||
		    (unsigned)x->lenient >= LF_DKIM_NVERDICTS ||
		    x->body_unsigned > x->body_len || x->field >= hb.count ||
		    (x->verdict == LF_DKIM_PASS &&
		        (x->body != LF_DKIM_CHECK_OK ||
		            x->header != LF_DKIM_CHECK_OK)) ||
		    !lf_hfield_is(&hb.fields[x->field], "dkim-signature"))
			abort();
	}
	lf_dkim_report_release(&r);
	lf_dkim_verify_free(v);
	arc(data, size, &hb, &o, piece);
	lf_hblock_release(&hb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tags(data, size);
	signature(data, size);
	key(data, size);
	keyfile(data, size);
	canon(data, size);
	verify(data, size);
	return 0;
}
