/*
 * Failure reporting, device side: the ring of port records, the boot
 * counter, export of a signed batch, and freeing on acknowledgement.
 *
 * Power-loss model (docs/reports.md). Event `id` (1, 2, ...) lives in port
 * record record_base + (id - 1) % MOAT_REPORT_RING_SIZE. Every slot carries
 * its id, the cumulative drop count and the acknowledgement floor current
 * when it was written; the ring state is the maximum of each over the
 * slots, so it is always derivable from the slots alone (no index record
 * that could disagree with them). Each state change is exactly one atomic
 * port write (port.h: old or new content after a power loss, never torn):
 * - record: write slot(id) (overwriting id - RING_SIZE, counted as dropped
 *   in the same write when it was not acknowledged);
 * - free: write slot(ack_through) as a freed marker whose floor is
 *   ack_through (the floor frees every id up to it at once);
 * - boot: advance the boot counter.
 * Slots are never erased, so the highest id, hence the next id, survives.
 *
 * Slot record layout (MOAT_REPORT_RECORD_SIZE = 112 bytes, little-endian):
 *   0   "MRP1"
 *   4   state (u8: 1 live, 2 freed)   5 kind (u8)   6 stamp (u8: 1 time,
 *       2 boot)   7 component length (u8)   8 version length (u8)
 *   9..11 zero
 *   12  code (i32)        16 id (u64)        24 floor (u64)
 *   32  dropped (u64)     40 time or boot (u64)
 *   48  component (32 bytes, zero-padded)   80 version (32, zero-padded)
 * A freed marker has every event field zero. Decoding accepts only this
 * canonical encoding (the port already checks integrity; this catches a
 * record of another layout or a misplaced one).
 */
#include <string.h>

#include "core/le.h"
#include "report/internal.h"

#define SLOT_MAGIC "MRP1"
#define ST_LIVE 1u
#define ST_FREED 2u
#define STAMP_TIME 1u
#define STAMP_BOOT 2u
#define OFF_CODE 12u
#define OFF_ID 16u
#define OFF_FLOOR 24u
#define OFF_DROPPED 32u
#define OFF_STAMP 40u
#define OFF_COMP 48u
#define OFF_VER 80u
#define RING ((uint64_t)MOAT_REPORT_RING_SIZE)

_Static_assert(OFF_VER + MOAT_REPORT_VERSION_MAX == MOAT_REPORT_RECORD_SIZE,
               "report slot layout");
_Static_assert(OFF_COMP + MOAT_REPORT_COMPONENT_MAX == OFF_VER, "report slot layout");
_Static_assert(MOAT_REPORT_RECORD_SIZE <= 256u, "report slot bound");

/* One decoded slot. */
typedef struct slot_rec {
    uint64_t floor;
    uint64_t dropped;
    bool freed;
    moat_report_event ev; /* ev.id is the slot's id */
} slot_rec;

/* ------------------------------------------------------------ encoding */


static void encode(const slot_rec *r, uint8_t out[MOAT_REPORT_RECORD_SIZE])
{
    memset(out, 0, MOAT_REPORT_RECORD_SIZE);
    memcpy(out, SLOT_MAGIC, 4);
    out[4] = (uint8_t)(r->freed ? ST_FREED : ST_LIVE);
    moat_le_put64(out + OFF_ID, r->ev.id);
    moat_le_put64(out + OFF_FLOOR, r->floor);
    moat_le_put64(out + OFF_DROPPED, r->dropped);
    if (!r->freed) {
        size_t cl = moat_report_strnlen_(r->ev.component, MOAT_REPORT_COMPONENT_MAX);
        size_t vl = moat_report_strnlen_(r->ev.version, MOAT_REPORT_VERSION_MAX);
        out[5] = (uint8_t)r->ev.kind;
        out[6] = (uint8_t)(r->ev.has_time ? STAMP_TIME : STAMP_BOOT);
        out[7] = (uint8_t)cl;
        out[8] = (uint8_t)vl;
        moat_le_put32(out + OFF_CODE, (uint32_t)r->ev.code);
        moat_le_put64(out + OFF_STAMP, r->ev.has_time ? (uint64_t)r->ev.time : r->ev.boot);
        memcpy(out + OFF_COMP, r->ev.component, cl);
        memcpy(out + OFF_VER, r->ev.version, vl);
    }
}

