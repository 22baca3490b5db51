/*
 * lf/findings.h: what analysts look for in an attachment: names that lie
 * (double extensions, bidi and invisible characters, paths and device
 * names), executables and scripts, macro-enabled Office documents, a
 * declared type or extension the content does not match, and HTML
 * carrying data: URLs.
 *
 * A finding is {"code", "severity", "detail"}; codes are stable:
 *   name.bidi                high    bidi control in the name (U+202E...)
 *   name.invisible           high    zero-width or other invisible character
 *   name.double-extension    high    "invoice.pdf.exe" (a document
 *                                    extension before an executable one)
 *   name.executable          medium  an executable or script extension
 *   name.path                medium  "/", "\", "..", "C:" in the name
 *   name.device              medium  CON, PRN, AUX, NUL, COM1-9, LPT1-9
 *   name.control             medium  control characters in the name
 *   name.long                low     over 255 bytes
 *   type.mismatch            high    declared type or extension and the
 *                                    real type disagree
 *   content.executable       high    a program (PE, ELF, Mach-O, MSI)
 *   content.script           high    a script (shell, JavaScript, VBS,
 *                                    PowerShell, batch, HTA, LNK)
 *   content.macro-office     high    a macro-enabled Office document
 *   content.html-data-url    medium  HTML with data: URLs (payloads and
 *                                    phishing pages carried inline)
 */
#ifndef LF_FINDINGS_H
#define LF_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lf/error.h"

/*
 * lf_findings_name: append to arr (a JSON array) the findings about a
 * name, n bytes of UTF-8 at p (as decoded; a readable form is fine).
 * Returns LF_OK or LF_E_NOMEM.
 */
int
lf_findings_name(json_t *arr, const uint8_t *p, size_t n, struct lf_error *err);

/*
 * lf_findings_type: append the findings about content whose declared type
 * is type/subtype (lowercase, "" when none), named name (n bytes, may be
 * NULL), that libmagic calls mime and description (either may be NULL when
 * it was not typed).  Returns LF_OK or LF_E_NOMEM.
 */
int lf_findings_type(json_t *arr, const char *type, const char *subtype,
    const uint8_t *name, size_t n, const char *mime, const char *description,
    struct lf_error *err);

/* Counts data: URLs in HTML as it streams by. */
struct lf_dataurl_scan {
	uint8_t tail[80]; /* the end of the last piece, for matches across */
	size_t ntail;
	uint64_t count;
};

/*
 * lf_dataurl_init, _update: count "data:<type>/<subtype>" URLs (any case,
 * inside or outside attributes) in HTML fed in pieces.
 */
void lf_dataurl_init(struct lf_dataurl_scan *s);
void lf_dataurl_update(struct lf_dataurl_scan *s, const uint8_t *p, size_t n);

#endif
