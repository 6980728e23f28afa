/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The real processor sequences of the built-in regimes, for a freestanding
 * AArch64 build running at the exception level that owns the regime (EL1 for
 * EL1&0; EL2 for EL2&0, EL2 and stage 2; EL3 for EL3). Selected at configure
 * time (--with-arch-ops=aarch64, the default of --enable-freestanding);
 * host.c is the memory-only alternative.
 *
 * All maintenance is broadcast to the Inner Shareable domain (the "IS"
 * forms and "dsb ish"), because another CPU of the same system may be
 * running on the same tables.
 */
#include "../internal.h"
#include "arch.h"

#if !defined(__aarch64__)
#error "lib/arch/aarch64.c needs an AArch64 compiler; configure --with-arch-ops=host otherwise"
#endif

#define HCR_EL2_TGE (UINT64_C(1) << 27)

/* TLBI by VA takes VA[55:12] in bits 43:0 and, for regimes with ASIDs, the
 * ASID in bits 63:48. Upper-range addresses keep their low 56 bits, which is
 * what the TLB matches on. */
static uint64_t tlbi_operand(ap_va_t va, uint16_t asid)
{
	return ((uint64_t)asid << 48) | ((va >> 12) & ((UINT64_C(1) << 44) - 1));
}

/*
 * One TLBI after the store it is for; the operand goes in a register.
 * A changed leaf needs only its last-level entry gone (the "L" forms leave
 * cached walks alone, which is cheaper); a removed subtable also needs the
 * cached intermediate walk entries gone, which only the non-"L" forms do.
 *
 * The "dsb ishst" first: the new descriptor must be visible to every
 * walker before the TLBI completes, or a walk racing with the TLBI could
 * reload the old descriptor into the TLB just after it was invalidated.
 */
#define TLBI_AFTER_STORE(op, operand) \
	__asm__ volatile("dsb ishst\n\ttlbi " op ", %0" : : "r"(operand) : "memory")
/* The same for the forms without an operand (a whole VMID or regime). */
#define TLBI_ALL_AFTER_STORE(op) __asm__ volatile("dsb ishst\n\ttlbi " op : : : "memory")

/*
 * A removed subtable took every page under it out of the table, and the TLB
 * may hold any of them: one TLBI for the descriptor's address is not enough
 * (QEMU keeps the other pages of a removed 1 GiB entry after it, and so may
 * hardware). Up to TLBI_MAX_PAGES pages get one TLBI each; larger ranges
 * get one invalidation of everything the regime may hold instead.
 *
 * The bound is Linux arm64's: without range TLBIs, __flush_tlb_range
 * flushes the whole ASID once a range needs MAX_TLBI_OPS = PTRS_PER_PTE =
 * 512 per-page operations (Linux switches at 512 itself; here 512 pages
 * are still done one by one), and KVM drops the whole VMID when it has no
 * range TLBI. 512 pages is one leaf table: removing one costs no more
 * TLBIs than the library already issues when it clears a leaf table's 512
 * pages one by one, while a removed 1 GiB entry (262144 pages) costs one
 * instruction instead of a loop far longer than refilling the TLB.
 */
#define TLBI_MAX_PAGES 512u

/* The invalidation's pages are pages of its mapping's granule. */
static unsigned page_shift_of(const ap_invalidation_t *inv)
{
	return ap__granule_page_shift(inv->granule);
}

static bool fits_page_tlbis(const ap_invalidation_t *inv)
{
	/* range_size is never 0 from the library; the wide path is the safe
	 * answer for anything unexpected. */
	uint64_t page = (uint64_t)1 << page_shift_of(inv);
	return inv->range_size >= page && inv->range_size <= (uint64_t)TLBI_MAX_PAGES * page;
}

/*
 * TLBIs that take an operand, one function each so that one loop serves
 * every regime (the asm needs the operation's name at compile time). The
 * range forms (FEAT_TLBIRANGE, Armv8.4) are written by their encodings,
 * SYS #op1, C8, CRm, #op2, so that no -march option is needed to assemble
 * them; they run only where the CPU reports the feature.
 */
