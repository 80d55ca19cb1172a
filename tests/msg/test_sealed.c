/*
 * Sealed messages (issue 6): JWE ECDH-ES + A256GCM nested with JWS, replay
 * windows persisted through the port. Every attack of the issue is a named
 * test asserting the exact error code, that the body buffer was wiped and
 * that neither the replay window nor its record changed.
 */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>

#include "moat/msg.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"

/* ------------------------------------------------------------ fixture */

#define MSG_CAP MOAT_MSG_SEALED_SIZE(MOAT_MSG_BODY_MAX)
#define BIG_CAP (MOAT_JWE_COMPACT_MAX + 64u)

typedef struct fx {
    char dir[128];
    moat_port_posix p;
    moat_port inner;
    moat_port_fault f;
    moat_port port; /* the fault port over POSIX */
    moat_drbg_ctx drbg;
    moat_ec_private_key ka, kb, kc;
    moat_signer sa, sb, sc;
    moat_jwe_decrypter db, dc;
    moat_msg_peer dir_b[2]; /* what B knows: A and C */
    moat_msg_replay replay;
    moat_msg_receiver rx; /* B */
    uint8_t work[MOAT_MSG_OPEN_WORK_SIZE(BIG_CAP)];
    uint8_t swork[MOAT_MSG_SEAL_WORK_SIZE(MOAT_MSG_BODY_MAX + 2048u)];
    char msg[BIG_CAP];
    size_t msg_len;
    char msg2[BIG_CAP];
    uint8_t body[MOAT_MSG_BODY_MAX + 16u];
} fx;

static const char *const g_types[] = {"telemetry", "cmd"};

static void port_open(fx *t)
{
    assert_int_equal(moat_port_posix_open(&t->p, t->dir, NULL, &t->inner), MOAT_OK);
    assert_int_equal(moat_port_fault_wrap(&t->f, &t->inner, &t->port), MOAT_OK);
    assert_int_equal(moat_msg_replay_open(&t->replay, &t->port, MOAT_MSG_DEFAULT_REPLAY_RECORD),
                     MOAT_OK);
}

/* Power comes back: RAM state is gone, storage stays. */
static void reboot(fx *t)
{
    moat_msg_replay_close(&t->replay);
    moat_port_fault_reboot(&t->f);
    moat_port_posix_close(&t->p);
    port_open(t);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    static const uint8_t seed[32] = "moat sealed message test seed!!";
    fx *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return -1;
    }
    (void)snprintf(t->dir, sizeof(t->dir), "/tmp/moat-msg-XXXXXX");
    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }
    port_open(t);
    assert_int_equal(moat_drbg_init(&t->drbg, seed, sizeof(seed), NULL, 0), MOAT_OK);
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, moat_drbg_generate, &t->drbg, &t->ka), MOAT_OK);
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, moat_drbg_generate, &t->drbg, &t->kb), MOAT_OK);
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, moat_drbg_generate, &t->drbg, &t->kc), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&t->sa, &t->ka), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&t->sb, &t->kb), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&t->sc, &t->kc), MOAT_OK);
    assert_int_equal(moat_jwe_decrypter_from_private(&t->db, &t->kb), MOAT_OK);
    assert_int_equal(moat_jwe_decrypter_from_private(&t->dc, &t->kc), MOAT_OK);
    t->dir_b[0].id = "dev-a";
    assert_int_equal(moat_jwk_from_public(&t->sa.pub, &t->dir_b[0].key), MOAT_OK);
    t->dir_b[1].id = "dev-c";
    assert_int_equal(moat_jwk_from_public(&t->sc.pub, &t->dir_b[1].key), MOAT_OK);
    t->rx.me = "dev-b";
    t->rx.key = &t->db;
    t->rx.directory = t->dir_b;
    t->rx.directory_count = 2;
    t->rx.types = g_types;
    t->rx.type_count = 2;
    t->rx.replay = &t->replay;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    fx *t = *state;
    moat_msg_replay_close(&t->replay);
    moat_port_posix_close(&t->p);
    (void)nftw(t->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(t);
    return 0;
}

/* ------------------------------------------------------------ helpers */

static void seal_to(fx *t, const moat_signer *s, const char *from, const char *to,
                    const moat_ec_public_key *rpub, const char *type, uint64_t seq,
                    const uint8_t *body, size_t body_len)
{
    moat_msg_header h;
    h.from = from;
    h.to = to;
    h.type = type;
    h.seq = seq;
    h.iat = 1700000000;
    assert_int_equal(moat_msg_seal(s, &h, rpub, body, body_len, moat_drbg_generate, &t->drbg,
                                   t->swork, sizeof(t->swork), t->msg, sizeof(t->msg),
                                   &t->msg_len),
                     MOAT_OK);
    assert_int_equal(strlen(t->msg), t->msg_len);
}

/* A (dev-a) to B (dev-b), "telemetry". */
static void seal_ab(fx *t, uint64_t seq)
{
    static const uint8_t body[] = "temperature=21.5";
    seal_to(t, &t->sa, "dev-a", "dev-b", &t->sb.pub, "telemetry", seq, body, sizeof(body) - 1u);
}

/* Snapshot of the replay state: memory and record. */
typedef struct snap {
    moat_msg_replay mem;
    uint8_t rec[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t rec_len;
    moat_err rec_err;
} snap;

static void take(fx *t, snap *s)
{
    memcpy(&s->mem, &t->replay, sizeof(s->mem));
    s->rec_err = moat_port_record_read(&t->inner, MOAT_MSG_DEFAULT_REPLAY_RECORD, s->rec,
                                       sizeof(s->rec), &s->rec_len);
}

static void assert_unchanged(fx *t, const snap *before)
{
    snap now;
    take(t, &now);
    assert_memory_equal(&now.mem, &before->mem, sizeof(now.mem));
    assert_int_equal(now.rec_err, before->rec_err);
    assert_int_equal(now.rec_len, before->rec_len);
    assert_memory_equal(now.rec, before->rec, now.rec_len);
}

static void assert_zero(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        assert_int_equal(b[i], 0);
    }
}

