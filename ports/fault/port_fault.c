/*
 * Fault-injecting port: see moat_port_fault.h for the fault model.
 */
#include "moat_port_fault.h"

#include <string.h>

#include "moat/core.h"

typedef enum gate {
    GATE_PASS = 0,   /* no fault: call the inner port */
    GATE_DEAD = 1,   /* power is off: fail without effect */
    GATE_BEFORE = 2, /* this write is cut; nothing reaches storage */
    GATE_AFTER = 3,  /* this write is cut after completing */
    GATE_TORN = 4    /* this write is cut half-way (slot_write only) */
} gate;

static moat_port_fault *fault_of(void *ctx)
{
    moat_port_fault *f = (moat_port_fault *)ctx;
    return (f != NULL && f->wrapped) ? f : NULL;
}

/* Every non-write operation: fail if the power is off. */
static bool powered(const moat_port_fault *f)
{
    return f != NULL && !f->cut;
}

/* Every persistent write passes here exactly once, before any effect. */
static gate write_gate(moat_port_fault *f)
{
    if (f->cut) {
        return GATE_DEAD;
    }
    if (f->writes < UINT32_MAX) {
        f->writes++;
    }
    if (f->cut_at != 0 && f->writes == f->cut_at) {
        f->cut = true;
        switch (f->cut_mode) {
        case MOAT_PORT_FAULT_CUT_AFTER:
            return GATE_AFTER;
        case MOAT_PORT_FAULT_CUT_TORN:
            return GATE_TORN;
        case MOAT_PORT_FAULT_CUT_BEFORE:
        default:
            return GATE_BEFORE;
        }
    }
    return GATE_PASS;
}

/* ---------------------------------------------------------- pass-through */

static moat_err fault_entropy(void *ctx, uint8_t *out, size_t len)
{
    moat_port_fault *f = fault_of(ctx);
    moat_err rc;
    if (out == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL) {
        rc = MOAT_ERR_INVALID_ARGUMENT;
    } else if (!powered(f)) {
        rc = MOAT_ERR_PORT_POWER_CUT;
    } else if (f->entropy_ok_left == 0) {
        rc = MOAT_ERR_PORT_ENTROPY;
    } else {
        if (f->entropy_ok_left != MOAT_PORT_FAULT_NEVER) {
            f->entropy_ok_left--;
        }
        rc = moat_port_entropy(&f->inner, out, len);
    }
    if (rc != MOAT_OK && out != NULL) {
        moat_wipe(out, len);
    }
    return rc;
}

static moat_err fault_time_now(void *ctx, int64_t *unix_seconds)
{
    moat_port_fault *f = fault_of(ctx);
    int64_t t = 0;
    moat_err rc;
    if (unix_seconds == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *unix_seconds = 0;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!powered(f)) {
        return MOAT_ERR_PORT_POWER_CUT;
    }
    if (f->clock_no_time) {
        return MOAT_ERR_PORT_NO_TIME;
    }
    rc = moat_port_time(&f->inner, &t);
    if (rc != MOAT_OK) {
        return rc;
    }
    if ((f->clock_offset > 0 && t > INT64_MAX - f->clock_offset) ||
        (f->clock_offset < 0 && t < INT64_MIN - f->clock_offset)) {
        return MOAT_ERR_PORT_NO_TIME;
    }
    *unix_seconds = t + f->clock_offset;
    return MOAT_OK;
}

static moat_err fault_device_secret(void *ctx, uint8_t *uds, size_t len)
{
    moat_port_fault *f = fault_of(ctx);
    moat_err rc;
    if (uds == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL) {
        rc = MOAT_ERR_INVALID_ARGUMENT;
    } else if (!powered(f)) {
        rc = MOAT_ERR_PORT_POWER_CUT;
    } else {
        rc = moat_port_device_secret(&f->inner, uds, len);
    }
    if (rc != MOAT_OK) {
        moat_wipe(uds, len);
    }
    return rc;
}

/* No context, or the power is cut: the output is wiped (moat_wipe ignores
 * NULL) and the call refused with the matching code. */
static moat_err refuse_unpowered(const moat_port_fault *f, void *out, size_t len)
{
    moat_wipe(out, len);
    return f == NULL ? MOAT_ERR_INVALID_ARGUMENT : MOAT_ERR_PORT_POWER_CUT;
}

