#include "component/abi.hpp"

#include <cstdio>
#include <cstring>

namespace sensorhost::component {

namespace {

using Err = std::string;

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

bool valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    std::size_t len;
    char32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp < 0xe000))
      return false;
    i += len;
  }
  return true;
}

bool valid_char(std::uint32_t c) { return c < 0x110000 && !(c >= 0xd800 && c < 0xe000); }

std::uint32_t case_count_checked(const Type& t) { return static_cast<std::uint32_t>(case_count(t)); }

// ---------------------------------------------------------------- memory helpers

class Bytes {
 public:
  explicit Bytes(const GuestMemory& m) : m_(m) {}
  Expected<std::uint64_t, Err> uint(std::uint32_t ptr, std::uint32_t size) const {
    std::uint8_t b[8] = {};
    if (!m_.read(ptr, std::span<std::uint8_t>(b, size)))
      return unexpected("read of " + std::to_string(size) + " bytes at " + hex(ptr) + " is outside linear memory (" +
                        std::to_string(m_.size()) + " bytes)");
    std::uint64_t v = 0;
    for (std::uint32_t i = 0; i < size; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
    return v;
  }

 private:
  const GuestMemory& m_;
};

Expected<Ok, Err> write_uint(GuestMemory& m, std::uint32_t ptr, std::uint64_t v, std::uint32_t size) {
  std::uint8_t b[8];
  for (std::uint32_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
  if (!m.write(ptr, std::span<const std::uint8_t>(b, size)))
    return unexpected("write of " + std::to_string(size) + " bytes at " + hex(ptr) + " is outside linear memory");
  return Ok{};
}

// Checks a (ptr, len) pair of a string or list before reading it, as the spec does.
Expected<Ok, Err> check_range(const GuestMemory& m, const char* what, std::uint32_t ptr, std::uint64_t bytes,
                              std::uint32_t align) {
  if (ptr % align != 0)
    return unexpected(std::string(what) + " pointer " + hex(ptr) + " is not aligned to " + std::to_string(align));
  if (static_cast<std::uint64_t>(ptr) + bytes > m.size())
    return unexpected(std::string(what) + " at " + hex(ptr) + " of " + std::to_string(bytes) +
                      " bytes is outside linear memory (" + std::to_string(m.size()) + " bytes)");
  return Ok{};
}

Expected<std::uint32_t, Err> allocate(GuestMemory& m, std::uint32_t align, std::uint64_t size) {
  if (size > 0xffffffffu) return unexpected(std::string("allocation too large"));
  auto p = m.realloc(0, 0, align, static_cast<std::uint32_t>(size));
  if (!p) return p;
  if (*p % align != 0) return unexpected("cabi_realloc returned " + hex(*p) + ", not aligned to " + std::to_string(align));
  if (static_cast<std::uint64_t>(*p) + size > m.size())
    return unexpected("cabi_realloc returned " + hex(*p) + " with " + std::to_string(size) +
                      " bytes outside linear memory");
  return p;
}

std::string type_mismatch(const TypeRef& t) { return "host value does not match " + to_wit(t); }

// ---------------------------------------------------------------- load / store

Expected<Value, Err> lift_string(const GuestMemory& m, std::uint32_t ptr, std::uint32_t len) {
  if (len > max_string_bytes) return unexpected("string length " + std::to_string(len) + " exceeds 2^28-1");
  if (auto r = check_range(m, "string", ptr, len, 1); !r) return unexpected(r.error());
  std::string s(len, '\0');
  if (len && !m.read(ptr, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(s.data()), len)))
    return unexpected("string at " + hex(ptr) + " is outside linear memory");
  if (!valid_utf8(s)) return unexpected("string at " + hex(ptr) + " is not valid UTF-8");
  return Value(std::move(s));
}

Expected<Value, Err> lift_list(const GuestMemory& m, const TypeRef& t, std::uint32_t ptr, std::uint32_t len) {
  const std::uint32_t esize = abi_size(*t->element);
  if (len > max_string_bytes) return unexpected("list length " + std::to_string(len) + " exceeds 2^28-1");
  if (auto r = check_range(m, "list", ptr, static_cast<std::uint64_t>(len) * esize, abi_align(*t->element)); !r)
    return unexpected(r.error());
  if (m.lifted_elements + len > m.max_lifted_elements)
    return unexpected("list of " + std::to_string(len) + " elements exceeds the host's limit of " +
                      std::to_string(m.max_lifted_elements) + " lifted elements per call");
  m.lifted_elements += len;
  Value::List items;
  items.reserve(len);
  for (std::uint32_t i = 0; i < len; ++i) {
    auto v = load(m, t->element, ptr + i * esize);
    if (!v) return v;
    items.push_back(std::move(*v));
  }
  return Value(std::move(items));
}

// A string or list stored in memory as (ptr, len).
Expected<Value, Err> load_pair(const GuestMemory& m, const TypeRef& t, std::uint32_t at) {
  Bytes b(m);
  auto p = b.uint(at, 4);
  if (!p) return unexpected(p.error());
  auto n = b.uint(at + 4, 4);
  if (!n) return unexpected(n.error());
  const auto ptr = static_cast<std::uint32_t>(*p);
  const auto len = static_cast<std::uint32_t>(*n);
  return t->kind == Kind::string ? lift_string(m, ptr, len) : lift_list(m, t, ptr, len);
}

struct Pair {
  std::uint32_t ptr = 0, len = 0;
};

// Copies a host string or list into freshly allocated guest memory.
Expected<Pair, Err> lower_pair(GuestMemory& m, const TypeRef& t, const Value& v) {
  if (t->kind == Kind::string) {
    const auto* s = v.get<std::string>();
    if (!s) return unexpected(type_mismatch(t));
    if (s->size() > max_string_bytes) return unexpected(std::string("string longer than 2^28-1 bytes"));
    auto p = allocate(m, 1, s->size());
    if (!p) return unexpected(p.error());
    if (!s->empty() &&
        !m.write(*p, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s->data()), s->size())))
      return unexpected(std::string("string write outside linear memory"));
    return Pair{*p, static_cast<std::uint32_t>(s->size())};
  }
  const auto* l = v.get<Value::List>();
  if (!l) return unexpected(type_mismatch(t));
  if (l->size() > max_string_bytes) return unexpected(std::string("list longer than 2^28-1 items"));
  const std::uint32_t esize = abi_size(*t->element);
  auto p = allocate(m, abi_align(*t->element), static_cast<std::uint64_t>(l->size()) * esize);
  if (!p) return unexpected(p.error());
  for (std::size_t i = 0; i < l->size(); ++i)
    if (auto r = store(m, t->element, (*l)[i], *p + static_cast<std::uint32_t>(i) * esize); !r)
      return unexpected(r.error());
  return Pair{*p, static_cast<std::uint32_t>(l->size())};
}

