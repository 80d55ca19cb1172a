# test_x509_verify (path building + validation, trust store, build-time
# anchors). Included by tests/x509/CMakeLists.txt in that directory's scope.
#
# Build time: verify_fixtures.sh --build-ca makes a test CA (openssl), which
# moat_add_trust_anchors() compiles into the static library
# moat_test_anchors. Test time: the ctest x509_verify_fixtures (fixture
# setup) generates every other certificate, including a leaf under the
# build-time CA. Nothing generated is committed.
set(MOAT_X509_VERIFY_FIXTURES ${CMAKE_CURRENT_BINARY_DIR}/verify_fixtures)
set(MOAT_X509_BUILD_CA ${CMAKE_CURRENT_BINARY_DIR}/build_ca)
find_program(MOAT_BASH bash REQUIRED)

add_custom_command(
  OUTPUT ${MOAT_X509_BUILD_CA}/build_root.pem ${MOAT_X509_BUILD_CA}/build_root.key
  COMMAND ${MOAT_BASH} ${CMAKE_CURRENT_LIST_DIR}/verify_fixtures.sh --build-ca ${MOAT_X509_BUILD_CA}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/verify_fixtures.sh
  COMMENT "x509: build-time test CA for moat_add_trust_anchors()"
  VERBATIM)
moat_add_trust_anchors(TARGET moat_test_anchors SYMBOL moat_test_anchors
  PEMS ${MOAT_X509_BUILD_CA}/build_root.pem)

add_test(NAME x509_verify_fixtures
  COMMAND ${MOAT_BASH} ${CMAKE_CURRENT_LIST_DIR}/verify_fixtures.sh
          ${MOAT_X509_VERIFY_FIXTURES} ${MOAT_X509_BUILD_CA})
set_tests_properties(x509_verify_fixtures PROPERTIES
  FIXTURES_SETUP x509_verify_fixtures LABELS "unit;x509" TIMEOUT 300)

moat_add_test(test_x509_verify SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_x509_verify.c
  LIBS moat_test_anchors moat_port_posix moat_port_fault LABELS unit ARGS ${MOAT_X509_VERIFY_FIXTURES})
set_tests_properties(test_x509_verify PROPERTIES FIXTURES_REQUIRED x509_verify_fixtures)
if(TEST valgrind_test_x509_verify)
  set_tests_properties(valgrind_test_x509_verify PROPERTIES FIXTURES_REQUIRED x509_verify_fixtures)
endif()
