/**
 * @file replay.c
 * @brief Per-sender sliding replay windows (in the style of the IPsec
 *        anti-replay window, RFC 4303 section 3.4.3), persisted as one port
 *        record with atomic replace; and the sender's sequence counter.
 *
 * The replay decision is taken in one place: window_decide().
 *
 * Record format (big-endian), parsed strictly:
 *   "MRP1" | count (1 byte, <= MOAT_MSG_REPLAY_MAX_SENDERS) |
 *   count x { id_len (1..MOAT_MSG_ID_MAX) | id | highest (8) | bitmap (8) }
 * with distinct, valid ids, highest >= 1, bit 0 of bitmap set and no bit
 * naming a sequence below 1; nothing after the last entry.
 */
#include "moat/msg.h"
#include "msg/sealed_internal.h"

#include <string.h>

static const uint8_t replay_magic[4] = {'M', 'R', 'P', '1'};

bool moat_msg_id_valid(const char *s, size_t max, size_t *len)
{
    size_t n = 0;
    if (s == NULL) {
        return false;
    }
    while (n <= max && s[n] != '\0') {
        unsigned char c = (unsigned char)s[n];
        if (c < 0x21u || c > 0x7eu || c == '"' || c == '\\') {
            return false;
        }
        n++;
    }
    if (n == 0 || n > max) {
        return false;
    }
    if (len != NULL) {
        *len = n;
    }
    return true;
}

