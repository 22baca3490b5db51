/*
 * lf/mimeparam.h: structured MIME header fields: Content-Type and
 * Content-Disposition values with their parameters (RFC 2045, RFC 2183),
 * RFC 2231 extended parameters (charset, language, continuations), and
 * the RFC 2047 encoded words that mailers put in quoted names anyway.
 */
#ifndef LF_MIMEPARAM_H
#define LF_MIMEPARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/buf.h"
#include "lf/limits.h"

struct lf_mime_param {
	char name[80];      /* lowercased; RFC 2231 "*0*" suffixes removed */
	const uint8_t *raw; /* the value as written: unquoted, continuations
				joined, %XX and encoded words left as they
				are; borrowed from the field */
	size_t raw_len;
	const uint8_t *value; /* decoded, valid UTF-8; borrowed */
	size_t value_len;
	char charset[64];  /* RFC 2231 charset, "" if none */
	char language[64]; /* RFC 2231 language, "" if none */
	bool extended;     /* RFC 2231 form was used */
};

struct lf_mime_field {
	char type[128];    /* "multipart", or the disposition ("attachment");
			      lowercased; "" when missing */
	char subtype[128]; /* "mixed"; "" for a disposition or when missing */
	struct lf_mime_param *params;
	size_t nparams;
	struct lf_buf arena; /* owns the bytes the params point to */
};

/*
 * lf_mime_field_parse: parse a Content-Type (content_type true) or
 * Content-Disposition value, n bytes at p, unfolded or not.  Comments,
 * quoted strings and backslash escapes follow RFC 5322; a missing or
 * malformed type, a parameter without a value, a duplicate parameter
 * (the first one counts), an RFC 2231 continuation with a gap or out of
 * order are anomalies, not errors.  The number of parameters and the bytes
 * kept are bounded by limits (header_bytes).  Returns LF_OK and fills *f
 * (release it with lf_mime_field_release), or LF_E_NOMEM.
 */
int lf_mime_field_parse(const uint8_t *p, size_t n, bool content_type,
    const struct lf_limits *limits, struct lf_mime_field *f,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_error *err);

/*
 * lf_mime_field_param: the parameter called name (lowercase), or NULL.
 * Borrowed from f.
 */
const struct lf_mime_param *
lf_mime_field_param(const struct lf_mime_field *f, const char *name);

/*
 * lf_mime_field_release: free what f holds; f may be parsed into again.
 */
void lf_mime_field_release(struct lf_mime_field *f);

#endif
