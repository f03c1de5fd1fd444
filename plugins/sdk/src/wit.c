// The guest SDK's runtime part: the call arena behind cabi_realloc, and string helpers.
// Uses wasi-libc's malloc (memory.grow only) for arena overflow blocks: no WASI imports.
//
// Why an arena: in the interpreter every malloc/free costs about a thousand
// instructions, and a call with a reading record in and a string out needs a dozen of
// them. Bump allocation, released in one step when the call is over, is what the
// Canonical ABI's ownership (callee owns its arguments until it returns) calls for.
#include <sensorhost/wit.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

// wasi-libc's vfprintf refers to stderr only to complain about long double formatting.
// Defining the symbol here keeps stdio's FILE objects, and with them the WASI imports
// fd_write/fd_seek/fd_close, out of every plugin. (That path would trap, not print.)
char __stderr_FILE[128] __attribute__((aligned(8)));

typedef struct block {
  struct block* next;
  uint8_t* base;
  size_t size, used;
} block_t;

enum { kFirstBlock = 64 * 1024 };
static uint8_t first_bytes[kFirstBlock] __attribute__((aligned(16)));
static block_t first = {NULL, first_bytes, sizeof first_bytes, 0};
static block_t* current = &first;

static void* arena_alloc(size_t align, size_t size) {
  for (;;) {
    const size_t at = (current->used + align - 1) & ~(align - 1);
    if (at <= current->size && size <= current->size - at) {
      current->used = at + size;
      return current->base + at;
    }
    const size_t want = size + align > kFirstBlock ? size + align : kFirstBlock;
    block_t* b = (block_t*)malloc(sizeof(block_t) + want + 16);
    if (!b) __builtin_trap();
    b->next = NULL;
    b->base = (uint8_t*)(((uintptr_t)(b + 1) + 15) & ~(uintptr_t)15);
    b->size = want;
    b->used = 0;
    current->next = b;
    current = b;
  }
}

bool wit_in_arena(const void* p) {
  for (const block_t* b = &first; b; b = b->next)
    if ((const uint8_t*)p >= b->base && (const uint8_t*)p <= b->base + b->size) return true;
  return false;
}

void wit_arena_reset(void) {
  block_t* b = first.next;
  while (b) {
    block_t* next = b->next;
    free(b);
    b = next;
  }
  first.next = NULL;
  first.used = 0;
  current = &first;
}

__attribute__((export_name("cabi_realloc")))
void* cabi_realloc(void* ptr, size_t old_size, size_t align, size_t new_size) {
  // A zero-sized request still gets an aligned address inside the arena, so freeing it
  // later is recognised as arena memory.
  void* p = arena_alloc(align ? align : 1, new_size);
  if (ptr && old_size) {
    memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    wit_free(ptr);
  }
  return p;
}

void wit_free(void* p) {
  if (p && !wit_in_arena(p)) free(p);
}

wit_string_t wit_string_dup(const char* s) {
  wit_string_t out = {NULL, strlen(s)};
  out.ptr = (char*)cabi_realloc(NULL, 0, 1, out.len + 1);
  memcpy(out.ptr, s, out.len);
  return out;
}

wit_string_t wit_string_printf(const char* fmt, ...) {
  // Formatting is the expensive part in the interpreter: do it once into a stack buffer
  // and only format a second time when the text does not fit.
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  wit_string_t out = {NULL, n > 0 ? (size_t)n : 0};
  out.ptr = (char*)cabi_realloc(NULL, 0, 1, out.len + 1);
  if (out.len < sizeof buf) {
    memcpy(out.ptr, buf, out.len + 1);
    return out;
  }
  va_start(ap, fmt);
  vsnprintf(out.ptr, out.len + 1, fmt, ap);
  va_end(ap);
  return out;
}

void wit_string_free(wit_string_t* s) {
  wit_free(s->ptr);
  s->ptr = NULL;
  s->len = 0;
}
