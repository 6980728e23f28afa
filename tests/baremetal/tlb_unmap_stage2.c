/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Stale TLB entries after a live unmap of a stage 2 subtable: the stage 2
 * version of tlb_unmap_stage1.c. EL2 maps 512 pages of guest IPA space under
 * an empty 1 GiB entry; a guest at EL1 (its own stage 1 off, so its
 * addresses are IPAs, as in stage2.c) loads from each page; EL2 then
 * removes the subtable in one unmap, and every further guest load must trap
 * to EL2 with a stage 2 translation fault at the removed level. EL2 counts
 * the traps; a page that did not trap was translated by a stale entry.
 *
 * As in tlb_unmap_stage1.c: one 1 GiB level 1 entry, and one 2 MiB level 2
 * entry (exactly its 2 MiB unmapped: the leaf table alone goes).
 *
 * The guest talks to EL2 with HVC #1 (unmap case x0 now), HVC #2 (the
 * loads of case x0 are done) and HVC #3 (all done).
 */
#include "mmu.h"
#include "runtime.h"
#include "tlb_unmap.h"

#define IPA_2MIB 0x4000000000ull
#define IPA_1GIB 0x5000000000ull

#define S2_NORMAL (AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW | AP_S2_SH_INNER | \
		   AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB)
#define S2_DEVICE (AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW | AP_S2_XN | \
		   AP_S2_MEMATTR_DEVICE_nGnRE)

/* The two cases: where, how much to unmap, the level of the entry that
 * goes; and how many guest loads trapped after the unmap. */
typedef struct unmap_case {
	uint64_t ipa, size;
	unsigned level;
	unsigned traps;
} unmap_case_t;

static unmap_case_t cases[2] = {
	{IPA_2MIB, TLB_BLOCK, 2, 0},
	{IPA_1GIB, TLB_GIB, 1, 0},
};
/* The case between its unmap and its report, when traps are expected. */
static unmap_case_t *unmapped;
static ap_mapping_t *stage2;

/* ------------------------------------------------------------ the guest (EL1) */

uint64_t rt_load_insn(uint64_t address);

static inline void hvc(unsigned n, uint64_t argument)
{
	register uint64_t x0 __asm__("x0") = argument;
	if (n == 1)
		__asm__ volatile("hvc #1" : : "r"(x0) : "memory");
	else if (n == 2)
		__asm__ volatile("hvc #2" : : "r"(x0) : "memory");
	else
		__asm__ volatile("hvc #3" : : "r"(x0) : "memory");
}

static void guest_load_all(uint64_t ipa)
{
	for (unsigned i = 0; i < TLB_PAGES; i++)
		rt_load_insn(ipa + i * TLB_PAGE);
}

static void guest_main(void)
{
	rt_puts("guest running at EL1\n");
	for (unsigned c = 0; c < 2; c++) {
		guest_load_all(cases[c].ipa);
		hvc(1, c);
		guest_load_all(cases[c].ipa); /* each load must trap */
		hvc(2, c);
	}
	hvc(3, 0);
	rt_puts("guest: EL2 did not end the test\n");
	rt_exit(4);
}

/* ------------------------------------------------------------ EL2 */

static void unmap_case(unmap_case_t *c)
{
	tlb_unmap(stage2, c->ipa, c->size);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(stage2, c->ipa, &r), AP_ERR_NOT_MAPPED);
	CHECK_EQ(r.level, c->level);
	unmapped = c;
}

/* A guest load that trapped: only after its case's unmap, and only as a
 * stage 2 translation fault at the removed level. */
static void guest_trapped(uint64_t esr, uint64_t hpfar)
{
	unmap_case_t *c = unmapped;
	CHECK(c != 0);
	CHECK_EQ(rt_esr_status(esr), RT_FSC_TRANSLATION(c->level));
	uint64_t ipa = (hpfar >> 4) << 12;
	CHECK(ipa >= c->ipa && ipa < c->ipa + TLB_BLOCK);
	c->traps++;
	rt_set_elr(rt_elr() + 4);
}

static void report(unsigned c)
{
	unmapped = 0;
	rt_print(cases[c].level == 1 ? "1 GiB entry removed, pages still loading: "
				     : "2 MiB entry removed, pages still loading: ",
		 TLB_PAGES - cases[c].traps);
}

static void finish(void)
{
	CHECK_EQ(cases[0].traps, TLB_PAGES);
	CHECK_EQ(cases[1].traps, TLB_PAGES);
	rt_puts("PASS\n");
	rt_exit(0);
}

bool rt_lower_el_hook(unsigned vector, uint64_t *regs)
{
	uint64_t esr, hpfar;
	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	__asm__ volatile("mrs %0, hpfar_el2" : "=r"(hpfar));
	if (vector != 8)
		return false;
	if (rt_esr_class(esr) == RT_EC_DABT_LOWER) {
		guest_trapped(esr, hpfar);
		return true;
	}
	if (rt_esr_class(esr) != RT_EC_HVC64 || regs[0] > 1)
		return false;
	switch (esr & 0xffff) {
	case 1: unmap_case(&cases[regs[0]]); return true;
	case 2: report((unsigned)regs[0]); return true;
	case 3: finish();
	}
	return false;
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	tlb_print_range_support();
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_STAGE2, &regime), AP_OK);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL};
	CHECK_EQ(ap_mapping_create_identity(&options, &stage2), AP_OK);
	uint64_t start = (uint64_t)__image_start, end = (uint64_t)__image_end;
	tlb_map(stage2, start, end - start, start, S2_NORMAL);
	tlb_map(stage2, RT_UART, TLB_PAGE, RT_UART, S2_DEVICE);
	for (unsigned c = 0; c < 2; c++)
		tlb_map(stage2, cases[c].ipa, TLB_BLOCK, TLB_TEST_PA, S2_NORMAL | AP_S2_XN);

	uint64_t previous_vttbr;
	mmu_stage2_enable(stage2, &previous_vttbr);
	rt_enter_el1(guest_main, __guest_stack_top);
}
