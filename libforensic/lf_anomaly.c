/*
 * lf_anomaly.c: severity names.
 */
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
