// dht22: minimal comfort logic (issue 5 gives it its real logic). Turns its LED on when
// the temperature is above `temperature_high_c` (setting, default 28).
#include "dht22.h"

#include <sensorhost/sensor_plugin.h>

static struct {
  uint32_t polls;  // lives between calls and, via snapshot/restore, across reloads
} state;

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  double t = 0;
  if (sample.status == TYPES_STATUS_ERROR || !sh_quantity(&sample, "temperature", &t))
    return sh_err(wit_string_printf("no temperature: %.*s", (int)sample.error.len, sample.error.ptr));
  const bool hot = t > sh_setting_number("temperature_high_c", 28.0);
  sh_set_own_led(0, hot);
  return sh_ok(wit_string_printf("%.1f C %s (poll %u)", t, hot ? "hot" : "ok", state.polls));
}

list_u8_t state_snapshot(void) { return sh_state_save(&state, sizeof state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_load(data, &state, sizeof state); }
