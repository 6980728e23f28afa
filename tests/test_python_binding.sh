#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# The Python binding (bindings/python) against the library of this build
# tree: python3 -m unittest over bindings/python/tests, with AP_LIBRARY
# naming the built shared object. Nothing is written into the source tree
# (no __pycache__), so it also runs in make distcheck's read-only srcdir.
set -eu
: "${abs_top_srcdir:?run through make check}" "${AP_SHARED_OBJECT:?run through make check}"
command -v python3 >/dev/null || { echo "python binding: python3 is missing" >&2; exit 1; }
test -f "$AP_SHARED_OBJECT" || { echo "python binding: $AP_SHARED_OBJECT is missing" >&2; exit 1; }

AP_LIBRARY=$AP_SHARED_OBJECT
PYTHONPATH=$abs_top_srcdir/bindings/python
PYTHONDONTWRITEBYTECODE=1
export AP_LIBRARY PYTHONPATH PYTHONDONTWRITEBYTECODE
python3 -m unittest discover -s "$abs_top_srcdir/bindings/python/tests" -p 'test_*.py' -v
echo "python binding: the unittest suite passes against $AP_SHARED_OBJECT"