Expected<Value, Err> load_fields(const GuestMemory& m, const std::vector<TypeRef>& types, std::uint32_t ptr) {
  Value::List out;
  std::uint32_t offset = 0;
  for (const auto& t : types) {
    offset = align_to(offset, abi_align(*t));
    auto v = load(m, t, ptr + offset);
    if (!v) return v;
    out.push_back(std::move(*v));
    offset += abi_size(*t);
  }
  return Value(std::move(out));
}

std::vector<TypeRef> member_types(const Type& t) {
  if (t.kind == Kind::tuple) return t.items;
  std::vector<TypeRef> out;
  for (const auto& f : t.fields) out.push_back(f.type);
  return out;
}

Expected<Value, Err> load_case(const GuestMemory& m, const TypeRef& t, std::uint32_t ptr) {
  const std::uint32_t dsize = discriminant_size(case_count(*t));
  auto d = Bytes(m).uint(ptr, dsize);
  if (!d) return unexpected(d.error());
  if (*d >= case_count(*t))
    return unexpected("discriminant " + std::to_string(*d) + " of " + to_wit(t) + " at " + hex(ptr) + " is out of range");
  const auto index = static_cast<std::uint32_t>(*d);
  const TypeRef payload = case_payloads(*t)[index];
  if (!payload) return Value::of_case(index);
  auto v = load(m, payload, ptr + variant_payload_offset(*t));
  if (!v) return v;
  return Value::of_case(index, std::move(*v));
}

}  // namespace

