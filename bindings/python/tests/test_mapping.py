# SPDX-License-Identifier: MIT OR Apache-2.0
"""Mappings, walks, translation, dumps, errors and granules."""
import ctypes
import json
import xml.etree.ElementTree as ET
import unittest

import aarch64paging as ap
from aarch64paging import _lib

NORMAL = ap.AP_EL1_VALID | ap.AP_EL1_ACCESSED | ap.AP_EL1_INNER_SHAREABLE | ap.AP_EL1_ATTRIBUTE_INDEX_1
GIB = 1 << 30
MIB2 = 2 << 20


class StructLayout(unittest.TestCase):
    """The mirrors match the header (x86-64/AArch64 LP64 sizes)."""

    def test_sizes(self):
        self.assertEqual(ctypes.sizeof(_lib.MappingOptions), 64)
        self.assertEqual(_lib.MappingOptions.mair.offset, 56)
        self.assertEqual(_lib.MappingOptions.reserved.offset, 32)
        self.assertEqual(_lib.MappingOptions.granule.offset, 40)
        self.assertEqual(ctypes.sizeof(_lib.TranslationOps), 48)
        self.assertEqual(ctypes.sizeof(_lib.ErrorDetail), 56)
        self.assertEqual(ctypes.sizeof(_lib.RegimeHooks), 40)
        self.assertEqual(ctypes.sizeof(_lib.TranslateResult), 56)
        self.assertEqual(ctypes.sizeof(_lib.TranslationControlC), 64)
        self.assertEqual(ctypes.sizeof(_lib.Invalidation), 56)


