#!/bin/sh
# embed.sh NAME FILE... - print a C file holding each FILE's bytes as a string.
# Emits: const struct embedded_file NAME[] = {{"base name", "bytes", len}, ...}, {0}}
set -eu
name=$1; shift
printf '#include <stddef.h>\n#include "core/embed.h"\n\nconst struct embedded_file %s[] = {\n' "$name"
for f in "$@"; do
    printf '    {"%s", ' "$(basename "$f")"
    od -An -v -tx1 "$f" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//' |
        awk '{ printf "\""; for (i = 1; i <= NF; i++) printf "\\x%s", $i; printf "\", " }'
    printf '%s},\n' "$(wc -c < "$f" | tr -d ' ')"
done
printf '    {NULL, NULL, 0},\n};\n'
