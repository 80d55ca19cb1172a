/**
 * @file tls_engine.c
 * @brief The BearSSL TLS 1.2 engine behind moat_tls (see tls_engine.h).
 *
 * Configuration (RFC 5246 TLS 1.2 only; RFC 8422 ECDHE-ECDSA; RFC 5289 /
 * RFC 7905 suites): versions min = max = TLS 1.2, the three allowed suites,
 * SHA-256/SHA-384 only (handshake hashes and signature algorithms; no SHA-1,
 * no MD5), ECDHE over P-256/P-384, no renegotiation.
 *
 * Three small classes plug moat into the engine:
 *  - an X.509 class: start_chain/start_cert/append/end_cert collect the
 *    peer's certificates into the caller's buffer (bounded by
 *    MOAT_X509_MAX_CANDIDATES, MOAT_X509_MAX_CERT_SIZE and the buffer), and
 *    end_chain calls moat_x509_verify() with the role's purpose, the
 *    expected name and the configured time; only then is the leaf's EC key
 *    handed to the engine (get_pkey) for the ServerKeyExchange /
 *    CertificateVerify signature;
 *  - a client-certificate class and a server-policy class that pick the
 *    suite and hash and sign through moat_signer_sign_digest(), so the key
 *    may live in the port;
 *  - an ECDSA verifier that insists on strict DER (BearSSL 0.6's ASN.1
 *    decoder accepts some non-DER forms) before BearSSL's raw verification.
 */
#include <string.h>

#include "crypto/internal.h"
#include "crypto/tls_engine.h"
#include "moat/core.h"

/** Own chain and CertificateRequest name bounds (mirrored in moat/tls.h). */
#define TLS_MAX_OWN_CHAIN 8u
#define TLS_MAX_CA_NAMES 16u

struct tls_impl;

typedef struct tls_x509 {
    const br_x509_class *vtable; /* must be first */
    struct tls_impl *owner;
} tls_x509;

typedef struct tls_ccert {
    const br_ssl_client_certificate_class *vtable; /* must be first */
    struct tls_impl *owner;
} tls_ccert;

typedef struct tls_policy {
    const br_ssl_server_policy_class *vtable; /* must be first */
    struct tls_impl *owner;
} tls_policy;

typedef struct tls_impl {
    union {
        br_ssl_engine_context eng;
        br_ssl_client_context c;
        br_ssl_server_context s;
    } u;
    br_ec_impl ec;                                  /* default impl, curves restricted */
    tls_x509 xc;
    tls_ccert cc;
    tls_policy pol;
    moat_tls_engine_params p;
    uint16_t suites[3];
    size_t suite_count;
    br_x509_certificate own[TLS_MAX_OWN_CHAIN];
    size_t own_count;
    br_x500_name names[TLS_MAX_CA_NAMES];
    size_t name_count;
    /* peer chain collection */
    const uint8_t *peer[MOAT_X509_MAX_CANDIDATES];
    size_t peer_len[MOAT_X509_MAX_CANDIDATES];
    size_t peer_count;
    size_t peer_used;
    size_t cur_len;
    size_t cur_got;
    moat_err collect_err;
    bool no_peer_cert;
    bool peer_verified;
    moat_err x509_err;
    int x509_failed;
    br_x509_pkey pkey;
    unsigned char pkey_q[MOAT_EC_PUB_MAX];
    /* own key, policy */
    moat_err signer_err;
    bool choose_called;
    uint8_t offered_id[32];
    bool offered;
} tls_impl;

_Static_assert(sizeof(tls_impl) <= sizeof(moat_tls_engine), "MOAT_TLS_ENGINE_SIZE too small");
_Static_assert(sizeof(br_ssl_session_parameters) <= MOAT_TLS_ENGINE_SESSION_SIZE,
               "MOAT_TLS_ENGINE_SESSION_SIZE too small");
_Static_assert(sizeof(br_ssl_session_cache_lru) <= MOAT_TLS_ENGINE_CACHE_SIZE,
               "MOAT_TLS_ENGINE_CACHE_SIZE too small");

/* The allowed suites, in the server's order of preference. */
static const uint16_t k_suites[3] = {
    BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
};

static tls_impl *impl_of(moat_tls_engine *e)
{
    return (tls_impl *)(void *)e;
}

static const tls_impl *cimpl_of(const moat_tls_engine *e)
{
    return (const tls_impl *)(const void *)e;
}

