/*
 * lf-custody: a case's custody log: append a signed event, verify the
 * chain and the signatures; status, summary and export read it back.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/custody.h"
#include "lf/custody.h"
#include "lf/custodyview.h"
#include "lf/date.h"
#include "lf/json.h"
#include "lf/jsonw.h"
#include "lf/keyfile.h"
#include "lf/reader.h"
#include "lf/sigkey.h"
#include "lf/tar.h"
#include "lf/text.h"
#include "lf/vendormail.h"
#include "lf/version.h"

#define VERIFY_FORMAT "lf-custody-verify"
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

static bool view_option(struct options *o, int c, const char *arg);
static void view_check(struct options *o, bool append_opts);

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-custody -l LOG append -k KEY --action ACTION "
	    "[--actor NAME]\n"
	    "           [--object SHA256]... [--bundle ID] [--reason TEXT]\n"
	    "           [--tool NAME --tool-version VERSION]\n"
	    "       lf-custody -l LOG verify (--pubkey FILE | --fingerprint "
	    "HEX)... [--json]\n"
	    "       lf-custody -l LOG status (--pubkey FILE | --fingerprint "
	    "HEX)...\n"
	    "           [--overdue-hours N] [--now TIME] [--json]\n"
	    "       lf-custody -l LOG summary (--pubkey FILE | --fingerprint "
	    "HEX)...\n"
	    "           [--manifest BUNDLE.tar]...\n"
	    "       lf-custody -l LOG export --case-uco (--pubkey FILE | "
	    "--fingerprint HEX)...\n"
	    "       lf-custody -l LOG ingest -k KEY [--pubkey FILE | "
	    "--fingerprint HEX]...\n"
	    "           [--bundle ID] [--manifest FILE] MAIL...\n"
	    "\n"
	    "A case's custody log: JSON Lines, each event signed (Ed25519) "
	    "and chained to\n"
	    "the one before by its SHA-256 (docs/custody-log.md).\n"
	    "\n"
	    "  -l, --log LOG             the custody log\n"
	    "  -k, --key KEY             append: the signing key (PEM, "
	    "not encrypted)\n"
	    "      --action ACTION       acquired, extracted, analysed, "
	    "packed, verified,\n"
	    "                            transferred, submitted, receipt, "
	    "result,\n"
	    "                            followed-up, closed or note\n"
	    "      --actor NAME          who acted (default: the user "
	    "name)\n"
	    "      --object SHA256       an object concerned (repeatable)\n"
	    "      --bundle ID           the bundle concerned\n"
	    "      --reason TEXT         why\n"
	    "      --tool NAME           the tool that acted (default: "
	    "lf-custody)\n"
	    "      --tool-version V      its version\n"
	    "      --pubkey FILE         verify, ingest, status, summary, export:\n"
	    "                            trust this"
	    "                            public key (repeatable)\n"
	    "      --fingerprint HEX     ... or the key of this fingerprint\n"
	    "      --json                verify, status: a JSON document\n"
	    "      --overdue-hours N     status: a submission with no result "
	    "after N hours\n"
	    "                            is overdue (default: 24)\n"
	    "      --now TIME            status: the time to judge by "
	    "(default: now)\n"
	    "      --manifest BUNDLE     summary: the case and gateway "
	    "verdicts of this\n"
	    "                            bundle tar (repeatable); ingest: "
	    "a bundle\n"
	    "                            (.tar) or its manifest.json, to "
	    "link files\n"
	    "                            named by MD5\n"
	    "      --case-uco            export: CASE/UCO JSON-LD\n"
	    "  -q, --quiet               print nothing; the exit status "
	    "tells\n"
	    "  -v, --verbose             more detail\n"
	    "  -h, --help                this help\n"
	    "  -V, --version             version and library versions\n"
	    "\n"
	    "Exit status: 0 success, 1 verification failed, 2 usage, 3 "
	    "failure.\n");
}

static void
add_object(struct options *o, const char *s)
{
	uint8_t(*more)[LF_CUSTODY_HASH_LEN];
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f') ||
		        (s[i] >= 'A' && s[i] <= 'F')))
			break;
	if (n != 2 * LF_CUSTODY_HASH_LEN || i != n)
		cli_usage_error("--object: '%s' is not a SHA-256 in hex",
		    cli_esc(s, n));
	if (o->nobjects == LF_CUSTODY_OBJECTS_MAX)
		cli_usage_error("more than %d --object",
		    LF_CUSTODY_OBJECTS_MAX);
	more = reallocarray(o->objects, o->nobjects + 1, sizeof(*more));
	if (more == NULL) {
		cli_warn("out of memory");
		exit(CLI_EXIT_FAILURE);
	}
	o->objects = more;
	(void)lf_hex_decode(s, n, o->objects[o->nobjects++],
	    LF_CUSTODY_HASH_LEN);
}

static void
parse_verb(struct options *o, const char *s)
{
	o->verb_name = s;
	if (strcmp(s, "append") == 0) {
		o->verb = V_APPEND;
		return;
	}
	if (strcmp(s, "verify") == 0) {
		o->verb = V_VERIFY;
		return;
	}
	if (strcmp(s, "status") == 0 || strcmp(s, "summary") == 0 ||
	    strcmp(s, "export") == 0) {
		o->verb = s[1] == 't' ? V_STATUS :
		    s[1] == 'u'       ? V_SUMMARY :
		                        V_EXPORT;
		return;
	}
	if (strcmp(s, "ingest") == 0) {
		o->verb = V_INGEST;
		return;
	}
	cli_usage_error("unknown command '%s'", cli_esc(s, strlen(s)));
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_ACTION = 256,
		OPT_ACTOR,
		OPT_OBJECT,
		OPT_BUNDLE,
		OPT_REASON,
		OPT_TOOL,
		OPT_TOOL_VERSION,
		OPT_PUBKEY,
		OPT_FPR,
		OPT_JSON
	};
	static const struct option longopts[] = {
	    {"log", required_argument, NULL, 'l'},
	    {"key", required_argument, NULL, 'k'},
	    {"action", required_argument, NULL, OPT_ACTION},
	    {"actor", required_argument, NULL, OPT_ACTOR},
	    {"object", required_argument, NULL, OPT_OBJECT},
	    {"bundle", required_argument, NULL, OPT_BUNDLE},
	    {"reason", required_argument, NULL, OPT_REASON},
	    {"tool", required_argument, NULL, OPT_TOOL},
	    {"tool-version", required_argument, NULL, OPT_TOOL_VERSION},
	    {"pubkey", required_argument, NULL, OPT_PUBKEY},
	    {"fingerprint", required_argument, NULL, OPT_FPR},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"overdue-hours", required_argument, NULL, OPT_OVERDUE},
	    {"now", required_argument, NULL, OPT_NOW},
	    {"manifest", required_argument, NULL, OPT_MANIFEST},
	    {"case-uco", no_argument, NULL, OPT_CASE_UCO},
	    CLI_PLAIN_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct lf_error err;
	bool append_opts = false, verify_opts = false;
	int c;

	memset(o, 0, sizeof(*o));
	cli_common_init(&o->c);
	o->c.plain = true;
	while ((c = getopt_long(argc, argv, "l:k:" CLI_PLAIN_SHORTOPTS,
	            longopts, NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		append_opts |= c == 'k' || (c >= OPT_ACTION && c < OPT_PUBKEY);
		verify_opts |= c >= OPT_PUBKEY && c <= OPT_JSON;
		if (view_option(o, c, optarg))
			continue;
		switch (c) {
		case 'l':
			o->log = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case OPT_ACTION:
			o->action = optarg;
			break;
		case OPT_ACTOR:
			o->actor = optarg;
			break;
		case OPT_OBJECT:
			add_object(o, optarg);
			break;
		case OPT_BUNDLE:
			o->bundle = optarg;
			break;
		case OPT_REASON:
			o->reason = optarg;
			break;
		case OPT_TOOL:
			o->tool = optarg;
			break;
		case OPT_TOOL_VERSION:
			o->tool_version = optarg;
			break;
		case OPT_PUBKEY:
			if (o->npubkeys + o->npins == LF_CUSTODY_TRUST_MAX)
				cli_usage_error("more than %d keys",
				    LF_CUSTODY_TRUST_MAX);
			o->pubkeys[o->npubkeys++] = optarg;
			break;
		case OPT_FPR:
			if (o->npubkeys + o->npins == LF_CUSTODY_TRUST_MAX)
				cli_usage_error("more than %d keys",
				    LF_CUSTODY_TRUST_MAX);
			if (lf_fingerprint_parse(optarg, o->pins[o->npins],
			        &err) != LF_OK)
				cli_usage_error("--fingerprint: '%s' is not a "
				                "fingerprint",
				    cli_esc(optarg, strlen(optarg)));
			o->npins++;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		default:
			break;
		}
	}
	if (optind == argc)
		cli_usage_error("no command (append, verify, ingest, status, "
		                "summary, export)");
	parse_verb(o, argv[optind++]);
	if (o->verb == V_INGEST) {
		o->mails = argv + optind;
		o->nmails = (size_t)(argc - optind);
		optind = argc;
		/* Its one --manifest, which status and export refuse. */
		if (o->view.nmanifests > 1)
			cli_usage_error("ingest: one --manifest at most");
		if (o->view.nmanifests == 1)
			o->manifest = o->view.manifests[0];
		o->view.nmanifests = 0;
	}
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'",
		    cli_esc(argv[optind], strlen(argv[optind])));
	if (o->log == NULL)
		cli_usage_error("no log: -l LOG");
	if (o->log[0] == '\0')
		cli_usage_error("-l: the name is empty");
	view_check(o, append_opts);
	if (o->verb == V_INGEST) {
		if (o->key == NULL)
			cli_usage_error("ingest: no signing key: -k KEY");
		if (o->json)
			cli_usage_error("--json is for verify");
		if (o->nmails == 0)
			cli_usage_error("ingest: no MAIL");
		if (o->action != NULL || o->actor != NULL || o->nobjects > 0 ||
		    o->reason != NULL || o->tool != NULL ||
		    o->tool_version != NULL)
			cli_usage_error("ingest takes -k, --pubkey, "
			                "--fingerprint, --bundle and "
			                "--manifest");
	} else if (o->verb == V_APPEND) {
		if (verify_opts)
			cli_usage_error("--pubkey, --fingerprint and --json "
			                "are for verify");
		if (o->key == NULL)
			cli_usage_error("append: no signing key: -k KEY");
		if (o->action == NULL)
			cli_usage_error("append: no --action");
		if ((o->tool == NULL) != (o->tool_version == NULL))
			cli_usage_error("--tool and --tool-version go "
			                "together");
	} else if (o->verb == V_VERIFY) {
		if (append_opts)
			cli_usage_error("-k and the event's options are for "
			                "append");
		if (o->npubkeys == 0 && o->npins == 0)
			cli_usage_error("verify: no trusted key: --pubkey "
			                "FILE or --fingerprint HEX");
	}
}

