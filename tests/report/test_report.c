/*
 * Failure reporting (include/moat/report.h): record / export / verify /
 * acknowledge round trip; ring full (oldest dropped, drop count persistent
 * across reboots); tampered, mistyped and misdirected batches and
 * acknowledgements rejected with their exact codes and nothing freed; and
 * the power-cut sweep over every persistent write of record, free-on-ack
 * and boot (fault port over the POSIX port, modes BEFORE/AFTER/TORN, cut at
 * every write index), checking after each cut that the ring equals the
 * state before or after the interrupted operation, exactly, and that ids
 * continue monotonically.
 */
#define _GNU_SOURCE 1

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/jose.h"
#include "moat/report.h"
#include "moat/dice.h"
#include "moat/x509.h"
#include "moat_port_fault.h"
#include "moat_port_posix.h"

#define DEV_ID "dev-0001"
#define RING MOAT_REPORT_RING_SIZE

/* ------------------------------------------------------------ fixtures */

static const uint8_t k_dev_d[32] = {
    0x51, 0x9b, 0x42, 0x3d, 0x71, 0x5f, 0x8b, 0x58, 0x1f, 0x4f, 0xa8, 0xee, 0x59, 0xf4, 0x77, 0x1a,
    0x5b, 0x44, 0xc8, 0x13, 0x0b, 0x4e, 0x3e, 0xac, 0xca, 0x54, 0xa5, 0x6d, 0xda, 0x72, 0xb4, 0x64};
static const uint8_t k_svc_d[32] = {
    0x0f, 0x56, 0xdb, 0x78, 0xca, 0x46, 0x0b, 0x05, 0x5c, 0x50, 0x00, 0x64, 0x82, 0x4b, 0xed, 0x99,
    0x9a, 0x25, 0xaa, 0xf4, 0x8e, 0xbb, 0x51, 0x9a, 0xc2, 0x01, 0x53, 0x7b, 0x85, 0x47, 0x98, 0x13};
static const uint8_t k_other_d[32] = {
    0xe1, 0x4b, 0x5c, 0x7a, 0x13, 0x22, 0x90, 0x04, 0x3e, 0x8f, 0x71, 0x66, 0x0d, 0x2b, 0x5e, 0x11,
    0x27, 0x9c, 0x3a, 0x48, 0x05, 0x6d, 0x7e, 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09};

typedef struct keys {
    moat_ec_private_key dev_priv, svc_priv, other_priv;
    moat_signer dev, svc, other;
    moat_jwk svc_jwk, other_jwk;
} keys;

static keys g_keys;

static void keys_init(void)
{
    keys *k = &g_keys;
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, k_dev_d, 32, &k->dev_priv), MOAT_OK);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, k_svc_d, 32, &k->svc_priv), MOAT_OK);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, k_other_d, 32, &k->other_priv), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&k->dev, &k->dev_priv), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&k->svc, &k->svc_priv), MOAT_OK);
    assert_int_equal(moat_signer_from_private(&k->other, &k->other_priv), MOAT_OK);
    assert_int_equal(moat_jwk_from_public(&k->svc.pub, &k->svc_jwk), MOAT_OK);
    assert_int_equal(moat_jwk_from_public(&k->other.pub, &k->other_jwk), MOAT_OK);
}

/* A device: POSIX port in a temp dir, wrapped by the fault port. */
typedef struct dev {
    char dir[128];
    moat_port_posix p;
    moat_port_posix_config cfg;
    moat_port inner;
    moat_port_fault f;
    moat_port port;
    moat_report r;
} dev;

static void dev_port_open(dev *d)
{
    memset(&d->cfg, 0, sizeof(d->cfg)); /* no slots needed */
    assert_int_equal(moat_port_posix_open(&d->p, d->dir, &d->cfg, &d->inner), MOAT_OK);
    assert_int_equal(moat_port_fault_wrap(&d->f, &d->inner, &d->port), MOAT_OK);
}

