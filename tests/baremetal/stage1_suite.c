/* SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "stage1_suite.h"

#include "runtime.h"

/* The largest page the suite's own memory must be aligned to: a program
 * on 16 or 64 KiB pages is built with -DSUITE_MAX_PAGE=0x10000. */
#ifndef SUITE_MAX_PAGE
#define SUITE_MAX_PAGE 4096
#endif
/* PAR_EL1.PA is in 4 KiB units whatever the granule. */
#define PAR_PAGE 4096ull
#define RAM_BASE 0x40000000ull

/*
 * The input addresses the suite maps beyond the image, set by set_layout()
 * for the mapping under test. The space is cut into slots: eighths of it
 * for run_stage1_suite() (39 bits, 4 KiB pages, so the addresses are
 * 64 GiB apart: alias 0x1000000000, blocks 0x2000000000, 1 GiB block
 * 0x3000000000, ..., a hole at 0x7000000000), sixteenths otherwise, with
 * the upper half left empty, so that even a root of two entries has an
 * empty one.
 */
static struct {
	suite_geometry_t g;
	uint64_t slot;
	uint64_t alias;       /* one page, aliasing alias_page */
	uint64_t block;       /* two blocks at level 2 over the start of RAM */
	uint64_t gib;         /* one 1 GiB block over RAM (4 KiB pages only) */
	uint64_t variety;     /* pages of each attribute the suite compares */
	uint64_t contig;      /* a run of pages with the contiguous bit */
	uint64_t contig_size; /* bytes of that run: 16, 128 or 32 entries */
	uint64_t raw;         /* descriptors the test writes itself */
	uint64_t second_only; /* only the second table of check_deactivate */
	uint64_t top;         /* a slot nothing maps */
	bool has_gib;
	/* An input address the walk of which stops at each level (index). */
	uint64_t hole[4];
} L;

static uint64_t alias_page[SUITE_MAX_PAGE / 8] __attribute__((aligned(SUITE_MAX_PAGE)));

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
	suite_map(map, RT_UART + va_offset, suite_geometry(map).page, RT_UART, a.device | ng);
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
	CHECK_EQ(PAR_PA(par), r->output_address & ~(PAR_PAGE - 1));
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
	CHECK_EQ(ap_region_from_size(va, suite_geometry(map).page, &page), AP_OK);
	CHECK_EQ(ap_mapping_modify(map, &page, set_read_only, &read_only, 0), AP_OK);
}

/* The options of run_stage1_suite(): 4 KiB pages, root at level 1. */
static const suite_config_t default_config = {AP_GRANULE_4K, 0, AP_VA_RANGE_LOWER, 0};

static ap_mapping_t *create_identity(ap_regime_kind_t kind, uint16_t asid,
				     const suite_config_t *config, ap_va_range_t range,
				     unsigned input_bits)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(kind, &regime), AP_OK);
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.regime = regime;
	options.root_level = input_bits ? 0 : MMU_ROOT_LEVEL;
	options.asid = asid;
	options.va_range = range;
	options.granule = config->granule;
	options.input_bits = input_bits;
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
	suite_map(map, L.alias, L.g.page, (uint64_t)alias_page,
		    a.normal | a.never_execute | a.non_global);
	volatile uint64_t *alias = (volatile uint64_t *)L.alias;
	alias[3] = 0x1234abcd;
	CHECK_EQ(((volatile uint64_t *)alias_page)[3], 0x1234abcd);
	((volatile uint64_t *)alias_page)[5] = 0x5555;
	CHECK_EQ(alias[5], 0x5555);
	rt_puts("alias reads and writes the same memory\n");
}

/* Unmapped input addresses fault at the level the walker names: one at
 * each level from the root's to 3. */
static void check_unmapped_faults(const ap_mapping_t *map)
{
	ap_translate_result_t r = {.size = sizeof(r)};
	for (unsigned level = L.g.root_level; level <= 3; level++) {
		CHECK_EQ(ap_mapping_translate(map, L.hole[level], &r), AP_ERR_NOT_MAPPED);
		CHECK_EQ(r.level, level);
		suite_check_load_faults(map, L.hole[level]);
	}
	rt_puts("unmapped addresses fault at levels ");
	for (unsigned level = L.g.root_level; level <= 3; level++) {
		char digit[2] = {(char)('0' + level), 0};
		rt_puts(digit);
		rt_puts(level == 3 ? "\n" : level == 2 ? " and " : ", ");
	}
}

