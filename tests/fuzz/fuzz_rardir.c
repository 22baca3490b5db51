/*
 * tests/fuzz/fuzz_rardir.c: the RAR header walk on hostile bytes.
 *
 * Properties: the walk returns LF_OK, LF_E_FORMAT or LF_E_NOMEM; no more
 * files than the limit; each file's header lies inside the input, after
 * the one before; its name is NUL-terminated at its length; a RAR 4
 * directory has no CRC; any_encrypted says
 * whether some file is; each file matches its own name at its own place
 * and no other; and a file source gives what memory gives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/rardir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 256

static uint64_t
mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t
run(const struct lf_source *src, const struct lf_limits *l, size_t size)
{
	const struct lf_rardir_info *in;
	const struct lf_rardir_entry *e;
	struct lf_rardir *d;
	uint64_t h = 0xcbf29ce484222325ull, last = 0;
	bool any = false;
	size_t i;
	int rc;

	rc = lf_rardir_open(src, l, NULL, NULL, &d, NULL);
	if (rc == LF_E_FORMAT || rc == LF_E_NOMEM)
		return (uint64_t)-rc;
	if (rc != LF_OK)
		abort();
	in = lf_rardir_info(d);
	/* Files before an encryption header that is not the first are
	 * described: only the headers after it are encrypted. */
	if (in->entries > l->container_entries ||
	    (in->version != 4 && in->version != 5) ||
	    lf_rardir_entry(d, in->entries) != NULL)
		abort();
	for (i = 0; i < in->entries; i++) {
		e = lf_rardir_entry(d, i);
		if (e == NULL || e->offset >= size || e->offset < 7 ||
		    (i > 0 && e->offset <= last))
			abort();
		last = e->offset;
		if (e->name != NULL && e->name[e->name_len] != '\0')
			abort();
		if (e->directory && in->version == 4 && e->has_crc)
			abort();
		any |= e->encrypted;
		if (e->name != NULL &&
		    (lf_rardir_match(d, i, (const uint8_t *)e->name,
		         e->name_len) != i ||
		        lf_rardir_match(d, i + 1, (const uint8_t *)e->name,
		            e->name_len) == i))
			abort();
		h = mix(h, e->offset);
		h = mix(h, e->has_crc ? e->crc32 : 1ull << 40);
		h = mix(h, e->size);
		h = mix(h, e->packed_size);
		h = mix(h, e->directory | e->encrypted << 1);
		h = mix(h, e->name_len);
	}
	if (any != in->any_encrypted && !in->limited)
		abort();
	h = mix(h, in->entries);
	h = mix(h, in->header_encrypted);
	lf_rardir_free(d);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_rardir.XXXXXX";
	struct lf_source src;
	struct lf_limits l;
	uint64_t a, b;
	int fd;

	lf_limits_default(&l);
	l.container_entries = MAX_FILES;
	lf_source_memory(&src, data, size);
	a = run(&src, &l, size);
	/* The same bytes from a file, now and then. */
	if (size > 0 && data[size - 1] % 8 == 0) {
		if ((fd = mkstemp(path)) < 0)
			abort();
		unlink(path);
		if (write(fd, data, size) != (ssize_t)size)
			abort();
		lf_source_file(&src, fd, size);
		b = run(&src, &l, size);
		close(fd);
		if (a != b)
			abort();
	}
	return 0;
}
