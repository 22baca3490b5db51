/*
 * tools/common/cli.h: what every tool does the same way: messages, exit
 * codes, escaping untrusted text for the terminal, the progress line.
 */
#ifndef LF_CLI_H
#define LF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
 * The options every tool shares: -j/--threads N, --limit NAME=VALUE,
 * -q/--quiet, -v/--verbose, -h/--help, -V/--version.  A tool lists
 * CLI_COMMON_SHORTOPTS and CLI_COMMON_LONGOPTS beside its own and hands
 * each option getopt_long returns to cli_common_option first.
 */
#define CLI_OPT_LIMIT 0x1000 /* above any tool's own long-only options */
#define CLI_MAX_THREADS 256
#define CLI_COMMON_SHORTOPTS "j:qvhV"
#define CLI_COMMON_LONGOPTS                                    \
	{"threads", required_argument, NULL, 'j'},             \
	    {"limit", required_argument, NULL, CLI_OPT_LIMIT}, \
	    {"quiet", no_argument, NULL, 'q'},                 \
	    {"verbose", no_argument, NULL, 'v'},               \
	    {"help", no_argument, NULL, 'h'},                  \
	{                                                      \
		"version", no_argument, NULL, 'V'              \
	}

/*
 * A tool that reads no evidence (lf-keygen) takes only -q, -v, -h and -V:
 * CLI_PLAIN_SHORTOPTS and CLI_PLAIN_LONGOPTS, with plain set so that
 * --help shows no limits.
 */
#define CLI_PLAIN_SHORTOPTS "qvhV"
#define CLI_PLAIN_LONGOPTS                        \
	{"quiet", no_argument, NULL, 'q'},        \
	    {"verbose", no_argument, NULL, 'v'},  \
	    {"help", no_argument, NULL, 'h'},     \
	{                                         \
		"version", no_argument, NULL, 'V' \
	}

struct cli_common {
	bool plain;              /* no threads, no limits */
	struct lf_limits limits; /* the defaults, then each --limit */
	unsigned threads;        /* -j; 0 means one per online processor */
	bool quiet;
	int verbose; /* how many -v */
};

/* cli_common_init: the defaults. */
void cli_common_init(struct cli_common *cc);

/*
 * cli_common_option: if c (a getopt_long result, arg its optarg) is a
 * shared option, apply it and return true; return false for the tool's own
 * options.  --help prints usage(stdout) and the limit table and exits 0,
 * --version exits 0, a bad value or an unknown option exits with
 * CLI_EXIT_USAGE.
 */
bool cli_common_option(struct cli_common *cc, int c, const char *arg,
    void (*usage)(FILE *));

/*
 * cli_threads: the -j value, with 0 resolved to the number of online
 * processors (at most CLI_MAX_THREADS).
 */
unsigned cli_threads(const struct cli_common *cc);

/*
 * cli_data_path: where data shipped with the tools (profiles/gateway,
 * profiles/brands.json) is when none is named: the environment variable
 * env when set, else rel beside the program as installed
 * (PREFIX/share/libforensic/rel) or as built (build/bin in the source
 * tree), a directory when dir says so, else a file.  Returns env's value,
 * buf (size bytes) holding the path, or NULL when none is there.
 */
const char *cli_data_path(const char *env, const char *rel, bool dir, char *buf,
    size_t size);

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