/* Power comes back: RAM state gone, storage kept; the ring is reopened. */
static void dev_reboot(dev *d)
{
    moat_port_fault_reboot(&d->f);
    moat_port_posix_close(&d->p);
    dev_port_open(d);
    assert_int_equal(moat_report_open(&d->r, &d->port, DEV_ID, NULL), MOAT_OK);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static dev *dev_new(void)
{
    dev *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    (void)snprintf(d->dir, sizeof(d->dir), "/tmp/moat-report-XXXXXX");
    assert_non_null(mkdtemp(d->dir));
    dev_port_open(d);
    assert_int_equal(moat_report_open(&d->r, &d->port, DEV_ID, NULL), MOAT_OK);
    return d;
}

static void dev_free(dev *d)
{
    moat_port_posix_close(&d->p);
    (void)nftw(d->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(d);
}

static int setup(void **state)
{
    *state = dev_new();
    return 0;
}

static int teardown(void **state)
{
    dev_free(*state);
    return 0;
}

static char g_tok[MOAT_REPORT_EXPORT_MAX];
static char g_ack[MOAT_REPORT_ACK_TOKEN_MAX];
static uint8_t g_work[MOAT_REPORT_VERIFY_WORK_SIZE];

static void rec(dev *d, moat_report_kind kind, const char *comp, int32_t code, uint64_t expect_id)
{
    uint64_t id = 0;
    assert_int_equal(moat_report_record(&d->r, kind, comp, "1.2.3", code, &id), MOAT_OK);
    assert_int_equal(id, expect_id);
}

static size_t export_n(dev *d, size_t n, uint64_t *first, uint64_t *last)
{
    size_t len = 0;
    assert_int_equal(moat_report_export(&d->r, &g_keys.dev, NULL, n, g_tok, sizeof(g_tok), &len,
                                        first, last),
                     MOAT_OK);
    assert_int_equal(strlen(g_tok), len);
    return len;
}

static size_t sign_ack(const moat_signer *s, const char *device, uint64_t through)
{
    size_t len = 0;
    assert_int_equal(moat_report_ack_sign(s, device, through, 1700000000, g_ack, sizeof(g_ack), &len),
                     MOAT_OK);
    return len;
}

static moat_report_status status(dev *d)
{
    moat_report_status st;
    assert_int_equal(moat_report_status_get(&d->r, &st), MOAT_OK);
    return st;
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; ++i) {
        if (b[i] != 0u) {
            return false;
        }
    }
    return true;
}

/* --------------------------------------------------------------- tests */

static void test_round_trip(void **state)
{
    dev *d = *state;
    moat_report_batch b;
    moat_report_status st;
    uint64_t first = 0, last = 0, freed = 0;
    size_t len, alen;

    assert_int_equal(moat_report_boot(&d->r), MOAT_OK);
    assert_int_equal(status(d).boot, 1u);
    rec(d, MOAT_REPORT_CRASH, "app", -14, 1);
    rec(d, MOAT_REPORT_WATCHDOG_RESET, "wdt", 3, 2);
    moat_port_fault_set_clock(&d->f, 0, true); /* no trusted time: boot counter */
    rec(d, MOAT_REPORT_SECURITY_VIOLATION, "mpu \"fault\"", INT32_MIN, 3);
    moat_port_fault_set_clock(&d->f, 0, false);

    len = export_n(d, RING, &first, &last);
    assert_int_equal(first, 1u);
    assert_int_equal(last, 3u);
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);
    assert_string_equal(b.device, DEV_ID);
    assert_true(b.has_iat);
    assert_int_equal(b.first_id, 1u);
    assert_int_equal(b.last_id, 3u);
    assert_int_equal(b.dropped, 0u);
    assert_int_equal(b.count, 3u);
    assert_int_equal(b.events[0].kind, MOAT_REPORT_CRASH);
    assert_int_equal(b.events[0].code, -14);
    assert_string_equal(b.events[0].component, "app");
    assert_string_equal(b.events[0].version, "1.2.3");
    assert_true(b.events[0].has_time);
    assert_true(b.events[0].time > 1577836800);
    assert_int_equal(b.events[1].kind, MOAT_REPORT_WATCHDOG_RESET);
    assert_int_equal(b.events[2].kind, MOAT_REPORT_SECURITY_VIOLATION);
    assert_string_equal(b.events[2].component, "mpu \"fault\"");
    assert_int_equal(b.events[2].code, INT32_MIN);
    assert_false(b.events[2].has_time);
    assert_int_equal(b.events[2].boot, 1u);
    /* Any expected device, too. */
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, NULL, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);

    alen = sign_ack(&g_keys.svc, b.device, b.last_id);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed), MOAT_OK);
    assert_int_equal(freed, 3u);
    st = status(d);
    assert_int_equal(st.pending, 0u);
    assert_int_equal(st.ack_floor, 3u);
    assert_int_equal(st.next_id, 4u);
    len = 1;
    assert_int_equal(moat_report_export(&d->r, &g_keys.dev, NULL, RING, g_tok, sizeof(g_tok), &len,
                                        &first, &last),
                     MOAT_ERR_REPORT_EMPTY);
    assert_int_equal(len, 0u);
    assert_int_equal(first, 0u);

    /* Replaying the same acknowledgement: nothing to do, nothing written. */
    {
        uint32_t w0 = moat_port_fault_writes(&d->f);
        assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed), MOAT_OK);
        assert_int_equal(freed, 0u);
        assert_int_equal(moat_port_fault_writes(&d->f), w0);
    }

    /* After a reboot: acknowledged stays freed, ids continue; the old
     * acknowledgement replayed is still harmless (nothing exported yet). */
    dev_reboot(d);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed), MOAT_OK);
    assert_int_equal(freed, 0u);
    st = status(d);
    assert_int_equal(st.pending, 0u);
    assert_int_equal(st.next_id, 4u);
    assert_int_equal(st.boot, 1u);
    assert_int_equal(moat_report_boot(&d->r), MOAT_OK);
    rec(d, MOAT_REPORT_UPDATE_FAILURE, "updater", 728, 4);
    len = export_n(d, RING, &first, &last);
    assert_int_equal(first, 4u);
    assert_int_equal(last, 4u);
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);
    assert_int_equal(b.events[0].kind, MOAT_REPORT_UPDATE_FAILURE);
}

