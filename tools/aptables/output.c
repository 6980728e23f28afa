/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The three output formats. Each is written to a temporary file next to
 * the destination and renamed over it only when complete, so an error
 * leaves nothing behind (and an old file untouched).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aptables.h"

static uint64_t word_at(const unsigned char *bytes, size_t i)
{
	uint64_t w = 0;
	for (unsigned b = 0; b < 8; b++)
		w |= (uint64_t)bytes[i * 8 + b] << (8 * b);
	return w;
}

/*
 * Writes @p text inside a block comment, which C and the assembler (through
 * the C preprocessor) both end at the first star-slash: a slash after a
 * star is written as \/, a backslash as \\, and control characters as
 * \xHH, so the comment holds the whole text on one line.
 */
static void write_comment_text(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '/' && p > text && p[-1] == '*')
			fputs("\\/", f);
		else if (ch == '\\')
			fputs("\\\\", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
}

/* Where the tables came from and how the target uses them. */
static void write_header(FILE *f, const map_file_t *map, uint64_t ttbr)
{
	fputs("/* Translation tables made by aptables from ", f);
	write_comment_text(f, map->path);
	fputs(".\n", f);
	fprintf(f, " * Load at 0x%llx; TTBR value 0x%llx. */\n", (unsigned long long)map->base,
		(unsigned long long)ttbr);
}

static void write_c(FILE *f, const unsigned char *bytes, size_t size, const map_file_t *map,
		    uint64_t ttbr, uint64_t align)
{
	write_header(f, map, ttbr);
	fprintf(f, "#include <stdint.h>\n\n");
	fprintf(f, "const uint64_t aptables_image[%zu] __attribute__((aligned(%llu))) = {\n", size / 8,
		(unsigned long long)align);
	for (size_t i = 0; i < size / 8; i++)
		fprintf(f, "\t0x%016llxull,%s", (unsigned long long)word_at(bytes, i),
			i % 4 == 3 ? "\n" : "");
	fprintf(f, "};\n");
}

static void write_asm(FILE *f, const unsigned char *bytes, size_t size, const map_file_t *map,
		      uint64_t ttbr, uint64_t align)
{
	write_header(f, map, ttbr);
	fprintf(f, "\t.section .rodata.aptables, \"a\"\n\t.balign %llu\n", (unsigned long long)align);
	fprintf(f, "\t.global aptables_image\naptables_image:\n");
	for (size_t i = 0; i < size / 8; i++)
		fprintf(f, "\t.quad 0x%016llx\n", (unsigned long long)word_at(bytes, i));
	fprintf(f, "\t.size aptables_image, %zu\n", size);
}

bool output_write(const char *path, const char *format, const unsigned char *bytes, size_t size,
		  const map_file_t *map, uint64_t ttbr, uint64_t align)
{
	size_t length = strlen(path);
	char *temporary = malloc(length + 16);
	if (!temporary)
		return false;
	snprintf(temporary, length + 16, "%s.tmpXXXXXX", path);
	int fd = mkstemp(temporary);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd), unlink(temporary);
		free(temporary);
		return false;
	}
	if (strcmp(format, "c") == 0)
		write_c(f, bytes, size, map, ttbr, align);
	else if (strcmp(format, "asm") == 0)
		write_asm(f, bytes, size, map, ttbr, align);
	else
		fwrite(bytes, 1, size, f);
	bool ok = !ferror(f);
	ok = (fclose(f) == 0) && ok;
	if (ok && rename(temporary, path) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
		unlink(temporary);
	}
	free(temporary);
	return ok;
}
