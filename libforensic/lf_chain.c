/*
 * lf_chain.c: the Received chain, its delays and its trust boundary.
 *
 * Hops are linked loosely on purpose: gateways hand mail between internal
 * machines whose names share nothing with the names they give outside
 * (a MessageLabs tower hands on to a symcld.net back end), so a broken
 * link is worth a low note, never a verdict.  What is trusted is decided
 * by the "by" names alone, from the top down, and nothing below the first
 * hop the user does not own is ever trusted, however well it links.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/chain.h"

struct ctx {
	lf_anomaly_fn anomaly;
	void *arg;
};

static void
note(const struct ctx *x, const char *code, enum lf_severity sev, size_t offset,
    const char *detail)
{
	struct lf_anomaly a = {code, sev, offset, detail};

	if (x->anomaly != NULL)
		x->anomaly(x->arg, &a);
}

/* Pass a field's own anomalies on with offsets in the block's buffer. */
struct field_ctx {
	const struct ctx *x;
	size_t base;
};

static void
field_anomaly(void *arg, const struct lf_anomaly *a)
{
	const struct field_ctx *f = arg;
	struct lf_anomaly b = *a;

	b.offset += f->base;
	if (f->x->anomaly != NULL)
		f->x->anomaly(f->x->arg, &b);
}

bool
lf_host_matches(const uint8_t *host, size_t n, const char *pattern)
{
	size_t m = strlen(pattern);

	if (n > 0 && host[n - 1] == '.')
		n--;
	if (m > 0 && pattern[m - 1] == '.')
		m--;
	if (m > 2 && pattern[0] == '*' && pattern[1] == '.') {
		/* under the domain: ".domain" ends the host */
		pattern++;
		m--;
		return n > m &&
		    strncasecmp((const char *)host + n - m, pattern, m) == 0;
	}
	return n == m && n > 0 &&
	    strncasecmp((const char *)host, pattern, n) == 0;
}

static bool
trusted_by(const struct lf_received *r, const struct lf_chain_opts *o)
{
	size_t i;

	if (r->by.p == NULL)
		return false;
	for (i = 0; i < o->ntrusted; i++) {
		if (lf_host_matches(r->by.p, r->by.n, o->trusted_mta[i]))
			return true;
	}
	return false;
}

/* Equal names, without regard to case or a final dot. */
static bool
same_name(struct lf_span a, struct lf_span b)
{
	if (a.p == NULL || b.p == NULL)
		return false;
	if (a.n > 0 && a.p[a.n - 1] == '.')
		a.n--;
	if (b.n > 0 && b.p[b.n - 1] == '.')
		b.n--;
	return a.n == b.n && a.n > 0 &&
	    strncasecmp((const char *)a.p, (const char *)b.p, a.n) == 0;
}

static bool
one_of(uint8_t c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Whether the address text ip appears in span s as a whole word. */
static bool
names_ip(struct lf_span s, const char *ip)
{
	size_t m = strlen(ip), i;

	if (s.p == NULL || m == 0 || s.n < m)
		return false;
	for (i = 0; i + m <= s.n; i++) {
		if (memcmp(s.p + i, ip, m) == 0 &&
		    (i == 0 || one_of(s.p[i - 1], "([ :")) &&
		    (i + m == s.n || one_of(s.p[i + m], ")] ")))
			return true;
	}
	return false;
}

/* Whether upper's client is lower's server. */
static bool
linked(const struct lf_received *upper, const struct lf_received *lower)
{
	return same_name(upper->from, lower->by) ||
	    same_name(upper->rdns, lower->by) ||
	    same_name(upper->helo, lower->by) ||
	    (upper->ip[0] != '\0' && names_ip(lower->by_comment, upper->ip));
}

static void
link_hops(const struct ctx *x, const struct lf_hblock *b, struct lf_chain *c)
{
	size_t i;

	for (i = 0; i + 1 < c->count; i++) {
		struct lf_hop *up = &c->hops[i];
		const struct lf_hop *down = &c->hops[i + 1];
		size_t off = b->fields[up->field].offset;

		if (up->r.has_date && down->r.has_date) {
			up->delay = up->r.date.utc - down->r.date.utc;
			up->has_delay = true;
			if (up->delay < 0)
				note(x, "chain.negative-delay", LF_SEV_LOW, off,
				    "a hop dated before the hop below it");
		}
		up->linked = linked(&up->r, &down->r);
		if (!up->linked && down->r.by.p != NULL &&
		    (up->r.from.p != NULL || up->r.ip[0] != '\0'))
			note(x, "chain.gap", LF_SEV_INFO, off,
			    "the client of a hop is not the server of the hop "
			    "below (vendors' internal names often differ)");
	}
}

int
lf_chain_build(const struct lf_hblock *b, const struct lf_chain_opts *o,
    struct lf_chain *out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err)
{
	static const struct lf_chain_opts none = {NULL, 0};
	struct ctx x = {anomaly, arg};
	struct lf_chain c = {NULL, 0, 0, false};
	size_t i, n;

	if (b == NULL || out == NULL)
		return lf_error_set(err, LF_E_INVAL, "chain: bad call");
	if (o == NULL)
		o = &none;
	n = lf_hblock_count(b, "Received");
	if (n == 0) {
		note(&x, "chain.no-received", LF_SEV_MEDIUM, b->body_offset,
		    "no Received field: the message's path is unknown");
	} else if ((c.hops = calloc(n, sizeof(*c.hops))) == NULL) {
		return lf_error_set(err, LF_E_NOMEM, "chain");
	}
	for (i = 0; i < b->count && c.count < n; i++) {
		const struct lf_hfield *f = &b->fields[i];
		struct lf_hop *h = &c.hops[c.count];
		struct field_ctx fx = {&x, (size_t)(f->value - f->raw)};

		if (!lf_hfield_is(f, "Received"))
			continue;
		fx.base += f->offset;
		h->field = i;
		(void)lf_received_parse(f->value, f->value_len, &h->r,
		    field_anomaly, &fx);
		if (!h->r.has_date)
			note(&x, "chain.no-date", LF_SEV_LOW, f->offset,
			    "a hop without a date that reads");
		c.count++;
	}
	c.boundary_named = o->ntrusted > 0;
	if (c.count > 0 && !c.boundary_named) {
		c.trusted = 1;
	} else {
		while (
		    c.trusted < c.count && trusted_by(&c.hops[c.trusted].r, o))
			c.trusted++;
		if (c.count > 0 && c.trusted == 0)
			note(&x, "chain.untrusted-top", LF_SEV_MEDIUM,
			    b->fields[c.hops[0].field].offset,
			    "the topmost hop is not by a trusted server");
	}
	for (i = 0; i < c.trusted; i++)
		c.hops[i].trusted = true;
	link_hops(&x, b, &c);
	*out = c;
	return LF_OK;
}

void
lf_chain_release(struct lf_chain *c)
{
	if (c == NULL)
		return;
	free(c->hops);
	memset(c, 0, sizeof(*c));
}

const struct lf_hop *
lf_chain_border(const struct lf_chain *c)
{
	return c->trusted > 0 ? &c->hops[c->trusted - 1] : NULL;
}
