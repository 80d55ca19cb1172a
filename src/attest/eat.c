/**
 * @file eat.c
 * @brief Evidence issuing: moat's EAT profile (docs/eat-profile.md) as a
 *        JWT claims set (RFC 9711 JSON encoding, RFC 7519), signed with the
 *        alias key as a compact JWS with an x5c chain (RFC 7515 4.1.6).
 */
#include "attest/eat_internal.h"

#include <string.h>

/* ------------------------------------------------------------ helpers */

const char *moat_eat_alg_name(moat_hash_alg alg)
{
    /* IANA "Named Information Hash Algorithm Registry" (RFC 6920). */
    switch (alg) {
    case MOAT_HASH_SHA256:
        return "sha-256";
    case MOAT_HASH_SHA384:
        return "sha-384";
    case MOAT_HASH_SHA512:
        return "sha-512";
    default:
        return NULL;
    }
}

moat_hash_alg moat_eat_alg_from_name(const char *s, size_t len)
{
    static const moat_hash_alg algs[] = {MOAT_HASH_SHA256, MOAT_HASH_SHA384,
                                         MOAT_HASH_SHA512};
    size_t i;
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        const char *n = moat_eat_alg_name(algs[i]);
        if (s != NULL && len == strlen(n) && memcmp(s, n, len) == 0) {
            return algs[i];
        }
    }
    return (moat_hash_alg)0;
}

static const char *const dbg_names[] = {
    "enabled", "disabled", "disabled-since-boot", "disabled-permanently",
    "disabled-fully-and-permanently",
};

const char *moat_eat_dbgstat_name(moat_eat_dbgstat d)
{
    if ((unsigned)d >= sizeof(dbg_names) / sizeof(dbg_names[0])) {
        return NULL;
    }
    return dbg_names[(unsigned)d];
}

bool moat_eat_dbgstat_parse(const char *s, size_t len, moat_eat_dbgstat *out)
{
    size_t i;
    for (i = 0; i < sizeof(dbg_names) / sizeof(dbg_names[0]); i++) {
        if (s != NULL && len == strlen(dbg_names[i]) && memcmp(s, dbg_names[i], len) == 0) {
            *out = (moat_eat_dbgstat)i;
            return true;
        }
    }
    return false;
}

void moat_eat_write_b64url(moat_json_writer *w, const uint8_t *data, size_t len)
{
    char chunk[MOAT_B64URL_ENC_LEN(48u) + 1u];
    size_t off, n, clen = 0;

    moat_json_write_cstr(w, "\"");
    for (off = 0; off < len; off += n) {
        n = len - off < 48u ? len - off : 48u;
        if (moat_b64url_encode(data + off, n, chunk, sizeof(chunk), &clen) != MOAT_OK) {
            moat_json_write_raw(w, NULL, 1u); /* poison: not expected */
            return;
        }
        moat_json_write_raw(w, chunk, clen);
    }
    moat_json_write_cstr(w, "\"");
}

bool moat_eat_get_b64url(const moat_json *v, uint8_t *out, size_t min, size_t max,
                         size_t *out_len)
{
    const char *s = NULL;
    size_t slen = 0, n = 0;

    *out_len = 0;
    if (moat_json_string(v, &s, &slen) != MOAT_OK || slen > MOAT_B64URL_ENC_LEN(max) ||
        moat_b64url_decode(s, slen, out, max, &n) != MOAT_OK || n < min || n > max) {
        moat_wipe(out, max);
        return false;
    }
    *out_len = n;
    return true;
}

bool moat_eat_get_text(const moat_json *v, char out[MOAT_EAT_STRING_MAX + 1u])
{
    const char *s = NULL;
    size_t slen = 0;
    memset(out, 0, MOAT_EAT_STRING_MAX + 1u);
    if (moat_json_string(v, &s, &slen) != MOAT_OK || slen == 0 ||
        slen > MOAT_EAT_STRING_MAX) {
        return false;
    }
    memcpy(out, s, slen);
    return true;
}

/* ---------------------------------------------------------------- ueid */

