/*
 * lf/vendormail.h: a vendor's reply to a sample submission, read offline
 * from the mail: the receipt that gives the tracking number, and the
 * result that gives each file's determination (docs/custody-log.md,
 * "Vendor mails").  Only the forms listed below are read; anything else
 * is refused with the reason, never guessed.
 *
 * The mail is given whole (an RFC 5322 message, CRLF or LF); its subject
 * and its first text/plain part (decoded: quoted-printable or base64, in
 * a multipart or not) are what is read.
 */
#ifndef LF_VENDORMAIL_H
#define LF_VENDORMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"

/* The largest mail read: replies are a few KiB. */
#define LF_VENDORMAIL_SIZE_MAX (4u * 1024 * 1024)
/* The most files one reply lists. */
#define LF_VENDORMAIL_FILES_MAX 1024
/* Longest tracking number (decimal digits). */
#define LF_VENDORMAIL_TRACKING_MAX 20
/* Longest name, determination or detection kept, in bytes. */
#define LF_VENDORMAIL_TEXT_MAX 1024

enum lf_vendormail_kind {
	LF_VENDORMAIL_RECEIPT, /* the submission was received: a tracking number */
	LF_VENDORMAIL_RESULT, /* the analysis is done: a determination per file */
};

/*
 * The known forms (../shared/corpora/headers/symantec-response-emails.txt):
 *
 *   LF_VENDORMAIL_SYM_FP_RECEIPT  "The tracking number for your submission
 *                                 is: N", subject "... submission (N)";
 *                                 "File being uploaded = NAME" lines
 *   LF_VENDORMAIL_SYM_FP_CLOSURE  "In relation to submission N." or "[N]",
 *                                 then "Filename:/MD5:/SHA256:/Result:"
 *                                 blocks or "MD5 - filename" lines, or no
 *                                 list (the whole submission)
 *   LF_VENDORMAIL_SYM_SRA_TRACKING  subject "[TRACKING]: Symantec Security
 *                                 Response Automation (Tracking #N)"
 *   LF_VENDORMAIL_SYM_SRA_CLOSED  subject "[CLOSED]: ... (Tracking #N)",
 *                                 body with "Submission Date", "Submitter"
 *                                 and the "Files Submitted" table up to
 *                                 "Developer Notes"
 */
enum lf_vendormail_form {
	LF_VENDORMAIL_SYM_FP_RECEIPT,
	LF_VENDORMAIL_SYM_FP_CLOSURE,
	LF_VENDORMAIL_SYM_SRA_TRACKING,
	LF_VENDORMAIL_SYM_SRA_CLOSED,
};

/* One file the reply names.  Strings are NUL-terminated, as the mail
 * gives them (trimmed), and may hold any byte but NUL. */
struct lf_vendormail_file {
	char name[LF_VENDORMAIL_TEXT_MAX + 1]; /* "" when not given */
	bool has_md5;
	uint8_t md5[16];
	bool has_sha256;
	uint8_t sha256[32];
	/* "Not Malicious", "Data File", "Threat artifact", "New Threat",
	 * "Already Detected", or for a false-positive closure
	 * "Detection removed"; "" when the reply gives none. */
	char determination[LF_VENDORMAIL_TEXT_MAX + 1];
	char detection[LF_VENDORMAIL_TEXT_MAX + 1]; /* "" for none or N/A */
};

struct lf_vendormail {
	enum lf_vendormail_kind kind;
	enum lf_vendormail_form form;
	char tracking[LF_VENDORMAIL_TRACKING_MAX + 1]; /* decimal digits */
	bool has_date;
	int64_t date; /* the mail's Date (or the body's Submission Date), UTC */
	/* A result that names no file (a closure of the whole submission)
	 * gives its determination here; "" otherwise. */
	char determination[LF_VENDORMAIL_TEXT_MAX + 1];
	struct lf_vendormail_file *files; /* nfiles of them, in mail order */
	size_t nfiles;
};

/*
 * lf_vendormail_form_name: "symantec-fp-receipt", "symantec-fp-closure",
 * "symantec-sra-tracking", "symantec-sra-closed"; NULL for another value.
 * lf_vendormail_kind_name: "receipt", "result"; NULL for another value.
 */
const char *lf_vendormail_form_name(enum lf_vendormail_form f);
const char *lf_vendormail_kind_name(enum lf_vendormail_kind k);

/*
 * lf_vendormail_parse: read the mail p[0..n).  Returns LF_OK and *out
 * (release it with lf_vendormail_release); LF_E_FORMAT when it is not one
 * of the known forms or a known form is broken (err says which and
 * where: no tracking number, a table row that does not parse, two
 * different tracking numbers); LF_E_LIMIT past the limits above;
 * LF_E_NOMEM.  *out is untouched after an error.
 */
int lf_vendormail_parse(const uint8_t *p, size_t n, struct lf_vendormail *out,
    struct lf_error *err);
void lf_vendormail_release(struct lf_vendormail *m);

#endif
