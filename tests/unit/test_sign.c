/*
 * Unit tests: lf_sign (raw Ed25519 and minisign signatures).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lf/sign.h"
#include "lf/text.h"

/* RFC 8032 section 7.1, test 1: this key signs the empty message as
 * RFC_SIG1. */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
#define RFC_SIG1                                                           \
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" \
	"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
#define RFC_FPR \
	"06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"
#define OTHER_FPR \
	"00e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9"

/*
 * Made by minisign 0.11 (Debian):
 *   minisign -G -W -p ms.pub -s ms.key
 *   printf 'tagmanifest line 1\n' >msg
 *   minisign -S -s ms.key -m msg -x ed.minisig \
 *       -t "$(printf 'timestamp:1700000000\tfile:msg\thashed')"
 *   minisign -S -l -s ms.key -m msg -x legacy.minisig \
 *       -t "$(printf 'timestamp:1700000000\tfile:msg')"
 */
static const char ms_msg[] = "tagmanifest line 1\n";
static const char ms_pub[] =
    "untrusted comment: minisign public key 4C6127C558769036\n"
    "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n";
static const char ms_ed[] =
    "untrusted comment: signature from minisign secret key\n"
    "RUQ2kHZYxSdhTO8hlYUOZk+CSm2jZTJ7/omOeCI8JQOVkSXeEliTAwV3aknL8Cs7SC/"
    "bJ1PhSulsvGiHtrCAsOnYuyuR1C+83g0=\n"
    "trusted comment: timestamp:1700000000\tfile:msg\thashed\n"
    "8yEduxDMqCg6O1NGA3VQjxPKIVMl+6Qyb+kiiavK0XNs2pqfVRdXMbPGbl0dkPdifaXf2"
    "GqljemFinAUM8VVCw==\n";
static const char ms_legacy[] =
    "untrusted comment: signature from minisign secret key\n"
    "RWQ2kHZYxSdhTM49Pl/LD4t5wrKerj1/s6VcjZ/3JSSMk52/R+g6XNgDtu/PQooUvWvLF"
    "P7+4dK8z7CC+HXoLv1Jxh0FUWQsxAE=\n"
    "trusted comment: timestamp:1700000000\tfile:msg\n"
    "IZyu7RzBpgcyoo7lAoiSeY3j0ttZ7Xpf7GHpfxD3lgziq3IGgRp+tEKv6KFxDHMWciqof"
    "vej67TryVnJ4U5lDg==\n";

static struct lf_sigkey *
rfc(void)
{
	struct lf_sigkey *k;

	assert_int_equal(lf_sigkey_load_private((const uint8_t *)rfc_key,
	                     strlen(rfc_key), NULL, NULL, &k, NULL),
	    LF_OK);
	return k;
}

static struct lf_sigkey *
pub(const char *text)
{
	struct lf_sigkey *k;

	assert_int_equal(lf_sigkey_load_public((const uint8_t *)text,
	                     strlen(text), &k, NULL),
	    LF_OK);
	return k;
}

static struct lf_sigcheck check;

static enum lf_sig_verdict
raw(const struct lf_sigkey *k, const uint8_t *pin, const char *msg,
    const uint8_t *sig, size_t siglen)
{
	assert_int_equal(lf_verify_raw(k, pin, (const uint8_t *)msg,
	                     strlen(msg), sig, siglen, &check, NULL),
	    LF_OK);
	assert_true((check.verdict == LF_SIG_GOOD) == (check.reason[0] == 0));
	return check.verdict;
}

static enum lf_sig_verdict
mini(const struct lf_sigkey *k, const uint8_t *pin, const char *msg,
    const char *sig, size_t siglen)
{
	assert_int_equal(lf_minisig_verify(k, pin, (const uint8_t *)msg,
	                     strlen(msg), (const uint8_t *)sig, siglen, &check,
	                     NULL),
	    LF_OK);
	assert_true((check.verdict == LF_SIG_GOOD) == (check.reason[0] == 0));
	return check.verdict;
}

