/*
 * lf_mime.c: the streaming MIME parser.
 *
 * A stack of frames follows the nesting: each frame is an entity (the
 * message, a part, an attached message) reading its headers, then its
 * body as a multipart, an attached message, or a leaf.  Input is read in
 * lines only where lines matter: header blocks, and the start of each body
 * line while some multipart is open, to see whether it is a boundary.
 * The rest of a body line goes to the leaf's decoder as it comes, so a
 * 10 MiB line costs no memory.  The line end before a boundary belongs to
 * the boundary (RFC 2046 5.1.1), so a body line's end is held until the
 * next line is known not to be one.
 *
 * Decisions where readers differ, each reported as an anomaly:
 * - Two Content-Type fields: the multipart one wins if there is one (it
 *   shows more: Python's email takes the first and hides the parts), else
 *   the first.
 * - A line that starts with "--" and a boundary is that boundary's
 *   delimiter whatever follows (RFC 2046 5.1.1: "it is sufficient that the
 *   boundary appear in its entirety"); a line that is exactly a boundary
 *   wins over one that only starts with another, so boundaries that are
 *   prefixes of each other work.  A delimiter of an outer multipart ends
 *   the inner ones.
 * - Parts after the close delimiter are parsed (a known way to hide an
 *   attachment from one reader and show it in another).
 * - A message/rfc822 part in base64 or quoted-printable (RFC 2046 5.2.1
 *   forbids it) is a leaf whose decoded content a parser of its own takes
 *   apart below it; so is the message an opaque S/MIME signature wraps.
 *   Offsets there count the decoded content.
 * - A header line without a colon ends the header block; the line is
 *   body (Python does the same), so no byte vanishes into a header.  A
 *   From_ line before a message's first field is the mbox's.
 *
 * An attached message is one part: its content is its raw bytes, handed
 * on as the parser attributes them (content, header lines, delimiters of
 * multiparts inside it); the message inside is parsed in a frame of its
 * own that the part stands for ("silent": no events of its own).
 *
 * Anomalies (codes are stable):
 *   header.no-colon            medium  a header line without a colon
 *   header.bad-name            medium  a field name with bytes a name
 *                                      cannot hold
 *   header.leading-continuation low    a folded line before any field
 *   header.too-long            medium  header block or line past
 *                                      header-bytes
 *   header.duplicate           low     a MIME field given twice
 *   header.duplicate-content-type high two Content-Type fields
 *   header.unix-from           info    a "From " line before the headers
 *   header.nul                 medium  a NUL byte in a header block
 *   mime.truncated-headers     low     the input ended in a header block
 *   mime.no-boundary           medium  a multipart without a boundary
 *   mime.long-boundary         low     a boundary over 70 characters
 *   mime.boundary-suffix       low     text after a delimiter on its line
 *   mime.missing-close-boundary low    a multipart never closed
 *   mime.part-after-close      high    a part after the close delimiter
 *   mime.encoded-multipart     low     a multipart with base64 or QP
 *   mime.encoded-message       medium  a message/rfc822 with base64/QP
 *   mime.unknown-encoding      medium  a transfer encoding we do not know
 *   mime.too-deep              medium  nesting past mime-depth
 *   mime.too-many-parts        medium  parts past mime-parts
 *   mime.message-partial       info    a message/partial fragment
 *   mime.no-type               low     Content-Type without type/subtype
 *   smime.signed-data          info    an opaque signature, opened
 *   smime.encrypted            info    an encrypted object, kept whole
 *   smime.not-opened           info    another CMS content type
 *   smime.unreadable           medium  not a CMS object
 *   smime.too-large            low     past smime-bytes: not opened
 * and those of the decoders (lf/codec.h) and parameter parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lf/mime.h"
#include "lf/smime.h"
#include "lf_embedded.h"

/* Blanks after a boundary held while the line may still be one. */
#define BOUNDARY_BLANKS_MAX 512
#define HOLD_MAX 4096 /* blank preamble held before it counts */
/*
 * Frames and decoders (4 KiB and more each) kept for reuse: every such
 * allocation would have malloc tidy its lists of small free blocks.
 */
#define SPARE_FRAMES 8
#define SPARE_DECODERS 6 /* one per codec */

enum role {
	ROLE_UNDECIDED, /* still reading headers */
	ROLE_MULTIPART,
	ROLE_MESSAGE, /* message/rfc822: an encapsulated message follows */
	ROLE_LEAF,
};

enum mp_phase { MP_PREAMBLE, MP_IN_PART, MP_EPILOGUE };

struct frame {
	struct lf_mime_part part; /* the entity */
	bool in_headers;
	bool is_message; /* the top level, or attached */
	bool silent;     /* a message its part stands for: no
					begin or end of its own */
	enum role role;
	bool raw_open; /* its raw part (raw_part()) has begun */

	/* Header block. */
	struct lf_buf field; /* the field being read, folded */
	uint64_t field_offset;
	bool any_field;
	bool field_cut; /* ... past header-bytes */
	struct lf_buf ctype_raw, cte_raw, disp_raw;
	uint64_t ctype_at, disp_at; /* where their values start */
	int nctype, ncte, ndisp;

	/* Multipart. */
	uint8_t *boundary; /* as long as declared: header-bytes bound it */
	size_t blen;
	enum mp_phase mp;
	unsigned nchildren;
	struct lf_mime_part special; /* preamble or epilogue */
	bool special_open;
	uint64_t special_from;  /* where the preamble/epilogue starts */
	uint8_t hold[HOLD_MAX]; /* blank text before it counts */
	size_t nhold;

	/* Leaf. */
	struct lf_mime_part leaf; /* a message's body; else unused */
	struct lf_decoder *dec;
	struct lf_embedded *scan;   /* text: blocks pasted in it */
	struct lf_mime_part emb;    /* the block being decoded */
	unsigned nemb[3];           /* blocks found, per codec */
	struct lf_mime_parser *sub; /* the decoded content, parsed as a
				       message (an encoded message/rfc822) */
	bool smime;                 /* application/pkcs7-mime: ... */
	struct lf_buf der;          /* ... its decoded bytes, to open */
};

enum line_state {
	L_START,   /* at the start of a body line */
	L_COLLECT, /* gathering a line that may be a boundary line */
	L_STREAM,  /* passing on the rest of a line that is not one */
	L_SKIP,    /* the rest of a boundary line too long to gather */
};

struct lf_mime_parser {
	const struct lf_limits *lim;
	struct lf_mime_handler h;
	void *arg;
	struct frame **stack;
	size_t nframes;
	size_t cap;
	uint64_t offset; /* message bytes consumed */
	enum line_state ls;
	uint8_t *line; /* the start of a body line, while it may be a
			  boundary line: up to line_cap bytes */
	size_t llen;
	size_t line_cap;
	struct lf_buf hline; /* a header line, up to header-bytes */
	bool hline_over;     /* ... and the rest of it skipped */
	uint64_t line_offset;
	uint8_t held[2]; /* the previous body line's end */
	size_t nheld;
	bool held_sep;       /* ... of a close delimiter: not content */
	bool pending_cr;     /* a CR at the end of a piece, maybe a line end */
	size_t skip_scope;   /* L_SKIP: frames the boundary line is in */
	uint64_t skip_from;  /* ... and where what follows it was begun */
	uint64_t attributed; /* message bytes handed to their parts */
	unsigned nraw;       /* raw parts open */
	uint64_t own_parts;
	uint64_t *parts; /* of the whole message: the outermost's */
	bool reported_parts;
	int stopped;
	struct lf_error err;
	struct frame *spare[SPARE_FRAMES];
	size_t nspare;
	struct lf_decoder *spare_dec[SPARE_DECODERS]; /* by codec */
};

static struct frame *
top(struct lf_mime_parser *mp)
{
	return mp->nframes > 0 ? mp->stack[mp->nframes - 1] : NULL;
}

