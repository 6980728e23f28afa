// SPDX-License-Identifier: MIT OR Apache-2.0
//! Ownership: `deinit` cannot fail and frees everything, so `defer x.deinit();`
//! is the whole cleanup; `tryDeinit` refuses an object still in use and leaves
//! it usable. (That `deinit` panics on an object in use is checked in a child
//! process by tests/test_zig_binding.sh, through tests/deinit_panic.zig.)

const std = @import("std");
const testing = std.testing;
const ap = @import("aarch64_paging");
const util = @import("util.zig");

test "deinit returns void: a plain defer gives back every table" {
    var arena = util.PageArena{ .base = 0x8000_0000 };
    {
        var map = try ap.Mapping.initCustom(testing.allocator, .{}, arena.translation());
        defer map.deinit();
        // Pages, so that the root and the tables of levels 2 and 3 exist.
        try map.map(try ap.Region.fromSize(0x4000_0000, 0x3000), 0x9000_0000, util.normal_el1, .{}, null);
        try testing.expectEqual(@as(usize, 3), arena.live);
    }
    try testing.expectEqual(@as(usize, 0), arena.live);
    try testing.expectEqual(arena.allocations, arena.frees);
    try testing.expectEqual(@as(usize, 0), arena.mismatched_frees);
    // testing.allocator fails the test if the CustomTranslation record leaked.
}

test "deinit returns void: defer the regime before its mappings" {
    var recorder = util.HookRecorder{};
    var regime = try ap.UserRegime.init(testing.allocator, .el1and0, recorder.hooks());
    defer regime.deinit(); // runs last
    var map = try ap.Mapping.initIdentityAllocator(testing.allocator, .{ .regime = regime.regime() });
    defer map.deinit(); // runs first
    try map.mapAuto(try ap.Region.fromSize(0x1000, 0x1000), util.normal_el1, .{}, null);
    _ = try map.activate();
    try map.markInactive();
    // testing.allocator fails the test if a table or the hooks leaked.
}

test "tryDeinit of an active mapping: error.StillActive, and the mapping stays usable" {
    var arena = util.PageArena{ .base = 0x8000_0000 };
    var map = try ap.Mapping.initCustom(testing.allocator, .{ .asid = 2 }, arena.translation());
    try map.map(try ap.Region.fromSize(0x1000, 0x1000), 0x9000_1000, util.normal_el1, .{}, null);
    const previous = try map.activate();

    try testing.expectError(error.StillActive, map.tryDeinit());
    // Nothing was freed, and every call still works on it.
    try testing.expect(map.isActive());
    try testing.expectEqual(@as(usize, 0), arena.frees);
    try testing.expectEqual(@as(ap.Pa, 0x9000_1abc), (try map.translate(0x1abc, null)).output_address);
    try map.map(try ap.Region.fromSize(0x2000, 0x1000), 0x9000_2000, util.normal_el1, .{}, null);
    try testing.expectEqual(@as(ap.Pa, 0x9000_2000), (try map.translate(0x2000, null)).output_address);

    // Once inactive, the same call frees it all.
    try map.deactivate(previous);
    try map.tryDeinit();
    try testing.expectEqual(@as(usize, 0), arena.live);
}

test "tryDeinit of a regime a mapping uses: error.StillActive, and the regime stays usable" {
    var recorder = util.HookRecorder{};
    var regime = try ap.UserRegime.init(testing.allocator, .el1and0, recorder.hooks());
    var map = try ap.Mapping.initIdentity(.{ .regime = regime.regime() });

    try testing.expectError(error.StillActive, regime.tryDeinit());
    // The hooks still run: activation goes through them.
    _ = try map.activate();
    try testing.expectEqual(@as(usize, 1), recorder.activations);
    try map.markInactive();
    try testing.expectEqual(ap.RegimeKind.el1and0, regime.regime().kind());

    map.deinit();
    try regime.tryDeinit();
    // testing.allocator fails the test if the hooks record leaked.
}

test "tryDeinit's error set is error{StillActive}; deinit returns void" {
    inline for (.{ ap.Mapping, ap.UserRegime }) |T| {
        const Return = @typeInfo(@TypeOf(T.tryDeinit)).Fn.return_type.?;
        const errors = @typeInfo(@typeInfo(Return).ErrorUnion.error_set).ErrorSet.?;
        try testing.expectEqual(@as(usize, 1), errors.len);
        try testing.expectEqualStrings("StillActive", errors[0].name);
        try testing.expectEqual(void, @typeInfo(@TypeOf(T.deinit)).Fn.return_type.?);
    }
}
