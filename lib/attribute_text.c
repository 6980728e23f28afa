/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Attribute names per descriptor format, in the order the reference declares
 * them, and the naming rule of its bitflags Debug output: a name is printed
 * when all its bits are set and at least one of them is not yet named.
 */
#include "text.h"

typedef struct flag_name {
	const char *name;
	ap_attrs_t bits;
} flag_name_t;

#define COMMON_STAGE1_HEAD                                                                \
	{"VALID", AP_EL1_VALID}, {"TABLE_OR_PAGE", AP_EL1_TABLE_OR_PAGE},                 \
	{"ATTRIBUTE_INDEX_0", AP_EL1_ATTRIBUTE_INDEX_0},                                  \
	{"ATTRIBUTE_INDEX_1", AP_EL1_ATTRIBUTE_INDEX_1},                                  \
	{"ATTRIBUTE_INDEX_2", AP_EL1_ATTRIBUTE_INDEX_2},                                  \
	{"ATTRIBUTE_INDEX_3", AP_EL1_ATTRIBUTE_INDEX_3},                                  \
	{"ATTRIBUTE_INDEX_4", AP_EL1_ATTRIBUTE_INDEX_4},                                  \
	{"ATTRIBUTE_INDEX_5", AP_EL1_ATTRIBUTE_INDEX_5},                                  \
	{"ATTRIBUTE_INDEX_6", AP_EL1_ATTRIBUTE_INDEX_6},                                  \
	{"ATTRIBUTE_INDEX_7", AP_EL1_ATTRIBUTE_INDEX_7},                                  \
	{"OUTER_SHAREABLE", AP_EL1_OUTER_SHAREABLE}, {"INNER_SHAREABLE", AP_EL1_INNER_SHAREABLE}, \
	{"NS", AP_EL1_NS}

#define COMMON_STAGE1_MIDDLE                                                              \
	{"READ_ONLY", AP_EL1_READ_ONLY}, {"ACCESSED", AP_EL1_ACCESSED},                   \
	{"NON_GLOBAL", AP_EL1_NON_GLOBAL}, {"NT", AP_EL1_NT}, {"GP", AP_EL1_GP},          \
	{"DBM", AP_EL1_DBM}, {"CONTIGUOUS_OR_PROTECTED", AP_EL1_CONTIGUOUS_OR_PROTECTED}

#define SOFTWARE_AND_TABLE_FLAGS                                                          \
	{"SWFLAG_0", AP_EL1_SWFLAG_0}, {"SWFLAG_1", AP_EL1_SWFLAG_1},                     \
	{"SWFLAG_2", AP_EL1_SWFLAG_2}, {"SWFLAG_3", AP_EL1_SWFLAG_3},                     \
	{"PXN_TABLE", AP_EL1_PXN_TABLE}, {"XN_TABLE", AP_EL1_XN_TABLE},                  \
	{"AP_TABLE_NO_EL0", AP_EL1_AP_TABLE_NO_EL0},                                      \
	{"AP_TABLE_NO_WRITE", AP_EL1_AP_TABLE_NO_WRITE}, {"NS_TABLE", AP_EL1_NS_TABLE}

static const flag_name_t el1_names[] = {
	COMMON_STAGE1_HEAD, {"USER", AP_EL1_USER}, COMMON_STAGE1_MIDDLE,
	{"PXN", AP_EL1_PXN}, {"UXN", AP_EL1_UXN}, SOFTWARE_AND_TABLE_FLAGS,
};

static const flag_name_t el23_names[] = {
	COMMON_STAGE1_HEAD, {"USER_RES1", AP_EL23_USER_RES1}, COMMON_STAGE1_MIDDLE,
	{"XN", AP_EL23_XN}, SOFTWARE_AND_TABLE_FLAGS,
};

