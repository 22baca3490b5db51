/*
 * lf_headers.c: the header report.
 *
 * The modules below it read (lf_hblock, lf_received, lf_chain,
 * lf_authres); this one decides what the reader may believe and says why.
 * Every finding points at the field it is about and quotes it, escaped,
 * because the analyst must be able to show the line to someone else.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/arc.h"
#include "lf/authres.h"
#include "lf/chain.h"
#include "lf/date.h"
#include "lf/dkim.h"
#include "lf/dkimkeys.h"
#include "lf/hblock.h"
#include "lf/headers.h"
#include "lf/gwcheck.h"
#include "lf/jsonw.h"
#include "lf/sender.h"
#include "lf/text.h"
#include "lf/version.h"

#define EVIDENCE_MAX 600       /* bytes of a field quoted as evidence */
#define EARLY_MAX 64           /* anomalies of the split, kept for later */
#define FUTURE_SLACK (15 * 60) /* a Date ahead of receipt, forgiven */

struct early {
	const char *code;
	enum lf_severity sev;
	size_t offset;
};

struct hx {
	const uint8_t *p;
	size_t n;
	const struct lf_headers_opts *o;
	struct lf_hblock b;
	struct lf_chain c;
	struct lf_jsonw *w; /* the report, written in order */
	struct lf_buf fbuf; /* the findings, an array written apart */
	struct lf_jsonw fw;
	int worst;
	struct early early[EARLY_MAX];
	size_t nearly;
	size_t base; /* added to the offsets of a field's own anomalies */
};

/* Text from the message (NULL: null), escaped where it is not UTF-8. */
static void
text(struct lf_jsonw *w, const uint8_t *p, size_t n)
{
	if (p == NULL)
		lf_jsonw_null(w);
	else
		lf_jsonw_string(w, p, n);
}

static void
span(struct lf_jsonw *w, struct lf_span s)
{
	text(w, s.p, s.n);
}

/* A member: its key, then an integer, a string or null. */
static void
mint(struct lf_jsonw *w, const char *key, int64_t v)
{
	lf_jsonw_key(w, key);
	lf_jsonw_int(w, v);
}

static void
mstr(struct lf_jsonw *w, const char *key, const char *s)
{
	lf_jsonw_key(w, key);
	lf_jsonw_cstr(w, s);
}

static void
mbool(struct lf_jsonw *w, const char *key, bool v)
{
	lf_jsonw_key(w, key);
	lf_jsonw_bool(w, v);
}

/* The index of the field holding the byte at offset, or -1 (past the
 * fields: the empty line, the body). */
