/** Counters and the /debug/vars rendering. */
package org.eventsourced.metrics;
