/**
 * @file verify.c
 * @brief The evidence verifier: moat_eat_verify() is the one decision
 *        function (check order in attest.h and docs/attestation.md).
 *        Nothing changes (the nonce is not consumed) unless every other
 *        check passed.
 */
#include "attest/eat_internal.h"

#include <string.h>

#define WORDS(n) (((n) + sizeof(uint64_t) - 1u) / sizeof(uint64_t))
#define CLAIMS_ARENA MOAT_JSON_ARENA_SIZE(MOAT_EAT_CLAIMS_MAX, MOAT_EAT_CLAIMS_MAX_VALUES)

/* The workspace, overlaid on the caller's memory (8-aligned). */
typedef struct verify_work {
    moat_x509_verify_work x509;
    moat_x509_store tmp_store;
    moat_x509_cert cert; /* one x5c certificate at a time (steps 3-5) */
    uint64_t jose[WORDS(MOAT_JWS_X5C_WORK_SIZE)];
    uint64_t arena[WORDS(CLAIMS_ARENA)];
    uint8_t der[MOAT_EAT_CHAIN_MAX * MOAT_EAT_CERT_MAX];
    uint8_t payload[MOAT_EAT_CLAIMS_MAX];
} verify_work;

size_t moat_eat_verify_work_size(void)
{
    return sizeof(verify_work) + sizeof(uint64_t);
}

/* ------------------------------------------------------------- chain */

/* The path must be x5c[0..n-1] in order, then anchors only. */
static bool path_is_chain(const moat_x509_verify_result *r, size_t n)
{
    size_t i;
    if (r->path_len < n) {
        return false;
    }
    for (i = 0; i < r->path_len; i++) {
        if (i < n ? r->path[i] != (int)i : r->path[i] >= 0) {
            return false;
        }
    }
    return true;
}

static bool same_key(const moat_ec_public_key *a, const moat_ec_public_key *b)
{
    return a->curve == b->curve && a->q_len == b->q_len && a->q_len <= sizeof(a->q) &&
           memcmp(a->q, b->q, a->q_len) == 0;
}

/* Step 5: the chain to the manufacturer store or a registered DeviceID key. */
static moat_err verify_chain(const moat_eat_policy *p, verify_work *w,
                             const uint8_t *const *certs, const size_t *lens, size_t n,
                             const moat_eat_evidence *ev)
{
    moat_x509_verify_params params;
    moat_x509_verify_result r;
    moat_err e = MOAT_ERR_X509_NO_ISSUER;
    size_t i;

    memset(&params, 0, sizeof(params));
    params.now = p->now;
    params.purpose = MOAT_X509_PURPOSE_ANY;

    if (p->store != NULL) {
        memset(&r, 0, sizeof(r));
        e = moat_x509_verify(p->store, certs, lens, n, &params, &w->x509, &r);
        if (e == MOAT_OK && !path_is_chain(&r, n)) {
            e = MOAT_ERR_EAT_X5C;
        }
        if (e != MOAT_ERR_X509_NO_ISSUER || p->device_ids == NULL) {
            return e;
        }
    }
    /* Registered DeviceID keys: the last certificate carries one, and the
     * others chain to it (the DeviceID certificate as the only anchor). */
    if (p->device_ids == NULL || p->device_id_count == 0) {
        return e;
    }
    for (i = 0; i < p->device_id_count; i++) {
        if (same_key(&p->device_ids[i], &ev->device_id_key)) {
            break;
        }
    }
    if (i == p->device_id_count) {
        return MOAT_ERR_X509_NO_ISSUER;
    }
    e = moat_x509_store_init(&w->tmp_store, NULL, 0);
    if (e == MOAT_OK) {
        e = moat_x509_store_add(&w->tmp_store, certs[n - 1u], lens[n - 1u]);
    }
    if (e == MOAT_ERR_X509_NOT_CA) {
        return MOAT_ERR_EAT_X5C; /* a DeviceID certificate is a CA */
    }
    if (e == MOAT_OK) {
        memset(&r, 0, sizeof(r));
        e = moat_x509_verify(&w->tmp_store, certs, lens, n - 1u, &params, &w->x509, &r);
        if (e == MOAT_OK && !path_is_chain(&r, n - 1u)) {
            e = MOAT_ERR_EAT_X5C;
        }
    }
    return e;
}

/* --------------------------------------------------------------- claims */

