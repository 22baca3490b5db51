/*
 * lf_bagitparse.c: the tag files of a BagIt bag read: bagit.txt exactly as
 * RFC 8493 2.1.1 has it, bag-info.txt, the manifests and fetch.txt, in
 * the character set bagit.txt names (iconv).  Each problem is a finding
 * naming the file and line; the checksums go to the validator's records.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/bagit.h"
#include "lf/text.h"
#include "lf_bagit_impl.h"

/* Lines. */

struct lines {
	const uint8_t *p;
	size_t n, off;
	uint32_t lineno;
};

/* The next line (CR, LF or CRLF ended, or the last one unended). */
static bool
next_line(struct lines *it, const uint8_t **line, size_t *len)
{
	size_t i;

	if (it->off >= it->n)
		return false;
	*line = it->p + it->off;
	for (i = it->off; i < it->n && it->p[i] != '\n' && it->p[i] != '\r';
	     i++)
		;
	*len = i - it->off;
	if (i < it->n && it->p[i] == '\r' && i + 1 < it->n &&
	    it->p[i + 1] == '\n')
		i++;
	it->off = i + 1;
	if (it->lineno < UINT32_MAX)
		it->lineno++;
	return true;
}

static bool
is_lws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Paths in manifests and fetch.txt. */

/* Decode %0A, %0D and %25 (RFC 8493 2.1.3), the only escapes there are. */
static size_t
percent_decode(const uint8_t *p, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n) {
			char a = p[i + 1], b = (char)(p[i + 2] | 0x20);
			if (a == '0' && b == 'a') {
				out[k++] = '\n';
				i += 2;
				continue;
			}
			if (a == '0' && b == 'd') {
				out[k++] = '\r';
				i += 2;
				continue;
			}
			if (a == '2' && b == '5') {
				out[k++] = '%';
				i += 2;
				continue;
			}
		}
		out[k++] = (char)p[i];
	}
	return k;
}

/*
 * Why a decoded path cannot be a file of the bag, or NULL; *code says
 * whether it points outside the bag or is only malformed.
 */
static const char *
path_problem(const char *p, size_t n, const char **code)
{
	size_t i, start;

	*code = "path.invalid";
	if (n == 0)
		return "an empty path";
	if (n > PATH_MAX_BYTES)
		return "a path longer than 4096 bytes";
	if (memchr(p, '\0', n) != NULL)
		return "a path holding a NUL byte";
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (i - start == 2 && p[start] == '.' && p[start + 1] == '.') {
			*code = "path.outside";
			return "a '..' component, outside the bag";
		}
		start = i + 1;
	}
	*code = "path.outside";
	if (p[0] == '/')
		return "an absolute path, outside the bag";
	if (p[0] == '~')
		return "a path starting with '~' (a home directory), outside "
		       "the bag";
	*code = "path.invalid";
	for (start = 0, i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (i - start == 1 && p[start] == '.')
			return "a '.' component inside the path";
		if (i == start)
			return "an empty component ('//' or a final '/')";
		start = i + 1;
	}
	return NULL;
}

/*
 * Take a path field of a manifest or fetch.txt: strip what the suite calls
 * warnings ("./", md5sum's "*"), decode, check.  Writes the path to buf
 * (PATH_MAX_BYTES + 1 bytes) and returns its length, or returns -1 after
 * a finding.
 */
