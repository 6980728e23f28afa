// SPDX-License-Identifier: MIT OR Apache-2.0
//! Regimes: built-in ones, a user regime whose hooks are Zig functions,
//! stage 2, and EL2&0 with an ASID in the upper VA range.

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "every built-in regime reports its kind" {
    inline for (@typeInfo(ap.RegimeKind).Enum.fields) |field| {
        const kind: ap.RegimeKind = @enumFromInt(field.value);
        try testing.expectEqual(kind, (try ap.Regime.builtin(kind)).kind());
    }
}

test "a user regime's hooks see activation, live invalidations and deactivation" {
    var recorder = util.HookRecorder{};
    var regime = try ap.UserRegime.init(testing.allocator, .el1and0, recorder.hooks());
    try testing.expectEqual(ap.RegimeKind.el1and0, regime.regime().kind());

    var map = try ap.Mapping.initIdentity(.{ .regime = regime.regime(), .asid = 5 });
    const pages = try ap.Region.fromSize(0x4000_0000, 0x3000);
    try map.mapAuto(pages, util.normal_el1.with(ap.El1Attrs.non_global), .{}, null);
    // Edits of a table nobody uses need no maintenance.
    try testing.expectEqual(@as(usize, 0), recorder.invalidations.len);

    const previous = try map.activate();
    try testing.expectEqual(recorder.previous_ttbr, previous);
    try testing.expectEqual(@as(usize, 1), recorder.activations);
    try testing.expectEqual(map.rootAddress(), recorder.activated_root);
    try testing.expectEqual(@as(u16, 5), recorder.activated_asid);
    try testing.expectEqual(ap.VaRange.lower, recorder.activated_range);

    try map.unmap(try ap.Region.fromSize(0x4000_0000, 0x2000), null);
    const seen = recorder.invalidations.slice();
    try testing.expectEqual(@as(usize, 2), seen.len);
    for (seen, 0..) |invalidation, index| {
        try testing.expectEqual(@as(ap.Va, 0x4000_0000 + index * ap.page_size), invalidation.va);
        try testing.expectEqual(@as(u32, 3), invalidation.level);
        try testing.expectEqual(ap.InvalidationKind.leaf, invalidation.kind);
        try testing.expectEqual(@as(u16, 5), invalidation.asid);
        try testing.expectEqual(ap.VaRange.lower, invalidation.va_range);
        try testing.expectEqual(invalidation.va, invalidation.range_start);
        try testing.expectEqual(@as(u64, ap.page_size), invalidation.range_size);
    }
    try testing.expect(recorder.barriers >= 1);

    // A regime in use cannot go, nor can the active mapping.
    try testing.expectError(error.StillActive, regime.tryDeinit());
    try testing.expectError(error.StillActive, map.tryDeinit());

    try map.deactivate(previous);
    try testing.expectEqual(@as(?u64, recorder.previous_ttbr), recorder.deactivated_with);
    map.deinit();
    regime.deinit();
}

test "a user regime without an activate hook reports no previous TTBR" {
    var recorder = util.HookRecorder{};
    var regime = try ap.UserRegime.init(testing.allocator, .el2and0, recorder.barrierHooks());
    var map = try ap.Mapping.initIdentity(.{ .regime = regime.regime() });
    try testing.expectEqual(@as(u64, std.math.maxInt(u64)), try map.activate());
    try testing.expectEqual(@as(usize, 0), recorder.activations);
    try map.markInactive();
    map.deinit();
    regime.deinit();
}

test "stage 2: IPA to PA with stage 2 attributes, no ASID, no upper range" {
    const s2 = try ap.Regime.builtin(.stage2);
    var map = try ap.Stage2Mapping.initIdentity(.{ .regime = s2, .root_level = 1 });
    defer map.deinit();

    const flags = ap.Stage2Attrs.of(.{
        .valid,                   .access_flag,             .s2ap_access_rw,
        .memattr_normal_inner_wb, .memattr_normal_outer_wb, .sh_inner,
    });
    try map.map(try ap.Region.fromSize(0x4000_0000, 0x20_0000), 0x8000_0000, flags, .{}, null);
    const where = try map.translate(0x4000_1234, null);
    try testing.expectEqual(@as(ap.Pa, 0x8000_1234), where.output_address);
    try testing.expectEqual(@as(u32, 2), where.level);
    try testing.expectEqual(flags, where.attributes);

    try testing.expectError(error.Unsupported, map.asid());
    try testing.expectEqual(ap.RegimeKind.stage2, map.regime().kind());
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentity(.{ .regime = s2, .asid = 1 }));
    try testing.expectError(error.InvalidArgument, ap.Stage2Mapping.initIdentity(.{ .regime = s2, .va_range = .upper }));
}

test "EL2&0 with an ASID in the upper VA range reaches the last page" {
    const vhe = try ap.Regime.builtin(.el2and0);
    var map = try ap.Mapping.initIdentity(.{ .regime = vhe, .root_level = 1, .asid = 7, .va_range = .upper });
    defer map.deinit();
    try testing.expectEqual(@as(u16, 7), try map.asid());
    try testing.expectEqual(ap.VaRange.upper, map.vaRange());
    try testing.expectEqual((map.rootAddress()) | (@as(u64, 7) << 48), map.ttbr());

    const top_page = try ap.Region.fromSize(0xffff_ffff_ffff_f000, 0x1000);
    try map.map(top_page, 0x1234_5000, util.normal_el1.with(ap.El1Attrs.non_global), .{}, null);
    const where = try map.translate(0xffff_ffff_ffff_f123, null);
    try testing.expectEqual(@as(ap.Pa, 0x1234_5123), where.output_address);
    try testing.expectEqual(@as(u32, 3), where.level);

    var detail = ap.ErrorDetail{};
    try testing.expectError(error.AddressRange, map.map(try ap.Region.fromSize(0x1000, 0x1000), 0x1000, util.normal_el1, .{}, &detail));
    try testing.expectEqual(@as(u64, 0x1000), detail.address);
    try testing.expectError(error.AddressRange, map.translate(0x1000, null));
}
