/*
 * tests/fuzz/fuzz_bagit.c: BagIt bags from hostile bytes.
 *
 * The input is a bag flattened into sections, each a line "--- PATH"
 * followed by the file's bytes up to the next such line:
 *
 *   --- bagit.txt
 *   BagIt-Version: 1.0
 *   ...
 *   --- data/hello.txt
 *   hello
 *
 * Input with no section is one manifest-sha256.txt beside a fixed
 * bagit.txt.  Sections are fed in the order given (tag files whole, the
 * others as digests), then in reverse order into a second validator: both
 * must finish, and agree on the verdict.  The sections' paths also go to
 * the writer, which must refuse or write, never crash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/bagit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SECTIONS 64

struct section {
	char path[256];
	const uint8_t *p;
	size_t n;
};

static size_t
split(const uint8_t *data, size_t size, struct section *s)
{
	size_t ns = 0, i = 0;

	while (i < size && ns < MAX_SECTIONS) {
		const uint8_t *nl, *next = NULL;
		size_t plen, k;
		if (size - i < 4 || memcmp(data + i, "--- ", 4) != 0)
			break;
		nl = memchr(data + i + 4, '\n', size - i - 4);
		if (nl == NULL)
			break;
		plen = (size_t)(nl - (data + i + 4));
		if (plen >= sizeof(s[ns].path))
			plen = sizeof(s[ns].path) - 1;
		memcpy(s[ns].path, data + i + 4, plen);
		s[ns].path[plen] = '\0';
		s[ns].p = nl + 1;
		for (k = (size_t)(nl + 1 - data); k + 4 < size; k++)
			if (data[k] == '\n' &&
			    memcmp(data + k + 1, "--- ", 4) == 0) {
				next = data + k + 1;
				break;
			}
		if (next == NULL)
			next = data + size;
		s[ns].n = (size_t)(next - s[ns].p);
		i = (size_t)(next - data);
		ns++;
	}
	return ns;
}

static int
run(const struct section *s, size_t ns, bool backwards, bool *valid)
{
	struct lf_limits l;
	struct lf_bagit *v;
	struct lf_bagit_hash *h;
	size_t i;
	int rc = LF_OK;

	lf_limits_default(&l);
	l.bag_tag_bytes = 64 * 1024;
	l.bag_index_bytes = 4 * 1024 * 1024;
	if (lf_bagit_new(&l, &v, NULL) != LF_OK)
		return -1;
	if (lf_bagit_hash_new(LF_BAGIT_ALL, &h, NULL) != LF_OK) {
		lf_bagit_free(v);
		return -1;
	}
	lf_bagit_dir(v, "data", 4);
	for (i = 0; i < ns && rc == LF_OK; i++) {
		const struct section *x = &s[backwards ? ns - 1 - i : i];
		size_t n = strlen(x->path);
		struct lf_bagit_digests d;
		if (lf_bagit_is_parsed_tag(x->path, n)) {
			rc = lf_bagit_tag(v, x->path, n, x->p, x->n, NULL);
			if (rc == LF_E_INVAL)
				rc = LF_OK; /* given twice */
			continue;
		}
		if (lf_bagit_hash_update(h, x->p, x->n, NULL) != LF_OK ||
		    lf_bagit_hash_final(h, &d, NULL) != LF_OK)
			abort();
		rc = lf_bagit_file(v, x->path, n, &d, NULL);
		if (rc == LF_E_INVAL)
			rc = LF_OK;
	}
	if (rc == LF_OK)
		rc = lf_bagit_finish(v, NULL);
	if (rc == LF_OK) {
		struct lf_bagit_summary sum;
		const struct lf_bagit_finding *f;
		size_t nf, k;
		*valid = lf_bagit_valid(v);
		lf_bagit_get_summary(v, &sum);
		f = lf_bagit_findings(v, &nf);
		for (k = 0; k < nf; k++)
			if (f[k].file == NULL || f[k].message == NULL ||
			    strlen(f[k].file) != f[k].file_len)
				abort();
		if (*valid != (lf_bagit_count(v, LF_BAGIT_INVALID) == 0))
			abort();
	}
	lf_bagit_hash_free(h);
	lf_bagit_free(v);
	return rc;
}

static void
write_back(const struct section *s, size_t ns)
{
	struct lf_bagit_entry e[MAX_SECTIONS];
	struct lf_bagit_info info[1];
	struct lf_bagit_out o;
	size_t i;

	memset(e, 0, sizeof(e));
	for (i = 0; i < ns; i++) {
		e[i].path = s[i].path;
		e[i].size = s[i].n;
	}
	info[0].label = ns > 0 ? s[0].path : "Label";
	info[0].value = ns > 1 ? s[1].path : "value";
	if (lf_bagit_write(e, ns, info, 1, NULL, 0, &o, NULL) == LF_OK)
		lf_bagit_out_release(&o);
}

static bool
twice(const struct section *s, size_t ns)
{
	size_t i, j;

	for (i = 0; i < ns; i++)
		for (j = i + 1; j < ns; j++)
			if (strcmp(s[i].path, s[j].path) == 0)
				return true;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct section s[MAX_SECTIONS];
	size_t ns = split(data, size, s);
	bool v1 = false, v2 = false;
	int r1, r2;

	if (ns == 0) {
		static const char bagit[] =
		    "BagIt-Version: 1.0\n"
		    "Tag-File-Character-Encoding: UTF-8\n";
		memcpy(s[0].path, "bagit.txt", 10);
		s[0].p = (const uint8_t *)bagit;
		s[0].n = sizeof(bagit) - 1;
		memcpy(s[1].path, "manifest-sha256.txt", 20);
		s[1].p = data;
		s[1].n = size;
		ns = 2;
	}
	r1 = run(s, ns, false, &v1);
	r2 = run(s, ns, true, &v2);
	/* The order files come in never changes the verdict (unless a path
	   comes twice: then the first one given counts). */
	if (r1 == LF_OK && r2 == LF_OK && v1 != v2 && !twice(s, ns))
		abort();
	write_back(s, ns);
	return 0;
}