static const char *const known_claims[] = {
    "eat_profile", "iat", "eat_nonce", "ueid", "oemid", "hwmodel", "hwversion",
    "swname", "swversion", "dbgstat", "measurements",
};

static bool version_claim(const moat_json *v, char out[MOAT_EAT_STRING_MAX + 1u])
{
    /* [ version: tstr, ? scheme: int ] (RFC 9711 section 4.2.6) */
    const moat_json *first = moat_json_child(v), *second;
    int64_t scheme = 0;
    if (moat_json_type_of(v) != MOAT_JSON_ARRAY || first == NULL ||
        moat_json_size(v) > 2u || !moat_eat_get_text(first, out)) {
        return false;
    }
    second = moat_json_next(first);
    return second == NULL ||
           moat_json_int(second, -65536, 65535, &scheme) == MOAT_OK;
}

static bool component(const moat_json *entry, moat_eat_component *c)
{
    const moat_json *ct = moat_json_child(entry), *obj, *m, *dg, *alg_v;
    const char *s = NULL;
    size_t slen = 0, n = 0;
    int64_t v = 0;

    memset(c, 0, sizeof(*c));
    /* measurements-format = [ content-type, content-format ] */
    if (moat_json_type_of(entry) != MOAT_JSON_ARRAY || moat_json_size(entry) != 2u ||
        moat_json_int(ct, 0, 65535, &v) != MOAT_OK || v != MOAT_EAT_MEAS_CONTENT_TYPE) {
        return false;
    }
    obj = moat_json_next(ct);
    if (moat_json_type_of(obj) != MOAT_JSON_OBJECT) {
        return false;
    }
    for (m = moat_json_child(obj); m != NULL; m = moat_json_next(m)) {
        const char *nm = moat_json_name(m);
        if (nm == NULL || (strcmp(nm, "name") != 0 && strcmp(nm, "version") != 0 &&
                           strcmp(nm, "svn") != 0 && strcmp(nm, "digest") != 0)) {
            return false;
        }
    }
    if (!moat_eat_get_text(moat_json_get(obj, "name"), c->name) ||
        !moat_eat_get_text(moat_json_get(obj, "version"), c->version)) {
        return false;
    }
    m = moat_json_get(obj, "svn");
    if (m != NULL) {
        if (moat_json_int(m, 0, MOAT_EAT_JSON_INT_MAX, &v) != MOAT_OK) {
            return false;
        }
        c->has_svn = true;
        c->svn = (uint64_t)v;
    }
    dg = moat_json_get(obj, "digest");
    alg_v = moat_json_child(dg);
    if (moat_json_type_of(dg) != MOAT_JSON_ARRAY || moat_json_size(dg) != 2u ||
        moat_json_string(alg_v, &s, &slen) != MOAT_OK) {
        return false;
    }
    c->alg = moat_eat_alg_from_name(s, slen);
    if (c->alg == 0) {
        return false;
    }
    if (!moat_eat_get_b64url(moat_json_next(alg_v), c->digest, moat_hash_size(c->alg),
                             moat_hash_size(c->alg), &n)) {
        return false;
    }
    c->digest_len = n;
    return true;
}

