package org.iommufdsim.scenarios.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.iommufdsim.sim.host.ObjectGraph;
import org.iommufdsim.sim.host.ObjectGraph.Edge;
import org.iommufdsim.sim.host.ObjectGraph.Field;
import org.iommufdsim.sim.host.ObjectGraph.Kind;
import org.iommufdsim.sim.host.ObjectGraph.Node;

/**
 * The object graph as a standalone SVG document with a fixed, layered layout, for the HTML
 * stepper to inline. Each kind of node has its column, always at the same x: fds, then
 * devices, nested HWPTs and vDEVICEs, paging HWPTs and vIOMMUs, IOASes and accesses, event
 * queues and HW queues. In a column, nodes are stacked in graph order (context, then ID), so a
 * node created later never moves one already drawn; only destroying a node moves those below
 * it up. All coordinates are integers and nothing depends on anything but the graph, so the
 * same graph always gives the same bytes.
 *
 * <p>Each node is a {@code <g class="node kind-...">} carrying {@code data-key} (the graph's
 * key) and a {@code <title>} with its full text; each edge a {@code <g class="edge rel-...">}
 * carrying {@code data-from} and {@code data-to}. Lines too long for a box are cut with an
 * ellipsis (the title keeps them whole).
 */
public final class SvgGraph {
  static final int BOX_W = 200;
  static final int GAP = 100;
  static final int MARGIN = 20;
  static final int HEADER = 24;
  static final int LINE = 14;
  static final int PAD = 6;
  static final int ROW_GAP = 18;
  /** Characters of 11px monospace that fit in a box (0.6em each). */
  static final int CHARS = (BOX_W - 2 * PAD) * 10 / 66;

  private static final List<String> HEADERS = List.of("fds", "devices", "nested HWPTs, vDEVICEs",
      "paging HWPTs, vIOMMUs", "IOAS, accesses", "event queues, HW queues");

  private SvgGraph() {}

  /** The column of a kind: its x never changes. */
  static int column(Kind k) {
    return switch (k) {
      case FD -> 0;
      case CONTEXT, SELFTEST, DEVICE -> 1;
      case HWPT_NESTED, VDEVICE -> 2;
      case HWPT_PAGING, VIOMMU -> 3;
      case IOAS, ACCESS -> 4;
      case FAULT, VEVENTQ, HW_QUEUE -> 5;
    };
  }

  /** A node's box. */
  record Box(Node node, int col, int x, int y, int h) {
    int midY() {
      return y + h / 2;
    }
  }

  /** Where every node goes: its column's x, stacked below the nodes before it in the column. */
  static List<Box> layout(ObjectGraph g) {
    int[] next = new int[HEADERS.size()];
    java.util.Arrays.fill(next, MARGIN + HEADER);
    List<Box> boxes = new ArrayList<>();
    for (Node n : g.nodes()) {
      int col = column(n.kind());
      int h = 2 * PAD + LINE * (1 + n.fields().size());
      boxes.add(new Box(n, col, MARGIN + col * (BOX_W + GAP), next[col], h));
      next[col] += h + ROW_GAP;
    }
    return boxes;
  }

  public static String render(ObjectGraph g) {
    return render(g, "");
  }

  /**
   * @param idPrefix prefixed to the SVG's one element ID (its arrowhead marker), so several
   *     graphs can be inlined in one HTML page
   */
  public static String render(ObjectGraph g, String idPrefix) {
    List<Box> boxes = layout(g);
    int width = 320;
    int height = MARGIN * 2 + HEADER + LINE;
    boolean[] used = new boolean[HEADERS.size()];
    for (Box b : boxes) {
      width = Math.max(width, b.x() + BOX_W + MARGIN);
      height = Math.max(height, b.y() + b.h() + MARGIN);
      used[b.col()] = true;
    }
    String marker = idPrefix + "arrow";
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"iommufd-graph\" width=\"")
        .append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ")
        .append(width).append(' ').append(height)
        .append("\" font-family=\"monospace\" font-size=\"11\">\n");
    sb.append("<defs><marker id=\"").append(attr(marker)).append("\" viewBox=\"0 0 10 10\""
        + " refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
        + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
    sb.append(STYLE);
    if (boxes.isEmpty()) {
      sb.append("<text x=\"").append(MARGIN).append("\" y=\"").append(MARGIN + HEADER)
          .append("\" class=\"empty\">no iommufd objects</text>\n</svg>\n");
      return sb.toString();
    }
    for (int c = 0; c < HEADERS.size(); c++) {
      if (used[c]) {
        sb.append("<text class=\"header\" x=\"").append(MARGIN + c * (BOX_W + GAP))
            .append("\" y=\"").append(MARGIN + 10).append("\">").append(text(HEADERS.get(c)))
            .append("</text>\n");
      }
    }
    List<String[]> labels = new ArrayList<>();
    sb.append("<g class=\"edges\">\n");
    List<Edge> seen = new ArrayList<>();
    for (Edge e : g.edges()) {
      Box from = box(boxes, e.from());
      Box to = box(boxes, e.to());
      int twin = (int) seen.stream().filter(s -> s.from().equals(e.from())
          && s.to().equals(e.to())).count();
      seen.add(e);
      edge(sb, labels, e, from, to, twin * 10, marker);
    }
    sb.append("</g>\n<g class=\"nodes\">\n");
    boolean manyContexts = g.nodes(Kind.CONTEXT).size() > 1;
    for (Box b : boxes) {
      node(sb, b, manyContexts);
    }
    sb.append("</g>\n<g class=\"edge-labels\">\n");
    for (String[] l : labels) {
      sb.append(l[0]);
    }
    sb.append("</g>\n</svg>\n");
    return sb.toString();
  }

