#!/bin/sh
# The kzsearch CLI under valgrind's memcheck: what the shell tests run as $KZ
# in a build configured with -DKZ_VALGRIND=ON (tests/CMakeLists.txt). Any
# memory error or leak makes the command exit 99, which fails the test.
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  "$KZ_UNDER_MEMCHECK" "$@"
