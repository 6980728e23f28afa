// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

const normal = EL1AttributeIndex1 | EL1InnerShareable | EL1Valid | EL1Accessed

func region(t *testing.T, start, end uint64) Region {
	t.Helper()
	r, err := RegionFromRange(start, end)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// arena hands out pages of an mmap'd area (not Go memory, so C may keep
// pointers into it) with made-up physical addresses from arenaPA.
type arena struct {
	memory []byte
	used   []bool
}

const arenaPA = 0x8000_0000

func newArena(t *testing.T, pages int) *arena {
	memory, err := syscall.Mmap(-1, 0, pages*4096, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	must(t, err)
	t.Cleanup(func() { syscall.Munmap(memory) })
	return &arena{memory: memory, used: make([]bool, pages)}
}

// errArenaFull is what an arena's AllocateTable returns with no page left.
var errArenaFull = errors.New("arena: no free page")

func (a *arena) AllocateTable() (unsafe.Pointer, uint64, error) {
	for i, used := range a.used {
		if !used {
			a.used[i] = true
			page := a.memory[i*4096 : (i+1)*4096]
			for j := range page {
				page[j] = 0
			}
			return unsafe.Pointer(&page[0]), arenaPA + uint64(i)*4096, nil
		}
	}
	return nil, 0, errArenaFull
}

func (a *arena) FreeTable(table unsafe.Pointer, pa uint64) {
	a.used[(pa-arenaPA)/4096] = false
}

func (a *arena) PhysicalToVirtual(pa uint64) unsafe.Pointer {
	i := (pa - arenaPA) / 4096
	if pa < arenaPA || i >= uint64(len(a.used)) {
		return nil
	}
	return unsafe.Pointer(&a.memory[i*4096])
}

func (a *arena) live() int {
	n := 0
	for _, used := range a.used {
		if used {
			n++
		}
	}
	return n
}

func TestDumpSVG(t *testing.T) {
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1, ASID: 1})
	must(t, err)
	defer m.Close()
	must(t, m.MapAuto(region(t, 0x8020_0000, 0x8040_0000), normal|EL1NonGlobal, NoConstraints))
	var svg strings.Builder
	must(t, m.DumpAs(&svg, DumpSVG))
	s := svg.String()
	if !(strings.HasPrefix(s, "<?xml") || strings.HasPrefix(s, "<svg")) || !strings.HasSuffix(s, "</svg>\n") ||
		!strings.Contains(s, `data-first="0x0080200000"`) {
		t.Fatalf("svg dump:\n%s", s)
	}
}

func TestDumpSVGMemoryTypesFromMAIR(t *testing.T) {
	d := MAIRDeviceNGnRE
	mair, err := MAIRFromAttributes([8]uint8{0xff, d, d, d, d, d, d, d})
	must(t, err)
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1, MAIR: mair})
	must(t, err)
	defer m.Close()
	index0 := normal &^ EL1AttributeIndexMask
	must(t, m.Map(region(t, 0x1000, 0x2000), 0x1000, index0, NoConstraints))
	must(t, m.Map(region(t, 0x9000, 0xa000), 0x9000, index0|EL1AttributeIndex1, NoConstraints))
	var svg strings.Builder
	must(t, m.DumpAs(&svg, DumpSVG))
	for _, want := range []string{
		`data-output="0x1000" data-kind="pages" data-memory="normal"`,
		`data-output="0x9000" data-kind="pages" data-memory="device"`,
	} {
		if !strings.Contains(svg.String(), want) {
			t.Fatalf("no %s in the svg dump:\n%s", want, svg.String())
		}
	}
	s2, err := BuiltinRegime(Stage2)
	must(t, err)
	if _, err := NewIdentity[S2Attributes](Options{Regime: s2, InputBits: 40, MAIR: mair}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a stage 2 mapping with a MAIR: %v", err)
	}
}

