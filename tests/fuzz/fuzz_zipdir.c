/*
 * tests/fuzz/fuzz_zipdir.c: the zip central directory reader on hostile
 * bytes.
 *
 * Properties: the reader returns LF_OK, LF_E_FORMAT or LF_E_NOMEM; no
 * more records than the limit; every record and name lies inside the
 * input and its name reads back as those bytes; the CRC kind agrees with
 * the method and the AES field; matching each record's own name, in
 * directory order, gives every record exactly once and then none (by
 * name or by position); and a file source gives what memory gives.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/zipdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS 256

static uint64_t
mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

static uint64_t
run(const uint8_t *data, size_t size, const struct lf_source *src,
    const struct lf_limits *l)
{
	static uint8_t name[65536];
	static bool seen[MAX_RECORDS];
	const struct lf_zipdir_info *in;
	const struct lf_zipdir_entry *e;
	struct lf_zipdir *d;
	const uint8_t *p;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i, n, k;
	int rc;

	rc = lf_zipdir_open(src, l, NULL, NULL, &d, NULL);
	if (rc == LF_E_FORMAT || rc == LF_E_NOMEM)
		return (uint64_t)-rc;
	if (rc != LF_OK)
		abort();
	in = lf_zipdir_info(d);
	if (in->entries > l->container_entries || in->eocd_offset + 22 > size)
		abort();
	for (i = 0; i < in->entries; i++) {
		e = lf_zipdir_entry(d, i);
		if (e == NULL || e->offset > size || 46 > size - e->offset ||
		    e->name_offset != e->offset + 46 || e->name_len > 65535 ||
		    e->name_len > size - e->name_offset)
			abort();
		if (lf_zipdir_name(d, i, &p, &n, NULL) != LF_OK ||
		    n != e->name_len ||
		    (n > 0 && memcmp(p, data + e->name_offset, n) != 0))
			abort();
		if ((e->crc == LF_ZIPDIR_CRC_NOT_STORED) !=
		        (e->method == LF_ZIPDIR_WINZIP_AES &&
		            e->aes_version == 2) ||
		    (e->method != LF_ZIPDIR_WINZIP_AES &&
		        (e->crc != LF_ZIPDIR_CRC_STORED ||
		            e->aes_version != 0)))
			abort();
		h = mix(h, e->offset);
		h = mix(h, e->crc32);
		h = mix(h, e->crc);
		h = mix(h, e->compressed_size);
		h = mix(h, e->uncompressed_size);
		h = mix(h, e->local_offset);
	}
	/* Each record's own name finds each record once. */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < in->entries; i++) {
		if (lf_zipdir_name(d, i, &p, &n, NULL) != LF_OK)
			abort();
		memcpy(name, p, n);
		if (lf_zipdir_match(d, name, n, &k, NULL) != LF_OK ||
		    k >= in->entries || seen[k])
			abort();
		seen[k] = true;
		h = mix(h, k);
	}
	if ((in->entries > 0 &&
	        (lf_zipdir_match(d, name, n, &k, NULL) != LF_OK ||
	            k != LF_ZIPDIR_NONE)) ||
	    lf_zipdir_match_next(d) != LF_ZIPDIR_NONE)
		abort();
	h = mix(h, in->entries);
	h = mix(h, in->declared_entries);
	h = mix(h, in->offset);
	h = mix(h, in->zip64_offset);
	lf_zipdir_free(d);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_zipdir.XXXXXX";
	struct lf_source src;
	struct lf_limits l;
	uint64_t a, b;
	int fd;

	lf_limits_default(&l);
	l.container_entries = MAX_RECORDS;
	lf_source_memory(&src, data, size);
	a = run(data, size, &src, &l);
	/* The same bytes from a file, now and then. */
	if (size > 0 && data[size - 1] % 8 == 0) {
		if ((fd = mkstemp(path)) < 0)
			abort();
		unlink(path);
		if (write(fd, data, size) != (ssize_t)size)
			abort();
		lf_source_file(&src, fd, size);
		b = run(data, size, &src, &l);
		close(fd);
		if (a != b)
			abort();
	}
	return 0;
}
