;; Its realloc calls an import, which the Canonical ABI forbids: calling g("x") must trap.
(component
  (import "ping" (func $ping))
  (core func $ping_core (canon lower (func $ping)))
  (core instance $host (export "ping" (func $ping_core)))
  (core module $m
    (import "host" "ping" (func $ping))
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) call $ping i32.const 64)
    (func (export "g") (param i32 i32)))
  (core instance $i (instantiate $m (with "host" (instance $host))))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func $g (param "s" string) (canon lift (core func $i "g") (memory $mem) (realloc $realloc)))
  (export "g" (func $g)))
