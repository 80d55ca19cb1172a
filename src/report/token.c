/*
 * Failure reporting, tokens: batch verification (service side),
 * acknowledgement signing (service side) and acknowledgement verification
 * (device side).
 *
 * Both tokens are JWTs (RFC 7519) in JWS compact serialization (RFC 7515
 * section 7.1), explicitly typed (RFC 8725 section 3.11) so that neither
 * can be mistaken for the other or for another JWT signed by the same key
 * (e.g. attestation evidence signed by the alias key): the protected
 * header's "typ" must be exactly MOAT_REPORT_TYP / MOAT_REPORT_ACK_TYP, and
 * the claims set carries a marker claim ("moat_report":1 /
 * "moat_report_ack":1). The signature is verified over the received bytes
 * by the JOSE layer before the claims are parsed; claims are parsed with
 * the strict bounded JSON parser (duplicates rejected) and every member is
 * checked for type and range; unknown members are rejected.
 */
#include <string.h>

#include "report/internal.h"

/* Arena for the protected header parse (the JOSE layer already checked it). */
#define HDR_ARENA MOAT_JSON_ARENA_SIZE(MOAT_JWS_HEADER_MAX, MOAT_JWS_HEADER_MAX_VALUES)
/* Arena for an acknowledgement's claims. */
#define ACK_VALUES 16u
#define ACK_ARENA MOAT_JSON_ARENA_SIZE(MOAT_REPORT_ACK_PAYLOAD_MAX, ACK_VALUES)
#define DEVICE_ARENA (HDR_ARENA > ACK_ARENA ? HDR_ARENA : ACK_ARENA)

_Static_assert(MOAT_REPORT_VERIFY_WORK_SIZE >=
                   MOAT_REPORT_PAYLOAD_MAX + MOAT_JWS_HEADER_MAX + 1u + HDR_ARENA,
               "report verify workspace holds the header arena");

size_t moat_report_verify_work_size(void)
{
    return MOAT_REPORT_VERIFY_WORK_SIZE;
}

/* Verify @p tok under @p key and check its "typ". The header text goes to
 * @p hdr (MOAT_JWS_HEADER_MAX + 1 bytes), the header tree to @p arena. */
static moat_err verify_typed(const char *tok, size_t tok_len, const moat_ec_public_key *key,
                             const char *typ, uint8_t *payload, size_t payload_cap,
                             size_t *payload_len, char *hdr, void *arena, size_t arena_size)
{
    moat_jws_verify_opts o;
    moat_json_limits lim;
    const moat_json *root = NULL;
    const char *t = NULL;
    size_t hlen = 0, tlen = 0;
    moat_err rc;

    memset(&o, 0, sizeof(o));
    o.header_out = hdr;
    o.header_cap = MOAT_JWS_HEADER_MAX + 1u;
    o.header_len = &hlen;
    rc = moat_jws_verify_compact_ex(tok, tok_len, key, NULL, 0, &o, payload, payload_cap,
                                    payload_len);
    if (rc == MOAT_ERR_BUFFER_TOO_SMALL) {
        rc = MOAT_ERR_INPUT_TOO_LARGE; /* a claims set above the bound */
    }
    if (rc == MOAT_OK) {
        memset(&lim, 0, sizeof(lim));
        lim.max_input = MOAT_JWS_HEADER_MAX;
        lim.max_depth = 8u;
        lim.max_members = MOAT_JWS_HEADER_MAX_VALUES;
        rc = moat_json_parse(hdr, hlen, &lim, arena, arena_size, &root);
    }
    if (rc == MOAT_OK &&
        (moat_json_get_string(root, "typ", &t, &tlen) != MOAT_OK || tlen != strlen(typ) ||
         memcmp(t, typ, tlen) != 0)) {
        rc = MOAT_ERR_REPORT_TYPE;
    }
    moat_wipe(hdr, MOAT_JWS_HEADER_MAX + 1u);
    moat_wipe(arena, arena_size);
    if (rc != MOAT_OK) {
        moat_wipe(payload, payload_cap);
        *payload_len = 0;
    }
    return rc;
}

