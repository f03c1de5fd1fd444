// bme680: air-quality index (0..100, higher is better) from the gas-resistance baseline;
// drives the plugin's LED when the air is poor.
//
// The method is the open approximation of /work/shared/reference/hardware.md, "IAQ
// without Bosch BSEC" (Pimoroni's example), followed as written there:
//   - burn-in for `burn_in_s` seconds (300), counting only heat-stable gas readings;
//     the gas baseline is the mean of the last 50 of them;
//   - humidity baseline 40 %RH, humidity weighting 0.25 (25 points), gas 75 points;
//   - humidity score, with off = humidity - 40:
//       above the baseline: (100 - 40 - off) / 60 * 25,  else: (40 + off) / 40 * 25;
//   - gas score: gas / baseline * 75 below the baseline, else 75;
//   - index = humidity score + gas score.
// Burn-in time is measured on clock.monotonic-ms from the first heat-stable sample: wall
// time jumps when a Pi without a real-time clock syncs NTP after boot.
//
// The LED is off during burn-in and on while the index is below `iaq_alarm_below`. The
// reference suggests no hysteresis, so by default there is none (`hysteresis` = 0: off
// again at iaq_alarm_below); a positive value keeps the LED on until the index reaches
// iaq_alarm_below + hysteresis.
//
// The baseline (and a burn-in in progress) is the state worth keeping across a reload:
// another burn-in would leave the LED dark for five minutes.
#include "bme680.h"

#include <sensorhost/sensor_plugin.h>
#include <sensorhost/state.h>

enum { kDefaultLed = 1, kBaselineSamples = 50 };
static const double kHumBaseline = 40.0;  // %RH
static const double kHumWeighting = 0.25;

typedef struct {
  double burn_in_s, iaq_alarm_below, hysteresis;
} settings_t;

static settings_t load_settings(void) {
  settings_t s;
  s.burn_in_s = sh_setting_in("burn_in_s", 300.0, 0.0, 86400.0);
  s.iaq_alarm_below = sh_setting_in("iaq_alarm_below", 50.0, 0.0, 100.0);
  s.hysteresis = sh_setting_in("hysteresis", 0.0, 0.0, 100.0);
  return s;
}

// What survives between calls and, through snapshot/restore, a hot reload.
typedef struct {
  uint32_t polls;
  uint8_t started;    // burn-in has its first sample
  uint8_t burned_in;  // baseline_ohm is set
  uint8_t alarm;
  uint8_t pad;
  uint32_t count;     // gas samples in the ring (<= kBaselineSamples)
  uint32_t next;      // ring slot of the next sample
  uint64_t burn_in_start_ms;  // clock.monotonic-ms of the first sample
  double baseline_ohm;
  double index;       // the last index computed (valid once burned in)
  double gas_ohm[kBaselineSamples];  // the last burn-in samples
} state_t;

static state_t state;

static const char* check_state(const void* p) {
  const state_t* s = p;
  if (s->started > 1 || s->burned_in > 1 || s->alarm > 1) return "a flag is neither 0 nor 1";
  if (s->count > kBaselineSamples || s->next >= kBaselineSamples) return "baseline ring position out of range";
  if (s->started && s->count == 0) return "burn-in started without a sample";
  if (s->burned_in && !(s->baseline_ohm > 0)) return "burned in without a positive baseline";
  return NULL;
}

static const sh_state_format_t kFormat = {"BME6", 1, sizeof(state_t), check_state};

// hardware.md, "IAQ without Bosch BSEC": humidity and gas scores, 0..100.
static double air_quality_index(double gas_ohm, double humidity, double baseline_ohm) {
  const double hum_points = kHumWeighting * 100.0, gas_points = 100.0 - hum_points;
  const double off = (humidity < 0 ? 0 : humidity > 100 ? 100 : humidity) - kHumBaseline;
  const double hum_score = off > 0 ? (100.0 - kHumBaseline - off) / (100.0 - kHumBaseline) * hum_points
                                   : (kHumBaseline + off) / kHumBaseline * hum_points;
  const double gas_score = gas_ohm < baseline_ohm ? gas_ohm / baseline_ohm * gas_points : gas_points;
  return hum_score + gas_score;
}

static void add_baseline_sample(double gas_ohm) {
  state.gas_ohm[state.next] = gas_ohm;
  state.next = (state.next + 1) % kBaselineSamples;
  if (state.count < kBaselineSamples) ++state.count;
}

static void finish_burn_in(void) {
  double sum = 0;
  for (uint32_t i = 0; i < state.count; ++i) sum += state.gas_ohm[i];
  state.baseline_ohm = sum / state.count;
  state.burned_in = 1;
  sh_info("burn-in done: gas baseline %.0f ohm from %u samples", state.baseline_ohm, state.count);
}

