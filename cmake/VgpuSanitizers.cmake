# Sanitizer builds (presets asan and tsan, docs/sanitizers.md): which sanitizer the compiler flags
# ask for, where its runtime library is, and the environment every test of such a build runs with.
#
# The shims are loaded into programs that are not instrumented (nvcc-built CUDA programs, NVIDIA's
# nvidia-smi and cudart, nvtop). An instrumented library needs its sanitizer's runtime loaded
# first, so tests run those programs with VGPU_SANITIZER_PRELOAD (the runtime's path) put first
# in LD_PRELOAD (tests/support/run_program.cpp, the shell tests). Default builds set nothing.

set(VGPU_SANITIZER "")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*fuzzer")
  # Preset fuzz (clang): only the libFuzzer targets and their libraries are built and run
  # (vgpu_fuzz_targets, label fuzz); nothing loads a shim into a foreign program.
  set(VGPU_SANITIZER fuzz)
elseif(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
  set(VGPU_SANITIZER address)
  set(_vgpu_sanitizer_runtime_name libasan.so)
elseif(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*thread")
  set(VGPU_SANITIZER thread)
  set(_vgpu_sanitizer_runtime_name libtsan.so)
endif()

set(VGPU_SANITIZER_TEST_ENVIRONMENT "")
if(VGPU_SANITIZER STREQUAL "address" OR VGPU_SANITIZER STREQUAL "thread")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # clang links the runtime statically into executables only; a shim loaded by an uninstrumented
    # program would find no runtime to preload. The libFuzzer targets use clang (preset fuzz).
    message(FATAL_ERROR "vgpu: the ${VGPU_SANITIZER} sanitizer presets are for GCC (shared sanitizer runtime)")
  endif()
  execute_process(COMMAND "${CMAKE_CXX_COMPILER}" "-print-file-name=${_vgpu_sanitizer_runtime_name}"
    OUTPUT_VARIABLE _vgpu_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
  file(REAL_PATH "${_vgpu_runtime}" VGPU_SANITIZER_RUNTIME)
  if(NOT EXISTS "${VGPU_SANITIZER_RUNTIME}")
    message(FATAL_ERROR "vgpu: ${CMAKE_CXX_COMPILER} names no ${_vgpu_sanitizer_runtime_name} (got '${_vgpu_runtime}')")
  endif()
  message(STATUS "vgpu: ${VGPU_SANITIZER} sanitizer; runtime for foreign programs: ${VGPU_SANITIZER_RUNTIME}")

  # Suppressions name third-party code only (each entry says why); our own findings are fixed.
  # A race TSan reports in a process whose exit status no test looks at (vgpud killed by a test's
  # fixture) must fail the suite too: TSan writes every report to a file here (tsan.<pid>) and the
  # test sanitizer_reports_none, which runs after all the others, fails when there is one.
  set(VGPU_SANITIZER_REPORT_DIR "${CMAKE_BINARY_DIR}/test-output/sanitizer-reports")
  set(_vgpu_supp "${PROJECT_SOURCE_DIR}/tests/sanitizers")
  # Reports fail the test: ASan and UBSan abort at the first one (-fno-sanitize-recover), TSan
  # reports every race and exits 66. LeakSanitizer runs in our own (instrumented) programs.
  set(VGPU_SANITIZER_TEST_ENVIRONMENT
    "VGPU_SANITIZER_PRELOAD=${VGPU_SANITIZER_RUNTIME}"
    "ASAN_OPTIONS=detect_leaks=1"
    "LSAN_OPTIONS=suppressions=${_vgpu_supp}/lsan.supp:print_suppressions=0"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=${_vgpu_supp}/ubsan.supp"
    "TSAN_OPTIONS=suppressions=${_vgpu_supp}/tsan.supp:second_deadlock_stack=1:history_size=4:exitcode=66:log_path=${VGPU_SANITIZER_REPORT_DIR}/tsan")
endif()

# Called once per test directory (deferred to its end by vgpu_add_test), so that tests added with a
# plain add_test and environments set later by set_tests_properties get the sanitizer environment
# too. CMake 3.25 sets test properties only from the directory that added the test.
# A test's VGPU_LSAN_OPTIONS property (extra LeakSanitizer options, `:`-separated) goes after ours.
function(vgpu_apply_sanitizer_test_environment)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(test IN LISTS tests)
    set(environment ${VGPU_SANITIZER_TEST_ENVIRONMENT})
    get_property(extra TEST ${test} PROPERTY VGPU_LSAN_OPTIONS)
    if(extra)
      list(TRANSFORM environment REPLACE "^(LSAN_OPTIONS=.*)$" "\\1:${extra}")
    endif()
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT ${environment})
    set_property(TEST ${test} APPEND PROPERTY FIXTURES_REQUIRED vgpu_sanitizer_reports)
  endforeach()
endfunction()

# The empty report directory before the first test, and the check after the last (ctest adds both
# to any selection of tests, `ctest --preset tsan` included).
function(vgpu_add_sanitizer_report_check)
  if(NOT VGPU_SANITIZER_TEST_ENVIRONMENT)
    return()
  endif()
  add_test(NAME sanitizer_reports_clear
    COMMAND sh -c "rm -rf \"$1\" && mkdir -p \"$1\"" sh "${VGPU_SANITIZER_REPORT_DIR}")
  add_test(NAME sanitizer_reports_none
    COMMAND sh -c "set -- \"$1\"/*; [ -e \"$1\" ] || exit 0; echo \"sanitizer reports from processes no test looked at:\"; for f; do echo \"== $f\"; cat \"$f\"; done; exit 1" sh "${VGPU_SANITIZER_REPORT_DIR}")
  set_tests_properties(sanitizer_reports_clear PROPERTIES FIXTURES_SETUP vgpu_sanitizer_reports LABELS "unit;tsan")
  set_tests_properties(sanitizer_reports_none PROPERTIES FIXTURES_CLEANUP vgpu_sanitizer_reports LABELS "unit;tsan")
endfunction()

function(vgpu_sanitize_tests_of_this_directory)
  if(NOT VGPU_SANITIZER_TEST_ENVIRONMENT)
    return()
  endif()
  get_property(done DIRECTORY PROPERTY VGPU_SANITIZER_ENVIRONMENT_DEFERRED)
  if(NOT done)
    set_property(DIRECTORY PROPERTY VGPU_SANITIZER_ENVIRONMENT_DEFERRED ON)
    cmake_language(DEFER CALL vgpu_apply_sanitizer_test_environment)
  endif()
endfunction()
