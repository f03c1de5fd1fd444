// Memory and table caps, and fuel exhaustion.
#include <gmock/gmock.h>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

using ::testing::HasSubstr;

std::int32_t i32_of(const Expected<std::vector<Value>, Trap>& r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
  return r ? std::get<std::int32_t>((*r)[0]) : -999;
}

TEST(MemoryCap, GrowPastTheCapReturnsMinusOne) {
  Limits limits;
  limits.max_memory_pages = 4;
  auto l = load("memory.wasm", limits);
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{3}})), 1);  // 1 -> 4 pages
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{1}})), -1);
  EXPECT_EQ(i32_of(l.call("size")), 4);
  EXPECT_EQ(l.store->memory_size(l.get("memory")), 4u * 65536u);
}

TEST(MemoryCap, ExportedTypeShowsTheCap) {
  Limits limits;
  limits.max_memory_pages = 8;
  auto module = compile_module("memory.wasm", limits);
  ASSERT_TRUE(module);
  const auto& mem = std::get<MemoryType>(module->exports()[0].type);
  EXPECT_EQ(mem.min_pages, 1u);
  EXPECT_EQ(mem.max_pages, 8u);
}

TEST(MemoryCap, ModuleMaximumBelowTheCapIsKept) {
  auto l = load("memory_max.wasm");  // declares max 4, cap is 256
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{3}})), 1);
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{1}})), -1);
}

TEST(MemoryCap, InitialMemoryOverTheCapIsRefused) {
  auto m = compile(module_bytes("big_memory.wasm"), "big_memory.wasm", Limits{});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().source, "big_memory.wasm");
  EXPECT_THAT(m.error().reason, HasSubstr("starts at 300 pages"));
  EXPECT_THAT(m.error().reason, HasSubstr("at most 256"));
  Limits roomy;
  roomy.max_memory_pages = 300;
  EXPECT_TRUE(compile(module_bytes("big_memory.wasm"), "big_memory.wasm", roomy));
}

TEST(TableCap, GrowPastTheCapReturnsMinusOne) {
  Limits limits;
  limits.max_table_elements = 10;
  auto l = load("table_grow.wasm", limits);
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{9}})), 1);
  EXPECT_EQ(i32_of(l.call("grow", {std::int32_t{1}})), -1);
  // Without the cap a guest could ask for 2^32 - 1 entries of host memory at once.
  auto big = load("table_grow.wasm");
  EXPECT_EQ(i32_of(big.call("grow", {std::int32_t{-2}})), -1);
}

TEST(Fuel, ExhaustionTrapsWithItsOwnKind) {
  auto l = load("traps.wasm");
  l.store->set_fuel(3);
  auto r = l.call("div_zero", {std::int32_t{1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::fuel_exhausted);
  EXPECT_EQ(r.error().function, "divide");
  EXPECT_EQ(l.store->fuel(), 0u);
  // Still exhausted until the host sets a new budget.
  EXPECT_EQ(l.call("div_zero", {std::int32_t{1}}).error().kind, TrapKind::fuel_exhausted);
  l.store->set_fuel(100);
  EXPECT_EQ(i32_of(l.call("div_zero", {std::int32_t{1}})), 7);
}

// finite(n) runs its loop n + 1 times: fuel used is entry + (n + 1) * iteration.
class FuelOnFinite : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::create();
    Extern tick = store->host_function(FuncType{}, noop, "env.tick");
    l_ = load("infinite.wasm", Limits{}, {tick}, std::move(store));
  }
  static Expected<Ok, std::string> noop(Store&, std::span<const Value>, std::span<Value>) { return Ok{}; }
  std::uint64_t used(std::int32_t n, std::uint64_t budget = 1'000'000'000) {
    l_.store->set_fuel(budget);
    auto r = l_.call("finite", {n});
    EXPECT_TRUE(r) << r.error().to_string();
    return budget - l_.store->fuel();
  }
  Loaded l_;
};

TEST_F(FuelOnFinite, ChargesTheSizeOfTheCodeRun) {
  std::uint64_t u0 = used(0), u10 = used(10), u20 = used(20);
  EXPECT_GT(u0, 0u);
  EXPECT_GT(u10, u0);
  EXPECT_EQ(u20 - u10, u10 - u0);  // linear in iterations
  EXPECT_EQ(used(20), u20);        // deterministic
}

TEST_F(FuelOnFinite, ExactBudgetSucceedsAndOneLessTraps) {
  std::uint64_t need = used(50);
  EXPECT_EQ(used(50, need), need);
  EXPECT_EQ(l_.store->fuel(), 0u);
  l_.store->set_fuel(need - 1);
  auto r = l_.call("finite", {std::int32_t{50}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::fuel_exhausted);
}

// Budgets larger than the in-guest counter holds are topped up as they run out.
TEST_F(FuelOnFinite, LargeBudgetsAreToppedUpExactly) {
  std::uint64_t u0 = used(0), u1 = used(1);
  std::int32_t n = 600'000;  // several top-ups
  std::uint64_t expected = u0 + static_cast<std::uint64_t>(n) * (u1 - u0);
  EXPECT_EQ(used(n, std::uint64_t{1} << 40), expected);
  EXPECT_EQ(used(n, expected), expected);
  l_.store->set_fuel(expected - 1);
  auto r = l_.call("finite", {n});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::fuel_exhausted);
}

TEST_F(FuelOnFinite, UnmeteredModulesIgnoreFuel) {
  auto store = Store::create();
  Extern tick = store->host_function(FuncType{}, noop, "env.tick");
  auto l = load("infinite.wasm", unmetered(), {tick}, std::move(store));
  l.store->set_fuel(1);
  auto r = l.call("finite", {std::int32_t{100}});
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<std::int32_t>((*r)[0]), 100);
  EXPECT_EQ(l.store->fuel(), 1u);
}

}  // namespace
}  // namespace sensorhost::wasm::test
