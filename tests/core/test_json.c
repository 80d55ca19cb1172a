/*
 * Unit tests for include/moat/json.h: the strict validator (RFC 8259,
 * RFC 3629), the arena-backed cJSON parse, duplicate names, accessors and the
 * bounded writer. Every negative case asserts the exact error code, that
 * *root was reset to NULL and that the whole arena was wiped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "moat/core.h"
#include "moat/json.h"

#ifdef MOAT_JSON_HEAP_FALLBACK
#include <cjson/cJSON.h>
#endif

#define FILL 0xA5u
#define ARENA_BYTES (256u * 1024u)

static _Alignas(16) unsigned char g_arena[ARENA_BYTES];

static void assert_wiped(const void *p, size_t n)
{
    const unsigned char *b = (const unsigned char *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0u) {
            fail_msg("byte %zu not wiped (0x%02x)", i, b[i]);
        }
    }
}

/* Parse that must fail with exactly @p want, reset root and wipe the arena. */
static void expect_fail_n(const char *text, size_t len, const moat_json_limits *lim, moat_err want)
{
    const moat_json *root = (const moat_json *)(uintptr_t)1u; /* sentinel */
    size_t need = 12345u;
    moat_err got;

    memset(g_arena, FILL, sizeof g_arena);
    got = moat_json_parse(text, len, lim, g_arena, sizeof g_arena, &root);
    if (got != want) {
        fail_msg("input '%.*s': got %s, want %s", (int)(len > 60u ? 60u : len), text,
                 moat_strerror_name(got), moat_strerror_name(want));
    }
    assert_null(root);
    assert_wiped(g_arena, sizeof g_arena);
    /* the validate-only entry point agrees (except pass-3 duplicate names) */
    if (want != MOAT_ERR_JSON_DUPLICATE_KEY && want != MOAT_ERR_JSON_ARENA) {
        assert_int_equal(moat_json_validate(text, len, lim, &need), want);
        assert_int_equal(need, 0);
    }
}

static void expect_fail(const char *text, moat_err want)
{
    expect_fail_n(text, strlen(text), NULL, want);
}

static const moat_json *parse_ok_n(const char *text, size_t len)
{
    const moat_json *root = NULL;
    moat_err e = moat_json_parse(text, len, NULL, g_arena, sizeof g_arena, &root);
    if (e != MOAT_OK) {
        fail_msg("input '%.*s': got %s", (int)(len > 60u ? 60u : len), text, moat_strerror_name(e));
    }
    assert_non_null(root);
    return root;
}

static const moat_json *parse_ok(const char *text)
{
    return parse_ok_n(text, strlen(text));
}

/* ------------------------------------------------------ duplicate names */

static void test_json_duplicate_key_top_level(void **state)
{
    (void)state;
    expect_fail("{\"a\":1,\"a\":2}", MOAT_ERR_JSON_DUPLICATE_KEY);
    expect_fail("{\"a\":1,\"b\":2,\"a\":{}}", MOAT_ERR_JSON_DUPLICATE_KEY);
    /* the same name spelled with an escape is the same name */
    expect_fail("{\"ab\":1,\"\\u0061b\":2}", MOAT_ERR_JSON_DUPLICATE_KEY);
    expect_fail("{\"\":1,\"\":2}", MOAT_ERR_JSON_DUPLICATE_KEY);
}