/* The alias page, written a moment ago (so its writable entry is in the
 * TLB), turns read-only through the library alone: the next write must
 * fault, which only the library's invalidation makes happen. */
static void check_live_read_only(ap_mapping_t *map, ap_regime_kind_t kind)
{
	CHECK(!rt_probe_store(L.alias, 77, 0));
	suite_make_read_only(map, kind, L.alias);
	rt_fault_t fault;
	CHECK(rt_probe_store(L.alias + 8, 0xdead, &fault));
	CHECK_EQ(rt_esr_status(fault.esr), RT_FSC_PERMISSION(3));
	CHECK_EQ((fault.esr >> 6) & 1, 1); /* WnR: it was a write */
	CHECK_EQ(fault.far, L.alias + 8);
	CHECK_EQ(alias_page[1], 0);
	uint64_t value = 0;
	CHECK(!rt_probe_load(L.alias, &value, 0));
	CHECK_EQ(value, 77);
	rt_puts("a live page made read-only faults on the next write\n");
}

static void check_live_unmap(ap_mapping_t *map)
{
	CHECK(!rt_probe_load(L.alias, 0, 0));
	ap_region_t page;
	CHECK_EQ(ap_region_from_size(L.alias, L.g.page, &page), AP_OK);
	CHECK_EQ(ap_mapping_unmap(map, &page, 0), AP_OK);
	suite_check_load_faults(map, L.alias);
	rt_puts("a live page unmapped faults on the next access\n");
}

/* Pages of every MAIR index the suite uses, each shareability, EL0 access
 * (where the regime has EL0) and the access flag clear; then a run of pages
 * with the contiguous bit and (4 KiB pages) a 1 GiB block. AT never touches
 * the memory, so the output addresses are just RAM. */
static void map_variety(ap_mapping_t *map, ap_regime_kind_t kind)
{
	const uint64_t page = L.g.page;
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
		suite_map(map, L.variety + i * page, page, RAM_BASE + i * page, variants[i]);
	suite_map(map, L.contig, L.contig_size, RAM_BASE + (L.contig - L.variety),
		    base | (3ull << 8) | D_CONTIGUOUS);
	ap_translate_result_t r = {.size = sizeof(r)};
	if (L.has_gib) {
		suite_map(map, L.gib, 0x40000000, RAM_BASE, base | (4ull << 2) | (3ull << 8));
		CHECK_EQ(ap_mapping_translate(map, L.gib + 0x12345678, &r), AP_OK);
		CHECK_EQ(r.level, 1);
	}
	CHECK_EQ(ap_mapping_translate(map, L.contig + 5 * page, &r), AP_OK);
	CHECK((r.attributes & D_CONTIGUOUS) != 0);
}

volatile uint64_t *suite_descriptor_at(const ap_mapping_t *map, uint64_t va, unsigned level)
{
	suite_geometry_t g = suite_geometry(map);
	ap_pa_t table;
	CHECK_EQ(ap_mapping_root_address(map, &table), AP_OK);
	/* The root may have fewer entries than a table (or, concatenated, more). */
	uint64_t entries = 1ull << (g.input_bits - suite_shift(&g, g.root_level));
	for (unsigned l = g.root_level;; l++) {
		volatile uint64_t *entry =
			(volatile uint64_t *)table + ((va >> suite_shift(&g, l)) & (entries - 1));
		if (l == level)
			return entry;
		CHECK_EQ(*entry & 3, 3);
		table = *entry & 0xffffffffffffull & ~(g.page - 1);
		entries = 1ull << g.level_bits;
	}
}

/*
 * Descriptors the library never writes, written straight into its table
 * memory: the reserved encoding 0b01 at level 3, and invalid entries (bit 0
 * clear, other bits kept) at levels 3, 2, ... up to the root. Both the
 * walker and AT must take them as translation faults at that level. Each
 * is put back after.
 */
