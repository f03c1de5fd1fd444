# cmake -DWIT_DIR=... -DOUT=... -P embed_wit.cmake
# Writes a C++ file holding every WIT_DIR/*.wit as a raw string, so the host carries
# the exact package its plugins were built against.
file(GLOB files ${WIT_DIR}/*.wit)
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  file(READ ${f} text)
  get_filename_component(name ${f} NAME)
  string(APPEND body "      {\"wit/${name}\", R\"sensorhost_wit(${text})sensorhost_wit\"},\n")
endforeach()
file(WRITE ${OUT}.tmp
"// Generated from wit/ by host/component/embed_wit.cmake. Do not edit.
#include <vector>

#include \"component/wit.hpp\"

namespace sensorhost::component::plugin_api {

const std::vector<WitSource>& embedded_wit_sources() {
  static const std::vector<WitSource> sources = {
${body}  };
  return sources;
}

}  // namespace sensorhost::component::plugin_api
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
