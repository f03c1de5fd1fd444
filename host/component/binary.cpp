#include "component/binary.hpp"

#include <cstdio>

namespace sensorhost::component {

std::string ParseError::to_string() const {
  char at[32];
  std::snprintf(at, sizeof at, ":0x%zx: ", offset);
  return source + at + reason;
}

std::string to_string(Sort s) {
  static const char* const names[] = {"core func", "core table", "core memory", "core global",
                                      "core type", "core module", "core instance", "func",
                                      "value",     "type",        "component",     "instance"};
  return names[static_cast<std::size_t>(s)];
}

namespace {

constexpr std::uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};

bool has_preamble(std::span<const std::uint8_t> b, std::uint8_t v0, std::uint8_t v1, std::uint8_t l0, std::uint8_t l1) {
  return b.size() >= 8 && std::equal(magic, magic + 4, b.begin()) && b[4] == v0 && b[5] == v1 && b[6] == l0 && b[7] == l1;
}

}  // namespace

bool is_component(std::span<const std::uint8_t> b) { return has_preamble(b, 0x0d, 0x00, 0x01, 0x00); }
bool is_core_module(std::span<const std::uint8_t> b) { return has_preamble(b, 0x01, 0x00, 0x00, 0x00); }

namespace {

// A cursor over one region of the file. Every read checks bounds; the first failure
// is kept (with its absolute offset) and later reads return zeros, so parsing code can
// read a whole construct and check `ok()` once.
class Reader {
 public:
  Reader(std::span<const std::uint8_t> bytes, std::size_t base) : b_(bytes), base_(base) {}

  bool ok() const { return error_.empty(); }
  bool at_end() const { return pos_ >= b_.size(); }
  std::size_t offset() const { return base_ + pos_; }
  const std::string& error() const { return error_; }
  std::size_t error_offset() const { return error_offset_; }

  bool fail(const std::string& what) {
    if (error_.empty()) {
      error_ = what;
      error_offset_ = offset();
    }
    pos_ = b_.size();
    return false;
  }

  std::uint8_t byte() {
    if (pos_ >= b_.size()) {
      fail("unexpected end of data");
      return 0;
    }
    return b_[pos_++];
  }
  std::uint8_t peek() const { return pos_ < b_.size() ? b_[pos_] : 0; }

  std::uint32_t u32() {
    std::uint64_t result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      std::uint8_t x = byte();
      result |= static_cast<std::uint64_t>(x & 0x7f) << shift;
      if (!(x & 0x80)) {
        if (result > 0xffffffffu) fail("integer too large for u32");
        return static_cast<std::uint32_t>(result);
      }
    }
    fail("malformed LEB128 integer");
    return 0;
  }

  std::int64_t s33() {
    std::int64_t result = 0;
    int shift = 0;
    std::uint8_t x = 0;
    do {
      x = byte();
      result |= static_cast<std::int64_t>(x & 0x7f) << shift;
      shift += 7;
    } while ((x & 0x80) && shift < 35 && ok());
    if (x & 0x80) fail("malformed s33 integer");
    if (shift < 64 && (x & 0x40)) result |= -(static_cast<std::int64_t>(1) << shift);
    return result;
  }

  std::string name() {
    const std::uint32_t n = u32();
    if (n > b_.size() - std::min(pos_, b_.size())) {
      fail("name of " + std::to_string(n) + " bytes runs past the end");
      return {};
    }
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (n > b_.size() - std::min(pos_, b_.size())) {
      fail("section of " + std::to_string(n) + " bytes runs past the end of the file");
      return {};
    }
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  std::span<const std::uint8_t> rest() {
    auto s = b_.subspan(std::min(pos_, b_.size()));
    pos_ = b_.size();
    return s;
  }

  template <class F>
  bool vec(F item) {
    const std::uint32_t n = u32();
    for (std::uint32_t i = 0; i < n && ok(); ++i) item();
    return ok();
  }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t base_;
  std::size_t pos_ = 0;
  std::string error_;
  std::size_t error_offset_ = 0;
};

class Parser {
 public:
  explicit Parser(Reader& r, int depth = 0) : r_(r), depth_(depth) {}

  // Nested components and nested instance/component types recurse; bound it.
  static constexpr int kMaxDepth = 32;

