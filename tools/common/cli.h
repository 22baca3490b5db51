/*
 * tools/common/cli.h: what every tool does the same way: messages, exit
 * codes, escaping untrusted text for the terminal, the progress line.
 */
#ifndef LF_CLI_H
#define LF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lf/limits.h"

/* Exit status, the same in every tool (documented in each man page). */
#define CLI_EXIT_OK 0       /* success */
#define CLI_EXIT_NEGATIVE 1 /* the answer is negative (a check failed) */
#define CLI_EXIT_USAGE 2    /* usage error */
#define CLI_EXIT_FAILURE 3  /* operational failure: input, I/O, resources */

/*
 * cli_init: remember the program name for messages, raise the open-file
 * limit to its maximum (deep trees keep a descriptor per level).
 */
void cli_init(const char *prog);

const char *cli_prog(void);

/*
 * cli_warn: print "<prog>: <message>\n" to stderr.  Quote names with
 * cli_esc; whatever else reaches the message has its control bytes and
 * invalid UTF-8 escaped all the same, so nothing raw reaches a terminal.
 */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * cli_esc: a visibly escaped copy of n bytes at p, valid until the fourth
 * following call (a small ring of buffers, for use within one message).
 */
const char *cli_esc(const void *p, size_t n);

/*
 * cli_usage_error: print "<prog>: <message>" and "Try '<prog> --help'."
 * to stderr and exit with CLI_EXIT_USAGE.
 */
void cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * cli_version: print "<prog> (libforensic) <version>" and the libraries
 * to stdout.
 */
void cli_version(void);

/*
 * cli_limit_option: apply --limit NAME=VALUE to l, or exit with a usage
 * error.
 */
void cli_limit_option(struct lf_limits *l, const char *arg);

/*
 * cli_print_limits: the limit table, for --help.
 */
void cli_print_limits(void);

/* The progress line on stderr, only when stderr is a terminal. */
struct cli_progress {
	bool on;
	struct timespec start;
	struct timespec last;
	bool drawn;
};

void cli_progress_init(struct cli_progress *p, bool wanted);

/*
 * cli_progress_draw: redraw "<done> of <total>  <rate>  <time left>";
 * total is 0 while unknown.  At most four times a second.
 */
void cli_progress_draw(struct cli_progress *p, uint64_t done, uint64_t total);

/*
 * cli_progress_clear: erase the line, so that messages print cleanly.
 */
void cli_progress_clear(struct cli_progress *p);

#endif