static moat_err fault_measure_firmware(void *ctx, moat_hash_alg alg, uint8_t *digest,
                                       size_t cap, size_t *len)
{
    moat_port_fault *f = fault_of(ctx);
    if (digest == NULL || len == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (f == NULL || !powered(f)) {
        return refuse_unpowered(f, digest, cap);
    }
    return moat_port_measure_firmware(&f->inner, alg, digest, cap, len);
}

static moat_err fault_counter_read(void *ctx, uint32_t id, uint64_t *value)
{
    moat_port_fault *f = fault_of(ctx);
    if (value == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *value = 0;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!powered(f)) {
        return MOAT_ERR_PORT_POWER_CUT;
    }
    return moat_port_counter_read(&f->inner, id, value);
}

static moat_err fault_record_read(void *ctx, uint32_t id, uint8_t *buf, size_t cap,
                                  size_t *len)
{
    moat_port_fault *f = fault_of(ctx);
    if (len == NULL || (buf == NULL && cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *len = 0;
    if (f == NULL || !powered(f)) {
        return refuse_unpowered(f, buf, cap);
    }
    return moat_port_record_read(&f->inner, id, buf, cap, len);
}

static moat_err fault_slot_info(void *ctx, uint32_t slot, moat_port_slot_info *info)
{
    moat_port_fault *f = fault_of(ctx);
    if (info == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL || !powered(f)) {
        return refuse_unpowered(f, info, sizeof(*info));
    }
    return moat_port_slot_info_get(&f->inner, slot, info);
}

static moat_err fault_slot_read(void *ctx, uint32_t slot, size_t off, uint8_t *buf,
                                size_t len)
{
    moat_port_fault *f = fault_of(ctx);
    if (buf == NULL && len != 0) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL || !powered(f)) {
        return refuse_unpowered(f, buf, len);
    }
    return moat_port_slot_read(&f->inner, slot, off, buf, len);
}

static moat_err fault_key_public(void *ctx, uint32_t key_id, moat_ec_public_key *pub)
{
    moat_port_fault *f = fault_of(ctx);
    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL || !powered(f)) {
        return refuse_unpowered(f, pub, sizeof(*pub));
    }
    return moat_port_key_public(&f->inner, key_id, pub);
}

/* Every failure wipes sig_raw over MOAT_ECDSA_RAW_MAX (port.h contract). */
static moat_err fault_key_sign(void *ctx, uint32_t key_id, moat_hash_alg hash_alg,
                               const uint8_t *hash, size_t hash_len, uint8_t *sig_raw)
{
    moat_port_fault *f = fault_of(ctx);
    moat_err rc;
    if (sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (f == NULL) {
        rc = MOAT_ERR_INVALID_ARGUMENT;
    } else if (!powered(f)) {
        rc = MOAT_ERR_PORT_POWER_CUT;
    } else {
        rc = moat_port_key_sign(&f->inner, key_id, hash_alg, hash, hash_len, sig_raw);
    }
    if (rc != MOAT_OK) {
        moat_wipe(sig_raw, MOAT_ECDSA_RAW_MAX);
    }
    return rc;
}

/* ------------------------------------------------------- persistent writes */

/* Apply the gate to an atomic operation; *run tells whether to call inner. */
static moat_err atomic_gate(moat_port_fault *f, bool *run, bool *report_cut)
{
    *run = false;
    *report_cut = false;
    switch (write_gate(f)) {
    case GATE_PASS:
        *run = true;
        return MOAT_OK;
    case GATE_AFTER:
        *run = true;
        *report_cut = true;
        return MOAT_OK;
    case GATE_DEAD:
    case GATE_BEFORE:
    case GATE_TORN:
    default:
        return MOAT_ERR_PORT_POWER_CUT;
    }
}

static moat_err fault_counter_advance(void *ctx, uint32_t id, uint64_t new_value)
{
    moat_port_fault *f = fault_of(ctx);
    bool run;
    bool cut;
    moat_err rc;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = atomic_gate(f, &run, &cut);
    if (run) {
        rc = moat_port_counter_advance(&f->inner, id, new_value);
    }
    return cut ? MOAT_ERR_PORT_POWER_CUT : rc;
}

static moat_err fault_record_write(void *ctx, uint32_t id, const uint8_t *data, size_t len)
{
    moat_port_fault *f = fault_of(ctx);
    bool run;
    bool cut;
    moat_err rc;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = atomic_gate(f, &run, &cut);
    if (run) {
        rc = moat_port_record_write(&f->inner, id, data, len);
    }
    return cut ? MOAT_ERR_PORT_POWER_CUT : rc;
}

static moat_err fault_record_erase(void *ctx, uint32_t id)
{
    moat_port_fault *f = fault_of(ctx);
    bool run;
    bool cut;
    moat_err rc;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = atomic_gate(f, &run, &cut);
    if (run) {
        rc = moat_port_record_erase(&f->inner, id);
    }
    return cut ? MOAT_ERR_PORT_POWER_CUT : rc;
}

/* Key generation draws on the port's entropy: it counts as one entropy
 * call, and fails with MOAT_ERR_PORT_ENTROPY (nothing changed) when the
 * entropy knob says the source is failing. */
static moat_err fault_key_generate(void *ctx, uint32_t key_id, moat_curve curve)
{
    moat_port_fault *f = fault_of(ctx);
    bool run;
    bool cut;
    moat_err rc;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = atomic_gate(f, &run, &cut);
    if (run && f->entropy_ok_left == 0) {
        run = false;
        rc = MOAT_ERR_PORT_ENTROPY;
    } else if (run && f->entropy_ok_left != MOAT_PORT_FAULT_NEVER) {
        f->entropy_ok_left--;
    }
    if (run) {
        rc = moat_port_key_generate(&f->inner, key_id, curve);
    }
    return cut ? MOAT_ERR_PORT_POWER_CUT : rc;
}

static moat_err fault_slot_write(void *ctx, uint32_t slot, size_t off, const uint8_t *data,
                                 size_t len)
{
    moat_port_fault *f = fault_of(ctx);
    moat_port_slot_info info;
    size_t prefix;
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    switch (write_gate(f)) {
    case GATE_PASS:
        return moat_port_slot_write(&f->inner, slot, off, data, len);
    case GATE_AFTER:
        (void)moat_port_slot_write(&f->inner, slot, off, data, len);
        return MOAT_ERR_PORT_POWER_CUT;
    case GATE_TORN:
        if (moat_port_slot_info_get(&f->inner, slot, &info) == MOAT_OK && data != NULL) {
            size_t align = info.write_align == 0 ? 1u : info.write_align;
            prefix = (len / 2u) / align * align;
            if (prefix > 0) {
                (void)moat_port_slot_write(&f->inner, slot, off, data, prefix);
            }
        }
        return MOAT_ERR_PORT_POWER_CUT;
    case GATE_DEAD:
    case GATE_BEFORE:
    default:
        return MOAT_ERR_PORT_POWER_CUT;
    }
}

static moat_err fault_slot_erase(void *ctx, uint32_t slot)
{
    moat_port_fault *f = fault_of(ctx);
    if (f == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    switch (write_gate(f)) {
    case GATE_PASS:
        return moat_port_slot_erase(&f->inner, slot);
    case GATE_AFTER:
        (void)moat_port_slot_erase(&f->inner, slot);
        return MOAT_ERR_PORT_POWER_CUT;
    case GATE_TORN:
        /* port.h has no partial-erase call, and programming erased_value
         * over written data is not what an interrupted flash erase leaves
         * (programming only clears bits): a torn erase is modelled as a
         * cut before the erase. */
    case GATE_DEAD:
    case GATE_BEFORE:
    default:
        return MOAT_ERR_PORT_POWER_CUT;
    }
}

/* ------------------------------------------------------------------ API */

static const moat_port_ops fault_ops = {
    .abi_version = MOAT_PORT_ABI_VERSION,
    .entropy = fault_entropy,
    .time_now = fault_time_now,
    .device_secret = fault_device_secret,
    .measure_firmware = fault_measure_firmware,
    .counter_read = fault_counter_read,
    .counter_advance = fault_counter_advance,
    .record_read = fault_record_read,
    .record_write = fault_record_write,
    .record_erase = fault_record_erase,
    .slot_info = fault_slot_info,
    .slot_read = fault_slot_read,
    .slot_write = fault_slot_write,
    .slot_erase = fault_slot_erase,
    .key_generate = fault_key_generate,
    .key_public = fault_key_public,
    .key_sign = fault_key_sign,
};

moat_err moat_port_fault_wrap(moat_port_fault *f, const moat_port *inner, moat_port *out)
{
    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (f == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(f, sizeof(*f));
    if (inner == NULL || inner->ops == NULL ||
        inner->ops->abi_version != MOAT_PORT_ABI_VERSION) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    f->inner = *inner;
    f->entropy_ok_left = MOAT_PORT_FAULT_NEVER;
    f->cut_mode = MOAT_PORT_FAULT_CUT_BEFORE;
    f->wrapped = true;
    out->ops = &fault_ops;
    out->ctx = f;
    return MOAT_OK;
}

void moat_port_fault_entropy_fail_after(moat_port_fault *f, uint32_t n)
{
    if (f != NULL) {
        f->entropy_ok_left = n;
    }
}

void moat_port_fault_set_clock(moat_port_fault *f, int64_t offset_seconds, bool no_time)
{
    if (f != NULL) {
        f->clock_offset = offset_seconds;
        f->clock_no_time = no_time;
    }
}

void moat_port_fault_cut_at(moat_port_fault *f, uint32_t n, moat_port_fault_cut_mode mode)
{
    if (f != NULL) {
        f->cut_at = n;
        f->cut_mode = mode;
    }
}

uint32_t moat_port_fault_writes(const moat_port_fault *f)
{
    return f == NULL ? 0u : f->writes;
}

bool moat_port_fault_is_cut(const moat_port_fault *f)
{
    return f != NULL && f->cut;
}

void moat_port_fault_reboot(moat_port_fault *f)
{
    if (f != NULL) {
        f->cut = false;
        f->cut_at = 0;
        f->writes = 0;
    }
}
