#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Writes the dpkg-gensymbols symbols file of libaarch64paging0 to standard
# output, from the project's own ABI description: the version script
# (lib/libaarch64paging.map) names each node and the symbols it exports, by
# name or by a pattern such as "ap_*"; the header declares the functions the
# patterns stand for. A symbol named explicitly belongs to that node; the
# others to the node whose pattern matches them. Each symbol's minimal
# version is its node's (AARCH64_PAGING_0.3 -> 0.3.0).
#
#   debian/gen-symbols.sh [SRCDIR] > debian/libaarch64paging0.symbols
#
# tests/test_debian_package.sh checks that the committed file is this
# script's output, and debian/rules makes dpkg-gensymbols fail on any
# difference from the built library (-c4).
set -eu
srcdir=${1:-.}
map=$srcdir/lib/libaarch64paging.map
header=$srcdir/include/aarch64_paging.h
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "NODE TYPE NAME" for every global entry of the map; TYPE is "name" or
# "pattern" (an entry with a shell wildcard).
sed 's,/\*.*\*/,,' "$map" | awk '
	/^[ \t]*[A-Za-z0-9_.]+[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); global = 0; next }
	/^[ \t]*\}/ { node = ""; next }
	node != "" && /global:/ { global = 1; next }
	node != "" && /local:/ { global = 0; next }
	node != "" && global {
		for (i = 1; i <= NF; i++) {
			entry = $i; sub(/;.*/, "", entry)
			if (entry == "") continue
			print node, (entry ~ /[*?\[]/ ? "pattern" : "name"), entry
		}
	}' > "$work/entries"
if ! [ -s "$work/entries" ]; then
	echo "gen-symbols: no global entries in $map" >&2
	exit 1
fi

# The functions the header declares (as tests/test_symbols.sh finds them).
sed -n 's/^[a-z0-9_ ]*[ *]\(ap_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u > "$work/declared"

minver() { # AARCH64_PAGING_0.3 -> 0.3.0
	echo "$1" | sed 's/^[A-Za-z0-9_]*_\([0-9][0-9]*\.[0-9][0-9]*\)$/\1.0/'
}

while read -r name; do
	node=$(awk -v n="$name" '$2 == "name" && $3 == n { print $1; exit }' "$work/entries")
	if [ -z "$node" ]; then
		while read -r n type pattern; do
			[ "$type" = pattern ] || continue
			# shellcheck disable=SC2254
			case $name in $pattern) node=$n; break ;; esac
		done < "$work/entries"
	fi
	if [ -z "$node" ]; then
		echo "gen-symbols: $name is declared but no node of $map exports it" >&2
		exit 1
	fi
	echo "$name@$node $(minver "$node")"
done < "$work/declared" > "$work/symbols"

# A name the map lists must be a declared function.
awk '$2 == "name" { print $3 }' "$work/entries" | sort -u > "$work/listed"
missing=$(comm -23 "$work/listed" "$work/declared")
if [ -n "$missing" ]; then
	echo "gen-symbols: the map lists undeclared symbols: $missing" >&2
	exit 1
fi

echo "libaarch64paging.so.0 libaarch64paging0 #MINVER#"
echo "* Build-Depends-Package: libaarch64paging-dev"
# The version nodes themselves, as dpkg-gensymbols lists them.
awk '{ print $1 }' "$work/entries" | sort -u | while read -r node; do
	echo " $node@$node $(minver "$node")"
done
LC_ALL=C sort "$work/symbols" | sed 's/^/ /'
