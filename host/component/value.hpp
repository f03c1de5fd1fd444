#pragma once
// A dynamic component value. It carries no type: every operation takes the value's
// Type alongside (the Canonical ABI, JSON, printing), so one representation serves
// every WIT type:
//   bool -> bool, s8..s64 -> int64, u8..u64 -> uint64, f32 -> float, f64 -> double,
//   char -> char32_t, string -> std::string (UTF-8),
//   list / record (fields in order) / tuple -> List,
//   variant / enum / option (0 none, 1 some) / result (0 ok, 1 err) -> Case,
//   flags -> Flags (bit i = label i).
//
// JSON mapping (sensorhost-plugin invoke, the control plane):
//   bool: true/false; integers: numbers (range-checked); f32/f64: numbers, or the strings
//   "NaN", "Infinity", "-Infinity"; char: a one-character string; string: string;
//   list, tuple: arrays; record: object with every field; variant: {"case": payload}
//   ({"case": null} or "case" without payload); enum: the case name; option: null or the
//   value; result: {"ok": v} / {"err": v} (null when that side has no type);
//   flags: array of the names that are set.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "component/types.hpp"

namespace sensorhost::component {

struct Value {
  using List = std::vector<Value>;
  struct Case {
    std::uint32_t index = 0;
    std::vector<Value> payload;  // empty, or one value
  };
  struct Flags {
    std::uint32_t bits = 0;
  };
  std::variant<bool, std::int64_t, std::uint64_t, float, double, char32_t, std::string, List, Case, Flags> data;

  // Out-of-line on purpose: inlined variant copies make g++ 12 report false
  // maybe-uninitialized errors at every call site.
  Value();
  Value(bool v);
  Value(std::int64_t v);
  Value(std::uint64_t v);
  Value(float v);
  Value(double v);
  Value(char32_t v);
  Value(std::string v);
  Value(const char* v);
  Value(List v);
  Value(Case v);
  Value(Flags v);
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  static Value of_case(std::uint32_t index) { return Value(Case{index, {}}); }
  static Value of_case(std::uint32_t index, Value payload) { return Value(Case{index, {std::move(payload)}}); }
  static Value none() { return of_case(0); }
  static Value some(Value v) { return of_case(1, std::move(v)); }
  static Value ok(Value v) { return of_case(0, std::move(v)); }
  static Value ok() { return of_case(0); }
  static Value err(Value v) { return of_case(1, std::move(v)); }
  static Value err() { return of_case(1); }

  template <class T>
  const T* get() const { return std::get_if<T>(&data); }
};

Expected<Value, std::string> from_json(const TypeRef& type, const nlohmann::json& json);
nlohmann::json to_json(const TypeRef& type, const Value& value);
// Compact JSON text of a typed value, for messages and tests.
std::string to_string(const TypeRef& type, const Value& value);
// Checks that `value` has the shape of `type` (alternatives, counts, ranges).
Expected<Ok, std::string> check_value(const TypeRef& type, const Value& value);

}  // namespace sensorhost::component