func TestIdentityMapTranslateDump(t *testing.T) {
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1, ASID: 1})
	must(t, err)
	defer m.Close()
	must(t, m.MapAuto(region(t, 0x8020_0000, 0x8040_0000), normal|EL1NonGlobal, NoConstraints))
	r, err := m.Translate(0x8021_2345)
	must(t, err)
	if !r.Mapped || r.OutputAddress != 0x8021_2345 || r.Level != 2 || r.BlockSize != 0x20_0000 {
		t.Fatalf("translate: %+v", r)
	}
	if hole, _ := m.Translate(0x9000_0000); hole.Mapped {
		t.Fatal("0x90000000 is not mapped")
	}
	root := m.RootAddress()
	dump, err := m.Dump()
	must(t, err)
	if !strings.Contains(dump, "El1And0") || !strings.HasSuffix(dump, "}\n") {
		t.Fatalf("dump: %q", dump)
	}
	var reference strings.Builder
	if err := m.DumpAs(&reference, DumpReference); err != nil || reference.String() != dump {
		t.Fatalf("reference dump: %v %q", err, reference.String())
	}
	var ranges strings.Builder
	must(t, m.DumpAs(&ranges, DumpRanges))
	if !containsLine(ranges.String(), "-> 0x80200000 block") {
		t.Fatalf("ranges dump has no line for the block:\n%s", ranges.String())
	}
	var text bytes.Buffer
	must(t, m.DumpAs(&text, DumpJSON))
	var parsed struct {
		Regime    string `json:"regime"`
		RootLevel *int   `json:"root_level"`
		Root      struct {
			PA      string            `json:"pa"`
			Level   int               `json:"level"`
			Entries []json.RawMessage `json:"entries"`
		} `json:"root"`
	}
	if err := json.Unmarshal(text.Bytes(), &parsed); err != nil {
		t.Fatalf("JSON dump: %v\n%s", err, text.String())
	}
	if parsed.RootLevel == nil || *parsed.RootLevel != 1 || parsed.Root.Level != 1 ||
		parsed.Root.PA != fmt.Sprintf("%#x", root) || len(parsed.Root.Entries) == 0 {
		t.Fatalf("JSON dump: %+v", parsed)
	}
	full := errors.New("disk full")
	err = m.DumpAs(failingWriter{full}, DumpReference)
	if e := (*Error)(nil); !errors.Is(err, ErrWriteFailed) || !errors.As(err, &e) || e.Callback != full {
		t.Fatalf("dump to a failing writer: %v", err)
	}
	// A Mapping is an io.WriterTo of Dump's text.
	var to bytes.Buffer
	var writerTo io.WriterTo = m
	if n, err := writerTo.WriteTo(&to); err != nil || n != int64(len(dump)) || to.String() != dump {
		t.Fatalf("WriteTo: %d %v %q", n, err, to.String())
	}
	if n, err := m.WriteTo(failingWriter{full}); n != 0 || !errors.Is(err, ErrWriteFailed) || !errors.Is(err, full) {
		t.Fatalf("WriteTo a failing writer: %d %v", n, err)
	}
	size := m.Size()
	level := m.RootLevel()
	asid, _ := m.ASID()
	ttbr := m.TTBR()
	count, _ := m.TableCount()
	pa, _ := m.VAToPA(0x1234_5000)
	table, _ := m.PAToTable(root)
	if size != 1<<39 || level != 1 || asid != 1 || ttbr>>48 != 1 || count != 2 || pa != 0x1234_5000 || table != root {
		t.Fatalf("getters: %x %d %d %x %d %x", size, level, asid, ttbr, count, pa)
	}
}

func TestCustomTranslationFromAGoArena(t *testing.T) {
	a := newArena(t, 16)
	m, err := NewCustom[EL1Attributes](Options{RootLevel: 1}, a)
	must(t, err)
	if root := m.RootAddress(); root != arenaPA {
		t.Fatalf("root at %#x", root)
	}
	must(t, m.Map(region(t, 0x4000_0000, 0x4040_0000), 0x1_0000_0000, normal, NoConstraints))
	must(t, m.Map(region(t, 0x4040_0000, 0x4040_3000), 0x2_0000_0000, normal, NoConstraints))
	if a.live() != 3 {
		t.Fatalf("%d tables, want 3", a.live())
	}
	type entry struct {
		va, pa uint64
		level  uint
	}
	var seen []entry
	must(t, m.Walk(region(t, 0x4000_0000, 0x4060_0000), func(e WalkEntry[EL1Attributes]) error {
		if e.Valid() {
			seen = append(seen, entry{e.Region.Start, e.OutputAddress, e.Level})
			if e.OutputAddress != PTEOutputAddress(e.Descriptor, e.Level) ||
				uint64(e.Attributes) != PTEFlags(e.Descriptor, e.Level) || e.Attributes&EL1Valid == 0 {
				t.Errorf("walk entry %+v does not decode its descriptor", e)
			}
		}
		return nil
	}))
	want := []entry{
		{0x4000_0000, 0x1_0000_0000, 2}, {0x4020_0000, 0x1_0020_0000, 2},
		{0x4040_0000, 0x2_0000_0000, 3}, {0x4040_1000, 0x2_0000_1000, 3}, {0x4040_2000, 0x2_0000_2000, 3},
	}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("walk: %x", seen)
	}
	r, err := m.Translate(0x4040_1abc)
	must(t, err)
	if r.OutputAddress != 0x2_0000_1abc || r.Level != 3 {
		t.Fatalf("translate: %+v", r)
	}
	total := 0
	must(t, m.WalkRuns(region(t, 0x4000_0000, 0x4060_0000), func(_ Region, run []uint64, _ uint) error {
		total += len(run)
		return nil
	}))
	if total < 5 {
		t.Fatalf("runs cover %d descriptors", total)
	}
	var ranges strings.Builder
	must(t, m.DumpAs(&ranges, DumpRanges))
	if !containsLine(ranges.String(), "-> 0x200000000 page") {
		t.Fatalf("ranges dump has no line for the pages:\n%s", ranges.String())
	}
	must(t, m.Close())
	if a.live() != 0 {
		t.Fatalf("%d tables not freed", a.live())
	}
}

// containsLine reports whether a line of text contains every one of parts.
func containsLine(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		found := true
		for _, part := range parts {
			found = found && strings.Contains(line, part)
		}
		if found {
			return true
		}
	}
	return false
}

