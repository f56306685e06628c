/** Heap pacing: full collections of the old generation, so resident memory follows the open streams. */
package org.eventsourced.memory;