static unsigned char *unconst(const uint8_t *p)
{
    /* BearSSL's certificate and name structures carry non-const pointers
     * but never write through them. */
    return (unsigned char *)(uintptr_t)p;
}

/* ------------------------------------------------------ hash selection */

static moat_hash_alg hash_of_id(int id)
{
    switch (id) {
    case br_sha256_ID:
        return MOAT_HASH_SHA256;
    case br_sha384_ID:
        return MOAT_HASH_SHA384;
    case br_sha512_ID:
        return MOAT_HASH_SHA512;
    default:
        return (moat_hash_alg)0;
    }
}

/* Pick the hash for our ECDSA signature among the ids in @p mask (bit x =
 * hash id x): the curve's own hash first, then SHA-256, SHA-384. */
static int pick_hash(const tls_impl *m, uint32_t mask)
{
    int pref = m->p.signer != NULL && m->p.signer->curve == MOAT_CURVE_P384 ? br_sha384_ID
                                                                           : br_sha256_ID;
    if ((mask >> pref) & 1u) {
        return pref;
    }
    if ((mask >> br_sha256_ID) & 1u) {
        return br_sha256_ID;
    }
    if ((mask >> br_sha384_ID) & 1u) {
        return br_sha384_ID;
    }
    return -1;
}

/* Sign the hash in data[0..hv_len) with the moat signer; write the DER
 * signature back into data (capacity len). Returns its length, 0 on error
 * (recorded in signer_err). */
static size_t sign_into(tls_impl *m, int hash_id, unsigned char *data, size_t hv_len,
                        size_t len)
{
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    uint8_t der[MOAT_ECDSA_DER_MAX];
    size_t dl = 0u;
    moat_hash_alg alg = hash_of_id(hash_id);
    moat_err err;

    if (m->p.signer == NULL || alg == (moat_hash_alg)0) {
        m->signer_err = MOAT_ERR_UNSUPPORTED;
        return 0u;
    }
    err = moat_signer_sign_digest(m->p.signer, alg, data, hv_len, raw);
    if (err == MOAT_OK) {
        err = moat_ecdsa_raw_to_der(m->p.signer->curve, raw,
                                    2u * moat_curve_size(m->p.signer->curve), der,
                                    sizeof(der), &dl);
    }
    if (err == MOAT_OK && dl > len) {
        err = MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (err == MOAT_OK) {
        memcpy(data, der, dl);
    }
    moat_wipe(raw, sizeof(raw));
    moat_wipe(der, sizeof(der));
    if (err != MOAT_OK) {
        m->signer_err = err;
        return 0u;
    }
    return dl;
}

/* ------------------------------------------------------ X.509 class */

static void xc_start_chain(const br_x509_class **ctx, const char *server_name)
{
    tls_impl *m = ((tls_x509 *)(void *)ctx)->owner;

    (void)server_name; /* the name checked is the configured one */
    m->peer_count = 0u;
    m->peer_used = 0u;
    m->cur_len = 0u;
    m->cur_got = 0u;
    m->collect_err = MOAT_OK;
    m->no_peer_cert = false;
    m->peer_verified = false;
    m->x509_err = MOAT_OK;
    m->x509_failed = -1;
}

static void xc_start_cert(const br_x509_class **ctx, uint32_t length)
{
    tls_impl *m = ((tls_x509 *)(void *)ctx)->owner;

    m->cur_len = 0u;
    m->cur_got = 0u;
    if (m->collect_err != MOAT_OK) {
        return;
    }
    if (m->peer_count >= MOAT_X509_MAX_CANDIDATES) {
        m->collect_err = MOAT_ERR_X509_TOO_MANY;
    } else if (length > MOAT_X509_MAX_CERT_SIZE ||
               (size_t)length > m->p.peer_buf_len - m->peer_used) {
        m->collect_err = MOAT_ERR_INPUT_TOO_LARGE;
    } else {
        m->cur_len = length;
    }
}

static void xc_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
    tls_impl *m = ((tls_x509 *)(void *)ctx)->owner;

    if (m->collect_err != MOAT_OK) {
        return;
    }
    if (len > m->cur_len - m->cur_got) {
        m->collect_err = MOAT_ERR_INPUT_TOO_LARGE; /* not expected: BearSSL bounds it */
        return;
    }
    memcpy(m->p.peer_buf + m->peer_used + m->cur_got, buf, len);
    m->cur_got += len;
}

