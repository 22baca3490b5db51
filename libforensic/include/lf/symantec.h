/*
 * lf/symantec.h: the evidence Symantec's mail gateways write into header
 * fields: Email Security.cloud (MessageLabs), and where the same formats
 * are shared, the on-premise Messaging Gateway (Brightmail).
 *
 * This module only reads what is written.  Any sender can type a full set
 * of these fields (X-Msg-Ref, X-Brightmail-Tracker, a Received field "by
 * ...symcld.net"); whether a message really passed through the gateway is
 * for the caller to decide, from the hop the user's own border server
 * recorded and from the cross-checks below (the X-Msg-Ref epoch, the
 * queue id's epoch, the tracker's time and client address agree on every
 * genuine sample).
 *
 * What was verified, and on which samples (shared/corpora/headers and
 * public list archives):
 *
 *   X-Msg-Ref "server-15.tower-304.messagelabs.com!1558434686!9296463!1":
 *   the scanning front end ("tower") that took the message, the time it
 *   took it (seconds since 1970, UTC; the qmail Received field written by
 *   that tower carries the same second or the next), a counter, and a
 *   trailing part ("!1") that 2004 samples do not have.
 *
 *   The queue id the back end writes in its Received "id" clause,
 *   "43/8E-25548-F73D3EC5" (Email Security.cloud, by ...symcld.net; the
 *   Messaging Gateway writes "5D.EA.15519.044BD135"): its last eight hex
 *   digits, read backwards digit by digit, are the time the back end
 *   accepted the message: "F73D3EC5" -> 0x5CE3D37F = 1558434687, one
 *   second after the X-Msg-Ref epoch (xen 2019); "12C71C16" -> 0x61C17C21
 *   = 1640070177, the X-Msg-Ref epoch itself (fujitsu 2021); and
 *   "044BD135" -> 1394455616 on a 2014 Messaging Gateway hop dated
 *   12:46:57Z (public archive).  The semtech 2025 sample has no back-end
 *   Received field to check.  The other parts' meaning is not known; the
 *   third is five decimal digits on every sample.
 *
 *   X-Brightmail-Tracker: base64 of a gzip stream of a protocol buffer.
 *   Its layout, read from the complete trackers of the xen 2019 sample and
 *   two public 2022 Email Security.cloud messages (the same layout on a
 *   2014 Messaging Gateway one), field numbers as paths:
 *
 *     1          varint   3 on every sample: a format version (likely)
 *     2          message  the scan record; the signature covers these
 *                         bytes (likely: it is what is signed beside it)
 *     2.3        string   "external" (inbound and outbound cloud samples),
 *                         "internal" (Messaging Gateway, authenticated
 *                         sender): the connection's class (likely)
 *     2.4.1      bytes    the SMTP client's IPv4 address, 4 bytes in
 *                         network order: equal to X-Originating-IP and to
 *                         the tower's Received client on every sample
 *                         (certain); 16 bytes is read as IPv6 (not seen)
 *     2.5        fixed32  the scan time, seconds since 1970, little-endian:
 *                         0 to 2 s after the X-Msg-Ref epoch (certain)
 *     2.6-2.20   varints  counts and hashes of unknown meaning (2.17 and
 *                         2.19 repeated messages of three varints)
 *     2.11       string   "inbox" (cloud), "<batvSign/>" (gateway): the
 *                         action taken (meaning guessed)
 *     2.21       string   the scanner's host name, e.g. "brightmail-100-
 *                         112-203-185.az-c.eu-west-1.aws.symcld.net"
 *                         (certain: it spells 2.22's address)
 *     2.22.1     bytes    the scanner's IPv4 address (certain)
 *     2.24, 2.29 messages rule sets: 1 varint (an id), 4 { 1 fixed32 the
 *                         rule set's publication time, 2 its name
 *                         ("bodyhash_rules", "spamsig_rules", ...) }:
 *                         minutes to days before the scan (likely)
 *     2.25, 2.26 messages 3 { 1 fixed32, 2 name } as above
 *                         ("spamhunter_rules"; "permit_rules" with 1 in
 *                         place of a time), and 4 { 1 the client address
 *                         again }
 *     3          bytes    256 bytes: an RSA-2048 signature (certain of the
 *                         size only)
 *     4          string   "sha1": the signature's digest (likely)
 *     5          string   "rsa": the signature's algorithm (likely)
 *
 *   The signature can be checked only with the vendor's key, which is not
 *   public: this module shows its presence and length and never says it
 *   is valid.
 *
 *   X-StarScan-Version "9.31.5; banners=-,-,-" (2004: "5.2.10", 2.x:
 *   "6.4.3; banners=-,-"), and X-SpamReason "No, hits=0.1 required=7.0
 *   tests=newsletters: ,HTML_50_60, HTML_MESSAGE" (inbound only).
 *
 * Every function reads (const uint8_t *, size_t) values as the header
 * block gives them (after the colon, folding included), never reads past
 * them, and returns LF_E_FORMAT for text that is not of the form, with
 * *out untouched.
 */
