// A dht22-world component whose poll does no work of its own, so the benchmark
// measures the Canonical ABI path: the host lowers a reading (strings and a list, each
// allocated with cabi_realloc), the glue frees them, the plugin returns ok("ok"), the
// host lifts the result and post-return frees it.
#include "dht22.h"

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  result_string_string_t r = {0};
  r.is_err = sample.status == TYPES_STATUS_ERROR;
  if (r.is_err)
    r.val.err = wit_string_dup("error");
  else
    r.val.ok = wit_string_dup("ok");
  return r;
}

list_u8_t state_snapshot(void) {
  list_u8_t none = {0};
  return none;
}

result_void_string_t state_restore(list_u8_t data) {
  (void)data;
  result_void_string_t r = {0};
  return r;
}
