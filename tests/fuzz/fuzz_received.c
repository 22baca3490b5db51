/*
 * tests/fuzz/fuzz_received.c: the Received reader on hostile bytes.
 *
 * Properties: every span lies inside the input; an address, when found,
 * reads back as one of its family; a date is only claimed when the date
 * parser agrees on the same text.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lf/received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(struct lf_span s, const uint8_t *data, size_t size)
{
	if (s.p == NULL)
		return;
	if (s.p < data || s.n > size || (size_t)(s.p - data) > size - s.n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_received r;
	struct lf_date d;
	unsigned char bin[16];

	if (lf_received_parse(data, size, &r, NULL, NULL) != LF_OK)
		abort();
	inside(r.from, data, size);
	inside(r.from_comment, data, size);
	inside(r.by, data, size);
	inside(r.by_comment, data, size);
	inside(r.via, data, size);
	inside(r.with, data, size);
	inside(r.id, data, size);
	inside(r.for_rcpt, data, size);
	inside(r.rdns, data, size);
	inside(r.helo, data, size);
	inside(r.date_text, data, size);
	if (r.ip_family != 0 && inet_pton(r.ip_family, r.ip, bin) != 1)
		abort();
	if (r.ip_family == 0 && r.ip[0] != '\0')
		abort();
	if (r.has_date &&
	    (lf_date_parse(r.date_text.p, r.date_text.n, &d, NULL) != LF_OK ||
	        d.utc != r.date.utc))
		abort();
	return 0;
}
