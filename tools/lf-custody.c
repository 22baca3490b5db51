/*
 * lf-custody: a case's custody log: append a signed event, verify the
 * chain and the signatures; status, summary and export read it back.
 */
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/custody.h"
#include "lf/date.h"
#include "lf/json.h"
#include "lf/keyfile.h"
#include "lf/text.h"
#include "lf/version.h"

#include "custody/verbs.h"

#define VERIFY_FORMAT "lf-custody-verify"

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

int
custody_load_private(const char *path, struct lf_sigkey **k)
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
	if (custody_load_private(o->key, &k) != 0)
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

/* The keys of --fingerprint and --pubkey, trusted by v. */
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

int
custody_verify_log(const struct options *o, const struct lf_sigkey *also,
    struct lf_custody_verdict *vd)
{
	struct lf_custody_verifier *v = NULL;
	struct lf_error err;
	int rc = -1;

	if (lf_custody_verifier_new(&v, &err) != LF_OK ||
	    (also != NULL &&
	        lf_custody_verifier_trust_key(v, also, &err) != LF_OK)) {
		cli_warn("%s", err.msg);
		goto done;
	}
	if (trust(o, v) != 0)
		goto done;
	if (lf_custody_verify_file(o->log, v, vd, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	rc = 0;
done:
	lf_custody_verifier_free(v);
	return rc;
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
	struct lf_custody_verdict vd;
	char hex[2 * LF_CUSTODY_HASH_LEN + 1];
	int status;

	if (custody_verify_log(o, NULL, &vd) != 0)
		return CLI_EXIT_FAILURE;
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
	return status;
}

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
