/*
 * lf/dkim.h: offline DKIM verification (RFC 6376, RFC 8301, RFC 8463),
 * every signature of a message judged and reported on its own.
 *
 * The header comes as a struct lf_hblock (every field as written), the
 * body as pieces fed one after another, so that a large body is never
 * held: the body hashes of all signatures are computed in one pass.  Keys
 * come from a lookup function (lf/dkimkeys.h reads the key files dkimpy
 * and OpenDKIM read); there is no DNS.  Time is the caller's: expiry
 * (x=) and signing time (t=) are judged at the trusted receipt time the
 * caller passes, never at the wall clock, since evidence is old.
 *
 * Stored mail often has bare LF line ends: they are canonicalized as CRLF,
 * as the verifiers do (lf/dkimcanon.h).
 *
 * Anomaly codes (offset: the signature field in the header block, or the
 * field concerned):
 *
 *   dkim.too-many-signatures  medium  more DKIM-Signature fields than
 *                                     max_sigs: the rest are not checked
 *   dkim.rsa-sha1             medium  a=rsa-sha1, which RFC 8301 3.1 bars;
 *                                     verified all the same (pass-weak)
 *   dkim.rsa-short-key        low     an RSA key of 1024 to 2047 bits
 *                                     (RFC 8301 3.2: signers SHOULD use
 *                                     2048)
 *   dkim.body-length          medium  l= is used: body bytes past it are
 *                                     not signed (RFC 6376 8.2)
 *   dkim.unsigned-body        high    there are body bytes past l=
 *   dkim.unsigned-header      high    a From, Subject, Date or To field
 *                                     above those a signature covers: a
 *                                     reader may show it (RFC 6376 8.15)
 *   dkim.field-count          high    From absent or given more than
 *                                     once, or more than one Subject, Date
 *                                     or To (RFC 5322 3.6); once per
 *                                     message, offset of the second field
 *   dkim.base64-junk          medium  bytes after the padding of b= or
 *                                     bh=: malformed (RFC 6376 3.5), and
 *                                     the verdict is sig-syntax; the
 *                                     lenient verdict ignores them
 *   dkim.key-testing          info    the key record says t=y
 *   dkim.limit                medium  a signature exceeds a limit (tags,
 *                                     h= names, b= size): not checked
 */
#ifndef LF_DKIM_H
#define LF_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/dkimcanon.h"
#include "lf/error.h"
#include "lf/hblock.h"

/* ---- Tag lists (RFC 6376 3.2) ---- */

struct lf_dkim_tag {
	const uint8_t *name; /* borrowed from the input */
	size_t name_len;
	const uint8_t *value; /* without the FWS around it; may be empty */
	size_t value_len;
	const uint8_t *eq; /* the "=" after the name */
	size_t offset;     /* of the name in the input */
};

enum lf_dkim_tags_status {
	LF_DKIM_TAGS_OK,
	LF_DKIM_TAGS_SYNTAX,    /* not a tag-list */
	LF_DKIM_TAGS_DUPLICATE, /* a tag name twice: the list is invalid */
	LF_DKIM_TAGS_LIMIT      /* more tags than max_tags */
};

struct lf_dkim_taglist {
	struct lf_dkim_tag *tags; /* in input order; owned */
	size_t count;
	enum lf_dkim_tags_status status;
	size_t error_offset; /* where the status was decided */
};

/*
 * lf_dkim_tags_parse: split p[0..n) ("v=1; a=rsa-sha256; ...") into tags.
 * Names are case-sensitive (ALPHA *(ALPHA / DIGIT / "_")); values may
 * hold FWS between their parts and bytes above 0x7f (RFC 8616), not
 * controls; a trailing ";" is allowed.  A list that breaks the grammar is
 * not an error: out->status says so, with the tags read before it.  At
 * most max_tags tags are kept.
 *
 * Returns LF_OK and fills *out (release with lf_dkim_tags_release), or
 * LF_E_INVAL / LF_E_NOMEM with *out untouched.
 */
int lf_dkim_tags_parse(const uint8_t *p, size_t n, size_t max_tags,
    struct lf_dkim_taglist *out, struct lf_error *err);

/*
 * lf_dkim_tags_get: the tag called name, or NULL.  Borrowed from t.
 */
