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
#include "lf/psl.h"

#define LF_SENDER_ADDR_MAX 320

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

#endif
