/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "stage1_suite.h"

#include "runtime.h"

#define PAGE 4096ull

/* Input addresses the suite maps beyond the image (39-bit space). */
#define ALIAS_VA 0x1000000000ull /* one page, aliasing alias_page */
#define BLOCK_VA 0x2000000000ull /* 4 MiB of 2 MiB blocks over the start of RAM */
#define RAM_BASE 0x40000000ull
#define GIB_VA 0x3000000000ull     /* one 1 GiB block over RAM */
#define VARIETY_VA 0x4000000000ull /* pages of each attribute the suite compares */
#define CONTIG_VA (VARIETY_VA + 0x10000ull) /* 16 pages with the contiguous bit */
#define RAW_VA 0x5000000000ull     /* descriptors the test writes itself */
#define SECOND_ONLY_VA 0x6000000000ull /* only the second table of check_deactivate */
#define UNMAPPED_L1 0x7000000000ull           /* no table at level 1 */
#define UNMAPPED_L2 (ALIAS_VA + 0x200000ull)  /* no table at level 2 */
#define UNMAPPED_L3 (ALIAS_VA + PAGE)         /* empty entry at level 3 */

static uint64_t alias_page[PAGE / 8] __attribute__((aligned(4096)));

void suite_map(ap_mapping_t *map, uint64_t va, uint64_t size, uint64_t pa,
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
	suite_map(map, start + va_offset, text_end - start, start,
		    a.normal | a.read_only | ng);
	suite_map(map, text_end + va_offset, rodata_end - text_end, text_end,
		    a.normal | a.read_only | a.never_execute | ng);
	suite_map(map, rodata_end + va_offset, end - rodata_end, rodata_end,
		    a.normal | a.never_execute | ng);
	suite_map(map, RT_UART + va_offset, PAGE, RT_UART, a.device | ng);
}

static unsigned translation_fault_level(unsigned status)
{
	CHECK(status >= RT_FSC_TRANSLATION(0) && status <= RT_FSC_TRANSLATION(3));
	return status - RT_FSC_TRANSLATION(0);
}

/* Descriptor bits shared by the EL1&0, EL2 and EL3 formats. */
#define D_ATTR_INDEX(d) (((d) >> 2) & 7u)
#define D_USER (1ull << 6) /* AP[1]; RES1 in the EL2 and EL3 formats */
#define D_READ_ONLY (1ull << 7)
#define D_SH(d) (((d) >> 8) & 3u)
#define D_AF (1ull << 10)
#define D_SH_MASK (3ull << 8)
#define D_ATTR_INDEX_MASK (7ull << 2)
#define D_CONTIGUOUS (1ull << 52)

/* PAR_EL1 fields: F, FST (on a fault), SH, PA, ATTR. */
#define PAR_F(par) ((par) & 1)
#define PAR_FST(par) (((par) >> 1) & 0x3fu)
#define PAR_SH(par) (((par) >> 7) & 3u)
#define PAR_PA(par) ((par) & 0xfffffffff000ull)
#define PAR_ATTR(par) ((unsigned)((par) >> 56))

static ap_regime_kind_t kind_of(const ap_mapping_t *map)
{
	const ap_regime_t *regime;
	ap_regime_kind_t kind;
	CHECK_EQ(ap_mapping_regime(map, &regime), AP_OK);
	CHECK_EQ(ap_regime_get_kind(regime, &kind), AP_OK);
	return kind;
}

/* Regimes with an EL0: AP[1] is the USER bit there. At EL2 that is EL2&0
 * with TGE set (the only way el2_vhe runs it). */
static bool has_el0(ap_regime_kind_t kind)
{
	return kind == AP_REGIME_EL1AND0 || kind == AP_REGIME_EL2AND0;
}

/*
 * Whether PAR_EL1.SH fits a descriptor: its SH field for cacheable Normal
 * memory. For Device and Normal Non-cacheable memory the Arm ARM returns
 * Outer Shareable (0b10), but QEMU 7.2 returns the descriptor's field
 * there too, so both are taken for those.
 */
static bool sh_fits(uint64_t descriptor, unsigned sh)
{
	unsigned attr = MMU_MAIR_ATTR(D_ATTR_INDEX(descriptor));
	if ((attr & 0xf0) == 0 || attr == 0x44)
		return sh == 2 || sh == D_SH(descriptor);
	return sh == D_SH(descriptor);
}

/* One AT result for an address translate() maps: a fault where the
 * descriptor forbids the access (with its status), else the PA and the
 * attributes the descriptor selects. */
static uint64_t checking_va; /* for the report of a failed check */

