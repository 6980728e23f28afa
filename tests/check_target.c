/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Port of the reference's target.rs test (building a table image for a
 * target that loads it at a base address), plus checks that the slots of
 * freed tables are handed out again and read as zero while free.
 */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#define SLOT ((size_t)AP_PAGE_SIZE)

static ap_mapping_t *new_target(ap_pa_t base)
{
	ap_mapping_options_t o = opts(NULL, 1, 0, AP_VA_RANGE_LOWER);
	ap_mapping_t *m = NULL;
	ck_assert_int_eq(ap_mapping_create_target(&o, base, &m), AP_OK);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* The whole image in a malloc'ed buffer; its size goes to *bytes. */
static uint8_t *image_of(const ap_mapping_t *m, size_t *bytes)
{
	ck_assert_int_eq(ap_target_image_size(m, bytes), AP_OK);
	uint8_t *buf = malloc(*bytes ? *bytes : 1);
	ck_assert_ptr_nonnull(buf);
	memset(buf, 0xa5, *bytes);
	ck_assert_int_eq(ap_target_image_write(m, buf, *bytes), AP_OK);
	return buf;
}

/* Descriptor @index of slot @slot, read back as little-endian bytes. */
static uint64_t image_entry(const uint8_t *image, size_t slot, unsigned index)
{
	const uint8_t *p = image + slot * SLOT + (size_t)index * 8;
	uint64_t v = 0;
	for (unsigned b = 0; b < 8; b++)
		v |= (uint64_t)p[b] << (8 * b);
	return v;
}

static void expect_zero(const uint8_t *from, size_t length)
{
	for (size_t i = 0; i < length; i++)
		ck_assert_msg(from[i] == 0, "byte %zu is 0x%02x, expected 0", i, from[i]);
}

/* target::tests::map_one_page */
START_TEST(map_one_page)
{
	ap_mapping_t *m = new_target(0x10000);
	ap_region_t r = R(0x0, 0x1000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x42000,
					AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_0 |
						AP_EL1_INNER_SHAREABLE | AP_EL1_UXN,
					AP_CONSTRAINT_NONE, NULL),
			 AP_OK);

	size_t bytes = 0;
	uint8_t *image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 3 * SLOT);

	/* Slot 0, the root: a table descriptor for the table at 0x1_1000. */
	static const uint8_t root_entry[8] = {0x03, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
	ck_assert_mem_eq(image, root_entry, 8);
	expect_zero(image + 8, SLOT - 8);

	/* Slot 1, level 2: a table descriptor for the table at 0x1_2000. */
	static const uint8_t l2_entry[8] = {0x03, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
	ck_assert_mem_eq(image + SLOT, l2_entry, 8);
	expect_zero(image + SLOT + 8, SLOT - 8);

	/* Slot 2, level 3: the page at 0x4_2000 with the attributes above. */
	static const uint8_t page_entry[8] = {0x03, 0x23, 0x04, 0x00, 0x00, 0x00, 0x40, 0x00};
	ck_assert_mem_eq(image + 2 * SLOT, page_entry, 8);
	expect_zero(image + 2 * SLOT + 8, SLOT - 8);

	/* Too small a buffer is refused without writing. */
	memset(image, 0x77, bytes);
	ck_assert_int_eq(ap_target_image_write(m, image, bytes - 1), AP_ERR_BUFFER_TOO_SMALL);
	for (size_t i = 0; i < bytes; i++)
		ck_assert_uint_eq(image[i], 0x77);

	free(image);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* The slot addresses seen by the translation. */
START_TEST(slot_addresses)
{
	ap_mapping_t *m = new_target(0x10000);
	ap_pa_t root = 0;
	ck_assert_int_eq(ap_mapping_root_address(m, &root), AP_OK);
	ck_assert_uint_eq(root, 0x10000);
	ap_region_t r = R(0x0, 0x1000);
	ck_assert_int_eq(ap_mapping_map(m, &r, 0x42000, AP_EL1_VALID, AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	uint64_t va = 0;
	for (unsigned slot = 0; slot < 3; slot++) {
		va = 0;
		ck_assert_int_eq(ap_mapping_pa_to_table(m, 0x10000 + slot * SLOT, &va), AP_OK);
		ck_assert_uint_ne(va, 0);
	}
	/* Below the base, past the last slot and inside a slot: no table. */
	ck_assert_int_eq(ap_mapping_pa_to_table(m, 0xf000, &va), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_pa_to_table(m, 0x13000, &va), AP_ERR_BAD_TABLE_ADDRESS);
	ck_assert_int_eq(ap_mapping_pa_to_table(m, 0x10008, &va), AP_ERR_BAD_TABLE_ADDRESS);
	/* A target image has no virtual-to-physical translation of its own. */
	ap_pa_t pa;
	ck_assert_int_eq(ap_mapping_va_to_pa(m, 0, &pa), AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_mapping_map_auto(m, &r, AP_EL1_VALID, AP_CONSTRAINT_NONE, NULL),
			 AP_ERR_UNSUPPORTED);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* Freed tables leave zeroed slots in the image, and the lowest free slots
 * are used again by the next tables. */
START_TEST(freed_slots_are_reused)
{
	const uint64_t flags = AP_EL1_VALID | AP_EL1_ATTRIBUTE_INDEX_0 | AP_EL1_INNER_SHAREABLE;
	ap_mapping_t *m = new_target(0x10000);

	/* Slots 0 (root), 1 (level 2) and 2 (level 3) for the first GiB... */
	ap_region_t first = RS(0, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &first, 0x42000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	/* ...and slots 3 and 4 for a page in the second GiB. */
	ap_region_t second = RS(BLOCK_L1, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &second, 0x43000, flags, AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	size_t bytes = 0;
	uint8_t *image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 5 * SLOT);
	ck_assert_uint_eq(image_entry(image, 0, 0), 0x11003);
	ck_assert_uint_eq(image_entry(image, 0, 1), 0x13003);
	ck_assert_uint_eq(image_entry(image, 3, 0), 0x14003);
	ck_assert_uint_eq(image_entry(image, 4, 0), 0x43000 | flags | AP_EL1_TABLE_OR_PAGE);
	free(image);

	/* Unmapping the whole first GiB frees slots 1 and 2; the image keeps its
	 * length and the free slots read as zero. */
	ap_region_t whole = RS(0, BLOCK_L1);
	ck_assert_int_eq(ap_mapping_unmap(m, &whole, NULL), AP_OK);
	size_t tables = 0;
	ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
	ck_assert_uint_eq(tables, 3);
	image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 5 * SLOT);
	ck_assert_uint_eq(image_entry(image, 0, 0), 0);
	expect_zero(image + SLOT, 2 * SLOT);
	ck_assert_uint_eq(image_entry(image, 3, 0), 0x14003);
	free(image);

	/* A page in the third GiB takes the freed slots 1 and 2 again. */
	ap_region_t third = RS(2 * BLOCK_L1, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &third, 0x44000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 5 * SLOT);
	ck_assert_uint_eq(image_entry(image, 0, 2), 0x11003);
	ck_assert_uint_eq(image_entry(image, 1, 0), 0x12003);
	ck_assert_uint_eq(image_entry(image, 2, 0), 0x44000 | flags | AP_EL1_TABLE_OR_PAGE);
	free(image);

	/* One more table than there are free slots grows the image by one. */
	ap_region_t fourth = RS(3 * BLOCK_L1, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &fourth, 0x45000, flags, AP_CONSTRAINT_NONE, NULL),
			 AP_OK);
	image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 7 * SLOT);
	ck_assert_uint_eq(image_entry(image, 0, 3), 0x15003);
	ck_assert_uint_eq(image_entry(image, 5, 0), 0x16003);
	free(image);

	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

/* Slots freed by compaction are reused the same way. */
START_TEST(compacted_slots_are_reused)
{
	const uint64_t flags = AP_EL1_VALID | AP_EL1_ACCESSED;
	ap_mapping_t *m = new_target(0x80000);
	ap_region_t page = RS(0, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &page, 0x42000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_unmap(m, &page, NULL), AP_OK);
	ck_assert_int_eq(ap_mapping_compact(m), AP_OK);
	size_t tables = 0;
	ck_assert_int_eq(ap_mapping_table_count(m, &tables), AP_OK);
	ck_assert_uint_eq(tables, 1);

	ap_region_t other = RS(5 * BLOCK_L1 + 7 * BLOCK_L2, PAGE);
	ck_assert_int_eq(ap_mapping_map(m, &other, 0x99000, flags, AP_CONSTRAINT_NONE, NULL), AP_OK);
	size_t bytes = 0;
	uint8_t *image = image_of(m, &bytes);
	ck_assert_uint_eq(bytes, 3 * SLOT);
	ck_assert_uint_eq(image_entry(image, 0, 0), 0);
	ck_assert_uint_eq(image_entry(image, 0, 5), 0x81003);
	ck_assert_uint_eq(image_entry(image, 1, 7), 0x82003);
	ck_assert_uint_eq(image_entry(image, 2, 0), 0x99000 | flags | AP_EL1_TABLE_OR_PAGE);
	free(image);
	ck_assert_int_eq(ap_mapping_destroy(m), AP_OK);
}
END_TEST

static Suite *target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("reference");
	tcase_add_test(tc, map_one_page);
	suite_add_tcase(s, tc);
	TCase *slots = tcase_create("slots");
	tcase_add_test(slots, slot_addresses);
	tcase_add_test(slots, freed_slots_are_reused);
	tcase_add_test(slots, compacted_slots_are_reused);
	suite_add_tcase(s, slots);
	return s;
}

int main(void)
{
	return run_suite(target_suite());
}
