/* Fuzzes amount and period parsing: whatever the input, a parse either
 * fails with a reason or yields a value in range that formats and parses
 * back to itself. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void amount(const char *s, int scale)
{
    char err[256] = "", buf[32];
    int64_t v = -1, again = -1;
    int r = lu_amount_parse(s, scale, &v, err, sizeof(err));

    if (r < 0) {
        if ((r != -EINVAL && r != -ERANGE) || err[0] == '\0')
            abort();
        return;
    }
    if (r != 0 || v < 0 || v > LU_AMOUNT_MAX)
        abort();
    lu_amount_format(v, scale, buf, sizeof(buf));
    if (lu_amount_parse(buf, scale, &again, err, sizeof(err)) != 0 ||
        again != v)
        abort();
}

static void period(const char *s)
{
    char err[256] = "", buf[16];
    uint32_t p = 0, again = 0;
    int r = lu_period_parse(s, &p, err, sizeof(err));

    if (r < 0) {
        if (r != -EINVAL || err[0] == '\0')
            abort();
        return;
    }
    if (r != 0 || !lu_period_valid(p))
        abort();
    lu_period_format(p, buf, sizeof(buf));
    if (lu_period_parse(buf, &again, err, sizeof(err)) != 0 || again != p)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parsers take C strings; the fuzzer's bytes are not terminated. */
    char *s = lu_xmalloc(size + 1);

    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    amount(s, 1);
    amount(s, 100);
    period(s);
    free(s);
    return 0;
}
