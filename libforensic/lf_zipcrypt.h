/*
 * lf_zipcrypt.h (private): the two zip encryptions, shared by the
 * sealing writer (lf_seal.c) and the reader (lf_unseal.c).
 *
 * WinZip AES (https://www.winzip.com/en/support/aes-encryption/): keys
 * from PBKDF2-HMAC-SHA1(password, salt, 1000 iterations): the AES key,
 * then an HMAC-SHA1 key of the same length, then a 2-byte password
 * check value.  The data is AES in counter mode whose 16-byte counter
 * block is a little-endian integer starting at 1 (Gladman's fileenc,
 * which WinZip and 7-Zip use; OpenSSL's CTR counts big-endian, so the
 * counter blocks are made here and encrypted with AES-ECB in batches),
 * and the authentication code is the first 10 bytes of HMAC-SHA1 over
 * the ciphertext.
 *
 * Traditional PKWARE encryption (APPNOTE.TXT 6.1): three 32-bit keys
 * stirred by CRC-32 steps and a linear congruence.
 */
#ifndef LF_ZIPCRYPT_H
#define LF_ZIPCRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "lf/error.h"

#define LF_ZIPCRYPT_AES_ITER 1000
#define LF_ZIPCRYPT_AES_MAC_LEN 10
#define LF_ZIPCRYPT_AES_PWV_LEN 2
#define LF_ZIPCRYPT_AES_BATCH 4096 /* counter blocks encrypted at once */
#define LF_ZIPCRYPT_ZC_HEAD 12

struct lf_zipcrypt_aes {
	EVP_CIPHER_CTX *ecb;
	EVP_MAC_CTX *mac;
	uint64_t counter; /* of the next counter block */
	uint8_t ks[LF_ZIPCRYPT_AES_BATCH * 16];
	size_t ks_pos, ks_len;
};

/*
 * lf_zipcrypt_aes_init: derive the keys for strength (1, 2, 3: AES-128, -192,
 * -256, salt 8, 12 or 16 bytes) and start; pwv receives the password
 * check value.  Returns LF_OK, LF_E_NOMEM or LF_E_CRYPTO.
 */
int lf_zipcrypt_aes_init(struct lf_zipcrypt_aes *a, int strength,
    const char *password, const uint8_t *salt,
    uint8_t pwv[LF_ZIPCRYPT_AES_PWV_LEN], struct lf_error *err);

/* lf_zipcrypt_aes_pwv: only the password check value, as init gives it. */
int lf_zipcrypt_aes_pwv(int strength, const char *password, const uint8_t *salt,
    uint8_t pwv[LF_ZIPCRYPT_AES_PWV_LEN], struct lf_error *err);

/* lf_zipcrypt_aes_salt_len: 8, 12, 16 for strength 1, 2, 3; 0 otherwise. */
size_t lf_zipcrypt_aes_salt_len(int strength);

/*
 * lf_zipcrypt_aes_crypt: encrypt (or decrypt) n bytes from in to out (which may
 * be the same), feeding the ciphertext to the HMAC.  Returns LF_OK or
 * LF_E_CRYPTO.
 */
int lf_zipcrypt_aes_crypt(struct lf_zipcrypt_aes *a, const uint8_t *in,
    uint8_t *out, size_t n, bool encrypt, struct lf_error *err);

/* lf_zipcrypt_aes_code: the authentication code so far.  LF_OK or LF_E_CRYPTO. */
int lf_zipcrypt_aes_code(struct lf_zipcrypt_aes *a,
    uint8_t code[LF_ZIPCRYPT_AES_MAC_LEN], struct lf_error *err);

/* lf_zipcrypt_aes_release: wipe and free what lf_zipcrypt_aes_init made. */
void lf_zipcrypt_aes_release(struct lf_zipcrypt_aes *a);

struct lf_zipcrypt_zc {
	uint32_t k0, k1, k2;
	const z_crc_t *tab; /* zlib's CRC-32 table */
};

void lf_zipcrypt_zc_init(struct lf_zipcrypt_zc *z, const char *password);
void lf_zipcrypt_zc_encrypt(struct lf_zipcrypt_zc *z, const uint8_t *in,
    uint8_t *out, size_t n);
void lf_zipcrypt_zc_decrypt(struct lf_zipcrypt_zc *z, const uint8_t *in,
    uint8_t *out, size_t n);

#endif