// failingWriter refuses every write with its error.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// entry points at the 64-bit entry i of the arena's page at pa.
func (a *arena) entry(pa uint64, i int) *uint64 {
	return (*uint64)(unsafe.Pointer(&a.memory[(pa-arenaPA)+uint64(i)*8]))
}

func TestOpenAdoptsTablesReadOnly(t *testing.T) {
	a := newArena(t, 8)
	built, err := NewCustom[EL1Attributes](Options{RootLevel: 1}, a)
	must(t, err)
	defer built.Close()
	must(t, built.Map(region(t, 0x4000_0000, 0x4000_3000), 0x2_0000_0000, normal, NoConstraints))
	must(t, built.Map(region(t, 0x8000_0000, 0x8020_0000), 0x3_0000_0000, normal, NoConstraints))
	tables := a.live()

	// The same root through the same translation, read-only.
	opened, err := Open[EL1Attributes](Options{RootLevel: 1}, a, arenaPA, false)
	must(t, err)
	if root := opened.RootAddress(); root != arenaPA {
		t.Fatalf("root at %#x", root)
	}
	for _, va := range []uint64{0x4000_0000, 0x4000_2abc, 0x8012_3456, 0x4000_3000, 0x9000_0000} {
		want, err := built.Translate(va)
		must(t, err)
		got, err := opened.Translate(va)
		must(t, err)
		if got != want {
			t.Fatalf("%#x: opened %+v, built %+v", va, got, want)
		}
	}
	if err := opened.Map(region(t, 0x4000_3000, 0x4000_4000), 0x5000, normal, NoConstraints); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("map on a read-only mapping: %v", err)
	}
	if err := opened.Unmap(region(t, 0x4000_0000, 0x4000_1000)); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("unmap on a read-only mapping: %v", err)
	}
	if r, _ := opened.Translate(0x4000_3000); r.Mapped {
		t.Fatal("the refused map wrote an entry")
	}
	// Closing the opened mapping frees none of the tables.
	must(t, opened.Close())
	if a.live() != tables {
		t.Fatalf("%d tables after closing the opened mapping, want %d", a.live(), tables)
	}
	must(t, built.Close())
	if a.live() != 0 {
		t.Fatalf("%d tables left", a.live())
	}
}

func TestOpenRefusesToWalkALoopButTranslates(t *testing.T) {
	a := newArena(t, 2)
	root, level2 := uint64(arenaPA), uint64(arenaPA+0x1000)
	table := uint64(EL1Valid | EL1TableOrPage)
	// Root entry 0 leads to a level 2 table whose entry 0 leads back to the
	// root, and whose entry 1 is a 2 MiB block.
	*a.entry(root, 0) = level2 | table
	*a.entry(level2, 0) = root | table
	*a.entry(level2, 1) = 0x1_0000_0000 | uint64(normal)
	m, err := Open[EL1Attributes](Options{RootLevel: 1}, a, root, false)
	must(t, err)
	defer m.Close()
	err = m.Walk(region(t, 0, 0x40_0000), func(WalkEntry[EL1Attributes]) error { return nil })
	var e *Error
	if !errors.Is(err, ErrMalformedTable) || !errors.As(err, &e) || e.Address != root {
		t.Fatalf("walk over a loop: %v", err)
	}
	// One address at a time, the MMU's way, still works.
	if r, err := m.Translate(0x21_2345); err != nil || !r.Mapped || r.OutputAddress != 0x1_0001_2345 || r.Level != 2 {
		t.Fatalf("translate through the block: %+v %v", r, err)
	}
	// Through the loop the root is read as a level 3 table, whose entry 0
	// is then a page descriptor for the level 2 table's page.
	if r, err := m.Translate(0x123); err != nil || !r.Mapped || r.OutputAddress != level2+0x123 || r.Level != 3 {
		t.Fatalf("translate through the loop: %+v %v", r, err)
	}
	if err := m.DumpAs(io.Discard, DumpReference); !errors.Is(err, ErrMalformedTable) {
		t.Fatalf("reference dump of a loop: %v", err)
	}
	// The other layouts print a table met again once, and so end.
	var ranges strings.Builder
	if err := m.DumpAs(&ranges, DumpRanges); err != nil || !strings.Contains(ranges.String(), "(shared: printed above)") {
		t.Fatalf("ranges dump of a loop: %v\n%s", err, ranges.String())
	}
	var text bytes.Buffer
	var parsed map[string]interface{}
	if err := m.DumpAs(&text, DumpJSON); err != nil || json.Unmarshal(text.Bytes(), &parsed) != nil ||
		!strings.Contains(text.String(), `"shared": true`) {
		t.Fatalf("JSON dump of a loop: %v\n%s", err, text.String())
	}
}

