// Runtime: one WABT store per plugin, its instances, the shared fuel counter and the
// interpreter threads that run calls.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <limits>
#include <utility>

#include "wabt/interp/interp.h"
#include "wasm/wabt_backend.hpp"
#include "wasm/wabt_convert.hpp"
#include "wasm/wabt_image.hpp"

namespace sensorhost::wasm::wabt_backend {

namespace interp = wabt::interp;

namespace {

// WABT keeps a thread's call frames private and offers no way to name the function a
// trap happened in. Explicit instantiation may name private members ([temp.spec]), so
// this reads Thread::frames_ without changing WABT; the member's type is checked at
// compile time against the installed headers.
template <class Tag, typename Tag::Type Member>
struct PrivateMember {
  friend typename Tag::Type member_pointer(Tag) { return Member; }
};
struct ThreadFrames {
  using Type = std::vector<interp::Frame> interp::Thread::*;
  friend Type member_pointer(ThreadFrames);
};
template struct PrivateMember<ThreadFrames, &interp::Thread::frames_>;

const std::vector<interp::Frame>& frames_of(interp::Thread& thread) { return thread.*member_pointer(ThreadFrames{}); }

// Fuel counter (see wabt_rewrite.cpp): the global holds -1 - remaining, topped up from
// a 64-bit reserve in chunks. A chunk covers any single charge (at most 2^20).
constexpr std::int64_t kFuelChunk = std::int64_t{1} << 22;
// Host -> guest -> host re-entry deeper than this is refused (each level is a thread).
constexpr std::size_t kMaxCallDepth = 64;
// Handles carry the store's id in their top bits so a handle from another store is refused.
constexpr int kTagShift = 40;
constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kTagShift) - 1;
std::atomic<std::uint64_t> next_store_tag{1};

struct TrapText {
  const char* prefix;
  TrapKind kind;
};
constexpr std::array<TrapText, 10> kTrapTexts{{
    {"unreachable executed", TrapKind::unreachable},
    {"out of bounds memory access", TrapKind::memory_out_of_bounds},
    {"integer divide by zero", TrapKind::integer_divide_by_zero},
    {"integer overflow", TrapKind::integer_overflow},
    {"invalid conversion to integer", TrapKind::invalid_conversion},
    {"uninitialized table element", TrapKind::indirect_call},
    {"indirect call signature mismatch", TrapKind::indirect_call},
    {"undefined table index", TrapKind::table_out_of_bounds},
    {"out of bounds table access", TrapKind::table_out_of_bounds},
    {"call stack exhausted", TrapKind::stack_exhausted},
}};

TrapKind classify(const std::string& message) {
  for (const TrapText& t : kTrapTexts) {
    if (message.compare(0, std::strlen(t.prefix), t.prefix) == 0) return t.kind;
  }
  return TrapKind::other;
}

Trap make_trap(TrapKind kind, std::string message) { return Trap{kind, std::move(message), {}}; }

Extern::Kind kind_of(wabt::ExternalKind k) {
  switch (k) {
    case wabt::ExternalKind::Table: return Extern::Kind::table;
    case wabt::ExternalKind::Memory: return Extern::Kind::memory;
    case wabt::ExternalKind::Global: return Extern::Kind::global;
    default: return Extern::Kind::func;
  }
}

const char* kind_name(Extern::Kind k) {
  switch (k) {
    case Extern::Kind::func: return "func";
    case Extern::Kind::table: return "table";
    case Extern::Kind::memory: return "memory";
    case Extern::Kind::global: return "global";
  }
  return "?";
}

// Host function arguments and results without a heap allocation for the usual arity.
class ValueBuffer {
 public:
  explicit ValueBuffer(std::size_t n) : size_(n) {
    if (n > small_.size()) large_.resize(n);
  }
  Value* data() { return size_ > small_.size() ? large_.data() : small_.data(); }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_;
  std::array<Value, 8> small_{};
  std::vector<Value> large_;
};

}  // namespace

struct Runtime::Impl {
  interp::Store store{wabt::Features{}};  // first member: destroyed last
  std::uint64_t tag = next_store_tag.fetch_add(1);
  interp::Global::Ptr fuel_global;
  interp::HostFunc::Ptr fuel_handler;
  std::uint64_t fuel_reserve = 0;

