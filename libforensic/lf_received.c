/*
 * lf_received.c: a Received field read into clauses.
 *
 * The value is cut into tokens (words, quoted strings, [literals],
 * comments, ";"), never recursing: comments nest, but a depth counter is
 * all they need.  The date is what follows the last ";" outside comments,
 * since a comment may hold ";" and qmail writes a comment before it
 * ("(qmail 17913 invoked from network); 21 May 2019 ...").  The client's
 * address is looked for where each server writes it: Postfix and sendmail
 * "name (rdns [ip])", Exim "name ([ip] helo=x)", qmail "name (HELO x)
 * (ip)", Exchange "name (ip)", a bare "[ip]".
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "lf/error.h"
#include "lf/received.h"

enum tok_kind { T_WORD, T_COMMENT, T_SEMI, T_END };

struct tok {
	enum tok_kind kind;
	size_t s, e; /* [s, e) in the value */
};

struct rx {
	const uint8_t *v;
	size_t n;
	lf_anomaly_fn anomaly;
	void *arg;
};

static void
note(const struct rx *x, const char *code, enum lf_severity sev, size_t off,
    const char *detail)
{
	struct lf_anomaly a = {code, sev, off, detail};

	if (x->anomaly != NULL)
		x->anomaly(x->arg, &a);
}

static bool
space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
word_end(uint8_t c)
{
	return space(c) || c == '(' || c == ')' || c == ';';
}

/* The comment starting at s ("("); returns the offset past its ")". */
static size_t
comment_end(const struct rx *x, size_t s, size_t end, bool quiet)
{
	size_t depth = 0, i;

	for (i = s; i < end; i++) {
		if (x->v[i] == '\\' && i + 1 < end)
			i++;
		else if (x->v[i] == '(')
			depth++;
		else if (x->v[i] == ')' && --depth == 0)
			return i + 1;
	}
	if (!quiet)
		note(x, "received.unclosed-comment", LF_SEV_MEDIUM, s,
		    "a comment that does not close");
	return end;
}

/* The next token in [*pos, end). */
static struct tok
next_tok(const struct rx *x, size_t *pos, size_t end, bool quiet)
{
	struct tok t = {T_END, end, end};
	size_t i = *pos;

	while (i < end && space(x->v[i]))
		i++;
	if (i == end) {
		*pos = end;
		return t;
	}
	t.s = i;
	if (x->v[i] == ';') {
		t.kind = T_SEMI;
		i++;
	} else if (x->v[i] == '(') {
		t.kind = T_COMMENT;
		i = comment_end(x, i, end, quiet);
	} else {
		t.kind = T_WORD;
		if (x->v[i] == ')') { /* a stray closer is a word of its own */
			i++;
		} else if (x->v[i] == '"') {
			for (i++; i < end && x->v[i] != '"'; i++) {
				if (x->v[i] == '\\' && i + 1 < end)
					i++;
			}
			if (i == end && !quiet)
				note(x, "received.unclosed-quote",
				    LF_SEV_MEDIUM, t.s,
				    "a quoted string that does not close");
			i = i < end ? i + 1 : end;
		}
		while (i < end && !word_end(x->v[i]))
			i++;
	}
	t.e = i;
	*pos = i;
	return t;
}

static bool
span_is(const uint8_t *p, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp((const char *)p, word, n) == 0;
}

/* Read text as an IP address into out; "IPv6:" may come first. */
static bool
read_ip(struct lf_received *r, const uint8_t *p, size_t n)
{
	char text[LF_RECEIVED_IP_MAX + 8];
	unsigned char bin[16];

	if (n >= 5 && strncasecmp((const char *)p, "IPv6:", 5) == 0) {
		p += 5;
		n -= 5;
	}
	if (n == 0 || n >= sizeof(text) || memchr(p, '\0', n) != NULL)
		return false;
	memcpy(text, p, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, bin) == 1)
		r->ip_family = AF_INET;
	else if (inet_pton(AF_INET6, text, bin) == 1)
		r->ip_family = AF_INET6;
	else
		return false;
	return inet_ntop(r->ip_family, bin, r->ip, sizeof(r->ip)) != NULL;
}

/* "[ip]" or "[ip]:port" at p: the address inside the brackets. */
static bool
read_literal(struct lf_received *r, const uint8_t *p, size_t n)
{
	const uint8_t *close;

	if (n < 2 || p[0] != '[' || (close = memchr(p, ']', n)) == NULL)
		return false;
	return read_ip(r, p + 1, (size_t)(close - p - 1));
}

/*
 * The from clause's comments: the words inside them (parentheses and
 * quotes taken away) give the client address, its reverse name and the
 * HELO name.
 */
