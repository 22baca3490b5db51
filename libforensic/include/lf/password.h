/*
 * lf/password.h: the passwords a message gives for its own attachments.
 *
 * Senders of encrypted archives put the password in the text: "Password:
 * 1234", "PW 1234", "pass - 1234", "パスワード：1234", "Das Passwort
 * lautet 1234".  lf_password_scan finds such candidates in text (UTF-8,
 * or HTML, whose tags are skipped), to be tried on the archives.
 */
#ifndef LF_PASSWORD_H
#define LF_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

#define LF_PASSWORD_MAX 64 /* longest candidate, in bytes */

/* One candidate, NUL-terminated, borrowed for the call. */
typedef void (*lf_password_fn)(void *arg, const char *candidate);

/*
 * lf_password_scan: call found once for each candidate in the n bytes at
 * text, in order of appearance (a candidate may repeat).
 */
void lf_password_scan(const uint8_t *text, size_t n, lf_password_fn found,
    void *arg);

#endif
