/*
 * DICE derivation per the Open Profile for DICE (google/open-dice
 * docs/specification.md, "Cryptography", "Computing CDI Values", "Deriving
 * Asymmetric Key Pairs", "Deriving Identifiers", "Layering Details"):
 * CDIs, key pairs from CDIs and from the UDS, identifiers.
 *
 * KDF(length, ikm, salt, info) is HKDF-SHA-512 (RFC 5869); H is SHA-512.
 * Every secret temporary is wiped with moat_wipe() on every path.
 */
#include <string.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "dice_internal.h"

/* "Salt" section of the profile: random values used as the KDF salt. */
const uint8_t moat_dicei_asym_salt[64] = {
    0x63, 0xB6, 0xA0, 0x4D, 0x2C, 0x07, 0x7F, 0xC1, 0x0F, 0x63, 0x9F, 0x21, 0xDA, 0x79, 0x38, 0x44,
    0x35, 0x6C, 0xC2, 0xB0, 0xB4, 0x41, 0xB3, 0xA7, 0x71, 0x24, 0x03, 0x5C, 0x03, 0xF8, 0xE1, 0xBE,
    0x60, 0x35, 0xD3, 0x1F, 0x28, 0x28, 0x21, 0xA7, 0x45, 0x0A, 0x02, 0x22, 0x2A, 0xB1, 0xB3, 0xCF,
    0xF1, 0x67, 0x9B, 0x05, 0xAB, 0x1C, 0xA5, 0xD1, 0xAF, 0xFB, 0x78, 0x9C, 0xCD, 0x2B, 0x0B, 0x3B};
const uint8_t moat_dicei_id_salt[64] = {
    0xDB, 0xDB, 0xAE, 0xBC, 0x80, 0x20, 0xDA, 0x9F, 0xF0, 0xDD, 0x5A, 0x24, 0xC8, 0x3A, 0xA5, 0xA5,
    0x42, 0x86, 0xDF, 0xC2, 0x63, 0x03, 0x1E, 0x32, 0x9B, 0x4D, 0xA1, 0x48, 0x43, 0x06, 0x59, 0xFE,
    0x62, 0xCD, 0xB5, 0xB7, 0xE1, 0xE0, 0x0F, 0xC6, 0x80, 0x30, 0x67, 0x11, 0xEB, 0x44, 0x4A, 0xF7,
    0x72, 0x09, 0x35, 0x94, 0x96, 0xFC, 0xFF, 0x1D, 0xB9, 0x52, 0x0B, 0xA5, 0x1C, 0x7B, 0x29, 0xEA};

const uint8_t moat_dicei_oid_aki[3] = {0x55, 0x1D, 0x23};
const uint8_t moat_dicei_oid_ski[3] = {0x55, 0x1D, 0x0E};
const uint8_t moat_dicei_oid_ku[3] = {0x55, 0x1D, 0x0F};
const uint8_t moat_dicei_oid_bc[3] = {0x55, 0x1D, 0x13};
const uint8_t moat_dicei_oid_open_dice[10] = {0x2B, 0x06, 0x01, 0x04, 0x01,
                                              0xD6, 0x79, 0x02, 0x01, 0x18};
const uint8_t moat_dicei_oid_tcb_info[6] = {0x67, 0x81, 0x05, 0x05, 0x04, 0x01};

/* Largest number of candidate scalars tried from one seed. Each candidate
 * fails with probability below 2^-32 for P-256. */
#define KEYGEN_MAX_ROUNDS 64u
#define HMAC_SIZE 64u

static const char info_cdi_attest[] = "CDI_Attest";
static const char info_cdi_seal[] = "CDI_Seal";
static const char info_key_pair[] = "Key Pair";
static const char info_id[] = "ID";

