/*
 * lf/mbox.h: split an mbox file into its messages, streaming.
 *
 * Variants (see mbox(5) and RFC 4155): mboxo and mboxrd separate messages
 * with "From " lines and quote body lines that start with "From " as
 * ">From "; mboxrd also quotes ">From " as ">>From " and so on, and its
 * reader takes one ">" off any ">+From " line, which for ">From " is what
 * an mboxo reader does too.  mboxcl and mboxcl2 give each message's body
 * length in a Content-Length header; cl2 does not quote.  The message
 * bytes handed on are the message as it was delivered: unquoted, without
 * the "From " line and without the blank line that ends it in the mbox.
 */
#ifndef LF_MBOX_H
#define LF_MBOX_H

#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"

enum lf_mbox_format {
	LF_MBOX_AUTO, /* find out; see lf_mbox_new */
	LF_MBOX_O,
	LF_MBOX_RD,
	LF_MBOX_CL,
	LF_MBOX_CL2,
};

struct lf_mbox_handler {
	/*
	 * A message starts; offset is that of its "From " line in the mbox,
	 * whose n bytes (without the line end) are at from_line.
	 */
	int (*begin)(void *arg, uint64_t offset, const uint8_t *from_line,
	    size_t n);
	/* More bytes of the current message. */
	int (*data)(void *arg, const uint8_t *p, size_t n);
	/* The current message ends; end is the mbox offset just after it. */
	int (*end)(void *arg, uint64_t end);
};

struct lf_mbox;

/*
 * lf_mbox_new: a splitter for format.  With LF_MBOX_AUTO: a message whose
 * headers carry a Content-Length that ends exactly before the next
 * "From " line (or the end of the file) is taken by its length (mboxcl,
 * or cl2 when nothing in it is quoted); other messages end at the next
 * "From " line, and ">+From " lines lose one ">" (mboxrd, which reads
 * mboxo the same way except for ">>From ", which only mboxrd writes).
 * A separator is a line that starts with "From " and looks like one
 * ("From " sender date, the date with a month name, a time and a year),
 * at the start of the file or after an empty line; an unquoted "From "
 * line that does not look like one stays in the message, with an anomaly.
 * The handler functions return 0 to go on, anything else to stop.
 * Returns LF_OK and the splitter in *out, or LF_E_NOMEM.
 */
int lf_mbox_new(enum lf_mbox_format format,
    const struct lf_mbox_handler *handler, void *arg, lf_anomaly_fn anomaly,
    void *anomaly_arg, struct lf_mbox **out, struct lf_error *err);

/*
 * lf_mbox_feed: the next n bytes of the mbox.  Returns LF_OK, or the value
 * a handler function returned to stop.
 */
int lf_mbox_feed(struct lf_mbox *m, const uint8_t *p, size_t n);

/*
 * lf_mbox_finish: the end of the mbox: ends the last message.  Data before
 * the first "From " line is reported as an anomaly and handed on as a
 * message of its own (offset 0, from_line empty), so nothing is lost.
 */
int lf_mbox_finish(struct lf_mbox *m);

/*
 * lf_mbox_format_seen: the variant the splitter found (after _finish):
 * LF_MBOX_RD once a ">>From " line was seen, LF_MBOX_CL or CL2 when
 * Content-Length delimited the messages, else LF_MBOX_O.
 */
enum lf_mbox_format lf_mbox_format_seen(const struct lf_mbox *m);

/*
 * lf_mbox_format_name: "mboxo", "mboxrd", "mboxcl", "mboxcl2", "auto".
 */
const char *lf_mbox_format_name(enum lf_mbox_format f);

/*
 * lf_mbox_free: NULL is allowed.
 */
void lf_mbox_free(struct lf_mbox *m);

#endif
