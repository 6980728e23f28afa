/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Descriptor-level facts carried over from the reference's descriptor.rs:
 * the attribute bit positions of the three descriptor formats, the
 * output-address fields per level, attribute naming, and the
 * break-before-make rules of each format, exercised on live tables through
 * ap_mapping_modify() and ap_mapping_map().
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))

struct bit_fact {
	const char *name;
	uint64_t value;
	uint64_t expected;
};

static void check_facts(const struct bit_fact *facts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		ck_assert_msg(facts[i].value == facts[i].expected, "%s is 0x%llx, expected 0x%llx",
			      facts[i].name, (unsigned long long)facts[i].value,
			      (unsigned long long)facts[i].expected);
}

#define FACT(macro, expected) {#macro, (uint64_t)(macro), (uint64_t)(expected)}

START_TEST(el1_attribute_bits)
{
	static const struct bit_fact facts[] = {
		FACT(AP_EL1_VALID, BIT(0)),
		FACT(AP_EL1_TABLE_OR_PAGE, BIT(1)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_0, 0),
		FACT(AP_EL1_ATTRIBUTE_INDEX_1, BIT(2)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_2, BIT(3)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_3, BIT(2) | BIT(3)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_4, BIT(4)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_5, BIT(4) | BIT(2)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_6, BIT(4) | BIT(3)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_7, BIT(4) | BIT(3) | BIT(2)),
		FACT(AP_EL1_NS, BIT(5)),
		FACT(AP_EL1_USER, BIT(6)),
		FACT(AP_EL1_READ_ONLY, BIT(7)),
		FACT(AP_EL1_OUTER_SHAREABLE, BIT(9)),
		FACT(AP_EL1_INNER_SHAREABLE, BIT(9) | BIT(8)),
		FACT(AP_EL1_ACCESSED, BIT(10)),
		FACT(AP_EL1_NON_GLOBAL, BIT(11)),
		FACT(AP_EL1_NT, BIT(16)),
		FACT(AP_EL1_GP, BIT(50)),
		FACT(AP_EL1_DBM, BIT(51)),
		FACT(AP_EL1_CONTIGUOUS_OR_PROTECTED, BIT(52)),
		FACT(AP_EL1_PXN, BIT(53)),
		FACT(AP_EL1_UXN, BIT(54)),
		FACT(AP_EL1_SWFLAG_0, BIT(55)),
		FACT(AP_EL1_SWFLAG_1, BIT(56)),
		FACT(AP_EL1_SWFLAG_2, BIT(57)),
		FACT(AP_EL1_SWFLAG_3, BIT(58)),
		FACT(AP_EL1_PXN_TABLE, BIT(59)),
		FACT(AP_EL1_XN_TABLE, BIT(60)),
		FACT(AP_EL1_AP_TABLE_NO_EL0, BIT(61)),
		FACT(AP_EL1_AP_TABLE_NO_WRITE, BIT(62)),
		FACT(AP_EL1_NS_TABLE, BIT(63)),
		FACT(AP_EL1_SHAREABILITY_MASK, BIT(9) | BIT(8)),
		FACT(AP_EL1_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2)),
		FACT(AP_ATTR_VALID, BIT(0)),
		FACT(AP_ATTR_TABLE_OR_PAGE, BIT(1)),
	};
	check_facts(facts, sizeof(facts) / sizeof(facts[0]));
}
END_TEST

