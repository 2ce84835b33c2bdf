// keyscan: see usage.cc for what it does, cli.h for how.
#include <cstdio>

#include "keyscan/cli.h"

int main(int argc, char** argv) {
  return keyscan::RunCli(argc, argv, stdout, stderr);
}