static int
load_private(const char *path, struct lf_sigkey **k)
{
	struct lf_error err;
	unsigned char *p = NULL;
	size_t n = 0;
	int rc;

	if (lf_keyfile_read(path, &p, &n, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return -1;
	}
	rc = lf_sigkey_load_private(p, n, NULL, NULL, k, &err);
	OPENSSL_secure_clear_free(p, n);
	if (rc != LF_OK) {
		cli_warn("'%s': %s%s", cli_esc(path, strlen(path)), err.msg,
		    rc == LF_E_INVAL ? " (lf-custody reads only keys that "
		                       "are not encrypted)" :
		                       "");
		return -1;
	}
	return 0;
}

static int
do_append(const struct options *o)
{
	struct lf_custody_event ev;
	struct lf_sigkey *k = NULL;
	uint8_t head[LF_CUSTODY_HASH_LEN];
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], actor[64];
	struct lf_error err;
	int status = CLI_EXIT_FAILURE;

	memset(&ev, 0, sizeof(ev));
	if (lf_custody_action_parse(o->action, &ev.action) != LF_OK)
		cli_usage_error("--action: '%s' is not one of the actions",
		    cli_esc(o->action, strlen(o->action)));
	ev.seq = 1;
	ev.actor = o->actor != NULL ? o->actor :
	                              cli_custody_actor(actor, sizeof(actor));
	ev.objects = (const uint8_t(*)[LF_CUSTODY_HASH_LEN])o->objects;
	ev.nobjects = o->nobjects;
	ev.bundle = o->bundle;
	ev.reason = o->reason;
	ev.tool_name = o->tool != NULL ? o->tool : cli_prog();
	ev.tool_version =
	    o->tool_version != NULL ? o->tool_version : lf_version_string();
	if (cli_custody_time(&ev) != 0)
		return CLI_EXIT_FAILURE;
	if (lf_custody_event_check(&ev, &err) != LF_OK)
		cli_usage_error("%s", err.msg);
	if (load_private(o->key, &k) != 0)
		return CLI_EXIT_FAILURE;
	if (lf_custody_append(o->log, &ev, k, head, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	lf_hex(hex, head, sizeof(head));
	if (o->c.verbose > 0) {
		char fpr[LF_SIGKEY_FPR_HEX];
		lf_sigkey_fingerprint_hex(k, fpr);
		cli_warn("event %llu signed by the key %s",
		    (unsigned long long)ev.seq, fpr);
	}
	if (!o->c.quiet)
		(void)printf("%llu %s\n", (unsigned long long)ev.seq, hex);
	status = CLI_EXIT_OK;
done:
	lf_sigkey_free(k);
	return status;
}

static int
trust(const struct options *o, struct lf_custody_verifier *v)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	unsigned char *p = NULL;
	char hex[LF_SIGKEY_FPR_HEX];
	size_t i, n = 0;
	int rc;

	for (i = 0; i < o->npins; i++) {
		if (o->c.verbose > 0) {
			lf_hex(hex, o->pins[i], LF_SIGKEY_FPR_LEN);
			cli_warn("trusting the key %s", hex);
		}
		if (lf_custody_verifier_trust_fingerprint(v, o->pins[i],
		        &err) != LF_OK) {
			cli_warn("%s", err.msg);
			return -1;
		}
	}
	for (i = 0; i < o->npubkeys; i++) {
		if (lf_keyfile_read(o->pubkeys[i], &p, &n, &err) != LF_OK) {
			cli_warn("%s", err.msg);
			return -1;
		}
		rc = lf_sigkey_load_public(p, n, &k, &err);
		OPENSSL_secure_clear_free(p, n);
		if (rc == LF_OK && o->c.verbose > 0) {
			lf_sigkey_fingerprint_hex(k, hex);
			cli_warn("trusting the key %s (%s)", hex,
			    cli_esc(o->pubkeys[i], strlen(o->pubkeys[i])));
		}
		if (rc == LF_OK)
			rc = lf_custody_verifier_trust_key(v, k, &err);
		lf_sigkey_free(k);
		k = NULL;
		if (rc != LF_OK) {
			cli_warn("'%s': %s",
			    cli_esc(o->pubkeys[i], strlen(o->pubkeys[i])),
			    err.msg);
			return -1;
		}
	}
	return 0;
}

static int
print_json(const struct options *o, const struct lf_custody_verdict *vd)
{
	json_t *doc =
	    lf_json_doc_new(VERIFY_FORMAT, FORMAT_VERSION, cli_prog());
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], t[32];
	bool good = vd->problem == LF_CUSTODY_GOOD;
	struct lf_error err;
	int rc = LF_E_NOMEM;

	if (doc == NULL ||
	    lf_json_set_name(doc, "log", (const uint8_t *)o->log,
	        strlen(o->log), &err) != LF_OK ||
	    json_object_set_new(doc, "good", json_boolean(good)) != 0 ||
	    json_object_set_new(doc, "events",
	        json_integer((json_int_t)vd->events)) != 0)
		goto done;
	if (vd->events > 0) {
		lf_hex(hex, vd->head, sizeof(vd->head));
		lf_date_rfc3339(vd->first_time, t);
		if (json_object_set_new(doc, "head", json_string(hex)) != 0 ||
		    json_object_set_new(doc, "first_time", json_string(t)) != 0)
			goto done;
		lf_date_rfc3339(vd->last_time, t);
		if (json_object_set_new(doc, "last_time", json_string(t)) != 0)
			goto done;
	}
	if (!good &&
	    (json_object_set_new(doc, "problem",
	         json_string(lf_custody_problem_name(vd->problem))) != 0 ||
	        json_object_set_new(doc, "line",
	            json_integer((json_int_t)vd->line)) != 0 ||
	        lf_json_set_name(doc, "reason", (const uint8_t *)vd->reason,
	            strlen(vd->reason), &err) != LF_OK))
		goto done;
	rc = lf_json_write_line(doc, stdout, &err);
done:
	json_decref(doc);
	if (rc != LF_OK)
		cli_warn("cannot write the JSON document");
	return rc;
}

