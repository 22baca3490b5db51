/*
 * lf_gateway.c: gateway profiles and the transit verdict.
 *
 * The verdict leans on one fact only, the delivery address the user's
 * border recorded; headers and hop names are traces that say which
 * gateways a message claims, and the evidence for a "not transited" when
 * they are there and the address is not the gateway's.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "lf/gateway.h"
#include "lf/reader.h"

#define PROFILE_MAX (1024 * 1024) /* bytes of one profile */
#define PROFILES_MAX 256          /* profiles in a directory */
#define LIST_MAX 4096             /* entries of one list */

/* A copy of s; NULL when out of memory. */
static char *
copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	return c != NULL ? memcpy(c, s, n) : NULL;
}

static char *
dup_string(const json_t *v)
{
	return json_is_string(v) ? copy(json_string_value(v)) : NULL;
}

/*
 * A list of strings into *out (n of them so far, even on failure).
 * Returns LF_OK, LF_E_FORMAT when it is not one, LF_E_NOMEM.
 */
static int
strings(const json_t *arr, char ***out, size_t *n)
{
	size_t i, k = json_array_size(arr);

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr) || k > LIST_MAX)
		return LF_E_FORMAT;
	for (i = 0; i < k; i++) {
		if (!json_is_string(json_array_get(arr, i)))
			return LF_E_FORMAT;
	}
	if (k == 0)
		return LF_OK;
	if ((*out = calloc(k, sizeof(**out))) == NULL)
		return LF_E_NOMEM;
	for (i = 0; i < k; i++) {
		if (((*out)[i] = dup_string(json_array_get(arr, i))) == NULL)
			return LF_E_NOMEM;
		(*n)++;
	}
	return LF_OK;
}

/* "YYYY-MM-DD" (UTC midnight), or null for open (dflt). */
static bool
day(const json_t *v, int64_t dflt, int64_t *out)
{
	const char *s;
	struct tm tm;
	int y, m, d, i;

	if (v == NULL || json_is_null(v)) {
		*out = dflt;
		return true;
	}
	if (!json_is_string(v) || strlen(s = json_string_value(v)) != 10 ||
	    s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = (int64_t)timegm(&tm);
	return true;
}

static bool
cidr(const char *s, struct lf_gateway_range *r)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : 0;
	unsigned long prefix;
	char *end;

	if (slash == NULL || n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno != 0 || end == slash + 1)
		return false;
	if (inet_pton(AF_INET, addr, r->addr) == 1 && prefix <= 32)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1 && prefix <= 128)
		r->family = AF_INET6;
	else
		return false;
	r->prefix = (unsigned)prefix;
	return true;
}

static int
bad(struct lf_error *err, const char *what)
{
	return lf_error_set(err, LF_E_FORMAT, "gateway profile: %s", what);
}

