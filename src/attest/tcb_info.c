/*
 * TCG DiceTcbInfo (TCG DICE Attestation Architecture, version 1.00,
 * section 6.1.1; OID tcg-dice-TcbInfo 2.23.133.5.4.1). The ASN.1 module is
 * defined with IMPLICIT TAGS:
 *
 *   DiceTcbInfo ::= SEQUENCE {
 *     vendor     [0] IMPLICIT UTF8String OPTIONAL,
 *     model      [1] IMPLICIT UTF8String OPTIONAL,
 *     version    [2] IMPLICIT UTF8String OPTIONAL,
 *     svn        [3] IMPLICIT INTEGER OPTIONAL,
 *     layer      [4] IMPLICIT INTEGER OPTIONAL,
 *     index      [5] IMPLICIT INTEGER OPTIONAL,
 *     fwids      [6] IMPLICIT FWIDLIST OPTIONAL,
 *     flags      [7] IMPLICIT OperationalFlags OPTIONAL,
 *     vendorInfo [8] IMPLICIT OCTET STRING OPTIONAL,
 *     type       [9] IMPLICIT OCTET STRING OPTIONAL }
 *   FWIDLIST ::= SEQUENCE SIZE (1..MAX) OF FWID
 *   FWID ::= SEQUENCE { hashAlg OBJECT IDENTIFIER, digest OCTET STRING }
 *   OperationalFlags ::= BIT STRING { notConfigured (0), notSecure (1),
 *     recovery (2), debug (3), ... }
 *
 * So the tags are 0x80..0x85 and 0x87..0x89 (primitive) and 0xA6 (the
 * constructed SEQUENCE OF). The parser is strict (see dice.h).
 */
#include <string.h>

#include "moat/core.h"
#include "moat/dice.h"
#include "core/der.h"
#include "dice_internal.h"

/* NIST hash OIDs 2.16.840.1.101.3.4.2.{1,2,3} (RFC 5758 section 2). */
static const uint8_t oid_sha256[9] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t oid_sha384[9] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
static const uint8_t oid_sha512[9] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};

#define TCB_ALL_FIELDS 0x3FFu
#define TCB_FIELD_COUNT 10u
#define TAG_FWIDS MOAT_DER_TAG_CTX_CONS(6)

static const uint8_t *hash_oid(moat_hash_alg alg)
{
    switch (alg) {
    case MOAT_HASH_SHA256:
        return oid_sha256;
    case MOAT_HASH_SHA384:
        return oid_sha384;
    case MOAT_HASH_SHA512:
        return oid_sha512;
    default:
        return NULL;
    }
}

static bool string_ok(const char *s, size_t *len)
{
    size_t n = moat_dicei_strnlen(s, MOAT_DICE_TCB_STRING_MAX + 1u);
    if (n > MOAT_DICE_TCB_STRING_MAX || !moat_dicei_utf8_valid((const uint8_t *)s, n)) {
        return false;
    }
    *len = n;
    return true;
}

/* Minimal two's-complement INTEGER content of an unsigned value. */
static size_t uint_content(uint64_t v, uint8_t out[9])
{
    uint8_t be[9];
    size_t i;
    size_t start = 1;

    be[0] = 0;
    for (i = 0; i < 8u; i++) {
        be[8u - i] = (uint8_t)(v >> (8u * i));
    }
    while (start < 8u && be[start] == 0u) {
        start++;
    }
    if (be[start] & 0x80u) {
        start--;
    }
    memcpy(out, &be[start], 9u - start);
    return 9u - start;
}

