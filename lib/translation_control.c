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

/* TG0 and TG1 encode the granules differently. */
static unsigned tg0(ap_granule_t granule)
{
	static const unsigned code[] = {[AP_GRANULE_4K] = 0, [AP_GRANULE_16K] = 2, [AP_GRANULE_64K] = 1};
	return code[granule];
}

static unsigned tg1(ap_granule_t granule)
{
	static const unsigned code[] = {[AP_GRANULE_4K] = 2, [AP_GRANULE_16K] = 1, [AP_GRANULE_64K] = 3};
	return code[granule];
}

/* VTCR_EL2.SL0 counts levels back from the deepest start SL0 0 selects:
 * level 2 with 4 KiB, level 3 with 16 and 64 KiB. geometry.c only makes
 * starting levels SL0 can select, but for the 4 KiB root level 3 that a
 * root_level of 3 asks for. */
static bool stage2_sl0(const geometry_t *g, unsigned *sl0)
{
	unsigned sl0_zero = g->granule == AP_GRANULE_4K ? 2 : 3;
	if (g->root_level > sl0_zero)
		return false;
	*sl0 = sl0_zero - g->root_level;
	return true;
}

AP_EXPORT ap_status_t ap_mapping_translation_control(const ap_mapping_t *mapping,
						     ap_translation_control_t *out)
{
	if (!mapping || !out || out->size < sizeof(size_t) || out->size > sizeof(*out))
		return AP_ERR_INVALID_ARGUMENT;
	const geometry_t *g = &mapping->geo;
	bool stage2 = mapping->regime->kind == AP_REGIME_STAGE2;
	ap_translation_control_t c;
	__builtin_memset(&c, 0, sizeof(c));
	if (stage2 && !stage2_sl0(g, &c.sl0))
		return AP_ERR_UNSUPPORTED;
	c.size = sizeof(c);
	c.input_bits = g->input_bits;
	c.tsz = 64 - c.input_bits;
	c.granule = g->granule;
	c.root_level = g->root_level;
	c.root_entries = g->root_entries;
	c.root_tables = g->root_tables;
	(void)ap_mapping_ttbr(mapping, &c.ttbr);
	if (mapping->va_range == AP_VA_RANGE_UPPER) {
		c.tg = tg1(g->granule);
		c.tcr = ((uint64_t)c.tsz << TCR_T1SZ_SHIFT) | ((uint64_t)c.tg << TCR_TG1_SHIFT);
		c.tcr_mask = (TSZ_MASK << TCR_T1SZ_SHIFT) | (TG_MASK << TCR_TG1_SHIFT);
	} else {
		c.tg = tg0(g->granule);
		c.tcr = ((uint64_t)c.tsz << TCR_T0SZ_SHIFT) | ((uint64_t)c.tg << TCR_TG0_SHIFT);
		c.tcr_mask = (TSZ_MASK << TCR_T0SZ_SHIFT) | (TG_MASK << TCR_TG0_SHIFT);
	}
	if (stage2) {
		c.tcr |= (uint64_t)c.sl0 << VTCR_SL0_SHIFT;
		c.tcr_mask |= SL0_MASK << VTCR_SL0_SHIFT;
	}
	ap__sized_store(out, &c, sizeof(c));
	return AP_OK;
}
