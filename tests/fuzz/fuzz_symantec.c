/*
 * tests/fuzz/fuzz_symantec.c: Symantec gateway header fields from hostile
 * bytes.
 *
 * The first byte picks how the rest reaches the tracker decoder: as the
 * header value itself (0), as protocol buffer bytes that the harness
 * gzips and base64-encodes first (1), or as a gzip stream it only
 * base64-encodes (2), so that each stage is reached without the fuzzer
 * having to find the ones before it.  The rest is also given to every
 * small parser.
 *
 * Properties: only LF_OK or LF_E_FORMAT (LF_OK whenever the gzip magic is
 * there); every field lies inside the inflated data, which stays within
 * its limit; parents come before their children, one level up; spans of
 * the layout and of the small parsers lie inside what they point into; a
 * whole gzip stream of protocol buffer bytes inflates back to them; a
 * queue id's epoch is its stamp read backwards; every anomaly has a code
 * and an offset inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lf/symantec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_anomaly(void *arg, const struct lf_anomaly *a)
{
	size_t size = *(const size_t *)arg;

	if (a->code == NULL || strncmp(a->code, "symantec.", 9) != 0 ||
	    a->offset > size)
		abort();
}

static void
inside(const uint8_t *base, size_t len, const struct lf_span *s)
{
	if (s->p == NULL) {
		if (s->n != 0)
			abort();
		return;
	}
	if (s->p < base || (size_t)(s->p - base) > len ||
	    s->n > len - (size_t)(s->p - base))
		abort();
}

static void
check_tracker(const struct lf_symantec_tracker *t)
{
	const struct lf_symantec_pbfield *f;
	size_t i;

	if (t->len > LF_SYMANTEC_TRACKER_OUT_MAX ||
	    t->nfields > LF_SYMANTEC_PB_FIELDS ||
	    t->nrulesets > LF_SYMANTEC_RULESETS_MAX ||
	    (t->complete && !t->gzip_complete) ||
	    memchr(t->client_ip, 0, sizeof(t->client_ip)) == NULL ||
	    memchr(t->scanner_ip, 0, sizeof(t->scanner_ip)) == NULL ||
	    memchr(t->time_rfc3339, 0, sizeof(t->time_rfc3339)) == NULL ||
	    (t->client_ip[0] != '\0') != (t->client_family != 0))
		abort();
	for (i = 0; i < t->nfields; i++) {
		f = &t->fields[i];
		if (f->depth >= LF_SYMANTEC_PB_DEPTH || f->number == 0 ||
		    (f->wire != LF_PB_VARINT && f->wire != LF_PB_FIXED64 &&
		        f->wire != LF_PB_BYTES && f->wire != LF_PB_FIXED32))
			abort();
		if (f->parent == SIZE_MAX ?
		        f->depth != 0 :
		        f->parent >= i || !t->fields[f->parent].message ||
		            f->depth != t->fields[f->parent].depth + 1)
			abort();
		if (f->message && f->wire != LF_PB_BYTES)
			abort();
		if (f->wire == LF_PB_BYTES &&
		    (f->offset > t->len || f->len > t->len - f->offset))
			abort();
		if (f->partial && t->complete)
			abort();
	}
	inside(t->data, t->len, &t->record);
	inside(t->data, t->len, &t->direction);
	inside(t->data, t->len, &t->action);
	inside(t->data, t->len, &t->scanner_host);
	inside(t->data, t->len, &t->signature);
	inside(t->data, t->len, &t->sig_digest);
	inside(t->data, t->len, &t->sig_algorithm);
	for (i = 0; i < t->nrulesets; i++)
		inside(t->data, t->len, &t->rulesets[i].name);
}

static void
tracker(const uint8_t *v, size_t n, const uint8_t *pb, size_t pbn)
{
	struct lf_symantec_tracker t;
	int rc;

	rc = lf_symantec_tracker(v, n, &t, check_anomaly, &n, NULL);
	if (rc == LF_E_FORMAT && pb != NULL)
		abort();
	if (rc == LF_E_FORMAT)
		return;
	if (rc != LF_OK)
		abort();
	check_tracker(&t);
	/* What was gzipped whole comes back whole. */
	if (pb != NULL && t.gzip_complete &&
	    (t.len != pbn || (pbn > 0 && memcmp(t.data, pb, pbn) != 0)))
		abort();
	lf_symantec_tracker_release(&t);
}

