/**
 * @file verify.c
 * @brief Certification path building and validation (RFC 5280 section 6,
 *        profiled by docs/x509-policy.md).
 *
 * Structure (for auditors):
 * - validate_path() is THE security decision: given a complete candidate
 *   path (leaf first, trust anchor last) it runs every check and returns
 *   MOAT_OK only if all pass. moat_x509_verify() returns MOAT_OK only when
 *   validate_path() did.
 * - The path builder (extend()) is a depth-first search with backtracking
 *   that proposes candidate paths. It calls the same per-certificate checks
 *   (check_leaf(), check_issuer()) as it goes, only to prune dead branches
 *   and to remember the most advanced failure for the report; nothing it
 *   concludes is trusted without validate_path().
 * - Work is bounded: at most MOAT_X509_MAX_CANDIDATES inputs, paths of at
 *   most max_depth certificates, each certificate at most once per path,
 *   at most MOAT_X509_MAX_SIG_CHECKS signature verifications (results are
 *   cached per (subject, issuer) pair) and MOAT_X509_MAX_BUILD_STEPS links
 *   tried per call. Recursion depth is bounded by MOAT_X509_MAX_DEPTH.
 *
 * No heap: the parsed certificates live in the caller's workspace; the
 * rest (about 1.5 KiB) is on the stack.
 */
#include <string.h>

#include "core/der.h"
#include "moat/core.h"
#include "moat/x509.h"
#include "x509/internal.h"
#include "x509/verify_internal.h"

/** Longest host name accepted as a reference identifier (RFC 1035: 253). */
#define VERIFY_MAX_HOST 253u

/* id-kp-serverAuth 1.3.6.1.5.5.7.3.1 / id-kp-clientAuth 1.3.6.1.5.5.7.3.2
 * (RFC 5280 section 4.2.1.12), anyExtendedKeyUsage 2.5.29.37.0. */
static const uint8_t OID_KP_SERVER_AUTH[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};
static const uint8_t OID_KP_CLIENT_AUTH[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
static const uint8_t OID_ANY_EKU[] = {0x55, 0x1D, 0x25, 0x00};

/** A cached signature result: certificate @c child signed by @c issuer. */
typedef struct sig_cache_entry {
    int child;
    int issuer;
    moat_err err;
} sig_cache_entry;

/** The most advanced failure seen so far (what the caller is told). */
typedef struct failure {
    moat_err err;
    int failed_id;        /* certificate id (see below); INT32_MIN: none */
    unsigned rank;        /* 2*position, +1 once the link signature verified */
    size_t path_len;
    int path[MOAT_X509_MAX_DEPTH];
} failure;

/*
 * Certificate ids: i >= 0 is certs[i] of the caller; -(1 + a) is trust
 * anchor a of the store (builtin anchors first, then run-time ones). At
 * most one anchor is parsed at a time (work->anchor): anchors only ever
 * appear at the top of a path.
 */
#define NO_ID INT32_MIN

typedef struct vctx {
    const moat_x509_store *store;
    const moat_x509_verify_params *params;
    moat_x509_verify_work *work;
    size_t n;
    size_t anchor_total;
    size_t max_depth;
    const uint8_t *purpose_oid; /* NULL: no EKU requirement */
    size_t purpose_oid_len;
    bool usable[MOAT_X509_MAX_CANDIDATES]; /* parsed, not a duplicate, not an anchor copy */
    int anchor_id;                         /* the anchor in work->anchor, NO_ID if none */
    bool leaf_is_anchor;                   /* certs[0] is byte-identical to anchor_id */
    size_t host_len;                       /* params->dns_name without a trailing dot */
    int path[MOAT_X509_MAX_DEPTH];
    size_t path_len;
    sig_cache_entry cache[MOAT_X509_MAX_SIG_CHECKS];
    size_t sig_checks;
    size_t steps;
    failure best;
} vctx;

/* ------------------------------------------------------------- helpers */

static bool bytes_eq(const moat_x509_bytes *a, const moat_x509_bytes *b)
{
    return a->len == b->len && (a->len == 0u || memcmp(a->ptr, b->ptr, a->len) == 0);
}

/* Name comparison: byte-exact DER (docs/x509-policy.md "Names"). RFC 5280
 * section 4.1.2.6 requires a CA to encode its subject exactly as the
 * issuer field of the certificates it issues. */
static bool name_eq(const moat_x509_bytes *a, const moat_x509_bytes *b)
{
    return a->len != 0u && bytes_eq(a, b);
}

static bool self_issued(const moat_x509_cert *c)
{
    return name_eq(&c->issuer, &c->subject);
}

static const moat_x509_cert *cert_of(const vctx *ctx, int id)
{
    if (id >= 0) {
        return &ctx->work->certs[id];
    }
    return id == ctx->anchor_id ? &ctx->work->anchor : NULL;
}

static uint8_t ascii_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32u) : c;
}

