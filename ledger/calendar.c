#include "calendar.h"

#include <stdio.h>

/* Proleptic Gregorian days since 1970-01-01 (H. Hinnant's algorithm), so
 * that nothing depends on the process's time zone or on timegm(). */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

uint32_t ledger_calendar_add(uint32_t period, int n)
{
    int64_t idx = (int64_t)(period / 100) * 12 + period % 100 - 1 + n;

    return (uint32_t)(floor_div(idx, 12) * 100 + idx - floor_div(idx, 12) * 12 +
                      1);
}

int ledger_calendar_months(uint32_t from, uint32_t to)
{
    return (int)((int64_t)(to / 100) * 12 + to % 100 -
                 ((int64_t)(from / 100) * 12 + from % 100)) +
           1;
}

int64_t ledger_calendar_close(uint32_t period, int issue_day)
{
    uint32_t next = ledger_calendar_add(period, 1);

    return days_from_civil(next / 100, next % 100, (unsigned)issue_day) *
               86400 -
           LEDGER_CALENDAR_UTC_OFFSET;
}

uint32_t ledger_calendar_month_at(int64_t t)
{
    int64_t y;
    unsigned m, d;

    civil_from_days(floor_div(t + LEDGER_CALENDAR_UTC_OFFSET, 86400), &y, &m,
                    &d);
    return (uint32_t)(y * 100 + m);
}

char *ledger_calendar_format(int64_t t, char *buf, size_t len)
{
    int64_t local = t + LEDGER_CALENDAR_UTC_OFFSET,
            day = floor_div(local, 86400);
    int64_t sec = local - day * 86400, y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    snprintf(buf, len, "%04lld-%02u-%02uT%02lld:%02lld:%02lld+08:00",
             (long long)y, m, d, (long long)(sec / 3600),
             (long long)(sec / 60 % 60), (long long)(sec % 60));
    return buf;
}
