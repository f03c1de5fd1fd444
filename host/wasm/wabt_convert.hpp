#pragma once
// Internal to the C++17 WABT adapter: conversions between WABT's interpreter types
// and the engine's (types.hpp).
#include <optional>
#include <string>

#include "wabt/interp/interp.h"
#include "wasm/types.hpp"

namespace sensorhost::wasm::wabt_backend {

// nullopt for types the host cannot represent (v128, references).
std::optional<ValueType> from_wabt(wabt::Type t);
std::optional<FuncType> from_wabt(const wabt::interp::FuncType& t);
std::optional<ExternType> from_wabt(const wabt::interp::ExternType& t);
// The engine's wording when representable, WABT's type names otherwise.
std::string describe(const wabt::interp::ExternType& t);

wabt::Type to_wabt(ValueType t);
wabt::interp::Value to_wabt(const Value& v);
Value from_wabt(const wabt::interp::Value& v, ValueType t);
Value zero_of(ValueType t);

}  // namespace sensorhost::wasm::wabt_backend
