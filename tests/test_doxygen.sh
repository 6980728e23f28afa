#!/bin/bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The reference documentation builds without a single Doxygen warning:
# every public type, function, macro and enum value of the header is
# documented, and the pages' references resolve.
set -euo pipefail
: "${abs_top_builddir:?run through make check}"
command -v doxygen >/dev/null || { echo "doxygen is missing (apt-get install doxygen)" >&2; exit 1; }
cd "$abs_top_builddir"
mkdir -p docs
rm -f docs/doxygen-warnings.log
status=0
doxygen docs/Doxyfile || status=$?
if [ "$status" -ne 0 ] || [ -s docs/doxygen-warnings.log ]; then
	cat docs/doxygen-warnings.log >&2 || true
	echo "doxygen: warnings (status $status)" >&2
	exit 1
fi
echo "doxygen: HTML in docs/html, no warnings"
