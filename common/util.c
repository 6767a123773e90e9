#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "xmalloc.h"

int64_t lu_now_s(void)
{
    return (int64_t)time(NULL);
}

int64_t lu_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t lu_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int lu_read_file(const char *path, size_t max, char **out, size_t *len)
{
    struct stat st;
    char *data = NULL;
    size_t got = 0;
    int fd, r = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        r = -errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        r = -EISDIR;
        goto out;
    }
    if ((size_t)st.st_size > max) {
        r = -EFBIG;
        goto out;
    }
    data = lu_xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    data[got] = '\0';
    *out = data;
    *len = got;
    data = NULL;
out:
    free(data);
    close(fd);
    return r;
}

int lu_write_new_file(const char *path, const char *text, unsigned mode,
                      char *err, size_t errlen)
{
    size_t len = strlen(text);
    int fd, r = 0;

    errno = 0;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return r;
    }
    /* Exact mode whatever the umask; a short write is the failure it is. */
    if (fchmod(fd, (mode_t)mode) < 0 || write(fd, text, len) != (ssize_t)len ||
        fsync(fd) < 0) {
        r = errno ? -errno : -EIO;
        snprintf(err, errlen, "%s: %s", path, strerror(-r));
    }
    close(fd);
    if (r < 0)
        unlink(path);
    return r;
}

/* The length of the valid UTF-8 sequence at s[i] (1..4), or 0 when the
 * bytes there are not one: a stray continuation byte, a sequence cut off
 * by len, an overlong form, a surrogate or a value past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t i, size_t len)
{
    unsigned c = s[i], cp;
    size_t n;

    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 1;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n >= len)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
        (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n + 1;
}

/* Whether the eight bytes at p are all ASCII. */
static bool ascii8(const unsigned char *p)
{
    uint64_t w;

    memcpy(&w, p, sizeof(w));
    return (w & 0x8080808080808080ull) == 0;
}

bool lu_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, n;

    while (i < len) {
        /* Runs of ASCII (codes and ids, most of every entry, which the hub
         * checks on the wire and again in the ledger) eight bytes at a
         * time. */
        while (i + 8 <= len && ascii8(s + i))
            i += 8;
        if (i >= len)
            break;
        n = s[i] < 0x80 ? 1 : utf8_seq(s, i, len);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* Whether s[i..len) is the start of a valid sequence that len cut off:
 * what snprintf() or "%.64s" leaves at the end of a string. */
static bool utf8_cut_off(const unsigned char *s, size_t i, size_t len)
{
    unsigned char pad[4];
    size_t n = len - i;

    if (n >= 4)
        return false;
    memcpy(pad, s + i, n);
    /* Completed with the smallest continuation bytes that keep it valid
     * (E0 and F0 need A0 and 90; the rest take 80 .. BF). */
    for (size_t k = n; k < 4; k++)
        pad[k] = k == 1 && pad[0] == 0xE0   ? 0xA0
                 : k == 1 && pad[0] == 0xF0 ? 0x90
                                            : 0x80;
    return utf8_seq(pad, 0, 4) > n;
}

char *lu_utf8_fix(char *str)
{
    unsigned char *s = (unsigned char *)str;
    size_t len = strlen(str);

    for (size_t i = 0, n; i < len; i += n) {
        n = utf8_seq(s, i, len);
        if (n == 0 && utf8_cut_off(s, i, len)) {
            s[i] = '\0';
            break;
        }
        if (n == 0) {
            s[i] = '?';
            n = 1;
        }
    }
    return str;
}

int lu_utf8_cut(const char *str, size_t max)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len = strnlen(str, max + 4), i = 0;

    while (i < len) {
        size_t n = utf8_seq(s, i, len);

        if (n == 0)
            n = 1; /* not UTF-8 at all: bytes, cut anywhere */
        if (i + n > max)
            break;
        i += n;
    }
    return (int)i;
}

bool lu_code_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
            return false;
    }
    return true;
}

int lu_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -EINVAL;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -ERANGE;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

void lu_buf_init(struct lu_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void lu_buf_free(struct lu_buf *b)
{
    free(b->data);
    lu_buf_init(b);
}

static void buf_reserve(struct lu_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    while (b->len + extra + 1 > b->cap)
        b->cap = b->cap ? b->cap * 2 : 256;
    b->data = lu_xrealloc(b->data, b->cap);
}

void lu_buf_add(struct lu_buf *b, const void *data, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void lu_buf_adds(struct lu_buf *b, const char *s)
{
    lu_buf_add(b, s, strlen(s));
}

void lu_buf_printf(struct lu_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void lu_buf_json_str(struct lu_buf *b, const char *s)
{
    lu_json_quote(b, s, strlen(s));
}

void lu_buf_csv_str(struct lu_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        lu_buf_adds(b, s);
        return;
    }
    lu_buf_add(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            lu_buf_add(b, "\"", 1);
        lu_buf_add(b, s, 1);
    }
    lu_buf_add(b, "\"", 1);
}
