/**
 * @file root.c
 * @brief Update trust root: parsing, the one acceptance decision
 *        (moat_update_root_check()), bootstrap, rotation and the stored
 *        record.
 *
 * Model: TUF's root role (The Update Framework specification, section 5.3
 * "Update the root role"): root N+1 must be signed by a threshold of root
 * N's root keys and a threshold of its own root keys, and its version is
 * exactly N+1. Signatures are JWS General JSON Serialization (RFC 7515
 * section 7.2.1) verified k-of-n by moat_jws_json_verify(); keys are JWK
 * (RFC 7517/7518) named by their RFC 7638 thumbprint.
 *
 * Stored record (::MOAT_UPDATE_RECORD_ROOT, ::MOAT_UPDATE_ROOT_RECORD_SIZE
 * bytes, little-endian; every unused byte zero):
 *   "MUR1" | version u32 | epoch u32 | expires i64 | 4 zero bytes |
 *   for role root then targets: nkeys u8 | threshold u8 | 2 zero bytes |
 *     MOAT_UPDATE_MAX_KEYS x (curve u8 | q_len u8 | q[MOAT_EC_PUB_MAX])
 * The kids are not stored: they are recomputed (thumbprints) on load.
 */
#include <string.h>

#include "core/le.h"
#include "moat/update.h"
#include "update/meta.h"

#define ROOT_MAGIC "MUR1"
#define ROOT_HDR 24u
#define ROLE_HDR 4u
#define KEY_ENTRY (2u + MOAT_EC_PUB_MAX)
#define ROLE_SIZE (ROLE_HDR + MOAT_UPDATE_MAX_KEYS * KEY_ENTRY)

_Static_assert(ROOT_HDR + 2u * ROLE_SIZE == MOAT_UPDATE_ROOT_RECORD_SIZE,
               "record layout and MOAT_UPDATE_ROOT_RECORD_SIZE disagree");
_Static_assert(MOAT_UPDATE_ROOT_RECORD_SIZE <= MOAT_PORT_RECORD_MAX,
               "the root record must fit a port record");
_Static_assert(2u * MOAT_UPDATE_MAX_KEYS <= MOAT_JWS_JSON_MAX_SIGNATURES,
               "a rotation document carries up to two thresholds of signatures");
_Static_assert(MOAT_UPDATE_COUNTER_SVN_BASE + MOAT_UPDATE_MAX_COMPONENTS <= MOAT_PORT_COUNTER_COUNT,
               "svn counters must exist on every port");
_Static_assert(MOAT_UPDATE_RECORD_ROOT < MOAT_PORT_RECORD_COUNT &&
               MOAT_UPDATE_RECORD_INSTALL < MOAT_PORT_RECORD_COUNT,
               "update records must exist on every port");

/* Nesting of a root payload: root > roles > role > keys > jwk. */
#define ROOT_PAYLOAD_DEPTH 6u
/* Nesting of a JWS General JSON Serialization document. */
#define DOC_DEPTH 8u

/* ------------------------------------------------------- shared helpers */

size_t moat_update_work_size(size_t doc_len)
{
    if (doc_len > MOAT_UPDATE_ROOT_MAX_DOC) {
        doc_len = MOAT_UPDATE_ROOT_MAX_DOC;
    }
    return MOAT_UPDATE_WORK_SIZE(doc_len);
}

moat_err moat_update_meta_split_(void *work, size_t work_size, size_t doc_len,
                                 moat_update_meta_work *w)
{
    size_t pay;
    memset(w, 0, sizeof(*w));
    if (work == NULL || work_size < MOAT_UPDATE_WORK_SIZE(doc_len)) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    /* The payload is at most 3/4 of the document; round to keep the work
     * area 16-byte aligned relative to the workspace. */
    pay = (doc_len + 15u) & ~(size_t)15u;
    w->payload = (uint8_t *)work;
    w->payload_cap = doc_len;
    w->rest = (uint8_t *)work + pay;
    w->rest_size = work_size - pay;
    return MOAT_OK;
}

