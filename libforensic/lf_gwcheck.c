/*
 * lf_gwcheck.c: Symantec Email Security.cloud's stamps, checked.
 *
 * What the samples show (corpora/headers, their notes): the tower's
 * X-Msg-Ref epoch is the second its qmail accepted the message, its
 * Received hop is dated the same second or the next; the back end's
 * symcld.net queue id ends in that epoch written backwards by hex digit;
 * X-Originating-IP is the client of the tower hop, and so is the address
 * inside X-Brightmail-Tracker, whose scan time follows the X-Msg-Ref
 * epoch by a second or two.  Two clocks of one gateway are allowed
 * LF_GW_SKEW seconds.  Mimecast's relay writes its queue id as
 * "us-mta-<n>-" and the X-MC-Unique value it stamps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf/date.h"
#include "lf/gwcheck.h"
#include "lf/received.h"
#include "lf/symantec.h"

struct run {
	struct lf_gw_check *out;
	size_t n;
};

static struct lf_gw_check *
add(struct run *r, const char *id, enum lf_check_result res, long field)
{
	struct lf_gw_check *c;

	if (r->n == LF_GW_CHECKS_MAX)
		return NULL;
	c = &r->out[r->n++];
	c->id = id;
	c->result = res;
	c->field = field;
	c->detail[0] = '\0';
	return c;
}

#define SAY(c, ...)                                                      \
	do {                                                             \
		if ((c) != NULL)                                         \
			(void)snprintf((c)->detail, sizeof((c)->detail), \
			    __VA_ARGS__);                                \
	} while (0)

static long
field_named(const struct lf_hblock *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->count; i++) {
		if (lf_hfield_is(&b->fields[i], name))
			return (long)i;
	}
	return -1;
}

/* The hop whose "by" is host (n bytes), or NULL. */
static const struct lf_hop *
hop_by(const struct lf_chain *c, const char *host)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		if (lf_host_matches(c->hops[i].r.by.p, c->hops[i].r.by.n, host))
			return &c->hops[i];
	}
	return NULL;
}

static long long
gap(int64_t a, int64_t b)
{
	return (long long)(a - b);
}

static bool
near(int64_t a, int64_t b)
{
	return a - b <= LF_GW_SKEW && b - a <= LF_GW_SKEW;
}

/* X-Originating-IP's address, brackets taken away, into ip. */
static bool
originating_ip(const struct lf_hfield *f, char ip[LF_RECEIVED_IP_MAX])
{
	size_t s = 0, e = f->value_len, n;

	while (s < e &&
	    (f->value[s] == ' ' || f->value[s] == '\t' || f->value[s] == '['))
		s++;
	while (e > s &&
	    (f->value[e - 1] == ' ' || f->value[e - 1] == ']' ||
	        f->value[e - 1] == '\r' || f->value[e - 1] == '\n'))
		e--;
	n = e - s;
	if (n == 0 || n >= LF_RECEIVED_IP_MAX)
		return false;
	memcpy(ip, f->value + s, n);
	ip[n] = '\0';
	return true;
}

static void
check_msgref(struct run *r, const struct lf_hblock *b, const struct lf_chain *c,
    const struct lf_symantec_msgref *m, long mf, char *oip, long of)
{
	const struct lf_hop *tower = hop_by(c, m->host);
	const struct lf_hop *border = lf_chain_border(c);
	struct lf_gw_check *k;

	(void)b;
	k = add(r, "msgref-tower-hop",
	    tower != NULL ? LF_CHECK_PASS : LF_CHECK_FAIL, mf);
	SAY(k,
	    tower != NULL ? "a Received hop by %.120s" :
	                    "no Received hop by %.120s, the tower "
	                    "X-Msg-Ref names",
	    m->host);
	if (tower != NULL && tower->r.has_date) {
		k = add(r, "msgref-vs-tower-hop",
		    near(tower->r.date.utc, m->epoch) ? LF_CHECK_PASS :
		                                        LF_CHECK_FAIL,
		    mf);
		SAY(k,
		    "the tower hop is dated %+lld s from the X-Msg-Ref "
		    "epoch",
		    gap(tower->r.date.utc, m->epoch));
	}
	if (border != NULL && border->r.has_date) {
		long long d = gap(border->r.date.utc, m->epoch);
		k = add(r, "msgref-vs-receipt",
		    d < -LF_GW_SKEW ? LF_CHECK_FAIL : LF_CHECK_PASS, mf);
		SAY(k,
		    "the border received it %+lld s after the X-Msg-Ref "
		    "epoch",
		    d);
	}
	if (oip != NULL && tower != NULL && tower->r.ip[0] != '\0') {
		bool same = strcmp(oip, tower->r.ip) == 0;
		k = add(r, "originating-ip-vs-tower-hop",
		    same ? LF_CHECK_PASS : LF_CHECK_FAIL, of);
		SAY(k, "X-Originating-IP %s, the tower hop's client %s", oip,
		    tower->r.ip);
	}
}