/* ASCII case-insensitive equality (RFC 4343). */
static bool ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

/* ----------------------------------------------- single-certificate checks */

/* Validity at params->now (RFC 5280 section 4.1.2.5: both bounds inclusive).
 * With no_time, params->now (if > 0) is a lower bound of the true time
 * (e.g. the firmware build time): only notAfter can be judged. */
static moat_err check_validity(const vctx *ctx, const moat_x509_cert *c)
{
    int64_t now = ctx->params->now;
    if (ctx->params->no_time) {
        if (now > 0 && now > c->not_after) {
            return MOAT_ERR_X509_EXPIRED;
        }
        return MOAT_OK;
    }
    if (now < c->not_before) {
        return MOAT_ERR_X509_NOT_YET_VALID;
    }
    if (now > c->not_after) {
        return MOAT_ERR_X509_EXPIRED;
    }
    return MOAT_OK;
}

/* RFC 5280 sections 6.1.4 (o) and 6.1.5 (f): no critical extension moat
 * does not process (the parser marks DICE extensions understood). */
static moat_err check_critical(const moat_x509_cert *c)
{
    size_t i;
    for (i = 0; i < c->ext_count && i < MOAT_X509_MAX_EXTENSIONS; i++) {
        if (c->ext[i].critical && !c->ext[i].understood) {
            return MOAT_ERR_X509_UNKNOWN_CRITICAL;
        }
    }
    return MOAT_OK;
}

/* extKeyUsage (RFC 5280 section 4.2.1.12): absent = any purpose. */
static bool eku_allows(const vctx *ctx, const moat_x509_cert *c)
{
    size_t i;
    if (ctx->purpose_oid == NULL || !c->has_eku) {
        return true;
    }
    for (i = 0; i < c->eku_count && i < MOAT_X509_MAX_EKU; i++) {
        const moat_x509_bytes *e = &c->eku[i];
        if ((e->len == ctx->purpose_oid_len &&
             memcmp(e->ptr, ctx->purpose_oid, e->len) == 0) ||
            (e->len == sizeof OID_ANY_EKU && memcmp(e->ptr, OID_ANY_EKU, e->len) == 0)) {
            return true;
        }
    }
    return false;
}

/* A presented dNSName against the reference host (RFC 6125 section 6.4):
 * exact (case-insensitive), or a wildcard "*" that is the whole left-most
 * label and stands for exactly one non-empty label, with at least two
 * labels after it ("*.example.com" yes, "*.com" and "f*.example.com" no). */
static bool dns_id_matches(const uint8_t *pat, size_t plen, const char *host, size_t hlen)
{
    const uint8_t *h = (const uint8_t *)host;
    if (plen >= 2u && pat[0] == '*' && pat[1] == '.') {
        const uint8_t *rest = pat + 1; /* ".example.com" */
        size_t rlen = plen - 1u;
        size_t i;
        if (rlen < 2u || memchr(pat + 2, '.', plen - 2u) == NULL ||
            memchr(pat + 2, '*', plen - 2u) != NULL) {
            return false;
        }
        if (hlen <= rlen || !ieq(h + hlen - rlen, rest, rlen)) {
            return false;
        }
        for (i = 0; i < hlen - rlen; i++) {
            if (h[i] == '.') {
                return false; /* the wildcard covers one label only */
            }
        }
        return true;
    }
    return plen == hlen && ieq(pat, h, hlen);
}

static bool host_matches(const moat_x509_cert *c, const char *host, size_t hlen)
{
    size_t i;
    /* SAN dNSName only; no fallback to the subject CN (RFC 9525). */
    for (i = 0; i < c->san_count && i < MOAT_X509_MAX_SAN; i++) {
        if (c->san[i].type == MOAT_X509_GN_DNS &&
            dns_id_matches(c->san[i].value.ptr, c->san[i].value.len, host, hlen)) {
            return true;
        }
    }
    return false;
}

static bool ip_matches(const moat_x509_cert *c, const uint8_t *ip, size_t len)
{
    size_t i;
    for (i = 0; i < c->san_count && i < MOAT_X509_MAX_SAN; i++) {
        if (c->san[i].type == MOAT_X509_GN_IP && c->san[i].value.len == len &&
            memcmp(c->san[i].value.ptr, ip, len) == 0) {
            return true;
        }
    }
    return false;
}

/* ----------------------------------------------------- name constraints */

/* RFC 5280 section 4.2.1.10 for dNSName: @p name is @p base or a name
 * built by adding labels to its left. An empty base matches every name;
 * a base with a leading '.' matches only proper subdomains (the form
 * OpenSSL also accepts). Case-insensitive. */
