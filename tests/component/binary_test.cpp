// The component binary parser: real components from the pipeline, hand-made ones for
// refused features, and malformed bytes (truncated, corrupted) that must give errors.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "component/binary.hpp"
#include "component/component.hpp"
#include "component_test_support.hpp"

namespace sensorhost::component {
namespace {

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> component_with(std::uint8_t section, std::vector<std::uint8_t> body) {
  std::vector<std::uint8_t> b = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, section,
                                 static_cast<std::uint8_t>(body.size())};
  for (auto x : body) b.push_back(x);
  return b;
}

void leb(std::vector<std::uint8_t>& out, std::uint32_t v) {
  do {
    std::uint8_t b = v & 0x7f;
    v >>= 7;
    // s33 type indices: keep bit 6 clear in the last byte so the value stays positive.
    if (v || (b & 0x40)) b |= 0x80;
    out.push_back(b);
    if (!v && (b & 0x40) && (b & 0x80)) {
      out.push_back(0);
      break;
    }
  } while (v);
}

// A type section of `n` types where type i is built from type i-1.
std::vector<std::uint8_t> type_chain(std::uint32_t n, bool tuple_of_two) {
  std::vector<std::uint8_t> body;
  leb(body, n);
  body.push_back(0x7d);  // type 0: u8
  for (std::uint32_t i = 1; i < n; ++i) {
    if (tuple_of_two) {
      body.push_back(0x6f);
      body.push_back(2);
      leb(body, i - 1);
      leb(body, i - 1);
    } else {
      body.push_back(0x70);
      leb(body, i - 1);
    }
  }
  std::vector<std::uint8_t> b = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 7};
  leb(b, static_cast<std::uint32_t>(body.size()));
  for (auto x : body) b.push_back(x);
  return b;
}

std::string parse_error(const std::vector<std::uint8_t>& bytes) {
  auto r = parse_component(bytes, "test.wasm");
  return r ? "" : r.error().to_string();
}

TEST(ComponentBinary, ParsesEveryPipelineComponent) {
  for (const char* name : {"dht22", "bme680", "pi-monitor", "dashboard"}) {
    auto bytes = read(test::plugin_component(name));
    ASSERT_FALSE(bytes.empty()) << name;
    auto ast = parse_component(bytes, name);
    ASSERT_TRUE(ast) << ast.error().to_string();
    std::size_t modules = 0, nested = 0;
    for (const auto& item : (*ast)->items) {
      modules += std::holds_alternative<CoreModuleDef>(item.def);
      nested += std::holds_alternative<std::shared_ptr<const ComponentAst>>(item.def);
    }
    EXPECT_EQ(modules, 3u) << name << ": main, shim and fixup modules";
    EXPECT_GE(nested, 1u) << name << ": one shim component per exported interface";
  }
}

TEST(ComponentBinary, EmptyComponentHasAnEmptyWorld) {
  const std::vector<std::uint8_t> empty = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  auto c = Component::load(empty, "empty.wasm");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE((*c)->world().imports.empty());
  EXPECT_TRUE((*c)->world().exports.empty());
}

TEST(ComponentBinary, RefusesWhatIsNotAComponent) {
  EXPECT_NE(parse_error({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}).find("core Wasm module"), std::string::npos);
  EXPECT_NE(parse_error({'h', 'e', 'l', 'l', 'o', '!', '!', '!'}).find("bad magic"), std::string::npos);
  EXPECT_NE(parse_error({0x00, 0x61}).find("bad magic"), std::string::npos);
}

TEST(ComponentBinary, BadSectionsAreNamedWithTheirOffset) {
  const std::string unknown = parse_error(component_with(13, {0x00}));
  EXPECT_NE(unknown.find("unknown section id 13"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("test.wasm:0x"), std::string::npos) << unknown;
  // A section whose size runs past the end of the file.
  std::vector<std::uint8_t> past = component_with(7, {0x01});
  past[9] = 50;
  EXPECT_NE(parse_error(past).find("runs past the end"), std::string::npos) << parse_error(past);
  // A section with bytes left over after its content.
  EXPECT_NE(parse_error(component_with(7, {0x01, 0x7f, 0x00})).find("ends earlier"), std::string::npos);
  // A core module section without a module in it.
  EXPECT_NE(parse_error(component_with(1, {0x01, 0x02})).find("does not hold a core Wasm module"), std::string::npos);
}

TEST(ComponentBinary, UnsupportedFeaturesAreRefusedByName) {
  const std::pair<std::vector<std::uint8_t>, const char*> cases[] = {
      {component_with(7, {0x01, 0x3f, 0x7f, 0x00}), "resources are not supported"},
      {component_with(7, {0x01, 0x69, 0x00}), "resource handles"},
      {component_with(7, {0x01, 0x66, 0x00}), "streams"},
      {component_with(7, {0x01, 0x65, 0x00}), "futures"},
      {component_with(7, {0x01, 0x43, 0x00, 0x01, 0x00}), "async functions"},
      {component_with(8, {0x01, 0x02, 0x00}), "resource built-ins"},
      {component_with(8, {0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00}), "string-encoding=utf16"},
      {component_with(8, {0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00}), "async lifting"},
      {component_with(8, {0x01, 0x09}), "async built-ins"},
      {component_with(9, {0x00, 0x00, 0x00}), "start functions"},
      {component_with(10, {0x01, 0x00, 0x01, 'r', 0x03, 0x01}), "resource types"},
  };
  for (const auto& [bytes, feature] : cases) {
    const std::string e = parse_error(bytes);
    EXPECT_NE(e.find(feature), std::string::npos) << feature << ": " << e;
  }
}

TEST(ComponentBinary, DanglingIndicesAreLoadErrors) {
  // export "f" (func 0) with no function defined.
  auto c = Component::load(component_with(11, {0x01, 0x00, 0x01, 'f', 0x01, 0x00, 0x00}), "dangling.wasm");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("func index 0 is out of range"), std::string::npos) << c.error().message;
}

