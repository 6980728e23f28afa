// SPDX-License-Identifier: MIT OR Apache-2.0
//! 16 KiB and 64 KiB granules, input sizes (input_bits), concatenated
//! stage 2 roots, the translation control of each, a custom translation
//! with allocateTables, and the granule that regime hooks receive.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "identity mappings with 16 KiB and 64 KiB granules" {
    const Case = struct { granule: ap.Granule, bits: u32, level: u32, entries: u32, block: u64, tg: u32 };
    const cases = [_]Case{
        .{ .granule = .size_16k, .bits = 36, .level = 2, .entries = 2048, .block = 32 << 20, .tg = 0b10 },
        .{ .granule = .size_16k, .bits = 42, .level = 1, .entries = 64, .block = 32 << 20, .tg = 0b10 },
        .{ .granule = .size_16k, .bits = 48, .level = 0, .entries = 2, .block = 32 << 20, .tg = 0b10 },
        .{ .granule = .size_64k, .bits = 36, .level = 2, .entries = 128, .block = 512 << 20, .tg = 0b01 },
        .{ .granule = .size_64k, .bits = 42, .level = 2, .entries = 8192, .block = 512 << 20, .tg = 0b01 },
        .{ .granule = .size_64k, .bits = 48, .level = 1, .entries = 64, .block = 512 << 20, .tg = 0b01 },
    };
    for (cases) |case| {
        errdefer std.debug.print("case: {}\n", .{case});
        const page = case.granule.pageSize();
        const top = @as(u64, 1) << @intCast(case.bits);
        var map = try ap.Mapping.initIdentity(.{ .granule = case.granule, .input_bits = case.bits });
        defer map.deinit();
        try testing.expectEqual(top, map.size());
        try testing.expectEqual(case.level, map.rootLevel());
        try testing.expectEqual(ap.TranslationControl{
            .tcr = (64 - case.bits) | @as(u64, case.tg) << 14,
            .tcr_mask = 0xc03f,
            .ttbr = map.ttbr(),
            .input_bits = case.bits,
            .tsz = 64 - case.bits,
            .tg = case.tg,
            .sl0 = 0,
            .granule = case.granule,
            .root_level = case.level,
            .root_entries = case.entries,
            .root_tables = 1,
        }, try map.translationControl());

        // Two level 2 blocks and three pages.
        try map.mapAuto(try ap.Region.fromSize(0x4000_0000, 2 * case.block), util.normal_el1, .{}, null);
        try map.mapAuto(try ap.Region.fromSize(0x1000_0000, 3 * page), util.normal_el1, .{}, null);
        const in_block = 0x4000_0000 + case.block + 0x12_3458;
        var found = try map.translate(in_block, null);
        try testing.expectEqual(in_block, found.output_address);
        try testing.expectEqual(@as(u32, 2), found.level);
        try testing.expectEqual(case.block, found.block_size);
        const in_page = 0x1000_0000 + 2 * page + 0x123;
        found = try map.translate(in_page, null);
        try testing.expectEqual(in_page, found.output_address);
        try testing.expectEqual(@as(u32, 3), found.level);
        try testing.expectEqual(page, found.block_size);
        try testing.expect(!(try map.translate(0x1000_0000 + 3 * page, null)).mapped);

        // paToTable gives a table of the granule's length; an address that
        // is not aligned to the granule is no table.
        const root_table = try map.paToTable(map.rootAddress());
        try testing.expectEqual(map.rootAddress(), @intFromPtr(root_table.ptr));
        try testing.expectEqual(page / 8, root_table.len);
        try testing.expectError(error.BadTableAddress, map.paToTable(map.rootAddress() + 0x1000));

        // The last page of the input range maps; the one beyond it does not.
        try map.mapAuto(try ap.Region.fromSize(top - page, page), util.normal_el1, .{}, null);
        try testing.expectEqual(top - 1, (try map.translate(top - 1, null)).output_address);
        if (map.mapAuto(try ap.Region.fromSize(top, page), util.normal_el1, .{}, null)) |_| {
            return error.MappedBeyondTheInputRange;
        } else |_| {}
    }
}

