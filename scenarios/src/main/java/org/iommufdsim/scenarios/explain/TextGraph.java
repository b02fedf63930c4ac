package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.List;
import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Group;
import org.iommufdsim.sim.host.ObjectGraph.Kind;
import org.iommufdsim.sim.host.ObjectGraph.Node;

/**
 * The object graph as plain text for a terminal: each group as a heading, each node on an
 * indented line with its fields, each of its references under it as {@code -> label target}.
 * No colour. Lines are wrapped to {@code width} columns between words (a node's label and
 * each {@code field=value} are single words, so they never break inside); a word longer than a
 * whole line is cut, so no line is ever wider than {@code width}.
 *
 * <pre>
 * iommufd context 1 (/dev/iommu, opened by pid 1)
 *   IOAS 1: areas=1 mapped=0x1000
 *   device 2: name=mock0 driver=mock
 *     -> attached (RID) HWPT paging 3
 * </pre>
 */
public final class TextGraph {
  /** The narrowest width the renderer accepts. */
  public static final int MIN_WIDTH = 20;

  private TextGraph() {}

  /**
   * @throws IllegalArgumentException if {@code width} is below {@link #MIN_WIDTH}
   */
  public static String render(ObjectGraph g, int width) {
    if (width < MIN_WIDTH) {
      throw new IllegalArgumentException("width " + width + " is below " + MIN_WIDTH);
    }
    StringBuilder sb = new StringBuilder();
    if (g.nodes().isEmpty()) {
      sb.append("(the kernel holds no iommufd object and no process has an iommufd fd)\n");
      return sb.toString();
    }
    boolean manyContexts = g.nodes(Kind.CONTEXT).size() > 1;
    for (Group grp : g.groups()) {
      wrap(sb, List.of(grp.label().split(" ")), 0, 4, width);
      for (Node n : g.nodes()) {
        if (n.group().equals(grp.key())) {
          node(sb, g, n, width, manyContexts);
        }
      }
    }
    return sb.toString();
  }

  private static void node(StringBuilder sb, ObjectGraph g, Node n, int width,
      boolean manyContexts) {
    List<String> words = new ArrayList<>();
    words.add(n.fields().isEmpty() ? n.label() : n.label() + ":");
    for (Field f : n.fields()) {
      words.add(f.name() + "=" + f.value());
    }
    wrap(sb, words, 2, 6, width);
    for (Edge e : g.edges()) {
      if (e.from().equals(n.key())) {
        Node to = g.node(e.to()).orElseThrow();
        List<String> edgeWords = new ArrayList<>();
        edgeWords.add("->");
        edgeWords.addAll(labelWords(e.label()));
        edgeWords.add(target(to, n, g, manyContexts));
        wrap(sb, edgeWords, 4, 8, width);
      }
    }
  }

  /** An edge label's words, "PASID n" kept as one so a number never starts a line alone. */
  static List<String> labelWords(String label) {
    List<String> out = new ArrayList<>();
    for (String w : label.split(" ")) {
      if (!out.isEmpty() && out.getLast().equals("PASID")) {
        out.set(out.size() - 1, "PASID " + w);
      } else {
        out.add(w);
      }
    }
    return out;
  }

  /** The target's label, with its context when the name alone would be ambiguous. */
  private static String target(Node to, Node from, ObjectGraph g, boolean manyContexts) {
    if (!manyContexts || to.kind() == Kind.CONTEXT || to.group().equals(from.group())) {
      return to.label();
    }
    return to.label() + " of " + g.node(to.group()).map(Node::label).orElse(to.group());
  }

  /**
   * Appends the words, separated by one space, as lines of at most {@code width} columns: the
   * first at {@code indent}, the rest at {@code contIndent}. Lines break between words; a word
   * longer than a whole line is cut.
   */
  static void wrap(StringBuilder sb, List<String> words, int indent, int contIndent,
      int width) {
    StringBuilder line = new StringBuilder(" ".repeat(indent));
    int lineStart = indent;
    for (String w : words) {
      boolean empty = line.length() == lineStart;
      if (!empty && line.length() + 1 + w.length() > width) {
        sb.append(line).append('\n');
        line = new StringBuilder(" ".repeat(contIndent));
        lineStart = contIndent;
        empty = true;
      }
      String rest = w;
      if (!empty) {
        line.append(' ');
      }
      while (line.length() + rest.length() > width) {
        int room = width - line.length();
        line.append(rest, 0, room);
        sb.append(line).append('\n');
        rest = rest.substring(room);
        line = new StringBuilder(" ".repeat(contIndent));
        lineStart = contIndent;
      }
      line.append(rest);
    }
    sb.append(line).append('\n');
  }
}
