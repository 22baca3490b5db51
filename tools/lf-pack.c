/*
 * lf-pack: suspect messages into signed, sealed evidence bundles
 * (docs/bundle-format.md): the messages taken apart into a quarantine
 * store of its own (or read from one lf-extract filled, --store), their
 * gateway verdicts judged, the samples chosen, each sample and each
 * message sealed in a zip (and a CMS envelope to recipients) on every
 * processor, data/manifest.json made, and the bags written around the
 * sealed files by lf_bundlew, each under a temporary name, synced, and all
 * given their final names only when complete, never replacing a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "common/cli.h"
#include "common/custody.h"
#include "common/inputs.h"
#include "common/profile.h"
#include "common/passphrase.h"
#include "lf/bagit.h"
#include "lf/bundlew.h"
#include "lf/buf.h"
#include "lf/date.h"
#include "lf/digest.h"
#include "lf/extract.h"
#include "lf/gateway.h"
#include "lf/headers.h"
#include "lf/headsrc.h"
#include "lf/json.h"
#include "lf/reader.h"
#include "lf/seal.h"
#include "lf/sealcms.h"
#include "lf/sign.h"
#include "lf/sigkey.h"
#include "lf/store.h"
#include "lf/text.h"
#include "lf/upload.h"
#include "lf/version.h"

#define MAX_RECIPIENTS 16
#define MAX_SELECT 100000
#define MAX_SEALERS 8 /* threads sealing at once */
#define MAX_MTA 256   /* --trusted-mta */
#define SEAL_CHUNK (256 * 1024)
#define REPORT_LINE_MAX (64 * 1024 * 1024) /* one --jsonl report */
/* What the salts of the zips are derived from (docs/sealing.md): the
 * signing key's own signature of this label, so that only the key's
 * holder can derive them, and the same key always derives the same. */
#define SEAL_SECRET_LABEL "libforensic bundle 1: zip salt secret"

struct options {
	const char *key, *outdir, *profile, *select, *passfile, *passenv;
	const char *recipients[MAX_RECIPIENTS];
	size_t nrecipients;
	bool attachments_only;
	uint64_t bundle_size;     /* 0: the profile's sample limit */
	const char *custody;      /* --custody, or NULL */
	const char *store;        /* --store: inputs are its reports */
	const char *mta[MAX_MTA]; /* --trusted-mta */
	size_t nmta;
	const char *case_id, *evidence, *examiner, *organization, *contact;
	struct cli_common c;
};

/* Where an object was found. */
struct found {
	uint8_t message[32];
	char *path;
	json_t *name; /* the report's {"raw","decoded"}, or NULL */
};

/* A sample or a message to seal. */
struct item {
	bool message;
	uint8_t sha256[32];
	uint64_t size;
	json_t *object; /* the object record (samples) */
	char *source;   /* messages: the input's name */
	struct found *found;
	size_t nfound;
	/* Once sealed: */
	char file[128]; /* "data/samples/<hex>.zip[.cms]" */
	char tmp[64];   /* its name in the workspace */
	struct lf_bagit_entry entry;
	bool eligible;
	char reason[LF_UPLOAD_REASON_MAX];
	json_t *gateways; /* messages: the header analysis's verdicts */
	bool kept;        /* sealed into tmp (an envelope), not sealed again */
};

/* What lf_bundlew needs to seal an item again. */
struct reseal {
	const struct state *s;
	const struct item *it;
};

struct state {
	struct options o;
	struct lf_upload_profile *profile;
	struct lf_sigkey *key;
	uint8_t secret[LF_ED25519_SIG_LEN];
	int64_t epoch;
	char work[4096]; /* the workspace, inside the output directory */
	int workfd;
	struct lf_store *store;
	struct lf_extract *x;
	struct inputs in;
	const char *source;
	struct item *items;
	size_t nitems, capitems;
	uint8_t (*select)[32];
	size_t nselect;
	struct lf_sealcms_blob certs[MAX_RECIPIENTS];
	const char *custody; /* the custody log, or NULL */
	bool has_head;       /* it has a line: its hash is head */
	uint8_t head[LF_CUSTODY_HASH_LEN];
	int status;
};

/*
 * One bundle of a packing: a run of the items (a message, then the
 * samples first found in it, as the extraction met them), number n of
 * total; the bundles of one packing share the group id when there are
 * several.
 */