#ifndef LF_SYMANTEC_H
#define LF_SYMANTEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"
#include "lf/received.h"

#define LF_SYMANTEC_HOST_MAX 256

struct lf_symantec_msgref {
	char host[LF_SYMANTEC_HOST_MAX]; /* as written, NUL-terminated */
	/* host is "server-N.tower-M.messagelabs.com" (any case): then
	 * server and tower hold N and M, else both are -1. */
	bool tower_form;
	long server, tower;
	int64_t epoch;          /* seconds since 1970, UTC */
	char epoch_rfc3339[32]; /* "2019-05-21T10:31:26Z" */
	uint64_t counter;       /* the third part */
	bool has_part;          /* a fourth part ("!1"): since about 2005 */
	uint64_t part;
};

/*
 * lf_symantec_msgref: read an X-Msg-Ref value, HOST!EPOCH!COUNTER with an
 * optional !PART; blanks and line ends around it are allowed, not inside.
 * HOST is 1 to 255 letters, digits, dots and hyphens; EPOCH 1 to 12
 * digits; COUNTER and PART 1 to 19 digits.  Returns LF_OK and fills *out,
 * LF_E_FORMAT for anything else, LF_E_INVAL for NULL out; *out is
 * untouched on error.
 */
int
lf_symantec_msgref(const uint8_t *v, size_t n, struct lf_symantec_msgref *out);

struct lf_symantec_queueid {
	/* '/' for Email Security.cloud's form "43/8E-25548-F73D3EC5",
	 * '.' for the Messaging Gateway's "5D.EA.15519.044BD135". */
	char form;
	uint8_t prefix[2]; /* 0x43, 0x8E: meaning unknown */
	uint32_t number;   /* 25548: meaning unknown */
	uint32_t stamp;    /* 0xF73D3EC5, as written */
	int64_t epoch;     /* 0x5CE3D37F: stamp read backwards by hex digit */
};

/*
 * lf_symantec_queueid: read a queue id as a Received field's id clause
 * gives it: two hex digits, "/", two hex digits, "-", 1 to 7 decimal
 * digits, "-", eight hex digits (or the same with "." for every
 * separator); hex digits in either case; blanks around it allowed.
 * Returns LF_OK and fills *out, LF_E_FORMAT, or LF_E_INVAL for NULL out.
 */
int lf_symantec_queueid(const uint8_t *id, size_t n,
    struct lf_symantec_queueid *out);

/*
 * lf_symantec_queue_epoch: the epoch of lf_symantec_queueid alone.
 * Returns as lf_symantec_queueid; *epoch is written only on LF_OK.
 */
int lf_symantec_queue_epoch(const uint8_t *id, size_t n, int64_t *epoch);

#define LF_SYMANTEC_BANNERS_MAX 8

