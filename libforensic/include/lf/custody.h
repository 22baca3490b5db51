/*
 * lf/custody.h: a case's custody log, a hash-chained and signed JSON Lines
 * file (docs/custody-log.md, schemas/custody-event.schema.json).
 *
 * Each line is one event, one JSON object in a fixed form: the members in
 * this order, no spaces, the event's strings escaped as lf_jsonw escapes
 * them, then "\n":
 *
 *   {"format":"lf-custody-event","format_version":1,"seq":N,
 *    "time":"YYYY-MM-DDTHH:MM:SSZ","local_offset":"+HH:MM",
 *    "actor":"...","action":"...","objects":["<sha256>",...],
 *    "bundle":"..."|null,"tool":{"name":"...","version":"..."},
 *    "reason":"..."|null,"prev":"<sha256>","key":"<ed25519 public key>",
 *    "sig":"<ed25519 signature>"}
 *
 * The signed bytes are the line without its final ,"sig":"<128 hex>"
 * (so they end with the "}" that closes "key") and without the "\n".
 * "prev" is the SHA-256 of the previous line's bytes including its "\n"
 * (64 zeros on the first line); "seq" counts from 1.  A verifier reads a
 * line back, writes it again in the fixed form and requires the same
 * bytes, so that a line has one form only.
 */
#ifndef LF_CUSTODY_H
#define LF_CUSTODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/buf.h"
#include "lf/error.h"
#include "lf/sigkey.h"

#define LF_CUSTODY_FORMAT "lf-custody-event"
#define LF_CUSTODY_FORMAT_VERSION 1

#define LF_CUSTODY_HASH_LEN 32
/* Longest line, without its "\n"; every event within the limits below
 * fits in it. */
#define LF_CUSTODY_LINE_MAX (64 * 1024)
#define LF_CUSTODY_OBJECTS_MAX 256
#define LF_CUSTODY_ACTOR_MAX 256
#define LF_CUSTODY_BUNDLE_MAX 256
#define LF_CUSTODY_REASON_MAX 4096
#define LF_CUSTODY_TOOL_MAX 64
/* The largest sequence number: JSON numbers are exact up to 2^53 - 1. */
#define LF_CUSTODY_SEQ_MAX 9007199254740991ULL
/* Most keys a verifier trusts at once. */
#define LF_CUSTODY_TRUST_MAX 64

enum lf_custody_action {
	LF_CUSTODY_ACQUIRED,
	LF_CUSTODY_EXTRACTED,
	LF_CUSTODY_ANALYSED,
	LF_CUSTODY_PACKED,
	LF_CUSTODY_VERIFIED,
	LF_CUSTODY_TRANSFERRED,
	LF_CUSTODY_SUBMITTED,
	LF_CUSTODY_RECEIPT,
	LF_CUSTODY_RESULT,
	LF_CUSTODY_FOLLOWED_UP,
	LF_CUSTODY_CLOSED,
	LF_CUSTODY_NOTE,
};
#define LF_CUSTODY_ACTIONS 12

/*
 * An event.  The strings are NUL-terminated UTF-8 and borrowed: from the
 * caller for lf_custody_append, from struct lf_custody_parsed after a
 * parse.  bundle and reason may be NULL (written as null).
 */
struct lf_custody_event {
	uint64_t seq;
	int64_t time;     /* seconds since 1970-01-01T00:00:00Z */
	int local_offset; /* the recorder's offset from UTC, in minutes */
	const char *actor;
	enum lf_custody_action action;
	const uint8_t (*objects)[LF_CUSTODY_HASH_LEN]; /* SHA-256s */
	size_t nobjects;
	const char *bundle;
	const char *tool_name;
	const char *tool_version;
	const char *reason;
	uint8_t prev[LF_CUSTODY_HASH_LEN];
	uint8_t key[LF_ED25519_PUB_LEN];
	uint8_t sig[LF_ED25519_SIG_LEN];
};

/* A line read back: the event and the storage its strings borrow. */
struct lf_custody_parsed {
	struct lf_custody_event ev;
	void *root; /* the JSON document (json_t *) */
	uint8_t (*objects)[LF_CUSTODY_HASH_LEN];
};

/*
 * lf_custody_action_name: "acquired", "extracted", "analysed", "packed",
 * "verified", "transferred", "submitted", "receipt", "result",
 * "followed-up", "closed", "note"; NULL for another value.
 * lf_custody_action_parse: the reverse; LF_OK or LF_E_INVAL.
 */
const char *lf_custody_action_name(enum lf_custody_action a);
int lf_custody_action_parse(const char *s, enum lf_custody_action *out);