/* Step 7 (shape and types; value checks follow in their own steps). */
static moat_err parse_claims(const moat_json *root, moat_eat_evidence *ev,
                             const moat_json **profile, const moat_json **nonce)
{
    const moat_json *m, *el;
    size_t i, j, n = 0;
    int64_t v = 0;
    const char *s = NULL;
    size_t slen = 0;

    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_EAT_CLAIM;
    }
    for (m = moat_json_child(root); m != NULL; m = moat_json_next(m)) {
        const char *nm = moat_json_name(m);
        for (i = 0; i < sizeof(known_claims) / sizeof(known_claims[0]); i++) {
            if (nm != NULL && strcmp(nm, known_claims[i]) == 0) {
                break;
            }
        }
        if (i == sizeof(known_claims) / sizeof(known_claims[0])) {
            return MOAT_ERR_EAT_CLAIM; /* not in moat's profile */
        }
    }
    *profile = moat_json_get(root, "eat_profile");
    *nonce = moat_json_get(root, "eat_nonce");
    if ((*profile != NULL && moat_json_type_of(*profile) != MOAT_JSON_STRING) ||
        moat_json_int(moat_json_get(root, "iat"), 0, MOAT_EAT_JSON_INT_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_EAT_CLAIM;
    }
    ev->iat = v;
    if (!moat_eat_get_b64url(moat_json_get(root, "ueid"), ev->ueid, MOAT_EAT_UEID_SIZE,
                             MOAT_EAT_UEID_SIZE, &n) || ev->ueid[0] != 0x01) {
        return MOAT_ERR_EAT_CLAIM;
    }
    m = moat_json_get(root, "oemid");
    if (m != NULL) {
        if (moat_json_type_of(m) == MOAT_JSON_NUMBER) {
            if (moat_json_int(m, 1, 0xffffffffLL, &v) != MOAT_OK) {
                return MOAT_ERR_EAT_CLAIM;
            }
            ev->oemid_pen = (uint32_t)v;
        } else if (!moat_eat_get_b64url(m, ev->oemid, 3u, 16u, &ev->oemid_len) ||
                   (ev->oemid_len != 3u && ev->oemid_len != 16u)) {
            return MOAT_ERR_EAT_CLAIM;
        }
    }
    if (!moat_eat_get_b64url(moat_json_get(root, "hwmodel"), ev->hwmodel, 1u,
                             MOAT_EAT_HWMODEL_MAX, &ev->hwmodel_len)) {
        return MOAT_ERR_EAT_CLAIM;
    }
    m = moat_json_get(root, "hwversion");
    if (m != NULL && !version_claim(m, ev->hwversion)) {
        return MOAT_ERR_EAT_CLAIM;
    }
    if (!moat_eat_get_text(moat_json_get(root, "swname"), ev->swname) ||
        !version_claim(moat_json_get(root, "swversion"), ev->swversion) ||
        moat_json_string(moat_json_get(root, "dbgstat"), &s, &slen) != MOAT_OK ||
        !moat_eat_dbgstat_parse(s, slen, &ev->dbgstat)) {
        return MOAT_ERR_EAT_CLAIM;
    }
    m = moat_json_get(root, "measurements");
    if (moat_json_type_of(m) != MOAT_JSON_ARRAY || moat_json_size(m) == 0 ||
        moat_json_size(m) > MOAT_EAT_MAX_MEASUREMENTS) {
        return MOAT_ERR_EAT_CLAIM;
    }
    i = 0;
    for (el = moat_json_child(m); el != NULL; el = moat_json_next(el), i++) {
        if (!component(el, &ev->components[i])) {
            return MOAT_ERR_EAT_CLAIM;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(ev->components[j].name, ev->components[i].name) == 0) {
                return MOAT_ERR_EAT_CLAIM;
            }
        }
    }
    ev->component_count = i;
    return MOAT_OK;
}

/* Step 12: the token's measurements against the alias certificate's TcbInfo. */
static moat_err tcb_consistent(const moat_eat_evidence *ev)
{
    const moat_dice_tcb_info *t = &ev->tcb;
    const moat_dice_open_input *last;
    size_t i, k;

    if ((t->present & MOAT_DICE_TCB_FWIDS) == 0 || t->fwid_count == 0 || ev->layer_count == 0 ||
        ev->layer_count > MOAT_EAT_MAX_LAYERS) {
        return MOAT_ERR_EAT_TCB_MISMATCH;
    }
    /* every component is a certified fwid, with the certified version/svn */
    for (i = 0; i < ev->component_count; i++) {
        const moat_eat_component *c = &ev->components[i];
        for (k = 0; k < t->fwid_count; k++) {
            if (t->fwids[k].alg == c->alg && t->fwids[k].digest_len == c->digest_len &&
                memcmp(t->fwids[k].digest, c->digest, c->digest_len) == 0) {
                break;
            }
        }
        if (k == t->fwid_count) {
            return MOAT_ERR_EAT_TCB_MISMATCH;
        }
        if ((t->present & MOAT_DICE_TCB_VERSION) != 0 && strcmp(t->version, c->version) != 0) {
            return MOAT_ERR_EAT_TCB_MISMATCH;
        }
        if ((t->present & MOAT_DICE_TCB_SVN) != 0 && (!c->has_svn || c->svn != t->svn)) {
            return MOAT_ERR_EAT_TCB_MISMATCH;
        }
    }
    /* every certified fwid is reported */
    for (k = 0; k < t->fwid_count; k++) {
        for (i = 0; i < ev->component_count; i++) {
            const moat_eat_component *c = &ev->components[i];
            if (t->fwids[k].alg == c->alg && t->fwids[k].digest_len == c->digest_len &&
                memcmp(t->fwids[k].digest, c->digest, c->digest_len) == 0) {
                break;
            }
        }
        if (i == ev->component_count) {
            return MOAT_ERR_EAT_TCB_MISMATCH;
        }
    }
    /* the certified model is the hwmodel; a debug TCB reports "enabled" */
    if ((t->present & MOAT_DICE_TCB_MODEL) != 0 &&
        (strlen(t->model) != ev->hwmodel_len ||
         memcmp(t->model, ev->hwmodel, ev->hwmodel_len) != 0)) {
        return MOAT_ERR_EAT_TCB_MISMATCH;
    }
    if ((t->present & MOAT_DICE_TCB_FLAGS) != 0 && (t->flags & MOAT_DICE_FLAG_DEBUG) != 0 &&
        ev->dbgstat != MOAT_EAT_DBG_ENABLED) {
        return MOAT_ERR_EAT_TCB_MISMATCH;
    }
    /* a layer the DICE certified in debug mode reports "enabled" */
    for (i = 0; i < ev->layer_count; i++) {
        if (ev->layers[i].mode == MOAT_DICE_MODE_DEBUG && ev->dbgstat != MOAT_EAT_DBG_ENABLED) {
            return MOAT_ERR_EAT_TCB_MISMATCH;
        }
    }
    /* The TcbInfo is written by the firmware it describes (it holds the
     * last CDI key): bind it to what the layer below certified, the code
     * hash in the last CDI certificate. With the set equality above, that
     * certified hash is also a token component, so appraisal sees it. */
    last = &ev->layers[ev->layer_count - 1u];
    for (k = 0; k < t->fwid_count; k++) {
        if (t->fwids[k].alg == MOAT_HASH_SHA512 && t->fwids[k].digest_len == MOAT_DICE_HASH_SIZE &&
            memcmp(t->fwids[k].digest, last->code_hash, MOAT_DICE_HASH_SIZE) == 0) {
            return MOAT_OK;
        }
    }
    return MOAT_ERR_EAT_TCB_MISMATCH;
}

