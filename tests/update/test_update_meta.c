/*
 * Unit tests of the update metadata (include/moat/update.h): the trust root
 * (bootstrap, rotation, stored record) and manifests (k-of-n signatures,
 * payload rules, anti-rollback, freeze protection).
 *
 * Every attack of issue 5 on metadata is a named test asserting the exact
 * error code, that the outputs were wiped, and that no counter, record or
 * slot of the device changed (the POSIX port in a temporary directory,
 * wrapped by the fault port). Keys are generated at run time; nothing
 * secret is committed.
 */
#define _GNU_SOURCE 1

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>
#include <sys/random.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/jose.h"
#include "moat/update.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"

/* 2026-01-01T00:00:00Z: every test passes time explicitly. */
#define NOW 1767225600LL
#define DAY 86400LL
#define YEAR (365LL * DAY)
#define SLOT_SIZE (64u * 1024u)
#define DOC_CAP 16384u
#define PAYLOAD_CAP 8192u

#define VENDOR "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
#define CLASS "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
#define OTHER_UUID "123e4567-e89b-12d3-a456-426614174000"

/* ---------------------------------------------------------------- keys */

typedef struct kp {
    moat_ec_private_key priv;
    moat_signer signer;
} kp;

/* root v1 (R), root v2 (N), targets v1 (T), new targets (U), untrusted (X). */
static kp R[3], N[3], T[3], U[3], X[2];

static moat_err test_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t r = getrandom(out, len, 0);
        if (r <= 0) {
            return MOAT_ERR_CRYPTO_RNG_FAILED;
        }
        out += r;
        len -= (size_t)r;
    }
    return MOAT_OK;
}

static void make_key(kp *k, moat_curve c)
{
    assert_int_equal(moat_ec_generate(c, test_rng, NULL, &k->priv), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&k->signer, &k->priv), MOAT_OK);
}

/* ------------------------------------------------------------- device */

typedef struct device {
    char dir[64];
    moat_port_posix posix;
    moat_port inner;
    moat_port_fault fault;
    moat_port port; /* the fault port over the POSIX port */
} device;

static device g_dev;
static moat_update_device g_device;
static moat_update_root g_root; /* root v1, bootstrapped in every fixture */
static uint8_t g_work[MOAT_UPDATE_WORK_SIZE(MOAT_UPDATE_ROOT_MAX_DOC)];
static uint8_t g_jws_work[MOAT_JWS_JSON_WORK_SIZE(DOC_CAP)];
static char g_root_doc[DOC_CAP];
static size_t g_root_doc_len;

/* Two images of component "app" (deterministic bytes), installed through
 * the real install state machine by the tests that need an active image. */
#define APP_IMG_LEN 1000u
static uint8_t g_app_img[2][APP_IMG_LEN];

static void dev_open(device *d)
{
    moat_port_posix_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.slot_size[0] = SLOT_SIZE;
    cfg.slot_size[1] = SLOT_SIZE;
    cfg.erase_size = 4096u;
    assert_int_equal(moat_port_posix_open(&d->posix, d->dir, &cfg, &d->inner), MOAT_OK);
    assert_int_equal(moat_port_fault_wrap(&d->fault, &d->inner, &d->port), MOAT_OK);
}

static void dev_reboot(device *d)
{
    moat_port_posix_close(&d->posix);
    dev_open(d);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* ------------------------------------------------------------ builders */

static void append(char *out, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(out);
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(out + len, cap - len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - len);
}

static void jwk_list(char *out, size_t cap, kp *const *keys, size_t n)
{
    size_t i;
    append(out, cap, "[");
    for (i = 0; i < n; i++) {
        char jwk[MOAT_JWK_EMIT_MAX];
        size_t l = 0;
        assert_int_equal(moat_jwk_emit(&keys[i]->signer.pub, jwk, sizeof(jwk), &l), MOAT_OK);
        append(out, cap, "%s%s", i ? "," : "", jwk);
    }
    append(out, cap, "]");
}

typedef struct root_spec {
    uint32_t version;
    int64_t expires;
    int64_t epoch; /* -1: member absent */
    kp *root[4];
    size_t nroot;
    int rth;
    kp *targets[4];
    size_t ntargets;
    int tth;
    const char *extra; /* raw members appended, or NULL */
} root_spec;

static root_spec spec_v1(void)
{
    root_spec s;
    memset(&s, 0, sizeof(s));
    s.version = 1;
    s.expires = NOW + YEAR;
    s.epoch = -1;
    s.root[0] = &R[0];
    s.root[1] = &R[1];
    s.root[2] = &R[2];
    s.nroot = 3;
    s.rth = 2;
    s.targets[0] = &T[0];
    s.targets[1] = &T[1];
    s.targets[2] = &T[2];
    s.ntargets = 3;
    s.tth = 2;
    return s;
}

static root_spec spec_v2(void)
{
    root_spec s = spec_v1();
    s.version = 2;
    s.root[0] = &N[0];
    s.root[1] = &N[1];
    s.root[2] = &N[2];
    return s;
}

static void root_payload(const root_spec *s, char *out, size_t cap)
{
    out[0] = '\0';
    append(out, cap, "{\"moat_root\":1,\"version\":%u,\"expires\":%lld,", s->version,
           (long long)s->expires);
    if (s->epoch >= 0) {
        append(out, cap, "\"sequence_epoch\":%lld,", (long long)s->epoch);
    }
    append(out, cap, "\"roles\":{\"root\":{\"keys\":");
    jwk_list(out, cap, s->root, s->nroot);
    append(out, cap, ",\"threshold\":%d},\"targets\":{\"keys\":", s->rth);
    jwk_list(out, cap, s->targets, s->ntargets);
    append(out, cap, ",\"threshold\":%d}}%s}", s->tth, s->extra ? s->extra : "");
}

/* Sign @p payload with each signer (kid: thumbprint, or kids[i]). */
static size_t sign_kids(const char *payload, kp *const *signers, const char *const *kids,
                        size_t n, char *out, size_t cap)
{
    static char prev[DOC_CAP];
    size_t len = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        const char *kid = kids ? kids[i] : NULL;
        if (i == 0) {
            assert_int_equal(moat_jws_json_sign(NULL, 0, (const uint8_t *)payload,
                                                strlen(payload), &signers[i]->signer, kid,
                                                NULL, 0, out, cap, &len),
                             MOAT_OK);
        } else {
            memcpy(prev, out, len + 1);
            assert_int_equal(moat_jws_json_sign(prev, len, NULL, 0, &signers[i]->signer, kid,
                                                g_jws_work, sizeof(g_jws_work), out, cap,
                                                &len),
                             MOAT_OK);
        }
    }
    return len;
}

static size_t sign(const char *payload, kp *const *signers, size_t n, char *out, size_t cap)
{
    return sign_kids(payload, signers, NULL, n, out, cap);
}

static size_t root_doc(const root_spec *s, kp *const *signers, size_t n, char *out, size_t cap)
{
    char payload[PAYLOAD_CAP];
    root_payload(s, payload, sizeof(payload));
    return sign(payload, signers, n, out, cap);
}

typedef struct mf_spec {
    int64_t epoch; /* "sequence_epoch"; -1: member absent */
    int64_t sequence;
    int64_t expires;
    const char *vendor;
    const char *klass;
    const char *component;
    const char *version;
    int64_t svn;
    const char *size; /* text, to write any number */
    int64_t slot;
    const char *deps;   /* raw JSON array, or NULL */
    const char *extra;  /* raw members appended, or NULL */
    const char *digest; /* base64url SHA-256 of the image; NULL: DIGEST_B64 */
} mf_spec;

static mf_spec mf_default(void)
{
    mf_spec m;
    memset(&m, 0, sizeof(m));
    m.epoch = 0;
    m.sequence = 2;
    m.expires = NOW + 30 * DAY;
    m.vendor = VENDOR;
    m.klass = CLASS;
    m.component = "app";
    m.version = "1.2.0";
    m.svn = 3;
    m.size = "1000";
    m.slot = 1;
    return m;
}

/* SHA-256 "digest" of the fixed test image (32 bytes of 0x11 encoded). */
#define DIGEST_B64 "ERERERERERERERERERERERERERERERERERERERERERE"

static void mf_payload(const mf_spec *m, char *out, size_t cap)
{
    out[0] = '\0';
    append(out, cap, "{\"moat_manifest\":1,");
    if (m->epoch >= 0) {
        append(out, cap, "\"sequence_epoch\":%lld,", (long long)m->epoch);
    }
    append(out, cap,
           "\"sequence\":%lld,\"expires\":%lld,\"vendor_id\":\"%s\","
           "\"class_id\":\"%s\",\"component\":\"%s\",\"version\":\"%s\",\"svn\":%lld,"
           "\"size\":%s,\"digest\":{\"alg\":\"sha-256\",\"value\":\"%s\"},"
           "\"slot\":%lld",
           (long long)m->sequence, (long long)m->expires, m->vendor, m->klass, m->component,
           m->version, (long long)m->svn, m->size, m->digest ? m->digest : DIGEST_B64,
           (long long)m->slot);
    if (m->deps != NULL) {
        append(out, cap, ",\"dependencies\":%s", m->deps);
    }
    append(out, cap, "%s}", m->extra ? m->extra : "");
}

static kp *const k_targets2[] = {&T[0], &T[1]};

static size_t mf_doc(const mf_spec *m, char *out, size_t cap)
{
    char payload[PAYLOAD_CAP];
    mf_payload(m, payload, sizeof(payload));
    return sign(payload, k_targets2, 2, out, cap);
}

/* ------------------------------------------------------ state snapshot */

typedef struct dev_state {
    moat_err crc[MOAT_PORT_COUNTER_COUNT];
    uint64_t ctr[MOAT_PORT_COUNTER_COUNT];
    moat_err rrc[MOAT_PORT_RECORD_COUNT];
    size_t rlen[MOAT_PORT_RECORD_COUNT];
    uint8_t rec[MOAT_PORT_RECORD_COUNT][32]; /* SHA-256 of each record */
    uint8_t slot[2][32];                     /* SHA-256 of slots 0 and 1 */
} dev_state;

