#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# compare.sh [--rounds N] OLD_BENCH NEW_BENCH [BENCH ARGS...]
#
# Runs two builds of bench/bench alternately on one machine (N rounds, 3 by
# default, the order flipped every round, so that a neighbour's load or the
# machine warming up falls on both) and prints, per figure, the median over
# the rounds of each binary's median and the ratio new/old. Figures: each
# workload's median (ns per unit), the scale workload's map and translate
# per size and its growth ratios, and MEM's ratio to the table bytes.
# To compare against an older commit, build that commit's library with
# this bench/bench.c (copy it into the old tree) so that both measure the
# same workloads. OUT=dir keeps the raw outputs.
set -eu
rounds=3
if [ "${1:-}" = --rounds ]; then
	rounds=$2
	shift 2
fi
[ $# -ge 2 ] || { echo "usage: $0 [--rounds N] OLD_BENCH NEW_BENCH [ARGS...]" >&2; exit 2; }
old=$1 new=$2
shift 2
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

for round in $(seq 1 "$rounds"); do
	if [ $((round % 2)) = 1 ]; then order="old new"; else order="new old"; fi
	for which in $order; do
		eval "binary=\$$which"
		echo "round $round: $which" >&2
		"$binary" "$@" > "$out/$which.$round"
	done
done

# One "key value" line per figure of one output.
figures() {
	awk '
	/^W[0-9]/ { for (i = 2; i <= NF; i++) if ($i ~ /^ns\//) { print $1, $(i - 1); break } }
	/^S +map / { print "S-map-" $3 "GiB", $(NF - 3) }
	/^S +translate random in / { print "S-translate-" $5 "GiB", $(NF - 3) }
	/^S +growth / { g = $3 "/" $6; sub(/x,$/, "", $9); sub(/x$/, "", $11);
		print "S-growth-map-" g, $9; print "S-growth-translate-" g, $11 }
	/^MEM / { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+x$/) { v = $i; sub(/x$/, "", v); print "MEM-x", v; break } }
	' "$1"
}

for which in old new; do
	for round in $(seq 1 "$rounds"); do
		figures "$out/$which.$round" | sed "s/^/$which /"
	done
done | awk -v rounds="$rounds" '
	{ key[$2] = 1; if (!(($2) in first)) { first[$2] = ++n; order[n] = $2 }
	  v[$1, $2, ++c[$1, $2]] = $3 }
	function median(which, k,    m, i, j, t, a) {
		m = c[which, k]; if (m == 0) return -1
		for (i = 1; i <= m; i++) a[i] = v[which, k, i]
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return a[int((m + 1) / 2)]
	}
	END {
		printf "%-28s %12s %12s %10s   (median of %d rounds)\n", "figure", "old", "new", "new/old", rounds
		for (i = 1; i <= n; i++) {
			k = order[i]; o = median("old", k); w = median("new", k)
			printf "%-28s %12.3f %12.3f %10s\n", k, o, w, (o > 0 && w >= 0) ? sprintf("%.2fx", w / o) : "n/a"
		}
	}'
echo "raw outputs: $out" >&2
