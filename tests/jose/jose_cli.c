/*
 * jose_cli: a small test-only command line over src/jose, driven by
 * interop.py to exchange keys and signatures with python3-jwcrypto.
 *
 *   jose_cli gen-key p256|p384 PRIV.p8 PUB.jwk   new key: PKCS#8 DER + public JWK
 *   jose_cli pubjwk KEYFILE                      public JWK of a key file
 *   jose_cli sign-compact KEYFILE PAYLOAD [KID]  compact JWS on stdout
 *   jose_cli sign-json KEYFILE PAYLOAD|- [KID] [--in DOC]
 *                                               general JSON JWS on stdout
 *   jose_cli verify-compact TOKEN PUB [PUB...]   payload on stdout (1 key: by
 *                                               key; more: selection by kid)
 *   jose_cli verify-json DOC THRESHOLD PUB...    payload on stdout
 *
 * KEYFILE: a private JWK (text starting with '{') or DER (PKCS#8 / SEC1).
 * PUB: a public JWK, or DER SubjectPublicKeyInfo. KID "-" means the default
 * (the RFC 7638 thumbprint). Failures print the moat error name on stderr
 * and exit with status 2 (usage errors: 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat/jose.h"

#define FILE_MAX (256u * 1024u)
#define MAX_PUBS 8

static uint8_t filebuf[FILE_MAX + 1];
static char outbuf[4u * FILE_MAX];
static uint8_t payload[FILE_MAX];
static char docbuf[FILE_MAX + 1];
static uint64_t work[(MOAT_JWS_JSON_WORK_SIZE(MOAT_JWS_JSON_MAX_INPUT) + 7u) / 8u];

static int usage(void)
{
    fprintf(stderr, "usage: jose_cli gen-key|pubjwk|sign-compact|sign-json|"
                    "verify-compact|verify-json ...\n");
    return 1;
}

static int fail(const char *what, moat_err e)
{
    fprintf(stderr, "%s: %s (%s)\n", what, moat_strerror_name(e), moat_strerror(e));
    return 2;
}

static size_t read_file(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    n = fread(buf, 1, cap, f);
    if (!feof(f)) {
        fprintf(stderr, "%s: too large or unreadable\n", path);
        exit(1);
    }
    fclose(f);
    return n;
}

static int write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    return 0;
}

static moat_err urandom(void *ctx, uint8_t *out, size_t len)
{
    FILE *f = fopen("/dev/urandom", "rb");
    size_t n = 0;
    (void)ctx;
    if (f != NULL) {
        n = fread(out, 1, len, f);
        fclose(f);
    }
    if (n != len) {
        moat_wipe(out, len);
        return MOAT_ERR_CRYPTO_RNG_FAILED;
    }
    return MOAT_OK;
}

static moat_err load_private(const char *path, moat_ec_private_key *priv)
{
    size_t n = read_file(path, filebuf, FILE_MAX);
    moat_err e;
    if (n > 0 && filebuf[0] == '{') {
        e = moat_jwk_parse_private((const char *)filebuf, n, priv, NULL);
    } else {
        e = moat_ec_private_from_der(filebuf, n, priv);
    }
    moat_wipe(filebuf, sizeof(filebuf));
    return e;
}

static moat_err load_public(const char *path, moat_jwk *jwk)
{
    size_t n = read_file(path, filebuf, FILE_MAX);
    moat_ec_public_key pub;
    moat_err e;
    if (n > 0 && filebuf[0] == '{') {
        return moat_jwk_parse((const char *)filebuf, n, jwk);
    }
    e = moat_ec_public_from_spki(filebuf, n, &pub);
    if (e == MOAT_OK) {
        e = moat_jwk_from_public(&pub, jwk);
    }
    return e;
}

static int print_pub(const moat_ec_public_key *pub, FILE *to)
{
    char text[MOAT_JWK_EMIT_MAX];
    size_t n = 0;
    moat_err e = moat_jwk_emit(pub, text, sizeof(text), &n);
    if (e != MOAT_OK) {
        return fail("jwk_emit", e);
    }
    fwrite(text, 1, n, to);
    return 0;
}

static int cmd_gen_key(int argc, char **argv)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    uint8_t der[MOAT_EC_PRIV_DER_MAX];
    char text[MOAT_JWK_EMIT_MAX];
    size_t n = 0, tn = 0;
    moat_curve c;
    moat_err e;
    int rc;

    if (argc != 5) {
        return usage();
    }
    if (strcmp(argv[2], "p256") == 0) {
        c = MOAT_CURVE_P256;
    } else if (strcmp(argv[2], "p384") == 0) {
        c = MOAT_CURVE_P384;
    } else {
        return usage();
    }
    e = moat_ec_generate(c, urandom, NULL, &priv);
    if (e == MOAT_OK) {
        e = moat_ec_public_from_private(&priv, &pub);
    }
    if (e == MOAT_OK) {
        e = moat_ec_private_to_der(&priv, MOAT_KEY_PKCS8, der, sizeof(der), &n);
    }
    if (e == MOAT_OK) {
        e = moat_jwk_emit(&pub, text, sizeof(text), &tn);
    }
    moat_ec_private_wipe(&priv);
    if (e != MOAT_OK) {
        moat_wipe(der, sizeof(der));
        return fail("gen-key", e);
    }
    rc = write_file(argv[3], der, n);
    moat_wipe(der, sizeof(der));
    if (rc == 0) {
        rc = write_file(argv[4], text, tn);
    }
    return rc;
}

static int cmd_pubjwk(int argc, char **argv)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    moat_jwk jwk;
    moat_err e;
    if (argc != 3) {
        return usage();
    }
    e = load_private(argv[2], &priv);
    if (e == MOAT_OK) {
        e = moat_ec_public_from_private(&priv, &pub);
        moat_ec_private_wipe(&priv);
        if (e != MOAT_OK) {
            return fail("pubjwk", e);
        }
        return print_pub(&pub, stdout);
    }
    /* not a private key: a public one */
    e = load_public(argv[2], &jwk);
    if (e != MOAT_OK) {
        return fail("pubjwk", e);
    }
    return print_pub(&jwk.key, stdout);
}