Expected<Value, Err> load(const GuestMemory& m, const TypeRef& t, std::uint32_t ptr) {
  if (ptr % abi_align(*t) != 0) return unexpected(to_wit(t) + " at " + hex(ptr) + " is misaligned");
  Bytes b(m);
  auto scalar = [&](std::uint32_t size) { return b.uint(ptr, size); };
  switch (t->kind) {
    case Kind::bool_: {
      auto v = scalar(1);
      if (!v) return unexpected(v.error());
      return Value(*v != 0);
    }
    case Kind::s8: case Kind::s16: case Kind::s32: case Kind::s64: {
      const std::uint32_t size = abi_size(*t);
      auto v = scalar(size);
      if (!v) return unexpected(v.error());
      const int shift = 64 - 8 * static_cast<int>(size);
      return Value(static_cast<std::int64_t>(*v << shift) >> shift);
    }
    case Kind::u8: case Kind::u16: case Kind::u32: case Kind::u64: {
      auto v = scalar(abi_size(*t));
      if (!v) return unexpected(v.error());
      return Value(*v);
    }
    case Kind::f32: {
      auto v = scalar(4);
      if (!v) return unexpected(v.error());
      float f;
      const auto bits = static_cast<std::uint32_t>(*v);
      std::memcpy(&f, &bits, 4);
      return Value(f);
    }
    case Kind::f64: {
      auto v = scalar(8);
      if (!v) return unexpected(v.error());
      double d;
      std::memcpy(&d, &*v, 8);
      return Value(d);
    }
    case Kind::char_: {
      auto v = scalar(4);
      if (!v) return unexpected(v.error());
      if (!valid_char(static_cast<std::uint32_t>(*v)))
        return unexpected("char " + hex(*v) + " at " + hex(ptr) + " is not a Unicode scalar value");
      return Value(static_cast<char32_t>(*v));
    }
    case Kind::string: case Kind::list: return load_pair(m, t, ptr);
    case Kind::record: case Kind::tuple: return load_fields(m, member_types(*t), ptr);
    case Kind::flags: {
      auto v = scalar(flags_size(t->labels.size()));
      if (!v) return unexpected(v.error());
      const std::uint64_t mask = t->labels.size() >= 32 ? 0xffffffffu : (1ull << t->labels.size()) - 1;
      return Value(Value::Flags{static_cast<std::uint32_t>(*v & mask)});
    }
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: return load_case(m, t, ptr);
  }
  return unexpected(std::string("unknown type"));
}

