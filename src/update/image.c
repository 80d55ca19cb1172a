/*
 * Streaming image verification: begin -> write(chunk)... -> finish.
 * The image is hashed (SHA-256, FIPS 180-4) as it is programmed into the
 * staging slot, never beyond the manifest's size; finish checks the length
 * and the digest, then reads the slot back through the port and hashes it
 * again before the install record says STAGED (so what is marked
 * installable is what storage holds, not what passed through RAM).
 * Constant memory: the context holds one partial write unit.
 */
#include <string.h>

#include "moat/update.h"
#include "update/install_internal.h"

#define PHASE_WRITING 0x57524954u /* "WRIT": begun, not failed or finished */

size_t moat_update_stream_size(void)
{
    return sizeof(moat_update_stream);
}

moat_err moat_update_slot_hash_(const moat_port *port, uint32_t slot, uint64_t size,
                                uint8_t digest[MOAT_UPDATE_DIGEST_SIZE])
{
    uint8_t buf[MOAT_UPDATE_READ_CHUNK];
    moat_hash_ctx h;
    uint64_t done = 0;
    moat_err rc = moat_hash_init(&h, MOAT_HASH_SHA256);
    while (rc == MOAT_OK && done < size) {
        uint64_t left = size - done;
        size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
        if (done > (uint64_t)SIZE_MAX) {
            rc = MOAT_ERR_PORT_RANGE;
            break;
        }
        rc = moat_port_slot_read(port, slot, (size_t)done, buf, n);
        if (rc == MOAT_OK) {
            moat_hash_update(&h, buf, n);
            done += n;
        }
    }
    if (rc == MOAT_OK) {
        moat_hash_final(&h, digest);
    } else {
        moat_wipe(&h, sizeof(h));
        moat_wipe(digest, MOAT_UPDATE_DIGEST_SIZE);
    }
    moat_wipe(buf, sizeof(buf));
    return rc;
}

bool moat_update_image_verifies_(const moat_port *port, const moat_update_image *img,
                                 moat_err *rc_out)
{
    uint8_t d[MOAT_UPDATE_DIGEST_SIZE];
    moat_err rc = MOAT_ERR_UPDATE_READBACK;
    if (img->valid) {
        rc = moat_update_slot_hash_(port, img->slot, img->size, d);
        if (rc == MOAT_OK) {
            rc = moat_ct_equal(d, img->digest, sizeof(d)) ? MOAT_OK : MOAT_ERR_UPDATE_READBACK;
        }
    }
    moat_wipe(d, sizeof(d));
    *rc_out = rc;
    return rc == MOAT_OK;
}

/* End the stream: wipe everything, report @p rc. */
static moat_err stream_fail(moat_update_stream *ctx, moat_err rc)
{
    moat_wipe(ctx, sizeof(*ctx));
    return rc;
}

static void image_from_manifest(moat_update_image *img, const moat_update_manifest *m)
{
    memset(img, 0, sizeof(*img));
    img->valid = true;
    img->slot = m->slot;
    memcpy(img->component, m->component, MOAT_UPDATE_NAME_SIZE);
    img->component_index = m->component_index;
    img->version = m->version;
    img->svn = m->svn;
    img->sequence = m->sequence;
    img->size = m->size;
    memcpy(img->digest, m->digest, MOAT_UPDATE_DIGEST_SIZE);
    img->sequence_counter = m->sequence_counter;
    img->svn_counter_id = m->svn_counter_id;
    img->svn_counter = m->svn_counter;
}

/* The form moat_update_manifest_check() produces (a NUL-terminated 1..31 byte name). */
static bool manifest_form_ok(const moat_update_manifest *m)
{
    size_t n = 0;
    while (n < MOAT_UPDATE_NAME_SIZE && m->component[n] != '\0') {
        n++;
    }
    return n > 0 && n < MOAT_UPDATE_NAME_SIZE &&
           m->component_index < MOAT_UPDATE_MAX_COMPONENTS &&
           m->svn_counter_id == MOAT_UPDATE_COUNTER_SVN_BASE + m->component_index;
}

