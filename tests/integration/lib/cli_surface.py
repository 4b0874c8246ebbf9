#!/usr/bin/env python3
"""cli_surface.py - what the kzsearch CLI accepts, read from its source, for
the tests that check the help texts, the man page and the completions
against it (cli_help.sh, completion.sh). Not a test by itself.

    cli_surface.py SOURCE_ROOT

prints one line "COMMAND OPTION" for every option of every subcommand: the
command is NAME of cli/cmd_NAME.c, the options are the entries of the file's
`cli_option options[]` table, each long name as --name and each short name
as -c. A cmd_*.c file without such a table, or an entry that cannot be read,
is an error (exit 2), so that the tests cannot pass by reading nothing.
"""
import pathlib
import re
import sys

TABLE = re.compile(r"cli_option\s+options\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
ENTRY = re.compile(r"\{\s*(NULL|\"([^\"]+)\")\s*,\s*(0|'(.)')\s*,\s*[01]\s*,\s*\w+\s*\}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cli_surface.py SOURCE_ROOT")
    files = sorted(pathlib.Path(sys.argv[1], "cli").glob("cmd_*.c"))
    if not files:
        sys.exit("cli_surface.py: no cli/cmd_*.c under " + sys.argv[1])
    for path in files:
        command = path.stem[len("cmd_"):]
        table = TABLE.search(path.read_text(encoding="utf-8"))
        if not table:
            sys.exit(f"cli_surface.py: no options[] table in {path}")
        body = re.sub(r"/\*.*?\*/", "", table.group(1), flags=re.S)
        entries = list(ENTRY.finditer(body))
        leftover = ENTRY.sub("", body).replace(",", "").strip()
        if not entries or leftover:
            sys.exit(f"cli_surface.py: cannot read the options of {path}: {leftover!r}")
        for e in entries:
            if e.group(2):
                print(command, "--" + e.group(2))
            if e.group(4):
                print(command, "-" + e.group(4))


main()
