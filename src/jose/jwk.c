/**
 * @file jwk.c
 * @brief EC JSON Web Keys (RFC 7517 section 4, RFC 7518 section 6.2) and
 *        RFC 7638 thumbprints.
 */
#include "jose/internal.h"

#include <string.h>

/* Canonical thumbprint input for P-384: 47 fixed bytes + 2*64 base64url. */
#define JWK_CANON_MAX 200u

static const char *crv_name(moat_curve curve)
{
    switch (curve) {
    case MOAT_CURVE_P256: return "P-256";
    case MOAT_CURVE_P384: return "P-384";
    default: return NULL;
    }
}

const char *moat_jws_alg_for_curve(moat_curve curve)
{
    switch (curve) {
    case MOAT_CURVE_P256: return "ES256";
    case MOAT_CURVE_P384: return "ES384";
    default: return NULL;
    }
}

/* Check @p pub is self-consistent; returns the coordinate size or 0. */
static size_t pub_coord_size(const moat_ec_public_key *pub)
{
    size_t cs;
    if (pub == NULL) {
        return 0;
    }
    cs = moat_curve_size(pub->curve);
    if (cs == 0 || crv_name(pub->curve) == NULL || pub->q_len != 1u + 2u * cs ||
        pub->q[0] != 0x04u) {
        return 0;
    }
    return cs;
}

/* Writes {"crv":"..","kty":"EC","x":"..","y":".." into @p w (no closing brace):
 * RFC 7638 section 3.2 order (lexicographic), no whitespace. */
static void write_public_members(moat_json_writer *w, const moat_ec_public_key *pub,
                                 size_t cs)
{
    char coord[MOAT_B64URL_ENC_LEN(MOAT_EC_PRIV_MAX) + 1u];
    size_t n = 0;
    moat_err e;

    moat_json_write_cstr(w, "{\"crv\":\"");
    moat_json_write_cstr(w, crv_name(pub->curve));
    moat_json_write_cstr(w, "\",\"kty\":\"EC\",\"x\":\"");
    e = moat_b64url_encode(pub->q + 1, cs, coord, sizeof(coord), &n);
    if (e != MOAT_OK && w->err == MOAT_OK) {
        w->err = e;
    }
    moat_json_write_raw(w, coord, e == MOAT_OK ? n : 0);
    moat_json_write_cstr(w, "\",\"y\":\"");
    e = moat_b64url_encode(pub->q + 1 + cs, cs, coord, sizeof(coord), &n);
    if (e != MOAT_OK && w->err == MOAT_OK) {
        w->err = e;
    }
    moat_json_write_raw(w, coord, e == MOAT_OK ? n : 0);
    moat_json_write_cstr(w, "\"");
}