static void capture(dev_state *s)
{
    static uint8_t buf[MOAT_PORT_RECORD_MAX];
    static uint8_t slot[SLOT_SIZE];
    uint32_t i;
    memset(s, 0, sizeof(*s));
    for (i = 0; i < MOAT_PORT_COUNTER_COUNT; i++) {
        s->crc[i] = moat_port_counter_read(&g_dev.port, i, &s->ctr[i]);
    }
    for (i = 0; i < MOAT_PORT_RECORD_COUNT; i++) {
        s->rrc[i] = moat_port_record_read(&g_dev.port, i, buf, sizeof(buf), &s->rlen[i]);
        if (s->rrc[i] == MOAT_OK) {
            assert_int_equal(moat_hash(MOAT_HASH_SHA256, buf, s->rlen[i], s->rec[i]), MOAT_OK);
        }
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(moat_port_slot_read(&g_dev.port, i, 0, slot, sizeof(slot)), MOAT_OK);
        assert_int_equal(moat_hash(MOAT_HASH_SHA256, slot, sizeof(slot), s->slot[i]), MOAT_OK);
    }
}

static void assert_unchanged(const dev_state *before)
{
    dev_state after;
    capture(&after);
    assert_memory_equal(before, &after, sizeof(after));
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------ fixtures */

static int group_setup(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        /* one P-384 key per role set, to exercise both curves */
        make_key(&R[i], i == 2 ? MOAT_CURVE_P384 : MOAT_CURVE_P256);
        make_key(&N[i], MOAT_CURVE_P256);
        make_key(&T[i], i == 1 ? MOAT_CURVE_P384 : MOAT_CURVE_P256);
        make_key(&U[i], MOAT_CURVE_P256);
    }
    make_key(&X[0], MOAT_CURVE_P256);
    make_key(&X[1], MOAT_CURVE_P256);
    {
        uint32_t x = 12345u;
        size_t j;
        for (j = 0; j < APP_IMG_LEN; j++) {
            x = x * 1103515245u + 12345u;
            g_app_img[0][j] = (uint8_t)(x >> 16);
            g_app_img[1][j] = (uint8_t)(x >> 8);
        }
    }

    memset(&g_device, 0, sizeof(g_device));
    assert_int_equal(moat_update_uuid_parse(VENDOR, 36, g_device.vendor_id), MOAT_OK);
    assert_int_equal(moat_update_uuid_parse(CLASS, 36, g_device.class_id), MOAT_OK);
    strcpy(g_device.components[0].name, "app");
    g_device.components[0].installed = (moat_update_version){1, 1, 0};
    g_device.components[0].slots = 1u << 1;
    strcpy(g_device.components[1].name, "radio");
    g_device.components[1].installed = (moat_update_version){3, 0, 0};
    g_device.components[1].slots = 1u << 1;
    strcpy(g_device.components[2].name, "bootloader");
    g_device.components[2].installed = (moat_update_version){2, 0, 0};
    g_device.components[2].slots = 1u << 2; /* slot 2 does not exist */
    g_device.ncomponents = 3;

    {
        root_spec s = spec_v1();
        kp *const signers[] = {&R[0], &R[1]};
        g_root_doc_len = root_doc(&s, signers, 2, g_root_doc, sizeof(g_root_doc));
    }
    return 0;
}

static int group_teardown(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        moat_ec_private_wipe(&R[i].priv);
        moat_ec_private_wipe(&N[i].priv);
        moat_ec_private_wipe(&T[i].priv);
        moat_ec_private_wipe(&U[i].priv);
    }
    moat_ec_private_wipe(&X[0].priv);
    moat_ec_private_wipe(&X[1].priv);
    return 0;
}

static void fixture_open(void)
{
    strcpy(g_dev.dir, "/tmp/moat-u1-XXXXXX");
    assert_non_null(mkdtemp(g_dev.dir));
    dev_open(&g_dev);
}

static void fixture_close(void)
{
    moat_port_posix_close(&g_dev.posix);
    assert_int_equal(nftw(g_dev.dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

/* Fresh device with root v1 bootstrapped. */
static int setup(void **state)
{
    (void)state;
    g_device.counter_max = 0; /* 64-bit counters unless a test says otherwise */
    fixture_open();
    assert_int_equal(moat_update_root_bootstrap(&g_dev.port, g_root_doc, g_root_doc_len, NOW,
                                                g_work, sizeof(g_work), &g_root),
                     MOAT_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fixture_close();
    return 0;
}

/* ------------------------------------------------------------- helpers */

static moat_err verify_dev(const char *doc, size_t len, const moat_update_root *root,
                           const moat_update_device *dv, int64_t now,
                           moat_update_manifest *m)
{
    return moat_update_manifest_verify(&g_dev.port, doc, len, root, dv, now, g_work,
                                       sizeof(g_work), m);
}

static moat_err verify(const char *doc, size_t len, const moat_update_root *root, int64_t now,
                       moat_update_manifest *m)
{
    return verify_dev(doc, len, root, &g_device, now, m);
}

/* The manifest must be rejected with @p code by @p dv, its output
 * wiped and the device unchanged. */
static void expect_reject_dev(const char *doc, size_t len, const moat_update_root *root,
                              const moat_update_device *dv, int64_t now, moat_err code)
{
    dev_state before;
    moat_update_manifest m;
    capture(&before);
    memset(&m, 0xA5, sizeof(m));
    assert_int_equal(verify_dev(doc, len, root, dv, now, &m), code);
    assert_true(all_zero(&m, sizeof(m)));
    assert_true(all_zero(g_work, sizeof(g_work)));
    assert_unchanged(&before);
}

static void expect_reject(const char *doc, size_t len, const moat_update_root *root,
                          int64_t now, moat_err code)
{
    expect_reject_dev(doc, len, root, &g_device, now, code);
}

static void expect_reject_mf(const mf_spec *s, moat_err code)
{
    static char doc[DOC_CAP];
    size_t len = mf_doc(s, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, code);
}

static void expect_accept(const char *doc, size_t len, const moat_update_root *root, int64_t now,
                          moat_update_manifest *m)
{
    dev_state before;
    capture(&before);
    assert_int_equal(verify(doc, len, root, now, m), MOAT_OK);
    assert_unchanged(&before);
}

/* Rotation through the port must fail with @p code and change nothing. */
static void expect_rotate_reject(const char *doc, size_t len, int64_t now, moat_err code)
{
    dev_state before;
    moat_update_root out;
    moat_update_root stored;
    capture(&before);
    memset(&out, 0xA5, sizeof(out));
    assert_int_equal(moat_update_root_rotate(&g_dev.port, &g_root, doc, len, now, g_work,
                                             sizeof(g_work), &out),
                     code);
    assert_true(all_zero(&out, sizeof(out)));
    assert_unchanged(&before);
    assert_int_equal(moat_update_root_load(&g_dev.port, &stored), MOAT_OK);
    assert_memory_equal(&stored, &g_root, sizeof(stored));
}

static void simulate_confirm(const moat_update_manifest *m)
{
    /* What moat_update_confirm() does to the counters (the image section
     * is tested separately). */
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SEQUENCE,
                                               m->sequence_counter),
                     MOAT_OK);
    assert_int_equal(moat_port_counter_advance(&g_dev.port, m->svn_counter_id, m->svn_counter),
                     MOAT_OK);
}

/* base64url of the SHA-256 of an APP_IMG_LEN-byte image (the manifest's
 * "digest" value), NUL-terminated. */
static void app_digest(const uint8_t *img, char out[64])
{
    uint8_t h[32];
    size_t l = 0;
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, img, APP_IMG_LEN, h), MOAT_OK);
    assert_int_equal(moat_b64url_encode(h, sizeof(h), out, 64, &l), MOAT_OK);
    assert_int_equal(l, 43);
}

static uint64_t counter(uint32_t id)
{
    uint64_t v = 0;
    assert_int_equal(moat_port_counter_read(&g_dev.port, id, &v), MOAT_OK);
    return v;
}

/* Install @p img of verified manifest @p m through the real state machine
 * (stream, trial, trial boot, moat_update_confirm()). The counters do not
 * move before the confirm, and are exactly the manifest's values after. */
static void install_image(const moat_update_manifest *m, const uint8_t *img)
{
    moat_update_stream st;
    uint64_t seq0 = counter(MOAT_UPDATE_COUNTER_SEQUENCE);
    uint64_t svn0 = counter(m->svn_counter_id);
    uint32_t slot = 99;
    moat_err crc = MOAT_ERR_INTERNAL;
    assert_int_equal(moat_update_stream_begin(&st, &g_dev.port, m), MOAT_OK);
    assert_int_equal(moat_update_stream_write(&st, img, (size_t)m->size), MOAT_OK);
    assert_int_equal(moat_update_stream_finish(&st), MOAT_OK);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == seq0);
    assert_true(counter(m->svn_counter_id) == svn0);
    assert_int_equal(moat_update_trial(&g_dev.port), MOAT_OK);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == seq0);
    assert_true(counter(m->svn_counter_id) == svn0);
    assert_int_equal(moat_update_boot(&g_dev.port, &slot, &crc), MOAT_OK); /* the trial boot */
    assert_int_equal(slot, m->slot);
    assert_int_equal(crc, MOAT_OK);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == seq0);
    assert_true(counter(m->svn_counter_id) == svn0);
    assert_int_equal(moat_update_confirm(&g_dev.port), MOAT_OK);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == m->sequence_counter);
    assert_true(counter(m->svn_counter_id) == m->svn_counter);
    slot = 99;
    assert_int_equal(moat_update_boot(&g_dev.port, &slot, &crc), MOAT_OK);
    assert_int_equal(slot, m->slot);
    assert_int_equal(crc, MOAT_OK);
}

/* The device's "app" 1.2.0 (sequence 1, svn 2) confirmed in slot 1 under
 * root v1: an active image and non-zero counters for the rotation sweep. */
static void install_app_v1_2(void)
{
    static char doc[DOC_CAP];
    char dg[64];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    uint32_t slot = 99;
    app_digest(g_app_img[0], dg);
    s.sequence = 1;
    s.svn = 2;
    s.digest = dg;
    len = mf_doc(&s, doc, sizeof(doc));
    assert_int_equal(verify(doc, len, &g_root, NOW, &m), MOAT_OK);
    assert_int_equal(moat_update_boot(&g_dev.port, &slot, NULL), MOAT_OK);
    assert_int_equal(slot, MOAT_UPDATE_SLOT_FACTORY);
    install_image(&m, g_app_img[0]);
    assert_int_equal(counter(MOAT_UPDATE_COUNTER_SEQUENCE), 1);
    assert_int_equal(counter(MOAT_UPDATE_COUNTER_SVN_BASE), 2);
}

