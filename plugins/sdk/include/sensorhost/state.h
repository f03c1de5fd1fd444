// Versioned state for the worlds that export state.snapshot / state.restore. Include
// after the world's generated header (it needs list<u8>, which only those worlds have):
//   #include "dht22.h"
//   #include <sensorhost/sensor_plugin.h>
//   #include <sensorhost/state.h>
#pragma once
#include <string.h>

#include <sensorhost/format.h>

// A snapshot is a 16-byte header and the plugin's state struct (little-endian, as Wasm
// memory is):
//   offset 0   4 bytes  tag      which plugin wrote it, e.g. "DHT2"
//   offset 4   u16      layout   version of the state struct's layout
//   offset 6   u16      header   size of this header (16)
//   offset 8   u32      size     bytes of the state struct that follows
//   offset 12  u32      check    FNV-1a 32 of those bytes
// A snapshot of another plugin, another layout or size, or with damaged bytes is refused
// with an err that says which; the host then starts the new instance fresh. Bump a
// plugin's layout version whenever its struct changes meaning, not only size.

typedef struct sh_state_format_t {
  const char* tag;  // 4 characters
  uint16_t layout;
  size_t size;      // sizeof the state struct
  // Optional: a reason when restored bytes make no sense for the plugin (NULL: fine).
  const char* (*check)(const void* state);
} sh_state_format_t;

enum { SH_STATE_HEADER = 16 };

static inline uint32_t sh_fnv1a(const uint8_t* p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  return h;
}

static inline list_u8_t sh_state_snapshot(const sh_state_format_t* f, const void* state) {
  const uint16_t header = SH_STATE_HEADER;
  const uint32_t size = (uint32_t)f->size;
  const uint32_t check = sh_fnv1a((const uint8_t*)state, f->size);
  list_u8_t out = {(uint8_t*)cabi_realloc(NULL, 0, 4, SH_STATE_HEADER + f->size), SH_STATE_HEADER + f->size};
  memcpy(out.ptr, f->tag, 4);
  memcpy(out.ptr + 4, &f->layout, 2);
  memcpy(out.ptr + 6, &header, 2);
  memcpy(out.ptr + 8, &size, 4);
  memcpy(out.ptr + 12, &check, 4);
  memcpy(out.ptr + SH_STATE_HEADER, state, f->size);
  return out;
}

static inline result_void_string_t sh_state_fail(wit_string_t why) {
  result_void_string_t r = {0};
  r.is_err = true;
  r.val.err = why;
  return r;
}

// Why `data` is not a snapshot of format `f`, or an empty string.
static inline wit_string_t sh_state_refusal(const sh_state_format_t* f, list_u8_t data) {
  if (data.len < SH_STATE_HEADER)
    return sh_format("snapshot of %zu bytes is shorter than the %d-byte header", data.len, (int)SH_STATE_HEADER);
  uint16_t layout, header;
  uint32_t size, check;
  memcpy(&layout, data.ptr + 4, 2);
  memcpy(&header, data.ptr + 6, 2);
  memcpy(&size, data.ptr + 8, 4);
  memcpy(&check, data.ptr + 12, 4);
  if (memcmp(data.ptr, f->tag, 4) != 0 || header != SH_STATE_HEADER) {
    // The error is a WIT string: only printable ASCII of the foreign tag goes into it.
    bool printable = true;
    for (int i = 0; i < 4; ++i) printable = printable && data.ptr[i] >= 0x20 && data.ptr[i] < 0x7f;
    uint32_t tag;
    memcpy(&tag, data.ptr, 4);
    if (!printable) return sh_format("not a %.4s snapshot (tag 0x%08x, header %u bytes)", f->tag, (unsigned)tag, header);
    return sh_format("not a %.4s snapshot (tag \"%.4s\", header %u bytes)", f->tag, (const char*)data.ptr, header);
  }
  if (layout != f->layout)
    return sh_format("%.4s snapshot layout %u, this build reads layout %u", f->tag, layout, f->layout);
  if (size != f->size || data.len != SH_STATE_HEADER + f->size)
    return sh_format("%.4s snapshot: state of %u bytes (%zu after the header), this build expects %zu", f->tag,
                     size, data.len - SH_STATE_HEADER, f->size);
  if (sh_fnv1a(data.ptr + SH_STATE_HEADER, f->size) != check)
    return sh_format("%.4s snapshot: checksum mismatch, the bytes are damaged", f->tag);
  return (wit_string_t){NULL, 0};
}

// Replaces `*state` with the snapshot in `data`, or leaves it untouched and says why not.
static inline result_void_string_t sh_state_restore(const sh_state_format_t* f, list_u8_t data, void* state) {
  wit_string_t why = sh_state_refusal(f, data);
  if (why.len) return sh_state_fail(why);
  // An aligned copy for the check: the host's list<u8> need not be aligned for the struct.
  void* copy = cabi_realloc(NULL, 0, 8, f->size);
  memcpy(copy, data.ptr + SH_STATE_HEADER, f->size);
  const char* bad = f->check ? f->check(copy) : NULL;
  if (bad) return sh_state_fail(sh_format("%.4s snapshot: %s", f->tag, bad));
  memcpy(state, copy, f->size);
  result_void_string_t ok = {0};
  return ok;
}
