#pragma once
// Internal to the C++17 WABT adapter: module rewrites applied by compile().
#include <optional>
#include <string>

#include "wabt/ir.h"
#include "wasm/types.hpp"

namespace sensorhost::wasm::wabt_backend {

// Caps every memory and table (declared or imported) at the limits. Returns why the
// module cannot run within them (initial size over the cap, too many locals).
std::optional<std::string> apply_limits(wabt::Module& module, const Limits& limits);

struct MeteringInfo {
  wabt::Index handler_func = 0;  // function index of the hidden out-of-fuel import
};

// Unrolls small innermost loops once (see wabt_unroll.cpp) so that metering charges
// them every second iteration. `spare` is a second, untouched parse of the same module:
// the source of the copies. Run before insert_metering.
void unroll_small_loops(wabt::Module& module, wabt::Module& spare);

// Inserts fuel metering (README.md, "Fuel"): appends two imports, a mutable i32
// global (kFuelModule.kFuelGlobal) and a () -> () handler (kFuelModule.kFuelHandler),
// renumbers the module around them and charges every function entry and loop header.
MeteringInfo insert_metering(wabt::Module& module);

}  // namespace sensorhost::wasm::wabt_backend
