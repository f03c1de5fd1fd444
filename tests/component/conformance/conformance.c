// The conformance guest: forwards every echo to the host, and returns deliberately
// invalid values from the bad-* functions to exercise the host's lifting checks.
#include "conformance.h"

#include <stdlib.h>

#define FORWARD(ret, name, type) \
  ret guest_##name(type v) { return host_##name(v); }

FORWARD(bool, echo_bool, bool)
FORWARD(int8_t, echo_s8, int8_t)
FORWARD(uint8_t, echo_u8, uint8_t)
FORWARD(int16_t, echo_s16, int16_t)
FORWARD(uint16_t, echo_u16, uint16_t)
FORWARD(int32_t, echo_s32, int32_t)
FORWARD(uint32_t, echo_u32, uint32_t)
FORWARD(int64_t, echo_s64, int64_t)
FORWARD(uint64_t, echo_u64, uint64_t)
FORWARD(float, echo_f32, float)
FORWARD(double, echo_f64, double)
FORWARD(uint32_t, echo_char, uint32_t)
FORWARD(wit_string_t, echo_string, wit_string_t)
FORWARD(list_u32_t, echo_list, list_u32_t)
FORWARD(list_string_t, echo_strings, list_string_t)
FORWARD(types_point_t, echo_point, types_point_t)
FORWARD(tuple3_u8_string_f64_t, echo_tuple, tuple3_u8_string_f64_t)
FORWARD(types_shape_t, echo_shape, types_shape_t)
FORWARD(types_color_t, echo_color, types_color_t)
FORWARD(option_string_t, echo_option, option_string_t)
FORWARD(result_u32_string_t, echo_result, result_u32_string_t)
FORWARD(result_void_void_t, echo_unit_result, result_void_void_t)
FORWARD(types_perms_t, echo_perms, types_perms_t)
FORWARD(types_many_t, echo_many, types_many_t)
FORWARD(types_everything_t, echo_everything, types_everything_t)

wit_string_t guest_many_params(uint8_t a, int16_t b, uint32_t c, int64_t d, float e, double f, uint32_t g, bool h,
                               wit_string_t i, list_u8_t j, types_point_t k, types_color_t l, option_u32_t m,
                               uint64_t n) {
  return host_many_params(a, b, c, d, e, f, g, h, i, j, k, l, m, n);
}

void guest_fail(wit_string_t message) { host_fail(message); }

wit_string_t guest_bad_utf8(void) {
  wit_string_t s = wit_string_dup("ok\xff\xfe");
  return s;
}

uint32_t guest_bad_char(void) { return 0xD800; }

types_color_t guest_bad_enum(void) { return 7; }

types_shape_t guest_bad_variant(void) {
  types_shape_t s = {0};
  s.tag = 9;
  return s;
}

wit_string_t guest_bad_pointer(void) {
  wit_string_t s = {(char*)(uintptr_t)0xFFFFFFF0u, 64};
  return s;
}

list_u32_t guest_bad_alignment(void) {
  list_u32_t l = {(uint32_t*)(uintptr_t)2, 1};
  return l;
}

uint32_t guest_counter(void) {
  static uint32_t n;
  return ++n;
}