/* Open @p m as B, expecting @p want; on failure: body wiped, nothing changed. */
static void open_expect(fx *t, const char *m, size_t len, moat_err want)
{
    snap s;
    size_t blen = 99;
    moat_msg_info info;
    moat_err e;
    take(t, &s);
    memset(t->body, 0xAA, sizeof(t->body));
    e = moat_msg_open(&t->rx, m, len, t->work, sizeof(t->work), t->body, sizeof(t->body),
                      &blen, &info);
    assert_int_equal(e, want);
    if (want != MOAT_OK) {
        assert_int_equal(blen, 0);
        assert_zero(t->body, sizeof(t->body));
        assert_int_equal(info.seq, 0);
        assert_unchanged(t, &s);
    }
}

static void open_ok(fx *t, const char *m, size_t len)
{
    open_expect(t, m, len, MOAT_OK);
}

/* Rewrite the JWE protected header of t->msg: replace @p old with @p rep
 * (first occurrence) in the decoded JSON; result in t->msg2. */
static size_t rewrite_header(fx *t, const char *old, const char *rep)
{
    char hdr[2048], nh[2048], *pos;
    size_t n = 0, hl, nl = 0, seg;
    const char *dot = strchr(t->msg, '.');
    assert_non_null(dot);
    seg = (size_t)(dot - t->msg);
    assert_int_equal(moat_b64url_decode(t->msg, seg, (uint8_t *)hdr, sizeof(hdr) - 1, &n), MOAT_OK);
    hdr[n] = 0;
    pos = strstr(hdr, old);
    assert_non_null(pos);
    hl = (size_t)(pos - hdr);
    memcpy(nh, hdr, hl);
    memcpy(nh + hl, rep, strlen(rep));
    strcpy(nh + hl + strlen(rep), pos + strlen(old));
    assert_int_equal(moat_b64url_encode((const uint8_t *)nh, strlen(nh), t->msg2,
                                        sizeof(t->msg2), &nl), MOAT_OK);
    strcpy(t->msg2 + nl, dot);
    return strlen(t->msg2);
}

/* Segment @p i (0..4) of t->msg: start offset and length. */
static void segment(const char *m, int i, size_t *off, size_t *len)
{
    const char *s = m, *e;
    int k;
    for (k = 0; k < i; k++) {
        s = strchr(s, '.');
        assert_non_null(s);
        s++;
    }
    e = strchr(s, '.');
    *off = (size_t)(s - m);
    *len = e != NULL ? (size_t)(e - s) : strlen(s);
}

/* Replace segment @p i of t->msg with the base64url of @p bytes -> msg2. */
static size_t replace_segment(fx *t, int i, const uint8_t *bytes, size_t n)
{
    size_t off, len, el = 0;
    char enc[256];
    assert_int_equal(moat_b64url_encode(bytes, n, enc, sizeof(enc), &el), MOAT_OK);
    segment(t->msg, i, &off, &len);
    memcpy(t->msg2, t->msg, off);
    memcpy(t->msg2 + off, enc, el);
    strcpy(t->msg2 + off + el, t->msg + off + len);
    return strlen(t->msg2);
}

/* Flip one character of segment @p i at position @p at (keeps base64url). */
static size_t flip_char(fx *t, int i, size_t at)
{
    size_t off, len;
    strcpy(t->msg2, t->msg);
    segment(t->msg, i, &off, &len);
    assert_true(at < len);
    t->msg2[off + at] = t->msg2[off + at] == 'A' ? 'B' : 'A';
    return strlen(t->msg2);
}

/*
 * Build a message by hand: @p payload signed by @p s with @p kid (NULL:
 * thumbprint), encrypted to @p rpub with iss/aud/msg_type header values.
 */
static void craft(fx *t, const moat_signer *s, const char *kid, const char *payload,
                  const moat_ec_public_key *rpub, const char *iss, const char *aud,
                  const char *mtype)
{
    static char jws[MOAT_JWS_COMPACT_SIZE(12000)];
    size_t jl = 0;
    moat_jws_sign_opts so;
    moat_jwe_encrypt_opts eo;
    moat_jwe_param ex[3] = {{"iss", NULL}, {"aud", NULL}, {"msg_type", NULL}};
    memset(&so, 0, sizeof(so));
    so.kid = kid;
    so.typ = MOAT_MSG_CTY;
    assert_int_equal(moat_jws_sign_compact_ex(s, &so, (const uint8_t *)payload, strlen(payload),
                                              jws, sizeof(jws), &jl), MOAT_OK);
    ex[0].value = iss;
    ex[1].value = aud;
    ex[2].value = mtype;
    memset(&eo, 0, sizeof(eo));
    eo.cty = MOAT_MSG_CTY;
    eo.extra = ex;
    eo.extra_count = 3;
    assert_int_equal(moat_jwe_encrypt(rpub, &eo, (const uint8_t *)jws, jl, moat_drbg_generate,
                                      &t->drbg, t->msg, sizeof(t->msg), &t->msg_len), MOAT_OK);
}

/* ------------------------------------------------------------ positive */