static void test_ring_full_drops_oldest(void **state)
{
    dev *d = *state;
    moat_report_event ev[RING];
    moat_report_batch b;
    moat_report_status st;
    uint64_t first = 0, last = 0, freed = 0, i;
    size_t n = 0, len, alen;

    for (i = 1; i <= RING + 4u; ++i) {
        rec(d, MOAT_REPORT_CRASH, "app", (int32_t)i, i);
    }
    st = status(d);
    assert_int_equal(st.pending, RING);
    assert_int_equal(st.dropped, 4u);
    assert_int_equal(moat_report_pending(&d->r, ev, RING, &n), MOAT_OK);
    assert_int_equal(n, RING);
    for (i = 0; i < RING; ++i) {
        assert_int_equal(ev[i].id, i + 5u); /* 1..4 were dropped */
        assert_int_equal(ev[i].code, (int32_t)(i + 5u));
    }

    /* The drop count survives a reboot. */
    dev_reboot(d);
    st = status(d);
    assert_int_equal(st.dropped, 4u);
    assert_int_equal(st.next_id, RING + 5u);
    assert_int_equal(st.pending, RING);

    /* Batch of the 10 oldest; acknowledge them. */
    len = export_n(d, 10, &first, &last);
    assert_int_equal(first, 5u);
    assert_int_equal(last, 14u);
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);
    assert_int_equal(b.dropped, 4u);
    assert_int_equal(b.count, 10u);
    alen = sign_ack(&g_keys.svc, DEV_ID, b.last_id);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed), MOAT_OK);
    assert_int_equal(freed, 10u);

    /* Overwriting acknowledged slots drops nothing... */
    for (i = RING + 5u; i < RING + 5u + 10u; ++i) {
        rec(d, MOAT_REPORT_CRASH, "app", (int32_t)i, i);
    }
    assert_int_equal(status(d).dropped, 4u);
    /* ...overwriting an unacknowledged one does. */
    rec(d, MOAT_REPORT_CRASH, "app", 99, RING + 15u);
    assert_int_equal(status(d).dropped, 5u);
    dev_reboot(d);
    st = status(d);
    assert_int_equal(st.dropped, 5u);
    assert_int_equal(st.ack_floor, 14u);
    assert_int_equal(st.pending, RING);
    assert_int_equal(moat_report_pending(&d->r, ev, RING, &n), MOAT_OK);
    assert_int_equal(ev[0].id, 16u);
    assert_int_equal(ev[RING - 1u].id, RING + 15u);
}

