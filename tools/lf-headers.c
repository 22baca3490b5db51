/*
 * lf-headers: read the headers of suspect messages like an expert: the
 * Received chain and where the user's trust in it ends, the
 * Authentication-Results worth believing, the originator fields.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/inputs.h"
#include "common/report.h"
#include "lf/brands.h"
#include "lf/buf.h"
#include "lf/dkimkeys.h"
#include "lf/extract.h"
#include "lf/headers.h"
#include "lf/json.h"
#include "lf/msg.h"
#include "lf/spool.h"
#include "lf/psl.h"

#define MAX_NAMES 256 /* --trusted-mta and --trusted-authserv, each */

struct options {
	const char *mta[MAX_NAMES];
	size_t nmta;
	const char *authserv[MAX_NAMES];
	size_t nauthserv;
	char *config_names[2 * MAX_NAMES]; /* owned copies from --config */
	size_t nconfig;
	enum cli_output out;
	int fail_on;             /* a severity, or -1 */
	const char *gateway_dir; /* --gateway-profiles */
	const char *brands;      /* --brands */
	const char *dkim_keys;   /* --dkim-keys */
	enum lf_mbox_format mbox_format;
	struct cli_common c;
};

struct state {
	struct options o;
	struct lf_headers_opts ho;
	struct lf_gateways *gateways;
	struct lf_brands *brands;
	struct inputs in;
	const char *source;
	uint64_t mbox_offset;
	struct lf_buf head; /* the message's bytes, up to the empty line */
	size_t scanned;     /* of head, searched for the empty line */
	bool head_done;
	bool broken; /* the message could not be read: no report */
	bool first;  /* no byte of the message seen yet */
	bool msg;    /* an Outlook .msg: its transport headers are read */
	struct lf_spool spool;
	struct lf_headers *h;
	struct lf_dkimkeys *dkim_keys;
	struct lf_psl *psl;
	struct cli_reports reports;
	int status;
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-headers [options] INPUT...\n"
	    "\n"
	    "Read the headers of messages (.eml, mbox, Maildir, directories, "
	    "'-' for\nstandard input): the Received chain and the trust "
	    "boundary, the\nAuthentication-Results to believe, the "
	    "originator fields.\n"
	    "\n"
	    "      --trusted-mta HOST   one of your own border servers, as "
	    "its Received\n"
	    "                           fields name it (\"*.example.net\": "
	    "any under it);\n"
	    "                           repeatable\n"
	    "      --trusted-authserv ID  an authserv-id whose results you "
	    "believe;\n"
	    "                           repeatable\n"
	    "      --config FILE        lines \"trusted-mta HOST\" and "
	    "\"trusted-authserv ID\"\n"
	    "      --dkim-keys FILE     verify DKIM and ARC with these key "
	    "records, one a\n"
	    "                           line: SELECTOR._domainkey.DOMAIN "
	    "TXT-RECORD\n"
	    "      --gateway-profiles DIR  the gateway profiles (default: "
	    "the installed\n"
	    "                           ones, or LF_GATEWAY_PROFILES)\n"
	    "      --brands FILE        brands display names may borrow "
	    "(default: the\n"
	    "                           installed list, or LF_BRANDS)\n"
	    "      --fail-on SEVERITY   exit 1 when a finding is at least "
	    "SEVERITY\n"
	    "                           (info, low, medium, high)\n"
	    "      --json               reports as one JSON array\n"
	    "      --jsonl              reports as JSON Lines, one per "
	    "message\n"
	    "      --mbox-format F      auto, mboxo, mboxrd, mboxcl, "
	    "mboxcl2\n"
	    "      --limit NAME=N       change a limit (see below)\n"
	    "  -q, --quiet              no notes on stderr\n"
	    "  -h, --help               this help\n"
	    "  -V, --version            version and library versions\n"
	    "\n"
	    "Exit status: 0 success, 1 a finding at or above --fail-on, 2 "
	    "usage,\n3 an input could not be read.\n");
}

