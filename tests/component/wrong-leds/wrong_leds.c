// Calls the mistyped LED import so that it stays in the component's world.
#include "wrong-leds.h"

wit_string_t sensor_logic_poll(void) { return wit_string_dup(leds_set_led(1) ? "on" : "off"); }
