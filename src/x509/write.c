/**
 * @file write.c
 * @brief DER writing of the pieces of certificates and CSRs: Names, times,
 *        algorithm identifiers, SubjectPublicKeyInfo, extensions, and the
 *        final signed SEQUENCE. References: RFC 5280 (profile), X.690
 *        (DER), X.680 section 41.4 (PrintableString), RFC 3629 (UTF-8),
 *        RFC 5758 section 3.2 (ECDSA algorithm identifiers), RFC 5480
 *        (EC SubjectPublicKeyInfo).
 *
 * Everything is prepended to a backward writer (src/core/der.h), so one pass
 * measures and writes. Each helper validates all of its input before it
 * writes anything.
 */
#include <string.h>

#include "moat/core.h"
#include "x509/internal.h"

/* ------------------------------------------------------------------ OIDs */

const uint8_t moat_x509i_oid_ecdsa_sha256[8] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
const uint8_t moat_x509i_oid_ecdsa_sha384[8] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
const uint8_t moat_x509i_oid_ext_request[9] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x0E};
const uint8_t moat_x509i_oid_basic_constraints[3] = {0x55, 0x1D, 0x13};
const uint8_t moat_x509i_oid_key_usage[3] = {0x55, 0x1D, 0x0F};
const uint8_t moat_x509i_oid_ext_key_usage[3] = {0x55, 0x1D, 0x25};
const uint8_t moat_x509i_oid_san[3] = {0x55, 0x1D, 0x11};
const uint8_t moat_x509i_oid_ski[3] = {0x55, 0x1D, 0x0E};
const uint8_t moat_x509i_oid_aki[3] = {0x55, 0x1D, 0x23};

/* X.520 attribute types (2.5.4.x). */
static const uint8_t OID_AT_CN[3] = {0x55, 0x04, 0x03};
static const uint8_t OID_AT_SERIAL[3] = {0x55, 0x04, 0x05};
static const uint8_t OID_AT_C[3] = {0x55, 0x04, 0x06};
static const uint8_t OID_AT_O[3] = {0x55, 0x04, 0x0A};
static const uint8_t OID_AT_OU[3] = {0x55, 0x04, 0x0B};

/** Length of the AlgorithmIdentifier for ecdsa-with-SHA256/384: 30 0A 06 08 <8>. */
#define SIG_ALG_DER_LEN 12u
/** Days from 0000-01-01 to 1970-01-01 in the proleptic Gregorian calendar. */
#define DAYS_0000_TO_1970 719528LL
/** Days in a 400-year Gregorian cycle. */
#define DAYS_PER_400Y 146097LL
/** Seconds per day. */
#define SECS_PER_DAY 86400LL

/* ------------------------------------------------------------------ time */

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const uint8_t dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : (int)dm[m - 1];
}

moat_err moat_x509i_civil_from_epoch(int64_t t, moat_x509i_civil *out)
{
    int64_t days;
    int64_t secs;
    int64_t cycles;
    int year;
    int month;
    int ylen;

    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (t < MOAT_X509I_TIME_MIN || t > MOAT_X509I_TIME_MAX) {
        return MOAT_ERR_X509_BAD_TIME;
    }
    /* Shift to seconds since 0000-01-01 (non-negative in range). */
    secs = t + DAYS_0000_TO_1970 * SECS_PER_DAY;
    days = secs / SECS_PER_DAY;
    secs = secs % SECS_PER_DAY;
    out->hour = (int)(secs / 3600);
    out->minute = (int)((secs / 60) % 60);
    out->second = (int)(secs % 60);

    /* Whole 400-year cycles, then at most 400 years, then 12 months. */
    cycles = days / DAYS_PER_400Y;
    days = days % DAYS_PER_400Y;
    year = (int)(cycles * 400);
    for (;;) {
        ylen = is_leap(year) ? 366 : 365;
        if (days < ylen) {
            break;
        }
        days -= ylen;
        year++;
    }
    for (month = 1; month < 12; month++) {
        int dm = days_in_month(year, month);
        if (days < dm) {
            break;
        }
        days -= dm;
    }
    out->year = year;
    out->month = month;
    out->day = (int)days + 1;
    return MOAT_OK;
}