static bool dns_within(const uint8_t *name, size_t nlen, const uint8_t *base, size_t blen)
{
    if (blen == 0u) {
        return true;
    }
    if (base[0] == '.') {
        return nlen > blen && ieq(name + nlen - blen, base, blen);
    }
    if (nlen == blen) {
        return ieq(name, base, blen);
    }
    return nlen > blen && name[nlen - blen - 1u] == '.' &&
           ieq(name + nlen - blen, base, blen);
}

/*
 * Is the presented dNSName inside the subtree? @p all selects the question
 * asked of a wildcard name "*.rest" (which stands for any "L.rest" with one
 * label L): all = true: is EVERY such name inside (permitted check);
 * all = false: is ANY such name inside (excluded check).
 */
static bool dns_in_subtree(const uint8_t *name, size_t nlen, const uint8_t *base,
                           size_t blen, bool all)
{
    const uint8_t *rest;
    size_t rlen;
    const uint8_t *b = base;
    size_t bl = blen;

    if (!(nlen >= 2u && name[0] == '*' && name[1] == '.')) {
        return dns_within(name, nlen, base, blen);
    }
    rest = name + 2;
    rlen = nlen - 2u;
    if (bl != 0u && b[0] == '.') {
        b++;
        bl--;
    }
    /* Every L.rest is inside iff rest itself is at or below the base. */
    if (bl == 0u || dns_within(rest, rlen, b, bl)) {
        return true;
    }
    if (all) {
        return false;
    }
    /* Some L.rest equals a base "X.rest" (X one label, no leading dot). */
    if (base[0] != '.' && blen > rlen + 1u && base[blen - rlen - 1u] == '.' &&
        ieq(base + blen - rlen, rest, rlen) &&
        memchr(base, '.', blen - rlen - 1u) == NULL) {
        return true;
    }
    return false;
}

/* iPAddress: a SAN of 4 (16) bytes against a constraint of 8 (32) bytes,
 * address then mask (RFC 5280 section 4.2.1.10). Families never mix. */
static bool ip_in_subtree(const moat_x509_bytes *ip, const moat_x509_bytes *sub)
{
    size_t i;
    if (sub->len != 2u * ip->len) {
        return false;
    }
    for (i = 0; i < ip->len; i++) {
        uint8_t mask = sub->ptr[ip->len + i];
        if ((ip->ptr[i] & mask) != (sub->ptr[i] & mask)) {
            return false;
        }
    }
    return true;
}

/* One name (DNS or IP) of a subordinate certificate against the subtrees of
 * CA @p ca: it must lie in some permitted subtree of its form when the CA
 * has any, and in no excluded subtree (excluded wins). */
static bool name_allowed(const moat_x509_cert *ca, const moat_x509_general_name *gn)
{
    size_t i, total = ca->permitted_count + ca->excluded_count;
    bool has_permitted = false, permitted = false;

    if (total > MOAT_X509_MAX_SUBTREES) {
        return false;
    }
    for (i = 0; i < total; i++) {
        const moat_x509_general_name *st = &ca->subtrees[i];
        bool inside;
        bool excluded_entry = i >= ca->permitted_count;
        if (st->type != gn->type) {
            continue;
        }
        if (gn->type == MOAT_X509_GN_DNS) {
            inside = dns_in_subtree(gn->value.ptr, gn->value.len, st->value.ptr,
                                    st->value.len, !excluded_entry);
        } else {
            inside = ip_in_subtree(&gn->value, &st->value);
        }
        if (excluded_entry) {
            if (inside) {
                return false;
            }
        } else {
            has_permitted = true;
            permitted = permitted || inside;
        }
    }
    return !has_permitted || permitted;
}

/* The nameConstraints of the CA at path position k over every certificate
 * below it (RFC 5280 section 6.1.3 (b)(c): self-issued intermediates are
 * exempt, the leaf never is). Only dNSName and iPAddress subtrees are
 * processed; a CA constraining any other form fails closed. */
static moat_err check_name_constraints(const vctx *ctx, size_t k, int *failed)
{
    const moat_x509_cert *ca = cert_of(ctx, ctx->path[k]);
    size_t i, j, total;

    if (!ca->has_name_constraints) {
        return MOAT_OK;
    }
    total = ca->permitted_count + ca->excluded_count;
    if (total > MOAT_X509_MAX_SUBTREES) {
        *failed = ctx->path[k];
        return MOAT_ERR_X509_NAME_CONSTRAINTS;
    }
    for (i = 0; i < total; i++) {
        if (ca->subtrees[i].type != MOAT_X509_GN_DNS && ca->subtrees[i].type != MOAT_X509_GN_IP) {
            *failed = ctx->path[k];
            return MOAT_ERR_X509_NAME_CONSTRAINTS;
        }
    }
    for (j = 0; j < k; j++) {
        const moat_x509_cert *sub = cert_of(ctx, ctx->path[j]);
        if (j > 0u && self_issued(sub)) {
            continue;
        }
        for (i = 0; i < sub->san_count && i < MOAT_X509_MAX_SAN; i++) {
            const moat_x509_general_name *gn = &sub->san[i];
            if ((gn->type == MOAT_X509_GN_DNS || gn->type == MOAT_X509_GN_IP) &&
                !name_allowed(ca, gn)) {
                *failed = ctx->path[j];
                return MOAT_ERR_X509_NAME_CONSTRAINTS;
            }
        }
    }
    return MOAT_OK;
}