static void
report(struct lf_mime_parser *mp, const struct lf_mime_part *part,
    const char *code, enum lf_severity sev, uint64_t offset, const char *detail)
{
	struct lf_anomaly a = {code, sev, offset, detail};

	if (mp->h.anomaly != NULL)
		mp->h.anomaly(mp->arg, part, &a);
}

/* Anomalies from the parameter parser: offsets are within the field. */
struct field_ctx {
	struct lf_mime_parser *mp;
	const struct lf_mime_part *part;
	uint64_t base;
	bool bad_type; /* the type itself was malformed */
};

static void
field_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct field_ctx *c = arg;

	if (strcmp(a->code, "param.bad-type") == 0 ||
	    strcmp(a->code, "param.missing-type") == 0 ||
	    strcmp(a->code, "param.missing-subtype") == 0)
		c->bad_type = true;
	report(c->mp, c->part, a->code, a->severity, c->base + a->offset,
	    a->detail);
}

static int
stop(struct lf_mime_parser *mp, int rc)
{
	if (rc != 0 && mp->stopped == 0)
		mp->stopped = rc;
	return rc;
}

/*
 * parent + sep + what, into out.  Paths cannot outgrow out: nesting stops
 * at mime-depth, far below; a path that would is cut, never overrun.
 */
static void
join_path(char out[LF_MIME_PATH_MAX], const char *parent, char sep,
    const char *what)
{
	size_t plen = strlen(parent), wlen = strlen(what), n = 0;

	if (plen > 0) {
		if (plen > LF_MIME_PATH_MAX - 2)
			plen = LF_MIME_PATH_MAX - 2;
		memmove(out, parent, plen);
		out[plen] = sep;
		n = plen + 1;
	}
	if (wlen > LF_MIME_PATH_MAX - 1 - n)
		wlen = LF_MIME_PATH_MAX - 1 - n;
	memcpy(out + n, what, wlen);
	out[n + wlen] = '\0';
}

static void
child_path(char out[LF_MIME_PATH_MAX], const char *parent, unsigned n)
{
	char num[16];

	(void)snprintf(num, sizeof(num), "%u", n);
	join_path(out, parent, '.', num);
}

static void
named_path(char out[LF_MIME_PATH_MAX], const char *parent, const char *what)
{
	join_path(out, parent, ':', what);
}

/* Everything a frame holds but itself. */
static void
frame_release(struct frame *f)
{
	lf_buf_release(&f->field);
	lf_buf_release(&f->ctype_raw);
	lf_buf_release(&f->cte_raw);
	lf_buf_release(&f->disp_raw);
	free(f->boundary);
	lf_mime_field_release(&f->part.type);
	lf_mime_field_release(&f->part.disposition);
	lf_decoder_free(f->dec);
	lf_embedded_free(f->scan);
	lf_mime_parser_free(f->sub);
	lf_buf_release(&f->der);
}

static void
frame_free(struct frame *f)
{
	if (f == NULL)
		return;
	frame_release(f);
	free(f);
}

/* A frame done with: keep it, and its decoder, for reuse if there is room. */
static void
frame_put(struct lf_mime_parser *mp, struct frame *f)
{
	struct lf_decoder *dec = f->dec;
	unsigned c;

	f->dec = NULL;
	if (dec != NULL) {
		c = (unsigned)lf_decoder_codec(dec);
		if (c < SPARE_DECODERS && mp->spare_dec[c] == NULL)
			mp->spare_dec[c] = dec;
		else
			lf_decoder_free(dec);
	}
	if (mp->nspare == SPARE_FRAMES) {
		frame_free(f);
		return;
	}
	frame_release(f);
	memset(f, 0, sizeof(*f));
	mp->spare[mp->nspare++] = f;
}

/* Push a new entity frame reading headers at offset. */
static int
push_entity(struct lf_mime_parser *mp, const char *path, bool is_message,
    uint64_t offset)
{
	struct frame *f, *parent = top(mp);
	struct frame **ns;
	size_t hb = (size_t)mp->lim->header_bytes;

	if (mp->nframes == mp->cap) {
		size_t ncap = mp->cap ? mp->cap * 2 : 8;
		if ((ns = reallocarray(mp->stack, ncap, sizeof(*ns))) == NULL)
			return lf_error_set(&mp->err, LF_E_NOMEM, "mime");
		mp->stack = ns;
		mp->cap = ncap;
	}
	if (mp->nspare > 0)
		f = mp->spare[--mp->nspare];
	else if ((f = calloc(1, sizeof(*f))) == NULL)
		return lf_error_set(&mp->err, LF_E_NOMEM, "mime");
	lf_buf_init(&f->field, hb);
	lf_buf_init(&f->ctype_raw, hb);
	lf_buf_init(&f->cte_raw, hb);
	lf_buf_init(&f->disp_raw, hb);
	lf_buf_init(&f->part.type.arena, hb);
	lf_buf_init(&f->part.disposition.arena, hb);
	f->in_headers = true;
	f->is_message = is_message;
	f->part.kind = is_message ? LF_MIME_MESSAGE : LF_MIME_LEAF;
	(void)snprintf(f->part.path, sizeof(f->part.path), "%s", path);
	f->part.parent = parent != NULL ? &parent->part : NULL;
	f->part.depth = parent != NULL ? parent->part.depth + 1 : 0;
	f->part.offset = offset;
	mp->stack[mp->nframes++] = f;
	return LF_OK;
}

/* Record a field of interest and count it.  Returns 0 or LF_E_NOMEM. */
static int
keep_field(struct lf_mime_parser *mp, struct lf_buf *slot, int *count,
    const uint8_t *value, size_t n, bool replace)
{
	(*count)++;
	if (*count > 1 && !replace)
		return 0;
	lf_buf_reset(slot);
	/* The slot holds header-bytes, as the field it comes from. */
	if (lf_buf_append(slot, value, n, NULL) != LF_OK)
		return lf_error_set(&mp->err, LF_E_NOMEM, "mime");
	return 0;
}

static bool
field_is(const uint8_t *name, size_t n, const char *want)
{
	return strlen(want) == n &&
	    strncasecmp((const char *)name, want, n) == 0;
}

static bool
value_is_multipart(const uint8_t *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')) {
		v++;
		n--;
	}
	return n >= 10 && strncasecmp((const char *)v, "multipart/", 10) == 0;
}