static void test_export_buffer_too_small(void **state)
{
    dev *d = *state;
    size_t len = 0, need;
    uint64_t first = 9, last = 9;

    rec(d, MOAT_REPORT_CRASH, "app", 1, 1);
    memset(g_tok, 'x', 64);
    assert_int_equal(moat_report_export(&d->r, &g_keys.dev, NULL, RING, g_tok, 64, &len, &first, &last),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_true(len > 64u);
    assert_true(all_zero(g_tok, 64));
    assert_int_equal(first, 0u);
    assert_int_equal(status(d).exported_through, 0u);
    need = len;
    assert_int_equal(moat_report_export(&d->r, &g_keys.dev, NULL, RING, g_tok, need, &len, &first, &last),
                     MOAT_OK);
    assert_int_equal(first, 1u);
    /* The claims set built in the tail was wiped. */
    assert_true(all_zero(g_tok + len, need - len));
}

static void test_batch_tampered_rejected(void **state)
{
    dev *d = *state;
    moat_report_batch b;
    size_t len, i;
    char *dot, saved;

    rec(d, MOAT_REPORT_ATTESTATION_FAILURE, "attest", 629, 1);
    len = export_n(d, RING, NULL, NULL);

    /* One payload character changed (to another base64url character). */
    dot = strchr(g_tok, '.');
    assert_non_null(dot);
    i = (size_t)(dot - g_tok) + 10u;
    saved = g_tok[i];
    g_tok[i] = saved == 'A' ? 'B' : 'A';
    memset(&b, 0xA5, sizeof(b));
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    assert_true(all_zero(&b, sizeof(b)));
    assert_true(all_zero(g_work, sizeof(g_work)));
    g_tok[i] = saved;

    /* Verified under another key. */
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.other.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    /* Signature segment truncated to 48 bytes (64 characters). */
    assert_int_equal(moat_report_batch_verify(g_tok, len - 22u, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_ERR_CRYPTO_SIG_ENCODING);
    /* Another device's id expected. */
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, "dev-0002", g_work,
                                              sizeof(g_work), &b),
                     MOAT_ERR_REPORT_DEVICE);
    assert_true(all_zero(&b, sizeof(b)));
    /* Workspace too small. */
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work) - 1u, &b),
                     MOAT_ERR_OUT_OF_MEMORY);
    /* Sanity: the untampered token verifies. */
    assert_int_equal(moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);
}

/* Sign arbitrary claims as the device, with a chosen typ. */
static size_t sign_claims(const moat_signer *s, const char *typ, const char *claims)
{
    moat_jws_sign_opts o;
    size_t len = 0;
    memset(&o, 0, sizeof(o));
    o.typ = typ;
    assert_int_equal(moat_jws_sign_compact_ex(s, &o, (const uint8_t *)claims, strlen(claims), g_tok,
                                              sizeof(g_tok), &len),
                     MOAT_OK);
    return len;
}

static moat_err verify_claims(const char *typ, const char *claims)
{
    moat_report_batch b;
    size_t len = sign_claims(&g_keys.dev, typ, claims);
    moat_err rc = moat_report_batch_verify(g_tok, len, &g_keys.dev.pub, DEV_ID, g_work,
                                           sizeof(g_work), &b);
    if (rc != MOAT_OK) {
        assert_true(all_zero(&b, sizeof(b)));
    }
    return rc;
}

#define EV1 "{\"id\":1,\"kind\":\"crash\",\"component\":\"a\",\"version\":\"\",\"code\":0,\"boot\":0}"
#define EV2 "{\"id\":2,\"kind\":\"crash\",\"component\":\"a\",\"version\":\"\",\"code\":0,\"boot\":0}"
#define HEAD "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":1,\"last_id\":"

