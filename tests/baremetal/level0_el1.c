/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A 48-bit EL1&0 space whose walk starts at level 0 (T0SZ = 16), the one
 * level every other bare-metal test skips: AT and the library's walker
 * must agree on addresses above 2^39, on holes at level 0, and on the
 * descriptors level 0 may not hold. With the 4 KiB granule and TCR_EL1.DS
 * clear, a level-0 entry is a table or invalid: the block encoding 0b01
 * is reserved there and faults at level 0 like an invalid entry.
 */
#include "runtime.h"
#include "stage1_suite.h"

#define PAGE 4096ull
#define RAM_BASE 0x40000000ull
#define HIGH_VA 0x8000000000ull       /* level-0 index 1: beyond a 39-bit space */
#define TOP_VA 0xffffffe00000ull      /* the last 2 MiB of the 48-bit space */
#define GIB_VA 0x400000000000ull      /* a 1 GiB block at level-0 index 128 */
#define HOLE_VA 0x10000000000ull      /* level-0 index 2: no table */

static ap_mapping_t *create_level0(void)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_EL1AND0, &regime), AP_OK);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = 0, .asid = 1};
	ap_mapping_t *map = 0;
	CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	uint64_t size;
	CHECK_EQ(ap_mapping_size(map, &size), AP_OK);
	CHECK_EQ(size, 1ull << 48);
	return map;
}

/* AT at a spread of addresses around every region and hole. */
static unsigned check_spread(const ap_mapping_t *map)
{
	static const uint64_t starts[] = {HIGH_VA, TOP_VA, GIB_VA, HOLE_VA};
	unsigned checked = 0;
	for (unsigned i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		for (uint64_t va = starts[i] - 2 * PAGE;
		     va < starts[i] + 0x400000 && va < (1ull << 48); va += 0x3f000, checked++)
			suite_check_at(map, va);
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end;
	     va += PAGE, checked++)
		suite_check_at(map, va + 0x40);
	suite_check_at(map, 0xfffffffff000ull);
	suite_check_at(map, GIB_VA + 0x3ffff008ull);
	return checked + 2;
}

/* PAR_EL1 fields the checks below read. */
#define PAR_F(par) ((par) & 1)
#define PAR_FST(par) (((par) >> 1) & 0x3fu)
#define PAR_PA(par) ((par) & 0xfffffffff000ull)
#define L0_BLOCK_MASK 0x7fffffffffull /* the offset inside a 512 GiB region */

/*
 * AT on an address under the reserved level-0 block encoding. The Arm ARM
 * makes it a translation fault at level 0. QEMU 7.2's walker has no check
 * for blocks at level 0 and maps a 512 GiB block there instead; that
 * answer is recognised exactly (the PA the block bits give) and reported,
 * since AT cannot judge this encoding on that QEMU. Returns whether AT
 * followed the architecture.
 */
static bool at_faults_on_level0_block(uint64_t va, uint64_t descriptor)
{
	uint64_t par = mmu_at(va, false);
	if (PAR_F(par)) {
		CHECK_EQ(PAR_FST(par), RT_FSC_TRANSLATION(0));
		return true;
	}
	uint64_t block_pa = (descriptor & ~L0_BLOCK_MASK & 0xffffffffffffull) | (va & L0_BLOCK_MASK);
	CHECK_EQ(PAR_PA(par), block_pa & ~(PAGE - 1));
	return false;
}

/* Level-0 descriptors written straight into the root: the reserved block
 * encoding (AF set, so that a walker taking it as a block would not stop
 * at an access flag fault), and an invalid entry with its other bits kept.
 * The library's walker must read both as unmapped at level 0; AT must
 * fault at level 0 on the invalid entry (and on the block, see above). */
static unsigned check_level0_encodings(const ap_mapping_t *map)
{
	static const struct {
		uint64_t clear, set;
		const char *what;
	} edits[] = {{2, 1ull << 10, "the block encoding 0b01"},
		     {1, 0, "an invalid entry, table bits kept"}};
	unsigned checked = 0;
	volatile uint64_t *entry = suite_descriptor_at(map, HIGH_VA, 0);
	for (unsigned i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		uint64_t original = *entry, edited = (original & ~edits[i].clear) | edits[i].set;
		bool at_follows_arm = true;
		*entry = edited;
		mmu_flush_tlb();
		for (uint64_t va = HIGH_VA; va < HIGH_VA + 0x400000; va += 0x101000, checked++) {
			ap_translate_result_t r = {.size = sizeof(r)};
			CHECK_EQ(ap_mapping_translate(map, va, &r), AP_ERR_NOT_MAPPED);
			CHECK_EQ(r.level, 0);
			if (edited & 2)
				suite_check_at(map, va);
			else
				at_follows_arm &= at_faults_on_level0_block(va, edited);
		}
		rt_puts("the walker finds no mapping at level 0 under ");
		rt_puts(edits[i].what);
		rt_puts(at_follows_arm ? "; AT agrees\n"
				       : "; AT (QEMU) took it as a 512 GiB block, against the Arm ARM\n");
		*entry = original;
		mmu_flush_tlb();
		suite_check_at(map, HIGH_VA);
	}
	return checked;
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 1);
	ap_mapping_t *map = create_level0();
	suite_map_image(map, AP_REGIME_EL1AND0, 0);
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL1AND0);
	ap_attrs_t data = a.normal | a.never_execute | a.non_global;
	suite_map(map, HIGH_VA, 0x400000, RAM_BASE, data);
	suite_map(map, TOP_VA, 0x200000, RAM_BASE, data | a.read_only);
	suite_map(map, GIB_VA, 0x40000000, RAM_BASE, data);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, GIB_VA + 0x1234, &r), AP_OK);
	CHECK_EQ(r.level, 1);
	CHECK_EQ(ap_mapping_translate(map, HOLE_VA, &r), AP_ERR_NOT_MAPPED);
	CHECK_EQ(r.level, 0);

	uint64_t previous;
	CHECK_EQ(ap_mapping_activate(map, &previous), AP_OK);
	mmu_use_control(map); /* T0SZ 16 and TG0 from the library */
	mmu_enable(AP_REGIME_EL1AND0, false);
	rt_puts("MMU on, walks start at level 0\n");
	unsigned checked = check_spread(map);
	checked += check_level0_encodings(map);
	rt_print("the walker agrees with AT on addresses: ", checked);
	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(map, previous), AP_OK);
	CHECK_EQ(ap_mapping_destroy(map), AP_OK);
	return 0;
}