static const flag_name_t stage2_names[] = {
	{"VALID", AP_S2_VALID},
	{"TABLE_OR_PAGE", AP_S2_TABLE_OR_PAGE},
	{"MEMATTR_DEVICE_nGnRnE", AP_S2_MEMATTR_DEVICE_nGnRnE},
	{"MEMATTR_DEVICE_nGnRE", AP_S2_MEMATTR_DEVICE_nGnRE},
	{"MEMATTR_DEVICE_nGRE", AP_S2_MEMATTR_DEVICE_nGRE},
	{"MEMATTR_DEVICE_GRE", AP_S2_MEMATTR_DEVICE_GRE},
	{"MEMATTR_NORMAL_INNER_NC", AP_S2_MEMATTR_NORMAL_INNER_NC},
	{"MEMATTR_NORMAL_INNER_WT", AP_S2_MEMATTR_NORMAL_INNER_WT},
	{"MEMATTR_NORMAL_INNER_WB", AP_S2_MEMATTR_NORMAL_INNER_WB},
	{"MEMATTR_NORMAL_OUTER_NC", AP_S2_MEMATTR_NORMAL_OUTER_NC},
	{"MEMATTR_NORMAL_OUTER_WT", AP_S2_MEMATTR_NORMAL_OUTER_WT},
	{"MEMATTR_NORMAL_OUTER_WB", AP_S2_MEMATTR_NORMAL_OUTER_WB},
	{"S2AP_ACCESS_NONE", AP_S2_S2AP_ACCESS_NONE},
	{"S2AP_ACCESS_RO", AP_S2_S2AP_ACCESS_RO},
	{"S2AP_ACCESS_WO", AP_S2_S2AP_ACCESS_WO},
	{"S2AP_ACCESS_RW", AP_S2_S2AP_ACCESS_RW},
	{"SH_NONE", AP_S2_SH_NONE},
	{"SH_OUTER", AP_S2_SH_OUTER},
	{"SH_INNER", AP_S2_SH_INNER},
	{"ACCESS_FLAG", AP_S2_ACCESS_FLAG},
	{"XN", AP_S2_XN},
	{"SWFLAG_0", AP_S2_SWFLAG_0},
	{"SWFLAG_1", AP_S2_SWFLAG_1},
	{"SWFLAG_2", AP_S2_SWFLAG_2},
	{"SWFLAG_3", AP_S2_SWFLAG_3},
};

const char *ap__format_type_name(format_t format)
{
	switch (format) {
	case FORMAT_EL23: return "El23Attributes";
	case FORMAT_STAGE2: return "Stage2Attributes";
	default: return "El1Attributes";
	}
}

void ap__attrs_text(text_t *t, format_t format, ap_attrs_t flags)
{
	const flag_name_t *names = el1_names;
	size_t count = sizeof(el1_names) / sizeof(el1_names[0]);
	if (format == FORMAT_EL23) {
		names = el23_names;
		count = sizeof(el23_names) / sizeof(el23_names[0]);
	} else if (format == FORMAT_STAGE2) {
		names = stage2_names;
		count = sizeof(stage2_names) / sizeof(stage2_names[0]);
	}
	ap_attrs_t remaining = flags;
	bool first = true;
	for (size_t i = 0; i < count && remaining; i++) {
		ap_attrs_t bits = names[i].bits;
		if ((flags & bits) == bits && (remaining & bits)) {
			if (!first)
				ap__text_put(t, " | ");
			ap__text_put(t, names[i].name);
			remaining &= ~bits;
			first = false;
		}
	}
	if (remaining || first) {
		if (!first)
			ap__text_put(t, " | ");
		ap__text_put(t, "0x");
		ap__text_hex(t, remaining, 1);
	}
}

AP_EXPORT ap_status_t ap_attrs_describe(ap_regime_kind_t kind, ap_attrs_t flags, char *buf,
					size_t size, size_t *needed)
{
	if ((unsigned)kind > AP_REGIME_STAGE2 || !ap__text_args_ok(buf, size))
		return AP_ERR_INVALID_ARGUMENT;
	text_t t = {buf, size, 0};
	ap__attrs_text(&t, ap__format_of(kind), flags);
	return ap__text_finish(&t, needed);
}
