package org.eventsourced.config;

/**
 * Where a setting came from: a line in the {@code order}-th file read, or the built-in default.
 * Later origins win, so the order of two origins says which setting was applied last.
 */
record Origin(String file, int order, int line) {
    static final Origin DEFAULT = new Origin("default", -1, 0);

    boolean isDefault() {
        return order < 0;
    }

    boolean isAfter(Origin other) {
        return order != other.order ? order > other.order : line > other.line;
    }

    /** An error at this line; {@code key} is shown on one line and masked, as keys are user text too. */
    ConfigException error(String key, String message) {
        return new ConfigException(this + ": " + Values.oneLine(Values.maskCredentials(key)) + ": " + message);
    }

    /** How a message refers to this origin from elsewhere: "the default" or "set at FILE:LINE". */
    String describe() {
        return isDefault() ? "the default" : "set at " + this;
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
