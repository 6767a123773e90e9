#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int lu_log_level = LU_LOG_INFO;
static const char *log_ident = "luyu";

static const char *const level_names[] = {
    [LU_LOG_ERR] = "err",       [LU_LOG_WARNING] = "warning",
    [LU_LOG_NOTICE] = "notice", [LU_LOG_INFO] = "info",
    [LU_LOG_DEBUG] = "debug",
};

int lu_log_level_parse(const char *name)
{
    for (int i = LU_LOG_ERR; i <= LU_LOG_DEBUG; i++) {
        if (strcmp(name, level_names[i]) == 0)
            return i;
    }
    if (strcmp(name, "error") == 0)
        return LU_LOG_ERR;
    if (strcmp(name, "warn") == 0)
        return LU_LOG_WARNING;
    return -EINVAL;
}

void lu_log_set_ident(const char *ident)
{
    log_ident = ident;
}

const char *lu_log_ident(void)
{
    return log_ident;
}

void lu_log_write(int level, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* One fprintf per line so that concurrent writers do not interleave. */
    fprintf(stderr, "<%d>%s: %s\n", level, log_ident, buf);
}

bool lu_ratelimit_ok(struct lu_ratelimit *rl, unsigned burst,
                     unsigned interval_ms, uint64_t *suppressed)
{
    uint64_t now = lu_mono_ms();

    if (rl->window_start_ms == 0 || now - rl->window_start_ms >= interval_ms) {
        rl->window_start_ms = now ? now : 1;
        rl->used = 0;
    }
    if (rl->used >= burst) {
        rl->suppressed++;
        return false;
    }
    rl->used++;
    if (suppressed != NULL)
        *suppressed = rl->suppressed;
    rl->suppressed = 0;
    return true;
}