static long
field_at(const struct hx *x, size_t offset)
{
	size_t lo = 0, hi = x->b.count;

	while (lo < hi) { /* the first field starting after offset */
		size_t mid = lo + (hi - lo) / 2;
		if (x->b.fields[mid].offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	const struct lf_hfield *f = &x->b.fields[lo - 1];
	return offset - f->offset < f->raw_len ? (long)(lo - 1) : -1;
}

/* A finding about field i (-1: about the block as a whole). */
static void
record(struct hx *x, const char *id, enum lf_severity sev, size_t offset,
    long i, const char *detail)
{
	struct lf_jsonw *w = &x->fw;

	lf_jsonw_object(w);
	mstr(w, "id", id);
	mstr(w, "severity", lf_severity_name(sev));
	mint(w, "offset", (int64_t)offset);
	lf_jsonw_key(w, "field");
	if (i >= 0) {
		const struct lf_hfield *h = &x->b.fields[i];
		size_t len = h->raw_len;
		lf_jsonw_int(w, i);
		while (len > 0 &&
		    (h->raw[len - 1] == '\n' || h->raw[len - 1] == '\r'))
			len--;
		lf_jsonw_key(w, "evidence");
		text(w, h->raw, len < EVIDENCE_MAX ? len : EVIDENCE_MAX);
		mbool(w, "evidence_truncated", len > EVIDENCE_MAX);
	} else {
		lf_jsonw_null(w);
	}
	if (detail != NULL)
		mstr(w, "detail", detail);
	lf_jsonw_end(w);
	if ((int)sev > x->worst)
		x->worst = (int)sev;
}

/* A finding about the field at offset. */
static void
finding(struct hx *x, const char *id, enum lf_severity sev, size_t offset,
    const char *detail)
{
	record(x, id, sev, offset, field_at(x, offset), detail);
}

static void
on_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct hx *x = arg;

	finding(x, a->code, a->severity, (size_t)a->offset + x->base,
	    a->detail);
}

/* The split's anomalies come before there are fields to point at. */
static void
on_early(void *arg, const struct lf_anomaly *a)
{
	struct hx *x = arg;

	if (x->nearly < EARLY_MAX)
		x->early[x->nearly++] =
		    (struct early){a->code, a->severity, (size_t)a->offset};
}

static void
date_json(struct lf_jsonw *w, struct lf_span raw, bool has,
    const struct lf_date *d)
{
	char utc[32], off[24];
	int m;

	if (raw.p == NULL) {
		lf_jsonw_null(w);
		return;
	}
	lf_jsonw_object(w);
	lf_jsonw_key(w, "raw");
	span(w, raw);
	if (has) {
		lf_date_rfc3339(d->utc, utc);
		m = d->offset < 0 ? -d->offset : d->offset;
		(void)snprintf(off, sizeof(off), "%c%02d%02d",
		    d->zone_unknown || d->offset < 0 ? '-' : '+', m / 60,
		    m % 60);
		mstr(w, "utc", utc);
		mstr(w, "offset", off);
	} else {
		mstr(w, "utc", NULL);
		mstr(w, "offset", NULL);
	}
	lf_jsonw_end(w);
}

static void
hop_json(struct hx *x, size_t i)
{
	const struct lf_hop *h = &x->c.hops[i];
	const struct lf_received *r = &h->r;
	struct lf_jsonw *w = x->w;

	lf_jsonw_object(w);
	mint(w, "field", (int64_t)h->field);
	mbool(w, "trusted", h->trusted);
	lf_jsonw_key(w, "from");
	span(w, r->from);
	mstr(w, "ip", r->ip[0] != '\0' ? r->ip : NULL);
	lf_jsonw_key(w, "rdns");
	span(w, r->rdns);
	lf_jsonw_key(w, "helo");
	span(w, r->helo);
	lf_jsonw_key(w, "by");
	span(w, r->by);
	lf_jsonw_key(w, "with");
	span(w, r->with);
	lf_jsonw_key(w, "id");
	span(w, r->id);
	lf_jsonw_key(w, "for");
	span(w, r->for_rcpt);
	lf_jsonw_key(w, "date");
	date_json(w, r->date_text, r->has_date, &r->date);
	lf_jsonw_key(w, "delay");
	if (h->has_delay)
		lf_jsonw_int(w, h->delay);
	else
		lf_jsonw_null(w);
	mbool(w, "linked", h->linked);
	lf_jsonw_end(w);
}

static void
report_chain(struct hx *x)
{
	const struct lf_hop *border = lf_chain_border(&x->c);
	struct lf_jsonw *w = x->w;
	char utc[32];
	size_t i;

	lf_jsonw_key(w, "trust");
	lf_jsonw_object(w);
	mbool(w, "named", x->c.boundary_named);
	lf_jsonw_key(w, "trusted_mta");
	lf_jsonw_array(w);
	for (i = 0; i < x->o->ntrusted_mta; i++)
		lf_jsonw_cstr(w, x->o->trusted_mta[i]);
	lf_jsonw_end(w);
	mint(w, "trusted_hops", (int64_t)x->c.trusted);
	lf_jsonw_key(w, "border");
	if (border != NULL)
		lf_jsonw_int(w, (int64_t)(x->c.trusted - 1));
	else
		lf_jsonw_null(w);
	mstr(w, "delivery_ip",
	    border != NULL && border->r.ip[0] != '\0' ? border->r.ip : NULL);
	if (border != NULL && border->r.has_date)
		lf_date_rfc3339(border->r.date.utc, utc);
	mstr(w, "receipt_time",
	    border != NULL && border->r.has_date ? utc : NULL);
	lf_jsonw_end(w);
	if (!x->c.boundary_named && x->c.count > 0)
		finding(x, "trust.unnamed", LF_SEV_INFO,
		    x->b.fields[x->c.hops[0].field].offset,
		    "no trusted server named: only the topmost hop is "
		    "trusted");
	lf_jsonw_key(w, "hops");
	lf_jsonw_array(w);
	for (i = 0; i < x->c.count; i++)
		hop_json(x, i);
	lf_jsonw_end(w);
}

static void
indexes(struct lf_jsonw *w, const char *key, const size_t *v, size_t n)
{
	size_t i;

	lf_jsonw_key(w, key);
	lf_jsonw_array(w);
	for (i = 0; i < n; i++)
		lf_jsonw_int(w, (int64_t)v[i]);
	lf_jsonw_end(w);
}

/* A gateway's own stamps checked; a finding when they disagree. */
static void
stamp_checks(struct hx *x, const struct lf_gateway *g,
    size_t (*checks)(const struct lf_hblock *, const struct lf_chain *,
        const struct lf_gateway *, struct lf_gw_check[LF_GW_CHECKS_MAX]))
{
	struct lf_gw_check c[LF_GW_CHECKS_MAX];
	size_t n = checks(&x->b, &x->c, g, c), i;
	struct lf_jsonw *w = x->w;
	bool failed = false;

	lf_jsonw_key(w, "checks");
	lf_jsonw_array(w);
	for (i = 0; i < n; i++) {
		lf_jsonw_object(w);
		mstr(w, "check", c[i].id);
		mstr(w, "result", lf_check_result_name(c[i].result));
		lf_jsonw_key(w, "field");
		if (c[i].field >= 0)
			lf_jsonw_int(w, c[i].field);
		else
			lf_jsonw_null(w);
		mstr(w, "detail", c[i].detail);
		lf_jsonw_end(w);
		if (c[i].result == LF_CHECK_FAIL && !failed) {
			failed = true;
			record(x, "gateway.stamps-disagree", LF_SEV_MEDIUM,
			    c[i].field >= 0 ? x->b.fields[c[i].field].offset :
			                      0,
			    c[i].field, c[i].detail);
		}
	}
	lf_jsonw_end(w);
}

static void
report_gateways(struct hx *x)
{
	const struct lf_gateways *gs = x->o->gateways;
	struct lf_jsonw *w = x->w;
	size_t i;

	lf_jsonw_key(w, "gateways");
	lf_jsonw_array(w);
	for (i = 0; gs != NULL && i < gs->count; i++) {
		const struct lf_gateway *g = &gs->g[i];
		struct lf_transit_verdict v;

		lf_gateway_judge(g, &x->b, &x->c, &v);
		lf_jsonw_object(w);
		mstr(w, "name", g->name);
		mstr(w, "verdict", lf_transit_name(v.verdict));
		mstr(w, "why", v.why);
		/* The evidence, for a gateway the message has to do with: most
		 * messages mention one gateway of many. */
		if (v.nfields > 0 || v.nhops > 0 || v.border_names_it ||
		    v.range != NULL) {
			mstr(w, "vendor", g->vendor);
			indexes(w, "trace_fields", v.fields, v.nfields);
			indexes(w, "trace_hops", v.hops, v.nhops);
			mbool(w, "border_names_gateway", v.border_names_it);
			lf_jsonw_key(w, "range");
			if (v.range == NULL) {
				lf_jsonw_null(w);
			} else {
				lf_jsonw_object(w);
				mstr(w, "cidr", v.range->cidr);
				mstr(w, "source", v.range->source);
				lf_jsonw_end(w);
			}
			if (strcmp(g->name, "symantec-ess") == 0)
				stamp_checks(x, g, lf_symantec_checks);
			else if (strcmp(g->name, "mimecast") == 0)
				stamp_checks(x, g, lf_mimecast_checks);
		}
		lf_jsonw_end(w);
		if (v.forged)
			record(x, "gateway.forged-hops", LF_SEV_HIGH,
			    x->b.fields[x->c.hops[x->c.trusted].field].offset,
			    (long)x->c.hops[x->c.trusted].field,
			    "the hop below the border claims the gateway, but "
			    "the border took the message from an address "
			    "outside its ranges");
		else if (v.verdict == LF_TRANSIT_UNKNOWN && v.border_names_it)
			record(x, "gateway.address-unknown", LF_SEV_MEDIUM,
			    x->b.fields[lf_chain_border(&x->c)->field].offset,
			    (long)lf_chain_border(&x->c)->field,
			    "the border's client is named as the gateway's, "
			    "but its address is in none of its known ranges");
	}
	lf_jsonw_end(w);
}

static bool
trusted_authserv(const struct hx *x, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < x->o->ntrusted_authserv; i++) {
		if (strcasecmp(id, x->o->trusted_authserv[i]) == 0)
			return true;
	}
	return false;
}

