/** Signed access tokens that bind a queue name and an expiry. */
package org.eventsourced.auth;
