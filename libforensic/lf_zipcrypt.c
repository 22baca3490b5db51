/*
 * lf_zipcrypt.c: WinZip AES and traditional PKWARE encryption, for
 * sealing and unsealing zips (see lf_zipcrypt.h for the formats).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <zlib.h>

#include "lf_zipcrypt.h"

size_t
lf_zipcrypt_aes_salt_len(int strength)
{
	return strength >= 1 && strength <= 3 ? (size_t)(4 + 4 * strength) : 0;
}

static int
crypto_fail(struct lf_error *err, const char *what)
{
	return lf_error_set(err, LF_E_CRYPTO, "zip AES: %s failed", what);
}

/* PBKDF2 output: AES key, HMAC key, password check value. */
static int
derive(int strength, const char *password, const uint8_t *salt, uint8_t *keys,
    struct lf_error *err)
{
	size_t klen = (size_t)(8 + 8 * strength);
	size_t salt_len = lf_zipcrypt_aes_salt_len(strength);

	if (salt_len == 0)
		return lf_error_set(err, LF_E_INVAL, "zip AES: strength %d",
		    strength);
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
	        (int)salt_len, LF_ZIPCRYPT_AES_ITER, EVP_sha1(),
	        (int)(2 * klen + LF_ZIPCRYPT_AES_PWV_LEN), keys) != 1)
		return crypto_fail(err, "PBKDF2");
	return LF_OK;
}

int
lf_zipcrypt_aes_pwv(int strength, const char *password, const uint8_t *salt,
    uint8_t pwv[LF_ZIPCRYPT_AES_PWV_LEN], struct lf_error *err)
{
	uint8_t keys[2 * 32 + LF_ZIPCRYPT_AES_PWV_LEN];
	int rc = derive(strength, password, salt, keys, err);

	if (rc == LF_OK)
		memcpy(pwv, keys + 2 * (size_t)(8 + 8 * strength),
		    LF_ZIPCRYPT_AES_PWV_LEN);
	OPENSSL_cleanse(keys, sizeof(keys));
	return rc;
}

int
lf_zipcrypt_aes_init(struct lf_zipcrypt_aes *a, int strength,
    const char *password, const uint8_t *salt,
    uint8_t pwv[LF_ZIPCRYPT_AES_PWV_LEN], struct lf_error *err)
{
	static const char *const ecb[] = {"AES-128-ECB", "AES-192-ECB",
	    "AES-256-ECB"};
	size_t klen = (size_t)(8 + 8 * strength);
	uint8_t keys[2 * 32 + LF_ZIPCRYPT_AES_PWV_LEN];
	OSSL_PARAM params[2];
	EVP_CIPHER *cipher = NULL;
	EVP_MAC *mac = NULL;
	int rc = LF_E_CRYPTO;

	memset(a, 0, sizeof(*a));
	a->counter = 1;
	if (lf_zipcrypt_aes_salt_len(strength) == 0)
		return lf_error_set(err, LF_E_INVAL, "zip AES: strength %d",
		    strength);
	if ((rc = derive(strength, password, salt, keys, err)) != LF_OK)
		goto out;
	if ((cipher = EVP_CIPHER_fetch(NULL, ecb[strength - 1], NULL)) ==
	        NULL ||
	    (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		rc = crypto_fail(err, "fetching AES and HMAC");
		goto out;
	}
	if ((a->ecb = EVP_CIPHER_CTX_new()) == NULL ||
	    (a->mac = EVP_MAC_CTX_new(mac)) == NULL) {
		rc = lf_error_set(err, LF_E_NOMEM, "zip AES");
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA1", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_EncryptInit_ex2(a->ecb, cipher, keys, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(a->ecb, 0) != 1 ||
	    EVP_MAC_init(a->mac, keys + klen, klen, params) != 1) {
		rc = crypto_fail(err, "starting AES and HMAC");
		goto out;
	}
	memcpy(pwv, keys + 2 * klen, LF_ZIPCRYPT_AES_PWV_LEN);
	rc = LF_OK;
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	EVP_CIPHER_free(cipher);
	EVP_MAC_free(mac);
	if (rc != LF_OK)
		lf_zipcrypt_aes_release(a);
	return rc;
}

/* The next batch of key stream: counter blocks, little-endian, in ECB. */
static int
refill(struct lf_zipcrypt_aes *a, struct lf_error *err)
{
	size_t i;
	int outl = 0;

	memset(a->ks, 0, sizeof(a->ks));
	for (i = 0; i < LF_ZIPCRYPT_AES_BATCH; i++) {
		/* Spelt out, so that the compiler makes it one store. */
		uint64_t c = a->counter++;
		uint8_t *b = a->ks + 16 * i;
		b[0] = (uint8_t)c;
		b[1] = (uint8_t)(c >> 8);
		b[2] = (uint8_t)(c >> 16);
		b[3] = (uint8_t)(c >> 24);
		b[4] = (uint8_t)(c >> 32);
		b[5] = (uint8_t)(c >> 40);
		b[6] = (uint8_t)(c >> 48);
		b[7] = (uint8_t)(c >> 56);
	}
	if (EVP_EncryptUpdate(a->ecb, a->ks, &outl, a->ks,
	        (int)sizeof(a->ks)) != 1 ||
	    (size_t)outl != sizeof(a->ks))
		return crypto_fail(err, "AES");
	a->ks_pos = 0;
	a->ks_len = sizeof(a->ks);
	return LF_OK;
}

static void
xor_bytes(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, k;
		memcpy(&x, in + i, 8);
		memcpy(&k, ks + i, 8);
		x ^= k;
		memcpy(out + i, &x, 8);
	}
	for (; i < n; i++)
		out[i] = in[i] ^ ks[i];
}

