/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Stage 2 at EL2 (virtualization=on): a stage 2 table built with the
 * library translates a guest's IPAs; the guest runs at EL1 (HCR_EL2.VM and
 * RW set, its own stage 1 off, so its addresses are IPAs). The guest writes
 * through an IPA alias, EL2 makes that page read-only through the library
 * while the guest's writable entry is still in the TLB, and the guest's
 * next write must trap to EL2 with the alias in HPFAR_EL2.
 *
 * The guest talks to EL2 with HVC #n; the checks run in EL2's handler.
 *
 * stage2_concat40.c includes this file with S2_INPUT_BITS and S2_IPA_BASE
 * set: a larger IPA space whose root is made of concatenated tables, with
 * the test's IPAs moved up into the last of them.
 */
#include "runtime.h"
#include "stage1_suite.h"

#define PAGE 4096ull
#ifndef S2_IPA_BASE
#define S2_IPA_BASE 0ull /* where the test's own IPAs start */
#endif
#define GUEST_ALIAS (S2_IPA_BASE + 0x1000000000ull) /* IPA of guest_page's alias */
#define RAM_BASE 0x40000000ull
#define S2_VARIETY (S2_IPA_BASE + 0x2000000000ull) /* IPAs of each S2AP, AF clear, device */
#define S2_BLOCK (S2_IPA_BASE + 0x2000200000ull)   /* one 2 MiB block, read-only */
#define S2_GIB (S2_IPA_BASE + 0x3000000000ull)     /* one 1 GiB block, write-only */
#define S2_UNMAPPED_L1 (S2_IPA_BASE + 0x7000000000ull)
#define S2_UNMAPPED_L2 (S2_VARIETY + 0x400000ull)
#define S2_UNMAPPED_L3 (S2_VARIETY + 0x10000ull)
/* The guest's own stage 1 (for the AT checks with it on). */
#define G_VA 0x5000000000ull

/* Stage 2 attributes: normal write-back memory or device memory, read-write. */
#define S2_NORMAL (AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW | AP_S2_SH_INNER | \
		   AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB)
#define S2_DEVICE (AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW | AP_S2_XN | \
		   AP_S2_MEMATTR_DEVICE_nGnRE)
/* S2AP[1]: write permission. */
#define S2_WRITE (AP_S2_S2AP_ACCESS_WO)

static uint64_t guest_page[PAGE / 8] __attribute__((aligned(4096)));
static ap_mapping_t *stage2;
static uint64_t previous_vttbr;
static rt_fault_t guest_fault;

/* ------------------------------------------------------------ the guest (EL1) */

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

void rt_store_insn(uint64_t address, uint64_t value);
uint64_t rt_load_insn(uint64_t address);

static void guest_main(void)
{
	rt_puts("guest running at EL1\n");
	rt_store_insn(GUEST_ALIAS, 0x1111);
	hvc(1, 0);
	rt_store_insn(GUEST_ALIAS + 8, 0x2222); /* traps: EL2 steps over it */
	hvc(2, 0);
	hvc(3, rt_load_insn(GUEST_ALIAS));
	rt_puts("guest: EL2 did not end the test\n");
	rt_exit(4);
}

/* ------------------------------------------------------------ EL2 */

static void map_in(ap_mapping_t *map, uint64_t ipa, uint64_t size, uint64_t pa, ap_attrs_t flags)
{
	ap_region_t region;
	CHECK_EQ(ap_region_from_size(ipa, size, &region), AP_OK);
	CHECK_EQ(ap_mapping_map(map, &region, pa, flags, AP_CONSTRAINT_NONE, 0), AP_OK);
}

static void map_ipa(uint64_t ipa, uint64_t size, uint64_t pa, ap_attrs_t flags)
{
	map_in(stage2, ipa, size, pa, flags);
}

/* ------------------------------------------------------------ AT S12E1 at EL2 */

#define PAR_F(par) ((par) & 1)
#define PAR_FST(par) (((par) >> 1) & 0x3fu)
#define PAR_S(par) (((par) >> 9) & 1) /* on a fault: stage 2 */
#define PAR_PA(par) ((par) & 0xfffffffff000ull)
#define PAR_ATTR(par) ((unsigned)((par) >> 56))
#define S2_READ (1ull << 6)  /* S2AP[0] */
#define S2_WRITEABLE (1ull << 7) /* S2AP[1] */

/* The stage 2 half of AT S12E1R/W for @p ipa, as ap_mapping_translate()
 * of the stage 2 table predicts it: a stage 2 translation, access flag or
 * permission fault, or the output address. */
