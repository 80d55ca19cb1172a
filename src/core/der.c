/**
 * @file der.c
 * @brief Strict DER reader and backward DER writer (ITU-T X.690 sections 8
 *        and 10). See core/der.h for the contract.
 */
#include "core/der.h"

#include <string.h>

#include "moat/core.h"

void moat_der_reader_init(moat_der_reader *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = (buf == NULL) ? 0u : len;
    r->pos = 0u;
    r->depth = 0u;
}

bool moat_der_at_end(const moat_der_reader *r)
{
    return r->pos >= r->len;
}

moat_err moat_der_peek_tag(const moat_der_reader *r, uint8_t *tag)
{
    if (r->pos >= r->len) {
        return MOAT_ERR_DER_TRUNCATED;
    }
    *tag = r->buf[r->pos];
    return MOAT_OK;
}

moat_err moat_der_read_tlv(moat_der_reader *r, uint8_t *tag,
                           const uint8_t **value, size_t *len)
{
    size_t pos = r->pos;
    size_t avail;
    size_t l;
    uint8_t t;
    uint8_t b;

    if (pos >= r->len) {
        return MOAT_ERR_DER_TRUNCATED;
    }
    t = r->buf[pos++];
    /* X.690 8.1.2.4: number bits all ones = high-tag-number form (unsupported). */
    if ((t & 0x1Fu) == 0x1Fu) {
        return MOAT_ERR_DER_TAG;
    }
    if (pos >= r->len) {
        return MOAT_ERR_DER_TRUNCATED;
    }
    b = r->buf[pos++];
    if (b < 0x80u) {
        l = b;
    } else {
        size_t n = (size_t)(b & 0x7Fu);
        size_t i;
        /* 0x80: indefinite form, forbidden in DER (X.690 10.1). */
        if (n == 0u || n > MOAT_DER_MAX_LEN_BYTES) {
            return MOAT_ERR_DER_LENGTH;
        }
        if (r->len - pos < n) {
            return MOAT_ERR_DER_TRUNCATED;
        }
        /* Minimal: no leading zero octet, and long form only for >= 128. */
        if (r->buf[pos] == 0u) {
            return MOAT_ERR_DER_LENGTH;
        }
        l = 0u;
        for (i = 0; i < n; i++) {
            l = (l << 8) | r->buf[pos + i];
        }
        pos += n;
        if (l < 0x80u) {
            return MOAT_ERR_DER_LENGTH;
        }
    }
    avail = r->len - pos;
    if (l > avail) {
        return MOAT_ERR_DER_TRUNCATED;
    }
    *tag = t;
    *value = r->buf + pos;
    *len = l;
    r->pos = pos + l;
    return MOAT_OK;
}

moat_err moat_der_expect(moat_der_reader *r, uint8_t tag,
                         const uint8_t **value, size_t *len)
{
    moat_der_reader save = *r;
    uint8_t t = 0;
    moat_err err = moat_der_read_tlv(r, &t, value, len);

    if (err != MOAT_OK) {
        return err;
    }
    if (t != tag) {
        *r = save;
        *value = NULL;
        *len = 0u;
        return MOAT_ERR_DER_TAG;
    }
    return MOAT_OK;
}

moat_err moat_der_enter(moat_der_reader *r, uint8_t tag, moat_der_reader *child)
{
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err;

    if ((tag & MOAT_DER_CONSTRUCTED) == 0u) {
        return MOAT_ERR_DER_TAG;
    }
    if (r->depth >= MOAT_DER_MAX_DEPTH) {
        return MOAT_ERR_DER_DEPTH;
    }
    err = moat_der_expect(r, tag, &v, &l);
    if (err != MOAT_OK) {
        return err;
    }
    child->buf = v;
    child->len = l;
    child->pos = 0u;
    child->depth = r->depth + 1u;
    return MOAT_OK;
}

moat_err moat_der_finish(const moat_der_reader *r)
{
    return (r->pos == r->len) ? MOAT_OK : MOAT_ERR_DER_TRAILING;
}

moat_err moat_der_uint_magnitude(const uint8_t *value, size_t len,
                                 const uint8_t **mag, size_t *mag_len)
{
    /* X.690 8.3.2: the first nine bits must not be all zeros or all ones. */
    if (len == 0u) {
        return MOAT_ERR_DER_INTEGER;
    }
    if ((value[0] & 0x80u) != 0u) {
        return MOAT_ERR_DER_INTEGER; /* negative */
    }
    if (len > 1u && value[0] == 0u && (value[1] & 0x80u) == 0u) {
        return MOAT_ERR_DER_INTEGER; /* non-minimal */
    }
    if (value[0] == 0u) {
        value++;
        len--;
    }
    *mag = value;
    *mag_len = len;
    return MOAT_OK;
}

