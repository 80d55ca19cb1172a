# OpenSSL comparison corpus (engineer D; included by tests/x509/CMakeLists.txt).
# ctest x509_openssl_corpus (label interop): generates >= 40 chains with the
# openssl CLI into the build directory (tests/x509/corpus/gen_corpus.py),
# then runs `openssl verify` and moat (x509_verify_cli) on each and requires
# equal verdicts, except the differences documented with their reasons in
# docs/x509-corpus.md (tests/x509/corpus/compare.py).
add_executable(x509_verify_cli ${CMAKE_CURRENT_LIST_DIR}/x509_verify_cli.c)
target_link_libraries(x509_verify_cli PRIVATE moat moat_warnings)

find_program(MOAT_OPENSSL_EXECUTABLE openssl)
if(NOT MOAT_OPENSSL_EXECUTABLE OR NOT Python3_EXECUTABLE)
  message(WARNING "NOTICE: openssl or Python not found: x509_openssl_corpus SKIPPED")
else()
  add_test(NAME x509_openssl_corpus
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_LIST_DIR}/corpus/compare.py
            --generate ${CMAKE_CURRENT_LIST_DIR}/corpus/gen_corpus.py
            --corpus ${CMAKE_CURRENT_BINARY_DIR}/openssl_corpus
            --cli $<TARGET_FILE:x509_verify_cli>
            --doc ${PROJECT_SOURCE_DIR}/docs/x509-corpus.md)
  set_tests_properties(x509_openssl_corpus PROPERTIES
    LABELS interop TIMEOUT 300
    ENVIRONMENT "OPENSSL=${MOAT_OPENSSL_EXECUTABLE}")
endif()
