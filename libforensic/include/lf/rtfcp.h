/*
 * lf/rtfcp.h: compressed RTF (MS-OXRTFCP), as Outlook keeps message
 * bodies in .msg files (PidTagRtfCompressed) and TNEF.
 */
#ifndef LF_RTFCP_H
#define LF_RTFCP_H

#include <stddef.h>
#include <stdint.h>

#include "lf/anomaly.h"
#include "lf/buf.h"
#include "lf/error.h"

/*
 * lf_rtfcp_decompress: the RTF that the n bytes at in hold, appended to
 * out (whose max bounds it).  "MELA" (uncompressed) and "LZFu"
 * (compressed) are read; a wrong CRC, a size that disagrees with the
 * header, a truncated stream or output cut at out->max are anomalies
 * ("rtf.bad-crc", "rtf.size-mismatch", "rtf.truncated", "rtf.too-large")
 * and what could be decoded is kept.  Returns LF_OK, LF_E_FORMAT (not
 * compressed RTF at all: bad header) or LF_E_NOMEM.
 */
int lf_rtfcp_decompress(const uint8_t *in, size_t n, struct lf_buf *out,
    lf_anomaly_fn anomaly, void *anomaly_arg, struct lf_error *err);

#endif