static void
check_queue_ids(struct run *r, const struct lf_chain *c)
{
	struct lf_gw_check *k;
	int64_t epoch;
	size_t i;

	for (i = 0; i < c->count; i++) {
		const struct lf_received *h = &c->hops[i].r;
		if (h->id.p == NULL || h->by.p == NULL || !h->has_date ||
		    !lf_host_matches(h->by.p, h->by.n, "*.symcld.net") ||
		    lf_symantec_queue_epoch(h->id.p, h->id.n, &epoch) != LF_OK)
			continue;
		k = add(r, "queue-id-vs-hop",
		    near(epoch, h->date.utc) ? LF_CHECK_PASS : LF_CHECK_FAIL,
		    (long)c->hops[i].field);
		SAY(k, "the queue id's epoch is %+lld s from its hop's date",
		    gap(epoch, h->date.utc));
		return;
	}
}

static void
check_tracker(struct run *r, const struct lf_hblock *b, long tf,
    const struct lf_symantec_msgref *m, const char *oip)
{
	const struct lf_hfield *f = &b->fields[tf];
	struct lf_symantec_tracker t;
	struct lf_gw_check *k;
	int rc;

	rc = lf_symantec_tracker(f->value, f->value_len, &t, NULL, NULL, NULL);
	if (rc != LF_OK) {
		k = add(r, "tracker",
		    rc == LF_E_NOMEM ? LF_CHECK_INFO : LF_CHECK_FAIL, tf);
		SAY(k,
		    rc == LF_E_NOMEM ? "not decoded: out of memory" :
		                       "not base64 of gzip");
		return;
	}
	k = add(r, "tracker", LF_CHECK_INFO, tf);
	if (t.scanner_host.p != NULL && t.signature.n > 0)
		SAY(k,
		    "%s; scanned by %.*s; signed (%zu bytes) with a key "
		    "only the vendor holds: not verifiable here",
		    t.complete ? "complete" : "cut short",
		    (int)(t.scanner_host.n < 120 ? t.scanner_host.n : 120),
		    (const char *)t.scanner_host.p, t.signature.n);
	else
		SAY(k, "%s; %s", t.complete ? "complete" : "cut short",
		    t.signature.n > 0 ?
		        "signed with a key only the vendor holds: not "
		        "verifiable here" :
		        "its signature is not in what is there");
	if (t.client_family != 0 && oip != NULL) {
		k = add(r, "tracker-client-ip",
		    strcmp(t.client_ip, oip) == 0 ? LF_CHECK_PASS :
		                                    LF_CHECK_FAIL,
		    tf);
		SAY(k, "the tracker's client %s, X-Originating-IP %s",
		    t.client_ip, oip);
	}
	if (t.has_time && m != NULL) {
		k = add(r, "tracker-time-vs-msgref",
		    near(t.time, m->epoch) ? LF_CHECK_PASS : LF_CHECK_FAIL, tf);
		SAY(k,
		    "the tracker's scan time is %+lld s from the X-Msg-Ref "
		    "epoch",
		    gap(t.time, m->epoch));
	}
	lf_symantec_tracker_release(&t);
}

/*
 * Dotted versions compared number by number ("9.104.1" > "9.43.9");
 * whatever follows the numbers is not compared.
 */
