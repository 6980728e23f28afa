// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

import (
	"fmt"
	"strconv"
	"strings"
)

// EL1Attributes are attribute bits in the descriptor format of the EL1&0 and
// EL2&0 regimes (the EL1* constants).
type EL1Attributes uint64

// EL23Attributes are attribute bits in the descriptor format of the EL2 and
// EL3 regimes (the EL23* constants).
type EL23Attributes uint64

// S2Attributes are attribute bits in the stage 2 descriptor format (the S2*
// constants).
type S2Attributes uint64

// Attributes is the constraint on a Mapping's type argument: the attribute
// type of the descriptor format its regime uses. Mixing formats, such as
// EL1PXN given to a *Mapping[S2Attributes], does not compile.
type Attributes interface {
	EL1Attributes | EL23Attributes | S2Attributes
	String() string
}

// String names the set bits as the library does (ap_attrs_describe), e.g.
// "VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_1 | INNER_SHAREABLE | ACCESSED".
func (a EL1Attributes) String() string { return describeAttributes(EL1And0, uint64(a)) }

// String names the set bits as the library does (ap_attrs_describe), e.g.
// "VALID | TABLE_OR_PAGE | READ_ONLY | ACCESSED | XN".
func (a EL23Attributes) String() string { return describeAttributes(EL2, uint64(a)) }

// String names the set bits and fields as the library does
// (ap_attrs_describe), e.g. "VALID | normal-wb | rw | inner | ACCESS_FLAG".
func (a S2Attributes) String() string { return describeAttributes(Stage2, uint64(a)) }

// Format makes the integer verbs (%x, %#x, %d, %b, %o) print the number, not
// the hexadecimal bytes of String's text as fmt does for other Stringers;
// %v and %s print String, %#v the Go value, e.g.
// aarch64paging.EL1Attributes(0x403).
func (a EL1Attributes) Format(f fmt.State, verb rune) {
	formatAttributes(f, verb, "EL1Attributes", uint64(a), a.String)
}

// Format prints as EL1Attributes.Format does.
func (a EL23Attributes) Format(f fmt.State, verb rune) {
	formatAttributes(f, verb, "EL23Attributes", uint64(a), a.String)
}

// Format prints as EL1Attributes.Format does.
func (a S2Attributes) Format(f fmt.State, verb rune) {
	formatAttributes(f, verb, "S2Attributes", uint64(a), a.String)
}

func formatAttributes(f fmt.State, verb rune, typeName string, bits uint64, text func() string) {
	directive := []byte{'%'}
	for _, flag := range "+-# 0" {
		if f.Flag(int(flag)) {
			directive = append(directive, byte(flag))
		}
	}
	if width, ok := f.Width(); ok {
		directive = strconv.AppendInt(directive, int64(width), 10)
	}
	if precision, ok := f.Precision(); ok {
		directive = append(directive, '.')
		directive = strconv.AppendInt(directive, int64(precision), 10)
	}
	directive = append(directive, string(verb)...)
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "aarch64paging.%s(%#x)", typeName, bits)
	case strings.ContainsRune("bdoOxX", verb):
		fmt.Fprintf(f, string(directive), bits)
	default:
		fmt.Fprintf(f, string(directive), text())
	}
}

func describeAttributes(kind RegimeKind, bits uint64) string {
	text, err := DescribeFlags(kind, bits)
	if err != nil {
		// Only an unknown kind fails, which the callers rule out.
		return fmt.Sprintf("%#x", bits)
	}
	return text
}

// AttrValid and AttrTableOrPage are the bits all three formats share,
// untyped so that they combine with the constants of any format:
// EL1Valid|AttrTableOrPage is an EL1Attributes. (One declaration each keeps
// gofmt from aligning them, tests/test_binding_constants.sh reads
// "Name = value // AP_...".)
const AttrValid = 0x1 // AP_ATTR_VALID

// AttrTableOrPage: see AttrValid.
const AttrTableOrPage = 0x2 // AP_ATTR_TABLE_OR_PAGE

