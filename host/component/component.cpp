#include "component/component.hpp"

#include <algorithm>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>

#include "component/abi.hpp"

namespace sensorhost::component {

// ==================================================================== Linker

void Linker::define(const std::string& iface, const std::string& func, FuncType type, HostFn fn) {
  funcs_[iface][func] = HostFunction{std::move(type), std::move(fn)};
}

Expected<Ok, std::string> Linker::define(const std::string& iface, const std::string& func,
                                         std::string_view wit_signature, HostFn fn, const WitInterface* scope) {
  auto type = parse_func_type(wit_signature, scope);
  if (!type) return unexpected(iface + "#" + func + ": " + type.error());
  define(iface, func, std::move(*type), std::move(fn));
  return Ok{};
}

const HostFunction* Linker::find(const std::string& iface, const std::string& func) const {
  auto i = funcs_.find(iface);
  if (i == funcs_.end()) return nullptr;
  auto f = i->second.find(func);
  return f == i->second.end() ? nullptr : &f->second;
}

bool Linker::has_interface(const std::string& iface) const { return funcs_.count(iface) != 0; }

std::vector<std::string> Linker::interfaces() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : funcs_) out.push_back(k);
  return out;
}

void define_echo_stubs(Linker& linker, const Component& component, std::function<void(const std::string&)> on_call) {
  auto stub = [&](const std::string& iface, const std::string& name, const FuncType& type) {
    if (linker.find(iface, name)) return;
    const std::string full = iface.empty() ? name : iface + "#" + name;
    linker.define(iface, name, type,
                  [type, full, on_call](std::span<const Value> args) -> Expected<std::optional<Value>, std::string> {
                    if (on_call) on_call(full);
                    if (!type.result) return std::optional<Value>();
                    if (!type.params.empty() && same_type(type.params[0].type, type.result))
                      return std::optional<Value>(args[0]);
                    if (type.result->kind == Kind::string) {
                      nlohmann::json j = nlohmann::json::array();
                      for (std::size_t i = 0; i < args.size(); ++i) j.push_back(to_json(type.params[i].type, args[i]));
                      return std::optional<Value>(Value(j.dump()));
                    }
                    return unexpected("echo stub for " + full + " cannot make a " + to_wit(type.result));
                  });
  };
  for (const auto& [name, t] : component.world().imports) {
    if (const auto* f = std::get_if<FuncType>(&t)) stub("", name, *f);
    if (const auto* i = std::get_if<std::shared_ptr<const InterfaceType>>(&t))
      for (const auto& [fname, ft] : (*i)->exports)
        if (const auto* f = std::get_if<FuncType>(&ft)) stub(name, fname, *f);
  }
}

// ==================================================================== runtime pieces

struct Func {
  FuncType type;
  enum class Kind { none, host, lifted } kind = Kind::none;  // none: type only (static walk)
  HostFn host;
  // lifted
  wasm::Extern core;
  std::optional<wasm::Extern> memory, realloc, post_return;
  Instance::State* owner = nullptr;
};
using FuncRef = std::shared_ptr<const Func>;

const FuncType& ExportFunc::type() const { return func->type; }

namespace {

wasm::Trap abi_trap(const std::string& message) { return wasm::Trap{wasm::TrapKind::other, "canonical ABI: " + message, {}}; }

}  // namespace

// ==================================================================== the walk

struct CompInstance;
struct ComponentDefItem;
using InstanceRef = std::shared_ptr<const CompInstance>;

struct CoreInst {
  std::optional<wasm::Instance> instance;                                 // instantiated module
  std::map<std::string, std::pair<Sort, wasm::Extern>, std::less<>> exports;  // inline exports
};

struct Scope;
struct ComponentDefItem {
  const ComponentAst* ast = nullptr;
  Scope* parent = nullptr;  // where it was defined (outer aliases)
};

struct ComponentTypeInfo {
  std::vector<std::pair<std::string, ExternType>> imports, exports;
};
using TypeItem = std::variant<TypeRef, FuncType, std::shared_ptr<const InterfaceType>,
                              std::shared_ptr<const ComponentTypeInfo>>;

struct ItemBox {
  std::variant<FuncRef, TypeRef, InstanceRef, ComponentDefItem, const CoreModuleDef*> item;
};

struct CompInstance {
  std::vector<std::pair<std::string, ItemBox>> exports;
  const ItemBox* find(std::string_view name) const {
    for (const auto& [n, v] : exports)
      if (n == name) return &v;
    return nullptr;
  }
};

struct Instance::State {
  bool entered = false;  // the Component Model forbids re-entering an instance
  bool in_abi_call = false;  // cabi_realloc or post-return running: imports forbidden
  std::optional<wasm::Extern> main_memory;
  std::vector<std::pair<std::string, ItemBox>> exports;  // the top level's
};

namespace {

// Runs guest code (cabi_realloc, post-return) during which the Canonical ABI forbids
// calling imports; the lowered imports check the flag.
template <class F>
auto forbidding_imports(Instance::State* state, F run) {
  if (!state) return run();
  const bool before = state->in_abi_call;
  state->in_abi_call = true;
  auto result = run();
  state->in_abi_call = before;
  return result;
}

// Memory and allocator of one canon lift/lower, through the engine's checked API.
class StoreMemory : public GuestMemory {
 public:
  StoreMemory(wasm::Store& store, std::optional<wasm::Extern> memory, std::optional<wasm::Extern> realloc,
              Instance::State* state)
      : store_(store), memory_(memory), realloc_(realloc), state_(state) {}

