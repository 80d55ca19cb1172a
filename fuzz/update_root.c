/*
 * libFuzzer harness: trust root acceptance (moat_update_root_check()) as a
 * first root and as a rotation, and the stored root record decoder
 * (moat_update_root_load() over a one-record in-memory port).
 *
 * Input: one mode byte, then the data. Mode % 4:
 *   0: data is a root document, checked as a first root;
 *   1: data is a root document, checked as the successor of root v1;
 *   2: data is a root payload, signed by the two v1 root keys and the two
 *      "new" keys (so the fuzzer reaches the payload and rotation rules),
 *      then checked both ways;
 *   3: data is a stored root record, loaded.
 * Mode bit 2: no trusted time.
 *
 * Properties: failures wipe the output; an accepted root satisfies the
 * invariants, the version and epoch rules, and survives store + load
 * unchanged (the record encoding round-trips); a loaded record re-stores to
 * the same bytes. Test keys come from fixed, obviously non-secret scalars.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1767225600LL
#define PAYLOAD_MAX 6144u

static moat_ec_private_key g_priv[4];
static moat_signer g_signer[4];
static moat_update_root g_v1;
static int g_ready;
static char g_doc[MOAT_UPDATE_ROOT_MAX_DOC];
static char g_tmp[MOAT_UPDATE_ROOT_MAX_DOC];
static uint64_t g_work[(MOAT_UPDATE_WORK_SIZE(MOAT_UPDATE_ROOT_MAX_DOC) + 7u) / 8u];
static uint64_t g_sign_work[(MOAT_JWS_JSON_WORK_SIZE(MOAT_UPDATE_ROOT_MAX_DOC) + 7u) / 8u];

/* ---------------------------------------------- one-record memory port */

static uint8_t g_rec[MOAT_PORT_RECORD_MAX];
static size_t g_rec_len;
static int g_rec_present;

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static moat_err mem_entropy(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0, len);
    return MOAT_ERR_PORT_ENTROPY;
}