struct bag {
	struct item *items;
	const struct lf_bundlew_file *files; /* the items' sealed files */
	size_t nitems;
	size_t n, total;
	const char *group; /* NULL for a bundle alone */
	char id[LF_BUNDLE_ID_MAX];
	char tmp[4300]; /* its tar, written and synced, not yet linked */
	char final[4400];
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-pack -k KEY -o DIR [--profile NAME] [--select FILE | "
	    "--attachments-only]\n"
	    "               [--store DIR] [--bundle-size BYTES] "
	    "[--custody LOG]\n"
	    "               [--recipient CERT]... [--case ID] "
	    "[--evidence-number N]\n"
	    "               [--examiner NAME] [--organization ORG] "
	    "[--contact EMAIL] INPUT...\n"
	    "\n"
	    "Seal the samples of suspect messages into signed evidence "
	    "bundles,\n"
	    "DIR/<bundle-id>.tar, and print their paths.\n"
	    "\n"
	    "  -k, --key FILE           the signing key (lf-keygen)\n"
	    "      --passphrase-file FILE, --passphrase-env VAR  its "
	    "passphrase\n"
	    "  -o, --output DIR         where the bundle goes (it must "
	    "exist)\n"
	    "      --profile NAME       the upload profile (default "
	    "symantec-ess)\n"
	    "      --store DIR          the inputs are lf-extract's reports "
	    "(--json or\n"
	    "                           --jsonl) of the messages stored "
	    "in DIR\n"
	    "      --select FILE        only the objects whose SHA-256 the "
	    "file lists\n"
	    "      --attachments-only   only attachments (default: every "
	    "object stored)\n"
	    "      --recipient CERT     also encrypt each sealed file to this "
	    "certificate\n"
	    "      --bundle-size BYTES  most bytes a bundle holds (default: "
	    "the profile's\n"
	    "                           sample limit); more make several\n"
	    "      --trusted-mta HOST   one of your own border servers, for "
	    "the gateway\n"
	    "                           verdicts of the messages; "
	    "repeatable\n"
	    "      --custody LOG        record the packing in this custody "
	    "log (default:\n"
	    "                           LF_CUSTODY), its head in the "
	    "manifest\n"
	    "      --case ID, --evidence-number N, --examiner NAME,\n"
	    "      --organization ORG, --contact EMAIL   the case, in the "
	    "bundle\n"
	    "  -q, --quiet, -v, --verbose, -h, --help, -V, --version, "
	    "--limit NAME=N\n"
	    "\n"
	    "Exit status: 0 packed, 2 usage, 3 failure (nothing is left under "
	    "a final name).\n");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_PROFILE = 256,
		OPT_SELECT,
		OPT_ATTACH,
		OPT_RECIPIENT,
		OPT_CASE,
		OPT_EVIDENCE,
		OPT_EXAMINER,
		OPT_ORG,
		OPT_CONTACT,
		OPT_PASSFILE,
		OPT_PASSENV,
		OPT_BUNDLE_SIZE,
		OPT_CUSTODY,
		OPT_STORE,
		OPT_MTA
	};
	static const struct option longopts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"output", required_argument, NULL, 'o'},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"select", required_argument, NULL, OPT_SELECT},
	    {"attachments-only", no_argument, NULL, OPT_ATTACH},
	    {"recipient", required_argument, NULL, OPT_RECIPIENT},
	    {"case", required_argument, NULL, OPT_CASE},
	    {"evidence-number", required_argument, NULL, OPT_EVIDENCE},
	    {"examiner", required_argument, NULL, OPT_EXAMINER},
	    {"organization", required_argument, NULL, OPT_ORG},
	    {"contact", required_argument, NULL, OPT_CONTACT},
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase-env", required_argument, NULL, OPT_PASSENV},
	    {"bundle-size", required_argument, NULL, OPT_BUNDLE_SIZE},
	    {"custody", required_argument, NULL, OPT_CUSTODY},
	    {"store", required_argument, NULL, OPT_STORE},
	    {"trusted-mta", required_argument, NULL, OPT_MTA},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	cli_common_init(&o->c);
	o->profile = "symantec-ess";
	while ((c = getopt_long(argc, argv, "k:o:" CLI_COMMON_SHORTOPTS,
	            longopts, NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case 'k':
			o->key = optarg;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case OPT_PROFILE:
			o->profile = optarg;
			break;
		case OPT_SELECT:
			o->select = optarg;
			break;
		case OPT_ATTACH:
			o->attachments_only = true;
			break;
		case OPT_RECIPIENT:
			if (o->nrecipients == MAX_RECIPIENTS)
				cli_usage_error("at most %d recipients",
				    MAX_RECIPIENTS);
			o->recipients[o->nrecipients++] = optarg;
			break;
		case OPT_CASE:
			o->case_id = optarg;
			break;
		case OPT_EVIDENCE:
			o->evidence = optarg;
			break;
		case OPT_EXAMINER:
			o->examiner = optarg;
			break;
		case OPT_ORG:
			o->organization = optarg;
			break;
		case OPT_CONTACT:
			o->contact = optarg;
			break;
		case OPT_PASSFILE:
			o->passfile = optarg;
			break;
		case OPT_PASSENV:
			o->passenv = optarg;
			break;
		case OPT_CUSTODY:
			o->custody = optarg;
			break;
		case OPT_STORE:
			o->store = optarg;
			break;
		case OPT_MTA:
			if (o->nmta == MAX_MTA)
				cli_usage_error("at most %d --trusted-mta",
				    MAX_MTA);
			o->mta[o->nmta++] = optarg;
			break;
		case OPT_BUNDLE_SIZE: {
			char *end;
			errno = 0;
			o->bundle_size = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-' || o->bundle_size == 0)
				cli_usage_error("--bundle-size: not a number "
				                "of bytes: '%s'",
				    cli_esc(optarg, strlen(optarg)));
			break;
		}
		default:
			break;
		}
	}
	if (o->key == NULL || o->outdir == NULL)
		cli_usage_error("-k KEY and -o DIR are required");
	if (o->select != NULL && o->attachments_only)
		cli_usage_error("--select and --attachments-only exclude each "
		                "other");
	if (o->passfile != NULL && o->passenv != NULL)
		cli_usage_error(
		    "--passphrase-file and --passphrase-env exclude "
		    "each other");
	if (optind == argc)
		cli_usage_error("no input (use '-' for standard input)");
}