static void test_round_trip(void **state)
{
    fx *t = *state;
    static uint8_t big[MOAT_MSG_BODY_MAX];
    static const size_t sizes[] = {0, 1, 64, 1024, MOAT_MSG_BODY_MAX};
    size_t i, blen = 0;
    moat_msg_info info;
    uint64_t hi = 0, bm = 0;

    for (i = 0; i < sizeof(big); i++) {
        big[i] = (uint8_t)(i * 7u + 3u);
    }
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        seal_to(t, &t->sa, "dev-a", "dev-b", &t->sb.pub, "cmd", i + 1u, big, sizes[i]);
        assert_true(t->msg_len < moat_msg_sealed_size(sizes[i]));
        assert_int_equal(moat_msg_open(&t->rx, t->msg, t->msg_len, t->work, sizeof(t->work),
                                       t->body, sizeof(t->body), &blen, &info), MOAT_OK);
        assert_int_equal(blen, sizes[i]);
        assert_memory_equal(t->body, big, sizes[i]);
        assert_string_equal(info.from, "dev-a");
        assert_string_equal(info.type, "cmd");
        assert_int_equal(info.seq, i + 1u);
        assert_int_equal(info.iat, 1700000000);
    }
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-a", &hi, &bm), MOAT_OK);
    assert_int_equal(hi, 5);
    assert_int_equal(bm, 0x1f);
    /* The window survives a reboot. */
    reboot(t);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-a", &hi, &bm), MOAT_OK);
    assert_int_equal(hi, 5);
    assert_int_equal(bm, 0x1f);
}

