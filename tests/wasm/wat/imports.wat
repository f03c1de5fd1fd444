;; Imports of every kind, bound by name and type.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "fail" (func $fail))
  (import "env" "scale" (global $scale i32))
  (func (export "add_scaled") (param i32 i32) (result i32)
    (i32.mul (call $add (local.get 0) (local.get 1)) (global.get $scale)))
  (func $calls_fail (export "call_fail") (call $fail))
)
