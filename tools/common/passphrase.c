/*
 * tools/common/passphrase.c: a private key's passphrase, from a file's
 * first line or an environment variable, never the command line, kept in
 * OpenSSL's secure memory and wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "passphrase.h"

void
cli_passphrase_init(struct cli_passphrase *pp, const char *passfile,
    const char *passenv)
{
	memset(pp, 0, sizeof(*pp));
	pp->passfile = passfile;
	pp->passenv = passenv;
}

int
cli_passphrase_read(struct cli_passphrase *pp)
{
	const char *v;
	bool toolong = false;
	ssize_t k = 0;
	char c;
	int fd;

	if ((pp->text = OPENSSL_secure_zalloc(LF_PASSPHRASE_MAX + 1)) == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	if (pp->passenv != NULL) {
		if ((v = getenv(pp->passenv)) == NULL) {
			cli_warn("--passphrase-env: '%s' is not set",
			    cli_esc(pp->passenv, strlen(pp->passenv)));
			return -1;
		}
		pp->len = strlen(v);
		if (pp->len > LF_PASSPHRASE_MAX)
			goto toolong;
		memcpy(pp->text, v, pp->len);
	} else {
		fd = strcmp(pp->passfile, "-") == 0 ?
		    STDIN_FILENO :
		    open(pp->passfile, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cli_warn("cannot open '%s': %s",
			    cli_esc(pp->passfile, strlen(pp->passfile)),
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
				    cli_esc(pp->passfile, strlen(pp->passfile)),
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

int
cli_passphrase_give(void *arg, char *buf, size_t size)
{
	struct cli_passphrase *pp = arg;

	if (pp->passfile == NULL && pp->passenv == NULL)
		return -1;
	if (pp->text == NULL && cli_passphrase_read(pp) != 0) {
		pp->failed = true;
		return -1;
	}
	if (pp->len > size)
		return -1;
	memcpy(buf, pp->text, pp->len);
	return (int)pp->len;
}

void
cli_passphrase_release(struct cli_passphrase *pp)
{
	if (pp->text != NULL)
		OPENSSL_secure_clear_free(pp->text, LF_PASSPHRASE_MAX + 1);
	pp->text = NULL;
	pp->len = 0;
}