const struct lf_dkim_tag *
lf_dkim_tags_get(const struct lf_dkim_taglist *t, const char *name);

/*
 * lf_dkim_tags_release: free the tags; t is empty afterwards.
 */
void lf_dkim_tags_release(struct lf_dkim_taglist *t);

/* ---- Verdicts ---- */

enum lf_dkim_verdict {
	LF_DKIM_PASS,
	LF_DKIM_PASS_WEAK,         /* verified, but rsa-sha1 (RFC 8301) */
	LF_DKIM_FAIL_BODY_HASH,    /* bh= is not the body's hash */
	LF_DKIM_FAIL_SIGNATURE,    /* b= does not verify */
	LF_DKIM_NO_KEY,            /* no key record for s=, d= */
	LF_DKIM_KEY_REVOKED,       /* the record's p= is empty */
	LF_DKIM_KEY_SYNTAX,        /* the record or its key is malformed */
	LF_DKIM_KEY_MISMATCH,      /* k=, h= or s= of the record do not
				       allow a= */
	LF_DKIM_KEY_TOO_SMALL,     /* RSA under 1024 bits (RFC 8301 3.2) */
	LF_DKIM_SIG_SYNTAX,        /* the signature is malformed
				       (permerror) */
	LF_DKIM_IDENTITY_MISMATCH, /* i= not d= or under it */
	LF_DKIM_UNSUPPORTED,       /* a=, c=, q= or key size we cannot do */
	LF_DKIM_EXPIRED,           /* verifies, but x= is past */
	LF_DKIM_FUTURE,            /* verifies, but t= is ahead */
	LF_DKIM_LIMIT,             /* not checked: a limit of ours */
	LF_DKIM_NVERDICTS
};

/*
 * lf_dkim_verdict_name: "pass", "pass-weak", "fail-body-hash",
 * "fail-signature", "no-key", "key-revoked", "key-syntax",
 * "key-mismatch", "key-too-small", "sig-syntax", "identity-mismatch",
 * "unsupported", "expired", "future", "limit".
 */
const char *lf_dkim_verdict_name(enum lf_dkim_verdict v);

/* ---- Signatures (RFC 6376 3.5) ---- */

enum lf_dkim_alg {
	LF_DKIM_ALG_UNKNOWN,
	LF_DKIM_RSA_SHA1,
	LF_DKIM_RSA_SHA256,
	LF_DKIM_ED25519_SHA256
};

struct lf_dkim_str {
	const uint8_t *p; /* borrowed; NULL when the tag is absent */
	size_t n;
};

#define LF_DKIM_B_MAX 1024 /* b= of an 8192-bit RSA key */
#define LF_DKIM_BH_MAX 64

struct lf_dkim_sig {
	struct lf_dkim_taglist tags;
	/* Tag values as written, borrowed from the field. */
	struct lf_dkim_str v, a, b, bh, c, cv, d, h, i, l, q, s, t, x, z;
	unsigned instance; /* ARC fields: i= (1 to 50); 0 for DKIM */
	enum lf_dkim_alg alg;
	enum lf_dkim_canon hcanon, bcanon;
	uint64_t time, expire, length; /* t=, x=, l= */
	bool has_time, has_expire, has_length;
	struct lf_dkim_str *hnames; /* h= split, blanks removed; owned */
	size_t nh;
	uint8_t sig[LF_DKIM_B_MAX]; /* b= decoded */
	size_t sig_len;
	uint8_t bh_raw[LF_DKIM_BH_MAX]; /* bh= decoded */
	size_t bh_len;
	bool junk; /* bytes after the base64 padding of b= or bh= */
	/* LF_DKIM_PASS when the signature is well formed, else the
	 * verdict its form alone gives, with reason. */
	enum lf_dkim_verdict status;
	const char *reason; /* static; NULL when well formed */
};

struct lf_dkim_options {
	size_t max_sigs;     /* signatures checked per message (16) */
	size_t max_tags;     /* tags in one tag-list (64) */
	size_t max_h;        /* names in h= (64) */
	bool has_time;       /* judge t= and x= at time */
	int64_t time;        /* trusted receipt time, Unix seconds */
	uint64_t clock_skew; /* seconds t= may be ahead, x= past (300) */
	/*
	 * Key lookup for name ("<s>._domainkey.<d>", as the signature
	 * gives them, no trailing dot): return 1 with *txt, *len set to
	 * the TXT record text (borrowed until lf_dkim_verify_finish
	 * returns), 0 when there is none, or a negative LF_E_* code that
	 * stops the verification.  NULL: every lookup finds nothing.
	 */
	int (*key)(void *arg, const char *name, const uint8_t **txt,
	    size_t *len);
	void *key_arg;
};

