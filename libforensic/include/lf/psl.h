/*
 * lf/psl.h: organizational domains from the Public Suffix List, as DMARC
 * (RFC 7489 section 3.2) defines them, to tell whether two addresses of
 * a message belong to one organization.
 *
 * The list is data: Debian's publicsuffix package ships a snapshot
 * (/usr/share/publicsuffix/public_suffix_list.dat).  Rules are matched on
 * bytes, without regard to ASCII case: a name in Unicode matches a rule
 * written in Unicode, a name in punycode ("xn--") one written so.
 */
#ifndef LF_PSL_H
#define LF_PSL_H

#include <stddef.h>

#include "lf/error.h"

#define LF_PSL_DEFAULT "/usr/share/publicsuffix/public_suffix_list.dat"
#define LF_PSL_DOMAIN_MAX 253

struct lf_psl;

/*
 * lf_psl_parse: the list in the n bytes at text (the .dat form: one rule
 * a line, "*." wildcards, "!" exceptions, "//" comments).  Returns LF_OK
 * and a new list in *out (free with lf_psl_free), LF_E_FORMAT (no rule),
 * LF_E_NOMEM.
 */
int lf_psl_parse(const char *text, size_t n, struct lf_psl **out,
    struct lf_error *err);

/* lf_psl_load: the same from a file (16 MiB at most); LF_E_IO too. */
int lf_psl_load(const char *path, struct lf_psl **out, struct lf_error *err);

void lf_psl_free(struct lf_psl *p);

/*
 * lf_psl_org_domain: the organizational domain of the n bytes at domain
 * (the public suffix and one label more), lowercased, into out with a
 * NUL; returns its length, or 0 when there is none (the name is itself a
 * public suffix, is empty, starts with a dot, has an empty label, or is
 * longer than LF_PSL_DOMAIN_MAX).  A final dot is ignored.
 */
size_t lf_psl_org_domain(const struct lf_psl *p, const char *domain, size_t n,
    char out[LF_PSL_DOMAIN_MAX + 1]);

#endif
