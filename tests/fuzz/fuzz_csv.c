/* Fuzzes the CSV reader: it must end cleanly or with a reason on any bytes,
 * hand out only fields within its limits, and read its own canonical output
 * (fields rewritten with lu_buf_csv_str) back to the same records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BOM "\xEF\xBB\xBF"

/* Reads every record of data, checking what the reader promises, and
 * appends them in canonical form to out. Returns the reader's last result. */
static int read_all(const char *data, size_t len, struct lu_buf *out)
{
    struct lu_csv *csv = lu_csv_new(data, len);
    char **fields;
    size_t n;
    int line, prev = 0, r;
    char err[256];

    while ((r = lu_csv_next(csv, &fields, &n, &line, err, sizeof(err))) == 1) {
        if (n == 0 || n > 64 || line <= prev)
            abort();
        prev = line;
        for (size_t i = 0; i < n; i++) {
            size_t flen = strlen(fields[i]);

            if (flen > 64 * 1024 || !lu_utf8_valid(fields[i], flen))
                abort();
            if (i > 0)
                lu_buf_add(out, ",", 1);
            lu_buf_csv_str(out, fields[i]);
        }
        /* A record of one empty field would otherwise be a blank line. */
        if (n == 1 && fields[0][0] == '\0')
            lu_buf_adds(out, "\"\"");
        lu_buf_add(out, "\n", 1);
    }
    if (r < 0 && (err[0] == '\0' || line < prev))
        abort();
    /* Errors stick: asking again must not turn a broken file into an end. */
    if (r < 0 && lu_csv_next(csv, &fields, &n, &line, err, sizeof(err)) != r)
        abort();
    lu_csv_free(csv);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lu_buf first, second;

    lu_buf_init(&first);
    lu_buf_init(&second);
    /* A first field that starts with U+FEFF would read back as a BOM and
     * lose it, so the canonical form opens with a BOM of its own. */
    lu_buf_add(&first, BOM, 3);
    read_all((const char *)data, size, &first);
    if (read_all(first.data, first.len, &second) != 0 ||
        first.len - 3 != second.len ||
        (second.len > 0 &&
         memcmp(first.data + 3, second.data, second.len) != 0))
        abort();
    lu_buf_free(&first);
    lu_buf_free(&second);
    return 0;
}