moat_err moat_dice_tcb_info_encode(const moat_dice_tcb_info *tcb, uint8_t *out,
                                   size_t out_cap, size_t *out_len)
{
    moat_der_writer w;
    size_t top;
    size_t lens[3] = {0, 0, 0};
    const char *strs[3];
    size_t i;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (tcb == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    strs[0] = tcb->vendor;
    strs[1] = tcb->model;
    strs[2] = tcb->version;
    err = MOAT_OK;
    if ((tcb->present & ~TCB_ALL_FIELDS) != 0u) {
        err = MOAT_ERR_DICE_TCB_INFO;
    }
    for (i = 0; err == MOAT_OK && i < 3u; i++) {
        if ((tcb->present & (1u << i)) && !string_ok(strs[i], &lens[i])) {
            err = MOAT_ERR_DICE_TCB_INFO;
        }
    }
    if (err == MOAT_OK && (tcb->present & MOAT_DICE_TCB_FWIDS)) {
        if (tcb->fwid_count == 0u || tcb->fwid_count > MOAT_DICE_TCB_MAX_FWIDS) {
            err = MOAT_ERR_DICE_TCB_INFO;
        }
        for (i = 0; err == MOAT_OK && i < tcb->fwid_count; i++) {
            if (hash_oid(tcb->fwids[i].alg) == NULL ||
                tcb->fwids[i].digest_len != moat_hash_size(tcb->fwids[i].alg)) {
                err = MOAT_ERR_DICE_TCB_INFO;
            }
        }
    }
    if (err == MOAT_OK &&
        (((tcb->present & MOAT_DICE_TCB_VENDOR_INFO) &&
          tcb->vendor_info_len > MOAT_DICE_TCB_OCTETS_MAX) ||
         ((tcb->present & MOAT_DICE_TCB_TYPE) && tcb->type_len > MOAT_DICE_TCB_OCTETS_MAX))) {
        err = MOAT_ERR_DICE_TCB_INFO;
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }

    moat_der_writer_init(&w, out, out_cap);
    top = moat_der_mark(&w);
    if (tcb->present & MOAT_DICE_TCB_TYPE) {
        moat_der_put_tlv(&w, MOAT_DER_TAG_CTX_PRIM(9), tcb->type, tcb->type_len);
    }
    if (tcb->present & MOAT_DICE_TCB_VENDOR_INFO) {
        moat_der_put_tlv(&w, MOAT_DER_TAG_CTX_PRIM(8), tcb->vendor_info, tcb->vendor_info_len);
    }
    if (tcb->present & MOAT_DICE_TCB_FLAGS) {
        /* DER named bit list (X.690 11.2.2): trailing zero bits removed. */
        uint8_t bits[5] = {0, 0, 0, 0, 0};
        unsigned hi = 0;
        unsigned b;
        bool any = false;
        size_t nbytes = 0;
        for (b = 0; b < 32u; b++) {
            if ((tcb->flags >> b) & 1u) {
                bits[1u + b / 8u] |= (uint8_t)(0x80u >> (b % 8u));
                hi = b;
                any = true;
            }
        }
        if (any) {
            nbytes = hi / 8u + 1u;
            bits[0] = (uint8_t)(7u - (hi % 8u));
        }
        moat_der_put_tlv(&w, MOAT_DER_TAG_CTX_PRIM(7), bits, 1u + nbytes);
    }
    if (tcb->present & MOAT_DICE_TCB_FWIDS) {
        size_t m = moat_der_mark(&w);
        for (i = tcb->fwid_count; i > 0u; i--) {
            const moat_dice_fwid *f = &tcb->fwids[i - 1u];
            size_t fm = moat_der_mark(&w);
            moat_der_put_tlv(&w, MOAT_DER_TAG_OCTET_STRING, f->digest, f->digest_len);
            moat_der_put_tlv(&w, MOAT_DER_TAG_OID, hash_oid(f->alg), sizeof(oid_sha256));
            moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, fm);
        }
        moat_der_put_constructed(&w, TAG_FWIDS, m);
    }
    {
        const uint64_t nums[3] = {tcb->svn, tcb->layer, tcb->index};
        for (i = 3u; i > 0u; i--) {
            if (tcb->present & (MOAT_DICE_TCB_SVN << (i - 1u))) {
                uint8_t c[9];
                size_t n = uint_content(nums[i - 1u], c);
                moat_der_put_tlv(&w, MOAT_DER_TAG_CTX_PRIM(3u + (i - 1u)), c, n);
            }
        }
    }
    for (i = 3u; i > 0u; i--) {
        if (tcb->present & (1u << (i - 1u))) {
            moat_der_put_tlv(&w, MOAT_DER_TAG_CTX_PRIM(i - 1u), (const uint8_t *)strs[i - 1u],
                             lens[i - 1u]);
        }
    }
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, top);
    return moat_der_writer_finish(&w, out_len);
}

static moat_err parse_uint(const uint8_t *v, size_t len, uint64_t *out)
{
    const uint8_t *mag;
    size_t mag_len;
    size_t i;
    uint64_t x = 0;

    if (moat_der_uint_magnitude(v, len, &mag, &mag_len) != MOAT_OK || mag_len > 8u) {
        return MOAT_ERR_DICE_TCB_INFO;
    }
    for (i = 0; i < mag_len; i++) {
        x = (x << 8) | mag[i];
    }
    *out = x;
    return MOAT_OK;
}