class Basics(unittest.TestCase):
    def test_version(self):
        self.assertEqual(ap.version_string(), "%d.%d.%d" % ap.version())

    def test_identity_map_translate(self):
        with ap.Mapping.identity(root_level=1) as m:
            m.map(0x80000000, 0x10000, 0x80000000, NORMAL)
            r = m.translate(0x80001234)
            self.assertEqual(r.output_address, 0x80001234)
            self.assertEqual(r.level, 3)
            self.assertEqual(r.block_size, 4096)
            self.assertTrue(r.attributes & ap.AP_EL1_ACCESSED)
            self.assertEqual(m.va_to_pa(0x80002000), 0x80002000)
            self.assertEqual(m.root_level, 1)
            self.assertEqual(m.size, 1 << 39)
            self.assertNotEqual(m.root, 0)
            self.assertEqual(m.ttbr & ~0xfff, m.root & ~0xfff)
            tc = m.translation_control()
            self.assertEqual(tc.input_bits, 39)
            self.assertEqual(tc.tsz, 25)
            self.assertEqual(tc.root_tables, 1)
            m.unmap(0x80000000, 0x10000)
            r = m.translate(0x80001234)
            self.assertFalse(r.mapped)
            self.assertEqual(r.level, 3)  # the page's entry, now invalid
            with self.assertRaises(ap.AddressRangeError):
                m.translate(1 << 39)

    def test_map_auto_linear(self):
        with ap.Mapping.linear(0x40000000) as m:
            m.map_auto(0x200000, MIB2, NORMAL)
            self.assertEqual(m.translate(0x200010).output_address, 0x40200010)
            self.assertEqual(m.translate(0x200010).level, 2)  # a block

    def test_target(self):
        with ap.Mapping.target(0x90000000) as m:
            m.map(0, 0x1000, 0x1000, NORMAL)
            self.assertEqual(m.root, 0x90000000)

    def test_walk_and_runs(self):
        with ap.Mapping.identity() as m:
            m.map(0, 0x4000, 0x100000, NORMAL)
            leaves = [e for e in m.walk(0, 0x4000) if e.level == 3]
            self.assertEqual(len(leaves), 4)
            self.assertEqual(ap.pte_output_address(leaves[1].descriptor, 3), 0x101000)
            self.assertTrue(ap.pte_is_valid(leaves[1].descriptor))
            runs = [r for r in m.walk_runs(0, 0x4000) if r.level == 3]
            self.assertEqual(sum(len(r.descriptors) for r in runs), 4)
            with self.assertRaises(ap.StoppedError) as cm:
                m.walk(0, 0x4000, lambda s, n, d, lvl: lvl == 3)
            self.assertEqual(cm.exception.descriptor, leaves[0].descriptor)

    def test_walk_callback_exception_propagates(self):
        with ap.Mapping.identity() as m:
            m.map(0, 0x1000, 0, NORMAL)

            def boom(*_):
                raise KeyError("mine")
            with self.assertRaises(KeyError):
                m.walk(0, 0x1000, boom)

    def test_modify(self):
        with ap.Mapping.identity() as m:
            m.map(0, 0x2000, 0, NORMAL)
            seen = []

            def ro(start, size, d):
                if d.is_valid and not d.is_table:
                    seen.append((start, d.level, d.output_address))
                    d.modify_flags(ap.AP_EL1_READ_ONLY, 0)
            m.modify(0, 0x2000, ro)
            self.assertEqual(seen, [(0, 3, 0), (0x1000, 3, 0x1000)])
            self.assertTrue(m.translate(0x1000).attributes & ap.AP_EL1_READ_ONLY)
            with self.assertRaises(ap.PteUpdateFaultError):
                m.modify(0, 0x1000, lambda s, n, d: True)

    def test_dump(self):
        with ap.Mapping.identity() as m:
            m.map(0x1000, 0x1000, 0x5000, NORMAL)
            self.assertIn("5000", m.dump_as("reference"))
            self.assertTrue(m.dump_as("ranges"))
            doc = json.loads(m.dump_as("json"))
            self.assertIsInstance(doc, dict)
            # The picture is an SVG document with a band for the mapped page.
            svg = m.dump_as("svg")
            picture = ET.fromstring(svg)
            self.assertTrue(picture.tag.endswith("svg"))
            self.assertIn('data-first="0x000000001000" data-last="0x000000001fff" '
                          'data-output="0x5000"', svg)
            self.assertNotIn("data-memory", svg)  # no MAIR: colours by index

    def test_svg_memory_types_from_mair(self):
        device = ap.AP_MAIR_DEVICE_NGNRE
        mair = ap.mair_from_attributes([ap.mair_normal(0xf)] + [device] * 7)
        index_0 = NORMAL & ~ap.AP_EL1_ATTRIBUTE_INDEX_MASK
        with ap.Mapping.identity(mair=mair) as m:
            m.map(0x1000, 0x1000, 0x1000, index_0)
            m.map(0x9000, 0x1000, 0x9000, index_0 | ap.AP_EL1_ATTRIBUTE_INDEX_1)
            svg = m.dump_as("svg")
        self.assertIn('data-output="0x1000" data-kind="pages" data-memory="normal"', svg)
        self.assertIn('data-output="0x9000" data-kind="pages" data-memory="device"', svg)
        with self.assertRaises(ap.InvalidArgumentError):
            ap.Mapping.identity(regime=ap.STAGE2, input_bits=40, mair=mair)

    def test_compact(self):
        with ap.Mapping.identity() as m:
            m.map(0x1000, 0x1000, 0x5000, NORMAL)
            before = m.table_count
            m.unmap(0x1000, 0x1000)
            m.compact()
            self.assertLess(m.table_count, before)

    def test_activate(self):
        m = ap.Mapping.identity()
        prev = m.activate()
        self.assertTrue(m.active)
        with self.assertRaises(ap.StillActiveError):
            m.close()
        m.deactivate(prev)
        self.assertFalse(m.active)
        m.mark_active()
        self.assertTrue(m.active)
        m.mark_inactive()
        with self.assertRaises(ap.NotActiveError):
            m.deactivate(0)
        m.close()
        with self.assertRaises(ValueError):
            m.map(0, 0x1000, 0, NORMAL)