  // Set when the guest's cabi_realloc trapped: that trap, not an ABI error, is the cause.
  std::optional<wasm::Trap> trap;
  std::uint64_t size() const override { return memory_ ? store_.memory_size(*memory_) : 0; }
  bool read(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    if (out.empty()) return offset <= size();
    return memory_ && store_.memory_read(*memory_, offset, out);
  }
  bool write(std::uint64_t offset, std::span<const std::uint8_t> in) override {
    if (in.empty()) return offset <= size();
    return memory_ && store_.memory_write(*memory_, offset, in);
  }
  Expected<std::uint32_t, std::string> realloc(std::uint32_t old_ptr, std::uint32_t old_size, std::uint32_t align,
                                               std::uint32_t new_size) override {
    if (!realloc_) return unexpected(std::string("the component has no realloc option for this function"));
    const wasm::Value args[] = {static_cast<std::int32_t>(old_ptr), static_cast<std::int32_t>(old_size),
                                static_cast<std::int32_t>(align), static_cast<std::int32_t>(new_size)};
    wasm::Value result[1] = {std::int32_t{0}};
    auto r = forbidding_imports(state_, [&] { return store_.call_into(*realloc_, args, result); });
    if (!r) {
      trap = r.error();
      return unexpected("cabi_realloc trapped: " + r.error().to_string());
    }
    const auto* p = std::get_if<std::int32_t>(&result[0]);
    if (!p) return unexpected(std::string("cabi_realloc returned a non-i32"));
    return static_cast<std::uint32_t>(*p);
  }

 private:
  wasm::Store& store_;
  std::optional<wasm::Extern> memory_, realloc_;
  Instance::State* state_;
};

}  // namespace

struct Scope {
  Scope* parent = nullptr;
  const std::map<std::string, ItemBox, std::less<>>* args = nullptr;  // nested instantiation
  std::vector<wasm::Extern> core_funcs, core_tables, core_memories, core_globals;
  std::size_t core_types = 0;
  std::vector<const CoreModuleDef*> core_modules;
  std::vector<CoreInst> core_instances;
  std::vector<FuncRef> funcs;
  std::vector<TypeItem> types;
  std::vector<ComponentDefItem> components;
  std::vector<InstanceRef> instances;
  std::vector<std::pair<std::string, ItemBox>> exports;
};

namespace {

class Walker {
 public:
  // Static walk when `store` is null: types only.
  Walker(const Component& component, wasm::Store* store, const Linker* linker, Instance::State* state)
      : component_(component), store_(store), linker_(linker), state_(state) {}

  std::string error;
  std::optional<wasm::Trap> trap;
  std::size_t error_offset = 0;
  World world;

  bool run(const ComponentAst& ast, Scope& scope) {
    for (const auto& item : ast.items) {
      offset_ = item.offset;
      // Nested components may be instantiated many times each: bound the total work.
      if (++steps_ > kMaxSteps) {
        error_offset = item.offset;
        return fail("the component instantiates more than " + std::to_string(kMaxSteps) + " definitions");
      }
      if (!std::visit([&](const auto& d) { return step(scope, d); }, item.def)) {
        if (!error_offset) error_offset = item.offset;
        return false;
      }
    }
    return true;
  }

  Scope& new_scope() { return scopes_.emplace_back(); }
  bool top_level(const Scope& s) const { return s.parent == nullptr && s.args == nullptr; }

 private:
  bool runtime() const { return store_ != nullptr; }

  // Bounds on untrusted components (well above what jco/wit-component produce).
  static constexpr std::uint32_t kMaxTypeDepth = 100;
  static constexpr std::uint64_t kMaxTypeWeight = 100'000;
  static constexpr std::size_t kMaxSteps = 200'000;
  static constexpr std::size_t kMaxCoreInstances = 64;

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }

  template <class V>
  bool index_ok(const V& space, std::uint32_t i, const char* what) {
    if (i < space.size()) return true;
    return fail(std::string(what) + " index " + std::to_string(i) + " is out of range (" + std::to_string(space.size()) +
                " defined)");
  }

  // ---------------------------------------------------------------- types

  TypeRef valtype(Scope& s, const ValTypeRef& v) {
    if (v.is_primitive) return primitive(v.primitive);
    if (!index_ok(s.types, v.index, "type")) return nullptr;
    if (const auto* t = std::get_if<TypeRef>(&s.types[v.index])) return *t;
    fail("type " + std::to_string(v.index) + " is not a value type");
    return nullptr;
  }

  std::optional<TypeItem> deftype(Scope& s, const TypeDef& td) {
    if (const auto* d = std::get_if<DefValType>(&td.def)) {
      auto t = defvaltype(s, *d);
      if (!t) return std::nullopt;
      if (t->depth > kMaxTypeDepth || t->weight > kMaxTypeWeight) {
        fail("type is nested " + std::to_string(t->depth) + " deep with " + std::to_string(t->weight) +
             " parts; the host accepts at most " + std::to_string(kMaxTypeDepth) + " and " +
             std::to_string(kMaxTypeWeight));
        return std::nullopt;
      }
      if ((t->kind == Kind::tuple && t->items.empty()) || (t->kind == Kind::flags && t->labels.empty())) {
        fail("empty tuple and flags types are not supported");
        return std::nullopt;
      }
      return TypeItem(t);
    }
    if (const auto* f = std::get_if<FuncTypeDef>(&td.def)) {
      auto ft = functype(s, *f);
      if (!ft) return std::nullopt;
      return TypeItem(*ft);
    }
    if (const auto* i = std::get_if<InstanceTypeDef>(&td.def)) {
      auto it = instancetype(s, i->decls, nullptr);
      if (!it) return std::nullopt;
      return TypeItem(it);
    }
    const auto& c = std::get<ComponentTypeDef>(td.def);
    auto info = std::make_shared<ComponentTypeInfo>();
    auto it = instancetype(s, c.decls, info.get());
    if (!it) return std::nullopt;
    info->exports = it->exports;
    return TypeItem(std::shared_ptr<const ComponentTypeInfo>(info));
  }

