# Sealed messages (issue 6): JWE ECDH-ES + A256GCM nested with JWS, replay
# windows persisted through the port. Included by tests/msg/CMakeLists.txt.
if(TARGET moat_port_posix AND TARGET moat_port_fault)
  moat_add_test(test_sealed
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sealed.c
    LIBS moat_port_fault moat_port_posix
    LABELS unit)
  set_tests_properties(test_sealed PROPERTIES TIMEOUT 300)
endif()

# Interop with python3-jwcrypto (Debian's /usr/bin/python3): moat-sealed
# messages open under jwcrypto, jwcrypto-sealed messages open under moat.
add_executable(sealed_cli ${CMAKE_CURRENT_LIST_DIR}/sealed_cli.c)
target_link_libraries(sealed_cli PRIVATE moat moat_port_posix moat_warnings)
foreach(dir moat-to-jwcrypto jwcrypto-to-moat)
  add_test(NAME sealed_interop_${dir}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/sealed_interop.py
            --cli $<TARGET_FILE:sealed_cli> --direction ${dir}
            --workdir ${CMAKE_CURRENT_BINARY_DIR}/sealed-interop-${dir})
  set_tests_properties(sealed_interop_${dir} PROPERTIES LABELS interop TIMEOUT 120)
endforeach()
