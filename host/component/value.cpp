#include "component/value.hpp"

#include <cmath>
#include <limits>

namespace sensorhost::component {

Value::Value() : data(false) {}
Value::Value(bool v) : data(v) {}
Value::Value(std::int64_t v) : data(v) {}
Value::Value(std::uint64_t v) : data(v) {}
Value::Value(float v) : data(v) {}
Value::Value(double v) : data(v) {}
Value::Value(char32_t v) : data(v) {}
Value::Value(std::string v) : data(std::move(v)) {}
Value::Value(const char* v) : data(std::string(v)) {}
Value::Value(List v) : data(std::move(v)) {}
Value::Value(Case v) : data(std::move(v)) {}
Value::Value(Flags v) : data(v) {}
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

namespace {

using json = nlohmann::json;

struct Range {
  std::int64_t min;
  std::uint64_t max;
};

Range range_of(Kind k) {
  switch (k) {
    case Kind::s8: return {INT8_MIN, INT8_MAX};
    case Kind::u8: return {0, UINT8_MAX};
    case Kind::s16: return {INT16_MIN, INT16_MAX};
    case Kind::u16: return {0, UINT16_MAX};
    case Kind::s32: return {INT32_MIN, INT32_MAX};
    case Kind::u32: return {0, UINT32_MAX};
    case Kind::s64: return {INT64_MIN, INT64_MAX};
    default: return {0, UINT64_MAX};
  }
}

bool is_signed(Kind k) { return k == Kind::s8 || k == Kind::s16 || k == Kind::s32 || k == Kind::s64; }
bool is_integer(Kind k) { return k >= Kind::s8 && k <= Kind::u64; }

std::string where(const std::string& path) { return path.empty() ? "value" : path; }

// UTF-8 encode one code point.
std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xc0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xe0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (c & 0x3f));
  }
  return s;
}

// Decodes a string holding exactly one code point; 0xffffffff when it does not.
char32_t single_code_point(const std::string& s) {
  if (s.empty()) return 0xffffffff;
  const auto b = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = b[0] < 0x80 ? 1 : (b[0] >> 5) == 6 ? 2 : (b[0] >> 4) == 14 ? 3 : (b[0] >> 3) == 30 ? 4 : 0;
  if (n == 0 || n != s.size()) return 0xffffffff;
  char32_t c = n == 1 ? b[0] : b[0] & (0x7f >> n);
  for (std::size_t i = 1; i < n; ++i) c = (c << 6) | (b[i] & 0x3f);
  return c;
}

class FromJson {
 public:
  std::string error;

  bool run(const TypeRef& t, const json& j, const std::string& path, Value& out) {
    switch (t->kind) {
      case Kind::bool_:
        if (!j.is_boolean()) return fail(path, "a boolean", j);
        out = j.get<bool>();
        return true;
      case Kind::f32:
      case Kind::f64: {
        double d = 0;
        if (j.is_number()) {
          d = j.get<double>();
        } else if (j == "NaN") {
          d = std::numeric_limits<double>::quiet_NaN();
        } else if (j == "Infinity" || j == "-Infinity") {
          d = j == "Infinity" ? INFINITY : -INFINITY;
        } else {
          return fail(path, "a number", j);
        }
        if (t->kind == Kind::f32)
          out = static_cast<float>(d);
        else
          out = d;
        return true;
      }
      case Kind::char_: {
        char32_t c = j.is_string() ? single_code_point(j.get<std::string>()) : 0xffffffff;
        if (c >= 0x110000 || (c >= 0xd800 && c < 0xe000)) return fail(path, "a one-character string", j);
        out = c;
        return true;
      }
      case Kind::string:
        if (!j.is_string()) return fail(path, "a string", j);
        out = j.get<std::string>();
        return true;
      case Kind::list:
      case Kind::tuple: return list(t, j, path, out);
      case Kind::record: return record(t, j, path, out);
      case Kind::flags: return flags(t, j, path, out);
      case Kind::enum_:
      case Kind::variant:
      case Kind::option:
      case Kind::result: return cases(t, j, path, out);
      default: return integer(t->kind, j, path, out);
    }
  }

 private:
  bool fail(const std::string& path, const std::string& expected, const json& found) {
    if (error.empty()) error = where(path) + ": expected " + expected + ", found " + found.dump();
    return false;
  }

  bool integer(Kind k, const json& j, const std::string& path, Value& out) {
    const Range r = range_of(k);
    const std::string expected = kind_name(k) + " (" + std::to_string(r.min) + ".." + std::to_string(r.max) + ")";
    if (j.is_number_unsigned()) {
      const auto u = j.get<std::uint64_t>();
      if (u > r.max) return fail(path, expected, j);
      if (is_signed(k))
        out = static_cast<std::int64_t>(u);
      else
        out = u;
      return true;
    }
    if (j.is_number_integer()) {
      const auto s = j.get<std::int64_t>();
      if (s < r.min || (s >= 0 && static_cast<std::uint64_t>(s) > r.max)) return fail(path, expected, j);
      if (is_signed(k))
        out = s;
      else
        out = static_cast<std::uint64_t>(s);
      return true;
    }
    return fail(path, expected, j);
  }