  std::shared_ptr<const ComponentAst> component() {
    auto ast = std::make_shared<ComponentAst>();
    while (!r_.at_end() && r_.ok()) {
      const std::size_t section_start = r_.offset();
      const std::uint8_t id = r_.byte();
      const std::uint32_t size = r_.u32();
      auto body = r_.bytes(size);
      if (!r_.ok()) break;
      Reader sr(body, r_.offset() - size);
      if (!section(id, sr, *ast)) {
        r_.fail(sr.error());
        error_offset_ = sr.error_offset() ? sr.error_offset() : section_start;
        return nullptr;
      }
      if (!sr.at_end() && id != 0) {
        sr.fail("section " + std::to_string(id) + " has " + std::to_string(size) + " bytes but its content ends earlier");
        r_.fail(sr.error());
        error_offset_ = sr.error_offset();
        return nullptr;
      }
    }
    if (!r_.ok()) {
      if (!error_offset_) error_offset_ = r_.error_offset();
      return nullptr;
    }
    return ast;
  }

  std::size_t error_offset() const { return error_offset_ ? error_offset_ : r_.error_offset(); }

 private:
  bool section(std::uint8_t id, Reader& r, ComponentAst& ast) {
    auto add = [&](Definition d, std::size_t at) { ast.items.push_back({std::move(d), at}); };
    switch (id) {
      case 0:  // custom: name section, producers; nothing we need
        return true;
      case 1: {  // core module: the whole section is the module
        const std::size_t at = r.offset();
        CoreModuleDef m;
        auto rest = r.rest();
        m.bytes.assign(rest.begin(), rest.end());
        if (!is_core_module(m.bytes)) return r.fail("core module section does not hold a core Wasm module");
        add(std::move(m), at);
        return true;
      }
      case 2:
        return r.vec([&] {
          const std::size_t at = r.offset();
          add(core_instance(r), at);
        });
      case 3:
        return r.vec([&] {
          const std::size_t at = r.offset();
          core_type(r);
          add(CoreTypeDef{}, at);
        });
      case 4: {  // nested component
        const std::size_t at = r.offset();
        auto rest = r.rest();
        if (!is_component(rest)) return r.fail("component section does not hold a component (bad preamble)");
        if (depth_ + 1 > kMaxDepth) return r.fail("components nested deeper than " + std::to_string(kMaxDepth));
        Reader nested(rest.subspan(8), at + 8);
        Parser p(nested, depth_ + 1);
        auto child = p.component();
        if (!child) {
          error_offset_ = p.error_offset();
          return r.fail(nested.error());
        }
        add(child, at);
        return true;
      }
      case 5:
        return r.vec([&] {
          const std::size_t at = r.offset();
          add(instance(r), at);
        });
      case 6:
        return r.vec([&] {
          const std::size_t at = r.offset();
          add(alias(r), at);
        });
      case 7:
        return r.vec([&] { add(type(r), r.offset()); });
      case 8:
        return r.vec([&] {
          const std::size_t at = r.offset();
          auto c = canon(r);
          if (c) add(*c, at);
        });
      case 9:
        return r.fail("component start functions are not supported");
      case 10:
        return r.vec([&] {
          const std::size_t at = r.offset();
          ImportDef d;
          d.name = extern_name(r);
          d.desc = extern_desc(r);
          add(std::move(d), at);
        });
      case 11:
        return r.vec([&] {
          const std::size_t at = r.offset();
          ExportDef d;
          d.name = extern_name(r);
          d.item = sort_idx(r);
          if (r.byte() == 0x01) d.desc = extern_desc(r);
          add(std::move(d), at);
        });
      case 12:
        return r.fail("component values (value section) are not supported");
      default:
        return r.fail("unknown section id " + std::to_string(id));
    }
  }

  Sort sort(Reader& r) {
    switch (r.byte()) {
      case 0x00: return core_sort(r);
      case 0x01: return Sort::func;
      case 0x02: r.fail("component values are not supported"); return Sort::value;
      case 0x03: return Sort::type;
      case 0x04: return Sort::component;
      case 0x05: return Sort::instance;
      default: r.fail("unknown sort"); return Sort::func;
    }
  }

  Sort core_sort(Reader& r) {
    switch (r.byte()) {
      case 0x00: return Sort::core_func;
      case 0x01: return Sort::core_table;
      case 0x02: return Sort::core_memory;
      case 0x03: return Sort::core_global;
      case 0x10: return Sort::core_type;
      case 0x11: return Sort::core_module;
      case 0x12: return Sort::core_instance;
      default: r.fail("unknown core sort"); return Sort::core_func;
    }
  }

  SortIdx sort_idx(Reader& r) {
    SortIdx s;
    s.sort = sort(r);
    s.index = r.u32();
    return s;
  }

