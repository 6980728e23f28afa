/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Attribute and regime names of the map file format (docs/map-format.md). */
#include <string.h>

#include "aptables.h"

static const struct {
	const char *name;
	ap_regime_kind_t kind;
} regimes[] = {
	{"el1", AP_REGIME_EL1AND0}, {"el1and0", AP_REGIME_EL1AND0},
	{"el2and0", AP_REGIME_EL2AND0}, {"el2", AP_REGIME_EL2},
	{"el3", AP_REGIME_EL3}, {"stage2", AP_REGIME_STAGE2},
};

bool regime_from_name(const char *name, ap_regime_kind_t *kind)
{
	for (size_t i = 0; i < sizeof(regimes) / sizeof(regimes[0]); i++) {
		if (strcmp(name, regimes[i].name) == 0) {
			*kind = regimes[i].kind;
			return true;
		}
	}
	return false;
}

const char *regime_name(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_EL1AND0: return "el1";
	case AP_REGIME_EL2AND0: return "el2and0";
	case AP_REGIME_EL2: return "el2";
	case AP_REGIME_EL3: return "el3";
	case AP_REGIME_STAGE2: return "stage2";
	}
	return "?";
}

static const struct {
	const char *name;
	ap_granule_t granule;
	uint64_t bytes;
} granules[] = {
	{"4k", AP_GRANULE_4K, 4096}, {"16k", AP_GRANULE_16K, 16384}, {"64k", AP_GRANULE_64K, 65536},
};

bool granule_from_name(const char *name, ap_granule_t *granule)
{
	for (size_t i = 0; i < sizeof(granules) / sizeof(granules[0]); i++) {
		if (strcmp(name, granules[i].name) == 0 ||
		    (strlen(name) == strlen(granules[i].name) &&
		     strncmp(name, granules[i].name, strlen(name) - 1) == 0 &&
		     name[strlen(name) - 1] == 'K')) {
			*granule = granules[i].granule;
			return true;
		}
	}
	return false;
}

const char *granule_name(ap_granule_t granule)
{
	for (size_t i = 0; i < sizeof(granules) / sizeof(granules[0]); i++)
		if (granules[i].granule == granule)
			return granules[i].name;
	return "?";
}

uint64_t granule_bytes(ap_granule_t granule)
{
	for (size_t i = 0; i < sizeof(granules) / sizeof(granules[0]); i++)
		if (granules[i].granule == granule)
			return granules[i].bytes;
	return AP_PAGE_SIZE;
}

typedef struct named_bits {
	const char *name;
	ap_attrs_t set, clear;
} named_bits_t;

/* Stage 1 formats: EL1&0/EL2&0 (el1) and EL2/EL3 (el23) where they differ. */
static const named_bits_t stage1_common[] = {
	{"ro", AP_EL1_READ_ONLY, 0},
	{"rw", 0, AP_EL1_READ_ONLY},
	{"inner", AP_EL1_INNER_SHAREABLE, AP_EL1_SHAREABILITY_MASK},
	{"outer", AP_EL1_OUTER_SHAREABLE, AP_EL1_SHAREABILITY_MASK},
	{"non-shareable", 0, AP_EL1_SHAREABILITY_MASK},
	{"ns", AP_EL1_NS, 0},
	{"sw0", AP_EL1_SWFLAG_0, 0}, {"sw1", AP_EL1_SWFLAG_1, 0},
	{"sw2", AP_EL1_SWFLAG_2, 0}, {"sw3", AP_EL1_SWFLAG_3, 0},
};

static const named_bits_t el1_only[] = {
	{"xn", AP_EL1_PXN | AP_EL1_UXN, 0},
	{"pxn", AP_EL1_PXN, 0},
	{"uxn", AP_EL1_UXN, 0},
	{"user", AP_EL1_USER, 0},
	{"non-global", AP_EL1_NON_GLOBAL, 0},
	{"global", 0, AP_EL1_NON_GLOBAL},
};

static const named_bits_t el23_only[] = {
	{"xn", AP_EL23_XN, 0},
};

/* Each word sets one value of a field and clears the rest of it. The same
 * words name the fields in the library's stage 2 text (ap_attrs_describe),
 * so what dump and translate print parses back. */
