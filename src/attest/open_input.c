/*
 * The verifier's view of a CDI certificate: a strict parser of the
 * open-dice OpenDiceInput extension (Open Profile for DICE, "Custom
 * Extension Format", OID 1.3.6.1.4.1.11129.2.1.24):
 *
 *   OpenDiceInput ::= SEQUENCE {
 *     codeHash                [0] EXPLICIT OCTET STRING OPTIONAL,
 *     codeDescriptor          [1] EXPLICIT OCTET STRING OPTIONAL,
 *     configurationHash       [2] EXPLICIT OCTET STRING OPTIONAL,
 *     configurationDescriptor [3] EXPLICIT OCTET STRING OPTIONAL,
 *     authorityHash           [4] EXPLICIT OCTET STRING OPTIONAL,
 *     authorityDescriptor     [5] EXPLICIT OCTET STRING OPTIONAL,
 *     mode                    [6] EXPLICIT ENUMERATED OPTIONAL,
 *     profileName             [7] EXPLICIT UTF8String OPTIONAL }
 *
 * The values were certified by the layer below the subject (it holds the
 * issuing key), so they are what a lower layer measured, unlike the alias
 * certificate's DiceTcbInfo, which the described firmware writes itself.
 * moat requires the fields its verifier relies on (codeHash, authorityHash,
 * mode) and a configuration in one of the two forms moat_dice_cdi_cert()
 * writes. Also the DeviceID subject check (serialNumber = hex ID of the key).
 */
#include <string.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "core/der.h"
#include "dice_internal.h"

#define TAG_ENUMERATED 0x0Au
#define FIELD_COUNT 8u
/* SEQUENCE { SET { SEQUENCE { OID 2.5.4.5, PrintableString(40) } } } */
#define ID_NAME_SIZE 53u

static const uint8_t oid_serial_number[3] = {0x55, 0x04, 0x05};

/* The universal type inside each EXPLICIT field [0]..[7]. */
static uint8_t field_type(unsigned n)
{
    return n == 6u ? TAG_ENUMERATED : (n == 7u ? MOAT_DER_TAG_UTF8_STRING : MOAT_DER_TAG_OCTET_STRING);
}

static moat_err parse_fields(const uint8_t *der, size_t len, moat_dice_open_input *out)
{
    moat_der_reader top;
    moat_der_reader r;
    const uint8_t *val[FIELD_COUNT];
    size_t vlen[FIELD_COUNT];
    unsigned seen = 0;
    int last = -1;
    uint8_t h[MOAT_DICE_HASH_SIZE];

    memset(val, 0, sizeof(val));
    memset(vlen, 0, sizeof(vlen));
    moat_der_reader_init(&top, der, len);
    if (moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &r) != MOAT_OK ||
        moat_der_finish(&top) != MOAT_OK) {
        return MOAT_ERR_DICE_OPEN_INPUT;
    }
    while (!moat_der_at_end(&r)) {
        moat_der_reader f;
        uint8_t tag = 0;
        unsigned n;

        if (moat_der_peek_tag(&r, &tag) != MOAT_OK) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        n = tag & 0x1Fu;
        /* context-specific, constructed (EXPLICIT), one of the 8 fields,
         * strictly increasing (DER SEQUENCE order, each at most once) */
        if ((tag & 0xE0u) != (MOAT_DER_CONTEXT | MOAT_DER_CONSTRUCTED) || n >= FIELD_COUNT ||
            (int)n <= last) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        last = (int)n;
        if (moat_der_enter(&r, tag, &f) != MOAT_OK ||
            moat_der_expect(&f, field_type(n), &val[n], &vlen[n]) != MOAT_OK ||
            moat_der_finish(&f) != MOAT_OK) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        seen |= 1u << n;
    }
    /* required: codeHash, authorityHash, mode */
    if ((seen & 0x51u) != 0x51u || vlen[0] != MOAT_DICE_HASH_SIZE ||
        vlen[4] != MOAT_DICE_HASH_SIZE) {
        return MOAT_ERR_DICE_OPEN_INPUT;
    }
    /* descriptors bounded */
    if (vlen[1] > MOAT_DICE_DESCRIPTOR_MAX || vlen[3] > MOAT_DICE_DESCRIPTOR_MAX ||
        vlen[5] > MOAT_DICE_DESCRIPTOR_MAX) {
        return MOAT_ERR_DICE_OPEN_INPUT;
    }
    /* mode: ENUMERATED 0..3 in one (minimal) content octet */
    if (vlen[6] != 1u || val[6][0] > (uint8_t)MOAT_DICE_MODE_RECOVERY) {
        return MOAT_ERR_DICE_OPEN_INPUT;
    }
    /* configuration: inline ([3] = 64 bytes, no [2]) or descriptor ([3]
     * non-empty with [2] = SHA-512([3])) */
    if ((seen & (1u << 3)) == 0u) {
        return MOAT_ERR_DICE_OPEN_INPUT;
    }
    if ((seen & (1u << 2)) != 0u) {
        if (vlen[2] != MOAT_DICE_HASH_SIZE || vlen[3] == 0u ||
            moat_hash(MOAT_HASH_SHA512, val[3], vlen[3], h) != MOAT_OK ||
            memcmp(h, val[2], MOAT_DICE_HASH_SIZE) != 0) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        memcpy(out->config, val[2], MOAT_DICE_HASH_SIZE);
        out->config_is_hash = true;
    } else {
        if (vlen[3] != MOAT_DICE_INLINE_CONFIG_SIZE) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        memcpy(out->config, val[3], MOAT_DICE_INLINE_CONFIG_SIZE);
    }
    /* profile name */
    if ((seen & (1u << 7)) != 0u) {
        if (vlen[7] == 0u || vlen[7] > MOAT_DICE_PROFILE_NAME_MAX ||
            !moat_dicei_utf8_valid(val[7], vlen[7])) {
            return MOAT_ERR_DICE_OPEN_INPUT;
        }
        memcpy(out->profile_name, val[7], vlen[7]);
        out->profile_name[vlen[7]] = '\0';
    }
    memcpy(out->code_hash, val[0], MOAT_DICE_HASH_SIZE);
    memcpy(out->authority_hash, val[4], MOAT_DICE_HASH_SIZE);
    out->mode = (moat_dice_mode)val[6][0];
    return MOAT_OK;
}

