/**
 * @file sealed.c
 * @brief Sealed messages: a JWS (RFC 7515) signed by the sender, nested in
 *        a JWE (RFC 7516, ECDH-ES + A256GCM) to the recipient; sender,
 *        recipient and type replicated in the JWE protected header
 *        (RFC 7519 section 5.3) so that the AEAD binds them.
 *
 * The acceptance decision is taken in one place, moat_msg_open(), in the
 * order documented in msg.h: nothing of the body leaves the function
 * before the replay window has been persisted.
 */
#include "moat/msg.h"
#include "msg/sealed_internal.h"

#include <string.h>

#define HDR_ISS "iss"
#define HDR_AUD "aud"
#define HDR_TYPE "msg_type"
/* Largest decoded inner JWS protected header looked at for its kid. */
#define INNER_HEADER_MAX 512u
#define INNER_HEADER_VALUES 16u
#define INNER_ARENA MOAT_JSON_ARENA_SIZE(INNER_HEADER_MAX, INNER_HEADER_VALUES)
#define OUTER_ARENA MOAT_JSON_ARENA_SIZE(MOAT_JWE_HEADER_MAX, MOAT_JWS_HEADER_MAX_VALUES)
#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)
/* Payload members: v, from, to, type, seq, iat, body. */
#define PAYLOAD_MEMBERS 7u

size_t moat_msg_sealed_size(size_t body_len)
{
    if (body_len > MOAT_MSG_BODY_MAX) {
        return SIZE_MAX;
    }
    return MOAT_MSG_SEALED_SIZE(body_len);
}

size_t moat_msg_seal_work_size(size_t body_len)
{
    if (body_len > MOAT_MSG_BODY_MAX) {
        body_len = MOAT_MSG_BODY_MAX;
    }
    return MOAT_MSG_SEAL_WORK_SIZE(body_len);
}

size_t moat_msg_open_work_size(size_t msg_len)
{
    if (msg_len > MOAT_MSG_MAX) {
        msg_len = MOAT_MSG_MAX;
    }
    return MOAT_MSG_OPEN_WORK_SIZE(msg_len);
}

