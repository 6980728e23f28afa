/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "mmu.h"

#include "runtime.h"

mmu_attrs_t mmu_attrs_for(ap_regime_kind_t kind)
{
	mmu_attrs_t a;
	if (kind == AP_REGIME_EL2 || kind == AP_REGIME_EL3) {
		/* AP[1] is RES1 in the EL2 and EL3 formats. */
		ap_attrs_t base = AP_EL23_VALID | AP_EL23_ACCESSED | AP_EL23_USER_RES1;
		a.normal = base | AP_EL23_ATTRIBUTE_INDEX_0 | AP_EL23_INNER_SHAREABLE;
		a.device = base | AP_EL23_ATTRIBUTE_INDEX_1 | AP_EL23_XN;
		a.read_only = AP_EL23_READ_ONLY;
		a.never_execute = AP_EL23_XN;
		a.non_global = 0;
	} else {
		ap_attrs_t base = AP_EL1_VALID | AP_EL1_ACCESSED;
		a.normal = base | AP_EL1_ATTRIBUTE_INDEX_0 | AP_EL1_INNER_SHAREABLE;
		a.device = base | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_PXN | AP_EL1_UXN;
		a.read_only = AP_EL1_READ_ONLY;
		a.never_execute = AP_EL1_PXN | AP_EL1_UXN;
		a.non_global = AP_EL1_NON_GLOBAL;
	}
	return a;
}

/* The physical address size the CPU implements, in TCR's encoding. */
static uint64_t pa_range(void)
{
	uint64_t mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	uint64_t range = mmfr0 & 0xf;
	return range > 5 ? 5 : range;
}

bool mmu_granule_supported(ap_granule_t granule, bool stage2)
{
	uint64_t mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	/* Stage 1 fields: TGran4 31:28, TGran64 27:24, TGran16 23:20. */
	unsigned shift = granule == AP_GRANULE_4K ? 28 : granule == AP_GRANULE_64K ? 24 : 20;
	unsigned field = (unsigned)(mmfr0 >> shift) & 0xf;
	bool supported = granule == AP_GRANULE_16K ? (field == 1 || field == 2) : (field == 0 || (granule == AP_GRANULE_4K && field == 1));
	if (stage2) {
		/* TGran4_2 43:40, TGran64_2 39:36, TGran16_2 35:32: 0b0000 as the
		 * stage 1 field, 0b0001 not supported, 0b0010 and 0b0011 supported. */
		unsigned shift2 = granule == AP_GRANULE_4K ? 40 : granule == AP_GRANULE_64K ? 36 : 32;
		unsigned field2 = (unsigned)(mmfr0 >> shift2) & 0xf;
		rt_print("ID_AA64MMFR0_EL1 stage 2 granule field: ", field2);
		if (field2 != 0)
			supported = field2 == 2 || field2 == 3;
	}
	rt_print("ID_AA64MMFR0_EL1 stage 1 granule field: ", field);
	if (!supported)
		rt_puts("the CPU does not implement the granule this test needs\n");
	return supported;
}

/* The size and granule fields mmu_enable() programs: T0SZ/TG0 and
 * T1SZ/TG1 for 39 bits and 4 KiB pages, unless a test handed in the
 * library's values for its table (mmu_use_control()). */
#define TCR_SIZE_FIELDS_39 ((64ull - MMU_VA_BITS) | ((64ull - MMU_VA_BITS) << 16) | (2ull << 30))
static uint64_t size_fields = TCR_SIZE_FIELDS_39;

void mmu_use_control(const ap_mapping_t *map)
{
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	CHECK_EQ(ap_mapping_translation_control(map, &control), AP_OK);
	size_fields = (size_fields & ~control.tcr_mask) | control.tcr;
}

/* Walks write-back cacheable, inner shareable. */
#define TCR_WALK0 ((1ull << 8) | (1ull << 10) | (3ull << 12))
#define TCR_WALK1 ((1ull << 24) | (1ull << 26) | (3ull << 28))
#define TCR_EPD1 (1ull << 23)
#define TCR_LOWER_FIELDS 0xffffull /* T0SZ .. TG0 */