static void
read_from_comment(const struct rx *x, struct lf_received *r, size_t s, size_t e)
{
	struct lf_span prev = {NULL, 0};
	bool want_helo = false;
	size_t i = s;

	while (i < e) {
		size_t ws;
		while (i < e &&
		    (space(x->v[i]) || x->v[i] == '(' || x->v[i] == ')' ||
		        x->v[i] == '"'))
			i++;
		ws = i;
		while (i < e && !space(x->v[i]) && x->v[i] != '(' &&
		    x->v[i] != ')' && x->v[i] != '"')
			i++;
		if (ws == i)
			break;
		const uint8_t *w = x->v + ws;
		size_t wn = i - ws;
		if (want_helo) {
			r->helo = (struct lf_span){w, wn};
			want_helo = false;
		} else if (span_is(w, wn, "HELO") || span_is(w, wn, "EHLO")) {
			want_helo = r->helo.p == NULL;
		} else if (wn > 5 &&
		    strncasecmp((const char *)w, "helo=", 5) == 0) {
			if (r->helo.p == NULL)
				r->helo = (struct lf_span){w + 5, wn - 5};
		} else if (r->ip_family == 0 && w[0] == '[' &&
		    read_literal(r, w, wn)) {
			if (prev.p != NULL)
				r->rdns = prev;
		} else if (r->ip_family == 0 && w[0] != '[') {
			(void)read_ip(r, w, wn);
		}
		prev = (struct lf_span){w, wn};
	}
}

enum clause { C_NONE, C_FROM, C_BY, C_VIA, C_WITH, C_ID, C_FOR, C_COUNT };

static enum clause
keyword(const uint8_t *p, size_t n)
{
	static const char *const names[C_COUNT] = {NULL, "from", "by", "via",
	    "with", "id", "for"};
	int c;

	for (c = C_FROM; c < C_COUNT; c++) {
		if (span_is(p, n, names[c]))
			return (enum clause)c;
	}
	return C_NONE;
}

static struct lf_span *
clause_word(struct lf_received *r, enum clause c)
{
	switch (c) {
	case C_FROM:
		return &r->from;
	case C_BY:
		return &r->by;
	case C_VIA:
		return &r->via;
	case C_WITH:
		return &r->with;
	case C_ID:
		return &r->id;
	case C_FOR:
		return &r->for_rcpt;
	default:
		return NULL;
	}
}

static void
grow(struct lf_span *s, const uint8_t *v, size_t start, size_t end)
{
	if (s->p == NULL)
		s->p = v + start;
	s->n = (size_t)(v + end - s->p);
}

/* Read the clauses in [0, end). */
static void
read_clauses(const struct rx *x, struct lf_received *r, size_t end)
{
	enum clause cur = C_NONE;
	bool seen[C_COUNT] = {false}, taken = false, skip = false;
	bool stray = false;
	size_t pos = 0;
	struct tok t;

	while ((t = next_tok(x, &pos, end, false)).kind != T_END) {
		if (t.kind == T_SEMI)
			continue; /* a ";" before the last: stray */
		if (t.kind == T_COMMENT) {
			if (cur == C_FROM && !skip)
				grow(&r->from_comment, x->v, t.s, t.e);
			else if (cur == C_BY && !skip)
				grow(&r->by_comment, x->v, t.s, t.e);
			continue;
		}
		enum clause k = keyword(x->v + t.s, t.e - t.s);
		if (k != C_NONE) {
			skip = seen[k] && k != C_WITH;
			if (skip)
				note(x, "received.repeated-clause", LF_SEV_LOW,
				    t.s, "a clause written twice");
			seen[k] = true;
			cur = k;
			taken = false;
			continue;
		}
		if (cur != C_NONE && !skip && (!taken || cur == C_WITH)) {
			grow(clause_word(r, cur), x->v, t.s, t.e);
			taken = true;
		} else if (cur == C_NONE && !stray) {
			note(x, "received.stray-text", LF_SEV_LOW, t.s,
			    "words before any clause");
			stray = true;
		}
	}
	if (r->from.p != NULL && read_literal(r, r->from.p, r->from.n)) {
		/* the from word is the address itself */
	} else if (r->from_comment.p != NULL) {
		read_from_comment(x, r, (size_t)(r->from_comment.p - x->v),
		    (size_t)(r->from_comment.p - x->v) + r->from_comment.n);
	}
}

int
lf_received_parse(const uint8_t *v, size_t n, struct lf_received *out,
    lf_anomaly_fn anomaly, void *arg)
{
	struct rx x = {v, n, anomaly, arg};
	struct lf_received r;
	size_t pos = 0, semi = n;
	bool has_semi = false;
	struct tok t;

	if (out == NULL || (v == NULL && n > 0))
		return LF_E_INVAL;
	memset(&r, 0, sizeof(r));
	while ((t = next_tok(&x, &pos, n, true)).kind != T_END) {
		if (t.kind == T_SEMI) {
			semi = t.s;
			has_semi = true;
		}
	}
	read_clauses(&x, &r, semi);
	if (r.by.p == NULL)
		note(&x, "received.no-by", LF_SEV_LOW, 0,
		    "no \"by\" clause: the receiving server is not named");
	if (!has_semi) {
		note(&x, "received.no-date", LF_SEV_MEDIUM, n,
		    "no date after a \";\"");
	} else {
		size_t s = semi + 1, e = n;
		while (s < e && space(v[s]))
			s++;
		while (e > s && space(v[e - 1]))
			e--;
		r.date_text = (struct lf_span){v + s, e - s};
		r.has_date =
		    lf_date_parse(v + s, e - s, &r.date, NULL) == LF_OK;
		if (!r.has_date)
			note(&x, "received.bad-date", LF_SEV_MEDIUM, s,
			    "the text after the last \";\" is not a date");
	}
	*out = r;
	return LF_OK;
}
