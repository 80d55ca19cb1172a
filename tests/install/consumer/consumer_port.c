/* Built against an installed moat: a device key in the POSIX port signs a JWS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <moat/moat.h>
#include <moat_port_posix.h>

int main(int argc, char **argv)
{
    moat_port_posix posix;
    moat_port port;
    moat_port_key k;
    moat_signer s;
    char jws[MOAT_JWS_COMPACT_SIZE(2)];
    uint8_t out[8];
    size_t n = 0, m = 0;
    if (argc != 2 || moat_port_posix_open(&posix, argv[1], NULL, &port) != MOAT_OK)
        return 1;
    if (moat_port_key_generate(&port, 0, MOAT_CURVE_P256) != MOAT_OK ||
        moat_port_signer(&k, &port, 0, &s) != MOAT_OK ||
        moat_jws_sign_compact(&s, NULL, (const uint8_t *)"hi", 2, jws, sizeof jws, &n) != MOAT_OK ||
        moat_jws_verify_compact(jws, n, &s.pub, out, sizeof out, &m) != MOAT_OK ||
        m != 2 || memcmp(out, "hi", 2) != 0)
        return 1;
    moat_port_posix_close(&posix);
    printf("installed POSIX port signs and verifies\n");
    return 0;
}