  TypeRef defvaltype(Scope& s, const DefValType& d) {
    auto vt = [&](const std::optional<ValTypeRef>& r) -> std::pair<bool, TypeRef> {
      if (!r) return {true, nullptr};
      auto t = valtype(s, *r);
      return {t != nullptr, t};
    };
    switch (d.kind) {
      case Kind::record: {
        std::vector<Field> fields;
        for (const auto& [n, t] : d.members) {
          auto [ok, type] = vt(t);
          if (!ok) return nullptr;
          fields.push_back({n, type});
        }
        if (fields.empty()) fail("record type without fields");
        return fields.empty() ? nullptr : make_record(std::move(fields));
      }
      case Kind::variant: {
        std::vector<Case> cases;
        for (const auto& [n, t] : d.members) {
          auto [ok, type] = vt(t);
          if (!ok) return nullptr;
          cases.push_back({n, type});
        }
        if (cases.empty()) fail("variant type without cases");
        return cases.empty() ? nullptr : make_variant(std::move(cases));
      }
      case Kind::list: {
        auto [ok, t] = vt(d.first);
        return ok ? make_list(t) : nullptr;
      }
      case Kind::option: {
        auto [ok, t] = vt(d.first);
        return ok ? make_option(t) : nullptr;
      }
      case Kind::result: {
        auto [ok1, a] = vt(d.first);
        auto [ok2, b] = vt(d.second);
        return ok1 && ok2 ? make_result(a, b) : nullptr;
      }
      case Kind::tuple: {
        std::vector<TypeRef> items;
        for (const auto& r : d.items) {
          auto t = valtype(s, r);
          if (!t) return nullptr;
          items.push_back(t);
        }
        return make_tuple(std::move(items));
      }
      case Kind::enum_:
        if (d.labels.empty()) fail("enum type without cases");
        return d.labels.empty() ? nullptr : make_enum(d.labels);
      case Kind::flags: return make_flags(d.labels);
      default: return primitive(d.kind);
    }
  }

  std::optional<FuncType> functype(Scope& s, const FuncTypeDef& f) {
    FuncType out;
    for (const auto& [n, r] : f.params) {
      auto t = valtype(s, r);
      if (!t) return std::nullopt;
      out.params.push_back({n, t});
    }
    if (f.result) {
      out.result = valtype(s, *f.result);
      if (!out.result) return std::nullopt;
    }
    return out;
  }

  // Instance and component types: declarations with their own type space.
  std::shared_ptr<const InterfaceType> instancetype(Scope& outer, const std::vector<Decl>& decls,
                                                    ComponentTypeInfo* component) {
    Scope& local = new_scope();
    local.parent = &outer;
    local.args = &empty_args_;  // not top-level
    auto out = std::make_shared<InterfaceType>();
    for (const auto& d : decls) {
      switch (d.kind) {
        case Decl::core_type_decl: ++local.core_types; break;
        case Decl::type_decl: {
          auto t = deftype(local, *d.type);
          if (!t) return nullptr;
          local.types.push_back(std::move(*t));
          break;
        }
        case Decl::alias_decl:
          if (!alias(local, d.alias)) return nullptr;
          break;
        case Decl::export_decl:
        case Decl::import_decl: {
          auto et = extern_type(local, d.name, d.desc);
          if (!et) return nullptr;
          (d.kind == Decl::import_decl && component ? component->imports : out->exports).emplace_back(d.name, *et);
          break;
        }
      }
    }
    return out;
  }

  // The type an import/export declaration describes; type exports also join the
  // local type space under their name.
  std::optional<ExternType> extern_type(Scope& s, const std::string& name, const ExternDesc& d) {
    switch (d.kind) {
      case ExternDesc::func: {
        if (!index_ok(s.types, d.index, "type")) return std::nullopt;
        if (const auto* f = std::get_if<FuncType>(&s.types[d.index])) return ExternType(*f);
        fail("type " + std::to_string(d.index) + " of '" + name + "' is not a function type");
        return std::nullopt;
      }
      case ExternDesc::type_eq: {
        if (!index_ok(s.types, d.index, "type")) return std::nullopt;
        const auto* t = std::get_if<TypeRef>(&s.types[d.index]);
        if (!t) {
          fail("'" + name + "' must equal a value type");
          return std::nullopt;
        }
        TypeRef named = with_name(*t, name);
        s.types.push_back(named);
        return ExternType(named);
      }
      case ExternDesc::instance: {
        if (!index_ok(s.types, d.index, "type")) return std::nullopt;
        if (const auto* i = std::get_if<std::shared_ptr<const InterfaceType>>(&s.types[d.index])) return ExternType(*i);
        fail("type " + std::to_string(d.index) + " of '" + name + "' is not an instance type");
        return std::nullopt;
      }
      case ExternDesc::core_module:
      case ExternDesc::component:
        fail("importing or exporting " +
             std::string(d.kind == ExternDesc::component ? "components" : "core modules") + " ('" + name +
             "') is not supported");
        return std::nullopt;
      default:
        fail("'" + name + "': unsupported extern descriptor");
        return std::nullopt;
    }
  }

  // ---------------------------------------------------------------- items

  bool push(Scope& s, Sort sort, const ItemBox& box) {
    switch (sort) {
      case Sort::func:
        if (const auto* f = std::get_if<FuncRef>(&box.item)) {
          s.funcs.push_back(*f);
          return true;
        }
        break;
      case Sort::type:
        if (const auto* t = std::get_if<TypeRef>(&box.item)) {
          s.types.push_back(*t);
          return true;
        }
        break;
      case Sort::instance:
        if (const auto* i = std::get_if<InstanceRef>(&box.item)) {
          s.instances.push_back(*i);
          return true;
        }
        break;
      case Sort::component:
        if (const auto* c = std::get_if<ComponentDefItem>(&box.item)) {
          s.components.push_back(*c);
          return true;
        }
        break;
      case Sort::core_module:
        if (const auto* m = std::get_if<const CoreModuleDef*>(&box.item)) {
          s.core_modules.push_back(*m);
          return true;
        }
        break;
      default: break;
    }
    return fail("item is not a " + to_string(sort));
  }

