/*
 * lf_password.c: candidate passwords in a message's text.
 *
 * A keyword ("password", "pw", "パスワード", ...) at a word start, then
 * optional words such as "is" or "lautet", separators (":", "：", "=",
 * "-", "is"), blanks and HTML tags, then the candidate: the run of bytes
 * up to a blank, a tag or a line end, without the punctuation that ends a
 * sentence or quotes it.  Keywords are matched without regard to ASCII
 * case.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lf/password.h"

static const char *const keywords[] = {"password", "passwort", "passcode",
    "passwd", "pass", "pwd", "pw", "kennwort", "mot de passe", "contraseña",
    "senha", "wachtwoord", "hasło", "parola", "пароль", "Пароль", "ПАРОЛЬ",
    "\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89", /* パスワード */
    "\xe5\xaf\x86\xe7\xa0\x81",                                     /* 密码 */
    "\xe5\xaf\x86\xe7\xa2\xbc",                                     /* 密碼 */
    "\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8",  /* 비밀번호 */
    "\xe6\x9a\x97\xe8\xa8\xbc\xe7\x95\xaa\xe5\x8f\xb7"}; /* 暗証番号 */

/* Words that may stand between the keyword and the candidate. */
static const char *const fillers[] = {"is", "lautet", "est", "es", "for", "to",
    "zip", "archive", "file", "the", "of", "und", "ist", "de", "du", "fichier",
    "datei", "attachment", "(case sensitive)"};

static bool
word_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

/* Does the keyword k start at p[i], not inside an ASCII word? */
static size_t
keyword_at(const uint8_t *p, size_t n, size_t i, const char *k)
{
	size_t len = strlen(k);

	if (n - i < len || strncasecmp((const char *)p + i, k, len) != 0)
		return 0;
	if ((uint8_t)k[0] < 0x80 && i > 0 && word_char(p[i - 1]) &&
	    p[i - 1] < 0x80)
		return 0;
	/* "passwords" or "passage" are not the keyword. */
	if ((uint8_t)k[len - 1] < 0x80 && i + len < n && p[i + len] < 0x80 &&
	    (word_char(p[i + len]) && p[i + len] != 's' && p[i + len] != 'S'))
		return 0;
	if ((uint8_t)k[len - 1] < 0x80 && i + len < n &&
	    (p[i + len] == 's' || p[i + len] == 'S'))
		return i + len + 1 < n && word_char(p[i + len + 1]) ? 0 :
		                                                      len + 1;
	return len;
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Skip blanks, separators, tags, entities such as &nbsp; and fillers. */
static size_t
skip_between(const uint8_t *p, size_t n, size_t i)
{
	size_t k, len, steps = 0;
	bool moved = true;

	while (moved && i < n && steps++ < 32) {
		moved = false;
		/* "Password:" may end its line, the password on the next. */
		while (i < n &&
		    (blank(p[i]) || p[i] == ':' || p[i] == '=' || p[i] == '-' ||
		        p[i] == '\r' || p[i] == '\n')) {
			i++;
			moved = true;
		}
		/* Full-width colon, en and em dashes, no-break space. */
		if (n - i >= 3 && p[i] == 0xef && p[i + 1] == 0xbc &&
		    p[i + 2] == 0x9a) {
			i += 3;
			moved = true;
		} else if (n - i >= 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0x93 || p[i + 2] == 0x94)) {
			i += 3;
			moved = true;
		} else if (n - i >= 2 && p[i] == 0xc2 && p[i + 1] == 0xa0) {
			i += 2;
			moved = true;
		}
		if (i < n && p[i] == '<') {
			for (k = i; k < n && p[k] != '>' && p[k] != '\n'; k++)
				;
			if (k < n && p[k] == '>') {
				i = k + 1;
				moved = true;
			}
		}
		if (n - i >= 6 &&
		    strncasecmp((const char *)p + i, "&nbsp;", 6) == 0) {
			i += 6;
			moved = true;
		}
		for (k = 0; k < sizeof(fillers) / sizeof(fillers[0]); k++) {
			len = strlen(fillers[k]);
			if (n - i > len &&
			    strncasecmp((const char *)p + i, fillers[k], len) ==
			        0 &&
			    !word_char(p[i + len])) {
				i += len;
				moved = true;
				break;
			}
		}
	}
	return i;
}

static bool
trailing_punct(uint8_t c)
{
	return c == '.' || c == ',' || c == ';' || c == ')' || c == '"' ||
	    c == '\'' || c == ']' || c == '>';
}

void
lf_password_scan(const uint8_t *text, size_t n, lf_password_fn found, void *arg)
{
	char cand[LF_PASSWORD_MAX + 1];
	size_t i, j, k, len, start;

	for (i = 0; i < n; i++) {
		for (k = 0, len = 0; k < sizeof(keywords) / sizeof(keywords[0]);
		     k++) {
			if ((len = keyword_at(text, n, i, keywords[k])) > 0)
				break;
		}
		if (len == 0)
			continue;
		start = skip_between(text, n, i + len);
		if (start == i + len && start < n && word_char(text[start]))
			continue; /* nothing between: part of a longer word */
		/* Quoted: up to the closing quote. */
		if (start < n && (text[start] == '"' || text[start] == '\'')) {
			uint8_t q = text[start++];
			for (j = start; j < n && text[j] != q &&
			     text[j] != '\n' && j - start <= LF_PASSWORD_MAX;
			     j++)
				;
			if (j < n && text[j] == q && j > start &&
			    j - start <= LF_PASSWORD_MAX) {
				memcpy(cand, text + start, j - start);
				cand[j - start] = '\0';
				found(arg, cand);
			}
			i = j;
			continue;
		}
		for (j = start; j < n && !blank(text[j]) && text[j] != '\n' &&
		     text[j] != '\r' && text[j] != '<';
		     j++)
			;
		/* A full-width "。" or "、" ends it too. */
		for (k = start; k + 2 < j; k++) {
			if (text[k] == 0xe3 && text[k + 1] == 0x80 &&
			    (text[k + 2] == 0x82 || text[k + 2] == 0x81)) {
				j = k;
				break;
			}
		}
		while (j > start && trailing_punct(text[j - 1]))
			j--;
		if (j > start && j - start <= LF_PASSWORD_MAX) {
			memcpy(cand, text + start, j - start);
			cand[j - start] = '\0';
			found(arg, cand);
		}
		i = j > i ? j - 1 : i;
	}
}