moat_err moat_eat_ueid(const moat_ec_public_key *device_id_pub,
                       uint8_t ueid[MOAT_EAT_UEID_SIZE])
{
    uint8_t spki[MOAT_EC_SPKI_MAX];
    uint8_t h[32];
    size_t n = 0;
    moat_err e;

    if (ueid == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ueid, MOAT_EAT_UEID_SIZE);
    if (device_id_pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = moat_ec_public_to_spki(device_id_pub, spki, sizeof(spki), &n);
    if (e == MOAT_OK) {
        e = moat_hash(MOAT_HASH_SHA256, spki, n, h);
    }
    if (e == MOAT_OK) {
        ueid[0] = 0x01; /* RFC 9711 section 4.2.1.1: RAND */
        memcpy(ueid + 1, h, MOAT_EAT_UEID_SIZE - 1u);
    }
    return e;
}

/* ------------------------------------------------------------- issuing */

static bool text_ok(const char *s)
{
    size_t n = 0;
    if (s == NULL) {
        return false;
    }
    while (n <= MOAT_EAT_STRING_MAX && s[n] != '\0') {
        n++;
    }
    return n >= 1u && n <= MOAT_EAT_STRING_MAX;
}

static moat_err check_claims(const moat_eat_claims *c)
{
    size_t i, j;
    if (c->nonce == NULL || c->nonce_len < MOAT_EAT_NONCE_MIN ||
        c->nonce_len > MOAT_EAT_NONCE_MAX) {
        return MOAT_ERR_EAT_NONCE_MISSING;
    }
    if (c->ueid[0] != 0x01) {
        return MOAT_ERR_EAT_UEID;
    }
    if (c->hwmodel == NULL || c->hwmodel_len == 0 || c->hwmodel_len > MOAT_EAT_HWMODEL_MAX ||
        (c->oemid != NULL && c->oemid_pen != 0) ||
        (c->oemid != NULL && c->oemid_len != 3u && c->oemid_len != 16u) ||
        (c->hwversion != NULL && !text_ok(c->hwversion)) || !text_ok(c->swname) ||
        !text_ok(c->swversion) || moat_eat_dbgstat_name(c->dbgstat) == NULL ||
        c->measurement_count == 0 || c->measurement_count > MOAT_EAT_MAX_MEASUREMENTS ||
        c->measurements == NULL || c->iat < 0 || c->iat > MOAT_EAT_JSON_INT_MAX) {
        return MOAT_ERR_EAT_CLAIM;
    }
    for (i = 0; i < c->measurement_count; i++) {
        const moat_eat_measurement *m = &c->measurements[i];
        if (!text_ok(m->name) || !text_ok(m->version) ||
            moat_eat_alg_name(m->alg) == NULL || m->digest == NULL ||
            (m->has_svn && m->svn > (uint64_t)MOAT_EAT_JSON_INT_MAX)) {
            return MOAT_ERR_EAT_CLAIM;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(c->measurements[j].name, m->name) == 0) {
                return MOAT_ERR_EAT_CLAIM; /* component names are unique */
            }
        }
    }
    return MOAT_OK;
}

static void write_version(moat_json_writer *w, const char *v)
{
    /* RFC 9711 section 4.2.6/4.2.7: [ version: tstr, ? scheme ] */
    moat_json_write_cstr(w, "[");
    moat_json_write_string(w, v, strlen(v));
    moat_json_write_cstr(w, "]");
}

