/*
 * lf_dkim_impl.h: what lf_dkim.c shares with lf_dkimverify.c.  Private to
 * the library.
 */
#ifndef LF_DKIM_IMPL_H
#define LF_DKIM_IMPL_H

/* The reason lf_dkim_sig_parse gives when the only fault is base64 junk
 * after the padding of b= or bh=; compared by address. */
extern const char lf_dkim_reason_junk[];

#endif