/* The optional "version_sightings" list into g. */
static int
parse_sightings(const json_t *list, struct lf_gateway *g, struct lf_error *err)
{
	size_t i, k = json_array_size(list);

	if (list == NULL)
		return LF_OK;
	if (!json_is_array(list) || k > LIST_MAX)
		return bad(err, "\"version_sightings\" is a list");
	if (k > 0 && (g->sightings = calloc(k, sizeof(*g->sightings))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "gateway profile");
	for (i = 0; i < k; i++) {
		const json_t *e = json_array_get(list, i);
		struct lf_gateway_sighting *s = &g->sightings[g->nsightings];
		const char *v =
		    json_string_value(json_object_get(e, "version"));
		const char *src =
		    json_string_value(json_object_get(e, "source"));
		const json_t *seen = json_object_get(e, "seen");
		if (v == NULL || src == NULL || !json_is_string(seen) ||
		    !day(seen, 0, &s->seen))
			return lf_error_set(err, LF_E_FORMAT,
			    "gateway profile %s: version sighting %zu: want "
			    "\"version\", \"seen\" YYYY-MM-DD and \"source\"",
			    g->name, i + 1);
		g->nsightings++;
		if ((s->version = copy(v)) == NULL ||
		    (s->source = copy(src)) == NULL)
			return lf_error_set(err, LF_E_NOMEM, "gateway profile");
	}
	return LF_OK;
}

int
lf_gateway_parse(const char *p, size_t n, struct lf_gateway *out,
    struct lf_error *err)
{
	struct lf_gateway g;
	json_error_t je;
	json_t *doc, *ranges;
	const char *format, *name, *vendor;
	size_t i;
	int rc = LF_OK;

	memset(&g, 0, sizeof(g));
	if ((doc = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return json_error_code(&je) == json_error_out_of_memory ?
		    lf_error_set(err, LF_E_NOMEM, "gateway profile") :
		    lf_error_set(err, LF_E_FORMAT,
		        "gateway profile: line %d: %s", je.line, je.text);
	ranges = json_object_get(doc, "ranges");
	format = json_string_value(json_object_get(doc, "format"));
	if (format == NULL || strcmp(format, "lf-gateway-profile") != 0)
		rc = bad(err, "\"format\" is not \"lf-gateway-profile\"");
	else if (json_integer_value(json_object_get(doc, "format_version")) !=
	    1)
		rc = bad(err, "\"format_version\" is not 1");
	else if ((name = json_string_value(json_object_get(doc, "name"))) ==
	        NULL ||
	    (vendor = json_string_value(json_object_get(doc, "vendor"))) ==
	        NULL)
		rc = bad(err, "\"name\" and \"vendor\" are required strings");
	else if ((g.name = copy(name)) == NULL ||
	    (g.vendor = copy(vendor)) == NULL)
		rc = lf_error_set(err, LF_E_NOMEM, "gateway profile");
	else if ((rc = strings(json_object_get(doc, "headers"), &g.headers,
	              &g.nheaders)) != LF_OK ||
	    (rc = strings(json_object_get(doc, "hosts"), &g.hosts,
	         &g.nhosts)) != LF_OK)
		rc = rc == LF_E_NOMEM ?
		    lf_error_set(err, LF_E_NOMEM, "gateway profile") :
		    bad(err, "\"headers\" and \"hosts\" are lists of strings");
	else if (!json_is_array(ranges) || json_array_size(ranges) > LIST_MAX)
		rc = bad(err, "\"ranges\" is a list");
	else if (json_array_size(ranges) > 0 &&
	    (g.ranges = calloc(json_array_size(ranges), sizeof(*g.ranges))) ==
	        NULL)
		rc = lf_error_set(err, LF_E_NOMEM, "gateway profile");
	for (i = 0; rc == LF_OK && i < json_array_size(ranges); i++) {
		const json_t *r = json_array_get(ranges, i);
		struct lf_gateway_range *gr = &g.ranges[g.nranges];
		const char *c = json_string_value(json_object_get(r, "cidr"));
		const char *src =
		    json_string_value(json_object_get(r, "source"));
		if (c == NULL || src == NULL || !cidr(c, gr) ||
		    !day(json_object_get(r, "from"), INT64_MIN, &gr->from) ||
		    !day(json_object_get(r, "until"), INT64_MAX, &gr->until)) {
			rc = lf_error_set(err, LF_E_FORMAT,
			    "gateway profile %s: range %zu: want \"cidr\" "
			    "ADDRESS/BITS, \"source\", and \"from\" and "
			    "\"until\" YYYY-MM-DD or null",
			    g.name, i + 1);
			break;
		}
		g.nranges++;
		if ((gr->cidr = copy(c)) == NULL ||
		    (gr->source = copy(src)) == NULL)
			rc = lf_error_set(err, LF_E_NOMEM, "gateway profile");
	}
	if (rc == LF_OK)
		rc = parse_sightings(json_object_get(doc, "version_sightings"),
		    &g, err);
	json_decref(doc);
	if (rc != LF_OK) {
		lf_gateway_release(&g);
		return rc;
	}
	*out = g;
	return LF_OK;
}

void
lf_gateway_release(struct lf_gateway *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nheaders; i++)
		free(g->headers[i]);
	for (i = 0; i < g->nhosts; i++)
		free(g->hosts[i]);
	for (i = 0; i < g->nranges; i++) {
		free(g->ranges[i].cidr);
		free(g->ranges[i].source);
	}
	for (i = 0; i < g->nsightings; i++) {
		free(g->sightings[i].version);
		free(g->sightings[i].source);
	}
	free(g->headers);
	free(g->hosts);
	free(g->ranges);
	free(g->sightings);
	free(g->name);
	free(g->vendor);
	memset(g, 0, sizeof(*g));
}

void
lf_gateways_free(struct lf_gateways *gs)
{
	size_t i;

	if (gs == NULL)
		return;
	for (i = 0; i < gs->count; i++)
		lf_gateway_release(&gs->g[i]);
	free(gs->g);
	free(gs);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct lf_gateway *)a)->name,
	    ((const struct lf_gateway *)b)->name);
}

