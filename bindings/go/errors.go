// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// #include <aarch64_paging.h>
import "C"

import (
	"errors"
	"fmt"
)

// StatusError is one status of the library; the Err* values below are the
// only ones, so errors.Is(err, ErrNoMemory) works.
type StatusError struct {
	Status int // the ap_status_t value, AP_ERR_* (never 0)
}

// Error is the library's text for the status (ap_strerror), e.g. "out of
// memory for tables".
func (e *StatusError) Error() string { return C.GoString(C.ap_strerror(C.ap_status_t(e.Status))) }

// One sentinel per status (AP_ERR_*).
var (
	ErrAddressRange          = &StatusError{1}
	ErrInvalidVirtualAddress = &StatusError{2}
	ErrRegionBackwards       = &StatusError{3}
	ErrPTEUpdateFault        = &StatusError{4}
	ErrInvalidFlags          = &StatusError{5}
	ErrBreakBeforeMake       = &StatusError{6}
	ErrNoMemory              = &StatusError{7}
	ErrInvalidArgument       = &StatusError{8}
	ErrStillActive           = &StatusError{9}
	ErrNotActive             = &StatusError{10}
	ErrUnsupported           = &StatusError{11}
	ErrBadTableAddress       = &StatusError{12}
	ErrNotMapped             = &StatusError{13}
	ErrBufferTooSmall        = &StatusError{14}
	ErrWriteFailed           = &StatusError{15}
	ErrStopped               = &StatusError{16} // a walk callback failed; modify callbacks give ErrPTEUpdateFault
	ErrMalformedTable        = &StatusError{17} // a table reached twice in one walk (loop or shared subtable)
	ErrReadOnly              = &StatusError{18} // the mapping was opened read-only
)

var sentinels = []*StatusError{
	ErrAddressRange, ErrInvalidVirtualAddress, ErrRegionBackwards, ErrPTEUpdateFault,
	ErrInvalidFlags, ErrBreakBeforeMake, ErrNoMemory, ErrInvalidArgument, ErrStillActive,
	ErrNotActive, ErrUnsupported, ErrBadTableAddress, ErrNotMapped, ErrBufferTooSmall,
	ErrWriteFailed, ErrStopped, ErrMalformedTable, ErrReadOnly,
}

// Error is a failed call with the detail the library gave; errors.Is
// matches it with its sentinel, errors.As gets at the detail.
type Error struct {
	Status     int    // the ap_status_t value; its sentinel is StatusOf(Status)
	Address    uint64 // address-range, invalid-address errors; bad-table-address and malformed-table errors: the table's physical address
	Region     Region // region-backwards and break-before-make errors
	Descriptor uint64 // PTE-update-fault and stopped errors: the descriptor a callback was given
	Flags      uint64 // invalid-flags errors
	Callback   error  // the error a Go callback returned, if one did
}

// Error is the status's text with the detail that status has, then the
// callback's error if there was one.
func (e *Error) Error() string {
	text := (&StatusError{e.Status}).Error()
	switch e.Status {
	case 1, 2, 12, 17:
		text += fmt.Sprintf(" (address %#x)", e.Address)
	case 3, 6:
		text += fmt.Sprintf(" (region %#x+%#x)", e.Region.Start, e.Region.Size)
	case 4, 16:
		text += fmt.Sprintf(" (descriptor %#x)", e.Descriptor)
	case 5:
		text += fmt.Sprintf(" (flags %#x)", e.Flags)
	}
	if e.Callback != nil {
		text += ": " + e.Callback.Error()
	}
	return text
}

// Message is the library's one-line text for the error with its detail
// (ap_error_describe), e.g. "Virtual address 0x0000008000001000 out of
// range". Error gives the status's name with the detail in a shorter form,
// and the callback's error.
func (e *Error) Message() string {
	raw := newDetail()
	raw.status = C.ap_status_t(e.Status)
	raw.address = C.ap_va_t(e.Address)
	raw.region = e.Region.raw()
	raw.descriptor = C.uint64_t(e.Descriptor)
	raw.flags = C.ap_attrs_t(e.Flags)
	text, err := formatText(func(buf *C.char, size C.size_t, needed *C.size_t) C.ap_status_t {
		return C.ap_error_describe(&raw, buf, size, needed)
	})
	if err != nil {
		// Only bad arguments fail, which raw rules out.
		return e.Error()
	}
	return text
}

// Unwrap gives the sentinel of the status (and so errors.Is works).
func (e *Error) Unwrap() error { return StatusOf(e.Status) }

// Is matches the error a callback returned as well as the status's
// sentinel, so that errors.Is(err, yourErr) finds your callback's error
// (Go 1.19 has no multi-error Unwrap).
func (e *Error) Is(target error) bool {
	return e.Callback != nil && errors.Is(e.Callback, target)
}

// As reaches into the error a callback returned: errors.As(err, &yours)
// finds your error type there (a *Error target still gets this error).
func (e *Error) As(target any) bool {
	return e.Callback != nil && errors.As(e.Callback, target)
}

// FormatError is the error of NewIdentity, NewLinear, NewTarget, NewCustom
// and Open when their type argument is not the attribute type of the
// regime's descriptor format, e.g. NewIdentity[S2Attributes] with the
// default EL1&0 regime. errors.Is(err, ErrInvalidArgument) holds for it.
type FormatError struct {
	Regime     RegimeKind // the regime of the Options
	Attributes string     // the type argument given, e.g. "S2Attributes"
}

// Error names the regime and both attribute types.
func (e *FormatError) Error() string {
	want, ok := attributesName(e.Regime)
	if !ok {
		return fmt.Sprintf("aarch64paging: unknown regime %v for a mapping of %s", e.Regime, e.Attributes)
	}
	return fmt.Sprintf("aarch64paging: a mapping of the %v regime takes %s, not %s", e.Regime, want, e.Attributes)
}

// Unwrap gives ErrInvalidArgument.
func (e *FormatError) Unwrap() error { return ErrInvalidArgument }

// StatusOf is the sentinel of a non-zero status (a new *StatusError for one
// this binding does not know).
func StatusOf(status int) *StatusError {
	if status >= 1 && status <= len(sentinels) {
		return sentinels[status-1]
	}
	return &StatusError{status}
}

func check(status C.ap_status_t) error {
	if status == C.AP_OK {
		return nil
	}
	return &Error{Status: int(status)}
}

func newDetail() C.ap_error_t {
	var e C.ap_error_t
	e.size = C.size_t(C.sizeof_ap_error_t)
	return e
}

func checkDetail(status C.ap_status_t, d *C.ap_error_t) error {
	if status == C.AP_OK {
		return nil
	}
	return &Error{
		Status:     int(status),
		Address:    uint64(d.address),
		Region:     Region{uint64(d.region.start), uint64(d.region.size)},
		Descriptor: uint64(d.descriptor),
		Flags:      uint64(d.flags),
	}
}
