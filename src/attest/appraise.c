/**
 * @file appraise.c
 * @brief Appraisal of verified evidence against reference values, and the
 *        attestation result (RFC 9334 section 7.3), shaped like EAR
 *        (draft-ietf-rats-ear: "ear.status", "ear.trustworthiness-vector"
 *        with AR4SI tiers). moat_attest_appraise() is the one appraisal
 *        function; the schema is docs/attestation.md "Reference values".
 */
#include "attest/eat_internal.h"
#include "moat/version.h"

#include <string.h>

#define REFVAL_ARENA MOAT_JSON_ARENA_SIZE(MOAT_REFVAL_MAX_INPUT, MOAT_REFVAL_MAX_VALUES)

size_t moat_attest_appraise_work_size(void)
{
    return REFVAL_ARENA;
}

const char *moat_ar_status_name(moat_ar_status s)
{
    switch (s) {
    case MOAT_AR_AFFIRMING:
        return "affirming";
    case MOAT_AR_WARNING:
        return "warning";
    case MOAT_AR_CONTRAINDICATED:
        return "contraindicated";
    default:
        return "none";
    }
}

/* ------------------------------------------------------------- schema */

static bool only_members(const moat_json *obj, const char *const *names, size_t count)
{
    const moat_json *m;
    size_t i;
    for (m = moat_json_child(obj); m != NULL; m = moat_json_next(m)) {
        const char *nm = moat_json_name(m);
        for (i = 0; i < count; i++) {
            if (nm != NULL && strcmp(nm, names[i]) == 0) {
                break;
            }
        }
        if (i == count) {
            return false;
        }
    }
    return true;
}

/* ["sha-256", "<base64url of the digest>"] or [alg, digest, svn]: the svn
 * the reference values assign to that digest (-1 in *svn when absent). */
static bool digest_entry(const moat_json *d, moat_hash_alg *alg, uint8_t out[MOAT_HASH_MAX_SIZE],
                         int64_t *svn)
{
    const moat_json *a = moat_json_child(d), *v;
    const char *s = NULL;
    size_t slen = 0, n = 0;
    *svn = -1;
    if (moat_json_type_of(d) != MOAT_JSON_ARRAY || moat_json_size(d) < 2u ||
        moat_json_size(d) > 3u || moat_json_string(a, &s, &slen) != MOAT_OK) {
        return false;
    }
    *alg = moat_eat_alg_from_name(s, slen);
    v = moat_json_next(a);
    if (*alg == 0 || !moat_eat_get_b64url(v, out, moat_hash_size(*alg), moat_hash_size(*alg),
                                          &n)) {
        return false;
    }
    v = moat_json_next(v);
    return v == NULL || moat_json_int(v, 0, MOAT_EAT_JSON_INT_MAX, svn) == MOAT_OK;
}

/* "boot_layers": [[<base64url SHA-512 code hash>, ...], ...], one entry
 * per DICE layer below the firmware's, first layer first. */
static bool boot_layers_ok(const moat_json *a)
{
    const moat_json *layer, *h;
    uint8_t dig[MOAT_DICE_HASH_SIZE];
    size_t n = 0;
    if (moat_json_type_of(a) != MOAT_JSON_ARRAY ||
        moat_json_size(a) > MOAT_EAT_MAX_LAYERS - 1u) {
        return false;
    }
    for (layer = moat_json_child(a); layer != NULL; layer = moat_json_next(layer)) {
        if (moat_json_type_of(layer) != MOAT_JSON_ARRAY || moat_json_size(layer) == 0) {
            return false;
        }
        for (h = moat_json_child(layer); h != NULL; h = moat_json_next(h)) {
            if (!moat_eat_get_b64url(h, dig, sizeof(dig), sizeof(dig), &n)) {
                return false;
            }
        }
    }
    return true;
}

static bool string_array(const moat_json *a, bool nonempty)
{
    const moat_json *el;
    const char *s = NULL;
    size_t slen = 0;
    if (moat_json_type_of(a) != MOAT_JSON_ARRAY || (nonempty && moat_json_size(a) == 0)) {
        return false;
    }
    for (el = moat_json_child(a); el != NULL; el = moat_json_next(el)) {
        if (moat_json_string(el, &s, &slen) != MOAT_OK || slen == 0 ||
            slen > MOAT_EAT_STRING_MAX) {
            return false;
        }
    }
    return true;
}

