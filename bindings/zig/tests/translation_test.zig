// SPDX-License-Identifier: MIT OR Apache-2.0
//! Translations: a caller's own (a Zig interface the C core calls back
//! through), linear, and target image.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

const fake_base: ap.Pa = 0x8000_0000;

const PageRecord = struct { start: ap.Va, output: ap.Pa, valid: bool };

fn recordPage(pages: *std.ArrayList(PageRecord), region: ap.Region, bits: u64, level: u32) !void {
    try pages.append(.{ .start = region.start, .output = ap.pte.outputAddress(bits, level), .valid = ap.pte.isValid(bits) });
}

test "a custom translation over a Zig-owned arena at a fake physical base" {
    var arena = util.PageArena{ .base = fake_base };
    var map = try ap.Mapping.initCustom(testing.allocator, .{ .root_level = 1 }, arena.translation());
    try testing.expectEqual(fake_base, map.rootAddress());
    try testing.expectEqual(@as(usize, 1), arena.live);

    try map.map(try ap.Region.fromSize(0x20_0000, 0x3000), 0x4000_0000, util.normal_el1, .{}, null);
    try testing.expectEqual(@as(usize, 3), arena.live);
    try testing.expectEqual(@as(usize, 3), try map.tableCount());

    // The root's first entry points at the level 2 table by its fake address.
    const root_entry = arena.slots[0].?[0];
    try testing.expect(ap.pte.isTable(root_entry, 1));
    try testing.expectEqual(fake_base + 0x1000, ap.pte.outputAddress(root_entry, 1));
    // paToTable gives the level 2 table itself: the arena's slot, 512
    // entries, the second of which points at the level 3 table.
    const level2 = try map.paToTable(fake_base + 0x1000);
    try testing.expectEqual(@intFromPtr(arena.slots[1].?), @intFromPtr(level2.ptr));
    try testing.expectEqual(@as(usize, 512), level2.len);
    try testing.expect(ap.pte.isTable(level2[1], 2));

    const where = try map.translate(0x20_1010, null);
    try testing.expectEqual(@as(ap.Pa, 0x4000_1010), where.output_address);
    try testing.expectEqual(@as(u32, 3), where.level);

    var pages = std.ArrayList(PageRecord).init(testing.allocator);
    defer pages.deinit();
    try map.walk(try ap.Region.fromSize(0x20_0000, 0x4000), &pages, recordPage, null);
    try testing.expectEqualSlices(PageRecord, &.{
        .{ .start = 0x20_0000, .output = 0x4000_0000, .valid = true },
        .{ .start = 0x20_1000, .output = 0x4000_1000, .valid = true },
        .{ .start = 0x20_2000, .output = 0x4000_2000, .valid = true },
        .{ .start = 0x20_3000, .output = 0, .valid = false },
    }, pages.items);

    // Output addresses are the caller's business with a custom translation.
    try testing.expectError(error.Unsupported, map.mapAuto(try ap.Region.fromSize(0, 0x1000), util.normal_el1, .{}, null));
    try testing.expectError(error.Unsupported, map.vaToPa(0));

    try map.unmap(try ap.Region.fromSize(0x20_0000, 0x3000), null);
    try map.compact();
    try testing.expectEqual(@as(usize, 1), arena.live);

    map.deinit();
    try testing.expectEqual(@as(usize, 0), arena.live);
    try testing.expectEqual(arena.allocations, arena.frees);
    try testing.expectEqual(@as(usize, 0), arena.mismatched_frees);
}

test "a custom translation that runs out of memory leaves the table as it was" {
    var arena = util.PageArena{ .base = fake_base, .budget = 2 };
    var map = try ap.Mapping.initCustom(testing.allocator, .{}, arena.translation());
    // Needs a level 2 and a level 3 table, but only one more can be had.
    const page = try ap.Region.fromSize(0x1000, 0x1000);
    try testing.expectError(error.OutOfMemory, map.map(page, 0x1000, util.normal_el1, .{}, null));
    try testing.expectEqual(@as(usize, 1), try map.tableCount());
    try testing.expectEqual(@as(usize, 1), arena.live);
    try testing.expect(!(try map.translate(0x1000, null)).mapped);

    arena.budget = null;
    try map.map(page, 0x1000, util.normal_el1, .{}, null);
    try testing.expectEqual(@as(ap.Pa, 0x1000), (try map.translate(0x1000, null)).output_address);
    map.deinit();
    try testing.expectEqual(@as(usize, 0), arena.live);
}

test "a translation whose addresses do not lead back is refused and its root given back" {
    var arena = util.PageArena{ .base = fake_base, .forget_addresses = true };
    try testing.expectError(error.BadTableAddress, ap.Mapping.initCustom(testing.allocator, .{}, arena.translation()));
    try testing.expectEqual(@as(usize, 0), arena.live);
    try testing.expectEqual(@as(usize, 1), arena.frees);
}

test "a custom translation that cannot give even the root" {
    var arena = util.PageArena{ .base = fake_base, .budget = 0 };
    try testing.expectError(error.OutOfMemory, ap.Mapping.initCustom(testing.allocator, .{}, arena.translation()));
}

