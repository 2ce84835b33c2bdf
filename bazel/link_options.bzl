"""link_options_file: linker options kept in a generated file, carried by a C++ dependency.

cc_library's `linkopts` must be written in the BUILD file, and Bazel 4's cc_library cannot
make a generated file an input of the links that use it. This rule can: it gives the
binaries that depend on it `@FILE` on their link line (gcc reads FILE as more options) and
FILE as an input of the link.

    genrule(name = "wrap_flags", outs = ["wrap_flags.txt"], ...)   # one option per line
    link_options_file(name = "wrap_options", src = ":wrap_flags")
    cc_library(name = "shim", deps = [":wrap_options", ...])
"""

def _link_options_file_impl(ctx):
    options = ctx.file.src
    linker_input = cc_common.create_linker_input(
        owner = ctx.label,
        user_link_flags = depset(["@" + options.path]),
        additional_inputs = depset([options]),
    )
    return [CcInfo(
        linking_context = cc_common.create_linking_context(
            linker_inputs = depset([linker_input]),
        ),
    )]

link_options_file = rule(
    implementation = _link_options_file_impl,
    attrs = {
        "src": attr.label(
            allow_single_file = True,
            mandatory = True,
            doc = "A file of linker driver options, separated by white space.",
        ),
    },
    doc = "Adds the options in `src` to every link that depends on this target.",
)
