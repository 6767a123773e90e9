/* Text files as offices save them, turned into UTF-8: Excel and WPS on
 * Chinese Windows write "CSV" in GB18030/GBK and "Unicode text" in UTF-16
 * with a byte order mark; other tools write UTF-8 with or without a BOM.
 * The conversion is glibc's iconv; what this module adds is choosing the
 * encoding and saying where a file stops making sense. */
#ifndef LU_TEXTENC_H
#define LU_TEXTENC_H

#include <stddef.h>

/* Largest input this module converts (UTF-16 doubles nothing, GB18030 at
 * most 1.5x, so the output stays under twice this). */
#define LU_TEXTENC_MAX (64u * 1024 * 1024)

/* Converts data to UTF-8 without a BOM. enc is NULL to detect the
 * encoding, or one of "utf-8", "gb18030", "gbk", "utf-16le", "utf-16be",
 * "utf-16" (case does not matter) to force it. On success returns 0, sets
 * *out (NUL-terminated, free() it) and *outlen, and writes the name of the
 * encoding used into used (at least 16 bytes). On failure returns -EINVAL
 * (or -EFBIG) and writes a reason naming line and column and the fix into
 * err. Output never holds NUL bytes. */
int lu_textenc_to_utf8(const char *data, size_t len, const char *enc,
                       char **out, size_t *outlen, char *used, char *err,
                       size_t errlen);

/* True when enc is a name lu_textenc_to_utf8() accepts. */
int lu_textenc_known(const char *enc);

#endif