/* ------------------------------------------------------------ decision */

static moat_err check_policy(const moat_eat_policy *p)
{
    if (p->nonces == NULL || (p->store == NULL && p->device_ids == NULL) ||
        (p->device_ids != NULL && p->device_id_count == 0) || p->now <= 0 ||
        p->iat_max_age == 0 || p->iat_max_age > 86400u || p->iat_skew > MOAT_JWT_MAX_SKEW ||
        p->now > INT64_MAX - (int64_t)p->iat_skew) {
        return MOAT_ERR_INVALID_ARGUMENT; /* now + iat_skew must not overflow */
    }
    return MOAT_OK;
}

/* Step 2: the header has exactly the members of the profile. */
static bool header_members_ok(const moat_json *hdr)
{
    const moat_json *m;
    for (m = moat_json_child(hdr); m != NULL; m = moat_json_next(m)) {
        const char *nm = moat_json_name(m);
        if (nm == NULL ||
            (strcmp(nm, "alg") != 0 && strcmp(nm, "typ") != 0 && strcmp(nm, "x5c") != 0)) {
            return false;
        }
    }
    return true;
}

/* Step 5: the shape of the DICE chain, before the path is built:
 * x5c = alias, CDI certificates (last layer first), DeviceID, and nothing
 * else. The DeviceID certificate is the issuer of the first-layer CDI
 * certificate: a CA without the open-dice extension (nor TcbInfo) whose
 * subject is serialNumber = hex ID of its own key, as
 * moat_dice_device_id_certify() issues it. The ueid is bound to it, never to
 * a manufacturer intermediate: those belong in the verifier's store. */
static moat_err chain_shape(verify_work *w, const uint8_t *const *certs, const size_t *lens,
                            size_t n, moat_eat_evidence *ev)
{
    const moat_x509_cert *c = &w->cert, *dev = &w->cert;
    size_t i;
    moat_err e;

    ev->layer_count = n - 2u;
    for (i = 1; i + 1u < n; i++) {
        e = moat_x509_parse(certs[i], lens[i], &w->cert); /* parsed once in step 3 */
        if (e != MOAT_OK) {
            return e;
        }
        if (c->dice_open_attest.ptr == NULL || c->dice_tcb_info.ptr != NULL) {
            return MOAT_ERR_EAT_X5C; /* every middle certificate is a CDI certificate */
        }
        /* x5c[1] is the last layer; layers[] is first layer first */
        e = moat_dice_input_from_cert(c, &ev->layers[n - 2u - i]);
        if (e != MOAT_OK) {
            return e;
        }
    }
    e = moat_x509_parse(certs[n - 1u], lens[n - 1u], &w->cert);
    if (e != MOAT_OK) {
        return e;
    }
    if (dev->key_type != MOAT_X509_KEY_EC || dev->ec_key.curve != MOAT_CURVE_P256 ||
        dev->dice_open_attest.ptr != NULL || dev->dice_tcb_info.ptr != NULL ||
        !dev->has_basic_constraints || !dev->is_ca || !moat_dice_subject_is_key_id(dev)) {
        return MOAT_ERR_EAT_X5C;
    }
    ev->device_id_key = dev->ec_key;
    return MOAT_OK;
}

