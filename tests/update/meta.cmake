# Update metadata (trust root, rotation, manifests): every metadata attack
# of issue 5 as a named test, over the fault port wrapping the POSIX port.
if(TARGET moat_port_posix AND TARGET moat_port_fault)
  moat_add_test(test_update_meta
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_update_meta.c
    LIBS moat_port_posix moat_port_fault
    LABELS unit)
  set_tests_properties(test_update_meta PROPERTIES TIMEOUT 300)
endif()
