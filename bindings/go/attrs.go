// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// Attribute bits of the three descriptor formats, as <aarch64_paging.h>
// names them: EL1* for EL1&0 and EL2&0, EL23* for EL2 and EL3, S2* for
// stage 2, and Attr* for the bits all three share.
const (
	AttrValid       uint64 = 0x1 // AP_ATTR_VALID
	AttrTableOrPage uint64 = 0x2 // AP_ATTR_TABLE_OR_PAGE

	EL1Valid                 uint64 = 0x1                // AP_EL1_VALID
	EL1TableOrPage           uint64 = 0x2                // AP_EL1_TABLE_OR_PAGE
	EL1AttributeIndex0       uint64 = 0x0                // AP_EL1_ATTRIBUTE_INDEX_0
	EL1AttributeIndex1       uint64 = 0x4                // AP_EL1_ATTRIBUTE_INDEX_1
	EL1AttributeIndex2       uint64 = 0x8                // AP_EL1_ATTRIBUTE_INDEX_2
	EL1AttributeIndex3       uint64 = 0xc                // AP_EL1_ATTRIBUTE_INDEX_3
	EL1AttributeIndex4       uint64 = 0x10               // AP_EL1_ATTRIBUTE_INDEX_4
	EL1AttributeIndex5       uint64 = 0x14               // AP_EL1_ATTRIBUTE_INDEX_5
	EL1AttributeIndex6       uint64 = 0x18               // AP_EL1_ATTRIBUTE_INDEX_6
	EL1AttributeIndex7       uint64 = 0x1c               // AP_EL1_ATTRIBUTE_INDEX_7
	EL1NS                    uint64 = 0x20               // AP_EL1_NS
	EL1User                  uint64 = 0x40               // AP_EL1_USER
	EL1ReadOnly              uint64 = 0x80               // AP_EL1_READ_ONLY
	EL1OuterShareable        uint64 = 0x200              // AP_EL1_OUTER_SHAREABLE
	EL1InnerShareable        uint64 = 0x300              // AP_EL1_INNER_SHAREABLE
	EL1Accessed              uint64 = 0x400              // AP_EL1_ACCESSED
	EL1NonGlobal             uint64 = 0x800              // AP_EL1_NON_GLOBAL
	EL1NT                    uint64 = 0x10000            // AP_EL1_NT
	EL1GP                    uint64 = 0x4000000000000    // AP_EL1_GP
	EL1DBM                   uint64 = 0x8000000000000    // AP_EL1_DBM
	EL1ContiguousOrProtected uint64 = 0x10000000000000   // AP_EL1_CONTIGUOUS_OR_PROTECTED
	EL1PXN                   uint64 = 0x20000000000000   // AP_EL1_PXN
	EL1UXN                   uint64 = 0x40000000000000   // AP_EL1_UXN
	EL1SWFlag0               uint64 = 0x80000000000000   // AP_EL1_SWFLAG_0
	EL1SWFlag1               uint64 = 0x100000000000000  // AP_EL1_SWFLAG_1
	EL1SWFlag2               uint64 = 0x200000000000000  // AP_EL1_SWFLAG_2
	EL1SWFlag3               uint64 = 0x400000000000000  // AP_EL1_SWFLAG_3
	EL1PXNTable              uint64 = 0x800000000000000  // AP_EL1_PXN_TABLE
	EL1XNTable               uint64 = 0x1000000000000000 // AP_EL1_XN_TABLE
	EL1APTableNoEL0          uint64 = 0x2000000000000000 // AP_EL1_AP_TABLE_NO_EL0
	EL1APTableNoWrite        uint64 = 0x4000000000000000 // AP_EL1_AP_TABLE_NO_WRITE
	EL1NSTable               uint64 = 0x8000000000000000 // AP_EL1_NS_TABLE
	EL1ShareabilityMask      uint64 = 0x300              // AP_EL1_SHAREABILITY_MASK
	EL1AttributeIndexMask    uint64 = 0x1c               // AP_EL1_ATTRIBUTE_INDEX_MASK
	EL1APMask                uint64 = 0xc0               // AP_EL1_AP_MASK
	EL1PBHAMask              uint64 = 0x7800000000000000 // AP_EL1_PBHA_MASK

	EL23Valid                 uint64 = 0x1                // AP_EL23_VALID
	EL23TableOrPage           uint64 = 0x2                // AP_EL23_TABLE_OR_PAGE
	EL23AttributeIndex0       uint64 = 0x0                // AP_EL23_ATTRIBUTE_INDEX_0
	EL23AttributeIndex1       uint64 = 0x4                // AP_EL23_ATTRIBUTE_INDEX_1
	EL23AttributeIndex2       uint64 = 0x8                // AP_EL23_ATTRIBUTE_INDEX_2
	EL23AttributeIndex3       uint64 = 0xc                // AP_EL23_ATTRIBUTE_INDEX_3
	EL23AttributeIndex4       uint64 = 0x10               // AP_EL23_ATTRIBUTE_INDEX_4
	EL23AttributeIndex5       uint64 = 0x14               // AP_EL23_ATTRIBUTE_INDEX_5
	EL23AttributeIndex6       uint64 = 0x18               // AP_EL23_ATTRIBUTE_INDEX_6
	EL23AttributeIndex7       uint64 = 0x1c               // AP_EL23_ATTRIBUTE_INDEX_7
	EL23NS                    uint64 = 0x20               // AP_EL23_NS
	EL23UserRES1              uint64 = 0x40               // AP_EL23_USER_RES1
	EL23ReadOnly              uint64 = 0x80               // AP_EL23_READ_ONLY
	EL23OuterShareable        uint64 = 0x200              // AP_EL23_OUTER_SHAREABLE
	EL23InnerShareable        uint64 = 0x300              // AP_EL23_INNER_SHAREABLE
	EL23Accessed              uint64 = 0x400              // AP_EL23_ACCESSED
	EL23NonGlobal             uint64 = 0x800              // AP_EL23_NON_GLOBAL
	EL23NT                    uint64 = 0x10000            // AP_EL23_NT
	EL23GP                    uint64 = 0x4000000000000    // AP_EL23_GP
	EL23DBM                   uint64 = 0x8000000000000    // AP_EL23_DBM
	EL23ContiguousOrProtected uint64 = 0x10000000000000   // AP_EL23_CONTIGUOUS_OR_PROTECTED
	EL23XN                    uint64 = 0x40000000000000   // AP_EL23_XN
	EL23SWFlag0               uint64 = 0x80000000000000   // AP_EL23_SWFLAG_0
	EL23SWFlag1               uint64 = 0x100000000000000  // AP_EL23_SWFLAG_1
	EL23SWFlag2               uint64 = 0x200000000000000  // AP_EL23_SWFLAG_2
	EL23SWFlag3               uint64 = 0x400000000000000  // AP_EL23_SWFLAG_3
	EL23PXNTable              uint64 = 0x800000000000000  // AP_EL23_PXN_TABLE
	EL23XNTable               uint64 = 0x1000000000000000 // AP_EL23_XN_TABLE
	EL23APTableNoEL0          uint64 = 0x2000000000000000 // AP_EL23_AP_TABLE_NO_EL0
	EL23APTableNoWrite        uint64 = 0x4000000000000000 // AP_EL23_AP_TABLE_NO_WRITE
	EL23NSTable               uint64 = 0x8000000000000000 // AP_EL23_NS_TABLE
	EL23ShareabilityMask      uint64 = 0x300              // AP_EL23_SHAREABILITY_MASK
	EL23AttributeIndexMask    uint64 = 0x1c               // AP_EL23_ATTRIBUTE_INDEX_MASK
	EL23APMask                uint64 = 0xc0               // AP_EL23_AP_MASK
	EL23NSE                   uint64 = 0x800              // AP_EL23_NSE
	EL23PBHAMask              uint64 = 0x7800000000000000 // AP_EL23_PBHA_MASK

	S2Valid                uint64 = 0x1                // AP_S2_VALID
	S2TableOrPage          uint64 = 0x2                // AP_S2_TABLE_OR_PAGE
	S2MemAttrDeviceNGnRnE  uint64 = 0x0                // AP_S2_MEMATTR_DEVICE_nGnRnE
	S2MemAttrDeviceNGnRE   uint64 = 0x4                // AP_S2_MEMATTR_DEVICE_nGnRE
	S2MemAttrDeviceNGRE    uint64 = 0x8                // AP_S2_MEMATTR_DEVICE_nGRE
	S2MemAttrDeviceGRE     uint64 = 0xc                // AP_S2_MEMATTR_DEVICE_GRE
	S2MemAttrNormalInnerNC uint64 = 0x4                // AP_S2_MEMATTR_NORMAL_INNER_NC
	S2MemAttrNormalInnerWT uint64 = 0x8                // AP_S2_MEMATTR_NORMAL_INNER_WT
	S2MemAttrNormalInnerWB uint64 = 0xc                // AP_S2_MEMATTR_NORMAL_INNER_WB
	S2MemAttrNormalOuterNC uint64 = 0x10               // AP_S2_MEMATTR_NORMAL_OUTER_NC
	S2MemAttrNormalOuterWT uint64 = 0x20               // AP_S2_MEMATTR_NORMAL_OUTER_WT
	S2MemAttrNormalOuterWB uint64 = 0x30               // AP_S2_MEMATTR_NORMAL_OUTER_WB
	S2APNone               uint64 = 0x0                // AP_S2_S2AP_ACCESS_NONE
	S2APReadOnly           uint64 = 0x40               // AP_S2_S2AP_ACCESS_RO
	S2APWriteOnly          uint64 = 0x80               // AP_S2_S2AP_ACCESS_WO
	S2APReadWrite          uint64 = 0xc0               // AP_S2_S2AP_ACCESS_RW
	S2SHNone               uint64 = 0x0                // AP_S2_SH_NONE
	S2SHOuter              uint64 = 0x200              // AP_S2_SH_OUTER
	S2SHInner              uint64 = 0x300              // AP_S2_SH_INNER
	S2AccessFlag           uint64 = 0x400              // AP_S2_ACCESS_FLAG
	S2XN                   uint64 = 0x40000000000000   // AP_S2_XN
	S2SWFlag0              uint64 = 0x80000000000000   // AP_S2_SWFLAG_0
	S2SWFlag1              uint64 = 0x100000000000000  // AP_S2_SWFLAG_1
	S2SWFlag2              uint64 = 0x200000000000000  // AP_S2_SWFLAG_2
	S2SWFlag3              uint64 = 0x400000000000000  // AP_S2_SWFLAG_3
	S2FnXS                 uint64 = 0x800              // AP_S2_FNXS
	S2DBM                  uint64 = 0x8000000000000    // AP_S2_DBM
	S2Contiguous           uint64 = 0x10000000000000   // AP_S2_CONTIGUOUS
	S2XN0                  uint64 = 0x20000000000000   // AP_S2_XN0
	S2MemAttrMask          uint64 = 0x3c               // AP_S2_MEMATTR_MASK
	S2APMask               uint64 = 0xc0               // AP_S2_S2AP_MASK
	S2SHMask               uint64 = 0x300              // AP_S2_SH_MASK
	S2XNMask               uint64 = 0x60000000000000   // AP_S2_XN_MASK
	S2PBHAMask             uint64 = 0x7800000000000000 // AP_S2_PBHA_MASK
)
