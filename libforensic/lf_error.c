/*
 * lf_error.c: the error record.
 */
#include <stdio.h>
#include <string.h>

#include "lf/error.h"

void
lf_error_clear(struct lf_error *err)
{
	if (err == NULL)
		return;
	err->code = LF_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

__attribute__((format(printf, 3, 0))) static void
error_vset(struct lf_error *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	err->sys_errno = 0;
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
lf_error_set(struct lf_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int
lf_error_sys(struct lf_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t len;
	char buf[128];

	if (err == NULL)
		return LF_E_IO;
	va_start(ap, fmt);
	error_vset(err, LF_E_IO, fmt, ap);
	va_end(ap);
	err->sys_errno = errnum;
	/* strerror_r (GNU) may return a static string rather than fill buf. */
	const char *desc = strerror_r(errnum, buf, sizeof(buf));
	len = strlen(err->msg);
	(void)snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", desc);
	return LF_E_IO;
}

void
lf_error_prefix(struct lf_error *err, const char *fmt, ...)
{
	char old[LF_ERROR_MSG_MAX];
	size_t len, room, olen;
	va_list ap;

	if (err == NULL)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	if (len + 3 > sizeof(err->msg))
		return;
	memcpy(err->msg + len, ": ", 2);
	len += 2;
	room = sizeof(err->msg) - len - 1;
	olen = strnlen(old, room);
	memcpy(err->msg + len, old, olen);
	err->msg[len + olen] = '\0';
}

const char *
lf_strerror(int code)
{
	switch (code) {
	case LF_OK:
		return "success";
	case LF_E_NOMEM:
		return "out of memory";
	case LF_E_IO:
		return "input/output error";
	case LF_E_INVAL:
		return "invalid argument";
	case LF_E_LIMIT:
		return "limit reached";
	case LF_E_FORMAT:
		return "unreadable format";
	case LF_E_CRYPTO:
		return "cryptographic library failure";
	case LF_E_NOTSUP:
		return "not supported";
	case LF_E_CHANGED:
		return "input changed while being read";
	default:
		return "unknown error";
	}
}