static long
take_path(struct lf_bagit *v, const char *fname, uint32_t line,
    const uint8_t *p, size_t n, bool star_ok, char *buf, int *rcp)
{
	const char *why, *code;
	size_t len;
	char sh[128];

	if (star_ok && n > 1 && p[0] == '*') {
		*rcp = lf_bagit_finding(v, LF_BAGIT_WARNING, "manifest.star",
		    fname, line,
		    "'*' before the path (md5sum's binary mode) is not "
		    "BagIt; read as the path after it");
		if (*rcp != LF_OK)
			return -1;
		p++;
		n--;
	}
	if (n > 2 && p[0] == '.' && p[1] == '/') {
		*rcp = lf_bagit_finding(v, LF_BAGIT_WARNING, "path.dot-slash",
		    fname, line,
		    "path starts with './'; read as the path after it");
		if (*rcp != LF_OK)
			return -1;
		while (n > 2 && p[0] == '.' && p[1] == '/') {
			p += 2;
			n -= 2;
		}
	}
	if (n > PATH_MAX_BYTES) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "path.invalid",
		    fname, line, "a path longer than %d bytes", PATH_MAX_BYTES);
		return -1;
	}
	if (!lf_utf8_valid(p, n)) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "encoding.invalid",
		    fname, line, "the path is not valid UTF-8: %s",
		    lf_bagit_shown((const char *)p, n, sh, sizeof(sh)));
		return -1;
	}
	len = percent_decode(p, n, buf);
	buf[len] = '\0';
	if ((why = path_problem(buf, len, &code)) != NULL) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, code, fname, line,
		    "%s: %s", lf_bagit_shown(buf, len, sh, sizeof(sh)), why);
		return -1;
	}
	return (long)len;
}

/* bagit.txt (RFC 8493 2.1.1). */

/* Check "Label: value" exactly; returns the value or NULL after a finding. */
static const uint8_t *
bagit_field(struct lf_bagit *v, const uint8_t *l, size_t n, const char *label,
    uint32_t lineno, size_t *vlen, int *rcp)
{
	size_t ll = strlen(label), i;
	const uint8_t *colon = memchr(l, ':', n);

	if (colon == NULL) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.syntax",
		    "bagit.txt", lineno, "expected '%s: ...', found no colon",
		    label);
		return NULL;
	}
	i = (size_t)(colon - l);
	if (i > ll && memcmp(l, label, ll) == 0) {
		size_t k;
		for (k = ll; k < i && is_lws(l[k]); k++)
			;
		if (k == i) {
			*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "bagit.syntax", "bagit.txt", lineno,
			    "whitespace between '%s' and the colon", label);
			return NULL;
		}
	}
	if (i != ll || memcmp(l, label, ll) != 0) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.syntax",
		    "bagit.txt", lineno, "expected the label '%s'", label);
		return NULL;
	}
	if (n < ll + 2 || l[ll + 1] != ' ' || n == ll + 2 ||
	    is_lws(l[ll + 2])) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.syntax",
		    "bagit.txt", lineno, "expected '%s: ' and a value", label);
		return NULL;
	}
	if (is_lws(l[n - 1])) {
		*rcp = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.syntax",
		    "bagit.txt", lineno, "whitespace after the value of %s",
		    label);
		return NULL;
	}
	*vlen = n - ll - 2;
	return l + ll + 2;
}

static bool
valid_version(const uint8_t *p, size_t n, unsigned *major)
{
	size_t i = 0, a, b;
	unsigned m = 0;

	for (a = i; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		if (m < 1000)
			m = m * 10 + (unsigned)(p[i] - '0');
	if (i == a || i - a > 4 || i >= n || p[i] != '.')
		return false;
	for (b = ++i; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		;
	if (i == b || i - b > 4 || i != n)
		return false;
	*major = m;
	return true;
}

static bool
valid_encoding_name(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || n > ENCODING_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') ||
		        (p[i] >= 'a' && p[i] <= 'z') ||
		        (p[i] >= '0' && p[i] <= '9') || p[i] == '-' ||
		        p[i] == '_' || p[i] == '.' || p[i] == ':'))
			return false;
	return true;
}

