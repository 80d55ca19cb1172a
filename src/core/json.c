/**
 * @file json.c
 * @brief Bounded, strict JSON parsing over cJSON (see include/moat/json.h and
 *        docs/json.md).
 *
 * Pass 1 (validate()): an iterative RFC 8259 validator that allocates
 * nothing. It checks the grammar (section 2-7), UTF-8 per RFC 3629 section 4,
 * escapes (section 7, surrogate pairs per RFC 2781 section 2.2), numbers
 * (section 6), and moat's bounds, and computes an upper bound of the arena
 * bytes cJSON will request for the tree.
 *
 * Pass 2: cJSON_ParseWithLengthOpts() with cJSON's allocation hooks pointing at
 * a bump allocator over the caller's arena, selected by a thread-local pointer.
 * The tree is never cJSON_Delete()d: it lives in the arena.
 *
 * Pass 3: duplicate member names are rejected at every level (RFC 8259
 * section 4 leaves them unspecified; moat refuses them, as RFC 7515 section 5.2
 * requires for JOSE headers).
 *
 * Pass 4: cJSON keeps numbers only as doubles, so the text form is lost. A
 * walk of the tree in document order, in step with a scan of the (already
 * validated) text for number tokens, sets JSON_FLAG_INT_LITERAL in the
 * `type` of every number written without fraction or exponent (RFC 8259
 * section 6: "int" alone); moat_json_int() accepts only those.
 *
 * This is the only place in src/ that may touch the heap, and only when
 * MOAT_JSON_HEAP_FALLBACK is defined and no moat parse is active on the
 * calling thread (other cJSON users in a hosted process).
 */
#include "moat/json.h"
#include "moat/core.h"

#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_internal.h"

#ifdef MOAT_JSON_HEAP_FALLBACK
#include <stdlib.h>
#endif

/** Alignment of every arena allocation. */
#define JSON_ARENA_ALIGN ((size_t)16u)
/** Bytes cJSON requests for a string beyond its raw length (see pass 1). */
#define JSON_STRING_OVERHEAD ((size_t)2u)
/** 2^53 - 1: the largest integer every double represents exactly. */
#define JSON_MAX_SAFE_INT 9007199254740991.0
/** Flag in a number node's `type`: its literal was an integer ("-"? int, no
 *  fraction or exponent). Above cJSON's type byte and its IsReference /
 *  StringIsConst flags; cJSON itself masks types with 0xFF. */
#define JSON_FLAG_INT_LITERAL (1 << 12)

_Static_assert((JSON_FLAG_INT_LITERAL & (0xFF | cJSON_IsReference | cJSON_StringIsConst)) == 0,
               "JSON_FLAG_INT_LITERAL must not overlap cJSON's type bits");

/* ------------------------------------------------------------- helpers */

static size_t sat_add(size_t a, size_t b)
{
    return (a > SIZE_MAX - b) ? SIZE_MAX : a + b;
}

/* Round up to JSON_ARENA_ALIGN, saturating. */
static size_t align_up(size_t n)
{
    if (n > SIZE_MAX - (JSON_ARENA_ALIGN - 1u)) {
        return SIZE_MAX;
    }
    return (n + JSON_ARENA_ALIGN - 1u) & ~(JSON_ARENA_ALIGN - 1u);
}