/* =============================================================== tests */

static void test_manifest_valid(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    uint8_t d[32];
    (void)state;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    memset(d, 0x11, sizeof(d));
    assert_int_equal(m.sequence, 2);
    assert_int_equal(m.expires, NOW + 30 * DAY);
    assert_string_equal(m.component, "app");
    assert_int_equal(m.component_index, 0);
    assert_int_equal(m.version.major, 1);
    assert_int_equal(m.version.minor, 2);
    assert_int_equal(m.version.patch, 0);
    assert_int_equal(m.svn, 3);
    assert_int_equal(m.size, 1000);
    assert_memory_equal(m.digest, d, 32);
    assert_int_equal(m.slot, 1);
    assert_int_equal(m.root_version, 1);
    assert_int_equal(m.sequence_counter, 2);
    assert_int_equal(m.svn_counter_id, MOAT_UPDATE_COUNTER_SVN_BASE);
    assert_int_equal(m.svn_counter, 3);
    /* Every one of the three targets keys may sign (2 of 3). */
    {
        char payload[PAYLOAD_CAP];
        kp *const other[] = {&T[2], &T[1]};
        mf_payload(&s, payload, sizeof(payload));
        len = sign(payload, other, 2, doc, sizeof(doc));
        expect_accept(doc, len, &g_root, NOW, &m);
    }
}

static void test_attack_unsigned_manifest(void **state)
{
    char payload[PAYLOAD_CAP];
    static char doc[PAYLOAD_CAP * 2 + 64];
    static char b64[PAYLOAD_CAP * 2];
    size_t bl = 0;
    mf_spec s = mf_default();
    (void)state;
    mf_payload(&s, payload, sizeof(payload));
    /* The bare payload. */
    expect_reject(payload, strlen(payload), &g_root, NOW, MOAT_ERR_JOSE_FORMAT);
    /* A serialization with no signature. */
    assert_int_equal(moat_b64url_encode((const uint8_t *)payload, strlen(payload), b64,
                                        sizeof(b64), &bl),
                     MOAT_OK);
    snprintf(doc, sizeof(doc), "{\"payload\":\"%s\",\"signatures\":[]}", b64);
    expect_reject(doc, strlen(doc), &g_root, NOW, MOAT_ERR_JOSE_FORMAT);
}

static void test_attack_untrusted_key(void **state)
{
    static char doc[DOC_CAP];
    char payload[PAYLOAD_CAP];
    kp *const signers[] = {&X[0], &X[1]};
    mf_spec s = mf_default();
    size_t len;
    (void)state;
    mf_payload(&s, payload, sizeof(payload));
    len = sign(payload, signers, 2, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
    /* Root keys are not targets keys either. */
    {
        kp *const roots[] = {&R[0], &R[1]};
        len = sign(payload, roots, 2, doc, sizeof(doc));
        expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
    }
    /* An untrusted key using a trusted key's kid. */
    {
        char kid[MOAT_JWK_KID_SIZE];
        const char *kids[] = {kid, NULL};
        kp *const mixed[] = {&X[0], &T[0]};
        assert_int_equal(moat_jwk_thumbprint(&T[1].signer.pub, kid), MOAT_OK);
        len = sign_kids(payload, mixed, kids, 2, doc, sizeof(doc));
        expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
    }
}

static void test_attack_k_minus_1_signatures(void **state)
{
    static char doc[DOC_CAP];
    char payload[PAYLOAD_CAP];
    kp *const one[] = {&T[0]};
    mf_spec s = mf_default();
    size_t len;
    (void)state;
    mf_payload(&s, payload, sizeof(payload));
    len = sign(payload, one, 1, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_same_key_twice(void **state)
{
    static char doc[DOC_CAP];
    char payload[PAYLOAD_CAP];
    kp *const twice[] = {&T[0], &T[0]};
    mf_spec s = mf_default();
    size_t len;
    (void)state;
    mf_payload(&s, payload, sizeof(payload));
    len = sign(payload, twice, 2, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_one_key_two_kids(void **state)
{
    static char doc[DOC_CAP];
    char payload[PAYLOAD_CAP];
    kp *const twice[] = {&T[0], &T[0]};
    const char *kids[] = {NULL, "T0-alias"};
    mf_spec s = mf_default();
    size_t len;
    moat_update_root out;
    (void)state;
    /* In a manifest: the second kid names no key; the key counts once. */
    mf_payload(&s, payload, sizeof(payload));
    len = sign_kids(payload, twice, kids, 2, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);

    /* In a trust root: one key listed twice, or under a kid that is not its
     * thumbprint, is refused. */
    {
        root_spec r = spec_v1();
        kp *const signers[] = {&R[0], &R[1]};
        r.root[2] = &R[0];
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_KEYS);
        assert_true(all_zero(&out, sizeof(out)));
    }
    {
        root_spec r = spec_v1();
        char p2[PAYLOAD_CAP];
        char *at;
        char kid[MOAT_JWK_KID_SIZE];
        kp *const signers[] = {&R[0], &R[1]};
        root_payload(&r, p2, sizeof(p2));
        assert_int_equal(moat_jwk_thumbprint(&T[0].signer.pub, kid), MOAT_OK);
        at = strstr(p2, kid);
        assert_non_null(at);
        at[0] = (char)(at[0] == 'A' ? 'B' : 'A'); /* another kid, same key */
        len = sign(p2, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_KEYS);
        assert_true(all_zero(&out, sizeof(out)));
    }
}

/* Replace the "payload" member of @p doc with base64url(@p payload). */
static size_t swap_payload(char *doc, size_t cap, const char *payload)
{
    static char tail[DOC_CAP];
    char b64[PAYLOAD_CAP * 2];
    size_t bl = 0;
    char *start = strstr(doc, "\"payload\":\"");
    char *end;
    assert_non_null(start);
    start += strlen("\"payload\":\"");
    end = strchr(start, '"');
    assert_non_null(end);
    strcpy(tail, end);
    assert_int_equal(moat_b64url_encode((const uint8_t *)payload, strlen(payload), b64,
                                        sizeof(b64), &bl),
                     MOAT_OK);
    assert_true((size_t)(start - doc) + bl + strlen(tail) < cap);
    memcpy(start, b64, bl);
    strcpy(start + bl, tail);
    return strlen(doc);
}

static void test_attack_field_changed_under_old_signature(void **state)
{
    static char doc[DOC_CAP];
    char payload[PAYLOAD_CAP];
    mf_spec s = mf_default();
    size_t len;
    (void)state;
    len = mf_doc(&s, doc, sizeof(doc));
    s.svn = 9; /* the attacker raises the svn and keeps the signatures */
    mf_payload(&s, payload, sizeof(payload));
    len = swap_payload(doc, sizeof(doc), payload);
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
}

/* ------------------------------------------------ manifest byte flips */

static int b64url_value(char c)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *at = c != '\0' ? strchr(alphabet, c) : NULL;
    return at != NULL ? (int)(at - alphabet) : -1;
}

static char b64url_char(int v)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assert_true(v >= 0 && v < 64);
    return alphabet[v];
}

/* A valid signed manifest for the flip attacks (its original verifies),
 * padded by an ignored informational member so that the payload length is
 * 1 mod 3: its base64url then ends in a character carrying 2 data bits
 * and 4 zero bits (RFC 4648 section 5, no padding), so the last position
 * has both canonical and non-canonical replacements. */
typedef struct flip_doc {
    char doc[DOC_CAP];
    size_t len;
    char payload[PAYLOAD_CAP];
    size_t b64_start; /* offset of the payload's base64url in doc */
    size_t b64_len;   /* its length */
} flip_doc;

static flip_doc g_flip;

static void flip_doc_make(void)
{
    static const char xs[] = "xx";
    char extra[32];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t plen;
    const char *start;
    const char *end;
    mf_payload(&s, g_flip.payload, sizeof(g_flip.payload));
    plen = strlen(g_flip.payload) + 10u; /* ,"note":"" */
    (void)snprintf(extra, sizeof(extra), ",\"note\":\"%s\"", xs + (2u - (4u - plen % 3u) % 3u));
    s.extra = extra;
    mf_payload(&s, g_flip.payload, sizeof(g_flip.payload));
    assert_int_equal(strlen(g_flip.payload) % 3u, 1u);
    g_flip.len = sign(g_flip.payload, k_targets2, 2, g_flip.doc, sizeof(g_flip.doc));
    start = strstr(g_flip.doc, "\"payload\":\"");
    assert_non_null(start);
    start += strlen("\"payload\":\"");
    end = strchr(start, '"');
    assert_non_null(end);
    g_flip.b64_start = (size_t)(start - g_flip.doc);
    g_flip.b64_len = (size_t)(end - start);
    assert_int_equal(g_flip.b64_len % 4u, 2u);
    /* the unflipped document is accepted: the flip alone is refused */
    expect_accept(g_flip.doc, g_flip.len, &g_root, NOW, &m);
}

/* Replace base64url character @p pos of the payload by @p c: the document
 * then differs from the signed one in exactly that byte. @p canonical says
 * whether the new text is canonical base64url (checked by decoding it: it
 * decodes to a payload of the same length differing from the signed one,
 * or it is refused as non-canonical). Verification must fail with @p code,
 * outputs wiped and the device (counters, records, slots) unchanged. */
static void flip_expect(size_t pos, char c, bool canonical, moat_err code)
{
    static char bad[DOC_CAP];
    static uint8_t dec[PAYLOAD_CAP];
    size_t dl = 0;
    size_t i;
    size_t diff = 0;
    assert_true(pos < g_flip.b64_len);
    assert_true(b64url_value(c) >= 0);
    memcpy(bad, g_flip.doc, g_flip.len + 1u);
    assert_true(bad[g_flip.b64_start + pos] != c);
    bad[g_flip.b64_start + pos] = c;
    for (i = 0; i < g_flip.len; i++) {
        diff += bad[i] != g_flip.doc[i];
    }
    assert_int_equal(diff, 1);
    if (canonical) {
        assert_int_equal(moat_b64url_decode(bad + g_flip.b64_start, g_flip.b64_len, dec,
                                            sizeof(dec), &dl),
                         MOAT_OK);
        assert_int_equal(dl, strlen(g_flip.payload));
        assert_true(memcmp(dec, g_flip.payload, dl) != 0);
    } else {
        assert_int_equal(moat_b64url_decode(bad + g_flip.b64_start, g_flip.b64_len, dec,
                                            sizeof(dec), &dl),
                         MOAT_ERR_B64_TRAILING_BITS);
    }
    expect_reject(bad, g_flip.len, &g_root, NOW, code);
}

/* Signatures cover the base64url text (RFC 7515 section 5.2), so any
 * change of the payload fails every signature: fewer than the threshold
 * of distinct valid signers. */
static void test_attack_manifest_payload_byte_flipped_first(void **state)
{
    int v;
    (void)state;
    flip_doc_make();
    v = b64url_value(g_flip.doc[g_flip.b64_start]);
    assert_true(v >= 0);
    flip_expect(0, b64url_char(v ^ 1), true, MOAT_ERR_JOSE_THRESHOLD);
    flip_expect(0, b64url_char(v ^ 32), true, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_manifest_payload_byte_flipped_middle(void **state)
{
    size_t mid;
    int v;
    (void)state;
    flip_doc_make();
    mid = g_flip.b64_len / 2u;
    v = b64url_value(g_flip.doc[g_flip.b64_start + mid]);
    assert_true(v >= 0);
    flip_expect(mid, b64url_char(v ^ 1), true, MOAT_ERR_JOSE_THRESHOLD);
    flip_expect(mid, b64url_char(v ^ 32), true, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_manifest_payload_byte_flipped_last(void **state)
{
    size_t last;
    int v;
    (void)state;
    flip_doc_make();
    last = g_flip.b64_len - 1u;
    v = b64url_value(g_flip.doc[g_flip.b64_start + last]);
    assert_true(v >= 0);
    assert_int_equal(v & 15, 0); /* 2 data bits, 4 zero bits */
    /* canonical flips of the last character (a data bit) */
    flip_expect(last, b64url_char(v ^ 16), true, MOAT_ERR_JOSE_THRESHOLD);
    flip_expect(last, b64url_char(v ^ 32), true, MOAT_ERR_JOSE_THRESHOLD);
    /* a canonical flip next to it (its low bits are data bits) */
    flip_expect(last - 1u,
                b64url_char(b64url_value(g_flip.doc[g_flip.b64_start + last - 1u]) ^ 1),
                true, MOAT_ERR_JOSE_THRESHOLD);
    /* a non-canonical last character (a trailing bit set): the signatures
     * over the text are checked first and fail, so the payload is never
     * decoded (moat_jws_json_verify() decodes it only once the threshold is
     * met): the threshold error, not the base64url one */
    flip_expect(last, b64url_char(v ^ 1), false, MOAT_ERR_JOSE_THRESHOLD);
    flip_expect(last, b64url_char(v ^ 8), false, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_mix_and_match(void **state)
{
    static char a[DOC_CAP];
    static char b[DOC_CAP];
    static char mix[DOC_CAP];
    char pb[PAYLOAD_CAP];
    mf_spec sa = mf_default();
    mf_spec sb = mf_default();
    const char *sig_a;
    const char *sig_b;
    size_t len;
    (void)state;
    sb.version = "9.0.0";
    sb.sequence = 7;
    mf_doc(&sa, a, sizeof(a));
    mf_doc(&sb, b, sizeof(b));
    /* A's signatures on B's payload. */
    mf_payload(&sb, pb, sizeof(pb));
    strcpy(mix, a);
    len = swap_payload(mix, sizeof(mix), pb);
    expect_reject(mix, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
    /* B's payload with one signature entry from B and one from A. */
    sig_a = strstr(a, "\"signatures\":[");
    sig_b = strstr(b, "\"signatures\":[");
    assert_non_null(sig_a);
    assert_non_null(sig_b);
    {
        const char *a2 = strstr(sig_a, "},{"); /* A's second entry */
        const char *b1_end = strstr(sig_b, "},{");
        size_t head = (size_t)(b1_end - b) + 1u;
        assert_non_null(a2);
        assert_non_null(b1_end);
        memcpy(mix, b, head);
        mix[head] = '\0';
        strcat(mix, a2 + 1);
        len = strlen(mix);
        expect_reject(mix, len, &g_root, NOW, MOAT_ERR_JOSE_THRESHOLD);
    }
}

static void test_attack_duplicate_keys(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    size_t len;
    moat_update_root out;
    (void)state;
    /* A properly signed manifest whose payload repeats "svn" (a parser
     * keeping the first or the last would disagree on the meaning). */
    s.extra = ",\"svn\":0";
    expect_reject_mf(&s, MOAT_ERR_JSON_DUPLICATE_KEY);
    s = mf_default();
    s.extra = ",\"digest\":{\"alg\":\"sha-256\",\"value\":\"" DIGEST_B64 "\"}";
    expect_reject_mf(&s, MOAT_ERR_JSON_DUPLICATE_KEY);
    /* Nested: a dependency with "min_version" twice. */
    s = mf_default();
    s.deps = "[{\"component\":\"radio\",\"min_version\":\"9.0.0\",\"min_version\":\"1.0.0\"}]";
    expect_reject_mf(&s, MOAT_ERR_JSON_DUPLICATE_KEY);
    /* In a trust root: "threshold" twice. */
    {
        root_spec r = spec_v1();
        kp *const signers[] = {&R[0], &R[1]};
        r.extra = ",\"version\":7";
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_JSON_DUPLICATE_KEY);
    }
    /* In the JWS document itself: "payload" twice. */
    {
        static char two[DOC_CAP];
        len = mf_doc(&s, doc, sizeof(doc));
        int w = snprintf(two, sizeof(two), "{\"payload\":\"e30\",%s", doc + 1);
        assert_true(w > 0 && (size_t)w < sizeof(two));
        expect_reject(two, strlen(two), &g_root, NOW, MOAT_ERR_JSON_DUPLICATE_KEY);
    }
}

static void test_attack_unknown_critical_field(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    s.extra = ",\"max_installs\":1,\"critical\":[\"max_installs\"]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_CRITICAL_UNKNOWN);
    /* Malformed "critical": names a defined member, an absent one, is
     * empty, not strings, or repeats a name. */
    s.extra = ",\"critical\":[\"svn\"]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"critical\":[\"absent\"]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"critical\":[]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"critical\":[1]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"x\":1,\"critical\":[\"x\",\"x\"]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    /* Policy: an unknown member NOT marked critical is ignored. */
    s.extra = ",\"release_notes\":\"https://example.com/notes\"";
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
}

static void test_attack_rollback_version(void **state)
{
    mf_spec s = mf_default();
    (void)state;
    s.version = "1.0.9"; /* installed 1.1.0 */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_VERSION_ROLLBACK);
    s.version = "0.99.99";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_VERSION_ROLLBACK);
}

static void test_attack_equal_version(void **state)
{
    mf_spec s = mf_default();
    (void)state;
    s.version = "1.1.0"; /* policy: re-installing the installed version is refused */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_VERSION_EQUAL);
}

static void test_attack_rollback_svn(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SVN_BASE, 5),
                     MOAT_OK);
    s.svn = 4;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SVN_ROLLBACK);
    /* Policy: an equal svn is accepted (svn moves only with security fixes). */
    s.svn = 5;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    /* The svn counter of another component does not matter. */
    s.svn = 0;
    s.component = "radio";
    s.version = "3.0.1";
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    assert_int_equal(m.svn_counter_id, MOAT_UPDATE_COUNTER_SVN_BASE + 1);
}

static void test_attack_rollback_sequence(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SEQUENCE, 10),
                     MOAT_OK);
    s.sequence = 9;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    s.sequence = 10; /* a replay of the confirmed manifest */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    s.sequence = 11;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
}

