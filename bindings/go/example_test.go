// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging_test

import (
	"errors"
	"fmt"
	"os"

	ap "aarch64paging"
)

func Example() {
	m, err := ap.NewIdentity[ap.EL1Attributes](ap.Options{RootLevel: 1, ASID: 1})
	if err != nil {
		panic(err)
	}
	defer m.Close()
	ram, _ := ap.RegionFromRange(0x8020_0000, 0x8040_0000)
	normal := ap.EL1AttributeIndex1 | ap.EL1InnerShareable | ap.EL1Valid | ap.EL1Accessed
	if err := m.MapAuto(ram, normal|ap.EL1NonGlobal, ap.NoConstraints); err != nil {
		panic(err)
	}
	walk, _ := m.Translate(0x8021_2345)
	fmt.Printf("0x80212345 -> %#x, a level %d block\n", walk.OutputAddress, walk.Level)
	// Output: 0x80212345 -> 0x80212345, a level 2 block
}

func ExampleGranule() {
	m, err := ap.NewIdentity[ap.EL1Attributes](ap.Options{Granule: ap.Granule64K, InputBits: 42})
	if err != nil {
		panic(err)
	}
	defer m.Close()
	ram, _ := ap.RegionFromSize(0x4000_0000, 512<<20)
	if err := m.MapAuto(ram, ap.EL1AttributeIndex1|ap.EL1Valid|ap.EL1Accessed, ap.NoConstraints); err != nil {
		panic(err)
	}
	walk, _ := m.Translate(0x4123_4567)
	c, _ := m.TranslationControl()
	fmt.Printf("a %d MiB block at level %d; T0SZ %d, TG0 %#b\n", walk.BlockSize>>20, walk.Level, c.TSZ, c.TG)
	// Output: a 512 MiB block at level 2; T0SZ 22, TG0 0b1
}

// A stage 2 table takes S2Attributes: MemAttr, S2AP and SH are fields, and
// String names them as the aptables map file does.
func ExampleS2Attributes() {
	stage2, err := ap.BuiltinRegime(ap.Stage2)
	if err != nil {
		panic(err)
	}
	m, err := ap.NewIdentity[ap.S2Attributes](ap.Options{Regime: stage2, InputBits: 40})
	if err != nil {
		panic(err)
	}
	defer m.Close()
	ram, _ := ap.RegionFromSize(0x4000_0000, 2<<20)
	attrs := ap.S2Valid | ap.S2AccessFlag | ap.S2APReadWrite | ap.S2SHInner |
		ap.S2MemAttrNormalInnerWB | ap.S2MemAttrNormalOuterWB
	if err := m.MapAuto(ram, attrs, ap.NoConstraints); err != nil {
		panic(err)
	}
	walk, _ := m.Translate(0x4000_1000)
	fmt.Printf("%#x: %v\n", walk.Attributes, walk.Attributes)
	// Output: 0x7fd: VALID | normal-wb | rw | inner | ACCESS_FLAG
}

// A type argument that is not the regime's attribute type is refused when
// the mapping is made; a mix of formats in one call does not compile.
func ExampleFormatError() {
	_, err := ap.NewIdentity[ap.S2Attributes](ap.Options{RootLevel: 1}) // the default regime is EL1&0
	var format *ap.FormatError
	fmt.Println(errors.As(err, &format), errors.Is(err, ap.ErrInvalidArgument))
	fmt.Println(err)
	// Output:
	// true true
	// aarch64paging: a mapping of the EL1&0 regime takes EL1Attributes, not S2Attributes
}

// Walk gives each descriptor as a WalkEntry, decoded in the mapping's format.
func ExampleMapping_Walk() {
	m, err := ap.NewIdentity[ap.EL1Attributes](ap.Options{RootLevel: 1})
	if err != nil {
		panic(err)
	}
	defer m.Close()
	ram, _ := ap.RegionFromSize(0x8000_0000, 0x3000)
	if err := m.MapAuto(ram, ap.EL1Valid|ap.EL1Accessed|ap.EL1AttributeIndex1, ap.NoConstraints); err != nil {
		panic(err)
	}
	walked, _ := ap.RegionFromSize(0x8000_0000, 0x4000)
	err = m.Walk(walked, func(e ap.WalkEntry[ap.EL1Attributes]) error {
		if !e.Valid() {
			fmt.Printf("%v: invalid\n", e.Region)
			return nil
		}
		fmt.Printf("%v -> %#x at level %d: %v\n", e.Region, e.OutputAddress, e.Level, e.Attributes)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// 0x0000000080000000..0x0000000080001000 -> 0x80000000 at level 3: VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_1 | ACCESSED
	// 0x0000000080001000..0x0000000080002000 -> 0x80001000 at level 3: VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_1 | ACCESSED
	// 0x0000000080002000..0x0000000080003000 -> 0x80002000 at level 3: VALID | TABLE_OR_PAGE | ATTRIBUTE_INDEX_1 | ACCESSED
	// 0x0000000080003000..0x0000000080004000: invalid
}

// A Mapping is an io.WriterTo of the text Dump gives.
func ExampleMapping_WriteTo() {
	m, err := ap.NewTarget[ap.EL1Attributes](ap.Options{RootLevel: 2}, 0x4000_0000)
	if err != nil {
		panic(err)
	}
	defer m.Close()
	ram, _ := ap.RegionFromSize(0x20_0000, 0x1000)
	if err := m.Map(ram, 0x8000_0000, ap.EL1Valid|ap.EL1Accessed, ap.NoConstraints); err != nil {
		panic(err)
	}
	if _, err := m.WriteTo(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// RootTable { pa: 0x0000000040000000, translation_regime: El1And0, va_range: Lower, level: 2, table:
	// 0      : 0
	// 1      : 0x00000040001003 (0x0000000040001000, El1Attributes(VALID | TABLE_OR_PAGE))
	//   0      : 0x00000080000403 (0x0000000080000000, El1Attributes(VALID | TABLE_OR_PAGE | ACCESSED))
	//   1  -511: 0
	// 2  -511: 0
	// }
}

// The calls of a closed Mapping fail with ErrClosed, as those of a closed
// os.File fail with os.ErrClosed; its getters without an error panic.
func ExampleErrClosed() {
	m, err := ap.NewIdentity[ap.EL1Attributes](ap.Options{RootLevel: 1})
	if err != nil {
		panic(err)
	}
	m.Close()
	_, err = m.Translate(0x8000_0000)
	fmt.Println(errors.Is(err, ap.ErrClosed))
	fmt.Println(err)
	// Output:
	// true
	// aarch64paging: Mapping.Translate used after Close
}

// Status names a library status; an *Error's Status says which it was.
func ExampleStatus() {
	m, err := ap.NewIdentity[ap.EL1Attributes](ap.Options{RootLevel: 1})
	if err != nil {
		panic(err)
	}
	defer m.Close()
	far, _ := ap.RegionFromSize(1<<40, 0x1000)
	var e *ap.Error
	if errors.As(m.MapAuto(far, ap.EL1Valid, ap.NoConstraints), &e) {
		fmt.Println(e.Status, e.Status == ap.StatusAddressRange, e.Status.Text())
	}
	// Output:
	// AP_ERR_ADDRESS_RANGE true address out of the table's range
}
