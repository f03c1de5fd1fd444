#include "component/types.hpp"

#include <algorithm>
#include <array>
#include <cassert>

namespace sensorhost::component {

TypeRef make_type(Type t) {
  auto add = [&](const TypeRef& c) {
    if (!c) return;
    t.depth = std::max(t.depth, c->depth + 1);
    t.weight += c->weight;
  };
  t.depth = 1;
  t.weight = 1;
  add(t.element);
  add(t.ok);
  add(t.err);
  for (const auto& f : t.fields) add(f.type);
  for (const auto& i : t.items) add(i);
  for (const auto& c : t.cases) add(c.type);
  t.weight += t.labels.size();
  return std::make_shared<const Type>(std::move(t));
}

namespace {

TypeRef make(Type t) { return make_type(std::move(t)); }

}  // namespace

TypeRef primitive(Kind kind) {
  static const auto table = [] {
    std::array<TypeRef, static_cast<std::size_t>(Kind::string) + 1> all;
    for (std::size_t i = 0; i < all.size(); ++i) {
      Type t;
      t.kind = static_cast<Kind>(i);
      all[i] = make(t);
    }
    return all;
  }();
  assert(kind <= Kind::string);
  return table[static_cast<std::size_t>(kind)];
}

namespace {

TypeRef of_element(Kind kind, TypeRef element) {
  Type t;
  t.kind = kind;
  t.element = std::move(element);
  return make(std::move(t));
}

}  // namespace

TypeRef make_list(TypeRef element) { return of_element(Kind::list, std::move(element)); }
TypeRef make_option(TypeRef element) { return of_element(Kind::option, std::move(element)); }
TypeRef make_result(TypeRef ok, TypeRef err) {
  Type t;
  t.kind = Kind::result;
  t.ok = std::move(ok);
  t.err = std::move(err);
  return make(std::move(t));
}
TypeRef make_tuple(std::vector<TypeRef> items) {
  Type t;
  t.kind = Kind::tuple;
  t.items = std::move(items);
  return make(std::move(t));
}
TypeRef make_record(std::vector<Field> fields, std::string name) {
  Type t;
  t.kind = Kind::record;
  t.fields = std::move(fields);
  t.name = std::move(name);
  return make(std::move(t));
}
TypeRef make_variant(std::vector<Case> cases, std::string name) {
  Type t;
  t.kind = Kind::variant;
  t.cases = std::move(cases);
  t.name = std::move(name);
  return make(std::move(t));
}
namespace {

TypeRef labelled(Kind kind, std::vector<std::string> labels, std::string name) {
  Type t;
  t.kind = kind;
  t.labels = std::move(labels);
  t.name = std::move(name);
  return make(std::move(t));
}

}  // namespace

TypeRef make_enum(std::vector<std::string> labels, std::string name) {
  return labelled(Kind::enum_, std::move(labels), std::move(name));
}
TypeRef make_flags(std::vector<std::string> labels, std::string name) {
  return labelled(Kind::flags, std::move(labels), std::move(name));
}
TypeRef with_name(const TypeRef& type, std::string name) {
  if (type->name == name) return type;
  Type t = *type;
  t.name = std::move(name);
  return std::make_shared<const Type>(std::move(t));
}

TypeRef with_owner(const TypeRef& type, std::string owner) {
  if (type->owner == owner) return type;
  Type t = *type;
  t.owner = std::move(owner);
  return std::make_shared<const Type>(std::move(t));
}

bool same_type(const TypeRef& a, const TypeRef& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case Kind::list:
    case Kind::option:
      return same_type(a->element, b->element);
    case Kind::result:
      return same_type(a->ok, b->ok) && same_type(a->err, b->err);
    case Kind::tuple:
      return std::equal(a->items.begin(), a->items.end(), b->items.begin(), b->items.end(), same_type);
    case Kind::record:
      return std::equal(a->fields.begin(), a->fields.end(), b->fields.begin(), b->fields.end(),
                        [](const Field& x, const Field& y) { return x.name == y.name && same_type(x.type, y.type); });
    case Kind::variant:
      return std::equal(a->cases.begin(), a->cases.end(), b->cases.begin(), b->cases.end(),
                        [](const Case& x, const Case& y) { return x.name == y.name && same_type(x.type, y.type); });
    case Kind::enum_:
    case Kind::flags:
      return a->labels == b->labels;
    default:
      return true;  // primitives
  }
}

bool same_signature(const FuncType& a, const FuncType& b) {
  return std::equal(a.params.begin(), a.params.end(), b.params.begin(), b.params.end(),
                    [](const Param& x, const Param& y) { return x.name == y.name && same_type(x.type, y.type); }) &&
         same_type(a.result, b.result);
}