static void
results_json(struct lf_jsonw *w, const struct lf_authres *ar)
{
	size_t i, k, j;

	lf_jsonw_array(w);
	for (i = 0; ar != NULL && i < ar->nresults; i++) {
		const struct lf_authres_result *r = &ar->results[i];
		lf_jsonw_object(w);
		mstr(w, "method", r->method);
		mstr(w, "result", r->result);
		mstr(w, "reason", r->reason);
		mstr(w, "comment", r->comment);
		lf_jsonw_key(w, "properties");
		lf_jsonw_object(w);
		for (k = 0; k < r->nprops; k++) {
			const struct lf_authres_prop *pk = &r->props[k];
			char key[256];
			bool seen = false;
			/* The first of each ptype.property. */
			for (j = 0; j < k && !seen; j++)
				seen =
				    strcmp(r->props[j].ptype, pk->ptype) == 0 &&
				    strcmp(r->props[j].property,
				        pk->property) == 0;
			if (seen)
				continue;
			/* A name from the message: escaped into a key. */
			(void)snprintf(key, sizeof(key), "%s%s%s", pk->ptype,
			    pk->ptype[0] ? "." : "", pk->property);
			lf_jsonw_keyn(w, key, strlen(key));
			lf_jsonw_cstr(w, pk->value);
		}
		lf_jsonw_end(w);
		lf_jsonw_end(w);
	}
	lf_jsonw_end(w);
}

/*
 * An Authentication-Results field is believed when its authserv-id is
 * trusted and it sits above the border hop's Received field: what is
 * below could have come with the message.
 */
