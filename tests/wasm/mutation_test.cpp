// Thousands of randomly damaged valid modules go through compile and instantiate:
// each must come back as an error or a working instance, never a crash (run it under
// ASan: the sanitizer build runs the same test).
#include <random>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

std::vector<std::uint8_t> damage(std::vector<std::uint8_t> bytes, std::mt19937& rng) {
  std::uniform_int_distribution<int> kind(0, 3);
  std::uniform_int_distribution<int> count(1, 4);
  for (int n = count(rng); n > 0 && !bytes.empty(); --n) {
    std::uniform_int_distribution<std::size_t> pos(0, bytes.size() - 1);
    std::size_t at = pos(rng);
    switch (kind(rng)) {
      case 0: bytes[at] = static_cast<std::uint8_t>(rng()); break;            // random byte
      case 1: bytes[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;  // bit flip
      case 2: bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at)); break;
      default: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
    }
  }
  return bytes;
}

// Instantiates with host functions of the declared types for every imported function
// (other imports cannot be provided, so those modules only go through compile).
void exercise(const CompiledModule& module) {
  auto store = Store::create();
  std::vector<Extern> imports;
  for (const auto& i : module.imports()) {
    const auto* type = std::get_if<FuncType>(&i.type);
    if (!type) return;
    imports.push_back(store->host_function(
        *type, [](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> { return Ok{}; },
        i.name));
  }
  store->set_fuel(20'000);
  auto inst = store->instantiate(module, imports);
  if (!inst) return;
  for (const auto& e : module.exports()) {
    const auto* type = std::get_if<FuncType>(&e.type);
    if (!type) continue;
    std::vector<Value> args;
    for (ValueType t : type->params) args.push_back(t == ValueType::i32 ? Value{std::int32_t{1}} : Value{std::int64_t{1}});
    bool typed = std::all_of(type->params.begin(), type->params.end(),
                             [](ValueType t) { return t == ValueType::i32 || t == ValueType::i64; });
    if (typed) (void)store->call(*store->export_of(*inst, e.name), args);
  }
}

TEST(Mutation, DamagedModulesNeverCrash) {
  const char* seeds[] = {"traps.wasm", "imports.wasm", "importer.wasm", "reentry.wasm", "corpus/sieve.wasm",
                         "corpus/br_table_state.wasm", "corpus/call_indirect_ops.wasm", "corpus/multi_value.wasm"};
  std::mt19937 rng(20261121);  // fixed: the same damage every run
  int rejected = 0, accepted = 0;
  for (const char* seed : seeds) {
    auto original = module_bytes(seed);
    for (int i = 0; i < 1000; ++i) {
      auto m = compile(damage(original, rng), seed, Limits{});
      if (!m) {
        ++rejected;
        EXPECT_FALSE(m.error().reason.empty());
        continue;
      }
      ++accepted;
      exercise(**m);
    }
  }
  EXPECT_GT(rejected, 4000);  // most damage is caught by the loader
  EXPECT_GT(accepted, 0);     // and some survives to run
}

}  // namespace
}  // namespace sensorhost::wasm::test
