// SPDX-License-Identifier: MIT OR Apache-2.0
//! Mappings with the identity translation: editing, reading, activation and
//! ownership.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "a 2 MiB identity block, and the mapping's getters" {
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1, .asid = 1 });
    defer map.deinit();

    const ram = try ap.Region.fromRange(0x8020_0000, 0x8040_0000);
    try map.mapAuto(ram, util.normal_el1.with(ap.El1Attrs.non_global), .{}, null);

    const where = try map.translate(0x8021_2345, null);
    try testing.expectEqual(@as(ap.Pa, 0x8021_2345), where.output_address);
    try testing.expectEqual(@as(u32, 2), where.level);
    try testing.expectEqual(ap.granuleAtLevel(2), where.block_size);
    try testing.expect(where.attributes.contains(ap.El1Attrs.non_global));
    try testing.expectEqual(ap.El1Attrs.empty, where.table_attributes);
    try testing.expect(ap.pte.isValid(where.descriptor));

    try testing.expectEqual(@as(u64, 1 << 39), map.size());
    try testing.expectEqual(@as(u32, 1), map.rootLevel());
    try testing.expectEqual(@as(u16, 1), try map.asid());
    try testing.expectEqual(ap.VaRange.lower, map.vaRange());
    try testing.expectEqual(ap.RegimeKind.el1and0, map.regime().kind());
    try testing.expectEqual(map.rootAddress() | (1 << 48), map.ttbr());
    // The root and the level 2 table that holds the block.
    try testing.expectEqual(@as(usize, 2), try map.tableCount());
    try testing.expectEqual(@as(ap.Pa, 0x1234_5000), try map.vaToPa(0x1234_5000));
    const root = map.rootAddress();
    const root_table = try map.paToTable(root);
    try testing.expectEqual(root, @intFromPtr(root_table.ptr));
    try testing.expectEqual(@as(usize, ap.entries_per_table), root_table.len);
    // 0x8020_0000 lies under the root's third entry, now a table.
    try testing.expect(ap.pte.isTable(root_table[2], 1));
    try testing.expect(!map.isActive());
}

test "dumpAs svg draws the mapping" {
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1, .asid = 1 });
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromRange(0x8020_0000, 0x8040_0000), util.normal_el1, .{}, null);
    const svg = try map.dumpAsAlloc(testing.allocator, .svg);
    defer testing.allocator.free(svg);
    try testing.expect(std.mem.startsWith(u8, svg, "<?xml") or std.mem.startsWith(u8, svg, "<svg"));
    try testing.expect(std.mem.endsWith(u8, svg, "</svg>\n"));
    try testing.expect(std.mem.indexOf(u8, svg, "data-first=\"0x0080200000\"") != null);
}

test "dumpAs svg names memory types from the mair option" {
    const device = ap.mair.device_ngnre;
    const value = try ap.mair.fromAttributes(.{ 0xff, device, device, device, device, device, device, device });
    var map = try ap.Mapping.initIdentity(.{ .root_level = 1, .mair = value });
    defer map.deinit();
    const index_0 = util.normal_el1.without(ap.El1Attrs.attribute_index_mask);
    try map.map(try ap.Region.fromSize(0x1000, 0x1000), 0x1000, index_0, .{}, null);
    try map.map(try ap.Region.fromSize(0x9000, 0x1000), 0x9000, index_0.with(ap.El1Attrs.attribute_index_1), .{}, null);
    const svg = try map.dumpAsAlloc(testing.allocator, .svg);
    defer testing.allocator.free(svg);
    try testing.expect(std.mem.indexOf(u8, svg, "data-output=\"0x1000\" data-kind=\"pages\" data-memory=\"normal\"") != null);
    try testing.expect(std.mem.indexOf(u8, svg, "data-output=\"0x9000\" data-kind=\"pages\" data-memory=\"device\"") != null);
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(.stage2), .input_bits = 40, .mair = value }));
}

test "constraints: no blocks gives pages" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const region = try ap.Region.fromSize(0x20_0000, 0x20_0000);
    try map.mapAuto(region, util.normal_el1, .{ .no_block_mappings = true }, null);
    try testing.expectEqual(@as(u32, 3), (try map.translate(0x20_0000, null)).level);
}