/* A complete header field is in f->field: hand it on, keep MIME ones. */
static int
end_field(struct lf_mime_parser *mp, struct frame *f)
{
	const uint8_t *p = f->field.data, *colon;
	size_t n = f->field.len, nlen;
	const uint8_t *v;
	size_t vlen;
	int rc = 0;

	if (n == 0)
		return 0;
	colon = memchr(p, ':', n);
	nlen = (size_t)(colon - p);
	while (nlen > 0 && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t'))
		nlen--; /* obsolete: blanks before the colon */
	v = colon + 1;
	vlen = n - (size_t)(v - p);
	if (memchr(p, '\0', n) != NULL)
		report(mp, &f->part, "header.nul", LF_SEV_MEDIUM,
		    f->field_offset, NULL);
	if (mp->h.header != NULL)
		rc = mp->h.header(mp->arg, &f->part, p, nlen, v, vlen,
		    f->field_offset);
	if (field_is(p, nlen, "Content-Type")) {
		/* Of two, the multipart one: it shows the parts. */
		bool replace = f->nctype > 0 && value_is_multipart(v, vlen) &&
		    !value_is_multipart(f->ctype_raw.data, f->ctype_raw.len);
		if (f->nctype == 0 || replace)
			f->ctype_at = f->field_offset + (uint64_t)(v - p);
		if (rc == 0)
			rc = keep_field(mp, &f->ctype_raw, &f->nctype, v, vlen,
			    replace);
		if (f->nctype == 2)
			report(mp, &f->part, "header.duplicate-content-type",
			    LF_SEV_HIGH, f->field_offset, NULL);
	} else if (field_is(p, nlen, "Content-Transfer-Encoding")) {
		if (rc == 0)
			rc = keep_field(mp, &f->cte_raw, &f->ncte, v, vlen,
			    false);
		if (f->ncte == 2)
			report(mp, &f->part, "header.duplicate", LF_SEV_LOW,
			    f->field_offset, "Content-Transfer-Encoding");
	} else if (field_is(p, nlen, "Content-Disposition")) {
		if (f->ndisp == 0)
			f->disp_at = f->field_offset + (uint64_t)(v - p);
		if (rc == 0)
			rc = keep_field(mp, &f->disp_raw, &f->ndisp, v, vlen,
			    false);
		if (f->ndisp == 2)
			report(mp, &f->part, "header.duplicate", LF_SEV_LOW,
			    f->field_offset, "Content-Disposition");
	}
	lf_buf_reset(&f->field);
	return stop(mp, rc);
}

static const struct frame *
parent_frame(struct lf_mime_parser *mp)
{
	return mp->nframes >= 2 ? mp->stack[mp->nframes - 2] : NULL;
}

static void
set_name(struct lf_mime_part *part)
{
	const struct lf_mime_param *p;

	p = lf_mime_field_param(&part->disposition, "filename");
	if (p == NULL)
		p = lf_mime_field_param(&part->type, "name");
	if (p == NULL)
		return;
	part->name_raw = p->raw;
	part->name_raw_len = p->raw_len;
	part->name = p->value;
	part->name_len = p->value_len;
}

static int decoded_out(void *arg, unsigned stream, const uint8_t *p, size_t n);
static struct lf_mime_part *leaf_part(struct frame *f);
static const struct lf_embedded_events emb_events;
static void decoder_anomaly(void *arg, const struct lf_anomaly *a);

/* Copy the entity's type and name into the part its body is. */
static void
inherit(struct lf_mime_part *dst, const struct lf_mime_part *src)
{
	dst->type = src->type;
	dst->type_declared = src->type_declared;
	dst->type_malformed = src->type_malformed;
	dst->disposition = src->disposition;
	dst->codec = src->codec;
	dst->codec_known = src->codec_known;
	memcpy(dst->cte, src->cte, sizeof(dst->cte));
	dst->name_raw = src->name_raw;
	dst->name_raw_len = src->name_raw_len;
	dst->name = src->name;
	dst->name_len = src->name_len;
}

static int
begin(struct lf_mime_parser *mp, const struct lf_mime_part *part)
{
	if (mp->h.begin == NULL)
		return 0;
	return stop(mp, mp->h.begin(mp->arg, part));
}

static int
end(struct lf_mime_parser *mp, const struct lf_mime_part *part)
{
	if (mp->h.end == NULL)
		return 0;
	return stop(mp, mp->h.end(mp->arg, part));
}

static bool
too_many_parts(struct lf_mime_parser *mp, const struct lf_mime_part *part,
    uint64_t offset)
{
	if (*mp->parts < mp->lim->mime_parts)
		return false;
	if (!mp->reported_parts)
		report(mp, part, "mime.too-many-parts", LF_SEV_MEDIUM, offset,
		    NULL);
	mp->reported_parts = true;
	return true;
}

/* The declared transfer encoding's token, lowercased, for the record. */
static void
cte_token(char out[32], const uint8_t *v, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n &&
	    (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
		i++;
	for (; i < n && k < 31; i++) {
		if (!(v[i] == '-' || v[i] == '_' || v[i] == '.' ||
		        (v[i] >= '0' && v[i] <= '9') ||
		        ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z')))
			break;
		out[k++] =
		    (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] | 0x20 : v[i]);
	}
	out[k] = '\0';
}

/*
 * Would the parts inside the entity of frame f be deeper than mime-depth?
 * Those of a multipart are one level below it; a message's body is a
 * part of its own, so what an attached message holds is two below it.
 */
static bool
too_deep(const struct lf_mime_parser *mp, const struct frame *f, bool multipart)
{
	uint64_t inner = f->part.depth + (multipart || !f->is_message ? 1 : 2);

	return inner > mp->lim->mime_depth;
}

/* The part whose content is the raw bytes of an attached message. */
static struct lf_mime_part *
raw_part(struct frame *f)
{
	if (f->role != ROLE_MESSAGE)
		return NULL;
	return f->is_message ? &f->leaf : &f->part;
}

static int sub_parser_new(struct lf_mime_parser *mp,
    const struct lf_mime_part *host, struct lf_mime_parser **out);

/* Keep a multipart's boundary, and room to collect lines as long. */
static int
keep_boundary(struct lf_mime_parser *mp, struct frame *f,
    const struct lf_mime_param *b)
{
	size_t need = 2 + b->raw_len + 2 + BOUNDARY_BLANKS_MAX + 2;
	uint8_t *nl;

	if ((f->boundary = malloc(b->raw_len)) == NULL)
		return lf_error_set(&mp->err, LF_E_NOMEM, "mime");
	memcpy(f->boundary, b->raw, b->raw_len);
	f->blen = b->raw_len;
	if (need > mp->line_cap) {
		if ((nl = realloc(mp->line, need)) == NULL)
			return lf_error_set(&mp->err, LF_E_NOMEM, "mime");
		mp->line = nl;
		mp->line_cap = need;
	}
	return LF_OK;
}

/* Parse the MIME fields and decide what the body is, from body_at on. */
static int
end_headers(struct lf_mime_parser *mp, struct frame *f, uint64_t body_at)
{
	const struct frame *pf = parent_frame(mp);
	struct lf_mime_part *part = &f->part;
	struct field_ctx ctx = {mp, part, part->offset, false};
	const struct lf_mime_param *b;
	bool digest = pf != NULL && pf->role == ROLE_MULTIPART &&
	    strcmp(pf->part.type.subtype, "digest") == 0;
	bool parse_decoded = false;
	int rc;

	f->in_headers = false;
	part->body_offset = body_at;
	if (f->nctype > 0) {
		ctx.base = f->ctype_at;
		if ((rc = lf_mime_field_parse(f->ctype_raw.data,
		         f->ctype_raw.len, true, mp->lim, &part->type,
		         field_anomaly, &ctx, &mp->err)) != LF_OK)
			return rc;
		part->type_declared = part->type.type[0] != '\0';
		part->type_malformed = ctx.bad_type;
		if (!part->type_declared)
			report(mp, part, "mime.no-type", LF_SEV_LOW,
			    part->offset, NULL);
	}
	if (!part->type_declared) {
		/* RFC 2045 5.2 and RFC 2046 5.1.5 */
		(void)snprintf(part->type.type, sizeof(part->type.type), "%s",
		    digest ? "message" : "text");
		(void)snprintf(part->type.subtype, sizeof(part->type.subtype),
		    "%s", digest ? "rfc822" : "plain");
	}
	ctx.base = f->disp_at;
	if (f->ndisp > 0 &&
	    (rc = lf_mime_field_parse(f->disp_raw.data, f->disp_raw.len, false,
	         mp->lim, &part->disposition, field_anomaly, &ctx, &mp->err)) !=
	        LF_OK)
		return rc;
	part->codec = LF_CODEC_IDENTITY;
	part->codec_known = true;
	if (f->ncte > 0) {
		part->codec = lf_codec_from_cte(f->cte_raw.data, f->cte_raw.len,
		    &part->codec_known);
		cte_token(part->cte, f->cte_raw.data, f->cte_raw.len);
		if (!part->codec_known)
			report(mp, part, "mime.unknown-encoding", LF_SEV_MEDIUM,
			    part->offset, NULL);
	}
	set_name(part);

	f->role = ROLE_LEAF;
	if (strcmp(part->type.type, "multipart") == 0) {
		b = lf_mime_field_param(&part->type, "boundary");
		if (too_deep(mp, f, true)) {
			report(mp, part, "mime.too-deep", LF_SEV_MEDIUM,
			    part->offset, NULL);
		} else if (b == NULL || b->raw_len == 0) {
			report(mp, part, "mime.no-boundary", LF_SEV_MEDIUM,
			    part->offset, NULL);
		} else {
			if ((rc = keep_boundary(mp, f, b)) != LF_OK)
				return rc;
			f->role = ROLE_MULTIPART;
			if (b->raw_len > 70)
				report(mp, part, "mime.long-boundary",
				    LF_SEV_LOW, part->offset, NULL);
			if (part->codec != LF_CODEC_IDENTITY)
				report(mp, part, "mime.encoded-multipart",
				    LF_SEV_LOW, part->offset, NULL);
		}
	} else if (strcmp(part->type.type, "message") == 0 &&
	    (strcmp(part->type.subtype, "rfc822") == 0 ||
	        strcmp(part->type.subtype, "global") == 0)) {
		if (too_deep(mp, f, false))
			report(mp, part, "mime.too-deep", LF_SEV_MEDIUM,
			    part->offset, NULL);
		else if (too_many_parts(mp, part, part->offset))
			;
		else if (part->codec != LF_CODEC_IDENTITY) {
			/* RFC 2046 5.2.1 forbids it; decode, then parse. */
			report(mp, part, "mime.encoded-message", LF_SEV_MEDIUM,
			    part->offset, NULL);
			parse_decoded = true;
		} else
			f->role = ROLE_MESSAGE;
	} else if (strcmp(part->type.type, "message") == 0 &&
	    strcmp(part->type.subtype, "partial") == 0) {
		report(mp, part, "mime.message-partial", LF_SEV_INFO,
		    part->offset, NULL);
	}

	if (f->role == ROLE_MULTIPART && !f->is_message)
		part->kind = LF_MIME_MULTIPART;
	if (f->role == ROLE_MESSAGE && !f->is_message)
		part->kind = LF_MIME_MESSAGE;
	if (!f->silent && (rc = begin(mp, part)) != 0)
		return rc;
	if (f->role == ROLE_MULTIPART) {
		f->mp = MP_PREAMBLE;
		f->special_from = body_at;
		return 0;
	}
	/* A message's body is a part of its own, numbered below it. */
	if (f->is_message) {
		f->leaf.kind =
		    f->role == ROLE_MESSAGE ? LF_MIME_MESSAGE : LF_MIME_LEAF;
		child_path(f->leaf.path, part->path, 1);
		f->leaf.depth = part->depth + 1;
		f->leaf.parent = part;
		f->leaf.offset = f->leaf.body_offset = body_at;
		inherit(&f->leaf, part);
		if ((rc = begin(mp, &f->leaf)) != 0)
			return rc;
	}
	if (f->role == ROLE_MESSAGE) {
		/* Its raw bytes are its content; the message inside is
		 * parsed in a frame of its own, that this part stands for. */
		const struct lf_mime_part *rp = raw_part(f);
		f->raw_open = true;
		mp->nraw++;
		(*mp->parts)++;
		if ((rc = push_entity(mp, rp->path, true, body_at)) != LF_OK)
			return rc;
		top(mp)->silent = true;
		top(mp)->part.depth = rp->depth;
		return 0;
	}
	if ((unsigned)part->codec < SPARE_DECODERS &&
	    mp->spare_dec[part->codec] != NULL) {
		f->dec = mp->spare_dec[part->codec];
		mp->spare_dec[part->codec] = NULL;
		lf_decoder_reset(f->dec);
	} else if ((rc = lf_decoder_new(part->codec, decoded_out, mp,
	                decoder_anomaly, mp, &f->dec, &mp->err)) != LF_OK) {
		return rc;
	}
	if (parse_decoded &&
	    (rc = sub_parser_new(mp, leaf_part(f), &f->sub)) != LF_OK)
		return rc;
	if (strcmp(part->type.type, "application") == 0 &&
	    (strcmp(part->type.subtype, "pkcs7-mime") == 0 ||
	        strcmp(part->type.subtype, "x-pkcs7-mime") == 0) &&
	    !too_deep(mp, f, false)) {
		f->smime = true;
		lf_buf_init(&f->der, (size_t)mp->lim->smime_bytes);
	}
	if (strcmp(part->type.type, "text") == 0 &&
	    strcmp(part->type.subtype, "html") != 0 &&
	    (rc = lf_embedded_new(&emb_events, mp, &f->scan, &mp->err)) !=
	        LF_OK)
		return rc;
	return 0;
}

static struct lf_mime_part *
leaf_part(struct frame *f)
{
	return f->is_message ? &f->leaf : &f->part;
}

/* Bytes for a parser inside this one: its stop and errors are ours. */
static int
sub_feed(struct lf_mime_parser *mp, struct lf_mime_parser *sub,
    const uint8_t *p, size_t n)
{
	int rc = p != NULL ? lf_mime_feed(sub, p, n) : lf_mime_finish(sub);

	if (rc == LF_E_NOMEM && sub->stopped == 0)
		mp->err = sub->err;
	return stop(mp, rc);
}

static int
decoded_out(void *arg, unsigned stream, const uint8_t *p, size_t n)
{
	struct lf_mime_parser *mp = arg;
	struct frame *f = top(mp);
	int rc;

	(void)stream;
	if (mp->h.data != NULL &&
	    (rc = stop(mp, mp->h.data(mp->arg, leaf_part(f), p, n))) != 0)
		return rc;
	if (f->sub != NULL && (rc = sub_feed(mp, f->sub, p, n)) != 0)
		return rc;
	if (f->smime && lf_buf_append(&f->der, p, n, NULL) != LF_OK) {
		report(mp, leaf_part(f), "smime.too-large", LF_SEV_LOW,
		    leaf_part(f)->body_offset, "past limit smime-bytes");
		f->smime = false;
		lf_buf_release(&f->der);
	}
	if (f->scan != NULL)
		return stop(mp, lf_embedded_feed(f->scan, p, n));
	return 0;
}

/* Blocks pasted into a text part become parts of their own. */
static int
emb_begin(void *arg, enum lf_codec codec, uint64_t offset)
{
	struct lf_mime_parser *mp = arg;
	struct frame *f = top(mp);
	struct lf_mime_part *leaf = leaf_part(f);
	static const char *const what[] = {"uuencode", "yenc", "binhex"};
	int k = codec == LF_CODEC_UUENCODE ? 0 : codec == LF_CODEC_YENC ? 1 : 2;
	char name[32];

	memset(&f->emb, 0, sizeof(f->emb));
	f->emb.kind = LF_MIME_EMBEDDED;
	(void)snprintf(name, sizeof(name), "%s:%u", what[k], ++f->nemb[k]);
	named_path(f->emb.path, leaf->path, name);
	f->emb.depth = leaf->depth + 1;
	f->emb.parent = leaf;
	f->emb.offset = f->emb.body_offset = offset;
	f->emb.codec = codec;
	f->emb.codec_known = true;
	return begin(mp, &f->emb);
}

static int
emb_data(void *arg, const uint8_t *p, size_t n)
{
	struct lf_mime_parser *mp = arg;

	if (mp->h.data == NULL)
		return 0;
	return stop(mp, mp->h.data(mp->arg, &top(mp)->emb, p, n));
}

static int
emb_end(void *arg, const struct lf_decoder_info *info, uint64_t end_offset)
{
	struct lf_mime_parser *mp = arg;
	struct frame *f = top(mp);

	f->emb.decoded = info;
	f->emb.end_offset = end_offset;
	if (info->has_name) {
		f->emb.name_raw = f->emb.name = info->name;
		f->emb.name_raw_len = f->emb.name_len = info->name_len;
	}
	return end(mp, &f->emb);
}

static void
emb_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct lf_mime_parser *mp = arg;

	report(mp, &top(mp)->emb, a->code, a->severity, a->offset, a->detail);
}

static const struct lf_embedded_events emb_events = {emb_begin, emb_data,
    emb_end, emb_anomaly};

static void
decoder_anomaly(void *arg, const struct lf_anomaly *a)
{
	struct lf_mime_parser *mp = arg;
	struct frame *f = top(mp);
	struct lf_mime_part *part = leaf_part(f);

	report(mp, part, a->code, a->severity, part->body_offset + a->offset,
	    a->detail);
}

/* Begin a preamble or epilogue, once it holds more than blank lines. */
static int
special_data(struct lf_mime_parser *mp, struct frame *f, const uint8_t *p,
    size_t n)
{
	size_t i;
	int rc;

	if (!f->special_open) {
		for (i = 0; i < n &&
		     (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' ||
		         p[i] == '\t');
		     i++)
			;
		if (i == n && f->nhold + n <= HOLD_MAX) {
			memcpy(f->hold + f->nhold, p, n);
			f->nhold += n;
			return 0;
		}
		f->special.kind =
		    f->mp == MP_PREAMBLE ? LF_MIME_PREAMBLE : LF_MIME_EPILOGUE;
		named_path(f->special.path, f->part.path,
		    f->mp == MP_PREAMBLE ? "preamble" : "epilogue");
		f->special.depth = f->part.depth + 1;
		f->special.parent = &f->part;
		f->special.offset = f->special.body_offset = f->special_from;
		f->special.codec = LF_CODEC_IDENTITY;
		f->special.codec_known = true;
		f->special_open = true;
		if ((rc = begin(mp, &f->special)) != 0)
			return rc;
		if (f->nhold > 0 && mp->h.data != NULL &&
		    (rc = stop(mp,
		         mp->h.data(mp->arg, &f->special, f->hold,
		             f->nhold))) != 0)
			return rc;
		f->nhold = 0;
	}
	if (mp->h.data == NULL)
		return 0;
	return stop(mp, mp->h.data(mp->arg, &f->special, p, n));
}

static int
end_special(struct lf_mime_parser *mp, struct frame *f)
{
	f->nhold = 0;
	if (!f->special_open)
		return 0;
	f->special_open = false;
	return end(mp, &f->special);
}

/*
 * The next n message bytes are known to lie in the outermost `scope'
 * frames: they are content of every raw part open there that they are
 * past the start of.  Bytes are attributed once each, in order.
 */
static int
attribute(struct lf_mime_parser *mp, size_t scope, const uint8_t *p, size_t n)
{
	uint64_t at = mp->attributed;
	size_t i, skip;
	int rc;

	mp->attributed += n;
	if (mp->nraw == 0 || mp->h.data == NULL)
		return 0;
	for (i = 0; i < scope && i < mp->nframes; i++) {
		struct frame *f = mp->stack[i];
		const struct lf_mime_part *rp = raw_part(f);
		if (rp == NULL || !f->raw_open)
			continue;
		skip = rp->body_offset > at ?
		    (size_t)(rp->body_offset - at < n ? rp->body_offset - at :
		                                        n) :
		    0;
		if (skip < n &&
		    (rc = stop(mp,
		         mp->h.data(mp->arg, rp, p + skip, n - skip))) != 0)
			return rc;
	}
	return 0;
}

/* Body bytes of the innermost frame, already attributed. */
static int
deliver(struct lf_mime_parser *mp, const uint8_t *p, size_t n)
{
	struct frame *f = top(mp);

	if (n == 0 || f == NULL)
		return 0;
	switch (f->role) {
	case ROLE_MULTIPART:
		return special_data(mp, f, p, n);
	case ROLE_LEAF:
		return lf_decoder_feed(f->dec, p, n);
	default:
		return 0;
	}
}

/* Body bytes of the innermost frame. */
static int
content(struct lf_mime_parser *mp, const uint8_t *p, size_t n)
{
	int rc;

	if ((rc = attribute(mp, mp->nframes, p, n)) != 0)
		return rc;
	return deliver(mp, p, n);
}

static int
flush_held(struct lf_mime_parser *mp)
{
	size_t n = mp->nheld;

	mp->nheld = 0;
	if (mp->held_sep) {
		mp->held_sep = false;
		return attribute(mp, mp->nframes, mp->held, n);
	}
	return content(mp, mp->held, n);
}

/* Hold the line end at the end of p[0..n); returns its length. */
static size_t
hold_eol(struct lf_mime_parser *mp, const uint8_t *p, size_t n)
{
	size_t eol = n >= 2 && p[n - 2] == '\r' ? 2 : 1;

	memcpy(mp->held, p + n - eol, eol);
	mp->nheld = eol;
	mp->held_sep = false;
	return eol;
}

/* Hold the line end that ends p[0..n), and pass on the rest. */
static int
data_then_hold(struct lf_mime_parser *mp, const uint8_t *p, size_t n)
{
	size_t eol = hold_eol(mp, p, n);

	return content(mp, p, n - eol);
}

/*
 * An S/MIME object: the message an opaque signature wraps is parsed below
 * the object's part; what cannot be opened is said.
 */
static int
open_smime(struct lf_mime_parser *mp, struct frame *f)
{
	struct lf_mime_part *part = leaf_part(f);
	struct lf_buf inner;
	enum lf_smime_kind kind;
	int rc;

	lf_buf_init(&inner, (size_t)mp->lim->smime_bytes);
	rc = lf_smime_inspect(f->der.data, f->der.len, &kind, &inner, &mp->err);
	lf_buf_release(&f->der);
	f->smime = false;
	if (rc == LF_OK && kind == LF_SMIME_SIGNED && inner.len > 0) {
		report(mp, part, "smime.signed-data", LF_SEV_INFO,
		    part->body_offset, NULL);
		if ((rc = sub_parser_new(mp, part, &f->sub)) == LF_OK &&
		    (rc = sub_feed(mp, f->sub, inner.data, inner.len)) == 0)
			rc = sub_feed(mp, f->sub, NULL, 0);
	} else if (rc == LF_OK) {
		report(mp, part,
		    kind == LF_SMIME_ENVELOPED   ? "smime.encrypted" :
		        kind == LF_SMIME_NOT_CMS ? "smime.unreadable" :
		                                   "smime.not-opened",
		    kind == LF_SMIME_NOT_CMS ? LF_SEV_MEDIUM : LF_SEV_INFO,
		    part->body_offset, lf_smime_kind_name(kind));
		rc = 0;
	} else if (rc == LF_E_LIMIT) {
		report(mp, part, "smime.too-large", LF_SEV_LOW,
		    part->body_offset, "past limit smime-bytes");
		rc = 0;
	}
	lf_buf_release(&inner);
	return stop(mp, rc);
}

/* End the innermost frame and its parts, at message offset `at'. */
static int
pop(struct lf_mime_parser *mp, uint64_t at)
{
	struct frame *f = top(mp);
	int rc = 0;

	if (f->in_headers) {
		/* A boundary may end a header block: a part may be empty. */
		if ((rc = end_field(mp, f)) != 0 ||
		    (rc = end_headers(mp, f, at)) != 0)
			return rc;
		if (top(mp) != f) /* an attached message was pushed: end it */
			if ((rc = pop(mp, at)) != 0)
				return rc;
	}
	f->part.end_offset = f->leaf.end_offset = f->special.end_offset = at;
	switch (f->role) {
	case ROLE_MULTIPART:
		if ((rc = end_special(mp, f)) != 0)
			return rc;
		if (f->mp != MP_EPILOGUE)
			report(mp, &f->part, "mime.missing-close-boundary",
			    LF_SEV_LOW, mp->offset, NULL);
		break;
	case ROLE_LEAF:
		if ((rc = lf_decoder_finish(f->dec)) != 0)
			return stop(mp, rc);
		if (f->sub != NULL && (rc = sub_feed(mp, f->sub, NULL, 0)) != 0)
			return rc;
		if (f->smime && (rc = open_smime(mp, f)) != 0)
			return rc;
		if (f->scan != NULL &&
		    (rc = stop(mp, lf_embedded_finish(f->scan))) != 0)
			return rc;
		leaf_part(f)->decoded = lf_decoder_info(f->dec);
		if (f->is_message && (rc = end(mp, &f->leaf)) != 0)
			return rc;
		break;
	case ROLE_MESSAGE:
		f->raw_open = false;
		mp->nraw--;
		if (f->is_message && (rc = end(mp, &f->leaf)) != 0)
			return rc;
		break;
	default:
		break;
	}
	if (!f->silent && (rc = end(mp, &f->part)) != 0)
		return rc;
	mp->nframes--;
	frame_put(mp, f);
	return 0;
}

/*
 * Which multipart's boundary line is this (n bytes; complete: its line end
 * is among them)?  RFC 2046 5.1.1: a line that starts with "--" and a
 * boundary is that boundary's delimiter whatever follows ("it is
 * sufficient that the boundary appear in its entirety following the
 * CRLF").  A line that is exactly a boundary (then "--", blanks) wins over
 * one that merely starts with another, so boundaries that are prefixes of
 * each other work either way round; otherwise the innermost wins.
 * Returns the index of the frame, or -1; *close: the close delimiter;
 * *suffix: text follows the boundary.
 */
/* Whether line, past its "--", starts with the boundary of frame f. */
static bool
starts_with_boundary(const struct frame *f, const uint8_t *line, size_t n)
{
	return f->role == ROLE_MULTIPART && !f->in_headers &&
	    n >= 2 + f->blen && memcmp(line + 2, f->boundary, f->blen) == 0;
}

static long
match_boundary(struct lf_mime_parser *mp, const uint8_t *line, size_t n,
    bool complete, bool *close, bool *suffix)
{
	size_t i, k;

	if (n < 2 || line[0] != '-' || line[1] != '-')
		return -1;
	for (i = mp->nframes; complete && i-- > 0;) {
		const struct frame *f = mp->stack[i];
		if (!starts_with_boundary(f, line, n))
			continue;
		k = 2 + f->blen;
		*close = n >= k + 2 && line[k] == '-' && line[k + 1] == '-';
		if (*close)
			k += 2;
		while (k < n && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k < n && line[k] == '\r')
			k++;
		if (k < n && line[k] == '\n')
			k++;
		if (k == n) {
			*suffix = false;
			return (long)i;
		}
	}
	for (i = mp->nframes; i-- > 0;) {
		const struct frame *f = mp->stack[i];
		if (!starts_with_boundary(f, line, n))
			continue;
		k = 2 + f->blen;
		*close = n >= k + 2 && line[k] == '-' && line[k + 1] == '-';
		*suffix = true;
		return (long)i;
	}
	return -1;
}

/* Could the line begun in mp->line be a boundary line? */
static bool
may_be_boundary(struct lf_mime_parser *mp)
{
	const uint8_t *l = mp->line;
	size_t n = mp->llen, i, m;

	if (n >= 1 && l[0] != '-')
		return false;
	if (n >= 2 && l[1] != '-')
		return false;
	if (n <= 2)
		return true;
	for (i = mp->nframes; i-- > 0;) {
		const struct frame *f = mp->stack[i];
		if (f->role != ROLE_MULTIPART || f->in_headers)
			continue;
		m = n - 2 < f->blen ? n - 2 : f->blen;
		if (memcmp(l + 2, f->boundary, m) == 0)
			return true;
	}
	return false;
}

static bool
boundaries_open(struct lf_mime_parser *mp)
{
	size_t i;

	for (i = 0; i < mp->nframes; i++) {
		if (mp->stack[i]->role == ROLE_MULTIPART)
			return true;
	}
	return false;
}

/*
 * The line (len bytes, from mp->line_offset) is a boundary of frame `at':
 * end the parts inside it, then begin the next part or the epilogue.
 */
static int
on_boundary(struct lf_mime_parser *mp, size_t at, bool close, bool suffix,
    const uint8_t *line, size_t len)
{
	/* The line end before the boundary belongs to it. */
	uint64_t ends = mp->line_offset - mp->nheld;
	struct frame *m;
	char path[LF_MIME_PATH_MAX];
	uint8_t eol_copy[2];
	int rc;

	size_t eol = 0;

	if ((rc = attribute(mp, at + 1, mp->held, mp->nheld)) != 0)
		return rc;
	mp->nheld = 0;
	mp->held_sep = false;
	/* The line end after a close delimiter begins what follows: the
	 * epilogue, or the next delimiter of an outer multipart. */
	if (close && len > 0 && line[len - 1] == '\n') {
		eol = len >= 2 && line[len - 2] == '\r' ? 2 : 1;
		memcpy(eol_copy, line + len - eol, eol);
	}
	if ((rc = attribute(mp, at + 1, line, len - eol)) != 0)
		return rc;
	while (mp->nframes > at + 1) {
		if ((rc = pop(mp, ends)) != 0)
			return rc;
	}
	m = top(mp);
	if (suffix)
		report(mp, &m->part, "mime.boundary-suffix", LF_SEV_LOW,
		    mp->line_offset, NULL);
	m->special.end_offset = ends;
	if ((rc = end_special(mp, m)) != 0)
		return rc;
	if (close) {
		m->mp = MP_EPILOGUE;
		m->special_from = mp->offset; /* after the boundary line */
		if (eol > 0) {
			memcpy(mp->held, eol_copy, eol);
			mp->nheld = eol;
			mp->held_sep = true;
		}
		return 0;
	}
	if (m->mp == MP_EPILOGUE)
		report(mp, &m->part, "mime.part-after-close", LF_SEV_HIGH,
		    mp->line_offset, NULL);
	else
		m->mp = MP_IN_PART;
	(*mp->parts)++;
	child_path(path, m->part.path, ++m->nchildren);
	if ((rc = push_entity(mp, path, false, mp->offset)) != LF_OK)
		return rc;
	top(mp)->part.after_close = m->mp == MP_EPILOGUE;
	return 0;
}

/*
 * Where the colon of a field line is (n bytes, no line end): the name
 * before it, then maybe blanks (obsolete syntax).  NULL when the line is
 * not a field.  Names with bytes a name cannot hold count, with an
 * anomaly (header.bad-name), as mime4j and Python take them.
 */
static const uint8_t *
field_colon(const uint8_t *p, size_t n)
{
	const uint8_t *colon = memchr(p, ':', n);
	size_t i, k;

	for (i = 0; colon != NULL && p + i < colon; i++) {
		if (p[i] == ' ' || p[i] == '\t') {
			for (k = i;
			     p + k < colon && (p[k] == ' ' || p[k] == '\t');
			     k++)
				;
			return p + k == colon && i > 0 ? colon : NULL;
		}
	}
	return colon == p ? NULL : colon;
}

/* A From_ line before a message's headers: an mbox's, kept when the
 * message was saved or attached. */
static bool
unix_from(const struct frame *f, const uint8_t *p, size_t n)
{
	return !f->any_field && f->is_message && n >= 5 &&
	    memcmp(p, "From ", 5) == 0;
}

/* Would header_line take this line (n bytes, no line end) as a header? */
static bool
header_like(const struct frame *f, const uint8_t *p, size_t n)
{
	return n > 0 &&
	    (p[0] == ' ' || p[0] == '\t' || field_colon(p, n) != NULL ||
	        unix_from(f, p, n));
}

/*
 * A complete header line (line end included) of the innermost frame, at
 * offset; attributed: its bytes were handed on already (a field line too
 * long to keep).
 */
static int
header_line(struct lf_mime_parser *mp, struct frame *f, const uint8_t *p,
    size_t n, uint64_t offset, bool attributed)
{
	size_t content_len = n, room;
	const uint8_t *colon;
	size_t i;
	int rc;

	while (content_len > 0 &&
	    (p[content_len - 1] == '\n' || p[content_len - 1] == '\r'))
		content_len--;
	if (content_len > 0 && p[0] != ' ' && p[0] != '\t') {
		colon = field_colon(p, content_len);
		if (colon == NULL && unix_from(f, p, content_len)) {
			report(mp, &f->part, "header.unix-from", LF_SEV_INFO,
			    offset, NULL);
			return attributed ? 0 :
			                    attribute(mp, mp->nframes, p, n);
		}
		if (colon == NULL) {
			/* Not a header: the block has ended without a blank
			 * line; this line is body. */
			report(mp, &f->part, "header.no-colon", LF_SEV_MEDIUM,
			    offset, NULL);
			if ((rc = end_field(mp, f)) != 0 ||
			    (rc = end_headers(mp, f, offset)) != 0)
				return rc;
			if (top(mp)->in_headers) /* an attached message's */
				return header_line(mp, top(mp), p, n, offset,
				    attributed);
			if (p[n - 1] == '\n' && boundaries_open(mp))
				return data_then_hold(mp, p, n);
			return content(mp, p, n);
		}
		for (i = 0; p + i < colon; i++) {
			if (p[i] < 33 || p[i] > 126) {
				if (p[i] != ' ' && p[i] != '\t')
					report(mp, &f->part, "header.bad-name",
					    LF_SEV_MEDIUM, offset, NULL);
				break;
			}
		}
	}
	if (!attributed && (rc = attribute(mp, mp->nframes, p, n)) != 0)
		return rc;
	if (content_len == 0 && n > 0) { /* the blank line: body next */
		if ((rc = end_field(mp, f)) != 0)
			return rc;
		return end_headers(mp, f, mp->offset);
	}
	if (p[0] == ' ' || p[0] == '\t') {
		if (f->field.len == 0) {
			report(mp, &f->part, "header.leading-continuation",
			    LF_SEV_LOW, offset, NULL);
			return 0;
		}
	} else {
		if ((rc = end_field(mp, f)) != 0)
			return rc;
		f->field_offset = offset;
		f->any_field = true;
		f->field_cut = false;
	}
	if (f->field_cut)
		return 0;
	/* A field past header-bytes is kept cut there; the fields after it
	 * still count (a long Subject must not hide a Content-Type). */
	room = f->field.max - f->field.len;
	if (lf_buf_append(&f->field, p, n < room ? n : room, NULL) != LF_OK)
		return stop(mp, lf_error_set(&mp->err, LF_E_NOMEM, "mime"));
	if (n > room) {
		f->field_cut = true;
		report(mp, &f->part, "header.too-long", LF_SEV_MEDIUM, offset,
		    "a header field");
	}
	return 0;
}

/*
 * Header bytes for the innermost frame: gather one line (its first
 * header-bytes; a longer line is no boundary line, and the rest of it is
 * skipped) and handle it.  Returns the bytes used.
 */
static size_t
feed_headers(struct lf_mime_parser *mp, struct frame *f, const uint8_t *p,
    size_t n, int *rc)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl != NULL ? (size_t)(nl - p) + 1 : n;
	size_t room, len, kept;
	bool close, suffix, over;
	long at;

	if (mp->hline.len == 0 && !mp->hline_over)
		mp->line_offset = mp->offset;
	if (mp->hline_over) {
		*rc = attribute(mp, mp->nframes, p, take);
	} else {
		room = mp->hline.max - mp->hline.len;
		kept = take < room ? take : room;
		if (lf_buf_append(&mp->hline, p, kept, NULL) != LF_OK) {
			*rc = stop(mp,
			    lf_error_set(&mp->err, LF_E_NOMEM, "mime"));
			return 0;
		}
		if (kept < take &&
		    !header_like(f, mp->hline.data, mp->hline.len)) {
			/* Too long for a header line and not a field: the
			 * body begins with it, and the rest of it is body. */
			mp->offset += kept;
			*rc = header_line(mp, f, mp->hline.data, mp->hline.len,
			    mp->line_offset, false);
			lf_buf_reset(&mp->hline);
			if (top(mp) != NULL && !top(mp)->in_headers)
				mp->ls = L_STREAM;
			return kept;
		}
		if (kept < take) {
			mp->hline_over = true;
			report(mp, &f->part, "header.too-long", LF_SEV_MEDIUM,
			    mp->line_offset, "a header line");
			if ((*rc = attribute(mp, mp->nframes, mp->hline.data,
			         mp->hline.len)) == 0)
				*rc = attribute(mp, mp->nframes, p + kept,
				    take - kept);
		}
	}
	mp->offset += take;
	if (nl == NULL || *rc != 0)
		return take;
	len = mp->hline.len;
	over = mp->hline_over;
	mp->hline_over = false;
	at = over ?
	    -1 :
	    match_boundary(mp, mp->hline.data, len, true, &close, &suffix);
	if (at >= 0)
		*rc = on_boundary(mp, (size_t)at, close, suffix, mp->hline.data,
		    len);
	else
		*rc = header_line(mp, f, mp->hline.data, len, mp->line_offset,
		    over);
	lf_buf_reset(&mp->hline);
	return take;
}

/*
 * The rest of a boundary line too long to gather: it belongs to the
 * boundary.  What began at the boundary begins after it.
 */
static size_t
skip_line(struct lf_mime_parser *mp, const uint8_t *p, size_t n, int *rc)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl != NULL ? (size_t)(nl - p) + 1 : n;
	uint64_t from = mp->skip_from;
	struct frame *f;

	*rc = attribute(mp, mp->skip_scope, p, take);
	mp->offset += take;
	if (nl == NULL)
		return take;
	mp->ls = L_START;
	if ((f = top(mp)) == NULL)
		return take;
	if (f->in_headers && f->part.offset == from)
		f->part.offset = mp->offset;
	else if (f->mp == MP_EPILOGUE && !f->special_open &&
	    f->special_from == from)
		f->special_from = mp->offset;
	return take;
}

