/*
 * lf-keygen: create an Ed25519 signing key's files, or show the
 * fingerprint of an existing key.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/passphrase.h"
#include "lf/json.h"
#include "lf/keyfile.h"
#include "lf/sigkey.h"

#define KEY_FORMAT "lf-key"
#define FORMAT_VERSION 1

struct options {
	const char *out;      /* -o NAME */
	const char *show;     /* -f KEYFILE */
	const char *passfile; /* --passphrase-file */
	const char *passenv;  /* --passphrase-env */
	bool json;
	struct cli_common c;
};

static void
usage(FILE *fp)
{
	(void)fprintf(fp,
	    "usage: lf-keygen -o NAME [--passphrase-file FILE | "
	    "--passphrase-env VAR]\n"
	    "       lf-keygen -f KEYFILE [--passphrase-file FILE | "
	    "--passphrase-env VAR]\n"
	    "\n"
	    "Create an Ed25519 signing key: NAME.key (private, mode 0600), "
	    "NAME.pub (PEM)\n"
	    "and NAME.minisign.pub, never replacing a file, and print its "
	    "fingerprint,\n"
	    "the SHA-256 of the DER public key.  With -f, print the "
	    "fingerprint of a\n"
	    "key file (PEM public or private key, or minisign public key).\n"
	    "\n"
	    "  -o, --output NAME          create NAME.key, NAME.pub, "
	    "NAME.minisign.pub\n"
	    "  -f, --fingerprint KEYFILE  print the fingerprint of a key\n"
	    "      --passphrase-file FILE encrypt (-o) or decrypt (-f) the "
	    "private key with\n"
	    "                             the first line of FILE ('-': "
	    "standard input)\n"
	    "      --passphrase-env VAR   the same, with the value of the "
	    "variable VAR\n"
	    "      --json                 a JSON document "
	    "(schemas/key.schema.json)\n"
	    "  -q, --quiet                print nothing but the fingerprint\n"
	    "  -v, --verbose              also print the minisign key id and "
	    "the files\n"
	    "  -h, --help                 this help\n"
	    "  -V, --version              version and library versions\n"
	    "\n"
	    "Exit status: 0 success, 2 usage, 3 failure (a file exists, "
	    "cannot be read,\n"
	    "is not a key, or the passphrase is wrong).\n");
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_PASSFILE = 256, OPT_PASSENV, OPT_JSON };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"fingerprint", required_argument, NULL, 'f'},
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase-env", required_argument, NULL, OPT_PASSENV},
	    {"json", no_argument, NULL, OPT_JSON},
	    CLI_PLAIN_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	cli_common_init(&o->c);
	o->c.plain = true;
	while ((c = getopt_long(argc, argv, "o:f:" CLI_PLAIN_SHORTOPTS,
	            longopts, NULL)) != -1) {
		if (cli_common_option(&o->c, c, optarg, usage))
			continue;
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'f':
			o->show = optarg;
			break;
		case OPT_PASSFILE:
			o->passfile = optarg;
			break;
		case OPT_PASSENV:
			o->passenv = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		default:
			break;
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'",
		    cli_esc(argv[optind], strlen(argv[optind])));
	if ((o->out == NULL) == (o->show == NULL))
		cli_usage_error("give one of -o NAME and -f KEYFILE");
	if (o->out != NULL && o->out[0] == '\0')
		cli_usage_error("-o: the name is empty");
	if (o->passfile != NULL && o->passenv != NULL)
		cli_usage_error(
		    "--passphrase-file and --passphrase-env exclude "
		    "each other");
}

