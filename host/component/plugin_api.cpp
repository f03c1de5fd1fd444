#include "component/plugin_api.hpp"

#include <chrono>

namespace sensorhost::component::plugin_api {

// Defined in the generated plugin_wit.cpp: the .wit files of wit/ as they were at build time.
extern const std::vector<WitSource>& embedded_wit_sources();

const WitPackage& package() {
  static const WitPackage pkg = [] {
    auto p = parse_wit(embedded_wit_sources());
    if (!p) {
      // wit/ is parsed by sensorhost-witgen during the build too, so this cannot happen
      // with a tree that built; an empty package makes every bind() fail loudly.
      return WitPackage{};
    }
    return std::move(*p);
  }();
  return pkg;
}

std::string interface_name(const std::string& short_name) {
  const WitInterface* i = package().find_interface(short_name);
  return i ? i->qualified : short_name;
}

std::string_view to_string(LogLevel level) {
  static const char* const names[] = {"trace", "debug", "info", "warn", "error"};
  return names[static_cast<int>(level)];
}

namespace {

using Result = Expected<std::optional<Value>, std::string>;

const WitFunction* function(const std::string& iface, const std::string& func) {
  const WitInterface* i = package().find_interface(iface);
  return i ? i->find_function(func) : nullptr;
}

std::optional<Value> done() { return std::nullopt; }

// A record/tuple value from its fields, in order. (Built by push_back rather than from
// an initializer list, which makes g++ 12 report false maybe-uninitialized errors.)
template <class... V>
Value fields(V&&... v) {
  Value::List l;
  l.reserve(sizeof...(v));
  (l.push_back(Value(std::forward<V>(v))), ...);
  return Value(std::move(l));
}
Value str(std::string s) { return Value(std::move(s)); }

std::uint64_t unix_ms(io::WallTime t) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

class Binder {
 public:
  Binder(Linker& linker) : linker_(linker) {}
  std::string error;

  // Defines iface#func with the package's signature.
  void define(const std::string& iface, const std::string& func, HostFn fn) {
    const WitFunction* f = function(iface, func);
    if (!f) {
      if (error.empty()) error = "the host implements " + iface + "#" + func + ", which wit/ does not declare";
      return;
    }
    linker_.define(interface_name(iface), func, f->type, std::move(fn));
  }

