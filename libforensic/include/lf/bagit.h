/*
 * lf/bagit.h: BagIt bags (RFC 8493), validated and written.
 *
 * The validator is fed the files of one bag, each under its path relative
 * to the bag's top (bytes, "data/..." for payload), in any order, and
 * decides at the end:
 *
 *   - the tag files it must read (bagit.txt, bag-info.txt, fetch.txt,
 *     manifest-*.txt and tagmanifest-*.txt at the top, see
 *     lf_bagit_is_parsed_tag) are given whole, through lf_bagit_tag: they
 *     are small, and refused past limits.bag_tag_bytes;
 *   - every other file is given as its size and its digests, computed by
 *     the caller while it streams the file (lf_bagit_hash), through
 *     lf_bagit_file.  Its contents never reach the validator.
 *
 * So a bag can be checked from a directory (lf_bagit_check_dir, which reads
 * the tag files first and computes only the algorithms the manifests use)
 * or from a stream whose payload files come before the manifests that list
 * them (a bundle's tar, in sorted order): the validator keeps one record
 * per path with the digests it was given or expects, never file contents,
 * and compares them in lf_bagit_finish.  The records are bounded by
 * limits.bag_index_bytes.
 *
 * What the bag gets wrong is a finding (struct lf_bagit_finding), with the
 * file and line it is about: LF_BAGIT_INVALID makes the bag invalid,
 * LF_BAGIT_WARNING does not.  Errors (LF_E_*) are for what stops the work:
 * memory, a limit, I/O of the directory source.
 *
 * The writer (lf_bagit_write) makes the tag files of a BagIt 1.0 bag from
 * the payload's paths, sizes and digests: bagit.txt, bag-info.txt,
 * manifest-sha256/512.txt and tagmanifest-sha256/512.txt, deterministic
 * (sorted by path, LF line ends, ASCII names), as buffers the caller
 * writes.
 */
#ifndef LF_BAGIT_H
#define LF_BAGIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/error.h"
#include "lf/limits.h"
#include "lf/reader.h"
#include "lf/tar.h"

/* The checksum algorithms of BagIt manifests (RFC 8493 2.4). */
enum lf_bagit_alg {
	LF_BAGIT_MD5,
	LF_BAGIT_SHA1,
	LF_BAGIT_SHA224,
	LF_BAGIT_SHA256,
	LF_BAGIT_SHA384,
	LF_BAGIT_SHA512,
	LF_BAGIT_NALGS
};

#define LF_BAGIT_BIT(a) (1u << (a))
#define LF_BAGIT_ALL ((1u << LF_BAGIT_NALGS) - 1)
#define LF_BAGIT_DIGEST_MAX 64 /* bytes of the longest digest */

/* lf_bagit_alg_name: "md5", "sha1", ... as in "manifest-sha256.txt". */
const char *lf_bagit_alg_name(enum lf_bagit_alg alg);

/* lf_bagit_alg_len: the digest's length in bytes. */
size_t lf_bagit_alg_len(enum lf_bagit_alg alg);

/* lf_bagit_alg_from_name: the algorithm named n bytes at name, or -1. */
int lf_bagit_alg_from_name(const char *name, size_t n);

/* A file's size and the digests computed of it. */
struct lf_bagit_digests {
	unsigned algs; /* LF_BAGIT_BIT()s present in d */
	uint64_t size;
	uint8_t d[LF_BAGIT_NALGS][LF_BAGIT_DIGEST_MAX];
};

struct lf_bagit_hash;

/*
 * lf_bagit_hash_new: a context computing the algorithms in algs (may be
 * empty: then it only counts bytes).  Returns LF_OK and a new context in
 * *out, LF_E_NOMEM or LF_E_CRYPTO.
 * lf_bagit_hash_update: n more bytes; LF_OK or LF_E_CRYPTO.
 * lf_bagit_hash_final: the size and digests into *out, and the context is
 * ready for the next file; LF_OK or LF_E_CRYPTO (*out untouched).
 * lf_bagit_hash_free: NULL is allowed.
 */
int lf_bagit_hash_new(unsigned algs, struct lf_bagit_hash **out,
    struct lf_error *err);
int lf_bagit_hash_update(struct lf_bagit_hash *h, const void *p, size_t n,
    struct lf_error *err);
int lf_bagit_hash_final(struct lf_bagit_hash *h, struct lf_bagit_digests *out,
    struct lf_error *err);
void lf_bagit_hash_free(struct lf_bagit_hash *h);

enum lf_bagit_severity {
	LF_BAGIT_WARNING, /* worth saying; the bag stays valid */
	LF_BAGIT_INVALID, /* the bag is not valid */
};