func TestModifyErrorsArePTEUpdateFaultsAndWalkErrorsStop(t *testing.T) {
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	defer m.Close()
	r := region(t, 0x20_0000, 0x20_1000)
	must(t, m.MapAuto(r, normal, NoConstraints))
	mine := errors.New("mine")
	err = m.Modify(r, func(Region, *Descriptor[EL1Attributes]) error { return mine })
	var detail *Error
	if !errors.Is(err, ErrPTEUpdateFault) || !errors.As(err, &detail) || detail.Descriptor&^0xfff != 0x20_0000 || detail.Callback != mine {
		t.Fatalf("modify: %v", err)
	}
	// A walk callback's error or panic stops the walk: ErrStopped, with
	// the bits the callback was given and its own error.
	err = m.Walk(r, func(WalkEntry[EL1Attributes]) error { return mine })
	if !errors.Is(err, ErrStopped) || errors.Is(err, ErrPTEUpdateFault) || !errors.As(err, &detail) ||
		detail.Descriptor&^0xfff != 0x20_0000 || detail.Callback != mine || !strings.Contains(err.Error(), "descriptor 0x20") {
		t.Fatalf("walk: %v", err)
	}
	err = m.WalkRuns(r, func(Region, []uint64, uint) error { return mine })
	if !errors.Is(err, ErrStopped) || !errors.As(err, &detail) || detail.Descriptor&^0xfff != 0x20_0000 {
		t.Fatalf("walk runs: %v", err)
	}
	if err := m.Walk(r, func(WalkEntry[EL1Attributes]) error { panic("caught") }); !errors.Is(err, ErrStopped) {
		t.Fatalf("walk panic: %v", err)
	}
	must(t, m.Modify(r, func(_ Region, d *Descriptor[EL1Attributes]) error { return d.ModifyAttributes(EL1ReadOnly, 0) }))
	var seen []string
	must(t, m.Modify(r, func(_ Region, d *Descriptor[EL1Attributes]) error {
		seen = append(seen, fmt.Sprintf("L%d %v %v %#x %#x", d.Level(), d.IsValid(), d.IsTable(), d.OutputAddress(), d.Attributes()&EL1ReadOnly))
		if d.Flags() != d.Attributes() { // the deprecated name
			return errors.New("Flags and Attributes differ")
		}
		if err := d.Set(0x30_0000, d.Attributes()); err != nil {
			return err
		}
		if !d.Updated() {
			return errors.New("not updated")
		}
		return nil
	}))
	if !reflect.DeepEqual(seen, []string{"L3 true false 0x200000 0x80"}) {
		t.Fatalf("modify saw %v", seen)
	}
	if r, _ := m.Translate(0x20_0010); r.OutputAddress != 0x30_0010 {
		t.Fatalf("after set: %+v", r)
	}
}

// Status names its C value and gives the library's text and its sentinel.
func TestStatusNamesAndSentinels(t *testing.T) {
	if StatusNoMemory.String() != "AP_ERR_NO_MEMORY" || StatusReadOnly.String() != "AP_ERR_READ_ONLY" ||
		StatusOK.String() != "AP_OK" || Status(19).String() != "Status(19)" {
		t.Fatal(StatusNoMemory, StatusReadOnly, StatusOK, Status(19))
	}
	if StatusNoMemory.Text() != ErrNoMemory.Error() || StatusNoMemory.Err() != error(ErrNoMemory) ||
		StatusOK.Err() != nil || ErrNoMemory.Status != StatusNoMemory {
		t.Fatal("Status.Text, Status.Err or StatusError.Status disagree")
	}
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	defer m.Close()
	err = m.MapAuto(region(t, 1<<40, 1<<40+0x1000), EL1Valid, NoConstraints)
	var e *Error
	if !errors.As(err, &e) || e.Status != StatusAddressRange || fmt.Sprint(e.Status) != "AP_ERR_ADDRESS_RANGE" ||
		!errors.Is(err, ErrAddressRange) {
		t.Fatalf("%v: %#v", err, e)
	}
}

func TestEveryStatusIsAnError(t *testing.T) {
	for status := StatusAddressRange; status <= StatusReadOnly; status++ {
		err := error(&Error{Status: status})
		if !errors.Is(err, StatusOf(status)) || err.Error() == "" {
			t.Fatalf("status %d: %v", status, err)
		}
		for other := StatusAddressRange; other <= StatusReadOnly; other++ {
			if other != status && errors.Is(err, StatusOf(other)) {
				t.Fatalf("status %d matches %d", status, other)
			}
		}
	}
	if !errors.Is(&Error{Status: 7}, ErrNoMemory) || !errors.Is(&Error{Status: 13}, ErrNotMapped) ||
		!errors.Is(&Error{Status: 16}, ErrStopped) || !errors.Is(&Error{Status: 17}, ErrMalformedTable) ||
		!errors.Is(&Error{Status: 18}, ErrReadOnly) {
		t.Fatal("sentinels out of order")
	}
	if StatusOf(19) == ErrReadOnly || StatusOf(19).Status != 19 {
		t.Fatal("an unknown status got a sentinel")
	}
	// A malformed table's detail is the table's physical address.
	shared := &Error{Status: StatusMalformedTable, Address: 0x8_1000}
	if !strings.Contains(shared.Error(), "(address 0x81000)") {
		t.Fatal(shared.Error())
	}
	if text := (&Error{Status: 18, Address: 0x8_1000}).Error(); strings.Contains(text, "0x81000") {
		t.Fatal(text)
	}
}

