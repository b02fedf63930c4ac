package org.iommufdsim.scenarios.explain;

import java.util.Locale;
import java.util.Optional;
import org.iommufdsim.sim.host.ObjectGraph;

/** The ways to draw an object graph; {@link #render} picks the renderer. */
public enum GraphFormat {
  /** {@link TextGraph}: plain text wrapped to a width. */
  TEXT,
  /** {@link DotGraph}: Graphviz. */
  DOT,
  /** {@link MermaidGraph}: a Mermaid flowchart. */
  MERMAID,
  /** {@link SvgGraph}: a standalone SVG with a stable layout. */
  SVG;

  /** The format spelt {@code name} on a command line ({@code text}, {@code dot}, ...). */
  public static Optional<GraphFormat> named(String name) {
    for (GraphFormat f : values()) {
      if (f.spelling().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** How a command line spells it. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The graph in this format; {@code width} matters to {@link #TEXT} only. */
  public String render(ObjectGraph g, int width) {
    return switch (this) {
      case TEXT -> TextGraph.render(g, width);
      case DOT -> DotGraph.render(g);
      case MERMAID -> MermaidGraph.render(g);
      case SVG -> SvgGraph.render(g);
    };
  }
}
