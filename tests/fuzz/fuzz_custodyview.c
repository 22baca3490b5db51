/*
 * tests/fuzz/fuzz_custodyview.c: the custody view from hostile bytes.
 *
 * The input is read two ways: as a log, each line given to the view
 * (lines that are not events are refused and the rest go on); and as the
 * reason of a receipt and then a result about the same bundle, so that
 * the vendor form is read from bytes the fuzzer chooses without having
 * to spell a whole event line.  Whatever the view holds must then be
 * consistent: every bundle found by its id, counts that add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/custodyview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct lf_custodyview *v)
{
	const struct lf_custodyview_bundle *b;
	struct lf_custodyview_counts c;
	uint64_t sum = 0;
	size_t i, j, n;

	lf_custodyview_counts(v, &c);
	for (i = 0; i < LF_CUSTODY_ACTIONS; i++)
		sum += c.actions[i];
	if (sum != c.events)
		abort();
	b = lf_custodyview_bundles(v, &n);
	if (n != c.bundles)
		abort();
	for (i = 0; i < n; i++) {
		if (lf_custodyview_find(v, b[i].id) != &b[i])
			abort();
		for (j = 0; j < b[i].ntracking; j++)
			if (b[i].tracking[j] == NULL ||
			    strlen(b[i].tracking[j]) == 0)
				abort();
		for (j = 0; j < b[i].nresults; j++)
			if (b[i].results[j].structured !=
			    (b[i].results[j].tracking != NULL))
				abort();
		/* a sample's last result is about that sample */
		for (j = 0; j < b[i].nsamples; j++) {
			size_t r = b[i].samples[j].last_result;
			if (r == LF_CUSTODYVIEW_NONE)
				continue;
			if (r >= b[i].nresults || !b[i].results[r].has_sample ||
			    memcmp(b[i].results[r].sample,
			        b[i].samples[j].sha256,
			        LF_CUSTODY_HASH_LEN) != 0)
				abort();
		}
	}
	(void)lf_custodyview_unlinked(v, &n);
	if (n != c.unlinked)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sample[LF_CUSTODY_HASH_LEN] = {1, 2, 3};
	struct lf_custodyview *v = NULL;
	struct lf_custody_event ev;
	const uint8_t *p = data, *nl;
	size_t left = size;
	char *reason;

	if (lf_custodyview_new(&v, NULL) != LF_OK)
		return 0;
	while (left > 0) {
		nl = memchr(p, '\n', left);
		size_t n = nl != NULL ? (size_t)(nl - p) : left;
		(void)lf_custodyview_add_line(v, p, n, NULL);
		p += n;
		left -= n;
		if (left > 0) {
			p++;
			left--;
		}
	}
	check(v);

	reason = malloc(size + 1);
	if (reason != NULL) {
		memcpy(reason, data, size);
		reason[size] = '\0';
		memset(&ev, 0, sizeof(ev));
		ev.seq = 1;
		ev.actor = "fuzz";
		ev.tool_name = "fuzz";
		ev.tool_version = "0";
		ev.reason = reason;
		ev.objects = &sample;
		ev.nobjects = 1;
		ev.action = LF_CUSTODY_RECEIPT;
		ev.bundle = size > 0 && data[0] == '{' ? "b1" : NULL;
		(void)lf_custodyview_add_event(v, &ev, NULL);
		ev.action = LF_CUSTODY_RESULT;
		ev.bundle = NULL;
		(void)lf_custodyview_add_event(v, &ev, NULL);
		ev.nobjects = 0;
		(void)lf_custodyview_add_event(v, &ev, NULL);
		free(reason);
		check(v);
	}
	lf_custodyview_free(v);
	return 0;
}