static void die(struct state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
die(struct state *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_warn("%s", msg);
	s->status = CLI_EXIT_FAILURE;
}

/* ---- setup ---- */

static void
load_key(struct state *s)
{
	struct cli_passphrase pp;
	struct lf_error err;
	struct lf_buf b;
	int rc;

	lf_buf_init(&b, LF_SIGKEY_FILE_MAX);
	cli_passphrase_init(&pp, s->o.passfile, s->o.passenv);
	if ((rc = lf_read_file(s->o.key, &b, &err)) == LF_OK)
		rc = lf_sigkey_load_private(b.data, b.len, cli_passphrase_give,
		    &pp, &s->key, &err);
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.len);
	lf_buf_release(&b);
	cli_passphrase_release(&pp);
	if (rc != LF_OK) {
		if (!pp.failed)
			cli_warn("-k '%s': %s",
			    cli_esc(s->o.key, strlen(s->o.key)), err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	/* The zips' salt secret: a signature only this key makes. */
	if (lf_sign_raw(s->key, (const uint8_t *)SEAL_SECRET_LABEL,
	        strlen(SEAL_SECRET_LABEL), s->secret, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
}

static void
load_profile(struct state *s)
{
	s->profile = cli_upload_profile(s->o.profile);
	if (s->profile->cms == LF_UPLOAD_CMS_REQUIRED && s->o.nrecipients == 0)
		cli_usage_error("profile %s requires --recipient",
		    s->profile->name);
	if (s->profile->cms == LF_UPLOAD_CMS_NONE && s->o.nrecipients > 0)
		cli_usage_error("profile %s takes no CMS (--recipient)",
		    s->profile->name);
}

static void
load_recipients(struct state *s)
{
	struct lf_error err;
	size_t i;

	for (i = 0; i < s->o.nrecipients; i++) {
		struct lf_buf b;
		lf_buf_init(&b, 1024 * 1024);
		if (lf_read_file(s->o.recipients[i], &b, &err) != LF_OK) {
			cli_warn("--recipient: %s", err.msg);
			exit(CLI_EXIT_FAILURE);
		}
		s->certs[i].n = b.len;
		s->certs[i].p = lf_buf_steal(&b, NULL);
	}
}

/* The list --select names: one SHA-256 a line, blank lines and # skipped. */
/* The custody log's head now, which the manifest records. */
static void
load_custody(struct state *s)
{
	if ((s->custody = cli_custody_log(s->o.custody)) != NULL)
		s->has_head = cli_custody_head(s->custody, s->head);
}

static void
load_select(struct state *s)
{
	struct lf_error err;
	struct lf_buf b;
	const char *p, *e;

	lf_buf_init(&b, (size_t)MAX_SELECT * 80);
	if (lf_read_file(s->o.select, &b, &err) != LF_OK) {
		cli_warn("--select: %s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	if ((s->select = calloc(MAX_SELECT, sizeof(*s->select))) == NULL) {
		cli_warn("out of memory");
		exit(CLI_EXIT_FAILURE);
	}
	for (p = (const char *)b.data; b.data != NULL && *p != '\0'; p = e) {
		size_t n;
		e = strchr(p, '\n');
		e = e != NULL ? e + 1 : p + strlen(p);
		n = (size_t)(e - p);
		while (n > 0 &&
		    (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' ||
		        p[n - 1] == '\t'))
			n--;
		if (n == 0 || p[0] == '#')
			continue;
		if (n != 64 || s->nselect == MAX_SELECT ||
		    lf_hex_decode(p, 64, s->select[s->nselect], 32) != 32) {
			cli_warn("--select: '%.*s' is not a SHA-256",
			    (int)(n < 80 ? n : 80), p);
			exit(CLI_EXIT_FAILURE);
		}
		s->nselect++;
	}
	lf_buf_release(&b);
}

static int64_t
bundle_time(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (sde == NULL || *sde == '\0')
		return (int64_t)time(NULL);
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (errno != 0 || *end != '\0' || v < 315532800 || v > 4354819199LL)
		cli_usage_error("SOURCE_DATE_EPOCH: not seconds between 1980 "
		                "and 2107");
	return (int64_t)v;
}

/* ---- the messages taken apart, the samples chosen ---- */

static bool
hex32(const char *hex, uint8_t out[32])
{
	return hex != NULL && strlen(hex) == 64 &&
	    lf_hex_decode(hex, 64, out, 32) == 32;
}

static struct item *
find_item(struct state *s, const uint8_t sha256[32], bool message)
{
	size_t i;

	for (i = 0; i < s->nitems; i++)
		if (s->items[i].message == message &&
		    memcmp(s->items[i].sha256, sha256, 32) == 0)
			return &s->items[i];
	return NULL;
}

static struct item *
new_item(struct state *s)
{
	struct item *it;

	if (s->nitems == s->capitems) {
		size_t cap = s->capitems ? s->capitems * 2 : 64;
		struct item *n = realloc(s->items, cap * sizeof(*n));
		if (n == NULL)
			return NULL;
		s->items = n;
		s->capitems = cap;
	}
	it = &s->items[s->nitems++];
	memset(it, 0, sizeof(*it));
	return it;
}

static bool
selected(const struct state *s, const uint8_t sha256[32], const json_t *part)
{
	size_t i;

	if (s->o.select != NULL) {
		for (i = 0; i < s->nselect; i++)
			if (memcmp(s->select[i], sha256, 32) == 0)
				return true;
		return false;
	}
	if (s->o.attachments_only)
		return json_is_true(json_object_get(part, "attachment"));
	return true;
}

/* A message's report: the message itself, and the samples it holds. */
static int
take_report(struct state *s, json_t *report)
{
	const json_t *msg = json_object_get(report, "message");
	const json_t *parts = json_object_get(report, "parts");
	uint8_t msha[32], sha[32];
	const json_t *p;
	struct item *it;
	size_t i;

	if (!hex32(json_string_value(json_object_get(msg, "sha256")), msha))
		return -1;
	if (find_item(s, msha, true) == NULL) {
		if ((it = new_item(s)) == NULL)
			return -1;
		it->message = true;
		memcpy(it->sha256, msha, 32);
		it->size =
		    (uint64_t)json_integer_value(json_object_get(msg, "size"));
		it->source = strdup(s->source);
		if (it->source == NULL)
			return -1;
	}
	json_array_foreach(parts, i, p)
	{
		const json_t *obj = json_object_get(p, "object");
		struct found *f;
		/* Only what the store holds can be sealed: every attachment
		 * and every object that is not plain message text. */
		if (obj == NULL || json_object_get(p, "stored") == NULL ||
		    !hex32(json_string_value(json_object_get(obj, "sha256")),
		        sha) ||
		    !selected(s, sha, p))
			continue;
		if ((it = find_item(s, sha, false)) == NULL) {
			if ((it = new_item(s)) == NULL)
				return -1;
			memcpy(it->sha256, sha, 32);
			it->size = (uint64_t)json_integer_value(
			    json_object_get(obj, "size"));
			it->object = json_deep_copy(obj);
			if (it->object == NULL)
				return -1;
		}
		f = realloc(it->found, (it->nfound + 1) * sizeof(*f));
		if (f == NULL)
			return -1;
		it->found = f;
		f = &it->found[it->nfound++];
		memcpy(f->message, msha, 32);
		f->path = strdup(json_string_value(json_object_get(p, "path")));
		f->name = json_incref(json_object_get(p, "name"));
		if (f->path == NULL)
			return -1;
	}
	return 0;
}

static int
message_begin(void *arg, const char *source, uint64_t mbox_offset)
{
	struct state *s = arg;
	struct lf_error err;

	s->source = source;
	if (lf_extract_begin(s->x, (const uint8_t *)source, strlen(source),
	        mbox_offset, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return 1;
	}
	return 0;
}

static int
message_data(void *arg, const uint8_t *p, size_t n)
{
	struct state *s = arg;
	struct lf_error err;

	if (lf_extract_feed(s->x, p, n, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return 1;
	}
	return 0;
}

static int
message_end(void *arg)
{
	struct state *s = arg;
	struct lf_error err;
	json_t *report = NULL;

	if (lf_extract_end(s->x, &report, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return 1;
	}
	if (take_report(s, report) != 0) {
		json_decref(report);
		die(s, "%s", "out of memory");
		return 1;
	}
	json_decref(report);
	return 0;
}

static const struct inputs_handler input_handler = {message_begin, message_data,
    message_end};

static void
extract_all(struct state *s, int argc, char **argv)
{
	struct lf_extract_opts xo;
	struct lf_magic_db *db = NULL;
	struct lf_magic *magic = NULL;
	struct lf_error err;
	char store[4200];
	int i;

	(void)snprintf(store, sizeof(store), "%s/store", s->work);
	if (lf_store_open(store, &s->store, &err) != LF_OK ||
	    lf_magic_db_open(&db, &err) != LF_OK ||
	    lf_magic_new(db, &magic, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return;
	}
	memset(&xo, 0, sizeof(xo));
	xo.limits = &s->o.c.limits;
	xo.algs = LF_DIGEST_ALL;
	xo.store = s->store;
	xo.magic = magic;
	xo.tool = cli_prog();
	if (lf_extract_new(&xo, &s->x, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return;
	}
	if (!inputs_init(&s->in, &input_handler, s, LF_MBOX_AUTO, &s->o.c)) {
		s->status = CLI_EXIT_FAILURE;
		return;
	}
	for (i = 0; i < argc && s->status == CLI_EXIT_OK; i++)
		inputs_read(&s->in, argv[i]);
	if (s->in.status != CLI_EXIT_OK)
		s->status = s->in.status;
	inputs_release(&s->in);
	lf_extract_free(s->x);
	s->x = NULL;
	lf_magic_free(magic);
	lf_magic_db_close(db);
	if (s->status == CLI_EXIT_OK && lf_store_sync(s->store, &err) != LF_OK)
		die(s, "%s", err.msg);
}

/*
 * --store: messages taken apart before, by lf-extract -o DIR: each input
 * is its reports, one JSON document a line (--jsonl) or one array
 * (--json), read line by line, a line at most limit report-bytes.  The
 * objects are read from the store when sealed, and sealing checks each
 * one's SHA-256: a store changed since is refused, never packed.
 */
/* One document of reports: a report, or --json's array of them. */
static void
take_document(struct state *s, const char *path, uint64_t lineno,
    const struct lf_buf *text, struct lf_buf *src)
{
	struct lf_error err;
	json_error_t jerr;
	json_t *doc, *r;
	size_t i, n;

	doc = json_loadb((const char *)text->data, text->len, 0, &jerr);
	if (doc == NULL) {
		die(s, "'%s' line %llu: not a report: %s", path,
		    (unsigned long long)(lineno + (uint64_t)jerr.line - 1),
		    jerr.text);
		return;
	}
	n = json_is_array(doc) ? json_array_size(doc) : 1;
	for (i = 0; i < n && s->status == CLI_EXIT_OK; i++) {
		r = json_is_array(doc) ? json_array_get(doc, i) : doc;
		lf_buf_reset(src);
		if (lf_json_get_name(r, "source", src, &err) != LF_OK ||
		    lf_buf_putc(src, '\0', &err) != LF_OK)
			die(s, "'%s' line %llu: not an lf-extract report", path,
			    (unsigned long long)lineno);
		else if (json_object_get(json_object_get(r, "message"),
		             "stored") == NULL)
			die(s,
			    "'%s' line %llu: the message is not in the store "
			    "(was it taken apart with --no-store?)",
			    path, (unsigned long long)lineno);
		else {
			s->source = (const char *)src->data;
			if (take_report(s, r) != 0)
				die(s,
				    "'%s' line %llu: not an lf-extract "
				    "report, or out of memory",
				    path, (unsigned long long)lineno);
			s->source = NULL;
		}
	}
	json_decref(doc);
}

/*
 * --store: messages taken apart before, by lf-extract -o DIR: each input
 * holds their reports, one a line (--jsonl, each line at most
 * REPORT_LINE_MAX bytes) or one array (--json, at most as much in all).
 * The objects are read from the store when sealed, and sealing checks
 * each one's SHA-256: a store changed since is refused, never packed.
 */
static void
take_reports(struct state *s, const char *path)
{
	struct lf_reader *in = NULL;
	struct lf_error err;
	struct lf_buf line, doc, src;
	uint64_t lineno = 0, first = 0;
	bool too_long, array = false;
	int fd, more;

	lf_buf_init(&line, REPORT_LINE_MAX);
	lf_buf_init(&doc, REPORT_LINE_MAX);
	lf_buf_init(&src, 4096);
	fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lf_reader_from_fd(fd, true, &in, &err) != LF_OK) {
		if (fd >= 0)
			(void)close(fd);
		die(s, "'%s': %s", path, strerror(errno));
		return;
	}
	while (s->status == CLI_EXIT_OK &&
	    (more = lf_reader_getline(in, &line, REPORT_LINE_MAX, &too_long,
	         &err)) == 1) {
		lineno++;
		if (too_long || (array && doc.len + line.len + 1 > doc.max)) {
			die(s, "'%s' line %llu: a report longer than %d bytes",
			    path, (unsigned long long)lineno, REPORT_LINE_MAX);
			break;
		}
		if (!array && line.len > 0 && line.data[0] == '[') {
			array = true;
			first = lineno;
		}
		if (array) {
			if (lf_buf_append(&doc, line.data, line.len, &err) !=
			        LF_OK ||
			    lf_buf_putc(&doc, '\n', &err) != LF_OK)
				die(s, "%s", err.msg);
		} else if (line.len > 0) {
			take_document(s, path, lineno, &line, &src);
		}
	}
	if (s->status == CLI_EXIT_OK && more < 0)
		die(s, "'%s': %s", path, err.msg);
	else if (s->status == CLI_EXIT_OK && array)
		take_document(s, path, first, &doc, &src);
	lf_reader_free(in);
	lf_buf_release(&line);
	lf_buf_release(&doc);
	lf_buf_release(&src);
}

/* ---- the header verdicts ---- */

/* Where an item's bytes are: the store given, or the workspace's. */
static void
stored_path(const struct state *s, const struct item *it, char *out, size_t cap)
{
	char rel[LF_STORE_PATH_MAX];

	lf_store_relpath(it->sha256, rel);
	if (s->o.store != NULL)
		(void)snprintf(out, cap, "%s/%s", s->o.store, rel);
	else
		(void)snprintf(out, cap, "%s/store/%s", s->work, rel);
}

/*
 * Each message's gateway verdicts, as lf-headers judges them from its
 * header block (an Outlook .msg's transport headers), with the user's
 * border servers (--trusted-mta): {gateway, verdict, why} each.
 */
static int
verdicts(const struct state *s, const struct lf_headers_opts *ho,
    struct item *it, struct lf_buf *block, struct lf_error *err)
{
	char path[4300];
	const json_t *g;
	json_t *report = NULL;
	bool outlook;
	size_t i;
	int fd, rc, worst;

	stored_path(s, it, path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return lf_error_sys(err, errno, "'%s'", path);
	rc = lf_headsrc_file(fd, &s->o.c.limits, block, &outlook, err);
	(void)close(fd);
	if (rc == LF_OK)
		rc = lf_headers_analyze(block->data, block->len, ho, &report,
		    &worst, err);
	if (rc != LF_OK)
		return rc;
	if ((it->gateways = json_array()) == NULL) {
		json_decref(report);
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	json_array_foreach(json_object_get(report, "gateways"), i, g)(
	    void) json_array_append_new(it->gateways,
	    json_pack("{s:O, s:O, s:O}", "gateway", json_object_get(g, "name"),
	        "verdict", json_object_get(g, "verdict"), "why",
	        json_object_get(g, "why")));
	json_decref(report);
	return LF_OK;
}

static void
judge_transit(struct state *s)
{
	char buf[4096];
	const char *dir = cli_data_path("LF_GATEWAY_PROFILES",
	    "profiles/gateway", true, buf, sizeof(buf));
	struct lf_headers_opts ho;
	struct lf_gateways *gs = NULL;
	struct lf_error err;
	struct lf_buf block;
	size_t i;

	if (dir == NULL)
		cli_warn("no gateway profiles found: the messages' transit is "
		         "not judged (LF_GATEWAY_PROFILES)");
	else if (lf_gateways_load(dir, &gs, &err) != LF_OK) {
		die(s, "%s", err.msg);
		return;
	}
	memset(&ho, 0, sizeof(ho));
	ho.trusted_mta = s->o.mta;
	ho.ntrusted_mta = s->o.nmta;
	ho.gateways = gs;
	ho.max_fields = (size_t)s->o.c.limits.header_fields;
	ho.tool = cli_prog();
	lf_buf_init(&block, (size_t)s->o.c.limits.header_bytes);
	for (i = 0; i < s->nitems && s->status == CLI_EXIT_OK; i++)
		if (s->items[i].message &&
		    verdicts(s, &ho, &s->items[i], &block, &err) != LF_OK)
			die(s, "%s: the header analysis: %s",
			    s->items[i].source, err.msg);
	lf_buf_release(&block);
	lf_gateways_free(gs);
}

/* ---- sealing ---- */

/* The sealed bytes go to a file of the workspace, hashed on the way. */
/* Where sealed bytes go: hashed (h), and passed on (write, may be NULL). */
struct sink {
	struct lf_bagit_hash *h;
	uint64_t size;
	lf_bundlew_write_fn write;
	void *warg;
};

static int
sink_write(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct sink *k = arg;
	int rc;

	if (k->h != NULL &&
	    (rc = lf_bagit_hash_update(k->h, p, n, err)) != LF_OK)
		return rc;
	k->size += n;
	return k->write != NULL ? k->write(k->warg, p, n, err) : LF_OK;
}

/* The entry's name in the sealed zip: the object's SHA-256 (".eml" for a
 * message). */
static void
entry_name(const struct item *it, char name[80])
{
	lf_hex(name, it->sha256, 32);
	if (it->message)
		memcpy(name + 64, ".eml", 5);
}

/*
 * The item's bytes, from the store (a sample) or the stored message,
 * sealed as the profile says into k: a zip, in a CMS envelope to the
 * recipients when there are any.  The zip alone is the same bytes every
 * time (its salts come from the key); the envelope is not (its content key
 * is fresh).  Sealed again, the content is not checked against its
 * SHA-256 a second time: lf_bundlew holds the output to the first
 * sealing's digest, which different content would not give.  Returns
 * LF_OK, or an error with err filled.
 */
static int
seal_stream(const struct state *s, const struct item *it, bool again,
    struct sink *k, struct lf_error *err)
{
	char src[4300], name[80];
	struct lf_seal_opts so;
	struct lf_seal_zip *z = NULL;
	struct lf_sealcms *cms = NULL;
	uint8_t *buf;
	ssize_t got;
	int in, rc = LF_OK;

	stored_path(s, it, src, sizeof(src));
	entry_name(it, name);
	memset(&so, 0, sizeof(so));
	so.method = s->profile->seal == LF_UPLOAD_ZIP_AES256 ?
	    LF_SEAL_AES256 :
	    LF_SEAL_ZIPCRYPTO;
	so.password = s->profile->password;
	so.name = name;
	so.epoch = s->epoch;
	so.secret = s->secret;
	so.secret_len = sizeof(s->secret);
	memcpy(so.sha256, it->sha256, 32);
	so.size = it->size;
	so.sha256_checked = again;
	if ((buf = malloc(SEAL_CHUNK)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return lf_error_sys(err, errno, "'%s'", src);
	}
	if (s->o.nrecipients > 0)
		rc = lf_sealcms_new(s->certs, s->o.nrecipients, sink_write, k,
		    &cms, err);
	if (rc == LF_OK)
		rc = lf_seal_zip_new(&so,
		    cms != NULL ? lf_sealcms_write : sink_write,
		    cms != NULL ? (void *)cms : (void *)k, &z, err);
	while (rc == LF_OK && (got = read(in, buf, SEAL_CHUNK)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = lf_error_sys(err, errno, "'%s'", src);
		else
			rc = lf_seal_zip_update(z, buf, (size_t)got, err);
	}
	if (rc == LF_OK)
		rc = lf_seal_zip_finish(z, err);
	if (rc == LF_OK && cms != NULL)
		rc = lf_sealcms_finish(cms, err);
	lf_seal_zip_free(z);
	lf_sealcms_free(cms);
	(void)close(in);
	free(buf);
	return rc;
}

/*
 * The second sealing runs in two threads: a helper seals (the content
 * hashed, encrypted and authenticated) into a ring of buffers, and the
 * caller hands each full one to lf_bundlew, which hashes it and writes
 * the tar.  The tar is written by one thread, so without this the two
 * halves would add up.
 */
#define RING_BUFS 4
#define RING_BUF (1024 * 1024)

struct ring {
	const struct reseal *r;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[RING_BUFS];
	size_t len[RING_BUFS];
	size_t head, count; /* the full buffers: head, head + 1, ... */
	size_t fill;        /* the sealer's bytes in buf[head + count] */
	bool done, stop;    /* the sealer ended; the writer failed */
	int rc;             /* the sealer's result, err its error */
	struct lf_error err;
};

/* A full buffer for the writer; the caller holds g->mu. */
static void
ring_publish(struct ring *g)
{
	g->len[(g->head + g->count) % RING_BUFS] = g->fill;
	g->count++;
	g->fill = 0;
	(void)pthread_cond_broadcast(&g->cv);
}

/* The sealer's sink: bytes into the buffer being filled. */
static int
ring_put(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct ring *g = arg;
	size_t idx, k;

	while (n > 0) {
		(void)pthread_mutex_lock(&g->mu);
		while (g->count == RING_BUFS && !g->stop)
			(void)pthread_cond_wait(&g->cv, &g->mu);
		if (g->stop) {
			(void)pthread_mutex_unlock(&g->mu);
			return lf_error_set(err, LF_E_IO, "the tar failed");
		}
		idx = (g->head + g->count) % RING_BUFS;
		(void)pthread_mutex_unlock(&g->mu);
		k = n < RING_BUF - g->fill ? n : RING_BUF - g->fill;
		memcpy(g->buf[idx] + g->fill, p, k);
		g->fill += k;
		p += k;
		n -= k;
		if (g->fill == RING_BUF) {
			(void)pthread_mutex_lock(&g->mu);
			ring_publish(g);
			(void)pthread_mutex_unlock(&g->mu);
		}
	}
	return LF_OK;
}

static void *
ring_sealer(void *arg)
{
	struct ring *g = arg;
	struct sink k = {NULL, 0, ring_put, g};
	struct lf_error err;
	int rc;

	lf_error_clear(&err);
	rc = seal_stream(g->r->s, g->r->it, true, &k, &err);
	(void)pthread_mutex_lock(&g->mu);
	if (rc == LF_OK && g->fill > 0)
		ring_publish(g);
	g->rc = rc;
	g->err = err;
	g->done = true;
	(void)pthread_cond_broadcast(&g->cv);
	(void)pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* lf_bundlew's producer: the item sealed again, into the bundle's tar. */
static int
reseal(void *arg, lf_bundlew_write_fn write, void *warg, struct lf_error *err)
{
	const struct reseal *r = arg;
	struct sink direct = {NULL, 0, write, warg};
	struct ring g;
	pthread_t t;
	size_t i, idx, n;
	bool threaded;
	int rc = LF_OK;

	memset(&g, 0, sizeof(g));
	g.r = r;
	for (i = 0; i < RING_BUFS; i++)
		if ((g.buf[i] = malloc(RING_BUF)) == NULL)
			break;
	if (i < RING_BUFS || pthread_mutex_init(&g.mu, NULL) != 0) {
		while (i > 0)
			free(g.buf[--i]);
		return seal_stream(r->s, r->it, true, &direct, err);
	}
	threaded = pthread_cond_init(&g.cv, NULL) == 0;
	if (threaded && pthread_create(&t, NULL, ring_sealer, &g) != 0) {
		(void)pthread_cond_destroy(&g.cv);
		threaded = false;
	}
	if (!threaded) { /* no helper: seal here, one half after the other */
		for (i = 0; i < RING_BUFS; i++)
			free(g.buf[i]);
		(void)pthread_mutex_destroy(&g.mu);
		return seal_stream(r->s, r->it, true, &direct, err);
	}
	for (;;) {
		(void)pthread_mutex_lock(&g.mu);
		while (g.count == 0 && !g.done)
			(void)pthread_cond_wait(&g.cv, &g.mu);
		if (g.count == 0) {
			(void)pthread_mutex_unlock(&g.mu);
			break;
		}
		idx = g.head;
		n = g.len[idx];
		(void)pthread_mutex_unlock(&g.mu);
		rc = write(warg, g.buf[idx], n, err);
		(void)pthread_mutex_lock(&g.mu);
		g.head = (g.head + 1) % RING_BUFS;
		g.count--;
		if (rc != LF_OK)
			g.stop = true;
		(void)pthread_cond_broadcast(&g.cv);
		(void)pthread_mutex_unlock(&g.mu);
		if (rc != LF_OK)
			break;
	}
	(void)pthread_join(t, NULL);
	if (rc == LF_OK && g.rc != LF_OK) {
		*err = g.err;
		rc = g.rc;
	}
	(void)pthread_cond_destroy(&g.cv);
	(void)pthread_mutex_destroy(&g.mu);
	for (i = 0; i < RING_BUFS; i++)
		free(g.buf[i]);
	return rc;
}

/*
 * Seal one item to learn its sealed size and digests, which name the
 * bundle.  A zip is only hashed here, and sealed again straight into the
 * tar (reseal): its bytes never wait on disk.  An envelope, different at
 * each sealing, is written to a file of the workspace.  It touches only
 * its item and what the state lends every sealer (profile, secret,
 * certificates): items are sealed on several threads at once.  Returns
 * LF_OK, or an error with err filled.
 */
static int
seal_item(const struct state *s, struct item *it, size_t index,
    struct lf_error *err)
{
	struct lf_bagit_digests d;
	struct sink k = {NULL, 0, NULL, NULL};
	char name[80];
	int fd = -1, rc;

	entry_name(it, name);
	(void)snprintf(it->file, sizeof(it->file), "data/%s/%s.zip%s",
	    it->message ? "messages" : "samples", name,
	    s->o.nrecipients > 0 ? ".cms" : "");
	it->kept = s->o.nrecipients > 0;
	if (it->kept) {
		(void)snprintf(it->tmp, sizeof(it->tmp), "sealed-%zu", index);
		if ((fd = openat(s->workfd, it->tmp,
		         O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
			return lf_error_sys(err, errno, "'%s'", it->tmp);
		k.write = lf_seal_write_fd;
		k.warg = &fd;
	}
	rc = lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256) |
	        LF_BAGIT_BIT(LF_BAGIT_SHA512),
	    &k.h, err);
	if (rc == LF_OK)
		rc = seal_stream(s, it, false, &k, err);
	if (rc == LF_OK)
		rc = lf_bagit_hash_final(k.h, &d, err);
	if (rc == LF_OK) {
		it->entry.path = it->file;
		it->entry.size = k.size;
		memcpy(it->entry.sha256, d.d[LF_BAGIT_SHA256], 32);
		memcpy(it->entry.sha512, d.d[LF_BAGIT_SHA512], 64);
		it->eligible = it->message ||
		    lf_upload_eligible(s->profile, k.size, it->kept,
		        it->reason);
	}
	lf_bagit_hash_free(k.h);
	if (fd >= 0 && close(fd) != 0 && rc == LF_OK)
		rc = lf_error_sys(err, errno, "close");
	return rc;
}

/* The sealers' shared progress: the next item, and the first failure. */
struct sealers {
	struct state *s;
	pthread_mutex_t mu;
	size_t next;
	int rc;
	struct lf_error err;
};

static void *
sealer(void *arg)
{
	struct sealers *w = arg;
	struct lf_error err;
	size_t i;
	int rc;

	for (;;) {
		(void)pthread_mutex_lock(&w->mu);
		i = w->rc == LF_OK ? w->next++ : w->s->nitems;
		(void)pthread_mutex_unlock(&w->mu);
		if (i >= w->s->nitems)
			return NULL;
		if ((rc = seal_item(w->s, &w->s->items[i], i, &err)) != LF_OK) {
			(void)pthread_mutex_lock(&w->mu);
			if (w->rc == LF_OK) {
				w->rc = rc;
				w->err = err;
			}
			(void)pthread_mutex_unlock(&w->mu);
		}
	}
}

/*
 * Every item sealed, on as many threads as there are processors (at most
 * MAX_SEALERS): each item is sealed whole by one thread, so the bytes
 * are those one thread makes.
 */
static void
seal_all(struct state *s)
{
	struct sealers w;
	pthread_t t[MAX_SEALERS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = ncpu < 1 ? 1 : (size_t)ncpu, started = 0, i;

	if (n > MAX_SEALERS)
		n = MAX_SEALERS;
	if (n > s->nitems)
		n = s->nitems;
	memset(&w, 0, sizeof(w));
	w.s = s;
	if (pthread_mutex_init(&w.mu, NULL) != 0) {
		die(s, "%s", "cannot start the sealers");
		return;
	}
	for (i = 1; i < n; i++)
		if (pthread_create(&t[started], NULL, sealer, &w) == 0)
			started++;
	(void)sealer(&w);
	for (i = 0; i < started; i++)
		(void)pthread_join(t[i], NULL);
	(void)pthread_mutex_destroy(&w.mu);
	if (w.rc != LF_OK)
		die(s, "sealing: %s", w.err.msg);
}

/* Sorted by their file in the bag: the bag's order, the tar's order. */
static int
by_file(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->file,
	    ((const struct item *)b)->file);
}

/* ---- the bag ---- */

static json_t *
str_or_null(const char *v)
{
	return v != NULL ? json_string(v) : json_null();
}

static json_t *
sealed_json(const struct state *s, const struct item *it)
{
	char hex[65], entry[80];

	lf_hex(hex, it->entry.sha256, 32);
	lf_hex(entry, it->sha256, 32);
	if (it->message)
		memcpy(entry + 64, ".eml", 5);
	json_t *certs = json_array();
	for (size_t i = 0; i < s->o.nrecipients; i++) {
		uint8_t md[32];
		char h[65];
		(void)EVP_Digest(s->certs[i].p, s->certs[i].n, md, NULL,
		    EVP_sha256(), NULL);
		lf_hex(h, md, 32);
		(void)json_array_append_new(certs, json_string(h));
	}
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "file",
	    it->file, "size", (json_int_t)it->entry.size, "sha256", hex,
	    "method", lf_upload_seal_name(s->profile->seal), "password",
	    s->profile->password, "entry", entry, "cms_recipients", certs);
}

/* data/manifest.json: what the bundle holds, and why. */
static char *
manifest_json(const struct state *s, const struct bag *b, size_t *len)
{
	json_t *doc = lf_json_doc_new("lf-manifest", 1, cli_prog());
	json_t *msgs = json_array(), *samples = json_array(), *libs;
	char t[32], fpr[LF_SIGKEY_FPR_HEX], hex[65];
	char *out;
	size_t i, k;

	lf_date_rfc3339(s->epoch, t);
	lf_sigkey_fingerprint_hex(s->key, fpr);
	libs = json_pack("{s:s, s:s, s:s}", "OpenSSL",
	    OpenSSL_version(OPENSSL_VERSION), "libforensic",
	    lf_version_string(), "libarchive", archive_version_string());
	(void)json_object_set_new(doc, "libraries", libs);
	(void)json_object_set_new(doc, "bundle",
	    json_pack("{s:s, s:s, s:{s:I, s:I}, s:o}", "id", b->id, "time", t,
	        "count", "n", (json_int_t)b->n, "total", (json_int_t)b->total,
	        "group", str_or_null(b->group)));
	(void)json_object_set_new(doc, "case",
	    json_pack("{s:o, s:o, s:o, s:o, s:o}", "id",
	        str_or_null(s->o.case_id), "evidence_number",
	        str_or_null(s->o.evidence), "examiner",
	        str_or_null(s->o.examiner), "organization",
	        str_or_null(s->o.organization), "contact",
	        str_or_null(s->o.contact)));
	(void)json_object_set_new(doc, "profile",
	    json_pack("{s:s, s:I, s:s, s:s}", "name", s->profile->name,
	        "sample_limit", (json_int_t)s->profile->sample_limit, "seal",
	        lf_upload_seal_name(s->profile->seal), "cms",
	        lf_upload_cms_name(s->profile->cms)));
	(void)json_object_set_new(doc, "signer",
	    json_pack("{s:s}", "fingerprint", fpr));
	lf_hex(hex, s->head, sizeof(s->head));
	(void)json_object_set_new(doc, "custody",
	    json_pack("{s:o}", "log_head_sha256",
	        s->has_head ? json_string(hex) : json_null()));
	for (i = 0; i < b->nitems; i++) {
		const struct item *it = &b->items[i];
		lf_hex(hex, it->sha256, 32);
		if (it->message) {
			json_t *m = json_pack("{s:s, s:I, s:o, s:o}", "sha256",
			    hex, "size", (json_int_t)it->size, "sealed",
			    sealed_json(s, it), "gateways",
			    it->gateways != NULL ? json_incref(it->gateways) :
			                           json_array());
			(void)lf_json_set_name(m, "source",
			    (const uint8_t *)it->source, strlen(it->source),
			    NULL);
			(void)json_array_append_new(msgs, m);
			continue;
		}
		json_t *found = json_array();
		for (k = 0; k < it->nfound; k++) {
			char mh[65];
			const json_t *nm =
			    json_object_get(it->found[k].name, "decoded");
			lf_hex(mh, it->found[k].message, 32);
			json_t *f = json_pack("{s:s, s:s}", "message_sha256",
			    mh, "path", it->found[k].path);
			(void)json_object_set(f, "name",
			    nm != NULL ? (json_t *)nm : json_null());
			(void)json_array_append_new(found, f);
		}
		(void)json_array_append_new(samples,
		    json_pack("{s:O, s:o, s:o, s:b, s:o}", "object", it->object,
		        "found", found, "sealed", sealed_json(s, it),
		        "eligible", it->eligible, "reason",
		        it->eligible ? json_null() : json_string(it->reason)));
	}
	(void)json_object_set_new(doc, "messages", msgs);
	(void)json_object_set_new(doc, "samples", samples);
	(void)json_object_set_new(doc, "randomness",
	    s->o.nrecipients > 0 ?
	        json_pack("[s]", "the CMS content keys of the sealed files") :
	        json_array());
	out = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (out == NULL)
		return NULL;
	*len = strlen(out);
	out[(*len)++] = '\n'; /* json_dumps left room: its NUL */
	return out;
}

/* ---- the tar ---- */

/*
 * A bundle's tar under a temporary name in the output directory (starting
 * with ".", not ending in ".tar"), read-only and synced; nothing is left
 * when it fails.
 */
static int
write_tmp(struct state *s, struct bag *b, const uint8_t *manifest, size_t mlen,
    struct lf_error *err)
{
	struct lf_bundlew_info info;
	char packager[512];
	int fd, rc;

	(void)snprintf(packager, sizeof(packager), "lf-pack %s; %s; %s",
	    lf_version_string(), OpenSSL_version(OPENSSL_VERSION),
	    archive_version_string());
	memset(&info, 0, sizeof(info));
	info.organization = s->o.organization;
	info.examiner = s->o.examiner;
	info.contact = s->o.contact;
	info.case_id = s->o.case_id;
	info.evidence = s->o.evidence;
	info.group = b->group;
	info.n = b->n;
	info.total = b->total;
	info.packager = packager;
	(void)snprintf(b->tmp, sizeof(b->tmp), "%s/.%s.tar.XXXXXX", s->o.outdir,
	    b->id);
	(void)snprintf(b->final, sizeof(b->final), "%s/%s.tar", s->o.outdir,
	    b->id);
	if ((fd = mkstemp(b->tmp)) < 0) {
		rc = lf_error_sys(err, errno, "'%s'", b->tmp);
		b->tmp[0] = '\0';
		return rc;
	}
	rc = lf_bundlew_write(fd, b->id, s->epoch, s->key, &info, manifest,
	    mlen, b->files, b->nitems, err);
	if (rc == LF_OK && (fchmod(fd, 0444) != 0 || fsync(fd) != 0))
		rc = lf_error_sys(err, errno, "'%s'", b->tmp);
	if (close(fd) != 0 && rc == LF_OK)
		rc = lf_error_sys(err, errno, "'%s'", b->tmp);
	if (rc != LF_OK) {
		(void)unlink(b->tmp);
		b->tmp[0] = '\0';
	}
	return rc;
}

/*
 * Every bundle of the packing linked to its final name, all or none, and
 * never over an existing file: an uploader watching the directory sees
 * only complete bundles, and a group only whole.
 */
static int
link_all(struct state *s, struct bag *bags, size_t nbags, struct lf_error *err)
{
	size_t i, k;
	int dfd, rc = LF_OK;

	for (i = 0; i < nbags && rc == LF_OK; i++)
		if (link(bags[i].tmp, bags[i].final) != 0) {
			rc = lf_error_sys(err, errno, "'%s'", bags[i].final);
			for (k = 0; k < i; k++)
				(void)unlink(bags[k].final);
		}
	if (rc == LF_OK &&
	    (dfd = open(s->o.outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >=
	        0) {
		if (fsync(dfd) != 0)
			rc = lf_error_sys(err, errno, "'%s'", s->o.outdir);
		(void)close(dfd);
	}
	return rc;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) == 0 ? 0 : 0;
}

static void
remove_work(struct state *s)
{
	if (s->workfd >= 0)
		(void)close(s->workfd);
	if (s->work[0] != '\0')
		(void)nftw(s->work, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* One bag's manifest and files, signed, into its bundle's temporary tar. */
static int
pack_bag(struct state *s, struct bag *b)
{
	struct lf_error err;
	char *manifest;
	size_t mlen = 0;
	int rc;

	lf_bundle_id("lfb", s->epoch, b->files, b->nitems, b->id);
	if ((manifest = manifest_json(s, b, &mlen)) == NULL) {
		die(s, "%s", "out of memory");
		return LF_E_NOMEM;
	}
	if ((rc = write_tmp(s, b, (const uint8_t *)manifest, mlen, &err)) !=
	    LF_OK)
		die(s, "%s", err.msg);
	free(manifest);
	return rc;
}

/*
 * The custody log's event for a bundle written: its samples and messages,
 * signed with the bundle's key.  The bundle stays when this fails: it is
 * sound, and the message says the log lacks it.
 */
static void
record_packed(struct state *s, const struct bag *b)
{
	uint8_t(*objects)[32];
	char reason[128];
	size_t i;

	if (s->custody == NULL)
		return;
	if ((objects = calloc(b->nitems, sizeof(*objects))) == NULL) {
		die(s, "%s", "out of memory");
		return;
	}
	for (i = 0; i < b->nitems; i++)
		memcpy(objects[i], b->items[i].sha256, 32);
	(void)snprintf(reason, sizeof(reason), "sealed into bundle %zu of %zu",
	    b->n, b->total);
	if (cli_custody_record(s->custody, s->key, LF_CUSTODY_PACKED,
	        (const uint8_t(*)[32])objects, b->nitems, b->id, reason) != 0)
		die(s, "'%s' was written; the custody log does not record it",
		    b->final);
	free(objects);
}

/*
 * What a sealed file costs a bundle beyond its bytes (its tar header,
 * its manifest lines and its record in data/manifest.json), and what a
 * bundle costs beyond its files: allowances that hold with room to spare.
 */
#define ITEM_ALLOWANCE 8192
#define BAG_ALLOWANCE (64 * 1024)

/*
 * The items cut into runs that each fit --bundle-size (a sealed file
 * alone over it still gets a bundle of its own: it is never split), each
 * run a bundle; all written, then all linked.
 */
static void
pack(struct state *s)
{
	uint64_t limit =
	    s->o.bundle_size > 0 ? s->o.bundle_size : s->profile->sample_limit;
	uint64_t used = BAG_ALLOWANCE;
	struct lf_bundlew_file *files;
	struct reseal *reseals;
	struct bag *bags;
	struct lf_error err;
	char group[LF_BUNDLE_ID_MAX];
	size_t nbags = 0, start = 0, i;

	bags = calloc(s->nitems, sizeof(*bags));
	files = calloc(s->nitems, sizeof(*files));
	reseals = calloc(s->nitems, sizeof(*reseals));
	if (bags == NULL || files == NULL || reseals == NULL) {
		die(s, "%s", "out of memory");
		free(bags);
		free(files);
		free(reseals);
		return;
	}
	for (i = 0; i <= s->nitems; i++) {
		uint64_t cost =
		    i < s->nitems ? s->items[i].entry.size + ITEM_ALLOWANCE : 0;
		if (i == s->nitems || (i > start && used + cost > limit)) {
			bags[nbags].items = &s->items[start];
			bags[nbags++].nitems = i - start;
			start = i;
			used = BAG_ALLOWANCE;
		}
		used += cost;
	}
	/* Each bag in the bag's order; the entries name their items'
	 * files, which moved with them. */
	for (i = 0; i < nbags; i++) {
		qsort(bags[i].items, bags[i].nitems, sizeof(struct item),
		    by_file);
		bags[i].files = files + (bags[i].items - s->items);
	}
	for (i = 0; i < s->nitems; i++) {
		const struct item *it = &s->items[i];
		reseals[i].s = s;
		reseals[i].it = it;
		files[i].path = it->file;
		files[i].dirfd = s->workfd;
		files[i].name = it->tmp;
		files[i].produce = it->kept ? NULL : reseal;
		files[i].arg = &reseals[i];
		files[i].size = it->entry.size;
		memcpy(files[i].sha256, it->entry.sha256, 32);
		memcpy(files[i].sha512, it->entry.sha512, 64);
	}
	lf_bundle_id("lfg", s->epoch, files, s->nitems, group);
	for (i = 0; i < nbags && s->status == CLI_EXIT_OK; i++) {
		bags[i].n = i + 1;
		bags[i].total = nbags;
		bags[i].group = nbags > 1 ? group : NULL;
		(void)pack_bag(s, &bags[i]);
	}
	if (s->status == CLI_EXIT_OK && link_all(s, bags, nbags, &err) != LF_OK)
		die(s, "%s", err.msg);
	for (i = 0; i < nbags && s->status == CLI_EXIT_OK; i++)
		record_packed(s, &bags[i]);
	for (i = 0; i < nbags; i++) {
		if (s->status == CLI_EXIT_OK)
			(void)printf("%s\n", bags[i].final);
		if (bags[i].tmp[0] != '\0')
			(void)unlink(bags[i].tmp);
	}
	free(bags);
	free(files);
	free(reseals);
}

int
main(int argc, char **argv)
{
	struct state s;
	size_t i;

	cli_init("lf-pack");
	memset(&s, 0, sizeof(s));
	s.workfd = -1;
	parse_options(argc, argv, &s.o);
	s.epoch = bundle_time();
	load_profile(&s);
	load_key(&s);
	load_recipients(&s);
	if (s.o.select != NULL)
		load_select(&s);
	load_custody(&s);
	(void)snprintf(s.work, sizeof(s.work), "%s/.lf-pack-XXXXXX",
	    s.o.outdir);
	if (mkdtemp(s.work) == NULL ||
	    (s.workfd = open(s.work, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		cli_warn("cannot work in '%s': %s",
		    cli_esc(s.o.outdir, strlen(s.o.outdir)), strerror(errno));
		s.work[0] = '\0';
		return CLI_EXIT_FAILURE;
	}
	if (s.o.store != NULL)
		for (i = (size_t)optind;
		     i < (size_t)argc && s.status == CLI_EXIT_OK; i++)
			take_reports(&s, argv[i]);
	else
		extract_all(&s, argc - optind, argv + optind);
	if (s.status == CLI_EXIT_OK && s.nitems == 0)
		die(&s, "%s", "nothing to pack");
	if (s.status == CLI_EXIT_OK)
		judge_transit(&s);
	if (s.status == CLI_EXIT_OK)
		seal_all(&s);
	lf_store_close(s.store);
	if (s.status == CLI_EXIT_OK)
		pack(&s);
	remove_work(&s);
	for (i = 0; i < s.nitems; i++) {
		for (size_t k = 0; k < s.items[i].nfound; k++) {
			free(s.items[i].found[k].path);
			json_decref(s.items[i].found[k].name);
		}
		free(s.items[i].found);
		free(s.items[i].source);
		json_decref(s.items[i].object);
		json_decref(s.items[i].gateways);
	}
	free(s.items);
	free(s.select);
	for (i = 0; i < s.o.nrecipients; i++)
		free((void *)s.certs[i].p);
	lf_sigkey_free(s.key);
	lf_upload_free(s.profile);
	OPENSSL_cleanse(s.secret, sizeof(s.secret));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return s.status;
}