func TestBBMSafeFollowsTheLiveRule(t *testing.T) {
	// Whole descriptors are uint64: an output address with attribute bits.
	page := 0x20_0000 | uint64(normal|AttrTableOrPage)
	safe := func(kind RegimeKind, level uint, old, new uint64) bool {
		t.Helper()
		ok, err := BBMSafe(kind, level, old, new)
		must(t, err)
		return ok
	}
	// Permissions may change on a live page, its output address may not.
	if !safe(EL1And0, 3, page, page|uint64(EL1ReadOnly)) || safe(EL1And0, 3, page, page+0x1000) {
		t.Fatal("page")
	}
	// The make (filling an invalid entry) and the break are always safe.
	if !safe(EL1And0, 3, 0, page) || !safe(EL1And0, 3, page, 0) {
		t.Fatal("break or make")
	}
	// A level 2 block never becomes a table descriptor in one store.
	if safe(EL1And0, 2, 0x20_0000|uint64(normal), 0x7000|uint64(EL1Valid|AttrTableOrPage)) {
		t.Fatal("block to table")
	}
	if _, err := BBMSafe(EL1And0, 4, page, page); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("level 4: %v", err)
	}
	if _, err := BBMSafe(RegimeKind(5), 3, page, page); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("kind 5: %v", err)
	}
}

func TestErrorsCarryTheirDetail(t *testing.T) {
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	defer m.Close()
	err = m.Map(region(t, 1<<39, 1<<39+0x1000), 0, normal, NoConstraints)
	var e *Error
	// As in the reference, the detail is the end of the region.
	if !errors.Is(err, ErrAddressRange) || !errors.As(err, &e) || e.Address != 1<<39+0x1000 {
		t.Fatalf("out of range: %v", err)
	}
	if text := e.Message(); text != "Virtual address 0x0000008000001000 out of range" {
		t.Fatalf("out of range message: %q", text)
	}
	err = m.Map(region(t, 0, 0x1000), 0, normal|AttrTableOrPage, NoConstraints)
	if !errors.Is(err, ErrInvalidFlags) || !errors.As(err, &e) || e.Flags&AttrTableOrPage == 0 {
		t.Fatalf("flags: %v", err)
	}
	if _, err := RegionFromRange(0x2000, 0x1000); !errors.Is(err, ErrRegionBackwards) {
		t.Fatalf("backwards: %v", err)
	}
	if _, err := NewIdentity[EL1Attributes](Options{RootLevel: 4}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("root level 4: %v", err)
	}
	must(t, m.MapAuto(region(t, 0x20_0000, 0x40_0000), normal, NoConstraints))
	must(t, m.MarkActive())
	err = m.Map(region(t, 0x20_0000, 0x20_1000), 0x50_0000, normal, NoConstraints)
	if !errors.Is(err, ErrBreakBeforeMake) || !errors.As(err, &e) || e.Region.Start != 0x20_0000 {
		t.Fatalf("bbm: %v", err)
	}
	if text := e.Message(); !strings.Contains(text, "0x0000000000200000..0x0000000000201000") ||
		!strings.Contains(text, "while translation is live") {
		t.Fatalf("bbm message: %q", text)
	}
	must(t, m.MarkInactive())
	if err := m.MarkInactive(); !errors.Is(err, ErrNotActive) {
		t.Fatalf("not active: %v", err)
	}
}

func TestTranslationControl(t *testing.T) {
	el1, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	defer el1.Close()
	c, err := el1.TranslationControl()
	must(t, err)
	ttbr := el1.TTBR()
	want := TranslationControl{TCR: 25, TCRMask: 0xc03f, TTBR: ttbr, InputBits: 39, TSZ: 25,
		Granule: Granule4K, RootLevel: 1, RootEntries: 512, RootTables: 1}
	if c != want {
		t.Fatalf("EL1&0 level 1: %+v, want %+v", c, want)
	}

	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	s2, err := NewIdentity[S2Attributes](Options{Regime: regime, RootLevel: 1})
	must(t, err)
	defer s2.Close()
	c, err = s2.TranslationControl()
	must(t, err)
	if c.SL0 != 1 || c.TCR != 0x59 || c.TCRMask != 0xc0ff {
		t.Fatalf("stage 2 level 1: %+v", c)
	}

	// SL0 cannot name a level 3 root without FEAT_TTST.
	level3, err := NewIdentity[S2Attributes](Options{Regime: regime, RootLevel: 3})
	must(t, err)
	defer level3.Close()
	if _, err := level3.TranslationControl(); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("stage 2 level 3: %v", err)
	}
}

func TestStage2TargetImage(t *testing.T) {
	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	if kind := regime.Kind(); kind != Stage2 {
		t.Fatal(kind)
	}
	m, err := NewTarget[S2Attributes](Options{Regime: regime, RootLevel: 1}, 0x9000_0000)
	must(t, err)
	defer m.Close()
	flags := S2Valid | S2AccessFlag | S2APReadWrite | S2MemAttrNormalInnerWB
	must(t, m.Map(region(t, 0x4000_0000, 0x4000_1000), 0x8000_0000, flags, NoConstraints))
	image, err := m.Image()
	must(t, err)
	if len(image) != 3*4096 {
		t.Fatalf("%d bytes", len(image))
	}
	var entry uint64
	for i := 7; i >= 0; i-- {
		entry = entry<<8 | uint64(image[8+i])
	}
	if entry&^0xfff&(1<<48-1) != 0x9000_1000 {
		t.Fatalf("root entry %#x", entry)
	}
	if _, err := m.ASID(); !errors.Is(err, ErrUnsupported) {
		t.Fatal(err)
	}
}