static void test_batch_claims_rejected(void **state)
{
    (void)state;
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_OK);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "2,\"dropped\":0,\"events\":[" EV1 "," EV2 "]}"),
                     MOAT_OK);
    /* Mistyped tokens: another typ, none, or an acknowledgement. */
    assert_int_equal(verify_claims("JWT", HEAD "1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_TYPE);
    assert_int_equal(verify_claims(NULL, HEAD "1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_TYPE);
    assert_int_equal(verify_claims(MOAT_REPORT_ACK_TYP, HEAD "1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_TYPE);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   "{\"iss\":\"" DEV_ID "\",\"moat_report\":2,\"first_id\":1,"
                                   "\"last_id\":1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_TYPE);
    /* Claims: unknown member, missing member, wrong type, out of range. */
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   HEAD "1,\"dropped\":0,\"x\":1,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "1,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "1,\"dropped\":-1,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "\"1\",\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "1,\"dropped\":0,\"events\":[]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "1,\"dropped\":0.5,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    /* Events: both time and boot; unknown kind; bad component; ids. */
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   HEAD "1,\"dropped\":0,\"events\":[{\"id\":1,\"kind\":\"crash\","
                                        "\"component\":\"a\",\"version\":\"\",\"code\":0,"
                                        "\"boot\":0,\"time\":5}]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   HEAD "1,\"dropped\":0,\"events\":[{\"id\":1,\"kind\":\"panic\","
                                        "\"component\":\"a\",\"version\":\"\",\"code\":0,"
                                        "\"boot\":0}]}"),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   HEAD "1,\"dropped\":0,\"events\":[{\"id\":1,\"kind\":\"crash\","
                                        "\"component\":\"\\n\",\"version\":\"\",\"code\":0,"
                                        "\"boot\":0}]}"),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "2,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_EVENTS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP, HEAD "2,\"dropped\":0,\"events\":[" EV2 "," EV1 "]}"),
                     MOAT_ERR_REPORT_EVENTS);
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   "{\"iss\":\"" DEV_ID "\",\"moat_report\":1,\"first_id\":2,"
                                   "\"last_id\":1,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_REPORT_CLAIMS);
    /* Duplicate member (the strict parser). */
    assert_int_equal(verify_claims(MOAT_REPORT_TYP,
                                   HEAD "1,\"dropped\":0,\"dropped\":0,\"events\":[" EV1 "]}"),
                     MOAT_ERR_JSON_DUPLICATE_KEY);
}

static void test_ack_rejected_nothing_freed(void **state)
{
    dev *d = *state;
    moat_report_status before, after;
    uint64_t last = 0, freed = 7, through = 5;
    size_t alen, len;
    uint32_t w0;

    rec(d, MOAT_REPORT_CRASH, "app", 1, 1);
    rec(d, MOAT_REPORT_CRASH, "app", 2, 2);
    rec(d, MOAT_REPORT_CRASH, "app", 3, 3);

    /* Nothing exported since open: any acknowledgement is beyond it. */
    alen = sign_ack(&g_keys.svc, DEV_ID, 1);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                     MOAT_ERR_REPORT_ACK_RANGE);
    assert_int_equal(freed, 0u);

    len = export_n(d, 2, NULL, &last);
    assert_int_equal(last, 2u);
    before = status(d);
    w0 = moat_port_fault_writes(&d->f);

    /* For another device. */
    alen = sign_ack(&g_keys.svc, "dev-0002", 2);
    freed = 7;
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                     MOAT_ERR_REPORT_DEVICE);
    assert_int_equal(freed, 0u);
    /* Signed by another key than the service's. */
    alen = sign_ack(&g_keys.other, DEV_ID, 2);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    /* Beyond the last exported id (3 was recorded, not exported). */
    alen = sign_ack(&g_keys.svc, DEV_ID, 3);
    assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                     MOAT_ERR_REPORT_ACK_RANGE);
    /* A batch is not an acknowledgement. */
    assert_int_equal(moat_report_ack_apply(&d->r, g_tok, len, &g_keys.svc_jwk, &freed),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    {
        moat_jws_sign_opts o;
        const char *c = "{\"moat_report_ack\":1,\"device\":\"" DEV_ID "\",\"ack_through\":2}";
        memset(&o, 0, sizeof(o));
        o.typ = MOAT_REPORT_TYP;
        assert_int_equal(moat_jws_sign_compact_ex(&g_keys.svc, &o, (const uint8_t *)c, strlen(c),
                                                  g_ack, sizeof(g_ack), &alen),
                         MOAT_OK);
        assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                         MOAT_ERR_REPORT_TYPE);
        c = "{\"moat_report_ack\":1,\"device\":\"" DEV_ID "\",\"ack_through\":2,\"all\":true}";
        o.typ = MOAT_REPORT_ACK_TYP;
        assert_int_equal(moat_jws_sign_compact_ex(&g_keys.svc, &o, (const uint8_t *)c, strlen(c),
                                                  g_ack, sizeof(g_ack), &alen),
                         MOAT_OK);
        assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                         MOAT_ERR_REPORT_ACK_CLAIMS);
        c = "{\"moat_report_ack\":1,\"device\":\"" DEV_ID "\",\"ack_through\":0}";
        assert_int_equal(moat_jws_sign_compact_ex(&g_keys.svc, &o, (const uint8_t *)c, strlen(c),
                                                  g_ack, sizeof(g_ack), &alen),
                         MOAT_OK);
        assert_int_equal(moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed),
                         MOAT_ERR_REPORT_ACK_CLAIMS);
    }
    /* The same verification without the ring: exact codes, output zeroed. */
    alen = sign_ack(&g_keys.svc, "dev-0002", 2);
    assert_int_equal(moat_report_ack_verify(g_ack, alen, &g_keys.svc_jwk, DEV_ID, &through),
                     MOAT_ERR_REPORT_DEVICE);
    assert_int_equal(through, 0u);

    after = status(d);
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(moat_port_fault_writes(&d->f), w0); /* nothing written */
    dev_reboot(d);
    assert_int_equal(status(d).pending, 3u);
}

