// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

import (
	"errors"
	"syscall"
	"testing"
	"unsafe"
)

func TestIdentityMappingsWith16KAnd64KGranules(t *testing.T) {
	cases := []struct {
		granule              Granule
		bits, level, entries uint
		page, block          uint64
		tg                   uint
	}{
		{Granule16K, 36, 2, 2048, 16 << 10, 32 << 20, 0b10},
		{Granule16K, 42, 1, 64, 16 << 10, 32 << 20, 0b10},
		{Granule16K, 48, 0, 2, 16 << 10, 32 << 20, 0b10},
		{Granule64K, 36, 2, 128, 64 << 10, 512 << 20, 0b01},
		{Granule64K, 42, 2, 8192, 64 << 10, 512 << 20, 0b01},
		{Granule64K, 48, 1, 64, 64 << 10, 512 << 20, 0b01},
	}
	for _, c := range cases {
		if c.granule.PageSize() != c.page {
			t.Fatalf("%v: page size %#x", c.granule, c.granule.PageSize())
		}
		m, err := NewIdentity[EL1Attributes](Options{Granule: c.granule, InputBits: c.bits})
		if err != nil {
			t.Fatalf("%v %d bits: %v", c.granule, c.bits, err)
		}
		if size := m.Size(); size != 1<<c.bits {
			t.Fatalf("%v %d bits: size %#x", c.granule, c.bits, size)
		}
		control, err := m.TranslationControl()
		must(t, err)
		ttbr := m.TTBR()
		tsz := 64 - c.bits
		want := TranslationControl{TCR: uint64(tsz) | uint64(c.tg)<<14, TCRMask: 0xc03f, TTBR: ttbr,
			InputBits: c.bits, TSZ: tsz, TG: c.tg, Granule: c.granule, RootLevel: c.level,
			RootEntries: c.entries, RootTables: 1}
		if control != want {
			t.Fatalf("%v %d bits: %+v, want %+v", c.granule, c.bits, control, want)
		}
		// Two level 2 blocks and three pages.
		blocks, _ := RegionFromSize(0x4000_0000, 2*c.block)
		pages, _ := RegionFromSize(0x1000_0000, 3*c.page)
		must(t, m.MapAuto(blocks, normal, NoConstraints))
		must(t, m.MapAuto(pages, normal, NoConstraints))
		va := 0x4000_0000 + c.block + 0x12_3458
		if r, _ := m.Translate(va); !r.Mapped || r.OutputAddress != va || r.Level != 2 || r.BlockSize != c.block {
			t.Fatalf("%v %d bits: block %+v", c.granule, c.bits, r)
		}
		va = 0x1000_0000 + 2*c.page + 0x123
		if r, _ := m.Translate(va); !r.Mapped || r.OutputAddress != va || r.Level != 3 || r.BlockSize != c.page {
			t.Fatalf("%v %d bits: page %+v", c.granule, c.bits, r)
		}
		if r, _ := m.Translate(0x1000_0000 + 3*c.page); r.Mapped {
			t.Fatalf("%v %d bits: the fourth page is mapped", c.granule, c.bits)
		}
		// The last page of the input range maps, the one beyond it not.
		top, _ := RegionFromSize(1<<c.bits-c.page, c.page)
		must(t, m.MapAuto(top, normal, NoConstraints))
		if r, _ := m.Translate(1<<c.bits - 1); r.OutputAddress != 1<<c.bits-1 {
			t.Fatalf("%v %d bits: top %+v", c.granule, c.bits, r)
		}
		beyond, _ := RegionFromSize(1<<c.bits, c.page)
		if err := m.MapAuto(beyond, normal, NoConstraints); err == nil {
			t.Fatalf("%v %d bits: mapped beyond the input range", c.granule, c.bits)
		}
		must(t, m.Close())
	}
}