static void test_jwe_round_trip_options(void **state)
{
    fx *t = *state;
    static const uint8_t apu[] = "Alice", apv[] = "Bob";
    moat_jwe_param ex[1] = {{"x-app", "v1"}};
    moat_jwe_encrypt_opts eo;
    moat_jwe_decrypt_opts dopt;
    char hdr[MOAT_JWE_HEADER_MAX + 1];
    size_t hl = 0, pl = 0, need = 0;
    uint8_t pt[64];

    memset(&eo, 0, sizeof(eo));
    eo.apu = apu;
    eo.apu_len = 5;
    eo.apv = apv;
    eo.apv_len = 3;
    eo.typ = "JWE";
    eo.kid = "k1";
    eo.extra = ex;
    eo.extra_count = 1;
    /* Size query: nothing drawn, exact size reported. */
    assert_int_equal(moat_jwe_encrypt(&t->sb.pub, &eo, (const uint8_t *)"hello", 5,
                                      moat_drbg_generate, &t->drbg, NULL, 0, &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(moat_jwe_encrypt(&t->sb.pub, &eo, (const uint8_t *)"hello", 5,
                                      moat_drbg_generate, &t->drbg, t->msg, need, &t->msg_len),
                     MOAT_OK);
    assert_int_equal(t->msg_len + 1u, need);
    memset(&dopt, 0, sizeof(dopt));
    dopt.header_out = hdr;
    dopt.header_cap = sizeof(hdr);
    dopt.header_len = &hl;
    assert_int_equal(moat_jwe_decrypt(t->msg, t->msg_len, &t->db, &dopt, pt, sizeof(pt), &pl),
                     MOAT_OK);
    assert_int_equal(pl, 5);
    assert_memory_equal(pt, "hello", 5);
    assert_non_null(strstr(hdr, "\"apu\":\"QWxpY2U\""));
    assert_non_null(strstr(hdr, "\"x-app\":\"v1\""));
    assert_int_equal(strlen(hdr), hl);
    /* Wrong key: authentication fails, output wiped. */
    memset(pt, 0xAA, sizeof(pt));
    assert_int_equal(moat_jwe_decrypt(t->msg, t->msg_len, &t->dc, NULL, pt, sizeof(pt), &pl),
                     MOAT_ERR_JWE_AUTH);
    assert_int_equal(pl, 0);
    assert_zero(pt, sizeof(pt));
    /* A registered name as extra member is refused. */
    ex[0].name = "enc";
    assert_int_equal(moat_jwe_encrypt(&t->sb.pub, &eo, (const uint8_t *)"hello", 5,
                                      moat_drbg_generate, &t->drbg, t->msg, sizeof(t->msg),
                                      &t->msg_len), MOAT_ERR_INVALID_ARGUMENT);
}

static void test_reorder_within_window_accepted(void **state)
{
    fx *t = *state;
    static char m10[2048], m5[2048], m3[2048];
    seal_ab(t, 10);
    strcpy(m10, t->msg);
    seal_ab(t, 5);
    strcpy(m5, t->msg);
    seal_ab(t, 3);
    strcpy(m3, t->msg);
    open_ok(t, m10, strlen(m10));
    open_ok(t, m5, strlen(m5));
    open_ok(t, m3, strlen(m3));
    open_expect(t, m5, strlen(m5), MOAT_ERR_MSG_REPLAY);
}

static void test_buffer_too_small_changes_nothing(void **state)
{
    fx *t = *state;
    snap s;
    size_t blen = 0;
    seal_ab(t, 1);
    take(t, &s);
    assert_int_equal(moat_msg_open(&t->rx, t->msg, t->msg_len, t->work, sizeof(t->work),
                                   t->body, 4, &blen, NULL), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(blen, 16);
    assert_unchanged(t, &s);
    open_ok(t, t->msg, t->msg_len);
}

/* ------------------------------------------------------------ attacks */

static void test_attack_replay(void **state)
{
    fx *t = *state;
    seal_ab(t, 1);
    open_ok(t, t->msg, t->msg_len);
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_REPLAY);
}

static void test_attack_reorder_beyond_window(void **state)
{
    fx *t = *state;
    static char old[2048], edge[2048];
    seal_ab(t, 100 - MOAT_MSG_REPLAY_WINDOW);
    strcpy(old, t->msg);
    seal_ab(t, 100 - MOAT_MSG_REPLAY_WINDOW + 1);
    strcpy(edge, t->msg);
    seal_ab(t, 100);
    open_ok(t, t->msg, t->msg_len);
    open_expect(t, old, strlen(old), MOAT_ERR_MSG_REPLAY_OLD);
    open_ok(t, edge, strlen(edge)); /* oldest sequence still in the window */
}

static void test_attack_truncated(void **state)
{
    fx *t = *state;
    size_t off, len;
    seal_ab(t, 1);
    /* Last character gone: 21 characters cannot be base64url. */
    open_expect(t, t->msg, t->msg_len - 1u, MOAT_ERR_B64_LENGTH);
    /* Two gone: the tag is 15 bytes. */
    open_expect(t, t->msg, t->msg_len - 2u, MOAT_ERR_JWE_TAG_LENGTH);
    /* Cut after the ciphertext: four segments. */
    segment(t->msg, 4, &off, &len);
    open_expect(t, t->msg, off - 1u, MOAT_ERR_JWE_FORMAT);
    /* Only the header. */
    segment(t->msg, 1, &off, &len);
    open_expect(t, t->msg, off, MOAT_ERR_JWE_FORMAT);
    /* Ciphertext shortened by 4 characters (3 bytes): the tag fails. */
    segment(t->msg, 3, &off, &len);
    memcpy(t->msg2, t->msg, off + len - 4u);
    strcpy(t->msg2 + off + len - 4u, t->msg + off + len);
    open_expect(t, t->msg2, strlen(t->msg2), MOAT_ERR_JWE_AUTH);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_altered_ciphertext(void **state)
{
    fx *t = *state;
    seal_ab(t, 1);
    open_expect(t, t->msg2, flip_char(t, 3, 10), MOAT_ERR_JWE_AUTH);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_altered_tag(void **state)
{
    fx *t = *state;
    seal_ab(t, 1);
    open_expect(t, t->msg2, flip_char(t, 4, 0), MOAT_ERR_JWE_AUTH);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_altered_iv(void **state)
{
    fx *t = *state;
    static const uint8_t iv16[16] = {1};
    seal_ab(t, 1);
    open_expect(t, t->msg2, flip_char(t, 2, 0), MOAT_ERR_JWE_AUTH);
    open_expect(t, t->msg2, replace_segment(t, 2, iv16, 16), MOAT_ERR_JWE_IV_LENGTH);
    open_expect(t, t->msg2, replace_segment(t, 2, iv16, 8), MOAT_ERR_JWE_IV_LENGTH);
    open_expect(t, t->msg2, replace_segment(t, 4, iv16, 12), MOAT_ERR_JWE_TAG_LENGTH);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_altered_header(void **state)
{
    fx *t = *state;
    seal_ab(t, 1);
    /* The type in the header is AAD: changing it breaks the tag. */
    open_expect(t, t->msg2, rewrite_header(t, "\"msg_type\":\"telemetry\"", "\"msg_type\":\"cmd\""),
                MOAT_ERR_JWE_AUTH);
    /* Reordered members, same meaning: still other AAD bytes. */
    open_expect(t, t->msg2, rewrite_header(t, "\"cty\":\"moat-msg+jws\",", ""),
                MOAT_ERR_MSG_HEADER);
    open_expect(t, t->msg2, rewrite_header(t, "{\"alg\"", "{\"x\":1,\"alg\""), MOAT_ERR_JWE_AUTH);
    /* The sender named in the header: another known device. */
    open_expect(t, t->msg2, rewrite_header(t, "\"iss\":\"dev-a\"", "\"iss\":\"dev-c\""),
                MOAT_ERR_JWE_AUTH);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_epk_not_on_curve(void **state)
{
    fx *t = *state;
    char hdr[2048], *y;
    size_t n = 0;
    const char *dot;
    char rep[64];
    seal_ab(t, 1);
    dot = strchr(t->msg, '.');
    assert_int_equal(moat_b64url_decode(t->msg, (size_t)(dot - t->msg), (uint8_t *)hdr,
                                        sizeof(hdr) - 1, &n), MOAT_OK);
    hdr[n] = 0;
    y = strstr(hdr, "\"y\":\"");
    assert_non_null(y);
    memcpy(rep, y, 10);
    rep[10] = 0;
    y[6] = (char)(y[6] == 'A' ? 'B' : 'A');
    {
        char rep2[16];
        memcpy(rep2, y, 10);
        rep2[10] = 0;
        open_expect(t, t->msg2, rewrite_header(t, rep, rep2), MOAT_ERR_JWE_EPK_NOT_ON_CURVE);
    }
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_epk_other_curve(void **state)
{
    fx *t = *state;
    moat_ec_private_key k384;
    moat_ec_public_key p384;
    char jwk[MOAT_JWK_EMIT_MAX], hdr[2048], old[256];
    size_t jl = 0, n = 0;
    const char *dot;
    char *s, *e;
    seal_ab(t, 1);
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P384, moat_drbg_generate, &t->drbg, &k384), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&k384, &p384), MOAT_OK);
    assert_int_equal(moat_jwk_emit(&p384, jwk, sizeof(jwk), &jl), MOAT_OK);
    dot = strchr(t->msg, '.');
    assert_int_equal(moat_b64url_decode(t->msg, (size_t)(dot - t->msg), (uint8_t *)hdr,
                                        sizeof(hdr) - 1, &n), MOAT_OK);
    hdr[n] = 0;
    s = strstr(hdr, "{\"kty\"");
    assert_non_null(s);
    e = strchr(s, '}');
    memcpy(old, s, (size_t)(e - s + 1));
    old[e - s + 1] = 0;
    open_expect(t, t->msg2, rewrite_header(t, old, jwk), MOAT_ERR_JWE_EPK_CURVE);
    moat_ec_private_wipe(&k384);
    /* A private member in the epk. */
    (void)snprintf(hdr, sizeof(hdr), "%.*s,\"d\":\"AAAA\"}", (int)strlen(old) - 1, old);
    open_expect(t, t->msg2, rewrite_header(t, old, hdr), MOAT_ERR_JWE_EPK_INVALID);
}

static void test_attack_wrong_recipient(void **state)
{
    fx *t = *state;
    uint8_t jws[12000];
    size_t jl = 0;
    moat_jwe_param ex[3] = {{"iss", "dev-a"}, {"aud", "dev-c"}, {"msg_type", "telemetry"}};
    moat_jwe_encrypt_opts eo;

    /* A message for B delivered to C. */
    seal_ab(t, 1);
    t->rx.me = "dev-c";
    t->rx.key = &t->dc;
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_WRONG_RECIPIENT);
    /* The header relabelled for C: C's key cannot decrypt it. */
    open_expect(t, t->msg2, rewrite_header(t, "\"aud\":\"dev-b\"", "\"aud\":\"dev-c\""),
                MOAT_ERR_JWE_AUTH);
    /* Forwarding: B decrypts A's message and re-encrypts the signed inner
     * message to C, header relabelled: the signed "to" still names B. */
    assert_int_equal(moat_jwe_decrypt(t->msg, t->msg_len, &t->db, NULL, jws, sizeof(jws), &jl),
                     MOAT_OK);
    memset(&eo, 0, sizeof(eo));
    eo.cty = MOAT_MSG_CTY;
    eo.extra = ex;
    eo.extra_count = 3;
    assert_int_equal(moat_jwe_encrypt(&t->sc.pub, &eo, jws, jl, moat_drbg_generate, &t->drbg,
                                      t->msg2, sizeof(t->msg2), &jl), MOAT_OK);
    open_expect(t, t->msg2, jl, MOAT_ERR_MSG_WRONG_RECIPIENT);
}

static void test_attack_sender_substitution(void **state)
{
    fx *t = *state;
    char tpa[MOAT_JWK_KID_SIZE];
    static const char payload[] =
        "{\"v\":1,\"from\":\"dev-a\",\"to\":\"dev-b\",\"type\":\"cmd\",\"seq\":1,"
        "\"iat\":1700000000,\"body\":\"b3Blbg\"}";
    /* C (a known device) signs a message claiming to be from A. */
    craft(t, &t->sc, NULL, payload, &t->sb.pub, "dev-a", "dev-b", "cmd");
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_SENDER_MISMATCH);
    /* Same, with A's kid forged in C's JWS header. */
    assert_int_equal(moat_jwk_thumbprint(&t->sa.pub, tpa), MOAT_OK);
    craft(t, &t->sc, tpa, payload, &t->sb.pub, "dev-a", "dev-b", "cmd");
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_CRYPTO_SIG_INVALID);
    /* Through the API: C seals with from = dev-a. */
    {
        moat_msg_header h = {"dev-a", "dev-b", "cmd", 1, 1700000000};
        assert_int_equal(moat_msg_seal(&t->sc, &h, &t->sb.pub, (const uint8_t *)"x", 1,
                                       moat_drbg_generate, &t->drbg, t->swork, sizeof(t->swork),
                                       t->msg, sizeof(t->msg), &t->msg_len), MOAT_OK);
        open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_SENDER_MISMATCH);
    }
    /* A signs, but its payload says dev-c while the header says dev-a. */
    craft(t, &t->sa, NULL,
          "{\"v\":1,\"from\":\"dev-c\",\"to\":\"dev-b\",\"type\":\"cmd\",\"seq\":1,"
          "\"iat\":1,\"body\":\"\"}",
          &t->sb.pub, "dev-a", "dev-b", "cmd");
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_BINDING);
    /* Header and payload types differ. */
    craft(t, &t->sa, NULL,
          "{\"v\":1,\"from\":\"dev-a\",\"to\":\"dev-b\",\"type\":\"cmd\",\"seq\":1,"
          "\"iat\":1,\"body\":\"\"}",
          &t->sb.pub, "dev-a", "dev-b", "telemetry");
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_BINDING);
}