static bool all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; ++i) {
        if (p[i] != 0u) {
            return false;
        }
    }
    return true;
}

/* Canonical decoding; MOAT_ERR_REPORT_STORE for anything else. */
static moat_err decode(const uint8_t *b, size_t len, slot_rec *r)
{
    uint64_t stamp;
    size_t cl, vl;

    memset(r, 0, sizeof(*r));
    if (len != MOAT_REPORT_RECORD_SIZE || memcmp(b, SLOT_MAGIC, 4) != 0 ||
        !all_zero(b + 9, 3) || (b[4] != ST_LIVE && b[4] != ST_FREED)) {
        return MOAT_ERR_REPORT_STORE;
    }
    r->ev.id = moat_le_get64(b + OFF_ID);
    r->floor = moat_le_get64(b + OFF_FLOOR);
    r->dropped = moat_le_get64(b + OFF_DROPPED);
    r->freed = b[4] == ST_FREED;
    if (r->ev.id == 0u || r->ev.id > MOAT_REPORT_INT_MAX ||
        r->floor > MOAT_REPORT_INT_MAX || r->dropped > MOAT_REPORT_INT_MAX) {
        return MOAT_ERR_REPORT_STORE;
    }
    if (r->freed) {
        /* A freed marker is written with floor = its own id. */
        if (r->floor < r->ev.id || !all_zero(b + 5, 4) ||
            !all_zero(b + OFF_CODE, 4) || !all_zero(b + OFF_STAMP, 8) ||
            !all_zero(b + OFF_COMP, MOAT_REPORT_COMPONENT_MAX + MOAT_REPORT_VERSION_MAX)) {
            return MOAT_ERR_REPORT_STORE;
        }
        return MOAT_OK;
    }
    /* A live event is written with a floor below its id. */
    cl = b[7];
    vl = b[8];
    stamp = moat_le_get64(b + OFF_STAMP);
    if (r->floor >= r->ev.id || moat_report_kind_name((moat_report_kind)b[5]) == NULL ||
        (b[6] != STAMP_TIME && b[6] != STAMP_BOOT) || stamp > MOAT_REPORT_INT_MAX ||
        !moat_report_text_ok_((const char *)(b + OFF_COMP), cl, 1u, MOAT_REPORT_COMPONENT_MAX) ||
        !moat_report_text_ok_((const char *)(b + OFF_VER), vl, 0u, MOAT_REPORT_VERSION_MAX) ||
        !all_zero(b + OFF_COMP + cl, MOAT_REPORT_COMPONENT_MAX - cl) ||
        !all_zero(b + OFF_VER + vl, MOAT_REPORT_VERSION_MAX - vl)) {
        memset(r, 0, sizeof(*r));
        return MOAT_ERR_REPORT_STORE;
    }
    r->ev.kind = (moat_report_kind)b[5];
    r->ev.code = (int32_t)moat_le_get32(b + OFF_CODE);
    r->ev.has_time = b[6] == STAMP_TIME;
    if (r->ev.has_time) {
        r->ev.time = (int64_t)stamp;
    } else {
        r->ev.boot = stamp;
    }
    memcpy(r->ev.component, b + OFF_COMP, cl);
    memcpy(r->ev.version, b + OFF_VER, vl);
    return MOAT_OK;
}

/* ---------------------------------------------------------------- ring */

static uint32_t slot_of(uint64_t id)
{
    return (uint32_t)((id - 1u) % RING);
}

