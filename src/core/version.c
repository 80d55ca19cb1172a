/* moat_version(): the version string from the generated moat/version.h. */
#include "moat/moat.h"

const char *moat_version(void)
{
    return MOAT_VERSION_STRING;
}