struct lf_symantec_starscan {
	char version[48];      /* "9.31.5" */
	unsigned long part[4]; /* 9, 31, 5 */
	size_t nparts;         /* 2 to 4 */
	/* The banners list, comma-separated, each as written ("-" for
	 * none, "semtech.com"); spans into the value. */
	bool has_banners;
	struct lf_span banners[LF_SYMANTEC_BANNERS_MAX];
	size_t nbanners;  /* as many as fit */
	bool banners_cut; /* more than LF_SYMANTEC_BANNERS_MAX */
};

/*
 * lf_symantec_starscan: read an X-StarScan-Version value, "9.31.5" or
 * "9.31.5; banners=-,-,-": a version of two to four dot-separated numbers
 * (each 1 to 9 digits), then optionally ";", blanks and "banners=" with
 * the rest of the value.  Returns LF_OK and fills *out (spans point into
 * v), LF_E_FORMAT, or LF_E_INVAL.
 */
int lf_symantec_starscan(const uint8_t *v, size_t n,
    struct lf_symantec_starscan *out);

#define LF_SYMANTEC_TESTS_MAX 64

struct lf_symantec_spamreason {
	bool yes; /* "Yes, ..." rather than "No, ..." */
	/* hits= and required=, in thousandths: "0.1" is 100, "-2.5" is
	 * -2500; more than three decimals are cut. */
	bool has_hits, has_required;
	int64_t hits, required;
	/* tests=, cut at commas and trimmed of blanks and folding, empty
	 * items left out: "newsletters: ,HTML_50_60" gives "newsletters:"
	 * and "HTML_50_60".  Spans into the value. */
	struct lf_span tests[LF_SYMANTEC_TESTS_MAX];
	size_t ntests;
	bool tests_cut; /* more than LF_SYMANTEC_TESTS_MAX */
};

/*
 * lf_symantec_spamreason: read an X-SpamReason value as Email
 * Security.cloud writes it: "No" or "Yes" (any case), ",", then
 * "hits=NUMBER", "required=NUMBER" and "tests=..." separated by blanks or
 * folding, in that order, each optional; tests= takes the rest of the
 * value.  Returns LF_OK and fills *out, LF_E_FORMAT (a value that does
 * not start with "Yes," or "No,", a malformed number, an unknown word),
 * or LF_E_INVAL.
 */
int lf_symantec_spamreason(const uint8_t *v, size_t n,
    struct lf_symantec_spamreason *out);

/* Limits of the tracker decoder. */
#define LF_SYMANTEC_TRACKER_IN_MAX (64 * 1024)  /* base64 characters read */
#define LF_SYMANTEC_TRACKER_OUT_MAX (64 * 1024) /* bytes inflated */
/* Bytes inflated per compressed byte, past the first 4 KiB. */
#define LF_SYMANTEC_TRACKER_RATIO 50
#define LF_SYMANTEC_PB_DEPTH 16    /* nested messages */
#define LF_SYMANTEC_PB_FIELDS 4096 /* fields kept */
#define LF_SYMANTEC_RULESETS_MAX 16

/* Protocol buffer wire types. */
#define LF_PB_VARINT 0
#define LF_PB_FIXED64 1
#define LF_PB_BYTES 2
#define LF_PB_FIXED32 5

/*
 * One field of the tracker's protocol buffer, decoded without a schema
 * as protoc --decode_raw does: a length-delimited field whose bytes parse
 * entirely as fields (and are not empty) is taken as a nested message,
 * and its fields follow it in the list; any such reading is a guess the
 * wire format cannot settle, so offset and len always give the bytes.
 */
struct lf_symantec_pbfield {
	uint32_t number;    /* 1 to 2^29 - 1 */
	uint8_t wire;       /* LF_PB_VARINT, _FIXED64, _BYTES, _FIXED32 */
	uint8_t depth;      /* 0 at the top */
	bool message;       /* LF_PB_BYTES read as a nested message */
	bool partial;       /* the data ended inside this field's bytes */
	size_t parent;      /* index in fields, SIZE_MAX at the top */
	uint64_t value;     /* varint, fixed64 or fixed32 (little-endian) */
	size_t offset, len; /* LF_PB_BYTES: the bytes in data */
};

