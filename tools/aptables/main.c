/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* aptables: the command line. */
#include <string.h>

#include "aptables.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: aptables COMMAND ...\n"
		"\n"
		"  build MAPFILE -o OUTPUT [-f bin|c|asm]\n"
		"        translation tables for a memory map, as an image for the target\n"
		"  dump IMAGE --base ADDR [image options] [--json | --svg [--mair VALUE]]\n"
		"        the hierarchy of an image, runs of entries grouped; --svg draws it,\n"
		"        with memory types from --mair (the MAIR_ELx value build printed)\n"
		"  translate IMAGE --base ADDR [image options] VA...\n"
		"        walk addresses as the MMU would\n"
		"  check IMAGE --base ADDR [image options]\n"
		"        find what the MMU would reject; exit status 1 on findings\n"
		"  --help, --version\n"
		"\n"
		"Image options: --root ADDR (default: the base), --root-level N (0-3, default 1)\n"
		"or --input-bits N (25-48), --granule 4k|16k|64k (default 4k), --root-tables N\n"
		"(stage 2 with --input-bits: at most N concatenated root tables), --regime R\n"
		"(el1, the default, el2and0, el2, el3, stage2), --va-range lower|upper. The\n"
		"image does not record them.\n"
		"The map file format: man aptables, or docs/map-format.md.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		help(stderr);
		return 2;
	}
	const char *command = argv[1];
	if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(command, "--version") == 0) {
		printf("aptables (libaarch64paging) %s\n", ap_version_string());
		return 0;
	}
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} commands[] = {{"build", command_build}, {"dump", command_dump},
			{"translate", command_translate}, {"check", command_check}};
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(command, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "aptables: unknown command '%s'\n", command);
	help(stderr);
	return 2;
}