START_TEST(el23_attribute_bits)
{
	static const struct bit_fact facts[] = {
		FACT(AP_EL23_VALID, BIT(0)),
		FACT(AP_EL23_TABLE_OR_PAGE, BIT(1)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_0, 0),
		FACT(AP_EL23_ATTRIBUTE_INDEX_1, BIT(2)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_2, BIT(3)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_3, BIT(2) | BIT(3)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_4, BIT(4)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_5, BIT(4) | BIT(2)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_6, BIT(4) | BIT(3)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_7, BIT(4) | BIT(3) | BIT(2)),
		FACT(AP_EL23_NS, BIT(5)),
		FACT(AP_EL23_USER_RES1, BIT(6)),
		FACT(AP_EL23_READ_ONLY, BIT(7)),
		FACT(AP_EL23_OUTER_SHAREABLE, BIT(9)),
		FACT(AP_EL23_INNER_SHAREABLE, BIT(9) | BIT(8)),
		FACT(AP_EL23_ACCESSED, BIT(10)),
		FACT(AP_EL23_NON_GLOBAL, BIT(11)),
		FACT(AP_EL23_NT, BIT(16)),
		FACT(AP_EL23_GP, BIT(50)),
		FACT(AP_EL23_DBM, BIT(51)),
		FACT(AP_EL23_CONTIGUOUS_OR_PROTECTED, BIT(52)),
		FACT(AP_EL23_XN, BIT(54)),
		FACT(AP_EL23_SWFLAG_0, BIT(55)),
		FACT(AP_EL23_SWFLAG_1, BIT(56)),
		FACT(AP_EL23_SWFLAG_2, BIT(57)),
		FACT(AP_EL23_SWFLAG_3, BIT(58)),
		FACT(AP_EL23_PXN_TABLE, BIT(59)),
		FACT(AP_EL23_XN_TABLE, BIT(60)),
		FACT(AP_EL23_AP_TABLE_NO_EL0, BIT(61)),
		FACT(AP_EL23_AP_TABLE_NO_WRITE, BIT(62)),
		FACT(AP_EL23_NS_TABLE, BIT(63)),
		FACT(AP_EL23_SHAREABILITY_MASK, BIT(9) | BIT(8)),
		FACT(AP_EL23_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2)),
	};
	check_facts(facts, sizeof(facts) / sizeof(facts[0]));
}
END_TEST

START_TEST(stage2_attribute_bits)
{
	static const struct bit_fact facts[] = {
		FACT(AP_S2_VALID, BIT(0)),
		FACT(AP_S2_TABLE_OR_PAGE, BIT(1)),
		FACT(AP_S2_MEMATTR_DEVICE_nGnRnE, 0),
		FACT(AP_S2_MEMATTR_DEVICE_nGnRE, BIT(2)),
		FACT(AP_S2_MEMATTR_DEVICE_nGRE, BIT(3)),
		FACT(AP_S2_MEMATTR_DEVICE_GRE, BIT(3) | BIT(2)),
		FACT(AP_S2_MEMATTR_NORMAL_INNER_NC, BIT(2)),
		FACT(AP_S2_MEMATTR_NORMAL_INNER_WT, BIT(3)),
		FACT(AP_S2_MEMATTR_NORMAL_INNER_WB, BIT(3) | BIT(2)),
		FACT(AP_S2_MEMATTR_NORMAL_OUTER_NC, BIT(4)),
		FACT(AP_S2_MEMATTR_NORMAL_OUTER_WT, BIT(5)),
		FACT(AP_S2_MEMATTR_NORMAL_OUTER_WB, BIT(5) | BIT(4)),
		FACT(AP_S2_S2AP_ACCESS_NONE, 0),
		FACT(AP_S2_S2AP_ACCESS_RO, BIT(6)),
		FACT(AP_S2_S2AP_ACCESS_WO, BIT(7)),
		FACT(AP_S2_S2AP_ACCESS_RW, BIT(7) | BIT(6)),
		FACT(AP_S2_SH_NONE, 0),
		FACT(AP_S2_SH_OUTER, BIT(9)),
		FACT(AP_S2_SH_INNER, BIT(9) | BIT(8)),
		FACT(AP_S2_ACCESS_FLAG, BIT(10)),
		FACT(AP_S2_XN, BIT(54)),
		FACT(AP_S2_SWFLAG_0, BIT(55)),
		FACT(AP_S2_SWFLAG_1, BIT(56)),
		FACT(AP_S2_SWFLAG_2, BIT(57)),
		FACT(AP_S2_SWFLAG_3, BIT(58)),
	};
	check_facts(facts, sizeof(facts) / sizeof(facts[0]));
}
END_TEST