  struct InstanceRecord {
    interp::Instance::Ptr instance;
    std::shared_ptr<const ModuleImage> image;
  };
  std::vector<InstanceRecord> instances;
  std::vector<std::pair<std::shared_ptr<const ModuleImage>, interp::Module::Ptr>> modules;
  std::vector<interp::HostFunc::Ptr> host_funcs;

  // One interpreter thread per call depth; a thread that trapped keeps its frames and
  // is replaced. Scratch vectors per depth avoid allocations per call. A deque, because
  // nested calls add lanes while outer ones hold references to theirs.
  struct Lane {
    std::unique_ptr<interp::Thread> thread;
    interp::Values params;
    interp::Values results;
  };
  std::deque<Lane> lanes;
  std::size_t depth = 0;

  // The trap most recently created by our own host wrappers, with its kind.
  const interp::Object* host_trap = nullptr;
  TrapKind host_trap_kind = TrapKind::host_error;

  Impl();
  std::uint64_t encode(interp::Ref ref) const { return (tag << kTagShift) | ref.index; }
  template <class T>
  interp::RefPtr<T> lookup(std::uint64_t handle) {
    if ((handle >> kTagShift) != tag) return {};
    interp::Ref ref(static_cast<std::size_t>(handle & kIndexMask));
    if (!store.IsValid(ref) || !store.Is<T>(ref)) return {};
    return store.UnsafeGet<T>(ref);
  }

  wabt::Result raise(interp::Trap::Ptr* out, TrapKind kind, const std::string& message) {
    *out = interp::Trap::New(store, message);
    host_trap = out->get();
    host_trap_kind = kind;
    return wabt::Result::Error;
  }

  wabt::Result on_out_of_fuel(interp::Trap::Ptr* out);
  std::int32_t counter() const { return fuel_global->Get().Get<interp::s32>(); }
  void set_counter(std::int64_t v) { fuel_global->UnsafeSet(interp::Value::Make(static_cast<interp::s32>(v))); }

  const InstanceRecord* record_of(const interp::Instance* inst) const {
    for (const auto& r : instances) {
      if (r.instance.get() == inst) return &r;
    }
    return nullptr;
  }
  std::string function_name(const interp::Frame& frame) const;
  Trap describe(const interp::Trap::Ptr& trap, interp::Thread* thread) const;
  Expected<Ok, Trap> check_import(const ImportDesc& want, const interp::ImportType& want_wabt, Extern have);
  interp::Module::Ptr module_for(const ModuleImage& image);
  Lane& lane(std::size_t d);
  Expected<Ok, Trap> run(interp::Func& func, const Value* args, std::size_t arg_count, Value* results,
                         std::size_t result_count);
};

Runtime::Impl::Impl() {
  fuel_global = interp::Global::New(store, interp::GlobalType(wabt::Type::I32, interp::Mutability::Var),
                                    interp::Value::Make(interp::s32{-1}));
  fuel_handler = interp::HostFunc::New(store, interp::FuncType({}, {}),
                                       [this](interp::Thread&, const interp::Values&, interp::Values&,
                                              interp::Trap::Ptr* out) { return on_out_of_fuel(out); });
}

// Called by metered code when a charge overdrew the counter (counter >= 0, i.e. it is
// short by counter + 1): top it up from the reserve or trap.
wabt::Result Runtime::Impl::on_out_of_fuel(interp::Trap::Ptr* out) {
  std::int64_t deficit = std::int64_t{counter()} + 1;
  if (deficit > 0 && fuel_reserve >= static_cast<std::uint64_t>(deficit)) {
    std::int64_t take = static_cast<std::int64_t>(std::min<std::uint64_t>(fuel_reserve, kFuelChunk));
    fuel_reserve -= static_cast<std::uint64_t>(take);
    set_counter(std::int64_t{counter()} - take);
    return wabt::Result::Ok;
  }
  fuel_reserve = 0;
  set_counter(0);  // stays exhausted until set_fuel(): every later charge traps too
  return raise(out, TrapKind::fuel_exhausted, "fuel exhausted");
}