static void xc_end_cert(const br_x509_class **ctx)
{
    tls_impl *m = ((tls_x509 *)(void *)ctx)->owner;

    if (m->collect_err != MOAT_OK) {
        return;
    }
    if (m->cur_got != m->cur_len) {
        m->collect_err = MOAT_ERR_DER_TRUNCATED;
        return;
    }
    m->peer[m->peer_count] = m->p.peer_buf + m->peer_used;
    m->peer_len[m->peer_count] = m->cur_len;
    m->peer_count++;
    m->peer_used += m->cur_len;
}

static unsigned xc_end_chain(const br_x509_class **ctx)
{
    tls_impl *m = ((tls_x509 *)(void *)ctx)->owner;
    moat_x509_verify_params vp;
    moat_x509_verify_result res;
    const moat_x509_cert *leaf;
    moat_err err;

    if (m->collect_err != MOAT_OK) {
        m->x509_err = m->collect_err;
        return BR_ERR_X509_LIMIT_EXCEEDED;
    }
    if (m->peer_count == 0u) {
        m->no_peer_cert = true;
        return BR_ERR_X509_EMPTY_CHAIN;
    }
    memset(&vp, 0, sizeof(vp));
    memset(&res, 0, sizeof(res));
    res.failed_index = -1;
    vp.now = m->p.now;
    vp.no_time = m->p.no_time;
    vp.purpose = m->p.server ? MOAT_X509_PURPOSE_CLIENT_AUTH : MOAT_X509_PURPOSE_SERVER_AUTH;
    vp.leaf_must_not_be_ca = true;
    if (!m->p.server) {
        vp.dns_name = m->p.peer_name;
        vp.ip = m->p.peer_ip;
        vp.ip_len = m->p.peer_ip != NULL ? m->p.peer_ip_len : 0u;
    }
    err = MOAT_OK;
    if (m->p.time_port != NULL) {
        err = moat_x509_params_time_from_port(&vp, m->p.time_port);
    }
    if (err == MOAT_OK) {
        err = moat_x509_verify(m->p.store, m->peer, m->peer_len, m->peer_count, &vp, m->p.work,
                               &res);
    }
    if (err != MOAT_OK) {
        m->x509_err = err;
        m->x509_failed = res.failed_index;
        return BR_ERR_X509_NOT_TRUSTED;
    }
    /* The leaf, as parsed by the verification (certs[0] is the caller's
     * first entry). Only an EC key of a curve the engine knows is used. */
    leaf = &m->p.work->certs[0];
    if (leaf->der.ptr != m->peer[0] || leaf->key_type != MOAT_X509_KEY_EC ||
        moat_crypto_br_curve(leaf->ec_key.curve) == 0 ||
        leaf->ec_key.q_len > sizeof(m->pkey_q)) {
        m->x509_err = MOAT_ERR_X509_UNSUPPORTED_ALG;
        m->x509_failed = 0;
        return BR_ERR_X509_WRONG_KEY_TYPE;
    }
    memcpy(m->pkey_q, leaf->ec_key.q, leaf->ec_key.q_len);
    m->pkey.key_type = BR_KEYTYPE_EC;
    m->pkey.key.ec.curve = moat_crypto_br_curve(leaf->ec_key.curve);
    m->pkey.key.ec.q = m->pkey_q;
    m->pkey.key.ec.qlen = leaf->ec_key.q_len;
    m->peer_verified = true;
    return 0u;
}

static const br_x509_pkey *xc_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
    const tls_impl *m = ((const tls_x509 *)(const void *)ctx)->owner;

    if (!m->peer_verified) {
        return NULL;
    }
    if (usages != NULL) {
        *usages = BR_KEYTYPE_EC | BR_KEYTYPE_SIGN;
    }
    return &m->pkey;
}

static const br_x509_class k_x509_class = {
    sizeof(tls_x509), xc_start_chain, xc_start_cert, xc_append,
    xc_end_cert,      xc_end_chain,   xc_get_pkey,
};

/* ------------------------------------------------ client certificate */

static void cc_start_name_list(const br_ssl_client_certificate_class **pctx)
{
    (void)pctx;
}

static void cc_start_name(const br_ssl_client_certificate_class **pctx, size_t len)
{
    (void)pctx;
    (void)len;
}

