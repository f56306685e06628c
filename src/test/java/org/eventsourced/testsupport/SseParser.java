package org.eventsourced.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * A conforming event-stream parser (WHATWG HTML, "Interpreting an event stream"), used to
 * check that what the server writes reads back as the published text. Feed it decoded text
 * in any pieces; it returns the events dispatched so far. Not thread-safe.
 */
public final class SseParser {
    /** A dispatched event as a browser's {@code MessageEvent} would show it. */
    public record Event(String type, String data, String lastEventId) {
    }

    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private long retry = -1;
    private boolean pendingCr;
    private final List<String> comments = new ArrayList<>();

    public List<Event> feed(String text) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pendingCr && c == '\n') {
                pendingCr = false;
                continue;
            }
            pendingCr = false;
            if (c == '\r' || c == '\n') {
                pendingCr = c == '\r';
                line(pending.toString(), events);
                pending.setLength(0);
            } else {
                pending.append(c);
            }
        }
        return events;
    }

    private void line(String line, List<Event> events) {
        if (line.isEmpty()) {
            dispatch(events);
            return;
        }
        if (line.startsWith(":")) {
            comments.add(line.substring(1));
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    retry = Long.parseLong(value);
                }
            }
            default -> {
                // ignored, as the spec says
            }
        }
    }

    private void dispatch(List<Event> events) {
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        String text = data.substring(0, data.length() - 1);
        events.add(new Event(eventType.isEmpty() ? "message" : eventType, text, lastEventId));
        data.setLength(0);
        eventType = "";
    }

    public String lastEventId() {
        return lastEventId;
    }

    public long retry() {
        return retry;
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }
}