func TestEL2And0WithASIDInTheUpperRange(t *testing.T) {
	regime, err := BuiltinRegime(EL2And0)
	must(t, err)
	m, err := NewLinear[EL1Attributes](Options{Regime: regime, RootLevel: 1, ASID: 42, VARange: VARangeUpper}, 0x1000)
	must(t, err)
	top, err := RegionFromSize(0xffff_ffff_fff0_0000, 0x10_0000)
	must(t, err)
	must(t, m.Map(top, 0x4000_0000, normal, NoConstraints))
	if r := m.VARange(); r != VARangeUpper {
		t.Fatal(r)
	}
	if kind := m.RegimeKind(); kind != EL2And0 {
		t.Fatal(kind)
	}
	if ttbr := m.TTBR(); ttbr>>48 != 42 {
		t.Fatalf("ttbr %#x", ttbr)
	}
	if r, _ := m.Translate(0xffff_ffff_ffff_f123); r.OutputAddress != 0x400f_f123 {
		t.Fatalf("%+v", r)
	}
	previous, err := m.Activate()
	must(t, err)
	if err := m.Close(); !errors.Is(err, ErrStillActive) {
		t.Fatalf("close active: %v", err)
	}
	if active := m.IsActive(); !active {
		t.Fatal("an active mapping was freed")
	}
	must(t, m.Deactivate(previous))
	must(t, m.Close())
	el2, err := BuiltinRegime(EL2)
	must(t, err)
	m2, err := NewIdentity[EL23Attributes](Options{Regime: el2, RootLevel: 2})
	must(t, err)
	defer m2.Close()
	must(t, m2.MapAuto(region(t, 0, 0x1000), EL23Valid|EL23Accessed|EL23UserRES1, NoConstraints))
	if r, _ := m2.Translate(0x10); !r.Mapped {
		t.Fatal("EL2 page not mapped")
	}
}

type recorder struct{ calls []string }

func (r *recorder) Invalidate(i Invalidation) {
	r.calls = append(r.calls, fmt.Sprintf("invalidate %#x L%d table %v asid %d range %#x+%#x", i.VA, i.Level, i.Table, i.ASID, i.RangeStart, i.RangeSize))
}
func (r *recorder) Barrier() { r.calls = append(r.calls, "barrier") }
func (r *recorder) Activate(root uint64, asid uint16, _ VARange) uint64 {
	r.calls = append(r.calls, fmt.Sprintf("activate %#x asid %d", root, asid))
	return 0x5000
}
func (r *recorder) Deactivate(previous uint64, asid uint16, _ VARange) {
	r.calls = append(r.calls, fmt.Sprintf("deactivate %#x asid %d", previous, asid))
}

func TestARegimeWithGoHooks(t *testing.T) {
	rec := &recorder{}
	regime, err := NewRegime(EL1And0, rec)
	must(t, err)
	a := newArena(t, 8)
	m, err := NewCustom[EL1Attributes](Options{Regime: regime, RootLevel: 1, ASID: 5}, a)
	must(t, err)
	r := region(t, 0x1000, 0x3000)
	must(t, m.Map(r, 0x7000_0000, normal|EL1NonGlobal, NoConstraints))
	previous, err := m.Activate()
	must(t, err)
	if previous != 0x5000 {
		t.Fatalf("previous %#x", previous)
	}
	must(t, m.Modify(r, func(_ Region, d *Descriptor[EL1Attributes]) error { return d.ModifyFlags(EL1ReadOnly, 0) })) // the deprecated name still works
	if err := regime.Close(); !errors.Is(err, ErrStillActive) {
		t.Fatalf("closing a regime in use: %v", err)
	}
	must(t, m.Deactivate(previous))
	must(t, m.Close())
	if kind := regime.Kind(); kind != EL1And0 {
		t.Fatal(kind)
	}
	must(t, regime.Close())
	// A closed regime's C object is freed: Kind panics, a constructor refuses it.
	func() {
		defer func() {
			if got, want := recover(), "aarch64paging: Regime.Kind called after Close or on a zero Regime"; got != want {
				t.Errorf("Kind after Close: recovered %v, want %q", got, want)
			}
		}()
		regime.Kind()
	}()
	if _, err := NewIdentity[EL1Attributes](Options{Regime: regime, RootLevel: 1}); !errors.Is(err, ErrClosed) ||
		!errors.Is(err, ErrInvalidArgument) || err.Error() != "aarch64paging: a Mapping's Regime used after Close" {
		t.Fatalf("a mapping in a closed regime: %v", err)
	}
	want := []string{
		"activate 0x80000000 asid 5",
		"invalidate 0x1000 L3 table false asid 5 range 0x1000+0x1000",
		"invalidate 0x2000 L3 table false asid 5 range 0x2000+0x1000",
		"barrier",
		"deactivate 0x5000 asid 5",
	}
	if !reflect.DeepEqual(rec.calls, want) || a.live() != 0 {
		t.Fatalf("hooks saw %q, %d tables left", rec.calls, a.live())
	}
}

