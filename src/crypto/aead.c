/**
 * @file aead.c
 * @brief AES-GCM (NIST SP 800-38D) over br_gcm with br_aes_x86ni (when the
 *        CPU has AES-NI) or br_aes_ct, and ChaCha20-Poly1305 (RFC 8439) over
 *        br_poly1305_ctmulq/ctmul with br_chacha20_sse2/ct.
 *
 * Gaps closed here: GCM refuses an empty IV (SP 800-38D 8.2 requires
 * len(IV) >= 1; BearSSL 0.6 accepts it); tags are recomputed and compared
 * with moat_ct_equal(); on mismatch the plaintext buffer is wiped.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

typedef union aes_keys {
    const br_block_ctr_class *vtable;
    br_aes_ct_ctr_keys ct;
    br_aes_x86ni_ctr_keys ni;
} aes_keys;

static moat_err check_common(const uint8_t *key, const uint8_t *iv, size_t iv_len,
                             const uint8_t *aad, size_t aad_len, const uint8_t *in,
                             const uint8_t *out, size_t len, const uint8_t *tag)
{
    (void)iv_len;
    if (key == NULL || (iv == NULL && iv_len != 0u) ||
        (aad == NULL && aad_len != 0u) ||
        ((in == NULL || out == NULL) && len != 0u) || tag == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return MOAT_OK;
}

static moat_err check_params(moat_aead_alg alg, size_t key_len, size_t iv_len,
                             size_t tag_len)
{
    switch (alg) {
    case MOAT_AEAD_AES_GCM:
        if (key_len != 16u && key_len != 24u && key_len != 32u) {
            return MOAT_ERR_CRYPTO_BAD_KEY;
        }
        if (iv_len == 0u || iv_len > MOAT_AEAD_GCM_IV_MAX) {
            return MOAT_ERR_CRYPTO_IV_LENGTH;
        }
        if (tag_len < MOAT_AEAD_GCM_MIN_TAG || tag_len > MOAT_AEAD_TAG_SIZE) {
            return MOAT_ERR_CRYPTO_TAG_LENGTH;
        }
        return MOAT_OK;
    case MOAT_AEAD_CHACHA20_POLY1305:
        if (key_len != 32u) {
            return MOAT_ERR_CRYPTO_BAD_KEY;
        }
        if (iv_len != 12u) {
            return MOAT_ERR_CRYPTO_IV_LENGTH;
        }
        if (tag_len != MOAT_AEAD_TAG_SIZE) {
            return MOAT_ERR_CRYPTO_TAG_LENGTH;
        }
        return MOAT_OK;
    default:
        return MOAT_ERR_UNSUPPORTED;
    }
}

static br_ghash pick_ghash(void)
{
    br_ghash gh = br_ghash_pclmul_get();

    if (gh != 0) {
        return gh;
    }
    return (sizeof(void *) >= 8u) ? br_ghash_ctmul64 : br_ghash_ctmul;
}

static const br_block_ctr_class *pick_aes(void)
{
    const br_block_ctr_class *vt = br_aes_x86ni_ctr_get_vtable();

    return (vt != NULL) ? vt : &br_aes_ct_ctr_vtable;
}

/* GCM over buf (already holding the input), in place; full tag out. */
static void gcm_run(const uint8_t *key, size_t key_len, const uint8_t *iv,
                    size_t iv_len, const uint8_t *aad, size_t aad_len,
                    uint8_t *buf, size_t len, int encrypt,
                    uint8_t full_tag[MOAT_AEAD_TAG_SIZE])
{
    aes_keys keys;
    br_gcm_context gc;
    const br_block_ctr_class *vt = pick_aes();

    vt->init(&keys.vtable, key, key_len);
    br_gcm_init(&gc, &keys.vtable, pick_ghash());
    br_gcm_reset(&gc, iv, iv_len);
    if (aad_len != 0u) {
        br_gcm_aad_inject(&gc, aad, aad_len);
    }
    br_gcm_flip(&gc);
    if (len != 0u) {
        br_gcm_run(&gc, encrypt, buf, len);
    }
    br_gcm_get_tag(&gc, full_tag);
    moat_wipe(&gc, sizeof(gc));
    moat_wipe(&keys, sizeof(keys));
}

static br_chacha20_run pick_chacha(void)
{
    br_chacha20_run f = br_chacha20_sse2_get();

    return (f != 0) ? f : br_chacha20_ct_run;
}

static br_poly1305_run pick_poly(void)
{
    br_poly1305_run f = br_poly1305_ctmulq_get();

    return (f != 0) ? f : br_poly1305_ctmul_run;
}

static void run(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                uint8_t *buf, size_t len, int encrypt,
                uint8_t full_tag[MOAT_AEAD_TAG_SIZE])
{
    static const uint8_t empty[1] = { 0u };

    if (alg == MOAT_AEAD_AES_GCM) {
        gcm_run(key, key_len, iv, iv_len, aad, aad_len, buf, len, encrypt, full_tag);
    } else {
        uint8_t k[32];
        uint8_t dummy[1] = { 0u };

        /* BearSSL's Poly1305 wrappers read through the pointers even for
         * zero lengths: never hand them NULL. */
        memcpy(k, key, sizeof(k));
        pick_poly()(k, iv, (len != 0u) ? (void *)buf : (void *)dummy, len,
                    (aad_len != 0u) ? aad : empty, aad_len, full_tag,
                    pick_chacha(), encrypt);
        moat_wipe(k, sizeof(k));
    }
}

moat_err moat_aead_seal(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *pt, size_t len,
                        uint8_t *ct, uint8_t *tag, size_t tag_len)
{
    uint8_t full[MOAT_AEAD_TAG_SIZE];
    moat_err err = check_common(key, iv, iv_len, aad, aad_len, pt, ct, len, tag);

    if (err == MOAT_OK) {
        err = check_params(alg, key_len, iv_len, tag_len);
    }
    if (err != MOAT_OK) {
        if (ct != NULL && ct != pt) {
            moat_wipe(ct, len);
        }
        if (tag != NULL) {
            moat_wipe(tag, tag_len); /* the caller declared tag_len bytes */
        }
        return err;
    }
    if (len != 0u && ct != pt) {
        memmove(ct, pt, len);
    }
    run(alg, key, key_len, iv, iv_len, aad, aad_len, ct, len, 1, full);
    memcpy(tag, full, tag_len);
    moat_wipe(full, sizeof(full));
    return MOAT_OK;
}

moat_err moat_aead_open(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *pt)
{
    uint8_t full[MOAT_AEAD_TAG_SIZE];
    bool tag_ok;
    moat_err err = check_common(key, iv, iv_len, aad, aad_len, ct, pt, len, tag);

    if (err == MOAT_OK) {
        err = check_params(alg, key_len, iv_len, tag_len);
    }
    if (err != MOAT_OK) {
        if (pt != NULL && pt != ct) {
            moat_wipe(pt, len);
        }
        return err;
    }
    if (len != 0u && pt != ct) {
        memmove(pt, ct, len);
    }
    /* Both GHASH and Poly1305 authenticate the ciphertext, which the run
     * functions read before decrypting it in place. */
    run(alg, key, key_len, iv, iv_len, aad, aad_len, pt, len, 0, full);
    tag_ok = moat_ct_equal(full, tag, tag_len);
    MOAT_DECLASSIFY(&tag_ok, sizeof(tag_ok)); /* the verdict is the output */
    if (!tag_ok) {
        moat_wipe(pt, len);
        err = MOAT_ERR_CRYPTO_TAG_MISMATCH;
    }
    moat_wipe(full, sizeof(full));
    return err;
}
