/*
 * lf-keygen: create an Ed25519 signing key's files, or show the
 * fingerprint of an existing key.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "lf/keyfile.h"
#include "lf/sigkey.h"

struct options {
	const char *out;      /* -o NAME */
	const char *show;     /* -f KEYFILE */
	const char *passfile; /* --passphrase-file */
	const char *passenv;  /* --passphrase-env */
	struct cli_common c;
};

/* The passphrase, once read (secure memory, wiped at exit). */
struct passphrase {
	const struct options *o;
	char *text;
	size_t len;
	bool failed;
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
	enum { OPT_PASSFILE = 256, OPT_PASSENV };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"fingerprint", required_argument, NULL, 'f'},
	    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
	    {"passphrase-env", required_argument, NULL, OPT_PASSENV},
	    CLI_COMMON_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	cli_common_init(&o->c);
	while ((c = getopt_long(argc, argv, "o:f:" CLI_COMMON_SHORTOPTS,
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

/*
 * Read the passphrase: the first line of the file (without its LF or
 * CRLF), or the variable's value.  Returns 0, or -1 after a message.
 */
static int
read_passphrase(struct passphrase *pp)
{
	const struct options *o = pp->o;
	const char *v;
	bool toolong = false;
	ssize_t k = 0;
	char c;
	int fd;

	if ((pp->text = OPENSSL_secure_zalloc(LF_PASSPHRASE_MAX + 1)) == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	if (o->passenv != NULL) {
		if ((v = getenv(o->passenv)) == NULL) {
			cli_warn("--passphrase-env: '%s' is not set",
			    cli_esc(o->passenv, strlen(o->passenv)));
			return -1;
		}
		pp->len = strlen(v);
		if (pp->len > LF_PASSPHRASE_MAX)
			goto toolong;
		memcpy(pp->text, v, pp->len);
	} else {
		fd = strcmp(o->passfile, "-") == 0 ?
		    STDIN_FILENO :
		    open(o->passfile, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_warn("cannot open '%s': %s",
			    cli_esc(o->passfile, strlen(o->passfile)),
			    strerror(errno));
			return -1;
		}
		/* A byte at a time, straight into wiped memory: no stdio
		 * buffer keeps a copy, and nothing past the line is taken
		 * from a pipe. */
		while ((k = read(fd, &c, 1)) != 0) {
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				cli_warn("cannot read '%s': %s",
				    cli_esc(o->passfile, strlen(o->passfile)),
				    strerror(errno));
				break;
			}
			if (c == '\n')
				break;
			if (pp->len == LF_PASSPHRASE_MAX) {
				toolong = true;
				break;
			}
			pp->text[pp->len++] = c;
		}
		c = '\0';
		if (fd != STDIN_FILENO)
			(void)close(fd);
		if (toolong)
			goto toolong;
		if (k < 0)
			return -1;
		if (pp->len > 0 && pp->text[pp->len - 1] == '\r')
			pp->text[--pp->len] = '\0';
	}
	if (pp->len == 0) {
		cli_warn("the passphrase is empty");
		return -1;
	}
	return 0;
toolong:
	cli_warn("the passphrase is longer than %d bytes", LF_PASSPHRASE_MAX);
	return -1;
}

static int
give_passphrase(void *arg, char *buf, size_t size)
{
	struct passphrase *pp = arg;

	if (pp->o->passfile == NULL && pp->o->passenv == NULL)
		return -1;
	if (pp->text == NULL && read_passphrase(pp) != 0) {
		pp->failed = true;
		return -1;
	}
	if (pp->len > size)
		return -1;
	memcpy(buf, pp->text, pp->len);
	return (int)pp->len;
}

static void
print_key(const struct options *o, const struct lf_sigkey *k)
{
	char fpr[LF_SIGKEY_FPR_HEX], id[LF_SIGKEY_ID_HEX];

	lf_sigkey_fingerprint_hex(k, fpr);
	(void)printf("%s\n", fpr);
	if (o->c.verbose > 0) {
		lf_sigkey_id_hex(k, id);
		cli_warn("minisign key id: %s", id);
	}
}

static int
generate(const struct options *o, struct passphrase *pp)
{
	struct lf_sigkey *k = NULL;
	struct lf_error err;
	int status = CLI_EXIT_FAILURE;

	if ((o->passfile != NULL || o->passenv != NULL) &&
	    read_passphrase(pp) != 0)
		return CLI_EXIT_FAILURE;
	if (lf_sigkey_generate(&k, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		return CLI_EXIT_FAILURE;
	}
	if (lf_keyfile_create(o->out, k, pp->text, pp->len, &err) != LF_OK) {
		cli_warn("%s", err.msg);
		goto done;
	}
	print_key(o, k);
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
show(const struct options *o, struct passphrase *pp)
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
		rc =
		    lf_sigkey_load_private(p, n, give_passphrase, pp, &k, &err);
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
	print_key(o, k);
	lf_sigkey_free(k);
	return CLI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct passphrase pp;
	int status;

	cli_init("lf-keygen");
	parse_options(argc, argv, &o);
	memset(&pp, 0, sizeof(pp));
	pp.o = &o;
	status = o.out != NULL ? generate(&o, &pp) : show(&o, &pp);
	if (pp.text != NULL)
		OPENSSL_secure_clear_free(pp.text, LF_PASSPHRASE_MAX + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("cannot write the output");
		status = CLI_EXIT_FAILURE;
	}
	return status;
}
