/*
 * lf_sender.c: mailboxes of the originator fields.
 *
 * Not a full RFC 5322 address parser: enough to take the first mailbox
 * as readers show it (the display name, and the address in angle
 * brackets, or the bare address), skipping comments and quoted strings,
 * on hostile bytes.  Domains in punycode are read back into Unicode by
 * libidn2, so that a name that only looks like another in Unicode is
 * caught in its ASCII form too.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "lf/rfc2047.h"
#include "lf/text.h"
#include "lf/sender.h"

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Past the comment or quoted string that starts at v[i]. */
static size_t
skip(const uint8_t *v, size_t n, size_t i)
{
	size_t depth = 0;

	if (v[i] == '"') {
		for (i++; i < n && v[i] != '"'; i++) {
			if (v[i] == '\\' && i + 1 < n)
				i++;
		}
		return i < n ? i + 1 : n;
	}
	for (; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n)
			i++;
		else if (v[i] == '(')
			depth++;
		else if (v[i] == ')' && --depth == 0)
			return i + 1;
	}
	return n;
}

/* The text of s..e without blanks around it, quotes and comments kept
 * out, into out (cap bytes with the NUL). */
static void
copy_plain(const uint8_t *v, size_t s, size_t e, char *out, size_t cap)
{
	size_t k = 0, i;

	for (i = s; i < e && k + 1 < cap;) {
		if (v[i] == '(') {
			i = skip(v, e, i);
			continue;
		}
		if (v[i] != '"' && !(k == 0 && blank(v[i])) && v[i] != '\0')
			out[k++] = (char)v[i];
		i++;
	}
	while (k > 0 && blank((uint8_t)out[k - 1]))
		k--;
	out[k] = '\0';
}

bool
lf_mailbox_read(const uint8_t *v, size_t n, const struct lf_psl *psl,
    struct lf_mailbox *m)
{
	size_t i, lt = n, gt = n, end = n;
	struct lf_buf b;
	const char *at;

	memset(m, 0, sizeof(*m));
	/* The first mailbox ends at a "," outside quotes, comments and
	 * angle brackets; its address is in the first "<...>". */
	for (i = 0; i < n;) {
		if (v[i] == '"' || v[i] == '(') {
			i = skip(v, n, i);
			continue;
		}
		if (v[i] == '<' && lt == n)
			lt = i;
		else if (v[i] == '>' && lt != n && gt == n)
			gt = i;
		else if (v[i] == ',' && (lt == n || gt != n)) {
			end = i;
			break;
		}
		i++;
	}
	if (lt != n && gt != n) {
		copy_plain(v, lt + 1, gt, m->address, sizeof(m->address));
		lf_buf_init(&b, sizeof(m->display) - 1);
		while (lt > 0 && blank(v[lt - 1]))
			lt--;
		if (lt > 0 &&
		    lf_rfc2047_decode(v, lt, NULL, &b, NULL, NULL, NULL) ==
		        LF_OK &&
		    b.len > 0) {
			copy_plain(b.data, 0, b.len, m->display,
			    sizeof(m->display));
		}
		lf_buf_release(&b);
	} else {
		copy_plain(v, 0, end, m->address, sizeof(m->address));
	}
	/* What is left of a quote or comment that does not close, or of a
	 * group, is no address. */
	if (m->address[0] == '\0' || strpbrk(m->address, " \t<>(),;:") ||
	    (at = strrchr(m->address, '@')) == NULL || at[1] == '\0') {
		memset(m, 0, sizeof(*m));
		return false;
	}
	for (i = 0; at[1 + i] != '\0' && i < LF_PSL_DOMAIN_MAX; i++)
		m->domain[i] = lower(at[1 + i]);
	while (i > 0 && m->domain[i - 1] == '.') /* "example.com." */
		i--;
	m->domain[i] = '\0';
	if (i == 0) {
		memset(m, 0, sizeof(*m));
		return false;
	}
	if (psl == NULL)
		memcpy(m->org, m->domain, i + 1);
	else
		(void)lf_psl_org_domain(psl, m->domain, i, m->org);
	m->present = true;
	return true;
}

bool
lf_display_names_address(const char *display, char out[LF_PSL_DOMAIN_MAX + 1])
{
	const char *at = strchr(display, '@'), *e;
	size_t k = 0;

	if (at == NULL || at == display || at[1] == '\0')
		return false;
	for (e = at + 1; *e != '\0' && k < LF_PSL_DOMAIN_MAX; e++) {
		char c = lower(*e);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		        c == '.' || c == '-'))
			break;
		out[k++] = c;
	}
	while (k > 0 && out[k - 1] == '.')
		k--;
	out[k] = '\0';
	return k > 0 && memchr(out, '.', k) != NULL;
}

