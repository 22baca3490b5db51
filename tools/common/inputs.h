/*
 * tools/common/inputs.h: the messages named on a command line.
 *
 * An input is a file, "-" (standard input), a directory (walked), or a
 * Maildir (its cur/ and new/).  A file is one message, or an mbox when it
 * starts with a From_ line (or when the mbox format is forced), which is
 * split into its messages.  Each message is handed on in pieces, between
 * begin and end; what cannot be read is reported on stderr and sets the
 * exit status, and the next input is read.
 */
#ifndef LF_CLI_INPUTS_H
#define LF_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "lf/mbox.h"

#define INPUTS_CHUNK (256 * 1024)

/* A non-zero return stops the current input. */
struct inputs_handler {
	/* source: the file's path, or "-"; mbox_offset: where the message
	 * starts in its mbox, or LF_NO_OFFSET (lf/extract.h) for a file
	 * that is one message. */
	int (*begin)(void *arg, const char *source, uint64_t mbox_offset);
	int (*data)(void *arg, const uint8_t *p, size_t n);
	int (*end)(void *arg);
};

struct inputs {
	const struct inputs_handler *h;
	void *arg;
	enum lf_mbox_format mbox_format;
	const struct cli_common *c; /* quiet, verbose, limits */
	int status;   /* CLI_EXIT_FAILURE once an input could not be read */
	uint8_t *buf; /* INPUTS_CHUNK bytes */
	const char *source;    /* the input being read */
	uint64_t mbox_skipped; /* a byte order mark before the first line */
};

/*
 * inputs_init: ready in to hand messages to h; false when out of memory
 * (reported).  inputs_release frees what it holds.
 */
bool inputs_init(struct inputs *in, const struct inputs_handler *h, void *arg,
    enum lf_mbox_format mbox_format, const struct cli_common *c);
void inputs_release(struct inputs *in);

/* inputs_read: every message of one command-line input. */
void inputs_read(struct inputs *in, const char *path);

/*
 * inputs_mbox_format: the --mbox-format value s (auto, mboxo, mboxrd,
 * mboxcl, mboxcl2); anything else is a usage error (exits).
 */
enum lf_mbox_format inputs_mbox_format(const char *s);

/* inputs_read_some: read(2), again after EINTR. */
ssize_t inputs_read_some(int fd, uint8_t *buf, size_t n);

#endif