static bool component_ok(const moat_json *c)
{
    static const char *const names[] = {"name", "digests", "versions", "min_svn"};
    const moat_json *d, *el;
    char name[MOAT_EAT_STRING_MAX + 1u];
    uint8_t dig[MOAT_HASH_MAX_SIZE];
    moat_hash_alg alg;
    int64_t v = 0, svn = 0;

    if (moat_json_type_of(c) != MOAT_JSON_OBJECT ||
        !only_members(c, names, sizeof(names) / sizeof(names[0])) ||
        !moat_eat_get_text(moat_json_get(c, "name"), name)) {
        return false;
    }
    d = moat_json_get(c, "digests");
    if (moat_json_type_of(d) != MOAT_JSON_ARRAY || moat_json_size(d) == 0) {
        return false;
    }
    for (el = moat_json_child(d); el != NULL; el = moat_json_next(el)) {
        if (!digest_entry(el, &alg, dig, &svn)) {
            return false;
        }
    }
    d = moat_json_get(c, "versions");
    if (d != NULL && !string_array(d, true)) {
        return false;
    }
    d = moat_json_get(c, "min_svn");
    return d == NULL || moat_json_int(d, 0, MOAT_EAT_JSON_INT_MAX, &v) == MOAT_OK;
}

static bool model_ok(const moat_json *m)
{
    static const char *const names[] = {"hwmodel", "dbgstat", "components", "boot_layers"};
    const moat_json *a, *el, *prev;
    uint8_t hw[MOAT_EAT_HWMODEL_MAX];
    const char *s = NULL, *t = NULL;
    size_t n = 0, slen = 0, tlen = 0;
    moat_eat_dbgstat d;

    if (moat_json_type_of(m) != MOAT_JSON_OBJECT ||
        !only_members(m, names, sizeof(names) / sizeof(names[0])) ||
        !moat_eat_get_b64url(moat_json_get(m, "hwmodel"), hw, 1u, MOAT_EAT_HWMODEL_MAX, &n)) {
        return false;
    }
    a = moat_json_get(m, "dbgstat");
    if (!string_array(a, true)) {
        return false;
    }
    for (el = moat_json_child(a); el != NULL; el = moat_json_next(el)) {
        (void)moat_json_string(el, &s, &slen);
        if (!moat_eat_dbgstat_parse(s, slen, &d)) {
            return false;
        }
    }
    a = moat_json_get(m, "boot_layers");
    if (a != NULL && !boot_layers_ok(a)) {
        return false;
    }
    a = moat_json_get(m, "components");
    if (moat_json_type_of(a) != MOAT_JSON_ARRAY || moat_json_size(a) == 0) {
        return false;
    }
    for (el = moat_json_child(a); el != NULL; el = moat_json_next(el)) {
        if (!component_ok(el)) {
            return false;
        }
        (void)moat_json_get_string(el, "name", &s, &slen);
        for (prev = moat_json_child(a); prev != el; prev = moat_json_next(prev)) {
            (void)moat_json_get_string(prev, "name", &t, &tlen);
            if (tlen == slen && memcmp(s, t, slen) == 0) {
                return false; /* a component named twice */
            }
        }
    }
    return true;
}

