# Image stream + install state machine (src/update/image.c, install.c):
# attacks, chunking invariance, power-cut sweeps (fault port over POSIX).
if(TARGET moat_port_posix AND TARGET moat_port_fault)
  moat_add_test(test_update_install
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_update_install.c
    LIBS moat_port_fault moat_port_posix
    LABELS unit)
  set_tests_properties(test_update_install PROPERTIES TIMEOUT 120)
endif()
