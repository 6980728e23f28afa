/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "stage1_suite.h"

#include "runtime.h"

#define PAGE 4096ull

/* Input addresses the suite maps beyond the image (39-bit space). */
#define ALIAS_VA 0x1000000000ull /* one page, aliasing alias_page */
#define BLOCK_VA 0x2000000000ull /* 4 MiB of 2 MiB blocks over the start of RAM */
#define RAM_BASE 0x40000000ull
#define UNMAPPED_L1 0x7000000000ull           /* no table at level 1 */
#define UNMAPPED_L2 (ALIAS_VA + 0x200000ull)  /* no table at level 2 */
#define UNMAPPED_L3 (ALIAS_VA + PAGE)         /* empty entry at level 3 */

static uint64_t alias_page[PAGE / 8] __attribute__((aligned(4096)));

static void map_or_fail(ap_mapping_t *map, uint64_t va, uint64_t size, uint64_t pa,
			ap_attrs_t flags)
{
	ap_region_t region;
	CHECK_EQ(ap_region_from_size(va, size, &region), AP_OK);
	ap_error_t err = {.size = sizeof(err)};
	ap_status_t status = ap_mapping_map(map, &region, pa, flags, AP_CONSTRAINT_NONE, &err);
	if (status != AP_OK)
		rt_print("map failed at ", err.address);
	CHECK_EQ(status, AP_OK);
}

void suite_map_image(ap_mapping_t *map, ap_regime_kind_t kind, uint64_t va_offset)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	uint64_t start = (uint64_t)__image_start, text_end = (uint64_t)__text_end;
	uint64_t rodata_end = (uint64_t)__rodata_end, end = (uint64_t)__image_end;
	ap_attrs_t ng = a.non_global;
	map_or_fail(map, start + va_offset, text_end - start, start,
		    a.normal | a.read_only | ng);
	map_or_fail(map, text_end + va_offset, rodata_end - text_end, text_end,
		    a.normal | a.read_only | a.never_execute | ng);
	map_or_fail(map, rodata_end + va_offset, end - rodata_end, rodata_end,
		    a.normal | a.never_execute | ng);
	map_or_fail(map, RT_UART + va_offset, PAGE, RT_UART, a.device | ng);
}

static unsigned translation_fault_level(unsigned status)
{
	CHECK(status >= RT_FSC_TRANSLATION(0) && status <= RT_FSC_TRANSLATION(3));
	return status - RT_FSC_TRANSLATION(0);
}

void suite_check_at(const ap_mapping_t *map, uint64_t va)
{
	ap_translate_result_t r = {.size = sizeof(r)};
	ap_status_t status = ap_mapping_translate(map, va, &r);
	uint64_t par = mmu_at(va, false);
	if (status == AP_OK) {
		if (par & 1)
			rt_print("AT faulted on a mapped address ", va);
		CHECK_EQ(par & 1, 0);
		CHECK_EQ(par & 0xfffffffff000ull, r.output_address & ~(PAGE - 1));
		/* A write is refused exactly where the descriptor is read-only. */
		uint64_t par_write = mmu_at(va, true);
		bool read_only = (r.attributes & (1ull << 7)) != 0;
		CHECK_EQ(par_write & 1, read_only);
		if (read_only)
			CHECK_EQ((par_write >> 1) & 0x3f, RT_FSC_PERMISSION(r.level));
	} else {
		CHECK_EQ(status, AP_ERR_NOT_MAPPED);
		CHECK_EQ(par & 1, 1);
		CHECK_EQ(translation_fault_level((par >> 1) & 0x3f), r.level);
	}
}

void suite_check_load_faults(const ap_mapping_t *map, uint64_t va)
{
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, va, &r), AP_ERR_NOT_MAPPED);
	rt_fault_t fault;
	CHECK(rt_probe_load(va, 0, &fault));
	CHECK_EQ(rt_esr_class(fault.esr), RT_EC_DABT_SAME);
	CHECK_EQ(translation_fault_level(rt_esr_status(fault.esr)), r.level);
	CHECK_EQ(fault.far, va);
}