/* TCR_EL1, and TCR_EL2 with E2H set, have the two-range layout. */
static uint64_t tcr_two_ranges(bool upper)
{
	uint64_t tcr = size_fields | TCR_WALK0 | TCR_WALK1 | (pa_range() << 32);
	return upper ? tcr : tcr | TCR_EPD1;
}

/* TCR_EL2 without E2H and TCR_EL3: one range, bits 31 and 23 RES1. */
static uint64_t tcr_one_range(void)
{
	return (size_fields & TCR_LOWER_FIELDS) | TCR_WALK0 | (pa_range() << 16) | (1ull << 31) |
	       (1ull << 23);
}

#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

static uint64_t sctlr_on(uint64_t sctlr)
{
	return (sctlr | SCTLR_M | SCTLR_C | SCTLR_I) & ~(SCTLR_A | SCTLR_WXN);
}

void mmu_enable(ap_regime_kind_t kind, bool upper)
{
	uint64_t sctlr;
	switch (rt_current_el()) {
	case 1:
		__asm__ volatile("msr mair_el1, %0" : : "r"(MMU_MAIR));
		__asm__ volatile("msr tcr_el1, %0" : : "r"(tcr_two_ranges(upper)));
		__asm__ volatile("isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb" : : : "memory");
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr_on(sctlr)) : "memory");
		break;
	case 2: {
		uint64_t tcr = kind == AP_REGIME_EL2AND0 ? tcr_two_ranges(upper) : tcr_one_range();
		__asm__ volatile("msr mair_el2, %0" : : "r"(MMU_MAIR));
		__asm__ volatile("msr tcr_el2, %0" : : "r"(tcr));
		__asm__ volatile("isb\n\ttlbi alle2\n\tdsb nsh\n\tisb" : : : "memory");
		__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el2, %0\n\tisb" : : "r"(sctlr_on(sctlr)) : "memory");
		break;
	}
	case 3:
		__asm__ volatile("msr mair_el3, %0" : : "r"(MMU_MAIR));
		__asm__ volatile("msr tcr_el3, %0" : : "r"(tcr_one_range()));
		__asm__ volatile("isb\n\ttlbi alle3\n\tdsb nsh\n\tisb" : : : "memory");
		__asm__ volatile("mrs %0, sctlr_el3" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el3, %0\n\tisb" : : "r"(sctlr_on(sctlr)) : "memory");
		break;
	}
}

void mmu_disable(void)
{
	uint64_t sctlr;
	switch (rt_current_el()) {
	case 1:
		__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr & ~SCTLR_M) : "memory");
		break;
	case 2:
		__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el2, %0\n\tisb" : : "r"(sctlr & ~SCTLR_M) : "memory");
		break;
	case 3:
		__asm__ volatile("mrs %0, sctlr_el3" : "=r"(sctlr));
		__asm__ volatile("msr sctlr_el3, %0\n\tisb" : : "r"(sctlr & ~SCTLR_M) : "memory");
		break;
	}
}

uint64_t mmu_at(uint64_t va, bool write)
{
	uint64_t par;
	switch (rt_current_el()) {
	case 1:
		if (write)
			__asm__ volatile("at s1e1w, %0" : : "r"(va) : "memory");
		else
			__asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
		break;
	case 2:
		if (write)
			__asm__ volatile("at s1e2w, %0" : : "r"(va) : "memory");
		else
			__asm__ volatile("at s1e2r, %0" : : "r"(va) : "memory");
		break;
	case 3:
		if (write)
			__asm__ volatile("at s1e3w, %0" : : "r"(va) : "memory");
		else
			__asm__ volatile("at s1e3r, %0" : : "r"(va) : "memory");
		break;
	}
	__asm__ volatile("isb\n\tmrs %0, par_el1" : "=r"(par) : : "memory");
	return par;
}

uint64_t mmu_at_el0(uint64_t va, bool write)
{
	uint64_t par;
	if (write)
		__asm__ volatile("at s1e0w, %0" : : "r"(va) : "memory");
	else
		__asm__ volatile("at s1e0r, %0" : : "r"(va) : "memory");
	__asm__ volatile("isb\n\tmrs %0, par_el1" : "=r"(par) : : "memory");
	return par;
}