static void test_json_duplicate_key_nested(void **state)
{
    (void)state;
    expect_fail("{\"x\":{\"b\":1,\"b\":2}}", MOAT_ERR_JSON_DUPLICATE_KEY);
    expect_fail("[{\"k\":1},{\"k\":2,\"k\":3}]", MOAT_ERR_JSON_DUPLICATE_KEY);
    expect_fail("{\"a\":[1,[2,{\"z\":0,\"y\":1,\"z\":2}]],\"b\":3}", MOAT_ERR_JSON_DUPLICATE_KEY);
    /* same name at different levels or in sibling objects is fine */
    parse_ok("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
}

/* ------------------------------------------------------------- bounds */

static char g_deep[8192];

static void test_json_depth_1000(void **state)
{
    moat_json_limits lim = {0};
    size_t i;
    (void)state;
    for (i = 0; i < 1000u; i++) {
        g_deep[i] = '[';
        g_deep[1999u - i] = ']';
    }
    expect_fail_n(g_deep, 2000u, NULL, MOAT_ERR_JSON_DEPTH);
    /* a caller cannot lift the hard cap of 64 */
    lim.max_depth = 1000u;
    expect_fail_n(g_deep, 2000u, &lim, MOAT_ERR_JSON_DEPTH);
    /* nested objects too */
    for (i = 0; i < 999u; i++) { /* {"a":{"a": ... {} ... }} : 1000 objects */
        memcpy(g_deep + i * 5u, "{\"a\":", 5u);
    }
    memcpy(g_deep + 4995u, "{}", 2u);
    memset(g_deep + 4997u, '}', 999u);
    expect_fail_n(g_deep, 5996u, NULL, MOAT_ERR_JSON_DEPTH);
}

static void test_json_depth_limit_exact(void **state)
{
    moat_json_limits lim = {0};
    size_t i;
    (void)state;
    /* default 16: 16 levels pass, 17 fail */
    for (i = 0; i < 16u; i++) {
        g_deep[i] = '[';
        g_deep[31u - i] = ']';
    }
    parse_ok_n(g_deep, 32u);
    for (i = 0; i < 17u; i++) {
        g_deep[i] = '[';
        g_deep[33u - i] = ']';
    }
    expect_fail_n(g_deep, 34u, NULL, MOAT_ERR_JSON_DEPTH);
    /* the cap of 64 is reachable */
    lim.max_depth = 64u;
    for (i = 0; i < 64u; i++) {
        g_deep[i] = '[';
        g_deep[127u - i] = ']';
    }
    {
        const moat_json *root = NULL;
        assert_int_equal(moat_json_parse(g_deep, 128u, &lim, g_arena, sizeof g_arena, &root), MOAT_OK);
        assert_int_equal(moat_json_type_of(root), MOAT_JSON_ARRAY);
    }
    for (i = 0; i < 65u; i++) {
        g_deep[i] = '[';
        g_deep[129u - i] = ']';
    }
    expect_fail_n(g_deep, 130u, &lim, MOAT_ERR_JSON_DEPTH);
}

static void test_json_10mb_string(void **state)
{
    const size_t n = 10u * 1024u * 1024u;
    char *big = malloc(n);
    moat_json_limits lim = {0};
    (void)state;
    assert_non_null(big);
    memset(big, 'a', n);
    big[0] = '"';
    big[n - 1u] = '"';
    expect_fail_n(big, n, NULL, MOAT_ERR_JSON_TOO_LARGE);
    /* the size is checked before anything is scanned */
    big[0] = '\xff';
    expect_fail_n(big, n, NULL, MOAT_ERR_JSON_TOO_LARGE);
    /* with the input bound lifted, the string bound still holds */
    big[0] = '"';
    lim.max_input = n;
    expect_fail_n(big, n, &lim, MOAT_ERR_JSON_STRING_TOO_LONG);
    free(big);
}

static void test_json_too_many_members(void **state)
{
    moat_json_limits lim = {0};
    (void)state;
    lim.max_members = 4u; /* values: the root counts */
    parse_ok("[1,2,3]");
    {
        const moat_json *root = NULL;
        assert_int_equal(moat_json_parse("[1,2,3]", 7u, &lim, g_arena, sizeof g_arena, &root), MOAT_OK);
    }
    expect_fail_n("[1,2,3,4]", 9u, &lim, MOAT_ERR_JSON_TOO_MANY_MEMBERS);
    expect_fail_n("{\"a\":1,\"b\":2,\"c\":[0]}", 21u, &lim, MOAT_ERR_JSON_TOO_MANY_MEMBERS);
    {
        const moat_json *root = NULL;
        assert_int_equal(moat_json_parse("{\"a\":1,\"b\":2,\"c\":[]}", 20u, &lim, g_arena,
                                         sizeof g_arena, &root), MOAT_OK);
    }
}

static void test_json_string_too_long(void **state)
{
    moat_json_limits lim = {0};
    const moat_json *root = NULL;
    (void)state;
    lim.max_string = 4u;
    assert_int_equal(moat_json_parse("\"abcd\"", 6u, &lim, g_arena, sizeof g_arena, &root), MOAT_OK);
    expect_fail_n("\"abcde\"", 7u, &lim, MOAT_ERR_JSON_STRING_TOO_LONG);
    /* member names too */
    expect_fail_n("{\"abcde\":1}", 11u, &lim, MOAT_ERR_JSON_STRING_TOO_LONG);
    /* counted after unescaping: two U+00E9 are 4 bytes */
    assert_int_equal(moat_json_parse("\"\\u00e9\\u00e9\"", 14u, &lim, g_arena, sizeof g_arena, &root),
                     MOAT_OK);
    expect_fail_n("\"\\u00e9\\u00e9a\"", 15u, &lim, MOAT_ERR_JSON_STRING_TOO_LONG);
}

/* ------------------------------------------------------------- UTF-8 */

static void test_json_invalid_utf8(void **state)
{
    (void)state;
    expect_fail("\"\xc0\xaf\"", MOAT_ERR_JSON_UTF8);             /* overlong '/' (2 bytes) */
    expect_fail("\"\xc1\xbf\"", MOAT_ERR_JSON_UTF8);             /* overlong (C1 lead) */
    expect_fail("\"\xe0\x80\xaf\"", MOAT_ERR_JSON_UTF8);         /* overlong (3 bytes) */
    expect_fail("\"\xf0\x80\x80\xaf\"", MOAT_ERR_JSON_UTF8);     /* overlong (4 bytes) */
    expect_fail("\"\x80\"", MOAT_ERR_JSON_UTF8);                 /* stray continuation */
    expect_fail("\"a\xbf" "b\"", MOAT_ERR_JSON_UTF8);            /* stray continuation */
    expect_fail("\"\xe2\x82\"", MOAT_ERR_JSON_UTF8);             /* truncated sequence */
    expect_fail("\"\xf0\x9f\x98\"", MOAT_ERR_JSON_UTF8);         /* truncated sequence */
    expect_fail("\"\xc3", MOAT_ERR_JSON_UTF8);                   /* truncated at end of input */
    expect_fail("\"\xed\xa0\x80\"", MOAT_ERR_JSON_UTF8);         /* encoded surrogate U+D800 */
    expect_fail("\"\xed\xbf\xbf\"", MOAT_ERR_JSON_UTF8);         /* encoded surrogate U+DFFF */
    expect_fail("\"\xf4\x90\x80\x80\"", MOAT_ERR_JSON_UTF8);     /* U+110000 */
    expect_fail("\"\xf5\x80\x80\x80\"", MOAT_ERR_JSON_UTF8);     /* F5 lead */
    expect_fail("\"\xff\"", MOAT_ERR_JSON_UTF8);
    expect_fail("{\"k\xe9y\":1}", MOAT_ERR_JSON_UTF8);           /* Latin-1 in a name */
    /* the boundaries that are valid */
    parse_ok("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"");
    parse_ok("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\x7f\"");
}

/* ----------------------------------------------------------- numbers */

static void test_json_nan_infinity(void **state)
{
    (void)state;
    expect_fail("NaN", MOAT_ERR_JSON_NUMBER);
    expect_fail("Infinity", MOAT_ERR_JSON_NUMBER);
    expect_fail("-Infinity", MOAT_ERR_JSON_NUMBER);
    expect_fail("[1,NaN]", MOAT_ERR_JSON_NUMBER);
    expect_fail("{\"a\":Infinity}", MOAT_ERR_JSON_NUMBER);
    expect_fail("{\"a\":-Infinity}", MOAT_ERR_JSON_NUMBER);
    expect_fail("nan", MOAT_ERR_JSON_NUMBER);
    expect_fail("[inf]", MOAT_ERR_JSON_NUMBER);
}

static void test_json_bad_number_forms(void **state)
{
    static const char *const bad[] = {"+1", ".5", "1.", "01", "-01", "00", "1e", "1e+", "1E-",
                                      "-", "0x10", "1.2.3", "[-]", "[1.e5]", "1a", "--1", "-.5"};
    size_t i;
    char long_num[80];
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_fail(bad[i], MOAT_ERR_JSON_NUMBER);
    }
    memset(long_num, '1', sizeof long_num);
    expect_fail_n(long_num, MOAT_JSON_MAX_NUMBER_LEN + 1u, NULL, MOAT_ERR_JSON_NUMBER);
    parse_ok_n(long_num, MOAT_JSON_MAX_NUMBER_LEN);
    parse_ok("[0,-0,1,-1,0.5,-0.0,1e5,1E+5,1e-5,123.456e7,-9007199254740991]");
}

/* ------------------------------------------------ trailing and syntax */

static void test_json_trailing_garbage(void **state)
{
    (void)state;
    expect_fail("{} x", MOAT_ERR_JSON_TRAILING);
    expect_fail("{}{}", MOAT_ERR_JSON_TRAILING);
    expect_fail("1 2", MOAT_ERR_JSON_TRAILING);
    expect_fail("\"a\" \"b\"", MOAT_ERR_JSON_TRAILING);
    expect_fail("[] ]", MOAT_ERR_JSON_TRAILING);
    expect_fail("true,", MOAT_ERR_JSON_TRAILING);
    expect_fail_n("{}\0", 3u, NULL, MOAT_ERR_JSON_TRAILING);
    expect_fail("null\f", MOAT_ERR_JSON_TRAILING); /* form feed is not JSON whitespace */
    expect_fail("[1]//", MOAT_ERR_JSON_TRAILING);
    parse_ok(" \t\r\n{} \t\r\n");
}

static void test_json_syntax_errors(void **state)
{
    static const char *const bad[] = {
        "", " ", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{,}", "{\"a\":1,}", "[1 2]", "\"abc",
        "{'a':1}", "\xef\xbb\xbf{}", "/*c*/{}", "tru", "nul", "True", "{1:2}",
        "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\tb\"", "\"a\nb\"", "[}", "{]", "{\"a\" 1}",
        "\"\\", "[\"a\":1]", "{\"a\":1 \"b\":2}", "undefined",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_fail(bad[i], MOAT_ERR_JSON_SYNTAX);
    }
    expect_fail_n("\"a\0b\"", 5u, NULL, MOAT_ERR_JSON_SYNTAX); /* raw NUL in a string */
    expect_fail_n("[\0]", 3u, NULL, MOAT_ERR_JSON_SYNTAX);
}

/* ---------------------------------------------------------- surrogates */

static void test_json_lone_surrogates(void **state)
{
    (void)state;
    expect_fail("\"\\uD800\"", MOAT_ERR_JSON_SURROGATE);         /* high alone */
    expect_fail("\"\\udbff\"", MOAT_ERR_JSON_SURROGATE);
    expect_fail("\"\\uDC00\"", MOAT_ERR_JSON_SURROGATE);         /* low alone */
    expect_fail("\"a\\uDFFFb\"", MOAT_ERR_JSON_SURROGATE);
    expect_fail("\"\\uD800\\u0041\"", MOAT_ERR_JSON_SURROGATE);  /* high + non-low */
    expect_fail("\"\\uD800\\uD800\"", MOAT_ERR_JSON_SURROGATE);  /* high + high */
    expect_fail("\"\\uD800x\"", MOAT_ERR_JSON_SURROGATE);        /* high + plain char */
    expect_fail("\"\\uD800\\n\"", MOAT_ERR_JSON_SURROGATE);      /* high + other escape */
    expect_fail("\"\\uDC00\\uD800\"", MOAT_ERR_JSON_SURROGATE);  /* reversed pair */
    expect_fail("{\"\\uD83D\":1}", MOAT_ERR_JSON_SURROGATE);     /* in a member name */
}

static void test_json_nul_escape(void **state)
{
    (void)state;
    expect_fail("\"\\u0000\"", MOAT_ERR_JSON_NUL_CHAR);
    expect_fail("\"ab\\u0000cd\"", MOAT_ERR_JSON_NUL_CHAR);
    expect_fail("{\"a\\u0000\":1}", MOAT_ERR_JSON_NUL_CHAR);
    parse_ok("\"\\u0001\"");
}

/* ---------------------------------------------------------- positives */

static void test_json_nested_document(void **state)
{
    const char *doc =
        "{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"e\":true,\"f\":null,\"g\":false,\"h\":[],\"i\":{}}";
    const moat_json *root, *a, *b, *el, *c;
    const char *s = NULL;
    size_t n = 0;
    bool flag = false;
    int64_t x = 0;
    (void)state;
    root = parse_ok(doc);
    assert_int_equal(moat_json_type_of(root), MOAT_JSON_OBJECT);
    assert_int_equal(moat_json_size(root), 6);
    a = moat_json_get(root, "a");
    assert_int_equal(moat_json_type_of(a), MOAT_JSON_OBJECT);
    b = moat_json_get(a, "b");
    assert_int_equal(moat_json_type_of(b), MOAT_JSON_ARRAY);
    assert_int_equal(moat_json_size(b), 3);
    el = moat_json_child(b);
    assert_null(moat_json_name(el));
    assert_int_equal(moat_json_int(el, 0, 10, &x), MOAT_OK);
    assert_int_equal(x, 1);
    el = moat_json_next(el);
    assert_int_equal(moat_json_int(el, 0, 10, &x), MOAT_OK);
    assert_int_equal(x, 2);
    el = moat_json_next(el);
    assert_null(moat_json_next(el));
    c = moat_json_get(el, "c");
    assert_string_equal(moat_json_name(c), "c");
    assert_int_equal(moat_json_string(c, &s, &n), MOAT_OK);
    assert_string_equal(s, "d");
    assert_int_equal(n, 1);
    assert_int_equal(moat_json_bool(moat_json_get(root, "e"), &flag), MOAT_OK);
    assert_true(flag);
    assert_int_equal(moat_json_bool(moat_json_get(root, "g"), &flag), MOAT_OK);
    assert_false(flag);
    assert_int_equal(moat_json_type_of(moat_json_get(root, "f")), MOAT_JSON_NULL);
    assert_int_equal(moat_json_size(moat_json_get(root, "h")), 0);
    assert_null(moat_json_child(moat_json_get(root, "i")));
    /* missing / wrong type / case-sensitive names */
    assert_null(moat_json_get(root, "A"));
    assert_null(moat_json_get(b, "a"));
    assert_int_equal(moat_json_get_string(root, "zz", &s, &n), MOAT_ERR_JSON_MISSING);
    assert_null(s);
    assert_int_equal(moat_json_get_string(root, "e", &s, &n), MOAT_ERR_JSON_TYPE);
    assert_int_equal(moat_json_bool(moat_json_get(root, "f"), &flag), MOAT_ERR_JSON_TYPE);
    assert_int_equal(moat_json_bool(NULL, &flag), MOAT_ERR_JSON_MISSING);
    assert_int_equal(moat_json_type_of(NULL), MOAT_JSON_INVALID);
    assert_int_equal(moat_json_size(el), 1);
    assert_int_equal(moat_json_size(c), 0);
    /* top-level scalars (RFC 8259 section 2) */
    assert_int_equal(moat_json_type_of(parse_ok(" 42 ")), MOAT_JSON_NUMBER);
    assert_int_equal(moat_json_type_of(parse_ok("\"s\"")), MOAT_JSON_STRING);
    assert_int_equal(moat_json_type_of(parse_ok("null")), MOAT_JSON_NULL);
    assert_int_equal(moat_json_type_of(parse_ok("true")), MOAT_JSON_TRUE);
}

static void test_json_escapes_decode(void **state)
{
    const moat_json *root;
    const char *s;
    size_t n;
    (void)state;
    root = parse_ok("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u00e9\\u20AC\",\"\\uD83D\\uDE00\","
                    "\"\\udbff\\udfff\",\"\\u0041\\u007f\",\"\xf0\x9f\x98\x80\"]");
    root = moat_json_child(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_int_equal(n, 8);
    assert_memory_equal(s, "\"\\/\b\f\n\r\t", 8);
    root = moat_json_next(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_string_equal(s, "\xc3\xa9\xe2\x82\xac"); /* U+00E9 U+20AC */
    root = moat_json_next(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_string_equal(s, "\xf0\x9f\x98\x80"); /* U+1F600 from a surrogate pair */
    root = moat_json_next(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_string_equal(s, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    root = moat_json_next(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_string_equal(s, "A\x7f");
    root = moat_json_next(root);
    assert_int_equal(moat_json_string(root, &s, &n), MOAT_OK);
    assert_string_equal(s, "\xf0\x9f\x98\x80");
}

static void test_json_int_accessor_ranges(void **state)
{
    const moat_json *root;
    int64_t x = 77;
    (void)state;
    root = parse_ok("{\"max\":9007199254740991,\"min\":-9007199254740991,\"p53\":9007199254740992,"
                    "\"m53\":-9007199254740992,\"half\":1.5,\"e2\":1e2,\"neg0\":-0,\"s\":\"1\","
                    "\"big\":1e300,\"huge\":1e400,\"small\":5}");
    assert_int_equal(moat_json_get_int(root, "max", INT64_MIN, INT64_MAX, &x), MOAT_OK);
    assert_int_equal(x, INT64_C(9007199254740991));
    assert_int_equal(moat_json_get_int(root, "min", INT64_MIN, INT64_MAX, &x), MOAT_OK);
    assert_int_equal(x, -INT64_C(9007199254740991));
    x = 77;
    assert_int_equal(moat_json_get_int(root, "p53", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(x, 0);
    assert_int_equal(moat_json_get_int(root, "m53", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_RANGE);
    x = 77;
    assert_int_equal(moat_json_get_int(root, "half", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(x, 0);
    /* 1e2 is the value 100 but not an integer literal: refused (only
     * literals without '.', 'e' or 'E' are integers) */
    x = 77;
    assert_int_equal(moat_json_get_int(root, "e2", 0, 1000, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(x, 0);
    assert_int_equal(moat_json_get_int(root, "neg0", 0, 0, &x), MOAT_OK);
    assert_int_equal(x, 0);
    assert_int_equal(moat_json_get_int(root, "big", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(moat_json_get_int(root, "huge", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(moat_json_get_int(root, "s", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_TYPE);
    assert_int_equal(moat_json_get_int(root, "nope", INT64_MIN, INT64_MAX, &x), MOAT_ERR_JSON_MISSING);
    /* [min, max] is inclusive on both ends */
    assert_int_equal(moat_json_get_int(root, "small", 5, 5, &x), MOAT_OK);
    assert_int_equal(x, 5);
    x = 77;
    assert_int_equal(moat_json_get_int(root, "small", 6, 10, &x), MOAT_ERR_JSON_RANGE);
    assert_int_equal(x, 0);
    assert_int_equal(moat_json_get_int(root, "small", 0, 4, &x), MOAT_ERR_JSON_RANGE);
}

static void test_json_arena_too_small_then_ok(void **state)
{
    static const char doc[] = "{\"name\":\"value\",\"list\":[1,2,3,\"four\"],\"o\":{\"k\":true}}";
    static _Alignas(16) unsigned char small[4096];
    const moat_json *root = (const moat_json *)(uintptr_t)1u;
    size_t need = 0;
    size_t exact;
    const char *s;
    (void)state;
    assert_int_equal(moat_json_validate(doc, sizeof doc - 1u, NULL, &need), MOAT_OK);
    assert_true(need > 0u);
    assert_true(need <= MOAT_JSON_ARENA_SIZE(sizeof doc - 1u, 11));
    assert_true(need <= sizeof small - 1u);
    exact = need - 15u; /* the arena is already aligned: no slack needed */

    memset(small, FILL, sizeof small);
    assert_int_equal(moat_json_parse(doc, sizeof doc - 1u, NULL, small, exact - 1u, &root),
                     MOAT_ERR_JSON_ARENA);
    assert_null(root);
    assert_wiped(small, exact - 1u);
    assert_int_equal(small[exact - 1u], FILL); /* nothing written past the arena */

    memset(small, FILL, sizeof small);
    assert_int_equal(moat_json_parse(doc, sizeof doc - 1u, NULL, small, 64u, &root),
                     MOAT_ERR_JSON_ARENA);
    assert_wiped(small, 64u);

    assert_int_equal(moat_json_parse(doc, sizeof doc - 1u, NULL, small, exact, &root), MOAT_OK);
    assert_int_equal(moat_json_get_string(root, "name", &s, NULL), MOAT_OK);
    assert_string_equal(s, "value");
    assert_int_equal(moat_json_size(moat_json_get(root, "list")), 4);

    /* a misaligned arena works with the documented slack */
    assert_int_equal(moat_json_parse(doc, sizeof doc - 1u, NULL, small + 1, need, &root), MOAT_OK);
    assert_int_equal(moat_json_get_string(root, "name", &s, NULL), MOAT_OK);
    assert_string_equal(s, "value");
}

/* MOAT_JSON_ARENA_SIZE() covers the worst case of tiny strings everywhere. */
static void test_json_arena_size_macro_is_safe(void **state)
{
    static char doc[8192];
    size_t len = 0, i, need = 0;
    moat_json_limits lim = {0};
    (void)state;
    doc[len++] = '{';
    for (i = 0; i < 300u; i++) {
        len += (size_t)snprintf(doc + len, sizeof doc - len, "%s\"%zx\":\"\"", i ? "," : "", i);
    }
    doc[len++] = '}';
    lim.max_members = 301u;
    assert_int_equal(moat_json_validate(doc, len, &lim, &need), MOAT_OK);
    assert_true(need <= MOAT_JSON_ARENA_SIZE(len, 301u));
    {
        const moat_json *root = NULL;
        assert_int_equal(moat_json_parse(doc, len, &lim, g_arena, MOAT_JSON_ARENA_SIZE(len, 301u), &root),
                         MOAT_OK);
        assert_int_equal(moat_json_size(root), 300);
    }
    assert_true(moat_json_node_size() > 0u);
}

static void test_json_invalid_arguments(void **state)
{
    const moat_json *root = (const moat_json *)(uintptr_t)1u;
    (void)state;
    memset(g_arena, FILL, 64);
    assert_int_equal(moat_json_parse(NULL, 2, NULL, g_arena, 64, &root), MOAT_ERR_INVALID_ARGUMENT);
    assert_null(root);
    assert_wiped(g_arena, 64);
    assert_int_equal(moat_json_parse("{}", 2, NULL, NULL, 64, &root), MOAT_ERR_INVALID_ARGUMENT);
    assert_int_equal(moat_json_parse("{}", 2, NULL, g_arena, 64, NULL), MOAT_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------- writer */

static void test_json_writer_basic(void **state)
{
    char buf[128];
    moat_json_writer w;
    size_t n = 0;
    (void)state;
    moat_json_writer_init(&w, buf, sizeof buf);
    moat_json_write_cstr(&w, "{");
    moat_json_write_string(&w, "n", 1);
    moat_json_write_raw(&w, ":", 1);
    moat_json_write_int(&w, INT64_MIN);
    moat_json_write_cstr(&w, ",\"m\":");
    moat_json_write_int(&w, INT64_MAX);
    moat_json_write_cstr(&w, ",\"z\":");
    moat_json_write_int(&w, 0);
    moat_json_write_cstr(&w, "}");
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_OK);
    assert_string_equal(buf, "{\"n\":-9223372036854775808,\"m\":9223372036854775807,\"z\":0}");
    assert_int_equal(n, strlen(buf));
}

static void test_json_writer_overflow_reports_needed(void **state)
{
    char buf[10];
    moat_json_writer w;
    size_t n = 0;
    (void)state;
    memset(buf, FILL, sizeof buf);
    moat_json_writer_init(&w, buf, sizeof buf);
    moat_json_write_string(&w, "hello, world", 12); /* 14 bytes */
    moat_json_write_int(&w, -12);                  /* 3 more */
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 18); /* 17 + NUL */
    assert_wiped(buf, sizeof buf);
    /* exactly the reported size works */
    {
        char big[18];
        moat_json_writer_init(&w, big, sizeof big);
        moat_json_write_string(&w, "hello, world", 12);
        moat_json_write_int(&w, -12);
        assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_OK);
        assert_int_equal(n, 17);
        assert_string_equal(big, "\"hello, world\"-12");
    }
    /* no room for the NUL is an overflow too */
    memset(buf, FILL, sizeof buf);
    moat_json_writer_init(&w, buf, 3);
    moat_json_write_cstr(&w, "abc");
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 4);
    assert_wiped(buf, 3);
}

static void test_json_writer_rejects_bad_strings(void **state)
{
    char buf[32];
    moat_json_writer w;
    size_t n = 9;
    (void)state;
    memset(buf, FILL, sizeof buf);
    moat_json_writer_init(&w, buf, sizeof buf);
    moat_json_write_cstr(&w, "[");
    moat_json_write_string(&w, "a\xc0\xaf", 3);
    moat_json_write_cstr(&w, "]"); /* sticky: ignored */
    assert_int_equal(w.err, MOAT_ERR_JSON_UTF8);
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_ERR_JSON_UTF8);
    assert_int_equal(n, 0);
    assert_wiped(buf, sizeof buf);

    moat_json_writer_init(&w, buf, sizeof buf);
    moat_json_write_string(&w, "\xed\xa0\x80", 3); /* encoded surrogate */
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_ERR_JSON_UTF8);

    moat_json_writer_init(&w, buf, sizeof buf);
    moat_json_write_string(&w, "a\0b", 3);
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_ERR_JSON_NUL_CHAR);
    assert_wiped(buf, sizeof buf);
}

static void test_json_writer_escaping_round_trip(void **state)
{
    static char src[200];
    static char out[1024];
    moat_json_writer w;
    size_t len = 0, n = 0, got_len = 0, i;
    const moat_json *root;
    const char *got;
    (void)state;
    for (i = 1; i < 0x80u; i++) {
        src[len++] = (char)i; /* every ASCII byte but NUL, incl. controls, '"', '\\' */
    }
    memcpy(src + len, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 13);
    len += 13;
    moat_json_writer_init(&w, out, sizeof out);
    moat_json_write_cstr(&w, "{");
    moat_json_write_string(&w, src, len);
    moat_json_write_cstr(&w, ":");
    moat_json_write_string(&w, src, len);
    moat_json_write_cstr(&w, "}");
    assert_int_equal(moat_json_writer_finish(&w, &n), MOAT_OK);
    /* short forms and \u00XX appear; no raw control character does */
    assert_non_null(strstr(out, "\\n"));
    assert_non_null(strstr(out, "\\u001f"));
    assert_non_null(strstr(out, "\\\""));
    for (i = 0; i < n; i++) {
        assert_true((unsigned char)out[i] >= 0x20u);
    }
    root = parse_ok_n(out, n);
    assert_int_equal(moat_json_get_string(root, src, &got, &got_len), MOAT_OK);
    assert_int_equal(got_len, len);
    assert_memory_equal(got, src, len);
}

#ifdef MOAT_JSON_HEAP_FALLBACK
/* Outside a moat parse, other cJSON users still get the heap. */
static void test_json_heap_fallback_for_other_users(void **state)
{
    cJSON *c;
    (void)state;
    (void)parse_ok("{\"a\":1}"); /* hooks installed */
    c = cJSON_Parse("{\"other\":[1,2,3]}");
    assert_non_null(c);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(c, "other")), 3);
    cJSON_Delete(c); /* ASan: must be a real free of real heap memory */
}
#endif

#ifdef MOAT_JSON_HEAP_FALLBACK
/* Another cJSON user replacing the hooks must not make moat parse on the
 * heap: the parse fails closed, and moat_json_init() restores the arena. */
static void test_json_foreign_hooks_fail_closed(void **state)
{
    static unsigned char arena[4096];
    const moat_json *root = (const moat_json *)arena;
    (void)state;
    assert_int_equal(moat_json_parse("{\"a\":1}", 7, NULL, arena, sizeof arena, &root), MOAT_OK);
    cJSON_InitHooks(NULL); /* back to malloc/free, as another library might do */
    assert_int_equal(moat_json_parse("{\"a\":1}", 7, NULL, arena, sizeof arena, &root),
                     MOAT_ERR_INTERNAL);
    assert_null(root);
    for (size_t i = 0; i < sizeof arena; i++) {
        assert_int_equal(arena[i], 0);
    }
    moat_json_init();
    assert_int_equal(moat_json_parse("{\"a\":1}", 7, NULL, arena, sizeof arena, &root), MOAT_OK);
    assert_non_null(moat_json_get(root, "a"));
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_duplicate_key_top_level),
        cmocka_unit_test(test_json_duplicate_key_nested),
        cmocka_unit_test(test_json_depth_1000),
        cmocka_unit_test(test_json_depth_limit_exact),
        cmocka_unit_test(test_json_10mb_string),
        cmocka_unit_test(test_json_too_many_members),
        cmocka_unit_test(test_json_string_too_long),
        cmocka_unit_test(test_json_invalid_utf8),
        cmocka_unit_test(test_json_nan_infinity),
        cmocka_unit_test(test_json_bad_number_forms),
        cmocka_unit_test(test_json_trailing_garbage),
        cmocka_unit_test(test_json_syntax_errors),
        cmocka_unit_test(test_json_lone_surrogates),
        cmocka_unit_test(test_json_nul_escape),
        cmocka_unit_test(test_json_nested_document),
        cmocka_unit_test(test_json_escapes_decode),
        cmocka_unit_test(test_json_int_accessor_ranges),
        cmocka_unit_test(test_json_arena_too_small_then_ok),
        cmocka_unit_test(test_json_arena_size_macro_is_safe),
        cmocka_unit_test(test_json_invalid_arguments),
        cmocka_unit_test(test_json_writer_basic),
        cmocka_unit_test(test_json_writer_overflow_reports_needed),
        cmocka_unit_test(test_json_writer_rejects_bad_strings),
        cmocka_unit_test(test_json_writer_escaping_round_trip),
#ifdef MOAT_JSON_HEAP_FALLBACK
        cmocka_unit_test(test_json_heap_fallback_for_other_users),
        cmocka_unit_test(test_json_foreign_hooks_fail_closed),
#endif
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