static int set_read_only(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	const ap_attrs_t *read_only = ctx;
	if (!ap_descriptor_is_valid(d))
		return 1;
	return ap_descriptor_modify_flags(d, *read_only, 0) == AP_OK ? 0 : 1;
}

void suite_make_read_only(ap_mapping_t *map, ap_regime_kind_t kind, uint64_t va)
{
	ap_attrs_t read_only = mmu_attrs_for(kind).read_only;
	ap_region_t page;
	CHECK_EQ(ap_region_from_size(va, PAGE, &page), AP_OK);
	CHECK_EQ(ap_mapping_modify(map, &page, set_read_only, &read_only, 0), AP_OK);
}

static ap_mapping_t *create_identity(ap_regime_kind_t kind, uint16_t asid)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(kind, &regime), AP_OK);
	ap_mapping_options_t options = {
		.size = sizeof(options), .regime = regime, .root_level = MMU_ROOT_LEVEL,
		.asid = asid, .va_range = AP_VA_RANGE_LOWER};
	ap_mapping_t *map = 0;
	CHECK_EQ(ap_mapping_create_identity(&options, &map), AP_OK);
	return map;
}

static bool has_asid(ap_regime_kind_t kind)
{
	return kind == AP_REGIME_EL1AND0 || kind == AP_REGIME_EL2AND0;
}

/* An alias VA reaches the same memory as the image's own address. */
static void check_alias(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	map_or_fail(map, ALIAS_VA, PAGE, (uint64_t)alias_page,
		    a.normal | a.never_execute | a.non_global);
	volatile uint64_t *alias = (volatile uint64_t *)ALIAS_VA;
	alias[3] = 0x1234abcd;
	CHECK_EQ(((volatile uint64_t *)alias_page)[3], 0x1234abcd);
	((volatile uint64_t *)alias_page)[5] = 0x5555;
	CHECK_EQ(alias[5], 0x5555);
	rt_puts("alias reads and writes the same memory\n");
}

/* Unmapped input addresses fault at the level the walker names. */
static void check_unmapped_faults(const ap_mapping_t *map)
{
	ap_translate_result_t r = {.size = sizeof(r)};
	const uint64_t addresses[] = {UNMAPPED_L1, UNMAPPED_L2, UNMAPPED_L3};
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(ap_mapping_translate(map, addresses[i], &r), AP_ERR_NOT_MAPPED);
		CHECK_EQ(r.level, i + 1);
		suite_check_load_faults(map, addresses[i]);
	}
	rt_puts("unmapped addresses fault at levels 1, 2 and 3\n");
}

/* The alias page, written a moment ago (so its writable entry is in the
 * TLB), turns read-only through the library alone: the next write must
 * fault, which only the library's invalidation makes happen. */
static void check_live_read_only(ap_mapping_t *map, ap_regime_kind_t kind)
{
	CHECK(!rt_probe_store(ALIAS_VA, 77, 0));
	suite_make_read_only(map, kind, ALIAS_VA);
	rt_fault_t fault;
	CHECK(rt_probe_store(ALIAS_VA + 8, 0xdead, &fault));
	CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_PERMISSION(3));
	CHECK_EQ((fault.esr >> 6) & 1, 1); /* WnR: it was a write */
	CHECK_EQ(fault.far, ALIAS_VA + 8);
	CHECK_EQ(alias_page[1], 0);
	uint64_t value = 0;
	CHECK(!rt_probe_load(ALIAS_VA, &value, 0));
	CHECK_EQ(value, 77);
	rt_puts("a live page made read-only faults on the next write\n");
}

static void check_live_unmap(ap_mapping_t *map)
{
	CHECK(!rt_probe_load(ALIAS_VA, 0, 0));
	ap_region_t page;
	CHECK_EQ(ap_region_from_size(ALIAS_VA, PAGE, &page), AP_OK);
	CHECK_EQ(ap_mapping_unmap(map, &page, 0), AP_OK);
	suite_check_load_faults(map, ALIAS_VA);
	rt_puts("a live page unmapped faults on the next access\n");
}