func TestTranslationControlOfGranulesAndConcatenatedRoots(t *testing.T) {
	control := func(o Options) TranslationControl {
		t.Helper()
		m, err := NewIdentity[EL1Attributes](o)
		must(t, err)
		defer m.Close()
		c, err := m.TranslationControl()
		must(t, err)
		return c
	}
	control2 := func(o Options) TranslationControl {
		t.Helper()
		m, err := NewIdentity[S2Attributes](o)
		must(t, err)
		defer m.Close()
		c, err := m.TranslationControl()
		must(t, err)
		return c
	}
	// 64 KiB, 42 bits, lower range: TG0 64 KiB is 0b01.
	if c := control(Options{Granule: Granule64K, InputBits: 42}); c.TSZ != 22 || c.TG != 1 || c.RootLevel != 2 || c.Granule != Granule64K {
		t.Fatalf("64K 42 bits: %+v", c)
	}
	// 16 KiB, upper range: TG1 16 KiB is 0b01, T1SZ in bits 21:16.
	c := control(Options{Granule: Granule16K, InputBits: 42, VARange: VARangeUpper})
	if c.TSZ != 22 || c.TG != 1 || c.RootLevel != 1 || c.RootEntries != 64 ||
		c.TCR != 22<<16|1<<30 || c.TCRMask != 0x3f<<16|3<<30 {
		t.Fatalf("16K upper: %+v", c)
	}
	// Stage 2, 4 KiB, 40 bits: two concatenated level 1 tables (SL0 0b01),
	// or a level 0 root when concatenation is ruled out.
	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	c = control2(Options{Regime: regime, InputBits: 40})
	if c.RootLevel != 1 || c.RootTables != 2 || c.RootEntries != 1024 || c.SL0 != 1 || c.TSZ != 24 ||
		c.TG != 0 || c.TCR != 24|1<<6 || c.TTBR%0x2000 != 0 {
		t.Fatalf("stage 2 40 bits: %+v", c)
	}
	c = control2(Options{Regime: regime, InputBits: 40, MaxRootTables: 1})
	if c.RootLevel != 0 || c.RootTables != 1 || c.RootEntries != 2 || c.SL0 != 2 {
		t.Fatalf("stage 2 40 bits, no concatenation: %+v", c)
	}
}

func TestBadGranuleOptionsAreInvalidArguments(t *testing.T) {
	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	for what, o := range map[string]Options{
		"20 bits":                      {Granule: Granule16K, InputBits: 20},
		"49 bits":                      {InputBits: 49},
		"input bits with a root level": {InputBits: 40, RootLevel: 1},
		"64 KiB at level 0":            {Granule: Granule64K},
		"root tables at stage 1":       {InputBits: 40, MaxRootTables: 2},
		"granule 3":                    {Granule: 3, InputBits: 40},
	} {
		if m, err := NewIdentity[EL1Attributes](o); !errors.Is(err, ErrInvalidArgument) {
			if m != nil {
				m.Close()
			}
			t.Errorf("%s: %v", what, err)
		}
	}
	// Stage 2: the FormatError of a wrong type argument would be an
	// invalid argument too, so these get the right one.
	if m, err := NewIdentity[S2Attributes](Options{Regime: regime, InputBits: 40, MaxRootTables: 3}); !errors.Is(err, ErrInvalidArgument) || errors.As(err, new(*FormatError)) {
		if m != nil {
			m.Close()
		}
		t.Errorf("3 root tables: %v", err)
	}
}

// blockHeap hands out mmap'd blocks (not Go memory) aligned to their size,
// at physical addresses that differ from the pointers (bit 46 flipped), so
// only it can find them. It records the sizes it gave out.
type blockHeap struct {
	live  map[uint64]heapBlock
	sizes []int
}

type heapBlock struct {
	mapped []byte // the whole mmap, twice the block for the alignment
	start  uintptr
	bytes  int
}

const twist = 1 << 46

func newBlockHeap() *blockHeap { return &blockHeap{live: map[uint64]heapBlock{}} }

func (h *blockHeap) get(bytes int) (unsafe.Pointer, uint64, error) {
	mapped, err := syscall.Mmap(-1, 0, 2*bytes, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, 0, err
	}
	base := uintptr(unsafe.Pointer(&mapped[0]))
	start := (base + uintptr(bytes) - 1) &^ (uintptr(bytes) - 1)
	pa := uint64(start) ^ twist
	h.live[pa] = heapBlock{mapped, start, bytes}
	h.sizes = append(h.sizes, bytes)
	return unsafe.Pointer(&mapped[start-base]), pa, nil
}

func (h *blockHeap) put(tables unsafe.Pointer, pa uint64, bytes int) {
	b, ok := h.live[pa]
	if !ok || b.start != uintptr(tables) || b.bytes != bytes {
		panic("a block this heap did not give out")
	}
	delete(h.live, pa)
	syscall.Munmap(b.mapped)
}

func (h *blockHeap) AllocateTable() (unsafe.Pointer, uint64, error) { return h.get(4096) }
func (h *blockHeap) FreeTable(table unsafe.Pointer, pa uint64)      { h.put(table, pa, 4096) }
func (h *blockHeap) PhysicalToVirtual(pa uint64) unsafe.Pointer {
	for start, b := range h.live {
		if pa >= start && pa-start < uint64(b.bytes) {
			base := uintptr(unsafe.Pointer(&b.mapped[0]))
			return unsafe.Pointer(&b.mapped[b.start-base+uintptr(pa-start)])
		}
	}
	return nil
}

// largeHeap is a blockHeap that also provides allocate_tables.
type largeHeap struct{ *blockHeap }

func (h largeHeap) AllocateTables(bytes int) (unsafe.Pointer, uint64, error) {
	return h.get(bytes)
}
func (h largeHeap) FreeTables(tables unsafe.Pointer, pa uint64, bytes int) {
	h.put(tables, pa, bytes)
}