Expected<Ok, Err> store(GuestMemory& m, const TypeRef& t, const Value& v, std::uint32_t ptr) {
  switch (t->kind) {
    case Kind::bool_: {
      const auto* b = v.get<bool>();
      if (!b) return unexpected(type_mismatch(t));
      return write_uint(m, ptr, *b ? 1 : 0, 1);
    }
    case Kind::s8: case Kind::s16: case Kind::s32: case Kind::s64:
    case Kind::u8: case Kind::u16: case Kind::u32: case Kind::u64: {
      if (auto c = check_value(t, v); !c) return c;
      const std::uint64_t bits = v.get<std::int64_t>() ? static_cast<std::uint64_t>(*v.get<std::int64_t>())
                                                       : *v.get<std::uint64_t>();
      return write_uint(m, ptr, bits, abi_size(*t));
    }
    case Kind::f32: {
      const auto* f = v.get<float>();
      if (!f) return unexpected(type_mismatch(t));
      std::uint32_t bits;
      std::memcpy(&bits, f, 4);
      return write_uint(m, ptr, bits, 4);
    }
    case Kind::f64: {
      const auto* d = v.get<double>();
      if (!d) return unexpected(type_mismatch(t));
      std::uint64_t bits;
      std::memcpy(&bits, d, 8);
      return write_uint(m, ptr, bits, 8);
    }
    case Kind::char_: {
      if (auto c = check_value(t, v); !c) return c;
      return write_uint(m, ptr, *v.get<char32_t>(), 4);
    }
    case Kind::string: case Kind::list: {
      auto pair = lower_pair(m, t, v);
      if (!pair) return unexpected(pair.error());
      if (auto r = write_uint(m, ptr, pair->ptr, 4); !r) return r;
      return write_uint(m, ptr + 4, pair->len, 4);
    }
    case Kind::record: case Kind::tuple: {
      const auto* l = v.get<Value::List>();
      const auto types = member_types(*t);
      if (!l || l->size() != types.size()) return unexpected(type_mismatch(t));
      std::uint32_t offset = 0;
      for (std::size_t i = 0; i < types.size(); ++i) {
        offset = align_to(offset, abi_align(*types[i]));
        if (auto r = store(m, types[i], (*l)[i], ptr + offset); !r) return r;
        offset += abi_size(*types[i]);
      }
      return Ok{};
    }
    case Kind::flags: {
      if (auto c = check_value(t, v); !c) return c;
      return write_uint(m, ptr, v.get<Value::Flags>()->bits, flags_size(t->labels.size()));
    }
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: {
      const auto* c = v.get<Value::Case>();
      if (!c || c->index >= case_count_checked(*t)) return unexpected(type_mismatch(t));
      const TypeRef payload = case_payloads(*t)[c->index];
      if (payload && c->payload.size() != 1) return unexpected(type_mismatch(t));
      if (auto r = write_uint(m, ptr, c->index, discriminant_size(case_count(*t))); !r) return r;
      if (!payload) return Ok{};
      return store(m, payload, c->payload[0], ptr + variant_payload_offset(*t));
    }
  }
  return unexpected(std::string("unknown type"));
}

// ---------------------------------------------------------------- flat

namespace {

const char* core_name(const wasm::Value& v) {
  switch (v.index()) {
    case 0: return "i32";
    case 1: return "i64";
    case 2: return "f32";
    default: return "f64";
  }
}

// Reads flat values of a variant payload out of the joined slots, coercing them back
// to the payload's own flat types (CanonicalABI.md lift_flat_variant).
class FlatCursor {
 public:
  FlatCursor(std::span<const wasm::Value> flat, std::size_t& pos) : flat_(flat), pos_(pos) {}

  Expected<wasm::Value, Err> next(CoreType want) {
    if (pos_ >= flat_.size()) return unexpected(std::string("too few core values"));
    const wasm::Value& have = flat_[pos_++];
    const bool ok = (want == CoreType::i32 && std::holds_alternative<std::int32_t>(have)) ||
                    (want == CoreType::i64 && std::holds_alternative<std::int64_t>(have)) ||
                    (want == CoreType::f32 && std::holds_alternative<float>(have)) ||
                    (want == CoreType::f64 && std::holds_alternative<double>(have));
    if (!ok) return unexpected(std::string("core value is ") + core_name(have) + ", expected another type");
    return have;
  }

