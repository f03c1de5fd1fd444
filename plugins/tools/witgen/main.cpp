// sensorhost-witgen: generates the C bindings of one world of a WIT package.
//   sensorhost-witgen --wit wit/ --world dht22 --out build/plugins/gen/dht22
// writes dht22.h and dht22.c into --out. Exit code 0 on success, 2 on bad input.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "component/wit.hpp"
#include "generator.hpp"

namespace {

bool write_if_changed(const std::filesystem::path& path, const std::string& text) {
  {
    std::ifstream in(path, std::ios::binary);
    std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.good() || in.eof())
      if (old == text) return true;  // keep the mtime: nothing downstream rebuilds
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generates C bindings (header + glue) for a WIT world"};
  std::string wit_dir, world, out_dir;
  app.add_option("--wit", wit_dir, "folder with the package's .wit files")->required();
  app.add_option("--world", world, "world to generate")->required();
  app.add_option("--out", out_dir, "output folder")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto pkg = sensorhost::component::load_wit_dir(wit_dir);
  if (!pkg) {
    std::cerr << "sensorhost-witgen: " << pkg.error() << "\n";
    return 2;
  }
  auto bindings = sensorhost::witgen::generate(*pkg, world);
  if (!bindings) {
    std::cerr << "sensorhost-witgen: " << bindings.error() << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::filesystem::path out(out_dir);
  if (!write_if_changed(out / (world + ".h"), bindings->header) ||
      !write_if_changed(out / (world + ".c"), bindings->source)) {
    std::cerr << "sensorhost-witgen: cannot write into " << out_dir << "\n";
    return 2;
  }
  return 0;
}