static void test_attack_unknown_sender_and_type(void **state)
{
    fx *t = *state;
    seal_to(t, &t->sa, "dev-x", "dev-b", &t->sb.pub, "telemetry", 1, NULL, 0);
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_UNKNOWN_SENDER);
    seal_to(t, &t->sa, "dev-a", "dev-b", &t->sb.pub, "reboot", 1, NULL, 0);
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_TYPE_NOT_ALLOWED);
}

static void test_attack_rollback_after_reboot(void **state)
{
    fx *t = *state;
    static char m[80][1536];
    uint64_t i;
    for (i = 1; i <= 80; i++) {
        seal_ab(t, i);
        assert_true(t->msg_len < sizeof(m[0]));
        strcpy(m[i - 1], t->msg);
        open_ok(t, t->msg, t->msg_len);
    }
    reboot(t);
    /* Old sequence (beyond the window) and a recent one: both refused. */
    open_expect(t, m[4], strlen(m[4]), MOAT_ERR_MSG_REPLAY_OLD);
    open_expect(t, m[79], strlen(m[79]), MOAT_ERR_MSG_REPLAY);
    open_expect(t, m[40], strlen(m[40]), MOAT_ERR_MSG_REPLAY);
    seal_ab(t, 81);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_oversized(void **state)
{
    fx *t = *state;
    static uint8_t big[5000];
    static char payload[12000];
    static char b64[8000];
    moat_msg_header h = {"dev-a", "dev-b", "cmd", 1, 0};
    size_t n = 0;
    /* Sealing: body above the bound. */
    assert_int_equal(moat_msg_seal(&t->sa, &h, &t->sb.pub, big, MOAT_MSG_BODY_MAX + 1u, moat_drbg_generate,
                                   &t->drbg, t->swork, sizeof(t->swork), t->msg, sizeof(t->msg),
                                   &n), MOAT_ERR_MSG_TOO_LARGE);
    assert_int_equal(n, 0);
    /* Opening: a message above MOAT_MSG_MAX. */
    memset(t->msg2, 'A', MOAT_MSG_MAX + 1u);
    open_expect(t, t->msg2, MOAT_MSG_MAX + 1u, MOAT_ERR_MSG_TOO_LARGE);
    /* Opening: a well-formed message whose body exceeds the bound. */
    assert_int_equal(moat_b64url_encode(big, 5000, b64, sizeof(b64), &n), MOAT_OK);
    (void)snprintf(payload, sizeof(payload),
                   "{\"v\":1,\"from\":\"dev-a\",\"to\":\"dev-b\",\"type\":\"cmd\",\"seq\":1,"
                   "\"iat\":1,\"body\":\"%s\"}", b64);
    craft(t, &t->sa, NULL, payload, &t->sb.pub, "dev-a", "dev-b", "cmd");
    assert_true(t->msg_len <= MOAT_MSG_MAX);
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_TOO_LARGE);
    /* JWE level: plaintext above its bound. */
    assert_int_equal(moat_jwe_encrypt(&t->sb.pub, NULL, (const uint8_t *)t->msg2,
                                      MOAT_JWE_PLAINTEXT_MAX + 1u, moat_drbg_generate, &t->drbg,
                                      t->msg, sizeof(t->msg), &n), MOAT_ERR_JWE_TOO_LARGE);
}