 private:
  std::span<const wasm::Value> flat_;
  std::size_t& pos_;
};

wasm::Value coerce_to(const wasm::Value& have, CoreType want) {
  // have is the joined type's value; want is the payload's flat type.
  switch (want) {
    case CoreType::i32:
      if (const auto* x = std::get_if<std::int64_t>(&have)) return static_cast<std::int32_t>(*x);
      return have;
    case CoreType::f32: {
      std::int32_t bits = 0;
      if (const auto* x = std::get_if<std::int32_t>(&have)) bits = *x;
      else if (const auto* y = std::get_if<std::int64_t>(&have)) bits = static_cast<std::int32_t>(*y);
      else return have;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case CoreType::f64:
      if (const auto* x = std::get_if<std::int64_t>(&have)) {
        double d;
        std::memcpy(&d, x, 8);
        return d;
      }
      return have;
    default: return have;
  }
}

wasm::Value coerce_from(const wasm::Value& have, CoreType joined) {
  // have is the payload's own flat value; joined is the slot's type.
  if (joined == CoreType::i32) {
    if (const auto* f = std::get_if<float>(&have)) {
      std::int32_t bits;
      std::memcpy(&bits, f, 4);
      return bits;
    }
    return have;
  }
  if (joined == CoreType::i64) {
    if (const auto* i = std::get_if<std::int32_t>(&have)) return static_cast<std::int64_t>(static_cast<std::uint32_t>(*i));
    if (const auto* f = std::get_if<float>(&have)) {
      std::uint32_t bits;
      std::memcpy(&bits, f, 4);
      return static_cast<std::int64_t>(bits);
    }
    if (const auto* d = std::get_if<double>(&have)) {
      std::int64_t bits;
      std::memcpy(&bits, d, 8);
      return bits;
    }
  }
  return have;
}

wasm::Value zero(CoreType t) {
  switch (t) {
    case CoreType::i32: return std::int32_t{0};
    case CoreType::i64: return std::int64_t{0};
    case CoreType::f32: return 0.0f;
    default: return 0.0;
  }
}

Expected<std::uint32_t, Err> next_i32(FlatCursor& c) {
  auto v = c.next(CoreType::i32);
  if (!v) return unexpected(v.error());
  return static_cast<std::uint32_t>(std::get<std::int32_t>(*v));
}

Expected<Value, Err> lift_case(const GuestMemory& m, const TypeRef& t, std::span<const wasm::Value> flat,
                               std::size_t& pos) {
  FlatCursor c(flat, pos);
  auto d = next_i32(c);
  if (!d) return unexpected(d.error());
  const auto joined = variant_join(*t);
  if (pos + joined.size() > flat.size()) return unexpected(std::string("too few core values"));
  const std::size_t start = pos;
  pos += joined.size();
  if (*d >= case_count(*t))
    return unexpected("discriminant " + std::to_string(*d) + " of " + to_wit(t) + " is out of range");
  const TypeRef payload = case_payloads(*t)[*d];
  if (!payload) return Value::of_case(*d);
  const auto want = flatten(*payload);
  CoreValues coerced;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const wasm::Value& slot = flat[start + i];
    const bool slot_ok = (joined[i] == CoreType::i32 && std::holds_alternative<std::int32_t>(slot)) ||
                         (joined[i] == CoreType::i64 && std::holds_alternative<std::int64_t>(slot)) ||
                         (joined[i] == CoreType::f32 && std::holds_alternative<float>(slot)) ||
                         (joined[i] == CoreType::f64 && std::holds_alternative<double>(slot));
    if (!slot_ok) return unexpected(std::string("core value of the wrong type in a variant"));
    coerced.push_back(coerce_to(slot, want[i]));
  }
  std::size_t inner = 0;
  auto v = lift_flat(m, payload, coerced, inner);
  if (!v) return v;
  return Value::of_case(*d, std::move(*v));
}

}  // namespace