static moat_err parse_fwids(const uint8_t *v, size_t len, moat_dice_tcb_info *tcb)
{
    moat_der_reader r;

    moat_der_reader_init(&r, v, len);
    if (moat_der_at_end(&r)) {
        return MOAT_ERR_DICE_TCB_INFO; /* SIZE (1..MAX) */
    }
    while (!moat_der_at_end(&r)) {
        moat_der_reader f;
        const uint8_t *oid;
        size_t oid_len;
        const uint8_t *dig;
        size_t dig_len;
        moat_dice_fwid *out;

        if (tcb->fwid_count >= MOAT_DICE_TCB_MAX_FWIDS) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        if (moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &f) != MOAT_OK ||
            moat_der_read_oid(&f, &oid, &oid_len) != MOAT_OK ||
            moat_der_expect(&f, MOAT_DER_TAG_OCTET_STRING, &dig, &dig_len) != MOAT_OK ||
            moat_der_finish(&f) != MOAT_OK) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        out = &tcb->fwids[tcb->fwid_count];
        if (oid_len != sizeof(oid_sha256)) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        if (memcmp(oid, oid_sha256, oid_len) == 0) {
            out->alg = MOAT_HASH_SHA256;
        } else if (memcmp(oid, oid_sha384, oid_len) == 0) {
            out->alg = MOAT_HASH_SHA384;
        } else if (memcmp(oid, oid_sha512, oid_len) == 0) {
            out->alg = MOAT_HASH_SHA512;
        } else {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        if (dig_len != moat_hash_size(out->alg)) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        memcpy(out->digest, dig, dig_len);
        out->digest_len = dig_len;
        tcb->fwid_count++;
    }
    return MOAT_OK;
}

static moat_err parse_flags(const uint8_t *v, size_t len, uint32_t *flags)
{
    size_t i;
    unsigned unused;
    uint32_t x = 0;

    /* BIT STRING content: unused-bits octet then at most 4 octets (32
     * named bits); an empty string has 0 unused bits; unused bits zero. */
    if (len == 0u || len > 5u) {
        return MOAT_ERR_DICE_TCB_INFO;
    }
    unused = v[0];
    if (unused > 7u || (len == 1u && unused != 0u)) {
        return MOAT_ERR_DICE_TCB_INFO;
    }
    if (len > 1u && (v[len - 1u] & (uint8_t)((1u << unused) - 1u)) != 0u) {
        return MOAT_ERR_DICE_TCB_INFO;
    }
    for (i = 1; i < len; i++) {
        unsigned b;
        for (b = 0; b < 8u; b++) {
            if (v[i] & (0x80u >> b)) {
                x |= (uint32_t)1u << ((i - 1u) * 8u + b);
            }
        }
    }
    *flags = x;
    return MOAT_OK;
}

static moat_err parse_fields(const uint8_t *der, size_t len, moat_dice_tcb_info *tcb)
{
    moat_der_reader top;
    moat_der_reader r;
    int last = -1;

    moat_der_reader_init(&top, der, len);
    if (moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &r) != MOAT_OK ||
        moat_der_finish(&top) != MOAT_OK) {
        return MOAT_ERR_DICE_TCB_INFO;
    }
    while (!moat_der_at_end(&r)) {
        uint8_t tag;
        const uint8_t *v;
        size_t vl;
        unsigned n;
        char *dst;
        moat_err err;

        if (moat_der_read_tlv(&r, &tag, &v, &vl) != MOAT_OK) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        n = tag & 0x1Fu;
        /* Only the ten fields, with their exact class and form. */
        if ((tag & 0xC0u) != MOAT_DER_CONTEXT || n >= TCB_FIELD_COUNT ||
            ((tag & MOAT_DER_CONSTRUCTED) != 0u) != (n == 6u)) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        /* Increasing tag order, each field at most once (DER SEQUENCE). */
        if ((int)n <= last) {
            return MOAT_ERR_DICE_TCB_INFO;
        }
        last = (int)n;
        tcb->present |= 1u << n;
        switch (n) {
        case 0:
        case 1:
        case 2:
            dst = n == 0u ? tcb->vendor : (n == 1u ? tcb->model : tcb->version);
            if (vl > MOAT_DICE_TCB_STRING_MAX || !moat_dicei_utf8_valid(v, vl)) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            if (vl > 0u) {
                memcpy(dst, v, vl);
            }
            dst[vl] = '\0';
            break;
        case 3:
            err = parse_uint(v, vl, &tcb->svn);
            if (err != MOAT_OK) {
                return err;
            }
            break;
        case 4:
            err = parse_uint(v, vl, &tcb->layer);
            if (err != MOAT_OK) {
                return err;
            }
            break;
        case 5:
            err = parse_uint(v, vl, &tcb->index);
            if (err != MOAT_OK) {
                return err;
            }
            break;
        case 6:
            err = parse_fwids(v, vl, tcb);
            if (err != MOAT_OK) {
                return err;
            }
            break;
        case 7:
            err = parse_flags(v, vl, &tcb->flags);
            if (err != MOAT_OK) {
                return err;
            }
            break;
        case 8:
            if (vl > MOAT_DICE_TCB_OCTETS_MAX) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            if (vl > 0u) {
                memcpy(tcb->vendor_info, v, vl);
            }
            tcb->vendor_info_len = vl;
            break;
        default: /* 9 */
            if (vl > MOAT_DICE_TCB_OCTETS_MAX) {
                return MOAT_ERR_DICE_TCB_INFO;
            }
            if (vl > 0u) {
                memcpy(tcb->type, v, vl);
            }
            tcb->type_len = vl;
            break;
        }
    }
    return MOAT_OK;
}