/*
 * lf_dkim_options_default: the limits above, no time, no key lookup.
 */
void lf_dkim_options_default(struct lf_dkim_options *o);

/*
 * lf_dkim_sig_parse: parse the value of a DKIM-Signature field (n bytes
 * at p, folding included) and judge its form: required tags, v=1, a
 * known a=, c= and q=, d= a domain name, s= a selector, i= under d=, From
 * in h=, numbers in l=, t=, x= (x= after t=), base64 in b= and bh=.  The
 * result is in out->status and out->reason.  Tag values point into p.
 *
 * Returns LF_OK and fills *out (release with lf_dkim_sig_release), or
 * LF_E_INVAL / LF_E_NOMEM with *out untouched.
 */
int
lf_dkim_sig_parse(const uint8_t *p, size_t n, const struct lf_dkim_options *o,
    struct lf_dkim_sig *out, struct lf_error *err);

/*
 * lf_dkim_sig_release: free what sig holds.
 */
void lf_dkim_sig_release(struct lf_dkim_sig *sig);

/* ---- Key records (RFC 6376 3.6.1, RFC 8463) ---- */

enum lf_dkim_keytype {
	LF_DKIM_KEY_UNKNOWN, /* k= names a type we do not know */
	LF_DKIM_KEY_RSA,
	LF_DKIM_KEY_ED25519
};

#define LF_DKIM_HASH_SHA1 0x1u
#define LF_DKIM_HASH_SHA256 0x2u

struct lf_dkim_key {
	/* LF_DKIM_PASS when usable, else LF_DKIM_KEY_SYNTAX or
	 * LF_DKIM_KEY_REVOKED, with reason. */
	enum lf_dkim_verdict status;
	const char *reason; /* static; NULL when usable */
	enum lf_dkim_keytype type;
	unsigned hashes; /* LF_DKIM_HASH_* the record's h= allows; all
			       without h= */
	bool email;      /* s= allows email (or is absent) */
	bool testing;    /* t=y */
	bool strict;     /* t=s: i= must be exactly d= */
	unsigned bits;   /* key size; 256 for Ed25519 */
	void *pkey;      /* EVP_PKEY *; owned */
};

/*
 * lf_dkim_key_parse: parse a key record's TXT text (the strings of the
 * record joined).  p= holds a DER SubjectPublicKeyInfo or, as dkimpy also
 * accepts, a PKCS#1 RSAPublicKey for k=rsa, and the raw 32-byte key for
 * k=ed25519 (RFC 8463).  A malformed record is not an error: out->status
 * says so.
 *
 * Returns LF_OK and fills *out (release with lf_dkim_key_release), or
 * LF_E_INVAL / LF_E_NOMEM / LF_E_CRYPTO with *out untouched.
 */
int lf_dkim_key_parse(const uint8_t *p, size_t n, struct lf_dkim_key *out,
    struct lf_error *err);

/*
 * lf_dkim_key_release: free the key.
 */
void lf_dkim_key_release(struct lf_dkim_key *k);

/* ---- Verification ---- */

/* Findings about one signature (struct lf_dkim_result flags). */
#define LF_DKIM_F_SHA1 0x0001u          /* rsa-sha1 (RFC 8301 3.1) */
#define LF_DKIM_F_RSA_SHORT 0x0002u     /* RSA key of 1024-2047 bits */
#define LF_DKIM_F_LENGTH 0x0004u        /* l= is present */
#define LF_DKIM_F_UNSIGNED_BODY 0x0008u /* body bytes past l= */
#define LF_DKIM_F_LENGTH_LONG 0x0010u   /* l= past the canonical body */
#define LF_DKIM_F_KEY_TESTING 0x0020u   /* key t=y */
#define LF_DKIM_F_EXPIRED 0x0040u       /* x= is past at the time given */
#define LF_DKIM_F_FUTURE 0x0080u        /* t= is ahead of the time given */
#define LF_DKIM_F_NO_TIME 0x0100u       /* t= and x= not judged */
#define LF_DKIM_F_JUNK 0x0200u          /* base64 junk after padding */
#define LF_DKIM_F_UNSIGNED_HEADER \
	0x0400u /* From/Subject/Date/To above
					     the signed ones */