fn controlOf(options: ap.Options) !ap.TranslationControl {
    if (options.regime != null) {
        var map = try ap.Stage2Mapping.initIdentity(options);
        defer map.deinit();
        return map.translationControl();
    }
    var map = try ap.Mapping.initIdentity(options);
    defer map.deinit();
    return map.translationControl();
}

test "translation control of granules and concatenated stage 2 roots" {
    // 64 KiB, 42 bits, lower range: TG0 64 KiB is 0b01.
    var control = try controlOf(.{ .granule = .size_64k, .input_bits = 42 });
    try testing.expectEqual(@as(u32, 22), control.tsz);
    try testing.expectEqual(@as(u32, 1), control.tg);
    try testing.expectEqual(@as(u32, 2), control.root_level);
    try testing.expectEqual(ap.Granule.size_64k, control.granule);

    // 16 KiB, upper range: TG1 16 KiB is 0b01, T1SZ in bits 21:16.
    control = try controlOf(.{ .granule = .size_16k, .input_bits = 42, .va_range = .upper });
    try testing.expectEqual(@as(u32, 22), control.tsz);
    try testing.expectEqual(@as(u32, 1), control.tg);
    try testing.expectEqual(@as(u32, 1), control.root_level);
    try testing.expectEqual(@as(u32, 64), control.root_entries);
    try testing.expectEqual(@as(u64, 22 << 16 | 1 << 30), control.tcr);
    try testing.expectEqual(@as(u64, 0x3f << 16 | 3 << 30), control.tcr_mask);

    // Stage 2, 4 KiB, 40 bits: two concatenated level 1 tables (SL0 0b01),
    // or a level 0 root when concatenation is ruled out.
    const s2 = try ap.Regime.builtin(.stage2);
    control = try controlOf(.{ .regime = s2, .input_bits = 40 });
    try testing.expectEqual(@as(u32, 1), control.root_level);
    try testing.expectEqual(@as(u32, 2), control.root_tables);
    try testing.expectEqual(@as(u32, 1024), control.root_entries);
    try testing.expectEqual(@as(u32, 1), control.sl0);
    try testing.expectEqual(@as(u32, 24), control.tsz);
    try testing.expectEqual(@as(u32, 0), control.tg);
    try testing.expectEqual(@as(u64, 24 | 1 << 6), control.tcr);
    try testing.expectEqual(@as(u64, 0), control.ttbr % 0x2000);
    control = try controlOf(.{ .regime = s2, .input_bits = 40, .max_root_tables = 1 });
    try testing.expectEqual(@as(u32, 0), control.root_level);
    try testing.expectEqual(@as(u32, 1), control.root_tables);
    try testing.expectEqual(@as(u32, 2), control.root_entries);
    try testing.expectEqual(@as(u32, 2), control.sl0);
}

test "bad granule options are invalid arguments" {
    const s2 = try ap.Regime.builtin(.stage2);
    const bad = [_]ap.Options{
        .{ .granule = .size_16k, .input_bits = 20 },
        .{ .input_bits = 49 },
        .{ .input_bits = 40, .root_level = 1 },
        .{ .granule = .size_64k, .root_level = 0 },
        .{ .regime = s2, .input_bits = 40, .max_root_tables = 3 },
        .{ .input_bits = 40, .max_root_tables = 2 },
    };
    for (bad) |options| {
        errdefer std.debug.print("options: {}\n", .{options});
        if (options.regime != null) {
            try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentity(options));
        } else {
            try testing.expectError(error.InvalidArgument, ap.Mapping.initIdentity(options));
        }
    }
}

