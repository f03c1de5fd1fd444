# Project-wide compile settings. Our own code is C++20 with warnings as errors;
# the WABT adapter opts down to C++17 (WABT's headers do not build as C++20 with g++ 12).

if(SENSORHOST_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# sensorhost_defaults(TARGET [CXX_STANDARD N]): the flags every target of ours gets.
function(sensorhost_defaults target)
  cmake_parse_arguments(ARG "" "CXX_STANDARD" "" ${ARGN})
  if(NOT ARG_CXX_STANDARD)
    set(ARG_CXX_STANDARD 20)
  endif()
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD ${ARG_CXX_STANDARD}
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# sensorhost_library(NAME SOURCES... [DEPS ...]): a static library of one host part.
# Headers are included as "part/header.hpp" relative to host/.
function(sensorhost_library name)
  cmake_parse_arguments(ARG "" "CXX_STANDARD" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/host)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  if(ARG_CXX_STANDARD)
    sensorhost_defaults(${name} CXX_STANDARD ${ARG_CXX_STANDARD})
  else()
    sensorhost_defaults(${name})
  endif()
endfunction()

# sensorhost_test(NAME SOURCES... DEPS ...): a GoogleTest executable registered with CTest.
function(sensorhost_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  sensorhost_defaults(${name})
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60)
  # Labels are set on the discovered tests (${name}_TESTS, defined when CTest reads the
  # test files): a list passed through gtest_discover_tests' PROPERTIES keeps only its
  # first element, and `no-asan` is often the second.
  if(ARG_LABELS)
    set(labels_file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
    file(WRITE ${labels_file}
      "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\nendif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels_file})
  endif()
endfunction()

# add_subdirectory for every child folder of DIR that has a CMakeLists.txt,
# so a new part or test folder joins the build without editing a shared list.
function(sensorhost_add_parts dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${dir} ${dir}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${dir}/${child} AND EXISTS ${dir}/${child}/CMakeLists.txt)
      add_subdirectory(${dir}/${child})
    endif()
  endforeach()
endfunction()
