/**
 * @file moat.h
 * @brief Umbrella header: everything a firmware or service program needs.
 */
#ifndef MOAT_MOAT_H
#define MOAT_MOAT_H

#include "moat/version.h"
#include "moat/error.h"
#include "moat/core.h"
#include "moat/json.h"
#include "moat/crypto.h"
#include "moat/jose.h"
#include "moat/port.h"
#include "moat/x509.h"
#include "moat/dice.h"
#include "moat/attest.h"
#include "moat/update.h"
#include "moat/report.h"
#include "moat/msg.h"
#include "moat/tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The library's version.
 * @return the static string ::MOAT_VERSION_STRING ("MAJOR.MINOR.PATCH");
 *         never NULL. No heap; reentrant.
 */
const char *moat_version(void);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_MOAT_H */