static int
version_cmp(const char *a, const char *b)
{
	while (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
		unsigned long long x = 0, y = 0;
		for (; *a >= '0' && *a <= '9'; a++)
			x = x < 1000000000ull ? x * 10 + (unsigned)(*a - '0') :
			                        x;
		for (; *b >= '0' && *b <= '9'; b++)
			y = y < 1000000000ull ? y * 10 + (unsigned)(*b - '0') :
			                        y;
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return (*a >= '0' && *a <= '9') - (*b >= '0' && *b <= '9');
}

/*
 * StarScan's version against the day the message passed, by the dated
 * sightings of the profile.  The service upgrades its scanner over time,
 * so a version above one still in use months after the message's day
 * did not exist yet that day (a stamp copied from a later message), and
 * a version below one in use years before it was long gone.  The margins
 * leave room for upgrades that reach the towers over weeks.
 */
#define NEWER_MARGIN (90 * 86400LL)
#define OLDER_MARGIN (730 * 86400LL)

static void
check_starscan_date(struct run *r, const struct lf_gateway *g,
    const char *version, int64_t when, long sf)
{
	const struct lf_gateway_sighting *later = NULL, *earlier = NULL;
	struct lf_gw_check *k;
	char day[32], seen[32];
	size_t i;

	if (g == NULL || g->nsightings == 0)
		return;
	for (i = 0; i < g->nsightings; i++) {
		const struct lf_gateway_sighting *s = &g->sightings[i];
		if (s->seen >= when + NEWER_MARGIN &&
		    version_cmp(s->version, version) < 0 &&
		    (later == NULL || s->seen < later->seen))
			later = s;
		if (s->seen + OLDER_MARGIN <= when &&
		    version_cmp(s->version, version) > 0 &&
		    (earlier == NULL || s->seen > earlier->seen))
			earlier = s;
	}
	lf_date_rfc3339(when, day);
	day[10] = '\0'; /* the day is enough */
	k = add(r, "starscan-version-date",
	    later != NULL || earlier != NULL ? LF_CHECK_FAIL : LF_CHECK_PASS,
	    sf);
	if (later != NULL) {
		lf_date_rfc3339(later->seen, seen);
		seen[10] = '\0';
		SAY(k, "StarScan %s on %s, but %s was still in use on %s (%s)",
		    version, day, later->version, seen, later->source);
	} else if (earlier != NULL) {
		lf_date_rfc3339(earlier->seen, seen);
		seen[10] = '\0';
		SAY(k, "StarScan %s on %s, but %s was in use by %s (%s)",
		    version, day, earlier->version, seen, earlier->source);
	} else {
		SAY(k, "StarScan %s on %s agrees with %zu dated sightings",
		    version, day, g->nsightings);
	}
}

static bool
symantec_host(struct lf_span s)
{
	return s.p != NULL &&
	    (lf_host_matches(s.p, s.n, "*.messagelabs.com") ||
	        lf_host_matches(s.p, s.n, "*.symcld.net"));
}

/* Symantec's stamps, as its towers write them, in one block. */
static bool
is_stamp(const struct lf_hfield *f)
{
	static const char *const stamps[] = {"X-Brightmail-Tracker",
	    "X-Env-Sender", "X-Msg-Ref", "X-Originating-IP", "X-SpamReason",
	    "X-SYMC-ESS-Client-Auth", "X-StarScan-Received",
	    "X-StarScan-Version", "X-VirusChecked"};
	size_t i;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++)
		if (lf_hfield_is(f, stamps[i]))
			return true;
	return false;
}

/*
 * The stamps are written together by the tower, right below the hop in
 * which a Symantec host took or passed the message: a field between them,
 * or a hop above them that names no Symantec host, means they were moved
 * or added by someone else.
 */
static void
check_stamp_order(struct run *r, const struct lf_hblock *b,
    const struct lf_chain *c)
{
	const struct lf_hop *above = NULL;
	struct lf_gw_check *k;
	long first = -1, last = -1;
	size_t i, n = 0;

	for (i = 0; i < b->count; i++) {
		if (!is_stamp(&b->fields[i]))
			continue;
		if (first < 0)
			first = (long)i;
		last = (long)i;
		n++;
	}
	if (n < 2)
		return;
	for (i = (size_t)first; i <= (size_t)last; i++) {
		if (is_stamp(&b->fields[i]))
			continue;
		k = add(r, "stamp-order", LF_CHECK_FAIL, (long)i);
		SAY(k, "%.*s (field %zu) among the stamps, fields %ld to %ld",
		    (int)(b->fields[i].name_len < 60 ? b->fields[i].name_len :
		                                       60),
		    (const char *)b->fields[i].name, i, first, last);
		return;
	}
	for (i = 0; i < c->count; i++)
		if (c->hops[i].field < (size_t)first &&
		    (above == NULL || c->hops[i].field > above->field))
			above = &c->hops[i];
	if (above != NULL &&
	    (symantec_host(above->r.by) || symantec_host(above->r.from) ||
	        symantec_host(above->r.rdns) || symantec_host(above->r.helo))) {
		k = add(r, "stamp-order", LF_CHECK_PASS, first);
		SAY(k,
		    "%zu stamps in one block, fields %ld to %ld, below the "
		    "hop in field %zu",
		    n, first, last, above->field);
		return;
	}
	k = add(r, "stamp-order", LF_CHECK_FAIL, first);
	if (above == NULL)
		SAY(k, "no Received hop above the stamps (fields %ld to %ld)",
		    first, last);
	else
		SAY(k,
		    "the hop above the stamps (field %zu) names no Symantec "
		    "host",
		    above->field);
}

