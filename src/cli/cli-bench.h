/* cli-bench.h: the benchmarks `atomlens-cli bench` runs. Each stage adds
 * one entry to the table in cli-bench.c: `bench NAME [OPTION…]` runs one,
 * a plain `bench` runs every one with its defaults. */
#pragma once

#include "al-cli.h"

int al_cli_bench_nn (int argc, char **argv);
