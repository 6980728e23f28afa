/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Attribute text per descriptor format. A multi-bit field is named by its
 * value, once: naming its bits as separate flags turned inner-shareable into
 * "OUTER_SHAREABLE | INNER_SHAREABLE" and stage 2 normal write-back memory
 * into a list of device and normal types. Single bits keep their names.
 */
#include "text.h"

typedef struct flag_name {
	const char *name;
	ap_attrs_t bits;
} flag_name_t;

/* Single-bit names, in the order the text lists them after the fields. */
#define STAGE1_BITS_HEAD {"NS", AP_EL1_NS}

#define STAGE1_BITS_MIDDLE                                                                \
	{"READ_ONLY", AP_EL1_READ_ONLY}, {"ACCESSED", AP_EL1_ACCESSED},                   \
	{"NON_GLOBAL", AP_EL1_NON_GLOBAL}, {"NT", AP_EL1_NT}, {"GP", AP_EL1_GP},          \
	{"DBM", AP_EL1_DBM}, {"CONTIGUOUS_OR_PROTECTED", AP_EL1_CONTIGUOUS_OR_PROTECTED}

#define SOFTWARE_AND_TABLE_FLAGS                                                          \
	{"SWFLAG_0", AP_EL1_SWFLAG_0}, {"SWFLAG_1", AP_EL1_SWFLAG_1},                     \
	{"SWFLAG_2", AP_EL1_SWFLAG_2}, {"SWFLAG_3", AP_EL1_SWFLAG_3},                     \
	{"PXN_TABLE", AP_EL1_PXN_TABLE}, {"XN_TABLE", AP_EL1_XN_TABLE},                  \
	{"AP_TABLE_NO_EL0", AP_EL1_AP_TABLE_NO_EL0},                                      \
	{"AP_TABLE_NO_WRITE", AP_EL1_AP_TABLE_NO_WRITE}, {"NS_TABLE", AP_EL1_NS_TABLE}

static const flag_name_t el1_bits[] = {
	STAGE1_BITS_HEAD, {"USER", AP_EL1_USER}, STAGE1_BITS_MIDDLE,
	{"PXN", AP_EL1_PXN}, {"UXN", AP_EL1_UXN}, SOFTWARE_AND_TABLE_FLAGS,
};

static const flag_name_t el23_bits[] = {
	STAGE1_BITS_HEAD, {"USER_RES1", AP_EL23_USER_RES1}, STAGE1_BITS_MIDDLE,
	{"XN", AP_EL23_XN}, SOFTWARE_AND_TABLE_FLAGS,
};

static const flag_name_t stage2_bits[] = {
	{"ACCESS_FLAG", AP_S2_ACCESS_FLAG},
	{"FNXS", AP_S2_FNXS},
	{"DBM", AP_S2_DBM},
	{"CONTIGUOUS", AP_S2_CONTIGUOUS},
	{"XN0", AP_S2_XN0},
	{"XN", AP_S2_XN},
	{"SWFLAG_0", AP_S2_SWFLAG_0},
	{"SWFLAG_1", AP_S2_SWFLAG_1},
	{"SWFLAG_2", AP_S2_SWFLAG_2},
	{"SWFLAG_3", AP_S2_SWFLAG_3},
};

/* The stage 1 values of a field by its macro name, index = field value. */
static const char *const attribute_index_names[8] = {
	NULL, "ATTRIBUTE_INDEX_1", "ATTRIBUTE_INDEX_2", "ATTRIBUTE_INDEX_3",
	"ATTRIBUTE_INDEX_4", "ATTRIBUTE_INDEX_5", "ATTRIBUTE_INDEX_6", "ATTRIBUTE_INDEX_7",
};
/* SH 0b01 is reserved: no name, so it shows in the hexadecimal rest. */
static const char *const stage1_sh_names[4] = {NULL, NULL, "OUTER_SHAREABLE", "INNER_SHAREABLE"};

/* Stage 2 values in the map file's words (docs/map-format.md), so that
 * aptables reports a region with the words that built it. */
static const char *const s2ap_names[4] = {"none", "ro", "wo", "rw"};
static const char *const stage2_sh_names[4] = {"non-shareable", NULL, "outer", "inner"};
static const char *const device_names[4] = {"device-ngnrne", "device-ngnre", "device-ngre",
					    "device-gre"};