 private:
  Linker& linker_;
};

std::uint32_t u32_arg(const Value& v) { return static_cast<std::uint32_t>(*v.get<std::uint64_t>()); }

Value led_result(bool ok, const std::string& why) { return ok ? Value::ok() : Value::err(str(why)); }

}  // namespace

Value to_value(const io::SensorReading& r) {
  Value::List values;
  for (const auto& m : r.values) values.push_back(fields(m.quantity, m.value, m.unit));
  return fields(r.sensor, Value::of_case(static_cast<std::uint32_t>(r.source)),
                Value::of_case(static_cast<std::uint32_t>(r.status)), unix_ms(r.time), std::move(values), r.error);
}

Value to_value(const io::NodeStatus& n) {
  // node-info: name, local, state (enum node-state, same order as io::NodeState), last-seen-ms, address
  return fields(n.name, n.local, Value::of_case(static_cast<std::uint32_t>(n.state)), unix_ms(n.last_seen), n.address);
}

Value to_value(const config::SettingValue& s) {
  // setting-value: boolean(bool), integer(s64), number(f64), text(string)
  return std::visit(
      [](const auto& v) -> Value {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return Value::of_case(0, Value(v));
        if constexpr (std::is_same_v<T, std::int64_t>) return Value::of_case(1, Value(v));
        if constexpr (std::is_same_v<T, double>) return Value::of_case(2, Value(v));
        if constexpr (std::is_same_v<T, std::string>) return Value::of_case(3, Value(v));
      },
      s);
}

Expected<Ok, std::string> bind(Linker& linker, const HostCapabilities& caps) {
  if (package().interfaces.empty()) return unexpected(std::string("the embedded wit/ package failed to parse"));
  Binder b(linker);
  if (caps.latest) {
    b.define("sensors", "latest", [&caps](std::span<const Value> a) -> Result {
      auto r = caps.latest(*a[0].get<std::string>());
      return std::optional<Value>(r ? Value::some(to_value(*r)) : Value::none());
    });
  }
  if (caps.latest_of) {
    b.define("sensors", "latest-of", [&caps](std::span<const Value> a) -> Result {
      auto r = caps.latest_of(*a[0].get<std::string>(), *a[1].get<std::string>());
      return std::optional<Value>(r ? Value::some(to_value(*r)) : Value::none());
    });
  }
  if (caps.nodes) {
    b.define("sensors", "nodes", [&caps](std::span<const Value>) -> Result {
      Value::List list;
      for (const auto& n : caps.nodes()) list.push_back(to_value(n));
      return std::optional<Value>(Value(std::move(list)));
    });
  }
  if (caps.leds) {
    io::LedBuffer* leds = caps.leds;
    auto set = [leds](std::uint32_t index, bool on) {
      return leds->set(index, on) ? std::string()
                                  : "LED " + std::to_string(index) + " is outside the bank of " +
                                        std::to_string(leds->size());
    };
    b.define("leds", "count", [leds](std::span<const Value>) -> Result {
      return std::optional<Value>(Value(static_cast<std::uint64_t>(leds->size())));
    });
    b.define("leds", "set-led", [set](std::span<const Value> a) -> Result {
      const std::string why = set(u32_arg(a[0]), *a[1].get<bool>());
      return std::optional<Value>(led_result(why.empty(), why));
    });
    b.define("leds", "set-two", [set](std::span<const Value> a) -> Result {
      std::string why = set(u32_arg(a[0]), *a[1].get<bool>());
      if (why.empty()) why = set(u32_arg(a[2]), *a[3].get<bool>());
      return std::optional<Value>(led_result(why.empty(), why));
    });
  }
  if (caps.log) {
    b.define("logging", "log", [&caps](std::span<const Value> a) -> Result {
      caps.log(static_cast<LogLevel>(a[0].get<Value::Case>()->index), *a[1].get<std::string>());
      return done();
    });
  }
  if (caps.settings) {
    b.define("settings", "get", [&caps](std::span<const Value> a) -> Result {
      auto it = caps.settings->find(*a[0].get<std::string>());
      return std::optional<Value>(it == caps.settings->end() ? Value::none() : Value::some(to_value(it->second)));
    });
  }
  if (caps.now_ms) {
    b.define("clock", "now-ms", [&caps](std::span<const Value>) -> Result {
      return std::optional<Value>(Value(caps.now_ms()));
    });
  }
  if (caps.monotonic_ms) {
    b.define("clock", "monotonic-ms", [&caps](std::span<const Value>) -> Result {
      return std::optional<Value>(Value(caps.monotonic_ms()));
    });
  }
  if (!b.error.empty()) return unexpected(b.error);
  return Ok{};
}

WorldSummary summarize(const World& world) {
  WorldSummary s;
  auto short_name = [](const std::string& full) -> std::optional<std::string> {
    for (const auto& i : package().interfaces)
      if (i.qualified == full) return i.name;
    return std::nullopt;
  };
  for (const auto& [name, t] : world.imports) {
    if (auto n = short_name(name))
      s.imports.push_back(*n);
    else
      s.foreign_imports.push_back(name);
  }
  for (const auto& [name, t] : world.exports)
    if (auto n = short_name(name)) s.exports.push_back(*n);
  return s;
}

namespace {

Expected<ExportFunc, std::string> typed_export(const Instance& instance, const std::string& iface,
                                               const std::string& func) {
  auto f = instance.find_export(interface_name(iface) + "#" + func);
  if (!f) return f;
  const WitFunction* expected = function(iface, func);
  if (!expected || !same_signature(expected->type, f->type()))
    return unexpected(interface_name(iface) + "#" + func + ": the component exports " + to_wit(f->type()) +
                      " but the host expects " + (expected ? to_wit(expected->type) : std::string("nothing")));
  return f;
}

// result<string, string> -> PluginResult
PluginResult plugin_result(const std::optional<Value>& v) {
  const auto& c = *v->get<Value::Case>();
  const std::string text = *c.payload[0].get<std::string>();
  if (c.index == 0) return text;
  return unexpected(text);
}

}  // namespace

Expected<SensorLogic, std::string> SensorLogic::bind(const Instance& instance) {
  auto f = typed_export(instance, "sensor-logic", "poll");
  if (!f) return unexpected(f.error());
  SensorLogic s;
  s.poll_ = *f;
  return s;
}

Expected<PluginResult, wasm::Trap> SensorLogic::poll(Instance& instance, const io::SensorReading& sample) const {
  const Value args[] = {to_value(sample)};
  auto r = instance.call(poll_, args);
  if (!r) return unexpected(r.error());
  return plugin_result(*r);
}

Expected<DashboardRender, std::string> DashboardRender::bind(const Instance& instance) {
  auto f = typed_export(instance, "dashboard-render", "render");
  if (!f) return unexpected(f.error());
  DashboardRender d;
  d.render_ = *f;
  return d;
}

Expected<PluginResult, wasm::Trap> DashboardRender::render(Instance& instance, std::uint64_t generated_ms,
                                                           const std::vector<io::SensorReading>& readings,
                                                           const std::vector<PluginStatus>& plugins,
                                                           const std::vector<NodeReadings>& nodes) const {
  Value::List rs, ps, ns;
  for (const auto& r : readings) rs.push_back(to_value(r));
  for (const auto& p : plugins) ps.push_back(fields(p.name, p.healthy, p.message));
  for (const auto& n : nodes) {
    Value::List node_readings;
    for (const auto& r : n.readings) node_readings.push_back(to_value(r));
    ns.push_back(fields(to_value(n.node), std::move(node_readings)));
  }
  const Value args[] = {fields(generated_ms, std::move(rs), std::move(ps), std::move(ns))};
  auto r = instance.call(render_, args);
  if (!r) return unexpected(r.error());
  return plugin_result(*r);
}

std::optional<StateExport> StateExport::bind(const Instance& instance) {
  auto s = typed_export(instance, "state", "snapshot");
  auto r = typed_export(instance, "state", "restore");
  if (!s || !r) return std::nullopt;
  StateExport e;
  e.snapshot_ = *s;
  e.restore_ = *r;
  return e;
}

Expected<std::vector<std::uint8_t>, wasm::Trap> StateExport::snapshot(Instance& instance) const {
  auto r = instance.call(snapshot_, {});
  if (!r) return unexpected(r.error());
  std::vector<std::uint8_t> out;
  for (const auto& b : *(*r)->get<Value::List>()) out.push_back(static_cast<std::uint8_t>(*b.get<std::uint64_t>()));
  return out;
}

Expected<Expected<Ok, std::string>, wasm::Trap> StateExport::restore(Instance& instance,
                                                                     const std::vector<std::uint8_t>& data) const {
  Value::List bytes(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) bytes[i].data = static_cast<std::uint64_t>(data[i]);
  const Value args[] = {Value(std::move(bytes))};
  auto r = instance.call(restore_, args);
  if (!r) return unexpected(r.error());
  const auto& c = *(*r)->get<Value::Case>();
  if (c.index == 0) return Expected<Ok, std::string>(Ok{});
  return Expected<Ok, std::string>(unexpected(*c.payload[0].get<std::string>()));
}

}  // namespace sensorhost::component::plugin_api
