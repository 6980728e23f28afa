// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// #include <aarch64_paging.h>
import "C"

import (
	"errors"
	"fmt"
)

// Status is a status of the library (ap_status_t): one of the constants
// below, never StatusOK in an error. String gives its C name, e.g.
// "AP_ERR_NO_MEMORY"; Err gives its sentinel.
type Status int

// The statuses, one per AP_* value of ap_status_t.
const (
	StatusOK                    Status = 0  // AP_OK, never in an error
	StatusAddressRange          Status = 1  // AP_ERR_ADDRESS_RANGE
	StatusInvalidVirtualAddress Status = 2  // AP_ERR_INVALID_VIRTUAL_ADDRESS
	StatusRegionBackwards       Status = 3  // AP_ERR_REGION_BACKWARDS
	StatusPTEUpdateFault        Status = 4  // AP_ERR_PTE_UPDATE_FAULT
	StatusInvalidFlags          Status = 5  // AP_ERR_INVALID_FLAGS
	StatusBreakBeforeMake       Status = 6  // AP_ERR_BREAK_BEFORE_MAKE
	StatusNoMemory              Status = 7  // AP_ERR_NO_MEMORY
	StatusInvalidArgument       Status = 8  // AP_ERR_INVALID_ARGUMENT
	StatusStillActive           Status = 9  // AP_ERR_STILL_ACTIVE
	StatusNotActive             Status = 10 // AP_ERR_NOT_ACTIVE
	StatusUnsupported           Status = 11 // AP_ERR_UNSUPPORTED
	StatusBadTableAddress       Status = 12 // AP_ERR_BAD_TABLE_ADDRESS
	StatusNotMapped             Status = 13 // AP_ERR_NOT_MAPPED
	StatusBufferTooSmall        Status = 14 // AP_ERR_BUFFER_TOO_SMALL
	StatusWriteFailed           Status = 15 // AP_ERR_WRITE_FAILED
	StatusStopped               Status = 16 // AP_ERR_STOPPED
	StatusMalformedTable        Status = 17 // AP_ERR_MALFORMED_TABLE
	StatusReadOnly              Status = 18 // AP_ERR_READ_ONLY
)

var statusNames = [...]string{
	"AP_OK", "AP_ERR_ADDRESS_RANGE", "AP_ERR_INVALID_VIRTUAL_ADDRESS", "AP_ERR_REGION_BACKWARDS",
	"AP_ERR_PTE_UPDATE_FAULT", "AP_ERR_INVALID_FLAGS", "AP_ERR_BREAK_BEFORE_MAKE", "AP_ERR_NO_MEMORY",
	"AP_ERR_INVALID_ARGUMENT", "AP_ERR_STILL_ACTIVE", "AP_ERR_NOT_ACTIVE", "AP_ERR_UNSUPPORTED",
	"AP_ERR_BAD_TABLE_ADDRESS", "AP_ERR_NOT_MAPPED", "AP_ERR_BUFFER_TOO_SMALL", "AP_ERR_WRITE_FAILED",
	"AP_ERR_STOPPED", "AP_ERR_MALFORMED_TABLE", "AP_ERR_READ_ONLY",
}

// The values are written out so that go doc shows them; an index other than
// 0 into a one-element array does not compile if one ever differs from the
// header's.
var _ = [1]struct{}{}[(StatusOK-C.AP_OK)|(StatusAddressRange-C.AP_ERR_ADDRESS_RANGE)|
	(StatusInvalidVirtualAddress-C.AP_ERR_INVALID_VIRTUAL_ADDRESS)|(StatusRegionBackwards-C.AP_ERR_REGION_BACKWARDS)|
	(StatusPTEUpdateFault-C.AP_ERR_PTE_UPDATE_FAULT)|(StatusInvalidFlags-C.AP_ERR_INVALID_FLAGS)|
	(StatusBreakBeforeMake-C.AP_ERR_BREAK_BEFORE_MAKE)|(StatusNoMemory-C.AP_ERR_NO_MEMORY)|
	(StatusInvalidArgument-C.AP_ERR_INVALID_ARGUMENT)|(StatusStillActive-C.AP_ERR_STILL_ACTIVE)|
	(StatusNotActive-C.AP_ERR_NOT_ACTIVE)|(StatusUnsupported-C.AP_ERR_UNSUPPORTED)|
	(StatusBadTableAddress-C.AP_ERR_BAD_TABLE_ADDRESS)|(StatusNotMapped-C.AP_ERR_NOT_MAPPED)|
	(StatusBufferTooSmall-C.AP_ERR_BUFFER_TOO_SMALL)|(StatusWriteFailed-C.AP_ERR_WRITE_FAILED)|
	(StatusStopped-C.AP_ERR_STOPPED)|(StatusMalformedTable-C.AP_ERR_MALFORMED_TABLE)|
	(StatusReadOnly-C.AP_ERR_READ_ONLY)]