Expected<Value, Err> lift_flat(const GuestMemory& m, const TypeRef& t, std::span<const wasm::Value> flat,
                               std::size_t& pos) {
  FlatCursor c(flat, pos);
  switch (t->kind) {
    case Kind::bool_: {
      auto v = next_i32(c);
      if (!v) return unexpected(v.error());
      return Value(*v != 0);
    }
    case Kind::s8: case Kind::s16: case Kind::s32: {
      auto v = next_i32(c);
      if (!v) return unexpected(v.error());
      const int shift = 64 - 8 * static_cast<int>(abi_size(*t));
      return Value(static_cast<std::int64_t>(static_cast<std::uint64_t>(*v) << shift) >> shift);
    }
    case Kind::u8: case Kind::u16: case Kind::u32: {
      auto v = next_i32(c);
      if (!v) return unexpected(v.error());
      const std::uint32_t size = abi_size(*t);
      const std::uint64_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
      return Value(static_cast<std::uint64_t>(*v & mask));
    }
    case Kind::s64: case Kind::u64: {
      auto v = c.next(CoreType::i64);
      if (!v) return unexpected(v.error());
      const auto x = std::get<std::int64_t>(*v);
      return t->kind == Kind::s64 ? Value(x) : Value(static_cast<std::uint64_t>(x));
    }
    case Kind::f32: {
      auto v = c.next(CoreType::f32);
      if (!v) return unexpected(v.error());
      return Value(std::get<float>(*v));
    }
    case Kind::f64: {
      auto v = c.next(CoreType::f64);
      if (!v) return unexpected(v.error());
      return Value(std::get<double>(*v));
    }
    case Kind::char_: {
      auto v = next_i32(c);
      if (!v) return unexpected(v.error());
      if (!valid_char(*v)) return unexpected("char " + hex(*v) + " is not a Unicode scalar value");
      return Value(static_cast<char32_t>(*v));
    }
    case Kind::string:
    case Kind::list: {
      auto p = next_i32(c);
      if (!p) return unexpected(p.error());
      auto n = next_i32(c);
      if (!n) return unexpected(n.error());
      return t->kind == Kind::string ? lift_string(m, *p, *n) : lift_list(m, t, *p, *n);
    }
    case Kind::record: case Kind::tuple: {
      Value::List out;
      for (const auto& mt : member_types(*t)) {
        auto v = lift_flat(m, mt, flat, pos);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return Value(std::move(out));
    }
    case Kind::flags: {
      auto v = next_i32(c);
      if (!v) return unexpected(v.error());
      const std::uint64_t mask = t->labels.size() >= 32 ? 0xffffffffu : (1ull << t->labels.size()) - 1;
      return Value(Value::Flags{static_cast<std::uint32_t>(*v & mask)});
    }
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: return lift_case(m, t, flat, pos);
  }
  return unexpected(std::string("unknown type"));
}

Expected<Ok, Err> lower_flat(GuestMemory& m, const TypeRef& t, const Value& v, CoreValues& out) {
  switch (t->kind) {
    case Kind::bool_: {
      const auto* b = v.get<bool>();
      if (!b) return unexpected(type_mismatch(t));
      out.emplace_back(std::int32_t{*b ? 1 : 0});
      return Ok{};
    }
    case Kind::s8: case Kind::s16: case Kind::s32: case Kind::u8: case Kind::u16: case Kind::u32:
    case Kind::s64: case Kind::u64: {
      if (auto c = check_value(t, v); !c) return c;
      const std::uint64_t bits = v.get<std::int64_t>() ? static_cast<std::uint64_t>(*v.get<std::int64_t>())
                                                       : *v.get<std::uint64_t>();
      if (t->kind == Kind::s64 || t->kind == Kind::u64)
        out.emplace_back(static_cast<std::int64_t>(bits));
      else
        out.emplace_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(bits)));
      return Ok{};
    }
    case Kind::f32: {
      const auto* f = v.get<float>();
      if (!f) return unexpected(type_mismatch(t));
      out.emplace_back(*f);
      return Ok{};
    }
    case Kind::f64: {
      const auto* d = v.get<double>();
      if (!d) return unexpected(type_mismatch(t));
      out.emplace_back(*d);
      return Ok{};
    }
    case Kind::char_: {
      if (auto c = check_value(t, v); !c) return c;
      out.emplace_back(static_cast<std::int32_t>(*v.get<char32_t>()));
      return Ok{};
    }
    case Kind::string: case Kind::list: {
      auto pair = lower_pair(m, t, v);
      if (!pair) return unexpected(pair.error());
      out.emplace_back(static_cast<std::int32_t>(pair->ptr));
      out.emplace_back(static_cast<std::int32_t>(pair->len));
      return Ok{};
    }
    case Kind::record: case Kind::tuple: {
      const auto* l = v.get<Value::List>();
      const auto types = member_types(*t);
      if (!l || l->size() != types.size()) return unexpected(type_mismatch(t));
      for (std::size_t i = 0; i < types.size(); ++i)
        if (auto r = lower_flat(m, types[i], (*l)[i], out); !r) return r;
      return Ok{};
    }
    case Kind::flags: {
      if (auto c = check_value(t, v); !c) return c;
      out.emplace_back(static_cast<std::int32_t>(v.get<Value::Flags>()->bits));
      return Ok{};
    }
    case Kind::variant: case Kind::enum_: case Kind::option: case Kind::result: {
      const auto* c = v.get<Value::Case>();
      if (!c || c->index >= case_count_checked(*t)) return unexpected(type_mismatch(t));
      const TypeRef payload = case_payloads(*t)[c->index];
      if (payload && c->payload.size() != 1) return unexpected(type_mismatch(t));
      out.emplace_back(static_cast<std::int32_t>(c->index));
      const auto joined = variant_join(*t);
      CoreValues inner;
      if (payload)
        if (auto r = lower_flat(m, payload, c->payload[0], inner); !r) return r;
      for (std::size_t i = 0; i < joined.size(); ++i)
        out.push_back(i < inner.size() ? coerce_from(inner[i], joined[i]) : zero(joined[i]));
      return Ok{};
    }
  }
  return unexpected(std::string("unknown type"));
}

