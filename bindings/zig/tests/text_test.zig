// SPDX-License-Identifier: MIT OR Apache-2.0
//! Values and text: version, regions, attribute constants and names, raw
//! descriptor helpers, MAIR helpers, and the dump.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "the running library is the version of the header" {
    const running = ap.version();
    try testing.expectEqual(std.math.Order.eq, running.order(ap.header_version));
    try testing.expectEqualStrings(ap.c.AP_VERSION_STRING, ap.versionString());
    const printed = try std.fmt.allocPrint(testing.allocator, "{}", .{running});
    defer testing.allocator.free(printed);
    try testing.expectEqualStrings(ap.versionString(), printed);
}

test "geometry" {
    try testing.expectEqual(@as(usize, 4096), ap.page_size);
    try testing.expectEqual(@as(u64, 4096), ap.granuleAtLevel(3));
    try testing.expectEqual(@as(u64, 2 << 20), ap.granuleAtLevel(2));
    try testing.expectEqual(@as(u64, 1 << 30), ap.granuleAtLevel(1));
    try testing.expectEqual(@as(u64, 512 << 30), ap.granuleAtLevel(0));
}

test "regions round out to pages and reach the last page" {
    try testing.expectEqual(ap.Region{ .start = 0x1000, .size = 0x2000 }, try ap.Region.fromRange(0x1234, 0x2001));
    const top = try ap.Region.fromSize(0xffff_ffff_ffff_f000, 0x1000);
    try testing.expectEqual(@as(u64, 0x1000), top.size);
    try testing.expectError(error.RegionBackwards, ap.Region.fromSize(0xffff_ffff_ffff_f000, 0x2000));
    // The whole 2^64 space does not fit start + size.
    try testing.expectError(error.InvalidArgument, ap.Region.fromRange(0, std.math.maxInt(u64)));
}

test "regions format as the C library writes them" {
    const region = try ap.Region.fromRange(0x1000, 0x3000);
    const text = try std.fmt.allocPrint(testing.allocator, "{}", .{region});
    defer testing.allocator.free(text);
    try testing.expectEqualStrings("0x0000000000001000..0x0000000000003000", text);

    var buf: [48]u8 = undefined;
    const top = try ap.Region.fromSize(0xffff_ffff_ffff_f000, 0x1000);
    try testing.expectEqualStrings("0xfffffffffffff000..0x10000000000000000", try top.formatInto(&buf));
    try testing.expectError(error.BufferTooSmall, region.formatInto(buf[0..10]));
}

test "attribute constants of each descriptor format" {
    try testing.expectEqual(@as(u64, 1), ap.attr.valid);
    try testing.expectEqual(@as(u64, 2), ap.attr.table_or_page);
    try testing.expectEqual(@as(u64, 1 << 53), ap.el1.pxn);
    try testing.expectEqual(@as(u64, 1 << 54), ap.el1.uxn);
    try testing.expectEqual(@as(u64, 1 << 63), ap.el1.ns_table);
    try testing.expectEqual(@as(u64, 0x1c), ap.el1.attribute_index_mask);
    try testing.expectEqual(@as(u64, 0x300), ap.el1.shareability_mask);
    try testing.expectEqual(@as(u64, 1 << 6), ap.el23.user_res1);
    try testing.expectEqual(@as(u64, 1 << 54), ap.el23.xn);
    try testing.expectEqual(@as(u64, 0xc0), ap.stage2.s2ap_access_rw);
    try testing.expectEqual(@as(u64, 0x30), ap.stage2.memattr_normal_outer_wb);
    try testing.expectEqual(@as(u64, 1 << 54), ap.stage2.xn);
}

test "attribute names in each format" {
    const cases = .{
        .{ ap.RegimeKind.el1and0, ap.el1.valid | ap.el1.accessed | (1 << 40), "VALID | ACCESSED | 0x10000000000" },
        .{ ap.RegimeKind.el2, ap.el23.valid | ap.el23.xn, "VALID | XN" },
        .{ ap.RegimeKind.stage2, ap.stage2.s2ap_access_rw | ap.stage2.xn, "device-ngnrne | rw | non-shareable | XN" },
        .{ ap.RegimeKind.el1and0, @as(u64, 0), "0x0" },
    };
    inline for (cases) |case| {
        const text = try ap.describeAttrsAlloc(testing.allocator, case[0], case[1]);
        defer testing.allocator.free(text);
        try testing.expectEqualStrings(case[2], text);
    }
}

test "raw descriptor helpers" {
    const block: u64 = 0x0060_0000_4020_0705;
    try testing.expectEqual(@as(ap.Pa, 0x4020_0000), ap.pte.outputAddress(block, 2));
    try testing.expectEqual(block & ~@as(u64, 0x4020_0000), ap.pte.flags(block, 2));
    try testing.expect(ap.pte.isValid(block));
    try testing.expect(!ap.pte.isTableOrPage(block));
    try testing.expect(!ap.pte.isTable(block, 2));
    try testing.expect(ap.pte.isTable(0x4000_1003, 1));
    try testing.expect(!ap.pte.isTable(0x4000_1003, 3));
    try testing.expect(ap.pte.isTableOrPage(0x4000_1003));
    try testing.expectEqual(@as(ap.Pa, 0), ap.pte.outputAddress(block, 7));
}

