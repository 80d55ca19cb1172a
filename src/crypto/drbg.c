/**
 * @file drbg.c
 * @brief HMAC-DRBG with SHA-256 (NIST SP 800-90A Rev. 1, section 10.1.2)
 *        over BearSSL's br_hmac_drbg, with a reseed counter and request
 *        bounds, plus the moat_rng_fn -> br_prng_class adapter.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

typedef struct drbg_impl {
    br_hmac_drbg_context c;
    uint64_t requests;   /* generate calls since (re)seed */
    uint32_t magic;      /* DRBG_MAGIC when instantiated */
} drbg_impl;

#define DRBG_MAGIC 0x6D445247u /* "mDRG" */

MOAT_STATIC_ASSERT(sizeof(drbg_impl) <= sizeof(moat_drbg_ctx),
                   "moat_drbg_ctx too small");

/* Instantiate: seed_material = entropy_input || nonce || personalization
 * (SP 800-90A 10.1.2.3); br_hmac_drbg_init() runs Update(seed_material)
 * from K = 0x00.., V = 0x01.. */
moat_err moat_drbg_init(moat_drbg_ctx *ctx, const uint8_t *seed, size_t seed_len,
                        const uint8_t *pers, size_t pers_len)
{
    drbg_impl *d = (drbg_impl *)(void *)ctx;
    uint8_t material[MOAT_DRBG_MAX_INPUT];

    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ctx, sizeof(*ctx));
    if (seed == NULL || (pers == NULL && pers_len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (seed_len < MOAT_DRBG_MIN_SEED) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    if (seed_len > MOAT_DRBG_MAX_INPUT || pers_len > MOAT_DRBG_MAX_INPUT - seed_len) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memcpy(material, seed, seed_len);
    if (pers_len != 0u) {
        memcpy(material + seed_len, pers, pers_len);
    }
    br_hmac_drbg_init(&d->c, &br_sha256_vtable, material, seed_len + pers_len);
    moat_wipe(material, sizeof(material));
    d->requests = 0u;
    d->magic = DRBG_MAGIC;
    return MOAT_OK;
}

moat_err moat_drbg_init_from(moat_drbg_ctx *ctx, moat_rng_fn rng, void *rng_ctx,
                             const uint8_t *pers, size_t pers_len)
{
    uint8_t seed[MOAT_DRBG_MIN_SEED];
    moat_err err;

    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ctx, sizeof(*ctx));
    if (rng == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (rng(rng_ctx, seed, sizeof(seed)) != MOAT_OK) {
        moat_wipe(seed, sizeof(seed));
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    err = moat_drbg_init(ctx, seed, sizeof(seed), pers, pers_len);
    moat_wipe(seed, sizeof(seed));
    return err;
}

/* Reseed (SP 800-90A 10.1.2.4): Update(entropy_input || additional_input). */
moat_err moat_drbg_reseed(moat_drbg_ctx *ctx, const uint8_t *seed, size_t len)
{
    drbg_impl *d = (drbg_impl *)(void *)ctx;

    if (ctx == NULL || seed == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (d->magic != DRBG_MAGIC) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len < MOAT_DRBG_MIN_SEED) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    if (len > MOAT_DRBG_MAX_INPUT) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    br_hmac_drbg_update(&d->c, seed, len);
    d->requests = 0u;
    return MOAT_OK;
}

moat_err moat_drbg_generate(void *ctx, uint8_t *out, size_t len)
{
    drbg_impl *d = (drbg_impl *)ctx;

    if (out == NULL && len != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (ctx == NULL || d->magic != DRBG_MAGIC) {
        moat_wipe(out, len);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_DRBG_MAX_REQUEST) {
        moat_wipe(out, len);
        return MOAT_ERR_CRYPTO_OUTPUT_LENGTH;
    }
    if (d->requests >= MOAT_DRBG_RESEED_INTERVAL) {
        moat_wipe(out, len);
        return MOAT_ERR_CRYPTO_DRBG_RESEED;
    }
    d->requests++;
    if (len != 0u) {
        br_hmac_drbg_generate(&d->c, out, len);
    }
    return MOAT_OK;
}

void moat_drbg_wipe(moat_drbg_ctx *ctx)
{
    if (ctx != NULL) {
        moat_wipe(ctx, sizeof(*ctx));
    }
}

/* ------------------------------------------ moat_rng_fn as br_prng_class */

static void prng_init(const br_prng_class **ctx, const void *params,
                      const void *seed, size_t seed_len)
{
    (void)ctx;
    (void)params;
    (void)seed;
    (void)seed_len;
}

/* On failure, record it and fill with 0x01 bytes: a value that BearSSL's
 * rejection loops (br_ec_keygen) accept, so they terminate; the caller then
 * sees p->err and discards the result. */
static void prng_generate(const br_prng_class **ctx, void *out, size_t len)
{
    moat_crypto_prng *p = (moat_crypto_prng *)(void *)ctx;

    if (p->err == MOAT_OK && p->rng(p->rng_ctx, out, len) == MOAT_OK) {
        return;
    }
    p->err = MOAT_ERR_CRYPTO_RNG_FAILED;
    memset(out, 0x01, len);
}

static void prng_update(const br_prng_class **ctx, const void *seed, size_t seed_len)
{
    (void)ctx;
    (void)seed;
    (void)seed_len;
}

static const br_prng_class moat_prng_vtable = {
    sizeof(moat_crypto_prng), prng_init, prng_generate, prng_update
};

void moat_crypto_prng_init(moat_crypto_prng *p, moat_rng_fn rng, void *rng_ctx)
{
    p->vtable = &moat_prng_vtable;
    p->rng = rng;
    p->rng_ctx = rng_ctx;
    p->err = (rng == NULL) ? MOAT_ERR_CRYPTO_RNG_FAILED : MOAT_OK;
}
