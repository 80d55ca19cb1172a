/**
 * @file jws_json.c
 * @brief JWS General JSON Serialization (RFC 7515 section 7.2.1): one signer
 *        at a time when building, k-of-n distinct-key threshold when
 *        verifying.
 *
 * The security decision (which entries count, how many distinct keys) is
 * taken in jws_json_count() only.
 */
#include "jose/internal.h"

#include <string.h>

#define LIT(s) (sizeof(s) - 1u)
#define DOC_PREFIX "{\"payload\":\""
#define DOC_MIDDLE "\",\"signatures\":["
#define ENT_PREFIX "{\"protected\":\""
#define ENT_MIDDLE "\",\"signature\":\""
#define ENT_SUFFIX "\"}"
#define DOC_SUFFIX "]}"

size_t moat_jws_json_work_size(size_t doc_len)
{
    if (doc_len > MOAT_JWS_JSON_MAX_INPUT) {
        doc_len = MOAT_JWS_JSON_MAX_INPUT;
    }
    return MOAT_JWS_JSON_WORK_SIZE(doc_len);
}

/* Workspace split: [header work][document arena], 16-aligned. */
typedef struct json_work {
    uint8_t *hdr;
    uint8_t *arena;
    size_t arena_size;
} json_work;

static moat_err split_work(void *work, size_t work_size, size_t doc_len,
                           json_work *w)
{
    uintptr_t base, aligned;
    size_t skip, hdr_size;
    if (work == NULL || work_size < MOAT_JWS_JSON_WORK_SIZE(doc_len)) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    base = (uintptr_t)work;
    aligned = (base + 15u) & ~(uintptr_t)15u;
    skip = (size_t)(aligned - base);
    hdr_size = (MOAT_JWS_HEADER_WORK_SIZE + 15u) & ~(size_t)15u;
    w->hdr = (uint8_t *)work + skip;
    w->arena = w->hdr + hdr_size;
    w->arena_size = work_size - skip - hdr_size;
    return MOAT_OK;
}

static moat_err parse_doc(const char *doc, size_t doc_len, const json_work *w,
                          const moat_json **root)
{
    moat_json_limits lim;
    lim.max_input = MOAT_JWS_JSON_MAX_INPUT;
    lim.max_depth = 8u;
    lim.max_members = MOAT_JWS_JSON_MAX_VALUES;
    lim.max_string = MOAT_JWS_JSON_MAX_INPUT;
    return moat_json_parse(doc, doc_len, &lim, w->arena, w->arena_size, root);
}

/* The document shape shared by sign and verify (RFC 7515 section 7.2.1). */
static moat_err doc_shape(const moat_json *root, const char **p64, size_t *p64_len,
                          const moat_json **sigs)
{
    const moat_json *m;
    size_t n;

    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    /* Flattened members next to "signatures" are not allowed (7.2.1). */
    if (moat_json_get(root, "protected") != NULL ||
        moat_json_get(root, "signature") != NULL ||
        moat_json_get(root, "header") != NULL) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    if (moat_json_get_string(root, "payload", p64, p64_len) != MOAT_OK) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    m = moat_json_get(root, "signatures");
    n = moat_json_size(m);
    if (moat_json_type_of(m) != MOAT_JSON_ARRAY || n == 0) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    if (n > MOAT_JWS_JSON_MAX_SIGNATURES) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    *sigs = m;
    return MOAT_OK;
}