static int find_sender(const moat_msg_replay *r, const char *sender)
{
    size_t i;
    for (i = 0; i < r->count && i < MOAT_MSG_REPLAY_MAX_SENDERS; i++) {
        if (strcmp(r->entries[i].sender, sender) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The replay decision. */
static moat_err window_decide(const moat_msg_replay_entry *e, uint64_t seq)
{
    uint64_t diff;
    if (seq == 0 || seq > MOAT_MSG_SEQ_MAX) {
        return MOAT_ERR_MSG_SEQ;
    }
    if (e == NULL || seq > e->highest) {
        return MOAT_OK;
    }
    diff = e->highest - seq;
    if (diff >= MOAT_MSG_REPLAY_WINDOW) {
        return MOAT_ERR_MSG_REPLAY_OLD;
    }
    if ((e->bitmap >> diff) & 1u) {
        return MOAT_ERR_MSG_REPLAY;
    }
    return MOAT_OK;
}

static void window_update(moat_msg_replay_entry *e, uint64_t seq)
{
    if (seq > e->highest) {
        uint64_t shift = seq - e->highest;
        e->bitmap = (shift >= 64u) ? 0u : (e->bitmap << shift);
        e->bitmap |= 1u;
        e->highest = seq;
    } else {
        e->bitmap |= (uint64_t)1u << (e->highest - seq);
    }
}

static void put_be64(uint8_t *b, uint64_t v)
{
    int i;
    for (i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be64(const uint8_t *b)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++) {
        v = (v << 8) | b[i];
    }
    return v;
}

/* Serialize every entry but index @p skip (r->count or more: none skipped). */
static size_t serialize_skip(const moat_msg_replay *r, size_t skip, uint8_t *buf)
{
    size_t i, pos = 0;
    memcpy(buf, replay_magic, 4);
    pos = 4;
    buf[pos++] = (uint8_t)(skip < r->count ? r->count - 1u : r->count);
    for (i = 0; i < r->count; i++) {
        const moat_msg_replay_entry *e = &r->entries[i];
        size_t n;
        if (i == skip) {
            continue;
        }
        n = strlen(e->sender);
        buf[pos++] = (uint8_t)n;
        memcpy(buf + pos, e->sender, n);
        pos += n;
        put_be64(buf + pos, e->highest);
        pos += 8;
        put_be64(buf + pos, e->bitmap);
        pos += 8;
    }
    return pos;
}

static size_t serialize(const moat_msg_replay *r, uint8_t *buf)
{
    return serialize_skip(r, MOAT_MSG_REPLAY_MAX_SENDERS, buf);
}

static moat_err parse_record(moat_msg_replay *r, const uint8_t *buf, size_t len)
{
    size_t pos = 5, i, j, n;
    if (len < 5 || memcmp(buf, replay_magic, 4) != 0 ||
        buf[4] > MOAT_MSG_REPLAY_MAX_SENDERS) {
        return MOAT_ERR_MSG_REPLAY_RECORD;
    }
    r->count = buf[4];
    for (i = 0; i < r->count; i++) {
        moat_msg_replay_entry *e = &r->entries[i];
        if (pos >= len) {
            return MOAT_ERR_MSG_REPLAY_RECORD;
        }
        n = buf[pos++];
        if (n == 0 || n > MOAT_MSG_ID_MAX || len - pos < n + 16u) {
            return MOAT_ERR_MSG_REPLAY_RECORD;
        }
        memcpy(e->sender, buf + pos, n);
        e->sender[n] = '\0';
        pos += n;
        e->highest = get_be64(buf + pos);
        e->bitmap = get_be64(buf + pos + 8);
        pos += 16;
        if (!moat_msg_id_valid(e->sender, MOAT_MSG_ID_MAX, NULL) || e->highest == 0 ||
            e->highest > MOAT_MSG_SEQ_MAX || (e->bitmap & 1u) == 0 ||
            (e->highest < 64u && (e->bitmap >> e->highest) != 0)) {
            return MOAT_ERR_MSG_REPLAY_RECORD;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(r->entries[j].sender, e->sender) == 0) {
                return MOAT_ERR_MSG_REPLAY_RECORD;
            }
        }
    }
    return pos == len ? MOAT_OK : MOAT_ERR_MSG_REPLAY_RECORD;
}

moat_err moat_msg_replay_open(moat_msg_replay *r, const moat_port *port,
                              uint32_t record_id)
{
    uint8_t buf[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t len = 0;
    moat_err e;

    if (r == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_wipe(r, sizeof(*r));
    if (port == NULL || record_id >= MOAT_PORT_RECORD_COUNT) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = moat_port_record_read(port, record_id, buf, sizeof(buf), &len);
    if (e == MOAT_ERR_PORT_NOT_FOUND) {
        e = MOAT_OK;
        len = 0;
    } else if (e == MOAT_ERR_BUFFER_TOO_SMALL) {
        e = MOAT_ERR_MSG_REPLAY_RECORD;
    } else if (e == MOAT_OK) {
        e = parse_record(r, buf, len);
    }
    moat_wipe(buf, sizeof(buf));
    if (e != MOAT_OK) {
        moat_wipe(r, sizeof(*r));
        return e;
    }
    r->port = port;
    r->record_id = record_id;
    r->loaded = true;
    return MOAT_OK;
}

moat_err moat_msg_replay_check(const moat_msg_replay *r, const char *sender,
                               uint64_t seq)
{
    int i;
    if (r == NULL || !moat_msg_id_valid(sender, MOAT_MSG_ID_MAX, NULL)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!r->loaded || r->count > MOAT_MSG_REPLAY_MAX_SENDERS) {
        return MOAT_ERR_MSG_REPLAY_STALE;
    }
    i = find_sender(r, sender);
    if (i < 0) {
        if (seq == 0 || seq > MOAT_MSG_SEQ_MAX) {
            return MOAT_ERR_MSG_SEQ;
        }
        return r->count < MOAT_MSG_REPLAY_MAX_SENDERS ? MOAT_OK : MOAT_ERR_MSG_REPLAY_FULL;
    }
    return window_decide(&r->entries[i], seq);
}

moat_err moat_msg_replay_accept(moat_msg_replay *r, const char *sender,
                                uint64_t seq)
{
    uint8_t buf[MOAT_MSG_REPLAY_RECORD_SIZE];
    moat_msg_replay_entry saved;
    size_t len, old_count;
    int i;
    moat_err e = moat_msg_replay_check(r, sender, seq);

    if (e != MOAT_OK) {
        return e;
    }
    old_count = r->count;
    i = find_sender(r, sender);
    if (i < 0) {
        i = (int)r->count;
        memset(&r->entries[i], 0, sizeof(r->entries[i]));
        memcpy(r->entries[i].sender, sender, strlen(sender) + 1u);
        r->count++;
    }
    saved = r->entries[i];
    window_update(&r->entries[i], seq);
    len = serialize(r, buf);
    e = moat_port_record_write(r->port, r->record_id, buf, len);
    moat_wipe(buf, sizeof(buf));
    if (e != MOAT_OK) {
        /* Memory back to the old state; the record may hold either. */
        r->entries[i] = saved;
        if (old_count != r->count) {
            memset(&r->entries[i], 0, sizeof(r->entries[i]));
            r->count = old_count;
        }
        r->loaded = false;
        return e;
    }
    return MOAT_OK;
}

moat_err moat_msg_replay_forget(moat_msg_replay *r, const char *sender)
{
    uint8_t buf[MOAT_MSG_REPLAY_RECORD_SIZE];
    size_t len, j;
    int i;
    moat_err e;

    if (r == NULL || !moat_msg_id_valid(sender, MOAT_MSG_ID_MAX, NULL)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!r->loaded || r->count > MOAT_MSG_REPLAY_MAX_SENDERS) {
        return MOAT_ERR_MSG_REPLAY_STALE;
    }
    i = find_sender(r, sender);
    if (i < 0) {
        return MOAT_ERR_NOT_FOUND; /* nothing written */
    }
    /* Persist the table without the entry first; memory follows only on
     * success, so a failed write leaves memory on the old state (marked
     * stale, as in moat_msg_replay_accept()). */
    len = serialize_skip(r, (size_t)i, buf);
    e = moat_port_record_write(r->port, r->record_id, buf, len);
    moat_wipe(buf, sizeof(buf));
    if (e != MOAT_OK) {
        r->loaded = false;
        return e;
    }
    for (j = (size_t)i; j + 1u < r->count; j++) {
        r->entries[j] = r->entries[j + 1u];
    }
    r->count--;
    moat_wipe(&r->entries[r->count], sizeof(r->entries[r->count]));
    return MOAT_OK;
}

moat_err moat_msg_replay_get(const moat_msg_replay *r, const char *sender,
                             uint64_t *highest, uint64_t *bitmap)
{
    int i;
    if (highest != NULL) {
        *highest = 0;
    }
    if (bitmap != NULL) {
        *bitmap = 0;
    }
    if (r == NULL || sender == NULL || highest == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!r->loaded) {
        return MOAT_ERR_MSG_REPLAY_STALE;
    }
    i = find_sender(r, sender);
    if (i < 0) {
        return MOAT_ERR_NOT_FOUND;
    }
    *highest = r->entries[i].highest;
    if (bitmap != NULL) {
        *bitmap = r->entries[i].bitmap;
    }
    return MOAT_OK;
}

void moat_msg_replay_close(moat_msg_replay *r)
{
    if (r != NULL) {
        moat_wipe(r, sizeof(*r));
    }
}

moat_err moat_msg_seq_next(const moat_port *port, uint32_t counter_id, uint64_t *seq)
{
    uint64_t v = 0;
    moat_err e;
    if (seq == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *seq = 0;
    if (port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = moat_port_counter_read(port, counter_id, &v);
    if (e != MOAT_OK) {
        return e;
    }
    if (v >= MOAT_MSG_SEQ_MAX) {
        return MOAT_ERR_MSG_SEQ;
    }
    e = moat_port_counter_advance(port, counter_id, v + 1u);
    if (e != MOAT_OK) {
        return e;
    }
    *seq = v + 1u;
    return MOAT_OK;
}