static bool str_is(const char *s, size_t len, const char *lit)
{
    return s != NULL && lit != NULL && len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/* ================================================================ seal */

/* {"v":1,"from":..,"to":..,"type":..,"seq":..,"iat":..,"body":".."} */
static moat_err build_payload(const moat_msg_header *h, const uint8_t *body,
                              size_t body_len, char *buf, size_t cap, size_t *len)
{
    moat_json_writer w;
    size_t n = 0, pre = 0, enc = MOAT_B64URL_ENC_LEN(body_len);
    moat_err e;

    moat_json_writer_init(&w, buf, cap);
    moat_json_write_cstr(&w, "{\"v\":1,\"from\":");
    moat_json_write_string(&w, h->from, strlen(h->from));
    moat_json_write_cstr(&w, ",\"to\":");
    moat_json_write_string(&w, h->to, strlen(h->to));
    moat_json_write_cstr(&w, ",\"type\":");
    moat_json_write_string(&w, h->type, strlen(h->type));
    moat_json_write_cstr(&w, ",\"seq\":");
    moat_json_write_int(&w, (int64_t)h->seq);
    moat_json_write_cstr(&w, ",\"iat\":");
    moat_json_write_int(&w, h->iat);
    moat_json_write_cstr(&w, ",\"body\":\"");
    e = moat_json_writer_finish(&w, &pre);
    if (e != MOAT_OK) {
        return MOAT_ERR_INTERNAL; /* sized by MOAT_MSG_PAYLOAD_SIZE */
    }
    if (cap < pre + enc + 3u) {
        return MOAT_ERR_INTERNAL;
    }
    if (moat_b64url_encode(body, body_len, buf + pre, enc, &n) != MOAT_OK || n != enc) {
        return MOAT_ERR_INTERNAL;
    }
    buf[pre + enc] = '"';
    buf[pre + enc + 1u] = '}';
    buf[pre + enc + 2u] = '\0';
    *len = pre + enc + 2u;
    return MOAT_OK;
}

moat_err moat_msg_seal(const moat_signer *sender, const moat_msg_header *h,
                       const moat_ec_public_key *recipient,
                       const uint8_t *body, size_t body_len,
                       moat_rng_fn rng, void *rng_ctx,
                       void *work, size_t work_size,
                       char *out, size_t out_cap, size_t *out_len)
{
    uint8_t *w = (uint8_t *)work;
    size_t pcap, jcap, plen = 0, jlen = 0;
    char rkid[MOAT_JWK_KID_SIZE];
    moat_jws_sign_opts so;
    moat_jwe_encrypt_opts eo;
    moat_jwe_param extra[3];
    moat_err e;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if ((out == NULL && out_cap != 0) || sender == NULL || h == NULL || recipient == NULL ||
        rng == NULL || (body == NULL && body_len != 0) ||
        !moat_msg_id_valid(h->from, MOAT_MSG_ID_MAX, NULL) ||
        !moat_msg_id_valid(h->to, MOAT_MSG_ID_MAX, NULL) ||
        !moat_msg_id_valid(h->type, MOAT_MSG_TYPE_MAX, NULL) ||
        h->iat < 0 || (uint64_t)h->iat > MOAT_MSG_SEQ_MAX) {
        e = MOAT_ERR_INVALID_ARGUMENT;
        goto fail;
    }
    if (h->seq == 0 || h->seq > MOAT_MSG_SEQ_MAX) {
        e = MOAT_ERR_MSG_SEQ;
        goto fail;
    }
    if (body_len > MOAT_MSG_BODY_MAX) {
        e = MOAT_ERR_MSG_TOO_LARGE;
        goto fail;
    }
    pcap = MOAT_MSG_PAYLOAD_SIZE(body_len);
    jcap = MOAT_JWS_COMPACT_SIZE(pcap);
    if (w == NULL || work_size < pcap + jcap) {
        e = MOAT_ERR_OUT_OF_MEMORY;
        goto fail;
    }
    e = moat_jwk_thumbprint(recipient, rkid);
    if (e != MOAT_OK) {
        goto fail;
    }
    e = build_payload(h, body, body_len, (char *)w, pcap, &plen);
    if (e != MOAT_OK) {
        goto fail;
    }
    /* Sign: kid = thumbprint of the sender's key, typ = MOAT_MSG_CTY. */
    memset(&so, 0, sizeof(so));
    so.typ = MOAT_MSG_CTY;
    e = moat_jws_sign_compact_ex(sender, &so, w, plen, (char *)w + pcap, jcap, &jlen);
    if (e != MOAT_OK) {
        goto fail;
    }
    /* Encrypt, binding from/to/type into the protected header. */
    extra[0].name = HDR_ISS;
    extra[0].value = h->from;
    extra[1].name = HDR_AUD;
    extra[1].value = h->to;
    extra[2].name = HDR_TYPE;
    extra[2].value = h->type;
    memset(&eo, 0, sizeof(eo));
    eo.cty = MOAT_MSG_CTY;
    eo.kid = rkid;
    eo.extra = extra;
    eo.extra_count = 3;
    e = moat_jwe_encrypt(recipient, &eo, w + pcap, jlen, rng, rng_ctx, out, out_cap,
                         out_len);
    moat_wipe(w, pcap + jcap);
    return e;

fail:
    if (w != NULL) {
        moat_wipe(w, work_size);
    }
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    *out_len = 0;
    return e;
}

/* ================================================================ open */

typedef struct outer_hdr {
    const char *iss, *aud, *type;
    size_t iss_len, aud_len, type_len;
} outer_hdr;

/* Decode and parse the JWE protected header (its bytes are authenticated
 * as AAD once moat_jwe_decrypt() succeeded on the same message). */
static moat_err read_outer(const char *msg, size_t msg_len, char *txt, uint8_t *arena,
                           size_t arena_size, outer_hdr *oh)
{
    const char *dot = memchr(msg, '.', msg_len);
    size_t seg, n = 0, clen;
    const moat_json *root = NULL;
    const char *cty;
    moat_json_limits lim;
    moat_err e;

    if (dot == NULL || dot == msg) {
        return MOAT_ERR_JWE_FORMAT;
    }
    seg = (size_t)(dot - msg);
    if (seg > MOAT_B64URL_ENC_LEN(MOAT_JWE_HEADER_MAX)) {
        return MOAT_ERR_JOSE_HEADER_TOO_LARGE;
    }
    e = moat_b64url_decode(msg, seg, (uint8_t *)txt, MOAT_JWE_HEADER_MAX, &n);
    if (e != MOAT_OK) {
        return e;
    }
    txt[n] = '\0';
    lim.max_input = MOAT_JWE_HEADER_MAX;
    lim.max_depth = 4u;
    lim.max_members = MOAT_JWS_HEADER_MAX_VALUES;
    lim.max_string = MOAT_JWE_HEADER_MAX;
    e = moat_json_parse(txt, n, &lim, arena, arena_size, &root);
    if (e != MOAT_OK) {
        return e;
    }
    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_JWE_HEADER_INVALID;
    }
    if (moat_json_get_string(root, HDR_ISS, &oh->iss, &oh->iss_len) != MOAT_OK ||
        moat_json_get_string(root, HDR_AUD, &oh->aud, &oh->aud_len) != MOAT_OK ||
        moat_json_get_string(root, HDR_TYPE, &oh->type, &oh->type_len) != MOAT_OK ||
        moat_json_get_string(root, "cty", &cty, &clen) != MOAT_OK ||
        !str_is(cty, clen, MOAT_MSG_CTY)) {
        return MOAT_ERR_MSG_HEADER;
    }
    return MOAT_OK;
}