moat_err moat_dice_open_input_parse(const uint8_t *der, size_t len, moat_dice_open_input *out)
{
    moat_err err;

    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_DICE_OPEN_INPUT_DER_MAX) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    err = parse_fields(der, len, out);
    if (err != MOAT_OK) {
        memset(out, 0, sizeof(*out));
    }
    return err;
}

moat_err moat_dice_input_from_cert(const moat_x509_cert *cert, moat_dice_open_input *out)
{
    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (cert == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cert->dice_open_attest.ptr == NULL) {
        return MOAT_ERR_NOT_FOUND;
    }
    return moat_dice_open_input_parse(cert->dice_open_attest.ptr, cert->dice_open_attest.len,
                                      out);
}

bool moat_dice_subject_is_key_id(const moat_x509_cert *cert)
{
    uint8_t id[MOAT_DICE_ID_SIZE];
    char hex[MOAT_DICEI_ID_HEX_SIZE];
    uint8_t name[ID_NAME_SIZE];
    size_t i = 0;

    if (cert == NULL || cert->key_type != MOAT_X509_KEY_EC ||
        moat_dice_id(&cert->ec_key, id) != MOAT_OK) {
        return false;
    }
    moat_dicei_id_hex(id, hex);
    /* the Name moat_dice_device_id_csr() requests and
     * moat_dice_device_id_certify() checks ("X.509 UDS Certificates") */
    name[i++] = MOAT_DER_TAG_SEQUENCE;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 2u);
    name[i++] = MOAT_DER_TAG_SET;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 4u);
    name[i++] = MOAT_DER_TAG_SEQUENCE;
    name[i++] = (uint8_t)(ID_NAME_SIZE - 6u);
    name[i++] = MOAT_DER_TAG_OID;
    name[i++] = (uint8_t)sizeof(oid_serial_number);
    memcpy(&name[i], oid_serial_number, sizeof(oid_serial_number));
    i += sizeof(oid_serial_number);
    name[i++] = MOAT_DER_TAG_PRINTABLE_STRING;
    name[i++] = (uint8_t)(2u * MOAT_DICE_ID_SIZE);
    memcpy(&name[i], hex, 2u * MOAT_DICE_ID_SIZE);
    return cert->subject.len == sizeof(name) && cert->subject.ptr != NULL &&
           memcmp(cert->subject.ptr, name, sizeof(name)) == 0;
}
