/*
 * tests/fuzz/fuzz_gateway.c: gateway profiles, and the verdict they give,
 * on hostile bytes.
 *
 * The input is split at its first NUL: a profile, then a header block.
 * Properties: a profile read has a name and well-formed ranges (prefix
 * within the family's bits, from before until); the verdict is one of
 * the three, and a range is given exactly when it is "transited".
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mine[] = {"mx.example.net"};
	const uint8_t *nul = memchr(data, '\0', size);
	struct lf_chain_opts co = {mine, 1};
	struct lf_transit_verdict v;
	struct lf_gateway g;
	struct lf_hblock b;
	struct lf_chain c;
	size_t split, i;

	if (nul == NULL)
		return 0;
	split = (size_t)(nul - data);
	if (lf_gateway_parse((const char *)data, split, &g, NULL) != LF_OK)
		return 0;
	if (g.name == NULL)
		abort();
	for (i = 0; i < g.nranges; i++) {
		const struct lf_gateway_range *r = &g.ranges[i];
		if (r->prefix > (r->family == AF_INET ? 32u : 128u) ||
		    r->from > r->until)
			abort();
	}
	if (lf_hblock_parse(nul + 1, size - split - 1, 64, &b, NULL, NULL,
	        NULL) == LF_OK) {
		if (lf_chain_build(&b, &co, &c, NULL, NULL, NULL) == LF_OK) {
			lf_gateway_judge(&g, &b, &c, &v);
			if ((v.range != NULL) != (v.verdict == LF_TRANSIT_YES))
				abort();
			lf_chain_release(&c);
		}
		lf_hblock_release(&b);
	}
	lf_gateway_release(&g);
	return 0;
}
