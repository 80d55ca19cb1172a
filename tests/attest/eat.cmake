# EAT evidence, verifier, nonces and appraisal (issue 4).
# Included by tests/attest/CMakeLists.txt.
moat_add_test(test_eat SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_eat.c LABELS unit)

# Interop: tokens moat issues verify under python3-jwcrypto with the x5c
# leaf key (Debian's /usr/bin/python3, passed as Python3_EXECUTABLE).
add_executable(eat_cli ${CMAKE_CURRENT_LIST_DIR}/eat_cli.c)
target_link_libraries(eat_cli PRIVATE moat moat_warnings)
add_test(NAME test_eat_interop_jwcrypto
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/eat_interop.py
          --cli $<TARGET_FILE:eat_cli>)
set_tests_properties(test_eat_interop_jwcrypto PROPERTIES LABELS interop TIMEOUT 120)
