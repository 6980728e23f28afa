/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Ports of the reference's paging.rs tests: region display, descriptor
 * accessors and updates (through modify callbacks on real tables, live and
 * not live), the splitting of an unaligned range into per-entry chunks, and
 * the dump of a root table.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

static ap_mapping_t *identity_l1(void)
{
	ap_mapping_options_t o = opts(NULL, 1, 1, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	return m;
}

/* Maps the page at 0 so that the level 3 table covering [0, 2 MiB) exists. */
static void map_first_page(ap_mapping_t *m)
{
	ap_region_t r = RS(0, PAGE);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, AP_EL1_VALID | AP_EL1_ACCESSED,
					     AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
}

static void activate(ap_mapping_t *m)
{
	ck_assert_int_eq(ap_mapping_activate(m, NULL), AP_OK);
}

static void deactivate_and_destroy(ap_mapping_t *m, bool active)
{
	if (active)
		ck_assert_int_eq(ap_mapping_deactivate(m, UINT64_MAX), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}

/* Raw bits of the single descriptor covering @va, read with a walk. */
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

/* ------------------------------------------------------------------ */

/* paging::tests::display_memory_region */
START_TEST(display_memory_region)
{
	ap_region_t region = R(0x1234, 0x56789);
	const char *expected = "0x0000000000001000..0x0000000000057000";
	char buf[64];
	size_t needed = 0;
	ck_assert_int_eq(ap_region_format(&region, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));

	/* The length is reported when the text (and its NUL) does not fit. */
	needed = 0;
	ck_assert_int_eq(ap_region_format(&region, NULL, 0, &needed), AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(needed, strlen(expected));
	ck_assert_int_eq(ap_region_format(&region, buf, strlen(expected), &needed),
			 AP_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(ap_region_format(&region, buf, strlen(expected) + 1, &needed), AP_OK);
	ck_assert_str_eq(buf, expected);
}
END_TEST

/* ------------------------------------------------------------------ */

/* paging::tests::invalid_descriptor */
START_TEST(invalid_descriptor)
{
	for (unsigned level = 0; level <= 3; level++) {
		ck_assert(!(ap_pte_flags(0, level) & AP_EL1_VALID));
		ck_assert_uint_eq(ap_pte_output_address(0, level), 0);
	}
	ck_assert(!ap_pte_is_valid(0));
}
END_TEST

struct seen {
	unsigned calls;
	unsigned level;
	uint64_t bits;
	bool valid;
	bool table;
	ap_attrs_t flags;
	ap_pa_t output_address;
};

static int look(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct seen *s = ctx;
	s->calls++;
	s->level = ap_descriptor_level(d);
	s->bits = ap_descriptor_bits(d);
	s->valid = ap_descriptor_is_valid(d);
	s->table = ap_descriptor_is_table(d);
	s->flags = ap_descriptor_flags(d);
	s->output_address = ap_descriptor_output_address(d);
	return 0;
}

/* The same fact on an empty descriptor of a real table. */
START_TEST(invalid_descriptor_in_table)
{
	ap_mapping_t *m = identity_l1();
	map_first_page(m);
	struct seen s;
	memset(&s, 0, sizeof(s));
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, look, &s, NULL), AP_OK);
	ck_assert_uint_eq(s.calls, 1);
	ck_assert_uint_eq(s.level, 3);
	ck_assert(!s.valid);
	ck_assert(!s.table);
	ck_assert(!(s.flags & AP_EL1_VALID));
	ck_assert_uint_eq(s.bits, 0);
	deactivate_and_destroy(m, false);
}
END_TEST

/* ------------------------------------------------------------------ */

#define SET_PA UINT64_C(0x12340000)
#define SET_FLAGS (AP_EL1_TABLE_OR_PAGE | AP_EL1_USER | AP_EL1_SWFLAG_1 | AP_EL1_VALID)

struct set_probe {
	unsigned calls;
	ap_pa_t pa;
	ap_attrs_t flags;
	ap_status_t status;
	bool valid_before, valid_after, updated;
	ap_attrs_t flags_after;
	ap_pa_t oa_after;
};

static int set_it(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct set_probe *p = ctx;
	p->calls++;
	p->valid_before = ap_descriptor_is_valid(d);
	p->status = ap_descriptor_set(d, p->pa, p->flags);
	p->valid_after = ap_descriptor_is_valid(d);
	p->flags_after = ap_descriptor_flags(d);
	p->oa_after = ap_descriptor_output_address(d);
	p->updated = ap_descriptor_updated(d);
	return p->status != AP_OK;
}

static void check_set_descriptor(bool live)
{
	ap_mapping_t *m = identity_l1();
	map_first_page(m);
	if (live)
		activate(m);
	struct set_probe p;
	memset(&p, 0, sizeof(p));
	p.pa = SET_PA;
	p.flags = SET_FLAGS;
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, set_it, &p, NULL), AP_OK);
	ck_assert_uint_ge(p.calls, 1);
	ck_assert_int_eq(p.status, AP_OK);
	ck_assert(!p.valid_before);
	ck_assert(p.valid_after);
	ck_assert(p.updated);
	ck_assert_uint_eq(p.flags_after, SET_FLAGS);
	ck_assert_uint_eq(p.oa_after, SET_PA);
	ck_assert_uint_eq(bits_at(m, PAGE), SET_PA | SET_FLAGS);

	ap_translate_result_t t;
	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	ck_assert_int_eq(ap_mapping_translate(m, PAGE + 0x10, &t), AP_OK);
	ck_assert_uint_eq(t.output_address, SET_PA + 0x10);
	ck_assert_uint_eq(t.level, 3);

	/* Setting the same value again changes nothing and reports no update. */
	memset(&p, 0, sizeof(p));
	p.pa = SET_PA;
	p.flags = SET_FLAGS;
	ck_assert_int_eq(ap_mapping_modify(m, &r, set_it, &p, NULL), AP_OK);
	ck_assert_int_eq(p.status, AP_OK);
	ck_assert(!p.updated);

	/* Moving a valid descriptor to another address: break-before-make on a
	 * live table, allowed otherwise. */
	memset(&p, 0, sizeof(p));
	p.pa = SET_PA + 0x10000;
	p.flags = SET_FLAGS;
	ap_error_t err = new_error();
	if (live) {
		ck_assert_int_eq(ap_mapping_modify(m, &r, set_it, &p, &err), AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_int_eq(p.status, AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_uint_eq(bits_at(m, PAGE), SET_PA | SET_FLAGS);
	} else {
		ck_assert_int_eq(ap_mapping_modify(m, &r, set_it, &p, &err), AP_OK);
		ck_assert_int_eq(p.status, AP_OK);
		ck_assert_uint_eq(bits_at(m, PAGE), (SET_PA + 0x10000) | SET_FLAGS);
	}
	deactivate_and_destroy(m, live);
}

/* paging::tests::set_descriptor, on a table that is not live */
START_TEST(set_descriptor)
{
	check_set_descriptor(false);
}
END_TEST

/* paging::tests::set_descriptor, on a live table (the entry is invalid, so allowed) */
START_TEST(set_descriptor_live)
{
	check_set_descriptor(true);
}
END_TEST

/* ------------------------------------------------------------------ */

#define MODIFY_START_FLAGS (AP_EL1_TABLE_OR_PAGE | AP_EL1_USER | AP_EL1_SWFLAG_1)

struct modify_probe {
	ap_attrs_t set, clear;
	bool set_first; /* put down SET_PA with MODIFY_START_FLAGS before modifying */
	ap_status_t set_status, status;
	bool valid_after;
	ap_attrs_t flags_after;
	uint64_t bits_before;
};

static int modify_it(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct modify_probe *p = ctx;
	if (p->set_first) {
		p->set_status = ap_descriptor_set(d, SET_PA, MODIFY_START_FLAGS);
		if (p->set_status != AP_OK)
			return 1;
	}
	p->bits_before = ap_descriptor_bits(d);
	p->status = ap_descriptor_modify_flags(d, p->set, p->clear);
	p->valid_after = ap_descriptor_is_valid(d);
	p->flags_after = ap_descriptor_flags(d);
	return p->status != AP_OK;
}

/* paging::tests::modify_descriptor_flags: the reference wraps the
 * descriptor as live; here the table is active (and, as a second run, not). */
START_TEST(modify_descriptor_flags)
{
	const bool live = _i == 0;
	ap_mapping_t *m = identity_l1();
	map_first_page(m);
	if (live)
		activate(m);
	struct modify_probe p;
	memset(&p, 0, sizeof(p));
	p.set_first = true;
	p.set = AP_EL1_DBM | AP_EL1_SWFLAG_3;
	p.clear = AP_EL1_VALID | AP_EL1_SWFLAG_1;
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_it, &p, NULL), AP_OK);
	ck_assert_int_eq(p.set_status, AP_OK);
	ck_assert_int_eq(p.status, AP_OK);
	ck_assert(!p.valid_after);
	const ap_attrs_t expected =
		AP_EL1_TABLE_OR_PAGE | AP_EL1_USER | AP_EL1_SWFLAG_3 | AP_EL1_DBM;
	ck_assert_uint_eq(p.flags_after, expected);
	ck_assert_uint_eq(bits_at(m, PAGE), SET_PA | expected);
	deactivate_and_destroy(m, live);
}
END_TEST