/* ------------------------------------------------------------------ */

/* Output-address fields: 12..47 for tables and pages, 30..47 for level 1
 * blocks, 21..47 for level 2 blocks; the flags are everything else. */
START_TEST(output_address_fields)
{
	const uint64_t all = UINT64_MAX;
	const uint64_t block = all & ~AP_ATTR_TABLE_OR_PAGE;
	const uint64_t field_12_47 = UINT64_C(0x0000fffffffff000);
	const uint64_t field_21_47 = UINT64_C(0x0000ffffffe00000);
	const uint64_t field_30_47 = UINT64_C(0x0000ffffc0000000);

	for (unsigned level = 0; level <= 3; level++) {
		ck_assert_uint_eq(ap_pte_output_address(all, level), field_12_47);
		ck_assert_uint_eq(ap_pte_flags(all, level), all & ~field_12_47);
	}
	ck_assert_uint_eq(ap_pte_output_address(block, 1), field_30_47);
	ck_assert_uint_eq(ap_pte_flags(block, 1), block & ~field_30_47);
	ck_assert_uint_eq(ap_pte_output_address(block, 2), field_21_47);
	ck_assert_uint_eq(ap_pte_flags(block, 2), block & ~field_21_47);
	/* Level 3 entries are pages whatever bit 1 says. */
	ck_assert_uint_eq(ap_pte_output_address(block, 3), field_12_47);

	/* A page's bit 16 belongs to its address. */
	uint64_t page = UINT64_C(0x12345000) | BIT(16) | 3;
	ck_assert_uint_eq(ap_pte_output_address(page, 3), UINT64_C(0x12355000));
	ck_assert_uint_eq(ap_pte_flags(page, 3), 3);
	/* A level 2 block's bit 16 is nT, an attribute. */
	uint64_t l2 = UINT64_C(0x40200000) | BIT(16) | 1;
	ck_assert_uint_eq(ap_pte_output_address(l2, 2), UINT64_C(0x40200000));
	ck_assert_uint_eq(ap_pte_flags(l2, 2), BIT(16) | 1);

	/* Out-of-range levels give zero. */
	ck_assert_uint_eq(ap_pte_output_address(all, 4), 0);
	ck_assert_uint_eq(ap_pte_flags(all, 4), 0);
}
END_TEST

START_TEST(descriptor_kinds)
{
	ck_assert(ap_pte_is_valid(1));
	ck_assert(!ap_pte_is_valid(2));
	for (unsigned level = 0; level < 3; level++) {
		ck_assert(ap_pte_is_table(3, level));
		ck_assert(!ap_pte_is_table(1, level));
		ck_assert(!ap_pte_is_table(2, level));
	}
	/* Level 3 has no tables, only pages. */
	ck_assert(!ap_pte_is_table(3, 3));
	ck_assert(ap_pte_is_table_or_page(3));
	ck_assert(!ap_pte_is_table(3, 4));
}
END_TEST

static void expect_names(ap_regime_kind_t kind, ap_attrs_t flags, const char *expected)
{
	char buf[512];
	size_t needed = 0;
	ck_assert_int_eq(ap_attrs_describe(kind, flags, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));
}

