/*
 * lf-verify: verify an evidence bundle offline: the tar container, the
 * bag, the signature over its tag manifest against a key given or pinned,
 * data/manifest.json against the bag, and on demand each sealed file
 * opened in memory (--deep) and each sample's eligibility for an upload
 * profile (--profile); a plain BagIt bag in a directory too.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cli.h"
#include "common/custody.h"
#include "common/profile.h"
#include "lf/bagit.h"
#include "lf/bundlecheck.h"
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
	const char *custody;     /* --custody, or NULL */
	const char *custody_key; /* --custody-key, or NULL */
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
	    "      --profile NAME   check that every sample called eligible "
	    "fits this\n"
	    "                       upload profile\n"
	    "      --deep           open each sealed zip in memory and check "
	    "its entry\n"
	    "      --json           one JSON document "
	    "(schemas/verify.schema.json)\n"
	    "      --custody LOG    record the verdict in this custody log "
	    "(default:\n"
	    "                       LF_CUSTODY)\n"
	    "      --custody-key FILE  the key its event is signed with "
	    "(default:\n"
	    "                       LF_CUSTODY_KEY)\n"
	    "      --limit NAME=N   change a limit (see below)\n"
	    "  -q, --quiet          no warnings, no line for a valid bag\n"
	    "  -v, --verbose        (no effect yet)\n"
	    "  -j, --threads N      (no effect yet)\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        version and library versions\n"
	    "\n"
	    "Exit status: 0 valid, 1 invalid or unverified (unsigned, or a "
	    "key nothing\n"
	    "pins), 2 usage, 3 error (unreadable input, or a limit).\n");
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
		OPT_JSON,
		OPT_CUSTODY,
		OPT_CUSTODY_KEY
	};
	static const struct option longopts[] = {
	    {"no-signature", no_argument, NULL, OPT_NO_SIG},
	    {"pubkey", required_argument, NULL, OPT_PUBKEY},
	    {"fingerprint", required_argument, NULL, OPT_FPR},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"deep", no_argument, NULL, OPT_DEEP},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"custody", required_argument, NULL, OPT_CUSTODY},
	    {"custody-key", required_argument, NULL, OPT_CUSTODY_KEY},
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
		case OPT_CUSTODY:
			o->custody = optarg;
			break;
		case OPT_CUSTODY_KEY:
			o->custody_key = optarg;
			break;
		default:
			break;
		}
	}
	if ((o->pubkey != NULL) + (o->fingerprint != NULL) + o->no_signature >
	    1)
		cli_usage_error("--pubkey, --fingerprint and --no-signature "
		                "exclude each other");
	if (o->no_signature && (o->deep || o->profile != NULL))
		cli_usage_error("--deep and --profile check a bundle; "
		                "--no-signature validates a plain bag");
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

/* The findings of the bag, then of the bundle's own checks (bc NULL). */
struct findings {
	const struct lf_bagit_finding *f[2];
	size_t n[2];
	uint64_t problems, warnings;
};

static void
findings_of(const struct lf_bagit *v, const struct lf_bundlecheck *bc,
    struct findings *out)
{
	memset(out, 0, sizeof(*out));
	out->f[0] = lf_bagit_findings(v, &out->n[0]);
	out->problems = lf_bagit_count(v, LF_BAGIT_INVALID);
	out->warnings = lf_bagit_count(v, LF_BAGIT_WARNING);
	if (bc != NULL) {
		out->f[1] = lf_bundlecheck_findings(bc, &out->n[1]);
		out->problems += lf_bundlecheck_count(bc, LF_BAGIT_INVALID);
		out->warnings += lf_bundlecheck_count(bc, LF_BAGIT_WARNING);
	}
}

static json_t *
bundle_json(const struct lf_bundlecheck *bc, const struct options *o)
{
	struct lf_bundlecheck_summary sum;
	json_t *b;

	lf_bundlecheck_get_summary(bc, &sum);
	b = json_pack("{s:b, s:I, s:I, s:I, s:o, s:o}", "manifest",
	    sum.manifest, "samples", (json_int_t)sum.samples, "messages",
	    (json_int_t)sum.messages, "eligible", (json_int_t)sum.eligible,
	    "packed_for",
	    sum.profile[0] != '\0' ? json_string(sum.profile) : json_null(),
	    "profile",
	    o->profile != NULL ? json_string(o->profile) : json_null());
	if (b != NULL && o->deep)
		(void)json_object_set_new(b, "deep",
		    json_pack("{s:I, s:I}", "opened", (json_int_t)sum.opened,
		        "not_opened", (json_int_t)sum.not_opened));
	return b;
}