static void
add_name(const char **names, size_t *n, const char *name, const char *opt)
{
	if (*n == MAX_NAMES)
		cli_usage_error("%s: more than %d names", opt, MAX_NAMES);
	if (name[0] == '\0')
		cli_usage_error("%s: an empty name", opt);
	names[(*n)++] = name;
}

static int
parse_severity(const char *s)
{
	static const char *const names[] = {"info", "low", "medium", "high"};
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0)
			return i;
	}
	cli_usage_error("--fail-on: '%s' is not info, low, medium or high",
	    cli_esc(s, strlen(s)));
}

/* --config: "trusted-mta HOST" and "trusted-authserv ID" lines; "#"
 * starts a comment. */
static void
read_config(const char *path, struct options *o)
{
	char line[1024];
	unsigned lineno = 0;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		cli_usage_error("--config: cannot open '%s': %s",
		    cli_esc(path, strlen(path)), strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *key, *value, *copy, *end;
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		key = line + strspn(line, " \t");
		if (*key == '\0')
			continue;
		value = key + strcspn(key, " \t");
		if (*value != '\0')
			*value++ = '\0';
		value += strspn(value, " \t");
		end = value + strlen(value);
		while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*value == '\0' || strcspn(value, " \t") != strlen(value))
			cli_usage_error("%s:%u: want \"NAME VALUE\"",
			    cli_esc(path, strlen(path)), lineno);
		if ((copy = strdup(value)) == NULL) {
			cli_warn("out of memory");
			exit(CLI_EXIT_FAILURE);
		}
		o->config_names[o->nconfig++] = copy;
		if (strcmp(key, "trusted-mta") == 0)
			add_name(o->mta, &o->nmta, copy, path);
		else if (strcmp(key, "trusted-authserv") == 0)
			add_name(o->authserv, &o->nauthserv, copy, path);
		else
			cli_usage_error("%s:%u: unknown setting '%s'",
			    cli_esc(path, strlen(path)), lineno,
			    cli_esc(key, strlen(key)));
	}
	(void)fclose(fp);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_MTA = 256,
		OPT_AUTHSERV,
		OPT_CONFIG,
		OPT_GATEWAYS,
		OPT_BRANDS,
		OPT_DKIM_KEYS,
		OPT_FAIL_ON,
		OPT_JSON,
		OPT_JSONL,
		OPT_MBOX
	};
	static const struct option longopts[] = {
	    {"trusted-mta", required_argument, NULL, OPT_MTA},
	    {"trusted-authserv", required_argument, NULL, OPT_AUTHSERV},
	    {"config", required_argument, NULL, OPT_CONFIG},
	    {"gateway-profiles", required_argument, NULL, OPT_GATEWAYS},
	    {"brands", required_argument, NULL, OPT_BRANDS},
	    {"dkim-keys", required_argument, NULL, OPT_DKIM_KEYS},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"jsonl", no_argument, NULL, OPT_JSONL},
	    {"mbox-format", required_argument, NULL, OPT_MBOX},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->fail_on = -1;
	cli_common_init(&o->c);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts,
	            NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_MTA:
			add_name(o->mta, &o->nmta, optarg, "--trusted-mta");
			break;
		case OPT_AUTHSERV:
			add_name(o->authserv, &o->nauthserv, optarg,
			    "--trusted-authserv");
			break;
		case OPT_CONFIG:
			read_config(optarg, o);
			break;
		case OPT_GATEWAYS:
			o->gateway_dir = optarg;
			break;
		case OPT_BRANDS:
			o->brands = optarg;
			break;
		case OPT_DKIM_KEYS:
			o->dkim_keys = optarg;
			break;
		case OPT_FAIL_ON:
			o->fail_on = parse_severity(optarg);
			break;
		case OPT_JSON:
			o->out = CLI_OUT_JSON;
			break;
		case OPT_JSONL:
			o->out = CLI_OUT_JSONL;
			break;
		case OPT_MBOX:
			o->mbox_format = inputs_mbox_format(optarg);
			break;
		default:
			break; /* getopt_long returns only the options above */
		}
	}
}