static void cc_append_name(const br_ssl_client_certificate_class **pctx,
                           const unsigned char *data, size_t len)
{
    (void)pctx;
    (void)data;
    (void)len;
}

static void cc_end_name(const br_ssl_client_certificate_class **pctx)
{
    (void)pctx;
}

static void cc_end_name_list(const br_ssl_client_certificate_class **pctx)
{
    (void)pctx;
}

static void cc_choose(const br_ssl_client_certificate_class **pctx,
                      const br_ssl_client_context *cc, uint32_t auth_types,
                      br_ssl_client_certificate *choices)
{
    tls_impl *m = ((tls_ccert *)(void *)pctx)->owner;
    int h;

    (void)cc;
    memset(choices, 0, sizeof(*choices));
    if (m->own_count == 0u) {
        return; /* no certificate: an empty Certificate message */
    }
    h = pick_hash(m, (auth_types >> 8) & 0xFFu);
    if (h < 0) {
        return; /* no common ECDSA hash: the server decides */
    }
    choices->auth_type = BR_AUTH_ECDSA;
    choices->hash_id = h;
    choices->chain = m->own;
    choices->chain_len = m->own_count;
}

static uint32_t cc_do_keyx(const br_ssl_client_certificate_class **pctx, unsigned char *data,
                           size_t *len)
{
    (void)pctx;
    (void)data;
    (void)len;
    return 0u; /* static ECDH is never negotiated (ECDHE suites only) */
}

static size_t cc_do_sign(const br_ssl_client_certificate_class **pctx, int hash_id,
                         size_t hv_len, unsigned char *data, size_t len)
{
    tls_impl *m = ((tls_ccert *)(void *)pctx)->owner;

    return sign_into(m, hash_id, data, hv_len, len);
}

static const br_ssl_client_certificate_class k_ccert_class = {
    sizeof(tls_ccert), cc_start_name_list, cc_start_name, cc_append_name, cc_end_name,
    cc_end_name_list,  cc_choose,          cc_do_keyx,    cc_do_sign,
};

/* ----------------------------------------------------- server policy */

static int pol_choose(const br_ssl_server_policy_class **pctx, const br_ssl_server_context *cc,
                      br_ssl_server_choices *choices)
{
    tls_impl *m = ((tls_policy *)(void *)pctx)->owner;
    const br_suite_translated *st;
    size_t num = 0u, i, k;
    int h;

    m->choose_called = true;
    memset(choices, 0, sizeof(*choices));
    st = br_ssl_server_get_client_suites(cc, &num);
    h = pick_hash(m, (br_ssl_server_get_client_hashes(cc) >> 8) & 0xFFu);
    if (h < 0) {
        return 0;
    }
    for (k = 0u; k < m->suite_count; ++k) {
        for (i = 0u; i < num; ++i) {
            if (st[i][0] == m->suites[k]) {
                choices->cipher_suite = m->suites[k];
                choices->algo_id = 0xFF00u + (unsigned)h;
                choices->chain = m->own;
                choices->chain_len = m->own_count;
                return 1;
            }
        }
    }
    return 0;
}

static uint32_t pol_do_keyx(const br_ssl_server_policy_class **pctx, unsigned char *data,
                            size_t *len)
{
    (void)pctx;
    (void)data;
    (void)len;
    return 0u; /* RSA / static ECDH key exchange never negotiated */
}

static size_t pol_do_sign(const br_ssl_server_policy_class **pctx, unsigned algo_id,
                          unsigned char *data, size_t hv_len, size_t len)
{
    tls_impl *m = ((tls_policy *)(void *)pctx)->owner;

    if (algo_id < 0xFF00u) {
        m->signer_err = MOAT_ERR_UNSUPPORTED;
        return 0u;
    }
    return sign_into(m, (int)(algo_id & 0xFFu), data, hv_len, len);
}

static const br_ssl_server_policy_class k_policy_class = {
    sizeof(tls_policy), pol_choose, pol_do_keyx, pol_do_sign,
};

/* ------------------------------------------------- strict ECDSA verify */

static uint32_t strict_ecdsa_vrfy(const br_ec_impl *impl, const void *hash, size_t hash_len,
                                  const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    size_t rl = 0u;
    moat_curve c;

    if (pk->curve == BR_EC_secp256r1) {
        c = MOAT_CURVE_P256;
    } else if (pk->curve == BR_EC_secp384r1) {
        c = MOAT_CURVE_P384;
    } else {
        return 0u;
    }
    if (moat_ecdsa_der_to_raw(c, (const uint8_t *)sig, sig_len, raw, sizeof(raw), &rl) !=
        MOAT_OK) {
        return 0u;
    }
    return br_ecdsa_i31_vrfy_raw(impl, hash, hash_len, pk, raw, rl);
}