static int
do_verify(const struct options *o)
{
	struct lf_custody_verifier *v = NULL;
	struct lf_custody_verdict vd;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	struct lf_error err;
	int status = CLI_EXIT_FAILURE;

	if (lf_custody_verifier_new(&v, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (trust(o, v) != 0)
		goto done;
	if (lf_custody_verify_file(o->log, v, &vd, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	status =
	    vd.problem == LF_CUSTODY_GOOD ? CLI_EXIT_OK : CLI_EXIT_NEGATIVE;
	if (o->json) {
		if (print_json(o, &vd) != LF_OK)
			status = CLI_EXIT_FAILURE;
	} else if (!o->c.quiet && status == CLI_EXIT_OK) {
		lf_hex(hex, vd.head, sizeof(vd.head));
		(void)printf("%s: %llu event%s, chain and signatures good, "
		             "head %s\n",
		    cli_esc(o->log, strlen(o->log)),
		    (unsigned long long)vd.events, vd.events == 1 ? "" : "s",
		    hex);
	} else if (!o->c.quiet) {
		(void)printf("%s: line %llu: %s: %s\n",
		    cli_esc(o->log, strlen(o->log)),
		    (unsigned long long)vd.line,
		    lf_custody_problem_name(vd.problem),
		    cli_esc(vd.reason, strlen(vd.reason)));
	}
done:
	lf_custody_verifier_free(v);
	return status;
}

/*
 * status, summary, export: the log read back, once it verified with the
 * trusted keys, as an account per bundle (lf/custodyview.h).
 */

#define STATUS_FORMAT "lf-custody-status"
/* Largest data/manifest.json read from a bundle. */
#define MANIFEST_MAX (16 * 1024 * 1024)
/* Largest sum of the manifests read by one summary. */
#define MANIFESTS_TOTAL_MAX (64 * 1024 * 1024)
#define HOUR 3600

/* A string from the log or a bundle, for a text people read: printable
 * ASCII as is, a backslash doubled, every other byte as \xNN. */
static const char *
ascii_esc(const char *s)
{
	static struct lf_buf ring[8];
	static int next;
	struct lf_buf *b = &ring[next];
	size_t i, n;

	next = (next + 1) % 8;
	if (b->max == 0)
		lf_buf_init(b, 4 * (LF_CUSTODY_REASON_MAX + 1));
	lf_buf_reset(b);
	n = s != NULL ? strlen(s) : 0;
	for (i = 0; i < n && b->len + 5 < b->max; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '\\')
			(void)lf_buf_append(b, "\\\\", 2, NULL);
		else if (c >= 0x20 && c < 0x7f)
			(void)lf_buf_putc(b, c, NULL);
		else
			(void)lf_buf_printf(b, NULL, "\\x%02x", c);
	}
	if (i < n)
		(void)lf_buf_append(b, "...", 3, NULL);
	if (lf_buf_putc(b, 0, NULL) != LF_OK || b->data == NULL)
		return "";
	return (const char *)b->data;
}

static const char *
utc(int64_t t)
{
	static char ring[4][32];
	static int next;
	char *out = ring[next];

	next = (next + 1) % 4;
	lf_date_rfc3339(t, out);
	return out;
}

/* parse_now: "YYYY-MM-DDTHH:MM:SSZ" into seconds since the epoch. */
static bool
parse_now(const char *s, int64_t *out)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	int v[6] = {0}, f = 0;
	size_t i;

	if (strlen(s) != sizeof(form) - 1)
		return false;
	for (i = 0; form[i] != '\0'; i++) {
		if (form[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v[f] = v[f] * 10 + (s[i] - '0');
		} else if (s[i] != form[i]) {
			return false;
		} else {
			f++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return false;
	*out = lf_date_days_from_civil(v[0], v[1], v[2]) * 86400 + v[3] * 3600 +
	    v[4] * 60 + v[5];
	return true;
}

static bool
view_option(struct options *o, int c, const char *arg)
{
	char *end;
	long long h;

	switch (c) {
	case OPT_OVERDUE:
		errno = 0;
		h = strtoll(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || h < 0 ||
		    h > 100000)
			cli_usage_error("--overdue-hours: '%s' is not a number "
			                "of hours (0 to 100000)",
			    cli_esc(arg, strlen(arg)));
		o->view.overdue_hours = (int64_t)h;
		o->view.overdue_given = true;
		return true;
	case OPT_NOW:
		if (!parse_now(arg, &o->view.now))
			cli_usage_error("--now: '%s' is not a time in the form "
			                "2026-11-28T12:00:00Z",
			    cli_esc(arg, strlen(arg)));
		o->view.now_given = true;
		return true;
	case OPT_MANIFEST:
		if (o->view.nmanifests == VIEW_MANIFESTS_MAX)
			cli_usage_error("more than %d --manifest",
			    VIEW_MANIFESTS_MAX);
		o->view.manifests[o->view.nmanifests++] = arg;
		return true;
	case OPT_CASE_UCO:
		o->view.case_uco = true;
		return true;
	default:
		return false;
	}
}

/* view_check: the options of status, summary and export, once parsed. */
static void
view_check(struct options *o, bool append_opts)
{
	if (o->verb != V_STATUS && o->verb != V_SUMMARY &&
	    o->verb != V_EXPORT) {
		if (o->view.overdue_given || o->view.now_given ||
		    o->view.nmanifests > 0 || o->view.case_uco)
			cli_usage_error(
			    "--overdue-hours, --now and --case-uco are "
			    "for status, summary and export; --manifest "
			    "for ingest and summary");
		return;
	}
	if (append_opts)
		cli_usage_error("-k and the event's options are for append");
	if (o->npubkeys == 0 && o->npins == 0)
		cli_usage_error("%s: no trusted key: --pubkey FILE or "
		                "--fingerprint HEX",
		    o->verb_name);
	if ((o->view.overdue_given || o->view.now_given) && o->verb != V_STATUS)
		cli_usage_error("--overdue-hours and --now are for status");
	if (o->view.nmanifests > 0 && o->verb != V_SUMMARY)
		cli_usage_error("--manifest is for summary");
	if (o->json && o->verb != V_STATUS)
		cli_usage_error("--json is for verify and status");
	if (o->verb == V_EXPORT && !o->view.case_uco)
		cli_usage_error("export: the only form is --case-uco");
	if (o->view.case_uco && o->verb != V_EXPORT)
		cli_usage_error("--case-uco is for export");
	if (!o->view.overdue_given)
		o->view.overdue_hours = 24;
}

/*
 * load_view: verify the log with the trusted keys, then read the lines
 * that verified.  Returns CLI_EXIT_OK with *out (and *vd), or the exit
 * status after a message: 1 when the log does not verify, 3 when it
 * cannot be read.
 */
static int
load_view(const struct options *o, struct lf_custodyview **out,
    struct lf_custody_verdict *vd)
{
	struct lf_custody_verifier *v = NULL;
	struct lf_custodyview *view = NULL;
	struct lf_error err;
	int status = CLI_EXIT_FAILURE;

	if (lf_custody_verifier_new(&v, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (trust(o, v) != 0)
		goto done;
	if (lf_custody_verify_file(o->log, v, vd, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	if (vd->problem != LF_CUSTODY_GOOD) {
		cli_warn("%s: line %llu: %s: %s (the log does not verify: "
		         "nothing is read from it)",
		    cli_esc(o->log, strlen(o->log)),
		    (unsigned long long)vd->line,
		    lf_custody_problem_name(vd->problem),
		    cli_esc(vd->reason, strlen(vd->reason)));
		status = CLI_EXIT_NEGATIVE;
		goto done;
	}
	if (lf_custodyview_new(&view, &err) != LF_OK ||
	    lf_custodyview_read_file(view, o->log, vd->events, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		lf_custodyview_free(view);
		goto done;
	}
	*out = view;
	status = CLI_EXIT_OK;
done:
	lf_custody_verifier_free(v);
	return status;
}

/* latest_result: the last result of b's sample i (NULL: none). */
static const struct lf_custodyview_result *
latest_result(const struct lf_custodyview_bundle *b, size_t i)
{
	size_t r = b->samples[i].last_result;

	return r < b->nresults ? &b->results[r] : NULL;
}

static int64_t
first_submission(const struct lf_custodyview_bundle *b)
{
	int64_t t = b->submitted[0].time;
	size_t i;

	for (i = 1; i < b->nsubmitted; i++)
		if (b->submitted[i].time < t)
			t = b->submitted[i].time;
	return t;
}

/* overdue_by: seconds past the deadline of b, or -1 when not overdue. */
static int64_t
overdue_by(const struct options *o, const struct lf_custodyview_bundle *b,
    int64_t now)
{
	int64_t late;

	if (b->nsubmitted == 0 || b->nresults > 0)
		return -1;
	late = now - first_submission(b) - o->view.overdue_hours * HOUR;
	return late >= 0 ? late : -1;
}

static const char *
duration(int64_t s)
{
	static char buf[64];

	if (s >= 86400)
		(void)snprintf(buf, sizeof(buf), "%lldd %lldh %lldm",
		    (long long)(s / 86400), (long long)(s % 86400 / 3600),
		    (long long)(s % 3600 / 60));
	else
		(void)snprintf(buf, sizeof(buf), "%lldh %lldm",
		    (long long)(s / 3600), (long long)(s % 3600 / 60));
	return buf;
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? ascii_esc(s) : "-";
}

static void
print_result_text(const struct lf_custodyview_result *r, const char *indent,
    const char *cont)
{
	if (!r->structured) {
		(void)printf("%sresult in free text (tracking unknown), %s: "
		             "%s\n",
		    indent, utc(r->time), ascii_esc(r->text));
		return;
	}
	(void)printf("%s%s, detection %s (tracking %s, %s)\n", indent,
	    r->determination != NULL ? ascii_esc(r->determination) :
	                               "no determination",
	    or_dash(r->detection), ascii_esc(r->tracking), utc(r->time));
	if (r->file.name != NULL || r->file.md5 != NULL)
		(void)printf("%sfile named %s%s, MD5 %s\n", cont,
		    or_dash(r->file.name),
		    r->name_truncated ? " (name cut short by the vendor)" : "",
		    or_dash(r->file.md5));
}

static void
status_text(const struct options *o, const struct lf_custodyview *view,
    int64_t now)
{
	const struct lf_custodyview_bundle *bs, *b;
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n, i, j, nsub = 0, nover = 0, nwait = 0;
	int64_t late;

	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		b = &bs[i];
		if (b->nsubmitted == 0)
			continue;
		nsub++;
		(void)printf("bundle %s\n", ascii_esc(b->id));
		for (j = 0; j < b->nsubmitted; j++)
			(void)printf("  submitted %s by %s%s%s\n",
			    utc(b->submitted[j].time),
			    ascii_esc(b->submitted[j].actor),
			    b->submitted[j].reason != NULL ? ": " : "",
			    b->submitted[j].reason != NULL ?
			        ascii_esc(b->submitted[j].reason) :
			        "");
		(void)printf("  tracking");
		for (j = 0; j < b->ntracking; j++)
			(void)printf(" %s", ascii_esc(b->tracking[j]));
		(void)printf("%s\n", b->ntracking == 0 ? " none yet" : "");
		for (j = 0; j < b->nsamples; j++) {
			lf_hex(hex, b->samples[j].sha256, LF_CUSTODY_HASH_LEN);
			r = latest_result(b, j);
			(void)printf("  sample %s: %s\n", hex,
			    r == NULL ? "awaiting" : "result");
			if (r != NULL)
				print_result_text(r, "    ", "      ");
		}
		for (j = 0; j < b->nresults; j++)
			if (!b->results[j].has_sample) {
				(void)printf("  result tied to no sample:\n");
				print_result_text(&b->results[j], "    ",
				    "      ");
			}
		late = overdue_by(o, b, now);
		if (late >= 0) {
			nover++;
			(void)printf("  OVERDUE by %s: no result %lld hours "
			             "after the first submission (%s); follow "
			             "up with the vendor\n",
			    duration(late), (long long)o->view.overdue_hours,
			    utc(first_submission(b)));
		} else if (b->nresults == 0) {
			nwait++;
			(void)printf("  awaiting a result, due by %s\n",
			    utc(first_submission(b) +
			        o->view.overdue_hours * HOUR));
		}
	}
	for (i = 0; i < n; i++) {
		b = &bs[i];
		if (b->nsubmitted == 0 && b->packed)
			(void)printf("bundle %s: packed %s by %s, not "
			             "submitted (%zu samples)\n",
			    ascii_esc(b->id), utc(b->packed_time),
			    ascii_esc(b->packed_actor), b->nsamples);
	}
	r = lf_custodyview_unlinked(view, &n);
	for (i = 0; i < n; i++) {
		(void)printf("result tied to no bundle:\n");
		print_result_text(&r[i], "  ", "    ");
	}
	(void)printf("%zu submitted, %zu overdue, %zu awaiting a result "
	             "(as of %s)\n",
	    nsub, nover, nwait, utc(now));
}

static int
jset(json_t *obj, const char *key, json_t *val)
{
	return val == NULL ? -1 : json_object_set_new(obj, key, val);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
result_json(const struct lf_custodyview_result *r)
{
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	lf_hex(hex, r->sample, LF_CUSTODY_HASH_LEN);
	if (jset(o, "seq", json_integer((json_int_t)r->seq)) != 0 ||
	    jset(o, "time", json_string(utc(r->time))) != 0 ||
	    jset(o, "sample", r->has_sample ? json_string(hex) : json_null()) !=
	        0 ||
	    jset(o, "structured", json_boolean(r->structured)) != 0 ||
	    jset(o, "tracking", jstr(r->tracking)) != 0 ||
	    jset(o, "determination", jstr(r->determination)) != 0 ||
	    jset(o, "detection", jstr(r->detection)) != 0 ||
	    jset(o, "name", jstr(r->file.name)) != 0 ||
	    jset(o, "md5", jstr(r->file.md5)) != 0 ||
	    jset(o, "text", jstr(r->text)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
bundle_json(const struct options *o, const struct lf_custodyview_bundle *b,
    int64_t now, bool *overdue)
{
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	json_t *j = json_object(), *a, *e;
	const char *state;
	int64_t late = overdue_by(o, b, now);
	size_t i;

	if (j == NULL)
		return NULL;
	state = b->nsubmitted == 0 ? "not-submitted" :
	    late >= 0              ? "overdue" :
	    b->nresults > 0        ? "result" :
	                             "awaiting";
	*overdue = late >= 0;
	if (jset(j, "id", json_string(b->id)) != 0 ||
	    jset(j, "state", json_string(state)) != 0)
		goto fail;
	if (b->packed) {
		if ((e = json_object()) == NULL || jset(j, "packed", e) != 0 ||
		    jset(e, "time", json_string(utc(b->packed_time))) != 0 ||
		    jset(e, "actor", json_string(b->packed_actor)) != 0)
			goto fail;
	} else if (jset(j, "packed", json_null()) != 0) {
		goto fail;
	}
	if ((a = json_array()) == NULL || jset(j, "submitted", a) != 0)
		goto fail;
	for (i = 0; i < b->nsubmitted; i++)
		if ((e = json_object()) == NULL ||
		    json_array_append_new(a, e) ||
		    jset(e, "time", json_string(utc(b->submitted[i].time))) ||
		    jset(e, "actor", json_string(b->submitted[i].actor)) ||
		    jset(e, "reason", jstr(b->submitted[i].reason)))
			goto fail;
	if (jset(j, "due",
	        b->nsubmitted > 0 ? json_string(utc(first_submission(b) +
	                                o->view.overdue_hours * HOUR)) :
	                            json_null()) != 0 ||
	    jset(j, "overdue_seconds",
	        late >= 0 ? json_integer(late) : json_null()) != 0)
		goto fail;
	if ((a = json_array()) == NULL || jset(j, "tracking", a) != 0)
		goto fail;
	for (i = 0; i < b->ntracking; i++)
		if (json_array_append_new(a, json_string(b->tracking[i])))
			goto fail;
	if ((a = json_array()) == NULL || jset(j, "samples", a) != 0)
		goto fail;
	for (i = 0; i < b->nsamples; i++) {
		lf_hex(hex, b->samples[i].sha256, LF_CUSTODY_HASH_LEN);
		r = latest_result(b, i);
		if ((e = json_object()) == NULL ||
		    json_array_append_new(a, e) ||
		    jset(e, "sha256", json_string(hex)) ||
		    jset(e, "state",
		        json_string(r != NULL ? "result" : "awaiting")) ||
		    jset(e, "result", r != NULL ? result_json(r) : json_null()))
			goto fail;
	}
	if ((a = json_array()) == NULL || jset(j, "results", a) != 0)
		goto fail;
	for (i = 0; i < b->nresults; i++)
		if (json_array_append_new(a, result_json(&b->results[i])))
			goto fail;
	return j;
fail:
	json_decref(j);
	return NULL;
}

static int
status_json(const struct options *o, const struct lf_custodyview *view,
    const struct lf_custody_verdict *vd, int64_t now, bool *overdue)
{
	json_t *doc =
	    lf_json_doc_new(STATUS_FORMAT, FORMAT_VERSION, cli_prog());
	const struct lf_custodyview_bundle *bs;
	const struct lf_custodyview_result *r;
	json_t *a, *e;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	struct lf_error err;
	size_t n, i;
	bool late;
	int rc = LF_E_NOMEM;

	*overdue = false;
	lf_hex(hex, vd->head, sizeof(vd->head));
	if (doc == NULL ||
	    lf_json_set_name(doc, "log", (const uint8_t *)o->log,
	        strlen(o->log), &err) != LF_OK ||
	    jset(doc, "events", json_integer((json_int_t)vd->events)) != 0 ||
	    jset(doc, "head", json_string(hex)) != 0 ||
	    jset(doc, "now", json_string(utc(now))) != 0 ||
	    jset(doc, "overdue_hours", json_integer(o->view.overdue_hours)) !=
	        0 ||
	    (a = json_array()) == NULL || jset(doc, "bundles", a) != 0)
		goto done;
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		if (bs[i].nsubmitted == 0 && !bs[i].packed)
			continue;
		if ((e = bundle_json(o, &bs[i], now, &late)) == NULL ||
		    json_array_append_new(a, e) != 0)
			goto done;
		*overdue |= late;
	}
	if ((a = json_array()) == NULL || jset(doc, "unlinked", a) != 0)
		goto done;
	r = lf_custodyview_unlinked(view, &n);
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, result_json(&r[i])) != 0)
			goto done;
	if (jset(doc, "overdue", json_boolean(*overdue)) != 0)
		goto done;
	rc = lf_json_write_line(doc, stdout, &err);
done:
	json_decref(doc);
	if (rc != LF_OK)
		cli_warn("cannot write the JSON document");
	return rc;
}

static int
do_status(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	const struct lf_custodyview_bundle *bs;
	int64_t now = o->view.now_given ? o->view.now : (int64_t)time(NULL);
	size_t n, i;
	bool overdue = false;
	int status;

	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++)
		overdue |= overdue_by(o, &bs[i], now) >= 0;
	if (o->json) {
		if (status_json(o, view, &vd, now, &overdue) != LF_OK)
			status = CLI_EXIT_FAILURE;
	} else if (!o->c.quiet) {
		status_text(o, view, now);
	}
	if (status == CLI_EXIT_OK && overdue)
		status = CLI_EXIT_NEGATIVE;
	lf_custodyview_free(view);
	return status;
}

/*
 * read_manifest: data/manifest.json of the bundle tar at path, read with
 * the strict tar reader, at most MANIFEST_MAX bytes and at most *budget
 * (less what it takes).  Returns the
 * document (new), or NULL after a message.
 */
static json_t *
read_manifest(const char *path, size_t *budget)
{
	struct lf_reader *in = NULL;
	struct lf_tarr *tr = NULL;
	struct lf_tar_entry e;
	struct lf_error err;
	json_error_t jerr;
	json_t *doc = NULL;
	uint8_t *buf = NULL;
	const char *slash;
	long got;
	size_t len = 0;
	int fd, rc;

	lf_error_clear(&err);
	(void)snprintf(err.msg, sizeof(err.msg),
	    "data/manifest.json is cut "
	    "short");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		return NULL;
	}
	if (lf_reader_from_fd(fd, true, &in, &err) != LF_OK) {
		(void)close(fd);
		cli_warn("%s", err.msg);
		return NULL;
	}
	if (lf_tarr_new(in, &tr, &err) != LF_OK)
		goto fail;
	while ((rc = lf_tarr_next(tr, &e, &err)) == 1) {
		slash = strchr(e.path, '/');
		if (e.type != LF_TAR_FILE || slash == NULL ||
		    strcmp(slash, "/data/manifest.json") != 0)
			continue;
		if (e.size > MANIFEST_MAX || e.size > *budget) {
			cli_warn("'%s': data/manifest.json is larger than %d "
			         "bytes, or the manifests than %d in all",
			    cli_esc(path, strlen(path)), MANIFEST_MAX,
			    MANIFESTS_TOTAL_MAX);
			goto done;
		}
		*budget -= (size_t)e.size;
		if ((buf = malloc(e.size + 1)) == NULL) {
			cli_warn("out of memory");
			goto done;
		}
		while (len < e.size &&
		    (got = lf_tarr_read(tr, buf + len, e.size - len, &err)) > 0)
			len += (size_t)got;
		if (len != e.size)
			goto fail;
		doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
		    &jerr);
		if (doc == NULL || !json_is_object(doc)) {
			cli_warn("'%s': data/manifest.json is not a JSON "
			         "object: %s",
			    cli_esc(path, strlen(path)),
			    doc == NULL ?
			        cli_esc(jerr.text, strlen(jerr.text)) :
			        "another value");
			json_decref(doc);
			doc = NULL;
		}
		goto done;
	}
	if (rc == 0) {
		cli_warn("'%s': no data/manifest.json in the bundle",
		    cli_esc(path, strlen(path)));
		goto done;
	}
fail:
	cli_warn("'%s': %s", cli_esc(path, strlen(path)), err.msg);
done:
	free(buf);
	lf_tarr_free(tr);
	lf_reader_free(in);
	return doc;
}

static const char *
manifest_bundle_id(const json_t *m)
{
	return json_string_value(
	    json_object_get(json_object_get(m, "bundle"), "id"));
}

/* summary_names: the names of sample hex in the manifest and from the
 * vendor's replies. */
static void
summary_names(const json_t *m, const struct lf_custodyview_bundle *b,
    const char *hex, const char **md5)
{
	const json_t *s, *f;
	size_t i, j;
	bool any = false;

	json_array_foreach(json_object_get(m, "samples"), i, s)
	{
		const json_t *obj = json_object_get(s, "object");
		if (!json_is_string(json_object_get(obj, "sha256")) ||
		    strcmp(json_string_value(json_object_get(obj, "sha256")),
		        hex) != 0)
			continue;
		if (json_string_value(json_object_get(obj, "md5")) != NULL)
			*md5 = json_string_value(json_object_get(obj, "md5"));
		json_array_foreach(json_object_get(s, "found"), j, f)
		{
			const char *name =
			    json_string_value(json_object_get(f, "name"));
			if (name == NULL)
				continue;
			(void)printf("      name in message %s part %s: %s\n",
			    or_dash(json_string_value(
			        json_object_get(f, "message_sha256"))),
			    or_dash(
			        json_string_value(json_object_get(f, "path"))),
			    ascii_esc(name));
			any = true;
		}
	}
	json_array_foreach(json_object_get(m, "messages"), i, s)
	{
		const char *sha =
		    json_string_value(json_object_get(s, "sha256"));
		if (sha != NULL && strcmp(sha, hex) == 0) {
			(void)printf("      an original message, sealed\n");
			any = true;
		}
	}
	for (i = 0; i < b->nfiles; i++) {
		if (b->files[i].sha256 == NULL ||
		    strcmp(b->files[i].sha256, hex) != 0)
			continue;
		if (b->files[i].md5 != NULL && *md5 == NULL)
			*md5 = b->files[i].md5;
		if (b->files[i].name != NULL) {
			(void)printf("      name in the vendor's receipt: %s\n",
			    ascii_esc(b->files[i].name));
			any = true;
		}
	}
	for (i = 0; i < b->nresults; i++) {
		const struct lf_custodyview_result *r = &b->results[i];
		uint8_t raw[LF_CUSTODY_HASH_LEN];
		bool mine = r->has_sample;

		if (r->file.name == NULL)
			continue;
		if (r->has_sample) {
			(void)lf_hex_decode(hex, strlen(hex), raw, sizeof(raw));
			mine = memcmp(r->sample, raw, sizeof(raw)) == 0;
		} else if (r->file.sha256 != NULL) {
			mine = strcmp(r->file.sha256, hex) == 0;
		}
		if (!mine)
			continue;
		(void)printf("      name in the vendor's result: %s%s\n",
		    ascii_esc(r->file.name),
		    r->name_truncated ? " (cut short by the vendor)" : "");
		any = true;
	}
	if (!any)
		(void)printf("      names: none recorded\n");
}

static void
summary_manifest(const json_t *m)
{
	static const char *const fields[] = {"id", "evidence_number",
	    "examiner", "organization", "contact"};
	static const char *const labels[] = {"case", "evidence number",
	    "examiner", "organization", "contact"};
	static const char *const verdicts[] = {"transited", "unknown",
	    "not-transited"};
	const json_t *c = json_object_get(m, "case"), *msg, *g;
	const char *v;
	size_t i, j, k;
	bool any;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((v = json_string_value(json_object_get(c, fields[i]))) !=
		    NULL)
			(void)printf("  %s: %s\n", labels[i], ascii_esc(v));
	json_array_foreach(json_object_get(m, "messages"), i, msg)
	{
		(void)printf("  message %s, gateway transit:\n",
		    or_dash(json_string_value(json_object_get(msg, "sha256"))));
		for (k = 0; k < sizeof(verdicts) / sizeof(verdicts[0]); k++) {
			any = false;
			json_array_foreach(json_object_get(msg, "gateways"), j,
			    g)
			{
				v = json_string_value(
				    json_object_get(g, "verdict"));
				if (v == NULL || strcmp(v, verdicts[k]) != 0)
					continue;
				(void)printf("%s%s", any ? ", " : "    ",
				    or_dash(json_string_value(
				        json_object_get(g, "gateway"))));
				if (k == 0)
					(void)printf(" (%s)",
					    or_dash(json_string_value(
					        json_object_get(g, "why"))));
				any = true;
			}
			if (any)
				(void)printf(": %s\n", verdicts[k]);
		}
	}
}

static void
summary_bundle(const struct lf_custodyview_bundle *b, const json_t *m)
{
	const struct lf_custodyview_result *r;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	const char *md5;
	size_t i;

	(void)printf("\nBundle %s\n", ascii_esc(b->id));
	if (b->packed)
		(void)printf("  packed: %s UTC by %s\n", utc(b->packed_time),
		    ascii_esc(b->packed_actor));
	for (i = 0; i < b->nsubmitted; i++)
		(void)printf("  submitted: %s UTC by %s\n",
		    utc(b->submitted[i].time),
		    ascii_esc(b->submitted[i].actor));
	if (b->nsubmitted == 0)
		(void)printf("  submitted: not yet\n");
	(void)printf("  tracking numbers:");
	for (i = 0; i < b->ntracking; i++)
		(void)printf(" %s", ascii_esc(b->tracking[i]));
	(void)printf("%s\n", b->ntracking == 0 ? " none yet" : "");
	if (m != NULL)
		summary_manifest(m);
	(void)printf("  samples (%zu):\n", b->nsamples);
	for (i = 0; i < b->nsamples; i++) {
		lf_hex(hex, b->samples[i].sha256, LF_CUSTODY_HASH_LEN);
		(void)printf("    SHA-256 %s\n", hex);
		md5 = NULL;
		summary_names(m, b, hex, &md5);
		r = latest_result(b, i);
		if (r == NULL)
			for (size_t j = 0; j < b->nresults; j++)
				if (b->results[j].structured &&
				    b->results[j].file.sha256 != NULL &&
				    strcmp(b->results[j].file.sha256, hex) == 0)
					r = &b->results[j];
		if (md5 == NULL && r != NULL && r->file.md5 != NULL)
			md5 = r->file.md5;
		if (md5 != NULL)
			(void)printf("      MD5 %s\n", ascii_esc(md5));
		if (r == NULL)
			(void)printf("      verdict: awaiting\n");
		else
			print_result_text(r, "      verdict: ", "        ");
	}
	for (i = 0; i < b->nresults; i++)
		if (!b->results[i].has_sample)
			print_result_text(&b->results[i],
			    "  result tied to no sample: ", "    ");
	(void)printf("  The samples are available, sealed, in bundle %s, on "
	             "request.\n",
	    ascii_esc(b->id));
}

static int
do_summary(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	const struct lf_custodyview_bundle *bs;
	json_t *m[VIEW_MANIFESTS_MAX] = {NULL};
	size_t budget = MANIFESTS_TOTAL_MAX;
	const json_t *mb;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n, i, k;
	int status;

	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	for (k = 0; k < o->view.nmanifests; k++) {
		if ((m[k] = read_manifest(o->view.manifests[k], &budget)) ==
		    NULL) {
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		if (manifest_bundle_id(m[k]) == NULL ||
		    lf_custodyview_find(view, manifest_bundle_id(m[k])) == NULL)
			cli_warn("'%s': its bundle is not in the log",
			    cli_esc(o->view.manifests[k],
			        strlen(o->view.manifests[k])));
	}
	lf_hex(hex, vd.head, sizeof(vd.head));
	(void)printf("Custody summary: %llu event%s from %s to %s UTC, "
	             "signed and chained (head %s)\n",
	    (unsigned long long)vd.events, vd.events == 1 ? "" : "s",
	    utc(vd.first_time), utc(vd.last_time), hex);
	(void)printf("Hashes and verdicts only: no sample is attached to "
	             "this text.\n");
	bs = lf_custodyview_bundles(view, &n);
	for (i = 0; i < n; i++) {
		mb = NULL;
		for (k = 0; k < o->view.nmanifests; k++)
			if (manifest_bundle_id(m[k]) != NULL &&
			    strcmp(manifest_bundle_id(m[k]), bs[i].id) == 0)
				mb = m[k];
		summary_bundle(&bs[i], mb);
	}
done:
	for (k = 0; k < o->view.nmanifests; k++)
		json_decref(m[k]);
	lf_custodyview_free(view);
	return status;
}

/* The CASE/UCO export: JSON-LD, one node a line inside "@graph". */
static const char uco_context[] =
    "{\"@context\":{"
    "\"case-investigation\":\"https://ontology.caseontology.org/case/"
    "investigation/\","
    "\"uco-core\":\"https://ontology.unifiedcyberontology.org/uco/core/\","
    "\"uco-action\":\"https://ontology.unifiedcyberontology.org/uco/"
    "action/\","
    "\"uco-observable\":\"https://ontology.unifiedcyberontology.org/uco/"
    "observable/\","
    "\"uco-types\":\"https://ontology.unifiedcyberontology.org/uco/"
    "types/\","
    "\"uco-identity\":\"https://ontology.unifiedcyberontology.org/uco/"
    "identity/\","
    "\"uco-tool\":\"https://ontology.unifiedcyberontology.org/uco/tool/\","
    "\"uco-vocabulary\":\"https://ontology.unifiedcyberontology.org/uco/"
    "vocabulary/\","
    "\"xsd\":\"http://www.w3.org/2001/XMLSchema#\","
    "\"kb\":\"urn:lf-custody:kb:\"},\n\"@graph\":[\n";

/* short_id: the first 16 bytes of the SHA-256 of the parts, in hex: a
 * stable @id for a name the log gives. */
static void
short_id(char out[33], const char *a, const char *b)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, a, strlen(a) + 1) == 1 &&
	    (b == NULL || EVP_DigestUpdate(c, b, strlen(b) + 1) == 1))
		(void)EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	lf_hex(out, md, 16);
}

static json_t *
typed(const char *type, const char *value)
{
	return json_pack("{s:s, s:s}", "@type", type, "@value", value);
}

static json_t *
ref(const char *id)
{
	return json_pack("{s:s}", "@id", id);
}

/* emit: one node of the graph, after a comma unless it is the first. */
static int
emit(json_t *node, bool *first)
{
	char *s;
	int rc = -1;

	if (node == NULL)
		return -1;
	s = json_dumps(node, JSON_COMPACT);
	if (s != NULL) {
		(void)printf("%s%s", *first ? "" : ",\n", s);
		*first = false;
		rc = 0;
	}
	free(s);
	json_decref(node);
	return rc;
}

static json_t *
object_node(const char *hex)
{
	char id[96], facet[96], hash[96];

	(void)snprintf(id, sizeof(id), "kb:object-%s", hex);
	(void)snprintf(facet, sizeof(facet), "kb:content-data-facet-%s", hex);
	(void)snprintf(hash, sizeof(hash), "kb:hash-sha256-%s", hex);
	return json_pack("{s:s, s:s, s:[{s:s, s:s, s:[{s:s, s:s, s:o, s:o}]}]}",
	    "@id", id, "@type", "uco-observable:ObservableObject",
	    "uco-core:hasFacet", "@id", facet, "@type",
	    "uco-observable:ContentDataFacet", "uco-observable:hash", "@id",
	    hash, "@type", "uco-types:Hash", "uco-types:hashMethod",
	    typed("uco-vocabulary:HashNameVocab", "SHA256"),
	    "uco-types:hashValue", typed("xsd:hexBinary", hex));
}

/* export_event: the nodes of one event. */
static int
export_event(const struct lf_custody_event *ev, bool *first)
{
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], prev[65], key[65], sig[129];
	char action[64], record[64], who[64], tool[64], bundle[64], h[33];
	char chain[512];
	const char *role;
	json_t *node, *objs, *descr;
	size_t i;

	(void)snprintf(action, sizeof(action), "kb:action-%llu",
	    (unsigned long long)ev->seq);
	(void)snprintf(record, sizeof(record), "kb:provenance-record-%llu",
	    (unsigned long long)ev->seq);
	short_id(h, ev->actor, NULL);
	(void)snprintf(who, sizeof(who), "kb:identity-%s", h);
	short_id(h, ev->tool_name, ev->tool_version);
	(void)snprintf(tool, sizeof(tool), "kb:tool-%s", h);
	if (emit(json_pack("{s:s, s:s, s:s}", "@id", who, "@type",
	             "uco-identity:Identity", "uco-core:name", ev->actor),
	        first) != 0 ||
	    emit(json_pack("{s:s, s:s, s:s, s:s}", "@id", tool, "@type",
	             "uco-tool:Tool", "uco-core:name", ev->tool_name,
	             "uco-tool:version", ev->tool_version),
	        first) != 0)
		return -1;
	if ((objs = json_array()) == NULL)
		return -1;
	for (i = 0; i < ev->nobjects; i++) {
		lf_hex(hex, ev->objects[i], LF_CUSTODY_HASH_LEN);
		if (emit(object_node(hex), first) != 0)
			goto fail;
		(void)snprintf(chain, sizeof(chain), "kb:object-%s", hex);
		if (json_array_append_new(objs, ref(chain)) != 0)
			goto fail;
	}
	if (ev->bundle != NULL) {
		short_id(h, ev->bundle, NULL);
		(void)snprintf(bundle, sizeof(bundle), "kb:bundle-%s", h);
		if (emit(json_pack("{s:s, s:s, s:s, s:s}", "@id", bundle,
		             "@type", "uco-observable:ObservableObject",
		             "uco-core:name", ev->bundle,
		             "uco-core:description",
		             "evidence bundle (docs/bundle-format.md)"),
		        first) != 0 ||
		    json_array_append_new(objs, ref(bundle)) != 0)
			goto fail;
	}
	if (emit(json_pack("{s:s, s:s, s:s, s:O}", "@id", record, "@type",
	             "case-investigation:ProvenanceRecord",
	             "uco-core:description", lf_custody_action_name(ev->action),
	             "uco-core:object", objs),
	        first) != 0)
		goto fail;
	json_decref(objs);
	lf_hex(prev, ev->prev, sizeof(ev->prev));
	lf_hex(key, ev->key, sizeof(ev->key));
	lf_hex(sig, ev->sig, sizeof(ev->sig));
	(void)snprintf(chain, sizeof(chain),
	    "custody log line %llu: prev %s, key %s, sig %s",
	    (unsigned long long)ev->seq, prev, key, sig);
	if ((descr = json_pack("[s]", chain)) == NULL ||
	    (ev->reason != NULL &&
	        json_array_append_new(descr, json_string(ev->reason)) != 0)) {
		json_decref(descr);
		return -1;
	}
	/* What an action makes is its result; what it acts on, its object. */
	role = ev->action == LF_CUSTODY_ACQUIRED ||
	        ev->action == LF_CUSTODY_EXTRACTED ||
	        ev->action == LF_CUSTODY_PACKED ||
	        ev->action == LF_CUSTODY_RECEIPT ||
	        ev->action == LF_CUSTODY_RESULT ?
	    "uco-action:result" :
	    "uco-action:object";
	node = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:[o], s:o}", "@id",
	    action, "@type", "case-investigation:InvestigativeAction",
	    "uco-core:name", lf_custody_action_name(ev->action),
	    "uco-action:startTime", typed("xsd:dateTime", utc(ev->time)),
	    "uco-action:performer", ref(who), "uco-action:instrument",
	    ref(tool), role, ref(record), "uco-core:description", descr);
	return emit(node, first);
fail:
	json_decref(objs);
	return -1;
}

static int
do_export(const struct options *o)
{
	struct lf_custodyview *view = NULL;
	struct lf_custody_verdict vd;
	struct lf_custody_parsed pl;
	struct lf_reader *in = NULL;
	struct lf_error err;
	struct lf_buf line;
	uint64_t i;
	bool too_long, first = true;
	int fd, rc, status;

	/* The view is built to check the log reads whole before any output. */
	if ((status = load_view(o, &view, &vd)) != CLI_EXIT_OK)
		return status;
	lf_custodyview_free(view);
	status = CLI_EXIT_FAILURE;
	lf_buf_init(&line, LF_CUSTODY_LINE_MAX + 1);
	fd = open(o->log, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || flock(fd, LOCK_SH) != 0 ||
	    lf_reader_from_fd(fd, true, &in, &err) != LF_OK) {
		cli_warn("cannot read '%s': %s",
		    cli_esc(o->log, strlen(o->log)), strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		goto done;
	}
	(void)fputs(uco_context, stdout);
	for (i = 0; i < vd.events; i++) {
		rc = lf_reader_getline(in, &line, LF_CUSTODY_LINE_MAX,
		    &too_long, &err);
		if (rc != 1 || too_long ||
		    lf_custody_parse_line(line.data, line.len, &pl, &err) !=
		        LF_OK) {
			cli_warn("'%s': line %llu changed while it was read",
			    cli_esc(o->log, strlen(o->log)),
			    (unsigned long long)i + 1);
			goto done;
		}
		rc = export_event(&pl.ev, &first);
		lf_custody_parsed_release(&pl);
		if (rc != 0) {
			cli_warn("out of memory");
			goto done;
		}
	}
	(void)printf("\n]}\n");
	status = CLI_EXIT_OK;
done:
	lf_reader_free(in);
	lf_buf_release(&line);
	return status;
}

/* End of status, summary and export. */
/*
 * ---- ingest: vendor reply mails (docs/custody-log.md, "Vendor mails") ----
 *
 * The log is verified first, then read once for what links a mail to a
 * bundle: the mails already ingested (by SHA-256), the bundle of each
 * tracking number, and the bundle of each object packed or submitted.
 * Linking never guesses: two bundles for one mail refuse the mail.
 */

struct link {
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	char *tracking; /* or NULL */
	char *bundle;
};

struct links {
	struct link *v;
	size_t n;
	uint8_t (*mails)[LF_CUSTODY_HASH_LEN];
	size_t nmails;
	/* --manifest: MD5 -> SHA-256 of each sample, and the bundle id */
	uint8_t (*md5)[16];
	uint8_t (*md5sha)[LF_CUSTODY_HASH_LEN];
	size_t nmd5;
	char *mbundle;
};

static void
ingest_nomem(void)
{
	cli_warn("out of memory");
	exit(CLI_EXIT_FAILURE);
}

static void
links_add(struct links *l, const uint8_t *sha, const char *tracking,
    const char *bundle)
{
	struct link *more = reallocarray(l->v, l->n + 1, sizeof(*more));

	if (more == NULL)
		ingest_nomem();
	l->v = more;
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	if (sha != NULL)
		memcpy(l->v[l->n].sha, sha, LF_CUSTODY_HASH_LEN);
	l->v[l->n].tracking = tracking != NULL ? strdup(tracking) : NULL;
	l->v[l->n].bundle = strdup(bundle);
	if (l->v[l->n].bundle == NULL ||
	    (tracking != NULL && l->v[l->n].tracking == NULL))
		ingest_nomem();
	l->n++;
}

static void
links_mail(struct links *l, const uint8_t *sha)
{
	uint8_t(*more)[LF_CUSTODY_HASH_LEN];

	more = reallocarray(l->mails, l->nmails + 1, sizeof(*more));
	if (more == NULL)
		ingest_nomem();
	l->mails = more;
	memcpy(l->mails[l->nmails++], sha, LF_CUSTODY_HASH_LEN);
}

static bool
links_has_mail(const struct links *l, const uint8_t *sha)
{
	size_t i;

	for (i = 0; i < l->nmails; i++)
		if (memcmp(l->mails[i], sha, LF_CUSTODY_HASH_LEN) == 0)
			return true;
	return false;
}

static void
links_free(struct links *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].tracking);
		free(l->v[i].bundle);
	}
	free(l->v);
	free(l->mails);
	free(l->md5);
	free(l->md5sha);
	free(l->mbundle);
}