std::vector<TypeRef> case_payloads(const Type& t) {
  switch (t.kind) {
    case Kind::variant: {
      std::vector<TypeRef> out;
      for (const auto& c : t.cases) out.push_back(c.type);
      return out;
    }
    case Kind::enum_:
      return std::vector<TypeRef>(t.labels.size());
    case Kind::option:
      return {nullptr, t.element};
    case Kind::result:
      return {t.ok, t.err};
    default:
      return {};
  }
}

std::size_t case_count(const Type& t) {
  switch (t.kind) {
    case Kind::variant: return t.cases.size();
    case Kind::enum_: return t.labels.size();
    case Kind::option:
    case Kind::result: return 2;
    default: return 0;
  }
}

std::string kind_name(Kind kind) {
  static const char* const names[] = {"bool", "s8",  "u8",     "s16",   "u16",   "s32",     "u32",
                                      "s64",  "u64", "f32",    "f64",   "char",  "string",  "list",
                                      "record", "tuple", "variant", "enum", "option", "result", "flags"};
  return names[static_cast<std::size_t>(kind)];
}

std::string to_wit(const TypeRef& type) {
  if (!type) return "_";
  if (!type->name.empty()) return type->name;
  const Type& t = *type;
  switch (t.kind) {
    case Kind::list: return "list<" + to_wit(t.element) + ">";
    case Kind::option: return "option<" + to_wit(t.element) + ">";
    case Kind::result:
      if (!t.ok && !t.err) return "result";
      if (!t.err) return "result<" + to_wit(t.ok) + ">";
      return "result<" + to_wit(t.ok) + ", " + to_wit(t.err) + ">";
    case Kind::tuple: {
      std::string s = "tuple<";
      for (std::size_t i = 0; i < t.items.size(); ++i) s += (i ? ", " : "") + to_wit(t.items[i]);
      return s + ">";
    }
    case Kind::record:
    case Kind::variant:
    case Kind::enum_:
    case Kind::flags:
      // An anonymous aggregate cannot be written in WIT; show its structure.
      return to_wit_definition(type);
    default:
      return kind_name(t.kind);
  }
}

std::string to_wit_definition(const TypeRef& type) {
  const Type& t = *type;
  const std::string name = t.name.empty() ? "" : t.name + " ";
  std::string body;
  auto join = [&](std::size_t n, auto item) {
    for (std::size_t i = 0; i < n; ++i) body += (i ? ", " : "") + item(i);
  };
  switch (t.kind) {
    case Kind::record:
      join(t.fields.size(), [&](std::size_t i) { return t.fields[i].name + ": " + to_wit(t.fields[i].type); });
      return "record " + name + "{ " + body + " }";
    case Kind::variant:
      join(t.cases.size(), [&](std::size_t i) {
        return t.cases[i].name + (t.cases[i].type ? "(" + to_wit(t.cases[i].type) + ")" : "");
      });
      return "variant " + name + "{ " + body + " }";
    case Kind::enum_:
    case Kind::flags:
      join(t.labels.size(), [&](std::size_t i) { return t.labels[i]; });
      return (t.kind == Kind::enum_ ? "enum " : "flags ") + name + "{ " + body + " }";
    default: {
      Type anonymous = t;
      anonymous.name.clear();
      return "type " + name + "= " + to_wit(std::make_shared<const Type>(std::move(anonymous)));
    }
  }
}

std::string to_wit(const FuncType& func) {
  std::string s = "func(";
  for (std::size_t i = 0; i < func.params.size(); ++i)
    s += (i ? ", " : "") + func.params[i].name + ": " + to_wit(func.params[i].type);
  s += ")";
  if (func.result) s += " -> " + to_wit(func.result);
  return s;
}

// ---- Canonical ABI layout ----

std::uint32_t align_to(std::uint32_t offset, std::uint32_t align) { return (offset + align - 1) / align * align; }

std::uint32_t discriminant_size(std::size_t cases) {
  if (cases <= 0x100) return 1;
  if (cases <= 0x10000) return 2;
  return 4;
}

std::uint32_t flags_size(std::size_t labels) {
  if (labels <= 8) return 1;
  if (labels <= 16) return 2;
  return 4;
}

namespace {

std::uint32_t max_case_align(const Type& t) {
  std::uint32_t a = 1;
  for (const auto& p : case_payloads(t))
    if (p) a = std::max(a, abi_align(*p));
  return a;
}

}  // namespace