static unsigned check_raw_descriptors(ap_mapping_t *map, ap_regime_kind_t kind)
{
	mmu_attrs_t a = mmu_attrs_for(kind);
	const uint64_t page = L.g.page;
	suite_map(map, L.raw, 2 * page, RAM_BASE, a.normal | a.never_execute | a.non_global);
	struct {
		unsigned level;
		uint64_t clear, set;
	} edits[5] = {{3, 2, 0}};
	unsigned count = 1;
	/* An invalid root entry must not take the running code with it: in
	 * the lower range, a small root (two entries with 16 KiB pages and
	 * 48 bits) holds the image and the raw pages under one entry. The
	 * upper range is never executed from. */
	unsigned root_shift = suite_shift(&L.g, L.g.root_level);
	bool root_shared = L.g.base == 0 &&
			   ((L.raw >> root_shift) == ((uint64_t)__image_start >> root_shift) ||
			    (L.raw >> root_shift) == (RT_UART >> root_shift));
	if (root_shared)
		rt_puts("the root entry over the raw pages also maps the image: left valid\n");
	unsigned last = root_shared ? L.g.root_level + 1 : L.g.root_level;
	for (unsigned level = 3; level <= 3 && level >= last; level--) {
		edits[count].level = level;
		edits[count].clear = 1;
		edits[count++].set = 0;
	}
	unsigned checked = 0;
	for (unsigned i = 0; i < count; i++) {
		volatile uint64_t *entry = suite_descriptor_at(map, L.raw, edits[i].level);
		uint64_t original = *entry;
		*entry = (original & ~edits[i].clear) | edits[i].set;
		mmu_flush_tlb();
		suite_check_at(map, L.raw);
		suite_check_at(map, L.raw + page + 0x10);
		ap_translate_result_t r = {.size = sizeof(r)};
		CHECK_EQ(ap_mapping_translate(map, L.raw, &r), AP_ERR_NOT_MAPPED);
		CHECK_EQ(r.level, edits[i].level);
		*entry = original;
		mmu_flush_tlb();
		suite_check_at(map, L.raw);
		checked += 3;
	}
	return checked;
}

/* The walker and AT agree on pages, blocks, holes and read-only memory,
 * on the attributes and shareability AT reports, and on EL0 access. */
static void check_walker_agrees(ap_mapping_t *map, ap_regime_kind_t kind)
{
	const uint64_t page = L.g.page, block = suite_span(&L.g, 2), base = L.g.base;
	mmu_attrs_t a = mmu_attrs_for(kind);
	suite_map(map, L.block, 2 * block, RAM_BASE, a.normal | a.read_only | a.non_global);
	map_variety(map, kind);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(map, L.block + block + 0x12345, &r), AP_OK);
	CHECK_EQ(r.level, 2); /* really a block */
	access_flag_faults = 0;
	unsigned checked = 0;
	for (uint64_t va = (uint64_t)__image_start; va < (uint64_t)__image_end; va += page, checked++)
		suite_check_at(map, base + va + ((checked * 0x58) & 0xff8));
	/* About 32 steps from half a block before the blocks to half one after
	 * (0x2f000 with 2 MiB blocks). */
	const uint64_t step = 0x2f000 * (block / 0x200000);
	for (uint64_t va = L.block - block / 2; va < L.block + 2 * block + block / 2;
	     va += step, checked++)
		suite_check_at(map, va);
	for (uint64_t va = L.variety; va < L.contig + L.contig_size + page; va += page, checked++)
		suite_check_at(map, va + 0x18);
	if (L.has_gib)
		for (uint64_t va = L.gib - 0x1000; va < L.gib + 0x40001000; va += 0x3ff1000, checked++)
			suite_check_at(map, va);
	uint64_t others[11] = {base + RT_UART, base + RT_UART + page, L.alias, L.alias + page};
	unsigned n = 4;
	for (unsigned level = L.g.root_level; level < 3; level++)
		others[n++] = L.hole[level];
	others[n++] = base;
	others[n++] = base + (1ull << L.g.input_bits) - 0x1000;
	others[n++] = base + (uint64_t)__image_start - page;
	others[n++] = base + (uint64_t)__image_end;
	for (unsigned i = 0; i < n; i++, checked++)
		suite_check_at(map, others[i]);
	CHECK_EQ(access_flag_faults, 1);
	checked += check_raw_descriptors(map, kind);
	rt_print("the walker agrees with AT on addresses: ", checked);
	rt_puts("translate reports the page with the access flag clear as mapped (AP_OK, AF\n"
		"clear in its attributes); AT reports an access flag fault there\n");
}

/* A second table (another ASID) is activated over the first and
 * deactivated again: the first one's TTBR value comes back. */