/*
 * Body bytes while some multipart is open: a line that starts with "--"
 * is held until it is known not to be a boundary; other lines go on as
 * they come, each line end held until the next line is known not to be a
 * boundary.  Returns the bytes used.
 */
static size_t
feed_lines(struct lf_mime_parser *mp, const uint8_t *p, size_t n, int *rc)
{
	const uint8_t *nl, *end = p + n;
	size_t i, take;
	bool close, suffix, complete;
	long at;

	if (mp->ls == L_STREAM) {
		if (mp->pending_cr) {
			/* The CR that ended the last piece: line end or data. */
			mp->pending_cr = false;
			if (p[0] == '\n') {
				mp->offset++;
				*rc = data_then_hold(mp,
				    (const uint8_t *)"\r\n", 2);
				mp->ls = L_START;
				return 1;
			}
			if ((*rc = content(mp, (const uint8_t *)"\r", 1)) != 0)
				return 0;
		}
		/* Through every line that does not start with '-'. */
		nl = memchr(p, '\n', n);
		while (nl != NULL && nl + 1 < end && nl[1] != '-')
			nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
		if (nl == NULL) {
			take = n;
			if (p[n - 1] == '\r') {
				mp->pending_cr = true;
				*rc = content(mp, p, n - 1);
			} else {
				*rc = content(mp, p, n);
			}
			mp->offset += take;
			return take;
		}
		take = (size_t)(nl - p) + 1;
		*rc = data_then_hold(mp, p, take);
		mp->offset += take;
		mp->ls = L_START;
		return take;
	}
	if (mp->ls == L_START) {
		mp->llen = 0;
		mp->line_offset = mp->offset;
		if (p[0] != '-') {
			/* Not a boundary: the held line end is data. */
			*rc = flush_held(mp);
			mp->ls = L_STREAM;
			return 0;
		}
		mp->ls = L_COLLECT;
	}
	/* L_COLLECT: the line's start, while it may be a boundary. */
	for (i = 0; i < n && mp->llen < mp->line_cap;) {
		mp->line[mp->llen++] = p[i++];
		if (p[i - 1] == '\n' || !may_be_boundary(mp))
			break;
	}
	take = i;
	mp->offset += take;
	complete = mp->line[mp->llen - 1] == '\n';
	if (complete || mp->llen == mp->line_cap) {
		at = match_boundary(mp, mp->line, mp->llen, complete, &close,
		    &suffix);
		if (at >= 0 &&
		    (close ||
		        !too_many_parts(mp, &top(mp)->part,
		            mp->line_offset - mp->nheld))) {
			mp->ls = complete ? L_START : L_SKIP;
			mp->skip_scope = (size_t)at + 1;
			mp->skip_from = mp->offset;
			*rc = on_boundary(mp, (size_t)at, close, suffix,
			    mp->line, mp->llen);
			mp->llen = 0;
			return take;
		}
	} else if (may_be_boundary(mp)) {
		return take; /* undecided: more of the line is needed */
	}
	/* Data after all: the held line end, then what was gathered. */
	if ((*rc = flush_held(mp)) != 0)
		return take;
	if (complete) {
		*rc = data_then_hold(mp, mp->line, mp->llen);
		mp->ls = L_START;
	} else {
		size_t keep = mp->llen;
		if (mp->line[keep - 1] == '\r') { /* maybe a line end */
			keep--;
			mp->pending_cr = true;
		}
		*rc = content(mp, mp->line, keep);
		mp->ls = L_STREAM;
	}
	mp->llen = 0;
	return take;
}