TEST(ComponentBinary, HostileTypesAreBoundedBeforeAnyRecursion) {
  ASSERT_TRUE(Component::load(type_chain(50, false), "fine.wasm"));
  auto deep = Component::load(type_chain(150, false), "deep.wasm");
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().message.find("nested 101 deep"), std::string::npos) << deep.error().message;
  // tuple<t, t> twenty times over: a million parts from a few bytes.
  auto wide = Component::load(type_chain(21, true), "wide.wasm");
  ASSERT_FALSE(wide);
  EXPECT_NE(wide.error().message.find("at most 100 and 100000"), std::string::npos) << wide.error().message;
}

std::filesystem::path wat_component(const std::string& stem) {
  return SENSORHOST_TEST_COMPONENT_DIR "/wat/" + stem + ".wasm";
}

TEST(ComponentBinary, HandWrittenComponentWithATopLevelFunction) {
  auto c = Component::load_file(wat_component("top-level-export"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NE(to_wit((*c)->world()).find("export inc: func(x: u32) -> u32;"), std::string::npos);
  Linker none;
  auto inst = Instance::instantiate(*c, none);
  ASSERT_TRUE(inst) << inst.error().message;
  auto r = (*inst)->call("inc", std::vector<Value>{Value(std::uint64_t{41})});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*(*r)->get<std::uint64_t>(), 42u);
}

TEST(ComponentBinary, ComponentToComponentCallsAreRefusedByName) {
  auto c = Component::load_file(wat_component("lower-lifted"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("component-to-component"), std::string::npos) << c.error().message;
}

TEST(ComponentBinary, AnImportCalledFromReallocTraps) {
  auto c = Component::load_file(wat_component("import-from-realloc"));
  ASSERT_TRUE(c) << c.error().message;
  Linker linker;
  int pings = 0;
  linker.define("", "ping", FuncType{}, [&](std::span<const Value>) -> Expected<std::optional<Value>, std::string> {
    ++pings;
    return std::optional<Value>();
  });
  auto inst = Instance::instantiate(*c, linker);
  ASSERT_TRUE(inst) << inst.error().message;
  auto r = (*inst)->call("g", std::vector<Value>{Value(std::string("x"))});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cabi_realloc"), std::string::npos) << r.error().to_string();
  EXPECT_EQ(pings, 0) << "the host function must not run";
}

TEST(ComponentBinary, TruncatedComponentsGiveErrors) {
  const auto bytes = read(test::plugin_component("dht22"));
  ASSERT_GT(bytes.size(), 4096u);
  auto check = [&](std::size_t n) {
    std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
    auto r = parse_component(prefix, "cut.wasm");
    // A cut exactly between two sections is a valid (smaller) component.
    if (r) return;
    EXPECT_FALSE(r.error().reason.empty()) << n;
    EXPECT_LE(r.error().offset, n) << n;
  };
  for (std::size_t n = 0; n < 600; ++n) check(n);
  for (std::size_t n = 600; n < bytes.size(); n += 997) check(n);
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.end() - 1);
  EXPECT_FALSE(Component::load(cut, "cut.wasm"));
}

TEST(ComponentBinary, CorruptedComponentsNeverCrashTheHost) {
  const auto original = read(test::plugin_component("pi-monitor"));
  std::mt19937 rng(42);
  int refused = 0;
  const int kRounds = 80;
  for (int round = 0; round < kRounds; ++round) {
    auto bytes = original;
    // Half the rounds hit the component's own sections (types and imports come first,
    // canon/alias/instance/export sections last); the others anywhere, core modules included.
    auto pick = [&]() -> std::size_t {
      if (round % 2) return 8 + rng() % (bytes.size() - 8);
      return rng() % 2 ? 8 + rng() % 1024 : bytes.size() - 1 - rng() % 3072;
    };
    for (int k = 0; k < 4; ++k) bytes[pick()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    auto c = Component::load(bytes, "corrupt.wasm");
    if (!c) {
      ++refused;
      EXPECT_FALSE(c.error().message.empty());
      continue;
    }
    // Whatever still loads must instantiate or fail cleanly.
    Linker none;
    auto inst = Instance::instantiate(*c, none, 1'000'000);
    if (inst) {
      EXPECT_NO_FATAL_FAILURE((*inst)->export_names());
    }
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace sensorhost::component
