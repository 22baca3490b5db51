/*
 * tests/fuzz/fuzz_bundlecheck.c: an evidence bundle's manifest, and a
 * sealed file it names, from hostile bytes.
 *
 * The input is data/manifest.json, then optionally a NUL byte and the
 * bytes of a sealed zip.  The manifest is given to a deep checker with a
 * profile; the zip is shown to its tap as the first sealed file the
 * manifest names (or as data/samples/x.zip when it names none), then the
 * manifest file itself passes with its own digests, and the check ends.
 *
 * Properties: every call returns LF_OK or LF_E_NOMEM; the counts agree
 * with the findings kept; a manifest the checker takes has samples and
 * messages it can count, and opened files are never more than the zip
 * given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lf/bundlecheck.h"
#include "lf/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first sealed file the manifest names, for the tap to be shown. */
static void
first_sealed(const uint8_t *p, size_t n, char *out, size_t cap)
{
	json_t *doc = json_loadb((const char *)p, n, 0, NULL);
	const char *s = json_string_value(json_object_get(
	    json_object_get(json_array_get(json_object_get(doc, "samples"), 0),
	        "sealed"),
	    "file"));

	(void)snprintf(out, cap, "%s", s != NULL ? s : "data/samples/x.zip");
	json_decref(doc);
}

static void
check(int rc)
{
	if (rc != LF_OK && rc != LF_E_NOMEM)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t mlen = nul != NULL ? (size_t)(nul - data) : size;
	const uint8_t *zip = nul != NULL ? nul + 1 : NULL;
	size_t zlen = nul != NULL ? size - mlen - 1 : 0;
	struct lf_upload_profile prof;
	struct lf_bundlecheck_opts o;
	struct lf_bundlecheck_summary sum;
	struct lf_bundlecheck *c;
	struct lf_bagit_digests d;
	struct lf_bagit_hash *h;
	struct lf_bagit_tap tap;
	struct lf_reader *r;
	struct lf_error err;
	const struct lf_bagit_finding *f;
	char path[512], password[] = "infected";
	uint8_t fpr[32] = {0};
	size_t nf, i;
	uint64_t kept[2] = {0, 0};

	memset(&prof, 0, sizeof(prof));
	memcpy(prof.name, "fuzz", 5);
	prof.password = password;
	prof.sample_limit = 1000;
	prof.seal = LF_UPLOAD_ZIP_AES256;
	prof.cms = LF_UPLOAD_CMS_OPTIONAL;
	memset(&o, 0, sizeof(o));
	o.deep = true;
	o.profile = &prof;
	if (lf_bundlecheck_new(&o, &c, &err) != LF_OK)
		return 0;
	lf_bundlecheck_tap(c, &tap);
	check(lf_bundlecheck_manifest(c, data, mlen, &err));
	first_sealed(data, mlen, path, sizeof(path));
	if (zip != NULL && lf_reader_from_mem(zip, zlen, &r, &err) == LF_OK) {
		int rc = tap.file(tap.arg, path, strlen(path), r, &err);
		/* A zip the tap stopped reading is still hashed whole. */
		lf_reader_free(r);
		check(rc);
		if (lf_bagit_hash_new(LF_BAGIT_BIT(LF_BAGIT_SHA256), &h,
		        &err) == LF_OK) {
			if (lf_bagit_hash_update(h, zip, zlen, &err) == LF_OK &&
			    lf_bagit_hash_final(h, &d, &err) == LF_OK)
				check(tap.done(tap.arg, path, strlen(path), &d,
				    &err));
			lf_bagit_hash_free(h);
		}
	}
	check(lf_bundlecheck_finish(c, "lfb-x", fpr, &err));
	f = lf_bundlecheck_findings(c, &nf);
	for (i = 0; i < nf; i++)
		kept[f[i].severity]++;
	if (kept[0] > lf_bundlecheck_count(c, LF_BAGIT_WARNING) ||
	    kept[1] > lf_bundlecheck_count(c, LF_BAGIT_INVALID))
		abort();
	lf_bundlecheck_get_summary(c, &sum);
	if (sum.opened > 1 || sum.eligible > sum.samples)
		abort();
	lf_bundlecheck_free(c);
	return 0;
}