static void put_digits(char *p, int v, size_t n)
{
    while (n > 0u) {
        n--;
        p[n] = (char)('0' + (v % 10));
        v /= 10;
    }
}

moat_err moat_x509i_put_time(moat_der_writer *w, int64_t t)
{
    moat_x509i_civil c;
    char s[15];
    size_t n = 0;
    uint8_t tag;
    moat_err err = moat_x509i_civil_from_epoch(t, &c);

    if (err != MOAT_OK) {
        return err;
    }
    /* RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050
     * (and before 1950); both in Zulu with seconds, no fractions. */
    if (c.year >= 1950 && c.year <= 2049) {
        tag = MOAT_DER_TAG_UTC_TIME;
        put_digits(s, c.year % 100, 2u);
        n = 2u;
    } else {
        tag = MOAT_DER_TAG_GENERALIZED_TIME;
        put_digits(s, c.year, 4u);
        n = 4u;
    }
    put_digits(s + n, c.month, 2u);
    put_digits(s + n + 2u, c.day, 2u);
    put_digits(s + n + 4u, c.hour, 2u);
    put_digits(s + n + 6u, c.minute, 2u);
    put_digits(s + n + 8u, c.second, 2u);
    s[n + 10u] = 'Z';
    moat_der_put_tlv(w, tag, (const uint8_t *)s, n + 11u);
    return MOAT_OK;
}

moat_err moat_x509i_put_validity(moat_der_writer *w, int64_t not_before,
                                 int64_t not_after)
{
    size_t mark;
    moat_err err;

    if (not_before > not_after || not_before < MOAT_X509I_TIME_MIN ||
        not_after > MOAT_X509I_TIME_MAX) {
        return MOAT_ERR_X509_BAD_TIME;
    }
    mark = moat_der_mark(w);
    err = moat_x509i_put_time(w, not_after);
    if (err == MOAT_OK) {
        err = moat_x509i_put_time(w, not_before);
    }
    if (err == MOAT_OK) {
        moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
    }
    return err;
}

/* ----------------------------------------------------------------- names */

/* Number of code points of a valid UTF-8 string (RFC 3629: shortest form,
 * no surrogates, at most U+10FFFF), or SIZE_MAX if invalid. */
static size_t utf8_count(const uint8_t *s, size_t len)
{
    size_t i = 0;
    size_t n = 0;

    while (i < len) {
        uint8_t b = s[i];
        uint32_t cp;
        size_t extra;
        size_t k;

        if (b < 0x80u) {
            i++;
            n++;
            continue;
        }
        if (b >= 0xC2u && b <= 0xDFu) {
            extra = 1u;
            cp = b & 0x1Fu;
        } else if (b >= 0xE0u && b <= 0xEFu) {
            extra = 2u;
            cp = b & 0x0Fu;
        } else if (b >= 0xF0u && b <= 0xF4u) {
            extra = 3u;
            cp = b & 0x07u;
        } else {
            return SIZE_MAX;
        }
        if (len - i <= extra) {
            return SIZE_MAX;
        }
        for (k = 1; k <= extra; k++) {
            uint8_t c = s[i + k];
            if ((c & 0xC0u) != 0x80u) {
                return SIZE_MAX;
            }
            cp = (cp << 6) | (c & 0x3Fu);
        }
        if ((extra == 2u && cp < 0x800u) || (extra == 3u && cp < 0x10000u) ||
            cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return SIZE_MAX;
        }
        i += extra + 1u;
        n++;
    }
    return n;
}

/* X.680 section 41.4, Table 10: the PrintableString characters. */
static bool printable_char(uint8_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return c == ' ' || c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' ||
           c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == '?';
}