  std::optional<ItemBox> get(Scope& s, SortIdx si) {
    switch (si.sort) {
      case Sort::func:
        if (!index_ok(s.funcs, si.index, "func")) return std::nullopt;
        return ItemBox{s.funcs[si.index]};
      case Sort::type:
        if (!index_ok(s.types, si.index, "type")) return std::nullopt;
        if (const auto* t = std::get_if<TypeRef>(&s.types[si.index])) return ItemBox{*t};
        fail("only value types can be passed or exported here (type " + std::to_string(si.index) + ")");
        return std::nullopt;
      case Sort::instance:
        if (!index_ok(s.instances, si.index, "instance")) return std::nullopt;
        return ItemBox{s.instances[si.index]};
      case Sort::component:
        if (!index_ok(s.components, si.index, "component")) return std::nullopt;
        return ItemBox{s.components[si.index]};
      case Sort::core_module:
        if (!index_ok(s.core_modules, si.index, "core module")) return std::nullopt;
        return ItemBox{s.core_modules[si.index]};
      default:
        fail(to_string(si.sort) + " items cannot be exported or passed to components");
        return std::nullopt;
    }
  }

  // ---------------------------------------------------------------- steps

  bool step(Scope& s, const CoreModuleDef& m) {
    s.core_modules.push_back(&m);
    return true;
  }

  bool step(Scope& s, const CoreTypeDef&) {
    ++s.core_types;
    return true;
  }

  bool step(Scope& s, const std::shared_ptr<const ComponentAst>& c) {
    s.components.push_back({c.get(), &s});
    return true;
  }

  std::optional<std::pair<Sort, wasm::Extern>> core_export(Scope& s, std::uint32_t inst, const std::string& name) {
    if (!index_ok(s.core_instances, inst, "core instance")) return std::nullopt;
    const CoreInst& ci = s.core_instances[inst];
    if (auto it = ci.exports.find(name); it != ci.exports.end()) return it->second;
    if (!runtime()) return std::pair<Sort, wasm::Extern>{Sort::core_func, {}};
    if (ci.instance) {
      if (auto e = store_->export_of(*ci.instance, name)) {
        static const Sort sorts[] = {Sort::core_func, Sort::core_table, Sort::core_memory, Sort::core_global};
        return std::pair<Sort, wasm::Extern>{sorts[static_cast<int>(e->kind)], *e};
      }
    }
    fail("core instance " + std::to_string(inst) + " has no export '" + name + "'");
    return std::nullopt;
  }

  std::vector<wasm::Extern>* core_space(Scope& s, Sort sort) {
    switch (sort) {
      case Sort::core_func: return &s.core_funcs;
      case Sort::core_table: return &s.core_tables;
      case Sort::core_memory: return &s.core_memories;
      case Sort::core_global: return &s.core_globals;
      default: return nullptr;
    }
  }

  bool core_item(Scope& s, SortIdx si, wasm::Extern& out) {
    auto* space = core_space(s, si.sort);
    if (!space) return fail(to_string(si.sort) + " cannot be exported from a core instance");
    if (!index_ok(*space, si.index, to_string(si.sort).c_str())) return false;
    out = (*space)[si.index];
    return true;
  }

  bool step(Scope& s, const CoreInstanceDef& d) {
    CoreInst ci;
    if (!d.instantiate) {
      for (const auto& [name, si] : d.exports) {
        wasm::Extern e;
        if (!core_item(s, si, e)) return false;
        ci.exports[name] = {si.sort, e};
      }
      s.core_instances.push_back(std::move(ci));
      return true;
    }
    if (!index_ok(s.core_modules, d.module, "core module")) return false;
    if (++core_instances_ > kMaxCoreInstances)
      return fail("the component creates more than " + std::to_string(kMaxCoreInstances) + " core instances");
    for (const auto& [name, inst] : d.args)
      if (!index_ok(s.core_instances, inst, "core instance")) return false;
    if (runtime()) {
      auto module = component_.module(s.core_modules[d.module]);
      std::vector<wasm::Extern> imports;
      for (const auto& imp : module->imports()) {
        auto arg = std::find_if(d.args.begin(), d.args.end(), [&](const auto& a) { return a.first == imp.module; });
        if (arg == d.args.end()) return fail("core module import '" + imp.module + "' is not supplied by instantiate");
        auto e = core_export(s, arg->second, imp.name);
        if (!e) return false;
        imports.push_back(e->second);
      }
      auto inst = store_->instantiate(*module, imports);
      if (!inst) {
        trap = inst.error();
        return fail("instantiating core module " + std::to_string(d.module) + ": " + inst.error().to_string());
      }
      ci.instance = *inst;
    }
    s.core_instances.push_back(std::move(ci));
    return true;
  }

  bool step(Scope& s, const InstanceDef& d) {
    auto inst = std::make_shared<CompInstance>();
    if (!d.instantiate) {
      for (const auto& [name, si] : d.exports) {
        auto box = get(s, si);
        if (!box) return false;
        inst->exports.emplace_back(name, *box);
      }
      s.instances.push_back(inst);
      return true;
    }
    if (!index_ok(s.components, d.component, "component")) return false;
    auto& args = args_.emplace_back();
    for (const auto& [name, si] : d.args) {
      auto box = get(s, si);
      if (!box) return false;
      args[name] = *box;
    }
    const ComponentDefItem def = s.components[d.component];
    Scope& child = new_scope();
    child.parent = def.parent;
    child.args = &args;
    if (!run(*def.ast, child)) return false;
    inst->exports = child.exports;
    s.instances.push_back(inst);
    return true;
  }