static void check_s2_par(uint64_t ipa, uint64_t par, bool write)
{
	ap_translate_result_t r = {.size = sizeof(r)};
	ap_status_t status = ap_mapping_translate(stage2, ipa, &r);
	if (status != AP_OK) {
		CHECK_EQ(status, AP_ERR_NOT_MAPPED);
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_S(par), 1);
		CHECK_EQ(PAR_FST(par), RT_FSC_TRANSLATION(r.level));
		return;
	}
	if (!(r.attributes & AP_S2_ACCESS_FLAG)) {
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_S(par), 1);
		CHECK_EQ(PAR_FST(par), RT_FSC_ACCESS_FLAG(r.level));
		return;
	}
	bool allowed = (r.attributes & (write ? S2_WRITEABLE : S2_READ)) != 0;
	if (!allowed) {
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_S(par), 1);
		CHECK_EQ(PAR_FST(par), RT_FSC_PERMISSION(r.level));
		return;
	}
	if (PAR_F(par))
		rt_print("AT S12E1 faulted on an allowed IPA ", ipa);
	CHECK_EQ(PAR_F(par), 0);
	CHECK_EQ(PAR_PA(par), r.output_address & ~(PAGE - 1));
}

/* With the guest's stage 1 off, its VA is the IPA. */
static unsigned check_s12_identity(uint64_t ipa)
{
	uint64_t par = mmu_at_s12(ipa, false);
	check_s2_par(ipa, par, false);
	if (!PAR_F(par))
		CHECK_EQ(PAR_ATTR(par), 0x00); /* stage 1 off: Device-nGnRnE wins */
	check_s2_par(ipa, mmu_at_s12(ipa, true), true);
	return 2;
}

static void map_s2_variety(void)
{
	const ap_attrs_t normal = S2_NORMAL & ~AP_S2_S2AP_ACCESS_RW;
	const ap_attrs_t variants[] = {
		normal | AP_S2_S2AP_ACCESS_RW,
		normal | AP_S2_S2AP_ACCESS_RO,
		normal | AP_S2_S2AP_ACCESS_WO,
		normal | AP_S2_S2AP_ACCESS_NONE,
		(normal | AP_S2_S2AP_ACCESS_RW) & ~AP_S2_ACCESS_FLAG,
		S2_DEVICE,
	};
	for (unsigned i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		map_ipa(S2_VARIETY + i * PAGE, PAGE, RAM_BASE + i * PAGE, variants[i]);
	map_ipa(S2_BLOCK, 0x200000, RAM_BASE, normal | AP_S2_S2AP_ACCESS_RO);
	map_ipa(S2_GIB, 0x40000000, RAM_BASE, normal | AP_S2_S2AP_ACCESS_WO);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(stage2, S2_GIB + 0x1234567, &r), AP_OK);
	CHECK_EQ(r.level, 1);
	CHECK_EQ(ap_mapping_translate(stage2, S2_BLOCK + 0x12345, &r), AP_OK);
	CHECK_EQ(r.level, 2);
}

/*
 * The attribute AT reports for a stage 1 MAIR attribute combined with a
 * stage 2 MemAttr, for the pairs the test uses: Device on either side
 * wins (the stronger Device type if both), stage 2 write-back Normal keeps
 * stage 1's Normal attribute. Returns -1 for pairs it does not know.
 */
static int combined_attr(unsigned s1, unsigned s2)
{
	unsigned s2_device = (s2 >> 2) == 0 ? (s2 & 3) << 2 : 0x100;
	bool s1_device = (s1 & 0xf0) == 0;
	if (s1_device && s2_device != 0x100)
		return (int)(s1 < s2_device ? s1 : s2_device);
	if (s1_device)
		return (int)s1;
	if (s2_device != 0x100)
		return (int)s2_device;
	if (s2 == 0xf)
		return (int)s1;
	return -1;
}

static void check_s12_guest(const ap_mapping_t *s1, uint64_t va, bool write)
{
	uint64_t par = mmu_at_s12(va, write);
	ap_translate_result_t r = {.size = sizeof(r)};
	ap_status_t status = ap_mapping_translate(s1, va, &r);
	if (status != AP_OK) {
		CHECK_EQ(status, AP_ERR_NOT_MAPPED);
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_S(par), 0);
		CHECK_EQ(PAR_FST(par), RT_FSC_TRANSLATION(r.level));
		return;
	}
	if (write && (r.attributes & AP_EL1_READ_ONLY)) {
		CHECK_EQ(PAR_F(par), 1);
		CHECK_EQ(PAR_S(par), 0);
		CHECK_EQ(PAR_FST(par), RT_FSC_PERMISSION(r.level));
		return;
	}
	check_s2_par(r.output_address, par, write);
	if (PAR_F(par))
		return;
	ap_translate_result_t r2 = {.size = sizeof(r2)};
	CHECK_EQ(ap_mapping_translate(stage2, r.output_address, &r2), AP_OK);
	int attr = combined_attr(MMU_MAIR_ATTR((r.attributes >> 2) & 7),
				 (unsigned)(r2.attributes >> 2) & 0xf);
	CHECK(attr >= 0);
	if (PAR_ATTR(par) != (unsigned)attr)
		rt_print("combined attribute differs at guest VA ", va);
	CHECK_EQ(PAR_ATTR(par), attr);
}

