/*
 * lf/hashlist.h: lists of known hashes, in the formats people have, and
 * the audit of files against them.
 *
 * Read: coreutils (md5sum, sha1sum, sha256sum, sha512sum, with their
 * escaped-name form and --tag), HASHDEEP-1.0, and the JSON Lines that
 * lf-hash writes.  The format is found per input.  Malformed lines are
 * reported through a callback and skipped; they never stop the load.
 *
 * Written: coreutils lines (sha256sum -c accepts them) and HASHDEEP-1.0
 * (hashdeep -a -k accepts it).
 *
 * Audit classifies each file as hashdeep's audit does: matched (same name,
 * same content), moved (same content under another name), changed (a
 * known name, other content), partial (some digests agree and others do
 * not: a collision or a damaged list), new; and at the end, the known
 * entries no file matched are missing.
 */
#ifndef LF_HASHLIST_H
#define LF_HASHLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/digest.h"
#include "lf/limits.h"
#include "lf/reader.h"

/* Algorithms a known list can hold: the cryptographic ones. */
#define LF_HASHLIST_ALGS                                  \
	(LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA1) | \
	    LF_DIGEST_BIT(LF_SHA256) | LF_DIGEST_BIT(LF_SHA512))

/* What HASHDEEP-1.0 can carry, and so what the writer accepts. */
#define LF_HASHDEEP_ALGS                                  \
	(LF_DIGEST_BIT(LF_MD5) | LF_DIGEST_BIT(LF_SHA1) | \
	    LF_DIGEST_BIT(LF_SHA256))

enum lf_audit_status {
	LF_AUDIT_MATCHED,
	LF_AUDIT_MOVED,
	LF_AUDIT_CHANGED,
	LF_AUDIT_PARTIAL,
	LF_AUDIT_NEW,
	LF_AUDIT_MISSING, /* only from lf_hashlist_foreach_missing */
	LF_AUDIT_NSTATUS
};

struct lf_known {
	const uint8_t *name; /* exact bytes, borrowed from the list */
	size_t name_len;
	uint64_t size; /* LF_SIZE_UNKNOWN when the list has none */
	unsigned algs; /* digests present */
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
	uint8_t sha512[64];
	const char *source; /* the list it came from (borrowed) */
	uint64_t line;      /* its line number there */
};

struct lf_audit_match {
	enum lf_audit_status status;
	const struct lf_known *known; /* the entry it was compared with,
					 NULL for new; borrowed */
	unsigned equal;               /* algorithms that agree */
	unsigned differ;              /* algorithms that do not */
	bool size_differs;            /* the list gives another size */
};

struct lf_hashlist;

/*
 * Called for each line that is skipped: source, its line number, why.
 */
typedef void (*lf_hashlist_warn_fn)(void *arg, const char *source,
    uint64_t line, const char *why);

/*
 * lf_hashlist_new: an empty list bounded by limits (list_line,
 * list_entries), which must outlive it.  Returns LF_OK and a new list in
 * *out, or LF_E_NOMEM.
 */
int lf_hashlist_new(const struct lf_limits *limits, struct lf_hashlist **out,
    struct lf_error *err);

/*
 * lf_hashlist_free: free the list.  NULL is allowed.
 */
void lf_hashlist_free(struct lf_hashlist *hl);

/*
 * lf_hashlist_load: add the entries read from r, named source in messages
 * (copied).  Returns LF_OK (malformed lines reported to warn, which may be
 * NULL, and skipped), LF_E_LIMIT (list_entries reached; what was read is
 * kept), LF_E_NOMEM, or a read error of r.
 */
int lf_hashlist_load(struct lf_hashlist *hl, struct lf_reader *r,
    const char *source, lf_hashlist_warn_fn warn, void *arg,
    struct lf_error *err);

/*
 * lf_hashlist_count: entries loaded.
 */
size_t lf_hashlist_count(const struct lf_hashlist *hl);

/*
 * lf_hashlist_algs: the algorithms found in the list (a subset of
 * LF_HASHLIST_ALGS); hash files with at least these.
 */
unsigned lf_hashlist_algs(const struct lf_hashlist *hl);

/*
 * lf_hashlist_audit: classify one file, of name (n bytes) and digest, and
 * mark the entries it accounts for as seen.  Fills *m; the entry it points
 * to stays valid until the list is freed or loaded again.
 */
void lf_hashlist_audit(struct lf_hashlist *hl, const uint8_t *name, size_t n,
    const struct lf_digest_result *digest, struct lf_audit_match *m);

/*
 * Called for each entry no file accounted for, in list order.  Return 0 to
 * go on; anything else stops and is returned.
 */
typedef int (*lf_hashlist_entry_fn)(void *arg, const struct lf_known *e);

int lf_hashlist_foreach_missing(const struct lf_hashlist *hl,
    lf_hashlist_entry_fn fn, void *arg);

/*
 * lf_audit_status_name: "matched", "moved", "changed", "partial", "new",
 * "missing".
 */
const char *lf_audit_status_name(enum lf_audit_status s);

/*
 * lf_hashlist_coreutils_line: append "<digest>  <name>\n" as md5sum and
 * sha256sum write it: a name holding a backslash, newline or carriage
 * return is escaped and the line starts with a backslash.  Errors as
 * lf_buf_append.
 */
int lf_hashlist_coreutils_line(struct lf_buf *out, const char *digest_text,
    const uint8_t *name, size_t n, struct lf_error *err);

/*
 * lf_hashlist_hashdeep_header: append the HASHDEEP-1.0 header for algs (a
 * non-empty subset of LF_HASHDEEP_ALGS), with the directory and command
 * line hashdeep records ("## Invoked from:", "## $ ...").  Errors as
 * lf_buf_append, or LF_E_INVAL for algs.
 */
int lf_hashlist_hashdeep_header(struct lf_buf *out, unsigned algs,
    const char *cwd, int argc, char *const argv[], struct lf_error *err);

/*
 * lf_hashlist_hashdeep_line: append "size,<digests>,name\n".  Returns
 * LF_E_FORMAT, appending nothing, for a name the format cannot hold (a
 * newline or carriage return in it); else errors as lf_buf_append.
 */
int lf_hashlist_hashdeep_line(struct lf_buf *out, unsigned algs,
    const struct lf_digest_result *d, const uint8_t *name, size_t n,
    struct lf_error *err);

#endif
