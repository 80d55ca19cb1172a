/**
 * @file jws.c
 * @brief JWS (RFC 7515) with ES256/ES384 (RFC 7518 section 3.4): the header
 *        policy, signing-input digests, and the compact serialization
 *        (RFC 7515 section 7.1).
 *
 * Security decisions of the module are taken here, in one place:
 * moat_jose_header_parse() (what a protected header may contain) and
 * jws_compact_verify() (which key, which bytes, in which order).
 */
#include "jose/internal.h"

#include <string.h>

/* ------------------------------------------------------------ helpers */

/* strnlen() is POSIX, not C11. */
static size_t bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

bool moat_jose_kid_match(const moat_jwk *k, const char *kid, size_t kid_len)
{
    size_t klen;
    if (k == NULL || kid == NULL) {
        return false;
    }
    klen = bounded_strlen(k->kid, sizeof(k->kid));
    return klen < sizeof(k->kid) && klen == kid_len && memcmp(k->kid, kid, klen) == 0;
}

bool moat_jose_same_key(const moat_ec_public_key *a, const moat_ec_public_key *b)
{
    return a->curve == b->curve && a->q_len == b->q_len && a->q_len <= sizeof(a->q) &&
           memcmp(a->q, b->q, a->q_len) == 0;
}

moat_err moat_jose_b64_decoded_len(size_t len, size_t *out)
{
    *out = 0;
    if (len % 4u == 1u) {
        return MOAT_ERR_B64_LENGTH;
    }
    *out = MOAT_B64URL_DEC_MAX(len);
    return MOAT_OK;
}