/* Parse and validate; *root is the document on success. */
static moat_err refvals_parse(const char *json, size_t len, void *work, size_t work_size,
                              const moat_json **root)
{
    static const char *const names[] = {"moat_refvals", "models"};
    const moat_json *models, *m, *prev;
    moat_json_limits lim;
    int64_t ver = 0;
    moat_err e;

    *root = NULL;
    if (json == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (len > MOAT_REFVAL_MAX_INPUT) {
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    if (work == NULL || work_size < REFVAL_ARENA) {
        return MOAT_ERR_OUT_OF_MEMORY;
    }
    lim.max_input = MOAT_REFVAL_MAX_INPUT;
    lim.max_depth = 8u;
    lim.max_members = MOAT_REFVAL_MAX_VALUES;
    lim.max_string = 512u;
    e = moat_json_parse(json, len, &lim, work, work_size, root);
    if (e != MOAT_OK) {
        return e;
    }
    if (moat_json_type_of(*root) != MOAT_JSON_OBJECT ||
        !only_members(*root, names, sizeof(names) / sizeof(names[0])) ||
        moat_json_get_int(*root, "moat_refvals", 1, 1, &ver) != MOAT_OK) {
        *root = NULL;
        return MOAT_ERR_REFVAL_INVALID;
    }
    models = moat_json_get(*root, "models");
    if (moat_json_type_of(models) != MOAT_JSON_ARRAY || moat_json_size(models) == 0) {
        *root = NULL;
        return MOAT_ERR_REFVAL_INVALID;
    }
    for (m = moat_json_child(models); m != NULL; m = moat_json_next(m)) {
        const char *s = NULL, *t = NULL;
        size_t slen = 0, tlen = 0;
        if (!model_ok(m)) {
            *root = NULL;
            return MOAT_ERR_REFVAL_INVALID;
        }
        (void)moat_json_get_string(m, "hwmodel", &s, &slen);
        for (prev = moat_json_child(models); prev != m; prev = moat_json_next(prev)) {
            (void)moat_json_get_string(prev, "hwmodel", &t, &tlen);
            if (tlen == slen && memcmp(s, t, slen) == 0) {
                *root = NULL;
                return MOAT_ERR_REFVAL_INVALID; /* a model listed twice */
            }
        }
    }
    return MOAT_OK;
}

moat_err moat_attest_refvals_validate(const char *json, size_t len, void *work,
                                      size_t work_size)
{
    const moat_json *root = NULL;
    moat_err e = refvals_parse(json, len, work, work_size, &root);
    if (work != NULL) {
        moat_wipe(work, work_size);
    }
    return e;
}

/* ----------------------------------------------------------- appraisal */

typedef struct reason {
    const char *group;
    moat_ar_status status;
    char text[160];
} reason;

typedef struct appraisal {
    moat_ar_status identity, hardware, executables, configuration;
    size_t nreasons;
    reason reasons[MOAT_AR_MAX_REASONS];
} appraisal;

static moat_ar_status worst(moat_ar_status a, moat_ar_status b)
{
    return (unsigned)a > (unsigned)b ? a : b;
}

static void u64_text(uint64_t v, char *out)
{
    char tmp[24];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0 && n < sizeof(tmp));
    for (i = 0; i < n; i++) {
        out[i] = tmp[n - 1u - i];
    }
    out[n] = '\0';
}

/* Record a finding: raises the group's status and keeps a bounded reason. */
static void note5(appraisal *a, moat_ar_status *group_status, const char *group,
                  moat_ar_status st, const char *const parts[5])
{
    reason *r;
    size_t n = 0;
    size_t i, k;

    *group_status = worst(*group_status, st);
    if (a->nreasons >= MOAT_AR_MAX_REASONS) {
        return;
    }
    r = &a->reasons[a->nreasons++];
    r->group = group;
    r->status = st;
    for (k = 0; k < 5u; k++) {
        for (i = 0; parts[k] != NULL && parts[k][i] != '\0' && n + 1u < sizeof(r->text); i++) {
            r->text[n++] = parts[k][i];
        }
    }
    r->text[n] = '\0';
}

static void note(appraisal *a, moat_ar_status *group_status, const char *group,
                 moat_ar_status st, const char *p1, const char *p2, const char *p3)
{
    const char *parts[5];
    parts[0] = p1;
    parts[1] = p2;
    parts[2] = p3;
    parts[3] = NULL;
    parts[4] = NULL;
    note5(a, group_status, group, st, parts);
}

static const moat_json *find_model(const moat_json *root, const moat_eat_evidence *ev)
{
    const moat_json *m;
    uint8_t hw[MOAT_EAT_HWMODEL_MAX];
    size_t n = 0;
    for (m = moat_json_child(moat_json_get(root, "models")); m != NULL; m = moat_json_next(m)) {
        if (moat_eat_get_b64url(moat_json_get(m, "hwmodel"), hw, 1u, MOAT_EAT_HWMODEL_MAX, &n) &&
            n == ev->hwmodel_len && memcmp(hw, ev->hwmodel, n) == 0) {
            return m;
        }
    }
    return NULL;
}

static bool same_name(const moat_json *entry, const char *name)
{
    const char *s = NULL;
    size_t slen = 0;
    return moat_json_get_string(entry, "name", &s, &slen) == MOAT_OK && slen == strlen(name) &&
           memcmp(s, name, slen) == 0;
}

/* "component <name>: svn <a><mid><b>" */
static void note_svn(appraisal *a, const char *name, uint64_t got, const char *mid, uint64_t want)
{
    char num[2][64];
    const char *parts[5];
    size_t n;
    u64_text(got, num[0]);
    n = strlen(mid);
    memcpy(num[1], mid, n);
    u64_text(want, num[1] + n);
    parts[0] = "component ";
    parts[1] = name;
    parts[2] = ": svn ";
    parts[3] = num[0];
    parts[4] = num[1];
    note5(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED, parts);
}

/*
 * One evidence component against its reference entry. The digest decides:
 * it is the only value bound to what DICE certified (the last layer's code
 * hash is a component, see moat_eat_verify()); the svn of an accepted digest
 * is the one the reference values declare for it when they do, since the
 * token's svn is written by the firmware itself.
 */
static void appraise_component(appraisal *a, const moat_json *entries,
                               const moat_eat_component *c)
{
    const moat_json *e, *d, *v;
    const char *s = NULL;
    size_t slen = 0;
    uint8_t dig[MOAT_HASH_MAX_SIZE];
    moat_hash_alg alg;
    bool found = false, has_svn = c->has_svn;
    int64_t min_svn = 0, declared = -1, ref_svn = -1;
    uint64_t svn = c->svn;

    for (e = moat_json_child(entries); e != NULL; e = moat_json_next(e)) {
        if (same_name(e, c->name)) {
            break;
        }
    }
    if (e == NULL) {
        note(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED, "component ", c->name,
             ": unknown component");
        return;
    }
    for (d = moat_json_child(moat_json_get(e, "digests")); d != NULL; d = moat_json_next(d)) {
        if (digest_entry(d, &alg, dig, &ref_svn) && alg == c->alg &&
            memcmp(dig, c->digest, c->digest_len) == 0) {
            found = true;
            declared = ref_svn;
        }
    }
    if (!found) {
        note(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED, "component ",
             c->name, ": digest not among the reference values");
    }
    if (found && declared >= 0) {
        if (c->has_svn && c->svn != (uint64_t)declared) {
            note_svn(a, c->name, c->svn, " differs from the reference value's ",
                     (uint64_t)declared);
        }
        has_svn = true;
        svn = (uint64_t)declared;
    }
    v = moat_json_get(e, "min_svn");
    if (v != NULL && moat_json_int(v, 0, MOAT_EAT_JSON_INT_MAX, &min_svn) == MOAT_OK &&
        (!has_svn || svn < (uint64_t)min_svn)) {
        note_svn(a, c->name, has_svn ? svn : 0u, " below the minimum ", (uint64_t)min_svn);
    }
    v = moat_json_get(e, "versions");
    if (v != NULL) {
        found = false;
        for (d = moat_json_child(v); d != NULL; d = moat_json_next(d)) {
            if (moat_json_string(d, &s, &slen) == MOAT_OK && slen == strlen(c->version) &&
                memcmp(s, c->version, slen) == 0) {
                found = true;
            }
        }
        if (!found) {
            note(a, &a->executables, "executables", MOAT_AR_WARNING, "component ", c->name,
                 ": version not among the reference values");
        }
    }
}

/* Every reference component must be reported. */
static void appraise_missing(appraisal *a, const moat_json *entries, const moat_eat_evidence *ev)
{
    const moat_json *e;
    const char *s = NULL;
    size_t slen = 0, i;
    char name[MOAT_EAT_STRING_MAX + 1u];

    for (e = moat_json_child(entries); e != NULL; e = moat_json_next(e)) {
        for (i = 0; i < ev->component_count; i++) {
            if (same_name(e, ev->components[i].name)) {
                break;
            }
        }
        if (i == ev->component_count &&
            moat_json_get_string(e, "name", &s, &slen) == MOAT_OK && slen <= MOAT_EAT_STRING_MAX) {
            memcpy(name, s, slen);
            name[slen] = '\0';
            note(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED, "component ", name,
                 ": missing");
        }
    }
}

/* The layers below the firmware's: their certified code hashes. */
static void appraise_boot_layers(appraisal *a, const moat_json *model,
                                 const moat_eat_evidence *ev)
{
    const moat_json *list = moat_json_get(model, "boot_layers"), *layer, *h;
    size_t lower = ev->layer_count > 0 ? ev->layer_count - 1u : 0u;
    size_t i = 0, n = 0;
    uint8_t dig[MOAT_DICE_HASH_SIZE];
    bool found;
    char num[24];

    if (moat_json_size(list) != lower) {
        u64_text(lower, num);
        note(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED,
             "boot layers: ", num,
             " certified below the firmware, a different number in the reference values");
    }
    for (layer = moat_json_child(list); layer != NULL && i < lower;
         layer = moat_json_next(layer), i++) {
        found = false;
        for (h = moat_json_child(layer); h != NULL; h = moat_json_next(h)) {
            if (moat_eat_get_b64url(h, dig, sizeof(dig), sizeof(dig), &n) &&
                memcmp(dig, ev->layers[i].code_hash, sizeof(dig)) == 0) {
                found = true;
            }
        }
        if (!found) {
            u64_text(i + 1u, num);
            note(a, &a->executables, "executables", MOAT_AR_CONTRAINDICATED, "boot layer ", num,
                 ": certified code hash not among the reference values");
        }
    }
}

static void write_result(moat_json_writer *w, const moat_eat_evidence *ev,
                         const appraisal *a, moat_ar_status overall, int64_t now)
{
    size_t i;
    moat_json_write_cstr(w, "{\"eat_profile\":\"" MOAT_AR_PROFILE "\",\"iat\":");
    moat_json_write_int(w, now);
    moat_json_write_cstr(w, ",\"ear.verifier-id\":{\"developer\":\"moat\",\"build\":\"moat "
                            MOAT_VERSION_STRING "\"},\"ear.status\":\"");
    moat_json_write_cstr(w, moat_ar_status_name(overall));
    moat_json_write_cstr(w, "\",\"submods\":{\"device\":{\"ear.status\":\"");
    moat_json_write_cstr(w, moat_ar_status_name(overall));
    moat_json_write_cstr(w, "\",\"ear.trustworthiness-vector\":{\"instance-identity\":");
    moat_json_write_int(w, (int64_t)a->identity);
    moat_json_write_cstr(w, ",\"hardware\":");
    moat_json_write_int(w, (int64_t)a->hardware);
    moat_json_write_cstr(w, ",\"executables\":");
    moat_json_write_int(w, (int64_t)a->executables);
    moat_json_write_cstr(w, ",\"configuration\":");
    moat_json_write_int(w, (int64_t)a->configuration);
    moat_json_write_cstr(w, "},\"moat.ueid\":");
    moat_eat_write_b64url(w, ev->ueid, MOAT_EAT_UEID_SIZE);
    moat_json_write_cstr(w, ",\"moat.hwmodel\":");
    moat_eat_write_b64url(w, ev->hwmodel, ev->hwmodel_len);
    moat_json_write_cstr(w, ",\"moat.eat_nonce\":");
    moat_eat_write_b64url(w, ev->nonce, ev->nonce_len);
    moat_json_write_cstr(w, ",\"moat.reasons\":[");
    for (i = 0; i < a->nreasons; i++) {
        moat_json_write_cstr(w, i == 0 ? "{\"group\":\"" : ",{\"group\":\"");
        moat_json_write_cstr(w, a->reasons[i].group);
        moat_json_write_cstr(w, "\",\"status\":\"");
        moat_json_write_cstr(w, moat_ar_status_name(a->reasons[i].status));
        moat_json_write_cstr(w, "\",\"reason\":");
        moat_json_write_string(w, a->reasons[i].text, strlen(a->reasons[i].text));
        moat_json_write_cstr(w, "}");
    }
    moat_json_write_cstr(w, "]}}}");
}

moat_err moat_attest_appraise(const moat_eat_evidence *ev, const char *refvals,
                              size_t refvals_len, int64_t now, void *work,
                              size_t work_size, char *out, size_t out_cap,
                              size_t *out_len, moat_ar_status *status)
{
    const moat_json *root = NULL, *model, *el;
    const char *s = NULL;
    size_t slen = 0, i;
    moat_eat_dbgstat d;
    bool dbg_ok = false, dbg_enabled_ok = false;
    moat_json_writer w;
    appraisal a;
    moat_ar_status overall;
    moat_err e;

    if (status != NULL) {
        *status = MOAT_AR_NONE;
    }
    if (out_len == NULL || (out == NULL && out_cap != 0)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0;
    if (out != NULL) {
        moat_wipe(out, out_cap);
    }
    if (ev == NULL || refvals == NULL || ev->component_count > MOAT_EAT_MAX_MEASUREMENTS ||
        ev->layer_count > MOAT_EAT_MAX_LAYERS) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    e = refvals_parse(refvals, refvals_len, work, work_size, &root);
    if (e != MOAT_OK) {
        if (work != NULL) {
            moat_wipe(work, work_size);
        }
        return e;
    }
    model = find_model(root, ev);
    if (model == NULL) {
        moat_wipe(work, work_size);
        return MOAT_ERR_REFVAL_UNKNOWN_MODEL;
    }
    memset(&a, 0, sizeof(a));
    /* The evidence verified: chain to a trusted DeviceID, known model. */
    a.identity = MOAT_AR_AFFIRMING;
    a.hardware = MOAT_AR_AFFIRMING;
    a.executables = MOAT_AR_AFFIRMING;
    a.configuration = MOAT_AR_AFFIRMING;
    for (i = 0; i < ev->component_count; i++) {
        appraise_component(&a, moat_json_get(model, "components"), &ev->components[i]);
    }
    appraise_missing(&a, moat_json_get(model, "components"), ev);
    appraise_boot_layers(&a, model, ev);
    for (el = moat_json_child(moat_json_get(model, "dbgstat")); el != NULL;
         el = moat_json_next(el)) {
        if (moat_json_string(el, &s, &slen) == MOAT_OK && moat_eat_dbgstat_parse(s, slen, &d)) {
            dbg_ok = dbg_ok || d == ev->dbgstat;
            dbg_enabled_ok = dbg_enabled_ok || d == MOAT_EAT_DBG_ENABLED;
        }
    }
    if (!dbg_ok) {
        note(&a, &a.configuration, "configuration", MOAT_AR_CONTRAINDICATED, "dbgstat ",
             moat_eat_dbgstat_name(ev->dbgstat), " not allowed for this hwmodel");
    }
    for (i = 0; i < ev->layer_count; i++) {
        if (ev->layers[i].mode != MOAT_DICE_MODE_NORMAL && !dbg_enabled_ok) {
            char num[24];
            u64_text(i + 1u, num);
            note(&a, &a.configuration, "configuration", MOAT_AR_CONTRAINDICATED, "dice layer ",
                 num, ": mode not normal");
        }
    }
    moat_wipe(work, work_size);
    overall = worst(worst(a.identity, a.hardware), worst(a.executables, a.configuration));

    moat_json_writer_init(&w, out, out_cap);
    write_result(&w, ev, &a, overall, now);
    e = moat_json_writer_finish(&w, out_len);
    if (e == MOAT_OK && *out_len > MOAT_AR_MAX) {
        e = MOAT_ERR_INTERNAL;
    }
    if (e != MOAT_OK) {
        if (e != MOAT_ERR_BUFFER_TOO_SMALL) {
            *out_len = 0;
        }
        if (out != NULL) {
            moat_wipe(out, out_cap);
        }
        return e;
    }
    if (status != NULL) {
        *status = overall;
    }
    return MOAT_OK;
}

moat_err moat_attest_result_sign(const char *result, size_t result_len,
                                 const moat_signer *verifier, char *out,
                                 size_t out_cap, size_t *out_len)
{
    moat_jws_sign_opts opts;
    if (result == NULL) {
        if (out_len != NULL) {
            *out_len = 0;
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (result_len > MOAT_AR_MAX) {
        if (out_len != NULL) {
            *out_len = 0;
        }
        return MOAT_ERR_INPUT_TOO_LARGE;
    }
    memset(&opts, 0, sizeof(opts));
    opts.typ = "JWT";
    return moat_jws_sign_compact_ex(verifier, &opts, (const uint8_t *)result, result_len,
                                    out, out_cap, out_len);
}