/* The claims set, members in a fixed order (docs/eat-profile.md). */
static moat_err write_claims(const moat_eat_claims *c, char *buf, size_t cap,
                             size_t *len)
{
    moat_json_writer w;
    size_t i;
    moat_err e;

    moat_json_writer_init(&w, buf, cap);
    moat_json_write_cstr(&w, "{\"eat_profile\":\"" MOAT_EAT_PROFILE "\",\"iat\":");
    moat_json_write_int(&w, c->iat);
    moat_json_write_cstr(&w, ",\"eat_nonce\":");
    moat_eat_write_b64url(&w, c->nonce, c->nonce_len);
    moat_json_write_cstr(&w, ",\"ueid\":");
    moat_eat_write_b64url(&w, c->ueid, MOAT_EAT_UEID_SIZE);
    if (c->oemid_pen != 0) {
        moat_json_write_cstr(&w, ",\"oemid\":");
        moat_json_write_int(&w, (int64_t)c->oemid_pen);
    } else if (c->oemid != NULL) {
        moat_json_write_cstr(&w, ",\"oemid\":");
        moat_eat_write_b64url(&w, c->oemid, c->oemid_len);
    }
    moat_json_write_cstr(&w, ",\"hwmodel\":");
    moat_eat_write_b64url(&w, c->hwmodel, c->hwmodel_len);
    if (c->hwversion != NULL) {
        moat_json_write_cstr(&w, ",\"hwversion\":");
        write_version(&w, c->hwversion);
    }
    moat_json_write_cstr(&w, ",\"swname\":");
    moat_json_write_string(&w, c->swname, strlen(c->swname));
    moat_json_write_cstr(&w, ",\"swversion\":");
    write_version(&w, c->swversion);
    moat_json_write_cstr(&w, ",\"dbgstat\":\"");
    moat_json_write_cstr(&w, moat_eat_dbgstat_name(c->dbgstat));
    moat_json_write_cstr(&w, "\",\"measurements\":[");
    for (i = 0; i < c->measurement_count; i++) {
        const moat_eat_measurement *m = &c->measurements[i];
        moat_json_write_cstr(&w, i == 0 ? "[" : ",[");
        moat_json_write_int(&w, MOAT_EAT_MEAS_CONTENT_TYPE);
        moat_json_write_cstr(&w, ",{\"name\":");
        moat_json_write_string(&w, m->name, strlen(m->name));
        moat_json_write_cstr(&w, ",\"version\":");
        moat_json_write_string(&w, m->version, strlen(m->version));
        if (m->has_svn) {
            moat_json_write_cstr(&w, ",\"svn\":");
            moat_json_write_int(&w, (int64_t)m->svn);
        }
        moat_json_write_cstr(&w, ",\"digest\":[\"");
        moat_json_write_cstr(&w, moat_eat_alg_name(m->alg));
        moat_json_write_cstr(&w, "\",");
        moat_eat_write_b64url(&w, m->digest, moat_hash_size(m->alg));
        moat_json_write_cstr(&w, "]}]");
    }
    moat_json_write_cstr(&w, "]}");
    e = moat_json_writer_finish(&w, len);
    if (e == MOAT_ERR_JSON_UTF8 || e == MOAT_ERR_JSON_NUL_CHAR) {
        e = MOAT_ERR_EAT_CLAIM;
    } else if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
        e = MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (e != MOAT_OK) {
        *len = 0;
    }
    return e;
}

/* The leaf must be the alias certificate of @p alias: same key, DiceTcbInfo. */
static moat_err check_leaf(const uint8_t *der, size_t len, const moat_signer *alias)
{
    moat_x509_cert cert;
    moat_err e = moat_x509_parse(der, len, &cert);
    if (e == MOAT_OK) {
        if (cert.key_type != MOAT_X509_KEY_EC || cert.dice_tcb_info.ptr == NULL ||
            cert.ec_key.curve != alias->pub.curve || cert.ec_key.q_len != alias->pub.q_len ||
            memcmp(cert.ec_key.q, alias->pub.q, alias->pub.q_len) != 0) {
            e = MOAT_ERR_EAT_NOT_ALIAS;
        }
    }
    moat_wipe(&cert, sizeof(cert));
    return e;
}

moat_err moat_eat_issue(const moat_eat_claims *claims, const moat_signer *alias,
                        const uint8_t *const *x5c, const size_t *x5c_lens,
                        size_t x5c_count, void *work, size_t work_size,
                        char *out, size_t out_cap, size_t *out_len)
{
    moat_jws_sign_opts opts;
    size_t clen = 0, i;
    moat_err e;

    if (out_len == NULL || (out == NULL && out_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    if (claims == NULL || alias == NULL || x5c == NULL || x5c_lens == NULL ||
        x5c_count < 2u || x5c_count > MOAT_EAT_CHAIN_MAX) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < x5c_count; i++) {
        if (x5c[i] == NULL || x5c_lens[i] == 0) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    if (work == NULL || work_size < MOAT_EAT_ISSUE_WORK_SIZE) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    e = check_claims(claims);
    if (e == MOAT_OK) {
        e = check_leaf(x5c[0], x5c_lens[0], alias);
    }
    if (e == MOAT_OK) {
        e = write_claims(claims, (char *)work, MOAT_EAT_CLAIMS_MAX + 1u, &clen);
    }
    if (e == MOAT_OK) {
        memset(&opts, 0, sizeof(opts));
        opts.kid = ""; /* the key is identified by x5c */
        opts.typ = MOAT_EAT_TYP;
        opts.x5c = x5c;
        opts.x5c_lens = x5c_lens;
        opts.x5c_count = x5c_count;
        e = moat_jws_sign_compact_ex(alias, &opts, (const uint8_t *)work, clen, out,
                                     out_cap, out_len);
    }
    moat_wipe(work, work_size);
    return e;
}