START_TEST(attribute_names)
{
	expect_names(AP_REGIME_EL1AND0, AP_EL1_VALID | AP_EL1_TABLE_OR_PAGE | AP_EL1_NON_GLOBAL,
		     "VALID | TABLE_OR_PAGE | NON_GLOBAL");
	expect_names(AP_REGIME_EL2AND0, AP_EL1_VALID | AP_EL1_PXN | AP_EL1_UXN,
		     "VALID | PXN | UXN");
	expect_names(AP_REGIME_EL1AND0, AP_EL1_USER | AP_EL1_SWFLAG_2, "USER | SWFLAG_2");
	expect_names(AP_REGIME_EL2, AP_EL23_USER_RES1 | AP_EL23_XN, "USER_RES1 | XN");
	expect_names(AP_REGIME_EL3, AP_EL23_READ_ONLY | AP_EL23_NS_TABLE, "READ_ONLY | NS_TABLE");
	/* Stage 2 fields are always named: MemAttr 0 is device-nGnRnE, S2AP 0 no access. */
	expect_names(AP_REGIME_STAGE2, AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_XN,
		     "VALID | device-ngnrne | none | non-shareable | ACCESS_FLAG | XN");
	/* Bits without a name follow as one number; no bits at all is 0x0. */
	expect_names(AP_REGIME_EL1AND0, AP_EL1_VALID | BIT(49), "VALID | 0x2000000000000");
	expect_names(AP_REGIME_EL1AND0, 0, "0x0");
	/* Bit 53 has a name in the EL1 format only. */
	expect_names(AP_REGIME_EL1AND0, BIT(53), "PXN");
	expect_names(AP_REGIME_EL2, BIT(53), "0x20000000000000");
	ck_assert_int_eq(ap_attrs_describe((ap_regime_kind_t)5, 0, NULL, 0, NULL),
			 AP_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Break-before-make rules on live valid descriptors, per format. */

struct bbm_format {
	ap_regime_kind_t kind;
	uint16_t asid;
	ap_attrs_t base;     /* flags of the valid page the changes start from */
	ap_attrs_t may_set;  /* single bits that may be set on a live valid page */
	ap_attrs_t may_clear; /* single bits that may be cleared on one */
};

/* The bits each test flips one at a time: every attribute bit of a page
 * descriptor except VALID, TABLE_OR_PAGE and the output address. */
static const unsigned candidate_bits[] = {2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
					  50, 51, 52, 53, 54, 55, 56, 57, 58};

#define EL1_CLEARABLE                                                                          \
	(AP_EL1_READ_ONLY | AP_EL1_ACCESSED | AP_EL1_DBM | AP_EL1_PXN | AP_EL1_UXN |            \
	 AP_EL1_SWFLAG_0 | AP_EL1_SWFLAG_1 | AP_EL1_SWFLAG_2 | AP_EL1_SWFLAG_3)
#define EL23_CLEARABLE                                                                         \
	(AP_EL23_READ_ONLY | AP_EL23_ACCESSED | AP_EL23_DBM | AP_EL23_XN | AP_EL23_SWFLAG_0 |   \
	 AP_EL23_SWFLAG_1 | AP_EL23_SWFLAG_2 | AP_EL23_SWFLAG_3)
#define S2_CHANGEABLE                                                                          \
	(AP_S2_S2AP_ACCESS_RW | AP_S2_ACCESS_FLAG | AP_S2_XN | AP_S2_SWFLAG_0 | AP_S2_SWFLAG_1 | \
	 AP_S2_SWFLAG_2 | AP_S2_SWFLAG_3)

static const struct bbm_format formats[] = {
	{AP_REGIME_EL1AND0, 1,
	 AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_ACCESSED,
	 EL1_CLEARABLE | AP_EL1_NON_GLOBAL, EL1_CLEARABLE},
	{AP_REGIME_EL2AND0, 7,
	 AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_1 | AP_EL1_INNER_SHAREABLE | AP_EL1_ACCESSED,
	 EL1_CLEARABLE | AP_EL1_NON_GLOBAL, EL1_CLEARABLE},
	{AP_REGIME_EL2, 0,
	 AP_EL23_VALID | AP_EL23_ATTRIBUTE_INDEX_1 | AP_EL23_INNER_SHAREABLE | AP_EL23_ACCESSED,
	 EL23_CLEARABLE | AP_EL23_NON_GLOBAL, EL23_CLEARABLE},
	{AP_REGIME_EL3, 0,
	 AP_EL23_VALID | AP_EL23_ATTRIBUTE_INDEX_1 | AP_EL23_INNER_SHAREABLE | AP_EL23_ACCESSED,
	 EL23_CLEARABLE | AP_EL23_NON_GLOBAL, EL23_CLEARABLE},
	{AP_REGIME_STAGE2, 0,
	 AP_S2_VALID | AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB |
		 AP_S2_SH_INNER | AP_S2_ACCESS_FLAG,
	 S2_CHANGEABLE, S2_CHANGEABLE},
};

struct flag_change {
	ap_attrs_t set, clear;
	ap_status_t status; /* of ap_descriptor_modify_flags in the last call */
};

static int change_flags(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct flag_change *c = ctx;
	c->status = ap_descriptor_modify_flags(d, c->set, c->clear);
	return c->status != AP_OK;
}

static int grab_bits(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	(void)region;
	(void)level;
	*(uint64_t *)ctx = descriptor;
	return 0;
}

static uint64_t bits_at(const ap_mapping_t *m, uint64_t va)
{
	uint64_t bits = 0xdeadbeef;
	ap_region_t r = RS(va, PAGE);
	ck_assert_int_eq(ap_mapping_walk(m, &r, grab_bits, &bits, NULL), AP_OK);
	return bits;
}

struct live_table {
	recorder_t rec;
	ap_regime_t *regime;
	ap_mapping_t *m;
};

/* Four valid pages at 0, 1, 2 and 3 pages: 0 and 2 with @flags0, 1 and 3
 * with @flags1 (all mapped to output 0x8000_0000 + va). */
static void live_table_new(struct live_table *t, const struct bbm_format *f, ap_attrs_t flags0,
			   ap_attrs_t flags1, bool live)
{
	memset(&t->rec, 0, sizeof(t->rec));
	t->regime = recording_regime(f->kind, &t->rec);
	ap_mapping_options_t o = opts(t->regime, 1, f->asid, AP_VA_RANGE_LOWER);
	ck_assert_int_eq(ap_mapping_create_identity(&o, &t->m), AP_OK);
	for (unsigned i = 0; i < 4; i++) {
		ap_region_t r = RS(i * PAGE, PAGE);
		ck_assert_int_eq(ap_mapping_map(t->m, &r, 0x80000000 + i * PAGE,
						(i & 1) ? flags1 : flags0, AP_CONSTRAINT_NONE, NULL),
				 AP_OK);
	}
	if (live)
		ck_assert_int_eq(ap_mapping_mark_active(t->m), AP_OK);
	recorder_reset(&t->rec);
}

static void live_table_free(struct live_table *t, bool live)
{
	if (live)
		ck_assert_int_eq(ap_mapping_mark_inactive(t->m), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(t->m), AP_OK);
	ck_assert_int_eq(ap_regime_destroy(t->regime), AP_OK);
}

/* Flips one bit on a page through modify and through map; @allowed says
 * whether break-before-make permits it. */
static void try_change(struct live_table *t, uint64_t va, ap_attrs_t from, ap_attrs_t to,
		       ap_attrs_t set, ap_attrs_t clear, bool allowed, bool via_map,
		       const char *what)
{
	uint64_t before = bits_at(t->m, va);
	ck_assert_uint_eq(before, (0x80000000 + va) | from | AP_ATTR_TABLE_OR_PAGE);
	recorder_reset(&t->rec);
	ap_error_t err = new_error();
	ap_status_t st;
	ap_region_t r = RS(va, PAGE);
	if (via_map) {
		st = ap_mapping_map(t->m, &r, 0x80000000 + va, to, AP_CONSTRAINT_NONE, &err);
	} else {
		struct flag_change c = {set, clear, AP_OK};
		st = ap_mapping_modify(t->m, &r, change_flags, &c, &err);
		ck_assert_msg(c.status == (allowed ? AP_OK : AP_ERR_BREAK_BEFORE_MAKE),
			      "%s: modify_flags returned %s", what, ap_strerror(c.status));
	}
	ck_assert_msg(st == (allowed ? AP_OK : AP_ERR_BREAK_BEFORE_MAKE), "%s (%s): %s", what,
		      via_map ? "map" : "modify", ap_strerror(st));
	uint64_t after = bits_at(t->m, va);
	if (allowed) {
		ck_assert_msg(after == ((0x80000000 + va) | to | AP_ATTR_TABLE_OR_PAGE),
			      "%s: 0x%llx", what, (unsigned long long)after);
		/* One invalidation for the changed live descriptor, then a barrier. */
		ck_assert_uint_eq(t->rec.invalidation_count, 1);
		ck_assert_uint_eq(t->rec.invalidations[0].va & ~(PAGE - 1), va);
		ck_assert_uint_eq(t->rec.invalidations[0].level, 3);
		ck_assert_int_eq(t->rec.invalidations[0].kind, AP_INVALIDATE_LEAF);
		ck_assert_uint_eq(t->rec.barrier_count, 1);
	} else {
		ck_assert_msg(after == before, "%s: refused change was written", what);
		ck_assert_uint_eq(t->rec.invalidation_count, 0);
		ck_assert_int_eq(err.status, AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_uint_eq(err.region.start, va);
		ck_assert_uint_eq(err.region.size, PAGE);
	}
}

/* Bits a map refuses in a format because they mean nothing there (see
 * check_attr_fields): no live rule to check for them through a map. */
static ap_attrs_t map_refuses(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL2: return BIT(11) | BIT(53);
	case AP_REGIME_EL3: return BIT(53);
	case AP_REGIME_STAGE2: return BIT(50);
	default: return 0;
	}
}

static void check_bit_rules(const struct bbm_format *f, bool live)
{
	char what[96];
	for (size_t i = 0; i < sizeof(candidate_bits) / sizeof(candidate_bits[0]); i++) {
		ap_attrs_t bit = BIT(candidate_bits[i]);
		if (bit & map_refuses(f->kind))
			continue;
		ap_attrs_t without = f->base & ~bit, with = f->base | bit;
		bool set_ok = !live || (f->may_set & bit) != 0;
		bool clear_ok = !live || (f->may_clear & bit) != 0;
		struct live_table t;
		live_table_new(&t, f, without, with, live);
		snprintf(what, sizeof(what), "regime %d, set bit %u", (int)f->kind, candidate_bits[i]);
		try_change(&t, 0, without, with, bit, 0, set_ok, false, what);
		try_change(&t, 2 * PAGE, without, with, 0, 0, set_ok, true, what);
		snprintf(what, sizeof(what), "regime %d, clear bit %u", (int)f->kind,
			 candidate_bits[i]);
		try_change(&t, PAGE, with, without, 0, bit, clear_ok, false, what);
		try_change(&t, 3 * PAGE, with, without, 0, 0, clear_ok, true, what);
		live_table_free(&t, live);
	}
}

/* Loop test over the formats table: live rules. */
START_TEST(bbm_live_attribute_changes)
{
	check_bit_rules(&formats[_i], true);
}
END_TEST

/* Without activation every attribute change is allowed. */
START_TEST(bbm_inactive_attribute_changes)
{
	const struct bbm_format *f = &formats[_i];
	ap_attrs_t all = 0;
	for (size_t i = 0; i < sizeof(candidate_bits) / sizeof(candidate_bits[0]); i++)
		all |= BIT(candidate_bits[i]);
	struct live_table t;
	live_table_new(&t, f, f->base, f->base, false);
	struct flag_change c = {all, 0, AP_OK};
	ap_region_t r = RS(0, PAGE);
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, change_flags, &c, NULL), AP_OK);
	ck_assert_uint_eq(bits_at(t.m, 0), 0x80000000 | f->base | all | AP_ATTR_TABLE_OR_PAGE);
	struct flag_change back = {0, all, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, change_flags, &back, NULL), AP_OK);
	ck_assert_uint_eq(bits_at(t.m, 0), 0x80000000 | (f->base & ~all) | AP_ATTR_TABLE_OR_PAGE);
	/* Not live: no TLB maintenance at all. */
	ck_assert_uint_eq(t.rec.invalidation_count, 0);
	live_table_free(&t, false);
}
END_TEST

