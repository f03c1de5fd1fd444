#pragma once
// The files embedded by embed.py (the generated assets_data.cpp defines files()).
#include <cstddef>
#include <span>

namespace sensorhost::web::assets::embedded {

struct File {
  const char* url;  // "/assets/dashboard.js"
  const unsigned char* data;
  std::size_t size;
};

std::span<const File> files();

}  // namespace sensorhost::web::assets::embedded
