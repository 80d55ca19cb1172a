# Cross toolchain: Arm Cortex-M (arm-none-eabi-gcc from Debian, newlib).
# Builds the library only (static, no host ports/tests): proves the code
# compiles for a microcontroller and gives its code size and stack use.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(MOAT_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft" CACHE STRING "Target CPU flags")
set(CMAKE_C_FLAGS_INIT "${MOAT_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
