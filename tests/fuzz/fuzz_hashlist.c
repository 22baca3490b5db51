/*
 * tests/fuzz/fuzz_hashlist.c: known-hash lists from hostile bytes.
 *
 * Any input loads (or is refused) without crashing, within the limits,
 * and the audit and missing-entry walk work on whatever was loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/hashlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
count_missing(void *arg, const struct lf_known *k)
{
	size_t *n = arg;

	*n += k->name_len > 0;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_digest_result res;
	struct lf_audit_match m;
	struct lf_hashlist *hl;
	struct lf_reader *r;
	struct lf_limits l;
	size_t missing = 0;

	lf_limits_default(&l);
	l.list_line = 1024;
	l.list_entries = 1000;
	if (lf_hashlist_new(&l, &hl, NULL) != LF_OK)
		return 0;
	if (lf_reader_from_mem(data, size, &r, NULL) == LF_OK) {
		(void)lf_hashlist_load(hl, r, "fuzz", NULL, NULL, NULL);
		lf_reader_free(r);
	}
	/* Audit a digest built from the input against the list. */
	memset(&res, 0, sizeof(res));
	res.algs = LF_HASHLIST_ALGS;
	res.size = size;
	memcpy(res.md5, data, size < 16 ? size : 16);
	memcpy(res.sha256, data, size < 32 ? size : 32);
	lf_hashlist_audit(hl, data, size < 64 ? size : 64, &res, &m);
	if (m.status >= LF_AUDIT_NSTATUS)
		abort();
	(void)lf_hashlist_foreach_missing(hl, count_missing, &missing);
	lf_hashlist_free(hl);
	return 0;
}
