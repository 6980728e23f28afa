/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A test that must fail: the runner expects a non-zero exit status from it,
 * which shows that a failing check reaches QEMU's exit status.
 */
#include "runtime.h"

int test_main(void)
{
	rt_puts("this check fails on purpose\n");
	CHECK_EQ(1 + 1, 3);
	return 0;
}
