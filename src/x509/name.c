/**
 * @file name.c
 * @brief Distinguished names as RFC 4514 strings, and OBJECT IDENTIFIER text
 *        (dotted decimal) to and from DER content octets (X.690 8.19).
 *
 * moat_x509_name_string() follows RFC 4514 section 2:
 * - RDNs in reverse order of the encoding, separated by ','; the
 *   attributes of a multi-valued RDN joined by '+' (in encoding order);
 * - attribute types by the short names of RFC 4514 section 3 (CN, L, ST, O,
 *   OU, C, STREET, DC, UID) plus serialNumber and emailAddress (the names
 *   OpenSSL and most tools print); any other type as its dotted OID with the
 *   value as '#' and the hexadecimal of the value's DER encoding (2.4);
 * - string values converted to UTF-8 (UTF8String validated; BMPString and
 *   UniversalString decoded; TeletexString read as ISO 8859-1, as most
 *   implementations do), then escaped (2.4): '"' '+' ',' ';' '<' '>' '\'
 *   with a backslash, a leading '#' or space and a trailing space with a
 *   backslash, and control characters (and NUL) as a backslash and two
 *   upper-case hex digits.
 * Output is NUL-terminated; at most ::MOAT_X509_NAME_STRING_MAX bytes with
 * the NUL (else ::MOAT_ERR_INPUT_TOO_LARGE).
 */
#include <string.h>

#include "moat/x509.h"
#include "moat/core.h"
#include "core/der.h"
#include "x509/internal.h"

/** Largest OID arc handled by the text conversions (64-bit). */
#define OID_MAX_ARC UINT64_MAX
/** Longest dotted OID text produced or read (including the NUL). */
#define OID_TEXT_MAX 128u
/** Decimal digits of a 64-bit value. */
#define U64_DIGITS 20u

/* ------------------------------------------------------------ output sink */

/* Accumulates text; counts past the capacity so the size needed is known. */
typedef struct sink {
    char *out;
    size_t cap;
    size_t len;
} sink;

static void sink_put(sink *s, const char *p, size_t n)
{
    if (s->out != NULL && s->len <= s->cap && n <= s->cap - s->len) {
        memcpy(s->out + s->len, p, n);
    }
    s->len += n;
}

static void sink_char(sink *s, char c)
{
    sink_put(s, &c, 1u);
}

static const char HEX_UPPER[] = "0123456789ABCDEF";

static void sink_hex_byte(sink *s, uint8_t b)
{
    char h[2];
    h[0] = HEX_UPPER[b >> 4];
    h[1] = HEX_UPPER[b & 0x0Fu];
    sink_put(s, h, 2u);
}

static void sink_u64(sink *s, uint64_t v)
{
    char d[U64_DIGITS];
    size_t n = 0u;

    do {
        d[U64_DIGITS - 1u - n] = (char)('0' + (int)(v % 10u));
        n++;
        v /= 10u;
    } while (v != 0u);
    sink_put(s, d + U64_DIGITS - n, n);
}

