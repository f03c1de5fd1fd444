;; Programs that never end on their own: fuel must stop them.
(module
  (import "env" "tick" (func $tick))
  (func $spin (export "loop") (loop $l (br $l)))
  (func $spin_if (export "loop_br_if") (loop $l (br_if $l (i32.const 1))))  ;; unrolled by the rewrite
  (func $deep (export "recursion") (param i32) (result i32)
    (call $deep (i32.add (local.get 0) (i32.const 1))))
  (func $poll (export "host_loop") (loop $l (call $tick) (br $l)))
  (func (export "finite") (param i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
)