  bool alias(Scope& s, const Alias& a) {
    switch (a.target) {
      case Alias::export_: {
        if (!index_ok(s.instances, a.instance, "instance")) return false;
        const ItemBox* box = s.instances[a.instance]->find(a.name);
        if (!box) return fail("instance " + std::to_string(a.instance) + " has no export '" + a.name + "'");
        return push(s, a.sort, *box);
      }
      case Alias::core_export: {
        auto e = core_export(s, a.instance, a.name);
        if (!e) return false;
        auto* space = core_space(s, a.sort);
        if (!space) return fail("cannot alias a core " + to_string(a.sort) + " export");
        if (runtime() && e->first != a.sort)
          return fail("core export '" + a.name + "' is a " + to_string(e->first) + ", not a " + to_string(a.sort));
        space->push_back(e->second);
        return true;
      }
      case Alias::outer: {
        Scope* target = &s;
        for (std::uint32_t i = 0; i < a.count; ++i) {
          if (!target->parent) return fail("outer alias count " + std::to_string(a.count) + " is too deep");
          target = target->parent;
        }
        switch (a.sort) {
          case Sort::type:
            if (!index_ok(target->types, a.index, "outer type")) return false;
            s.types.push_back(target->types[a.index]);
            return true;
          case Sort::component:
            if (!index_ok(target->components, a.index, "outer component")) return false;
            s.components.push_back(target->components[a.index]);
            return true;
          case Sort::core_module:
            if (!index_ok(target->core_modules, a.index, "outer core module")) return false;
            s.core_modules.push_back(target->core_modules[a.index]);
            return true;
          case Sort::core_type:
            ++s.core_types;
            return true;
          default: return fail("outer aliases of " + to_string(a.sort) + " are not allowed");
        }
      }
    }
    return false;
  }

  bool step(Scope& s, const Alias& a) { return alias(s, a); }

  bool step(Scope& s, const TypeDef& td) {
    auto t = deftype(s, td);
    if (!t) return false;
    s.types.push_back(std::move(*t));
    return true;
  }

  bool step(Scope& s, const Canon& c) {
    if (c.kind == Canon::lift) return lift(s, c);
    return lower(s, c);
  }

  bool option_externs(Scope& s, const CanonOpts& o, Func& f) {
    if (o.memory) {
      if (!index_ok(s.core_memories, *o.memory, "core memory")) return false;
      f.memory = s.core_memories[*o.memory];
    }
    for (auto [opt, slot] : {std::pair{o.realloc, &f.realloc}, std::pair{o.post_return, &f.post_return}}) {
      if (!opt) continue;
      if (!index_ok(s.core_funcs, *opt, "core func")) return false;
      *slot = s.core_funcs[*opt];
    }
    return true;
  }

  bool needs_memory(const FuncType& t) {
    std::function<bool(const TypeRef&)> uses = [&](const TypeRef& x) -> bool {
      if (!x) return false;
      switch (x->kind) {
        case Kind::string: case Kind::list: return true;
        case Kind::record: return std::any_of(x->fields.begin(), x->fields.end(), [&](const Field& f) { return uses(f.type); });
        case Kind::tuple: return std::any_of(x->items.begin(), x->items.end(), uses);
        default: {
          auto p = case_payloads(*x);
          return std::any_of(p.begin(), p.end(), uses);
        }
      }
    };
    return std::any_of(t.params.begin(), t.params.end(), [&](const Param& p) { return uses(p.type); }) ||
           uses(t.result) || flat_params(t).size() > max_flat_params || flat_results(t).size() > max_flat_results;
  }

  bool lift(Scope& s, const Canon& c) {
    if (!index_ok(s.types, c.type, "type")) return false;
    const auto* ft = std::get_if<FuncType>(&s.types[c.type]);
    if (!ft) return fail("canon lift: type " + std::to_string(c.type) + " is not a function type");
    if (!index_ok(s.core_funcs, c.func, "core func")) return false;
    auto f = std::make_shared<Func>();
    f->type = *ft;
    if (!option_externs(s, c.opts, *f)) return false;
    if (needs_memory(*ft) && !f->memory) return fail("canon lift of " + to_wit(*ft) + " needs a memory option");
    f->kind = Func::Kind::lifted;  // in the static walk too: lower() refuses lowering it
    if (runtime()) {
      f->core = s.core_funcs[c.func];
      f->owner = state_;
      const wasm::FuncType expected = core_signature(*ft, true);
      auto actual = store_->func_type(f->core);
      if (!actual || !(*actual == expected))
        return fail("canon lift: core function has type " + (actual ? wasm::to_string(*actual) : "?") + ", but " +
                    to_wit(*ft) + " needs " + wasm::to_string(expected));
      if (f->memory && !state_->main_memory) state_->main_memory = f->memory;
    }
    s.funcs.push_back(f);
    return true;
  }

  bool lower(Scope& s, const Canon& c) {
    if (!index_ok(s.funcs, c.func, "func")) return false;
    FuncRef callee = s.funcs[c.func];
    if (callee->kind == Func::Kind::lifted)
      return fail("canon lower of a lifted function (component-to-component calls, as made by composing "
                  "components) is not supported");
    Func opts;
    if (!option_externs(s, c.opts, opts)) return false;
    if (needs_memory(callee->type) && !opts.memory)
      return fail("canon lower of " + to_wit(callee->type) + " needs a memory option");
    if (!runtime()) {
      s.core_funcs.push_back({});
      return true;
    }
    const FuncType& type = callee->type;
    auto memory = opts.memory;
    auto realloc = opts.realloc;
    Instance::State* state = state_;
    wasm::HostCallback cb = [callee, memory, realloc, state](wasm::Store& store, std::span<const wasm::Value> args,
                                                            std::span<wasm::Value> results) -> Expected<Ok, std::string> {
      if (state->in_abi_call)
        return unexpected(std::string("canonical ABI: an import was called from cabi_realloc or post-return"));
      StoreMemory mem(store, memory, realloc, state);
      auto values = lift_params(mem, callee->type, args);
      if (!values) return unexpected("canonical ABI: " + values.error());
      auto result = callee->host(*values);
      if (!result) return unexpected(result.error());
      if (auto r = lower_results(mem, callee->type, *result, args, results); !r)
        return unexpected("canonical ABI: " + r.error());
      return Ok{};
    };
    s.core_funcs.push_back(store_->host_function(core_signature(type, false), std::move(cb), "canon lower"));
    return true;
  }

