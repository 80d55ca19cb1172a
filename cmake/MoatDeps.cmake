# Dependencies, all from Debian packages (scripts/deps.sh installs them).
if(CMAKE_CROSSCOMPILING)
  # Cross builds compile against the (architecture-independent) BearSSL and
  # cJSON headers only; the firmware links the target's own builds of both.
  # The headers are exposed through a private directory of links so that
  # the host's libc headers in /usr/include never reach the cross compiler.
  set(_x ${CMAKE_BINARY_DIR}/cross-include)
  file(MAKE_DIRECTORY ${_x})
  file(CREATE_LINK /usr/include/bearssl ${_x}/bearssl SYMBOLIC)
  file(CREATE_LINK /usr/include/bearssl.h ${_x}/bearssl.h SYMBOLIC)
  file(CREATE_LINK /usr/include/cjson ${_x}/cjson SYMBOLIC)
  add_library(moat::bearssl INTERFACE IMPORTED)
  set_target_properties(moat::bearssl PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_x}")
  add_library(moat::cjson INTERFACE IMPORTED)
  set_target_properties(moat::cjson PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_x}")
  return()
endif()
find_path(BEARSSL_INCLUDE_DIR bearssl.h REQUIRED)
find_library(BEARSSL_LIBRARY NAMES bearssl REQUIRED)
add_library(moat::bearssl INTERFACE IMPORTED)
set_target_properties(moat::bearssl PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${BEARSSL_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${BEARSSL_LIBRARY}")

find_package(cJSON REQUIRED)
find_path(CJSON_INCLUDE_DIR cjson/cJSON.h REQUIRED)
add_library(moat::cjson INTERFACE IMPORTED)
set_target_properties(moat::cjson PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${CJSON_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "cjson")

if(MOAT_BUILD_TESTS)
  find_path(CMOCKA_INCLUDE_DIR cmocka.h REQUIRED)
  find_library(CMOCKA_LIBRARY cmocka REQUIRED)
  add_library(moat::cmocka INTERFACE IMPORTED)
  set_target_properties(moat::cmocka PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CMOCKA_LIBRARY}")
endif()