/* The guest's stage 1 on: guest VAs through a stage 1 table the library
 * built (EL1&0, activated in TTBR0_EL1 from EL2), then stage 2. Faults of
 * either stage, with PAR_EL1.S telling which, and the combined attribute. */
static void check_stage2_at_guest(void)
{
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_EL1AND0, &regime), AP_OK);
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL, .asid = 1};
	ap_mapping_t *s1;
	CHECK_EQ(ap_mapping_create_identity(&options, &s1), AP_OK);
	mmu_attrs_t a = mmu_attrs_for(AP_REGIME_EL1AND0);
	ap_attrs_t rw = a.normal | a.never_execute;
	ap_attrs_t nc = (rw & ~AP_EL1_ATTRIBUTE_INDEX_MASK) | AP_EL1_ATTRIBUTE_INDEX_2;
	const struct {
		uint64_t ipa;
		ap_attrs_t s1;
	} pages[] = {
		{S2_VARIETY, rw},                         /* both read-write */
		{S2_VARIETY + PAGE, rw},                  /* stage 2 read-only */
		{S2_VARIETY, rw | a.read_only},           /* stage 1 read-only */
		{S2_VARIETY + 5 * PAGE, rw},              /* stage 2 device */
		{S2_VARIETY, nc},                         /* stage 1 non-cacheable */
		{S2_UNMAPPED_L3, rw},                     /* stage 2 hole */
		{0, 0},                                   /* stage 1 hole */
		{S2_VARIETY + 4 * PAGE, rw},              /* stage 2 access flag clear */
		{S2_VARIETY + 3 * PAGE, rw},              /* stage 2 no access */
		{S2_GIB + 0x2345000, rw},                 /* stage 2 write-only 1 GiB block */
		{S2_VARIETY + 2 * PAGE, a.device},        /* stage 2 write-only, stage 1 device */
	};
	unsigned n = sizeof(pages) / sizeof(pages[0]);
	for (unsigned i = 0; i < n; i++)
		if (pages[i].s1)
			map_in(s1, G_VA + i * PAGE, PAGE, pages[i].ipa, pages[i].s1);
	uint64_t previous;
	CHECK_EQ(ap_mapping_activate(s1, &previous), AP_OK);
	mmu_guest_stage1(true);
	unsigned checked = 0;
	for (unsigned i = 0; i < n; i++, checked += 2) {
		check_s12_guest(s1, G_VA + i * PAGE + 0x30, false);
		check_s12_guest(s1, G_VA + i * PAGE + 0x30, true);
	}
	check_s12_guest(s1, 0x7000000000ull, false);
	check_s12_guest(s1, (uint64_t)guest_page, false);
	checked += 2;
	rt_print("AT S12E1R/W (guest stage 1 on) agrees with both walkers: ", checked);
	mmu_guest_stage1(false);
	CHECK_EQ(ap_mapping_deactivate(s1, previous), AP_OK);
	CHECK_EQ(ap_mapping_destroy(s1), AP_OK);
}

static void check_stage2_at_identity(void)
{
	unsigned checked = 0;
	for (uint64_t ipa = S2_VARIETY; ipa < S2_VARIETY + 7 * PAGE; ipa += PAGE)
		checked += check_s12_identity(ipa + 0x28);
	const uint64_t others[] = {S2_BLOCK, S2_BLOCK + 0x1ff008, S2_GIB, S2_GIB + 0x2345678,
				   S2_GIB + 0x3ffff000, S2_GIB - PAGE, S2_UNMAPPED_L1,
				   S2_UNMAPPED_L2, S2_UNMAPPED_L3,
				   (uint64_t)__image_start, (uint64_t)guest_page, RT_UART,
				   GUEST_ALIAS, GUEST_ALIAS + PAGE};
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		checked += check_s12_identity(others[i]);
#ifdef S2_INPUT_BITS
	/* Holes on both sides of the border between the concatenated tables,
	 * and the last page of the space. */
	const uint64_t borders[] = {S2_IPA_BASE - PAGE, S2_IPA_BASE, 0x7000000000ull,
				    (1ull << S2_INPUT_BITS) - PAGE};
	for (unsigned i = 0; i < sizeof(borders) / sizeof(borders[0]); i++)
		checked += check_s12_identity(borders[i]);
#endif
	rt_print("AT S12E1R/W (guest stage 1 off) agrees with the stage 2 walker: ", checked);
}

