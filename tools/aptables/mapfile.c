/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The map file: settings, MAIR names, then one region per line
 * (docs/map-format.md). Every error names the file and line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aptables.h"

#define MAX_WORDS 32

typedef struct cursor {
	map_file_t *map;
	int line;
} cursor_t;

static bool fail(const cursor_t *c, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	fprintf(stderr, "%s:%d: ", c->map->path, c->line);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
	va_end(args);
	return false;
}

bool parse_u64(const char *text, uint64_t *value)
{
	if (!*text || *text == '-')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno || *end)
		return false;
	*value = v;
	return true;
}

static bool number(const cursor_t *c, const char *text, uint64_t *value)
{
	return parse_u64(text, value) || fail(c, "'%s' is not a number", text);
}

/* Addresses and sizes are whole pages of the map's granule; the settings
 * come first, so the granule is known by the first region. */
static bool page_aligned(const cursor_t *c, const char *what, uint64_t value)
{
	ap_granule_t granule = c->map->granule;
	uint64_t page = granule_bytes(granule);
	if ((value & (page - 1)) == 0)
		return true;
	if (granule == AP_GRANULE_4K)
		return fail(c, "%s 0x%llx is not a multiple of 4096", what, (unsigned long long)value);
	return fail(c, "%s 0x%llx is not a multiple of %llu (granule %s)", what,
		    (unsigned long long)value, (unsigned long long)page, granule_name(granule));
}

/* ------------------------------------------------------------ settings */

static bool set_mair(cursor_t *c, char **w, int n)
{
	map_file_t *m = c->map;
	uint64_t value;
	if (n != 4 || strcmp(w[2], "=") != 0)
		return fail(c, "expected 'mair NAME = VALUE'");
	if (m->regime == AP_REGIME_STAGE2)
		return fail(c, "stage 2 has no MAIR: name the memory type in each region");
	if (m->mair_count == MAIR_SLOTS)
		return fail(c, "more than %d MAIR attributes", MAIR_SLOTS);
	if (strlen(w[1]) >= sizeof(m->mair_names[0]))
		return fail(c, "MAIR name '%s' is too long", w[1]);
	if (!number(c, w[3], &value))
		return false;
	if (value > 0xff)
		return fail(c, "MAIR attribute 0x%llx does not fit in 8 bits", (unsigned long long)value);
	strcpy(m->mair_names[m->mair_count], w[1]);
	m->mair_values[m->mair_count++] = (uint8_t)value;
	return true;
}

static bool set_constraints(cursor_t *c, char *list)
{
	for (char *item = strtok(list, ","); item; item = strtok(NULL, ",")) {
		if (strcmp(item, "no-block") == 0)
			c->map->constraints |= AP_CONSTRAINT_NO_BLOCK_MAPPINGS;
		else if (strcmp(item, "no-contiguous") == 0)
			c->map->constraints |= AP_CONSTRAINT_NO_CONTIGUOUS_HINT;
		else if (strcmp(item, "none") != 0)
			return fail(c, "unknown constraint '%s'", item);
	}
	return true;
}

static bool setting(cursor_t *c, char **w, int n)
{
	map_file_t *m = c->map;
	uint64_t value;
	if (strcmp(w[0], "mair") == 0)
		return set_mair(c, w, n);
	if (n != 2)
		return fail(c, "'%s' takes one value", w[0]);
	if (strcmp(w[0], "regime") == 0)
		return regime_from_name(w[1], &m->regime) ||
		       fail(c, "unknown regime '%s' (el1, el2and0, el2, el3, stage2)", w[1]);
	if (strcmp(w[0], "va-range") == 0) {
		if (strcmp(w[1], "lower") != 0 && strcmp(w[1], "upper") != 0)
			return fail(c, "va-range is lower or upper, not '%s'", w[1]);
		m->va_range = w[1][0] == 'u' ? AP_VA_RANGE_UPPER : AP_VA_RANGE_LOWER;
		return true;
	}
	if (strcmp(w[0], "constraints") == 0)
		return set_constraints(c, w[1]);
	if (strcmp(w[0], "granule") == 0) {
		m->granule_line = c->line;
		return granule_from_name(w[1], &m->granule) ||
		       fail(c, "unknown granule '%s' (4k, 16k, 64k)", w[1]);
	}
	if (!number(c, w[1], &value))
		return false;
	if (strcmp(w[0], "root-level") == 0) {
		m->root_level = (unsigned)value;
		m->root_level_line = c->line;
		return value <= 3 || fail(c, "root-level must be 0 to 3");
	}
	if (strcmp(w[0], "input-bits") == 0) {
		m->input_bits = (unsigned)value;
		m->input_bits_line = c->line;
		return (value >= 25 && value <= 48) || fail(c, "input-bits must be 25 to 48");
	}
	if (strcmp(w[0], "root-tables") == 0) {
		m->max_root_tables = (unsigned)value;
		m->root_tables_line = c->line;
		return (value >= 1 && value <= 16 && (value & (value - 1)) == 0) ||
		       fail(c, "root-tables must be 1, 2, 4, 8 or 16");
	}
	if (strcmp(w[0], "asid") == 0) {
		m->asid = (uint16_t)value;
		return value <= 0xffff || fail(c, "asid must fit in 16 bits");
	}
	if (strcmp(w[0], "base") == 0) {
		m->base = value;
		m->base_line = c->line;
		return true;
	}
	return fail(c, "unknown setting '%s'", w[0]);
}

/* What the settings mean together, once all are read (at the first
 * region); each error names the line of the setting to change. */
