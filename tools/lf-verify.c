/*
 * lf-verify: verify an evidence bundle offline.  This version validates a
 * plain BagIt bag in a directory (--no-signature); bundles (.tar),
 * signatures and profiles are refused plainly, not pretended.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/cli.h"
#include "lf/bagit.h"
#include "lf/json.h"

#define FORMAT "lf-verify"
#define FORMAT_VERSION 1

struct options {
	bool no_signature;
	const char *pubkey;
	const char *fingerprint;
	const char *profile;
	bool deep;
	bool json;
	struct cli_common c;
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-verify [--pubkey FILE | --fingerprint HEX | "
	    "--no-signature]\n"
	    "                 [--profile NAME] [--deep] [--json] "
	    "BUNDLE.tar|BAG-DIR\n"
	    "\n"
	    "Verify an evidence bundle offline.  This version validates a "
	    "BagIt bag\n"
	    "in a directory, without its signature (--no-signature).\n"
	    "\n"
	    "      --no-signature   validate a plain BagIt bag; ask for no "
	    "signature\n"
	    "      --pubkey FILE    the signer's public key (not implemented "
	    "in this version)\n"
	    "      --fingerprint HEX  the signer's key fingerprint (not "
	    "implemented in this version)\n"
	    "      --profile NAME   check an upload profile's limits (not "
	    "implemented in this version)\n"
	    "      --deep           open the sealed objects (not implemented "
	    "in this version)\n"
	    "      --json           one JSON document "
	    "(schemas/verify.schema.json)\n"
	    "      --limit NAME=N   change a limit (see below)\n"
	    "  -q, --quiet          no warnings, no line for a valid bag\n"
	    "  -v, --verbose        (no effect yet)\n"
	    "  -j, --threads N      (no effect yet)\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "Exit status: 0 valid, 1 invalid (or unsigned), 2 usage, 3 "
	    "error (unreadable\n"
	    "input, a limit, or something this version does not do).\n");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_NO_SIG = 256,
		OPT_PUBKEY,
		OPT_FPR,
		OPT_PROFILE,
		OPT_DEEP,
		OPT_JSON
	};
	static const struct option longopts[] = {
	    {"no-signature", no_argument, NULL, OPT_NO_SIG},
	    {"pubkey", required_argument, NULL, OPT_PUBKEY},
	    {"fingerprint", required_argument, NULL, OPT_FPR},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"deep", no_argument, NULL, OPT_DEEP},
	    {"json", no_argument, NULL, OPT_JSON},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	cli_common_init(&o->c);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
	            NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_NO_SIG:
			o->no_signature = true;
			break;
		case OPT_PUBKEY:
			o->pubkey = optarg;
			break;
		case OPT_FPR:
			o->fingerprint = optarg;
			break;
		case OPT_PROFILE:
			o->profile = optarg;
			break;
		case OPT_DEEP:
			o->deep = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		default:
			break;
		}
	}
	if ((o->pubkey != NULL) + (o->fingerprint != NULL) + o->no_signature >
	    1)
		cli_usage_error("--pubkey, --fingerprint and --no-signature "
		                "exclude each other");
	if (optind + 1 != argc)
		cli_usage_error(optind == argc ? "no bundle or bag given" :
		                                 "one bundle or bag at a time");
}

static json_t *
alg_list(unsigned set)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < LF_BAGIT_NALGS && a != NULL; i++)
		if ((set & LF_BAGIT_BIT(i)) != 0)
			(void)json_array_append_new(a,
			    json_string(lf_bagit_alg_name(i)));
	return a;
}

/* The one JSON document; v is NULL after an error (why says it). */
static int
write_json(const char *bag, const struct lf_bagit *v, const char *verdict,
    const char *why)
{
	json_t *doc = lf_json_doc_new(FORMAT, FORMAT_VERSION, cli_prog());
	json_t *arr, *o;
	const struct lf_bagit_finding *f;
	struct lf_bagit_summary sum;
	size_t n = 0, i;
	int rc;

	if (doc == NULL)
		return -1;
	(void)lf_json_set_name(doc, "bag", (const uint8_t *)bag, strlen(bag),
	    NULL);
	(void)json_object_set_new(doc, "source", json_string("directory"));
	(void)json_object_set_new(doc, "verdict", json_string(verdict));
	(void)json_object_set_new(doc, "signature", json_string("not-checked"));
	if (why != NULL)
		(void)lf_json_set_name(doc, "error", (const uint8_t *)why,
		    strlen(why), NULL);
	if (v != NULL) {
		lf_bagit_get_summary(v, &sum);
		if (sum.version[0] != '\0')
			(void)json_object_set_new(doc, "bagit_version",
			    json_string(sum.version));
		if (sum.encoding[0] != '\0')
			(void)json_object_set_new(doc, "tag_file_encoding",
			    json_string(sum.encoding));
		o = json_object();
		(void)json_object_set_new(o, "files",
		    json_integer((json_int_t)sum.payload_files));
		(void)json_object_set_new(o, "bytes",
		    json_integer((json_int_t)sum.payload_bytes));
		(void)json_object_set_new(o, "fetch_missing",
		    json_integer((json_int_t)sum.fetch_missing));
		(void)json_object_set_new(o, "algorithms",
		    alg_list(sum.payload_algs));
		(void)json_object_set_new(doc, "payload", o);
		(void)json_object_set_new(doc, "tag_algorithms",
		    alg_list(sum.tag_algs));
		(void)json_object_set_new(doc, "problems",
		    json_integer(
		        (json_int_t)lf_bagit_count(v, LF_BAGIT_INVALID)));
		(void)json_object_set_new(doc, "warnings",
		    json_integer(
		        (json_int_t)lf_bagit_count(v, LF_BAGIT_WARNING)));
		arr = json_array();
		f = lf_bagit_findings(v, &n);
		for (i = 0; i < n && arr != NULL; i++) {
			o = json_object();
			(void)json_object_set_new(o, "severity",
			    json_string(f[i].severity == LF_BAGIT_INVALID ?
			            "invalid" :
			            "warning"));
			(void)json_object_set_new(o, "code",
			    json_string(f[i].code));
			(void)lf_json_set_name(o, "file",
			    (const uint8_t *)f[i].file, f[i].file_len, NULL);
			if (f[i].line > 0)
				(void)json_object_set_new(o, "line",
				    json_integer((json_int_t)f[i].line));
			(void)lf_json_set_name(o, "message",
			    (const uint8_t *)f[i].message, strlen(f[i].message),
			    NULL);
			(void)json_array_append_new(arr, o);
		}
		(void)json_object_set_new(doc, "findings", arr);
	}
	rc = lf_json_write_line(doc, stdout, NULL) == LF_OK ? 0 : -1;
	json_decref(doc);
	return rc;
}

