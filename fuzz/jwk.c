/*
 * libFuzzer harness: JWK parsing (public and private).
 * Properties: a failed parse leaves the output wiped; an accepted public JWK
 * re-emits to a JWK that parses to the same key and kid (the RFC 7638
 * thumbprint); an accepted private JWK's public part matches its key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    moat_jwk k, k2, pub;
    moat_ec_private_key priv;
    moat_ec_public_key derived;
    char text[MOAT_JWK_EMIT_MAX];
    size_t n = 0;
    moat_err e;

    e = moat_jwk_parse((const char *)data, size, &k);
    if (e != MOAT_OK) {
        check(all_zero(&k, sizeof(k)));
    } else {
        check(size <= MOAT_JWK_MAX_INPUT);
        check(strlen(k.kid) == MOAT_JWK_THUMBPRINT_LEN);
        check(moat_jwk_emit(&k.key, text, sizeof(text), &n) == MOAT_OK);
        check(moat_jwk_parse(text, n, &k2) == MOAT_OK);
        check(k2.key.curve == k.key.curve && k2.key.q_len == k.key.q_len);
        check(memcmp(k2.key.q, k.key.q, k.key.q_len) == 0);
        check(strcmp(k2.kid, k.kid) == 0);
    }

    e = moat_jwk_parse_private((const char *)data, size, &priv, &pub);
    if (e != MOAT_OK) {
        check(all_zero(&priv, sizeof(priv)) && all_zero(&pub, sizeof(pub)));
    } else {
        check(moat_ec_public_from_private(&priv, &derived) == MOAT_OK);
        check(derived.q_len == pub.key.q_len &&
              memcmp(derived.q, pub.key.q, derived.q_len) == 0);
        moat_ec_private_wipe(&priv);
    }
    return 0;
}