test "MAIR helpers" {
    const write_back = ap.mair.NormalMemory.write_back_non_transient_read_write_allocate;
    try testing.expectEqual(@as(ap.mair.Attribute, 0xff), try ap.mair.normal(write_back, write_back));
    try testing.expectEqual(@as(ap.mair.Attribute, 0x44), try ap.mair.normal(.non_cacheable, .non_cacheable));

    const value = try ap.mair.fromAttributes(.{ 0xff, ap.mair.device_ngnre, 0x44, 0, 0, 0, 0, 0 });
    try testing.expectEqual(@as(ap.mair.Value, 0x44_04ff), value);
    const widened = try ap.mair.withAttribute(value, 7, 0xff);
    try testing.expectEqual(@as(ap.mair.Value, 0xff00_0000_0044_04ff), widened);
    try testing.expectEqual([8]ap.mair.Attribute{ 0xff, 0x04, 0x44, 0, 0, 0, 0, 0xff }, try ap.mair.attributes(widened));
    try testing.expectError(error.InvalidArgument, ap.mair.withAttribute(value, 8, 0));

    const device = try ap.mair.describeAttributeAlloc(testing.allocator, ap.mair.device_ngnre);
    defer testing.allocator.free(device);
    try testing.expectEqualStrings("Device-nGnRE", device);

    const whole = try ap.mair.describeAlloc(testing.allocator, value);
    defer testing.allocator.free(whole);
    try testing.expect(std.mem.startsWith(u8, whole, "{0: Normal, Inner Write-back non-transient"));
    try testing.expect(std.mem.indexOf(u8, whole, "; 1: Device-nGnRE; 2: Normal, Inner Non-Cacheable, Outer Non-Cacheable; 3: Device-nGnRnE;") != null);
    try testing.expect(std.mem.endsWith(u8, whole, "; 7: Device-nGnRnE}"));

    const unpredictable = try ap.mair.describeAttributeAlloc(testing.allocator, 0x01);
    defer testing.allocator.free(unpredictable);
    try testing.expectEqualStrings("Unpredictable (0x01)", unpredictable);
}

test "dump names the root, the regime and the entries" {
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1 });
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromSize(0x4000_0000, 0x1000), util.normal_el1, .{}, null);

    const text = try map.dumpAlloc(testing.allocator);
    defer testing.allocator.free(text);
    const first_line = try std.fmt.allocPrint(testing.allocator, "RootTable {{ pa: 0x{x:0>16}, translation_regime: El1And0, va_range: Lower, level: 1, table:\n", .{map.rootAddress()});
    defer testing.allocator.free(first_line);
    try testing.expect(std.mem.startsWith(u8, text, first_line));
    try testing.expect(std.mem.indexOf(u8, text, "ACCESSED") != null);
    try testing.expect(std.mem.endsWith(u8, text, "}\n"));

    // The same text through any writer.
    var streamed = std.ArrayList(u8).init(testing.allocator);
    defer streamed.deinit();
    try map.dump(streamed.writer(), null);
    try testing.expectEqualStrings(text, streamed.items);

    // dumpAs in the reference layout is the same text again.
    const reference = try map.dumpAsAlloc(testing.allocator, .reference);
    defer testing.allocator.free(reference);
    try testing.expectEqualStrings(text, reference);
}

/// Whether some line of `text` contains every one of `parts`.
fn hasLineWith(text: []const u8, parts: []const []const u8) bool {
    var lines = std.mem.splitScalar(u8, text, '\n');
    next_line: while (lines.next()) |line| {
        for (parts) |part| {
            if (std.mem.indexOf(u8, line, part) == null) continue :next_line;
        }
        return true;
    }
    return false;
}

test "dumpAs: the ranges layout names pages, the JSON layout parses" {
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1 });
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromSize(0x4000_0000, 0x3000), util.normal_el1, .{}, null);
    const root = map.rootAddress();

    const ranges = try map.dumpAsAlloc(testing.allocator, .ranges);
    defer testing.allocator.free(ranges);
    const first_line = try std.fmt.allocPrint(testing.allocator, "table 0x{x}, level 1\n", .{root});
    defer testing.allocator.free(first_line);
    try testing.expect(std.mem.startsWith(u8, ranges, first_line));
    try testing.expect(hasLineWith(ranges, &.{ "0x0000000040000000..0x0000000040002fff", "-> 0x40000000 page", "ACCESSED" }));

    var json_text = std.ArrayList(u8).init(testing.allocator);
    defer json_text.deinit();
    try map.dumpAs(json_text.writer(), .json, null);
    const parsed = try std.json.parseFromSlice(std.json.Value, testing.allocator, json_text.items, .{});
    defer parsed.deinit();
    const top = parsed.value.object;
    try testing.expectEqual(@as(i64, 1), top.get("root_level").?.integer);
    const root_table = top.get("root").?.object;
    try testing.expectEqual(@as(i64, 1), root_table.get("level").?.integer);
    const root_pa = try std.fmt.allocPrint(testing.allocator, "0x{x}", .{root});
    defer testing.allocator.free(root_pa);
    try testing.expectEqualStrings(root_pa, root_table.get("pa").?.string);
    try testing.expect(root_table.get("entries").?.array.items.len > 0);
}

test "dumpAlloc reports an allocator failure as OutOfMemory" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    var failing = std.testing.FailingAllocator.init(testing.allocator, 0);
    try testing.expectError(error.OutOfMemory, map.dumpAlloc(failing.allocator()));
}