/* ------------------------------------------------------------ signatures */

static moat_err verify_signature(const moat_x509_cert *child, const moat_x509_cert *issuer)
{
    uint8_t digest[MOAT_HASH_MAX_SIZE];
    moat_hash_alg alg;
    size_t dlen;
    moat_err err;

    switch (child->sig_alg) {
    case MOAT_X509_SIG_ECDSA_SHA256:
    case MOAT_X509_SIG_RSA_SHA256:
        alg = MOAT_HASH_SHA256;
        break;
    case MOAT_X509_SIG_ECDSA_SHA384:
    case MOAT_X509_SIG_RSA_SHA384:
        alg = MOAT_HASH_SHA384;
        break;
    default:
        return MOAT_ERR_X509_BAD_SIGNATURE;
    }
    dlen = moat_hash_size(alg);
    if (moat_hash(alg, child->tbs.ptr, child->tbs.len, digest) != MOAT_OK) {
        return MOAT_ERR_X509_BAD_SIGNATURE;
    }
    if (child->sig_alg == MOAT_X509_SIG_ECDSA_SHA256 ||
        child->sig_alg == MOAT_X509_SIG_ECDSA_SHA384) {
        err = issuer->key_type != MOAT_X509_KEY_EC
                  ? MOAT_ERR_X509_BAD_SIGNATURE
                  : moat_ecdsa_verify_digest(&issuer->ec_key, digest, dlen, MOAT_SIG_DER,
                                             child->sig.ptr, child->sig.len);
    } else {
        err = issuer->key_type != MOAT_X509_KEY_RSA
                  ? MOAT_ERR_X509_BAD_SIGNATURE
                  : moat_rsa_pkcs1_verify_digest(issuer->rsa_n.ptr, issuer->rsa_n.len,
                                                 issuer->rsa_e.ptr, issuer->rsa_e.len, alg,
                                                 digest, dlen, child->sig.ptr,
                                                 child->sig.len);
    }
    /* Every refusal (encoding, range, weak RSA key, mismatch) is a bad
     * signature for the path. */
    return err == MOAT_OK ? MOAT_OK : MOAT_ERR_X509_BAD_SIGNATURE;
}

/* Signature of @p child_id under @p issuer_id's key, cached; counts against
 * MOAT_X509_MAX_SIG_CHECKS. */
static moat_err link_signature(vctx *ctx, int child_id, int issuer_id)
{
    size_t i;
    moat_err err;
    for (i = 0; i < ctx->sig_checks; i++) {
        if (ctx->cache[i].child == child_id && ctx->cache[i].issuer == issuer_id) {
            return ctx->cache[i].err;
        }
    }
    if (ctx->sig_checks >= MOAT_X509_MAX_SIG_CHECKS) {
        return MOAT_ERR_X509_SEARCH_LIMIT;
    }
    err = verify_signature(cert_of(ctx, child_id), cert_of(ctx, issuer_id));
    ctx->cache[ctx->sig_checks].child = child_id;
    ctx->cache[ctx->sig_checks].issuer = issuer_id;
    ctx->cache[ctx->sig_checks].err = err;
    ctx->sig_checks++;
    return err;
}

/* --------------------------------------------------- per-position checks */

/* Checks of the end-entity certificate (path position 0). */
static moat_err check_leaf(const vctx *ctx, int *failed)
{
    const moat_x509_cert *c = &ctx->work->certs[0];
    const moat_x509_verify_params *p = ctx->params;
    moat_err err;

    *failed = 0;
    err = check_validity(ctx, c);
    if (err != MOAT_OK) {
        return err;
    }
    err = check_critical(c);
    if (err != MOAT_OK) {
        return err;
    }
    if (p->leaf_must_not_be_ca && c->has_basic_constraints && c->is_ca) {
        return MOAT_ERR_X509_LEAF_IS_CA;
    }
    if (c->has_key_usage && (c->key_usage & MOAT_X509_KU_DIGITAL_SIGNATURE) == 0u) {
        return MOAT_ERR_X509_KEY_USAGE;
    }
    if (!eku_allows(ctx, c)) {
        return MOAT_ERR_X509_EKU;
    }
    if (p->dns_name != NULL && !host_matches(c, p->dns_name, ctx->host_len)) {
        return MOAT_ERR_X509_NAME_MISMATCH;
    }
    if (p->ip != NULL && !ip_matches(c, p->ip, p->ip_len)) {
        return MOAT_ERR_X509_NAME_MISMATCH;
    }
    return MOAT_OK;
}