// The EL1&0 and EL2&0 format, as <aarch64_paging.h> names it (AP_EL1_*).
const (
	EL1Valid                 EL1Attributes = 0x1                // AP_EL1_VALID
	EL1TableOrPage           EL1Attributes = 0x2                // AP_EL1_TABLE_OR_PAGE
	EL1AttributeIndex0       EL1Attributes = 0x0                // AP_EL1_ATTRIBUTE_INDEX_0
	EL1AttributeIndex1       EL1Attributes = 0x4                // AP_EL1_ATTRIBUTE_INDEX_1
	EL1AttributeIndex2       EL1Attributes = 0x8                // AP_EL1_ATTRIBUTE_INDEX_2
	EL1AttributeIndex3       EL1Attributes = 0xc                // AP_EL1_ATTRIBUTE_INDEX_3
	EL1AttributeIndex4       EL1Attributes = 0x10               // AP_EL1_ATTRIBUTE_INDEX_4
	EL1AttributeIndex5       EL1Attributes = 0x14               // AP_EL1_ATTRIBUTE_INDEX_5
	EL1AttributeIndex6       EL1Attributes = 0x18               // AP_EL1_ATTRIBUTE_INDEX_6
	EL1AttributeIndex7       EL1Attributes = 0x1c               // AP_EL1_ATTRIBUTE_INDEX_7
	EL1NS                    EL1Attributes = 0x20               // AP_EL1_NS
	EL1User                  EL1Attributes = 0x40               // AP_EL1_USER
	EL1ReadOnly              EL1Attributes = 0x80               // AP_EL1_READ_ONLY
	EL1OuterShareable        EL1Attributes = 0x200              // AP_EL1_OUTER_SHAREABLE
	EL1InnerShareable        EL1Attributes = 0x300              // AP_EL1_INNER_SHAREABLE
	EL1Accessed              EL1Attributes = 0x400              // AP_EL1_ACCESSED
	EL1NonGlobal             EL1Attributes = 0x800              // AP_EL1_NON_GLOBAL
	EL1NT                    EL1Attributes = 0x10000            // AP_EL1_NT
	EL1GP                    EL1Attributes = 0x4000000000000    // AP_EL1_GP
	EL1DBM                   EL1Attributes = 0x8000000000000    // AP_EL1_DBM
	EL1ContiguousOrProtected EL1Attributes = 0x10000000000000   // AP_EL1_CONTIGUOUS_OR_PROTECTED
	EL1PXN                   EL1Attributes = 0x20000000000000   // AP_EL1_PXN
	EL1UXN                   EL1Attributes = 0x40000000000000   // AP_EL1_UXN
	EL1SWFlag0               EL1Attributes = 0x80000000000000   // AP_EL1_SWFLAG_0
	EL1SWFlag1               EL1Attributes = 0x100000000000000  // AP_EL1_SWFLAG_1
	EL1SWFlag2               EL1Attributes = 0x200000000000000  // AP_EL1_SWFLAG_2
	EL1SWFlag3               EL1Attributes = 0x400000000000000  // AP_EL1_SWFLAG_3
	EL1PXNTable              EL1Attributes = 0x800000000000000  // AP_EL1_PXN_TABLE
	EL1XNTable               EL1Attributes = 0x1000000000000000 // AP_EL1_XN_TABLE
	EL1APTableNoEL0          EL1Attributes = 0x2000000000000000 // AP_EL1_AP_TABLE_NO_EL0
	EL1APTableNoWrite        EL1Attributes = 0x4000000000000000 // AP_EL1_AP_TABLE_NO_WRITE
	EL1NSTable               EL1Attributes = 0x8000000000000000 // AP_EL1_NS_TABLE
	EL1ShareabilityMask      EL1Attributes = 0x300              // AP_EL1_SHAREABILITY_MASK
	EL1AttributeIndexMask    EL1Attributes = 0x1c               // AP_EL1_ATTRIBUTE_INDEX_MASK
	EL1APMask                EL1Attributes = 0xc0               // AP_EL1_AP_MASK
	EL1PBHAMask              EL1Attributes = 0x7800000000000000 // AP_EL1_PBHA_MASK
)

