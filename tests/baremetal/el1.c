/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* EL1&0 through TTBR0_EL1 with the built-in EL1&0 regime. */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	return run_stage1_suite(AP_REGIME_EL1AND0);
}
