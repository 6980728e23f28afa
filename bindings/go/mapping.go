// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

/*
#include <stdint.h>
#include <aarch64_paging.h>

extern void *goAllocateTable(void *ctx, ap_pa_t *pa);
extern void goFreeTable(void *ctx, void *table, ap_pa_t pa);
extern void *goPhysicalToVirtual(void *ctx, ap_pa_t pa);
extern void *goAllocateTables(void *ctx, size_t bytes, ap_pa_t *pa);
extern void goFreeTables(void *ctx, void *tables, ap_pa_t pa, size_t bytes);
extern int goModify(void *ctx, ap_region_t *region, ap_descriptor_t *d);
extern int goWalk(void *ctx, ap_region_t *region, uint64_t bits, unsigned int level);
extern int goWalkRun(void *ctx, ap_region_t *region, uint64_t *bits, size_t count, unsigned int level);
extern int goWrite(void *ctx, char *text, size_t length);
extern int goWriteTo(void *ctx, char *text, size_t length);

// The Go callbacks take non-const pointers; these adapt the signatures.
static int modify_glue(void *ctx, const ap_region_t *r, ap_descriptor_t *d)
{
	return goModify(ctx, (ap_region_t *)r, d);
}
static int walk_glue(void *ctx, const ap_region_t *r, uint64_t bits, unsigned level)
{
	return goWalk(ctx, (ap_region_t *)r, bits, level);
}
static int run_glue(void *ctx, const ap_region_t *r, const uint64_t *bits, size_t n, unsigned level)
{
	return goWalkRun(ctx, (ap_region_t *)r, (uint64_t *)bits, n, level);
}
static int write_glue(void *ctx, const char *text, size_t length)
{
	return goWrite(ctx, (char *)text, length);
}
static int write_to_glue(void *ctx, const char *text, size_t length)
{
	return goWriteTo(ctx, (char *)text, length);
}

// The ops of a Go Translation; allocate_tables and free_tables only when
// it implements TablesAllocator (large), NULL otherwise, as in C.
static ap_translation_ops_t custom_ops(int large)
{
	ap_translation_ops_t ops = {sizeof(ops), goAllocateTable, goFreeTable, goPhysicalToVirtual,
				    large ? goAllocateTables : NULL, large ? goFreeTables : NULL};
	return ops;
}

// Every ctx is a cgo.Handle, passed as an integer so Go never converts it.
static ap_status_t create_custom(const ap_mapping_options_t *o, uintptr_t h, int large, ap_mapping_t **out)
{
	ap_translation_ops_t ops = custom_ops(large);
	return ap_mapping_create(o, &ops, (void *)h, out);
}
static ap_status_t open_custom(const ap_mapping_options_t *o, uintptr_t h, int large, ap_pa_t root,
			       int editable, ap_mapping_t **out)
{
	ap_translation_ops_t ops = custom_ops(large);
	return ap_mapping_open(o, &ops, (void *)h, root, editable ? AP_OPEN_EDITABLE : AP_OPEN_READ_ONLY, out);
}
static ap_status_t modify_go(ap_mapping_t *m, ap_region_t r, uintptr_t h, ap_error_t *e)
{
	return ap_mapping_modify(m, &r, modify_glue, (void *)h, e);
}
static ap_status_t walk_go(ap_mapping_t *m, ap_region_t r, uintptr_t h, ap_error_t *e)
{
	return ap_mapping_walk(m, &r, walk_glue, (void *)h, e);
}
static ap_status_t walk_runs_go(ap_mapping_t *m, ap_region_t r, uintptr_t h, ap_error_t *e)
{
	return ap_mapping_walk_runs(m, &r, run_glue, (void *)h, e);
}
static ap_status_t dump_go(ap_mapping_t *m, uintptr_t h)
{
	return ap_mapping_dump(m, write_glue, (void *)h);
}
static ap_status_t dump_as_go(ap_mapping_t *m, ap_dump_format_t f, uintptr_t h)
{
	return ap_mapping_dump_as(m, f, write_to_glue, (void *)h);
}
*/
import "C"