class Errors(unittest.TestCase):
    def test_hierarchy(self):
        for cls in (ap.AddressRangeError, ap.InvalidFlagsError, ap.ReadOnlyError):
            self.assertTrue(issubclass(cls, ap.Error))
        self.assertEqual(ap.error_for(5).status, 5)
        self.assertIsInstance(ap.error_for(5), ap.InvalidFlagsError)

    def test_address_range_detail(self):
        with ap.Mapping.identity(root_level=1) as m:  # 39 bits
            with self.assertRaises(ap.AddressRangeError) as cm:
                m.map(1 << 45, 0x1000, 0, NORMAL)
            e = cm.exception
            self.assertEqual(e.status, 1)
            self.assertTrue(1 << 45 <= e.address <= (1 << 45) + 0x1000, hex(e.address))
            self.assertIn("%x" % e.address, str(e).lower().replace("_", ""))

    def test_backwards_region_detail(self):
        with ap.Mapping.identity() as m:
            with self.assertRaises(ap.RegionBackwardsError) as cm:
                m.map(0xfffffffffffff000, 0x2000, 0, NORMAL)
            self.assertEqual(cm.exception.region, (0xfffffffffffff000, 0x2000))
        with self.assertRaises(ap.RegionBackwardsError):
            ap.region_from_range(0x2000, 0x1000)
        self.assertEqual(ap.region_from_range(0x1001, 0x2001), (0x1000, 0x2000))

    def test_invalid_flags_detail(self):
        with ap.Mapping.identity() as m:
            bad = NORMAL | (1 << 20)  # a bit of the output address field
            with self.assertRaises(ap.InvalidFlagsError) as cm:
                m.map(0, 0x1000, 0, bad)
            self.assertTrue(cm.exception.flags)
            self.assertTrue(str(cm.exception))

    def test_bad_options(self):
        with self.assertRaises(ap.InvalidArgumentError):
            ap.Mapping.identity(asid=1, regime=ap.EL2)
        with self.assertRaises(ap.InvalidArgumentError):
            ap.Mapping.linear(0x123)


class Granules(unittest.TestCase):
    def check_granule(self, granule, page, block_level):
        with ap.Mapping.identity(granule=granule, input_bits=42) as m:
            tc = m.translation_control()
            self.assertEqual(tc.granule, granule)
            m.map(0x40000000, page * 2, 0x40000000, NORMAL)
            r = m.translate(0x40000000 + page + 8)
            self.assertEqual(r.block_size, page)
            self.assertEqual(r.output_address, 0x40000000 + page + 8)

    def test_4k(self):
        self.check_granule(ap.AP_GRANULE_4K, 4096, 2)

    def test_16k(self):
        self.check_granule(ap.AP_GRANULE_16K, 16384, 2)

    def test_64k(self):
        self.check_granule(ap.AP_GRANULE_64K, 65536, 2)

    def test_input_bits(self):
        with ap.Mapping.identity(input_bits=48) as m:
            self.assertEqual(m.size, 1 << 48)
            self.assertEqual(m.root_level, 0)

    def test_stage2_concatenated(self):
        with ap.Mapping.identity(regime=ap.STAGE2, input_bits=40,
                                 max_root_tables=2) as m:
            tc = m.translation_control()
            self.assertEqual(tc.root_tables, 2)
            self.assertEqual(tc.root_level, 1)
            self.assertEqual(tc.root_entries, 1024)


class Helpers(unittest.TestCase):
    def test_mair(self):
        wb = ap.mair_normal(ap.AP_NORMAL_WRITE_BACK_NON_TRANSIENT_READ_WRITE_ALLOCATE)
        self.assertEqual(wb, 0xff)
        mair = ap.mair_from_attributes([ap.AP_MAIR_DEVICE_NGNRNE, wb, 0, 0, 0, 0, 0, 0])
        self.assertEqual(mair, 0xff00)
        mair = ap.mair_with_attribute(mair, 2, ap.AP_MAIR_DEVICE_NGNRE)
        self.assertEqual(ap.mair_attributes(mair)[:3], [0, 0xff, 4])
        self.assertTrue(ap.mair_describe(mair))
        self.assertIn("nGnRE", ap.mair_attribute_describe(4))
        with self.assertRaises(ap.InvalidArgumentError):
            ap.mair_with_attribute(0, 8, 0)

    def test_attrs_describe(self):
        text = ap.attrs_describe(ap.EL1AND0, ap.AP_EL1_VALID | ap.AP_EL1_READ_ONLY)
        self.assertIn("VALID", text)
        self.assertIn("READ_ONLY", text)
        self.assertIn("XN", ap.attrs_describe(ap.STAGE2, ap.AP_S2_XN | ap.AP_S2_VALID))

    def test_bbm(self):
        self.assertIsInstance(ap.bbm_safe(ap.EL1AND0, 3, 0, 0x403), bool)


if __name__ == "__main__":
    unittest.main()
