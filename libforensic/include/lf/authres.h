/*
 * lf/authres.h: Authentication-Results header fields (RFC 8601, after
 * RFC 7601 and RFC 7001) and the ARC-Authentication-Results form of
 * RFC 8617, read from hostile bytes.
 *
 * The field says what a receiving server, named by its authserv-id, found
 * when it checked a message:
 *
 *	mx.example.com; spf=pass smtp.mailfrom=a.example;
 *	    dkim=fail reason="bad signature" header.d=b.example
 *
 * Anyone can write one, so it means something only when it comes from an
 * authserv-id the reader trusts, above the trust boundary (RFC 8601
 * section 7.1); Exchange Online writes it with no authserv-id at all.
 * This module reads what is written, as the servers in the field write
 * it, and reports each departure from the RFC as an anomaly; it judges
 * no trust.
 */
#ifndef LF_AUTHRES_H
#define LF_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/buf.h"
#include "lf/error.h"

#define LF_AUTHRES_MAX_RESULTS 256 /* results kept per field */
#define LF_AUTHRES_MAX_PROPS 64    /* properties kept per result */
#define LF_AUTHRES_MAX_DEPTH 64    /* comment nesting believed */

/*
 * Every string below is a NUL-terminated copy owned by the struct
 * lf_authres it hangs from.  Names are lowercased ASCII.  Values are the
 * bytes as written, unquoted (quoted-pairs undone, line breaks of folding
 * removed), when they are UTF-8 without NUL; otherwise they are escaped
 * visibly as lf_escape_visible does, and an anomaly says so.
 */
struct lf_authres_prop {
	const char *ptype;    /* "smtp", "header", "policy"; "" for a
				 name=value without one ("action=none") */
	const char *property; /* "mailfrom", "d", "from" */
	const char *value;    /* "user@example.com", "@example.com" */
	bool quoted;          /* the value, or its local-part, was quoted */
	bool registered;      /* ptype is in IANA's registry */
	size_t offset;        /* of ptype (or name) in the field value */
};

struct lf_authres_result {
	const char *method;      /* "dkim"; without "/version" */
	unsigned method_version; /* 0 when not written (which means 1) */
	const char *result;      /* "pass"; "" when missing */
	const char *reason;      /* the reason= value, or NULL */
	bool reason_quoted;
	/* The text of the comments between the result and the first
	 * property, without their outer parentheses, folding made one
	 * space, several joined by a space; NULL when there are none.
	 * "(sender IP is 192.0.2.1)" gives "sender IP is 192.0.2.1". */
	const char *comment;
	struct lf_authres_prop *props; /* in field order; in ar->props */
	size_t nprops;
	bool method_registered; /* method is in IANA's registry */
	bool result_registered; /* result is registered for that method */
	/* The result's evidence in the field value: from the method's
	 * first byte to the end of its last property or comment, the
	 * ";" that ends it and blanks before that left out. */
	size_t offset;
	size_t length;
};

struct lf_authres {
	const char *authserv_id; /* as written, unquoted; NULL when absent */
	unsigned version;        /* 0 when not written (which means 1) */
	unsigned arc_instance;   /* ARC "i=", 0 when absent or not ARC */
	bool no_result;          /* "none": nothing was checked */
	struct lf_authres_result *results; /* in field order */
	size_t nresults;
	/* Every result's properties, one after the other. */
	struct lf_authres_prop *props;
	size_t nprops;
	struct lf_buf strings; /* owns every string above */
};

/*
 * lf_authres_parse: read the value of an Authentication-Results field,
 * n bytes at value: everything after the colon, folding included, as
 * lf_hblock gives it.  The bytes may be anything; they are never
 * modified.
 *
 * Comments (nested up to LF_AUTHRES_MAX_DEPTH, with quoted-pairs),
 * quoted strings and folding are read wherever RFC 8601 allows CFWS.
 * Methods, results and property types outside IANA's registries are kept
 * and reported.  The forms servers write that depart from the RFC are
 * read too, each with an anomaly: no authserv-id (Exchange Online), empty
 * results (";;", a trailing ";"), a bare word between results
 * (Exchange's "; contoso.com;"), a name=value without ptype (Exchange's
 * "action=none"), results without ";" between them, unquoted values with
 * characters a token cannot hold ("header.b=gfT/i2HB").  Bytes that fit
 * no production are reported as "authres.syntax" and skipped to the next
 * ";" (outside quotes and comments); what was read before them is kept.
 * At most LF_AUTHRES_MAX_RESULTS results and LF_AUTHRES_MAX_PROPS
 * properties per result are kept.  Anomaly offsets count from value.
 *
 * Returns LF_OK and sets *out to a new struct lf_authres (free it with
 * lf_authres_free) when an authserv-id, "none" or at least one result
 * could be read.  Returns LF_E_FORMAT when none could (an empty or blank
 * field, garbage), LF_E_NOMEM, or LF_E_INVAL (out is NULL, value is NULL
 * with n > 0, or n is too large to bound the copies); *out is then
 * untouched.
 */
int lf_authres_parse(const uint8_t *value, size_t n, struct lf_authres **out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err);

/*
 * lf_authres_parse_arc: as lf_authres_parse, for the value of an
 * ARC-Authentication-Results field (RFC 8617 section 4.1.1): "i=N;"
 * before the same payload.  The instance goes to arc_instance; without a
 * readable one ("authres.arc-instance") the value is read from its start
 * as an Authentication-Results value.
 */
int
lf_authres_parse_arc(const uint8_t *value, size_t n, struct lf_authres **out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err);

/*
 * lf_authres_free: free ar and everything it owns.  NULL does nothing.
 */
void lf_authres_free(struct lf_authres *ar);

/*
 * lf_authres_prop: the first property of r called ptype.property (both
 * lowercase; ptype "" for one written without), or NULL.  Borrowed from
 * r.
 */
const struct lf_authres_prop *lf_authres_prop(const struct lf_authres_result *r,
    const char *ptype, const char *property);

#endif
