/**
 * Benchmark harnesses: each class has a main that runs a fleet-scale scenario against simulated clusters and prints
 * figures (wall time, API calls, peak heap). Run with bench/run.sh NAME. Not part of the test command.
 */
package io.kubechores.bench;