moat_err moat_x509i_check_name_der(const uint8_t *der, size_t len, bool *empty)
{
    moat_der_reader r;
    moat_der_reader name;
    bool none = true;

    if (empty != NULL) {
        *empty = true;
    }
    if (der == NULL || len == 0u) {
        return MOAT_ERR_X509_BAD_NAME;
    }
    moat_der_reader_init(&r, der, len);
    if (moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &name) != MOAT_OK ||
        moat_der_finish(&r) != MOAT_OK) {
        return MOAT_ERR_X509_BAD_NAME;
    }
    while (!moat_der_at_end(&name)) {
        moat_der_reader rdn;
        if (moat_der_enter(&name, MOAT_DER_TAG_SET, &rdn) != MOAT_OK ||
            moat_der_at_end(&rdn)) {
            return MOAT_ERR_X509_BAD_NAME;
        }
        while (!moat_der_at_end(&rdn)) {
            moat_der_reader atv;
            const uint8_t *v;
            size_t vl;
            uint8_t tag;
            if (moat_der_enter(&rdn, MOAT_DER_TAG_SEQUENCE, &atv) != MOAT_OK ||
                moat_der_read_oid(&atv, &v, &vl) != MOAT_OK ||
                !moat_x509i_oid_valid(v, vl) ||
                moat_der_read_tlv(&atv, &tag, &v, &vl) != MOAT_OK ||
                moat_der_finish(&atv) != MOAT_OK) {
                return MOAT_ERR_X509_BAD_NAME;
            }
        }
        none = false;
    }
    if (empty != NULL) {
        *empty = none;
    }
    return MOAT_OK;
}