std::string Runtime::Impl::function_name(const interp::Frame& frame) const {
  const InstanceRecord* record = record_of(frame.inst);
  if (!record) return {};
  const auto& funcs = record->instance->funcs();
  auto it = std::find(funcs.begin(), funcs.end(), frame.func);
  if (it == funcs.end()) return {};
  auto index = static_cast<std::size_t>(it - funcs.begin());
  const ModuleImage& image = *record->image;
  if (index < image.func_names_.size() && !image.func_names_[index].empty()) return image.func_names_[index];
  // Number functions as in the original module, before the hidden handler import.
  if (image.handler_func_ && index > *image.handler_func_) --index;
  return "func[" + std::to_string(index) + "]";
}

Trap Runtime::Impl::describe(const interp::Trap::Ptr& trap, interp::Thread* thread) const {
  Trap out;
  out.message = trap->message();
  out.kind = trap.get() == host_trap ? host_trap_kind : classify(out.message);
  if (thread) {
    const auto& frames = frames_of(*thread);
    auto guest = std::find_if(frames.rbegin(), frames.rend(), [](const interp::Frame& f) { return f.inst; });
    if (guest != frames.rend()) out.function = function_name(*guest);
  }
  return out;
}

Expected<Ok, Trap> Runtime::Impl::check_import(const ImportDesc& want, const interp::ImportType& want_wabt,
                                               Extern have) {
  std::string where = "import '" + want.module + "'.'" + want.name + "'";
  Extern::Kind want_kind = kind_of(want_wabt.type->kind);
  if (have.kind != want_kind) {
    return unexpected(make_trap(TrapKind::link_error, where + ": expected " + to_string(want.type) + ", got a " +
                                                          kind_name(have.kind)));
  }
  interp::Extern::Ptr object = lookup<interp::Extern>(have.handle);
  if (!object) {
    return unexpected(make_trap(TrapKind::link_error, where + ": the " + kind_name(have.kind) +
                                                          " handle does not belong to this store"));
  }
  interp::Trap::Ptr trap;
  if (wabt::Failed(object->Match(store, want_wabt, &trap))) {
    return unexpected(make_trap(TrapKind::link_error, where + ": expected " + to_string(want.type) + ", got " +
                                                          wabt_backend::describe(object->extern_type()) + " (" +
                                                          trap->message() + ")"));
  }
  return Ok{};
}

interp::Module::Ptr Runtime::Impl::module_for(const ModuleImage& image) {
  for (auto& [known, module] : modules) {
    if (known.get() == &image) return module;
  }
  auto module = interp::Module::New(store, image.desc_);
  modules.emplace_back(image.shared_from_this(), module);
  return module;
}

Runtime::Impl::Lane& Runtime::Impl::lane(std::size_t d) {
  if (lanes.size() <= d) lanes.resize(d + 1);
  Lane& l = lanes[d];
  if (!l.thread) l.thread = std::make_unique<interp::Thread>(store);
  return l;
}

Expected<Ok, Trap> Runtime::Impl::run(interp::Func& func, const Value* args, std::size_t arg_count, Value* results,
                                      std::size_t result_count) {
  const interp::FuncType& type = func.type();
  if (arg_count != type.params.size() || result_count != type.results.size()) {
    return unexpected(make_trap(TrapKind::other, "call: the function takes " + std::to_string(type.params.size()) +
                                                     " arguments and returns " + std::to_string(type.results.size()) +
                                                     " results; got " + std::to_string(arg_count) + " and room for " +
                                                     std::to_string(result_count)));
  }
  for (std::size_t i = 0; i < arg_count; ++i) {
    if (to_wabt(type_of(args[i])) != type.params[i]) {
      return unexpected(make_trap(TrapKind::other, "call: argument " + std::to_string(i) + " is " +
                                                       to_string(type_of(args[i])) + ", expected " +
                                                       type.params[i].GetName()));
    }
  }
  if (depth >= kMaxCallDepth) {
    return unexpected(make_trap(TrapKind::stack_exhausted, "host and guest re-entered each other more than " +
                                                               std::to_string(kMaxCallDepth) + " times"));
  }
  Lane& l = lane(depth);
  l.params.clear();
  for (std::size_t i = 0; i < arg_count; ++i) l.params.push_back(to_wabt(args[i]));
  interp::Trap::Ptr trap;
  ++depth;
  wabt::Result result = func.Call(*l.thread, l.params, l.results, &trap);
  --depth;
  if (wabt::Failed(result)) {
    Trap t = describe(trap, l.thread.get());
    l.thread.reset();  // its frames were not unwound
    host_trap = nullptr;
    if (depth == 0) store.Collect();  // free the trap objects
    return unexpected(std::move(t));
  }
  const interp::Values& out = l.results;
  for (std::size_t i = 0; i < result_count; ++i) results[i] = from_wabt(out[i], *from_wabt(type.results[i]));
  return Ok{};
}

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() = default;