/* The same change on a descriptor that is valid and live: clearing VALID
 * makes the result invalid, which break-before-make always allows. */
START_TEST(modify_descriptor_flags_valid_live)
{
	ap_mapping_t *m = identity_l1();
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &r, SET_PA, AP_EL1_VALID | AP_EL1_USER | AP_EL1_SWFLAG_1,
					AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	activate(m);
	struct modify_probe p;
	memset(&p, 0, sizeof(p));
	p.set = AP_EL1_DBM | AP_EL1_SWFLAG_3;
	p.clear = AP_EL1_VALID | AP_EL1_SWFLAG_1;
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_it, &p, NULL), AP_OK);
	ck_assert_int_eq(p.status, AP_OK);
	ck_assert(!p.valid_after);
	ck_assert_uint_eq(p.flags_after,
			  AP_EL1_TABLE_OR_PAGE | AP_EL1_USER | AP_EL1_DBM | AP_EL1_SWFLAG_3);
	ck_assert_uint_eq(bits_at(m, PAGE), SET_PA | AP_EL1_TABLE_OR_PAGE | AP_EL1_USER |
						    AP_EL1_DBM | AP_EL1_SWFLAG_3);
	deactivate_and_destroy(m, true);
}
END_TEST

/* paging::tests::modify_descriptor_table_or_page_flag (should_panic in the
 * reference): turning a page into a block is refused with INVALID_FLAGS, the
 * modify call fails with PTE_UPDATE_FAULT and the descriptor is unchanged. */