/* Read and decode slot s; *present false when the record does not exist. */
static moat_err read_slot(const moat_report *ctx, uint32_t s, slot_rec *r, bool *present)
{
    uint8_t buf[MOAT_REPORT_RECORD_SIZE];
    size_t len = 0;
    moat_err rc;

    *present = false;
    memset(r, 0, sizeof(*r));
    rc = moat_port_record_read(ctx->port, ctx->record_base + s, buf, sizeof(buf), &len);
    if (rc == MOAT_ERR_PORT_NOT_FOUND) {
        return MOAT_OK;
    }
    if (rc == MOAT_ERR_BUFFER_TOO_SMALL) {
        return MOAT_ERR_REPORT_STORE;
    }
    if (rc == MOAT_OK) {
        rc = decode(buf, len, r);
    }
    if (rc == MOAT_OK && slot_of(r->ev.id) != s) {
        rc = MOAT_ERR_REPORT_STORE; /* a record of another slot */
    }
    moat_wipe(buf, sizeof(buf));
    if (rc != MOAT_OK) {
        memset(r, 0, sizeof(*r));
        return rc;
    }
    *present = true;
    return MOAT_OK;
}

/* The live (unacknowledged, not overwritten) ids are [lo, hi]; lo > hi
 * when there is none. */
static void live_range(const moat_report *ctx, uint64_t *lo, uint64_t *hi)
{
    uint64_t max_id = ctx->next_id - 1u;
    uint64_t below = max_id > RING ? max_id - RING : 0u;
    if (ctx->ack_floor > below) {
        below = ctx->ack_floor;
    }
    *lo = below + 1u;
    *hi = max_id;
}

/* Read the live event @p id; it must be in its slot. */
static moat_err read_event(const moat_report *ctx, uint64_t id, moat_report_event *ev)
{
    slot_rec r;
    bool present = false;
    moat_err rc = read_slot(ctx, slot_of(id), &r, &present);
    if (rc == MOAT_OK && (!present || r.freed || r.ev.id != id)) {
        rc = MOAT_ERR_REPORT_STORE;
    }
    if (rc == MOAT_OK) {
        *ev = r.ev;
    } else {
        memset(ev, 0, sizeof(*ev));
    }
    moat_wipe(&r, sizeof(r));
    return rc;
}

static bool usable(const moat_report *ctx)
{
    return ctx->open && ctx->port != NULL && ctx->next_id >= 1u;
}