/* The readable report. */
/* A string member of a report, NULL when absent. */
static const char *
str(const json_t *obj, const char *key)
{
	return cli_json_str(obj, key, NULL);
}

/* Untrusted text for the terminal: escaped, "-" when absent. */
static const char *
show(const json_t *obj, const char *key)
{
	const char *s = str(obj, key);

	return s != NULL ? cli_esc(s, strlen(s)) : "-";
}

static void
print_hops(const json_t *r)
{
	const json_t *hops = json_object_get(r, "hops"), *h;
	size_t i;

	printf("hops, newest first (T: written by a trusted server):\n");
	for (i = 0; (h = json_array_get(hops, i)) != NULL; i++) {
		const json_t *date = json_object_get(h, "date");
		const json_t *delay = json_object_get(h, "delay");
		char d[32] = "-";
		if (json_is_integer(delay))
			(void)snprintf(d, sizeof(d), "%+lld s",
			    (long long)json_integer_value(delay));
		printf("  %2zu %c %-20s %9s  from %s", i + 1,
		    json_is_true(json_object_get(h, "trusted")) ? 'T' : ' ',
		    str(date, "utc") != NULL ? str(date, "utc") : "(no date)",
		    d, show(h, "from"));
		if (str(h, "ip") != NULL &&
		    (str(h, "from") == NULL || str(h, "from")[0] != '['))
			printf(" [%s]", str(h, "ip"));
		printf(" by %s\n", show(h, "by"));
	}
}

static void
print_text(const json_t *r)
{
	const json_t *trust = json_object_get(r, "trust");
	const json_t *auth = json_object_get(r, "authentication"), *a, *res;
	const json_t *findings = json_object_get(r, "findings"), *f;
	const json_t *gateways = json_object_get(r, "gateways"), *g;
	const json_t *dkim = json_object_get(r, "dkim"), *d;
	const json_t *arc = json_object_get(r, "arc");
	size_t i, k;

	printf("%s", cli_esc(str(r, "source"), strlen(str(r, "source"))));
	if (json_is_integer(json_object_get(r, "mbox_offset")))
		printf(" at offset %lld",
		    (long long)json_integer_value(
		        json_object_get(r, "mbox_offset")));
	printf("\n");
	if (json_is_integer(json_object_get(trust, "border")))
		printf("delivered from %s at %s (%lld trusted hop%s%s)\n",
		    str(trust, "delivery_ip") != NULL ?
		        str(trust, "delivery_ip") :
		        "an unknown address",
		    str(trust, "receipt_time") != NULL ?
		        str(trust, "receipt_time") :
		        "an unknown time",
		    (long long)json_integer_value(
		        json_object_get(trust, "trusted_hops")),
		    json_integer_value(
		        json_object_get(trust, "trusted_hops")) == 1 ?
		        "" :
		        "s",
		    json_is_true(json_object_get(trust, "named")) ?
		        "" :
		        "; no trusted server named, the topmost taken");
	else
		printf("no hop is trusted\n");
	print_hops(r);
	for (i = 0; (g = json_array_get(gateways, i)) != NULL; i++) {
		/* Those the message never mentions, and that did not
		 * deliver it, say nothing. */
		if (strcmp(str(g, "verdict"), "transited") != 0 &&
		    json_array_size(json_object_get(g, "trace_fields")) == 0 &&
		    json_array_size(json_object_get(g, "trace_hops")) == 0)
			continue;
		printf("gateway %s: %s: %s\n", str(g, "name"),
		    str(g, "verdict"), str(g, "why"));
	}
	for (i = 0; (a = json_array_get(auth, i)) != NULL; i++) {
		printf("%s from %s:",
		    json_is_true(json_object_get(a, "trusted")) ?
		        "authentication" :
		        "claimed authentication",
		    show(a, "authserv_id"));
		for (k = 0; (res = json_array_get(json_object_get(a, "results"),
		                 k)) != NULL;
		     k++)
			printf(" %s=%s", show(res, "method"),
			    show(res, "result"));
		printf("\n");
	}
	for (i = 0; (d = json_array_get(dkim, i)) != NULL; i++)
		printf("dkim d=%s s=%s %s: %s\n", show(d, "d"), show(d, "s"),
		    show(d, "a"), str(d, "verdict"));
	if (json_is_object(arc) && strcmp(str(arc, "cv"), "none") != 0)
		printf("arc: %s\n", str(arc, "cv"));
	for (i = 0; (f = json_array_get(findings, i)) != NULL; i++) {
		printf("  %-6s %s", str(f, "severity"), str(f, "id"));
		if (json_is_integer(json_object_get(f, "field")))
			printf(" (field %lld)",
			    (long long)json_integer_value(
			        json_object_get(f, "field")));
		printf("\n");
	}
}