struct set_change {
	ap_pa_t pa;
	ap_attrs_t flags;
	ap_status_t status;
};

static int set_descriptor(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct set_change *c = ctx;
	c->status = ap_descriptor_set(d, c->pa, c->flags);
	return c->status != AP_OK;
}

/* Output address changes, invalidation and validation of a live page. */
START_TEST(bbm_live_address_and_validity)
{
	const struct bbm_format *f = &formats[_i];
	struct live_table t;
	live_table_new(&t, f, f->base, f->base, true);

	/* Moving a live valid page elsewhere: refused, through set and through map. */
	struct set_change c = {0x90000000, f->base | AP_ATTR_TABLE_OR_PAGE, AP_OK};
	ap_region_t r = RS(0, PAGE);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, set_descriptor, &c, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_int_eq(c.status, AP_ERR_BREAK_BEFORE_MAKE);
	err = new_error();
	ck_assert_int_eq(ap_mapping_map(t.m, &r, 0x90000000, f->base, AP_CONSTRAINT_NONE, &err),
			 AP_ERR_BREAK_BEFORE_MAKE);
	ck_assert_uint_eq(err.region.start, 0);
	ck_assert_uint_eq(err.region.size, PAGE);
	ck_assert_uint_eq(bits_at(t.m, 0), 0x80000000 | f->base | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(t.rec.invalidation_count, 0);

	/* Making it invalid is always allowed. */
	struct flag_change off = {0, AP_ATTR_VALID, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, change_flags, &off, NULL), AP_OK);
	ck_assert(!ap_pte_is_valid(bits_at(t.m, 0)));

	/* An invalid entry may then be given any address and attributes. */
	c.status = AP_ERR_INVALID_ARGUMENT;
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, set_descriptor, &c, NULL), AP_OK);
	ck_assert_int_eq(c.status, AP_OK);
	ck_assert_uint_eq(bits_at(t.m, 0), 0x90000000 | f->base | AP_ATTR_TABLE_OR_PAGE);

	/* Unmapping a live valid page is allowed too. */
	recorder_reset(&t.rec);
	ap_region_t second = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_unmap(t.m, &second, NULL), AP_OK);
	ck_assert_uint_eq(bits_at(t.m, PAGE), 0);
	ck_assert_uint_eq(t.rec.invalidation_count, 1);
	ck_assert_uint_eq(t.rec.invalidations[0].va & ~(PAGE - 1), PAGE);
	live_table_free(&t, true);
}
END_TEST

