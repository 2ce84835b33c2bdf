"""sm_fuzz_target: one libFuzzer target and its corpus regression test.

    load("//fuzz:fuzz.bzl", "sm_fuzz_target")

    sm_fuzz_target(
        name = "key_log",
        srcs = ["key_log_fuzzer.cc"],   # defines LLVMFuzzerTestOneInput
        deps = ["//keyscan:needles"],
    )

makes
  - :key_log_fuzzer, the fuzzer. Under --config=fuzz (clang, --define=fuzzing=libfuzzer) it links
    libFuzzer, which brings main; otherwise it links //fuzz:replay_main, so that
    `bazel run //fuzz:key_log_fuzzer -- FILE_OR_DIR...` replays inputs (a crash reproducer, say)
    with the default toolchain, as the libFuzzer build does when given files.
  - :key_log_corpus_test, a cc_test that replays every file of fuzz/corpus/key_log/ (and fails
    when there is none), so the corpus is a regression test in every run of scripts/test.sh,
    plain and under the sanitizers.
The harness is compiled once, as a library both link.
"""

load("//bazel:defs.bzl", "sm_cc_binary", "sm_cc_library", "sm_cc_test")

_LIBFUZZER = "//fuzz:libfuzzer"

def sm_fuzz_target(name, srcs, deps = [], copts = [], **kwargs):
    """A fuzzer NAME_fuzzer and its corpus test NAME_corpus_test (see the module doc).

    `srcs` define LLVMFuzzerTestOneInput; `deps` are what it fuzzes. Other attributes go to the
    harness library.
    """
    harness = name + "_harness"
    sm_cc_library(
        name = harness,
        srcs = srcs,
        copts = copts,
        deps = deps + ["//fuzz:fuzz_check"],
        testonly = True,
        # Linked whole: nothing but the main that comes after it refers to its
        # LLVMFuzzerTestOneInput.
        alwayslink = True,
        **kwargs
    )
    sm_cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        # scripts/fuzz.sh finds the fuzzers by this tag.
        tags = ["fuzzer"],
        deps = [":" + harness] + select({
            _LIBFUZZER: [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
        linkopts = select({
            _LIBFUZZER: ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    sm_cc_test(
        name = name + "_corpus_test",
        size = "small",
        args = ["fuzz/corpus/" + name],
        data = native.glob(["corpus/%s/**" % name]),
        deps = [
            ":" + harness,
            "//fuzz:replay_main",
        ],
    )
