/* Logging to stderr with syslog priority prefixes ("<3>" ... "<7>") that
 * journald turns into priorities. The macro checks the level before it
 * formats anything, so debug logging costs nothing when it is off. */
#ifndef LU_LOG_H
#define LU_LOG_H

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
void lu_log_write(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define lu_log(level, ...)                                                     \
    do {                                                                       \
        if ((level) <= lu_log_level)                                           \
            lu_log_write((level), __VA_ARGS__);                                \
    } while (0)

#define lu_err(...) lu_log(LU_LOG_ERR, __VA_ARGS__)
#define lu_warn(...) lu_log(LU_LOG_WARNING, __VA_ARGS__)
#define lu_notice(...) lu_log(LU_LOG_NOTICE, __VA_ARGS__)
#define lu_info(...) lu_log(LU_LOG_INFO, __VA_ARGS__)
#define lu_debug(...) lu_log(LU_LOG_DEBUG, __VA_ARGS__)

#endif
