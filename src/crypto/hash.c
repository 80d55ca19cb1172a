/**
 * @file hash.c
 * @brief SHA-256/384/512 (FIPS 180-4) over BearSSL's br_sha* implementations,
 *        plus the curve/hash helpers shared by the other adapters.
 *
 * SHA-1 (MOAT_HASH_SHA1) is available to moat_hash() and the streaming hash
 * only, for key identifiers (RFC 5280 section 4.2.1.2 method 1). It is kept
 * out of moat_crypto_hash_vtable(), the lookup HMAC, HKDF and ECDSA signing
 * use, so none of them can be driven with SHA-1.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

typedef struct hash_impl {
    br_hash_compat_context c; /* c.vtable is the first member */
} hash_impl;

MOAT_STATIC_ASSERT(sizeof(hash_impl) <= sizeof(moat_hash_ctx),
                   "moat_hash_ctx too small");

const br_hash_class *moat_crypto_hash_vtable(moat_hash_alg alg)
{
    switch (alg) {
    case MOAT_HASH_SHA256:
        return &br_sha256_vtable;
    case MOAT_HASH_SHA384:
        return &br_sha384_vtable;
    case MOAT_HASH_SHA512:
        return &br_sha512_vtable;
    default:
        return NULL;
    }
}

/* The hashes moat_hash() computes: the signature/MAC hashes plus SHA-1. */
static const br_hash_class *digest_vtable(moat_hash_alg alg)
{
    if (alg == MOAT_HASH_SHA1) {
        return &br_sha1_vtable;
    }
    return moat_crypto_hash_vtable(alg);
}

size_t moat_hash_size(moat_hash_alg alg)
{
    switch (alg) {
    case MOAT_HASH_SHA1:
        return 20u;
    case MOAT_HASH_SHA256:
        return 32u;
    case MOAT_HASH_SHA384:
        return 48u;
    case MOAT_HASH_SHA512:
        return 64u;
    default:
        return 0u;
    }
}

moat_err moat_hash_init(moat_hash_ctx *ctx, moat_hash_alg alg)
{
    hash_impl *h = (hash_impl *)(void *)ctx;
    const br_hash_class *vt = digest_vtable(alg);

    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ctx, sizeof(*ctx));
    if (vt == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    vt->init(&h->c.vtable);
    return MOAT_OK;
}

void moat_hash_update(moat_hash_ctx *ctx, const void *data, size_t len)
{
    hash_impl *h = (hash_impl *)(void *)ctx;

    if (ctx == NULL || h->c.vtable == NULL || len == 0u || data == NULL) {
        return;
    }
    h->c.vtable->update(&h->c.vtable, data, len);
}

void moat_hash_final(moat_hash_ctx *ctx, uint8_t *out)
{
    hash_impl *h = (hash_impl *)(void *)ctx;

    if (ctx == NULL) {
        return;
    }
    if (h->c.vtable != NULL && out != NULL) {
        h->c.vtable->out(&h->c.vtable, out);
    }
    moat_wipe(ctx, sizeof(*ctx));
}

moat_err moat_hash(moat_hash_alg alg, const void *data, size_t len, uint8_t *out)
{
    moat_hash_ctx ctx;
    moat_err err;

    if (out == NULL || (data == NULL && len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_hash_init(&ctx, alg);
    if (err != MOAT_OK) {
        return err;
    }
    moat_hash_update(&ctx, data, len);
    moat_hash_final(&ctx, out);
    return MOAT_OK;
}