/* A live valid page that a modify callback makes invalid must leave the TLB:
 * one invalidation of that page, then one barrier. */
START_TEST(bbm_live_page_made_invalid_is_invalidated)
{
	const struct bbm_format *f = &formats[_i];
	struct live_table t;
	live_table_new(&t, f, f->base, f->base, true);
	struct flag_change off = {0, AP_ATTR_VALID, AP_OK};
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, change_flags, &off, NULL), AP_OK);
	ck_assert_uint_eq(bits_at(t.m, PAGE), (0x80000000 + PAGE) | (f->base & ~AP_ATTR_VALID) |
						      AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(t.rec.invalidation_count, 1);
	ck_assert_uint_eq(t.rec.invalidations[0].va & ~(PAGE - 1), PAGE);
	ck_assert_uint_eq(t.rec.invalidations[0].level, 3);
	ck_assert_uint_eq(t.rec.barrier_count, 1);
	live_table_free(&t, true);
}
END_TEST

/* A live invalid page that a modify callback makes valid was never in the
 * TLB: the hooks are called only for descriptors that were valid. */
START_TEST(bbm_live_page_made_valid_needs_no_invalidation)
{
	const struct bbm_format *f = &formats[_i];
	struct live_table t;
	live_table_new(&t, f, f->base, f->base, true);
	ap_region_t r = RS(4 * PAGE, PAGE);
	ck_assert_uint_eq(bits_at(t.m, 4 * PAGE), 0);
	struct set_change c = {0x90000000, f->base | AP_ATTR_TABLE_OR_PAGE, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(t.m, &r, set_descriptor, &c, NULL), AP_OK);
	ck_assert_uint_eq(bits_at(t.m, 4 * PAGE), 0x90000000 | f->base | AP_ATTR_TABLE_OR_PAGE);
	ck_assert_uint_eq(t.rec.invalidation_count, 0);
	live_table_free(&t, true);
}
END_TEST