/* An Outlook .msg (a compound file) starts so. */
static const uint8_t cfb_magic[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a,
    0xe1};

static int
message_begin(void *arg, const char *source, uint64_t mbox_offset)
{
	struct state *s = arg;

	s->source = source;
	s->mbox_offset = mbox_offset;
	lf_buf_reset(&s->head);
	s->scanned = 0;
	s->head_done = false;
	s->broken = false;
	s->first = true;
	s->msg = false;
	return 0;
}

static void
broken(struct state *s, const struct lf_error *err)
{
	cli_warn("'%s': %s", cli_esc(s->source, strlen(s->source)), err->msg);
	s->status = CLI_EXIT_FAILURE;
	s->broken = true;
}

/*
 * Keep the bytes up to the empty line that ends the header block (or as
 * many as limit header-bytes allows); the rest is body, for DKIM.
 */
static int
message_data(void *arg, const uint8_t *p, size_t n)
{
	struct state *s = arg;
	struct lf_error err;
	size_t room, start, i, used;

	if (s->broken)
		return 0;
	if (s->first) {
		s->first = false;
		s->msg = n >= sizeof(cfb_magic) &&
		    memcmp(p, cfb_magic, sizeof(cfb_magic)) == 0;
		if (s->msg)
			lf_spool_init(&s->spool, 1024 * 1024,
			    s->o.c.limits.container_size);
	}
	if (s->msg) {
		lf_spool_write(&s->spool, p, n);
		return 0;
	}
	if (!s->head_done) {
		start = s->head.len;
		room = s->head.max - s->head.len;
		if (lf_buf_append(&s->head, p, n < room ? n : room, NULL) !=
		    LF_OK)
			return 1;
		for (i = s->scanned; i < s->head.len; i++) {
			const uint8_t *h = s->head.data;
			if (h[i] == '\n' &&
			    (i == 0 || h[i - 1] == '\n' ||
			        (h[i - 1] == '\r' &&
			            (i == 1 || h[i - 2] == '\n')))) {
				s->head.len = i + 1;
				s->head_done = true;
				break;
			}
		}
		s->scanned = s->head.len;
		if (!s->head_done && s->head.len < s->head.max)
			return 0;
		s->head_done = true;
		if (lf_headers_block(s->h, s->head.data, s->head.len, &err) !=
		    LF_OK) {
			broken(s, &err);
			return 0;
		}
		used = s->head.len - start;
		p += used;
		n -= used;
	}
	if (n > 0 && lf_headers_body(s->h, p, n, &err) != LF_OK)
		broken(s, &err);
	return 0;
}

static int
msg_begin(void *arg, const struct lf_entry *e)
{
	(void)arg;
	(void)e;
	return 0;
}

static int
msg_data(void *arg, const struct lf_entry *e, const uint8_t *p, size_t n)
{
	(void)arg;
	(void)e;
	(void)p;
	(void)n;
	return 0;
}

