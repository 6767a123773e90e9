/* See money.h. */
#include "money.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

#define WAN_FEN INT64_C(1000000)    /* 1万元 in fen */
#define YI_FEN INT64_C(10000000000) /* 1亿元 in fen */

int lu_money_chinese(void)
{
    return lu_i18n_translated();
}

char *lu_money_group(int64_t n, int decimals, char *buf, size_t len)
{
    /* Magnitude as unsigned, so that INT64_MIN needs no special case. */
    uint64_t m = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    char tmp[LU_MONEY_LEN], *p = tmp + sizeof(tmp);
    int digits = 0;

    *--p = '\0';
    do {
        if (decimals > 0 && digits == decimals)
            *--p = '.';
        else if (digits > decimals && (digits - decimals) % 3 == 0)
            *--p = ',';
        *--p = (char)('0' + m % 10);
        m /= 10;
        digits++;
    } while (m > 0 || digits <= decimals);
    if (n < 0)
        *--p = '-';
    snprintf(buf, len, "%s", p);
    return buf;
}

/* fen / unit rounded half away from zero to hundredths of unit. */
static int64_t hundredths(int64_t fen, int64_t unit)
{
    int64_t step = unit / 100;
    int64_t q = fen / step, r = fen % step;

    if (r >= step / 2 || -r >= step / 2)
        q += fen < 0 ? -1 : 1;
    return q;
}

char *lu_money_yuan(int64_t fen, char *buf, size_t len)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    char num[LU_MONEY_LEN];
    int64_t wan;

    if (!lu_money_chinese()) {
        snprintf(buf, len, _("%s yuan"),
                 lu_money_group(fen, 2, num, sizeof(num)));
        return buf;
    }
    /* The unit is chosen by the exact figure, except that 9,999.999万元
     * rounds to 1.00亿元 rather than to 10,000.00万元. */
    wan = hundredths(fen, WAN_FEN);
    if (mag >= (uint64_t)YI_FEN || wan >= 1000000 || wan <= -1000000)
        snprintf(buf, len, _("%s yi yuan"),
                 lu_money_group(hundredths(fen, YI_FEN), 2, num, sizeof(num)));
    else if (mag >= (uint64_t)WAN_FEN)
        snprintf(buf, len, _("%s wan yuan"),
                 lu_money_group(wan, 2, num, sizeof(num)));
    else
        snprintf(buf, len, _("%s yuan"),
                 lu_money_group(fen, 2, num, sizeof(num)));
    return buf;
}

char *lu_money_amount(int64_t amount, const char *base_unit, int scale,
                      char *buf, size_t len)
{
    char num[LU_MONEY_LEN];

    if (strcmp(base_unit, "yuan") == 0 && scale == 100)
        return lu_money_yuan(amount, buf, len);
    lu_money_group(amount, scale == 100 ? 2 : 0, num, sizeof(num));
    if (strcmp(base_unit, "persons") == 0)
        snprintf(buf, len, _("%s persons"), num);
    else if (strcmp(base_unit, "count") == 0)
        snprintf(buf, len, _("%s items"), num);
    else
        snprintf(buf, len, "%s", num);
    return buf;
}
