#!/usr/bin/env python3
"""cli_surface.py - what the kzsearch CLI accepts, read from its source, for
the tests that check the help texts, the man page and the completions
against it (cli_help.sh, completion.sh). Not a test by itself.

    cli_surface.py SOURCE_ROOT

prints one line "COMMAND OPTION" for every option of every subcommand: the
command is NAME of cli/cmd_NAME.c, the options are the entries of the file's
`cli_option options[]` table, each long name as --name and each short name
as -c. A command that parses through cli_index_args_parse (cli/index_args.h)
has -i/--index and -h/--help, --json when its call passes CLI_ARGS_JSON,
and the names of its `cli_flag flags[]` table. A cmd_*.c file with neither,
or an entry that cannot be read, is an error (exit 2), so that the tests
cannot pass by reading nothing.
"""
import pathlib
import re
import sys

TABLE = re.compile(r"cli_option\s+options\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
INDEX_ARGS = re.compile(r"cli_index_args_parse\(\s*argc\s*,\s*argv\s*,\s*\"\w+\"\s*,\s*([^,]+),")
FLAGS = re.compile(r"cli_flag\s+flags\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
FLAG = re.compile(r"\{\s*\"([^\"]+)\"\s*,\s*\w+\s*\}")
ENTRY = re.compile(r"\{\s*(NULL|\"([^\"]+)\")\s*,\s*(0|'(.)')\s*,\s*[01]\s*,\s*\w+\s*\}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cli_surface.py SOURCE_ROOT")
    files = sorted(pathlib.Path(sys.argv[1], "cli").glob("cmd_*.c"))
    if not files:
        sys.exit("cli_surface.py: no cli/cmd_*.c under " + sys.argv[1])
    for path in files:
        command = path.stem[len("cmd_"):]
        text = path.read_text(encoding="utf-8")
        table = TABLE.search(text)
        index_args = INDEX_ARGS.search(text)
        if not table and index_args:
            print(command, "--index")
            print(command, "-i")
            print(command, "--help")
            print(command, "-h")
            if "CLI_ARGS_JSON" in index_args.group(1):
                print(command, "--json")
            flags = FLAGS.search(text)
            for f in FLAG.finditer(flags.group(1) if flags else ""):
                print(command, "--" + f.group(1))
            continue
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