static void test_attack_fast_forward_and_root_recovery(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    moat_update_root v2;
    size_t len;
    (void)state;

    /* A compromised targets key set signs a manifest with the largest
     * sequence and svn; the device installs and confirms it. */
    s.sequence = MOAT_UPDATE_SEQUENCE_MAX;
    s.svn = MOAT_UPDATE_SEQUENCE_MAX;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    simulate_confirm(&m);

    /* Every later legitimate manifest is now refused. */
    s = mf_default();
    s.sequence = 100;
    s.version = "1.3.0";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);

    /* Recovery needs a new sequence epoch, which a root rotation grants
     * only together with new targets keys. Keeping a compromised key:
     * refused, nothing changed. */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        r.epoch = 1;
        r.targets[0] = &U[0];
        r.targets[1] = &U[1];
        r.targets[2] = &T[2];
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_EPOCH);
    }
    /* An epoch may never decrease (epoch 1 root, then epoch 0). */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        r.epoch = 1;
        r.targets[0] = &U[0];
        r.targets[1] = &U[1];
        r.targets[2] = &U[2];
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &g_root, doc, len, NOW, g_work,
                                                 sizeof(g_work), &v2),
                         MOAT_OK);
        assert_int_equal(v2.version, 2);
        assert_int_equal(v2.epoch, 1);
    }
    {
        moat_update_root stored;
        assert_int_equal(moat_update_root_load(&g_dev.port, &stored), MOAT_OK);
        assert_memory_equal(&stored, &v2, sizeof(stored));
    }
    /* Old (compromised) targets keys are no longer trusted. */
    s.sequence = 1;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &v2, NOW, MOAT_ERR_JOSE_THRESHOLD);
    /* New targets keys: sequence and svn start again in epoch 1. */
    {
        char payload[PAYLOAD_CAP];
        kp *const signers[] = {&U[0], &U[2]};
        s.svn = 0;
        s.epoch = 1; /* issued for the new epoch */
        mf_payload(&s, payload, sizeof(payload));
        len = sign(payload, signers, 2, doc, sizeof(doc));
        expect_accept(doc, len, &v2, NOW, &m);
        assert_int_equal(m.sequence_counter, (1ull << 32) | 1u);
        assert_int_equal(m.svn_counter, 1ull << 32);
        assert_int_equal(m.root_version, 2);
        simulate_confirm(&m);
        /* ... and rollback protection holds again within the epoch. */
        expect_reject(doc, len, &v2, NOW, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    }
    /* Epoch decrease at the next rotation. */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&N[0], &N[1]};
        r.version = 3;
        r.epoch = 0;
        r.targets[0] = &U[0];
        r.targets[1] = &U[1];
        r.targets[2] = &U[2];
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        g_root = v2;
        expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_EPOCH);
    }
}