/* The one JSON document; v is NULL after an error (why says it). */
static int
write_json(const char *bag, const char *source, const struct lf_bagit *v,
    const struct lf_bundlecheck *bc, const struct options *opt,
    const char *verdict, const char *signature, const char *sigwhy,
    const char *why)
{
	json_t *doc = lf_json_doc_new(FORMAT, FORMAT_VERSION, cli_prog());
	json_t *arr, *o;
	struct findings fs;
	struct lf_bagit_summary sum;
	size_t i, k;
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
		findings_of(v, bc, &fs);
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
		if (bc != NULL)
			(void)json_object_set_new(doc, "bundle",
			    bundle_json(bc, opt));
		(void)json_object_set_new(doc, "problems",
		    json_integer((json_int_t)fs.problems));
		(void)json_object_set_new(doc, "warnings",
		    json_integer((json_int_t)fs.warnings));
		arr = json_array();
		for (k = 0; k < 2; k++)
			for (i = 0; i < fs.n[k] && arr != NULL; i++) {
				const struct lf_bagit_finding *f = &fs.f[k][i];
				o = json_object();
				(void)json_object_set_new(o, "severity",
				    json_string(
				        f->severity == LF_BAGIT_INVALID ?
				            "invalid" :
				            "warning"));
				(void)json_object_set_new(o, "code",
				    json_string(f->code));
				(void)lf_json_set_name(o, "file",
				    (const uint8_t *)f->file, f->file_len,
				    NULL);
				if (f->line > 0)
					(void)json_object_set_new(o, "line",
					    json_integer((json_int_t)f->line));
				(void)lf_json_set_name(o, "message",
				    (const uint8_t *)f->message,
				    strlen(f->message), NULL);
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

/* Every warning, on stderr. */
static void
warn_all(const char *bag, const struct findings *fs)
{
	char w[8192];
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < fs->n[k]; i++)
			if (fs->f[k][i].severity == LF_BAGIT_WARNING)
				cli_warn("warning: %s: %s",
				    where(bag, &fs->f[k][i], w, sizeof(w)),
				    cli_esc(fs->f[k][i].message,
				        strlen(fs->f[k][i].message)));
}

/* What the bundle's own checks saw, for a valid bundle. */
static void
write_bundle_line(const char *bag, const struct lf_bundlecheck *bc,
    const struct options *o)
{
	struct lf_bundlecheck_summary sum;

	lf_bundlecheck_get_summary(bc, &sum);
	(void)printf("%s: manifest: %llu sample%s (%llu eligible), %llu "
	             "message%s",
	    cli_esc(bag, strlen(bag)), (unsigned long long)sum.samples,
	    sum.samples == 1 ? "" : "s", (unsigned long long)sum.eligible,
	    (unsigned long long)sum.messages, sum.messages == 1 ? "" : "s");
	if (o->deep) {
		(void)printf("; deep: %llu sealed file%s opened, each entry "
		             "as listed",
		    (unsigned long long)sum.opened, sum.opened == 1 ? "" : "s");
		if (sum.not_opened > 0)
			(void)printf(", %llu with a CMS layer not opened (the "
			             "recipient's key is needed)",
			    (unsigned long long)sum.not_opened);
	}
	if (o->profile != NULL)
		(void)printf("; profile %s: every eligible sample fits",
		    cli_esc(o->profile, strlen(o->profile)));
	(void)printf("\n");
}

static void
write_text(const char *bag, const struct lf_bagit *v,
    const struct lf_bundlecheck *bc, const struct options *o,
    const char *sigline)
{
	struct lf_bagit_summary sum;
	struct findings fs;
	size_t i, k, kept;
	char w[8192];

	findings_of(v, bc, &fs);
	lf_bagit_get_summary(v, &sum);
	kept = fs.n[0] + fs.n[1];
	if (!o->c.quiet)
		warn_all(bag, &fs);
	if (!o->c.quiet && fs.problems == 0 && fs.warnings > kept)
		cli_warn("warning: %llu warnings in all; the first %zu are "
		         "shown",
		    (unsigned long long)fs.warnings, kept);
	if (fs.problems == 0) {
		if (o->c.quiet)
			return;
		(void)printf("%s: valid BagIt %s bag, %llu payload file%s, "
		             "%llu bytes; %s\n",
		    cli_esc(bag, strlen(bag)),
		    sum.version[0] != '\0' ? sum.version : "?",
		    (unsigned long long)sum.payload_files,
		    sum.payload_files == 1 ? "" : "s",
		    (unsigned long long)sum.payload_bytes, sigline);
		if (bc != NULL)
			write_bundle_line(bag, bc, o);
		return;
	}
	(void)printf("%s: invalid %s: %llu problem%s\n",
	    cli_esc(bag, strlen(bag)), bc != NULL ? "bundle" : "BagIt bag",
	    (unsigned long long)fs.problems, fs.problems == 1 ? "" : "s");
	for (k = 0; k < 2; k++)
		for (i = 0; i < fs.n[k]; i++)
			if (fs.f[k][i].severity == LF_BAGIT_INVALID)
				(void)printf("  %s: %s\n",
				    where(bag, &fs.f[k][i], w, sizeof(w)),
				    cli_esc(fs.f[k][i].message,
				        strlen(fs.f[k][i].message)));
	if (fs.problems + fs.warnings > kept)
		(void)printf("  (%llu more findings not kept)\n",
		    (unsigned long long)(fs.problems + fs.warnings - kept));
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
 * outcome's word and says why in why; when it is "good", the signer's
 * fingerprint goes to fpr.
 */
static const char *
check_signature(const struct options *o, struct lf_buf *kept, char *why,
    size_t cap, uint8_t fpr[LF_SIGKEY_FPR_LEN])
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
		lf_sigkey_fingerprint(k, fpr);
		(void)snprintf(why, cap, "signed by %s", hex);
		outcome = "good";
	}
	lf_sigkey_free(k);
	return outcome;
}

