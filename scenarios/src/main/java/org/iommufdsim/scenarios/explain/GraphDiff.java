package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Node;

/**
 * What a step changed in the kernel, as the difference of the object graphs around it: objects
 * and fds created or destroyed, references taken or dropped, and key fields that changed (a fault
 * queued or answered shows as its queue's {@code pending}/{@code awaiting} counts moving). Lines
 * come in graph order, so the same step always reads the same.
 */
public final class GraphDiff {
  private GraphDiff() {}

  /** One line per change: {@code + ...} created or taken, {@code - ...} gone, {@code ~ ...} changed. */
  public static List<String> lines(ObjectGraph before, ObjectGraph after) {
    Map<String, Node> was = byKey(before);
    Map<String, Node> now = byKey(after);
    List<String> out = new ArrayList<>();
    for (Node n : before.nodes()) {
      if (!now.containsKey(n.key())) {
        out.add("- " + describe(n) + " is gone");
      }
    }
    for (Node n : after.nodes()) {
      Node old = was.get(n.key());
      if (old == null) {
        out.add("+ " + describe(n));
      } else if (!old.fields().equals(n.fields()) || !old.label().equals(n.label())) {
        out.add("~ " + n.label() + ": " + changes(old, n));
      }
    }
    Set<Edge> oldEdges = new LinkedHashSet<>(before.edges());
    Set<Edge> newEdges = new LinkedHashSet<>(after.edges());
    for (Edge e : before.edges()) {
      if (!newEdges.contains(e)) {
        out.add("- " + edge(e, was) + " (dropped)");
      }
    }
    for (Edge e : after.edges()) {
      if (!oldEdges.contains(e)) {
        out.add("+ " + edge(e, now));
      }
    }
    return out;
  }

  private static Map<String, Node> byKey(ObjectGraph g) {
    Map<String, Node> m = new LinkedHashMap<>();
    g.nodes().forEach(n -> m.put(n.key(), n));
    return m;
  }

  private static String describe(Node n) {
    StringBuilder sb = new StringBuilder(n.label());
    for (Field f : n.fields()) {
      sb.append(sb.length() == n.label().length() ? " (" : " ").append(f.name()).append('=')
          .append(f.value());
    }
    return n.fields().isEmpty() ? sb.toString() : sb.append(')').toString();
  }

  private static String changes(Node old, Node now) {
    List<String> parts = new ArrayList<>();
    Map<String, String> was = new LinkedHashMap<>();
    old.fields().forEach(f -> was.put(f.name(), f.value()));
    for (Field f : now.fields()) {
      String v = was.remove(f.name());
      if (v == null) {
        parts.add(f.name() + "=" + f.value());
      } else if (!v.equals(f.value())) {
        parts.add(f.name() + " " + v + " -> " + f.value());
      }
    }
    was.forEach((k, v) -> parts.add(k + " no longer shown (was " + v + ")"));
    return String.join(", ", parts);
  }

  private static String edge(Edge e, Map<String, Node> nodes) {
    return label(nodes, e.from()) + " " + e.label() + " " + label(nodes, e.to());
  }

  private static String label(Map<String, Node> nodes, String key) {
    Node n = nodes.get(key);
    return n == null ? key : n.label();
  }
}