struct lf_bagit_finding {
	enum lf_bagit_severity severity;
	const char *code; /* static, e.g. "manifest.mismatch" */
	char *file;       /* the file it is about, relative to the bag
			     (bytes, NUL-terminated); "" for the bag */
	size_t file_len;
	uint64_t line; /* 1-based line of file, 0 when not about a line */
	char *message; /* plain text; names inside it are not escaped */
};

struct lf_bagit;

/*
 * lf_bagit_new: an empty validator.  limits (borrowed until _free) gives
 * bag_tag_bytes and bag_index_bytes; NULL means the defaults.  Returns
 * LF_OK and a new validator in *out, or LF_E_NOMEM.
 */
int lf_bagit_new(const struct lf_limits *limits, struct lf_bagit **out,
    struct lf_error *err);

/* lf_bagit_free: NULL is allowed. */
void lf_bagit_free(struct lf_bagit *v);

/*
 * lf_bagit_is_parsed_tag: true when the file at path (n bytes) is one the
 * validator reads, to be given whole through lf_bagit_tag.
 */
bool lf_bagit_is_parsed_tag(const char *path, size_t n);

/*
 * lf_bagit_tag: the whole contents (size bytes at data, borrowed for the
 * call) of the parsed tag file path (n bytes).  Returns LF_OK (problems of
 * the file are findings), LF_E_INVAL when path is not a parsed tag file
 * or was given before, LF_E_LIMIT past limits.bag_tag_bytes or
 * limits.bag_index_bytes, or LF_E_NOMEM.  After an error only _free is
 * allowed.
 */
int lf_bagit_tag(struct lf_bagit *v, const char *path, size_t n,
    const uint8_t *data, size_t size, struct lf_error *err);

/*
 * lf_bagit_algs: the algorithms the manifests read so far need, payload
 * and tag manifests together: what a caller that read the tag files first
 * computes for the other files.
 */
unsigned lf_bagit_algs(const struct lf_bagit *v);

/*
 * lf_bagit_file: a file that is not a parsed tag file: its path (n bytes)
 * and its size and digests (copied).  Digests of algorithms a manifest
 * uses but d lacks leave those entries unchecked, which is a finding.
 * Returns LF_OK, LF_E_INVAL for a parsed tag file's path or a path given
 * before, LF_E_LIMIT past limits.bag_index_bytes, or LF_E_NOMEM.  After an
 * error only _free is allowed.
 */
int lf_bagit_file(struct lf_bagit *v, const char *path, size_t n,
    const struct lf_bagit_digests *d, struct lf_error *err);

/*
 * lf_bagit_dir: a directory of the bag (its path, n bytes, without a
 * final "/"), so that an empty data/ directory counts as present.
 */
void lf_bagit_dir(struct lf_bagit *v, const char *path, size_t n);

/*
 * lf_bagit_note: a finding the source made itself (a symbolic link or a
 * special file in the bag, a file it could not read).  file is n bytes;
 * message is copied.  Returns LF_OK or LF_E_NOMEM.
 */
int
lf_bagit_note(struct lf_bagit *v, enum lf_bagit_severity sev, const char *code,
    const char *file, size_t n, const char *message, struct lf_error *err);

/*
 * lf_bagit_finish: decide, once every file was given.  Returns LF_OK (the
 * verdict is lf_bagit_valid), LF_E_NOMEM or LF_E_LIMIT.  Only the
 * accessors below and _free are allowed afterwards.
 */
int lf_bagit_finish(struct lf_bagit *v, struct lf_error *err);

/* lf_bagit_valid: after _finish, true when no finding is INVALID. */
bool lf_bagit_valid(const struct lf_bagit *v);

/*
 * lf_bagit_findings: the findings kept (at most LF_BAGIT_FINDINGS_MAX, in
 * the order made), *n receives their number; borrowed until _free.
 * lf_bagit_count: how many of severity sev were made, kept or not.
 */
#define LF_BAGIT_FINDINGS_MAX 1000
const struct lf_bagit_finding *
lf_bagit_findings(const struct lf_bagit *v, size_t *n);
uint64_t lf_bagit_count(const struct lf_bagit *v, enum lf_bagit_severity sev);

/* What the bag says of itself, after _finish. */
struct lf_bagit_summary {
	char version[16];       /* BagIt-Version as read, "" when unreadable */
	char encoding[64];      /* Tag-File-Character-Encoding, "" likewise */
	uint64_t payload_files; /* payload files present */
	uint64_t payload_bytes;
	uint64_t fetch_missing; /* payload files left to fetch.txt */
	unsigned payload_algs;  /* algorithms of the payload manifests */
	unsigned tag_algs;      /* algorithms of the tag manifests */
};

void
lf_bagit_get_summary(const struct lf_bagit *v, struct lf_bagit_summary *out);

