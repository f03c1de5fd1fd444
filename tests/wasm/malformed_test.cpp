// Broken input comes back as a LoadError naming the source, the offset and the reason.
#include <gmock/gmock.h>

#include "wasm_test_support.hpp"

namespace sensorhost::wasm::test {
namespace {

using ::testing::HasSubstr;

LoadError load_error(std::vector<std::uint8_t> bytes, const std::string& source = "plugin.wasm") {
  auto m = compile(bytes, source, Limits{});
  EXPECT_FALSE(m) << "accepted a broken module";
  return m ? LoadError{} : m.error();
}

TEST(Malformed, EmptyInput) {
  LoadError e = load_error({});
  EXPECT_EQ(e.source, "plugin.wasm");
  EXPECT_FALSE(e.reason.empty());
}

TEST(Malformed, BadMagic) {
  auto bytes = module_bytes("memory.wasm");
  bytes[0] = 'X';
  LoadError e = load_error(bytes);
  ASSERT_TRUE(e.offset);
  EXPECT_LE(*e.offset, 4u);  // WABT reports the offset after the field it read
  EXPECT_THAT(e.reason, HasSubstr("magic"));
  EXPECT_THAT(e.to_string(), HasSubstr("plugin.wasm:0x"));
}

TEST(Malformed, BadVersion) {
  auto bytes = module_bytes("memory.wasm");
  bytes[4] = 2;
  LoadError e = load_error(bytes);
  ASSERT_TRUE(e.offset);
  EXPECT_LE(*e.offset, 8u);
  EXPECT_GE(*e.offset, 4u);
  EXPECT_THAT(e.reason, HasSubstr("version"));
}

TEST(Malformed, EveryTruncationIsAnErrorWithAnOffset) {
  auto bytes = module_bytes("traps.wasm");
  for (std::size_t size = 1; size < bytes.size(); ++size) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    auto m = compile(cut, "cut.wasm", Limits{});
    if (m) continue;  // cutting exactly at a custom (name) section boundary leaves a valid module
    ASSERT_TRUE(m.error().offset.has_value()) << size << ": " << m.error().to_string();
    EXPECT_LE(*m.error().offset, size);
  }
}

TEST(Malformed, TruncatedInsideCodeIsRefused) {
  auto bytes = module_bytes("traps.wasm");
  bytes.resize(bytes.size() / 2);
  LoadError e = load_error(bytes);
  ASSERT_TRUE(e.offset);
  EXPECT_THAT(e.reason, ::testing::AnyOf(HasSubstr("unable to read"), HasSubstr("past end"), HasSubstr("section")));
}

TEST(Malformed, InvalidCodeNamesTheProblemAndOffset) {
  LoadError e = load_error(module_bytes("invalid_code.wasm"), "invalid_code.wasm");
  EXPECT_EQ(e.source, "invalid_code.wasm");
  ASSERT_TRUE(e.offset);
  EXPECT_GT(*e.offset, 8u);
  EXPECT_THAT(e.reason, HasSubstr("type mismatch"));
}

TEST(Malformed, NotWasmAtAll) {
  std::string text = "(module)";
  LoadError e = load_error(std::vector<std::uint8_t>(text.begin(), text.end()), "plugin.wat");
  EXPECT_THAT(e.to_string(), HasSubstr("plugin.wat"));
}

}  // namespace
}  // namespace sensorhost::wasm::test
