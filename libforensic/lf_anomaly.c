/*
 * lf_anomaly.c: severity names, and anomalies worded.
 */
#include <stdarg.h>
#include <stdio.h>

#include "lf/anomaly.h"

const char *
lf_severity_name(enum lf_severity s)
{
	switch (s) {
	case LF_SEV_INFO:
		return "info";
	case LF_SEV_LOW:
		return "low";
	case LF_SEV_MEDIUM:
		return "medium";
	case LF_SEV_HIGH:
		return "high";
	}
	return "?";
}

void
lf_anomaly_vreport(lf_anomaly_fn fn, void *arg, const char *code,
    enum lf_severity sev, uint64_t off, const char *fmt, va_list ap)
{
	char detail[256];
	struct lf_anomaly a = {code, sev, off, detail};

	if (fn == NULL)
		return;
	(void)vsnprintf(detail, sizeof(detail), fmt, ap);
	fn(arg, &a);
}