// ---------------------------------------------------------------- signatures

wasm::ValueType core_value_type(CoreType t) {
  switch (t) {
    case CoreType::i32: return wasm::ValueType::i32;
    case CoreType::i64: return wasm::ValueType::i64;
    case CoreType::f32: return wasm::ValueType::f32;
    default: return wasm::ValueType::f64;
  }
}

wasm::FuncType core_signature(const FuncType& func, bool lift) {
  wasm::FuncType out;
  auto params = flat_params(func);
  auto results = flat_results(func);
  if (params.size() > max_flat_params) params = {CoreType::i32};
  for (auto p : params) out.params.push_back(core_value_type(p));
  if (results.size() > max_flat_results) {
    if (lift)
      out.results.push_back(wasm::ValueType::i32);
    else
      out.params.push_back(wasm::ValueType::i32);
  } else {
    for (auto r : results) out.results.push_back(core_value_type(r));
  }
  return out;
}

Expected<CoreValues, Err> lower_params(GuestMemory& m, const FuncType& func, std::span<const Value> args) {
  if (args.size() != func.params.size())
    return unexpected("expected " + std::to_string(func.params.size()) + " arguments, got " + std::to_string(args.size()));
  for (std::size_t i = 0; i < args.size(); ++i)
    if (auto c = check_value(func.params[i].type, args[i]); !c)
      return unexpected("argument " + func.params[i].name + ": " + c.error());
  CoreValues out;
  if (flat_params(func).size() <= max_flat_params) {
    for (std::size_t i = 0; i < args.size(); ++i)
      if (auto r = lower_flat(m, func.params[i].type, args[i], out); !r) return unexpected(r.error());
    return out;
  }
  const TypeRef tuple = params_tuple(func);
  auto p = allocate(m, abi_align(*tuple), abi_size(*tuple));
  if (!p) return unexpected(p.error());
  if (auto r = store(m, tuple, Value(Value::List(args.begin(), args.end())), *p); !r) return unexpected(r.error());
  out.emplace_back(static_cast<std::int32_t>(*p));
  return out;
}