  bool step(Scope& s, const ImportDef& d) {
    if (!top_level(s)) {
      if (!s.args) return fail("import '" + d.name + "' in a nested component without arguments");
      auto it = s.args->find(d.name);
      if (it == s.args->end()) return fail("nested component import '" + d.name + "' is not supplied");
      ItemBox box = it->second;
      // A type import takes the argument's type (checked against its bound) and keeps its
      // name, so exported signatures print with the interface's own type names.
      if (d.desc.kind == ExternDesc::type_eq) {
        const auto* t = std::get_if<TypeRef>(&box.item);
        if (!t) return fail("nested component import '" + d.name + "' expects a type");
        if (!index_ok(s.types, d.desc.index, "type")) return false;
        const auto* bound = std::get_if<TypeRef>(&s.types[d.desc.index]);
        if (!bound || !same_type(*bound, *t)) return fail("type argument '" + d.name + "' does not match its bound");
        s.types.push_back(*t);
        return true;
      }
      const Sort sort = d.desc.kind == ExternDesc::func ? Sort::func
                        : d.desc.kind == ExternDesc::instance ? Sort::instance
                        : d.desc.kind == ExternDesc::component ? Sort::component : Sort::core_module;
      return push(s, sort, box);
    }
    auto et = extern_type(s, d.name, d.desc);
    if (!et) return false;
    world.imports.emplace_back(d.name, *et);
    if (const auto* t = std::get_if<TypeRef>(&*et)) {
      (void)t;  // extern_type already added the type to the space
      return true;
    }
    if (const auto* f = std::get_if<FuncType>(&*et)) {
      auto fn = import_func("", d.name, *f);
      if (!fn) return false;
      s.funcs.push_back(fn);
      return true;
    }
    const auto& iface = std::get<std::shared_ptr<const InterfaceType>>(*et);
    auto inst = std::make_shared<CompInstance>();
    for (const auto& [name, t] : iface->exports) {
      if (const auto* f = std::get_if<FuncType>(&t)) {
        auto fn = import_func(d.name, name, *f);
        if (!fn) return false;
        inst->exports.emplace_back(name, ItemBox{fn});
      } else if (const auto* vt = std::get_if<TypeRef>(&t)) {
        // A type the interface declares itself belongs to it; one it re-exports from
        // another interface (WIT `use`) keeps that owner.
        inst->exports.emplace_back(name, ItemBox{(*vt)->owner.empty() ? with_owner(*vt, d.name) : *vt});
      } else {
        return fail("import '" + d.name + "': nested instances in imported interfaces are not supported");
      }
    }
    s.instances.push_back(inst);
    return true;
  }

  FuncRef import_func(const std::string& iface, const std::string& name, const FuncType& type) {
    auto f = std::make_shared<Func>();
    f->type = type;
    if (!runtime()) return f;
    const std::string where = iface.empty() ? "function '" + name + "'" : "interface " + iface + ", function " + name;
    const HostFunction* host = linker_->find(iface, name);
    if (!host) {
      missing_.push_back(iface.empty() ? name : iface + "#" + name);
      f->kind = Func::Kind::host;
      const std::string full = iface.empty() ? name : iface + "#" + name;
      f->host = [full](std::span<const Value>) -> Expected<std::optional<Value>, std::string> {
        return unexpected("import " + full + " is not implemented by the host");
      };
      return f;
    }
    if (!same_signature(host->type, type)) {
      fail(where + ": the host implements " + to_wit(host->type) + " but the component expects " + to_wit(type));
      return nullptr;
    }
    f->kind = Func::Kind::host;
    f->host = host->fn;
    return f;
  }

  bool step(Scope& s, const ExportDef& d) {
    auto box = get(s, d.item);
    if (!box) return false;
    if (d.desc) {
      auto et = extern_type(s, d.name, *d.desc);  // a type export adds its index here
      if (!et) return false;
      if (const auto* ft = std::get_if<FuncType>(&*et); ft && std::holds_alternative<FuncRef>(box->item)) {
        const auto& f = std::get<FuncRef>(box->item);
        if (!same_signature(f->type, *ft)) return fail("export '" + d.name + "': ascribed type does not match");
        auto copy = std::make_shared<Func>(*f);
        copy->type = *ft;  // same structure, the export's type names
        box->item = FuncRef(copy);
      } else if (const auto* tt = std::get_if<TypeRef>(&*et)) {
        box->item = *tt;
      }
      if (d.desc->kind != ExternDesc::type_eq && !push(s, d.item.sort, *box)) return false;
    } else if (d.item.sort == Sort::type) {
      const auto named = with_name(std::get<TypeRef>(box->item), d.name);
      box->item = named;
      s.types.push_back(named);
    } else if (!push(s, d.item.sort, *box)) {
      return false;
    }
    s.exports.emplace_back(d.name, *box);
    return true;
  }

 public:
  std::vector<std::string> missing_;

  static ExternType type_of(const ItemBox& box) {
    if (const auto* f = std::get_if<FuncRef>(&box.item)) return (*f)->type;
    if (const auto* t = std::get_if<TypeRef>(&box.item)) return *t;
    auto out = std::make_shared<InterfaceType>();
    if (const auto* i = std::get_if<InstanceRef>(&box.item))
      for (const auto& [n, b] : (*i)->exports) out->exports.emplace_back(n, type_of(b));
    return std::shared_ptr<const InterfaceType>(out);
  }

 private:
  const Component& component_;
  wasm::Store* store_;
  const Linker* linker_;
  Instance::State* state_;
  std::size_t offset_ = 0;
  std::size_t steps_ = 0;
  std::size_t core_instances_ = 0;
  std::deque<Scope> scopes_;
  std::deque<std::map<std::string, ItemBox, std::less<>>> args_;
  const std::map<std::string, ItemBox, std::less<>> empty_args_;
};

std::string offset_text(std::size_t offset) {
  std::ostringstream o;
  o << "0x" << std::hex << offset;
  return o.str();
}

