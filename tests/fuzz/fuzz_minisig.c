/*
 * tests/fuzz/fuzz_minisig.c: minisign signatures and public keys (and
 * PEM public keys) from hostile bytes.
 *
 * Any input is parsed or refused without crashing; as a public key it
 * gives a key with a fingerprint, or an error; as a signature it gets one
 * of the verdicts, and only "good" when it really was made by the key of
 * that input or the fixed key below.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8032's test key 1, as minisign public key file. */
static const char fixed_pub[] =
    "untrusted comment: minisign public key 60BB29DA8FFDE306\n"
    "RWQG4/2P2im7YNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n";
static const uint8_t msg[] = "tagmanifest line 1\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t id[LF_SIGKEY_ID_LEN], pub[LF_ED25519_PUB_LEN];
	uint8_t fpr[LF_SIGKEY_FPR_LEN];
	struct lf_sigkey *k = NULL, *fixed = NULL;
	struct lf_minisig *m = malloc(sizeof(*m));
	struct lf_sigcheck *c = malloc(sizeof(*c));

	if (m == NULL || c == NULL)
		goto done;
	if (lf_minisig_parse(data, size, m, NULL) == LF_OK &&
	    (m->trusted_len > LF_MINISIG_TRUSTED_MAX ||
	        strlen(m->trusted) != m->trusted_len))
		abort();
	(void)lf_minisign_pub_parse(data, size, id, pub, NULL);
	if (lf_sigkey_load_public(data, size, &k, NULL) == LF_OK)
		lf_sigkey_fingerprint(k, fpr);
	if (lf_sigkey_load_public((const uint8_t *)fixed_pub,
	        sizeof(fixed_pub) - 1, &fixed, NULL) != LF_OK)
		abort();
	if (lf_minisig_verify(fixed, NULL, msg, sizeof(msg) - 1, data, size, c,
	        NULL) == LF_OK &&
	    c->verdict > LF_SIG_BAD_COMMENT)
		abort();
	if (lf_verify_raw(fixed, NULL, msg, sizeof(msg) - 1, data, size, c,
	        NULL) == LF_OK &&
	    c->verdict == LF_SIG_GOOD && size != LF_ED25519_SIG_LEN)
		abort();
done:
	lf_sigkey_free(k);
	lf_sigkey_free(fixed);
	free(m);
	free(c);
	return 0;
}
