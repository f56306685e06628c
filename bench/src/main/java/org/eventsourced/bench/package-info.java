/** The load tool: SSE streams against eventsourced, side by side with plain AMQP consumers on the same broker. */
package org.eventsourced.bench;