static void test_record_fields_rejected(void **state)
{
    dev *d = *state;
    uint64_t id = 9;
    char long_comp[MOAT_REPORT_COMPONENT_MAX + 2u];

    memset(long_comp, 'c', sizeof(long_comp) - 1u);
    long_comp[sizeof(long_comp) - 1u] = '\0';
    assert_int_equal(moat_report_record(&d->r, (moat_report_kind)0, "a", "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(id, 0u);
    assert_int_equal(moat_report_record(&d->r, (moat_report_kind)6, "a", "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "", "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, long_comp, "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    long_comp[MOAT_REPORT_COMPONENT_MAX] = '\0'; /* exactly the bound: fine */
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "a\tb", "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "a", "\xc3\xa9", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, NULL, "", 0, &id),
                     MOAT_ERR_REPORT_FIELD);
    assert_int_equal(moat_port_fault_writes(&d->f), 0u);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, long_comp, "", 0, &id), MOAT_OK);
    assert_int_equal(id, 1u);
    /* Device ids. */
    {
        moat_report r2;
        assert_int_equal(moat_report_open(&r2, &d->port, "", NULL), MOAT_ERR_REPORT_FIELD);
        assert_true(all_zero(&r2, sizeof(r2)));
        assert_int_equal(moat_report_open(&r2, &d->port, "d\x01", NULL), MOAT_ERR_REPORT_FIELD);
    }
}

static void test_store_inconsistent_rejected(void **state)
{
    dev *d = *state;
    uint8_t buf[MOAT_REPORT_RECORD_SIZE];
    size_t len = 0;
    moat_report r2;

    rec(d, MOAT_REPORT_CRASH, "app", 1, 1);
    rec(d, MOAT_REPORT_CRASH, "app", 2, 2);
    rec(d, MOAT_REPORT_CRASH, "app", 3, 3);
    /* A record of slot 0 copied into slot 2 (a misplaced record). */
    assert_int_equal(moat_port_record_read(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE, buf,
                                           sizeof(buf), &len),
                     MOAT_OK);
    assert_int_equal(len, MOAT_REPORT_RECORD_SIZE);
    assert_int_equal(moat_port_record_write(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE + 2u, buf, len),
                     MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_ERR_REPORT_STORE);
    assert_true(all_zero(&r2, sizeof(r2)));
    /* Ring 1, 2 (the newest removed: not detectable, the ring is then
     * the one before it was written) is consistent. */
    assert_int_equal(moat_port_record_erase(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE + 2u), MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_OK);
    assert_int_equal(r2.next_id, 3u);
    /* A hole below the highest id (slot 0 missing). */
    assert_int_equal(moat_port_record_erase(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE), MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_ERR_REPORT_STORE);
    /* A record of another layout. */
    buf[9] = 1;
    assert_int_equal(moat_port_record_write(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE, buf, len),
                     MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_ERR_REPORT_STORE);
    buf[9] = 0;
    assert_int_equal(moat_port_record_write(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE, buf, len),
                     MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_OK);
    assert_int_equal(moat_port_record_write(&d->port, MOAT_REPORT_DEFAULT_RECORD_BASE, buf, 5),
                     MOAT_OK);
    assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, NULL), MOAT_ERR_REPORT_STORE);
    /* Bad configuration. */
    {
        moat_report_config cfg = {MOAT_PORT_RECORD_COUNT - RING + 1u, 0};
        assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, &cfg), MOAT_ERR_INVALID_ARGUMENT);
        cfg.record_base = 0;
        cfg.boot_counter = MOAT_PORT_COUNTER_COUNT;
        assert_int_equal(moat_report_open(&r2, &d->port, DEV_ID, &cfg), MOAT_ERR_INVALID_ARGUMENT);
    }
}

static void test_failed_write_needs_reopen(void **state)
{
    dev *d = *state;
    uint64_t id = 0;

    rec(d, MOAT_REPORT_CRASH, "app", 1, 1);
    moat_port_fault_cut_at(&d->f, moat_port_fault_writes(&d->f) + 1u, MOAT_PORT_FAULT_CUT_AFTER);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "app", "", 2, &id),
                     MOAT_ERR_PORT_POWER_CUT);
    assert_int_equal(id, 0u);
    assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "app", "", 3, &id),
                     MOAT_ERR_REPORT_STATE);
    assert_int_equal(moat_report_boot(&d->r), MOAT_ERR_REPORT_STATE);
    dev_reboot(d);
    rec(d, MOAT_REPORT_CRASH, "app", 3, 3); /* the cut one was complete */
}

/* ------------------------------------------------------ power-cut sweep */

/* What the test expects the ring to hold. */
typedef struct model {
    uint64_t next_id, floor, dropped, boot;
    int32_t code[64]; /* by id; events carry code = id * 7 */
} model;

static void model_record(model *m)
{
    uint64_t id = m->next_id++;
    if (id > RING && id - RING > m->floor) {
        m->dropped++;
    }
    m->code[id] = (int32_t)(id * 7u);
}