bool moat_dicei_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;

    if (s == NULL && len != 0u) {
        return false;
    }
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp;
        uint32_t min;
        size_t k;

        if (c == 0x00u) {
            return false;
        }
        if (c < 0x80u) {
            i++;
            continue;
        }
        if (c >= 0xC2u && c <= 0xDFu) {
            n = 1u;
            cp = c & 0x1Fu;
            min = 0x80u;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            n = 2u;
            cp = c & 0x0Fu;
            min = 0x800u;
        } else if (c >= 0xF0u && c <= 0xF4u) {
            n = 3u;
            cp = c & 0x07u;
            min = 0x10000u;
        } else {
            return false;
        }
        if (len - i - 1u < n) {
            return false;
        }
        for (k = 1; k <= n; k++) {
            uint8_t cc = s[i + k];
            if ((cc & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return false;
        }
        i += n + 1u;
    }
    return true;
}

size_t moat_dicei_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

void moat_dicei_id_hex(const uint8_t id[MOAT_DICE_ID_SIZE], char hex[MOAT_DICEI_ID_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < MOAT_DICE_ID_SIZE; i++) {
        hex[2u * i] = digits[id[i] >> 4];
        hex[2u * i + 1u] = digits[id[i] & 0x0Fu];
    }
    hex[2u * MOAT_DICE_ID_SIZE] = '\0';
}

/* Check the input values (sizes, mode, descriptors, profile name). */
static moat_err check_input(const moat_dice_input *in)
{
    if ((unsigned)in->mode > (unsigned)MOAT_DICE_MODE_RECOVERY) {
        return MOAT_ERR_DICE_BAD_INPUT;
    }
    if ((in->code_descriptor == NULL && in->code_descriptor_len != 0u) ||
        in->code_descriptor_len > MOAT_DICE_DESCRIPTOR_MAX) {
        return MOAT_ERR_DICE_BAD_INPUT;
    }
    if ((in->authority_descriptor == NULL && in->authority_descriptor_len != 0u) ||
        in->authority_descriptor_len > MOAT_DICE_DESCRIPTOR_MAX) {
        return MOAT_ERR_DICE_BAD_INPUT;
    }
    if (in->config_type == MOAT_DICE_CONFIG_DESCRIPTOR) {
        if (in->config_descriptor == NULL || in->config_descriptor_len == 0u ||
            in->config_descriptor_len > MOAT_DICE_DESCRIPTOR_MAX) {
            return MOAT_ERR_DICE_BAD_INPUT;
        }
    } else if (in->config_type != MOAT_DICE_CONFIG_INLINE) {
        return MOAT_ERR_DICE_BAD_INPUT;
    }
    if (in->profile_name != NULL) {
        size_t n = moat_dicei_strnlen(in->profile_name, MOAT_DICE_PROFILE_NAME_MAX + 1u);
        if (n == 0u || n > MOAT_DICE_PROFILE_NAME_MAX ||
            !moat_dicei_utf8_valid((const uint8_t *)in->profile_name, n)) {
            return MOAT_ERR_DICE_BAD_INPUT;
        }
    }
    return MOAT_OK;
}