import (
	"fmt"
	"io"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Translation is the caller's memory for tables. Table memory must not be
// Go-managed (C keeps pointers to it): use C memory or syscall.Mmap.
type Translation interface {
	// AllocateTable returns a zeroed, 4 KiB-aligned 4 KiB table and its
	// physical address, or an error when it has none to give. The call
	// that needed the table then fails with ErrNoMemory, and the *Error's
	// Callback holds this error (errors.Is and errors.As find it).
	AllocateTable() (table unsafe.Pointer, pa uint64, err error)
	// FreeTable gives back a table from AllocateTable.
	FreeTable(table unsafe.Pointer, pa uint64)
	// PhysicalToVirtual returns the pointer to the table at pa, or nil.
	// For a block from AllocateTables it returns the block's start for the
	// block's address, through which all of the block is reached.
	PhysicalToVirtual(pa uint64) unsafe.Pointer
}

// TablesAllocator is what a Translation also implements to provide memory
// for tables larger than 4 KiB (allocate_tables and free_tables): every
// table of a 16 KiB or 64 KiB granule mapping and concatenated stage 2
// roots. Mappings that need them are refused with ErrUnsupported when the
// Translation does not implement it.
type TablesAllocator interface {
	// AllocateTables returns bytes (a power of two from 8 KiB to 1 MiB)
	// of zeroed, physically contiguous memory, aligned to bytes both as a
	// pointer and as a physical address, and its physical address, or an
	// error as AllocateTable does.
	AllocateTables(bytes int) (tables unsafe.Pointer, pa uint64, err error)
	// FreeTables gives back a block of bytes from AllocateTables.
	FreeTables(tables unsafe.Pointer, pa uint64, bytes int)
}

type translationCall struct {
	translation Translation
	err         error // the first error of AllocateTable(s) in the current call
}

func (t *translationCall) record(err error) {
	if t.err == nil {
		t.err = err
	}
}

// allocating runs f, a call that may allocate tables through the
// Translation of handle (0 for none), and attaches the first error the
// allocator returned to the ErrNoMemory *Error that f's call failed with.
func allocating(handle cgo.Handle, f func() error) error {
	if handle == 0 {
		return f()
	}
	call := handle.Value().(*translationCall)
	call.err = nil
	err := f()
	if e, ok := err.(*Error); ok && e.Status == StatusNoMemory && e.Callback == nil {
		e.Callback = call.err
	}
	call.err = nil
	return err
}

// large tells the C glue whether t implements TablesAllocator.
func large(t Translation) C.int {
	if _, ok := t.(TablesAllocator); ok {
		return 1
	}
	return 0
}

// callbackCall carries a Go callback and the first error it returned.
type callbackCall struct {
	modify  func(Region, *C.ap_descriptor_t) error
	walk    func(Region, uint64, uint) error
	walkRun func(Region, []uint64, uint) error
	err     error
}

func (c *callbackCall) record(err error) {
	if c.err == nil {
		c.err = err
	}
}

type panicError struct{ value interface{} }

func (p *panicError) Error() string { return fmt.Sprintf("callback panicked: %v", p.value) }

// Granule is the translation granule (ap_granule_t): the page size and
// the size of every table.
type Granule int

// The granules.
const (
	Granule4K  Granule = 0 // 4 KiB pages, 512-entry tables; blocks at levels 1 (1 GiB) and 2 (2 MiB)
	Granule16K Granule = 1 // 16 KiB pages, 2048-entry tables; blocks at level 2 (32 MiB)
	Granule64K Granule = 2 // 64 KiB pages, 8192-entry tables; blocks at level 2 (512 MiB); no level 0
)

// PageSize is the granule's page size in bytes, also the size of a table.
func (g Granule) PageSize() uint64 {
	switch g {
	case Granule16K:
		return 16 << 10
	case Granule64K:
		return 64 << 10
	}
	return 4 << 10
}

// String names the granule, e.g. "16K".
func (g Granule) String() string {
	switch g {
	case Granule4K:
		return "4K"
	case Granule16K:
		return "16K"
	case Granule64K:
		return "64K"
	}
	return fmt.Sprintf("Granule(%d)", int(g))
}

// Options say how to create a mapping.
type Options struct {
	Regime *Regime // nil: the built-in EL1&0 regime
	// RootLevel (0..3), used when InputBits is 0: the root is one whole
	// table at this level, covering 2^(48 - 9*RootLevel) bytes with 4 KiB
	// granules. It must be 0 when InputBits is set.
	RootLevel uint
	ASID      uint16  // EL1&0 and EL2&0 only
	VARange   VARange // EL1&0 and EL2&0 only
	Granule   Granule // the zero value is 4 KiB
	// InputBits is the input address size, 25..48 bits (TnSZ = 64 -
	// InputBits), or 0 for the RootLevel rule; the walk starts at the
	// level that resolves the top address bit.
	InputBits uint
	// MaxRootTables (stage 2 with InputBits): at most this many
	// concatenated root tables (1, 2, 4, 8 or 16); 0 means up to 16, 1
	// never concatenates. It must be 0 or 1 for stage 1 and without InputBits.
	MaxRootTables uint
	// MAIR (stage 1) is the MAIR_ELx value the tables are used with (see
	// MAIRFromAttributes), or 0 when not told. The library only names
	// memory types with it: DumpSVG colours regions normal or device. It
	// must be 0 for stage 2.
	MAIR uint64
}

func (o *Options) raw() C.ap_mapping_options_t {
	var raw C.ap_mapping_options_t
	raw.size = C.size_t(C.sizeof_ap_mapping_options_t)
	if o.Regime != nil {
		raw.regime = o.Regime.raw
	}
	raw.root_level = C.uint(o.RootLevel)
	raw.asid = C.uint16_t(o.ASID)
	raw.va_range = C.ap_va_range_t(o.VARange)
	raw.granule = C.ap_granule_t(o.Granule)
	raw.input_bits = C.uint(o.InputBits)
	raw.max_root_tables = C.uint(o.MaxRootTables)
	raw.mair = C.ap_mair_t(o.MAIR)
	return raw
}

// Mapping is one translation table hierarchy whose descriptors take
// attributes of type A: EL1Attributes for the EL1&0 and EL2&0 regimes,
// EL23Attributes for EL2 and EL3, S2Attributes for stage 2. Close frees
// it; a finalizer does too if Close was forgotten, but never while it is
// active.
type Mapping[A Attributes] struct {
	raw         *C.ap_mapping_t
	translation cgo.Handle
	regime      *Regime // kept alive while the mapping uses it
}

// checkFormat fails with a *FormatError unless A is the attribute type of
// the regime o names (EL1&0 when nil).
func checkFormat[A Attributes](o *Options) error {
	kind := EL1And0
	if o.Regime != nil {
		var err error
		if kind, err = o.Regime.kind(); err != nil {
			return err
		}
	}
	if want, _ := attributesName(kind); want != attributesOf[A]() {
		return &FormatError{Regime: kind, Attributes: attributesOf[A]()}
	}
	return nil
}

func newMapping[A Attributes](o *Options, handle cgo.Handle, create func(*C.ap_mapping_options_t, **C.ap_mapping_t) C.ap_status_t) (*Mapping[A], error) {
	raw := o.raw()
	var m *C.ap_mapping_t
	err := checkFormat[A](o)
	if err == nil {
		err = allocating(handle, func() error { return check(create(&raw, &m)) })
	}
	if err != nil {
		if handle != 0 {
			handle.Delete()
		}
		return nil, err
	}
	mapping := &Mapping[A]{raw: m, translation: handle, regime: o.Regime}
	runtime.SetFinalizer(mapping, func(m *Mapping[A]) { m.Close() })
	return mapping, nil
}

// NewIdentity makes a mapping whose tables sit at their own address.
//
// A, here and in NewLinear, NewTarget, NewCustom and Open, is the attribute
// type of the regime's descriptor format (see Mapping); another type fails
// with a *FormatError before any table is made.
func NewIdentity[A Attributes](o Options) (*Mapping[A], error) {
	return newMapping[A](&o, 0, func(raw *C.ap_mapping_options_t, out **C.ap_mapping_t) C.ap_status_t {
		return C.ap_mapping_create_identity(raw, out)
	})
}

// NewLinear makes a mapping where va maps to va + offset, tables too.
func NewLinear[A Attributes](o Options, offset int64) (*Mapping[A], error) {
	return newMapping[A](&o, 0, func(raw *C.ap_mapping_options_t, out **C.ap_mapping_t) C.ap_status_t {
		return C.ap_mapping_create_linear(raw, C.int64_t(offset), out)
	})
}

// NewTarget makes a table image for a target that loads it at base.
func NewTarget[A Attributes](o Options, base uint64) (*Mapping[A], error) {
	return newMapping[A](&o, 0, func(raw *C.ap_mapping_options_t, out **C.ap_mapping_t) C.ap_status_t {
		return C.ap_mapping_create_target(raw, C.ap_pa_t(base), out)
	})
}

// NewCustom makes a mapping whose tables come from t. A 16 KiB or 64 KiB
// granule, or a concatenated stage 2 root, needs t to be a TablesAllocator
// too (ErrUnsupported otherwise).
func NewCustom[A Attributes](o Options, t Translation) (*Mapping[A], error) {
	h := cgo.NewHandle(&translationCall{translation: t})
	return newMapping[A](&o, h, func(raw *C.ap_mapping_options_t, out **C.ap_mapping_t) C.ap_status_t {
		return C.create_custom(raw, C.uintptr_t(h), large(t), out)
	})
}

// Open adopts a table hierarchy built elsewhere (ap_mapping_open): the root
// table is at physical address rootPA, and t.PhysicalToVirtual reaches it
// and every table below it.
//
// Unless editable, every edit (Map, MapAuto, Unmap, Modify, Compact) fails
// with ErrReadOnly and t.AllocateTable and t.FreeTable are never called.
// A walk over a hierarchy that reaches a table twice (a loop, a shared
// subtable) fails with ErrMalformedTable; Translate follows one address as
// the MMU would. Close frees none of the tables, not even those an
// editable mapping added: they stay t's.
func Open[A Attributes](o Options, t Translation, rootPA uint64, editable bool) (*Mapping[A], error) {
	h := cgo.NewHandle(&translationCall{translation: t})
	e := C.int(0)
	if editable {
		e = 1
	}
	return newMapping[A](&o, h, func(raw *C.ap_mapping_options_t, out **C.ap_mapping_t) C.ap_status_t {
		return C.open_custom(raw, C.uintptr_t(h), large(t), C.ap_pa_t(rootPA), e, out)
	})
}

// Close destroys the mapping; ErrStillActive (nothing freed) if active.
// Closing a closed Mapping does nothing. After Close, the methods that
// return an error fail with an error that is ErrClosed (and, as before
// ErrClosed existed, ErrInvalidArgument), and IsActive, RootAddress,
// TTBR, Size, RootLevel, VARange and RegimeKind, which have no error to
// return, panic.
func (m *Mapping[A]) Close() error {
	if m.raw == nil {
		return nil
	}
	if err := check(C.ap_mapping_destroy(m.raw)); err != nil {
		return err
	}
	m.raw = nil
	if m.translation != 0 {
		m.translation.Delete()
		m.translation = 0
	}
	runtime.SetFinalizer(m, nil)
	return nil
}

// Map maps r to output address pa with attributes attrs.
func (m *Mapping[A]) Map(r Region, pa uint64, attrs A, c Constraints) error {
	if m.raw == nil {
		return closed("Mapping.Map")
	}
	d, raw := newDetail(), r.raw()
	return allocating(m.translation, func() error {
		return checkDetail(C.ap_mapping_map(m.raw, &raw, C.ap_pa_t(pa), C.ap_attrs_t(attrs), C.ap_constraints_t(c), &d), &d)
	})
}

// MapAuto maps r, with attributes attrs, to the output address its
// translation gives.
func (m *Mapping[A]) MapAuto(r Region, attrs A, c Constraints) error {
	if m.raw == nil {
		return closed("Mapping.MapAuto")
	}
	d, raw := newDetail(), r.raw()
	return allocating(m.translation, func() error {
		return checkDetail(C.ap_mapping_map_auto(m.raw, &raw, C.ap_attrs_t(attrs), C.ap_constraints_t(c), &d), &d)
	})
}

// Unmap unmaps r.
func (m *Mapping[A]) Unmap(r Region) error {
	if m.raw == nil {
		return closed("Mapping.Unmap")
	}
	d, raw := newDetail(), r.raw()
	return allocating(m.translation, func() error { return checkDetail(C.ap_mapping_unmap(m.raw, &raw, &d), &d) })
}

// runCallback calls the library with a handle for call and attaches the
// callback's own error to the *Error it caused (a PTE-update fault from a
// modify, a stop from a walk).
func runCallback(call *callbackCall, f func(C.uintptr_t, *C.ap_error_t) C.ap_status_t) error {
	h := cgo.NewHandle(call)
	defer h.Delete()
	d := newDetail()
	err := checkDetail(f(C.uintptr_t(h), &d), &d)
	if e, ok := err.(*Error); ok {
		e.Callback = call.err
	}
	return err
}

// Modify calls fn on every block, page and invalid descriptor of r. An
// error from fn stops the edit with ErrPTEUpdateFault (the *Error's
// Callback holds fn's error).
func (m *Mapping[A]) Modify(r Region, fn func(Region, *Descriptor[A]) error) error {
	if m.raw == nil {
		return closed("Mapping.Modify")
	}
	modify := func(r Region, d *C.ap_descriptor_t) error { return fn(r, &Descriptor[A]{raw: d}) }
	return allocating(m.translation, func() error {
		return runCallback(&callbackCall{modify: modify}, func(h C.uintptr_t, d *C.ap_error_t) C.ap_status_t {
			return C.modify_go(m.raw, r.raw(), h, d)
		})
	})
}

// WalkEntry is one descriptor a Walk callback is given, decoded for its
// level in the mapping's format A.
type WalkEntry[A Attributes] struct {
	Region        Region // the part of the walked region the descriptor covers
	Descriptor    uint64 // the whole descriptor, as the hardware reads it
	Level         uint   // the level of the table holding it (0..3)
	Attributes    A      // its attribute bits (PTEFlags); no Valid bit if invalid
	OutputAddress uint64 // its output address (PTEOutputAddress)
}

// Valid tells whether the descriptor is valid (PTEIsValid); Walk also
// gives the invalid descriptors of the region.
func (e WalkEntry[A]) Valid() bool { return PTEIsValid(e.Descriptor) }

// Walk calls fn on every non-table descriptor of r, invalid ones too, in
// address order. An error or a panic in fn stops the walk with ErrStopped
// (the *Error's Descriptor holds the descriptor fn was given, its Callback
// fn's error).
func (m *Mapping[A]) Walk(r Region, fn func(WalkEntry[A]) error) error {
	if m.raw == nil {
		return closed("Mapping.Walk")
	}
	walk := func(r Region, bits uint64, level uint) error {
		return fn(WalkEntry[A]{
			Region: r, Descriptor: bits, Level: level,
			Attributes: A(PTEFlags(bits, level)), OutputAddress: PTEOutputAddress(bits, level),
		})
	}
	return runCallback(&callbackCall{walk: walk}, func(h C.uintptr_t, d *C.ap_error_t) C.ap_status_t {
		return C.walk_go(m.raw, r.raw(), h, d)
	})
}

// WalkRuns calls fn once per run of descriptors of one table. The slice is
// valid only during the call. An error or a panic in fn stops the walk with
// ErrStopped, whose Descriptor is the first of the run.
func (m *Mapping[A]) WalkRuns(r Region, fn func(Region, []uint64, uint) error) error {
	if m.raw == nil {
		return closed("Mapping.WalkRuns")
	}
	return runCallback(&callbackCall{walkRun: fn}, func(h C.uintptr_t, d *C.ap_error_t) C.ap_status_t {
		return C.walk_runs_go(m.raw, r.raw(), h, d)
	})
}

// Dump is the readable text of the hierarchy.
func (m *Mapping[A]) Dump() (string, error) {
	if m.raw == nil {
		return "", closed("Mapping.Dump")
	}
	var out []byte
	h := cgo.NewHandle(&out)
	defer h.Delete()
	err := check(C.dump_go(m.raw, C.uintptr_t(h)))
	return string(out), err
}

// DumpFormat is a layout of DumpAs (ap_dump_format_t).
type DumpFormat int

const (
	// DumpReference is the layout of Dump, after the reference crate's
	// Debug output.
	DumpReference DumpFormat = 0
	// DumpRanges has one line per table and per run of entries, with
	// input ranges, output addresses and attributes by field.
	DumpRanges DumpFormat = 1
	// DumpJSON is the same as DumpRanges, as one JSON object.
	DumpJSON DumpFormat = 2
	// DumpSVG draws the input address space as an SVG picture: regions
	// as bands labelled with their addresses, breaks for unmapped space.
	DumpSVG DumpFormat = 3
)

// The values are written out so that go doc shows them; an index other than
// 0 into a one-element array does not compile if one ever differs from the
// header's.
var _ = [1]struct{}{}[(DumpReference-C.AP_DUMP_REFERENCE)|(DumpRanges-C.AP_DUMP_RANGES)|
	(DumpJSON-C.AP_DUMP_JSON)|(DumpSVG-C.AP_DUMP_SVG)]

// writeCall carries the writer of DumpAs and the first error it returned.
type writeCall struct {
	w   io.Writer
	err error
}

// DumpAs writes the hierarchy to w in format f (ap_mapping_dump_as). An
// error from w stops the dump with ErrWriteFailed (the *Error's Callback
// holds w's error). A hierarchy from Open that reaches a table twice
// prints that table once in the ranges and JSON layouts, and fails with
// ErrMalformedTable in the reference layout.
func (m *Mapping[A]) DumpAs(w io.Writer, f DumpFormat) error {
	if m.raw == nil {
		return closed("Mapping.DumpAs")
	}
	call := &writeCall{w: w}
	h := cgo.NewHandle(call)
	defer h.Delete()
	err := check(C.dump_as_go(m.raw, C.ap_dump_format_t(f), C.uintptr_t(h)))
	if e, ok := err.(*Error); ok {
		e.Callback = call.err
	}
	return err
}

// WriteTo writes the text of Dump to w, so that a Mapping is an
// io.WriterTo: n is the bytes w accepted. An error from w stops the dump
// with ErrWriteFailed (the *Error's Callback holds w's error).
func (m *Mapping[A]) WriteTo(w io.Writer) (n int64, err error) {
	if m.raw == nil {
		return 0, closed("Mapping.WriteTo")
	}
	counter := &countingWriter{w: w}
	err = m.DumpAs(counter, DumpReference)
	return counter.n, err
}

// countingWriter counts the bytes its writer accepted.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var _ io.WriterTo = (*Mapping[EL1Attributes])(nil)

// Compact frees empty subtables.
func (m *Mapping[A]) Compact() error {
	if m.raw == nil {
		return closed("Mapping.Compact")
	}
	return check(C.ap_mapping_compact(m.raw))
}

// TranslateResult is what Translate found, with the attributes in the
// mapping's format A.
type TranslateResult[A Attributes] struct {
	Mapped          bool   // if not, Level is where the walk faulted
	OutputAddress   uint64 // the address va translates to
	Attributes      A      // the attribute bits of the block or page descriptor
	TableAttributes A      // OR of the table attribute bits (59..63) of the table descriptors on the way
	Descriptor      uint64 // the whole descriptor the walk ended at
	Level           uint   // the level of that descriptor (0..3)
	BlockSize       uint64 // the bytes that descriptor maps: a page or a block
}

// Translate walks va as the MMU would.
func (m *Mapping[A]) Translate(va uint64) (TranslateResult[A], error) {
	if m.raw == nil {
		return TranslateResult[A]{}, closed("Mapping.Translate")
	}
	var r C.ap_translate_result_t
	r.size = C.size_t(C.sizeof_ap_translate_result_t)
	status := C.ap_mapping_translate(m.raw, C.ap_va_t(va), &r)
	if status != C.AP_OK && status != C.AP_ERR_NOT_MAPPED {
		return TranslateResult[A]{}, check(status)
	}
	return TranslateResult[A]{
		Mapped: status == C.AP_OK, OutputAddress: uint64(r.output_address),
		Attributes: A(r.attributes), TableAttributes: A(r.table_attributes),
		Descriptor: uint64(r.descriptor), Level: uint(r.level), BlockSize: uint64(r.block_size),
	}, nil
}

// Activate installs the table; it returns the TTBR value to restore.
func (m *Mapping[A]) Activate() (uint64, error) {
	if m.raw == nil {
		return 0, closed("Mapping.Activate")
	}
	var previous C.uint64_t
	err := check(C.ap_mapping_activate(m.raw, &previous))
	return uint64(previous), err
}

// Deactivate restores previousTTBR and marks the table inactive.
func (m *Mapping[A]) Deactivate(previousTTBR uint64) error {
	if m.raw == nil {
		return closed("Mapping.Deactivate")
	}
	return check(C.ap_mapping_deactivate(m.raw, C.uint64_t(previousTTBR)))
}

// MarkActive records that the caller installed the table itself.
func (m *Mapping[A]) MarkActive() error {
	if m.raw == nil {
		return closed("Mapping.MarkActive")
	}
	return check(C.ap_mapping_mark_active(m.raw))
}

// MarkInactive records that the caller removed the table itself.
func (m *Mapping[A]) MarkInactive() error {
	if m.raw == nil {
		return closed("Mapping.MarkInactive")
	}
	return check(C.ap_mapping_mark_inactive(m.raw))
}

// IsActive tells whether the table is active.
func (m *Mapping[A]) IsActive() bool {
	var active C.bool
	mustSucceed(C.ap_mapping_is_active(m.live("IsActive"), &active))
	return bool(active)
}

// live returns the C mapping for a getter the library refuses only a NULL
// mapping, and panics if m was closed: such a getter has no error result.
//
// A closed Mapping is a programming error, not a condition a correct
// program meets at run time, and Go reports those by panicking (a nil map
// written, a closed channel closed again, a copied strings.Builder). The
// methods that return an error anyway (Map, Translate, ...) keep returning
// one for a closed Mapping, as a closed *os.File's do (ErrClosed here,
// like os.ErrClosed); a getter would otherwise make every caller check an error that a
// live Mapping can never return.
func (m *Mapping[A]) live(method string) *C.ap_mapping_t {
	if m.raw == nil {
		panic("aarch64paging: Mapping." + method + " called after Close")
	}
	return m.raw
}

// mustSucceed panics on a status the library returns only for a NULL
// argument, which live and the getters' own locals rule out.
func mustSucceed(status C.ap_status_t) {
	if err := check(status); err != nil {
		panic("aarch64paging: the library refused a live mapping: " + err.Error())
	}
}

func (m *Mapping[A]) get64(method string, f func(*C.uint64_t) C.ap_status_t) (uint64, error) {
	if m.raw == nil {
		return 0, closed("Mapping." + method)
	}
	var v C.uint64_t
	err := check(f(&v))
	return uint64(v), err
}

// RootAddress is the root table's physical address.
func (m *Mapping[A]) RootAddress() uint64 {
	var v C.ap_pa_t
	mustSucceed(C.ap_mapping_root_address(m.live("RootAddress"), &v))
	return uint64(v)
}

// TTBR is the root address with the ASID in bits 63:48.
func (m *Mapping[A]) TTBR() uint64 {
	var v C.uint64_t
	mustSucceed(C.ap_mapping_ttbr(m.live("TTBR"), &v))
	return uint64(v)
}

// Size is the bytes of input address space the table covers.
func (m *Mapping[A]) Size() uint64 {
	var v C.uint64_t
	mustSucceed(C.ap_mapping_size(m.live("Size"), &v))
	return uint64(v)
}

// VAToPA is the output address of va in an identity or linear mapping.
func (m *Mapping[A]) VAToPA(va uint64) (uint64, error) {
	return m.get64("VAToPA", func(v *C.uint64_t) C.ap_status_t { return C.ap_mapping_va_to_pa(m.raw, C.ap_va_t(va), v) })
}

// PAToTable is the address through which the library reaches the table at pa.
func (m *Mapping[A]) PAToTable(pa uint64) (uint64, error) {
	return m.get64("PAToTable", func(v *C.uint64_t) C.ap_status_t { return C.ap_mapping_pa_to_table(m.raw, C.ap_pa_t(pa), v) })
}

// TranslationControl holds the TCR_ELx (VTCR_EL2 for stage 2) fields and
// the TTBR value that a mapping's tables need.
type TranslationControl struct {
	TCR       uint64  // TnSZ, TGn and (stage 2) SL0 in place; other bits 0
	TCRMask   uint64  // the bits those fields take: (reg &^ TCRMask) | TCR
	TTBR      uint64  // the same value TTBR gives
	InputBits uint    // the input address space is 2^InputBits bytes
	TSZ       uint    // TnSZ (VTCR_EL2.T0SZ), 64 - InputBits
	TG        uint    // granule in this range's encoding: TG0 (lower, stage 2) or TG1 (upper)
	SL0       uint    // VTCR_EL2.SL0 for the root level; 0 for stage 1
	Granule   Granule // the mapping's granule, which TG encodes
	RootLevel uint    // the starting level of the walk
	// RootEntries is the root's entries: fewer than a table's for a small
	// top level, more for a concatenated stage 2 root.
	RootEntries uint
	RootTables  uint // concatenated tables the root is made of (1 unless stage 2 concatenates)
}

// TranslationControl gives the translation control fields for the mapping's
// tables. A stage 2 mapping whose root is at level 3 has no SL0 encoding
// without FEAT_TTST and gets ErrUnsupported.
func (m *Mapping[A]) TranslationControl() (TranslationControl, error) {
	if m.raw == nil {
		return TranslationControl{}, closed("Mapping.TranslationControl")
	}
	var c C.ap_translation_control_t
	c.size = C.size_t(C.sizeof_ap_translation_control_t)
	if err := check(C.ap_mapping_translation_control(m.raw, &c)); err != nil {
		return TranslationControl{}, err
	}
	return TranslationControl{
		TCR: uint64(c.tcr), TCRMask: uint64(c.tcr_mask), TTBR: uint64(c.ttbr),
		InputBits: uint(c.input_bits), TSZ: uint(c.tsz), TG: uint(c.tg), SL0: uint(c.sl0),
		Granule: Granule(c.granule), RootLevel: uint(c.root_level),
		RootEntries: uint(c.root_entries), RootTables: uint(c.root_tables),
	}, nil
}

// RootLevel is the root table's level (0..3).
func (m *Mapping[A]) RootLevel() uint {
	var v C.uint
	mustSucceed(C.ap_mapping_root_level(m.live("RootLevel"), &v))
	return uint(v)
}

// ASID is the mapping's ASID (ErrUnsupported for regimes without one).
func (m *Mapping[A]) ASID() (uint16, error) {
	if m.raw == nil {
		return 0, closed("Mapping.ASID")
	}
	var v C.uint16_t
	err := check(C.ap_mapping_asid(m.raw, &v))
	return uint16(v), err
}

// VARange is the half of the address space the table serves
// (VARangeLower for regimes without an upper range).
func (m *Mapping[A]) VARange() VARange {
	var v C.ap_va_range_t
	mustSucceed(C.ap_mapping_va_range(m.live("VARange"), &v))
	return VARange(v)
}

// RegimeKind is the kind of the mapping's regime.
func (m *Mapping[A]) RegimeKind() RegimeKind {
	var regime *C.ap_regime_t
	mustSucceed(C.ap_mapping_regime(m.live("RegimeKind"), &regime))
	var kind C.ap_regime_kind_t
	mustSucceed(C.ap_regime_get_kind(regime, &kind))
	return RegimeKind(kind)
}

// TableCount is the number of tables, root included.
func (m *Mapping[A]) TableCount() (int, error) {
	if m.raw == nil {
		return 0, closed("Mapping.TableCount")
	}
	var v C.size_t
	err := check(C.ap_mapping_table_count(m.raw, &v))
	return int(v), err
}

// Image is the target image's bytes (mappings from NewTarget).
func (m *Mapping[A]) Image() ([]byte, error) {
	if m.raw == nil {
		return nil, closed("Mapping.Image")
	}
	var size C.size_t
	if err := check(C.ap_target_image_size(m.raw, &size)); err != nil {
		return nil, err
	}
	image := make([]byte, int(size))
	if size == 0 {
		return image, nil
	}
	// C writes into Go memory only for the duration of the call.
	err := check(C.ap_target_image_write(m.raw, unsafe.Pointer(&image[0]), size))
	return image, err
}

// Descriptor is the descriptor a Modify callback may change, in the
// format of its mapping's attributes A.
type Descriptor[A Attributes] struct{ raw *C.ap_descriptor_t }

// Level is the level (0..3) of the table holding it.
func (d *Descriptor[A]) Level() uint { return uint(C.ap_descriptor_level(d.raw)) }

// Bits is its raw value.
func (d *Descriptor[A]) Bits() uint64 { return uint64(C.ap_descriptor_bits(d.raw)) }

// OutputAddress is its output address, decoded for its level.
func (d *Descriptor[A]) OutputAddress() uint64 { return uint64(C.ap_descriptor_output_address(d.raw)) }

// Attributes is its attribute bits, decoded for its level, as
// TranslateResult.Attributes and WalkEntry.Attributes are.
func (d *Descriptor[A]) Attributes() A { return A(C.ap_descriptor_flags(d.raw)) }

// Flags is Attributes.
//
// Deprecated: use Attributes, the name TranslateResult and WalkEntry use.
func (d *Descriptor[A]) Flags() A { return d.Attributes() }

// IsValid tells whether it is valid.
func (d *Descriptor[A]) IsValid() bool { return bool(C.ap_descriptor_is_valid(d.raw)) }

// IsTable tells whether it points to a next-level table.
func (d *Descriptor[A]) IsTable() bool { return bool(C.ap_descriptor_is_table(d.raw)) }

// Updated tells whether Set or ModifyAttributes changed it.
func (d *Descriptor[A]) Updated() bool { return bool(C.ap_descriptor_updated(d.raw)) }

// Set gives it output address pa and attributes attrs.
func (d *Descriptor[A]) Set(pa uint64, attrs A) error {
	return check(C.ap_descriptor_set(d.raw, C.ap_pa_t(pa), C.ap_attrs_t(attrs)))
}

// ModifyAttributes sets the attribute bits set and clears those of clear,
// keeping the output address.
func (d *Descriptor[A]) ModifyAttributes(set, clear A) error {
	return check(C.ap_descriptor_modify_flags(d.raw, C.ap_attrs_t(set), C.ap_attrs_t(clear)))
}

// ModifyFlags is ModifyAttributes.
//
// Deprecated: use ModifyAttributes.
func (d *Descriptor[A]) ModifyFlags(set, clear A) error { return d.ModifyAttributes(set, clear) }