/* Read one profile file of dir into *g. */
static int
load_file(const char *dir, const char *name, struct lf_gateway *g,
    struct lf_error *err)
{
	char path[4096];
	struct lf_buf b;
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return lf_error_set(err, LF_E_IO, "%s: path too long", name);
	lf_buf_init(&b, PROFILE_MAX);
	if ((rc = lf_read_file(path, &b, err)) == LF_OK &&
	    (rc = lf_gateway_parse((const char *)b.data, b.len, g, err)) !=
	        LF_OK)
		lf_error_prefix(err, "%s", path);
	lf_buf_release(&b);
	return rc == LF_E_LIMIT ? LF_E_FORMAT : rc;
}

int
lf_gateways_load(const char *dir, struct lf_gateways **out,
    struct lf_error *err)
{
	struct lf_gateways *gs;
	struct dirent *e;
	DIR *d;
	int rc = LF_OK;

	if ((d = opendir(dir)) == NULL)
		return lf_error_sys(err, errno, "%s", dir);
	if ((gs = calloc(1, sizeof(*gs))) == NULL ||
	    (gs->g = calloc(PROFILES_MAX, sizeof(*gs->g))) == NULL) {
		free(gs);
		closedir(d);
		return lf_error_set(err, LF_E_NOMEM, "gateway profiles");
	}
	while (rc == LF_OK && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (gs->count == PROFILES_MAX)
			rc = lf_error_set(err, LF_E_LIMIT,
			    "%s: more than %d profiles", dir, PROFILES_MAX);
		else if ((rc = load_file(dir, e->d_name, &gs->g[gs->count],
		              err)) == LF_OK)
			gs->count++;
	}
	closedir(d);
	if (rc != LF_OK) {
		lf_gateways_free(gs);
		return rc;
	}
	qsort(gs->g, gs->count, sizeof(*gs->g), by_name);
	*out = gs;
	return LF_OK;
}

/* A field name against a profile's: equal, or starting with what comes
 * before a final "*"; ASCII, without regard to case. */
static bool
name_matches(const char *pattern, const uint8_t *name, size_t n)
{
	size_t m = strlen(pattern);

	if (m > 0 && pattern[m - 1] == '*')
		return n >= m - 1 &&
		    strncasecmp(pattern, (const char *)name, m - 1) == 0;
	return n == m && strncasecmp(pattern, (const char *)name, m) == 0;
}

static bool
header_is(const struct lf_gateway *g, const struct lf_hfield *f)
{
	size_t i;

	if (f->name_len == 0 || memchr(f->name, '\0', f->name_len) != NULL)
		return false;
	for (i = 0; i < g->nheaders; i++) {
		if (name_matches(g->headers[i], f->name, f->name_len))
			return true;
	}
	return false;
}

static bool
host_is(const struct lf_gateway *g, struct lf_span s)
{
	size_t i;

	for (i = 0; s.p != NULL && i < g->nhosts; i++) {
		if (lf_host_matches(s.p, s.n, g->hosts[i]))
			return true;
	}
	return false;
}

