// Engine costs that plugin calls pay every cycle: a small export call, a host import
// round trip, loading a plugin-sized module, and loop throughput with and without fuel.
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "wasm/engine.hpp"

namespace {

using namespace sensorhost;
using namespace sensorhost::wasm;

constexpr std::uint64_t kFuel = std::uint64_t{1} << 50;

std::vector<std::uint8_t> read_module(const char* name) {
  std::ifstream in(std::string(SENSORHOST_BENCH_MODULES) + "/" + name, std::ios::binary);
  if (!in) {
    std::cerr << "bench-wasm: missing " << name << "\n";
    std::abort();
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class T>
T need(Expected<T, Trap> r) {
  if (!r) {
    std::cerr << "bench-wasm: " << r.error().to_string() << "\n";
    std::abort();
  }
  return std::move(*r);
}

Expected<Ok, std::string> read_sensor(Store&, std::span<const Value> args, std::span<Value> results) {
  results[0] = static_cast<float>(std::get<std::int32_t>(args[0])) + 0.5f;
  return Ok{};
}

// WASI fd functions pulled in by snprintf's stdio: never called, return EBADF.
Expected<Ok, std::string> wasi_stub(Store&, std::span<const Value>, std::span<Value> results) {
  results[0] = std::int32_t{8};
  return Ok{};
}

struct Plugin {
  std::unique_ptr<Store> store = Store::create();
  Instance instance;

  Plugin(const std::vector<std::uint8_t>& bytes, bool metering) {
    Limits limits;
    limits.metering = metering;
    auto module = compile(bytes, "plugin.wasm", limits);
    if (!module) {
      std::cerr << module.error().to_string() << "\n";
      std::abort();
    }
    std::vector<Extern> imports;
    for (const auto& i : (*module)->imports()) {
      const auto& type = std::get<FuncType>(i.type);
      imports.push_back(store->host_function(type, i.module == "host" ? read_sensor : wasi_stub, i.name));
    }
    store->set_fuel(kFuel);
    instance = need(store->instantiate(**module, imports));
    if (auto init = store->export_of(instance, "_initialize")) need(store->call(*init, {}));
  }
  Extern get(const char* name) const { return *store->export_of(instance, name); }
};

const std::vector<std::uint8_t>& plugin_bytes() {
  static const auto bytes = read_module("plugin.wasm");
  return bytes;
}

// Calls one export of the (metered) plugin repeatedly without allocating.
template <std::size_t N>
void call_repeatedly(benchmark::State& state, const char* export_name, std::array<Value, N> args) {
  Plugin p(plugin_bytes(), true);
  Extern f = p.get(export_name);
  std::array<Value, 1> out{};
  for (auto _ : state) {
    need(p.store->call_into(f, args, out));
    benchmark::DoNotOptimize(out);
  }
}

// add(i32, i32) -> i32: the fixed cost of entering and leaving the guest.
void call_small_export(benchmark::State& state) {
  call_repeatedly<2>(state, "add", {std::int32_t{1}, std::int32_t{2}});
}
BENCHMARK(call_small_export)->Name("wasm/call_small_export");

// The same through Store::call, which returns a std::vector.
void call_small_export_vector(benchmark::State& state) {
  Plugin p(plugin_bytes(), true);
  Extern add = p.get("add");
  std::vector<Value> args{std::int32_t{1}, std::int32_t{2}};
  for (auto _ : state) benchmark::DoNotOptimize(need(p.store->call(add, args)));
}
BENCHMARK(call_small_export_vector)->Name("wasm/call_small_export_vector");

// poll(id) calls the host's read_sensor(id): guest -> host -> guest.
void host_import_roundtrip(benchmark::State& state) { call_repeatedly<1>(state, "poll", {std::int32_t{3}}); }
BENCHMARK(host_import_roundtrip)->Name("wasm/host_import_roundtrip");

void load_instantiate(benchmark::State& state) {
  const auto& bytes = plugin_bytes();
  for (auto _ : state) {
    Plugin p(bytes, true);
    benchmark::DoNotOptimize(p.instance);
  }
  state.counters["module_kb"] = static_cast<double>(bytes.size()) / 1024.0;
}
BENCHMARK(load_instantiate)->Name("wasm/load_instantiate_plugin")->Unit(benchmark::kMicrosecond);

// Runs `export_name(arg)` metered and unmetered; the timed loop runs the metered (or
// plain) variant, and the metered row also reports the overhead against plain code
// measured right before it.
struct LoopCase {
  const char* module;
  const char* export_name;
  std::int32_t arg;
};

double seconds_per_call(Plugin& p, Extern f, std::int32_t arg, int calls) {
  std::array<Value, 1> args{arg};
  std::array<Value, 1> out{};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) need(p.store->call_into(f, args, out));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / calls;
}

std::unique_ptr<Plugin> plugin_for(const LoopCase& c, bool metering) {
  static const auto loop_bytes = read_module("tight_loop.wasm");
  return std::make_unique<Plugin>(std::string(c.module) == "plugin" ? plugin_bytes() : loop_bytes, metering);
}

void loop(benchmark::State& state, LoopCase c, bool metering) {
  auto p = plugin_for(c, metering);
  Extern f = p->get(c.export_name);
  std::array<Value, 1> args{c.arg};
  std::array<Value, 1> out{};
  std::uint64_t fuel_used = 0;
  for (auto _ : state) {
    p->store->set_fuel(kFuel);
    need(p->store->call_into(f, args, out));
    fuel_used = kFuel - p->store->fuel();
  }
  if (!metering) return;
  state.counters["fuel_per_call"] = static_cast<double>(fuel_used);
  // Alternate plain and metered runs so both see the same machine load.
  auto plain = plugin_for(c, false);
  Extern plain_f = plain->get(c.export_name);
  double t_plain = 1e300, t_metered = 1e300;
  for (int round = 0; round < 5; ++round) {
    t_plain = std::min(t_plain, seconds_per_call(*plain, plain_f, c.arg, 20));
    t_metered = std::min(t_metered, seconds_per_call(*p, f, c.arg, 20));
  }
  state.counters["fuel_overhead_pct"] = (t_metered / t_plain - 1.0) * 100.0;
}

const LoopCase kPluginWork{"plugin", "work", 20};
const LoopCase kTightLoop{"tight_loop", "count", 10000};

BENCHMARK_CAPTURE(loop, plugin_plain, kPluginWork, false)->Name("wasm/loop_plugin_work_plain")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(loop, plugin_fuel, kPluginWork, true)->Name("wasm/loop_plugin_work_fuel")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(loop, tight_plain, kTightLoop, false)->Name("wasm/loop_tight_plain")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(loop, tight_fuel, kTightLoop, true)->Name("wasm/loop_tight_fuel")->Unit(benchmark::kMicrosecond);

}  // namespace