/* Checks of the certificate at path position k >= 1 as the issuer of the
 * one at k - 1, given the path below it. */
static moat_err check_issuer(vctx *ctx, size_t k, int *failed)
{
    int id = ctx->path[k];
    int child_id = ctx->path[k - 1u];
    const moat_x509_cert *c = cert_of(ctx, id);
    const moat_x509_cert *child = cert_of(ctx, child_id);
    bool is_anchor = id < 0;
    moat_err err;
    size_t j, below = 0;

    *failed = child_id;
    if (c == NULL || child == NULL) {
        return MOAT_ERR_INTERNAL;
    }
    /* Chaining: issuer Name equals the subject Name; AKI/SKI consistent. */
    if (!name_eq(&child->issuer, &c->subject)) {
        return MOAT_ERR_X509_NO_ISSUER;
    }
    if (child->aki.len != 0u && c->ski.len != 0u && !bytes_eq(&child->aki, &c->ski)) {
        return MOAT_ERR_X509_NO_ISSUER;
    }
    /* RFC 5280 6.1.3 (a)(1): the signature, under this issuer's key. */
    err = link_signature(ctx, child_id, id);
    if (err != MOAT_OK) {
        return err;
    }
    *failed = id;
    /* 6.1.3 (a)(2): validity (the anchor's too: docs/x509-policy.md). */
    err = check_validity(ctx, c);
    if (err != MOAT_OK) {
        return err;
    }
    /* 6.1.4 (k): a CA. v1/v2 only as a self-issued anchor. */
    if (c->version == 3u ? !(c->has_basic_constraints && c->is_ca)
                         : !(is_anchor && self_issued(c))) {
        return MOAT_ERR_X509_NOT_CA;
    }
    /* 6.1.4 (n): keyCertSign when keyUsage is present. */
    if (c->has_key_usage && (c->key_usage & MOAT_X509_KU_KEY_CERT_SIGN) == 0u) {
        return MOAT_ERR_X509_KEY_USAGE;
    }
    /* 6.1.4 (o): critical extensions. */
    err = check_critical(c);
    if (err != MOAT_OK) {
        return err;
    }
    /* EKU chaining: a CA that lists purposes must list this one. */
    if (!eku_allows(ctx, c)) {
        return MOAT_ERR_X509_EKU;
    }
    /* 6.1.4 (l)(m): pathLenConstraint bounds the non-self-issued
     * intermediate certificates below this one (the leaf is not counted). */
    for (j = 1; j < k; j++) {
        if (!self_issued(cert_of(ctx, ctx->path[j]))) {
            below++;
        }
    }
    if (c->path_len >= 0 && below > (size_t)c->path_len) {
        return MOAT_ERR_X509_PATH_LEN;
    }
    /* 6.1.3 (b)(c): this CA's name constraints over everything below. */
    return check_name_constraints(ctx, k, failed);
}

/* Pins: some certificate of the path has a pinned SPKI SHA-256. */
static moat_err check_pins(const vctx *ctx)
{
    const moat_x509_store *s = ctx->store;
    uint8_t h[32];
    size_t i, p;

    if (s->pin_count == 0u) {
        return MOAT_OK;
    }
    for (i = 0; i < ctx->path_len; i++) {
        const moat_x509_cert *c = cert_of(ctx, ctx->path[i]);
        if (c == NULL || moat_hash(MOAT_HASH_SHA256, c->spki.ptr, c->spki.len, h) != MOAT_OK) {
            return MOAT_ERR_INTERNAL;
        }
        for (p = 0; p < s->pin_count && p < MOAT_X509_MAX_RUNTIME_ANCHORS; p++) {
            if (memcmp(h, s->pins[p], sizeof h) == 0) {
                return MOAT_OK;
            }
        }
    }
    return MOAT_ERR_X509_PIN_MISMATCH;
}

/*
 * THE DECISION. ctx->path[0..path_len) is a complete candidate path: the
 * leaf (certs[0]) first, a trust anchor last (or the leaf alone when it is
 * itself byte-identical to an anchor). Every check of docs/x509-policy.md
 * runs here; MOAT_OK means the path is valid.
 */
static moat_err validate_path(vctx *ctx, int *failed)
{
    size_t k, j;
    moat_err err;

    *failed = NO_ID;
    if (ctx->path_len == 0u || ctx->path_len > ctx->max_depth || ctx->path[0] != 0) {
        return MOAT_ERR_INTERNAL;
    }
    if (ctx->path_len == 1u) {
        if (!ctx->leaf_is_anchor) {
            return MOAT_ERR_INTERNAL;
        }
    } else if (ctx->path[ctx->path_len - 1u] >= 0 ||
               ctx->path[ctx->path_len - 1u] != ctx->anchor_id) {
        return MOAT_ERR_INTERNAL; /* the top must be the parsed anchor */
    }
    for (k = 1; k + 1u < ctx->path_len; k++) {
        if (ctx->path[k] < 0) {
            return MOAT_ERR_INTERNAL; /* anchors only at the top */
        }
        for (j = 0; j < k; j++) {
            if (ctx->path[j] == ctx->path[k]) {
                return MOAT_ERR_INTERNAL; /* each certificate once */
            }
        }
    }
    err = check_leaf(ctx, failed);
    if (err != MOAT_OK) {
        return err;
    }
    for (k = 1; k < ctx->path_len; k++) {
        err = check_issuer(ctx, k, failed);
        if (err != MOAT_OK) {
            return err;
        }
    }
    *failed = NO_ID;
    return check_pins(ctx);
}