std::uint32_t abi_align(const Type& t) {
  switch (t.kind) {
    case Kind::bool_: case Kind::s8: case Kind::u8: return 1;
    case Kind::s16: case Kind::u16: return 2;
    case Kind::s32: case Kind::u32: case Kind::f32: case Kind::char_: return 4;
    case Kind::s64: case Kind::u64: case Kind::f64: return 8;
    case Kind::string: case Kind::list: return 4;
    case Kind::record: {
      std::uint32_t a = 1;
      for (const auto& f : t.fields) a = std::max(a, abi_align(*f.type));
      return a;
    }
    case Kind::tuple: {
      std::uint32_t a = 1;
      for (const auto& i : t.items) a = std::max(a, abi_align(*i));
      return a;
    }
    case Kind::flags: return flags_size(t.labels.size());
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result:
      return std::max(discriminant_size(case_count(t)), max_case_align(t));
  }
  return 1;
}

std::uint32_t variant_payload_offset(const Type& t) {
  return align_to(discriminant_size(case_count(t)), max_case_align(t));
}

std::uint32_t abi_size(const Type& t) {
  switch (t.kind) {
    case Kind::bool_: case Kind::s8: case Kind::u8: return 1;
    case Kind::s16: case Kind::u16: return 2;
    case Kind::s32: case Kind::u32: case Kind::f32: case Kind::char_: return 4;
    case Kind::s64: case Kind::u64: case Kind::f64: return 8;
    case Kind::string: case Kind::list: return 8;
    case Kind::record: case Kind::tuple: {
      std::uint32_t s = 0;
      auto add = [&](const Type& f) { s = align_to(s, abi_align(f)) + abi_size(f); };
      if (t.kind == Kind::record)
        for (const auto& f : t.fields) add(*f.type);
      else
        for (const auto& i : t.items) add(*i);
      return align_to(s, abi_align(t));
    }
    case Kind::flags: return flags_size(t.labels.size());
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: {
      std::uint32_t payload = 0;
      for (const auto& p : case_payloads(t))
        if (p) payload = std::max(payload, abi_size(*p));
      return align_to(variant_payload_offset(t) + payload, abi_align(t));
    }
  }
  return 0;
}

namespace {

CoreType join(CoreType a, CoreType b) {
  if (a == b) return a;
  if ((a == CoreType::i32 && b == CoreType::f32) || (a == CoreType::f32 && b == CoreType::i32)) return CoreType::i32;
  return CoreType::i64;
}

}  // namespace

std::vector<CoreType> variant_join(const Type& t) {
  std::vector<CoreType> joined;
  for (const auto& p : case_payloads(t)) {
    if (!p) continue;
    auto flat = flatten(*p);
    for (std::size_t i = 0; i < flat.size(); ++i) {
      if (i < joined.size())
        joined[i] = join(joined[i], flat[i]);
      else
        joined.push_back(flat[i]);
    }
  }
  return joined;
}

void flatten(const Type& t, std::vector<CoreType>& out) {
  switch (t.kind) {
    case Kind::s64: case Kind::u64: out.push_back(CoreType::i64); return;
    case Kind::f32: out.push_back(CoreType::f32); return;
    case Kind::f64: out.push_back(CoreType::f64); return;
    case Kind::string: case Kind::list:
      out.push_back(CoreType::i32);
      out.push_back(CoreType::i32);
      return;
    case Kind::record:
      for (const auto& f : t.fields) flatten(*f.type, out);
      return;
    case Kind::tuple:
      for (const auto& i : t.items) flatten(*i, out);
      return;
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: {
      out.push_back(CoreType::i32);
      auto joined = variant_join(t);
      out.insert(out.end(), joined.begin(), joined.end());
      return;
    }
    default:  // bool, 8/16/32-bit integers, char, flags (at most 32 labels)
      out.push_back(CoreType::i32);
      return;
  }
}

std::vector<CoreType> flatten(const Type& t) {
  std::vector<CoreType> out;
  flatten(t, out);
  return out;
}

TypeRef params_tuple(const FuncType& func) {
  std::vector<TypeRef> items;
  for (const auto& p : func.params) items.push_back(p.type);
  return make_tuple(std::move(items));
}

std::vector<CoreType> flat_params(const FuncType& func) {
  std::vector<CoreType> out;
  for (const auto& p : func.params) flatten(*p.type, out);
  return out;
}

std::vector<CoreType> flat_results(const FuncType& func) {
  std::vector<CoreType> out;
  if (func.result) flatten(*func.result, out);
  return out;
}

}  // namespace sensorhost::component
