/*
 * lf_text.c: UTF-8 checks, hex and visible escaping.
 */
#include <stdio.h>
#include <string.h>

#include "lf/text.h"

size_t
lf_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0; /* continuation byte, 0xc0/0xc1 or above 0xf4 */
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

bool
lf_utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = lf_utf8_decode(p + i, n - i, &cp)) == 0)
			return false;
		i += k;
	}
	return true;
}

bool
lf_char_is_deceptive(uint32_t cp)
{
	return cp == 0x00ad ||                  /* soft hyphen */
	    cp == 0x034f ||                     /* combining grapheme joiner */
	    cp == 0x061c ||                     /* Arabic letter mark */
	    cp == 0x115f || cp == 0x1160 ||     /* Hangul fillers */
	    cp == 0x17b4 || cp == 0x17b5 ||     /* Khmer inherent vowels */
	    cp == 0x180e ||                     /* Mongolian vowel separator */
	    (cp >= 0x200b && cp <= 0x200f) ||   /* zero width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||   /* separators, embeddings */
	    (cp >= 0x2060 && cp <= 0x206f) ||   /* joiners, isolates */
	    cp == 0x3164 ||                     /* Hangul filler */
	    cp == 0xfeff ||                     /* byte order mark */
	    cp == 0xffa0 ||                     /* halfwidth Hangul filler */
	    (cp >= 0xfff9 && cp <= 0xfffb) ||   /* interlinear annotation */
	    (cp >= 0x1d173 && cp <= 0x1d17a) || /* musical format */
	    (cp >= 0xe0000 && cp <= 0xe007f);   /* tags */
}

void
lf_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
lf_hex_decode(const char *s, size_t slen, uint8_t *out, size_t outcap)
{
	size_t i;

	if (slen % 2 != 0 || slen / 2 > outcap)
		return -1;
	for (i = 0; i < slen; i += 2) {
		int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(slen / 2);
}

/*
 * How many bytes at p form one unit that is shown as is, or 0 when the
 * byte at p must be escaped on its own.  *cp receives the code point.
 */
static size_t
plain_unit(const uint8_t *p, size_t n, uint32_t *cp)
{
	size_t k;

	if (p[0] >= 0x20 && p[0] < 0x7f && p[0] != '\\') {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0x80)
		return 0;
	if ((k = lf_utf8_decode(p, n, cp)) == 0)
		return 0;
	if (*cp < 0xa0 || lf_char_is_deceptive(*cp))
		return 0; /* C1 controls, invisible or reordering */
	return k;
}

bool
lf_escape_needed(const uint8_t *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = plain_unit(p + i, n - i, &cp)) == 0)
			return true;
		i += k;
	}
	return false;
}

int
lf_escape_visible(struct lf_buf *out, const uint8_t *p, size_t n,
    unsigned flags, struct lf_error *err)
{
	size_t i = 0, k;
	uint32_t cp;
	char tmp[16];
	int rc;

	while (i < n) {
		k = plain_unit(p + i, n - i, &cp);
		if (k == 0 && p[i] == '\\' && (flags & LF_ESC_KEEP_BACKSLASH))
			k = 1;
		if (k > 0) {
			if ((rc = lf_buf_append(out, p + i, k, err)) != LF_OK)
				return rc;
			i += k;
			continue;
		}
		k = p[i] >= 0x80 ? lf_utf8_decode(p + i, n - i, &cp) : 0;
		if (k > 0) {
			(void)snprintf(tmp, sizeof(tmp), "\\u{%04X}",
			    (unsigned)cp);
			i += k;
		} else {
			switch (p[i]) {
			case '\\':
				(void)snprintf(tmp, sizeof(tmp), "\\\\");
				break;
			case '\n':
				(void)snprintf(tmp, sizeof(tmp), "\\n");
				break;
			case '\r':
				(void)snprintf(tmp, sizeof(tmp), "\\r");
				break;
			case '\t':
				(void)snprintf(tmp, sizeof(tmp), "\\t");
				break;
			default:
				(void)snprintf(tmp, sizeof(tmp), "\\x%02X",
				    p[i]);
				break;
			}
			i++;
		}
		if ((rc = lf_buf_append(out, tmp, strlen(tmp), err)) != LF_OK)
			return rc;
	}
	return LF_OK;
}
