/*
 * lf/spool.h: bytes kept as they stream, in memory up to a size, then in
 * an unnamed file of TMPDIR, for readers that need to seek in them (an
 * archive, an Outlook .msg): they read them back through a struct
 * lf_source.
 */
#ifndef LF_SPOOL_H
#define LF_SPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/source.h"

struct lf_spool {
	struct lf_buf mem;
	int fd;          /* -1 until the bytes outgrow memory */
	uint64_t size;   /* bytes kept */
	uint64_t max;    /* most bytes kept */
	bool over;       /* more than max were given: not all are kept */
	int write_errno; /* a write to the file failed */
};

/*
 * lf_spool_init: keep up to max bytes, the first mem_max of them in
 * memory.
 */
void lf_spool_init(struct lf_spool *s, size_t mem_max, uint64_t max);

/*
 * lf_spool_write: keep n more bytes.  A failure is remembered in the
 * spool (over, write_errno) rather than returned: the caller looks once,
 * when it wants the bytes back.
 */
void lf_spool_write(struct lf_spool *s, const uint8_t *p, size_t n);

/*
 * lf_spool_source: the bytes kept, as a source valid until the next
 * write or lf_spool_release; false when not all of them were kept.
 */
bool lf_spool_source(const struct lf_spool *s, struct lf_source *src);

void lf_spool_release(struct lf_spool *s);

#endif