enum script { S_NONE, S_LATIN, S_GREEK, S_CYRILLIC };

/* The script of a letter, for the three that share look-alike letters. */
static enum script
script_of(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7))
		return S_LATIN;
	if (cp >= 0x370 && cp <= 0x3ff)
		return S_GREEK;
	if (cp >= 0x400 && cp <= 0x52f)
		return S_CYRILLIC;
	return S_NONE;
}

bool
lf_mixed_script(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0, k;
	enum script word = S_NONE, sc;
	uint32_t cp;

	while (i < n) {
		if ((k = lf_utf8_decode(p + i, n - i, &cp)) == 0) {
			i++;
			word = S_NONE;
			continue;
		}
		i += k;
		sc = script_of(cp);
		if (sc == S_NONE) {
			/* Digits and hyphens belong to the word; anything
			 * else ends it. */
			if (!((cp >= '0' && cp <= '9') || cp == '-'))
				word = S_NONE;
			continue;
		}
		if (word != S_NONE && sc != word)
			return true;
		word = sc;
	}
	return false;
}

#define LABEL_MAX 63 /* bytes of a DNS label (RFC 1035 2.3.4) */

static bool
has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return true;
	}
	return false;
}

/*
 * The "xn--" label of n bytes at l, decoded onto out[*k..cap).  Returns
 * LF_OK with *ok true when it is a valid A-label, false when it is not;
 * LF_E_NOMEM.
 */
static int
decode_label(const char *l, size_t n, char *out, size_t cap, size_t *k,
    bool *ok)
{
	char label[LABEL_MAX + 1], *u = NULL, *back = NULL;
	size_t un;
	int rc, ret = LF_OK;

	*ok = false;
	if (n > LABEL_MAX)
		return LF_OK;
	memcpy(label, l, n);
	label[n] = '\0';
	rc = idn2_to_unicode_8z8z(label, &u, 0);
	if (rc == IDN2_MALLOC) {
		ret = LF_E_NOMEM;
		goto done;
	}
	/* Decoders take forms no encoder writes (a label that decodes to
	 * nothing, or to ASCII only), so the label must also be what its
	 * Unicode form encodes to. */
	if (rc != IDN2_OK || u == NULL || (un = strlen(u)) == 0 ||
	    !has_non_ascii(u) || un >= cap - *k)
		goto done;
	rc = idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL);
	if (rc == IDN2_MALLOC)
		ret = LF_E_NOMEM;
	else if (rc == IDN2_OK && strcasecmp(back, label) == 0) {
		memcpy(out + *k, u, un);
		*k += un;
		*ok = true;
	}
done:
	free(u);
	free(back);
	return ret;
}

int
lf_domain_unicode(const char *d, char out[LF_SENDER_UDOMAIN_MAX + 1],
    enum lf_idn *state)
{
	const size_t cap = LF_SENDER_UDOMAIN_MAX + 1;
	const char *l, *dot;
	size_t k = 0, n;
	bool any = false, ok;
	int rc;

	out[0] = '\0';
	*state = LF_IDN_NONE;
	if (strlen(d) > LF_PSL_DOMAIN_MAX)
		return LF_E_LIMIT;
	/* Within LF_PSL_DOMAIN_MAX bytes every label fits: a label of n
	 * bytes decodes to at most n code points of 4 bytes. */
	for (l = d;; l = dot + 1) {
		dot = strchr(l, '.');
		n = dot != NULL ? (size_t)(dot - l) : strlen(l);
		if (n >= 4 && strncasecmp(l, "xn--", 4) == 0) {
			any = true;
			if ((rc = decode_label(l, n, out, cap, &k, &ok)) !=
			    LF_OK) {
				out[0] = '\0';
				return rc;
			}
			if (!ok) {
				out[0] = '\0';
				*state = LF_IDN_INVALID;
				return LF_OK;
			}
		} else {
			memcpy(out + k, l, n);
			k += n;
		}
		if (dot == NULL)
			break;
		out[k++] = '.';
	}
	out[k] = '\0';
	*state = any ? LF_IDN_DECODED : LF_IDN_NONE;
	return LF_OK;
}