/* Finish: NUL-terminate, apply the (out, cap, len) convention. */
static moat_err sink_finish(sink *s, size_t max_with_nul, size_t *out_len)
{
    size_t needed = s->len + 1u;

    if (max_with_nul != 0u && needed > max_with_nul) {
        moat_wipe(s->out, s->cap);
        *out_len = 0u;
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (needed > s->cap) {
        moat_wipe(s->out, s->cap);
        *out_len = needed;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    s->out[s->len] = '\0';
    *out_len = s->len;
    return MOAT_OK;
}

/* ------------------------------------------------------------------- OIDs */

/* Decode the OID content octets into @p s as dotted text. */
static moat_err oid_to_text(const uint8_t *oid, size_t len, sink *s)
{
    size_t i = 0u;
    bool first = true;

    if (len == 0u || (oid[len - 1u] & 0x80u) != 0u) {
        return MOAT_ERR_X509_BAD_OID;
    }
    while (i < len) {
        uint64_t v = 0u;
        if (oid[i] == 0x80u) {
            return MOAT_ERR_X509_BAD_OID; /* non-minimal subidentifier */
        }
        do {
            if (v > (OID_MAX_ARC >> 7)) {
                return MOAT_ERR_X509_BAD_OID; /* beyond 64 bits */
            }
            v = (v << 7) | (oid[i] & 0x7Fu);
        } while ((oid[i++] & 0x80u) != 0u);
        if (first) {
            /* X.690 8.19.4: the first subidentifier is 40 * X + Y. */
            uint64_t x = (v < 40u) ? 0u : (v < 80u) ? 1u : 2u;
            sink_u64(s, x);
            sink_char(s, '.');
            sink_u64(s, v - 40u * x);
            first = false;
        } else {
            sink_char(s, '.');
            sink_u64(s, v);
        }
    }
    return MOAT_OK;
}

moat_err moat_x509_oid_string(const moat_x509_bytes *oid, char *out,
                              size_t out_cap, size_t *out_len)
{
    sink s;
    moat_err err;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (oid == NULL || oid->ptr == NULL || (out == NULL && out_cap != 0u)) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    s.out = out;
    s.cap = out_cap;
    s.len = 0u;
    err = oid_to_text(oid->ptr, oid->len, &s);
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    return sink_finish(&s, 0u, out_len);
}

/* Number of base-128 octets for @p v. */
static size_t base128_len(uint64_t v)
{
    size_t n = 1u;
    while (v >= 0x80u) {
        v >>= 7;
        n++;
    }
    return n;
}

static void base128_put(uint8_t *out, uint64_t v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t b = (uint8_t)((v >> (7u * (n - 1u - i))) & 0x7Fu);
        out[i] = (uint8_t)(b | ((i + 1u < n) ? 0x80u : 0u));
    }
}

/* Parse one decimal arc at *p (no sign, no leading zero). */
static bool parse_arc(const char **p, uint64_t *v)
{
    const char *q = *p;
    uint64_t x = 0u;

    if (*q < '0' || *q > '9') {
        return false;
    }
    if (*q == '0' && q[1] >= '0' && q[1] <= '9') {
        return false; /* leading zero */
    }
    while (*q >= '0' && *q <= '9') {
        uint64_t d = (uint64_t)(*q - '0');
        if (x > (OID_MAX_ARC - d) / 10u) {
            return false;
        }
        x = x * 10u + d;
        q++;
    }
    *p = q;
    *v = x;
    return true;
}

moat_err moat_x509_oid_encode(const char *dotted, uint8_t *out, size_t out_cap,
                              size_t *out_len)
{
    const char *p;
    uint64_t first = 0u;
    uint64_t second = 0u;
    uint64_t v = 0u;
    size_t needed;
    size_t o;
    int pass;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (dotted == NULL || (out == NULL && out_cap != 0u)) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (strlen(dotted) >= OID_TEXT_MAX) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_X509_BAD_OID;
    }
    /* Pass 0 validates and measures; pass 1 writes. */
    needed = 0u;
    for (pass = 0; pass < 2; pass++) {
        p = dotted;
        o = 0u;
        if (!parse_arc(&p, &first) || *p != '.') {
            moat_wipe(out, out_cap);
            return MOAT_ERR_X509_BAD_OID;
        }
        p++;
        if (!parse_arc(&p, &second) || first > 2u || (first < 2u && second >= 40u) ||
            second > OID_MAX_ARC - 80u) {
            moat_wipe(out, out_cap);
            return MOAT_ERR_X509_BAD_OID;
        }
        v = first * 40u + second;
        for (;;) {
            size_t n = base128_len(v);
            if (pass == 1) {
                base128_put(out + o, v, n);
            }
            o += n;
            if (*p == '\0') {
                break;
            }
            if (*p != '.') {
                moat_wipe(out, out_cap);
                return MOAT_ERR_X509_BAD_OID;
            }
            p++;
            if (!parse_arc(&p, &v)) {
                moat_wipe(out, out_cap);
                return MOAT_ERR_X509_BAD_OID;
            }
        }
        needed = o;
        if (pass == 0 && out_cap < needed) {
            moat_wipe(out, out_cap);
            *out_len = needed;
            return MOAT_ERR_BUFFER_TOO_SMALL;
        }
    }
    *out_len = needed;
    return MOAT_OK;
}

/* ------------------------------------------------------------------ names */

typedef struct short_name {
    const char *name;
    uint8_t len;
    uint8_t oid[10];
} short_name;

/* RFC 4514 section 3 plus serialNumber (2.5.4.5) and emailAddress
 * (1.2.840.113549.1.9.1). */
static const short_name SHORT_NAMES[] = {
    {"CN", 3, {0x55, 0x04, 0x03}},
    {"L", 3, {0x55, 0x04, 0x07}},
    {"ST", 3, {0x55, 0x04, 0x08}},
    {"O", 3, {0x55, 0x04, 0x0A}},
    {"OU", 3, {0x55, 0x04, 0x0B}},
    {"C", 3, {0x55, 0x04, 0x06}},
    {"STREET", 3, {0x55, 0x04, 0x09}},
    {"serialNumber", 3, {0x55, 0x04, 0x05}},
    {"DC", 10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19}},
    {"UID", 10, {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01}},
    {"emailAddress", 9, {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01}},
};

