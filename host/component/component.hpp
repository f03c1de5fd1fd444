#pragma once
// Loading, linking and calling components on the engine.
//
//   auto component = Component::load(bytes, "dht22.wasm", limits);   // parse, type, compile
//   Linker linker;                                                     // host imports
//   linker.define("sensorhost:plugin/leds@0.1.0", "set-led", "func(index: u32, on: bool) -> result<_, string>", fn);
//   auto instance = Instance::instantiate(*component, linker);        // runs _initialize
//   auto poll = instance->find_export("sensorhost:plugin/sensor-logic@0.1.0#poll");
//   auto result = instance->call(*poll, {reading});                   // Expected<optional<Value>, Trap>
//
// Loading walks the component's definitions once without an engine to compute its
// world (the types of its imports and exports) and compiles every core module; each
// instantiation walks them again on a fresh wasm::Store: core instances, aliases, canon
// lower (host functions with the Canonical ABI around them), canon lift, nested
// component instances. Imports are matched by full name (interface@version) and every
// imported function's type is checked against the host's signature.
//
// Limits and threads: memory caps come from the wasm::Limits given to load(); fuel is the
// store's (instance->store().set_fuel(n) before a call, fuel() after). A Component is
// immutable and may be shared; an Instance (and its Store) is used by one thread at a
// time, so a new version can be loaded and instantiated on another thread while the old
// instance keeps serving calls. A trap leaves the instance usable; whether to keep
// calling it is the caller's policy.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/expected.hpp"
#include "component/binary.hpp"
#include "component/types.hpp"
#include "component/value.hpp"
#include "component/wit.hpp"
#include "wasm/engine.hpp"

namespace sensorhost::component {

// A host function implementing an imported component function. Returning an error
// traps the calling guest (TrapKind::host_error) with that message.
using HostFn = std::function<Expected<std::optional<Value>, std::string>(std::span<const Value> args)>;

struct HostFunction {
  FuncType type;
  HostFn fn;
};

class Linker {
 public:
  // `iface` is the full import name ("sensorhost:plugin/leds@0.1.0"); an empty `iface`
  // defines a top-level function import named `func`.
  void define(const std::string& iface, const std::string& func, FuncType type, HostFn fn);
  // The signature in WIT syntax; named types are looked up in `scope`.
  Expected<Ok, std::string> define(const std::string& iface, const std::string& func, std::string_view wit_signature,
                                   HostFn fn, const WitInterface* scope = nullptr);
  const HostFunction* find(const std::string& iface, const std::string& func) const;
  bool has_interface(const std::string& iface) const;
  std::vector<std::string> interfaces() const;

 private:
  std::map<std::string, std::map<std::string, HostFunction>> funcs_;
};

struct InterfaceType;
// The type of something a component imports or exports.
using ExternType = std::variant<TypeRef, FuncType, std::shared_ptr<const InterfaceType>>;

struct InterfaceType {
  std::vector<std::pair<std::string, ExternType>> exports;  // types and functions, in order
};

struct World {
  std::vector<std::pair<std::string, ExternType>> imports;
  std::vector<std::pair<std::string, ExternType>> exports;
};
// The world in WIT syntax: a world block naming the imports and exports, then each
// interface's types and functions inside `package ns:pkg@ver { interface ... }` blocks.
std::string to_wit(const World& world, const std::string& world_name = "component");

class Component;
// Defines every function imported by `component` that `linker` does not have yet with an
// echo stub: it returns its first argument when that has the result's type, the
// arguments as a JSON array when the result is a string, nothing when there is no
// result, and fails (traps the guest) otherwise. `on_call` sees "iface#func" of each
// call. For tools and tests, never for plugins in service.
void define_echo_stubs(Linker& linker, const Component& component,
                       std::function<void(const std::string&)> on_call = {});

struct LoadFailure {
  std::string message;  // names the file, the offset when known, and the problem
};

class Component {
 public:
  static Expected<std::shared_ptr<const Component>, LoadFailure> load(std::span<const std::uint8_t> bytes,
                                                                      const std::string& source,
                                                                      const wasm::Limits& limits = {});
  static Expected<std::shared_ptr<const Component>, LoadFailure> load_file(const std::filesystem::path& path,
                                                                           const wasm::Limits& limits = {});

  const std::string& source() const { return source_; }
  const World& world() const { return world_; }
  const wasm::Limits& limits() const { return limits_; }
  const ComponentAst& ast() const { return *ast_; }
  std::shared_ptr<const wasm::CompiledModule> module(const CoreModuleDef* def) const;

 private:
  std::string source_;
  wasm::Limits limits_;
  std::shared_ptr<const ComponentAst> ast_;
  World world_;
  std::map<const CoreModuleDef*, std::shared_ptr<const wasm::CompiledModule>> modules_;
};

struct Func;  // a component function inside an instance (lifted or host)

// A resolved export, for calling it repeatedly without a name lookup.
struct ExportFunc {
  std::string name;
  std::shared_ptr<const Func> func;
  const FuncType& type() const;
};

struct InstantiateFailure {
  std::string message;
  std::optional<wasm::Trap> trap;  // set when the component trapped while starting
};

class Instance {
 public:
  // `fuel` bounds the start-up code (_initialize, constructors); metering as in Limits.
  static Expected<std::unique_ptr<Instance>, InstantiateFailure> instantiate(
      std::shared_ptr<const Component> component, const Linker& linker, std::uint64_t fuel = 100'000'000);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const Component& component() const { return *component_; }
  // "iface#func" for a function of an exported interface, or a top-level "func".
  Expected<ExportFunc, std::string> find_export(std::string_view name) const;
  std::vector<std::string> export_names() const;  // every callable "iface#func"

  // Lowers `args`, calls the export, lifts the result and runs post-return. Lifting
  // violations and host-function errors come back as traps (kind other/host_error);
  // argument values that do not match the signature are traps of kind other too.
  Expected<std::optional<Value>, wasm::Trap> call(const ExportFunc& func, std::span<const Value> args);
  Expected<std::optional<Value>, wasm::Trap> call(std::string_view name, std::span<const Value> args);

  wasm::Store& store() { return *store_; }
  // Bytes of the component's main linear memory (the one its exports lift from).
  std::size_t memory_bytes() const;

  struct State;  // implementation details shared with the instantiation walk

 private:
  Instance() = default;
  std::shared_ptr<const Component> component_;
  std::unique_ptr<wasm::Store> store_;
  std::unique_ptr<State> state_;
};

}  // namespace sensorhost::component
