/*
 * libFuzzer harness: bounded JSON parsing (moat_json_parse) and the writer.
 * On success the tree is walked through the public accessors, every string
 * and member name is re-serialized with the writer and parsed back (it must
 * give the same bytes); on failure the arena must have been wiped and the
 * validate-only entry point must agree on the error.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/core.h"
#include "moat/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ARENA MOAT_JSON_ARENA_SIZE(MOAT_JSON_DEFAULT_MAX_INPUT, MOAT_JSON_DEFAULT_MAX_MEMBERS)
/* a string of max length where every byte needs \u00XX, quoted */
#define FUZZ_WRITE_CAP (MOAT_JSON_DEFAULT_MAX_STRING * 6u + 3u)

static _Alignas(16) unsigned char g_arena[FUZZ_ARENA];
static _Alignas(16) unsigned char g_arena2[MOAT_JSON_ARENA_SIZE(FUZZ_WRITE_CAP, 1u)];
static char g_out[FUZZ_WRITE_CAP];

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

/* Write @p s as a JSON string, parse it back, compare. */
static void round_trip(const char *s, size_t len)
{
    moat_json_writer w;
    moat_json_limits lim = {0};
    const moat_json *back = NULL;
    const char *t = NULL;
    size_t n = 0;
    size_t tl = 0;

    moat_json_writer_init(&w, g_out, sizeof g_out);
    moat_json_write_string(&w, s, len);
    check(moat_json_writer_finish(&w, &n) == MOAT_OK);
    lim.max_input = sizeof g_out;
    check(moat_json_parse(g_out, n, &lim, g_arena2, sizeof g_arena2, &back) == MOAT_OK);
    check(moat_json_string(back, &t, &tl) == MOAT_OK);
    check(tl == len && memcmp(t, s, len) == 0);
}

static void visit(const moat_json *v)
{
    const char *s = NULL;
    size_t len = 0;
    int64_t i = 0;
    bool b = false;

    if (moat_json_name(v) != NULL) {
        const char *name = moat_json_name(v);
        round_trip(name, strlen(name));
    }
    switch (moat_json_type_of(v)) {
    case MOAT_JSON_STRING:
        check(moat_json_string(v, &s, &len) == MOAT_OK);
        check(len <= MOAT_JSON_DEFAULT_MAX_STRING);
        round_trip(s, len);
        break;
    case MOAT_JSON_NUMBER: {
        moat_err e = moat_json_int(v, INT64_MIN, INT64_MAX, &i);
        check(e == MOAT_OK || (e == MOAT_ERR_JSON_RANGE && i == 0));
        break;
    }
    case MOAT_JSON_TRUE:
    case MOAT_JSON_FALSE:
        check(moat_json_bool(v, &b) == MOAT_OK);
        check(b == (moat_json_type_of(v) == MOAT_JSON_TRUE));
        break;
    case MOAT_JSON_NULL:
    case MOAT_JSON_ARRAY:
    case MOAT_JSON_OBJECT:
        check(moat_json_string(v, &s, &len) == MOAT_ERR_JSON_TYPE);
        break;
    default:
        abort();
    }
}

/* Iterative walk; returns the number of values. */
static size_t walk(const moat_json *root)
{
    const moat_json *it[MOAT_JSON_MAX_DEPTH_CAP + 1u];
    size_t d = 0;
    size_t count = 1;

    visit(root);
    if (moat_json_child(root) == NULL) {
        return count;
    }
    it[d++] = moat_json_child(root);
    while (d > 0u) {
        const moat_json *cur = it[d - 1u];
        if (cur == NULL) {
            d--;
            continue;
        }
        it[d - 1u] = moat_json_next(cur);
        count++;
        visit(cur);
        if (moat_json_child(cur) != NULL) {
            check(d < MOAT_JSON_DEFAULT_MAX_DEPTH);
            it[d++] = moat_json_child(cur);
        }
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const moat_json *root = NULL;
    size_t need = 0;
    moat_err e = moat_json_parse((const char *)data, size, NULL, g_arena, sizeof g_arena, &root);
    moat_err ev = moat_json_validate((const char *)data, size, NULL, &need);

    if (e == MOAT_OK) {
        size_t values;
        check(root != NULL);
        check(ev == MOAT_OK);
        values = walk(root);
        check(values <= MOAT_JSON_DEFAULT_MAX_MEMBERS);
        check(need <= MOAT_JSON_ARENA_SIZE(size, values));
    } else {
        check(root == NULL);
        check(moat_ct_is_zero(g_arena, sizeof g_arena) == 1u);
        if (e == MOAT_ERR_JSON_DUPLICATE_KEY) {
            check(ev == MOAT_OK);
        } else {
            check(ev == e);
        }
        check(e != MOAT_ERR_INTERNAL && e != MOAT_ERR_JSON_ARENA);
    }
    return 0;
}
