# install: static + shared library, headers, CMake package, pkg-config.
install(TARGETS ${MOAT_LIB_TARGETS} EXPORT moatTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET moat_port_posix)
  install(TARGETS moat_port_posix moat_port_fault EXPORT moatTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(FILES ports/posix/moat_port_posix.h ports/fault/moat_port_fault.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(DIRECTORY include/moat DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/include/moat/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/moat)
install(EXPORT moatTargets NAMESPACE moat:: FILE moatTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moat)
configure_package_config_file(cmake/moatConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/moatConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moat)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/moatConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/moatConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/moatConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/moat)
# Relocatable: prefix is computed from the .pc file's own location, so the
# package works wherever `cmake --install --prefix` puts it.
file(RELATIVE_PATH MOAT_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/moat.pc.in ${CMAKE_CURRENT_BINARY_DIR}/moat.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/moat.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
