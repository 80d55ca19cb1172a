/**
 * @file manifest.c
 * @brief Update manifests: the one acceptance decision
 *        (moat_update_manifest_check()), the device-state snapshot, and the
 *        version / UUID helpers.
 *
 * Threat model: TUF targets metadata and IETF SUIT (RFC 9019 section 4,
 * RFC 9124 section 4.2: vendor and class identifiers, monotonic sequence
 * number, dependencies, expiry against freeze attacks). Signatures: JWS
 * General JSON Serialization (RFC 7515 section 7.2.1) checked k-of-n with
 * the trust root's targets keys by moat_jws_json_verify(); the payload is
 * parsed only after the threshold is met. Format: docs/manifest.md.
 */
#include <string.h>

#include "moat/update.h"
#include "update/meta.h"

/* Nesting bound of a manifest payload: a manifest needs 3 levels (manifest >
 * dependencies > entry); the bound is that of a root payload, so that a root
 * presented as a manifest is reported by its type marker. */
#define MANIFEST_DEPTH 6u
/* Longest version text accepted: three 10-digit numbers and two dots. */
#define VERSION_TEXT_MAX 32u
#define UUID_TEXT_LEN 36u

/* Members defined by this version of the format (docs/manifest.md). A
 * "critical" list may not name them; any other name it carries is, by
 * definition, not understood. */
static const char *const k_known[] = {
    "moat_manifest", "sequence_epoch", "sequence", "expires", "vendor_id", "class_id",
    "component", "version", "svn", "size", "digest", "slot", "dependencies", "critical"};
#define K_KNOWN_COUNT (sizeof(k_known) / sizeof(k_known[0]))

/* --------------------------------------------------------------- helpers */

moat_err moat_update_now(const moat_port *port, int64_t *now)
{
    int64_t t = 0;
    moat_err rc;
    if (now == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *now = INT64_MAX; /* fail closed: everything is expired at INT64_MAX */
    if (port == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_time(port, &t);
    if (rc == MOAT_ERR_PORT_NO_TIME) {
        *now = MOAT_UPDATE_NO_TIME; /* the documented no-time policy */
        return MOAT_OK;
    }
    if (rc != MOAT_OK) {
        return rc; /* a failing clock is not "no clock" */
    }
    *now = t;
    return MOAT_OK;
}

moat_err moat_update_version_parse(const char *s, size_t len, moat_update_version *out)
{
    uint32_t part[3] = {0, 0, 0};
    size_t i = 0;
    unsigned n;

    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    if (s == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len == 0 || len > VERSION_TEXT_MAX) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    for (n = 0; n < 3u; n++) {
        size_t start = i;
        uint64_t v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            v = v * 10u + (uint64_t)(s[i] - '0');
            if (v > 0xFFFFFFFFu) {
                return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
            }
            i++;
        }
        /* At least one digit; no leading zero (SemVer 2.0.0 item 2). */
        if (i == start || (s[start] == '0' && i - start > 1u)) {
            return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
        }
        part[n] = (uint32_t)v;
        if (n < 2u) {
            if (i >= len || s[i] != '.') {
                return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
            }
            i++;
        }
    }
    if (i != len) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT; /* pre-release, build, junk */
    }
    out->major = part[0];
    out->minor = part[1];
    out->patch = part[2];
    return MOAT_OK;
}

int moat_update_version_compare(const moat_update_version *a, const moat_update_version *b)
{
    if (a == NULL || b == NULL) {
        return (a == NULL && b == NULL) ? 0 : (a == NULL ? -1 : 1);
    }
    if (a->major != b->major) {
        return a->major < b->major ? -1 : 1;
    }
    if (a->minor != b->minor) {
        return a->minor < b->minor ? -1 : 1;
    }
    if (a->patch != b->patch) {
        return a->patch < b->patch ? -1 : 1;
    }
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1; /* upper case refused: one text per UUID */
}

moat_err moat_update_uuid_parse(const char *s, size_t len, uint8_t out[MOAT_UPDATE_UUID_SIZE])
{
    size_t i;
    size_t o = 0;
    if (out != NULL) {
        memset(out, 0, MOAT_UPDATE_UUID_SIZE);
    }
    if (s == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len != UUID_TEXT_LEN) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    for (i = 0; i < UUID_TEXT_LEN;) {
        int hi;
        int lo;
        if (i == 8u || i == 13u || i == 18u || i == 23u) {
            if (s[i] != '-') {
                goto bad;
            }
            i++;
            continue;
        }
        hi = hexval(s[i]);
        lo = hexval(s[i + 1u]);
        if (hi < 0 || lo < 0) {
            goto bad;
        }
        out[o++] = (uint8_t)((hi << 4) | lo);
        i += 2u;
    }
    return MOAT_OK;
bad:
    memset(out, 0, MOAT_UPDATE_UUID_SIZE);
    return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
}