size_t
lf_symantec_checks(const struct lf_hblock *b, const struct lf_chain *c,
    const struct lf_gateway *g, struct lf_gw_check out[LF_GW_CHECKS_MAX])
{
	struct run r = {out, 0};
	struct lf_symantec_msgref m;
	struct lf_symantec_starscan ss;
	struct lf_gw_check *k;
	char oip[LF_RECEIVED_IP_MAX];
	long mf = field_named(b, "X-Msg-Ref");
	long of = field_named(b, "X-Originating-IP");
	long tf = field_named(b, "X-Brightmail-Tracker");
	long sf = field_named(b, "X-StarScan-Version");
	long in = field_named(b, "X-SpamReason");
	long outb = field_named(b, "X-SYMC-ESS-Client-Auth");
	bool has_m = false, has_oip;

	has_oip = of >= 0 && originating_ip(&b->fields[of], oip);
	if (mf >= 0) {
		const struct lf_hfield *f = &b->fields[mf];
		has_m = lf_symantec_msgref(f->value, f->value_len, &m) == LF_OK;
		k = add(&r, "msgref", has_m ? LF_CHECK_INFO : LF_CHECK_FAIL,
		    mf);
		if (has_m)
			SAY(k, "%.120s at %s", m.host, m.epoch_rfc3339);
		else
			SAY(k, "not of the form host!epoch!counter");
		if (has_m)
			check_msgref(&r, b, c, &m, mf, has_oip ? oip : NULL,
			    of);
	}
	check_queue_ids(&r, c);
	if (tf >= 0)
		check_tracker(&r, b, tf, has_m ? &m : NULL,
		    has_oip ? oip : NULL);
	if (sf >= 0) {
		const struct lf_hfield *f = &b->fields[sf];
		bool ok =
		    lf_symantec_starscan(f->value, f->value_len, &ss) == LF_OK;
		k = add(&r, "starscan-version",
		    ok ? LF_CHECK_INFO : LF_CHECK_FAIL, sf);
		SAY(k, ok ? "StarScan %s" : "not a version%s",
		    ok ? ss.version : "");
		if (ok && has_m)
			check_starscan_date(&r, g, ss.version, m.epoch, sf);
	}
	if (in >= 0 || outb >= 0) {
		k = add(&r, "direction",
		    in >= 0 && outb >= 0 ? LF_CHECK_FAIL : LF_CHECK_INFO,
		    in >= 0 ? in : outb);
		SAY(k, "%s",
		    in >= 0 && outb >= 0 ?
		        "both inbound (X-SpamReason) and outbound "
		        "(X-SYMC-ESS-Client-Auth) stamps" :
		        in >= 0 ? "inbound: scanned for the recipient "
		                  "(X-SpamReason)" :
		                  "outbound: scanned for the sender's "
		                  "organization (X-SYMC-ESS-Client-Auth)");
	}
	check_stamp_order(&r, b, c);
	return r.n;
}

size_t
lf_mimecast_checks(const struct lf_hblock *b, const struct lf_chain *c,
    const struct lf_gateway *g, struct lf_gw_check out[LF_GW_CHECKS_MAX])
{
	struct run r = {out, 0};
	struct lf_gw_check *k;
	long uf = field_named(b, "X-MC-Unique");
	const struct lf_hfield *f;
	size_t s, e, i;

	(void)g;
	if (uf < 0)
		return 0;
	f = &b->fields[uf];
	for (s = 0;
	     s < f->value_len && (f->value[s] == ' ' || f->value[s] == '\t');
	     s++)
		;
	for (e = f->value_len; e > s &&
	     (f->value[e - 1] == ' ' || f->value[e - 1] == '\r' ||
	         f->value[e - 1] == '\n');
	     e--)
		;
	for (i = 0; i < c->count; i++) {
		const struct lf_received *h = &c->hops[i].r;
		if (h->by.p == NULL || h->id.p == NULL ||
		    !lf_host_matches(h->by.p, h->by.n, "*.mimecast.com"))
			continue;
		/* The relay's queue id is "<site>-mta-<n>-" and X-MC-Unique. */
		bool same = e > s && h->id.n > e - s &&
		    h->id.p[h->id.n - (e - s) - 1] == '-' &&
		    memcmp(h->id.p + h->id.n - (e - s), f->value + s, e - s) ==
		        0;
		k = add(&r, "mc-unique-vs-relay-id",
		    same ? LF_CHECK_PASS : LF_CHECK_FAIL, uf);
		SAY(k, "X-MC-Unique %.*s, the relay's queue id %.*s",
		    (int)(e - s < 80 ? e - s : 80), (const char *)f->value + s,
		    (int)(h->id.n < 80 ? h->id.n : 80), (const char *)h->id.p);
		return r.n;
	}
	k = add(&r, "mc-unique-vs-relay-id", LF_CHECK_FAIL, uf);
	SAY(k,
	    "X-MC-Unique, but no Received hop by a Mimecast relay with a "
	    "queue id");
	return r.n;
}

const char *
lf_check_result_name(enum lf_check_result r)
{
	switch (r) {
	case LF_CHECK_PASS:
		return "pass";
	case LF_CHECK_FAIL:
		return "fail";
	default:
		return "info";
	}
}
