/* Logging to stderr with syslog priority prefixes ("<3>" ... "<7>") that
 * journald turns into priorities. The macro checks the level before it
 * formats anything, so debug logging costs nothing when it is off. */
#ifndef LU_LOG_H
#define LU_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum lu_log_level {
    LU_LOG_ERR = 3,
    LU_LOG_WARNING = 4,
    LU_LOG_NOTICE = 5,
    LU_LOG_INFO = 6,
    LU_LOG_DEBUG = 7,
};

extern int lu_log_level;

/* Parses "debug", "info", "notice", "warning", "err"; -EINVAL otherwise. */
int lu_log_level_parse(const char *name);
void lu_log_set_ident(const char *ident);
/* The program's name as set above ("luyu" until set), for messages that
 * name the program, such as "upgrade luyuctl". */
const char *lu_log_ident(void);
void lu_log_write(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define lu_log(level, ...)                                                     \
    do {                                                                       \
        if ((level) <= lu_log_level)                                           \
            lu_log_write((level), __VA_ARGS__);                                \
    } while (0)

/* Rate limit for log lines a peer can provoke (a flood of bad frames, a
 * node retrying with the wrong key): at most `burst` lines a window of
 * `interval_ms`. The state is the caller's, zeroed to start. */
struct lu_ratelimit {
    uint64_t window_start_ms;
    unsigned used;
    uint64_t suppressed; /* lines dropped in the windows since the last one */
};

/* True when a line may be written now. *suppressed (may be NULL) gets the
 * number of lines dropped since the last line allowed, so that line can
 * say "(N more suppressed)". */
bool lu_ratelimit_ok(struct lu_ratelimit *rl, unsigned burst,
                     unsigned interval_ms, uint64_t *suppressed);

#define lu_err(...) lu_log(LU_LOG_ERR, __VA_ARGS__)
#define lu_warn(...) lu_log(LU_LOG_WARNING, __VA_ARGS__)
#define lu_notice(...) lu_log(LU_LOG_NOTICE, __VA_ARGS__)
#define lu_info(...) lu_log(LU_LOG_INFO, __VA_ARGS__)
#define lu_debug(...) lu_log(LU_LOG_DEBUG, __VA_ARGS__)

#endif