static void
report_authres(struct hx *x)
{
	const struct lf_hop *border = lf_chain_border(&x->c);
	size_t limit = border != NULL ? border->field : 0;
	struct lf_jsonw *w = x->w;
	size_t i, believed = 0;

	lf_jsonw_key(w, "authentication");
	lf_jsonw_array(w);
	for (i = 0; i < x->b.count; i++) {
		const struct lf_hfield *f = &x->b.fields[i];
		struct lf_authres *ar = NULL;
		int rc;

		if (!lf_hfield_is(f, "Authentication-Results"))
			continue;
		x->base = f->offset + (size_t)(f->value - f->raw);
		rc = lf_authres_parse(f->value, f->value_len, &ar, on_anomaly,
		    x, NULL);
		x->base = 0;
		if (rc == LF_E_NOMEM) {
			if (w->rc == LF_OK)
				w->rc = LF_E_NOMEM;
			break;
		}
		bool named = ar != NULL && trusted_authserv(x, ar->authserv_id);
		bool above = i < limit;
		lf_jsonw_object(w);
		mint(w, "field", (int64_t)i);
		mstr(w, "authserv_id", ar != NULL ? ar->authserv_id : NULL);
		mbool(w, "trusted", named && above);
		lf_jsonw_key(w, "results");
		results_json(w, ar);
		lf_jsonw_end(w);
		if (rc == LF_E_FORMAT)
			finding(x, "authres.unreadable", LF_SEV_MEDIUM,
			    f->offset,
			    "an Authentication-Results field that "
			    "does not read");
		else if (named && !above)
			finding(x, "authres.forged", LF_SEV_HIGH, f->offset,
			    "a trusted authserv-id below the trust boundary: "
			    "written before the message reached a trusted "
			    "server");
		else if (named && ++believed == 2)
			finding(x, "authres.duplicate", LF_SEV_MEDIUM,
			    f->offset,
			    "more than one trusted Authentication-Results");
		lf_authres_free(ar);
	}
	lf_jsonw_end(w);
}

static void
mailbox_json(struct lf_jsonw *w, const char *key, const struct lf_mailbox *m)
{
	lf_jsonw_key(w, key);
	if (!m->present) {
		lf_jsonw_null(w);
		return;
	}
	lf_jsonw_object(w);
	mstr(w, "address", m->address);
	mstr(w, "domain", m->domain);
	mstr(w, "org_domain", m->org);
	mstr(w, "display_name", m->display);
	lf_jsonw_end(w);
}

/* The first field named name, read as a mailbox; -1 when there is none. */
static long
first_mailbox(struct hx *x, const char *name, struct lf_mailbox *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < x->b.count; i++) {
		const struct lf_hfield *f = &x->b.fields[i];
		if (lf_hfield_is(f, name)) {
			(void)lf_mailbox_read(f->value, f->value_len, x->o->psl,
			    m);
			return (long)i;
		}
	}
	return -1;
}

static bool
has_label_prefix(const char *domain, const char *prefix)
{
	size_t k = strlen(prefix);
	const char *d;

	for (d = domain; d != NULL; d = strchr(d, '.'), d = d ? d + 1 : d) {
		if (strncmp(d, prefix, k) == 0)
			return true;
	}
	return false;
}

static bool
non_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return true;
	}
	return false;
}

/*
 * The originator mailboxes, and what tells of impersonation: a reply or
 * a sender of another organization than From, a display name showing an
 * address of another or borrowing a brand, a From domain in punycode or
 * Unicode.
 */