static const char *short_name_of(const uint8_t *oid, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof(SHORT_NAMES) / sizeof(SHORT_NAMES[0]); i++) {
        if (SHORT_NAMES[i].len == len && memcmp(SHORT_NAMES[i].oid, oid, len) == 0) {
            return SHORT_NAMES[i].name;
        }
    }
    return NULL;
}

/* Write one code point as escaped RFC 4514 text. @p first / @p last tell
 * where it sits in the value. */
static void put_escaped(sink *s, uint32_t cp, bool first, bool last)
{
    uint8_t u[4];
    size_t n;
    size_t i;

    if (cp < 0x20u || cp == 0x7Fu) {
        sink_char(s, '\\');
        sink_hex_byte(s, (uint8_t)cp);
        return;
    }
    if (cp < 0x80u) {
        char c = (char)cp;
        if (c == '"' || c == '+' || c == ',' || c == ';' || c == '<' || c == '>' ||
            c == '\\' || (first && (c == '#' || c == ' ')) || (last && c == ' ')) {
            sink_char(s, '\\');
        }
        sink_char(s, c);
        return;
    }
    /* UTF-8 (RFC 3629). */
    if (cp < 0x800u) {
        u[0] = (uint8_t)(0xC0u | (cp >> 6));
        u[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 2u;
    } else if (cp < 0x10000u) {
        u[0] = (uint8_t)(0xE0u | (cp >> 12));
        u[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        u[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 3u;
    } else {
        u[0] = (uint8_t)(0xF0u | (cp >> 18));
        u[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
        u[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        u[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
        n = 4u;
    }
    for (i = 0; i < n; i++) {
        sink_char(s, (char)u[i]);
    }
}

/* Next code point of a string value; false when malformed. */
static bool next_code_point(uint8_t tag, const uint8_t *v, size_t len, size_t *i,
                            uint32_t *cp)
{
    size_t k = *i;

    switch (tag) {
    case 0x1Eu: /* BMPString: UCS-2 big-endian, no surrogates */
        if (len - k < 2u) {
            return false;
        }
        *cp = ((uint32_t)v[k] << 8) | v[k + 1u];
        *i = k + 2u;
        return *cp < 0xD800u || *cp > 0xDFFFu;
    case 0x1Cu: /* UniversalString: UCS-4 big-endian */
        if (len - k < 4u) {
            return false;
        }
        *cp = ((uint32_t)v[k] << 24) | ((uint32_t)v[k + 1u] << 16) |
              ((uint32_t)v[k + 2u] << 8) | v[k + 3u];
        *i = k + 4u;
        return *cp <= 0x10FFFFu && (*cp < 0xD800u || *cp > 0xDFFFu);
    case 0x14u: /* TeletexString: read as ISO 8859-1 */
        *cp = v[k];
        *i = k + 1u;
        return true;
    case 0x0Cu: { /* UTF8String (RFC 3629: shortest form, no surrogates) */
        uint8_t b = v[k];
        size_t n;
        uint32_t c;
        uint32_t min;
        size_t j;
        if (b < 0x80u) {
            *cp = b;
            *i = k + 1u;
            return true;
        }
        if (b >= 0xC2u && b <= 0xDFu) {
            n = 1u;
            c = b & 0x1Fu;
            min = 0x80u;
        } else if (b >= 0xE0u && b <= 0xEFu) {
            n = 2u;
            c = b & 0x0Fu;
            min = 0x800u;
        } else if (b >= 0xF0u && b <= 0xF4u) {
            n = 3u;
            c = b & 0x07u;
            min = 0x10000u;
        } else {
            return false;
        }
        if (len - k - 1u < n) {
            return false;
        }
        for (j = 1u; j <= n; j++) {
            if ((v[k + j] & 0xC0u) != 0x80u) {
                return false;
            }
            c = (c << 6) | (v[k + j] & 0x3Fu);
        }
        if (c < min || c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu)) {
            return false;
        }
        *cp = c;
        *i = k + 1u + n;
        return true;
    }
    default: /* PrintableString, IA5String, NumericString, VisibleString */
        if (v[k] >= 0x80u) {
            return false;
        }
        *cp = v[k];
        *i = k + 1u;
        return true;
    }
}

static bool is_string_tag(uint8_t tag)
{
    return tag == 0x0Cu || tag == 0x12u || tag == 0x13u || tag == 0x14u || tag == 0x16u ||
           tag == 0x1Au || tag == 0x1Cu || tag == 0x1Eu;
}

/* One AttributeTypeAndValue (the reader is on it). */
static moat_err put_atv(moat_der_reader *rdn, sink *s)
{
    moat_der_reader atv;
    const uint8_t *oid = NULL;
    size_t oid_len = 0u;
    const uint8_t *v = NULL;
    size_t l = 0u;
    uint8_t tag = 0u;
    size_t value_start;
    const char *sn;
    moat_err err;

    err = moat_der_enter(rdn, MOAT_DER_TAG_SEQUENCE, &atv);
    if (err == MOAT_OK) {
        err = moat_der_read_oid(&atv, &oid, &oid_len);
    }
    value_start = atv.pos;
    if (err == MOAT_OK) {
        err = moat_der_read_tlv(&atv, &tag, &v, &l);
    }
    if (err == MOAT_OK && !moat_der_at_end(&atv)) {
        err = MOAT_ERR_X509_BAD_NAME;
    }
    if (err != MOAT_OK) {
        return (err == MOAT_ERR_DER_TAG) ? MOAT_ERR_X509_BAD_NAME : err;
    }
    sn = short_name_of(oid, oid_len);
    if (sn == NULL || !is_string_tag(tag)) {
        /* dotted OID = '#' hex of the value's BER (DER) encoding */
        size_t i;
        err = oid_to_text(oid, oid_len, s);
        if (err != MOAT_OK) {
            return err;
        }
        sink_put(s, "=#", 2u);
        for (i = value_start; i < atv.pos; i++) {
            sink_hex_byte(s, atv.buf[i]);
        }
        return MOAT_OK;
    }
    sink_put(s, sn, strlen(sn));
    sink_char(s, '=');
    {
        size_t i = 0u;
        bool first = true;
        while (i < l) {
            uint32_t cp = 0u;
            if (!next_code_point(tag, v, l, &i, &cp)) {
                return MOAT_ERR_X509_BAD_NAME;
            }
            put_escaped(s, cp, first, i == l);
            first = false;
        }
    }
    return MOAT_OK;
}

moat_err moat_x509_name_string(const moat_x509_bytes *name, char *out,
                               size_t out_cap, size_t *out_len)
{
    moat_der_reader top;
    moat_der_reader seq;
    moat_der_reader rdn;
    size_t count = 0u;
    size_t k;
    sink s;
    moat_err err;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (name == NULL || name->ptr == NULL || (out == NULL && out_cap != 0u)) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    s.out = out;
    s.cap = out_cap;
    s.len = 0u;

    moat_der_reader_init(&top, name->ptr, name->len);
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    /* Count the RDNs and check each is a non-empty SET. */
    while (err == MOAT_OK && !moat_der_at_end(&seq)) {
        err = moat_der_enter(&seq, MOAT_DER_TAG_SET, &rdn);
        if (err == MOAT_OK && moat_der_at_end(&rdn)) {
            err = MOAT_ERR_X509_BAD_NAME;
        }
        count++;
    }
    if (err == MOAT_ERR_DER_TAG) {
        err = MOAT_ERR_X509_BAD_NAME;
    }
    /* RFC 4514 2.1: the last RDN of the sequence comes first. */
    for (k = count; err == MOAT_OK && k > 0u; k--) {
        size_t j;
        bool first_atv = true;

        moat_der_reader_init(&top, name->ptr, name->len);
        (void)moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq);
        for (j = 0; j < k; j++) {
            (void)moat_der_enter(&seq, MOAT_DER_TAG_SET, &rdn); /* checked above */
        }
        if (k != count) {
            sink_char(&s, ',');
        }
        while (err == MOAT_OK && !moat_der_at_end(&rdn)) {
            if (!first_atv) {
                sink_char(&s, '+');
            }
            err = put_atv(&rdn, &s);
            first_atv = false;
        }
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    return sink_finish(&s, MOAT_X509_NAME_STRING_MAX, out_len);
}

/* ------------------------------------------------------- host names */

bool moat_x509i_dns_name_ok(const uint8_t *s, size_t len, bool wildcard_ok)
{
    size_t i, label = 0u;

    if (s == NULL || len == 0u || len > 253u) {
        return false;
    }
    for (i = 0u; i < len; i++) {
        uint8_t ch = s[i];
        if (ch == '.') {
            if (label == 0u) {
                return false; /* empty label */
            }
            label = 0u;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
              (wildcard_ok && ch == '*'))) {
            return false;
        }
        if (++label > 63u) {
            return false;
        }
    }
    return label != 0u; /* no trailing dot */
}

bool moat_x509i_is_ip_literal(const char *s, size_t len)
{
    size_t i, dots = 0u;

    if (memchr(s, ':', len) != NULL) {
        return true;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == '.') {
            dots++;
        } else if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return dots == 3u;
}
