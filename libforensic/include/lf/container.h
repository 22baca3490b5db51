/*
 * lf/container.h: what a container reader (archive, Outlook .msg, TNEF)
 * reports, the same way for every format.
 *
 * A reader walks its container once and reports each entry in order:
 * begin, its bytes in pieces (data), end.  An entry that is itself a
 * message (an embedded .msg, an attached message in TNEF) has its own
 * properties and entries reported between its begin and end, with the
 * entry as their parent.  Names are evidence: they are reported raw and
 * decoded, and never used as paths.  A reader never allocates in
 * proportion to a size the container declares; it reports what is wrong
 * as anomalies (lf/anomaly.h) and goes on where it can.
 */
#ifndef LF_CONTAINER_H
#define LF_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"

enum lf_entry_kind {
	LF_ENTRY_FILE,    /* an attachment, an archive member, a stream */
	LF_ENTRY_BODY,    /* a message's text: plain, HTML or RTF */
	LF_ENTRY_MESSAGE, /* an embedded message: entries of its own */
};

#define LF_ENTRY_PATH_MAX 512

/* What a container declares of an entry's checksum. */
enum lf_entry_crc {
	LF_ENTRY_CRC_NONE,       /* nothing known: not looked for */
	LF_ENTRY_CRC_DECLARED,   /* crc32 holds the CRC-32 it declares */
	LF_ENTRY_CRC_NOT_STORED, /* it stores none by design (WinZip AES
				    AE-2, which authenticates the data) */
};

struct lf_entry {
	enum lf_entry_kind kind;
	/*
	 * Where it is in the container, unique there: "attach/1",
	 * "attach/2/attach/1", "body/html", or the member's index for an
	 * archive ("3").  Printable ASCII, made by the reader.
	 */
	char path[LF_ENTRY_PATH_MAX];
	const struct lf_entry *parent; /* the message it is in, or NULL */
	/* Its name as the container has it (NULL if none), and in UTF-8
	 * (NULL if it cannot be decoded). */
	const uint8_t *name_raw;
	size_t name_raw_len;
	const char *name;
	size_t name_len;
	const char *mime_type;  /* declared, or NULL */
	const char *role;       /* "attachment", "ole-object", "body.plain",
				  "body.html", "body.rtf", "message",
				  "member", ... static */
	uint64_t declared_size; /* UINT64_MAX when none is declared */
	bool no_data; /* its bytes cannot be read (encrypted, say): the
			 entry is described, but there is no object */
	/*
	 * For an entry with no data, what else the container declares when
	 * the reader knows it (a zip member's central directory record):
	 * the CRC-32 of its content and the bytes it takes in the container.
	 * Zero (LF_ENTRY_CRC_NONE, false) when not known.
	 */
	enum lf_entry_crc crc;
	uint32_t crc32;
	bool has_compressed_size;
	uint64_t compressed_size;
};

/*
 * The reader's calls.  Entries and properties are borrowed for the call.
 * A non-zero return stops the reader, which returns that value.
 */
struct lf_container_events {
	int (*begin)(void *arg, const struct lf_entry *e);
	int (*data)(void *arg, const struct lf_entry *e, const uint8_t *p,
	    size_t n);
	int (*end)(void *arg, const struct lf_entry *e);
	/*
	 * A property of entry e (NULL: of the container itself), such as
	 * "subject", "from", "to", "date" (RFC 3339 UTC), "message-id",
	 * "message-class", "transport-headers": value is UTF-8, n bytes.
	 */
	int (*property)(void *arg, const struct lf_entry *e, const char *name,
	    const char *value, size_t n);
	/* Something wrong or suspicious, in entry e (NULL: the container);
	 * offsets are in the container. */
	void (*anomaly)(void *arg, const struct lf_entry *e,
	    const struct lf_anomaly *a);
};

#endif