/*
 * lf_custody_event_check: whether ev's members are within the rules
 * (strings valid UTF-8 within their lengths, actor and tool not empty,
 * time between years 0 and 9999, offset within +-23:59, a known action,
 * at most LF_CUSTODY_OBJECTS_MAX objects, seq 1 to LF_CUSTODY_SEQ_MAX).
 * Returns LF_OK or LF_E_INVAL naming the member.
 */
int
lf_custody_event_check(const struct lf_custody_event *ev, struct lf_error *err);

/*
 * lf_custody_event_body: append to out the signed bytes of ev: its line
 * without "sig" and without "\n" (ev->sig is not used).
 * lf_custody_event_line: append the whole line, with "sig" and "\n".
 * Both return LF_OK, LF_E_INVAL (lf_custody_event_check) or an
 * lf_buf_append error; out may then hold a part.
 */
int lf_custody_event_body(const struct lf_custody_event *ev, struct lf_buf *out,
    struct lf_error *err);
int lf_custody_event_line(const struct lf_custody_event *ev, struct lf_buf *out,
    struct lf_error *err);

/*
 * lf_custody_event_sign: set ev->key to k's public key and ev->sig to
 * the signature of the event's body.  Returns LF_OK, LF_E_INVAL (no
 * private key, or lf_custody_event_check), LF_E_NOMEM or LF_E_CRYPTO.
 */
int lf_custody_event_sign(struct lf_custody_event *ev,
    const struct lf_sigkey *k, struct lf_error *err);

/*
 * lf_custody_parse_line: read the line p[0..n) (without its "\n") into
 * *out, checking the form only (no signature, no chain): one JSON object
 * with exactly the members above, each valid, in the fixed form
 * byte for byte.  Returns LF_OK and *out (release it with
 * lf_custody_parsed_release), LF_E_FORMAT with the reason in err, or
 * LF_E_NOMEM.  *out is untouched after an error.
 */
int lf_custody_parse_line(const uint8_t *p, size_t n,
    struct lf_custody_parsed *out, struct lf_error *err);
void lf_custody_parsed_release(struct lf_custody_parsed *pl);

/*
 * lf_custody_key_fingerprint: the fingerprint (lf/sigkey.h: SHA-256 of the
 * DER SubjectPublicKeyInfo) of a raw Ed25519 public key.  Returns LF_OK or
 * LF_E_CRYPTO (out untouched).
 */
int lf_custody_key_fingerprint(const uint8_t key[LF_ED25519_PUB_LEN],
    uint8_t out[LF_SIGKEY_FPR_LEN], struct lf_error *err);

/*
 * lf_custody_line_hash: the SHA-256 of the line p[0..n) followed by "
",
 * the value the next line's "prev" holds.  Returns LF_OK or LF_E_CRYPTO.
 */
int lf_custody_line_hash(const uint8_t *p, size_t n,
    uint8_t out[LF_CUSTODY_HASH_LEN], struct lf_error *err);

/*
 * lf_custody_append: add ev to the log at path, which is created (mode
 * 0644 less the umask) when missing.  Under an exclusive flock(2) on the
 * log, the last line is read (at most LF_CUSTODY_LINE_MAX + 1 bytes from
 * the end, never the whole file) for its sequence number and hash; ev's
 * seq, prev, key and sig are set, and the line is written with one
 * write(2) and synced (and the directory too when the log was created).
 * A short write is cut off again.  Returns LF_OK with ev completed and,
 * when head is not NULL, the new line's SHA-256 in head; else LF_E_INVAL
 * (the event, or no private key), LF_E_IO (open, lock, read, write,
 * sync; sys_errno says why), LF_E_FORMAT (the log is not a regular file,
 * or its last line is incomplete or not an event: verify it), LF_E_LIMIT
 * (the sequence is exhausted), LF_E_CHANGED (the log shrank while it was
 * read), LF_E_NOMEM or LF_E_CRYPTO; the log is then as it was.
 */
int lf_custody_append(const char *path, struct lf_custody_event *ev,
    const struct lf_sigkey *k, uint8_t head[LF_CUSTODY_HASH_LEN],
    struct lf_error *err);

/*
 * lf_custody_head: the log's last sequence number and the SHA-256 of its
 * last line with its "\n", read under a shared lock from the end of the
 * file; 0 and 64 zeros for an empty log.  The last line is checked for
 * its form only.  Returns LF_OK, LF_E_IO, LF_E_FORMAT or LF_E_NOMEM;
 * *seq and head are written only on success.
 */