/* Component names: 1..31 bytes of [A-Za-z0-9._-]. */
static bool name_ok(const char *s, size_t len)
{
    size_t i;
    if (len == 0 || len >= MOAT_UPDATE_NAME_SIZE) {
        return false;
    }
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

static bool device_valid(const moat_update_device *d)
{
    uint32_t i;
    uint32_t j;
    if (d->ncomponents == 0 || d->ncomponents > MOAT_UPDATE_MAX_COMPONENTS) {
        return false;
    }
    for (i = 0; i < d->ncomponents; i++) {
        size_t n = 0;
        while (n < MOAT_UPDATE_NAME_SIZE && d->components[i].name[n] != '\0') {
            n++;
        }
        if (n == MOAT_UPDATE_NAME_SIZE || !name_ok(d->components[i].name, n)) {
            return false;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(d->components[i].name, d->components[j].name) == 0) {
                return false;
            }
        }
    }
    return true;
}

/* Index of the component named @p name (NUL-terminated), or -1. */
static int find_component(const moat_update_device *d, const char *name)
{
    uint32_t i;
    for (i = 0; i < d->ncomponents; i++) {
        if (strcmp(d->components[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

moat_err moat_update_snapshot_read(const moat_port *port, const moat_update_device *device,
                                   moat_update_snapshot *snap)
{
    uint32_t i;
    moat_err rc = MOAT_OK;

    if (snap != NULL) {
        moat_wipe(snap, sizeof(*snap));
    }
    if (port == NULL || device == NULL || snap == NULL || device->ncomponents == 0 ||
        device->ncomponents > MOAT_UPDATE_MAX_COMPONENTS) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_port_counter_read(port, MOAT_UPDATE_COUNTER_SEQUENCE, &snap->sequence);
    for (i = 0; rc == MOAT_OK && i < device->ncomponents; i++) {
        rc = moat_port_counter_read(port, MOAT_UPDATE_COUNTER_SVN_BASE + i, &snap->svn[i]);
    }
    for (i = 0; rc == MOAT_OK && i < MOAT_PORT_SLOT_COUNT; i++) {
        moat_port_slot_info info;
        rc = moat_port_slot_info_get(port, i, &info);
        if (rc == MOAT_OK) {
            snap->slot_size[i] = (uint64_t)info.size;
        } else if (rc == MOAT_ERR_PORT_NOT_FOUND) {
            snap->slot_size[i] = 0; /* no such slot */
            rc = MOAT_OK;
        }
    }
    if (rc != MOAT_OK) {
        moat_wipe(snap, sizeof(*snap));
    }
    return rc;
}

/* ------------------------------------------------------ payload parsing */

/* A dependency as read from the payload. */
typedef struct dep {
    int index; /* device component index, -1 when not on the device */
    moat_update_version min;
} dep;

typedef struct parsed {
    moat_update_manifest m;
    uint8_t vendor[MOAT_UPDATE_UUID_SIZE];
    uint8_t klass[MOAT_UPDATE_UUID_SIZE];
    dep deps[MOAT_UPDATE_MAX_DEPS];
    size_t ndeps;
    uint32_t epoch;  /* "sequence_epoch" */
    bool size_range; /* "size" not an exact integer in 1 .. 2^53-1 */
} parsed;

static bool is_known(const char *n)
{
    size_t i;
    for (i = 0; i < K_KNOWN_COUNT; i++) {
        if (strcmp(n, k_known[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* "critical" (after RFC 7515 section 4.1.11 "crit"): a non-empty array of
 * distinct strings, each naming a member present in the payload that this
 * format does not define. This verifier understands no extension, so any
 * well-formed entry rejects the manifest. Members not listed are ignored. */
static moat_err check_critical(const moat_json *p)
{
    const moat_json *c = moat_json_get(p, "critical");
    const moat_json *e;
    const moat_json *f;
    size_t n;
    if (c == NULL) {
        return MOAT_OK;
    }
    n = moat_json_size(c);
    if (moat_json_type_of(c) != MOAT_JSON_ARRAY || n == 0 || n > MOAT_UPDATE_MAX_CRITICAL) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    for (e = moat_json_child(c); e != NULL; e = moat_json_next(e)) {
        const char *s;
        if (moat_json_string(e, &s, NULL) != MOAT_OK || is_known(s) ||
            moat_json_get(p, s) == NULL) {
            return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
        }
        for (f = moat_json_child(c); f != e; f = moat_json_next(f)) {
            const char *t;
            if (moat_json_string(f, &t, NULL) == MOAT_OK && strcmp(s, t) == 0) {
                return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
            }
        }
    }
    return MOAT_ERR_UPDATE_CRITICAL_UNKNOWN;
}

static moat_err get_u32(const moat_json *o, const char *name, int64_t min, uint32_t *out)
{
    int64_t v;
    if (moat_json_get_int(o, name, min, MOAT_UPDATE_SEQUENCE_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    *out = (uint32_t)v;
    return MOAT_OK;
}

static moat_err get_version(const moat_json *o, const char *name, moat_update_version *v)
{
    const char *s;
    size_t l;
    if (moat_json_get_string(o, name, &s, &l) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    return moat_update_version_parse(s, l, v);
}

static moat_err get_uuid(const moat_json *o, const char *name, uint8_t out[16])
{
    const char *s;
    size_t l;
    if (moat_json_get_string(o, name, &s, &l) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    return moat_update_uuid_parse(s, l, out);
}

static moat_err parse_digest(const moat_json *p, uint8_t out[MOAT_UPDATE_DIGEST_SIZE])
{
    static const char *const names[] = {"alg", "value"};
    const moat_json *d = moat_json_get(p, "digest");
    const char *alg;
    const char *val;
    size_t vl;
    size_t n = 0;
    if (moat_json_type_of(d) != MOAT_JSON_OBJECT || !moat_update_meta_only_(d, names, 2u) ||
        moat_json_get_string(d, "alg", &alg, NULL) != MOAT_OK ||
        moat_json_get_string(d, "value", &val, &vl) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    if (strcmp(alg, "sha-256") != 0) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (vl != MOAT_B64URL_ENC_LEN(MOAT_UPDATE_DIGEST_SIZE) ||
        moat_b64url_decode(val, vl, out, MOAT_UPDATE_DIGEST_SIZE, &n) != MOAT_OK ||
        n != MOAT_UPDATE_DIGEST_SIZE) {
        moat_wipe(out, MOAT_UPDATE_DIGEST_SIZE);
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    return MOAT_OK;
}

static moat_err parse_deps(const moat_json *p, const moat_update_device *dev,
                           uint32_t self, parsed *out)
{
    static const char *const names[] = {"component", "min_version"};
    const moat_json *a = moat_json_get(p, "dependencies");
    const moat_json *e;
    const char *seen[MOAT_UPDATE_MAX_DEPS];
    size_t i;
    out->ndeps = 0;
    if (a == NULL) {
        return MOAT_OK;
    }
    if (moat_json_type_of(a) != MOAT_JSON_ARRAY || moat_json_size(a) > MOAT_UPDATE_MAX_DEPS) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    for (e = moat_json_child(a); e != NULL; e = moat_json_next(e)) {
        const char *s;
        size_t l;
        dep *d = &out->deps[out->ndeps];
        moat_err rc;
        if (moat_json_type_of(e) != MOAT_JSON_OBJECT || !moat_update_meta_only_(e, names, 2u) ||
            moat_json_get_string(e, "component", &s, &l) != MOAT_OK || !name_ok(s, l)) {
            return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
        }
        rc = get_version(e, "min_version", &d->min);
        if (rc != MOAT_OK) {
            return rc;
        }
        d->index = find_component(dev, s);
        if (d->index == (int)self) {
            return MOAT_ERR_UPDATE_MANIFEST_FORMAT; /* on itself: meaningless */
        }
        /* Distinct names. */
        for (i = 0; i < out->ndeps; i++) {
            if (strcmp(s, seen[i]) == 0) {
                return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
            }
        }
        seen[out->ndeps] = s;
        out->ndeps++;
    }
    return MOAT_OK;
}

/* Read every member. Unknown members are ignored unless "critical" names
 * them (checked before). Device-independent errors only, except that the
 * component is looked up so that its index can be recorded. */
static moat_err parse_manifest_payload(const moat_json *p, const moat_update_device *dev,
                                       parsed *out, int *comp_index)
{
    const char *s;
    size_t l;
    int64_t v;
    moat_err rc;

    *comp_index = -1;
    if (moat_json_type_of(p) != MOAT_JSON_OBJECT ||
        moat_json_get_int(p, "moat_manifest", 1, 1, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_WRONG_TYPE;
    }
    rc = check_critical(p);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (moat_json_get_int(p, "sequence_epoch", 0, MOAT_UPDATE_EPOCH_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    out->epoch = (uint32_t)v;
    rc = get_u32(p, "sequence", 1, &out->m.sequence);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (moat_json_get_int(p, "expires", 0, MOAT_UPDATE_INT_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    out->m.expires = v;
    rc = get_uuid(p, "vendor_id", out->vendor);
    if (rc == MOAT_OK) {
        rc = get_uuid(p, "class_id", out->klass);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    if (moat_json_get_string(p, "component", &s, &l) != MOAT_OK || !name_ok(s, l)) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    memcpy(out->m.component, s, l);
    out->m.component[l] = '\0';
    rc = get_version(p, "version", &out->m.version);
    if (rc == MOAT_OK) {
        rc = get_u32(p, "svn", 0, &out->m.svn);
    }
    if (rc != MOAT_OK) {
        return rc;
    }
    /* size: type errors are format errors; any value outside 1 .. 2^53-1
     * (2^63 included) is a size error, decided without arithmetic on it. */
    rc = moat_json_get_int(p, "size", 1, MOAT_UPDATE_INT_MAX, &v);
    if (rc == MOAT_ERR_JSON_RANGE) {
        out->size_range = true;
        out->m.size = 0;
    } else if (rc != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    } else {
        out->m.size = (uint64_t)v;
    }
    rc = parse_digest(p, out->m.digest);
    if (rc != MOAT_OK) {
        return rc;
    }
    if (moat_json_get_int(p, "slot", 0, MOAT_UPDATE_SEQUENCE_MAX, &v) != MOAT_OK) {
        return MOAT_ERR_UPDATE_MANIFEST_FORMAT;
    }
    out->m.slot = (uint32_t)v;
    *comp_index = find_component(dev, out->m.component);
    return parse_deps(p, dev, *comp_index < 0 ? MOAT_UPDATE_MAX_COMPONENTS : (uint32_t)*comp_index,
                      out);
}

/* ------------------------------------------------------------ decision */

moat_err moat_update_manifest_check(const char *doc, size_t doc_len,
                                    const moat_update_root *root,
                                    const moat_update_device *device,
                                    const moat_update_snapshot *snap, int64_t now,
                                    void *work, size_t work_size,
                                    moat_update_manifest *out)
{
    moat_update_meta_work w;
    const moat_json *p = NULL;
    const moat_update_component *comp;
    parsed pm;
    size_t plen = 0;
    int idx = -1;
    uint64_t epoch_hi;
    uint64_t counter_max;
    size_t i;
    int cmp;
    moat_err rc;

    memset(&pm, 0, sizeof(pm));
    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (doc == NULL || root == NULL || device == NULL || snap == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (!moat_update_root_valid_(root) || !device_valid(device)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (doc_len > MOAT_UPDATE_MANIFEST_MAX_DOC) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    rc = moat_update_meta_split_(work, work_size, doc_len, &w);
    if (rc != MOAT_OK) {
        return rc;
    }

    /* 1. The trust root itself must be current (freeze protection). */
    if (now != MOAT_UPDATE_NO_TIME && now >= root->expires) {
        rc = MOAT_ERR_UPDATE_ROOT_EXPIRED;
        goto done;
    }
    /* 2. k-of-n targets signatures, each distinct key once. */
    rc = moat_update_meta_sigs_(doc, doc_len, &root->targets, &w, &plen);
    if (rc != MOAT_OK) {
        goto done;
    }
    /* 3. The payload (strict parser: duplicate names rejected). */
    rc = moat_update_meta_parse_(&w, plen, MANIFEST_DEPTH, MOAT_UPDATE_MANIFEST_MAX_VALUES, &p);
    if (rc != MOAT_OK) {
        goto done;
    }
    rc = parse_manifest_payload(p, device, &pm, &idx);
    if (rc != MOAT_OK) {
        goto done;
    }
    /* 4. Meant for this device, this component, this slot. */
    if (memcmp(pm.vendor, device->vendor_id, MOAT_UPDATE_UUID_SIZE) != 0) {
        rc = MOAT_ERR_UPDATE_VENDOR;
        goto done;
    }
    if (memcmp(pm.klass, device->class_id, MOAT_UPDATE_UUID_SIZE) != 0) {
        rc = MOAT_ERR_UPDATE_CLASS;
        goto done;
    }
    if (idx < 0) {
        rc = MOAT_ERR_UPDATE_COMPONENT;
        goto done;
    }
    comp = &device->components[idx];
    if (pm.m.slot >= MOAT_PORT_SLOT_COUNT || ((comp->slots >> pm.m.slot) & 1u) == 0 ||
        snap->slot_size[pm.m.slot] == 0) {
        rc = MOAT_ERR_UPDATE_SLOT;
        goto done;
    }
    if (pm.size_range || pm.m.size > snap->slot_size[pm.m.slot]) {
        rc = MOAT_ERR_UPDATE_SIZE;
        goto done;
    }
    /* 5. Expiry (only with trusted time: docs/update.md, freeze). */
    if (now != MOAT_UPDATE_NO_TIME && now >= pm.m.expires) {
        rc = MOAT_ERR_UPDATE_EXPIRED;
        goto done;
    }
    /* 6. Anti-rollback. Counters hold epoch * 2^32 + value, and the epoch
     * is the one the manifest was SIGNED for: a root that raises the epoch
     * (or re-admits a key retired earlier) can never lift an old manifest
     * into a newer epoch. */
    if (pm.epoch != root->epoch) {
        rc = MOAT_ERR_UPDATE_EPOCH;
        goto done;
    }
    epoch_hi = (uint64_t)root->epoch << 32;
    pm.m.sequence_counter = epoch_hi | pm.m.sequence;
    pm.m.svn_counter = epoch_hi | pm.m.svn;
    counter_max = device->counter_max != 0 ? device->counter_max : UINT64_MAX;
    if (pm.m.sequence_counter > counter_max || pm.m.svn_counter > counter_max) {
        rc = MOAT_ERR_UPDATE_COUNTER_RANGE; /* refused before anything is persisted */
        goto done;
    }
    if (pm.m.sequence_counter <= snap->sequence) {
        rc = MOAT_ERR_UPDATE_SEQUENCE_ROLLBACK;
        goto done;
    }
    if (pm.m.svn_counter < snap->svn[idx]) {
        rc = MOAT_ERR_UPDATE_SVN_ROLLBACK;
        goto done;
    }
    cmp = moat_update_version_compare(&pm.m.version, &comp->installed);
    if (cmp < 0) {
        rc = MOAT_ERR_UPDATE_VERSION_ROLLBACK;
        goto done;
    }
    if (cmp == 0) {
        rc = MOAT_ERR_UPDATE_VERSION_EQUAL;
        goto done;
    }
    /* 7. Dependencies on the installed (confirmed) versions. */
    for (i = 0; i < pm.ndeps; i++) {
        if (pm.deps[i].index < 0 ||
            moat_update_version_compare(&device->components[pm.deps[i].index].installed,
                                        &pm.deps[i].min) < 0) {
            rc = MOAT_ERR_UPDATE_DEPENDENCY;
            goto done;
        }
    }

    pm.m.component_index = (uint32_t)idx;
    pm.m.svn_counter_id = MOAT_UPDATE_COUNTER_SVN_BASE + (uint32_t)idx;
    pm.m.root_version = root->version;
    *out = pm.m;
    rc = MOAT_OK;
done:
    moat_wipe(work, work_size);
    moat_wipe(&pm, sizeof(pm));
    if (rc != MOAT_OK) {
        moat_wipe(out, sizeof(*out));
    }
    return rc;
}

moat_err moat_update_manifest_verify(const moat_port *port, const char *doc,
                                     size_t doc_len, const moat_update_root *root,
                                     const moat_update_device *device, int64_t now,
                                     void *work, size_t work_size,
                                     moat_update_manifest *out)
{
    moat_update_snapshot snap;
    moat_err rc;
    if (out != NULL) {
        moat_wipe(out, sizeof(*out));
    }
    if (port == NULL || doc == NULL || root == NULL || device == NULL || out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    rc = moat_update_snapshot_read(port, device, &snap);
    if (rc == MOAT_OK) {
        rc = moat_update_manifest_check(doc, doc_len, root, device, &snap, now, work,
                                        work_size, out);
    }
    moat_wipe(&snap, sizeof(snap));
    return rc;
}
