# Dependencies, all from Debian packages (scripts/deps.sh installs them).
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
