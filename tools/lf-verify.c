/*
 * lf-verify: verify an evidence bundle offline: the tar container, the
 * bag, and the signature over its tag manifest against a key given or
 * pinned; a plain BagIt bag in a directory too.  Upload profiles and
 * opening the sealed objects are refused plainly, not pretended.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "common/cli.h"
#include "lf/bagit.h"
#include "lf/buf.h"
#include "lf/reader.h"
#include "lf/sign.h"
#include "lf/sigkey.h"
#include "lf/tar.h"
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
	    "Verify an evidence bundle (a tar) or a BagIt bag directory "
	    "offline: the\n"
	    "container, the bag, and the signature over its tag manifest.\n"
	    "\n"
	    "      --no-signature   validate a plain BagIt bag; ask for no "
	    "signature\n"
	    "      --pubkey FILE    the signer's public key (PEM or "
	    "minisign)\n"
	    "      --fingerprint HEX  the signer's key fingerprint "
	    "(lf-keygen -f)\n"
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
	    "Exit status: 0 valid, 1 invalid or unverified (unsigned, or a "
	    "key nothing\n"
	    "pins), 2 usage, 3 error (unreadable input, a limit, or something "
	    "this\n"
	    "version does not do).\n");
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
write_json(const char *bag, const char *source, const struct lf_bagit *v,
    const char *verdict, const char *signature, const char *sigwhy,
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
	(void)json_object_set_new(doc, "source", json_string(source));
	(void)json_object_set_new(doc, "verdict", json_string(verdict));
	(void)json_object_set_new(doc, "signature", json_string(signature));
	if (sigwhy != NULL && sigwhy[0] != '\0')
		(void)lf_json_set_name(doc, "signature_detail",
		    (const uint8_t *)sigwhy, strlen(sigwhy), NULL);
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
write_text(const char *bag, const struct lf_bagit *v, const char *sigline,
    bool quiet)
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
			(void)printf("%s: valid BagIt %s bag, %llu payload "
			             "file%s, %llu bytes; %s\n",
			    cli_esc(bag, strlen(bag)),
			    sum.version[0] != '\0' ? sum.version : "?",
			    (unsigned long long)sum.payload_files,
			    sum.payload_files == 1 ? "" : "s",
			    (unsigned long long)sum.payload_bytes, sigline);
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
		(void)write_json(bag, "directory", NULL, "error", "not-checked",
		    NULL, msg);
	return CLI_EXIT_FAILURE;
}

/* The bundle files kept for the signature check. */
enum { KEPT_TAGMANIFEST, KEPT_SIG, KEPT_PUBKEY, NKEPT };
static const char *const kept_names[NKEPT] = {"tagmanifest-sha512.txt",
    "signatures/tagmanifest-sha512.txt.sig", "signatures/signer.pub.pem"};

/* The tag manifest may be as large as any tag file; the others are small. */
static void
kept_init(struct lf_buf *b, int k, const struct lf_limits *l)
{
	lf_buf_init(b,
	    k == KEPT_TAGMANIFEST ? (size_t)l->bag_tag_bytes :
	                            LF_SIGKEY_FILE_MAX);
}