// The EL2 and EL3 format (AP_EL23_*).
const (
	EL23Valid                 EL23Attributes = 0x1                // AP_EL23_VALID
	EL23TableOrPage           EL23Attributes = 0x2                // AP_EL23_TABLE_OR_PAGE
	EL23AttributeIndex0       EL23Attributes = 0x0                // AP_EL23_ATTRIBUTE_INDEX_0
	EL23AttributeIndex1       EL23Attributes = 0x4                // AP_EL23_ATTRIBUTE_INDEX_1
	EL23AttributeIndex2       EL23Attributes = 0x8                // AP_EL23_ATTRIBUTE_INDEX_2
	EL23AttributeIndex3       EL23Attributes = 0xc                // AP_EL23_ATTRIBUTE_INDEX_3
	EL23AttributeIndex4       EL23Attributes = 0x10               // AP_EL23_ATTRIBUTE_INDEX_4
	EL23AttributeIndex5       EL23Attributes = 0x14               // AP_EL23_ATTRIBUTE_INDEX_5
	EL23AttributeIndex6       EL23Attributes = 0x18               // AP_EL23_ATTRIBUTE_INDEX_6
	EL23AttributeIndex7       EL23Attributes = 0x1c               // AP_EL23_ATTRIBUTE_INDEX_7
	EL23NS                    EL23Attributes = 0x20               // AP_EL23_NS
	EL23UserRES1              EL23Attributes = 0x40               // AP_EL23_USER_RES1
	EL23ReadOnly              EL23Attributes = 0x80               // AP_EL23_READ_ONLY
	EL23OuterShareable        EL23Attributes = 0x200              // AP_EL23_OUTER_SHAREABLE
	EL23InnerShareable        EL23Attributes = 0x300              // AP_EL23_INNER_SHAREABLE
	EL23Accessed              EL23Attributes = 0x400              // AP_EL23_ACCESSED
	EL23NonGlobal             EL23Attributes = 0x800              // AP_EL23_NON_GLOBAL
	EL23NT                    EL23Attributes = 0x10000            // AP_EL23_NT
	EL23GP                    EL23Attributes = 0x4000000000000    // AP_EL23_GP
	EL23DBM                   EL23Attributes = 0x8000000000000    // AP_EL23_DBM
	EL23ContiguousOrProtected EL23Attributes = 0x10000000000000   // AP_EL23_CONTIGUOUS_OR_PROTECTED
	EL23XN                    EL23Attributes = 0x40000000000000   // AP_EL23_XN
	EL23SWFlag0               EL23Attributes = 0x80000000000000   // AP_EL23_SWFLAG_0
	EL23SWFlag1               EL23Attributes = 0x100000000000000  // AP_EL23_SWFLAG_1
	EL23SWFlag2               EL23Attributes = 0x200000000000000  // AP_EL23_SWFLAG_2
	EL23SWFlag3               EL23Attributes = 0x400000000000000  // AP_EL23_SWFLAG_3
	EL23PXNTable              EL23Attributes = 0x800000000000000  // AP_EL23_PXN_TABLE
	EL23XNTable               EL23Attributes = 0x1000000000000000 // AP_EL23_XN_TABLE
	EL23APTableNoEL0          EL23Attributes = 0x2000000000000000 // AP_EL23_AP_TABLE_NO_EL0
	EL23APTableNoWrite        EL23Attributes = 0x4000000000000000 // AP_EL23_AP_TABLE_NO_WRITE
	EL23NSTable               EL23Attributes = 0x8000000000000000 // AP_EL23_NS_TABLE
	EL23ShareabilityMask      EL23Attributes = 0x300              // AP_EL23_SHAREABILITY_MASK
	EL23AttributeIndexMask    EL23Attributes = 0x1c               // AP_EL23_ATTRIBUTE_INDEX_MASK
	EL23APMask                EL23Attributes = 0xc0               // AP_EL23_AP_MASK
	EL23NSE                   EL23Attributes = 0x800              // AP_EL23_NSE
	EL23PBHAMask              EL23Attributes = 0x7800000000000000 // AP_EL23_PBHA_MASK
)

