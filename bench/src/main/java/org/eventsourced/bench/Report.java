package org.eventsourced.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The result table (figure, eventsourced, baseline, ratio, target) and the raw notes printed below it. */
final class Report {
    private record Row(String figure, String es, String base, String ratio, String target) {
    }

    private final List<Object> lines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void section(String title) {
        lines.add(title);
    }

    /** A numeric row; ratio = eventsourced / baseline. NaN means "not measured". */
    void row(String figure, double es, double base, String format, String target) {
        lines.add(new Row(figure, fmt(format, es), fmt(format, base),
                Double.isNaN(es) || Double.isNaN(base) || base == 0 ? "-" : fmt("%.2f", es / base), target));
    }

    void text(String figure, String es, String base, String target) {
        lines.add(new Row(figure, es, base, "-", target));
    }

    void note(String note) {
        notes.add(note);
        System.err.println("bench: " + note);
    }

    static String fmt(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    String render() {
        String[] head = {"figure", "eventsourced", "direct AMQP", "ratio", "target"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
        }
        for (Object o : lines) {
            if (o instanceof Row r) {
                String[] c = {r.figure, r.es, r.base, r.ratio, r.target};
                for (int i = 0; i < c.length; i++) {
                    w[i] = Math.max(w[i], c[i].length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, w, head);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < w.length; i++) {
            rule.append(' ').append(i == 0 ? "-".repeat(w[i]) : "-".repeat(w[i] - 1) + ":").append(" |");
        }
        sb.append(rule).append('\n');
        for (Object o : lines) {
            if (o instanceof Row r) {
                line(sb, w, new String[] {r.figure, r.es, r.base, r.ratio, r.target});
            } else {
                line(sb, w, new String[] {"**" + o + "**", "", "", "", ""});
            }
        }
        if (!notes.isEmpty()) {
            sb.append("\nnotes:\n");
            for (String n : notes) {
                sb.append("  ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, int[] w, String[] cells) {
        sb.append('|');
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            String pad = " ".repeat(Math.max(0, w[i] - c.length()));
            sb.append(' ').append(i == 0 ? c + pad : pad + c).append(" |");
        }
        sb.append('\n');
    }
}
