/* How luyuctl writes: errors to stderr prefixed "luyuctl: ", results to
 * stdout from an lu_buf (checked, so that a full disk or closed pipe is an
 * error and not a silent truncation), times as local ISO 8601, and text
 * from the network or the ledger made safe for a terminal. */
#ifndef CTL_OUTPUT_H
#define CTL_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

struct lu_buf;

/* Prints "luyuctl: message" on stderr and returns code, so that callers
 * can write `return ctl_output_error(CTL_EXIT_BAD, ...)`. */
int ctl_output_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints a command's usage text on stdout, translated, and returns
 * CTL_EXIT_OK. */
int ctl_output_usage(const char *usage);

/* The exit code for a failed file read or parse: a missing file, a
 * directory, an oversized or malformed file is the caller's input to fix
 * (CTL_EXIT_BAD); anything else (permissions, I/O) is CTL_EXIT_FAIL. */
int ctl_output_errno_exit(int r);

/* Writes b to stdout and empties it. Returns CTL_EXIT_OK, or prints why
 * and returns CTL_EXIT_FAIL. */
int ctl_output_write(struct lu_buf *b);

/* The same, but only once b holds enough to be worth a write: for output
 * streamed row by row. */
int ctl_output_flush(struct lu_buf *b);

/* Appends the UTF-8 byte order mark: CSV meant for Excel (--excel) starts
 * with it, or Excel on Windows reads the file as the local code page and
 * shows Chinese garbled. Never added to CSV for scripts. */
void ctl_output_bom(struct lu_buf *b);

/* Formats unix seconds as local time "2019-07-01T10:00:00+08:00". */
char *ctl_output_time(int64_t t, char *buf, size_t len);

/* Formats an age in seconds: "never" for -1, "42 s ago",
 * "3725 s ago (1 h 2 min)". */
char *ctl_output_age(int64_t s, char *buf, size_t len);

/* Appends s with control characters (newlines, escape sequences) replaced
 * by spaces: notes and reasons come from other people and machines and
 * must not be able to move a terminal's cursor or break a table's rows. */
void ctl_output_text(struct lu_buf *b, const char *s);

/* Columns a terminal gives s: two for wide East Asian characters. */
size_t ctl_output_width(const char *s);

#endif
