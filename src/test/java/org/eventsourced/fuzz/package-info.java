/** Property and fuzz tests with fixed seeds in CI and longer runs on demand (see docs/fuzzing.md). */
package org.eventsourced.fuzz;
