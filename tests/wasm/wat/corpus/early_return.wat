;; Linear search with return from inside nested loops (exercises fuel write-back on return).
(module (memory 1)
  (func $find (param $needle i32) (result i32)
    (local $i i32) (local $j i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (if (i32.eq (i32.add (i32.mul (local.get $i) (i32.const 100)) (local.get $j)) (local.get $needle))
          (then (return (i32.add (i32.mul (local.get $i) (i32.const 1000)) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (i32.const 100))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (i32.const 100))))
    (i32.const -1))
  (func (export "run") (result i64)
    (i64.add (i64.extend_i32_s (call $find (i32.const 4242)))
             (i64.mul (i64.extend_i32_s (call $find (i32.const 100000))) (i64.const 1000000)))))
