// Helpers for the sensor worlds (dht22, bme680, pi-monitor): settings, readings, LED,
// state. Include after the world's generated header:
//   #include "dht22.h"
//   #include <sensorhost/sensor_plugin.h>
#pragma once
#include <sensorhost/log.h>

// A numeric setting from [plugins.NAME.settings], or `fallback` when unset or not a number.
static inline double sh_setting_number(const char* key, double fallback) {
  option_types_setting_value_t v = settings_get(wit_string_view(key));
  double out = fallback;
  if (v.is_some && v.val.tag == TYPES_SETTING_VALUE_NUMBER) out = v.val.val.number;
  if (v.is_some && v.val.tag == TYPES_SETTING_VALUE_INTEGER) out = (double)v.val.val.integer;
  if (v.is_some) types_setting_value_free(&v.val);
  return out;
}

// The value of `quantity` in a sample; false when the sample does not have it.
static inline bool sh_quantity(const types_reading_t* sample, const char* quantity, double* out) {
  for (size_t i = 0; i < sample->values.len; ++i)
    if (wit_string_equals(sample->values.ptr[i].quantity, quantity)) {
      *out = sample->values.ptr[i].value;
      return true;
    }
  return false;
}

// Sets the plugin's LED (setting `led`, default `fallback_led`); a refusal is logged.
static inline void sh_set_own_led(uint32_t fallback_led, bool on) {
  const uint32_t led = (uint32_t)sh_setting_number("led", fallback_led);
  result_void_string_t r = leds_set_led(led, on);
  if (r.is_err) {
    sh_warn("LED %u: %.*s", led, (int)r.val.err.len, r.val.err.ptr);
    wit_string_free(&r.val.err);
  }
}

static inline result_string_string_t sh_ok(wit_string_t message) {
  result_string_string_t r = {0};
  r.val.ok = message;
  return r;
}

static inline result_string_string_t sh_err(wit_string_t message) {
  result_string_string_t r = {0};
  r.is_err = true;
  r.val.err = message;
  return r;
}

// state.snapshot / state.restore of a plain struct.
static inline list_u8_t sh_state_save(const void* state, size_t size) {
  list_u8_t out = {(uint8_t*)cabi_realloc(NULL, 0, 1, size), size};
  memcpy(out.ptr, state, size);
  return out;
}

static inline result_void_string_t sh_state_load(list_u8_t data, void* state, size_t size) {
  result_void_string_t r = {0};
  if (data.len != size) {
    r.is_err = true;
    r.val.err = wit_string_printf("snapshot of %zu bytes, expected %zu", data.len, size);
    return r;
  }
  memcpy(state, data.ptr, size);
  return r;
}