static const named_bits_t stage2_names[] = {
	{"device-ngnrne", AP_S2_MEMATTR_DEVICE_nGnRnE, AP_S2_MEMATTR_MASK},
	{"device-ngnre", AP_S2_MEMATTR_DEVICE_nGnRE, AP_S2_MEMATTR_MASK},
	{"device-ngre", AP_S2_MEMATTR_DEVICE_nGRE, AP_S2_MEMATTR_MASK},
	{"device-gre", AP_S2_MEMATTR_DEVICE_GRE, AP_S2_MEMATTR_MASK},
	{"normal-wb", AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB, AP_S2_MEMATTR_MASK},
	{"normal-wt", AP_S2_MEMATTR_NORMAL_INNER_WT | AP_S2_MEMATTR_NORMAL_OUTER_WT, AP_S2_MEMATTR_MASK},
	{"normal-nc", AP_S2_MEMATTR_NORMAL_INNER_NC | AP_S2_MEMATTR_NORMAL_OUTER_NC, AP_S2_MEMATTR_MASK},
	{"none", AP_S2_S2AP_ACCESS_NONE, AP_S2_S2AP_MASK},
	{"ro", AP_S2_S2AP_ACCESS_RO, AP_S2_S2AP_MASK},
	{"wo", AP_S2_S2AP_ACCESS_WO, AP_S2_S2AP_MASK},
	{"rw", AP_S2_S2AP_ACCESS_RW, AP_S2_S2AP_MASK},
	{"inner", AP_S2_SH_INNER, AP_S2_SH_MASK},
	{"outer", AP_S2_SH_OUTER, AP_S2_SH_MASK},
	{"non-shareable", AP_S2_SH_NONE, AP_S2_SH_MASK},
	{"xn", AP_S2_XN, 0},
	{"sw0", AP_S2_SWFLAG_0, 0}, {"sw1", AP_S2_SWFLAG_1, 0},
	{"sw2", AP_S2_SWFLAG_2, 0}, {"sw3", AP_S2_SWFLAG_3, 0},
};

static bool apply_from(const named_bits_t *table, size_t count, const char *name, ap_attrs_t *flags)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(name, table[i].name) == 0) {
			*flags = (*flags & ~table[i].clear) | table[i].set;
			return true;
		}
	}
	return false;
}

#define APPLY(table, name, flags) apply_from(table, sizeof(table) / sizeof(table[0]), name, flags)

/* A MAIR name picks its index. */
static bool apply_mair(const map_file_t *map, const char *name, ap_attrs_t *flags)
{
	for (unsigned i = 0; i < map->mair_count; i++) {
		if (strcmp(name, map->mair_names[i]) == 0) {
			*flags = (*flags & ~AP_EL1_ATTRIBUTE_INDEX_MASK) | ((ap_attrs_t)i << 2);
			return true;
		}
	}
	return false;
}

bool attribute_apply(const map_file_t *map, const char *name, ap_attrs_t *flags)
{
	switch (map->regime) {
	case AP_REGIME_STAGE2:
		return APPLY(stage2_names, name, flags);
	case AP_REGIME_EL2:
	case AP_REGIME_EL3:
		return apply_mair(map, name, flags) || APPLY(stage1_common, name, flags) ||
		       APPLY(el23_only, name, flags);
	default:
		return apply_mair(map, name, flags) || APPLY(stage1_common, name, flags) ||
		       APPLY(el1_only, name, flags);
	}
}

ap_attrs_t attribute_defaults(ap_regime_kind_t kind)
{
	switch (kind) {
	case AP_REGIME_STAGE2:
		return AP_S2_VALID | AP_S2_ACCESS_FLAG | AP_S2_S2AP_ACCESS_RW |
		       AP_S2_MEMATTR_NORMAL_INNER_WB | AP_S2_MEMATTR_NORMAL_OUTER_WB;
	case AP_REGIME_EL2:
	case AP_REGIME_EL3:
		/* AP[1] is RES1 in the EL2/EL3 format. */
		return AP_EL23_VALID | AP_EL23_ACCESSED | AP_EL23_USER_RES1;
	default:
		return AP_EL1_VALID | AP_EL1_ACCESSED;
	}
}