Extern Runtime::host_function(const FuncType& type, HostFn fn, std::string debug_name) {
  interp::ValueTypes params, results;
  for (ValueType t : type.params) params.push_back(to_wabt(t));
  for (ValueType t : type.results) results.push_back(to_wabt(t));
  Impl* impl = impl_.get();
  auto body = [impl, type, fn = std::move(fn), name = std::move(debug_name)](
                  interp::Thread&, const interp::Values& args, interp::Values& out,
                  interp::Trap::Ptr* trap) -> wabt::Result {
    ValueBuffer in(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) in.data()[i] = from_wabt(args[i], type.params[i]);
    ValueBuffer res(type.results.size());
    for (std::size_t i = 0; i < res.size(); ++i) res.data()[i] = zero_of(type.results[i]);
    if (auto error = fn(in.data(), in.size(), res.data(), res.size())) {
      return impl->raise(trap, TrapKind::host_error, "host function '" + name + "': " + *error);
    }
    for (std::size_t i = 0; i < res.size(); ++i) {
      if (type_of(res.data()[i]) != type.results[i]) {
        return impl->raise(trap, TrapKind::host_error,
                           "host function '" + name + "' returned " + to_string(type_of(res.data()[i])) +
                               " as result " + std::to_string(i) + ", declared " + to_string(type.results[i]));
      }
      out[i] = to_wabt(res.data()[i]);
    }
    return wabt::Result::Ok;
  };
  auto func = interp::HostFunc::New(impl_->store, interp::FuncType(params, results), std::move(body));
  impl_->host_funcs.push_back(func);
  return Extern{Extern::Kind::func, impl_->encode(func.ref())};
}

Expected<Instance, Trap> Runtime::instantiate(const CompiledModule& module, const Extern* imports,
                                              std::size_t count) {
  const auto* image = dynamic_cast<const ModuleImage*>(&module);
  if (!image) return unexpected(make_trap(TrapKind::link_error, "the module was not compiled by this engine"));
  if (count != image->imports_.size()) {
    return unexpected(make_trap(TrapKind::link_error, image->source_ + " needs " +
                                                          std::to_string(image->imports_.size()) + " imports, got " +
                                                          std::to_string(count)));
  }
  interp::RefVec refs;
  for (std::size_t i = 0; i < count; ++i) {
    auto ok = impl_->check_import(image->imports_[i], image->desc_.imports[i].type, imports[i]);
    if (!ok) return unexpected(std::move(ok).error());
    refs.push_back(interp::Ref(static_cast<std::size_t>(imports[i].handle & kIndexMask)));
  }
  if (image->hidden_imports_ != 0) {
    refs.push_back(impl_->fuel_global.ref());
    refs.push_back(impl_->fuel_handler.ref());
  }
  interp::Trap::Ptr trap;
  auto instance = interp::Instance::Instantiate(impl_->store, impl_->module_for(*image).ref(), refs, &trap);
  if (!instance) {
    Trap t = impl_->describe(trap, nullptr);
    if (t.kind == TrapKind::other) t.kind = TrapKind::link_error;
    trap.reset();
    impl_->store.Collect();  // the partly built instance
    return unexpected(std::move(t));
  }
  impl_->instances.push_back({instance, image->shared_from_this()});
  impl_->store.Collect();  // drop the helper functions instantiation evaluated
  if (image->start_) {
    auto start = impl_->store.UnsafeGet<interp::Func>(instance->funcs()[*image->start_]);
    auto ok = impl_->run(*start, nullptr, 0, nullptr, 0);
    if (!ok) return unexpected(std::move(ok).error());
  }
  return Instance{impl_->encode(instance.ref())};
}

