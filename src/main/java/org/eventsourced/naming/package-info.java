/** Turning a request into the name of its client's queue. */
package org.eventsourced.naming;