/* One half (inner or outer) of a normal MemAttr; 0b00 is not normal. */
static const char *const cacheability_names[4] = {NULL, "nc", "wt", "wb"};

typedef struct attr_text {
	text_t *t;
	bool first;
} attr_text_t;

static void put_item(attr_text_t *a, const char *name)
{
	if (!a->first)
		ap__text_put(a->t, " | ");
	ap__text_put(a->t, name);
	a->first = false;
}

/* Names a field from @p names and takes its bits out of @p remaining; a
 * value without a name leaves its bits for the hexadecimal rest. */
static void put_field(attr_text_t *a, const char *const *names, ap_attrs_t mask, unsigned shift,
		      ap_attrs_t flags, ap_attrs_t *remaining)
{
	const char *name = names[(flags & mask) >> shift];
	if (name) {
		put_item(a, name);
		*remaining &= ~mask;
	}
}

/* Stage 2 MemAttr[3:0], as without FEAT_S2FWB: 00dd is device memory;
 * ooii with both halves non-zero is normal memory, one word when the halves
 * agree ("normal-wb"), else "normal-outer-wb-inner-nc". Outer non-zero with
 * inner 00 is reserved and stays in the hexadecimal rest. */
static void put_memattr(attr_text_t *a, ap_attrs_t flags, ap_attrs_t *remaining)
{
	unsigned memattr = (unsigned)((flags & AP_S2_MEMATTR_MASK) >> 2);
	unsigned outer = memattr >> 2, inner = memattr & 3;
	if (ap__s2_memattr_is_device(flags)) {
		put_item(a, device_names[inner]);
	} else if (inner == 0) {
		return;
	} else if (outer == inner) {
		put_item(a, "normal-");
		ap__text_put(a->t, cacheability_names[inner]);
	} else {
		put_item(a, "normal-outer-");
		ap__text_put(a->t, cacheability_names[outer]);
		ap__text_put(a->t, "-inner-");
		ap__text_put(a->t, cacheability_names[inner]);
	}
	*remaining &= ~AP_S2_MEMATTR_MASK;
}

static void put_bits(attr_text_t *a, const flag_name_t *names, size_t count, ap_attrs_t flags,
		     ap_attrs_t *remaining)
{
	for (size_t i = 0; i < count; i++) {
		if (flags & names[i].bits) {
			put_item(a, names[i].name);
			*remaining &= ~names[i].bits;
		}
	}
}

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
	attr_text_t a = {t, true};
	ap_attrs_t remaining = flags;
	put_bits(&a, (const flag_name_t[]){{"VALID", AP_ATTR_VALID},
					   {"TABLE_OR_PAGE", AP_ATTR_TABLE_OR_PAGE}},
		 2, flags, &remaining);
	if (format == FORMAT_STAGE2) {
		/* Every stage 2 field value means something, 0 included
		 * (device-nGnRnE, no access), so all three are always named. */
		put_memattr(&a, flags, &remaining);
		put_field(&a, s2ap_names, AP_S2_S2AP_MASK, 6, flags, &remaining);
		put_field(&a, stage2_sh_names, AP_S2_SH_MASK, 8, flags, &remaining);
		put_bits(&a, stage2_bits, sizeof(stage2_bits) / sizeof(stage2_bits[0]), flags,
			 &remaining);
	} else {
		/* Stage 1 fields at 0 (MAIR index 0, non-shareable) are left
		 * out, as the map file and the reference's text leave them. */
		put_field(&a, attribute_index_names, AP_EL1_ATTRIBUTE_INDEX_MASK, 2, flags,
			  &remaining);
		put_field(&a, stage1_sh_names, AP_EL1_SHAREABILITY_MASK, 8, flags, &remaining);
		if (format == FORMAT_EL23)
			put_bits(&a, el23_bits, sizeof(el23_bits) / sizeof(el23_bits[0]), flags,
				 &remaining);
		else
			put_bits(&a, el1_bits, sizeof(el1_bits) / sizeof(el1_bits[0]), flags,
				 &remaining);
	}
	if (remaining || a.first) {
		if (!a.first)
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