static int
msg_end(void *arg, const struct lf_entry *e)
{
	(void)arg;
	(void)e;
	return 0;
}

/* The message's own transport headers (not an attached message's). */
static int
msg_property(void *arg, const struct lf_entry *e, const char *name,
    const char *value, size_t n)
{
	struct state *s = arg;

	if (e == NULL && strcmp(name, "transport-headers") == 0 &&
	    s->head.len == 0) {
		size_t room = s->head.max;
		(void)lf_buf_append(&s->head, value, n < room ? n : room, NULL);
	}
	return 0;
}

static void
msg_anomaly(void *arg, const struct lf_entry *e, const struct lf_anomaly *a)
{
	(void)arg;
	(void)e;
	(void)a;
}

/*
 * An Outlook .msg: the header block is its transport headers
 * (PidTagTransportMessageHeaders), as the server that delivered it wrote
 * them; a message saved without them has an empty block.
 */
static void
read_msg(struct state *s)
{
	static const struct lf_container_events ev = {msg_begin, msg_data,
	    msg_end, msg_property, msg_anomaly};
	struct lf_source src;
	struct lf_error err;
	int rc;

	if (!lf_spool_source(&s->spool, &src)) {
		cli_warn("'%s': the .msg could not be kept aside (%s)",
		    cli_esc(s->source, strlen(s->source)),
		    s->spool.over ? "past limit container-size" :
		                    strerror(s->spool.write_errno));
		s->status = CLI_EXIT_FAILURE;
		s->broken = true;
	} else if ((rc = lf_msg_read(&src, &s->o.c.limits, &ev, s, &err)) !=
	    LF_OK) {
		broken(s, &err);
	} else if (lf_headers_block(s->h, s->head.data, s->head.len, &err) !=
	    LF_OK) {
		broken(s, &err);
	}
	lf_spool_release(&s->spool);
}

static int
message_end(void *arg)
{
	struct state *s = arg;
	struct lf_error err;
	const char *json;
	size_t len;
	int worst;

	if (s->msg)
		read_msg(s);
	else if (!s->head_done &&
	    lf_headers_block(s->h, s->head.data, s->head.len, &err) != LF_OK)
		broken(s, &err);
	if (s->broken)
		return 0;
	lf_headers_source(s->h, s->source,
	    s->mbox_offset != LF_NO_OFFSET ? s->mbox_offset : UINT64_MAX,
	    s->msg ? "outlook-msg" : NULL);
	if (lf_headers_end(s->h, &json, &len, &worst, &err) != LF_OK) {
		broken(s, &err);
		return 0;
	}
	if (!cli_report_json(&s->reports, json, len))
		s->status = CLI_EXIT_FAILURE;
	if (s->o.fail_on >= 0 && worst >= s->o.fail_on &&
	    s->status == CLI_EXIT_OK)
		s->status = CLI_EXIT_NEGATIVE;
	return 0;
}