test "unmap, then compact frees the empty tables" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const pages = try ap.Region.fromSize(0x4000_0000, 0x4000);
    try map.mapAuto(pages, util.normal_el1, .{}, null);
    try testing.expectEqual(@as(usize, 3), try map.tableCount());

    try map.unmap(pages, null);
    try testing.expect(!(try map.translate(0x4000_0000, null)).mapped);
    try map.compact();
    try testing.expectEqual(@as(usize, 1), try map.tableCount());
}

const SetSoftwareFlag = struct {
    visited: usize = 0,
    changed: usize = 0,

    fn update(self: *SetSoftwareFlag, region: ap.Region, descriptor: *ap.Descriptor) !void {
        self.visited += 1;
        try testing.expectEqual(@as(u64, 0x1000), region.size);
        try testing.expectEqual(@as(u32, 3), descriptor.level());
        try testing.expect(!descriptor.isTable());
        if (!descriptor.isValid()) return;
        try testing.expectEqual(region.start, descriptor.outputAddress());
        try testing.expectEqual(util.normal_el1.with(ap.El1Attrs.table_or_page), descriptor.flags());
        try testing.expectEqual(descriptor.outputAddress() | descriptor.flags().bits(), descriptor.bits());
        try testing.expect(!descriptor.updated());
        try descriptor.modifyFlags(ap.El1Attrs.swflag_0, ap.El1Attrs.accessed);
        try testing.expect(descriptor.updated());
        try testing.expectEqual(region.start | ((util.normal_el1_bits | ap.el1.table_or_page | ap.el1.swflag_0) & ~ap.el1.accessed), descriptor.bits());
        self.changed += 1;
    }
};

fn expectSoftwareFlag(_: void, region: ap.Region, bits: u64, level: u32) !void {
    try testing.expectEqual(@as(u32, 3), level);
    const flags = ap.pte.flags(bits, level);
    if (region.start < 0x3000) {
        try testing.expect(flags & ap.el1.swflag_0 != 0);
        try testing.expect(flags & ap.el1.accessed == 0);
    } else {
        try testing.expectEqual(@as(u64, 0), bits);
    }
}

test "modify with a context, then walk with a plain function" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromSize(0, 0x3000), util.normal_el1, .{}, null);

    const four_pages = try ap.Region.fromSize(0, 0x4000);
    var flagger = SetSoftwareFlag{};
    try map.modify(four_pages, &flagger, SetSoftwareFlag.update, null);
    try testing.expectEqual(@as(usize, 4), flagger.visited);
    try testing.expectEqual(@as(usize, 3), flagger.changed);

    try map.walk(four_pages, {}, expectSoftwareFlag, null);
}

test "descriptor.set remaps a page" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const page = try ap.Region.fromSize(0x5000, 0x1000);
    try map.mapAuto(page, util.normal_el1, .{}, null);

    const remap = struct {
        fn update(target: ap.Pa, _: ap.Region, descriptor: *ap.Descriptor) !void {
            try descriptor.set(target, descriptor.flags());
        }
    }.update;
    try map.modify(page, @as(ap.Pa, 0x7_7000), remap, null);
    try testing.expectEqual(@as(ap.Pa, 0x7_7010), (try map.translate(0x5010, null)).output_address);
}

const Refuser = struct {
    refuse_at: ap.Pa,

    fn update(self: Refuser, _: ap.Region, descriptor: *ap.Descriptor) !void {
        if (descriptor.outputAddress() == self.refuse_at) return error.Refused;
        try descriptor.modifyFlags(ap.El1Attrs.swflag_1, ap.El1Attrs.empty);
    }
};

