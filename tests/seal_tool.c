/*
 * tests/seal_tool.c: lf_seal from the command line, for the tests that
 * hold it against 7-Zip, Info-ZIP unzip, Python's zipfile and openssl.
 * Standard input to standard output, so that both can be pipes.
 *
 *   seal_tool seal aes|zipcrypto NAME EPOCH SECRET SHA256 SIZE [PASSWORD]
 *       seal standard input (SIZE bytes whose SHA-256 is SHA256, both
 *       as sha256sum and stat print them; SECRET in hex)
 *   seal_tool size aes|zipcrypto NAME SIZE
 *       the size lf_seal_zip_size predicts
 *   seal_tool unseal NAME|- [PASSWORD]
 *       the content of the sealed zip on standard input; exit 1 with
 *       "unseal: FAULT: message" on standard error when it is refused
 *   seal_tool cms CERT...
 *       standard input in CMS AuthEnvelopedData to the certificates
 *   seal_tool uncms KEY CERT NAME|- [PASSWORD]
 *       as unseal, through the CMS layer
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lf/reader.h"
#include "lf/seal.h"
#include "lf/sealcms.h"

static int
die(const char *what, const struct lf_error *err)
{
	fprintf(stderr, "seal_tool: %s: %s\n", what, err->msg);
	return 1;
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = strlen(s), i;

	if (n % 2 != 0 || n / 2 > max)
		return 0;
	for (i = 0; i < n / 2; i++) {
		char b[3] = {s[2 * i], s[2 * i + 1], '\0'};
		char *end;
		out[i] = (uint8_t)strtoul(b, &end, 16);
		if (*end != '\0')
			return 0;
	}
	return n / 2;
}

static int
method(const char *s, enum lf_seal_method *m)
{
	if (strcmp(s, "aes") == 0)
		*m = LF_SEAL_AES256;
	else if (strcmp(s, "zipcrypto") == 0)
		*m = LF_SEAL_ZIPCRYPTO;
	else
		return -1;
	return 0;
}

static int
seal(char **argv, const char *password)
{
	static uint8_t buf[100000]; /* an odd size, to vary the chunks */
	struct lf_seal_opts o = {0};
	struct lf_seal_zip *z;
	struct lf_error err;
	uint8_t secret[LF_SEAL_SECRET_MAX];
	int fd = STDOUT_FILENO;
	ssize_t got;

	if (method(argv[2], &o.method) != 0)
		return 2;
	o.name = argv[3];
	o.epoch = strtoll(argv[4], NULL, 10);
	o.secret = secret;
	o.secret_len = unhex(argv[5], secret, sizeof(secret));
	if (unhex(argv[6], o.sha256, sizeof(o.sha256)) != 32)
		return 2;
	o.size = strtoull(argv[7], NULL, 10);
	o.password = password;
	if (lf_seal_zip_new(&o, lf_seal_write_fd, &fd, &z, &err) != LF_OK)
		return die("seal", &err);
	while ((got = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (lf_seal_zip_update(z, buf, (size_t)got, &err) != LF_OK)
			return die("seal", &err);
	if (got < 0) {
		perror("seal_tool: read");
		return 1;
	}
	if (lf_seal_zip_finish(z, &err) != LF_OK)
		return die("seal", &err);
	lf_seal_zip_free(z);
	return 0;
}

static int
slurp(const char *path, struct lf_sealcms_blob *b)
{
	static uint8_t space[8][65536];
	static int used;
	FILE *f = fopen(path, "rb");

	if (f == NULL || used == 8) {
		perror(path);
		return -1;
	}
	b->p = space[used];
	b->n = fread(space[used++], 1, sizeof(space[0]), f);
	fclose(f);
	return 0;
}

static int
cms(int argc, char **argv)
{
	static uint8_t buf[100000];
	struct lf_sealcms_blob certs[8];
	struct lf_sealcms *c;
	struct lf_error err;
	int fd = STDOUT_FILENO, i;
	ssize_t got;

	for (i = 2; i < argc && i < 10; i++)
		if (slurp(argv[i], &certs[i - 2]) != 0)
			return 1;
	if (lf_sealcms_new(certs, (size_t)(i - 2), lf_seal_write_fd, &fd, &c,
	        &err) != LF_OK)
		return die("cms", &err);
	while ((got = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		if (lf_sealcms_update(c, buf, (size_t)got, &err) != LF_OK)
			return die("cms", &err);
	if (got < 0 || lf_sealcms_finish(c, &err) != LF_OK)
		return die("cms", &err);
	lf_sealcms_free(c);
	return 0;
}

static int
to_stdout(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	int fd = STDOUT_FILENO;

	(void)arg;
	return lf_seal_write_fd(&fd, p, n, err);
}

static int
unseal(const char *name, const char *password, const char *key,
    const char *cert)
{
	struct lf_sealcms_blob kb, cb;
	struct lf_unseal_info info;
	struct lf_reader *in;
	struct lf_error err;
	int rc;

	if (lf_reader_from_fd(STDIN_FILENO, false, &in, &err) != LF_OK)
		return die("unseal", &err);
	if (key == NULL)
		rc = lf_unseal_zip(in, password,
		    strcmp(name, "-") == 0 ? NULL : name, to_stdout, NULL,
		    &info, &err);
	else if (slurp(key, &kb) != 0 || slurp(cert, &cb) != 0)
		return 1;
	else
		rc = lf_unseal_cms(in, kb, cb, password,
		    strcmp(name, "-") == 0 ? NULL : name, to_stdout, NULL,
		    &info, &err);
	lf_reader_free(in);
	if (rc != LF_OK) {
		fprintf(stderr, "unseal: %s: %s\n",
		    lf_unseal_fault_name(info.fault), err.msg);
		return 1;
	}
	fprintf(stderr, "%s %s AE-%d strength %d crc %08x size %llu\n",
	    info.name, info.method == LF_SEAL_AES256 ? "aes" : "zipcrypto",
	    info.aes_version, info.aes_strength, info.crc,
	    (unsigned long long)info.size);
	return 0;
}

int
main(int argc, char **argv)
{
	if ((argc == 8 || argc == 9) && strcmp(argv[1], "seal") == 0)
		return seal(argv, argc == 9 ? argv[8] : NULL);
	if (argc == 5 && strcmp(argv[1], "size") == 0) {
		struct lf_seal_opts o = {0};
		static const uint8_t secret[LF_SEAL_SECRET_MIN];
		if (method(argv[2], &o.method) != 0)
			return 2;
		o.name = argv[3];
		o.size = strtoull(argv[4], NULL, 10);
		o.secret = secret;
		o.secret_len = sizeof(secret);
		printf("%llu\n", (unsigned long long)lf_seal_zip_size(&o));
		return 0;
	}
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "unseal") == 0)
		return unseal(argv[2], argc == 4 ? argv[3] : NULL, NULL, NULL);
	if (argc >= 3 && strcmp(argv[1], "cms") == 0)
		return cms(argc, argv);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "uncms") == 0)
		return unseal(argv[4], argc == 6 ? argv[5] : NULL, argv[2],
		    argv[3]);
	fprintf(stderr,
	    "usage: seal_tool seal aes|zipcrypto NAME EPOCH SECRET SHA256 "
	    "SIZE [PASSWORD]\n"
	    "       seal_tool size aes|zipcrypto NAME SIZE\n"
	    "       seal_tool unseal NAME|- [PASSWORD]\n"
	    "       seal_tool cms CERT...\n"
	    "       seal_tool uncms KEY CERT NAME|- [PASSWORD]\n");
	return 2;
}