size_t moat_json_utf8_seq_(const unsigned char *p, size_t n)
{
    /* RFC 3629 section 4, UTF8-2 .. UTF8-4: the second byte's range is what
     * excludes overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
    unsigned c = p[0];
    size_t need;
    size_t i;
    unsigned lo = 0x80u;
    unsigned hi = 0xBFu;

    if (c < 0x80u) {
        return 1u;
    }
    if (c < 0xC2u) { /* continuation byte, or overlong C0/C1 lead */
        return 0u;
    }
    if (c < 0xE0u) {
        need = 2u;
    } else if (c < 0xF0u) {
        need = 3u;
        if (c == 0xE0u) {
            lo = 0xA0u;
        } else if (c == 0xEDu) {
            hi = 0x9Fu;
        }
    } else if (c < 0xF5u) {
        need = 4u;
        if (c == 0xF0u) {
            lo = 0x90u;
        } else if (c == 0xF4u) {
            hi = 0x8Fu;
        }
    } else {
        return 0u;
    }
    if (n < need || p[1] < lo || p[1] > hi) {
        return 0u;
    }
    for (i = 2u; i < need; i++) {
        if ((p[i] & 0xC0u) != 0x80u) {
            return 0u;
        }
    }
    return need;
}

/* ------------------------------------------------------ pass 1: validate */

typedef struct json_vctx {
    const unsigned char *s;
    size_t len;
    size_t pos;
    size_t max_depth;
    size_t max_members;
    size_t max_string;
    size_t values;
    size_t arena; /* bytes of arena needed so far (excluding base alignment) */
    size_t node;  /* aligned node size */
} json_vctx;

static void resolve_limits(const moat_json_limits *limits, size_t *max_input,
                           size_t *max_depth, size_t *max_members, size_t *max_string)
{
    *max_input = MOAT_JSON_DEFAULT_MAX_INPUT;
    *max_depth = MOAT_JSON_DEFAULT_MAX_DEPTH;
    *max_members = MOAT_JSON_DEFAULT_MAX_MEMBERS;
    *max_string = MOAT_JSON_DEFAULT_MAX_STRING;
    if (limits != NULL) {
        if (limits->max_input != 0u) {
            *max_input = limits->max_input;
        }
        if (limits->max_depth != 0u) {
            *max_depth = limits->max_depth;
        }
        if (limits->max_members != 0u) {
            *max_members = limits->max_members;
        }
        if (limits->max_string != 0u) {
            *max_string = limits->max_string;
        }
    }
    if (*max_depth > MOAT_JSON_MAX_DEPTH_CAP) {
        *max_depth = MOAT_JSON_MAX_DEPTH_CAP;
    }
}

static bool is_ws(unsigned char c)
{
    /* RFC 8259 section 2: ws = space, horizontal tab, line feed, carriage return */
    return c == 0x20u || c == 0x09u || c == 0x0Au || c == 0x0Du;
}

static void skip_ws(json_vctx *v)
{
    while (v->pos < v->len && is_ws(v->s[v->pos])) {
        v->pos++;
    }
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex_nibble(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return (int)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (int)(c - 'a') + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return (int)(c - 'A') + 10;
    }
    return -1;
}

/* Reads the 4 hex digits of a \u escape starting at s[at]. */
static moat_err read_hex4(const json_vctx *v, size_t at, unsigned *cu)
{
    unsigned r = 0u;
    size_t i;

    if (at > v->len || v->len - at < 4u) {
        return MOAT_ERR_JSON_SYNTAX;
    }
    for (i = 0; i < 4u; i++) {
        int d = hex_nibble(v->s[at + i]);
        if (d < 0) {
            return MOAT_ERR_JSON_SYNTAX;
        }
        r = (r << 4) | (unsigned)d;
    }
    *cu = r;
    return MOAT_OK;
}

