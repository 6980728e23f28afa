/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * aptables dump: the library's range dump of an image (tables, runs with
 * their input ranges and attributes; a shared table once), as text or as
 * JSON under a header naming the image, or as an SVG picture (--svg).
 */
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

static int to_stdout(void *ctx, const char *text, size_t length)
{
	(void)ctx;
	return fwrite(text, 1, length, stdout) == length ? 0 : 1;
}

/* @p text as a JSON string: quotes, backslashes and control characters escaped. */
static void json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

int command_dump(int argc, char **argv)
{
	image_t img;
	bool json = false, svg = false;
	ap_mair_t mair = 0;
	int first;
	/* --svg and --mair are dump's own: taken out before the shared options are read */
	char **args = malloc(sizeof(*args) * (size_t)(argc + 1));
	if (!args) {
		fprintf(stderr, "aptables: out of memory\n");
		return 1;
	}
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && strcmp(argv[i], "--svg") == 0) {
			svg = true;
		} else if (i > 0 && strcmp(argv[i], "--mair") == 0) {
			if (i + 1 == argc || !parse_u64(argv[i + 1], &mair)) {
				fprintf(stderr, "aptables dump: --mair needs a MAIR_ELx value\n");
				free(args);
				return 2;
			}
			i++;
		} else {
			args[n++] = argv[i];
		}
	}
	args[n] = NULL;
	int status = image_options(n, args, &img, &json, &first);
	free(args);
	if (status)
		return status;
	if (json && svg) {
		fprintf(stderr, "aptables dump: --json and --svg exclude each other\n");
		return 2;
	}
	if (mair && (!svg || img.regime == AP_REGIME_STAGE2)) {
		fprintf(stderr, "aptables dump: --mair names stage 1 memory types in --svg pictures\n");
		return 2;
	}
	img.mair = mair;
	ap_mapping_t *m;
	if (!image_load(&img))
		return 1;
	if (!image_open(&img, &m)) {
		image_free(&img);
		return 1;
	}
	if (svg) {
		/* the picture alone, so that it can be written to a file */
	} else if (json) {
		printf("{\"image\": ");
		json_string(img.path);
		printf(", \"base\": \"0x%llx\", \"dump\": ", (unsigned long long)img.base);
	} else {
		ap_translation_control_t control = AP_TRANSLATION_CONTROL_INIT;
		unsigned root_level = img.root_level;
		/* With --input-bits the library says where the walk starts. */
		if (img.input_bits && ap_mapping_translation_control(m, &control) == AP_OK)
			root_level = control.root_level;
		printf("%s: regime %s, root level %u, %zu tables at 0x%llx", img.path,
		       regime_name(img.regime), root_level,
		       img.size / (size_t)granule_bytes(img.granule), (unsigned long long)img.base);
		if (img.granule != AP_GRANULE_4K)
			printf(", granule %s", granule_name(img.granule));
		printf("\n");
	}
	ap_status_t dumped = ap_mapping_dump_as(m, svg ? AP_DUMP_SVG : json ? AP_DUMP_JSON : AP_DUMP_RANGES,
						to_stdout, NULL);
	if (json)
		printf("}\n");
	if (dumped != AP_OK)
		fprintf(stderr, "%s: %s\n", img.path, ap_strerror(dumped));
	ap_mapping_destroy(m);
	image_free(&img);
	return dumped == AP_OK ? 0 : 1;
}