  // importname'/exportname': 0x00 name, or 0x01 name + version suffix (kept as part of the name).
  std::string extern_name(Reader& r) {
    const std::uint8_t tag = r.byte();
    if (tag != 0x00 && tag != 0x01) {
      r.fail("unknown import/export name form 0x" + hex(tag));
      return {};
    }
    std::string n = r.name();
    if (tag == 0x01) n += r.name();
    return n;
  }

  ExternDesc extern_desc(Reader& r) {
    ExternDesc d;
    switch (r.byte()) {
      case 0x00:
        if (r.byte() != 0x11) r.fail("expected core module type (0x11) in extern descriptor");
        d.kind = ExternDesc::core_module;
        d.index = r.u32();
        break;
      case 0x01: d.kind = ExternDesc::func; d.index = r.u32(); break;
      case 0x02: r.fail("component value imports/exports are not supported"); break;
      case 0x03:
        if (r.byte() == 0x00) {
          d.kind = ExternDesc::type_eq;
          d.index = r.u32();
        } else {
          r.fail("resource types (sub resource) are not supported");
        }
        break;
      case 0x04: d.kind = ExternDesc::component; d.index = r.u32(); break;
      case 0x05: d.kind = ExternDesc::instance; d.index = r.u32(); break;
      default: r.fail("unknown extern descriptor");
    }
    return d;
  }

  CoreInstanceDef core_instance(Reader& r) {
    CoreInstanceDef d;
    switch (r.byte()) {
      case 0x00:
        d.instantiate = true;
        d.module = r.u32();
        r.vec([&] {
          std::string n = r.name();
          if (r.byte() != 0x12) r.fail("core instantiate argument must be a core instance (0x12)");
          d.args.emplace_back(std::move(n), r.u32());
        });
        break;
      case 0x01:
        d.instantiate = false;
        r.vec([&] {
          std::string n = r.name();
          SortIdx s;
          s.sort = core_sort(r);
          s.index = r.u32();
          d.exports.emplace_back(std::move(n), s);
        });
        break;
      default: r.fail("unknown core instance form");
    }
    return d;
  }

  InstanceDef instance(Reader& r) {
    InstanceDef d;
    switch (r.byte()) {
      case 0x00:
        d.instantiate = true;
        d.component = r.u32();
        r.vec([&] {
          std::string n = r.name();
          d.args.emplace_back(std::move(n), sort_idx(r));
        });
        break;
      case 0x01:
        d.instantiate = false;
        r.vec([&] {
          std::string n = extern_name(r);
          d.exports.emplace_back(std::move(n), sort_idx(r));
        });
        break;
      default: r.fail("unknown instance form");
    }
    return d;
  }

  Alias alias(Reader& r) {
    Alias a;
    a.sort = sort(r);
    switch (r.byte()) {
      case 0x00:
        a.target = Alias::export_;
        a.instance = r.u32();
        a.name = r.name();
        break;
      case 0x01:
        a.target = Alias::core_export;
        a.instance = r.u32();
        a.name = r.name();
        break;
      case 0x02:
        a.target = Alias::outer;
        a.count = r.u32();
        a.index = r.u32();
        break;
      default: r.fail("unknown alias target");
    }
    return a;
  }

  // ---- core types: checked for shape, not kept
  void core_valtype(Reader& r) {
    const std::uint8_t t = r.byte();
    if (t != 0x7f && t != 0x7e && t != 0x7d && t != 0x7c && t != 0x7b && t != 0x70 && t != 0x6f)
      r.fail("unsupported core value type 0x" + hex(t));
  }
  void limits(Reader& r) {
    const std::uint8_t flags = r.byte();
    r.u32();
    if (flags & 1) r.u32();
  }
  void core_import_desc(Reader& r) {
    switch (r.byte()) {
      case 0x00: r.u32(); break;
      case 0x01: r.byte(); limits(r); break;
      case 0x02: limits(r); break;
      case 0x03: core_valtype(r); r.byte(); break;
      default: r.fail("unknown core import descriptor");
    }
  }
  void core_type(Reader& r) {
    const std::uint8_t form = r.byte();
    if (form == 0x60) {
      r.vec([&] { core_valtype(r); });
      r.vec([&] { core_valtype(r); });
    } else if (form == 0x50) {
      r.vec([&] {
        switch (r.byte()) {
          case 0x00: r.name(); r.name(); core_import_desc(r); break;
          case 0x01: core_type(r); break;
          case 0x02:
            if (core_sort(r) != Sort::core_type || r.byte() != 0x01) r.fail("module type alias must be an outer core type");
            r.u32();
            r.u32();
            break;
          case 0x03: r.name(); core_import_desc(r); break;
          default: r.fail("unknown module type declaration");
        }
      });
    } else {
      r.fail("unsupported core type form 0x" + hex(form) + " (GC types are not supported)");
    }
  }

