/**
 * @file json_writer.c
 * @brief The bounded JSON writer of include/moat/json.h.
 *
 * Strings are emitted per RFC 8259 section 7: '"' and '\\' escaped, control
 * characters U+0000-U+001F escaped (short forms where RFC 8259 defines them,
 * \\u00XX otherwise); the input must be well-formed UTF-8 (RFC 3629) and may
 * not contain NUL (moat's parser rejects \\u0000). After an overflow the
 * writer keeps counting so that moat_json_writer_finish() reports the size
 * needed; errors are sticky.
 */
#include "moat/json.h"
#include "moat/core.h"

#include <string.h>

#include "json_internal.h"

/** Digits of INT64_MIN plus its sign. */
#define JSON_INT_MAX_CHARS 20u

static void put_byte(moat_json_writer *w, char c)
{
    if (w->len < w->cap) {
        w->buf[w->len] = c;
    }
    if (w->len < SIZE_MAX - 1u) {
        w->len++;
    } else {
        w->err = MOAT_ERR_INPUT_TOO_LARGE;
    }
}

static void put_bytes(moat_json_writer *w, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && w->err == MOAT_OK; i++) {
        put_byte(w, s[i]);
    }
}

void moat_json_writer_init(moat_json_writer *w, char *buf, size_t cap)
{
    if (w == NULL) {
        return;
    }
    w->buf = buf;
    w->cap = (buf == NULL) ? 0u : cap;
    w->len = 0u;
    w->err = (buf == NULL && cap != 0u) ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

void moat_json_write_raw(moat_json_writer *w, const char *s, size_t len)
{
    if (w == NULL || w->err != MOAT_OK) {
        return;
    }
    if (s == NULL && len != 0u) {
        w->err = MOAT_ERR_INVALID_ARGUMENT;
        return;
    }
    put_bytes(w, s, len);
}

void moat_json_write_cstr(moat_json_writer *w, const char *s)
{
    if (w == NULL || w->err != MOAT_OK) {
        return;
    }
    if (s == NULL) {
        w->err = MOAT_ERR_INVALID_ARGUMENT;
        return;
    }
    put_bytes(w, s, strlen(s));
}

void moat_json_write_string(moat_json_writer *w, const char *s, size_t len)
{
    static const char hexd[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i;

    if (w == NULL || w->err != MOAT_OK) {
        return;
    }
    if (s == NULL && len != 0u) {
        w->err = MOAT_ERR_INVALID_ARGUMENT;
        return;
    }
    /* Validate the whole string first so nothing partial is appended. */
    for (i = 0; i < len;) {
        size_t n;
        if (u[i] == 0u) {
            w->err = MOAT_ERR_JSON_NUL_CHAR;
            return;
        }
        n = moat_json_utf8_seq_(u + i, len - i);
        if (n == 0u) {
            w->err = MOAT_ERR_JSON_UTF8;
            return;
        }
        i += n;
    }
    put_byte(w, '"');
    for (i = 0; i < len && w->err == MOAT_OK; i++) {
        unsigned char c = u[i];
        switch (c) {
        case '"':
            put_bytes(w, "\\\"", 2u);
            break;
        case '\\':
            put_bytes(w, "\\\\", 2u);
            break;
        case '\b':
            put_bytes(w, "\\b", 2u);
            break;
        case '\f':
            put_bytes(w, "\\f", 2u);
            break;
        case '\n':
            put_bytes(w, "\\n", 2u);
            break;
        case '\r':
            put_bytes(w, "\\r", 2u);
            break;
        case '\t':
            put_bytes(w, "\\t", 2u);
            break;
        default:
            if (c < 0x20u) {
                char esc[6];
                esc[0] = '\\';
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hexd[(c >> 4) & 0x0Fu];
                esc[5] = hexd[c & 0x0Fu];
                put_bytes(w, esc, sizeof esc);
            } else {
                put_byte(w, (char)c);
            }
            break;
        }
    }
    put_byte(w, '"');
}

void moat_json_write_int(moat_json_writer *w, int64_t v)
{
    char tmp[JSON_INT_MAX_CHARS];
    size_t n = 0u;
    uint64_t mag;

    if (w == NULL || w->err != MOAT_OK) {
        return;
    }
    /* magnitude without overflowing on INT64_MIN */
    mag = (v < 0) ? (uint64_t)0u - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
    } while (mag != 0u);
    if (v < 0) {
        put_byte(w, '-');
    }
    while (n > 0u) {
        put_byte(w, tmp[--n]);
    }
}

moat_err moat_json_writer_finish(moat_json_writer *w, size_t *out_len)
{
    moat_err e;

    if (w == NULL || out_len == NULL) {
        if (w != NULL && w->buf != NULL) {
            moat_wipe(w->buf, w->cap);
        }
        if (out_len != NULL) {
            *out_len = 0u;
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = w->err;
    if (e != MOAT_OK) {
        moat_wipe(w->buf, w->cap);
        *out_len = 0u;
        return e;
    }
    if (w->len >= w->cap) {
        moat_wipe(w->buf, w->cap);
        *out_len = w->len + 1u; /* with the NUL */
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    w->buf[w->len] = '\0';
    *out_len = w->len;
    return MOAT_OK;
}
