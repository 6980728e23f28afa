// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging_test

import (
	"fmt"

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