static void check_par_mapped(const ap_translate_result_t *r, uint64_t par, bool forbidden)
{
	uint64_t d = r->attributes;
	if ((PAR_F(par) != forbidden && (d & D_AF)) || (!forbidden && !PAR_F(par) &&
	    (PAR_ATTR(par) != MMU_MAIR_ATTR(D_ATTR_INDEX(d)) || !sh_fits(d, PAR_SH(par))))) {
		rt_print("AT disagrees with the walker at VA ", checking_va);
		rt_print("  descriptor ", r->descriptor);
		rt_print("  PAR_EL1    ", par);
	}
	if (!(d & D_AF)) {
		/* TCR_ELx.HA is clear: the first access faults. */
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_FST(par), RT_FSC_ACCESS_FLAG(r->level));
		return;
	}
	CHECK_EQ(PAR_F(par), forbidden);
	if (forbidden) {
		CHECK_EQ(PAR_FST(par), RT_FSC_PERMISSION(r->level));
		return;
	}
	CHECK_EQ(PAR_PA(par), r->output_address & ~(PAGE - 1));
	CHECK_EQ(PAR_ATTR(par), MMU_MAIR_ATTR(D_ATTR_INDEX(d)));
	CHECK(sh_fits(d, PAR_SH(par)));
}

static unsigned access_flag_faults;

void suite_check_at(const ap_mapping_t *map, uint64_t va)
{
	ap_regime_kind_t kind = kind_of(map);
	ap_translate_result_t r = {.size = sizeof(r)};
	ap_status_t status = ap_mapping_translate(map, va, &r);
	uint64_t par = mmu_at(va, false);
	checking_va = va;
	if (status == AP_OK) {
		if (par & 1 && !(r.attributes & D_AF))
			access_flag_faults++;
		else if (par & 1)
			rt_print("AT faulted on a mapped address ", va);
		check_par_mapped(&r, par, false);
		/* A write is refused exactly where the descriptor is read-only. */
		bool read_only = (r.attributes & D_READ_ONLY) != 0;
		check_par_mapped(&r, mmu_at(va, true), read_only);
		if (has_el0(kind)) {
			/* EL0 may read where AP[1] is set, write where AP[2] is also clear. */
			bool user = (r.attributes & D_USER) != 0;
			check_par_mapped(&r, mmu_at_el0(va, false), !user);
			check_par_mapped(&r, mmu_at_el0(va, true), !user || read_only);
		}
	} else {
		CHECK_EQ(status, AP_ERR_NOT_MAPPED);
		CHECK_EQ(par & 1, 1);
		if (PAR_FST(par) < RT_FSC_TRANSLATION(0) || PAR_FST(par) > RT_FSC_TRANSLATION(3)) {
			rt_print("AT gave no translation fault at unmapped VA ", va);
			rt_print("  PAR_EL1 ", par);
		}
		CHECK_EQ(translation_fault_level(PAR_FST(par)), r.level);
		if (has_el0(kind)) {
			par = mmu_at_el0(va, false);
			CHECK_EQ(par & 1, 1);
			CHECK_EQ(translation_fault_level(PAR_FST(par)), r.level);
		}
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
	suite_map(map, ALIAS_VA, PAGE, (uint64_t)alias_page,
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

/* Pages of every MAIR index the suite uses, each shareability, EL0 access
 * (where the regime has EL0) and the access flag clear; then 16 pages with
 * the contiguous bit and a 1 GiB block. AT never touches the memory, so the
 * output addresses are just RAM. */
static void map_variety(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	ap_attrs_t base = (a.normal | a.never_execute | a.non_global) &
			  ~(D_SH_MASK | D_ATTR_INDEX_MASK);
	const ap_attrs_t variants[] = {
		base | (0ull << 2) | (0ull << 8), /* write-back, non-shareable */
		base | (0ull << 2) | (2ull << 8), /* write-back, outer shareable */
		base | (2ull << 2) | (3ull << 8), /* non-cacheable: SH reads as outer */
		base | (3ull << 2),               /* Device-nGnRE */
		base | (4ull << 2) | (2ull << 8), /* write-through, outer shareable */
		base | (1ull << 2) | (3ull << 8), /* Device-nGnRnE */
		base | (3ull << 8) | D_USER,      /* EL0 read-write */
		base | (3ull << 8) | D_USER | D_READ_ONLY, /* EL0 read-only */
		(base | (3ull << 8)) & ~D_AF,     /* access flag clear */
	};
	for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		suite_map(map, VARIETY_VA + i * PAGE, PAGE, RAM_BASE + i * PAGE, variants[i]);
	suite_map(map, CONTIG_VA, 16 * PAGE, RAM_BASE + 0x10000,
		    base | (3ull << 8) | D_CONTIGUOUS);
	suite_map(map, GIB_VA, 0x40000000, RAM_BASE, base | (4ull << 2) | (3ull << 8));
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, GIB_VA + 0x12345678, &r), AP_OK);
	CHECK_EQ(r.level, 1);
	CHECK_EQ(ap_mapping_translate(map, CONTIG_VA + 5 * PAGE, &r), AP_OK);
	CHECK((r.attributes & D_CONTIGUOUS) != 0);
}

volatile uint64_t *suite_descriptor_at(const ap_mapping_t *map, uint64_t va, unsigned level)
{
	ap_pa_t table;
	unsigned root_level;
	CHECK_EQ(ap_mapping_root_address(map, &table), AP_OK);
	CHECK_EQ(ap_mapping_root_level(map, &root_level), AP_OK);
	for (unsigned l = root_level;; l++) {
		volatile uint64_t *entry =
			(volatile uint64_t *)table + ((va >> (12 + 9 * (3 - l))) & 511);
		if (l == level)
			return entry;
		CHECK_EQ(*entry & 3, 3);
		table = *entry & 0xfffffffff000ull;
	}
}

/*
 * Descriptors the library never writes, written straight into its table
 * memory: the reserved encoding 0b01 at level 3, and invalid entries (bit 0
 * clear, other bits kept) at levels 3, 2 and 1. Both the walker and AT must
 * take them as translation faults at that level. Each is put back after.
 */
static unsigned check_raw_descriptors(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	suite_map(map, RAW_VA, 2 * PAGE, RAM_BASE, a.normal | a.never_execute | a.non_global);
	static const struct {
		unsigned level;
		uint64_t clear, set;
	} edits[] = {{3, 2, 0}, {3, 1, 0}, {2, 1, 0}, {1, 1, 0}};
	unsigned checked = 0;
	for (unsigned i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		volatile uint64_t *entry = suite_descriptor_at(map, RAW_VA, edits[i].level);
		uint64_t original = *entry;
		*entry = (original & ~edits[i].clear) | edits[i].set;
		mmu_flush_tlb();
		suite_check_at(map, RAW_VA);
		suite_check_at(map, RAW_VA + PAGE + 0x10);
		ap_translate_result_t r = {.size = sizeof(r)};
		CHECK_EQ(ap_mapping_translate(map, RAW_VA, &r), AP_ERR_NOT_MAPPED);
		CHECK_EQ(r.level, edits[i].level);
		*entry = original;
		mmu_flush_tlb();
		suite_check_at(map, RAW_VA);
		checked += 3;
	}
	return checked;
}

/* The walker and AT agree on pages, blocks, holes and read-only memory,
 * on the attributes and shareability AT reports, and on EL0 access. */
static void check_walker_agrees(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	suite_map(map, BLOCK_VA, 0x400000, RAM_BASE, a.normal | a.read_only | a.non_global);
	map_variety(map, kind);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, BLOCK_VA + 0x212345, &r), AP_OK);
	CHECK_EQ(r.level, 2); /* really a block */
	unsigned checked = 0;
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += PAGE, checked++)
		suite_check_at(map, va + ((checked * 0x58) & 0xff8));
	for (uint64_t va = BLOCK_VA - 0x100000; va < BLOCK_VA + 0x500000; va += 0x2f000, checked++)
		suite_check_at(map, va);
	for (uint64_t va = VARIETY_VA; va < CONTIG_VA + 0x11000; va += PAGE, checked++)
		suite_check_at(map, va + 0x18);
	for (uint64_t va = GIB_VA - PAGE; va < GIB_VA + 0x40001000; va += 0x3ff1000, checked++)
		suite_check_at(map, va);
	const uint64_t others[] = {RT_UART, RT_UART + PAGE, ALIAS_VA, ALIAS_VA + PAGE,
				   UNMAPPED_L1, UNMAPPED_L2, 0, 0x7ffffff000ull,
				   (uint64_t)__image_start - PAGE, (uint64_t)__image_end};
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++, checked++)
		suite_check_at(map, others[i]);
	CHECK_EQ(access_flag_faults, 1);
	checked += check_raw_descriptors(map, kind);
	rt_print("the walker agrees with AT on addresses: ", checked);
	rt_puts("translate reports the page with the access flag clear as mapped (AP_OK, AF\n"
		"clear in its attributes); AT reports an access flag fault there\n");
}