/*
 * data/manifest.json of a bag directory, for the bundle checks before the
 * walk: a regular file, never a link followed out of the bag.  Nothing
 * is given when there is none (the checks then say it is missing).
 */
static void
give_manifest(struct lf_bundlecheck *bc, const char *bag,
    const struct lf_limits *l)
{
	char path[4096];
	struct lf_reader *in = NULL;
	struct lf_error err;
	struct lf_buf b;
	struct stat st;
	uint8_t chunk[16384];
	long got = 0;
	int fd, rc;

	(void)snprintf(path, sizeof(path), "%s/%s", bag, LF_BUNDLE_MANIFEST);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			(void)close(fd);
		return;
	}
	lf_buf_init(&b, (size_t)l->bag_tag_bytes);
	rc = lf_reader_from_fd(fd, true, &in, &err);
	if (rc != LF_OK)
		(void)close(fd);
	while (rc == LF_OK &&
	    (got = lf_reader_read(in, chunk, sizeof(chunk), &err)) > 0)
		rc = lf_buf_append(&b, chunk, (size_t)got, &err);
	if (rc == LF_OK && got < 0)
		rc = (int)got;
	if (rc == LF_OK)
		rc = lf_bundlecheck_manifest(bc, b.data, b.len, &err);
	lf_reader_free(in);
	lf_buf_release(&b);
	if (rc != LF_OK) {
		cli_warn("'%s': %s", cli_esc(path, strlen(path)), err.msg);
		exit(CLI_EXIT_FAILURE);
	}
}

/*
 * The bundle's own checks, unless a plain bag is asked for: a tar is a
 * bundle; a directory is one when it holds a manifest or --deep or
 * --profile asks for one.  NULL when they do not apply.
 */
static struct lf_bundlecheck *
bundle_checks(const struct options *o, const char *bag, bool dir,
    struct lf_upload_profile **profile)
{
	struct lf_bundlecheck_opts bo;
	struct lf_bundlecheck *bc;
	struct lf_error err;
	char path[4096];
	struct stat st;

