/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A test that must fail: the runner expects its start line and then
 * RT_STATUS_CHECK_FAILED as QEMU's exit status, which shows that a failing
 * check reaches that status (and that QEMU did run the test: QEMU's own
 * errors exit with 1).
 */
#include "runtime.h"

int test_main(void)
{
	rt_puts("this check fails on purpose\n");
	CHECK_EQ(1 + 1, 3);
	return 0;
}
