// SPDX-License-Identifier: MIT OR Apache-2.0

package aarch64paging

import (
	"errors"
	"fmt"
	"testing"
)

// Each attribute type names its bits in its own format, and the integer
// verbs still print the number.
func TestAttributesStringNamesTheSetBits(t *testing.T) {
	for _, c := range []struct {
		got  fmt.Stringer
		want string
	}{
		{normal | EL1NonGlobal | EL1PXN, "VALID | ATTRIBUTE_INDEX_1 | INNER_SHAREABLE | ACCESSED | NON_GLOBAL | PXN"},
		{EL1Attributes(0), "0x0"},
		{EL1Attributes(1 << 40), "0x10000000000"},
		{EL23Valid | EL23Accessed | EL23ReadOnly | EL23XN, "VALID | READ_ONLY | ACCESSED | XN"},
		// The bit EL1 calls UXN is XN at EL2 and EL3, and XN at stage 2.
		{EL23Attributes(EL1UXN), "XN"},
		{S2Valid | S2AccessFlag | S2APReadWrite | S2MemAttrNormalInnerWB | S2MemAttrNormalOuterWB | S2SHInner,
			"VALID | normal-wb | rw | inner | ACCESS_FLAG"},
		{S2Attributes(0), "device-ngnrne | none | non-shareable"},
	} {
		if got := c.got.String(); got != c.want {
			t.Errorf("%T %#x: %q, want %q", c.got, c.got, got, c.want)
		}
	}
	a := EL1Valid | EL1Accessed
	got := fmt.Sprintf("%x %#x %d %b|%v|%s|%q|%#v|%6x|%-18v|", a, a, a, a, a, a, a, a, a, a)
	want := `401 0x401 1025 10000000001|VALID | ACCESSED|VALID | ACCESSED|"VALID | ACCESSED"|aarch64paging.EL1Attributes(0x401)|   401|VALID | ACCESSED  |`
	if got != want {
		t.Errorf("formatted as\n%s, want\n%s", got, want)
	}
	if got := fmt.Sprintf("%#x %v %#x %v", S2XN, S2XN, EL23NS, EL23NS); got != "0x40000000000000 device-ngnrne | none | non-shareable | XN 0x20 NS" {
		t.Errorf("S2 and EL23 formatted as %q", got)
	}
}

