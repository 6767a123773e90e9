/* Amounts as a person reads them: the one place that renders a stored
 * amount for people (tables, text, Markdown, HTML). Machine formats (CSV,
 * JSON) keep exact base units through lu_amount_format() instead.
 *
 * With Chinese messages (the zh_CN catalogue in use), money is shown as a
 * Chinese reader expects it: below 1万元 in yuan with separators
 * ("1,250.50元"), from 1万元 in 万元 ("125.00万元"), from 1亿元 in 亿元
 * ("1.50亿元"), two decimals rounded half away from zero. Otherwise money is
 * exact yuan with separators ("1,250.50 yuan"). People and counts are whole
 * numbers with separators and their unit ("1,234人", "1,234 persons"). */
#ifndef LU_MONEY_H
#define LU_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any int64 amount rendered by this module. */
#define LU_MONEY_LEN 64

/* Renders fen (may be negative: a change) as money. Returns buf. */
char *lu_money_yuan(int64_t fen, char *buf, size_t len);

/* Renders an amount in an indicator's base unit: "yuan" with scale 100 (in
 * fen) as money, "persons" and "count" with their unit; anything else as a
 * bare number with separators (two decimals for scale 100). The plan has
 * only scales 1 and 100. Returns buf. */
char *lu_money_amount(int64_t amount, const char *base_unit, int scale,
                      char *buf, size_t len);

/* The number alone, grouped by thousands: 1234567 with decimals 2 gives
 * "12,345.67", with 0 "1,234,567". Returns buf. */
char *lu_money_group(int64_t n, int decimals, char *buf, size_t len);

/* Whether money is shown in 万元/亿元 (Chinese messages are in use). */
int lu_money_chinese(void);

#endif