moat_err moat_dice_tcb_info_parse(const uint8_t *der, size_t len, moat_dice_tcb_info *tcb)
{
    moat_err err;

    if (tcb == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(tcb, 0, sizeof(*tcb));
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_DICE_TCB_DER_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    err = parse_fields(der, len, tcb);
    if (err != MOAT_OK) {
        memset(tcb, 0, sizeof(*tcb));
    }
    return err;
}

moat_err moat_dice_tcb_info_from_cert(const moat_x509_cert *cert, moat_dice_tcb_info *tcb)
{
    if (tcb == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(tcb, 0, sizeof(*tcb));
    if (cert == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cert->dice_tcb_info.ptr == NULL) {
        return MOAT_ERR_NOT_FOUND;
    }
    return moat_dice_tcb_info_parse(cert->dice_tcb_info.ptr, cert->dice_tcb_info.len, tcb);
}

bool moat_dice_tcb_info_equal(const moat_dice_tcb_info *a, const moat_dice_tcb_info *b)
{
    size_t i;
    uint32_t p;

    if (a == NULL || b == NULL || a->present != b->present) {
        return false;
    }
    p = a->present;
    if (((p & MOAT_DICE_TCB_VENDOR) &&
         strncmp(a->vendor, b->vendor, sizeof(a->vendor)) != 0) ||
        ((p & MOAT_DICE_TCB_MODEL) && strncmp(a->model, b->model, sizeof(a->model)) != 0) ||
        ((p & MOAT_DICE_TCB_VERSION) &&
         strncmp(a->version, b->version, sizeof(a->version)) != 0) ||
        ((p & MOAT_DICE_TCB_SVN) && a->svn != b->svn) ||
        ((p & MOAT_DICE_TCB_LAYER) && a->layer != b->layer) ||
        ((p & MOAT_DICE_TCB_INDEX) && a->index != b->index) ||
        ((p & MOAT_DICE_TCB_FLAGS) && a->flags != b->flags)) {
        return false;
    }
    if (p & MOAT_DICE_TCB_FWIDS) {
        if (a->fwid_count != b->fwid_count || a->fwid_count > MOAT_DICE_TCB_MAX_FWIDS) {
            return false;
        }
        for (i = 0; i < a->fwid_count; i++) {
            if (a->fwids[i].alg != b->fwids[i].alg ||
                a->fwids[i].digest_len != b->fwids[i].digest_len ||
                a->fwids[i].digest_len > MOAT_HASH_MAX_SIZE ||
                memcmp(a->fwids[i].digest, b->fwids[i].digest, a->fwids[i].digest_len) != 0) {
                return false;
            }
        }
    }
    if (p & MOAT_DICE_TCB_VENDOR_INFO) {
        if (a->vendor_info_len != b->vendor_info_len ||
            a->vendor_info_len > MOAT_DICE_TCB_OCTETS_MAX ||
            memcmp(a->vendor_info, b->vendor_info, a->vendor_info_len) != 0) {
            return false;
        }
    }
    if (p & MOAT_DICE_TCB_TYPE) {
        if (a->type_len != b->type_len || a->type_len > MOAT_DICE_TCB_OCTETS_MAX ||
            memcmp(a->type, b->type, a->type_len) != 0) {
            return false;
        }
    }
    return true;
}
