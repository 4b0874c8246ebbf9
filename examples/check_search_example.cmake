# check_search_example.cmake - the ctest check of search_example: runs it in a
# fresh scratch directory and checks exit statuses and output.
#   cmake -DEXAMPLE=path/to/search_example -DWORK_DIR=scratch [-DKZ=kzsearch -DSAMPLE=docs.jsonl]
#         -P check_search_example.cmake
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
expect("a second run searches the existing index (no duplicates)" "\ntotal: 1\n")
expect_not("a second run does not build again" "building the sample index")
expect("two-word query finds kz-002" "\n1\\. [0-9.]+  kz-002  ")

# An index the example did not build is searched and left exactly as it was
# (an earlier example replaced it by its four documents).
if(KZ AND SAMPLE)
  set(other "${WORK_DIR}/other")
  execute_process(COMMAND "${KZ}" index -i "${other}" "${SAMPLE}" RESULT_VARIABLE rc
                  OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kzsearch index of the sample articles failed: ${rc}")
  endif()
  file(GLOB before RELATIVE "${other}" "${other}/*")
  file(SHA256 "${other}/MANIFEST" manifest_before)
  run(0 "${other}" "peacekeepers")
  expect("an existing index is searched" "  seed-00[0-4]  ")
  expect_not("an existing index gets no sample documents" "kz-00|building the sample")
  file(GLOB after RELATIVE "${other}" "${other}/*")
  file(SHA256 "${other}/MANIFEST" manifest_after)
  if(NOT "${before}" STREQUAL "${after}" OR NOT manifest_before STREQUAL manifest_after)
    message(FATAL_ERROR "search_example changed an existing index: ${before} -> ${after}")
  endif()
endif()

# A directory of other files is refused and left alone.
file(MAKE_DIRECTORY "${WORK_DIR}/notes")
file(WRITE "${WORK_DIR}/notes/seg-mine.txt" "a user's file\n")
run(2 "${WORK_DIR}/notes")
expect("a non-empty directory is refused" "not empty and holds no kzsearch index")
file(GLOB notes RELATIVE "${WORK_DIR}/notes" "${WORK_DIR}/notes/*")
if(NOT "${notes}" STREQUAL "seg-mine.txt")
  message(FATAL_ERROR "search_example wrote into a directory of other files: ${notes}")
endif()

run(1 "${idx}" "zzqqxxnotaword")
expect("no match prints total 0" "\ntotal: 0\n")

run(2 "${idx}" "(unbalanced")
expect("a malformed query is reported" "bad query at byte [0-9]+")

file(WRITE "${WORK_DIR}/a-file" "not a directory\n")
run(2 "${WORK_DIR}/a-file/index")
expect("an unusable index path is reported" "search_example: cannot (open the index|create the sample index): .+ \\(")

run(2)
expect("usage" "usage: search_example")

file(REMOVE_RECURSE "${WORK_DIR}")