static bool ring_equals(dev *d, const model *m)
{
    moat_report_event ev[RING];
    moat_report_status st;
    uint64_t lo, id;
    size_t n = 0, i;

    if (moat_report_status_get(&d->r, &st) != MOAT_OK ||
        moat_report_pending(&d->r, ev, RING, &n) != MOAT_OK) {
        return false;
    }
    lo = m->next_id - 1u > RING ? m->next_id - 1u - RING : 0u;
    lo = (m->floor > lo ? m->floor : lo) + 1u;
    if (st.next_id != m->next_id || st.dropped != m->dropped || st.boot != m->boot ||
        n != (size_t)(m->next_id - lo)) {
        return false;
    }
    for (i = 0, id = lo; i < n; ++i, ++id) {
        if (ev[i].id != id || ev[i].code != m->code[id] || ev[i].kind != MOAT_REPORT_CRASH ||
            strcmp(ev[i].component, "comp") != 0 || strcmp(ev[i].version, "v9") != 0 ||
            !ev[i].has_time) {
            return false;
        }
    }
    return true;
}

/* The script: one step per call; returns the step's result (and applies
 * it to *after). Steps: boot, 18 records (wrap and drop), export 10 + ack,
 * 3 records, boot, export all + ack, 2 records. */
#define SCRIPT_STEPS 28
/* Persistent writes of the script: one per step. */
#define SCRIPT_WRITES 28u

static moat_err script_step(dev *d, int step, model *after)
{
    uint64_t id = 0, first = 0, last = 0, freed = 0;
    size_t len = 0, alen;
    moat_err rc;

    /* *after is the intended effect, applied whatever the outcome: a cut
     * in mode AFTER completes the write although the call fails. */
    if (step == 0 || step == 23) {
        after->boot++;
        return moat_report_boot(&d->r);
    }
    if (step == 19 || step == 24) {
        size_t n = step == 19 ? 10u : RING;
        rc = moat_report_export(&d->r, &g_keys.dev, NULL, n, g_tok, sizeof(g_tok), &len, &first, &last);
        assert_int_equal(rc, MOAT_OK); /* no write: cannot be cut */
        alen = sign_ack(&g_keys.svc, DEV_ID, last);
        after->floor = last;
        return moat_report_ack_apply(&d->r, g_ack, alen, &g_keys.svc_jwk, &freed);
    }
    model_record(after);
    return moat_report_record(&d->r, MOAT_REPORT_CRASH, "comp", "v9",
                              (int32_t)((after->next_id - 1u) * 7u), &id);
}

static void sweep(moat_port_fault_cut_mode mode)
{
    uint32_t n;
    bool completed = false;

    for (n = 1; !completed; ++n) {
        dev *d = dev_new();
        model before, after;
        int step;
        moat_err rc = MOAT_OK;

        memset(&after, 0, sizeof(after));
        after.next_id = 1;
        moat_port_fault_cut_at(&d->f, n, mode);
        for (step = 0; step < SCRIPT_STEPS; ++step) {
            before = after;
            rc = script_step(d, step, &after);
            if (rc != MOAT_OK) {
                break;
            }
            assert_true(ring_equals(d, &after));
        }
        if (rc == MOAT_OK) {
            /* The cut index lies beyond the script's writes. */
            assert_false(moat_port_fault_is_cut(&d->f));
            completed = true;
            assert_int_equal(n, SCRIPT_WRITES + 1u); /* every write was cut once */
        } else {
            bool is_before, is_after;
            uint64_t id = 0;
            assert_int_equal(rc, MOAT_ERR_PORT_POWER_CUT);
            dev_reboot(d);
            is_before = ring_equals(d, &before);
            is_after = ring_equals(d, &after);
            if (!is_before && !is_after) {
                print_error("cut at write %u (mode %d, step %d): ring is neither before nor after\n",
                            (unsigned)n, (int)mode, step);
            }
            assert_true(is_before || is_after);
            if (mode == MOAT_PORT_FAULT_CUT_AFTER) {
                assert_true(is_after);
            } else {
                assert_true(is_before);
            }
            /* Ids continue monotonically after the cut. */
            assert_int_equal(moat_report_record(&d->r, MOAT_REPORT_CRASH, "comp", "v9", 1, &id),
                             MOAT_OK);
            assert_int_equal(id, (is_after ? after.next_id : before.next_id));
        }
        dev_free(d);
    }
}

static void test_power_cut_sweep_before(void **state)
{
    (void)state;
    sweep(MOAT_PORT_FAULT_CUT_BEFORE);
}

static void test_power_cut_sweep_after(void **state)
{
    (void)state;
    sweep(MOAT_PORT_FAULT_CUT_AFTER);
}