static void
rfc8032_vector(void **state)
{
	struct lf_sigkey *k = rfc();
	uint8_t sig[LF_ED25519_SIG_LEN];
	char hex[2 * LF_ED25519_SIG_LEN + 1];

	(void)state;
	assert_int_equal(lf_sign_raw(k, (const uint8_t *)"", 0, sig, NULL),
	    LF_OK);
	lf_hex(hex, sig, sizeof(sig));
	assert_string_equal(hex, RFC_SIG1);
	assert_int_equal(raw(k, NULL, "", sig, sizeof(sig)), LF_SIG_GOOD);
	lf_sigkey_free(k);
}

static void
raw_rejections(void **state)
{
	struct lf_sigkey *k = rfc(), *other;
	uint8_t sig[LF_ED25519_SIG_LEN + 1], pin[LF_SIGKEY_FPR_LEN];
	const char *msg = "Tag-File-Character-Encoding: UTF-8\n";

	(void)state;
	assert_int_equal(lf_sigkey_generate(&other, NULL), LF_OK);
	assert_int_equal(lf_sign_raw(k, (const uint8_t *)msg, strlen(msg), sig,
	                     NULL),
	    LF_OK);
	assert_int_equal(raw(k, NULL, msg, sig, 64), LF_SIG_GOOD);
	assert_int_equal(lf_fingerprint_parse(RFC_FPR, pin, NULL), LF_OK);
	assert_int_equal(raw(k, pin, msg, sig, 64), LF_SIG_GOOD);
	/* A flipped byte in the file, then in the signature. */
	assert_int_equal(raw(k, NULL, "Tag-File-Character-Encoding: UTF-9\n",
	                     sig, 64),
	    LF_SIG_BAD);
	sig[10] ^= 0x01;
	assert_int_equal(raw(k, NULL, msg, sig, 64), LF_SIG_BAD);
	sig[10] ^= 0x01;
	/* In s, past the group order: still only "bad". */
	sig[63] |= 0xf0;
	assert_int_equal(raw(k, NULL, msg, sig, 64), LF_SIG_BAD);
	assert_int_equal(lf_sign_raw(k, (const uint8_t *)msg, strlen(msg), sig,
	                     NULL),
	    LF_OK);
	/* Truncated, oversized. */
	assert_int_equal(raw(k, NULL, msg, sig, 63), LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "63 bytes, not 64 (truncated)"));
	sig[64] = '\n';
	assert_int_equal(raw(k, NULL, msg, sig, 65), LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "oversized"));
	assert_int_equal(raw(k, NULL, msg, sig, 0), LF_SIG_MALFORMED);
	/* Another key: bad; the pinned fingerprint not the key's: wrong
	 * key, before any arithmetic. */
	assert_int_equal(raw(other, NULL, msg, sig, 64), LF_SIG_BAD);
	assert_int_equal(raw(other, pin, msg, sig, 64), LF_SIG_WRONG_KEY);
	assert_non_null(strstr(check.reason, "pinned"));
	/* A public key cannot sign. */
	lf_sigkey_free(other);
	other =
	    pub("untrusted comment: minisign public key 4C6127C558769036\n"
	        "RWQ2kHZYxSdhTD88tzCrmAkGYdQW8KeIH0BmyLqPJSeaWXz8w6G6nGNb\n");
	assert_int_equal(lf_sign_raw(other, (const uint8_t *)msg, strlen(msg),
	                     sig, NULL),
	    LF_E_INVAL);
	lf_sigkey_free(other);
	lf_sigkey_free(k);
}

/* Sign msg in minisign form into a new string. */
static char *
minisign(const struct lf_sigkey *k, const char *msg, unsigned flags,
    const char *trusted)
{
	struct lf_buf b;

	lf_buf_init(&b, LF_MINISIG_FILE_MAX);
	assert_int_equal(lf_minisig_sign(k, (const uint8_t *)msg, strlen(msg),
	                     flags, "signature from libforensic", trusted, &b,
	                     NULL),
	    LF_OK);
	return (char *)lf_buf_steal(&b, NULL);
}

/* Replace the first occurrence of from by to (same length) in s. */
static void
patch(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);

	assert_non_null(p);
	assert_int_equal(strlen(from), strlen(to));
	memcpy(p, to, strlen(to));
}

