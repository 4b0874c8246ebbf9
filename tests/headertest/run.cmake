# run.cmake - one header test: compiles SOURCE with COMPILER and FLAGS (a
# ;-list) against INCLUDE_DIR and LIBRARY into OUTPUT, then runs it. Any
# diagnostic fails the test (the flags include -Werror).
#   cmake -DCOMPILER=cc "-DFLAGS=-std=c11;-Werror" -DSOURCE=x.c -DINCLUDE_DIR=include
#         -DLIBRARY=libkzsearch.so -DOUTPUT=x -P run.cmake
foreach(var COMPILER SOURCE INCLUDE_DIR LIBRARY OUTPUT)
  if(NOT ${var})
    message(FATAL_ERROR "run.cmake: ${var} is not set")
  endif()
endforeach()
get_filename_component(libdir "${LIBRARY}" DIRECTORY)
set(cmd "${COMPILER}" ${FLAGS} "-I${INCLUDE_DIR}" "${SOURCE}" -o "${OUTPUT}"
        "${LIBRARY}" "-Wl,-rpath,${libdir}")
string(REPLACE ";" " " shown "${cmd}")
message(STATUS "${shown}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "")
  message(FATAL_ERROR "compiling ${SOURCE} failed (exit ${rc}):\n${out}")
endif()
execute_process(COMMAND "${OUTPUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${OUTPUT} exited with ${rc}:\n${out}")
endif()
message(STATUS "${SOURCE}: ok")