moat_err moat_update_meta_sigs_(const char *doc, size_t doc_len,
                                const moat_update_role *role,
                                const moat_update_meta_work *w, size_t *payload_len)
{
    return moat_jws_json_verify(doc, doc_len, role->keys, role->nkeys, role->threshold,
                                NULL, w->rest, w->rest_size, w->payload, w->payload_cap,
                                payload_len, NULL);
}

moat_err moat_update_meta_parse_(const moat_update_meta_work *w, size_t payload_len,
                                 size_t max_depth, size_t max_values,
                                 const moat_json **root)
{
    moat_json_limits lim;
    lim.max_input = payload_len;
    lim.max_depth = max_depth;
    lim.max_members = max_values;
    lim.max_string = MOAT_UPDATE_ROOT_MAX_DOC;
    moat_wipe(w->rest, w->rest_size);
    if (payload_len == 0) {
        *root = NULL;
        return MOAT_ERR_JSON_SYNTAX;
    }
    return moat_json_parse((const char *)w->payload, payload_len, &lim, w->rest,
                           w->rest_size, root);
}

bool moat_update_meta_only_(const moat_json *obj, const char *const *names, size_t count)
{
    const moat_json *m;
    for (m = moat_json_child(obj); m != NULL; m = moat_json_next(m)) {
        const char *n = moat_json_name(m);
        bool known = false;
        size_t i;
        for (i = 0; i < count && n != NULL; i++) {
            if (strcmp(n, names[i]) == 0) {
                known = true;
                break;
            }
        }
        if (!known) {
            return false;
        }
    }
    return true;
}

bool moat_update_key_equal_(const moat_ec_public_key *a, const moat_ec_public_key *b)
{
    return a->curve == b->curve && a->q_len == b->q_len && a->q_len <= sizeof(a->q) &&
           memcmp(a->q, b->q, a->q_len) == 0;
}

static bool key_form_ok(const moat_ec_public_key *k)
{
    size_t cs = moat_curve_size(k->curve);
    return cs != 0 && k->q_len == 1u + 2u * cs && k->q[0] == 0x04;
}

static bool role_valid(const moat_update_role *r)
{
    uint32_t i;
    uint32_t j;
    if (r->nkeys == 0 || r->nkeys > MOAT_UPDATE_MAX_KEYS || r->threshold == 0 ||
        r->threshold > r->nkeys) {
        return false;
    }
    for (i = 0; i < r->nkeys; i++) {
        char kid[MOAT_JWK_KID_SIZE];
        bool same;
        if (!key_form_ok(&r->keys[i].key)) {
            return false;
        }
        if (moat_jwk_thumbprint(&r->keys[i].key, kid) != MOAT_OK) {
            return false;
        }
        same = memcmp(kid, r->keys[i].kid, MOAT_JWK_THUMBPRINT_LEN + 1u) == 0;
        if (!same) {
            return false;
        }
        for (j = 0; j < i; j++) {
            if (moat_update_key_equal_(&r->keys[i].key, &r->keys[j].key)) {
                return false;
            }
        }
    }
    return true;
}

bool moat_update_root_valid_(const moat_update_root *r)
{
    uint32_t i;
    uint32_t j;
    if (r == NULL || r->version == 0 || r->epoch > MOAT_UPDATE_EPOCH_MAX ||
        r->expires < 0 || r->expires > MOAT_UPDATE_INT_MAX) {
        return false;
    }
    if (!role_valid(&r->root) || !role_valid(&r->targets)) {
        return false;
    }
    for (i = 0; i < r->root.nkeys; i++) {
        for (j = 0; j < r->targets.nkeys; j++) {
            if (moat_update_key_equal_(&r->root.keys[i].key, &r->targets.keys[j].key)) {
                return false;
            }
        }
    }
    return true;
}

/* ------------------------------------------------------- payload parsing */

