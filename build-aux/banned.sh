#!/bin/sh
# Fail when C sources call functions that STYLE.md bans.
set -eu
pattern='\b(gets|sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atoll|sscanf|alloca)[[:space:]]*\('
found=$(grep -rnE "$pattern" --include='*.c' --include='*.h' "$@" || true)
if [ -n "$found" ]; then
	echo "banned functions:" >&2
	echo "$found" >&2
	exit 1
fi