static void
minisig_round_trip(void **state)
{
	struct lf_sigkey *k = rfc();
	uint8_t pin[LF_SIGKEY_FPR_LEN];
	char *ed, *ed2, *legacy;
	const char *msg = "manifest\n";

	(void)state;
	ed = minisign(k, msg, 0, "timestamp:1700000000\tfile:m\thashed");
	legacy =
	    minisign(k, msg, LF_MINISIG_LEGACY, "timestamp:1700000000\tfile:m");
	/* The form, line by line; Ed25519 is deterministic, so the same
	 * input gives the same bytes. */
	assert_non_null(strstr(ed,
	    "untrusted comment: signature from "
	    "libforensic\nRUQG4/2P2im7Y"));
	assert_non_null(strstr(legacy, "\nRWQG4/2P2im7Y"));
	assert_non_null(strstr(ed,
	    "=\ntrusted comment: timestamp:1700000000"
	    "\tfile:m\thashed\n"));
	assert_int_equal(ed[strlen(ed) - 1], '\n');
	assert_string_equal(strstr(ed, "==\n"), "==\n");
	ed2 = minisign(k, msg, 0, "timestamp:1700000000\tfile:m\thashed");
	assert_string_equal(ed, ed2);

	assert_int_equal(mini(k, NULL, msg, ed, strlen(ed)), LF_SIG_GOOD);
	assert_true(check.prehashed);
	assert_string_equal(check.trusted,
	    "timestamp:1700000000\tfile:m\thashed");
	assert_int_equal(lf_fingerprint_parse(RFC_FPR, pin, NULL), LF_OK);
	assert_int_equal(mini(k, pin, msg, legacy, strlen(legacy)),
	    LF_SIG_GOOD);
	assert_false(check.prehashed);
	/* With CRLF line ends, as an editor might leave them. */
	free(ed2);
	ed2 = calloc(1, 2 * strlen(ed) + 1);
	for (size_t i = 0, o = 0; ed[i] != '\0'; i++) {
		if (ed[i] == '\n')
			ed2[o++] = '\r';
		ed2[o++] = ed[i];
	}
	assert_int_equal(mini(k, NULL, msg, ed2, strlen(ed2)), LF_SIG_GOOD);
	free(ed2);
	free(ed);
	free(legacy);
	lf_sigkey_free(k);
}

