/**
 * @file pem.c
 * @brief PEM textual encoding (RFC 7468): decoding the next block of a text
 *        (bundles are walked with an offset) and encoding DER as PEM.
 *
 * Decoding accepts (RFC 7468 section 3, "lax" where noted):
 * - any text outside the blocks (explanatory text, other lines);
 * - LF or CRLF line ends, and spaces or tabs at the end of any line;
 * - body lines of 1 to ::PEM_MAX_LINE base64 characters (the last line may
 *   be shorter; RFC 7468 writers use 64), base64 with '=' padding only at
 *   the very end, canonical (RFC 4648 section 4 via moat_b64_decode()).
 * It rejects: a BEGIN or END label other than the expected one
 * (::MOAT_ERR_PEM_LABEL), a block without its END line or a malformed
 * encapsulation boundary (::MOAT_ERR_PEM_FORMAT), any other character,
 * empty or over-long line, or non-canonical base64 in the body, and an empty
 * body (::MOAT_ERR_PEM_BASE64). Headers (RFC 1421 "Proc-Type:") are not
 * supported: they are not base64 and fail as such.
 *
 * No heap; the body is decoded four characters at a time. Decoded bytes may
 * be secret (a PEM private key): temporaries are wiped and the output is
 * wiped on every failure.
 */
#include <string.h>

#include "moat/x509.h"
#include "moat/core.h"

/** Longest body line accepted (RFC 2045's 76; RFC 7468 writers use 64). */
#define PEM_MAX_LINE 76u
/** Line length moat_pem_encode() writes (RFC 7468 section 2). */
#define PEM_ENCODE_LINE 64u
/** Longest label accepted. */
#define PEM_MAX_LABEL 64u

static const char PEM_BEGIN[] = "-----BEGIN ";
static const char PEM_END[] = "-----END ";
static const char PEM_DASHES[] = "-----";
#define PEM_BEGIN_LEN (sizeof(PEM_BEGIN) - 1u)
#define PEM_END_LEN (sizeof(PEM_END) - 1u)
#define PEM_DASHES_LEN (sizeof(PEM_DASHES) - 1u)

/* RFC 7468 section 3: label = [ labelchar *( ["-" / SP] labelchar ) ],
 * labelchar = %x21-2C / %x2E-7E. */
static bool label_ok(const char *label, size_t len)
{
    size_t i;

    if (len == 0u || len > PEM_MAX_LABEL) {
        return false;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        bool inner = (c == '-' || c == ' ');
        if (c < 0x20u || c > 0x7Eu) {
            return false;
        }
        if (inner && (i == 0u || i + 1u == len || label[i - 1u] == '-' ||
                      label[i - 1u] == ' ')) {
            return false;
        }
    }
    return true;
}

/* End of the line starting at @p pos (index of '\n' or @p len), and the
 * length of its content without CR and trailing spaces or tabs. */
static size_t line_end(const char *s, size_t len, size_t pos, size_t *content_len)
{
    size_t e = pos;
    size_t c;

    while (e < len && s[e] != '\n') {
        e++;
    }
    c = e;
    while (c > pos && (s[c - 1u] == '\r' || s[c - 1u] == ' ' || s[c - 1u] == '\t')) {
        c--;
    }
    *content_len = c - pos;
    return e;
}

/* Position after the line ending at @p e. */
static size_t next_line(size_t len, size_t e)
{
    return (e < len) ? e + 1u : len;
}

/*
 * An encapsulation boundary line "<prefix><label>-----": checks the label
 * against @p label. @p line / @p n: the line content (trimmed).
 */
static moat_err boundary(const char *line, size_t n, const char *prefix, size_t prefix_len,
                         const char *label, size_t label_len)
{
    size_t got;

    if (n < prefix_len + PEM_DASHES_LEN || memcmp(line, prefix, prefix_len) != 0 ||
        memcmp(line + n - PEM_DASHES_LEN, PEM_DASHES, PEM_DASHES_LEN) != 0) {
        return MOAT_ERR_PEM_FORMAT;
    }
    got = n - prefix_len - PEM_DASHES_LEN;
    if (got != label_len || memcmp(line + prefix_len, label, label_len) != 0) {
        return MOAT_ERR_PEM_LABEL;
    }
    return MOAT_OK;
}

static moat_err pem_fail(uint8_t *out, size_t out_cap, size_t *out_len, size_t needed,
                         moat_err err)
{
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    *out_len = needed;
    return err;
}

