/*
 * lf/custodyview.h: a custody log read back as an account per bundle:
 * when it was packed and by whom, with which samples, when it was
 * verified and submitted, the vendor's tracking numbers and its results
 * per sample.
 *
 * The view trusts what it reads: verify the log first
 * (lf_custody_verify_file) and give the view as many lines as verified.
 * It reads line by line (lf_custody_parse_line), never the whole log at
 * once, and what it keeps is bounded by the limits below: past them it
 * refuses with LF_E_LIMIT rather than grow.
 *
 * The reason of a "receipt" or "result" event is read as the compact JSON
 * object that a vendor reply gives (docs/custody-log.md):
 *
 *   receipt: {"vendor_mail":{...},"tracking":"<digits>",
 *             "files":[{"name":..,"md5":..,"sha256":..},...]}
 *   result:  {"vendor_mail":{...},"tracking":"<digits>",
 *             "file":{"name":..,"md5":..,"sha256":..}|null,
 *             "determination":"..."|null,"detection":"..."|null}
 *
 * A reason in another form is free text: the event still counts, with its
 * text kept and no tracking number.
 */
#ifndef LF_CUSTODYVIEW_H
#define LF_CUSTODYVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/custody.h"
#include "lf/error.h"

/* Most bundles in one view. */
#define LF_CUSTODYVIEW_BUNDLES_MAX 100000
/* Most records kept (samples, events, tracking numbers, files, results),
 * all bundles together. */
#define LF_CUSTODYVIEW_ITEMS_MAX 2000000
/* Most bytes of text kept (actors, reasons, names, verdicts). */
#define LF_CUSTODYVIEW_BYTES_MAX (256 * 1024 * 1024)
/* Most records of one kind in one bundle (samples, submissions, results
 * ...), and most results tied to no bundle. */
#define LF_CUSTODYVIEW_PER_BUNDLE_MAX 65536
/* Longest tracking number. */
#define LF_CUSTODYVIEW_TRACKING_MAX 64

/* An event as the view keeps it; reason is NULL when the event had none. */
struct lf_custodyview_event {
	uint64_t seq;
	int64_t time;
	char *actor;
	char *reason;
};

/* A file as the vendor named it in a receipt or result; each may be NULL. */
struct lf_custodyview_file {
	char *name;
	char *md5;    /* lowercase hex */
	char *sha256; /* lowercase hex */
};

/*
 * A result: one per sample the event names, or one not tied to a sample
 * when it names none (has_sample false).  With structured false the
 * reason was free text (kept in text) and the strings are NULL.
 */
struct lf_custodyview_result {
	uint64_t seq;
	int64_t time;
	char *actor;
	bool has_sample;
	uint8_t sample[LF_CUSTODY_HASH_LEN];
	bool structured;
	char *text;
	char *tracking;
	char *mail_date; /* the vendor mail's date, RFC 3339, or NULL */
	struct lf_custodyview_file file;
	bool name_truncated;
	char *determination;
	char *detection;
};

/* "No index": a sample without a result. */
#define LF_CUSTODYVIEW_NONE SIZE_MAX

struct lf_custodyview_sample {
	uint8_t sha256[LF_CUSTODY_HASH_LEN];
	size_t last_result; /* index in the bundle's results of the last one
	                     * for this sample, or LF_CUSTODYVIEW_NONE */
};

struct lf_custodyview_bundle {
	char *id;
	bool packed; /* the first "packed" event: */
	uint64_t packed_seq;
	int64_t packed_time;
	char *packed_actor;
	/* the samples of its "packed", "submitted", "receipt" and "result"
	 * events, each once, in log order */
	struct lf_custodyview_sample *samples;
	size_t nsamples;
	struct lf_custodyview_event *verified;
	size_t nverified;
	struct lf_custodyview_event *submitted;
	size_t nsubmitted;
	struct lf_custodyview_event *receipts;
	size_t nreceipts;
	char **tracking; /* each number once, in log order */
	size_t ntracking;
	struct lf_custodyview_file *files; /* named in receipts */
	size_t nfiles;
	struct lf_custodyview_result *results;
	size_t nresults;
	size_t free_text; /* receipts and results whose reason is free text */
};

struct lf_custodyview_counts {
	uint64_t events;
	uint64_t actions[LF_CUSTODY_ACTIONS];
	size_t bundles;
	size_t free_text; /* receipts and results whose reason is free text */
	size_t unlinked;  /* results tied to no bundle */
};

struct lf_custodyview;

/*
 * lf_custodyview_new: an empty view.  Returns LF_OK and *out (new:
 * lf_custodyview_free), or LF_E_NOMEM.
 */
int lf_custodyview_new(struct lf_custodyview **out, struct lf_error *err);

/*
 * lf_custodyview_add_event: account for ev (borrowed; its strings are
 * copied).  A result or receipt without a bundle is given to the bundle
 * whose receipt had its tracking number, else kept as unlinked.
 * Returns LF_OK, LF_E_LIMIT past a limit above, or LF_E_NOMEM; after an
 * error the view holds what it held before or a part of ev, and may only
 * be read or freed.
 */
int lf_custodyview_add_event(struct lf_custodyview *v,
    const struct lf_custody_event *ev, struct lf_error *err);

/*
 * lf_custodyview_add_line: the line p[0..n) (without its "\n") parsed
 * with lf_custody_parse_line, then lf_custodyview_add_event.  Returns as
 * they do (LF_E_FORMAT for a line that is not an event).
 */
int lf_custodyview_add_line(struct lf_custodyview *v, const uint8_t *p,
    size_t n, struct lf_error *err);

/*
 * lf_custodyview_read_file: the first nlines lines of the log at path
 * (as many as lf_custody_verify_file found good), read under a shared
 * lock one at a time, at most LF_CUSTODY_LINE_MAX bytes each.  Returns
 * LF_OK, LF_E_IO, LF_E_CHANGED (the log has fewer lines now),
 * LF_E_FORMAT, or the errors of lf_custodyview_add_line.
 */
int lf_custodyview_read_file(struct lf_custodyview *v, const char *path,
    uint64_t nlines, struct lf_error *err);

/*
 * lf_custodyview_bundles: the bundles, in the order the log first names
 * them; borrowed until the view changes or is freed.  *n is their number.
 * lf_custodyview_unlinked: the results tied to no bundle.
 * lf_custodyview_find: the bundle of that id, or NULL.
 */
const struct lf_custodyview_bundle *
lf_custodyview_bundles(const struct lf_custodyview *v, size_t *n);
const struct lf_custodyview_result *
lf_custodyview_unlinked(const struct lf_custodyview *v, size_t *n);
const struct lf_custodyview_bundle *
lf_custodyview_find(const struct lf_custodyview *v, const char *id);

/* lf_custodyview_counts: the overall counts. */
void lf_custodyview_counts(const struct lf_custodyview *v,
    struct lf_custodyview_counts *out);

/* lf_custodyview_free: free the view and all it holds.  NULL is allowed. */
void lf_custodyview_free(struct lf_custodyview *v);

#endif