/*
 * Fast-forward recovery through the REAL install path: the compromised
 * targets keys' manifest (largest sequence and svn) is installed and
 * confirmed by moat_update_confirm(); after the root rotation that raises
 * the epoch and replaces the targets keys, an epoch-1 manifest is staged,
 * tried, booted and confirmed, and moat_update_confirm() itself advances
 * the counters to the epoch-1 values (epoch * 2^32 + value). An A/B device
 * ("app" may stage into slot 0 or 1) so both images have a staging slot.
 */
static void test_fast_forward_recovery_real_confirm(void **state)
{
    static char doc[DOC_CAP];
    static char ff_doc[DOC_CAP];
    char dg0[64], dg1[64];
    moat_update_device ab = g_device;
    moat_update_manifest ff, m;
    moat_update_root v2;
    moat_update_install st;
    mf_spec s;
    size_t len, ff_len;
    uint32_t slot = 99;
    moat_err crc = MOAT_ERR_INTERNAL;
    (void)state;
    ab.components[0].slots = (1u << 0) | (1u << 1);
    app_digest(g_app_img[0], dg0);
    app_digest(g_app_img[1], dg1);
    assert_int_equal(moat_update_boot(&g_dev.port, &slot, NULL), MOAT_OK);
    assert_int_equal(slot, MOAT_UPDATE_SLOT_FACTORY);

    /* The compromise: sequence and svn at their largest, installed and
     * confirmed for real (slot 1). */
    s = mf_default();
    s.sequence = MOAT_UPDATE_SEQUENCE_MAX;
    s.svn = MOAT_UPDATE_SEQUENCE_MAX;
    s.digest = dg0;
    ff_len = mf_doc(&s, ff_doc, sizeof(ff_doc));
    assert_int_equal(verify_dev(ff_doc, ff_len, &g_root, &ab, NOW, &ff), MOAT_OK);
    install_image(&ff, g_app_img[0]);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == MOAT_UPDATE_SEQUENCE_MAX);
    assert_true(counter(MOAT_UPDATE_COUNTER_SVN_BASE) == MOAT_UPDATE_SEQUENCE_MAX);
    ab.components[0].installed = (moat_update_version){1, 2, 0};

    /* Every later legitimate epoch-0 manifest is refused. */
    s = mf_default();
    s.sequence = 100;
    s.svn = 0;
    s.version = "1.3.0";
    s.digest = dg1;
    s.slot = 0;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject_dev(doc, len, &g_root, &ab, NOW, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);

    /* Root v2: epoch 1, new targets keys, persisted by the real rotation. */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        moat_update_root stored;
        r.epoch = 1;
        r.targets[0] = &U[0];
        r.targets[1] = &U[1];
        r.targets[2] = &U[2];
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &g_root, doc, len, NOW, g_work,
                                                 sizeof(g_work), &v2),
                         MOAT_OK);
        assert_int_equal(v2.epoch, 1);
        assert_int_equal(moat_update_root_load(&g_dev.port, &stored), MOAT_OK);
        assert_memory_equal(&stored, &v2, sizeof(stored));
    }
    /* The compromised manifest no longer verifies (its keys are gone). */
    expect_reject_dev(ff_doc, ff_len, &v2, &ab, NOW, MOAT_ERR_JOSE_THRESHOLD);

    /* The recovery manifest: epoch 1, sequence 1, svn 0, into slot 0. */
    {
        char payload[PAYLOAD_CAP];
        kp *const signers[] = {&U[0], &U[2]};
        s.epoch = 1;
        s.sequence = 1;
        mf_payload(&s, payload, sizeof(payload));
        len = sign(payload, signers, 2, doc, sizeof(doc));
    }
    {
        dev_state before;
        capture(&before);
        assert_int_equal(verify_dev(doc, len, &v2, &ab, NOW, &m), MOAT_OK);
        assert_unchanged(&before);
    }
    assert_true(m.sequence_counter == ((1ull << 32) | 1u));
    assert_true(m.svn_counter == (1ull << 32));
    assert_int_equal(m.slot, 0);
    assert_int_equal(m.root_version, 2);

    /* Staged, tried, booted: counters unchanged; confirmed through
     * moat_update_confirm(): counters at the epoch-1 values. */
    install_image(&m, g_app_img[1]);
    assert_true(counter(MOAT_UPDATE_COUNTER_SEQUENCE) == ((1ull << 32) | 1u));
    assert_true(counter(MOAT_UPDATE_COUNTER_SVN_BASE) == (1ull << 32));
    assert_int_equal(moat_update_install_read(&g_dev.port, &st), MOAT_OK);
    assert_int_equal(st.state, MOAT_UPDATE_STATE_CONFIRMED);
    assert_true(st.active.valid && !st.candidate.valid);
    assert_int_equal(st.active.slot, 0);
    assert_memory_equal(st.active.digest, m.digest, 32);
    assert_true(st.active.sequence_counter == m.sequence_counter);
    assert_true(st.active.svn_counter == m.svn_counter);
    slot = 99;
    assert_int_equal(moat_update_boot(&g_dev.port, &slot, &crc), MOAT_OK);
    assert_int_equal(slot, 0);
    assert_int_equal(crc, MOAT_OK);

    /* Rollback protection holds in the new epoch: the recovery manifest
     * replayed, and the compromised one, are refused, nothing changed. */
    expect_reject_dev(doc, len, &v2, &ab, NOW, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    expect_reject_dev(ff_doc, ff_len, &v2, &ab, NOW, MOAT_ERR_JOSE_THRESHOLD);
}

static void test_attack_expired_manifest(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    s.expires = NOW; /* expires at NOW: no longer valid at NOW */
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_UPDATE_EXPIRED);
    expect_reject(doc, len, &g_root, NOW + DAY, MOAT_ERR_UPDATE_EXPIRED);
    expect_accept(doc, len, &g_root, NOW - 1, &m);
}

static void test_freeze_without_time(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    /* Documented policy: without trusted time, expiry cannot be checked
     * and is not... */
    s.expires = 0;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, MOAT_UPDATE_NO_TIME, &m);
    /* ... the port-provided "no time" gives the same result ... */
    moat_port_fault_set_clock(&g_dev.fault, 0, true);
    {
        int64_t now = 0;
        assert_int_equal(moat_update_now(&g_dev.port, &now), MOAT_OK);
        assert_true(now == MOAT_UPDATE_NO_TIME);
        expect_accept(doc, len, &g_root, now, &m);
    }
    moat_port_fault_set_clock(&g_dev.fault, 0, false);
    /* ... but monotonicity still holds: a frozen attacker can withhold,
     * never roll back. */
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SEQUENCE, 2),
                     MOAT_OK);
    expect_reject(doc, len, &g_root, MOAT_UPDATE_NO_TIME, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);
    s.sequence = 3;
    s.version = "1.0.0";
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, MOAT_UPDATE_NO_TIME, MOAT_ERR_UPDATE_VERSION_ROLLBACK);
    /* An expired root is likewise not detected without time. */
    s = mf_default();
    s.sequence = 3;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, MOAT_UPDATE_NO_TIME, &m);
    expect_reject(doc, len, &g_root, NOW + 2 * YEAR, MOAT_ERR_UPDATE_ROOT_EXPIRED);
}

static void test_attack_expired_root(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_root v2;
    size_t len;
    int64_t later = NOW + YEAR; /* root v1 expires exactly then */
    (void)state;
    s.expires = later + YEAR;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &g_root, later, MOAT_ERR_UPDATE_ROOT_EXPIRED);

    /* A new root that is itself expired is refused... */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        r.expires = later;
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        expect_rotate_reject(doc, len, later, MOAT_ERR_UPDATE_ROOT_EXPIRED);
    }
    /* ... but an expired current root can be rotated: the way out. */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        r.expires = later + YEAR;
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &g_root, doc, len, later, g_work,
                                                 sizeof(g_work), &v2),
                         MOAT_OK);
    }
    {
        moat_update_manifest m;
        len = mf_doc(&s, doc, sizeof(doc));
        expect_accept(doc, len, &v2, later, &m);
    }
}

static void test_attack_rotation_skips_version(void **state)
{
    static char doc[DOC_CAP];
    root_spec r = spec_v2();
    kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
    size_t len;
    (void)state;
    r.version = 3;
    len = root_doc(&r, signers, 4, doc, sizeof(doc));
    expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_VERSION);
    /* The same version again (a replay of the current root). */
    expect_rotate_reject(g_root_doc, g_root_doc_len, NOW, MOAT_ERR_UPDATE_ROOT_VERSION);
}

static void test_attack_rotation_only_new_keys(void **state)
{
    static char doc[DOC_CAP];
    root_spec r = spec_v2();
    kp *const signers[] = {&N[0], &N[1], &N[2]};
    size_t len;
    (void)state;
    len = root_doc(&r, signers, 3, doc, sizeof(doc));
    expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_OLD_SIGS);
    /* One old key is not a threshold either. */
    {
        kp *const some[] = {&R[0], &N[0], &N[1]};
        len = root_doc(&r, some, 3, doc, sizeof(doc));
        expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_OLD_SIGS);
    }
}

static void test_attack_rotation_only_old_keys(void **state)
{
    static char doc[DOC_CAP];
    root_spec r = spec_v2();
    kp *const signers[] = {&R[0], &R[1], &R[2]};
    size_t len;
    (void)state;
    len = root_doc(&r, signers, 3, doc, sizeof(doc));
    expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_NEW_SIGS);
    {
        kp *const some[] = {&R[0], &R[1], &N[2]};
        len = root_doc(&r, some, 3, doc, sizeof(doc));
        expect_rotate_reject(doc, len, NOW, MOAT_ERR_UPDATE_ROOT_NEW_SIGS);
    }
}

static void test_attack_wrong_vendor_or_class(void **state)
{
    mf_spec s = mf_default();
    (void)state;
    s.vendor = OTHER_UUID;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_VENDOR);
    s = mf_default();
    s.klass = OTHER_UUID;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_CLASS);
    /* Not a canonical UUID text (upper case). */
    s = mf_default();
    s.vendor = "6BA7B810-9DAD-11D1-80B4-00C04FD430C8";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
}

