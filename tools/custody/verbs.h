/*
 * tools/custody/verbs.h: lf-custody's options, shared by its commands:
 * append and verify (tools/lf-custody.c), status, summary and export
 * (view.c), ingest (ingest.c).
 */
#ifndef CUSTODY_VERBS_H
#define CUSTODY_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../common/cli.h"
#include "lf/custody.h"
#include "lf/sigkey.h"

/* The version of the JSON documents verify and status print. */
#define FORMAT_VERSION 1

enum verb {
	V_NONE,
	V_APPEND,
	V_VERIFY,
	V_INGEST,
	V_STATUS,
	V_SUMMARY,
	V_EXPORT
};

#define VIEW_MANIFESTS_MAX 64

/* The long options of status, summary and export. */
enum { OPT_OVERDUE = 512, OPT_NOW, OPT_MANIFEST, OPT_CASE_UCO };

/* status, summary, export */
struct view_options {
	int64_t overdue_hours;
	bool overdue_given;
	int64_t now;
	bool now_given;
	const char *manifests[VIEW_MANIFESTS_MAX];
	size_t nmanifests;
	bool case_uco;
};

struct options {
	const char *log;
	enum verb verb;
	const char *verb_name;
	/* append */
	const char *key;
	const char *actor;
	const char *action;
	uint8_t (*objects)[LF_CUSTODY_HASH_LEN];
	size_t nobjects;
	const char *bundle;
	const char *reason;
	const char *tool;
	const char *tool_version;
	/* verify */
	const char *pubkeys[LF_CUSTODY_TRUST_MAX];
	size_t npubkeys;
	uint8_t pins[LF_CUSTODY_TRUST_MAX][LF_SIGKEY_FPR_LEN];
	size_t npins;
	bool json;
	struct view_options view;
	/* ingest */
	const char *manifest;
	char **mails;
	size_t nmails;
	struct cli_common c;
};

/*
 * custody_load_private: the signing key at path (not encrypted).  Returns
 * 0 and *k, or -1 after a message.
 * custody_verify_log: the log verified, trusting also (may be NULL) and
 * the keys of --pubkey and --fingerprint.  Returns 0 and the verdict in
 * *vd, or -1 after a message (the log, or a key, cannot be read).
 */
int custody_load_private(const char *path, struct lf_sigkey **k);
int custody_verify_log(const struct options *o, const struct lf_sigkey *also,
    struct lf_custody_verdict *vd);

/*
 * view_option: c, one of the options of status, summary and export, with
 * its argument, into o; false for another option.  view_check: those
 * options, once all are parsed, against the command (a usage error
 * otherwise).
 */
bool view_option(struct options *o, int c, const char *arg);
void view_check(struct options *o, bool append_opts);

/*
 * custody_read_manifest: the manifest of a bundle: path is the bundle's
 * tar (its data/manifest.json is read, the tar checked on the way), or
 * that JSON itself.  At most 16 MiB, and at most *budget (less what it
 * takes).  Returns the document (new), or NULL after a message.
 */
json_t *custody_read_manifest(const char *path, size_t *budget);

/* The commands: each returns the exit status. */
int do_status(const struct options *o);
int do_summary(const struct options *o);
int do_export(const struct options *o);
int do_ingest(const struct options *o);

#endif
