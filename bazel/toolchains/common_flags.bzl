"""The flags every extra C++ toolchain shares with the auto-configured x86_64 gcc toolchain.

bazel/toolchains/aarch64 (cross gcc) and bazel/toolchains/clang (fuzzing) give Bazel's
unix_cc_toolchain_config the same flags as @local_config_cc, so that code behaves differently
under them because of the architecture or the compiler, not the build. Each toolchain adds
only what must differ (tools, include directories, linker, clang's spellings).
"""

COMPILE_FLAGS = [
    "-U_FORTIFY_SOURCE",
    "-fstack-protector",
    "-Wall",
    "-Wunused-but-set-parameter",
    "-Wno-free-nonheap-object",
    "-fno-omit-frame-pointer",
]

CXX_FLAGS = ["-std=c++0x"]

DBG_COMPILE_FLAGS = ["-g"]

OPT_COMPILE_FLAGS = [
    "-g0",
    "-O2",
    "-D_FORTIFY_SOURCE=1",
    "-DNDEBUG",
    "-ffunction-sections",
    "-fdata-sections",
]

OPT_LINK_FLAGS = ["-Wl,--gc-sections"]

LINK_LIBS = [
    "-lstdc++",
    "-lm",
]

COVERAGE_FLAGS = ["--coverage"]

# Reproducible outputs: no build time in the binaries.
REDACTED_TIME_FLAGS = [
    "-Wno-builtin-macro-redefined",
    "-D__DATE__=\"redacted\"",
    "-D__TIMESTAMP__=\"redacted\"",
    "-D__TIME__=\"redacted\"",
]