int
lf_mime_feed(struct lf_mime_parser *mp, const uint8_t *p, size_t n)
{
	size_t used;
	int rc = 0;

	while (n > 0 && rc == 0 && mp->stopped == 0) {
		struct frame *f = top(mp);
		if (f == NULL) {
			/* Bytes after the top-level entity ended: nothing can
			 * end it early, so this does not happen. */
			mp->offset += n;
			break;
		}
		if (mp->ls == L_SKIP) {
			used = skip_line(mp, p, n, &rc);
		} else if (f->in_headers) {
			used = feed_headers(mp, f, p, n, &rc);
		} else if (!boundaries_open(mp)) {
			rc = content(mp, p, n);
			mp->offset += n;
			used = n;
		} else {
			used = feed_lines(mp, p, n, &rc);
		}
		p += used;
		n -= used;
	}
	if (mp->stopped != 0)
		return mp->stopped;
	return rc;
}

int
lf_mime_finish(struct lf_mime_parser *mp)
{
	struct frame *f;
	bool close, suffix;
	long at;
	int rc = 0;

	if (mp->stopped != 0)
		return mp->stopped;
	f = top(mp);
	/* A last line without its end: a boundary, a header line, data. */
	if (f != NULL && f->in_headers && mp->hline.len > 0) {
		at = mp->hline_over ? -1 :
		                      match_boundary(mp, mp->hline.data,
		                          mp->hline.len, true, &close, &suffix);
		if (at >= 0)
			rc = on_boundary(mp, (size_t)at, close, suffix,
			    mp->hline.data, mp->hline.len);
		else
			rc = header_line(mp, f, mp->hline.data, mp->hline.len,
			    mp->line_offset, mp->hline_over);
		lf_buf_reset(&mp->hline);
	} else if (f != NULL && mp->llen > 0 && mp->ls == L_COLLECT) {
		at = match_boundary(mp, mp->line, mp->llen, true, &close,
		    &suffix);
		if (at >= 0 &&
		    (close ||
		        !too_many_parts(mp, &f->part,
		            mp->line_offset - mp->nheld)))
			rc = on_boundary(mp, (size_t)at, close, suffix,
			    mp->line, mp->llen);
		else if ((rc = flush_held(mp)) == 0)
			rc = content(mp, mp->line, mp->llen);
		mp->llen = 0;
	}
	if (rc == 0 && mp->pending_cr) {
		mp->pending_cr = false;
		rc = content(mp, (const uint8_t *)"\r", 1);
	}
	/* No boundary follows: the last line end is content. */
	if (rc == 0)
		rc = flush_held(mp);
	if (rc == 0 && (f = top(mp)) != NULL && f->in_headers)
		report(mp, &f->part, "mime.truncated-headers", LF_SEV_LOW,
		    mp->offset, NULL);
	while (rc == 0 && mp->nframes > 0)
		rc = pop(mp, mp->offset);
	if (mp->stopped != 0)
		return mp->stopped;
	return rc;
}

