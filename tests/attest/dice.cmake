# DICE (Open Profile for DICE, alias key, DiceTcbInfo, sealing).
# Included by tests/attest/CMakeLists.txt.

# Known values of open-dice (vectors/open-dice/p256_known_values.json).
# Without vectors the test prints a NOTICE and is reported as skipped.
moat_add_test(test_dice_kat SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dice_kat.c
              LIBS moat::cjson LABELS vectors)
set_tests_properties(test_dice_kat PROPERTIES SKIP_REGULAR_EXPRESSION "open-dice vectors SKIPPED")

# Unit tests: derivation, certificates and chains, DiceTcbInfo, sealing,
# bad inputs, wiping.
moat_add_test(test_dice SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_dice.c
              LABELS unit)

# Interop: OpenSSL parses and verifies the DeviceID -> CDI -> alias chain
# written by dice_cli (see docs/dice.md for why -ignore_critical is needed).
add_executable(dice_cli ${CMAKE_CURRENT_LIST_DIR}/dice_cli.c)
target_link_libraries(dice_cli PRIVATE moat moat_warnings)
find_program(MOAT_OPENSSL openssl)
if(MOAT_OPENSSL)
  add_test(NAME test_dice_interop
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/dice_interop.sh $<TARGET_FILE:dice_cli>
            ${CMAKE_CURRENT_BINARY_DIR}/dice-interop)
  set_tests_properties(test_dice_interop PROPERTIES LABELS interop TIMEOUT 120
                       ENVIRONMENT "OPENSSL=${MOAT_OPENSSL}")
else()
  message(WARNING "openssl missing: test_dice_interop not registered")
endif()