/*
 * A tap sees each file a source hashes (every file but the parsed tag
 * files) as it passes, so that a caller can look inside files without
 * reading them twice (lf/bundlecheck.h opens sealed samples this way).
 * file() gets a reader over the file's bytes, the same bytes that are
 * hashed, and may read none, some or all of them: the source reads the
 * rest.  done() gets the file's size and digests once it is read.  Either
 * may be NULL; an error either returns stops the source with that error.
 */
struct lf_bagit_tap {
	int (*file)(void *arg, const char *path, size_t n,
	    struct lf_reader *content, struct lf_error *err);
	int (*done)(void *arg, const char *path, size_t n,
	    const struct lf_bagit_digests *d, struct lf_error *err);
	void *arg;
};

/*
 * lf_bagit_check_dir: validate the bag in directory dir: its tag files
 * read first (each at most limits.bag_tag_bytes), then every other file
 * hashed with only the algorithms the manifests use.  Symbolic links and
 * special files are never followed or opened (each an invalid finding).
 * tap (may be NULL) sees the hashed files, in the walk's order.
 * Returns LF_OK with a finished validator in *out (the caller frees it),
 * LF_E_IO when dir cannot be opened as a directory, or an error of the
 * calls above (*out untouched).
 */
int lf_bagit_check_dir(const char *dir, const struct lf_limits *limits,
    const struct lf_bagit_tap *tap, struct lf_bagit **out,
    struct lf_error *err);

/* The writer. */

/* A file the manifests list: payload ("data/...") or an extra tag file. */
/*
 * lf_bagit_check_tar: validate the bag in the tar archive read from in
 * (borrowed): one top directory holding the bag, read strictly (lf/tar.h)
 * and once, in whatever order its files come (a bundle's sorted order puts
 * the payload before its manifests).  Files that are not parsed tag files
 * are hashed with SHA-256 and SHA-512 as they pass (a bag whose manifests
 * use other algorithms gets findings for the entries left unchecked).
 * The files named in keep (paths relative to the bag, nkeep of them) are
 * also kept whole in kept[i], up to each buffer's cap (a larger one is
 * LF_E_LIMIT); tag files are refused past limits.bag_tag_bytes.  The top
 * directory's name goes to top.  tap (may be NULL) sees the hashed files
 * in the archive's order.  Returns LF_OK and the finished validator
 * in *out, LF_E_FORMAT when the archive is not one a bundle may be (the
 * message says why), or another error.
 */
struct lf_buf;
int lf_bagit_check_tar(struct lf_reader *in, const struct lf_limits *limits,
    const char *const *keep, struct lf_buf *kept, size_t nkeep,
    const struct lf_bagit_tap *tap, char top[LF_TAR_NAME_MAX + 1],
    struct lf_bagit **out, struct lf_error *err);

struct lf_bagit_entry {
	const char *path; /* relative to the bag, NUL-terminated */
	uint64_t size;
	uint8_t sha256[32];
	uint8_t sha512[64];
};

/* A bag-info.txt element, written in the order given. */
struct lf_bagit_info {
	const char *label; /* printable ASCII, no ":", no outer blanks */
	const char *value; /* UTF-8; a line break continues the value on
			      an indented line, never starts a new label */
};

/* One tag file the writer made. */
struct lf_bagit_out_file {
	char name[32]; /* "bagit.txt", "manifest-sha256.txt", ... */
	uint8_t *data; /* owned */
	size_t len;
};

#define LF_BAGIT_OUT_MAX 6

/* The tag files, in bytewise order of their names. */
struct lf_bagit_out {
	struct lf_bagit_out_file files[LF_BAGIT_OUT_MAX];
	size_t n;
};

/*
 * lf_bagit_write: the tag files of a BagIt 1.0 bag holding the payload
 * files in payload (npayload, paths under "data/", any order, no two the
 * same), with bag-info.txt holding info (ninfo elements, in that order)
 * then the Bag-Size and Payload-Oxum it computes.  Manifests and tag
 * manifests use SHA-256 and SHA-512.  extra (nextra, may be 0) are other
 * tag files the tag manifests list beside bagit.txt, bag-info.txt and
 * the manifests.  Paths must be printable ASCII without "\\" or "%",
 * relative, without empty, "." or ".." components, and not end in a space:
 * names every BagIt reader and sha256sum -c read the same.  Labels
 * Payload-Oxum and Bag-Size are the writer's own.
 * Returns LF_OK with *out filled (release it with lf_bagit_out_release),
 * LF_E_INVAL (the message names the path, label or value refused), or
 * LF_E_NOMEM; *out is untouched on error.
 */
int lf_bagit_write(const struct lf_bagit_entry *payload, size_t npayload,
    const struct lf_bagit_info *info, size_t ninfo,
    const struct lf_bagit_entry *extra, size_t nextra, struct lf_bagit_out *out,
    struct lf_error *err);

/* lf_bagit_out_release: free the files' data; *out is left empty. */
void lf_bagit_out_release(struct lf_bagit_out *out);

#endif
