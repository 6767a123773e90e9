#include "html.h"

#include <string.h>

#include "i18n.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80                   ? 1
                 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2
                 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3
                 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
                                               : 0;

    if (len == 0 || len > n || !lu_utf8_valid((const char *)s, len))
        return 0;
    return len;
}

void lu_html_escn(struct lu_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t len = utf8_len(p + i, n - i);

        switch (len ? p[i] : 0) {
        case '&':
            lu_buf_adds(b, "&amp;");
            break;
        case '<':
            lu_buf_adds(b, "&lt;");
            break;
        case '>':
            lu_buf_adds(b, "&gt;");
            break;
        case '"':
            lu_buf_adds(b, "&quot;");
            break;
        case '\'':
            lu_buf_adds(b, "&#39;");
            break;
        case 0:
            /* Not UTF-8, or a NUL: the replacement character. */
            lu_buf_adds(b, "\xef\xbf\xbd");
            len = 1;
            break;
        default:
            lu_buf_add(b, p + i, len);
        }
        i += len;
    }
}

void lu_html_esc(struct lu_buf *b, const char *s)
{
    lu_html_escn(b, s, strlen(s));
}

void lu_html_page_head(struct lu_buf *b, const char *css, const char *title,
                       const char *daemon_id)
{
    lu_buf_printf(b,
                  "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
                  "<meta charset=\"utf-8\"><meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">"
                  "<link rel=\"stylesheet\" href=\"%s\"><title>",
                  css);
    lu_html_esc(b, title);
    lu_buf_adds(b, "</title></head><body><header><strong>");
    lu_html_esc(b, _("Shandong-Chongqing cooperation ledger"));
    lu_buf_adds(b, "</strong> ");
    lu_html_esc(b, daemon_id);
}

void lu_html_page_main(struct lu_buf *b, const char *title)
{
    lu_buf_adds(b, "</header><main><h1>");
    lu_html_esc(b, title);
    lu_buf_adds(b, "</h1>");
}
