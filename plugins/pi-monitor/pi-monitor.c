// pi-monitor: minimal SoC temperature check with hysteresis (issue 5 adds the rest).
// The system-health LED goes on above `soc_high_c` (default 70) and off again below
// `soc_high_c - hysteresis` (default 5).
#include "pi-monitor.h"

#include <sensorhost/sensor_plugin.h>

static struct {
  uint32_t polls;
  bool alarm;
} state;

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  double soc = 0;
  if (sample.status == TYPES_STATUS_ERROR || !sh_quantity(&sample, "temperature", &soc))
    return sh_err(wit_string_printf("no SoC temperature: %.*s", (int)sample.error.len, sample.error.ptr));
  const double high = sh_setting_number("soc_high_c", 70.0);
  if (soc > high) state.alarm = true;
  if (soc < high - sh_setting_number("hysteresis", 5.0)) state.alarm = false;
  sh_set_own_led(2, state.alarm);
  if (state.alarm) sh_warn("SoC at %.1f C", soc);
  return sh_ok(wit_string_printf("SoC %.1f C%s (poll %u)", soc, state.alarm ? ", too hot" : "", state.polls));
}

list_u8_t state_snapshot(void) { return sh_state_save(&state, sizeof state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_load(data, &state, sizeof state); }
