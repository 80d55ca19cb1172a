/**
 * @file parse.c
 * @brief Strict X.509 v3 certificate parsing (RFC 5280 section 4) over the
 *        strict DER reader of core/der.h (ITU-T X.690 DER).
 *
 * The parser walks the fixed structure of RFC 5280 section 4.1 with one
 * reader per level (no recursion; every nesting level is a named step below)
 * and fills a zero-copy ::moat_x509_cert. Policy decisions taken here (all
 * also listed in docs/x509-policy.md):
 * - DER only: definite minimal lengths, minimal INTEGERs, DEFAULT values
 *   absent (an explicit v1 version, an explicit critical FALSE, an explicit
 *   cA FALSE and an explicit GeneralSubtree minimum are rejected), BOOLEAN
 *   TRUE encoded as 0xFF, SET OF elements in DER order, no trailing data at
 *   any level.
 * - serialNumber: positive, non-zero, at most 20 content octets
 *   (RFC 5280 section 4.1.2.2), else ::MOAT_ERR_X509_BAD_SERIAL.
 * - Signature algorithms: ecdsa-with-SHA256/384 (parameters absent,
 *   RFC 5758 section 3.2) and sha256/384WithRSAEncryption (NULL parameters,
 *   RFC 4055 section 5); the TBS signature field must equal the outer
 *   signatureAlgorithm byte for byte (RFC 5280 section 4.1.1.2).
 * - Keys: id-ecPublicKey with namedCurve P-256 / P-384 (RFC 5480; the point
 *   must be uncompressed and on the curve) or rsaEncryption (RFC 3279
 *   section 2.3.1, NULL parameters, positive minimal n and e).
 * - Validity: UTCTime YYMMDDHHMMSSZ (years 50-99 are 19xx, 00-49 are 20xx,
 *   RFC 5280 section 4.1.2.5.1) and GeneralizedTime YYYYMMDDHHMMSSZ without
 *   fractions (section 4.1.2.5.2); calendar dates checked, seconds 00-59.
 * - Names: SEQUENCE OF SET (non-empty) OF AttributeTypeAndValue whose value
 *   is one of the ASN.1 string types; the issuer must not be empty.
 * - Extensions (v3 only, at least one when the [3] field is present): each
 *   at most once; the known ones are parsed and must be well formed
 *   (::MOAT_ERR_X509_BAD_EXTENSION): basicConstraints, keyUsage,
 *   extKeyUsage, subjectAltName, subjectKeyIdentifier,
 *   authorityKeyIdentifier, nameConstraints, TCG DiceTcbInfo and the
 *   open-dice attestation extension.
 * - issuerUniqueID / subjectUniqueID are tolerated (v2/v3 only) and ignored.
 */
#include <string.h>

#include "moat/x509.h"
#include "moat/core.h"
#include "core/der.h"
#include "x509/internal.h"

/* ---------------------------------------------------------------- OIDs */