static void
report_sender(struct hx *x)
{
	static const struct {
		const char *field, *key, *id;
		enum lf_severity sev;
	} other[] = {
	    {"Reply-To", "reply_to", "sender.reply-to-elsewhere",
	        LF_SEV_MEDIUM},
	    {"Sender", "sender", "sender.sender-elsewhere", LF_SEV_LOW},
	    {"Return-Path", "return_path", "sender.return-path-elsewhere",
	        LF_SEV_INFO},
	};
	struct lf_mailbox from, m;
	char shown[LF_PSL_DOMAIN_MAX + 1], org[LF_PSL_DOMAIN_MAX + 1];
	char udomain[LF_SENDER_UDOMAIN_MAX + 1];
	char detail[LF_PSL_DOMAIN_MAX + LF_SENDER_UDOMAIN_MAX + 128];
	enum lf_idn idn = LF_IDN_NONE;
	const struct lf_brand *brand;
	struct lf_jsonw *w = x->w;
	bool puny_mixed;
	long fi, i;
	size_t k;

	lf_jsonw_key(w, "sender");
	lf_jsonw_object(w);
	fi = first_mailbox(x, "From", &from);
	mailbox_json(w, "from", &from);
	for (k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
		i = first_mailbox(x, other[k].field, &m);
		mailbox_json(w, other[k].key, &m);
		if (from.present && m.present && from.org[0] != '\0' &&
		    strcmp(from.org, m.org) != 0)
			record(x, other[k].id, other[k].sev,
			    x->b.fields[i].offset, i,
			    "an address of another organization than From's");
	}
	lf_jsonw_end(w);
	if (!from.present)
		return;
	if (lf_display_names_address(from.display, shown)) {
		if (x->o->psl != NULL)
			(void)lf_psl_org_domain(x->o->psl, shown, strlen(shown),
			    org);
		else
			memcpy(org, shown, strlen(shown) + 1);
		if (strcmp(org, from.org) != 0)
			record(x, "sender.display-name-address", LF_SEV_HIGH,
			    x->b.fields[fi].offset, fi,
			    "the display name shows an address of another "
			    "organization than the one it is from");
	}
	if ((brand = lf_brands_borrowed(x->o->brands, from.display,
	         from.org[0] != '\0' ? from.org : from.domain)) != NULL) {
		(void)snprintf(detail, sizeof(detail),
		    "the display name says %.64s, but the address is at %s, "
		    "not a domain of %.64s's",
		    brand->name, from.org[0] != '\0' ? from.org : from.domain,
		    brand->name);
		record(x, "sender.brand-in-name", LF_SEV_MEDIUM,
		    x->b.fields[fi].offset, fi, detail);
	}
	if (has_label_prefix(from.domain, "xn--")) {
		record(x, "sender.punycode-domain", LF_SEV_MEDIUM,
		    x->b.fields[fi].offset, fi,
		    "the From domain is internationalized (punycode): it may "
		    "look like another");
		if (lf_domain_unicode(from.domain, udomain, &idn) == LF_OK &&
		    idn == LF_IDN_INVALID)
			record(x, "sender.bad-punycode", LF_SEV_MEDIUM,
			    x->b.fields[fi].offset, fi,
			    "a label of the From domain starts \"xn--\" but "
			    "is not valid IDNA2008 punycode: made by hand, or "
			    "by a registry that ignores the standard");
	} else if (non_ascii(from.domain)) {
		record(x, "sender.unicode-domain", LF_SEV_MEDIUM,
		    x->b.fields[fi].offset, fi,
		    "the From domain holds non-ASCII characters: it may look "
		    "like another");
	}
	/* The punycode form is read in Unicode, as mail readers show it;
	 * the detail names both forms. */
	puny_mixed = idn == LF_IDN_DECODED && lf_mixed_script(udomain);
	if (puny_mixed)
		(void)snprintf(detail, sizeof(detail),
		    "the From domain %s reads %s: a word of it mixes Latin, "
		    "Greek and Cyrillic letters, made to look like another",
		    from.domain, udomain);
	if (puny_mixed || lf_mixed_script(from.domain) ||
	    lf_mixed_script(from.display))
		record(x, "sender.mixed-script", LF_SEV_HIGH,
		    x->b.fields[fi].offset, fi,
		    puny_mixed ?
		        detail :
		        "a word of From's name or domain mixes Latin, "
		        "Greek and Cyrillic letters: made to look like "
		        "another");
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 5322 3.6.4: "<" id-left "@" id-right ">". */
static void
check_message_id(struct hx *x)
{
	size_t i, s, e;
	const uint8_t *at;

	for (i = 0; i < x->b.count; i++) {
		const struct lf_hfield *f = &x->b.fields[i];
		if (!lf_hfield_is(f, "Message-ID"))
			continue;
		for (s = 0; s < f->value_len && blank(f->value[s]); s++)
			;
		for (e = f->value_len; e > s && blank(f->value[e - 1]); e--)
			;
		at = e > s ? memchr(f->value + s, '@', e - s) : NULL;
		if (e - s < 5 || f->value[s] != '<' || f->value[e - 1] != '>' ||
		    at == NULL || at == f->value + s + 1 ||
		    at == f->value + e - 2)
			finding(x, "header.message-id-syntax", LF_SEV_LOW,
			    f->offset,
			    "a Message-ID not of the form <left@right>");
		return;
	}
}

static void
report_originator(struct hx *x)
{
	static const struct {
		const char *name, *dup;
		enum lf_severity sev;
		bool required;
	} once[] = {
	    {"From", "header.duplicate-from", LF_SEV_HIGH, true},
	    {"Sender", "header.duplicate-sender", LF_SEV_MEDIUM, false},
	    {"Reply-To", "header.duplicate-reply-to", LF_SEV_MEDIUM, false},
	    {"To", "header.duplicate-to", LF_SEV_MEDIUM, false},
	    {"Cc", "header.duplicate-cc", LF_SEV_MEDIUM, false},
	    {"Subject", "header.duplicate-subject", LF_SEV_HIGH, false},
	    {"Date", "header.duplicate-date", LF_SEV_MEDIUM, true},
	    {"Message-ID", "header.duplicate-message-id", LF_SEV_MEDIUM, false},
	};
	const struct lf_hop *border = lf_chain_border(&x->c);
	struct lf_jsonw *w = x->w;
	size_t i, k, second;

	lf_jsonw_key(w, "originator");
	lf_jsonw_object(w);
	for (k = 0; k < sizeof(once) / sizeof(once[0]); k++) {
		size_t n = lf_hblock_count(&x->b, once[k].name);
		mint(w, once[k].name, (int64_t)n);
		if (n == 0 && once[k].required)
			record(x,
			    k == 0 ? "header.missing-from" :
			             "header.missing-date",
			    LF_SEV_MEDIUM, 0, -1, "a field RFC 5322 requires");
		for (i = 0, second = 0; n > 1 && i < x->b.count; i++) {
			if (lf_hfield_is(&x->b.fields[i], once[k].name) &&
			    ++second == 2)
				finding(x, once[k].dup, once[k].sev,
				    x->b.fields[i].offset,
				    "readers show different ones of the "
				    "copies; a signature may cover only one");
		}
	}
	lf_jsonw_end(w);
	for (i = 0; i < x->b.count; i++) {
		const struct lf_hfield *f = &x->b.fields[i];
		struct lf_date d;
		if (!lf_hfield_is(f, "Date"))
			continue;
		if (lf_date_parse(f->value, f->value_len, &d, NULL) != LF_OK)
			finding(x, "date.unreadable", LF_SEV_LOW, f->offset,
			    NULL);
		else if (d.zone_unknown)
			finding(x, "date.no-zone", LF_SEV_LOW, f->offset,
			    "the Date says its zone is unknown");
		else if (border != NULL && border->r.has_date &&
		    d.utc > border->r.date.utc + FUTURE_SLACK)
			finding(x, "date.future", LF_SEV_MEDIUM, f->offset,
			    "dated after the trusted receipt time");
		break;
	}
}

static const struct {
	unsigned bit;
	const char *name;
} dkim_flags[] = {
    {LF_DKIM_F_SHA1, "rsa-sha1"},
    {LF_DKIM_F_RSA_SHORT, "rsa-short-key"},
    {LF_DKIM_F_LENGTH, "length"},
    {LF_DKIM_F_UNSIGNED_BODY, "unsigned-body"},
    {LF_DKIM_F_LENGTH_LONG, "length-past-body"},
    {LF_DKIM_F_KEY_TESTING, "key-testing"},
    {LF_DKIM_F_EXPIRED, "expired"},
    {LF_DKIM_F_FUTURE, "future"},
    {LF_DKIM_F_NO_TIME, "no-time"},
    {LF_DKIM_F_JUNK, "base64-junk"},
    {LF_DKIM_F_UNSIGNED_HEADER, "unsigned-header"},
    {LF_DKIM_F_FIELD_COUNT, "field-count"},
};

static const char *
check_name(enum lf_dkim_check c)
{
	return c == LF_DKIM_CHECK_OK ? "ok" :
	    c == LF_DKIM_CHECK_BAD   ? "bad" :
	                               "not-checked";
}

static void
dstr(struct lf_jsonw *w, const char *key, struct lf_dkim_str v)
{
	lf_jsonw_key(w, key);
	text(w, v.p, v.n);
}

static void
dkim_json(struct lf_jsonw *w, const struct lf_dkim_result *r)
{
	size_t k;

	lf_jsonw_object(w);
	mint(w, "field", (int64_t)r->field);
	dstr(w, "d", r->sig.d);
	dstr(w, "s", r->sig.s);
	dstr(w, "a", r->sig.a);
	dstr(w, "c", r->sig.c);
	mstr(w, "verdict", lf_dkim_verdict_name(r->verdict));
	mstr(w, "reason", r->reason);
	mstr(w, "body", check_name(r->body));
	mstr(w, "header", check_name(r->header));
	lf_jsonw_key(w, "key_bits");
	if (r->key_bits > 0)
		lf_jsonw_int(w, r->key_bits);
	else
		lf_jsonw_null(w);
	lf_jsonw_key(w, "l");
	if (r->sig.has_length)
		lf_jsonw_int(w, (int64_t)r->sig.length);
	else
		lf_jsonw_null(w);
	mint(w, "body_unsigned", (int64_t)r->body_unsigned);
	lf_jsonw_key(w, "fields");
	lf_jsonw_object(w);
	for (k = 0; k < LF_DKIM_HCHECKS; k++) {
		lf_jsonw_key(w, r->hdr[k].name);
		lf_jsonw_object(w);
		mint(w, "present", (int64_t)r->hdr[k].present);
		mint(w, "signed", (int64_t)r->hdr[k].listed);
		mbool(w, "oversigned", r->hdr[k].oversigned);
		lf_jsonw_end(w);
	}
	lf_jsonw_end(w);
	lf_jsonw_key(w, "flags");
	lf_jsonw_array(w);
	for (k = 0; k < sizeof(dkim_flags) / sizeof(dkim_flags[0]); k++) {
		if (r->flags & dkim_flags[k].bit)
			lf_jsonw_cstr(w, dkim_flags[k].name);
	}
	lf_jsonw_end(w);
	lf_jsonw_end(w);
}

static void
report_dkim(struct hx *x, const struct lf_dkim_report *dr,
    const struct lf_arc_report *ar, bool checked)
{
	struct lf_jsonw *w = x->w;
	size_t i;

	if (!checked) {
		mstr(w, "dkim", NULL);
		mstr(w, "arc", NULL);
		return;
	}
	lf_jsonw_key(w, "dkim");
	lf_jsonw_array(w);
	for (i = 0; i < dr->count; i++) {
		const struct lf_dkim_result *r = &dr->results[i];
		dkim_json(w, r);
		if (r->verdict == LF_DKIM_FAIL_BODY_HASH ||
		    r->verdict == LF_DKIM_FAIL_SIGNATURE)
			record(x, "dkim.failed", LF_SEV_MEDIUM,
			    x->b.fields[r->field].offset, (long)r->field,
			    "a signature that does not verify: the message "
			    "was changed after it was signed, or the "
			    "signature is not genuine");
	}
	lf_jsonw_end(w);
	lf_jsonw_key(w, "arc");
	lf_jsonw_object(w);
	mstr(w, "cv", lf_arc_cv_name(ar->cv));
	mstr(w, "reason", ar->reason);
	lf_jsonw_key(w, "sets");
	lf_jsonw_array(w);
	for (i = 0; i < ar->nsets; i++) {
		const struct lf_arc_set *t = &ar->sets[i];
		lf_jsonw_object(w);
		mint(w, "instance", t->instance);
		mstr(w, "cv", lf_arc_cv_name(t->cv));
		mstr(w, "seal", lf_dkim_verdict_name(t->seal_verdict));
		dstr(w, "seal_d", t->seal_d);
		mstr(w, "message_signature",
		    lf_dkim_verdict_name(t->ams_verdict));
		dstr(w, "message_signature_d", t->ams_d);
		lf_jsonw_end(w);
	}
	lf_jsonw_end(w);
	lf_jsonw_end(w);
}

#define REPORT_MAX (64 * 1024 * 1024) /* bytes of one report */

struct lf_headers {
	struct hx x;
	struct lf_buf doc; /* the report, once written */
	struct lf_jsonw w;
	struct lf_dkim_options dkim_opts;
	struct lf_dkim_verify *dkim;
	struct lf_arc_verify *arc;
	const char *source, *container;
	uint64_t mbox_offset;
	bool has_block;
	bool failed; /* an error: only _free is left */
};

int
lf_headers_new(const struct lf_headers_opts *o, struct lf_headers **out,
    struct lf_error *err)
{
	struct lf_headers *h;

	if (o == NULL || out == NULL)
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "headers");
	h->x.o = o;
	lf_buf_init(&h->doc, REPORT_MAX);
	lf_buf_init(&h->x.fbuf, REPORT_MAX);
	*out = h;
	return LF_OK;
}