/* The install-state checks shared by begin and finish. */
static moat_err state_allows(const moat_update_install *st, const moat_update_manifest *m)
{
    if (st->state == MOAT_UPDATE_STATE_TRIAL) {
        return MOAT_ERR_UPDATE_STATE;
    }
    if (m->slot == moat_update_active_slot_(st)) {
        return MOAT_ERR_UPDATE_SLOT_ACTIVE;
    }
    if (st->active.valid) {
        if (m->component_index != st->active.component_index ||
            strncmp(m->component, st->active.component, MOAT_UPDATE_NAME_SIZE) != 0) {
            return MOAT_ERR_UPDATE_COMPONENT;
        }
        /* defence in depth: counters may lag the active image after a cut confirm */
        if (m->sequence_counter <= st->active.sequence_counter) {
            return MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK;
        }
        if (m->svn_counter < st->active.svn_counter) {
            return MOAT_ERR_UPDATE_SVN_ROLLBACK;
        }
    }
    return MOAT_OK;
}

moat_err moat_update_stream_begin(moat_update_stream *ctx, const moat_port *port,
                                  const moat_update_manifest *manifest)
{
    moat_update_install st;
    moat_port_slot_info info;
    size_t size;
    size_t rem;
    moat_err rc;
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(ctx, sizeof(*ctx));
    if (port == NULL || manifest == NULL || !manifest_form_ok(manifest)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (manifest->slot >= MOAT_PORT_SLOT_COUNT) {
        return MOAT_ERR_UPDATE_SLOT;
    }
    if (manifest->size == 0) {
        return MOAT_ERR_UPDATE_SIZE;
    }
    rc = moat_port_slot_info_get(port, manifest->slot, &info);
    if (rc != MOAT_OK) {
        return rc;
    }
    /* sizes compared as uint64 first: 2^63 fails here, before any arithmetic */
    if (manifest->size > (uint64_t)info.size) {
        return MOAT_ERR_UPDATE_SIZE;
    }
    if (info.write_align == 0 || info.write_align > MOAT_UPDATE_STREAM_ALIGN_MAX) {
        return MOAT_ERR_UNSUPPORTED;
    }
    size = (size_t)manifest->size;
    rem = size % info.write_align;
    if (rem != 0 && info.size - size < info.write_align - rem) {
        return MOAT_ERR_UPDATE_SIZE; /* the padded last unit would leave the slot */
    }
    rc = moat_update_install_read(port, &st);
    if (rc != MOAT_OK) {
        return rc;
    }
    rc = state_allows(&st, manifest);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (st.state == MOAT_UPDATE_STATE_STAGED) {
        /* un-mark the old candidate before its slot may be erased */
        st.state = MOAT_UPDATE_STATE_NONE;
        memset(&st.candidate, 0, sizeof(st.candidate));
        rc = moat_update_install_write_(port, &st);
        if (rc != MOAT_OK) {
            return rc;
        }
    }
    rc = moat_port_slot_erase(port, manifest->slot);
    if (rc == MOAT_OK) {
        rc = moat_hash_init(&ctx->hash, MOAT_HASH_SHA256);
    }
    if (rc != MOAT_OK) {
        return stream_fail(ctx, rc);
    }
    ctx->port = port;
    ctx->manifest = *manifest;
    ctx->info = info;
    ctx->unit = (MOAT_UPDATE_STREAM_ALIGN_MAX / info.write_align) * info.write_align;
    ctx->phase = PHASE_WRITING;
    return MOAT_OK;
}

moat_err moat_update_stream_write(moat_update_stream *ctx, const uint8_t *chunk, size_t len)
{
    moat_err rc;
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (ctx->phase != PHASE_WRITING) {
        return stream_fail(ctx, MOAT_ERR_UPDATE_STREAM_DONE);
    }
    if (chunk == NULL && len != 0) {
        return stream_fail(ctx, MOAT_ERR_INVALID_ARGUMENT);
    }
    if ((uint64_t)len > ctx->manifest.size - ctx->written) {
        return stream_fail(ctx, MOAT_ERR_UPDATE_IMAGE_LONG); /* nothing of it hashed or written */
    }
    moat_hash_update(&ctx->hash, chunk, len);
    while (len > 0) {
        if (ctx->pending_len == 0 && len >= ctx->unit) {
            /* aligned bulk straight from the caller's buffer (re-read at finish) */
            size_t n = len - len % ctx->info.write_align;
            rc = moat_port_slot_write(ctx->port, ctx->manifest.slot, (size_t)ctx->written,
                                      chunk, n);
            if (rc != MOAT_OK) {
                return stream_fail(ctx, rc);
            }
            chunk += n;
            len -= n;
            ctx->written += n;
        } else {
            size_t take = ctx->unit - ctx->pending_len;
            if (take > len) {
                take = len;
            }
            memcpy(ctx->pending + ctx->pending_len, chunk, take);
            ctx->pending_len += take;
            chunk += take;
            len -= take;
            ctx->written += take;
            if (ctx->pending_len == ctx->unit) {
                rc = moat_port_slot_write(ctx->port, ctx->manifest.slot,
                                          (size_t)ctx->written - ctx->unit, ctx->pending,
                                          ctx->unit);
                if (rc != MOAT_OK) {
                    return stream_fail(ctx, rc);
                }
                ctx->pending_len = 0;
            }
        }
    }
    return MOAT_OK;
}

moat_err moat_update_stream_finish(moat_update_stream *ctx)
{
    uint8_t d[MOAT_UPDATE_DIGEST_SIZE];
    moat_update_install st;
    moat_err rc;
    if (ctx == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (ctx->phase != PHASE_WRITING) {
        return stream_fail(ctx, MOAT_ERR_UPDATE_STREAM_DONE);
    }
    if (ctx->written != ctx->manifest.size) {
        return stream_fail(ctx, MOAT_ERR_UPDATE_IMAGE_SHORT);
    }
    if (ctx->pending_len > 0) {
        /* last partial unit: pad to write_align with erased_value (bytes past
         * the size stay as the erase left them) */
        size_t off = (size_t)ctx->written - ctx->pending_len;
        size_t n = ctx->pending_len;
        size_t rem = n % ctx->info.write_align;
        if (rem != 0) {
            memset(ctx->pending + n, ctx->info.erased_value, ctx->info.write_align - rem);
            n += ctx->info.write_align - rem;
        }
        rc = moat_port_slot_write(ctx->port, ctx->manifest.slot, off, ctx->pending, n);
        if (rc != MOAT_OK) {
            return stream_fail(ctx, rc);
        }
        ctx->pending_len = 0;
    }
    moat_hash_final(&ctx->hash, d);
    rc = moat_ct_equal(d, ctx->manifest.digest, sizeof(d)) ? MOAT_OK : MOAT_ERR_UPDATE_DIGEST;
    if (rc == MOAT_OK) {
        /* no TOCTOU: what is marked is what storage returns now */
        rc = moat_update_slot_hash_(ctx->port, ctx->manifest.slot, ctx->manifest.size, d);
        if (rc == MOAT_OK && !moat_ct_equal(d, ctx->manifest.digest, sizeof(d))) {
            rc = MOAT_ERR_UPDATE_READBACK;
        }
    }
    if (rc == MOAT_OK) {
        rc = moat_update_install_read(ctx->port, &st);
    }
    if (rc == MOAT_OK) {
        rc = state_allows(&st, &ctx->manifest);
        if (rc == MOAT_OK && st.state == MOAT_UPDATE_STATE_STAGED) {
            rc = MOAT_ERR_UPDATE_STATE; /* another stream finished meanwhile */
        }
        if (rc != MOAT_OK) {
            rc = MOAT_ERR_UPDATE_STATE;
        }
    }
    if (rc == MOAT_OK) {
        st.state = MOAT_UPDATE_STATE_STAGED;
        st.trial_booted = false;
        image_from_manifest(&st.candidate, &ctx->manifest);
        rc = moat_update_install_write_(ctx->port, &st);
    }
    moat_wipe(d, sizeof(d));
    return stream_fail(ctx, rc);
}

void moat_update_stream_abort(moat_update_stream *ctx)
{
    if (ctx != NULL) {
        moat_wipe(ctx, sizeof(*ctx));
    }
}
