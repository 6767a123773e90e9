/* The sd_notify protocol without libsystemd: each state change is one
 * datagram of "KEY=VALUE" lines sent to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'),
 * as systemd documents in sd_notify(3). Outside systemd, where the variable
 * is unset, every call is a cheap no-op, so the daemons call these
 * unconditionally. Typical states: "READY=1", "STATUS=...", "WATCHDOG=1",
 * "STOPPING=1"; use lu_notify_reloading() for "RELOADING=1". */
#ifndef LU_NOTIFY_H
#define LU_NOTIFY_H

#include <stdint.h>

/* Sends state (one or more newline-separated KEY=VALUE lines) as one
 * datagram. Returns 0 when sent or when $NOTIFY_SOCKET is unset; a negative
 * errno otherwise (-EINVAL for an empty state, -EAFNOSUPPORT for a socket
 * that is neither a path nor '@'-abstract, -E2BIG for a name too long for
 * sockaddr_un, or the errno of socket/connect/send). Failures are for the
 * caller to log or ignore: a daemon keeps running without its supervisor's
 * attention. */
int lu_notify(const char *state);

/* printf-style lu_notify(): lu_notifyf("STATUS=%d nodes up", n). */
int lu_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "RELOADING=1" with "MONOTONIC_USEC=<CLOCK_MONOTONIC now>": systemd 253
 * and later (Type=notify-reload) require the timestamp to match the reload
 * with the following "READY=1"; older versions ignore it. */
int lu_notify_reloading(void);

/* The watchdog interval systemd asks for, in milliseconds (from
 * $WATCHDOG_USEC, rounded up), or 0 when there is none: the variable is
 * unset or not a positive number, or $WATCHDOG_PID is set and names another
 * process. Send "WATCHDOG=1" from the event loop at half this interval. */
uint64_t lu_notify_watchdog_ms(void);

#endif
