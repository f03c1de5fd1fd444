// sensorhost guest SDK: the pieces every generated binding and plugin shares.
// Strings are UTF-8, not NUL-terminated, and have the Canonical ABI layout {ptr, len}.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wit_string_t {
  char* ptr;
  size_t len;
} wit_string_t;

// Memory. Every export call has an arena: the host allocates the call's arguments and
// the results of imports in it (through cabi_realloc), the helpers below allocate in it,
// and it is released when the call is over (after the host read the result). Anything
// kept between calls must be copied into malloc'd memory.

// An arena copy of a C string (for returning or passing to imports).
wit_string_t wit_string_dup(const char* s);
// An arena string formatted like printf.
wit_string_t wit_string_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// Frees a block from malloc; does nothing for arena memory (and NULL).
void wit_free(void* p);
void wit_string_free(wit_string_t* s);
// True when `p` points into the call arena.
bool wit_in_arena(const void* p);
// Releases the arena (the generated glue calls it at the end of every export call).
void wit_arena_reset(void);
// A view of a C string literal, for passing to imports (not to be freed).
static inline wit_string_t wit_string_view(const char* s) {
  wit_string_t v = {(char*)s, strlen(s)};
  return v;
}
static inline bool wit_string_equals(wit_string_t s, const char* c) {
  return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

// The Canonical ABI allocator (exported as cabi_realloc): allocates in the call arena,
// copying min(old_size, new_size) bytes from `ptr`. Traps when memory runs out.
void* cabi_realloc(void* ptr, size_t old_size, size_t align, size_t new_size);

// Bit casts used by the generated glue for variant payloads.
static inline int32_t wit_f32_bits(float f) { int32_t i; memcpy(&i, &f, 4); return i; }
static inline float wit_bits_f32(int32_t i) { float f; memcpy(&f, &i, 4); return f; }
static inline int64_t wit_f64_bits(double f) { int64_t i; memcpy(&i, &f, 8); return i; }
static inline double wit_bits_f64(int64_t i) { double f; memcpy(&f, &i, 8); return f; }

#ifdef __cplusplus
}
#endif