	*profile = NULL;
	if (o->no_signature)
		return NULL;
	(void)snprintf(path, sizeof(path), "%s/%s", bag, LF_BUNDLE_MANIFEST);
	if (dir && !o->deep && o->profile == NULL && lstat(path, &st) != 0)
		return NULL;
	if (o->profile != NULL)
		*profile = cli_upload_profile(o->profile);
	memset(&bo, 0, sizeof(bo));
	bo.deep = o->deep;
	bo.profile = *profile;
	bo.limits = &o->c.limits;
	if (lf_bundlecheck_new(&bo, &bc, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	if (dir)
		give_manifest(bc, bag, &o->c.limits);
	return bc;
}

/*
 * The verdict as a custody event: "verified" naming the bundle (the tar's
 * top directory, or the bag directory's name) and what was found.
 * Returns 0, or -1 after a message.
 */
static int
record_verdict(const char *log, struct lf_sigkey *key, const char *bag,
    const char *top, const char *verdict, const char *sigline,
    const struct options *o)
{
	const char *slash = strrchr(bag, '/');
	char reason[LF_CUSTODY_REASON_MAX];

	(void)snprintf(reason, sizeof(reason), "%s (%s%s%.64s); %s", verdict,
	    o->deep ? "--deep" : "without --deep",
	    o->profile != NULL ? ", --profile " : "",
	    o->profile != NULL ? o->profile : "", sigline);
	return cli_custody_record(log, key, LF_CUSTODY_VERIFIED, NULL, 0,
	    top[0] != '\0' ? top : (slash != NULL ? slash + 1 : bag), reason);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct lf_bagit *v = NULL;
	struct lf_bundlecheck *bc;
	struct lf_upload_profile *profile;
	struct lf_bagit_tap tap, *tapp = NULL;
	struct lf_sigkey *custody_key = NULL;
	const char *custody;
	struct lf_buf kept[NKEPT];
	struct lf_error err;
	struct stat st;
	const char *bag, *source = "directory", *signature = "not-checked";
	const char *verdict = "valid";
	char why[512] = "", sigline[2048], top[LF_TAR_NAME_MAX + 1] = "";
	uint8_t fpr[LF_SIGKEY_FPR_LEN];
	int status, rc, k;

	cli_init("lf-verify");
	parse_options(argc, argv, &o);
	bag = argv[optind];
	/* The key is read first: a verdict must not go unrecorded for want
	 * of it after the work. */
	if ((custody = cli_custody_log(o.custody)) != NULL) {
		uint8_t head[32];

		custody_key = cli_custody_key(o.custody_key);
		(void)cli_custody_head(custody, head);
	}
	if (stat(bag, &st) != 0) {
		cli_warn("cannot open '%s': %s", cli_esc(bag, strlen(bag)),
		    strerror(errno));
		if (o.json)
			(void)write_json(bag, source, NULL, NULL, &o, "error",
			    signature, NULL, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	bc = bundle_checks(&o, bag, S_ISDIR(st.st_mode), &profile);
	if (bc != NULL) {
		lf_bundlecheck_tap(bc, &tap);
		tapp = &tap;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = lf_bagit_check_dir(bag, &o.c.limits, tapp, &v, &err);
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
			signature =
			    check_signature(&o, kept, why, sizeof(why), fpr);
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
			    kept, NKEPT, tapp, top, &v, &err);
		lf_reader_free(in);
		if (rc == LF_OK && !o.no_signature)
			signature =
			    check_signature(&o, kept, why, sizeof(why), fpr);
		for (k = 0; k < NKEPT; k++)
			lf_buf_release(&kept[k]);
	}
	if (rc == LF_OK && bc != NULL)
		rc = lf_bundlecheck_finish(bc, top,
		    strcmp(signature, "good") == 0 ? fpr : NULL, &err);
	if (rc != LF_OK) {
		cli_warn("'%s': %s", cli_esc(bag, strlen(bag)), err.msg);
		if (o.json)
			(void)write_json(bag, source, NULL, NULL, &o, "error",
			    signature, NULL, err.msg);
		lf_sigkey_free(custody_key);
		lf_bagit_free(v);
		lf_bundlecheck_free(bc);
		lf_upload_free(profile);
		return CLI_EXIT_FAILURE;
	}
	/*
	 * A bad signature means something changed: invalid.  No signature,
	 * or one by a key nothing pins, says nothing either way: unverified.
	 */
	if (!lf_bagit_valid(v) || strcmp(signature, "bad") == 0 ||
	    (bc != NULL && lf_bundlecheck_count(bc, LF_BAGIT_INVALID) > 0))
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
		struct findings fs;
		findings_of(v, bc, &fs);
		if (!o.c.quiet)
			warn_all(bag, &fs);
		if (write_json(bag, source, v, bc, &o, verdict, signature, why,
		        NULL) != 0)
			status = CLI_EXIT_FAILURE;
	} else {
		write_text(bag, v, bc, &o, sigline);
		if (status != CLI_EXIT_OK && !o.no_signature)
			(void)printf("%s: %s: %s\n", cli_esc(bag, strlen(bag)),
			    verdict, sigline);
	}
	if (custody != NULL &&
	    record_verdict(custody, custody_key, bag, top, verdict, sigline,
	        &o) != 0)
		status = CLI_EXIT_FAILURE;
	lf_sigkey_free(custody_key);
	lf_bagit_free(v);
	lf_bundlecheck_free(bc);
	lf_upload_free(profile);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return status;
}
