/*
 * lf/bundlecheck.h: the checks of an evidence bundle beyond its bag
 * (docs/bundle-format.md, section 6, steps 5 to 7): data/manifest.json
 * against the bag, each sealed file opened (deep), and each sample's
 * eligibility for an upload profile.
 *
 * The checker rides on a bag source (lf_bagit_check_tar or _dir) as its
 * tap, so that the bundle is read once: the manifest is parsed when it
 * passes (a bundle's sorted order puts it before the sealed files) or is
 * given beforehand (lf_bundlecheck_manifest, for a directory, whose order
 * is the walk's); each payload file is matched to the manifest as it
 * passes, and with deep each sealed zip is opened from the stream with
 * the password the manifest gives, its one entry hashed in memory and
 * never written anywhere.  A CMS layer needs the recipient's private key,
 * which a verifier does not hold: such files are counted, not opened.
 *
 * What the bundle gets wrong is a finding, in the bag's form (struct
 * lf_bagit_finding): LF_BAGIT_INVALID makes the bundle invalid.
 */
#ifndef LF_BUNDLECHECK_H
#define LF_BUNDLECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lf/bagit.h"
#include "lf/error.h"
#include "lf/limits.h"
#include "lf/upload.h"

#define LF_BUNDLE_MANIFEST "data/manifest.json"

struct lf_bundlecheck_opts {
	bool deep; /* open each sealed zip and check its entry */
	/* judge each sample the manifest calls eligible against this
	   profile (borrowed); NULL: no eligibility check */
	const struct lf_upload_profile *profile;
	/* limits.bag_tag_bytes bounds the manifest; NULL: the defaults */
	const struct lf_limits *limits;
};

/* What the checks saw, after _finish. */
struct lf_bundlecheck_summary {
	bool manifest;       /* data/manifest.json was read and parsed */
	uint64_t samples;    /* samples the manifest lists */
	uint64_t messages;   /* messages the manifest lists */
	uint64_t eligible;   /* samples it calls eligible */
	uint64_t opened;     /* sealed files opened and matched (deep) */
	uint64_t not_opened; /* sealed files with a CMS layer (deep) */
	char profile[LF_UPLOAD_NAME_MAX + 1]; /* the manifest's profile */
};

struct lf_bundlecheck;

/*
 * lf_bundlecheck_new: a checker.  o and what it points to are borrowed
 * until _free.  Returns LF_OK and the checker in *out, or LF_E_NOMEM.
 */
int lf_bundlecheck_new(const struct lf_bundlecheck_opts *o,
    struct lf_bundlecheck **out, struct lf_error *err);

/* lf_bundlecheck_free: NULL is allowed. */
void lf_bundlecheck_free(struct lf_bundlecheck *c);

/*
 * lf_bundlecheck_manifest: data/manifest.json's n bytes at p (borrowed
 * for the call), given before the bag's files pass; the tap then checks
 * that the file it sees has these bytes.  Problems of the manifest are
 * findings.  Returns LF_OK or LF_E_NOMEM.
 */
int lf_bundlecheck_manifest(struct lf_bundlecheck *c, const uint8_t *p,
    size_t n, struct lf_error *err);

/* lf_bundlecheck_tap: the tap to give the bag source. */
void lf_bundlecheck_tap(struct lf_bundlecheck *c, struct lf_bagit_tap *tap);

/*
 * lf_bundlecheck_finish: decide, once the source is done: every sealed
 * file the manifest names was there with its size and SHA-256; the
 * manifest's bundle id is top (the tar's top directory; NULL or "" for a
 * directory, whose name proves nothing); its signer is the key whose
 * fingerprint signer_fpr gives (NULL: the signature was not checked good,
 * so there is nothing to compare with); and, with a profile, every sample
 * called eligible is.  Returns LF_OK or LF_E_NOMEM.
 */
int lf_bundlecheck_finish(struct lf_bundlecheck *c, const char *top,
    const uint8_t *signer_fpr, struct lf_error *err);

/*
 * lf_bundlecheck_findings: as lf_bagit_findings; lf_bundlecheck_count:
 * how many of severity sev were made, kept or not.
 */
const struct lf_bagit_finding *
lf_bundlecheck_findings(const struct lf_bundlecheck *c, size_t *n);
uint64_t lf_bundlecheck_count(const struct lf_bundlecheck *c,
    enum lf_bagit_severity sev);

void lf_bundlecheck_get_summary(const struct lf_bundlecheck *c,
    struct lf_bundlecheck_summary *out);

#endif
