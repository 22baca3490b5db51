/*
 * tests/fuzz/fuzz_tar.c: the bundle's strict tar reader on hostile bytes.
 *
 * Properties: every call returns what lf/tar.h allows (an entry, the end,
 * LF_E_FORMAT, LF_E_NOMEM); every name the reader gives is relative,
 * printable ASCII without "." or "..", under the top directory and after
 * the name before it; no file gives more bytes than its size; and
 * reading the same bytes again gives the same entries.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static void
check_name(const char *path, const char *last, const char *top)
{
	size_t n = strlen(path), t = strlen(top), i;

	if (n == 0 || n > LF_TAR_NAME_MAX || path[0] == '/' ||
	    strstr(path, "//") != NULL || strcmp(path, "..") == 0 ||
	    strncmp(path, "../", 3) == 0 || strstr(path, "/../") != NULL ||
	    (n >= 3 && strcmp(path + n - 3, "/..") == 0))
		abort();
	for (i = 0; i < n; i++)
		if (path[i] < 0x20 || path[i] > 0x7e || path[i] == '\\')
			abort();
	if (strncmp(path, top, t) != 0 || (path[t] != '\0' && path[t] != '/'))
		abort();
	if (last[0] != '\0' && strcmp(last, path) >= 0)
		abort();
}

static uint64_t
run(const uint8_t *data, size_t size)
{
	static char last[LF_TAR_NAME_MAX + 1];
	static uint8_t buf[8192];
	struct lf_reader *in;
	struct lf_tarr *r;
	struct lf_tar_entry e;
	uint64_t h = 0xcbf29ce484222325ull;
	int rc;

	if (lf_reader_from_mem(data, size, &in, NULL) != LF_OK)
		return 0;
	if ((rc = lf_tarr_new(in, &r, NULL)) != LF_OK) {
		if (rc != LF_E_FORMAT && rc != LF_E_NOMEM)
			abort();
		lf_reader_free(in);
		return (uint64_t)-rc;
	}
	last[0] = '\0';
	while ((rc = lf_tarr_next(r, &e, NULL)) == 1) {
		uint64_t total = 0;
		long got;
		check_name(e.path, last, lf_tarr_top(r));
		memcpy(last, e.path, strlen(e.path) + 1);
		h = mix(h, e.size);
		h = mix(h, (uint64_t)e.type);
		while ((got = lf_tarr_read(r, buf, sizeof(buf), NULL)) > 0)
			total += (uint64_t)got;
		if (got < 0) {
			rc = (int)got;
			break;
		}
		if (total != e.size)
			abort();
	}
	if (rc != 0 && rc != LF_E_FORMAT && rc != LF_E_NOMEM)
		abort();
	h = mix(h, (uint64_t)-rc);
	lf_tarr_free(r);
	lf_reader_free(in);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (run(data, size) != run(data, size))
		abort();
	return 0;
}
