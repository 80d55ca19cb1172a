/*
 * Install state machine (MCUboot test/confirm semantics, "swap by state" as
 * in its direct-XIP mode): record ::MOAT_UPDATE_RECORD_INSTALL, the boot
 * decision, trial, confirm, revert. See update.h (section image / install)
 * and docs/update.md for the slot model and the power-loss argument.
 *
 * Record layout (::MOAT_UPDATE_INSTALL_RECORD_SIZE = 288 bytes, integers
 * little-endian):
 *   0   "MUI1"
 *   4   state (u8), 5 flags (u8, bit 0: trial booted), 6..7 zero
 *   8   active image (124 bytes), 132 candidate image (124 bytes):
 *         0 valid (u8, 0 or 1), 1..3 zero, 4 slot, 8 component index,
 *         12/16/20 version major/minor/patch, 24 svn, 28 sequence,
 *         32 svn counter id (all u32), 36 size, 44 sequence counter value,
 *         52 svn counter value (u64), 60 SHA-256 digest (32),
 *         92 component name (32, NUL-padded); an invalid image is all zero
 *   256 SHA-256 (FIPS 180-4) of bytes 0..255 (the port already checks its
 *       records; this catches a record of another layout or a port that
 *       does not)
 * Decoding accepts only the canonical encoding of a consistent state.
 */
#include <string.h>

#include "core/le.h"
#include "moat/update.h"
#include "update/install_internal.h"

#define REC_MAGIC "MUI1"
#define REC_HEAD 8u
#define REC_IMG 124u
#define REC_BODY (REC_HEAD + 2u * REC_IMG)
#define REC_FLAG_BOOTED 0x01u

_Static_assert(REC_BODY + MOAT_UPDATE_DIGEST_SIZE == MOAT_UPDATE_INSTALL_RECORD_SIZE,
               "install record layout");

/* ------------------------------------------------------------ encoding */


static void img_encode(uint8_t *p, const moat_update_image *img)
{
    memset(p, 0, REC_IMG);
    if (!img->valid) {
        return;
    }
    p[0] = 1;
    moat_le_put32(p + 4, img->slot);
    moat_le_put32(p + 8, img->component_index);
    moat_le_put32(p + 12, img->version.major);
    moat_le_put32(p + 16, img->version.minor);
    moat_le_put32(p + 20, img->version.patch);
    moat_le_put32(p + 24, img->svn);
    moat_le_put32(p + 28, img->sequence);
    moat_le_put32(p + 32, img->svn_counter_id);
    moat_le_put64(p + 36, img->size);
    moat_le_put64(p + 44, img->sequence_counter);
    moat_le_put64(p + 52, img->svn_counter);
    memcpy(p + 60, img->digest, MOAT_UPDATE_DIGEST_SIZE);
    memcpy(p + 92, img->component, MOAT_UPDATE_NAME_SIZE);
}

/* Decode one image; false if not canonical or not well-formed. */
static bool img_decode(const uint8_t *p, moat_update_image *img)
{
    size_t i;
    size_t n;
    memset(img, 0, sizeof(*img));
    if (p[0] == 0) {
        for (i = 1; i < REC_IMG; i++) {
            if (p[i] != 0) {
                return false;
            }
        }
        return true;
    }
    if (p[0] != 1 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
        return false;
    }
    img->valid = true;
    img->slot = moat_le_get32(p + 4);
    img->component_index = moat_le_get32(p + 8);
    img->version.major = moat_le_get32(p + 12);
    img->version.minor = moat_le_get32(p + 16);
    img->version.patch = moat_le_get32(p + 20);
    img->svn = moat_le_get32(p + 24);
    img->sequence = moat_le_get32(p + 28);
    img->svn_counter_id = moat_le_get32(p + 32);
    img->size = moat_le_get64(p + 36);
    img->sequence_counter = moat_le_get64(p + 44);
    img->svn_counter = moat_le_get64(p + 52);
    memcpy(img->digest, p + 60, MOAT_UPDATE_DIGEST_SIZE);
    memcpy(img->component, p + 92, MOAT_UPDATE_NAME_SIZE);
    if (img->slot >= MOAT_PORT_SLOT_COUNT ||
        img->component_index >= MOAT_UPDATE_MAX_COMPONENTS ||
        img->svn_counter_id != MOAT_UPDATE_COUNTER_SVN_BASE + img->component_index ||
        img->size == 0) {
        return false;
    }
    n = 0;
    while (n < MOAT_UPDATE_NAME_SIZE && img->component[n] != '\0') {
        n++;
    }
    if (n == 0 || n == MOAT_UPDATE_NAME_SIZE) {
        return false;
    }
    for (i = n; i < MOAT_UPDATE_NAME_SIZE; i++) {
        if (img->component[i] != '\0') {
            return false;
        }
    }
    return true;
}

uint32_t moat_update_active_slot_(const moat_update_install *st)
{
    return st->active.valid ? st->active.slot : MOAT_UPDATE_SLOT_FACTORY;
}

