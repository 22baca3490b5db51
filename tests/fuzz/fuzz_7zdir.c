/*
 * tests/fuzz/fuzz_7zdir.c: the 7z header reader on hostile bytes.
 *
 * Properties: the reader returns LF_OK, LF_E_FORMAT or LF_E_NOMEM; no
 * more files than the limit nor than declared; a name's UTF-8 is no
 * longer than 3 bytes a UTF-16 unit and NUL-terminated, and its UTF-16
 * lies inside the input or the decoded header; a file with data is not a
 * directory, one without has no CRC, size or block; a file's block is
 * one of the blocks; an encrypted header describes nothing; matching
 * each file's own name, in order, gives every file exactly once and then
 * none; and a file source gives what memory gives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/7zdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 256

static uint64_t
mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t
run(const struct lf_source *src, const struct lf_limits *l)
{
	static bool seen[MAX_FILES];
	const struct lf_7zdir_info *in;
	const struct lf_7zdir_entry *e;
	struct lf_7zdir *d;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i, k;
	int rc;

	rc = lf_7zdir_open(src, l, NULL, NULL, &d, NULL);
	if (rc == LF_E_FORMAT || rc == LF_E_NOMEM)
		return (uint64_t)-rc;
	if (rc != LF_OK)
		abort();
	in = lf_7zdir_info(d);
	if (in->entries > l->container_entries ||
	    in->entries > in->declared_files ||
	    (in->header_encrypted && in->entries > 0) ||
	    lf_7zdir_entry(d, in->entries) != NULL)
		abort();
	for (i = 0; i < in->entries; i++) {
		e = lf_7zdir_entry(d, i);
		if (e == NULL || (e->name == NULL) != (e->name_utf16 == NULL))
			abort();
		if (e->name != NULL &&
		    (e->name_len > e->name_utf16_len / 2 * 3 ||
		        e->name_utf16_len % 2 != 0 ||
		        e->name[e->name_len] != '\0'))
			abort();
		if (e->has_data && (e->directory || e->anti))
			abort();
		if (!e->has_data &&
		    (e->has_crc || e->size != 0 ||
		        e->block != LF_7ZDIR_NO_BLOCK || e->encrypted))
			abort();
		if (e->block != LF_7ZDIR_NO_BLOCK &&
		    (e->block >= in->blocks || e->block_files == 0))
			abort();
		h = mix(h, e->has_data | e->directory << 1 | e->anti << 2);
		h = mix(h, e->has_crc ? e->crc32 : 1ull << 40);
		h = mix(h, e->size);
		h = mix(h, e->block);
		h = mix(h, e->block_packed_size);
		h = mix(h, e->name_len);
	}
	/* Each file's own name finds each file once. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < in->entries; i++) {
		e = lf_7zdir_entry(d, i);
		k = e->name != NULL ?
		    lf_7zdir_match(d, (const uint8_t *)e->name, e->name_len) :
		    lf_7zdir_match_next(d);
		if (k >= in->entries || seen[k])
			abort();
		seen[k] = true;
		h = mix(h, k);
	}
	if (lf_7zdir_match_next(d) != LF_7ZDIR_NONE)
		abort();
	h = mix(h, in->entries);
	h = mix(h, in->declared_files);
	h = mix(h, in->header_packed | in->header_encrypted << 1);
	lf_7zdir_free(d);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_7zdir.XXXXXX";
	struct lf_source src;
	struct lf_limits l;
	uint64_t a, b;
	int fd;

	lf_limits_default(&l);
	l.container_entries = MAX_FILES;
	lf_source_memory(&src, data, size);
	a = run(&src, &l);
	/* The same bytes from a file, now and then. */
	if (size > 0 && data[size - 1] % 8 == 0) {
		if ((fd = mkstemp(path)) < 0)
			abort();
		unlink(path);
		if (write(fd, data, size) != (ssize_t)size)
			abort();
		lf_source_file(&src, fd, size);
		b = run(&src, &l);
		close(fd);
		if (a != b)
			abort();
	}
	return 0;
}