/* String starting at the opening quote v->pos (RFC 8259 section 7). */
static moat_err scan_string(json_vctx *v)
{
    size_t start = v->pos + 1u;
    size_t i = start;
    size_t out = 0u; /* bytes after unescaping */
    moat_err e;

    for (;;) {
        unsigned char c;

        if (i >= v->len) {
            return MOAT_ERR_JSON_SYNTAX; /* unterminated */
        }
        c = v->s[i];
        if (c == '"') {
            break;
        }
        if (c < 0x20u) {
            return MOAT_ERR_JSON_SYNTAX; /* control characters must be escaped */
        }
        if (c == '\\') {
            unsigned char x;
            unsigned cu;

            if (i + 1u >= v->len) {
                return MOAT_ERR_JSON_SYNTAX;
            }
            x = v->s[i + 1u];
            switch (x) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                out += 1u;
                i += 2u;
                break;
            case 'u':
                e = read_hex4(v, i + 2u, &cu);
                if (e != MOAT_OK) {
                    return e;
                }
                i += 6u;
                if (cu == 0u) {
                    return MOAT_ERR_JSON_NUL_CHAR;
                }
                if (cu >= 0xDC00u && cu <= 0xDFFFu) {
                    return MOAT_ERR_JSON_SURROGATE; /* lone low surrogate */
                }
                if (cu >= 0xD800u && cu <= 0xDBFFu) {
                    unsigned lo;
                    if (i + 1u >= v->len || v->s[i] != '\\' || v->s[i + 1u] != 'u') {
                        return MOAT_ERR_JSON_SURROGATE; /* lone high surrogate */
                    }
                    e = read_hex4(v, i + 2u, &lo);
                    if (e != MOAT_OK) {
                        return e;
                    }
                    if (lo < 0xDC00u || lo > 0xDFFFu) {
                        return MOAT_ERR_JSON_SURROGATE; /* high not followed by low */
                    }
                    i += 6u;
                    out += 4u;
                } else {
                    out += (cu < 0x80u) ? 1u : (cu < 0x800u) ? 2u : 3u;
                }
                break;
            default:
                return MOAT_ERR_JSON_SYNTAX;
            }
        } else if (c < 0x80u) {
            out += 1u;
            i += 1u;
        } else {
            size_t n = moat_json_utf8_seq_(v->s + i, v->len - i);
            if (n == 0u) {
                return MOAT_ERR_JSON_UTF8;
            }
            out += n;
            i += n;
        }
        if (out > v->max_string) {
            return MOAT_ERR_JSON_STRING_TOO_LONG;
        }
    }
    /* cJSON allocates (raw length - escapes + 2) bytes for a string (value or
     * member name); raw length + 2 is an upper bound. */
    v->arena = sat_add(v->arena, align_up(sat_add(i - start, JSON_STRING_OVERHEAD)));
    v->pos = i + 1u;
    return MOAT_OK;
}

