// The corpus (wat/corpus) computes the same with and without the fuel rewrite, and
// every infinite program is stopped by fuel.
#include <gmock/gmock.h>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

struct Program {
  const char* name;
  std::int64_t expected;  // worked out independently of the engine
};

const Program kCorpus[] = {
    {"sum_loop", 500500},
    {"fib_recursive", 6765},
    {"fib_iterative", 12586269025},
    {"factorial", 2432902008176640000},
    {"sieve", 1229},
    {"collatz", 111118},
    {"br_table_state", 277775},
    {"multi_value", 73113},
    {"call_indirect_ops", -7512462420994604841},
    {"globals", 135450},
    {"memory_bytes", 2186679513786},
    {"bulk_memory", -2031722226136797487},
    {"bubble_sort", 210836457},
    {"matrix", -6720},
    {"fnv1a", 4774620800949106213},
    {"newton_sqrt", 1414213562},
    {"ackermann", 23},
    {"nested_blocks", 20040080},
    {"select_minmax", 71983673355809298},
    {"bit_ops", 54792},
    {"mutual_recursion", 11},
    {"early_return", -957958},
    {"br_table_exit", 201051},
    {"unroll_shapes", 150932777498501},
};

std::int64_t run(const std::string& file, const Limits& limits, std::uint64_t* fuel_used = nullptr) {
  auto l = load(file, limits);
  constexpr std::uint64_t kBudget = 100'000'000;
  l.store->set_fuel(kBudget);
  auto r = l.call("run");
  EXPECT_TRUE(r) << file << ": " << (r ? "" : r.error().to_string());
  if (fuel_used) *fuel_used = kBudget - l.store->fuel();
  return r ? std::get<std::int64_t>((*r)[0]) : 0;
}

class Corpus : public ::testing::TestWithParam<Program> {};

TEST_P(Corpus, SameResultWithAndWithoutFuel) {
  std::string file = std::string("corpus/") + GetParam().name + ".wasm";
  std::uint64_t used = 0;
  std::int64_t metered = run(file, Limits{}, &used);
  std::int64_t plain = run(file, unmetered());
  EXPECT_EQ(metered, plain);
  EXPECT_EQ(metered, GetParam().expected);
  EXPECT_GT(used, 0u);
}

TEST_P(Corpus, RewrittenModuleIsValidAndKeepsItsInterface) {
  std::string file = std::string("corpus/") + GetParam().name + ".wasm";
  auto metered = compile_module(file);
  auto plain = compile_module(file, unmetered());
  ASSERT_TRUE(metered && plain);
  EXPECT_EQ(metered->imports().size(), plain->imports().size());
  ASSERT_EQ(metered->exports().size(), plain->exports().size());
  EXPECT_GT(metered->rewritten_bytes().size(), plain->rewritten_bytes().size());
  // The rewritten bytes are a module of their own (what a second backend would load).
  EXPECT_TRUE(compile(metered->rewritten_bytes(), file, unmetered()));
}

INSTANTIATE_TEST_SUITE_P(Wasm, Corpus, ::testing::ValuesIn(kCorpus),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CorpusSize, HasAtLeastTwentyPrograms) { EXPECT_GE(std::size(kCorpus), 20u); }

class Infinite : public ::testing::TestWithParam<std::tuple<const char*, std::vector<Value>>> {};

TEST_P(Infinite, StopsWithTheFuelTrap) {
  const auto& [export_name, args] = GetParam();
  auto store = Store::create();
  int ticks = 0;
  Extern tick = store->host_function(
      FuncType{},
      [&](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> {
        ++ticks;
        return Ok{};
      },
      "env.tick");
  auto l = load("infinite.wasm", Limits{}, {tick}, std::move(store));
  l.store->set_fuel(2'000);
  auto r = l.store->call(l.get(export_name), args);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::fuel_exhausted) << r.error().to_string();
  EXPECT_EQ(l.store->fuel(), 0u);
  if (std::string(export_name) == "host_loop") {
    EXPECT_GT(ticks, 10);
  }
}

INSTANTIATE_TEST_SUITE_P(Wasm, Infinite,
                         ::testing::Values(std::make_tuple("loop", std::vector<Value>{}),
                                           std::make_tuple("loop_br_if", std::vector<Value>{}),
                                           std::make_tuple("recursion", std::vector<Value>{std::int32_t{0}}),
                                           std::make_tuple("host_loop", std::vector<Value>{})),
                         [](const auto& info) { return std::string(std::get<0>(info.param)); });

}  // namespace
}  // namespace sensorhost::wasm::test