moat_err moat_jwk_thumbprint(const moat_ec_public_key *pub,
                             char kid[MOAT_JWK_KID_SIZE])
{
    char canon[JWK_CANON_MAX];
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    moat_json_writer w;
    size_t cs, len = 0, n = 0;
    moat_err e;

    if (kid == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(kid, 0, MOAT_JWK_KID_SIZE);
    cs = pub_coord_size(pub);
    if (cs == 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_json_writer_init(&w, canon, sizeof(canon));
    write_public_members(&w, pub, cs);
    moat_json_write_cstr(&w, "}");
    e = moat_json_writer_finish(&w, &len);
    if (e == MOAT_OK) {
        e = moat_hash(MOAT_HASH_SHA256, canon, len, digest);
    }
    if (e == MOAT_OK) {
        e = moat_b64url_encode(digest, 32u, kid, MOAT_JWK_KID_SIZE, &n);
    }
    if (e == MOAT_OK && n != MOAT_JWK_THUMBPRINT_LEN) {
        e = MOAT_ERR_INTERNAL;
    }
    if (e == MOAT_OK) {
        kid[n] = '\0';
    } else {
        memset(kid, 0, MOAT_JWK_KID_SIZE);
    }
    moat_wipe(canon, sizeof(canon));
    moat_wipe(digest, sizeof(digest));
    return e;
}

moat_err moat_jwk_from_public(const moat_ec_public_key *pub, moat_jwk *jwk)
{
    moat_err e;
    if (jwk == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(jwk, 0, sizeof(*jwk));
    if (pub_coord_size(pub) == 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    jwk->key = *pub;
    e = moat_jwk_thumbprint(pub, jwk->kid);
    if (e != MOAT_OK) {
        memset(jwk, 0, sizeof(*jwk));
    }
    return e;
}

moat_err moat_jwk_emit(const moat_ec_public_key *pub, char *out, size_t out_cap,
                       size_t *out_len)
{
    char kid[MOAT_JWK_KID_SIZE];
    moat_json_writer w;
    size_t cs;
    moat_err e;

    if (out_len == NULL || (out == NULL && out_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    cs = pub_coord_size(pub);
    if (cs == 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = moat_jwk_thumbprint(pub, kid);
    if (e != MOAT_OK) {
        return e;
    }
    moat_json_writer_init(&w, out, out_cap);
    write_public_members(&w, pub, cs);
    moat_json_write_cstr(&w, ",\"kid\":\"");
    moat_json_write_cstr(&w, kid);
    moat_json_write_cstr(&w, "\"}");
    e = moat_json_writer_finish(&w, out_len);
    if (e != MOAT_OK && e != MOAT_ERR_BUFFER_TOO_SMALL) {
        *out_len = 0;
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
    }
    return e;
}

/* A required member that is missing, or present with the wrong type. */
static moat_err jwk_member_error(moat_err json_err)
{
    return json_err == MOAT_ERR_JSON_MISSING ? MOAT_ERR_JWK_MEMBER_MISSING
                                             : MOAT_ERR_JWK_INVALID;
}

/* Decode one coordinate member: present, a string, exact length. */
static moat_err get_coord(const moat_json *root, const char *name, size_t cs,
                          uint8_t *out)
{
    const char *s = NULL;
    size_t slen = 0, n = 0;
    moat_err e = moat_json_get_string(root, name, &s, &slen);
    if (e != MOAT_OK) {
        return jwk_member_error(e);
    }
    /* Exact length first: the strict decoder would also reject, but the
     * length is the precise reason. */
    if (slen != MOAT_B64URL_ENC_LEN(cs)) {
        return MOAT_ERR_JWK_COORD_LENGTH;
    }
    e = moat_b64url_decode(s, slen, out, cs, &n);
    if (e != MOAT_OK) {
        moat_wipe(out, cs);
        return e;
    }
    if (n != cs) {
        moat_wipe(out, cs);
        return MOAT_ERR_JWK_COORD_LENGTH;
    }
    return MOAT_OK;
}

/* Parse the public part of an EC JWK from a parsed object. The "d" policy is
 * the caller's. */
static moat_err jwk_public_from_node(const moat_json *root, moat_ec_public_key *pub)
{
    const char *s = NULL;
    size_t slen = 0, cs;
    const moat_json *m;
    moat_curve curve;
    uint8_t x[MOAT_EC_PRIV_MAX], y[MOAT_EC_PRIV_MAX];
    moat_err e;

    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JWK_INVALID;
    }
    e = moat_json_get_string(root, "kty", &s, &slen);
    if (e != MOAT_OK) {
        return jwk_member_error(e);
    }
    if (slen != 2u || memcmp(s, "EC", 2u) != 0) {
        return MOAT_ERR_JWK_KTY;
    }
    e = moat_json_get_string(root, "crv", &s, &slen);
    if (e != MOAT_OK) {
        return jwk_member_error(e);
    }
    if (slen == 5u && memcmp(s, "P-256", 5u) == 0) {
        curve = MOAT_CURVE_P256;
    } else if (slen == 5u && memcmp(s, "P-384", 5u) == 0) {
        curve = MOAT_CURVE_P384;
    } else {
        return MOAT_ERR_JWK_KTY;
    }
    m = moat_json_get(root, "kid");
    if (m != NULL && moat_json_type_of(m) != MOAT_JSON_STRING) {
        return MOAT_ERR_JWK_INVALID;
    }
    m = moat_json_get(root, "alg");
    if (m != NULL) {
        const char *want = moat_jws_alg_for_curve(curve);
        if (moat_json_string(m, &s, &slen) != MOAT_OK) {
            return MOAT_ERR_JWK_INVALID;
        }
        if (slen != strlen(want) || memcmp(s, want, slen) != 0) {
            return MOAT_ERR_JOSE_ALG_KEY_MISMATCH;
        }
    }
    cs = moat_curve_size(curve);
    e = get_coord(root, "x", cs, x);
    if (e == MOAT_OK) {
        e = get_coord(root, "y", cs, y);
    }
    if (e == MOAT_OK) {
        e = moat_ec_public_from_xy(curve, x, cs, y, cs, pub);
    }
    moat_wipe(x, sizeof(x));
    moat_wipe(y, sizeof(y));
    return e;
}

/* Bounded parse of a JWK text into @p arena. */
static moat_err jwk_parse_text(const char *json, size_t len, void *arena,
                               size_t arena_size, const moat_json **root)
{
    moat_json_limits lim;
    lim.max_input = MOAT_JWK_MAX_INPUT;
    lim.max_depth = 4u;
    lim.max_members = MOAT_JWK_MAX_VALUES;
    lim.max_string = MOAT_JWK_MAX_INPUT;
    return moat_json_parse(json, len, &lim, arena, arena_size, root);
}

#define JWK_ARENA_SIZE MOAT_JSON_ARENA_SIZE(MOAT_JWK_MAX_INPUT, MOAT_JWK_MAX_VALUES)

moat_err moat_jwk_parse(const char *json, size_t len, moat_jwk *jwk)
{
    uint64_t arena[MOAT_JOSE_ALIGNED_WORDS(JWK_ARENA_SIZE)];
    const moat_json *root = NULL;
    moat_err e;

    if (jwk == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(jwk, 0, sizeof(*jwk));
    if (json == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = jwk_parse_text(json, len, arena, sizeof(arena), &root);
    if (e == MOAT_OK && moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        e = MOAT_ERR_JWK_INVALID;
    }
    /* A private key where a public one is expected is refused outright: the
     * caller is about to publish or store it as public. */
    if (e == MOAT_OK && moat_json_get(root, "d") != NULL) {
        e = MOAT_ERR_JWK_PRIVATE_MEMBER;
    }
    if (e == MOAT_OK) {
        e = jwk_public_from_node(root, &jwk->key);
    }
    if (e == MOAT_OK) {
        e = moat_jwk_thumbprint(&jwk->key, jwk->kid);
    }
    if (e != MOAT_OK) {
        memset(jwk, 0, sizeof(*jwk));
    }
    moat_wipe(arena, sizeof(arena));
    return e;
}

moat_err moat_jwk_parse_private(const char *json, size_t len,
                                moat_ec_private_key *priv, moat_jwk *pub)
{
    uint64_t arena[MOAT_JOSE_ALIGNED_WORDS(JWK_ARENA_SIZE)];
    const moat_json *root = NULL;
    moat_ec_public_key claimed, derived;
    uint8_t d[MOAT_EC_PRIV_MAX];
    size_t cs;
    moat_err e;

    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(priv, sizeof(*priv));
    if (pub != NULL) {
        memset(pub, 0, sizeof(*pub));
    }
    if (json == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(d, 0, sizeof(d));
    e = jwk_parse_text(json, len, arena, sizeof(arena), &root);
    if (e == MOAT_OK) {
        e = jwk_public_from_node(root, &claimed);
    }
    if (e == MOAT_OK) {
        cs = moat_curve_size(claimed.curve);
        e = get_coord(root, "d", cs, d);
        if (e == MOAT_OK) {
            e = moat_ec_private_from_scalar(claimed.curve, d, cs, priv);
        }
    }
    if (e == MOAT_OK) {
        e = moat_ec_public_from_private(priv, &derived);
    }
    if (e == MOAT_OK && !moat_jose_same_key(&claimed, &derived)) {
        e = MOAT_ERR_JWK_KEY_MISMATCH;
    }
    if (e == MOAT_OK && pub != NULL) {
        e = moat_jwk_from_public(&derived, pub);
    }
    if (e != MOAT_OK) {
        moat_ec_private_wipe(priv);
        if (pub != NULL) {
            memset(pub, 0, sizeof(*pub));
        }
    }
    moat_wipe(d, sizeof(d));
    moat_wipe(arena, sizeof(arena));
    return e;
}
