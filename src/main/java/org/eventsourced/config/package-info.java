/** YAML configuration files turned into validated records. */
package org.eventsourced.config;
