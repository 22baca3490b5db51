/*
 * lf/anomaly.h: findings about malformed or suspicious input.
 *
 * Malformed evidence is not an error: parsers and decoders report each
 * oddity they meet as an anomaly and go on.  A code is stable (tests and
 * users match on it), lowercase, "<area>.<what>" ("base64.bad-char",
 * "mime.missing-close-boundary", "name.bidi-control").
 */
#ifndef LF_ANOMALY_H
#define LF_ANOMALY_H

#include <stdarg.h>
#include <stdint.h>

enum lf_severity {
	LF_SEV_INFO,   /* worth knowing, often harmless */
	LF_SEV_LOW,    /* malformed, but every reader agrees on the meaning */
	LF_SEV_MEDIUM, /* readers may disagree on the meaning */
	LF_SEV_HIGH    /* a known way to hide content or deceive */
};

struct lf_anomaly {
	const char *code; /* stable identifier, static */
	enum lf_severity severity;
	uint64_t offset;    /* in the input of whoever reports it */
	const char *detail; /* human words, may be NULL; borrowed */
};

/*
 * Called for each anomaly; the record is borrowed for the call.
 */
typedef void (*lf_anomaly_fn)(void *arg, const struct lf_anomaly *a);

/*
 * lf_severity_name: "info", "low", "medium", "high".
 */
const char *lf_severity_name(enum lf_severity s);

/*
 * lf_anomaly_vreport: call fn (when not NULL) with an anomaly whose detail
 * is formatted from fmt and ap (cut at 255 bytes): for the readers that
 * word their anomalies.
 */
void lf_anomaly_vreport(lf_anomaly_fn fn, void *arg, const char *code,
    enum lf_severity sev, uint64_t off, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#endif