/* true if every member name of object @p obj is one of @p names. */
static bool only_members(const moat_json *obj, const char *const *names, size_t count)
{
    const moat_json *m;
    for (m = moat_json_child(obj); m != NULL; m = moat_json_next(m)) {
        const char *nm = moat_json_name(m);
        size_t i;
        bool ok = false;
        for (i = 0; i < count && !ok; ++i) {
            ok = nm != NULL && strcmp(nm, names[i]) == 0;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* An exact integer member in [min, max]; absent gives MOAT_ERR_JSON_MISSING. */
static moat_err get_int(const moat_json *obj, const char *name, int64_t min, int64_t max,
                        int64_t *v)
{
    const moat_json *m = moat_json_get(obj, name);
    *v = 0;
    if (m == NULL) {
        return MOAT_ERR_JSON_MISSING;
    }
    return moat_json_int(m, min, max, v);
}

/* The marker claim must be the integer 1. */
static bool marker_ok(const moat_json *obj, const char *name)
{
    int64_t v = 0;
    return get_int(obj, name, 1, 1, &v) == MOAT_OK;
}

/* Copy a string member of printable ASCII of [min, max] bytes into out
 * (max + 1 bytes). */
static bool get_text(const moat_json *obj, const char *name, size_t min, size_t max,
                     char *out)
{
    const char *s = NULL;
    size_t len = 0;
    if (moat_json_get_string(obj, name, &s, &len) != MOAT_OK ||
        !moat_report_text_ok_(s, len, min, max)) {
        return false;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

/* --------------------------------------------------------------- batch */

static const char *const batch_members[] = {
    "iss", "iat", "moat_report", "first_id", "last_id", "dropped", "events",
};
static const char *const event_members[] = {
    "id", "kind", "component", "version", "code", "time", "boot",
};

static moat_err parse_event(const moat_json *o, uint64_t expect_id, moat_report_event *ev)
{
    const moat_json *t, *b;
    const char *k = NULL;
    size_t klen = 0;
    int64_t v = 0;

    if (moat_json_type_of(o) != MOAT_JSON_OBJECT ||
        !only_members(o, event_members, sizeof(event_members) / sizeof(event_members[0]))) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    t = moat_json_get(o, "time");
    b = moat_json_get(o, "boot");
    if ((t == NULL) == (b == NULL) || moat_json_get(o, "kind") == NULL ||
        moat_json_get(o, "component") == NULL || moat_json_get(o, "version") == NULL) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    if (get_int(o, "id", 1, (int64_t)MOAT_REPORT_INT_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    ev->id = (uint64_t)v;
    if (get_int(o, "code", INT32_MIN, INT32_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    ev->code = (int32_t)v;
    if (moat_json_int(t != NULL ? t : b, 0, (int64_t)MOAT_REPORT_INT_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    ev->has_time = t != NULL;
    if (ev->has_time) {
        ev->time = v;
    } else {
        ev->boot = (uint64_t)v;
    }
    if (moat_json_get_string(o, "kind", &k, &klen) != MOAT_OK) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    ev->kind = moat_report_kind_from_name_(k, klen);
    if (ev->kind == (moat_report_kind)0 ||
        !get_text(o, "component", 1u, MOAT_REPORT_COMPONENT_MAX, ev->component) ||
        !get_text(o, "version", 0u, MOAT_REPORT_VERSION_MAX, ev->version)) {
        return MOAT_ERR_REPORT_FIELD;
    }
    if (ev->id != expect_id) {
        return MOAT_ERR_REPORT_EVENTS;
    }
    return MOAT_OK;
}

static moat_err parse_batch(const moat_json *root, const char *expected_device,
                            moat_report_batch *batch)
{
    const moat_json *evs, *e;
    int64_t first = 0, last = 0, dropped = 0, iat = 0;
    size_t i;
    moat_err rc;

    if (moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    if (!marker_ok(root, "moat_report")) {
        return MOAT_ERR_REPORT_TYPE;
    }
    if (!only_members(root, batch_members, sizeof(batch_members) / sizeof(batch_members[0])) ||
        !get_text(root, "iss", 1u, MOAT_REPORT_DEVICE_ID_MAX, batch->device) ||
        get_int(root, "first_id", 1, (int64_t)MOAT_REPORT_INT_MAX, &first) != MOAT_OK ||
        get_int(root, "last_id", first, (int64_t)MOAT_REPORT_INT_MAX, &last) != MOAT_OK ||
        get_int(root, "dropped", 0, (int64_t)MOAT_REPORT_INT_MAX, &dropped) != MOAT_OK) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    if (moat_json_get(root, "iat") != NULL) {
        if (get_int(root, "iat", 0, (int64_t)MOAT_REPORT_INT_MAX, &iat) != MOAT_OK) {
            return MOAT_ERR_REPORT_CLAIMS;
        }
        batch->has_iat = true;
        batch->iat = iat;
    }
    evs = moat_json_get(root, "events");
    if (moat_json_type_of(evs) != MOAT_JSON_ARRAY || moat_json_size(evs) == 0u ||
        moat_json_size(evs) > MOAT_REPORT_BATCH_MAX) {
        return MOAT_ERR_REPORT_CLAIMS;
    }
    batch->first_id = (uint64_t)first;
    batch->last_id = (uint64_t)last;
    batch->dropped = (uint64_t)dropped;
    if (expected_device != NULL && strcmp(expected_device, batch->device) != 0) {
        return MOAT_ERR_REPORT_DEVICE;
    }
    if ((uint64_t)moat_json_size(evs) != batch->last_id - batch->first_id + 1u) {
        return MOAT_ERR_REPORT_EVENTS;
    }
    for (e = moat_json_child(evs), i = 0; e != NULL; e = moat_json_next(e), ++i) {
        rc = parse_event(e, batch->first_id + i, &batch->events[i]);
        if (rc != MOAT_OK) {
            return rc;
        }
    }
    batch->count = i;
    return MOAT_OK;
}

moat_err moat_report_batch_verify(const char *token, size_t token_len,
                                  const moat_ec_public_key *device_key,
                                  const char *expected_device, void *work,
                                  size_t work_size, moat_report_batch *batch)
{
    uint8_t *payload;
    char *hdr;
    uint8_t *arena;
    size_t plen = 0, arena_size;
    moat_json_limits lim;
    const moat_json *root = NULL;
    moat_err rc;

    if (batch == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(batch, 0, sizeof(*batch));
    if (token == NULL || device_key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (work == NULL || work_size < MOAT_REPORT_VERIFY_WORK_SIZE) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    if (token_len > MOAT_REPORT_TOKEN_MAX - 1u) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    payload = (uint8_t *)work;
    hdr = (char *)payload + MOAT_REPORT_PAYLOAD_MAX;
    arena = (uint8_t *)hdr + MOAT_JWS_HEADER_MAX + 1u;
    arena_size = work_size - (MOAT_REPORT_PAYLOAD_MAX + MOAT_JWS_HEADER_MAX + 1u);

    rc = verify_typed(token, token_len, device_key, MOAT_REPORT_TYP, payload,
                      MOAT_REPORT_PAYLOAD_MAX, &plen, hdr, arena, arena_size);
    if (rc == MOAT_OK) {
        memset(&lim, 0, sizeof(lim));
        lim.max_input = MOAT_REPORT_PAYLOAD_MAX;
        lim.max_depth = 3u;
        lim.max_members = MOAT_REPORT_PAYLOAD_MAX_VALUES;
        lim.max_string = 256u;
        rc = moat_json_parse((const char *)payload, plen, &lim, arena, arena_size, &root);
    }
    if (rc == MOAT_OK) {
        rc = parse_batch(root, expected_device, batch);
    }
    moat_wipe(work, work_size);
    if (rc != MOAT_OK) {
        memset(batch, 0, sizeof(*batch));
    }
    return rc;
}

/* ------------------------------------------------------ acknowledgement */

static const char *const ack_members[] = {"moat_report_ack", "device", "ack_through", "iat"};

moat_err moat_report_ack_verify(const char *token, size_t token_len,
                                const moat_jwk *service_key, const char *device_id,
                                uint64_t *ack_through)
{
    uint8_t payload[MOAT_REPORT_ACK_PAYLOAD_MAX];
    char hdr[MOAT_JWS_HEADER_MAX + 1u];
    uint64_t arena[(DEVICE_ARENA + 7u) / 8u];
    char dev[MOAT_REPORT_DEVICE_ID_MAX + 1u];
    moat_json_limits lim;
    const moat_json *root = NULL;
    size_t plen = 0;
    int64_t v = 0;
    moat_err rc;

    if (ack_through == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *ack_through = 0;
    if (token == NULL || service_key == NULL || device_id == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (token_len > MOAT_REPORT_ACK_TOKEN_MAX - 1u) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = verify_typed(token, token_len, &service_key->key, MOAT_REPORT_ACK_TYP, payload,
                      sizeof(payload), &plen, hdr, arena, sizeof(arena));
    if (rc == MOAT_OK) {
        memset(&lim, 0, sizeof(lim));
        lim.max_input = MOAT_REPORT_ACK_PAYLOAD_MAX;
        lim.max_depth = 2u;
        lim.max_members = ACK_VALUES;
        lim.max_string = 256u;
        rc = moat_json_parse((const char *)payload, plen, &lim, arena, sizeof(arena), &root);
    }
    if (rc == MOAT_OK && moat_json_type_of(root) != MOAT_JSON_OBJECT) {
        rc = MOAT_ERR_REPORT_ACK_CLAIMS;
    }
    if (rc == MOAT_OK && !marker_ok(root, "moat_report_ack")) {
        rc = MOAT_ERR_REPORT_TYPE;
    }
    if (rc == MOAT_OK &&
        (!only_members(root, ack_members, sizeof(ack_members) / sizeof(ack_members[0])) ||
         get_int(root, "ack_through", 1, (int64_t)MOAT_REPORT_INT_MAX, &v) != MOAT_OK ||
         !get_text(root, "device", 1u, MOAT_REPORT_DEVICE_ID_MAX, dev))) {
        rc = MOAT_ERR_REPORT_ACK_CLAIMS;
    }
    if (rc == MOAT_OK && moat_json_get(root, "iat") != NULL) {
        int64_t iat = 0;
        if (get_int(root, "iat", 0, (int64_t)MOAT_REPORT_INT_MAX, &iat) != MOAT_OK) {
            rc = MOAT_ERR_REPORT_ACK_CLAIMS;
        }
    }
    if (rc == MOAT_OK && strcmp(dev, device_id) != 0) {
        rc = MOAT_ERR_REPORT_DEVICE;
    }
    if (rc == MOAT_OK) {
        *ack_through = (uint64_t)v;
    }
    moat_wipe(payload, sizeof(payload));
    moat_wipe(arena, sizeof(arena));
    moat_wipe(dev, sizeof(dev));
    return rc;
}

moat_err moat_report_ack_sign(const moat_signer *service, const char *device_id,
                              uint64_t ack_through, int64_t iat, char *out,
                              size_t out_cap, size_t *out_len)
{
    char claims[MOAT_REPORT_ACK_PAYLOAD_MAX + 1u];
    moat_json_writer w;
    moat_jws_sign_opts opts;
    size_t dlen, clen = 0;
    moat_err rc;

    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out == NULL && out_cap != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(out, out_cap);
    if (service == NULL || ack_through == 0u || ack_through > MOAT_REPORT_INT_MAX ||
        (iat != MOAT_REPORT_NO_IAT && (iat < 0 || (uint64_t)iat > MOAT_REPORT_INT_MAX))) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    dlen = moat_report_strnlen_(device_id, MOAT_REPORT_DEVICE_ID_MAX);
    if (!moat_report_text_ok_(device_id, dlen, 1u, MOAT_REPORT_DEVICE_ID_MAX)) {
        return MOAT_ERR_REPORT_FIELD;
    }
    moat_json_writer_init(&w, claims, sizeof(claims));
    moat_json_write_cstr(&w, "{\"moat_report_ack\":1,\"device\":");
    moat_json_write_string(&w, device_id, dlen);
    moat_json_write_cstr(&w, ",\"ack_through\":");
    moat_json_write_int(&w, (int64_t)ack_through);
    if (iat != MOAT_REPORT_NO_IAT) {
        moat_json_write_cstr(&w, ",\"iat\":");
        moat_json_write_int(&w, iat);
    }
    moat_json_write_cstr(&w, "}");
    rc = moat_json_writer_finish(&w, &clen);
    if (rc == MOAT_OK) {
        memset(&opts, 0, sizeof(opts));
        opts.typ = MOAT_REPORT_ACK_TYP;
        rc = moat_jws_sign_compact_ex(service, &opts, (const uint8_t *)claims, clen, out,
                                      out_cap, out_len);
    } else {
        rc = MOAT_ERR_INTERNAL; /* the bounds say it fits */
    }
    moat_wipe(claims, sizeof(claims));
    return rc;
}