Expected<std::optional<Value>, Err> lift_results(const GuestMemory& m, const FuncType& func,
                                                 std::span<const wasm::Value> core) {
  if (!func.result) return std::optional<Value>();
  if (flat_results(func).size() <= max_flat_results) {
    std::size_t pos = 0;
    auto v = lift_flat(m, func.result, core, pos);
    if (!v) return unexpected("result: " + v.error());
    return std::optional<Value>(std::move(*v));
  }
  if (core.size() != 1 || !std::holds_alternative<std::int32_t>(core[0]))
    return unexpected(std::string("expected one i32 result pointer"));
  const auto ptr = static_cast<std::uint32_t>(std::get<std::int32_t>(core[0]));
  auto v = load(m, func.result, ptr);
  if (!v) return unexpected("result: " + v.error());
  return std::optional<Value>(std::move(*v));
}

Expected<std::vector<Value>, Err> lift_params(const GuestMemory& m, const FuncType& func,
                                              std::span<const wasm::Value> core) {
  std::vector<Value> out;
  if (flat_params(func).size() <= max_flat_params) {
    std::size_t pos = 0;
    for (const auto& p : func.params) {
      auto v = lift_flat(m, p.type, core, pos);
      if (!v) return unexpected("argument " + p.name + ": " + v.error());
      out.push_back(std::move(*v));
    }
    return out;
  }
  if (core.empty() || !std::holds_alternative<std::int32_t>(core[0]))
    return unexpected(std::string("expected an i32 parameter pointer"));
  auto v = load(m, params_tuple(func), static_cast<std::uint32_t>(std::get<std::int32_t>(core[0])));
  if (!v) return unexpected("arguments: " + v.error());
  return std::move(*v->get<Value::List>());
}

Expected<Ok, Err> lower_results(GuestMemory& m, const FuncType& func, const std::optional<Value>& result,
                                std::span<const wasm::Value> core_args, std::span<wasm::Value> core_results) {
  if (!func.result) return Ok{};
  if (!result) return unexpected("the host function returned no value for " + to_wit(func.result));
  if (auto c = check_value(func.result, *result); !c) return unexpected("result: " + c.error());
  if (flat_results(func).size() <= max_flat_results) {
    CoreValues flat;
    if (auto r = lower_flat(m, func.result, *result, flat); !r) return r;
    if (flat.size() != core_results.size()) return unexpected(std::string("result arity mismatch"));
    std::copy(flat.begin(), flat.end(), core_results.begin());
    return Ok{};
  }
  if (core_args.empty() || !std::holds_alternative<std::int32_t>(core_args.back()))
    return unexpected(std::string("expected an i32 result pointer as last argument"));
  const auto ptr = static_cast<std::uint32_t>(std::get<std::int32_t>(core_args.back()));
  if (ptr % abi_align(*func.result) != 0) return unexpected("result pointer " + hex(ptr) + " is misaligned");
  if (static_cast<std::uint64_t>(ptr) + abi_size(*func.result) > m.size())
    return unexpected("result pointer " + hex(ptr) + " is outside linear memory");
  return store(m, func.result, *result, ptr);
}

// ---------------------------------------------------------------- VectorMemory

bool VectorMemory::read(std::uint64_t offset, std::span<std::uint8_t> out) const {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) return false;
  std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return true;
}

bool VectorMemory::write(std::uint64_t offset, std::span<const std::uint8_t> in) {
  if (offset > bytes_.size() || in.size() > bytes_.size() - offset) return false;
  std::memcpy(bytes_.data() + offset, in.data(), in.size());
  return true;
}

Expected<std::uint32_t, std::string> VectorMemory::realloc(std::uint32_t, std::uint32_t, std::uint32_t align,
                                                           std::uint32_t new_size) {
  const std::uint32_t p = align_to(next_, align);
  if (static_cast<std::uint64_t>(p) + new_size > bytes_.size()) return unexpected(std::string("out of memory"));
  next_ = p + new_size;
  ++allocations_;
  return p;
}

}  // namespace sensorhost::component
