/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* aptables translate: input addresses through an image, as the MMU would. */
#include <string.h>

#include "aptables.h"

/* One address through the library's translate, as the MMU would walk it. */
static void show(const image_t *img, const ap_mapping_t *m, uint64_t va)
{
	ap_translate_result_t r = AP_TRANSLATE_RESULT_INIT;
	ap_status_t status = ap_mapping_translate(m, va, &r);
	if (status == AP_ERR_ADDRESS_RANGE) {
		printf("0x%016llx: outside the table's input range\n", (unsigned long long)va);
		return;
	}
	if (status == AP_ERR_BAD_TABLE_ADDRESS) {
		printf("0x%016llx: table outside the image\n", (unsigned long long)va);
		return;
	}
	if (status != AP_OK) {
		bool reserved = ap_pte_is_valid(r.descriptor);
		printf("0x%016llx: translation fault%s at level %u\n", (unsigned long long)va,
		       reserved ? " (reserved encoding)" : "", r.level);
		return;
	}
	char names[512];
	size_t needed;
	if (ap_attrs_describe(img->regime, r.attributes, names, sizeof(names), &needed) != AP_OK)
		names[0] = '\0';
	printf("0x%016llx -> 0x%016llx level %u %s (%llu KiB) %s\n", (unsigned long long)va,
	       (unsigned long long)r.output_address, r.level, r.level == 3 ? "page" : "block",
	       (unsigned long long)(r.block_size >> 10), names);
}

static bool takes_value(const char *option)
{
	return strcmp(option, "--base") == 0 || strcmp(option, "--root") == 0 ||
	       strcmp(option, "--root-level") == 0 ||
	       strcmp(option, "--regime") == 0 || strcmp(option, "--va-range") == 0 ||
	       strcmp(option, "--granule") == 0 || strcmp(option, "--input-bits") == 0 ||
	       strcmp(option, "--root-tables") == 0;
}

int command_translate(int argc, char **argv)
{
	image_t img;
	int first;
	int status = image_options(argc, argv, &img, NULL, &first);
	if (status)
		return status;
	/* The addresses: every operand after the image. */
	uint64_t vas[256];
	int count = 0;
	bool seen_image = false;
	for (int i = 1; i < argc; i++) {
		if (takes_value(argv[i])) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] == '-')
			continue;
		if (!seen_image) {
			seen_image = true;
			continue;
		}
		if (count == 256 || !parse_u64(argv[i], &vas[count])) {
			fprintf(stderr, "aptables: '%s' is not an address (or too many)\n", argv[i]);
			return 2;
		}
		count++;
	}
	if (count == 0) {
		fprintf(stderr, "usage: aptables translate IMAGE --base ADDR [options] VA...\n");
		return 2;
	}
	ap_mapping_t *m;
	if (!image_load(&img))
		return 1;
	if (!image_open(&img, &m)) {
		image_free(&img);
		return 1;
	}
	for (int i = 0; i < count; i++)
		show(&img, m, vas[i]);
	ap_mapping_destroy(m);
	image_free(&img);
	return 0;
}