/* ---------------------------------------------------------- path building */

static void record(vctx *ctx, moat_err err, int failed_id, unsigned rank)
{
    if (ctx->best.err != MOAT_OK && rank <= ctx->best.rank) {
        return; /* keep the first of the most advanced failures */
    }
    ctx->best.err = err;
    ctx->best.failed_id = failed_id;
    ctx->best.rank = rank;
    ctx->best.path_len = ctx->path_len;
    memcpy(ctx->best.path, ctx->path, sizeof ctx->path);
}

/* The subject Name TLV of a DER certificate, without a full parse
 * (Certificate -> TBSCertificate -> [0] version? serial sig issuer
 * validity subject; RFC 5280 section 4.1). */
static bool der_subject(const uint8_t *der, size_t len, moat_x509_bytes *subject)
{
    moat_der_reader r, cert, tbs;
    const uint8_t *v;
    size_t vlen, start;
    uint8_t tag;
    unsigned i;

    moat_der_reader_init(&r, der, len);
    if (moat_der_enter(&r, MOAT_DER_TAG_SEQUENCE, &cert) != MOAT_OK ||
        moat_der_enter(&cert, MOAT_DER_TAG_SEQUENCE, &tbs) != MOAT_OK ||
        moat_der_peek_tag(&tbs, &tag) != MOAT_OK) {
        return false;
    }
    if (tag == MOAT_DER_TAG_CTX_CONS(0) && moat_der_read_tlv(&tbs, &tag, &v, &vlen) != MOAT_OK) {
        return false;
    }
    for (i = 0; i < 4u; i++) { /* serial, signature, issuer, validity */
        if (moat_der_read_tlv(&tbs, &tag, &v, &vlen) != MOAT_OK) {
            return false;
        }
    }
    start = tbs.pos;
    if (moat_der_expect(&tbs, MOAT_DER_TAG_SEQUENCE, &v, &vlen) != MOAT_OK) {
        return false;
    }
    subject->ptr = tbs.buf + start;
    subject->len = tbs.pos - start;
    return true;
}

static bool in_path(const vctx *ctx, int id)
{
    size_t i;
    for (i = 0; i < ctx->path_len; i++) {
        if (ctx->path[i] == id) {
            return true;
        }
    }
    return false;
}

/* Key-identifier class of a candidate issuer: 0 = AKI and SKI both present
 * and equal (tried first), 1 = one of them absent, 2 = both present and
 * different (not an issuer: skipped, as RFC 5280 4.2.1.1 intends). */
static unsigned kid_class(const moat_x509_cert *child, const moat_x509_cert *cand)
{
    if (child->aki.len == 0u || cand->ski.len == 0u) {
        return 1u;
    }
    return bytes_eq(&child->aki, &cand->ski) ? 0u : 2u;
}

static moat_err extend(vctx *ctx);

/* Try candidate @p id (already parsed) at position k = ctx->path_len. */
static moat_err try_candidate(vctx *ctx, int id)
{
    size_t k = ctx->path_len;
    int failed;
    moat_err err;

    if (++ctx->steps > MOAT_X509_MAX_BUILD_STEPS) {
        return MOAT_ERR_X509_SEARCH_LIMIT;
    }
    ctx->path[k] = id;
    ctx->path_len = k + 1u;
    err = check_issuer(ctx, k, &failed);
    if (err == MOAT_OK) {
        if (id < 0) {
            err = validate_path(ctx, &failed);
        } else {
            err = extend(ctx);
            if (err == MOAT_ERR_X509_NO_ISSUER) {
                ctx->path_len = k;
                return err; /* failures above were recorded by extend() */
            }
        }
        if (err == MOAT_OK || err == MOAT_ERR_X509_SEARCH_LIMIT) {
            return err;
        }
    } else if (err == MOAT_ERR_X509_SEARCH_LIMIT) {
        return err;
    }
    record(ctx, err, failed, 2u * (unsigned)k + (err == MOAT_ERR_X509_BAD_SIGNATURE ? 0u : 1u));
    ctx->path_len = k;
    return MOAT_ERR_X509_NO_ISSUER;
}