/*
 * A parser for the decoded content of host (a part of the parser mp), as
 * a message that host stands for: its parts are numbered below host's.
 */
static int
sub_parser_new(struct lf_mime_parser *mp, const struct lf_mime_part *host,
    struct lf_mime_parser **out)
{
	struct lf_mime_parser *sub;
	int rc;

	if ((rc = lf_mime_parser_new(mp->lim, &mp->h, mp->arg, &sub,
	         &mp->err)) != LF_OK)
		return rc;
	sub->parts = mp->parts;
	sub->reported_parts = mp->reported_parts;
	sub->stack[0]->silent = true;
	(void)snprintf(sub->stack[0]->part.path, LF_MIME_PATH_MAX, "%s",
	    host->path);
	sub->stack[0]->part.depth = host->depth;
	sub->stack[0]->part.parent = host;
	*out = sub;
	return LF_OK;
}

int
lf_mime_parser_new(const struct lf_limits *limits,
    const struct lf_mime_handler *handler, void *arg,
    struct lf_mime_parser **out, struct lf_error *err)
{
	struct lf_mime_parser *mp;
	int rc;

	if ((mp = calloc(1, sizeof(*mp))) == NULL)
		return lf_error_set(err, LF_E_NOMEM, "mime parser");
	mp->lim = limits;
	mp->parts = &mp->own_parts;
	mp->h = *handler;
	mp->arg = arg;
	lf_buf_init(&mp->hline, (size_t)limits->header_bytes);
	if ((rc = push_entity(mp, "", true, 0)) != LF_OK) {
		if (err != NULL)
			*err = mp->err;
		lf_mime_parser_free(mp);
		return rc;
	}
	*out = mp;
	return LF_OK;
}

