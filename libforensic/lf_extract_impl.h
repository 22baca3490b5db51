/*
 * lf_extract_impl.h: what lf_extract.c (a message's parts) and
 * lf_unpack.c (the containers among its objects) share.  Not installed.
 *
 * An object is whatever gets a record with digests in the report: a MIME
 * part's content or a container's entry.  Objects nest (a part in a part,
 * an entry in an archive in a part) and close innermost first, so they
 * are a stack.
 */
#ifndef LF_EXTRACT_IMPL_H
#define LF_EXTRACT_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/buf.h"
#include "lf/container.h"
#include "lf/digest.h"
#include "lf/extract.h"
#include "lf/findings.h"
#include "lf/md5batch.h"
#include "lf/mime.h"
#include "lf/password.h"
#include "lf/spool.h"

#define MAX_OPEN 512 /* objects open at once: nesting, plus embedded */
/* Enough of an object to tell every container format: ISO 9660 has its
 * mark at 32769. */
#define SNIFF_BYTES (34 * 1024)
/* ... and enough for all others: tar's mark is at 257. */
#define SNIFF_EARLY 512
/* A closed object's window storage up to this size is kept for the next. */
#define WINDOW_KEPT (64 * 1024)
#define MAX_FOUND_PASSWORDS 32 /* candidates kept from one message */

enum container_kind { C_NONE, C_ARCHIVE, C_MSG, C_TNEF };

/*
 * A container's bytes kept while they stream, to be read by offset once
 * complete: in memory up to SPOOL_MEMORY, then in an unnamed temporary
 * file.
 */
struct spool {
	bool active;
	struct lf_spool sp; /* up to container-size: "over" past it */
};

struct object {
	json_t *record; /* its entry in the report */
	struct lf_digest *d;
	struct lf_md5_object *md5; /* with a batch: its MD5, apart */
	struct lf_store_writer *w;
	struct lf_buf window; /* the first bytes: libmagic, sniffing */
	struct lf_dataurl_scan dataurl;
	/* What it is: a MIME part, or (part NULL) the container entry at
	 * path entry. */
	const struct lf_mime_part *part;
	char entry[LF_ENTRY_PATH_MAX];
	const uint8_t *name; /* borrowed from the part, or owned_name */
	size_t name_len;
	uint8_t *owned_name; /* a container entry's: it may close after
				its reader is gone */
	char type[128], subtype[128]; /* declared; "" when not */
	bool attachment;
	bool inline_plain; /* a message's own plain text */
	bool html;
	bool tapped; /* its bytes go to the tap too (lf-extract -p) */
	bool text; /* declared text: searched for passwords */
	bool unreported; /* stored aside, not in the quarantine store */
	bool sniffed;
	enum container_kind container;
	struct spool spool;
};

struct field {
	const char *name;
	struct lf_buf raw;
	bool seen;
};

enum { F_FROM, F_TO, F_CC, F_SUBJECT, F_DATE, F_MESSAGE_ID, NFIELDS };

struct lf_extract {
	struct lf_extract_opts o;
	struct lf_mime_parser *mp;
	struct lf_digest *msg; /* the raw message: SHA-256 */
	struct lf_store_writer *msgw;
	json_t *report, *parts, *headers, *anomalies;
	struct field fields[NFIELDS];
	struct object *objs;
	size_t nobjs;
	struct lf_digest **pool; /* digests to reuse */
	size_t npool;
	size_t pool_cap;
	unsigned algs;  /* in each object's record */
	unsigned dalgs; /* in its struct lf_digest: MD5 may go apart */
	uint64_t nparts, nattachments;
	uint64_t fed;           /* message bytes so far */
	struct object *direct; /* the whole input is a container: part 1 */
	/* Containers: how deep the one being read is, the bytes all of
	 * them produced, the SHA-256s of those open (a zip that holds
	 * itself), and the passwords the message's text gave. */
	unsigned cdepth;
	uint64_t cbytes;
	uint8_t open_sha256[16][32];
	struct lf_buf texts; /* the texts' first bytes, for passwords */
	bool scanned;        /* ... searched: found holds what they give */
	char *found[MAX_FOUND_PASSWORDS];
	size_t nfound;
	const char **candidates; /* what an archive is given to try */
	int rc; /* the first error in a handler */
	struct lf_error err;
};

/* lf_extract.c: the object stack. */

/*
 * lf_xobj_open: push an object whose record is `record' (the report's
 * parts array holds it); the caller then fills its description.
 * Returns LF_OK and the object, or an error in x->err.
 */
int lf_xobj_open(struct lf_extract *x, json_t *record, struct object **out);

/* lf_xobj_begin: the description is complete: choose its store. */
int lf_xobj_begin(struct lf_extract *x, struct object *o);

int lf_xobj_data(struct lf_extract *x, struct object *o, const uint8_t *p,
    size_t n);

/*
 * lf_xobj_close: finish the topmost object o (digests, type, findings,
 * file; a container is opened and its entries reported) and pop it.
 */
int lf_xobj_close(struct lf_extract *x, struct object *o);

/* lf_xobj_anomaly: an anomaly of the report, in part `path'. */
void lf_xobj_anomaly(struct lf_extract *x, const char *path,
    const struct lf_anomaly *a);

/* lf_unpack.c: containers. */

/* The kind of container the first n bytes show; complete: they are all. */
enum container_kind lf_unpack_sniff(const uint8_t *p, size_t n, bool complete);

/*
 * Can the SNIFF_EARLY bytes at p still turn out to be a container whose
 * mark comes later (ISO 9660, whose first 32 KiB are usually zeros)?
 */
bool lf_unpack_maybe_late(const uint8_t *p);

/* Keep the bytes of o, a container, from now on. */
void lf_unpack_spool_start(struct lf_extract *x, struct object *o);
void lf_unpack_spool(struct lf_extract *x, struct object *o, const uint8_t *p,
    size_t n);
void lf_unpack_spool_release(struct object *o);

/*
 * lf_unpack_open: o is complete (sha256 is its digest): report its
 * entries, as objects of their own.  Returns LF_OK (an unreadable
 * container is an anomaly) or an error in x->err.
 */
int lf_unpack_open(struct lf_extract *x, struct object *o,
    const uint8_t sha256[32]);

/* lf_unpack_passwords: remember the candidates in a text object. */
void lf_unpack_passwords(struct lf_extract *x, const struct object *o);

/* lf_unpack_reset: a new message. */
void lf_unpack_reset(struct lf_extract *x);

/* lf_unpack_free: what lf_unpack_reset keeps for the next message. */
void lf_unpack_free(struct lf_extract *x);

#endif
