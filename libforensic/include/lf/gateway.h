/*
 * lf/gateway.h: mail gateway fingerprints (one JSON file a gateway in profiles/gateway) and
 * the verdict on whether a message passed through one.
 *
 * A gateway's headers and hop names prove nothing: a sender can copy a
 * genuine set under a hop of their own.  What proves transit is the
 * delivery address the user's border server recorded (lf/chain.h) lying
 * in the gateway's published address ranges, valid at the time the
 * border received the message.  The profile is data, so that ranges can
 * be brought up to date without a new program:
 *
 *	{"format": "lf-gateway-profile", "format_version": 1,
 *	 "name": "symantec-ess", "vendor": "...",
 *	 "headers": ["X-Msg-Ref", "X-Brightmail-*"],
 *	 "hosts": ["*.messagelabs.com"],
 *	 "ranges": [{"cidr": "195.245.230.0/23", "from": "2010-01-01",
 *	             "until": null, "source": "..."}]}
 *
 * "headers" are field names, a final "*" matching any name it starts;
 * "hosts" are names as lf_host_matches reads them; "from" and "until"
 * (dates, UTC, null when open) bound when a range was the gateway's.
 * An optional "version_sightings" list holds versions of the gateway's
 * scanner seen in use on a day, each with its source:
 *	[{"version": "9.43.9", "seen": "2019-08-22", "source": "..."}]
 * (for Symantec, StarScan's, which its stamps name: lf/gwcheck.h).
 */
#ifndef LF_GATEWAY_H
#define LF_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/chain.h"
#include "lf/error.h"
#include "lf/hblock.h"

struct lf_gateway_range {
	char *cidr; /* as written */
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned prefix;
	int64_t from, until; /* UTC seconds; INT64_MIN / INT64_MAX: open */
	char *source;
};

/* A version of the gateway's scanner seen in use on a day. */
struct lf_gateway_sighting {
	char *version; /* as its header writes it: "9.43.9" */
	int64_t seen;  /* UTC midnight of that day */
	char *source;
};

struct lf_gateway {
	char *name, *vendor;
	char **headers;
	size_t nheaders;
	char **hosts;
	size_t nhosts;
	struct lf_gateway_range *ranges;
	size_t nranges;
	struct lf_gateway_sighting *sightings; /* "version_sightings" */
	size_t nsightings;
};

struct lf_gateways {
	struct lf_gateway *g; /* sorted by name */
	size_t count;
};

/*
 * lf_gateways_load: every profile (a name ending ".json") in directory dir.  Returns
 * LF_OK and *out (free with lf_gateways_free), LF_E_IO when dir cannot be
 * read, LF_E_FORMAT when a profile is not one (err names the file and
 * the member), LF_E_NOMEM.
 */
int lf_gateways_load(const char *dir, struct lf_gateways **out,
    struct lf_error *err);

/*
 * lf_gateway_parse: one profile from the n bytes of JSON at p into *out
 * (release with lf_gateway_release).  Errors as lf_gateways_load.
 */
int lf_gateway_parse(const char *p, size_t n, struct lf_gateway *out,
    struct lf_error *err);

void lf_gateway_release(struct lf_gateway *g);
void lf_gateways_free(struct lf_gateways *gs);

enum lf_transit {
	LF_TRANSIT_UNKNOWN, /* cannot tell */
	LF_TRANSIT_YES,     /* delivered from the gateway's ranges */
	LF_TRANSIT_NO       /* not through it */
};

#define LF_TRANSIT_TRACES_MAX 16

struct lf_transit_verdict {
	enum lf_transit verdict;
	const char *why; /* one sentence, static */
	/* The gateway's traces: fields of its header names (their indexes,
	 * the first LF_TRANSIT_TRACES_MAX), and hops whose server or client
	 * is one of its hosts. */
	size_t fields[LF_TRANSIT_TRACES_MAX];
	size_t nfields, nfields_all;
	size_t hops[LF_TRANSIT_TRACES_MAX];
	size_t nhops, nhops_all;
	/* The border's client named as one of its hosts (reverse name, HELO
	 * or the from word), and the range that holds the delivery address
	 * at the receipt time (NULL: none). */
	bool border_names_it;
	bool hop_below_claims_it; /* the hop below the border is by one */
	const struct lf_gateway_range *range;
	/* Not transited although the hop below the border claims the
	 * gateway: its hops were typed, or copied from another message. */
	bool forged;
};

/*
 * lf_gateway_judge: the verdict on g for the message whose header block
 * is b and chain c (built from b).  Never fails.
 */
void lf_gateway_judge(const struct lf_gateway *g, const struct lf_hblock *b,
    const struct lf_chain *c, struct lf_transit_verdict *v);

/* lf_transit_name: "transited", "not-transited", "unknown". */
const char *lf_transit_name(enum lf_transit t);

#endif