static void test_attack_disallowed_alg(void **state)
{
    fx *t = *state;
    static const char *const algs[] = {"ECDH-ES+A128KW", "ECDH-ES+A256KW", "RSA-OAEP", "dir",
                                       "A256GCMKW", "none"};
    char rep[64];
    size_t i;
    seal_ab(t, 1);
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        (void)snprintf(rep, sizeof(rep), "\"alg\":\"%s\"", algs[i]);
        open_expect(t, t->msg2, rewrite_header(t, "\"alg\":\"ECDH-ES\"", rep),
                    MOAT_ERR_JWE_ALG_NOT_ALLOWED);
    }
    open_expect(t, t->msg2, rewrite_header(t, "\"alg\":\"ECDH-ES\",", ""),
                MOAT_ERR_JOSE_ALG_MISSING);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_disallowed_enc(void **state)
{
    fx *t = *state;
    static const char *const encs[] = {"A128GCM", "A192GCM", "A256CBC-HS512", "A128CBC-HS256"};
    char rep[64];
    size_t i;
    seal_ab(t, 1);
    for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
        (void)snprintf(rep, sizeof(rep), "\"enc\":\"%s\"", encs[i]);
        open_expect(t, t->msg2, rewrite_header(t, "\"enc\":\"A256GCM\"", rep),
                    MOAT_ERR_JWE_ENC_NOT_ALLOWED);
    }
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_zip_header(void **state)
{
    fx *t = *state;
    seal_ab(t, 1);
    open_expect(t, t->msg2, rewrite_header(t, "\"enc\":\"A256GCM\"",
                                           "\"enc\":\"A256GCM\",\"zip\":\"DEF\""),
                MOAT_ERR_JWE_ZIP);
    open_ok(t, t->msg, t->msg_len);
}

static void test_attack_crit_and_encrypted_key(void **state)
{
    fx *t = *state;
    static const uint8_t ek[40] = {7};
    seal_ab(t, 1);
    open_expect(t, t->msg2, rewrite_header(t, "\"enc\":\"A256GCM\"",
                                           "\"enc\":\"A256GCM\",\"crit\":[\"x-new\"],\"x-new\":1"),
                MOAT_ERR_JOSE_CRIT_UNKNOWN);
    open_expect(t, t->msg2, rewrite_header(t, "\"enc\":\"A256GCM\"",
                                           "\"enc\":\"A256GCM\",\"crit\":[\"epk\"]"),
                MOAT_ERR_JOSE_CRIT_MALFORMED);
    open_expect(t, t->msg2, replace_segment(t, 1, ek, sizeof(ek)), MOAT_ERR_JWE_ENCRYPTED_KEY);
    open_ok(t, t->msg, t->msg_len);
}

/* ------------------------------------------------------------ power */

static void test_power_cut_while_persisting(void **state)
{
    fx *t = *state;
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    size_t k, blen = 0;
    uint64_t seq = 1, hi = 0;

    for (k = 0; k < 3; k++, seq += 2) {
        int accepted = 0, attempt;
        seal_ab(t, seq);
        moat_port_fault_cut_at(&t->f, moat_port_fault_writes(&t->f) + 1u, modes[k]);
        memset(t->body, 0xAA, sizeof(t->body));
        assert_int_equal(moat_msg_open(&t->rx, t->msg, t->msg_len, t->work, sizeof(t->work),
                                       t->body, sizeof(t->body), &blen, NULL),
                         MOAT_ERR_PORT_POWER_CUT);
        assert_int_equal(blen, 0);
        assert_zero(t->body, sizeof(t->body));
        assert_true(moat_port_fault_is_cut(&t->f));
        /* Memory is stale until reloaded. */
        assert_int_equal(moat_msg_replay_check(&t->replay, "dev-a", seq + 1u),
                         MOAT_ERR_MSG_REPLAY_STALE);
        reboot(t);
        /* Old or new window; the message is accepted at most once. */
        hi = 0;
        (void)moat_msg_replay_get(&t->replay, "dev-a", &hi, NULL);
        if (modes[k] == MOAT_PORT_FAULT_CUT_AFTER) {
            assert_int_equal(hi, seq);
        } else {
            assert_true(hi < seq);
        }
        for (attempt = 0; attempt < 2; attempt++) {
            moat_err e = moat_msg_open(&t->rx, t->msg, t->msg_len, t->work, sizeof(t->work),
                                       t->body, sizeof(t->body), &blen, NULL);
            if (e == MOAT_OK) {
                accepted++;
            } else {
                assert_int_equal(e, MOAT_ERR_MSG_REPLAY);
            }
        }
        assert_int_equal(accepted, modes[k] == MOAT_PORT_FAULT_CUT_AFTER ? 0 : 1);
    }
}

