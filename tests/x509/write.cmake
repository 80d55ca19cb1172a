# Engineer C: certificate / CSR writing, enrollment (included by
# tests/x509/CMakeLists.txt).

# Unit tests (CMocka): writers, CSRs, renewal window, installation through
# the fault port over the POSIX port (power cut at every write).
moat_add_test(test_x509_write SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_x509_write.c
              LIBS moat_port_posix moat_port_fault LABELS unit)

# A small CA / device CLI on moat's writers, driven against the OpenSSL CLI.
add_executable(x509_write_cli ${CMAKE_CURRENT_LIST_DIR}/x509_write_cli.c)
target_link_libraries(x509_write_cli PRIVATE moat moat_port_posix moat_warnings)
target_include_directories(x509_write_cli PRIVATE ${PROJECT_SOURCE_DIR}/src)

find_program(MOAT_OPENSSL openssl)
if(MOAT_OPENSSL AND Python3_EXECUTABLE)
  add_test(NAME test_x509_write_interop
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/write_interop.py
            --cli $<TARGET_FILE:x509_write_cli>
            --workdir ${CMAKE_CURRENT_BINARY_DIR}/write-interop)
  set_tests_properties(test_x509_write_interop PROPERTIES LABELS interop TIMEOUT 120)
else()
  message(WARNING "openssl or Python3_EXECUTABLE missing: test_x509_write_interop not registered")
endif()