  // ---- component types
  ValTypeRef valtype(Reader& r) {
    ValTypeRef v;
    const std::int64_t x = r.s33();
    if (x >= 0) {
      v.is_primitive = false;
      v.index = static_cast<std::uint32_t>(x);
      return v;
    }
    const std::uint8_t code = static_cast<std::uint8_t>(x & 0x7f);
    if (code < 0x73 || code > 0x7f) {
      r.fail("unknown value type code 0x" + hex(code));
      return v;
    }
    v.primitive = primitive_kind(code);
    return v;
  }

  static Kind primitive_kind(std::uint8_t code) {
    // 0x7f bool ... 0x73 string, in Kind's order.
    return static_cast<Kind>(0x7f - code);
  }

  std::optional<ValTypeRef> optional_valtype(Reader& r) {
    switch (r.byte()) {
      case 0x00: return std::nullopt;
      case 0x01: return valtype(r);
      default: r.fail("malformed optional value type"); return std::nullopt;
    }
  }

  std::vector<std::string> labels(Reader& r) {
    std::vector<std::string> out;
    r.vec([&] { out.push_back(r.name()); });
    return out;
  }

  TypeDef type(Reader& r) {
    TypeDef t;
    t.offset = r.offset();
    const std::uint8_t code = r.byte();
    if (code >= 0x73 && code <= 0x7f) {
      DefValType d;
      d.kind = primitive_kind(code);
      // A primitive as a defined type: represented as a one-item alias.
      d.first = ValTypeRef{true, d.kind, 0};
      t.def = d;
      return t;
    }
    DefValType d;
    switch (code) {
      case 0x72:
        d.kind = Kind::record;
        r.vec([&] {
          std::string n = r.name();
          d.members.emplace_back(std::move(n), valtype(r));
        });
        t.def = d;
        return t;
      case 0x71:
        d.kind = Kind::variant;
        r.vec([&] {
          std::string n = r.name();
          auto payload = optional_valtype(r);
          if (r.byte() != 0x00) r.fail("variant case refinements are not supported");
          d.members.emplace_back(std::move(n), payload);
        });
        t.def = d;
        return t;
      case 0x70:
        d.kind = Kind::list;
        d.first = valtype(r);
        t.def = d;
        return t;
      case 0x67:
        r.fail("fixed-size lists are not supported");
        return t;
      case 0x6f:
        d.kind = Kind::tuple;
        r.vec([&] { d.items.push_back(valtype(r)); });
        t.def = d;
        return t;
      case 0x6e:
        d.kind = Kind::flags;
        d.labels = labels(r);
        if (d.labels.size() > 32) r.fail("flags with more than 32 labels are not supported");
        t.def = d;
        return t;
      case 0x6d:
        d.kind = Kind::enum_;
        d.labels = labels(r);
        t.def = d;
        return t;
      case 0x6b:
        d.kind = Kind::option;
        d.first = valtype(r);
        t.def = d;
        return t;
      case 0x6a:
        d.kind = Kind::result;
        d.first = optional_valtype(r);
        d.second = optional_valtype(r);
        t.def = d;
        return t;
      case 0x69: case 0x68: r.fail("resource handles (own/borrow) are not supported"); return t;
      case 0x66: r.fail("streams are not supported"); return t;
      case 0x65: r.fail("futures are not supported"); return t;
      case 0x64: r.fail("error-context is not supported"); return t;
      case 0x40: {
        FuncTypeDef f;
        r.vec([&] {
          std::string n = r.name();
          f.params.emplace_back(std::move(n), valtype(r));
        });
        switch (r.byte()) {
          case 0x00: f.result = valtype(r); break;
          case 0x01:
            if (r.u32() != 0) r.fail("named function results are not supported");
            break;
          default: r.fail("malformed function result list");
        }
        t.def = f;
        return t;
      }
      case 0x43: r.fail("async functions are not supported"); return t;
      case 0x41:
      case 0x42:
        if (depth_ + 1 > kMaxDepth) {
          r.fail("types nested deeper than " + std::to_string(kMaxDepth));
          return t;
        }
        ++depth_;
        t = nested_type(r, code);
        --depth_;
        return t;
      case 0x3f: r.fail("resources are not supported"); return t;
      default: r.fail("unknown type form 0x" + hex(code)); return t;
    }
  }