static bool settings_done(map_file_t *m)
{
	cursor_t c = {m, m->base_line};
	if (!page_aligned(&c, "base", m->base))
		return false;
	if (m->input_bits_line && m->root_level_line) {
		bool later = m->input_bits_line > m->root_level_line;
		c.line = later ? m->input_bits_line : m->root_level_line;
		return fail(&c, "input-bits and root-level (line %d) exclude each other: input-bits "
			    "sets the start level", later ? m->root_level_line : m->input_bits_line);
	}
	if (m->root_tables_line && (m->regime != AP_REGIME_STAGE2 || !m->input_bits_line)) {
		c.line = m->root_tables_line;
		return fail(&c, "root-tables needs regime stage2 and input-bits");
	}
	/* The input-bits rule has no root level of its own: the library
	 * starts at the level that resolves the top bit. */
	if (m->input_bits_line)
		m->root_level = 0;
	return true;
}

/* ------------------------------------------------------------ regions */

/* The last address of a region: inclusive, so a region that ends at 2^64
 * has no wrapped end. Needs a size that is not zero. */
static uint64_t region_last(const map_region_t *r)
{
	return r->va + (r->size - 1);
}

/* A region is not empty, and does not run past 2^64. */
static bool region_size_ok(const cursor_t *c, const map_region_t *r)
{
	if (r->size == 0)
		return fail(c, "the region is empty");
	if (r->size - 1 > UINT64_MAX - r->va)
		return fail(c, "the region runs past the end of the address space");
	return true;
}

/* "START..END" or "START +SIZE": the first one or two words. */
static int region_range(cursor_t *c, char **w, int n, map_region_t *r)
{
	char *dots = strstr(w[0], "..");
	uint64_t end;
	if (dots) {
		*dots = '\0';
		if (!number(c, w[0], &r->va) || !number(c, dots + 2, &end))
			return -1;
		/* END 0 stands for 2^64: the range runs to the top of the space. */
		if (end < r->va && end != 0)
			return fail(c, "the range ends before it starts"), -1;
		r->size = end - r->va;
		return region_size_ok(c, r) ? 1 : -1;
	}
	if (n < 2 || w[1][0] != '+')
		return fail(c, "expected 'START..END' or 'START +SIZE'"), -1;
	if (!number(c, w[0], &r->va) || !number(c, w[1] + 1, &r->size))
		return -1;
	return region_size_ok(c, r) ? 2 : -1;
}

static bool region_line(cursor_t *c, char **w, int n)
{
	map_file_t *m = c->map;
	if (m->region_count == MAX_REGIONS)
		return fail(c, "more than %d regions", MAX_REGIONS);
	map_region_t *r = &m->regions[m->region_count];
	memset(r, 0, sizeof(*r));
	r->line = c->line;
	int i = region_range(c, w, n, r);
	if (i < 0 || !page_aligned(c, "start", r->va) || !page_aligned(c, "size", r->size))
		return false;
	if (i < n && strcmp(w[i], "identity") == 0) {
		r->identity = true;
		r->pa = r->va;
		i++;
	} else if (i + 1 < n && strcmp(w[i], "->") == 0) {
		if (!number(c, w[i + 1], &r->pa) || !page_aligned(c, "output address", r->pa))
			return false;
		i += 2;
	} else {
		return fail(c, "expected '-> PA' or 'identity' after the range");
	}
	r->flags = attribute_defaults(m->regime);
	for (; i < n; i++)
		if (!attribute_apply(m, w[i], &r->flags))
			return fail(c, "unknown attribute '%s' for regime %s", w[i], regime_name(m->regime));
	m->region_count++;
	return true;
}

/* Regions may not overlap: a later line would silently replace an earlier one. */
static bool check_overlaps(map_file_t *m)
{
	for (size_t i = 0; i < m->region_count; i++) {
		for (size_t j = 0; j < i; j++) {
			const map_region_t *a = &m->regions[j], *b = &m->regions[i];
			if (b->va <= region_last(a) && a->va <= region_last(b)) {
				cursor_t c = {m, b->line};
				return fail(&c, "region overlaps the region of line %d", a->line);
			}
		}
	}
	return true;
}

/* ------------------------------------------------------------ file */

static int split(char *line, char **words)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	int n = 0;
	for (char *w = strtok(line, " \t\r\n"); w && n < MAX_WORDS; w = strtok(NULL, " \t\r\n"))
		words[n++] = w;
	return n;
}

static bool is_setting(const char *word)
{
	static const char *const names[] = {"regime", "root-level", "asid", "va-range",
					    "base", "mair", "constraints", "granule",
					    "input-bits", "root-tables"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(word, names[i]) == 0)
			return true;
	return false;
}

bool map_file_read(const char *path, map_file_t *map)
{
	memset(map, 0, sizeof(*map));
	map->path = path;
	map->root_level = 1;
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return false;
	}
	char line[1024];
	char *words[MAX_WORDS];
	cursor_t c = {map, 0};
	bool ok = true, seen_region = false;
	while (ok && fgets(line, sizeof(line), f)) {
		c.line++;
		int n = split(line, words);
		if (n == 0)
			continue;
		if (is_setting(words[0])) {
			ok = !seen_region ? setting(&c, words, n)
					  : fail(&c, "settings come before the first region");
		} else if (words[0][0] < '0' || words[0][0] > '9') {
			ok = fail(&c, "unknown setting '%s'", words[0]);
		} else {
			ok = seen_region || settings_done(map);
			seen_region = true;
			ok = ok && region_line(&c, words, n);
		}
	}
	fclose(f);
	if (ok && map->region_count == 0) {
		c.line = c.line ? c.line : 1;
		ok = fail(&c, "no regions");
	}
	return ok && check_overlaps(map);
}