void collect_modules(const ComponentAst& ast, std::vector<const CoreModuleDef*>& out) {
  for (const auto& item : ast.items) {
    if (const auto* m = std::get_if<CoreModuleDef>(&item.def)) out.push_back(m);
    if (const auto* c = std::get_if<std::shared_ptr<const ComponentAst>>(&item.def)) collect_modules(**c, out);
  }
}

}  // namespace

// ==================================================================== Component

Expected<std::shared_ptr<const Component>, LoadFailure> Component::load(std::span<const std::uint8_t> bytes,
                                                                        const std::string& source,
                                                                        const wasm::Limits& limits) {
  auto ast = parse_component(bytes, source);
  if (!ast) return unexpected(LoadFailure{ast.error().to_string()});
  auto c = std::shared_ptr<Component>(new Component());
  c->source_ = source;
  c->limits_ = limits;
  c->ast_ = *ast;
  Walker walker(*c, nullptr, nullptr, nullptr);
  Scope& top = walker.new_scope();
  if (!walker.run(*c->ast_, top))
    return unexpected(LoadFailure{source + ":" + offset_text(walker.error_offset) + ": " + walker.error});
  c->world_ = std::move(walker.world);
  for (const auto& [name, box] : top.exports) c->world_.exports.emplace_back(name, Walker::type_of(box));
  std::vector<const CoreModuleDef*> modules;
  collect_modules(*c->ast_, modules);
  for (std::size_t i = 0; i < modules.size(); ++i) {
    auto m = wasm::compile(modules[i]->bytes, source + " (core module " + std::to_string(i) + ")", limits);
    if (!m) return unexpected(LoadFailure{m.error().to_string()});
    c->modules_[modules[i]] = *m;
  }
  return std::shared_ptr<const Component>(c);
}

Expected<std::shared_ptr<const Component>, LoadFailure> Component::load_file(const std::filesystem::path& path,
                                                                             const wasm::Limits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(LoadFailure{path.string() + ": cannot open"});
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load(bytes, path.string(), limits);
}

std::shared_ptr<const wasm::CompiledModule> Component::module(const CoreModuleDef* def) const {
  auto it = modules_.find(def);
  return it == modules_.end() ? nullptr : it->second;
}

// ==================================================================== Instance

Instance::~Instance() = default;

Expected<std::unique_ptr<Instance>, InstantiateFailure> Instance::instantiate(std::shared_ptr<const Component> component,
                                                                             const Linker& linker, std::uint64_t fuel) {
  std::unique_ptr<Instance> inst(new Instance());
  inst->component_ = std::move(component);
  inst->store_ = wasm::Store::create();
  inst->state_ = std::make_unique<State>();
  inst->store_->set_fuel(fuel);
  auto walker = std::make_unique<Walker>(*inst->component_, inst->store_.get(), &linker, inst->state_.get());
  Scope& top = walker->new_scope();
  const bool ok = walker->run(inst->component_->ast(), top);
  if (!walker->missing_.empty() && (ok || !walker->trap)) {
    std::string list;
    for (const auto& m : walker->missing_) list += "\n  " + m;
    return unexpected(InstantiateFailure{
        inst->component_->source() + ": imports not provided by the host:" + list, std::nullopt});
  }
  if (!ok) {
    std::string msg = inst->component_->source() + ":" + offset_text(walker->error_offset) + ": " + walker->error;
    return unexpected(InstantiateFailure{msg, walker->trap});
  }
  inst->state_->exports = top.exports;
  return inst;
}

namespace {

const ItemBox* find_in(const std::vector<std::pair<std::string, ItemBox>>& exports, std::string_view name) {
  for (const auto& [n, b] : exports)
    if (n == name) return &b;
  return nullptr;
}

}  // namespace

Expected<ExportFunc, std::string> Instance::find_export(std::string_view name) const {
  const auto hash = name.find('#');
  const ItemBox* box = nullptr;
  if (hash == std::string_view::npos) {
    box = find_in(state_->exports, name);
  } else {
    const ItemBox* iface = find_in(state_->exports, name.substr(0, hash));
    if (iface)
      if (const auto* i = std::get_if<InstanceRef>(&iface->item)) box = (*i)->find(name.substr(hash + 1));
  }
  if (!box || !std::holds_alternative<FuncRef>(box->item)) {
    std::string known;
    for (const auto& n : export_names()) known += (known.empty() ? "" : ", ") + n;
    return unexpected("no exported function '" + std::string(name) + "' (exports: " + known + ")");
  }
  return ExportFunc{std::string(name), std::get<FuncRef>(box->item)};
}

std::vector<std::string> Instance::export_names() const {
  std::vector<std::string> out;
  for (const auto& [n, b] : state_->exports) {
    if (std::holds_alternative<FuncRef>(b.item)) out.push_back(n);
    if (const auto* i = std::get_if<InstanceRef>(&b.item))
      for (const auto& [fn, fb] : (*i)->exports)
        if (std::holds_alternative<FuncRef>(fb.item)) out.push_back(n + "#" + fn);
  }
  return out;
}

Expected<std::optional<Value>, wasm::Trap> Instance::call(std::string_view name, std::span<const Value> args) {
  auto f = find_export(name);
  if (!f) return unexpected(wasm::Trap{wasm::TrapKind::other, f.error(), {}});
  return call(*f, args);
}

Expected<std::optional<Value>, wasm::Trap> Instance::call(const ExportFunc& ef, std::span<const Value> args) {
  const Func& f = *ef.func;
  if (f.kind != Func::Kind::lifted || f.owner != state_.get())
    return unexpected(wasm::Trap{wasm::TrapKind::other, ef.name + " is not a function lifted by this instance", {}});
  if (state_->entered)
    return unexpected(wasm::Trap{wasm::TrapKind::other, "component instance re-entered by a call to " + ef.name, {}});
  state_->entered = true;
  struct Leave {
    bool& flag;
    ~Leave() { flag = false; }
  } leave{state_->entered};
  StoreMemory mem(*store_, f.memory, f.realloc, state_.get());
  auto core_args = lower_params(mem, f.type, args);
  if (!core_args) {
    if (mem.trap) return unexpected(*mem.trap);
    return unexpected(abi_trap(ef.name + ": " + core_args.error()));
  }
  auto core_results = store_->call(f.core, *core_args);
  if (!core_results) return unexpected(core_results.error());
  auto result = lift_results(mem, f.type, *core_results);
  if (!result) return unexpected(abi_trap(ef.name + ": " + result.error()));
  if (f.post_return) {
    auto post = forbidding_imports(state_.get(), [&] { return store_->call(*f.post_return, *core_results); });
    if (!post) return unexpected(post.error());
  }
  return std::move(*result);
}