static void check_deactivate(ap_regime_kind_t kind, ap_mapping_t *first,
			     const suite_config_t *config)
{
	ap_mapping_t *second = create_identity(kind, 2, config, config->range, config->input_bits);
	suite_map_image(second, kind, L.g.base);
	mmu_attrs_t a = mmu_attrs_for(kind);
	suite_map(second, L.second_only, L.g.page, (uint64_t)alias_page,
		    a.normal | a.never_execute | a.non_global);
	uint64_t first_ttbr, second_ttbr, previous;
	CHECK_EQ(ap_mapping_ttbr(first, &first_ttbr), AP_OK);
	CHECK_EQ(ap_mapping_ttbr(second, &second_ttbr), AP_OK);
	CHECK_EQ(second_ttbr >> 48, 2);
	CHECK_EQ(ap_mapping_activate(second, &previous), AP_OK);
	CHECK_EQ(previous, first_ttbr);
	CHECK_EQ(mmu_read_ttbr(kind, config->range), second_ttbr);
	rt_puts("running on the second table\n");
	/* A VA only the second table maps, loaded so that its entry is cached:
	 * after deactivation it must fault as the first table says. */
	uint64_t value = 0;
	CHECK(!rt_probe_load(L.second_only + 24, &value, 0));
	CHECK_EQ(value, alias_page[3]);
	CHECK_EQ(ap_mapping_deactivate(second, previous), AP_OK);
	suite_check_load_faults(first, L.second_only + 24);
	suite_check_at(first, L.second_only);
	CHECK_EQ(mmu_read_ttbr(kind, config->range), first_ttbr);
	bool active = true;
	CHECK_EQ(ap_mapping_is_active(second, &active), AP_OK);
	CHECK(!active);
	CHECK_EQ(ap_mapping_destroy(second), AP_OK);
	rt_puts("deactivation restored the previous TTBR\n");
}

unsigned suite_shift(const suite_geometry_t *g, unsigned level)
{
	return g->page_shift + g->level_bits * (3 - level);
}

uint64_t suite_span(const suite_geometry_t *g, unsigned level)
{
	return 1ull << suite_shift(g, level);
}

suite_geometry_t suite_geometry(const ap_mapping_t *map)
{
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	CHECK_EQ(ap_mapping_translation_control(map, &control), AP_OK);
	suite_geometry_t g;
	g.granule = control.granule;
	g.page_shift = control.granule == AP_GRANULE_64K ? 16 : control.granule == AP_GRANULE_16K ? 14 : 12;
	g.level_bits = g.page_shift - 3;
	g.page = 1ull << g.page_shift;
	g.input_bits = control.input_bits;
	CHECK_EQ(ap_mapping_root_level(map, &g.root_level), AP_OK);
	ap_va_range_t range;
	CHECK_EQ(ap_mapping_va_range(map, &range), AP_OK);
	g.base = range == AP_VA_RANGE_UPPER ? 0 - (1ull << g.input_bits) : 0;
	return g;
}

/* Places the suite's regions in @p map's input space (see L). */
static void set_layout(const ap_mapping_t *map, const suite_config_t *config)
{
	L.g = suite_geometry(map);
	const uint64_t size = 1ull << L.g.input_bits, page = L.g.page;
	bool legacy = config->input_bits == 0;
	L.slot = legacy ? size / 8 : size / 16;
	/* The image (at its own address plus base) must fit in slot 0. */
	CHECK((uint64_t)__image_end < L.slot);
	CHECK(2 * suite_span(&L.g, 2) <= L.slot);
	L.alias = L.g.base + 1 * L.slot;
	L.block = L.g.base + 2 * L.slot;
	L.gib = L.g.base + 3 * L.slot;
	L.variety = L.g.base + 4 * L.slot;
	L.raw = L.g.base + 5 * L.slot;
	L.second_only = L.g.base + 6 * L.slot;
	L.top = L.g.base + size - L.slot;
	L.has_gib = L.g.granule == AP_GRANULE_4K && L.slot >= 0x40000000;
	if (!L.has_gib)
		L.second_only = L.g.base + 3 * L.slot;
	/* The contiguous hint spans 16 pages (4 KiB), 128 (16 KiB) or 32 (64 KiB). */
	L.contig_size = page * (L.g.granule == AP_GRANULE_16K ? 128 : L.g.granule == AP_GRANULE_64K ? 32 : 16);
	L.contig = L.variety + (L.contig_size > 16 * page ? L.contig_size : 16 * page);
}

/* After the image and the alias are mapped: an address whose walk stops at
 * each level, from the root's to 3 (the top slot, else the next entry
 * after the alias at that level), as the library's walker says. */
