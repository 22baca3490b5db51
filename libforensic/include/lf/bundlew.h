/*
 * lf/bundlew.h: an evidence bundle written (docs/bundle-format.md): the
 * bag around files already sealed, its tag files, its signatures, in a
 * reproducible tar.
 *
 * The caller seals the samples and messages into files first (each one's
 * size and digests known: they name the bundle) and makes the evidence
 * manifest; lf_bundlew_write adds data/manifest.json, the manifests and
 * tag manifests, bag-info.txt, the signature files of signatures/, and
 * writes it all, sorted, as one tar, the same bytes for the same inputs.
 * Where the tar goes (a temporary name, then a final one) is the
 * caller's business.
 */
#ifndef LF_BUNDLEW_H
#define LF_BUNDLEW_H

#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/sigkey.h"

#define LF_BUNDLE_ID_MAX 64 /* bytes of an id, with its NUL */

/* Where produced bytes go: all n at p; LF_OK or an error. */
typedef int (*lf_bundlew_write_fn)(void *arg, const uint8_t *p, size_t n,
    struct lf_error *err);

/*
 * A sealed file of the bag: its bytes in a file of a directory, or made
 * again on demand by produce (a sealing that gives the same bytes every
 * time, so that they need not be kept between the hashing that names the
 * bundle and the writing): produce(arg, write, warg, err) gives them all
 * to write(warg, ...) and returns LF_OK or an error.  Either way they
 * must be size bytes with that SHA-256, or the writing fails.
 */
struct lf_bundlew_file {
	const char *path; /* in the bag: "data/samples/<sha256>.zip" ... */
	int dirfd;        /* the directory holding its bytes */
	const char *name; /* its name there */
	int (*produce)(void *arg, lf_bundlew_write_fn write, void *warg,
	    struct lf_error *err); /* or NULL */
	void *arg;
	uint64_t size;
	uint8_t sha256[32];
	uint8_t sha512[64];
};

/*
 * lf_bundle_id: "<prefix>-<YYYYMMDDTHHMMSSZ of epoch>-<16 hex>", the hex
 * the start of the SHA-256 of the lines manifest-sha512.txt gives the n
 * files, in the order given (the bag's: sorted by path).  "lfb" names a
 * bundle; "lfg" a group, over every bundle's files one bundle after the
 * other.
 */
void lf_bundle_id(const char *prefix, int64_t epoch,
    const struct lf_bundlew_file *files, size_t n, char id[LF_BUNDLE_ID_MAX]);

/* bag-info.txt's values; NULL ones are left out (see bundle-format.md). */
struct lf_bundlew_info {
	const char *organization; /* Source-Organization */
	const char *examiner;     /* Contact-Name */
	const char *contact;      /* Contact-Email */
	const char *case_id;      /* External-Identifier */
	const char *evidence;     /* External-Description */
	const char *group;        /* Bag-Group-Identifier */
	size_t n, total;          /* Bag-Count "n of total" */
	const char *packager;     /* Packager: tool and library versions */
};

/*
 * lf_bundlew_write: the bundle id (lf_bundle_id) to fd: data/manifest.json
 * (the mlen bytes at manifest), the nfiles sealed files (sorted by path,
 * none named data/manifest.json), bagit.txt, bag-info.txt of info, the
 * manifests and tag manifests (SHA-256 and SHA-512), and in signatures/
 * the raw Ed25519 and minisign signatures of tagmanifest-sha512.txt by
 * key, the RFC 3161 query (its nonce from the signature) and the public
 * key in PEM and minisign's form; every entry of time epoch.  Returns
 * LF_OK, LF_E_INVAL (a path or value the bag refuses), LF_E_IO (reading
 * a sealed file, or writing fd), LF_E_CHANGED (a sealed file's bytes are
 * not the size or SHA-256 given), LF_E_NOMEM, LF_E_CRYPTO, or produce's
 * error; fd then holds a part, to be thrown away.  fd is written with
 * direct I/O where it allows it (lf_tarw_direct): the caller syncs it.
 */
int lf_bundlew_write(int fd, const char *id, int64_t epoch,
    const struct lf_sigkey *key, const struct lf_bundlew_info *info,
    const uint8_t *manifest, size_t mlen, const struct lf_bundlew_file *files,
    size_t nfiles, struct lf_error *err);

#endif
