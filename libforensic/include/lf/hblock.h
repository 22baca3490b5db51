/*
 * lf/hblock.h: a message's header block, split into its fields exactly as
 * written, for the header checks (Received chain, Authentication-Results,
 * DKIM and ARC).
 *
 * Those checks need what the MIME engine deliberately does not keep: every
 * field with its own bytes (name, colon, folding, line ends), in order,
 * duplicates and malformed lines included, and where the body starts.  A
 * field's bytes point into the caller's buffer; nothing is copied.
 */
#ifndef LF_HBLOCK_H
#define LF_HBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"

struct lf_hfield {
	/* The name as written, without the colon; may hold any byte but
	 * the colon and line ends.  Borrowed from the buffer. */
	const uint8_t *name;
	size_t name_len;
	/* Everything after the colon, folding (CRLF or LF, then blanks)
	 * included, the line end that closes the field not included. */
	const uint8_t *value;
	size_t value_len;
	/* The whole field, name to its closing line end included (absent
	 * when the block ends without one): what DKIM's "simple"
	 * canonicalization signs. */
	const uint8_t *raw;
	size_t raw_len;
	size_t offset; /* of raw in the buffer */
};

struct lf_hblock {
	struct lf_hfield *fields; /* top to bottom; owned */
	size_t count;
	/* The body's first byte (after the empty line), or the buffer's
	 * length when there is no empty line in it. */
	size_t body_offset;
	bool complete; /* the empty line that ends the block was seen */
};

/*
 * lf_hblock_parse: split the header block at the start of p[0..n) into
 * fields.  A field starts at a line that does not begin with a blank and
 * runs over the lines that do (folding); lines end with CRLF or a bare LF,
 * as stored mail has both.  The block ends at the first empty line.
 *
 * Malformed lines are reported through anomaly (may be NULL), with their
 * offsets in p, and kept: a line without a colon ("header.no-colon") is a
 * field with an empty value and its whole text as name; a blank before the
 * colon ("header.space-before-colon", obsolete syntax that readers split
 * differently) stays in the name; a block that starts with a blank
 * ("header.leading-fold") gives that text as a field with an empty name.
 * At most max_fields fields are split ("header.too-many-fields"); the
 * rest of the block is then one last field with an empty name, so that no
 * byte is lost from the split.
 *
 * Returns LF_OK and fills *out (its fields owned by it; free with
 * lf_hblock_release), or LF_E_NOMEM / LF_E_INVAL with *out untouched.
 */
int lf_hblock_parse(const uint8_t *p, size_t n, size_t max_fields,
    struct lf_hblock *out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err);

/*
 * lf_hblock_release: free what lf_hblock_parse allocated and empty *b.
 */
void lf_hblock_release(struct lf_hblock *b);

/*
 * lf_hfield_is: whether f's name is name (ASCII, case-insensitive, no
 * blanks allowed around it).
 */
bool lf_hfield_is(const struct lf_hfield *f, const char *name);

/*
 * lf_hblock_count: how many fields of b are named name.
 */
size_t lf_hblock_count(const struct lf_hblock *b, const char *name);

#endif