/* Forget the message read last; the buffers are kept for the next. */
static void
reset(struct lf_headers *h)
{
	struct hx *x = &h->x;

	lf_dkim_verify_free(h->dkim);
	lf_arc_verify_free(h->arc);
	h->dkim = NULL;
	h->arc = NULL;
	lf_chain_release(&x->c);
	lf_hblock_release(&x->b);
	memset(&x->b, 0, sizeof(x->b));
	memset(&x->c, 0, sizeof(x->c));
	x->p = NULL;
	x->n = 0;
	x->nearly = 0;
	x->base = 0;
	x->worst = -1;
	lf_buf_reset(&x->fbuf);
	lf_jsonw_init(&x->fw, &x->fbuf);
	lf_buf_reset(&h->doc);
	lf_jsonw_init(&h->w, &h->doc);
	x->w = &h->w;
	h->source = h->container = NULL;
	h->mbox_offset = UINT64_MAX;
	h->has_block = false;
	h->failed = false;
}

/* DKIM and ARC, judged at the receipt time, when there are keys. */
static int
start_signatures(struct lf_headers *h, struct lf_error *err)
{
	const struct lf_hop *border = lf_chain_border(&h->x.c);
	int rc;

	lf_dkim_options_default(&h->dkim_opts);
	h->dkim_opts.key = lf_dkimkeys_lookup;
	h->dkim_opts.key_arg = (void *)(uintptr_t)h->x.o->dkim_keys;
	if (border != NULL && border->r.has_date) {
		h->dkim_opts.has_time = true;
		h->dkim_opts.time = border->r.date.utc;
	}
	if ((rc = lf_dkim_verify_new(&h->x.b, &h->dkim_opts, on_anomaly, &h->x,
	         &h->dkim, err)) != LF_OK)
		return rc;
	return lf_arc_verify_new(&h->x.b, &h->dkim_opts, on_anomaly, &h->x,
	    &h->arc, err);
}