int
lf_bagit_parse_bagit_txt(struct lf_bagit *v, const uint8_t *p, size_t n)
{
	static const char *const known[] = {"0.93", "0.94", "0.95", "0.96",
	    "0.97", "1.0"};
	struct lines it;
	const uint8_t *l, *val;
	size_t len, vlen, k;
	unsigned major = 1;
	int rc = LF_OK, nlines = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.bom",
		    "bagit.txt", 1,
		    "bagit.txt begins with a byte order mark, which RFC 8493 "
		    "2.1.1 forbids");
		p += 3;
		n -= 3;
	}
	if (memchr(p, '\0', n) != NULL || !lf_utf8_valid(p, n))
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.syntax",
		    "bagit.txt", 0, "bagit.txt is not UTF-8 text");
	it = (struct lines){p, n, 0, 0};
	while (rc == LF_OK && next_line(&it, &l, &len)) {
		nlines++;
		if (nlines == 1) {
			val = bagit_field(v, l, len, "BagIt-Version", it.lineno,
			    &vlen, &rc);
			if (val == NULL)
				continue;
			if (!valid_version(val, vlen, &major)) {
				rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
				    "bagit.version", "bagit.txt", it.lineno,
				    "BagIt-Version is not of the form M.N");
				continue;
			}
			memcpy(v->version, val, vlen);
			v->version[vlen] = '\0';
			v->v1 = major >= 1;
			for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
				if (strcmp(v->version, known[k]) == 0)
					break;
			if (k == sizeof(known) / sizeof(known[0]))
				rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
				    "bagit.version", "bagit.txt", it.lineno,
				    "BagIt-Version %s is not one this validator "
				    "knows; checked by the rules of %s",
				    v->version, v->v1 ? "1.0" : "0.97");
		} else if (nlines == 2) {
			val = bagit_field(v, l, len,
			    "Tag-File-Character-Encoding", it.lineno, &vlen,
			    &rc);
			if (val == NULL)
				continue;
			if (!valid_encoding_name(val, vlen)) {
				rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
				    "bagit.encoding", "bagit.txt", it.lineno,
				    "Tag-File-Character-Encoding is not a "
				    "character set name");
				continue;
			}
			memcpy(v->encoding, val, vlen);
			v->encoding[vlen] = '\0';
		} else {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "bagit.syntax", "bagit.txt", it.lineno,
			    "bagit.txt holds more than its two lines");
			break;
		}
	}
	if (rc == LF_OK && nlines < 2)
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.encoding",
		    "bagit.txt", (uint64_t)nlines + 1,
		    nlines == 0 ? "bagit.txt is empty" :
		                  "no Tag-File-Character-Encoding line");
	return rc;
}

/* Decoding the other tag files. */

static bool
is_utf8_name(const char *e)
{
	return e[0] == '\0' || strcasecmp(e, "UTF-8") == 0 ||
	    strcasecmp(e, "UTF8") == 0;
}

/*
 * The tag file p[0..n) as UTF-8 in *out (malloc'd, or p itself: *owned
 * says which).  Returns LF_OK with *out NULL after a finding (the file
 * cannot be read), or LF_E_NOMEM / LF_E_LIMIT.
 */
static int
decode_tag(struct lf_bagit *v, const char *fname, const uint8_t *p, size_t n,
    const uint8_t **out, size_t *outlen, bool *owned, struct lf_error *err)
{
	iconv_t cd;
	char *in, *o, *buf;
	size_t inleft, oleft, cap;
	int rc;

	*out = NULL;
	*owned = false;
	if (is_utf8_name(v->encoding)) {
		if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			if ((rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
			         "encoding.bom", fname, 1,
			         "begins with a UTF-8 byte order mark; read "
			         "past it")) != LF_OK)
				return lf_bagit_seterr(err, rc);
			p += 3;
			n -= 3;
		}
		*out = p;
		*outlen = n;
		return LF_OK;
	}
	if ((cd = iconv_open("UTF-8", v->encoding)) == (iconv_t)-1) {
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "bagit.encoding",
		    fname, 0,
		    "cannot read: bagit.txt names the character set '%s', "
		    "which this system does not know",
		    v->encoding);
		return rc == LF_OK ? LF_OK : lf_bagit_seterr(err, rc);
	}
	if (n > (SIZE_MAX - 16) / 4) {
		iconv_close(cd);
		return lf_error_set(err, LF_E_LIMIT, "%s: too large", fname);
	}
	cap = n * 4 + 16; /* UTF-8 is at most 4 bytes a character */
	if ((rc = lf_bagit_charge(v, cap, err)) != LF_OK) {
		iconv_close(cd);
		return rc;
	}
	if ((buf = malloc(cap)) == NULL) {
		v->mem -= cap;
		iconv_close(cd);
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	}
	in = (char *)(uintptr_t)p;
	inleft = n;
	o = buf;
	oleft = cap;
	if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &oleft) == (size_t)-1) {
		int e = errno;
		iconv_close(cd);
		free(buf);
		v->mem -= cap;
		rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "encoding.invalid",
		    fname, 0, "not valid %s (byte %zu): %s", v->encoding,
		    n - inleft,
		    e == EINVAL ? "truncated sequence" : "invalid sequence");
		return rc == LF_OK ? LF_OK : lf_bagit_seterr(err, rc);
	}
	iconv_close(cd);
	*out = (const uint8_t *)buf;
	*outlen = cap - oleft;
	*owned = true;
	return LF_OK;
}