/* Content octets of the object identifiers the parser knows. */
static const uint8_t OID_ECDSA_SHA256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};
static const uint8_t OID_ECDSA_SHA384[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03};
static const uint8_t OID_RSA_SHA256[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B};
static const uint8_t OID_RSA_SHA384[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C};
static const uint8_t OID_RSA_ENCRYPTION[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
static const uint8_t OID_EC_PUBLIC_KEY[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
static const uint8_t OID_P256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
static const uint8_t OID_P384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};

static const uint8_t OID_SKI[] = {0x55, 0x1D, 0x0E};
static const uint8_t OID_KEY_USAGE[] = {0x55, 0x1D, 0x0F};
static const uint8_t OID_SAN[] = {0x55, 0x1D, 0x11};
static const uint8_t OID_BASIC_CONSTRAINTS[] = {0x55, 0x1D, 0x13};
static const uint8_t OID_NAME_CONSTRAINTS[] = {0x55, 0x1D, 0x1E};
static const uint8_t OID_AKI[] = {0x55, 0x1D, 0x23};
static const uint8_t OID_EKU[] = {0x55, 0x1D, 0x25};
/* TCG DICE Attestation Architecture: tcg-dice-TcbInfo 2.23.133.5.4.1. */
static const uint8_t OID_DICE_TCB_INFO[] = {0x67, 0x81, 0x05, 0x05, 0x04, 0x01};
/* Open Profile for DICE: 1.3.6.1.4.1.11129.2.1.24. */
static const uint8_t OID_OPEN_DICE[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79,
                                        0x02, 0x01, 0x18};

/** RFC 5280 section 4.1.2.2: at most 20 octets of serialNumber. */
#define X509_MAX_SERIAL_OCTETS 20u
/** UTCTime YYMMDDHHMMSSZ and GeneralizedTime YYYYMMDDHHMMSSZ lengths. */
#define X509_UTC_TIME_LEN 13u
#define X509_GEN_TIME_LEN 15u
/** keyUsage: 9 named bits fit in 2 octets after the unused-bits octet. */
#define X509_KU_MAX_OCTETS 3u
/** Largest pathLenConstraint kept (fits an int everywhere). */
#define X509_MAX_PATH_LEN 0x7FFFFFFF

/* GeneralName tags (RFC 5280 section 4.2.1.6), IMPLICIT context-specific. */
#define GN_TAG_OTHER_NAME 0xA0u
#define GN_TAG_RFC822 0x81u
#define GN_TAG_DNS 0x82u
#define GN_TAG_X400 0xA3u
#define GN_TAG_DIRECTORY 0xA4u
#define GN_TAG_EDI_PARTY 0xA5u
#define GN_TAG_URI 0x86u
#define GN_TAG_IP 0x87u
#define GN_TAG_REGISTERED_ID 0x88u

static bool oid_eq(const uint8_t *oid, size_t len, const uint8_t *ref, size_t ref_len)
{
    return len == ref_len && memcmp(oid, ref, len) == 0;
}

#define OID_IS(p, l, ref) oid_eq((p), (l), (ref), sizeof(ref))

/* OID content octets (X.690 section 8.19.2): every subidentifier minimal
 * (its first octet is not 0x80) and the last octet ends a subidentifier. */
static bool oid_valid(const uint8_t *oid, size_t len)
{
    size_t i;
    bool start = true;

    if (len == 0u || (oid[len - 1u] & 0x80u) != 0u) {
        return false;
    }
    for (i = 0; i < len; i++) {
        if (start && oid[i] == 0x80u) {
            return false;
        }
        start = (oid[i] & 0x80u) == 0u;
    }
    return true;
}

/* Read an OBJECT IDENTIFIER and check its encoding. */
static moat_err read_oid_checked(moat_der_reader *r, const uint8_t **oid, size_t *len)
{
    moat_err err = moat_der_read_oid(r, oid, len);

    if (err == MOAT_OK && !oid_valid(*oid, *len)) {
        err = MOAT_ERR_X509_BAD_OID;
    }
    return err;
}

/* ----------------------------------------------------- small DER helpers */

/* Read one TLV with @p tag and return its whole encoding (header included). */
static moat_err read_tlv_slice(moat_der_reader *r, uint8_t tag, moat_x509_bytes *tlv,
                               const uint8_t **value, size_t *value_len)
{
    size_t start = r->pos;
    moat_err err = moat_der_expect(r, tag, value, value_len);

    if (err != MOAT_OK) {
        return err;
    }
    tlv->ptr = r->buf + start;
    tlv->len = r->pos - start;
    return MOAT_OK;
}

/* Open a reader over @p len bytes at @p p, one level below @p parent. */
static void sub_reader(moat_der_reader *child, const moat_der_reader *parent,
                       const uint8_t *p, size_t len)
{
    moat_der_reader_init(child, p, len);
    child->depth = parent->depth + 1u;
}

/* A DER BOOLEAN's content: one octet, 0x00 or 0xFF (X.690 section 11.1). */
static moat_err bool_value(const uint8_t *v, size_t len, bool *out)
{
    if (len != 1u) {
        return MOAT_ERR_DER_LENGTH;
    }
    if (v[0] == 0xFFu) {
        *out = true;
        return MOAT_OK;
    }
    if (v[0] == 0x00u) {
        *out = false;
        return MOAT_OK;
    }
    return MOAT_ERR_X509_BAD_EXTENSION; /* BER TRUE (not 0xFF) is not DER */
}

/* The raw content octets of an INTEGER must be minimal (X.690 8.3.2). */
static bool integer_minimal(const uint8_t *v, size_t len)
{
    if (len == 0u) {
        return false;
    }
    if (len > 1u && ((v[0] == 0x00u && (v[1] & 0x80u) == 0u) ||
                     (v[0] == 0xFFu && (v[1] & 0x80u) != 0u))) {
        return false;
    }
    return true;
}

/* -------------------------------------------------- algorithm identifiers */

/* Decode a signature AlgorithmIdentifier TLV's contents. */
static moat_err parse_sig_alg(const moat_x509_bytes *tlv, moat_x509_sig_alg *alg)
{
    moat_der_reader r;
    moat_der_reader seq;
    const uint8_t *oid = NULL;
    size_t oid_len = 0u;
    const uint8_t *v = NULL;
    size_t l = 0u;
    bool ecdsa = false;
    moat_err err;

    moat_der_reader_init(&r, tlv->ptr, tlv->len);
    err = moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err == MOAT_OK) {
        err = moat_der_read_oid(&seq, &oid, &oid_len);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (OID_IS(oid, oid_len, OID_ECDSA_SHA256)) {
        *alg = MOAT_X509_SIG_ECDSA_SHA256;
        ecdsa = true;
    } else if (OID_IS(oid, oid_len, OID_ECDSA_SHA384)) {
        *alg = MOAT_X509_SIG_ECDSA_SHA384;
        ecdsa = true;
    } else if (OID_IS(oid, oid_len, OID_RSA_SHA256)) {
        *alg = MOAT_X509_SIG_RSA_SHA256;
    } else if (OID_IS(oid, oid_len, OID_RSA_SHA384)) {
        *alg = MOAT_X509_SIG_RSA_SHA384;
    } else {
        return MOAT_ERR_X509_UNSUPPORTED_ALG;
    }
    if (ecdsa) {
        /* RFC 5758 section 3.2: the parameters field MUST be absent. */
        return moat_der_at_end(&seq) ? MOAT_OK : MOAT_ERR_X509_UNSUPPORTED_ALG;
    }
    /* RFC 4055 section 5: parameters MUST be NULL for sha*WithRSAEncryption. */
    err = moat_der_expect(&seq, MOAT_DER_TAG_NULL, &v, &l);
    if (err != MOAT_OK || l != 0u || !moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_UNSUPPORTED_ALG;
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------------ names */

static bool is_string_tag(uint8_t tag)
{
    switch (tag) {
    case 0x0Cu: /* UTF8String */
    case 0x12u: /* NumericString */
    case 0x13u: /* PrintableString */
    case 0x14u: /* TeletexString (T61String) */
    case 0x16u: /* IA5String */
    case 0x1Au: /* VisibleString */
    case 0x1Cu: /* UniversalString */
    case 0x1Eu: /* BMPString */
        return true;
    default:
        return false;
    }
}

/* DER SET OF order (X.690 section 11.6): encodings ascending, the shorter
 * one padded with trailing zero octets. True if a <= b. */
static bool der_set_order(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t n = (alen > blen) ? alen : blen;
    size_t i;

    for (i = 0; i < n; i++) {
        uint8_t x = (i < alen) ? a[i] : 0u;
        uint8_t y = (i < blen) ? b[i] : 0u;
        if (x != y) {
            return x < y;
        }
    }
    return true;
}

/*
 * Validate a Name (RFC 5280 section 4.1.2.4): SEQUENCE OF
 * RelativeDistinguishedName, each a non-empty SET OF AttributeTypeAndValue
 * { type OID, value <string type> }. DER errors are reported as such; a
 * structurally wrong Name is ::MOAT_ERR_X509_BAD_NAME.
 */
static moat_err check_name(moat_der_reader *tbs, moat_x509_bytes *name, bool allow_empty)
{
    moat_der_reader seq;
    moat_der_reader rdn;
    moat_der_reader atv;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err;

    err = read_tlv_slice(tbs, MOAT_DER_TAG_SEQUENCE, name, &v, &l);
    if (err != MOAT_OK) {
        return err;
    }
    sub_reader(&seq, tbs, v, l);
    if (moat_der_at_end(&seq) && !allow_empty) {
        return MOAT_ERR_X509_BAD_NAME;
    }
    while (!moat_der_at_end(&seq)) {
        const uint8_t *prev = NULL;
        size_t prev_len = 0u;
        err = moat_der_enter(&seq, MOAT_DER_TAG_SET, &rdn);
        if (err != MOAT_OK) {
            return (err == MOAT_ERR_DER_TAG) ? MOAT_ERR_X509_BAD_NAME : err;
        }
        if (moat_der_at_end(&rdn)) {
            return MOAT_ERR_X509_BAD_NAME; /* SET SIZE (1..MAX) */
        }
        while (!moat_der_at_end(&rdn)) {
            size_t start = rdn.pos;
            const uint8_t *oid = NULL;
            size_t oid_len = 0u;
            uint8_t tag = 0u;

            err = moat_der_enter(&rdn, MOAT_DER_TAG_SEQUENCE, &atv);
            if (err == MOAT_OK) {
                err = read_oid_checked(&atv, &oid, &oid_len);
            }
            if (err == MOAT_OK) {
                err = moat_der_read_tlv(&atv, &tag, &v, &l);
            }
            if (err == MOAT_OK && !moat_der_at_end(&atv)) {
                err = MOAT_ERR_X509_BAD_NAME;
            }
            if (err == MOAT_OK && !is_string_tag(tag)) {
                err = MOAT_ERR_X509_BAD_NAME;
            }
            if (err != MOAT_OK) {
                return (err == MOAT_ERR_DER_TAG) ? MOAT_ERR_X509_BAD_NAME : err;
            }
            /* A multi-valued RDN must list its elements in DER SET OF order. */
            if (prev != NULL &&
                !der_set_order(prev, prev_len, rdn.buf + start, rdn.pos - start)) {
                return MOAT_ERR_X509_BAD_NAME;
            }
            prev = rdn.buf + start;
            prev_len = rdn.pos - start;
        }
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------------ times */

static bool two_digits(const uint8_t *p, unsigned *out)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') {
        return false;
    }
    *out = (unsigned)(p[0] - '0') * 10u + (unsigned)(p[1] - '0');
    return true;
}

static bool is_leap(unsigned y)
{
    return (y % 4u == 0u && y % 100u != 0u) || y % 400u == 0u;
}

/* Days from 0001-01-01 to year y's January 1st (proleptic Gregorian), for
 * y >= 1: 365 per year plus one per leap year before y. */
static int64_t days_before_year(int64_t y)
{
    int64_t p = y - 1;
    return 365 * p + p / 4 - p / 100 + p / 400;
}

/* Seconds since 1970-01-01T00:00:00Z of a validated civil time. Years are
 * shifted by one 400-year Gregorian cycle so that year 0000 works too. */
static int64_t civil_to_epoch(unsigned year, unsigned mon, unsigned day, unsigned hh,
                              unsigned mm, unsigned ss)
{
    static const unsigned cumdays[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t days = days_before_year((int64_t)year + 400) - days_before_year(1970 + 400);

    days += cumdays[mon - 1u] + (int64_t)(day - 1u);
    if (mon > 2u && is_leap(year)) {
        days += 1;
    }
    return days * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + (int64_t)ss;
}

/* Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }. */
static moat_err parse_time(moat_der_reader *r, int64_t *out)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const uint8_t *v = NULL;
    size_t l = 0u;
    uint8_t tag = 0u;
    unsigned year;
    unsigned c = 0u, y = 0u, mon = 0u, day = 0u, hh = 0u, mm = 0u, ss = 0u;
    unsigned dim;
    moat_err err = moat_der_read_tlv(r, &tag, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    if (tag == MOAT_DER_TAG_UTC_TIME) {
        if (l != X509_UTC_TIME_LEN || !two_digits(v, &y)) {
            return MOAT_ERR_X509_BAD_TIME;
        }
        year = (y >= 50u) ? 1900u + y : 2000u + y;
        v += 2;
    } else if (tag == MOAT_DER_TAG_GENERALIZED_TIME) {
        if (l != X509_GEN_TIME_LEN || !two_digits(v, &c) || !two_digits(v + 2, &y)) {
            return MOAT_ERR_X509_BAD_TIME;
        }
        year = c * 100u + y;
        v += 4;
    } else {
        return MOAT_ERR_DER_TAG;
    }
    /* v: MMDDHHMMSSZ */
    if (!two_digits(v, &mon) || !two_digits(v + 2, &day) || !two_digits(v + 4, &hh) ||
        !two_digits(v + 6, &mm) || !two_digits(v + 8, &ss) || v[10] != 'Z') {
        return MOAT_ERR_X509_BAD_TIME;
    }
    if (mon < 1u || mon > 12u || hh > 23u || mm > 59u || ss > 59u) {
        return MOAT_ERR_X509_BAD_TIME;
    }
    dim = mdays[mon - 1u] + ((mon == 2u && is_leap(year)) ? 1u : 0u);
    if (day < 1u || day > dim) {
        return MOAT_ERR_X509_BAD_TIME;
    }
    *out = civil_to_epoch(year, mon, day, hh, mm, ss);
    return MOAT_OK;
}

/* -------------------------------------------------------------------- SPKI */

static moat_err parse_rsa_key(const moat_der_reader *parent, const uint8_t *bits,
                              size_t bits_len, moat_x509_cert *cert)
{
    moat_der_reader top;
    moat_der_reader seq;
    moat_err err;

    /* RFC 3279 2.3.1: RSAPublicKey ::= SEQUENCE { modulus, publicExponent }. */
    sub_reader(&top, parent, bits, bits_len);
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    if (err == MOAT_OK) {
        err = moat_der_read_uint(&seq, &cert->rsa_n.ptr, &cert->rsa_n.len);
    }
    if (err == MOAT_OK) {
        err = moat_der_read_uint(&seq, &cert->rsa_e.ptr, &cert->rsa_e.len);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&seq);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (cert->rsa_n.len == 0u || cert->rsa_e.len == 0u) {
        return MOAT_ERR_CRYPTO_BAD_KEY; /* zero modulus or exponent */
    }
    return MOAT_OK;
}

/* SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7). */
static moat_err parse_spki(moat_der_reader *tbs, moat_x509_cert *cert)
{
    moat_der_reader spki;
    moat_der_reader alg;
    const uint8_t *v = NULL;
    size_t l = 0u;
    const uint8_t *oid = NULL;
    size_t oid_len = 0u;
    const uint8_t *bits = NULL;
    size_t bits_len = 0u;
    moat_err err;

    err = read_tlv_slice(tbs, MOAT_DER_TAG_SEQUENCE, &cert->spki, &v, &l);
    if (err != MOAT_OK) {
        return err;
    }
    sub_reader(&spki, tbs, v, l);
    err = moat_der_enter(&spki, MOAT_DER_TAG_SEQUENCE, &alg);
    if (err == MOAT_OK) {
        err = moat_der_read_oid(&alg, &oid, &oid_len);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (OID_IS(oid, oid_len, OID_EC_PUBLIC_KEY)) {
        const uint8_t *curve_oid = NULL;
        size_t curve_len = 0u;
        moat_curve curve;

        /* RFC 5480 2.1.1: namedCurve only (implicitCurve and specifiedCurve
         * are refused). */
        err = moat_der_read_oid(&alg, &curve_oid, &curve_len);
        if (err == MOAT_ERR_DER_TAG) {
            return MOAT_ERR_X509_UNSUPPORTED_ALG;
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&alg);
        }
        if (err == MOAT_OK) {
            err = moat_der_read_bit_string_octets(&spki, &bits, &bits_len);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&spki);
        }
        if (err != MOAT_OK) {
            return err;
        }
        if (OID_IS(curve_oid, curve_len, OID_P256)) {
            curve = MOAT_CURVE_P256;
        } else if (OID_IS(curve_oid, curve_len, OID_P384)) {
            curve = MOAT_CURVE_P384;
        } else {
            return MOAT_ERR_X509_UNSUPPORTED_ALG;
        }
        cert->key_type = MOAT_X509_KEY_EC;
        return moat_ec_public_from_point(curve, bits, bits_len, &cert->ec_key);
    }
    if (OID_IS(oid, oid_len, OID_RSA_ENCRYPTION)) {
        /* RFC 3279 2.3.1: the parameters field MUST be NULL. */
        err = moat_der_expect(&alg, MOAT_DER_TAG_NULL, &v, &l);
        if (err == MOAT_ERR_DER_TAG || err == MOAT_ERR_DER_TRUNCATED ||
            (err == MOAT_OK && l != 0u)) {
            return MOAT_ERR_X509_UNSUPPORTED_ALG;
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&alg);
        }
        if (err == MOAT_OK) {
            err = moat_der_read_bit_string_octets(&spki, &bits, &bits_len);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&spki);
        }
        if (err != MOAT_OK) {
            return err;
        }
        cert->key_type = MOAT_X509_KEY_RSA;
        return parse_rsa_key(&spki, bits, bits_len, cert);
    }
    return MOAT_ERR_X509_UNSUPPORTED_ALG;
}

/* -------------------------------------------------------------- extensions */

/* IA5String content: 7-bit characters only (X.680 section 41). */
static bool ia5_ok(const uint8_t *v, size_t l)
{
    size_t i;
    for (i = 0; i < l; i++) {
        if (v[i] >= 0x80u) {
            return false;
        }
    }
    return true;
}

/*
 * One GeneralName (RFC 5280 section 4.2.1.6). DNS, URI and IP are kept with
 * their content octets; every other form is kept as ::MOAT_X509_GN_OTHER
 * with its whole TLV (tag included) so that the form stays recognisable.
 * @p constraint selects the IP length rule (4/16 in a SAN, 8/32 in a
 * name-constraint subtree, RFC 5280 section 4.2.1.10).
 */
static moat_err parse_general_name(moat_der_reader *r, bool constraint,
                                   moat_x509_general_name *gn)
{
    size_t start = r->pos;
    uint8_t tag = 0u;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err = moat_der_read_tlv(r, &tag, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    switch (tag) {
    case GN_TAG_DNS:
        /* A SAN dNSName must be a host name (RFC 5280 4.2.1.6: preferred
         * name syntax; "*" only as the whole left-most label). In a
         * constraint, empty means every name and one leading '.' is allowed
         * (RFC 5280 4.2.1.10); no wildcard. A trailing dot or an empty
         * label would defeat suffix matching of name constraints. */
        if (!ia5_ok(v, l)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        if (constraint) {
            size_t skip = (l > 0u && v[0] == '.') ? 1u : 0u;
            if (l != 0u && !moat_x509i_dns_name_ok(v + skip, l - skip, false)) {
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
        } else if (!moat_x509i_dns_name_ok(v, l, true)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        gn->type = MOAT_X509_GN_DNS;
        break;
    case GN_TAG_URI:
        if (!ia5_ok(v, l) || (!constraint && l == 0u)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        gn->type = MOAT_X509_GN_URI;
        break;
    case GN_TAG_IP:
        if (constraint ? (l != 8u && l != 32u) : (l != 4u && l != 16u)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        gn->type = MOAT_X509_GN_IP;
        break;
    case GN_TAG_RFC822:
        if (!ia5_ok(v, l)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        gn->type = MOAT_X509_GN_OTHER;
        gn->value.ptr = r->buf + start;
        gn->value.len = r->pos - start;
        return MOAT_OK;
    case GN_TAG_OTHER_NAME:
    case GN_TAG_X400:
    case GN_TAG_DIRECTORY:
    case GN_TAG_EDI_PARTY:
    case GN_TAG_REGISTERED_ID:
        gn->type = MOAT_X509_GN_OTHER;
        gn->value.ptr = r->buf + start;
        gn->value.len = r->pos - start;
        return MOAT_OK;
    default:
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    gn->value.ptr = v;
    gn->value.len = l;
    return MOAT_OK;
}

/* basicConstraints (RFC 5280 section 4.2.1.9). */
static moat_err ext_basic_constraints(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_der_reader seq;
    uint8_t tag = 0u;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err = moat_der_enter(val, MOAT_DER_TAG_SEQUENCE, &seq);

    if (err != MOAT_OK) {
        return err;
    }
    cert->has_basic_constraints = true;
    cert->is_ca = false;
    cert->path_len = -1;
    if (!moat_der_at_end(&seq) && moat_der_peek_tag(&seq, &tag) == MOAT_OK &&
        tag == MOAT_DER_TAG_BOOLEAN) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_BOOLEAN, &v, &l);
        if (err == MOAT_OK) {
            err = bool_value(v, l, &cert->is_ca);
        }
        if (err != MOAT_OK) {
            return err;
        }
        if (!cert->is_ca) {
            return MOAT_ERR_X509_BAD_EXTENSION; /* DEFAULT FALSE encoded */
        }
    }
    if (!moat_der_at_end(&seq)) {
        const uint8_t *mag = NULL;
        size_t mag_len = 0u;
        uint32_t n = 0u;
        size_t i;

        err = moat_der_read_uint(&seq, &mag, &mag_len);
        if (err != MOAT_OK) {
            return err;
        }
        if (mag_len > 4u) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        for (i = 0; i < mag_len; i++) {
            n = (n << 8) | mag[i];
        }
        /* RFC 5280: pathLenConstraint only makes sense with cA TRUE. */
        if (n > (uint32_t)X509_MAX_PATH_LEN || !cert->is_ca) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        cert->path_len = (int)n;
    }
    return moat_der_finish(&seq);
}

/* keyUsage (RFC 5280 section 4.2.1.3): a DER named-bit BIT STRING, so no
 * trailing zero bits (X.690 section 11.2.2) and at least one bit set. */
static moat_err ext_key_usage(moat_der_reader *val, moat_x509_cert *cert)
{
    const uint8_t *v = NULL;
    size_t l = 0u;
    unsigned unused;
    uint8_t last;
    unsigned bit;
    moat_err err = moat_der_expect(val, MOAT_DER_TAG_BIT_STRING, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    if (l < 2u || l > X509_KU_MAX_OCTETS || v[0] > 7u) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    unused = v[0];
    last = v[l - 1u];
    /* Unused bits zero, and the last used bit is a 1 (no trailing zeros). */
    if ((last & (uint8_t)((1u << unused) - 1u)) != 0u || ((last >> unused) & 1u) == 0u) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    cert->has_key_usage = true;
    cert->key_usage = 0u;
    for (bit = 0; bit < 8u * (unsigned)(l - 1u) && bit < 9u; bit++) {
        if ((v[1u + bit / 8u] & (0x80u >> (bit % 8u))) != 0u) {
            cert->key_usage = (uint16_t)(cert->key_usage | (1u << bit));
        }
    }
    return MOAT_OK;
}

/* extKeyUsage (RFC 5280 section 4.2.1.12): SEQUENCE SIZE (1..MAX) OF OID. */
static moat_err ext_eku(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_der_reader seq;
    moat_err err = moat_der_enter(val, MOAT_DER_TAG_SEQUENCE, &seq);

    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    cert->has_eku = true;
    while (!moat_der_at_end(&seq)) {
        if (cert->eku_count >= MOAT_X509_MAX_EKU) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        err = read_oid_checked(&seq, &cert->eku[cert->eku_count].ptr,
                               &cert->eku[cert->eku_count].len);
        if (err != MOAT_OK) {
            return err;
        }
        cert->eku_count++;
    }
    return MOAT_OK;
}

/* subjectAltName (RFC 5280 section 4.2.1.6): GeneralNames, SIZE (1..MAX). */
static moat_err ext_san(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_der_reader seq;
    moat_err err = moat_der_enter(val, MOAT_DER_TAG_SEQUENCE, &seq);

    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    while (!moat_der_at_end(&seq)) {
        if (cert->san_count >= MOAT_X509_MAX_SAN) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        err = parse_general_name(&seq, false, &cert->san[cert->san_count]);
        if (err != MOAT_OK) {
            return err;
        }
        cert->san_count++;
    }
    return MOAT_OK;
}

/* subjectKeyIdentifier (RFC 5280 section 4.2.1.2): a non-empty OCTET STRING. */
static moat_err ext_ski(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_err err = moat_der_expect(val, MOAT_DER_TAG_OCTET_STRING, &cert->ski.ptr,
                                   &cert->ski.len);

    if (err == MOAT_OK && cert->ski.len == 0u) {
        err = MOAT_ERR_X509_BAD_EXTENSION;
    }
    return err;
}

/* authorityKeyIdentifier (RFC 5280 section 4.2.1.1). */
static moat_err ext_aki(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_der_reader seq;
    uint8_t tag = 0u;
    const uint8_t *v = NULL;
    size_t l = 0u;
    bool has_issuer = false;
    moat_err err = moat_der_enter(val, MOAT_DER_TAG_SEQUENCE, &seq);

    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_peek_tag(&seq, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_PRIM(0)) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_CTX_PRIM(0), &cert->aki.ptr,
                              &cert->aki.len);
        if (err != MOAT_OK) {
            return err;
        }
        if (cert->aki.len == 0u) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
    }
    if (moat_der_peek_tag(&seq, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_CONS(1)) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_CTX_CONS(1), &v, &l);
        if (err != MOAT_OK) {
            return err;
        }
        has_issuer = true;
    }
    if (moat_der_peek_tag(&seq, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_PRIM(2)) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_CTX_PRIM(2), &v, &l);
        if (err != MOAT_OK) {
            return err;
        }
        if (!integer_minimal(v, l) || !has_issuer) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        has_issuer = false;
    }
    if (has_issuer) {
        return MOAT_ERR_X509_BAD_EXTENSION; /* issuer without serial */
    }
    return moat_der_finish(&seq);
}

/* GeneralSubtrees (RFC 5280 section 4.2.1.10), appended to cert->subtrees. */
static moat_err parse_subtrees(moat_der_reader *seq, moat_x509_cert *cert)
{
    moat_der_reader st;
    moat_err err;

    if (moat_der_at_end(seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION; /* SIZE (1..MAX) */
    }
    while (!moat_der_at_end(seq)) {
        size_t n = cert->permitted_count + cert->excluded_count;
        err = moat_der_enter(seq, MOAT_DER_TAG_SEQUENCE, &st);
        if (err != MOAT_OK) {
            return err;
        }
        if (n >= MOAT_X509_MAX_SUBTREES) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        err = parse_general_name(&st, true, &cert->subtrees[n]);
        if (err != MOAT_OK) {
            return err;
        }
        /* minimum DEFAULT 0 must be absent in DER and RFC 5280 requires 0;
         * maximum MUST be absent: nothing may follow the base. */
        if (!moat_der_at_end(&st)) {
            return MOAT_ERR_X509_BAD_EXTENSION;
        }
        if (cert->excluded_count == 0u && !cert->has_name_constraints) {
            cert->permitted_count++;
        } else {
            cert->excluded_count++;
        }
    }
    return MOAT_OK;
}

/* nameConstraints (RFC 5280 section 4.2.1.10). */
static moat_err ext_name_constraints(moat_der_reader *val, moat_x509_cert *cert)
{
    moat_der_reader seq;
    moat_der_reader sub;
    uint8_t tag = 0u;
    moat_err err = moat_der_enter(val, MOAT_DER_TAG_SEQUENCE, &seq);

    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION; /* at least one of the two */
    }
    if (moat_der_peek_tag(&seq, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_CONS(0)) {
        err = moat_der_enter(&seq, MOAT_DER_TAG_CTX_CONS(0), &sub);
        if (err == MOAT_OK) {
            err = parse_subtrees(&sub, cert);
        }
        if (err != MOAT_OK) {
            return err;
        }
    }
    /* From here on, subtrees count as excluded. */
    cert->has_name_constraints = true;
    if (moat_der_peek_tag(&seq, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_CONS(1)) {
        err = moat_der_enter(&seq, MOAT_DER_TAG_CTX_CONS(1), &sub);
        if (err == MOAT_OK) {
            err = parse_subtrees(&sub, cert);
        }
        if (err != MOAT_OK) {
            return err;
        }
    }
    return moat_der_finish(&seq);
}

/* DICE extensions: the value is one DER SEQUENCE, kept as a slice. */
static moat_err ext_dice(moat_der_reader *val, moat_x509_bytes *out)
{
    size_t start = val->pos;
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err = moat_der_expect(val, MOAT_DER_TAG_SEQUENCE, &v, &l);

    if (err != MOAT_OK) {
        return err;
    }
    out->ptr = val->buf + start;
    out->len = val->pos - start;
    return MOAT_OK;
}

/* Dispatch a known extension; false in *known for the others. */
static moat_err parse_known_extension(const moat_x509_extension *ext,
                                      const moat_der_reader *parent,
                                      moat_x509_cert *cert, bool *known)
{
    moat_der_reader val;
    const uint8_t *oid = ext->oid.ptr;
    size_t oid_len = ext->oid.len;
    moat_err err;

    sub_reader(&val, parent, ext->value.ptr, ext->value.len);
    *known = true;
    if (OID_IS(oid, oid_len, OID_BASIC_CONSTRAINTS)) {
        err = ext_basic_constraints(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_KEY_USAGE)) {
        err = ext_key_usage(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_EKU)) {
        err = ext_eku(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_SAN)) {
        err = ext_san(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_SKI)) {
        err = ext_ski(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_AKI)) {
        err = ext_aki(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_NAME_CONSTRAINTS)) {
        err = ext_name_constraints(&val, cert);
    } else if (OID_IS(oid, oid_len, OID_DICE_TCB_INFO)) {
        err = ext_dice(&val, &cert->dice_tcb_info);
    } else if (OID_IS(oid, oid_len, OID_OPEN_DICE)) {
        err = ext_dice(&val, &cert->dice_open_attest);
    } else {
        *known = false;
        return MOAT_OK;
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&val);
    }
    /* Any malformation inside a known extension's value is reported as a
     * malformed extension; bounds keep their own code. */
    if (err != MOAT_OK && err != MOAT_ERR_X509_TOO_MANY) {
        err = MOAT_ERR_X509_BAD_EXTENSION;
    }
    return err;
}

/* Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280 4.1.2.9). */
static moat_err parse_extensions(moat_der_reader *tbs, moat_x509_cert *cert)
{
    moat_der_reader outer;
    moat_der_reader seq;
    moat_der_reader ext;
    moat_err err = moat_der_enter(tbs, MOAT_DER_TAG_CTX_CONS(3), &outer);

    if (err == MOAT_OK) {
        err = moat_der_enter(&outer, MOAT_DER_TAG_SEQUENCE, &seq);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&outer);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_at_end(&seq)) {
        return MOAT_ERR_X509_BAD_EXTENSION;
    }
    while (!moat_der_at_end(&seq)) {
        moat_x509_extension *e;
        uint8_t tag = 0u;
        const uint8_t *v = NULL;
        size_t l = 0u;
        size_t i;
        bool known = false;

        err = moat_der_enter(&seq, MOAT_DER_TAG_SEQUENCE, &ext);
        if (err != MOAT_OK) {
            return err;
        }
        if (cert->ext_count >= MOAT_X509_MAX_EXTENSIONS) {
            return MOAT_ERR_X509_TOO_MANY;
        }
        e = &cert->ext[cert->ext_count];
        err = read_oid_checked(&ext, &e->oid.ptr, &e->oid.len);
        if (err != MOAT_OK) {
            return err;
        }
        e->critical = false;
        if (moat_der_peek_tag(&ext, &tag) == MOAT_OK && tag == MOAT_DER_TAG_BOOLEAN) {
            err = moat_der_expect(&ext, MOAT_DER_TAG_BOOLEAN, &v, &l);
            if (err == MOAT_OK) {
                err = bool_value(v, l, &e->critical);
            }
            if (err != MOAT_OK) {
                return err;
            }
            if (!e->critical) {
                /* critical DEFAULT FALSE: encoding FALSE is not DER. */
                return MOAT_ERR_X509_BAD_EXTENSION;
            }
        }
        err = moat_der_expect(&ext, MOAT_DER_TAG_OCTET_STRING, &e->value.ptr,
                              &e->value.len);
        if (err == MOAT_OK) {
            err = moat_der_finish(&ext);
        }
        if (err != MOAT_OK) {
            return err;
        }
        /* RFC 5280 4.2: a certificate MUST NOT include more than one
         * instance of a particular extension. */
        for (i = 0; i < cert->ext_count; i++) {
            if (oid_eq(cert->ext[i].oid.ptr, cert->ext[i].oid.len, e->oid.ptr, e->oid.len)) {
                return MOAT_ERR_X509_DUPLICATE_EXTENSION;
            }
        }
        cert->ext_count++;
        err = parse_known_extension(e, &ext, cert, &known);
        if (err != MOAT_OK) {
            return err;
        }
        e->understood = known;
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------- certificate */

/* serialNumber content octets (policy in the file comment). */
static moat_err check_serial(const uint8_t *v, size_t l)
{
    size_t i;
    bool zero = true;

    if (!integer_minimal(v, l)) {
        return MOAT_ERR_DER_INTEGER;
    }
    if ((v[0] & 0x80u) != 0u) {
        return MOAT_ERR_X509_BAD_SERIAL; /* negative */
    }
    for (i = 0; i < l; i++) {
        if (v[i] != 0u) {
            zero = false;
        }
    }
    if (zero || l > X509_MAX_SERIAL_OCTETS) {
        return MOAT_ERR_X509_BAD_SERIAL;
    }
    return MOAT_OK;
}

/* An optional [1]/[2] IMPLICIT UniqueIdentifier (BIT STRING), tolerated. */
static moat_err skip_unique_id(moat_der_reader *tbs, uint8_t tag, const moat_x509_cert *cert)
{
    const uint8_t *v = NULL;
    size_t l = 0u;
    uint8_t t = 0u;
    moat_err err;

    if (moat_der_peek_tag(tbs, &t) != MOAT_OK || t != tag) {
        return MOAT_OK;
    }
    if (cert->version < 2u) {
        return MOAT_ERR_X509_BAD_VERSION; /* RFC 5280 4.1.2.8: v2 or v3 only */
    }
    err = moat_der_expect(tbs, tag, &v, &l);
    if (err != MOAT_OK) {
        return err;
    }
    /* BIT STRING contents: unused-bits octet 0..7, 0 when empty, and the
     * unused bits themselves zero (X.690 11.2.1). */
    if (l == 0u || v[0] > 7u || (l == 1u && v[0] != 0u) ||
        (l > 1u && (v[l - 1u] & (uint8_t)((1u << v[0]) - 1u)) != 0u)) {
        return MOAT_ERR_DER_LENGTH;
    }
    return MOAT_OK;
}

/* TBSCertificate (RFC 5280 section 4.1.2). */
static moat_err parse_tbs(const moat_der_reader *cert_r, const moat_x509_bytes *outer_alg,
                          moat_x509_cert *cert)
{
    moat_der_reader top;
    moat_der_reader tbs;
    moat_x509_bytes alg = {NULL, 0u};
    const uint8_t *v = NULL;
    size_t l = 0u;
    uint8_t tag = 0u;
    moat_err err;

    sub_reader(&top, cert_r, cert->tbs.ptr, cert->tbs.len);
    top.depth = cert_r->depth;
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &tbs);
    if (err != MOAT_OK) {
        return err;
    }

    /* version [0] EXPLICIT Version DEFAULT v1 */
    cert->version = 1u;
    if (moat_der_peek_tag(&tbs, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_CONS(0)) {
        moat_der_reader ver;
        const uint8_t *mag = NULL;
        size_t mag_len = 0u;

        err = moat_der_enter(&tbs, MOAT_DER_TAG_CTX_CONS(0), &ver);
        if (err == MOAT_OK) {
            err = moat_der_read_uint(&ver, &mag, &mag_len);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&ver);
        }
        if (err != MOAT_OK) {
            return err;
        }
        /* DER: the DEFAULT v1 (0) is never encoded; v2 = 1, v3 = 2. */
        if (mag_len != 1u || mag[0] < 1u || mag[0] > 2u) {
            return MOAT_ERR_X509_BAD_VERSION;
        }
        cert->version = (unsigned)mag[0] + 1u;
    }

    /* serialNumber CertificateSerialNumber */
    err = moat_der_expect(&tbs, MOAT_DER_TAG_INTEGER, &v, &l);
    if (err == MOAT_OK) {
        err = check_serial(v, l);
    }
    if (err != MOAT_OK) {
        return err;
    }
    cert->serial.ptr = v;
    cert->serial.len = l;

    /* signature AlgorithmIdentifier: the same bytes as the outer one. */
    err = read_tlv_slice(&tbs, MOAT_DER_TAG_SEQUENCE, &alg, &v, &l);
    if (err != MOAT_OK) {
        return err;
    }
    if (alg.len != outer_alg->len || memcmp(alg.ptr, outer_alg->ptr, alg.len) != 0) {
        return MOAT_ERR_X509_SIG_ALG_MISMATCH;
    }
    err = parse_sig_alg(&alg, &cert->sig_alg);
    if (err != MOAT_OK) {
        return err;
    }

    /* issuer Name */
    err = check_name(&tbs, &cert->issuer, false);
    if (err != MOAT_OK) {
        return err;
    }

    /* validity Validity */
    {
        moat_der_reader val;
        err = moat_der_enter(&tbs, MOAT_DER_TAG_SEQUENCE, &val);
        if (err == MOAT_OK) {
            err = parse_time(&val, &cert->not_before);
        }
        if (err == MOAT_OK) {
            err = parse_time(&val, &cert->not_after);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&val);
        }
        if (err != MOAT_OK) {
            return err;
        }
    }

    /* subject Name (may be empty when a subjectAltName carries the identity) */
    err = check_name(&tbs, &cert->subject, true);
    if (err != MOAT_OK) {
        return err;
    }

    /* subjectPublicKeyInfo */
    err = parse_spki(&tbs, cert);
    if (err != MOAT_OK) {
        return err;
    }

    /* issuerUniqueID [1], subjectUniqueID [2], extensions [3] */
    err = skip_unique_id(&tbs, MOAT_DER_TAG_CTX_PRIM(1), cert);
    if (err == MOAT_OK) {
        err = skip_unique_id(&tbs, MOAT_DER_TAG_CTX_PRIM(2), cert);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (moat_der_peek_tag(&tbs, &tag) == MOAT_OK && tag == MOAT_DER_TAG_CTX_CONS(3)) {
        if (cert->version != 3u) {
            return MOAT_ERR_X509_BAD_VERSION;
        }
        err = parse_extensions(&tbs, cert);
        if (err != MOAT_OK) {
            return err;
        }
    }
    err = moat_der_finish(&tbs);
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    return err;
}

static moat_err parse_certificate(const uint8_t *der, size_t len, moat_x509_cert *cert)
{
    moat_der_reader top;
    moat_der_reader c;
    moat_x509_bytes outer_alg = {NULL, 0u};
    const uint8_t *v = NULL;
    size_t l = 0u;
    moat_err err;

    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
     * signatureValue BIT STRING } (RFC 5280 section 4.1.1). */
    moat_der_reader_init(&top, der, len);
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &c);
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    if (err == MOAT_OK) {
        err = read_tlv_slice(&c, MOAT_DER_TAG_SEQUENCE, &cert->tbs, &v, &l);
    }
    if (err == MOAT_OK) {
        err = read_tlv_slice(&c, MOAT_DER_TAG_SEQUENCE, &outer_alg, &v, &l);
    }
    if (err == MOAT_OK) {
        err = moat_der_read_bit_string_octets(&c, &cert->sig.ptr, &cert->sig.len);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&c);
    }
    if (err != MOAT_OK) {
        return err;
    }
    if (cert->sig.len == 0u) {
        return MOAT_ERR_DER_LENGTH;
    }
    cert->der.ptr = der;
    cert->der.len = len;
    cert->path_len = -1;
    return parse_tbs(&c, &outer_alg, cert);
}

moat_err moat_x509_parse(const uint8_t *der, size_t len, moat_x509_cert *cert)
{
    moat_err err;

    if (cert == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(cert, sizeof(*cert));
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_X509_MAX_CERT_SIZE) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    err = parse_certificate(der, len, cert);
    if (err != MOAT_OK) {
        moat_wipe(cert, sizeof(*cert));
    }
    return err;
}