/* ------------------------------------------------------------ set-up */

static void collect_names(tls_impl *m)
{
    const moat_x509_store *s = m->p.store;
    size_t i;

    m->name_count = 0u;
    for (i = 0u; i < s->builtin_count + s->runtime_count && m->name_count < TLS_MAX_CA_NAMES;
         ++i) {
        const moat_x509_anchor *a = i < s->builtin_count ? &s->builtin[i]
                                                         : &s->runtime[i - s->builtin_count];
        if (moat_x509_parse(a->der, a->len, &m->p.work->anchor) != MOAT_OK) {
            continue;
        }
        m->names[m->name_count].data = unconst(m->p.work->anchor.subject.ptr);
        m->names[m->name_count].len = m->p.work->anchor.subject.len;
        m->name_count++;
    }
    memset(&m->p.work->anchor, 0, sizeof(m->p.work->anchor));
}

moat_err moat_tls_engine_init(moat_tls_engine *e, const moat_tls_engine_params *p)
{
    tls_impl *m = impl_of(e);
    br_ssl_engine_context *eng;
    size_t i;
    int ok;

    if (e == NULL || p == NULL || p->io_buf == NULL || p->store == NULL || p->work == NULL ||
        p->peer_buf == NULL || p->chain_count > TLS_MAX_OWN_CHAIN ||
        p->io_buf_len < BR_SSL_BUFSIZE_MONO) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(m, sizeof(*m));
    m->p = *p;
    m->x509_failed = -1;
    for (i = 0u; i < 3u; ++i) {
        if (p->suites & (1u << i)) {
            m->suites[m->suite_count++] = k_suites[i];
        }
    }
    if (m->suite_count == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    for (i = 0u; i < p->chain_count; ++i) {
        m->own[i].data = unconst(p->chain[i]);
        m->own[i].data_len = p->chain_lens[i];
    }
    m->own_count = p->chain_count;

    if (p->server) {
        br_ssl_server_zero(&m->u.s);
    } else {
        br_ssl_client_zero(&m->u.c);
    }
    eng = &m->u.eng;
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, m->suites, m->suite_count);
    br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
    br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    br_ssl_engine_set_default_aes_gcm(eng);
    br_ssl_engine_set_default_chapol(eng);
    m->ec = *moat_crypto_ec_impl();
    m->ec.supported_curves &= (1u << BR_EC_secp256r1) | (1u << BR_EC_secp384r1);
    br_ssl_engine_set_ec(eng, &m->ec);
    br_ssl_engine_set_ecdsa(eng, strict_ecdsa_vrfy);
    m->xc.vtable = &k_x509_class;
    m->xc.owner = m;
    br_ssl_engine_set_x509(eng, &m->xc.vtable);
    br_ssl_engine_set_buffer(eng, p->io_buf, p->io_buf_len,
                             p->io_buf_len >= BR_SSL_BUFSIZE_BIDI ? 1 : 0);
    br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION |
                                     (p->server ? BR_OPT_ENFORCE_SERVER_PREFERENCES : 0u));
    br_ssl_engine_inject_entropy(eng, p->seed, p->seed_len);

    if (p->server) {
        m->pol.vtable = &k_policy_class;
        m->pol.owner = m;
        br_ssl_server_set_policy(&m->u.s, &m->pol.vtable);
        if (p->cache != NULL) {
            br_ssl_server_set_cache(&m->u.s, (const br_ssl_session_cache_class **)p->cache);
        }
        if (p->require_client_cert) {
            collect_names(m);
            if (m->name_count == 0u) {
                moat_wipe(m, sizeof(*m));
                return MOAT_ERR_INVALID_ARGUMENT;
            }
            br_ssl_server_set_trust_anchor_names(&m->u.s, m->names, m->name_count);
        }
        ok = br_ssl_server_reset(&m->u.s);
    } else {
        m->cc.vtable = &k_ccert_class;
        m->cc.owner = m;
        br_ssl_client_set_client_certificate(&m->u.c, &m->cc.vtable);
        if (p->resume != NULL) {
            br_ssl_session_parameters sp;
            memcpy(&sp, p->resume, sizeof(sp));
            if (sp.session_id_len == sizeof(m->offered_id) && sp.version == BR_TLS12) {
                br_ssl_engine_set_session_parameters(eng, &sp);
                memcpy(m->offered_id, sp.session_id, sizeof(m->offered_id));
                m->offered = true;
            }
            moat_wipe(&sp, sizeof(sp));
        }
        ok = br_ssl_client_reset(&m->u.c, p->peer_name, m->offered ? 1 : 0);
    }
    if (!ok) {
        int be = br_ssl_engine_last_error(eng);
        moat_wipe(m, sizeof(*m));
        return be == BR_ERR_NO_RANDOM ? MOAT_ERR_CRYPTO_RNG_FAILED : MOAT_ERR_INTERNAL;
    }
    return MOAT_OK;
}

