/*
 * lf/extract.h: take a message apart into objects, and describe it.
 *
 * Each message is parsed (lf/mime.h) as it is fed; every leaf, preamble,
 * epilogue and embedded block becomes an object: digested (the object
 * record), typed with libmagic, stored in the quarantine store, and
 * checked for what analysts look for (findings).  The raw message is an
 * object too.  A message/partial fragment's part says which fragment it
 * is ("partial": id, number, total), for the caller to reassemble the
 * message once it has them all (RFC 2046 5.2.2).  The result is the extraction report, a JSON document as
 * schemas/extract.schema.json describes it.
 */
#ifndef LF_EXTRACT_H
#define LF_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/error.h"
#include "lf/limits.h"
#include "lf/magic.h"
#include "lf/md5batch.h"
#include "lf/store.h"

#define LF_EXTRACT_FORMAT "lf-extract"
#define LF_EXTRACT_FORMAT_VERSION 1
#define LF_NO_OFFSET UINT64_MAX

struct lf_extract_opts {
	const struct lf_limits *limits; /* must outlive the extractor */
	unsigned algs;                  /* digests of each object, not empty */
	struct lf_store *store;         /* NULL: store nothing */
	struct lf_store *partial_store; /* without a store: where
					   message/partial fragments go, for
					   their reassembly; may be NULL */
	struct lf_magic *magic;         /* NULL: type nothing; one per thread */
	bool attachments_only;          /* report and store attachments only */
	const char *tool;               /* the tool name for the report */
	const char *const *passwords;   /* tried on encrypted archives after
					   those the message gives and
					   "infected", "malware", "virus" */
	size_t npasswords;
	bool no_header_list;            /* leave the message's list of
					   header fields out of the report
					   (for a summary that never shows
					   it: it is a sixth of the cost of
					   a report) */
	struct lf_md5_batch *md5_batch; /* NULL: each MD5 is computed as
					   its bytes come; else they wait in
					   this batch of the thread's, and a
					   report is complete only after
					   lf_md5_batch_flush */
	/*
	 * tap_path: NULL, or the report path of one part or archive entry
	 * ("2", "1.3", "2>docs/a.exe") whose decoded bytes go to tap as
	 * they come: once with n == 0 when the object opens, then its
	 * bytes.  A tap that returns non-zero stops the message with
	 * LF_E_IO.
	 */
	const char *tap_path;
	int (*tap)(void *arg, const uint8_t *p, size_t n);
	void *tap_arg;
};

struct lf_extract;

/*
 * lf_extract_new: an extractor, reused message after message, used by one
 * thread at a time.  Returns LF_OK and the extractor in *out, LF_E_INVAL,
 * LF_E_NOMEM or LF_E_CRYPTO.
 */
int lf_extract_new(const struct lf_extract_opts *opts, struct lf_extract **out,
    struct lf_error *err);

/*
 * lf_extract_begin: start a message read from source (its name, n bytes,
 * any bytes), at mbox_offset in it (LF_NO_OFFSET when it is not an mbox).
 * Returns LF_OK, LF_E_NOMEM, or an error of the store (LF_E_IO).
 */
int lf_extract_begin(struct lf_extract *x, const uint8_t *source, size_t n,
    uint64_t mbox_offset, struct lf_error *err);

/*
 * lf_extract_feed: the next n bytes of the message.  Malformed input is
 * not an error.  Returns LF_OK, LF_E_NOMEM, LF_E_IO (the store), or
 * LF_E_CRYPTO; after an error only _free, or _begin of another message,
 * is allowed.
 */
int lf_extract_feed(struct lf_extract *x, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_extract_end: the message is complete.  Returns LF_OK and its report
 * in *report (a new reference), or an error as lf_extract_feed.
 */
int lf_extract_end(struct lf_extract *x, json_t **report, struct lf_error *err);

/*
 * lf_extract_free: NULL is allowed.
 */
void lf_extract_free(struct lf_extract *x);

#endif