/* A second table (another ASID) is activated over the first and
 * deactivated again: the first one's TTBR value comes back. */
static void check_deactivate(ap_regime_kind_t kind, ap_mapping_t *first)
{
	ap_mapping_t *second = create_identity(kind, 2);
	suite_map_image(second, kind, 0);
	mmu_attrs_t a = mmu_attrs_for(kind);
	suite_map(second, SECOND_ONLY_VA, PAGE, (uint64_t)alias_page,
		    a.normal | a.never_execute | a.non_global);
	uint64_t first_ttbr, second_ttbr, previous;
	CHECK_EQ(ap_mapping_ttbr(first, &first_ttbr), AP_OK);
	CHECK_EQ(ap_mapping_ttbr(second, &second_ttbr), AP_OK);
	CHECK_EQ(second_ttbr >> 48, 2);
	CHECK_EQ(ap_mapping_activate(second, &previous), AP_OK);
	CHECK_EQ(previous, first_ttbr);
	CHECK_EQ(mmu_read_ttbr(kind, AP_VA_RANGE_LOWER), second_ttbr);
	rt_puts("running on the second table\n");
	/* A VA only the second table maps, loaded so that its entry is cached:
	 * after deactivation it must fault as the first table says. */
	uint64_t value = 0;
	CHECK(!rt_probe_load(SECOND_ONLY_VA + 24, &value, 0));
	CHECK_EQ(value, alias_page[3]);
	CHECK_EQ(ap_mapping_deactivate(second, previous), AP_OK);
	suite_check_load_faults(first, SECOND_ONLY_VA + 24);
	suite_check_at(first, SECOND_ONLY_VA);
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