// The stage 2 format (AP_S2_*).
const (
	S2Valid                S2Attributes = 0x1                // AP_S2_VALID
	S2TableOrPage          S2Attributes = 0x2                // AP_S2_TABLE_OR_PAGE
	S2MemAttrDeviceNGnRnE  S2Attributes = 0x0                // AP_S2_MEMATTR_DEVICE_nGnRnE
	S2MemAttrDeviceNGnRE   S2Attributes = 0x4                // AP_S2_MEMATTR_DEVICE_nGnRE
	S2MemAttrDeviceNGRE    S2Attributes = 0x8                // AP_S2_MEMATTR_DEVICE_nGRE
	S2MemAttrDeviceGRE     S2Attributes = 0xc                // AP_S2_MEMATTR_DEVICE_GRE
	S2MemAttrNormalInnerNC S2Attributes = 0x4                // AP_S2_MEMATTR_NORMAL_INNER_NC
	S2MemAttrNormalInnerWT S2Attributes = 0x8                // AP_S2_MEMATTR_NORMAL_INNER_WT
	S2MemAttrNormalInnerWB S2Attributes = 0xc                // AP_S2_MEMATTR_NORMAL_INNER_WB
	S2MemAttrNormalOuterNC S2Attributes = 0x10               // AP_S2_MEMATTR_NORMAL_OUTER_NC
	S2MemAttrNormalOuterWT S2Attributes = 0x20               // AP_S2_MEMATTR_NORMAL_OUTER_WT
	S2MemAttrNormalOuterWB S2Attributes = 0x30               // AP_S2_MEMATTR_NORMAL_OUTER_WB
	S2APNone               S2Attributes = 0x0                // AP_S2_S2AP_ACCESS_NONE
	S2APReadOnly           S2Attributes = 0x40               // AP_S2_S2AP_ACCESS_RO
	S2APWriteOnly          S2Attributes = 0x80               // AP_S2_S2AP_ACCESS_WO
	S2APReadWrite          S2Attributes = 0xc0               // AP_S2_S2AP_ACCESS_RW
	S2SHNone               S2Attributes = 0x0                // AP_S2_SH_NONE
	S2SHOuter              S2Attributes = 0x200              // AP_S2_SH_OUTER
	S2SHInner              S2Attributes = 0x300              // AP_S2_SH_INNER
	S2AccessFlag           S2Attributes = 0x400              // AP_S2_ACCESS_FLAG
	S2XN                   S2Attributes = 0x40000000000000   // AP_S2_XN
	S2SWFlag0              S2Attributes = 0x80000000000000   // AP_S2_SWFLAG_0
	S2SWFlag1              S2Attributes = 0x100000000000000  // AP_S2_SWFLAG_1
	S2SWFlag2              S2Attributes = 0x200000000000000  // AP_S2_SWFLAG_2
	S2SWFlag3              S2Attributes = 0x400000000000000  // AP_S2_SWFLAG_3
	S2FnXS                 S2Attributes = 0x800              // AP_S2_FNXS
	S2DBM                  S2Attributes = 0x8000000000000    // AP_S2_DBM
	S2Contiguous           S2Attributes = 0x10000000000000   // AP_S2_CONTIGUOUS
	S2XN0                  S2Attributes = 0x20000000000000   // AP_S2_XN0
	S2MemAttrMask          S2Attributes = 0x3c               // AP_S2_MEMATTR_MASK
	S2APMask               S2Attributes = 0xc0               // AP_S2_S2AP_MASK
	S2SHMask               S2Attributes = 0x300              // AP_S2_SH_MASK
	S2XNMask               S2Attributes = 0x60000000000000   // AP_S2_XN_MASK
	S2PBHAMask             S2Attributes = 0x7800000000000000 // AP_S2_PBHA_MASK
)
