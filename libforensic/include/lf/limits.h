/*
 * lf/limits.h: every resource limit of the library, in one place.
 *
 * Each recursion and each allocation that input can drive is bounded by a
 * field here.  The struct is plain data that travels with the options of
 * each operation; there is no global state.  Tools expose each limit as a
 * flag (--limit NAME=VALUE), and the table from lf_limits_table() is what
 * they and the man pages list.
 */
#ifndef LF_LIMITS_H
#define LF_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

struct lf_limits {
	uint64_t walk_depth;   /* directory levels below a named directory */
	uint64_t dir_entries;  /* entries read from one directory */
	uint64_t list_line;    /* bytes in one line of a known-hash list */
	uint64_t list_entries; /* entries read from known-hash lists */
	uint64_t magic_bytes; /* leading bytes of an object given to libmagic */
	uint64_t header_bytes;      /* bytes kept of one header block */
	uint64_t header_fields;     /* fields of one header block */
	uint64_t mime_depth;        /* nesting of multiparts and messages */
	uint64_t mime_parts;        /* parts in one message */
	uint64_t mime_params;       /* parameters of one header field */
	uint64_t smime_bytes;       /* bytes of an S/MIME object opened */
	uint64_t container_depth;   /* containers inside containers */
	uint64_t container_entries; /* entries read from one container */
	uint64_t container_ratio;   /* bytes out per byte of a container */
	uint64_t container_total;   /* bytes out of all containers of one
				       message */
	uint64_t container_size;    /* largest object opened as one */
	uint64_t rtf_bytes;         /* compressed RTF held whole, in and out */
	uint64_t bag_tag_bytes;     /* one BagIt tag file read whole */
	uint64_t bag_index_bytes;   /* a BagIt validator's records */
};

struct lf_limit_def {
	const char *name; /* as given to --limit, e.g. "walk-depth" */
	size_t offset;    /* of the uint64_t field in struct lf_limits */
	uint64_t dflt;    /* default value */
	uint64_t min;     /* smallest accepted value */
	const char *unit; /* "bytes", "levels", "entries" */
	const char *what; /* one line for --help and the man pages */
};

/*
 * lf_limits_default: fill l with the defaults.
 */
void lf_limits_default(struct lf_limits *l);

/*
 * lf_limits_table: the definitions, *n receives their number.  Static.
 */
const struct lf_limit_def *lf_limits_table(size_t *n);

/*
 * lf_limits_set: apply "NAME=VALUE", VALUE a decimal number optionally
 * followed by k, M, G or T (powers of 1024).  Returns LF_OK, or LF_E_INVAL
 * for an unknown name, a malformed or too small value; l is unchanged then.
 */
int lf_limits_set(struct lf_limits *l, const char *assignment,
    struct lf_error *err);

/*
 * lf_parse_size: parse a decimal number with an optional k/M/G/T suffix
 * (powers of 1024) into *out.  Returns LF_OK or LF_E_INVAL (out untouched).
 */
int lf_parse_size(const char *s, uint64_t *out, struct lf_error *err);

#endif