moat_err moat_jose_payload_out(const char *p64, size_t p64_len, uint8_t *out,
                               size_t cap, size_t *out_len)
{
    size_t need = 0;
    moat_err e = moat_jose_b64_decoded_len(p64_len, &need);
    *out_len = 0;
    if (e != MOAT_OK) {
        return e;
    }
    if (need > cap) {
        if (out != NULL) {
            moat_wipe(out, cap);
        }
        *out_len = need;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (need == 0) {
        if (out != NULL) {
            moat_wipe(out, cap);
        }
        return MOAT_OK;
    }
    e = moat_b64url_decode(p64, p64_len, out, cap, out_len);
    if (e != MOAT_OK) {
        moat_wipe(out, cap);
        *out_len = 0;
    }
    return e;
}

/* Header parameters registered by RFC 7515 section 4.1 for JWS: "crit" may
 * not name them (section 4.1.11). */
static const char *const registered_params[] = {
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
};

static bool name_is(const char *s, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/* Parameters the library itself understands for "crit": b64 (RFC 7797),
 * of which only the value true is supported. */
/* RFC 7515 section 4.1.11 (and RFC 7516 section 4.1.13, which refers to
 * it): the one "crit" check of JWS and JWE. Every name must be a non-empty
 * string, distinct, present in the header, not one of @p registered, and
 * understood: @p builtin (may be NULL) or one of the caller's names. */
moat_err moat_jose_check_crit(const moat_json *root, const moat_json *crit,
                              const char *const *registered, size_t nregistered,
                              const char *builtin, const char *const *understood,
                              size_t nunderstood)
{
    const moat_json *el, *prev;
    const char *s, *t;
    size_t slen, tlen, i;
    bool known;

    if (moat_json_type_of(crit) != MOAT_JSON_ARRAY || moat_json_size(crit) == 0) {
        return MOAT_ERR_JOSE_CRIT_MALFORMED;
    }
    for (el = moat_json_child(crit); el != NULL; el = moat_json_next(el)) {
        if (moat_json_string(el, &s, &slen) != MOAT_OK || slen == 0) {
            return MOAT_ERR_JOSE_CRIT_MALFORMED;
        }
        for (i = 0; i < nregistered; i++) {
            if (name_is(s, slen, registered[i])) {
                return MOAT_ERR_JOSE_CRIT_MALFORMED;
            }
        }
        for (prev = moat_json_child(crit); prev != el; prev = moat_json_next(prev)) {
            if (moat_json_string(prev, &t, &tlen) == MOAT_OK && tlen == slen &&
                memcmp(s, t, slen) == 0) {
                return MOAT_ERR_JOSE_CRIT_MALFORMED;
            }
        }
        if (moat_json_get(root, s) == NULL) {
            return MOAT_ERR_JOSE_CRIT_MALFORMED;
        }
        known = builtin != NULL && name_is(s, slen, builtin);
        for (i = 0; !known && understood != NULL && i < nunderstood && i < MOAT_JWS_CRIT_MAX; i++) {
            known = understood[i] != NULL && name_is(s, slen, understood[i]);
        }
        if (!known) {
            return MOAT_ERR_JOSE_CRIT_UNKNOWN;
        }
    }
    return MOAT_OK;
}

static moat_err check_crit(const moat_json *root, const moat_json *crit,
                           const moat_jws_verify_opts *opts)
{
    /* moat understands "b64" itself (RFC 7797: only its default) */
    return moat_jose_check_crit(root, crit, registered_params,
                                sizeof(registered_params) / sizeof(registered_params[0]), "b64",
                                opts != NULL ? opts->crit_understood : NULL,
                                opts != NULL ? opts->crit_count : 0u);
}

moat_err moat_jose_header_parse(const char *b64, size_t b64_len,
                                const moat_jws_verify_opts *opts,
                                const moat_json *unprotected, void *work,
                                size_t work_size, moat_jose_header *h)
{
    return moat_jose_header_parse_max(b64, b64_len, MOAT_JWS_HEADER_MAX, opts,
                                      unprotected, work, work_size, h);
}

moat_err moat_jose_header_parse_max(const char *b64, size_t b64_len,
                                    size_t header_max,
                                    const moat_jws_verify_opts *opts,
                                    const moat_json *unprotected, void *work,
                                    size_t work_size, moat_jose_header *h)
{
    uint8_t *buf = (uint8_t *)work;
    uint8_t *arena;
    size_t arena_size, n = 0, alen = 0;
    const moat_json *root = NULL, *m;
    const char *alg = NULL;
    moat_json_limits lim;
    bool bv = false;
    moat_err e;

    memset(h, 0, sizeof(*h));
    if (header_max != MOAT_JWS_HEADER_MAX && header_max != MOAT_JWS_X5C_HEADER_MAX) {
        return MOAT_ERR_INTERNAL;
    }
    if (work == NULL || work_size < MOAT_JOSE_HEADER_WORK_FOR(header_max)) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    if (b64 == NULL || b64_len == 0) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    if (b64_len > MOAT_B64URL_ENC_LEN(header_max)) {
        return MOAT_ERR_JOSE_HEADER_TOO_LARGE;
    }
    /* buf: decoded header + NUL; then the arena, 16-aligned. */
    e = moat_b64url_decode(b64, b64_len, buf, header_max, &n);
    if (e != MOAT_OK) {
        return e;
    }
    buf[n] = 0;
    arena = buf + ((header_max + 1u + 15u) & ~(size_t)15u);
    arena_size = work_size - (size_t)(arena - buf);

    lim.max_input = header_max;
    lim.max_depth = 8u;
    lim.max_members = MOAT_JWS_HEADER_MAX_VALUES;
    lim.max_string = header_max;
    e = moat_json_parse((const char *)buf, n, &lim, arena, arena_size, &root);
    if (e != MOAT_OK) {
        return e;
    }
    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JOSE_HEADER_INVALID;
    }

    /* alg: required, in the protected header, on the allow-list. */
    m = moat_json_get(root, "alg");
    if (m == NULL || moat_json_string(m, &alg, &alen) != MOAT_OK) {
        return MOAT_ERR_JOSE_ALG_MISSING;
    }
    if (name_is(alg, alen, "ES256")) {
        h->curve = MOAT_CURVE_P256;
    } else if (name_is(alg, alen, "ES384")) {
        h->curve = MOAT_CURVE_P384;
    } else {
        return MOAT_ERR_JOSE_ALG_NOT_ALLOWED;
    }

    /* crit before any extension semantics (RFC 7515 section 4.1.11). */
    m = moat_json_get(root, "crit");
    if (m != NULL) {
        e = check_crit(root, m, opts);
        if (e != MOAT_OK) {
            return e;
        }
    }

    /* b64 (RFC 7797): only the default (true) is supported. */
    m = moat_json_get(root, "b64");
    if (m != NULL) {
        if (moat_json_bool(m, &bv) != MOAT_OK) {
            return MOAT_ERR_JOSE_HEADER_INVALID;
        }
        if (!bv) {
            return MOAT_ERR_UNSUPPORTED;
        }
    }

    m = moat_json_get(root, "kid");
    if (m != NULL) {
        if (moat_json_string(m, &h->kid, &h->kid_len) != MOAT_OK) {
            h->kid = NULL;
            h->kid_len = 0;
            return MOAT_ERR_JOSE_HEADER_INVALID;
        }
    }
    m = moat_json_get(root, "typ");
    if (m != NULL && moat_json_type_of(m) != MOAT_JSON_STRING) {
        return MOAT_ERR_JOSE_HEADER_INVALID;
    }
    m = moat_json_get(root, "cty");
    if (m != NULL && moat_json_type_of(m) != MOAT_JSON_STRING) {
        return MOAT_ERR_JOSE_HEADER_INVALID;
    }

    /* JSON serialization: the unprotected header is disjoint from the
     * protected one (RFC 7515 section 7.2.1) and may not carry what must be
     * integrity protected. */
    if (unprotected != NULL) {
        const moat_json *u;
        if (moat_json_type_of(unprotected) != MOAT_JSON_OBJECT) {
            return MOAT_ERR_JOSE_FORMAT;
        }
        for (u = moat_json_child(unprotected); u != NULL; u = moat_json_next(u)) {
            const char *nm = moat_json_name(u);
            if (nm == NULL || moat_json_get(root, nm) != NULL ||
                strcmp(nm, "alg") == 0 || strcmp(nm, "crit") == 0 ||
                strcmp(nm, "b64") == 0) {
                return MOAT_ERR_JOSE_HEADER_INVALID;
            }
        }
    }
    h->root = root;
    h->json = (const char *)buf;
    h->json_len = n;
    return MOAT_OK;
}

moat_err moat_jose_sig_decode(moat_curve curve, const char *b64, size_t b64_len,
                              uint8_t sig[MOAT_ECDSA_RAW_MAX], size_t *sig_len)
{
    size_t want = 2u * moat_curve_size(curve), n = 0;
    moat_err e;

    *sig_len = 0;
    if (want == 0) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (b64_len == 0) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    if (b64_len > MOAT_B64URL_ENC_LEN(MOAT_ECDSA_RAW_MAX)) {
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    e = moat_b64url_decode(b64, b64_len, sig, MOAT_ECDSA_RAW_MAX, &n);
    if (e != MOAT_OK) {
        return e;
    }
    if (n != want) {
        moat_wipe(sig, MOAT_ECDSA_RAW_MAX);
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    *sig_len = n;
    return MOAT_OK;
}

moat_err moat_jose_signing_digest(moat_curve curve, const char *h64, size_t h64_len,
                                  const char *p64, size_t p64_len,
                                  uint8_t digest[MOAT_HASH_MAX_SIZE],
                                  size_t *digest_len)
{
    moat_hash_ctx ctx;
    moat_hash_alg alg = moat_curve_hash(curve);
    moat_err e;

    *digest_len = 0;
    e = moat_hash_init(&ctx, alg);
    if (e != MOAT_OK) {
        return e;
    }
    moat_hash_update(&ctx, h64, h64_len);
    moat_hash_update(&ctx, ".", 1u);
    moat_hash_update(&ctx, p64, p64_len);
    moat_hash_final(&ctx, digest);
    *digest_len = moat_hash_size(alg);
    return MOAT_OK;
}

moat_err moat_jose_signer_check(const moat_signer *signer)
{
    size_t cs;
    if (signer == NULL || signer->sign == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_jws_alg_for_curve(signer->curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    cs = moat_curve_size(signer->curve);
    if (signer->pub.curve != signer->curve || signer->pub.q_len != 1u + 2u * cs) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return MOAT_OK;
}

/* NUL-terminated, at most @p max bytes, valid UTF-8 (checked by the writer). */
static moat_err opt_string(const char *s, size_t max, size_t *len)
{
    *len = 0;
    if (s == NULL) {
        return MOAT_OK;
    }
    *len = bounded_strlen(s, max + 1u);
    return *len > max ? MOAT_ERR_INVALID_ARGUMENT : MOAT_OK;
}

/* Append "x5c":[...] (RFC 7515 section 4.1.6): standard base64 of each DER
 * certificate, encoded 48 bytes (64 characters) at a time. */
static void write_x5c(moat_json_writer *w, const moat_jws_sign_opts *opts)
{
    char chunk[MOAT_B64_ENC_LEN(48u) + 1u];
    size_t i, off, n, clen;
    moat_err e;

    moat_json_write_cstr(w, ",\"x5c\":[");
    for (i = 0; i < opts->x5c_count; i++) {
        moat_json_write_cstr(w, i == 0 ? "\"" : ",\"");
        for (off = 0; off < opts->x5c_lens[i]; off += n) {
            n = opts->x5c_lens[i] - off;
            if (n > 48u) {
                n = 48u;
            }
            e = moat_b64_encode(opts->x5c[i] + off, n, chunk, sizeof(chunk), &clen);
            if (e != MOAT_OK) {
                /* cannot happen with the bounds above: poison the writer */
                moat_json_write_raw(w, NULL, 1u);
                return;
            }
            moat_json_write_raw(w, chunk, clen);
        }
        moat_json_write_cstr(w, "\"");
    }
    moat_json_write_cstr(w, "]");
}

static moat_err check_x5c_opts(const moat_jws_sign_opts *opts)
{
    size_t i;
    if (opts == NULL || opts->x5c_count == 0) {
        return MOAT_OK;
    }
    if (opts->x5c_count > MOAT_JWS_X5C_MAX || opts->x5c == NULL ||
        opts->x5c_lens == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < opts->x5c_count; i++) {
        if (opts->x5c[i] == NULL || opts->x5c_lens[i] == 0 ||
            opts->x5c_lens[i] > MOAT_JWS_X5C_HEADER_MAX) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return MOAT_OK;
}

moat_err moat_jose_header_build(const moat_signer *signer,
                                const moat_jws_sign_opts *opts, char *buf,
                                size_t cap, size_t *len)
{
    char thumb[MOAT_JWK_KID_SIZE];
    const char *kid = opts != NULL ? opts->kid : NULL;
    const char *typ = opts != NULL ? opts->typ : NULL;
    const char *cty = opts != NULL ? opts->cty : NULL;
    size_t kid_len = 0, typ_len = 0, cty_len = 0;
    moat_json_writer w;
    moat_err e;

    *len = 0;
    e = moat_jose_signer_check(signer);
    if (e == MOAT_OK) {
        e = opt_string(kid, MOAT_JWS_KID_MAX, &kid_len);
    }
    if (e == MOAT_OK) {
        e = opt_string(typ, MOAT_JWS_TYP_MAX, &typ_len);
    }
    if (e == MOAT_OK) {
        e = opt_string(cty, MOAT_JWS_TYP_MAX, &cty_len);
    }
    if (e == MOAT_OK) {
        e = check_x5c_opts(opts);
    }
    if (e == MOAT_OK && kid == NULL) {
        e = moat_jwk_thumbprint(&signer->pub, thumb);
        kid = thumb;
        kid_len = MOAT_JWK_THUMBPRINT_LEN;
    }
    if (e != MOAT_OK) {
        return e;
    }
    moat_json_writer_init(&w, buf, cap);
    moat_json_write_cstr(&w, "{\"alg\":\"");
    moat_json_write_cstr(&w, moat_jws_alg_for_curve(signer->curve));
    moat_json_write_cstr(&w, "\"");
    if (kid_len > 0) {
        moat_json_write_cstr(&w, ",\"kid\":");
        moat_json_write_string(&w, kid, kid_len);
    }
    if (typ != NULL) {
        moat_json_write_cstr(&w, ",\"typ\":");
        moat_json_write_string(&w, typ, typ_len);
    }
    if (cty != NULL) {
        moat_json_write_cstr(&w, ",\"cty\":");
        moat_json_write_string(&w, cty, cty_len);
    }
    if (opts != NULL && opts->x5c_count > 0) {
        write_x5c(&w, opts);
    }
    moat_json_write_cstr(&w, "}");
    e = moat_json_writer_finish(&w, len);
    if (e == MOAT_ERR_JSON_UTF8) {
        e = MOAT_ERR_INVALID_ARGUMENT;
    }
    /* size-only pass (buf NULL, cap 0): report the size, NUL included */
    if (e == MOAT_ERR_BUFFER_TOO_SMALL && buf == NULL && cap == 0) {
        return e;
    }
    if (e != MOAT_OK) {
        *len = 0;
        if (buf != NULL) {
            moat_wipe(buf, cap);
        }
        /* Cannot happen with the bounds above; never report a size here. */
        if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
            e = MOAT_ERR_INTERNAL;
        }
    }
    return e;
}

moat_err moat_jose_sign_input(const moat_signer *signer, const char *h64,
                              size_t h64_len, const char *p64, size_t p64_len,
                              char *out, size_t out_cap, size_t *out_len)
{
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    size_t dlen = 0, slen = 2u * moat_curve_size(signer->curve);
    moat_hash_alg halg = moat_curve_hash(signer->curve);
    moat_err e;

    *out_len = 0;
    memset(sig, 0, sizeof(sig));
    e = moat_jose_signing_digest(signer->curve, h64, h64_len, p64, p64_len, digest,
                                 &dlen);
    if (e == MOAT_OK) {
        /* verified under the signer's public key before release */
        e = moat_signer_sign_digest(signer, halg, digest, dlen, sig);
    }
    if (e == MOAT_OK) {
        e = moat_b64url_encode(sig, slen, out, out_cap, out_len);
        if (e != MOAT_OK) {
            *out_len = 0;
        }
    }
    moat_wipe(digest, sizeof(digest));
    moat_wipe(sig, sizeof(sig));
    return e;
}

/* ------------------------------------------------------------ compact */

size_t moat_jws_compact_size(size_t payload_len)
{
    if (payload_len > (SIZE_MAX / 4u) - MOAT_JWS_COMPACT_SIZE(0)) {
        return SIZE_MAX;
    }
    return MOAT_JWS_COMPACT_SIZE(payload_len);
}

moat_err moat_jws_sign_compact(const moat_signer *signer, const char *kid,
                               const uint8_t *payload, size_t payload_len,
                               char *out, size_t out_cap, size_t *out_len)
{
    moat_jws_sign_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.kid = kid;
    return moat_jws_sign_compact_ex(signer, &opts, payload, payload_len, out,
                                    out_cap, out_len);
}

/* Encode header, payload and signature into @p out (capacity checked by
 * the caller: need bytes), the header JSON being @p hdr / @p hlen. */
static moat_err compact_assemble(const moat_signer *signer, const char *hdr,
                                 size_t hlen, const uint8_t *payload,
                                 size_t payload_len, char *out, size_t out_cap,
                                 size_t need, size_t *out_len)
{
    size_t h64 = MOAT_B64URL_ENC_LEN(hlen);
    size_t p64 = MOAT_B64URL_ENC_LEN(payload_len);
    size_t pos = 0, n = 0;
    moat_err e;

    e = moat_b64url_encode((const uint8_t *)hdr, hlen, out, out_cap, &n);
    pos += n;
    if (e == MOAT_OK) {
        out[pos++] = '.';
        e = moat_b64url_encode(payload, payload_len, out + pos, out_cap - pos, &n);
        pos += n;
    }
    if (e == MOAT_OK) {
        out[pos++] = '.';
        e = moat_jose_sign_input(signer, out, h64, out + h64 + 1u, p64, out + pos,
                                 out_cap - pos, &n);
        pos += n;
    }
    if (e == MOAT_OK && pos + 1u != need) {
        e = MOAT_ERR_INTERNAL;
    }
    if (e == MOAT_OK) {
        out[pos] = '\0';
        *out_len = pos;
    }
    return e;
}

moat_err moat_jws_sign_compact_ex(const moat_signer *signer,
                                  const moat_jws_sign_opts *opts,
                                  const uint8_t *payload, size_t payload_len,
                                  char *out, size_t out_cap, size_t *out_len)
{
    char hdr[MOAT_JWS_HEADER_MAX];
    size_t hlen = 0, need, total;
    bool x5c = opts != NULL && opts->x5c_count > 0;
    moat_err e;

    if (out_len == NULL || (out == NULL && out_cap != 0) ||
        (payload == NULL && payload_len != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    if (payload_len > (SIZE_MAX / 4u) - (x5c ? MOAT_JWS_COMPACT_X5C_SIZE(0)
                                             : MOAT_JWS_COMPACT_SIZE(0))) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (!x5c) {
        e = moat_jose_header_build(signer, opts, hdr, sizeof(hdr), &hlen);
    } else {
        /* size-only pass: the x5c header is built in the tail of out */
        e = moat_jose_header_build(signer, opts, NULL, 0, &hlen);
        if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
            hlen -= 1u; /* the size pass counts the NUL */
            e = hlen > MOAT_JWS_X5C_HEADER_MAX ? MOAT_ERR_INPUT_TOO_LARGE : MOAT_OK;
        } else if (e == MOAT_OK) {
            e = MOAT_ERR_INTERNAL; /* a header never fits in 0 bytes */
        }
    }
    if (e != MOAT_OK) {
        moat_wipe(hdr, sizeof(hdr));
        return e;
    }
    need = MOAT_B64URL_ENC_LEN(hlen) + 1u + MOAT_B64URL_ENC_LEN(payload_len) + 1u +
           MOAT_B64URL_ENC_LEN(2u * moat_curve_size(signer->curve)) + 1u;
    total = x5c ? need + hlen + 1u : need;
    if (out_cap < total) {
        moat_wipe(hdr, sizeof(hdr));
        *out_len = total;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (x5c) {
        size_t hlen2 = 0;
        char *scratch = out + need;
        e = moat_jose_header_build(signer, opts, scratch, hlen + 1u, &hlen2);
        if (e == MOAT_OK && hlen2 != hlen) {
            e = MOAT_ERR_INTERNAL;
        }
        if (e == MOAT_OK) {
            e = compact_assemble(signer, scratch, hlen, payload, payload_len, out,
                                 need, need, out_len);
        }
        moat_wipe(scratch, hlen + 1u);
    } else {
        e = compact_assemble(signer, hdr, hlen, payload, payload_len, out, out_cap,
                             need, out_len);
    }
    if (e != MOAT_OK) {
        moat_wipe(out, out_cap);
        *out_len = 0;
    }
    moat_wipe(hdr, sizeof(hdr));
    return e;
}

/* RFC 7515 section 7.1: exactly three segments, non-empty header and
 * signature. */
static moat_err split_compact(const char *jws, size_t jws_len, size_t *h64_len,
                              const char **p64, size_t *p64_len, const char **s64,
                              size_t *s64_len)
{
    const char *dot1, *dot2;
    dot1 = memchr(jws, '.', jws_len);
    dot2 = dot1 != NULL ? memchr(dot1 + 1, '.', jws_len - (size_t)(dot1 + 1 - jws)) : NULL;
    if (dot2 == NULL ||
        memchr(dot2 + 1, '.', jws_len - (size_t)(dot2 + 1 - jws)) != NULL) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    *h64_len = (size_t)(dot1 - jws);
    *p64 = dot1 + 1;
    *p64_len = (size_t)(dot2 - *p64);
    *s64 = dot2 + 1;
    *s64_len = jws_len - (size_t)(*s64 - jws);
    if (*h64_len == 0 || *s64_len == 0) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    return MOAT_OK;
}

static moat_err jws_compact_verify_in(const char *jws, size_t jws_len,
                                      const moat_ec_public_key *key,
                                      const moat_jwk *keys, size_t nkeys,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      size_t header_max, uint8_t *payload_out,
                                      size_t payload_cap, size_t *payload_len);

/* The classic compact path: header work area on the stack. */
static moat_err jws_compact_verify(const char *jws, size_t jws_len,
                                   const moat_ec_public_key *key,
                                   const moat_jwk *keys, size_t nkeys,
                                   const moat_jws_verify_opts *opts,
                                   uint8_t *payload_out, size_t payload_cap,
                                   size_t *payload_len)
{
    uint64_t work[MOAT_JOSE_ALIGNED_WORDS(MOAT_JWS_HEADER_WORK_SIZE)];
    moat_err e = jws_compact_verify_in(jws, jws_len, key, keys, nkeys, opts, work,
                                       sizeof(work), MOAT_JWS_HEADER_MAX,
                                       payload_out, payload_cap, payload_len);
    moat_wipe(work, sizeof(work));
    return e;
}

/* The one compact verification path. */
static moat_err jws_compact_verify_in(const char *jws, size_t jws_len,
                                      const moat_ec_public_key *key,
                                      const moat_jwk *keys, size_t nkeys,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      size_t header_max, uint8_t *payload_out,
                                      size_t payload_cap, size_t *payload_len)
{
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    const char *p64 = NULL, *s64 = NULL;
    size_t h64_len = 0, p64_len = 0, s64_len = 0, sig_len = 0, dlen = 0, i;
    moat_jose_header h;
    moat_err e;

    memset(sig, 0, sizeof(sig));
    memset(&h, 0, sizeof(h));

    /* RFC 7515 section 7.1: exactly three segments. */
    e = split_compact(jws, jws_len, &h64_len, &p64, &p64_len, &s64, &s64_len);
    if (e != MOAT_OK) {
        goto done;
    }

    e = moat_jose_header_parse_max(jws, h64_len, header_max, opts, NULL, work,
                                   work_size, &h);
    if (e != MOAT_OK) {
        goto done;
    }
    /* The header's alg must fit the caller's key before anything else is
     * judged (the precise reason, whatever the signature's length). */
    if (key != NULL && key->curve != h.curve) {
        e = MOAT_ERR_JOSE_ALG_KEY_MISMATCH;
        goto done;
    }
    e = moat_jose_sig_decode(h.curve, s64, s64_len, sig, &sig_len);
    if (e != MOAT_OK) {
        goto done;
    }
    /* The digest of the RECEIVED bytes header64 '.' payload64. */
    e = moat_jose_signing_digest(h.curve, jws, h64_len, p64, p64_len, digest, &dlen);
    if (e != MOAT_OK) {
        goto done;
    }
    if (key != NULL) {
        if (key->curve != h.curve) {
            e = MOAT_ERR_JOSE_ALG_KEY_MISMATCH;
            goto done;
        }
        e = moat_ecdsa_verify_digest(key, digest, dlen, MOAT_SIG_RAW, sig, sig_len);
    } else {
        e = MOAT_ERR_JOSE_KID_UNKNOWN;
        if (h.kid != NULL) {
            for (i = 0; i < nkeys; i++) {
                if (!moat_jose_kid_match(&keys[i], h.kid, h.kid_len)) {
                    continue;
                }
                if (keys[i].key.curve != h.curve) {
                    e = MOAT_ERR_JOSE_ALG_KEY_MISMATCH;
                    continue;
                }
                e = moat_ecdsa_verify_digest(&keys[i].key, digest, dlen, MOAT_SIG_RAW,
                                             sig, sig_len);
                if (e == MOAT_OK) {
                    break;
                }
            }
        }
    }
    if (e != MOAT_OK) {
        goto done;
    }

    /* Verified: only now is the payload decoded and the header released. */
    if (opts != NULL && opts->header_out != NULL) {
        if (opts->header_cap < h.json_len + 1u) {
            if (opts->header_len != NULL) {
                *opts->header_len = h.json_len + 1u;
            }
            e = MOAT_ERR_BUFFER_TOO_SMALL;
            goto done;
        }
        memcpy(opts->header_out, h.json, h.json_len);
        opts->header_out[h.json_len] = '\0';
        if (opts->header_len != NULL) {
            *opts->header_len = h.json_len;
        }
    }
    e = moat_jose_payload_out(p64, p64_len, payload_out, payload_cap, payload_len);

done:
    if (e != MOAT_OK) {
        if (e != MOAT_ERR_BUFFER_TOO_SMALL || *payload_len == 0) {
            *payload_len = 0;
        }
        if (payload_out != NULL) {
            moat_wipe(payload_out, payload_cap);
        }
        if (opts != NULL && opts->header_out != NULL) {
            moat_wipe(opts->header_out, opts->header_cap);
            if (opts->header_len != NULL && e != MOAT_ERR_BUFFER_TOO_SMALL) {
                *opts->header_len = 0;
            }
        }
    }
    moat_wipe(work, work_size);
    moat_wipe(sig, sizeof(sig));
    moat_wipe(digest, sizeof(digest));
    return e;
}

moat_err moat_jws_verify_compact_ex(const char *jws, size_t jws_len,
                                    const moat_ec_public_key *key,
                                    const moat_jwk *keys, size_t nkeys,
                                    const moat_jws_verify_opts *opts,
                                    uint8_t *payload_out, size_t payload_cap,
                                    size_t *payload_len)
{
    if (payload_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *payload_len = 0;
    if (payload_out == NULL && payload_cap != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (payload_out != NULL) {
        moat_wipe(payload_out, payload_cap);
    }
    if (jws == NULL || (key == NULL) == (keys == NULL) ||
        (keys != NULL && nkeys == 0) ||
        (opts != NULL && opts->crit_count > MOAT_JWS_CRIT_MAX) ||
        (opts != NULL && opts->crit_count > 0 && opts->crit_understood == NULL) ||
        (opts != NULL && opts->header_out == NULL && opts->header_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return jws_compact_verify(jws, jws_len, key, keys, nkeys, opts, payload_out,
                              payload_cap, payload_len);
}

moat_err moat_jws_verify_compact(const char *jws, size_t jws_len,
                                 const moat_ec_public_key *key,
                                 uint8_t *payload_out, size_t payload_cap,
                                 size_t *payload_len)
{
    if (key == NULL) {
        if (payload_len != NULL) {
            *payload_len = 0;
        }
        if (payload_out != NULL) {
            moat_wipe(payload_out, payload_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_jws_verify_compact_ex(jws, jws_len, key, NULL, 0, NULL, payload_out,
                                      payload_cap, payload_len);
}

moat_err moat_jws_verify_compact_keyset(const char *jws, size_t jws_len,
                                        const moat_jwk *keys, size_t nkeys,
                                        uint8_t *payload_out, size_t payload_cap,
                                        size_t *payload_len)
{
    if (keys == NULL) {
        if (payload_len != NULL) {
            *payload_len = 0;
        }
        if (payload_out != NULL) {
            moat_wipe(payload_out, payload_cap);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return moat_jws_verify_compact_ex(jws, jws_len, NULL, keys, nkeys, NULL,
                                      payload_out, payload_cap, payload_len);
}

/* ------------------------------------------------- x5c-sized headers */

static bool verify_opts_ok(const moat_jws_verify_opts *opts)
{
    return opts == NULL ||
           (opts->crit_count <= MOAT_JWS_CRIT_MAX &&
            (opts->crit_count == 0 || opts->crit_understood != NULL) &&
            (opts->header_out != NULL || opts->header_cap == 0));
}

moat_err moat_jws_verify_compact_work(const char *jws, size_t jws_len,
                                      const moat_ec_public_key *key,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      uint8_t *payload_out, size_t payload_cap,
                                      size_t *payload_len)
{
    uint8_t *aligned;
    size_t skip;

    if (payload_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *payload_len = 0;
    if (payload_out == NULL && payload_cap != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (payload_out != NULL) {
        moat_wipe(payload_out, payload_cap);
    }
    if (jws == NULL || key == NULL || !verify_opts_ok(opts)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (work == NULL || work_size < MOAT_JWS_X5C_WORK_SIZE) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    /* 16-align the work area (the header buffer, then the arena) */
    skip = (size_t)((16u - ((uintptr_t)work & 15u)) & 15u);
    aligned = (uint8_t *)work + skip;
    {
        moat_err e = jws_compact_verify_in(jws, jws_len, key, NULL, 0, opts, aligned,
                                           work_size - skip, MOAT_JWS_X5C_HEADER_MAX,
                                           payload_out, payload_cap, payload_len);
        moat_wipe(work, work_size);
        return e;
    }
}

moat_err moat_jws_compact_peek_header(const char *jws, size_t jws_len,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      const moat_json **header,
                                      const char **header_json,
                                      size_t *header_json_len)
{
    const char *p64 = NULL, *s64 = NULL;
    size_t h64_len = 0, p64_len = 0, s64_len = 0, skip;
    uint8_t *aligned;
    moat_jose_header h;
    moat_err e;

    if (header_json != NULL) {
        *header_json = NULL;
    }
    if (header_json_len != NULL) {
        *header_json_len = 0;
    }
    if (header != NULL) {
        *header = NULL;
    }
    if (jws == NULL || header == NULL || !verify_opts_ok(opts)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (work == NULL || work_size < MOAT_JWS_X5C_WORK_SIZE) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    skip = (size_t)((16u - ((uintptr_t)work & 15u)) & 15u);
    aligned = (uint8_t *)work + skip;
    e = split_compact(jws, jws_len, &h64_len, &p64, &p64_len, &s64, &s64_len);
    if (e == MOAT_OK) {
        e = moat_jose_header_parse_max(jws, h64_len, MOAT_JWS_X5C_HEADER_MAX, opts,
                                       NULL, aligned, work_size - skip, &h);
    }
    if (e != MOAT_OK) {
        moat_wipe(work, work_size);
        return e;
    }
    *header = h.root;
    if (header_json != NULL) {
        *header_json = h.json;
    }
    if (header_json_len != NULL) {
        *header_json_len = h.json_len;
    }
    return MOAT_OK;
}

moat_err moat_jws_header_x5c(const moat_json *header, uint8_t *der_out,
                             size_t der_cap, const uint8_t **certs, size_t *lens,
                             size_t max_certs, size_t *count)
{
    const moat_json *arr, *el;
    const char *s;
    size_t slen = 0, n = 0, used = 0, k = 0;
    moat_err e = MOAT_OK;

    if (count == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *count = 0;
    if (certs == NULL || lens == NULL || header == NULL || max_certs == 0 ||
        (der_out == NULL && der_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(certs, 0, max_certs * sizeof(*certs));
    memset(lens, 0, max_certs * sizeof(*lens));
    if (der_out != NULL) {
        moat_wipe(der_out, der_cap);
    }
    arr = moat_json_get(header, "x5c");
    if (arr == NULL) {
        return MOAT_ERR_NOT_FOUND;
    }
    if (moat_json_type_of(arr) != MOAT_JSON_ARRAY || moat_json_size(arr) == 0) {
        return MOAT_ERR_JOSE_HEADER_INVALID;
    }
    /* shape and total size first */
    for (el = moat_json_child(arr); el != NULL; el = moat_json_next(el)) {
        if (moat_json_string(el, &s, &slen) != MOAT_OK || slen == 0) {
            return MOAT_ERR_JOSE_HEADER_INVALID;
        }
        if (++k > max_certs) {
            return MOAT_ERR_INPUT_TOO_LARGE;
        }
    }
    k = 0;
    for (el = moat_json_child(arr); el != NULL && e == MOAT_OK; el = moat_json_next(el)) {
        (void)moat_json_string(el, &s, &slen);
        n = 0;
        e = moat_b64_decode(s, slen, der_out == NULL ? NULL : der_out + used,
                            der_cap - used, &n);
        if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
            break;
        }
        if (e == MOAT_OK && n == 0) {
            e = MOAT_ERR_JOSE_HEADER_INVALID;
        }
        if (e == MOAT_OK) {
            certs[k] = der_out + used;
            lens[k] = n;
            used += n;
            k++;
        }
    }
    if (e != MOAT_OK) {
        if (der_out != NULL) {
            moat_wipe(der_out, der_cap);
        }
        memset(certs, 0, max_certs * sizeof(*certs));
        memset(lens, 0, max_certs * sizeof(*lens));
        return e;
    }
    *count = k;
    return MOAT_OK;
}
