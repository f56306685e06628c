package org.eventsourced.metrics;

/**
 * One broker node as {@code /debug/vars} shows it.
 *
 * @param node        the node's URL, password masked
 * @param connected   whether at least one connection to it is open
 * @param connections open connections
 * @param channels    channels in use across those connections
 */
public record NodeStatus(String node, boolean connected, int connections, int channels) {
}
