/*
 * lf/keyfile.h: a signing key's three files, made all or none.
 *
 *   NAME.key           the private key, PEM PKCS#8 (encrypted when a
 *                      passphrase is given), mode 0600
 *   NAME.pub           the public key, PEM SubjectPublicKeyInfo
 *   NAME.minisign.pub  the public key in minisign's format
 *
 * No file that exists is ever replaced or written to, whatever it is (a
 * file, a directory, a symbolic link, dangling or not).  Each file is
 * written and synced under no name at all (an O_TMPFILE file; where the
 * filesystem or /proc cannot do that, a hidden ".NAME.key.<random hex>" in
 * the same directory, with the final mode), and then linked under its name,
 * which fails rather than replace anything.  The public files are linked
 * first and the private key last; when one cannot be linked, those already
 * linked are removed again.  So a final name only ever holds a complete
 * file, a crash can at worst leave complete public files without their
 * private key, and nothing is left when a name was taken.  The
 * environment variable LF_KEYFILE_NAMED (any value) makes the hidden
 * named files be used even where they are not needed, to test that path.
 */
#ifndef LF_KEYFILE_H
#define LF_KEYFILE_H

#include <stddef.h>

#include "lf/error.h"
#include "lf/sigkey.h"

/*
 * lf_keyfile_create: write the three files of k (which must hold its
 * private key) named base + ".key", ".pub" and ".minisign.pub", the
 * private key encrypted with pass[0..passlen) when pass is not NULL.
 * base may hold a directory part, which must exist.  Returns LF_OK;
 * LF_E_IO with sys_errno EEXIST when a name is taken (the message names
 * it), or another errno; LF_E_INVAL for an empty or too long name;
 * errors of lf_sigkey_private_pem.  After an error no file is left.
 */
int lf_keyfile_create(const char *base, const struct lf_sigkey *k,
    const char *pass, size_t passlen, struct lf_error *err);

/*
 * lf_keyfile_read: read the whole key file at path (at most
 * LF_SIGKEY_FILE_MAX bytes; a FIFO or device is refused) into a new
 * buffer from OPENSSL_secure_malloc, for lf_sigkey_load_*; the caller
 * frees it with OPENSSL_secure_clear_free(*p, *n).  Returns LF_OK,
 * LF_E_IO, LF_E_LIMIT, LF_E_FORMAT (not a regular file) or LF_E_NOMEM.
 */
int lf_keyfile_read(const char *path, unsigned char **p, size_t *n,
    struct lf_error *err);

#endif
