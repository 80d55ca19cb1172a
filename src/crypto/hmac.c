/**
 * @file hmac.c
 * @brief HMAC (RFC 2104) and HKDF (RFC 5869) over BearSSL's br_hmac/br_hkdf.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

typedef struct hmac_impl {
    br_hmac_key_context kc;
    br_hmac_context c;
    size_t out_len;
} hmac_impl;

MOAT_STATIC_ASSERT(sizeof(hmac_impl) <= sizeof(moat_hmac_ctx),
                   "moat_hmac_ctx too small");

moat_err moat_hmac_init(moat_hmac_ctx *ctx, moat_hash_alg alg,
                        const uint8_t *key, size_t key_len)
{
    hmac_impl *h = (hmac_impl *)(void *)ctx;
    const br_hash_class *vt = moat_crypto_hash_vtable(alg);

    if (ctx == NULL || (key == NULL && key_len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ctx, sizeof(*ctx));
    if (vt == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    br_hmac_key_init(&h->kc, vt, key, key_len);
    br_hmac_init(&h->c, &h->kc, 0);
    h->out_len = moat_hash_size(alg);
    /* The key context holds key-derived state; the running context keeps
     * its own copy, so drop this one now. */
    moat_wipe(&h->kc, sizeof(h->kc));
    return MOAT_OK;
}

void moat_hmac_update(moat_hmac_ctx *ctx, const void *data, size_t len)
{
    hmac_impl *h = (hmac_impl *)(void *)ctx;

    if (ctx == NULL || h->out_len == 0u || data == NULL || len == 0u) {
        return;
    }
    br_hmac_update(&h->c, data, len);
}

void moat_hmac_final(moat_hmac_ctx *ctx, uint8_t *out)
{
    hmac_impl *h = (hmac_impl *)(void *)ctx;

    if (ctx == NULL) {
        return;
    }
    if (h->out_len != 0u && out != NULL) {
        (void)br_hmac_out(&h->c, out);
    }
    moat_wipe(ctx, sizeof(*ctx));
}

moat_err moat_hmac(moat_hash_alg alg, const uint8_t *key, size_t key_len,
                   const void *data, size_t len, uint8_t *out)
{
    moat_hmac_ctx ctx;
    moat_err err;

    if (out == NULL || (data == NULL && len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_hmac_init(&ctx, alg, key, key_len);
    if (err != MOAT_OK) {
        return err;
    }
    moat_hmac_update(&ctx, data, len);
    moat_hmac_final(&ctx, out);
    return MOAT_OK;
}

moat_err moat_hmac_verify(moat_hash_alg alg, const uint8_t *key, size_t key_len,
                          const void *data, size_t len, const uint8_t *tag,
                          size_t tag_len)
{
    uint8_t mac[MOAT_HASH_MAX_SIZE];
    size_t hlen = moat_hash_size(alg);
    moat_err err;

    if (tag == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (hlen == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (tag_len < MOAT_HMAC_MIN_TAG || tag_len > hlen) {
        return MOAT_ERR_CRYPTO_TAG_LENGTH;
    }
    err = moat_hmac(alg, key, key_len, data, len, mac);
    if (err == MOAT_OK && !moat_ct_equal(mac, tag, tag_len)) {
        err = MOAT_ERR_CRYPTO_TAG_MISMATCH;
    }
    moat_wipe(mac, sizeof(mac));
    return err;
}

moat_err moat_hkdf(moat_hash_alg alg, const uint8_t *salt, size_t salt_len,
                   const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                   size_t info_len, uint8_t *out, size_t out_len)
{
    br_hkdf_context hc;
    const br_hash_class *vt = moat_crypto_hash_vtable(alg);
    size_t got;

    if (out == NULL || (salt == NULL && salt_len != 0u) ||
        (ikm == NULL && ikm_len != 0u) || (info == NULL && info_len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (vt == NULL) {
        moat_wipe(out, out_len);
        return MOAT_ERR_UNSUPPORTED;
    }
    /* RFC 5869 section 2.3: L <= 255*HashLen. */
    if (out_len == 0u || out_len > 255u * moat_hash_size(alg)) {
        moat_wipe(out, out_len);
        return MOAT_ERR_CRYPTO_OUTPUT_LENGTH;
    }
    /* An absent salt is HashLen zeros (RFC 5869 2.2); HMAC pads an empty key
     * with zeros to the block size, so both give the same PRK. */
    br_hkdf_init(&hc, vt, salt_len == 0u ? BR_HKDF_NO_SALT : salt, salt_len);
    br_hkdf_inject(&hc, ikm, ikm_len);
    br_hkdf_flip(&hc);
    got = br_hkdf_produce(&hc, info, info_len, out, out_len);
    moat_wipe(&hc, sizeof(hc));
    if (got != out_len) {
        moat_wipe(out, out_len);
        return MOAT_ERR_INTERNAL;
    }
    return MOAT_OK;
}
