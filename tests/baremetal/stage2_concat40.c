/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Stage 2 with a 40-bit IPA space on 4 KiB pages (-cpu max): with
 * max_root_tables 0 the library starts the walk at level 1 with a root of
 * two concatenated tables (1024 entries, 8 KiB, aligned to 8 KiB), and
 * VTCR_EL2's T0SZ, SL0 and TG0 come from ap_mapping_translation_control().
 * The whole of stage2.c runs on it with its IPAs moved up by 512 GiB, into
 * the second of the two tables (the image and the UART stay in the first):
 * AT S12E1R/W against the walker with the guest's stage 1 off and on, and
 * the guest running on the table, whose live write to a page EL2 makes
 * read-only must trap with the IPA above 2^39 in HPFAR_EL2. A CPU without
 * the 4 KiB stage 2 granule or a 40-bit physical address space fails.
 */
#include <aarch64_paging.h>

#define S2_INPUT_BITS 40
#define S2_MAX_ROOT_TABLES 0
#define S2_IPA_BASE 0x8000000000ull /* the second concatenated table */

static void s2_check_setup(const ap_mapping_t *map);

#include "stage2.c"

static void s2_check_setup(const ap_mapping_t *map)
{
	CHECK(mmu_granule_supported(AP_GRANULE_4K, true));
	uint64_t mmfr0;
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	CHECK((mmfr0 & 0xf) >= 2); /* PARange: at least 40 bits */
	ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
	CHECK_EQ(ap_mapping_translation_control(map, &control), AP_OK);
	CHECK_EQ(control.granule, AP_GRANULE_4K);
	CHECK_EQ(control.input_bits, 40);
	CHECK_EQ(control.tsz, 24);
	CHECK_EQ(control.root_level, 1);
	CHECK_EQ(control.root_tables, 2);
	CHECK_EQ(control.root_entries, 1024);
	unsigned level;
	CHECK_EQ(ap_mapping_root_level(map, &level), AP_OK);
	CHECK_EQ(level, 1);
	uint64_t size;
	CHECK_EQ(ap_mapping_size(map, &size), AP_OK);
	CHECK_EQ(size, 1ull << 40);
	ap_pa_t root;
	CHECK_EQ(ap_mapping_root_address(map, &root), AP_OK);
	CHECK_EQ(root & 0x1fff, 0); /* aligned to both tables */
	CHECK_EQ(control.ttbr & 0xffffffffffffull, root);
	rt_print("stage 2 root at level 1, concatenated tables: ", control.root_tables);
	rt_print("root table address: ", root);
}