static result_string_string_t score(double gas_ohm, double humidity, const settings_t* cfg) {
  state.index = air_quality_index(gas_ohm, humidity, state.baseline_ohm);
  const bool was = state.alarm;
  state.alarm = sh_latch(was, state.index < cfg->iaq_alarm_below,
                         state.index >= cfg->iaq_alarm_below + cfg->hysteresis);
  const double index = state.index, below = cfg->iaq_alarm_below;
  if (state.alarm && !was) sh_warn("poor air: IAQ %.1f below %.1f", index, below);
  if (was && !state.alarm) sh_info("air quality back to IAQ %.1f", index);
  const wit_string_t detail = sh_format("gas %.1f / %.1f kOhm baseline, %.0f %%RH", gas_ohm / 1000.0,
                                        state.baseline_ohm / 1000.0, humidity);
  const int n = (int)detail.len;
  if (!state.alarm) return sh_ok(sh_format("IAQ %.1f ok (%.*s)", index, n, detail.ptr));
  if (index < below) return sh_ok(sh_format("POOR AIR: IAQ %.1f below %.1f (%.*s)", index, below, n, detail.ptr));
  return sh_ok(sh_format("POOR AIR: IAQ %.1f, clears at %.1f", index, below + cfg->hysteresis));
}

// Burn-in: collects heat-stable gas samples for burn_in_s seconds; true when it is over.
// `problem` is set when this sample's gas value is not usable.
static bool burn_in(double gas_ohm, wit_string_t problem, const settings_t* cfg, wit_string_t* line) {
  const uint64_t now = clock_monotonic_ms();
  if (!state.started && problem.len) {
    *line = sh_format("burn-in waits for a heat-stable sample (%.*s)", (int)problem.len, problem.ptr);
    return false;
  }
  if (!state.started) {
    state.started = 1;
    state.burn_in_start_ms = now;
  }
  const uint64_t elapsed_ms = now > state.burn_in_start_ms ? now - state.burn_in_start_ms : 0;
  const uint64_t need_ms = (uint64_t)(cfg->burn_in_s * 1000.0);
  // A sample at or after the end is scored against the baseline, not part of it.
  if (!problem.len && (elapsed_ms < need_ms || state.count == 0)) add_baseline_sample(gas_ohm);
  if (elapsed_ms >= need_ms) {
    finish_burn_in();
    return true;
  }
  const unsigned long long elapsed_s = elapsed_ms / 1000;
  const double total = cfg->burn_in_s;
  *line = problem.len ? sh_format("burn-in %llu/%.0f s (%.*s)", elapsed_s, total, (int)problem.len, problem.ptr)
                      : sh_format("burn-in %llu/%.0f s", elapsed_s, total);
  return false;
}

// Why the gas value of an ok sample cannot be used (empty when it can).
static wit_string_t gas_problem(const types_reading_t* sample, bool has_gas) {
  double stable = 1;  // readings without the flag come from drivers that only report stable gas
  sh_quantity(sample, "heat_stable", &stable);
  if (!has_gas) return wit_string_dup("no gas value (heater not ready)");
  if (stable == 0) return wit_string_dup("heater not stable");
  return (wit_string_t){NULL, 0};
}

static result_string_string_t evaluate(const types_reading_t* sample) {
  const settings_t cfg = load_settings();
  double gas = 0, humidity = 0, ignored = 0;
  wit_string_t problem = sh_sample_problem(sample);
  if (!problem.len) {
    const bool has_gas = sh_quantity(sample, "gas_resistance", &gas);
    if (!has_gas && !sh_quantity(sample, "heat_stable", &ignored)) return sh_err_missing(sample, "gas_resistance");
    problem = gas_problem(sample, has_gas);
  }
  if (!state.burned_in) {
    wit_string_t line;
    if (!burn_in(gas, problem, &cfg, &line)) return sh_ok(line);
  }
  if (!problem.len && !sh_quantity(sample, "humidity", &humidity)) return sh_err_missing(sample, "humidity");
  if (problem.len) return sh_ok_kept(problem, state.alarm);
  return score(gas, humidity, &cfg);
}

result_string_string_t sensor_logic_poll(types_reading_t sample) {
  ++state.polls;
  const result_string_string_t r = evaluate(&sample);
  sh_set_own_led(kDefaultLed, state.alarm);
  return r;
}

list_u8_t state_snapshot(void) { return sh_state_snapshot(&kFormat, &state); }

result_void_string_t state_restore(list_u8_t data) { return sh_state_restore(&kFormat, data, &state); }
