#include "wasm/wabt_convert.hpp"

#include "wabt/cast.h"

namespace sensorhost::wasm::wabt_backend {

namespace interp = wabt::interp;
using wabt::cast;

std::optional<ValueType> from_wabt(wabt::Type t) {
  switch (t) {
    case wabt::Type::I32: return ValueType::i32;
    case wabt::Type::I64: return ValueType::i64;
    case wabt::Type::F32: return ValueType::f32;
    case wabt::Type::F64: return ValueType::f64;
    default: return std::nullopt;
  }
}

namespace {

std::optional<std::vector<ValueType>> value_types(const interp::ValueTypes& types) {
  std::vector<ValueType> out;
  out.reserve(types.size());
  for (wabt::Type t : types) {
    auto v = from_wabt(t);
    if (!v) return std::nullopt;
    out.push_back(*v);
  }
  return out;
}

std::optional<std::uint32_t> max_of(const wabt::Limits& l) {
  if (!l.has_max) return std::nullopt;
  return static_cast<std::uint32_t>(l.max);
}

}  // namespace

std::optional<FuncType> from_wabt(const interp::FuncType& t) {
  auto params = value_types(t.params);
  auto results = value_types(t.results);
  if (!params || !results) return std::nullopt;
  return FuncType{std::move(*params), std::move(*results)};
}

std::optional<ExternType> from_wabt(const interp::ExternType& t) {
  switch (t.kind) {
    case wabt::ExternalKind::Func: {
      auto f = from_wabt(*cast<interp::FuncType>(&t));
      if (!f) return std::nullopt;
      return ExternType{std::move(*f)};
    }
    case wabt::ExternalKind::Table: {
      auto& tt = *cast<interp::TableType>(&t);
      if (tt.element != wabt::Type::FuncRef && tt.element != wabt::Type::ExternRef) return std::nullopt;
      return ExternType{TableType{static_cast<std::uint32_t>(tt.limits.initial), max_of(tt.limits),
                                  tt.element == wabt::Type::FuncRef ? RefType::funcref : RefType::externref}};
    }
    case wabt::ExternalKind::Memory: {
      auto& m = *cast<interp::MemoryType>(&t);
      return ExternType{MemoryType{static_cast<std::uint32_t>(m.limits.initial), max_of(m.limits)}};
    }
    case wabt::ExternalKind::Global: {
      auto& g = *cast<interp::GlobalType>(&t);
      auto v = from_wabt(g.type);
      if (!v) return std::nullopt;
      return ExternType{GlobalType{*v, g.mut == interp::Mutability::Var}};
    }
    default: return std::nullopt;
  }
}

std::string describe(const interp::ExternType& t) {
  if (auto e = from_wabt(t)) return to_string(*e);
  std::string out = wabt::GetKindName(t.kind);
  if (t.kind == wabt::ExternalKind::Func) {
    auto& f = *cast<interp::FuncType>(&t);
    out += " (";
    for (std::size_t i = 0; i < f.params.size(); ++i) out += (i ? ", " : "") + f.params[i].GetName();
    out += ") -> (";
    for (std::size_t i = 0; i < f.results.size(); ++i) out += (i ? ", " : "") + f.results[i].GetName();
    out += ")";
  } else if (t.kind == wabt::ExternalKind::Global) {
    out += " " + cast<interp::GlobalType>(&t)->type.GetName();
  } else if (t.kind == wabt::ExternalKind::Table) {
    out += " " + cast<interp::TableType>(&t)->element.GetName();
  }
  return out;
}

wabt::Type to_wabt(ValueType t) {
  switch (t) {
    case ValueType::i32: return wabt::Type::I32;
    case ValueType::i64: return wabt::Type::I64;
    case ValueType::f32: return wabt::Type::F32;
    case ValueType::f64: return wabt::Type::F64;
  }
  return wabt::Type::I32;
}

interp::Value to_wabt(const Value& v) {
  switch (type_of(v)) {
    case ValueType::i32: return interp::Value::Make(static_cast<interp::s32>(std::get<std::int32_t>(v)));
    case ValueType::i64: return interp::Value::Make(static_cast<interp::s64>(std::get<std::int64_t>(v)));
    case ValueType::f32: return interp::Value::Make(std::get<float>(v));
    case ValueType::f64: return interp::Value::Make(std::get<double>(v));
  }
  return interp::Value::Make(interp::u32{0});
}

Value from_wabt(const interp::Value& v, ValueType t) {
  switch (t) {
    case ValueType::i32: return v.Get<interp::s32>();
    case ValueType::i64: return v.Get<interp::s64>();
    case ValueType::f32: return v.Get<interp::f32>();
    case ValueType::f64: return v.Get<interp::f64>();
  }
  return std::int32_t{0};
}

Value zero_of(ValueType t) {
  switch (t) {
    case ValueType::i32: return std::int32_t{0};
    case ValueType::i64: return std::int64_t{0};
    case ValueType::f32: return 0.0f;
    case ValueType::f64: return 0.0;
  }
  return std::int32_t{0};
}

}  // namespace sensorhost::wasm::wabt_backend