std::optional<Extern> Runtime::export_of(Instance instance, const std::string& name) const {
  auto inst = impl_->lookup<interp::Instance>(instance.handle);
  const Impl::InstanceRecord* record = inst ? impl_->record_of(inst.get()) : nullptr;
  if (!record) return std::nullopt;
  const auto& exports = record->image->desc_.exports;
  for (std::size_t i = 0; i < exports.size(); ++i) {
    if (exports[i].type.name == name) {
      return Extern{kind_of(exports[i].type.type->kind), impl_->encode(inst->exports()[i])};
    }
  }
  return std::nullopt;
}

std::optional<FuncType> Runtime::func_type(Extern func) const {
  auto f = impl_->lookup<interp::Func>(func.handle);
  if (!f) return std::nullopt;
  return from_wabt(f->type());
}

std::optional<std::size_t> Runtime::result_count(Extern func) const {
  auto f = impl_->lookup<interp::Func>(func.handle);
  if (!f) return std::nullopt;
  return f->type().results.size();
}

Expected<Ok, Trap> Runtime::call(Extern func, const Value* args, std::size_t arg_count, Value* results,
                                 std::size_t result_count) {
  auto f = impl_->lookup<interp::Func>(func.handle);
  if (!f) return unexpected(make_trap(TrapKind::other, "call: the handle is not a function of this store"));
  return impl_->run(*f, args, arg_count, results, result_count);
}

void Runtime::set_fuel(std::uint64_t fuel) {
  std::uint64_t take = std::min<std::uint64_t>(fuel, kFuelChunk);
  impl_->fuel_reserve = fuel - take;
  impl_->set_counter(-1 - static_cast<std::int64_t>(take));
}

std::uint64_t Runtime::fuel() const {
  std::int64_t counter = impl_->counter();
  std::uint64_t in_counter = counter < 0 ? static_cast<std::uint64_t>(-1 - std::int64_t{counter}) : 0;
  return impl_->fuel_reserve + in_counter;
}

std::size_t Runtime::memory_size(Extern memory) const {
  auto m = impl_->lookup<interp::Memory>(memory.handle);
  return m ? static_cast<std::size_t>(m->ByteSize()) : 0;
}

bool Runtime::memory_read(Extern memory, std::uint64_t offset, std::uint8_t* out, std::size_t size) const {
  auto m = impl_->lookup<interp::Memory>(memory.handle);
  if (!m || offset > m->ByteSize() || size > m->ByteSize() - offset) return false;
  if (size != 0) std::memcpy(out, m->UnsafeData() + offset, size);  // fetched now: grow moves it
  return true;
}

bool Runtime::memory_write(Extern memory, std::uint64_t offset, const std::uint8_t* in, std::size_t size) {
  auto m = impl_->lookup<interp::Memory>(memory.handle);
  if (!m || offset > m->ByteSize() || size > m->ByteSize() - offset) return false;
  if (size != 0) std::memcpy(m->UnsafeData() + offset, in, size);
  return true;
}

std::optional<Value> Runtime::global_get(Extern global) const {
  auto g = impl_->lookup<interp::Global>(global.handle);
  if (!g) return std::nullopt;
  auto type = from_wabt(g->type().type);
  if (!type) return std::nullopt;
  return from_wabt(g->Get(), *type);
}

bool Runtime::global_set(Extern global, const Value& value) {
  auto g = impl_->lookup<interp::Global>(global.handle);
  if (!g || g->type().mut != interp::Mutability::Var || g->type().type != to_wabt(type_of(value))) return false;
  g->UnsafeSet(to_wabt(value));
  return true;
}

}  // namespace sensorhost::wasm::wabt_backend