START_TEST(modify_descriptor_table_or_page_flag)
{
	const bool live = _i == 1;
	ap_mapping_t *m = identity_l1();
	map_first_page(m);
	if (live)
		activate(m);
	struct set_probe sp;
	memset(&sp, 0, sizeof(sp));
	sp.pa = SET_PA;
	sp.flags = MODIFY_START_FLAGS;
	ap_region_t r = RS(PAGE, PAGE);
	ck_assert_int_eq(ap_mapping_modify(m, &r, set_it, &sp, NULL), AP_OK);
	ck_assert(!sp.valid_after);

	struct modify_probe p;
	memset(&p, 0, sizeof(p));
	p.set = AP_EL1_VALID;
	p.clear = AP_EL1_TABLE_OR_PAGE;
	ap_error_t err = new_error();
	ap_status_t st = ap_mapping_modify(m, &r, modify_it, &p, &err);
	ck_assert_int_eq(p.status, AP_ERR_INVALID_FLAGS);
	if (live) {
		/* A callback failing in the dry run of a live edit. */
		ck_assert_int_eq(st, AP_ERR_BREAK_BEFORE_MAKE);
		ck_assert_int_eq(err.status, AP_ERR_BREAK_BEFORE_MAKE);
	} else {
		ck_assert_int_eq(st, AP_ERR_PTE_UPDATE_FAULT);
		ck_assert_int_eq(err.status, AP_ERR_PTE_UPDATE_FAULT);
		ck_assert_uint_eq(err.descriptor, SET_PA | MODIFY_START_FLAGS);
	}
	ck_assert_uint_eq(bits_at(m, PAGE), SET_PA | MODIFY_START_FLAGS);
	deactivate_and_destroy(m, live);
}
END_TEST

/* The same refusal the other way round, on a level 2 block (not live), and
 * on a live table where it is not a break-before-make matter either. */