/* The JSON document: the key, and its files (-o) or its source (-f). */
static int
print_json(const struct options *o, const struct lf_sigkey *k, bool encrypted)
{
	char fpr[LF_SIGKEY_FPR_HEX], id[LF_SIGKEY_ID_HEX];
	uint8_t pub[LF_ED25519_PUB_LEN];
	json_t *doc = lf_json_doc_new(KEY_FORMAT, FORMAT_VERSION, cli_prog());
	json_t *files = NULL;
	struct lf_error err;
	char name[PATH_MAX + 32];
	static const char *const kinds[3][2] = {{"private_key", ".key"},
	    {"public_key", ".pub"}, {"minisign_public_key", ".minisign.pub"}};
	int rc = LF_E_NOMEM, i, n;

	lf_sigkey_fingerprint_hex(k, fpr);
	lf_sigkey_id_hex(k, id);
	lf_sigkey_public_raw(k, pub);
	if (doc == NULL ||
	    json_object_set_new(doc, "algorithm", json_string("ed25519")) !=
	        0 ||
	    json_object_set_new(doc, "fingerprint", json_string(fpr)) != 0 ||
	    json_object_set_new(doc, "minisign_key_id", json_string(id)) != 0 ||
	    lf_json_set_hex(doc, "public_key", pub, sizeof(pub), &err) !=
	        LF_OK ||
	    json_object_set_new(doc, "private",
	        json_boolean(lf_sigkey_has_private(k))) != 0)
		goto done;
	if (lf_sigkey_has_private(k) &&
	    json_object_set_new(doc, "encrypted", json_boolean(encrypted)) != 0)
		goto done;
	if (o->show != NULL) {
		if (lf_json_set_name(doc, "source", (const uint8_t *)o->show,
		        strlen(o->show), &err) != LF_OK)
			goto done;
	} else {
		if ((files = json_object()) == NULL ||
		    json_object_set(doc, "files", files) != 0)
			goto done;
		for (i = 0; i < 3; i++) {
			n = snprintf(name, sizeof(name), "%s%s", o->out,
			    kinds[i][1]);
			if (n < 0 || (size_t)n >= sizeof(name) ||
			    lf_json_set_name(files, kinds[i][0],
			        (const uint8_t *)name, (size_t)n,
			        &err) != LF_OK)
				goto done;
		}
	}
	rc = lf_json_write_line(doc, stdout, &err);
done:
	json_decref(files);
	json_decref(doc);
	if (rc != LF_OK)
		cli_warn("cannot write the JSON document");
	return rc;
}

static int
print_key(const struct options *o, const struct lf_sigkey *k, bool encrypted)
{
	char fpr[LF_SIGKEY_FPR_HEX], id[LF_SIGKEY_ID_HEX];

	lf_sigkey_id_hex(k, id);
	if (o->c.verbose > 0)
		cli_warn("minisign key id: %s", id);
	if (o->json)
		return print_json(o, k, encrypted);
	lf_sigkey_fingerprint_hex(k, fpr);
	(void)printf("%s\n", fpr);
	return LF_OK;
}

static int
generate(const struct options *o, struct cli_passphrase *pp)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	int status = CLI_EXIT_FAILURE;

	if ((o->passfile != NULL || o->passenv != NULL) &&
	    cli_passphrase_read(pp) != 0)
		return CLI_EXIT_FAILURE;
	if (lf_sigkey_generate(&k, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (lf_keyfile_create(o->out, k, pp->text, pp->len, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	if (print_key(o, k, pp->text != NULL) != LF_OK)
		goto done;
	if (o->c.verbose > 0)
		cli_warn("wrote %s.key%s, %s.pub, %s.minisign.pub",
		    cli_esc(o->out, strlen(o->out)),
		    pp->text != NULL ? " (encrypted)" : "",
		    cli_esc(o->out, strlen(o->out)),
		    cli_esc(o->out, strlen(o->out)));
	status = CLI_EXIT_OK;
done:
	lf_sigkey_free(k);
	return status;
}

static int
show(const struct options *o, struct cli_passphrase *pp)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	unsigned char *p = NULL;
	size_t n = 0;
	int rc;

	if (lf_keyfile_read(o->show, &p, &n, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	/* A private key file holds "PRIVATE KEY" in its PEM label. */
	if (memmem(p, n, "PRIVATE KEY-----", 16) != NULL)
		rc = lf_sigkey_load_private(p, n, cli_passphrase_give, pp, &k,
		    &err);
	else
		rc = lf_sigkey_load_public(p, n, &k, &err);
	OPENSSL_secure_clear_free(p, n);
	if (rc != LF_OK) {
		if (!pp->failed)
			cli_warn("'%s': %s%s",
			    cli_esc(o->show, strlen(o->show)), err.msg,
			    rc == LF_E_INVAL ? " (--passphrase-file or "
			                       "--passphrase-env)" :
			                       "");
		return CLI_EXIT_FAILURE;
	}
	rc = print_key(o, k, pp->text != NULL);
	lf_sigkey_free(k);
	return rc == LF_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct cli_passphrase pp;
	int status;

	cli_init("lf-keygen");
	parse_options(argc, argv, &o);
	cli_passphrase_init(&pp, o.passfile, o.passenv);
	status = o.out != NULL ? generate(&o, &pp) : show(&o, &pp);
	cli_passphrase_release(&pp);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = CLI_EXIT_FAILURE;
	}
	return status;
}