  TypeDef nested_type(Reader& r, std::uint8_t code) {
    TypeDef t;
    t.offset = r.offset();
    switch (code) {
      case 0x41: {
        ComponentTypeDef c;
        r.vec([&] { c.decls.push_back(decl(r, true)); });
        t.def = c;
        return t;
      }
      case 0x42: {
        InstanceTypeDef i;
        r.vec([&] { i.decls.push_back(decl(r, false)); });
        t.def = i;
        return t;
      }
    }
    return t;
  }

  Decl decl(Reader& r, bool component_type) {
    Decl d;
    const std::uint8_t tag = r.byte();
    switch (tag) {
      case 0x00: d.kind = Decl::core_type_decl; core_type(r); break;
      case 0x01: d.kind = Decl::type_decl; d.type = std::make_shared<const TypeDef>(type(r)); break;
      case 0x02: d.kind = Decl::alias_decl; d.alias = alias(r); break;
      case 0x03:
        if (!component_type) r.fail("import declaration inside an instance type");
        d.kind = Decl::import_decl;
        d.name = extern_name(r);
        d.desc = extern_desc(r);
        break;
      case 0x04:
        d.kind = Decl::export_decl;
        d.name = extern_name(r);
        d.desc = extern_desc(r);
        break;
      default: r.fail("unknown type declaration 0x" + hex(tag));
    }
    return d;
  }

  std::optional<Canon> canon(Reader& r) {
    Canon c;
    const std::uint8_t code = r.byte();
    switch (code) {
      case 0x00:
        if (r.byte() != 0x00) r.fail("malformed canon lift");
        c.kind = Canon::lift;
        c.func = r.u32();
        c.opts = opts(r);
        c.type = r.u32();
        return c;
      case 0x01:
        if (r.byte() != 0x00) r.fail("malformed canon lower");
        c.kind = Canon::lower;
        c.func = r.u32();
        c.opts = opts(r);
        return c;
      case 0x02: case 0x03: case 0x04: case 0x07:
        r.fail("resource built-ins (resource.new/drop/rep) are not supported");
        return std::nullopt;
      case 0x05: case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x0e: case 0x0f:
      case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17: case 0x18:
      case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20: case 0x21:
      case 0x22: case 0x23: case 0x24: case 0x25: case 0x26:
        r.fail("async built-ins (tasks, streams, futures, waitables) are not supported (canon 0x" + hex(code) + ")");
        return std::nullopt;
      case 0x06: case 0x40: case 0x41: case 0x42:
        r.fail("threads built-ins are not supported (canon 0x" + hex(code) + ")");
        return std::nullopt;
      default:
        r.fail("unknown canon function 0x" + hex(code));
        return std::nullopt;
    }
  }

  CanonOpts opts(Reader& r) {
    CanonOpts o;
    r.vec([&] {
      const std::uint8_t tag = r.byte();
      switch (tag) {
        case 0x00: break;  // string-encoding=utf8
        case 0x01: r.fail("string-encoding=utf16 is not supported"); break;
        case 0x02: r.fail("string-encoding=latin1+utf16 is not supported"); break;
        case 0x03: o.memory = r.u32(); break;
        case 0x04: o.realloc = r.u32(); break;
        case 0x05: o.post_return = r.u32(); break;
        case 0x06: r.fail("async lifting/lowering is not supported"); break;
        case 0x07: r.fail("async callbacks are not supported"); break;
        default: r.fail("unknown canonical option 0x" + hex(tag));
      }
    });
    return o;
  }

  static std::string hex(unsigned v) {
    char b[8];
    std::snprintf(b, sizeof b, "%02x", v);
    return b;
  }

  Reader& r_;
  int depth_ = 0;
  std::size_t error_offset_ = 0;
};

}  // namespace

Expected<std::shared_ptr<const ComponentAst>, ParseError> parse_component(std::span<const std::uint8_t> bytes,
                                                                          const std::string& source) {
  if (is_core_module(bytes))
    return unexpected(ParseError{source, 0, "this is a core Wasm module, not a component (build it with jco new)"});
  if (bytes.size() < 8 || !std::equal(magic, magic + 4, bytes.begin()))
    return unexpected(ParseError{source, 0, "not a WebAssembly file (bad magic number)"});
  if (!is_component(bytes))
    return unexpected(ParseError{source, 4, "unsupported component binary version/layer"});
  Reader r(bytes.subspan(8), 8);
  Parser p(r);
  auto ast = p.component();
  if (!ast) return unexpected(ParseError{source, p.error_offset(), r.error()});
  return ast;
}

}  // namespace sensorhost::component