int
lf_headers_block(struct lf_headers *h, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct hx *x = &h->x;
	struct lf_chain_opts co = {x->o->trusted_mta, x->o->ntrusted_mta};
	size_t i;
	int rc;

	if (p == NULL && n > 0)
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	reset(h);
	x->p = p;
	x->n = n;
	h->has_block = true;
	h->failed = true; /* until it is all done */
	if ((rc = lf_hblock_parse(p, n, x->o->max_fields, &x->b, on_early, x,
	         err)) != LF_OK)
		return rc;
	lf_jsonw_array(&x->fw);
	for (i = 0; i < x->nearly; i++)
		finding(x, x->early[i].code, x->early[i].sev,
		    x->early[i].offset, NULL);
	if ((rc = lf_chain_build(&x->b, &co, &x->c, on_anomaly, x, err)) !=
	    LF_OK)
		return rc;
	/* A block cut short by a limit leaves no body to hash. */
	if (x->o->dkim_keys != NULL && x->b.complete &&
	    (rc = start_signatures(h, err)) != LF_OK)
		return rc;
	h->failed = false;
	return LF_OK;
}

void
lf_headers_source(struct lf_headers *h, const char *source,
    uint64_t mbox_offset, const char *container)
{
	h->source = source;
	h->mbox_offset = mbox_offset;
	h->container = container;
}

