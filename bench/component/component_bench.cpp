// Rows:
//   component/poll                one poll through the Canonical ABI with a plugin that does
//                                 nothing else: a reading record in, result<string, string> out
//   component/poll_dht22          one poll through the Canonical ABI: a reading record in,
//                                 result<string, string> out (the dht22 plugin, which also
//                                 calls settings.get twice and leds.set-led)
//   component/echo_everything     a 23-field record (spilled param and result) through an
//                                 export and back through a host import
//   component/abi_lower_lift_reading  host-side cost only: lower + lift a reading (no guest)
//   component/load_instantiate    Component::load + Instance::instantiate of dht22.wasm
//   component/instantiate         Instance::instantiate of an already loaded component
#include <benchmark/benchmark.h>

#include <fstream>

#include "component/abi.hpp"
#include "component/plugin_api.hpp"
#include "component/component_test_support.hpp"

namespace {

using namespace sensorhost;
using namespace sensorhost::component;

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

io::SensorReading sample() {
  return io::ok_reading("dht22", io::ReadingSource::sim, io::WallClock::now(),
                        {{"temperature", 23.5, "C"}, {"humidity", 41.0, "%RH"}});
}

struct PluginHost {
  io::LedBuffer leds{4};
  plugin_api::HostCapabilities caps;
  Linker linker;
  PluginHost() {
    caps.leds = &leds;
    caps.log = [](plugin_api::LogLevel, const std::string&) {};
    caps.settings = std::map<std::string, config::SettingValue>{{"led", std::int64_t{1}}};
    caps.latest = [](const std::string&) { return std::optional<io::SensorReading>(); };
    caps.now_ms = [] { return std::uint64_t{0}; };
    caps.monotonic_ms = [] { return std::uint64_t{0}; };
    if (!plugin_api::bind(linker, caps)) std::abort();
  }
};

void poll(benchmark::State& state, const std::filesystem::path& file) {
  PluginHost host;
  auto c = Component::load_file(file);
  auto inst = Instance::instantiate(*c, host.linker);
  auto logic = plugin_api::SensorLogic::bind(**inst);
  const auto reading = sample();
  for (auto _ : state) {
    (*inst)->store().set_fuel(10'000'000);
    auto r = logic->poll(**inst, reading);
    if (!r || !*r) state.SkipWithError("poll failed");
    benchmark::DoNotOptimize(r);
  }
  state.counters["guest_memory_KiB"] = static_cast<double>((*inst)->memory_bytes()) / 1024.0;
}
BENCHMARK_CAPTURE(poll, minimal, std::filesystem::path(SENSORHOST_BENCH_MINIMAL_POLL))->Name("component/poll");
BENCHMARK_CAPTURE(poll, dht22, test::plugin_component("dht22"))->Name("component/poll_dht22");

void echo_everything(benchmark::State& state) {
  std::vector<std::string> calls;
  auto c = Component::load_file(test::conformance_component());
  Linker linker = test::echo_linker(**c, calls);
  auto inst = Instance::instantiate(*c, linker);
  auto f = (*inst)->find_export("sensorhost:conformance/guest@0.1.0#echo-everything");
  const TypeRef t = f->type().params[0].type;
  using nlohmann::json;
  const auto arg = from_json(
      t, {{"b", true}, {"small", -3}, {"byte", 250}, {"short", -300}, {"ushort", 60000}, {"int", -70000},
          {"uint", 4000000000ULL}, {"long", -5000000000LL}, {"ulong", 10000000000ULL}, {"single", 0.5},
          {"double", 1e-10}, {"c", "x"}, {"s", "text"}, {"bytes", json::array({0, 1, 255})},
          {"p", {{"x", 3}, {"y", 4}}}, {"t", json::array({1, "one", 1.0})}, {"sh", {{"label", "L"}}},
          {"co", "green"}, {"o", "opt"}, {"r", {{"err", "e"}}}, {"pe", json::array({"write"})},
          {"m", json::array({"f3", "f16"})}, {"words", json::array({"w1", "w2"})}});
  if (!arg) {
    state.SkipWithError(arg.error().c_str());
    return;
  }
  const Value args[] = {*arg};
  for (auto _ : state) {
    calls.clear();
    (*inst)->store().set_fuel(10'000'000);
    auto r = (*inst)->call(*f, args);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(echo_everything)->Name("component/echo_everything");

void abi_lower_lift_reading(benchmark::State& state) {
  VectorMemory mem(1 << 16);
  const auto& pkg = plugin_api::package();
  const TypeRef t = pkg.find_interface("sensor-logic")->find_function("poll")->type.params[0].type;
  const Value v = plugin_api::to_value(sample());
  for (auto _ : state) {
    mem.reset();
    CoreValues flat;
    if (!lower_flat(mem, t, v, flat)) state.SkipWithError("lower failed");
    std::size_t pos = 0;
    auto back = lift_flat(mem, t, flat, pos);
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(abi_lower_lift_reading)->Name("component/abi_lower_lift_reading");

void load_instantiate(benchmark::State& state) {
  PluginHost host;
  const auto bytes = read(test::plugin_component("dht22"));
  for (auto _ : state) {
    auto c = Component::load(bytes, "dht22.wasm");
    auto inst = Instance::instantiate(*c, host.linker);
    if (!inst) state.SkipWithError("instantiate failed");
    benchmark::DoNotOptimize(inst);
  }
  state.counters["component_KiB"] = static_cast<double>(bytes.size()) / 1024.0;
}
BENCHMARK(load_instantiate)->Name("component/load_instantiate")->Unit(benchmark::kMicrosecond);

void instantiate(benchmark::State& state) {
  PluginHost host;
  auto c = Component::load_file(test::plugin_component("dht22"));
  for (auto _ : state) {
    auto inst = Instance::instantiate(*c, host.linker);
    if (!inst) state.SkipWithError("instantiate failed");
    benchmark::DoNotOptimize(inst);
  }
}
BENCHMARK(instantiate)->Name("component/instantiate")->Unit(benchmark::kMicrosecond);

}  // namespace