static void test_replay_table_and_record(void **state)
{
    fx *t = *state;
    char id[16];
    unsigned i;
    static const uint8_t junk[] = "MRP1\x01\x00";
    /* A full table refuses new senders, keeps serving known ones. */
    for (i = 0; i < MOAT_MSG_REPLAY_MAX_SENDERS; i++) {
        (void)snprintf(id, sizeof(id), "s%u", i);
        assert_int_equal(moat_msg_replay_accept(&t->replay, id, 1), MOAT_OK);
    }
    assert_int_equal(moat_msg_replay_check(&t->replay, "s-new", 1), MOAT_ERR_MSG_REPLAY_FULL);
    assert_int_equal(moat_msg_replay_accept(&t->replay, "s3", 2), MOAT_OK);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s3", 0), MOAT_ERR_MSG_SEQ);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s3", MOAT_MSG_SEQ_MAX + 1u),
                     MOAT_ERR_MSG_SEQ);
    reboot(t);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s3", 2), MOAT_ERR_MSG_REPLAY);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s-new", 1), MOAT_ERR_MSG_REPLAY_FULL);
    /* A malformed record fails closed. */
    assert_int_equal(moat_port_record_write(&t->port, MOAT_MSG_DEFAULT_REPLAY_RECORD, junk,
                                            sizeof(junk) - 1u), MOAT_OK);
    moat_msg_replay_close(&t->replay);
    assert_int_equal(moat_msg_replay_open(&t->replay, &t->port, MOAT_MSG_DEFAULT_REPLAY_RECORD),
                     MOAT_ERR_MSG_REPLAY_RECORD);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s3", 9), MOAT_ERR_MSG_REPLAY_STALE);
    seal_ab(t, 1);
    open_expect(t, t->msg, t->msg_len, MOAT_ERR_MSG_REPLAY_STALE);
    /* Sender sequence numbers from a port counter. */
    {
        uint64_t a = 0, b = 0;
        assert_int_equal(moat_msg_seq_next(&t->port, MOAT_MSG_DEFAULT_SEQ_COUNTER, &a), MOAT_OK);
        assert_int_equal(moat_msg_seq_next(&t->port, MOAT_MSG_DEFAULT_SEQ_COUNTER, &b), MOAT_OK);
        assert_int_equal(a, 1);
        assert_int_equal(b, 2);
    }
}

/* ------------------------------------------------------------ forget */

/* Fill the table with s0..s(MAX-1), each at sequence 1. */
static void fill_table(fx *t)
{
    char id[16];
    unsigned i;
    for (i = 0; i < MOAT_MSG_REPLAY_MAX_SENDERS; i++) {
        (void)snprintf(id, sizeof(id), "s%u", i);
        assert_int_equal(moat_msg_replay_accept(&t->replay, id, 1), MOAT_OK);
    }
}

static void test_replay_forget_frees_slot(void **state)
{
    fx *t = *state;
    uint64_t hi = 99;
    fill_table(t);
    assert_int_equal(moat_msg_replay_accept(&t->replay, "s-new", 1), MOAT_ERR_MSG_REPLAY_FULL);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "s5"), MOAT_OK);
    assert_int_equal(moat_msg_replay_get(&t->replay, "s5", &hi, NULL), MOAT_ERR_NOT_FOUND);
    assert_int_equal(hi, 0);
    /* The 17th sender now fits; the table is full again after it. */
    assert_int_equal(moat_msg_replay_accept(&t->replay, "s-new", 1), MOAT_OK);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s-new2", 1), MOAT_ERR_MSG_REPLAY_FULL);
    /* The other windows are intact (neighbours of the removed entry too). */
    assert_int_equal(moat_msg_replay_check(&t->replay, "s4", 1), MOAT_ERR_MSG_REPLAY);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s6", 1), MOAT_ERR_MSG_REPLAY);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s15", 1), MOAT_ERR_MSG_REPLAY);
    assert_int_equal(moat_msg_replay_check(&t->replay, "s-new", 1), MOAT_ERR_MSG_REPLAY);
}

/* The documented procedure end to end: a retired sender is removed from the
 * directory, then forgotten; its old message stays refused. */
static void test_replay_forget_after_directory_removal(void **state)
{
    fx *t = *state;
    static char m1[2048];
    seal_ab(t, 1);
    strcpy(m1, t->msg);
    open_ok(t, m1, strlen(m1));
    t->rx.directory = &t->dir_b[1]; /* dev-a retired: only dev-c is known */
    t->rx.directory_count = 1;
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-a"), MOAT_OK);
    open_expect(t, m1, strlen(m1), MOAT_ERR_MSG_UNKNOWN_SENDER);
}

