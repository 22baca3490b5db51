/*
 * tests/sign_tool.c: lf_sign and lf_tsq from the command line, for the
 * tests that hold them against openssl, minisign and signify.
 *
 *   sign_tool raw KEY FILE OUT             raw Ed25519 signature
 *   sign_tool minisig KEY FILE OUT [-l] [TRUSTED]
 *                                          .minisig ("ED"; -l: "Ed")
 *   sign_tool verify PUB FILE SIG [PIN]    raw signature
 *   sign_tool verify-minisig PUB FILE SIG [PIN]
 *   sign_tool tsq FILE OUT [NONCEHEX]      RFC 3161 query, SHA-512
 *
 * KEY may be encrypted: the passphrase is then the value of
 * SIGN_TOOL_PASSPHRASE.  verify prints the verdict and its reason (and
 * the trusted comment) and exits 0 when good, 1 when not, 2 on error.
 */
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lf/keyfile.h"
#include "lf/sign.h"
#include "lf/text.h"
#include "lf/tsq.h"

#define FILE_MAX (64 * 1024 * 1024)

static int
die(const char *what, const struct lf_error *err)
{
	fprintf(stderr, "sign_tool: %s: %s\n", what, err->msg);
	return 2;
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(FILE_MAX + 1);
	size_t got;

	if (f == NULL || buf == NULL) {
		perror(path);
		exit(2);
	}
	got = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f) || got > FILE_MAX) {
		fprintf(stderr, "sign_tool: %s: cannot read\n", path);
		exit(2);
	}
	fclose(f);
	*n = got;
	return buf;
}

static void
spill(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) != 0) {
		perror(path);
		exit(2);
	}
}

static int
env_passphrase(void *arg, char *buf, size_t size)
{
	const char *v = getenv("SIGN_TOOL_PASSPHRASE");

	(void)arg;
	if (v == NULL || strlen(v) > size)
		return -1;
	memcpy(buf, v, strlen(v));
	return (int)strlen(v);
}

static struct lf_sigkey *
load(const char *path, bool private)
{
	struct lf_sigkey *k;
	struct lf_error err;
	unsigned char *p;
	size_t n;
	int rc;

	if (lf_keyfile_read(path, &p, &n, &err) != LF_OK)
		exit(die(path, &err));
	rc = private ?
	    lf_sigkey_load_private(p, n, env_passphrase, NULL, &k, &err) :
	    lf_sigkey_load_public(p, n, &k, &err);
	OPENSSL_secure_clear_free(p, n);
	if (rc != LF_OK)
		exit(die(path, &err));
	return k;
}

static int
verify(int argc, char **argv, bool minisig)
{
	struct lf_sigkey *k = load(argv[2], false);
	struct lf_sigcheck *c = malloc(sizeof(*c));
	uint8_t pin[LF_SIGKEY_FPR_LEN];
	struct lf_error err;
	uint8_t *msg, *sig;
	size_t mlen, slen;
	int rc;

	if (c == NULL)
		return 2;
	if (argc > 5 && lf_fingerprint_parse(argv[5], pin, &err) != LF_OK)
		return die(argv[5], &err);
	msg = slurp(argv[3], &mlen);
	sig = slurp(argv[4], &slen);
	rc = (minisig ? lf_minisig_verify : lf_verify_raw)(k,
	    argc > 5 ? pin : NULL, msg, mlen, sig, slen, c, &err);
	if (rc != LF_OK)
		return die("verify", &err);
	printf("%s%s%s\n", lf_sig_verdict_name(c->verdict),
	    c->reason[0] != '\0' ? ": " : "", c->reason);
	if (c->verdict == LF_SIG_GOOD && minisig)
		printf("%s\ntrusted comment: %s\n",
		    c->prehashed ? "prehashed" : "legacy", c->trusted);
	rc = c->verdict == LF_SIG_GOOD ? 0 : 1;
	free(c);
	free(msg);
	free(sig);
	lf_sigkey_free(k);
	return rc;
}

static int
sign(int argc, char **argv, bool minisig)
{
	struct lf_sigkey *k = load(argv[2], true);
	uint8_t sig[LF_ED25519_SIG_LEN], *msg;
	struct lf_error err;
	struct lf_buf out;
	const char *trusted = "timestamp:1700000000\tfile:manifest";
	unsigned flags = 0;
	size_t mlen;
	int i;

	msg = slurp(argv[3], &mlen);
	if (!minisig) {
		if (lf_sign_raw(k, msg, mlen, sig, &err) != LF_OK)
			return die("sign", &err);
		spill(argv[4], sig, sizeof(sig));
	} else {
		for (i = 5; i < argc; i++) {
			if (strcmp(argv[i], "-l") == 0)
				flags |= LF_MINISIG_LEGACY;
			else
				trusted = argv[i];
		}
		lf_buf_init(&out, LF_MINISIG_FILE_MAX);
		if (lf_minisig_sign(k, msg, mlen, flags,
		        "signature from libforensic", trusted, &out,
		        &err) != LF_OK)
			return die("minisig", &err);
		spill(argv[4], out.data, out.len);
		lf_buf_release(&out);
	}
	free(msg);
	lf_sigkey_free(k);
	return 0;
}

static int
tsq(int argc, char **argv)
{
	uint8_t md[LF_TSQ_SHA512_LEN], nonce[LF_TSQ_NONCE_MAX], *msg;
	struct lf_error err;
	struct lf_buf out;
	unsigned int mdlen;
	long nlen = 0;
	size_t mlen;

	msg = slurp(argv[2], &mlen);
	if (EVP_Digest(msg, mlen, md, &mdlen, EVP_sha512(), NULL) != 1)
		return 2;
	if (argc > 4 &&
	    (nlen = lf_hex_decode(argv[4], strlen(argv[4]), nonce,
	         sizeof(nonce))) < 0) {
		fprintf(stderr, "sign_tool: bad nonce\n");
		return 2;
	}
	lf_buf_init(&out, 4096);
	if (lf_tsq_make(md, argc > 4 ? nonce : NULL, (size_t)nlen, &out,
	        &err) != LF_OK)
		return die("tsq", &err);
	spill(argv[3], out.data, out.len);
	lf_buf_release(&out);
	free(msg);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "raw") == 0)
		return sign(argc, argv, false);
	if (argc >= 5 && strcmp(argv[1], "minisig") == 0)
		return sign(argc, argv, true);
	if (argc >= 5 && strcmp(argv[1], "verify") == 0)
		return verify(argc, argv, false);
	if (argc >= 5 && strcmp(argv[1], "verify-minisig") == 0)
		return verify(argc, argv, true);
	if (argc >= 4 && strcmp(argv[1], "tsq") == 0)
		return tsq(argc, argv);
	fprintf(stderr,
	    "usage: sign_tool raw|minisig KEY FILE OUT [-l] [TRUSTED]\n"
	    "       sign_tool verify|verify-minisig PUB FILE SIG [PIN]\n"
	    "       sign_tool tsq FILE OUT [NONCEHEX]\n");
	return 2;
}