typedef void (*tlbi_fn)(uint64_t operand);
#define DEFINE_TLBI(name, insn)                                                  \
	static void tlbi_##name(uint64_t operand)                                \
	{                                                                        \
		__asm__ volatile(insn ", %0" : : "r"(operand) : "memory");       \
	}
DEFINE_TLBI(vae1is, "tlbi vae1is")
DEFINE_TLBI(vae2is, "tlbi vae2is")
DEFINE_TLBI(vae3is, "tlbi vae3is")
DEFINE_TLBI(ipas2e1is, "tlbi ipas2e1is")
DEFINE_TLBI(rvae1is, "sys #0, c8, c2, #1")
DEFINE_TLBI(rvae2is, "sys #4, c8, c2, #1")
DEFINE_TLBI(rvae3is, "sys #6, c8, c2, #1")
DEFINE_TLBI(ripas2e1is, "sys #4, c8, c0, #2")

/* A regime's by-page and by-range non-last-level forms. */
typedef struct tlbi_ops {
	tlbi_fn page, range;
} tlbi_ops_t;

static const tlbi_ops_t el1_ops = {tlbi_vae1is, tlbi_rvae1is};
static const tlbi_ops_t el2_ops = {tlbi_vae2is, tlbi_rvae2is};
static const tlbi_ops_t el3_ops = {tlbi_vae3is, tlbi_rvae3is};
static const tlbi_ops_t stage2_ops = {tlbi_ipas2e1is, tlbi_ripas2e1is};

/* One TLBI per page of the range. Both operand layouts (VA[55:12] and
 * IPA[51:12]) hold the address in 4 KiB units in their low bits whatever
 * the granule, so the operand of the next page is the previous one plus
 * the page size in those units; an aligned range never carries out of
 * that field. */
static void tlbi_each_page(const ap_invalidation_t *inv, uint64_t first_operand, tlbi_fn tlbi)
{
	unsigned shift = page_shift_of(inv);
	uint64_t pages = inv->range_size >> shift, step = (uint64_t)1 << (shift - 12);
	__asm__ volatile("dsb ishst" : : : "memory");
	for (uint64_t i = 0; i < pages; i++)
		tlbi(first_operand + i * step);
}

/*
 * FEAT_TLBIRANGE: ID_AA64ISAR0_EL1.TLB (bits 59:56) is 2. One range TLBI
 * covers (NUM + 1) << (5 * SCALE + 1) pages, NUM 0..31 and SCALE 0..3, so
 * at most 32 << 16 pages; like Linux (MAX_TLBI_RANGE_PAGES), larger
 * ranges are invalidated whole instead. The pages are pages of the
 * operand's TG field (0b01 4 KiB, 0b10 16 KiB, 0b11 64 KiB) and BaseADDR is
 * the first page's number, VA[48:12], VA[50:14] or VA[52:16]. Rather than
 * depend on how the upper bits of an upper-range address are inferred,
 * those keep the per-page path. The ID register is read each time: only
 * subtable removals get here.
 */
#define TLBI_RANGE_MAX_PAGES (UINT64_C(32) << 16)
#define TLBI_RANGE_TG_SHIFT 46
#define TLBI_RANGE_BASE_MASK ((UINT64_C(1) << 37) - 1)

static bool range_tlbis_fit(const ap_invalidation_t *inv)
{
	uint64_t isar0;
	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
	unsigned shift = page_shift_of(inv);
	return ((isar0 >> 56) & 0xf) == 2 && inv->va_range == AP_VA_RANGE_LOWER &&
	       inv->range_size >> shift != 0 &&
	       inv->range_size >> shift <= TLBI_RANGE_MAX_PAGES &&
	       (inv->range_start + inv->range_size - 1) >> 49 == 0;
}

/* The range operand: ASID (or zero) from the page operand's bits 63:48, the
 * granule, SCALE, NUM and the first page's number. */