/* One entry's members. */
static moat_err entry_shape(const moat_json *ent, const char **h64, size_t *h64_len,
                            const char **s64, size_t *s64_len,
                            const moat_json **unprot)
{
    if (moat_json_type_of(ent) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    if (moat_json_get_string(ent, "protected", h64, h64_len) != MOAT_OK ||
        moat_json_get_string(ent, "signature", s64, s64_len) != MOAT_OK) {
        return MOAT_ERR_JOSE_FORMAT;
    }
    *unprot = moat_json_get(ent, "header");
    return MOAT_OK;
}

/* ------------------------------------------------------------- verify */

/* Adds @p k to the distinct set unless an equal key is already there. */
static void count_key(const moat_ec_public_key *k,
                      const moat_ec_public_key *counted[MOAT_JWS_JSON_MAX_SIGNATURES],
                      size_t *n)
{
    size_t i;
    for (i = 0; i < *n; i++) {
        if (moat_jose_same_key(counted[i], k)) {
            return;
        }
    }
    if (*n < MOAT_JWS_JSON_MAX_SIGNATURES) {
        counted[(*n)++] = k;
    }
}

/* The k-of-n decision: returns the number of distinct keys with a valid
 * signature, or an error that rejects the whole document. */
static moat_err jws_json_count(const char *p64, size_t p64_len, const moat_json *sigs,
                               const moat_jwk *keys, size_t nkeys,
                               const moat_jws_verify_opts *opts, uint8_t *hdr_work,
                               size_t *valid)
{
    const moat_ec_public_key *counted[MOAT_JWS_JSON_MAX_SIGNATURES];
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    const moat_json *ent, *unprot;
    const char *h64, *s64;
    size_t h64_len, s64_len, sig_len, dlen, i, n = 0;
    moat_jose_header h;
    moat_err e = MOAT_OK;

    *valid = 0;
    for (ent = moat_json_child(sigs); ent != NULL && e == MOAT_OK;
         ent = moat_json_next(ent)) {
        e = entry_shape(ent, &h64, &h64_len, &s64, &s64_len, &unprot);
        if (e == MOAT_OK) {
            e = moat_jose_header_parse(h64, h64_len, opts, unprot, hdr_work,
                                       MOAT_JWS_HEADER_WORK_SIZE, &h);
        }
        if (e == MOAT_OK) {
            e = moat_jose_sig_decode(h.curve, s64, s64_len, sig, &sig_len);
        }
        if (e == MOAT_OK) {
            e = moat_jose_signing_digest(h.curve, h64, h64_len, p64, p64_len, digest,
                                         &dlen);
        }
        if (e != MOAT_OK || h.kid == NULL) {
            continue; /* error: loop ends; no kid: entry ignored */
        }
        for (i = 0; i < nkeys; i++) {
            if (!moat_jose_kid_match(&keys[i], h.kid, h.kid_len) ||
                keys[i].key.curve != h.curve) {
                continue;
            }
            /* Any verification failure only means "not counted". */
            if (moat_ecdsa_verify_digest(&keys[i].key, digest, dlen, MOAT_SIG_RAW, sig,
                                         sig_len) == MOAT_OK) {
                count_key(&keys[i].key, counted, &n);
            }
        }
    }
    moat_wipe(sig, sizeof(sig));
    moat_wipe(digest, sizeof(digest));
    moat_wipe(hdr_work, MOAT_JWS_HEADER_WORK_SIZE);
    if (e == MOAT_OK) {
        *valid = n;
    }
    return e;
}

moat_err moat_jws_json_verify(const char *doc, size_t doc_len,
                              const moat_jwk *keys, size_t nkeys,
                              size_t threshold,
                              const moat_jws_verify_opts *opts,
                              void *work, size_t work_size,
                              uint8_t *payload_out, size_t payload_cap,
                              size_t *payload_len, size_t *valid_signers)
{
    const moat_json *root = NULL, *sigs = NULL;
    const char *p64 = NULL;
    size_t p64_len = 0, valid = 0;
    json_work w;
    moat_err e;

    if (valid_signers != NULL) {
        *valid_signers = 0;
    }
    if (payload_len == NULL || (payload_out == NULL && payload_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *payload_len = 0;
    if (payload_out != NULL) {
        moat_wipe(payload_out, payload_cap);
    }
    if (doc == NULL || keys == NULL || threshold == 0 || threshold > nkeys ||
        threshold > MOAT_JWS_JSON_MAX_SIGNATURES ||
        (opts != NULL && opts->crit_count > MOAT_JWS_CRIT_MAX) ||
        (opts != NULL && opts->crit_count > 0 && opts->crit_understood == NULL)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (doc_len > MOAT_JWS_JSON_MAX_INPUT) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    e = split_work(work, work_size, doc_len, &w);
    if (e != MOAT_OK) {
        return e;
    }
    e = parse_doc(doc, doc_len, &w, &root);
    if (e == MOAT_OK) {
        e = doc_shape(root, &p64, &p64_len, &sigs);
    }
    if (e == MOAT_OK) {
        e = jws_json_count(p64, p64_len, sigs, keys, nkeys, opts, w.hdr, &valid);
    }
    if (e == MOAT_OK && valid < threshold) {
        e = MOAT_ERR_JOSE_THRESHOLD;
    }
    if (e == MOAT_OK) {
        /* Threshold met: only now is the payload decoded. */
        e = moat_jose_payload_out(p64, p64_len, payload_out, payload_cap, payload_len);
    }
    if (valid_signers != NULL &&
        (e == MOAT_OK || e == MOAT_ERR_JOSE_THRESHOLD || e == MOAT_ERR_BUFFER_TOO_SMALL)) {
        *valid_signers = valid;
    }
    if (e != MOAT_OK && e != MOAT_ERR_BUFFER_TOO_SMALL) {
        *payload_len = 0;
        if (payload_out != NULL) {
            moat_wipe(payload_out, payload_cap);
        }
    }
    moat_wipe(work, work_size);
    return e;
}

/* --------------------------------------------------------------- sign */

/* Strict base64url check of @p s using @p scratch (at least len bytes). */
static moat_err b64_check(const char *s, size_t len, char *scratch, size_t cap)
{
    size_t n = 0;
    moat_err e = moat_b64url_decode(s, len, (uint8_t *)scratch, cap, &n);
    moat_wipe(scratch, cap);
    return e;
}

static void put(char *out, size_t *pos, const char *s, size_t len)
{
    memcpy(out + *pos, s, len);
    *pos += len;
}

moat_err moat_jws_json_sign(const char *in_doc, size_t in_len,
                            const uint8_t *payload, size_t payload_len,
                            const moat_signer *signer, const char *kid,
                            void *work, size_t work_size,
                            char *out, size_t out_cap, size_t *out_len)
{
    char hdr[MOAT_JWS_HEADER_MAX];
    const moat_json *root = NULL, *sigs = NULL, *ent, *unprot, *m;
    const char *p64 = NULL, *h64, *s64;
    size_t p64_len = 0, h64_len, s64_len, hlen = 0, need, pos = 0, n = 0;
    size_t new_h64, new_s64, hpos = 0, ppos = 0;
    moat_jws_sign_opts sopts;
    json_work w;
    moat_err e;

    if (out_len == NULL || (out == NULL && out_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    if ((in_doc != NULL && (payload != NULL || payload_len != 0)) ||
        (in_doc == NULL && payload == NULL && payload_len != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(&sopts, 0, sizeof(sopts));
    sopts.kid = kid;
    e = moat_jose_header_build(signer, &sopts, hdr, sizeof(hdr), &hlen);
    if (e != MOAT_OK) {
        return e;
    }
    new_h64 = MOAT_B64URL_ENC_LEN(hlen);
    new_s64 = MOAT_B64URL_ENC_LEN(2u * moat_curve_size(signer->curve));
    need = LIT(DOC_PREFIX) + LIT(DOC_MIDDLE) + LIT(ENT_PREFIX) + new_h64 +
           LIT(ENT_MIDDLE) + new_s64 + LIT(ENT_SUFFIX) + LIT(DOC_SUFFIX) + 1u;

    if (in_doc == NULL) {
        if (payload_len > MOAT_JWS_JSON_MAX_INPUT) {
            e = MOAT_ERR_INPUT_TOO_LARGE;
            goto done;
        }
        p64_len = MOAT_B64URL_ENC_LEN(payload_len);
    } else {
        if (in_len > MOAT_JWS_JSON_MAX_INPUT) {
            e = MOAT_ERR_INPUT_TOO_LARGE;
            goto done;
        }
        e = split_work(work, work_size, in_len, &w);
        if (e == MOAT_OK) {
            e = parse_doc(in_doc, in_len, &w, &root);
        }
        if (e == MOAT_OK) {
            e = doc_shape(root, &p64, &p64_len, &sigs);
        }
        if (e == MOAT_OK && moat_json_size(sigs) >= MOAT_JWS_JSON_MAX_SIGNATURES) {
            e = MOAT_ERR_INPUT_TOO_LARGE;
        }
        /* Only the members this function re-emits may be present. */
        for (m = moat_json_child(root); e == MOAT_OK && m != NULL; m = moat_json_next(m)) {
            const char *nm = moat_json_name(m);
            if (nm == NULL || (strcmp(nm, "payload") != 0 && strcmp(nm, "signatures") != 0)) {
                e = MOAT_ERR_UNSUPPORTED;
            }
        }
        for (ent = moat_json_child(sigs); e == MOAT_OK && ent != NULL;
             ent = moat_json_next(ent)) {
            e = entry_shape(ent, &h64, &h64_len, &s64, &s64_len, &unprot);
            if (e == MOAT_OK && moat_json_size(ent) != 2u) {
                e = MOAT_ERR_UNSUPPORTED; /* "header" or other members */
            }
            if (e == MOAT_OK) {
                need += LIT(ENT_PREFIX) + h64_len + LIT(ENT_MIDDLE) + s64_len +
                        LIT(ENT_SUFFIX) + 1u;
            }
        }
        if (e != MOAT_OK) {
            goto done;
        }
    }
    need += p64_len;
    /* Never produce a document the verifier would refuse as too large. */
    if (need - 1u > MOAT_JWS_JSON_MAX_INPUT) {
        e = MOAT_ERR_INPUT_TOO_LARGE;
        goto done;
    }
    if (out_cap < need) {
        *out_len = need;
        e = MOAT_ERR_BUFFER_TOO_SMALL;
        goto done;
    }

    if (in_doc != NULL) {
        /* Every copied field must be canonical base64url (this also keeps
         * them free of JSON metacharacters). out serves as scratch. */
        e = b64_check(p64, p64_len, out, out_cap);
        for (ent = moat_json_child(sigs); e == MOAT_OK && ent != NULL;
             ent = moat_json_next(ent)) {
            (void)entry_shape(ent, &h64, &h64_len, &s64, &s64_len, &unprot);
            e = b64_check(h64, h64_len, out, out_cap);
            if (e == MOAT_OK) {
                e = b64_check(s64, s64_len, out, out_cap);
            }
        }
        if (e != MOAT_OK) {
            goto done;
        }
    }

    put(out, &pos, DOC_PREFIX, LIT(DOC_PREFIX));
    ppos = pos;
    if (in_doc == NULL) {
        e = moat_b64url_encode(payload, payload_len, out + pos, out_cap - pos, &n);
        pos += n;
    } else {
        put(out, &pos, p64, p64_len);
    }
    put(out, &pos, DOC_MIDDLE, LIT(DOC_MIDDLE));
    for (ent = moat_json_child(sigs); e == MOAT_OK && ent != NULL;
         ent = moat_json_next(ent)) {
        (void)entry_shape(ent, &h64, &h64_len, &s64, &s64_len, &unprot);
        put(out, &pos, ENT_PREFIX, LIT(ENT_PREFIX));
        put(out, &pos, h64, h64_len);
        put(out, &pos, ENT_MIDDLE, LIT(ENT_MIDDLE));
        put(out, &pos, s64, s64_len);
        put(out, &pos, ENT_SUFFIX, LIT(ENT_SUFFIX));
        put(out, &pos, ",", 1u);
    }
    if (e == MOAT_OK) {
        put(out, &pos, ENT_PREFIX, LIT(ENT_PREFIX));
        hpos = pos;
        e = moat_b64url_encode((const uint8_t *)hdr, hlen, out + pos, out_cap - pos, &n);
        pos += n;
    }
    if (e == MOAT_OK) {
        put(out, &pos, ENT_MIDDLE, LIT(ENT_MIDDLE));
        e = moat_jose_sign_input(signer, out + hpos, new_h64, out + ppos, p64_len,
                                 out + pos, out_cap - pos, &n);
        pos += n;
    }
    if (e == MOAT_OK) {
        put(out, &pos, ENT_SUFFIX, LIT(ENT_SUFFIX));
        put(out, &pos, DOC_SUFFIX, LIT(DOC_SUFFIX));
        if (pos + 1u != need) {
            e = MOAT_ERR_INTERNAL;
        }
    }
    if (e == MOAT_OK) {
        out[pos] = '\0';
        *out_len = pos;
    }

done:
    if (e != MOAT_OK) {
        if (e != MOAT_ERR_BUFFER_TOO_SMALL) {
            *out_len = 0;
        }
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
    }
    moat_wipe(hdr, sizeof(hdr));
    if (in_doc != NULL && work != NULL) {
        moat_wipe(work, work_size);
    }
    return e;
}
