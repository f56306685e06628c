/** Server-Sent Events: framing, the per-stream loop, acks and resume. */
package org.eventsourced.sse;
