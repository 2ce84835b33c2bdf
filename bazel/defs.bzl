"""Build macros for secretmode: every project C/C++ target goes through these.

They apply ONE set of compiler flags to the whole project (the idea BoringSSL's util/util.bzl
follows), so warnings are the same everywhere and changing them is a one-line edit here.

    load("//bazel:defs.bzl", "sm_cc_binary", "sm_cc_library", "sm_cc_test")

    sm_cc_test(
        name = "foo_test",
        srcs = ["foo_test.cc"],
        deps = [":foo", "@gtest//:gtest_main"],
    )

Each macro takes the native rule's attributes. `copts` and `linkopts` given by the caller are
appended after the project's, so a target can add (or, with -Wno-..., relax) flags.
The C++ standard (-std=c++17) and sanitizer flags come from //:.bazelrc, not from here.
Tests get no implicit main: pass "@gtest//:gtest_main" (or "@gtest//:gmock_main") in deps.
"""

# Warnings for every project source file (C and C++). Headers from /usr/include (GoogleTest,
# Benchmark, OpenSSL) are system headers and do not trip these.
SM_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
]

# Linker flags for every project binary and test (threads are used throughout).
SM_LINKOPTS = [
    "-pthread",
]

def sm_cc_library(name, copts = [], linkopts = [], **kwargs):
    """cc_library with the project's copts; `copts`/`linkopts` are appended."""
    native.cc_library(
        name = name,
        copts = SM_COPTS + copts,
        linkopts = linkopts,
        **kwargs
    )

def sm_cc_binary(name, copts = [], linkopts = [], **kwargs):
    """cc_binary with the project's copts and linkopts; `copts`/`linkopts` are appended."""
    native.cc_binary(
        name = name,
        copts = SM_COPTS + copts,
        linkopts = SM_LINKOPTS + linkopts,
        **kwargs
    )

def sm_cc_test(name, copts = [], linkopts = [], linkstatic = True, **kwargs):
    """cc_test with the project's copts and linkopts; `copts`/`linkopts` are appended.

    No test framework is added: tests using GoogleTest put "@gtest//:gtest_main" in deps.
    Tests link the project's libraries statically (as binaries do), so that the functions
    //secret interposes (pthread_create, sigaction, ...) are defined in the executable and
    come before a sanitizer runtime's interceptors, as they do in a production binary.
    """
    native.cc_test(
        name = name,
        copts = SM_COPTS + copts,
        linkopts = SM_LINKOPTS + linkopts,
        linkstatic = linkstatic,
        **kwargs
    )
