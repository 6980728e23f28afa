/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The demonstration: builds the EL1&0 identity map a small firmware on
 * QEMU's virt board would use, as a table image that the firmware loads at
 * TABLE_BASE; prints the tables, walks a few addresses as the MMU would, and
 * describes the MAIR value that goes with the map.
 */
#include <aarch64_paging.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Where the firmware keeps its tables: inside its data region. */
#define TABLE_BASE UINT64_C(0x401c0000)

#define MAIR_DEVICE AP_EL1_ATTRIBUTE_INDEX_0
#define MAIR_NORMAL AP_EL1_ATTRIBUTE_INDEX_1

static void check(ap_status_t status, const char *what)
{
	if (status != AP_OK) {
		fprintf(stderr, "demo: %s: %s\n", what, ap_strerror(status));
		exit(EXIT_FAILURE);
	}
}

struct region_spec {
	const char *name;
	uint64_t start;
	uint64_t size;
	ap_attrs_t flags;
};

static const struct region_spec firmware_map[] = {
	{"UART (PL011)", 0x09000000, 0x1000,
	 MAIR_DEVICE | AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_PXN | AP_EL1_UXN},
	{"code", 0x40000000, 0x80000,
	 MAIR_NORMAL | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_READ_ONLY |
		 AP_EL1_UXN},
	{"data and stack", 0x40080000, 0x180000,
	 MAIR_NORMAL | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_PXN |
		 AP_EL1_UXN},
	{"heap (2 MiB blocks)", 0x40200000, 0x3fe00000,
	 MAIR_NORMAL | AP_EL1_INNER_SHAREABLE | AP_EL1_VALID | AP_EL1_ACCESSED | AP_EL1_PXN |
		 AP_EL1_UXN},
};

static void translate_and_print(const ap_mapping_t *m, uint64_t va)
{
	ap_translate_result_t r = AP_TRANSLATE_RESULT_INIT;
	ap_status_t status = ap_mapping_translate(m, va, &r);
	if (status == AP_ERR_NOT_MAPPED) {
		printf("  0x%016" PRIx64 " -> translation fault at level %u\n", va, r.level);
		return;
	}
	check(status, "translate");
	char names[256];
	check(ap_attrs_describe(AP_REGIME_EL1AND0, r.attributes, names, sizeof(names), NULL),
	      "describe attributes");
	printf("  0x%016" PRIx64 " -> 0x%016" PRIx64 " level %u (%" PRIu64 " KiB) %s\n", va,
	       r.output_address, r.level, r.block_size / 1024, names);
}

int main(void)
{
	printf("libaarch64paging %s\n\n", ap_version_string());

	ap_mapping_options_t options = AP_MAPPING_OPTIONS_INIT;
	options.root_level = 1; /* 39-bit VA */
	ap_mapping_t *map;
	check(ap_mapping_create_target(&options, TABLE_BASE, &map), "create mapping");

	for (size_t i = 0; i < sizeof(firmware_map) / sizeof(firmware_map[0]); i++) {
		const struct region_spec *spec = &firmware_map[i];
		ap_region_t region;
		ap_error_t err = AP_ERROR_INIT;
		check(ap_region_from_size(spec->start, spec->size, &region), spec->name);
		/* Identity: each region's output address is its input address. */
		check(ap_mapping_map(map, &region, spec->start, spec->flags, AP_CONSTRAINT_NONE,
				     &err),
		      spec->name);
		printf("mapped %-20s 0x%09" PRIx64 " + 0x%" PRIx64 "\n", spec->name, spec->start,
		       spec->size);
	}

	size_t tables, image_bytes;
	uint64_t ttbr;
	check(ap_mapping_table_count(map, &tables), "table count");
	check(ap_target_image_size(map, &image_bytes), "image size");
	check(ap_mapping_ttbr(map, &ttbr), "ttbr");
	printf("\n%zu tables, a %zu-byte image at 0x%" PRIx64 ", TTBR0_EL1 = 0x%016" PRIx64 "\n\n",
	       tables, image_bytes, TABLE_BASE, ttbr);
	check(ap_mapping_dump_file(map, stdout), "dump");

	printf("\nWalking addresses as the MMU would:\n");
	const uint64_t probes[] = {0x09000010, 0x40001234, 0x40100000, 0x7fffffff, 0x80000000};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		translate_and_print(map, probes[i]);

	ap_mair_attr_t normal;
	ap_mair_t mair;
	char text[512];
	check(ap_mair_normal(AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE,
			     AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE, &normal),
	      "normal memory attribute");
	check(ap_mair_with_attribute(0, 0, AP_MAIR_DEVICE_NGNRE, &mair), "MAIR index 0");
	check(ap_mair_with_attribute(mair, 1, normal, &mair), "MAIR index 1");
	check(ap_mair_describe(mair, text, sizeof(text), NULL), "describe MAIR");
	printf("\nMAIR_EL1 = 0x%016" PRIx64 "\n  %s\n", mair, text);

	check(ap_mapping_destroy(map), "destroy mapping");
	return EXIT_SUCCESS;
}
