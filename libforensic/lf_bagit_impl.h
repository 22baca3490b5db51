/*
 * lf_bagit_impl.h: the BagIt validator's state, shared by lf_bagit.c (the
 * records and the verdict) and lf_bagitparse.c (the tag files).  Private
 * to the library.
 */
#ifndef LF_BAGIT_IMPL_H
#define LF_BAGIT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/bagit.h"

#define BLOCK_SIZE (256 * 1024) /* the records' blocks */
/* A file's bytes are read this much at a time: large reads keep the
 * SHA-512 helper thread (lf_bagithash.c) busy with few hand-overs. */
#define READ_SIZE (1024 * 1024)
#define PATH_MAX_BYTES 4096 /* longest path a manifest may name */
#define ENCODING_MAX 40
#define NPARSED 15 /* bagit, bag-info, fetch, 6 manifests, 6 tag manifests */

/* Record flags. */
#define R_DISK 0x01    /* given through _file or _tag */
#define R_PARSED 0x02  /* a parsed tag file */
#define R_FETCH 0x04   /* listed in fetch.txt */
#define R_TWIN_OK 0x08 /* absent, but a case/normalization twin matches */

enum dkind { K_ACTUAL, K_PAYLOAD, K_TAG };

struct dnode {
	struct dnode *next;
	uint32_t line; /* of the manifest; 0 for K_ACTUAL */
	uint8_t kind;  /* enum dkind */
	uint8_t alg;   /* enum lf_bagit_alg */
	uint8_t d[];   /* lf_bagit_alg_len(alg) bytes */
};

struct rec {
	char *path; /* NUL-terminated, in a block */
	uint32_t len;
	uint32_t flags;
	uint32_t fetch_line;
	uint64_t size;
	struct dnode *dig;
};

struct block {
	struct block *next;
	size_t used, size;
	uint8_t mem[];
};

struct pending {
	char *path;
	uint8_t *data;
	size_t n;
};

struct lf_bagit {
	struct lf_limits limits;
	uint64_t mem; /* bytes charged against bag_index_bytes */
	struct block *blocks;
	struct rec *recs;
	size_t nrecs, caprecs;
	uint32_t *slot; /* record index + 1, 0 when empty */
	size_t mask;
	struct lf_bagit_finding *f;
	size_t nf;
	uint64_t count[2];
	struct pending pend[NPARSED];
	size_t npend;
	bool seen_bagit;
	bool v1; /* BagIt 1.0 rules (else 0.97's) */
	bool data_dir;
	bool finished;
	char version[16];
	char encoding[ENCODING_MAX + 1];
	unsigned payload_algs, tag_algs; /* manifests given */
	bool oxum_set;
	uint64_t oxum_bytes, oxum_files;
	uint32_t oxum_line;
	uint64_t payload_files, payload_bytes, fetch_missing;
};

/* Name err's failure when it is for want of memory; returns rc. */
int lf_bagit_seterr(struct lf_error *err, int rc);

/* Charge n bytes against limits.bag_index_bytes: LF_OK or LF_E_LIMIT. */
int lf_bagit_charge(struct lf_bagit *v, size_t n, struct lf_error *err);

/* Record a finding (kept up to LF_BAGIT_FINDINGS_MAX): LF_OK or
   LF_E_NOMEM. */
int lf_bagit_finding(struct lf_bagit *v, enum lf_bagit_severity sev,
    const char *code, const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A path for a message: a bounded, NUL-free copy into buf. */
const char *lf_bagit_shown(const char *p, size_t n, char *buf, size_t cap);

/* The record of path p (n bytes), made when new. */
int lf_bagit_rec_get(struct lf_bagit *v, const char *p, size_t n,
    struct rec **out, struct lf_error *err);

/* Add a checksum of kind to r. */
int lf_bagit_add_digest(struct lf_bagit *v, struct rec *r, enum dkind kind,
    int alg, uint32_t line, const uint8_t *d, struct lf_error *err);

/* r's checksum of kind and alg, or NULL. */
struct dnode *
lf_bagit_find_digest(const struct rec *r, enum dkind kind, int alg);

/* True for a path under data/. */
bool lf_bagit_is_payload(const char *p, size_t n);

/* 0 bagit.txt, 1 bag-info.txt, 2 fetch.txt, 3+alg a manifest,
   3+LF_BAGIT_NALGS+alg a tag manifest, -1 another file. */
int lf_bagit_parsed_kind(const char *p, size_t n);

/* Parse bagit.txt (its findings made); LF_OK or LF_E_NOMEM. */
int lf_bagit_parse_bagit_txt(struct lf_bagit *v, const uint8_t *p, size_t n);

/* Decode and parse another parsed tag file; errors as lf_bagit_tag. */
int lf_bagit_parse_tag(struct lf_bagit *v, const char *path,
    const uint8_t *data, size_t size, struct lf_error *err);

/*
 * Hash the file path (n bytes) read from in to its end with h, also into
 * keep when not NULL, showing it to tap (may be NULL) as it passes, and
 * give it to the validator (lf_bagit_file).  chunk holds READ_SIZE
 * bytes.  Returns LF_OK or the first error.
 */
struct lf_buf;
int lf_bagit_stream(struct lf_bagit *v, const char *path, size_t n,
    struct lf_reader *in, struct lf_bagit_hash *h, struct lf_buf *keep,
    uint8_t *chunk, const struct lf_bagit_tap *tap, struct lf_error *err);

#endif