static void test_replay_forget_persists(void **state)
{
    fx *t = *state;
    uint64_t hi = 0, bm = 0;
    uint8_t rec[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t rec_len = 0;
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-a", 5), MOAT_OK);
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-c", 7), MOAT_OK);
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-d", 9), MOAT_OK);
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-d", 8), MOAT_OK);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-c"), MOAT_OK);
    reboot(t);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-c", &hi, NULL), MOAT_ERR_NOT_FOUND);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-a", &hi, &bm), MOAT_OK);
    assert_int_equal(hi, 5);
    assert_int_equal(bm, 1);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-d", &hi, &bm), MOAT_OK);
    assert_int_equal(hi, 9);
    assert_int_equal(bm, 3);
    /* The record itself: two entries, a then d, nothing else. */
    assert_int_equal(moat_port_record_read(&t->inner, MOAT_MSG_DEFAULT_REPLAY_RECORD, rec,
                                           sizeof(rec), &rec_len), MOAT_OK);
    assert_int_equal(rec_len, 5u + 2u * (1u + 5u + 16u));
    assert_memory_equal(rec, "MRP1\x02\x05" "dev-a", 11);
    assert_memory_equal(rec + 27, "\x05" "dev-d", 6);
    /* Forgetting the last ones leaves an empty, valid table. */
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-a"), MOAT_OK);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-d"), MOAT_OK);
    reboot(t);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-a", &hi, NULL), MOAT_ERR_NOT_FOUND);
    assert_int_equal(moat_msg_replay_get(&t->replay, "dev-d", &hi, NULL), MOAT_ERR_NOT_FOUND);
    assert_int_equal(moat_port_record_read(&t->inner, MOAT_MSG_DEFAULT_REPLAY_RECORD, rec,
                                           sizeof(rec), &rec_len), MOAT_OK);
    assert_int_equal(rec_len, 5);
    assert_memory_equal(rec, "MRP1\x00", 5);
}

static void test_replay_forget_unknown_sender(void **state)
{
    fx *t = *state;
    snap s;
    uint32_t w = moat_port_fault_writes(&t->f);
    /* Empty table, no record yet: not found, and still no record. */
    take(t, &s);
    assert_int_equal(s.rec_err, MOAT_ERR_PORT_NOT_FOUND);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-a"), MOAT_ERR_NOT_FOUND);
    assert_unchanged(t, &s);
    assert_int_equal(moat_port_fault_writes(&t->f), w);
    /* Populated table: an unknown sender changes nothing, writes nothing. */
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-a", 3), MOAT_OK);
    w = moat_port_fault_writes(&t->f);
    take(t, &s);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-x"), MOAT_ERR_NOT_FOUND);
    assert_unchanged(t, &s);
    assert_int_equal(moat_port_fault_writes(&t->f), w);
    /* Invalid arguments: the same. */
    assert_int_equal(moat_msg_replay_forget(NULL, "dev-a"), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_msg_replay_forget(&t->replay, NULL), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_msg_replay_forget(&t->replay, ""), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "a\"b"), MOAT_ERR_INVALID_ARGUMENT);
    assert_unchanged(t, &s);
    assert_int_equal(moat_port_fault_writes(&t->f), w);
    /* Unloaded state: stale, nothing written. */
    moat_msg_replay_close(&t->replay);
    assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-a"), MOAT_ERR_MSG_REPLAY_STALE);
    assert_int_equal(moat_port_fault_writes(&t->f), w);
}

static void test_replay_forget_power_cut(void **state)
{
    fx *t = *state;
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    size_t k;
    uint64_t hi = 0;
    assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-c", 7), MOAT_OK);
    for (k = 0; k < 3; k++) {
        moat_err e;
        uint64_t bm = 0;
        hi = 0;
        if (moat_msg_replay_get(&t->replay, "dev-a", &hi, NULL) == MOAT_ERR_NOT_FOUND) {
            assert_int_equal(moat_msg_replay_accept(&t->replay, "dev-a", 5), MOAT_OK);
        }
        moat_port_fault_cut_at(&t->f, moat_port_fault_writes(&t->f) + 1u, modes[k]);
        assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-a"), MOAT_ERR_PORT_POWER_CUT);
        assert_true(moat_port_fault_is_cut(&t->f));
        /* Memory is stale until reloaded: nothing is accepted or forgotten. */
        assert_int_equal(moat_msg_replay_check(&t->replay, "dev-a", 6), MOAT_ERR_MSG_REPLAY_STALE);
        assert_int_equal(moat_msg_replay_forget(&t->replay, "dev-c"), MOAT_ERR_MSG_REPLAY_STALE);
        assert_int_equal(moat_msg_replay_get(&t->replay, "dev-c", &hi, NULL),
                         MOAT_ERR_MSG_REPLAY_STALE);
        reboot(t); /* asserts the record still parses */
        /* Old table (a kept) or new table (a gone); c intact either way. */
        hi = 0;
        e = moat_msg_replay_get(&t->replay, "dev-a", &hi, &bm);
        if (modes[k] == MOAT_PORT_FAULT_CUT_AFTER) {
            assert_int_equal(e, MOAT_ERR_NOT_FOUND);
        } else {
            assert_int_equal(e, MOAT_OK);
            assert_int_equal(hi, 5);
            assert_int_equal(bm, 1);
        }
        assert_int_equal(moat_msg_replay_get(&t->replay, "dev-c", &hi, &bm), MOAT_OK);
        assert_int_equal(hi, 7);
        assert_int_equal(bm, 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jwe_round_trip_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reorder_within_window_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffer_too_small_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_reorder_beyond_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_altered_ciphertext, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_altered_tag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_altered_iv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_altered_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_epk_not_on_curve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_epk_other_curve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_wrong_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_sender_substitution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_unknown_sender_and_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rollback_after_reboot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_oversized, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_disallowed_alg, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_disallowed_enc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_zip_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_crit_and_encrypted_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cut_while_persisting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_table_and_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_forget_frees_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_forget_after_directory_removal, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_replay_forget_persists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_forget_unknown_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_forget_power_cut, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