/* The kid of the inner JWS's (not yet verified) protected header; typ must
 * be MOAT_MSG_CTY. */
static moat_err inner_kid(const char *jws, size_t jws_len, char kid[MOAT_JWK_KID_SIZE])
{
    uint64_t arena[(INNER_ARENA + 7u) / 8u];
    char txt[INNER_HEADER_MAX + 1u];
    const char *dot = memchr(jws, '.', jws_len);
    const moat_json *root = NULL;
    const char *k, *t;
    size_t seg, n = 0, klen, tlen;
    moat_json_limits lim;
    moat_err e;

    memset(kid, 0, MOAT_JWK_KID_SIZE);
    if (dot == NULL || dot == jws || (size_t)(dot - jws) > MOAT_B64URL_ENC_LEN(INNER_HEADER_MAX)) {
        return MOAT_ERR_MSG_FORMAT;
    }
    seg = (size_t)(dot - jws);
    e = moat_b64url_decode(jws, seg, (uint8_t *)txt, INNER_HEADER_MAX, &n);
    if (e != MOAT_OK) {
        return e;
    }
    txt[n] = '\0';
    lim.max_input = INNER_HEADER_MAX;
    lim.max_depth = 2u;
    lim.max_members = INNER_HEADER_VALUES;
    lim.max_string = INNER_HEADER_MAX;
    e = moat_json_parse(txt, n, &lim, arena, sizeof(arena), &root);
    if (e == MOAT_OK) {
        if (moat_json_get_string(root, "kid", &k, &klen) != MOAT_OK || klen == 0 ||
            klen >= MOAT_JWK_KID_SIZE ||
            moat_json_get_string(root, "typ", &t, &tlen) != MOAT_OK ||
            !str_is(t, tlen, MOAT_MSG_CTY)) {
            e = MOAT_ERR_MSG_FORMAT;
        } else {
            memcpy(kid, k, klen);
        }
    }
    moat_wipe(arena, sizeof(arena));
    moat_wipe(txt, sizeof(txt));
    return e;
}

typedef struct payload {
    const char *from, *to, *type, *body;
    size_t from_len, to_len, type_len, body_len;
    uint64_t seq;
    int64_t iat;
} payload;

static bool id_ok(const char *s, size_t len, size_t max)
{
    size_t n = 0;
    /* Strings from the parser carry no NUL, so the id check sees all of it. */
    return len <= max && moat_msg_id_valid(s, max, &n) && n == len;
}

