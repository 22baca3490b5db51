/*
 * tools/common/passphrase.h: a private key's passphrase for the tools
 * that read or write one (lf-keygen, lf-pack): --passphrase-file FILE
 * (its first line; "-" is standard input) or --passphrase-env VAR.
 */
#ifndef CLI_PASSPHRASE_H
#define CLI_PASSPHRASE_H

#include <stdbool.h>
#include <stddef.h>

#include "lf/sigkey.h"

struct cli_passphrase {
	const char *passfile; /* --passphrase-file, or NULL */
	const char *passenv;  /* --passphrase-env, or NULL */
	char *text;           /* once read: secure memory, wiped */
	size_t len;
	bool failed; /* reading it failed, and was said */
};

/* cli_passphrase_init: where the passphrase will come from (either). */
void cli_passphrase_init(struct cli_passphrase *pp, const char *passfile,
    const char *passenv);

/*
 * cli_passphrase_read: read it now (the first line of the file, without
 * its LF or CRLF, or the variable's value).  Returns 0, or -1 after a
 * message.
 */
int cli_passphrase_read(struct cli_passphrase *pp);

/*
 * cli_passphrase_give: an lf_passphrase_fn (lf/sigkey.h) over pp, read
 * on first use; -1 when none was given or it cannot be read.
 */
int cli_passphrase_give(void *arg, char *buf, size_t size);

/* cli_passphrase_release: wipe and free it. */
void cli_passphrase_release(struct cli_passphrase *pp);

#endif
