package org.eventsourced.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.eventsourced.broker.BrokerPool;
import org.eventsourced.metrics.Expvar;
import org.eventsourced.metrics.Json;
import org.eventsourced.metrics.Metrics;

/** {@code /debug/vars} for monitoring scripts and {@code /healthz} for probes. */
final class StatusHandler {
    private final Expvar expvar;
    private final BrokerPool pool;
    private final Metrics metrics;
    private final BooleanSupplier accepting;

    StatusHandler(Expvar expvar, BrokerPool pool, Metrics metrics, BooleanSupplier accepting) {
        this.expvar = expvar;
        this.pool = pool;
        this.metrics = metrics;
        this.accepting = accepting;
    }

    void debugVars(HttpExchange exchange) throws IOException {
        Responses.send(exchange, 200, "application/json; charset=utf-8", expvar.render());
    }

    /** 200 while at least one broker node is connected and the server accepts streams. */
    void health(HttpExchange exchange) throws IOException {
        boolean broker = pool.anyConnected();
        boolean open = accepting.getAsBoolean();
        Json json = new Json().open();
        json.key("status").string(broker && open ? "ok" : "unavailable");
        json.key("broker").bool(broker);
        json.key("accepting").bool(open);
        json.key("streams").number(metrics.openStreams());
        json.close();
        Responses.send(exchange, broker && open ? 200 : 503, "application/json; charset=utf-8", json.toString());
    }
}