moat_err moat_der_read_uint(moat_der_reader *r, const uint8_t **mag,
                            size_t *mag_len)
{
    moat_der_reader save = *r;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err = moat_der_expect(r, MOAT_DER_TAG_INTEGER, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    err = moat_der_uint_magnitude(v, l, mag, mag_len);
    if (err != MOAT_OK) {
        *r = save;
    }
    return err;
}

moat_err moat_der_read_bit_string_octets(moat_der_reader *r, const uint8_t **bits,
                                         size_t *bits_len)
{
    moat_der_reader save = *r;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err = moat_der_expect(r, MOAT_DER_TAG_BIT_STRING, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    /* X.690 8.6.2: first octet = number of unused bits; we require 0. */
    if (l == 0u || v[0] != 0u) {
        *r = save;
        return MOAT_ERR_DER_LENGTH;
    }
    *bits = v + 1;
    *bits_len = l - 1u;
    return MOAT_OK;
}

moat_err moat_der_read_oid(moat_der_reader *r, const uint8_t **oid, size_t *oid_len)
{
    moat_der_reader save = *r;
    moat_err err = moat_der_expect(r, MOAT_DER_TAG_OID, oid, oid_len);

    if (err != MOAT_OK) {
        return err;
    }
    if (*oid_len == 0u) {
        *r = save;
        return MOAT_ERR_DER_LENGTH;
    }
    return MOAT_OK;
}

/* ----------------------------------------------------------------- writer */

void moat_der_writer_init(moat_der_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = (buf == NULL) ? 0u : cap;
    w->len = 0u;
}

size_t moat_der_mark(const moat_der_writer *w)
{
    return w->len;
}

void moat_der_put_raw(moat_der_writer *w, const uint8_t *data, size_t len)
{
    if (len > SIZE_MAX - w->len) {
        w->len = SIZE_MAX; /* saturate: finish() reports too small */
        return;
    }
    if (w->len + len <= w->cap && len != 0u) {
        memcpy(w->buf + (w->cap - w->len - len), data, len);
    }
    w->len += len;
}

size_t moat_der_header_size(size_t content_len)
{
    size_t n = 2u;
    size_t l = content_len;

    if (l < 0x80u) {
        return n;
    }
    while (l != 0u) {
        n++;
        l >>= 8;
    }
    return n;
}

void moat_der_put_header(moat_der_writer *w, uint8_t tag, size_t content_len)
{
    uint8_t hdr[2u + sizeof(size_t)];
    size_t n = moat_der_header_size(content_len);
    size_t i;
    size_t l = content_len;

    hdr[0] = tag;
    if (n == 2u) {
        hdr[1] = (uint8_t)l;
    } else {
        hdr[1] = (uint8_t)(0x80u | (n - 2u));
        for (i = n - 1u; i >= 2u; i--) {
            hdr[i] = (uint8_t)(l & 0xFFu);
            l >>= 8;
        }
    }
    moat_der_put_raw(w, hdr, n);
}

void moat_der_put_constructed(moat_der_writer *w, uint8_t tag, size_t mark)
{
    moat_der_put_header(w, tag, w->len - mark);
}

void moat_der_put_tlv(moat_der_writer *w, uint8_t tag, const uint8_t *value,
                      size_t len)
{
    moat_der_put_raw(w, value, len);
    moat_der_put_header(w, tag, len);
}

void moat_der_put_uint(moat_der_writer *w, const uint8_t *mag, size_t len)
{
    static const uint8_t zero = 0u;
    size_t mark = moat_der_mark(w);

    while (len > 0u && mag[0] == 0u) {
        mag++;
        len--;
    }
    moat_der_put_raw(w, mag, len);
    if (len == 0u || (mag[0] & 0x80u) != 0u) {
        moat_der_put_raw(w, &zero, 1u);
    }
    moat_der_put_constructed(w, MOAT_DER_TAG_INTEGER, mark);
}

void moat_der_put_oid(moat_der_writer *w, const uint8_t *oid, size_t len)
{
    moat_der_put_tlv(w, MOAT_DER_TAG_OID, oid, len);
}

void moat_der_put_bit_string(moat_der_writer *w, const uint8_t *data, size_t len)
{
    static const uint8_t unused = 0u;
    size_t mark = moat_der_mark(w);

    moat_der_put_raw(w, data, len);
    moat_der_put_raw(w, &unused, 1u);
    moat_der_put_constructed(w, MOAT_DER_TAG_BIT_STRING, mark);
}

moat_err moat_der_writer_finish(moat_der_writer *w, size_t *out_len)
{
    if (w->len > w->cap) {
        if (w->buf != NULL) {
            moat_wipe(w->buf, w->cap);
        }
        *out_len = w->len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (w->len != 0u && w->len != w->cap) {
        memmove(w->buf, w->buf + (w->cap - w->len), w->len);
        moat_wipe(w->buf + w->len, w->cap - w->len);
    }
    *out_len = w->len;
    return MOAT_OK;
}
