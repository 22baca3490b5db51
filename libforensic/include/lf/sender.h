/*
 * lf/sender.h: who a message says it is from, read from the originator
 * fields (From, Sender, Reply-To, Return-Path), for the checks that catch
 * impersonation: addresses of different organizations, a display name
 * that shows another address, a domain in punycode or Unicode.
 */
#ifndef LF_SENDER_H
#define LF_SENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "lf/buf.h"
#include "lf/error.h"
#include "lf/psl.h"

#define LF_SENDER_ADDR_MAX 320
/* A domain read into Unicode: at most 4 bytes of UTF-8 for each byte of
 * its ASCII form. */
#define LF_SENDER_UDOMAIN_MAX (4 * LF_PSL_DOMAIN_MAX)

struct lf_mailbox {
	bool present;
	/* The address (angle brackets, comments and quotes around it taken
	 * away) and its domain (after the last "@", lowercased), as bytes
	 * of the field. */
	char address[LF_SENDER_ADDR_MAX + 1];
	char domain[LF_PSL_DOMAIN_MAX + 1];
	/* The organizational domain (lf/psl.h), "" when unknown; without a
	 * list, the domain itself. */
	char org[LF_PSL_DOMAIN_MAX + 1];
	/* The display name, its encoded words decoded (UTF-8), "" if none. */
	char display[512];
};

/*
 * lf_mailbox_read: the first mailbox of a From/Sender/Reply-To value (or
 * a Return-Path's path) at v[0..n) into *m; psl may be NULL.  Returns
 * false when no address can be read (m->present is then false).
 */
bool lf_mailbox_read(const uint8_t *v, size_t n, const struct lf_psl *psl,
    struct lf_mailbox *m);

/*
 * lf_display_names_address: when display holds something shaped like an
 * address (local@domain.tld), its domain into out and true.
 */
bool
lf_display_names_address(const char *display, char out[LF_PSL_DOMAIN_MAX + 1]);

/*
 * lf_mixed_script: whether a word of the UTF-8 text s mixes Latin,
 * Greek and Cyrillic letters ("pаypal" with a Cyrillic "а"): the mark of
 * a name made to look like another.
 */
bool lf_mixed_script(const char *s);

enum lf_idn {
	LF_IDN_NONE,    /* no label in punycode */
	LF_IDN_DECODED, /* every "xn--" label is a valid A-label */
	LF_IDN_INVALID  /* one is not */
};

/*
 * lf_domain_unicode: the domain d (ASCII, lowercased, as lf_mailbox_read
 * leaves it) with every label in punycode ("xn--", RFC 5890 2.3.2.1)
 * decoded by libidn2 into UTF-8, at out (NUL-terminated).  A label counts
 * as valid only when it decodes to a non-empty name holding a non-ASCII
 * character and encodes back to itself (the IDNA2008 round trip); one of
 * more than 63 bytes never does.  Returns LF_OK and *state; with
 * LF_IDN_NONE out holds d, with LF_IDN_INVALID out holds "".  Returns
 * LF_E_LIMIT when d is longer than LF_PSL_DOMAIN_MAX, LF_E_NOMEM when
 * libidn2 runs out of memory (out then holds "", *state LF_IDN_NONE).
 */
int lf_domain_unicode(const char *d, char out[LF_SENDER_UDOMAIN_MAX + 1],
    enum lf_idn *state);

#endif
