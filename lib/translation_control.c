/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The translation control register fields a mapping's tables need: the
 * input size (TnSZ), the granule (TGn, whose encoding differs between TG0
 * and TG1) and, for stage 2, the starting level (VTCR_EL2.SL0), placed
 * where the register keeps them for the mapping's VA range.
 */
#include "internal.h"

/* TCR_ELx and VTCR_EL2 field positions. */
#define TCR_T0SZ_SHIFT 0
#define TCR_TG0_SHIFT 14
#define TCR_T1SZ_SHIFT 16
#define TCR_TG1_SHIFT 30
#define VTCR_SL0_SHIFT 6
#define TSZ_MASK UINT64_C(0x3f)
#define TG_MASK UINT64_C(3)
#define SL0_MASK UINT64_C(3)

/* The 4 KiB granule in TG0's and in TG1's encoding. */
#define TG0_4K 0u
#define TG1_4K 2u

/* VTCR_EL2.SL0 of a 4 KiB-granule stage 2 root at level 0, 1 or 2. */
static const unsigned stage2_sl0_4k[] = {2, 1, 0};

AP_EXPORT ap_status_t ap_mapping_translation_control(const ap_mapping_t *mapping,
						     ap_translation_control_t *out)
{
	if (!mapping || !out || out->size < sizeof(size_t) || out->size > sizeof(*out))
		return AP_ERR_INVALID_ARGUMENT;
	bool stage2 = mapping->regime->kind == AP_REGIME_STAGE2;
	if (stage2 && mapping->root_level == AP_LEAF_LEVEL)
		return AP_ERR_UNSUPPORTED;
	ap_translation_control_t c;
	__builtin_memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.input_bits = AP_PAGE_SHIFT + (AP_LEAF_LEVEL - mapping->root_level + 1) * AP_BITS_PER_LEVEL;
	c.tsz = 64 - c.input_bits;
	(void)ap_mapping_ttbr(mapping, &c.ttbr);
	if (mapping->va_range == AP_VA_RANGE_UPPER) {
		c.tg = TG1_4K;
		c.tcr = ((uint64_t)c.tsz << TCR_T1SZ_SHIFT) | ((uint64_t)c.tg << TCR_TG1_SHIFT);
		c.tcr_mask = (TSZ_MASK << TCR_T1SZ_SHIFT) | (TG_MASK << TCR_TG1_SHIFT);
	} else {
		c.tg = TG0_4K;
		c.tcr = ((uint64_t)c.tsz << TCR_T0SZ_SHIFT) | ((uint64_t)c.tg << TCR_TG0_SHIFT);
		c.tcr_mask = (TSZ_MASK << TCR_T0SZ_SHIFT) | (TG_MASK << TCR_TG0_SHIFT);
	}
	if (stage2) {
		c.sl0 = stage2_sl0_4k[mapping->root_level];
		c.tcr |= (uint64_t)c.sl0 << VTCR_SL0_SHIFT;
		c.tcr_mask |= SL0_MASK << VTCR_SL0_SHIFT;
	}
	ap__sized_store(out, &c, sizeof(c));
	return AP_OK;
}