/* --dkim-keys: the key records, read whole (16 MiB at most). */
static struct lf_dkimkeys *
load_dkim_keys(const char *path)
{
	struct lf_dkimkeys *keys;
	struct lf_error err;
	struct lf_buf b;
	uint8_t chunk[65536];
	size_t got;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		cli_warn("cannot open '%s': %s", cli_esc(path, strlen(path)),
		    strerror(errno));
		exit(CLI_EXIT_FAILURE);
	}
	lf_buf_init(&b, 16 * 1024 * 1024);
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (lf_buf_append(&b, chunk, got, &err) != LF_OK) {
			cli_warn("'%s': %s", cli_esc(path, strlen(path)),
			    err.msg);
			exit(CLI_EXIT_FAILURE);
		}
	}
	if (ferror(fp) ||
	    lf_dkimkeys_parse(b.data != NULL ? b.data : (const uint8_t *)"",
	        b.len, 100000, &keys, NULL, NULL, &err) != LF_OK) {
		cli_warn("'%s': %s", cli_esc(path, strlen(path)),
		    ferror(fp) ? strerror(errno) : err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	(void)fclose(fp);
	lf_buf_release(&b);
	return keys;
}

static struct lf_gateways *
load_gateways(const struct options *o)
{
	char buf[4096];
	const char *dir = o->gateway_dir;
	struct lf_gateways *gs;
	struct lf_error err;

	if (dir == NULL &&
	    (dir = cli_data_path("LF_GATEWAY_PROFILES", "profiles/gateway",
	         true, buf, sizeof(buf))) == NULL) {
		if (!o->c.quiet)
			cli_warn("no gateway profiles found: transit is not "
			         "judged (see --gateway-profiles)");
		return NULL;
	}
	if (lf_gateways_load(dir, &gs, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	return gs;
}

/* The brands display names may borrow: --brands, or the shipped list. */
static struct lf_brands *
load_brands(const struct options *o)
{
	char buf[4096];
	const char *path = o->brands;
	struct lf_brands *bs;
	struct lf_error err;

	if (path == NULL &&
	    (path = cli_data_path("LF_BRANDS", "profiles/brands.json", false,
	         buf, sizeof(buf))) == NULL) {
		if (!o->c.quiet)
			cli_warn("no brand list found: display names are not "
			         "held against brands (see --brands)");
		return NULL;
	}
	if (lf_brands_load(path, &bs, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		exit(CLI_EXIT_FAILURE);
	}
	return bs;
}

static const struct inputs_handler handler = {message_begin, message_data,
    message_end};

int
main(int argc, char **argv)
{
	struct state s;
	struct lf_error err;
	int i;
	size_t k;

	cli_init("lf-headers");
	memset(&s, 0, sizeof(s));
	parse_options(argc, argv, &s.o);
	if (optind >= argc)
		cli_usage_error("no input (use '-' for standard input)");
	s.ho.trusted_mta = s.o.mta;
	s.ho.ntrusted_mta = s.o.nmta;
	s.ho.trusted_authserv = s.o.authserv;
	s.ho.ntrusted_authserv = s.o.nauthserv;
	s.ho.max_fields = (size_t)s.o.c.limits.header_fields;
	s.gateways = load_gateways(&s.o);
	s.ho.gateways = s.gateways;
	s.brands = load_brands(&s.o);
	s.ho.brands = s.brands;
	if (s.o.dkim_keys != NULL)
		s.dkim_keys = load_dkim_keys(s.o.dkim_keys);
	if (lf_psl_load(LF_PSL_DEFAULT, &s.psl, &err) != LF_OK && !s.o.c.quiet)
		cli_warn("%s: whole domains are compared (install Debian's "
		         "publicsuffix)",
		    err.msg);
	s.ho.psl = s.psl;
	s.ho.dkim_keys = s.dkim_keys;
	if (lf_headers_new(&s.ho, &s.h, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	s.ho.tool = cli_prog();
	lf_buf_init(&s.head, s.o.c.limits.header_bytes);
	if (!inputs_init(&s.in, &handler, &s, s.o.mbox_format, &s.o.c))
		return CLI_EXIT_FAILURE;
	s.reports.out = s.o.out;
	s.reports.print_text = print_text;
	s.reports.blank_between = true;
	for (i = optind; i < argc; i++)
		inputs_read(&s.in, argv[i]);
	if (s.in.status != CLI_EXIT_OK)
		s.status = s.in.status;
	cli_reports_end(&s.reports);
	inputs_release(&s.in);
	lf_buf_release(&s.head);
	lf_gateways_free(s.gateways);
	lf_brands_free(s.brands);
	lf_headers_free(s.h);
	lf_dkimkeys_free(s.dkim_keys);
	lf_psl_free(s.psl);
	for (k = 0; k < s.o.nconfig; k++)
		free(s.o.config_names[k]);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return s.status;
}