int lf_custody_head(const char *path, uint64_t *seq,
    uint8_t head[LF_CUSTODY_HASH_LEN], struct lf_error *err);

/* What the verifier found wrong first. */
enum lf_custody_problem {
	LF_CUSTODY_GOOD,
	LF_CUSTODY_EMPTY,         /* no event at all */
	LF_CUSTODY_TOO_LONG,      /* longer than LF_CUSTODY_LINE_MAX */
	LF_CUSTODY_NO_LINE_END,   /* the last line has no "\n": cut off */
	LF_CUSTODY_MALFORMED,     /* not an event in the fixed form */
	LF_CUSTODY_UNTRUSTED_KEY, /* signed by a key not trusted */
	LF_CUSTODY_BAD_SIGNATURE, /* the signature does not verify */
	LF_CUSTODY_SEQUENCE,      /* not the next sequence number */
	LF_CUSTODY_CHAIN,         /* "prev" is not the previous line's hash */
};

struct lf_custody_verdict {
	enum lf_custody_problem problem;
	uint64_t line; /* the first bad line (from 1), 0 when good */
	char reason[LF_ERROR_MSG_MAX]; /* why, "" when good */
	uint64_t events; /* lines that verified, before the bad one */
	uint8_t head[LF_CUSTODY_HASH_LEN]; /* hash of the last of them */
	int64_t first_time, last_time;     /* of those events */
};

struct lf_custody_verifier;

/*
 * lf_custody_verifier_new: a verifier that trusts no key yet.  Returns
 * LF_OK and *out (new: lf_custody_verifier_free), or LF_E_NOMEM.
 */
int
lf_custody_verifier_new(struct lf_custody_verifier **out, struct lf_error *err);

/*
 * lf_custody_verifier_trust_key / _trust_fingerprint: accept events
 * signed by this key, or by the key of this fingerprint.  Returns LF_OK,
 * or LF_E_LIMIT past LF_CUSTODY_TRUST_MAX keys.
 */
int lf_custody_verifier_trust_key(struct lf_custody_verifier *v,
    const struct lf_sigkey *k, struct lf_error *err);
int lf_custody_verifier_trust_fingerprint(struct lf_custody_verifier *v,
    const uint8_t fpr[LF_SIGKEY_FPR_LEN], struct lf_error *err);

/*
 * lf_custody_verifier_update: the next n bytes of the log, cut anywhere.
 * Once a line is bad the rest is ignored.  Returns LF_OK, or LF_E_NOMEM /
 * LF_E_CRYPTO for what stopped the check itself.
 */
int lf_custody_verifier_update(struct lf_custody_verifier *v, const uint8_t *p,
    size_t n, struct lf_error *err);

/*
 * lf_custody_verifier_finish: the verdict once the whole log was given.
 * Returns LF_OK and *out, or an error kept from _update.
 */
int lf_custody_verifier_finish(struct lf_custody_verifier *v,
    struct lf_custody_verdict *out, struct lf_error *err);

void lf_custody_verifier_free(struct lf_custody_verifier *v);

/*
 * lf_custody_verify_file: the log at path through v, read in pieces
 * (memory stays bounded whatever the file's size).  Returns LF_OK and
 * *out, LF_E_IO, or the errors of the verifier.
 */
int lf_custody_verify_file(const char *path, struct lf_custody_verifier *v,
    struct lf_custody_verdict *out, struct lf_error *err);

/*
 * lf_custody_each: give fn(arg, ev, err) each of the first nlines events
 * of the log at path, in order: the lines a verifier accepted (verify
 * first, then read what verified, so that lines appended meanwhile are
 * never read).  The log is read under a shared lock, a line at a time,
 * none longer than LF_CUSTODY_LINE_MAX; ev and its strings live until fn
 * returns.  Returns LF_OK; LF_E_CHANGED when the log holds fewer lines;
 * LF_E_FORMAT for a line too long or not an event (err names the line);
 * LF_E_IO; LF_E_NOMEM; or fn's error, which stops the reading.
 */
typedef int (*lf_custody_event_fn)(void *arg, const struct lf_custody_event *ev,
    struct lf_error *err);
int lf_custody_each(const char *path, uint64_t nlines, lf_custody_event_fn fn,
    void *arg, struct lf_error *err);

/*
 * lf_custody_problem_name: "good", "empty", "too-long", "no-line-end",
 * "malformed", "untrusted-key", "bad-signature", "sequence", "chain".
 */
const char *lf_custody_problem_name(enum lf_custody_problem p);

#endif
