/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* EL2 (virtualization=on, HCR_EL2.E2H clear) with the built-in EL2 regime. */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	return run_stage1_suite(AP_REGIME_EL2);
}
