/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Attribute fields rather than single bits: changing one field of a
 * descriptor with ap_descriptor_modify_flags(), the bits a map accepts per
 * descriptor format, and the field-by-field text of ap_attrs_describe().
 */
#include "test_util.h"

#include "aptables.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n) (UINT64_C(1) << (n))

/* ------------------------------------------------------------------ */
/* One field, one value: modify_flags with set and clear. */

struct modify_call {
	ap_attrs_t set, clear;
	ap_status_t status;
};

static int modify_cb(void *ctx, const ap_region_t *region, ap_descriptor_t *d)
{
	(void)region;
	struct modify_call *c = ctx;
	c->status = ap_descriptor_modify_flags(d, c->set, c->clear);
	return c->status != AP_OK;
}

static int grab_cb(void *ctx, const ap_region_t *region, uint64_t descriptor, unsigned level)
{
	(void)region;
	(void)level;
	*(uint64_t *)ctx = descriptor;
	return 0;
}

static uint64_t page_bits(const ap_mapping_t *m, uint64_t va)
{
	uint64_t bits = 0;
	ap_region_t r = RS(va, PAGE);
	ck_assert_int_eq(ap_mapping_walk(m, &r, grab_cb, &bits, NULL), AP_OK);
	return bits;
}

#define S2_RAM                                                                                  \
	(AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_MEMATTR_NORMAL_INNER_WB |                      \
	 AP_S2_MEMATTR_NORMAL_OUTER_WB | AP_S2_SH_INNER)