uint64_t mmu_at_s12(uint64_t va, bool write)
{
	uint64_t par;
	if (write)
		__asm__ volatile("at s12e1w, %0" : : "r"(va) : "memory");
	else
		__asm__ volatile("at s12e1r, %0" : : "r"(va) : "memory");
	__asm__ volatile("isb\n\tmrs %0, par_el1" : "=r"(par) : : "memory");
	return par;
}

void mmu_flush_tlb(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
	switch (rt_current_el()) {
	case 1: __asm__ volatile("tlbi vmalle1" : : : "memory"); break;
	case 2: __asm__ volatile("tlbi alle2\n\ttlbi vmalls12e1" : : : "memory"); break;
	case 3: __asm__ volatile("tlbi alle3" : : : "memory"); break;
	}
	__asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

uint64_t mmu_read_ttbr(ap_regime_kind_t kind, ap_va_range_t range)
{
	uint64_t v = 0;
	bool upper = range == AP_VA_RANGE_UPPER;
	switch (kind) {
	case AP_REGIME_EL1AND0:
		if (upper)
			__asm__ volatile("mrs %0, ttbr1_el1" : "=r"(v));
		else
			__asm__ volatile("mrs %0, ttbr0_el1" : "=r"(v));
		break;
	case AP_REGIME_EL2AND0:
		if (upper)
			__asm__ volatile("mrs %0, S3_4_C2_C0_1" : "=r"(v));
		else
			__asm__ volatile("mrs %0, ttbr0_el2" : "=r"(v));
		break;
	case AP_REGIME_EL2: __asm__ volatile("mrs %0, ttbr0_el2" : "=r"(v)); break;
	case AP_REGIME_EL3: __asm__ volatile("mrs %0, ttbr0_el3" : "=r"(v)); break;
	case AP_REGIME_STAGE2: __asm__ volatile("mrs %0, vttbr_el2" : "=r"(v)); break;
	}
	return v;
}

#define HCR_VM (1ull << 0)
#define HCR_RW (1ull << 31)

/* VTCR_EL2: walks write-back cacheable and inner shareable, PS from the
 * CPU (at most 48 bits), RES1 bit 31; T0SZ, SL0 and TG0 come from the
 * library's ap_mapping_translation_control() for the table, so that a
 * wrong starting level or input size there stops the guest. */
static uint64_t stage2_vtcr(const ap_mapping_t *stage2)
{
	uint64_t mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	uint64_t ps = (mmfr0 & 0xf) > 5 ? 5 : (mmfr0 & 0xf);
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	CHECK_EQ(ap_mapping_translation_control(stage2, &control), AP_OK);
	uint64_t fixed = (1ull << 8) | (1ull << 10) | (3ull << 12) | (ps << 16) | (1ull << 31);
	return (fixed & ~control.tcr_mask) | control.tcr;
}

void mmu_stage2_enable(ap_mapping_t *stage2, uint64_t *previous)
{
	__asm__ volatile("msr vtcr_el2, %0" : : "r"(stage2_vtcr(stage2)));
	CHECK_EQ(ap_mapping_activate(stage2, previous), AP_OK);
	__asm__ volatile("msr hcr_el2, %0" : : "r"(HCR_VM | HCR_RW));
	/* The guest's own MMU stays off: SCTLR_EL1 with only its RES1 bits. */
	__asm__ volatile("msr sctlr_el1, %0\n\tisb\n\ttlbi vmalls12e1\n\tdsb nsh\n\tisb"
			 : : "r"(0x30d00800ull) : "memory");
}

void mmu_guest_stage1(bool on)
{
	const uint64_t sctlr_res1 = 0x30d00800ull;
	if (on) {
		__asm__ volatile("msr mair_el1, %0" : : "r"(MMU_MAIR));
		__asm__ volatile("msr tcr_el1, %0" : : "r"(tcr_two_ranges(false)));
	}
	uint64_t sctlr = on ? sctlr_on(sctlr_res1) : sctlr_res1;
	__asm__ volatile("msr sctlr_el1, %0\n\tisb\n\ttlbi vmalls12e1\n\tdsb nsh\n\tisb"
			 : : "r"(sctlr) : "memory");
}