int
lf_zipcrypt_aes_crypt(struct lf_zipcrypt_aes *a, const uint8_t *in,
    uint8_t *out, size_t n, bool encrypt, struct lf_error *err)
{
	while (n > 0) {
		size_t k;
		int rc;
		if (a->ks_pos == a->ks_len && (rc = refill(a, err)) != LF_OK)
			return rc;
		k = a->ks_len - a->ks_pos;
		if (k > n)
			k = n;
		/* The code is over the ciphertext: before or after. */
		if (!encrypt && EVP_MAC_update(a->mac, in, k) != 1)
			return crypto_fail(err, "HMAC");
		xor_bytes(out, in, a->ks + a->ks_pos, k);
		if (encrypt && EVP_MAC_update(a->mac, out, k) != 1)
			return crypto_fail(err, "HMAC");
		a->ks_pos += k;
		in += k;
		out += k;
		n -= k;
	}
	return LF_OK;
}

int
lf_zipcrypt_aes_code(struct lf_zipcrypt_aes *a,
    uint8_t code[LF_ZIPCRYPT_AES_MAC_LEN], struct lf_error *err)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t len = 0;

	if (EVP_MAC_final(a->mac, full, &len, sizeof(full)) != 1 ||
	    len < LF_ZIPCRYPT_AES_MAC_LEN)
		return crypto_fail(err, "HMAC");
	memcpy(code, full, LF_ZIPCRYPT_AES_MAC_LEN);
	OPENSSL_cleanse(full, sizeof(full));
	return LF_OK;
}

void
lf_zipcrypt_aes_release(struct lf_zipcrypt_aes *a)
{
	EVP_CIPHER_CTX_free(a->ecb);
	EVP_MAC_CTX_free(a->mac);
	OPENSSL_cleanse(a, sizeof(*a));
}

/* ---- traditional PKWARE encryption ---- */

static uint32_t
crc_step(const z_crc_t *tab, uint32_t crc, uint8_t b)
{
	return tab[(crc ^ b) & 0xff] ^ (crc >> 8);
}

static void
update_keys(struct lf_zipcrypt_zc *z, uint8_t p)
{
	z->k0 = crc_step(z->tab, z->k0, p);
	z->k1 = (z->k1 + (z->k0 & 0xff)) * 134775813u + 1;
	z->k2 = crc_step(z->tab, z->k2, (uint8_t)(z->k1 >> 24));
}

static uint8_t
stream_byte(const struct lf_zipcrypt_zc *z)
{
	uint32_t t = (z->k2 | 2) & 0xffff;

	return (uint8_t)((t * (t ^ 1)) >> 8);
}

void
lf_zipcrypt_zc_init(struct lf_zipcrypt_zc *z, const char *password)
{
	z->tab = get_crc_table();
	z->k0 = 0x12345678u;
	z->k1 = 0x23456789u;
	z->k2 = 0x34567890u;
	for (; *password != '\0'; password++)
		update_keys(z, (uint8_t)*password);
}

void
lf_zipcrypt_zc_encrypt(struct lf_zipcrypt_zc *z, const uint8_t *in,
    uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t p = in[i];
		out[i] = p ^ stream_byte(z);
		update_keys(z, p);
	}
}

void
lf_zipcrypt_zc_decrypt(struct lf_zipcrypt_zc *z, const uint8_t *in,
    uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t p = in[i] ^ stream_byte(z);
		out[i] = p;
		update_keys(z, p);
	}
}