moat_err moat_pem_decode(const char *pem, size_t pem_len, const char *label,
                         size_t *offset, uint8_t *out, size_t out_cap,
                         size_t *out_len)
{
    char quad[4];
    uint8_t tmp[3];
    size_t qn = 0u;
    size_t total = 0u;
    size_t label_len;
    size_t pos;
    size_t e;
    size_t n = 0u;
    bool padded = false;
    bool found = false;
    moat_err err = MOAT_OK;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (pem == NULL || label == NULL || offset == NULL || (out == NULL && out_cap != 0u)) {
        return pem_fail(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }
    label_len = strlen(label);
    if (!label_ok(label, label_len) || *offset > pem_len) {
        return pem_fail(out, out_cap, out_len, 0u, MOAT_ERR_INVALID_ARGUMENT);
    }

    /* Find the next line that starts with "-----BEGIN ". */
    pos = *offset;
    while (pos < pem_len) {
        e = line_end(pem, pem_len, pos, &n);
        if (n >= PEM_BEGIN_LEN && memcmp(pem + pos, PEM_BEGIN, PEM_BEGIN_LEN) == 0) {
            found = true;
            break;
        }
        pos = next_line(pem_len, e);
    }
    if (!found) {
        return pem_fail(out, out_cap, out_len, 0u, MOAT_ERR_NOT_FOUND);
    }
    err = boundary(pem + pos, n, PEM_BEGIN, PEM_BEGIN_LEN, label, label_len);
    if (err != MOAT_OK) {
        return pem_fail(out, out_cap, out_len, 0u, err);
    }
    if (e >= pem_len) {
        return pem_fail(out, out_cap, out_len, 0u, MOAT_ERR_PEM_FORMAT);
    }
    pos = next_line(pem_len, e);

    /* Body lines up to the END line. */
    for (;;) {
        size_t i;

        if (pos >= pem_len) {
            err = MOAT_ERR_PEM_FORMAT; /* no END line */
            break;
        }
        e = line_end(pem, pem_len, pos, &n);
        if (n >= PEM_END_LEN && memcmp(pem + pos, PEM_END, PEM_END_LEN) == 0) {
            err = boundary(pem + pos, n, PEM_END, PEM_END_LEN, label, label_len);
            break;
        }
        if (n >= 5u && memcmp(pem + pos, PEM_DASHES, PEM_DASHES_LEN) == 0) {
            err = MOAT_ERR_PEM_FORMAT; /* another boundary (a nested BEGIN) */
            break;
        }
        if (n == 0u || n > PEM_MAX_LINE || padded) {
            err = MOAT_ERR_PEM_BASE64; /* empty, too long, or data after '=' */
            break;
        }
        for (i = 0; i < n && err == MOAT_OK; i++) {
            quad[qn++] = pem[pos + i];
            if (qn == 4u) {
                size_t got = 0u;
                if (padded || moat_b64_decode(quad, 4u, tmp, sizeof(tmp), &got) != MOAT_OK) {
                    err = MOAT_ERR_PEM_BASE64;
                    break;
                }
                padded = (got < 3u);
                if (out != NULL && total + got <= out_cap) {
                    memcpy(out + total, tmp, got);
                }
                total += got;
                qn = 0u;
            }
        }
        if (err != MOAT_OK) {
            break;
        }
        pos = next_line(pem_len, e);
    }
    moat_wipe(quad, sizeof(quad));
    moat_wipe(tmp, sizeof(tmp));
    if (err == MOAT_OK && (qn != 0u || total == 0u)) {
        err = MOAT_ERR_PEM_BASE64; /* a partial group, or an empty body */
    }
    if (err != MOAT_OK) {
        return pem_fail(out, out_cap, out_len, 0u, err);
    }
    if (total > out_cap) {
        return pem_fail(out, out_cap, out_len, total, MOAT_ERR_BUFFER_TOO_SMALL);
    }
    *offset = next_line(pem_len, e);
    *out_len = total;
    return MOAT_OK;
}

/* Append @p len bytes at *pos when they fit; always advance. */
static void put(char *out, size_t out_cap, size_t *pos, const char *s, size_t len)
{
    if (out != NULL && *pos <= out_cap && len <= out_cap - *pos) {
        memcpy(out + *pos, s, len);
    }
    *pos += len;
}

moat_err moat_pem_encode(const uint8_t *der, size_t der_len, const char *label,
                         char *out, size_t out_cap, size_t *out_len)
{
    size_t label_len;
    size_t lines;
    size_t needed;
    size_t pos = 0u;
    size_t i;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (label == NULL || (der == NULL && der_len != 0u) || (out == NULL && out_cap != 0u)) {
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    label_len = strlen(label);
    if (!label_ok(label, label_len) || der_len == 0u) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (der_len > MOAT_X509_MAX_CERT_SIZE * 8u) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    /* "-----BEGIN L-----\n" body lines each + "\n" "-----END L-----\n" NUL */
    lines = (MOAT_B64_ENC_LEN(der_len) + PEM_ENCODE_LINE - 1u) / PEM_ENCODE_LINE;
    needed = (PEM_BEGIN_LEN + label_len + PEM_DASHES_LEN + 1u) + MOAT_B64_ENC_LEN(der_len) +
             lines + (PEM_END_LEN + label_len + PEM_DASHES_LEN + 1u) + 1u;
    if (out_cap < needed) {
        moat_wipe(out, out_cap);
        *out_len = needed;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    put(out, out_cap, &pos, PEM_BEGIN, PEM_BEGIN_LEN);
    put(out, out_cap, &pos, label, label_len);
    put(out, out_cap, &pos, PEM_DASHES, PEM_DASHES_LEN);
    put(out, out_cap, &pos, "\n", 1u);
    for (i = 0; i < der_len; i += (PEM_ENCODE_LINE / 4u) * 3u) {
        size_t chunk = der_len - i;
        size_t w = 0u;
        if (chunk > (PEM_ENCODE_LINE / 4u) * 3u) {
            chunk = (PEM_ENCODE_LINE / 4u) * 3u;
        }
        /* Room is guaranteed by the size computed above. */
        if (moat_b64_encode(der + i, chunk, out + pos, out_cap - pos, &w) != MOAT_OK) {
            moat_wipe(out, out_cap);
            return MOAT_ERR_INTERNAL;
        }
        pos += w;
        put(out, out_cap, &pos, "\n", 1u);
    }
    put(out, out_cap, &pos, PEM_END, PEM_END_LEN);
    put(out, out_cap, &pos, label, label_len);
    put(out, out_cap, &pos, PEM_DASHES, PEM_DASHES_LEN);
    put(out, out_cap, &pos, "\n", 1u);
    out[pos] = '\0';
    *out_len = pos;
    return MOAT_OK;
}