moat_err moat_report_open(moat_report *ctx, const moat_port *port,
                          const char *device_id, const moat_report_config *cfg)
{
    uint64_t ids[MOAT_REPORT_RING_SIZE];
    uint64_t max_id = 0, floor = 0, dropped = 0, boot = 0;
    size_t dlen;
    uint32_t s;
    moat_err rc = MOAT_OK;

    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(ctx, 0, sizeof(*ctx));
    if (port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    ctx->record_base = cfg != NULL ? cfg->record_base : MOAT_REPORT_DEFAULT_RECORD_BASE;
    ctx->boot_counter = cfg != NULL ? cfg->boot_counter : MOAT_REPORT_DEFAULT_BOOT_COUNTER;
    if (ctx->record_base > MOAT_PORT_RECORD_COUNT - MOAT_REPORT_RING_SIZE ||
        ctx->boot_counter >= MOAT_PORT_COUNTER_COUNT) {
        memset(ctx, 0, sizeof(*ctx));
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    dlen = moat_report_strnlen_(device_id, MOAT_REPORT_DEVICE_ID_MAX);
    if (!moat_report_text_ok_(device_id, dlen, 1u, MOAT_REPORT_DEVICE_ID_MAX)) {
        memset(ctx, 0, sizeof(*ctx));
        return MOAT_ERR_REPORT_FIELD;
    }
    ctx->port = port;

    /* Pass 1: every slot well-formed and in its place; the maxima. */
    for (s = 0; s < MOAT_REPORT_RING_SIZE && rc == MOAT_OK; ++s) {
        slot_rec r;
        bool present = false;
        rc = read_slot(ctx, s, &r, &present);
        ids[s] = present ? r.ev.id : 0u;
        if (rc == MOAT_OK && present) {
            max_id = r.ev.id > max_id ? r.ev.id : max_id;
            floor = r.floor > floor ? r.floor : floor;
            dropped = r.dropped > dropped ? r.dropped : dropped;
        }
        moat_wipe(&r, sizeof(r));
    }
    /* Pass 2: each slot holds exactly the id the highest id implies (ids
     * are written in order, one slot each), and the floor is not ahead. */
    if (rc == MOAT_OK && floor > max_id) {
        rc = MOAT_ERR_REPORT_STORE;
    }
    for (s = 0; s < MOAT_REPORT_RING_SIZE && rc == MOAT_OK && max_id != 0u; ++s) {
        uint32_t m = slot_of(max_id);
        uint64_t back = s <= m ? (uint64_t)(m - s) : (uint64_t)m + RING - s;
        uint64_t expect = back < max_id ? max_id - back : 0u;
        if (ids[s] != expect) {
            rc = MOAT_ERR_REPORT_STORE;
        }
    }
    if (rc == MOAT_OK) {
        rc = moat_port_counter_read(port, ctx->boot_counter, &boot);
    }
    if (rc != MOAT_OK) {
        memset(ctx, 0, sizeof(*ctx));
        return rc;
    }
    memcpy(ctx->device, device_id, dlen);
    ctx->device[dlen] = '\0';
    ctx->next_id = max_id + 1u;
    ctx->ack_floor = floor;
    ctx->dropped = dropped;
    ctx->boot = boot;
    ctx->exported_through = 0;
    ctx->open = true;
    return MOAT_OK;
}

moat_err moat_report_boot(moat_report *ctx)
{
    moat_err rc;
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    if (ctx->boot >= UINT64_MAX) {
        return MOAT_ERR_PORT_COUNTER_OVERFLOW;
    }
    rc = moat_port_counter_advance(ctx->port, ctx->boot_counter, ctx->boot + 1u);
    if (rc != MOAT_OK) {
        ctx->open = false; /* old or new value: reopen re-reads it */
        return rc;
    }
    ctx->boot += 1u;
    return MOAT_OK;
}

moat_err moat_report_record(moat_report *ctx, moat_report_kind kind,
                            const char *component, const char *version,
                            int32_t code, uint64_t *id_out)
{
    uint8_t buf[MOAT_REPORT_RECORD_SIZE];
    slot_rec r;
    size_t cl, vl;
    uint64_t id, old;
    int64_t now = 0;
    moat_err rc;

    if (id_out != NULL) {
        *id_out = 0;
    }
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cl = moat_report_strnlen_(component, MOAT_REPORT_COMPONENT_MAX);
    vl = moat_report_strnlen_(version, MOAT_REPORT_VERSION_MAX);
    if (moat_report_kind_name(kind) == NULL ||
        !moat_report_text_ok_(component, cl, 1u, MOAT_REPORT_COMPONENT_MAX) ||
        !moat_report_text_ok_(version, vl, 0u, MOAT_REPORT_VERSION_MAX)) {
        return MOAT_ERR_REPORT_FIELD;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    id = ctx->next_id;
    if (id > MOAT_REPORT_INT_MAX) {
        return MOAT_ERR_REPORT_ID_EXHAUSTED;
    }
    memset(&r, 0, sizeof(r));
    r.ev.id = id;
    r.ev.kind = kind;
    r.ev.code = code;
    memcpy(r.ev.component, component, cl);
    memcpy(r.ev.version, version, vl);
    /* Trusted time when the port has it; otherwise the boot counter. */
    if (moat_port_time(ctx->port, &now) == MOAT_OK && now >= 0 &&
        (uint64_t)now <= MOAT_REPORT_INT_MAX) {
        r.ev.has_time = true;
        r.ev.time = now;
    } else {
        r.ev.boot = ctx->boot <= MOAT_REPORT_INT_MAX ? ctx->boot : MOAT_REPORT_INT_MAX;
    }
    /* The slot's previous event is dropped if it was never acknowledged. */
    old = id > RING ? id - RING : 0u;
    r.dropped = ctx->dropped + ((old != 0u && old > ctx->ack_floor) ? 1u : 0u);
    r.floor = ctx->ack_floor;
    encode(&r, buf);
    rc = moat_port_record_write(ctx->port, ctx->record_base + slot_of(id), buf, sizeof(buf));
    moat_wipe(buf, sizeof(buf));
    if (rc != MOAT_OK) {
        ctx->open = false; /* outcome unknown until the ring is re-read */
        moat_wipe(&r, sizeof(r));
        return rc;
    }
    ctx->next_id = id + 1u;
    ctx->dropped = r.dropped;
    moat_wipe(&r, sizeof(r));
    if (id_out != NULL) {
        *id_out = id;
    }
    return MOAT_OK;
}

moat_err moat_report_status_get(const moat_report *ctx, moat_report_status *st)
{
    uint64_t lo, hi;
    if (st == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(st, 0, sizeof(*st));
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    live_range(ctx, &lo, &hi);
    st->next_id = ctx->next_id;
    st->ack_floor = ctx->ack_floor;
    st->dropped = ctx->dropped;
    st->boot = ctx->boot;
    st->exported_through = ctx->exported_through;
    st->pending = hi >= lo ? (size_t)(hi - lo + 1u) : 0u;
    return MOAT_OK;
}

moat_err moat_report_pending(const moat_report *ctx, moat_report_event *events,
                             size_t max, size_t *count)
{
    uint64_t lo, hi, id;
    size_t n = 0;
    moat_err rc = MOAT_OK;

    if (count == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *count = 0;
    if (ctx == NULL || (events == NULL && max != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    live_range(ctx, &lo, &hi);
    for (id = lo; id <= hi && n < max && rc == MOAT_OK; ++id, ++n) {
        rc = read_event(ctx, id, &events[n]);
    }
    if (rc != MOAT_OK) {
        moat_wipe(events, max * sizeof(*events));
        return rc;
    }
    *count = n;
    return MOAT_OK;
}

/* Write the claims set of events [first, first + n) through @p w (which may
 * be size-only). Returns the port's error; the writer keeps its own. */
static moat_err write_claims(const moat_report *ctx, moat_json_writer *w, bool has_iat,
                             int64_t iat, uint64_t first, size_t n)
{
    moat_report_event ev;
    size_t i;
    moat_err rc = MOAT_OK;

    moat_json_write_cstr(w, "{\"iss\":");
    moat_json_write_string(w, ctx->device, strlen(ctx->device));
    if (has_iat) {
        moat_json_write_cstr(w, ",\"iat\":");
        moat_json_write_int(w, iat);
    }
    moat_json_write_cstr(w, ",\"moat_report\":1,\"first_id\":");
    moat_json_write_int(w, (int64_t)first);
    moat_json_write_cstr(w, ",\"last_id\":");
    moat_json_write_int(w, (int64_t)(first + n - 1u));
    moat_json_write_cstr(w, ",\"dropped\":");
    moat_json_write_int(w, (int64_t)ctx->dropped);
    moat_json_write_cstr(w, ",\"events\":[");
    for (i = 0; i < n && rc == MOAT_OK; ++i) {
        rc = read_event(ctx, first + i, &ev);
        if (rc == MOAT_OK) {
            if (i != 0u) {
                moat_json_write_cstr(w, ",");
            }
            moat_report_write_event_(w, &ev);
        }
    }
    moat_json_write_cstr(w, "]}");
    moat_wipe(&ev, sizeof(ev));
    return rc;
}

moat_err moat_report_export(moat_report *ctx, const moat_signer *signer,
                            const char *kid, size_t max_events, char *out,
                            size_t out_cap, size_t *out_len, uint64_t *first_id,
                            uint64_t *last_id)
{
    moat_json_writer w;
    moat_jws_sign_opts opts;
    uint64_t lo, hi;
    int64_t now = 0;
    bool has_iat;
    size_t n, p, p2 = 0, need;
    char *tail;
    moat_err rc;

    if (first_id != NULL) {
        *first_id = 0;
    }
    if (last_id != NULL) {
        *last_id = 0;
    }
    if (out_len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out == NULL && out_cap != 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(out, out_cap);
    if (ctx == NULL || signer == NULL || max_events == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    live_range(ctx, &lo, &hi);
    if (hi < lo) {
        return MOAT_ERR_REPORT_EMPTY;
    }
    n = max_events < MOAT_REPORT_BATCH_MAX ? max_events : MOAT_REPORT_BATCH_MAX;
    if ((uint64_t)n > hi - lo + 1u) {
        n = (size_t)(hi - lo + 1u);
    }
    has_iat = moat_port_time(ctx->port, &now) == MOAT_OK && now >= 0 &&
              (uint64_t)now <= MOAT_REPORT_INT_MAX;

    /* Pass 1: the claims set's length (size-only writer). */
    moat_json_writer_init(&w, NULL, 0);
    rc = write_claims(ctx, &w, has_iat, now, lo, n);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (w.err != MOAT_OK) {
        return w.err;
    }
    p = w.len;
    if (p > MOAT_REPORT_PAYLOAD_MAX) {
        return MOAT_ERR_INTERNAL; /* the bounds say it cannot happen */
    }
    need = MOAT_REPORT_EXPORT_SIZE(p);
    if (out_cap < need) {
        *out_len = need;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }

    /* Pass 2: the claims set in the tail of out, then the JWS at its start. */
    tail = out + (out_cap - (p + 1u));
    moat_json_writer_init(&w, tail, p + 1u);
    rc = write_claims(ctx, &w, has_iat, now, lo, n);
    if (rc == MOAT_OK) {
        rc = moat_json_writer_finish(&w, &p2);
        if (rc == MOAT_OK && p2 != p) {
            rc = MOAT_ERR_INTERNAL;
        }
    }
    if (rc == MOAT_OK) {
        memset(&opts, 0, sizeof(opts));
        opts.kid = kid;
        opts.typ = MOAT_REPORT_TYP;
        rc = moat_jws_sign_compact_ex(signer, &opts, (const uint8_t *)tail, p, out,
                                      out_cap - (p + 1u), out_len);
    }
    moat_wipe(tail, p + 1u);
    if (rc != MOAT_OK) {
        moat_wipe(out, out_cap);
        *out_len = 0;
        return rc == MOAT_ERR_BUFFER_TOO_SMALL ? MOAT_ERR_INTERNAL : rc;
    }
    if (lo + n - 1u > ctx->exported_through) {
        ctx->exported_through = lo + n - 1u;
    }
    if (first_id != NULL) {
        *first_id = lo;
    }
    if (last_id != NULL) {
        *last_id = lo + n - 1u;
    }
    return MOAT_OK;
}

moat_err moat_report_ack_apply(moat_report *ctx, const char *token, size_t token_len,
                               const moat_jwk *service_key, uint64_t *freed)
{
    uint8_t buf[MOAT_REPORT_RECORD_SIZE];
    moat_report_event ev;
    slot_rec r;
    uint64_t ack = 0, lo, hi;
    moat_err rc;

    if (freed != NULL) {
        *freed = 0;
    }
    if (ctx == NULL || token == NULL || service_key == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!usable(ctx)) {
        return MOAT_ERR_REPORT_STATE;
    }
    rc = moat_report_ack_verify(token, token_len, service_key, ctx->device, &ack);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (ack <= ctx->ack_floor) {
        return MOAT_OK; /* already acknowledged (a replay): nothing to do */
    }
    /* Only what this device exported (since open) may be acknowledged. */
    if (ack > ctx->exported_through) {
        return MOAT_ERR_REPORT_ACK_RANGE;
    }
    live_range(ctx, &lo, &hi);
    if (ack < lo) {
        /* Every event up to ack was already overwritten: nothing held to
         * free; the floor travels with the next record written. */
        ctx->ack_floor = ack;
        return MOAT_OK;
    }
    /* ack is held (lo <= ack <= exported_through <= hi): make its slot a
     * freed marker with floor = ack, which frees lo..ack in one write. */
    rc = read_event(ctx, ack, &ev);
    moat_wipe(&ev, sizeof(ev));
    if (rc != MOAT_OK) {
        return rc;
    }
    memset(&r, 0, sizeof(r));
    r.freed = true;
    r.ev.id = ack;
    r.floor = ack;
    r.dropped = ctx->dropped;
    encode(&r, buf);
    rc = moat_port_record_write(ctx->port, ctx->record_base + slot_of(ack), buf, sizeof(buf));
    moat_wipe(buf, sizeof(buf));
    if (rc != MOAT_OK) {
        ctx->open = false;
        return rc;
    }
    ctx->ack_floor = ack;
    if (freed != NULL) {
        *freed = ack - lo + 1u;
    }
    return MOAT_OK;
}