/// Tables from the page allocator, each block aligned to its size (carved
/// out of twice as much), at physical addresses that differ from the
/// pointers (bit 46 flipped), so only this translation finds them. Counts
/// what it hands out.
const BlockHeap = struct {
    const twist: ap.Pa = 1 << 46;
    const capacity = 32;
    const Block = struct { block: []align(ap.page_size) u8, whole: []align(ap.page_size) u8 };

    blocks: [capacity]?Block = [_]?Block{null} ** capacity,
    live: usize = 0,
    /// Blocks handed out of a size other than `expected`, when set.
    expected: ?usize = null,
    unexpected: usize = 0,
    first_size: usize = 0,

    const small_only = ap.Translation.VTable{
        .allocate = allocate,
        .free = free,
        .physicalToVirtual = physicalToVirtual,
    };
    const with_tables = ap.Translation.VTable{
        .allocate = allocate,
        .free = free,
        .physicalToVirtual = physicalToVirtual,
        .allocateTables = allocateTables,
        .freeTables = freeTables,
    };

    fn translation(self: *BlockHeap, large: bool) ap.Translation {
        return .{ .ptr = self, .vtable = if (large) &with_tables else &small_only };
    }

    fn from(ptr: *anyopaque) *BlockHeap {
        return @ptrCast(@alignCast(ptr));
    }

    fn get(self: *BlockHeap, bytes: usize) error{OutOfMemory}!ap.AllocatedTables {
        const slot = for (self.blocks, 0..) |b, i| {
            if (b == null) break i;
        } else return error.OutOfMemory;
        // The page allocator aligns to pages only.
        const whole = try std.heap.page_allocator.alignedAlloc(u8, ap.page_size, 2 * bytes);
        const offset = std.mem.alignForward(usize, @intFromPtr(whole.ptr), bytes) - @intFromPtr(whole.ptr);
        const block: []align(ap.page_size) u8 = @alignCast(whole[offset .. offset + bytes]);
        @memset(block, 0);
        self.blocks[slot] = .{ .block = block, .whole = whole };
        self.live += 1;
        if (self.first_size == 0) self.first_size = bytes;
        if (self.expected) |e| {
            if (e != bytes) self.unexpected += 1;
        }
        return .{ .tables = block, .pa = @intFromPtr(block.ptr) ^ twist };
    }

    fn put(self: *BlockHeap, block: []align(ap.page_size) u8, pa: ap.Pa) void {
        for (&self.blocks) |*slot| {
            if (slot.*) |b| {
                if (b.block.ptr == block.ptr and b.block.len == block.len and @intFromPtr(b.block.ptr) ^ twist == pa) {
                    std.heap.page_allocator.free(b.whole);
                    slot.* = null;
                    self.live -= 1;
                    return;
                }
            }
        }
        @panic("a block this heap did not give out");
    }

    fn allocate(ptr: *anyopaque) error{OutOfMemory}!ap.AllocatedTable {
        const got = try from(ptr).get(ap.page_size);
        return .{ .table = @ptrCast(got.tables.ptr), .pa = got.pa };
    }

    fn free(ptr: *anyopaque, table: ap.TablePtr, pa: ap.Pa) void {
        const start: [*]align(ap.page_size) u8 = @ptrCast(table);
        from(ptr).put(start[0..ap.page_size], pa);
    }

    fn physicalToVirtual(ptr: *anyopaque, pa: ap.Pa) ?ap.TablePtr {
        for (from(ptr).blocks) |slot| {
            const b = (slot orelse continue).block;
            const start = @intFromPtr(b.ptr) ^ twist;
            if (pa >= start and pa - start < b.len and (pa - start) % ap.page_size == 0)
                return @ptrCast(@alignCast(b.ptr + (pa - start)));
        }
        return null;
    }

    fn allocateTables(ptr: *anyopaque, bytes: usize) error{OutOfMemory}!ap.AllocatedTables {
        return from(ptr).get(bytes);
    }

    fn freeTables(ptr: *anyopaque, tables: []align(ap.page_size) u8, pa: ap.Pa) void {
        from(ptr).put(tables, pa);
    }
};

