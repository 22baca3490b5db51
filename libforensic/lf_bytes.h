/*
 * lf_bytes.h (private): integers and base64 digits read from untrusted
 * bytes, the same way in every reader.  Little-endian integers are
 * assembled byte by byte, never by casting a struct over the input.
 */
#ifndef LF_BYTES_H
#define LF_BYTES_H

#include <stdint.h>

static inline uint16_t
lf_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
lf_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
lf_le64(const uint8_t *p)
{
	return (uint64_t)lf_le32(p) | (uint64_t)lf_le32(p + 4) << 32;
}

/* The value of a base64 digit (RFC 4648 section 4), or -1. */
static inline int
lf_b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

#endif
