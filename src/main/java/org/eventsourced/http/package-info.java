/** HTTP: routing, the stream endpoint, status endpoints, CORS. */
package org.eventsourced.http;