  bool list(const TypeRef& t, const json& j, const std::string& path, Value& out) {
    if (!j.is_array()) return fail(path, "an array", j);
    if (t->kind == Kind::tuple && j.size() != t->items.size())
      return fail(path, "an array of " + std::to_string(t->items.size()) + " items", j);
    Value::List items;
    for (std::size_t i = 0; i < j.size(); ++i) {
      Value v;
      if (!run(t->kind == Kind::list ? t->element : t->items[i], j[i], path + "[" + std::to_string(i) + "]", v))
        return false;
      items.push_back(std::move(v));
    }
    out = std::move(items);
    return true;
  }

  bool record(const TypeRef& t, const json& j, const std::string& path, Value& out) {
    if (!j.is_object()) return fail(path, "an object with fields of " + to_wit(t), j);
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool known = false;
      for (const auto& f : t->fields) known |= f.name == it.key();
      if (!known) return fail(path, "no field '" + it.key() + "' (" + to_wit_definition(t) + ")", j);
    }
    Value::List fields;
    for (const auto& f : t->fields) {
      auto it = j.find(f.name);
      if (it == j.end()) return fail(path, "field '" + f.name + "'", j);
      Value v;
      if (!run(f.type, *it, path + "." + f.name, v)) return false;
      fields.push_back(std::move(v));
    }
    out = std::move(fields);
    return true;
  }

  bool flags(const TypeRef& t, const json& j, const std::string& path, Value& out) {
    if (!j.is_array()) return fail(path, "an array of flag names", j);
    Value::Flags f;
    for (const auto& name : j) {
      auto it = name.is_string() ? std::find(t->labels.begin(), t->labels.end(), name.get<std::string>())
                                 : t->labels.end();
      if (it == t->labels.end()) return fail(path, "a flag of " + to_wit_definition(t), name);
      f.bits |= 1u << (it - t->labels.begin());
    }
    out = f;
    return true;
  }

  std::vector<std::string> case_names(const Type& t) {
    switch (t.kind) {
      case Kind::variant: {
        std::vector<std::string> n;
        for (const auto& c : t.cases) n.push_back(c.name);
        return n;
      }
      case Kind::enum_: return t.labels;
      case Kind::result: return {"ok", "err"};
      default: return {"none", "some"};
    }
  }

  bool cases(const TypeRef& t, const json& j, const std::string& path, Value& out) {
    const auto payloads = case_payloads(*t);
    if (t->kind == Kind::option) {
      if (j.is_null()) {
        out = Value::none();
        return true;
      }
      Value v;
      if (!run(t->element, j, path, v)) return false;
      out = Value::some(std::move(v));
      return true;
    }
    const auto names = case_names(*t);
    std::string name;
    const json* payload = nullptr;
    if (j.is_string()) {
      name = j.get<std::string>();
    } else if (j.is_object() && j.size() == 1) {
      name = j.begin().key();
      payload = &j.begin().value();
    } else {
      return fail(path, t->kind == Kind::enum_ ? "a case name of " + to_wit(t) : "{\"case\": payload}", j);
    }
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return fail(path, "one of the cases of " + to_wit(t), j);
    const auto index = static_cast<std::uint32_t>(it - names.begin());
    const TypeRef& p = payloads[index];
    if (!p) {
      if (payload && !payload->is_null()) return fail(path + "." + name, "null (the case has no payload)", *payload);
      out = Value::of_case(index);
      return true;
    }
    if (!payload) return fail(path, "{\"" + name + "\": payload}", j);
    Value v;
    if (!run(p, *payload, path + "." + name, v)) return false;
    out = Value::of_case(index, std::move(v));
    return true;
  }
};

json float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

}  // namespace

Expected<Value, std::string> from_json(const TypeRef& type, const json& j) {
  FromJson c;
  Value v;
  if (!c.run(type, j, "", v)) return unexpected(c.error);
  return v;
}