static void test_power_cut_sweep_torn(void **state)
{
    (void)state;
    sweep(MOAT_PORT_FAULT_CUT_TORN);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(moat_report_kind_name(MOAT_REPORT_CRASH), "crash");
    assert_string_equal(moat_report_kind_name(MOAT_REPORT_WATCHDOG_RESET), "watchdog_reset");
    assert_string_equal(moat_report_kind_name(MOAT_REPORT_UPDATE_FAILURE), "update_failure");
    assert_string_equal(moat_report_kind_name(MOAT_REPORT_ATTESTATION_FAILURE), "attestation_failure");
    assert_string_equal(moat_report_kind_name(MOAT_REPORT_SECURITY_VIOLATION), "security_violation");
    assert_null(moat_report_kind_name((moat_report_kind)0));
    assert_null(moat_report_kind_name((moat_report_kind)6));
    assert_int_equal(moat_report_verify_work_size(), MOAT_REPORT_VERIFY_WORK_SIZE);
}

/* A device with a DICE identity signs its batches with the attestation
 * (alias) key: the service verifies under the key of the alias certificate
 * it already validated in the device's evidence (x5c leaf), and the same
 * batch does not verify under another key of the device (its DeviceID). */
static void test_batch_signed_by_alias_key(void **state)
{
    dev *d = *state;
    static uint8_t uds[64], alias_der[MOAT_DICE_CERT_MAX];
    moat_dice_input in;
    moat_dice_cdis l1;
    moat_dice_tcb_info tcb;
    moat_ec_private_key alias_priv, devid_priv;
    moat_ec_public_key devid_pub;
    moat_signer alias;
    moat_x509_cert alias_cert;
    moat_report_batch b;
    size_t alias_len = 0, len = 0;
    uint64_t first = 0, last = 0;

    memset(uds, 0x42, sizeof(uds));
    memset(&in, 0, sizeof(in));
    memset(in.code_hash, 0x11, sizeof(in.code_hash));
    memset(in.authority_hash, 0x22, sizeof(in.authority_hash));
    in.mode = MOAT_DICE_MODE_NORMAL;
    assert_int_equal(moat_dice_cdis_from_uds(uds, sizeof(uds), &in, &l1), MOAT_OK);
    memset(&tcb, 0, sizeof(tcb));
    tcb.present = MOAT_DICE_TCB_VENDOR | MOAT_DICE_TCB_FWIDS;
    strcpy(tcb.vendor, "moat");
    tcb.fwid_count = 1;
    tcb.fwids[0].alg = MOAT_HASH_SHA512;
    memcpy(tcb.fwids[0].digest, in.code_hash, 64);
    tcb.fwids[0].digest_len = 64;
    assert_int_equal(moat_dice_alias_cert(&l1, &tcb, alias_der, sizeof(alias_der), &alias_len), MOAT_OK);
    assert_int_equal(moat_dice_alias_keypair(&l1, &alias_priv, NULL), MOAT_OK);
    moat_wipe(&l1, sizeof(l1));
    assert_int_equal(moat_signer_from_private(&alias, &alias_priv), MOAT_OK);
    assert_int_equal(moat_x509_parse(alias_der, alias_len, &alias_cert), MOAT_OK);
    assert_memory_equal(alias_cert.ec_key.q, alias.pub.q, alias.pub.q_len);

    assert_int_equal(moat_report_boot(&d->r), MOAT_OK);
    rec(d, MOAT_REPORT_ATTESTATION_FAILURE, "attest", -3, 1);
    assert_int_equal(moat_report_export(&d->r, &alias, NULL, RING, g_tok, sizeof(g_tok), &len,
                                        &first, &last),
                     MOAT_OK);
    assert_int_equal(moat_report_batch_verify(g_tok, len, &alias_cert.ec_key, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_OK);
    assert_int_equal(b.count, 1u);
    assert_int_equal(b.events[0].kind, MOAT_REPORT_ATTESTATION_FAILURE);
    assert_int_equal(moat_dice_device_id(uds, sizeof(uds), &devid_priv, &devid_pub, NULL), MOAT_OK);
    assert_int_equal(moat_report_batch_verify(g_tok, len, &devid_pub, DEV_ID, g_work,
                                              sizeof(g_work), &b),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    moat_ec_private_wipe(&alias_priv);
    moat_ec_private_wipe(&devid_priv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_signed_by_alias_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_full_drops_oldest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_buffer_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_tampered_rejected, setup, teardown),
        cmocka_unit_test(test_batch_claims_rejected),
        cmocka_unit_test_setup_teardown(test_ack_rejected_nothing_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_fields_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_inconsistent_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_needs_reopen, setup, teardown),
        cmocka_unit_test(test_power_cut_sweep_before),
        cmocka_unit_test(test_power_cut_sweep_after),
        cmocka_unit_test(test_power_cut_sweep_torn),
    };
    keys_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