// A type argument that is not the regime's format is refused before any
// table is made; the right ones are taken.
func TestATypeArgumentOfAnotherFormatIsRefused(t *testing.T) {
	stage2, err := BuiltinRegime(Stage2)
	must(t, err)
	el3, err := BuiltinRegime(EL3)
	must(t, err)
	el2and0, err := BuiltinRegime(EL2And0)
	must(t, err)
	a := newArena(t, 4)
	for what, c := range map[string]struct {
		create func() (interface{ Close() error }, error)
		regime RegimeKind
		given  string
		text   string
	}{
		"identity, S2 on the default EL1&0": {
			func() (interface{ Close() error }, error) { return NewIdentity[S2Attributes](Options{RootLevel: 1}) },
			EL1And0, "S2Attributes", "aarch64paging: a mapping of the EL1&0 regime takes EL1Attributes, not S2Attributes",
		},
		"linear, EL1 on stage 2": {
			func() (interface{ Close() error }, error) {
				return NewLinear[EL1Attributes](Options{Regime: stage2, RootLevel: 1}, 0x1000)
			},
			Stage2, "EL1Attributes", "aarch64paging: a mapping of the stage 2 regime takes S2Attributes, not EL1Attributes",
		},
		"target, EL1 on EL3": {
			func() (interface{ Close() error }, error) {
				return NewTarget[EL1Attributes](Options{Regime: el3, RootLevel: 1}, 0x9000_0000)
			},
			EL3, "EL1Attributes", "aarch64paging: a mapping of the EL3 regime takes EL23Attributes, not EL1Attributes",
		},
		"custom, EL23 on EL2&0": {
			func() (interface{ Close() error }, error) {
				return NewCustom[EL23Attributes](Options{Regime: el2and0, RootLevel: 1}, a)
			},
			EL2And0, "EL23Attributes", "aarch64paging: a mapping of the EL2&0 regime takes EL1Attributes, not EL23Attributes",
		},
		"open, S2 on EL1&0": {
			func() (interface{ Close() error }, error) {
				return Open[S2Attributes](Options{RootLevel: 1}, a, arenaPA, true)
			},
			EL1And0, "S2Attributes", "aarch64paging: a mapping of the EL1&0 regime takes EL1Attributes, not S2Attributes",
		},
	} {
		m, err := c.create()
		var format *FormatError
		if !errors.As(err, &format) || !errors.Is(err, ErrInvalidArgument) {
			if err == nil {
				m.Close()
			}
			t.Errorf("%s: %v", what, err)
			continue
		}
		if format.Regime != c.regime || format.Attributes != c.given || err.Error() != c.text {
			t.Errorf("%s: %+v %q", what, *format, err)
		}
	}
	if a.live() != 0 {
		t.Fatalf("%d tables allocated by refused mappings", a.live())
	}

	// Each format with every regime that uses it.
	for kind, create := range map[RegimeKind]func(*Regime) error{
		EL1And0: func(r *Regime) error { return closeNew(NewIdentity[EL1Attributes](Options{Regime: r, RootLevel: 1})) },
		EL2And0: func(r *Regime) error { return closeNew(NewIdentity[EL1Attributes](Options{Regime: r, RootLevel: 1})) },
		EL2:     func(r *Regime) error { return closeNew(NewIdentity[EL23Attributes](Options{Regime: r, RootLevel: 1})) },
		EL3:     func(r *Regime) error { return closeNew(NewIdentity[EL23Attributes](Options{Regime: r, RootLevel: 1})) },
		Stage2:  func(r *Regime) error { return closeNew(NewIdentity[S2Attributes](Options{Regime: r, RootLevel: 1})) },
	} {
		regime, err := BuiltinRegime(kind)
		must(t, err)
		if err := create(regime); err != nil {
			t.Errorf("%v: %v", kind, err)
		}
	}
}

func closeNew[A Attributes](m *Mapping[A], err error) error {
	if err != nil {
		return err
	}
	return m.Close()
}

// Translate and Modify hand out attributes in the mapping's format.
func TestTypedDescriptorsAndTranslateResults(t *testing.T) {
	regime, err := BuiltinRegime(Stage2)
	must(t, err)
	m, err := NewIdentity[S2Attributes](Options{Regime: regime, InputBits: 40})
	must(t, err)
	defer m.Close()
	r := region(t, 0x4000_0000, 0x4000_2000)
	ram := S2Valid | S2AccessFlag | S2APReadWrite | S2MemAttrNormalInnerWB | S2MemAttrNormalOuterWB | S2SHInner
	must(t, m.MapAuto(r, ram, NoConstraints))
	var seen []S2Attributes
	must(t, m.Modify(r, func(_ Region, d *Descriptor[S2Attributes]) error {
		seen = append(seen, d.Attributes()&^AttrTableOrPage)
		return d.ModifyAttributes(S2XN, S2APWriteOnly) // rw becomes ro
	}))
	if len(seen) != 2 || seen[0] != ram || seen[1] != ram {
		t.Fatalf("modify saw %v", seen)
	}
	got, err := m.Translate(0x4000_1234)
	must(t, err)
	var attributes S2Attributes = got.Attributes // a compile-time check of the field's type
	if attributes != (ram|AttrTableOrPage|S2XN)&^S2APWriteOnly ||
		attributes.String() != "VALID | TABLE_OR_PAGE | normal-wb | ro | inner | ACCESS_FLAG | XN" {
		t.Fatalf("translated: %+v", got)
	}
}