static void find_holes(const ap_mapping_t *map)
{
	for (unsigned level = L.g.root_level; level <= 3; level++) {
		const uint64_t candidates[] = {L.top, L.alias + suite_span(&L.g, level)};
		bool found = false;
		for (unsigned i = 0; i < 2 && !found; i++) {
			ap_translate_result_t r = {.size = sizeof(r)};
			if (ap_mapping_translate(map, candidates[i], &r) == AP_ERR_NOT_MAPPED &&
			    r.level == level) {
				L.hole[level] = candidates[i];
				found = true;
			}
		}
		if (!found)
			rt_print("no unmapped address found at level ", level);
		CHECK(found);
	}
}

/* The mapping's geometry as the library reports it, against the options. */
static void check_geometry(const ap_mapping_t *map, const suite_config_t *config)
{
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	CHECK_EQ(ap_mapping_translation_control(map, &control), AP_OK);
	CHECK_EQ(control.granule, config->granule);
	CHECK_EQ(control.input_bits, config->input_bits);
	CHECK_EQ(control.tsz, 64 - config->input_bits);
	uint64_t size;
	CHECK_EQ(ap_mapping_size(map, &size), AP_OK);
	CHECK_EQ(size, 1ull << config->input_bits);
	/* The root is the level that resolves the top input bit. */
	unsigned root = 3;
	while (suite_shift(&L.g, root) + L.g.level_bits < config->input_bits)
		root--;
	CHECK_EQ(L.g.root_level, root);
	CHECK_EQ(control.root_level, root);
	CHECK_EQ(control.root_entries, 1ull << (config->input_bits - suite_shift(&L.g, root)));
	CHECK_EQ(control.root_tables, 1);
	rt_print("granule (0: 4 KiB, 1: 16 KiB, 2: 64 KiB): ", config->granule);
	rt_print("input bits: ", config->input_bits);
	rt_print("root level: ", control.root_level);
	rt_print("root entries: ", control.root_entries);
	rt_puts(config->range == AP_VA_RANGE_UPPER ? "upper range\n" : "lower range\n");
}

int run_stage1_suite(ap_regime_kind_t kind)
{
	return run_stage1_suite_config(kind, &default_config);
}

int run_stage1_suite_config(ap_regime_kind_t kind, const suite_config_t *config)
{
	uint16_t asid = has_asid(kind) ? 1 : 0;
	bool upper = config->range == AP_VA_RANGE_UPPER;
	ap_mapping_t *map = create_identity(kind, asid, config, config->range, config->input_bits);
	set_layout(map, config);
	if (config->input_bits)
		check_geometry(map, config);
	/* The upper range: the code keeps running through TTBR0 on a table of
	 * the same granule that maps the image at its own address. */
	ap_mapping_t *boot = 0;
	uint64_t boot_previous = 0;
	if (upper) {
		boot = create_identity(kind, asid, config, AP_VA_RANGE_LOWER, config->boot_input_bits);
		suite_map_image(boot, kind, 0);
	}
	suite_map_image(map, kind, L.g.base);
	uint64_t original = mmu_read_ttbr(kind, config->range), previous, ttbr;
	CHECK_EQ(ap_mapping_activate(map, &previous), AP_OK);
	CHECK_EQ(previous, original);
	CHECK_EQ(ap_mapping_ttbr(map, &ttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(kind, config->range), ttbr);
	CHECK_EQ(ttbr >> 48, asid);
	if (boot) {
		CHECK_EQ(ap_mapping_activate(boot, &boot_previous), AP_OK);
		mmu_use_control(boot);
	}
	if (config->input_bits)
		mmu_use_control(map); /* TnSZ and TGn from the library */
	mmu_enable(kind, upper);
	rt_puts("MMU on, running on the library's table\n");

	check_alias(map, kind);
	find_holes(map);
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
	check_deactivate(kind, map, config);
	mmu_disable();
	CHECK_EQ(ap_mapping_deactivate(map, previous), AP_OK);
	CHECK_EQ(mmu_read_ttbr(kind, config->range), original);
	CHECK_EQ(ap_mapping_destroy(map), AP_OK);
	if (boot) {
		CHECK_EQ(ap_mapping_deactivate(boot, boot_previous), AP_OK);
		CHECK_EQ(ap_mapping_destroy(boot), AP_OK);
	}
	return 0;
}
