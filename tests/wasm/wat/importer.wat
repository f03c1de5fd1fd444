;; Links to exporter.wat: fills the imported table with an elem segment (as jco's fixup
;; module does), writes the imported memory and bumps the imported global.
(module
  (import "x" "memory" (memory 1))
  (import "x" "table" (table 2 funcref))
  (import "x" "counter" (global $counter (mut i32)))
  (import "x" "double" (func $double (param i32) (result i32)))
  (type $i2i (func (param i32) (result i32)))
  (elem (i32.const 1) $double)
  (func (export "run") (param i32) (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (i32.store (i32.const 0) (i32.const 0x01020304))
    (call_indirect (type $i2i) (local.get 0) (i32.const 1)))
)
