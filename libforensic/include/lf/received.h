/*
 * lf/received.h: one Received header field read into its clauses (RFC 5321
 * section 4.4, RFC 5322 section 3.6.7), as the servers that write them
 * really do: Postfix, Exim, sendmail, qmail, Microsoft Exchange, Google,
 * the gateways.
 *
 * Everything in a Received field below the user's own border server is a
 * claim the sender could type; this module only reads what is written.
 * Which hops to believe is for the chain (lf-headers) to decide.
 */
#ifndef LF_RECEIVED_H
#define LF_RECEIVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/date.h"

/* A span of the field's value, as written (folding included). */
struct lf_span {
	const uint8_t *p; /* NULL when absent */
	size_t n;
};

#define LF_RECEIVED_IP_MAX 46 /* INET6_ADDRSTRLEN */

struct lf_received {
	/* The clauses: the word after the keyword ("from", "by", "via",
	 * "with", "id", "for"), and the comments that follow it, from the
	 * first "(" to the last ")".  "with" takes every word up to the next
	 * keyword ("Microsoft SMTP Server", "ESMTP with STARTTLS"). */
	struct lf_span from, from_comment;
	struct lf_span by, by_comment;
	struct lf_span via, with, id, for_rcpt;
	/*
	 * What the receiving server recorded of its client, read from the
	 * from clause: the address (a [literal] as the from word, else the
	 * first [literal] or bare address in its comments; IPv6 with or
	 * without "IPv6:"), in canonical text, "" when none; the reverse
	 * name written before a bracketed address; and the HELO name as
	 * written ("HELO x", "EHLO x", "helo=x").
	 */
	char ip[LF_RECEIVED_IP_MAX];
	int ip_family; /* AF_INET, AF_INET6, or 0 */
	struct lf_span rdns, helo;
	/* After the last ";" outside comments: the date, and whether it
	 * reads as one (then date holds it). */
	struct lf_span date_text;
	bool has_date;
	struct lf_date date;
};

/*
 * lf_received_parse: read the value of a Received field (the bytes after
 * its colon, folding included; may hold NUL and any byte).  Spans in *out
 * point into v.  What does not fit the usual shapes is reported through
 * anomaly (may be NULL) with offsets in v, and reading goes on:
 * "received.no-date", "received.bad-date", "received.unclosed-comment",
 * "received.unclosed-quote", "received.stray-text" (words outside any
 * clause), "received.repeated-clause" (a keyword twice; the first wins,
 * except "with", which grows), "received.no-by".
 * Always returns LF_OK unless out is NULL (LF_E_INVAL).
 */
int lf_received_parse(const uint8_t *v, size_t n, struct lf_received *out,
    lf_anomaly_fn anomaly, void *arg);

#endif
