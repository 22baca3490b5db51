/*
 * lf_headers.c: the header report.
 *
 * The modules below it read (lf_hblock, lf_received, lf_chain,
 * lf_authres); this one decides what the reader may believe and says why.
 * Every finding points at the field it is about and quotes it, escaped,
 * because the analyst must be able to show the line to someone else.
 */
#include <stddef.h>
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
#include "lf/json.h"
#include "lf/sender.h"
#include "lf/text.h"

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
	json_t *findings;
	int worst;
	bool nomem;
	struct early early[EARLY_MAX];
	size_t nearly;
	size_t base; /* added to the offsets of a field's own anomalies */
};

/* Set obj[key] = v, remembering a failure; v is taken. */
static void
put(struct hx *x, json_t *obj, const char *key, json_t *v)
{
	/* Keys are this file's own ASCII words: no need to check them. */
	if (v == NULL || json_object_set_new_nocheck(obj, key, v) != 0)
		x->nomem = true;
}

static void
push(struct hx *x, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) != 0)
		x->nomem = true;
}

/* Text from the message: valid UTF-8 as is, else escaped visibly. */
static json_t *
text(struct hx *x, const uint8_t *p, size_t n)
{
	struct lf_buf b;
	json_t *s;

	if (p == NULL)
		return json_null();
	if (lf_utf8_valid(p, n) && memchr(p, '\0', n) == NULL)
		return json_stringn_nocheck((const char *)p, n); /* checked */
	lf_buf_init(&b, 8 * n + 16);
	if (lf_escape_visible(&b, p, n, 0, NULL) != LF_OK) {
		lf_buf_release(&b);
		x->nomem = true;
		return NULL;
	}
	s = json_stringn((const char *)b.data, b.len);
	lf_buf_release(&b);
	return s;
}

