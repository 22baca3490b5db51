/*
 * lf_limits.c: limit defaults and their parsing.
 */
#include <stddef.h>
#include <string.h>

#include "lf/limits.h"

#define KIB 1024ULL
#define MIB (1024ULL * 1024ULL)

static const struct lf_limit_def limit_defs[] = {
    {"walk-depth", offsetof(struct lf_limits, walk_depth), 256, 0, "levels",
        "directory levels followed below a named directory"},
    {"dir-entries", offsetof(struct lf_limits, dir_entries), 1048576, 1,
        "entries", "entries read from one directory"},
    {"list-line", offsetof(struct lf_limits, list_line), 64 * KIB, 256, "bytes",
        "length of one line of a known-hash list"},
    {"list-entries", offsetof(struct lf_limits, list_entries), 10000000, 1,
        "entries", "entries read from known-hash lists"},
    /* 1 MiB costs libmagic no more than 64 KiB and agrees with file(1). */
    {"magic-bytes", offsetof(struct lf_limits, magic_bytes), 1 * MIB, 16,
        "bytes", "leading bytes of each object given to libmagic"},
    {"header-bytes", offsetof(struct lf_limits, header_bytes), 1 * MIB, 1024,
        "bytes", "bytes kept of one header block; the rest is skipped"},
    {"header-fields", offsetof(struct lf_limits, header_fields), 10000, 16,
        "fields",
        "fields of one header block read one by one; the rest "
        "is read as one"},
    {"mime-depth", offsetof(struct lf_limits, mime_depth), 64, 1, "levels",
        "nesting of multiparts and attached messages"},
    /* Each part's record is a few KiB of report held until it is out. */
    {"mime-parts", offsetof(struct lf_limits, mime_parts), 10000, 1, "parts",
        "parts of one message; the rest stays in the last one"},
    {"mime-params", offsetof(struct lf_limits, mime_params), 64, 1,
        "parameters", "parameters of one header field"},
    /* The object, its content and OpenSSL's copy are all in memory. */
    {"smime-bytes", offsetof(struct lf_limits, smime_bytes), 8 * MIB, 0,
        "bytes",
        "S/MIME objects up to this size are opened to parse the "
        "message they sign"},
    /*
     * Containers (archives, Outlook .msg, TNEF): counted on the bytes
     * really produced, never on sizes a container declares.
     */
    {"container-depth", offsetof(struct lf_limits, container_depth), 8, 0,
        "levels", "containers opened inside containers (0: none opened)"},
    {"container-entries", offsetof(struct lf_limits, container_entries), 10000,
        1, "entries", "entries read from one container"},
    {"container-ratio", offsetof(struct lf_limits, container_ratio), 200, 1,
        "times", "bytes produced per byte of the container, past 1 MiB"},
    {"container-total", offsetof(struct lf_limits, container_total), 4096 * MIB,
        1, "bytes", "bytes produced by all the containers of one message"},
    {"container-size", offsetof(struct lf_limits, container_size), 2048 * MIB,
        0, "bytes", "objects up to this size are opened as containers"},
    /* Compressed RTF is decompressed whole: input and output in memory. */
    {"rtf-bytes", offsetof(struct lf_limits, rtf_bytes), 16 * MIB, 0, "bytes",
        "compressed RTF bodies up to this size are decompressed, to as "
        "many bytes"},
    /* A bag's manifests are read whole; its records hold paths and
       checksums, never contents. */
    {"bag-tag-bytes", offsetof(struct lf_limits, bag_tag_bytes), 64 * MIB, 1024,
        "bytes", "a BagIt manifest or other tag file read whole"},
    {"bag-index-bytes", offsetof(struct lf_limits, bag_index_bytes), 256 * MIB,
        1024, "bytes", "memory for a BagIt bag's paths and checksums"},
};

#define NDEFS (sizeof(limit_defs) / sizeof(limit_defs[0]))

static uint64_t *
limit_field(struct lf_limits *l, const struct lf_limit_def *d)
{
	return (uint64_t *)(void *)((char *)l + d->offset);
}

void
lf_limits_default(struct lf_limits *l)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < NDEFS; i++)
		*limit_field(l, &limit_defs[i]) = limit_defs[i].dflt;
}

const struct lf_limit_def *
lf_limits_table(size_t *n)
{
	*n = NDEFS;
	return limit_defs;
}

int
lf_parse_size(const char *s, uint64_t *out, struct lf_error *err)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return lf_error_set(err, LF_E_INVAL, "'%s' is not a number", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return lf_error_set(err, LF_E_INVAL,
			    "'%s' is too large", s);
		v = v * 10 + d;
	}
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = KIB;
		p++;
		break;
	case 'M':
		mult = MIB;
		p++;
		break;
	case 'G':
		mult = 1024 * MIB;
		p++;
		break;
	case 'T':
		mult = 1024 * 1024 * MIB;
		p++;
		break;
	default:
		break;
	}
	if (*p != '\0')
		return lf_error_set(err, LF_E_INVAL,
		    "'%s': unknown suffix (use k, M, G or T)", s);
	if (v > UINT64_MAX / mult)
		return lf_error_set(err, LF_E_INVAL, "'%s' is too large", s);
	*out = v * mult;
	return LF_OK;
}

int
lf_limits_set(struct lf_limits *l, const char *assignment, struct lf_error *err)
{
	const char *eq = strchr(assignment, '=');
	size_t i, nlen;
	uint64_t v;
	int rc;

	if (eq == NULL)
		return lf_error_set(err, LF_E_INVAL,
		    "'%s': expected NAME=VALUE", assignment);
	nlen = (size_t)(eq - assignment);
	for (i = 0; i < NDEFS; i++) {
		const struct lf_limit_def *d = &limit_defs[i];
		if (strlen(d->name) != nlen ||
		    memcmp(d->name, assignment, nlen) != 0)
			continue;
		if ((rc = lf_parse_size(eq + 1, &v, err)) != LF_OK) {
			lf_error_prefix(err, "limit %s", d->name);
			return rc;
		}
		if (v < d->min)
			return lf_error_set(err, LF_E_INVAL,
			    "limit %s: at least %llu %s", d->name,
			    (unsigned long long)d->min, d->unit);
		*limit_field(l, d) = v;
		return LF_OK;
	}
	return lf_error_set(err, LF_E_INVAL, "unknown limit '%.*s'",
	    (int)(nlen > 64 ? 64 : nlen), assignment);
}