void
lf_mime_parser_free(struct lf_mime_parser *mp)
{
	size_t i;

	if (mp == NULL)
		return;
	for (i = 0; i < mp->nframes; i++)
		frame_free(mp->stack[i]);
	for (i = 0; i < mp->nspare; i++)
		frame_free(mp->spare[i]);
	for (i = 0; i < SPARE_DECODERS; i++)
		lf_decoder_free(mp->spare_dec[i]);
	free(mp->stack);
	free(mp->line);
	lf_buf_release(&mp->hline);
	free(mp);
}

int
lf_mime_parser_reset(struct lf_mime_parser *mp, struct lf_error *err)
{
	struct lf_mime_parser old;
	size_t i;
	int rc;

	for (i = 0; i < mp->nframes; i++)
		frame_put(mp, mp->stack[i]);
	old = *mp;
	memset(mp, 0, sizeof(*mp));
	mp->lim = old.lim;
	mp->h = old.h;
	mp->arg = old.arg;
	mp->stack = old.stack;
	mp->cap = old.cap;
	mp->line = old.line;
	mp->line_cap = old.line_cap;
	mp->hline = old.hline;
	lf_buf_reset(&mp->hline);
	memcpy(mp->spare, old.spare, sizeof(mp->spare));
	mp->nspare = old.nspare;
	memcpy(mp->spare_dec, old.spare_dec, sizeof(mp->spare_dec));
	mp->parts = &mp->own_parts;
	if ((rc = push_entity(mp, "", true, 0)) != LF_OK && err != NULL)
		*err = mp->err;
	return rc;
}
