#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Runs every Check suite under valgrind memcheck: any memory error or leak
# fails. Check must not fork here, or valgrind would watch only the parent.
set -eu
VALGRIND=${VALGRIND:-valgrind}
if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "test_valgrind: valgrind not found (install the valgrind package)" >&2
	exit 1
fi
if [ -z "${CHECK_SUITES:-}" ]; then
	echo "test_valgrind: CHECK_SUITES is not set (run it through make check)" >&2
	exit 1
fi
# The model suite runs its full step count natively (80); under valgrind,
# where each step costs about 3 s, 8 steps of each of its 16 tests still
# reach every operation.
AP_MODEL_STEPS=${AP_MODEL_STEPS:-8}
# Likewise the random addresses of check_translate (20,000 natively).
AP_TRANSLATE_SAMPLES=${AP_TRANSLATE_SAMPLES:-4000}
export AP_MODEL_STEPS AP_TRANSLATE_SAMPLES
failed=0
for suite in $CHECK_SUITES; do
	suite=${suite#tests/}
	if ! CK_FORK=no ./libtool --mode=execute "$VALGRIND" --quiet --error-exitcode=99 \
		--leak-check=full --errors-for-leak-kinds=definite,indirect \
		"./tests/$suite" > "tests/$suite.valgrind.log" 2>&1; then
		echo "test_valgrind: $suite failed under valgrind:" >&2
		tail -n 30 "tests/$suite.valgrind.log" >&2
		failed=1
	else
		echo "test_valgrind: $suite clean"
	fi
done
exit $failed
