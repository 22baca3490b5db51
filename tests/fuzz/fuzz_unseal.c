/*
 * tests/fuzz/fuzz_unseal.c: opening sealed zips, and the CMS layer
 * around them, on hostile bytes.
 *
 * Input starting with 0x30 (a DER SEQUENCE) goes through lf_unseal_cms
 * with the test recipient below (a key made for this harness only, so
 * that committed CMS inputs decrypt); anything else through
 * lf_unseal_zip, password "infected", no name expected.
 *
 * Properties: every call returns what lf/seal.h allows (LF_OK,
 * LF_E_FORMAT with a fault, LF_E_NOMEM, LF_E_CRYPTO), a fault only with
 * LF_E_FORMAT; the bytes given to the callback are as many as info.size
 * says; and the same bytes give the same result and the same content.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/reader.h"
#include "lf/seal.h"
#include "lf/sealcms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIWa9Bm1q+DyezAaK\n"
    "nRKmO88jVq9pfdTEs3BupiGCZWehRANCAARsphz3PSIG8XknmrED5ThqKXIUa4O4\n"
    "sGGB9YBTw+rdQiOxCnUfictctjXkUrOaAUMMGlIm+G+7X7c+JOegZLfA\n"
    "-----END PRIVATE KEY-----\n";

static const char fuzz_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBiDCCAS+gAwIBAgIUZm/AhMbo2/21u8HvTUKhOXp7L3QwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOZnV6ei1yZWNpcGllbnQwIBcNMjYxMTI4MTI1NDMzWhgPMjEy\n"
    "NjExMDQxMjU0MzNaMBkxFzAVBgNVBAMMDmZ1enotcmVjaXBpZW50MFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAEbKYc9z0iBvF5J5qxA+U4ailyFGuDuLBhgfWAU8Pq\n"
    "3UIjsQp1H4nLXLY15FKzmgFDDBpSJvhvu1+3PiTnoGS3wKNTMFEwHQYDVR0OBBYE\n"
    "FC+aVKwJnFa2ibH9ntH+XlJbQpZxMB8GA1UdIwQYMBaAFC+aVKwJnFa2ibH9ntH+\n"
    "XlJbQpZxMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgRmdYTO+s\n"
    "SDsa1syVJCglQP2GumvULeDbBZi6VfoNaqUCIF+dZqmmNpEDB7s3VgYrp5ZPW8TQ\n"
    "NyloS48LDe3oSaWF\n"
    "-----END CERTIFICATE-----\n";

struct out {
	uint64_t n, h;
};

static int
take(void *arg, const uint8_t *p, size_t n, struct lf_error *err)
{
	struct out *o = arg;
	size_t i;

	(void)err;
	for (i = 0; i < n; i++)
		o->h = (o->h ^ p[i]) * 0x100000001b3ull;
	o->n += n;
	return LF_OK;
}

static uint64_t
run(const uint8_t *data, size_t size)
{
	struct lf_sealcms_blob key = {(const uint8_t *)fuzz_key,
	    sizeof(fuzz_key) - 1};
	struct lf_sealcms_blob cert = {(const uint8_t *)fuzz_cert,
	    sizeof(fuzz_cert) - 1};
	struct lf_unseal_info info;
	struct out o = {0, 0xcbf29ce484222325ull};
	struct lf_reader *in;
	int rc;

	if (lf_reader_from_mem(data, size, &in, NULL) != LF_OK)
		return 0;
	if (size > 0 && data[0] == 0x30)
		rc = lf_unseal_cms(in, key, cert, NULL, NULL, take, &o, &info,
		    NULL);
	else
		rc = lf_unseal_zip(in, NULL, NULL, take, &o, &info, NULL);
	lf_reader_free(in);
	if (rc != LF_OK && rc != LF_E_FORMAT && rc != LF_E_NOMEM &&
	    rc != LF_E_CRYPTO)
		abort();
	if ((rc == LF_E_FORMAT) != (info.fault != LF_UNSEAL_OK))
		abort();
	if (o.n != info.size)
		abort();
	if (rc == LF_OK && strlen(info.name) > LF_SEAL_NAME_MAX)
		abort();
	return (o.h ^ (uint64_t)-rc) * 31 + (uint64_t)info.fault;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (run(data, size) != run(data, size))
		abort();
	return 0;
}
