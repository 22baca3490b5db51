/*
 * tests/fuzz/fuzz_archive.c: archive expansion on hostile bytes.
 *
 * Properties: begin and end pair up, data goes only to the open member
 * and never to one without data, only a member without data has a
 * declared CRC-32 or compressed size (from a zip's central directory),
 * no member gives more bytes than the limits allow, and the reader
 * returns LF_OK, LF_E_FORMAT or the harness's own stop.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OUT (4u << 20) /* bytes of all members, then the harness stops */
#define STOP 99

struct state {
	bool open, no_data;
	char path[LF_ENTRY_PATH_MAX];
	uint64_t out;
};

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct state *s = arg;

	if (s->open || e->kind != LF_ENTRY_FILE ||
	    strlen(e->path) >= sizeof(s->path))
		abort();
	if ((e->crc != LF_ENTRY_CRC_NONE || e->has_compressed_size) &&
	    !e->no_data)
		abort();
	if (e->crc != LF_ENTRY_CRC_DECLARED && e->crc32 != 0)
		abort();
	s->open = true;
	s->no_data = e->no_data;
	memcpy(s->path, e->path, strlen(e->path) + 1);
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct state *s = arg;

	if (!s->open || s->no_data || strcmp(e->path, s->path) != 0 ||
	    (n > 0 && p == NULL))
		abort();
	s->out += n;
	return s->out > MAX_OUT ? STOP : 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct state *s = arg;

	if (!s->open || strcmp(e->path, s->path) != 0)
		abort();
	s->open = false;
	return 0;
}

static const struct lf_container_events events = {on_begin, on_data, on_end,
    NULL, NULL};

static const char *const *
passwords(void *arg, size_t *n)
{
	static const char *const pw[] = {"infected", "secret"};

	(void)arg;
	*n = 2;
	return pw;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_source src;
	struct lf_limits l;
	struct state s;
	int rc;

	memset(&s, 0, sizeof(s));
	lf_limits_default(&l);
	l.container_entries = 64;
	lf_source_memory(&src, data, size);
	rc = lf_archive_read(&src, &l, passwords, NULL, &events, &s, NULL);
	if (rc != LF_OK && rc != LF_E_FORMAT && rc != STOP && rc != LF_E_NOMEM)
		abort();
	if (rc == LF_OK && s.open)
		abort();
	return 0;
}