moat_err moat_dicei_check_input(const moat_dice_input *in)
{
    if (in == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return check_input(in);
}

/*
 * "Computing CDI Values": the attestation input hash is
 * H(code || config || authority || mode || hidden), the sealing input hash
 * H(authority || mode || hidden); config is the inline 64-byte value or
 * H(config descriptor). Then CDI_Attest = KDF(32, ikm_attest, attest_hash,
 * "CDI_Attest") and CDI_Seal = KDF(32, ikm_seal, seal_hash, "CDI_Seal").
 */
static moat_err derive(const uint8_t *ikm_attest, size_t attest_len, const uint8_t *ikm_seal,
                       size_t seal_len, const moat_dice_input *in, moat_dice_cdis *next)
{
    moat_hash_ctx h;
    uint8_t config[MOAT_DICE_HASH_SIZE];
    uint8_t attest_hash[MOAT_DICE_HASH_SIZE];
    uint8_t seal_hash[MOAT_DICE_HASH_SIZE];
    moat_dice_cdis tmp;
    uint8_t mode;
    moat_err err;

    err = check_input(in);
    if (err != MOAT_OK) {
        moat_wipe(next, sizeof(*next));
        return err;
    }
    mode = (uint8_t)in->mode;
    if (in->config_type == MOAT_DICE_CONFIG_DESCRIPTOR) {
        err = moat_hash(MOAT_HASH_SHA512, in->config_descriptor, in->config_descriptor_len,
                        config);
    } else {
        memcpy(config, in->config_value, sizeof(config));
    }
    if (err == MOAT_OK) {
        err = moat_hash_init(&h, MOAT_HASH_SHA512);
    }
    if (err == MOAT_OK) {
        moat_hash_update(&h, in->code_hash, MOAT_DICE_HASH_SIZE);
        moat_hash_update(&h, config, sizeof(config));
        moat_hash_update(&h, in->authority_hash, MOAT_DICE_HASH_SIZE);
        moat_hash_update(&h, &mode, 1u);
        moat_hash_update(&h, in->hidden, MOAT_DICE_HIDDEN_SIZE);
        moat_hash_final(&h, attest_hash);
        err = moat_hash_init(&h, MOAT_HASH_SHA512);
    }
    if (err == MOAT_OK) {
        moat_hash_update(&h, in->authority_hash, MOAT_DICE_HASH_SIZE);
        moat_hash_update(&h, &mode, 1u);
        moat_hash_update(&h, in->hidden, MOAT_DICE_HIDDEN_SIZE);
        moat_hash_final(&h, seal_hash);
        err = moat_hkdf(MOAT_HASH_SHA512, attest_hash, sizeof(attest_hash), ikm_attest,
                        attest_len, (const uint8_t *)info_cdi_attest,
                        sizeof(info_cdi_attest) - 1u, tmp.attest, sizeof(tmp.attest));
    }
    if (err == MOAT_OK) {
        err = moat_hkdf(MOAT_HASH_SHA512, seal_hash, sizeof(seal_hash), ikm_seal, seal_len,
                        (const uint8_t *)info_cdi_seal, sizeof(info_cdi_seal) - 1u, tmp.seal,
                        sizeof(tmp.seal));
    }
    if (err == MOAT_OK) {
        /* next may be the current CDIs: overwrite them only now. */
        memcpy(next, &tmp, sizeof(tmp));
    } else {
        moat_wipe(next, sizeof(*next));
        err = MOAT_ERR_INTERNAL;
    }
    moat_wipe(&h, sizeof(h));
    moat_wipe(config, sizeof(config));
    moat_wipe(attest_hash, sizeof(attest_hash));
    moat_wipe(seal_hash, sizeof(seal_hash));
    moat_wipe(&tmp, sizeof(tmp));
    return err;
}

moat_err moat_dice_derive(const moat_dice_cdis *current, const moat_dice_input *in,
                          moat_dice_cdis *next)
{
    if (next == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (current == NULL || in == NULL) {
        moat_wipe(next, sizeof(*next));
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return derive(current->attest, MOAT_DICE_CDI_SIZE, current->seal, MOAT_DICE_CDI_SIZE, in,
                  next);
}

moat_err moat_dice_cdis_from_uds(const uint8_t *uds, size_t uds_len,
                                 const moat_dice_input *in, moat_dice_cdis *next)
{
    if (next == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (uds == NULL || in == NULL || uds_len < MOAT_DICE_UDS_MIN || uds_len > MOAT_DICE_UDS_MAX) {
        moat_wipe(next, sizeof(*next));
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return derive(uds, uds_len, uds, uds_len, in, next);
}

/* One HMAC-SHA-512 over (a || [b] || [c]) keyed with k (64 bytes). */
static moat_err hmac3(const uint8_t k[HMAC_SIZE], const uint8_t v[HMAC_SIZE], const uint8_t *sep,
                      const uint8_t *seed, size_t seed_len, uint8_t out[HMAC_SIZE])
{
    moat_hmac_ctx ctx;
    moat_err err = moat_hmac_init(&ctx, MOAT_HASH_SHA512, k, HMAC_SIZE);

    if (err == MOAT_OK) {
        moat_hmac_update(&ctx, v, HMAC_SIZE);
        if (sep != NULL) {
            moat_hmac_update(&ctx, sep, 1u);
        }
        if (seed != NULL) {
            moat_hmac_update(&ctx, seed, seed_len);
        }
        moat_hmac_final(&ctx, out);
    }
    moat_wipe(&ctx, sizeof(ctx));
    return err;
}

moat_err moat_dice_keypair_from_seed(const uint8_t seed[MOAT_DICE_SEED_SIZE],
                                     moat_ec_private_key *priv, moat_ec_public_key *pub)
{
    static const uint8_t zero = 0x00u;
    static const uint8_t one = 0x01u;
    uint8_t k[HMAC_SIZE];
    uint8_t v[HMAC_SIZE];
    unsigned round;
    moat_err err;
    bool found = false;

    if (priv == NULL) {
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(priv, sizeof(*priv));
    if (pub != NULL) {
        moat_wipe(pub, sizeof(*pub));
    }
    if (seed == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* RFC 6979 section 3.2 steps b-f with HMAC-SHA-512 and the seed in place
     * of int2octets(x) || bits2octets(h1), as open-dice's P-256 reference
     * derives its keys (the profile, "ECDSA": RFC 6979 style HMAC_DRBG). */
    memset(v, 0x01, sizeof(v));
    memset(k, 0x00, sizeof(k));
    err = hmac3(k, v, &zero, seed, MOAT_DICE_SEED_SIZE, k);
    if (err == MOAT_OK) {
        err = hmac3(k, v, NULL, NULL, 0u, v);
    }
    if (err == MOAT_OK) {
        err = hmac3(k, v, &one, seed, MOAT_DICE_SEED_SIZE, k);
    }
    for (round = 0; err == MOAT_OK && round < KEYGEN_MAX_ROUNDS; round++) {
        moat_err e2;
        err = hmac3(k, v, NULL, NULL, 0u, v);
        if (err == MOAT_OK) {
            err = hmac3(k, v, NULL, NULL, 0u, v);
        }
        if (err != MOAT_OK) {
            break;
        }
        /* Candidate: the leftmost 32 bytes of V; accepted when in [1, n-1]
         * (moat_ec_private_from_scalar() checks the range). */
        e2 = moat_ec_private_from_scalar(MOAT_CURVE_P256, v, 32u, priv);
        if (e2 == MOAT_OK) {
            found = true;
            break;
        }
        if (e2 != MOAT_ERR_CRYPTO_BAD_KEY) {
            err = e2;
            break;
        }
        err = hmac3(k, v, &zero, NULL, 0u, k);
    }
    if (err == MOAT_OK && !found) {
        err = MOAT_ERR_INTERNAL;
    }
    if (err == MOAT_OK && pub != NULL) {
        err = moat_ec_public_from_private(priv, pub);
    }
    moat_wipe(k, sizeof(k));
    moat_wipe(v, sizeof(v));
    if (err != MOAT_OK) {
        moat_wipe(priv, sizeof(*priv));
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INTERNAL;
    }
    return MOAT_OK;
}

moat_err moat_dicei_keypair(const uint8_t *secret, size_t secret_len, const char *info,
                            moat_ec_private_key *priv, moat_ec_public_key *pub)
{
    uint8_t seed[MOAT_DICE_SEED_SIZE];
    moat_err err;

    /* "Asymmetric Key Pair Derivation": seed = KDF(32, input, ASYM_SALT, info). */
    err = moat_hkdf(MOAT_HASH_SHA512, moat_dicei_asym_salt, sizeof(moat_dicei_asym_salt),
                    secret, secret_len, (const uint8_t *)info, strlen(info), seed, sizeof(seed));
    if (err == MOAT_OK) {
        err = moat_dice_keypair_from_seed(seed, priv, pub);
    } else {
        moat_wipe(priv, sizeof(*priv));
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        err = MOAT_ERR_INTERNAL;
    }
    moat_wipe(seed, sizeof(seed));
    return err;
}

moat_err moat_dice_keypair_from_cdi(const uint8_t cdi_attest[MOAT_DICE_CDI_SIZE],
                                    moat_ec_private_key *priv, moat_ec_public_key *pub)
{
    if (priv == NULL) {
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cdi_attest == NULL) {
        moat_wipe(priv, sizeof(*priv));
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_dicei_keypair(cdi_attest, MOAT_DICE_CDI_SIZE, info_key_pair, priv, pub);
}

moat_err moat_dice_alias_keypair(const moat_dice_cdis *cdis, moat_ec_private_key *priv,
                                 moat_ec_public_key *pub)
{
    if (priv == NULL) {
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cdis == NULL) {
        moat_wipe(priv, sizeof(*priv));
        if (pub != NULL) {
            moat_wipe(pub, sizeof(*pub));
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* moat-specific (docs/dice.md "Alias key"): same ASYM_KDF with its own
     * info string, so the alias key is independent of the CDI key. */
    return moat_dicei_keypair(cdis->attest, MOAT_DICE_CDI_SIZE, "moat alias key", priv, pub);
}

moat_err moat_dice_device_id(const uint8_t *uds, size_t uds_len, moat_ec_private_key *priv,
                             moat_ec_public_key *pub, uint8_t id[MOAT_DICE_ID_SIZE])
{
    moat_ec_private_key k;
    moat_ec_public_key p;
    moat_err err;

    if (priv != NULL) {
        moat_wipe(priv, sizeof(*priv));
    }
    if (pub != NULL) {
        moat_wipe(pub, sizeof(*pub));
    }
    if (id != NULL) {
        moat_wipe(id, MOAT_DICE_ID_SIZE);
    }
    if (uds == NULL || uds_len < MOAT_DICE_UDS_MIN || uds_len > MOAT_DICE_UDS_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* "Deriving Asymmetric Key Pairs": UDS_Private, UDS_Public = ASYM_KDF(UDS). */
    err = moat_dicei_keypair(uds, uds_len, info_key_pair, &k, &p);
    if (err == MOAT_OK && id != NULL) {
        err = moat_dice_id(&p, id);
    }
    if (err == MOAT_OK) {
        if (priv != NULL) {
            memcpy(priv, &k, sizeof(k));
        }
        if (pub != NULL) {
            memcpy(pub, &p, sizeof(p));
        }
    } else if (id != NULL) {
        moat_wipe(id, MOAT_DICE_ID_SIZE);
    }
    moat_wipe(&k, sizeof(k));
    moat_wipe(&p, sizeof(p));
    return err;
}

moat_err moat_dice_device_id_from_port(const moat_port *port, moat_ec_public_key *pub,
                                       uint8_t id[MOAT_DICE_ID_SIZE])
{
    uint8_t uds[MOAT_PORT_UDS_SIZE];
    moat_err err;

    if (pub != NULL) {
        moat_wipe(pub, sizeof(*pub));
    }
    if (id != NULL) {
        moat_wipe(id, MOAT_DICE_ID_SIZE);
    }
    if (port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_port_device_secret(port, uds, sizeof(uds));
    if (err == MOAT_OK) {
        err = moat_dice_device_id(uds, sizeof(uds), NULL, pub, id);
    }
    moat_wipe(uds, sizeof(uds));
    return err;
}

moat_err moat_dice_id(const moat_ec_public_key *pub, uint8_t id[MOAT_DICE_ID_SIZE])
{
    moat_err err;

    if (id == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(id, MOAT_DICE_ID_SIZE);
    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (pub->curve != MOAT_CURVE_P256 || pub->q_len != 65u || pub->q[0] != 0x04u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    /* "Deriving Identifiers": ID = KDF(20, public key, ID_SALT, "ID"); for
     * P-256 the public key is X || Y (64 bytes, as open-dice's P-256 ops
     * represent it), then the top bit is cleared. */
    err = moat_hkdf(MOAT_HASH_SHA512, moat_dicei_id_salt, sizeof(moat_dicei_id_salt),
                    &pub->q[1], 64u, (const uint8_t *)info_id, sizeof(info_id) - 1u, id,
                    MOAT_DICE_ID_SIZE);
    if (err != MOAT_OK) {
        moat_wipe(id, MOAT_DICE_ID_SIZE);
        return MOAT_ERR_INTERNAL;
    }
    id[0] &= 0x7Fu;
    return MOAT_OK;
}