START_TEST(modify_descriptor_block_to_table_flag)
{
	for (int live = 0; live <= 1; live++) {
		ap_mapping_t *m = identity_l1();
		ap_region_t block = RS(0, BLOCK_L2);
		ck_assert_int_eq(ap_mapping_map_auto(m, &block, AP_EL1_VALID | AP_EL1_ACCESSED,
						     AP_CONSTRAINT_NONE, NULL),
				 AP_OK);
		if (live)
			activate(m);
		uint64_t before = bits_at(m, 0);
		struct modify_probe p;
		memset(&p, 0, sizeof(p));
		p.set = AP_EL1_TABLE_OR_PAGE;
		ap_error_t err = new_error();
		ap_status_t st = ap_mapping_modify(m, &block, modify_it, &p, &err);
		ck_assert_int_eq(p.status, AP_ERR_INVALID_FLAGS);
		ck_assert_int_eq(st, live ? AP_ERR_BREAK_BEFORE_MAKE : AP_ERR_PTE_UPDATE_FAULT);
		ck_assert_uint_eq(bits_at(m, 0), before);
		deactivate_and_destroy(m, live);
	}
}
END_TEST

/* ------------------------------------------------------------------ */

/* paging::tests::table_or_page */
START_TEST(table_or_page)
{
	ck_assert(!ap_pte_is_table_or_page(0x0));
	ck_assert(!ap_pte_is_table_or_page(0x2));
	ck_assert(!ap_pte_is_table_or_page(0x1));
	ck_assert(ap_pte_is_table_or_page(0x3));
}
END_TEST

/* paging::tests::table_or_page_unknown_bits */
START_TEST(table_or_page_unknown_bits)
{
	const uint64_t unknown = (UINT64_C(1) << 50) | (UINT64_C(1) << 52);
	ck_assert(!ap_pte_is_table_or_page(unknown | 0x0));
	ck_assert(!ap_pte_is_table_or_page(unknown | 0x2));
	ck_assert(!ap_pte_is_table_or_page(unknown | 0x1));
	ck_assert(ap_pte_is_table_or_page(unknown | 0x3));
}
END_TEST

/* ------------------------------------------------------------------ */

struct chunks {
	unsigned count;
	ap_region_t regions[8];
	unsigned levels[8];
};

static int collect_chunk(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	(void)descriptor;
	struct chunks *c = ctx;
	if (c->count < 8) {
		c->regions[c->count] = *region;
		c->levels[c->count] = level;
	}
	c->count++;
	return 0;
}

/* paging::tests::unaligned_chunks: the reference splits [0x2000, 0x205000)
 * at level 2 into [0x2000, 0x200000) and [0x200000, 0x205000). Observed
 * here as the regions a walk hands over for two level 2 blocks. */
START_TEST(unaligned_chunks)
{
	ap_mapping_t *m = identity_l1();
	ap_region_t blocks = RS(0, 2 * BLOCK_L2);
	ck_assert_int_eq(ap_mapping_map_auto(m, &blocks, AP_EL1_VALID | AP_EL1_ACCESSED,
					     AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	struct chunks c;
	memset(&c, 0, sizeof(c));
	ap_region_t r = R(0x00002000, 0x00205000);
	ck_assert_int_eq(ap_mapping_walk(m, &r, collect_chunk, &c, NULL), AP_OK);
	ck_assert_uint_eq(c.count, 2);
	ap_region_t first = R(0x00002000, 0x00200000), second = R(0x00200000, 0x00205000);
	ck_assert_uint_eq(c.regions[0].start, first.start);
	ck_assert_uint_eq(c.regions[0].size, first.size);
	ck_assert_uint_eq(c.regions[1].start, second.start);
	ck_assert_uint_eq(c.regions[1].size, second.size);
	ck_assert_uint_eq(c.levels[0], 2);
	ck_assert_uint_eq(c.levels[1], 2);
	deactivate_and_destroy(m, false);
}
END_TEST

/* ------------------------------------------------------------------ */

static ap_mapping_t *target_at_zero(void)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_target(&o, 0, &m), AP_OK);
	return m;
}

#define DUMP_HEAD                                                                         \
	"RootTable { pa: 0x0000000000000000, translation_regime: El1And0, va_range: Lower, " \
	"level: 1, table:\n"

static void expect_dump(const ap_mapping_t *m, const char *expected)
{
	char *text = dump_string(m);
	ck_assert_str_eq(text, expected);
	free(text);
}

/* paging::tests::debug_roottable_empty */
START_TEST(debug_roottable_empty)
{
	ap_mapping_t *m = target_at_zero();
	expect_dump(m, DUMP_HEAD
		    "0  -511: 0\n"
		    "}\n");
	deactivate_and_destroy(m, false);
}
END_TEST

