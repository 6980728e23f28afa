# SPDX-License-Identifier: MIT OR Apache-2.0
# Sourced by the tests that build the project again for AArch64.
#
# cross_configure DIR [VAR=VALUE...] -- [CONFIGURE ARGS...]
# Runs the project's configure in DIR (inside the build tree) with the
# given environment and arguments, unless DIR already holds an up-to-date
# configuration. An in-tree build cannot host a second configuration, so
# it is refused with a message.
cross_configure() {
	local dir=$1
	shift
	local env=()
	while [ "$1" != -- ]; do
		env+=("$1")
		shift
	done
	shift
	if [ "$abs_top_srcdir" -ef "$abs_top_builddir" ]; then
		echo "$0: configure the project out of tree (mkdir build && cd build && ../configure):" >&2
		echo "this test runs the project's configure again for AArch64, which an in-tree build forbids" >&2
		return 1
	fi
	# A tree configured by an older configure is made again from scratch
	# (make would otherwise rerun configure itself, with the caller's make
	# variables in its environment).
	if [ -f "$dir/Makefile" ] && { [ "$abs_top_srcdir/configure" -nt "$dir/Makefile" ] ||
		[ "$abs_top_srcdir/Makefile.in" -nt "$dir/Makefile" ]; }; then
		rm -rf "$dir"
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && env "${env[@]}" "$abs_top_srcdir/configure" -q "$@" \
			>configure.log 2>&1) || { cat "$dir/configure.log" >&2; return 1; }
	fi
}