static uint64_t range_operand(uint64_t page_operand, unsigned shift, unsigned scale, uint64_t num)
{
	uint64_t tg = (shift - 12) / 2 + 1;
	uint64_t base = (page_operand & ((UINT64_C(1) << 44) - 1)) >> (shift - 12);
	return (page_operand & ~((UINT64_C(1) << 48) - 1)) | (tg << TLBI_RANGE_TG_SHIFT) |
	       ((uint64_t)scale << 44) | ((num - 1) << 39) | (base & TLBI_RANGE_BASE_MASK);
}

/* Covers the pages with the fewest range TLBIs: the largest SCALE whose unit
 * fits, up to 32 units at a time; a last odd page gets a by-page TLBI. The
 * by-page operand advances in 4 KiB units, the range's pages are the
 * granule's. */
static void tlbi_ranges(const ap_invalidation_t *inv, uint64_t operand, const tlbi_ops_t *ops)
{
	unsigned shift = page_shift_of(inv);
	uint64_t pages = inv->range_size >> shift;
	__asm__ volatile("dsb ishst" : : : "memory");
	while (pages > 1) {
		unsigned scale = 3;
		while (pages >> (5 * scale + 1) == 0)
			scale--;
		uint64_t num = pages >> (5 * scale + 1);
		num = num > 32 ? 32 : num;
		ops->range(range_operand(operand, shift, scale, num));
		operand += (num << (5 * scale + 1)) << (shift - 12);
		pages -= num << (5 * scale + 1);
	}
	if (pages == 1)
		ops->page(operand);
}

/* A removed subtable's range, by range TLBIs or page by page where that is
 * cheap enough; false when the caller must invalidate the whole regime. */
static bool invalidate_subtable(const ap_invalidation_t *inv, uint64_t first_operand,
				const tlbi_ops_t *ops)
{
	if (range_tlbis_fit(inv))
		tlbi_ranges(inv, first_operand, ops);
	else if (fits_page_tlbis(inv))
		tlbi_each_page(inv, first_operand, ops->page);
	else
		return false;
	return true;
}

/*
 * The wide form is VMALLE1IS, not ASIDE1IS: a mapping may hold global pages
 * (nG clear), whose TLB entries match every ASID and which ASIDE1IS leaves
 * in place. VMALLE1IS drops every EL1&0 entry of the current VMID, other
 * ASIDs' included: they refill, which costs time but is always correct.
 */
static void invalidate_el1and0(const ap_invalidation_t *inv)
{
	/* The VAE1 forms also remove global entries for this VA, so a mapping
	 * with global pages is covered by the ASID-tagged operand too. */
	if (inv->kind == AP_INVALIDATE_LEAF)
		TLBI_AFTER_STORE("vale1is", tlbi_operand(inv->va, inv->asid));
	else if (!invalidate_subtable(inv, tlbi_operand(inv->range_start, inv->asid), &el1_ops))
		TLBI_ALL_AFTER_STORE("vmalle1is");
}

/* EL2 without E2H has no ASIDs; with E2H set the VAE2 forms compare the
 * ASID field. ALLE2IS drops every EL2 and EL2&0 entry, whatever the ASID
 * and global or not. */
static void invalidate_el2(const ap_invalidation_t *inv)
{
	if (inv->kind == AP_INVALIDATE_LEAF)
		TLBI_AFTER_STORE("vale2is", tlbi_operand(inv->va, inv->asid));
	else if (!invalidate_subtable(inv, tlbi_operand(inv->range_start, inv->asid), &el2_ops))
		TLBI_ALL_AFTER_STORE("alle2is");
}

/*
 * EL2&0 (HCR_EL2.E2H set). A VHE host runs with HCR_EL2.TGE set too, and
 * then the EL1 forms act on the EL2&0 regime, ASID included; this is what
 * VHE kernels use, and QEMU 7.2 (Debian 12) only drops EL2&0 entries for
 * them, not for the VAE2 forms. With TGE clear (a guest's EL1&0 is being
 * set up), the EL1 forms would hit the guest, so the VAE2 forms are used.
 */