/* -------------------------------------------------------------- I/O */

unsigned moat_tls_engine_state(const moat_tls_engine *e)
{
    return br_ssl_engine_current_state(&cimpl_of(e)->u.eng);
}

uint8_t *moat_tls_engine_sendrec(moat_tls_engine *e, size_t *len)
{
    return br_ssl_engine_sendrec_buf(&impl_of(e)->u.eng, len);
}

void moat_tls_engine_sendrec_ack(moat_tls_engine *e, size_t len)
{
    br_ssl_engine_sendrec_ack(&impl_of(e)->u.eng, len);
}

uint8_t *moat_tls_engine_recvrec(moat_tls_engine *e, size_t *len)
{
    return br_ssl_engine_recvrec_buf(&impl_of(e)->u.eng, len);
}

void moat_tls_engine_recvrec_ack(moat_tls_engine *e, size_t len)
{
    br_ssl_engine_recvrec_ack(&impl_of(e)->u.eng, len);
}

uint8_t *moat_tls_engine_sendapp(moat_tls_engine *e, size_t *len)
{
    return br_ssl_engine_sendapp_buf(&impl_of(e)->u.eng, len);
}

void moat_tls_engine_sendapp_ack(moat_tls_engine *e, size_t len)
{
    br_ssl_engine_sendapp_ack(&impl_of(e)->u.eng, len);
}

uint8_t *moat_tls_engine_recvapp(moat_tls_engine *e, size_t *len)
{
    return br_ssl_engine_recvapp_buf(&impl_of(e)->u.eng, len);
}

void moat_tls_engine_recvapp_ack(moat_tls_engine *e, size_t len)
{
    br_ssl_engine_recvapp_ack(&impl_of(e)->u.eng, len);
}

void moat_tls_engine_flush(moat_tls_engine *e)
{
    br_ssl_engine_flush(&impl_of(e)->u.eng, 0);
}

void moat_tls_engine_close(moat_tls_engine *e)
{
    br_ssl_engine_close(&impl_of(e)->u.eng);
}

/* ----------------------------------------------------------- results */