static moat_err read_payload(const uint8_t *txt, size_t len, uint8_t *arena,
                             size_t arena_size, payload *p)
{
    const moat_json *root = NULL;
    moat_json_limits lim;
    int64_t v = 0, seq = 0;
    moat_err e;

    lim.max_input = len;
    lim.max_depth = 2u;
    lim.max_members = MOAT_MSG_PAYLOAD_VALUES;
    lim.max_string = len;
    e = moat_json_parse((const char *)txt, len, &lim, arena, arena_size, &root);
    if (e == MOAT_ERR_JSON_ARENA || e == MOAT_ERR_INTERNAL) {
        return e;
    }
    if (e != MOAT_OK || moat_json_type_of(root) != MOAT_JSON_OBJECT ||
        moat_json_size(root) != PAYLOAD_MEMBERS) {
        return MOAT_ERR_MSG_FORMAT;
    }
    if (moat_json_get_int(root, "v", 0, 1000, &v) != MOAT_OK || v != MOAT_MSG_VERSION ||
        moat_json_get_string(root, "from", &p->from, &p->from_len) != MOAT_OK ||
        moat_json_get_string(root, "to", &p->to, &p->to_len) != MOAT_OK ||
        moat_json_get_string(root, "type", &p->type, &p->type_len) != MOAT_OK ||
        moat_json_get_string(root, "body", &p->body, &p->body_len) != MOAT_OK ||
        moat_json_get_int(root, "iat", 0, (int64_t)MOAT_MSG_SEQ_MAX, &p->iat) != MOAT_OK ||
        !id_ok(p->from, p->from_len, MOAT_MSG_ID_MAX) ||
        !id_ok(p->to, p->to_len, MOAT_MSG_ID_MAX) ||
        !id_ok(p->type, p->type_len, MOAT_MSG_TYPE_MAX)) {
        return MOAT_ERR_MSG_FORMAT;
    }
    e = moat_json_get_int(root, "seq", INT64_MIN, INT64_MAX, &seq);
    if (e == MOAT_ERR_JSON_RANGE) {
        return MOAT_ERR_MSG_SEQ;
    }
    if (e != MOAT_OK) {
        return MOAT_ERR_MSG_FORMAT;
    }
    if (seq <= 0 || (uint64_t)seq > MOAT_MSG_SEQ_MAX) {
        return MOAT_ERR_MSG_SEQ;
    }
    p->seq = (uint64_t)seq;
    return MOAT_OK;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static moat_err check_receiver(const moat_msg_receiver *rx)
{
    size_t i;
    if (rx == NULL || rx->key == NULL || rx->directory == NULL || rx->types == NULL ||
        rx->replay == NULL || rx->directory_count == 0 ||
        rx->directory_count > MOAT_MSG_DIRECTORY_MAX || rx->type_count == 0 ||
        rx->type_count > MOAT_MSG_TYPES_MAX ||
        !moat_msg_id_valid(rx->me, MOAT_MSG_ID_MAX, NULL)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    for (i = 0; i < rx->directory_count; i++) {
        if (!moat_msg_id_valid(rx->directory[i].id, MOAT_MSG_ID_MAX, NULL)) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    for (i = 0; i < rx->type_count; i++) {
        if (!moat_msg_id_valid(rx->types[i], MOAT_MSG_TYPE_MAX, NULL)) {
            return MOAT_ERR_INVALID_ARGUMENT;
        }
    }
    return MOAT_OK;
}

moat_err moat_msg_open(const moat_msg_receiver *rx, const char *msg, size_t msg_len,
                       void *work, size_t work_size,
                       uint8_t *body, size_t body_cap, size_t *body_len,
                       moat_msg_info *info)
{
    uint8_t *w = (uint8_t *)work;
    char *htxt;
    uint8_t *harena, *jws, *pl, *parena;
    size_t hoff, aoff, joff, poff, paoff, jcap, pcap, pacap;
    size_t jlen = 0, plen = 0, need = 0, n = 0, i;
    const moat_msg_peer *peer = NULL;
    char kid[MOAT_JWK_KID_SIZE], tp[MOAT_JWK_KID_SIZE];
    char from[MOAT_MSG_ID_MAX + 1u];
    outer_hdr oh;
    payload p;
    bool allowed = false;
    moat_err e;

    memset(&oh, 0, sizeof(oh));
    memset(&p, 0, sizeof(p));
    if (info != NULL) {
        memset(info, 0, sizeof(*info));
    }
    if (body_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *body_len = 0;
    if ((body == NULL && body_cap != 0) || msg == NULL) {
        e = MOAT_ERR_INVALID_ARGUMENT;
        goto fail;
    }
    e = check_receiver(rx);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (msg_len > MOAT_MSG_MAX) {
        e = MOAT_ERR_MSG_TOO_LARGE;
        goto fail;
    }
    /* Work layout: header text | header arena | JWS | payload | payload arena. */
    jcap = MOAT_B64URL_DEC_MAX(msg_len);
    pcap = MOAT_B64URL_DEC_MAX(jcap);
    pacap = MOAT_JSON_ARENA_SIZE(pcap, MOAT_MSG_PAYLOAD_VALUES);
    hoff = 0;
    aoff = ALIGN16(hoff + MOAT_JWE_HEADER_MAX + 1u);
    joff = ALIGN16(aoff + OUTER_ARENA);
    poff = ALIGN16(joff + jcap);
    paoff = ALIGN16(poff + pcap);
    if (w == NULL || work_size < MOAT_MSG_OPEN_WORK_SIZE(msg_len) ||
        work_size < paoff + pacap) {
        e = MOAT_ERR_OUT_OF_MEMORY;
        goto fail;
    }
    htxt = (char *)w + hoff;
    harena = w + aoff;
    jws = w + joff;
    pl = w + poff;
    parena = w + paoff;

    /* 1. Outer header: addressed to me, from a sender I know. */
    e = read_outer(msg, msg_len, htxt, harena, OUTER_ARENA, &oh);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (!str_is(oh.aud, oh.aud_len, rx->me)) {
        e = MOAT_ERR_MSG_WRONG_RECIPIENT;
        goto fail;
    }
    for (i = 0; i < rx->directory_count; i++) {
        if (str_is(oh.iss, oh.iss_len, rx->directory[i].id)) {
            peer = &rx->directory[i];
            break;
        }
    }
    if (peer == NULL) {
        e = MOAT_ERR_MSG_UNKNOWN_SENDER;
        goto fail;
    }

    /* 2. Decrypt (every JWE check; the header bytes are now authenticated). */
    e = moat_jwe_decrypt(msg, msg_len, rx->key, NULL, jws, jcap, &jlen);
    if (e != MOAT_OK) {
        goto fail;
    }

    /* 3. Signed by the sender's own key (else: substitution). */
    e = inner_kid((const char *)jws, jlen, kid);
    if (e != MOAT_OK) {
        goto fail;
    }
    e = moat_jwk_thumbprint(&peer->key.key, tp);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (strcmp(kid, tp) != 0) {
        e = MOAT_ERR_MSG_SENDER_MISMATCH;
        goto fail;
    }
    e = moat_jws_verify_compact((const char *)jws, jlen, &peer->key.key, pl, pcap, &plen);
    if (e != MOAT_OK) {
        goto fail;
    }

    /* 4. The payload, and its agreement with the header. */
    e = read_payload(pl, plen, parena, work_size - paoff, &p);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (!same(p.from, p.from_len, oh.iss, oh.iss_len)) {
        e = MOAT_ERR_MSG_BINDING;
        goto fail;
    }
    if (!str_is(p.to, p.to_len, rx->me)) {
        e = MOAT_ERR_MSG_WRONG_RECIPIENT;
        goto fail;
    }
    if (!same(p.type, p.type_len, oh.type, oh.type_len)) {
        e = MOAT_ERR_MSG_BINDING;
        goto fail;
    }
    for (i = 0; i < rx->type_count; i++) {
        if (str_is(p.type, p.type_len, rx->types[i])) {
            allowed = true;
            break;
        }
    }
    if (!allowed) {
        e = MOAT_ERR_MSG_TYPE_NOT_ALLOWED;
        goto fail;
    }
    memcpy(from, p.from, p.from_len);
    from[p.from_len] = '\0';

    /* 5. Replay window (no change yet). */
    e = moat_msg_replay_check(rx->replay, from, p.seq);
    if (e != MOAT_OK) {
        goto fail;
    }

    /* 6. The body: size, then decode into the caller's buffer (not yet
     *    released: wiped on any later failure). */
    if (p.body_len % 4u == 1u) {
        e = MOAT_ERR_B64_LENGTH;
        goto fail;
    }
    need = MOAT_B64URL_DEC_MAX(p.body_len);
    if (need > MOAT_MSG_BODY_MAX) {
        e = MOAT_ERR_MSG_TOO_LARGE;
        goto fail;
    }
    if (need > body_cap) {
        if (body != NULL) {
            moat_wipe(body, body_cap);
        }
        moat_wipe(w, work_size);
        *body_len = need;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (need != 0) {
        e = moat_b64url_decode(p.body, p.body_len, body, body_cap, &n);
        if (e != MOAT_OK) {
            goto fail;
        }
    }

    /* 7. Persist the window; only then release. */
    e = moat_msg_replay_accept(rx->replay, from, p.seq);
    if (e != MOAT_OK) {
        goto fail;
    }
    if (info != NULL) {
        memcpy(info->from, from, p.from_len + 1u);
        memcpy(info->type, p.type, p.type_len);
        info->type[p.type_len] = '\0';
        info->seq = p.seq;
        info->iat = p.iat;
    }
    moat_wipe(w, work_size);
    *body_len = need;
    return MOAT_OK;

fail:
    if (w != NULL) {
        moat_wipe(w, work_size);
    }
    if (body != NULL) {
        moat_wipe(body, body_cap);
    }
    if (info != NULL) {
        memset(info, 0, sizeof(*info));
    }
    *body_len = 0;
    return e;
}
