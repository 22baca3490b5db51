/*
 * tests/fuzz/fuzz_sender.c: mailboxes and the Public Suffix List on
 * hostile bytes.
 *
 * The input is split at its first NUL: what comes before is a suffix
 * list, what comes after a From value.  Properties: a mailbox read has an
 * "@" in its address, a domain that is the address's tail, lowercased,
 * without a final dot, and an organizational domain that is the domain
 * or one of its tails; the domain read into Unicode is the domain itself
 * when no label is in punycode, and nothing when one is not valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lf/psl.h"
#include "lf/sender.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
tail_of(const char *s, const char *t)
{
	size_t n = strlen(s), k = strlen(t);

	return k <= n && memcmp(s + n - k, t, k) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	struct lf_psl *psl = NULL;
	struct lf_mailbox m;
	char shown[LF_PSL_DOMAIN_MAX + 1];
	char udomain[LF_SENDER_UDOMAIN_MAX + 1];
	enum lf_idn idn;
	size_t split = nul != NULL ? (size_t)(nul - data) : 0;

	if (nul != NULL)
		(void)lf_psl_parse((const char *)data, split, &psl, NULL);
	if (nul != NULL)
		split++;
	if (lf_mailbox_read(data + split, size - split, psl, &m)) {
		const char *at = strrchr(m.address, '@');
		size_t i;
		if (at == NULL || m.domain[0] == '\0')
			abort();
		for (i = 0; m.domain[i] != '\0'; i++) {
			if (m.domain[i] >= 'A' && m.domain[i] <= 'Z')
				abort();
		}
		if (m.org[0] != '\0' && !tail_of(m.domain, m.org))
			abort();
		(void)lf_display_names_address(m.display, shown);
		if (lf_domain_unicode(m.domain, udomain, &idn) == LF_OK &&
		    ((idn == LF_IDN_NONE && strcmp(udomain, m.domain) != 0) ||
		        (idn == LF_IDN_INVALID && udomain[0] != '\0')))
			abort();
	}
	lf_psl_free(psl);
	return 0;
}
