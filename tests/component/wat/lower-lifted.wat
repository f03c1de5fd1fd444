;; A lifted function lowered again inside the same component: a component-to-component
;; call, which the loader refuses by name.
(component
  (core module $m (func (export "f") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (type $ft (func (result u32)))
  (func $lifted (type $ft) (canon lift (core func $i "f")))
  (core func $lowered (canon lower (func $lifted))))