static bool
hex_field(json_t *o, const char *key, uint8_t *out, size_t len)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && strlen(s) == 2 * len &&
	    lf_hex_decode(s, 2 * len, out, len) == (long)len;
}

/* One verified event: what it says about mails, trackings and bundles. */
static void
links_event(struct links *l, const struct lf_custody_event *ev)
{
	json_t *r, *vm;
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	const char *tr;
	size_t i;

	if ((ev->action == LF_CUSTODY_PACKED ||
	        ev->action == LF_CUSTODY_SUBMITTED) &&
	    ev->bundle != NULL) {
		for (i = 0; i < ev->nobjects; i++)
			links_add(l, ev->objects[i], NULL, ev->bundle);
		return;
	}
	if ((ev->action != LF_CUSTODY_RECEIPT &&
	        ev->action != LF_CUSTODY_RESULT) ||
	    ev->reason == NULL ||
	    (r = json_loads(ev->reason, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return;
	vm = json_object_get(r, "vendor_mail");
	if (json_is_object(vm) && hex_field(vm, "sha256", sha, sizeof(sha)) &&
	    !links_has_mail(l, sha))
		links_mail(l, sha);
	tr = json_string_value(json_object_get(r, "tracking"));
	if (tr != NULL && ev->bundle != NULL)
		links_add(l, NULL, tr, ev->bundle);
	json_decref(r);
}

/* Read the log again, now that it verified. */
static int
links_read(const char *log, struct links *l)
{
	struct lf_custody_parsed pl;
	struct lf_error err;
	FILE *fp = fopen(log, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;

	if (fp == NULL) {
		cli_warn("cannot open '%s': %s", cli_esc(log, strlen(log)),
		    strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (lf_custody_parse_line((const uint8_t *)line, (size_t)n, &pl,
		        &err) != LF_OK) {
			/* it verified a moment ago: changed meanwhile */
			cli_warn("'%s': %s", cli_esc(log, strlen(log)),
			    err.msg);
			status = -1;
			break;
		}
		links_event(l, &pl.ev);
		lf_custody_parsed_release(&pl);
	}
	if (ferror(fp)) {
		cli_warn("cannot read '%s': %s", cli_esc(log, strlen(log)),
		    strerror(errno));
		status = -1;
	}
	free(line);
	(void)fclose(fp);
	return status;
}

/* A manifest.json: its bundle id and each sample's MD5 and SHA-256. */
static int
manifest_json(struct links *l, const char *name, const char *p, size_t n)
{
	json_error_t je;
	json_t *doc = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je), *s;
	const char *id;
	size_t i;
	void *m1, *m2;

	if (doc == NULL ||
	    (id = json_string_value(
	         json_object_get(json_object_get(doc, "bundle"), "id"))) ==
	        NULL ||
	    !json_is_array(json_object_get(doc, "samples"))) {
		cli_warn("'%s': not a bundle manifest",
		    cli_esc(name, strlen(name)));
		json_decref(doc);
		return -1;
	}
	if ((l->mbundle = strdup(id)) == NULL)
		ingest_nomem();
	json_array_foreach(json_object_get(doc, "samples"), i, s)
	{
		m1 = reallocarray(l->md5, l->nmd5 + 1, sizeof(*l->md5));
		if (m1 == NULL)
			ingest_nomem();
		l->md5 = m1;
		m2 = reallocarray(l->md5sha, l->nmd5 + 1, sizeof(*l->md5sha));
		if (m2 == NULL)
			ingest_nomem();
		l->md5sha = m2;
		if (json_is_object(json_object_get(s, "object")))
			s = json_object_get(s, "object");
		if (hex_field(s, "md5", l->md5[l->nmd5], 16) &&
		    hex_field(s, "sha256", l->md5sha[l->nmd5],
		        LF_CUSTODY_HASH_LEN))
			l->nmd5++;
	}
	json_decref(doc);
	return 0;
}

/* Largest manifest ingest reads (status and summary read theirs with
 * read_manifest). */
#define INGEST_MANIFEST_MAX (64u * 1024 * 1024)

/* --manifest: a bundle .tar (its data/manifest.json) or the JSON itself. */
static int
manifest_read(struct links *l, const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *en;
	char *buf = NULL;
	size_t n = 0, len;
	la_ssize_t got;
	int r, status = -1;

	if (a == NULL)
		ingest_nomem();
	archive_read_support_format_tar(a);
	archive_read_support_format_raw(a);
	archive_read_support_filter_none(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    archive_error_string(a));
		status = -2;
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		en = archive_entry_pathname(e);
		len = en != NULL ? strlen(en) : 0;
		if (archive_format(a) != ARCHIVE_FORMAT_RAW &&
		    (len < 18 ||
		        strcmp(en + len - 18, "data/manifest.json") != 0 ||
		        (len > 18 && en[len - 19] != '/')))
			continue;
		if ((buf = malloc(INGEST_MANIFEST_MAX)) == NULL)
			ingest_nomem();
		while (n < INGEST_MANIFEST_MAX &&
		    (got = archive_read_data(a, buf + n,
		         INGEST_MANIFEST_MAX - n)) > 0)
			n += (size_t)got;
		status = manifest_json(l, path, buf, n);
		goto done;
	}
	cli_warn("'%s': no data/manifest.json in it",
	    cli_esc(path, strlen(path)));
done:
	free(buf);
	archive_read_free(a);
	return status;
}

/* The SHA-256 of a file the mail names: given, or through the manifest. */
static bool
file_sha(const struct links *l, const struct lf_vendormail_file *f,
    uint8_t *sha, bool *by_manifest)
{
	size_t i;

	*by_manifest = false;
	if (f->has_sha256) {
		memcpy(sha, f->sha256, LF_CUSTODY_HASH_LEN);
		return true;
	}
	if (!f->has_md5)
		return false;
	for (i = 0; i < l->nmd5; i++)
		if (memcmp(l->md5[i], f->md5, 16) == 0) {
			memcpy(sha, l->md5sha[i], LF_CUSTODY_HASH_LEN);
			*by_manifest = true;
			return true;
		}
	return false;
}

/* Keep b as the bundle, or fail when another one was found already. */
static int
one_bundle(const char **have, const char *b)
{
	if (*have != NULL && strcmp(*have, b) != 0)
		return -1;
	*have = b;
	return 0;
}

/*
 * The bundle of the mail: --bundle, else the tracking number's, else the
 * bundle of the files' SHA-256s.  NULL when none; -1 for two bundles.
 */
static int
link_bundle(const struct options *o, const struct links *l,
    const struct lf_vendormail *m, const char **bundle, const char **other)
{
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	bool bym;
	size_t i, j;

	*bundle = NULL;
	if (o->bundle != NULL) {
		*bundle = o->bundle;
		return 0;
	}
	for (i = 0; i < l->n; i++)
		if (l->v[i].tracking != NULL &&
		    strcmp(l->v[i].tracking, m->tracking) == 0 &&
		    one_bundle(bundle, l->v[i].bundle) != 0) {
			*other = l->v[i].bundle;
			return -1;
		}
	if (*bundle != NULL)
		return 0;
	for (j = 0; j < m->nfiles; j++) {
		if (!file_sha(l, &m->files[j], sha, &bym))
			continue;
		if (bym && one_bundle(bundle, l->mbundle) != 0) {
			*other = l->mbundle;
			return -1;
		}
		for (i = 0; i < l->n; i++)
			if (l->v[i].tracking == NULL &&
			    memcmp(l->v[i].sha, sha, LF_CUSTODY_HASH_LEN) ==
			        0 &&
			    one_bundle(bundle, l->v[i].bundle) != 0) {
				*other = l->v[i].bundle;
				return -1;
			}
	}
	return 0;
}

static void
reason_file(struct lf_jsonw *w, const struct links *l,
    const struct lf_vendormail_file *f, size_t namecap)
{
	uint8_t sha[LF_CUSTODY_HASH_LEN];
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	size_t n = strlen(f->name);
	bool bym, cut = false;

	lf_jsonw_object(w);
	lf_jsonw_key(w, "name");
	if (n == 0) {
		lf_jsonw_null(w);
	} else {
		if (n > namecap) {
			/* at a UTF-8 boundary */
			n = namecap;
			while (n > 0 && ((uint8_t)f->name[n] & 0xC0) == 0x80)
				n--;
			cut = true;
		}
		lf_jsonw_string(w, f->name, n);
	}
	lf_jsonw_key(w, "md5");
	if (f->has_md5) {
		lf_hex(hex, f->md5, 16);
		lf_jsonw_cstr(w, hex);
	} else {
		lf_jsonw_null(w);
	}
	lf_jsonw_key(w, "sha256");
	if (file_sha(l, f, sha, &bym)) {
		lf_hex(hex, sha, sizeof(sha));
		lf_jsonw_cstr(w, hex);
	} else {
		lf_jsonw_null(w);
	}
	if (cut) {
		lf_jsonw_key(w, "name_truncated");
		lf_jsonw_bool(w, true);
	}
	lf_jsonw_end(w);
}

/*
 * The reason of the receipt (file < 0) or of the result for file (its
 * index, or nfiles for a result that names none), names cut to namecap.
 */
static int
reason_build(struct lf_buf *out, const struct links *l,
    const struct lf_vendormail *m, const uint8_t *mailsha, long file,
    size_t namecap, struct lf_error *err)
{
	struct lf_jsonw w;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1], t[32];
	const struct lf_vendormail_file *f;
	const char *det;
	size_t i;

	lf_buf_reset(out);
	lf_jsonw_init(&w, out);
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "vendor_mail");
	lf_jsonw_object(&w);
	lf_jsonw_key(&w, "sha256");
	lf_hex(hex, mailsha, LF_CUSTODY_HASH_LEN);
	lf_jsonw_cstr(&w, hex);
	lf_jsonw_key(&w, "form");
	lf_jsonw_cstr(&w, lf_vendormail_form_name(m->form));
	lf_jsonw_key(&w, "date");
	if (m->has_date) {
		lf_date_rfc3339(m->date, t);
		lf_jsonw_cstr(&w, t);
	} else {
		lf_jsonw_null(&w);
	}
	lf_jsonw_end(&w);
	lf_jsonw_key(&w, "tracking");
	lf_jsonw_cstr(&w, m->tracking);
	if (file < 0) {
		lf_jsonw_key(&w, "files");
		lf_jsonw_array(&w);
		for (i = 0; i < m->nfiles; i++)
			reason_file(&w, l, &m->files[i], namecap);
		lf_jsonw_end(&w);
	} else {
		f = (size_t)file < m->nfiles ? &m->files[file] : NULL;
		lf_jsonw_key(&w, "file");
		if (f != NULL)
			reason_file(&w, l, f, namecap);
		else
			lf_jsonw_null(&w);
		lf_jsonw_key(&w, "determination");
		det = f != NULL ? f->determination : m->determination;
		lf_jsonw_cstr(&w, det[0] != '\0' ? det : NULL);
		lf_jsonw_key(&w, "detection");
		lf_jsonw_cstr(&w,
		    f != NULL && f->detection[0] != '\0' ? f->detection : NULL);
	}
	lf_jsonw_end(&w);
	return lf_jsonw_finish(&w, err);
}

static int
reason_fit(struct lf_buf *out, const struct links *l,
    const struct lf_vendormail *m, const uint8_t *mailsha, long file,
    struct lf_error *err)
{
	size_t cap = LF_VENDORMAIL_TEXT_MAX;
	int rc;

	for (;;) {
		if ((rc = reason_build(out, l, m, mailsha, file, cap, err)) !=
		    LF_OK)
			return rc;
		if (out->len <= LF_CUSTODY_REASON_MAX)
			return LF_OK;
		if (cap == 0)
			return lf_error_set(err, LF_E_LIMIT,
			    "the event's reason is longer than %d bytes",
			    LF_CUSTODY_REASON_MAX);
		cap /= 2;
	}
}

static int
ingest_append(const struct options *o, const struct lf_sigkey *k,
    enum lf_custody_action action, const uint8_t (*objects)[32],
    size_t nobjects, const char *bundle, const char *reason)
{
	struct lf_custody_event ev;
	uint8_t head[LF_CUSTODY_HASH_LEN];
	char actor[64];
	struct lf_error err;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 1;
	ev.action = action;
	ev.actor = cli_custody_actor(actor, sizeof(actor));
	ev.objects = objects;
	ev.nobjects = nobjects;
	ev.bundle = bundle;
	ev.reason = reason;
	ev.tool_name = cli_prog();
	ev.tool_version = lf_version_string();
	if (cli_custody_time(&ev) != 0)
		return -1;
	if (lf_custody_append(o->log, &ev, k, head, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Read one mail whole, at most LF_VENDORMAIL_SIZE_MAX bytes. */
static int
ingest_read(const char *path, uint8_t **out, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t got;

	if (fp == NULL) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		return -2;
	}
	if ((buf = malloc(LF_VENDORMAIL_SIZE_MAX + 1)) == NULL)
		ingest_nomem();
	got = fread(buf, 1, LF_VENDORMAIL_SIZE_MAX + 1, fp);
	if (ferror(fp)) {
		cli_warn("cannot read '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		free(buf);
		(void)fclose(fp);
		return -2;
	}
	(void)fclose(fp);
	if (got > LF_VENDORMAIL_SIZE_MAX) {
		cli_warn("'%s': refused: larger than %u bytes",
		    cli_esc(path, strlen(path)), LF_VENDORMAIL_SIZE_MAX);
		free(buf);
		return -1;
	}
	*out = buf;
	*n = got;
	return 0;
}

/* One mail: 0 ingested or skipped, 1 refused, 3 I/O failure. */
static int
ingest_one(const struct options *o, struct links *l, const struct lf_sigkey *k,
    const char *path)
{
	struct lf_vendormail m;
	struct lf_error err;
	struct lf_buf reason;
	uint8_t *p = NULL, mailsha[LF_CUSTODY_HASH_LEN];
	uint8_t(*objs)[LF_CUSTODY_HASH_LEN] = NULL;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	const char *bundle = NULL, *other = NULL, *name;
	unsigned int shalen = 0;
	size_t n = 0, i, nobjs = 0, j;
	bool bym;
	int status = CLI_EXIT_NEGATIVE, r;

	name = cli_esc(path, strlen(path));
	if ((r = ingest_read(path, &p, &n)) != 0)
		return r == -2 ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
	if (EVP_Digest(p, n, mailsha, &shalen, EVP_sha256(), NULL) != 1) {
		free(p);
		cli_warn("SHA-256 failed");
		return CLI_EXIT_FAILURE;
	}
	lf_hex(hex, mailsha, sizeof(mailsha));
	if (links_has_mail(l, mailsha)) {
		if (!o->c.quiet)
			(void)printf("%s: already ingested (mail SHA-256 %s), "
			             "skipped\n",
			    name, hex);
		free(p);
		return CLI_EXIT_OK;
	}
	r = lf_vendormail_parse(p, n, &m, &err);
	free(p);
	if (r != LF_OK) {
		cli_warn("'%s': refused: %s", name, err.msg);
		return r == LF_E_NOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
	}
	lf_buf_init(&reason, LF_CUSTODY_LINE_MAX);
	if (link_bundle(o, l, &m, &bundle, &other) != 0) {
		cli_warn("'%s': refused: tracking %s: linked to two bundles, "
		         "'%s' and '%s'; give --bundle",
		    name, m.tracking, cli_esc(bundle, strlen(bundle)),
		    cli_esc(other, strlen(other)));
		goto done;
	}
	if (bundle == NULL)
		cli_warn("tracking %s: not linked to a bundle; give --bundle",
		    m.tracking);
	if ((objs = calloc(m.nfiles + 1, sizeof(*objs))) == NULL)
		ingest_nomem();
	if (m.kind == LF_VENDORMAIL_RECEIPT) {
		for (i = 0; i < m.nfiles; i++) {
			if (!file_sha(l, &m.files[i], objs[nobjs], &bym))
				continue;
			for (j = 0; j < nobjs; j++)
				if (memcmp(objs[j], objs[nobjs],
				        LF_CUSTODY_HASH_LEN) == 0)
					break;
			if (j == nobjs && nobjs < LF_CUSTODY_OBJECTS_MAX)
				nobjs++;
		}
		if (reason_fit(&reason, l, &m, mailsha, -1, &err) != LF_OK) {
			cli_warn("'%s': refused: %s", name, err.msg);
			goto done;
		}
		if (ingest_append(o, k, LF_CUSTODY_RECEIPT,
		        (const uint8_t(*)[32])objs, nobjs, bundle,
		        (const char *)reason.data) != 0) {
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		if (!o->c.quiet)
			(void)printf("%s: receipt, tracking %s, bundle %s, "
			             "%zu sample%s linked\n",
			    name, m.tracking,
			    bundle != NULL ? cli_esc(bundle, strlen(bundle)) :
			                     "none",
			    nobjs, nobjs == 1 ? "" : "s");
	} else {
		/* check every reason before appending any event */
		for (i = 0; i < (m.nfiles > 0 ? m.nfiles : 1); i++)
			if (reason_fit(&reason, l, &m, mailsha, (long)i,
			        &err) != LF_OK) {
				cli_warn("'%s': refused: %s", name, err.msg);
				goto done;
			}
		for (i = 0; i < (m.nfiles > 0 ? m.nfiles : 1); i++) {
			nobjs = i < m.nfiles &&
			        file_sha(l, &m.files[i], objs[0], &bym) ?
			    1 :
			    0;
			if (reason_fit(&reason, l, &m, mailsha, (long)i,
			        &err) != LF_OK ||
			    ingest_append(o, k, LF_CUSTODY_RESULT,
			        (const uint8_t(*)[32])objs, nobjs, bundle,
			        (const char *)reason.data) != 0) {
				status = CLI_EXIT_FAILURE;
				goto done;
			}
		}
		if (!o->c.quiet) {
			(void)printf("%s: result, tracking %s, %zu file%s:",
			    name, m.tracking, m.nfiles,
			    m.nfiles == 1 ? "" : "s");
			for (i = 0; i < m.nfiles; i++)
				(void)printf("%s %s %s", i > 0 ? ";" : "",
				    m.files[i].name[0] != '\0' ?
				        cli_esc(m.files[i].name,
				            strlen(m.files[i].name)) :
				        "(no name)",
				    cli_esc(m.files[i].determination,
				        strlen(m.files[i].determination)));
			if (m.nfiles == 0)
				(void)printf(" %s", m.determination);
			(void)printf("\n");
		}
	}
	links_mail(l, mailsha);
	if (bundle != NULL)
		links_add(l, NULL, m.tracking, bundle);
	status = CLI_EXIT_OK;
done:
	free(objs);
	lf_buf_release(&reason);
	lf_vendormail_release(&m);
	return status;
}

static int
do_ingest(const struct options *o)
{
	struct lf_custody_verifier *v = NULL;
	struct lf_custody_verdict vd;
	struct lf_sigkey *k = NULL;
	struct links l;
	struct lf_error err;
	size_t i;
	int status = CLI_EXIT_FAILURE, r;

	memset(&l, 0, sizeof(l));
	if (load_private(o->key, &k) != 0)
		return CLI_EXIT_FAILURE;
	if (lf_custody_verifier_new(&v, &err) != LF_OK ||
	    lf_custody_verifier_trust_key(v, k, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	if (trust(o, v) != 0)
		goto done;
	if (access(o->log, F_OK) == 0) {
		if (lf_custody_verify_file(o->log, v, &vd, &err) != LF_OK) {
			cli_warn("%s", err.msg);
			goto done;
		}
		if (vd.problem != LF_CUSTODY_GOOD &&
		    vd.problem != LF_CUSTODY_EMPTY) {
			cli_warn("'%s': line %llu: %s: %s; nothing ingested",
			    cli_esc(o->log, strlen(o->log)),
			    (unsigned long long)vd.line,
			    lf_custody_problem_name(vd.problem),
			    cli_esc(vd.reason, strlen(vd.reason)));
			status = CLI_EXIT_NEGATIVE;
			goto done;
		}
		if (links_read(o->log, &l) != 0)
			goto done;
	}
	if (o->manifest != NULL && (r = manifest_read(&l, o->manifest)) != 0) {
		status = r == -2 ? CLI_EXIT_FAILURE : CLI_EXIT_NEGATIVE;
		goto done;
	}
	status = CLI_EXIT_OK;
	for (i = 0; i < o->nmails; i++) {
		r = ingest_one(o, &l, k, o->mails[i]);
		if (r == CLI_EXIT_FAILURE) {
			status = r;
			break;
		}
		if (r != CLI_EXIT_OK)
			status = r;
	}
done:
	links_free(&l);
	lf_custody_verifier_free(v);
	lf_sigkey_free(k);
	return status;
}

/* ---- end of ingest ---- */

int
main(int argc, char **argv)
{
	struct options o;
	int status;

	cli_init("lf-custody");
	parse_options(argc, argv, &o);
	switch (o.verb) {
	case V_APPEND:
		status = do_append(&o);
		break;
	case V_VERIFY:
		status = do_verify(&o);
		break;
	case V_STATUS:
		status = do_status(&o);
		break;
	case V_SUMMARY:
		status = do_summary(&o);
		break;
	case V_EXPORT:
		status = do_export(&o);
		break;
	case V_INGEST:
		status = do_ingest(&o);
		break;
	default:
		cli_warn("%s: not implemented in this version",
		    cli_esc(o.verb_name, strlen(o.verb_name)));
		status = CLI_EXIT_FAILURE;
		break;
	}
	free(o.objects);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = CLI_EXIT_FAILURE;
	}
	return status;
}