/* bag-info.txt (RFC 8493 2.2.2). */

static int
parse_oxum(struct lf_bagit *v, const uint8_t *val, size_t n, uint32_t line)
{
	uint64_t a = 0, b = 0, *x = &a;
	size_t i, digits = 0;
	bool dot = false;

	while (n > 0 && is_lws(val[n - 1]))
		n--;
	for (i = 0; i < n; i++) {
		if (val[i] == '.' && !dot && digits > 0) {
			dot = true;
			x = &b;
			digits = 0;
			continue;
		}
		if (val[i] < '0' || val[i] > '9' || *x > UINT64_MAX / 10 - 1)
			break;
		*x = *x * 10 + (uint64_t)(val[i] - '0');
		digits++;
	}
	if (i != n || !dot || digits == 0)
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "baginfo.oxum",
		    "bag-info.txt", line,
		    "Payload-Oxum is not OctetCount.StreamCount");
	if (v->oxum_set) {
		if (a != v->oxum_bytes || b != v->oxum_files)
			return lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "baginfo.oxum", "bag-info.txt", line,
			    "a second Payload-Oxum, different from line %u",
			    v->oxum_line);
		return lf_bagit_finding(v, LF_BAGIT_WARNING, "baginfo.oxum",
		    "bag-info.txt", line, "Payload-Oxum given twice");
	}
	v->oxum_set = true;
	v->oxum_bytes = a;
	v->oxum_files = b;
	v->oxum_line = line;
	return LF_OK;
}

static int
parse_baginfo(struct lf_bagit *v, const uint8_t *p, size_t n)
{
	struct lines it = {p, n, 0, 0};
	const uint8_t *l, *colon;
	size_t len, ll;
	bool have_label = false;
	int rc = LF_OK;

	while (rc == LF_OK && next_line(&it, &l, &len)) {
		if (len == 0)
			continue;
		if (memchr(l, '\0', len) != NULL || !lf_utf8_valid(l, len)) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "encoding.invalid", "bag-info.txt", it.lineno,
			    "not valid UTF-8 text (or a NUL byte)");
			continue;
		}
		if (is_lws(l[0])) {
			if (!have_label)
				rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
				    "baginfo.syntax", "bag-info.txt", it.lineno,
				    "a continuation line with no element "
				    "before it");
			continue;
		}
		if ((colon = memchr(l, ':', len)) == NULL) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "baginfo.syntax", "bag-info.txt", it.lineno,
			    "not 'Label: value' (no colon)");
			continue;
		}
		have_label = true;
		ll = (size_t)(colon - l);
		if (ll == 0) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "baginfo.syntax", "bag-info.txt", it.lineno,
			    "an empty label");
			continue;
		}
		if (v->v1 && is_lws(l[ll - 1]))
			rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
			    "baginfo.syntax", "bag-info.txt", it.lineno,
			    "whitespace before the colon (RFC 8493 2.2.2)");
		else if (v->v1 && (ll + 1 == len || !is_lws(colon[1])))
			rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
			    "baginfo.syntax", "bag-info.txt", it.lineno,
			    "no space after the colon (RFC 8493 2.2.2)");
		while (ll > 0 && is_lws(l[ll - 1]))
			ll--;
		if (rc == LF_OK && ll == 12 &&
		    strncasecmp((const char *)l, "Payload-Oxum", 12) == 0) {
			const uint8_t *val = colon + 1;
			size_t vlen = len - (size_t)(val - l);
			while (vlen > 0 && is_lws(*val)) {
				val++;
				vlen--;
			}
			rc = parse_oxum(v, val, vlen, it.lineno);
		}
	}
	return rc;
}

