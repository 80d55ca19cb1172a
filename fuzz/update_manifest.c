/*
 * libFuzzer harness: update manifest verification (moat_update_manifest_check()).
 *
 * Input: one mode byte, then the data. Mode bit 0 clear: the data is a
 * whole JWS General JSON document. Bit 0 set: the data is a payload, which
 * the harness signs with two trusted targets keys first, so that the
 * fuzzer reaches every payload rule. Bit 1 set: no trusted time. Bit 2
 * set: the trust root's sequence_epoch is 1 (else 0). Bit 3 set: the device
 * declares 32-bit counters (counter_max 2^32-1).
 *
 * Properties: every failure wipes the output manifest; an accepted manifest
 * satisfies every rule the decision claims (device, slot, size bounds,
 * sequence and svn above/at the counters, version above the installed one,
 * counter values of the root's epoch and within the device's counter
 * maximum); the decision is deterministic.
 * Test keys come from fixed, obviously non-secret scalars.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1767225600LL

static moat_ec_private_key g_priv[2];
static moat_signer g_signer[2];
static moat_update_root g_root;
static moat_update_device g_dev;
static moat_update_snapshot g_snap;
static int g_ready;
static char g_doc[MOAT_UPDATE_MANIFEST_MAX_DOC];
static char g_tmp[MOAT_UPDATE_MANIFEST_MAX_DOC];
static uint64_t g_work[(MOAT_UPDATE_WORK_SIZE(MOAT_UPDATE_MANIFEST_MAX_DOC) + 7u) / 8u];
static uint64_t g_sign_work[(MOAT_JWS_JSON_WORK_SIZE(MOAT_UPDATE_MANIFEST_MAX_DOC) + 7u) / 8u];

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static void key(moat_curve c, uint8_t seed, moat_ec_private_key *priv, moat_jwk *jwk)
{
    uint8_t d[48];
    size_t n = moat_curve_size(c);
    size_t i;
    for (i = 0; i < n; i++) {
        d[i] = (uint8_t)(seed + i);
    }
    d[0] = 0x01;
    check(moat_ec_private_from_scalar(c, d, n, priv) == MOAT_OK);
    if (jwk != NULL) {
        moat_signer s;
        check(moat_signer_from_private(&s, priv) == MOAT_OK);
        check(moat_jwk_from_public(&s.pub, jwk) == MOAT_OK);
    }
}

static void setup(void)
{
    moat_ec_private_key rk;
    size_t i;
    memset(&g_root, 0, sizeof(g_root));
    g_root.version = 1;
    g_root.expires = NOW + 365LL * 86400LL;
    key(MOAT_CURVE_P256, 0x10, &rk, &g_root.root.keys[0]);
    moat_ec_private_wipe(&rk);
    g_root.root.nkeys = 1;
    g_root.root.threshold = 1;
    key(MOAT_CURVE_P256, 0x20, &g_priv[0], &g_root.targets.keys[0]);
    key(MOAT_CURVE_P384, 0x30, &g_priv[1], &g_root.targets.keys[1]);
    g_root.targets.nkeys = 2;
    g_root.targets.threshold = 2;
    for (i = 0; i < 2; i++) {
        check(moat_signer_from_private(&g_signer[i], &g_priv[i]) == MOAT_OK);
    }
    memset(&g_dev, 0, sizeof(g_dev));
    check(moat_update_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", 36, g_dev.vendor_id) ==
          MOAT_OK);
    check(moat_update_uuid_parse("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", 36, g_dev.class_id) ==
          MOAT_OK);
    strcpy(g_dev.components[0].name, "app");
    g_dev.components[0].installed = (moat_update_version){1, 1, 0};
    g_dev.components[0].slots = 1u << 1;
    strcpy(g_dev.components[1].name, "radio");
    g_dev.components[1].installed = (moat_update_version){3, 0, 0};
    g_dev.components[1].slots = 1u << 1;
    g_dev.ncomponents = 2;
    memset(&g_snap, 0, sizeof(g_snap));
    g_snap.sequence = 1;
    g_snap.svn[0] = 2;
    g_snap.slot_size[0] = 65536;
    g_snap.slot_size[1] = 65536;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    moat_update_manifest m;
    moat_update_manifest m2;
    const char *doc;
    size_t len;
    int64_t now;
    moat_err e;
    moat_err e2;

    if (!g_ready) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    now = (data[0] & 2u) ? MOAT_UPDATE_NO_TIME : NOW;
    g_root.epoch = (data[0] & 4u) ? 1u : 0u;
    g_dev.counter_max = (data[0] & 8u) ? 0xFFFFFFFFu : 0u;
    if (data[0] & 1u) {
        size_t l1 = 0;
        if (size - 1 > 4096u) {
            return 0;
        }
        if (moat_jws_json_sign(NULL, 0, data + 1, size - 1, &g_signer[0], NULL, NULL, 0, g_tmp,
                               sizeof(g_tmp), &l1) != MOAT_OK ||
            moat_jws_json_sign(g_tmp, l1, NULL, 0, &g_signer[1], NULL, g_sign_work,
                               sizeof(g_sign_work), g_doc, sizeof(g_doc), &len) != MOAT_OK) {
            return 0;
        }
        doc = g_doc;
    } else {
        doc = (const char *)data + 1;
        len = size - 1;
    }

    memset(&m, 0xA5, sizeof(m));
    e = moat_update_manifest_check(doc, len, &g_root, &g_dev, &g_snap, now, g_work,
                                   sizeof(g_work), &m);
    check(all_zero(g_work, sizeof(g_work)));
    if (e != MOAT_OK) {
        check(all_zero(&m, sizeof(m)));
    } else {
        const moat_update_component *c;
        check(m.component_index < g_dev.ncomponents);
        c = &g_dev.components[m.component_index];
        check(strcmp(m.component, c->name) == 0);
        check(m.slot < MOAT_PORT_SLOT_COUNT && ((c->slots >> m.slot) & 1u) != 0);
        check(m.size >= 1 && m.size <= g_snap.slot_size[m.slot]);
        check(m.sequence_counter > g_snap.sequence);
        check(m.sequence_counter == ((uint64_t)g_root.epoch << 32 | m.sequence));
        check(m.svn_counter == ((uint64_t)g_root.epoch << 32 | m.svn));
        check(g_dev.counter_max == 0 ||
              (m.sequence_counter <= g_dev.counter_max && m.svn_counter <= g_dev.counter_max));
        check(m.svn_counter >= g_snap.svn[m.component_index]);
        check(m.svn_counter_id == MOAT_UPDATE_COUNTER_SVN_BASE + m.component_index);
        check(moat_update_version_compare(&m.version, &c->installed) > 0);
        check(now == MOAT_UPDATE_NO_TIME || now < m.expires);
        check(m.root_version == g_root.version);
    }
    e2 = moat_update_manifest_check(doc, len, &g_root, &g_dev, &g_snap, now, g_work,
                                    sizeof(g_work), &m2);
    check(e == e2);
    check(memcmp(&m, &m2, sizeof(m)) == 0 || e != MOAT_OK);
    return 0;
}