std::size_t Instance::memory_bytes() const {
  return state_->main_memory ? store_->memory_size(*state_->main_memory) : 0;
}

// ==================================================================== WIT printing

namespace {

struct PackageParts {
  std::string ns_pkg, iface, version;  // "sensorhost:plugin", "leds", "0.1.0"
};

std::optional<PackageParts> split_interface_name(const std::string& name) {
  const auto slash = name.find('/');
  const auto colon = name.find(':');
  if (slash == std::string::npos || colon == std::string::npos || colon > slash) return std::nullopt;
  PackageParts p;
  p.ns_pkg = name.substr(0, slash);
  std::string rest = name.substr(slash + 1);
  const auto at = rest.find('@');
  p.iface = rest.substr(0, at);
  if (at != std::string::npos) p.version = rest.substr(at + 1);
  return p;
}

// The named types an interface's signatures mention: its own (to define, dependencies
// first) and those declared by other interfaces (to `use`).
struct NamedTypes {
  std::string self;  // full name of the interface being printed
  std::vector<TypeRef> defined;
  std::map<std::string, std::vector<std::string>> used;  // owner -> names
  std::set<const Type*> seen;

  void add(const TypeRef& t) {
    if (!t || !seen.insert(t.get()).second) return;
    if (!t->name.empty() && !t->owner.empty() && t->owner != self) {
      auto& names = used[t->owner];
      if (std::find(names.begin(), names.end(), t->name) == names.end()) names.push_back(t->name);
      return;
    }
    for (const auto& f : t->fields) add(f.type);
    for (const auto& i : t->items) add(i);
    for (const auto& p : case_payloads(*t)) add(p);
    add(t->element);
    // One definition per name: a re-exported alias of an already printed type is skipped.
    if (!t->name.empty() &&
        std::none_of(defined.begin(), defined.end(), [&](const TypeRef& d) { return d->name == t->name; }))
      defined.push_back(t);
  }
};

// How `owner` is written in a `use` inside interface `self`: short within a package.
std::string use_path(const std::string& owner, const std::string& self) {
  auto o = split_interface_name(owner);
  auto s = split_interface_name(self);
  if (o && s && o->ns_pkg == s->ns_pkg && o->version == s->version) return o->iface;
  return owner + ".";  // `use ns:pkg/iface@1.0.0.{x}`: the dot before the brace list
}

void print_interface(std::ostringstream& o, const std::string& full_name, const std::string& name,
                     const InterfaceType& iface, const std::string& indent) {
  o << indent << "interface " << name << " {\n";
  NamedTypes named;
  named.self = full_name;
  for (const auto& [n, t] : iface.exports) {
    if (const auto* vt = std::get_if<TypeRef>(&t)) named.add(*vt);
    if (const auto* ft = std::get_if<FuncType>(&t)) {
      for (const auto& p : ft->params) named.add(p.type);
      named.add(ft->result);
    }
  }
  for (const auto& [owner, names] : named.used) {
    std::string path = use_path(owner, full_name);
    if (path.back() == '.') path.pop_back();
    o << indent << "  use " << path << ".{";
    for (std::size_t i = 0; i < names.size(); ++i) o << (i ? ", " : "") << names[i];
    o << "};\n";
  }
  for (const auto& t : named.defined) o << indent << "  " << to_wit_definition(t) << "\n";
  for (const auto& [n, t] : iface.exports)
    if (const auto* ft = std::get_if<FuncType>(&t)) o << indent << "  " << n << ": " << to_wit(*ft) << ";\n";
  o << indent << "}\n";
}

}  // namespace

std::string to_wit(const World& world, const std::string& world_name) {
  std::ostringstream o;
  struct Printed {
    std::string full, name;
    std::shared_ptr<const InterfaceType> type;
  };
  std::map<std::string, std::vector<Printed>> packages;
  o << "package local:inspected;\n\nworld " << world_name << " {\n";
  auto items = [&](const char* kw, const std::vector<std::pair<std::string, ExternType>>& list) {
    for (const auto& [name, t] : list) {
      if (const auto* ft = std::get_if<FuncType>(&t)) {
        o << "  " << kw << " " << name << ": " << to_wit(*ft) << ";\n";
      } else if (const auto* it = std::get_if<std::shared_ptr<const InterfaceType>>(&t)) {
        auto parts = split_interface_name(name);
        o << "  " << kw << " " << name << ";\n";
        const std::string pkg = parts ? parts->ns_pkg + (parts->version.empty() ? "" : "@" + parts->version) : "";
        const std::string iname = parts ? parts->iface : name;
        auto& ifaces = packages[pkg];
        if (std::none_of(ifaces.begin(), ifaces.end(), [&](const Printed& x) { return x.name == iname; }))
          ifaces.push_back({name, iname, *it});
      }
    }
  };
  items("import", world.imports);
  items("export", world.exports);
  o << "}\n";
  for (const auto& [pkg, ifaces] : packages) {
    o << "\n";
    if (pkg.empty()) {
      for (const auto& i : ifaces) print_interface(o, i.full, i.name, *i.type, "");
      continue;
    }
    o << "package " << pkg << " {\n";
    for (std::size_t k = 0; k < ifaces.size(); ++k) {
      if (k) o << "\n";
      print_interface(o, ifaces[k].full, ifaces[k].name, *ifaces[k].type, "  ");
    }
    o << "}\n";
  }
  return o.str();
}

}  // namespace sensorhost::component
