# embed.cmake - turns a file into a C array at build time, so the search
# page is part of the binary with no tool but cmake:
#   cmake -DIN=file -DOUT=out.c -DNAME=symbol -DHEADER=server/page.h -P embed.cmake
# defines `const unsigned char NAME[]` (NUL-terminated) and `NAME_len`.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}.tmp"
  "/* Generated from ${IN} by cmake/embed.cmake: do not edit. */\n"
  "#include \"${HEADER}\"\n"
  "const unsigned char ${NAME}[] = {${bytes}0};\n"
  "const unsigned long ${NAME}_len = sizeof ${NAME} - 1;\n")
file(RENAME "${OUT}.tmp" "${OUT}")
