// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

/*
#include <stdint.h>
#include <aarch64_paging.h>

extern void goInvalidate(void *ctx, ap_invalidation_t *inv);
extern void goBarrier(void *ctx);
extern uint64_t goActivate(void *ctx, ap_pa_t root, uint16_t asid, ap_va_range_t range);
extern void goDeactivate(void *ctx, uint64_t previous, uint16_t asid, ap_va_range_t range);

static void invalidate_glue(void *ctx, const ap_invalidation_t *inv)
{
	goInvalidate(ctx, (ap_invalidation_t *)inv);
}

// ctx is a cgo.Handle, passed as an integer so Go never converts it.
static ap_status_t create_hooked_regime(ap_regime_kind_t kind, uintptr_t handle, ap_regime_t **out)
{
	ap_regime_hooks_t hooks = {sizeof(hooks), invalidate_glue, goBarrier, goActivate, goDeactivate};
	return ap_regime_create(kind, &hooks, (void *)handle, out);
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"runtime/cgo"
)

// RegimeKind names the five regimes (ap_regime_kind_t).
type RegimeKind int

// The regimes.
const (
	EL1And0 RegimeKind = 0 // non-secure EL1&0 stage 1: ASID, both VA ranges
	EL2And0 RegimeKind = 1 // non-secure EL2&0 (VHE) stage 1: ASID, both VA ranges
	EL2     RegimeKind = 2 // non-secure EL2 stage 1
	EL3     RegimeKind = 3 // secure EL3 stage 1
	Stage2  RegimeKind = 4 // non-secure stage 2
)

// String names the regime as the Arm architecture does, e.g. "EL1&0".
func (k RegimeKind) String() string {
	switch k {
	case EL1And0:
		return "EL1&0"
	case EL2And0:
		return "EL2&0"
	case EL2:
		return "EL2"
	case EL3:
		return "EL3"
	case Stage2:
		return "stage 2"
	}
	return fmt.Sprintf("RegimeKind(%d)", int(k))
}

// attributesName is the name of the attribute type of kind's descriptor
// format, and whether kind is one this package knows.
func attributesName(kind RegimeKind) (string, bool) {
	switch kind {
	case EL1And0, EL2And0:
		return "EL1Attributes", true
	case EL2, EL3:
		return "EL23Attributes", true
	case Stage2:
		return "S2Attributes", true
	}
	return "", false
}

// attributesOf is the name of A, one of the three attribute types.
func attributesOf[A Attributes]() string {
	switch any(*new(A)).(type) {
	case EL1Attributes:
		return "EL1Attributes"
	case EL23Attributes:
		return "EL23Attributes"
	}
	return "S2Attributes"
}

// Invalidation is one changed live descriptor that was valid.
type Invalidation struct {
	VA      uint64  // an input address inside the changed descriptor's range
	Level   uint    // the level of the changed descriptor (0..3)
	Table   bool    // a table descriptor was removed (else a leaf changed)
	ASID    uint16  // the mapping's ASID (0 for regimes without one)
	VARange VARange // the mapping's VA range
	// RangeStart and RangeSize are the input addresses the descriptor
	// translated: for a removed table, every TLB entry in that range must go.
	RangeStart uint64
	RangeSize  uint64
	// Granule is the mapping's granule, on which the TLBI operand's TG
	// and TTL fields depend.
	Granule Granule
}

// RegimeHooks receives the maintenance and activation of a caller-defined
// regime, e.g. a VMM forwarding flushes to its hypervisor.
type RegimeHooks interface {
	// Invalidate removes the TLB entries of one changed descriptor's
	// whole range (RangeStart, RangeSize). Table memory is freed only
	// after Barrier.
	Invalidate(Invalidation)
	// Barrier completes the earlier invalidations (DSB and ISB on
	// hardware), once per edit that invalidated.
	Barrier()
	// Activate installs a table and returns the previous TTBR value.
	Activate(root uint64, asid uint16, r VARange) uint64
	// Deactivate restores previousTTBR and drops the table's TLB entries.
	Deactivate(previousTTBR uint64, asid uint16, r VARange)
}

// NoopRegimeHooks implements RegimeHooks with hooks that do nothing, as a
// NULL hook does in C (Activate reports the previous TTBR as ^uint64(0)).
// Embed it to implement only the hooks you need:
//
//	type flusher struct{ ap.NoopRegimeHooks }
//	func (flusher) Invalidate(inv ap.Invalidation) { ... }
type NoopRegimeHooks struct{}

// Invalidate does nothing.
func (NoopRegimeHooks) Invalidate(Invalidation) {}

// Barrier does nothing.
func (NoopRegimeHooks) Barrier() {}

// Activate installs nothing and reports no previous TTBR (^uint64(0)).
func (NoopRegimeHooks) Activate(uint64, uint16, VARange) uint64 { return ^uint64(0) }

// Deactivate does nothing.
func (NoopRegimeHooks) Deactivate(uint64, uint16, VARange) {}

// Regime is a built-in regime or one with Go hooks.
type Regime struct {
	raw    *C.ap_regime_t
	hooks  cgo.Handle // 0 for built-in regimes
	closed bool
}

// BuiltinRegime is the built-in regime of kind (memory-only in a hosted build).
func BuiltinRegime(kind RegimeKind) (*Regime, error) {
	var raw *C.ap_regime_t
	if err := check(C.ap_regime_get(C.ap_regime_kind_t(kind), &raw)); err != nil {
		return nil, err
	}
	return &Regime{raw: raw}, nil
}

// NewRegime makes a regime of kind whose maintenance calls hooks. Close it
// after the mappings that use it.
func NewRegime(kind RegimeKind, hooks RegimeHooks) (*Regime, error) {
	h := cgo.NewHandle(hooks)
	var raw *C.ap_regime_t
	if err := check(C.create_hooked_regime(C.ap_regime_kind_t(kind), C.uintptr_t(h), &raw)); err != nil {
		h.Delete()
		return nil, err
	}
	r := &Regime{raw: raw, hooks: h}
	runtime.SetFinalizer(r, func(r *Regime) { r.Close() })
	return r, nil
}

// Kind tells which regime this is. Like the Mapping getters, it panics on a
// closed Regime (and on a zero Regime{}), the one case the library refuses.
func (r *Regime) Kind() RegimeKind {
	kind, err := r.kind()
	if err != nil {
		panic("aarch64paging: Regime.Kind called after Close or on a zero Regime")
	}
	return kind
}

// kind is Kind for the constructors, which refuse a closed Regime with
// ErrClosed and a zero one with ErrInvalidArgument instead: its pointer is
// freed or NULL.
func (r *Regime) kind() (RegimeKind, error) {
	if r.closed {
		return 0, closed("a Mapping's Regime")
	}
	var kind C.ap_regime_kind_t
	err := check(C.ap_regime_get_kind(r.raw, &kind))
	return RegimeKind(kind), err
}

// Close destroys a regime made by NewRegime; ErrStillActive while a
// mapping uses it. Built-in regimes need no closing.
func (r *Regime) Close() error {
	if r.hooks == 0 || r.closed {
		return nil
	}
	if err := check(C.ap_regime_destroy(r.raw)); err != nil {
		return err
	}
	r.closed = true
	r.hooks.Delete()
	runtime.SetFinalizer(r, nil)
	return nil
}
