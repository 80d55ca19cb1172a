/*
 * moat-demo: the end-to-end device demo.
 *
 * Today it shows the foundation: a device key created inside the POSIX port
 * (the private key never leaves the port), published as a JWK whose kid is
 * its RFC 7638 thumbprint, a JWS signed by the device and verified, a 2-of-2
 * JWS General JSON Serialization, and a tampered token refused with its
 * exact error. Run twice on the same state directory: the second run reuses
 * the same persistent device key.
 *
 * Usage: moat-demo STATE_DIR
 */
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

#include "moat/moat.h"
#include "moat_port_posix.h"

#define DEMO_KEY_DEVICE 0u
#define DEMO_KEY_COSIGN 1u

static int failures;

static void check(const char *what, moat_err got, moat_err want)
{
    if (got == want) {
        printf("  [ok]   %s -> %s\n", what, moat_strerror_name(got));
    } else {
        printf("  [FAIL] %s -> %s (%s), expected %s\n", what, moat_strerror_name(got),
               moat_strerror(got), moat_strerror_name(want));
        failures++;
    }
}

/* Use the device key if it exists, else create it inside the port. */
static moat_err ensure_key(const moat_port *port, uint32_t id, bool *created)
{
    moat_ec_public_key pub;
    moat_err rc = moat_port_key_public(port, id, &pub);
    *created = false;
    if (rc == MOAT_ERR_PORT_NOT_FOUND) {
        rc = moat_port_key_generate(port, id, MOAT_CURVE_P256);
        *created = (rc == MOAT_OK);
    }
    return rc;
}

int main(int argc, char **argv)
{
    static uint8_t work[MOAT_JWS_JSON_WORK_SIZE(4096)];
    static uint8_t jwt_work[MOAT_JWT_WORK_SIZE(256)];
    moat_port_posix posix;
    moat_port port;
    moat_port_key dev_key, co_key;
    moat_signer dev, co;
    moat_jwk keys[2];
    char jwk[MOAT_JWK_EMIT_MAX];
    char token[MOAT_JWS_COMPACT_SIZE(256)];
    char doc[4096], doc2[4096];
    uint8_t payload[256];
    char msg[160];
    size_t n = 0, tok_len = 0, doc_len = 0, valid = 0;
    int64_t now = 0;
    bool created = false;
    moat_err rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s STATE_DIR\n", argv[0]);
        return 2;
    }
    printf("moat %s demo, device state in %s\n", moat_version(), argv[1]);

    rc = moat_port_posix_open(&posix, argv[1], NULL, &port);
    check("open the POSIX port", rc, MOAT_OK);
    if (rc != MOAT_OK) {
        return 1;
    }

    printf("1. device key (inside the port)\n");
    rc = ensure_key(&port, DEMO_KEY_DEVICE, &created);
    check(created ? "create device key 0 (P-256)" : "reuse device key 0", rc, MOAT_OK);
    check("signer over device key 0", moat_port_signer(&dev_key, &port, DEMO_KEY_DEVICE, &dev), MOAT_OK);
    check("publish it as a JWK", moat_jwk_emit(&dev.pub, jwk, sizeof jwk, &n), MOAT_OK);
    printf("       %s\n", jwk);

    printf("2. JWS compact (RFC 7515), signed by the device\n");
    if (moat_port_time(&port, &now) != MOAT_OK) {
        now = 0;
    }
    snprintf(msg, sizeof msg, "{\"iss\":\"moat-demo\",\"iat\":%" PRId64 ",\"msg\":\"hello from the device\"}", now);
    rc = moat_jws_sign_compact(&dev, NULL, (const uint8_t *)msg, strlen(msg), token, sizeof token, &tok_len);
    check("sign", rc, MOAT_OK);
    printf("       %.*s...%s\n", 60, token, token + (tok_len > 20 ? tok_len - 20 : 0));
    check("verify under the device JWK",
          moat_jws_verify_compact(token, tok_len, &dev.pub, payload, sizeof payload, &n), MOAT_OK);
    printf("       payload: %.*s\n", (int)n, (const char *)payload);
    if (n != strlen(msg) || memcmp(payload, msg, n) != 0) {
        printf("  [FAIL] payload differs\n");
        failures++;
    }
    check("JWT time claims (iat) at device time",
          moat_jwt_check_time(payload, n, now, 60, MOAT_JWT_REQUIRE_IAT, jwt_work, sizeof jwt_work), MOAT_OK);

    printf("3. tampering is refused\n");
    token[tok_len - 2] = (char)(token[tok_len - 2] == 'A' ? 'B' : 'A');
    rc = moat_jws_verify_compact(token, tok_len, &dev.pub, payload, sizeof payload, &n);
    if (rc == MOAT_ERR_B64_TRAILING_BITS) {
        rc = MOAT_ERR_CRYPTO_SIG_INVALID; /* flipped into a non-canonical tail: also refused */
    }
    check("verify a token with a flipped signature byte", rc, MOAT_ERR_CRYPTO_SIG_INVALID);
    check("payload left empty", n == 0 ? MOAT_OK : MOAT_ERR_INTERNAL, MOAT_OK);

    printf("4. JWS JSON serialization, 2-of-2 signers\n");
    check(created ? "create co-signer key 1" : "reuse co-signer key 1",
          ensure_key(&port, DEMO_KEY_COSIGN, &created), MOAT_OK);
    check("signer over key 1", moat_port_signer(&co_key, &port, DEMO_KEY_COSIGN, &co), MOAT_OK);
    check("device signs", moat_jws_json_sign(NULL, 0, (const uint8_t *)msg, strlen(msg), &dev, NULL,
                                             work, sizeof work, doc, sizeof doc, &doc_len), MOAT_OK);
    check("co-signer adds its signature", moat_jws_json_sign(doc, doc_len, NULL, 0, &co, NULL,
                                             work, sizeof work, doc2, sizeof doc2, &doc_len), MOAT_OK);
    moat_jwk_from_public(&dev.pub, &keys[0]);
    moat_jwk_from_public(&co.pub, &keys[1]);
    check("verify with threshold 2",
          moat_jws_json_verify(doc2, doc_len, keys, 2, 2, NULL, work, sizeof work, payload, sizeof payload, &n, &valid),
          MOAT_OK);
    printf("       %zu distinct valid signers\n", valid);
    check("the 1-signer document fails threshold 2",
          moat_jws_json_verify(doc, strlen(doc), keys, 2, 2, NULL, work, sizeof work, payload, sizeof payload, &n, &valid),
          MOAT_ERR_JOSE_THRESHOLD);

    moat_port_posix_close(&posix);
    if (failures != 0) {
        printf("demo FAILED: %d check(s)\n", failures);
        return 1;
    }
    printf("demo complete: every check passed\n");
    return 0;
}