test "a modify callback's error is a PteUpdateFault with the descriptor and the error" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const three_pages = try ap.Region.fromSize(0x1000, 0x3000);
    try map.mapAuto(three_pages, util.normal_el1, .{}, null);
    const refused_bits = (try map.translate(0x2000, null)).descriptor;

    var detail = ap.ErrorDetail{};
    const refuser = Refuser{ .refuse_at = 0x2000 };
    try testing.expectError(error.PteUpdateFault, map.modify(three_pages, refuser, Refuser.update, &detail));
    try testing.expectEqual(refused_bits, detail.descriptor);
    try testing.expectEqual(@as(?anyerror, error.Refused), detail.callback_error);
    // As in the C library: on an inactive mapping the descriptors before the
    // failing one keep their change.
    try testing.expect((try map.translate(0x1000, null)).attributes.contains(ap.El1Attrs.swflag_1));
    try testing.expect(!(try map.translate(0x3000, null)).attributes.contains(ap.El1Attrs.swflag_1));
}

test "a library error inside the callback surfaces as PteUpdateFault" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const page = try ap.Region.fromSize(0x1000, 0x1000);
    try map.mapAuto(page, util.normal_el1, .{}, null);

    const make_table = struct {
        fn update(_: void, _: ap.Region, descriptor: *ap.Descriptor) !void {
            // Clearing TABLE_OR_PAGE would turn the page into something else.
            try descriptor.modifyFlags(ap.El1Attrs.empty, ap.El1Attrs.table_or_page);
        }
    }.update;
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.PteUpdateFault, map.modify(page, {}, make_table, &detail));
    try testing.expectEqual(@as(?anyerror, error.InvalidFlags), detail.callback_error);
}

test "a live modify whose callback fails is a BreakBeforeMake and changes nothing" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    const two_pages = try ap.Region.fromSize(0x1000, 0x2000);
    try map.mapAuto(two_pages, util.normal_el1, .{}, null);
    try map.markActive();

    var detail = ap.ErrorDetail{};
    const refuser = Refuser{ .refuse_at = 0x2000 };
    try testing.expectError(error.BreakBeforeMake, map.modify(two_pages, refuser, Refuser.update, &detail));
    try testing.expectEqual(@as(?anyerror, error.Refused), detail.callback_error);
    try testing.expect(!(try map.translate(0x1000, null)).attributes.contains(ap.El1Attrs.swflag_1));
    try map.markInactive();
}

const RunCollector = struct {
    descriptors: std.ArrayList(u64),
    calls: usize = 0,

    fn visit(self: *RunCollector, region: ap.Region, descriptors: []const u64, level: u32) !void {
        self.calls += 1;
        try testing.expectEqual(@as(u32, 3), level);
        try testing.expectEqual(descriptors.len * ap.page_size, region.size);
        try self.descriptors.appendSlice(descriptors);
    }
};

test "walkRuns hands over runs of descriptors" {
    var map = try ap.Mapping.initIdentity(.{});
    defer map.deinit();
    try map.mapAuto(try ap.Region.fromSize(0, 0x10000), util.normal_el1, .{ .no_block_mappings = true }, null);

    var collector = RunCollector{ .descriptors = std.ArrayList(u64).init(testing.allocator) };
    defer collector.descriptors.deinit();
    try map.walkRuns(try ap.Region.fromSize(0, 0x20000), &collector, RunCollector.visit, null);
    try testing.expect(collector.calls < 32);
    try testing.expectEqual(@as(usize, 32), collector.descriptors.items.len);
    for (collector.descriptors.items, 0..) |bits, index| {
        const mapped = index < 16;
        try testing.expectEqual(mapped, ap.pte.isValid(bits));
        if (mapped) try testing.expectEqual(@as(ap.Pa, index * ap.page_size), ap.pte.outputAddress(bits, 3));
    }

    const stop = struct {
        fn visit(_: void, _: ap.Region, _: []const u64, _: u32) !void {
            return error.Enough;
        }
    }.visit;
    var detail = ap.ErrorDetail{};
    try testing.expectError(error.Stopped, map.walkRuns(try ap.Region.fromSize(0, 0x1000), {}, stop, &detail));
    try testing.expectEqual(@as(?anyerror, error.Enough), detail.callback_error);
    try testing.expectEqual(collector.descriptors.items[0], detail.descriptor);
}