static moat_err mem_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap, size_t *len)
{
    (void)ctx;
    *len = 0;
    if (id != MOAT_UPDATE_RECORD_ROOT || !g_rec_present) {
        return MOAT_ERR_PORT_NOT_FOUND;
    }
    if (cap < g_rec_len) {
        *len = g_rec_len;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(buf, g_rec, g_rec_len);
    *len = g_rec_len;
    return MOAT_OK;
}

static moat_err mem_write(void *ctx, uint32_t id, const uint8_t *d, size_t len)
{
    (void)ctx;
    if (id != MOAT_UPDATE_RECORD_ROOT || len > sizeof(g_rec)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memcpy(g_rec, d, len);
    g_rec_len = len;
    g_rec_present = 1;
    return MOAT_OK;
}

static const moat_port_ops g_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = mem_entropy,
    .record_read = mem_read,
    .record_write = mem_write,
};
static const moat_port g_port = {&g_ops, NULL};

/* ------------------------------------------------------------- setup */

static void key(moat_curve c, uint8_t seed, moat_ec_private_key *priv, moat_signer *s,
                moat_jwk *jwk)
{
    uint8_t d[48];
    size_t n = moat_curve_size(c);
    size_t i;
    for (i = 0; i < n; i++) {
        d[i] = (uint8_t)(seed + i);
    }
    d[0] = 0x01;
    check(moat_ec_private_from_scalar(c, d, n, priv) == MOAT_OK);
    check(moat_signer_from_private(s, priv) == MOAT_OK);
    if (jwk != NULL) {
        check(moat_jwk_from_public(&s->pub, jwk) == MOAT_OK);
    }
}

static void setup(void)
{
    moat_ec_private_key tk;
    moat_signer ts;
    memset(&g_v1, 0, sizeof(g_v1));
    g_v1.version = 1;
    g_v1.expires = NOW + 365LL * 86400LL;
    /* v1 root keys (0, 1), "new" root keys (2, 3), one targets key. */
    key(MOAT_CURVE_P256, 0x40, &g_priv[0], &g_signer[0], &g_v1.root.keys[0]);
    key(MOAT_CURVE_P384, 0x50, &g_priv[1], &g_signer[1], &g_v1.root.keys[1]);
    key(MOAT_CURVE_P256, 0x60, &g_priv[2], &g_signer[2], NULL);
    key(MOAT_CURVE_P256, 0x70, &g_priv[3], &g_signer[3], NULL);
    g_v1.root.nkeys = 2;
    g_v1.root.threshold = 2;
    key(MOAT_CURVE_P256, 0x80, &tk, &ts, &g_v1.targets.keys[0]);
    moat_ec_private_wipe(&tk);
    g_v1.targets.nkeys = 1;
    g_v1.targets.threshold = 1;
    g_ready = 1;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Accepted roots round-trip through the record. */
static void check_accepted(const moat_update_root *cur, const moat_update_root *r, int64_t now)
{
    moat_update_root back;
    check(r->version >= 1);
    check(now == MOAT_UPDATE_NO_TIME || now < r->expires);
    check(r->root.threshold >= 1 && r->root.threshold <= r->root.nkeys);
    check(r->targets.threshold >= 1 && r->targets.threshold <= r->targets.nkeys);
    if (cur != NULL) {
        check(r->version == cur->version + 1u);
        check(r->epoch >= cur->epoch);
    }
    g_rec_present = 0;
    check(moat_update_root_store(&g_port, r) == MOAT_OK);
    check(g_rec_len == MOAT_UPDATE_ROOT_RECORD_SIZE);
    check(moat_update_root_load(&g_port, &back) == MOAT_OK);
    check(memcmp(&back, r, sizeof(back)) == 0);
}

static void run_check(const moat_update_root *cur, const char *doc, size_t len, int64_t now)
{
    moat_update_root out;
    moat_err e;
    memset(&out, 0xA5, sizeof(out));
    e = moat_update_root_check(cur, doc, len, now, g_work, sizeof(g_work), &out);
    check(all_zero(g_work, sizeof(g_work)));
    if (e != MOAT_OK) {
        check(all_zero(&out, sizeof(out)));
    } else {
        check_accepted(cur, &out, now);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t now;
    unsigned mode;

    if (!g_ready) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    mode = data[0] & 3u;
    now = (data[0] & 4u) ? MOAT_UPDATE_NO_TIME : NOW;
    data++;
    size--;
    switch (mode) {
    case 0:
        run_check(NULL, (const char *)data, size, now);
        break;
    case 1:
        run_check(&g_v1, (const char *)data, size, now);
        break;
    case 2: {
        size_t len = 0;
        size_t i;
        if (size > PAYLOAD_MAX) {
            return 0;
        }
        for (i = 0; i < 4; i++) {
            moat_err e;
            if (i == 0) {
                e = moat_jws_json_sign(NULL, 0, data, size, &g_signer[0], NULL, NULL, 0, g_doc,
                                       sizeof(g_doc), &len);
            } else {
                memcpy(g_tmp, g_doc, len + 1);
                e = moat_jws_json_sign(g_tmp, len, NULL, 0, &g_signer[i], NULL, g_sign_work,
                                       sizeof(g_sign_work), g_doc, sizeof(g_doc), &len);
            }
            if (e != MOAT_OK) {
                return 0;
            }
        }
        run_check(NULL, g_doc, len, now);
        run_check(&g_v1, g_doc, len, now);
        break;
    }
    default: {
        moat_update_root r;
        moat_err e;
        uint8_t orig[MOAT_PORT_RECORD_MAX];
        size_t olen;
        if (size > sizeof(g_rec)) {
            return 0;
        }
        memcpy(g_rec, data, size);
        memcpy(orig, data, size);
        olen = size;
        g_rec_len = size;
        g_rec_present = 1;
        memset(&r, 0xA5, sizeof(r));
        e = moat_update_root_load(&g_port, &r);
        if (e != MOAT_OK) {
            check(all_zero(&r, sizeof(r)));
        } else {
            /* The encoding is canonical: re-storing gives the same bytes. */
            check(moat_update_root_store(&g_port, &r) == MOAT_OK);
            check(g_rec_len == olen && memcmp(g_rec, orig, olen) == 0);
        }
        break;
    }
    }
    return 0;
}