static void
minisig_rejections(void **state)
{
	struct lf_sigkey *k = rfc(), *other;
	uint8_t pin[LF_SIGKEY_FPR_LEN];
	const char *msg = "manifest\n";
	char *good, *s, big[LF_MINISIG_FILE_MAX + 2];
	size_t n;

	(void)state;
	assert_int_equal(lf_sigkey_generate(&other, NULL), LF_OK);
	good = minisign(k, msg, 0, "timestamp:1700000000\tfile:m\thashed");
	n = strlen(good);
	s = strdup(good);

	/* A flipped byte in the file. */
	assert_int_equal(mini(k, NULL, "manifesT\n", good, n), LF_SIG_BAD);
	/* A flipped byte of the signature (a base64 digit changed). */
	s[60] = s[60] == 'A' ? 'B' : 'A';
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_BAD);
	memcpy(s, good, n + 1);
	/* The key id changed: another key's signature, said before any
	 * arithmetic. */
	patch(s, "RUQG4/2P", "RUQG4/2Q");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_WRONG_KEY);
	assert_non_null(strstr(check.reason, "60BB29DA8FFDE306"));
	memcpy(s, good, n + 1);
	/* Another key altogether, and a key that is not the pinned one. */
	assert_int_equal(mini(other, NULL, msg, s, n), LF_SIG_WRONG_KEY);
	assert_int_equal(lf_fingerprint_parse(OTHER_FPR, pin, NULL), LF_OK);
	assert_int_equal(mini(k, pin, msg, s, n), LF_SIG_WRONG_KEY);
	/* The trusted comment edited, then the global signature. */
	patch(s, "file:m", "file:M");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_BAD_COMMENT);
	memcpy(s, good, n + 1);
	s[n - 10] = s[n - 10] == 'A' ? 'B' : 'A';
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_BAD_COMMENT);
	memcpy(s, good, n + 1);
	/* The untrusted comment is not signed: editing it changes nothing. */
	patch(s, "from libforensic", "from someone-els");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_GOOD);
	memcpy(s, good, n + 1);
	/* Truncated: each line cut short, the last LF missing. */
	assert_int_equal(mini(k, NULL, msg, s, n - 1), LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "truncated"));
	assert_int_equal(mini(k, NULL, msg, s, n - 30), LF_SIG_MALFORMED);
	assert_int_equal(mini(k, NULL, msg, s,
	                     (size_t)(strstr(s,
	                                  "trusted "
	                                  "comment:") -
	                         s)),
	    LF_SIG_MALFORMED);
	assert_int_equal(mini(k, NULL, msg, s, 0), LF_SIG_MALFORMED);
	/* Oversized: a line after the end, or past the file limit. */
	s = realloc(s, n + 8);
	memcpy(s + n, "extra\n", 7);
	assert_int_equal(mini(k, NULL, msg, s, n + 6), LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "6 bytes after"));
	memset(big, 'x', sizeof(big));
	memcpy(big, good, n);
	assert_int_equal(mini(k, NULL, msg, big, sizeof(big) - 1),
	    LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "larger than"));
	memcpy(s, good, n + 1);
	/* Another algorithm. */
	patch(s, "\nRUQ", "\nRVQ");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_UNSUPPORTED);
	memcpy(s, good, n + 1);
	/* The padding's unused bits set: another spelling of the bytes. */
	{
		char *eq = strstr(s, "=\ntrusted");
		assert_non_null(eq);
		eq[-1] = eq[-1] == 'A' ? 'B' : (char)(eq[-1] + 1);
		assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_MALFORMED);
		assert_non_null(strstr(check.reason, "unused bits"));
	}
	memcpy(s, good, n + 1);
	/* No "trusted comment: " line, or a CR inside the comment. */
	patch(s, "trusted comment:", "trusted_comment:");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_MALFORMED);
	memcpy(s, good, n + 1);
	patch(s, "file:m", "file\rm");
	assert_int_equal(mini(k, NULL, msg, s, n), LF_SIG_MALFORMED);
	assert_non_null(strstr(check.reason, "CR"));
	free(s);
	free(good);

	/* Comments that would not read back the same are not written. */
	{
		struct lf_buf b;
		lf_buf_init(&b, LF_MINISIG_FILE_MAX);
		assert_int_equal(lf_minisig_sign(k, (const uint8_t *)msg, 9, 0,
		                     "a\nb", "t", &b, NULL),
		    LF_E_INVAL);
		assert_int_equal(lf_minisig_sign(k, (const uint8_t *)msg, 9, 0,
		                     "u", "t\r", &b, NULL),
		    LF_E_INVAL);
		lf_buf_release(&b);
	}
	lf_sigkey_free(other);
	lf_sigkey_free(k);
}

static void
minisign_made(void **state)
{
	struct lf_sigkey *k = pub(ms_pub), *mine = rfc();

	(void)state;
	assert_int_equal(mini(k, NULL, ms_msg, ms_ed, strlen(ms_ed)),
	    LF_SIG_GOOD);
	assert_true(check.prehashed);
	assert_string_equal(check.trusted,
	    "timestamp:1700000000\tfile:msg\thashed");
	assert_int_equal(mini(k, NULL, ms_msg, ms_legacy, strlen(ms_legacy)),
	    LF_SIG_GOOD);
	assert_false(check.prehashed);
	assert_int_equal(mini(k, NULL, "tagmanifest line 2\n", ms_ed,
	                     strlen(ms_ed)),
	    LF_SIG_BAD);
	assert_int_equal(mini(mine, NULL, ms_msg, ms_ed, strlen(ms_ed)),
	    LF_SIG_WRONG_KEY);
	assert_non_null(strstr(check.reason, "key id is 4C6127C558769036"));
	lf_sigkey_free(mine);
	lf_sigkey_free(k);
}

static void
verdict_names(void **state)
{
	(void)state;
	assert_string_equal(lf_sig_verdict_name(LF_SIG_GOOD), "good");
	assert_string_equal(lf_sig_verdict_name(LF_SIG_BAD_COMMENT),
	    "bad-comment");
	assert_string_equal(lf_sig_verdict_name(LF_SIG_WRONG_KEY), "wrong-key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc8032_vector),
	    cmocka_unit_test(raw_rejections),
	    cmocka_unit_test(minisig_round_trip),
	    cmocka_unit_test(minisig_rejections),
	    cmocka_unit_test(minisign_made),
	    cmocka_unit_test(verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
