# SPDX-License-Identifier: MIT OR Apache-2.0
"""What makes the binding feel like Python: attribute sets as enum.IntFlag
per descriptor format, enums for kinds and granules, reprs, one
close/with base, type hints."""
import enum
import gc
import inspect
import typing
import unittest

import aarch64paging as ap
from aarch64paging import _lib, constants

EL1 = ap.El1Attr.VALID | ap.El1Attr.ACCESSED | ap.El1Attr.INNER_SHAREABLE
EL23 = ap.El23Attr.VALID | ap.El23Attr.ACCESSED | ap.El23Attr.INNER_SHAREABLE
S2 = (ap.S2Attr.VALID | ap.S2Attr.ACCESS_FLAG | ap.S2Attr.S2AP_ACCESS_RW
      | ap.S2Attr.MEMATTR_NORMAL_OUTER_WB | ap.S2Attr.MEMATTR_NORMAL_INNER_WB)


class AttributeSets(unittest.TestCase):
    def test_members_are_the_constants(self):
        """Every AP_<FORMAT>_* constant is a member of its class by the same
        name and value, and the class has no other member."""
        for prefix, cls in (("AP_EL1_", ap.El1Attr), ("AP_EL23_", ap.El23Attr),
                            ("AP_S2_", ap.S2Attr)):
            with self.subTest(cls=cls.__name__):
                want = {name[len(prefix):]: value for name, value in vars(constants).items()
                        if name.startswith(prefix)}
                have = {name: int(member) for name, member in cls.__members__.items()}
                self.assertGreater(len(want), 30)
                self.assertEqual(have, want)
                self.assertTrue(issubclass(cls, enum.IntFlag))
                self.assertEqual(getattr(ap, prefix + "VALID"), cls.VALID)  # kept

    def test_they_are_ints(self):
        self.assertEqual(EL1, ap.AP_EL1_VALID | ap.AP_EL1_ACCESSED | ap.AP_EL1_INNER_SHAREABLE)
        self.assertIsInstance(EL1, int)
        self.assertEqual(str(EL1), "1793")  # print() gives the number, as before
        self.assertEqual("%#x" % EL1, "0x701")
        self.assertEqual(format(EL1, "#x"), "0x701")
        self.assertIn(ap.El1Attr.ACCESSED, EL1)
        self.assertEqual(EL1 & ~ap.El1Attr.ACCESSED, 0x301)

    def test_repr_names_fields_by_value(self):
        self.assertEqual(repr(EL1), "<El1Attr.VALID|INNER_SHAREABLE|ACCESSED: 0x701>")
        self.assertEqual(repr(ap.El1Attr(0x2000000000070d)),
                         "<El1Attr.VALID|ATTRIBUTE_INDEX_3|INNER_SHAREABLE|ACCESSED|PXN: "
                         "0x2000000000070d>")
        self.assertEqual(EL1.names, ["VALID", "INNER_SHAREABLE", "ACCESSED"])
        self.assertEqual(ap.El1Attr(0x701).name, "VALID|INNER_SHAREABLE|ACCESSED")
        self.assertEqual(repr(ap.El1Attr(0)), "<El1Attr: 0x0>")
        self.assertEqual(repr(ap.El1Attr(1 << 40 | 1)), "<El1Attr.VALID|0x10000000000: "
                                                        "0x10000000001>")
        self.assertEqual(repr(ap.El23Attr(0x801)), "<El23Attr.VALID|NON_GLOBAL: 0x801>")
        self.assertEqual(S2.names, ["VALID", "MEMATTR_NORMAL_INNER_WB",
                                    "MEMATTR_NORMAL_OUTER_WB", "S2AP_ACCESS_RW", "ACCESS_FLAG"])
        device = ap.S2Attr(ap.AP_S2_VALID | ap.AP_S2_MEMATTR_DEVICE_nGnRE | ap.AP_S2_SH_INNER)
        self.assertEqual(device.names, ["VALID", "MEMATTR_DEVICE_nGnRE", "SH_INNER"])

    def test_attributes_for_kind(self):
        self.assertIs(ap.attributes_for(ap.EL1AND0), ap.El1Attr)
        self.assertIs(ap.attributes_for(ap.EL2AND0), ap.El1Attr)
        self.assertIs(ap.attributes_for(ap.EL2), ap.El23Attr)
        self.assertIs(ap.attributes_for(ap.EL3), ap.El23Attr)
        self.assertIs(ap.RegimeKind.STAGE2.attributes, ap.S2Attr)
        self.assertIs(ap.Regime.get(ap.EL3).attr_type, ap.El23Attr)