static const char *kid_arg(const char *s)
{
    return (s == NULL || strcmp(s, "-") == 0) ? NULL : s;
}

static int cmd_sign_compact(int argc, char **argv)
{
    moat_ec_private_key priv;
    moat_signer signer;
    size_t plen, n = 0;
    moat_err e;

    if (argc != 4 && argc != 5) {
        return usage();
    }
    plen = read_file(argv[3], payload, sizeof(payload));
    e = load_private(argv[2], &priv);
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&signer, &priv);
    }
    if (e == MOAT_OK) {
        e = moat_jws_sign_compact(&signer, kid_arg(argc == 5 ? argv[4] : NULL), payload,
                                  plen, outbuf, sizeof(outbuf), &n);
    }
    moat_ec_private_wipe(&priv);
    if (e != MOAT_OK) {
        return fail("sign-compact", e);
    }
    fwrite(outbuf, 1, n, stdout);
    return 0;
}

static int cmd_sign_json(int argc, char **argv)
{
    moat_ec_private_key priv;
    moat_signer signer;
    const char *kid = NULL, *in = NULL;
    size_t plen = 0, dlen = 0, n = 0;
    int i, pos = 0;
    moat_err e;

    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--in") == 0 && i + 1 < argc) {
            in = argv[++i];
        } else if (pos == 0 || pos == 1 || pos == 2) {
            argv[pos++] = argv[i]; /* reuse argv[0..2] as positional slots */
        } else {
            return usage();
        }
    }
    if (pos < 2) {
        return usage();
    }
    kid = kid_arg(pos == 3 ? argv[2] : NULL);
    if (in != NULL) {
        dlen = read_file(in, docbuf, FILE_MAX);
    } else if (strcmp(argv[1], "-") != 0) {
        plen = read_file(argv[1], payload, sizeof(payload));
    }
    e = load_private(argv[0], &priv);
    if (e == MOAT_OK) {
        e = moat_signer_from_private(&signer, &priv);
    }
    if (e == MOAT_OK) {
        e = moat_jws_json_sign(in != NULL ? docbuf : NULL, dlen,
                               in != NULL ? NULL : payload, in != NULL ? 0 : plen, &signer,
                               kid, work, sizeof(work), outbuf, sizeof(outbuf), &n);
    }
    moat_ec_private_wipe(&priv);
    if (e != MOAT_OK) {
        return fail("sign-json", e);
    }
    fwrite(outbuf, 1, n, stdout);
    return 0;
}