static const char *
where(const char *bag, const struct lf_bagit_finding *f, char *buf, size_t cap)
{
	char line[32] = "";

	size_t bl = strlen(bag);

	if (f->line > 0)
		(void)snprintf(line, sizeof(line), ":%llu",
		    (unsigned long long)f->line);
	while (bl > 1 && bag[bl - 1] == '/')
		bl--;
	(void)snprintf(buf, cap, "%s%s%s%s", cli_esc(bag, bl),
	    f->file_len > 0 ? "/" : "", cli_esc(f->file, f->file_len), line);
	return buf;
}

static void
write_text(const char *bag, const struct lf_bagit *v, bool quiet)
{
	const struct lf_bagit_finding *f;
	struct lf_bagit_summary sum;
	size_t n = 0, i;
	uint64_t problems = lf_bagit_count(v, LF_BAGIT_INVALID);
	uint64_t warnings = lf_bagit_count(v, LF_BAGIT_WARNING);
	char w[8192];

	f = lf_bagit_findings(v, &n);
	lf_bagit_get_summary(v, &sum);
	for (i = 0; i < n && !quiet; i++)
		if (f[i].severity == LF_BAGIT_WARNING)
			cli_warn("warning: %s: %s",
			    where(bag, &f[i], w, sizeof(w)),
			    cli_esc(f[i].message, strlen(f[i].message)));
	if (!quiet && problems == 0 && warnings > n)
		cli_warn("warning: %llu warnings in all; the first %zu are "
		         "shown",
		    (unsigned long long)warnings, n);
	if (problems == 0) {
		if (!quiet)
			(void)
			    printf("%s: valid BagIt %s bag, %llu payload "
			           "file%s, %llu bytes; signature not checked "
			           "(--no-signature)\n",
			        cli_esc(bag, strlen(bag)),
			        sum.version[0] != '\0' ? sum.version : "?",
			        (unsigned long long)sum.payload_files,
			        sum.payload_files == 1 ? "" : "s",
			        (unsigned long long)sum.payload_bytes);
		return;
	}
	(void)printf("%s: invalid BagIt bag: %llu problem%s\n",
	    cli_esc(bag, strlen(bag)), (unsigned long long)problems,
	    problems == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		if (f[i].severity == LF_BAGIT_INVALID)
			(void)printf("  %s: %s\n",
			    where(bag, &f[i], w, sizeof(w)),
			    cli_esc(f[i].message, strlen(f[i].message)));
	if (problems + warnings > n)
		(void)printf("  (%llu more findings not kept)\n",
		    (unsigned long long)(problems + warnings - n));
}

/* Refuse, plainly, what this version does not do. */
static int
not_implemented(const struct options *o, const char *bag, const char *what,
    const char *hint)
{
	char msg[256];

	(void)snprintf(msg, sizeof(msg),
	    "%s is not implemented in this version%s%s", what,
	    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	cli_warn("%s", msg);
	if (o->json)
		(void)write_json(bag, NULL, "error", msg);
	return CLI_EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct lf_bagit *v = NULL;
	struct lf_error err;
	struct stat st;
	const char *bag;
	int status;

	cli_init("lf-verify");
	parse_options(argc, argv, &o);
	bag = argv[optind];
	if (o.pubkey != NULL || o.fingerprint != NULL)
		return not_implemented(&o, bag,
		    "checking a bundle's signature (--pubkey, --fingerprint)",
		    NULL);
	if (o.profile != NULL)
		return not_implemented(&o, bag,
		    "checking an upload profile's limits (--profile)", NULL);
	if (o.deep)
		return not_implemented(&o, bag,
		    "opening the sealed objects (--deep)", NULL);
	if (stat(bag, &st) != 0) {
		cli_warn("cannot open '%s': %s", cli_esc(bag, strlen(bag)),
		    strerror(errno));
		if (o.json)
			(void)write_json(bag, NULL, "error", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	if (!S_ISDIR(st.st_mode))
		return not_implemented(&o, bag,
		    "verifying a bundle file (.tar)",
		    "give the directory of a bag");
	if (!o.no_signature)
		return not_implemented(&o, bag, "checking a bag's signature",
		    "--no-signature validates the bag alone");
	if (lf_bagit_check_dir(bag, &o.c.limits, &v, &err) != LF_OK) {
		cli_warn("'%s': %s", cli_esc(bag, strlen(bag)), err.msg);
		if (o.json)
			(void)write_json(bag, NULL, "error", err.msg);
		return CLI_EXIT_FAILURE;
	}
	status = lf_bagit_valid(v) ? CLI_EXIT_OK : CLI_EXIT_NEGATIVE;
	if (o.json) {
		size_t n, i;
		const struct lf_bagit_finding *f = lf_bagit_findings(v, &n);
		for (i = 0; i < n && !o.c.quiet; i++)
			if (f[i].severity == LF_BAGIT_WARNING) {
				char w[8192];
				cli_warn("warning: %s: %s",
				    where(bag, &f[i], w, sizeof(w)),
				    cli_esc(f[i].message,
				        strlen(f[i].message)));
			}
		if (write_json(bag, v, status == 0 ? "valid" : "invalid",
		        NULL) != 0)
			status = CLI_EXIT_FAILURE;
	} else {
		write_text(bag, v, o.c.quiet);
	}
	lf_bagit_free(v);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return status;
}