/* Manifests (RFC 8493 2.1.3, 2.2.1). */

static int
manifest_line(struct lf_bagit *v, bool tag, int alg, const char *fname,
    const uint8_t *l, size_t len, uint32_t lineno, char *pathbuf,
    struct lf_error *err)
{
	uint8_t dig[LF_BAGIT_DIGEST_MAX];
	size_t hl, i;
	long plen;
	struct rec *r;
	struct dnode *old;
	char sh[128];
	int rc = LF_OK;

	for (hl = 0; hl < len && !is_lws(l[hl]); hl++)
		;
	for (i = hl; i < len && is_lws(l[i]); i++)
		;
	if (hl == len || i == len)
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "manifest.syntax",
		    fname, lineno, "not 'checksum path'");
	if (hl != lf_bagit_alg_len(alg) * 2 ||
	    lf_hex_decode((const char *)l, hl, dig, sizeof(dig)) !=
	        (long)lf_bagit_alg_len(alg))
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "manifest.syntax",
		    fname, lineno, "'%s' is not a %s checksum (%zu hex digits)",
		    lf_bagit_shown((const char *)l, hl, sh, 80),
		    lf_bagit_alg_name(alg), lf_bagit_alg_len(alg) * 2);
	if ((plen = take_path(v, fname, lineno, l + i, len - i, true, pathbuf,
	         &rc)) < 0 ||
	    rc != LF_OK)
		return rc;
	if (!tag && !lf_bagit_is_payload(pathbuf, (size_t)plen))
		return lf_bagit_finding(v, LF_BAGIT_INVALID,
		    "manifest.outside-payload", fname, lineno,
		    "%s: a payload manifest lists a file outside data/",
		    lf_bagit_shown(pathbuf, (size_t)plen, sh, sizeof(sh)));
	if (tag && strcmp(pathbuf, fname) == 0)
		return lf_bagit_finding(v, LF_BAGIT_INVALID, "manifest.self",
		    fname, lineno, "a tag manifest cannot list itself");
	if (tag && lf_bagit_is_payload(pathbuf, (size_t)plen) &&
	    (rc = lf_bagit_finding(v, LF_BAGIT_WARNING,
	         "manifest.payload-in-tag", fname, lineno,
	         "%s: a tag manifest lists a payload file",
	         lf_bagit_shown(pathbuf, (size_t)plen, sh, sizeof(sh)))) !=
	        LF_OK)
		return rc;
	if ((rc = lf_bagit_rec_get(v, pathbuf, (size_t)plen, &r, err)) != LF_OK)
		return rc;
	if ((old = lf_bagit_find_digest(r, tag ? K_TAG : K_PAYLOAD, alg)) !=
	    NULL) {
		if (memcmp(old->d, dig, lf_bagit_alg_len(alg)) != 0)
			return lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "manifest.duplicate", fname, lineno,
			    "%s: listed again (line %u) with another checksum",
			    lf_bagit_shown(pathbuf, (size_t)plen, sh,
			        sizeof(sh)),
			    old->line);
		return lf_bagit_finding(v,
		    v->v1 ? LF_BAGIT_INVALID : LF_BAGIT_WARNING,
		    "manifest.duplicate", fname, lineno,
		    "%s: listed again (line %u)%s",
		    lf_bagit_shown(pathbuf, (size_t)plen, sh, sizeof(sh)),
		    old->line, v->v1 ? "" : ", with the same checksum");
	}
	return lf_bagit_add_digest(v, r, tag ? K_TAG : K_PAYLOAD, alg, lineno,
	    dig, err);
}

