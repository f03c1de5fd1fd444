// bme680: minimal air-quality logic (issue 5 adds the burn-in baseline and the index).
// Keeps the highest gas resistance seen as its baseline; the LED shows poor air when the
// resistance drops below `poor_air_ratio` (default 0.5) of it.
#include "bme680.h"

#include <sensorhost/sensor_plugin.h>

static struct {
  uint32_t polls;
  double baseline_ohm;
} state;

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  double gas = 0;
  if (sample.status == TYPES_STATUS_ERROR || !sh_quantity(&sample, "gas_resistance", &gas))
    return sh_err(wit_string_printf("no gas resistance: %.*s", (int)sample.error.len, sample.error.ptr));
  if (gas > state.baseline_ohm) state.baseline_ohm = gas;
  const double ratio = gas / state.baseline_ohm;
  const bool poor = ratio < sh_setting_number("poor_air_ratio", 0.5);
  sh_set_own_led(1, poor);
  return sh_ok(wit_string_printf("%.0f ohm, %.0f%% of baseline (poll %u)", gas, ratio * 100, state.polls));
}

list_u8_t state_snapshot(void) { return sh_state_save(&state, sizeof state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_load(data, &state, sizeof state); }