/* THE consistency rule of an install state (see the state machine in update.h). */
static bool state_consistent(const moat_update_install *st)
{
    bool pending = st->state == MOAT_UPDATE_STATE_STAGED || st->state == MOAT_UPDATE_STATE_TRIAL;
    switch (st->state) {
    case MOAT_UPDATE_STATE_NONE:
    case MOAT_UPDATE_STATE_STAGED:
    case MOAT_UPDATE_STATE_TRIAL:
    case MOAT_UPDATE_STATE_REVERTED:
        break;
    case MOAT_UPDATE_STATE_CONFIRMED:
        if (!st->active.valid) {
            return false;
        }
        break;
    default:
        return false;
    }
    if (st->trial_booted && st->state != MOAT_UPDATE_STATE_TRIAL) {
        return false;
    }
    if (pending != st->candidate.valid) {
        return false;
    }
    if (pending) {
        if (st->candidate.slot == moat_update_active_slot_(st)) {
            return false;
        }
        if (st->active.valid && st->candidate.component_index != st->active.component_index) {
            return false;
        }
    }
    return true;
}

static bool rec_decode(const uint8_t *rec, moat_update_install *st)
{
    uint8_t h[MOAT_UPDATE_DIGEST_SIZE];
    bool ok;
    memset(st, 0, sizeof(*st));
    if (moat_hash(MOAT_HASH_SHA256, rec, REC_BODY, h) != MOAT_OK) {
        return false;
    }
    ok = moat_ct_equal(h, rec + REC_BODY, sizeof(h)) && memcmp(rec, REC_MAGIC, 4) == 0 &&
         (rec[5] & ~REC_FLAG_BOOTED) == 0 && rec[6] == 0 && rec[7] == 0 && rec[4] <= 4u;
    if (ok) {
        st->state = (moat_update_state)rec[4];
        st->trial_booted = (rec[5] & REC_FLAG_BOOTED) != 0;
        ok = img_decode(rec + REC_HEAD, &st->active) &&
             img_decode(rec + REC_HEAD + REC_IMG, &st->candidate) && state_consistent(st);
    }
    if (!ok) {
        memset(st, 0, sizeof(*st));
    }
    return ok;
}

/* ------------------------------------------------------------- storage */

