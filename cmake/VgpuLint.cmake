# `lint` runs clang-format (check only) and clang-tidy over the project's own sources.
find_program(VGPU_CLANG_FORMAT NAMES clang-format clang-format-14)
find_program(VGPU_CLANG_TIDY NAMES clang-tidy clang-tidy-14)
find_program(VGPU_RUN_CLANG_TIDY NAMES run-clang-tidy run-clang-tidy-14)

set(VGPU_LINT_SCRIPT "${CMAKE_SOURCE_DIR}/scripts/lint")
add_custom_target(lint
  COMMAND "${VGPU_LINT_SCRIPT}" --build-dir "${CMAKE_BINARY_DIR}"
  WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
  COMMENT "clang-format and clang-tidy over the vgpu sources"
  USES_TERMINAL)
add_custom_target(format
  COMMAND "${VGPU_LINT_SCRIPT}" --fix-format
  WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
  COMMENT "clang-format -i over the vgpu sources"
  USES_TERMINAL)
