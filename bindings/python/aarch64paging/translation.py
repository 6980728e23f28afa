# SPDX-License-Identifier: MIT OR Apache-2.0
"""Custom translations written in Python, and a bytearray-backed pool."""
from __future__ import annotations

import ctypes
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _lib


class Translation:
    """Base of a custom translation: how the library gets, releases and
    reaches table memory. Override:

    * ``allocate_table()`` -> ``(pointer, pa)``: a zeroed, 4 KiB-aligned
      4 KiB table, its address in this process and its physical address;
      ``None`` for out of memory.
    * ``free_table(pointer, pa)``.
    * ``physical_to_virtual(pa)`` -> pointer or ``None``.
    * optionally ``allocate_tables(nbytes)`` -> ``(pointer, pa)`` and
      ``free_tables(pointer, pa, nbytes)``: blocks aligned to their size
      for 16/64 KiB granules and concatenated stage 2 roots. Set
      ``multi_tables = False`` (or leave them out) to pass NULL.

    Exceptions raised by these methods are stored in ``errors`` and
    reported to the library as failures (NULL).
    """

    multi_tables = True
    errors: List[BaseException]

    def allocate_table(self) -> Optional[Tuple[int, int]]:
        raise NotImplementedError

    def free_table(self, pointer: int, pa: int) -> None:
        raise NotImplementedError

    def physical_to_virtual(self, pa: int) -> Optional[int]:
        raise NotImplementedError

    def _guarded(self, call: Callable[[], Any], default: Any = None) -> Any:
        """Runs a Python op for the C core: an exception cannot cross into
        C, so it is kept in ``errors`` and the core gets ``default`` (NULL:
        out of memory, or no table)."""
        try:
            return call()
        except BaseException as exc:
            self.errors.append(exc)
            return default

    @staticmethod
    def _allocated(got: Optional[Tuple[int, int]], pa: Any) -> Optional[int]:
        """An allocation op's (pointer, physical address) for C: the pointer,
        with the address stored in ``pa``; None (NULL) for None."""
        if got is None:
            return None
        pa[0] = got[1]
        return got[0]

    def _ops(self) -> Any:
        """The ap_translation_ops_t for this object; the ctypes callbacks are
        kept alive on it."""
        self.errors = getattr(self, "errors", [])
        ops = _lib.sized(_lib.TranslationOps)

        def alloc(_ctx, pa):
            return self._guarded(lambda: self._allocated(self.allocate_table(), pa))

        def free(_ctx, table, pa):
            self._guarded(lambda: self.free_table(table, pa))

        def p2v(_ctx, pa):
            return self._guarded(lambda: self.physical_to_virtual(pa))

        ops.allocate_table = _lib.ALLOCATE_TABLE_FN(alloc)
        ops.free_table = _lib.FREE_TABLE_FN(free)
        ops.physical_to_virtual = _lib.PHYS_TO_VIRT_FN(p2v)
        if self.multi_tables and type(self).allocate_tables is not Translation.allocate_tables:
            def allocs(_ctx, nbytes, pa):
                return self._guarded(lambda: self._allocated(self.allocate_tables(nbytes), pa))

            def frees(_ctx, tables, pa, nbytes):
                self._guarded(lambda: self.free_tables(tables, pa, nbytes))

            ops.allocate_tables = _lib.ALLOCATE_TABLES_FN(allocs)
            ops.free_tables = _lib.FREE_TABLES_FN(frees)
        self._c_ops = ops  # holds the CFUNCTYPE objects too
        return ops

    def allocate_tables(self, nbytes: int) -> Optional[Tuple[int, int]]:
        return None

    def free_tables(self, pointer: int, pa: int, nbytes: int) -> None:
        pass


class PoolTranslation(Translation):
    """Tables carved from one Python bytearray: a table's physical address
    is ``base + its offset`` in the pool. Blocks are aligned to their size
    (both as offsets and as pointers); freed blocks are reused.

    ``pool`` is the bytearray: read the tables there (``read_u64``)."""

    def __init__(self, size: int = 1 << 20, base: int = 0):
        self._align = 1 << 20  # the largest block allocate_tables may be asked for
        self._raw = bytearray(size + self._align)
        self._cbuf = (ctypes.c_char * len(self._raw)).from_buffer(self._raw)
        address = ctypes.addressof(self._cbuf)
        self._skip = (-address) % self._align
        self.pool = memoryview(self._raw)[self._skip:self._skip + size]
        self.address = address + self._skip
        self.size = size
        self.base = base
        self._free: Dict[int, List[int]] = {}  # nbytes -> [offsets]
        self._next = 0
        self.live: Dict[int, int] = {}  # offset -> nbytes
        self.allocations = 0
        self.frees = 0

    def _take(self, nbytes: int) -> Optional[Tuple[int, int]]:
        free = self._free.get(nbytes)
        if free:
            offset = free.pop()
        else:
            offset = (self._next + nbytes - 1) & ~(nbytes - 1)
            if offset + nbytes > self.size:
                return None
            self._next = offset + nbytes
        self.pool[offset:offset + nbytes] = bytes(nbytes)
        self.live[offset] = nbytes
        self.allocations += 1
        return self.address + offset, self.base + offset

    def _give(self, pa: int, nbytes: int) -> None:
        offset = pa - self.base
        if self.live.pop(offset, None) != nbytes:
            raise ValueError("free of a block not allocated: pa %#x, %d bytes" % (pa, nbytes))
        self._free.setdefault(nbytes, []).append(offset)
        self.frees += 1

    def allocate_table(self) -> Optional[Tuple[int, int]]:
        return self._take(4096)

    def free_table(self, pointer: int, pa: int) -> None:
        self._give(pa, 4096)

    def allocate_tables(self, nbytes: int) -> Optional[Tuple[int, int]]:
        return self._take(nbytes)

    def free_tables(self, pointer: int, pa: int, nbytes: int) -> None:
        self._give(pa, nbytes)

    def physical_to_virtual(self, pa: int) -> Optional[int]:
        offset = pa - self.base
        if 0 <= offset < self.size:
            return self.address + offset
        return None

    def read_u64(self, pa: int) -> int:
        """The 64-bit little-endian word at physical address @p pa."""
        offset = pa - self.base
        return int.from_bytes(self.pool[offset:offset + 8], "little")
