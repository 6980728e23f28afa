/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The system registers around a translation table that the library leaves
 * to its caller: MAIR, TCR, SCTLR, and the AT instruction. The tables, the
 * TTBR writes and every TLB invalidation after a change are the library's.
 */
#ifndef RT_MMU_H
#define RT_MMU_H

#include <aarch64_paging.h>
#include <stdbool.h>
#include <stdint.h>

/* MAIR index 0: Normal write-back; 1: Device-nGnRnE; 2: Normal
 * non-cacheable; 3: Device-nGnRE; 4: Normal write-through (read and write
 * allocate). Distinct values, so that PAR_EL1.ATTR tells which index a walk
 * used. */
#define MMU_MAIR 0xbb044400ffull
/* The MAIR attribute at @p index. */
#define MMU_MAIR_ATTR(index) ((unsigned)(MMU_MAIR >> (8 * (index))) & 0xffu)
/* Test tables start at level 1, a 39-bit input address space, unless a
 * test calls mmu_use_control() before mmu_enable(). */
#define MMU_ROOT_LEVEL 1u
#define MMU_VA_BITS 39u

/* Attribute bits of one descriptor format, as the tests use them. */
typedef struct mmu_attrs {
	ap_attrs_t normal;    /* read-write normal memory, executable */
	ap_attrs_t device;    /* read-write device memory, never executable */
	ap_attrs_t read_only; /* the AP[2] bit */
	ap_attrs_t never_execute;
	ap_attrs_t non_global; /* 0 where the regime has no ASIDs */
} mmu_attrs_t;

mmu_attrs_t mmu_attrs_for(ap_regime_kind_t kind);

/* From now on mmu_enable() programs the input size and granule fields of
 * TCR for @p map's range as ap_mapping_translation_control() gives them
 * (before: 39 bits and 4 KiB pages in both ranges). */
void mmu_use_control(const ap_mapping_t *map);

/* Whether ID_AA64MMFR0_EL1 says the CPU implements @p granule for stage 1
 * (TGran4, TGran16, TGran64) or, with @p stage2, for stage 2 (TGran4_2,
 * TGran16_2, TGran64_2, which may defer to the stage 1 field). Prints the
 * field it read. */
bool mmu_granule_supported(ap_granule_t granule, bool stage2);

/* Sets MAIR and TCR for the regime (both halves when @p upper), clears the
 * TLBs of the regime once, and turns the MMU on. */
void mmu_enable(ap_regime_kind_t kind, bool upper);
/* Turns the MMU of the current exception level off. */
void mmu_disable(void);

/* At EL2: sets VTCR_EL2 for the tests' stage 2 tables (39-bit IPA, walks
 * from level 1), activates @p stage2 (the previous VTTBR in @p previous),
 * turns stage 2 on for EL1&0 with EL1 in AArch64, and leaves the guest's
 * own MMU off. The caller then enters the guest with rt_enter_el1(). */
void mmu_stage2_enable(ap_mapping_t *stage2, uint64_t *previous);

/* At EL2, with stage 2 on: turns the guest's stage 1 on (MAIR_EL1,
 * TCR_EL1 as mmu_enable() sets them for TTBR0_EL1; the caller activates a
 * table there) or off again, and drops the guest's TLB entries. */
void mmu_guest_stage1(bool on);

/* AT S1ExR (or S1ExW when @p write) at the current level: the PAR_EL1 value. */
uint64_t mmu_at(uint64_t va, bool write);

/* AT S1E0R (or S1E0W): the EL0 view of the EL1&0 regime at EL1, or of
 * EL2&0 at EL2 with HCR_EL2.E2H and TGE set. The PAR_EL1 value. */
uint64_t mmu_at_el0(uint64_t va, bool write);

/* At EL2: AT S12E1R (or S12E1W), the guest's EL1 view through both stages. */
uint64_t mmu_at_s12(uint64_t va, bool write);

/* Drops every TLB entry of the current level's regime (after the test wrote
 * descriptors itself). */
void mmu_flush_tlb(void);

/* The TTBR the regime uses for @p range (for checks after activation). */
uint64_t mmu_read_ttbr(ap_regime_kind_t kind, ap_va_range_t range);

#endif
