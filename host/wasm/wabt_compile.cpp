// compile(): validate the original bytes (errors carry their offsets), apply the limits
// and the fuel rewrite on WABT's IR, write the module back out and read it again into
// the interpreter's form.
#include <iterator>
#include <utility>

#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/binary-writer.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wasm/wabt_backend.hpp"
#include "wasm/wabt_convert.hpp"
#include "wasm/wabt_image.hpp"
#include "wasm/wabt_rewrite.hpp"

namespace sensorhost::wasm::wabt_backend {
namespace {

namespace interp = wabt::interp;

// WABT's defaults (MVP plus multi-value, bulk memory, reference types, SIMD,
// sign extension, saturating conversions); no exceptions, threads or tail calls.
wabt::Features engine_features() { return wabt::Features{}; }

LoadError first_error(const std::string& source, const wabt::Errors& errors, const char* fallback) {
  if (errors.empty()) return LoadError{source, std::nullopt, fallback};
  return LoadError{source, errors.front().loc.offset, errors.front().message};
}

Expected<interp::ModuleDesc, LoadError> read_interp(const std::string& source, const std::uint8_t* data,
                                                   std::size_t size) {
  wabt::Errors errors;
  interp::ModuleDesc desc;
  wabt::ReadBinaryOptions options(engine_features(), nullptr, /*read_debug_names=*/false,
                                  /*stop_on_first_error=*/true, /*fail_on_custom_section_error=*/false);
  if (wabt::Failed(interp::ReadBinaryInterp(source, data, size, options, &errors, &desc))) {
    return unexpected(first_error(source, errors, "not a valid WebAssembly module"));
  }
  return desc;
}

// The name section is not validated: a local name may point past a function's locals,
// which WABT's writer asserts on. Drop such names before writing.
void drop_stray_local_names(wabt::Module& module) {
  for (wabt::Func* f : module.funcs) {
    for (auto it = f->bindings.begin(); it != f->bindings.end();) {
      it = it->second.index >= f->GetNumParamsAndLocals() ? f->bindings.erase(it) : std::next(it);
    }
  }
}

// Reads, rewrites and writes the module; returns the new bytes.
Expected<std::vector<std::uint8_t>, LoadError> rewrite(ModuleImage& image, const std::uint8_t* data,
                                                       std::size_t size) {
  const std::string& source = image.source_;
  wabt::Errors errors;
  wabt::Module module;
  wabt::ReadBinaryOptions options(engine_features(), nullptr, /*read_debug_names=*/true,
                                  /*stop_on_first_error=*/true, /*fail_on_custom_section_error=*/false);
  if (wabt::Failed(wabt::ReadBinaryIr(source.c_str(), data, size, options, &errors, &module))) {
    return unexpected(first_error(source, errors, "cannot read the module"));
  }
  drop_stray_local_names(module);
  if (auto problem = apply_limits(module, image.limits_)) {
    return unexpected(LoadError{source, std::nullopt, *problem});
  }
  if (image.limits_.metering) {
    wabt::Module spare;
    errors.clear();
    if (wabt::Succeeded(wabt::ReadBinaryIr(source.c_str(), data, size, options, &errors, &spare))) {
      unroll_small_loops(module, spare);
    }
    image.handler_func_ = insert_metering(module).handler_func;
    image.hidden_imports_ = 2;
  }
  for (const wabt::Func* f : module.funcs) {
    image.func_names_.push_back(f->name.empty() ? std::string() : f->name.substr(1));  // drop WABT's '$'
  }
  wabt::MemoryStream stream;
  wabt::WriteBinaryOptions write_options(engine_features(), /*canonicalize_lebs=*/true, /*relocatable=*/false,
                                         /*write_debug_names=*/true);
  if (wabt::Failed(wabt::WriteBinaryModule(&stream, &module, write_options))) {
    return unexpected(LoadError{source, std::nullopt, "internal error: cannot write the rewritten module"});
  }
  return std::move(stream.output_buffer().data);
}

template <class Desc>
Expected<ExternType, LoadError> host_visible(const std::string& source, const std::string& what, const Desc& d) {
  auto type = from_wabt(*d.type);
  if (!type) {
    return unexpected(LoadError{source, std::nullopt,
                                what + " has type " + describe(*d.type) +
                                    ", which cannot cross the host boundary (only i32, i64, f32, f64)"});
  }
  return std::move(*type);
}

Expected<Ok, LoadError> describe_interface(ModuleImage& image) {
  const auto& imports = image.desc_.imports;
  for (std::size_t i = 0; i + image.hidden_imports_ < imports.size(); ++i) {
    const interp::ImportType& it = imports[i].type;
    auto type = host_visible(image.source_, "import '" + it.module + "'.'" + it.name + "'", it);
    if (!type) return unexpected(std::move(type).error());
    image.imports_.push_back(ImportDesc{it.module, it.name, std::move(*type)});
  }
  for (const interp::ExportDesc& e : image.desc_.exports) {
    auto type = host_visible(image.source_, "export '" + e.type.name + "'", e.type);
    if (!type) return unexpected(std::move(type).error());
    image.exports_.push_back(ExportDesc{e.type.name, std::move(*type)});
  }
  return Ok{};
}

}  // namespace

Expected<std::shared_ptr<const CompiledModule>, LoadError> compile(const std::uint8_t* data, std::size_t size,
                                                                  std::string source, const Limits& limits) {
  if (auto valid = read_interp(source, data, size); !valid) return unexpected(std::move(valid).error());
  auto image = std::make_shared<ModuleImage>();
  image->source_ = std::move(source);
  image->limits_ = limits;
  auto bytes = rewrite(*image, data, size);
  if (!bytes) return unexpected(std::move(bytes).error());
  image->bytes_ = std::move(*bytes);
  auto desc = read_interp(image->source_, image->bytes_.data(), image->bytes_.size());
  if (!desc) {
    LoadError e = std::move(desc).error();
    e.reason = "internal error: the rewritten module is invalid: " + e.reason;
    return unexpected(std::move(e));
  }
  image->desc_ = std::move(*desc);
  if (!image->desc_.starts.empty()) {
    image->start_ = image->desc_.starts.front().func_index;
    image->desc_.starts.clear();
  }
  if (auto ok = describe_interface(*image); !ok) return unexpected(std::move(ok).error());
  return std::shared_ptr<const CompiledModule>(std::move(image));
}

}  // namespace sensorhost::wasm::wabt_backend
