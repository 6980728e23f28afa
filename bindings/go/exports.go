// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

// The Go functions the C library calls back. Each receives a cgo.Handle
// (as ctx) naming the Go value that serves the call. A panic must not
// cross into C: it becomes a failure of the callback.

// #include <aarch64_paging.h>
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

func handleOf(ctx unsafe.Pointer) cgo.Handle { return cgo.Handle(uintptr(ctx)) }

// failed runs f, turning a panic into false.
func failed(f func() error, record func(error)) (bad bool) {
	defer func() {
		if r := recover(); r != nil {
			record(&panicError{r})
			bad = true
		}
	}()
	if err := f(); err != nil {
		record(err)
		return true
	}
	return false
}

//export goAllocateTable
func goAllocateTable(ctx unsafe.Pointer, pa *C.ap_pa_t) unsafe.Pointer {
	t := handleOf(ctx).Value().(*translationCall)
	var table unsafe.Pointer
	if failed(func() error {
		var address uint64
		var err error
		table, address, err = t.translation.AllocateTable()
		*pa = C.ap_pa_t(address)
		return err
	}, t.record) {
		return nil
	}
	return table
}

//export goFreeTable
func goFreeTable(ctx unsafe.Pointer, table unsafe.Pointer, pa C.ap_pa_t) {
	t := handleOf(ctx).Value().(*translationCall)
	failed(func() error { t.translation.FreeTable(table, uint64(pa)); return nil }, func(error) {})
}

//export goPhysicalToVirtual
func goPhysicalToVirtual(ctx unsafe.Pointer, pa C.ap_pa_t) unsafe.Pointer {
	t := handleOf(ctx).Value().(*translationCall)
	var table unsafe.Pointer
	failed(func() error { table = t.translation.PhysicalToVirtual(uint64(pa)); return nil },
		func(error) { table = nil })
	return table
}

//export goAllocateTables
func goAllocateTables(ctx unsafe.Pointer, bytes C.size_t, pa *C.ap_pa_t) unsafe.Pointer {
	t := handleOf(ctx).Value().(*translationCall)
	var tables unsafe.Pointer
	if failed(func() error {
		var address uint64
		var err error
		tables, address, err = t.translation.(TablesAllocator).AllocateTables(int(bytes))
		*pa = C.ap_pa_t(address)
		return err
	}, t.record) {
		return nil
	}
	return tables
}

//export goFreeTables
func goFreeTables(ctx unsafe.Pointer, tables unsafe.Pointer, pa C.ap_pa_t, bytes C.size_t) {
	t := handleOf(ctx).Value().(*translationCall)
	failed(func() error { t.translation.(TablesAllocator).FreeTables(tables, uint64(pa), int(bytes)); return nil },
		func(error) {})
}

//export goModify
func goModify(ctx unsafe.Pointer, region *C.ap_region_t, d *C.ap_descriptor_t) C.int {
	call := handleOf(ctx).Value().(*callbackCall)
	r := Region{uint64(region.start), uint64(region.size)}
	if failed(func() error { return call.modify(r, d) }, call.record) {
		return 1
	}
	return 0
}

//export goWalk
func goWalk(ctx unsafe.Pointer, region *C.ap_region_t, bits C.uint64_t, level C.uint) C.int {
	call := handleOf(ctx).Value().(*callbackCall)
	r := Region{uint64(region.start), uint64(region.size)}
	if failed(func() error { return call.walk(r, uint64(bits), uint(level)) }, call.record) {
		return 1
	}
	return 0
}

//export goWalkRun
func goWalkRun(ctx unsafe.Pointer, region *C.ap_region_t, bits *C.uint64_t, count C.size_t, level C.uint) C.int {
	call := handleOf(ctx).Value().(*callbackCall)
	r := Region{uint64(region.start), uint64(region.size)}
	run := unsafe.Slice((*uint64)(unsafe.Pointer(bits)), int(count))
	if failed(func() error { return call.walkRun(r, run, uint(level)) }, call.record) {
		return 1
	}
	return 0
}

//export goWrite
func goWrite(ctx unsafe.Pointer, text *C.char, length C.size_t) C.int {
	out := handleOf(ctx).Value().(*[]byte)
	*out = append(*out, C.GoBytes(unsafe.Pointer(text), C.int(length))...)
	return 0
}

//export goWriteTo
func goWriteTo(ctx unsafe.Pointer, text *C.char, length C.size_t) C.int {
	call := handleOf(ctx).Value().(*writeCall)
	record := func(err error) {
		if call.err == nil {
			call.err = err
		}
	}
	if failed(func() error {
		_, err := call.w.Write(C.GoBytes(unsafe.Pointer(text), C.int(length)))
		return err
	}, record) {
		return 1
	}
	return 0
}

//export goInvalidate
func goInvalidate(ctx unsafe.Pointer, inv *C.ap_invalidation_t) {
	hooks := handleOf(ctx).Value().(RegimeHooks)
	i := Invalidation{
		VA: uint64(inv.va), Level: uint(inv.level), Table: inv.kind == C.AP_INVALIDATE_TABLE,
		ASID: uint16(inv.asid), VARange: VARange(inv.va_range),
		RangeStart: uint64(inv.range_start), RangeSize: uint64(inv.range_size),
	}
	// A library older than 0.4.0 passes a smaller struct: 4 KiB then.
	if uintptr(inv.size) >= unsafe.Offsetof(inv.granule)+unsafe.Sizeof(inv.granule) {
		i.Granule = Granule(inv.granule)
	}
	failed(func() error { hooks.Invalidate(i); return nil }, func(error) {})
}

//export goBarrier
func goBarrier(ctx unsafe.Pointer) {
	hooks := handleOf(ctx).Value().(RegimeHooks)
	failed(func() error { hooks.Barrier(); return nil }, func(error) {})
}

//export goActivate
func goActivate(ctx unsafe.Pointer, root C.ap_pa_t, asid C.uint16_t, r C.ap_va_range_t) C.uint64_t {
	hooks := handleOf(ctx).Value().(RegimeHooks)
	previous := ^uint64(0)
	failed(func() error { previous = hooks.Activate(uint64(root), uint16(asid), VARange(r)); return nil },
		func(error) {})
	return C.uint64_t(previous)
}

//export goDeactivate
func goDeactivate(ctx unsafe.Pointer, previous C.uint64_t, asid C.uint16_t, r C.ap_va_range_t) {
	hooks := handleOf(ctx).Value().(RegimeHooks)
	failed(func() error { hooks.Deactivate(uint64(previous), uint16(asid), VARange(r)); return nil },
		func(error) {})
}
