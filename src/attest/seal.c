/*
 * Sealing under CDI_Seal (moat-specific format, docs/dice.md "Sealing").
 *
 *   key  = HKDF-SHA-256(salt = none, ikm = CDI_Seal,
 *                       info = "moat seal v1" || label, L = 32)   (RFC 5869)
 *   blob = 0x01 || nonce (12, random) || AES-256-GCM(key, nonce,
 *          aad = 0x01, plaintext) || tag (16)                     (SP 800-38D)
 *
 * CDI_Seal depends on the authority, mode and hidden inputs only (Open
 * Profile for DICE "Sealing CDI"), so firmware updates signed by the same
 * authority keep the key; another authority gets another key and the tag
 * check fails. The key is wiped on every path.
 */
#include <string.h>

#include "moat/core.h"
#include "moat/crypto.h"
#include "moat/dice.h"
#include "dice_internal.h"

#define SEAL_KEY_SIZE 32u
#define SEAL_TAG_SIZE 16u
#define SEAL_INFO_PREFIX "moat seal v1"
#define SEAL_INFO_PREFIX_LEN (sizeof(SEAL_INFO_PREFIX) - 1u)

static moat_err seal_key(const moat_dice_cdis *cdis, const uint8_t *label, size_t label_len,
                         uint8_t key[SEAL_KEY_SIZE])
{
    uint8_t info[SEAL_INFO_PREFIX_LEN + MOAT_DICE_SEAL_LABEL_MAX];
    moat_err err;

    memcpy(info, SEAL_INFO_PREFIX, SEAL_INFO_PREFIX_LEN);
    if (label_len > 0u) {
        memcpy(&info[SEAL_INFO_PREFIX_LEN], label, label_len);
    }
    err = moat_hkdf(MOAT_HASH_SHA256, NULL, 0u, cdis->seal, MOAT_DICE_CDI_SIZE, info,
                    SEAL_INFO_PREFIX_LEN + label_len, key, SEAL_KEY_SIZE);
    moat_wipe(info, sizeof(info));
    if (err != MOAT_OK) {
        moat_wipe(key, SEAL_KEY_SIZE);
        return MOAT_ERR_INTERNAL;
    }
    return MOAT_OK;
}

moat_err moat_dice_seal(const moat_dice_cdis *cdis, const uint8_t *label, size_t label_len,
                        const uint8_t *pt, size_t pt_len, moat_rng_fn rng, void *rng_ctx,
                        uint8_t *out, size_t out_cap, size_t *out_len)
{
    static const uint8_t version = MOAT_DICE_SEAL_VERSION;
    uint8_t key[SEAL_KEY_SIZE];
    size_t need;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (cdis == NULL || rng == NULL || (label == NULL && label_len != 0u) ||
        (pt == NULL && pt_len != 0u)) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (label_len > MOAT_DICE_SEAL_LABEL_MAX || pt_len > MOAT_DICE_SEAL_MAX_PLAINTEXT) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    need = pt_len + MOAT_DICE_SEAL_OVERHEAD;
    if (out_cap < need) {
        moat_wipe(out, out_cap);
        *out_len = need;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    out[0] = version;
    if (rng(rng_ctx, &out[1], MOAT_DICE_SEAL_NONCE_SIZE) != MOAT_OK) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    err = seal_key(cdis, label, label_len, key);
    if (err == MOAT_OK) {
        err = moat_aead_seal(MOAT_AEAD_AES_GCM, key, sizeof(key), &out[1],
                             MOAT_DICE_SEAL_NONCE_SIZE, &version, 1u, pt, pt_len,
                             &out[1u + MOAT_DICE_SEAL_NONCE_SIZE],
                             &out[1u + MOAT_DICE_SEAL_NONCE_SIZE + pt_len], SEAL_TAG_SIZE);
        if (err != MOAT_OK) {
            err = MOAT_ERR_INTERNAL;
        }
    }
    moat_wipe(key, sizeof(key));
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    *out_len = need;
    return MOAT_OK;
}

moat_err moat_dice_unseal(const moat_dice_cdis *cdis, const uint8_t *label,
                          size_t label_len, const uint8_t *blob, size_t blob_len,
                          uint8_t *out, size_t out_cap, size_t *out_len)
{
    static const uint8_t version = MOAT_DICE_SEAL_VERSION;
    uint8_t key[SEAL_KEY_SIZE];
    size_t ct_len;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (cdis == NULL || blob == NULL || (label == NULL && label_len != 0u)) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (label_len > MOAT_DICE_SEAL_LABEL_MAX ||
        blob_len > MOAT_DICE_SEAL_MAX_PLAINTEXT + MOAT_DICE_SEAL_OVERHEAD) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (blob_len < MOAT_DICE_SEAL_OVERHEAD || blob[0] != version) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_DICE_SEAL_FORMAT;
    }
    ct_len = blob_len - MOAT_DICE_SEAL_OVERHEAD;
    if (out_cap < ct_len) {
        moat_wipe(out, out_cap);
        *out_len = ct_len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    err = seal_key(cdis, label, label_len, key);
    if (err == MOAT_OK) {
        err = moat_aead_open(MOAT_AEAD_AES_GCM, key, sizeof(key), &blob[1],
                             MOAT_DICE_SEAL_NONCE_SIZE, &version, 1u,
                             &blob[1u + MOAT_DICE_SEAL_NONCE_SIZE], ct_len,
                             &blob[1u + MOAT_DICE_SEAL_NONCE_SIZE + ct_len], SEAL_TAG_SIZE,
                             ct_len > 0u ? out : NULL);
        if (err == MOAT_ERR_CRYPTO_TAG_MISMATCH) {
            err = MOAT_ERR_DICE_SEAL_AUTH;
        } else if (err != MOAT_OK) {
            err = MOAT_ERR_INTERNAL;
        }
    }
    moat_wipe(key, sizeof(key));
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    *out_len = ct_len;
    return MOAT_OK;
}
