/*
 * tests/fuzz/fuzz_tnef.c: lf_tnef_read on hostile bytes.
 *
 * Properties: the reader returns LF_OK or LF_E_FORMAT (never an error
 * for malformed input, memory aside); begin and end pair up, parents are
 * the open messages, data comes in pieces of 1 to 64 KiB and only inside
 * an entry; an entry that declares a size gets exactly that many bytes
 * unless it is a body; paths are unique per reading and fit; reading
 * from memory and from a file gives the same events.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/limits.h"
#include "lf/tnef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEPTH_MAX 64

struct rec {
	const struct lf_entry *stack[DEPTH_MAX];
	int top; /* messages open */
	const struct lf_entry *cur;
	uint64_t got;
	uint64_t hash; /* of everything seen, to compare two readings */
	unsigned long entries;
};

static void
mix(struct rec *r, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		r->hash ^= b[i];
		r->hash *= 0x100000001b3ull;
	}
}

/* The data of the entry r->cur is complete. */
static void
data_done(struct rec *r)
{
	const struct lf_entry *e = r->cur;

	if (e->kind != LF_ENTRY_BODY && e->declared_size != UINT64_MAX &&
	    r->got != e->declared_size)
		abort();
	r->cur = NULL;
}

static int
on_begin(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;

	/* The first entry inside a message ends the message's data. */
	if (r->cur != NULL) {
		if (r->cur->kind != LF_ENTRY_MESSAGE || e->parent != r->cur ||
		    r->top >= DEPTH_MAX)
			abort();
		r->stack[r->top++] = r->cur;
		data_done(r);
	}
	if (e->parent != (r->top > 0 ? r->stack[r->top - 1] : NULL) ||
	    strnlen(e->path, LF_ENTRY_PATH_MAX) >= LF_ENTRY_PATH_MAX ||
	    e->role == NULL || (e->name != NULL && e->name_raw == NULL))
		abort();
	r->cur = e;
	r->got = 0;
	r->entries++;
	mix(r, "B", 1);
	mix(r, e->path, strlen(e->path));
	if (e->name != NULL)
		mix(r, e->name, e->name_len);
	return 0;
}

static int
on_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	struct rec *r = arg;

	if (e != r->cur || n == 0 || n > 64 * 1024)
		abort();
	r->got += n;
	mix(r, p, n);
	return 0;
}

static int
on_end(void *arg, const struct lf_entry *e)
{
	struct rec *r = arg;

	if (r->cur == e) {
		data_done(r);
	} else {
		/* A message whose contents were reported. */
		if (r->cur != NULL || r->top == 0 || r->stack[r->top - 1] != e)
			abort();
		r->top--;
	}
	mix(r, "E", 1);
	return 0;
}

static int
on_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct rec *r = arg;

	(void)e;
	mix(r, name, strlen(name));
	mix(r, value, n);
	return 0;
}

static void
on_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	struct rec *r = arg;

	(void)e;
	mix(r, a->code, strlen(a->code));
	mix(r, &a->offset, sizeof(a->offset));
}

static uint64_t
run(const struct lf_source *src, const struct lf_limits *l)
{
	static const struct lf_container_events ev = {on_begin, on_data, on_end,
	    on_property, on_anomaly};
	struct rec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.hash = 0xcbf29ce484222325ull;
	rc = lf_tnef_read(src, l, &ev, &r, NULL);
	if ((rc != LF_OK && rc != LF_E_FORMAT) || r.cur != NULL || r.top != 0)
		abort();
	return r.hash ^ (uint64_t)rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_source src;
	struct lf_limits l;
	char path[] = "/tmp/fuzz_tnef.XXXXXX";
	uint64_t a, b;
	int fd;

	lf_limits_default(&l);
	l.container_depth = 4;
	l.container_entries = 2000;
	lf_source_memory(&src, data, size);
	a = run(&src, &l);
	/* The same bytes from a file, now and then. */
	if (size > 0 && data[size - 1] % 16 == 0) {
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