void moat_tls_engine_report_get(const moat_tls_engine *e, moat_tls_engine_report *r)
{
    const tls_impl *m = cimpl_of(e);
    int be = br_ssl_engine_last_error(&m->u.eng);

    memset(r, 0, sizeof(*r));
    r->x509_failed_index = -1;
    r->alert_received = -1;
    r->alert_sent = -1;
    r->backend_error = be;
    if (m->signer_err != MOAT_OK) {
        r->err = MOAT_ERR_TLS_SIGNER;
        r->signer_err = m->signer_err;
        return;
    }
    if (be == BR_ERR_OK) {
        r->err = MOAT_OK;
    } else if (be >= BR_ERR_SEND_FATAL_ALERT) {
        r->alert_sent = be - BR_ERR_SEND_FATAL_ALERT;
        if (r->alert_sent == BR_ALERT_PROTOCOL_VERSION) {
            r->err = MOAT_ERR_TLS_VERSION;
        } else if (r->alert_sent == BR_ALERT_HANDSHAKE_FAILURE && m->p.server) {
            /* the server found no common suite (none offered, or no common
             * curve / ECDSA hash leaving none), or pol_choose() found no
             * common ECDSA hash */
            r->err = MOAT_ERR_TLS_NO_COMMON_SUITE;
        } else {
            r->err = MOAT_ERR_TLS_PROTOCOL;
        }
    } else if (be >= BR_ERR_RECV_FATAL_ALERT) {
        r->alert_received = be - BR_ERR_RECV_FATAL_ALERT;
        r->err = MOAT_ERR_TLS_ALERT;
    } else if (be >= BR_ERR_X509_OK && be < BR_ERR_X509_OK + 32) {
        if (m->no_peer_cert) {
            r->err = MOAT_ERR_TLS_NO_PEER_CERT;
        } else {
            r->err = MOAT_ERR_TLS_CERTIFICATE;
            r->x509_err = m->x509_err != MOAT_OK ? m->x509_err : MOAT_ERR_INTERNAL;
            r->x509_failed_index = m->x509_failed;
        }
    } else {
        switch (be) {
        case BR_ERR_NO_CLIENT_AUTH:
            r->err = MOAT_ERR_TLS_NO_PEER_CERT;
            break;
        case BR_ERR_BAD_SIGNATURE:
            r->err = MOAT_ERR_TLS_BAD_SIGNATURE;
            break;
        case BR_ERR_UNSUPPORTED_VERSION:
        case BR_ERR_BAD_VERSION:
            r->err = MOAT_ERR_TLS_VERSION;
            break;
        case BR_ERR_NO_RANDOM:
            r->err = MOAT_ERR_CRYPTO_RNG_FAILED;
            break;
        default:
            /* BR_ERR_BAD_PARAM included: after a successful reset the
             * engine reports it for inner lengths of the peer's messages
             * that do not fit (moat's own calls are checked) */
            r->err = MOAT_ERR_TLS_PROTOCOL;
            break;
        }
    }
}

bool moat_tls_engine_resumed(const moat_tls_engine *e)
{
    const tls_impl *m = cimpl_of(e);
    br_ssl_session_parameters sp;
    bool r;

    if (m->p.server) {
        return !m->choose_called;
    }
    if (!m->offered) {
        return false;
    }
    br_ssl_engine_get_session_parameters(&m->u.eng, &sp);
    r = sp.session_id_len == sizeof(m->offered_id) &&
        memcmp(sp.session_id, m->offered_id, sizeof(m->offered_id)) == 0 &&
        !m->peer_verified;
    moat_wipe(&sp, sizeof(sp));
    return r;
}

uint16_t moat_tls_engine_suite(const moat_tls_engine *e)
{
    return cimpl_of(e)->u.eng.session.cipher_suite;
}

bool moat_tls_engine_peer_verified(const moat_tls_engine *e)
{
    return cimpl_of(e)->peer_verified;
}

size_t moat_tls_engine_peer_chain(const moat_tls_engine *e, const uint8_t **certs,
                                  size_t *lens, size_t max)
{
    const tls_impl *m = cimpl_of(e);
    size_t i;

    if (!m->peer_verified) {
        return 0u;
    }
    for (i = 0u; i < m->peer_count && i < max; ++i) {
        certs[i] = m->peer[i];
        lens[i] = m->peer_len[i];
    }
    return m->peer_count;
}

void moat_tls_engine_session(const moat_tls_engine *e, uint8_t *out)
{
    br_ssl_session_parameters sp;

    memset(out, 0, MOAT_TLS_ENGINE_SESSION_SIZE);
    br_ssl_engine_get_session_parameters(&cimpl_of(e)->u.eng, &sp);
    memcpy(out, &sp, sizeof(sp));
    moat_wipe(&sp, sizeof(sp));
}

void moat_tls_engine_wipe(moat_tls_engine *e)
{
    if (e != NULL) {
        moat_wipe(e, sizeof(*e));
    }
}

moat_err moat_tls_engine_cache_init(void *storage, size_t storage_len, uint8_t *buf, size_t len)
{
    if (storage == NULL || buf == NULL || storage_len < sizeof(br_ssl_session_cache_lru)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(storage, 0, storage_len);
    br_ssl_session_cache_lru_init((br_ssl_session_cache_lru *)storage, buf, len);
    return MOAT_OK;
}

void moat_tls_engine_cache_wipe(void *storage, size_t storage_len)
{
    br_ssl_session_cache_lru *c = (br_ssl_session_cache_lru *)storage;

    if (storage == NULL || storage_len < sizeof(*c)) {
        return;
    }
    if (c->vtable != NULL && c->store != NULL) {
        moat_wipe(c->store, c->store_len);
    }
    moat_wipe(storage, storage_len);
}