/* nT (bit 16) on a live level 2 block of a stage 1 format: not a change
 * break-before-make allows. */
START_TEST(bbm_live_block_nt)
{
	for (size_t i = 0; i < 4; i++) {
		const struct bbm_format *f = &formats[i];
		recorder_t rec;
		memset(&rec, 0, sizeof(rec));
		ap_regime_t *regime = recording_regime(f->kind, &rec);
		ap_mapping_options_t o = opts(regime, 1, f->asid, AP_VA_RANGE_LOWER);
		ap_mapping_t *m = NULL;
		ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
		ap_region_t block = RS(BLOCK_L2, BLOCK_L2);
		ck_assert_int_eq(ap_mapping_map(m, &block, BLOCK_L2, f->base, AP_CONSTRAINT_NONE, NULL),
				 AP_OK);
		ck_assert_int_eq(ap_mapping_mark_active(m), AP_OK);
		struct flag_change c = {AP_EL1_NT, 0, AP_OK};
		ck_assert_int_eq(ap_mapping_modify(m, &block, change_flags, &c, NULL),
				 AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_int_eq(c.status, AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_uint_eq(bits_at(m, BLOCK_L2), BLOCK_L2 | f->base);
		ck_assert_int_eq(ap_mapping_mark_inactive(m), AP_OK);
		/* Inactive, the same change goes through. */
		ck_assert_int_eq(ap_mapping_modify(m, &block, change_flags, &c, NULL), AP_OK);
		ck_assert_uint_eq(bits_at(m, BLOCK_L2), BLOCK_L2 | f->base | AP_EL1_NT);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
		ck_assert_int_eq(ap_regime_destroy(regime), AP_OK);
	}
}
END_TEST

static Suite *descriptor_suite(void)
{
	Suite *s = suite_create("descriptor");
	TCase *bits = tcase_create("bits");
	tcase_add_test(bits, el1_attribute_bits);
	tcase_add_test(bits, el23_attribute_bits);
	tcase_add_test(bits, stage2_attribute_bits);
	tcase_add_test(bits, output_address_fields);
	tcase_add_test(bits, descriptor_kinds);
	tcase_add_test(bits, attribute_names);
	suite_add_tcase(s, bits);

	const int n = (int)(sizeof(formats) / sizeof(formats[0]));
	TCase *bbm = tcase_create("bbm");
	tcase_set_timeout(bbm, 30);
	tcase_add_loop_test(bbm, bbm_live_attribute_changes, 0, n);
	tcase_add_loop_test(bbm, bbm_inactive_attribute_changes, 0, n);
	tcase_add_loop_test(bbm, bbm_live_address_and_validity, 0, n);
	tcase_add_loop_test(bbm, bbm_live_page_made_invalid_is_invalidated, 0, n);
	tcase_add_loop_test(bbm, bbm_live_page_made_valid_needs_no_invalidation, 0, n);
	tcase_add_test(bbm, bbm_live_block_nt);
	suite_add_tcase(s, bbm);
	return s;
}

int main(void)
{
	return run_suite(descriptor_suite());
}
