/* Amounts and periods as people type them and as luyu stores them.
 * Amounts are int64 in the indicator's base unit; money is stored in fen and
 * typed in yuan with at most two decimals. No floating point anywhere. */
#ifndef LU_AMOUNT_H
#define LU_AMOUNT_H

#include <stddef.h>
#include <stdint.h>

/* Largest amount one entry may carry, in stored units (10^13 fen is 10^11
 * yuan, 1000亿元). It does not by itself keep sums from overflowing
 * (922,338 such entries pass INT64_MAX): the hub's ledger also refuses an
 * entry that would take the ledger's total past INT64_MAX (ledger/ledger.c). */
#define LU_AMOUNT_MAX INT64_C(10000000000000)

/* Parses a typed amount such as "1234", "1234.5" or "1234.56" with `scale`
 * 1 (integers only) or 100 (two decimals). Refuses signs, spaces, exponents,
 * thousands separators, more decimals than the scale allows, and values over
 * LU_AMOUNT_MAX. Writes a reason into err on failure (-EINVAL or -ERANGE). */
int lu_amount_parse(const char *s, int scale, int64_t *out, char *err,
                    size_t errlen);

/* Formats a stored amount as typed: scale 100 gives "1234.50", scale 1 "12".
 * Returns buf. */
char *lu_amount_format(int64_t amount, int scale, char *buf, size_t len);

/* Parses "YYYY-MM" (also "YYYYMM") into YYYYMM. Year 2000..2099, month
 * 01..12. -EINVAL with a reason otherwise. */
int lu_period_parse(const char *s, uint32_t *out, char *err, size_t errlen);

/* Formats YYYYMM as "YYYY-MM" into buf (at least 8 bytes). Returns buf. */
char *lu_period_format(uint32_t period, char *buf, size_t len);

/* True for a well-formed YYYYMM (year 2000..2099, month 1..12). */
int lu_period_valid(uint32_t period);

#endif
