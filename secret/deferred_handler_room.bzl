"""The room the secret stack keeps for signal handlers that ThreadSanitizer defers.

Under ThreadSanitizer a handler may run later than its signal, from the interrupted code on its
own stack with every signal blocked: the secret stack keeps this many committed bytes below the
deepest recent call for it (secret/secret_stack.h), since crossing the fence with SIGSEGV
blocked would kill the process. //secret is built with the define; tests that measure the
erasure's cost are too, so that they allow for the extra bytes inspected.
"""

DEFERRED_HANDLER_ROOM_COPTS = select({
    "//secret:tsan": ["-DSECRETMODE_DEFERRED_HANDLER_ROOM=16384"],
    "//conditions:default": [],
})
