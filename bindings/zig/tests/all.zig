// SPDX-License-Identifier: MIT OR Apache-2.0
//! Root of the binding's tests: pulls in every test file, and makes the
//! compiler check every public declaration of the binding, used or not.

const std = @import("std");
const ap = @import("aarch64_paging");

test {
    inline for (.{
        ap,                      ap.Region,         ap.ErrorDetail,      ap.Status,          ap.attr,
        ap.el1,                  ap.el23,           ap.stage2,           ap.pte,             ap.mair,
        ap.Regime,               ap.UserRegime,     ap.RegimeHooks,      ap.Translation,     ap.Descriptor,
        ap.Mapping,              ap.Options,        ap.Constraints,      ap.DumpFormat,      ap.Granule,
        ap.AllocatorTranslation, ap.El1Attrs,       ap.El23Attrs,        ap.Stage2Attrs,     ap.El23Mapping,
        ap.Stage2Mapping,        ap.El23Descriptor, ap.Stage2Descriptor, ap.TranslateResult,
    }) |namespace| std.testing.refAllDecls(namespace);

    _ = @import("errors_test.zig");
    _ = @import("mapping_test.zig");
    _ = @import("translation_test.zig");
    _ = @import("regime_test.zig");
    _ = @import("text_test.zig");
    _ = @import("granule_test.zig");
    _ = @import("deinit_test.zig");
    _ = @import("attrs_test.zig");
}