/* Check one attribute and give its OID and string tag. */
static moat_err check_attr(moat_x509_attr type, const char *value, const uint8_t **oid,
                           uint8_t *tag, size_t *len)
{
    size_t n;
    size_t i;
    const uint8_t *v = (const uint8_t *)value;

    if (value == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    n = strlen(value);
    *len = n;
    if (n == 0u) {
        return MOAT_ERR_X509_BAD_NAME;
    }
    switch (type) {
    case MOAT_X509_ATTR_CN:
    case MOAT_X509_ATTR_O:
    case MOAT_X509_ATTR_OU:
        *oid = (type == MOAT_X509_ATTR_CN) ? OID_AT_CN
               : (type == MOAT_X509_ATTR_O) ? OID_AT_O : OID_AT_OU;
        *tag = MOAT_DER_TAG_UTF8_STRING;
        i = utf8_count(v, n);
        if (i == SIZE_MAX || i > MOAT_X509I_ATTR_MAX_CHARS) {
            return MOAT_ERR_X509_BAD_NAME;
        }
        return MOAT_OK;
    case MOAT_X509_ATTR_C:
        /* X.520 countryName: ISO 3166 alpha-2, PrintableString SIZE(2). */
        *oid = OID_AT_C;
        *tag = MOAT_DER_TAG_PRINTABLE_STRING;
        if (n != 2u || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z') {
            return MOAT_ERR_X509_BAD_NAME;
        }
        return MOAT_OK;
    case MOAT_X509_ATTR_SERIAL_NUMBER:
        *oid = OID_AT_SERIAL;
        *tag = MOAT_DER_TAG_PRINTABLE_STRING;
        if (n > MOAT_X509I_ATTR_MAX_CHARS) {
            return MOAT_ERR_X509_BAD_NAME;
        }
        for (i = 0; i < n; i++) {
            if (!printable_char(v[i])) {
                return MOAT_ERR_X509_BAD_NAME;
            }
        }
        return MOAT_OK;
    default:
        return MOAT_ERR_X509_BAD_NAME;
    }
}

moat_err moat_x509i_put_name(moat_der_writer *w, const moat_x509_name *name,
                             bool *empty)
{
    size_t i;
    size_t mark;
    moat_err err;

    if (empty != NULL) {
        *empty = true;
    }
    if (name == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (name->raw.ptr != NULL) {
        err = moat_x509i_check_name_der(name->raw.ptr, name->raw.len, empty);
        if (err == MOAT_OK) {
            moat_der_put_raw(w, name->raw.ptr, name->raw.len);
        }
        return err;
    }
    if (name->count > MOAT_X509_MAX_NAME_ATTRS) {
        return MOAT_ERR_X509_TOO_MANY;
    }
    for (i = 0; i < name->count; i++) {
        const uint8_t *oid;
        uint8_t tag;
        size_t len;
        err = check_attr(name->type[i], name->value[i], &oid, &tag, &len);
        if (err != MOAT_OK) {
            return err;
        }
    }
    mark = moat_der_mark(w);
    for (i = name->count; i > 0u; i--) {
        const uint8_t *oid = NULL;
        uint8_t tag = 0;
        size_t len = 0;
        size_t m_rdn = moat_der_mark(w);
        (void)check_attr(name->type[i - 1u], name->value[i - 1u], &oid, &tag, &len);
        moat_der_put_tlv(w, tag, (const uint8_t *)name->value[i - 1u], len);
        moat_der_put_oid(w, oid, 3u);
        moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, m_rdn);
        moat_der_put_constructed(w, MOAT_DER_TAG_SET, m_rdn);
    }
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
    if (empty != NULL) {
        *empty = (name->count == 0u);
    }
    return MOAT_OK;
}

/* ------------------------------------------------------ keys, algorithms */

bool moat_x509i_oid_valid(const uint8_t *oid, size_t len)
{
    size_t i;
    bool start = true;

    if (oid == NULL || len == 0u || (oid[len - 1u] & 0x80u) != 0u) {
        return false;
    }
    for (i = 0; i < len; i++) {
        /* X.690 8.19.2: no leading 0x80 octet in a subidentifier. */
        if (start && oid[i] == 0x80u) {
            return false;
        }
        start = (oid[i] & 0x80u) == 0u;
    }
    return true;
}

moat_err moat_x509i_put_sig_alg(moat_der_writer *w, moat_curve curve)
{
    size_t mark = moat_der_mark(w);
    const uint8_t *oid;

    if (curve == MOAT_CURVE_P256) {
        oid = moat_x509i_oid_ecdsa_sha256;
    } else if (curve == MOAT_CURVE_P384) {
        oid = moat_x509i_oid_ecdsa_sha384;
    } else {
        return MOAT_ERR_UNSUPPORTED;
    }
    moat_der_put_oid(w, oid, 8u);
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
    return MOAT_OK;
}

moat_err moat_x509i_check_key(const moat_ec_public_key *key)
{
    moat_ec_public_key tmp;
    moat_err err;

    if (key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_curve_size(key->curve) == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (key->q_len > sizeof(key->q)) {
        return MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    err = moat_ec_public_from_point(key->curve, key->q, key->q_len, &tmp);
    moat_wipe(&tmp, sizeof(tmp));
    return err;
}

moat_err moat_x509i_put_spki(moat_der_writer *w, const moat_ec_public_key *key)
{
    uint8_t spki[MOAT_EC_SPKI_MAX];
    size_t len = 0;
    moat_err err = moat_x509i_check_key(key);

    if (err == MOAT_OK) {
        err = moat_ec_public_to_spki(key, spki, sizeof(spki), &len);
    }
    if (err == MOAT_OK) {
        moat_der_put_raw(w, spki, len);
    }
    return err;
}

/* ----------------------------------------------------------- extensions */

/** Most extensions moat itself knows how to write (BC, KU, EKU, SAN, SKI, AKI). */
#define KNOWN_EXT_COUNT 6u

static bool bytes_equal(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    return al == bl && (al == 0u || memcmp(a, b, al) == 0);
}

/* Wrap what was written since @p mark as extnValue and prepend extnID and
 * critical (DER: the DEFAULT FALSE is omitted). */
static void put_ext_wrap(moat_der_writer *w, size_t mark, const uint8_t *oid, size_t oid_len,
                         bool critical)
{
    static const uint8_t true_octet = 0xFFu;

    moat_der_put_constructed(w, MOAT_DER_TAG_OCTET_STRING, mark);
    if (critical) {
        moat_der_put_tlv(w, MOAT_DER_TAG_BOOLEAN, &true_octet, 1u);
    }
    moat_der_put_oid(w, oid, oid_len);
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
}

static bool text_ok(const moat_x509_bytes *v)
{
    size_t i;

    if (v->ptr == NULL || v->len == 0u || v->len > MOAT_X509I_SAN_TEXT_MAX) {
        return false;
    }
    for (i = 0; i < v->len; i++) {
        /* IA5String, visible characters only (no spaces or controls). */
        if (v->ptr[i] <= 0x20u || v->ptr[i] >= 0x7Fu) {
            return false;
        }
    }
    return true;
}

/* Check every requested extension; fill @p oids / @p lens with the OIDs to
 * write and *n with their number. */
static moat_err check_extensions(const moat_x509_ext_params *ext,
                                 const moat_ec_public_key *subject_key,
                                 const uint8_t **oids, size_t *lens, size_t *n)
{
    size_t i;
    size_t j;
    size_t k = 0;

    if (ext->basic_constraints) {
        /* RFC 5280 4.2.1.9: pathLenConstraint only when cA is asserted. */
        if (ext->path_len < -1 || (ext->path_len >= 0 && !ext->is_ca)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        oids[k] = moat_x509i_oid_basic_constraints;
        lens[k++] = 3u;
    }
    if (ext->key_usage != 0u) {
        if ((ext->key_usage & ~(uint16_t)0x1FFu) != 0u) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        oids[k] = moat_x509i_oid_key_usage;
        lens[k++] = 3u;
    }
    if (ext->eku_count > 0u) {
        if (ext->eku_count > MOAT_X509_MAX_EKU) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        for (i = 0; i < ext->eku_count; i++) {
            if (!moat_x509i_oid_valid(ext->eku[i].ptr, ext->eku[i].len)) {
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
        }
        oids[k] = moat_x509i_oid_ext_key_usage;
        lens[k++] = 3u;
    }
    if (ext->san_count > 0u) {
        if (ext->san_count > MOAT_X509_MAX_SAN) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        for (i = 0; i < ext->san_count; i++) {
            const moat_x509_general_name *g = &ext->san[i];
            bool ok;
            switch (g->type) {
            case MOAT_X509_GN_DNS:
                /* the same host-name rule the parser applies */
                ok = text_ok(&g->value) &&
                     moat_x509i_dns_name_ok(g->value.ptr, g->value.len, true);
                break;
            case MOAT_X509_GN_URI:
                ok = text_ok(&g->value);
                break;
            case MOAT_X509_GN_IP:
                ok = g->value.ptr != NULL && (g->value.len == 4u || g->value.len == 16u);
                break;
            default:
                ok = false;
                break;
            }
            if (!ok) {
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
        }
        oids[k] = moat_x509i_oid_san;
        lens[k++] = 3u;
    }
    if (ext->ski) {
        if (subject_key == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        oids[k] = moat_x509i_oid_ski;
        lens[k++] = 3u;
    }
    if (ext->aki.len > 0u) {
        if (ext->aki.ptr == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        oids[k] = moat_x509i_oid_aki;
        lens[k++] = 3u;
    }
    if (ext->raw_count > 0u) {
        if (ext->raw == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        if (ext->raw_count > MOAT_X509_MAX_EXTENSIONS) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        for (i = 0; i < ext->raw_count; i++) {
            const moat_x509_raw_ext *r = &ext->raw[i];
            moat_der_reader rd;
            uint8_t tag;
            const uint8_t *v;
            size_t vl;
            if (!moat_x509i_oid_valid(r->oid.ptr, r->oid.len) || r->value.ptr == NULL ||
                r->value.len == 0u) {
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
            /* extnValue holds the DER of one ASN.1 value (RFC 5280 4.1). */
            moat_der_reader_init(&rd, r->value.ptr, r->value.len);
            if (moat_der_read_tlv(&rd, &tag, &v, &vl) != MOAT_OK || !moat_der_at_end(&rd)) {
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
            oids[k] = r->oid.ptr;
            lens[k++] = r->oid.len;
        }
    }
    if (k > MOAT_X509_MAX_EXTENSIONS) {
        return MOAT_ERR_X509_TOO_MANY;
    }
    /* RFC 5280 4.2: never more than one instance of an extension. */
    for (i = 0; i < k; i++) {
        for (j = i + 1u; j < k; j++) {
            if (bytes_equal(oids[i], lens[i], oids[j], lens[j])) {
                return MOAT_ERR_X509_DUPLICATE_EXTENSION;
            }
        }
    }
    *n = k;
    return MOAT_OK;
}

static void put_key_usage(moat_der_writer *w, uint16_t ku)
{
    /* DER named bit list (X.690 11.2.2): trailing zero bits removed; bit 0
     * is the most significant bit of the first octet. */
    uint8_t bits[3] = {0, 0, 0};
    unsigned hi = 0;
    unsigned b;
    size_t nbytes;
    size_t mark = moat_der_mark(w);

    for (b = 0; b < 9u; b++) {
        if ((ku >> b) & 1u) {
            bits[1u + b / 8u] |= (uint8_t)(0x80u >> (b % 8u));
            hi = b;
        }
    }
    nbytes = hi / 8u + 1u;
    bits[0] = (uint8_t)(7u - (hi % 8u)); /* unused bits in the last octet */
    moat_der_put_raw(w, bits, 1u + nbytes);
    moat_der_put_constructed(w, MOAT_DER_TAG_BIT_STRING, mark);
}

static void put_basic_constraints(moat_der_writer *w, bool is_ca, int path_len)
{
    static const uint8_t true_octet = 0xFFu;
    size_t mark = moat_der_mark(w);

    if (path_len >= 0) {
        uint8_t be[4];
        uint32_t v = (uint32_t)path_len;
        be[0] = (uint8_t)(v >> 24);
        be[1] = (uint8_t)(v >> 16);
        be[2] = (uint8_t)(v >> 8);
        be[3] = (uint8_t)v;
        moat_der_put_uint(w, be, sizeof(be));
    }
    if (is_ca) {
        moat_der_put_tlv(w, MOAT_DER_TAG_BOOLEAN, &true_octet, 1u);
    }
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
}

moat_err moat_x509i_put_extensions(moat_der_writer *w, const moat_x509_ext_params *ext,
                                   const moat_ec_public_key *subject_key,
                                   bool san_critical, size_t *count)
{
    const uint8_t *oids[MOAT_X509_MAX_EXTENSIONS + KNOWN_EXT_COUNT];
    size_t lens[MOAT_X509_MAX_EXTENSIONS + KNOWN_EXT_COUNT];
    size_t n = 0;
    size_t i;
    size_t mark;
    size_t m;
    moat_err err;

    if (count == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *count = 0;
    if (ext == NULL) {
        return MOAT_OK;
    }
    err = check_extensions(ext, subject_key, oids, lens, &n);
    if (err != MOAT_OK || n == 0u) {
        return err;
    }
    if (ext->ski) {
        err = moat_x509i_check_key(subject_key);
        if (err != MOAT_OK) {
            return err;
        }
    }
    mark = moat_der_mark(w);

    /* Backward: raw extensions (last first), AKI, SKI, SAN, EKU, KU, BC. */
    for (i = ext->raw_count; i > 0u; i--) {
        const moat_x509_raw_ext *r = &ext->raw[i - 1u];
        m = moat_der_mark(w);
        moat_der_put_raw(w, r->value.ptr, r->value.len);
        put_ext_wrap(w, m, r->oid.ptr, r->oid.len, r->critical);
    }
    if (ext->aki.len > 0u) {
        /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT } */
        m = moat_der_mark(w);
        moat_der_put_tlv(w, MOAT_DER_TAG_CTX_PRIM(0), ext->aki.ptr, ext->aki.len);
        moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, m);
        put_ext_wrap(w, m, moat_x509i_oid_aki, 3u, false);
    }
    if (ext->ski) {
        /* RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT
         * STRING value (tag, length and unused-bits octet excluded), which
         * for an EC key is the uncompressed point. */
        uint8_t id[MOAT_HASH_MAX_SIZE];
        size_t id_len = moat_hash_size(MOAT_HASH_SHA1);
        err = moat_hash(MOAT_HASH_SHA1, subject_key->q, subject_key->q_len, id);
        if (err != MOAT_OK) {
            return err;
        }
        m = moat_der_mark(w);
        moat_der_put_tlv(w, MOAT_DER_TAG_OCTET_STRING, id, id_len);
        put_ext_wrap(w, m, moat_x509i_oid_ski, 3u, false);
    }
    if (ext->san_count > 0u) {
        m = moat_der_mark(w);
        for (i = ext->san_count; i > 0u; i--) {
            const moat_x509_general_name *g = &ext->san[i - 1u];
            moat_der_put_tlv(w, MOAT_DER_TAG_CTX_PRIM((unsigned)g->type), g->value.ptr,
                             g->value.len);
        }
        moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, m);
        put_ext_wrap(w, m, moat_x509i_oid_san, 3u, san_critical);
    }
    if (ext->eku_count > 0u) {
        m = moat_der_mark(w);
        for (i = ext->eku_count; i > 0u; i--) {
            moat_der_put_oid(w, ext->eku[i - 1u].ptr, ext->eku[i - 1u].len);
        }
        moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, m);
        put_ext_wrap(w, m, moat_x509i_oid_ext_key_usage, 3u, false);
    }
    if (ext->key_usage != 0u) {
        /* RFC 5280 4.2.1.3: conforming CAs SHOULD mark it critical. */
        m = moat_der_mark(w);
        put_key_usage(w, ext->key_usage);
        put_ext_wrap(w, m, moat_x509i_oid_key_usage, 3u, true);
    }
    if (ext->basic_constraints) {
        /* RFC 5280 4.2.1.9: critical in CA certificates; moat always. */
        m = moat_der_mark(w);
        put_basic_constraints(w, ext->is_ca, ext->path_len);
        put_ext_wrap(w, m, moat_x509i_oid_basic_constraints, 3u, true);
    }
    moat_der_put_constructed(w, MOAT_DER_TAG_SEQUENCE, mark);
    *count = n;
    return MOAT_OK;
}

/* ------------------------------------------------------------- signing */

size_t moat_x509i_signed_size_max(size_t body_len, moat_curve curve)
{
    size_t sz = moat_curve_size(curve);
    size_t int_max = 2u + sz + 1u; /* INTEGER with a leading 0x00 */
    size_t sig_max = moat_der_header_size(2u * int_max) + 2u * int_max;
    size_t bits = moat_der_header_size(sig_max + 1u) + sig_max + 1u;
    size_t content = body_len + SIG_ALG_DER_LEN + bits;

    return moat_der_header_size(content) + content;
}

moat_err moat_x509i_sign_wrap(const moat_signer *signer, uint8_t *out, size_t out_cap,
                              size_t body_len, size_t *out_len)
{
    uint8_t sig[MOAT_ECDSA_DER_MAX];
    uint8_t tail[MOAT_X509I_SIG_TAIL_MAX];
    uint8_t hdr[MOAT_DER_MAX_HEADER];
    size_t sig_len = 0;
    size_t tail_len = 0;
    size_t hdr_len = 0;
    size_t content;
    size_t total;
    moat_der_writer tw;
    moat_err err;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (signer == NULL || out == NULL || body_len > out_cap) {
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_signer_sign(signer, moat_curve_hash(signer->curve), out, body_len,
                           MOAT_SIG_DER, sig, sizeof(sig), &sig_len);
    if (err == MOAT_OK) {
        moat_der_writer_init(&tw, tail, sizeof(tail));
        moat_der_put_bit_string(&tw, sig, sig_len);
        err = moat_x509i_put_sig_alg(&tw, signer->curve);
        if (err == MOAT_OK) {
            err = moat_der_writer_finish(&tw, &tail_len);
        }
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        moat_wipe(sig, sizeof(sig));
        moat_wipe(tail, sizeof(tail));
        return (err == MOAT_ERR_BUFFER_TOO_SMALL) ? MOAT_ERR_INTERNAL : err;
    }
    content = body_len + tail_len;
    total = moat_der_header_size(content) + content;
    if (total > out_cap) {
        moat_wipe(out, out_cap);
        moat_wipe(sig, sizeof(sig));
        moat_wipe(tail, sizeof(tail));
        *out_len = total;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    moat_der_writer_init(&tw, hdr, sizeof(hdr));
    moat_der_put_header(&tw, MOAT_DER_TAG_SEQUENCE, content);
    (void)moat_der_writer_finish(&tw, &hdr_len);
    memmove(out + hdr_len, out, body_len);
    memcpy(out, hdr, hdr_len);
    memcpy(out + hdr_len + body_len, tail, tail_len);
    moat_wipe(sig, sizeof(sig));
    moat_wipe(tail, sizeof(tail));
    *out_len = total;
    return MOAT_OK;
}