class TypedResults(unittest.TestCase):
    def check_format(self, regime, flags, cls, **options):
        with ap.Mapping.identity(regime=regime, **options) as m:
            self.assertIs(m.attr_type, cls)
            self.assertEqual(m.regime_kind, regime)
            m.map(0x200000, 0x2000, 0x200000, flags)
            r = m.translate(0x201008)
            self.assertIs(type(r.attributes), cls)
            self.assertIs(type(r.table_attributes), cls)
            self.assertEqual(r.attributes & ~cls.TABLE_OR_PAGE, flags)
            leaves = [e for e in m.walk(0x200000, 0x2000) if e.level == 3]
            self.assertEqual(len(leaves), 2)
            for e in leaves:
                self.assertIs(type(e.attributes), cls)
                self.assertEqual(e.attributes, ap.pte_flags(e.descriptor, 3))
                self.assertEqual(e.attributes, ap.pte_flags(e.descriptor, 3, regime))
                self.assertTrue(e.is_valid)
                self.assertFalse(e.is_table)
            self.assertEqual(leaves[1].output_address, 0x201000)
            seen = []
            m.modify(0x200000, 0x1000, lambda s, n, d: seen.append(d.flags) if d.level == 3
                     else None)
            self.assertEqual([type(f) for f in seen], [cls])

    def test_el1(self):
        self.check_format(ap.EL1AND0, EL1, ap.El1Attr)

    def test_el23(self):
        self.check_format(ap.EL2, EL23, ap.El23Attr)

    def test_stage2(self):
        self.check_format(ap.STAGE2, S2, ap.S2Attr, input_bits=40)

    def test_adopted_mapping_knows_its_format(self):
        pool = ap.PoolTranslation(size=32 * 4096)
        with ap.Mapping.custom(pool, regime=ap.STAGE2, input_bits=40) as m:
            m.map(0, 0x1000, 0x5000, S2)
            with ap.Mapping.open(pool, m.root, regime=ap.STAGE2, input_bits=40) as ro:
                self.assertIs(type(ro.translate(0x10).attributes), ap.S2Attr)
                self.assertEqual(ro.regime_kind, ap.RegimeKind.STAGE2)

    def test_custom_regime_kind(self):
        with ap.Regime.create(ap.EL2AND0, ap.RegimeHooks()) as regime:
            self.assertIs(regime.kind, ap.RegimeKind.EL2AND0)
            self.assertIs(regime.get_kind(), ap.RegimeKind.EL2AND0)
            with ap.Mapping.identity(regime=regime) as m:
                self.assertIs(m.attr_type, ap.El1Attr)


class Enums(unittest.TestCase):
    def test_regime_kinds(self):
        for kind in ap.RegimeKind:  # the module's EL1AND0 ... STAGE2 are the members
            self.assertIs(getattr(ap, kind.name), kind)
        self.assertEqual(ap.EL2, ap.AP_REGIME_EL2)
        self.assertEqual([int(k) for k in ap.RegimeKind], [0, 1, 2, 3, 4])

    def test_granule_of(self):
        for value in (ap.AP_GRANULE_16K, 16384, "16K", "16k", "16KiB", ap.Granule.SIZE_16K):
            self.assertIs(ap.Granule.of(value), ap.Granule.SIZE_16K, value)
        self.assertEqual([g.page_size for g in ap.Granule], [4096, 16384, 65536])
        for bad in (3, 8192, "8K", True, None):
            with self.assertRaises(ValueError):
                ap.Granule.of(bad)

    def test_friendly_granule_option(self):
        for value in ("64K", 65536, ap.AP_GRANULE_64K):
            with ap.Mapping.identity(granule=value, input_bits=42) as m:
                self.assertIs(m.granule, ap.Granule.SIZE_64K)
                self.assertIs(m.translation_control().granule, ap.Granule.SIZE_64K)
                m.map(0, 0x10000, 0, EL1)
                self.assertEqual(m.translate(8).block_size, 65536)
        with self.assertRaises(ValueError):
            ap.Mapping.identity(granule="8K")

    def test_constraints(self):
        with ap.Mapping.identity() as m:
            m.map(0, 0x200000, 0, EL1, ap.Constraint.NO_BLOCK_MAPPINGS)
            self.assertEqual(m.translate(0).level, 3)
            self.assertEqual(ap.Constraint.NO_CONTIGUOUS_HINT, ap.AP_CONSTRAINT_NO_CONTIGUOUS_HINT)

    def test_va_range(self):
        with ap.Mapping.identity(va_range=ap.AP_VA_RANGE_UPPER) as m:
            self.assertIs(m.va_range, ap.VaRange.UPPER)