moat_err moat_update_install_read(const moat_port *port, moat_update_install *out)
{
    uint8_t rec[MOAT_UPDATE_INSTALL_RECORD_SIZE];
    size_t len = 0;
    moat_err rc;
    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(out, 0, sizeof(*out));
    if (port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_record_read(port, MOAT_UPDATE_RECORD_INSTALL, rec, sizeof(rec), &len);
    if (rc == MOAT_ERR_PORT_NOT_FOUND) {
        return MOAT_OK; /* factory: state NONE, no image */
    }
    if (rc == MOAT_ERR_BUFFER_TOO_SMALL) {
        return MOAT_ERR_UPDATE_INSTALL_RECORD;
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    if (len != sizeof(rec) || !rec_decode(rec, out)) {
        memset(out, 0, sizeof(*out));
        return MOAT_ERR_UPDATE_INSTALL_RECORD;
    }
    return MOAT_OK;
}

moat_err moat_update_install_write_(const moat_port *port, const moat_update_install *st)
{
    uint8_t rec[MOAT_UPDATE_INSTALL_RECORD_SIZE];
    moat_update_install check;
    if (port == NULL || st == NULL || !state_consistent(st)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(rec, 0, sizeof(rec));
    memcpy(rec, REC_MAGIC, 4);
    rec[4] = (uint8_t)st->state;
    rec[5] = st->trial_booted ? REC_FLAG_BOOTED : 0u;
    img_encode(rec + REC_HEAD, &st->active);
    img_encode(rec + REC_HEAD + REC_IMG, &st->candidate);
    if (moat_hash(MOAT_HASH_SHA256, rec, REC_BODY, rec + REC_BODY) != MOAT_OK ||
        !rec_decode(rec, &check)) {
        return MOAT_ERR_INVALID_ARGUMENT; /* an image not of the canonical form */
    }
    return moat_port_record_write(port, MOAT_UPDATE_RECORD_INSTALL, rec, sizeof(rec));
}

/* ------------------------------------------------------------ counters */

static moat_err counter_raise(const moat_port *port, uint32_t id, uint64_t target)
{
    uint64_t v = 0;
    moat_err rc = moat_port_counter_read(port, id, &v);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (v >= target) {
        return MOAT_OK; /* counters never go back, and are never pushed past the active image */
    }
    return moat_port_counter_advance(port, id, target);
}

moat_err moat_update_counters_catch_up_(const moat_port *port, const moat_update_install *st)
{
    moat_err rc;
    if (!st->active.valid) {
        return MOAT_OK;
    }
    rc = counter_raise(port, MOAT_UPDATE_COUNTER_SEQUENCE, st->active.sequence_counter);
    if (rc == MOAT_OK) {
        rc = counter_raise(port, st->active.svn_counter_id, st->active.svn_counter);
    }
    return rc;
}

/* ------------------------------------------------------ state machine */

moat_err moat_update_status(const moat_port *port, moat_update_state *state)
{
    moat_update_install st;
    moat_err rc;
    if (state == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *state = MOAT_UPDATE_STATE_NONE;
    rc = moat_update_install_read(port, &st);
    if (rc == MOAT_OK) {
        *state = st.state;
    }
    return rc;
}

moat_err moat_update_trial(const moat_port *port)
{
    moat_update_install st;
    moat_err rc = moat_update_install_read(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (st.state != MOAT_UPDATE_STATE_STAGED) {
        return MOAT_ERR_UPDATE_STATE;
    }
    /* re-check the staged bytes: nothing may have changed them since finish */
    if (!moat_update_image_verifies_(port, &st.candidate, &rc)) {
        return rc;
    }
    st.state = MOAT_UPDATE_STATE_TRIAL;
    st.trial_booted = false;
    return moat_update_install_write_(port, &st);
}

/* Drop the candidate: STAGED/TRIAL -> REVERTED (one record write). */
static moat_err revert_to_active(const moat_port *port, moat_update_install *st)
{
    st->state = MOAT_UPDATE_STATE_REVERTED;
    st->trial_booted = false;
    memset(&st->candidate, 0, sizeof(st->candidate));
    return moat_update_install_write_(port, st);
}

/*
 * THE boot decision. Every path that changes the state does so with one
 * record write before it reports a slot; a power cut at that write leaves
 * the old state, and the next boot decides again from it:
 * - TRIAL, not booted: cut before "booted" -> decided again (trial next
 *   time); cut after -> next boot sees TRIAL+booted and reverts (the trial
 *   never ran to confirm: the safe outcome).
 * - TRIAL+booted: cut at the REVERTED write -> reverted next time.
 * The active image is never touched, and counters only rise to its values.
 *
 * Nothing but the record and the ACTIVE image can stop a boot: a counter
 * that cannot be written (the catch-up is reported in counter_status and
 * retried next boot) and a candidate slot that cannot be read (the trial
 * is dropped) never do, so neither can brick a device whose confirmed
 * image is intact.
 */
moat_err moat_update_boot(const moat_port *port, uint32_t *slot_to_boot,
                          moat_err *counter_status)
{
    moat_update_install st;
    moat_err rc;
    moat_err crc;
    if (counter_status != NULL) {
        *counter_status = MOAT_OK;
    }
    if (slot_to_boot == NULL || port == NULL) {
        if (slot_to_boot != NULL) {
            *slot_to_boot = MOAT_PORT_SLOT_COUNT;
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *slot_to_boot = MOAT_PORT_SLOT_COUNT;
    rc = moat_update_install_read(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    /* Counters catch up with the confirmed image; a failure is reported,
     * not fatal: the record already names that image as confirmed, and
     * staging checks against its values (docs/update.md). */
    crc = moat_update_counters_catch_up_(port, &st);
    if (counter_status != NULL) {
        *counter_status = crc;
    }
    if (st.state == MOAT_UPDATE_STATE_TRIAL && !st.trial_booted) {
        if (moat_update_image_verifies_(port, &st.candidate, &rc)) {
            st.trial_booted = true;
            rc = moat_update_install_write_(port, &st);
            if (rc == MOAT_OK) {
                *slot_to_boot = st.candidate.slot;
            }
            return rc;
        }
        /* The candidate no longer verifies (READBACK) or cannot be read (a
         * port error on its slot): the trial never started, drop it and
         * boot the active image rather than fail every boot. */
        rc = revert_to_active(port, &st);
    } else if (st.state == MOAT_UPDATE_STATE_TRIAL) {
        rc = revert_to_active(port, &st); /* trial booted, never confirmed */
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    if (st.active.valid && !moat_update_image_verifies_(port, &st.active, &rc)) {
        return rc == MOAT_ERR_UPDATE_READBACK ? MOAT_ERR_UPDATE_NO_IMAGE : rc;
    }
    *slot_to_boot = moat_update_active_slot_(&st);
    return MOAT_OK;
}

moat_err moat_update_confirm(const moat_port *port)
{
    moat_update_install st;
    moat_err rc = moat_update_install_read(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (st.state == MOAT_UPDATE_STATE_CONFIRMED) {
        return moat_update_counters_catch_up_(port, &st); /* idempotent */
    }
    if (st.state != MOAT_UPDATE_STATE_TRIAL || !st.trial_booted) {
        return MOAT_ERR_UPDATE_STATE;
    }
    /* write-ahead: the record first, counters after (never above the active image) */
    st.state = MOAT_UPDATE_STATE_CONFIRMED;
    st.trial_booted = false;
    st.active = st.candidate;
    memset(&st.candidate, 0, sizeof(st.candidate));
    rc = moat_update_install_write_(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    return moat_update_counters_catch_up_(port, &st);
}

moat_err moat_update_revert(const moat_port *port)
{
    moat_update_install st;
    moat_err rc = moat_update_install_read(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (st.state != MOAT_UPDATE_STATE_STAGED && st.state != MOAT_UPDATE_STATE_TRIAL) {
        return MOAT_ERR_UPDATE_STATE;
    }
    return revert_to_active(port, &st);
}