func TestMAIRPTEAndNames(t *testing.T) {
	wb, err := MAIRNormal(WriteBackNonTransientReadWriteAllocate, WriteBackNonTransientReadWriteAllocate)
	must(t, err)
	mair, err := MAIRFromAttributes([8]uint8{MAIRDeviceNGnRnE, wb})
	must(t, err)
	attrs, _ := MAIRAttributes(mair)
	with, _ := MAIRWithAttribute(mair, 2, MAIRDeviceNGnRE)
	if wb != 0xff || mair != 0xff00 || attrs[1] != 0xff || with != 0x04ff00 {
		t.Fatalf("mair %#x %#x %v %#x", wb, mair, attrs, with)
	}
	if text, err := DescribeMAIR(mair); err != nil || text == "" {
		t.Fatal(err)
	}
	if text, err := DescribeMAIRAttribute(wb); err != nil || text == "" {
		t.Fatal(err)
	}
	if !PTEIsTable(3, 1) || PTEIsTable(3, 3) || !PTEIsTableOrPage(3) || PTEFlags(0x4000_0401, 2) != 0x401 {
		t.Fatal("pte helpers")
	}
	for kind, bit := range map[RegimeKind]uint64{EL1And0: uint64(EL1UXN), EL2: uint64(EL23XN), Stage2: uint64(S2XN)} {
		if text, err := DescribeFlags(kind, bit); err != nil || text == "" {
			t.Fatalf("%d: %v", kind, err)
		}
	}
	r, _ := RegionFromSize(0x1000, 0x1000)
	if r.String() != "0x0000000000001000..0x0000000000002000" || Version()>>16 != 0 || !strings.HasPrefix(VersionString(), "0.") {
		t.Fatal(r.String(), VersionString())
	}
}

// A callback's own error (and its type) is found with errors.Is and
// errors.As through the *Error that carries it, beside the status.
type walkRefusal struct{ at uint64 }

func (w *walkRefusal) Error() string { return fmt.Sprintf("refused at %#x", w.at) }

func TestCallbackErrorsMatchWithIsAndAs(t *testing.T) {
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	defer m.Close()
	r := region(t, 0x20_0000, 0x20_2000)
	must(t, m.MapAuto(r, normal, NoConstraints))
	sentinel := errors.New("stop here")
	wrapped := fmt.Errorf("while walking: %w", sentinel)
	err = m.Walk(r, func(WalkEntry[EL1Attributes]) error { return wrapped })
	if !errors.Is(err, sentinel) || !errors.Is(err, wrapped) || !errors.Is(err, ErrStopped) {
		t.Fatalf("errors.Is misses the callback's error or the status: %v", err)
	}
	if errors.Is(err, errors.New("stop here")) || errors.Is(err, ErrPTEUpdateFault) {
		t.Fatalf("errors.Is matches what it should not: %v", err)
	}
	err = m.Modify(r, func(reg Region, _ *Descriptor[EL1Attributes]) error { return &walkRefusal{reg.Start} })
	var refusal *walkRefusal
	var detail *Error
	if !errors.As(err, &refusal) || refusal.at != 0x20_0000 || !errors.As(err, &detail) ||
		!errors.Is(err, ErrPTEUpdateFault) {
		t.Fatalf("errors.As misses the callback's error type: %v", err)
	}
	// Without a callback error there is nothing more to match.
	if err := m.Map(region(t, 1<<40, 1<<40+0x1000), 0, normal, NoConstraints); errors.Is(err, sentinel) ||
		errors.As(err, &refusal) || !errors.Is(err, ErrAddressRange) {
		t.Fatalf("a status error matched a callback error: %v", err)
	}
}

// Only Invalidate is written here; the embedded NoopRegimeHooks does the
// rest, as NULL hooks do in C (no previous TTBR: ^uint64(0)).
type invalidationsOnly struct {
	NoopRegimeHooks
	seen []uint64
}

func (h *invalidationsOnly) Invalidate(inv Invalidation) { h.seen = append(h.seen, inv.VA) }

func TestNoopRegimeHooksCanBeEmbedded(t *testing.T) {
	hooks := &invalidationsOnly{}
	regime, err := NewRegime(EL1And0, hooks)
	must(t, err)
	m, err := NewIdentity[EL1Attributes](Options{Regime: regime, RootLevel: 1})
	must(t, err)
	r := region(t, 0x4000, 0x6000)
	must(t, m.MapAuto(r, normal, NoConstraints))
	previous, err := m.Activate()
	must(t, err)
	if previous != ^uint64(0) {
		t.Fatalf("previous TTBR %#x, want all ones", previous)
	}
	must(t, m.Unmap(r))
	must(t, m.Deactivate(previous))
	must(t, m.Close())
	must(t, regime.Close())
	if !reflect.DeepEqual(hooks.seen, []uint64{0x4000, 0x5000}) {
		t.Fatalf("invalidations %#x", hooks.seen)
	}
}

