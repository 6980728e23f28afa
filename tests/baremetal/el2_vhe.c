/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * EL2&0 (VHE: HCR_EL2.E2H and TGE set) with the built-in EL2&0 regime:
 * ASIDs, and TTBR0_EL2/TTBR1_EL2. Needs FEAT_VHE (-cpu max).
 */
#include "runtime.h"
#include "stage1_suite.h"

#define HCR_TGE (1ull << 27)
#define HCR_E2H (1ull << 34)

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	uint64_t mmfr1;
	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
	if (((mmfr1 >> 8) & 0xf) == 0) {
		rt_puts("this CPU has no FEAT_VHE: run this test with -cpu max\n");
		return 1;
	}
	uint64_t hcr;
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	__asm__ volatile("msr hcr_el2, %0\n\tisb" : : "r"(hcr | HCR_E2H | HCR_TGE) : "memory");
	return run_stage1_suite(AP_REGIME_EL2AND0);
}