static bool
in_range(const struct lf_gateway_range *r, int family, const uint8_t *a)
{
	unsigned whole = r->prefix / 8, rest = r->prefix % 8;

	if (family != r->family || memcmp(a, r->addr, whole) != 0)
		return false;
	return rest == 0 ||
	    ((a[whole] ^ r->addr[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* The range holding ip at time t (has_t false: only open ranges). */
static const struct lf_gateway_range *
find_range(const struct lf_gateway *g, const char *ip, int family, bool has_t,
    int64_t t)
{
	uint8_t a[16];
	size_t i;

	if (inet_pton(family, ip, a) != 1)
		return NULL;
	for (i = 0; i < g->nranges; i++) {
		const struct lf_gateway_range *r = &g->ranges[i];
		bool open = r->from == INT64_MIN && r->until == INT64_MAX;
		if (!in_range(r, family, a))
			continue;
		if (open || (has_t && t >= r->from && t < r->until))
			return r;
	}
	return NULL;
}

static void
traces(const struct lf_gateway *g, const struct lf_hblock *b,
    const struct lf_chain *c, struct lf_transit_verdict *v)
{
	size_t i;

	for (i = 0; i < b->count; i++) {
		if (!header_is(g, &b->fields[i]))
			continue;
		if (v->nfields < LF_TRANSIT_TRACES_MAX)
			v->fields[v->nfields++] = i;
		v->nfields_all++;
	}
	for (i = 0; i < c->count; i++) {
		const struct lf_received *r = &c->hops[i].r;
		if (!host_is(g, r->by) && !host_is(g, r->from) &&
		    !host_is(g, r->rdns))
			continue;
		if (v->nhops < LF_TRANSIT_TRACES_MAX)
			v->hops[v->nhops++] = i;
		v->nhops_all++;
	}
}

void
lf_gateway_judge(const struct lf_gateway *g, const struct lf_hblock *b,
    const struct lf_chain *c, struct lf_transit_verdict *v)
{
	const struct lf_hop *border = lf_chain_border(c);

	memset(v, 0, sizeof(*v));
	traces(g, b, c, v);
	if (border == NULL || border->r.ip_family == 0) {
		v->verdict = LF_TRANSIT_UNKNOWN;
		v->why = "no trusted hop records a delivery address";
		return;
	}
	v->border_names_it = host_is(g, border->r.rdns) ||
	    host_is(g, border->r.helo) || host_is(g, border->r.from);
	v->hop_below_claims_it =
	    c->trusted < c->count && host_is(g, c->hops[c->trusted].r.by);
	v->range = find_range(g, border->r.ip, border->r.ip_family,
	    border->r.has_date, border->r.date.utc);
	if (v->range != NULL) {
		v->verdict = LF_TRANSIT_YES;
		v->why = "the border took the message from an address in the "
		         "gateway's ranges";
	} else if (!v->border_names_it && !v->hop_below_claims_it) {
		v->verdict = LF_TRANSIT_NO;
		v->why = v->nfields_all > 0 || v->nhops_all > 0 ?
		    "the message reached the border from elsewhere; the "
		    "gateway's traces are from an earlier hop, or typed" :
		    "no trace of the gateway, and the message reached the "
		    "border from elsewhere";
	} else if (g->nranges == 0) {
		v->verdict = LF_TRANSIT_UNKNOWN;
		v->why =
		    "the message claims to come from the gateway, but the "
		    "profile holds no address ranges to check that against";
	} else if (v->border_names_it) {
		v->verdict = LF_TRANSIT_UNKNOWN;
		v->why = "the border's client is named as the gateway's, but "
		         "its address is in none of the ranges known for that "
		         "time (the ranges may be out of date)";
	} else {
		v->verdict = LF_TRANSIT_NO;
		v->forged = true;
		v->why = "the hop below the border claims the gateway, but the "
		         "border took the message from an address outside its "
		         "ranges: the gateway's hops came with the message";
	}
}

const char *
lf_transit_name(enum lf_transit t)
{
	switch (t) {
	case LF_TRANSIT_YES:
		return "transited";
	case LF_TRANSIT_NO:
		return "not-transited";
	default:
		return "unknown";
	}
}