/* A file read whole, for --pubkey. */
static struct lf_sigkey *
load_pubkey(const char *path)
{
	struct lf_sigkey *k;
	struct lf_error err;
	struct lf_buf b;

	lf_buf_init(&b, LF_SIGKEY_FILE_MAX);
	if (lf_read_file(path, &b, &err) != LF_OK ||
	    lf_sigkey_load_public(b.data, b.len, &k, &err) != LF_OK) {
		cli_warn("--pubkey '%s': %s", cli_esc(path, strlen(path)),
		    err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	lf_buf_release(&b);
	return k;
}

/*
 * The signature over the tag manifest: by the key given (--pubkey), or by
 * the key the bundle carries when its fingerprint is the one pinned
 * (--fingerprint); with neither, the carried key is used but the outcome
 * is "unknown-key": a bundle cannot vouch for itself.  Returns the
 * outcome's word and says why in why.
 */
static const char *
check_signature(const struct options *o, struct lf_buf *kept, char *why,
    size_t cap)
{
	uint8_t pin[LF_SIGKEY_FPR_LEN];
	struct lf_sigcheck chk;
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	const char *outcome;

	why[0] = '\0';
	if (o->fingerprint != NULL &&
	    lf_fingerprint_parse(o->fingerprint, pin, &err) != LF_OK)
		cli_usage_error("--fingerprint: not 64 hex digits");
	if (o->pubkey != NULL)
		k = load_pubkey(o->pubkey);
	if (kept[KEPT_SIG].len == 0 || kept[KEPT_TAGMANIFEST].len == 0) {
		(void)snprintf(why, cap, "no %s",
		    kept[KEPT_SIG].len == 0 ? kept_names[KEPT_SIG] :
		                              kept_names[KEPT_TAGMANIFEST]);
		lf_sigkey_free(k);
		return "unsigned";
	}
	if (k == NULL &&
	    lf_sigkey_load_public(kept[KEPT_PUBKEY].data, kept[KEPT_PUBKEY].len,
	        &k, &err) != LF_OK) {
		(void)snprintf(why, cap, "%s: %.400s", kept_names[KEPT_PUBKEY],
		    err.msg);
		return "unsigned";
	}
	if (lf_verify_raw(k, o->fingerprint != NULL ? pin : NULL,
	        kept[KEPT_TAGMANIFEST].data, kept[KEPT_TAGMANIFEST].len,
	        kept[KEPT_SIG].data, kept[KEPT_SIG].len, &chk, &err) != LF_OK) {
		lf_sigkey_free(k);
		cli_warn("signature: %s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	if (chk.verdict != LF_SIG_GOOD) {
		(void)snprintf(why, cap, "%s", chk.reason);
		outcome =
		    chk.verdict == LF_SIG_WRONG_KEY ? "unknown-key" : "bad";
	} else if (o->pubkey == NULL && o->fingerprint == NULL) {
		char hex[LF_SIGKEY_FPR_HEX];
		lf_sigkey_fingerprint_hex(k, hex);
		(void)snprintf(why, cap,
		    "signed by the key the bundle carries (%s), which nothing "
		    "pins: give --pubkey or --fingerprint",
		    hex);
		outcome = "unknown-key";
	} else {
		char hex[LF_SIGKEY_FPR_HEX];
		lf_sigkey_fingerprint_hex(k, hex);
		(void)snprintf(why, cap, "signed by %s", hex);
		outcome = "good";
	}
	lf_sigkey_free(k);
	return outcome;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct lf_bagit *v = NULL;
	struct lf_buf kept[NKEPT];
	struct lf_error err;
	struct stat st;
	const char *bag, *source = "directory", *signature = "not-checked";
	const char *verdict = "valid";
	char why[512] = "", sigline[2048], top[LF_TAR_NAME_MAX + 1];
	int status, rc, k;

	cli_init("lf-verify");
	parse_options(argc, argv, &o);
	bag = argv[optind];
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
			(void)write_json(bag, source, NULL, "error", signature,
			    NULL, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = lf_bagit_check_dir(bag, &o.c.limits, NULL, &v, &err);
		if (rc == LF_OK && !o.no_signature) {
			for (k = 0; k < NKEPT; k++) {
				char path[4096];
				kept_init(&kept[k], k, &o.c.limits);
				(void)snprintf(path, sizeof(path), "%s/%s", bag,
				    kept_names[k]);
				/* A file missing is said as unsigned. */
				if (lf_read_file(path, &kept[k], &err) != LF_OK)
					lf_buf_reset(&kept[k]);
			}
			signature = check_signature(&o, kept, why, sizeof(why));
			for (k = 0; k < NKEPT; k++)
				lf_buf_release(&kept[k]);
		}
	} else {
		struct lf_reader *in = NULL;
		int fd = open(bag, O_RDONLY | O_CLOEXEC);
		source = "tar";
		for (k = 0; k < NKEPT; k++)
			kept_init(&kept[k], k, &o.c.limits);
		rc = fd < 0 ? lf_error_sys(&err, errno, "open") :
		              lf_reader_from_fd(fd, true, &in, &err);
		if (rc == LF_OK)
			rc = lf_bagit_check_tar(in, &o.c.limits, kept_names,
			    kept, NKEPT, NULL, top, &v, &err);
		lf_reader_free(in);
		if (rc == LF_OK && !o.no_signature)
			signature = check_signature(&o, kept, why, sizeof(why));
		for (k = 0; k < NKEPT; k++)
			lf_buf_release(&kept[k]);
	}
	if (rc != LF_OK) {
		cli_warn("'%s': %s", cli_esc(bag, strlen(bag)), err.msg);
		if (o.json)
			(void)write_json(bag, source, NULL, "error", signature,
			    NULL, err.msg);
		return CLI_EXIT_FAILURE;
	}
	/*
	 * A bad signature means something changed: invalid.  No signature,
	 * or one by a key nothing pins, says nothing either way: unverified.
	 */
	if (!lf_bagit_valid(v) || strcmp(signature, "bad") == 0)
		verdict = "invalid";
	else if (!o.no_signature && strcmp(signature, "good") != 0)
		verdict = "unverified";
	status =
	    strcmp(verdict, "valid") == 0 ? CLI_EXIT_OK : CLI_EXIT_NEGATIVE;
	if (o.no_signature)
		(void)snprintf(sigline, sizeof(sigline),
		    "signature not checked (--no-signature)");
	else
		(void)snprintf(sigline, sizeof(sigline), "signature %s: %s",
		    signature, cli_esc(why, strlen(why)));
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
		if (write_json(bag, source, v, verdict, signature, why, NULL) !=
		    0)
			status = CLI_EXIT_FAILURE;
	} else {
		write_text(bag, v, sigline, o.c.quiet);
		if (status != CLI_EXIT_OK && !o.no_signature)
			(void)printf("%s: %s: %s\n", cli_esc(bag, strlen(bag)),
			    verdict, sigline);
	}
	lf_bagit_free(v);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return status;
}