static int
parse_manifest(struct lf_bagit *v, bool tag, int alg, const char *fname,
    const uint8_t *p, size_t n, struct lf_error *err)
{
	struct lines it = {p, n, 0, 0};
	const uint8_t *l;
	size_t len;
	char *pathbuf;
	int rc = LF_OK;

	if ((pathbuf = malloc(PATH_MAX_BYTES + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	while (rc == LF_OK && next_line(&it, &l, &len)) {
		size_t k;
		for (k = 0; k < len && is_lws(l[k]); k++)
			;
		if (k == len)
			continue;
		rc = manifest_line(v, tag, alg, fname, l, len, it.lineno,
		    pathbuf, err);
	}
	free(pathbuf);
	if (rc != LF_OK)
		(void)lf_bagit_seterr(err, rc);
	return rc;
}

/* fetch.txt (RFC 8493 2.2.3). */

/* A length field: digits, or "-" for unknown. */
static bool
fetch_length(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 1 && p[0] == '-')
		return true;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return n > 0;
}

static int
parse_fetch(struct lf_bagit *v, const uint8_t *p, size_t n,
    struct lf_error *err)
{
	struct lines it = {p, n, 0, 0};
	const uint8_t *l;
	size_t len, i, a, b;
	char *pathbuf;
	long plen;
	struct rec *r;
	char sh[128];
	int rc = LF_OK;

	if ((pathbuf = malloc(PATH_MAX_BYTES + 1)) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "out of memory");
	while (rc == LF_OK && next_line(&it, &l, &len)) {
		for (i = 0; i < len && is_lws(l[i]); i++)
			;
		if (i == len)
			continue;
		for (i = 0; i < len && !is_lws(l[i]); i++)
			;
		for (; i < len && is_lws(l[i]); i++)
			;
		for (a = i; i < len && !is_lws(l[i]); i++)
			;
		for (b = i; i < len && is_lws(l[i]); i++)
			;
		if (i == len || b == a || !fetch_length(l + a, b - a)) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID,
			    "fetch.syntax", "fetch.txt", it.lineno,
			    "not 'url length path'");
			continue;
		}
		if ((plen = take_path(v, "fetch.txt", it.lineno, l + i, len - i,
		         false, pathbuf, &rc)) < 0 ||
		    rc != LF_OK)
			continue;
		if (!lf_bagit_is_payload(pathbuf, (size_t)plen)) {
			rc = lf_bagit_finding(v, LF_BAGIT_INVALID, "fetch.path",
			    "fetch.txt", it.lineno,
			    "%s: fetch.txt names a file outside data/",
			    lf_bagit_shown(pathbuf, (size_t)plen, sh,
			        sizeof(sh)));
			continue;
		}
		if ((rc = lf_bagit_rec_get(v, pathbuf, (size_t)plen, &r,
		         err)) != LF_OK)
			break;
		r->flags |= R_FETCH;
		r->fetch_line = it.lineno;
	}
	free(pathbuf);
	if (rc != LF_OK)
		(void)lf_bagit_seterr(err, rc);
	return rc;
}

int
lf_bagit_parse_tag(struct lf_bagit *v, const char *path, const uint8_t *data,
    size_t size, struct lf_error *err)
{
	int kind = lf_bagit_parsed_kind(path, strlen(path)), rc;
	const uint8_t *text;
	size_t len;
	bool owned;

	if ((rc = decode_tag(v, path, data, size, &text, &len, &owned, err)) !=
	        LF_OK ||
	    text == NULL)
		return rc;
	if (kind == 1)
		rc = parse_baginfo(v, text, len);
	else if (kind == 2)
		rc = parse_fetch(v, text, len, err);
	else
		rc = parse_manifest(v, kind >= 3 + LF_BAGIT_NALGS,
		    (kind - 3) % LF_BAGIT_NALGS, path, text, len, err);
	if (owned) {
		free((void *)(uintptr_t)text);
		v->mem -= size * 4 + 16;
	}
	if (rc != LF_OK)
		(void)lf_bagit_seterr(err, rc);
	return rc;
}