static bool debug_allowed(const moat_eat_policy *p)
{
    return (p->dbgstat_allowed & MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_ENABLED)) != 0;
}

static moat_err eat_verify(const char *token, size_t token_len, const moat_eat_policy *p,
                           verify_work *w, moat_eat_evidence *ev)
{
    const uint8_t *certs[MOAT_EAT_CHAIN_MAX];
    size_t lens[MOAT_EAT_CHAIN_MAX];
    const moat_json *hdr = NULL, *claims = NULL, *profile = NULL, *nonce = NULL;
    const char *typ = NULL, *s = NULL;
    size_t n = 0, i, plen = 0, slen = 0;
    uint8_t ueid[MOAT_EAT_UEID_SIZE];
    moat_json_limits lim;
    moat_err e;

    /* 1. size */
    if (token_len > MOAT_EAT_TOKEN_MAX) {
        return MOAT_ERR_EAT_TOO_LARGE;
    }
    /* 2. the protected header (untrusted until step 8): exactly alg, typ, x5c */
    e = moat_jws_compact_peek_header(token, token_len, NULL, w->jose, sizeof(w->jose),
                                     &hdr, NULL, NULL);
    if (e != MOAT_OK) {
        return e;
    }
    if (moat_json_get_string(hdr, "typ", &typ, &n) != MOAT_OK ||
        n != strlen(MOAT_EAT_TYP) || memcmp(typ, MOAT_EAT_TYP, n) != 0 ||
        !header_members_ok(hdr)) {
        return MOAT_ERR_JOSE_HEADER_INVALID;
    }
    /* 3. x5c: alias, at least one CDI certificate, DeviceID */
    e = moat_jws_header_x5c(hdr, w->der, sizeof(w->der), certs, lens, MOAT_EAT_CHAIN_MAX, &n);
    if (e != MOAT_OK || n < 3u) {
        return MOAT_ERR_EAT_X5C;
    }
    for (i = 0; i < n; i++) {
        if (lens[i] > MOAT_EAT_CERT_MAX) {
            return MOAT_ERR_EAT_X5C;
        }
        e = moat_x509_parse(certs[i], lens[i], &w->cert);
        if (e != MOAT_OK) {
            return e;
        }
    }
    ev->chain_len = n;
    /* 4. the leaf is an alias certificate (before the path: cheap) */
    e = moat_x509_parse(certs[0], lens[0], &w->cert);
    if (e != MOAT_OK) {
        return e;
    }
    if (w->cert.key_type != MOAT_X509_KEY_EC || w->cert.dice_tcb_info.ptr == NULL ||
        w->cert.dice_open_attest.ptr != NULL || w->cert.is_ca) {
        return MOAT_ERR_EAT_NOT_ALIAS;
    }
    e = moat_dice_tcb_info_from_cert(&w->cert, &ev->tcb);
    if (e != MOAT_OK) {
        return e == MOAT_ERR_NOT_FOUND ? MOAT_ERR_EAT_NOT_ALIAS : e;
    }
    ev->alias_key = w->cert.ec_key;
    /* 5. the DICE chain's shape: CDI certificates, then the DeviceID last
     *    (the values needed later are copied into ev) */
    e = chain_shape(w, certs, lens, n, ev);
    if (e != MOAT_OK) {
        return e;
    }
    /* 6. the chain */
    e = verify_chain(p, w, certs, lens, n, ev);
    if (e != MOAT_OK) {
        return e;
    }
    /* 7. every layer in normal mode, as the layer below certified it
     *    (authenticated now), unless the policy accepts debug devices */
    for (i = 0; i < ev->layer_count; i++) {
        if (ev->layers[i].mode != MOAT_DICE_MODE_NORMAL && !debug_allowed(p)) {
            return MOAT_ERR_EAT_DEBUG;
        }
    }
    /* 8. the signature under the alias key */
    e = moat_jws_verify_compact_work(token, token_len, &ev->alias_key, NULL, w->jose,
                                     sizeof(w->jose), w->payload, sizeof(w->payload),
                                     &plen);
    if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
        return MOAT_ERR_EAT_TOO_LARGE;
    }
    if (e != MOAT_OK) {
        return e;
    }
    /* 9. claims, strictly */
    lim.max_input = MOAT_EAT_CLAIMS_MAX;
    lim.max_depth = 6u;
    lim.max_members = MOAT_EAT_CLAIMS_MAX_VALUES;
    lim.max_string = 256u;
    e = moat_json_parse((const char *)w->payload, plen, &lim, w->arena, sizeof(w->arena),
                        &claims);
    if (e != MOAT_OK) {
        return e;
    }
    e = parse_claims(claims, ev, &profile, &nonce);
    if (e != MOAT_OK) {
        return e;
    }
    /* 10. profile */
    if (moat_json_string(profile, &s, &slen) != MOAT_OK ||
        slen != strlen(MOAT_EAT_PROFILE) || memcmp(s, MOAT_EAT_PROFILE, slen) != 0) {
        return MOAT_ERR_EAT_PROFILE;
    }
    /* 11. nonce shape */
    if (!moat_eat_get_b64url(nonce, ev->nonce, MOAT_EAT_NONCE_MIN, MOAT_EAT_NONCE_MAX,
                             &ev->nonce_len)) {
        return MOAT_ERR_EAT_NONCE_MISSING;
    }
    /* 12. ueid = the chain's DeviceID */
    e = moat_eat_ueid(&ev->device_id_key, ueid);
    if (e != MOAT_OK) {
        return e;
    }
    if (!moat_ct_equal(ueid, ev->ueid, MOAT_EAT_UEID_SIZE)) {
        return MOAT_ERR_EAT_UEID;
    }
    /* 13. freshness window (now + iat_skew cannot overflow: check_policy) */
    if (ev->iat < p->now - (int64_t)p->iat_max_age || ev->iat > p->now + (int64_t)p->iat_skew) {
        return MOAT_ERR_EAT_IAT;
    }
    /* 14. measurements = certified TCB, bound to the certified code hash */
    e = tcb_consistent(ev);
    if (e != MOAT_OK) {
        return e;
    }
    /* 15. debug policy; TcbInfo flags of an insecure state */
    if ((p->dbgstat_allowed & MOAT_EAT_DBG_BIT(ev->dbgstat)) == 0) {
        return MOAT_ERR_EAT_DEBUG;
    }
    if ((ev->tcb.present & MOAT_DICE_TCB_FLAGS) != 0 && !debug_allowed(p) &&
        (ev->tcb.flags & (MOAT_DICE_FLAG_NOT_CONFIGURED | MOAT_DICE_FLAG_NOT_SECURE |
                          MOAT_DICE_FLAG_RECOVERY)) != 0) {
        return MOAT_ERR_EAT_TCB_FLAGS;
    }
    /* 16. minimum svn (self-asserted by the firmware: see docs/eat-profile.md) */
    if (p->require_min_svn &&
        ((ev->tcb.present & MOAT_DICE_TCB_SVN) == 0 || ev->tcb.svn < p->min_svn)) {
        return MOAT_ERR_EAT_SVN;
    }
    /* 17. the nonce: the only state change, last */
    return moat_nonce_consume(p->nonces, ev->nonce, ev->nonce_len, ev->ueid, p->now);
}

moat_err moat_eat_verify(const char *token, size_t token_len,
                         const moat_eat_policy *policy, void *work, size_t work_size,
                         moat_eat_evidence *ev)
{
    verify_work *w;
    size_t skip;
    moat_err e;

    if (ev == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(ev, 0, sizeof(*ev));
    if (token == NULL || policy == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = check_policy(policy);
    if (e != MOAT_OK) {
        return e;
    }
    if (work == NULL || work_size < moat_eat_verify_work_size()) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    skip = (size_t)((sizeof(uint64_t) - ((uintptr_t)work & (sizeof(uint64_t) - 1u))) &
                    (sizeof(uint64_t) - 1u));
    w = (verify_work *)(void *)((uint8_t *)work + skip);
    e = eat_verify(token, token_len, policy, w, ev);
    moat_wipe(work, work_size);
    if (e != MOAT_OK) {
        moat_wipe(ev, sizeof(*ev));
    }
    return e;
}