test "a custom translation provides tables larger than 4 KiB with allocateTables" {
    // Without allocateTables a 64 KiB mapping is refused.
    var plain = BlockHeap{};
    try testing.expectError(error.Unsupported, ap.Mapping.initCustom(testing.allocator, .{ .granule = .size_64k, .input_bits = 42 }, plain.translation(false)));
    try testing.expectEqual(@as(usize, 0), plain.live);

    for ([_]ap.Granule{ .size_16k, .size_64k }) |granule| {
        errdefer std.debug.print("granule: {}\n", .{granule});
        const page = granule.pageSize();
        const block: u64 = if (granule == .size_16k) 32 << 20 else 512 << 20;
        var heap = BlockHeap{ .expected = page };
        var map = try ap.Mapping.initCustom(testing.allocator, .{ .granule = granule, .input_bits = 42 }, heap.translation(true));
        try testing.expect(BlockHeap.physicalToVirtual(&heap, map.rootAddress()) != null);
        try map.map(try ap.Region.fromSize(0x4000_0000, block), 0x8_0000_0000, util.normal_el1, .{}, null);
        try map.map(try ap.Region.fromSize(0x1_0000_0000, 2 * page), 0x9_0000_0000, util.normal_el1, .{}, null);
        var found = try map.translate(0x4012_3456, null);
        try testing.expectEqual(@as(ap.Pa, 0x8_0012_3456), found.output_address);
        try testing.expectEqual(@as(u32, 2), found.level);
        try testing.expectEqual(block, found.block_size);
        found = try map.translate(0x1_0000_0000 + page + 0x42, null);
        try testing.expectEqual(0x9_0000_0000 + page + 0x42, found.output_address);
        try testing.expectEqual(@as(u32, 3), found.level);
        try testing.expectEqual(page, found.block_size);
        // Every table is one granule in size.
        try testing.expectEqual(@as(usize, 0), heap.unexpected);
        try testing.expectEqual(heap.live, try map.tableCount());
        map.deinit();
        try testing.expectEqual(@as(usize, 0), heap.live);
    }

    // A concatenated 4 KiB stage 2 root: two tables in one 8 KiB block.
    var heap = BlockHeap{};
    var map = try ap.Stage2Mapping.initCustom(testing.allocator, .{ .regime = try ap.Regime.builtin(.stage2), .input_bits = 40 }, heap.translation(true));
    try testing.expectEqual(@as(usize, 0x2000), heap.first_size);
    // In the second root table.
    try map.map(try ap.Region.fromSize(0xc0_0000_0000, 0x1000), 0x5000_0000, ap.Stage2Attrs.of(.{ .valid, .access_flag, .s2ap_access_rw }), .{}, null);
    try testing.expectEqual(@as(ap.Pa, 0x5000_0abc), (try map.translate(0xc0_0000_0abc, null)).output_address);
    map.deinit();
    try testing.expectEqual(@as(usize, 0), heap.live);
}

test "invalidations carry the granule" {
    for ([_]ap.Granule{ .size_4k, .size_16k, .size_64k }) |granule| {
        errdefer std.debug.print("granule: {}\n", .{granule});
        var recorder = util.HookRecorder{};
        var regime = try ap.UserRegime.init(testing.allocator, .el1and0, recorder.hooks());
        var heap = BlockHeap{};
        var map = try ap.Mapping.initCustom(testing.allocator, .{ .regime = regime.regime(), .granule = granule, .input_bits = 40 }, heap.translation(true));
        const page = granule.pageSize();
        const r = try ap.Region.fromSize(0x10_0000 * page, page);
        try map.map(r, 0x4000_0000, util.normal_el1, .{}, null);
        try map.markActive();
        try map.unmap(r, null);
        try map.markInactive();
        map.deinit();
        regime.deinit();
        try testing.expectEqual(@as(usize, 0), heap.live);
        const seen = recorder.invalidations.slice();
        try testing.expect(seen.len > 0);
        try testing.expectEqual(granule, seen[0].granule);
        try testing.expectEqual(page, seen[0].range_size);
        try testing.expectEqual(@as(u32, 3), seen[0].level);
    }
}

test "the README's granule example" {
    var map = try ap.Mapping.initIdentity(.{ .granule = .size_64k, .input_bits = 42 });
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromSize(0x4000_0000, 512 << 20), ap.El1Attrs.valid.with(ap.El1Attrs.accessed), .{}, null);
    const found = try map.translate(0x4123_4567, null);
    try testing.expectEqual(@as(u64, 512 << 20), found.block_size);
    const control = try map.translationControl();
    try testing.expectEqual(@as(u32, 22), control.tsz);
    try testing.expectEqual(@as(u32, 0b01), control.tg);
    try testing.expectEqual(@as(u32, 2), control.root_level);
}