// The getters without an error result panic on a closed Mapping, naming
// the method; the methods with one return ErrClosed.
func TestClosedMappingGettersPanicAndMethodsFail(t *testing.T) {
	getters := map[string]func(*Mapping[EL1Attributes]){
		"IsActive":    func(m *Mapping[EL1Attributes]) { m.IsActive() },
		"RootAddress": func(m *Mapping[EL1Attributes]) { m.RootAddress() },
		"TTBR":        func(m *Mapping[EL1Attributes]) { m.TTBR() },
		"Size":        func(m *Mapping[EL1Attributes]) { m.Size() },
		"RootLevel":   func(m *Mapping[EL1Attributes]) { m.RootLevel() },
		"VARange":     func(m *Mapping[EL1Attributes]) { m.VARange() },
		"RegimeKind":  func(m *Mapping[EL1Attributes]) { m.RegimeKind() },
	}
	m, err := NewIdentity[EL1Attributes](Options{RootLevel: 1})
	must(t, err)
	for _, get := range getters {
		get(m) // a live mapping: no panic
	}
	must(t, m.Close())
	must(t, m.Close()) // closing again does nothing
	for name, get := range getters {
		func() {
			defer func() {
				want := "aarch64paging: Mapping." + name + " called after Close"
				if got := recover(); got != want {
					t.Errorf("%s after Close: recovered %v, want %q", name, got, want)
				}
			}()
			get(m)
		}()
	}
	r := region(t, 0, 0x1000)
	// Every method with an error result: ErrClosed, and ErrInvalidArgument
	// as before ErrClosed, naming the method.
	methods := map[string]func() error{
		"Map":                func() error { return m.Map(r, 0, normal, NoConstraints) },
		"MapAuto":            func() error { return m.MapAuto(r, normal, NoConstraints) },
		"Unmap":              func() error { return m.Unmap(r) },
		"Modify":             func() error { return m.Modify(r, func(Region, *Descriptor[EL1Attributes]) error { return nil }) },
		"Walk":               func() error { return m.Walk(r, func(WalkEntry[EL1Attributes]) error { return nil }) },
		"WalkRuns":           func() error { return m.WalkRuns(r, func(Region, []uint64, uint) error { return nil }) },
		"Dump":               func() error { _, err := m.Dump(); return err },
		"DumpAs":             func() error { return m.DumpAs(io.Discard, DumpJSON) },
		"WriteTo":            func() error { _, err := m.WriteTo(io.Discard); return err },
		"Compact":            m.Compact,
		"Translate":          func() error { _, err := m.Translate(0); return err },
		"Activate":           func() error { _, err := m.Activate(); return err },
		"Deactivate":         func() error { return m.Deactivate(0) },
		"MarkActive":         m.MarkActive,
		"MarkInactive":       m.MarkInactive,
		"VAToPA":             func() error { _, err := m.VAToPA(0); return err },
		"PAToTable":          func() error { _, err := m.PAToTable(0); return err },
		"ASID":               func() error { _, err := m.ASID(); return err },
		"TableCount":         func() error { _, err := m.TableCount(); return err },
		"Image":              func() error { _, err := m.Image(); return err },
		"TranslationControl": func() error { _, err := m.TranslationControl(); return err },
	}
	for name, call := range methods {
		err := call()
		if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrInvalidArgument) ||
			err.Error() != "aarch64paging: Mapping."+name+" used after Close" {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if errors.Is(ErrInvalidArgument, ErrClosed) {
		t.Error("every ErrInvalidArgument is ErrClosed")
	}
}

// The error a Translation's AllocateTable returns is the Callback of the
// ErrNoMemory *Error of the call that needed the table, a constructor's
// or an edit's, and only of that call.
func TestAllocateTableErrorsReachTheCaller(t *testing.T) {
	full := newArena(t, 1)
	full.used[0] = true
	_, err := NewCustom[EL1Attributes](Options{RootLevel: 1}, full)
	var e *Error
	if !errors.Is(err, ErrNoMemory) || !errors.Is(err, errArenaFull) || !errors.As(err, &e) || e.Callback != errArenaFull {
		t.Fatalf("NewCustom with no page: %v", err)
	}

	a := newArena(t, 2) // the root, then one of the two tables a page needs
	m, err := NewCustom[EL1Attributes](Options{RootLevel: 1}, a)
	must(t, err)
	defer m.Close()
	err = m.Map(region(t, 0x4000_0000, 0x4000_1000), 0x4000_0000, normal, NoConstraints)
	if !errors.Is(err, ErrNoMemory) || !errors.As(err, &e) || e.Callback != errArenaFull {
		t.Fatalf("Map with one page left: %v", err)
	}
	if want := "out of memory: arena: no free page"; !strings.HasSuffix(err.Error(), "arena: no free page") {
		t.Fatalf("Map with one page left: %q, want one ending as %q", err.Error(), want)
	}
	// A later failure that is not the allocator's carries no stale error.
	err = m.Map(region(t, 1<<40, 1<<40+0x1000), 0, normal, NoConstraints)
	if !errors.As(err, &e) || !errors.Is(err, ErrAddressRange) || e.Callback != nil {
		t.Fatalf("a map out of range after an allocation failure: %v", err)
	}
}