/*
 * Find an issuer for the certificate on top of the path and continue.
 * Returns MOAT_OK (ctx->path is a valid path), MOAT_ERR_X509_SEARCH_LIMIT,
 * or MOAT_ERR_X509_NO_ISSUER (every alternative failed; recorded).
 * Candidates: anchors, then bag certificates, whose subject equals the
 * child's issuer; those whose SKI equals the child's AKI first.
 */
static moat_err extend(vctx *ctx)
{
    size_t k = ctx->path_len;
    int child_id = ctx->path[k - 1u];
    const moat_x509_cert *child = cert_of(ctx, child_id);
    bool any = false, too_deep = false;
    unsigned pass;
    size_t i;
    moat_err err;

    if (child == NULL) {
        return MOAT_ERR_INTERNAL;
    }
    for (pass = 0; pass < 2u; pass++) {
        for (i = 0; i < ctx->anchor_total; i++) {
            const uint8_t *der;
            size_t len;
            moat_x509_bytes subj;
            int id = -(int)i - 1;
            if (!moat_x509_store_anchor_der(ctx->store, i, &der, &len) ||
                !der_subject(der, len, &subj) || !name_eq(&subj, &child->issuer)) {
                continue;
            }
            if (ctx->anchor_id != id) {
                ctx->anchor_id = NO_ID;
                if (moat_x509_parse(der, len, &ctx->work->anchor) != MOAT_OK) {
                    continue; /* unusable anchor: skipped */
                }
                ctx->anchor_id = id;
            }
            if (kid_class(child, &ctx->work->anchor) != pass) {
                continue;
            }
            any = true;
            if (k >= ctx->max_depth) {
                too_deep = true;
                continue;
            }
            err = try_candidate(ctx, id);
            if (err != MOAT_ERR_X509_NO_ISSUER) {
                return err;
            }
        }
        for (i = 1; i < ctx->n; i++) {
            const moat_x509_cert *c = &ctx->work->certs[i];
            int id = (int)i;
            if (!ctx->usable[i] || !name_eq(&c->subject, &child->issuer) ||
                kid_class(child, c) != pass || in_path(ctx, id)) {
                continue;
            }
            any = true;
            if (k + 1u >= ctx->max_depth) {
                too_deep = true; /* no room left for an anchor above it */
                continue;
            }
            err = try_candidate(ctx, id);
            if (err != MOAT_ERR_X509_NO_ISSUER) {
                return err;
            }
        }
    }
    if (too_deep) {
        record(ctx, MOAT_ERR_X509_TOO_DEEP, child_id, 2u * (unsigned)k + 1u);
    } else if (!any) {
        record(ctx, MOAT_ERR_X509_NO_ISSUER, child_id, 2u * (unsigned)k);
    }
    return MOAT_ERR_X509_NO_ISSUER;
}

/* ------------------------------------------------------------- the API */

