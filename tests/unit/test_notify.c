/* The sd_notify protocol against a fake supervisor: a unix datagram socket
 * bound in a scratch directory (and one in the abstract namespace) that
 * receives exactly the datagrams systemd would; the errors a bad
 * $NOTIFY_SOCKET gives; and reading $WATCHDOG_USEC/$WATCHDOG_PID. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "test.h"

/* Binds a datagram socket at name ('@' for abstract) with a receive
 * timeout, so a missing datagram fails the test instead of hanging it. */
static int listener(const char *name)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = 2};
    size_t len = strlen(name);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    memcpy(sa.sun_path, name, len);
    if (name[0] == '@')
        sa.sun_path[0] = '\0';
    if (fd < 0 ||
        bind(fd, (struct sockaddr *)&sa,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
        perror("bind notify listener");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

/* Receives one datagram as a string ("" when none arrived). Unix datagrams
 * are queued by the time send() returns, so flags may be MSG_DONTWAIT to
 * check that nothing was sent. */
static const char *recv_flags(int fd, int flags)
{
    static char buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf) - 1, flags);

    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static const char *recv_one(int fd)
{
    return recv_flags(fd, 0);
}

static void test_datagrams(int fd)
{
    const char *got;
    unsigned long long usec;
    struct timespec ts;
    uint64_t now;

    ASSERT_EQ(lu_notify("READY=1"), 0);
    ASSERT_STREQ(recv_one(fd), "READY=1");
    ASSERT_EQ(lu_notifyf("STATUS=%d of %d nodes up, %s", 3, 14, "链路正常"), 0);
    ASSERT_STREQ(recv_one(fd), "STATUS=3 of 14 nodes up, 链路正常");
    ASSERT_EQ(lu_notify("WATCHDOG=1"), 0);
    ASSERT_STREQ(recv_one(fd), "WATCHDOG=1");
    ASSERT_EQ(lu_notify("STOPPING=1\nSTATUS=stopping"), 0);
    ASSERT_STREQ(recv_one(fd), "STOPPING=1\nSTATUS=stopping");

    ASSERT_EQ(lu_notify_reloading(), 0);
    got = recv_one(fd);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    ASSERT_EQ(strncmp(got, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
    ASSERT_EQ(sscanf(got + 27, "%llu", &usec), 1);
    ASSERT_TRUE(usec <= now && now - usec < 2000000);
    ASSERT_TRUE(strchr(got + 27, '\n') == NULL);

    /* Nothing else was sent. */
    ASSERT_EQ(lu_notify(""), -EINVAL);
    ASSERT_EQ(lu_notify(NULL), -EINVAL);
    ASSERT_STREQ(recv_flags(fd, MSG_DONTWAIT), "");
}

static void test_path_socket(void)
{
    char dir[] = "/tmp/luyu-notify-XXXXXX", path[256];
    int fd;

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/notify.sock", dir);
    fd = listener(path);
    setenv("NOTIFY_SOCKET", path, 1);
    test_datagrams(fd);
    close(fd);
    /* The supervisor is gone: the error is reported, nothing crashes. */
    unlink(path);
    ASSERT_EQ(lu_notify("READY=1"), -ENOENT);
    rmdir(dir);
}

static void test_abstract_socket(void)
{
    char name[108];
    int fd;

    snprintf(name, sizeof(name), "@luyu-test-notify-%d", (int)getpid());
    fd = listener(name);
    setenv("NOTIFY_SOCKET", name, 1);
    test_datagrams(fd);
    close(fd);
    ASSERT_EQ(lu_notify("READY=1"), -ECONNREFUSED);
}

static void test_bad_socket(void)
{
    char longname[200];

    unsetenv("NOTIFY_SOCKET");
    ASSERT_EQ(lu_notify("READY=1"), 0);
    ASSERT_EQ(lu_notifyf("STATUS=%s", "x"), 0);
    ASSERT_EQ(lu_notify_reloading(), 0);
    setenv("NOTIFY_SOCKET", "relative/notify.sock", 1);
    ASSERT_EQ(lu_notify("READY=1"), -EAFNOSUPPORT);
    setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
    ASSERT_EQ(lu_notify("READY=1"), -EAFNOSUPPORT);
    setenv("NOTIFY_SOCKET", "@", 1);
    ASSERT_EQ(lu_notify("READY=1"), -EINVAL);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[0] = '/';
    longname[sizeof(longname) - 1] = '\0';
    setenv("NOTIFY_SOCKET", longname, 1);
    ASSERT_EQ(lu_notify("READY=1"), -E2BIG);
    unsetenv("NOTIFY_SOCKET");
}

static void test_watchdog(void)
{
    char pid[32];

    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_USEC", "30000000", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 30000);
    /* Rounded up, so a sub-millisecond interval is not "no watchdog". */
    setenv("WATCHDOG_USEC", "1500", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 2);
    setenv("WATCHDOG_USEC", "1", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 1);
    setenv("WATCHDOG_USEC", "0", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_USEC", "", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_USEC", "30s", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_USEC", "-5", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_USEC", "99999999999999999999999", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);

    setenv("WATCHDOG_USEC", "20000000", 1);
    snprintf(pid, sizeof(pid), "%d", (int)getpid());
    setenv("WATCHDOG_PID", pid, 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 20000);
    /* Inherited from a parent: not ours. */
    snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
    setenv("WATCHDOG_PID", pid, 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    setenv("WATCHDOG_PID", "self", 1);
    ASSERT_EQ(lu_notify_watchdog_ms(), 0);
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
}

int main(void)
{
    test_path_socket();
    test_abstract_socket();
    test_bad_socket();
    test_watchdog();
    TEST_DONE();
}
