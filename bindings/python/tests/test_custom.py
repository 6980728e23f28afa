# SPDX-License-Identifier: MIT OR Apache-2.0
"""A custom translation over a bytearray pool, custom regime hooks, adoption."""
import gc
import unittest

import aarch64paging as ap

NORMAL = ap.AP_EL1_VALID | ap.AP_EL1_ACCESSED | ap.AP_EL1_INNER_SHAREABLE


class PoolTranslationTest(unittest.TestCase):
    def test_tables_live_in_the_pool(self):
        pool = ap.PoolTranslation(size=64 * 4096)
        m = ap.Mapping.custom(pool, root_level=1)
        m.map(0x80000000, 0x3000, 0x12345000, NORMAL)
        gc.collect()  # the ctypes callbacks must survive a collection
        m.map(0x80003000, 0x1000, 0x22000000, NORMAL)
        root = m.root
        self.assertEqual(root, 0)  # the first table: offset 0
        self.assertGreaterEqual(pool.allocations, 3)
        # Walk the tables by hand in the bytearray: L1 -> L2 -> L3.
        l1 = pool.read_u64(root + 8 * 2)  # 0x80000000 >> 30 == 2
        self.assertTrue(ap.pte_is_table(l1, 1))
        l2 = pool.read_u64(ap.pte_output_address(l1, 1))
        l3 = pool.read_u64(ap.pte_output_address(l2, 2) + 8 * 1)
        self.assertEqual(ap.pte_output_address(l3, 3), 0x12346000)
        self.assertEqual(m.translate(0x80001010).output_address, 0x12346010)
        self.assertEqual(pool.errors, [])
        m.close()
        self.assertEqual(pool.live, {})
        self.assertEqual(pool.allocations, pool.frees)

    def test_base_offset_and_adopt(self):
        pool = ap.PoolTranslation(size=32 * 4096, base=0x40000000)
        with ap.Mapping.custom(pool) as m:
            m.map(0x1000, 0x1000, 0x9000, NORMAL)
            root = m.root
            self.assertEqual(root, 0x40000000)
            with ap.Mapping.open(pool, root) as ro:
                self.assertEqual(ro.translate(0x1008).output_address, 0x9008)
                with self.assertRaises(ap.ReadOnlyError):
                    ro.map(0x2000, 0x1000, 0, NORMAL)
            with ap.Mapping.open(pool, root, editable=True) as rw:
                rw.map(0x2000, 0x1000, 0xa000, NORMAL)
            self.assertEqual(m.translate(0x2000).output_address, 0xa000)

    def test_out_of_memory(self):
        pool = ap.PoolTranslation(size=2 * 4096)
        with ap.Mapping.custom(pool) as m:
            with self.assertRaises(ap.NoMemoryError):
                m.map(0, 0x1000, 0, NORMAL)  # root + L2 + L3 needs three

    def test_python_exception_is_reported(self):
        class Failing(ap.PoolTranslation):
            fail = False

            def allocate_table(self):
                if self.fail:
                    raise RuntimeError("no tables today")
                return super().allocate_table()
        pool = Failing(size=16 * 4096)
        with ap.Mapping.custom(pool) as m:
            pool.fail = True
            with self.assertRaises(ap.NoMemoryError):
                m.map(0, 0x1000, 0, NORMAL)
            self.assertIsInstance(pool.errors[0], RuntimeError)

    def test_16k_needs_allocate_tables(self):
        pool = ap.PoolTranslation(size=1 << 20)
        with ap.Mapping.custom(pool, granule=ap.AP_GRANULE_16K) as m:
            m.map(0x100000, 0x8000, 0x100000, NORMAL)
            self.assertEqual(m.translate(0x104000).block_size, 16384)
            self.assertEqual(m.root % 16384, 0)
        pool.multi_tables = False
        with self.assertRaises(ap.UnsupportedError):
            ap.Mapping.custom(pool, granule=ap.AP_GRANULE_64K, input_bits=42)

    def test_minimal_translation_subclass(self):
        """Translation with only the three required methods."""
        backing = ap.PoolTranslation(size=16 * 4096)

        class Mine(ap.Translation):
            def allocate_table(self):
                return backing.allocate_table()

            def free_table(self, pointer, pa):
                backing.free_table(pointer, pa)

            def physical_to_virtual(self, pa):
                return backing.physical_to_virtual(pa)
        with ap.Mapping.custom(Mine()) as m:
            m.map(0, 0x1000, 0x7000, NORMAL)
            self.assertEqual(m.translate(0x10).output_address, 0x7010)
            with self.assertRaises(ap.UnsupportedError):
                m.va_to_pa(0x10)  # only linear translations answer it
        self.assertEqual(backing.live, {})


class RegimeHooksTest(unittest.TestCase):
    def test_builtin(self):
        r = ap.Regime.get(ap.STAGE2)
        self.assertEqual(r.get_kind(), ap.STAGE2)
        with self.assertRaises(ap.InvalidArgumentError):
            ap.Regime.get(9)

    def test_invalidations_on_live_mapping(self):
        hooks = ap.RegimeHooks(previous_ttbr=0xabc000)
        regime = ap.Regime.create(ap.EL1AND0, hooks)
        self.assertEqual(regime.get_kind(), ap.EL1AND0)
        m = ap.Mapping.identity(regime=regime, asid=5)
        m.map(0x200000, 0x2000, 0x200000, NORMAL)
        prev = m.activate()
        self.assertEqual(prev, 0xabc000)
        self.assertEqual(hooks.activations, [(m.root, 5, ap.AP_VA_RANGE_LOWER)])
        self.assertEqual(hooks.invalidations, [])  # nothing live was changed yet
        m.unmap(0x201000, 0x1000)
        self.assertEqual(len(hooks.invalidations), 1)
        inv = hooks.invalidations[0]
        self.assertEqual(inv.va, 0x201000)
        self.assertEqual(inv.level, 3)
        self.assertEqual(inv.kind, ap.AP_INVALIDATE_LEAF)
        self.assertEqual(inv.asid, 5)
        self.assertGreaterEqual(hooks.barriers, 1)
        with self.assertRaises(ap.StillActiveError):
            regime.close()  # the mapping still uses it
        m.deactivate(prev)
        self.assertEqual(hooks.deactivations, [(0xabc000, 5, ap.AP_VA_RANGE_LOWER)])
        m.close()
        regime.close()
        self.assertEqual(regime.hook_errors, [])

    def test_partial_hooks_and_bbm(self):
        class OnlyInvalidate:
            def __init__(self):
                self.seen = []

            def invalidate(self, inv):
                self.seen.append(inv)
        hooks = OnlyInvalidate()
        with ap.Regime.create(ap.EL1AND0, hooks) as regime:
            with ap.Mapping.identity(regime=regime) as m:
                m.map(0, 0x1000, 0x1000, NORMAL)
                m.mark_active()
                with self.assertRaises(ap.BreakBeforeMakeError) as cm:
                    m.map(0, 0x1000, 0x2000, NORMAL)  # a live output address change
                self.assertEqual(cm.exception.region[0], 0)
                m.map(0, 0x1000, 0x1000, NORMAL | ap.AP_EL1_READ_ONLY)
                self.assertEqual(len(hooks.seen), 1)
                m.mark_inactive()


if __name__ == "__main__":
    unittest.main()