class Reprs(unittest.TestCase):
    def test_mapping(self):
        m = ap.Mapping.identity(root_level=1)
        m.map(0x40000000, 0x1000, 0x40000000, EL1)
        text = repr(m)
        self.assertTrue(text.startswith("<Mapping EL1AND0 4K 39-bit root=0x"), text)
        self.assertTrue(text.endswith("level 1, 3 tables>"), text)
        m.close()
        self.assertEqual(repr(m), "<Mapping closed>")

    def test_mapping_repr_never_raises(self):
        pool = ap.PoolTranslation(size=16 * 4096, base=0x80000000)
        with ap.Mapping.custom(pool, root_level=1) as m:
            m.map(0, 0x1000, 0, EL1)
            pool.pool[0:8] = (0x10000003).to_bytes(8, "little")  # a table outside the pool
            with ap.Mapping.open(pool, m.root, root_level=1) as broken:
                with self.assertRaises(ap.BadTableAddressError):
                    broken.table_count
                self.assertIn("(BadTableAddressError)>", repr(broken))

    def test_records(self):
        with ap.Mapping.identity(root_level=1) as m:
            m.map(0x40000000, 0x1000, 0x40000000, EL1)
            r = m.translate(0x40000010)
            self.assertEqual(repr(r), "TranslateResult(mapped=True, output_address=0x40000010, "
                             "attributes=<El1Attr.VALID|TABLE_OR_PAGE|INNER_SHAREABLE|"
                             "ACCESSED: 0x703>, table_attributes=<El1Attr: 0x0>, "
                             "descriptor=0x40000703, level=3, block_size=0x1000)")
            e = m.walk(0x40000000, 0x1000)[-1]
            self.assertEqual(repr(e), "WalkEntry(start=0x40000000, size=0x1000, "
                             "descriptor=0x40000703, level=3, attributes=<El1Attr.VALID|"
                             "TABLE_OR_PAGE|INNER_SHAREABLE|ACCESSED: 0x703>)")
            self.assertIn("granule=SIZE_4K", repr(m.translation_control()))
            self.assertEqual(r.output_address, r[1])  # still a tuple

    def test_descriptor_after_its_callback(self):
        kept = []
        with ap.Mapping.identity() as m:
            m.map(0, 0x1000, 0, EL1)
            m.modify(0, 0x1000, lambda s, n, d: kept.append((d, repr(d))))
        self.assertTrue(kept[-1][1].startswith("<Descriptor level 3 0x703 <El1Attr.VALID|"))
        self.assertEqual(repr(kept[-1][0]), "<Descriptor (callback over)>")
        with self.assertRaises(ValueError):
            kept[-1][0].flags

    def test_regime_and_errors(self):
        self.assertEqual(repr(ap.Regime.get(ap.EL2)), "<Regime EL2 built-in>")
        regime = ap.Regime.create(ap.EL3, ap.RegimeHooks())
        self.assertEqual(repr(regime), "<Regime EL3 custom>")
        regime.close()
        self.assertEqual(repr(regime), "<Regime EL3 custom, closed>")
        self.assertTrue(repr(ap.error_for(5)).startswith("InvalidFlagsError("))


class Lifetime(unittest.TestCase):
    def test_one_implementation(self):
        for cls in (ap.Mapping, ap.Regime):
            self.assertTrue(issubclass(cls, _lib.Handle))
            for name in ("close", "__enter__", "__exit__", "__del__"):
                self.assertNotIn(name, vars(cls), "%s.%s" % (cls.__name__, name))

    def test_close(self):
        with ap.Mapping.identity() as m:
            self.assertFalse(m.closed)
        self.assertTrue(m.closed)
        m.close()  # again: nothing
        with self.assertRaises(ValueError):
            m.translate(0)
        builtin = ap.Regime.get(ap.EL1AND0)
        with builtin:
            pass
        self.assertFalse(builtin.closed)  # never released
        self.assertEqual(builtin.get_kind(), ap.EL1AND0)

    def test_refused_close_leaves_it_open(self):
        regime = ap.Regime.create(ap.EL1AND0, ap.RegimeHooks())
        m = ap.Mapping.identity(regime=regime)
        with self.assertRaises(ap.StillActiveError):
            regime.close()
        self.assertFalse(regime.closed)
        m.close()
        regime.close()
        self.assertTrue(regime.closed)

    def test_collection_releases(self):
        pool = ap.PoolTranslation(size=16 * 4096)
        m = ap.Mapping.custom(pool)
        m.map(0, 0x1000, 0, EL1)
        self.assertTrue(pool.live)
        del m
        gc.collect()
        self.assertEqual(pool.live, {})


class TypeHints(unittest.TestCase):
    """Every public function, method and property says its types, and the
    hints resolve."""

    def public_callables(self):
        for name, obj in vars(ap).items():
            module = getattr(obj, "__module__", None) or ""
            if name.startswith("_") or not module.startswith("aarch64paging"):
                continue
            if inspect.isfunction(obj):
                yield name, obj
            elif inspect.isclass(obj) and not issubclass(obj, ap.Error):
                for attr, member in ((a, m) for c in obj.__mro__ if c.__module__.startswith(
                        "aarch64paging") for a, m in vars(c).items()):
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(member, property):
                        yield "%s.%s" % (name, attr), member.fget
                    elif isinstance(member, (classmethod, staticmethod)):
                        yield "%s.%s" % (name, attr), member.__func__
                    elif inspect.isfunction(member):
                        yield "%s.%s" % (name, attr), member

    def test_annotated(self):
        count = 0
        for name, fn in self.public_callables():
            with self.subTest(name):
                hints = typing.get_type_hints(fn)
                params = [p for p in inspect.signature(fn).parameters.values()
                          if p.name not in ("self", "cls")]
                for p in params:
                    self.assertIn(p.name, hints, "%s: parameter %s" % (name, p.name))
                if fn.__name__ != "__init__":
                    self.assertIn("return", hints, "%s: return" % name)
                count += 1
        self.assertGreater(count, 90)


if __name__ == "__main__":
    unittest.main()