/* One JWK of a role (RFC 7518 section 6.2.1): members kty, crv, x, y and
 * optionally kid (must be the RFC 7638 thumbprint) and alg (must match the
 * curve). Anything else, including "d", is refused. */
static moat_err parse_jwk(const moat_json *o, moat_jwk *out)
{
    static const char *const names[] = {"kty", "crv", "x", "y", "kid", "alg"};
    const char *kty;
    const char *crv;
    const char *x;
    const char *y;
    const char *s;
    size_t xl;
    size_t yl;
    size_t sl;
    size_t cs;
    moat_curve curve;
    uint8_t xb[MOAT_EC_PRIV_MAX];
    uint8_t yb[MOAT_EC_PRIV_MAX];
    size_t xn = 0;
    size_t yn = 0;
    moat_ec_public_key pub;
    moat_err rc = MOAT_ERR_UPDATE_ROOT_FORMAT;

    if (moat_json_type_of(o) != MOAT_JSON_OBJECT ||
        !moat_update_meta_only_(o, names, sizeof(names) / sizeof(names[0]))) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    if (moat_json_get_string(o, "kty", &kty, NULL) != MOAT_OK || strcmp(kty, "EC") != 0 ||
        moat_json_get_string(o, "crv", &crv, NULL) != MOAT_OK ||
        moat_json_get_string(o, "x", &x, &xl) != MOAT_OK ||
        moat_json_get_string(o, "y", &y, &yl) != MOAT_OK) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    if (strcmp(crv, "P-256") == 0) {
        curve = MOAT_CURVE_P256;
    } else if (strcmp(crv, "P-384") == 0) {
        curve = MOAT_CURVE_P384;
    } else {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    cs = moat_curve_size(curve);
    if (moat_json_get(o, "alg") != NULL) {
        const char *want = moat_jws_alg_for_curve(curve);
        if (moat_json_get_string(o, "alg", &s, NULL) != MOAT_OK || want == NULL ||
            strcmp(s, want) != 0) {
            return MOAT_ERR_UPDATE_ROOT_FORMAT;
        }
    }
    if (moat_b64url_decode(x, xl, xb, sizeof(xb), &xn) != MOAT_OK || xn != cs ||
        moat_b64url_decode(y, yl, yb, sizeof(yb), &yn) != MOAT_OK || yn != cs) {
        goto done;
    }
    if (moat_ec_public_from_xy(curve, xb, xn, yb, yn, &pub) != MOAT_OK) {
        goto done;
    }
    if (moat_jwk_from_public(&pub, out) != MOAT_OK) {
        goto done;
    }
    if (moat_json_get(o, "kid") != NULL) {
        if (moat_json_get_string(o, "kid", &s, &sl) != MOAT_OK) {
            goto done;
        }
        if (sl != MOAT_JWK_THUMBPRINT_LEN || memcmp(s, out->kid, sl) != 0) {
            rc = MOAT_ERR_UPDATE_ROOT_KEYS;
            goto done;
        }
    }
    rc = MOAT_OK;
done:
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}

static moat_err parse_role(const moat_json *o, moat_update_role *r)
{
    static const char *const names[] = {"keys", "threshold"};
    const moat_json *keys;
    const moat_json *k;
    int64_t th;
    uint32_t i;
    uint32_t j;
    moat_err rc;

    if (moat_json_type_of(o) != MOAT_JSON_OBJECT ||
        !moat_update_meta_only_(o, names, sizeof(names) / sizeof(names[0]))) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    keys = moat_json_get(o, "keys");
    if (moat_json_type_of(keys) != MOAT_JSON_ARRAY) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    if (moat_json_get_int(o, "threshold", 0, INT64_MAX, &th) != MOAT_OK) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    if (moat_json_size(keys) == 0 || moat_json_size(keys) > MOAT_UPDATE_MAX_KEYS) {
        return MOAT_ERR_UPDATE_ROOT_KEYS;
    }
    i = 0;
    for (k = moat_json_child(keys); k != NULL; k = moat_json_next(k)) {
        rc = parse_jwk(k, &r->keys[i]);
        if (rc != MOAT_OK) {
            return rc;
        }
        for (j = 0; j < i; j++) {
            if (moat_update_key_equal_(&r->keys[i].key, &r->keys[j].key)) {
                return MOAT_ERR_UPDATE_ROOT_KEYS;
            }
        }
        i++;
    }
    r->nkeys = i;
    if (th < 1 || (uint64_t)th > r->nkeys) {
        return MOAT_ERR_UPDATE_ROOT_KEYS;
    }
    r->threshold = (uint32_t)th;
    return MOAT_OK;
}

/* The root payload (docs/manifest.md, "Trust root"): strict, every member
 * known, the marker first so that a manifest is never read as a root. */
static moat_err parse_root_payload(const moat_json *p, moat_update_root *out)
{
    static const char *const names[] = {"moat_root", "version", "expires",
                                        "sequence_epoch", "roles"};
    static const char *const role_names[] = {"root", "targets"};
    const moat_json *roles;
    int64_t v;
    uint32_t i;
    uint32_t j;
    moat_err rc;

    if (moat_json_type_of(p) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_UPDATE_WRONG_TYPE;
    }
    if (moat_json_get_int(p, "moat_root", 1, 1, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_WRONG_TYPE;
    }
    if (!moat_update_meta_only_(p, names, sizeof(names) / sizeof(names[0]))) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    if (moat_json_get_int(p, "version", 1, MOAT_UPDATE_SEQUENCE_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    out->version = (uint32_t)v;
    if (moat_json_get_int(p, "expires", 0, MOAT_UPDATE_INT_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    out->expires = v;
    out->epoch = 0;
    if (moat_json_get(p, "sequence_epoch") != NULL) {
        if (moat_json_get_int(p, "sequence_epoch", 0, MOAT_UPDATE_EPOCH_MAX, &v) != MOAT_OK) {
            return MOAT_ERR_UPDATE_ROOT_FORMAT;
        }
        out->epoch = (uint32_t)v;
    }
    roles = moat_json_get(p, "roles");
    if (moat_json_type_of(roles) != MOAT_JSON_OBJECT ||
        !moat_update_meta_only_(roles, role_names, 2u)) {
        return MOAT_ERR_UPDATE_ROOT_FORMAT;
    }
    rc = parse_role(moat_json_get(roles, "root"), &out->root);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = parse_role(moat_json_get(roles, "targets"), &out->targets);
    if (rc != MOAT_OK) {
        return rc;
    }
    /* A key may serve one role only: a targets compromise must never be a
     * root compromise. */
    for (i = 0; i < out->root.nkeys; i++) {
        for (j = 0; j < out->targets.nkeys; j++) {
            if (moat_update_key_equal_(&out->root.keys[i].key, &out->targets.keys[j].key)) {
                return MOAT_ERR_UPDATE_ROOT_KEYS;
            }
        }
    }
    return MOAT_OK;
}

/* First root only: read the payload of @p doc WITHOUT verifying (its own
 * signatures are checked right after, with the keys it names). The
 * document is parsed by the same bounded strict parser. */
static moat_err extract_payload_unverified(const char *doc, size_t doc_len,
                                           const moat_update_meta_work *w,
                                           size_t *payload_len)
{
    moat_json_limits lim;
    const moat_json *d = NULL;
    const char *p;
    size_t pl;
    moat_err rc;

    *payload_len = 0;
    lim.max_input = MOAT_UPDATE_ROOT_MAX_DOC;
    lim.max_depth = DOC_DEPTH;
    lim.max_members = MOAT_JWS_JSON_MAX_VALUES;
    lim.max_string = MOAT_UPDATE_ROOT_MAX_DOC;
    rc = moat_json_parse(doc, doc_len, &lim, w->rest, w->rest_size, &d);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (moat_json_type_of(d) != MOAT_JSON_OBJECT ||
        moat_json_get_string(d, "payload", &p, &pl) != MOAT_OK) {
        rc = MOAT_ERR_JOSE_FORMAT;
    } else {
        rc = moat_b64url_decode(p, pl, w->payload, w->payload_cap, payload_len);
    }
    moat_wipe(w->rest, w->rest_size);
    if (rc != MOAT_OK) {
        *payload_len = 0;
    }
    return rc;
}

static bool epoch_keys_replaced(const moat_update_root *cur, const moat_update_root *next)
{
    uint32_t i;
    uint32_t j;
    for (i = 0; i < next->targets.nkeys; i++) {
        for (j = 0; j < cur->targets.nkeys; j++) {
            if (moat_update_key_equal_(&next->targets.keys[i].key, &cur->targets.keys[j].key)) {
                return false;
            }
        }
    }
    return true;
}

/* ---------------------------------------------------------- the decision */

moat_err moat_update_root_check(const moat_update_root *current, const char *doc,
                                size_t doc_len, int64_t now, void *work,
                                size_t work_size, moat_update_root *out)
{
    moat_update_meta_work w;
    const moat_json *p = NULL;
    uint8_t h1[32];
    uint8_t h2[32];
    size_t plen = 0;
    size_t plen2 = 0;
    moat_err rc;

    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (doc == NULL || out == NULL || out == current) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (current != NULL && !moat_update_root_valid_(current)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (doc_len > MOAT_UPDATE_ROOT_MAX_DOC) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_update_meta_split_(work, work_size, doc_len, &w);
    if (rc != MOAT_OK) {
        return rc;
    }

    /* 1. Authority of the current root (or, for a first root, the payload
     *    as provisioned). */
    if (current != NULL) {
        rc = moat_update_meta_sigs_(doc, doc_len, &current->root, &w, &plen);
        if (rc == MOAT_ERR_JOSE_THRESHOLD) {
            rc = MOAT_ERR_UPDATE_ROOT_OLD_SIGS;
        }
    } else {
        rc = extract_payload_unverified(doc, doc_len, &w, &plen);
    }
    if (rc != MOAT_OK) {
        goto done;
    }
    rc = moat_hash(MOAT_HASH_SHA256, w.payload, plen, h1);
    if (rc != MOAT_OK) {
        goto done;
    }

    /* 2. The payload. */
    rc = moat_update_meta_parse_(&w, plen, ROOT_PAYLOAD_DEPTH, MOAT_UPDATE_ROOT_MAX_VALUES, &p);
    if (rc != MOAT_OK) {
        goto done;
    }
    rc = parse_root_payload(p, out);
    moat_wipe(w.rest, w.rest_size);
    if (rc != MOAT_OK) {
        goto done;
    }

    /* 3. Authority of the new root's own keys, over the same payload. */
    rc = moat_update_meta_sigs_(doc, doc_len, &out->root, &w, &plen2);
    if (rc == MOAT_ERR_JOSE_THRESHOLD) {
        rc = MOAT_ERR_UPDATE_ROOT_NEW_SIGS;
    }
    if (rc != MOAT_OK) {
        goto done;
    }
    rc = moat_hash(MOAT_HASH_SHA256, w.payload, plen2, h2);
    if (rc != MOAT_OK) {
        goto done;
    }
    if (plen2 != plen || memcmp(h1, h2, sizeof(h1)) != 0) {
        rc = MOAT_ERR_INTERNAL; /* one document has one payload */
        goto done;
    }

    /* 4. Version. */
    if (current != NULL ? (current->version == MOAT_UPDATE_SEQUENCE_MAX ||
                           out->version != current->version + 1u)
                        : out->version < 1u) {
        rc = MOAT_ERR_UPDATE_ROOT_VERSION;
        goto done;
    }
    /* 5. Expiry of the new root (freeze protection); never of the current
     *    one, so that an expired root can always be rotated. */
    if (now != MOAT_UPDATE_NO_TIME && now >= out->expires) {
        rc = MOAT_ERR_UPDATE_ROOT_EXPIRED;
        goto done;
    }
    /* 6. Sequence epoch: monotonic; a new epoch only with new targets keys
     *    (fast-forward recovery, docs/update.md). */
    if (current != NULL &&
        (out->epoch < current->epoch ||
         (out->epoch > current->epoch && !epoch_keys_replaced(current, out)))) {
        rc = MOAT_ERR_UPDATE_ROOT_EPOCH;
        goto done;
    }
    rc = moat_update_root_valid_(out) ? MOAT_OK : MOAT_ERR_INTERNAL;

done:
    moat_wipe(work, work_size);
    moat_wipe(h1, sizeof(h1));
    moat_wipe(h2, sizeof(h2));
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}

/* ---------------------------------------------------------------- record */


static void encode_role(uint8_t *p, const moat_update_role *r)
{
    uint32_t i;
    p[0] = (uint8_t)r->nkeys;
    p[1] = (uint8_t)r->threshold;
    for (i = 0; i < r->nkeys; i++) {
        uint8_t *e = p + ROLE_HDR + i * KEY_ENTRY;
        e[0] = (uint8_t)r->keys[i].key.curve;
        e[1] = (uint8_t)r->keys[i].key.q_len;
        memcpy(e + 2, r->keys[i].key.q, r->keys[i].key.q_len);
    }
}

/* @p buf has MOAT_UPDATE_ROOT_RECORD_SIZE bytes; @p r is valid. */
static void encode_root(uint8_t *buf, const moat_update_root *r)
{
    uint64_t e = (uint64_t)r->expires;
    memset(buf, 0, MOAT_UPDATE_ROOT_RECORD_SIZE);
    memcpy(buf, ROOT_MAGIC, 4);
    moat_le_put32(buf + 4, r->version);
    moat_le_put32(buf + 8, r->epoch);
    moat_le_put32(buf + 12, (uint32_t)e);
    moat_le_put32(buf + 16, (uint32_t)(e >> 32));
    encode_role(buf + ROOT_HDR, &r->root);
    encode_role(buf + ROOT_HDR + ROLE_SIZE, &r->targets);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

static bool decode_role(const uint8_t *p, moat_update_role *r)
{
    uint32_t i;
    r->nkeys = p[0];
    r->threshold = p[1];
    if (p[2] != 0 || p[3] != 0 || r->nkeys == 0 || r->nkeys > MOAT_UPDATE_MAX_KEYS) {
        return false;
    }
    for (i = 0; i < MOAT_UPDATE_MAX_KEYS; i++) {
        const uint8_t *e = p + ROLE_HDR + i * KEY_ENTRY;
        moat_ec_public_key pub;
        if (i >= r->nkeys) {
            if (!all_zero(e, KEY_ENTRY)) {
                return false;
            }
            continue;
        }
        if ((e[0] != (uint8_t)MOAT_CURVE_P256 && e[0] != (uint8_t)MOAT_CURVE_P384) ||
            e[1] > MOAT_EC_PUB_MAX || !all_zero(e + 2 + e[1], MOAT_EC_PUB_MAX - e[1])) {
            return false;
        }
        /* Checks the point is on its curve. */
        if (moat_ec_public_from_point((moat_curve)e[0], e + 2, e[1], &pub) != MOAT_OK) {
            return false;
        }
        if (moat_jwk_from_public(&pub, &r->keys[i]) != MOAT_OK) {
            return false;
        }
    }
    return true;
}

moat_err moat_update_root_load(const moat_port *port, moat_update_root *out)
{
    uint8_t buf[MOAT_UPDATE_ROOT_RECORD_SIZE];
    size_t len = 0;
    uint64_t e;
    moat_err rc;

    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (port == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_record_read(port, MOAT_UPDATE_RECORD_ROOT, buf, sizeof(buf), &len);
    if (rc == MOAT_ERR_BUFFER_TOO_SMALL) {
        rc = MOAT_ERR_UPDATE_ROOT_RECORD;
    }
    if (rc != MOAT_OK) {
        goto done;
    }
    rc = MOAT_ERR_UPDATE_ROOT_RECORD;
    if (len != sizeof(buf) || memcmp(buf, ROOT_MAGIC, 4) != 0 || !all_zero(buf + 20, 4)) {
        goto done;
    }
    out->version = moat_le_get32(buf + 4);
    out->epoch = moat_le_get32(buf + 8);
    e = (uint64_t)moat_le_get32(buf + 12) | ((uint64_t)moat_le_get32(buf + 16) << 32);
    if (e > (uint64_t)MOAT_UPDATE_INT_MAX) {
        goto done;
    }
    out->expires = (int64_t)e;
    if (!decode_role(buf + ROOT_HDR, &out->root) ||
        !decode_role(buf + ROOT_HDR + ROLE_SIZE, &out->targets) ||
        !moat_update_root_valid_(out)) {
        goto done;
    }
    rc = MOAT_OK;
done:
    moat_wipe(buf, sizeof(buf));
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}

moat_err moat_update_root_store(const moat_port *port, const moat_update_root *root)
{
    uint8_t buf[MOAT_UPDATE_ROOT_RECORD_SIZE];
    moat_err rc;
    if (port == NULL || !moat_update_root_valid_(root)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    encode_root(buf, root);
    rc = moat_port_record_write(port, MOAT_UPDATE_RECORD_ROOT, buf, sizeof(buf));
    moat_wipe(buf, sizeof(buf));
    return rc;
}

moat_err moat_update_root_bootstrap(const moat_port *port, const char *doc,
                                    size_t doc_len, int64_t now, void *work,
                                    size_t work_size, moat_update_root *out)
{
    moat_update_root stored;
    moat_err rc;

    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (port == NULL || doc == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_update_root_load(port, &stored);
    moat_wipe(&stored, sizeof(stored));
    if (rc == MOAT_OK || rc == MOAT_ERR_UPDATE_ROOT_RECORD || rc == MOAT_ERR_PORT_CORRUPT) {
        return MOAT_ERR_UPDATE_ROOT_EXISTS; /* only rotation replaces a root */
    }
    if (rc != MOAT_ERR_PORT_NOT_FOUND) {
        return rc;
    }
    rc = moat_update_root_check(NULL, doc, doc_len, now, work, work_size, out);
    if (rc == MOAT_OK) {
        rc = moat_update_root_store(port, out);
    }
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}

moat_err moat_update_root_rotate(const moat_port *port, const moat_update_root *current,
                                 const char *doc, size_t doc_len, int64_t now,
                                 void *work, size_t work_size, moat_update_root *out)
{
    moat_update_root stored;
    uint8_t a[MOAT_UPDATE_ROOT_RECORD_SIZE];
    uint8_t b[MOAT_UPDATE_ROOT_RECORD_SIZE];
    bool same;
    moat_err rc;

    if (out != NULL && out != current) {
        moat_wipe(out, sizeof(*out));
    }
    if (port == NULL || current == NULL || doc == NULL || out == NULL || out == current) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!moat_update_root_valid_(current)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* The root we are asked to rotate FROM must be the stored one. */
    rc = moat_update_root_load(port, &stored);
    if (rc != MOAT_OK) {
        return rc;
    }
    encode_root(a, current);
    encode_root(b, &stored);
    same = memcmp(a, b, sizeof(a)) == 0;
    moat_wipe(&stored, sizeof(stored));
    moat_wipe(a, sizeof(a));
    moat_wipe(b, sizeof(b));
    if (!same) {
        return MOAT_ERR_UPDATE_ROOT_STALE;
    }
    rc = moat_update_root_check(current, doc, doc_len, now, work, work_size, out);
    if (rc == MOAT_OK) {
        /* Persist before use: the caller sees the new root only once stored. */
        rc = moat_update_root_store(port, out);
    }
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}