int
lf_headers_body(struct lf_headers *h, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	int rc;

	if (!h->has_block || h->failed)
		return lf_error_set(err, LF_E_INVAL,
		    "headers: no header block");
	if (h->dkim == NULL)
		return LF_OK;
	if ((rc = lf_dkim_verify_body(h->dkim, p, n, err)) != LF_OK ||
	    (rc = lf_arc_verify_body(h->arc, p, n, err)) != LF_OK)
		h->failed = true;
	return rc;
}

/* The format header every document of the project starts with. */
static void
preamble(struct lf_headers *h)
{
	struct lf_jsonw *w = &h->w;

	mstr(w, "format", "lf-headers");
	mint(w, "format_version", 1);
	lf_jsonw_key(w, "tool");
	lf_jsonw_object(w);
	mstr(w, "name", h->x.o->tool != NULL ? h->x.o->tool : "lf-headers");
	mstr(w, "version", lf_version_string());
	lf_jsonw_end(w);
	if (h->source != NULL)
		mstr(w, "source", h->source);
	if (h->mbox_offset != UINT64_MAX)
		mint(w, "mbox_offset", (int64_t)h->mbox_offset);
	if (h->container != NULL)
		mstr(w, "container", h->container);
}

int
lf_headers_end(struct lf_headers *h, const char **json, size_t *len, int *worst,
    struct lf_error *err)
{
	struct lf_dkim_report dr = {NULL, 0, 0};
	struct lf_arc_report ar;
	struct hx *x = &h->x;
	struct lf_jsonw *w = &h->w;
	int rc = LF_OK;

	if (!h->has_block || h->failed || json == NULL || len == NULL ||
	    worst == NULL)
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	memset(&ar, 0, sizeof(ar));
	if (h->dkim != NULL &&
	    ((rc = lf_dkim_verify_finish(h->dkim, &dr, err)) != LF_OK ||
	        (rc = lf_arc_verify_finish(h->arc, &ar, err)) != LF_OK)) {
		lf_dkim_report_release(&dr);
		h->failed = true;
		return rc;
	}
	lf_jsonw_object(w);
	preamble(h);
	lf_jsonw_key(w, "header");
	lf_jsonw_object(w);
	mint(w, "fields", (int64_t)x->b.count);
	mint(w, "bytes", (int64_t)x->b.body_offset);
	mbool(w, "complete", x->b.complete);
	lf_jsonw_end(w);
	report_chain(x);
	report_gateways(x);
	report_authres(x);
	report_dkim(x, &dr, &ar, h->dkim != NULL);
	report_originator(x);
	check_message_id(x);
	report_sender(x);
	lf_dkim_report_release(&dr);
	lf_arc_report_release(&ar);
	lf_jsonw_end(&x->fw);
	if ((rc = lf_jsonw_finish(&x->fw, err)) == LF_OK) {
		lf_jsonw_key(w, "findings");
		lf_jsonw_raw(w, x->fbuf.data, x->fbuf.len);
		lf_jsonw_end(w);
		rc = lf_jsonw_finish(w, err);
	}
	h->failed = true; /* a new block, or _free */
	if (rc != LF_OK)
		return rc;
	*json = (const char *)h->doc.data;
	*len = h->doc.len;
	*worst = x->worst;
	return LF_OK;
}

void
lf_headers_free(struct lf_headers *h)
{
	if (h == NULL)
		return;
	reset(h);
	lf_buf_release(&h->doc);
	lf_buf_release(&h->x.fbuf);
	free(h);
}

int
lf_headers_analyze(const uint8_t *p, size_t n, const struct lf_headers_opts *o,
    json_t **out, int *worst, struct lf_error *err)
{
	struct lf_headers *h;
	const char *json;
	json_t *doc = NULL;
	size_t len;
	int rc, w;

	if (o == NULL || out == NULL || worst == NULL || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	if ((rc = lf_headers_new(o, &h, err)) != LF_OK)
		return rc;
	if ((rc = lf_headers_block(h, p, n, err)) == LF_OK &&
	    (rc = lf_headers_body(h, p + h->x.b.body_offset,
	         n - h->x.b.body_offset, err)) == LF_OK &&
	    (rc = lf_headers_end(h, &json, &len, &w, err)) == LF_OK &&
	    (doc = json_loadb(json, len, 0, NULL)) == NULL)
		rc = lf_error_set(err, LF_E_NOMEM, "headers");
	lf_headers_free(h);
	if (rc == LF_OK) {
		*out = doc;
		*worst = w;
	}
	return rc;
}
