/**
 * @file jwe.c
 * @brief JWE compact serialization (RFC 7516 section 7.1) with alg ECDH-ES
 *        (direct key agreement, RFC 7518 section 4.6) and enc A256GCM
 *        (RFC 7518 section 5.3).
 *
 * The security decisions of JWE are taken here, in one place:
 * jwe_header_check() (what a protected header may contain) and
 * moat_jwe_decrypt() (which bytes, in which order, and that nothing of the
 * plaintext is released before the tag verified).
 */
#include "jose/internal.h"

#include <string.h>

/* ------------------------------------------------------------ helpers */

#define JWE_ALG "ECDH-ES"
#define JWE_ENC "A256GCM"
#define JWE_CEK_SIZE 32u
#define JWE_COORD 32u                      /* P-256 coordinate size */
#define JWE_COORD_B64 MOAT_B64URL_ENC_LEN(JWE_COORD) /* 43 */
#define JWE_IV_B64 MOAT_B64URL_ENC_LEN(MOAT_JWE_IV_SIZE)   /* 16 */
#define JWE_TAG_B64 MOAT_B64URL_ENC_LEN(MOAT_JWE_TAG_SIZE) /* 22 */
#define JWE_HEADER_VALUES MOAT_JWS_HEADER_MAX_VALUES
#define JWE_HEADER_DEPTH 4u
#define JWE_ARENA_SIZE MOAT_JSON_ARENA_SIZE(MOAT_JWE_HEADER_MAX, JWE_HEADER_VALUES)
/* Chunk of ciphertext base64url-encoded at a time (a multiple of 3). */
#define JWE_ENC_CHUNK 48u

/* Header parameters registered for JWE (RFC 7516 section 4.1, RFC 7518
 * sections 4.6.1, 4.7.1, 4.8.1): "crit" may not name them, and
 * moat_jwe_encrypt() refuses them as extra members. */
static const char *const jwe_registered[] = {
    "alg", "enc", "zip", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256",
    "typ", "cty", "crit", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
};

static bool name_is(const char *s, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

static bool is_registered(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof(jwe_registered) / sizeof(jwe_registered[0]); i++) {
        if (name_is(s, len, jwe_registered[i])) {
            return true;
        }
    }
    return false;
}

/* strnlen() is POSIX, not C11. */
static size_t bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