struct lf_symantec_ruleset {
	struct lf_span name; /* "bodyhash_rules"; into data */
	uint32_t stamp;      /* the fixed32 beside the name, as written */
	uint32_t group;      /* the scan record field holding it: 24 to 29 */
	bool has_id;
	uint64_t id; /* field 1 of a 2.24 or 2.29 entry */
};

struct lf_symantec_tracker {
	/* The inflated protocol buffer; owned. */
	uint8_t *data;
	size_t len;
	size_t compressed_len; /* bytes the base64 gave */
	/* The gzip stream ended and its CRC-32 and length matched. */
	bool gzip_complete;
	/* gzip_complete, and the data parsed to its end as fields. */
	bool complete;
	struct lf_symantec_pbfield *fields; /* pre-order; owned */
	size_t nfields;

	/* The layout of the header comment; spans point into data, absent
	 * (p NULL) when the field is missing, cut or of another type. */
	bool has_version;
	uint64_t version;                   /* 1 */
	struct lf_span record;              /* 2: the signed scan record */
	struct lf_span direction;           /* 2.3: "external" */
	char client_ip[LF_RECEIVED_IP_MAX]; /* 2.4.1, canonical text */
	int client_family;                  /* AF_INET, AF_INET6 or 0 */
	bool has_time;
	int64_t time;                        /* 2.5 */
	char time_rfc3339[32];               /* "" without time */
	struct lf_span action;               /* 2.11: "inbox" */
	struct lf_span scanner_host;         /* 2.21 */
	char scanner_ip[LF_RECEIVED_IP_MAX]; /* 2.22.1 */
	int scanner_family;
	struct lf_symantec_ruleset rulesets[LF_SYMANTEC_RULESETS_MAX];
	size_t nrulesets;
	/* 3, 4, 5: the vendor's signature over record, which only the
	 * vendor can verify; present is not valid. */
	struct lf_span signature;
	struct lf_span sig_digest;    /* "sha1" */
	struct lf_span sig_algorithm; /* "rsa" */
};

/*
 * lf_symantec_tracker: decode an X-Brightmail-Tracker value: unfold,
 * base64, gunzip, protocol buffer, then the layout above.
 *
 * Damage is reported through anomaly (may be NULL) and decoding goes on
 * with what can be read; offsets are in v for the base64 stage and 0 for
 * the later ones, whose detail names the byte:
 *
 *   symantec.tracker-base64     medium  a byte base64 cannot hold, or
 *                                       text after the padding: decoding
 *                                       stops there
 *   symantec.tracker-base64-end low     a last group of one character
 *   symantec.tracker-truncated  medium  the gzip stream stops early: what
 *                                       inflated is decoded
 *   symantec.tracker-gzip       medium  a damaged gzip stream (deflate
 *                                       data, CRC-32, length)
 *   symantec.tracker-trailing   low     bytes after the gzip stream
 *   symantec.tracker-limit      medium  a limit above was reached: the
 *                                       rest is left out
 *   symantec.tracker-protobuf   medium  the data stops parsing as
 *                                       protocol buffer fields (other
 *                                       than by being cut short)
 *   symantec.tracker-duplicate  low     a layout field given twice: the
 *                                       first counts
 *   symantec.tracker-layout     low     a layout field of an unexpected
 *                                       type or size: left unread
 *
 * Returns LF_OK and fills *out (release with lf_symantec_tracker_release),
 * LF_E_FORMAT when the value is not base64 of a gzip stream (no gzip
 * magic), LF_E_NOMEM, or LF_E_INVAL; *out is untouched on error.
 */
int
lf_symantec_tracker(const uint8_t *v, size_t n, struct lf_symantec_tracker *out,
    lf_anomaly_fn anomaly, void *arg, struct lf_error *err);

/*
 * lf_symantec_tracker_release: free what *t owns and empty it; safe on an
 * emptied tracker.
 */
void lf_symantec_tracker_release(struct lf_symantec_tracker *t);

#endif