test "linear translation: output = input + offset" {
    const offset: i64 = 0x1000_0000;
    var map = try ap.Mapping.initLinear(.{}, offset);
    defer map.deinit();
    try testing.expectEqual(@as(ap.Pa, 0x1000_2000), try map.vaToPa(0x2000));

    try map.mapAuto(try ap.Region.fromSize(0x20_0000, 0x20_0000), util.normal_el1, .{}, null);
    const where = try map.translate(0x20_0010, null);
    try testing.expectEqual(@as(ap.Pa, 0x1020_0010), where.output_address);
    try testing.expectEqual(@as(u32, 2), where.level);

    // The root table's physical address is its pointer plus the offset.
    const root = map.rootAddress();
    const root_table = try map.paToTable(root);
    try testing.expectEqual(root - 0x1000_0000, @intFromPtr(root_table.ptr));
    try testing.expect(ap.pte.isTable(root_table[0], 1));

    try testing.expectError(error.InvalidArgument, ap.Mapping.initLinear(.{}, 0x123));
}

test "linear translation below zero is an InvalidVirtualAddress" {
    var map = try ap.Mapping.initLinear(.{}, -0x1000);
    defer map.deinit();
    try testing.expectError(error.InvalidVirtualAddress, map.vaToPa(0));
    try testing.expectEqual(@as(ap.Pa, 0x1000), try map.vaToPa(0x2000));
}

test "target image: tables laid out from the load address, little-endian" {
    var map = try ap.Mapping.initTarget(.{}, 0x1_0000);
    defer map.deinit();
    try testing.expectEqual(@as(ap.Pa, 0x1_0000), map.rootAddress());
    const flags = ap.El1Attrs.of(.{ .valid, .attribute_index_0, .inner_shareable, .uxn });
    try map.map(try ap.Region.fromSize(0, 0x1000), 0x4_2000, flags, .{}, null);

    const image = try map.targetImageAlloc(testing.allocator);
    defer testing.allocator.free(image);
    try testing.expectEqual(3 * ap.page_size, image.len);
    try testing.expectEqual(image.len, try map.targetImageSize());

    const slot = ap.page_size;
    try testing.expectEqual(@as(u64, 0x1_1003), std.mem.readIntLittle(u64, image[0..8]));
    try testing.expectEqual(@as(u64, 0x1_2003), std.mem.readIntLittle(u64, image[slot..][0..8]));
    try testing.expectEqual(@as(u64, 0x0040_0000_0004_2303), std.mem.readIntLittle(u64, image[2 * slot ..][0..8]));
    for ([_]usize{ 0, slot, 2 * slot }) |start| {
        try testing.expect(std.mem.allEqual(u8, image[start + 8 .. start + slot], 0));
    }

    var too_small = [_]u8{0xa5} ** (2 * ap.page_size);
    try testing.expectError(error.BufferTooSmall, map.writeTargetImage(&too_small));
    try testing.expect(std.mem.allEqual(u8, &too_small, 0xa5));
    try testing.expectError(error.Unsupported, map.vaToPa(0));
    try testing.expectError(error.Unsupported, map.mapAuto(try ap.Region.fromSize(0, 0x1000), flags, .{}, null));
}

test "open adopts a custom translation's tables read-only, or editable" {
    var arena = util.PageArena{ .base = fake_base };
    var built = try ap.Mapping.initCustom(testing.allocator, .{ .root_level = 1 }, arena.translation());
    defer built.deinit();
    try built.map(try ap.Region.fromSize(0x4000_0000, 0x3000), 0x2_0000_0000, util.normal_el1, .{}, null);
    try built.map(try ap.Region.fromSize(0x8000_0000, 0x20_0000), 0x3_0000_0000, util.normal_el1, .{}, null);
    const tables = arena.live;

    // The same root through the same translation, read-only.
    var opened = try ap.Mapping.open(testing.allocator, .{ .root_level = 1 }, arena.translation(), fake_base, .{});
    try testing.expectEqual(fake_base, opened.rootAddress());
    for ([_]ap.Va{ 0x4000_0000, 0x4000_2abc, 0x8012_3456 }) |va| {
        try testing.expectEqual(try built.translate(va, null), try opened.translate(va, null));
    }
    try testing.expect(!(try opened.translate(0x4000_3000, null)).mapped);
    try testing.expectEqual(try built.tableCount(), try opened.tableCount());
    const next_page = try ap.Region.fromSize(0x4000_3000, 0x1000);
    try testing.expectError(error.ReadOnly, opened.map(next_page, 0x5000, util.normal_el1, .{}, null));
    try testing.expectError(error.ReadOnly, opened.unmap(try ap.Region.fromSize(0x4000_0000, 0x1000), null));
    try testing.expect(!(try opened.translate(0x4000_3000, null)).mapped);

    // deinit of the opened mapping frees none of the tables.
    opened.deinit();
    try testing.expectEqual(tables, arena.live);
    try testing.expectEqual(@as(usize, 0), arena.frees);
    _ = try built.translate(0x4000_1000, null);

    // Opened with OpenFlags{ .editable = true }, the same edit goes through
    // to the shared tables, which `built` then sees.
    var editable = try ap.Mapping.open(testing.allocator, .{ .root_level = 1 }, arena.translation(), fake_base, .{ .editable = true });
    defer editable.deinit();
    try editable.map(next_page, 0x5000, util.normal_el1, .{}, null);
    try testing.expectEqual(@as(ap.Pa, 0x5000), (try built.translate(0x4000_3000, null)).output_address);
}

