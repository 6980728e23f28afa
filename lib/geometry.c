/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The architecture's rules for the shape of a translation: which granules
 * exist, which input sizes each allows, at which level a walk of that size
 * starts, and when a stage 2 root may be several concatenated tables. A
 * mapping's geometry is made here once; everything else reads it.
 *
 * The facts (Arm ARM, "The VMSAv8-64 translation table format" and the
 * stage 2 starting-level rules, AArch64.S2InconsistentSL):
 * - a 2^g-byte granule resolves g - 3 bits per level, level 3 holds pages;
 * - without FEAT_LPA2 (52-bit addresses) input sizes run from 25 bits
 *   (TnSZ 39; smaller needs FEAT_TTST) to 48 bits;
 * - stage 1 starts at the level that resolves the top input bit;
 * - stage 2 may start at a level that resolves the top bit with a root of
 *   up to 16 concatenated tables: an input size from level_shift + 1 to
 *   level_shift + bits + 4 bits. VTCR_EL2.SL0 selects levels 2..0 with
 *   4 KiB (level 3 needs FEAT_TTST) and 3..1 with 16 and 64 KiB (level 0
 *   of 16 KiB needs FEAT_LPA2);
 * - blocks exist at levels 1 and 2 with 4 KiB and at level 2 with 16 and
 *   64 KiB; 64 KiB walks never use level 0 (its 48-bit top is level 1).
 */
#include "internal.h"

#define MIN_INPUT_BITS 25u
#define MAX_INPUT_BITS 48u
#define MAX_CONCATENATED 16u


unsigned ap__granule_page_shift(ap_granule_t granule)
{
	switch (granule) {
	case AP_GRANULE_4K:
		return 12;
	case AP_GRANULE_16K:
		return 14;
	case AP_GRANULE_64K:
		return 16;
	default:
		return 0;
	}
}

/* The levels a walk with this granule may start at in this stage. */
static unsigned shallowest_start(ap_granule_t granule)
{
	return granule == AP_GRANULE_64K ? 1 : 0;
}

static unsigned deepest_stage2_start(ap_granule_t granule)
{
	return granule == AP_GRANULE_4K ? 2 : 3;
}

static unsigned shallowest_stage2_start(ap_granule_t granule)
{
	return granule == AP_GRANULE_4K ? 0 : 1;
}

/* log2 of the bytes an entry at level covers (before derive() has filled
 * the table of them). */
static unsigned shift_of(const geometry_t *g, unsigned level)
{
	return g->page_shift + (AP_LEAF_LEVEL - level) * g->bits;
}

/* The per-level values the walks read. */
static void derive(geometry_t *g)
{
	g->page_mask = ((uint64_t)1 << g->page_shift) - 1;
	g->is_4k = g->page_shift == 12 && g->root_entries == 512;
	g->oa_field = (PA_LIMIT - 1) & ~g->page_mask;
	for (unsigned level = 0; level <= AP_LEAF_LEVEL; level++) {
		g->shift[level] = (uint8_t)shift_of(g, level);
		g->index_mask[level] = (level == g->root_level ? g->root_entries : 1u << g->bits) - 1;
		g->block_oa[level] = g->oa_field & ~(((uint64_t)1 << g->shift[level]) - 1);
	}
}

/* Stage 1: the level whose entries hold the top input bit. */
static unsigned stage1_start(const geometry_t *g)
{
	unsigned level = AP_LEAF_LEVEL;
	while (g->input_bits > shift_of(g, level) + g->bits)
		level--;
	return level;
}

/* Stage 2: the deepest level SL0 can select whose root needs at most
 * max_tables concatenated tables; false when there is none. */
static bool stage2_start(const geometry_t *g, unsigned max_tables, unsigned *start)
{
	unsigned extra = (unsigned)__builtin_ctz(max_tables); /* log2 */
	for (unsigned level = deepest_stage2_start(g->granule);; level--) {
		unsigned shift = shift_of(g, level);
		if (g->input_bits > shift && g->input_bits <= shift + g->bits + extra) {
			*start = level;
			return true;
		}
		if (level == shallowest_stage2_start(g->granule))
			return false;
	}
}

static bool power_of_two_up_to_16(unsigned n)
{
	return n != 0 && n <= MAX_CONCATENATED && (n & (n - 1)) == 0;
}

/* input_bits 0: the root is one whole table at root_level (the only rule
 * before granules and input sizes could be chosen), capped at 48 bits. */
static ap_status_t root_level_rule(const ap_mapping_options_t *o, geometry_t *g)
{
	if (o->max_root_tables > 1 || o->root_level > AP_LEAF_LEVEL ||
	    o->root_level < shallowest_start(g->granule))
		return AP_ERR_INVALID_ARGUMENT;
	g->root_level = o->root_level;
	unsigned bits = shift_of(g, o->root_level) + g->bits;
	g->input_bits = bits < MAX_INPUT_BITS ? bits : MAX_INPUT_BITS;
	return AP_OK;
}

static ap_status_t input_size_rule(const ap_mapping_options_t *o, ap_regime_kind_t kind,
				   geometry_t *g)
{
	if (o->root_level != 0 || o->input_bits < MIN_INPUT_BITS || o->input_bits > MAX_INPUT_BITS)
		return AP_ERR_INVALID_ARGUMENT;
	g->input_bits = o->input_bits;
	if (kind != AP_REGIME_STAGE2) {
		if (o->max_root_tables > 1)
			return AP_ERR_INVALID_ARGUMENT;
		g->root_level = stage1_start(g);
		return AP_OK;
	}
	unsigned max_tables = o->max_root_tables ? o->max_root_tables : MAX_CONCATENATED;
	if (!power_of_two_up_to_16(max_tables) || !stage2_start(g, max_tables, &g->root_level))
		return AP_ERR_INVALID_ARGUMENT;
	return AP_OK;
}

ap_status_t ap__geometry_make(const ap_mapping_options_t *o, ap_regime_kind_t kind, geometry_t *g)
{
	__builtin_memset(g, 0, sizeof(*g));
	g->granule = o->granule;
	g->page_shift = ap__granule_page_shift(o->granule);
	if (g->page_shift == 0)
		return AP_ERR_INVALID_ARGUMENT;
	g->bits = g->page_shift - 3;
	g->first_block_level = o->granule == AP_GRANULE_4K ? 1 : 2;
	ap_status_t status = o->input_bits == 0 ? root_level_rule(o, g)
						: input_size_rule(o, kind, g);
	if (status != AP_OK)
		return status;
	g->root_entries = 1u << (g->input_bits - shift_of(g, g->root_level));
	unsigned per_table = 1u << g->bits;
	g->root_tables = g->root_entries > per_table ? g->root_entries / per_table : 1;
	derive(g);
	return AP_OK;
}
