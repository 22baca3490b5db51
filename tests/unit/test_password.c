/*
 * Unit tests: candidate passwords in a message's text, as senders write
 * them, in several languages and in HTML; and what must not be taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lf/password.h"

struct seen {
	char all[1024]; /* candidates, '|' separated */
};

static void
found(void *arg, const char *candidate)
{
	struct seen *s = arg;
	size_t len = strlen(s->all);

	(void)snprintf(s->all + len, sizeof(s->all) - len, "%s%s",
	    len > 0 ? "|" : "", candidate);
}

static void
expect(const char *text, const char *want)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	lf_password_scan((const uint8_t *)text, strlen(text), found, &s);
	if (strcmp(s.all, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", text, s.all, want);
}

static void
phrasings(void **state)
{
	(void)state;
	expect("Password: 1234", "1234");
	expect("The password is: infected123.", "infected123");
	expect("password is 9876, thanks", "9876");
	expect("PW 1234", "1234");
	expect("pwd=Secr3t!", "Secr3t!");
	expect("pass - 1234", "1234");
	expect("Das Passwort lautet Geheim99", "Geheim99");
	expect("Mot de passe : azerty", "azerty");
	expect("Use password \"two words\" to open", "two words");
	expect("zip password: 'x y'", "x y");
	expect("Passcode: 4321;", "4321");
}

static void
other_scripts(void **state)
{
	(void)state;
	/* パスワード：1234 (full-width colon) */
	expect("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89"
	       "\xef\xbc\x9a"
	       "1234",
	    "1234");
	/* パスワードは abcd です。 */
	expect("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89"
	       " abcd\xe3\x80\x82",
	    "abcd");
	/* 密码：8888 */
	expect("\xe5\xaf\x86\xe7\xa0\x81\xef\xbc\x9a"
	       "8888",
	    "8888");
	/* Пароль: qwerty */
	expect("\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c: qwerty",
	    "qwerty");
}

static void
html_and_lines(void **state)
{
	(void)state;
	expect("<p>Password: <b>s3cret</b></p>", "s3cret");
	expect("Password:&nbsp;abc123<br>", "abc123");
	expect("password:\r\nnext line", "next");
	expect("Hi,\npassword: one\nand PW: two\n", "one|two");
}

static void
not_passwords(void **state)
{
	(void)state;
	expect("", "");
	expect("no secret here", "");
	expect("the passport is ready", "");
	expect("bypass the filter", "");
	expect("compass north", "");
	expect("password", "");
	/* Longer than LF_PASSWORD_MAX: not taken. */
	expect("password: "
	       "0123456789012345678901234567890123456789012345678901234567890"
	       "123456789",
	    "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(phrasings),
	    cmocka_unit_test(other_scripts),
	    cmocka_unit_test(html_and_lines),
	    cmocka_unit_test(not_passwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
