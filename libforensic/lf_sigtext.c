/*
 * lf_sigtext.c: lines and strict base64 for minisign and signify files.
 *
 * minisign itself reads a line with fgets() and cuts it at its first CR
 * or LF, and decodes base64 with libsodium, which takes no blanks.  A
 * reader that accepted more than that would see signatures minisign
 * refuses; one that cut a comment at a NUL or a CR, as C strings do,
 * would check other bytes than the ones signed.  So what minisign would
 * read differently is refused here.
 */
#include <string.h>

#include "lf_bytes.h"
#include "lf_sigtext.h"

int
lf_sigtext_line(const uint8_t *p, size_t n, size_t *off, size_t max,
    const char *what, const uint8_t **line, size_t *len, struct lf_error *err)
{
	const uint8_t *start, *nl;
	size_t left, k, i;

	if (*off >= n)
		return lf_error_set(err, LF_E_FORMAT, "%s: missing (truncated)",
		    what);
	start = p + *off;
	left = n - *off;
	nl = memchr(start, '\n', left < max ? left : max);
	if (nl == NULL)
		return lf_error_set(err, LF_E_FORMAT,
		    left < max ? "%s: no end of line (truncated)" :
		                 "%s: longer than %zu bytes",
		    what, max);
	k = (size_t)(nl - start);
	if (k > 0 && start[k - 1] == '\r')
		k--;
	for (i = 0; i < k; i++)
		if (start[i] == '\0' || start[i] == '\r')
			return lf_error_set(err, LF_E_FORMAT,
			    "%s: a %s byte inside the line", what,
			    start[i] == '\0' ? "NUL" : "CR");
	*line = start;
	*len = k;
	*off += (size_t)(nl - start) + 1;
	return LF_OK;
}

int
lf_sigtext_b64_decode(const uint8_t *s, size_t slen, uint8_t *out, size_t want,
    const char *what, struct lf_error *err)
{
	size_t i, o = 0, pad = 0;
	uint32_t acc = 0;
	int v;

	if (slen % 4 != 0 || slen == 0)
		return lf_error_set(err, LF_E_FORMAT,
		    "%s: %zu base64 characters, not a multiple of 4", what,
		    slen);
	if (s[slen - 1] == '=')
		pad = s[slen - 2] == '=' ? 2 : 1;
	/* The length the text holds, before any digit is looked at. */
	if (slen / 4 * 3 - pad != want)
		return lf_error_set(err, LF_E_FORMAT,
		    "%s: base64 of %zu bytes, expected %zu", what,
		    slen / 4 * 3 - pad, want);
	for (i = 0; i < slen - pad; i++) {
		if ((v = lf_b64_value(s[i])) < 0)
			return lf_error_set(err, LF_E_FORMAT,
			    "%s: byte 0x%02x at %zu is not base64", what, s[i],
			    i);
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (uint8_t)(acc >> 16);
			out[o++] = (uint8_t)(acc >> 8);
			out[o++] = (uint8_t)acc;
			acc = 0;
		}
	}
	if (pad == 1) { /* 3 digits: 18 bits for 2 bytes */
		if ((acc & 0x3) != 0)
			goto noncanonical;
		out[o++] = (uint8_t)(acc >> 10);
		out[o++] = (uint8_t)(acc >> 2);
	} else if (pad == 2) { /* 2 digits: 12 bits for 1 byte */
		if ((acc & 0xf) != 0)
			goto noncanonical;
		out[o++] = (uint8_t)(acc >> 4);
	}
	(void)o;
	return LF_OK;
noncanonical:
	return lf_error_set(err, LF_E_FORMAT,
	    "%s: base64 with nonzero unused bits", what);
}

int
lf_sigtext_b64_line(struct lf_buf *out, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;
	int rc;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = digits[v >> 18 & 0x3f];
		q[1] = digits[v >> 12 & 0x3f];
		q[2] = i + 1 < n ? digits[v >> 6 & 0x3f] : '=';
		q[3] = i + 2 < n ? digits[v & 0x3f] : '=';
		if ((rc = lf_buf_append(out, q, 4, err)) != LF_OK)
			return rc;
	}
	return lf_buf_putc(out, '\n', err);
}
