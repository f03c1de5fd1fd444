(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 42)))
  (start $init)
)