static void invalidate_el2and0(const ap_invalidation_t *inv)
{
	uint64_t hcr;
	__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	if (!(hcr & HCR_EL2_TGE)) {
		invalidate_el2(inv);
		return;
	}
	invalidate_el1and0(inv);
}

static void invalidate_el3(const ap_invalidation_t *inv)
{
	if (inv->kind == AP_INVALIDATE_LEAF)
		TLBI_AFTER_STORE("vale3is", tlbi_operand(inv->va, 0));
	else if (!invalidate_subtable(inv, tlbi_operand(inv->range_start, 0), &el3_ops))
		TLBI_ALL_AFTER_STORE("alle3is");
}

/* IPAS2E1IS takes IPA[51:12] in bits 39:0. */
static uint64_t ipa_operand(ap_va_t ipa)
{
	return (ipa >> 12) & ((UINT64_C(1) << 40) - 1);
}

/*
 * Stage 2: IPAS2E1IS removes the stage-2-only entries for the IPA in the
 * current VMID (VTTBR_EL2). Entries that combine stage 1 and stage 2 are
 * tagged by the guest's VA, not the IPA, so the Arm ARM requires a stage 1
 * invalidation as well; it is done once per edit, in the barrier. The wide
 * form, VMALLS12E1IS, drops both kinds for the current VMID.
 */
static void invalidate_stage2(const ap_invalidation_t *inv)
{
	if (inv->kind == AP_INVALIDATE_LEAF)
		TLBI_AFTER_STORE("ipas2le1is", ipa_operand(inv->va));
	else if (!invalidate_subtable(inv, ipa_operand(inv->range_start), &stage2_ops))
		TLBI_ALL_AFTER_STORE("vmalls12e1is");
}

void ap__arch_invalidate(ap_regime_kind_t kind, const ap_invalidation_t *inv)
{
	switch (kind) {
	case AP_REGIME_EL1AND0: invalidate_el1and0(inv); break;
	case AP_REGIME_EL2AND0: invalidate_el2and0(inv); break;
	case AP_REGIME_EL2: invalidate_el2(inv); break;
	case AP_REGIME_EL3: invalidate_el3(inv); break;
	case AP_REGIME_STAGE2: invalidate_stage2(inv); break;
	}
}

/* "dsb ish" waits until every TLBI issued before it has completed on every
 * CPU; "isb" then refetches so that later instructions use the new
 * translations. */
static void complete_maintenance(void)
{
	__asm__ volatile("dsb ish\n\tisb" : : : "memory");
}

void ap__arch_barrier(ap_regime_kind_t kind)
{
	if (kind == AP_REGIME_STAGE2) {
		/* The IPA invalidations must complete before the stage 1 one, so
		 * that no combined entry is rebuilt from a stale stage 2 entry;
		 * VMALLE1IS then drops every combined entry of this VMID. */
		__asm__ volatile("dsb ish\n\ttlbi vmalle1is" : : : "memory");
	}
	complete_maintenance();
}

/* The walker is not coherent with the CPU's store buffer: the tables must be
 * complete in memory before a TTBR points at them. */
void ap__arch_publish_tables(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}

/* mrs/msr with the register named by its encoding where the assembler may not
 * know it: TTBR1_EL2 (S3_4_C2_C0_1) exists only with FEAT_VHE. */
#define READ_SYSREG(name, out) __asm__ volatile("mrs %0, " name : "=r"(out))
#define WRITE_SYSREG(name, value) __asm__ volatile("msr " name ", %0" : : "r"(value) : "memory")

static uint64_t swap_ttbr_el1(ap_va_range_t range, uint64_t value)
{
	uint64_t previous;
	if (range == AP_VA_RANGE_UPPER) {
		READ_SYSREG("ttbr1_el1", previous);
		WRITE_SYSREG("ttbr1_el1", value);
	} else {
		READ_SYSREG("ttbr0_el1", previous);
		WRITE_SYSREG("ttbr0_el1", value);
	}
	return previous;
}

