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
 * it up. An edge between neighbouring columns is a curve; one that would pass under a box runs
 * along its own lane below the nodes instead. All coordinates are integers and nothing depends on anything but the graph, so the
 * same graph always gives the same bytes.
 *
 * <p>Each node is a {@code <g class="node kind-...">} carrying {@code data-key} (the graph's
 * key) and a {@code <title>} with its full text; each edge a {@code <g class="edge rel-...">}
 * carrying {@code data-from} and {@code data-to}. Lines too long for a box are cut with an
 * ellipsis (the title keeps them whole).
 */
public final class SvgGraph {
  static final int BOX_W = 230;
  static final int GAP = 90;
  /** From one column's x to the next. */
  static final int PITCH = BOX_W + GAP;
  /** From one lane of long edges to the next. */
  static final int LANE = 12;
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
      boxes.add(new Box(n, col, MARGIN + col * PITCH, next[col], h));
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
    int bottom = MARGIN + HEADER + LINE;
    boolean[] used = new boolean[HEADERS.size()];
    for (Box b : boxes) {
      width = Math.max(width, b.x() + BOX_W + MARGIN);
      bottom = Math.max(bottom, b.y() + b.h());
      used[b.col()] = true;
    }
    List<Route> routes = routes(g, boxes, bottom + LANE);
    int height = bottom + MARGIN;
    for (Route r : routes) {
      height = Math.max(height, r.lowest() + MARGIN);
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
        sb.append("<text class=\"header\" x=\"").append(MARGIN + c * PITCH)
            .append("\" y=\"").append(MARGIN + 10).append("\">").append(text(HEADERS.get(c)))
            .append("</text>\n");
      }
    }
    sb.append("<g class=\"edges\">\n");
    for (Route r : routes) {
      String rel = "rel-" + css(r.edge().relation().name());
      sb.append("<g class=\"edge ").append(rel).append("\" data-from=\"")
          .append(attr(r.edge().from())).append("\" data-to=\"").append(attr(r.edge().to()))
          .append("\"><path d=\"").append(r.path()).append("\" marker-end=\"url(#")
          .append(attr(marker)).append(")\"/></g>\n");
    }
    sb.append("</g>\n<g class=\"nodes\">\n");
    boolean manyContexts = g.nodes(Kind.CONTEXT).size() > 1;
    for (Box b : boxes) {
      node(sb, b, manyContexts);
    }
    sb.append("</g>\n<g class=\"edge-labels\">\n");
    for (Route r : routes) {
      sb.append("<text class=\"edge-label rel-").append(css(r.edge().relation().name()))
          .append("\" x=\"").append(r.labelX()).append("\" y=\"").append(r.labelY())
          .append("\" text-anchor=\"middle\">").append(text(r.edge().label()))
          .append("</text>\n");
    }
    sb.append("</g>\n</svg>\n");
    return sb.toString();
  }

  /** An edge's path (SVG path data), where its label goes, and the lowest y it reaches. */
  record Route(Edge edge, String path, int labelX, int labelY, int lowest) {}

  /**
   * Every edge's route. Between neighbouring columns, or when no box of a column in between
   * stands in the way, a curve; otherwise the edge runs down into the gap beside its source,
   * along its own lane below every node, and up the gap beside its target, so it never passes
   * under a box. Edges between the same two nodes are spread 10 apart.
   */
  static List<Route> routes(ObjectGraph g, List<Box> boxes, int firstLane) {
    List<Route> out = new ArrayList<>();
    int lanes = 0;
    for (Edge e : g.edges()) {
      Box from = box(boxes, e.from());
      Box to = box(boxes, e.to());
      int twin = (int) out.stream().filter(r -> r.edge().from().equals(e.from())
          && r.edge().to().equals(e.to())).count();
      int y1 = Math.min(from.midY() + twin * 10, from.y() + from.h() - 2);
      int y2 = Math.min(to.midY() + twin * 10, to.y() + to.h() - 2);
      if (from.col() == to.col()) {
        out.add(sameColumn(e, from, to, y1, y2));
      } else if (!blocked(boxes, from, to, y1, y2)) {
        out.add(curve(e, from, to, y1, y2));
      } else {
        out.add(lane(e, from, to, y1, y2, firstLane + lanes * LANE, lanes));
        lanes++;
      }
    }
    return out;
  }

  private static Route sameColumn(Edge e, Box from, Box to, int y1, int y2) {
    int x1 = from.x() + BOX_W;
    int x2 = to.x() + BOX_W;
    int bulge = x1 + 30 + Math.abs(y2 - y1) / 8;
    String d = "M" + x1 + "," + y1 + " C" + bulge + "," + y1 + " " + bulge + "," + y2 + " " + x2
        + "," + y2;
    return new Route(e, d, bulge - 6, (y1 + y2) / 2, Math.max(y1, y2));
  }

  private static Route curve(Edge e, Box from, Box to, int y1, int y2) {
    boolean forward = to.col() > from.col();
    int x1 = forward ? from.x() + BOX_W : from.x();
    int x2 = forward ? to.x() : to.x() + BOX_W;
    int mid = (x1 + x2) / 2;
    String d = "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2
        + "," + y2;
    return new Route(e, d, mid, (y1 + y2) / 2 - 3, Math.max(y1, y2));
  }

  private static Route lane(Edge e, Box from, Box to, int y1, int y2, int laneY, int lane) {
    boolean forward = to.col() > from.col();
    int x1 = forward ? from.x() + BOX_W : from.x();
    int x2 = forward ? to.x() : to.x() + BOX_W;
    int step = 12 + (lane % 5) * 8;
    int gx1 = forward ? x1 + step : x1 - step;
    int gx2 = forward ? x2 - step : x2 + step;
    String d = "M" + x1 + "," + y1 + " H" + gx1 + " V" + laneY + " H" + gx2 + " V" + y2 + " H"
        + x2;
    return new Route(e, d, (gx1 + gx2) / 2, laneY - 3, laneY);
  }

  /** Whether a box in a column strictly between the two stands across the band of the edge. */
  private static boolean blocked(List<Box> boxes, Box from, Box to, int y1, int y2) {
    int lo = Math.min(from.col(), to.col());
    int hi = Math.max(from.col(), to.col());
    int top = Math.min(y1, y2) - 6;
    int low = Math.max(y1, y2) + 6;
    for (Box b : boxes) {
      if (b.col() > lo && b.col() < hi && b.y() < low && b.y() + b.h() > top) {
        return true;
      }
    }
    return false;
  }

  private static Box box(List<Box> boxes, String key) {
    for (Box b : boxes) {
      if (b.node().key().equals(key)) {
        return b;
      }
    }
    throw new IllegalArgumentException("edge to a node not in the graph: " + key);
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
