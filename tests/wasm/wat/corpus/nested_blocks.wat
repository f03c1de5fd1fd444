;; Classifies 0..299 with branches out of nested blocks: multiples of 15, 5, 3, others.
(module (func (export "run") (result i64)
  (local $i i32) (local $acc i64)
  (loop $l
    (block $next
      (block $other (block $three (block $five (block $fifteen
        (br_if $fifteen (i32.eqz (i32.rem_u (local.get $i) (i32.const 15))))
        (br_if $five (i32.eqz (i32.rem_u (local.get $i) (i32.const 5))))
        (br_if $three (i32.eqz (i32.rem_u (local.get $i) (i32.const 3))))
        (br $other))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000000))) (br $next))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000))) (br $next))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1))) (br $next))
      (local.set $acc (i64.add (local.get $acc) (i64.const 0))))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
  (local.get $acc)))