static uint64_t swap_ttbr_el2(ap_va_range_t range, uint64_t value)
{
	uint64_t previous;
	if (range == AP_VA_RANGE_UPPER) {
		READ_SYSREG("S3_4_C2_C0_1", previous);
		WRITE_SYSREG("S3_4_C2_C0_1", value);
	} else {
		READ_SYSREG("ttbr0_el2", previous);
		WRITE_SYSREG("ttbr0_el2", value);
	}
	return previous;
}

static uint64_t swap_register(ap_regime_kind_t kind, ap_va_range_t range, uint64_t value)
{
	uint64_t previous = UINT64_MAX;
	switch (kind) {
	case AP_REGIME_EL1AND0: previous = swap_ttbr_el1(range, value); break;
	case AP_REGIME_EL2AND0: previous = swap_ttbr_el2(range, value); break;
	case AP_REGIME_EL2: previous = swap_ttbr_el2(AP_VA_RANGE_LOWER, value); break;
	case AP_REGIME_EL3:
		READ_SYSREG("ttbr0_el3", previous);
		WRITE_SYSREG("ttbr0_el3", value);
		break;
	case AP_REGIME_STAGE2:
		READ_SYSREG("vttbr_el2", previous);
		WRITE_SYSREG("vttbr_el2", value);
		break;
	}
	return previous;
}

/* The ASID (the VMID for stage 2, which is the mapping's ASID field, 0 for
 * regimes without one) goes in bits 63:48 next to the root's address. The
 * ISB makes the next instruction fetch and data access use the new table. */
uint64_t ap__arch_activate(ap_regime_kind_t kind, ap_pa_t root, uint16_t asid,
			   ap_va_range_t va_range)
{
	uint64_t previous = swap_register(kind, va_range, root | ((uint64_t)asid << 48));
	__asm__ volatile("isb" : : : "memory");
	return previous;
}

/*
 * Every TLB entry of an EL1&0 or EL2&0 regime, global ones included: not
 * ASIDE1IS, because global pages (nG clear) are not tagged with the ASID,
 * so ASIDE1IS keeps them and they would go on translating under the
 * previous table's ASID. Other ASIDs' entries go too and refill, which
 * costs little for an operation as rare as deactivation. VMALLE1IS acts on
 * EL2&0 only with TGE set (see invalidate_el2and0()); ALLE2IS otherwise.
 */
static void drop_whole_regime(ap_regime_kind_t kind)
{
	uint64_t hcr = HCR_EL2_TGE;
	if (kind == AP_REGIME_EL2AND0)
		__asm__ volatile("mrs %0, hcr_el2" : "=r"(hcr));
	if (hcr & HCR_EL2_TGE)
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
	else
		__asm__ volatile("tlbi alle2is" : : : "memory");
}

/*
 * Put the previous table back, then drop what the TLBs hold of this one so
 * that freeing or reusing its tables is safe:
 * - EL1&0 and EL2&0 with every entry of the regime (drop_whole_regime());
 *   not by ASID, since the table may map global pages;
 * - stage 2 by VMID, which the TLBI takes from the current VTTBR_EL2, so it
 *   runs before the old VTTBR_EL2 is restored (nothing at EL2 runs the
 *   guest in between).
 * EL2 and EL3 cannot be deactivated (the caller checks).
 */
void ap__arch_deactivate(ap_regime_kind_t kind, uint64_t previous, uint16_t asid,
			 ap_va_range_t va_range)
{
	if (kind == AP_REGIME_STAGE2) {
		__asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish" : : : "memory");
		swap_register(kind, va_range, previous);
		__asm__ volatile("isb" : : : "memory");
		return;
	}
	swap_register(kind, va_range, previous);
	/* The new TTBR must be in use before the invalidation, or a walk of the
	 * old table could refill the TLB after the TLBI. */
	__asm__ volatile("isb" : : : "memory");
	(void)asid;
	drop_whole_regime(kind);
	complete_maintenance();
}
