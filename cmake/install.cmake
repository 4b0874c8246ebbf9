# install.cmake - what `cmake --install` puts under the prefix, included from
# the top-level CMakeLists.txt after the library targets exist.
#
#   bin/kzsearch                          the CLI (statically linked to the library)
#   include/kzsearch.h                    the one public header
#   LIBDIR/libkzsearch.so.X.Y.Z + links   the shared library, SONAME libkzsearch.so.MAJOR
#   LIBDIR/libkzsearch.a                  the static library
#   LIBDIR/pkgconfig/kzsearch.pc          for `pkg-config [--static] --cflags --libs kzsearch`
#   LIBDIR/cmake/kzsearch/                for find_package(kzsearch CONFIG): targets
#                                         kzsearch::kzsearch and kzsearch::kzsearch_static
#   MANDIR/man1/kzsearch.1                the command's manual (docs/man)
#   MANDIR/man3/kzsearch.3                the C library's manual
#   DATADIR/bash-completion/completions/kzsearch   bash completion, loaded on demand
#   DATADIR/zsh/vendor-completions/_kzsearch       zsh completion (on Debian's fpath)
#
# Invariant: every installed file is relocatable; nothing here records the
# configure-time CMAKE_INSTALL_PREFIX, so `cmake --install BUILD --prefix P`
# yields a usable tree at any P.
include(CMakePackageConfigHelpers)

set(KZ_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/kzsearch)

install(TARGETS kzsearch kzsearch_static EXPORT kzsearchTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS kzsearch_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/kzsearch.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/kzsearch.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/kzsearch.3 DESTINATION ${CMAKE_INSTALL_MANDIR}/man3)
install(FILES ${PROJECT_SOURCE_DIR}/completions/kzsearch.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME kzsearch)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_kzsearch
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# CMake package: the exported targets plus a config file that recreates the
# static library's link dependencies in the consumer.
install(EXPORT kzsearchTargets NAMESPACE kzsearch:: DESTINATION ${KZ_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/kzsearchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kzsearchConfig.cmake
  INSTALL_DESTINATION ${KZ_INSTALL_CMAKEDIR})
# The SONAME carries the major version only, so any release of the same major
# version is a drop-in replacement.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kzsearchConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kzsearchConfig.cmake
              ${PROJECT_BINARY_DIR}/kzsearchConfigVersion.cmake
        DESTINATION ${KZ_INSTALL_CMAKEDIR})

# pkg-config: the prefix is found from the .pc file's own location
# (${pcfiledir}), which both pkg-config and pkgconf support.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(KZ_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH KZ_PC_UP "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" KZ_PC_UP "${KZ_PC_UP}")
  set(KZ_PC_PREFIX "\${pcfiledir}/${KZ_PC_UP}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(KZ_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(KZ_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(KZ_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(KZ_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
# The private dependencies go into Libs.private as plain link flags, not into
# Requires.private: pkg-config adds a Requires.private package's Cflags to
# `--cflags` even for shared linking, and json-c's and utf8proc's
# (-I/usr/include/json-c, -DUTF8PROC_EXPORTS) mean nothing to a program that
# includes only kzsearch.h. Their --static flags are taken as configured.
# Library directories the linker searches anyway are left out.
set(kz_pc_private "")
foreach(dep ZSTD XXHASH UTF8PROC JSONC ICU)
  foreach(dir IN LISTS ${dep}_STATIC_LIBRARY_DIRS)
    if(NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES AND NOT dir MATCHES "^/usr/lib/?$")
      list(APPEND kz_pc_private "-L${dir}")
    endif()
  endforeach()
  foreach(lib IN LISTS ${dep}_STATIC_LIBRARIES)
    list(APPEND kz_pc_private "-l${lib}")
  endforeach()
  list(APPEND kz_pc_private ${${dep}_STATIC_LDFLAGS_OTHER})
endforeach()
list(REMOVE_DUPLICATES kz_pc_private)
list(JOIN kz_pc_private " " KZ_PC_LIBS_PRIVATE)
configure_file(${CMAKE_CURRENT_LIST_DIR}/kzsearch.pc.in ${PROJECT_BINARY_DIR}/kzsearch.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kzsearch.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
