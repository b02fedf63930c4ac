package org.iommufdsim.scenarios.explain;

import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Group;
import org.iommufdsim.sim.host.ObjectGraph.Node;

/**
 * The object graph as a Mermaid flowchart: each group a {@code subgraph}, each node a box
 * whose quoted label holds its title and fields (one per line), each edge labelled. Node IDs
 * are the graph's keys made safe ({@code n_c1_o3}); group IDs are {@code g_c1}, so a group and
 * its context's node never share an ID. Quotes, angle brackets, ampersands and hashes in text
 * become Mermaid entity codes.
 */
public final class MermaidGraph {
  private MermaidGraph() {}

  public static String render(ObjectGraph g) {
    StringBuilder sb = new StringBuilder();
    sb.append("flowchart LR\n");
    for (Group grp : g.groups()) {
      sb.append("  subgraph g_").append(safe(grp.key())).append("[\"").append(text(grp.label()))
          .append("\"]\n");
      for (Node n : g.nodes()) {
        if (n.group().equals(grp.key())) {
          sb.append("    ").append(id(n.key())).append("[\"").append(label(n)).append("\"]\n");
        }
      }
      sb.append("  end\n");
    }
    for (Edge e : g.edges()) {
      sb.append("  ").append(id(e.from())).append(" -->|\"").append(text(e.label()))
          .append("\"| ").append(id(e.to())).append('\n');
    }
    return sb.toString();
  }

  static String id(String key) {
    return "n_" + safe(key);
  }

  /** Letters, digits and underscores only: every other character becomes an underscore. */
  private static String safe(String key) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      sb.append(c < 128 && Character.isLetterOrDigit(c) ? c : '_');
    }
    return sb.toString();
  }

  private static String label(Node n) {
    StringBuilder sb = new StringBuilder(text(n.label()));
    for (Field f : n.fields()) {
      sb.append("<br/>").append(text(f.name() + "=" + f.value()));
    }
    return sb.toString();
  }

  /** Text inside a quoted Mermaid label: the characters Mermaid or HTML would read as entities. */
  static String text(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("#quot;");
        case '#' -> sb.append("#35;");
        case '<' -> sb.append("#lt;");
        case '>' -> sb.append("#gt;");
        case '&' -> sb.append("#amp;");
        case '\n', '\r' -> sb.append(' ');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