static int load_pubs(int first, int argc, char **argv, moat_jwk *keys, size_t *nkeys)
{
    int i;
    moat_err e;
    *nkeys = 0;
    for (i = first; i < argc; i++) {
        if (*nkeys >= MAX_PUBS) {
            return usage();
        }
        e = load_public(argv[i], &keys[*nkeys]);
        if (e != MOAT_OK) {
            return fail(argv[i], e);
        }
        (*nkeys)++;
    }
    return *nkeys == 0 ? usage() : 0;
}

static int cmd_verify_compact(int argc, char **argv)
{
    moat_jwk keys[MAX_PUBS];
    size_t nkeys = 0, tlen, plen = 0;
    moat_err e;
    int rc;

    if (argc < 4) {
        return usage();
    }
    tlen = read_file(argv[2], docbuf, FILE_MAX);
    while (tlen > 0 && (docbuf[tlen - 1] == '\n' || docbuf[tlen - 1] == '\r')) {
        tlen--;
    }
    rc = load_pubs(3, argc, argv, keys, &nkeys);
    if (rc != 0) {
        return rc;
    }
    if (nkeys == 1) {
        e = moat_jws_verify_compact(docbuf, tlen, &keys[0].key, payload, sizeof(payload),
                                    &plen);
    } else {
        e = moat_jws_verify_compact_keyset(docbuf, tlen, keys, nkeys, payload,
                                           sizeof(payload), &plen);
    }
    if (e != MOAT_OK) {
        return fail("verify-compact", e);
    }
    fwrite(payload, 1, plen, stdout);
    return 0;
}

static int cmd_verify_json(int argc, char **argv)
{
    moat_jwk keys[MAX_PUBS];
    size_t nkeys = 0, dlen, plen = 0, valid = 0;
    unsigned long k;
    char *end = NULL;
    moat_err e;
    int rc;

    if (argc < 5) {
        return usage();
    }
    dlen = read_file(argv[2], docbuf, FILE_MAX);
    k = strtoul(argv[3], &end, 10);
    if (end == argv[3] || *end != '\0') {
        return usage();
    }
    rc = load_pubs(4, argc, argv, keys, &nkeys);
    if (rc != 0) {
        return rc;
    }
    e = moat_jws_json_verify(docbuf, dlen, keys, nkeys, (size_t)k, NULL, work,
                             sizeof(work), payload, sizeof(payload), &plen, &valid);
    fprintf(stderr, "valid signers: %zu\n", valid);
    if (e != MOAT_OK) {
        return fail("verify-json", e);
    }
    fwrite(payload, 1, plen, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        return usage();
    }
    if (strcmp(argv[1], "gen-key") == 0) {
        return cmd_gen_key(argc, argv);
    }
    if (strcmp(argv[1], "pubjwk") == 0) {
        return cmd_pubjwk(argc, argv);
    }
    if (strcmp(argv[1], "sign-compact") == 0) {
        return cmd_sign_compact(argc, argv);
    }
    if (strcmp(argv[1], "sign-json") == 0) {
        return cmd_sign_json(argc, argv);
    }
    if (strcmp(argv[1], "verify-compact") == 0) {
        return cmd_verify_compact(argc, argv);
    }
    if (strcmp(argv[1], "verify-json") == 0) {
        return cmd_verify_json(argc, argv);
    }
    return usage();
}
