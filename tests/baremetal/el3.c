/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Secure EL3 (secure=on) with the built-in EL3 regime. */
#include "runtime.h"
#include "stage1_suite.h"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 3);
	return run_stage1_suite(AP_REGIME_EL3);
}