static json_t *
span(struct hx *x, struct lf_span s)
{
	return text(x, s.p, s.n);
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
	json_t *f = json_object();

	if (f == NULL) {
		x->nomem = true;
		return;
	}
	put(x, f, "id", json_string(id));
	put(x, f, "severity", json_string(lf_severity_name(sev)));
	put(x, f, "offset", json_integer((json_int_t)offset));
	put(x, f, "field", i >= 0 ? json_integer(i) : json_null());
	if (i >= 0) {
		const struct lf_hfield *h = &x->b.fields[i];
		size_t len = h->raw_len;
		while (len > 0 &&
		    (h->raw[len - 1] == '\n' || h->raw[len - 1] == '\r'))
			len--;
		put(x, f, "evidence",
		    text(x, h->raw, len < EVIDENCE_MAX ? len : EVIDENCE_MAX));
		put(x, f, "evidence_truncated",
		    json_boolean(len > EVIDENCE_MAX));
	}
	if (detail != NULL)
		put(x, f, "detail", json_string(detail));
	push(x, x->findings, f);
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

static json_t *
date_json(struct hx *x, struct lf_span raw, bool has, const struct lf_date *d)
{
	char utc[32], off[24];
	int m;

	if (raw.p == NULL)
		return json_null();
	json_t *j = json_object();
	if (j == NULL) {
		x->nomem = true;
		return NULL;
	}
	put(x, j, "raw", span(x, raw));
	if (has) {
		lf_date_rfc3339(d->utc, utc);
		m = d->offset < 0 ? -d->offset : d->offset;
		(void)snprintf(off, sizeof(off), "%c%02d%02d",
		    d->zone_unknown || d->offset < 0 ? '-' : '+', m / 60,
		    m % 60);
		put(x, j, "utc", json_string(utc));
		put(x, j, "offset", json_string(off));
	} else {
		put(x, j, "utc", json_null());
		put(x, j, "offset", json_null());
	}
	return j;
}

static json_t *
hop_json(struct hx *x, size_t i)
{
	const struct lf_hop *h = &x->c.hops[i];
	const struct lf_received *r = &h->r;
	json_t *j = json_object();

	if (j == NULL) {
		x->nomem = true;
		return NULL;
	}
	put(x, j, "field", json_integer((json_int_t)h->field));
	put(x, j, "trusted", json_boolean(h->trusted));
	put(x, j, "from", span(x, r->from));
	put(x, j, "ip", r->ip[0] != '\0' ? json_string(r->ip) : json_null());
	put(x, j, "rdns", span(x, r->rdns));
	put(x, j, "helo", span(x, r->helo));
	put(x, j, "by", span(x, r->by));
	put(x, j, "with", span(x, r->with));
	put(x, j, "id", span(x, r->id));
	put(x, j, "for", span(x, r->for_rcpt));
	put(x, j, "date", date_json(x, r->date_text, r->has_date, &r->date));
	put(x, j, "delay",
	    h->has_delay ? json_integer((json_int_t)h->delay) : json_null());
	put(x, j, "linked", json_boolean(h->linked));
	return j;
}

static void
report_chain(struct hx *x, json_t *doc)
{
	const struct lf_hop *border = lf_chain_border(&x->c);
	json_t *hops = json_array(), *trust = json_object(), *names;
	char utc[32];
	size_t i;

	if (hops == NULL || trust == NULL || (names = json_array()) == NULL) {
		json_decref(hops);
		json_decref(trust);
		x->nomem = true;
		return;
	}
	for (i = 0; i < x->o->ntrusted_mta; i++)
		push(x, names, json_string(x->o->trusted_mta[i]));
	put(x, trust, "named", json_boolean(x->c.boundary_named));
	put(x, trust, "trusted_mta", names);
	put(x, trust, "trusted_hops", json_integer((json_int_t)x->c.trusted));
	put(x, trust, "border",
	    border != NULL ? json_integer((json_int_t)(x->c.trusted - 1)) :
	                     json_null());
	put(x, trust, "delivery_ip",
	    border != NULL && border->r.ip[0] != '\0' ?
	        json_string(border->r.ip) :
	        json_null());
	if (border != NULL && border->r.has_date) {
		lf_date_rfc3339(border->r.date.utc, utc);
		put(x, trust, "receipt_time", json_string(utc));
	} else {
		put(x, trust, "receipt_time", json_null());
	}
	if (!x->c.boundary_named && x->c.count > 0)
		finding(x, "trust.unnamed", LF_SEV_INFO,
		    x->b.fields[x->c.hops[0].field].offset,
		    "no trusted server named: only the topmost hop is "
		    "trusted");
	for (i = 0; i < x->c.count; i++)
		push(x, hops, hop_json(x, i));
	put(x, doc, "trust", trust);
	put(x, doc, "hops", hops);
}

static json_t *
indexes(struct hx *x, const size_t *v, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL) {
		x->nomem = true;
		return NULL;
	}
	for (i = 0; i < n; i++)
		push(x, arr, json_integer((json_int_t)v[i]));
	return arr;
}

/* A gateway's own stamps checked; a finding when they disagree. */
static json_t *
stamp_checks(struct hx *x,
    size_t (*checks)(const struct lf_hblock *, const struct lf_chain *,
        struct lf_gw_check[LF_GW_CHECKS_MAX]))
{
	struct lf_gw_check c[LF_GW_CHECKS_MAX];
	size_t n = checks(&x->b, &x->c, c), i;
	json_t *arr = json_array();
	bool failed = false;

	if (arr == NULL) {
		x->nomem = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		push(x, arr,
		    json_pack("{s:s, s:s, s:o, s:s}", "check", c[i].id,
		        "result", lf_check_result_name(c[i].result), "field",
		        c[i].field >= 0 ? json_integer(c[i].field) :
		                          json_null(),
		        "detail", c[i].detail));
		if (c[i].result == LF_CHECK_FAIL && !failed) {
			failed = true;
			record(x, "gateway.stamps-disagree", LF_SEV_MEDIUM,
			    c[i].field >= 0 ? x->b.fields[c[i].field].offset :
			                      0,
			    c[i].field, c[i].detail);
		}
	}
	return arr;
}