static moat_err check_params(const moat_x509_verify_params *p, vctx *ctx)
{
    size_t hlen;

    switch (p->purpose) {
    case MOAT_X509_PURPOSE_ANY:
        ctx->purpose_oid = NULL;
        ctx->purpose_oid_len = 0;
        break;
    case MOAT_X509_PURPOSE_SERVER_AUTH:
        ctx->purpose_oid = OID_KP_SERVER_AUTH;
        ctx->purpose_oid_len = sizeof OID_KP_SERVER_AUTH;
        break;
    case MOAT_X509_PURPOSE_CLIENT_AUTH:
        ctx->purpose_oid = OID_KP_CLIENT_AUTH;
        ctx->purpose_oid_len = sizeof OID_KP_CLIENT_AUTH;
        break;
    case MOAT_X509_PURPOSE_CUSTOM:
        if (p->purpose_oid.ptr == NULL || p->purpose_oid.len == 0u) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        ctx->purpose_oid = p->purpose_oid.ptr;
        ctx->purpose_oid_len = p->purpose_oid.len;
        break;
    default:
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (p->dns_name != NULL) {
        hlen = strlen(p->dns_name);
        /* The fully-qualified form "host.example." names the same host:
         * drop one trailing dot, then require a syntactically valid host
         * name (no empty labels, no wildcard) that is not an IP literal:
         * an IP given as a DNS name would escape iPAddress name
         * constraints, so IPs go through params->ip only. */
        if (hlen > 0u && p->dns_name[hlen - 1u] == '.') {
            hlen--;
        }
        if (hlen == 0u || hlen > VERIFY_MAX_HOST ||
            !moat_x509i_dns_name_ok((const uint8_t *)p->dns_name, hlen, false) ||
            memchr(p->dns_name, '*', hlen) != NULL ||
            moat_x509i_is_ip_literal(p->dns_name, hlen)) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
        ctx->host_len = hlen;
    }
    if (p->ip != NULL && p->ip_len != 4u && p->ip_len != 16u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (p->max_depth > MOAT_X509_MAX_DEPTH) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ctx->max_depth = p->max_depth == 0u ? MOAT_X509_MAX_DEPTH : p->max_depth;
    if (!p->no_time && p->now <= 0) {
        return MOAT_ERR_X509_NO_TIME; /* a zeroed time is not a time */
    }
    return MOAT_OK;
}

static bool der_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static void finish(moat_err err, int failed_id, const int *path, size_t path_len,
                   moat_x509_verify_result *result)
{
    size_t i;
    if (result == NULL) {
        return;
    }
    memset(result, 0, sizeof *result);
    result->err = err;
    result->failed_index = (err != MOAT_OK && failed_id >= 0) ? failed_id : -1;
    if (path != NULL) {
        for (i = 0; i < path_len && i < MOAT_X509_MAX_DEPTH; i++) {
            result->path[i] = path[i];
        }
        result->path_len = i;
    }
}

moat_err moat_x509_verify(const moat_x509_store *store,
                          const uint8_t *const *certs, const size_t *lens, size_t n,
                          const moat_x509_verify_params *params,
                          moat_x509_verify_work *work,
                          moat_x509_verify_result *result)
{
    vctx ctx;
    moat_err err;
    size_t i, j, a;
    int failed = NO_ID;

    memset(&ctx, 0, sizeof ctx);
    ctx.anchor_id = NO_ID;
    if (result != NULL) {
        memset(result, 0, sizeof *result);
        result->failed_index = -1;
    }
    if (store == NULL || certs == NULL || lens == NULL || n == 0u || params == NULL ||
        work == NULL) {
        finish(MOAT_ERR_INVALID_ARGUMENT, NO_ID, NULL, 0, result);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (n > MOAT_X509_MAX_CANDIDATES) {
        finish(MOAT_ERR_X509_TOO_MANY, NO_ID, NULL, 0, result);
        return MOAT_ERR_X509_TOO_MANY; /* before any parsing: O(1) */
    }
    err = check_params(params, &ctx);
    if (err != MOAT_OK) {
        finish(err, NO_ID, NULL, 0, result);
        return err;
    }
    ctx.store = store;
    ctx.params = params;
    ctx.work = work;
    ctx.n = n;
    ctx.anchor_total = moat_x509_store_anchor_total(store);

    /* Parse the leaf (its errors are the caller's) and the bag (malformed
     * members, duplicates and copies of anchors are skipped). */
    for (i = 0; i < n; i++) {
        if (certs[i] == NULL) {
            err = MOAT_ERR_INVALID_ARGUMENT;
        } else {
            err = moat_x509_parse(certs[i], lens[i], &work->certs[i]);
        }
        if (i == 0u && err != MOAT_OK) {
            finish(err, 0, NULL, 0, result);
            return err;
        }
        ctx.usable[i] = err == MOAT_OK;
        for (j = 0; ctx.usable[i] && j < i; j++) {
            if (ctx.usable[j] && der_equal(certs[i], lens[i], certs[j], lens[j])) {
                ctx.usable[i] = false;
            }
        }
        for (a = 0; ctx.usable[i] && a < ctx.anchor_total; a++) {
            const uint8_t *der;
            size_t len;
            if (moat_x509_store_anchor_der(store, a, &der, &len) &&
                der_equal(certs[i], lens[i], der, len)) {
                if (i == 0u) {
                    ctx.leaf_is_anchor = true;
                    if (moat_x509_parse(der, len, &work->anchor) == MOAT_OK) {
                        ctx.anchor_id = -(int)a - 1;
                    }
                }
                ctx.usable[i] = false;
            }
        }
    }

    ctx.path[0] = 0;
    ctx.path_len = 1;
    err = check_leaf(&ctx, &failed);
    if (err == MOAT_OK && ctx.leaf_is_anchor) {
        /* The leaf itself is trusted: the path is the leaf alone. */
        err = validate_path(&ctx, &failed);
    } else if (err == MOAT_OK) {
        err = extend(&ctx);
        if (err == MOAT_ERR_X509_NO_ISSUER) {
            err = ctx.best.err != MOAT_OK ? ctx.best.err : MOAT_ERR_X509_NO_ISSUER;
            failed = ctx.best.err != MOAT_OK ? ctx.best.failed_id : 0;
            /* A self-signed leaf with no issuer at all is reported as such. */
            if (err == MOAT_ERR_X509_NO_ISSUER && failed == 0 && ctx.best.rank == 2u &&
                self_issued(&work->certs[0]) &&
                verify_signature(&work->certs[0], &work->certs[0]) == MOAT_OK) {
                err = MOAT_ERR_X509_SELF_SIGNED_LEAF;
            }
            finish(err, failed, ctx.best.path, ctx.best.path_len, result);
            return err;
        }
        if (err == MOAT_ERR_X509_SEARCH_LIMIT) {
            failed = NO_ID;
        }
    }
    finish(err, failed, ctx.path, ctx.path_len, result);
    return err;
}
