/**
 * @file rsa.c
 * @brief RSASSA-PKCS1-v1_5 signature verification (RFC 8017 section 8.2.2)
 *        over BearSSL's br_rsa_i31_pkcs1_vrfy, for certificate chains issued
 *        by RSA CAs. moat never signs with RSA.
 *
 * BearSSL performs the RSA public operation (RSAVP1, which also rejects a
 * signature representative not below the modulus), checks the EMSA-PKCS1-v1_5
 * padding and the DigestInfo AlgorithmIdentifier for the hash OID we pass,
 * and returns the embedded digest. moat adds: modulus size bounds, exponent
 * form checks, signature length == modulus length (RFC 8017 8.2.2 step 1),
 * the hash allow-list, and the constant-time comparison of the recovered
 * digest with the expected one.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

/* BearSSL's length-prefixed DigestInfo OID for @p alg (NULL: refused). */
static const unsigned char *digest_oid(moat_hash_alg alg)
{
    switch (alg) {
    case MOAT_HASH_SHA256:
        return BR_HASH_OID_SHA256;
    case MOAT_HASH_SHA384:
        return BR_HASH_OID_SHA384;
    case MOAT_HASH_SHA512:
        return BR_HASH_OID_SHA512;
    default:
        return NULL; /* SHA-1 is never accepted for signatures */
    }
}

/* Bit length of a big-endian magnitude whose first octet is non-zero. */
static size_t bit_length(const uint8_t *v, size_t len)
{
    size_t bits = 8u * (len - 1u);
    uint8_t top = v[0];

    while (top != 0u) {
        bits++;
        top = (uint8_t)(top >> 1);
    }
    return bits;
}

moat_err moat_rsa_pkcs1_verify_digest(const uint8_t *n, size_t n_len,
                                      const uint8_t *e, size_t e_len,
                                      moat_hash_alg hash_alg, const uint8_t *hash,
                                      size_t hash_len, const uint8_t *sig,
                                      size_t sig_len)
{
    uint8_t nbuf[MOAT_RSA_MAX_BITS / 8u];
    uint8_t ebuf[MOAT_RSA_MAX_E_BYTES];
    uint8_t recovered[MOAT_HASH_MAX_SIZE];
    const unsigned char *oid = digest_oid(hash_alg);
    br_rsa_public_key pk;
    size_t bits;
    uint32_t ok;
    moat_err err = MOAT_OK;

    if (n == NULL || e == NULL || hash == NULL || sig == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (oid == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (hash_len != moat_hash_size(hash_alg)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* Modulus: a magnitude without leading zero, within the size bounds. */
    if (n_len == 0u || n_len > sizeof(nbuf) || n[0] == 0u) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    bits = bit_length(n, n_len);
    if (bits < MOAT_RSA_MIN_BITS || bits > MOAT_RSA_MAX_BITS || (n[n_len - 1u] & 1u) == 0u) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    /* Exponent: minimal magnitude, odd, >= 3, shorter than the modulus. */
    if (e_len == 0u || e_len > sizeof(ebuf) || e_len >= n_len || e[0] == 0u ||
        (e[e_len - 1u] & 1u) == 0u || (e_len == 1u && e[0] < 3u)) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    /* RFC 8017 8.2.2 step 1: the signature is exactly k octets long. */
    if (sig_len != n_len) {
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    /* br_rsa_public_key takes non-const pointers: work on copies. */
    memcpy(nbuf, n, n_len);
    memcpy(ebuf, e, e_len);
    pk.n = nbuf;
    pk.nlen = n_len;
    pk.e = ebuf;
    pk.elen = e_len;
    memset(recovered, 0, sizeof(recovered));
    ok = br_rsa_i31_pkcs1_vrfy(sig, sig_len, oid, hash_len, &pk, recovered);
    if (ok != 1u || !moat_ct_equal(recovered, hash, hash_len)) {
        err = MOAT_ERR_CRYPTO_SIG_INVALID;
    }
    moat_wipe(recovered, sizeof(recovered));
    return err;
}