static void test_attack_wrong_component_or_slot(void **state)
{
    mf_spec s = mf_default();
    (void)state;
    s.component = "modem";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_COMPONENT);
    s = mf_default();
    s.slot = 0; /* the running slot, not a staging slot of "app" */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SLOT);
    s.slot = 7; /* no such slot */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SLOT);
    s = mf_default();
    s.component = "bootloader"; /* its slot 2 is absent on this device */
    s.slot = 2;
    s.version = "2.0.1";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SLOT);
}

static void test_attack_unmet_dependency(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    s.deps = "[{\"component\":\"radio\",\"min_version\":\"3.1.0\"}]"; /* installed 3.0.0 */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_DEPENDENCY);
    s.deps = "[{\"component\":\"modem\",\"min_version\":\"1.0.0\"}]"; /* not on the device */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_DEPENDENCY);
    s.deps = "[{\"component\":\"radio\",\"min_version\":\"3.0.0\"},"
             "{\"component\":\"bootloader\",\"min_version\":\"1.9.9\"}]";
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    /* Malformed: on itself, repeated, unknown member. */
    s.deps = "[{\"component\":\"app\",\"min_version\":\"1.0.0\"}]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.deps = "[{\"component\":\"radio\",\"min_version\":\"1.0.0\"},"
             "{\"component\":\"radio\",\"min_version\":\"9.0.0\"}]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.deps = "[{\"component\":\"radio\",\"min_version\":\"1.0.0\",\"optional\":true}]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
}

static void test_attack_size_2_pow_63(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len;
    (void)state;
    s.size = "9223372036854775808"; /* 2^63 */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "18446744073709551616"; /* 2^64 */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "9.3e18";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "9007199254740992"; /* 2^53: no longer exact */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "-1";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "0";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "65537"; /* one byte more than the slot */
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "\"1000\"";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.size = "65536";
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    assert_int_equal(m.size, SLOT_SIZE);
}

/*
 * Review finding (epoch.c): a manifest carried no epoch, and was compared in
 * the epoch of whichever root verified it. Root v2 retires targets key set
 * T, root v3 raises the epoch and re-admits T (allowed: no v2 targets key
 * remains), and an OLD T-signed manifest (sequence 5, svn 1: a vulnerable
 * build) would then count as epoch 1 and pass the epoch-0 counters
 * (sequence 100, svn 7). The signed "sequence_epoch" binds it to epoch 0.
 */
static void test_attack_old_manifest_replayed_in_new_epoch(void **state)
{
    static char doc[DOC_CAP];
    static char old_doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_root v2, v3;
    moat_update_manifest m;
    size_t len, old_len;
    (void)state;

    /* The old manifest, signed in epoch 0 by T, and the device's epoch-0
     * counters well above it (it confirmed sequence 100, svn 7). */
    s.sequence = 5;
    s.svn = 1;
    s.version = "2.0.0";
    old_len = mf_doc(&s, old_doc, sizeof(old_doc));
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SEQUENCE, 100),
                     MOAT_OK);
    assert_int_equal(moat_port_counter_advance(&g_dev.port, MOAT_UPDATE_COUNTER_SVN_BASE, 7),
                     MOAT_OK);
    expect_reject(old_doc, old_len, &g_root, NOW, MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK);

    /* v2: epoch 0, T retired for U. */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
        r.targets[0] = &U[0];
        r.targets[1] = &U[1];
        r.targets[2] = &U[2];
        len = root_doc(&r, signers, 4, doc, sizeof(doc));
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &g_root, doc, len, NOW, g_work,
                                                 sizeof(g_work), &v2),
                         MOAT_OK);
    }
    /* v3: epoch 1, T re-admitted (no v2 targets key kept: the epoch rule
     * allows it). */
    {
        root_spec r = spec_v2();
        kp *const signers[] = {&N[0], &N[1]};
        r.version = 3;
        r.epoch = 1;
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &v2, doc, len, NOW, g_work,
                                                 sizeof(g_work), &v3),
                         MOAT_OK);
        assert_int_equal(v3.epoch, 1);
    }
    /* The old manifest verifies its signatures under v3, but it was issued
     * for epoch 0: refused, output wiped, nothing changed. */
    expect_reject(old_doc, old_len, &v3, NOW, MOAT_ERR_UPDATE_EPOCH);
    expect_reject(old_doc, old_len, &v3, MOAT_UPDATE_NO_TIME, MOAT_ERR_UPDATE_EPOCH);
    /* The same content without the member (the old format) is malformed. */
    s.epoch = -1;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &v3, NOW, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    /* A manifest issued for epoch 1 is what recovery uses: accepted. */
    s.epoch = 1;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &v3, NOW, &m);
    assert_true(m.sequence_counter == ((1ull << 32) | 5u));
    assert_true(m.svn_counter == ((1ull << 32) | 1u));
    /* ... and an epoch-1 manifest is refused under an epoch-0 root. */
    expect_reject(doc, len, &g_root, NOW, MOAT_ERR_UPDATE_EPOCH);
}

/* "sequence_epoch" is required, an exact integer in 0 .. 2^31-1. */
static void test_manifest_epoch_member(void **state)
{
    mf_spec s = mf_default();
    (void)state;
    s.epoch = -1;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.epoch = (int64_t)MOAT_UPDATE_EPOCH_MAX + 1;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.epoch = MOAT_UPDATE_EPOCH_MAX;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_EPOCH); /* well-formed, not the root's epoch */
    s.epoch = 1;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_EPOCH);
    s.epoch = -1;
    s.extra = ",\"sequence_epoch\":\"0\"";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"sequence_epoch\":0.0";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.extra = ",\"sequence_epoch\":0";
    {
        static char doc[DOC_CAP];
        moat_update_manifest m;
        size_t len = mf_doc(&s, doc, sizeof(doc));
        expect_accept(doc, len, &g_root, NOW, &m);
    }
    /* the member is defined by the format: "critical" may not list it */
    s.extra = ",\"sequence_epoch\":0,\"critical\":[\"sequence_epoch\"]";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
}

/*
 * Review finding (brick.c), first half: a port whose counters are 32 bits
 * cannot hold epoch >= 1 values. The device declares it (counter_max) and
 * such manifests are refused at verification, before anything is staged.
 */
static void test_attack_counter_range_narrow_port(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_root e1 = g_root;
    moat_update_manifest m;
    size_t len;
    (void)state;
    g_device.counter_max = 0xFFFFFFFFu;
    /* epoch 0: every value fits, up to the largest */
    s.sequence = MOAT_UPDATE_SEQUENCE_MAX;
    s.svn = MOAT_UPDATE_SEQUENCE_MAX;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    /* epoch 1 (a root that raised it): 2^32 + 2 does not fit */
    e1.epoch = 1;
    s = mf_default();
    s.epoch = 1;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_reject(doc, len, &e1, NOW, MOAT_ERR_UPDATE_COUNTER_RANGE);
    /* any narrower maximum: the sequence, then the svn */
    g_device.counter_max = 2;
    s = mf_default();
    s.sequence = 3;
    s.svn = 1;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_COUNTER_RANGE);
    s.sequence = 2;
    s.svn = 3;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_COUNTER_RANGE);
    s.svn = 2;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &g_root, NOW, &m);
    g_device.counter_max = 0; /* 0: 64-bit counters */
    s = mf_default();
    s.epoch = 1;
    len = mf_doc(&s, doc, sizeof(doc));
    expect_accept(doc, len, &e1, NOW, &m);
    assert_true(m.sequence_counter == ((1ull << 32) | 2u));
}

/* A port whose clock FAILS (not "has no time"). */
static moat_err io_time(void *ctx, int64_t *t)
{
    (void)ctx;
    *t = 0;
    return MOAT_ERR_PORT_IO;
}

static moat_err io_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0, len);
    return MOAT_ERR_PORT_ENTROPY;
}

/*
 * Review finding: moat_update_now() mapped every clock error to NO_TIME,
 * silently turning expiry off. Only MOAT_ERR_PORT_NO_TIME means "no time";
 * any other error is returned, and the time given back (INT64_MAX) makes
 * every root and manifest expired for a caller that ignores it.
 */
