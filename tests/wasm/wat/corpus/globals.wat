(module
  (global $count (mut i32) (i32.const 0))
  (global $sum (mut i64) (i64.const 0))
  (global $step i64 (i64.const 3))
  (func $bump
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.set $sum (i64.add (global.get $sum) (i64.mul (global.get $step) (i64.extend_i32_u (global.get $count))))))
  (func (export "run") (result i64)
    (block $done (loop $l
      (br_if $done (i32.ge_u (global.get $count) (i32.const 300)))
      (call $bump) (br $l)))
    (global.get $sum)))
