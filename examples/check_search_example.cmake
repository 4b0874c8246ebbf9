# check_search_example.cmake - the ctest check of search_example: runs it in a
# fresh scratch directory and checks exit statuses and output.
#   cmake -DEXAMPLE=path/to/search_example -DWORK_DIR=scratch -P check_search_example.cmake
# WORK_DIR is deleted first and at the end; it must be a directory of its own.
if(NOT EXAMPLE OR NOT WORK_DIR)
  message(FATAL_ERROR "usage: cmake -DEXAMPLE=... -DWORK_DIR=... -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# run(EXPECTED_RC INDEX_DIR [QUERY]): runs the example, sets OUT and ERR.
macro(run expected_rc)
  execute_process(COMMAND "${EXAMPLE}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE OUT ERROR_VARIABLE ERR)
  message(STATUS "search_example ${ARGN} -> ${rc}\n${OUT}${ERR}")
  if(NOT "${rc}" STREQUAL "${expected_rc}")
    message(FATAL_ERROR "search_example ${ARGN}: exit ${rc}, expected ${expected_rc}")
  endif()
endmacro()
function(expect what regex)
  if(NOT "${OUT}${ERR}" MATCHES "${regex}")
    message(FATAL_ERROR "search_example: ${what}: no match for /${regex}/")
  endif()
endfunction()
function(expect_not what regex)
  if("${OUT}${ERR}" MATCHES "${regex}")
    message(FATAL_ERROR "search_example: ${what}: unexpected match for /${regex}/")
  endif()
endfunction()

set(idx "${WORK_DIR}/index")

run(0 "${idx}")
expect("default query finds kz-001" "\n[12]\\. [0-9]+\\.[0-9]+  kz-001  CSTO peacekeepers arrive")
expect("default query finds kz-003" "\n[12]\\. [0-9]+\\.[0-9]+  kz-003  ")
expect("the snippet brackets the match" "\\[[Pp]eacekeepers\\]")
expect("the total is printed" "\ntotal: 2\n")
expect_not("no unrelated documents" "kz-00[24]")

run(0 "${idx}" "zhanaozen protests")
expect("a second run rebuilds the index (no duplicates)" "\ntotal: 1\n")
expect("two-word query finds kz-002" "\n1\\. [0-9.]+  kz-002  ")

run(1 "${idx}" "zzqqxxnotaword")
expect("no match prints total 0" "\ntotal: 0\n")

run(2 "${idx}" "(unbalanced")
expect("a malformed query is reported" "bad query at byte [0-9]+")

file(WRITE "${WORK_DIR}/a-file" "not a directory\n")
run(2 "${WORK_DIR}/a-file/index")
expect("an unusable index path is reported" "search_example: cannot open the index for writing: .+ \\(")

run(2)
expect("usage" "usage: search_example")

file(REMOVE_RECURSE "${WORK_DIR}")