static void
report_gateways(struct hx *x, json_t *doc)
{
	const struct lf_gateways *gs = x->o->gateways;
	json_t *arr = json_array();
	size_t i;

	if (arr == NULL) {
		x->nomem = true;
		return;
	}
	for (i = 0; gs != NULL && i < gs->count; i++) {
		const struct lf_gateway *g = &gs->g[i];
		struct lf_transit_verdict v;
		json_t *j = json_object(), *range;

		if (j == NULL) {
			x->nomem = true;
			break;
		}
		lf_gateway_judge(g, &x->b, &x->c, &v);
		put(x, j, "name", json_string(g->name));
		put(x, j, "verdict", json_string(lf_transit_name(v.verdict)));
		put(x, j, "why", json_string(v.why));
		push(x, arr, j);
		/* The evidence, for a gateway the message has to do with: most
		 * messages mention one gateway of many. */
		if (v.nfields == 0 && v.nhops == 0 && !v.border_names_it &&
		    v.range == NULL)
			continue;
		put(x, j, "vendor", json_string(g->vendor));
		put(x, j, "trace_fields", indexes(x, v.fields, v.nfields));
		put(x, j, "trace_hops", indexes(x, v.hops, v.nhops));
		put(x, j, "border_names_gateway",
		    json_boolean(v.border_names_it));
		range = v.range == NULL ?
		    json_null() :
		    json_pack("{s:s, s:s}", "cidr", v.range->cidr, "source",
		        v.range->source);
		put(x, j, "range", range);
		if (strcmp(g->name, "symantec-ess") == 0)
			put(x, j, "checks",
			    stamp_checks(x, lf_symantec_checks));
		else if (strcmp(g->name, "mimecast") == 0)
			put(x, j, "checks",
			    stamp_checks(x, lf_mimecast_checks));
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
	put(x, doc, "gateways", arr);
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

static json_t *
results_json(struct hx *x, const struct lf_authres *ar)
{
	json_t *arr = json_array();
	size_t i, k;

	if (arr == NULL) {
		x->nomem = true;
		return NULL;
	}
	for (i = 0; i < ar->nresults; i++) {
		const struct lf_authres_result *r = &ar->results[i];
		json_t *j = json_object(), *props = json_object();
		if (j == NULL || props == NULL) {
			json_decref(j);
			json_decref(props);
			x->nomem = true;
			break;
		}
		put(x, j, "method", json_string(r->method));
		put(x, j, "result", json_string(r->result));
		put(x, j, "reason",
		    r->reason != NULL ? json_string(r->reason) : json_null());
		put(x, j, "comment",
		    r->comment != NULL ? json_string(r->comment) : json_null());
		for (k = 0; k < r->nprops; k++) {
			char key[256];
			(void)snprintf(key, sizeof(key), "%s%s%s",
			    r->props[k].ptype, r->props[k].ptype[0] ? "." : "",
			    r->props[k].property);
			if (json_object_get(props, key) == NULL)
				put(x, props, key,
				    json_string(r->props[k].value));
		}
		put(x, j, "properties", props);
		push(x, arr, j);
	}
	return arr;
}

/*
 * An Authentication-Results field is believed when its authserv-id is
 * trusted and it sits above the border hop's Received field: what is
 * below could have come with the message.
 */
static void
report_authres(struct hx *x, json_t *doc)
{
	const struct lf_hop *border = lf_chain_border(&x->c);
	size_t limit = border != NULL ? border->field : 0;
	json_t *arr = json_array();
	size_t i, believed = 0;

	if (arr == NULL) {
		x->nomem = true;
		return;
	}
	for (i = 0; i < x->b.count; i++) {
		const struct lf_hfield *f = &x->b.fields[i];
		struct lf_authres *ar = NULL;
		json_t *j;
		int rc;

		if (!lf_hfield_is(f, "Authentication-Results"))
			continue;
		x->base = f->offset + (size_t)(f->value - f->raw);
		rc = lf_authres_parse(f->value, f->value_len, &ar, on_anomaly,
		    x, NULL);
		x->base = 0;
		if (rc == LF_E_NOMEM) {
			x->nomem = true;
			break;
		}
		if ((j = json_object()) == NULL) {
			lf_authres_free(ar);
			x->nomem = true;
			break;
		}
		bool named = ar != NULL && trusted_authserv(x, ar->authserv_id);
		bool above = i < limit;
		put(x, j, "field", json_integer((json_int_t)i));
		put(x, j, "authserv_id",
		    ar != NULL && ar->authserv_id != NULL ?
		        json_string(ar->authserv_id) :
		        json_null());
		put(x, j, "trusted", json_boolean(named && above));
		put(x, j, "results",
		    ar != NULL ? results_json(x, ar) : json_array());
		push(x, arr, j);
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
	put(x, doc, "authentication", arr);
}

/* RFC 5322 section 3.6: how many of each originator field there may be. */
static json_t *
mailbox_json(struct hx *x, const struct lf_mailbox *m)
{
	if (!m->present)
		return json_null();
	json_t *j = json_pack("{s:s%, s:s%, s:s%, s:s%}", "address", m->address,
	    strlen(m->address), "domain", m->domain, strlen(m->domain),
	    "org_domain", m->org, strlen(m->org), "display_name", m->display,
	    strlen(m->display));
	if (j == NULL) /* bytes that are not UTF-8 */
		j = json_pack("{s:o, s:o, s:o, s:o}", "address",
		    text(x, (const uint8_t *)m->address, strlen(m->address)),
		    "domain",
		    text(x, (const uint8_t *)m->domain, strlen(m->domain)),
		    "org_domain",
		    text(x, (const uint8_t *)m->org, strlen(m->org)),
		    "display_name",
		    text(x, (const uint8_t *)m->display, strlen(m->display)));
	return j;
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
 * address of another, a From domain in punycode or Unicode.
 */
static void
report_sender(struct hx *x, json_t *doc)
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
	json_t *j = json_object();
	long fi, i;
	size_t k;

	if (j == NULL) {
		x->nomem = true;
		return;
	}
	fi = first_mailbox(x, "From", &from);
	put(x, j, "from", mailbox_json(x, &from));
	for (k = 0; k < sizeof(other) / sizeof(other[0]); k++) {
		i = first_mailbox(x, other[k].field, &m);
		put(x, j, other[k].key, mailbox_json(x, &m));
		if (from.present && m.present && from.org[0] != '\0' &&
		    strcmp(from.org, m.org) != 0)
			record(x, other[k].id, other[k].sev,
			    x->b.fields[i].offset, i,
			    "an address of another organization than From's");
	}
	put(x, doc, "sender", j);
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
	if (has_label_prefix(from.domain, "xn--"))
		record(x, "sender.punycode-domain", LF_SEV_MEDIUM,
		    x->b.fields[fi].offset, fi,
		    "the From domain is internationalized (punycode): it may "
		    "look like another");
	else if (non_ascii(from.domain))
		record(x, "sender.unicode-domain", LF_SEV_MEDIUM,
		    x->b.fields[fi].offset, fi,
		    "the From domain holds non-ASCII characters: it may look "
		    "like another");
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
report_originator(struct hx *x, json_t *doc)
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
	json_t *counts = json_object();
	size_t i, k, second;

	if (counts == NULL) {
		x->nomem = true;
		return;
	}
	for (k = 0; k < sizeof(once) / sizeof(once[0]); k++) {
		size_t n = lf_hblock_count(&x->b, once[k].name);
		put(x, counts, once[k].name, json_integer((json_int_t)n));
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
	put(x, doc, "originator", counts);
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

static json_t *
dstr(struct hx *x, struct lf_dkim_str s)
{
	return text(x, s.p, s.n);
}

static json_t *
dkim_json(struct hx *x, const struct lf_dkim_result *r)
{
	json_t *j = json_object(), *flags = json_array(), *hdr = json_object();
	size_t k;

	if (j == NULL || flags == NULL || hdr == NULL) {
		json_decref(j);
		json_decref(flags);
		json_decref(hdr);
		x->nomem = true;
		return NULL;
	}
	put(x, j, "field", json_integer((json_int_t)r->field));
	put(x, j, "d", dstr(x, r->sig.d));
	put(x, j, "s", dstr(x, r->sig.s));
	put(x, j, "a", dstr(x, r->sig.a));
	put(x, j, "c", dstr(x, r->sig.c));
	put(x, j, "verdict", json_string(lf_dkim_verdict_name(r->verdict)));
	put(x, j, "reason",
	    r->reason != NULL ? json_string(r->reason) : json_null());
	put(x, j, "body", json_string(check_name(r->body)));
	put(x, j, "header", json_string(check_name(r->header)));
	put(x, j, "key_bits",
	    r->key_bits > 0 ? json_integer(r->key_bits) : json_null());
	put(x, j, "l",
	    r->sig.has_length ? json_integer((json_int_t)r->sig.length) :
	                        json_null());
	put(x, j, "body_unsigned", json_integer((json_int_t)r->body_unsigned));
	for (k = 0; k < LF_DKIM_HCHECKS; k++)
		put(x, hdr, r->hdr[k].name,
		    json_pack("{s:I, s:I, s:b}", "present",
		        (json_int_t)r->hdr[k].present, "signed",
		        (json_int_t)r->hdr[k].listed, "oversigned",
		        r->hdr[k].oversigned));
	put(x, j, "fields", hdr);
	for (k = 0; k < sizeof(dkim_flags) / sizeof(dkim_flags[0]); k++) {
		if (r->flags & dkim_flags[k].bit)
			push(x, flags, json_string(dkim_flags[k].name));
	}
	put(x, j, "flags", flags);
	return j;
}

static void
report_dkim(struct hx *x, json_t *doc, const struct lf_dkim_report *dr,
    const struct lf_arc_report *ar, bool checked)
{
	json_t *arr, *arc, *sets;
	size_t i;

	if (!checked) {
		put(x, doc, "dkim", json_null());
		put(x, doc, "arc", json_null());
		return;
	}
	if ((arr = json_array()) == NULL) {
		x->nomem = true;
		return;
	}
	for (i = 0; i < dr->count; i++) {
		const struct lf_dkim_result *r = &dr->results[i];
		push(x, arr, dkim_json(x, r));
		if (r->verdict == LF_DKIM_FAIL_BODY_HASH ||
		    r->verdict == LF_DKIM_FAIL_SIGNATURE)
			record(x, "dkim.failed", LF_SEV_MEDIUM,
			    x->b.fields[r->field].offset, (long)r->field,
			    "a signature that does not verify: the message "
			    "was changed after it was signed, or the "
			    "signature is not genuine");
	}
	put(x, doc, "dkim", arr);
	if ((arc = json_object()) == NULL || (sets = json_array()) == NULL) {
		json_decref(arc);
		x->nomem = true;
		return;
	}
	put(x, arc, "cv", json_string(lf_arc_cv_name(ar->cv)));
	put(x, arc, "reason",
	    ar->reason != NULL ? json_string(ar->reason) : json_null());
	for (i = 0; i < ar->nsets; i++) {
		const struct lf_arc_set *t = &ar->sets[i];
		json_t *j = json_object();
		if (j == NULL) {
			x->nomem = true;
			break;
		}
		put(x, j, "instance", json_integer(t->instance));
		put(x, j, "cv", json_string(lf_arc_cv_name(t->cv)));
		put(x, j, "seal",
		    json_string(lf_dkim_verdict_name(t->seal_verdict)));
		put(x, j, "seal_d", dstr(x, t->seal_d));
		put(x, j, "message_signature",
		    json_string(lf_dkim_verdict_name(t->ams_verdict)));
		put(x, j, "message_signature_d", dstr(x, t->ams_d));
		push(x, sets, j);
	}
	put(x, arc, "sets", sets);
	put(x, doc, "arc", arc);
}

struct lf_headers {
	struct hx x;
	json_t *doc;
	struct lf_dkim_options dkim_opts;
	struct lf_dkim_verify *dkim;
	struct lf_arc_verify *arc;
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
	*out = h;
	return LF_OK;
}

/* Forget the message read last. */
static void
reset(struct lf_headers *h)
{
	const struct lf_headers_opts *opts;

	lf_dkim_verify_free(h->dkim);
	lf_arc_verify_free(h->arc);
	h->dkim = NULL;
	h->arc = NULL;
	json_decref(h->doc);
	json_decref(h->x.findings);
	lf_chain_release(&h->x.c);
	lf_hblock_release(&h->x.b);
	opts = h->x.o;
	memset(&h->x, 0, sizeof(h->x));
	h->x.o = opts;
	h->doc = NULL;
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
	x->worst = -1;
	h->has_block = true;
	h->failed = true; /* until it is all done */
	if ((rc = lf_hblock_parse(p, n, x->o->max_fields, &x->b, on_early, x,
	         err)) != LF_OK)
		return rc;
	x->findings = json_array();
	h->doc = lf_json_doc_new("lf-headers", 1,
	    x->o->tool != NULL ? x->o->tool : "lf-headers");
	if (x->findings == NULL || h->doc == NULL)
		return lf_error_set(err, LF_E_NOMEM, "headers");
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

int
lf_headers_end(struct lf_headers *h, json_t **out, int *worst,
    struct lf_error *err)
{
	struct lf_dkim_report dr = {NULL, 0, 0};
	struct lf_arc_report ar;
	struct hx *x = &h->x;
	json_t *header;
	int rc = LF_OK;

	if (!h->has_block || h->failed || out == NULL || worst == NULL)
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	memset(&ar, 0, sizeof(ar));
	if (h->dkim != NULL &&
	    ((rc = lf_dkim_verify_finish(h->dkim, &dr, err)) != LF_OK ||
	        (rc = lf_arc_verify_finish(h->arc, &ar, err)) != LF_OK)) {
		lf_dkim_report_release(&dr);
		h->failed = true;
		return rc;
	}
	if ((header = json_object()) == NULL)
		x->nomem = true;
	else {
		put(x, header, "fields", json_integer((json_int_t)x->b.count));
		put(x, header, "bytes",
		    json_integer((json_int_t)x->b.body_offset));
		put(x, header, "complete", json_boolean(x->b.complete));
		put(x, h->doc, "header", header);
	}
	report_chain(x, h->doc);
	report_gateways(x, h->doc);
	report_authres(x, h->doc);
	report_dkim(x, h->doc, &dr, &ar, h->dkim != NULL);
	report_originator(x, h->doc);
	check_message_id(x);
	report_sender(x, h->doc);
	lf_dkim_report_release(&dr);
	lf_arc_report_release(&ar);
	put(x, h->doc, "findings", x->findings);
	x->findings = NULL;
	h->failed = true; /* a new block, or _free */
	if (x->nomem)
		return lf_error_set(err, LF_E_NOMEM, "headers");
	*out = h->doc;
	*worst = x->worst;
	h->doc = NULL;
	return LF_OK;
}

void
lf_headers_free(struct lf_headers *h)
{
	if (h == NULL)
		return;
	reset(h);
	free(h);
}

int
lf_headers_analyze(const uint8_t *p, size_t n, const struct lf_headers_opts *o,
    json_t **out, int *worst, struct lf_error *err)
{
	struct lf_headers *h;
	int rc;

	if (o == NULL || out == NULL || worst == NULL || (p == NULL && n > 0))
		return lf_error_set(err, LF_E_INVAL, "headers: bad call");
	if ((rc = lf_headers_new(o, &h, err)) != LF_OK)
		return rc;
	if ((rc = lf_headers_block(h, p, n, err)) == LF_OK &&
	    (rc = lf_headers_body(h, p + h->x.b.body_offset,
	         n - h->x.b.body_offset, err)) == LF_OK)
		rc = lf_headers_end(h, out, worst, err);
	lf_headers_free(h);
	return rc;
}