static int clear_write(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)ctx;
	(void)region;
	return ap_descriptor_modify_flags(d, 0, S2_WRITE) == AP_OK ? 0 : 1;
}

static void guest_wrote(void)
{
	CHECK_EQ(guest_page[0], 0x1111);
	ap_region_t page;
	CHECK_EQ(ap_region_from_size(GUEST_ALIAS, PAGE, &page), AP_OK);
	CHECK_EQ(ap_mapping_modify(stage2, &page, clear_write, 0, 0), AP_OK);
	rt_puts("EL2 made the guest's page read-only through the library\n");
}

static void guest_write_trapped(void)
{
	CHECK(guest_fault.taken);
	CHECK_EQ(rt_esr_class(guest_fault.esr), RT_EC_DABT_LOWER);
	CHECK_EQ(rt_esr_status(guest_fault.esr), RT_FSC_PERMISSION(3));
	CHECK_EQ((guest_fault.esr >> 6) & 1, 1); /* a write */
	CHECK_EQ(guest_fault.hpfar, ((GUEST_ALIAS + 8) >> 12) << 4);
	CHECK_EQ(guest_fault.far, GUEST_ALIAS + 8);
	CHECK_EQ(guest_page[1], 0);
	rt_print("the guest's write trapped to EL2, HPFAR_EL2 = ", guest_fault.hpfar);
}

static void guest_read_back(uint64_t value)
{
	CHECK_EQ(value, 0x1111);
	ap_translate_result_t r = {.size = sizeof(r)};
	CHECK_EQ(ap_mapping_translate(stage2, GUEST_ALIAS + 0x10, &r), AP_OK);
	CHECK_EQ(r.output_address, (uint64_t)guest_page + 0x10);
	CHECK_EQ(r.attributes & S2_WRITE, 0);
	CHECK_EQ(ap_mapping_deactivate(stage2, previous_vttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_STAGE2, AP_VA_RANGE_LOWER), previous_vttbr);
	CHECK_EQ(ap_mapping_destroy(stage2), AP_OK);
	rt_puts("PASS\n");
	rt_exit(0);
}

bool rt_lower_el_hook(unsigned vector, uint64_t *regs)
{
	uint64_t esr;
	__asm__ volatile("mrs %0, esr_el2" : "=r"(esr));
	if (vector != 8)
		return false;
	if (rt_esr_class(esr) == RT_EC_DABT_LOWER && !guest_fault.taken) {
		guest_fault.taken = true;
		guest_fault.esr = esr;
		__asm__ volatile("mrs %0, far_el2" : "=r"(guest_fault.far));
		__asm__ volatile("mrs %0, hpfar_el2" : "=r"(guest_fault.hpfar));
		rt_set_elr(rt_elr() + 4);
		return true;
	}
	if (rt_esr_class(esr) != RT_EC_HVC64)
		return false;
	switch (esr & 0xffff) {
	case 1: guest_wrote(); return true;
	case 2: guest_write_trapped(); return true;
	case 3: guest_read_back(regs[0]); return true;
	}
	return false;
}

int test_main(void)
{
	CHECK_EQ(rt_current_el(), 2);
	const ap_regime_t *regime;
	CHECK_EQ(ap_regime_get(AP_REGIME_STAGE2, &regime), AP_OK);
#ifdef S2_INPUT_BITS
	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.regime = regime;
	options.input_bits = S2_INPUT_BITS;
	options.max_root_tables = S2_MAX_ROOT_TABLES;
	CHECK_EQ(ap_mapping_create_identity(&options, &stage2), AP_OK);
	s2_check_setup(stage2);
#else
	ap_mapping_options_t options = {.size = sizeof(options), .regime = regime,
					.root_level = MMU_ROOT_LEVEL};
	CHECK_EQ(ap_mapping_create_identity(&options, &stage2), AP_OK);
#endif
	uint64_t start = (uint64_t)__image_start, end = (uint64_t)__image_end;
	map_ipa(start, end - start, start, S2_NORMAL);
	map_ipa(RT_UART, PAGE, RT_UART, S2_DEVICE);
	map_ipa(GUEST_ALIAS, PAGE, (uint64_t)guest_page, S2_NORMAL | AP_S2_XN);
	map_s2_variety();

	mmu_stage2_enable(stage2, &previous_vttbr);
	check_stage2_at_identity();
	check_stage2_at_guest();
	uint64_t vttbr;
	CHECK_EQ(ap_mapping_ttbr(stage2, &vttbr), AP_OK);
	CHECK_EQ(mmu_read_ttbr(AP_REGIME_STAGE2, AP_VA_RANGE_LOWER), vttbr);
	rt_enter_el1(guest_main, __guest_stack_top);
}
