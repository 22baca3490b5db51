/*
 * tools/common/custody.h: the events a tool records in a case's custody
 * log (lf/custody.h) when given one: --custody FILE, or LF_CUSTODY.
 */
#ifndef CLI_CUSTODY_H
#define CLI_CUSTODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/custody.h"
#include "lf/sigkey.h"

/* cli_custody_log: the log given (--custody), else LF_CUSTODY, else NULL. */
const char *cli_custody_log(const char *given);

/*
 * cli_custody_key: the key a tool that has none of its own signs its
 * events with: the file given (--custody-key), else LF_CUSTODY_KEY; a
 * private key not encrypted (lf-keygen without a passphrase).  Says why
 * and exits with CLI_EXIT_FAILURE when it cannot be read, and with
 * CLI_EXIT_USAGE when none is named.  Free it with lf_sigkey_free.
 */
struct lf_sigkey *cli_custody_key(const char *given);

/*
 * cli_custody_head: the SHA-256 of the log's last line into head, and
 * whether it has one (false for a log not made yet or empty).  A log that
 * cannot be read or does not end in a whole event is refused here, before
 * any work: the message says why and the tool exits with
 * CLI_EXIT_FAILURE.
 */
bool cli_custody_head(const char *log, uint8_t head[32]);

/* cli_custody_actor: the user's login name, or "uid N" in buf. */
const char *cli_custody_actor(char *buf, size_t size);

/*
 * cli_custody_time: ev's time, now or SOURCE_DATE_EPOCH when set (for
 * reproducible examples), and the local offset from UTC then.  Returns 0,
 * or -1 after a message.
 */
int cli_custody_time(struct lf_custody_event *ev);

/*
 * cli_custody_record: append to log the action on the n objects (SHA-256s;
 * several events when they are more than one event holds, each saying
 * which part it is), about bundle (may be NULL), signed with k, as the
 * calling tool.  reason may be NULL.  Returns 0, or -1 after a message.
 */
int cli_custody_record(const char *log, const struct lf_sigkey *k,
    enum lf_custody_action action, const uint8_t (*objects)[32], size_t n,
    const char *bundle, const char *reason);

#endif