static void test_now_clock_error_fails_closed(void **state)
{
    static const moat_port_ops io_ops = {
        .abi_version = MOAT_PORT_ABI_VERSION, .entropy = io_entropy, .time_now = io_time};
    const moat_port io_port = {.ops = &io_ops, .ctx = NULL};
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_root out;
    int64_t now = 0;
    size_t len;
    (void)state;
    s.expires = 0; /* long expired: accepted only without trusted time */
    len = mf_doc(&s, doc, sizeof(doc));

    /* a transient I/O error of the clock: an error, not "no time" */
    assert_int_equal(moat_update_now(&io_port, &now), MOAT_ERR_PORT_IO);
    assert_true(now == INT64_MAX);
    expect_reject(doc, len, &g_root, now, MOAT_ERR_UPDATE_ROOT_EXPIRED);
    assert_int_equal(moat_update_root_check(NULL, g_root_doc, g_root_doc_len, now, g_work,
                                            sizeof(g_work), &out),
                     MOAT_ERR_UPDATE_ROOT_EXPIRED);
    assert_true(all_zero(&out, sizeof(out)));
    /* power off (fault port): an error as well */
    now = 0;
    moat_port_fault_cut_at(&g_dev.fault, moat_port_fault_writes(&g_dev.fault) + 1u,
                           MOAT_PORT_FAULT_CUT_BEFORE);
    assert_int_equal(moat_port_record_write(&g_dev.port, 60, (const uint8_t *)"x", 1),
                     MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(moat_update_now(&g_dev.port, &now), MOAT_ERR_PORT_POWER_CUT);
    assert_true(now == INT64_MAX);
    dev_reboot(&g_dev);
    /* only "no trusted time" is the no-time policy */
    moat_port_fault_set_clock(&g_dev.fault, 0, true);
    assert_int_equal(moat_update_now(&g_dev.port, &now), MOAT_OK);
    assert_true(now == MOAT_UPDATE_NO_TIME);
    {
        moat_update_manifest m;
        expect_accept(doc, len, &g_root, now, &m);
    }
    moat_port_fault_set_clock(&g_dev.fault, 0, false);
    assert_int_equal(moat_update_now(&g_dev.port, &now), MOAT_OK);
    assert_true(now != MOAT_UPDATE_NO_TIME && now != INT64_MAX);
    /* bad arguments */
    assert_int_equal(moat_update_now(NULL, &now), MOAT_ERR_INVALID_ARGUMENT);
    assert_true(now == INT64_MAX);
    assert_int_equal(moat_update_now(&g_dev.port, NULL), MOAT_ERR_INVALID_ARGUMENT);
}

/*
 * Review finding: integers written 1.0, 1e0 or 5.0000000000000001 were read
 * as their value (a verifier that keeps the literal's type, such as
 * Python's, refuses them: two verifiers must never disagree). Only integer
 * literals are integers now.
 */
static void test_attack_non_integer_literals(void **state)
{
    static char doc[DOC_CAP];
    static const char *const forms[] = {"2.0", "2e0", "2E0", "0.2e1", "2.0000000000000001",
                                        "20e-1"};
    mf_spec s = mf_default();
    moat_update_root out;
    size_t i, len;
    (void)state;
    for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char payload[PAYLOAD_CAP];
        char *at;
        /* "sequence":2 -> "sequence":<form>, under a valid signature */
        s = mf_default();
        mf_payload(&s, payload, sizeof(payload));
        at = strstr(payload, "\"sequence\":2,");
        assert_non_null(at);
        {
            char tail[PAYLOAD_CAP];
            strcpy(tail, at + strlen("\"sequence\":2"));
            at[0] = '\0';
            append(payload, sizeof(payload), "\"sequence\":%s%s", forms[i], tail);
        }
        len = sign(payload, k_targets2, 2, doc, sizeof(doc));
        expect_reject(doc, len, &g_root, NOW, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    }
    /* size: a non-integer literal is a size error (decided without arithmetic) */
    s = mf_default();
    s.size = "1000.0";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    s.size = "1e3";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_SIZE);
    /* svn, slot, the type marker */
    {
        static const char *const members[] = {"\"svn\":3", "\"slot\":1", "\"moat_manifest\":1"};
        static const char *const repl[] = {"\"svn\":3.0", "\"slot\":1e0", "\"moat_manifest\":1.0"};
        static const moat_err want[] = {MOAT_ERR_UPDATE_MANIFEST_FORMAT,
                                        MOAT_ERR_UPDATE_MANIFEST_FORMAT,
                                        MOAT_ERR_UPDATE_WRONG_TYPE};
        for (i = 0; i < 3; i++) {
            char payload[PAYLOAD_CAP];
            char tail[PAYLOAD_CAP];
            char *at;
            s = mf_default();
            mf_payload(&s, payload, sizeof(payload));
            at = strstr(payload, members[i]);
            assert_non_null(at);
            strcpy(tail, at + strlen(members[i]));
            at[0] = '\0';
            append(payload, sizeof(payload), "%s%s", repl[i], tail);
            len = sign(payload, k_targets2, 2, doc, sizeof(doc));
            expect_reject(doc, len, &g_root, NOW, want[i]);
        }
    }
    /* a trust root: "version":1.0 is not a version */
    {
        char payload[PAYLOAD_CAP];
        char tail[PAYLOAD_CAP];
        char *at;
        root_spec r = spec_v1();
        kp *const signers[] = {&R[0], &R[1]};
        root_payload(&r, payload, sizeof(payload));
        at = strstr(payload, "\"version\":1,");
        assert_non_null(at);
        strcpy(tail, at + strlen("\"version\":1"));
        at[0] = '\0';
        append(payload, sizeof(payload), "\"version\":1.0%s", tail);
        len = sign(payload, signers, 2, doc, sizeof(doc));
        memset(&out, 0xA5, sizeof(out));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_FORMAT);
        assert_true(all_zero(&out, sizeof(out)));
    }
    /* unknown informational members may still carry any number */
    s = mf_default();
    s.extra = ",\"ratio\":0.5,\"big\":1e300";
    {
        moat_update_manifest m;
        len = mf_doc(&s, doc, sizeof(doc));
        expect_accept(doc, len, &g_root, NOW, &m);
        assert_int_equal(m.sequence, 2);
    }
}

static void test_manifest_format_rules(void **state)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    size_t len;
    moat_update_root out;
    (void)state;
    s.version = "1.2";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.version = "1.02.0";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.version = "1.2.0-rc1";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s = mf_default();
    s.sequence = 0;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s.sequence = 4294967296LL;
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    s = mf_default();
    s.component = "a/b";
    expect_reject_mf(&s, MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    /* digest algorithm other than sha-256 */
    {
        char payload[PAYLOAD_CAP];
        char *at;
        s = mf_default();
        mf_payload(&s, payload, sizeof(payload));
        at = strstr(payload, "sha-256");
        assert_non_null(at);
        memcpy(at, "sha-512", 7);
        len = sign(payload, k_targets2, 2, doc, sizeof(doc));
        expect_reject(doc, len, &g_root, NOW, MOAT_ERR_UNSUPPORTED);
    }
    /* A trust root is not a manifest (even signed by the targets keys),
     * and a manifest is not a root. */
    {
        char payload[PAYLOAD_CAP];
        root_spec r = spec_v1();
        root_payload(&r, payload, sizeof(payload));
        len = sign(payload, k_targets2, 2, doc, sizeof(doc));
        expect_reject(doc, len, &g_root, NOW, MOAT_ERR_UPDATE_WRONG_TYPE);
        s = mf_default();
        len = mf_doc(&s, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_WRONG_TYPE);
    }
    /* Workspace too small; document too large. */
    {
        moat_update_manifest m;
        len = mf_doc(&s, doc, sizeof(doc));
        memset(&m, 0xA5, sizeof(m));
        assert_int_equal(moat_update_manifest_verify(&g_dev.port, doc, len, &g_root, &g_device,
                                                     NOW, g_work, MOAT_UPDATE_WORK_SIZE(len) - 1,
                                                     &m),
                         MOAT_ERR_OUT_OF_MEMORY);
        assert_true(all_zero(&m, sizeof(m)));
        assert_int_equal(moat_update_manifest_verify(&g_dev.port, doc,
                                                     MOAT_UPDATE_MANIFEST_MAX_DOC + 1, &g_root,
                                                     &g_device, NOW, g_work, sizeof(g_work), &m),
                         MOAT_ERR_INPUT_TOO_LARGE);
        assert_int_equal(moat_update_manifest_verify(&g_dev.port, doc, len, &g_root, &g_device,
                                                     NOW, g_work, MOAT_UPDATE_WORK_SIZE(len), &m),
                         MOAT_OK);
    }
}

static void test_root_rules(void **state)
{
    static char doc[DOC_CAP];
    moat_update_root out;
    size_t len;
    kp *const signers[] = {&R[0], &R[1]};
    (void)state;
    /* Bootstrap only once. */
    {
        dev_state before;
        capture(&before);
        assert_int_equal(moat_update_root_bootstrap(&g_dev.port, g_root_doc, g_root_doc_len, NOW,
                                                    g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_EXISTS);
        assert_true(all_zero(&out, sizeof(out)));
        assert_unchanged(&before);
    }
    /* Load returns exactly what was bootstrapped. */
    assert_int_equal(moat_update_root_load(&g_dev.port, &out), MOAT_OK);
    assert_memory_equal(&out, &g_root, sizeof(out));
    assert_int_equal(g_root.version, 1);
    assert_int_equal(g_root.epoch, 0);
    assert_int_equal(g_root.root.nkeys, 3);
    assert_int_equal(g_root.root.threshold, 2);
    assert_int_equal(g_root.targets.nkeys, 3);
    /* A first root short of its own threshold. */
    {
        kp *const one[] = {&R[0]};
        root_spec r = spec_v1();
        len = root_doc(&r, one, 1, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_NEW_SIGS);
    }
    /* A key in both roles; threshold 0 or above the count; too many keys;
     * unknown member; a private JWK member. */
    {
        root_spec r = spec_v1();
        r.targets[2] = &R[2];
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_KEYS);
        r = spec_v1();
        r.tth = 4;
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_KEYS);
        r.tth = 0;
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_KEYS);
        r = spec_v1();
        r.extra = ",\"comment\":\"x\"";
        len = root_doc(&r, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_FORMAT);
        assert_true(all_zero(&out, sizeof(out)));
    }
    {
        char payload[PAYLOAD_CAP];
        char *at;
        root_spec r = spec_v1();
        root_payload(&r, payload, sizeof(payload));
        at = strstr(payload, "\"kty\"");
        assert_non_null(at);
        memmove(at + 8, at, strlen(at) + 1);
        memcpy(at, "\"d\":\"A\",", 8);
        len = sign(payload, signers, 2, doc, sizeof(doc));
        assert_int_equal(moat_update_root_check(NULL, doc, len, NOW, g_work, sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_FORMAT);
    }
    /* Rotation from a root that is not the stored one. */
    {
        moat_update_root stale = g_root;
        root_spec r = spec_v2();
        kp *const four[] = {&R[0], &R[1], &N[0], &N[1]};
        dev_state before;
        stale.root.threshold = 1;
        len = root_doc(&r, four, 4, doc, sizeof(doc));
        capture(&before);
        assert_int_equal(moat_update_root_rotate(&g_dev.port, &stale, doc, len, NOW, g_work,
                                                 sizeof(g_work), &out),
                         MOAT_ERR_UPDATE_ROOT_STALE);
        assert_unchanged(&before);
        /* And the pure check agrees with the port function. */
        assert_int_equal(moat_update_root_check(&g_root, doc, len, NOW, g_work, sizeof(g_work),
                                                &out),
                         MOAT_OK);
        assert_int_equal(out.version, 2);
    }
}