fn ignoreEntry(_: void, _: ap.Region, _: u64, _: u32) void {}

test "open refuses to walk a loop in a hand-made hierarchy but translates" {
    var arena = util.PageArena{ .base = fake_base };
    const translation = arena.translation();
    const root = try translation.vtable.allocate(translation.ptr);
    const level2 = try translation.vtable.allocate(translation.ptr);
    defer translation.vtable.free(translation.ptr, level2.table, level2.pa);
    defer translation.vtable.free(translation.ptr, root.table, root.pa);
    const table_bits = ap.el1.valid | ap.el1.table_or_page;
    // Root entry 0 leads to a level 2 table whose entry 0 leads back to the
    // root, and whose entry 1 is a 2 MiB block.
    root.table[0] = level2.pa | table_bits;
    level2.table[0] = root.pa | table_bits;
    level2.table[1] = 0x1_0000_0000 | util.normal_el1_bits;

    var map = try ap.Mapping.open(testing.allocator, .{ .root_level = 1 }, translation, root.pa, .{});
    defer map.deinit();
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.MalformedTable, map.walk(try ap.Region.fromSize(0, 0x40_0000), {}, ignoreEntry, &detail));
    try testing.expectEqual(root.pa, detail.address);

    // One address at a time, the MMU's way, still works.
    const block = try map.translate(0x21_2345, null);
    try testing.expectEqual(@as(ap.Pa, 0x1_0001_2345), block.output_address);
    try testing.expectEqual(@as(u32, 2), block.level);
    // Through the loop the root is read as a level 3 table, whose entry 0 is
    // then a page descriptor for the level 2 table's page.
    const looped = try map.translate(0x123, null);
    try testing.expectEqual(level2.pa + 0x123, looped.output_address);
    try testing.expectEqual(@as(u32, 3), looped.level);
    try testing.expectError(error.MalformedTable, map.dumpAs(std.io.null_writer, .reference, null));
    // The other layouts print a table met again once, and so end.
    const ranges = try map.dumpAsAlloc(testing.allocator, .ranges);
    defer testing.allocator.free(ranges);
    try testing.expect(std.mem.indexOf(u8, ranges, "(shared: printed above)") != null);
    const json_text = try map.dumpAsAlloc(testing.allocator, .json);
    defer testing.allocator.free(json_text);
    const parsed = try std.json.parseFromSlice(std.json.Value, testing.allocator, json_text, .{});
    defer parsed.deinit();
    try testing.expect(std.mem.indexOf(u8, json_text, "\"shared\": true") != null);
    try testing.expectEqual(@as(usize, 0), arena.frees);
}

test "an identity mapping on a std.mem.Allocator: every table comes from it and goes back" {
    // testing.allocator fails the test on a leak or a bad free.
    inline for (.{ ap.Granule.size_4k, ap.Granule.size_16k, ap.Granule.size_64k }) |granule| {
        var map = try ap.Mapping.initIdentityAllocator(testing.allocator, .{ .granule = granule, .input_bits = 40 });
        defer map.deinit(); // not active
        const page: u64 = switch (granule) {
            .size_4k => 0x1000,
            .size_16k => 0x4000,
            .size_64k => 0x10000,
        };
        try map.mapAuto(try ap.Region.fromSize(0x4000_0000, 4 * page), util.normal_el1, .{}, null);
        const where = try map.translate(0x4000_0000 + page + 8, null);
        try testing.expectEqual(@as(ap.Pa, 0x4000_0000 + page + 8), where.output_address);
        try testing.expectEqual(page, where.block_size);
        try testing.expect(try map.tableCount() >= 2);
    }
}

test "AllocatorTranslation under a failing allocator: out of memory, nothing leaked" {
    var failing = std.testing.FailingAllocator.init(testing.allocator, 3);
    var at = ap.AllocatorTranslation.init(failing.allocator());
    defer at.deinit();
    var map = try ap.Mapping.initCustom(testing.allocator, .{ .root_level = 1 }, at.translation());
    defer map.deinit(); // not active
    var failed = false;
    var i: u64 = 0;
    while (i < 8 and !failed) : (i += 1) {
        map.map(try ap.Region.fromSize(i << 30, 0x1000), 0x1000, util.normal_el1, .{}, null) catch |err| {
            try testing.expectEqual(ap.Error.OutOfMemory, err);
            failed = true;
        };
    }
    try testing.expect(failed);
}
