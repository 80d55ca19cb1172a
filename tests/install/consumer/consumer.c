/* A program outside the moat tree, built against an installed moat. */
#include <stdio.h>
#include <string.h>
#include <moat/moat.h>

int main(void)
{
    uint8_t digest[32];
    char b64[64];
    size_t n = 0;
    if (moat_hash(MOAT_HASH_SHA256, "abc", 3, digest) != MOAT_OK)
        return 1;
    if (moat_b64url_encode(digest, sizeof digest, b64, sizeof b64, &n) != MOAT_OK)
        return 1;
    /* SHA-256("abc") per FIPS 180-2, base64url */
    if (n != 43 || memcmp(b64, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", 43) != 0)
        return 1;
    printf("moat %s installed and usable\n", moat_version());
    return 0;
}
