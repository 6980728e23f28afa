/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The README's bare-metal example, as written there (run.sh extracts it to
 * readme_example.c), run at EL1: it must turn the MMU on with a table that
 * maps the image, and the table must be the one the library reports.
 */
#include "runtime.h"
#include "mmu.h"

#include "readme_example.c"

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	ap_mapping_t *m = 0;
	CHECK_EQ(enable_mmu_el1(&m), AP_OK);
	uint64_t sctlr;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	CHECK_EQ(sctlr & 1, 1);
	uint64_t ttbr;
	CHECK_EQ(ap_mapping_ttbr(m, &ttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_EL1AND0, AP_VA_RANGE_LOWER), ttbr);
	rt_puts("the README example turned the MMU on\n");
	/* Still running on it: code, data and the UART are mapped. */
	rt_fault_t fault;
	CHECK(rt_probe_load(0x7000000000ull, 0, &fault)); /* nothing else is */
	CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_TRANSLATION(1));
	return 0;
}