static void put_be32(uint8_t b[4], uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

/*
 * Concat KDF (NIST SP 800-56A section 5.8.1, as profiled by RFC 7518
 * section 4.6.2) for a 256-bit key: one round,
 *   CEK = SHA-256(counter=1 || Z || OtherInfo), with
 *   OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo,
 * each of the first three a 32-bit big-endian length followed by the data,
 * AlgorithmID = "A256GCM" (direct key agreement), SuppPubInfo = 256 (the
 * key length in bits), SuppPrivInfo empty.
 */
static moat_err concat_kdf(const uint8_t z[MOAT_JWE_Z_SIZE], const uint8_t *apu,
                           size_t apu_len, const uint8_t *apv, size_t apv_len,
                           uint8_t cek[JWE_CEK_SIZE])
{
    moat_hash_ctx h;
    uint8_t b[4];
    moat_err e = moat_hash_init(&h, MOAT_HASH_SHA256);
    if (e != MOAT_OK) {
        moat_wipe(&h, sizeof(h));
        return MOAT_ERR_INTERNAL;
    }
    put_be32(b, 1u);
    moat_hash_update(&h, b, 4);
    moat_hash_update(&h, z, MOAT_JWE_Z_SIZE);
    put_be32(b, (uint32_t)(sizeof(JWE_ENC) - 1u));
    moat_hash_update(&h, b, 4);
    moat_hash_update(&h, JWE_ENC, sizeof(JWE_ENC) - 1u);
    put_be32(b, (uint32_t)apu_len);
    moat_hash_update(&h, b, 4);
    if (apu_len != 0) {
        moat_hash_update(&h, apu, apu_len);
    }
    put_be32(b, (uint32_t)apv_len);
    moat_hash_update(&h, b, 4);
    if (apv_len != 0) {
        moat_hash_update(&h, apv, apv_len);
    }
    put_be32(b, JWE_CEK_SIZE * 8u);
    moat_hash_update(&h, b, 4);
    moat_hash_final(&h, cek);
    moat_wipe(&h, sizeof(h));
    return MOAT_OK;
}

size_t moat_jwe_compact_size(size_t plaintext_len)
{
    if (plaintext_len > MOAT_JWE_PLAINTEXT_MAX) {
        return SIZE_MAX;
    }
    return MOAT_JWE_COMPACT_SIZE(plaintext_len);
}

/* ------------------------------------------------------------ decrypter */

static moat_err ecdh_mem(void *ctx, const moat_ec_public_key *peer,
                         uint8_t z[MOAT_JWE_Z_SIZE])
{
    size_t n = 0;
    moat_err e = moat_ecdh((const moat_ec_private_key *)ctx, peer, z,
                           MOAT_JWE_Z_SIZE, &n);
    if (e == MOAT_OK && n != MOAT_JWE_Z_SIZE) {
        e = MOAT_ERR_INTERNAL;
    }
    if (e != MOAT_OK) {
        moat_wipe(z, MOAT_JWE_Z_SIZE);
    }
    return e;
}

moat_err moat_jwe_decrypter_from_private(moat_jwe_decrypter *d,
                                         const moat_ec_private_key *priv)
{
    if (d == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(d, 0, sizeof(*d));
    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (priv->curve != MOAT_CURVE_P256) {
        return MOAT_ERR_UNSUPPORTED;
    }
    d->curve = MOAT_CURVE_P256;
    d->ecdh = ecdh_mem;
    /* The callback only reads the key; the cast drops const for void *. */
    {
        union {
            const moat_ec_private_key *c;
            void *v;
        } u;
        u.c = priv;
        d->ctx = u.v;
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------ encrypt */

/* Validate an optional string option: NULL, or UTF-8 of at most max bytes
 * (UTF-8 itself is checked by the JSON writer). */
static bool opt_ok(const char *s, size_t max)
{
    return s == NULL || bounded_strlen(s, max + 1u) <= max;
}

static moat_err check_encrypt_opts(const moat_jwe_encrypt_opts *o)
{
    size_t i, j;
    if (o == NULL) {
        return MOAT_OK;
    }
    if (!opt_ok(o->typ, MOAT_JWS_TYP_MAX) || !opt_ok(o->cty, MOAT_JWS_TYP_MAX) ||
        !opt_ok(o->kid, MOAT_JWS_KID_MAX)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if ((o->apu == NULL && o->apu_len != 0) || o->apu_len > MOAT_JWE_PARTY_INFO_MAX ||
        (o->apv == NULL && o->apv_len != 0) || o->apv_len > MOAT_JWE_PARTY_INFO_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (o->extra_count > MOAT_JWE_EXTRA_MAX || (o->extra == NULL && o->extra_count != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < o->extra_count; i++) {
        const moat_jwe_param *p = &o->extra[i];
        size_t nl;
        if (p->name == NULL || p->value == NULL) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        nl = bounded_strlen(p->name, MOAT_JWE_EXTRA_LEN_MAX + 1u);
        if (nl == 0 || nl > MOAT_JWE_EXTRA_LEN_MAX ||
            bounded_strlen(p->value, MOAT_JWE_EXTRA_LEN_MAX + 1u) > MOAT_JWE_EXTRA_LEN_MAX ||
            is_registered(p->name, nl)) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(o->extra[j].name, p->name) == 0) {
                return MOAT_ERR_INVALID_ARGUMENT;
            }
        }
    }
    return MOAT_OK;
}

static void write_member_str(moat_json_writer *w, const char *name, const char *v)
{
    moat_json_write_raw(w, ",", 1);
    moat_json_write_string(w, name, strlen(name));
    moat_json_write_raw(w, ":", 1);
    moat_json_write_string(w, v, strlen(v));
}

static void write_member_b64(moat_json_writer *w, const char *name,
                             const uint8_t *v, size_t len)
{
    char tmp[MOAT_B64URL_ENC_LEN(MOAT_JWE_PARTY_INFO_MAX) + 1u];
    size_t n = 0;
    if (moat_b64url_encode(v, len, tmp, sizeof(tmp), &n) != MOAT_OK) {
        if (w->err == MOAT_OK) {
            w->err = MOAT_ERR_INTERNAL;
        }
        return;
    }
    moat_json_write_raw(w, ",\"", 2);
    moat_json_write_cstr(w, name);
    moat_json_write_raw(w, "\":\"", 3);
    moat_json_write_raw(w, tmp, n);
    moat_json_write_raw(w, "\"", 1);
}

/* The protected header; x64 / y64 are the ephemeral key's coordinates
 * (JWE_COORD_B64 characters each). */
static moat_err build_header(const moat_jwe_encrypt_opts *o, const char *x64,
                             const char *y64, char *buf, size_t cap, size_t *len)
{
    moat_json_writer w;
    size_t i;
    moat_err e;

    moat_json_writer_init(&w, buf, cap);
    moat_json_write_cstr(&w, "{\"alg\":\"" JWE_ALG "\",\"enc\":\"" JWE_ENC
                             "\",\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"");
    moat_json_write_raw(&w, x64, JWE_COORD_B64);
    moat_json_write_cstr(&w, "\",\"y\":\"");
    moat_json_write_raw(&w, y64, JWE_COORD_B64);
    moat_json_write_cstr(&w, "\"}");
    if (o != NULL) {
        if (o->apu != NULL) {
            write_member_b64(&w, "apu", o->apu, o->apu_len);
        }
        if (o->apv != NULL) {
            write_member_b64(&w, "apv", o->apv, o->apv_len);
        }
        if (o->kid != NULL) {
            write_member_str(&w, "kid", o->kid);
        }
        if (o->typ != NULL) {
            write_member_str(&w, "typ", o->typ);
        }
        if (o->cty != NULL) {
            write_member_str(&w, "cty", o->cty);
        }
        for (i = 0; i < o->extra_count; i++) {
            write_member_str(&w, o->extra[i].name, o->extra[i].value);
        }
    }
    moat_json_write_raw(&w, "}", 1);
    e = moat_json_writer_finish(&w, len);
    if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
        *len = 0;
        return MOAT_ERR_JOSE_HEADER_TOO_LARGE;
    }
    if (e == MOAT_ERR_JSON_UTF8 || e == MOAT_ERR_JSON_NUL_CHAR) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return e;
}

/* Encode n bytes found at out+off+enc_len-n into out+off, in chunks, front
 * to back: the writes never reach bytes not yet read (see the proof in
 * moat_jwe_encrypt()). */
static moat_err encode_in_place(char *out, size_t off, size_t n, size_t enc_len)
{
    const char *src = out + off + enc_len - n;
    char *dst = out + off;
    uint8_t tmp[JWE_ENC_CHUNK];
    size_t k = 0, w = 0, c, got;
    moat_err e;

    while (k < n) {
        c = n - k < JWE_ENC_CHUNK ? n - k : JWE_ENC_CHUNK;
        memcpy(tmp, src + k, c);
        e = moat_b64url_encode(tmp, c, dst + w, MOAT_B64URL_ENC_LEN(c), &got);
        if (e != MOAT_OK) {
            return MOAT_ERR_INTERNAL;
        }
        k += c;
        w += got;
    }
    return w == enc_len ? MOAT_OK : MOAT_ERR_INTERNAL;
}

moat_err moat_jwe_encrypt(const moat_ec_public_key *recipient,
                          const moat_jwe_encrypt_opts *opts,
                          const uint8_t *pt, size_t pt_len,
                          moat_rng_fn rng, void *rng_ctx,
                          char *out, size_t out_cap, size_t *out_len)
{
    static const char placeholder[JWE_COORD_B64 + 1u] =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    char hdr[MOAT_JWE_HEADER_MAX + 1u];
    char x64[JWE_COORD_B64 + 1u], y64[JWE_COORD_B64 + 1u];
    moat_ec_public_key rpub, epub;
    moat_ec_private_key eph;
    uint8_t z[MOAT_JWE_Z_SIZE], cek[JWE_CEK_SIZE];
    uint8_t iv[MOAT_JWE_IV_SIZE], tag[MOAT_JWE_TAG_SIZE];
    size_t hlen = 0, h64 = 0, ct64, ct_off, total, n = 0, pos;
    moat_err e;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if ((out == NULL && out_cap != 0) || recipient == NULL || rng == NULL ||
        (pt == NULL && pt_len != 0)) {
        e = MOAT_ERR_INVALID_ARGUMENT;
        goto fail;
    }
    e = check_encrypt_opts(opts);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (pt_len > MOAT_JWE_PLAINTEXT_MAX) {
        e = MOAT_ERR_JWE_TOO_LARGE;
        goto fail;
    }
    if (recipient->curve != MOAT_CURVE_P256) {
        e = MOAT_ERR_UNSUPPORTED;
        goto fail;
    }
    e = moat_ec_public_from_point(recipient->curve, recipient->q, recipient->q_len, &rpub);
    if (e != MOAT_OK) {
        goto fail;
    }

    /* Size first (the coordinates have a fixed length): nothing random is
     * drawn when the output is too small. */
    e = build_header(opts, placeholder, placeholder, hdr, sizeof(hdr), &hlen);
    if (e != MOAT_OK) {
        goto fail;
    }
    h64 = MOAT_B64URL_ENC_LEN(hlen);
    ct64 = MOAT_B64URL_ENC_LEN(pt_len);
    /* h64 '.' '' '.' iv64 '.' ct64 '.' tag64 NUL */
    ct_off = h64 + 2u + JWE_IV_B64 + 1u;
    total = ct_off + ct64 + 1u + JWE_TAG_B64 + 1u;
    if (out_cap < total) {
        moat_wipe(hdr, sizeof(hdr));
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        *out_len = total;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }

    /* Move the plaintext to the tail of its ciphertext segment (memmove:
     * it may already lie inside out). From here on out is ours. */
    if (pt_len != 0) {
        memmove(out + ct_off + ct64 - pt_len, pt, pt_len);
    }

    e = moat_ec_generate(MOAT_CURVE_P256, rng, rng_ctx, &eph);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (rng(rng_ctx, iv, sizeof(iv)) != MOAT_OK) {
        e = MOAT_ERR_CRYPTO_RNG_FAILED;
        goto fail;
    }
    e = moat_ec_public_from_private(&eph, &epub);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (moat_b64url_encode(epub.q + 1, JWE_COORD, x64, sizeof(x64), &n) != MOAT_OK ||
        n != JWE_COORD_B64 ||
        moat_b64url_encode(epub.q + 1 + JWE_COORD, JWE_COORD, y64, sizeof(y64), &n) != MOAT_OK ||
        n != JWE_COORD_B64) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    e = build_header(opts, x64, y64, hdr, sizeof(hdr), &n);
    if (e != MOAT_OK || n != hlen) {
        e = (e != MOAT_OK) ? e : MOAT_ERR_INTERNAL;
        goto fail;
    }
    if (moat_b64url_encode((const uint8_t *)hdr, hlen, out, h64, &n) != MOAT_OK || n != h64) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }

    /* Z, then the CEK (RFC 7518 section 4.6.2). */
    n = 0;
    e = moat_ecdh(&eph, &rpub, z, sizeof(z), &n);
    moat_ec_private_wipe(&eph);
    if (e != MOAT_OK || n != sizeof(z)) {
        e = (e != MOAT_OK) ? e : MOAT_ERR_INTERNAL;
        goto fail;
    }
    e = concat_kdf(z, opts != NULL ? opts->apu : NULL, opts != NULL ? opts->apu_len : 0,
                   opts != NULL ? opts->apv : NULL, opts != NULL ? opts->apv_len : 0, cek);
    moat_wipe(z, sizeof(z));
    if (e != MOAT_OK) {
        goto fail;
    }
    /* AAD = ASCII(BASE64URL(UTF8(protected header))) (RFC 7516 5.1 step 14). */
    {
        uint8_t *body = (uint8_t *)out + ct_off + ct64 - pt_len;
        e = moat_aead_seal(MOAT_AEAD_AES_GCM, cek, sizeof(cek), iv, sizeof(iv),
                           (const uint8_t *)out, h64, pt_len != 0 ? body : NULL, pt_len,
                           pt_len != 0 ? body : NULL, tag, sizeof(tag));
    }
    moat_wipe(cek, sizeof(cek));
    if (e != MOAT_OK) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }

    /*
     * Encode the ciphertext forward over its own segment. Writing chunk k
     * (k input bytes consumed, k a multiple of 3) ends at 4(k+c)/3 while
     * the next unread byte is at ct64 - pt_len + k + c, and
     * ct64 - pt_len >= pt_len / 3 > (k + c) / 3 whenever bytes remain.
     */
    e = encode_in_place(out, ct_off, pt_len, ct64);
    if (e != MOAT_OK) {
        goto fail;
    }
    pos = h64;
    out[pos++] = '.';
    out[pos++] = '.';
    if (moat_b64url_encode(iv, sizeof(iv), out + pos, JWE_IV_B64, &n) != MOAT_OK) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    pos += n;
    out[pos++] = '.';
    pos += ct64;
    out[pos++] = '.';
    if (moat_b64url_encode(tag, sizeof(tag), out + pos, JWE_TAG_B64, &n) != MOAT_OK) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    pos += n;
    out[pos] = '\0';
    if (pos + 1u != total) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    moat_wipe(hdr, sizeof(hdr));
    *out_len = pos;
    return MOAT_OK;

fail:
    moat_ec_private_wipe(&eph);
    moat_wipe(z, sizeof(z));
    moat_wipe(cek, sizeof(cek));
    moat_wipe(hdr, sizeof(hdr));
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    *out_len = 0;
    return e;
}

/* ------------------------------------------------------------ decrypt */

typedef struct jwe_parsed {
    moat_ec_public_key epk;
    uint8_t apu[MOAT_JWE_PARTY_INFO_MAX];
    size_t apu_len;
    uint8_t apv[MOAT_JWE_PARTY_INFO_MAX];
    size_t apv_len;
} jwe_parsed;

/* RFC 7516 section 4.1.13: the shared JOSE "crit" rule (jws.c). */
static moat_err check_crit(const moat_json *root, const moat_json *crit,
                           const moat_jwe_decrypt_opts *o)
{
    return moat_jose_check_crit(root, crit, jwe_registered,
                                sizeof(jwe_registered) / sizeof(jwe_registered[0]), NULL,
                                o != NULL ? o->crit_understood : NULL,
                                o != NULL ? o->crit_count : 0u);
}

static moat_err party_info(const moat_json *root, const char *name, uint8_t *out,
                           size_t *out_len)
{
    const moat_json *m = moat_json_get(root, name);
    const char *s;
    size_t slen;
    *out_len = 0;
    if (m == NULL) {
        return MOAT_OK;
    }
    if (moat_json_string(m, &s, &slen) != MOAT_OK ||
        slen > MOAT_B64URL_ENC_LEN(MOAT_JWE_PARTY_INFO_MAX)) {
        return MOAT_ERR_JWE_HEADER_INVALID;
    }
    return moat_b64url_decode(s, slen, out, MOAT_JWE_PARTY_INFO_MAX, out_len);
}

/* The ephemeral public key (RFC 7518 section 4.6.1.1): a public EC JWK on
 * P-256, validated on the curve. */
static moat_err parse_epk(const moat_json *epk, moat_ec_public_key *pub)
{
    const char *kty, *crv, *x, *y;
    size_t kl, cl, xl, yl, n;
    uint8_t xb[JWE_COORD], yb[JWE_COORD];
    moat_err e;

    if (epk == NULL || moat_json_type_of(epk) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    if (moat_json_get_string(epk, "kty", &kty, &kl) != MOAT_OK ||
        moat_json_get_string(epk, "crv", &crv, &cl) != MOAT_OK) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    if (!name_is(kty, kl, "EC") && !name_is(kty, kl, "OKP")) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    if (!name_is(kty, kl, "EC") || !name_is(crv, cl, "P-256")) {
        return MOAT_ERR_JWE_EPK_CURVE;
    }
    if (moat_json_get(epk, "d") != NULL) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    if (moat_json_get_string(epk, "x", &x, &xl) != MOAT_OK ||
        moat_json_get_string(epk, "y", &y, &yl) != MOAT_OK ||
        xl != JWE_COORD_B64 || yl != JWE_COORD_B64) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    e = moat_b64url_decode(x, xl, xb, sizeof(xb), &n);
    if (e == MOAT_OK) {
        e = moat_b64url_decode(y, yl, yb, sizeof(yb), &n);
    }
    if (e != MOAT_OK) {
        return e;
    }
    e = moat_ec_public_from_xy(MOAT_CURVE_P256, xb, sizeof(xb), yb, sizeof(yb), pub);
    if (e == MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE) {
        return MOAT_ERR_JWE_EPK_NOT_ON_CURVE;
    }
    if (e != MOAT_OK) {
        return MOAT_ERR_JWE_EPK_INVALID;
    }
    return MOAT_OK;
}

/* The header policy of jose.h, on the decoded header @p hdr of @p n bytes. */
static moat_err jwe_header_check(const char *hdr, size_t n,
                                 const moat_jwe_decrypt_opts *o, jwe_parsed *p)
{
    uint64_t arena[MOAT_JOSE_ALIGNED_WORDS(JWE_ARENA_SIZE)];
    const moat_json *root = NULL, *m;
    moat_json_limits lim;
    const char *s;
    size_t slen;
    moat_err e;

    lim.max_input = MOAT_JWE_HEADER_MAX;
    lim.max_depth = JWE_HEADER_DEPTH;
    lim.max_members = JWE_HEADER_VALUES;
    lim.max_string = MOAT_JWE_HEADER_MAX;
    e = moat_json_parse(hdr, n, &lim, arena, sizeof(arena), &root);
    if (e != MOAT_OK) {
        goto out;
    }
    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        e = MOAT_ERR_JWE_HEADER_INVALID;
        goto out;
    }
    m = moat_json_get(root, "alg");
    if (m == NULL || moat_json_string(m, &s, &slen) != MOAT_OK) {
        e = MOAT_ERR_JOSE_ALG_MISSING;
        goto out;
    }
    if (!name_is(s, slen, JWE_ALG)) {
        e = MOAT_ERR_JWE_ALG_NOT_ALLOWED;
        goto out;
    }
    m = moat_json_get(root, "enc");
    if (m == NULL || moat_json_string(m, &s, &slen) != MOAT_OK ||
        !name_is(s, slen, JWE_ENC)) {
        e = MOAT_ERR_JWE_ENC_NOT_ALLOWED;
        goto out;
    }
    if (moat_json_get(root, "zip") != NULL) {
        e = MOAT_ERR_JWE_ZIP;
        goto out;
    }
    m = moat_json_get(root, "crit");
    if (m != NULL) {
        e = check_crit(root, m, o);
        if (e != MOAT_OK) {
            goto out;
        }
    }
    if (((m = moat_json_get(root, "typ")) != NULL && moat_json_type_of(m) != MOAT_JSON_STRING) ||
        ((m = moat_json_get(root, "cty")) != NULL && moat_json_type_of(m) != MOAT_JSON_STRING) ||
        ((m = moat_json_get(root, "kid")) != NULL && moat_json_type_of(m) != MOAT_JSON_STRING)) {
        e = MOAT_ERR_JWE_HEADER_INVALID;
        goto out;
    }
    e = party_info(root, "apu", p->apu, &p->apu_len);
    if (e == MOAT_OK) {
        e = party_info(root, "apv", p->apv, &p->apv_len);
    }
    if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
        e = MOAT_ERR_JWE_HEADER_INVALID;
    }
    if (e != MOAT_OK) {
        goto out;
    }
    e = parse_epk(moat_json_get(root, "epk"), &p->epk);
out:
    moat_wipe(arena, sizeof(arena));
    return e;
}

/* Decode a segment that must hold exactly @p want bytes: base64url errors
 * keep their code (canonical encoding first), any other length gives
 * @p len_err. */
static moat_err decode_fixed(const char *b64, size_t b64_len, uint8_t *out,
                             size_t want, moat_err len_err)
{
    uint8_t tmp[64];
    size_t n = 0;
    moat_err e;
    if (b64_len > MOAT_B64URL_ENC_LEN(sizeof(tmp))) {
        return len_err;
    }
    e = moat_b64url_decode(b64, b64_len, tmp, sizeof(tmp), &n);
    if (e == MOAT_OK && n != want) {
        e = len_err;
    }
    if (e == MOAT_OK) {
        memcpy(out, tmp, want);
    }
    moat_wipe(tmp, sizeof(tmp));
    return e;
}

moat_err moat_jwe_decrypt(const char *jwe, size_t jwe_len,
                          const moat_jwe_decrypter *key,
                          const moat_jwe_decrypt_opts *opts,
                          uint8_t *pt, size_t pt_cap, size_t *pt_len)
{
    const char *seg[5];
    size_t seglen[5];
    char hdr[MOAT_JWE_HEADER_MAX + 1u];
    jwe_parsed p;
    uint8_t iv[MOAT_JWE_IV_SIZE], tag[MOAT_JWE_TAG_SIZE];
    uint8_t z[MOAT_JWE_Z_SIZE], cek[JWE_CEK_SIZE];
    size_t i, k, start, hlen = 0, n = 0, ctlen = 0;
    moat_err e;

    memset(&p, 0, sizeof(p));
    if (pt_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *pt_len = 0;
    if (opts != NULL && opts->header_out != NULL && opts->header_cap != 0) {
        moat_wipe(opts->header_out, opts->header_cap);
    }
    if (opts != NULL && opts->header_len != NULL) {
        *opts->header_len = 0;
    }
    if ((pt == NULL && pt_cap != 0) || jwe == NULL || key == NULL || key->ecdh == NULL ||
        (opts != NULL && (opts->crit_count > MOAT_JWS_CRIT_MAX ||
                          (opts->crit_count != 0 && opts->crit_understood == NULL) ||
                          (opts->header_out == NULL && opts->header_cap != 0)))) {
        e = MOAT_ERR_INVALID_ARGUMENT;
        goto fail;
    }
    if (key->curve != MOAT_CURVE_P256) {
        e = MOAT_ERR_UNSUPPORTED;
        goto fail;
    }
    if (jwe_len > MOAT_JWE_COMPACT_MAX) {
        e = MOAT_ERR_JWE_TOO_LARGE;
        goto fail;
    }
    /* Exactly five segments (RFC 7516 section 7.1). */
    k = 0;
    start = 0;
    for (i = 0; i <= jwe_len; i++) {
        if (i == jwe_len || jwe[i] == '.') {
            if (k == 5) {
                e = MOAT_ERR_JWE_FORMAT;
                goto fail;
            }
            seg[k] = jwe + start;
            seglen[k] = i - start;
            k++;
            start = i + 1u;
        }
    }
    if (k != 5 || seglen[0] == 0) {
        e = MOAT_ERR_JWE_FORMAT;
        goto fail;
    }
    /* Protected header. */
    if (seglen[0] > MOAT_B64URL_ENC_LEN(MOAT_JWE_HEADER_MAX)) {
        e = MOAT_ERR_JOSE_HEADER_TOO_LARGE;
        goto fail;
    }
    e = moat_b64url_decode(seg[0], seglen[0], (uint8_t *)hdr, MOAT_JWE_HEADER_MAX, &hlen);
    if (e != MOAT_OK) {
        goto fail;
    }
    hdr[hlen] = '\0';
    e = jwe_header_check(hdr, hlen, opts, &p);
    if (e != MOAT_OK) {
        goto fail;
    }
    /* Direct key agreement: no encrypted key (RFC 7518 section 4.6). */
    if (seglen[1] != 0) {
        e = MOAT_ERR_JWE_ENCRYPTED_KEY;
        goto fail;
    }
    e = decode_fixed(seg[2], seglen[2], iv, sizeof(iv), MOAT_ERR_JWE_IV_LENGTH);
    if (e != MOAT_OK) {
        goto fail;
    }
    e = decode_fixed(seg[4], seglen[4], tag, sizeof(tag), MOAT_ERR_JWE_TAG_LENGTH);
    if (e != MOAT_OK) {
        goto fail;
    }
    /* Ciphertext: sizes before any key agreement. */
    e = moat_jose_b64_decoded_len(seglen[3], &ctlen);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (ctlen > MOAT_JWE_PLAINTEXT_MAX) {
        e = MOAT_ERR_JWE_TOO_LARGE;
        goto fail;
    }
    if (opts != NULL && opts->header_out != NULL && opts->header_cap < hlen + 1u) {
        if (opts->header_len != NULL) {
            *opts->header_len = hlen + 1u;
        }
        e = MOAT_ERR_BUFFER_TOO_SMALL;
        goto fail;
    }
    if (ctlen > pt_cap) {
        moat_wipe(hdr, sizeof(hdr));
        moat_wipe(&p, sizeof(p));
        if (pt != NULL) {
            moat_wipe(pt, pt_cap);
        }
        *pt_len = ctlen;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (ctlen != 0) {
        e = moat_b64url_decode(seg[3], seglen[3], pt, pt_cap, &n);
        if (e != MOAT_OK) {
            goto fail;
        }
    }
    /* Key agreement and CEK (RFC 7518 section 4.6.2). */
    e = key->ecdh(key->ctx, &p.epk, z);
    if (e != MOAT_OK) {
        goto fail;
    }
    e = concat_kdf(z, p.apu, p.apu_len, p.apv, p.apv_len, cek);
    moat_wipe(z, sizeof(z));
    if (e != MOAT_OK) {
        goto fail;
    }
    /* AAD: the header segment exactly as received (RFC 7516 5.2 step 14). */
    e = moat_aead_open(MOAT_AEAD_AES_GCM, cek, sizeof(cek), iv, sizeof(iv),
                       (const uint8_t *)seg[0], seglen[0], ctlen != 0 ? pt : NULL, ctlen,
                       tag, sizeof(tag), ctlen != 0 ? pt : NULL);
    moat_wipe(cek, sizeof(cek));
    if (e == MOAT_ERR_CRYPTO_TAG_MISMATCH) {
        e = MOAT_ERR_JWE_AUTH;
    }
    if (e != MOAT_OK) {
        goto fail;
    }
    if (opts != NULL && opts->header_out != NULL) {
        memcpy(opts->header_out, hdr, hlen + 1u);
        if (opts->header_len != NULL) {
            *opts->header_len = hlen;
        }
    }
    moat_wipe(hdr, sizeof(hdr));
    moat_wipe(&p, sizeof(p));
    *pt_len = ctlen;
    return MOAT_OK;

fail:
    moat_wipe(z, sizeof(z));
    moat_wipe(cek, sizeof(cek));
    moat_wipe(hdr, sizeof(hdr));
    moat_wipe(&p, sizeof(p));
    if (pt != NULL) {
        moat_wipe(pt, pt_cap);
    }
    *pt_len = 0;
    if (opts != NULL && opts->header_out != NULL && opts->header_cap != 0) {
        moat_wipe(opts->header_out, opts->header_cap);
    }
    if (opts != NULL && opts->header_len != NULL && e != MOAT_ERR_BUFFER_TOO_SMALL) {
        *opts->header_len = 0;
    }
    return e;
}