json to_json(const TypeRef& t, const Value& v) {
  switch (t->kind) {
    case Kind::bool_: return v.get<bool>() ? *v.get<bool>() : false;
    case Kind::f32: return v.get<float>() ? float_json(*v.get<float>()) : json();
    case Kind::f64: return v.get<double>() ? float_json(*v.get<double>()) : json();
    case Kind::char_: return v.get<char32_t>() ? json(utf8(*v.get<char32_t>())) : json();
    case Kind::string: return v.get<std::string>() ? json(*v.get<std::string>()) : json();
    case Kind::list:
    case Kind::tuple: {
      json a = json::array();
      if (const auto* l = v.get<Value::List>())
        for (std::size_t i = 0; i < l->size(); ++i)
          a.push_back(to_json(t->kind == Kind::list ? t->element : t->items.at(i), (*l)[i]));
      return a;
    }
    case Kind::record: {
      json o = json::object();
      if (const auto* l = v.get<Value::List>())
        for (std::size_t i = 0; i < l->size() && i < t->fields.size(); ++i)
          o[t->fields[i].name] = to_json(t->fields[i].type, (*l)[i]);
      return o;
    }
    case Kind::flags: {
      json a = json::array();
      if (const auto* f = v.get<Value::Flags>())
        for (std::size_t i = 0; i < t->labels.size(); ++i)
          if (f->bits & (1u << i)) a.push_back(t->labels[i]);
      return a;
    }
    case Kind::enum_:
    case Kind::variant:
    case Kind::option:
    case Kind::result: {
      const auto* c = v.get<Value::Case>();
      if (!c) return json();
      const auto payloads = case_payloads(*t);
      if (c->index >= payloads.size()) return json();
      const json payload = payloads[c->index] && !c->payload.empty() ? to_json(payloads[c->index], c->payload[0]) : json();
      switch (t->kind) {
        case Kind::enum_: return t->labels[c->index];
        case Kind::option: return payload;
        case Kind::result: return json{{c->index == 0 ? "ok" : "err", payload}};
        default: return json{{t->cases[c->index].name, payload}};
      }
    }
    default:
      if (const auto* s = v.get<std::int64_t>()) return *s;
      if (const auto* u = v.get<std::uint64_t>()) return *u;
      return json();
  }
}

std::string to_string(const TypeRef& type, const Value& value) { return to_json(type, value).dump(); }

Expected<Ok, std::string> check_value(const TypeRef& t, const Value& v) {
  auto bad = [&](const std::string& what) -> Expected<Ok, std::string> {
    return unexpected("value does not match " + to_wit(t) + ": " + what);
  };
  switch (t->kind) {
    case Kind::bool_: return v.get<bool>() ? Expected<Ok, std::string>(Ok{}) : bad("expected a bool");
    case Kind::f32: return v.get<float>() ? Expected<Ok, std::string>(Ok{}) : bad("expected a float");
    case Kind::f64: return v.get<double>() ? Expected<Ok, std::string>(Ok{}) : bad("expected a double");
    case Kind::char_: {
      const auto* c = v.get<char32_t>();
      if (!c || *c >= 0x110000 || (*c >= 0xd800 && *c < 0xe000)) return bad("expected a Unicode scalar value");
      return Ok{};
    }
    case Kind::string: return v.get<std::string>() ? Expected<Ok, std::string>(Ok{}) : bad("expected a string");
    case Kind::list:
    case Kind::tuple:
    case Kind::record: {
      const auto* l = v.get<Value::List>();
      if (!l) return bad("expected a list of items");
      const std::size_t n = t->kind == Kind::tuple ? t->items.size() : t->fields.size();
      if (t->kind != Kind::list && l->size() != n) return bad("expected " + std::to_string(n) + " items");
      for (std::size_t i = 0; i < l->size(); ++i) {
        const TypeRef& it = t->kind == Kind::list ? t->element : t->kind == Kind::tuple ? t->items[i] : t->fields[i].type;
        if (auto r = check_value(it, (*l)[i]); !r) return r;
      }
      return Ok{};
    }
    case Kind::flags: {
      const auto* f = v.get<Value::Flags>();
      if (!f) return bad("expected flags");
      if (t->labels.size() < 32 && (f->bits >> t->labels.size())) return bad("unknown flag bits set");
      return Ok{};
    }
    case Kind::enum_:
    case Kind::variant:
    case Kind::option:
    case Kind::result: {
      const auto* c = v.get<Value::Case>();
      if (!c) return bad("expected a case");
      const auto payloads = case_payloads(*t);
      if (c->index >= payloads.size()) return bad("case index " + std::to_string(c->index) + " out of range");
      const TypeRef& p = payloads[c->index];
      if (!p) return c->payload.empty() ? Expected<Ok, std::string>(Ok{}) : bad("the case has no payload");
      if (c->payload.size() != 1) return bad("the case needs a payload");
      return check_value(p, c->payload[0]);
    }
    default: {
      const Range r = range_of(t->kind);
      if (const auto* s = v.get<std::int64_t>(); s && is_signed(t->kind))
        return *s >= r.min && *s <= static_cast<std::int64_t>(r.max) ? Expected<Ok, std::string>(Ok{}) : bad("out of range");
      if (const auto* u = v.get<std::uint64_t>(); u && !is_signed(t->kind))
        return *u <= r.max ? Expected<Ok, std::string>(Ok{}) : bad("out of range");
      return bad(is_integer(t->kind) && is_signed(t->kind) ? "expected a signed integer" : "expected an unsigned integer");
    }
  }
}

}  // namespace sensorhost::component