// String is the status's C name, e.g. "AP_ERR_NO_MEMORY", or
// "Status(19)" for one this binding does not know.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Text is the library's text for the status (ap_strerror), e.g. "out of
// memory for tables".
func (s Status) Text() string { return C.GoString(C.ap_strerror(C.ap_status_t(s))) }

// Err is the sentinel of a non-zero status, the same as StatusOf(s); nil
// for StatusOK.
func (s Status) Err() error {
	if s == StatusOK {
		return nil
	}
	return StatusOf(s)
}

// StatusError is one status of the library; the Err* values below are the
// only ones, so errors.Is(err, ErrNoMemory) works.
type StatusError struct {
	Status Status // never StatusOK
}

// Error is the library's text for the status (ap_strerror), e.g. "out of
// memory for tables".
func (e *StatusError) Error() string { return e.Status.Text() }

// One sentinel per status (AP_ERR_*).
var (
	ErrAddressRange          = &StatusError{StatusAddressRange}
	ErrInvalidVirtualAddress = &StatusError{StatusInvalidVirtualAddress}
	ErrRegionBackwards       = &StatusError{StatusRegionBackwards}
	ErrPTEUpdateFault        = &StatusError{StatusPTEUpdateFault}
	ErrInvalidFlags          = &StatusError{StatusInvalidFlags}
	ErrBreakBeforeMake       = &StatusError{StatusBreakBeforeMake}
	ErrNoMemory              = &StatusError{StatusNoMemory}
	ErrInvalidArgument       = &StatusError{StatusInvalidArgument}
	ErrStillActive           = &StatusError{StatusStillActive}
	ErrNotActive             = &StatusError{StatusNotActive}
	ErrUnsupported           = &StatusError{StatusUnsupported}
	ErrBadTableAddress       = &StatusError{StatusBadTableAddress}
	ErrNotMapped             = &StatusError{StatusNotMapped}
	ErrBufferTooSmall        = &StatusError{StatusBufferTooSmall}
	ErrWriteFailed           = &StatusError{StatusWriteFailed}
	ErrStopped               = &StatusError{StatusStopped}        // a walk callback failed; modify callbacks give ErrPTEUpdateFault
	ErrMalformedTable        = &StatusError{StatusMalformedTable} // a table reached twice in one walk (loop or shared subtable)
	ErrReadOnly              = &StatusError{StatusReadOnly}       // the mapping was opened read-only
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
	Status     Status // the library's status; its sentinel is Status.Err()
	Address    uint64 // address-range, invalid-address errors; bad-table-address and malformed-table errors: the table's physical address
	Region     Region // region-backwards and break-before-make errors
	Descriptor uint64 // PTE-update-fault and stopped errors: the descriptor a callback was given
	Flags      uint64 // invalid-flags errors
	Callback   error  // the error a Go callback returned, if one did
}

// Error is the status's text with the detail that status has, then the
// callback's error if there was one.
func (e *Error) Error() string {
	text := e.Status.Text()
	switch e.Status {
	case StatusAddressRange, StatusInvalidVirtualAddress, StatusBadTableAddress, StatusMalformedTable:
		text += fmt.Sprintf(" (address %#x)", e.Address)
	case StatusRegionBackwards, StatusBreakBeforeMake:
		text += fmt.Sprintf(" (region %#x+%#x)", e.Region.Start, e.Region.Size)
	case StatusPTEUpdateFault, StatusStopped:
		text += fmt.Sprintf(" (descriptor %#x)", e.Descriptor)
	case StatusInvalidFlags:
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

// ErrClosed is the error, wrapped, of a call on a closed Mapping (the
// methods that return an error) and of a constructor given a closed
// Regime, as os.ErrClosed is a closed file's: errors.Is(err, ErrClosed)
// holds for it. So does errors.Is(err, ErrInvalidArgument), which these
// calls returned before ErrClosed existed.
var ErrClosed = errors.New("aarch64paging: use of a closed Mapping or Regime")

// closedError names what was used after Close.
type closedError struct{ what string }

// closed is the error of what (e.g. "Mapping.Map") used after Close.
func closed(what string) error { return &closedError{what} }

func (e *closedError) Error() string { return "aarch64paging: " + e.what + " used after Close" }

// Unwrap gives ErrClosed.
func (e *closedError) Unwrap() error { return ErrClosed }

// Is matches ErrInvalidArgument too.
func (e *closedError) Is(target error) bool { return target == ErrInvalidArgument }

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
func StatusOf(status Status) *StatusError {
	if status >= 1 && int(status) <= len(sentinels) {
		return sentinels[status-1]
	}
	return &StatusError{status}
}

func check(status C.ap_status_t) error {
	if status == C.AP_OK {
		return nil
	}
	return &Error{Status: Status(status)}
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
		Status:     Status(status),
		Address:    uint64(d.address),
		Region:     Region{uint64(d.region.start), uint64(d.region.size)},
		Descriptor: uint64(d.descriptor),
		Flags:      uint64(d.flags),
	}
}
