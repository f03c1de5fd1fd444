(module
  (func $init_fails unreachable)
  (start $init_fails)
)