static void map_three(ap_mapping_t *m, uint64_t unit)
{
	ap_region_t a = R(unit * 3, unit * 6), b = R(unit * 6, unit * 7), c = R(unit * 8, unit * 9);
	ck_assert_int_eq(ap_mapping_map(m, &a, unit * 3, AP_EL1_VALID | AP_EL1_NON_GLOBAL,
					AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &b, unit * 6, AP_EL1_VALID | AP_EL1_READ_ONLY,
					AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	ck_assert_int_eq(ap_mapping_map(m, &c, unit * 8, AP_EL1_VALID | AP_EL1_READ_ONLY,
					AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
}

/* paging::tests::debug_roottable_contiguous */
START_TEST(debug_roottable_contiguous)
{
	ap_mapping_t *m = target_at_zero();
	map_three(m, PAGE);
	expect_dump(m, DUMP_HEAD
		    "0      : 0x00000000001003 (0x0000000000001000, El1Attributes(VALID | TABLE_OR_PAGE))\n"
		    "  0      : 0x00000000002003 (0x0000000000002000, El1Attributes(VALID | TABLE_OR_PAGE))\n"
		    "    0  -2  : 0\n"
		    "    3  -5  : 0x00000000003803 (0x0000000000003000, El1Attributes(VALID | TABLE_OR_PAGE | NON_GLOBAL))\n"
		    "    6      : 0x00000000006083 (0x0000000000006000, El1Attributes(VALID | TABLE_OR_PAGE | READ_ONLY))\n"
		    "    7      : 0\n"
		    "    8      : 0x00000000008083 (0x0000000000008000, El1Attributes(VALID | TABLE_OR_PAGE | READ_ONLY))\n"
		    "    9  -511: 0\n"
		    "  1  -511: 0\n"
		    "1  -511: 0\n"
		    "}\n");
	deactivate_and_destroy(m, false);
}
END_TEST

/* paging::tests::debug_roottable_contiguous_block */
START_TEST(debug_roottable_contiguous_block)
{
	ap_mapping_t *m = target_at_zero();
	map_three(m, BLOCK_L2);
	expect_dump(m, DUMP_HEAD
		    "0      : 0x00000000001003 (0x0000000000001000, El1Attributes(VALID | TABLE_OR_PAGE))\n"
		    "  0  -2  : 0\n"
		    "  3  -5  : 0x00000000600801 (0x0000000000600000, El1Attributes(VALID | NON_GLOBAL))\n"
		    "  6      : 0x00000000c00081 (0x0000000000c00000, El1Attributes(VALID | READ_ONLY))\n"
		    "  7      : 0\n"
		    "  8      : 0x00000001000081 (0x0000000001000000, El1Attributes(VALID | READ_ONLY))\n"
		    "  9  -511: 0\n"
		    "1  -511: 0\n"
		    "}\n");
	deactivate_and_destroy(m, false);
}
END_TEST

static Suite *paging_suite(void)
{
	Suite *s = suite_create("paging");
	TCase *region = tcase_create("region");
	tcase_add_test(region, display_memory_region);
	tcase_add_test(region, unaligned_chunks);
	suite_add_tcase(s, region);

	TCase *desc = tcase_create("descriptor");
	tcase_add_test(desc, invalid_descriptor);
	tcase_add_test(desc, invalid_descriptor_in_table);
	tcase_add_test(desc, set_descriptor);
	tcase_add_test(desc, set_descriptor_live);
	tcase_add_loop_test(desc, modify_descriptor_flags, 0, 2); /* 0: live, 1: not */
	tcase_add_test(desc, modify_descriptor_flags_valid_live);
	tcase_add_loop_test(desc, modify_descriptor_table_or_page_flag, 0, 2); /* 1: live */
	tcase_add_test(desc, modify_descriptor_block_to_table_flag);
	tcase_add_test(desc, table_or_page);
	tcase_add_test(desc, table_or_page_unknown_bits);
	suite_add_tcase(s, desc);

	TCase *dump = tcase_create("dump");
	tcase_add_test(dump, debug_roottable_empty);
	tcase_add_test(dump, debug_roottable_contiguous);
	tcase_add_test(dump, debug_roottable_contiguous_block);
	suite_add_tcase(s, dump);
	return s;
}

int main(void)
{
	return run_suite(paging_suite());
}
