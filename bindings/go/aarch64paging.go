// SPDX-License-Identifier: MIT OR Apache-2.0

// Package aarch64paging wraps libaarch64paging, the C library that builds,
// edits, walks and activates AArch64 translation tables. It adds no logic
// of its own but one check (see Attribute types): statuses become error
// values usable with errors.Is and errors.As, handles get Close, callbacks
// are Go functions and interfaces, attribute bits get a type per format.
//
// # Attribute types
//
// Attribute bits have one type per descriptor format: EL1Attributes (the
// EL1* constants) for the EL1&0 and EL2&0 regimes, EL23Attributes (EL23*)
// for EL2 and EL3, S2Attributes (S2*) for stage 2. A Mapping, its
// Descriptors and TranslateResults take the format as a type argument,
// NewIdentity[EL1Attributes](opts), so bits of another format do not
// compile; the one check the package adds is that the type argument is
// the regime's format when the mapping is made (a *FormatError if not).
// Whole descriptors, which hold an output address too, are uint64.
//
// # Concurrency
//
// The library takes no locks, and neither does this package. On one
// Mapping, the calls that only read (Walk, WalkRuns, Translate, Dump,
// DumpAs, WriteTo, TableCount and the getters) may run in parallel goroutines as
// long as no goroutine edits that Mapping at the same time; edits (Map,
// MapAuto, Unmap, Modify, Compact, Close) need the Mapping to themselves.
// MarkActive and MarkInactive may be called from any goroutine. Callbacks
// must not edit the Mapping that calls them. Different Mappings are
// independent.
package aarch64paging

// #cgo pkg-config: aarch64-paging
// #include <aarch64_paging.h>
import "C"

// Version is the library's version as major<<16 | minor<<8 | patch.
func Version() uint32 { return uint32(C.ap_version()) }

// VersionString is the library's version as text, e.g. "0.1.0".
func VersionString() string { return C.GoString(C.ap_version_string()) }

// Constraints are AP_CONSTRAINT_* bits.
type Constraints uint32

const (
	// NoConstraints allows blocks and the contiguous hint.
	NoConstraints Constraints = 0
	// NoBlockMappings maps pages only.
	NoBlockMappings Constraints = 1
	// NoContiguousHint never sets the contiguous hint.
	NoContiguousHint Constraints = 2
)

// VARange is the half of the input address space a stage 1 table serves.
type VARange int

const (
	// VARangeLower is the range from 0 upward (TTBR0), the zero value.
	VARangeLower VARange = 0
	// VARangeUpper is the range up to 2^64 (TTBR1).
	VARangeUpper VARange = 1
)

// PTEOutputAddress is the output address of bits as a descriptor at level.
func PTEOutputAddress(bits uint64, level uint) uint64 {
	return uint64(C.ap_pte_output_address(C.uint64_t(bits), C.uint(level)))
}

// PTEFlags is the attribute bits of bits as a descriptor at level.
func PTEFlags(bits uint64, level uint) uint64 {
	return uint64(C.ap_pte_flags(C.uint64_t(bits), C.uint(level)))
}

// PTEIsValid tells whether the valid bit is set.
func PTEIsValid(bits uint64) bool { return bool(C.ap_pte_is_valid(C.uint64_t(bits))) }

// PTEIsTableOrPage tells whether bit 1 is set.
func PTEIsTableOrPage(bits uint64) bool { return bool(C.ap_pte_is_table_or_page(C.uint64_t(bits))) }

// PTEIsTable tells whether bits at level points to a next-level table.
func PTEIsTable(bits uint64, level uint) bool {
	return bool(C.ap_pte_is_table(C.uint64_t(bits), C.uint(level)))
}

// BBMSafe tells whether an entry at level (0 to 3) of a live table may
// change from old to new in one store, without break-before-make, in the
// descriptor format of kind (ap_bbm_safe). Invalidating a valid entry or
// filling an invalid one always may; between two valid values the output
// address must stay, a block must not become a table or back, and only
// the attributes the format lets change may change. It fails with
// ErrInvalidArgument for an unknown kind or a level above 3.
func BBMSafe(kind RegimeKind, level uint, old, new uint64) (bool, error) {
	var safe C.bool
	if err := check(C.ap_bbm_safe(C.ap_regime_kind_t(kind), C.uint(level), C.uint64_t(old), C.uint64_t(new), &safe)); err != nil {
		return false, err
	}
	return bool(safe), nil
}