#define LF_DKIM_F_FIELD_COUNT \
	0x0800u /* From absent or repeated, or a
					 repeated Subject, Date, To */

enum lf_dkim_check { LF_DKIM_NOT_CHECKED, LF_DKIM_CHECK_OK, LF_DKIM_CHECK_BAD };

/* How one of From, Subject, Date, To stands with a signature. */
struct lf_dkim_hcheck {
	const char *name;      /* "From", "Subject", "Date", "To"; static */
	size_t present;        /* fields of that name in the header */
	size_t listed;         /* times h= names it */
	bool oversigned;       /* listed more times than present: no field of
			     that name can be added (RFC 6376 8.15) */
	size_t unsigned_count; /* instances above the signed ones, when
				  listed at all: present - listed */
};

#define LF_DKIM_HCHECKS 4

struct lf_dkim_result {
	size_t field;    /* index of the signature in the hblock */
	uint64_t offset; /* of the field in the header block */
	enum lf_dkim_verdict verdict;
	/* The verdict had the base64 junk after b= or bh= padding been
	 * ignored, as OpenDKIM does; equal to verdict without junk. */
	enum lf_dkim_verdict lenient;
	const char *reason;     /* static words on the verdict; NULL for pass */
	unsigned flags;         /* LF_DKIM_F_* */
	struct lf_dkim_sig sig; /* the parsed tags (d, s, a, c, i, t, x, l,
				   h raw and split) */
	enum lf_dkim_check body;   /* body hash compared */
	enum lf_dkim_check header; /* b= checked against the key, even
				      when the body hash failed */
	enum lf_dkim_keytype key_type;
	unsigned key_bits;
	uint64_t body_len;      /* canonical body bytes (c= body) */
	uint64_t body_unsigned; /* of those, past l= */
	struct lf_dkim_hcheck hdr[LF_DKIM_HCHECKS];
};

struct lf_dkim_report {
	struct lf_dkim_result *results; /* top to bottom; owned */
	size_t count;
	size_t signatures; /* DKIM-Signature fields, checked or not */
};

struct lf_dkim_verify;

/*
 * lf_dkim_verify_new: start verifying the message whose header is hb:
 * its DKIM-Signature fields (the first o->max_sigs, top to bottom) are
 * parsed now and their body hashes started.  hb, the buffer it points
 * into, and o are borrowed until lf_dkim_verify_free; the report's
 * strings point into hb's buffer.  anomaly may be NULL.
 *
 * Returns LF_OK and a new verifier in *out, or LF_E_INVAL / LF_E_NOMEM /
 * LF_E_CRYPTO with *out untouched.
 */
int lf_dkim_verify_new(const struct lf_hblock *hb,
    const struct lf_dkim_options *o, lf_anomaly_fn anomaly, void *arg,
    struct lf_dkim_verify **out, struct lf_error *err);

/*
 * lf_dkim_verify_body: the next n bytes of the body (what follows the
 * empty line that ends the header), in order, split anywhere.  Returns
 * LF_OK, LF_E_INVAL (after finish) or LF_E_CRYPTO; after an error only
 * _free is allowed.
 */
int lf_dkim_verify_body(struct lf_dkim_verify *v, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * lf_dkim_verify_finish: end of the body; look the keys up and judge
 * each signature.  Returns LF_OK and fills *out (release with
 * lf_dkim_report_release), LF_E_INVAL (called twice), LF_E_NOMEM,
 * LF_E_CRYPTO, or the error the key lookup returned; *out is untouched
 * on error.
 */
int lf_dkim_verify_finish(struct lf_dkim_verify *v, struct lf_dkim_report *out,
    struct lf_error *err);

/*
 * lf_dkim_verify_free: free the verifier.  NULL is allowed.
 */
void lf_dkim_verify_free(struct lf_dkim_verify *v);

/*
 * lf_dkim_report_release: free what r holds; r is empty afterwards.
 */
void lf_dkim_report_release(struct lf_dkim_report *r);

#endif