/* The walker and AT agree on pages, blocks, holes and read-only memory. */
static void check_walker_agrees(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	map_or_fail(map, BLOCK_VA, 0x400000, RAM_BASE, a.normal | a.read_only | a.non_global);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, BLOCK_VA + 0x212345, &r), AP_OK);
	CHECK_EQ(r.level, 2); /* really a block */
	unsigned checked = 0;
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += PAGE, checked++)
		suite_check_at(map, va + ((checked * 0x58) & 0xff8));
	for (uint64_t va = BLOCK_VA - 0x100000; va < BLOCK_VA + 0x500000; va += 0x2f000, checked++)
		suite_check_at(map, va);
	const uint64_t others[] = {RT_UART, RT_UART + PAGE, ALIAS_VA, ALIAS_VA + PAGE,
				   UNMAPPED_L1, UNMAPPED_L2, 0, 0x7ffffff000ull,
				   (uint64_t)__image_start - PAGE, (uint64_t)__image_end};
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++, checked++)
		suite_check_at(map, others[i]);
	rt_print("the walker agrees with AT on addresses: ", checked);
}

/* A second table (another ASID) is activated over the first and
 * deactivated again: the first one's TTBR value comes back. */
static void check_deactivate(ap_regime_kind_t kind, ap_mapping_t *first)
{
	ap_mapping_t *second = create_identity(kind, 2);
	suite_map_image(second, kind, 0);
	uint64_t first_ttbr, second_ttbr, previous;
	CHECK_EQ(ap_mapping_ttbr(first, &first_ttbr), AP_OK);
	CHECK_EQ(ap_mapping_ttbr(second, &second_ttbr), AP_OK);
	CHECK_EQ(second_ttbr >> 48, 2);
	CHECK_EQ(ap_mapping_activate(second, &previous), AP_OK);
	CHECK_EQ(previous, first_ttbr);
	CHECK_EQ(mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), second_ttbr);
	rt_puts("running on the second table\n");
	CHECK_EQ(ap_mapping_deactivate(second, previous), AP_OK);
	CHECK_EQ(mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), first_ttbr);
	bool active = true;
	CHECK_EQ(ap_mapping_is_active(second, &active), AP_OK);
	CHECK(!active);
	CHECK_EQ(ap_mapping_destroy(second), AP_OK);
	rt_puts("deactivation restored the previous TTBR\n");
}

int run_stage1_suite(ap_regime_kind_t kind)
{
	uint16_t asid = has_asid(kind) ? 1 : 0;
	ap_mapping_t *map = create_identity(kind, asid);
	suite_map_image(map, kind, 0);
	uint64_t original = mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), previous, ttbr;
	CHECK_EQ(ap_mapping_activate(map, &previous), AP_OK);
	CHECK_EQ(previous, original);
	CHECK_EQ(ap_mapping_ttbr(map, &ttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), ttbr);
	CHECK_EQ(ttbr >> 48, asid);
	mmu_enable(kind, false);
	rt_puts("MMU on, running on the library's table\n");

	check_alias(map, kind);
	check_unmapped_faults(map);
	check_walker_agrees(map, kind);
	check_live_read_only(map, kind);
	check_live_unmap(map);
	CHECK_EQ(ap_mapping_destroy(map), AP_ERR_STILL_ACTIVE);

	if (!has_asid(kind)) {
		/* EL2 and EL3 have nothing to return to. */
		CHECK_EQ(ap_mapping_deactivate(map, previous), AP_ERR_UNSUPPORTED);
		mmu_disable();
		return 0;
	}
	check_deactivate(kind, map);
	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(map, previous), AP_OK);
	CHECK_EQ(mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), original);
	CHECK_EQ(ap_mapping_destroy(map), AP_OK);
	return 0;
}