static void test_helpers(void **state)
{
    moat_update_version a;
    moat_update_version b;
    uint8_t u[16];
    (void)state;
    assert_int_equal(moat_update_version_parse("0.0.0", 5, &a), MOAT_OK);
    assert_int_equal(moat_update_version_parse("4294967295.0.1", 14, &b), MOAT_OK);
    assert_int_equal(b.major, 4294967295u);
    assert_int_equal(moat_update_version_compare(&a, &b), -1);
    assert_int_equal(moat_update_version_compare(&b, &a), 1);
    assert_int_equal(moat_update_version_compare(&b, &b), 0);
    assert_int_equal(moat_update_version_parse("4294967296.0.0", 14, &b),
                     MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_true(all_zero(&b, sizeof(b)));
    assert_int_equal(moat_update_version_parse("1.2.3.", 6, &b), MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_int_equal(moat_update_version_parse(" 1.2.3", 6, &b), MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_int_equal(moat_update_version_parse("1..3", 4, &b), MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_int_equal(moat_update_version_parse("1.2.3+b", 7, &b), MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_int_equal(moat_update_version_parse(NULL, 0, &b), MOAT_ERR_INVALID_ARGUMENT);
    /* 1.10.0 > 1.9.0: numeric, not lexicographic. */
    assert_int_equal(moat_update_version_parse("1.10.0", 6, &a), MOAT_OK);
    assert_int_equal(moat_update_version_parse("1.9.0", 5, &b), MOAT_OK);
    assert_int_equal(moat_update_version_compare(&a, &b), 1);
    assert_int_equal(moat_update_uuid_parse(VENDOR, 36, u), MOAT_OK);
    assert_int_equal(u[0], 0x6b);
    assert_int_equal(u[15], 0xc8);
    assert_int_equal(moat_update_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c", 35, u),
                     MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_int_equal(moat_update_uuid_parse("6ba7b810x9dad-11d1-80b4-00c04fd430c8", 36, u),
                     MOAT_ERR_UPDATE_MANIFEST_FORMAT);
    assert_true(all_zero(u, sizeof(u)));
    assert_true(moat_update_work_size(100) == MOAT_UPDATE_WORK_SIZE(100));
    assert_true(moat_update_work_size(SIZE_MAX) == MOAT_UPDATE_WORK_SIZE(MOAT_UPDATE_ROOT_MAX_DOC));
}

/* ------------------------------------------------------- power cuts */

static void assert_root_is(const moat_update_root *r, const moat_update_root *a,
                           const moat_update_root *b, bool *is_b)
{
    if (memcmp(r, a, sizeof(*r)) == 0) {
        *is_b = false;
    } else {
        assert_memory_equal(r, b, sizeof(*r));
        *is_b = true;
    }
}

/* A manifest that verifies under root v1 and v2 (same targets keys). */
static void assert_device_verifies(const moat_update_root *r)
{
    static char doc[DOC_CAP];
    mf_spec s = mf_default();
    moat_update_manifest m;
    size_t len = mf_doc(&s, doc, sizeof(doc));
    assert_int_equal(verify(doc, len, r, NOW, &m), MOAT_OK);
}

/*
 * Rotation writes the root record only: counters, slots and every other
 * record (the install record included) are as in @p before, and the boot
 * decision still boots the active image (slot @p active_slot, re-hashed by
 * moat_update_boot(), counters complete), changing nothing.
 */
static void assert_rotation_left_device(const dev_state *before, uint32_t active_slot)
{
    dev_state after;
    uint32_t slot = 99;
    moat_err crc = MOAT_ERR_INTERNAL;
    uint32_t pass;
    for (pass = 0; pass < 2; pass++) {
        capture(&after);
        after.rrc[MOAT_UPDATE_RECORD_ROOT] = before->rrc[MOAT_UPDATE_RECORD_ROOT];
        after.rlen[MOAT_UPDATE_RECORD_ROOT] = before->rlen[MOAT_UPDATE_RECORD_ROOT];
        memcpy(after.rec[MOAT_UPDATE_RECORD_ROOT], before->rec[MOAT_UPDATE_RECORD_ROOT],
               sizeof(after.rec[0]));
        assert_memory_equal(before, &after, sizeof(after));
        if (pass == 0) {
            assert_int_equal(moat_update_boot(&g_dev.port, &slot, &crc), MOAT_OK);
            assert_int_equal(slot, active_slot);
            assert_int_equal(crc, MOAT_OK);
        }
    }
}

static void test_power_cut_root_rotation(void **state)
{
    static char doc[DOC_CAP];
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    root_spec r = spec_v2();
    kp *const signers[] = {&R[0], &R[1], &N[0], &N[1]};
    moat_update_root v1;
    moat_update_root v2;
    size_t len;
    size_t mi;
    unsigned cuts = 0;
    (void)state;
    len = root_doc(&r, signers, 4, doc, sizeof(doc));
    v1 = g_root;
    assert_int_equal(moat_update_root_check(&v1, doc, len, NOW, g_work, sizeof(g_work), &v2),
                     MOAT_OK);
    teardown(NULL);

    for (mi = 0; mi < 3; mi++) {
        uint32_t n;
        for (n = 1;; n++) {
            moat_update_root cur;
            moat_update_root out;
            bool is_new = false;
            bool fired;
            moat_err rc;
            uint32_t k;
            dev_state dev0;
            setup(NULL);
            install_app_v1_2(); /* an active image (slot 1), counters 1/2 */
            capture(&dev0);
            moat_port_fault_reboot(&g_dev.fault); /* count from the rotation */
            moat_port_fault_cut_at(&g_dev.fault, n, modes[mi]);
            rc = moat_update_root_rotate(&g_dev.port, &v1, doc, len, NOW, g_work,
                                         sizeof(g_work), &out);
            fired = moat_port_fault_is_cut(&g_dev.fault);
            if (!fired) {
                /* Every write index has been cut: the clean run. */
                assert_int_equal(rc, MOAT_OK);
                assert_memory_equal(&out, &v2, sizeof(out));
                assert_true(n >= 2); /* at least one write was cut */
                assert_rotation_left_device(&dev0, 1);
                teardown(NULL);
                break;
            }
            cuts++;
            assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
            assert_true(all_zero(&out, sizeof(out)));
            dev_reboot(&g_dev);
            /* Counters, slots and the install record untouched; the active
             * image still boots. */
            assert_rotation_left_device(&dev0, 1);
            /* Exactly the old or the new root, and the device verifies. */
            assert_int_equal(moat_update_root_load(&g_dev.port, &cur), MOAT_OK);
            assert_root_is(&cur, &v1, &v2, &is_new);
            if (modes[mi] == MOAT_PORT_FAULT_CUT_AFTER) {
                assert_true(is_new);
            } else {
                assert_false(is_new);
            }
            assert_device_verifies(&cur);
            /* Recovery, with a second cut at every write of it. */
            for (k = 1; !is_new; k++) {
                moat_port_fault_cut_at(&g_dev.fault, k, modes[mi]);
                rc = moat_update_root_rotate(&g_dev.port, &cur, doc, len, NOW, g_work,
                                             sizeof(g_work), &out);
                if (moat_port_fault_is_cut(&g_dev.fault)) {
                    assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
                    dev_reboot(&g_dev);
                    assert_rotation_left_device(&dev0, 1);
                    assert_int_equal(moat_update_root_load(&g_dev.port, &cur), MOAT_OK);
                    assert_root_is(&cur, &v1, &v2, &is_new);
                    assert_device_verifies(&cur);
                    continue;
                }
                assert_int_equal(rc, MOAT_OK);
                assert_memory_equal(&out, &v2, sizeof(out));
                is_new = true;
            }
            assert_int_equal(moat_update_root_load(&g_dev.port, &cur), MOAT_OK);
            assert_memory_equal(&cur, &v2, sizeof(cur));
            assert_rotation_left_device(&dev0, 1);
            assert_device_verifies(&cur);
            /* Retrying from the old root after the new one is in place is
             * refused without harm. */
            assert_int_equal(moat_update_root_rotate(&g_dev.port, &v1, doc, len, NOW, g_work,
                                                     sizeof(g_work), &out),
                             MOAT_ERR_UPDATE_ROOT_STALE);
            teardown(NULL);
        }
    }
    assert_true(cuts >= 3);
    setup(NULL); /* for the fixture's teardown */
}

static void test_power_cut_root_bootstrap(void **state)
{
    static const moat_port_fault_cut_mode modes[] = {
        MOAT_PORT_FAULT_CUT_BEFORE, MOAT_PORT_FAULT_CUT_AFTER, MOAT_PORT_FAULT_CUT_TORN};
    size_t mi;
    (void)state;
    teardown(NULL);
    for (mi = 0; mi < 3; mi++) {
        uint32_t n;
        for (n = 1;; n++) {
            moat_update_root out;
            moat_update_root cur;
            moat_err rc;
            fixture_open();
            moat_port_fault_cut_at(&g_dev.fault, n, modes[mi]);
            rc = moat_update_root_bootstrap(&g_dev.port, g_root_doc, g_root_doc_len, NOW, g_work,
                                            sizeof(g_work), &out);
            if (!moat_port_fault_is_cut(&g_dev.fault)) {
                assert_int_equal(rc, MOAT_OK);
                assert_memory_equal(&out, &g_root, sizeof(out));
                fixture_close();
                break;
            }
            assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
            dev_reboot(&g_dev);
            rc = moat_update_root_load(&g_dev.port, &cur);
            if (modes[mi] == MOAT_PORT_FAULT_CUT_AFTER) {
                assert_int_equal(rc, MOAT_OK);
                assert_memory_equal(&cur, &g_root, sizeof(cur));
            } else {
                /* Nothing stored: bootstrap again (a second cut is the
                 * same case again, covered by the next n). */
                assert_int_equal(rc, MOAT_ERR_PORT_NOT_FOUND);
                assert_int_equal(moat_update_root_bootstrap(&g_dev.port, g_root_doc,
                                                            g_root_doc_len, NOW, g_work,
                                                            sizeof(g_work), &cur),
                                 MOAT_OK);
            }
            assert_device_verifies(&cur);
            fixture_close();
        }
    }
    setup(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_manifest_valid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_unsigned_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_untrusted_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_k_minus_1_signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_same_key_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_one_key_two_kids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_field_changed_under_old_signature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attack_manifest_payload_byte_flipped_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attack_manifest_payload_byte_flipped_middle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attack_manifest_payload_byte_flipped_last, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attack_mix_and_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_duplicate_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_unknown_critical_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rollback_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_equal_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rollback_svn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rollback_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_fast_forward_and_root_recovery, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fast_forward_recovery_real_confirm, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_attack_expired_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freeze_without_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_expired_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rotation_skips_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rotation_only_new_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_rotation_only_old_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_wrong_vendor_or_class, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_wrong_component_or_slot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_unmet_dependency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_size_2_pow_63, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_old_manifest_replayed_in_new_epoch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_manifest_epoch_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_counter_range_narrow_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_now_clock_error_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attack_non_integer_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_format_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helpers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cut_root_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_power_cut_root_bootstrap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
