/* cli-bench.h: the benchmarks `atomlens-cli bench` runs. Each stage adds
 * one entry to the table in cli-bench.c: `bench NAME [OPTION…]` runs one,
 * a plain `bench` runs every one with its defaults. */
#pragma once

#include "al-cli.h"

int al_cli_bench_nn (int argc, char **argv);
int al_cli_bench_chem (int argc, char **argv);
int al_cli_bench_gpa (int argc, char **argv);
/* `bench chem --accuracy`, in cli-bench-accuracy.c */
int al_cli_bench_chem_accuracy (int argc, char **argv);
int al_cli_bench_simulate (int argc, char **argv);
int al_cli_bench_detect (int argc, char **argv);
int al_cli_bench_track (int argc, char **argv);
/* `bench io`, in cli-bench-io.c */
int al_cli_bench_io (int argc, char **argv);
