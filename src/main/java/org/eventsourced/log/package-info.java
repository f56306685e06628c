/** The single log path: one line per event on stderr. */
package org.eventsourced.log;