test "activate, refuse deinit while active, deactivate, then deinit" {
    var map = try ap.Mapping.initIdentity(.{ .asid = 3 });
    try map.mapAuto(try ap.Region.fromSize(0x1000, 0x1000), util.normal_el1, .{}, null);

    const previous = try map.activate();
    try testing.expect(map.isActive());
    try testing.expectError(error.StillActive, map.tryDeinit());
    // Nothing was freed: the mapping still translates.
    try testing.expectEqual(@as(ap.Pa, 0x1000), (try map.translate(0x1000, null)).output_address);

    try map.deactivate(previous);
    try testing.expect(!map.isActive());
    try testing.expectError(error.NotActive, map.deactivate(previous));

    try map.markActive();
    try map.markActive();
    try map.markInactive();
    try testing.expect(map.isActive());
    try map.markInactive();
    map.deinit();
}

test "translation control fields for EL1&0 and stage 2" {
    var el1 = try ap.Mapping.initIdentity(.{ .root_level = 1 });
    defer el1.deinit();
    try testing.expectEqual(ap.TranslationControl{
        .tcr = 25,
        .tcr_mask = 0xc03f,
        .ttbr = el1.ttbr(),
        .input_bits = 39,
        .tsz = 25,
        .tg = 0,
        .sl0 = 0,
        .granule = .size_4k,
        .root_level = 1,
        .root_entries = 512,
        .root_tables = 1,
    }, try el1.translationControl());

    const s2 = try ap.Regime.builtin(.stage2);
    var level1 = try ap.Stage2Mapping.initIdentity(.{ .regime = s2, .root_level = 1 });
    defer level1.deinit();
    const control = try level1.translationControl();
    try testing.expectEqual(@as(u32, 1), control.sl0);
    try testing.expectEqual(@as(u64, 0x59), control.tcr);
    try testing.expectEqual(@as(u64, 0xc0ff), control.tcr_mask);

    // No SL0 encoding names a level 3 root without FEAT_TTST.
    var level3 = try ap.Stage2Mapping.initIdentity(.{ .regime = s2, .root_level = 3 });
    defer level3.deinit();
    try testing.expectError(error.Unsupported, level3.translationControl());
}

test "EL2 and EL3 tables cannot be deactivated" {
    for ([_]ap.RegimeKind{ .el2, .el3 }) |kind| {
        var map = try ap.El23Mapping.initIdentity(.{ .regime = try ap.Regime.builtin(kind) });
        const previous = try map.activate();
        try testing.expectError(error.Unsupported, map.deactivate(previous));
        try testing.expectError(error.Unsupported, map.asid());
        try map.markInactive();
        map.deinit();
    }
}

test "Mapping's edits take *Mapping and its reads take Mapping by value" {
    const edits = [_][]const u8{
        "deinit",  "tryDeinit", "map",        "mapAuto",    "unmap",        "modify",
        "compact", "activate",  "deactivate", "markActive", "markInactive",
    };
    comptime var methods = 0;
    comptime var edits_seen = 0;
    inline for (@typeInfo(ap.Mapping).Struct.decls) |decl| {
        const value = @field(ap.Mapping, decl.name);
        const info = @typeInfo(@TypeOf(value));
        if (info != .Fn or info.Fn.params.len == 0) continue;
        const Receiver = info.Fn.params[0].type orelse continue;
        if (Receiver != ap.Mapping and Receiver != *ap.Mapping and Receiver != *const ap.Mapping) continue;
        methods += 1;
        comptime var is_edit = false;
        inline for (edits) |name| {
            if (comptime std.mem.eql(u8, name, decl.name)) is_edit = true;
        }
        if (is_edit) edits_seen += 1;
        const wanted = if (is_edit) *ap.Mapping else ap.Mapping;
        if (Receiver != wanted) {
            std.debug.print("Mapping.{s} takes {s}, not {s}\n", .{ decl.name, @typeName(Receiver), @typeName(wanted) });
            return error.TestUnexpectedResult;
        }
    }
    // Every edit was seen, and so were reads.
    try testing.expectEqual(edits.len, edits_seen);
    try testing.expect(methods > edits.len);

    // The reads work on a const mapping.
    var owned = try ap.Mapping.initIdentity(.{});
    defer owned.deinit();
    const read_only: ap.Mapping = owned;
    try testing.expectEqual(@as(usize, 1), try read_only.tableCount());
    try testing.expect(!(try read_only.translate(0x1000, null)).mapped);
}
