/*
 * lf/dkimkeys.h: DKIM key records from a file instead of DNS, the form
 * OpenDKIM's TestPublicKeys and dkimpy test harnesses read:
 *
 *   # comment
 *   <selector>._domainkey.<domain>[.] <TXT record text>
 *
 * one record per line, the name and the text separated by blanks.  The
 * text is taken as it stands (to the end of the line, trailing blanks and
 * CR removed) or, when it starts with a double quote, as zone-file quoted
 * strings ("v=DKIM1; k=rsa; " "p=MIIB...") joined without separator, as a
 * TXT record's strings are (RFC 6376 3.6.2.2), with \" \\ and \DDD
 * escapes.  Names match in any case, with or without the trailing dot.
 *
 * Anomaly codes (offset: the line in the file):
 *
 *   dkimkeys.no-text           low     a name without a record: skipped
 *   dkimkeys.bad-quote         medium  a quoted string without its end, or
 *                                      bytes between strings: skipped
 *   dkimkeys.duplicate         medium  a name given twice: the first
 *                                      record counts
 *   dkimkeys.limit             medium  more records than max_records, or
 *                                      a line over 64 KiB: the rest, or
 *                                      the line, is skipped
 */
#ifndef LF_DKIMKEYS_H
#define LF_DKIMKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/error.h"

struct lf_dkimkeys;

/*
 * lf_dkimkeys_parse: read the key file p[0..n) (copied: p may be freed
 * afterwards), at most max_records records.  Returns LF_OK and a new key
 * set in *out (free with lf_dkimkeys_free), or LF_E_INVAL / LF_E_NOMEM
 * with *out untouched.
 */
int lf_dkimkeys_parse(const uint8_t *p, size_t n, size_t max_records,
    struct lf_dkimkeys **out, lf_anomaly_fn anomaly, void *arg,
    struct lf_error *err);

/*
 * lf_dkimkeys_count: the records kept.
 */
size_t lf_dkimkeys_count(const struct lf_dkimkeys *k);

/*
 * lf_dkimkeys_lookup: the record for name, in the form of struct
 * lf_dkim_options' key function (arg is the struct lf_dkimkeys *).
 * Returns 1 and sets *txt, *len (borrowed from the key set), or 0.
 */
int lf_dkimkeys_lookup(void *arg, const char *name, const uint8_t **txt,
    size_t *len);

/*
 * lf_dkimkeys_free: free the key set.  NULL is allowed.
 */
void lf_dkimkeys_free(struct lf_dkimkeys *k);

#endif