static uint8_t *
base64(const uint8_t *z, size_t zn, size_t *outlen)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t *v = malloc((zn + 2) / 3 * 4 + 1);
	size_t i, k = 0;
	uint32_t x;

	if (v == NULL)
		abort();
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
	}
	*outlen = k;
	return v;
}

static void
tracker_of_protobuf(const uint8_t *pb, size_t n)
{
	size_t cap = compressBound((uLong)n) + 64, vn;
	uint8_t *z = malloc(cap), *v;
	z_stream s;

	if (z == NULL)
		abort();
	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
	        Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	s.next_in = (Bytef *)(uintptr_t)pb;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END)
		abort();
	v = base64(z, s.total_out, &vn);
	deflateEnd(&s);
	free(z);
	tracker(v, vn, pb, n);
	free(v);
}

static void
small_parsers(const uint8_t *p, size_t n)
{
	struct lf_symantec_msgref m;
	struct lf_symantec_queueid q;
	struct lf_symantec_starscan st;
	struct lf_symantec_spamreason r;
	int64_t epoch, back = 0;
	size_t i;
	int rc;

	rc = lf_symantec_msgref(p, n, &m);
	if (rc == LF_OK) {
		if (memchr(m.host, 0, sizeof(m.host)) == NULL ||
		    m.host[0] == '\0' || m.epoch < 0 ||
		    m.epoch > INT64_C(999999999999) ||
		    memchr(m.epoch_rfc3339, 0, sizeof(m.epoch_rfc3339)) ==
		        NULL ||
		    m.tower_form != (m.server >= 0 && m.tower >= 0))
			abort();
	} else if (rc != LF_E_FORMAT) {
		abort();
	}
	rc = lf_symantec_queueid(p, n, &q);
	if (rc == LF_OK) {
		for (i = 0; i < 8; i++)
			back |= (int64_t)((q.stamp >> (4 * i)) & 15)
			    << (4 * (7 - i));
		if (back != q.epoch || (q.form != '/' && q.form != '.') ||
		    lf_symantec_queue_epoch(p, n, &epoch) != LF_OK ||
		    epoch != q.epoch)
			abort();
	} else if (rc != LF_E_FORMAT) {
		abort();
	}
	rc = lf_symantec_starscan(p, n, &st);
	if (rc == LF_OK) {
		if (st.nparts < 2 || st.nparts > 4 ||
		    st.nbanners > LF_SYMANTEC_BANNERS_MAX ||
		    memchr(st.version, 0, sizeof(st.version)) == NULL)
			abort();
		for (i = 0; i < st.nbanners; i++)
			inside(p, n, &st.banners[i]);
	} else if (rc != LF_E_FORMAT) {
		abort();
	}
	rc = lf_symantec_spamreason(p, n, &r);
	if (rc == LF_OK) {
		if (r.ntests > LF_SYMANTEC_TESTS_MAX)
			abort();
		for (i = 0; i < r.ntests; i++) {
			inside(p, n, &r.tests[i]);
			if (r.tests[i].n == 0)
				abort();
		}
	} else if (rc != LF_E_FORMAT) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p;
	uint8_t *v;
	size_t n, vn;

	if (size == 0)
		return 0;
	p = data + 1;
	n = size - 1;
	switch (data[0] % 3) {
	case 0:
		tracker(p, n, NULL, 0);
		break;
	case 1:
		tracker_of_protobuf(p, n);
		break;
	default:
		v = base64(p, n, &vn);
		tracker(v, vn, NULL, 0);
		free(v);
		break;
	}
	small_parsers(p, n);
	return 0;
}