  private static Box box(List<Box> boxes, String key) {
    for (Box b : boxes) {
      if (b.node().key().equals(key)) {
        return b;
      }
    }
    throw new IllegalArgumentException("edge to a node not in the graph: " + key);
  }

  private static void edge(StringBuilder sb, List<String[]> labels, Edge e, Box from, Box to,
      int shift, String marker) {
    int y1 = Math.min(from.midY() + shift, from.y() + from.h() - 2);
    int y2 = Math.min(to.midY() + shift, to.y() + to.h() - 2);
    int x1;
    int x2;
    String d;
    int lx;
    int ly;
    if (from.col() == to.col()) {
      x1 = from.x() + BOX_W;
      x2 = to.x() + BOX_W;
      int bulge = x1 + 40 + Math.abs(y2 - y1) / 8;
      d = "M" + x1 + "," + y1 + " C" + bulge + "," + y1 + " " + bulge + "," + y2 + " " + x2
          + "," + y2;
      lx = bulge - 6;
      ly = (y1 + y2) / 2;
    } else {
      boolean forward = to.col() > from.col();
      x1 = forward ? from.x() + BOX_W : from.x();
      x2 = forward ? to.x() : to.x() + BOX_W;
      int mid = (x1 + x2) / 2;
      d = "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + ","
          + y2;
      lx = mid;
      ly = (y1 + y2) / 2 - 3;
    }
    String rel = "rel-" + css(e.relation().name());
    sb.append("<g class=\"edge ").append(rel).append("\" data-from=\"").append(attr(e.from()))
        .append("\" data-to=\"").append(attr(e.to())).append("\"><path d=\"").append(d)
        .append("\" marker-end=\"url(#").append(attr(marker)).append(")\"/></g>\n");
    labels.add(new String[] {"<text class=\"edge-label " + rel + "\" x=\"" + lx + "\" y=\"" + ly
        + "\" text-anchor=\"middle\">" + text(e.label()) + "</text>\n"});
  }

  private static void node(StringBuilder sb, Box b, boolean manyContexts) {
    Node n = b.node();
    String title = n.label();
    if (manyContexts && n.kind() != Kind.CONTEXT && n.kind() != Kind.FD) {
      title += " (" + n.group().replace('c', '#') + ")";
    }
    List<String> lines = new ArrayList<>();
    lines.add(title);
    for (Field f : n.fields()) {
      lines.add(f.name() + "=" + f.value());
    }
    sb.append("<g class=\"node kind-").append(css(n.kind().name())).append("\" data-key=\"")
        .append(attr(n.key())).append("\" transform=\"translate(").append(b.x()).append(',')
        .append(b.y()).append(")\">");
    sb.append("<title>").append(text(String.join("\n", lines))).append("</title>");
    sb.append("<rect width=\"").append(BOX_W).append("\" height=\"").append(b.h())
        .append("\" rx=\"4\"/>");
    for (int i = 0; i < lines.size(); i++) {
      sb.append("<text x=\"").append(PAD).append("\" y=\"").append(PAD + LINE * (i + 1) - 3)
          .append('"').append(i == 0 ? " class=\"title\"" : "").append('>')
          .append(text(fit(lines.get(i)))).append("</text>");
    }
    sb.append("</g>\n");
  }

  /** The line, cut with an ellipsis if it is wider than a box. */
  static String fit(String s) {
    return s.length() <= CHARS ? s : s.substring(0, CHARS - 1) + "\u2026";
  }

  private static String css(String enumName) {
    return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** XML character data: {@code &}, {@code <} and {@code >} escaped. */
  static String text(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** An XML attribute value in double quotes. */
  static String attr(String s) {
    return text(s).replace("\"", "&quot;");
  }

  private static final String STYLE = """
      <style>
      .iommufd-graph rect { fill: #f7f7f7; stroke: #444; stroke-width: 1; }
      .iommufd-graph .kind-fd rect { fill: #eeeeee; }
      .iommufd-graph .kind-context rect { fill: #fff4d6; }
      .iommufd-graph .kind-device rect, .iommufd-graph .kind-selftest rect { fill: #e3f0ff; }
      .iommufd-graph .kind-hwpt-paging rect, .iommufd-graph .kind-hwpt-nested rect { fill: #e6f7e6; }
      .iommufd-graph .kind-ioas rect, .iommufd-graph .kind-access rect { fill: #fdeaea; }
      .iommufd-graph .kind-viommu rect, .iommufd-graph .kind-vdevice rect { fill: #efe6fb; }
      .iommufd-graph .kind-fault rect, .iommufd-graph .kind-veventq rect, .iommufd-graph .kind-hw-queue rect { fill: #fff0e0; }
      .iommufd-graph .title { font-weight: bold; }
      .iommufd-graph .header { fill: #666; font-style: italic; }
      .iommufd-graph .edge path { fill: none; stroke: #555; stroke-width: 1.2; }
      .iommufd-graph .edge-label { fill: #222; font-size: 9px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
      </style>
      """;
}