static ap_mapping_t *stage2_page(ap_attrs_t flags)
{
	ap_mapping_options_t o = opts(regime_of(AP_REGIME_STAGE2), 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_region_t r = RS(0x40000000, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x40000000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	return m;
}

/* Setting RO while clearing RW named the same bits twice; it used to give
 * S2AP "none". It is refused now, and the descriptor keeps its value. */
START_TEST(modify_overlap_refused)
{
	ap_mapping_t *m = stage2_page(S2_RAM | AP_S2_S2AP_ACCESS_RW);
	uint64_t before = page_bits(m, 0x40000000);
	struct modify_call c = {AP_S2_S2AP_ACCESS_RO, AP_S2_S2AP_ACCESS_RW, AP_OK};
	ap_region_t r = RS(0x40000000, PAGE);
	ap_error_t err = new_error();
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, &err), AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_int_eq(c.status, AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(page_bits(m, 0x40000000), before);
	/* Any shared bit is refused, even one bit of a single-bit flag. */
	c = (struct modify_call){AP_S2_XN, AP_S2_XN | AP_S2_SWFLAG_0, AP_OK};
	ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, NULL), AP_ERR_PTE_UPDATE_FAULT);
	ck_assert_int_eq(c.status, AP_ERR_INVALID_FLAGS);
	ck_assert_uint_eq(page_bits(m, 0x40000000), before);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* The documented way: set the value, clear the rest of the field. Every
 * S2AP value from every S2AP value gives exactly the value asked for, and
 * nothing else changes. */
START_TEST(modify_masked_field)
{
	static const ap_attrs_t values[] = {AP_S2_S2AP_ACCESS_NONE, AP_S2_S2AP_ACCESS_RO,
					    AP_S2_S2AP_ACCESS_WO, AP_S2_S2AP_ACCESS_RW};
	for (unsigned from = 0; from < 4; from++) {
		for (unsigned to = 0; to < 4; to++) {
			ap_mapping_t *m = stage2_page(S2_RAM | values[from]);
			uint64_t before = page_bits(m, 0x40000000);
			struct modify_call c = {values[to], AP_S2_S2AP_MASK & ~values[to], AP_OK};
			ap_region_t r = RS(0x40000000, PAGE);
			ck_assert_int_eq(ap_mapping_modify(m, &r, modify_cb, &c, NULL), AP_OK);
			ck_assert_int_eq(c.status, AP_OK);
			uint64_t after = page_bits(m, 0x40000000);
			ck_assert_uint_eq(after & AP_S2_S2AP_MASK, values[to]);
			ck_assert_uint_eq(after & ~AP_S2_S2AP_MASK, before & ~AP_S2_S2AP_MASK);
			ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
		}
	}
}
END_TEST

/* The field masks cover exactly their fields, and each field's values lie
 * inside its mask. */
START_TEST(field_masks)
{
	ck_assert_uint_eq(AP_S2_MEMATTR_MASK, BIT(5) | BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_S2_S2AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_S2_SH_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq(AP_EL1_AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_EL23_AP_MASK, BIT(7) | BIT(6));
	ck_assert_uint_eq(AP_EL1_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_EL23_ATTRIBUTE_INDEX_MASK, BIT(4) | BIT(3) | BIT(2));
	ck_assert_uint_eq(AP_EL1_SHAREABILITY_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq(AP_EL23_SHAREABILITY_MASK, BIT(9) | BIT(8));
	ck_assert_uint_eq((AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB) &
				  ~AP_S2_MEMATTR_MASK, 0);
	ck_assert_uint_eq(AP_S2_S2AP_ACCESS_RW & ~AP_S2_S2AP_MASK, 0);
	ck_assert_uint_eq(AP_S2_SH_INNER & ~AP_S2_SH_MASK, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* What a map accepts, per regime: every named bit of the format, and no
 * bit without a meaning in a block or page of it. */

struct map_format {
	ap_regime_kind_t kind;
	uint16_t asid;
	ap_attrs_t named; /* the union of the format's names for leaf bits */
};

#define EL1_NAMED                                                                               \
	(AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_MASK | AP_EL1_NS | AP_EL1_AP_MASK |              \
	 AP_EL1_SHAREABILITY_MASK | AP_EL1_ACCESSED | AP_EL1_NON_GLOBAL | AP_EL1_NT | AP_EL1_GP | \
	 AP_EL1_DBM | AP_EL1_CONTIGUOUS_OR_PROTECTED | AP_EL1_PXN | AP_EL1_UXN |                 \
	 AP_EL1_SWFLAG_0 | AP_EL1_SWFLAG_1 | AP_EL1_SWFLAG_2 | AP_EL1_SWFLAG_3 | AP_EL1_PBHA_MASK)
#define EL23_COMMON_NAMED                                                                       \
	(AP_EL23_VALID | AP_EL23_ATTRIBUTE_INDEX_MASK | AP_EL23_NS | AP_EL23_AP_MASK |          \
	 AP_EL23_SHAREABILITY_MASK | AP_EL23_ACCESSED | AP_EL23_NT | AP_EL23_GP | AP_EL23_DBM |  \
	 AP_EL23_CONTIGUOUS_OR_PROTECTED | AP_EL23_XN | AP_EL23_SWFLAG_0 | AP_EL23_SWFLAG_1 |    \
	 AP_EL23_SWFLAG_2 | AP_EL23_SWFLAG_3 | AP_EL23_PBHA_MASK)
#define S2_NAMED                                                                                \
	(AP_S2_VALID | AP_S2_MEMATTR_MASK | AP_S2_S2AP_MASK | AP_S2_SH_MASK | AP_S2_ACCESS_FLAG | \
	 AP_S2_FNXS | AP_S2_DBM | AP_S2_CONTIGUOUS | AP_S2_XN_MASK | AP_S2_SWFLAG_0 |             \
	 AP_S2_SWFLAG_1 | AP_S2_SWFLAG_2 | AP_S2_SWFLAG_3 | AP_S2_PBHA_MASK)

static const struct map_format map_formats[] = {
	{AP_REGIME_EL1AND0, 1, EL1_NAMED},
	{AP_REGIME_EL2AND0, 1, EL1_NAMED},
	/* EL2 has no nG; EL3 calls bit 11 NSE (FEAT_RME). */
	{AP_REGIME_EL2, 0, EL23_COMMON_NAMED},
	{AP_REGIME_EL3, 0, EL23_COMMON_NAMED | AP_EL23_NSE},
	{AP_REGIME_STAGE2, 0, S2_NAMED},
};

static ap_status_t map_one_page(const struct map_format *f, ap_attrs_t flags, ap_error_t *err,
				uint64_t *tables)
{
	ap_mapping_options_t o = opts(regime_of(f->kind), 1, f->asid, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_identity(&o, &m), AP_OK);
	ap_region_t r = RS(0x40000000, PAGE);
	ap_status_t st = ap_mapping_map(m, &r, 0x40000000, flags, AP_CONSTRAINT_NONE, err);
	*tables = 0;
	ck_assert_int_eq(ap_mapping_size(m, tables), AP_OK);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
	return st;
}

/* Loop test over map_formats: each of the 64 bits alone (with VALID), and
 * all named bits at once. */
START_TEST(map_bits_per_format)
{
	const struct map_format *f = &map_formats[_i];
	uint64_t root_only = 0;
	ap_error_t err = new_error();
	ck_assert_int_eq(map_one_page(f, 0, &err, &root_only), AP_OK);
	for (unsigned n = 1; n < 64; n++) {
		ap_attrs_t flags = AP_ATTR_VALID | BIT(n);
		bool named = (f->named & BIT(n)) != 0;
		uint64_t tables = 0;
		err = new_error();
		ap_status_t st = map_one_page(f, flags, &err, &tables);
		if (named) {
			ck_assert_msg(st == AP_OK, "regime %d: named bit %u refused: %s", (int)f->kind,
				      n, ap_strerror(st));
		} else {
			ck_assert_msg(st == AP_ERR_INVALID_FLAGS, "regime %d: bit %u accepted (%s)",
				      (int)f->kind, n, ap_strerror(st));
			ck_assert_int_eq(err.status, AP_ERR_INVALID_FLAGS);
			ck_assert_uint_eq(err.flags, flags);
			/* Refused before anything was allocated. */
			ck_assert_uint_eq(tables, root_only);
		}
	}
	uint64_t tables = 0;
	ck_assert_int_eq(map_one_page(f, f->named, NULL, &tables), AP_OK);
}
END_TEST

/* The bits each format refuses, spelled out (the loop above derives them
 * from the names; this says what the header promises). */
START_TEST(map_refused_bits_named)
{
	static const struct {
		ap_regime_kind_t kind;
		uint16_t asid;
		ap_attrs_t bit;
	} refused[] = {
		{AP_REGIME_EL2, 0, AP_EL23_NON_GLOBAL}, {AP_REGIME_EL2, 0, AP_EL1_PXN},
		{AP_REGIME_EL3, 0, AP_EL1_PXN},         {AP_REGIME_STAGE2, 0, AP_EL1_GP},
		{AP_REGIME_EL1AND0, 1, BIT(48)},        {AP_REGIME_EL1AND0, 1, BIT(49)},
		{AP_REGIME_EL1AND0, 1, AP_EL1_NS_TABLE}, {AP_REGIME_STAGE2, 0, BIT(63)},
		{AP_REGIME_STAGE2, 0, BIT(16)},         {AP_REGIME_EL3, 0, AP_ATTR_TABLE_OR_PAGE},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct map_format f = {refused[i].kind, refused[i].asid, 0};
		ap_error_t err = new_error();
		uint64_t tables;
		ck_assert_int_eq(map_one_page(&f, AP_ATTR_VALID | refused[i].bit, &err, &tables),
				 AP_ERR_INVALID_FLAGS);
		ck_assert_uint_eq(err.flags, AP_ATTR_VALID | refused[i].bit);
	}
}
END_TEST

/* The new stage 2 names sit where the Arm ARM puts them. */
START_TEST(stage2_names_positions)
{
	ck_assert_uint_eq(AP_S2_FNXS, BIT(11));
	ck_assert_uint_eq(AP_S2_DBM, BIT(51));
	ck_assert_uint_eq(AP_S2_CONTIGUOUS, BIT(52));
	ck_assert_uint_eq(AP_S2_XN0, BIT(53));
	ck_assert_uint_eq(AP_S2_XN_MASK, BIT(54) | BIT(53));
	ck_assert_uint_eq(AP_S2_PBHA_MASK, BIT(62) | BIT(61) | BIT(60) | BIT(59));
	ck_assert_uint_eq(AP_EL1_PBHA_MASK, AP_S2_PBHA_MASK);
	ck_assert_uint_eq(AP_EL23_PBHA_MASK, AP_S2_PBHA_MASK);
	ck_assert_uint_eq(AP_EL23_NSE, BIT(11));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Describing attributes field by field. */

static void expect_text(ap_regime_kind_t kind, ap_attrs_t flags, const char *expected)
{
	char buf[512];
	size_t needed = 0;
	ck_assert_int_eq(ap_attrs_describe(kind, flags, buf, sizeof(buf), &needed), AP_OK);
	ck_assert_msg(strcmp(buf, expected) == 0, "regime %d, flags 0x%llx: \"%s\", expected \"%s\"",
		      (int)kind, (unsigned long long)flags, buf, expected);
	ck_assert_uint_eq(needed, strlen(expected));
}

static const ap_regime_kind_t stage1_kinds[] = {AP_REGIME_EL1AND0, AP_REGIME_EL2AND0,
						AP_REGIME_EL2, AP_REGIME_EL3};

/* Loop test over stage1_kinds: every value of AttrIndx and SH, and the AP
 * bits, each alone; then fields together. */
START_TEST(stage1_fields_decode)
{
	ap_regime_kind_t kind = stage1_kinds[_i];
	bool el23 = kind == AP_REGIME_EL2 || kind == AP_REGIME_EL3;
	char expected[64];
	for (unsigned index = 0; index < 8; index++) {
		if (index)
			snprintf(expected, sizeof(expected), "VALID | ATTRIBUTE_INDEX_%u", index);
		else
			snprintf(expected, sizeof(expected), "VALID");
		expect_text(kind, AP_ATTR_VALID | ((ap_attrs_t)index << 2), expected);
	}
	static const char *const sh[4] = {"VALID", "VALID | 0x100", "VALID | OUTER_SHAREABLE",
					  "VALID | INNER_SHAREABLE"};
	for (unsigned v = 0; v < 4; v++)
		expect_text(kind, AP_ATTR_VALID | ((ap_attrs_t)v << 8), sh[v]);
	expect_text(kind, AP_ATTR_VALID | AP_EL1_READ_ONLY, "VALID | READ_ONLY");
	expect_text(kind, AP_ATTR_VALID | AP_EL1_USER, el23 ? "VALID | USER_RES1" : "VALID | USER");
	expect_text(kind,
		    AP_ATTR_VALID | AP_ATTR_TABLE_OR_PAGE | AP_EL1_ATTRIBUTE_INDEX_7 |
			    AP_EL1_INNER_SHAREABLE | AP_EL1_READ_ONLY | AP_EL1_ACCESSED,
		    "VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_7 | INNER_SHAREABLE | READ_ONLY | "
		    "ACCESSED");
	expect_text(kind, 0, "0x0");
}
END_TEST

/* Every MemAttr, S2AP and SH value, and every named single bit. */
START_TEST(stage2_fields_decode)
{
	static const char *const memattr[16] = {
		"device-ngnrne", "device-ngnre", "device-ngre", "device-gre",
		NULL, "normal-nc", "normal-outer-nc-inner-wt", "normal-outer-nc-inner-wb",
		NULL, "normal-outer-wt-inner-nc", "normal-wt", "normal-outer-wt-inner-wb",
		NULL, "normal-outer-wb-inner-nc", "normal-outer-wb-inner-wt", "normal-wb",
	};
	char expected[96];
	for (unsigned v = 0; v < 16; v++) {
		ap_attrs_t flags = AP_S2_VALID | ((ap_attrs_t)v << 2) | AP_S2_S2AP_ACCESS_RW |
				   AP_S2_SH_INNER;
		if (memattr[v])
			snprintf(expected, sizeof(expected), "VALID | %s | rw | inner", memattr[v]);
		else /* outer cacheability with inner 0b00: reserved, shown as bits */
			snprintf(expected, sizeof(expected), "VALID | rw | inner | 0x%x", v << 2);
		expect_text(AP_REGIME_STAGE2, flags, expected);
	}
	static const char *const s2ap[4] = {"none", "ro", "wo", "rw"};
	for (unsigned v = 0; v < 4; v++) {
		snprintf(expected, sizeof(expected), "VALID | normal-wb | %s | non-shareable", s2ap[v]);
		expect_text(AP_REGIME_STAGE2,
			    AP_S2_VALID | AP_S2_MEMATTR_NORMAL_INNER_WB |
				    AP_S2_MEMATTR_NORMAL_OUTER_WB | ((ap_attrs_t)v << 6),
			    expected);
	}
	static const char *const sh[4] = {"normal-wb | rw | non-shareable",
					  "normal-wb | rw | 0x100", "normal-wb | rw | outer",
					  "normal-wb | rw | inner"};
	for (unsigned v = 0; v < 4; v++) {
		snprintf(expected, sizeof(expected), "VALID | %s", sh[v]);
		expect_text(AP_REGIME_STAGE2,
			    AP_S2_VALID | AP_S2_MEMATTR_NORMAL_INNER_WB |
				    AP_S2_MEMATTR_NORMAL_OUTER_WB | AP_S2_S2AP_ACCESS_RW |
				    ((ap_attrs_t)v << 8),
			    expected);
	}
	static const struct {
		ap_attrs_t bit;
		const char *name;
	} bits[] = {
		{AP_S2_ACCESS_FLAG, "ACCESS_FLAG"}, {AP_S2_FNXS, "FNXS"},
		{AP_S2_DBM, "DBM"},                 {AP_S2_CONTIGUOUS, "CONTIGUOUS"},
		{AP_S2_XN0, "XN0"},                 {AP_S2_XN, "XN"},
		{AP_S2_SWFLAG_0, "SWFLAG_0"},       {AP_S2_SWFLAG_3, "SWFLAG_3"},
	};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		snprintf(expected, sizeof(expected), "device-ngnrne | none | non-shareable | %s",
			 bits[i].name);
		expect_text(AP_REGIME_STAGE2, bits[i].bit, expected);
	}
	/* The case: normal write-back, read-write, inner shareable RAM
	 * is one memory type, one access, one shareability. */
	expect_text(AP_REGIME_STAGE2,
		    AP_S2_VALID | AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB |
			    AP_S2_S2AP_ACCESS_RW | AP_S2_SH_INNER | AP_S2_ACCESS_FLAG,
		    "VALID | normal-wb | rw | inner | ACCESS_FLAG");
}
END_TEST

/* The region lines of examples/stage2-guest.map, by their attribute words. */
static const char *const stage2_example_words[] = {
	"device-ngnre rw xn",
	"normal-wb rw inner",
	"normal-wb ro inner xn",
};

/* Applies the space- or " | "-separated @p words to the stage 2 defaults as
 * the map file does; a word the parser does not know fails the test unless
 * it is one of @p skip (text for bits every region has). */
static ap_attrs_t apply_words(const char *words, bool lower, const char *const *skip)
{
	map_file_t *map = calloc(1, sizeof(*map));
	ck_assert_ptr_nonnull(map);
	map->regime = AP_REGIME_STAGE2;
	ap_attrs_t flags = attribute_defaults(AP_REGIME_STAGE2);
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", words);
	for (char *w = strtok(copy, " |"); w; w = strtok(NULL, " |")) {
		bool skipped = false;
		for (const char *const *k = skip; k && *k; k++)
			skipped |= strcmp(w, *k) == 0;
		if (skipped)
			continue;
		if (lower)
			for (char *c = w; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		ck_assert_msg(attribute_apply(map, w, &flags), "'%s' of \"%s\" does not parse", w,
			      words);
	}
	free(map);
	return flags;
}

/* Each line of the stage 2 example, built as aptables builds it, described
 * from its descriptor, gives its own words back, and the text parses back
 * to the same bits. */
START_TEST(stage2_example_round_trip)
{
	const char *srcdir = getenv("abs_top_srcdir");
	if (srcdir) {
		/* The example still holds the lines this test is about. */
		char path[1024];
		snprintf(path, sizeof(path), "%s/examples/stage2-guest.map", srcdir);
		FILE *f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		char text[4096];
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		text[n] = '\0';
		fclose(f);
		for (size_t i = 0; i < 3; i++)
			ck_assert_msg(strstr(text, stage2_example_words[i]) != NULL,
				      "example lacks \"%s\"", stage2_example_words[i]);
	}
	static const char *const structural[] = {"VALID", "TABLE_OR_PAGE", "ACCESS_FLAG", NULL};
	for (size_t i = 0; i < 3; i++) {
		ap_attrs_t flags = apply_words(stage2_example_words[i], false, NULL);
		ap_mapping_t *m = stage2_page(flags);
		uint64_t bits = page_bits(m, 0x40000000);
		ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
		char text[256];
		ck_assert_int_eq(ap_attrs_describe(AP_REGIME_STAGE2, ap_pte_flags(bits, 3), text,
						   sizeof(text), NULL),
				 AP_OK);
		/* Every word of the line is in the text, in the line's order
		 * of fields (memory type, access, then the rest). */
		char words[64];
		snprintf(words, sizeof(words), "%s", stage2_example_words[i]);
		for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) {
			char lower_text[256];
			snprintf(lower_text, sizeof(lower_text), "%s", text);
			for (char *c = lower_text; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			char needle[40];
			snprintf(needle, sizeof(needle), "| %s", w);
			ck_assert_msg(strstr(lower_text, needle) != NULL, "\"%s\" lacks '%s'", text, w);
		}
		ck_assert_msg(strstr(text, "device") == NULL || strstr(words, "device") != NULL,
			      "\"%s\" calls RAM device memory", text);
		ap_attrs_t back = apply_words(text, true, structural);
		ck_assert_uint_eq(back, flags);
	}
}
END_TEST

static Suite *attr_fields_suite(void)
{
	Suite *s = suite_create("attr_fields");
	TCase *modify = tcase_create("modify");
	tcase_add_test(modify, modify_overlap_refused);
	tcase_add_test(modify, modify_masked_field);
	tcase_add_test(modify, field_masks);
	suite_add_tcase(s, modify);

	TCase *map = tcase_create("map");
	tcase_set_timeout(map, 30);
	tcase_add_loop_test(map, map_bits_per_format, 0,
			    (int)(sizeof(map_formats) / sizeof(map_formats[0])));
	tcase_add_test(map, map_refused_bits_named);
	tcase_add_test(map, stage2_names_positions);
	suite_add_tcase(s, map);

	TCase *text = tcase_create("describe");
	tcase_add_loop_test(text, stage1_fields_decode, 0,
			    (int)(sizeof(stage1_kinds) / sizeof(stage1_kinds[0])));
	tcase_add_test(text, stage2_fields_decode);
	tcase_add_test(text, stage2_example_round_trip);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	return run_suite(attr_fields_suite());
}
