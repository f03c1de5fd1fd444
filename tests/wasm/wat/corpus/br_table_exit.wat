;; br_table whose targets include the function body itself, inside a loop
;; (exercises the fuel write-back on branches that leave the function).
(module
  (global $last (mut i32) (i32.const 0))
  (func $pick (param $k i32)
    (local $n i32)
    (loop $l
      (local.set $n (i32.add (local.get $n) (i32.const 3)))
      (global.set $last (local.get $n))
      (br_table $l 1 (i32.gt_u (local.get $n) (local.get $k)))))
  (func (export "run") (result i64)
    (local $a i32)
    (call $pick (i32.const 50))
    (local.set $a (global.get $last))
    (call $pick (i32.const 200))
    (i64.extend_i32_u (i32.add (local.get $a) (i32.mul (global.get $last) (i32.const 1000))))))
