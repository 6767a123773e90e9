/* Months and China time for bulletins: months as YYYYMM, when a month
 * closes (00:00 China time on the issue day of the next month), which
 * month an instant falls in, and timestamps as China time. China keeps
 * UTC+8 all year; nothing here depends on the local time zone. */
#ifndef LEDGER_CALENDAR_H
#define LEDGER_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define LEDGER_CALENDAR_UTC_OFFSET (8 * 3600)

/* When the month closes: 00:00 China time on issue_day of the next month,
 * in unix s. */
int64_t ledger_calendar_close(uint32_t period, int issue_day);

/* The month (YYYYMM) that unix time t falls in, in China time. */
uint32_t ledger_calendar_month_at(int64_t t);

/* period + n months (n may be negative). */
uint32_t ledger_calendar_add(uint32_t period, int n);

/* Months from..to counting both ends (0 or less when to < from). */
int ledger_calendar_months(uint32_t from, uint32_t to);

/* Formats unix s as China time "2019-08-05T00:00:00+08:00" (whatever the
 * local zone, so that a bulletin reads the same everywhere). Returns buf,
 * which holds at least 26 bytes. */
char *ledger_calendar_format(int64_t t, char *buf, size_t len);

#endif