func TestCustomTranslationWithAllocateTables(t *testing.T) {
	// Without AllocateTables a 64 KiB mapping is refused.
	plain := newBlockHeap()
	if m, err := NewCustom[EL1Attributes](Options{Granule: Granule64K, InputBits: 42}, plain); !errors.Is(err, ErrUnsupported) {
		if m != nil {
			m.Close()
		}
		t.Fatalf("64K without AllocateTables: %v", err)
	}
	if len(plain.live) != 0 {
		t.Fatal("tables left behind")
	}
	for _, g := range []Granule{Granule16K, Granule64K} {
		page, block := g.PageSize(), uint64(32<<20)
		if g == Granule64K {
			block = 512 << 20
		}
		heap := newBlockHeap()
		m, err := NewCustom[EL1Attributes](Options{Granule: g, InputBits: 42}, largeHeap{heap})
		if err != nil {
			t.Fatalf("%v: %v", g, err)
		}
		if root := m.RootAddress(); heap.live[root].bytes == 0 {
			t.Fatalf("%v: root %#x is not the heap's", g, root)
		}
		blocks, _ := RegionFromSize(0x4000_0000, block)
		pages, _ := RegionFromSize(0x1_0000_0000, 2*page)
		must(t, m.Map(blocks, 0x8_0000_0000, normal, NoConstraints))
		must(t, m.Map(pages, 0x9_0000_0000, normal, NoConstraints))
		if r, _ := m.Translate(0x4012_3456); r.OutputAddress != 0x8_0012_3456 || r.Level != 2 || r.BlockSize != block {
			t.Fatalf("%v: block %+v", g, r)
		}
		if r, _ := m.Translate(0x1_0000_0000 + page + 0x42); r.OutputAddress != 0x9_0000_0000+page+0x42 || r.Level != 3 || r.BlockSize != page {
			t.Fatalf("%v: page %+v", g, r)
		}
		for _, size := range heap.sizes {
			if uint64(size) != page {
				t.Fatalf("%v: tables of %v bytes", g, heap.sizes)
			}
		}
		if n, _ := m.TableCount(); n != len(heap.live) {
			t.Fatalf("%v: %d tables, %d blocks", g, n, len(heap.live))
		}
		must(t, m.Close())
		if len(heap.live) != 0 {
			t.Fatalf("%v: %d blocks left", g, len(heap.live))
		}
	}

	// A concatenated 4 KiB stage 2 root: two tables in one 8 KiB block.
	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	heap := newBlockHeap()
	m, err := NewCustom[S2Attributes](Options{Regime: regime, InputBits: 40}, largeHeap{heap})
	must(t, err)
	if heap.sizes[0] != 0x2000 {
		t.Fatalf("root of %#x bytes", heap.sizes[0])
	}
	high, _ := RegionFromSize(0xc0_0000_0000, 0x1000) // in the second root table
	must(t, m.Map(high, 0x5000_0000, S2Valid|S2AccessFlag|S2APReadWrite, NoConstraints))
	if r, _ := m.Translate(0xc0_0000_0abc); r.OutputAddress != 0x5000_0abc {
		t.Fatalf("stage 2: %+v", r)
	}
	must(t, m.Close())
	if len(heap.live) != 0 {
		t.Fatalf("stage 2: %d blocks left", len(heap.live))
	}
}

type granuleRecorder struct{ seen []Invalidation }

func (r *granuleRecorder) Invalidate(i Invalidation)               { r.seen = append(r.seen, i) }
func (r *granuleRecorder) Barrier()                                {}
func (r *granuleRecorder) Activate(uint64, uint16, VARange) uint64 { return 0 }
func (r *granuleRecorder) Deactivate(uint64, uint16, VARange)      {}

func TestInvalidationsCarryTheGranule(t *testing.T) {
	for _, g := range []Granule{Granule4K, Granule16K, Granule64K} {
		rec := &granuleRecorder{}
		regime, err := NewRegime(EL1And0, rec)
		must(t, err)
		heap := newBlockHeap()
		m, err := NewCustom[EL1Attributes](Options{Regime: regime, Granule: g, InputBits: 40}, largeHeap{heap})
		must(t, err)
		r, _ := RegionFromSize(0x10_0000*g.PageSize(), g.PageSize())
		must(t, m.Map(r, 0x4000_0000, normal, NoConstraints))
		must(t, m.MarkActive())
		must(t, m.Unmap(r))
		must(t, m.MarkInactive())
		must(t, m.Close())
		must(t, regime.Close())
		if len(rec.seen) == 0 || rec.seen[0].Granule != g || rec.seen[0].RangeSize != g.PageSize() || rec.seen[0].Level != 3 {
			t.Fatalf("%v: %+v", g, rec.seen)
		}
		if len(heap.live) != 0 {
			t.Fatalf("%v: %d blocks left", g, len(heap.live))
		}
	}
}
