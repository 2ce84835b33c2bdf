"""The flags every extra C++ toolchain shares with the auto-configured x86_64 gcc toolchain.

bazel/toolchains/aarch64 (cross gcc) and bazel/toolchains/clang (fuzzing) give Bazel's
unix_cc_toolchain_config the same flags as @local_config_cc, through project_cc_toolchain_config
below, so that code behaves differently under them because of the architecture or the compiler,
not the build. Each toolchain adds only what must differ (tools, include directories, linker,
clang's spellings).
"""

load("@bazel_tools//tools/cpp:unix_cc_toolchain_config.bzl", "cc_toolchain_config")

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

def project_cc_toolchain_config(name, unfiltered_compile_flags, **kwargs):
    """Bazel's cc_toolchain_config with the flags above, for a glibc target built on x86_64 Linux.

    Args:
      name: the config's name.
      unfiltered_compile_flags: the toolchain's own; the build-time redaction is appended.
      **kwargs: what differs per toolchain (compiler, cpu, tools, include directories, linker).
    """
    cc_toolchain_config(
        name = name,
        abi_libc_version = "glibc",
        compile_flags = COMPILE_FLAGS,
        coverage_compile_flags = COVERAGE_FLAGS,
        coverage_link_flags = COVERAGE_FLAGS,
        cxx_flags = CXX_FLAGS,
        dbg_compile_flags = DBG_COMPILE_FLAGS,
        host_system_name = "x86_64-linux-gnu",
        link_libs = LINK_LIBS,
        opt_compile_flags = OPT_COMPILE_FLAGS,
        opt_link_flags = OPT_LINK_FLAGS,
        target_libc = "glibc",
        unfiltered_compile_flags = unfiltered_compile_flags + REDACTED_TIME_FLAGS,
        **kwargs
    )