static bool number_tail_char(unsigned char c)
{
    return is_digit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' ||
           (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Number at v->pos (RFC 8259 section 6):
 * [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ). */
static moat_err scan_number(json_vctx *v)
{
    size_t start = v->pos;
    size_t i = start;
    const unsigned char *s = v->s;

    if (s[i] == '-') {
        i++;
    }
    if (i >= v->len || !is_digit(s[i])) {
        return MOAT_ERR_JSON_NUMBER; /* "-", "-Infinity", "-.5" */
    }
    if (s[i] == '0') {
        i++;
    } else {
        while (i < v->len && is_digit(s[i])) {
            i++;
        }
    }
    if (i < v->len && s[i] == '.') {
        i++;
        if (i >= v->len || !is_digit(s[i])) {
            return MOAT_ERR_JSON_NUMBER; /* "1." */
        }
        while (i < v->len && is_digit(s[i])) {
            i++;
        }
    }
    if (i < v->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < v->len && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        if (i >= v->len || !is_digit(s[i])) {
            return MOAT_ERR_JSON_NUMBER; /* "1e", "1e+" */
        }
        while (i < v->len && is_digit(s[i])) {
            i++;
        }
    }
    if (i < v->len && number_tail_char(s[i])) {
        return MOAT_ERR_JSON_NUMBER; /* "01", "1.2.3", "0x1", "1a" */
    }
    if (i - start > MOAT_JSON_MAX_NUMBER_LEN) {
        return MOAT_ERR_JSON_NUMBER;
    }
    /* Patched cJSON builds (e.g. Debian's 1.7.15-1+deb12u*, upstream >= 1.7.18)
     * copy the number into an allocation of (length + 1) bytes; count it. */
    v->arena = sat_add(v->arena, align_up(i - start + 1u));
    v->pos = i;
    return MOAT_OK;
}

static moat_err scan_literal(json_vctx *v)
{
    static const char *const lits[] = {"true", "false", "null"};
    size_t k;

    for (k = 0; k < sizeof lits / sizeof lits[0]; k++) {
        size_t n = strlen(lits[k]);
        if (v->len - v->pos >= n && memcmp(v->s + v->pos, lits[k], n) == 0) {
            v->pos += n;
            return MOAT_OK;
        }
    }
    /* "nan", "inf", "infinity" in any case: a number JSON cannot express. */
    if (v->len - v->pos >= 3u) {
        char w[3];
        size_t j;
        for (j = 0; j < 3u; j++) {
            unsigned char c = v->s[v->pos + j];
            w[j] = (char)((c >= 'A' && c <= 'Z') ? (c - 'A' + 'a') : c);
        }
        if (memcmp(w, "nan", 3) == 0 || memcmp(w, "inf", 3) == 0) {
            return MOAT_ERR_JSON_NUMBER;
        }
    }
    return MOAT_ERR_JSON_SYNTAX;
}

enum json_vstate {
    JV_VALUE,      /* a value is required */
    JV_KEY,        /* a member name is required (after '{' + ws, or ',') */
    JV_AFTER_VALUE /* ',' or the closing bracket (or end at depth 0) */
};

/* The whole first pass. The text length was already checked. */
static moat_err validate(json_vctx *v)
{
    uint64_t kinds = 0u; /* bit d-1 set: the container at depth d is an object */
    size_t depth = 0u;
    enum json_vstate st = JV_VALUE;
    moat_err e;

    for (;;) {
        unsigned char c;

        skip_ws(v);
        if (st == JV_AFTER_VALUE && depth == 0u) {
            break;
        }
        if (v->pos >= v->len) {
            return MOAT_ERR_JSON_SYNTAX; /* empty input or unterminated */
        }
        c = v->s[v->pos];

        if (st == JV_KEY) {
            if (c != '"') {
                return MOAT_ERR_JSON_SYNTAX;
            }
            e = scan_string(v);
            if (e != MOAT_OK) {
                return e;
            }
            skip_ws(v);
            if (v->pos >= v->len || v->s[v->pos] != ':') {
                return MOAT_ERR_JSON_SYNTAX;
            }
            v->pos++;
            st = JV_VALUE;
            continue;
        }

        if (st == JV_AFTER_VALUE) {
            bool in_object = ((kinds >> (depth - 1u)) & 1u) != 0u;
            if (c == ',') {
                v->pos++;
                st = in_object ? JV_KEY : JV_VALUE;
            } else if ((c == '}' && in_object) || (c == ']' && !in_object)) {
                v->pos++;
                kinds &= ~((uint64_t)1u << (depth - 1u));
                depth--;
                st = JV_AFTER_VALUE;
            } else {
                return MOAT_ERR_JSON_SYNTAX;
            }
            continue;
        }

        /* JV_VALUE: every value takes one cJSON node. */
        v->values++;
        if (v->values > v->max_members) {
            return MOAT_ERR_JSON_TOO_MANY_MEMBERS;
        }
        v->arena = sat_add(v->arena, v->node);
        if (c == '{' || c == '[') {
            if (depth >= v->max_depth) {
                return MOAT_ERR_JSON_DEPTH;
            }
            depth++;
            if (c == '{') {
                kinds |= (uint64_t)1u << (depth - 1u);
            }
            v->pos++;
            skip_ws(v);
            if (v->pos < v->len && v->s[v->pos] == (unsigned char)(c == '{' ? '}' : ']')) {
                v->pos++; /* empty container */
                kinds &= ~((uint64_t)1u << (depth - 1u));
                depth--;
                st = JV_AFTER_VALUE;
            } else {
                st = (c == '{') ? JV_KEY : JV_VALUE;
            }
            continue;
        }
        if (c == '"') {
            e = scan_string(v);
        } else if (c == '-' || is_digit(c)) {
            e = scan_number(v);
        } else if (c == '+' || c == '.') {
            e = MOAT_ERR_JSON_NUMBER; /* "+1", ".5" */
        } else {
            e = scan_literal(v); /* true false null; NaN Infinity -> NUMBER */
        }
        if (e != MOAT_OK) {
            return e;
        }
        st = JV_AFTER_VALUE;
    }
    if (v->pos != v->len) {
        return MOAT_ERR_JSON_TRAILING;
    }
    return MOAT_OK;
}

static moat_err run_validator(const char *text, size_t len, const moat_json_limits *limits,
                              json_vctx *v)
{
    size_t max_input;

    memset(v, 0, sizeof *v);
    resolve_limits(limits, &max_input, &v->max_depth, &v->max_members, &v->max_string);
    if (text == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* Size first: a huge input fails before a single byte is scanned. */
    if (len > max_input) {
        return MOAT_ERR_JSON_TOO_LARGE;
    }
    v->s = (const unsigned char *)text;
    v->len = len;
    v->node = align_up(sizeof(cJSON));
    return validate(v);
}

moat_err moat_json_validate(const char *text, size_t len, const moat_json_limits *limits,
                            size_t *arena_needed)
{
    json_vctx v;
    moat_err e = run_validator(text, len, limits, &v);

    if (arena_needed != NULL) {
        /* worst-case base alignment slack included */
        *arena_needed = (e == MOAT_OK) ? sat_add(v.arena, JSON_ARENA_ALIGN - 1u) : 0u;
    }
    return e;
}

/* ------------------------------------------------ pass 2: arena + cJSON */

typedef struct json_arena {
    uintptr_t lo;  /* arena bounds, for recognising our pointers in free */
    uintptr_t hi;
    unsigned char *next;
    size_t left;
    bool exhausted;
} json_arena;

/* The arena of the parse running on this thread, or NULL. */
static _Thread_local json_arena *json_active_arena;
/* Set once the cJSON hooks are installed (see moat_json_init()). */
static bool json_hooks_installed;

static void *json_arena_malloc(size_t n)
{
    json_arena *a = json_active_arena;
    size_t need;
    void *p;

    if (a == NULL) {
#ifdef MOAT_JSON_HEAP_FALLBACK
        return malloc(n);
#else
        return NULL;
#endif
    }
    need = align_up(n == 0u ? 1u : n);
    if (need > a->left) {
        a->exhausted = true;
        return NULL;
    }
    p = a->next;
    a->next += need;
    a->left -= need;
    return p;
}

static void json_arena_free(void *p)
{
    json_arena *a = json_active_arena;
    uintptr_t u = (uintptr_t)p;

    if (p == NULL) {
        return;
    }
    if (a != NULL && u >= a->lo && u < a->hi) {
        return; /* arena memory: released with the arena */
    }
#ifdef MOAT_JSON_HEAP_FALLBACK
    free(p);
#endif
}

void moat_json_init(void)
{
    cJSON_Hooks hooks;
    hooks.malloc_fn = json_arena_malloc;
    hooks.free_fn = json_arena_free;
    cJSON_InitHooks(&hooks);
    json_hooks_installed = true;
}

/* First use installs the hooks; later parses trust them, and detect (after
 * the fact, failing closed) that another component replaced them. */
static void json_hooks_ensure(void)
{
    if (!json_hooks_installed) {
        moat_json_init();
    }
}

/* ------------------------------------- pass 3: duplicate member names */

static bool is_container(const cJSON *n)
{
    return (n->type & (cJSON_Array | cJSON_Object)) != 0;
}

static moat_err check_object_names(const cJSON *obj)
{
    const cJSON *a;
    const cJSON *b;

    for (a = obj->child; a != NULL; a = a->next) {
        if (a->string == NULL) {
            return MOAT_ERR_INTERNAL;
        }
        for (b = a->next; b != NULL; b = b->next) {
            if (b->string != NULL && strcmp(a->string, b->string) == 0) {
                return MOAT_ERR_JSON_DUPLICATE_KEY;
            }
        }
    }
    return MOAT_OK;
}

/* Iterative walk: one "next child to visit" per open container, so the
 * stack is bounded by the validated depth (<= MOAT_JSON_MAX_DEPTH_CAP). */
static moat_err check_duplicates(const cJSON *root)
{
    const cJSON *it[MOAT_JSON_MAX_DEPTH_CAP + 1u];
    size_t d = 0u;
    moat_err e;

    if (!is_container(root)) {
        return MOAT_OK;
    }
    if ((root->type & cJSON_Object) != 0) {
        e = check_object_names(root);
        if (e != MOAT_OK) {
            return e;
        }
    }
    it[d++] = root->child;
    while (d > 0u) {
        const cJSON *cur = it[d - 1u];
        if (cur == NULL) {
            d--;
            continue;
        }
        it[d - 1u] = cur->next;
        if (is_container(cur)) {
            if ((cur->type & cJSON_Object) != 0) {
                e = check_object_names(cur);
                if (e != MOAT_OK) {
                    return e;
                }
            }
            if (d >= sizeof it / sizeof it[0]) {
                return MOAT_ERR_INTERNAL; /* deeper than validated: impossible */
            }
            it[d++] = cur->child;
        }
    }
    return MOAT_OK;
}

/* ------------------------------------ pass 4: integer-literal numbers */

/* Next number token at or after *pos in validated text: true with
 * *is_int set (no '.', 'e' or 'E' in it) and *pos after it, false at the
 * end. Outside strings only numbers contain '-' or digits (true, false and
 * null do not), and strings are skipped with their escapes. */
static bool next_number(const unsigned char *s, size_t len, size_t *pos, bool *is_int)
{
    size_t i = *pos;
    while (i < len) {
        unsigned char c = s[i];
        if (c == '"') {
            i++;
            while (i < len && s[i] != '"') {
                i += (s[i] == '\\') ? 2u : 1u;
            }
            i++;
            continue;
        }
        if (c == '-' || is_digit(c)) {
            bool integer = true;
            while (i < len && number_tail_char(s[i])) {
                if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
                    integer = false;
                }
                i++;
            }
            *pos = i;
            *is_int = integer;
            return true;
        }
        i++;
    }
    *pos = len;
    return false;
}

/* Tag one node if it is a number: its token is the next one in the text. */
static moat_err mark_node(cJSON *n, const unsigned char *s, size_t len, size_t *pos)
{
    bool is_int = false;
    if ((n->type & 0xFF) != cJSON_Number) {
        return MOAT_OK;
    }
    if (!next_number(s, len, pos, &is_int)) {
        return MOAT_ERR_INTERNAL; /* tree and text disagree: impossible */
    }
    if (is_int) {
        n->type |= JSON_FLAG_INT_LITERAL;
    }
    return MOAT_OK;
}

/* Pre-order walk (document order: cJSON keeps members and elements in text
 * order), bounded by the validated depth like check_duplicates(). */
static moat_err mark_integers(cJSON *root, const char *text, size_t len)
{
    cJSON *it[MOAT_JSON_MAX_DEPTH_CAP + 1u];
    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0u;
    size_t d = 0u;
    moat_err e = mark_node(root, s, len, &pos);

    if (e != MOAT_OK || !is_container(root)) {
        return e;
    }
    it[d++] = root->child;
    while (d > 0u) {
        cJSON *cur = it[d - 1u];
        if (cur == NULL) {
            d--;
            continue;
        }
        it[d - 1u] = cur->next;
        e = mark_node(cur, s, len, &pos);
        if (e != MOAT_OK) {
            return e;
        }
        if (is_container(cur)) {
            if (d >= sizeof it / sizeof it[0]) {
                return MOAT_ERR_INTERNAL; /* deeper than validated: impossible */
            }
            it[d++] = cur->child;
        }
    }
    return MOAT_OK;
}

/* ----------------------------------------------------------- the parse */

moat_err moat_json_parse(const char *text, size_t len, const moat_json_limits *limits,
                         void *arena, size_t arena_size, const moat_json **root)
{
    json_vctx v;
    json_arena a;
    json_arena *saved;
    const char *end = NULL;
    cJSON *tree;
    uintptr_t base;
    size_t skew;
    moat_err e;

    if (root != NULL) {
        *root = NULL;
    }
    if (root == NULL || arena == NULL) {
        if (arena != NULL) {
            moat_wipe(arena, arena_size);
        }
        return MOAT_ERR_INVALID_ARGUMENT;
    }

    e = run_validator(text, len, limits, &v);
    if (e != MOAT_OK) {
        goto fail;
    }

    base = (uintptr_t)arena;
    skew = (size_t)((JSON_ARENA_ALIGN - (base & (JSON_ARENA_ALIGN - 1u))) & (JSON_ARENA_ALIGN - 1u));
    if (arena_size < skew || arena_size - skew < v.arena) {
        e = MOAT_ERR_JSON_ARENA;
        goto fail;
    }
    a.lo = base;
    a.hi = base + arena_size;
    a.next = (unsigned char *)arena + skew;
    a.left = arena_size - skew;
    a.exhausted = false;

    json_hooks_ensure();
    saved = json_active_arena;
    json_active_arena = &a;
    tree = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    json_active_arena = saved;

    if (tree != NULL && ((uintptr_t)tree < a.lo || (uintptr_t)tree >= a.hi)) {
        /* Another component called cJSON_InitHooks() after moat: the tree
         * came from its allocator, not the caller's arena. Release it with
         * that allocator and fail closed (moat_json_init() reinstalls). */
        cJSON_Delete(tree);
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    if (tree == NULL) {
        e = a.exhausted ? MOAT_ERR_JSON_ARENA : MOAT_ERR_INTERNAL;
        goto fail;
    }
    /* cJSON must have consumed exactly the value the validator accepted. */
    if (end == NULL || end < text || (size_t)(end - text) > len) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }
    while ((size_t)(end - text) < len && is_ws((unsigned char)*end)) {
        end++;
    }
    if ((size_t)(end - text) != len) {
        e = MOAT_ERR_INTERNAL;
        goto fail;
    }

    e = check_duplicates(tree);
    if (e == MOAT_OK) {
        e = mark_integers(tree, text, len);
    }
    if (e != MOAT_OK) {
        goto fail;
    }
    *root = tree;
    return MOAT_OK;

fail:
    moat_wipe(arena, arena_size); /* nothing to cJSON_Delete: the tree is arena memory */
    *root = NULL;
    return e;
}

size_t moat_json_node_size(void)
{
    return sizeof(cJSON);
}

/* ------------------------------------------------------------ accessors */

moat_json_type moat_json_type_of(const moat_json *v)
{
    if (v == NULL) {
        return MOAT_JSON_INVALID;
    }
    switch (v->type & 0xFF) {
    case cJSON_NULL:
        return MOAT_JSON_NULL;
    case cJSON_False:
        return MOAT_JSON_FALSE;
    case cJSON_True:
        return MOAT_JSON_TRUE;
    case cJSON_Number:
        return MOAT_JSON_NUMBER;
    case cJSON_String:
        return MOAT_JSON_STRING;
    case cJSON_Array:
        return MOAT_JSON_ARRAY;
    case cJSON_Object:
        return MOAT_JSON_OBJECT;
    default:
        return MOAT_JSON_INVALID;
    }
}

const moat_json *moat_json_get(const moat_json *obj, const char *name)
{
    const cJSON *c;

    if (moat_json_type_of(obj) != MOAT_JSON_OBJECT || name == NULL) {
        return NULL;
    }
    /* exact, case-sensitive match (cJSON_GetObjectItem is case-insensitive) */
    for (c = obj->child; c != NULL; c = c->next) {
        if (c->string != NULL && strcmp(c->string, name) == 0) {
            return c;
        }
    }
    return NULL;
}

size_t moat_json_size(const moat_json *v)
{
    const cJSON *c;
    size_t n = 0u;
    moat_json_type t = moat_json_type_of(v);

    if (t != MOAT_JSON_OBJECT && t != MOAT_JSON_ARRAY) {
        return 0u;
    }
    for (c = v->child; c != NULL; c = c->next) {
        n++;
    }
    return n;
}

const moat_json *moat_json_child(const moat_json *v)
{
    moat_json_type t = moat_json_type_of(v);

    if (t != MOAT_JSON_OBJECT && t != MOAT_JSON_ARRAY) {
        return NULL;
    }
    return v->child;
}

const moat_json *moat_json_next(const moat_json *v)
{
    return (v == NULL) ? NULL : v->next;
}

const char *moat_json_name(const moat_json *v)
{
    return (v == NULL) ? NULL : v->string;
}

moat_err moat_json_string(const moat_json *v, const char **s, size_t *len)
{
    if (s != NULL) {
        *s = NULL;
    }
    if (len != NULL) {
        *len = 0u;
    }
    if (s == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (v == NULL) {
        return MOAT_ERR_JSON_MISSING;
    }
    if (moat_json_type_of(v) != MOAT_JSON_STRING || v->valuestring == NULL) {
        return MOAT_ERR_JSON_TYPE;
    }
    *s = v->valuestring;
    if (len != NULL) {
        *len = strlen(v->valuestring);
    }
    return MOAT_OK;
}

moat_err moat_json_int(const moat_json *v, int64_t min, int64_t max, int64_t *out)
{
    double d;
    int64_t i;

    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = 0;
    if (v == NULL) {
        return MOAT_ERR_JSON_MISSING;
    }
    if (moat_json_type_of(v) != MOAT_JSON_NUMBER) {
        return MOAT_ERR_JSON_TYPE;
    }
    if ((v->type & JSON_FLAG_INT_LITERAL) == 0) {
        return MOAT_ERR_JSON_RANGE; /* 1.0, 1e0, 5.0000000000000001: not integer literals */
    }
    d = v->valuedouble;
    /* written so that NaN fails too */
    if (!(d >= -JSON_MAX_SAFE_INT && d <= JSON_MAX_SAFE_INT)) {
        return MOAT_ERR_JSON_RANGE;
    }
    i = (int64_t)d;
    if ((double)i != d) {
        return MOAT_ERR_JSON_RANGE; /* fractional */
    }
    if (i < min || i > max) {
        return MOAT_ERR_JSON_RANGE;
    }
    *out = i;
    return MOAT_OK;
}

moat_err moat_json_bool(const moat_json *v, bool *out)
{
    moat_json_type t;

    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out = false;
    if (v == NULL) {
        return MOAT_ERR_JSON_MISSING;
    }
    t = moat_json_type_of(v);
    if (t != MOAT_JSON_TRUE && t != MOAT_JSON_FALSE) {
        return MOAT_ERR_JSON_TYPE;
    }
    *out = (t == MOAT_JSON_TRUE);
    return MOAT_OK;
}

moat_err moat_json_get_string(const moat_json *obj, const char *name, const char **s,
                              size_t *len)
{
    return moat_json_string(moat_json_get(obj, name), s, len);
}

moat_err moat_json_get_int(const moat_json *obj, const char *name, int64_t min, int64_t max,
                           int64_t *out)
{
    return moat_json_int(moat_json_get(obj, name), min, max, out);
}
