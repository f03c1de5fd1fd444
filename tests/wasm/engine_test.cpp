// The engine interface: describing modules, linking imports, host functions,
// re-entry, memory and global access.
#include <gmock/gmock.h>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

using ::testing::HasSubstr;

const FuncType kAddType{{ValueType::i32, ValueType::i32}, {ValueType::i32}};
const FuncType kVoidType{{}, {}};

struct ImportsFixture {
  ImportsFixture() { store->set_fuel(kTestFuel); }
  std::unique_ptr<Store> store = Store::create();
  Extern add = store->host_function(
      kAddType,
      [](Store&, std::span<const Value> args, std::span<Value> results) -> Expected<Ok, std::string> {
        results[0] = std::get<std::int32_t>(args[0]) + std::get<std::int32_t>(args[1]);
        return Ok{};
      },
      "env.add");
  Extern fail = store->host_function(
      kVoidType,
      [](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> {
        return unexpected(std::string("sensor unplugged"));
      },
      "env.fail");

  // Instantiates imports.wasm with `imports`, which must fail to link.
  Trap link_failure(std::vector<Extern> imports) {
    auto module = compile_module("imports.wasm");
    auto r = store->instantiate(*module, imports);
    EXPECT_FALSE(r) << "linked";
    if (r) return Trap{};
    EXPECT_EQ(r.error().kind, TrapKind::link_error);
    return r.error();
  }
};

// A global to import: taken from exporter.wat in the same store.
Extern exported(Store& store, const std::string& module_name, std::string_view name) {
  auto module = compile_module(module_name);
  auto inst = store.instantiate(*module, {});
  EXPECT_TRUE(inst);
  return store.export_of(*inst, name).value_or(Extern{});
}

TEST(Engine, DescribesImportsAndExportsWithoutTheFuelPlumbing) {
  auto module = compile_module("imports.wasm");
  ASSERT_TRUE(module);
  ASSERT_EQ(module->imports().size(), 3u);
  EXPECT_EQ(module->imports()[0].module, "env");
  EXPECT_EQ(module->imports()[0].name, "add");
  EXPECT_EQ(std::get<FuncType>(module->imports()[0].type), kAddType);
  EXPECT_EQ(to_string(module->imports()[2].type), "global const i32");
  ASSERT_EQ(module->exports().size(), 2u);
  EXPECT_EQ(module->exports()[0].name, "add_scaled");
  EXPECT_EQ(to_string(module->exports()[0].type), "func (i32, i32) -> (i32)");
  EXPECT_TRUE(module->limits().metering);
}

TEST(Engine, BindsImportsByNameAndType) {
  ImportsFixture f;
  auto module = compile_module("imports.wasm");
  ImportMap offered;  // in another order than the module's imports, with an extra one
  offered.add("env", "scale", exported(*f.store, "exporter.wasm", "scale"));
  offered.add("env", "unused", f.fail);
  offered.add("env", "fail", f.fail);
  offered.add("env", "add", f.add);
  auto imports = offered.resolve(*module);
  ASSERT_TRUE(imports) << imports.error().to_string();
  auto inst = f.store->instantiate(*module, *imports);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = f.store->call(*f.store->export_of(*inst, "add_scaled"), std::vector<Value>{2, 5});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(std::get<std::int32_t>((*r)[0]), 21);
  auto failed = f.store->call(*f.store->export_of(*inst, "call_fail"), {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, TrapKind::host_error);
  EXPECT_THAT(failed.error().message, HasSubstr("'env.fail': sensor unplugged"));
  EXPECT_EQ(failed.error().function, "calls_fail");
}

TEST(Engine, MissingImportIsALinkErrorNamingItAndItsType) {
  ImportsFixture f;
  ImportMap offered;
  offered.add("env", "add", f.add);
  offered.add("env", "fail", f.fail);
  auto r = offered.resolve(*compile_module("imports.wasm"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::link_error);
  EXPECT_EQ(r.error().message, "imports.wasm: missing import 'env'.'scale' (global const i32)");
}

TEST(Engine, LinkErrorOnGlobalMutabilityMismatch) {
  ImportsFixture f;
  Trap t = f.link_failure({f.add, f.fail, exported(*f.store, "exporter.wasm", "counter")});
  EXPECT_THAT(t.message, HasSubstr("'env'.'scale'"));
  EXPECT_THAT(t.message, HasSubstr("global const i32"));
  EXPECT_THAT(t.message, HasSubstr("global mut i32"));
}

TEST(Engine, LinkErrorNamesTheImportAndBothSignatures) {
  ImportsFixture f;
  Extern wrong = f.store->host_function(
      FuncType{{ValueType::i64}, {}},
      [](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> { return Ok{}; }, "wrong");
  Trap t = f.link_failure({wrong, f.fail, exported(*f.store, "exporter.wasm", "scale")});
  EXPECT_THAT(t.message, HasSubstr("'env'.'add'"));
  EXPECT_THAT(t.message, HasSubstr("func (i32, i32) -> (i32)"));
  EXPECT_THAT(t.message, HasSubstr("func (i64) -> ()"));
}

TEST(Engine, LinkErrorOnWrongKindAndCount) {
  ImportsFixture f;
  Trap kind = f.link_failure({exported(*f.store, "exporter.wasm", "memory"), f.fail, f.fail});
  EXPECT_THAT(kind.message, HasSubstr("expected func (i32, i32) -> (i32), got a memory"));
  EXPECT_THAT(f.link_failure({f.add}).message, HasSubstr("needs 3 imports, got 1"));
}

TEST(Engine, RefusesHandlesFromAnotherStore) {
  ImportsFixture f;
  ImportsFixture other;
  Trap t = f.link_failure({other.add, f.fail, exported(*f.store, "exporter.wasm", "scale")});
  EXPECT_THAT(t.message, HasSubstr("does not belong to this store"));
  EXPECT_FALSE(f.store->func_type(other.add));
}

TEST(Engine, LinksInstancesThroughTablesMemoriesGlobalsAndFunctions) {
  auto store = Store::create();
  store->set_fuel(kTestFuel);
  auto exporter = compile_module("exporter.wasm");
  auto importer = compile_module("importer.wasm");
  auto x = store->instantiate(*exporter, {});
  ASSERT_TRUE(x);
  std::vector<Extern> imports;
  for (const char* name : {"memory", "table", "counter", "double"}) imports.push_back(*store->export_of(*x, name));
  auto y = store->instantiate(*importer, imports);
  ASSERT_TRUE(y) << y.error().to_string();
  auto r = store->call(*store->export_of(*y, "run"), std::vector<Value>{21});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(std::get<std::int32_t>((*r)[0]), 42);  // through the table the elem segment filled
  EXPECT_EQ(std::get<std::int32_t>(*store->global_get(imports[2])), 6);
  std::array<std::uint8_t, 4> word{};
  ASSERT_TRUE(store->memory_read(imports[0], 0, word));
  EXPECT_EQ(word, (std::array<std::uint8_t, 4>{4, 3, 2, 1}));
}

// Runs infinite.wasm's host_loop, which calls env.tick = `tick` until it traps.
Trap host_loop_trap(HostCallback tick) {
  auto store = Store::create();
  Extern f = store->host_function(kVoidType, std::move(tick), "env.tick");
  auto l = load("infinite.wasm", Limits{}, {f}, std::move(store));
  auto r = l.call("host_loop");
  EXPECT_FALSE(r) << "host_loop returned";
  return r ? Trap{} : r.error();
}

TEST(Engine, HostFunctionTrapCarriesHostErrorAndCaller) {
  Trap t = host_loop_trap([](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> {
    return unexpected(std::string("sensor unplugged"));
  });
  EXPECT_EQ(t.kind, TrapKind::host_error);
  EXPECT_THAT(t.message, HasSubstr("'env.tick': sensor unplugged"));
  EXPECT_EQ(t.function, "poll");
}

TEST(Engine, HostFunctionExceptionBecomesHostError) {
  Trap t = host_loop_trap([](Store&, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> {
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(t.kind, TrapKind::host_error);
  EXPECT_THAT(t.message, HasSubstr("threw: boom"));
}

TEST(Engine, HostFunctionWithWrongResultTypeTraps) {
  auto store = Store::create();
  Extern ask = store->host_function(
      FuncType{{ValueType::i32}, {ValueType::i32}},
      [](Store&, std::span<const Value>, std::span<Value> results) -> Expected<Ok, std::string> {
        results[0] = std::int64_t{1};
        return Ok{};
      },
      "host.ask");
  auto l = load("reentry.wasm", Limits{}, {ask}, std::move(store));
  auto r = l.call("run", {std::int32_t{4}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::host_error);
  EXPECT_THAT(r.error().message, HasSubstr("returned i64 as result 0, declared i32"));
}

// host.ask(n) calls the guest's alloc(n) (as the Canonical ABI calls cabi_realloc),
// writes a byte there and returns the pointer.
TEST(Engine, HostFunctionsMayCallBackIntoTheGuest) {
  auto store = Store::create();
  Store* raw = store.get();
  std::optional<Extern> alloc, memory;
  Extern ask = store->host_function(
      FuncType{{ValueType::i32}, {ValueType::i32}},
      [&](Store& s, std::span<const Value> args, std::span<Value> results) -> Expected<Ok, std::string> {
        EXPECT_EQ(&s, raw);
        auto p = s.call(*alloc, std::vector<Value>{args[0]});
        if (!p) return unexpected(p.error().to_string());
        std::uint8_t byte = 99;
        auto ptr = static_cast<std::uint32_t>(std::get<std::int32_t>((*p)[0]));
        if (!s.memory_write(*memory, ptr, std::span(&byte, 1))) return unexpected(std::string("bad pointer"));
        results[0] = (*p)[0];
        return Ok{};
      },
      "host.ask");
  auto l = load("reentry.wasm", Limits{}, {ask}, std::move(store));
  alloc = l.get("alloc");
  memory = l.get("memory");
  l.store->set_fuel(10'000);
  auto r = l.call("run", {std::int32_t{16}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(std::get<std::int32_t>((*r)[0]), 99);
  std::uint64_t after = l.store->fuel();
  EXPECT_LT(after, 10'000u);  // both the outer run and the nested alloc charged
  EXPECT_GT(after, 9'900u);
}

TEST(Engine, NestedFuelExhaustionIsReportedToTheHostCallback) {
  auto store = Store::create();
  std::optional<Extern> spin;
  std::optional<Trap> nested;
  Extern ask = store->host_function(
      FuncType{{ValueType::i32}, {ValueType::i32}},
      [&](Store& s, std::span<const Value>, std::span<Value>) -> Expected<Ok, std::string> {
        auto r = s.call(*spin, {});
        if (!r) nested = r.error();
        return unexpected(std::string("nested call failed"));
      },
      "host.ask");
  auto l = load("reentry.wasm", Limits{}, {ask}, std::move(store));
  spin = l.get("spin");
  l.store->set_fuel(5'000);
  auto r = l.call("run", {std::int32_t{1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, TrapKind::host_error);
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->kind, TrapKind::fuel_exhausted);
  EXPECT_EQ(l.store->fuel(), 0u);
  // The store keeps working after traps at both depths.
  l.store->set_fuel(5'000);
  auto size = l.store->call(*l.store->export_of(l.instance, "alloc"), std::vector<Value>{std::int32_t{8}});
  ASSERT_TRUE(size) << size.error().to_string();
}

TEST(Engine, DeepHostGuestReentryIsRefused) {
  auto store = Store::create();
  std::optional<Extern> run;
  int depth = 0;
  Extern ask = store->host_function(
      FuncType{{ValueType::i32}, {ValueType::i32}},
      [&](Store& s, std::span<const Value> args, std::span<Value>) -> Expected<Ok, std::string> {
        ++depth;
        auto r = s.call(*run, std::vector<Value>{args[0]});
        if (!r) return unexpected(r.error().message);
        return Ok{};
      },
      "host.ask");
  auto l = load("reentry.wasm", Limits{}, {ask}, std::move(store));
  run = l.get("run");
  auto r = l.call("run", {std::int32_t{1}});
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("re-entered"));
  EXPECT_EQ(depth, 64);
}

TEST(Engine, MemoryAccessIsBoundsChecked) {
  auto l = load("memory.wasm");
  Extern memory = l.get("memory");
  EXPECT_EQ(l.store->memory_size(memory), 65536u);
  std::array<std::uint8_t, 5> hello{};
  ASSERT_TRUE(l.store->memory_read(memory, 16, hello));
  EXPECT_EQ(std::string(hello.begin(), hello.end()), "hello");
  std::array<std::uint8_t, 2> two{};
  EXPECT_TRUE(l.store->memory_read(memory, 65534, two));
  EXPECT_FALSE(l.store->memory_read(memory, 65535, two));
  EXPECT_FALSE(l.store->memory_read(memory, std::uint64_t{1} << 63, two));
  EXPECT_FALSE(l.store->memory_write(memory, 65535, two));
  std::uint8_t seven = 7;
  ASSERT_TRUE(l.store->memory_write(memory, 100, std::span(&seven, 1)));
  EXPECT_EQ(std::get<std::int32_t>((*l.call("load", {std::int32_t{100}}))[0]), 7);
  // The memory moves when it grows: access goes through the store, never a cached pointer.
  ASSERT_TRUE(l.call("grow", {std::int32_t{3}}));
  EXPECT_EQ(l.store->memory_size(memory), 4u * 65536u);
  ASSERT_TRUE(l.call("store", {std::int32_t{200000}, std::int32_t{5}}));
  std::uint8_t got = 0;
  ASSERT_TRUE(l.store->memory_read(memory, 200000, std::span(&got, 1)));
  EXPECT_EQ(got, 5);
  EXPECT_EQ(l.store->memory_size(l.get("load")), 0u);  // not a memory
}

TEST(Engine, GlobalsReadAndWriteWithTypeChecks) {
  auto l = load("exporter.wasm");
  Extern counter = l.get("counter");
  Extern fixed = l.get("fixed");
  EXPECT_EQ(std::get<std::int32_t>(*l.store->global_get(counter)), 5);
  EXPECT_EQ(std::get<std::int64_t>(*l.store->global_get(fixed)), 7);
  EXPECT_TRUE(l.store->global_set(counter, std::int32_t{9}));
  EXPECT_EQ(std::get<std::int32_t>(*l.store->global_get(counter)), 9);
  EXPECT_FALSE(l.store->global_set(counter, std::int64_t{9}));  // wrong type
  EXPECT_FALSE(l.store->global_set(fixed, std::int64_t{1}));    // immutable
}

TEST(Engine, CallChecksArguments) {
  auto l = load("exporter.wasm");
  auto wrong_type = l.call("double", {std::int64_t{1}});
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(wrong_type.error().kind, TrapKind::other);
  EXPECT_THAT(wrong_type.error().message, HasSubstr("argument 0 is i64, expected i32"));
  auto wrong_count = l.call("double", {});
  ASSERT_FALSE(wrong_count);
  EXPECT_THAT(wrong_count.error().message, HasSubstr("takes 1 arguments"));
  auto not_func = l.store->call(l.get("memory"), {});
  ASSERT_FALSE(not_func);
  EXPECT_THAT(not_func.error().message, HasSubstr("not a function"));
  EXPECT_EQ(l.store->func_type(l.get("double")), (FuncType{{ValueType::i32}, {ValueType::i32}}));
  EXPECT_FALSE(l.store->export_of(l.instance, "missing"));
}

TEST(Engine, CallIntoWritesResultsInPlace) {
  auto l = load("exporter.wasm");
  std::array<Value, 1> out{};
  std::array<Value, 1> args{std::int32_t{8}};
  ASSERT_TRUE(l.store->call_into(l.get("double"), args, out));
  EXPECT_EQ(std::get<std::int32_t>(out[0]), 16);
}

TEST(Engine, StartFunctionRunsAtInstantiation) {
  auto l = load("start.wasm");
  EXPECT_EQ(std::get<std::int32_t>(*l.store->global_get(l.get("g"))), 42);
}

TEST(Engine, FuelIsSetAndReportedPerStore) {
  auto store = Store::create();
  store->set_fuel(123);
  EXPECT_EQ(store->fuel(), 123u);
  store->set_fuel(std::uint64_t{1} << 40);  // beyond the in-guest counter's range
  EXPECT_EQ(store->fuel(), std::uint64_t{1} << 40);
}

}  // namespace
}  // namespace sensorhost::wasm::test
