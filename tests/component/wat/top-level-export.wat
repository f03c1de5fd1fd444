;; A hand-written component with a top-level function export (no interface).
(component
  (core module $m (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
  (core instance $i (instantiate $m))
  (func $inc (param "x" u32) (result u32) (canon lift (core func $i "f")))
  (export "inc" (func $inc)))
