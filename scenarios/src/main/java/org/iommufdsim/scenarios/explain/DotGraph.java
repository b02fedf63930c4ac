package org.iommufdsim.scenarios.explain;

import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Group;
import org.iommufdsim.sim.host.ObjectGraph.Node;

/**
 * The object graph in Graphviz DOT: one {@code digraph}, each group a {@code cluster}
 * subgraph, each node a box labelled with its title and fields, each edge labelled with its
 * meaning. Every ID and label is a quoted string, escaped, so any text is safe.
 */
public final class DotGraph {
  private DotGraph() {}

  public static String render(ObjectGraph g) {
    StringBuilder sb = new StringBuilder();
    sb.append("digraph iommufd {\n");
    sb.append("  rankdir=LR;\n");
    sb.append("  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
    sb.append("  edge [fontname=\"monospace\", fontsize=9];\n");
    for (Group grp : g.groups()) {
      sb.append("  subgraph ").append(quote("cluster_" + grp.key())).append(" {\n");
      sb.append("    label=").append(quote(grp.label())).append(";\n");
      for (Node n : g.nodes()) {
        if (n.group().equals(grp.key())) {
          sb.append("    ").append(quote(n.key())).append(" [label=").append(quote(label(n)))
              .append("];\n");
        }
      }
      sb.append("  }\n");
    }
    for (Edge e : g.edges()) {
      sb.append("  ").append(quote(e.from())).append(" -> ").append(quote(e.to()))
          .append(" [label=").append(quote(e.label())).append("];\n");
    }
    sb.append("}\n");
    return sb.toString();
  }

  /** The node's title and one {@code name=value} per line (joined with newlines). */
  static String label(Node n) {
    StringBuilder sb = new StringBuilder(n.label());
    for (Field f : n.fields()) {
      sb.append('\n').append(f.name()).append('=').append(f.value());
    }
    return sb.toString();
  }

  /** A DOT quoted string: backslash and double quote escaped, newline as {@code \n}. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> { }
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
